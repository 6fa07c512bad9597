/* ifm_html.c: the HTML report, the one a vendor opens in a browser, in the
 * order a vendor needs it:
 *
 *   the verdict (target, profile, the suite verdict, counts that link down);
 *   the failures (FAIL not waived, and ERROR), grouped by requirement, each
 *     group with the RFC sentence it breaks and what to fix, each case with
 *     its evidence and, for a race, a timeline of the rounds kept
 *     (ifm_html_race.c);
 *   the warnings and notes (WARN, INFO, waived FAILs), the same way;
 *   the skipped cases, grouped by reason;
 *   the full table, in suite order.
 *
 * One self-contained file: inline CSS and one small inline script, no
 * external resource, so it can be mailed or archived as a CI artifact. The
 * script only adds filters (by verdict, level and requirement: it hides what
 * does not match); with scripts off the filters stay hidden and everything
 * shows. Printing opens every <details> and leaves the filters out.
 *
 * The markup is polyglot: HTML5 that is also well-formed XML (explicit
 * <tbody>, closed void elements, no named entity beyond the XML five, a
 * script with neither '<' nor '&' in it), so `xmllint --noout` can check it
 * strictly. The DOM is a contract the browser test checks
 * (tests/html_browser.py; reports/README.md lists it).
 *
 * Text goes through ifm_escape (IFM_ESCAPE_HTML, or _HTML_BLOCK for bodies in
 * <pre>): markup characters become references, and what has no safe raw form
 * (controls, invalid UTF-8, noncharacters) becomes "\x01"-style text inside
 * <span class="esc">, so it is visible and told apart from literal text.
 */
#include "ifm_reports.h"
#include "ifm_escape.h"
#include "ifm_html_int.h"
#include "ifm_catalogue.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char html_style[] =
  "body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:80em}\n"
  "h1{font-size:1.5em}\n"
  "h2{border-bottom:2px solid #ccc;padding-bottom:.2em;margin-top:1.6em}\n"
  "table{border-collapse:collapse;margin:1em 0}\n"
  "th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}\n"
  "table.meta th{background:#f4f4f4}\n"
  "table.cases{width:100%}\n"
  "table.cases thead th{background:#eee}\n"
  "table.counts a{color:inherit}\n"
  ".suite{font-size:1.4em;font-weight:bold;padding:.4em .8em;display:inline-block}\n"
  ".suite.ok{background:#d4f4d4;color:#135b13}\n"
  ".suite.bad{background:#fbd3d3;color:#8b0000}\n"
  ".note{color:#8b0000;font-weight:bold}\n"
  "nav#toc ul{list-style:none;padding:0;display:flex;gap:1.5em;flex-wrap:wrap}\n"
  "#filters{border:1px solid #ccc;padding:.4em .8em;margin:1em 0;background:#fafafa}\n"
  "#filters fieldset{display:inline-block;border:none;margin:0 1em 0 0;padding:0}\n"
  "#filters legend{font-weight:bold;float:left;margin-right:.5em}\n"
  "[hidden]{display:none !important}\n"
  ".v-PASS .verdict,th.v-PASS,.v-PASS .badge{background:#d4f4d4}\n"
  ".v-FAIL .verdict,th.v-FAIL,.v-FAIL .badge{background:#f4a6a6}\n"
  ".v-WARN .verdict,th.v-WARN,.v-WARN .badge{background:#fde3a7}\n"
  ".v-INFO .verdict,th.v-INFO,.v-INFO .badge{background:#cfe3fb}\n"
  ".v-SKIP .verdict,th.v-SKIP,.v-SKIP .badge{background:#e4e4e4}\n"
  ".v-ERROR .verdict,th.v-ERROR,.v-ERROR .badge{background:#d9b3f0}\n"
  ".waived .verdict,.waived .badge{background:repeating-linear-gradient(45deg,#f4a6a6,#f4a6a6 6px,#eee 6px,#eee 12px)}\n"
  ".badge{padding:.1em .4em;border-radius:3px;font-size:.85em;color:#222}\n"
  ".title{color:#555;font-size:.9em;font-weight:normal}\n"
  "tr.more td{background:#fafafa;border-top:none}\n"
  "section.req-group{border-left:4px solid #f4a6a6;padding-left:1em;margin:1.5em 0}\n"
  "#warnings section.req-group{border-left-color:#fde3a7}\n"
  "blockquote.rule{margin:.5em 0;padding:.4em .8em;background:#f6f6f6;border-left:3px solid #999;font-style:italic}\n"
  "p.fix{margin:.4em 0}\n"
  "article.case-detail{margin:1em 0 1.5em;padding-top:.2em}\n"
  "article.case-detail h4{margin:.4em 0}\n"
  "dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}\n"
  "dt{font-weight:bold}\n"
  "dd{margin:0}\n"
  "pre{background:#f6f6f6;padding:.5em;overflow-x:auto;white-space:pre-wrap;word-break:break-all}\n"
  ".xh{margin:.8em 0 .2em;font-size:1em}\n"
  ".xh.named{color:#b71c1c}\n"
  ".esc{color:#b00000;background:#ffe5e5;border-radius:2px}\n"
  "figure.race{margin:1em 0;overflow-x:auto}\n"
  "figure.race figcaption{font-size:.85em;color:#444;max-width:760px}\n"
  "figure.race svg{font-size:11px;font-family:system-ui,sans-serif;background:#fff}\n"
  "figure.race .label{text-anchor:end;fill:#222}\n"
  "figure.race .lane.named .label{fill:#b71c1c;font-weight:bold}\n"
  "figure.race .spread{font-weight:bold;fill:#222}\n"
  "figure.race .axis line{stroke:#ddd;stroke-width:1}\n"
  "figure.race .axis text{fill:#555}\n"
  "figure.race .bar{stroke:none}\n"
  "figure.race .o-2xx{fill:#66bb6a}\n"
  "figure.race .o-412{fill:#ffb74d}\n"
  "figure.race .o-other{fill:#b0bec5}\n"
  "figure.race .o-none{fill:#d1c4e9;stroke:#5e35b1;stroke-dasharray:4 2;stroke-width:1}\n"
  "figure.race .bar.winner{stroke:#000;stroke-width:2.5}\n"
  "figure.race .mark.release{stroke:#1a237e;stroke-width:2}\n"
  "figure.race .mark.first-byte{fill:#000}\n"
  "@media print{#filters,nav#toc{display:none !important}body{margin:0;max-width:none}"
  "details::details-content{content-visibility:visible;display:contents}"
  "article.case-detail,figure.race{break-inside:avoid}}\n";

/* The filters: hide what does not match; a requirement group, or a skip
 * group, whose cases are all hidden goes too. No '<' nor '&' in here. */
static const char html_script[] =
  "(function () {\n"
  "  var form = document.getElementById('filters');\n"
  "  if (!form) return;\n"
  "  form.hidden = false;\n"
  "  function checked(name) {\n"
  "    var on = {};\n"
  "    form.querySelectorAll('input[name=' + name + ']').forEach(function (b) { on[b.value] = b.checked; });\n"
  "    return on;\n"
  "  }\n"
  "  function apply() {\n"
  "    var verdicts = checked('verdict'), levels = checked('level');\n"
  "    var req = document.getElementById('f-req').value, shown = 0, total = 0;\n"
  "    document.querySelectorAll('[data-verdict]').forEach(function (e) {\n"
  "      var ok = verdicts[e.dataset.verdict] !== false ? levels[e.dataset.level] !== false : false;\n"
  "      if (req !== '' ? e.dataset.req !== req : false) ok = false;\n"
  "      e.hidden = !ok;\n"
  "      if (e.matches('tr.case')) { total++; if (ok) shown++; }\n"
  "    });\n"
  "    document.querySelectorAll('section.req-group, section.skip-group').forEach(function (g) {\n"
  "      g.hidden = !g.querySelector('[data-verdict]:not([hidden])');\n"
  "    });\n"
  "    document.getElementById('filter-count').textContent = 'showing ' + shown + ' of ' + total + ' cases';\n"
  "  }\n"
  "  form.addEventListener('change', apply);\n"
  "  form.addEventListener('reset', function () { setTimeout(apply, 0); });\n"
  "  window.addEventListener('beforeprint', function () {\n"
  "    document.querySelectorAll('details').forEach(function (d) { d.open = true; });\n"
  "  });\n"
  "  apply();\n"
  "})();\n";

static void html_meta_row(FILE *out, const char *name, const char *value) {
  fprintf(out, "<tr><th scope=\"row\">%s</th><td>", name);
  ifm_html_text(out, value, "(none)");
  fputs("</td></tr>\n", out);
}

/* Which section a case's article goes to: 1 failures, 2 warnings, 0 none. */
static int section_of(const ifm_result *res) {
  if (res->verdict == IFM_ERROR || (res->verdict == IFM_FAIL && !res->waived)) return 1;
  if (res->verdict == IFM_WARN || res->verdict == IFM_INFO || res->verdict == IFM_FAIL) return 2;
  if (res->verdict < 0 || res->verdict >= IFM_VERDICT_COUNT) return 1;   /* counted as ERROR */
  return 0;
}

static size_t count_section(const ifm_report *r, int sec) {
  size_t i, n = 0;
  for (i = 0; i < r->n_results; i++) n += section_of(&r->results[i]) == sec;
  return n;
}

static void html_header(FILE *out, const ifm_report *r) {
  size_t counts[IFM_VERDICT_COUNT];
  int conformant = ifm_report_conformant(r), v;

  fputs("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n"
        "<head>\n<meta charset=\"utf-8\" />\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n"
        "<title>ifmatch report: ", out);
  ifm_html_text(out, r->target, "(no target)");
  fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header id=\"verdict\">\n", html_style);
  fputs("<h1>ifmatch conformance report</h1>\n<table class=\"meta\">\n", out);
  html_meta_row(out, "Target", r->target);
  if (r->proxy) html_meta_row(out, "Proxy", r->proxy);
  html_meta_row(out, "Profile", r->profile);
  html_meta_row(out, "Started", r->started_at);
  fputs("<tr><th scope=\"row\">Duration</th><td>", out);
  ifm_escape_fixed3(out, ifm_escape_round(r->duration_ms));
  fputs(" s</td></tr>\n", out);
  html_meta_row(out, "ifmatch", r->tool_version);
  fprintf(out, "</table>\n<p id=\"suite-verdict\" class=\"suite %s\">%s</p>\n",
          conformant ? "ok" : "bad", ifm_report_verdict(r));
  if (r->not_tested) {
    fputs("<p class=\"note\">Nothing was judged: ", out);
    ifm_html_text(out, r->not_tested, "");
    fputs("</p>\n", out);
  }
  if (r->interrupted)
    fputs("<p class=\"note\">The run was interrupted: the results are partial.</p>\n", out);
  ifm_report_count(r, counts);
  fputs("<table class=\"counts\">\n<caption>Cases per verdict</caption>\n<tr>", out);
  for (v = 0; v < IFM_VERDICT_COUNT; v++)
    fprintf(out, "<th scope=\"col\" class=\"v-%s\">%s</th>", ifm_verdict_name((ifm_verdict)v),
            ifm_verdict_name((ifm_verdict)v));
  fputs("</tr>\n<tr>", out);
  for (v = 0; v < IFM_VERDICT_COUNT; v++) {
    const char *to = v == IFM_FAIL || v == IFM_ERROR ? "failures"
                     : v == IFM_WARN || v == IFM_INFO ? "warnings" : v == IFM_SKIP ? "skips" : NULL;
    if (counts[v] && to) fprintf(out, "<td><a href=\"#%s\">%zu</a></td>", to, counts[v]);
    else fprintf(out, "<td>%zu</td>", counts[v]);
  }
  fputs("</tr>\n</table>\n</header>\n", out);
  fprintf(out, "<nav id=\"toc\" aria-label=\"Sections\"><ul>"
               "<li><a href=\"#failures\">Failures (%zu)</a></li>"
               "<li><a href=\"#warnings\">Warnings and notes (%zu)</a></li>"
               "<li><a href=\"#skips\">Skipped (%zu)</a></li>"
               "<li><a href=\"#all\">All cases (%zu)</a></li></ul></nav>\n",
          count_section(r, 1), count_section(r, 2), counts[IFM_SKIP], r->n_results);
}

static int seen_before(const ifm_report *r, size_t i) {
  size_t j;
  const char *req = r->results[i].requirement ? r->results[i].requirement : "";
  for (j = 0; j < i; j++)
    if (strcmp(r->results[j].requirement ? r->results[j].requirement : "", req) == 0) return 1;
  return 0;
}

static void html_filters(FILE *out, const ifm_report *r) {
  static const char *const levels[] = {"MUST", "SHOULD", "MAY"};
  size_t i;
  int v;
  fputs("<form id=\"filters\" hidden=\"hidden\" aria-label=\"Filters\">\n<fieldset><legend>Verdict</legend>", out);
  for (v = 0; v < IFM_VERDICT_COUNT; v++)
    fprintf(out, " <label><input type=\"checkbox\" name=\"verdict\" value=\"%s\" checked=\"checked\" /> %s</label>",
            ifm_verdict_name((ifm_verdict)v), ifm_verdict_name((ifm_verdict)v));
  fputs("</fieldset>\n<fieldset><legend>Level</legend>", out);
  for (v = 0; v < 3; v++)
    fprintf(out, " <label><input type=\"checkbox\" name=\"level\" value=\"%s\" checked=\"checked\" /> %s</label>",
            levels[v], levels[v]);
  fputs("</fieldset>\n<label>Requirement <select id=\"f-req\" name=\"requirement\">"
        "<option value=\"\">all requirements</option>", out);
  for (i = 0; i < r->n_results; i++) {
    if (seen_before(r, i) || !r->results[i].requirement || !r->results[i].requirement[0]) continue;
    fputs("<option value=\"", out);
    ifm_html_attr(out, r->results[i].requirement);
    fputs("\">", out);
    ifm_html_attr(out, r->results[i].requirement);
    fputs("</option>", out);
  }
  fputs("</select></label>\n<button type=\"reset\">Show all</button>\n"
        "<output id=\"filter-count\"></output>\n</form>\n", out);
}

static void html_group_head(FILE *out, const char *prefix, const char *req_id) {
  const ifm_requirement *req = ifm_catalogue_find(req_id);
  fprintf(out, "<section class=\"req-group\" id=\"%s-", prefix);
  ifm_html_attr(out, req_id);
  fputs("\" data-req=\"", out);
  ifm_html_attr(out, req_id);
  fputs("\">\n<h3>", out);
  ifm_html_text(out, req_id, "(no requirement)");
  if (req) {
    fprintf(out, " \xe2\x80\x94 %s, ", ifm_level_name(req->level));
    ifm_html_text(out, req->spec, "");
    fputs(": ", out);
    ifm_html_text(out, req->summary, "");
  }
  fputs("</h3>\n", out);
  if (req && req->rule) {
    fputs("<blockquote class=\"rule\">", out);
    ifm_html_text(out, req->rule, "");
    fputs("</blockquote>\n", out);
  }
  if (req && req->fix) {
    fputs("<p class=\"fix\"><strong>What to fix:</strong> ", out);
    ifm_html_text(out, req->fix, "");
    fputs("</p>\n", out);
  }
}

/* The failures (sec 1) or the warnings (sec 2), by requirement in the order
 * of first appearance. */
static void html_section(FILE *out, const ifm_report *r, int sec) {
  size_t i, j, n = count_section(r, sec);
  const char *prefix = sec == 1 ? "fail" : "warn";
  if (sec == 1) fprintf(out, "<section id=\"failures\">\n<h2>Failures (%zu)</h2>\n", n);
  else fprintf(out, "<section id=\"warnings\">\n<h2>Warnings and notes (%zu)</h2>\n", n);
  if (!n) fputs("<p>None.</p>\n", out);
  else if (sec == 1)
    fputs("<p>Each breaks a MUST of the requirement it is grouped under (an ERROR: the case could not be "
          "judged, which breaks conformance too).</p>\n", out);
  else
    fputs("<p>A WARN breaks a SHOULD, an INFO notes a MAY not taken; a waived FAIL is a known failure "
          "(--waivers). None breaks conformance.</p>\n", out);
  for (i = 0; i < r->n_results; i++) {
    const char *req = r->results[i].requirement ? r->results[i].requirement : "";
    int first = 1;
    if (section_of(&r->results[i]) != sec) continue;
    for (j = 0; j < i; j++)
      if (section_of(&r->results[j]) == sec &&
          strcmp(r->results[j].requirement ? r->results[j].requirement : "", req) == 0)
        first = 0;
    if (!first) continue;
    html_group_head(out, prefix, req);
    for (j = i; j < r->n_results; j++)
      if (section_of(&r->results[j]) == sec &&
          strcmp(r->results[j].requirement ? r->results[j].requirement : "", req) == 0)
        ifm_html_case_article(out, r, &r->results[j]);
    fputs("</section>\n", out);
  }
  fputs("</section>\n", out);
}

static void html_row(FILE *out, const ifm_report *r, size_t n, const ifm_result *res) {
  const char *v = ifm_verdict_name(res->verdict);
  int article = section_of(res) != 0;

  fprintf(out, "<tr class=\"case v-%s%s\" id=\"case-", v, res->waived ? " waived" : "");
  ifm_html_attr(out, res->case_id);
  fputc('"', out);
  ifm_html_filter_attrs(out, res);
  fprintf(out, "><td>%zu</td><td>", n);
  if (article) {
    fputs("<a href=\"#f-", out);
    ifm_html_attr(out, res->case_id);
    fputs("\">", out);
  }
  fputs("<code>", out);
  ifm_html_text(out, res->case_id, "(no id)");
  fputs(article ? "</code></a>" : "</code>", out);
  if (res->title) {
    fputs("<div class=\"title\">", out);
    ifm_html_text(out, res->title, "");
    fputs("</div>", out);
  }
  fputs("</td><td>", out);
  ifm_html_text(out, res->requirement, "");
  fprintf(out, "</td><td>%s</td><td class=\"verdict\">%s%s</td><td>",
          ifm_level_name(res->level), v, res->waived ? " (waived)" : "");
  ifm_html_text(out, res->message, "");
  fputs("</td></tr>\n", out);
  ifm_html_case_more(out, r, res);
}

int ifm_report_write_html(const ifm_report *r, FILE *out) {
  size_t i;

  if (!r || !out) {
    errno = EINVAL;
    return -1;
  }
  html_header(out, r);
  fputs("<main>\n", out);
  if (r->n_results) html_filters(out, r);
  html_section(out, r, 1);
  html_section(out, r, 2);
  ifm_html_skips(out, r);
  fprintf(out, "<section id=\"all\">\n<h2>All cases (%zu)</h2>\n", r->n_results);
  if (r->n_results == 0) {
    fputs("<p>No cases were run.</p>\n", out);
  } else {
    fputs("<table class=\"cases\" id=\"cases\">\n<caption>Every case, in suite order</caption>\n"
          "<thead><tr><th scope=\"col\">#</th><th scope=\"col\">Case</th><th scope=\"col\">Requirement</th>"
          "<th scope=\"col\">Level</th><th scope=\"col\">Verdict</th><th scope=\"col\">Message</th></tr></thead>\n"
          "<tbody>\n", out);
    for (i = 0; i < r->n_results; i++) html_row(out, r, i + 1, &r->results[i]);
    fputs("</tbody>\n</table>\n", out);
  }
  fprintf(out, "</section>\n</main>\n<script>\n%s</script>\n</body>\n</html>\n", html_script);
  if (fflush(out) != 0 || ferror(out)) {
    if (!errno) errno = EIO;
    return -1;
  }
  return 0;
}
