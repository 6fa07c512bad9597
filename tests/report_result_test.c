/* report_result_test.c: the results model (runner/model/ifm_result.c) as the
 * reports see it: verdict and level names, growing and freeing a report, the
 * counts per verdict and the suite verdict (DESIGN.md, "Verdicts and exit
 * codes"). Split from the former tests/report_test.c. */
#include "ifm_test.h"
#include "report_fixture.h"

static void test_names(void) {
  static const char *const v[] = {"PASS", "FAIL", "WARN", "INFO", "SKIP", "ERROR"};
  int i;

  for (i = 0; i < IFM_VERDICT_COUNT; i++) ASSERT_STREQ(ifm_verdict_name((ifm_verdict)i), v[i]);
  ASSERT_STREQ(ifm_verdict_name((ifm_verdict)42), "ERROR");
  ASSERT_STREQ(ifm_level_name(IFM_MUST), "MUST");
  ASSERT_STREQ(ifm_level_name(IFM_SHOULD), "SHOULD");
  ASSERT_STREQ(ifm_level_name(IFM_MAY), "MAY");
  ASSERT_STREQ(ifm_level_name((ifm_level)9), "UNKNOWN");
}

static void test_model_grow_and_free(void) {
  ifm_report *r = ifm_report_new();
  ifm_result *res = NULL;
  ifm_exchange *x;
  size_t i;

  ASSERT(r != NULL);
  for (i = 0; i < 100; i++) {
    res = ifm_report_add(r);
    ASSERT(res != NULL);
    ASSERT(res->case_id == NULL && res->verdict == IFM_PASS && res->n_exchanges == 0);
    res->case_id = dup_str("IM-X");
  }
  ASSERT_EQ(r->n_results, 100);
  ASSERT_GE(r->cap_results, 100);
  ASSERT(res == &r->results[99]);
  x = ifm_result_add_exchange(res);
  ASSERT(x != NULL);
  ASSERT_EQ(x->client, -1);
  ASSERT_EQ(ifm_field_append(&x->req_headers, &x->n_req_headers, "A", "x\0y", 3), 0);
  ASSERT_EQ(ifm_field_append(&x->req_headers, &x->n_req_headers, "B", NULL, 7), 0);
  ASSERT_EQ(x->n_req_headers, 2);
  ASSERT_MEMEQ(x->req_headers[0].value, 4, "x\0y", 4);   /* copied, NUL-terminated */
  ASSERT_EQ(x->req_headers[1].value_len, 0);
  ASSERT_STREQ(x->req_headers[1].value, "");
  ifm_result_clear(&r->results[0]);
  ASSERT(r->results[0].case_id == NULL);
  ifm_report_free(r);        /* ASan reports anything left behind */
  ifm_report_free(NULL);
}

static void test_counts_and_conformant(void) {
  ifm_report *r = ifm_report_new();
  size_t c[IFM_VERDICT_COUNT];
  ifm_result *res;

  ASSERT_EQ(ifm_report_conformant(r), 0);              /* nothing judged is never conformant */
  ASSERT_STREQ(ifm_report_verdict(r), "NOT TESTED");
  ifm_report_count(r, c);
  ASSERT_EQ(c[IFM_PASS] + c[IFM_FAIL] + c[IFM_ERROR], 0);
  add_case(r, "a", "a", "t", "f", IFM_MUST, IFM_PASS, NULL);
  add_case(r, "b", "b", "t", "f", IFM_SHOULD, IFM_WARN, "m");
  add_case(r, "c", "c", "t", "f", IFM_MAY, IFM_INFO, "m");
  add_case(r, "d", "d", "t", "f", IFM_MUST, IFM_SKIP, "m");
  ASSERT_EQ(ifm_report_conformant(r), 1);              /* WARN/INFO/SKIP don't break it */
  ASSERT_STREQ(ifm_report_verdict(r), "CONFORMANT");
  r->interrupted = 1;
  ASSERT_STREQ(ifm_report_verdict(r), "NOT TESTED");   /* cut short before any fault: proves nothing */
  r->interrupted = 0;
  r->not_tested = strdup("the preflight failed");
  ASSERT_EQ(ifm_report_conformant(r), 0);
  ASSERT_STREQ(ifm_report_verdict(r), "NOT TESTED");
  free(r->not_tested);
  r->not_tested = NULL;
  res = add_case(r, "e", "e", "t", "f", IFM_MUST, IFM_FAIL, "m");
  ASSERT_EQ(ifm_report_conformant(r), 0);
  ASSERT_STREQ(ifm_report_verdict(r), "NOT CONFORMANT");
  r->interrupted = 1;
  ASSERT_STREQ(ifm_report_verdict(r), "NOT CONFORMANT");   /* a fault found before the cut stands */
  r->interrupted = 0;
  res->waived = 1;
  ASSERT_EQ(ifm_report_conformant(r), 1);              /* a waived FAIL is expected */
  r->interrupted = 1;
  ASSERT_EQ(ifm_report_conformant(r), 0);              /* partial: certifies nothing */
  r->interrupted = 0;
  res = add_case(r, "f", "f", "t", "f", IFM_MUST, IFM_ERROR, NULL);
  res->waived = 1;
  ASSERT_EQ(ifm_report_conformant(r), 0);              /* an ERROR is never waived */
  res->verdict = (ifm_verdict)77;
  ASSERT_EQ(ifm_report_conformant(r), 0);
  ifm_report_count(r, c);
  ASSERT_EQ(c[IFM_PASS], 1);
  ASSERT_EQ(c[IFM_FAIL], 1);
  ASSERT_EQ(c[IFM_WARN], 1);
  ASSERT_EQ(c[IFM_INFO], 1);
  ASSERT_EQ(c[IFM_SKIP], 1);
  ASSERT_EQ(c[IFM_ERROR], 1);                          /* the out-of-range one */
  ASSERT_EQ(ifm_report_conformant(NULL), 0);
  ifm_report_free(r);
}

IFM_TEST_MAIN(
  TEST(test_names),
  TEST(test_model_grow_and_free),
  TEST(test_counts_and_conformant)
)
