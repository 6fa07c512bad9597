/* ifm_matrix.c: the implementation matrix's rows (see ifm_matrix.h) and
 * what its two writers share: the worst verdict of a requirement, the words
 * of a cell and of a certificate status, and URLs.
 *
 * The rows are the union of the case ids of every run. They are found by
 * sorting (id, column, position) triples rather than by searching each run
 * for each id, so a matrix of large reports stays n log n. */
#include "ifm_matrix.h"

#include <stdlib.h>
#include <string.h>
#include "ifm_err.h"

typedef struct mx_entry {
  const ifm_result *res;
  size_t col, pos;
} mx_entry;

static int entry_cmp(const void *a, const void *b) {
  const mx_entry *x = a, *y = b;
  int c = strcmp(x->res->case_id, y->res->case_id);
  if (c) return c;
  if (x->col != y->col) return x->col < y->col ? -1 : 1;
  return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* A row under construction: where it first appeared, for the order. */
typedef struct mx_key {
  size_t col, pos, row;
} mx_key;

static const ifm_matrix *sort_matrix;   /* qsort has no context argument */

/* Catalogue rows first in catalogue order, then unknown requirements by
 * name, then rows with none; in a requirement, first appearance. */
static int row_cmp(const void *a, const void *b) {
  const mx_key *x = a, *y = b;
  const ifm_matrix_row *r = &sort_matrix->rows[x->row], *s = &sort_matrix->rows[y->row];
  int rx = r->req ? r->req->number : r->requirement ? 100000 : 200000;
  int ry = s->req ? s->req->number : s->requirement ? 100000 : 200000;
  int c;
  if (rx != ry) return rx < ry ? -1 : 1;
  if (!r->req && r->requirement && s->requirement && (c = strcmp(r->requirement, s->requirement)) != 0) return c;
  if (x->col != y->col) return x->col < y->col ? -1 : 1;
  return x->pos < y->pos ? -1 : x->pos > y->pos;
}

void ifm_matrix_clear(ifm_matrix *m) {
  if (!m) return;
  free(m->rows);
  free(m->cells);
  memset(m, 0, sizeof *m);
}

/* Puts the rows in their order, moving their cells along. */
static int order_rows(ifm_matrix *m, mx_key *keys) {
  ifm_matrix_row *rows = malloc(m->n_rows * sizeof *rows + 1);
  const ifm_result **cells = malloc(m->n_rows * m->n_cols * sizeof *cells + 1);
  size_t i;
  if (!rows || !cells) {
    free(rows);
    free(cells);
    return IFM_ERR_NOMEM;
  }
  sort_matrix = m;
  qsort(keys, m->n_rows, sizeof *keys, row_cmp);
  sort_matrix = NULL;
  for (i = 0; i < m->n_rows; i++) {
    rows[i] = m->rows[keys[i].row];
    rows[i].cells = cells + i * m->n_cols;
    memcpy(rows[i].cells, m->rows[keys[i].row].cells, m->n_cols * sizeof *cells);
  }
  free(m->rows);
  free(m->cells);
  m->rows = rows;
  m->cells = cells;
  return IFM_OK;
}

int ifm_matrix_build(ifm_matrix *m, const ifm_matrix_column *cols, size_t n) {
  size_t total = 0, k, i, e, row;
  mx_entry *all;
  mx_key *keys;
  int rc;
  memset(m, 0, sizeof *m);
  m->cols = cols;
  m->n_cols = n;
  for (k = 0; k < n; k++) total += cols[k].report ? cols[k].report->n_results : 0;
  all = malloc(total * sizeof *all + 1);
  keys = malloc(total * sizeof *keys + 1);
  m->rows = malloc(total * sizeof *m->rows + 1);
  m->cells = calloc(total * n + 1, sizeof *m->cells);
  if (!all || !keys || !m->rows || !m->cells) {
    free(all);
    free(keys);
    ifm_matrix_clear(m);
    return IFM_ERR_NOMEM;
  }
  for (e = 0, k = 0; k < n; k++)
    for (i = 0; cols[k].report && i < cols[k].report->n_results; i++)
      if (cols[k].report->results[i].case_id) {
        all[e].res = &cols[k].report->results[i];
        all[e].col = k;
        all[e++].pos = i;
      }
  qsort(all, e, sizeof *all, entry_cmp);
  for (i = 0; i < e; i++) {
    if (i == 0 || strcmp(all[i].res->case_id, all[i - 1].res->case_id) != 0) {
      row = m->n_rows++;
      m->rows[row].case_id = all[i].res->case_id;
      m->rows[row].requirement = all[i].res->requirement;
      m->rows[row].req = all[i].res->requirement ? ifm_catalogue_find(all[i].res->requirement) : NULL;
      m->rows[row].title = all[i].res->title;
      m->rows[row].cells = m->cells + row * n;
      keys[row].col = all[i].col;
      keys[row].pos = all[i].pos;
      keys[row].row = row;
    }
    row = m->n_rows - 1;
    if (!m->rows[row].cells[all[i].col]) m->rows[row].cells[all[i].col] = all[i].res;
    if (!m->rows[row].title) m->rows[row].title = all[i].res->title;
  }
  rc = order_rows(m, keys);
  free(all);
  free(keys);
  if (rc != IFM_OK) ifm_matrix_clear(m);
  return rc;
}

static int same_req(const ifm_matrix_row *a, const ifm_matrix_row *b) {
  if (!a->requirement || !b->requirement) return !a->requirement && !b->requirement;
  return strcmp(a->requirement, b->requirement) == 0;
}

size_t ifm_matrix_group_end(const ifm_matrix *m, size_t first) {
  size_t i = first + 1;
  while (i < m->n_rows && same_req(&m->rows[first], &m->rows[i])) i++;
  return i;
}

/* How bad a result is: the order of ifm_matrix_worst. */
static int badness(const ifm_result *r) {
  switch (r->verdict) {
    case IFM_PASS: return 0;
    case IFM_SKIP: return 1;
    case IFM_INFO: return 2;
    case IFM_WARN: return 3;
    case IFM_FAIL: return r->waived ? 4 : 6;
    default: return 5;     /* ERROR, and a verdict out of range counts as one */
  }
}

const ifm_result *ifm_matrix_worst(const ifm_matrix *m, size_t first, size_t end, size_t col, size_t *same,
                                   size_t *run) {
  const ifm_result *worst = NULL, *r;
  size_t i;
  *same = *run = 0;
  for (i = first; i < end && i < m->n_rows; i++) {
    if (!(r = m->rows[i].cells[col])) continue;
    (*run)++;
    if (!worst || badness(r) > badness(worst)) {
      worst = r;
      *same = 1;
    } else if (badness(r) == badness(worst)) {
      (*same)++;
    }
  }
  return worst;
}

const char *ifm_matrix_cell_word(const ifm_result *res) {
  if (!res) return "\xe2\x80\x94";
  if (res->verdict == IFM_FAIL && res->waived) return "FAIL (waived)";
  if ((unsigned)res->verdict >= IFM_VERDICT_COUNT) return "ERROR";
  return ifm_verdict_name(res->verdict);
}

const char *ifm_matrix_cert_text(const ifm_matrix_column *c, char *buf, size_t len) {
  const char *v = c->cert_verdict ? c->cert_verdict : "?";
  switch (c->cert) {
    case IFM_MATRIX_CERT_SIGNED:
      snprintf(buf, len, "certified (signed by %s): %s", c->cert_signer ? c->cert_signer : "?", v);
      break;
    case IFM_MATRIX_CERT_UNSIGNED: snprintf(buf, len, "certified (unsigned): %s", v); break;
    case IFM_MATRIX_CERT_MISMATCH: snprintf(buf, len, "certificate does not match this report"); break;
    case IFM_MATRIX_CERT_UNCHECKED: snprintf(buf, len, "certificate could not be checked"); break;
    default:
      snprintf(buf, len, "no certificate; verdict %s", c->report ? ifm_report_verdict(c->report) : "NOT TESTED");
  }
  return buf;
}

int ifm_matrix_cert_green(const ifm_matrix_column *c) {
  if (c->cert != IFM_MATRIX_CERT_SIGNED && c->cert != IFM_MATRIX_CERT_UNSIGNED) return 0;
  return c->cert_verdict && strncmp(c->cert_verdict, "CONFORMANT", 10) == 0 && c->report &&
         !ifm_report_not_tested(c->report);
}

static void url_encode(FILE *out, const char *s, int keep_slash) {
  static const char hex[] = "0123456789ABCDEF";
  const unsigned char *p = (const unsigned char *)s;
  for (; *p; p++) {
    if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
        *p == '.' || *p == '_' || *p == '~' || (keep_slash && *p == '/'))
      fputc(*p, out);
    else
      fprintf(out, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
  }
}

void ifm_matrix_write_url(FILE *out, const char *href, const char *case_id) {
  if (href) url_encode(out, href, 1);
  if (case_id) {
    fputs("#case-", out);
    url_encode(out, case_id, 0);
  }
}
