/* judge_weak_test.c: what a weak entity-tag does to a verdict
 * (runner/judge/ifm_judge_weak.c). RFC 9110 13.1.1: If-Match uses the strong
 * comparison, so an If-Match list of weak tags never holds, and a server
 * that issues only weak ETags (8.8.1 allows it) rightly answers 412 to a
 * write made with its own tag. But when the list also holds the strong form
 * of that weak tag, the server issued a strong tag (the case made the weak
 * one from it with |weak), the strong member can match, and weakness does
 * not explain a 412. */
#include "ifm_judge.h"
#include "ifm_test.h"

static ifm_field fields[4];

/* An exchange whose request carries the given If-Match field lines. */
static ifm_exchange with_if_match(const char *const *lines, size_t n) {
  ifm_exchange x;
  size_t i;
  memset(&x, 0, sizeof x);
  for (i = 0; i < n; i++) {
    fields[i].name = (char *)"If-Match";
    fields[i].value = (char *)lines[i];
    fields[i].value_len = strlen(lines[i]);
  }
  x.req_headers = fields;
  x.n_req_headers = n;
  x.status = 412;
  return x;
}

static int weak_of(const char *line) {
  ifm_exchange x = with_if_match(&line, 1);
  return ifm_judge_if_match_weak(&x);
}

static void test_weak_lists(void) {
  ASSERT_EQ(weak_of("W/\"a\""), 1);                 /* the server's own weak tag */
  ASSERT_EQ(weak_of("\"x\", W/\"a\""), 1);          /* beside an unrelated strong one */
  ASSERT_EQ(weak_of("\"a\""), 0);                   /* strong: nothing to explain */
  ASSERT_EQ(weak_of("*"), 0);
  ASSERT_EQ(weak_of("W/\"a\", \"a\""), 0);          /* the strong form too: the tag was strong */
  ASSERT_EQ(weak_of("\"a\", W/\"a\", W/\"b\""), 1); /* W/"b" has no strong twin */
  ASSERT_EQ(weak_of("W/\"a\", \"ab\""), 1);         /* "ab" is not the strong form of W/"a" */
  ASSERT_EQ(weak_of("\"unterminated"), 0);          /* not a list: no claim */
}

static void test_across_field_lines(void) {
  /* the regression case IM-LIST-LINES-current-on-fourth-line: the weak form
   * on one line, the current strong tag on another */
  static const char *const lines[] = {"\"a,x,b\"", "W/\"x\"", "\"X\"", "\"x\""};
  ifm_exchange x = with_if_match(lines, 4);
  ASSERT_EQ(ifm_judge_if_match_weak(&x), 0);
  x.n_req_headers = 3;                              /* without the strong line it is weak */
  ASSERT_EQ(ifm_judge_if_match_weak(&x), 1);
}

IFM_TEST_MAIN(
  TEST(test_weak_lists),
  TEST(test_across_field_lines)
)
