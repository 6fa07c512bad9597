/* ifm_waiver.c: waiver files (see ifm_waiver.h): loaded with the same strict
 * YAML reader as case files, checked against the suite, applied to a
 * report. The ifm_waivers owns its patterns, reasons and path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ifm_buf.h"
#include "ifm_waiver.h"
#include "ifm_yaml.h"

static int w_case(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ifm_waiver *w = obj;
  if (ifm_yaml_string(y, value, "case", &w->pattern) != 0) return -1;
  if (strpbrk(w->pattern, "*?[")) {
    ifm_yaml_error(y, value, "case: a waiver names one case id exactly ('%s' is a pattern): a glob could "
                   "waive failures it was not written for", w->pattern);
    return -1;
  }
  return 0;
}

/* expires: YYYY-MM-DD, a real calendar day. */
static int w_expires(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ifm_waiver *w = obj;
  char *s = NULL, today[11];
  int yy, mm, dd, n = 0, ok;
  static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  time_t now = time(NULL);
  struct tm tm;
  if (ifm_yaml_string(y, value, "expires", &s) != 0) return -1;
  ok = strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d%n", &yy, &mm, &dd, &n) == 3 && n == 10 && s[4] == '-' &&
       s[7] == '-' && yy >= 2000 && mm >= 1 && mm <= 12 && dd >= 1 && dd <= mdays[mm - 1] &&
       !(mm == 2 && dd == 29 && (yy % 4 || (yy % 100 == 0 && yy % 400)));
  if (!ok) {
    ifm_yaml_error(y, value, "expires: '%s' is not a day as YYYY-MM-DD", s);
    free(s);
    return -1;
  }
  memcpy(w->expires, s, 11);
  free(s);
  gmtime_r(&now, &tm);
  strftime(today, sizeof today, "%Y-%m-%d", &tm);
  w->expired = strcmp(w->expires, today) < 0;
  return 0;
}

static int w_reason(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ifm_waiver *w = obj;
  if (ifm_yaml_string(y, value, "reason", &w->reason) != 0) return -1;
  if (!*w->reason) {
    ifm_yaml_error(y, value, "reason: a waiver needs a reason");
    return -1;
  }
  return 0;
}

static const ifm_yaml_field waiver_fields[] = {
    {"case", IFM_YF_REQUIRED, w_case},
    {"reason", IFM_YF_REQUIRED, w_reason},
    {"expires", 0, w_expires},
};

static int top_waivers(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ifm_waivers *ws = obj;
  size_t i, n;
  int rc = 0;
  if (!ifm_yaml_want_list(y, value, "waivers")) return -1;
  n = ifm_yaml_count(value);
  if (n == 0) return 0;
  ws->items = calloc(n, sizeof *ws->items);
  if (!ws->items) return ifm_yaml_oom(y, value);
  ws->n = n;
  for (i = 0; i < n; i++) {
    const ifm_yaml_node *item = ifm_yaml_item(y, value, i);
    ws->items[i].pos = ifm_yaml_pos(y, item);
    if (!ifm_yaml_want_map(y, item, "waiver") ||
        ifm_yaml_fields(y, item, "waiver", waiver_fields,
                        sizeof waiver_fields / sizeof waiver_fields[0], &ws->items[i]) != 0)
      rc = -1;
  }
  return rc;
}

static const ifm_yaml_field top_fields[] = {{"waivers", IFM_YF_REQUIRED, top_waivers}};

int ifm_waivers_load(const char *path, ifm_waivers *out, ifm_errors *err) {
  ifm_yaml y;
  char *buf = NULL;
  size_t len = 0;
  const ifm_yaml_node *root;
  int parsed;
  memset(out, 0, sizeof *out);
  memset(&y, 0, sizeof y);
  if (!(out->path = ifm_strdup(path))) return -1;
  if (ifm_yaml_read_file(path, &buf, &len, err) != 0) {
    ifm_waivers_clear(out);
    return -1;
  }
  parsed = ifm_yaml_parse(&y, out->path, buf, len, err) == 0;
  free(buf);              /* the tree holds what it needs */
  if (parsed && (root = ifm_yaml_root(&y)) && ifm_yaml_want_map(&y, root, "a waivers file"))
    ifm_yaml_fields(&y, root, "a waivers file", top_fields, 1, out);
  ifm_yaml_done(&y);
  if (y.n_errors) {
    char *keep = out->path;     /* positions in err point at it: keep the name */
    out->path = NULL;
    ifm_waivers_clear(out);
    out->path = keep;
    return -1;
  }
  return 0;
}

void ifm_waivers_clear(ifm_waivers *w) {
  size_t i;
  for (i = 0; i < w->n; i++) {
    free(w->items[i].pattern);
    free(w->items[i].reason);
  }
  free(w->items);
  free(w->path);
  memset(w, 0, sizeof *w);
}

int ifm_waivers_check(ifm_waivers *w, const ifm_suite *suite, ifm_errors *err) {
  size_t i, f, k;
  int rc = 0;
  for (i = 0; i < w->n; i++) {
    ifm_waiver *wv = &w->items[i];
    wv->matched = 0;
    for (f = 0; f < suite->n_files; f++)
      for (k = 0; k < suite->files[f].n_cases; k++)
        wv->matched += strcmp(wv->pattern, suite->files[f].cases[k].id) == 0;
    if (!wv->matched) {
      ifm_errors_add(err, &wv->pos, "waiver '%s' names no case of the suite", wv->pattern);
      rc = -1;
    }
  }
  return rc;
}

size_t ifm_waivers_apply(const ifm_waivers *w, ifm_report *rep) {
  size_t r, i, stale = 0;
  for (r = 0; r < rep->n_results; r++) {
    ifm_result *res = &rep->results[r];
    for (i = 0; i < w->n; i++) {
      if (w->items[i].expired || strcmp(w->items[i].pattern, res->case_id) != 0) continue;
      res->waived = 1;
      free(res->waiver_reason);
      res->waiver_reason = ifm_strdup(w->items[i].reason);
      stale += res->verdict == IFM_PASS;   /* it was expected to fail */
      break;
    }
  }
  return stale;
}
