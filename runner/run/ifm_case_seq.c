/* ifm_case_seq.c: a case as a small state machine. It sends one step at a
 * time on the shared executor; a finished step is judged at once, so a case
 * stops at its first failed expectation with that step's evidence. A
 * parallel step is handed to ifm_par.c, which answers through par_done_cb.
 *
 * Before a failed status on a request with preconditions becomes the case's
 * verdict, the case is replayed on a twin resource and that request is sent
 * without its preconditions (RFC 9110 13.2.1, see ifm_judge_uncond.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_case_run.h"
#include "ifm_redact.h"

static void case_next(ifm_case_run *cr);

void ifm_case_run_init(ifm_case_run *cr, ifm_run_env *env, const ifm_case *c, size_t result_idx) {
  const ifm_run_opts *o = env->o;
  memset(cr, 0, sizeof *cr);
  cr->env = env;
  cr->c = c;
  cr->result_idx = result_idx;
  ifm_scope_init(&cr->scope, c, o->target, env->run_id, &env->uniq);
  cr->scope.given_names = o->var_names;
  cr->scope.given_values = o->var_values;
  cr->scope.n_given = o->n_vars;
  cr->jc.profile = o->profile;
  cr->jc.target = o->target;
  cr->jc.scope = &cr->scope;
}

void ifm_case_run_clear(ifm_case_run *cr) {
  ifm_judgement_clear(&cr->twin.j);
  cr->twin.active = 0;
  ifm_scope_clear(&cr->scope);
  ifm_evidence_clear(&cr->ev);
  ifm_par_clear(&cr->par);
}

void ifm_case_end(ifm_case_run *cr, ifm_verdict v, char *message, char *expected, char *got) {
  ifm_result *res = &cr->env->rep->results[cr->result_idx];
  res->verdict = v;
  res->message = message;
  res->expected = expected;
  res->got = got;
  res->failed_step = v == IFM_PASS || v == IFM_SKIP ? 0 : (int)cr->step + 1;
  ifm_evidence_compact(&cr->ev);
  res->exchanges = cr->ev.x;
  res->n_exchanges = cr->ev.n;
  res->exchanges_omitted = cr->ev.omitted;
  res->duration_ms = ifm_now_ms() - cr->t0;
  memset(&cr->ev, 0, sizeof cr->ev);   /* the result owns them now */
  /* expected and got may quote a server that echoes credentials: redacted
   * before anything (the progress line, a report) sees the result */
  ifm_result_redact(res, cr->env->o->target->secrets, cr->env->o->target->n_secrets);
  cr->finished = 1;
  ifm_case_run_clear(cr);
  if (cr->on_end) cr->on_end(cr, cr->on_end_ctx);
}

char *ifm_case_fmt_step(const ifm_case_run *cr, const char *what, const char *detail) {
  ifm_buf m = IFM_BUF_INIT;
  ifm_buf_printf(&m, "step %zu: %s%s", cr->step + 1, what, detail ? detail : "");
  return ifm_buf_detach(&m);
}

/* Ends the case at the current step with an ERROR. */
static void case_error(ifm_case_run *cr, const char *what, const char *detail) {
  ifm_case_end(cr, IFM_ERROR, ifm_case_fmt_step(cr, what, detail), NULL, NULL);
}

/* A twin cannot be made (the replay went another way, no answer): the
 * verdict found first stands. */
static void twin_give_up(ifm_case_run *cr) {
  ifm_judgement j = cr->twin.j;           /* taken out: ending the case clears the twin */
  memset(&cr->twin.j, 0, sizeof cr->twin.j);
  cr->step = cr->twin.step;
  ifm_case_end(cr, cr->twin.verdict, ifm_case_fmt_step(cr, "", j.message), j.expected, j.got);
  free(j.message);
}

/* The twin's answer without preconditions is in: the judge decides. */
static void twin_decide(ifm_case_run *cr, int unconditional) {
  ifm_judgement j = cr->twin.j;           /* taken out: ending the case clears the twin */
  ifm_verdict v;
  memset(&cr->twin.j, 0, sizeof cr->twin.j);
  v = ifm_judge_unconditional(cr->c, cr->twin.observed, unconditional, &j);
  ifm_case_end(cr, v, ifm_case_fmt_step(cr, "", j.message), j.expected, j.got);
  free(j.message);
}

/* A server that refuses every write without a precondition (RFC 6585 428, or
 * the profile's missing_if_match answer) tells nothing by refusing the
 * twin's request: it is sent again with If-None-Match: *, which holds on a
 * missing resource, and, if that fails (412), with If-Match: *, which holds
 * on an existing one. Neither changes what 13.2.1 asks: the answer when no
 * precondition stands in the way. */
static int twin_refuses_unconditional(const ifm_case_run *cr, int status) {
  const ifm_profile_entry *e;
  if (cr->twin.attempt == 0) {
    if (status == 428) return 1;
    e = ifm_profile_lookup(cr->jc.profile, cr->jc.target, "missing_if_match");
    return e && status / 100 == 4 && ifm_status_spec_accepts(&e->status, status);
  }
  return cr->twin.attempt == 1 && status == 412;
}

/* Whether the case can be replayed up to its current step: no parallel step
 * before it (rounds and races are not replayed). */
static int twin_possible(const ifm_case_run *cr) {
  size_t i;
  for (i = 0; i <= cr->step && i < cr->c->n_steps; i++)
    if (cr->c->steps[i].is_parallel) return 0;
  return 1;
}

/* Replays the case on a fresh resource up to the failed step (RFC 9110
 * 13.2.1). Takes over j. */
static void twin_start(ifm_case_run *cr, ifm_verdict v, ifm_judgement *j, int observed) {
  char err[256];
  cr->twin.active = 1;
  cr->twin.attempt = 0;
  cr->twin.step = cr->step;
  cr->twin.observed = observed;
  cr->twin.verdict = v;
  cr->twin.j = *j;
  memset(j, 0, sizeof *j);
  if (ifm_scope_new_paths(&cr->scope, err, sizeof err) != IFM_OK) {
    twin_give_up(cr);
    return;
  }
  cr->step = 0;
  case_next(cr);
}

/* Over HTTP/2 a server may refuse a request without a status: a malformed
 * one by resetting its stream (RFC 9113 section 8.1.1), a field block larger
 * than it will process by closing the connection (section 10.5.1). Where the
 * step accepts a refusal of the request itself (400 or 431), that is the
 * same answer in HTTP/2's terms, and the case goes on to see that nothing
 * changed. */
static int h2_refusal_counts(const ifm_case_run *cr, const ifm_step *st, const ifm_exchange *x) {
  return x->h2_refused && !st->req.raw && cr->env->o->target->http_version != IFM_HTTP_1_1 &&
         st->expect.has_status &&
         (ifm_status_spec_accepts(&st->expect.status, 400) || ifm_status_spec_accepts(&st->expect.status, 431));
}

static void step_done_cb(ifm_xfer *x, void *ctx) {
  ifm_case_run *cr = ctx;
  const ifm_step *st = &cr->c->steps[cr->step];
  const ifm_exchange *full = ifm_xfer_exchange(x), *r;
  ifm_exchange view;
  ifm_judgement j = {0};
  ifm_verdict v;
  int captured;
  char err[512];
  if (ifm_evidence_record(cr, full, -1, ifm_evidence_round(cr)) != 0) {
    case_error(cr, "", "out of memory recording the exchange");
    return;
  }
  if (full->error && st->req.raw && st->req.raw_closed_ok && full->closed_unanswered && !cr->twin.active) {
    cr->step++;                 /* the server refused the raw request by closing: the case allows it */
    case_next(cr);
    return;
  }
  if (full->error && !cr->twin.active && h2_refusal_counts(cr, st, full)) {
    cr->step++;                 /* refused the HTTP/2 way: the case allows a refusal */
    case_next(cr);
    return;
  }
  if (full->error) {
    if (cr->twin.active) twin_give_up(cr);
    else case_error(cr, "transport error: ", full->error);
    return;
  }
  if (cr->twin.active && cr->step == cr->twin.step) {
    if (twin_refuses_unconditional(cr, full->status) && cr->twin.attempt < 2) {
      cr->twin.attempt++;         /* the same request again, with a precondition that can hold */
      case_next(cr);
      return;
    }
    twin_decide(cr, full->status);
    return;
  }
  r = ifm_judge_view(cr->env->o->target, &st->req, full, &view);
  v = ifm_judge_step(&cr->jc, cr->c, st, r, &j);
  captured = v == IFM_PASS ? ifm_scope_capture(&cr->scope, st, r) : 0;
  ifm_judge_view_clear(r, &view);
  if (v != IFM_PASS && cr->twin.active) {        /* the replay went another way */
    ifm_judgement_clear(&j);
    twin_give_up(cr);
    return;
  }
  if (v != IFM_PASS && v != IFM_SKIP && v != IFM_ERROR && j.on_status && !st->req.raw &&
      ifm_plan_has_preconditions(full) && twin_possible(cr)) {   /* (raw bytes cannot be stripped) */
    twin_start(cr, v, &j, full->status);
    return;
  }
  if (v != IFM_PASS) {
    ifm_case_end(cr, v, ifm_case_fmt_step(cr, "", j.message), j.expected, j.got);
    free(j.message);
    return;
  }
  if (captured != 0) {
    case_error(cr, "", "out of memory capturing");
    return;
  }
  if (!st->is_parallel &&
      ifm_case_follow_location(cr->env->o, &cr->scope, &st->req, full, err, sizeof err) != IFM_OK) {
    case_error(cr, "", err);
    return;
  }
  cr->step++;
  case_next(cr);
}

/* A parallel step is over: go on, replay its setup for the next round, or
 * end the case with its verdict. */
static void par_done_cb(ifm_case_run *cr, ifm_par_outcome *out) {
  if (out->verdict != IFM_PASS) {
    cr->env->rep->results[cr->result_idx].failed_round = (int)out->failed_round;
    ifm_case_end(cr, out->verdict, ifm_case_fmt_step(cr, "", out->j.message), out->j.expected, out->j.got);
    free(out->j.message);
    return;
  }
  if (out->replay) {
    cr->step = cr->par.seg_first;
  } else {
    cr->step++;
    cr->par.seg_first = cr->step;
  }
  case_next(cr);
}

/* How the current step's request goes out: as written, or as the twin's. */
static unsigned twin_flags(const ifm_case_run *cr) {
  static const unsigned by_attempt[] = {IFM_SEND_UNCONDITIONAL, IFM_SEND_UNCONDITIONAL | IFM_SEND_INM_STAR,
                                        IFM_SEND_UNCONDITIONAL | IFM_SEND_IM_STAR};
  if (!cr->twin.active || cr->step != cr->twin.step) return 0;
  return by_attempt[cr->twin.attempt < 3 ? cr->twin.attempt : 2];
}

static void case_next(ifm_case_run *cr) {
  const ifm_case *c = cr->c;
  const ifm_run_opts *o = cr->env->o;
  const ifm_step *st;
  char err[512];
  ifm_err rc;
  if (o->stop && *o->stop) {
    cr->env->rep->interrupted = 1;
    ifm_case_end(cr, IFM_ERROR, ifm_strdup("interrupted before the case finished"), NULL, NULL);
    return;
  }
  if (cr->step >= c->n_steps) {
    ifm_case_end(cr, IFM_PASS, NULL, NULL, NULL);
    return;
  }
  st = &c->steps[cr->step];
  if (cr->step == cr->par.seg_first && cr->par.phase == IFM_PAR_IDLE) cr->ev.seg_x0 = cr->ev.n;
  if (st->is_parallel) {
    ifm_par_start(cr, par_done_cb);
    return;
  }
  rc = ifm_case_send(cr, &st->req, -1, NULL, twin_flags(cr), step_done_cb, cr, err, sizeof err);
  if (rc == IFM_OK) return;
  if (cr->twin.active) twin_give_up(cr);
  else if (rc == IFM_ERR_UNDECIDED)      /* the server did not send what this step needs */
    ifm_case_end(cr, IFM_SKIP, ifm_case_fmt_step(cr, "the target cannot show what this case tests: ", err), NULL,
                 NULL);
  else case_error(cr, "", err);
}

void ifm_case_start(ifm_case_run *cr) {
  ifm_result *res = &cr->env->rep->results[cr->result_idx];
  char err[512];
  cr->t0 = ifm_now_ms();
  if (res->verdict == IFM_SKIP) {       /* decided by the plan */
    ifm_case_end(cr, IFM_SKIP, res->message, NULL, NULL);
    return;
  }
  if (ifm_scope_new_paths(&cr->scope, err, sizeof err) != 0) {
    ifm_case_end(cr, IFM_ERROR, ifm_strdup(err), NULL, NULL);
    return;
  }
  case_next(cr);
}
