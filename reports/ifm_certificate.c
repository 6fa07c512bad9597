/* ifm_certificate.c: see ifm_certificate.h. The JSON form is documented in
 * reports/README.md ("Certificate") and by reports/certificate.schema.json. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_certificate.h"
#include "ifm_escape.h"
#include "ifm_sha256.h"

#define DIGEST_MARK ",\n  \"digest\": \""

int ifm_certificate_conformant(const ifm_report *r, const ifm_certinfo *ci) {
  return ifm_report_conformant(r) && !r->interrupted && !(ci->filter && *ci->filter);
}

static void json_quoted(FILE *out, const char *v) {
  if (!v) {
    fputs("null", out);
    return;
  }
  fputc('"', out);
  ifm_escape_puts(out, IFM_ESCAPE_JSON, v);
  fputc('"', out);
}

/* ,\n<indent>"key": "v" (or null) */
static void json_str(FILE *out, int indent, const char *key, const char *v) {
  fprintf(out, ",\n%*s\"%s\": ", indent, "", key);
  json_quoted(out, v);
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

static int pick_failure(const ifm_result *res) { return res->verdict == IFM_FAIL && !res->waived; }
static int pick_error(const ifm_result *res) { return res->verdict == IFM_ERROR; }
static int pick_stale(const ifm_result *res) { return res->waived && res->verdict == IFM_PASS; }
static int pick_waived(const ifm_result *res) { return res->waived && res->verdict == IFM_FAIL; }
static int pick_skip(const ifm_result *res) { return res->verdict == IFM_SKIP; }

/* The ids of results that match, as a JSON array. */
static void json_ids(FILE *out, const char *key, const ifm_report *r, int (*pick)(const ifm_result *)) {
  size_t i;
  int first = 1;
  fprintf(out, ",\n  \"%s\": [", key);
  for (i = 0; i < r->n_results; i++) {
    if (!pick(&r->results[i])) continue;
    fputs(first ? "" : ", ", out);
    json_quoted(out, r->results[i].case_id);
    first = 0;
  }
  fputc(']', out);
}

/* [{"case": id, "reason": why}, ...] for the results that match, one a line. */
static void json_reasons(FILE *out, const char *key, const ifm_report *r, int (*pick)(const ifm_result *),
                         int waiver) {
  size_t i;
  int first = 1;
  fprintf(out, ",\n  \"%s\": [", key);
  for (i = 0; i < r->n_results; i++) {
    const ifm_result *res = &r->results[i];
    if (!pick(res)) continue;
    fputs(first ? "\n    {\"case\": " : ",\n    {\"case\": ", out);
    json_quoted(out, res->case_id);
    fputs(", \"reason\": ", out);
    json_quoted(out, waiver ? res->waiver_reason : res->message);
    fputc('}', out);
    first = 0;
  }
  fputs(first ? "]" : "\n  ]", out);
}

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
    fputs(first ? "" : ", ", out);
    json_quoted(out, res->requirement);
    first = 0;
  }
  fputc(']', out);
}

static size_t count_pick(const ifm_report *r, int (*pick)(const ifm_result *)) {
  size_t i, n = 0;
  for (i = 0; i < r->n_results; i++) n += pick(&r->results[i]) != 0;
  return n;
}

/* A conformant run with waived failures says so in its verdict: "CONFORMANT
 * WITH N WAIVERS", never a bare CONFORMANT. */
const char *ifm_certificate_verdict(const ifm_report *r, const ifm_certinfo *ci, char *buf, size_t len) {
  size_t w = count_pick(r, pick_waived);
  if (ifm_report_not_tested(r)) snprintf(buf, len, "NOT TESTED");
  else if (!ifm_certificate_conformant(r, ci)) snprintf(buf, len, "NOT CONFORMANT");
  else if (!w) snprintf(buf, len, "CONFORMANT");
  else snprintf(buf, len, "CONFORMANT WITH %zu WAIVER%s", w, w == 1 ? "" : "S");
  return buf;
}

/* The "inputs" object: what the verdict was reached with. */
static void json_inputs(FILE *out, const ifm_certinfo *ci) {
  size_t i;
  fputs(",\n  \"inputs\": {\n    \"profile_file\": ", out);
  json_quoted(out, ci->profile_file);
  json_str(out, 4, "profile_sha256", ci->profile_sha256);
  json_str(out, 4, "target_file", ci->target_file);
  json_str(out, 4, "target_sha256", ci->target_sha256);
  json_str(out, 4, "target_text", ci->target_text);
  fputs(",\n    \"profile_overrides\": [", out);
  for (i = 0; i < ci->n_overrides; i++) {
    fputs(i ? ", {\"key\": " : "{\"key\": ", out);
    json_quoted(out, ci->overrides[i].key);
    fputs(", \"statuses\": ", out);
    json_quoted(out, ci->overrides[i].statuses);
    fputs(", \"at\": ", out);
    json_quoted(out, ci->overrides[i].at);
    fputc('}', out);
  }
  fputs("],\n    \"capabilities\": [", out);
  for (i = 0; i < ci->n_capabilities; i++) {
    fputs(i ? ", " : "", out);
    json_quoted(out, ci->capabilities[i]);
  }
  fputc(']', out);
  json_str(out, 4, "waivers_file", ci->waivers_file);
  json_str(out, 4, "waivers_sha256", ci->waivers_sha256);
  fputs("\n  }", out);
}

/* Everything up to the digest: the part the digest and the signature cover. */
static void json_body(const ifm_report *r, const ifm_certinfo *ci, FILE *out) {
  size_t counts[3][IFM_VERDICT_COUNT], i;
  char vbuf[64];
  int l, v;
  count_levels(r, counts);
  fputs("{\n  \"format\": \"ifmatch-certificate\",\n  \"version\": 2", out);
  json_str(out, 2, "verdict", ifm_certificate_verdict(r, ci, vbuf, sizeof vbuf));
  json_str(out, 2, "not_tested", ifm_report_not_tested(r) ? (r->not_tested ? r->not_tested : "nothing was judged")
                                                          : NULL);
  json_str(out, 2, "tool_version", r->tool_version);
  json_str(out, 2, "issued_at", r->started_at);
  json_str(out, 2, "target", r->target);
  json_str(out, 2, "profile", r->profile);
  fprintf(out, ",\n  \"suite\": {\"files\": %zu, \"cases\": %zu, \"run\": %zu, \"sha256\": ", ci->suite_files,
          ci->suite_cases, r->n_results);
  json_quoted(out, ci->suite_sha256 ? ci->suite_sha256 : "");
  fputs(", \"filter\": ", out);
  json_quoted(out, ci->filter);
  fputc('}', out);
  json_inputs(out, ci);
  fputs(",\n  \"counts\": {", out);
  for (l = 0; l < 3; l++) {
    fprintf(out, "%s\"%s\": {", l ? ", " : "", ifm_level_name((ifm_level)l));
    for (v = 0; v < IFM_VERDICT_COUNT; v++)
      fprintf(out, "%s\"%s\": %zu", v ? ", " : "", ifm_verdict_name((ifm_verdict)v), counts[l][v]);
    fputc('}', out);
  }
  fputc('}', out);
  json_reasons(out, "waivers", r, pick_waived, 1);
  json_ids(out, "stale_waivers", r, pick_stale);
  json_ids(out, "failures", r, pick_failure);
  json_requirements(out, r);
  json_ids(out, "errors", r, pick_error);
  json_reasons(out, "skipped", r, pick_skip, 0);
  fprintf(out, ",\n  \"interrupted\": %s", r->interrupted ? "true" : "false");
  fputs(",\n  \"reports\": [", out);
  for (i = 0; i < ci->n_reports; i++) {
    fputs(i ? ", {\"file\": " : "{\"file\": ", out);
    json_quoted(out, ci->reports[i].name);
    fputs(", \"sha256\": ", out);
    json_quoted(out, ci->reports[i].sha256);
    fputc('}', out);
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

int ifm_certificate_write_json(const ifm_report *r, const ifm_certinfo *ci, FILE *out, char *err,
                               size_t errlen) {
  char *body = NULL, hex[65], sig[256], why[256];
  size_t len = 0;
  FILE *m = open_memstream(&body, &len);
  const char *value = ci->sig_value;
  if (!m) return -1;
  json_body(r, ci, m);
  if (fclose(m) != 0 || !body) {
    free(body);
    errno = ENOMEM;
    return -1;
  }
  ifm_sha256_hex(body, len, hex);
  if (ci->sig_algorithm && ci->sign) {
    why[0] = '\0';
    if (ci->sign(body, len, sig, sizeof sig, why, sizeof why, ci->sign_ctx) != 0) {
      if (err) snprintf(err, errlen, "cannot sign the certificate: %s", why[0] ? why : "?");
      free(body);
      errno = EINVAL;
      return -1;
    }
    value = sig;
  }
  fwrite(body, 1, len, out);
  free(body);
  fprintf(out, DIGEST_MARK "sha256:%s\"", hex);
  if (ci->sig_algorithm) {
    fputs(",\n  \"signature\": {\"algorithm\": ", out);
    json_quoted(out, ci->sig_algorithm);
    fputs(", \"public_key\": ", out);
    json_quoted(out, ci->sig_public_key);
    fputs(", \"value\": ", out);
    json_quoted(out, value ? value : "");
    fputc('}', out);
  } else {
    fputs(",\n  \"signature\": null", out);
  }
  fputs("\n}\n", out);
  return finish(out);
}

size_t ifm_certificate_signed_len(const char *buf, size_t len) {
  size_t m = sizeof DIGEST_MARK - 1, i;
  for (i = len >= m ? len - m + 1 : 0; i-- > 0;)
    if (memcmp(buf + i, DIGEST_MARK, m) == 0) return i;
  return 0;
}

/* One line of a list: what, the case, its requirement, and why. Messages
 * quote what servers sent: escaped like a TAP line, one line each. */
static void text_line(FILE *out, const char *what, const ifm_result *res) {
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

static void text_field(FILE *out, const char *label, const char *v) {
  fprintf(out, "%-14s", label);
  ifm_escape_puts(out, IFM_ESCAPE_TAP, v ? v : "?");
  fputc('\n', out);
}

/* The inputs, as the JSON pins them. */
static void text_inputs(FILE *out, const ifm_certinfo *ci) {
  size_t i;
  fprintf(out, "Profile file: %s sha256 %s\n", ci->profile_file ? ci->profile_file : "(built in)",
          ci->profile_sha256 ? ci->profile_sha256 : "-");
  if (ci->target_file)
    fprintf(out, "Target file:  sha256 %s (secrets removed; the text is in certificate.json)\n",
            ci->target_sha256 ? ci->target_sha256 : "?");
  for (i = 0; i < ci->n_overrides; i++) {
    fputs(i ? "              " : "Overrides:    ", out);
    ifm_escape_puts(out, IFM_ESCAPE_TAP, ci->overrides[i].key);
    fputs(" = ", out);
    ifm_escape_puts(out, IFM_ESCAPE_TAP, ci->overrides[i].statuses);
    fputs(" (", out);
    ifm_escape_puts(out, IFM_ESCAPE_TAP, ci->overrides[i].at);
    fputs(")\n", out);
  }
  if (ci->n_capabilities) {
    fputs("Capabilities:", out);
    for (i = 0; i < ci->n_capabilities; i++) {
      fputc(' ', out);
      ifm_escape_puts(out, IFM_ESCAPE_TAP, ci->capabilities[i]);
    }
    fputc('\n', out);
  }
  if (ci->waivers_file) {
    fputs("Waivers file: ", out);
    ifm_escape_puts(out, IFM_ESCAPE_TAP, ci->waivers_file);
    fprintf(out, " sha256 %s\n", ci->waivers_sha256 ? ci->waivers_sha256 : "?");
  }
  if (ci->sig_algorithm) {
    fputs("Signed:       ", out);
    ifm_escape_puts(out, IFM_ESCAPE_TAP, ci->sig_algorithm);
    fputs(" key ", out);
    ifm_escape_puts(out, IFM_ESCAPE_TAP, ci->sig_public_key ? ci->sig_public_key : "?");
    fputc('\n', out);
  }
}

int ifm_certificate_write_text(const ifm_report *r, const ifm_certinfo *ci, FILE *out) {
  size_t counts[3][IFM_VERDICT_COUNT], i, n;
  char vbuf[64];
  const char *verdict = ifm_certificate_verdict(r, ci, vbuf, sizeof vbuf);
  int l;
  count_levels(r, counts);
  /* the verdict first, and the waived failures right under it */
  fprintf(out, "ifmatch certificate: %s\n===================\n\n", verdict);
  fprintf(out, "Verdict:      %s\n", verdict);
  if (ifm_report_not_tested(r)) text_field(out, "Not tested:", r->not_tested ? r->not_tested : "nothing was judged");
  if ((n = count_pick(r, pick_waived))) {
    fprintf(out, "Waived:       %zu failure%s the vendor declared (each with its reason):\n", n, n == 1 ? "" : "s");
    for (i = 0; i < r->n_results; i++)
      if (pick_waived(&r->results[i])) text_line(out, "  WAIVED ", &r->results[i]);
  }
  fputs("Target:       ", out);
  ifm_escape_puts(out, IFM_ESCAPE_TAP, r->target ? r->target : "?");
  if (ci->target_file) {
    fputs(" (", out);
    ifm_escape_puts(out, IFM_ESCAPE_TAP, ci->target_file);
    fputc(')', out);
  }
  fputc('\n', out);
  text_field(out, "Profile:", r->profile);
  fprintf(out, "Suite:        ifmatch %s, %zu cases in %zu files, sha256 %s\n",
          r->tool_version ? r->tool_version : "?", ci->suite_cases, ci->suite_files,
          ci->suite_sha256 ? ci->suite_sha256 : "?");
  if (ci->filter) fprintf(out, "Filter:       %s (a filtered run cannot certify)\n", ci->filter);
  text_inputs(out, ci);
  text_field(out, "Issued:", r->started_at);
  fputc('\n', out);
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
                       pick_stale(res) ? "STALE  " : pick_skip(res) ? "SKIP   " : NULL;
    if (what) text_line(out, what, res);
  }
  fputs("\nCheck it: ifmatch verify certificate.json (with its reports beside it)\n", out);
  return finish(out);
}
