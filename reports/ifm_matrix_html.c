/* ifm_matrix_html.c: the implementation matrix as one HTML page.
 *
 * Self-contained (inline CSS, no script, nothing fetched) and polyglot, as
 * ifm_html.c's report is: HTML5 that is also well-formed XML, so `xmllint
 * --noout` checks it. One table: a caption, a header row of implementations
 * (<th scope="col">), a <tbody> of what each run is (verdict, certificate,
 * counts, profile, tool, start, target, report), then a <tbody> per
 * requirement whose first row (<th scope="rowgroup">) holds the worst verdict
 * of its cases and whose other rows are the cases (<th scope="row">).
 *
 * A cell links to the case in the run's HTML report (REPORT.html#case-ID)
 * when there is one; every cell that is not a PASS also links to its
 * evidence below the table (#ev-COLUMN-ROW: message, expected, got, spec),
 * which is in the page whether the report is there or not. The colours per
 * verdict are the report's; a run that judged nothing is never green.
 */
#include "ifm_matrix.h"

#include <errno.h>
#include "ifm_escape.h"

static const char mx_style[] =
  "body{font-family:system-ui,sans-serif;margin:2em;color:#222}\n"
  "h1{font-size:1.5em}\n"
  "table{border-collapse:collapse;margin:1em 0}\n"
  "caption{text-align:left;font-weight:bold;padding:.3em 0}\n"
  "th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}\n"
  "thead th{background:#eee;position:sticky;top:0}\n"
  "tbody.runs th{background:#f4f4f4}\n"
  "tr.req th,tr.req td{background:#f0f0f8;border-top:2px solid #888}\n"
  "tr.req td{font-weight:bold}\n"
  ".suite{font-weight:bold}\n"
  ".ok{background:#d4f4d4;color:#135b13}\n"
  ".bad{background:#fbd3d3;color:#8b0000}\n"
  ".none{background:#f4f4f4;color:#555}\n"
  ".v-PASS,tr.req td.v-PASS{background:#d4f4d4}\n"
  ".v-FAIL,tr.req td.v-FAIL{background:#f4a6a6}\n"
  ".v-WARN,tr.req td.v-WARN{background:#fde3a7}\n"
  ".v-INFO,tr.req td.v-INFO{background:#cfe3fb}\n"
  ".v-SKIP,tr.req td.v-SKIP{background:#e4e4e4}\n"
  ".v-ERROR,tr.req td.v-ERROR{background:#d9b3f0}\n"
  ".waived,tr.req td.waived{background:repeating-linear-gradient(45deg,#f4a6a6,#f4a6a6 6px,#eee 6px,#eee 12px)}\n"
  "td.nr{color:#888;text-align:center}\n"
  ".title,.src,.why{color:#555;font-size:.85em;font-weight:normal}\n"
  ".key{word-break:break-all;font-size:.85em}\n"
  "a.ev{font-size:.8em}\n"
  "article{border-left:6px solid #ccc;padding:.2em 1em;margin:1em 0}\n"
  "article.v-FAIL{border-color:#d04040;background:none}\n"
  "article.v-ERROR{border-color:#9040c0;background:none}\n"
  "article.v-WARN{border-color:#e0a020;background:none}\n"
  "article.v-INFO{border-color:#4080d0;background:none}\n"
  "article.v-SKIP{border-color:#999;background:none}\n"
  "dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}\n"
  "dt{font-weight:bold}\n"
  "dd{margin:0}\n"
  ".esc{color:#b00000;background:#ffe5e5;border-radius:2px}\n";

static void text(FILE *out, const char *s, const char *if_null) {
  ifm_escape_puts(out, IFM_ESCAPE_HTML, s ? s : if_null);
}

static const char *vclass(const ifm_result *r) {
  if (r->verdict == IFM_FAIL && r->waived) return "v-FAIL waived";
  if ((unsigned)r->verdict >= IFM_VERDICT_COUNT) return "v-ERROR";
  return r->verdict == IFM_PASS   ? "v-PASS"
         : r->verdict == IFM_FAIL ? "v-FAIL"
         : r->verdict == IFM_WARN ? "v-WARN"
         : r->verdict == IFM_INFO ? "v-INFO"
         : r->verdict == IFM_SKIP ? "v-SKIP"
                                  : "v-ERROR";
}

/* A row of the runs' table: a heading and one cell per column. */
static void run_row(FILE *out, const ifm_matrix *m, const char *name, const char *(*value)(const ifm_report *)) {
  size_t k;
  fprintf(out, "<tr><th scope=\"row\">%s</th>", name);
  for (k = 0; k < m->n_cols; k++) {
    fputs("<td>", out);
    text(out, m->cols[k].report ? value(m->cols[k].report) : NULL, "(none)");
    fputs("</td>", out);
  }
  fputs("</tr>\n", out);
}

static const char *get_profile(const ifm_report *r) { return r->profile; }
static const char *get_tool(const ifm_report *r) { return r->tool_version; }
static const char *get_started(const ifm_report *r) { return r->started_at; }
static const char *get_target(const ifm_report *r) { return r->target; }

static void runs_verdict(FILE *out, const ifm_matrix *m) {
  size_t k;
  char buf[512];
  fputs("<tr><th scope=\"row\">Verdict</th>", out);
  for (k = 0; k < m->n_cols; k++) {
    const ifm_report *r = m->cols[k].report;
    const char *v = r ? ifm_report_verdict(r) : "NOT TESTED";
    fprintf(out, "<td class=\"suite %s\">%s", r && ifm_report_conformant(r) ? "ok" : "bad", v);
    if (r && r->not_tested) {
      fputs("<div class=\"why\">", out);
      text(out, r->not_tested, "");
      fputs("</div>", out);
    }
    if (r && r->interrupted) fputs("<div class=\"why\">interrupted: the results are partial</div>", out);
    fputs("</td>", out);
  }
  fputs("</tr>\n<tr><th scope=\"row\">Certificate</th>", out);
  for (k = 0; k < m->n_cols; k++) {
    const ifm_matrix_column *c = &m->cols[k];
    int none_ok = c->cert == IFM_MATRIX_CERT_NONE && c->report && ifm_report_conformant(c->report);
    fprintf(out, "<td class=\"cert %s\">", ifm_matrix_cert_green(c) ? "ok" : none_ok ? "none" : "bad");
    ifm_matrix_cert_text(c, buf, sizeof buf);
    if (c->cert == IFM_MATRIX_CERT_SIGNED) {
      /* the key on a line of its own: 44 characters of base64 */
      fprintf(out, "certified (signed by <span class=\"key\">");
      text(out, c->cert_signer, "?");
      fputs("</span>): ", out);
      text(out, c->cert_verdict, "?");
    } else {
      text(out, buf, "");
    }
    fputs("</td>", out);
  }
  fputs("</tr>\n", out);
}

static void runs_counts(FILE *out, const ifm_matrix *m) {
  size_t counts[IFM_VERDICT_COUNT], k;
  int v;
  for (v = 0; v < IFM_VERDICT_COUNT; v++) {
    const char *name = ifm_verdict_name((ifm_verdict)v);
    fprintf(out, "<tr><th scope=\"row\" class=\"v-%s\">%s</th>", name, name);
    for (k = 0; k < m->n_cols; k++) {
      if (m->cols[k].report) ifm_report_count(m->cols[k].report, counts);
      else counts[v] = 0;
      fprintf(out, "<td>%zu</td>", counts[v]);
    }
    fputs("</tr>\n", out);
  }
}

static void runs_report(FILE *out, const ifm_matrix *m) {
  size_t k;
  fputs("<tr><th scope=\"row\">Report</th>", out);
  for (k = 0; k < m->n_cols; k++) {
    const ifm_matrix_column *c = &m->cols[k];
    fputs("<td>", out);
    if (c->report_href) {
      fputs("<a href=\"", out);
      ifm_matrix_write_url(out, c->report_href, NULL);
      fputs("\">HTML report</a>", out);
    } else {
      fputs("no HTML report", out);
    }
    if (c->source) {
      fputs("<div class=\"src\">", out);
      text(out, c->source, "");
      fputs("</div>", out);
    }
    fputs("</td>", out);
  }
  fputs("</tr>\n", out);
}

static void head(FILE *out, const ifm_matrix *m) {
  size_t k;
  fprintf(out, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n"
          "<head>\n<meta charset=\"utf-8\" />\n<title>ifmatch implementation matrix</title>\n"
          "<style>\n%s</style>\n</head>\n<body>\n<h1>ifmatch implementation matrix</h1>\n", mx_style);
  fprintf(out, "<p>%zu implementation%s, %zu case%s. Each cell is the case's verdict in that run, linked to "
          "the run's HTML report when it is there; <a class=\"ev\" href=\"#evidence\">details</a> leads to "
          "what was expected and what came back, below the table. "
          "<abbr title=\"not run\">\xe2\x80\x94</abbr>: the run does not hold the case (not run, never a "
          "pass).</p>\n", m->n_cols, m->n_cols == 1 ? "" : "s", m->n_rows, m->n_rows == 1 ? "" : "s");
  fputs("<table class=\"matrix\">\n<caption>Requirements and cases (rows, in catalogue order) against "
        "implementations (columns)</caption>\n<thead><tr><th scope=\"col\">Requirement / case</th>", out);
  for (k = 0; k < m->n_cols; k++) {
    fputs("<th scope=\"col\">", out);
    text(out, m->cols[k].label, "(no name)");
    fputs("</th>", out);
  }
  fputs("</tr></thead>\n<tbody class=\"runs\">\n", out);
  runs_verdict(out, m);
  runs_counts(out, m);
  run_row(out, m, "Profile", get_profile);
  run_row(out, m, "ifmatch", get_tool);
  run_row(out, m, "Started", get_started);
  run_row(out, m, "Target", get_target);
  runs_report(out, m);
  fputs("</tbody>\n", out);
}

static void req_row(FILE *out, const ifm_matrix *m, size_t first, size_t end) {
  const ifm_matrix_row *row = &m->rows[first];
  size_t k, same, run;
  fputs("<tr class=\"req\"><th scope=\"rowgroup\">", out);
  if (row->req) {
    fprintf(out, "%s <span class=\"title\">%s, %s: ", row->req->id, ifm_level_name(row->req->level),
            row->req->spec);
    text(out, row->req->summary, "");
    fputs("</span>", out);
  } else {
    text(out, row->requirement, "(no requirement)");
    if (row->requirement) fputs(" <span class=\"title\">(not in the catalogue)</span>", out);
  }
  fputs("</th>", out);
  for (k = 0; k < m->n_cols; k++) {
    const ifm_result *w = ifm_matrix_worst(m, first, end, k, &same, &run);
    if (!w) fputs("<td class=\"nr\"><abbr title=\"not run\">\xe2\x80\x94</abbr></td>", out);
    else fprintf(out, "<td class=\"%s\">%s %zu/%zu</td>", vclass(w), ifm_matrix_cell_word(w), same, run);
  }
  fputs("</tr>\n", out);
}

static void case_row(FILE *out, const ifm_matrix *m, size_t i) {
  const ifm_matrix_row *row = &m->rows[i];
  size_t k;
  fputs("<tr class=\"case\"><th scope=\"row\"><code>", out);
  text(out, row->case_id, "");
  fputs("</code>", out);
  if (row->title) {
    fputs("<div class=\"title\">", out);
    text(out, row->title, "");
    fputs("</div>", out);
  }
  fputs("</th>", out);
  for (k = 0; k < m->n_cols; k++) {
    const ifm_result *r = row->cells[k];
    const char *href = m->cols[k].report_href;
    if (!r) {
      fputs("<td class=\"nr\"><abbr title=\"not run\">\xe2\x80\x94</abbr></td>", out);
      continue;
    }
    fprintf(out, "<td class=\"%s\">", vclass(r));
    if (href) {
      fputs("<a href=\"", out);
      ifm_matrix_write_url(out, href, row->case_id);
      fprintf(out, "\">%s</a>", ifm_matrix_cell_word(r));
      if (r->verdict != IFM_PASS) fprintf(out, " <a class=\"ev\" href=\"#ev-%zu-%zu\">details</a>", k, i);
    } else if (r->verdict != IFM_PASS) {
      fprintf(out, "<a href=\"#ev-%zu-%zu\">%s</a>", k, i, ifm_matrix_cell_word(r));
    } else {
      fputs(ifm_matrix_cell_word(r), out);
    }
    fputs("</td>", out);
  }
  fputs("</tr>\n", out);
}

static void dd(FILE *out, const char *name, const char *value) {
  if (!value) return;
  fprintf(out, "<dt>%s</dt><dd><code>", name);
  text(out, value, "");
  fputs("</code></dd>\n", out);
}

static void evidence_one(FILE *out, const ifm_matrix *m, size_t k, size_t i, const ifm_result *r) {
  const char *href = m->cols[k].report_href;
  fprintf(out, "<article id=\"ev-%zu-%zu\" class=\"%s\">\n<h3>", k, i, vclass(r));
  text(out, m->cols[k].label, "(no name)");
  fputs(": <code>", out);
  text(out, r->case_id, "");
  fprintf(out, "</code> %s</h3>\n<dl>\n", ifm_matrix_cell_word(r));
  dd(out, "Title", r->title);
  dd(out, "Requirement", r->requirement);
  dd(out, "Spec", r->spec);
  fprintf(out, "<dt>Level</dt><dd>%s</dd>\n", ifm_level_name(r->level));
  dd(out, "Message", r->message);
  dd(out, "Expected", r->expected);
  dd(out, "Got", r->got);
  if (r->failed_step) fprintf(out, "<dt>Failed step</dt><dd>%d</dd>\n", r->failed_step);
  if (r->waived) dd(out, "Waived", r->waiver_reason ? r->waiver_reason : "(no reason)");
  dd(out, "File", r->file);
  fputs("</dl>\n", out);
  if (href) {
    fputs("<p><a href=\"", out);
    ifm_matrix_write_url(out, href, r->case_id);
    fputs("\">Every exchange, in the run's report</a></p>\n", out);
  }
  fputs("</article>\n", out);
}

static void evidence(FILE *out, const ifm_matrix *m) {
  size_t i, k, n = 0;
  for (i = 0; i < m->n_rows; i++)
    for (k = 0; k < m->n_cols; k++) n += m->rows[i].cells[k] && m->rows[i].cells[k]->verdict != IFM_PASS;
  fprintf(out, "<section id=\"evidence\">\n<h2>Evidence (%zu cell%s not a PASS)</h2>\n", n, n == 1 ? "" : "s");
  if (!n) fputs("<p>None.</p>\n", out);
  for (i = 0; i < m->n_rows; i++)
    for (k = 0; k < m->n_cols; k++)
      if (m->rows[i].cells[k] && m->rows[i].cells[k]->verdict != IFM_PASS)
        evidence_one(out, m, k, i, m->rows[i].cells[k]);
  fputs("</section>\n", out);
}

int ifm_matrix_write_html(const ifm_matrix *m, FILE *out) {
  size_t first, end, i;
  if (!m || !out) {
    errno = EINVAL;
    return -1;
  }
  head(out, m);
  for (first = 0; first < m->n_rows; first = end) {
    end = ifm_matrix_group_end(m, first);
    if (m->rows[first].req) fprintf(out, "<tbody id=\"req-%s\">\n", m->rows[first].req->id);
    else fputs("<tbody>\n", out);
    req_row(out, m, first, end);
    for (i = first; i < end; i++) case_row(out, m, i);
    fputs("</tbody>\n", out);
  }
  fputs("</table>\n", out);
  evidence(out, m);
  fputs("</body>\n</html>\n", out);
  if (fflush(out) != 0 || ferror(out)) {
    if (!errno) errno = EIO;
    return -1;
  }
  return 0;
}
