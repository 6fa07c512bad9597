/* ifm_parallel.c: parallel steps. N clients, each on its own connection,
 * send their requests at once; with `release: last-byte` every request goes
 * out but the last byte of its body, and when all of them wait the executor
 * sends every last byte in one sweep, so the requests reach the server's
 * compare-and-write together.
 *
 * Rounds: each round first replays the case's steps since the previous
 * parallel step (its setup: create, read the ETag...) against a fresh
 * resource, then races. With `linearizable`, the round is bracketed by a
 * read before (the checker's initial state) and a read after (the state the
 * race left must be one some order of the requests explains), and the
 * history goes to the checker (ifm_linear.c).
 *
 * Passing rounds are dropped from the evidence (memory stays bounded over
 * many rounds); the first failing round is kept whole.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ifm_judge.h"
#include "ifm_linear_glue.h"
#include "ifm_run_int.h"

typedef struct ifm_par_client {
  ifm_case_run *cr;
  int client;
} ifm_par_client;

static const ifm_parallel *cur_par(const ifm_case_run *cr) {
  return &cr->c->steps[cr->step].par;
}

static void par_round_done(ifm_case_run *cr);
static void par_launch(ifm_case_run *cr);

/* Ends the case at the current step with an ERROR naming the round. */
static void par_error(ifm_case_run *cr, const char *what, const char *detail) {
  ifm_buf m = IFM_BUF_INIT;
  ifm_buf_printf(&m, "round %u: %s%s", cr->round + 1, what, detail ? detail : "");
  ifm_run_case_end(cr, IFM_ERROR, ifm_run_fmt_step(cr, "", ifm_buf_str(&m)), NULL, NULL);
  ifm_buf_free(&m);
}

static void read_cb(ifm_xfer *x, void *ctx) {
  ifm_case_run *cr = ctx;
  const ifm_response *r = ifm_xfer_response(x);
  if (ifm_request_record(cr, x, -1, (int)cr->round) != 0) {
    par_error(cr, "out of memory", NULL);
    return;
  }
  if (r->error) {
    par_error(cr, cr->par_phase == 1 ? "the read before the race failed: " : "the read after the race failed: ",
              r->error);
    return;
  }
  if (cr->par_phase == 1) par_launch(cr);
  else par_round_done(cr);
}

/* The read that brackets a round for the checker: the case's read mapping. */
static void par_read(ifm_case_run *cr, int phase) {
  ifm_request_spec spec;
  ifm_xfer *x;
  char err[256];
  memset(&spec, 0, sizeof spec);
  spec.op = IFM_OP_READ;
  cr->par_phase = phase;
  x = ifm_request_build(cr, &spec, -1, NULL, err, sizeof err);
  if (!x) {
    par_error(cr, err, NULL);
    return;
  }
  if (ifm_exec_add(cr->run->exec, x, read_cb, cr) != 0) {
    ifm_xfer_free(x);
    par_error(cr, "could not start the read", NULL);
  }
}

static void client_cb(ifm_xfer *x, void *ctx) {
  ifm_par_client *pc = ctx;
  ifm_case_run *cr = pc->cr;
  if (ifm_request_record(cr, x, pc->client, (int)cr->round) != 0 && cr->round_failed == 0) cr->round_failed = -1;
  if (--cr->pending > 0) return;
  if (cr->round_failed < 0) {
    par_error(cr, cr->round_failed == -2 ? "not every client could be started (out of memory?)"
                                         : "out of memory recording the race", NULL);
    return;
  }
  if (cur_par(cr)->linearizable) par_read(cr, 3);
  else par_round_done(cr);
}

static void par_launch(ifm_case_run *cr) {
  const ifm_parallel *p = cur_par(cr);
  unsigned i, added = 0;
  char err[256];
  free(cr->pc);
  cr->pc = calloc(p->clients, sizeof *cr->pc);
  if (!cr->pc) {
    par_error(cr, "out of memory", NULL);
    return;
  }
  memset(&cr->hold, 0, sizeof cr->hold);
  cr->par_phase = 2;
  err[0] = '\0';
  for (i = 0; i < p->clients; i++) {
    ifm_xfer *x = ifm_request_build(cr, &p->ops[i % p->n_ops], (int)i,
                                    p->release == IFM_RELEASE_LAST_BYTE ? &cr->hold : NULL,
                                    err, sizeof err);
    cr->pc[i].cr = cr;
    cr->pc[i].client = (int)i;
    if (!x) break;
    if (ifm_exec_add(cr->run->exec, x, client_cb, &cr->pc[i]) != 0) {
      ifm_xfer_free(x);
      snprintf(err, sizeof err, "could not start client %u", i);
      break;
    }
    added++;
  }
  cr->client = -1;
  /* Transfers only start moving in the executor's loop, so the group can be
   * sized now that we know how many joined. */
  cr->hold.members = added;
  cr->pending = added;
  if (added < p->clients) {
    if (added == 0) {
      par_error(cr, err, NULL);
      return;
    }
    cr->round_failed = -2;    /* the clients that did start finish first */
  }
}

void ifm_par_start(ifm_case_run *cr) {
  const ifm_parallel *p = cur_par(cr);
  cr->round_x0 = cr->nx;
  cr->round_failed = 0;
  /* Room for this round and one failing round kept as evidence. */
  cr->extra_keep = 2 * ((size_t)p->clients + 2 + (cr->step - cr->seg_first));
  if (p->linearizable) par_read(cr, 1);
  else par_launch(cr);
}

/* Counts of statuses among the round's client responses, as text. */
static void status_histogram(const ifm_case_run *cr, ifm_buf *out) {
  int seen[600] = {0}, s, first = 1;
  size_t i;
  for (i = cr->round_x0; i < cr->nx; i++)
    if (cr->x[i].client >= 0 && cr->x[i].status >= 0 && cr->x[i].status < 600) seen[cr->x[i].status]++;
  for (s = 0; s < 600; s++) {
    if (!seen[s]) continue;
    if (s == 0) ifm_buf_printf(out, "%sno response: %d", first ? "" : ", ", seen[s]);
    else ifm_buf_printf(out, "%s%d: %d", first ? "" : ", ", s, seen[s]);
    first = 0;
  }
}

/* Checks the `count` expectations. Returns 1 when they hold; 0 with the
 * judgement filled; -1 with err when a profile key is undefined. */
static int check_counts(ifm_case_run *cr, ifm_judgement *j, char *err, size_t errlen) {
  const ifm_parallel *p = cur_par(cr);
  const ifm_run_opts *o = cr->o;
  size_t k, i, n = 0, explicit_sum = 0;
  ifm_buf want = IFM_BUF_INIT, got = IFM_BUF_INIT, msg = IFM_BUF_INIT;
  int ok = 1;
  for (i = cr->round_x0; i < cr->nx; i++) n += cr->x[i].client >= 0;
  for (k = 0; k < p->n_counts; k++)
    if (p->counts[k].count >= 0) explicit_sum += (size_t)p->counts[k].count;
  for (k = 0; k < p->n_counts; k++) {
    const ifm_count_expect *ce = &p->counts[k];
    const ifm_status_spec *set = ifm_judge_resolve_status(&ce->status, o->profile, o->target);
    size_t have = 0, need = ce->count >= 0 ? (size_t)ce->count : n > explicit_sum ? n - explicit_sum : 0;
    if (!set) {
      snprintf(err, errlen, "profile key '%s' is not defined", ce->status.profile_key);
      ifm_buf_free(&want);
      ifm_buf_free(&got);
      return -1;
    }
    for (i = cr->round_x0; i < cr->nx; i++)
      if (cr->x[i].client >= 0 && ifm_status_spec_accepts(set, cr->x[i].status)) have++;
    ifm_buf_printf(&want, "%s%s: %zu", k ? ", " : "", set->text ? set->text : "?", need);
    if (have != need && ok) {
      ifm_buf_printf(&msg, "%zu of %zu responses were %s, expected %zu", have, n,
                     set->text ? set->text : "?", need);
      ok = 0;
    }
  }
  if (ok) {
    ifm_buf_free(&want);
    return 1;
  }
  status_histogram(cr, &got);
  ifm_judgement_clear(j);
  j->message = ifm_buf_detach(&msg);
  j->expected = ifm_buf_detach(&want);
  j->got = ifm_buf_detach(&got);
  return 0;
}

/* Frees the exchanges of the round that just passed, back to where its
 * setup began, so a thousand rounds cost the memory of one. */
static void drop_round(ifm_case_run *cr) {
  size_t i;
  for (i = cr->seg_x0; i < cr->nx; i++) ifm_exchange_clear(&cr->x[i]);
  if (cr->seg_x0 <= cr->nx) cr->nx = cr->seg_x0;
}

static void par_violation(ifm_case_run *cr, ifm_judgement *j) {
  ifm_buf m = IFM_BUF_INIT;
  cr->n_violations++;
  if (cr->fail_message) {               /* keep the first failing round's story */
    ifm_judgement_clear(j);
    return;
  }
  ifm_buf_printf(&m, "round %u: %s", cr->round + 1, j->message ? j->message : "");
  cr->fail_message = ifm_buf_detach(&m);
  cr->fail_expected = j->expected;
  cr->fail_got = j->got;
  free(j->message);
  memset(j, 0, sizeof *j);
  cr->seg_x0 = cr->nx;                   /* the failing round stays in the evidence */
}

static void par_round_done(ifm_case_run *cr) {
  const ifm_parallel *p = cur_par(cr);
  ifm_judgement j = {0};
  char err[512];
  size_t i;
  int rc = 1, errors = 0;
  const char *first_error = NULL;

  for (i = cr->round_x0; i < cr->nx; i++)
    if (cr->x[i].client >= 0 && cr->x[i].error) {
      errors++;
      if (!first_error) first_error = cr->x[i].error;
    }
  if (errors && (p->n_counts || !p->linearizable)) {
    snprintf(err, sizeof err, "%d of %u requests got no answer (%s)", errors, p->clients, first_error);
    par_error(cr, err, NULL);
    return;
  }
  if (p->n_counts) rc = check_counts(cr, &j, err, sizeof err);
  if (rc == 1 && p->linearizable) rc = ifm_linear_glue_check(cr, &j, err, sizeof err);
  if (rc < 0) {
    par_error(cr, err, NULL);
    return;
  }
  if (rc == 0) par_violation(cr, &j);
  ifm_judgement_clear(&j);

  if (cr->round + 1 < p->rounds && !(cr->n_violations && p->stop_on_violation)) {
    char perr[256];
    if (!(rc == 0 && cr->n_violations == 1)) drop_round(cr);   /* only the first failure stays */
    cr->round++;
    free(cr->path);
    free(cr->collection);
    cr->path = cr->collection = NULL;
    if (ifm_case_run_init_paths(cr, perr, sizeof perr) != 0) {
      par_error(cr, perr, NULL);
      return;
    }
    cr->par_phase = 0;
    cr->step = cr->seg_first;
    ifm_run_case_next(cr);
    return;
  }
  if (cr->n_violations) {
    ifm_buf m = IFM_BUF_INIT;
    ifm_verdict v = cr->c->level == IFM_MUST ? IFM_FAIL : cr->c->level == IFM_SHOULD ? IFM_WARN : IFM_INFO;
    ifm_buf_printf(&m, "violated in %d of %u rounds; first, %s", cr->n_violations, cr->round + 1,
                   cr->fail_message);
    char *expected = cr->fail_expected, *got = cr->fail_got;
    cr->fail_expected = cr->fail_got = NULL;   /* ownership goes to the result */
    ifm_run_case_end(cr, v, ifm_run_fmt_step(cr, "", ifm_buf_str(&m)), expected, got);
    ifm_buf_free(&m);
    return;
  }
  cr->par_phase = 0;
  cr->extra_keep = 0;
  cr->round = 0;
  cr->step++;
  cr->seg_first = cr->step;
  ifm_run_case_next(cr);
}
