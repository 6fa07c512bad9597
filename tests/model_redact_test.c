/* model_redact_test.c: secrets out of everything kept (runner/model/
 * ifm_redact.c). What must hold is ifm_redact.h's promise: every occurrence
 * of each secret becomes "<redacted>" (the longest secret where several
 * start at one byte), credential fields (Authorization, Proxy-Authorization,
 * Cookie, Set-Cookie: RFC 9110 11.6.2 and 11.7.2, RFC 6265) are replaced
 * whole, bodies are cut to IFM_BODY_EXCERPT bytes with the totals and hashes
 * of the whole bodies kept, and times become relative to the run's start.
 * And ifm_secrets.h's: every form a secret can come back in (base64, inside
 * a longer base64, percent-encoded), the parts of credentials, a URL's
 * userinfo; short secrets redacted, short forms not listed. */
#include "ifm_redact.h"
#include "ifm_buf.h"
#include "ifm_secrets.h"
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
                                       "SET-COOKIE", "X-Api-Key", "x-auth-token", "Api-Key"};
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
  add(&x->req_headers, &x->n_req_headers, "X-Custom-Key", "k=TOKEN123\0!", 12);
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
  f = field(ev.req_headers, ev.n_req_headers, "X-Custom-Key");
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

/* Header fields kept as evidence are bounded (ifm_exchange.h,
 * IFM_EVIDENCE_FIELDS): 3,000 fields of 100 bytes and one of 90,000 bytes
 * keep at most 64 ordinary fields within 8192 bytes; an ETag after them all
 * is kept whole (the judge reads it), 16 of 20 ETags are kept, a secret
 * across a value's cut is not kept in part, and what is left out is
 * counted exactly. */
static void test_evidence_fields_cut(void) {
  char *secrets[] = {"TOKEN123"};
  ifm_exchange live, ev;
  char v[100], big[90000];
  size_t i, kept_bytes = 0, omitted_bytes = 0, etags = 0, ordinary = 0, n_live;
  int leak = 0;
  memset(&live, 0, sizeof live);
  live.method = strdup("GET");
  live.url = strdup("http://h/p");
  memset(big, 'b', sizeof big);
  memcpy(big + IFM_EVIDENCE_VALUE - 3, "TOKEN123", 8);          /* across the value's cut */
  ASSERT_EQ(ifm_field_append(&live.resp_headers, &live.n_resp_headers, "X-Big", big, sizeof big), 0);
  memset(v, 'w', sizeof v);
  for (i = 0; i < 3000; i++) {
    char name[32];
    snprintf(name, sizeof name, "X-Wide-%zu", i);
    ASSERT_EQ(ifm_field_append(&live.resp_headers, &live.n_resp_headers, name, v, sizeof v), 0);
  }
  for (i = 0; i < 20; i++) ASSERT_EQ(ifm_field_append(&live.resp_headers, &live.n_resp_headers, "etag", "\"e\"", 3), 0);
  n_live = live.n_resp_headers;
  ASSERT_EQ(ifm_exchange_evidence(&ev, &live, secrets, 1, 0.0), IFM_OK);
  ASSERT_STREQ(ev.resp_headers[0].name, "X-Big");                /* order kept: the first field first */
  ASSERT(ev.resp_headers[0].value_len <= IFM_EVIDENCE_VALUE);
  ASSERT_EQ(ev.resp_headers[0].value_total, sizeof big);
  for (i = 0; i + 3 <= ev.resp_headers[0].value_len; i++)
    leak |= memcmp(ev.resp_headers[0].value + i, "TOK", 3) == 0;
  ASSERT(!leak);
  for (i = 0; i < ev.n_resp_headers; i++) {
    if (strcmp(ev.resp_headers[i].name, "etag") == 0) {
      etags++;
      ASSERT_MEMEQ(ev.resp_headers[i].value, ev.resp_headers[i].value_len, "\"e\"", 3);
    } else {
      ordinary++;
      kept_bytes += strlen(ev.resp_headers[i].name) + ev.resp_headers[i].value_len;
    }
  }
  ASSERT_EQ(etags, IFM_EVIDENCE_JUDGED_EACH);
  ASSERT(ordinary <= IFM_EVIDENCE_FIELDS);
  ASSERT(kept_bytes <= IFM_EVIDENCE_FIELD_BYTES);
  ASSERT(ordinary >= 2);
  ASSERT_EQ(ev.n_resp_headers + ev.resp_headers_omitted, n_live);
  for (i = 0; i < n_live; i++)
    if (!ifm_field_find(ev.resp_headers, ev.n_resp_headers, live.resp_headers[i].name, NULL) ||
        (strcmp(live.resp_headers[i].name, "etag") == 0 && i >= n_live - (20 - IFM_EVIDENCE_JUDGED_EACH)))
      omitted_bytes += strlen(live.resp_headers[i].name) + live.resp_headers[i].value_len;
  ASSERT_EQ(ev.resp_header_bytes_omitted, omitted_bytes);
  ASSERT_EQ(ev.req_headers_omitted, 0);
  ifm_exchange_clear(&ev);
  /* an ordinary exchange loses nothing */
  ifm_exchange_clear(&live);
  live_exchange(&live, 20, 30);
  ASSERT_EQ(ifm_exchange_evidence(&ev, &live, NULL, 0, 0.0), IFM_OK);
  ASSERT_EQ(ev.n_resp_headers, live.n_resp_headers);
  ASSERT_EQ(ev.resp_headers_omitted + ev.resp_header_bytes_omitted + ev.req_headers_omitted, 0);
  for (i = 0; i < ev.n_resp_headers; i++) ASSERT_EQ(ev.resp_headers[i].value_total, 0);
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

/* A percent-encoded secret, in either hex case, with '+' for a space, or
 * mixed with plain bytes, is the secret. */
static void test_redact_percent(void) {
  char *one[] = {"p@ss w+rd"};
  char *r = redact("a=p%40ss%20w%2Brd&b=p%40ss+w%2brd&c=p@ss%20w+rd&d=p%4", one, 1);
  ASSERT_STREQ(r, "a=<redacted>&b=<redacted>&c=<redacted>&d=p%4");
  free(r);
  r = redact("p%4Oss w+rd p%40ss_w+rd", one, 1);                 /* not hex, not the byte */
  ASSERT_STREQ(r, "p%4Oss w+rd p%40ss_w+rd");
  free(r);
}

/* "<redacted>" is never searched: redacting twice changes nothing, also
 * when a (short) secret occurs in the word itself. */
static void test_redact_idempotent(void) {
  char *red[] = {"red", "<red"};
  char *r = redact("bored, redacted", red, 2), *again;
  ASSERT_STREQ(r, "bo<redacted>, <redacted>acted");
  again = redact(r, red, 2);
  ASSERT_STREQ(again, r);
  free(r);
  free(again);
}

/* A stream: what may begin a secret is held back until more comes. */
static void test_redact_prefix(void) {
  char *one[] = {"token-9"}, *pct[] = {"a b"};
  size_t used = 99, len = 99;
  char *r = ifm_redact_prefix("x tok", 5, one, 1, &used, &len);
  ASSERT_STREQ(r, "x ");
  ASSERT_EQ(used, 2);
  free(r);
  r = ifm_redact_prefix("x token-9 y", 11, one, 1, &used, &len);
  ASSERT_STREQ(r, "x <redacted> y");
  ASSERT_EQ(used, 11);
  free(r);
  r = ifm_redact_prefix("x a%2", 5, pct, 1, &used, &len);       /* inside a %XX */
  ASSERT_STREQ(r, "x ");
  ASSERT_EQ(used, 2);
  free(r);
  r = ifm_redact_prefix("x tox", 5, one, 1, &used, &len);       /* no longer a secret: all of it */
  ASSERT_STREQ(r, "x tox");
  ASSERT_EQ(used, 5);
  free(r);
}

/* A cut never keeps a piece of a secret: not at the cut, and not where the
 * window ends when long secrets shrank what came before it. */
static void test_redact_head(void) {
  char *one[] = {"SECRET-SECRET-SECRET-SECRET-SECRET-XYZ"};   /* 38 bytes, 10 as "<redacted>" */
  ifm_buf b = IFM_BUF_INIT;
  size_t len, i;
  char *r;
  int leak = 0;
  r = ifm_redact_head("abcdefSECRET-SECRET-SECRET-SECRET-SECRET-XYZ tail", 49, 10, one, 1, &len);
  ASSERT_STREQ(r, "abcdef<red");                               /* cut after the whole secret */
  ASSERT_EQ(len, 10);
  free(r);
  for (i = 0; i < 20; i++) ifm_buf_puts(&b, one[0]);
  ifm_buf_puts(&b, "SECRET-SECRET-SECRET");                    /* a secret's beginning */
  r = ifm_redact_head(b.p, b.len, 200, one, 1, &len);
  ASSERT(r != NULL);
  ASSERT(len <= 200);
  for (i = 0; i + 6 <= len; i++) leak |= memcmp(r + i, "SECRET", 6) == 0;
  ASSERT(!leak);
  free(r);
  r = ifm_redact_head(NULL, 0, 10, one, 1, &len);
  ASSERT(r != NULL && len == 0);
  free(r);
  ifm_buf_clear(&b);
}

static int listed(char **v, size_t n, const char *s) {
  size_t i;
  for (i = 0; i < n; i++)
    if (strcmp(v[i], s) == 0) return 1;
  return 0;
}

static void free_list(char **v, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) free(v[i]);
  free(v);
}

/* base64 forms: whole (padded or not, either alphabet), and inside a
 * longer base64 text at each of the three alignments. */
static void test_secrets_forms(void) {
  char **v = NULL, *r, *b64;
  size_t n = 0, k;
  ASSERT_EQ(ifm_secrets_add(&v, &n, "user:pass>?"), IFM_OK);
  ASSERT(listed(v, n, "user:pass>?"));
  ASSERT(listed(v, n, "dXNlcjpwYXNzPj8="));
  ASSERT(listed(v, n, "dXNlcjpwYXNzPj8"));
  ASSERT(listed(v, n, "dXNlcjpwYXNzPj8"));
  ASSERT(listed(v, n, "dXNlcjpwYXNzPj8="));
  ASSERT_EQ(ifm_secrets_add(&v, &n, "user:pass>?"), IFM_OK);    /* no duplicates */
  for (k = 0; k < 3; k++) {
    static const char *const before[] = {"", "X", "XY"};
    char text[64];
    snprintf(text, sizeof text, "%suser:pass>?and more", before[k]);
    b64 = ifm_base64(text, strlen(text));
    r = ifm_redact(b64, strlen(b64), v, n, NULL);
    if (!strstr(r, "<redacted>")) IFM_TEST_FAIL_("alignment %zu: %s kept whole as %s", k, b64, r);
    free(b64);
    free(r);
  }
  free_list(v, n);
  /* a short secret is listed; its forms only from IFM_SECRET_SHORT bytes */
  v = NULL, n = 0;
  ASSERT_EQ(ifm_secrets_add(&v, &n, "pw"), IFM_OK);
  ASSERT(listed(v, n, "pw"));
  ASSERT(listed(v, n, "cHc="));
  ASSERT(!listed(v, n, "cHc"));
  ASSERT_EQ(ifm_secrets_shortest(v, n), 2);
  ASSERT_EQ(ifm_secrets_add(&v, &n, ""), IFM_OK);
  ASSERT_EQ(ifm_secrets_add(&v, &n, NULL), IFM_OK);
  free_list(v, n);
  ASSERT_EQ(ifm_secrets_shortest(NULL, 0), 0);
  b64 = ifm_base64("", 0);
  ASSERT_STREQ(b64, "");
  free(b64);
  b64 = ifm_base64("ab", 2);
  ASSERT_STREQ(b64, "YWI=");
  free(b64);
}

/* The parts of credentials a server may echo on their own. */
static void test_secrets_credential(void) {
  char **v = NULL;
  size_t n = 0;
  ASSERT_EQ(ifm_secrets_add_credential(&v, &n, "Authorization", "Basic YWxpY2U6czNjcmV0cHc="), IFM_OK);
  ASSERT(listed(v, n, "Basic YWxpY2U6czNjcmV0cHc="));
  ASSERT(listed(v, n, "YWxpY2U6czNjcmV0cHc="));
  ASSERT(listed(v, n, "alice:s3cretpw"));
  ASSERT(listed(v, n, "s3cretpw"));
  ASSERT(!listed(v, n, "alice"));
  ASSERT_EQ(ifm_secrets_add_credential(&v, &n, "Proxy-Authorization", "Bearer tok123456"), IFM_OK);
  ASSERT(listed(v, n, "tok123456"));
  ASSERT_EQ(ifm_secrets_add_credential(&v, &n, "Cookie", "a=1; sid=\"abcd1234\";lang=en"), IFM_OK);
  ASSERT(listed(v, n, "abcd1234"));
  ASSERT(listed(v, n, "a=1; sid=\"abcd1234\";lang=en"));
  ASSERT(!listed(v, n, "1"));                                  /* short parts are not listed */
  ASSERT(!listed(v, n, "en"));
  ASSERT_EQ(ifm_secrets_add_credential(&v, &n, "X-Api-Key", "k3y-value"), IFM_OK);
  ASSERT(listed(v, n, "k3y-value"));
  ASSERT_EQ(ifm_secrets_add_credential(&v, &n, "Authorization", "Basic not*base64"), IFM_OK);
  ASSERT(listed(v, n, "not*base64"));
  free_list(v, n);
}

/* URL userinfo: "user:pass" as written and decoded, and the password; a
 * user alone (a token) is the secret itself. */
static void test_secrets_url(void) {
  char **v = NULL, *r;
  size_t n = 0;
  ASSERT_EQ(ifm_secrets_add_url(&v, &n, "http://alice:p%40ss-word@h:1/x?y=1#z"), IFM_OK);
  ASSERT(listed(v, n, "alice:p%40ss-word"));
  ASSERT(listed(v, n, "alice:p@ss-word"));
  ASSERT(listed(v, n, "p%40ss-word"));
  ASSERT(listed(v, n, "p@ss-word"));
  ASSERT(listed(v, n, "YWxpY2U6cEBzcy13b3Jk"));                /* base64("alice:p@ss-word"): Basic */
  ASSERT(listed(v, n, "Basic YWxpY2U6cEBzcy13b3Jk"));          /* the field a client makes of it */
  ASSERT(!listed(v, n, "alice"));
  r = redact("http://alice:p%40ss-word@h:1/x and Basic YWxpY2U6cEBzcy13b3Jk and p@ss-word", v, n);
  ASSERT_STREQ(r, "http://<redacted>@h:1/x and <redacted> and <redacted>");
  free(r);
  free_list(v, n);
  v = NULL, n = 0;
  ASSERT_EQ(ifm_secrets_add_url(&v, &n, "https://tok3nvalue@h/"), IFM_OK);
  ASSERT(listed(v, n, "tok3nvalue"));
  ASSERT(listed(v, n, "tok3nvalue:"));                          /* Basic: the user, no password */
  ASSERT(listed(v, n, "Basic dG9rM252YWx1ZTo="));
  ASSERT_EQ(ifm_secrets_add_url(&v, &n, "http://a:b@c@h/"), IFM_OK);   /* a raw '@' in the password */
  ASSERT(listed(v, n, "b@c"));
  free_list(v, n);
  v = NULL, n = 0;
  ASSERT_EQ(ifm_secrets_add_url(&v, &n, "http://h/a@b"), IFM_OK);       /* '@' in the path */
  ASSERT_EQ(ifm_secrets_add_url(&v, &n, "http://h:1"), IFM_OK);
  ASSERT_EQ(ifm_secrets_add_url(&v, &n, "not a url"), IFM_OK);
  ASSERT_EQ(ifm_secrets_add_url(&v, &n, NULL), IFM_OK);
  ASSERT_EQ(n, 0);
  free(v);
}

/* The choke point: every string of a report, the exchanges' too. */
static void test_report_redact(void) {
  char *secrets[] = {"TOKEN123"};
  ifm_report *rep = ifm_report_new();
  ifm_result *res;
  ifm_exchange *x;
  ASSERT(rep != NULL);
  rep->target = strdup("http://h/?k=TOKEN123");
  rep->not_tested = strdup("no answer from TOKEN123");
  res = ifm_report_add(rep);
  ASSERT(res != NULL);
  res->case_id = strdup("C-1");
  res->message = strdup("step 2: ETag did not match");
  res->expected = strdup("ETag other than \"TOKEN123\"");
  res->got = strdup("ETag: \"TOKEN123\"");
  x = ifm_result_add_exchange(res);
  ASSERT(x != NULL);
  x->url = strdup("http://h/r?key=TOKEN123");
  ASSERT_EQ(ifm_field_append(&x->resp_headers, &x->n_resp_headers, "X-Echo-TOKEN123", "TOKEN123", 8), 0);
  x->resp_body = malloc(22);
  ASSERT(x->resp_body != NULL);
  memcpy(x->resp_body, "a TOKEN123\0b TOKEN123", 22);      /* bytes after a NUL too */
  x->resp_body_len = 21;
  ASSERT_EQ(ifm_report_redact(rep, secrets, 1), IFM_OK);
  ASSERT_EQ(ifm_report_redact(rep, secrets, 1), IFM_OK);       /* twice: nothing changes */
  res = &rep->results[0];
  x = &res->exchanges[0];
  ASSERT_STREQ(rep->target, "http://h/?k=<redacted>");
  ASSERT_STREQ(rep->not_tested, "no answer from <redacted>");
  ASSERT_STREQ(res->case_id, "C-1");
  ASSERT_STREQ(res->expected, "ETag other than \"<redacted>\"");
  ASSERT_STREQ(res->got, "ETag: \"<redacted>\"");
  ASSERT_STREQ(x->url, "http://h/r?key=<redacted>");
  ASSERT_STREQ(x->resp_headers[0].name, "X-Echo-<redacted>");
  ASSERT_MEMEQ(x->resp_headers[0].value, x->resp_headers[0].value_len, "<redacted>", 10);
  ASSERT_MEMEQ(x->resp_body, x->resp_body_len, "a <redacted>\0b <redacted>", 25);
  ASSERT_EQ(ifm_report_redact(rep, NULL, 0), IFM_OK);          /* no secrets: nothing to do */
  ifm_report_free(rep);
}

IFM_TEST_MAIN(TEST(test_redact_strings), TEST(test_secret_fields), TEST(test_evidence),
              TEST(test_evidence_excerpt), TEST(test_evidence_unreached), TEST(test_evidence_fields_cut), TEST(test_redact_percent),
              TEST(test_redact_idempotent), TEST(test_redact_prefix), TEST(test_redact_head),
              TEST(test_secrets_forms), TEST(test_secrets_credential), TEST(test_secrets_url),
              TEST(test_report_redact))
