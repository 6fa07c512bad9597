/* ifm_tap.c: the TAP report (TAP 14 syntax, declared as version 13: see
 * IFM_TAP_VERSION), for prove, CI log parsers and humans.
 *
 * One test point per case, in results order; what a point says is written so
 * that prove, tappy (python3-tap), tap-parser, tap-spec and
 * tap-mocha-reporter all read it right (tests/tap_consumers_test.sh):
 *
 *   PASS            ok N - ID: title
 *   FAIL            not ok N - ID: title -- message
 *   FAIL, waived    not ok N - ID: title -- message # TODO waived: reason
 *   PASS, waived    ok N - ID: title # TODO waived: reason  (the waiver is stale:
 *                   prove reports it as "TODO passed")
 *   WARN, INFO      ok N - [WARN] ID: title -- message  (not a MUST failure, so
 *                   "ok"; the verdict and the message on the line, the one
 *                   place every consumer shows)
 *   SKIP            ok N - ID: title # SKIP reason
 *   ERROR           not ok N - [ERROR] ID: title -- message
 *
 * The message is on the line because tappy shows a failure's description
 * and nothing else (no YAML, no comments). "[WARN]" is not a directive: only
 * SKIP and TODO are, and tappy cuts a description at its first '#', so an
 * unknown "# WARN" would be shown by no one.
 *
 * Only "not ok" points carry a YAML diagnostic block (TAP 14 "YAML
 * diagnostics", indented two spaces). tap-spec (its parser, tap-out) takes a
 * block as the diagnostics of the last failure: after an "ok" point it
 * crashes or pins the block on an earlier failure. The block leads with the
 * keys consumers show: message, severity, wanted and found (tap-mocha-
 * reporter's diff), at (a one-line string: an "at:" mapping or a value with
 * no space in it crashes tap-spec, and an object crashes tap-mocha-reporter),
 * then the verdict, the requirement, expected and got (as the JSON report
 * names them) and every exchange. What WARN and INFO points found (wanted,
 * found, at) is in "#" comments after the last point, where tap-spec's
 * grouping of failures under the comment before them is not disturbed.
 *
 * All strings in a block are YAML double-quoted scalars escaped by
 * ifm_escape (IFM_ESCAPE_YAML), one per line and in block style only, so that
 * both full YAML parsers and the small YAMLish reader of Perl's TAP::Parser
 * read them. Descriptions, reasons and comments go through IFM_ESCAPE_TAP (no
 * raw newline, '\' as "\\") with '#' as "\x23" (see tap_cut).
 *
 * A report with no results is one failing "NOT TESTED: why" point (plan
 * 1..1), never "1..0 # SKIP", which consumers read as a pass. A run stopped
 * by the preflight or interrupted ends with "Bail out!".
 */
#include "ifm_reports.h"
#include "ifm_escape.h"

#include <errno.h>
#include <string.h>

/* The version line. The stream follows TAP 14 (escaped '#', YAML blocks,
 * directives), but says 13: prove on Debian 12 (Test::Harness 3.44) reports
 * "TAP version 14" as a parse error and fails the file, and this stream uses
 * nothing a version 13 consumer cannot read. Say 14 once consumers know it. */
#define IFM_TAP_VERSION 13

/* TAP::Parser reads YAMLish quoted strings and descriptions with regexes that
 * die on Perl's recursion limit (65534) for strings of some 64K characters,
 * which a server can send in one header. So a string in a YAML block keeps
 * its first IFM_TAP_STRING_MAX bytes, followed by "<key>_total: <bytes>",
 * and a description or reason its first IFM_TAP_LINE_MAX bytes, then "...".
 * The JSON report has everything. */
#define IFM_TAP_STRING_MAX 4096
#define IFM_TAP_LINE_MAX 1024

/* `key: "escaped"` at indent (the first IFM_TAP_STRING_MAX bytes; the body
 * has its body_total already, anything else gets a key_total when cut). */
static void tap_bytes(FILE *out, int indent, const char *key, const char *s, size_t len) {
  size_t keep;

  if (!s) len = 0;
  keep = ifm_escape_prefix(s, len, IFM_TAP_STRING_MAX);
  fprintf(out, "%*s%s: \"", indent, "", key);
  ifm_escape_write(out, IFM_ESCAPE_YAML, s, keep);
  fputs("\"\n", out);
  if (keep < len && strcmp(key, "body") != 0)
    fprintf(out, "%*s%s_total: %zu\n", indent, "", key, len);
}

/* The same for a string, ~ when there is none. */
static void tap_str(FILE *out, int indent, const char *key, const char *s) {
  if (!s) {
    fprintf(out, "%*s%s: ~\n", indent, "", key);
    return;
  }
  tap_bytes(out, indent, key, s, strlen(s));
}

/* Text in style, at most IFM_TAP_LINE_MAX bytes of it, then "..." when cut.
 * On a TAP line (IFM_ESCAPE_TAP) '#' is written "\x23", not TAP 14's "\#":
 * tappy takes any '#' for the start of a directive, so a message holding
 * "# SKIP" would turn a failure into a skip there. ('#' is never part of a
 * UTF-8 sequence, so cutting the text at it changes no other escape.) */
static void tap_cut(FILE *out, ifm_escape_style style, const char *s) {
  size_t len = strlen(s), keep = ifm_escape_prefix(s, len, IFM_TAP_LINE_MAX), i, from = 0;

  for (i = 0; style == IFM_ESCAPE_TAP && i < keep; i++) {
    if (s[i] != '#') continue;
    ifm_escape_write(out, style, s + from, i - from);
    fputs("\\x23", out);
    from = i + 1;
  }
  ifm_escape_write(out, style, s + from, keep - from);
  if (keep < len) fputs("...", out);
}

/* Text on a test point or comment line: one line, at most IFM_TAP_LINE_MAX
 * bytes of it. */
static void tap_text(FILE *out, const char *s) {
  tap_cut(out, IFM_ESCAPE_TAP, s);
}

/* Where the case failed, for people: "FILE, case ID[, step N]". It always
 * holds a space: tap-spec takes an "at" value apart at its first space and
 * crashes on one without. */
static void tap_at(FILE *out, ifm_escape_style style, const ifm_report *r, const ifm_result *res) {
  const char *file = ifm_report_relfile(r, res->file);

  tap_cut(out, style, file ? file : "(no file)");
  fputs(", case ", out);
  tap_cut(out, style, res->case_id ? res->case_id : "(no id)");
  if (res->failed_step > 0) fprintf(out, ", step %d", res->failed_step);
}

static void tap_headers(FILE *out, int indent, const ifm_field *f, size_t n, size_t omitted, size_t bytes) {
  size_t i;

  if (omitted) fprintf(out, "%*sheaders_omitted: %zu\n%*sheader_bytes_omitted: %zu\n", indent, "", omitted, indent, "", bytes);
  if (!f || n == 0) {
    fprintf(out, "%*sheaders: []\n", indent, "");
    return;
  }
  fprintf(out, "%*sheaders:\n", indent, "");
  for (i = 0; i < n; i++) {
    const char *name = f[i].name ? f[i].name : "";
    size_t len = strlen(name), keep = ifm_escape_prefix(name, len, IFM_TAP_STRING_MAX);

    fprintf(out, "%*s- name: \"", indent + 2, "");   /* the item's first key */
    ifm_escape_write(out, IFM_ESCAPE_YAML, name, keep);
    fputs("\"\n", out);
    if (keep < len) fprintf(out, "%*sname_total: %zu\n", indent + 4, "", len);
    tap_bytes(out, indent + 4, "value", f[i].value, f[i].value_len);
    if (f[i].value_total) fprintf(out, "%*svalue_whole_length: %zu\n", indent + 4, "", f[i].value_total);
  }
}

/* One exchange as an item of the "exchanges" sequence, at indent. */
static void tap_exchange(FILE *out, int indent, const ifm_exchange *x) {
  int in = indent + 2;

  fprintf(out, "%*s- step: %d\n", indent, "", x->step);
  fprintf(out, "%*sclient: %d\n", in, "", x->client);
  fprintf(out, "%*sround: %d\n", in, "", x->round);
  if (x->named) fprintf(out, "%*snamed: true\n", in, "");
  tap_str(out, in, "method", x->method);
  tap_str(out, in, "url", x->url);
  fprintf(out, "%*srequest:\n", in, "");
  tap_headers(out, in + 2, x->req_headers, x->n_req_headers, x->req_headers_omitted, x->req_header_bytes_omitted);
  tap_bytes(out, in + 2, "body", x->req_body, x->req_body_len);
  fprintf(out, "%*sbody_total: %zu\n", in + 2, "", x->req_body_total);
  fprintf(out, "%*sresponse:\n", in, "");
  fprintf(out, "%*sstatus: %d\n", in + 2, "", x->status);
  tap_headers(out, in + 2, x->resp_headers, x->n_resp_headers, x->resp_headers_omitted,
              x->resp_header_bytes_omitted);
  tap_bytes(out, in + 2, "body", x->resp_body, x->resp_body_len);
  fprintf(out, "%*sbody_total: %zu\n", in + 2, "", x->resp_body_total);
  tap_str(out, in, "error", x->error);
}

/* The diagnostics of a "not ok" point. The keys consumers show come first
 * (tap-spec prints the block as it is; tap-mocha-reporter diffs wanted and
 * found and prints at), then the rest of the result as the JSON report names
 * it; wanted and found only when known (two ~ make an empty diff). */
static void tap_yaml_block(FILE *out, const ifm_report *r, const ifm_result *res) {
  size_t i;

  fputs("  ---\n", out);
  tap_str(out, 2, "message", res->message);
  tap_str(out, 2, "severity", res->verdict == IFM_FAIL ? "fail" : "error");
  if (res->expected) tap_str(out, 2, "wanted", res->expected);
  if (res->got) tap_str(out, 2, "found", res->got);
  fputs("  at: \"", out);
  tap_at(out, IFM_ESCAPE_YAML, r, res);
  fputs("\"\n", out);
  tap_str(out, 2, "verdict", ifm_verdict_name(res->verdict));
  tap_str(out, 2, "requirement", res->requirement);
  tap_str(out, 2, "spec", res->spec);
  tap_str(out, 2, "level", ifm_level_name(res->level));
  tap_str(out, 2, "file", res->file);
  tap_str(out, 2, "expected", res->expected);
  tap_str(out, 2, "got", res->got);
  fprintf(out, "  failed_step: %d\n", res->failed_step);
  if (res->failed_round) fprintf(out, "  failed_round: %d\n", res->failed_round);
  fprintf(out, "  waived: %s\n", res->waived ? "true" : "false");
  tap_str(out, 2, "waiver_reason", res->waiver_reason);
  fputs("  duration_ms: ", out);
  ifm_escape_fixed3(out, ifm_escape_round(res->duration_ms * 1000.0));
  fputc('\n', out);
  if (!res->exchanges || res->n_exchanges == 0) {
    fputs("  exchanges: []\n", out);
  } else {
    fputs("  exchanges:\n", out);
    for (i = 0; i < res->n_exchanges; i++) tap_exchange(out, 4, &res->exchanges[i]);
  }
  fputs("  ...\n", out);
}

/* "[VERDICT] ID: title -- message", escaped for a test point description:
 * the verdict for those "ok" and "not ok" do not tell (WARN, INFO, ERROR),
 * the message for every verdict but PASS and SKIP (whose reason is the
 * directive's). */
static void tap_description(FILE *out, const ifm_result *res) {
  ifm_verdict v = res->verdict;

  if (v != IFM_PASS && v != IFM_FAIL && v != IFM_SKIP) fprintf(out, "[%s] ", ifm_verdict_name(v));
  tap_text(out, res->case_id ? res->case_id : "(no id)");
  if (res->title) {
    fputs(": ", out);
    tap_text(out, res->title);
  }
  if (res->message && v != IFM_PASS && v != IFM_SKIP) {
    fputs(" -- ", out);
    tap_text(out, res->message);
  }
}

static void tap_point(FILE *out, size_t n, const ifm_report *r, const ifm_result *res) {
  ifm_verdict v = res->verdict;
  int ok = v == IFM_PASS || v == IFM_WARN || v == IFM_INFO || v == IFM_SKIP;
  int todo = res->waived && (v == IFM_FAIL || v == IFM_PASS);

  fprintf(out, "%s %zu - ", ok ? "ok" : "not ok", n);
  tap_description(out, res);
  if (todo) {
    fputs(" # TODO waived", out);
    if (res->waiver_reason) {
      fputs(": ", out);
      tap_text(out, res->waiver_reason);
    }
  } else if (v == IFM_SKIP) {
    fputs(" # SKIP ", out);
    tap_text(out, res->message ? res->message : "skipped");
  }
  fputc('\n', out);
  if (!ok) tap_yaml_block(out, r, res);
}

/* What each WARN and INFO found, one comment line each after the last
 * point: "# WARN ID (point N): wanted: X; found: Y; at: FILE, case ID, step
 * S" (wanted and found when known). After the last point, not after its own:
 * tap-spec shows every "# " line as a heading and lists the failures that
 * follow it under it. The message is on the point's line already. */
static void tap_notes(FILE *out, const ifm_report *r) {
  size_t i;

  for (i = 0; i < r->n_results; i++) {
    const ifm_result *res = &r->results[i];

    if (res->verdict != IFM_WARN && res->verdict != IFM_INFO) continue;
    fprintf(out, "# %s ", ifm_verdict_name(res->verdict));
    tap_text(out, res->case_id ? res->case_id : "(no id)");
    fprintf(out, " (point %zu): ", i + 1);
    if (res->expected) {
      fputs("wanted: ", out);
      tap_text(out, res->expected);
      fputs("; ", out);
    }
    if (res->got) {
      fputs("found: ", out);
      tap_text(out, res->got);
      fputs("; ", out);
    }
    fputs("at: ", out);
    tap_at(out, IFM_ESCAPE_TAP, r, res);
    fputc('\n', out);
  }
}

static void tap_summary(FILE *out, const ifm_report *r) {
  size_t counts[IFM_VERDICT_COUNT], waived = 0, i;
  int v;

  ifm_report_count(r, counts);
  for (i = 0; i < r->n_results; i++)
    if (r->results[i].verdict == IFM_FAIL && r->results[i].waived) waived++;
  fputs("#", out);
  for (v = 0; v < IFM_VERDICT_COUNT; v++) {
    fprintf(out, "%s %s %zu", v ? "," : "", ifm_verdict_name((ifm_verdict)v), counts[v]);
    if (v == IFM_FAIL && waived) fprintf(out, " (%zu waived)", waived);
  }
  fprintf(out, "\n# verdict: %s\n", ifm_report_verdict(r));
}

int ifm_report_write_tap(const ifm_report *r, FILE *out) {
  size_t i;

  if (!r || !out) {
    errno = EINVAL;
    return -1;
  }
  fprintf(out, "TAP version %d\n", IFM_TAP_VERSION);
  /* A run that judged nothing fails in every consumer: one failing point
   * that says why, never "1..0 # SKIP" (which reads as a pass). */
  fprintf(out, "1..%zu\n", r->n_results ? r->n_results : 1);
  /* "# ifmatch version X", not "# ifmatch X": tap-spec hides a comment of
   * a word and a number ("# PASS 3") and lists failures under the last
   * comment it showed, and crashes when there is none before a failure. */
  fputs("# ifmatch version ", out);
  tap_text(out, r->tool_version ? r->tool_version : "(unknown version)");
  fputs(", target ", out);
  tap_text(out, r->target ? r->target : "(none)");
  if (r->proxy) {
    fputs(", proxy ", out);
    tap_text(out, r->proxy);
  }
  fputs(", profile ", out);
  tap_text(out, r->profile ? r->profile : "(none)");
  if (r->started_at) {
    fputs(", started ", out);
    tap_text(out, r->started_at);
  }
  fputc('\n', out);
  for (i = 0; i < r->n_results; i++) tap_point(out, i + 1, r, &r->results[i]);
  if (r->n_results == 0) {
    const char *why = r->not_tested ? r->not_tested : "no case was run";

    fputs("not ok 1 - NOT TESTED: ", out);
    tap_text(out, why);
    fputs("\n  ---\n", out);
    tap_str(out, 2, "message", why);
    tap_str(out, 2, "severity", "error");
    tap_str(out, 2, "verdict", "NOT TESTED");
    fputs("  ...\n", out);
  }
  tap_notes(out, r);
  tap_summary(out, r);
  for (i = 0; r->baseline && i < r->n_newly_failing; i++) {
    fputs("# newly failing since the baseline: ", out);
    tap_text(out, r->newly_failing[i]);
    fputc('\n', out);
  }
  for (i = 0; r->baseline && i < r->n_newly_passing; i++) {
    fputs("# newly passing since the baseline: ", out);
    tap_text(out, r->newly_passing[i]);
    fputc('\n', out);
  }
  if (r->not_tested && r->n_results) {
    fputs("Bail out! NOT TESTED: ", out);
    tap_text(out, r->not_tested);
    fputc('\n', out);
  } else if (r->interrupted) {
    fputs("Bail out! run interrupted: results are partial\n", out);
  }
  if (fflush(out) != 0 || ferror(out)) {
    if (!errno) errno = EIO;
    return -1;
  }
  return 0;
}
