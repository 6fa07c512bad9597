/* ifm_judge_uncond.c: RFC 9110 13.2.1 as one general rule (see ifm_judge.h).
 *
 * A case that expected, say, 412 for a stale If-Match and got 405 from a
 * read-only resource, or 404 from an API that creates only by POST, has not
 * found a fault: without the precondition the server answers 405 (or 404)
 * too, and 13.2.1 tells it to ignore preconditions then. The run stage
 * establishes that unconditional answer on a twin resource (the case's steps
 * replayed on a fresh one, the failing request sent without its
 * preconditions) and this file decides what it means.
 *
 * 13.2.1 speaks of the answer "prior to processing the request content".
 * The twin sends the same content, so its answer counts only when it is one
 * that does not depend on the content: the resource or method is not there
 * (404, 410, 405, 501) or the client may not use it (401, 403). A 400, 409,
 * 413, 415 or 422 may come from the content itself, and then the case's
 * verdict stands. */
#include <stdlib.h>
#include <strings.h>
#include "ifm_judge.h"

/* Replaces j's message by text (and expected/got when given). */
static void restate(ifm_judgement *j, ifm_buf *msg, const char *expected, const char *got) {
  free(j->message);
  j->message = ifm_buf_detach(msg);
  if (expected) {
    free(j->expected);
    j->expected = ifm_strdup(expected);
  }
  if (got) {
    free(j->got);
    j->got = ifm_strdup(got);
  }
}

int ifm_judge_before_content(int status) {
  return status == 401 || status == 403 || status == 404 || status == 405 || status == 410 || status == 501;
}

ifm_verdict ifm_judge_unconditional(const ifm_case *c, int observed, int unconditional, ifm_judgement *j) {
  ifm_buf m = IFM_BUF_INIT, want = IFM_BUF_INIT, got = IFM_BUF_INIT;
  ifm_verdict v;
  if (!ifm_judge_before_content(unconditional)) return ifm_judge_verdict_for_level(c->level);
  if (observed == 412) {
    ifm_buf_printf(&m, "%s; without its preconditions the server answers %d to the same request (on a twin "
                   "resource made the same way), so RFC 9110 13.2.1 says it MUST ignore them, yet it "
                   "answered 412", j->message ? j->message : "unexpected status 412", unconditional);
    ifm_buf_printf(&want, "status %d: the answer without preconditions (RFC 9110 13.2.1)", unconditional);
    restate(j, &m, ifm_buf_str(&want), NULL);
    v = ifm_judge_verdict_for_level(c->level);
  } else {
    ifm_buf_printf(&m, "RFC 9110 13.2.1: without its preconditions the server answers %d to this request "
                   "(on a twin resource made the same way), so it must ignore them, and it answered %d; "
                   "this case cannot test its preconditions on this target",
                   unconditional, observed);
    ifm_buf_printf(&got, "status %d, and %d without the preconditions", observed, unconditional);
    restate(j, &m, NULL, ifm_buf_str(&got));
    v = IFM_SKIP;
  }
  ifm_buf_clear(&want);
  ifm_buf_clear(&got);
  return v;
}

int ifm_judge_round_before_content(const ifm_exchange *x, size_t n) {
  size_t i, seen = 0;
  for (i = 0; i < n; i++) {
    if (x[i].client < 0 || !ifm_judge_is_outcome(&x[i])) continue;
    if (!ifm_judge_before_content(x[i].status)) return 0;
    seen++;
  }
  return seen > 0;
}
