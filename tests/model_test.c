/* model_test.c: the shared nouns of runner/model/ other than redaction
 * (model_redact_test.c) and templates (tmpl_test.c): status sets
 * (ifm_status.h), diagnostics (ifm_diag.h), exchange fields
 * (ifm_exchange.h), the results model's counts and suite verdict
 * (ifm_result.h), the table of built-in template variables (ifm_tmpl.h,
 * documented in cases/README.md and targets/README.md), the error names
 * (ifm_err.h) and the byte buffer (ifm_buf.h).
 *
 * Expected values come from those headers and documents; the FNV-1a vectors
 * are the published ones (offset basis 0xcbf29ce484222325). */
#include "ifm_buf.h"
#include "ifm_diag.h"
#include "ifm_err.h"
#include "ifm_exchange.h"
#include "ifm_result.h"
#include "ifm_status.h"
#include "ifm_tmpl.h"
#include "ifm_test.h"

/* ---- status sets ------------------------------------------------------- */

/* Parses text, or fails the calling test. */
#define PARSE(text, spec) ASSERT_EQ(ifm_status_spec_parse_text((text), (spec)), 0)

static void test_status_parse_forms(void) {
  ifm_status_spec s;
  PARSE("412", &s);
  ASSERT_EQ(s.n_codes, 1);
  ASSERT_EQ(s.codes[0], 412);
  ASSERT_EQ(s.classes, 0);
  ASSERT(s.profile_key == NULL);
  ASSERT_STREQ(s.text, "412");
  ifm_status_spec_clear(&s);
  PARSE("2xx", &s);
  ASSERT_EQ(s.n_codes, 0);
  ASSERT_EQ(s.classes, 1u << 2);             /* bit k: any kxx */
  ASSERT_STREQ(s.text, "2xx");
  ifm_status_spec_clear(&s);
  PARSE("[412, 409]", &s);
  ASSERT_EQ(s.n_codes, 2);
  ASSERT_STREQ(s.text, "[412, 409]");
  ifm_status_spec_clear(&s);
  PARSE("[2xx, 412]", &s);                   /* classes and codes together */
  ASSERT_EQ(s.classes, 1u << 2);
  ASSERT_EQ(s.n_codes, 1);
  ifm_status_spec_clear(&s);
  PARSE("  404  ", &s);                      /* blanks around are not part of it */
  ASSERT_EQ(s.codes[0], 404);
  ASSERT_STREQ(s.text, "404");
  ifm_status_spec_clear(&s);
  PARSE("[100, 599, 5xx, 1xx]", &s);         /* the whole range 100-599, classes 1xx-5xx */
  ASSERT_EQ(s.n_codes, 2);
  ASSERT_EQ(s.classes, (1u << 1) | (1u << 5));
  ifm_status_spec_clear(&s);
  PARSE("[200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305]", &s);
  ASSERT_EQ(s.n_codes, 16);                  /* room for sixteen codes */
  ASSERT(s.text != NULL);
  ifm_status_spec_clear(&s);
  ASSERT(s.text == NULL && s.n_codes == 0);  /* clear zeroes */
  ifm_status_spec_clear(NULL);
}

static void test_status_parse_refusals(void) {
  static const char *const bad[] = {
    "", "   ", "[]", "abc", "41a", "4 12", "0xx", "6xx", "xx", "2x", "2xxx", "99", "600", "4120",
    "-412", "[412,]", "412,,409", ",412", "[412", "{412}",
    "[200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 306]",
  };
  size_t i;
  ifm_status_spec s;
  char why[128];
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    memset(&s, 0x5a, sizeof s);
    if (ifm_status_spec_parse_text(bad[i], &s) != -1)
      IFM_TEST_FAIL_("'%s' was accepted", bad[i]);
    if (s.text || s.n_codes || s.classes || s.profile_key)      /* out zeroed */
      IFM_TEST_FAIL_("'%s': out not zeroed", bad[i]);
  }
  ASSERT_EQ(ifm_status_spec_parse_text(NULL, &s), -1);
  why[0] = '\0';
  ASSERT_EQ(ifm_status_spec_parse_why("6xx", &s, why, sizeof why), -1);
  ASSERT_CONTAINS(why, "6xx");
  why[0] = '\0';
  ASSERT_EQ(ifm_status_spec_parse_why("600", &s, why, sizeof why), -1);
  ASSERT_CONTAINS(why, "600");
  why[0] = '\0';
  ASSERT_EQ(ifm_status_spec_parse_why("[412, ]", &s, why, sizeof why), -1);
  ASSERT(why[0] != '\0');                    /* every refusal says why */
}

static void test_status_accepts(void) {
  ifm_status_spec s;
  PARSE("2xx", &s);
  ASSERT_EQ(ifm_status_spec_accepts(&s, 200), 1);
  ASSERT_EQ(ifm_status_spec_accepts(&s, 204), 1);
  ASSERT_EQ(ifm_status_spec_accepts(&s, 299), 1);
  ASSERT_EQ(ifm_status_spec_accepts(&s, 199), 0);
  ASSERT_EQ(ifm_status_spec_accepts(&s, 300), 0);
  ASSERT_EQ(ifm_status_spec_accepts(&s, 0), 0);       /* no response is no status */
  ifm_status_spec_clear(&s);
  PARSE("[412, 4xx]", &s);
  ASSERT_EQ(ifm_status_spec_accepts(&s, 412), 1);
  ASSERT_EQ(ifm_status_spec_accepts(&s, 400), 1);
  ASSERT_EQ(ifm_status_spec_accepts(&s, 500), 0);
  ifm_status_spec_clear(&s);
  PARSE("412", &s);
  ASSERT_EQ(ifm_status_spec_accepts(&s, 412), 1);
  ASSERT_EQ(ifm_status_spec_accepts(&s, 409), 0);
  ASSERT_EQ(ifm_status_spec_accepts(&s, 4120), 0);
  ASSERT_EQ(ifm_status_spec_accepts(&s, -412), 0);
  s.profile_key = strdup("mismatch");          /* a profile key accepts nothing by itself */
  ASSERT_EQ(ifm_status_spec_accepts(&s, 412), 0);
  ifm_status_spec_clear(&s);
  ASSERT_EQ(ifm_status_spec_accepts(NULL, 200), 0);
}

static int equal_text(const char *a, const char *b) {
  ifm_status_spec x, y;
  int eq;
  if (ifm_status_spec_parse_text(a, &x) != 0) return -1;
  if (ifm_status_spec_parse_text(b, &y) != 0) return ifm_status_spec_clear(&x), -1;
  eq = ifm_status_spec_equal(&x, &y);
  if (eq != ifm_status_spec_equal(&y, &x)) eq = -2;   /* symmetric */
  ifm_status_spec_clear(&x);
  ifm_status_spec_clear(&y);
  return eq;
}

static void test_status_equal(void) {
  ifm_status_spec a, b;
  ASSERT_EQ(equal_text("[412, 409, 428]", "[428, 412, 409]"), 1);   /* any order */
  ASSERT_EQ(equal_text("[2xx, 412]", "[412, 2xx]"), 1);
  ASSERT_EQ(equal_text("2xx", "[2xx]"), 1);                       /* brackets or not */
  ASSERT_EQ(equal_text("412, 409", "[409, 412]"), 1);
  ASSERT_EQ(equal_text("2xx", "200"), 0);                         /* a class is not a code */
  ASSERT_EQ(equal_text("4xx", "412"), 0);
  ASSERT_EQ(equal_text("2xx", "4xx"), 0);
  ASSERT_EQ(equal_text("[412, 409]", "412"), 0);
  ASSERT_EQ(equal_text("[412, 409]", "[412, 410]"), 0);
  PARSE("412", &a);
  PARSE("412", &b);
  a.profile_key = strdup("mismatch");
  ASSERT_EQ(ifm_status_spec_equal(&a, &b), 0);                    /* a key is not a set */
  b.profile_key = strdup("mismatch");
  ASSERT_EQ(ifm_status_spec_equal(&a, &b), 1);
  free(b.profile_key);
  b.profile_key = strdup("missing_if_match");
  ASSERT_EQ(ifm_status_spec_equal(&a, &b), 0);
  ifm_status_spec_clear(&a);
  ifm_status_spec_clear(&b);
}

/* ---- diagnostics ------------------------------------------------------- */

static void test_errors_format(void) {
  ifm_errors e = {0};
  ifm_pos p = {"cases/a.yaml", 3, 17}, nofile = {NULL, 1, 2};
  char *out = NULL;
  size_t size = 0;
  FILE *f;
  ifm_errors_add(&e, &p, "unknown key '%s'", "sttaus");
  ifm_errors_add(&e, NULL, "no position: %d", 7);
  ifm_errors_add(&e, &nofile, "where?");
  ASSERT_EQ(e.n, 3);
  ASSERT_STREQ(e.msgs[0], "cases/a.yaml:3:17: unknown key 'sttaus'");
  ASSERT_STREQ(e.msgs[1], "no position: 7");
  ASSERT_CONTAINS(e.msgs[2], ":1:2: where?");
  f = open_memstream(&out, &size);
  ASSERT(f != NULL);
  ifm_errors_print(&e, f);
  fclose(f);
  ASSERT(strncmp(out, "cases/a.yaml:3:17: unknown key 'sttaus'\nno position: 7\n", 55) == 0);
  ASSERT_EQ(size, strlen(e.msgs[0]) + strlen(e.msgs[1]) + strlen(e.msgs[2]) + 3);
  free(out);
  ifm_errors_clear(&e);
  ASSERT(e.n == 0 && e.msgs == NULL);
  ifm_errors_add(NULL, &p, "ignored");          /* no list: nothing happens */
  ifm_errors_clear(NULL);
}

/* Past IFM_ERRORS_MAX one last message says so, at the position of the
 * error that did not fit; nothing after it is kept. */
static void test_errors_cap(void) {
  ifm_errors e = {0};
  ifm_pos p = {"big.yaml", 0, 1};
  char want[64];
  int i;
  for (i = 1; i <= IFM_ERRORS_MAX + 50; i++) {
    p.line = i;
    ifm_errors_add(&e, &p, "error %d", i);
  }
  ASSERT_EQ(e.n, IFM_ERRORS_MAX + 1);
  snprintf(want, sizeof want, "big.yaml:%d:1: error %d", IFM_ERRORS_MAX, IFM_ERRORS_MAX);
  ASSERT_STREQ(e.msgs[IFM_ERRORS_MAX - 1], want);
  snprintf(want, sizeof want, "big.yaml:%d:1: ", IFM_ERRORS_MAX + 1);
  ASSERT(strncmp(e.msgs[IFM_ERRORS_MAX], want, strlen(want)) == 0);
  ASSERT_CONTAINS(e.msgs[IFM_ERRORS_MAX], "too many errors");
  ifm_errors_clear(&e);
}

/* ---- exchange fields ---------------------------------------------------- */

static void test_field_append(void) {
  ifm_field *f = NULL;
  size_t n = 0;
  ASSERT_EQ(ifm_field_append(&f, &n, "X-Nul", "a\0b\0", 4), 0);
  ASSERT_EQ(ifm_field_append(&f, &n, "X-Empty", "", 0), 0);
  ASSERT_EQ(ifm_field_append(&f, &n, "X-Null", NULL, 9), 0);   /* no value: empty */
  ASSERT_EQ(n, 3);
  ASSERT_STREQ(f[0].name, "X-Nul");
  ASSERT_EQ(f[0].value_len, 4);
  ASSERT_MEMEQ(f[0].value, 5, "a\0b\0\0", 5);                  /* every byte, then a NUL */
  ASSERT_EQ(f[1].value_len, 0);
  ASSERT_STREQ(f[1].value, "");
  ASSERT_EQ(f[2].value_len, 0);
  ASSERT_STREQ(f[2].value, "");
  ASSERT_EQ(ifm_field_append(NULL, &n, "A", "b", 1), -1);
  ASSERT_EQ(ifm_field_append(&f, NULL, "A", "b", 1), -1);
  {
    ifm_exchange x;
    memset(&x, 0, sizeof x);
    x.resp_headers = f;                          /* the exchange owns them now */
    x.n_resp_headers = n;
    x.method = strdup("PUT");
    ifm_exchange_clear(&x);
    ASSERT(x.resp_headers == NULL && x.n_resp_headers == 0 && x.method == NULL);
    ifm_exchange_clear(NULL);
  }
}

static void test_field_find(void) {
  ifm_exchange x;
  const ifm_field *hit;
  int count = -1;
  memset(&x, 0, sizeof x);
  ASSERT_EQ(ifm_field_append(&x.resp_headers, &x.n_resp_headers, "ETag", "\"a\"", 3), 0);
  ASSERT_EQ(ifm_field_append(&x.resp_headers, &x.n_resp_headers, "If-Match", "\"1\"", 3), 0);
  ASSERT_EQ(ifm_field_append(&x.resp_headers, &x.n_resp_headers, "if-match", "\"2\"", 3), 0);
  ASSERT_EQ(ifm_field_append(&x.resp_headers, &x.n_resp_headers, "IF-MATCH", "\"3\"", 3), 0);
  ASSERT_EQ(ifm_field_append(&x.resp_headers, &x.n_resp_headers, "If-Matches", "\"4\"", 3), 0);
  /* RFC 9110 5.1: field names are case-insensitive */
  hit = ifm_field_find(x.resp_headers, x.n_resp_headers, "iF-mAtCh", &count);
  ASSERT(hit == &x.resp_headers[1]);            /* the first of them */
  ASSERT_EQ(count, 3);                          /* not If-Matches */
  hit = ifm_field_find(x.resp_headers, x.n_resp_headers, "etag", NULL);
  ASSERT(hit == &x.resp_headers[0]);
  count = -1;
  ASSERT(ifm_field_find(x.resp_headers, x.n_resp_headers, "Location", &count) == NULL);
  ASSERT_EQ(count, 0);
  count = -1;
  ASSERT(ifm_field_find(NULL, 0, "ETag", &count) == NULL);
  ASSERT_EQ(count, 0);
  ASSERT(ifm_exchange_resp_header(&x, "ETAG") == &x.resp_headers[0]);
  ASSERT(ifm_exchange_resp_header(&x, "If-Match") == &x.resp_headers[1]);
  ifm_exchange_clear(&x);
}

/* ---- the results model ---------------------------------------------------- */

static void test_result_counts(void) {
  ifm_report *r = ifm_report_new();
  size_t c[IFM_VERDICT_COUNT], i, sum = 0;
  static const ifm_verdict vs[] = {IFM_PASS, IFM_PASS, IFM_SKIP, IFM_INFO, IFM_WARN};
  ifm_exchange *x;
  ASSERT(r != NULL);
  for (i = 0; i < sizeof vs / sizeof vs[0]; i++) ifm_report_add(r)->verdict = vs[i];
  ifm_report_count(r, c);
  ASSERT_EQ(c[IFM_PASS], 2);
  ASSERT_EQ(c[IFM_SKIP], 1);
  ASSERT_EQ(c[IFM_INFO], 1);
  ASSERT_EQ(c[IFM_WARN], 1);
  ASSERT_EQ(c[IFM_FAIL] + c[IFM_ERROR], 0);
  ASSERT_EQ(ifm_report_conformant(r), 1);       /* only MUST failures and errors break it */
  ifm_report_add(r)->verdict = (ifm_verdict)-1; /* out of range: counted as ERROR */
  ifm_report_count(r, c);
  for (i = 0; i < IFM_VERDICT_COUNT; i++) sum += c[i];
  ASSERT_EQ(sum, r->n_results);
  ASSERT_EQ(c[IFM_ERROR], 1);
  ASSERT_EQ(ifm_report_conformant(r), 0);
  r->results[r->n_results - 1].verdict = IFM_FAIL;
  ASSERT_EQ(ifm_report_conformant(r), 0);
  r->results[r->n_results - 1].waived = 1;
  ASSERT_EQ(ifm_report_conformant(r), 1);
  x = ifm_result_add_exchange(&r->results[0]);
  ASSERT(x != NULL);
  ASSERT_EQ(x->client, -1);                     /* a sequential exchange until told */
  ASSERT_EQ(x->status, 0);
  ASSERT_EQ(r->results[0].n_exchanges, 1);
  ifm_report_free(r);
  memset(c, 0xff, sizeof c);
  ifm_report_count(NULL, c);
  ASSERT_EQ(c[IFM_PASS] + c[IFM_ERROR], 0);
  ASSERT(ifm_report_add(NULL) == NULL);
  ASSERT(ifm_result_add_exchange(NULL) == NULL);
}

/* ---- built-in template variables ------------------------------------------ */

static int builtin(const char *name, unsigned where) {
  return ifm_tmpl_builtin(name, strlen(name), where);
}

static void test_tmpl_builtins(void) {
  /* cases/README.md, "Templates": what a case may use */
  static const char *const in_case[] = {"path", "fresh", "collection", "uniq", "case", "client"};
  /* targets/README.md: the resource template uses {{run}} and {{n}}, a body wrapper {{body}} */
  static const char *const target_only[] = {"run", "n", "body"};
  size_t i, k;
  for (i = 0; i < sizeof in_case / sizeof in_case[0]; i++) {
    ASSERT_EQ(builtin(in_case[i], IFM_TMPL_IN_CASE), 1);
    ASSERT_EQ(builtin(in_case[i], IFM_TMPL_IN_TARGET), 1);
  }
  for (i = 0; i < sizeof target_only / sizeof target_only[0]; i++) {
    ASSERT_EQ(builtin(target_only[i], IFM_TMPL_IN_TARGET), 1);
    ASSERT_EQ(builtin(target_only[i], IFM_TMPL_IN_CASE), 0);
    ASSERT_EQ(builtin(target_only[i], IFM_TMPL_IN_CASE | IFM_TMPL_IN_TARGET), 1);
  }
  ASSERT_EQ(builtin("path", 0), 0);               /* usable nowhere asked */
  ASSERT_EQ(builtin("e1", IFM_TMPL_IN_CASE | IFM_TMPL_IN_TARGET), 0);
  ASSERT_EQ(builtin("Path", IFM_TMPL_IN_CASE), 0);   /* names are case-sensitive */
  ASSERT_EQ(builtin("pat", IFM_TMPL_IN_CASE), 0);
  ASSERT_EQ(builtin("paths", IFM_TMPL_IN_CASE), 0);
  ASSERT_EQ(ifm_tmpl_builtin("pathx", 4, IFM_TMPL_IN_CASE), 1);   /* name[0..len) only */
  ASSERT_EQ(ifm_tmpl_n_builtins, 9);
  for (i = 0; i < ifm_tmpl_n_builtins; i++) {
    ASSERT(ifm_tmpl_builtins[i].meaning && *ifm_tmpl_builtins[i].meaning);   /* documented */
    ASSERT(ifm_tmpl_builtins[i].where != 0);
    for (k = 0; k < i; k++) ASSERT(strcmp(ifm_tmpl_builtins[i].name, ifm_tmpl_builtins[k].name) != 0);
  }
}

/* ---- error names ---------------------------------------------------------- */

static void test_err_names(void) {
  static const ifm_err all[] = {IFM_OK, IFM_ERR_FAILED, IFM_ERR_NOMEM, IFM_ERR_INPUT, IFM_ERR_IO,
                                IFM_ERR_TRANSPORT, IFM_ERR_TIMEOUT, IFM_ERR_STOPPED, IFM_ERR_UNDECIDED};
  size_t i, k;
  const char *unknown = ifm_err_name((ifm_err)-99);
  /* the values are stable (append only) */
  ASSERT_EQ(IFM_OK, 0);
  ASSERT_EQ(IFM_ERR_FAILED, -1);
  ASSERT_EQ(IFM_ERR_UNDECIDED, -8);
  ASSERT_STREQ(ifm_err_name(IFM_ERR_NOMEM), "out of memory");   /* the header's examples */
  ASSERT_STREQ(ifm_err_name(IFM_ERR_TIMEOUT), "timed out");
  ASSERT(unknown != NULL && *unknown);
  ASSERT(ifm_err_name((ifm_err)1) != NULL);
  for (i = 0; i < sizeof all / sizeof all[0]; i++) {
    const char *n = ifm_err_name(all[i]), *p;
    ASSERT(n != NULL && *n);
    for (p = n; *p; p++)                          /* a short lower-case phrase */
      if (*p >= 'A' && *p <= 'Z') IFM_TEST_FAIL_("'%s' is not lower case", n);
    ASSERT(strlen(n) < 32);
    ASSERT(strcmp(n, unknown) != 0);              /* every code has its own name */
    for (k = 0; k < i; k++) ASSERT(strcmp(n, ifm_err_name(all[k])) != 0);
  }
}

/* ---- the byte buffer ------------------------------------------------------ */

static void test_buf(void) {
  ifm_buf b = IFM_BUF_INIT;
  char *s;
  size_t cap = 0;
  int i;
  ASSERT_STREQ(ifm_buf_str(&b), "");
  ASSERT_EQ(ifm_buf_append(&b, "a\0b", 3), 0);
  ASSERT_EQ(b.len, 3);
  ASSERT_EQ(b.p[3], '\0');                        /* NUL-terminated after len */
  for (i = 0; i < 1000; i++) ASSERT_EQ(ifm_buf_printf(&b, "%03d", i), 0);
  ASSERT_EQ(b.len, 3 + 3000);
  ASSERT(memcmp(b.p + b.len - 6, "998999", 6) == 0);
  ifm_buf_reset(&b);
  ASSERT_EQ(b.len, 0);
  ASSERT_STREQ(ifm_buf_str(&b), "");
  ASSERT_EQ(ifm_buf_puts(&b, "xy"), 0);
  ASSERT_EQ(ifm_buf_putc(&b, 'z'), 0);
  s = ifm_buf_detach(&b);
  ASSERT_STREQ(s, "xyz");
  ASSERT(b.p == NULL && b.len == 0);
  free(s);
  s = ifm_buf_detach(&b);                         /* "" if empty, never NULL */
  ASSERT_STREQ(s, "");
  free(s);
  ifm_buf_clear(&b);
  s = ifm_strndup("abcdef", 3);
  ASSERT_STREQ(s, "abc");
  free(s);
  ASSERT(ifm_strdup(NULL) == NULL);
  /* FNV-1a 64, the published test vectors */
  ASSERT(ifm_hash64("", 0) == 0xcbf29ce484222325ULL);
  ASSERT(ifm_hash64("a", 1) == 0xaf63dc4c8601ec8cULL);
  ASSERT(ifm_hash64("foobar", 6) == 0x85944171f73967e8ULL);
  ASSERT(ifm_xrealloc_array(NULL, &cap, (size_t)-1 / 2, 16) == NULL);   /* overflow */
}

IFM_TEST_MAIN(TEST(test_status_parse_forms), TEST(test_status_parse_refusals), TEST(test_status_accepts),
              TEST(test_status_equal), TEST(test_errors_format), TEST(test_errors_cap),
              TEST(test_field_append), TEST(test_field_find), TEST(test_result_counts),
              TEST(test_tmpl_builtins), TEST(test_err_names), TEST(test_buf))
