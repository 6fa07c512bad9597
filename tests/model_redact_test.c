/* model_redact_test.c: secrets out of everything kept (runner/model/
 * ifm_redact.c). What must hold is ifm_redact.h's promise: every occurrence
 * of each secret becomes "<redacted>" (the longest secret where several
 * start at one byte), credential fields (Authorization, Proxy-Authorization,
 * Cookie, Set-Cookie: RFC 9110 11.6.2 and 11.7.2, RFC 6265) are replaced
 * whole, bodies are cut to IFM_BODY_EXCERPT bytes with the totals and hashes
 * of the whole bodies kept, and times become relative to the run's start. */
#include "ifm_redact.h"
#include "ifm_buf.h"
#include "ifm_test.h"

static char *redact(const char *s, char *const *secrets, size_t n) {
  size_t len = 12345;
  char *r = ifm_redact(s, strlen(s), secrets, n, &len);
  if (r && len != strlen(r)) {   /* the length matches what was returned */
    free(r);
    return strdup("(length mismatch)");
  }
  return r;
}

static void test_redact_strings(void) {
  char *one[] = {"s3cret"};
  char *nested[] = {"abc", "abcdef"}, *nested_rev[] = {"abcdef", "abc"};
  char *empty[] = {""};
  char *r;
  size_t len;
  r = redact("https://u:s3cret@host/p?token=s3cret&x=1", one, 1);
  ASSERT_STREQ(r, "https://u:<redacted>@host/p?token=<redacted>&x=1");
  free(r);
  r = redact("s3crets3cret", one, 1);                         /* back to back */
  ASSERT_STREQ(r, "<redacted><redacted>");
  free(r);
  r = redact("no secret here: s3cre", one, 1);                /* a prefix alone is no secret */
  ASSERT_STREQ(r, "no secret here: s3cre");
  free(r);
  /* overlapping secrets: the longest one starting at a byte wins, whatever the order */
  r = redact("x abcdef y abc z", nested, 2);
  ASSERT_STREQ(r, "x <redacted> y <redacted> z");
  free(r);
  r = redact("x abcdef y", nested_rev, 2);
  ASSERT_STREQ(r, "x <redacted> y");
  free(r);
  r = redact("abc", empty, 1);                                /* an empty secret hides nothing */
  ASSERT_STREQ(r, "abc");
  free(r);
  r = redact("abc", NULL, 0);
  ASSERT_STREQ(r, "abc");
  free(r);
  /* bytes after a NUL are searched too */
  r = ifm_redact("a\0s3cret", 8, one, 1, &len);
  ASSERT(r != NULL);
  ASSERT_MEMEQ(r, len, "a\0<redacted>", 12);
  free(r);
  r = ifm_redact("", 0, one, 1, &len);
  ASSERT(r != NULL && len == 0 && r[0] == '\0');
  free(r);
  r = ifm_redact("s3cret", 6, one, 1, NULL);                 /* out_len may be NULL */
  ASSERT_STREQ(r, "<redacted>");
  free(r);
}

static void test_secret_fields(void) {
  static const char *const secret[] = {"Authorization", "authorization", "PROXY-AUTHORIZATION",
                                       "Proxy-Authorization", "Cookie", "cookie", "Set-Cookie",
                                       "SET-COOKIE"};
  static const char *const plain[] = {"X-Auth", "Authorization2", "Cookies", "Set-Cookie2x",
                                      "WWW-Authenticate", "ETag", ""};
  size_t i;
  for (i = 0; i < sizeof secret / sizeof secret[0]; i++)
    if (ifm_redact_field_is_secret(secret[i]) != 1) IFM_TEST_FAIL_("%s is not secret", secret[i]);
  for (i = 0; i < sizeof plain / sizeof plain[0]; i++)
    if (ifm_redact_field_is_secret(plain[i]) != 0) IFM_TEST_FAIL_("%s is secret", plain[i]);
}

static void add(ifm_field **f, size_t *n, const char *name, const char *v, size_t len) {
  if (ifm_field_append(f, n, name, v, len) != 0) abort();
}

/* A live exchange as the executor leaves it: whole bodies, secrets in the
 * URL, in header values and in both bodies, credentials in their fields. */
static void live_exchange(ifm_exchange *x, size_t req_len, size_t resp_len) {
  memset(x, 0, sizeof *x);
  x->step = 4;
  x->client = 2;
  x->round = 3;
  x->method = strdup("PUT");
  x->url = strdup("https://api.example/r/1?key=TOKEN123");
  add(&x->req_headers, &x->n_req_headers, "Authorization", "Bearer not-in-the-list", 22);
  add(&x->req_headers, &x->n_req_headers, "Proxy-Authorization", "Basic eDp5", 10);
  add(&x->req_headers, &x->n_req_headers, "Cookie", "sid=1", 5);
  add(&x->req_headers, &x->n_req_headers, "X-Api-Key", "k=TOKEN123\0!", 12);
  add(&x->req_headers, &x->n_req_headers, "If-Match", "\"e1\"", 4);
  add(&x->resp_headers, &x->n_resp_headers, "Set-Cookie", "sid=2; HttpOnly", 15);
  add(&x->resp_headers, &x->n_resp_headers, "ETag", "\"e2\"", 4);
  x->req_body = malloc(req_len + 1);
  x->resp_body = malloc(resp_len + 1);
  if (!x->req_body || !x->resp_body) abort();
  memset(x->req_body, 'q', req_len);
  memset(x->resp_body, 'r', resp_len);
  x->req_body[req_len] = x->resp_body[resp_len] = '\0';
  x->req_body_len = x->req_body_total = req_len;
  x->resp_body_len = x->resp_body_total = resp_len;
  x->req_body_hash = ifm_hash64(x->req_body, req_len);
  x->resp_body_hash = ifm_hash64(x->resp_body, resp_len);
  x->status = 204;
  x->error = strdup("reset after TOKEN123");
  x->t_start = 1000.0;
  x->t_release = 1002.5;
  x->t_first_byte = 1010.25;
  x->t_done = 1011.0;
}

static const ifm_field *field(const ifm_field *f, size_t n, const char *name) {
  return ifm_field_find(f, n, name, NULL);
}

static void test_evidence(void) {
  char *secrets[] = {"TOKEN123"};
  ifm_exchange live, ev;
  const ifm_field *f;
  live_exchange(&live, 20, 30);
  memcpy(live.req_body + 5, "TOKEN123", 8);
  memcpy(live.resp_body + 10, "TOKEN123", 8);
  ASSERT_EQ(ifm_exchange_evidence(&ev, &live, secrets, 1, 1000.0), IFM_OK);
  ASSERT_EQ(ev.step, 4);
  ASSERT_EQ(ev.client, 2);
  ASSERT_EQ(ev.round, 3);
  ASSERT_STREQ(ev.method, "PUT");
  ASSERT_STREQ(ev.url, "https://api.example/r/1?key=<redacted>");
  ASSERT_EQ(ev.n_req_headers, 5);                       /* every field, in order */
  ASSERT_STREQ(ev.req_headers[0].name, "Authorization");
  ASSERT_STREQ(ev.req_headers[0].value, "<redacted>");  /* whole, though not in the list */
  ASSERT_EQ(ev.req_headers[0].value_len, 10);
  ASSERT_STREQ(field(ev.req_headers, ev.n_req_headers, "Proxy-Authorization")->value, "<redacted>");
  ASSERT_STREQ(field(ev.req_headers, ev.n_req_headers, "Cookie")->value, "<redacted>");
  f = field(ev.req_headers, ev.n_req_headers, "X-Api-Key");
  ASSERT(f != NULL);
  ASSERT_MEMEQ(f->value, f->value_len, "k=<redacted>\0!", 14);
  ASSERT_STREQ(ev.req_headers[4].value, "\"e1\"");
  ASSERT_STREQ(field(ev.resp_headers, ev.n_resp_headers, "Set-Cookie")->value, "<redacted>");
  ASSERT_STREQ(field(ev.resp_headers, ev.n_resp_headers, "ETag")->value, "\"e2\"");
  ASSERT_MEMEQ(ev.req_body, ev.req_body_len, "qqqqq<redacted>qqqqqqq", 22);
  ASSERT_EQ(ev.req_body_total, 20);
  ASSERT_MEMEQ(ev.resp_body, ev.resp_body_len, "rrrrrrrrrr<redacted>rrrrrrrrrrrr", 32);
  ASSERT_EQ(ev.resp_body_total, 30);
  ASSERT(ev.req_body_hash == live.req_body_hash);       /* of the whole live bodies */
  ASSERT(ev.resp_body_hash == live.resp_body_hash);
  ASSERT_EQ(ev.status, 204);
  ASSERT_STREQ(ev.error, "reset after <redacted>");
  ASSERT(ev.t_start == 0.0);                            /* since t0 */
  ASSERT(ev.t_release == 2.5);
  ASSERT(ev.t_first_byte == 10.25);
  ASSERT(ev.t_done == 11.0);
  /* the live copy is left alone */
  ASSERT_STREQ(live.req_headers[0].value, "Bearer not-in-the-list");
  ASSERT(strstr(live.url, "TOKEN123") != NULL);
  ifm_exchange_clear(&ev);
  ifm_exchange_clear(&live);
}

/* Bodies longer than IFM_BODY_EXCERPT: the first IFM_BODY_EXCERPT bytes are
 * kept, the totals and hashes still describe the whole. */
static void test_evidence_excerpt(void) {
  char *secrets[] = {"TOKEN123"};
  ifm_exchange live, ev;
  size_t big = 3 * IFM_BODY_EXCERPT + 7, i;
  int leak = 0;
  live_exchange(&live, big, IFM_BODY_EXCERPT);
  memcpy(live.req_body + 2 * IFM_BODY_EXCERPT, "TOKEN123", 8);   /* past the cut */
  live.req_body_hash = ifm_hash64(live.req_body, big);
  ASSERT_EQ(ifm_exchange_evidence(&ev, &live, secrets, 1, 0.0), IFM_OK);
  ASSERT_EQ(ev.req_body_len, IFM_BODY_EXCERPT);
  ASSERT_EQ(ev.req_body_total, big);
  ASSERT(ev.req_body_hash == ifm_hash64(live.req_body, big));
  ASSERT(memchr(ev.req_body, 'T', ev.req_body_len) == NULL);
  ASSERT_EQ(ev.resp_body_len, IFM_BODY_EXCERPT);        /* exactly the limit: all of it */
  ASSERT_EQ(ev.resp_body_total, IFM_BODY_EXCERPT);
  ASSERT(ev.t_start == 1000.0);                          /* t0 = 0: times unchanged */
  ifm_exchange_clear(&ev);
  /* A secret across the cut: bytes IFM_BODY_EXCERPT-3 .. +4. No part of it
   * may be kept. */
  memset(live.req_body, 'q', big);
  memcpy(live.req_body + IFM_BODY_EXCERPT - 3, "TOKEN123", 8);
  ASSERT_EQ(ifm_exchange_evidence(&ev, &live, secrets, 1, 0.0), IFM_OK);
  for (i = 0; i + 3 <= ev.req_body_len; i++) leak |= memcmp(ev.req_body + i, "TOK", 3) == 0;
  ASSERT(!leak);
  ifm_exchange_clear(&ev);
  /* A secret inside the excerpt: "<redacted>" (10 bytes) is longer than the
   * secret (8), and ifm_exchange.h promises an excerpt of at most
   * IFM_BODY_EXCERPT bytes. */
  memset(live.req_body, 'q', big);
  memcpy(live.req_body + 100, "TOKEN123", 8);
  ASSERT_EQ(ifm_exchange_evidence(&ev, &live, secrets, 1, 0.0), IFM_OK);
  ASSERT(ev.req_body_len >= IFM_BODY_EXCERPT);
  ASSERT(ev.req_body_len <= IFM_BODY_EXCERPT);
  ifm_exchange_clear(&ev);
  ifm_exchange_clear(&live);
}

/* Times not reached (0) stay 0; a request without a body keeps none. */
static void test_evidence_unreached(void) {
  ifm_exchange live, ev;
  memset(&live, 0, sizeof live);
  live.client = -1;
  live.method = strdup("GET");
  live.url = strdup("http://h/p");
  live.error = strdup("connection refused");
  ASSERT_EQ(ifm_exchange_evidence(&ev, &live, NULL, 0, 500.0), IFM_OK);
  ASSERT_EQ(ev.client, -1);
  ASSERT(ev.req_body == NULL);                           /* no body sent: none kept */
  ASSERT_EQ(ev.req_body_total, 0);
  ASSERT(ev.resp_body != NULL && ev.resp_body_len == 0);
  ASSERT_EQ(ev.status, 0);
  ASSERT_STREQ(ev.error, "connection refused");
  ASSERT(ev.t_release == 0.0);
  ASSERT(ev.t_first_byte == 0.0);
  /* ifm_redact.h: "times made relative to t0 (0 stays 0)" */
  ASSERT(ev.t_start == 0.0);
  ASSERT(ev.t_done == 0.0);
  ifm_exchange_clear(&ev);
  ifm_exchange_clear(&live);
}

IFM_TEST_MAIN(TEST(test_redact_strings), TEST(test_secret_fields), TEST(test_evidence),
              TEST(test_evidence_excerpt), TEST(test_evidence_unreached))
