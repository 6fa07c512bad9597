/* ifm_raw.h: the notation of a `raw:` step's bytes (cases/README.md, "Raw
 * steps"): the text of a request, sent byte for byte, for what libcurl
 * cannot send (CR, LF or NUL inside a field value, obs-fold, broken
 * framing).
 *
 *   \r \n \t \0 \\   CR, LF, tab, NUL, a backslash
 *   \xHH             the byte HH (exactly two hex digits)
 *   a line break     dropped, so a YAML block scalar can lay out one wire
 *                    line per text line (write \r\n for the wire's CRLF)
 *   {{...}}          a template (ifm_tmpl.h); what it yields is sent as it
 *                    is, never decoded, so a captured ETag holding a
 *                    backslash goes out unchanged
 *   {{repeat:N:T}}   T decoded as above, N times
 *   {{content_length}} the length of the bytes after the first CRLFCRLF
 *                    (the body), in decimal; it must stand before that
 *   {{authority}}    host[:port] of the target's base URL (for Host)
 *   {{base_path}}    the path of the target's base URL without its last
 *                    slash ("" for http://h/), so that the request line
 *                    "PUT {{base_path}}{{path}} HTTP/1.1" names the case's
 *                    resource where the other steps' requests go
 *   {{headers}}      the fields the target adds to an update request (its
 *                    case header, its headers, the update operation's
 *                    headers, Basic credentials from base_url's userinfo),
 *                    each "Name: value" CRLF; a precondition field, or a
 *                    name the text writes itself at the start of a line,
 *                    is left out, so the step's own value is the one sent
 *
 * Any other backslash sequence, a CR or a NUL in the text itself (a YAML
 * double-quoted string decodes "\r" before this notation sees it) is an
 * error. One scanner serves the loader's check and the planner's expansion,
 * as in ifm_tmpl.c, so the two cannot disagree.
 */
#ifndef IFM_RAW_H
#define IFM_RAW_H

#include <stddef.h>
#include "ifm_buf.h"

/* The variables only a raw step knows (the loader accepts them there). */
#define IFM_RAW_CONTENT_LENGTH "content_length"
#define IFM_RAW_AUTHORITY "authority"
#define IFM_RAW_BASE_PATH "base_path"
#define IFM_RAW_HEADERS "headers"

/* 1 when name[0..len) is one of the raw step's own variables. */
int ifm_raw_builtin(const char *name, size_t len);

/* Checks the escapes and line breaks of text (templates are checked by
 * ifm_tmpl_check). Returns 0, or -1 with *off the byte offset in text and
 * *msg a static message. */
int ifm_raw_check(const char *text, size_t *off, const char **msg);

/* Appends the expansion of the template tmpl ("{{e1|opaque}}", a
 * NUL-terminated copy) to out. Returns 0 or an error code the caller
 * chose, which ifm_raw_expand returns unchanged. */
typedef int (*ifm_raw_tmpl_cb)(const char *tmpl, ifm_buf *out, void *ctx);

/* Appends the wire bytes of text to out. Returns 0; -1 with err for a text
 * ifm_raw_check refuses, a {{content_length}} in the body or without a
 * CRLFCRLF, or no memory; or the callback's non-zero code (err untouched). */
int ifm_raw_expand(const char *text, ifm_raw_tmpl_cb tmpl, void *ctx, ifm_buf *out, char *err, size_t errlen);

#endif
