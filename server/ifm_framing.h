/* ifm_framing.h: the RFC 9112 checks of a request head that decide whether
 * its message framing can be trusted, made by the reference server itself
 * because libmicrohttpd 0.9.75 does not make them: it takes the first of
 * several Content-Length field lines and parses what follows the shorter
 * body as a second request (request smuggling), lets Transfer-Encoding win
 * over Content-Length without closing, reads a body of an unknown transfer
 * coding until the peer closes, keeps a field name with whitespace before
 * the colon as another field (so "Content-Length : 5" frames no body),
 * passes a bare CR inside a field value on, and answers an HTTP/1.1
 * request without Host as any other.
 *
 * What the server cannot see, and so does not refuse: libmicrohttpd 0.9.75
 * joins an obsolete line folding (a field line continued on a line that
 * starts with whitespace) to the previous value without the space RFC 9112
 * 5.2 asks for ("Content-Length: 1" + " 0" becomes "10"); it ends a field
 * value at a NUL byte, so the rest of that line never reaches the server
 * (RFC 9110 5.5 asks to refuse it or read it as SP); and it refuses an
 * invalid Content-Length value by itself (400, or 413 past 2^64) writing
 * its status line and header block twice, then closes the connection.
 *
 * ifm_server.c feeds every field line of the head to ifm_framing_field (in
 * order, as libmicrohttpd hands them over) and asks ifm_framing_check before
 * anything else looks at the request. A refusal is answered with
 * "Connection: close" and the connection is closed after it, so no byte
 * after the head is ever read as a request.
 */
#ifndef IFM_FRAMING_H
#define IFM_FRAMING_H

#include <stddef.h>

typedef struct ifm_framing {
  unsigned n_host, n_content_length, n_transfer_encoding;
  const char *host;                 /* the first line's value of each */
  size_t host_len;
  const char *content_length;
  size_t content_length_len;
  const char *transfer_encoding;
  size_t transfer_encoding_len;
  const char *bad_name;             /* the first field name that is not a token */
  size_t bad_name_len;
  int bad_value;                    /* a value holds CR, LF or NUL */
  unsigned te_chunked;              /* "chunked" elements over all Transfer-Encoding lines */
  int te_last_chunked;              /* the last coding listed is "chunked" */
} ifm_framing;

/* Records one field line; name and value are borrowed and must outlive the
 * check. Start from a zeroed ifm_framing. */
void ifm_framing_field(ifm_framing *f, const char *name, size_t name_len, const char *value,
                       size_t value_len);

/* Decides on the head of a request of HTTP version `version` ("HTTP/1.0",
 * "HTTP/1.1", ...). Returns 0 when the framing is sound, else the status to
 * answer (400, or 501 for a transfer coding the server does not implement)
 * with *why set to a static sentence naming the rule; the connection must
 * then be closed after the answer. */
int ifm_framing_check(const ifm_framing *f, const char *version, const char **why);

/* RFC 9112 3.2: Host = uri-host [ ":" port ] (RFC 3986 3.2.2, 3.2.3); an
 * empty value is valid (a target URI without authority). 1 when valid. */
int ifm_framing_host_valid(const char *v, size_t n);

#endif
