/* ifm_report_read.c: see ifm_report_read.h. The keys are those of
 * reports/ifm_json.c (reports/report.schema.json describes them). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_json_read.h"
#include "ifm_report_read.h"

#define REPORT_MAX_BYTES (512u * 1024 * 1024)

int ifm_file_read_all(const char *path, size_t max, ifm_buf *b, char *err, size_t errlen) {
  char chunk[65536];
  size_t n, start = b->len;
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    return -1;
  }
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
    if (b->len - start + n > max || ifm_buf_append(b, chunk, n) != 0) {
      snprintf(err, errlen, "%s: larger than %zu MiB or out of memory", path, max >> 20);
      fclose(f);
      return -1;
    }
  }
  if (ferror(f)) {
    snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
    fclose(f);
    return -1;
  }
  fclose(f);
  return 0;
}

static int dup_field(const ifm_jval *obj, const char *key, char **out) {
  const ifm_jval *v = ifm_json_get(obj, key);
  if (!v || v->type == IFM_J_NULL) return 0;
  if (v->type != IFM_J_STR) return -1;
  *out = ifm_strndup(v->s, v->slen);
  return *out ? 0 : -1;
}

/* An optional boolean: absent leaves *out as it is. */
static int get_bool(const ifm_jval *obj, const char *key, int *out) {
  const ifm_jval *v = ifm_json_get(obj, key);
  if (!v) return 0;
  if (v->type != IFM_J_BOOL) return -1;
  *out = v->b;
  return 0;
}

static int name_index(const char *s, const char *(*name)(int), int n) {
  int i;
  for (i = 0; s && i < n; i++)
    if (strcmp(s, name(i)) == 0) return i;
  return -1;
}

static const char *verdict_name(int v) { return ifm_verdict_name((ifm_verdict)v); }
static const char *level_name(int l) { return ifm_level_name((ifm_level)l); }

/* One result; returns NULL or the key at fault. Only case_id and verdict
 * are required (a baseline may be written by hand); verify compares what it
 * issues from the report byte for byte, so leniency here hides nothing. */
static const char *read_result(const ifm_jval *o, ifm_result *res) {
  const ifm_jval *step = ifm_json_get(o, "failed_step");
  int v, l;
  if (o->type != IFM_J_OBJ) return "results[]";
  if (dup_field(o, "case_id", &res->case_id) || !res->case_id) return "case_id";
  if (dup_field(o, "requirement", &res->requirement)) return "requirement";
  if (dup_field(o, "title", &res->title)) return "title";
  if (dup_field(o, "spec", &res->spec)) return "spec";
  if (dup_field(o, "file", &res->file)) return "file";
  if (dup_field(o, "message", &res->message)) return "message";
  if (dup_field(o, "expected", &res->expected)) return "expected";
  if (dup_field(o, "got", &res->got)) return "got";
  if (dup_field(o, "waiver_reason", &res->waiver_reason)) return "waiver_reason";
  if ((v = name_index(ifm_json_get_str(o, "verdict"), verdict_name, IFM_VERDICT_COUNT)) < 0) return "verdict";
  /* a level may be left out (MUST), as a hand-made baseline may */
  l = ifm_json_get(o, "level") ? name_index(ifm_json_get_str(o, "level"), level_name, 3) : (int)IFM_MUST;
  if (l < 0) return "level";
  res->verdict = (ifm_verdict)v;
  res->level = (ifm_level)l;
  if (get_bool(o, "waived", &res->waived)) return "waived";
  if (step && step->type == IFM_J_NUM) res->failed_step = (int)step->num;
  return NULL;
}

int ifm_report_read_json(const char *path, ifm_report *rep, char *err, size_t errlen) {
  ifm_buf b = IFM_BUF_INIT;
  ifm_jval root;
  ifm_jerr je;
  const ifm_jval *results, *version;
  const char *format, *bad = NULL;
  size_t i;
  int rc = -1;
  if (ifm_file_read_all(path, REPORT_MAX_BYTES, &b, err, errlen) != 0) goto out;
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
  if (dup_field(&root, "tool_version", &rep->tool_version)) bad = "tool_version";
  else if (dup_field(&root, "target", &rep->target)) bad = "target";
  else if (dup_field(&root, "profile", &rep->profile)) bad = "profile";
  else if (dup_field(&root, "started_at", &rep->started_at)) bad = "started_at";
  else if (dup_field(&root, "not_tested", &rep->not_tested)) bad = "not_tested";
  else if (get_bool(&root, "interrupted", &rep->interrupted)) bad = "interrupted";
  for (i = 0; !bad && i < results->n; i++) {
    ifm_result *res = ifm_report_add(rep);
    if (!res) bad = "results (out of memory)";
    else bad = read_result(&results->items[i], res);
  }
  if (bad) snprintf(err, errlen, "%s: the key '%s'%s is missing or of the wrong type", path, bad,
                    i ? " of a result" : "");
  else rc = 0;
  ifm_json_clear(&root);
out:
  ifm_buf_clear(&b);
  return rc;
}
