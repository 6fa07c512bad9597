/* ifm_linear.c: the linearizability checker's entry points (ifm_linear.h):
 * partitioning by resource, the IM-ETAG-FUNCTIONAL check, the search
 * (ifm_linear_search.c, after Wing & Gong 1993 and Lowe 2017), and the
 * explanation of a failure.
 *
 * Per resource, cheapest first:
 *  1. static checks that name one op legal in no reachable state (a 500, a
 *     body nobody wrote, an ETag with another write's body), or three ops
 *     showing a value seen after it was surely overwritten (a stale read);
 *  2. the search with a modest budget (a few configurations per op is what
 *     a correct history needs);
 *  3. if that runs out: a contradictory window where it got stuck (a window
 *     that admits no order from any initial state refutes the history, see
 *     lin_piece), then the search with the full budget.
 * An explanation names a small set of ops that is contradictory on its own:
 * the window (or the prefix up to where the search got stuck), shrunk by
 * dropping chunks and single ops while the rest stays contradictory (delta
 * debugging, bounded by explain_ms).
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_buf.h"
#include "ifm_linear_int.h"

#define LIN_SUB_STATES ((size_t)1 << 17)   /* per search while explaining */

static const char *lin_method(int kind) {
  switch (kind) {
  case IFM_LIN_READ: return "GET";
  case IFM_LIN_WRITE: return "PUT";
  case IFM_LIN_PATCH: return "PATCH";
  default: return "DELETE";
  }
}

static void lin_put_bytes(ifm_buf *b, const char *p, size_t n) {
  size_t i;
  for (i = 0; i < n && i < 96; i++) {
    unsigned char c = (unsigned char)p[i];
    if (c >= 0x20 && c < 0x7f && c != '\\') ifm_buf_putc(b, (char)c);
    else ifm_buf_printf(b, "\\x%02x", c);
  }
  if (n > 96) ifm_buf_puts(b, "...");
}

static void lin_put_op(ifm_buf *b, const ifm_lin_op *op) {
  int pending = op->status == 0 || op->complete_ms < 0;
  ifm_buf_printf(b, "client %d %s", op->client, lin_method(op->kind));
  switch (op->pre) {
  case IFM_LIN_PRE_MATCH:
    ifm_buf_puts(b, " If-Match ");
    lin_put_bytes(b, op->tag ? op->tag : "", op->tag ? op->tag_len : 0);
    break;
  case IFM_LIN_PRE_FALSE:
    ifm_buf_puts(b, " If-Match ");
    lin_put_bytes(b, op->tag ? op->tag : "", op->tag ? op->tag_len : 0);
    ifm_buf_puts(b, " (weak: never matches)");
    break;
  case IFM_LIN_PRE_STAR: ifm_buf_puts(b, " If-Match *"); break;
  case IFM_LIN_PRE_NONE_MATCH_STAR: ifm_buf_puts(b, " If-None-Match *"); break;
  default: break;
  }
  if (op->kind == IFM_LIN_WRITE) ifm_buf_printf(b, " body 0x%016" PRIx64, op->body);
  if (pending) {
    ifm_buf_printf(b, " -> no response [%.3f, -] ms", op->invoke_ms);
    return;
  }
  ifm_buf_printf(b, " -> %d", op->status);
  if (op->etag && op->status >= 200 && op->status <= 299) {
    ifm_buf_puts(b, " ETag ");
    lin_put_bytes(b, op->etag, op->etag_len);
  }
  if (op->kind == IFM_LIN_READ && op->status >= 200 && op->status <= 299)
    ifm_buf_printf(b, " body 0x%016" PRIx64, op->resp_body);
  ifm_buf_printf(b, " [%.3f, %.3f] ms", op->invoke_ms, op->complete_ms);
}

char *ifm_lin_describe(const ifm_lin_op *op) {
  ifm_buf b = IFM_BUF_INIT;
  lin_put_op(&b, op);
  return ifm_buf_detach(&b);
}

static void lin_put_init(ifm_buf *b, const ifm_lin_init *in) {
  if (!in || !in->exists) {
    ifm_buf_puts(b, "the initial state (missing)");
    return;
  }
  ifm_buf_puts(b, "the initial state (exists, ETag ");
  if (in->etag) lin_put_bytes(b, in->etag, in->etag_len);
  else ifm_buf_puts(b, "unknown");
  ifm_buf_printf(b, ", body 0x%016" PRIx64 ")", in->body);
}

static void lin_prefix(ifm_buf *b, int resource) {
  if (resource >= 0) ifm_buf_printf(b, "resource %d: ", resource);
}

/* ---- IM-ETAG-FUNCTIONAL ------------------------------------------------ */

static int lin_functional(const ifm_lin_part *pt, int resource, ifm_lin_result *out) {
  int32_t *body = malloc((pt->n_tags + 1) * sizeof *body);
  size_t *who = malloc((pt->n_tags + 1) * sizeof *who);
  size_t i;
  if (!body || !who) {
    free(body);
    free(who);
    return -1;
  }
  for (i = 0; i < pt->n_tags; i++) body[i] = -1;
  if (pt->init.exists && pt->init.tag_kind == LIN_TAG_KNOWN) {
    body[pt->init.tag] = pt->init.body;
    who[pt->init.tag] = SIZE_MAX;
  }
  for (i = 0; i < pt->n; i++) {
    const ifm_lin_pop *o = &pt->p[i];
    ifm_buf b = IFM_BUF_INIT;
    size_t k;
    if (o->cls != LIN_R_OK || o->etag < 0 || o->body < 0) continue;
    if (o->kind != IFM_LIN_READ && o->kind != IFM_LIN_WRITE) continue;
    if (body[o->etag] < 0) {
      body[o->etag] = o->body;
      who[o->etag] = o->orig;
      continue;
    }
    if (body[o->etag] == o->body) continue;
    out->etag_functional = 0;
    out->etag_ops[0] = who[o->etag];
    out->etag_ops[1] = o->orig;
    lin_prefix(&b, resource);
    ifm_buf_puts(&b, "IM-ETAG-FUNCTIONAL: ETag ");
    lin_put_bytes(&b, pt->tag_p[o->etag], pt->tag_len[o->etag]);
    ifm_buf_puts(&b, " came with two different bodies:\n");
    for (k = 0; k < 2; k++) {
      size_t at = out->etag_ops[k];
      ifm_buf_puts(&b, "  ");
      if (at == SIZE_MAX) lin_put_init(&b, pt->cinit);
      else {
        ifm_buf_printf(&b, "op %zu: ", at);
        lin_put_op(&b, &pt->ops[at]);
      }
      ifm_buf_putc(&b, '\n');
    }
    out->etag_explanation = ifm_buf_detach(&b);
    break;
  }
  free(body);
  free(who);
  return 0;
}

/* ---- refutations and explanations ------------------------------------ */

/* A piece of the history that is contradictory on its own: the ops el[],
 * taken as unanswered where they straddle [from, to], from the real initial
 * state (use_init) or from any. If H has a linearization, the ops of a window
 * (those invoked in [from, to] plus those still running at `from`) have one
 * from the state before the first of them, once those straddling its edges
 * are made optional: what precedes them all completed before `from`, and an
 * op invoked after `to` can only come before ops completed after `to`. So a
 * contradictory window (or any subset of it) refutes H. */
typedef struct lin_piece {
  size_t *el, m;
  double from, to;
  int use_init;
} lin_piece;

static size_t lin_window(const ifm_lin_part *pt, double lo, double hi, size_t *el) {
  size_t i, m = 0;
  for (i = 0; i < pt->n; i++)
    if (pt->p[i].inv <= hi && (pt->p[i].inv >= lo || pt->p[i].comp > lo)) el[m++] = i;
  return m;
}

static int lin_first_ref_cmp(const void *a, const void *b) {
  const double *x = a, *y = b;
  return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : (x[1] > y[1]) - (x[1] < y[1]);
}

/* 1 when p[idx[0..m)] (window [from, to]) has no linearization from any
 * initial state (or, with use_init, from the real one); 0 when it has one or
 * that is not known within the limits. */
static int lin_contradictory(const ifm_lin_part *pt, const size_t *idx, size_t m, int use_init,
                             double from, double to, double deadline) {
  ifm_lin_limits lim;
  ifm_lin_found f;
  ifm_lin_state st;
  double *cand;       /* (first mention, tag id) pairs */
  size_t i, n_cand = 0;
  int bad = 1;
  lim.max_states = LIN_SUB_STATES;
  lim.deadline = deadline;
  lim.from = from;
  lim.to = to;
  if (use_init) {
    if (ifm_lin_search(pt, idx, m, &pt->init, &lim, 0, &f) != 0) return 0;
    return f.verdict == 0;
  }
  /* Initial states that matter: missing, a tag nobody mentions, or one of
   * the tags mentioned (the body is a wildcard, bound by the first GET).
   * The tags mentioned first are tried first: a consistent window exits on
   * the first initial state that works. */
  cand = malloc((2 * m + 1) * 2 * sizeof *cand);
  if (!cand) return 0;
  for (i = 0; i < m; i++) {
    const ifm_lin_pop *o = &pt->p[idx[i]];
    if (o->pre_tag >= 0) {
      cand[2 * n_cand] = o->inv;
      cand[2 * n_cand++ + 1] = o->pre_tag;
    }
    if (o->etag >= 0 && o->kind == IFM_LIN_READ) {
      cand[2 * n_cand] = o->inv;
      cand[2 * n_cand++ + 1] = o->etag;
    }
  }
  qsort(cand, n_cand, 2 * sizeof *cand, lin_first_ref_cmp);
  for (i = 0; i < n_cand + 2 && bad; i++) {
    memset(&st, 0, sizeof st);
    if (i < n_cand) {
      size_t k;
      for (k = 0; k < i; k++)   /* each tag once */
        if (cand[2 * k + 1] == cand[2 * i + 1]) break;
      if (k < i) continue;
      st.exists = 1;
      st.tag_kind = LIN_TAG_KNOWN;
      st.tag = (int32_t)cand[2 * i + 1];
      st.body_kind = LIN_BODY_WILD;
    } else if (i == n_cand) {
      st.exists = 1;
      st.tag_kind = LIN_TAG_FRESH;
      st.body_kind = LIN_BODY_WILD;
    }
    if (ifm_lin_search(pt, idx, m, &st, &lim, 0, &f) != 0 || f.verdict != 0) bad = 0;
  }
  free(cand);
  return bad;
}

/* Widens [lo, hi] until its window is contradictory from any initial state;
 * 1 with *pc filled, or 0. */
static int lin_refute(const ifm_lin_part *pt, double lo, double hi, double deadline,
                      lin_piece *pc) {
  double span = hi - lo > 1.0 ? hi - lo : 1.0, last = pt->n ? pt->p[0].inv : 0;
  size_t i;
  int step;
  if (!pt->n) return 0;
  for (i = 0; i < pt->n; i++)
    if (pt->p[i].comp < HUGE_VAL && pt->p[i].comp > last) last = pt->p[i].comp;
  for (step = 0; step < 16; step++) {
    pc->m = lin_window(pt, lo, hi, pc->el);
    if (pc->m && lin_contradictory(pt, pc->el, pc->m, 0, lo, hi, deadline)) {
      pc->from = lo;
      pc->to = hi;
      pc->use_init = 0;
      return 1;
    }
    if ((lo < pt->p[0].inv && hi >= last) || ifm_lin_now_ms() > deadline) break;
    lo -= 2 * span;
    hi += 2 * span;
    span *= 5;
  }
  return 0;
}

/* Delta debugging: drops chunks of ops while the rest stays contradictory. */
static void lin_shrink(const ifm_lin_part *pt, lin_piece *pc, double deadline) {
  size_t chunk = pc->m / 2 ? pc->m / 2 : 1, *t = malloc((pc->m + 1) * sizeof *t);
  if (!t) return;
  for (;;) {
    size_t end = pc->m;   /* from the end: later ops go first, the causes stay */
    while (end > 0 && pc->m > 1) {
      size_t n = 0, k, beg = end > chunk ? end - chunk : 0;
      if (ifm_lin_now_ms() > deadline) goto out;
      for (k = 0; k < pc->m; k++)
        if (k < beg || k >= end) t[n++] = pc->el[k];
      if (n && lin_contradictory(pt, t, n, pc->use_init, pc->from, pc->to, deadline)) {
        memcpy(pc->el, t, n * sizeof *t);
        pc->m = n;
      }
      end = beg;
    }
    if (chunk == 1) break;
    chunk /= 2;
  }
out:
  free(t);
}

static int lin_same_tag_winners(const ifm_lin_part *pt, const lin_piece *pc) {
  const ifm_lin_pop *a, *b;
  if (pc->m != 2) return 0;
  a = &pt->p[pc->el[0]];
  b = &pt->p[pc->el[1]];
  return a->kind != IFM_LIN_READ && b->kind != IFM_LIN_READ && a->pre_tag >= 0 &&
         a->pre_tag == b->pre_tag && a->cls == LIN_R_OK && b->cls == LIN_R_OK &&
         a->comp <= pc->to && b->comp <= pc->to;
}

/* The explanation of a "no". pc: a contradictory piece already found (by
 * lin_refute), or NULL to find one near [lo, hi], where the search got stuck. */
static char *lin_explain(const ifm_lin_part *pt, lin_piece *pc, double lo, double hi,
                         double budget_ms, int resource, size_t **culprits, size_t *n_culprits) {
  double deadline = ifm_lin_now_ms() + (budget_ms > 0 ? budget_ms : 0);
  lin_piece own;
  size_t i;
  ifm_buf b = IFM_BUF_INIT;
  char *text;
  own.el = malloc((pt->n + 1) * sizeof *own.el);
  if (!own.el) return NULL;
  own.m = 0;
  if (pc) {
    memcpy(own.el, pc->el, pc->m * sizeof *own.el);
    own.m = pc->m;
    own.from = pc->from;
    own.to = pc->to;
    own.use_init = pc->use_init;
  } else if (budget_ms < 0 || !lin_refute(pt, lo, hi, deadline, &own)) {
    /* the prefix up to the stuck point, from the real initial state (a
     * refutation too: the window [-inf, hi]); else everything */
    own.use_init = 1;
    own.from = -HUGE_VAL;
    own.to = hi;
    own.m = lin_window(pt, -HUGE_VAL, hi, own.el);
    if (budget_ms < 0 || !own.m || !lin_contradictory(pt, own.el, own.m, 1, own.from, own.to,
                                                       deadline)) {
      own.to = HUGE_VAL;
      own.m = lin_window(pt, -HUGE_VAL, HUGE_VAL, own.el);
    }
  }
  if (budget_ms >= 0) {
    lin_shrink(pt, &own, deadline);
    if (own.use_init && ifm_lin_now_ms() < deadline &&
        lin_contradictory(pt, own.el, own.m, 0, own.from, own.to, deadline))
      own.use_init = 0;
  }

  lin_prefix(&b, resource);
  if (lin_same_tag_winners(pt, &own)) {
    ifm_buf_printf(&b, "not linearizable: ops %zu and %zu both succeeded against the same ETag ",
                   pt->p[own.el[0]].orig, pt->p[own.el[1]].orig);
    lin_put_bytes(&b, pt->tag_p[pt->p[own.el[0]].pre_tag], pt->tag_len[pt->p[own.el[0]].pre_tag]);
    ifm_buf_puts(&b, "; no order allows both:\n");
  } else if (budget_ms < 0 && own.m > 12) {
    ifm_buf_printf(&b, "not linearizable (explanation not shrunk; %zu ops up to %.3f ms, the first "
                   "12 listed):\n", own.m, own.to);
    own.m = 12;
  } else {
    ifm_buf_printf(&b, "not linearizable: no order of these %zu ops is consistent with the "
                   "model %s:\n", own.m, own.use_init ? "from" : "whatever the initial state");
    if (own.use_init) {
      ifm_buf_puts(&b, "  ");
      lin_put_init(&b, pt->cinit);
      ifm_buf_putc(&b, '\n');
    }
  }
  *culprits = malloc((own.m + 1) * sizeof **culprits);
  *n_culprits = 0;
  for (i = 0; i < own.m; i++) {
    const ifm_lin_pop *o = &pt->p[own.el[i]];
    if (*culprits) (*culprits)[(*n_culprits)++] = o->orig;
    ifm_buf_printf(&b, "  op %zu: ", o->orig);
    lin_put_op(&b, &pt->ops[o->orig]);
    if (o->cls != LIN_R_PENDING && (o->inv < own.from || o->comp > own.to))
      ifm_buf_puts(&b, " (response not used: it straddles the others)");
    ifm_buf_putc(&b, '\n');
  }
  free(own.el);
  text = ifm_buf_detach(&b);
  return text;
}

/* ---- entry points ------------------------------------------------------ */

static int lin_append(size_t **v, size_t *n, const size_t *src, size_t k) {
  size_t *p;
  if (!k) return 0;
  p = realloc(*v, (*n + k) * sizeof *p);
  if (!p) return -1;
  memcpy(p + *n, src, k * sizeof *p);
  *v = p;
  *n += k;
  return 0;
}

static int lin_report_overwritten(const ifm_lin_part *pt, const size_t f3[3], int is_body,
                                  int resource, ifm_lin_result *out) {
  const ifm_lin_pop *x = &pt->p[f3[0]];
  ifm_buf b = IFM_BUF_INIT;
  size_t k;
  lin_prefix(&b, resource);
  ifm_buf_printf(&b, "not linearizable: op %zu %s ", x->orig,
                 x->kind == IFM_LIN_READ ? "saw" : "succeeded with If-Match");
  if (is_body) ifm_buf_printf(&b, "body 0x%016" PRIx64, pt->body_v[x->body]);
  else {
    int32_t t = x->kind == IFM_LIN_READ ? x->etag : x->pre_tag;
    ifm_buf_puts(&b, "ETag ");
    lin_put_bytes(&b, pt->tag_p[t], pt->tag_len[t]);
  }
  if (f3[2] == SIZE_MAX)
    ifm_buf_printf(&b, " before op %zu, the only one that produced it, was sent:\n",
                   pt->p[f3[1]].orig);
  else if (f3[1] == SIZE_MAX)
    ifm_buf_printf(&b, " of the initial state, but op %zu replaced that state before op %zu "
                   "was sent:\n", pt->p[f3[2]].orig, x->orig);
  else
    ifm_buf_printf(&b, ", which only op %zu produced, but op %zu, sent after op %zu completed, "
                   "replaced it before op %zu was sent:\n", pt->p[f3[1]].orig,
                   pt->p[f3[2]].orig, pt->p[f3[1]].orig, x->orig);
  out->culprits = malloc(3 * sizeof *out->culprits);
  out->n_culprits = 0;
  for (k = 0; k < 3; k++) {
    size_t at = k == 0 ? f3[1] : k == 1 ? f3[2] : f3[0];
    if (at == SIZE_MAX) continue;
    if (out->culprits) out->culprits[out->n_culprits++] = pt->p[at].orig;
    ifm_buf_printf(&b, "  op %zu: ", pt->p[at].orig);
    lin_put_op(&b, &pt->ops[pt->p[at].orig]);
    ifm_buf_putc(&b, '\n');
  }
  if (f3[1] == SIZE_MAX) {
    ifm_buf_puts(&b, "  ");
    lin_put_init(&b, pt->cinit);
    ifm_buf_putc(&b, '\n');
  }
  out->linearizable = 0;
  out->resource = resource;
  free(out->explanation);
  out->explanation = ifm_buf_detach(&b);
  return 0;
}

/* One resource. Returns -1 on ENOMEM. */
static int lin_check_part(const ifm_lin_init *init, const ifm_lin_op *ops, const size_t *sel,
                          size_t n_sel, int resource, const ifm_lin_opts *o,
                          const ifm_lin_limits *lim, ifm_lin_result *out) {
  ifm_lin_part pt;
  ifm_lin_ctx ctx;
  ifm_lin_found fd;
  ifm_lin_limits sub;
  lin_piece pc;
  size_t *idx = NULL, i, at = 0;
  const char *why = NULL;
  int rc = -1, imp, refuted = 0;
  pc.el = NULL;
  if (ifm_lin_part_build(&pt, init, ops, sel, n_sel, o) != 0) return -1;
  if (ifm_lin_ctx_init(&ctx, &pt) != 0) goto out;
  idx = malloc((pt.n + 1) * sizeof *idx);
  if (!idx) goto out;
  for (i = 0; i < pt.n; i++) idx[i] = i;
  if (out->etag_functional && lin_functional(&pt, resource, out) != 0) goto out;

  ifm_lin_ctx_fix(&ctx, pt.p, pt.n, &pt.init);
  imp = ifm_lin_impossible(&ctx, idx, pt.n, &pt.init, &at, &why);
  if (imp < 0) goto out;
  if (imp) {
    ifm_buf b = IFM_BUF_INIT;
    const ifm_lin_op *op = &ops[pt.p[at].orig];
    lin_prefix(&b, resource);
    ifm_buf_printf(&b, "not linearizable: op %zu (", pt.p[at].orig);
    lin_put_op(&b, op);
    ifm_buf_printf(&b, ") is legal in no reachable state: %s", why);
    if (pt.p[at].cls == LIN_R_BAD)
      ifm_buf_printf(&b, " (status %d)", op->status);
    ifm_buf_putc(&b, '\n');
    out->linearizable = 0;
    out->resource = resource;
    free(out->explanation);
    out->explanation = ifm_buf_detach(&b);
    out->culprits = malloc(sizeof *out->culprits);
    if (out->culprits) {
      out->culprits[0] = pt.p[at].orig;
      out->n_culprits = 1;
    }
    rc = 0;
    goto out;
  }

  /* A value seen after it was certainly overwritten (a stale read), or
   * before it was written: a three-op explanation in O(n log n). */
  {
    size_t f3[3];
    int is_body = 0, ow = ifm_lin_overwritten(&pt, f3, &is_body);
    if (ow < 0) goto out;
    if (ow) {
      rc = lin_report_overwritten(&pt, f3, is_body, resource, out);
      goto out;
    }
  }

  /* A first search with a modest budget; if it runs out, look for a
   * contradictory window where it got stuck (cheap, and the usual case of a
   * failing history whose earlier part has many orders), then search again
   * with the full budget. */
  sub = *lim;
  if (sub.max_states > 4 * pt.n + 65536) sub.max_states = 4 * pt.n + 65536;
  if (ifm_lin_search(&pt, idx, pt.n, &pt.init, &sub, 1, &fd) != 0) goto out;
  out->states += fd.states;
  if (fd.verdict == -1 && sub.max_states < lim->max_states) {
    pc.el = malloc((pt.n + 1) * sizeof *pc.el);
    if (!pc.el) goto out;
    if (lin_refute(&pt, fd.t_lo, fd.t_hi, lim->deadline > 0 ? lim->deadline : HUGE_VAL, &pc)) {
      refuted = 1;
      fd.verdict = 0;
    } else {
      if (ifm_lin_search(&pt, idx, pt.n, &pt.init, lim, 1, &fd) != 0) goto out;
      out->states += fd.states;
    }
  }
  if (fd.verdict == 1) {
    for (i = 0; i < fd.n_order; i++) fd.order[i] = pt.p[fd.order[i]].orig;
    rc = lin_append(&out->witness, &out->n_witness, fd.order, fd.n_order);
    free(fd.order);
    goto out;
  }
  out->resource = resource;
  if (fd.verdict == 0) {
    out->linearizable = 0;
    free(out->explanation);
    out->explanation = lin_explain(&pt, refuted ? &pc : NULL, fd.t_lo, fd.t_hi, o->explain_ms,
                                   resource, &out->culprits, &out->n_culprits);
    rc = out->explanation ? 0 : -1;
  } else {
    ifm_buf b = IFM_BUF_INIT;
    out->linearizable = -1;
    lin_prefix(&b, resource);
    ifm_buf_printf(&b, "gave up: the search hit its limits (%zu configurations memoised; "
                   "max_states %zu, time limit %.0f ms); the deepest attempt stopped "
                   "between %.3f and %.3f ms\n", fd.states, lim->max_states, o->max_ms,
                   fd.t_lo, fd.t_hi);
    out->explanation = ifm_buf_detach(&b);
    rc = 0;
  }
out:
  free(pc.el);
  free(idx);
  ifm_lin_ctx_clear(&ctx);
  ifm_lin_part_clear(&pt);
  return rc;
}

static int lin_check(const ifm_lin_init *inits, size_t n_res, int by_resource,
                     const ifm_lin_op *ops, size_t n, const ifm_lin_opts *opts,
                     ifm_lin_result *out) {
  ifm_lin_opts o;
  ifm_lin_limits lim;
  size_t *start = NULL, *sel = NULL, i, r;
  double t0 = ifm_lin_now_ms();
  int rc = -1, gave_up = 0;
  memset(out, 0, sizeof *out);
  out->linearizable = -1;
  out->resource = -1;
  out->etag_functional = 1;
  out->etag_ops[0] = out->etag_ops[1] = SIZE_MAX;
  if ((!ops && n) || !n_res) return -1;
  memset(&o, 0, sizeof o);
  if (opts) o = *opts;
  if (!o.max_states) o.max_states = (size_t)1 << 22;
  if (o.max_ms == 0) o.max_ms = 10000;
  if (o.explain_ms == 0) o.explain_ms = 500;
  lim.max_states = o.max_states;
  lim.deadline = o.max_ms > 0 ? t0 + o.max_ms : 0;
  lim.from = -HUGE_VAL;
  lim.to = HUGE_VAL;

  start = calloc(n_res + 1, sizeof *start);
  sel = malloc((n + 1) * sizeof *sel);
  if (!start || !sel) goto out;
  for (i = 0; i < n; i++) {      /* counting sort by resource */
    int res = by_resource ? ops[i].resource : 0;
    if (res < 0 || (size_t)res >= n_res) goto out;
    start[res + 1]++;
  }
  for (r = 0; r < n_res; r++) start[r + 1] += start[r];
  {
    size_t *fill = calloc(n_res, sizeof *fill);
    if (!fill) goto out;
    for (i = 0; i < n; i++) {
      size_t res = by_resource ? (size_t)ops[i].resource : 0;
      sel[start[res] + fill[res]++] = i;
    }
    free(fill);
  }
  out->linearizable = 1;
  for (r = 0; r < n_res; r++) {
    int was = out->linearizable;
    if (lin_check_part(&inits[r], ops, sel + start[r], start[r + 1] - start[r],
                       by_resource ? (int)r : -1, &o, &lim, out) != 0) {
      out->linearizable = -1;
      goto out;
    }
    if (out->linearizable == 0) break;
    if (out->linearizable == -1 && was == 1) gave_up = 1;
  }
  if (out->linearizable != 1 || gave_up) {
    free(out->witness);
    out->witness = NULL;
    out->n_witness = 0;
  }
  rc = 0;
out:
  out->ms = ifm_lin_now_ms() - t0;
  free(start);
  free(sel);
  return rc;
}

int ifm_lin_check(const ifm_lin_init *init, const ifm_lin_op *ops, size_t n,
                  const ifm_lin_opts *opts, ifm_lin_result *out) {
  ifm_lin_init missing;
  if (!init) {
    memset(&missing, 0, sizeof missing);
    init = &missing;
  }
  return lin_check(init, 1, 0, ops, n, opts, out);
}

int ifm_lin_check_resources(const ifm_lin_init *inits, size_t n_res,
                            const ifm_lin_op *ops, size_t n,
                            const ifm_lin_opts *opts, ifm_lin_result *out) {
  if (!inits) return -1;
  return lin_check(inits, n_res, 1, ops, n, opts, out);
}

void ifm_lin_result_clear(ifm_lin_result *r) {
  if (!r) return;
  free(r->explanation);
  free(r->witness);
  free(r->culprits);
  free(r->etag_explanation);
  memset(r, 0, sizeof *r);
  r->resource = -1;
  r->etag_ops[0] = r->etag_ops[1] = SIZE_MAX;
}
