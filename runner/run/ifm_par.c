/* ifm_par.c: parallel steps. N clients, each on its own connection, send
 * their requests at once; with `release: last-byte` every request goes out
 * but the last byte of its body, and when all of them wait the executor
 * sends every last byte in one sweep, so the requests reach the server's
 * compare-and-write together. With `release: single-packet` (or `auto`
 * against an HTTP/2 target) the requests are the streams of one HTTP/2
 * connection and their final frames leave in one write
 * (ifm_exec_add_h2_group); `auto` against HTTP/1.1 is last-byte.
 *
 * Rounds: each round first replays the case's steps since the previous
 * parallel step (its setup: create, read the ETag...) against a fresh
 * resource, then races. With `linearizable`, the round is bracketed by a
 * read before (the checker's initial state) and a read after (the state the
 * race left must be one some order of the requests explains), and the
 * history goes to the judge (judge/ifm_judge_linear.c).
 *
 * Passing rounds are dropped from the evidence (memory stays bounded over
 * many rounds); the first failing round is kept whole, and so is the first
 * passing one, for contrast (the report draws both). The step reports how
 * it ended through its done callback (ifm_par_outcome): the case machine
 * replays the setup, goes on, or ends the case.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_case_run.h"
#include "ifm_err.h"

static const ifm_parallel *cur_par(const ifm_case_run *cr) {
  return &cr->c->steps[cr->step].par;
}

static void par_round_done(ifm_case_run *cr);
static void par_launch(ifm_case_run *cr);

/* Hands the outcome to the case machine. */
static void par_finish(ifm_case_run *cr, ifm_verdict v, char *message, char *expected, char *got, int replay) {
  ifm_par_outcome out;
  memset(&out, 0, sizeof out);
  out.verdict = v;
  out.j.message = message;
  out.j.expected = expected;
  out.j.got = got;
  out.replay = replay;
  out.failed_round = v != IFM_PASS && v != IFM_SKIP ? cr->par.first_fail_round : 0;
  cr->par.done(cr, &out);
}

/* Ends the step with an ERROR naming the round. */
static void par_error(ifm_case_run *cr, const char *what, const char *detail) {
  ifm_buf m = IFM_BUF_INIT;
  ifm_buf_printf(&m, "round %u: %s%s", cr->par.round + 1, what, detail ? detail : "");
  par_finish(cr, IFM_ERROR, ifm_buf_detach(&m), NULL, NULL, 0);
}

static void read_cb(ifm_xfer *x, void *ctx) {
  ifm_case_run *cr = ctx;
  const ifm_exchange *r = ifm_xfer_exchange(x);
  if (ifm_evidence_record(cr, r, -1, ifm_evidence_round(cr)) != 0) {
    par_error(cr, "out of memory", NULL);
    return;
  }
  if (r->error) {
    par_error(cr, cr->par.phase == IFM_PAR_READ_BEFORE ? "the read before the race failed: "
                                                       : "the read after the race failed: ",
              r->error);
    return;
  }
  if (cr->par.phase == IFM_PAR_READ_BEFORE) par_launch(cr);
  else par_round_done(cr);
}

/* The read that brackets a round for the checker: the case's read mapping. */
static void par_read(ifm_case_run *cr, ifm_par_phase phase) {
  ifm_request_spec spec;
  char err[256];
  memset(&spec, 0, sizeof spec);
  spec.op = IFM_OP_READ;
  cr->par.phase = phase;
  int rc = ifm_case_send(cr, &spec, -1, NULL, 0, read_cb, cr, err, sizeof err);
  if (rc != 0) par_error(cr, rc == IFM_ERR_TRANSPORT ? "could not start the read" : err, NULL);
}

static void client_cb(ifm_xfer *x, void *ctx) {
  ifm_par_client *pc = ctx;
  ifm_case_run *cr = pc->cr;
  ifm_par_state *ps = &cr->par;
  if (ifm_evidence_record(cr, ifm_xfer_exchange(x), pc->client, ifm_evidence_round(cr)) != 0 &&
      ps->round_failed == 0)
    ps->round_failed = -1;
  if (--ps->pending > 0) return;
  if (ps->round_failed < 0) {
    par_error(cr, ps->round_failed == -2 ? "not every client could be started (out of memory?)"
                                         : "out of memory recording the race", NULL);
    return;
  }
  if (cur_par(cr)->linearizable) par_read(cr, IFM_PAR_READ_AFTER);
  else par_round_done(cr);
}

/* The clients a round runs: the step's, and against a target that serves at
 * most max_connections at once, no more than fit beside the executor's one
 * idle connection (the case runs alone then: ifm_run.c). */
static unsigned par_clients(const ifm_case_run *cr) {
  unsigned cap = cr->env->o->target->max_connections, n = cur_par(cr)->clients;
  return cap && cap - 1 < n ? cap - 1 : n;
}

/* The release the step gets: `auto` is single-packet where the target
 * speaks HTTP/2 and a group can reach it, else last-byte (by the executor's
 * own connections where they reach the target: par_send_flags). */
static ifm_release par_release(const ifm_case_run *cr) {
  ifm_release r = cur_par(cr)->release;
  ifm_xfer_opts xo;
  char why[256];
  if (r != IFM_RELEASE_AUTO) return r;
  ifm_case_xfer_opts(cr->env->o, 1, NULL, &xo);
  return ifm_exec_h2_supported(&xo, why, sizeof why) ? IFM_RELEASE_SINGLE_PACKET : IFM_RELEASE_LAST_BYTE;
}

/* `auto` that came to last-byte releases by one send() per connection of
 * the executor's own, back to back: about 3 us per client on the wire on
 * loopback, against libcurl's 8-10 (bench/README.md, "One pass"). */
static unsigned par_send_flags(const ifm_case_run *cr) {
  return cur_par(cr)->release == IFM_RELEASE_AUTO ? IFM_SEND_OWN_RELEASE : 0;
}

static void par_skip(ifm_case_run *cr, const char *why) {
  ifm_buf m = IFM_BUF_INIT;
  ifm_buf_printf(&m, "the target cannot show what this case tests: %s", why);
  par_finish(cr, IFM_SKIP, ifm_buf_detach(&m), NULL, NULL, 0);
}

/* Single-packet release: every client's request a stream of one HTTP/2
 * connection, started together (ifm_exec_add_h2_group); all or none. */
static void par_launch_h2(ifm_case_run *cr) {
  const ifm_parallel *p = cur_par(cr);
  ifm_par_state *ps = &cr->par;
  unsigned i, n = par_clients(cr);
  ifm_xfer **xs = NULL;
  void **ctxs = NULL;
  ifm_xfer_opts xo;
  char err[256];
  ifm_err rc = IFM_OK;
  ifm_case_xfer_opts(cr->env->o, 1, NULL, &xo);
  if (!ifm_exec_h2_supported(&xo, err, sizeof err)) {
    par_skip(cr, err);
    return;
  }
  for (i = 0; i < p->n_ops; i++)
    if (p->ops[i].raw) {
      par_skip(cr, "single-packet release sends the clients' requests as HTTP/2 streams, and a raw "
                   "request is HTTP/1.1 bytes on a connection of its own");
      return;
    }
  xs = calloc(n, sizeof *xs);
  ctxs = calloc(n, sizeof *ctxs);
  if (!xs || !ctxs) {
    free(xs);
    free(ctxs);
    par_error(cr, "out of memory", NULL);
    return;
  }
  err[0] = '\0';
  for (i = 0; i < n && rc == IFM_OK; i++) {
    rc = ifm_case_prepare(cr, &p->ops[i % p->n_ops], (int)i, NULL, 0, &xs[i], err, sizeof err);
    ctxs[i] = &ps->pc[i];
  }
  cr->scope.client = -1;
  if (rc == IFM_OK) {
    rc = ifm_exec_add_h2_group(cr->env->exec, xs, n, &xo, client_cb, ctxs);
    if (rc == IFM_OK) ps->pending = n;
    else snprintf(err, sizeof err, "could not start the HTTP/2 single-packet release (%s)", ifm_err_name(rc));
  }
  if (rc != IFM_OK) {
    for (i = 0; i < n; i++) ifm_xfer_free(xs[i]);
    if (rc == IFM_ERR_UNDECIDED) par_skip(cr, err);   /* the server did not send what the race needs */
    else par_error(cr, err, NULL);
  }
  free(xs);
  free(ctxs);
}

static void par_launch(ifm_case_run *cr) {
  const ifm_parallel *p = cur_par(cr);
  ifm_par_state *ps = &cr->par;
  unsigned i, added = 0;
  char err[256];
  free(ps->pc);
  ps->pc = calloc(par_clients(cr), sizeof *ps->pc);
  if (!ps->pc) {
    par_error(cr, "out of memory", NULL);
    return;
  }
  memset(&ps->hold, 0, sizeof ps->hold);
  ps->phase = IFM_PAR_CLIENTS;
  for (i = 0; i < par_clients(cr); i++) {
    ps->pc[i].cr = cr;
    ps->pc[i].client = (int)i;
  }
  if (par_release(cr) == IFM_RELEASE_SINGLE_PACKET) {
    par_launch_h2(cr);
    return;
  }
  err[0] = '\0';
  for (i = 0; i < par_clients(cr); i++) {
    int rc = ifm_case_send(cr, &p->ops[i % p->n_ops], (int)i,
                           par_release(cr) == IFM_RELEASE_LAST_BYTE ? &ps->hold : NULL, par_send_flags(cr),
                           client_cb, &ps->pc[i],
                           err, sizeof err);
    if (rc == IFM_ERR_UNDECIDED && added == 0) {   /* the server did not send what the race needs */
      par_skip(cr, err);
      return;
    }
    if (rc != 0) {
      if (rc == IFM_ERR_TRANSPORT) snprintf(err, sizeof err, "could not start client %u", i);
      break;
    }
    added++;
  }
  cr->scope.client = -1;
  /* Transfers only start moving in the executor's loop, so the group can be
   * sized now that we know how many joined. */
  ps->hold.members = added;
  ps->pending = added;
  if (added < par_clients(cr)) {
    if (added == 0) {
      par_error(cr, err, NULL);
      return;
    }
    ps->round_failed = -2;    /* the clients that did start finish first */
  }
}

void ifm_par_start(ifm_case_run *cr, ifm_par_done_cb done) {
  const ifm_parallel *p = cur_par(cr);
  cr->par.done = done;
  if (par_clients(cr) < 2) {
    ifm_buf m = IFM_BUF_INIT;
    ifm_buf_printf(&m, "the target cannot show what this case tests: it serves %u connection(s) at once "
                   "(max_connections in the target file), which leaves %u for a race, and a race needs 2",
                   cr->env->o->target->max_connections, par_clients(cr));
    par_finish(cr, IFM_SKIP, ifm_buf_detach(&m), NULL, NULL, 0);
    return;
  }
  cr->ev.round_x0 = cr->ev.n;
  cr->par.round_failed = 0;
  /* Room for this round, one failing round and one passing round kept as evidence. */
  cr->ev.extra_keep = 3 * ((size_t)par_clients(cr) + 2 + (cr->step - cr->par.seg_first));
  if (p->linearizable) par_read(cr, IFM_PAR_READ_BEFORE);
  else par_launch(cr);
}

void ifm_par_clear(ifm_par_state *ps) {
  free(ps->pc);
  ps->pc = NULL;
  ifm_judgement_clear(&ps->first_fail);
}

/* Keeps the first failing round's story, with the exchanges its
 * explanation names marked; later ones are only counted. */
static void par_violation(ifm_case_run *cr, ifm_judgement *j, unsigned outcomes, unsigned clients) {
  ifm_par_state *ps = &cr->par;
  ifm_buf m = IFM_BUF_INIT;
  size_t i;
  ps->n_violations++;
  if (ps->first_fail.message) {
    ifm_judgement_clear(j);
    return;
  }
  ifm_buf_printf(&m, "round %u (%u of %u clients' requests processed", ps->round + 1, outcomes, clients);
  if (clients < cur_par(cr)->clients)
    ifm_buf_printf(&m, "; the case asks for %u, the target's max_connections leaves room for %u",
                   cur_par(cr)->clients, clients);
  ifm_buf_printf(&m, "): %s", j->message ? j->message : "");
  ps->first_fail.message = ifm_buf_detach(&m);
  ps->first_fail.expected = j->expected;
  ps->first_fail.got = j->got;
  ps->first_fail_round = ps->round + 1;
  for (i = 0; i < j->n_named; i++)
    if (cr->ev.round_x0 + j->named[i] < cr->ev.n) cr->ev.x[cr->ev.round_x0 + j->named[i]].named = 1;
  free(j->message);
  free(j->named);
  memset(j, 0, sizeof *j);
  cr->ev.seg_x0 = cr->ev.n;              /* the failing round stays in the evidence */
}

static void par_round_done(ifm_case_run *cr) {
  const ifm_parallel *p = cur_par(cr);
  ifm_par_state *ps = &cr->par;
  const ifm_exchange *x = cr->ev.x + cr->ev.round_x0;
  size_t n = cr->ev.n - cr->ev.round_x0, i;
  ifm_judgement j = {0};
  char err[512];
  int rc = 1;
  unsigned outcomes = 0;
  const ifm_exchange *refused = NULL;

  for (i = 0; i < n; i++)
    if (x[i].client >= 0) {
      if (ifm_judge_is_outcome(&x[i])) outcomes++;
      else if (!refused) refused = &x[i];
    }
  if (outcomes < 2) {
    /* Nothing raced: a server that serves fewer connections at once than the
     * race has clients turns the others away, which breaks no rule. */
    ifm_buf m = IFM_BUF_INIT;
    char got[64];
    if (refused && refused->status) snprintf(got, sizeof got, "status %d", refused->status);
    ifm_buf_printf(&m, "round %u: only %u of %u requests got an answer that shows they were processed "
                   "(the first other: %s), and a race needs 2; %s", ps->round + 1, outcomes, par_clients(cr),
                   refused ? (refused->error ? refused->error : got) : "none",
                   refused && refused->status == 423
                       ? "the server locked the resource while one request was processed (423, RFC 4918 11.3), "
                         "so the others never reached their preconditions"
                       : "if the server caps parallel connections, say so in the target file (max_connections)");
    par_finish(cr, IFM_SKIP, ifm_buf_detach(&m), NULL, NULL, 0);
    return;
  }
  if (ifm_judge_round_before_content(x, n)) {
    ifm_buf m = IFM_BUF_INIT;
    const ifm_exchange *c1 = NULL;
    for (i = 0; i < n && !c1; i++)
      if (x[i].client >= 0 && ifm_judge_is_outcome(&x[i])) c1 = &x[i];
    ifm_buf_printf(&m, "the target cannot show what this case tests: round %u: every client's request got an "
                   "answer that comes before preconditions (the first: %d), so RFC 9110 13.2.1 has the server "
                   "ignore them, and nothing raced", ps->round + 1, c1 ? c1->status : 0);
    par_finish(cr, IFM_SKIP, ifm_buf_detach(&m), NULL, NULL, 0);
    return;
  }
  if (ifm_judge_weak_round(x, n)) {
    ifm_buf m = IFM_BUF_INIT;
    ifm_buf_printf(&m, "the target cannot show what this case tests: round %u: every client's If-Match held "
                   "the server's ETag, which is weak, and all %u answered 412, which is right (RFC 9110 "
                   "13.1.1 compares strongly; IM-WEAK-NEVER-strong-issued warns about it once)", ps->round + 1, outcomes);
    par_finish(cr, IFM_SKIP, ifm_buf_detach(&m), NULL, NULL, 0);
    return;
  }
  if (p->n_counts) rc = ifm_judge_counts(&cr->jc, p, x, n, &j, err, sizeof err);
  if (rc == 1 && p->linearizable) rc = ifm_judge_linear(&cr->jc, x, n, &j, err, sizeof err);
  if (rc < 0) {
    par_error(cr, err, NULL);
    return;
  }
  if (rc == 0) par_violation(cr, &j, outcomes, par_clients(cr));
  ifm_judgement_clear(&j);

  if (ps->round + 1 < p->rounds && !(ps->n_violations && p->stop_on_violation)) {
    char perr[256];
    if (rc == 1 && !ps->kept_pass) {            /* the first passing round stays, for contrast */
      ps->kept_pass = 1;
      cr->ev.seg_x0 = cr->ev.n;
    } else if (!(rc == 0 && ps->n_violations == 1)) {
      ifm_evidence_drop_from(&cr->ev, cr->ev.seg_x0);   /* only the first failure stays */
    }
    ps->round++;
    if (ifm_scope_new_paths(&cr->scope, perr, sizeof perr) != 0) {
      par_error(cr, perr, NULL);
      return;
    }
    ps->phase = IFM_PAR_IDLE;
    par_finish(cr, IFM_PASS, NULL, NULL, NULL, 1);
    return;
  }
  /* The last round stays as the first failing one, or as the one passing round. */
  if (!(rc == 0 && ps->n_violations == 1) && !(rc == 1 && !ps->kept_pass))
    ifm_evidence_drop_from(&cr->ev, cr->ev.seg_x0);
  if (ps->n_violations) {
    ifm_buf m = IFM_BUF_INIT;
    char *expected = ps->first_fail.expected, *got = ps->first_fail.got;
    ifm_buf_printf(&m, "violated in %d of %u rounds; first, %s", ps->n_violations, ps->round + 1,
                   ps->first_fail.message);
    ps->first_fail.expected = ps->first_fail.got = NULL;   /* ownership goes to the result */
    par_finish(cr, ifm_judge_verdict_for_level(cr->c->level), ifm_buf_detach(&m), expected, got, 0);
    return;
  }
  ps->phase = IFM_PAR_IDLE;
  cr->ev.extra_keep = 0;
  ps->round = 0;
  ps->kept_pass = 0;
  par_finish(cr, IFM_PASS, NULL, NULL, NULL, 0);
}
