/* ifm_baseline.c: see ifm_baseline.h. "Failing" means FAIL or ERROR and not
 * waived; "passing" means PASS. A case the baseline did not have counts as
 * newly failing when it fails now. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_baseline.h"
#include "ifm_buf.h"
#include "ifm_json_read.h"
#include "ifm_report_read.h"

#define BASELINE_MAX_BYTES (512u * 1024 * 1024)

static int failing(const char *verdict) {
  return verdict && (strcmp(verdict, "FAIL") == 0 || strcmp(verdict, "ERROR") == 0);
}

/* The verdict of case id in the earlier results, or NULL; a waived failure
 * counts as not failing (it was known). */
static const char *old_verdict(const ifm_jval *results, const char *id, int *waived) {
  size_t i;
  *waived = 0;
  for (i = 0; i < results->n; i++) {
    const ifm_jval *r = &results->items[i];
    const char *cid = ifm_json_get_str(r, "case_id");
    if (cid && strcmp(cid, id) == 0) {
      const ifm_jval *w = ifm_json_get(r, "waived");
      *waived = w && w->type == IFM_J_BOOL && w->b;
      return ifm_json_get_str(r, "verdict");
    }
  }
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

int ifm_baseline_compare(const char *path, ifm_report *rep, char *err, size_t errlen) {
  ifm_buf b = IFM_BUF_INIT;
  ifm_jval root;
  ifm_jerr je;
  const ifm_jval *results, *version;
  const char *format;
  size_t i;
  int rc = -1;
  if (ifm_file_read_all(path, BASELINE_MAX_BYTES, &b, err, errlen) != 0) goto out;
  if (ifm_json_parse(b.p ? b.p : "", b.len, &root, &je) != 0) {
    snprintf(err, errlen, "%s:%d:%d: %s", path, je.line, je.col, je.msg);
    goto out;
  }
  format = ifm_json_get_str(&root, "format");
  version = ifm_json_get(&root, "version");
  results = ifm_json_get(&root, "results");
  if (!format || strcmp(format, "ifmatch-report") != 0 || !version || version->type != IFM_J_NUM ||
      version->num != 1 || !results || results->type != IFM_J_ARR) {
    snprintf(err, errlen, "%s:1:1: not an ifmatch JSON report of version 1 (written with --json)", path);
    ifm_json_clear(&root);
    goto out;
  }
  rep->baseline = ifm_strdup(path);
  for (i = 0; i < rep->n_results; i++) {
    const ifm_result *res = &rep->results[i];
    int was_waived;
    const char *old = old_verdict(results, res->case_id, &was_waived);
    int now_failing = (res->verdict == IFM_FAIL || res->verdict == IFM_ERROR) && !res->waived;
    int was_failing = failing(old) && !was_waived;
    if (now_failing && !was_failing && push_id(&rep->newly_failing, &rep->n_newly_failing, res->case_id))
      break;
    if (res->verdict == IFM_PASS && failing(old) &&
        push_id(&rep->newly_passing, &rep->n_newly_passing, res->case_id))
      break;
  }
  ifm_json_clear(&root);
  rc = i == rep->n_results && rep->baseline ? 0 : -1;
  if (rc) snprintf(err, errlen, "%s: out of memory", path);
out:
  ifm_buf_clear(&b);
  return rc;
}
