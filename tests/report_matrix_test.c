/* report_matrix_test.c: reports/ifm_matrix*.c, the implementation matrix.
 * Runs built in memory (report_fixture.c): the rows in catalogue order with
 * a case one run lacks shown as not run (never a PASS), the worst verdict of
 * a requirement, links to REPORT.html#case-ID and to the evidence in the
 * page, hostile strings escaped in HTML and Markdown, and a NOT TESTED run
 * that is never green. */
#include <stdlib.h>
#include <string.h>
#include "ifm_matrix.h"
#include "ifm_test.h"
#include "report_fixture.h"

static const char *const mx_tags[] = {
  "<!DOCTYPE html>", "<html ", "</html>", "<head>", "</head>", "<meta ", "<title>", "</title>",
  "<style>", "</style>", "<body>", "</body>", "<h1>", "</h1>", "<h2>", "</h2>", "<h3>", "</h3>",
  "<p>", "</p>", "<table ", "</table>", "<caption>", "</caption>", "<thead>", "</thead>",
  "<tbody>", "<tbody ", "</tbody>", "<tr>", "<tr ", "</tr>", "<th ", "</th>", "<td>", "<td ",
  "</td>", "<a href=\"", "<a class=\"ev\" href=\"", "</a>", "<abbr title=\"not run\">", "</abbr>",
  "<div class=\"", "</div>", "<span class=\"", "</span>", "<code>", "</code>", "<section ",
  "</section>", "<article ", "</article>", "<dl>", "</dl>", "<dt>", "</dt>", "<dd>", "</dd>", NULL};

static ifm_report *run_a(void) {
  ifm_report *r = ifm_report_new();
  ifm_result *x;
  r->target = dup_str("http://a.example/");
  r->profile = dup_str("rfc9110");
  r->tool_version = dup_str("0.1.0+test");
  r->started_at = dup_str("2024-05-01T12:00:00Z");
  /* run order differs from catalogue order on purpose */
  add_case(r, "IM-STALE-412-put", "IM-STALE-412", "stale", "s.yaml", IFM_MUST, IFM_PASS, NULL);
  x = add_case(r, "IM-MATCH-OK-put", "IM-MATCH-OK", "match", "m.yaml", IFM_MUST, IFM_FAIL,
               "step 2: unexpected | status\nnext <b>");
  x->expected = dup_str("status 2xx");
  x->got = dup_str("status 412 `x` *y*");
  free(x->spec);   /* add_case gave one */
  x->spec = dup_str("RFC 9110 13.1.1");
  add_case(r, "IM-MATCH-OK-delete", "IM-MATCH-OK", "match del", "m.yaml", IFM_MUST, IFM_PASS, NULL);
  add_case(r, "ZZ-LOCAL-1", "ZZ-LOCAL", "not in the catalogue", "z.yaml", IFM_MUST, IFM_WARN, "w");
  add_case(r, "IM-MATCH-OK-put", "IM-MATCH-OK", "again", "m.yaml", IFM_MUST, IFM_PASS, NULL);  /* twice */
  return r;
}

static ifm_report *run_b(void) {
  ifm_report *r = ifm_report_new();
  r->target = dup_str("http://b.example/");
  add_case(r, "IM-MATCH-OK-put", "IM-MATCH-OK", "match", "m.yaml", IFM_MUST, IFM_PASS, NULL);
  add_case(r, "IM-MATCH-OK-post", "IM-MATCH-OK", "match post", "m.yaml", IFM_MUST, IFM_ERROR, "refused");
  add_case(r, "IM-STALE-412-put", "IM-STALE-412", "stale", "s.yaml", IFM_MUST, IFM_SKIP, "cannot PUT");
  return r;
}

static char *render_matrix(const ifm_matrix *m, int md) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  int rc;
  if (!f) return NULL;
  rc = md ? ifm_matrix_write_md(m, f) : ifm_matrix_write_html(m, f);
  fclose(f);
  if (rc != 0) {
    free(buf);
    return NULL;
  }
  return buf;
}

static size_t row_of(const ifm_matrix *m, const char *id) {
  size_t i;
  for (i = 0; i < m->n_rows; i++)
    if (strcmp(m->rows[i].case_id, id) == 0) return i;
  return (size_t)-1;
}

static void test_rows(void) {
  ifm_report *a = run_a(), *b = run_b();
  ifm_matrix_column cols[2] = {{.label = "A", .report = a}, {.label = "B", .report = b}};
  ifm_matrix m;
  size_t same, run;
  const ifm_result *w;
  ASSERT_EQ(ifm_matrix_build(&m, cols, 2), 0);
  ASSERT_EQ(m.n_rows, 5);
  /* catalogue order: IM-MATCH-OK (1) before IM-STALE-412 (2), then the unknown */
  ASSERT_STREQ(m.rows[0].case_id, "IM-MATCH-OK-put");
  ASSERT_STREQ(m.rows[1].case_id, "IM-MATCH-OK-delete");
  ASSERT_STREQ(m.rows[2].case_id, "IM-MATCH-OK-post");    /* only in B: after A's */
  ASSERT_STREQ(m.rows[3].case_id, "IM-STALE-412-put");
  ASSERT_STREQ(m.rows[4].case_id, "ZZ-LOCAL-1");
  ASSERT(m.rows[4].req == NULL);
  ASSERT_EQ(m.rows[0].cells[0]->verdict, IFM_FAIL);        /* the first of a case given twice */
  ASSERT(m.rows[1].cells[1] == NULL);                       /* not in B: not run */
  ASSERT(m.rows[2].cells[0] == NULL);
  ASSERT_STREQ(ifm_matrix_cell_word(m.rows[2].cells[0]), "\xe2\x80\x94");
  ASSERT_EQ(ifm_matrix_group_end(&m, 0), 3);
  w = ifm_matrix_worst(&m, 0, 3, 0, &same, &run);
  ASSERT_EQ(w->verdict, IFM_FAIL);
  ASSERT_EQ(same, 1);
  ASSERT_EQ(run, 2);
  w = ifm_matrix_worst(&m, 0, 3, 1, &same, &run);
  ASSERT_EQ(w->verdict, IFM_ERROR);
  ASSERT_EQ(run, 2);
  ASSERT(ifm_matrix_worst(&m, 4, 5, 1, &same, &run) == NULL);
  ASSERT_EQ(run, 0);
  ifm_matrix_clear(&m);
  ifm_report_free(a);
  ifm_report_free(b);
}

static void test_html(void) {
  ifm_report *a = run_a(), *b = run_b();
  ifm_matrix_column cols[2] = {{.label = "A <one>", .report = a, .report_href = "../runs/a b.html"},
                               {.label = "B", .report = b}};
  ifm_matrix m;
  char *html;
  size_t row, len;
  char want[128];
  ASSERT_EQ(ifm_matrix_build(&m, cols, 2), 0);
  html = render_matrix(&m, 0);
  ASSERT(html != NULL);
  len = strlen(html);
  ASSERT_EQ(first_bad_byte(html, len, 0), 0);
  ASSERT_EQ(stray_markup(html, mx_tags), 0);
  ASSERT_CONTAINS(html, "<th scope=\"col\">A &lt;one&gt;</th>");
  ASSERT_CONTAINS(html, "<caption>");
  ASSERT_CONTAINS(html, "<th scope=\"rowgroup\">IM-MATCH-OK ");
  /* A's cells link to its report, percent-encoded; B has none */
  ASSERT_CONTAINS(html, "<a href=\"../runs/a%20b.html#case-IM-STALE-412-put\">PASS</a>");
  row = row_of(&m, "IM-MATCH-OK-put");
  snprintf(want, sizeof want, "<a class=\"ev\" href=\"#ev-0-%zu\">details</a>", row);
  ASSERT_CONTAINS(html, want);
  snprintf(want, sizeof want, "<article id=\"ev-0-%zu\" class=\"v-FAIL\">", row);
  ASSERT_CONTAINS(html, want);
  /* B's non-PASS cells link to the evidence in the page, which is there */
  row = row_of(&m, "IM-MATCH-OK-post");
  snprintf(want, sizeof want, "<td class=\"v-ERROR\"><a href=\"#ev-1-%zu\">ERROR</a></td>", row);
  ASSERT_CONTAINS(html, want);
  snprintf(want, sizeof want, "<article id=\"ev-1-%zu\"", row);
  ASSERT_CONTAINS(html, want);
  ASSERT_CONTAINS(html, "unexpected | status<span class=\"esc\">\\n</span>next &lt;b&gt;");
  ASSERT_CONTAINS(html, "<dt>Expected</dt><dd><code>status 2xx</code></dd>");
  /* not run: a dash, never a PASS, in both columns where it applies */
  ASSERT_EQ(count_substr(html, "<td class=\"nr\"><abbr title=\"not run\">\xe2\x80\x94</abbr></td>"), 4);
  ASSERT_CONTAINS(html, "<td class=\"v-WARN\">WARN 1/1</td>");
  free(html);
  ifm_matrix_clear(&m);
  ifm_report_free(a);
  ifm_report_free(b);
}

/* The number of '|' not escaped by a backslash in line. */
static size_t bars(const char *line, size_t len) {
  size_t i, n = 0;
  for (i = 0; i < len; i++) {
    if (line[i] == '\\') i++;
    else if (line[i] == '|') n++;
  }
  return n;
}

static void test_markdown(void) {
  ifm_report *a = run_a(), *b = run_b();
  ifm_matrix_column cols[2] = {{.label = "A|1", .report = a, .report_href = "a.html"},
                               {.label = "B", .report = b}};
  ifm_matrix m;
  char *md, *p, *nl;
  size_t rows = 0;
  ASSERT_EQ(ifm_matrix_build(&m, cols, 2), 0);
  md = render_matrix(&m, 1);
  ASSERT(md != NULL);
  ASSERT_EQ(first_bad_byte(md, strlen(md), 0), 0);
  ASSERT(has_line(md, "| Requirement / case | A\\|1 | B |"));
  ASSERT(has_line(md, "| IM-MATCH-OK-post | \xe2\x80\x94 | ERROR |"));
  ASSERT(has_line(md, "| IM-MATCH-OK-delete | [PASS](a.html#case-IM-MATCH-OK-delete) | \xe2\x80\x94 |"));
  ASSERT_CONTAINS(md, "| **IM-MATCH-OK** MUST, RFC 9110 13.1.1: ");
  /* the message: '|' escaped, the newline a visible \n, markup inert */
  ASSERT_CONTAINS(md, "- **A\\|1**, IM-MATCH-OK-put: **FAIL**. step 2: unexpected \\| status\\\\nnext &lt;b&gt;. "
                      "Expected: status 2xx. Got: status 412 \\`x\\` \\*y\\*. Spec: RFC 9110 13.1.1. "
                      "[Exchanges](a.html#case-IM-MATCH-OK-put)");
  /* every table line has one cell per column and the heading */
  for (p = md; (nl = strchr(p, '\n')); p = nl + 1)
    if (*p == '|') {
      ASSERT_EQ(bars(p, (size_t)(nl - p)), 4);
      rows++;
    }
  /* heading, rule, 13 about the runs, 3 requirements, 5 cases */
  ASSERT_EQ(rows, 2 + 13 + 3 + 5);
  free(md);
  ifm_matrix_clear(&m);
  ifm_report_free(a);
  ifm_report_free(b);
}

static void test_hostile_ids(void) {
  ifm_report *r = ifm_report_new();
  ifm_matrix_column col = {.label = "x\"y", .report = r, .report_href = "r.html"};
  ifm_matrix m;
  char *html, *md;
  add_case(r, "IM-X\"><script>a</script>|\n)(#", "IM-MATCH-OK", "t\x01", "f", IFM_MUST, IFM_FAIL, "\xff]]>");
  ASSERT_EQ(ifm_matrix_build(&m, &col, 1), 0);
  html = render_matrix(&m, 0);
  md = render_matrix(&m, 1);
  ASSERT(html && md);
  ASSERT_EQ(stray_markup(html, mx_tags), 0);
  ASSERT_EQ(first_bad_byte(html, strlen(html), 0), 0);
  ASSERT_EQ(first_bad_byte(md, strlen(md), 0), 0);
  ASSERT_CONTAINS(html, "href=\"r.html#case-IM-X%22%3E%3Cscript%3Ea%3C%2Fscript%3E%7C%0A%29%28%23\"");
  ASSERT_CONTAINS(md, "(r.html#case-IM-X%22%3E%3Cscript%3Ea%3C%2Fscript%3E%7C%0A%29%28%23)");
  ASSERT(strstr(md, "<script>") == NULL);
  ASSERT(strstr(html, "<script>") == NULL);
  free(html);
  free(md);
  ifm_matrix_clear(&m);
  ifm_report_free(r);
}

static void test_not_tested_never_green(void) {
  ifm_report *r = ifm_report_new(), *ok = run_b();
  ifm_matrix_column cols[2] = {{.label = "down", .report = r, .cert = IFM_MATRIX_CERT_UNSIGNED,
                                .cert_verdict = "CONFORMANT"},
                               {.label = "none", .report = r}};
  ifm_matrix m;
  char *html, *md, buf[256];
  r->not_tested = dup_str("the target does not answer");
  ASSERT(!ifm_matrix_cert_green(&cols[0]));
  ASSERT_STREQ(ifm_matrix_cert_text(&cols[1], buf, sizeof buf), "no certificate; verdict NOT TESTED");
  ASSERT_EQ(ifm_matrix_build(&m, cols, 2), 0);
  ASSERT_EQ(m.n_rows, 0);
  html = render_matrix(&m, 0);
  md = render_matrix(&m, 1);
  ASSERT(html && md);
  ASSERT(strstr(html, " ok\"") == NULL);
  ASSERT_EQ(count_substr(html, "<td class=\"suite bad\">NOT TESTED"), 2);
  ASSERT_CONTAINS(md, "| **Verdict** | **NOT TESTED**: the target does not answer |");
  free(html);
  free(md);
  ifm_matrix_clear(&m);
  /* a certificate that holds and says CONFORMANT is green; one that does not match never */
  cols[0].report = ok;
  ASSERT(ifm_matrix_cert_green(&cols[0]));
  cols[0].cert_verdict = "NOT CONFORMANT";
  ASSERT(!ifm_matrix_cert_green(&cols[0]));
  cols[0].cert = IFM_MATRIX_CERT_MISMATCH;
  cols[0].cert_verdict = "CONFORMANT";
  ASSERT(!ifm_matrix_cert_green(&cols[0]));
  ASSERT_STREQ(ifm_matrix_cert_text(&cols[0], buf, sizeof buf), "certificate does not match this report");
  cols[0].cert = IFM_MATRIX_CERT_SIGNED;
  cols[0].cert_signer = "KEY=";
  ASSERT_STREQ(ifm_matrix_cert_text(&cols[0], buf, sizeof buf), "certified (signed by KEY=): CONFORMANT");
  ifm_report_free(r);
  ifm_report_free(ok);
}

IFM_TEST_MAIN(TEST(test_rows), TEST(test_html), TEST(test_markdown), TEST(test_hostile_ids),
              TEST(test_not_tested_never_green))
