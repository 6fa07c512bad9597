/* ifm_junit.c: the JUnit XML report, for CI systems (Jenkins, GitLab, GitHub
 * Actions annotators) that understand nothing else.
 *
 *   <testsuites name="ifmatch" tests failures errors skipped time>
 *     <testsuite name=FILE ...>            one per case file, first-seen order
 *       <properties> target, profile, tool_version, started_at, interrupted
 *       <testcase classname=FILE-derived name=CASE_ID time=SECONDS>
 *         <properties> requirement, spec, level, verdict, title, waived
 *         <failure message type="MUST">    FAIL
 *         <skipped message type="waived">  FAIL that a waiver names
 *         <error message type="ERROR">     ERROR
 *         <skipped message>                SKIP
 *         (nothing: a passed testcase)     PASS, WARN, INFO
 *         <system-out>                     verdict note and every exchange
 *
 * The failures/errors/skipped counts are those of the elements, so a tool
 * that recounts agrees. Text and attributes go through ifm_escape (XML 1.0):
 * markup characters become entities ("]]>" cannot survive, there is no CDATA
 * and no comment holds data) and characters XML 1.0 cannot carry at all
 * (controls, invalid UTF-8, U+FFFE, U+FFFF) become visible "\x01"-style text.
 */
#include "ifm_reports.h"
#include "ifm_escape.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Writes ` name="escaped"`. */
static void junit_attr(FILE *out, const char *name, const char *value) {
  fprintf(out, " %s=\"", name);
  ifm_escape_puts(out, IFM_ESCAPE_XML, value ? value : "");
  fputc('"', out);
}

static void junit_time_attr(FILE *out, long long ms) {
  fputs(" time=\"", out);
  ifm_escape_fixed3(out, ms);
  fputc('"', out);
}

static void junit_property(FILE *out, int indent, const char *name, const char *value) {
  fprintf(out, "%*s<property", indent, "");
  junit_attr(out, "name", name);
  junit_attr(out, "value", value);
  fputs("/>\n", out);
}

static int same_file(const char *a, const char *b) {
  if (!a || !b) return a == b;
  return strcmp(a, b) == 0;
}

/* "cases/stale/put.yaml" -> "cases.stale.put": a Java-ish class name, which
 * is how CI front ends group test cases. */
static char *junit_classname(const char *file) {
  size_t len;
  char *c, *p;

  if (!file || !*file) return strdup("ifmatch");
  while (file[0] == '.' && file[1] == '/') file += 2;
  len = strlen(file);
  if (len > 5 && strcmp(file + len - 5, ".yaml") == 0) len -= 5;
  else if (len > 4 && strcmp(file + len - 4, ".yml") == 0) len -= 4;
  c = malloc(len + 1);
  if (!c) return NULL;
  memcpy(c, file, len);
  c[len] = '\0';
  for (p = c; *p; p++)
    if (*p == '/' || *p == '\\') *p = '.';
  return c;
}

static void junit_headers(FILE *out, const char *dir, const ifm_field *f, size_t n) {
  size_t i;

  for (i = 0; f && i < n; i++) {
    fprintf(out, "%s ", dir);
    ifm_escape_puts(out, IFM_ESCAPE_XML, f[i].name);
    fputs(": ", out);
    ifm_escape_write(out, IFM_ESCAPE_XML, f[i].value, f[i].value ? f[i].value_len : 0);
    fputc('\n', out);
  }
}

static void junit_body(FILE *out, const char *dir, const char *body, size_t len, size_t total) {
  if (!body || len == 0) {
    if (total) fprintf(out, "%s (body: %zu bytes, not recorded)\n", dir, total);
    return;
  }
  fprintf(out, "%s (body: %zu bytes%s)\n", dir, total, total > len ? ", excerpt follows" : "");
  ifm_escape_write(out, IFM_ESCAPE_XML_BLOCK, body, len);
  fputc('\n', out);
}

/* One exchange as readable text, in the spirit of curl -v. */
static void junit_exchange(FILE *out, const ifm_exchange *x) {
  fprintf(out, "* step %d", x->step);
  if (x->client >= 0) fprintf(out, ", client %d, round %d", x->client, x->round);
  fputc('\n', out);
  fputs("&gt; ", out);
  ifm_escape_puts(out, IFM_ESCAPE_XML, x->method ? x->method : "(no method)");
  fputc(' ', out);
  ifm_escape_puts(out, IFM_ESCAPE_XML, x->url ? x->url : "(no url)");
  fputc('\n', out);
  junit_headers(out, "&gt;", x->req_headers, x->n_req_headers);
  junit_body(out, "&gt;", x->req_body, x->req_body_len, x->req_body_total);
  if (x->status) fprintf(out, "&lt; %d\n", x->status);
  else fputs("&lt; (no response)\n", out);
  junit_headers(out, "&lt;", x->resp_headers, x->n_resp_headers);
  junit_body(out, "&lt;", x->resp_body, x->resp_body_len, x->resp_body_total);
  if (x->error) {
    fputs("! ", out);
    ifm_escape_puts(out, IFM_ESCAPE_XML, x->error);
    fputc('\n', out);
  }
}

/* The body of <failure>/<error>: what the check wanted and what came. */
static void junit_evidence(FILE *out, const ifm_result *res) {
  fputs("expected: ", out);
  ifm_escape_puts(out, IFM_ESCAPE_XML, res->expected ? res->expected : "(none)");
  fputs("\ngot: ", out);
  ifm_escape_puts(out, IFM_ESCAPE_XML, res->got ? res->got : "(none)");
  fputs("\nspec: ", out);
  ifm_escape_puts(out, IFM_ESCAPE_XML, res->spec ? res->spec : "(none)");
  if (res->failed_step) fprintf(out, "\nstep: %d", res->failed_step);
}

static void junit_outcome(FILE *out, const ifm_result *res) {
  const char *msg = res->message ? res->message : ifm_verdict_name(res->verdict);

  switch (res->verdict) {
  case IFM_PASS: case IFM_WARN: case IFM_INFO:
    return;
  case IFM_SKIP:
    fputs("      <skipped", out);
    junit_attr(out, "message", msg);
    fputs("/>\n", out);
    return;
  case IFM_FAIL:
    if (res->waived) {
      fputs("      <skipped type=\"waived\" message=\"waived: ", out);
      ifm_escape_puts(out, IFM_ESCAPE_XML, res->waiver_reason ? res->waiver_reason : "(no reason)");
      fputs("\"/>\n", out);
      return;
    }
    fputs("      <failure", out);
    junit_attr(out, "message", msg);
    junit_attr(out, "type", ifm_level_name(res->level));
    fputc('>', out);
    junit_evidence(out, res);
    fputs("</failure>\n", out);
    return;
  default:
    fputs("      <error", out);
    junit_attr(out, "message", msg);
    junit_attr(out, "type", "ERROR");
    fputc('>', out);
    junit_evidence(out, res);
    fputs("</error>\n", out);
    return;
  }
}

static int junit_testcase(FILE *out, const ifm_result *res) {
  char *classname = junit_classname(res->file);
  size_t i;

  if (!classname) return -1;
  fputs("    <testcase", out);
  junit_attr(out, "classname", classname);
  junit_attr(out, "name", res->case_id ? res->case_id : "(no id)");
  junit_time_attr(out, ifm_escape_round(res->duration_ms));
  fputs(">\n      <properties>\n", out);
  junit_property(out, 8, "requirement", res->requirement);
  junit_property(out, 8, "spec", res->spec);
  junit_property(out, 8, "level", ifm_level_name(res->level));
  junit_property(out, 8, "verdict", ifm_verdict_name(res->verdict));
  junit_property(out, 8, "title", res->title);
  if (res->waived) junit_property(out, 8, "waived", res->waiver_reason ? res->waiver_reason : "");
  fputs("      </properties>\n", out);
  junit_outcome(out, res);
  free(classname);
  if (res->verdict == IFM_PASS) {           /* a PASS needs no evidence */
    fputs("    </testcase>\n", out);
    return 0;
  }
  fprintf(out, "      <system-out>%s", ifm_verdict_name(res->verdict));
  if (res->waived) fputs(" (waived)", out);
  fputs(": ", out);
  ifm_escape_puts(out, IFM_ESCAPE_XML, res->message ? res->message : "(no message)");
  fputc('\n', out);
  if (res->verdict == IFM_WARN || res->verdict == IFM_INFO) {
    junit_evidence(out, res);
    fputc('\n', out);
  }
  for (i = 0; res->exchanges && i < res->n_exchanges; i++) junit_exchange(out, &res->exchanges[i]);
  fputs("</system-out>\n    </testcase>\n", out);
  return 0;
}

/* The counts as JUnit sees them: a waived FAIL is a skipped testcase. */
static void junit_counts(FILE *out, const ifm_report *r, size_t first, int one_file) {
  size_t i, tests = 0, failures = 0, errors = 0, skipped = 0;
  long long ms = 0;

  for (i = first; i < r->n_results; i++) {
    const ifm_result *res = &r->results[i];

    if (one_file && !same_file(res->file, r->results[first].file)) continue;
    tests++;
    ms += ifm_escape_round(res->duration_ms);
    if (res->verdict == IFM_FAIL && res->waived) skipped++;
    else if (res->verdict == IFM_FAIL) failures++;
    else if (res->verdict == IFM_SKIP) skipped++;
    else if (res->verdict != IFM_PASS && res->verdict != IFM_WARN && res->verdict != IFM_INFO)
      errors++;
  }
  fprintf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\"",
          tests, failures, errors, skipped);
  junit_time_attr(out, one_file ? ms : ifm_escape_round(r->duration_ms));
}

static int junit_testsuite(FILE *out, const ifm_report *r, size_t first) {
  const char *file = r->results[first].file;
  size_t i;

  fputs("  <testsuite", out);
  junit_attr(out, "name", file ? file : "ifmatch");
  junit_counts(out, r, first, 1);
  if (r->started_at) junit_attr(out, "timestamp", r->started_at);
  fputs(">\n    <properties>\n", out);
  junit_property(out, 6, "target", r->target);
  junit_property(out, 6, "profile", r->profile);
  junit_property(out, 6, "tool_version", r->tool_version);
  junit_property(out, 6, "started_at", r->started_at);
  junit_property(out, 6, "interrupted", r->interrupted ? "true" : "false");
  junit_property(out, 6, "verdict", ifm_report_verdict(r));
  if (r->not_tested) junit_property(out, 6, "not_tested", r->not_tested);
  fputs("    </properties>\n", out);
  for (i = first; i < r->n_results; i++)
    if (same_file(r->results[i].file, file) && junit_testcase(out, &r->results[i]) != 0)
      return -1;
  fputs("  </testsuite>\n", out);
  return 0;
}

/* A run that judged no case at all (the target does not answer, nothing
 * was selected) is one testcase in error with the reason: an empty suite
 * reads as a green run in CI. */
static void junit_not_tested(FILE *out, const ifm_report *r) {
  const char *why = r->not_tested ? r->not_tested : "no case was run";
  fputs("<testsuites name=\"ifmatch\" tests=\"1\" failures=\"0\" errors=\"1\">\n  <testsuite", out);
  junit_attr(out, "name", "ifmatch");
  fputs(" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" time=\"0\"", out);
  if (r->started_at) junit_attr(out, "timestamp", r->started_at);
  fputs(">\n    <properties>\n", out);
  junit_property(out, 6, "target", r->target);
  junit_property(out, 6, "profile", r->profile);
  junit_property(out, 6, "tool_version", r->tool_version);
  junit_property(out, 6, "verdict", "NOT TESTED");
  fputs("    </properties>\n    <testcase classname=\"ifmatch\" name=\"run\" time=\"0\">\n      <error", out);
  junit_attr(out, "message", why);
  junit_attr(out, "type", "NOT TESTED");
  fputs("/>\n    </testcase>\n  </testsuite>\n</testsuites>\n", out);
}

int ifm_report_write_junit(const ifm_report *r, FILE *out) {
  size_t i, j;

  if (!r || !out) {
    errno = EINVAL;
    return -1;
  }
  fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
  if (r->n_results == 0) {
    junit_not_tested(out, r);
    return fflush(out) != 0 || ferror(out) ? (errno = errno ? errno : EIO, -1) : 0;
  }
  fputs("<testsuites name=\"ifmatch\"", out);
  junit_counts(out, r, 0, 0);
  fputs(">\n", out);
  for (i = 0; i < r->n_results; i++) {
    for (j = 0; j < i; j++)
      if (same_file(r->results[j].file, r->results[i].file)) break;
    if (j < i) continue;                  /* its file was written already */
    if (junit_testsuite(out, r, i) != 0) return -1;
  }
  fputs("</testsuites>\n", out);
  if (fflush(out) != 0 || ferror(out)) {
    if (!errno) errno = EIO;
    return -1;
  }
  return 0;
}
