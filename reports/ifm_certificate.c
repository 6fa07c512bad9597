/* ifm_certificate.c: see ifm_certificate.h. The JSON form is versioned
 * ("format": "ifmatch-certificate", "version": 1) and documented in
 * reports/README.md. */
#include <errno.h>
#include <string.h>
#include "ifm_certificate.h"
#include "ifm_escape.h"

int ifm_certificate_conformant(const ifm_report *r, const ifm_cert_info *ci) {
  return ifm_report_conformant(r) && !r->interrupted && !(ci->filter && *ci->filter);
}

static void json_str(FILE *out, const char *key, const char *v, int comma) {
  fprintf(out, "%s\n  \"%s\": ", comma ? "," : "", key);
  if (!v) {
    fputs("null", out);
    return;
  }
  fputc('"', out);
  ifm_escape_puts(out, IFM_ESCAPE_JSON, v);
  fputc('"', out);
}

/* counts[level][verdict] */
static void count_levels(const ifm_report *r, size_t counts[3][IFM_VERDICT_COUNT]) {
  size_t i;
  memset(counts, 0, sizeof(size_t) * 3 * IFM_VERDICT_COUNT);
  for (i = 0; i < r->n_results; i++) {
    const ifm_result *res = &r->results[i];
    unsigned l = res->level <= IFM_MAY ? (unsigned)res->level : 0;
    unsigned v = res->verdict < IFM_VERDICT_COUNT ? (unsigned)res->verdict : IFM_ERROR;
    counts[l][v]++;
  }
}

/* Writes the ids of results that match, as a JSON array. */
static void json_ids(FILE *out, const char *key, const ifm_report *r, int (*pick)(const ifm_result *)) {
  size_t i;
  int first = 1;
  fprintf(out, ",\n  \"%s\": [", key);
  for (i = 0; i < r->n_results; i++) {
    if (!pick(&r->results[i])) continue;
    fputs(first ? "\"" : ", \"", out);
    ifm_escape_puts(out, IFM_ESCAPE_JSON, r->results[i].case_id);
    fputc('"', out);
    first = 0;
  }
  fputc(']', out);
}

static int pick_failure(const ifm_result *res) { return res->verdict == IFM_FAIL && !res->waived; }
static int pick_error(const ifm_result *res) { return res->verdict == IFM_ERROR; }
static int pick_stale(const ifm_result *res) { return res->waived && res->verdict == IFM_PASS; }

/* The requirement IDs of the unwaived failures, each once, first-seen order. */
static void json_requirements(FILE *out, const ifm_report *r) {
  size_t i, k;
  int first = 1;
  fputs(",\n  \"failed_requirements\": [", out);
  for (i = 0; i < r->n_results; i++) {
    const ifm_result *res = &r->results[i];
    int seen = 0;
    if (!pick_failure(res) || !res->requirement) continue;
    for (k = 0; k < i && !seen; k++)
      seen = pick_failure(&r->results[k]) && r->results[k].requirement &&
             strcmp(r->results[k].requirement, res->requirement) == 0;
    if (seen) continue;
    fputs(first ? "\"" : ", \"", out);
    ifm_escape_puts(out, IFM_ESCAPE_JSON, res->requirement);
    fputc('"', out);
    first = 0;
  }
  fputc(']', out);
}

static int finish(FILE *out) {
  if (fflush(out) != 0 || ferror(out)) {
    if (!errno) errno = EIO;
    return -1;
  }
  return 0;
}

/* NOT TESTED when nothing was judged (ifm_report_verdict); otherwise a
 * filtered run or anything short of conformant is NOT CONFORMANT. */
static size_t n_waived_fails(const ifm_report *r) {
  size_t i, n = 0;
  for (i = 0; i < r->n_results; i++) n += r->results[i].waived && r->results[i].verdict == IFM_FAIL;
  return n;
}

/* A conformant run with waived failures says so in its verdict: "CONFORMANT
 * WITH N WAIVERS", never a bare CONFORMANT. buf holds the text. */
static const char *cert_verdict_buf(const ifm_report *r, const ifm_cert_info *ci, char *buf, size_t len) {
  size_t w = n_waived_fails(r);
  if (ifm_report_not_tested(r)) return "NOT TESTED";
  if (!ifm_certificate_conformant(r, ci)) return "NOT CONFORMANT";
  if (!w) return "CONFORMANT";
  snprintf(buf, len, "CONFORMANT WITH %zu WAIVER%s", w, w == 1 ? "" : "S");
  return buf;
}

static const char *cert_verdict(const ifm_report *r, const ifm_cert_info *ci) {
  static char buf[64];
  return cert_verdict_buf(r, ci, buf, sizeof buf);
}

/* One line of the list: what, the case, its requirement, and why. */
static void text_line(FILE *out, const char *what, const ifm_result *res) {
  /* messages quote what servers sent: escaped like a TAP line, one line each */
  fputs(what, out);
  ifm_escape_puts(out, IFM_ESCAPE_TAP, res->case_id);
  fputs(" (", out);
  ifm_escape_puts(out, IFM_ESCAPE_TAP, res->requirement ? res->requirement : "?");
  fputs(")", out);
  if (res->waived && res->waiver_reason) {
    fputs(": ", out);
    ifm_escape_puts(out, IFM_ESCAPE_TAP, res->waiver_reason);
  } else if (res->message) {
    fputs(": ", out);
    ifm_escape_puts(out, IFM_ESCAPE_TAP, res->message);
  }
  fputc('\n', out);
}

int ifm_certificate_write_json(const ifm_report *r, const ifm_cert_info *ci, FILE *out) {
  size_t counts[3][IFM_VERDICT_COUNT], i;
  int l, v, first = 1;
  count_levels(r, counts);
  fputs("{\n  \"format\": \"ifmatch-certificate\",\n  \"version\": 1", out);
  json_str(out, "tool_version", r->tool_version, 1);
  json_str(out, "issued_at", r->started_at, 1);
  json_str(out, "target", r->target, 1);
  json_str(out, "target_file", ci->target_file, 1);
  json_str(out, "profile", r->profile, 1);
  fprintf(out, ",\n  \"suite\": {\"files\": %zu, \"cases\": %zu, \"run\": %zu, \"sha256\": \"%s\"",
          ci->suite_files, ci->suite_cases, r->n_results, ci->suite_sha256 ? ci->suite_sha256 : "");
  fputs(", \"filter\": ", out);
  if (ci->filter) {
    fputc('"', out);
    ifm_escape_puts(out, IFM_ESCAPE_JSON, ci->filter);
    fputc('"', out);
  } else {
    fputs("null", out);
  }
  fputs("},\n  \"counts\": {", out);
  for (l = 0; l < 3; l++) {
    fprintf(out, "%s\"%s\": {", l ? ", " : "", ifm_level_name((ifm_level)l));
    for (v = 0; v < IFM_VERDICT_COUNT; v++)
      fprintf(out, "%s\"%s\": %zu", v ? ", " : "", ifm_verdict_name((ifm_verdict)v), counts[l][v]);
    fputc('}', out);
  }
  fputc('}', out);
  json_str(out, "waivers_file", ci->waivers_file, 1);
  fputs(",\n  \"waivers\": [", out);
  for (i = 0; i < r->n_results; i++) {
    const ifm_result *res = &r->results[i];
    if (!res->waived || res->verdict != IFM_FAIL) continue;
    fputs(first ? "{\"case\": \"" : ", {\"case\": \"", out);
    ifm_escape_puts(out, IFM_ESCAPE_JSON, res->case_id);
    fputs("\", \"reason\": \"", out);
    ifm_escape_puts(out, IFM_ESCAPE_JSON, res->waiver_reason);
    fputs("\"}", out);
    first = 0;
  }
  fputc(']', out);
  json_ids(out, "stale_waivers", r, pick_stale);
  json_ids(out, "failures", r, pick_failure);
  json_requirements(out, r);
  json_ids(out, "errors", r, pick_error);
  fprintf(out, ",\n  \"interrupted\": %s", r->interrupted ? "true" : "false");
  json_str(out, "verdict", cert_verdict(r, ci), 1);
  fputs("\n}\n", out);
  return finish(out);
}

int ifm_certificate_write_text(const ifm_report *r, const ifm_cert_info *ci, FILE *out) {
  size_t counts[3][IFM_VERDICT_COUNT], i;
  int l;
  count_levels(r, counts);
  /* the verdict first, and the waived failures right under it */
  fprintf(out, "ifmatch certificate: %s\n===================\n\n", cert_verdict(r, ci));
  fprintf(out, "Verdict:      %s\n", cert_verdict(r, ci));
  if (r->not_tested) fprintf(out, "Not tested:   %s\n", r->not_tested);
  if (n_waived_fails(r)) {
    fprintf(out, "Waived:       %zu failure%s the vendor declared (each with its reason):\n", n_waived_fails(r),
            n_waived_fails(r) == 1 ? "" : "s");
    for (i = 0; i < r->n_results; i++)
      if (r->results[i].waived && r->results[i].verdict == IFM_FAIL) text_line(out, "  WAIVED ", &r->results[i]);
  }
  fprintf(out, "Target:       %s%s%s%s\n", r->target ? r->target : "?", ci->target_file ? " (" : "",
          ci->target_file ? ci->target_file : "", ci->target_file ? ")" : "");
  fprintf(out, "Profile:      %s\n", r->profile ? r->profile : "?");
  fprintf(out, "Suite:        ifmatch %s, %zu cases in %zu files, sha256 %s\n",
          r->tool_version ? r->tool_version : "?", ci->suite_cases, ci->suite_files,
          ci->suite_sha256 ? ci->suite_sha256 : "?");
  if (ci->filter) fprintf(out, "Filter:       %s (a filtered run cannot certify)\n", ci->filter);
  fprintf(out, "Issued:       %s\n\n", r->started_at ? r->started_at : "?");
  fprintf(out, "%-7s %5s %5s %5s %5s %5s %5s\n", "level", "pass", "fail", "warn", "info", "skip", "error");
  for (l = 0; l < 3; l++)
    fprintf(out, "%-7s %5zu %5zu %5zu %5zu %5zu %5zu\n", ifm_level_name((ifm_level)l), counts[l][IFM_PASS],
            counts[l][IFM_FAIL], counts[l][IFM_WARN], counts[l][IFM_INFO], counts[l][IFM_SKIP],
            counts[l][IFM_ERROR]);
  if (r->interrupted) fputs("\nThe run was interrupted: the results are partial.\n", out);
  fputc('\n', out);
  for (i = 0; i < r->n_results; i++) {
    const ifm_result *res = &r->results[i];
    const char *what = pick_failure(res) ? "FAIL   " : pick_error(res) ? "ERROR  " :
                       pick_stale(res) ? "STALE  " : NULL;     /* the waived ones are listed above */
    if (what) text_line(out, what, res);
  }
  return finish(out);
}
