/* ifm_fp_oracle.h: the stateful fuzzer's oracle. Pure: a program, the
 * exchanges its run made (the project's ifm_exchange records, plus a small
 * side record per exchange) and a profile go in; a verdict comes out. No
 * I/O, no clock, no network.
 *
 * It judges as the suite's judge does, from the same code:
 *  - the operations inside the checker's model (ifm_fp_lang.h), sequential
 *    or racing, form one history per epoch that ifm_lin_check must find
 *    linearizable with functional ETags, with the checker's options taken
 *    from the profile as ifm_judge_linear takes them (star_on_missing
 *    accepts 201: `*` creates; mismatch accepts 409);
 *  - every operation outside it is judged against the state the read just
 *    before it showed (that read ends the epoch): core's ifm_list_add_line
 *    / ifm_list_if_match for If-Match lists and raw bytes, core's
 *    ifm_precond_evaluate (RFC 9110 13.2.2 order) for the conditional
 *    forms. Where the RFC leaves the answer to the profile the accepted
 *    statuses are the profile's set, looked up with ifm_profile_lookup and
 *    tested with ifm_status_spec_accepts: malformed (a malformed If-Match:
 *    400 or 412 in every shipped profile), empty_value, mismatch,
 *    missing_if_match, star_on_missing, missing_resource, write_ok. A
 *    precondition that holds asks for RFC 9110 9.3.4's statuses (201 on
 *    creation, 200 / 204 on replacement; 200 for a read), inside write_ok;
 *    If-None-Match false on a read asks for 304 (13.1.2). The read just
 *    after shows whether the operation changed the resource: a refusal
 *    must change nothing, a success must show its body and a new ETag;
 *  - a 5xx, or no response to a sequential request, is a violation; in a
 *    race no answer and 408 / 429 / 503 are unknown (ifm_judge_is_outcome);
 *  - the histories are read with the judge's ifm_judge_lin_op, RFC 9110
 *    13.2.1 is the judge's ifm_judge_unconditional on the target's answers
 *    without preconditions (ifm_fp_uncond below); a missing ETag is never a
 *    violation; a weak If-Match tag never matches (strong comparison).
 * A broken rule's verdict is ifm_judge_verdict_for_level of its
 * requirement's level in the catalogue; a violation is a FAIL (every rule
 * the oracle checks is a MUST today).
 *
 * The trace is what a run records (ifm_fp_run.h): the requests the runner
 * sent in order, with the reads it adds: one before each sequential
 * operation unless the record before it is already a read whose state is
 * known, one after it, and one at the end of an epoch.
 */
#ifndef IFM_FP_ORACLE_H
#define IFM_FP_ORACLE_H

#include <stddef.h>

#include "ifm_buf.h"
#include "ifm_exchange.h"
#include "ifm_fp_lang.h"
#include "ifm_model.h"
#include "ifm_verdict.h"

#define IFM_FP_MAX_RECS 64

/* What the fuzzer knows of one exchange beyond HTTP. */
#define IFM_FP_SETUP (-2)   /* ifm_fp_step.op of a request that makes the resource before the
                             * program (a target that creates by POST): unjudged; the read
                             * just after it is the first epoch's initial state */
typedef struct ifm_fp_step {
  int op;                /* index into the program; -1: a read the runner added; IFM_FP_SETUP */
  int group;             /* the op's group; -1 for added reads */
  int racing;            /* 1: part of a group of more than one */
  char expect[32];       /* the sequential oracle's expectation ("" = the checker's) */
} ifm_fp_step;

/* A run's exchanges, in the order they were started; x[i].client is the
 * op's client (-1 for added reads). Owned by whoever holds it; cleared with
 * ifm_fp_trace_clear. */
typedef struct ifm_fp_trace {
  ifm_exchange x[IFM_FP_MAX_RECS];
  ifm_fp_step s[IFM_FP_MAX_RECS];
  size_t n;
  char path[128];        /* the resource's path */
} ifm_fp_trace;

void ifm_fp_trace_init(ifm_fp_trace *t);
void ifm_fp_trace_clear(ifm_fp_trace *t);   /* frees the exchanges; back to init */

/* The status of an exchange as judged: 0 when no response came. */
int ifm_fp_trace_status(const ifm_exchange *x);
/* The request's fields named name (ASCII case-insensitive), in the order
 * sent, at most max of them into out; returns how many there are. */
size_t ifm_fp_trace_fields(const ifm_exchange *x, const char *name, const ifm_field **out, size_t max);

typedef struct ifm_fp_verdict {
  int violated;              /* a rule of level MUST broke (verdict FAIL) */
  ifm_verdict verdict;       /* IFM_PASS, or the verdict of the first broken rule */
  const char *requirement;   /* e.g. "IM-RACE-ONE-WINNER"; "A/B" when the
                              * operations fit several (a best guess) */
  char req_buf[80];
  ifm_buf why;               /* the violation, explained */
} ifm_fp_verdict;

void ifm_fp_verdict_init(ifm_fp_verdict *v);
void ifm_fp_verdict_clear(ifm_fp_verdict *v);   /* frees why; back to init */

/* What the profile says, through the judge's functions. */
/* The set of statuses the profile's key stands for (as a case's
 * `status: {profile: KEY}` resolves), or NULL when it has no such key. */
const ifm_status_spec *ifm_fp_oracle_profile_set(const ifm_profile *p, const char *key);
/* A write without precondition is 2xx (and nothing else): it is in the
 * checker's model (the decoder's none_in_model). */
int ifm_fp_oracle_none_in_model(const ifm_profile *p);
/* If-Match: * is true on a missing resource (star_on_missing accepts 201). */
int ifm_fp_oracle_star_creates(const ifm_profile *p);

/* RFC 9110 13.2.1: "A server MUST ignore all received preconditions if its
 * response to the same request without those conditions ... would have been
 * a status code other than a 2xx (Successful) or a 412". The server's answers
 * without preconditions, by method and by the resource's state, as the
 * runner learned them on twin resources (ifm_fp_run.h); 0: not known.
 * [0]: on a missing resource, [1]: on an existing one. A sequential answer
 * the oracle would refuse is weighed with the suite's own rule,
 * ifm_judge_unconditional; a model operation that got its method's
 * unconditional answer was right to ignore its preconditions: to the
 * checker it is a read that saw the resource missing (when that answer is
 * the missing resource's only) or nothing at all. */
typedef struct ifm_fp_uncond {
  int get[2], put[2], del[2];
} ifm_fp_uncond;

/* The whole judgement at once: ifm_fp_oracle_new, then for each exchange
 * _expect and _feed, then _end. Returns 0, or -1 when the checker could not
 * decide (out of memory, limits). */
int ifm_fp_oracle_judge(const ifm_fp_prog *p, const ifm_profile *prof, const ifm_fp_trace *t,
                        ifm_fp_verdict *v);

/* The same, one exchange at a time, so a run can stop at the first
 * violation. The oracle borrows p and prof (they must outlive it); the
 * caller owns it and frees it with ifm_fp_oracle_free. NULL: out of memory. */
typedef struct ifm_fp_oracle ifm_fp_oracle;
ifm_fp_oracle *ifm_fp_oracle_new(const ifm_fp_prog *p, const ifm_profile *prof);
void ifm_fp_oracle_free(ifm_fp_oracle *o);
/* The target's unconditional answers (copied); none set: all unknown. */
void ifm_fp_oracle_set_uncond(ifm_fp_oracle *o, const ifm_fp_uncond *u);

/* t->x[i]'s request is built and not sent yet. When it is a sequential
 * operation, judges the epoch that ends at the read just before it
 * (t->x[i - 1]) and that read, then writes what the operation's answer must
 * be into expect (the text a case would say, e.g. "412", "[400, 412]").
 * Returns 0, or -1 when the checker could not decide. */
int ifm_fp_oracle_expect(ifm_fp_oracle *o, const ifm_fp_trace *t, size_t i, char *expect,
                         size_t expect_len, ifm_fp_verdict *v);
/* t->x[i] is complete (after _expect on it). Returns 0. */
int ifm_fp_oracle_feed(ifm_fp_oracle *o, const ifm_fp_trace *t, size_t i, ifm_fp_verdict *v);
/* The program is over: judges the last epoch. Returns 0 or -1 as _expect. */
int ifm_fp_oracle_end(ifm_fp_oracle *o, const ifm_fp_trace *t, ifm_fp_verdict *v);

#endif
