/* report_tap_test.c: the TAP writer (reports/ifm_tap.c). The nasty report
 * (report_fixture.c) must come out as TAP 14 lines with YAML diagnostics
 * whose escapes are YAML 1.2's; an empty report and an interrupted one have
 * their own plan and bail-out lines; long strings are cut where the writer
 * documents. Split from the former tests/report_test.c. */
#include "ifm_test.h"
#include "report_fixture.h"

static void test_tap_nasty(void) {
  ifm_report *r = nasty_report();
  size_t len;
  char *t = render(ifm_report_write_tap, r, &len);

  ifm_report_free(r);
  ASSERT(t != NULL);
  ASSERT(strncmp(t, "TAP version 13\n1..8\n", 20) == 0);
  ASSERT(has_line(t, "# ifmatch 0.1.0, target http://127.0.0.1:8080/res?a=1&b=<2> \"q\", "
                     "profile strict, started 2024-05-01T12:00:00Z"));
  ASSERT(has_line(t, "ok 1 - IM-BASIC-200: A matching strong tag allows the write"));
  ASSERT(has_line(t, "not ok 2 - IM-STALE-412-put: A stale tag \\# is refused\\nwith 412"));
  ASSERT(has_line(t, "ok 3 - IM-PATCH-412: PATCH with a stale tag # SKIP target cannot PATCH"));
  ASSERT(has_line(t, "ok 4 - IM-ETAG-SHOULD: ETag -- on ]]> every write"));
  ASSERT(has_line(t, "# WARN IM-ETAG-SHOULD: no ETag on 201"));
  ASSERT(has_line(t, "not ok 5 - IM-LIST-412: First list member only "
                     "# TODO waived: known bug \\#42 in vendor\\\\x"));
  ASSERT(has_line(t, "not ok 6 - IM-DOWN"));
  ASSERT(has_line(t, "ok 7 - IM-MAY-weak: Weak comparison"));
  ASSERT(has_line(t, "# INFO IM-MAY-weak: weak comparison not offered"));
  ASSERT_CONTAINS(t, "\nok 8 - IM-BYTES: \\x01\\x02");
  ASSERT_CONTAINS(t, "\\x1f !\"\\#$%&'()*+,-./0123");
  ASSERT_CONTAINS(t, "Z[\\\\]^_`a");
  ASSERT_CONTAINS(t, "}~\\x7f\\x80\\x81");
  /* the YAML diagnostics of point 2 (YAML double-quoted escapes) */
  ASSERT(has_line(t, "  verdict: \"FAIL\""));
  ASSERT(has_line(t, "  requirement: \"IM-STALE-412\""));
  ASSERT(has_line(t, "  spec: \"RFC 9110 13.1.1\""));
  ASSERT(has_line(t, "  level: \"MUST\""));
  ASSERT(has_line(t, "  got: \"200 \\x01\\x7f\""));
  ASSERT(has_line(t, "  failed_step: 3"));
  ASSERT(has_line(t, "  duration_ms: 12.346"));
  ASSERT(has_line(t, "    - step: 3"));
  ASSERT(has_line(t, "      client: -1"));
  ASSERT(has_line(t, "          - name: \"If-Match\""));
  ASSERT(has_line(t, "            value: \"\\\"v1\\\"\""));
  ASSERT(has_line(t, "            value: \"a\\x00b\""));
  ASSERT(has_line(t, "            value: \"\\xff\\xfe\\xc3(\""));
  ASSERT(has_line(t, "            value: \"\\r\\n\\t\\x1b\""));
  ASSERT(has_line(t, "        body: \"]]> -- <!-- & 'q' \\\"d\\\" \xc3\xa9 \xe2\x88\x91 "
                     "\\u2028 \\u0085 \\uffff\\r\\n\""));
  ASSERT(has_line(t, "        body_total: 5000"));
  ASSERT(has_line(t, "      error: \"connection reset by peer\""));
  ASSERT(has_line(t, "        headers: []"));
  ASSERT(has_line(t, "  message: ~"));                 /* the ERROR's NULLs */
  ASSERT(has_line(t, "  requirement: ~"));
  ASSERT(has_line(t, "            value_total: 70000"));  /* cut to 4096 bytes */
  ASSERT(has_line(t, "# PASS 1, FAIL 2 (1 waived), WARN 2, INFO 1, SKIP 1, ERROR 1"));
  ASSERT(has_line(t, "# verdict: NOT CONFORMANT"));
  ASSERT_EQ(count_substr(t, "\n  ---\n"), 7);          /* every point but the PASS */
  ASSERT_EQ(count_substr(t, "\n  ...\n"), 7);
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
                  "# ifmatch (unknown version), target (none), profile (none)\n"
                  "not ok 1 - NOT TESTED: no case was run\n"
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
  /* the description: 1024 bytes of the title, each '#' as "\#", then "..." */
  strcpy(want, "not ok 1 - IM-L: ");
  for (k = 0; k < 1024; k++) strcat(want, "\\#");
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
  ASSERT(has_line(t, "# newly passing since the baseline: IM-\\#B\\n"));
  ASSERT_EQ(tap_bad_line(t), 0);
  free(t);
}

IFM_TEST_MAIN(
  TEST(test_tap_nasty),
  TEST(test_tap_empty_and_interrupted),
  TEST(test_tap_long_strings),
  TEST(test_tap_baseline)
)
