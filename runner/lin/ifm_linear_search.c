/* ifm_linear_search.c: the linearizability search of Wing & Gong (1993) with
 * the memoisation of Lowe (2017), over one partition (one resource).
 *
 * The history is a time-ordered list of call and return events. In a given
 * configuration the ops that may be linearized next are those whose call
 * precedes the first remaining return event (nothing that returned before
 * they were called is left). The search linearizes one of them, checking it
 * against the model, removes its events from the list, and goes on; when the
 * first return event is reached with nothing legal left, it backtracks. A
 * configuration is the set of linearized ops plus the model state; each is
 * explored at most once (a hash set, keyed by an incrementally maintained
 * Zobrist hash of the set and the state, compared exactly: the set is stored
 * run-length encoded, which is short because it is a prefix of the history
 * plus a ragged edge about as wide as the concurrency).
 *
 * Reductions that keep it near-linear on the histories the suite produces
 * (bench/README.md, "Checker"):
 *  - An observer (an op that never changes a state it is legal in: a GET that
 *    binds nothing, a 412/409, a 404) that is legal now is linearized now and
 *    no alternative is tried: in any linearization of the rest it can be moved
 *    to the front (nothing must precede it, and it changes nothing). So the
 *    losers of a race and any number of concurrent readers of one version
 *    cost a single path, not 2^n subsets.
 *  - Dead ends: a candidate that is illegal now and needs a tag, body or
 *    existence that no unlinearized op can produce any more ends the branch.
 *  - An op without response is tried only when applying it now makes a
 *    blocked candidate legal or lets a GET bind ("just in time", see
 *    lin_push for why that loses no linearization).
 *  - Changers are tried in an order that usually finds a linearization at once:
 *    GETs that bind a fresh tag, then writes nobody observes, then observed
 *    writes by the deadline of their first observer, then ops without response.
 * The worst case stays exponential in the number of mutually concurrent
 * successful writes when the history fails after them (a storm of If-Match: *
 * PUTs); max_states and the deadline bound it ("gave up"), and ifm_linear.c
 * first looks for a small contradictory window, which usually settles it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ifm_buf.h"
#include "ifm_linear_int.h"

#define LIN_RLE_MAX ((size_t)32 << 20)   /* 128 MiB of run-length encoded sets */

double ifm_lin_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

typedef struct lin_cand {
  int cls;
  double key;
  uint32_t op;
} lin_cand;

typedef struct lin_frame {
  size_t cand_off;
  uint32_t n_cand, next;
  int32_t via;                /* local op linearized to reach this configuration */
  ifm_lin_state st;           /* the state in this configuration */
} lin_frame;

typedef struct lin_ent {
  uint64_t h;                 /* 0: empty */
  size_t rle_off;
  uint32_t rle_len;
  ifm_lin_state st;
} lin_ent;

typedef struct lin_search {
  const ifm_lin_part *pt;
  ifm_lin_ctx ctx;
  size_t m;
  ifm_lin_pop *op;            /* local op -> a copy of the prepared op (maybe made pending) */
  size_t *pidx;               /* local op -> partition index */
  /* events: a doubly linked list, sentinel head = n_ev */
  size_t n_ev;
  int32_t *ev_op, *prev, *next;
  uint8_t *ev_ret;
  double *ev_t;
  int32_t *call_ev, *ret_ev;
  /* linearized set */
  uint64_t *bits, *zob, zh;
  size_t n_words;
  uint8_t *observed;
  double *obs_key;
  size_t n_completed, n_done;
  /* frames */
  lin_frame *fr;
  size_t n_fr, cap_fr;
  uint32_t *cands;
  size_t n_cands, cap_cands;
  lin_cand *tmp;
  size_t cap_tmp;
  /* memo */
  lin_ent *tab;
  size_t cap_tab, n_tab, max_states;
  uint32_t *rle, *scratch;
  uint32_t *blocked;          /* candidates illegal in the current state */
  size_t n_blocked;
  size_t n_rle, cap_rle;
  size_t best_depth;
  double t_lo, t_hi;
} lin_search;

static uint64_t lin_mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

static uint64_t lin_state_hash(const ifm_lin_state *s) {
  uint64_t a = (uint64_t)(uint32_t)s->tag << 32 | (uint32_t)s->body;
  uint64_t b = (uint64_t)s->exists | (uint64_t)s->tag_kind << 8 | (uint64_t)s->body_kind << 16;
  return lin_mix64(a ^ lin_mix64(b));
}

static int lin_state_eq(const ifm_lin_state *a, const ifm_lin_state *b) {
  return a->exists == b->exists && a->tag_kind == b->tag_kind && a->body_kind == b->body_kind &&
         a->tag == b->tag && a->body == b->body;
}

static int lin_ev_cmp(const void *a, const void *b) {
  const double *x = a, *y = b;   /* (time, is_return, local op) triples */
  if (x[0] != y[0]) return x[0] < y[0] ? -1 : 1;
  if (x[1] != y[1]) return x[1] < y[1] ? -1 : 1;
  return x[2] < y[2] ? -1 : x[2] > y[2];
}

static void lin_search_free(lin_search *s) {
  ifm_lin_ctx_clear(&s->ctx);
  free(s->op);
  free(s->pidx);
  free(s->ev_op);
  free(s->prev);
  free(s->next);
  free(s->ev_ret);
  free(s->ev_t);
  free(s->call_ev);
  free(s->ret_ev);
  free(s->bits);
  free(s->zob);
  free(s->observed);
  free(s->obs_key);
  free(s->fr);
  free(s->cands);
  free(s->tmp);
  free(s->tab);
  free(s->rle);
  free(s->scratch);
  free(s->blocked);
}

/* Which changers' results someone looks at, and how soon. */
static int lin_search_observers(lin_search *s) {
  const ifm_lin_part *pt = s->pt;
  double *tmin = malloc((pt->n_tags + 1) * sizeof *tmin);
  double *bmin = malloc((pt->n_bodies + 1) * sizeof *bmin);
  uint8_t *tref = calloc(pt->n_tags + 1, 1), *bref = calloc(pt->n_bodies + 1, 1);
  size_t i;
  int rc = -1;
  if (!tmin || !bmin || !tref || !bref) goto out;
  for (i = 0; i < pt->n_tags; i++) tmin[i] = HUGE_VAL;
  for (i = 0; i < pt->n_bodies; i++) bmin[i] = HUGE_VAL;
  for (i = 0; i < s->m; i++) {
    const ifm_lin_pop *o = &s->op[i];
    if (o->kind == IFM_LIN_READ && o->cls == LIN_R_OK) {
      if (o->etag >= 0) {
        tref[o->etag] = 1;
        if (o->comp < tmin[o->etag]) tmin[o->etag] = o->comp;
      }
      bref[o->body] = 1;
      if (o->comp < bmin[o->body]) bmin[o->body] = o->comp;
    }
    if (o->pre_tag >= 0 && o->cls != LIN_R_FAIL) {
      tref[o->pre_tag] = 1;
      if (o->comp < tmin[o->pre_tag]) tmin[o->pre_tag] = o->comp;
    }
  }
  for (i = 0; i < s->m; i++) {
    const ifm_lin_pop *o = &s->op[i];
    double k = HUGE_VAL;
    int seen = 0;
    if (o->kind == IFM_LIN_DELETE) {
      seen = 1;
      k = o->comp;
    }
    if (o->etag >= 0 && tref[o->etag]) {
      seen = 1;
      if (tmin[o->etag] < k) k = tmin[o->etag];
    }
    if (o->kind == IFM_LIN_WRITE && bref[o->body]) {
      seen = 1;
      if (bmin[o->body] < k) k = bmin[o->body];
    }
    s->observed[i] = (uint8_t)seen;
    s->obs_key[i] = k;
  }
  rc = 0;
out:
  free(tmin);
  free(bmin);
  free(tref);
  free(bref);
  return rc;
}

static int lin_search_init(lin_search *s, const ifm_lin_part *pt, const size_t *idx, size_t m_in,
                           const ifm_lin_state *init, const ifm_lin_limits *lim) {
  size_t i, m = 0, e = 0;
  double *evs = NULL;
  memset(s, 0, sizeof *s);
  s->pt = pt;
  s->max_states = lim->max_states;
  s->t_lo = s->t_hi = 0;
  if (ifm_lin_ctx_init(&s->ctx, pt) != 0) return -1;
  s->op = malloc((m_in + 1) * sizeof *s->op);
  s->pidx = malloc((m_in + 1) * sizeof *s->pidx);
  if (!s->op || !s->pidx) return -1;
  for (i = 0; i < m_in; i++) {
    ifm_lin_pop o = pt->p[idx[i]];
    /* a window's edges: what straddles them is taken as unanswered */
    if (o.cls != LIN_R_PENDING && (o.inv < lim->from || o.comp > lim->to)) {
      o.cls = LIN_R_PENDING;
      o.comp = HUGE_VAL;
      o.etag = -1;
      if (o.kind == IFM_LIN_READ) o.body = -1;
    }
    if (o.kind == IFM_LIN_READ && o.cls == LIN_R_PENDING) continue;   /* constrains nothing */
    s->op[m] = o;
    s->pidx[m++] = idx[i];
  }
  s->m = m;
  ifm_lin_ctx_fix(&s->ctx, s->op, m, init);
  s->n_words = (m + 63) / 64 + 1;
  s->ev_op = malloc((2 * m + 1) * sizeof *s->ev_op);
  s->prev = malloc((2 * m + 1) * sizeof *s->prev);
  s->next = malloc((2 * m + 1) * sizeof *s->next);
  s->ev_ret = malloc(2 * m + 1);
  s->ev_t = malloc((2 * m + 1) * sizeof *s->ev_t);
  s->call_ev = malloc((m + 1) * sizeof *s->call_ev);
  s->ret_ev = malloc((m + 1) * sizeof *s->ret_ev);
  s->bits = calloc(s->n_words, sizeof *s->bits);
  s->zob = malloc((m + 1) * sizeof *s->zob);
  s->observed = malloc(m + 1);
  s->obs_key = malloc((m + 1) * sizeof *s->obs_key);
  s->scratch = malloc((m + 2) * sizeof *s->scratch);
  s->blocked = malloc((m + 1) * sizeof *s->blocked);
  evs = malloc((2 * m + 1) * 3 * sizeof *evs);
  if (!s->ev_op || !s->prev || !s->next || !s->ev_ret || !s->ev_t || !s->call_ev || !s->ret_ev ||
      !s->bits || !s->zob || !s->observed || !s->obs_key || !s->scratch || !s->blocked || !evs) {
    free(evs);
    return -1;
  }
  for (i = 0; i < m; i++) {
    const ifm_lin_pop *o = &s->op[i];
    s->zob[i] = lin_mix64((uint64_t)i * 0x2545f4914f6cdd1dULL + 0x1234567ULL);
    evs[3 * e] = o->inv;
    evs[3 * e + 1] = 0;
    evs[3 * e + 2] = (double)i;
    e++;
    s->ret_ev[i] = -1;
    if (o->cls != LIN_R_PENDING) {
      evs[3 * e] = o->comp;
      evs[3 * e + 1] = 1;
      evs[3 * e + 2] = (double)i;
      e++;
      s->n_completed++;
    }
  }
  qsort(evs, e, 3 * sizeof *evs, lin_ev_cmp);
  s->n_ev = e;
  for (i = 0; i < e; i++) {
    size_t op = (size_t)evs[3 * i + 2];
    s->ev_op[i] = (int32_t)op;
    s->ev_ret[i] = (uint8_t)(evs[3 * i + 1] != 0);
    s->ev_t[i] = evs[3 * i];
    if (s->ev_ret[i]) s->ret_ev[op] = (int32_t)i;
    else s->call_ev[op] = (int32_t)i;
    s->prev[i] = i ? (int32_t)(i - 1) : (int32_t)e;
    s->next[i] = (int32_t)(i + 1);
  }
  s->next[e] = e ? 0 : (int32_t)e;   /* the sentinel */
  s->prev[e] = e ? (int32_t)(e - 1) : (int32_t)e;
  free(evs);
  return lin_search_observers(s);
}

static void lin_unlink(lin_search *s, int32_t e) {
  s->next[s->prev[e]] = s->next[e];
  s->prev[s->next[e]] = s->prev[e];
}

static void lin_relink(lin_search *s, int32_t e) {
  s->next[s->prev[e]] = e;
  s->prev[s->next[e]] = e;
}

static void lin_toggle(lin_search *s, uint32_t op) {
  s->bits[op / 64] ^= (uint64_t)1 << (op % 64);
  s->zh ^= s->zob[op];
}

static void lin_apply(lin_search *s, uint32_t op) {
  lin_unlink(s, s->call_ev[op]);
  if (s->ret_ev[op] >= 0) {
    lin_unlink(s, s->ret_ev[op]);
    s->n_done++;
  }
  ifm_lin_account(&s->ctx, &s->op[op], +1);
}

static void lin_undo(lin_search *s, uint32_t op) {
  if (s->ret_ev[op] >= 0) {
    lin_relink(s, s->ret_ev[op]);
    s->n_done--;
  }
  lin_relink(s, s->call_ev[op]);
  ifm_lin_account(&s->ctx, &s->op[op], -1);
  lin_toggle(s, op);
}

static size_t lin_rle(lin_search *s) {
  size_t w, n = 0;
  uint64_t carry = 0;
  for (w = 0; w < s->n_words; w++) {
    uint64_t x = s->bits[w], t = x ^ ((x << 1) | carry);
    carry = x >> 63;
    while (t) {
      s->scratch[n++] = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(t));
      t &= t - 1;
    }
  }
  return n;
}

static int lin_tab_grow(lin_search *s) {
  size_t cap = s->cap_tab ? s->cap_tab * 2 : 1024, i;
  lin_ent *t = calloc(cap, sizeof *t);
  if (!t) return -1;
  for (i = 0; i < s->cap_tab; i++) {
    size_t j;
    if (!s->tab[i].h) continue;
    j = (size_t)s->tab[i].h & (cap - 1);
    while (t[j].h) j = (j + 1) & (cap - 1);
    t[j] = s->tab[i];
  }
  free(s->tab);
  s->tab = t;
  s->cap_tab = cap;
  return 0;
}

/* 1: inserted (new configuration); 0: seen before; -1: limits; -2: ENOMEM. */
static int lin_memo_insert(lin_search *s, const ifm_lin_state *st) {
  uint64_t h = s->zh ^ lin_state_hash(st);
  size_t i, n = 0;
  int have_rle = 0;
  lin_ent *e;
  if (!h) h = 1;
  if (s->n_tab >= s->max_states) return -1;
  if (2 * (s->n_tab + 1) > s->cap_tab && lin_tab_grow(s) != 0) return -2;
  for (i = (size_t)h & (s->cap_tab - 1); s->tab[i].h; i = (i + 1) & (s->cap_tab - 1)) {
    e = &s->tab[i];
    if (e->h != h || !lin_state_eq(&e->st, st)) continue;
    if (!have_rle) {
      n = lin_rle(s);
      have_rle = 1;
    }
    if (e->rle_len == n && memcmp(s->rle + e->rle_off, s->scratch, n * sizeof *s->scratch) == 0)
      return 0;
  }
  if (!have_rle) n = lin_rle(s);
  if (s->n_rle + n > LIN_RLE_MAX) return -1;
  if (s->n_rle + n > s->cap_rle) {
    uint32_t *p = ifm_xrealloc_array(s->rle, &s->cap_rle, s->n_rle + n, sizeof *p);
    if (!p) return -2;
    s->rle = p;
  }
  memcpy(s->rle + s->n_rle, s->scratch, n * sizeof *s->scratch);
  e = &s->tab[i];
  e->h = h;
  e->rle_off = s->n_rle;
  e->rle_len = (uint32_t)n;
  e->st = *st;
  s->n_rle += n;
  s->n_tab++;
  return 1;
}

static int lin_cand_cmp(const void *a, const void *b) {
  const lin_cand *x = a, *y = b;
  if (x->cls != y->cls) return x->cls - y->cls;
  if (x->key != y->key) return x->key < y->key ? -1 : 1;
  return x->op < y->op ? -1 : x->op > y->op;
}

/* Pushes the frame of the configuration just reached (state st). */
static int lin_push(lin_search *s, const ifm_lin_state *st, int32_t via) {
  lin_frame *f;
  size_t n = 0, i, k0;
  int32_t e, head = (int32_t)s->n_ev;
  if (s->n_fr == s->cap_fr) {
    lin_frame *p = ifm_xrealloc_array(s->fr, &s->cap_fr, s->n_fr + 1, sizeof *p);
    if (!p) return -2;
    s->fr = p;
  }
  f = &s->fr[s->n_fr++];
  f->cand_off = s->n_cands;
  f->n_cand = f->next = 0;
  f->via = via;
  f->st = *st;
  s->n_blocked = 0;
  for (e = s->next[head]; e != head && !s->ev_ret[e]; e = s->next[e]) {
    uint32_t op = (uint32_t)s->ev_op[e];
    const ifm_lin_pop *o = &s->op[op];
    ifm_lin_state ns;
    int r = ifm_lin_step(&s->ctx, o, st, &ns);
    lin_cand *c;
    if (!r) {
      if (ifm_lin_dead(&s->ctx, o, st)) {   /* it can never be linearized: a dead end */
        n = 0;
        break;
      }
      s->blocked[s->n_blocked++] = op;
      continue;
    }
    if (r == 1 && o->cls != LIN_R_PENDING) {   /* an observer: commit to it */
      n = 0;
      s->tmp[n].op = op;
      s->tmp[n].cls = 0;
      s->tmp[n++].key = 0;
      s->n_blocked = 0;
      break;
    }
    if (n == s->cap_tmp) {
      lin_cand *p = ifm_xrealloc_array(s->tmp, &s->cap_tmp, n + 1, sizeof *p);
      if (!p) return -2;
      s->tmp = p;
    }
    c = &s->tmp[n++];
    c->op = op;
    if (o->kind == IFM_LIN_READ) {
      c->cls = 0;
      c->key = o->comp;
    } else if (o->cls == LIN_R_PENDING) {
      c->cls = 3;
      c->key = o->inv;
    } else {
      c->cls = s->observed[op] ? 2 : 1;
      c->key = s->observed[op] ? s->obs_key[op] : o->comp;
    }
  }
  /* An unanswered op is tried only "just in time": when, applied now, it
   * makes a blocked candidate legal or lets a GET bind. If a linearization
   * applies it earlier, moving it to just before the first op that needs it
   * gives another one: its effect does not depend on the state, only
   * observers lie in between, and its precondition still holds there. */
  for (i = 0; i < n; i++) {
    lin_cand *c = &s->tmp[i];
    ifm_lin_state ps, xs;
    size_t k;
    int useful = 0;
    if (c->cls != 3) continue;
    ifm_lin_step(&s->ctx, &s->op[c->op], st, &ps);
    for (k = 0; k < s->n_blocked && !useful; k++)
      useful = ifm_lin_step(&s->ctx, &s->op[s->blocked[k]], &ps, &xs) != 0;
    for (k = 0; k < n && !useful; k++)
      useful = s->op[s->tmp[k].op].kind == IFM_LIN_READ &&
               ifm_lin_step(&s->ctx, &s->op[s->tmp[k].op], &ps, &xs) == 2;
    if (!useful) c->cls = 4;   /* dropped below */
  }
  for (i = k0 = 0; i < n; i++)
    if (s->tmp[i].cls != 4) s->tmp[k0++] = s->tmp[i];
  n = k0;
  if (n > 1) qsort(s->tmp, n, sizeof *s->tmp, lin_cand_cmp);
  if (s->n_cands + n > s->cap_cands) {
    uint32_t *p = ifm_xrealloc_array(s->cands, &s->cap_cands, s->n_cands + n, sizeof *p);
    if (!p) return -2;
    s->cands = p;
  }
  for (i = 0; i < n; i++) s->cands[s->n_cands + i] = s->tmp[i].op;
  s->n_cands += n;
  f->n_cand = (uint32_t)n;
  if (s->n_fr - 1 > s->best_depth || s->n_fr == 1) {   /* remember where the deepest try got stuck */
    int have_lo = 0;
    s->best_depth = s->n_fr - 1;
    s->t_lo = s->t_hi = 0;
    for (e = s->next[head]; e != head; e = s->next[e]) {
      if (!s->ev_ret[e] && !have_lo && s->ret_ev[s->ev_op[e]] >= 0) {
        s->t_lo = s->ev_t[e];
        have_lo = 1;
      }
      if (s->ev_ret[e]) {
        s->t_hi = s->ev_t[e];
        break;
      }
    }
  }
  return 0;
}

int ifm_lin_search(const ifm_lin_part *pt, const size_t *idx, size_t m,
                   const ifm_lin_state *init, const ifm_lin_limits *lim,
                   int want_order, ifm_lin_found *f) {
  lin_search s;
  unsigned long iter = 0;
  int rc;
  memset(f, 0, sizeof *f);
  f->verdict = -2;
  if (lin_search_init(&s, pt, idx, m, init, lim) != 0) goto out;
  s.cap_tmp = 16;
  s.tmp = malloc(s.cap_tmp * sizeof *s.tmp);
  if (!s.tmp) goto out;
  if (s.n_completed == 0) {
    f->verdict = 1;
    goto out;
  }
  if (lin_push(&s, init, -1) != 0) goto out;
  f->verdict = 0;
  while (s.n_fr) {
    lin_frame *fr = &s.fr[s.n_fr - 1];
    ifm_lin_state ns;
    uint32_t op;
    if (fr->next == fr->n_cand) {     /* nothing more to try here: back up */
      if (fr->via >= 0) lin_undo(&s, (uint32_t)fr->via);
      s.n_cands = fr->cand_off;
      s.n_fr--;
      continue;
    }
    if ((++iter & 4095) == 0 && lim->deadline > 0 && ifm_lin_now_ms() > lim->deadline) {
      f->verdict = -1;
      break;
    }
    op = s.cands[fr->cand_off + fr->next++];
    ifm_lin_step(&s.ctx, &s.op[op], &fr->st, &ns);
    lin_toggle(&s, op);
    rc = lin_memo_insert(&s, &ns);
    if (rc == 0) {
      lin_toggle(&s, op);
      continue;
    }
    if (rc < 0) {
      lin_toggle(&s, op);
      f->verdict = rc;
      break;
    }
    lin_apply(&s, op);
    if (s.n_done == s.n_completed) {
      f->verdict = 1;
      if (want_order) {
        size_t k, n = 0;
        f->order = malloc(s.n_fr * sizeof *f->order);
        if (!f->order) {
          f->verdict = -2;
          break;
        }
        for (k = 1; k < s.n_fr; k++) f->order[n++] = s.pidx[s.fr[k].via];
        f->order[n++] = s.pidx[op];
        f->n_order = n;
      }
      break;
    }
    if (lin_push(&s, &ns, (int32_t)op) != 0) {
      f->verdict = -2;
      break;
    }
  }
  f->t_lo = s.t_lo;
  f->t_hi = s.t_hi;
out:
  f->states = s.n_tab;
  lin_search_free(&s);
  return f->verdict == -2 ? -1 : 0;
}
