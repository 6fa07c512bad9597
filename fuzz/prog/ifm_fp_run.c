/* ifm_fp_run.c: targets and runs of stateful fuzzer programs (see
 * ifm_fp_run.h). The request half of every exchange is built by
 * ifm_fp_req.h into the trace, handed to the executor as it is, and the
 * finished exchange taken back into the same slot; the oracle reads the
 * slots. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ifm_exec.h"
#include "ifm_fp_req.h"
#include "ifm_fp_run.h"
#include "ifm_load.h"
#include "ifm_server.h"

struct ifm_fp_target {
  ifm_exec *exec;
  ifm_server *srv;            /* NULL when fuzzing a URL */
  ifm_profile profile;
  char base[512];
  unsigned long long counter; /* programs run: each gets its own path */
  char desc[512];
};

/* ---- targets ------------------------------------------------------------- */

void ifm_fp_target_opts_from_env(ifm_fp_target_opts *o) {
  memset(o, 0, sizeof *o);
  o->url = getenv("IFM_FUZZ_URL");
  o->profile = getenv("IFM_FUZZ_PROFILE");
  o->flaws = getenv("IFM_FUZZ_FLAWS");
}

static int is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The first of $IFMATCH_HOME/cases/profiles, the source tree's, ./cases/profiles. */
static void default_profile_dir(char *out, size_t n) {
  const char *home = getenv("IFMATCH_HOME");
  if (home && *home) {
    snprintf(out, n, "%s/cases/profiles", home);
    if (is_dir(out)) return;
  }
#ifdef IFM_SOURCE_DIR
  snprintf(out, n, "%s/cases/profiles", IFM_SOURCE_DIR);
  if (is_dir(out)) return;
#endif
  snprintf(out, n, "cases/profiles");
}

static int parse_flaws(const char *fl, unsigned *flaws, char *err, size_t errlen) {
  char buf[512], *save = NULL, *tok;
  *flaws = 0;
  if (!fl || !*fl) return 0;
  snprintf(buf, sizeof buf, "%s", fl);
  for (tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
    unsigned f = ifm_flaw_parse(tok);
    if (!f) {
      snprintf(err, errlen, "IFM_FUZZ_FLAWS: unknown flaw '%s' (ifmatch serve --flaw list)", tok);
      return -1;
    }
    *flaws |= f;
  }
  return 0;
}

/* The in-process reference server, with the loaded profile's name. */
static int start_server(ifm_fp_target *t, unsigned flaws, char *err, size_t errlen) {
  ifm_server_opts so;
  size_t n;
  unsigned i;
  ifm_server_opts_init(&so);
  if (ifm_server_profile_parse(t->profile.name, &so.profile) != 0) {
    snprintf(err, errlen, "IFM_FUZZ_PROFILE: the reference server has no profile '%s' (rfc9110, "
             "rfc9110-428, cpp)", t->profile.name);
    return -1;
  }
  so.flaws = flaws;
  so.max_resources = (size_t)1 << 26;
  if (!(t->srv = ifm_server_start(&so, err, errlen))) return -1;
  snprintf(t->base, sizeof t->base, "http://127.0.0.1:%u/fuzz", (unsigned)ifm_server_port(t->srv));
  n = (size_t)snprintf(t->desc, sizeof t->desc, "reference server, profile %s, flaws", t->profile.name);
  for (i = 0; i < IFM_FLAW_COUNT && n < sizeof t->desc; i++)
    if (flaws & (1u << i)) n += (size_t)snprintf(t->desc + n, sizeof t->desc - n, " %s", ifm_flaw_name(i));
  if (!flaws && n < sizeof t->desc) snprintf(t->desc + n, sizeof t->desc - n, " none");
  return 0;
}

ifm_fp_target *ifm_fp_target_new(const ifm_fp_target_opts *o, char *err, size_t errlen) {
  ifm_fp_target *t = calloc(1, sizeof *t);
  const char *prof = o->profile && *o->profile ? o->profile : "rfc9110";
  const char *url = o->url && *o->url ? o->url : NULL;
  ifm_errors errs = {0};
  char dir[1024];
  unsigned flaws = 0;
  size_t n;
  if (!t) return snprintf(err, errlen, "out of memory"), NULL;
  snprintf(dir, sizeof dir, "%s", o->profile_dir ? o->profile_dir : "");
  if (!o->profile_dir) default_profile_dir(dir, sizeof dir);
  if (parse_flaws(o->flaws, &flaws, err, errlen) != 0) goto fail;
  if (ifm_load_profile(prof, dir, &t->profile, &errs) != 0) {
    snprintf(err, errlen, "IFM_FUZZ_PROFILE: %s", errs.n ? errs.msgs[0] : "cannot load the profile");
    goto fail;
  }
  if (!(t->exec = ifm_exec_new())) {
    snprintf(err, errlen, "libcurl multi init failed");
    goto fail;
  }
  if (url) {
    snprintf(t->base, sizeof t->base, "%s", url);
    n = strlen(t->base);
    while (n && t->base[n - 1] == '/') t->base[--n] = '\0';
    snprintf(t->desc, sizeof t->desc, "%s (profile %s)", t->base, t->profile.name);
  } else if (start_server(t, flaws, err, errlen) != 0) {
    goto fail;
  }
  ifm_errors_clear(&errs);
  return t;
fail:
  ifm_errors_clear(&errs);
  ifm_fp_target_free(t);
  return NULL;
}

ifm_fp_target *ifm_fp_target_from_env(char *err, size_t errlen) {
  ifm_fp_target_opts o;
  ifm_fp_target_opts_from_env(&o);
  return ifm_fp_target_new(&o, err, errlen);
}

void ifm_fp_target_free(ifm_fp_target *t) {
  if (!t) return;
  ifm_exec_free(t->exec);
  ifm_server_stop(t->srv);
  ifm_profile_clear(&t->profile);
  free(t);
}

const ifm_profile *ifm_fp_target_profile(const ifm_fp_target *t) { return &t->profile; }
const char *ifm_fp_target_describe(const ifm_fp_target *t) { return t->desc; }

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
  if (ifm_fp_req_build(&r->tags, op, opi >= 0 ? op->client : -1, r->url,
                       op->kind == IFM_FP_WRITE || op->kind == IFM_FP_CREATE ? body : NULL,
                       &t->x[t->n]) != 0) {
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
  memset(&xo, 0, sizeof xo);
  xo.timeout_s = 10;
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
  else ifm_buf_puts(b, "added read: ");
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
  ifm_xfer_opts xo;
  ifm_xfer *x;
  memset(&xo, 0, sizeof xo);
  xo.timeout_s = 10;
  x = ifm_xfer_new("DELETE", r->url, &xo);
  if (x && ifm_xfer_add_header(x, "If-Match", "*", 1) == 0 && ifm_exec_add(r->tg->exec, x, NULL, NULL) == 0)
    ifm_exec_run(r->tg->exec, NULL, ifm_now_ms() + 10000);
  else ifm_xfer_free(x);
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
  if (!(r.o = ifm_fp_oracle_new(p, &tg->profile))) return -1;
  snprintf(t->path, sizeof t->path, "/p%ld-%llu", (long)getpid(), r.id);
  snprintf(r.url, sizeof r.url, "%s%s", tg->base, t->path);
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
