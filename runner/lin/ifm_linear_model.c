/* ifm_linear_model.c: the sequential model of one HTTP resource under
 * If-Match, as the linearizability checker (ifm_linear.h) needs it: a
 * partition of the history is prepared once (entity-tags and body hashes
 * interned to small ids, responses classified), then ifm_lin_step tells for
 * one op and one state whether the op is legal there and what state follows.
 *
 * Steps are split in two kinds, which the search relies on: an "observer"
 * (a GET that binds nothing, any 412/409/404) never changes any state it is
 * legal in, so it may be linearized as soon as it is legal; everything else
 * is a "changer". The model's rules are in ifm_linear.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_mix.h"
#include "ifm_buf.h"
#include "ifm_linear_int.h"

static uint64_t lin_fnv(const char *p, size_t n) {
  uint64_t h = 1469598103934665603ULL;
  size_t i;
  for (i = 0; i < n; i++) {
    h ^= (unsigned char)p[i];
    h *= 1099511628211ULL;
  }
  return h;
}


/* Returns the id of tag (p, n), adding it; -1 on ENOMEM. */
static int32_t lin_intern_tag(ifm_lin_part *pt, const char *p, size_t n) {
  size_t mask = pt->tag_ht_cap - 1, i = (size_t)lin_fnv(p, n) & mask;
  int32_t id;
  while ((id = pt->tag_ht[i]) >= 0) {
    if (pt->tag_len[id] == n && (n == 0 || memcmp(pt->tag_p[id], p, n) == 0)) return id;
    i = (i + 1) & mask;
  }
  id = (int32_t)pt->n_tags++;
  pt->tag_p[id] = p;
  pt->tag_len[id] = n;
  pt->tag_ht[i] = id;
  return id;
}

static int32_t lin_intern_body(ifm_lin_part *pt, uint64_t v) {
  size_t mask = pt->body_ht_cap - 1, i = (size_t)ifm_mix64(v) & mask;
  int32_t id;
  while ((id = pt->body_ht[i]) >= 0) {
    if (pt->body_v[id] == v) return id;
    i = (i + 1) & mask;
  }
  id = (int32_t)pt->n_bodies++;
  pt->body_v[id] = v;
  pt->body_ht[i] = id;
  return id;
}

static int lin_classify(const ifm_lin_op *op, int allow_409, int put_404) {
  int s = op->status;
  if (s == 0 || op->complete_ms < 0) return LIN_R_PENDING;
  if (s >= 200 && s <= 299) return LIN_R_OK;
  if (op->kind != IFM_LIN_READ && (s == 412 || (s == 409 && allow_409))) return LIN_R_FAIL;
  if (s == 404 && (op->kind != IFM_LIN_WRITE || put_404)) return LIN_R_404;
  return LIN_R_BAD;
}

static int lin_pop_cmp(const void *a, const void *b) {
  const ifm_lin_pop *x = a, *y = b;
  if (x->inv != y->inv) return x->inv < y->inv ? -1 : 1;
  return x->orig < y->orig ? -1 : x->orig > y->orig;
}

/* tag_body[t]: -2 no sighting yet, -1 not a re-tag target, else a body id. */
static void lin_tag_saw(ifm_lin_part *pt, int32_t t, int32_t body) {
  if (t < 0) return;
  if (pt->tag_body[t] == -2) pt->tag_body[t] = body;
  else if (pt->tag_body[t] != body) pt->tag_body[t] = -1;
}

/* The one body each tag names, over the whole partition (a static property
 * of the history, so every search over a part of it uses the same). */
static void lin_tag_bodies(ifm_lin_part *pt) {
  size_t i;
  for (i = 0; i < pt->n_tags; i++) pt->tag_body[i] = -2;
  if (pt->init.exists && pt->init.tag_kind == LIN_TAG_KNOWN) lin_tag_saw(pt, pt->init.tag, pt->init.body);
  for (i = 0; i < pt->n; i++) {
    const ifm_lin_pop *q = &pt->p[i];
    if (q->cls != LIN_R_OK || q->etag < 0) continue;
    if (q->kind == IFM_LIN_PATCH) pt->tag_body[q->etag] = -1;   /* its body is unknown */
    else if (q->kind == IFM_LIN_WRITE || q->kind == IFM_LIN_READ) lin_tag_saw(pt, q->etag, q->body);
  }
  for (i = 0; i < pt->n_tags; i++)
    if (pt->tag_body[i] == -2) pt->tag_body[i] = -1;
}

static size_t lin_pow2(size_t n) {
  size_t c = 16;
  while (c < 2 * n + 2) c *= 2;
  return c;
}

int ifm_lin_part_build(ifm_lin_part *pt, const ifm_lin_init *init,
                       const ifm_lin_op *ops, const size_t *sel, size_t n_sel,
                       const ifm_lin_opts *o) {
  size_t i, slots = 2 * n_sel + 2;
  memset(pt, 0, sizeof *pt);
  pt->ops = ops;
  pt->cinit = init;
  pt->star_creates = o->star_creates;
  pt->allow_409 = o->allow_409;
  pt->put_404 = o->put_404;
  pt->p = calloc(n_sel ? n_sel : 1, sizeof *pt->p);
  pt->tag_p = calloc(slots, sizeof *pt->tag_p);
  pt->tag_len = calloc(slots, sizeof *pt->tag_len);
  pt->body_v = calloc(slots, sizeof *pt->body_v);
  pt->tag_body = calloc(slots, sizeof *pt->tag_body);
  pt->tag_ht_cap = pt->body_ht_cap = lin_pow2(slots);
  pt->tag_ht = malloc(pt->tag_ht_cap * sizeof *pt->tag_ht);
  pt->body_ht = malloc(pt->body_ht_cap * sizeof *pt->body_ht);
  if (!pt->p || !pt->tag_p || !pt->tag_len || !pt->body_v || !pt->tag_body || !pt->tag_ht ||
      !pt->body_ht) {
    ifm_lin_part_clear(pt);
    return -1;
  }
  memset(pt->tag_ht, 0xff, pt->tag_ht_cap * sizeof *pt->tag_ht);
  memset(pt->body_ht, 0xff, pt->body_ht_cap * sizeof *pt->body_ht);

  if (init && init->exists) {
    pt->init.exists = 1;
    if (init->etag) {
      pt->init.tag_kind = LIN_TAG_KNOWN;
      pt->init.tag = lin_intern_tag(pt, init->etag, init->etag_len);
    } else {
      pt->init.tag_kind = LIN_TAG_FRESH;
    }
    pt->init.body_kind = LIN_BODY_KNOWN;
    pt->init.body = lin_intern_body(pt, init->body);
  }
  for (i = 0; i < n_sel; i++) {
    const ifm_lin_op *op = &ops[sel[i]];
    ifm_lin_pop *q = &pt->p[i];
    q->orig = sel[i];
    q->kind = (uint8_t)op->kind;
    q->pre = (uint8_t)op->pre;
    q->cls = (uint8_t)lin_classify(op, o->allow_409, o->put_404);
    q->pre_tag = q->etag = q->body = -1;
    if (op->pre == IFM_LIN_PRE_MATCH)
      q->pre_tag = lin_intern_tag(pt, op->tag ? op->tag : "", op->tag ? op->tag_len : 0);
    if (q->cls == LIN_R_OK && op->etag && op->kind != IFM_LIN_DELETE)
      q->etag = lin_intern_tag(pt, op->etag, op->etag_len);
    if (op->kind == IFM_LIN_WRITE) q->body = lin_intern_body(pt, op->body);
    if (op->kind == IFM_LIN_READ && q->cls == LIN_R_OK) q->body = lin_intern_body(pt, op->resp_body);
    q->inv = op->invoke_ms;
    q->comp = q->cls == LIN_R_PENDING ? HUGE_VAL
            : (op->complete_ms < op->invoke_ms ? op->invoke_ms : op->complete_ms);
  }
  pt->n = n_sel;
  qsort(pt->p, n_sel, sizeof *pt->p, lin_pop_cmp);
  lin_tag_bodies(pt);
  return 0;
}

void ifm_lin_part_clear(ifm_lin_part *pt) {
  free(pt->p);
  free(pt->tag_p);
  free(pt->tag_len);
  free(pt->body_v);
  free(pt->tag_body);
  free(pt->tag_ht);
  free(pt->body_ht);
  memset(pt, 0, sizeof *pt);
}

int ifm_lin_ctx_init(ifm_lin_ctx *c, const ifm_lin_part *pt) {
  size_t nt = pt->n_tags ? pt->n_tags : 1, nb = pt->n_bodies ? pt->n_bodies : 1;
  memset(c, 0, sizeof *c);
  c->pt = pt;
  c->tag_fixed = calloc(nt, 1);
  c->body_fixed = calloc(nb, 1);
  c->body_seen = calloc(nb, sizeof *c->body_seen);
  c->tag_prod = calloc(nt, sizeof *c->tag_prod);
  c->body_prod = calloc(nb, sizeof *c->body_prod);
  if (!c->tag_fixed || !c->body_fixed || !c->body_seen || !c->tag_prod ||
      !c->body_prod) {
    ifm_lin_ctx_clear(c);
    return -1;
  }
  return 0;
}

void ifm_lin_ctx_clear(ifm_lin_ctx *c) {
  free(c->tag_fixed);
  free(c->body_fixed);
  free(c->body_seen);
  free(c->tag_prod);
  free(c->body_prod);
  memset(c, 0, sizeof *c);
}

static int lin_is_write(const ifm_lin_pop *o) {
  return o->kind == IFM_LIN_WRITE || o->kind == IFM_LIN_PATCH;
}

void ifm_lin_ctx_fix(ifm_lin_ctx *c, const ifm_lin_pop *ops, size_t m, const ifm_lin_state *init) {
  const ifm_lin_part *pt = c->pt;
  size_t i;
  memset(c->tag_fixed, 0, pt->n_tags);
  memset(c->body_fixed, 0, pt->n_bodies);
  memset(c->body_seen, 0, pt->n_bodies * sizeof *c->body_seen);
  memset(c->tag_prod, 0, pt->n_tags * sizeof *c->tag_prod);
  memset(c->body_prod, 0, pt->n_bodies * sizeof *c->body_prod);
  c->deletes = c->creates = 0;
  if (init->exists && init->tag_kind == LIN_TAG_KNOWN) c->tag_fixed[init->tag] = 1;
  if (init->exists && init->body_kind == LIN_BODY_KNOWN) c->body_fixed[init->body] = 1;
  for (i = 0; i < m; i++) {
    const ifm_lin_pop *o = &ops[i];
    if (lin_is_write(o) && o->cls == LIN_R_OK && o->etag >= 0) c->tag_fixed[o->etag] = 1;
    if (o->kind == IFM_LIN_WRITE && (o->cls == LIN_R_OK || o->cls == LIN_R_PENDING))
      c->body_fixed[o->body] = 1;
    ifm_lin_account(c, o, -1);    /* counts every producer as not yet linearized */
  }
  memset(c->body_seen, 0, pt->n_bodies * sizeof *c->body_seen);
}

/* Whether the server may show tag t for state s by re-tagging it: t names
 * the body s has (a WILD body may be any). */
static int lin_retag_ok(const ifm_lin_part *pt, int32_t t, const ifm_lin_state *s) {
  int32_t b = t >= 0 ? pt->tag_body[t] : -1;
  if (!s->exists || b < 0) return 0;
  return s->body_kind == LIN_BODY_WILD || (s->body_kind == LIN_BODY_KNOWN && s->body == b);
}

/* Whether the precondition of o can be true in s (a success needs that), and
 * whether it can be false (a 412 needs that). They differ for If-Match of a
 * tag the server may re-tag to: true by a re-tag, false as s's tag is another. */
static int lin_pre_can(const ifm_lin_ctx *c, const ifm_lin_pop *o, const ifm_lin_state *s,
                       int want) {
  int exact;
  switch (o->pre) {
  case IFM_LIN_PRE_NONE: return want;
  case IFM_LIN_PRE_MATCH:
    exact = s->exists && s->tag_kind == LIN_TAG_KNOWN && s->tag == o->pre_tag;
    return want ? exact || lin_retag_ok(c->pt, o->pre_tag, s) : !exact;
  case IFM_LIN_PRE_STAR: return (s->exists || c->pt->star_creates) == want;
  case IFM_LIN_PRE_NONE_MATCH_STAR: return (!s->exists) == want;
  default: return !want;
  }
}

static int lin_step_read(const ifm_lin_ctx *c, const ifm_lin_pop *o, const ifm_lin_state *s,
                         ifm_lin_state *out) {
  int changed = 0;
  if (o->cls == LIN_R_404) return s->exists ? 0 : 1;
  if (o->cls != LIN_R_OK || !s->exists) return 0;
  if (o->etag >= 0 && !(s->tag_kind == LIN_TAG_KNOWN && s->tag == o->etag)) {
    /* a re-tag (or a fresh tag seen): the tag must name the body seen */
    if (c->pt->tag_body[o->etag] != o->body) return 0;
    out->tag_kind = LIN_TAG_KNOWN;
    out->tag = o->etag;
    changed = 1;
  }
  if (s->body_kind == LIN_BODY_KNOWN) {
    if (s->body != o->body) return 0;
  } else {
    if (s->body_kind == LIN_BODY_UNKNOWN && (c->body_fixed[o->body] || c->body_seen[o->body]))
      return 0;
    out->body_kind = LIN_BODY_KNOWN;
    out->body = o->body;
    changed = 1;
  }
  return changed ? 2 : 1;
}

int ifm_lin_step(const ifm_lin_ctx *c, const ifm_lin_pop *o, const ifm_lin_state *s,
                 ifm_lin_state *out) {
  *out = *s;
  if (o->cls == LIN_R_BAD) return 0;
  if (o->kind == IFM_LIN_READ) return lin_step_read(c, o, s, out);
  if (o->cls == LIN_R_FAIL) return lin_pre_can(c, o, s, 0);   /* DELETE too: see ifm_linear.h */
  if (o->kind == IFM_LIN_DELETE) {
    switch (o->cls) {
    case LIN_R_OK:
    case LIN_R_PENDING:
      if (!s->exists || !lin_pre_can(c, o, s, 1)) return 0;
      memset(out, 0, sizeof *out);
      return 2;
    case LIN_R_404: return s->exists ? 0 : 1;
    default: return 0;
    }
  }
  switch (o->cls) {
  case LIN_R_OK:
  case LIN_R_PENDING:
    if (!lin_pre_can(c, o, s, 1)) return 0;
    memset(out, 0, sizeof *out);
    out->exists = 1;
    if (o->etag >= 0) {
      out->tag_kind = LIN_TAG_KNOWN;
      out->tag = o->etag;
    } else {
      out->tag_kind = LIN_TAG_FRESH;
    }
    if (o->kind == IFM_LIN_WRITE) {
      out->body_kind = LIN_BODY_KNOWN;
      out->body = o->body;
    } else {
      out->body_kind = LIN_BODY_UNKNOWN;
    }
    return 2;
  case LIN_R_404: return (o->kind == IFM_LIN_PATCH || o->kind == IFM_LIN_WRITE) && !s->exists ? 1 : 0;
  default: return 0;
  }
}

void ifm_lin_account(ifm_lin_ctx *c, const ifm_lin_pop *o, int delta) {
  int takes_effect = o->cls == LIN_R_OK || o->cls == LIN_R_PENDING;
  if (o->kind == IFM_LIN_READ) {
    if (o->cls != LIN_R_OK) return;
    c->body_seen[o->body] += (uint32_t)delta;
    return;
  }
  if (!takes_effect) return;
  if (o->kind == IFM_LIN_DELETE) {
    c->deletes -= (size_t)(ptrdiff_t)delta;
    return;
  }
  c->creates -= (size_t)(ptrdiff_t)delta;
  if (o->etag >= 0) c->tag_prod[o->etag] -= (uint32_t)delta;
  if (o->kind == IFM_LIN_WRITE) c->body_prod[o->body] -= (uint32_t)delta;
}

/* Whether some state reachable from s has tag t / body b / exists / is
 * missing. Only fixed values are judged: a bindable one may still appear. */
static int lin_can_body(const ifm_lin_ctx *c, const ifm_lin_state *s, int32_t b) {
  if (!c->body_fixed[b] || s->body_kind == LIN_BODY_WILD) return 1;
  return (s->exists && s->body_kind == LIN_BODY_KNOWN && s->body == b) || c->body_prod[b] > 0;
}

/* A fixed tag comes back with a write that answers it or by a re-tag of a
 * state with the body it names. */
static int lin_can_tag(const ifm_lin_ctx *c, const ifm_lin_state *s, int32_t t) {
  int32_t b = c->pt->tag_body[t];
  if (!c->tag_fixed[t]) return 1;
  if ((s->exists && s->tag_kind == LIN_TAG_KNOWN && s->tag == t) || c->tag_prod[t] > 0) return 1;
  return b >= 0 && lin_can_body(c, s, b);
}

int ifm_lin_dead(const ifm_lin_ctx *c, const ifm_lin_pop *o, const ifm_lin_state *s) {
  int can_exist = s->exists || c->creates > 0, can_missing = !s->exists || c->deletes > 0;
  if (o->cls == LIN_R_PENDING) return 0;
  if (o->cls == LIN_R_BAD) return 1;
  if (o->cls == LIN_R_404) return !can_missing;
  if (o->kind == IFM_LIN_READ) {
    if (o->cls != LIN_R_OK) return 1;
    if (!can_exist) return 1;
    if (o->etag >= 0 && !lin_can_tag(c, s, o->etag)) return 1;
    return !lin_can_body(c, s, o->body);
  }
  if (o->cls != LIN_R_OK) return 0;
  switch (o->pre) {
  case IFM_LIN_PRE_MATCH: return !can_exist || !lin_can_tag(c, s, o->pre_tag);
  case IFM_LIN_PRE_FALSE: return 1;
  case IFM_LIN_PRE_NONE_MATCH_STAR: return !can_missing;
  case IFM_LIN_PRE_STAR:
    return !can_exist && (o->kind == IFM_LIN_DELETE || !c->pt->star_creates);
  default: return o->kind == IFM_LIN_DELETE && !can_exist;
  }
}

/* An over-approximation of the states a run can reach: each field on its
 * own. An op illegal against all of them is illegal in every linearization,
 * which gives a one-op explanation without searching. */
typedef struct lin_reach {
  int can_exist, can_missing, fresh, unknown_body, wild_body;
  size_t n_tags;
  uint8_t *tag, *body;
  uint64_t *pairs;            /* (tag << 32 | body) of the states with a fixed tag, sorted */
  size_t n_pairs;
  uint8_t *patched;           /* tag answered by a PATCH: any unfixed body may come with it */
} lin_reach;

static int lin_u64_cmp(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static int lin_pairs_build(const ifm_lin_ctx *c, const size_t *idx, size_t m,
                           const ifm_lin_state *init, lin_reach *r) {
  const ifm_lin_part *pt = c->pt;
  size_t k;
  r->pairs = malloc((m + 1) * sizeof *r->pairs);
  r->patched = calloc(pt->n_tags + 1, 1);
  if (!r->pairs || !r->patched) return -1;
  if (init->exists && init->tag_kind == LIN_TAG_KNOWN && init->body_kind == LIN_BODY_KNOWN)
    r->pairs[r->n_pairs++] = (uint64_t)(uint32_t)init->tag << 32 | (uint32_t)init->body;
  for (k = 0; k < m; k++) {
    const ifm_lin_pop *o = &pt->p[idx[k]];
    if (!lin_is_write(o) || o->cls != LIN_R_OK || o->etag < 0) continue;
    if (o->kind == IFM_LIN_PATCH) r->patched[o->etag] = 1;
    else r->pairs[r->n_pairs++] = (uint64_t)(uint32_t)o->etag << 32 | (uint32_t)o->body;
  }
  qsort(r->pairs, r->n_pairs, sizeof *r->pairs, lin_u64_cmp);
  return 0;
}

/* A GET of a fixed tag must see a body that tag came with. */
static const char *lin_pair_missing(const ifm_lin_ctx *c, const lin_reach *r,
                                    const ifm_lin_pop *o) {
  uint64_t key;
  if (o->kind != IFM_LIN_READ || o->cls != LIN_R_OK || o->etag < 0) return NULL;
  if (!c->tag_fixed[o->etag] || r->wild_body) return NULL;
  if (r->patched[o->etag] && !c->body_fixed[o->body]) return NULL;
  key = (uint64_t)(uint32_t)o->etag << 32 | (uint32_t)o->body;
  if (bsearch(&key, r->pairs, r->n_pairs, sizeof key, lin_u64_cmp)) return NULL;
  return "it saw an ETag with a body that no write produced together with it";
}

static const char *lin_impossible_one(const ifm_lin_ctx *c, const lin_reach *r,
                                      const ifm_lin_pop *o) {
  int t = o->pre_tag;
  int other_tag = r->fresh || r->n_tags > (size_t)(t >= 0 && r->tag[t]);
  if (o->cls == LIN_R_PENDING) return NULL;
  if (o->cls == LIN_R_BAD) return "its status is not an answer the model allows for this request";
  if (o->cls == LIN_R_404)
    return r->can_missing ? NULL : "it got 404 but the resource is never missing";
  if (o->kind == IFM_LIN_READ) {
    if (!r->can_exist) return "it got 2xx but the resource never exists";
    if (o->etag >= 0 && !r->tag[o->etag] && c->pt->tag_body[o->etag] != o->body)
      return "it saw an ETag that no write produced and that also came with another body, so "
             "it is no re-tag of this body";
    if (!r->body[o->body] && !r->wild_body && !(r->unknown_body && !c->body_fixed[o->body]))
      return "it saw a body that no write produced";
    return NULL;
  }
  if (o->cls == LIN_R_OK) {
    switch (o->pre) {
    case IFM_LIN_PRE_NONE:
      return o->kind == IFM_LIN_DELETE && !r->can_exist ? "the resource never exists" : NULL;
    case IFM_LIN_PRE_MATCH:   /* the tag must be one a state can have (maybe by a re-tag) */
      if (r->can_exist && t >= 0 && (r->tag[t] || c->pt->tag_body[t] >= 0)) return NULL;
      return "it succeeded with If-Match, but no state of the resource ever has that ETag";
    case IFM_LIN_PRE_STAR:
      if (r->can_exist || (o->kind != IFM_LIN_DELETE && c->pt->star_creates)) return NULL;
      return "it succeeded with If-Match: *, but the resource never exists";
    case IFM_LIN_PRE_FALSE:
      return "it succeeded with If-Match of a weak entity-tag, which never matches (RFC 9110 13.1.1: "
             "strong comparison)";
    default:
      if (o->kind == IFM_LIN_DELETE) return "a DELETE with If-None-Match: * cannot succeed";
      return r->can_missing ? NULL
             : "it succeeded with If-None-Match: *, but the resource is never missing";
    }
  }
  /* LIN_R_FAIL: the precondition must be able to fail (and, for DELETE, on an
   * existing resource). */
  switch (o->pre) {
  case IFM_LIN_PRE_NONE:
    return "it failed a precondition it did not send";
  case IFM_LIN_PRE_MATCH:
    if ((r->can_exist && other_tag) || r->can_missing) return NULL;
    return "its If-Match failed, but the resource always has exactly that ETag";
  case IFM_LIN_PRE_STAR:
    if (c->pt->star_creates)
      return "its If-Match: * failed, but under this profile \"*\" is true on a missing resource "
             "too, so it never fails";
    if (r->can_missing) return NULL;
    return "its If-Match: * failed, but the resource always exists";
  case IFM_LIN_PRE_FALSE:
    return NULL;
  default:
    return r->can_exist ? NULL : "its If-None-Match: * failed, but the resource never exists";
  }
}

int ifm_lin_impossible(const ifm_lin_ctx *c, const size_t *idx, size_t m,
                       const ifm_lin_state *init, size_t *at, const char **why) {
  const ifm_lin_part *pt = c->pt;
  lin_reach r;
  int found = -1;
  size_t k;
  memset(&r, 0, sizeof r);
  r.tag = calloc(pt->n_tags ? pt->n_tags : 1, 1);
  r.body = calloc(pt->n_bodies ? pt->n_bodies : 1, 1);
  if (!r.tag || !r.body) goto out;
  r.can_exist = init->exists;
  r.can_missing = !init->exists;
  if (init->exists) {
    if (init->tag_kind == LIN_TAG_KNOWN) r.tag[init->tag] = 1;
    else r.fresh = 1;
    if (init->body_kind == LIN_BODY_KNOWN) r.body[init->body] = 1;
    else if (init->body_kind == LIN_BODY_UNKNOWN) r.unknown_body = 1;
    else r.wild_body = 1;
  }
  for (k = 0; k < m; k++) {
    const ifm_lin_pop *o = &pt->p[idx[k]];
    if (o->cls != LIN_R_OK && o->cls != LIN_R_PENDING) continue;
    if (o->kind == IFM_LIN_DELETE) {
      r.can_missing = 1;
      continue;
    }
    if (o->kind == IFM_LIN_READ) {   /* a re-tag: a state with the tag it saw */
      if (o->cls == LIN_R_OK && o->etag >= 0 && pt->tag_body[o->etag] >= 0) r.tag[o->etag] = 1;
      continue;
    }
    r.can_exist = 1;
    if (o->etag >= 0) r.tag[o->etag] = 1;
    else r.fresh = 1;
    if (o->kind == IFM_LIN_WRITE) r.body[o->body] = 1;
    else r.unknown_body = 1;
  }
  for (k = 0; k < pt->n_tags; k++) r.n_tags += r.tag[k];
  if (lin_pairs_build(c, idx, m, init, &r) != 0) goto out;
  found = 0;
  for (k = 0; k < m; k++) {
    const char *w = lin_impossible_one(c, &r, &pt->p[idx[k]]);
    if (!w) w = lin_pair_missing(c, &r, &pt->p[idx[k]]);
    if (w) {
      *at = idx[k];
      *why = w;
      found = 1;
      break;
    }
  }
out:
  free(r.tag);
  free(r.body);
  free(r.pairs);
  free(r.patched);
  return found;
}

/* Producers of each tag (or body) and where the only one is. */
typedef struct lin_prod {
  uint32_t *n;
  size_t *at;                 /* SIZE_MAX: the initial state */
} lin_prod;

/* Among changers (sorted by invocation), the one invoked after a that
 * completes first, if it completes before b. */
static size_t lin_between(const ifm_lin_part *pt, const size_t *chg, const size_t *sufmin,
                          size_t n_chg, double a, double b) {
  size_t lo = 0, hi = n_chg;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (pt->p[chg[mid]].inv > a) hi = mid;
    else lo = mid + 1;
  }
  if (lo == n_chg || pt->p[sufmin[lo]].comp >= b) return SIZE_MAX;
  return sufmin[lo];
}

static int lin_overwritten_one(const ifm_lin_part *pt, const lin_prod *pr, int32_t v, size_t x,
                               const size_t *chg, const size_t *sufmin, size_t n_chg,
                               const lin_prod *bodies, size_t found[3]) {
  const ifm_lin_pop *o = &pt->p[x];
  size_t w, z;
  double wcomp = -HUGE_VAL;
  int32_t b;
  if (v < 0 || pr->n[v] != 1) return 0;
  w = pr->at[v];
  /* a tag (bodies != NULL) also comes back by a re-tag of a state with the
   * body it names, unless that body too has no other producer */
  if (bodies && (b = pt->tag_body[v]) >= 0 && (bodies->n[b] != 1 || bodies->at[b] != w)) return 0;
  if (w != SIZE_MAX) {
    if (o->comp < pt->p[w].inv) {      /* seen before it was made */
      found[0] = x;
      found[1] = w;
      found[2] = SIZE_MAX;
      return 1;
    }
    wcomp = pt->p[w].comp;
  }
  z = lin_between(pt, chg, sufmin, n_chg, wcomp, o->inv);
  if (z == SIZE_MAX) return 0;
  found[0] = x;
  found[1] = w;
  found[2] = z;
  return 1;
}

int ifm_lin_overwritten(const ifm_lin_part *pt, size_t found[3], int *is_body) {
  lin_prod tp, bp;
  size_t *chg = malloc((pt->n + 1) * sizeof *chg), *sufmin = malloc((pt->n + 1) * sizeof *sufmin);
  size_t i, n_chg = 0;
  int rc = -1;
  tp.n = calloc(pt->n_tags + 1, sizeof *tp.n);
  tp.at = calloc(pt->n_tags + 1, sizeof *tp.at);
  bp.n = calloc(pt->n_bodies + 1, sizeof *bp.n);
  bp.at = calloc(pt->n_bodies + 1, sizeof *bp.at);
  if (!chg || !sufmin || !tp.n || !tp.at || !bp.n || !bp.at) goto out;
  if (pt->init.exists && pt->init.tag_kind == LIN_TAG_KNOWN) {
    tp.n[pt->init.tag] = 1;
    tp.at[pt->init.tag] = SIZE_MAX;
  }
  if (pt->init.exists) {
    bp.n[pt->init.body] = 1;
    bp.at[pt->init.body] = SIZE_MAX;
  }
  for (i = 0; i < pt->n; i++) {
    const ifm_lin_pop *o = &pt->p[i];
    if (o->kind == IFM_LIN_READ) continue;
    if (o->cls == LIN_R_OK) chg[n_chg++] = i;   /* takes the tag away for sure */
    if (lin_is_write(o) && o->cls == LIN_R_OK && o->etag >= 0) {
      tp.n[o->etag]++;
      tp.at[o->etag] = i;
    }
    if (o->kind == IFM_LIN_WRITE && (o->cls == LIN_R_OK || o->cls == LIN_R_PENDING)) {
      bp.n[o->body]++;
      bp.at[o->body] = i;
    }
  }
  for (i = n_chg; i-- > 0;) {
    sufmin[i] = chg[i];
    if (i + 1 < n_chg && pt->p[sufmin[i + 1]].comp < pt->p[chg[i]].comp) sufmin[i] = sufmin[i + 1];
  }
  rc = 0;
  for (i = 0; i < pt->n && !rc; i++) {
    const ifm_lin_pop *o = &pt->p[i];
    if (o->cls != LIN_R_OK) continue;
    if (o->kind == IFM_LIN_READ) {
      rc = lin_overwritten_one(pt, &tp, o->etag, i, chg, sufmin, n_chg, &bp, found);
      if (!rc && lin_overwritten_one(pt, &bp, o->body, i, chg, sufmin, n_chg, NULL, found)) {
        rc = 1;
        *is_body = 1;
      }
    } else if (o->pre == IFM_LIN_PRE_MATCH) {
      rc = lin_overwritten_one(pt, &tp, o->pre_tag, i, chg, sufmin, n_chg, &bp, found);
    }
  }
out:
  free(chg);
  free(sufmin);
  free(tp.n);
  free(tp.at);
  free(bp.n);
  free(bp.at);
  return rc;
}
