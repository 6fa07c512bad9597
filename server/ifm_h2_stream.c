/* ifm_h2_stream.c: one HTTP/2 request of the reference server, from its
 * header fields to the answer's HEADERS frame.
 *
 * The request is collected into the same ifm_srv_req that ifm_server.c
 * fills from libmicrohttpd, so both sides give the handler (ifm_handler.c)
 * the same view: every If-Match and If-None-Match field line in order (RFC
 * 9110 section 5.3: they form one list), the first of the other
 * conditionals, the path percent-decoded and without its query, as
 * libmicrohttpd gives it. nghttp2 has already checked what RFC 9113 section
 * 8 requires of the fields (lowercase names, no CR, LF or NUL in a value, no
 * connection-specific field, pseudo-headers first and once, a
 * content-length that matches the DATA frames); what remains is ours: a
 * request without :method or :path is 400 (section 8.3.1), a head past
 * max_header is 431 and a body past max_body is 413.
 *
 * The answer carries the fields the HTTP/1.1 side sends (Date, ETag,
 * Last-Modified, ...), and content-length as libmicrohttpd writes it: none
 * on 1xx and 204, the representation's length on HEAD and 304 without a
 * body (RFC 9110 sections 8.6, 9.3.2, 15.4.5).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <time.h>

#include "ifm_h2_int.h"
#include "ifm_precond.h"

ifm_h2_stream *ifm_h2_stream_new(ifm_h2_conn *conn, int32_t id) {
  ifm_h2_stream *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->conn = conn;
  s->id = id;
  return s;
}

void ifm_h2_stream_free(ifm_h2_stream *s) {
  size_t i;
  if (!s) return;
  for (i = 0; i < s->n_vals; i++) free(s->vals[i]);
  free(s->vals);
  free(s->im);
  free(s->inm);
  free(s->method);
  free(s->path);
  free(s->body);
  ifm_srv_resp_clear(&s->rs);
  free(s);
}

/* A NUL-terminated copy of len bytes, kept until the stream is freed. */
static char *keep(ifm_h2_stream *s, const uint8_t *p, size_t len) {
  char *v;
  if (s->n_vals == s->cap_vals) {
    size_t cap = s->cap_vals ? s->cap_vals * 2 : 8;
    char **nv = realloc(s->vals, cap * sizeof *nv);
    if (!nv) return NULL;
    s->vals = nv;
    s->cap_vals = cap;
  }
  v = malloc(len + 1);
  if (!v) return NULL;
  memcpy(v, p, len);
  v[len] = '\0';
  s->vals[s->n_vals++] = v;
  return v;
}

static int push(ifm_span **v, size_t *n, size_t *cap, const char *p, size_t len) {
  if (*n == *cap) {
    size_t c = *cap ? *cap * 2 : 4;
    ifm_span *nv = realloc(*v, c * sizeof *nv);
    if (!nv) return -1;
    *v = nv;
    *cap = c;
  }
  (*v)[*n].p = p;
  (*v)[(*n)++].len = len;
  return 0;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* :path without its query, %XX decoded (a decoded NUL ends it, as a C
 * string would over HTTP/1.1). */
static char *path_of(const uint8_t *p, size_t len) {
  char *out = malloc(len + 1);
  size_t i, o = 0;
  if (!out) return NULL;
  for (i = 0; i < len && p[i] != '?' && p[i] != '#'; i++) {
    int hi, lo;
    if (p[i] == '%' && i + 2 < len && (hi = hexval((char)p[i + 1])) >= 0 &&
        (lo = hexval((char)p[i + 2])) >= 0) {
      out[o++] = (char)(hi * 16 + lo);
      i += 2;
    } else {
      out[o++] = (char)p[i];
    }
  }
  out[o] = '\0';
  return out;
}

static int is(const uint8_t *name, size_t nlen, const char *want) {
  return nlen == strlen(want) && memcmp(name, want, nlen) == 0;
}

int ifm_h2_stream_field(ifm_h2_stream *s, const uint8_t *name, size_t nlen,
                        const uint8_t *value, size_t vlen, size_t max_header) {
  ifm_srv_req *rq = &s->rq;
  const char *v;

  s->head_bytes += nlen + vlen + 32;   /* RFC 9113 section 6.5.2 */
  if (s->head_too_large || s->head_bytes > max_header) {
    s->head_too_large = 1;
    return 0;
  }
  if (nlen && name[0] == ':') {
    if (is(name, nlen, ":method")) {
      free(s->method);
      if (!(s->method = malloc(vlen + 1))) return -1;
      memcpy(s->method, value, vlen);
      s->method[vlen] = '\0';
    } else if (is(name, nlen, ":path")) {
      free(s->path);
      if (!(s->path = path_of(value, vlen))) return -1;
      if (!vlen || value[0] != '/') s->bad = 1;   /* only origin-form here */
    }
    return 0;
  }
  if (!(v = keep(s, value, vlen))) return -1;
  if (is(name, nlen, "if-match")) return push(&s->im, &s->n_im, &s->cap_im, v, vlen);
  if (is(name, nlen, "if-none-match")) return push(&s->inm, &s->n_inm, &s->cap_inm, v, vlen);
#define FIRST(field, fname)                                                 \
  if (is(name, nlen, fname)) {                                              \
    if (!rq->field.p) { rq->field.p = v; rq->field.len = vlen; }            \
    return 0;                                                               \
  }
  FIRST(if_unmodified_since, "if-unmodified-since")
  FIRST(if_modified_since, "if-modified-since")
  FIRST(range, "range")
  FIRST(if_range, "if-range")
  FIRST(content_type, "content-type")
  FIRST(authorization, "authorization")
#undef FIRST
  if (is(name, nlen, "content-length")) {
    uint64_t n = 0;
    size_t i;
    for (i = 0; i < vlen && value[i] >= '0' && value[i] <= '9'; i++)
      n = n > (UINT64_MAX - 9) / 10 ? UINT64_MAX : n * 10 + (uint64_t)(value[i] - '0');
    rq->has_content_length = i > 0;
    rq->content_length = n;
  }
  return 0;
}

long ifm_h2_stream_data(ifm_h2_stream *s, const uint8_t *data, size_t len, size_t max_body) {
  size_t need = s->rq.body_len + len, cap;
  char *nb;

  if (s->rq.body_too_large) return 0;
  if (need > max_body) {
    s->rq.body_too_large = 1;
    free(s->body);
    s->body = NULL;
    s->body_cap = 0;
    s->rq.body_len = 0;
    return 0;
  }
  if (need > s->body_cap) {
    cap = s->body_cap ? s->body_cap : 1024;
    while (cap < need) cap *= 2;
    if (cap > max_body) cap = max_body;
    if (!(nb = realloc(s->body, cap))) return -1;
    s->body = nb;
    s->body_cap = cap;
  }
  memcpy(s->body + s->rq.body_len, data, len);
  s->rq.body_len = need;
  return (long)len;
}

void ifm_h2_stream_seal(ifm_h2_stream *s) {
  ifm_srv_req *rq = &s->rq;
  if (!s->method || !s->path) s->bad = 1;
  rq->method = ifm_srv_method_parse(s->method ? s->method : "");
  rq->method_name = s->method ? s->method : "";
  rq->path = s->path ? s->path : "";
  rq->if_match = s->im;
  rq->n_if_match = s->n_im;
  rq->if_none_match = s->inm;
  rq->n_if_none_match = s->n_inm;
  rq->body = s->body;
}

void ifm_h2_stream_handle(ifm_h2_stream *s, ifm_handler *h) {
  memset(&s->rs, 0, sizeof s->rs);
  if (s->head_too_large)
    ifm_srv_resp_error(&s->rs, 431, "the request's fields are larger than this server takes");
  else if (s->bad)
    ifm_srv_resp_error(&s->rs, 400, "a request needs :method and an origin-form :path "
                                    "(RFC 9113 section 8.3.1)");
  else
    ifm_handler_run(h, &s->rq, &s->rs);
  if (s->rs.blob) {
    s->resp_body = s->rs.blob->data + s->rs.off;
    s->resp_len = s->rs.len;
  } else if (s->rs.text) {
    s->resp_body = s->rs.text;
    s->resp_len = s->rs.text_len;
  }
}

static ssize_t body_read_cb(nghttp2_session *session, int32_t id, uint8_t *buf,
                                           size_t length, uint32_t *flags,
                                           nghttp2_data_source *src, void *user);

#define NV(n, v) \
  (nghttp2_nv){(uint8_t *)(n), (uint8_t *)(v), sizeof(n) - 1, strlen(v), NGHTTP2_NV_FLAG_NONE}

int ifm_h2_stream_submit(nghttp2_session *session, ifm_h2_stream *s) {
  const ifm_srv_resp *rs = &s->rs;
  nghttp2_nv nv[16];
  nghttp2_data_provider dp;
  char status[8], date[40], lm[40], clen[24];
  size_t k = 0;
  int body = s->resp_len > 0, head = s->rq.method == IFM_SRV_HEAD;

  snprintf(status, sizeof status, "%d", rs->status);
  nv[k++] = NV(":status", status);
  nv[k++] = NV("date", ifm_http_date_format(time(NULL), date, sizeof date));
  if (rs->content_type && *rs->content_type) nv[k++] = NV("content-type", rs->content_type);
  if (rs->etag[0]) nv[k++] = NV("etag", rs->etag);
  if (rs->has_last_modified)
    nv[k++] = NV("last-modified", ifm_http_date_format(rs->last_modified, lm, sizeof lm));
  if (rs->location && *rs->location) nv[k++] = NV("location", rs->location);
  if (rs->content_location && *rs->content_location)
    nv[k++] = NV("content-location", rs->content_location);
  if (rs->allow && *rs->allow) nv[k++] = NV("allow", rs->allow);
  if (rs->content_range[0]) nv[k++] = NV("content-range", rs->content_range);
  if (rs->accept_ranges) nv[k++] = NV("accept-ranges", "bytes");
  if (rs->no_store) nv[k++] = NV("cache-control", "no-store");
  if (rs->www_authenticate) nv[k++] = NV("www-authenticate", "Bearer realm=\"ifmatch\"");
  if (rs->status >= 200 && rs->status != 204) {
    snprintf(clen, sizeof clen, "%zu", s->resp_len);
    nv[k++] = NV("content-length", clen);
  }
  /* No DATA on HEAD, 204 and 304 (RFC 9110 sections 9.3.2, 15.3.5, 15.4.5) */
  if (head || rs->status == 204 || rs->status == 304 || rs->status < 200) body = 0;
  s->state = IFM_H2S_ANSWERED;
  if (!body) return nghttp2_submit_response(session, s->id, nv, k, NULL);
  memset(&dp, 0, sizeof dp);
  dp.source.ptr = s;
  dp.read_callback = body_read_cb;
  return nghttp2_submit_response(session, s->id, nv, k, &dp);
}

static ssize_t body_read_cb(nghttp2_session *session, int32_t id, uint8_t *buf,
                                           size_t length, uint32_t *flags,
                                           nghttp2_data_source *src, void *user) {
  ifm_h2_stream *s = src->ptr;
  size_t n = s->resp_len - s->sent;

  (void)session;
  (void)id;
  (void)user;
  if (n > length) n = length;
  memcpy(buf, s->resp_body + s->sent, n);
  s->sent += n;
  if (s->sent == s->resp_len) *flags |= NGHTTP2_DATA_FLAG_EOF;
  return (ssize_t)n;
}
