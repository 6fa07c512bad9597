/* ifm_fp_oracle.c: judging a run of a stateful fuzzer program (see
 * ifm_fp_oracle.h). Two halves: the epochs of operations inside the
 * checker's model go to ifm_lin_check; each operation outside it gets the
 * sequential model, its expectation computed from the read just before it
 * and the request as sent, its effect checked against the read just after.
 * Everything is a function of the trace, the program and the profile: no
 * I/O, and no clock (dates are read against the server's own Date). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ifm_catalogue.h"
#include "ifm_etag.h"
#include "ifm_fp_oracle.h"
#include "ifm_judge.h"
#include "ifm_linear.h"
#include "ifm_plan.h"
#include "ifm_precond.h"

/* What a sequential operation's answer must be. */
typedef struct seq_want {
  int perform;                 /* the preconditions hold: RFC 9110 9.3.4's statuses */
  const ifm_status_spec *set;  /* !perform: the profile's set ... */
  const char *key;             /* ... under this key (for messages) */
  int code;                    /* !perform and no key: the one status the RFC names */
  const char *req;             /* the requirement a wrong answer breaks (a best guess) */
} seq_want;

struct ifm_fp_oracle {
  const ifm_fp_prog *p;
  const ifm_profile *prof;
  int star_creates, allow_409, none_in_model;   /* what the profile says, looked up once */
  size_t lin[IFM_FP_MAX_RECS];   /* trace indexes of the model's operations */
  size_t n_lin, epoch0;          /* lin[epoch0 ..] is the current epoch */
  long init_rec;                 /* the read that starts the epoch; -1: missing */
  long seq;                      /* the sequential op judged last, until its read after */
  int seq_unknown;               /* its answer said nothing (408, 429, 503): no effect judged */
  int setup;                     /* a setup request came: the next read starts the first epoch */
  int exists;                    /* the state before it: the read before said 200 */
  ifm_fp_uncond uncond;          /* RFC 9110 13.2.1: the target's answers without preconditions */
  seq_want want;
  char want_text[32];            /* want, as a case would write it */
};

/* ---- the trace ---------------------------------------------------------- */

void ifm_fp_trace_init(ifm_fp_trace *t) { memset(t, 0, sizeof *t); }

void ifm_fp_trace_clear(ifm_fp_trace *t) {
  size_t i;
  for (i = 0; i < t->n; i++) {   /* only what was used: a run clears it every time */
    ifm_exchange_clear(&t->x[i]);
    memset(&t->s[i], 0, sizeof t->s[i]);
  }
  t->n = 0;
  t->path[0] = '\0';
}

int ifm_fp_trace_status(const ifm_exchange *x) { return x->error ? 0 : x->status; }

size_t ifm_fp_trace_fields(const ifm_exchange *x, const char *name, const ifm_field **out, size_t max) {
  size_t i, n = 0;
  for (i = 0; i < x->n_req_headers; i++)
    if (strcasecmp(x->req_headers[i].name, name) == 0) {
      if (n < max) out[n] = &x->req_headers[i];
      n++;
    }
  return n;
}

static const char *resp_etag(const ifm_exchange *x) {
  const ifm_field *f = ifm_exchange_resp_header(x, "ETag");
  return f ? f->value : "";
}

void ifm_fp_verdict_init(ifm_fp_verdict *v) { memset(v, 0, sizeof *v); }

void ifm_fp_verdict_clear(ifm_fp_verdict *v) {
  ifm_buf_clear(&v->why);
  ifm_fp_verdict_init(v);
}

/* ---- the profile, through the judge's functions -------------------------- */

const ifm_status_spec *ifm_fp_oracle_profile_set(const ifm_profile *p, const char *key) {
  ifm_status_spec s;
  memset(&s, 0, sizeof s);
  s.profile_key = (char *)key;
  return ifm_judge_resolve_status(&s, p, NULL);
}

static int profile_accepts(const ifm_profile *p, const char *key, int status) {
  return ifm_status_spec_accepts(ifm_fp_oracle_profile_set(p, key), status);
}

int ifm_fp_oracle_none_in_model(const ifm_profile *p) {
  const ifm_status_spec *s = ifm_fp_oracle_profile_set(p, "missing_if_match");
  int st;
  if (!ifm_status_spec_accepts(s, 200) || !ifm_status_spec_accepts(s, 201) ||
      !ifm_status_spec_accepts(s, 204))
    return 0;
  for (st = 100; st <= 599; st++)
    if (st / 100 != 2 && ifm_status_spec_accepts(s, st)) return 0;
  return 1;
}

int ifm_fp_oracle_star_creates(const ifm_profile *p) { return profile_accepts(p, "star_on_missing", 201); }

/* ---- verdicts ------------------------------------------------------------ */

static void violation(ifm_fp_verdict *v, const char *req, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void violation(ifm_fp_verdict *v, const char *req, const char *fmt, ...) {
  char first[40];
  const ifm_requirement *r;
  ifm_verdict verdict;
  va_list ap;
  if (v->violated || v->verdict != IFM_PASS) return;   /* the first broken rule tells */
  snprintf(first, sizeof first, "%s", req);
  first[strcspn(first, "/")] = '\0';
  r = ifm_catalogue_find(first);
  verdict = ifm_judge_verdict_for_level(r ? r->level : IFM_MUST);
  v->verdict = verdict;
  v->violated = verdict == IFM_FAIL;
  v->requirement = req;
  va_start(ap, fmt);
  ifm_buf_vprintf(&v->why, fmt, ap);
  va_end(ap);
}

/* ---- the checker's half -------------------------------------------------- */

static const ifm_fp_op *op_of(const ifm_fp_oracle *o, const ifm_fp_trace *t, size_t i) {
  return t->s[i].op >= 0 ? &o->p->ops[t->s[i].op] : NULL;
}

/* The unconditional answer to x's method in state exists (0: unknown). */
static int uncond_of(const ifm_fp_oracle *o, const ifm_exchange *x, int exists) {
  if (!x->method) return 0;
  if (strcmp(x->method, "GET") == 0) return o->uncond.get[exists];
  if (strcmp(x->method, "DELETE") == 0) return o->uncond.del[exists];
  return o->uncond.put[exists];
}

/* Whether answering st to a request with preconditions, whose method's
 * unconditional answer is u, is RFC 9110 13.2.1's ignoring them: the
 * suite's rule says SKIP (u comes before preconditions and st is not 412). */
static int ignored_by_13_2_1(int st, int u) {
  ifm_case c;
  ifm_judgement j;
  ifm_verdict v;
  if (!u || st != u) return 0;
  memset(&c, 0, sizeof c);
  memset(&j, 0, sizeof j);
  c.level = IFM_MUST;
  v = ifm_judge_unconditional(&c, st, u, &j);
  ifm_judgement_clear(&j);
  return v == IFM_SKIP;
}

/* A tag no server sends: what a weak If-Match tag is to the checker, which
 * compares tags as bytes while If-Match compares strongly (RFC 9110
 * 13.1.1: a weak tag never matches, not even the resource's own). */
static const char never_tag[] = "\"\x01weak: never matches\"";

/* One model operation as the checker sees it, read by the judge's own
 * ifm_judge_lin_op (pointers into x). Returns 1 to give it to the checker,
 * 0 when RFC 9110 13.2.1 made it a no-op (its method's unconditional
 * answer in any state), -1 when it is outside the checker's model. */
static int lin_op_of(const ifm_fp_oracle *o, const ifm_exchange *x, ifm_lin_op *op) {
  char err[256];
  int st;
  if (ifm_judge_lin_op(x, op, err, sizeof err) != 0) return -1;
  /* the bodies as the fuzzer compares them everywhere (ifm_fp_run.h: a
   * target's wrapper and extract already taken off) */
  op->body = x->req_body ? x->req_body_hash : 0;
  op->resp_body = x->resp_body_hash;
  if (op->pre == IFM_LIN_PRE_MATCH && op->tag_len > 2 && op->tag[0] == 'W' && op->tag[1] == '/') {
    op->tag = never_tag;
    op->tag_len = sizeof never_tag - 1;
  }
  st = op->status;
  /* (a request without preconditions that got the unconditional answer is
   * no concern of If-Match either: a PUT to a server that creates by POST) */
  if (ignored_by_13_2_1(st, uncond_of(o, x, 0))) {
    if (ignored_by_13_2_1(st, uncond_of(o, x, 1))) return 0;   /* the answer in every state */
    /* the missing resource's answer: legal iff it is missing, no effect */
    op->kind = IFM_LIN_READ;
    op->pre = IFM_LIN_PRE_NONE;
    op->status = 404;
    op->etag = NULL;
    op->etag_len = 0;
  } else if (ignored_by_13_2_1(st, uncond_of(o, x, 1))) {
    return 0;
  }
  return 1;
}

/* The requirement a non-linearizable history most likely breaks. */
static const char *lin_requirement(const ifm_fp_oracle *o, const ifm_fp_trace *t, const ifm_lin_result *res) {
  size_t i, n = o->n_lin - o->epoch0;
  const char *best = NULL;
  for (i = 0; i < res->n_culprits; i++) {
    size_t ti;
    const ifm_fp_op *op;
    if (res->culprits[i] >= n) continue;
    ti = o->lin[o->epoch0 + res->culprits[i]];
    op = op_of(o, t, ti);
    if (t->s[ti].racing && op) {
      if (op->kind == IFM_FP_CREATE) return "IM-RACE-CREATE";
      if (op->pre == IFM_FP_PRE_STAR) return "IM-RACE-STAR-LWW";
      if (op->kind != IFM_FP_READ) return "IM-RACE-ONE-WINNER";
    }
  }
  if (!res->etag_functional) return "IM-ETAG-FUNCTIONAL";
  for (i = res->n_culprits; i-- > 0;) {
    size_t ti;
    const ifm_fp_op *op;
    int status, ok;
    if (res->culprits[i] >= n) continue;
    ti = o->lin[o->epoch0 + res->culprits[i]];
    op = op_of(o, t, ti);
    if (!op || op->kind == IFM_FP_READ) continue;
    status = ifm_fp_trace_status(&t->x[ti]);
    ok = status / 100 == 2;
    if (op->kind == IFM_FP_CREATE) return "IM-PREC-INM";
    {
      const ifm_field *im[1];
      if (ok && ifm_fp_trace_fields(&t->x[ti], "If-Match", im, 1) == 1 && strncmp(im[0]->value, "W/", 2) == 0)
        return "IM-WEAK-NEVER";   /* a weak tag matched: If-Match compares strongly */
    }
    if (op->kind == IFM_FP_DELETE && status == 412 && op->pre != IFM_FP_PRE_STALE) {
      /* missing before it (the last read said 404)? then 404 was due */
      size_t qi = ti;
      while (qi-- > 0)
        if (strcmp(t->x[qi].method, "GET") == 0 && !t->s[qi].racing) break;
      if (qi != (size_t)-1 && ifm_fp_trace_status(&t->x[qi]) == 404) return "IM-ABSENT-OTHER";
    }
    switch (op->pre) {
    case IFM_FP_PRE_WEAK: return "IM-WEAK-NEVER";
    case IFM_FP_PRE_STAR: return ok ? "IM-ABSENT-PUT" : "IM-STAR-EXISTS";
    case IFM_FP_PRE_STALE: return "IM-STALE-412";
    case IFM_FP_PRE_CURRENT: return ok ? "IM-STALE-412" : "IM-MATCH-OK";
    case IFM_FP_PRE_NONE: best = "IM-MISSING-POLICY"; break;
    default: break;
    }
  }
  return best ? best : "IM-ETAG-ROTATES";
}

/* Checks the current epoch's history. */
static int check_epoch(ifm_fp_oracle *o, const ifm_fp_trace *t, ifm_fp_verdict *v) {
  ifm_lin_op ops[IFM_FP_MAX_RECS];
  ifm_lin_init init;
  ifm_lin_opts lo;
  ifm_lin_result res;
  size_t map[IFM_FP_MAX_RECS];   /* ops[k] is epoch op map[k] (culprits index the epoch) */
  size_t i, k = 0, n = o->n_lin - o->epoch0;
  if (n == 0 || v->violated) return 0;
  for (i = 0; i < n; i++) {
    int keep = lin_op_of(o, &t->x[o->lin[o->epoch0 + i]], &ops[k]);
    if (keep < 0) return -1;
    if (keep) map[k++] = i;
  }
  if (k == 0) return 0;
  memset(&init, 0, sizeof init);
  if (o->init_rec >= 0) {
    const ifm_exchange *rd = &t->x[o->init_rec];
    const ifm_field *et = ifm_exchange_resp_header(rd, "ETag");
    init.exists = ifm_fp_trace_status(rd) == 200;
    if (init.exists && et) {
      init.etag = et->value;
      init.etag_len = et->value_len;
    }
    init.body = rd->resp_body_hash;
  }
  memset(&lo, 0, sizeof lo);
  memset(&res, 0, sizeof res);
  lo.star_creates = o->star_creates;
  lo.allow_409 = o->allow_409;
  lo.max_ms = 5000;
  lo.explain_ms = 200;
  if (ifm_lin_check(&init, ops, k, &lo, &res) != 0 && res.linearizable != -1) {
    ifm_lin_result_clear(&res);
    return -1;
  }
  for (i = 0; i < res.n_culprits; i++)
    if (res.culprits[i] < k) res.culprits[i] = map[res.culprits[i]];
  if (res.linearizable == 0) {
    violation(v, lin_requirement(o, t, &res), "not linearizable (ops of epoch from record %zu):\n%s",
              o->lin[o->epoch0], res.explanation ? res.explanation : "");
  } else if (!res.etag_functional) {
    violation(v, "IM-ETAG-FUNCTIONAL", "one ETag, two bodies:\n%s",
              res.etag_explanation ? res.etag_explanation : "");
  }
  ifm_lin_result_clear(&res);
  return 0;
}

/* ---- the sequential half: what the answer must be ------------------------ */

static void want_key(const ifm_fp_oracle *o, seq_want *w, const char *key) {
  w->perform = 0;
  w->key = key;
  w->set = ifm_fp_oracle_profile_set(o->prof, key);
}

/* The conditional forms: RFC 9110 13.2.1 / 13.2.2 through core's
 * ifm_precond_evaluate, on the state the read before showed (its ETag and
 * Last-Modified). */
static void cond_want(const ifm_fp_oracle *o, const ifm_fp_op *op, const ifm_exchange *bef,
                      const ifm_exchange *x, const ifm_etag *cur, seq_want *w) {
  const ifm_field *im[1] = {NULL}, *inm[1] = {NULL}, *ius[1] = {NULL};
  const ifm_field *lm = ifm_exchange_resp_header(bef, "Last-Modified");
  const ifm_field *date = ifm_exchange_resp_header(bef, "Date");
  time_t now;
  int has_im = ifm_fp_trace_fields(x, "If-Match", im, 1) > 0;
  int has_inm = ifm_fp_trace_fields(x, "If-None-Match", inm, 1) > 0;
  int has_ius = ifm_fp_trace_fields(x, "If-Unmodified-Since", ius, 1) > 0;
  ifm_list iml, inml;
  ifm_precond_req q;
  ifm_precond_rep rep;
  ifm_precond_result res;

  w->req = has_inm && has_im ? "IM-ORDER-CHECKS"
           : has_ius && has_im ? "IM-ORDER-CHECKS"
           : has_inm           ? "IM-PREC-INM"
           : has_ius           ? "IM-PREC-IUS"
                               : "IM-MATCH-OK";
  if (op->kind == IFM_FP_READ && !o->exists) {   /* 13.2.1: the unconditional 404 / 410 */
    want_key(o, w, "missing_resource");
    return;
  }
  if (op->kind != IFM_FP_READ && !has_im && !has_inm && !o->none_in_model) {
    w->req = "IM-MISSING-POLICY";
    want_key(o, w, "missing_if_match");
    return;
  }
  ifm_list_init(&iml);
  ifm_list_init(&inml);
  memset(&q, 0, sizeof q);
  memset(&rep, 0, sizeof rep);
  if (has_im) ifm_list_add_line(&iml, im[0]->value, im[0]->value_len, NULL);
  if (has_inm) ifm_list_add_line(&inml, inm[0]->value, inm[0]->value_len, NULL);
  q.is_get_or_head = op->kind == IFM_FP_READ;
  q.if_match = has_im ? &iml : NULL;
  q.if_none_match = has_inm ? &inml : NULL;
  /* "now" for the obsolete two-digit years (5.6.7) is the server's Date;
   * the oracle reads no clock */
  if (!date || ifm_http_date_parse_at(date->value, date->value_len, 0, &now) != 0) now = 0;
  q.has_if_unmodified_since =
      has_ius && ifm_http_date_parse_at(ius[0]->value, ius[0]->value_len, now, &q.if_unmodified_since) == 0;
  rep.exists = o->exists;
  rep.etag = o->exists ? cur : NULL;
  rep.has_last_modified =
      o->exists && lm && ifm_http_date_parse_at(lm->value, lm->value_len, now, &rep.last_modified) == 0;
  res = ifm_precond_evaluate(&q, &rep);
  ifm_list_clear(&iml);
  ifm_list_clear(&inml);
  if (res == IFM_PRECOND_PROCEED) w->perform = 1;
  else if (res == IFM_PRECOND_NOT_MODIFIED) w->perform = 0, w->code = 304;   /* 13.1.2 */
  else want_key(o, w, "mismatch");
}

/* The requirement a refused If-Match list most likely concerns: the relaxed
 * comparisons a flawed server might make, else what the list was. */
static const char *refused_req(ifm_fp_verdict *v, const ifm_list *l, const ifm_etag *cur,
                               const ifm_field *const *im, size_t n_im) {
  size_t i;
  int weak = 0, comma = 0, casey = 0;
  for (i = 0; cur && i < l->n; i++) {
    const ifm_etag *t = &l->tags[i];
    weak |= t->len == cur->len && memcmp(t->opaque, cur->opaque, cur->len) == 0 && (t->weak || cur->weak);
    casey |= t->len == cur->len && memcmp(t->opaque, cur->opaque, cur->len) != 0 &&
             strncasecmp(t->opaque, cur->opaque, cur->len) == 0;
    comma |= t->len > cur->len && memchr(t->opaque, ',', t->len) != NULL;
  }
  if (weak + casey + comma > 1) {
    snprintf(v->req_buf, sizeof v->req_buf, "%s%s%s", weak ? "IM-WEAK-NEVER " : "",
             casey ? "IM-CASE " : "", comma ? "IM-COMMA-IN-TAG " : "");
    v->req_buf[strlen(v->req_buf) - 1] = '\0';
    for (i = 0; v->req_buf[i]; i++)
      if (v->req_buf[i] == ' ') v->req_buf[i] = '/';
    return v->req_buf;
  }
  if (weak) return "IM-WEAK-NEVER";
  if (casey) return "IM-CASE";
  if (comma) return "IM-COMMA-IN-TAG";
  if (l->star) return "IM-ABSENT-PUT";
  if (n_im == 1 && im[0]->value_len == 0) return "IM-EMPTY-VALUE";
  if (l->n > 1) return "IM-LIST-ANY";
  return "IM-STALE-412";
}

/* If-Match lines and raw bytes: core's list grammar and 13.1.1. */
static void list_want(const ifm_fp_oracle *o, const ifm_exchange *x, const ifm_etag *cur, seq_want *w,
                      ifm_fp_verdict *v) {
  const ifm_field *im[IFM_FP_MAX_ELEMS];
  size_t n_im = ifm_fp_trace_fields(x, "If-Match", im, IFM_FP_MAX_ELEMS), k, n_first = 0, i;
  size_t match_at = (size_t)-1;
  int malformed = 0, pass;
  ifm_list l;
  if (n_im > IFM_FP_MAX_ELEMS) n_im = IFM_FP_MAX_ELEMS;
  ifm_list_init(&l);
  for (k = 0; k < n_im; k++) {
    if (ifm_list_add_line(&l, im[k]->value, im[k]->value_len, NULL) != 0) malformed = 1;
    if (k == 0) n_first = l.n;
  }
  if (malformed) {
    w->req = "IM-MALFORMED";
    want_key(o, w, "malformed");
    ifm_list_clear(&l);
    return;
  }
  if (l.star) pass = o->exists || o->star_creates;
  else pass = ifm_list_if_match(&l, o->exists, cur);
  for (i = 0; cur && o->exists && i < l.n && match_at == (size_t)-1; i++)
    if (ifm_etag_strong_eq(&l.tags[i], cur)) match_at = i;
  if (pass) {
    w->perform = 1;
    if (n_im > 1 && match_at != (size_t)-1 && match_at >= n_first) w->req = "IM-LIST-LINES";
    else if (match_at != (size_t)-1 && match_at > 0) w->req = "IM-LIST-ANY";
    else if (l.star) w->req = "IM-STAR-EXISTS";
    else w->req = "IM-MATCH-OK";
  } else {
    w->req = refused_req(v, &l, cur, im, n_im);
    want_key(o, w, l.star ? "star_on_missing" : l.n == 0 ? "empty_value" : "mismatch");
  }
  ifm_list_clear(&l);
}

static void want_text(const seq_want *w, int is_get, int exists, char *out, size_t n) {
  if (w->perform) snprintf(out, n, "%s", is_get ? "200" : exists ? "[200, 204]" : "201");
  else if (w->key) snprintf(out, n, "%s", w->set && w->set->text ? w->set->text : "(none)");
  else snprintf(out, n, "%d", w->code);
}

int ifm_fp_oracle_expect(ifm_fp_oracle *o, const ifm_fp_trace *t, size_t i, char *expect,
                         size_t expect_len, ifm_fp_verdict *v) {
  const ifm_fp_op *op = op_of(o, t, i);
  const ifm_exchange *bef, *x = &t->x[i];
  const char *etag;
  ifm_etag cur;
  int has_cur, st;
  if (expect_len) expect[0] = '\0';
  if (!op || op->in_model || v->violated) return 0;
  if (i == 0) return -1;   /* the runner always reads first */
  if (check_epoch(o, t, v) != 0) return -1;
  if (v->violated) return 0;
  bef = &t->x[i - 1];
  st = ifm_fp_trace_status(bef);
  if (st != 200 && st != 404) {
    violation(v, "IM-METHODS", "a read answered %d", st);
    return 0;
  }
  o->exists = st == 200;
  etag = resp_etag(bef);
  has_cur = *etag && ifm_etag_parse(etag, strlen(etag), &cur, NULL) == 0;
  memset(&o->want, 0, sizeof o->want);
  o->want.req = "IM-MATCH-OK";
  if (op->cond) {
    cond_want(o, op, bef, x, has_cur ? &cur : NULL, &o->want);
  } else if (op->pre == IFM_FP_PRE_NONE) {
    o->want.req = "IM-MISSING-POLICY";
    want_key(o, &o->want, "missing_if_match");
  } else {
    list_want(o, x, has_cur ? &cur : NULL, &o->want, v);
  }
  want_text(&o->want, op->kind == IFM_FP_READ, o->exists, o->want_text, sizeof o->want_text);
  if (expect_len) snprintf(expect, expect_len, "%s", o->want_text);
  return 0;
}

/* ---- the sequential half: what came back --------------------------------- */

/* A wrong answer to sequential op i, weighed against RFC 9110 13.2.1 with
 * the suite's rule (ifm_judge_unconditional) when the request carried
 * preconditions and the unconditional answer is known: ignoring them was
 * right (nothing to report), or the verdict stands. */
static void wrong_answer(ifm_fp_oracle *o, const ifm_fp_trace *t, size_t i, ifm_fp_verdict *v, const char *req,
                         ifm_buf *why) {
  const ifm_exchange *x = &t->x[i];
  int st = ifm_fp_trace_status(x), u = uncond_of(o, x, o->exists);
  ifm_case c;
  ifm_judgement j;
  memset(&c, 0, sizeof c);
  memset(&j, 0, sizeof j);
  c.level = IFM_MUST;
  if (ignored_by_13_2_1(st, u)) return;   /* the unconditional answer itself (a read-only 405) */
  /* a server error is not ignoring the preconditions: without them it answers u */
  if (st >= 500) u = 0;
  j.message = ifm_buf_detach(why);
  j.on_status = 1;
  if (!u || !ifm_plan_has_preconditions(x) || ifm_judge_unconditional(&c, st, u, &j) != IFM_SKIP)
    violation(v, req, "%s", j.message ? j.message : "");
  ifm_judgement_clear(&j);
}

static void judge_answer(ifm_fp_oracle *o, const ifm_fp_trace *t, size_t i, ifm_fp_verdict *v) {
  const seq_want *w = &o->want;
  const ifm_fp_op *op = op_of(o, t, i);
  const ifm_exchange *x = &t->x[i];
  int st = ifm_fp_trace_status(x), is_get = op->kind == IFM_FP_READ, opi = t->s[i].op;
  const char *want = o->want_text, *req = w->req;
  ifm_buf why = IFM_BUF_INIT;
  o->seq_unknown = 0;
  if (st == 0) {
    violation(v, w->req, "no response to op %d", opi);
    return;
  }
  if (!ifm_judge_is_outcome(x)) {   /* 408, 429, 503: turned away, may or may not have happened */
    o->seq_unknown = 1;
    return;
  }
  if (st >= 500) {
    ifm_buf_printf(&why, "op %d answered %d: a server error is never a precondition's answer (expected %s)",
                   opi, st, want);
  } else if (w->perform && is_get) {
    if (st != 200)
      ifm_buf_printf(&why, "op %d answered %d; the preconditions hold, so the read must answer 200", opi, st);
  } else if (w->perform) {
    int is_del = op->kind == IFM_FP_DELETE;
    /* RFC 9110 9.3.4: a PUT that creates answers 201, one that replaces 200 or
     * 204; 9.3.5: a DELETE 200, 202 or 204 */
    int good = is_del ? (st == 200 || st == 202 || st == 204) : o->exists ? (st == 200 || st == 204) : st == 201;
    if (good && !profile_accepts(o->prof, "write_ok", st))
      ifm_buf_printf(&why, "op %d answered %d; the profile's write_ok does not include it", opi, st);
    else if (st / 100 == 2 && !good) {
      req = "IM-METHODS";
      ifm_buf_printf(&why, "op %d answered %d; RFC 9110 %s", opi, st,
                     is_del ? "9.3.5: a DELETE that is performed answers 200, 202 or 204"
                     : o->exists ? "9.3.4: a PUT that replaces must answer 200 or 204"
                                 : "9.3.4: a PUT that creates must answer 201");
    } else if (!good)
      ifm_buf_printf(&why, "op %d answered %d; the precondition holds, so the write must succeed (%s)", opi, st,
                     want);
  } else if (w->key ? !ifm_status_spec_accepts(w->set, st) : st != w->code) {
    if (w->key)
      ifm_buf_printf(&why, "op %d answered %d; expected %s (profile %s: %s)%s", opi, st, want,
                     o->prof && o->prof->name ? o->prof->name : "?", w->key,
                     st / 100 == 2 ? " (and no change)" : "");
    else
      ifm_buf_printf(&why, "op %d answered %d; expected %s%s", opi, st, want, st / 100 == 2 ? " (and no change)" : "");
  }
  if (why.len) wrong_answer(o, t, i, v, req, &why);
  ifm_buf_clear(&why);
}

/* The read after sequential op si (record ai = si + 1): a refusal changed
 * nothing, a success shows its body and a new ETag. */
static void judge_after(ifm_fp_oracle *o, const ifm_fp_trace *t, size_t si, size_t ai, ifm_fp_verdict *v) {
  const ifm_exchange *bef = &t->x[si - 1], *rec = &t->x[si], *aft = &t->x[ai];
  const ifm_fp_op *op = op_of(o, t, si);
  int as = ifm_fp_trace_status(aft), bs = ifm_fp_trace_status(bef), rs = ifm_fp_trace_status(rec);
  int opi = t->s[si].op, is_get = op->kind == IFM_FP_READ;
  const char *req = o->want.req;
  if (o->seq_unknown) return;   /* the answer said nothing: either state may follow */
  if (as != 200 && as != 404) {
    violation(v, "IM-METHODS", "the read after op %d answered %d", opi, as);
  } else if (is_get || rs / 100 != 2) {
    if (as != bs || strcmp(resp_etag(aft), resp_etag(bef)) != 0 || aft->resp_body_hash != bef->resp_body_hash)
      violation(v, req, "op %d %s (%d) but the resource changed: before %d %s, after %d %s", opi,
                is_get ? "was a read" : "was refused", rs, bs, resp_etag(bef), as, resp_etag(aft));
  } else if (op->kind == IFM_FP_DELETE ? as != 404 : (as != 200 || aft->resp_body_hash != rec->req_body_hash)) {
    violation(v, req, "op %d succeeded (%d) but the read after shows %d", opi, rs, as);
  } else if (op->kind != IFM_FP_DELETE && bs == 200 && ifm_exchange_resp_header(aft, "ETag") &&
             strcmp(resp_etag(aft), resp_etag(bef)) == 0) {
    violation(v, "IM-ETAG-ROTATES", "op %d changed the body but the ETag stayed %s", opi, resp_etag(aft));
  }
}

int ifm_fp_oracle_feed(ifm_fp_oracle *o, const ifm_fp_trace *t, size_t i, ifm_fp_verdict *v) {
  const ifm_fp_op *op;
  int st;
  if (t->s[i].op == IFM_FP_SETUP) {   /* made the resource: unjudged */
    o->setup = 1;
    if (t->x[i].method && strcmp(t->x[i].method, "GET") == 0) {   /* a read: itself the state */
      o->setup = 0;
      o->init_rec = (long)i;
      o->epoch0 = o->n_lin;
    }
    return 0;
  }
  if (o->setup && t->s[i].op == -1) {   /* the read after it: the first epoch's initial state */
    o->setup = 0;
    o->init_rec = (long)i;
    o->epoch0 = o->n_lin;
    return 0;
  }
  op = op_of(o, t, i);
  if (op && !op->in_model) {   /* a sequential op: its answer */
    if (!v->violated) judge_answer(o, t, i, v);
    o->seq = (long)i;
    return 0;
  }
  if (!op && o->seq >= 0 && (size_t)o->seq + 1 == i) {   /* the read after it */
    if (!v->violated) judge_after(o, t, (size_t)o->seq, i, v);
    o->seq = -1;
    o->init_rec = (long)i;   /* the next epoch starts from what it showed */
    o->epoch0 = o->n_lin;
    return 0;
  }
  o->seq = -1;
  if (o->n_lin < IFM_FP_MAX_RECS) o->lin[o->n_lin++] = i;   /* the model's, or a read closing an epoch */
  if (!op) return 0;
  st = ifm_fp_trace_status(&t->x[i]);
  /* in a race, no answer (and 408, 429, 503) is unknown to the checker, not an
   * outcome (ifm_judge_is_outcome: a server may cap its connections) */
  if (st == 0 && !t->s[i].racing) violation(v, "IM-METHODS", "op %d: no response", t->s[i].op);
  else if (st >= 500 && ifm_judge_is_outcome(&t->x[i]))
    violation(v, "IM-METHODS", "op %d answered %d (a server error)", t->s[i].op, st);
  return 0;
}

int ifm_fp_oracle_end(ifm_fp_oracle *o, const ifm_fp_trace *t, ifm_fp_verdict *v) {
  return check_epoch(o, t, v);
}

ifm_fp_oracle *ifm_fp_oracle_new(const ifm_fp_prog *p, const ifm_profile *prof) {
  ifm_fp_oracle *o = calloc(1, sizeof *o);
  if (!o) return NULL;
  o->p = p;
  o->prof = prof;
  o->star_creates = ifm_fp_oracle_star_creates(prof);
  o->allow_409 = profile_accepts(prof, "mismatch", 409);
  o->none_in_model = ifm_fp_oracle_none_in_model(prof);
  o->init_rec = -1;
  o->seq = -1;
  return o;
}

void ifm_fp_oracle_free(ifm_fp_oracle *o) { free(o); }

void ifm_fp_oracle_set_uncond(ifm_fp_oracle *o, const ifm_fp_uncond *u) { o->uncond = *u; }

int ifm_fp_oracle_judge(const ifm_fp_prog *p, const ifm_profile *prof, const ifm_fp_trace *t,
                        ifm_fp_verdict *v) {
  ifm_fp_oracle *o = ifm_fp_oracle_new(p, prof);
  char expect[32];
  size_t i;
  int rc = 0;
  if (!o) return -1;
  for (i = 0; i < t->n && rc == 0 && !v->violated; i++) {
    rc = ifm_fp_oracle_expect(o, t, i, expect, sizeof expect, v);
    if (rc == 0 && !v->violated) rc = ifm_fp_oracle_feed(o, t, i, v);
  }
  if (rc == 0 && !v->violated) rc = ifm_fp_oracle_end(o, t, v);
  ifm_fp_oracle_free(o);
  return rc;
}
