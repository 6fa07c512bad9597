/* ifm_matrix.h: the implementation matrix (`ifmatch matrix`): the runs of
 * several servers, or of several versions of one, side by side, case by
 * case, in the manner of Autobahn|Testsuite's matrix of WebSocket servers.
 *
 * Rows are the cases, grouped by requirement in catalogue order
 * (runner/model/ifm_catalogue.h), each group headed by a row holding the
 * worst verdict of its cases per implementation; columns are the runs. A
 * case a run does not hold (another suite, a --filter) is "not run", never a
 * PASS. Above the cases, per run: its verdict, its certificate status, the
 * counts per verdict, profile, tool version, start time and target.
 *
 * The writers see only results models and what the caller says about each
 * run (its label, where its HTML report is, its certificate's status): the
 * command (runner/cli/ifm_cmd_matrix.c) reads the files and checks the
 * certificates. HTML: one self-contained polyglot page whose cells link to
 * the run's HTML report (REPORT.html#case-ID) and, for every cell that is
 * not a PASS, to the message, expected, got and spec written in the page
 * itself. Markdown: a GitHub-flavoured table and the same evidence as a
 * list. Every string from a report goes through ifm_escape. */
#ifndef IFM_MATRIX_H
#define IFM_MATRIX_H

#include <stddef.h>
#include <stdio.h>
#include "ifm_catalogue.h"
#include "ifm_result.h"

/* What is known of a run's certificate. */
typedef enum ifm_matrix_cert {
  IFM_MATRIX_CERT_NONE = 0,  /* no certificate: the run's own verdict is shown */
  IFM_MATRIX_CERT_SIGNED,    /* one that holds for this report, signed (cert_signer) */
  IFM_MATRIX_CERT_UNSIGNED,  /* one that holds for this report, not signed */
  IFM_MATRIX_CERT_MISMATCH,  /* one that does not hold for this report */
  IFM_MATRIX_CERT_UNCHECKED  /* one that could not be checked (a report it pins is missing) */
} ifm_matrix_cert;

/* One implementation (a column). Nothing is owned: the caller keeps every
 * pointer alive while the matrix is used, and may change report_href
 * between writes (it is relative to each page's folder). */
typedef struct ifm_matrix_column {
  const char *label;          /* the column's heading */
  const ifm_report *report;   /* the run, as read from its JSON report */
  const char *source;         /* the JSON report's path as given, or NULL */
  const char *report_href;    /* the run's HTML report, a path relative to the page (not
                                 yet URL-encoded), or NULL when there is none */
  ifm_matrix_cert cert;
  const char *cert_verdict;   /* SIGNED, UNSIGNED: the certificate's verdict */
  const char *cert_signer;    /* SIGNED: the signer's public key (base64) */
} ifm_matrix_column;

/* One case (a row). cells[k] is its result in column k, NULL: not run. */
typedef struct ifm_matrix_row {
  const char *case_id;
  const char *requirement;          /* as the reports name it; NULL: none */
  const ifm_requirement *req;       /* its catalogue entry; NULL: not in the catalogue */
  const char *title;                /* from the first run that has the case */
  const ifm_result **cells;
} ifm_matrix_row;

/* The whole page: rows sorted by requirement (catalogue order, then the
 * requirements the catalogue lacks by name, then cases with none), and in a
 * requirement by first appearance (the first column's run order, then the
 * next column's). Owns rows and cells (ifm_matrix_clear). */
typedef struct ifm_matrix {
  const ifm_matrix_column *cols;
  size_t n_cols;
  ifm_matrix_row *rows;
  size_t n_rows;
  const ifm_result **cells;         /* n_rows * n_cols, rows[i].cells point in here */
} ifm_matrix;

/* Builds m from cols[0..n) (kept by pointer). A case id twice in one run:
 * its first result counts. Returns IFM_OK or IFM_ERR_NOMEM. */
int ifm_matrix_build(ifm_matrix *m, const ifm_matrix_column *cols, size_t n);
void ifm_matrix_clear(ifm_matrix *m);

/* The writers; each returns 0, or -1 when writing failed (errno set). */
int ifm_matrix_write_html(const ifm_matrix *m, FILE *out);
int ifm_matrix_write_md(const ifm_matrix *m, FILE *out);

/* What the writers share. */
/* The end (one past) of the requirement group that starts at row first. */
size_t ifm_matrix_group_end(const ifm_matrix *m, size_t first);
/* The worst result of rows [first, end) in column col (FAIL, ERROR, waived
 * FAIL, WARN, INFO, SKIP, PASS, in that order), or NULL when none ran; *same:
 * how many have that verdict, *run: how many ran. */
const ifm_result *ifm_matrix_worst(const ifm_matrix *m, size_t first, size_t end, size_t col, size_t *same,
                                   size_t *run);
/* A cell's word: "PASS", "FAIL", "FAIL (waived)", ...; "\u2014" for not run. */
const char *ifm_matrix_cell_word(const ifm_result *res);
/* The certificate status in words, into buf: "certified (signed by KEY):
 * VERDICT", "certified (unsigned): VERDICT", "certificate does not match this
 * report", "certificate could not be checked", "no certificate; verdict V". */
const char *ifm_matrix_cert_text(const ifm_matrix_column *c, char *buf, size_t len);
/* 1 when the column's certificate may be shown green: one that holds and
 * says CONFORMANT (with or without waivers). Never for NOT TESTED. */
int ifm_matrix_cert_green(const ifm_matrix_column *c);
/* Writes href (percent-encoded but for '/'), then "#case-" and the case id
 * percent-encoded (the anchor the HTML report gives every case), when
 * case_id is not NULL. Only [A-Za-z0-9-._~/#%] are written. */
void ifm_matrix_write_url(FILE *out, const char *href, const char *case_id);

#endif
