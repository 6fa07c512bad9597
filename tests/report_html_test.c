/* report_html_test.c: the HTML writer (reports/ifm_html.c): one
 * self-contained page (no script, no external resource), the suite verdict
 * first, escapes made visible, polyglot markup. Split from the former
 * tests/report_test.c. */
#include "ifm_test.h"
#include "report_fixture.h"

static void test_html_nasty(void) {
  ifm_report *r = nasty_report();
  size_t len;
  char *h = render(ifm_report_write_html, r, &len);

  ifm_report_free(r);
  ASSERT(h != NULL);
  ASSERT(strncmp(h, "<!DOCTYPE html>\n", 16) == 0);
  ASSERT(has_line(h, "<p class=\"suite bad\">NOT CONFORMANT</p>"));
  ASSERT_CONTAINS(h, "<tr><td>1</td><td>2</td><td>2</td><td>1</td><td>1</td><td>1</td></tr>");
  ASSERT_CONTAINS(h, "<title>ifmatch report: http://127.0.0.1:8080/res?a=1&amp;b=&lt;2&gt; "
                     "&quot;q&quot;</title>");
  ASSERT_CONTAINS(h, "<div class=\"title\">A stale tag # is refused"
                     "<span class=\"esc\">\\n</span>with 412</div>");
  ASSERT_CONTAINS(h, "<td class=\"verdict\">FAIL (waived)</td>");
  ASSERT(has_line(h, "&lt; X-Nul: a<span class=\"esc\">\\x00</span>b"));
  ASSERT(has_line(h, "&lt; X-Long: llll [cut: 9000 bytes in all]"));       /* evidence cut: said */
  ASSERT(has_line(h, "&lt; (7 more header fields, 700 bytes, not kept)"));
  ASSERT_CONTAINS(h, "]]&gt; -- &lt;!-- &amp; &#39;q&#39; &quot;d&quot;");
  ASSERT_CONTAINS(h, "<dt>Got</dt><dd><code>200 <span class=\"esc\">\\x01</span>"
                     "<span class=\"esc\">\\x7f</span></code></dd>");
  ASSERT_EQ(count_substr(h, "<details>"), 7);
  ASSERT_EQ(count_substr(h, "</details>"), 7);
  ASSERT(strstr(h, "<script") == NULL && strstr(h, "<link") == NULL && strstr(h, " src=") == NULL);
  ASSERT(strstr(h, "]]>") == NULL);
  ASSERT(has_line(h, "</html>"));
  ASSERT_EQ(stray_markup(h, html_tags), 0);
  ASSERT_EQ(first_bad_byte(h, len, ALLOW_TAB), 0);
  free(h);
}

static void test_html_empty(void) {
  ifm_report *r = ifm_report_new();
  char *h = render(ifm_report_write_html, r, NULL);

  ifm_report_free(r);
  ASSERT(h != NULL);
  ASSERT(has_line(h, "<p class=\"suite bad\">NOT TESTED</p>"));   /* nothing judged: never green */
  ASSERT(has_line(h, "<p>No cases were run.</p>"));
  ASSERT(strstr(h, "<table class=\"cases\">") == NULL);
  free(h);
}

IFM_TEST_MAIN(
  TEST(test_html_nasty),
  TEST(test_html_empty)
)
