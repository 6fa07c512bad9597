/* ifm_matrix_md.c: the implementation matrix as GitHub-flavoured Markdown:
 * one table with the same rows as the HTML page (what each run is, then a
 * row per requirement holding its worst verdict and a row per case), and
 * under it the evidence of every cell that is not a PASS as a list.
 *
 * Every string from a report is made one line of inert text: ifm_escape's
 * XML style first (markup characters become the XML entities, which
 * Markdown renders as the characters; LF, CR, TAB, controls and invalid
 * UTF-8 become visible escapes such as "\n" and "\x00"), then a backslash
 * before each character Markdown or a table gives a meaning to ('|' ends a
 * cell even inside code spans, so no data goes into one). Links are
 * percent-encoded (ifm_matrix_write_url), so no byte of a case id can end a
 * link's destination. */
#include "ifm_matrix.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_escape.h"

/* s as one line of Markdown text. */
static void md_text(FILE *out, const char *s) {
  char *buf = NULL;
  size_t len = 0, i;
  FILE *m;
  if (!s) return;
  if (!(m = open_memstream(&buf, &len))) return;
  ifm_escape_puts(m, IFM_ESCAPE_XML, s);
  if (fclose(m) != 0) {
    free(buf);
    return;
  }
  for (i = 0; i < len; i++) {
    if (strchr("\\`*_[]|~<>#!", buf[i])) fputc('\\', out);
    fputc(buf[i], out);
  }
  free(buf);
}

static void md_cells_start(FILE *out, const char *name) {
  fprintf(out, "| %s |", name);
}

static void md_run_row(FILE *out, const ifm_matrix *m, const char *name, size_t which) {
  size_t k;
  md_cells_start(out, name);
  for (k = 0; k < m->n_cols; k++) {
    const ifm_report *r = m->cols[k].report;
    const char *v = !r ? NULL : which == 0 ? r->profile : which == 1 ? r->tool_version
                               : which == 2 ? r->started_at : r->target;
    fputc(' ', out);
    if (v) md_text(out, v);
    else fputs("(none)", out);
    fputs(" |", out);
  }
  fputc('\n', out);
}

static void md_runs(FILE *out, const ifm_matrix *m) {
  size_t counts[IFM_VERDICT_COUNT], k;
  char buf[512];
  int v;
  md_cells_start(out, "**Verdict**");
  for (k = 0; k < m->n_cols; k++) {
    const ifm_report *r = m->cols[k].report;
    fprintf(out, " **%s**", r ? ifm_report_verdict(r) : "NOT TESTED");
    if (r && r->not_tested) {
      fputs(": ", out);
      md_text(out, r->not_tested);
    }
    if (r && r->interrupted) fputs(" (interrupted: partial)", out);
    fputs(" |", out);
  }
  fputc('\n', out);
  md_cells_start(out, "**Certificate**");
  for (k = 0; k < m->n_cols; k++) {
    fputc(' ', out);
    md_text(out, ifm_matrix_cert_text(&m->cols[k], buf, sizeof buf));
    fputs(" |", out);
  }
  fputc('\n', out);
  for (v = 0; v < IFM_VERDICT_COUNT; v++) {
    md_cells_start(out, ifm_verdict_name((ifm_verdict)v));
    for (k = 0; k < m->n_cols; k++) {
      if (m->cols[k].report) ifm_report_count(m->cols[k].report, counts);
      else counts[v] = 0;
      fprintf(out, " %zu |", counts[v]);
    }
    fputc('\n', out);
  }
  md_run_row(out, m, "Profile", 0);
  md_run_row(out, m, "ifmatch", 1);
  md_run_row(out, m, "Started", 2);
  md_run_row(out, m, "Target", 3);
  md_cells_start(out, "Report");
  for (k = 0; k < m->n_cols; k++) {
    if (m->cols[k].report_href) {
      fputs(" [HTML report](", out);
      ifm_matrix_write_url(out, m->cols[k].report_href, NULL);
      fputs(") |", out);
    } else {
      fputs(" no HTML report |", out);
    }
  }
  fputc('\n', out);
}

static void md_req_row(FILE *out, const ifm_matrix *m, size_t first, size_t end) {
  const ifm_matrix_row *row = &m->rows[first];
  size_t k, same, run;
  fputs("| **", out);
  if (row->req) {
    fprintf(out, "%s** %s, %s: ", row->req->id, ifm_level_name(row->req->level), row->req->spec);
    md_text(out, row->req->summary);
  } else if (row->requirement) {
    md_text(out, row->requirement);
    fputs("** (not in the catalogue)", out);
  } else {
    fputs("(no requirement)**", out);
  }
  fputs(" |", out);
  for (k = 0; k < m->n_cols; k++) {
    const ifm_result *w = ifm_matrix_worst(m, first, end, k, &same, &run);
    if (w) fprintf(out, " **%s %zu/%zu** |", ifm_matrix_cell_word(w), same, run);
    else fputs(" \xe2\x80\x94 |", out);
  }
  fputc('\n', out);
}

static void md_case_row(FILE *out, const ifm_matrix *m, size_t i) {
  const ifm_matrix_row *row = &m->rows[i];
  size_t k;
  fputs("| ", out);
  md_text(out, row->case_id);
  fputs(" |", out);
  for (k = 0; k < m->n_cols; k++) {
    const ifm_result *r = row->cells[k];
    if (r && m->cols[k].report_href) {
      fprintf(out, " [%s](", ifm_matrix_cell_word(r));
      ifm_matrix_write_url(out, m->cols[k].report_href, row->case_id);
      fputs(") |", out);
    } else {
      fprintf(out, " %s |", ifm_matrix_cell_word(r));
    }
  }
  fputc('\n', out);
}

/* sep and s, when there is an s. */
static void md_part(FILE *out, const char *sep, const char *s) {
  if (!s) return;
  fputs(sep, out);
  md_text(out, s);
}

/* One "- label, case: VERDICT. message ..." item. */
static void md_evidence_one(FILE *out, const ifm_matrix_column *c, const ifm_result *r) {
  fputs("- **", out);
  md_text(out, c->label ? c->label : "(no name)");
  fputs("**, ", out);
  md_text(out, r->case_id);
  fprintf(out, ": **%s**", ifm_matrix_cell_word(r));
  md_part(out, ". ", r->message);
  md_part(out, ". Expected: ", r->expected);
  md_part(out, ". Got: ", r->got);
  md_part(out, ". Spec: ", r->spec);
  if (r->waived) md_part(out, ". Waived: ", r->waiver_reason ? r->waiver_reason : "(no reason)");
  if (c->report_href) {
    fputs(". [Exchanges](", out);
    ifm_matrix_write_url(out, c->report_href, r->case_id);
    fputc(')', out);
  }
  fputc('\n', out);
}

int ifm_matrix_write_md(const ifm_matrix *m, FILE *out) {
  size_t first, end, i, k, n = 0;
  if (!m || !out) {
    errno = EINVAL;
    return -1;
  }
  fprintf(out, "# ifmatch implementation matrix\n\n%zu implementation%s, %zu case%s. Each cell is the case's "
          "verdict in that run, linked to the case in the run's HTML report when it is there; "
          "\xe2\x80\x94 : the run does not hold the case (not run, never a pass). Under each requirement: "
          "its worst verdict, how many cases have it, how many ran. What every cell that is not a PASS "
          "found is listed under the table.\n\n| Requirement / case |",
          m->n_cols, m->n_cols == 1 ? "" : "s", m->n_rows, m->n_rows == 1 ? "" : "s");
  for (k = 0; k < m->n_cols; k++) {
    fputc(' ', out);
    md_text(out, m->cols[k].label ? m->cols[k].label : "(no name)");
    fputs(" |", out);
  }
  fputs("\n|---|", out);
  for (k = 0; k < m->n_cols; k++) fputs("---|", out);
  fputc('\n', out);
  md_runs(out, m);
  for (first = 0; first < m->n_rows; first = end) {
    end = ifm_matrix_group_end(m, first);
    md_req_row(out, m, first, end);
    for (i = first; i < end; i++) md_case_row(out, m, i);
  }
  for (i = 0; i < m->n_rows; i++)
    for (k = 0; k < m->n_cols; k++) n += m->rows[i].cells[k] && m->rows[i].cells[k]->verdict != IFM_PASS;
  fprintf(out, "\n## Evidence (%zu cell%s not a PASS)\n\n", n, n == 1 ? "" : "s");
  if (!n) fputs("None.\n", out);
  for (i = 0; i < m->n_rows; i++)
    for (k = 0; k < m->n_cols; k++)
      if (m->rows[i].cells[k] && m->rows[i].cells[k]->verdict != IFM_PASS)
        md_evidence_one(out, &m->cols[k], m->rows[i].cells[k]);
  if (fflush(out) != 0 || ferror(out)) {
    if (!errno) errno = EIO;
    return -1;
  }
  return 0;
}
