/* report_junit_test.c: the JUnit XML writer (reports/ifm_junit.c): one
 * testsuite per case file in first-seen order, failure / error / skipped
 * elements per verdict, and nothing a server sent breaking out of XML 1.0
 * (no "]]>", no CDATA, no stray markup). Split from the former
 * tests/report_test.c. */
#include "ifm_test.h"
#include "report_fixture.h"

static void test_junit_nasty(void) {
  ifm_report *r = nasty_report();
  size_t len;
  char *x = render(ifm_report_write_junit, r, &len);
  const char *basic, *stale, *list, *none, *bytes;

  ifm_report_free(r);
  ASSERT(x != NULL);
  ASSERT(strncmp(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 39) == 0);
  ASSERT(has_line(x, "<testsuites name=\"ifmatch\" tests=\"8\" failures=\"1\" errors=\"1\" "
                     "skipped=\"2\" time=\"1.235\">"));
  basic = strstr(x, "  <testsuite name=\"cases/basic.yaml\" tests=\"2\" failures=\"0\" "
                    "errors=\"0\" skipped=\"0\" time=\"0.002\" timestamp=\"2024-05-01T12:00:00Z\">\n");
  stale = strstr(x, "  <testsuite name=\"cases/stale.yaml\" tests=\"2\" failures=\"1\" "
                    "errors=\"0\" skipped=\"1\" time=\"0.012\"");
  list = strstr(x, "  <testsuite name=\"cases/list.yaml\" tests=\"2\" failures=\"0\" "
                   "errors=\"0\" skipped=\"1\" time=\"0.000\"");
  none = strstr(x, "  <testsuite name=\"ifmatch\" tests=\"1\" failures=\"0\" errors=\"1\" "
                   "skipped=\"0\"");
  bytes = strstr(x, "  <testsuite name=\"cases/bytes.yaml\" tests=\"1\"");
  ASSERT(basic && stale && list && none && bytes);
  ASSERT(basic < stale && stale < list && list < none && none < bytes);   /* first seen */
  ASSERT_EQ(count_substr(x, "<testsuite "), 5);
  ASSERT_EQ(count_substr(x, "<testcase "), 8);
  ASSERT(has_line(x, "    <testcase classname=\"cases.stale\" name=\"IM-STALE-412-put\" "
                     "time=\"0.012\">"));
  ASSERT(has_line(x, "    <testcase classname=\"ifmatch\" name=\"IM-DOWN\" time=\"0.000\">"));
  ASSERT(has_line(x, "        <property name=\"title\" value=\"A stale tag # is refused\\nwith 412\"/>"));
  ASSERT(has_line(x, "        <property name=\"verdict\" value=\"WARN\"/>"));
  ASSERT(has_line(x, "        <property name=\"level\" value=\"SHOULD\"/>"));
  ASSERT(has_line(x, "      <property name=\"target\" "
                     "value=\"http://127.0.0.1:8080/res?a=1&amp;b=&lt;2&gt; &quot;q&quot;\"/>"));
  ASSERT(has_line(x, "      <failure message=\"expected status 412, got 200\" type=\"MUST\">"
                     "expected: 412"));
  ASSERT(has_line(x, "got: 200 \\x01\\x7f"));
  ASSERT(has_line(x, "      <skipped message=\"target cannot PATCH\"/>"));
  ASSERT(has_line(x, "      <skipped type=\"waived\" message=\"waived: known bug #42 in vendor\\x\"/>"));
  ASSERT(has_line(x, "      <error message=\"ERROR\" type=\"ERROR\">expected: (none)"));
  ASSERT_EQ(count_substr(x, "<failure "), 1);
  ASSERT_EQ(count_substr(x, "<error "), 1);
  ASSERT_EQ(count_substr(x, "<skipped "), 2);
  ASSERT(has_line(x, "      <system-out>WARN: no ETag on 201"));
  ASSERT(has_line(x, "&lt; X-Nul: a\\x00b"));
  ASSERT(has_line(x, "&lt; X-Bad: \\xff\\xfe\\xc3("));
  ASSERT(has_line(x, "&lt; X-Ctl: \\r\\n\\t\\x1b"));
  ASSERT(has_line(x, "&gt; If-Match: &quot;v1&quot;"));
  ASSERT(has_line(x, "]]&gt; -- &lt;!-- &amp; &apos;q&apos; &quot;d&quot; \xc3\xa9 \xe2\x88\x91 "
                     "\\u2028 \\u0085 \\uffff\\r"));
  ASSERT(has_line(x, "! connection reset by peer"));
  ASSERT(strstr(x, "]]>") == NULL);
  ASSERT(strstr(x, "<![CDATA[") == NULL && strstr(x, "<!--") == NULL);
  ASSERT(has_line(x, "</testsuites>"));
  ASSERT_EQ(stray_markup(x, junit_tags), 0);
  ASSERT_EQ(first_bad_byte(x, len, ALLOW_TAB), 0);
  free(x);
}

static void test_junit_empty(void) {
  ifm_report *r = ifm_report_new();
  char *x = render(ifm_report_write_junit, r, NULL);

  ifm_report_free(r);
  /* a run that judged nothing is one testcase in error, never an empty
   * (green) suite */
  ASSERT(strstr(x, "<testsuites name=\"ifmatch\" tests=\"1\" failures=\"0\" errors=\"1\">") != NULL);
  ASSERT(strstr(x, "<testcase classname=\"ifmatch\" name=\"run\" time=\"0\">\n"
                   "      <error message=\"no case was run\" type=\"NOT TESTED\"/>") != NULL);
  free(x);
}

IFM_TEST_MAIN(
  TEST(test_junit_nasty),
  TEST(test_junit_empty)
)
