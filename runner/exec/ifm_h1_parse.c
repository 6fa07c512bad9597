/* ifm_h1_parse.c: the HTTP/1.1 response parser (see ifm_h1_parse.h): the
 * lines (status line, field lines, chunk size lines, trailers), the framing
 * decision of RFC 9112 6.3, and the API. The body is read in ifm_h1_body.c.
 *
 * Bytes are scanned once: a line is gathered until its LF (memchr over the
 * new bytes only) and then parsed whole, so the result cannot depend on how
 * the bytes were split, and many small feeds cost no more than one big one.
 * Every limit is counted in bytes and checked before the line is parsed, so
 * a limit error is the same wherever the split fell.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_h1_int.h"

#define H1_DEFAULT_HEAD (64u * 1024u)
#define H1_DEFAULT_FIELDS 10000u
#define H1_DEFAULT_BODY (64u * 1024u * 1024u)

ifm_h1_parser *ifm_h1_parse_new(int head_request, const ifm_h1_limits *lim) {
  ifm_h1_parser *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->head_request = head_request != 0;
  if (lim) p->lim = *lim;
  if (!p->lim.max_head) p->lim.max_head = H1_DEFAULT_HEAD;
  if (!p->lim.max_fields) p->lim.max_fields = H1_DEFAULT_FIELDS;
  if (!p->lim.max_body) p->lim.max_body = H1_DEFAULT_BODY;
  p->phase = H1_STATUS;
  return p;
}

static void fields_free(ifm_field *f, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) {
    free(f[i].name);
    free(f[i].value);
  }
  free(f);
}

void ifm_h1_parse_free(ifm_h1_parser *p) {
  if (!p) return;
  fields_free(p->fields, p->n_fields);
  ifm_buf_clear(&p->line);
  ifm_buf_clear(&p->body);
  free(p);
}

/* tchar (RFC 9110 5.6.2). */
static int h1_tchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return 1;
  return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int ci_eq(const char *a, size_t n, const char *lit) {
  size_t i;
  if (strlen(lit) != n) return 0;
  for (i = 0; i < n; i++) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if (c != lit[i]) return 0;
  }
  return 1;
}

static int ows(char c) { return c == ' ' || c == '\t'; }

/* Calls fn on each element of a comma-separated list (RFC 9110 5.6.1),
 * OWS trimmed; empty elements included (fn decides). */
static void list_each(ifm_h1_parser *p, const char *v, size_t n,
                      void (*fn)(ifm_h1_parser *, const char *, size_t)) {
  size_t i = 0;
  for (;;) {
    size_t s = i, e;
    while (i < n && v[i] != ',') i++;
    e = i;
    while (s < e && ows(v[s])) s++;
    while (e > s && ows(v[e - 1])) e--;
    fn(p, v + s, e - s);
    if (i >= n) break;
    i++;
  }
}

/* Content-Length (RFC 9110 8.6, RFC 9112 6.3 rule 5): 1*DIGIT, or a list of
 * equal values; what is wrong is kept and becomes the error only if the
 * framing comes to rest on Content-Length. */
static void cl_elem(ifm_h1_parser *p, const char *s, size_t n) {
  uint64_t v = 0;
  size_t i;
  char q[200];
  if (p->cl_err[0]) return;
  if (n == 0) {
    snprintf(p->cl_err, sizeof p->cl_err, "Content-Length: an empty value is not a number");
    return;
  }
  for (i = 0; i < n; i++) {
    unsigned d = (unsigned)(unsigned char)s[i] - '0';
    if (d > 9) {
      snprintf(p->cl_err, sizeof p->cl_err, "Content-Length: '%s' is not a number",
               h1_quote(q, sizeof q, s, n));
      return;
    }
    if (v > (UINT64_MAX - d) / 10) {
      snprintf(p->cl_err, sizeof p->cl_err, "Content-Length: '%s' is too large",
               h1_quote(q, sizeof q, s, n));
      return;
    }
    v = v * 10 + d;
  }
  if (p->has_cl && v != p->cl) {
    snprintf(p->cl_err, sizeof p->cl_err, "Content-Length: different values %llu and %llu",
             (unsigned long long)p->cl, (unsigned long long)v);
    return;
  }
  p->has_cl = 1;
  p->cl = v;
}

/* Transfer-Encoding (RFC 9112 6.1): what counts is whether the last coding
 * named, over all the field lines, is chunked (its parameters aside). */
static void te_elem(ifm_h1_parser *p, const char *s, size_t n) {
  size_t e = 0;
  if (n == 0) return;
  while (e < n && s[e] != ';') e++;
  while (e > 0 && ows(s[e - 1])) e--;
  p->te_chunked_last = ci_eq(s, e, "chunked");
}

/* Connection (RFC 9112 9.3, 9.6). */
static void conn_elem(ifm_h1_parser *p, const char *s, size_t n) {
  if (ci_eq(s, n, "close")) p->conn_close = 1;
  if (ci_eq(s, n, "keep-alive")) p->conn_keep_alive = 1;
}

/* status-line = HTTP-version SP 3DIGIT SP [reason-phrase] (RFC 9112 4). */
static ifm_h1_state status_line(ifm_h1_parser *p, const char *s, size_t n) {
  char q[200];
  size_t i;
  if (n == 0) return h1_fail(p, "status line: an empty line where the status line should be");
  if (n < 5 || memcmp(s, "HTTP/", 5) != 0)
    return h1_fail(p, "status line: '%s' does not start with HTTP/", h1_quote(q, sizeof q, s, n));
  if (n < 8 || s[5] != '1' || s[6] != '.' || s[7] < '0' || s[7] > '9' || (n > 8 && s[8] != ' ')) {
    const char *sp = memchr(s, ' ', n);
    return h1_fail(p, "status line: version '%s' is not HTTP/1.x",
                   h1_quote(q, sizeof q, s, sp ? (size_t)(sp - s) : n));
  }
  p->minor = s[7] - '0';
  for (i = 9; i < n && i < 12 && s[i] >= '0' && s[i] <= '9'; i++) {}
  if (n < 12 || i != 12 || (n > 12 && s[12] != ' ')) {
    size_t e = 9;
    while (e < n && s[e] != ' ') e++;
    return h1_fail(p, "status line: status code '%s' is not 3 digits",
                   h1_quote(q, sizeof q, s + (n > 9 ? 9 : n), e > 9 ? e - 9 : 0));
  }
  if (s[9] == '0') return h1_fail(p, "status line: status code '%.3s' is below 100", s + 9);
  /* reason-phrase = 1*( HTAB / SP / VCHAR / obs-text ) */
  for (i = 13; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if ((c < 0x20 && c != '\t') || c == 0x7f)
      return h1_fail(p, "status line: control character 0x%02x in the reason phrase", c);
  }
  p->status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
  p->phase = H1_FIELDS;
  return p->result;
}

/* A field of the final response, kept in order (a growing array of our own:
 * ifm_field_append reallocates on every field, quadratic on 10,000). */
static int field_keep(ifm_h1_parser *p, const char *name, size_t nlen, const char *v, size_t vlen) {
  ifm_field *f;
  if (p->n_fields >= p->cap_fields) {
    ifm_field *g = ifm_xrealloc_array(p->fields, &p->cap_fields, p->n_fields + 1, sizeof *g);
    if (!g) return -1;
    p->fields = g;
  }
  f = &p->fields[p->n_fields];
  f->name = ifm_strndup(name, nlen);
  f->value = ifm_strndup(v, vlen);
  f->value_len = vlen;
  f->value_total = 0;
  if (!f->name || !f->value) {
    free(f->name);
    free(f->value);
    return -1;
  }
  p->n_fields++;
  return 0;
}

/* One field line (RFC 9112 5, RFC 9110 5.5) of the head or of the trailer
 * section; the empty line is handled by the caller. */
static ifm_h1_state field_line(ifm_h1_parser *p, const char *s, size_t n, int trailer) {
  const char *what = trailer ? "trailer field line" : "field line";
  const char *colon;
  char q[200];
  size_t i, nlen, vs, ve;
  if (++p->n_lines > p->lim.max_fields)
    return h1_fail(p, "%s: more than %zu field lines (max_fields)", trailer ? "trailer" : "fields",
                   p->lim.max_fields);
  if (ows(s[0]))
    return h1_fail(p, "%s %zu: starts with whitespace (obs-fold is not allowed in a response, RFC 9112 5.2)",
                   what, p->n_lines);
  colon = memchr(s, ':', n);
  if (!colon) return h1_fail(p, "%s %zu: no colon in '%s'", what, p->n_lines, h1_quote(q, sizeof q, s, n));
  nlen = (size_t)(colon - s);
  if (nlen == 0) return h1_fail(p, "%s %zu: empty field name", what, p->n_lines);
  for (i = 0; i < nlen; i++)
    if (!h1_tchar((unsigned char)s[i]))
      return h1_fail(p, "%s %zu: character 0x%02x in the field name '%s'", what, p->n_lines,
                     (unsigned char)s[i], h1_quote(q, sizeof q, s, nlen));
  vs = nlen + 1;
  ve = n;
  while (vs < ve && ows(s[vs])) vs++;
  while (ve > vs && ows(s[ve - 1])) ve--;
  for (i = vs; i < ve; i++)
    if (s[i] == '\0' || s[i] == '\r')
      return h1_fail(p, "%s %zu: field '%s': %s in the value (RFC 9110 5.5)", what, p->n_lines,
                     h1_quote(q, sizeof q, s, nlen), s[i] ? "CR" : "NUL");
  if (trailer || (p->status < 200 && p->status != 101)) return p->result;   /* read and dropped */
  if (field_keep(p, s, nlen, s + vs, ve - vs) != 0) return h1_fail(p, "out of memory");
  if (ci_eq(s, nlen, "content-length")) list_each(p, s + vs, ve - vs, cl_elem);
  else if (ci_eq(s, nlen, "transfer-encoding")) {
    p->has_te = 1;
    list_each(p, s + vs, ve - vs, te_elem);
  } else if (ci_eq(s, nlen, "connection")) list_each(p, s + vs, ve - vs, conn_elem);
  return p->result;
}

/* The empty line after the fields: an interim response is dropped; for the
 * final one, the body's framing (RFC 9112 6.3). */
static ifm_h1_state head_end(ifm_h1_parser *p) {
  if (p->status < 200 && p->status != 101) {
    p->status = 0;
    p->head_bytes = 0;
    p->n_lines = 0;
    p->interim++;
    p->phase = H1_STATUS;
    return p->result;
  }
  p->head_done = 1;
  if (p->status == 101 || p->head_request || p->status == 204 || p->status == 304)
    return h1_finish(p);                                   /* rule 1 */
  if (p->has_te) {
    /* Rules 3 and 4. With Content-Length too, Transfer-Encoding wins (6.1,
     * 6.3 rule 3); the fields taken keep both, for the judge to see. */
    if (p->te_chunked_last) {
      p->phase = H1_CHUNK_SIZE;
      p->head_bytes = 0;
    } else {
      p->phase = H1_CLOSE;
      p->close_delimited = 1;
    }
    return p->result;
  }
  if (p->cl_err[0]) return h1_fail(p, "%s", p->cl_err);    /* rule 5 */
  if (p->has_cl) {                                         /* rule 6 */
    if (p->cl > p->lim.max_body)
      return h1_fail(p, "body: Content-Length %llu is over the limit of %zu bytes (max_body)",
                     (unsigned long long)p->cl, p->lim.max_body);
    p->remaining = p->cl;
    if (p->remaining == 0) return h1_finish(p);
    p->phase = H1_BODY_CL;
    return p->result;
  }
  p->phase = H1_CLOSE;                                     /* rule 8 */
  p->close_delimited = 1;
  return p->result;
}

/* chunk = chunk-size [ chunk-ext ] CRLF (RFC 9112 7.1); extensions ignored. */
static ifm_h1_state chunk_size_line(ifm_h1_parser *p, const char *s, size_t n) {
  uint64_t v = 0;
  size_t i;
  char q[200];
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    unsigned d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else break;
    if (v > (UINT64_MAX >> 4))
      return h1_fail(p, "chunk size line: size '%s' is too large", h1_quote(q, sizeof q, s, n));
    v = (v << 4) | d;
  }
  if (i == 0) return h1_fail(p, "chunk size line: not hexadecimal ('%s')", h1_quote(q, sizeof q, s, n));
  {
    size_t j = i;
    while (j < n && ows(s[j])) j++;   /* BWS before ';' */
    if (j < n && s[j] != ';')
      return h1_fail(p, "chunk size line: not hexadecimal ('%s')", h1_quote(q, sizeof q, s, n));
    for (; j < n; j++)
      if (s[j] == '\0' || s[j] == '\r')
        return h1_fail(p, "chunk size line: %s in a chunk extension", s[j] ? "CR" : "NUL");
  }
  if (v > p->lim.max_body - p->body.len)
    return h1_fail(p, "body: a chunk of %llu bytes after %zu is over the limit of %zu bytes (max_body)",
                   (unsigned long long)v, p->body.len, p->lim.max_body);
  p->head_bytes = 0;
  if (v == 0) {
    p->phase = H1_TRAILER;
    p->n_lines = 0;
    return p->result;
  }
  p->remaining = v;
  p->phase = H1_CHUNK_DATA;
  return p->result;
}

/* A whole line, its LF removed (and the CR before it). */
static ifm_h1_state line_done(ifm_h1_parser *p, const char *s, size_t n) {
  if (n && s[n - 1] == '\r') n--;
  switch (p->phase) {
  case H1_STATUS:
    return status_line(p, s, n);
  case H1_FIELDS:
    if (n == 0) return head_end(p);
    return field_line(p, s, n, 0);
  case H1_CHUNK_SIZE:
    return chunk_size_line(p, s, n);
  case H1_TRAILER:
    if (n == 0) return h1_finish(p);
    return field_line(p, s, n, 1);
  default:
    return p->result;
  }
}

/* Line phases: takes bytes up to and including the next LF. Returns the
 * number of bytes used. */
static size_t h1_feed_line(ifm_h1_parser *p, const char *data, size_t len) {
  const char *lf = memchr(data, '\n', len);
  size_t take = lf ? (size_t)(lf - data) + 1 : len;
  if (take > p->lim.max_head - p->head_bytes) {
    size_t over = p->lim.max_head - p->head_bytes + 1;
    switch (p->phase) {
    case H1_CHUNK_SIZE:
      h1_fail(p, "chunk size line: over the limit of %zu bytes (max_head)", p->lim.max_head);
      break;
    case H1_TRAILER:
      h1_fail(p, "trailer: over the limit of %zu bytes (max_head)", p->lim.max_head);
      break;
    default:
      h1_fail(p, "head: over the limit of %zu bytes (max_head)", p->lim.max_head);
    }
    return over;
  }
  p->head_bytes += take;
  p->seen = 1;
  if (!lf) {
    if (ifm_buf_append(&p->line, data, take) != 0) h1_fail(p, "out of memory");
    return take;
  }
  if (p->line.len == 0) {
    line_done(p, data, take - 1);
  } else {
    if (ifm_buf_append(&p->line, data, take - 1) != 0) {
      h1_fail(p, "out of memory");
      return take;
    }
    line_done(p, p->line.p, p->line.len);
    ifm_buf_reset(&p->line);
  }
  return take;
}

ifm_h1_state ifm_h1_parse_feed(ifm_h1_parser *p, const char *data, size_t len, size_t *used) {
  size_t i = 0;
  while (i < len && p->phase != H1_END) {
    switch (p->phase) {
    case H1_STATUS:
    case H1_FIELDS:
    case H1_CHUNK_SIZE:
    case H1_TRAILER:
      i += h1_feed_line(p, data + i, len - i);
      break;
    default:
      i += h1_body_feed(p, data + i, len - i);
    }
  }
  if (used) *used = i;
  return p->result;
}

ifm_h1_state ifm_h1_parse_eof(ifm_h1_parser *p) {
  switch (p->phase) {
  case H1_END:
    return p->result;
  case H1_CLOSE:
    return h1_finish(p);
  case H1_STATUS:
    if (!p->seen) return h1_fail(p, "connection closed before a response");
    if (p->head_bytes == 0)
      return h1_fail(p, "connection closed after %d interim response%s, before the final one",
                     p->interim, p->interim == 1 ? "" : "s");
    return h1_fail(p, "connection closed after %zu bytes of the head", p->head_bytes);
  case H1_FIELDS:
    return h1_fail(p, "connection closed after %zu bytes of the head", p->head_bytes);
  case H1_BODY_CL:
    return h1_fail(p, "connection closed after %zu of %llu body bytes", p->body.len,
                   (unsigned long long)p->cl);
  case H1_TRAILER:
    return h1_fail(p, "connection closed in the trailer section of a chunked body of %zu bytes",
                   p->body.len);
  default:
    return h1_fail(p, "connection closed in a chunked body after %zu body bytes", p->body.len);
  }
}

int ifm_h1_parse_head_done(const ifm_h1_parser *p) { return p->head_done; }

int ifm_h1_parse_status(const ifm_h1_parser *p) { return p->status; }

const char *ifm_h1_parse_error(const ifm_h1_parser *p) {
  return p->result == IFM_H1_ERROR ? p->err : NULL;
}

int ifm_h1_parse_keep_alive(const ifm_h1_parser *p) {
  if (p->result != IFM_H1_DONE || p->status == 101 || p->close_delimited || p->conn_close) return 0;
  if (p->minor == 0) return p->conn_keep_alive && !p->has_te;   /* RFC 9112 9.3, 6.1 */
  return 1;
}

int ifm_h1_parse_take(ifm_h1_parser *p, ifm_exchange *x) {
  size_t len = p->body.len;
  char *body = ifm_buf_detach(&p->body);   /* fails only when empty: nothing lost */
  if (!body) return -1;
  fields_free(x->resp_headers, x->n_resp_headers);
  free(x->resp_body);
  x->status = p->status;
  x->resp_headers = p->fields;
  x->n_resp_headers = p->n_fields;
  x->resp_headers_omitted = x->resp_header_bytes_omitted = 0;
  p->fields = NULL;
  p->n_fields = p->cap_fields = 0;
  x->resp_body = body;
  x->resp_body_len = x->resp_body_total = len;
  x->resp_body_hash = ifm_hash64(body, len);
  return 0;
}
