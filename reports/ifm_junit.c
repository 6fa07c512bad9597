/* ifm_junit.c: the JUnit XML report, for CI systems (Jenkins, GitLab, GitHub
 * Actions annotators) that understand nothing else. It is valid against the
 * Jenkins xunit plugin's junit-10.xsd (tests/data/junit-10.xsd), the schema
 * most consumers hold JUnit to:
 *
 *   <testsuites name=NAME tests failures errors time>     (no skipped=: not in the schema)
 *     <testsuite name=NAME/FILE file=FILE ...>   one per case file, first-seen order
 *       <properties> report_name, target, profile, tool_version, started_at, ...
 *       <testcase classname=FILE-derived name=CASE_ID time=SECONDS>
 *         <failure message type="MUST">    FAIL
 *         <skipped message type="waived">  FAIL that a waiver names
 *         <error message type="ERROR">     ERROR
 *         <skipped message>                SKIP
 *         (nothing: a passed testcase)     PASS, WARN, INFO
 *         <system-out>                     verdict, title, requirement, spec, level,
 *                                          file, waiver; evidence; every exchange
 *
 * A testcase may hold no <properties> and no file= in junit-10, so what
 * describes the case is text in its <system-out>, and file= is on the suite
 * (which is one case file). FILE is the case file relative to the report's
 * suite_root, so classnames and suite names are the same on every machine;
 * NAME (the report's name, by default the target's) in front of every suite
 * name keeps the suites of reports of several targets apart when they are
 * merged.
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

/* junit-10 holds a suite's time to digits and one '.' (SUREFIRE_TIME): a
 * negative duration (a clock that stepped back) is written as 0. */
static void junit_time_attr(FILE *out, long long ms) {
  fputs(" time=\"", out);
  ifm_escape_fixed3(out, ms < 0 ? 0 : ms);
  fputc('"', out);
}

static void junit_property(FILE *out, int indent, const char *name, const char *value) {
  fprintf(out, "%*s<property", indent, "");
  junit_attr(out, "name", name);
  junit_attr(out, "value", value);
  fputs("/>\n", out);
}

/* One "key: value" line of a <system-out>. */
static void junit_line(FILE *out, const char *key, const char *value) {
  fprintf(out, "%s: ", key);
  ifm_escape_puts(out, IFM_ESCAPE_XML, value ? value : "(none)");
  fputc('\n', out);
}

/* The case file as reports name it: relative to the report's suite_root when
 * it lies below it, without "./"; a path that is still absolute (a file
 * outside the suite root) loses its leading '/', so that no name starts with
 * a dot. NULL when the result has no file. */
static const char *junit_relfile(const ifm_report *r, const char *file) {
  file = ifm_report_relfile(r, file);
  while (file && (file[0] == '/' || (file[0] == '.' && file[1] == '/'))) file += file[0] == '/' ? 1 : 2;
  return file && *file ? file : NULL;
}

static int same_file(const char *a, const char *b) {
  if (!a || !b) return a == b;
  return strcmp(a, b) == 0;
}

/* "cases/stale/put.yaml" -> "cases.stale.put": a Java-ish class name, which
 * is how CI front ends group test cases (and key their history). file is
 * already relative (junit_relfile). */
static char *junit_classname(const char *file) {
  size_t len;
  char *c, *p;

  if (!file) return strdup("ifmatch");
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

static void junit_headers(FILE *out, const char *dir, const ifm_field *f, size_t n, size_t omitted,
                          size_t bytes) {
  size_t i;

  for (i = 0; f && i < n; i++) {
    fprintf(out, "%s ", dir);
    ifm_escape_puts(out, IFM_ESCAPE_XML, f[i].name);
    fputs(": ", out);
    ifm_escape_write(out, IFM_ESCAPE_XML, f[i].value, f[i].value ? f[i].value_len : 0);
    if (f[i].value_total) fprintf(out, " [cut: %zu bytes in all]", f[i].value_total);
    fputc('\n', out);
  }
  if (omitted) fprintf(out, "%s (%zu more header fields, %zu bytes, not kept)\n", dir, omitted, bytes);
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
  if (x->client >= 0) fprintf(out, ", client %d", x->client);
  if (x->round > 0) fprintf(out, ", round %d", x->round);
  if (x->named) fputs(" (named by the judge)", out);
  fputc('\n', out);
  fputs("&gt; ", out);
  ifm_escape_puts(out, IFM_ESCAPE_XML, x->method ? x->method : "(no method)");
  fputc(' ', out);
  ifm_escape_puts(out, IFM_ESCAPE_XML, x->url ? x->url : "(no url)");
  fputc('\n', out);
  junit_headers(out, "&gt;", x->req_headers, x->n_req_headers, x->req_headers_omitted,
                x->req_header_bytes_omitted);
  junit_body(out, "&gt;", x->req_body, x->req_body_len, x->req_body_total);
  if (x->status) fprintf(out, "&lt; %d\n", x->status);
  else fputs("&lt; (no response)\n", out);
  junit_headers(out, "&lt;", x->resp_headers, x->n_resp_headers, x->resp_headers_omitted,
                x->resp_header_bytes_omitted);
  junit_body(out, "&lt;", x->resp_body, x->resp_body_len, x->resp_body_total);
  if (x->error) {
    fputs("! ", out);
    ifm_escape_puts(out, IFM_ESCAPE_XML, x->error);
    fputc('\n', out);
  }
}

/* The body of <failure>/<error>: what the check wanted and what came (the
 * spec too, unless the text it goes into already said it). */
static void junit_evidence(FILE *out, const ifm_result *res, int with_spec) {
  fputs("expected: ", out);
  ifm_escape_puts(out, IFM_ESCAPE_XML, res->expected ? res->expected : "(none)");
  fputs("\ngot: ", out);
  ifm_escape_puts(out, IFM_ESCAPE_XML, res->got ? res->got : "(none)");
  if (with_spec) {
    fputs("\nspec: ", out);
    ifm_escape_puts(out, IFM_ESCAPE_XML, res->spec ? res->spec : "(none)");
  }
  if (res->failed_step) fprintf(out, "\nstep: %d", res->failed_step);
  if (res->failed_round) fprintf(out, "\nround: %d", res->failed_round);
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
    junit_evidence(out, res, 1);
    fputs("</failure>\n", out);
    return;
  default:
    fputs("      <error", out);
    junit_attr(out, "message", msg);
    junit_attr(out, "type", "ERROR");
    fputc('>', out);
    junit_evidence(out, res, 1);
    fputs("</error>\n", out);
    return;
  }
}

/* What describes the case, one "key: value" line each: junit-10 allows no
 * <properties> in a testcase, so this is the first part of its <system-out>. */
static void junit_about(FILE *out, const ifm_report *r, const ifm_result *res) {
  fputs(ifm_verdict_name(res->verdict), out);
  if (res->waived) fputs(" (waived)", out);
  if (res->verdict != IFM_PASS || res->message) {
    fputs(": ", out);
    ifm_escape_puts(out, IFM_ESCAPE_XML, res->message ? res->message : "(no message)");
  }
  fputc('\n', out);
  junit_line(out, "title", res->title);
  junit_line(out, "requirement", res->requirement);
  junit_line(out, "spec", res->spec);
  junit_line(out, "level", ifm_level_name(res->level));
  junit_line(out, "file", junit_relfile(r, res->file));
  if (res->waived) junit_line(out, "waived", res->waiver_reason ? res->waiver_reason : "(no reason)");
}

static int junit_testcase(FILE *out, const ifm_report *r, const ifm_result *res) {
  char *classname = junit_classname(junit_relfile(r, res->file));
  size_t i;

  if (!classname) return -1;
  fputs("    <testcase", out);
  junit_attr(out, "classname", classname);
  junit_attr(out, "name", res->case_id ? res->case_id : "(no id)");
  junit_time_attr(out, ifm_escape_round(res->duration_ms));
  fputs(">\n", out);
  free(classname);
  junit_outcome(out, res);
  fputs("      <system-out>", out);
  junit_about(out, r, res);
  /* failure and error hold the evidence; a WARN, INFO or waived FAIL has
   * no element for it */
  if (res->verdict == IFM_WARN || res->verdict == IFM_INFO || (res->verdict == IFM_FAIL && res->waived)) {
    junit_evidence(out, res, 0);
    fputc('\n', out);
  }
  if (res->verdict != IFM_PASS)             /* a PASS needs no exchanges */
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
  fprintf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\"", tests, failures, errors);
  if (one_file) fprintf(out, " skipped=\"%zu\"", skipped);   /* junit-10: not on testsuites */
  junit_time_attr(out, one_file ? ms : ifm_escape_round(r->duration_ms));
}

/* A suite's name: the report's name, '/', and the case file (relative);
 * "ifmatch" stands for no file. Without a report name, the file alone. */
static void junit_suite_name(FILE *out, const ifm_report *r, const char *relfile) {
  fputs(" name=\"", out);
  if (r->name && *r->name) {
    ifm_escape_puts(out, IFM_ESCAPE_XML, r->name);
    fputc('/', out);
  }
  ifm_escape_puts(out, IFM_ESCAPE_XML, relfile ? relfile : "ifmatch");
  fputc('"', out);
}

static void junit_run_properties(FILE *out, const ifm_report *r) {
  if (r->name) junit_property(out, 6, "report_name", r->name);
  junit_property(out, 6, "target", r->target);
  if (r->proxy) junit_property(out, 6, "proxy", r->proxy);
  junit_property(out, 6, "profile", r->profile);
  junit_property(out, 6, "tool_version", r->tool_version);
  junit_property(out, 6, "started_at", r->started_at);
}

static int junit_testsuite(FILE *out, const ifm_report *r, size_t first) {
  const char *file = r->results[first].file, *rel = junit_relfile(r, file);
  size_t i;

  fputs("  <testsuite", out);
  junit_suite_name(out, r, rel);
  junit_counts(out, r, first, 1);
  if (r->started_at) junit_attr(out, "timestamp", r->started_at);
  if (rel) junit_attr(out, "file", rel);
  fputs(">\n    <properties>\n", out);
  junit_run_properties(out, r);
  junit_property(out, 6, "interrupted", r->interrupted ? "true" : "false");
  junit_property(out, 6, "verdict", ifm_report_verdict(r));
  if (r->not_tested) junit_property(out, 6, "not_tested", r->not_tested);
  fputs("    </properties>\n", out);
  for (i = first; i < r->n_results; i++)
    if (same_file(r->results[i].file, file) && junit_testcase(out, r, &r->results[i]) != 0)
      return -1;
  fputs("  </testsuite>\n", out);
  return 0;
}

/* A run that judged no case at all (the target does not answer, nothing
 * was selected) is one testcase in error with the reason: an empty suite
 * reads as a green run in CI. */
static void junit_not_tested(FILE *out, const ifm_report *r) {
  const char *why = r->not_tested ? r->not_tested : "no case was run";
  fputs("<testsuites", out);
  junit_attr(out, "name", r->name && *r->name ? r->name : "ifmatch");
  fputs(" tests=\"1\" failures=\"0\" errors=\"1\">\n  <testsuite", out);
  junit_suite_name(out, r, NULL);
  fputs(" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" time=\"0\"", out);
  if (r->started_at) junit_attr(out, "timestamp", r->started_at);
  fputs(">\n    <properties>\n", out);
  junit_run_properties(out, r);
  junit_property(out, 6, "interrupted", r->interrupted ? "true" : "false");
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
  fputs("<testsuites", out);
  junit_attr(out, "name", r->name && *r->name ? r->name : "ifmatch");
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
