/* ifm_fp_run.c: targets and runs of stateful fuzzer programs (see
 * ifm_fp_run.h). The request half of every exchange is built by
 * ifm_fp_req.h into the trace, handed to the executor as it is, and the
 * finished exchange taken back into the same slot; the oracle reads the
 * slots. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ifm_exec.h"
#include "ifm_fp_req.h"
#include "ifm_fp_run.h"
#include "ifm_fp_target.h"

void ifm_fp_result_init(ifm_fp_result *r) {
  ifm_fp_trace_init(&r->trace);
  ifm_fp_verdict_init(&r->verdict);
  memset(&r->log, 0, sizeof r->log);
}

void ifm_fp_result_clear(ifm_fp_result *r) {
  ifm_fp_trace_clear(&r->trace);
  ifm_fp_verdict_clear(&r->verdict);
  ifm_buf_clear(&r->log);
}

/* ---- running ------------------------------------------------------------- */

typedef struct run {
  ifm_fp_target *tg;
  const ifm_fp_prog *p;
  ifm_fp_result *res;
  ifm_fp_oracle *o;
  ifm_fp_tags tags;          /* what the program's requests can name */
  char url[700];
  char body[IFM_FP_MAX_RECS][48];   /* each record's own body ("" none), before a target's wrapper */
  long last_read;            /* the record just before, when it is a read whose state is known; -1 */
  int model_open;            /* a model operation ran since the last read after */
  unsigned long long id;
} run;

static void done_cb(ifm_xfer *x, void *ctx) { ifm_xfer_take_exchange(x, ctx); }

/* A new record for op (-1: an added read) with its request built. NULL
 * when the trace is full or out of memory. */
static ifm_exchange *new_step(run *r, int opi, int racing) {
  ifm_fp_trace *t = &r->res->trace;
  static const ifm_fp_op added = {0};   /* a plain read */
  const ifm_fp_op *op = opi >= 0 ? &r->p->ops[opi] : &added;
  ifm_fp_step *s;
  char body[48];
  if (t->n >= IFM_FP_MAX_RECS) return NULL;
  s = &t->s[t->n];
  memset(s, 0, sizeof *s);
  s->op = opi;
  s->group = opi >= 0 ? op->group : -1;
  s->racing = racing;
  snprintf(body, sizeof body, "b%llu-%d", r->id, opi);
  r->body[t->n][0] = '\0';
  if (op->kind == IFM_FP_WRITE || op->kind == IFM_FP_CREATE) snprintf(r->body[t->n], sizeof r->body[0], "%s", body);
  if (ifm_fp_target_request(r->tg, &r->tags, op, opi >= 0 ? op->client : -1, r->url,
                            r->body[t->n][0] ? body : NULL, &t->x[t->n]) != 0) {
    ifm_exchange_clear(&t->x[t->n]);
    return NULL;
  }
  return &t->x[t->n++];
}

/* Sends records first .. first+n at once (last-byte release when more than
 * one has a body) and waits for all of them. */
static int exec_steps(run *r, size_t first, size_t n) {
  ifm_fp_trace *t = &r->res->trace;
  ifm_hold_group hold;
  ifm_xfer_opts xo;
  size_t i, bodies = 0;
  int rc = 0;
  memset(&hold, 0, sizeof hold);
  ifm_fp_target_xfer_opts(r->tg, &xo);
  for (i = 0; i < n; i++) bodies += t->x[first + i].req_body != NULL;
  if (n > 1 && bodies > 1) hold.members = bodies;
  for (i = 0; i < n && rc == 0; i++) {
    ifm_exchange *x = &t->x[first + i];
    ifm_xfer *xf;
    xo.hold = hold.members && x->req_body ? &hold : NULL;
    xf = ifm_xfer_new_exchange(x, &xo);   /* takes the request; done_cb gives it back */
    if (!xf || ifm_exec_add(r->tg->exec, xf, done_cb, x) != 0) {
      ifm_xfer_free(xf);
      rc = -1;
    }
  }
  ifm_exec_run(r->tg->exec, NULL, ifm_now_ms() + 30000);
  for (i = 0; i < n && rc == 0; i++)
    ifm_fp_target_fix_hashes(r->tg, &t->x[first + i], r->body[first + i][0] ? r->body[first + i] : NULL);
  if (rc != 0) {   /* the record that could not start is gone, and those after it */
    for (i = first; i < t->n; i++) ifm_exchange_clear(&t->x[i]);
    t->n = first;
  }
  return rc;
}

/* A read the runner adds, sent and fed to the oracle: its record, or -1. */
static long added_read(run *r) {
  size_t i = r->res->trace.n;
  if (!new_step(r, -1, 0) || exec_steps(r, i, 1) != 0) return -1;
  ifm_fp_oracle_feed(r->o, &r->res->trace, i, &r->res->verdict);
  return (long)i;
}

static const char *etag_of(const ifm_exchange *x) {
  const ifm_field *f = ifm_exchange_resp_header(x, "ETag");
  return f ? f->value : NULL;
}

/* An operation outside the checker's model, between a read before and a
 * read after. */
static int run_sequential(run *r, size_t opi) {
  ifm_fp_trace *t = &r->res->trace;
  ifm_fp_verdict *v = &r->res->verdict;
  long bi = r->last_read, ai;
  size_t si;
  int st;
  const char *tag;
  if (bi < 0 && (bi = added_read(r)) < 0) return -1;
  if ((tag = etag_of(&t->x[bi]))) ifm_fp_tags_see(&r->tags, tag);
  si = t->n;
  if (!new_step(r, (int)opi, 0)) return -1;
  if (ifm_fp_oracle_expect(r->o, t, si, t->s[si].expect, sizeof t->s[si].expect, v) != 0) return -1;
  if (v->violated) {   /* the epoch before it, or the read before, broke: it is not sent */
    ifm_exchange_clear(&t->x[si]);
    t->n = si;
    return 0;
  }
  if (exec_steps(r, si, 1) != 0) return -1;
  ifm_fp_oracle_feed(r->o, t, si, v);
  r->last_read = -1;
  st = ifm_fp_trace_status(&t->x[si]);
  if (st == 0 || st >= 500) return 0;   /* nothing to read after: the oracle has said why */
  if (st / 100 == 2 && (tag = etag_of(&t->x[si]))) ifm_fp_tags_see(&r->tags, tag);
  if ((ai = added_read(r)) < 0) return -1;
  if ((tag = etag_of(&t->x[ai]))) ifm_fp_tags_see(&r->tags, tag);
  r->last_read = ai;
  r->model_open = 0;
  return 0;
}

/* A group of model operations, racing when there are several. */
static int run_group(run *r, size_t i, size_t j) {
  ifm_fp_trace *t = &r->res->trace;
  size_t first = t->n, k;
  const ifm_exchange *x;
  const char *tag;
  for (k = i; k < j; k++)
    if (!new_step(r, (int)k, j - i > 1)) return -1;
  if (exec_steps(r, first, j - i) != 0) return -1;
  for (k = first; k < t->n; k++) {
    ifm_fp_oracle_feed(r->o, t, k, &r->res->verdict);
    if (ifm_fp_trace_status(&t->x[k]) / 100 == 2 && (tag = etag_of(&t->x[k]))) ifm_fp_tags_see(&r->tags, tag);
  }
  x = &t->x[first];
  r->model_open = 1;
  r->last_read = j - i == 1 && r->p->ops[i].kind == IFM_FP_READ &&
                 (ifm_fp_trace_status(x) == 200 || ifm_fp_trace_status(x) == 404) ? (long)first : -1;
  return 0;
}

static void log_step(ifm_buf *b, const ifm_exchange *x, const ifm_fp_step *s, size_t idx, double t_base) {
  size_t k, n;
  int st = ifm_fp_trace_status(x);
  const char *etag = etag_of(x);
  ifm_buf_printf(b, "  #%zu ", idx);
  if (s->op >= 0) ifm_buf_printf(b, "op %d client %d%s: ", s->op, x->client, s->racing ? " (race)" : "");
  else ifm_buf_puts(b, s->op == IFM_FP_SETUP ? "setup: " : "added read: ");
  ifm_buf_puts(b, x->method ? x->method : "?");
  for (k = 0; k < x->n_req_headers; k++) {
    const ifm_field *f = &x->req_headers[k];
    if (strcmp(f->name, "If-Match") != 0) continue;
    ifm_buf_puts(b, " If-Match: [");
    ifm_fp_put_bytes(b, f->value, f->value_len);
    ifm_buf_puts(b, "]");
  }
  for (k = 0; k < x->n_req_headers; k++) {
    const ifm_field *f = &x->req_headers[k];
    if (strcmp(f->name, "If-None-Match") == 0 && strcmp(f->value, "*") == 0)
      ifm_buf_puts(b, " If-None-Match: *");
    else if (strcmp(f->name, "If-None-Match") == 0 || strcmp(f->name, "If-Unmodified-Since") == 0)
      ifm_buf_printf(b, " %s: [%s]", f->name, f->value);
  }
  if (x->req_body) ifm_buf_printf(b, " body %s", x->req_body);
  if (st) ifm_buf_printf(b, " -> %d", st);
  else ifm_buf_puts(b, " -> no response");
  if (etag) ifm_buf_printf(b, " ETag %.95s", etag);
  if (st == 200 && x->method && !strcmp(x->method, "GET")) {
    n = x->resp_body_len < 47 ? x->resp_body_len : 47;
    ifm_buf_puts(b, " body ");
    ifm_fp_put_bytes(b, x->resp_body ? x->resp_body : "", x->resp_body ? strnlen(x->resp_body, n) : 0);
  }
  if (s->expect[0]) ifm_buf_printf(b, " (expected %s)", s->expect);
  ifm_buf_printf(b, " [%.3f, %.3f] ms\n", x->t_start - t_base, x->t_done - t_base);
}

/* Removes the resource, unjudged. */
static void cleanup(run *r) {
  ifm_fp_op del;
  ifm_exchange x;
  memset(&del, 0, sizeof del);
  del.kind = IFM_FP_DELETE;
  del.pre = IFM_FP_PRE_STAR;
  if (ifm_fp_target_request(r->tg, &r->tags, &del, -1, r->url, NULL, &x) == 0) ifm_fp_target_send(r->tg, &x);
  ifm_exchange_clear(&x);
}

/* Before the program: with a target that creates by POST, the program's
 * resource made that way, then read; on a server where every path exists
 * (the probe's GET of a never-used path was not 404 / 410), a read. Either
 * read is the first epoch's state; a fresh path elsewhere is missing. */
static int setup(run *r) {
  ifm_fp_trace *t = &r->res->trace;
  ifm_exchange *x = &t->x[t->n];
  char body[48];
  int made;
  long ri;
  const char *tag;
  snprintf(body, sizeof body, "b%llu-setup", r->id);
  made = ifm_fp_target_create_request(r->tg, body, x);
  if (made < 0) return made;
  if (made == 0 && (r->tg->uncond.get[0] == 404 || r->tg->uncond.get[0] == 410)) return 0;
  if (made == 0) {   /* every path exists (a read-only server): a read tells the first state */
    if (ifm_fp_target_request(r->tg, &r->tags, NULL, -1, r->url, NULL, x) != 0) return -1;
    memset(&t->s[t->n], 0, sizeof t->s[0]);
    t->s[t->n].op = IFM_FP_SETUP;
    t->s[t->n].group = -1;
    r->body[t->n][0] = '\0';
    t->n++;
    if (exec_steps(r, t->n - 1, 1) != 0) return -1;
    ifm_fp_oracle_feed(r->o, t, t->n - 1, &r->res->verdict);
    if (ifm_fp_trace_status(x) == 200 || ifm_fp_trace_status(x) == 404) r->last_read = (long)(t->n - 1);
    if ((tag = etag_of(x))) ifm_fp_tags_see(&r->tags, tag);
    return 0;
  }
  memset(&t->s[t->n], 0, sizeof t->s[0]);
  t->s[t->n].op = IFM_FP_SETUP;
  t->s[t->n].group = -1;
  snprintf(r->body[t->n], sizeof r->body[0], "%s", body);
  t->n++;
  if (exec_steps(r, t->n - 1, 1) != 0) return -1;
  ifm_fp_oracle_feed(r->o, t, t->n - 1, &r->res->verdict);
  if (ifm_fp_target_created(r->tg, x, t->path, sizeof t->path, r->url, sizeof r->url) != 0)
    return 0;   /* nothing made: the program runs on a missing resource */
  if ((ri = added_read(r)) < 0) return -1;
  if ((tag = etag_of(&t->x[ri]))) ifm_fp_tags_see(&r->tags, tag);
  r->last_read = ri;
  return 0;
}

int ifm_fp_run(ifm_fp_target *tg, const ifm_fp_prog *p, int verbose, ifm_fp_result *res) {
  ifm_fp_trace *t = &res->trace;
  ifm_fp_verdict *v = &res->verdict;
  run r;
  size_t i = 0, k;
  int rc = 0;
  ifm_fp_result_clear(res);
  memset(&r, 0, sizeof r);
  r.tg = tg;
  r.p = p;
  r.res = res;
  r.last_read = -1;
  r.id = ++tg->counter;
  ifm_fp_tags_init(&r.tags);
  ifm_fp_target_probe(tg);
  if (!(r.o = ifm_fp_oracle_new(p, &tg->profile))) return -1;
  ifm_fp_oracle_set_uncond(r.o, &tg->uncond);
  if (ifm_fp_target_new_path(tg, r.id, t->path, sizeof t->path, r.url, sizeof r.url) != 0 || setup(&r) != 0)
    rc = -1;
  while (i < p->n_ops && !v->violated && rc == 0) {
    size_t j = i;
    while (j < p->n_ops && p->ops[j].group == p->ops[i].group) j++;
    if (j - i == 1 && !p->ops[i].in_model) rc = run_sequential(&r, i);
    else rc = run_group(&r, i, j);
    i = j;
  }
  if (rc == 0 && !v->violated && r.model_open && r.last_read < 0 && added_read(&r) < 0) rc = -1;
  if (rc == 0 && !v->violated && ifm_fp_oracle_end(r.o, t, v) != 0) rc = -1;
  cleanup(&r);
  if (verbose || v->violated) {
    ifm_fp_format(p, &res->log);
    ifm_buf_printf(&res->log, "target: %s, resource %s\nexchanges (times in ms from the first request):\n",
                   tg->desc, t->path);
    for (k = 0; k < t->n; k++) log_step(&res->log, &t->x[k], &t->s[k], k, t->x[0].t_start);
  }
  ifm_fp_oracle_free(r.o);
  return rc;
}
