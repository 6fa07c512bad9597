/* ifm_h1_body.c: the body readers of the HTTP/1.1 response parser (see
 * ifm_h1_parse.h): a Content-Length body, chunk data and the CRLF after it,
 * a body delimited by the close; and the two ends, DONE and ERROR. The
 * lines and the framing decision are in ifm_h1_parse.c, which calls here.
 *
 * The body limit is checked before a byte is kept: for Content-Length when
 * the head ends, for a chunk when its size line is read, for a body until
 * the close on every feed.
 */
#include <stdio.h>
#include <string.h>
#include "ifm_h1_int.h"

ifm_h1_state h1_fail(ifm_h1_parser *p, const char *fmt, ...) {
  va_list ap;
  if (p->result == IFM_H1_ERROR) return p->result;   /* the first error stays */
  va_start(ap, fmt);
  vsnprintf(p->err, sizeof p->err, fmt, ap);
  va_end(ap);
  p->result = IFM_H1_ERROR;
  p->phase = H1_END;
  return p->result;
}

ifm_h1_state h1_finish(ifm_h1_parser *p) {
  p->result = IFM_H1_DONE;
  p->phase = H1_END;
  return p->result;
}

const char *h1_quote(char *dst, size_t cap, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  size_t i, o = 0;
  for (i = 0; i < n && i < 40 && o + 5 < cap; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
      dst[o++] = (char)c;
    } else {
      dst[o++] = '\\';
      dst[o++] = 'x';
      dst[o++] = hex[c >> 4];
      dst[o++] = hex[c & 15];
    }
  }
  if (i < n && o + 4 <= cap) {
    memcpy(dst + o, "...", 3);
    o += 3;
  }
  dst[o] = '\0';
  return dst;
}

/* Content-Length bytes or chunk data: up to p->remaining. */
static size_t body_counted(ifm_h1_parser *p, const char *data, size_t len) {
  size_t n = len < p->remaining ? len : (size_t)p->remaining;
  if (ifm_buf_append(&p->body, data, n) != 0) {
    h1_fail(p, "out of memory");
    return n;
  }
  p->remaining -= n;
  if (p->remaining == 0) {
    if (p->phase == H1_BODY_CL) h1_finish(p);
    else p->phase = H1_CHUNK_CR;
  }
  return n;
}

/* Until the close (RFC 9112 6.3 rules 4 and 8): all of it, up to max_body. */
static size_t body_until_close(ifm_h1_parser *p, const char *data, size_t len) {
  size_t room = p->lim.max_body - p->body.len;
  if (len > room) {   /* what fits is kept, however the bytes were split */
    if (ifm_buf_append(&p->body, data, room) != 0) h1_fail(p, "out of memory");
    h1_fail(p, "body: over the limit of %zu bytes (max_body)", p->lim.max_body);
    return room + 1;
  }
  if (ifm_buf_append(&p->body, data, len) != 0) h1_fail(p, "out of memory");
  return len;
}

/* The CRLF after chunk data (RFC 9112 7.1; a bare LF accepted, 2.2). */
static size_t chunk_crlf(ifm_h1_parser *p, unsigned char c) {
  if (c == '\r' && p->phase == H1_CHUNK_CR) {
    p->phase = H1_CHUNK_LF;
  } else if (c == '\n') {
    p->phase = H1_CHUNK_SIZE;
    p->head_bytes = 0;
  } else {
    h1_fail(p, "chunk data: not followed by CRLF (0x%02x after %zu body bytes)", c, p->body.len);
  }
  return 1;
}

size_t h1_body_feed(ifm_h1_parser *p, const char *data, size_t len) {
  switch (p->phase) {
  case H1_BODY_CL:
  case H1_CHUNK_DATA:
    return body_counted(p, data, len);
  case H1_CLOSE:
    return body_until_close(p, data, len);
  case H1_CHUNK_CR:
  case H1_CHUNK_LF:
    return chunk_crlf(p, (unsigned char)data[0]);
  default:
    return 0;
  }
}
