/* ifm_h1_int.h: the HTTP/1.1 response parser's state, shared by its two
 * files: ifm_h1_parse.c (lines, head, framing, the API) and ifm_h1_body.c
 * (the body readers, errors and the end). Not for other users: they have
 * ifm_h1_parse.h. */
#ifndef IFM_H1_INT_H
#define IFM_H1_INT_H

#include <stdarg.h>
#include <stdint.h>
#include "ifm_buf.h"
#include "ifm_h1_parse.h"

typedef enum h1_phase {
  H1_STATUS,       /* a status line (lines) */
  H1_FIELDS,       /* field lines up to the empty line (lines) */
  H1_BODY_CL,      /* remaining bytes of a Content-Length body */
  H1_CLOSE,        /* a body delimited by the close */
  H1_CHUNK_SIZE,   /* a chunk size line (lines) */
  H1_CHUNK_DATA,   /* remaining bytes of a chunk */
  H1_CHUNK_CR,     /* the CRLF after a chunk's data: CR or LF expected */
  H1_CHUNK_LF,     /* ... after its CR: LF expected */
  H1_TRAILER,      /* trailer field lines up to the empty line (lines) */
  H1_END           /* DONE or ERROR */
} h1_phase;

struct ifm_h1_parser {
  ifm_h1_limits lim;        /* zeros replaced by the defaults */
  int head_request;
  h1_phase phase;
  ifm_h1_state result;
  ifm_buf line;             /* the line being gathered, without its LF */
  size_t head_bytes;        /* bytes of this head (or chunk size line, or trailer section) */
  size_t n_lines;           /* field lines in this head (or trailer section) */
  int seen;                 /* a byte of a response came */
  int interim;              /* interim responses dropped */
  int head_done;
  int status, minor;
  ifm_field *fields;        /* the final response's, in order */
  size_t n_fields, cap_fields;
  /* What the fields say about the framing and the connection. */
  int has_te, te_chunked_last, has_cl, conn_close, conn_keep_alive, close_delimited;
  uint64_t cl;
  char cl_err[256];         /* why Content-Length is invalid ("" when it is not) */
  uint64_t remaining;       /* bytes left of a Content-Length body or a chunk */
  ifm_buf body;
  char err[320];
};

/* ifm_h1_body.c */
ifm_h1_state h1_fail(ifm_h1_parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
ifm_h1_state h1_finish(ifm_h1_parser *p);
/* Up to 40 bytes of s, printable, quoted-safe, for a message. */
const char *h1_quote(char *dst, size_t cap, const char *s, size_t n);
/* Body phases: takes what belongs to the body from data; returns bytes used. */
size_t h1_body_feed(ifm_h1_parser *p, const char *data, size_t len);

#endif
