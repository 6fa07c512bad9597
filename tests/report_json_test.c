/* report_json_test.c: the JSON writer (reports/ifm_json.c): format version
 * 1 as reports/README.md documents it, RFC 8259 string escapes for every
 * byte a server can send, nulls for what is unknown. Split from the former
 * tests/report_test.c. */
#include "ifm_test.h"
#include "report_fixture.h"

static void test_json_nasty(void) {
  ifm_report *r = nasty_report();
  size_t len;
  char *j = render(ifm_report_write_json, r, &len);

  ifm_report_free(r);
  ASSERT(j != NULL);
  ASSERT(strncmp(j, "{\n  \"format\": \"ifmatch-report\",\n  \"version\": 1,\n", 48) == 0);
  ASSERT(has_line(j, "  \"tool_version\": \"0.1.0\","));
  ASSERT(has_line(j, "  \"target\": \"http://127.0.0.1:8080/res?a=1&b=<2> \\\"q\\\"\","));
  ASSERT(has_line(j, "  \"duration_ms\": 1234.568,"));
  ASSERT(has_line(j, "  \"interrupted\": false,"));
  ASSERT(has_line(j, "  \"conformant\": false,"));
  ASSERT(has_line(j, "  \"counts\": {\"PASS\": 1, \"FAIL\": 2, \"WARN\": 2, \"INFO\": 1, "
                     "\"SKIP\": 1, \"ERROR\": 1},"));
  ASSERT(has_line(j, "      \"title\": \"A stale tag # is refused\\nwith 412\","));
  ASSERT(has_line(j, "      \"got\": \"200 \\u0001\\u007f\","));
  ASSERT(has_line(j, "      \"failed_step\": 3,"));
  ASSERT(has_line(j, "      \"failed_step\": null,"));
  ASSERT(has_line(j, "      \"title\": null,"));
  ASSERT(has_line(j, "      \"message\": null,"));
  ASSERT(has_line(j, "      \"waived\": true,"));
  ASSERT(has_line(j, "      \"waiver_reason\": \"known bug #42 in vendor\\\\x\","));
  ASSERT(has_line(j, "      \"duration_ms\": 12.346,"));
  ASSERT(has_line(j, "      \"exchanges\": []"));
  ASSERT_CONTAINS(j, "[\"If-Match\", \"\\\"v1\\\"\"]");
  ASSERT_CONTAINS(j, "[\"X-Nul\", \"a\\u0000b\"]");
  ASSERT_CONTAINS(j, "[\"X-Bad\", \"\\u00ff\\u00fe\\u00c3(\"]");
  ASSERT_CONTAINS(j, "[\"X-Ctl\", \"\\r\\n\\t\\u001b\"]");
  ASSERT_CONTAINS(j, "\"body\": \"]]> -- <!-- & 'q' \\\"d\\\" \xc3\xa9 \xe2\x88\x91 \\u2028 "
                     "\xc2\x85 \xef\xbf\xbf\\r\\n\", \"body_total\": 5000, \"body_truncated\": true, "
                     "\"body_hash\": \"");
  /* the hash is whatever the model holds: the executor fills it (FNV-1a 64) */
  ASSERT_CONTAINS(j, "[\"X-Long\", \"llll\", 9000]], \"headers_omitted\": 7, \"header_bytes_omitted\": 700, ");
  ASSERT_CONTAINS(j, "\"request\": {\"headers\": [], \"headers_omitted\": 0, \"header_bytes_omitted\": 0, "
                     "\"body\": \"\", \"body_total\": 0, "
                     "\"body_truncated\": false, \"body_hash\": \"0000000000000000\"}");
  ASSERT(has_line(j, "      \"exchanges_omitted\": 0,"));
  ASSERT(has_line(j, "          \"timings\": {\"start\": 10.000, \"release\": 0.000, "
                     "\"first_byte\": 11.250, \"done\": 12.500}"));
  ASSERT(has_line(j, "          \"client\": 3,"));
  ASSERT(has_line(j, "          \"error\": \"connection reset by peer\","));
  ASSERT(has_line(j, "          \"method\": null,"));
  ASSERT_EQ(count_substr(j, "\"case_id\": "), 8);
  ASSERT(len > 7 && strcmp(j + len - 7, "\n  ]\n}\n") == 0);
  ASSERT_EQ(first_bad_byte(j, len, ALLOW_C1), 0);
  free(j);
}

static void test_json_empty(void) {
  ifm_report *r = ifm_report_new();
  char *j = render(ifm_report_write_json, r, NULL);

  ifm_report_free(r);
  ASSERT_STREQ(j, "{\n  \"format\": \"ifmatch-report\",\n  \"version\": 1,\n"
                  "  \"tool_version\": null,\n  \"target\": null,\n  \"profile\": null,\n"
                  "  \"started_at\": null,\n  \"duration_ms\": 0.000,\n"
                  "  \"interrupted\": false,\n  \"conformant\": false,\n"
                  "  \"verdict\": \"NOT TESTED\",\n  \"not_tested\": null,\n"
                  "  \"counts\": {\"PASS\": 0, \"FAIL\": 0, \"WARN\": 0, \"INFO\": 0, "
                  "\"SKIP\": 0, \"ERROR\": 0},\n  \"baseline\": null,\n  \"results\": []\n}\n");
  free(j);
}

/* reports/README.md: with --baseline, "baseline" is {"file": FILE,
 * "newly_failing": [ids], "newly_passing": [ids]}, the ids as JSON strings. */
static void test_json_baseline(void) {
  ifm_report *r = ifm_report_new();
  char *j;

  ASSERT(r != NULL);
  add_case(r, "IM-A", "IM-A", "t", "f", IFM_MUST, IFM_FAIL, "m");
  r->baseline = dup_str("main \"old\".json");
  r->newly_failing = calloc(1, sizeof *r->newly_failing);
  r->newly_passing = calloc(2, sizeof *r->newly_passing);
  ASSERT(r->newly_failing && r->newly_passing);
  r->newly_failing[r->n_newly_failing++] = dup_str("IM-A");
  r->newly_passing[r->n_newly_passing++] = dup_str("IM-B");
  r->newly_passing[r->n_newly_passing++] = dup_str("IM-\x01");
  j = render(ifm_report_write_json, r, NULL);
  ASSERT(j != NULL);
  ASSERT(has_line(j, "  \"baseline\": {\"file\": \"main \\\"old\\\".json\", "
                     "\"newly_failing\": [\"IM-A\"], \"newly_passing\": [\"IM-B\", \"IM-\\u0001\"]},"));
  free(j);
  free(r->newly_failing[0]);
  r->n_newly_failing = 0;             /* nothing newly failing: an empty list, not null */
  j = render(ifm_report_write_json, r, NULL);
  ifm_report_free(r);
  ASSERT(j != NULL);
  ASSERT_CONTAINS(j, "\"newly_failing\": [], \"newly_passing\": [");
  free(j);
}

IFM_TEST_MAIN(
  TEST(test_json_nasty),
  TEST(test_json_empty),
  TEST(test_json_baseline)
)
