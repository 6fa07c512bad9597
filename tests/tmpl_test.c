/* tmpl_test.c: the template language of case files (runner/model/ifm_tmpl.c). The
 * expected expansions follow cases/README.md; the entity-tag filters follow
 * RFC 9110 8.8.3 (W/ prefix, opaque-tag between DQUOTEs). */
#include "ifm_test.h"
#include "ifm_tmpl.h"

/* Variables for the tests: e1 = "Ab1", w = W/"x", empty = "", and js, a
 * value with every byte class JSON strings must escape. */
static int resolve(const char *name, size_t len, ifm_buf *out, void *ctx) {
  (void)ctx;
  if (len == 2 && memcmp(name, "js", 2) == 0) return ifm_buf_append(out, "a\"b\\c\n\t\r\x01\x1f/\xc3\xa9", 13);
  if (len == 2 && memcmp(name, "e1", 2) == 0) return ifm_buf_puts(out, "\"Ab1\"");
  if (len == 1 && memcmp(name, "w", 1) == 0) return ifm_buf_puts(out, "W/\"x\"");
  if (len == 5 && memcmp(name, "empty", 5) == 0) return ifm_buf_puts(out, "");
  return -1;
}

static int known(const char *name, size_t len, void *ctx) {
  ifm_buf b = IFM_BUF_INIT;
  int ok = resolve(name, len, &b, ctx) == 0;
  ifm_buf_clear(&b);
  return ok;
}

/* Expands t into a static buffer; NULL on error. */
static const char *expand(const char *t, size_t *len) {
  static ifm_buf b;
  char err[128];
  ifm_buf_clear(&b);
  if (ifm_tmpl_expand(t, resolve, NULL, &b, err, sizeof err) != 0) return NULL;
  if (len) *len = b.len;
  return ifm_buf_str(&b);
}

static void test_literals_and_vars(void) {
  ASSERT_STREQ(expand("plain text", NULL), "plain text");
  ASSERT_STREQ(expand("", NULL), "");
  ASSERT_STREQ(expand("{{e1}}", NULL), "\"Ab1\"");
  ASSERT_STREQ(expand("a {{ e1 }} b", NULL), "a \"Ab1\" b");
  ASSERT_STREQ(expand("[{{empty}}]", NULL), "[]");
  ASSERT_STREQ(expand("{{{{e1}}", NULL), "{{e1}}");   /* {{{{ is a literal {{ */
  ASSERT_STREQ(expand("x}}y", NULL), "x}}y");         /* a lone }} is text */
}

/* json: RFC 8259 7: '"' and '\\' and U+0000-U+001F must be escaped; '/'
 * and UTF-8 need not be and stay as they are. */
static void test_json_filter(void) {
  size_t len = 0;
  const char *v = expand("{{js|json}}", &len);
  ASSERT(v != NULL);
  if (v) ASSERT_MEMEQ(v, len, "a\\\"b\\\\c\\n\\t\\r\\u0001\\u001f/\xc3\xa9", 28);
  ASSERT_STREQ(expand("{{e1|json}}", NULL), "\\\"Ab1\\\"");       /* an ETag inside a JSON string */
  ASSERT_STREQ(expand("{{empty|json}}", NULL), "");
  ASSERT_STREQ(expand("{\"v\": \"{{e1|opaque|json}}\"}", NULL), "{\"v\": \"Ab1\"}");
}

static void test_filters(void) {
  /* RFC 9110 8.8.3: weak = W/ prefix; opaque-tag = the quoted part. */
  ASSERT_STREQ(expand("{{e1|weak}}", NULL), "W/\"Ab1\"");
  ASSERT_STREQ(expand("{{w|weak}}", NULL), "W/\"x\"");        /* already weak */
  ASSERT_STREQ(expand("{{w|strong}}", NULL), "\"x\"");
  ASSERT_STREQ(expand("{{e1|strong}}", NULL), "\"Ab1\"");
  ASSERT_STREQ(expand("{{e1|opaque}}", NULL), "Ab1");
  ASSERT_STREQ(expand("{{w|opaque}}", NULL), "x");
  ASSERT_STREQ(expand("{{e1|swapcase}}", NULL), "\"aB1\"");
  ASSERT_STREQ(expand("{{w|swapcase}}", NULL), "W/\"X\"");    /* W/ itself stays */
  ASSERT_STREQ(expand("{{e1|opaque|swapcase}}", NULL), "aB1");
}

static void test_generators(void) {
  size_t len = 0;
  const char *s;
  ASSERT_STREQ(expand("{{repeat:3:ab}}", NULL), "ababab");
  ASSERT_STREQ(expand("{{repeat:2:a:b}}", NULL), "a:ba:b");   /* TEXT keeps its colons */
  ASSERT_STREQ(expand("{{tags:3}}", NULL), "\"t1\", \"t2\", \"t3\"");
  ASSERT_STREQ(expand("{{tab}}|{{sp}}|", NULL), "\t| |");
  s = expand("{{hex:80ff41}}", &len);
  ASSERT(s != NULL);
  ASSERT_EQ(len, 3);
  ASSERT_EQ((unsigned char)s[0], 0x80);
  ASSERT_EQ((unsigned char)s[1], 0xff);
  ASSERT_EQ(s[2], 'A');
  s = expand("\"{{repeat:65536:a}}\"", &len);
  ASSERT(s != NULL);
  ASSERT_EQ(len, 65538);
}

static void test_expand_errors(void) {
  ASSERT(expand("{{nosuch}}", NULL) == NULL);
  ASSERT(expand("{{e1", NULL) == NULL);
}

/* ifm_tmpl_check reports the byte offset of the first problem. */
static void check_fails_at(const char *t, size_t want_off, int *ok) {
  size_t off = 9999;
  const char *msg = NULL;
  *ok = ifm_tmpl_check(t, known, NULL, &off, &msg) == -1 && off == want_off && msg != NULL;
  if (!*ok) printf("# check('%s'): off %zu, want %zu, msg %s\n", t, off, want_off, msg ? msg : "(none)");
}

static void test_check(void) {
  size_t off;
  const char *msg;
  int ok;
  ASSERT_EQ(ifm_tmpl_check("a {{e1|weak}} {{tags:5}} {{hex:41}}", known, NULL, &off, &msg), 0);
  ASSERT_EQ(ifm_tmpl_check("{{anything}}", NULL, NULL, &off, &msg), 0);   /* syntax only */
  check_fails_at("ab{{nosuch}}", 2, &ok);
  ASSERT(ok);
  check_fails_at("x {{e1", 2, &ok);
  ASSERT(ok);
  check_fails_at("{{}}", 0, &ok);
  ASSERT(ok);
  check_fails_at("{{e1|loud}}", 0, &ok);
  ASSERT(ok);
  check_fails_at("{{hex:0}}", 0, &ok);
  ASSERT(ok);
  check_fails_at("{{hex:00}}", 0, &ok);      /* NUL cannot go into a header */
  ASSERT(ok);
  check_fails_at("{{hex:zz}}", 0, &ok);
  ASSERT(ok);
  check_fails_at("{{tags:0}}", 0, &ok);
  ASSERT(ok);
  check_fails_at("{{repeat:99999999:a}}", 0, &ok);   /* over 16 MiB */
  ASSERT(ok);
  check_fails_at("{{repeat:3}}", 0, &ok);
  ASSERT(ok);
  check_fails_at("{{a b}}", 0, &ok);
  ASSERT(ok);
}

static void count_var(const char *name, size_t len, void *ctx) {
  (void)name;
  (void)len;
  ++*(int *)ctx;
}

static void test_each_var(void) {
  int n = 0;
  ifm_tmpl_each_var("{{a}} {{b|weak}} {{tags:3}} {{hex:41}} {{{{c}}", count_var, &n);
  ASSERT_EQ(n, 2);
}

IFM_TEST_MAIN(TEST(test_json_filter), TEST(test_literals_and_vars), TEST(test_filters), TEST(test_generators),
              TEST(test_expand_errors), TEST(test_check), TEST(test_each_var))
