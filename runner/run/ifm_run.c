/* ifm_run.c: the suite loop (see ifm_run.h). The plan decides which cases
 * run and which are SKIP; the target's setup requests go first, once, then
 * the preflight (ifm_preflight.c: does the target file work?); then
 * up to `jobs` cases run at once on one executor, each its own state machine
 * (ifm_case_seq.c), and a finished case makes room for the next. Whatever
 * did not finish (interrupted, out of time) is ERROR, and the report says it
 * is partial.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ifm_case_run.h"

typedef struct run_loop {
  ifm_run_env env;
  ifm_case_run *cases;
  size_t n_cases, next, active, done;
  int alone;                  /* the active case runs alone (a race against a capped target) */
} run_loop;

/* No new case starts once the run is interrupted or out of time. */
static int run_stopping(const run_loop *rl) {
  const ifm_run_opts *o = rl->env.o;
  if (o->stop && *o->stop) return 1;
  return o->max_time_s > 0 && ifm_now_ms() > rl->env.t0 + o->max_time_s * 1000.0;
}

static void case_ended_cb(ifm_case_run *cr, void *ctx);

static int has_parallel_step(const ifm_case *c) {
  size_t i;
  for (i = 0; i < c->n_steps; i++)
    if (c->steps[i].is_parallel) return 1;
  return 0;
}

/* Against a target that serves at most max_connections at once, a case with
 * a race runs alone, so that its clients get the connections (ifm_par.c runs
 * max_connections - 1 of them, beside the executor's one idle connection),
 * and no more cases are in flight than connections. */
static void start_more(run_loop *rl) {
  unsigned jobs = rl->env.o->jobs ? rl->env.o->jobs : 1, cap = rl->env.o->target->max_connections;
  if (cap && cap < jobs) jobs = cap;
  while (rl->next < rl->n_cases && rl->active < jobs && !rl->alone && !run_stopping(rl)) {
    ifm_case_run *cr = &rl->cases[rl->next];
    if (cap && has_parallel_step(cr->c)) {
      if (rl->active) return;             /* it waits until the others are done */
      rl->alone = 1;
    }
    rl->next++;
    rl->active++;
    ifm_case_start(cr);
  }
}

static void case_ended_cb(ifm_case_run *cr, void *ctx) {
  run_loop *rl = ctx;
  const ifm_run_opts *o = rl->env.o;
  rl->active--;
  rl->done++;
  if (!rl->active) rl->alone = 0;
  if (o->progress) o->progress(&rl->env.rep->results[cr->result_idx], rl->done, rl->n_cases, o->progress_ctx);
  start_more(rl);
}

/* One of the target's setup requests, sent and waited for. */
static int setup_one(run_loop *rl, ifm_scope *scope, const ifm_op_map *m, char *err, size_t errlen) {
  ifm_request_spec spec;
  ifm_exchange a;
  int rc = 0;
  memset(&spec, 0, sizeof spec);
  spec.op = IFM_OP_REQUEST;
  spec.method = m->method;
  spec.path = m->path;
  spec.body = m->body;
  spec.has_body = m->body != NULL;
  spec.headers = m->headers;
  spec.n_headers = m->n_headers;
  if (ifm_run_once(&rl->env, scope, &spec, &a, err, errlen) != IFM_OK) return -1;
  if (a.error) {
    snprintf(err, errlen, "%s:%d:%d: the target's setup request %s failed: %s", m->pos.file ? m->pos.file : "?",
             m->pos.line, m->pos.col, m->method, a.error);
    rc = -1;
  } else if (m->has_expect ? !ifm_status_spec_accepts(&m->expect, a.status) : a.status / 100 != 2) {
    snprintf(err, errlen, "%s:%d:%d: the target's setup request %s answered %d", m->pos.file ? m->pos.file : "?",
             m->pos.line, m->pos.col, m->method, a.status);
    rc = -1;
  }
  ifm_exchange_clear(&a);
  return rc;
}

/* The target's setup requests (an address book to create, ...), once per
 * run, in order, before any case. Their templates see {{run}}. */
static int run_setup(run_loop *rl, char *err, size_t errlen) {
  const ifm_target *t = rl->env.o->target;
  ifm_case setup_case;
  ifm_scope scope;
  size_t i;
  int rc = 0;
  if (!t->n_setup) return 0;
  memset(&setup_case, 0, sizeof setup_case);
  setup_case.id = (char *)"setup";
  ifm_scope_init(&scope, &setup_case, t, rl->env.run_id, &rl->env.uniq);
  scope.given_names = rl->env.o->var_names;
  scope.given_values = rl->env.o->var_values;
  scope.n_given = rl->env.o->n_vars;
  if (ifm_scope_new_paths(&scope, err, errlen) != 0) rc = -1;
  for (i = 0; i < t->n_setup && rc == 0; i++) rc = setup_one(rl, &scope, &t->setup[i], err, errlen);
  ifm_scope_clear(&scope);
  return rc;
}

static int result_init(ifm_result *res, const ifm_planned *pc) {
  const ifm_case *c = pc->c;
  res->case_id = ifm_strdup(c->id);
  res->requirement = ifm_strdup(c->requirement);
  res->title = ifm_strdup(c->title);
  res->spec = ifm_strdup(c->spec ? c->spec : "");
  res->file = ifm_strdup(c->file ? c->file->path : "");
  res->level = c->level;
  if (pc->skip_reason) {
    res->verdict = IFM_SKIP;
    if (!(res->message = ifm_strdup(pc->skip_reason))) return -1;
  }
  return res->case_id && res->requirement && res->title && res->spec && res->file ? 0 : -1;
}

int ifm_run_suite(const ifm_run_opts *o, ifm_report *rep, char *err, size_t errlen) {
  run_loop rl;
  ifm_plan plan;
  size_t i, first = rep->n_results;
  int rc = 0;
  memset(&rl, 0, sizeof rl);
  rl.env.o = o;
  rl.env.rep = rep;
  rl.env.t0 = ifm_now_ms();
  /* Always 8 hex digits: body lengths built from {{uniq}} must not depend on
   * the pid (servers with mtime+size ETags treat same-size writes alike). */
  snprintf(rl.env.run_id, sizeof rl.env.run_id, "%08lx",
           (unsigned long)((((unsigned long)getpid() << 16) ^ (unsigned long)rl.env.t0) & 0xffffffffUL));

  /* One result per planned case, in suite order, allocated up front so
   * pointers into rep->results stay valid while cases run. */
  if (ifm_plan_build(o->suite, o->target, o->profile, o->filter, &plan) != 0) return -1;
  for (i = 0; i < plan.n_cases; i++) {
    ifm_result *res = ifm_report_add(rep);
    if (!res || result_init(res, &plan.cases[i]) != 0) {
      ifm_plan_clear(&plan);
      return -1;
    }
  }
  rl.n_cases = plan.n_cases;
  rl.cases = calloc(rl.n_cases ? rl.n_cases : 1, sizeof *rl.cases);
  rl.env.exec = ifm_exec_new();
  if (rl.env.exec) ifm_exec_limit_connections(rl.env.exec, o->target->max_connections);
  if (rl.env.exec) ifm_exec_set_memory_budget(rl.env.exec, o->max_memory);
  if (!rl.cases || !rl.env.exec) {
    free(rl.cases);
    ifm_exec_free(rl.env.exec);
    ifm_plan_clear(&plan);
    return -1;
  }
  for (i = 0; i < rl.n_cases; i++) {
    ifm_case_run_init(&rl.cases[i], &rl.env, plan.cases[i].c, first + i);
    rl.cases[i].on_end = case_ended_cb;
    rl.cases[i].on_end_ctx = &rl;
  }
  ifm_plan_clear(&plan);

  if (run_setup(&rl, err, errlen) != 0 || (rl.n_cases && ifm_preflight(&rl.env, err, errlen) != 0)) {
    /* a signal during setup or the preflight is not the target file's fault */
    if (o->stop && *o->stop) snprintf(err, errlen, "interrupted before any case ran (during the target's setup "
                                      "or the preflight)");
    for (i = 0; i < rl.n_cases; i++) {      /* nothing ran: every case says why */
      ifm_result *res = &rep->results[first + i];
      if (res->verdict == IFM_SKIP) continue;
      res->verdict = IFM_ERROR;
      res->message = ifm_strdup(err);
    }
    free(rep->not_tested);
    rep->not_tested = ifm_strdup(err);        /* the target, not the server, is at fault: nothing judged */
    ifm_exec_free(rl.env.exec);
    free(rl.cases);
    return -1;
  }
  start_more(&rl);
  if (ifm_exec_run(rl.env.exec, o->stop, o->max_time_s > 0 ? rl.env.t0 + o->max_time_s * 1000.0 : 0) != 0) rc = -1;

  for (i = 0; i < rl.n_cases; i++) {
    ifm_case_run *cr = &rl.cases[i];
    ifm_result *res = &rep->results[first + i];
    if (cr->finished || (res->verdict == IFM_SKIP && rl.next <= i)) continue;
    rep->interrupted = 1;
    res->verdict = IFM_ERROR;
    free(res->message);
    res->message = ifm_strdup(o->stop && *o->stop ? "interrupted: the case did not run to the end"
                                                  : "run time limit reached before the case finished");
  }
  for (i = 0; i < rl.n_cases; i++) ifm_case_run_clear(&rl.cases[i]);
  ifm_exec_free(rl.env.exec);
  free(rl.cases);
  rep->duration_ms = ifm_now_ms() - rl.env.t0;
  return rc;
}
