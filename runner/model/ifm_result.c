/* ifm_result.c: the results model's memory and its two derived facts, the
 * counts per verdict and the suite verdict.
 *
 * The report owns every string and array reachable from it; the runner fills
 * it with ifm_report_add(), ifm_result_add_exchange() and ifm_field_append()
 * (or with its own malloc'd pointers), and ifm_report_free() releases it all.
 * The suite verdict lives here, not in a writer, so that TAP, JUnit, JSON and
 * HTML can never disagree about it (DESIGN.md, "Verdicts and exit codes").
 */
#include "ifm_result.h"

#include <stdlib.h>
#include <string.h>

static const char *const verdict_names[IFM_VERDICT_COUNT] = {
  "PASS", "FAIL", "WARN", "INFO", "SKIP", "ERROR"
};

const char *ifm_verdict_name(ifm_verdict v) {
  /* A verdict out of range is a bug upstream: report it as the run breaking. */
  if ((int)v < 0 || v >= IFM_VERDICT_COUNT) return "ERROR";
  return verdict_names[v];
}

const char *ifm_level_name(ifm_level l) {
  switch (l) {
  case IFM_MUST: return "MUST";
  case IFM_SHOULD: return "SHOULD";
  case IFM_MAY: return "MAY";
  }
  return "UNKNOWN";
}

ifm_report *ifm_report_new(void) {
  return calloc(1, sizeof(ifm_report));
}

void ifm_report_free(ifm_report *r) {
  size_t i;

  if (!r) return;
  for (i = 0; i < r->n_results; i++) ifm_result_clear(&r->results[i]);
  free(r->results);
  free(r->tool_version);
  free(r->target);
  free(r->proxy);
  free(r->profile);
  free(r->started_at);
  free(r->not_tested);
  free(r->name);
  free(r->suite_root);
  free(r->baseline);
  for (i = 0; i < r->n_newly_failing; i++) free(r->newly_failing[i]);
  free(r->newly_failing);
  for (i = 0; i < r->n_newly_passing; i++) free(r->newly_passing[i]);
  free(r->newly_passing);
  free(r);
}

ifm_result *ifm_report_add(ifm_report *r) {
  ifm_result *res;

  if (!r) return NULL;
  if (r->n_results == r->cap_results) {
    size_t cap = r->cap_results ? r->cap_results * 2 : 16;
    ifm_result *grown;

    if (cap > (size_t)-1 / sizeof(ifm_result)) return NULL;
    grown = realloc(r->results, cap * sizeof(ifm_result));
    if (!grown) return NULL;
    r->results = grown;
    r->cap_results = cap;
  }
  res = &r->results[r->n_results++];
  memset(res, 0, sizeof *res);
  return res;
}

void ifm_result_clear(ifm_result *res) {
  size_t i;

  if (!res) return;
  free(res->case_id);
  free(res->requirement);
  free(res->title);
  free(res->spec);
  free(res->file);
  free(res->message);
  free(res->expected);
  free(res->got);
  free(res->waiver_reason);
  for (i = 0; i < res->n_exchanges; i++) ifm_exchange_clear(&res->exchanges[i]);
  free(res->exchanges);
  memset(res, 0, sizeof *res);
}

ifm_exchange *ifm_result_add_exchange(ifm_result *res) {
  ifm_exchange *grown, *x;

  if (!res || res->n_exchanges >= (size_t)-1 / sizeof(ifm_exchange) - 1) return NULL;
  /* Grown by one: a case has a handful of exchanges (a parallel step a few
   * dozen), and the runner may have sized the array itself. */
  grown = realloc(res->exchanges, (res->n_exchanges + 1) * sizeof(ifm_exchange));
  if (!grown) return NULL;
  res->exchanges = grown;
  x = &grown[res->n_exchanges++];
  memset(x, 0, sizeof *x);
  x->client = -1;
  return x;
}

void ifm_report_count(const ifm_report *r, size_t counts[IFM_VERDICT_COUNT]) {
  size_t i;

  memset(counts, 0, IFM_VERDICT_COUNT * sizeof counts[0]);
  if (!r) return;
  for (i = 0; i < r->n_results; i++) {
    ifm_verdict v = r->results[i].verdict;

    counts[((int)v < 0 || v >= IFM_VERDICT_COUNT) ? IFM_ERROR : v]++;
  }
}

int ifm_report_conformant(const ifm_report *r) {
  size_t i;

  if (!r || r->interrupted || r->not_tested || r->n_results == 0) return 0;
  for (i = 0; i < r->n_results; i++) {
    const ifm_result *res = &r->results[i];

    if (res->verdict == IFM_FAIL && !res->waived) return 0;
    if (res->verdict != IFM_PASS && res->verdict != IFM_FAIL &&
        res->verdict != IFM_WARN && res->verdict != IFM_INFO &&
        res->verdict != IFM_SKIP)
      return 0;   /* ERROR, or out of range (counted as ERROR) */
  }
  return 1;
}

/* A FAIL not waived, or (in a run that was not cut short) an ERROR. */
static int has_fault(const ifm_report *r) {
  size_t i;
  if (r->not_tested) return 0;
  for (i = 0; i < r->n_results; i++) {
    ifm_verdict v = r->results[i].verdict;
    if (v == IFM_FAIL && !r->results[i].waived) return 1;
    /* a cut-short run has the ERRORs of the cases it stopped: only a FAIL
     * found before the cut says something of the server then */
    if (!r->interrupted && (v == IFM_ERROR || (int)v < 0 || v >= IFM_VERDICT_COUNT)) return 1;
  }
  return 0;
}

int ifm_report_not_tested(const ifm_report *r) {
  if (!r) return 1;
  if (r->not_tested || r->n_results == 0) return 1;
  return r->interrupted && !has_fault(r);
}

const char *ifm_report_verdict(const ifm_report *r) {
  if (ifm_report_not_tested(r)) return "NOT TESTED";
  return ifm_report_conformant(r) ? "CONFORMANT" : "NOT CONFORMANT";
}

const char *ifm_report_relfile(const ifm_report *r, const char *file) {
  size_t n;
  if (!file || !*file) return NULL;
  if (r && r->suite_root && *r->suite_root) {
    n = strlen(r->suite_root);
    while (n > 0 && r->suite_root[n - 1] == '/') n--;
    if (strncmp(file, r->suite_root, n) == 0 && file[n] == '/') file += n + 1;
  }
  while (file[0] == '.' && file[1] == '/') file += 2;
  return *file ? file : NULL;
}
