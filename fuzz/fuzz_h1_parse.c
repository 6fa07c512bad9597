/* fuzz_h1_parse.c: the HTTP/1.1 response parser (runner/exec/ifm_h1_parse.h)
 * on hostile bytes, whole and split.
 *
 * Input: byte 0 is flags (bit 0: the request was HEAD; bit 1: the connection
 * closes after the bytes; bit 2: small limits, from bytes 1-3: max_head
 * 1..256, max_fields 1..16, max_body 0..1020 in steps of 4 (0: the default));
 * then one byte seeding the split; the rest is the response.
 *
 * Invariants (abort on violation):
 *  - fed whole, a byte at a time, and in random pieces, the parse ends the
 *    same: state, status, error, keep-alive, head done, bytes used (when
 *    DONE), fields (names, values) and body;
 *  - after DONE: used <= len, feeding the rest uses nothing and stays DONE;
 *    a head is done; with Content-Length framing (final status not 1xx, 204
 *    or 304, not HEAD, no Transfer-Encoding) the body has that length;
 *  - an error is one non-empty line, and only with ERROR; keep-alive only
 *    with DONE;
 *  - the limits hold: fields <= max_fields, body <= max_body;
 *  - take() moves a NUL-terminated body with resp_body_total = resp_body_len
 *    in any state, also in the middle of a response (ASan: nothing leaks).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_exchange.h"
#include "ifm_h1_parse.h"
#include "fuzz_check.h"

typedef struct outcome {
  ifm_h1_state st;
  int status, ka, head_done;
  size_t used;
  char err[512];
  int has_err;
  ifm_exchange x;
} outcome;

static uint32_t rnd(uint32_t *s) {   /* xorshift32 */
  *s ^= *s << 13;
  *s ^= *s >> 17;
  *s ^= *s << 5;
  return *s;
}

/* mode 0: whole; 1: a byte at a time; 2: random pieces from seed. */
static void parse(const char *d, size_t len, int head, int eof, const ifm_h1_limits *lim, int mode,
                  uint32_t seed, outcome *o) {
  ifm_h1_parser *p = ifm_h1_parse_new(head, lim);
  size_t off = 0;
  const char *e;
  memset(o, 0, sizeof *o);
  CHECK(p != NULL);
  o->st = IFM_H1_MORE;
  while (off < len && o->st == IFM_H1_MORE) {
    size_t n = len - off, u = (size_t)-1;
    if (mode == 1) n = 1;
    if (mode == 2 && n > 1) n = 1 + rnd(&seed) % (rnd(&seed) % 4 == 0 ? n : (n < 17 ? n : 17));
    o->st = ifm_h1_parse_feed(p, d + off, n, &u);
    CHECK(u <= n);
    CHECK(o->st != IFM_H1_MORE || u == n);
    o->used += u;
    off += n;
  }
  if (o->st == IFM_H1_DONE && off < len) {   /* what follows stays unused */
    size_t u = 1;
    CHECK(ifm_h1_parse_feed(p, d + o->used, len - o->used, &u) == IFM_H1_DONE && u == 0);
  }
  if (eof && o->st == IFM_H1_MORE) o->st = ifm_h1_parse_eof(p);
  if (o->st != IFM_H1_MORE) CHECK(ifm_h1_parse_eof(p) == o->st);   /* the end stays */
  o->status = ifm_h1_parse_status(p);
  o->ka = ifm_h1_parse_keep_alive(p);
  o->head_done = ifm_h1_parse_head_done(p);
  e = ifm_h1_parse_error(p);
  o->has_err = e != NULL;
  if (e) snprintf(o->err, sizeof o->err, "%s", e);
  CHECK(ifm_h1_parse_take(p, &o->x) == 0);
  ifm_h1_parse_free(p);
}

static void same(const outcome *a, const outcome *b) {
  size_t i;
  CHECK(a->st == b->st);
  CHECK(a->status == b->status && a->ka == b->ka && a->head_done == b->head_done);
  CHECK(a->has_err == b->has_err && strcmp(a->err, b->err) == 0);
  if (a->st == IFM_H1_DONE) CHECK(a->used == b->used);
  CHECK(a->x.status == b->x.status && a->x.n_resp_headers == b->x.n_resp_headers);
  for (i = 0; i < a->x.n_resp_headers; i++) {
    const ifm_field *f = &a->x.resp_headers[i], *g = &b->x.resp_headers[i];
    CHECK(strcmp(f->name, g->name) == 0);
    CHECK(f->value_len == g->value_len && memcmp(f->value, g->value, f->value_len) == 0);
  }
  CHECK(a->x.resp_body_len == b->x.resp_body_len);
  CHECK(memcmp(a->x.resp_body, b->x.resp_body, a->x.resp_body_len) == 0);
}

/* The Content-Length the fields frame the body with, or -1. */
static long long cl_framing(const ifm_exchange *x, int head) {
  int n = 0;
  const ifm_field *f = ifm_field_find(x->resp_headers, x->n_resp_headers, "content-length", &n);
  if (head || x->status < 200 || x->status == 204 || x->status == 304 || !f ||
      ifm_field_find(x->resp_headers, x->n_resp_headers, "transfer-encoding", NULL))
    return -1;
  return strtoll(f->value, NULL, 10);   /* the parser checked it: digits, all equal */
}

static void check_one(const outcome *o, size_t len, int head, const ifm_h1_limits *lim) {
  size_t max_fields = lim && lim->max_fields ? lim->max_fields : 10000;
  size_t max_body = lim && lim->max_body ? lim->max_body : (size_t)64 << 20;
  CHECK(o->has_err == (o->st == IFM_H1_ERROR));
  if (o->has_err) CHECK(o->err[0] && !strchr(o->err, '\n') && !strchr(o->err, '\r'));
  if (o->st != IFM_H1_DONE) CHECK(o->ka == 0);
  CHECK(o->x.resp_body && o->x.resp_body[o->x.resp_body_len] == '\0');
  CHECK(o->x.resp_body_total == o->x.resp_body_len && o->x.resp_body_len <= max_body);
  CHECK(o->x.n_resp_headers <= max_fields);
  CHECK(o->x.status == o->status && (o->status == 0 || (o->status >= 100 && o->status <= 999)));
  if (o->st == IFM_H1_DONE) {
    long long cl = cl_framing(&o->x, head);
    CHECK(o->used <= len && o->head_done);
    CHECK(o->status >= 200 || o->status == 101);
    if (cl >= 0) CHECK((unsigned long long)cl == o->x.resp_body_len);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ifm_h1_limits lim = {0, 0, 0};
  const ifm_h1_limits *limp = NULL;
  int head, eof;
  uint32_t seed;
  const char *d;
  size_t len, k;
  outcome whole, other;
  ifm_h1_parser *p;
  if (size < 2) return 0;
  head = data[0] & 1;
  eof = (data[0] >> 1) & 1;
  if (data[0] & 4) {
    if (size < 5) return 0;
    lim.max_head = 1 + (size_t)data[2];
    lim.max_fields = 1 + (size_t)(data[3] % 16);
    lim.max_body = (size_t)data[4] * 4;
    limp = &lim;
    data += 3;
    size -= 3;
  }
  seed = 0x9e3779b9u ^ ((uint32_t)data[1] << 8) ^ (uint32_t)size;
  d = (const char *)data + 2;
  len = size - 2;

  parse(d, len, head, eof, limp, 0, seed, &whole);
  check_one(&whole, len, head, limp);
  for (k = 1; k <= 2; k++) {
    parse(d, len, head, eof, limp, (int)k, seed, &other);
    check_one(&other, len, head, limp);
    same(&whole, &other);
    ifm_exchange_clear(&other.x);
  }
  ifm_exchange_clear(&whole.x);

  /* take() in the middle of a response, into an exchange holding data */
  p = ifm_h1_parse_new(head, limp);
  CHECK(p != NULL);
  k = len ? seed % (len + 1) : 0;
  ifm_h1_parse_feed(p, d, k, NULL);
  memset(&other.x, 0, sizeof other.x);
  CHECK(ifm_field_append(&other.x.resp_headers, &other.x.n_resp_headers, "Old", "v", 1) == 0);
  CHECK(ifm_h1_parse_take(p, &other.x) == 0);
  CHECK(other.x.resp_body && other.x.resp_body[other.x.resp_body_len] == '\0');
  ifm_h1_parse_feed(p, d + k, len - k, NULL);
  CHECK(ifm_h1_parse_take(p, &other.x) == 0);
  ifm_h1_parse_free(p);
  ifm_exchange_clear(&other.x);
  return 0;
}
