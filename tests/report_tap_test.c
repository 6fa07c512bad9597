/* report_tap_test.c: the TAP writer (reports/ifm_tap.c). The nasty report
 * (report_fixture.c) must come out as TAP 14 lines with YAML diagnostics
 * whose escapes are YAML 1.2's, after "not ok" points only, and no '#' in
 * a description (tappy takes any for a directive); WARN and INFO
 * say so on their line and what they found in comments after the last
 * point; an empty report and an interrupted one have their own plan and
 * bail-out lines; long strings are cut where the writer documents.
 * tests/tap_consumers_test.sh feeds real runs to the consumers themselves.
 * Split from the former tests/report_test.c. */
#include "ifm_test.h"
#include "report_fixture.h"

/* 0 when every YAML block ("  ---") follows a "not ok" line; else the
 * 1-based number of the first line that opens one after anything else. */
static size_t yaml_after_ok(const char *t) {
  const char *prev = NULL, *p = t;
  size_t n = 1;

  for (; *p; n++) {
    if (strncmp(p, "  ---\n", 6) == 0 && (!prev || strncmp(prev, "not ok ", 7) != 0)) return n;
    prev = p;
    p = strchr(p, '\n');
    if (!p) break;
    p++;
  }
  return 0;
}

static void test_tap_nasty(void) {
  ifm_report *r = nasty_report();
  size_t len;
  char *t = render(ifm_report_write_tap, r, &len);

  ifm_report_free(r);
  ASSERT(t != NULL);
  ASSERT(strncmp(t, "TAP version 13\n1..8\n", 20) == 0);
  /* "# ifmatch version X": a comment tap-spec shows (not "# word number") */
  ASSERT(has_line(t, "# ifmatch version 0.1.0, target http://127.0.0.1:8080/res?a=1&b=<2> \"q\", "
                     "profile strict, started 2024-05-01T12:00:00Z"));
  ASSERT(has_line(t, "ok 1 - IM-BASIC-200: A matching strong tag allows the write"));
  /* a FAIL's message on its line: tappy shows nothing but the description */
  ASSERT(has_line(t, "not ok 2 - IM-STALE-412-put: A stale tag \\x23 is refused\\nwith 412"
                     " -- expected status 412, got 200"));
  ASSERT(has_line(t, "ok 3 - IM-PATCH-412: PATCH with a stale tag # SKIP target cannot PATCH"));
  /* WARN and INFO: "ok" (no MUST failure), the verdict and message on the line */
  ASSERT(has_line(t, "ok 4 - [WARN] IM-ETAG-SHOULD: ETag -- on ]]> every write -- no ETag on 201"));
  ASSERT(has_line(t, "not ok 5 - IM-LIST-412: First list member only -- 412 expected "
                     "# TODO waived: known bug \\x2342 in vendor\\\\x"));
  ASSERT(has_line(t, "not ok 6 - [ERROR] IM-DOWN"));
  ASSERT(has_line(t, "ok 7 - [INFO] IM-MAY-weak: Weak comparison -- weak comparison not offered"));
  ASSERT_CONTAINS(t, "\nok 8 - [WARN] IM-BYTES: \\x01\\x02");
  ASSERT_CONTAINS(t, "\\x1f !\"\\x23$%&'()*+,-./0123");
  ASSERT_CONTAINS(t, "Z[\\\\]^_`a");
  ASSERT_CONTAINS(t, "}~\\x7f\\x80\\x81");
  /* what WARN and INFO found, in comments after the last point */
  ASSERT(has_line(t, "# WARN IM-ETAG-SHOULD (point 4): wanted: an ETag header; found: (none); "
                     "at: cases/basic.yaml, case IM-ETAG-SHOULD"));
  ASSERT(has_line(t, "# INFO IM-MAY-weak (point 7): at: cases/list.yaml, case IM-MAY-weak"));
  ASSERT_CONTAINS(t, "\n# WARN IM-BYTES (point 8): found: \\x01\\x02");
  ASSERT(strstr(t, "\n# WARN IM-ETAG-SHOULD") > strstr(t, "\nok 8 - "));
  /* the YAML diagnostics of point 2: the keys consumers show first, then the
   * rest as the JSON report names it (YAML double-quoted escapes) */
  ASSERT_CONTAINS(t, "with 412 -- expected status 412, got 200\n"
                     "  ---\n"
                     "  message: \"expected status 412, got 200\"\n"
                     "  severity: \"fail\"\n"
                     "  wanted: \"412\"\n"
                     "  found: \"200 \\x01\\x7f\"\n"
                     "  at: \"cases/stale.yaml, case IM-STALE-412-put, step 3\"\n"
                     "  verdict: \"FAIL\"\n"
                     "  requirement: \"IM-STALE-412\"\n"
                     "  spec: \"RFC 9110 13.1.1\"\n"
                     "  level: \"MUST\"\n"
                     "  file: \"cases/stale.yaml\"\n"
                     "  expected: \"412\"\n"
                     "  got: \"200 \\x01\\x7f\"\n"
                     "  failed_step: 3\n"
                     "  waived: false\n"
                     "  waiver_reason: ~\n"
                     "  duration_ms: 12.346\n"
                     "  exchanges:\n"
                     "    - step: 3\n"
                     "      client: -1\n");
  ASSERT(has_line(t, "          - name: \"If-Match\""));
  ASSERT(has_line(t, "            value: \"\\\"v1\\\"\""));
  ASSERT(has_line(t, "            value: \"a\\x00b\""));
  ASSERT(has_line(t, "            value: \"\\xff\\xfe\\xc3(\""));
  ASSERT(has_line(t, "            value: \"\\r\\n\\t\\x1b\""));
  ASSERT(has_line(t, "            value: \"llll\""));                 /* evidence cut: said */
  ASSERT(has_line(t, "            value_whole_length: 9000"));
  ASSERT(has_line(t, "        headers_omitted: 7"));
  ASSERT(has_line(t, "        header_bytes_omitted: 700"));
  ASSERT(has_line(t, "        body: \"]]> -- <!-- & 'q' \\\"d\\\" \xc3\xa9 \xe2\x88\x91 "
                     "\\u2028 \\u0085 \\uffff\\r\\n\""));
  ASSERT(has_line(t, "        body_total: 5000"));
  ASSERT(has_line(t, "      error: \"connection reset by peer\""));
  ASSERT(has_line(t, "        headers: []"));
  /* the waived FAIL: no wanted/found when none is known */
  ASSERT_CONTAINS(t, "# TODO waived: known bug \\x2342 in vendor\\\\x\n"
                     "  ---\n"
                     "  message: \"412 expected\"\n"
                     "  severity: \"fail\"\n"
                     "  at: \"cases/list.yaml, case IM-LIST-412\"\n");
  ASSERT(has_line(t, "  waived: true"));
  ASSERT(has_line(t, "  waiver_reason: \"known bug #42 in vendor\\\\x\""));
  /* the ERROR's NULLs */
  ASSERT_CONTAINS(t, "not ok 6 - [ERROR] IM-DOWN\n"
                     "  ---\n"
                     "  message: ~\n"
                     "  severity: \"error\"\n"
                     "  at: \"(no file), case IM-DOWN\"\n"
                     "  verdict: \"ERROR\"\n"
                     "  requirement: ~\n");
  ASSERT(has_line(t, "# PASS 1, FAIL 2 (1 waived), WARN 2, INFO 1, SKIP 1, ERROR 1"));
  ASSERT(has_line(t, "# verdict: NOT CONFORMANT"));
  /* YAML blocks after "not ok" points only: tap-spec takes a block for the
   * last failure's, and crashes on one after an "ok" */
  ASSERT_EQ(count_substr(t, "\n  ---\n"), 3);
  ASSERT_EQ(count_substr(t, "\n  ...\n"), 3);
  ASSERT_EQ(yaml_after_ok(t), 0);
  ASSERT_EQ(count_substr(t, "\n  wanted: "), 1);
  ASSERT_EQ(count_substr(t, "\nok "), 5);
  ASSERT_EQ(count_substr(t, "\nnot ok "), 3);
  ASSERT(strstr(t, "Bail out!") == NULL);
  ASSERT_EQ(tap_bad_line(t), 0);
  ASSERT_EQ(first_bad_byte(t, len, 0), 0);
  free(t);
}

static void test_tap_empty_and_interrupted(void) {
  ifm_report *r = ifm_report_new();
  char *t = render(ifm_report_write_tap, r, NULL);

  /* nothing judged: a failing point that says so, never "1..0 # SKIP" */
  ASSERT_STREQ(t, "TAP version 13\n"
                  "1..1\n"
                  "# ifmatch version (unknown version), target (none), profile (none)\n"
                  "not ok 1 - NOT TESTED: no case was run\n"
                  "  ---\n"
                  "  message: \"no case was run\"\n"
                  "  severity: \"error\"\n"
                  "  verdict: \"NOT TESTED\"\n"
                  "  ...\n"
                  "# PASS 0, FAIL 0, WARN 0, INFO 0, SKIP 0, ERROR 0\n"
                  "# verdict: NOT TESTED\n");
  free(t);
  add_case(r, "IM-A", "IM-A", "t", "f", IFM_MUST, IFM_PASS, NULL)->waived = 1;
  r->interrupted = 1;
  t = render(ifm_report_write_tap, r, NULL);
  ifm_report_free(r);
  ASSERT(t != NULL);
  ASSERT(has_line(t, "ok 1 - IM-A: t # TODO waived"));  /* the waiver is stale */
  ASSERT(has_line(t, "# verdict: NOT TESTED"));          /* cut short before any fault */
  ASSERT(has_line(t, "Bail out! run interrupted: results are partial"));
  free(t);
}

static void test_tap_long_strings(void) {
  ifm_report *r = ifm_report_new();
  ifm_result *res;
  ifm_exchange *x;
  char title[3001], name[5001], value[4100], want[2 * 1024 + 4200], *t;
  size_t k;

  memset(title, '#', 3000);
  title[3000] = '\0';
  memset(name, 'n', 5000);
  name[5000] = '\0';
  memset(value, 'a', 4095);
  memcpy(value + 4095, "\xe2\x82\xac" "b", 5);   /* U+20AC across byte 4096 */
  res = add_case(r, "IM-L", "IM-L", title, "f", IFM_MUST, IFM_FAIL, NULL);
  x = ifm_result_add_exchange(res);
  add_header(&x->resp_headers, &x->n_resp_headers, name, value, 4099);
  t = render(ifm_report_write_tap, r, NULL);
  ifm_report_free(r);
  ASSERT(t != NULL);
  /* the description: 1024 bytes of the title, each '#' as "\x23", then "..." */
  strcpy(want, "not ok 1 - IM-L: ");
  for (k = 0; k < 1024; k++) strcat(want, "\\x23");
  strcat(want, "...");
  ASSERT(has_line(t, want));
  /* the name cut at 4096 bytes; the value before the character that crosses it */
  snprintf(want, sizeof want, "          - name: \"%.4096s\"", name);
  ASSERT(has_line(t, want));
  ASSERT(has_line(t, "            name_total: 5000"));
  snprintf(want, sizeof want, "            value: \"%.4095s\"", value);
  ASSERT(has_line(t, want));
  ASSERT(has_line(t, "            value_total: 4099"));
  free(t);
}

/* The diagnostics of a FAIL hold a hostile server's bytes: escaped for TAP
 * on its line and for YAML in its block, a string over 4096 bytes cut with
 * KEY_total; "at" names the case file relative to the suite root (else as
 * given, without "./"), the case and the step. */
static void test_tap_fail_diagnostics(void) {
  ifm_report *r = ifm_report_new();
  ifm_result *res;
  ifm_exchange *x;
  char *big = malloc(70000), *want = malloc(2 * 4096 + 32), *t;
  size_t k;

  ASSERT(r && big && want);
  memset(big, '"', 70000);
  r->suite_root = dup_str("/src/ifm/");
  res = add_case(r, "IM-H#1", "IM-H", "t", "/src/ifm/cases/h.yaml", IFM_MUST, IFM_FAIL,
                 "a\x01#\\b\n");
  res->expected = dup_mem(big, 5000);
  res->got = dup_mem("x\xffy", 3);
  res->failed_step = 2;
  x = ifm_result_add_exchange(res);
  x->step = 2;
  add_header(&x->resp_headers, &x->n_resp_headers, "X-Long", big, 70000);
  add_case(r, "IM-W", "IM-W", "w", "./cases/w.yaml", IFM_SHOULD, IFM_WARN, NULL);
  add_case(r, "IM-E", NULL, NULL, "/elsewhere/e.yaml", IFM_MUST, IFM_ERROR, "timeout");
  add_case(r, "IM-S", NULL, NULL, NULL, IFM_MUST, IFM_FAIL, "got 200 # SKIP it");
  t = render(ifm_report_write_tap, r, NULL);
  ifm_report_free(r);
  free(big);
  ASSERT(t != NULL);
  ASSERT(has_line(t, "not ok 1 - IM-H\\x231: t -- a\\x01\\x23\\\\b\\n"));
  ASSERT(has_line(t, "  message: \"a\\x01#\\\\b\\n\""));
  strcpy(want, "  wanted: \"");
  for (k = 0; k < 4096; k++) strcat(want, "\\\"");
  strcat(want, "\"");
  ASSERT(has_line(t, want));
  ASSERT(has_line(t, "  wanted_total: 5000"));
  ASSERT(has_line(t, "  found: \"x\\xffy\""));
  ASSERT(has_line(t, "  at: \"cases/h.yaml, case IM-H#1, step 2\""));
  ASSERT(has_line(t, "  file: \"/src/ifm/cases/h.yaml\""));   /* as the JSON has it */
  ASSERT(has_line(t, "            value_total: 70000"));
  ASSERT(has_line(t, "ok 2 - [WARN] IM-W: w"));
  ASSERT(has_line(t, "# WARN IM-W (point 2): at: cases/w.yaml, case IM-W"));
  ASSERT(has_line(t, "not ok 3 - [ERROR] IM-E -- timeout"));
  ASSERT(has_line(t, "  at: \"/elsewhere/e.yaml, case IM-E\""));
  /* no '#' on a point's line but its directive's: tappy, which does not know
   * TAP 14's "\#", would read "# SKIP" in a message as a directive */
  ASSERT(has_line(t, "not ok 4 - IM-S -- got 200 \\x23 SKIP it"));
  ASSERT_EQ(yaml_after_ok(t), 0);
  ASSERT_EQ(tap_bad_line(t), 0);
  free(want);
  free(t);
}

/* With a baseline, each newly failing and newly passing case is one comment
 * line (TAP 14: anything after "# " is a comment), escaped like the rest. */
static void test_tap_baseline(void) {
  ifm_report *r = ifm_report_new();
  char *t;

  ASSERT(r != NULL);
  add_case(r, "IM-A", "IM-A", "t", "f", IFM_MUST, IFM_FAIL, "m");
  r->newly_failing = calloc(1, sizeof *r->newly_failing);
  r->newly_passing = calloc(1, sizeof *r->newly_passing);
  ASSERT(r->newly_failing && r->newly_passing);
  r->newly_failing[r->n_newly_failing++] = dup_str("IM-A");
  r->newly_passing[r->n_newly_passing++] = dup_str("IM-#B\n");
  t = render(ifm_report_write_tap, r, NULL);
  ASSERT(t != NULL);
  ASSERT(strstr(t, "since the baseline") == NULL);   /* no baseline file: nothing said */
  free(t);
  r->baseline = dup_str("main.json");
  t = render(ifm_report_write_tap, r, NULL);
  ifm_report_free(r);
  ASSERT(t != NULL);
  ASSERT(has_line(t, "# newly failing since the baseline: IM-A"));
  ASSERT(has_line(t, "# newly passing since the baseline: IM-\\x23B\\n"));
  ASSERT_EQ(tap_bad_line(t), 0);
  free(t);
}

IFM_TEST_MAIN(
  TEST(test_tap_nasty),
  TEST(test_tap_empty_and_interrupted),
  TEST(test_tap_long_strings),
  TEST(test_tap_fail_diagnostics),
  TEST(test_tap_baseline)
)
