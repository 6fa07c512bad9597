/* json_read_test.c: the strict JSON reader behind --baseline (RFC 8259). */
#include "ifm_json_read.h"
#include "ifm_test.h"

static void test_values(void) {
  const char *doc = "{\"a\": [1, -2.5e1, true, false, null], \"s\": \"x\\u00e9\\ud83d\\ude00\\n\\\"\"}";
  ifm_jval v;
  ifm_jerr e;
  const ifm_jval *a;
  ASSERT_EQ(ifm_json_parse(doc, strlen(doc), &v, &e), 0);
  a = ifm_json_get(&v, "a");
  ASSERT(a && a->type == IFM_J_ARR && a->n == 5);
  ASSERT(a->items[1].num == -25.0);
  ASSERT(a->items[2].type == IFM_J_BOOL && a->items[2].b == 1);
  ASSERT(a->items[4].type == IFM_J_NULL);
  /* U+00E9 is C3 A9; U+1F600 (a surrogate pair) is F0 9F 98 80 */
  ASSERT_STREQ(ifm_json_get_str(&v, "s"), "x\xc3\xa9\xf0\x9f\x98\x80\n\"");
  ASSERT(ifm_json_get(&v, "missing") == NULL);
  ifm_json_clear(&v);
}

static void bad(const char *doc, int line, int col, int *ok) {
  ifm_jval v;
  ifm_jerr e;
  *ok = ifm_json_parse(doc, strlen(doc), &v, &e) == -1 && e.line == line && e.col == col && e.msg;
  if (!*ok) printf("# '%s': line %d col %d (%s)\n", doc, e.line, e.col, e.msg ? e.msg : "accepted");
}

static void test_errors(void) {
  int ok;
  bad("{\"a\": 1,}", 1, 9, &ok);            /* trailing comma: a key must follow */
  ASSERT(ok);
  bad("{\n  \"a\" 1}", 2, 7, &ok);          /* missing colon */
  ASSERT(ok);
  bad("[1, 2", 1, 6, &ok);
  ASSERT(ok);
  bad("\"tab\there\"", 1, 5, &ok);          /* raw control character in a string */
  ASSERT(ok);
  bad("{} x", 1, 4, &ok);
  ASSERT(ok);
  bad("", 1, 1, &ok);
  ASSERT(ok);
}

static void test_depth(void) {
  char deep[200];
  ifm_jval v;
  ifm_jerr e;
  memset(deep, '[', sizeof deep);
  ASSERT_EQ(ifm_json_parse(deep, sizeof deep, &v, &e), -1);   /* bounded, no stack overflow */
  ASSERT_STREQ(e.msg, "nested too deeply");
}

IFM_TEST_MAIN(TEST(test_values), TEST(test_errors), TEST(test_depth))
