/* ifm_h1_parse.h: an HTTP/1.1 response parser of our own (RFC 9112), for the
 * requests libcurl cannot send: byte-exact `raw:` steps and the executor's
 * own release engine (ifm_wire.h). Incremental: bytes are fed as they come,
 * in pieces of any size; the parser says when a whole final response is in,
 * or why what came is not HTTP/1.1.
 *
 * What it reads (RFC 9112):
 *   status-line = HTTP-version SP 3DIGIT SP [reason-phrase] CRLF (a bare LF
 *     is accepted as a line end, 2.2; the version must be HTTP/1.x);
 *   field lines up to an empty line; obs-fold (a line starting with SP or
 *     HTAB) is an error here: a response must not send it (5.2);
 *   interim 1xx responses (100 Continue, 103 Early Hints) are read and
 *     dropped, except 101, which ends the parse (the connection is no longer
 *     HTTP/1.1);
 *   the body (6.3): none for a response to HEAD, for 1xx, 204 and 304; else
 *     chunked when Transfer-Encoding's last coding is chunked (chunk
 *     extensions ignored, trailer fields read and dropped); else
 *     Content-Length (several equal values allowed, different ones or an
 *     invalid one an error); else until the connection closes
 *     (ifm_h1_parse_eof). With both Transfer-Encoding and Content-Length,
 *     Transfer-Encoding wins (6.1); both fields are kept for the judge.
 *   Field names must be tokens (RFC 9110 5.6.2, so no whitespace before the
 *   colon); a line without a colon, and a CR or NUL in a value (5.5), are
 *   errors; other control characters in a value are kept.
 * Limits (a hostile server cannot take the memory up): the head, the number
 * of fields and the body each have a cap; past it the parse fails with a
 * message saying which ("head: over the limit of 65536 bytes (max_head)").
 * A chunk size line and the trailer section are each held to max_head too,
 * trailer field lines to max_fields.
 * Errors are one line: "status line: version 'HTTP/2.0' is not HTTP/1.x",
 * "chunk size line: not hexadecimal ('zz')", "connection closed after 12
 * of 40 body bytes".
 * However the bytes are split between feeds, the outcome (state, error,
 * status, fields, body, bytes used) is the same.
 *
 * Ownership: the parser owns what it read until ifm_h1_parse_take moves it
 * into an exchange. One parser per response; not thread-safe.
 */
#ifndef IFM_H1_PARSE_H
#define IFM_H1_PARSE_H

#include <stddef.h>
#include "ifm_exchange.h"

typedef struct ifm_h1_parser ifm_h1_parser;

typedef struct ifm_h1_limits {
  size_t max_head;     /* bytes of status line and fields together (0: 64 KiB) */
  size_t max_fields;   /* field lines (0: 10,000) */
  size_t max_body;     /* bytes of body kept and accepted (0: 64 MiB) */
} ifm_h1_limits;

typedef enum ifm_h1_state {
  IFM_H1_MORE = 0,     /* a final response is not complete yet: feed more */
  IFM_H1_DONE,         /* a whole final response is in (or a 101) */
  IFM_H1_ERROR         /* not HTTP/1.1, or past a limit: ifm_h1_parse_error */
} ifm_h1_state;

/* head_request: the request was HEAD (no body follows the head). lim may be
 * NULL (the defaults). NULL on allocation failure. */
ifm_h1_parser *ifm_h1_parse_new(int head_request, const ifm_h1_limits *lim);
void ifm_h1_parse_free(ifm_h1_parser *p);

/* Feeds len bytes. *used (may be NULL) gets how many belong to the
 * response; bytes after a complete response are not consumed (the next
 * response on the connection, or garbage). Returns the state. After DONE or
 * ERROR, further calls return the same state and use nothing. */
ifm_h1_state ifm_h1_parse_feed(ifm_h1_parser *p, const char *data, size_t len, size_t *used);

/* The connection was closed by the server: completes a body delimited by the
 * close; anything else incomplete becomes an ERROR ("connection closed
 * after N bytes of the head/body"). Returns the state. */
ifm_h1_state ifm_h1_parse_eof(ifm_h1_parser *p);

/* 1 when the head has been read (the status and fields are known). */
int ifm_h1_parse_head_done(const ifm_h1_parser *p);
/* The status code (0 before the status line). */
int ifm_h1_parse_status(const ifm_h1_parser *p);
/* Why the parse failed (a static or parser-owned string), or NULL. */
const char *ifm_h1_parse_error(const ifm_h1_parser *p);
/* 1 when the connection may carry another request after this response
 * (HTTP/1.1 without "Connection: close"; HTTP/1.0 only with keep-alive). */
int ifm_h1_parse_keep_alive(const ifm_h1_parser *p);

/* Moves the status, the fields (in order, names and values as received,
 * values without surrounding OWS) and the whole body into x (status,
 * resp_headers, n_resp_headers, resp_body, resp_body_len, resp_body_total;
 * what x held there is freed first), as the libcurl executor fills them:
 * resp_body malloc'd and NUL-terminated, never NULL ("" when empty),
 * resp_body_total = resp_body_len, resp_body_hash its FNV-1a (the payload
 * hash, which needs x->extract, is the caller's), the _omitted counts 0.
 * Interim responses' and trailer fields are not in it. Valid in any state:
 * after an ERROR it moves what was read; a second call moves nothing
 * (status stays). Returns 0, or -1 on allocation failure (x unchanged). */
int ifm_h1_parse_take(ifm_h1_parser *p, ifm_exchange *x);

#endif
