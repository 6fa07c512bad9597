/* ifm_redact.h: secrets out of everything kept. A target's secrets (values
 * taken from the environment, credentials in auth headers, the userinfo of
 * the URL, and their forms: ifm_secrets.h) go on the wire but never into a
 * report, a log or a terminal line. Every kept copy of an exchange is made by
 * ifm_exchange_evidence, which replaces each secret by "<redacted>" and the
 * credential fields (Authorization, Cookie, ...) whole; every string of the
 * results model passes ifm_report_redact before a report is written; the
 * terminal passes ifm_redact_stdio_begin's filter (runner/cli/).
 *
 * A secret is found as written, percent-encoded (%XX in either case, '+' for
 * a space) or mixed. "<redacted>" itself is never searched, so redacting
 * twice changes nothing, also with a secret that occurs in that word. */
#ifndef IFM_REDACT_H
#define IFM_REDACT_H

#include <stddef.h>
#include "ifm_err.h"
#include "ifm_exchange.h"
#include "ifm_result.h"

#define IFM_REDACTED "<redacted>"

/* Replaces every occurrence of each secret in s[0..len) by "<redacted>".
 * Returns a new string (caller frees) and its length in *out_len (may be
 * NULL); NULL on allocation failure. */
char *ifm_redact(const char *s, size_t len, char *const *secrets, size_t n_secrets, size_t *out_len);

/* The same for text that goes on (a stream): stops where the rest of s
 * might be the beginning of a secret, and says in *consumed how much of s
 * the result covers; the caller keeps s[*consumed..len) for later. */
char *ifm_redact_prefix(const char *s, size_t len, char *const *secrets, size_t n_secrets, size_t *consumed,
                        size_t *out_len);

/* The first max bytes of s[0..len), redacted, where a text is cut: a secret
 * across the cut is redacted whole and no byte of it is kept. */
char *ifm_redact_head(const char *s, size_t len, size_t max, char *const *secrets, size_t n_secrets,
                      size_t *out_len);

/* 1 when a field of this name carries credentials (it is kept as "<redacted>"). */
int ifm_redact_field_is_secret(const char *name);

/* Fills dst (zeroed first) with the evidence copy of a live exchange: secrets
 * redacted, bodies cut to IFM_BODY_EXCERPT bytes (totals and hashes of the
 * whole), times made relative to t0 (0 stays 0). client, step and round are
 * copied. Returns IFM_OK, or IFM_ERR_NOMEM (dst is then partly filled;
 * ifm_exchange_clear frees it). */
ifm_err ifm_exchange_evidence(ifm_exchange *dst, const ifm_exchange *live, char *const *secrets,
                          size_t n_secrets, double t0);

/* Every string of a result (message, expected, got, ..., its exchanges),
 * or of a whole report, redacted in place: the choke point every string of
 * the results model passes before it is shown or written. IFM_OK, or
 * IFM_ERR_NOMEM (a string that could not be redacted is replaced by
 * "<redacted>": nothing unredacted is left behind). */
ifm_err ifm_result_redact(ifm_result *res, char *const *secrets, size_t n_secrets);
ifm_err ifm_report_redact(ifm_report *rep, char *const *secrets, size_t n_secrets);

#endif
