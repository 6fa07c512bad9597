/* ifm_json.c: the JSON report, the one meant for programs (dashboards, diff
 * tools, a vendor's own CI gate).
 *
 * The format is versioned ("format": "ifmatch-report", "version": 1) and every
 * field is documented in reports/README.md; a field is never left out, a
 * missing string is null. Change the layout only together with that document
 * and, if a reader could misread old or new output, with the version.
 *
 * Strings go through ifm_escape (IFM_ESCAPE_JSON): RFC 8259 escapes for '"',
 * '\' and the controls, \u2028 and \u2029 escaped too (JavaScript), and a
 * byte b >= 0x80 that is not part of valid UTF-8 written as U+00bb ("\u00bb"),
 * so the output is always valid UTF-8. Numbers with a fraction are written
 * with three decimals by ifm_escape_fixed3, whatever the C locale says.
 */
#include "ifm_reports.h"
#include "ifm_escape.h"

#include <errno.h>
#include <string.h>

static void json_str(FILE *out, const char *s) {
  if (!s) {
    fputs("null", out);
    return;
  }
  fputc('"', out);
  ifm_escape_puts(out, IFM_ESCAPE_JSON, s);
  fputc('"', out);
}

static void json_bytes(FILE *out, const char *s, size_t len) {
  fputc('"', out);
  ifm_escape_write(out, IFM_ESCAPE_JSON, s, s ? len : 0);
  fputc('"', out);
}

/* `"key": "value"` with the separator that precedes it. */
static void json_key_str(FILE *out, int indent, const char *key, const char *s) {
  fprintf(out, ",\n%*s\"%s\": ", indent, "", key);
  json_str(out, s);
}

static void json_key_ms(FILE *out, int indent, const char *key, double ms) {
  fprintf(out, ",\n%*s\"%s\": ", indent, "", key);
  ifm_escape_fixed3(out, ifm_escape_round(ms * 1000.0));
}

static void json_headers(FILE *out, const ifm_field *f, size_t n) {
  size_t i;

  fputc('[', out);
  for (i = 0; f && i < n; i++) {
    fputs(i ? ", [" : "[", out);
    json_str(out, f[i].name ? f[i].name : "");
    fputs(", ", out);
    json_bytes(out, f[i].value, f[i].value_len);
    if (f[i].value_total) fprintf(out, ", %zu", f[i].value_total);   /* the value was cut */
    fputc(']', out);
  }
  fputc(']', out);
}

static void json_omitted(FILE *out, size_t fields, size_t bytes) {
  fprintf(out, ", \"headers_omitted\": %zu, \"header_bytes_omitted\": %zu", fields, bytes);
}

static void json_body(FILE *out, const char *body, size_t len, size_t total,
                      unsigned long long hash) {
  if (!body) len = 0;
  fputs(", \"body\": ", out);
  json_bytes(out, body, len);
  fprintf(out, ", \"body_total\": %zu, \"body_truncated\": %s, \"body_hash\": \"%016llx\"",
          total, total > len ? "true" : "false", hash);
}

static void json_exchange(FILE *out, const ifm_exchange *x) {
  fprintf(out, "        {\n          \"step\": %d,\n          \"client\": %d,\n"
               "          \"round\": %d,\n          \"named\": %s", x->step, x->client, x->round,
          x->named ? "true" : "false");
  json_key_str(out, 10, "method", x->method);
  json_key_str(out, 10, "url", x->url);
  fputs(",\n          \"request\": {\"headers\": ", out);
  json_headers(out, x->req_headers, x->n_req_headers);
  json_omitted(out, x->req_headers_omitted, x->req_header_bytes_omitted);
  json_body(out, x->req_body, x->req_body_len, x->req_body_total, x->req_body_hash);
  fprintf(out, "},\n          \"response\": {\"status\": %d, \"headers\": ", x->status);
  json_headers(out, x->resp_headers, x->n_resp_headers);
  json_omitted(out, x->resp_headers_omitted, x->resp_header_bytes_omitted);
  json_body(out, x->resp_body, x->resp_body_len, x->resp_body_total, x->resp_body_hash);
  fputc('}', out);
  json_key_str(out, 10, "error", x->error);
  fputs(",\n          \"timings\": {\"start\": ", out);
  ifm_escape_fixed3(out, ifm_escape_round(x->t_start * 1000.0));
  fputs(", \"release\": ", out);
  ifm_escape_fixed3(out, ifm_escape_round(x->t_release * 1000.0));
  fputs(", \"first_byte\": ", out);
  ifm_escape_fixed3(out, ifm_escape_round(x->t_first_byte * 1000.0));
  fputs(", \"done\": ", out);
  ifm_escape_fixed3(out, ifm_escape_round(x->t_done * 1000.0));
  fputs("}\n        }", out);
}

static void json_result(FILE *out, const ifm_report *r, const ifm_result *res) {
  size_t i;

  fputs("    {\n      \"case_id\": ", out);
  json_str(out, res->case_id);
  json_key_str(out, 6, "requirement", res->requirement);
  json_key_str(out, 6, "title", res->title);
  json_key_str(out, 6, "spec", res->spec);
  json_key_str(out, 6, "file", ifm_report_relfile(r, res->file));
  json_key_str(out, 6, "level", ifm_level_name(res->level));
  json_key_str(out, 6, "verdict", ifm_verdict_name(res->verdict));
  json_key_str(out, 6, "message", res->message);
  json_key_str(out, 6, "expected", res->expected);
  json_key_str(out, 6, "got", res->got);
  if (res->failed_step > 0) fprintf(out, ",\n      \"failed_step\": %d", res->failed_step);
  else fputs(",\n      \"failed_step\": null", out);
  if (res->failed_round > 0) fprintf(out, ",\n      \"failed_round\": %d", res->failed_round);
  else fputs(",\n      \"failed_round\": null", out);
  fprintf(out, ",\n      \"waived\": %s", res->waived ? "true" : "false");
  json_key_str(out, 6, "waiver_reason", res->waiver_reason);
  json_key_ms(out, 6, "duration_ms", res->duration_ms);
  fprintf(out, ",\n      \"exchanges_omitted\": %zu", res->exchanges_omitted);
  if (!res->exchanges || res->n_exchanges == 0) {
    fputs(",\n      \"exchanges\": []\n    }", out);
    return;
  }
  fputs(",\n      \"exchanges\": [\n", out);
  for (i = 0; i < res->n_exchanges; i++) {
    if (i) fputs(",\n", out);
    json_exchange(out, &res->exchanges[i]);
  }
  fputs("\n      ]\n    }", out);
}

static void json_id_list(FILE *out, const char *key, char *const *ids, size_t n) {
  size_t i;
  fprintf(out, ", \"%s\": [", key);
  for (i = 0; i < n; i++) {
    if (i) fputs(", ", out);
    json_bytes(out, ids[i], strlen(ids[i]));
  }
  fputc(']', out);
}

/* "baseline": null, or what changed since the --baseline report. */
static void json_baseline(FILE *out, const ifm_report *r) {
  if (!r->baseline) {
    fputs(",\n  \"baseline\": null", out);
    return;
  }
  fputs(",\n  \"baseline\": {\"file\": ", out);
  json_bytes(out, r->baseline, strlen(r->baseline));
  json_id_list(out, "newly_failing", r->newly_failing, r->n_newly_failing);
  json_id_list(out, "newly_passing", r->newly_passing, r->n_newly_passing);
  fputc('}', out);
}

int ifm_report_write_json(const ifm_report *r, FILE *out) {
  size_t counts[IFM_VERDICT_COUNT], i;
  int v;

  if (!r || !out) {
    errno = EINVAL;
    return -1;
  }
  fputs("{\n  \"format\": \"ifmatch-report\",\n  \"version\": 1", out);
  json_key_str(out, 2, "tool_version", r->tool_version);
  json_key_str(out, 2, "target", r->target);
  if (r->proxy) json_key_str(out, 2, "proxy", r->proxy);
  json_key_str(out, 2, "profile", r->profile);
  json_key_str(out, 2, "started_at", r->started_at);
  json_key_ms(out, 2, "duration_ms", r->duration_ms);
  fprintf(out, ",\n  \"interrupted\": %s,\n  \"conformant\": %s",
          r->interrupted ? "true" : "false", ifm_report_conformant(r) ? "true" : "false");
  json_key_str(out, 2, "verdict", ifm_report_verdict(r));
  if (r->not_tested) json_key_str(out, 2, "not_tested", r->not_tested);
  else fputs(",\n  \"not_tested\": null", out);
  fputs(",\n  \"counts\": {", out);
  ifm_report_count(r, counts);
  for (v = 0; v < IFM_VERDICT_COUNT; v++)
    fprintf(out, "%s\"%s\": %zu", v ? ", " : "", ifm_verdict_name((ifm_verdict)v), counts[v]);
  fputc('}', out);
  json_baseline(out, r);
  if (r->n_results == 0) {
    fputs(",\n  \"results\": []\n}\n", out);
  } else {
    fputs(",\n  \"results\": [\n", out);
    for (i = 0; i < r->n_results; i++) {
      if (i) fputs(",\n", out);
      json_result(out, r, &r->results[i]);
    }
    fputs("\n  ]\n}\n", out);
  }
  if (fflush(out) != 0 || ferror(out)) {
    if (!errno) errno = EIO;
    return -1;
  }
  return 0;
}
