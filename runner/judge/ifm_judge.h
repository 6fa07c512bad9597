/* ifm_judge.h: the judge stage. Pure: expectations + exchanges + profile ->
 * verdicts with their evidence. No I/O, no libcurl, no YAML; templates in
 * expectations are expanded through the case's scope (plan/ifm_scope.h),
 * which is computation, not I/O.
 *
 *   ifm_judge.c          the leaf checks (a status, a header, the body) and
 *                        the level -> verdict rule
 *   ifm_judge_step.c     one sequential step: assume, then expect; the view
 *                        through the target's `extract`
 *   ifm_judge_counts.c   a parallel round's `count:` expectations
 *   ifm_judge_linear.c   a parallel round's history through the checker (lin/)
 *   ifm_judge_uncond.c   RFC 9110 13.2.1: a failed status against the server's
 *                        answer to the same request without preconditions
 */
#ifndef IFM_JUDGE_H
#define IFM_JUDGE_H

#include "ifm_exchange.h"
#include "ifm_model.h"
#include "ifm_scope.h"

/* Why a check failed: owned strings, freed by ifm_judgement_clear. */
typedef struct ifm_judgement {
  char *message;    /* one line: "status 204 is not in 412" */
  char *expected;
  char *got;
  int on_status;    /* the check that failed was the status */
  size_t *named;    /* a parallel round's: the exchanges (indices into the round's x[]) that
                       the explanation names: the checker's culprits, or the responses a
                       count has too many of (the winners); NULL: none */
  size_t n_named;
} ifm_judgement;

void ifm_judgement_clear(ifm_judgement *j);

/* The one rule: a broken expectation of level MUST is FAIL, SHOULD is WARN,
 * MAY is INFO (DESIGN.md, "Verdicts and exit codes"). */
ifm_verdict ifm_judge_verdict_for_level(ifm_level l);

/* The set a status spec stands for under the active profile (and the
 * target's overrides). Returns NULL when the spec names a profile key that is
 * not defined (the caller reports an ERROR). */
const ifm_status_spec *ifm_judge_resolve_status(const ifm_status_spec *s, const ifm_profile *p,
                                                const ifm_target *t);

/* Returns 1 when the status is acceptable; otherwise 0 and fills j. */
int ifm_judge_status(const ifm_status_spec *s, const ifm_profile *p, const ifm_target *t,
                     int status, ifm_judgement *j);

/* One header/body expectation; value is the expanded template (NULL when the
 * match kind takes none). Returns 1 when it holds; otherwise 0 and fills j.
 * t (may be NULL): its secrets are not cut in two where a long body is cut
 * short for j->got (the whole got is redacted when the case ends). */
int ifm_judge_item(const ifm_expect_item *it, const ifm_target *t, const ifm_exchange *r, const char *value,
                   size_t value_len, ifm_judgement *j);

/* What judging asks of the run, besides the response. */
typedef struct ifm_judge_ctx {
  const ifm_profile *profile;
  const ifm_target *target;
  ifm_scope *scope;             /* expands the templates of expectations */
} ifm_judge_ctx;

/* One expectation block. Returns 1 when it holds, 0 with j filled when it
 * does not, -1 with err when it cannot be evaluated (an undefined profile
 * key, a variable with no value), -2 with err when the server lacks what it
 * needs (no ETag field where a well-formed one is expected, a variable whose
 * capture found nothing): not a fault of the server, since sending an ETag
 * is a SHOULD (RFC 9110 8.8.3). */
int ifm_judge_expect(const ifm_judge_ctx *jc, const ifm_expect *ex, const ifm_exchange *r,
                     ifm_judgement *j, char *err, size_t errlen);

/* A sequential step's response, as the case's verdict so far: IFM_PASS (go
 * on), IFM_SKIP (what the case assumes of the target does not hold, or the
 * server lacks what the case needs: the target cannot show what the case
 * tests; j says what), the verdict of the
 * case's level (an expectation broke; j), or IFM_ERROR (j->message says why
 * it could not be judged). */
ifm_verdict ifm_judge_step(const ifm_judge_ctx *jc, const ifm_case *c, const ifm_step *st,
                           const ifm_exchange *r, ifm_judgement *j);

/* The response as the case sees it: with the target's `extract` for the
 * step's operation, the body is group 1 of the pattern's first match (empty
 * when none); otherwise r itself. A view with its own body is returned in
 * *view and must be released with ifm_judge_view_clear. */
const ifm_exchange *ifm_judge_view(const ifm_target *t, const ifm_request_spec *spec,
                                   const ifm_exchange *r, ifm_exchange *view);
void ifm_judge_view_clear(const ifm_exchange *r, ifm_exchange *view);

/* Whether a client's exchange in a race is an outcome: it got an answer that
 * says the request was processed. No answer at all (refused, reset or timed
 * out before any response byte) and 408, 429 and 503 (the server turned the
 * request away: RFC 9110 15.5.9, 15.6.4; RFC 6585 4) are not: such a request
 * may or may not have taken effect, and the checker treats it as unknown. */
int ifm_judge_is_outcome(const ifm_exchange *x);

/* A parallel round's `count:` expectations over its client exchanges (x[i]
 * with client >= 0 count). Requests that are not outcomes (see above) are
 * unknown: an exact count holds when the outcomes in its set are at most the
 * count and, with the unknown ones, could reach it. Returns 1 when they
 * hold, 0 with j filled, -1 with err when a profile key is undefined. */
int ifm_judge_counts(const ifm_judge_ctx *jc, const ifm_parallel *p, const ifm_exchange *x, size_t n,
                     ifm_judgement *j, char *err, size_t errlen);

/* A parallel round's history through the linearizability checker: x[0] is
 * the read before the race, x[n-1] the read after, the rest the clients.
 * Returns 1 linearizable (and every ETag names one body), 0 not (j filled),
 * -1 when the check cannot be made (err: outside the checker's model). */
int ifm_judge_linear(const ifm_judge_ctx *jc, const ifm_exchange *x, size_t n, ifm_judgement *j,
                     char *err, size_t errlen);

/* One exchange as an operation of the checker's history (lin/ifm_linear.h):
 * its method, precondition (by core's grammar), body hash, status (0 when
 * it is not an outcome: ifm_judge_is_outcome), ETag and times; op's
 * pointers point into x. Returns 0, or -1 with err when the request is
 * outside the checker's model. Used by ifm_judge_linear and by the
 * stateful fuzzer's oracle (fuzz/prog/), so both read a history alike. */
struct ifm_lin_op;
int ifm_judge_lin_op(const ifm_exchange *x, struct ifm_lin_op *op, char *err, size_t errlen);

/* RFC 9110 13.2.1: "A server MUST ignore all received preconditions if its
 * response to the same request without those conditions ... would have been
 * a status code other than a 2xx (Successful) or a 412 (Precondition
 * Failed)." A step's status expectation failed (j, from ifm_judge_step, with
 * on_status) on a request that carried preconditions; unconditional is the
 * server's answer to the same request without them, on a twin resource made
 * the same way (0: none could be had). Returns the verdict that holds:
 *   - the unconditional answer is one that comes before the content is
 *     looked at (401, 403, 404, 405, 410, 501) and the server answered 412
 *     anyway: it evaluated preconditions it MUST ignore; the case's verdict,
 *     j says why;
 *   - such an answer, and the server did not answer 412: it was right to
 *     ignore them and the case cannot test them on this target: SKIP, j says
 *     why;
 *   - any other answer (2xx, 412, one that may come from the content, none):
 *     the case's verdict stands (j unchanged). */
/* Weak entity-tags (ifm_judge_weak.c). If-Match compares strongly (RFC 9110
 * 13.1.1), so a weak tag never matches.
 *   ifm_judge_if_match_weak: the request's If-Match lines form a list that
 *     holds a weak tag;
 *   ifm_judge_weak_refused: r is a 412 to such a request where ex expected
 *     the precondition to hold (a status that is neither 412 nor one 13.2.1
 *     puts before preconditions): the 412 is right, the case is SKIP;
 *   ifm_judge_weak_round: every processed client request of a parallel round
 *     was such a request and got 412. */
int ifm_judge_if_match_weak(const ifm_exchange *r);
int ifm_judge_weak_refused(const ifm_judge_ctx *jc, const ifm_expect *ex, const ifm_exchange *r);
int ifm_judge_weak_round(const ifm_exchange *x, size_t n);

/* 1 for the answers RFC 9110 13.2.1 puts before preconditions and that do
 * not depend on the request content: 401, 403, 404, 405, 410, 501. */
int ifm_judge_before_content(int status);

/* 1 when every processed client request of a parallel round got such an
 * answer (404 from a server that does not create by PUT, 405, ...): by
 * 13.2.1 the preconditions were rightly ignored and nothing raced. */
int ifm_judge_round_before_content(const ifm_exchange *x, size_t n);

ifm_verdict ifm_judge_unconditional(const ifm_case *c, int observed, int unconditional, ifm_judgement *j);

#endif
