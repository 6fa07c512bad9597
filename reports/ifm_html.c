/* ifm_html.c: the HTML report, the one a vendor opens in a browser.
 *
 * One self-contained file: inline CSS, no script, no external resource, so it
 * can be mailed or archived as a CI artifact and still render. A header with
 * the target, profile and suite verdict, the counts per verdict, then a table
 * of cases coloured by verdict; every case that is not a plain PASS has a row
 * below it with a <details> holding the evidence (expected, got, exchanges).
 *
 * The markup is polyglot: it is HTML5 and also well-formed XML (explicit
 * <tbody>, closed void elements, no named entity beyond the XML five), so
 * `xmllint --noout` can check it strictly. `xmllint --html` (libxml2 2.9, an
 * HTML 4 parser) accepts it except that it does not know <details> and
 * <summary>; tests/report_validate_test.sh allows exactly those two.
 *
 * Text goes through ifm_escape (IFM_ESCAPE_HTML, or _HTML_BLOCK for bodies in
 * <pre>): markup characters become references, and what has no safe raw form
 * (controls, invalid UTF-8, noncharacters) becomes "\x01"-style text inside
 * <span class="esc">, so it is visible and told apart from literal text.
 */
#include "ifm_reports.h"
#include "ifm_escape.h"

#include <errno.h>

static const char html_style[] =
  "body{font-family:system-ui,sans-serif;margin:2em;color:#222}\n"
  "h1{font-size:1.5em}\n"
  "table{border-collapse:collapse;margin:1em 0}\n"
  "th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}\n"
  "table.meta th{background:#f4f4f4}\n"
  "table.cases{width:100%}\n"
  "table.cases thead th{background:#eee}\n"
  ".suite{font-size:1.4em;font-weight:bold;padding:.4em .8em;display:inline-block}\n"
  ".suite.ok{background:#d4f4d4;color:#135b13}\n"
  ".suite.bad{background:#fbd3d3;color:#8b0000}\n"
  ".note{color:#8b0000;font-weight:bold}\n"
  ".v-PASS .verdict,th.v-PASS{background:#d4f4d4}\n"
  ".v-FAIL .verdict,th.v-FAIL{background:#f4a6a6}\n"
  ".v-WARN .verdict,th.v-WARN{background:#fde3a7}\n"
  ".v-INFO .verdict,th.v-INFO{background:#cfe3fb}\n"
  ".v-SKIP .verdict,th.v-SKIP{background:#e4e4e4}\n"
  ".v-ERROR .verdict,th.v-ERROR{background:#d9b3f0}\n"
  ".waived .verdict{background:repeating-linear-gradient(45deg,#f4a6a6,#f4a6a6 6px,#eee 6px,#eee 12px)}\n"
  ".title{color:#555;font-size:.9em}\n"
  "tr.more td{background:#fafafa;border-top:none}\n"
  "dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}\n"
  "dt{font-weight:bold}\n"
  "dd{margin:0}\n"
  "pre{background:#f6f6f6;padding:.5em;overflow-x:auto;white-space:pre-wrap;word-break:break-all}\n"
  "h4{margin:.8em 0 .2em}\n"
  ".esc{color:#b00000;background:#ffe5e5;border-radius:2px}\n";

static void html_text(FILE *out, const char *s, const char *if_null) {
  ifm_escape_puts(out, IFM_ESCAPE_HTML, s ? s : if_null);
}

static void html_meta_row(FILE *out, const char *name, const char *value) {
  fprintf(out, "<tr><th>%s</th><td>", name);
  html_text(out, value, "(none)");
  fputs("</td></tr>\n", out);
}

static void html_dd(FILE *out, const char *name, const char *value) {
  if (!value) return;
  fprintf(out, "<dt>%s</dt><dd><code>", name);
  html_text(out, value, "");
  fputs("</code></dd>\n", out);
}

static void html_headers(FILE *out, const char *dir, const ifm_field *f, size_t n, size_t omitted,
                         size_t bytes) {
  size_t i;

  for (i = 0; f && i < n; i++) {
    fputs(dir, out);
    html_text(out, f[i].name, "");
    fputs(": ", out);
    ifm_escape_write(out, IFM_ESCAPE_HTML, f[i].value, f[i].value ? f[i].value_len : 0);
    if (f[i].value_total) fprintf(out, " [cut: %zu bytes in all]", f[i].value_total);
    fputc('\n', out);
  }
  if (omitted) fprintf(out, "%s(%zu more header fields, %zu bytes, not kept)\n", dir, omitted, bytes);
}

static void html_body(FILE *out, const char *body, size_t len, size_t total) {
  if (!body || len == 0) {
    if (total) fprintf(out, "\n(body: %zu bytes, not recorded)\n", total);
    return;
  }
  fputc('\n', out);
  ifm_escape_write(out, IFM_ESCAPE_HTML_BLOCK, body, len);
  if (total > len) fprintf(out, "\n(excerpt: %zu of %zu bytes)", len, total);
  fputc('\n', out);
}

static void html_exchange(FILE *out, const ifm_exchange *x) {
  fprintf(out, "<h4>Step %d", x->step);
  if (x->client >= 0) fprintf(out, ", client %d, round %d", x->client, x->round);
  fputs(": ", out);
  html_text(out, x->method, "(no method)");
  fputc(' ', out);
  html_text(out, x->url, "(no url)");
  if (x->status) fprintf(out, " \xe2\x86\x92 %d", x->status);
  else fputs(" \xe2\x86\x92 no response", out);
  fputs("</h4>\n<pre>", out);
  fputs("&gt; ", out);
  html_text(out, x->method, "(no method)");
  fputc(' ', out);
  html_text(out, x->url, "(no url)");
  fputc('\n', out);
  html_headers(out, "&gt; ", x->req_headers, x->n_req_headers, x->req_headers_omitted,
                x->req_header_bytes_omitted);
  html_body(out, x->req_body, x->req_body_len, x->req_body_total);
  fputs("</pre>\n<pre>", out);
  if (x->status) fprintf(out, "&lt; %d\n", x->status);
  else fputs("&lt; (no response)\n", out);
  html_headers(out, "&lt; ", x->resp_headers, x->n_resp_headers, x->resp_headers_omitted,
                x->resp_header_bytes_omitted);
  html_body(out, x->resp_body, x->resp_body_len, x->resp_body_total);
  fputs("</pre>\n", out);
  if (x->error) {
    fputs("<p class=\"note\">", out);
    html_text(out, x->error, "");
    fputs("</p>\n", out);
  }
}

static void html_evidence(FILE *out, const ifm_report *r, const ifm_result *res) {
  size_t i;

  fprintf(out, "<tr class=\"more v-%s\"><td colspan=\"6\"><details><summary>Evidence",
          ifm_verdict_name(res->verdict));
  fprintf(out, " (%zu exchange%s)</summary>\n<dl>\n",
          res->n_exchanges, res->n_exchanges == 1 ? "" : "s");
  html_dd(out, "Title", res->title);
  html_dd(out, "Spec", res->spec);
  html_dd(out, "File", ifm_report_relfile(r, res->file));
  html_dd(out, "Message", res->message);
  html_dd(out, "Expected", res->expected);
  html_dd(out, "Got", res->got);
  if (res->failed_step) fprintf(out, "<dt>Failed step</dt><dd>%d</dd>\n", res->failed_step);
  if (res->waived) html_dd(out, "Waived", res->waiver_reason ? res->waiver_reason : "(no reason)");
  fputs("</dl>\n", out);
  for (i = 0; res->exchanges && i < res->n_exchanges; i++) html_exchange(out, &res->exchanges[i]);
  fputs("</details></td></tr>\n", out);
}

static void html_case(FILE *out, const ifm_report *r, size_t n, const ifm_result *res) {
  const char *v = ifm_verdict_name(res->verdict);

  fprintf(out, "<tr id=\"case-%zu\" class=\"v-%s%s\"><td>%zu</td><td><code>", n, v,
          res->waived ? " waived" : "", n);
  html_text(out, res->case_id, "(no id)");
  fputs("</code>", out);
  if (res->title) {
    fputs("<div class=\"title\">", out);
    html_text(out, res->title, "");
    fputs("</div>", out);
  }
  fputs("</td><td>", out);
  html_text(out, res->requirement, "");
  fprintf(out, "</td><td>%s</td><td class=\"verdict\">%s%s</td><td>",
          ifm_level_name(res->level), v, res->waived ? " (waived)" : "");
  html_text(out, res->message, "");
  fputs("</td></tr>\n", out);
  if (res->verdict != IFM_PASS) html_evidence(out, r, res);
}

static void html_header(FILE *out, const ifm_report *r) {
  size_t counts[IFM_VERDICT_COUNT];
  int conformant = ifm_report_conformant(r), v;

  fputs("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n"
        "<head>\n<meta charset=\"utf-8\" />\n<title>ifmatch report: ", out);
  html_text(out, r->target, "(no target)");
  fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", html_style);
  fputs("<h1>ifmatch conformance report</h1>\n<table class=\"meta\">\n", out);
  html_meta_row(out, "Target", r->target);
  if (r->proxy) html_meta_row(out, "Proxy", r->proxy);
  html_meta_row(out, "Profile", r->profile);
  html_meta_row(out, "Started", r->started_at);
  fputs("<tr><th>Duration</th><td>", out);
  ifm_escape_fixed3(out, ifm_escape_round(r->duration_ms));
  fputs(" s</td></tr>\n", out);
  html_meta_row(out, "ifmatch", r->tool_version);
  fprintf(out, "</table>\n<p class=\"suite %s\">%s</p>\n", conformant ? "ok" : "bad", ifm_report_verdict(r));
  if (r->not_tested) {
    fputs("<p class=\"note\">Nothing was judged: ", out);
    html_text(out, r->not_tested, "");
    fputs("</p>\n", out);
  }
  if (r->interrupted)
    fputs("<p class=\"note\">The run was interrupted: the results are partial.</p>\n", out);
  ifm_report_count(r, counts);
  fputs("<table class=\"counts\">\n<tr>", out);
  for (v = 0; v < IFM_VERDICT_COUNT; v++)
    fprintf(out, "<th class=\"v-%s\">%s</th>", ifm_verdict_name((ifm_verdict)v),
            ifm_verdict_name((ifm_verdict)v));
  fputs("</tr>\n<tr>", out);
  for (v = 0; v < IFM_VERDICT_COUNT; v++) fprintf(out, "<td>%zu</td>", counts[v]);
  fputs("</tr>\n</table>\n", out);
}

int ifm_report_write_html(const ifm_report *r, FILE *out) {
  size_t i;

  if (!r || !out) {
    errno = EINVAL;
    return -1;
  }
  html_header(out, r);
  if (r->n_results == 0) {
    fputs("<p>No cases were run.</p>\n", out);
  } else {
    fputs("<table class=\"cases\">\n<thead><tr><th>#</th><th>Case</th><th>Requirement</th>"
          "<th>Level</th><th>Verdict</th><th>Message</th></tr></thead>\n<tbody>\n", out);
    for (i = 0; i < r->n_results; i++) html_case(out, r, i + 1, &r->results[i]);
    fputs("</tbody>\n</table>\n", out);
  }
  fputs("</body>\n</html>\n", out);
  if (fflush(out) != 0 || ferror(out)) {
    if (!errno) errno = EIO;
    return -1;
  }
  return 0;
}
