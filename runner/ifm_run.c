/* ifm_run.c: the run loop. Each selected case is a small state machine that
 * sends one step at a time on the shared executor; up to `jobs` cases are in
 * flight together. A finished step is judged at once, so a case stops at its
 * first failed expectation with that step's evidence.
 *
 * Requests are built in ifm_request.c; this file plans, sequences and judges.
 */
#include <fnmatch.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "ifm_judge.h"
#include "ifm_load.h"
#include "ifm_request.h"
#include "ifm_run.h"
#include "ifm_run_int.h"


static void case_start(run_state *rs, ifm_case_run *cr);

/* No new case starts once the run is interrupted or out of time. */
static int run_stopping(const run_state *rs) {
  if (rs->o->stop && *rs->o->stop) return 1;
  return rs->o->max_time_s > 0 && ifm_now_ms() > rs->t0 + rs->o->max_time_s * 1000.0;
}

int ifm_run_selects(const ifm_case *c, const char *filter) {
  char pat[256];
  const char *p = filter;
  if (!filter || !*filter) return 1;
  while (*p) {
    size_t n = strcspn(p, ",");
    if (n && n < sizeof pat) {
      memcpy(pat, p, n);
      pat[n] = '\0';
      if (fnmatch(pat, c->id, 0) == 0 || fnmatch(pat, c->requirement, 0) == 0) return 1;
    }
    p += n;
    if (*p == ',') p++;
  }
  return 0;
}

/* Why the case cannot run against this target and profile, or NULL. */
static char *skip_reason(const ifm_case *c, const ifm_run_opts *o) {
  ifm_buf why = IFM_BUF_INIT;
  size_t i;
  for (i = 0; i < c->n_needs; i++)
    if (!ifm_target_has_capability(o->target, c->needs[i])) {
      ifm_buf_printf(&why, "target lacks capability '%s'", c->needs[i]);
      return ifm_buf_detach(&why);
    }
  if (c->n_profiles) {
    int hit = 0;
    for (i = 0; i < c->n_profiles; i++) hit |= strcmp(c->profiles[i], o->profile->name) == 0;
    if (!hit) {
      ifm_buf_printf(&why, "case is for other profiles than '%s'", o->profile->name);
      return ifm_buf_detach(&why);
    }
  }
  for (i = 0; i < c->n_when; i++) {
    const ifm_profile_entry *e = ifm_profile_lookup(o->profile, o->target, c->when[i].name);
    const char *v = c->when[i].value;
    int negate = v[0] == '!';
    ifm_status_spec want;
    int same;
    memset(&want, 0, sizeof want);
    if (!e || ifm_status_spec_parse_text(v + negate, &want) != 0) {
      ifm_buf_printf(&why, "profile has no usable key '%s'", c->when[i].name);
      ifm_status_spec_clear(&want);
      return ifm_buf_detach(&why);
    }
    same = ifm_status_spec_equal(&e->status, &want);
    ifm_status_spec_clear(&want);
    if (same == negate) {
      ifm_buf_printf(&why, "profile '%s' has %s = %s; the case is for %s", o->profile->name,
                     c->when[i].name, e->status.text ? e->status.text : "?", c->when[i].value);
      return ifm_buf_detach(&why);
    }
  }
  if (o->profile->n_methods) {
    size_t s, m;
    for (s = 0; s < c->n_steps; s++) {
      const char *method = ifm_request_method(&c->steps[s], o->target);
      int certified = 0;
      if (!method || strstr(method, "{{")) continue;
      for (m = 0; m < o->profile->n_methods; m++)
        certified |= strcasecmp(method, o->profile->methods[m]) == 0;
      if (!certified) {
        ifm_buf_printf(&why, "profile '%s' does not certify %s", o->profile->name, method);
        return ifm_buf_detach(&why);
      }
    }
  }
  return NULL;
}

static ifm_verdict verdict_for_level(ifm_level l) {
  return l == IFM_MUST ? IFM_FAIL : l == IFM_SHOULD ? IFM_WARN : IFM_INFO;
}

/* Ends a case: moves its evidence into the result, starts the next case. */
void ifm_run_case_end(ifm_case_run *cr, ifm_verdict v, char *message, char *expected, char *got) {
  run_state *rs = cr->run;
  ifm_result *res = &rs->rep->results[cr->result_idx];
  res->verdict = v;
  res->message = message;
  res->expected = expected;
  res->got = got;
  res->failed_step = v == IFM_PASS || v == IFM_SKIP ? 0 : (int)cr->step + 1;
  res->exchanges = cr->x;
  res->n_exchanges = cr->nx;
  res->exchanges_omitted = cr->omitted;
  res->duration_ms = ifm_now_ms() - cr->t0;
  cr->x = NULL;
  cr->nx = cr->capx = 0;
  cr->finished = 1;
  ifm_case_run_clear(cr);
  rs->active--;
  rs->done++;
  if (rs->o->progress) rs->o->progress(res, rs->done, rs->n_cases, rs->o->progress_ctx);
  while (rs->next < rs->n_cases && rs->active < rs->o->jobs && !run_stopping(rs))
    case_start(rs, &rs->cases[rs->next++]);
}

/* "step N: WHAT DETAIL", the message of a case that stopped at step N. */
char *ifm_run_fmt_step(const ifm_case_run *cr, const char *what, const char *detail) {
  ifm_buf m = IFM_BUF_INIT;
  ifm_buf_printf(&m, "step %zu: %s%s", cr->step + 1, what, detail ? detail : "");
  return ifm_buf_detach(&m);
}


/* Checks one expectation block against a response. Returns 1 when it holds,
 * 0 with j filled when it does not, -1 with err filled when it cannot be
 * evaluated (an undefined profile key, a variable with no value). */
static int check_expect(ifm_case_run *cr, const ifm_expect *ex, const ifm_response *r,
                        ifm_judgement *j, char *err, size_t errlen) {
  const ifm_run_opts *o = cr->run->o;
  size_t i;
  if (ex->has_status) {
    if (!ifm_judge_resolve_status(&ex->status, o->profile, o->target)) {
      snprintf(err, errlen, "profile key '%s' is not defined", ex->status.profile_key);
      return -1;
    }
    if (!ifm_judge_status(&ex->status, o->profile, o->target, r->status, j)) return 0;
  }
  for (i = 0; i < ex->n_items; i++) {
    const ifm_expect_item *it = &ex->items[i];
    ifm_buf v = IFM_BUF_INIT;
    int ok;
    if (it->value && ifm_request_expand(cr, it->value, &v, err, errlen) != 0) {
      ifm_buf_free(&v);
      return -1;
    }
    ok = ifm_judge_item(it, r, v.p, v.len, j);
    ifm_buf_free(&v);
    if (!ok) return 0;
  }
  return 1;
}

/* Judges the response of the current sequential step: first what the case
 * assumes of the target (not met: SKIP, as a test whose setup failed), then
 * what it expects (not met: the verdict of the case's level). Returns 1 when
 * the case goes on; otherwise it has ended the case. */
int ifm_run_judge_step(ifm_case_run *cr, const ifm_step *st, const ifm_response *r) {
  ifm_judgement j = {0};
  char err[512];
  int rc = check_expect(cr, &st->assume, r, &j, err, sizeof err);
  if (rc == 1) rc = check_expect(cr, &st->expect, r, &j, err, sizeof err);
  else if (rc == 0) {
    ifm_run_case_end(cr, IFM_SKIP, ifm_run_fmt_step(cr, "the target cannot show what this case tests: ", j.message),
             j.expected, j.got);
    free(j.message);
    return 0;
  }
  if (rc == 1) return 1;
  if (rc < 0) {
    ifm_run_case_end(cr, IFM_ERROR, ifm_run_fmt_step(cr, "", err), NULL, NULL);
    return 0;
  }
  ifm_run_case_end(cr, verdict_for_level(cr->c->level), ifm_run_fmt_step(cr, "", j.message), j.expected, j.got);
  free(j.message);
  return 0;
}

/* With the target's `extract`, the case sees group 1 of the pattern's first
 * match in the body (the payload inside a vCard, say); the evidence keeps
 * the whole response. No match: the case sees an empty body. */
static const ifm_response *case_view(const ifm_case_run *cr, const ifm_step *st,
                                     const ifm_response *r, ifm_response *view) {
  const char *pat = st->req.op < IFM_OP_REQUEST ? cr->o->target->ops[st->req.op].extract : NULL;
  regex_t re;
  regmatch_t m[2];
  if (!pat || regcomp(&re, pat, REG_EXTENDED) != 0) return r;
  *view = *r;
  memset(&view->body, 0, sizeof view->body);
  if (r->body.p && regexec(&re, r->body.p, 2, m, 0) == 0 && m[1].rm_so >= 0)
    ifm_buf_append(&view->body, r->body.p + m[1].rm_so, (size_t)(m[1].rm_eo - m[1].rm_so));
  regfree(&re);
  return view;
}

static void step_done_cb(ifm_xfer *x, void *ctx) {
  ifm_case_run *cr = ctx;
  const ifm_step *st = &cr->c->steps[cr->step];
  ifm_response view;
  const ifm_response *full = ifm_xfer_response(x), *r = full;
  if (ifm_request_record(cr, x, -1, (int)cr->round) != 0) {
    ifm_run_case_end(cr, IFM_ERROR, ifm_run_fmt_step(cr, "", "out of memory recording the exchange"), NULL, NULL);
    return;
  }
  if (r->error) {
    ifm_run_case_end(cr, IFM_ERROR, ifm_run_fmt_step(cr, "transport error: ", r->error), NULL, NULL);
    return;
  }
  r = case_view(cr, st, full, &view);
  if (!ifm_run_judge_step(cr, st, r) || ifm_request_capture(cr, st, r) != 0) {
    if (!cr->finished)
      ifm_run_case_end(cr, IFM_ERROR, ifm_run_fmt_step(cr, "", "out of memory capturing"), NULL, NULL);
    if (r != full) ifm_buf_free(&view.body);
    return;
  }
  if (r != full) ifm_buf_free(&view.body);
  cr->step++;
  ifm_run_case_next(cr);
}

void ifm_run_case_next(ifm_case_run *cr) {
  const ifm_case *c = cr->c;
  const ifm_step *st;
  ifm_xfer *x;
  char err[512];
  if (cr->run->o->stop && *cr->run->o->stop) {
    cr->run->rep->interrupted = 1;
    ifm_run_case_end(cr, IFM_ERROR, ifm_strdup("interrupted before the case finished"), NULL, NULL);
    return;
  }
  if (cr->step >= c->n_steps) {
    ifm_run_case_end(cr, IFM_PASS, NULL, NULL, NULL);
    return;
  }
  st = &c->steps[cr->step];
  if (cr->step == cr->seg_first && cr->par_phase == 0) cr->seg_x0 = cr->nx;
  if (st->is_parallel) {
    ifm_par_start(cr);
    return;
  }
  x = ifm_request_build(cr, &st->req, -1, NULL, err, sizeof err);
  if (!x) {
    ifm_run_case_end(cr, IFM_ERROR, ifm_run_fmt_step(cr, "", err), NULL, NULL);
    return;
  }
  if (ifm_exec_add(cr->run->exec, x, step_done_cb, cr) != 0) {
    ifm_xfer_free(x);
    ifm_run_case_end(cr, IFM_ERROR, ifm_run_fmt_step(cr, "", "could not start the transfer"), NULL, NULL);
  }
}

static void case_start(run_state *rs, ifm_case_run *cr) {
  ifm_result *res = &rs->rep->results[cr->result_idx];
  char err[512];
  rs->active++;
  cr->t0 = ifm_now_ms();
  if (res->verdict == IFM_SKIP) {       /* decided at planning time */
    ifm_run_case_end(cr, IFM_SKIP, res->message, NULL, NULL);
    return;
  }
  if (ifm_case_run_init_paths(cr, err, sizeof err) != 0) {
    ifm_run_case_end(cr, IFM_ERROR, ifm_strdup(err), NULL, NULL);
    return;
  }
  ifm_run_case_next(cr);
}

typedef struct setup_answer {
  int status;
  char error[256];
} setup_answer;

static void setup_cb(ifm_xfer *x, void *ctx) {
  setup_answer *a = ctx;
  const ifm_response *r = ifm_xfer_response(x);
  a->status = r->status;
  snprintf(a->error, sizeof a->error, "%s", r->error ? r->error : "");
}

/* The target's setup requests (an address book to create, ...), once per
 * run, in order, before any case. Their templates see {{run}}. */
static int run_setup(run_state *rs, char *err, size_t errlen) {
  const ifm_target *t = rs->o->target;
  ifm_case setup_case;
  ifm_case_run cr;
  size_t i;
  int rc = 0;
  if (!t->n_setup) return 0;
  memset(&setup_case, 0, sizeof setup_case);
  setup_case.id = (char *)"setup";
  ifm_case_run_setup(&cr, &setup_case, 0, rs->o, rs->run_id, &rs->uniq, rs->t0);
  if (ifm_case_run_init_paths(&cr, err, errlen) != 0) return -1;
  for (i = 0; i < t->n_setup && rc == 0; i++) {
    const ifm_op_map *m = &t->setup[i];
    ifm_request_spec spec;
    setup_answer a;
    ifm_xfer *x;
    memset(&spec, 0, sizeof spec);
    memset(&a, 0, sizeof a);
    spec.op = IFM_OP_REQUEST;
    spec.method = m->method;
    spec.path = m->path;
    spec.body = m->body;
    spec.has_body = m->body != NULL;
    spec.headers = m->headers;
    spec.n_headers = m->n_headers;
    if (!(x = ifm_request_build(&cr, &spec, -1, NULL, err, errlen)) ||
        ifm_exec_add(rs->exec, x, setup_cb, &a) != 0) {
      ifm_xfer_free(x);
      rc = -1;
      break;
    }
    ifm_exec_run(rs->exec, rs->o->stop, 0);
    if (a.error[0]) {
      snprintf(err, errlen, "%s:%d:%d: the target's setup request %s failed: %s", m->pos.file ? m->pos.file : "?",
               m->pos.line, m->pos.col, m->method, a.error);
      rc = -1;
    } else if (m->has_expect ? !ifm_status_spec_accepts(&m->expect, a.status) : a.status / 100 != 2) {
      snprintf(err, errlen, "%s:%d:%d: the target's setup request %s answered %d", m->pos.file ? m->pos.file : "?",
               m->pos.line, m->pos.col, m->method, a.status);
      rc = -1;
    }
  }
  ifm_case_run_clear(&cr);
  return rc;
}

static int result_init(ifm_result *res, const ifm_case *c) {
  res->case_id = ifm_strdup(c->id);
  res->requirement = ifm_strdup(c->requirement);
  res->title = ifm_strdup(c->title);
  res->spec = ifm_strdup(c->spec ? c->spec : "");
  res->file = ifm_strdup(c->file ? c->file->path : "");
  res->level = c->level;
  return res->case_id && res->requirement && res->title && res->spec && res->file ? 0 : -1;
}

int ifm_run_suite(const ifm_run_opts *o, ifm_report *rep, char *err, size_t errlen) {
  run_state rs;
  size_t f, k, i, first = rep->n_results;
  int rc = 0;
  memset(&rs, 0, sizeof rs);
  rs.o = o;
  rs.rep = rep;
  rs.t0 = ifm_now_ms();
  /* Always 8 hex digits: body lengths built from {{uniq}} must not depend on
   * the pid (servers with mtime+size ETags treat same-size writes alike). */
  snprintf(rs.run_id, sizeof rs.run_id, "%08lx",
           (unsigned long)((((unsigned long)getpid() << 16) ^ (unsigned long)rs.t0) & 0xffffffffUL));

  /* Plan: one result per selected case, in suite order, allocated up front so
   * pointers into rep->results stay valid while cases run. */
  for (f = 0; f < o->suite->n_files; f++)
    for (k = 0; k < o->suite->files[f].n_cases; k++) {
      const ifm_case *c = &o->suite->files[f].cases[k];
      ifm_result *res;
      if (!ifm_run_selects(c, o->filter)) continue;
      res = ifm_report_add(rep);
      if (!res || result_init(res, c) != 0) return -1;
      res->message = skip_reason(c, o);
      if (res->message) res->verdict = IFM_SKIP;
      rs.n_cases++;
    }
  rs.cases = calloc(rs.n_cases ? rs.n_cases : 1, sizeof *rs.cases);
  rs.exec = ifm_exec_new();
  if (!rs.cases || !rs.exec) {
    free(rs.cases);
    ifm_exec_free(rs.exec);
    return -1;
  }
  i = 0;
  for (f = 0; f < o->suite->n_files; f++)
    for (k = 0; k < o->suite->files[f].n_cases; k++) {
      const ifm_case *c = &o->suite->files[f].cases[k];
      if (!ifm_run_selects(c, o->filter)) continue;
      ifm_case_run_setup(&rs.cases[i], c, first + i, o, rs.run_id, &rs.uniq, rs.t0);
      rs.cases[i].run = &rs;
      i++;
    }

  if (run_setup(&rs, err, errlen) != 0) {
    for (i = 0; i < rs.n_cases; i++) {      /* nothing ran: every case says why */
      ifm_result *res = &rep->results[first + i];
      if (res->verdict == IFM_SKIP) continue;
      res->verdict = IFM_ERROR;
      res->message = ifm_strdup(err);
    }
    rep->interrupted = 1;
    ifm_exec_free(rs.exec);
    free(rs.cases);
    return -1;
  }
  while (rs.next < rs.n_cases && rs.active < (o->jobs ? o->jobs : 1)) case_start(&rs, &rs.cases[rs.next++]);
  if (ifm_exec_run(rs.exec, o->stop, o->max_time_s > 0 ? rs.t0 + o->max_time_s * 1000.0 : 0) != 0) rc = -1;

  /* Whatever did not finish (interrupted, time limit) is an ERROR, and the
   * report says it is partial. */
  for (i = 0; i < rs.n_cases; i++) {
    ifm_case_run *cr = &rs.cases[i];
    ifm_result *res = &rep->results[first + i];
    if (cr->finished || (res->verdict == IFM_SKIP && rs.next <= i)) continue;
    rep->interrupted = 1;
    res->verdict = IFM_ERROR;
    free(res->message);
    res->message = ifm_strdup(o->stop && *o->stop ? "interrupted: the case did not run to the end"
                                                  : "run time limit reached before the case finished");
    ifm_case_run_clear(cr);
  }
  for (i = 0; i < rs.n_cases; i++) ifm_case_run_clear(&rs.cases[i]);
  ifm_exec_free(rs.exec);
  free(rs.cases);
  rep->duration_ms = ifm_now_ms() - rs.t0;
  return rc;
}
