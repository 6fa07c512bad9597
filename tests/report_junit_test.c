/* report_junit_test.c: the JUnit XML writer (reports/ifm_junit.c): one
 * testsuite per case file in first-seen order, failure / error / skipped
 * elements per verdict, nothing a server sent breaking out of XML 1.0 (no
 * "]]>", no CDATA, no stray markup), only what junit-10.xsd allows (no
 * <properties> in a testcase, no skipped= on testsuites; the schema itself
 * is applied by tests/junit_schema_test.sh), and names that do not depend on
 * the machine: case files relative to the suite root, the report's name in
 * front of every suite name. Split from the former tests/report_test.c. */
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
  /* junit-10: no skipped= on testsuites */
  ASSERT(has_line(x, "<testsuites name=\"ifmatch\" tests=\"8\" failures=\"1\" errors=\"1\" "
                     "time=\"1.235\">"));
  basic = strstr(x, "  <testsuite name=\"cases/basic.yaml\" tests=\"2\" failures=\"0\" "
                    "errors=\"0\" skipped=\"0\" time=\"0.002\" timestamp=\"2024-05-01T12:00:00Z\" "
                    "file=\"cases/basic.yaml\">\n");
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
  /* junit-10 has no <properties> in a testcase: one per suite, and what
   * describes a case is the head of its <system-out> */
  ASSERT_EQ(count_substr(x, "<properties>"), 5);
  ASSERT(strstr(x, "        <property ") == NULL);
  ASSERT_EQ(count_substr(x, "<system-out>"), 8);
  ASSERT(strstr(x, "      <system-out>FAIL: expected status 412, got 200\n"
                   "title: A stale tag # is refused\\nwith 412\n"
                   "requirement: IM-STALE-412\n"
                   "spec: RFC 9110 13.1.1\n"
                   "level: MUST\n"
                   "file: cases/stale.yaml\n"
                   "* step 3\n") != NULL);
  ASSERT(strstr(x, "      <system-out>PASS\n"
                   "title: A matching strong tag allows the write\n"
                   "requirement: IM-BASIC\n") != NULL);
  ASSERT(has_line(x, "level: SHOULD"));
  ASSERT(has_line(x, "      <system-out>ERROR: (no message)"));
  ASSERT(has_line(x, "file: (none)"));
  /* a waived FAIL: the reason and the evidence, which <skipped> does not hold */
  ASSERT(strstr(x, "      <system-out>FAIL (waived): ") != NULL);
  ASSERT(has_line(x, "waived: known bug #42 in vendor\\x"));
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
  ASSERT(strstr(x, "file: cases/basic.yaml\nexpected: an ETag header\ngot: (none)\n</system-out>") != NULL);
  ASSERT(has_line(x, "&lt; X-Nul: a\\x00b"));
  ASSERT(has_line(x, "&lt; X-Bad: \\xff\\xfe\\xc3("));
  ASSERT(has_line(x, "&lt; X-Ctl: \\r\\n\\t\\x1b"));
  ASSERT(has_line(x, "&lt; X-Long: llll [cut: 9000 bytes in all]"));      /* evidence cut: said */
  ASSERT(has_line(x, "&lt; (7 more header fields, 700 bytes, not kept)"));
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

/* Names that do not depend on the machine: files relative to the suite
 * root, never a leading '/' or "./"; the report's name in front of every
 * suite name and as the name of the whole. */
static void test_junit_names(void) {
  ifm_report *r = ifm_report_new();
  char *x;

  ASSERT(r != NULL);
  r->name = dup_str("nginx-dav");
  r->suite_root = dup_str("/home/ci/builds/x7/ifmatch/");
  add_case(r, "IM-A", "IM-A", "a", "/home/ci/builds/x7/ifmatch/cases/core/stale-412.yaml", IFM_MUST,
           IFM_PASS, NULL);
  add_case(r, "IM-B", "IM-B", "b", "./cases/lists/first.yml", IFM_MUST, IFM_FAIL, "no");
  add_case(r, "IM-C", "IM-C", "c", "/srv/other/extra.yaml", IFM_MUST, IFM_SKIP, "cannot");
  add_case(r, "IM-D", "IM-D", "d", "/home/ci/builds/x7/ifmatch-old/cases/d.yaml", IFM_MUST,
           IFM_PASS, NULL);
  add_case(r, "IM-E", "IM-E", "e", NULL, IFM_MUST, IFM_ERROR, NULL);
  x = render(ifm_report_write_junit, r, NULL);
  ifm_report_free(r);
  ASSERT(x != NULL);
  ASSERT(strstr(x, "<testsuites name=\"nginx-dav\" tests=\"5\"") != NULL);
  ASSERT(strstr(x, "  <testsuite name=\"nginx-dav/cases/core/stale-412.yaml\" ") != NULL);
  ASSERT(strstr(x, " file=\"cases/core/stale-412.yaml\">\n") != NULL);
  ASSERT(has_line(x, "    <testcase classname=\"cases.core.stale-412\" name=\"IM-A\" time=\"0.000\">"));
  ASSERT(strstr(x, "  <testsuite name=\"nginx-dav/cases/lists/first.yml\" ") != NULL);
  ASSERT(has_line(x, "    <testcase classname=\"cases.lists.first\" name=\"IM-B\" time=\"0.000\">"));
  /* outside the suite root: the path without its leading '/' */
  ASSERT(strstr(x, "  <testsuite name=\"nginx-dav/srv/other/extra.yaml\" ") != NULL);
  ASSERT(has_line(x, "    <testcase classname=\"srv.other.extra\" name=\"IM-C\" time=\"0.000\">"));
  /* a sibling that shares the root's prefix is not below it */
  ASSERT(has_line(x, "    <testcase classname=\"home.ci.builds.x7.ifmatch-old.cases.d\" name=\"IM-D\" "
                     "time=\"0.000\">"));
  ASSERT(strstr(x, "  <testsuite name=\"nginx-dav/ifmatch\" ") != NULL);
  ASSERT(has_line(x, "    <testcase classname=\"ifmatch\" name=\"IM-E\" time=\"0.000\">"));
  ASSERT(strstr(x, "classname=\".") == NULL && strstr(x, "file=\"/") == NULL);
  ASSERT(strstr(x, "/home/ci/builds/x7/ifmatch/") == NULL);
  ASSERT_EQ(count_substr(x, "<testsuite "), 5);
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
  ASSERT(strstr(x, "skipped=\"0\" time=\"0\"") != NULL && strstr(x, "<testsuites name=\"ifmatch\" tests=\"1\" "
                                                                   "failures=\"0\" errors=\"1\">") != NULL);
  free(x);

  /* named: the name is the whole's and leads the one suite */
  r = ifm_report_new();
  ASSERT(r != NULL);
  r->name = dup_str("radicale");
  r->not_tested = dup_str("the target http://127.0.0.1:9 does not answer");
  x = render(ifm_report_write_junit, r, NULL);
  ifm_report_free(r);
  ASSERT(strstr(x, "<testsuites name=\"radicale\" tests=\"1\" failures=\"0\" errors=\"1\">") != NULL);
  ASSERT(strstr(x, "  <testsuite name=\"radicale/ifmatch\" tests=\"1\"") != NULL);
  ASSERT(has_line(x, "      <property name=\"report_name\" value=\"radicale\"/>"));
  ASSERT(strstr(x, "<error message=\"the target http://127.0.0.1:9 does not answer\" type=\"NOT TESTED\"/>")
         != NULL);
  free(x);
}

IFM_TEST_MAIN(
  TEST(test_junit_nasty),
  TEST(test_junit_names),
  TEST(test_junit_empty)
)
