/* report_html_test.c: the HTML writer (reports/ifm_html*.c): one
 * self-contained page in the order a vendor needs it (verdict, failures by
 * requirement with the rule and the fix, warnings, skips by reason, the full
 * table), filters that need the script and hide nothing without it, race
 * timelines with one lane per client and the winners outlined, escapes made
 * visible, polyglot markup. */
#include "ifm_test.h"
#include "report_fixture.h"

/* Where needle first is in h, or a huge offset when it is not. */
static size_t at(const char *h, const char *needle) {
  const char *p = strstr(h, needle);
  return p ? (size_t)(p - h) : (size_t)-1;
}

/* The text between the first from and the next to after it (malloc'd). */
static char *between(const char *h, const char *from, const char *to) {
  const char *a = strstr(h, from), *b;
  char *s;
  if (!a) return NULL;
  a += strlen(from);
  if (!(b = strstr(a, to))) return NULL;
  s = dup_mem(a, (size_t)(b - a));
  return s;
}

static void test_html_nasty(void) {
  ifm_report *r = nasty_report();
  size_t len;
  char *h = render(ifm_report_write_html, r, &len), *script;

  ifm_report_free(r);
  ASSERT(h != NULL);
  ASSERT(strncmp(h, "<!DOCTYPE html>\n", 16) == 0);
  ASSERT(has_line(h, "<p id=\"suite-verdict\" class=\"suite bad\">NOT CONFORMANT</p>"));
  /* the counts link down to the sections that hold them */
  ASSERT_CONTAINS(h, "<tr><td>1</td><td><a href=\"#failures\">2</a></td><td><a href=\"#warnings\">2</a></td>"
                     "<td><a href=\"#warnings\">1</a></td><td><a href=\"#skips\">1</a></td>"
                     "<td><a href=\"#failures\">1</a></td></tr>");
  ASSERT_CONTAINS(h, "<title>ifmatch report: http://127.0.0.1:8080/res?a=1&amp;b=&lt;2&gt; "
                     "&quot;q&quot;</title>");
  /* the order: verdict, failures, warnings, skips, the full table */
  ASSERT(at(h, "id=\"suite-verdict\"") < at(h, "<section id=\"failures\">"));
  ASSERT(at(h, "<section id=\"failures\">") < at(h, "<section id=\"warnings\">"));
  ASSERT(at(h, "<section id=\"warnings\">") < at(h, "<section id=\"skips\">"));
  ASSERT(at(h, "<section id=\"skips\">") < at(h, "<section id=\"all\">"));
  ASSERT(has_line(h, "<h2>Failures (2)</h2>"));            /* the FAIL not waived, and the ERROR */
  ASSERT(has_line(h, "<h2>Warnings and notes (4)</h2>"));  /* 2 WARN, 1 INFO, the waived FAIL */
  /* a failure: its requirement's group, then its article, before the table */
  ASSERT(at(h, "<section class=\"req-group\" id=\"fail-IM-STALE-412\"") < at(h, "id=\"f-IM-STALE-412-put\""));
  ASSERT(at(h, "id=\"f-IM-STALE-412-put\"") < at(h, "<section id=\"warnings\">"));
  ASSERT(at(h, "id=\"f-IM-LIST-412\"") > at(h, "<section id=\"warnings\">"));   /* waived: a warning */
  ASSERT(at(h, "id=\"f-IM-DOWN\"") < at(h, "<section id=\"warnings\">"));      /* ERROR: a failure */
  /* IM-STALE-412 is in the catalogue: the RFC sentence and the fix are shown */
  ASSERT(at(h, "<blockquote class=\"rule\">RFC 9110") < at(h, "id=\"f-IM-STALE-412-put\""));
  ASSERT(at(h, "<p class=\"fix\"><strong>What to fix:</strong>") < at(h, "id=\"f-IM-STALE-412-put\""));
  ASSERT_CONTAINS(h, "<section class=\"skip-group\">\n<h3>target cannot PATCH (1 case)</h3>");
  ASSERT_CONTAINS(h, "<a href=\"#case-IM-PATCH-412\">");
  ASSERT_CONTAINS(h, "<tr class=\"case v-FAIL\" id=\"case-IM-STALE-412-put\" data-verdict=\"FAIL\" "
                     "data-level=\"MUST\" data-req=\"IM-STALE-412\"><td>2</td><td><a href=\"#f-IM-STALE-412-put\">");
  ASSERT_CONTAINS(h, "<div class=\"title\">A stale tag # is refused"
                     "<span class=\"esc\">\\n</span>with 412</div>");
  ASSERT_CONTAINS(h, "<td class=\"verdict\">FAIL (waived)</td>");
  ASSERT(has_line(h, "&lt; X-Nul: a<span class=\"esc\">\\x00</span>b"));
  ASSERT(has_line(h, "&lt; X-Long: llll [cut: 9000 bytes in all]"));       /* evidence cut: said */
  ASSERT(has_line(h, "&lt; (7 more header fields, 700 bytes, not kept)"));
  ASSERT_CONTAINS(h, "]]&gt; -- &lt;!-- &amp; &#39;q&#39; &quot;d&quot;");
  ASSERT_CONTAINS(h, "<dt>Got</dt><dd><code>200 <span class=\"esc\">\\x01</span>"
                     "<span class=\"esc\">\\x7f</span></code></dd>");
  /* filters: present, hidden until the script shows them */
  ASSERT_CONTAINS(h, "<form id=\"filters\" hidden=\"hidden\"");
  ASSERT_EQ(count_substr(h, "name=\"verdict\" value="), 6);
  ASSERT_EQ(count_substr(h, "name=\"level\" value="), 3);
  ASSERT_CONTAINS(h, "<option value=\"IM-STALE-412\">IM-STALE-412</option>");
  ASSERT_EQ(count_substr(h, "<option value=\"IM-BYTES\">"), 1);
  /* the one script is inline, and has neither '<' nor '&' (polyglot) */
  ASSERT_EQ(count_substr(h, "<script"), 1);
  script = between(h, "<script>", "</script>");
  ASSERT(script != NULL);
  ASSERT(strchr(script, '<') == NULL && strchr(script, '&') == NULL);
  free(script);
  /* the PATCH of client 3 in round 1 of the failing case is drawn */
  ASSERT_CONTAINS(h, "<figure class=\"race\" data-case=\"IM-STALE-412-put\" data-round=\"1\" data-kind=\"unjudged\">");
  ASSERT_CONTAINS(h, "<g class=\"lane\" data-client=\"3\">");
  ASSERT_CONTAINS(h, "<rect class=\"bar o-none\"");
  ASSERT(strstr(h, "<link") == NULL && strstr(h, " src=") == NULL && strstr(h, "href=\"http") == NULL);
  ASSERT(strstr(h, "]]>") == NULL);
  ASSERT(has_line(h, "</html>"));
  ASSERT_EQ(stray_markup(h, html_tags), 0);
  ASSERT_EQ(first_bad_byte(h, len, ALLOW_TAB), 0);
  free(h);
}

static ifm_exchange *race_x(ifm_result *res, int client, int round, int status, double t) {
  ifm_exchange *x = ifm_result_add_exchange(res);
  if (!x) abort();
  x->step = 3;
  x->client = client;
  x->round = round;
  x->method = dup_str(client >= 0 ? "PUT" : "GET");
  x->url = dup_str("http://127.0.0.1:8080/r/9");
  x->status = status;
  x->t_start = t;
  x->t_release = client >= 0 ? t + 1.0 + 0.01 * client : 0;
  x->t_first_byte = t + 2.0;
  x->t_done = t + 2.5;
  return x;
}

/* A race with two winners in round 4, and round 1 passing for contrast. */
static ifm_report *race_report(void) {
  ifm_report *r = ifm_report_new();
  ifm_result *res;
  res = add_case(r, "IM-RACE-ONE-WINNER-2", "IM-RACE-ONE-WINNER", "2 writers", "cases/c.yaml", IFM_MUST,
                 IFM_FAIL, "step 3: violated in 1 of 5 rounds; first, round 4 (2 of 2 clients' requests "
                 "processed): 2 of 2 responses were 2xx, expected 1");
  res->failed_step = 3;
  res->failed_round = 4;
  race_x(res, -1, 1, 200, 10.0);
  race_x(res, 0, 1, 204, 20.0);
  race_x(res, 1, 1, 412, 20.1);
  race_x(res, -1, 4, 200, 40.0);
  race_x(res, 1, 4, 204, 50.2)->named = 1;     /* out of client order: lanes are sorted */
  race_x(res, 0, 4, 204, 50.0)->named = 1;
  race_x(res, -1, 4, 200, 60.0);
  res = add_case(r, "IM-RACE-READERS", "IM-RACE-READERS", "readers", "cases/c.yaml", IFM_MUST, IFM_PASS, NULL);
  race_x(res, 0, 2, 204, 70.0);
  race_x(res, 1, 2, 200, 70.0);
  race_x(res, 2, 2, 200, 70.0);
  return r;
}

static void test_html_race(void) {
  ifm_report *r = race_report();
  char *h = render(ifm_report_write_html, r, NULL), *fail, *pass;
  size_t f4 = at(h, "data-round=\"4\" data-kind=\"failing\""), p1 = at(h, "data-round=\"1\" data-kind=\"passing\"");

  ifm_report_free(r);
  ASSERT(h != NULL);
  ASSERT(f4 < p1 && p1 < at(h, "<section id=\"warnings\">"));   /* the failing round first */
  fail = between(h, "data-round=\"4\" data-kind=\"failing\">", "</figure>");
  pass = between(h, "data-round=\"1\" data-kind=\"passing\">", "</figure>");
  ASSERT(fail != NULL && pass != NULL);
  if (fail && pass) {
    ASSERT_EQ(count_substr(fail, "<g class=\"lane"), 2);      /* one lane per client, no read */
    ASSERT_EQ(count_substr(fail, "<rect class=\"bar o-2xx winner"), 2);               /* both writers won: outlined */
    ASSERT_EQ(count_substr(fail, "<g class=\"lane named\""), 2);
    ASSERT(at(fail, "data-client=\"0\"") < at(fail, "data-client=\"1\""));
    ASSERT_EQ(count_substr(fail, "<line class=\"mark release\""), 2);
    ASSERT_EQ(count_substr(fail, "<circle class=\"mark first-byte\""), 2);
    /* the releases were 0.2 ms apart: 50.0+1.0 and 50.2+1.01 */
    ASSERT_CONTAINS(fail, "arrival spread: last bytes released within 0.210 ms of each other");
    ASSERT_CONTAINS(fail, "<figcaption>Round 4, the failing round: 2 clients; 2 got a 2xx");
    ASSERT_EQ(count_substr(pass, "<g class=\"lane"), 2);
    ASSERT_EQ(count_substr(pass, "<rect class=\"bar o-2xx winner"), 1);
    ASSERT_EQ(count_substr(pass, "named"), 0);
  }
  free(fail);
  free(pass);
  /* a passing race keeps its timeline in the full table */
  ASSERT(at(h, "<tr class=\"more\" data-verdict=\"PASS\"") > at(h, "id=\"case-IM-RACE-READERS\""));
  ASSERT_CONTAINS(h, "<summary>Race timeline</summary>");
  ASSERT_CONTAINS(h, "data-round=\"2\" data-kind=\"passing\"");
  /* the exchanges named by the judge say so */
  ASSERT_EQ(count_substr(h, "<h5 class=\"xh named\">Step 3, client "), 2);
  ASSERT_CONTAINS(h, "<h5 class=\"xh\">Step 3, round 4: GET ");
  ASSERT_EQ(stray_markup(h, html_tags), 0);
  free(h);
}

static void test_html_empty(void) {
  ifm_report *r = ifm_report_new();
  char *h = render(ifm_report_write_html, r, NULL);

  ifm_report_free(r);
  ASSERT(h != NULL);
  ASSERT(has_line(h, "<p id=\"suite-verdict\" class=\"suite bad\">NOT TESTED</p>"));   /* never green */
  ASSERT(has_line(h, "<p>No cases were run.</p>"));
  ASSERT(strstr(h, "<table class=\"cases\"") == NULL);
  ASSERT(strstr(h, "<form id=\"filters\"") == NULL);
  ASSERT(has_line(h, "<h2>Failures (0)</h2>"));
  free(h);
}

IFM_TEST_MAIN(
  TEST(test_html_nasty),
  TEST(test_html_race),
  TEST(test_html_empty)
)
