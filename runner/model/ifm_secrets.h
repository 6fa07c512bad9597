/* ifm_secrets.h: the list of secrets a run redacts, and the forms in which a
 * server or a report can give each one back. Built once, when the target and
 * the URL are known (the target loader, `ifmatch run`, `ifmatch probe`);
 * applied by ifm_redact (ifm_redact.h) to every string that is kept.
 *
 * Where secrets come from:
 *   - a value taken from the environment (${env:NAME} in a target file);
 *   - the value of a credential field (Authorization, Proxy-Authorization,
 *     Cookie, the names under `secrets:`), whole, and the parts a server may
 *     echo on their own: the credentials after an auth scheme
 *     ("Bearer TOKEN": TOKEN), a Basic credential decoded ("user:pass") and
 *     its password, the value of each cookie;
 *   - the userinfo of a URL (http://user:pass@host/): "user:pass" as
 *     written and percent-decoded, the password (the user name when there
 *     is no password: a token sent as the user), and the Authorization
 *     value an HTTP client makes of it ("Basic " base64("user:pass"));
 *     the same of a proxy's URL (--proxy, the target's `proxy`, libcurl's
 *     http_proxy and the like), whose Proxy-Authorization is that value.
 * The forms of each: itself; its base64 (RFC 4648 4 and 5, with and without
 * padding), as Basic credentials carry it; the inner part of its base64 when
 * it sits inside a longer base64 text at any alignment; and the same forms
 * of its base64 (a Basic credential, or an ETag made of one, echoed in base64). A percent-encoded
 * form (%XX in either case, '+' for a space) needs no entry: ifm_redact
 * reads %XX as the byte it stands for.
 *
 * Short secrets: a secret given whole (an environment value, a credential
 * field's value, a URL's password) is redacted whatever its length, since
 * leaving it out would leak it. Derived forms and parts are listed only when
 * at least IFM_SECRET_SHORT bytes long: a two-letter cookie value or a
 * three-letter base64 text would blot out ordinary words. A given secret
 * shorter than IFM_SECRET_SHORT is redacted all the same, and `ifmatch run`
 * warns about it (every occurrence of those bytes, in unrelated text too). */
#ifndef IFM_SECRETS_H
#define IFM_SECRETS_H

#include <stddef.h>
#include "ifm_err.h"

#define IFM_SECRET_SHORT 4

/* Adds secret s and its forms to the list (*v, *n: strings the list owns; a
 * duplicate or an empty string is not added). IFM_OK or IFM_ERR_NOMEM. */
ifm_err ifm_secrets_add(char ***v, size_t *n, const char *s);

/* Adds the value of a credential field whole (with its forms), and its parts
 * as above: the credentials after the scheme, a Basic credential decoded and
 * its password, each cookie's value (name is the field's name). */
ifm_err ifm_secrets_add_credential(char ***v, size_t *n, const char *name, const char *value);

/* Adds the userinfo of url (scheme://userinfo@host...), if it has one. */
ifm_err ifm_secrets_add_url(char ***v, size_t *n, const char *url);

/* Adds the userinfo of a proxy URL as above (the Proxy-Authorization value
 * libcurl makes of it is the same Basic form); the scheme may be left out,
 * as curl allows: user:pass@host:3128. */
ifm_err ifm_secrets_add_proxy(char ***v, size_t *n, const char *proxy);

/* The length of the shortest secret in the list (0 when it is empty). */
size_t ifm_secrets_shortest(char *const *v, size_t n);

/* The Authorization value an HTTP client makes of a URL's userinfo
 * userinfo[0..len) (RFC 7617 2: "Basic " and the base64 of user ":"
 * password, percent-decoded; a user alone gets an empty password). Caller
 * frees; NULL on ENOMEM. */
char *ifm_secrets_basic(const char *userinfo, size_t len);

/* Base64 of s[0..len) (RFC 4648 4), padded; caller frees. NULL on ENOMEM. */
char *ifm_base64(const void *s, size_t len);

#endif
