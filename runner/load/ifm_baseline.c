/* ifm_baseline.c: see ifm_baseline.h. "Failing" means FAIL or ERROR and not
 * waived; "passing" means PASS. A case the baseline did not have counts as
 * newly failing when it fails now. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_baseline.h"
#include "ifm_buf.h"
#include "ifm_report_read.h"

static int failing(ifm_verdict v) { return v == IFM_FAIL || v == IFM_ERROR; }

/* The earlier result of case id, or NULL. */
static const ifm_result *old_result(const ifm_report *old, const char *id) {
  size_t i;
  for (i = 0; i < old->n_results; i++)
    if (strcmp(old->results[i].case_id, id) == 0) return &old->results[i];
  return NULL;
}

static int push_id(char ***arr, size_t *n, const char *id) {
  char **a = realloc(*arr, (*n + 1) * sizeof *a);
  if (!a) return -1;
  *arr = a;
  if (!(a[*n] = ifm_strdup(id))) return -1;
  (*n)++;
  return 0;
}

/* A waived failure in the baseline counts as not failing (it was known). */
int ifm_baseline_compare(const char *path, ifm_report *rep, char *err, size_t errlen) {
  ifm_report *old = ifm_report_new();
  size_t i;
  int rc = -1;
  if (!old) {
    snprintf(err, errlen, "%s: out of memory", path);
    return -1;
  }
  if (ifm_report_read_json(path, old, err, errlen) != 0) goto out;
  if (!(rep->baseline = ifm_strdup(path))) goto oom;
  for (i = 0; i < rep->n_results; i++) {
    const ifm_result *res = &rep->results[i], *was = old_result(old, res->case_id);
    int now_failing = failing(res->verdict) && !res->waived;
    int was_failing = was && failing(was->verdict) && !was->waived;
    if (now_failing && !was_failing && push_id(&rep->newly_failing, &rep->n_newly_failing, res->case_id))
      goto oom;
    if (res->verdict == IFM_PASS && was && failing(was->verdict) &&
        push_id(&rep->newly_passing, &rep->n_newly_passing, res->case_id))
      goto oom;
  }
  rc = 0;
  goto out;
oom:
  snprintf(err, errlen, "%s: out of memory", path);
out:
  ifm_report_free(old);
  return rc;
}
