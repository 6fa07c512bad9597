/* judge_uncond_test.c: RFC 9110 13.2.1 as the judge applies it
 * (runner/judge/ifm_judge_uncond.c) and the precondition fields the plan
 * recognises and strips (runner/plan/ifm_plan_request.c).
 *
 * 13.2.1: "A server MUST ignore all received preconditions if its response
 * to the same request without those conditions, prior to processing the
 * request content, would have been a status code other than a 2xx
 * (Successful) or a 412 (Precondition Failed)." So with an unconditional
 * answer that does not depend on the content (404, 405, ...), a server that
 * answers it again is right (the case cannot test its precondition: SKIP),
 * and one that answers 412 evaluated what it had to ignore (the case's
 * verdict). With 2xx or 412 unconditionally, preconditions apply and the
 * verdict stands; so it does for answers that may come from the content
 * (400, 409, 413, 415, 422). */
#include "ifm_judge.h"
#include "ifm_plan.h"
#include "ifm_test.h"

static ifm_verdict decide(ifm_level level, int observed, int unconditional, ifm_judgement *j) {
  ifm_case c;
  memset(&c, 0, sizeof c);
  c.level = level;
  ifm_judgement_clear(j);
  j->message = ifm_strdup("unexpected status");
  j->expected = ifm_strdup("status 412");
  j->got = ifm_strdup("status x");
  j->on_status = 1;
  return ifm_judge_unconditional(&c, observed, unconditional, j);
}

static void test_skip_when_ignored_rightly(void) {
  ifm_judgement j = {0};
  static const int before[] = {401, 403, 404, 405, 410, 501};
  size_t i;
  for (i = 0; i < sizeof before / sizeof before[0]; i++) {
    ASSERT_EQ(decide(IFM_MUST, before[i], before[i], &j), IFM_SKIP);
    ASSERT_CONTAINS(j.message, "13.2.1");
    ASSERT(j.got && strstr(j.got, "without the preconditions"));
  }
  /* another non-2xx/412 answer than the twin's, but not 412: still not a
   * precondition evaluated (a 403 here, 404 there: the server may differ) */
  ASSERT_EQ(decide(IFM_MUST, 403, 404, &j), IFM_SKIP);
  ifm_judgement_clear(&j);
}

static void test_fail_when_evaluated_wrongly(void) {
  ifm_judgement j = {0};
  ASSERT_EQ(decide(IFM_MUST, 412, 404, &j), IFM_FAIL);       /* missing resource, 412 anyway */
  ASSERT_CONTAINS(j.message, "MUST ignore");
  ASSERT_CONTAINS(j.expected, "404");
  ASSERT_EQ(decide(IFM_SHOULD, 412, 405, &j), IFM_WARN);     /* the case's level decides */
  ASSERT_EQ(decide(IFM_MAY, 412, 405, &j), IFM_INFO);
  ifm_judgement_clear(&j);
}

static void test_verdict_stands(void) {
  ifm_judgement j = {0};
  static const int stands[] = {200, 201, 204, 412, 400, 409, 413, 415, 422, 500, 0};
  size_t i;
  for (i = 0; i < sizeof stands / sizeof stands[0]; i++) {
    ASSERT_EQ(decide(IFM_MUST, 204, stands[i], &j), IFM_FAIL);
    ASSERT_STREQ(j.message, "unexpected status");            /* unchanged */
    ASSERT_STREQ(j.expected, "status 412");
  }
  ifm_judgement_clear(&j);
}

static void test_precondition_fields(void) {
  ifm_exchange x;
  static const char *const pre[] = {"If-Match", "if-none-match", "If-Modified-Since", "IF-UNMODIFIED-SINCE",
                                    "If-Range"};
  size_t i;
  memset(&x, 0, sizeof x);
  ifm_field_append(&x.req_headers, &x.n_req_headers, "X-Ifmatch-Case", "c", 1);
  ifm_field_append(&x.req_headers, &x.n_req_headers, "Content-Type", "text/plain", 10);
  ASSERT_EQ(ifm_plan_has_preconditions(&x), 0);
  for (i = 0; i < sizeof pre / sizeof pre[0]; i++) {
    ifm_field_append(&x.req_headers, &x.n_req_headers, pre[i], "\"e\"", 3);
    ASSERT_EQ(ifm_plan_has_preconditions(&x), 1);
  }
  ifm_field_append(&x.req_headers, &x.n_req_headers, "If-Match", "\"f\"", 3);   /* a second line */
  ASSERT_EQ(x.n_req_headers, 8);
  ifm_plan_strip_preconditions(&x);
  ASSERT_EQ(x.n_req_headers, 2);                               /* the others stay, in order */
  ASSERT_STREQ(x.req_headers[0].name, "X-Ifmatch-Case");
  ASSERT_STREQ(x.req_headers[1].name, "Content-Type");
  ASSERT_EQ(ifm_plan_has_preconditions(&x), 0);
  ifm_exchange_clear(&x);
}

IFM_TEST_MAIN(TEST(test_skip_when_ignored_rightly), TEST(test_fail_when_evaluated_wrongly),
              TEST(test_verdict_stands), TEST(test_precondition_fields))
