/* linear_random_test.c: the linearizability checker (runner/lin/) on random
 * histories: produced by a real sequential run of the model with random
 * overlaps (so linearizable by construction), then with one response
 * mutated; for histories of at most 7 ops a brute-force checker written here
 * from the model's definition (every order of every subset of the unanswered
 * ops) must agree with the search on every one, and every witness the search
 * gives must replay. Split from the former tests/linear_test.c.
 */
#include "ifm_test.h"
#include "linear_fixture.h"

static uint64_t rng_state;

static uint64_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

static int rnd_n(int n) { return (int)(rnd() % (uint64_t)n); }
static double rnd_u(void) { return (double)(rnd() % 1000000) / 1e6; }

/* Brute force: every order of the answered ops plus any subset of the
 * unanswered ones, respecting real time, simulated from scratch. */
typedef struct bf {
  const ifm_lin_op *ops;
  size_t n;
  const ifm_lin_init *init;
  int star_creates, allow_409;
  int used[512];
  uint64_t bound_body[512];
} bf;

typedef struct bf_st {
  int exists, fresh, unknown_body;
  const char *tag;
  size_t tag_len;
  uint64_t body;
} bf_st;

static int bf_pending(const ifm_lin_op *o) { return o->status == 0 || o->complete_ms < 0; }

static int bf_tag_eq(const char *a, size_t al, const char *b, size_t bl) {
  return al == bl && memcmp(a, b, al) == 0;
}

/* Re-tags: whether tag t names body v, i.e. every sighting of t (the
 * initial state, a PUT's 2xx response, a GET's 200) came with v, and no
 * PATCH answered t (its body is unknown). */
static int bf_tag_names(const bf *b, const char *t, size_t tl, uint64_t v) {
  size_t i;
  int seen = 0;
  if (b->init->exists && b->init->etag && bf_tag_eq(b->init->etag, b->init->etag_len, t, tl)) {
    if (b->init->body != v) return 0;
    seen = 1;
  }
  for (i = 0; i < b->n; i++) {
    const ifm_lin_op *o = &b->ops[i];
    uint64_t with;
    if (bf_pending(o) || o->status < 200 || o->status >= 300 || !o->etag ||
        o->kind == IFM_LIN_DELETE || !bf_tag_eq(o->etag, o->etag_len, t, tl))
      continue;
    if (o->kind == IFM_LIN_PATCH) return 0;
    with = o->kind == IFM_LIN_WRITE ? o->body : o->resp_body;
    if (with != v) return 0;
    seen = 1;
  }
  return seen;
}

static int bf_body_fixed(const bf *b, uint64_t v) {
  size_t i;
  if (b->init->exists && b->init->body == v) return 1;
  for (i = 0; i < b->n; i++) {
    const ifm_lin_op *o = &b->ops[i];
    if (o->kind == IFM_LIN_WRITE && (bf_pending(o) || (o->status >= 200 && o->status < 300)) &&
        o->body == v)
      return 1;
  }
  return 0;
}

/* One op of the brute force's model: 1 legal (*ns the next state, bindings
 * appended), 0 not. */
static int bf_step(bf *b, const ifm_lin_op *o, const bf_st *st, bf_st *ns, int *nt, int *nb) {
  int ok = 0, pend = bf_pending(o), s = o->status, pre = 0, pre_can_fail = 0;
  int succ = pend || (s >= 200 && s < 300);
  int fail = !pend && (s == 412 || (s == 409 && b->allow_409)) && o->kind != IFM_LIN_READ;
  *ns = *st;
  (void)nt;
  switch (o->pre) {
  case IFM_LIN_PRE_NONE: pre = 1; break;
  case IFM_LIN_PRE_MATCH:   /* the state's own tag, or a re-tag to a tag of its body */
    pre = st->exists && !st->fresh && bf_tag_eq(st->tag, st->tag_len, o->tag, o->tag_len);
    pre_can_fail = !pre;
    pre = pre || (st->exists && !st->unknown_body &&
                  bf_tag_names(b, o->tag, o->tag_len, st->body));
    break;
  case IFM_LIN_PRE_STAR: pre = st->exists || b->star_creates; break;
  default: pre = !st->exists; break;
  }
  if (o->pre != IFM_LIN_PRE_MATCH) pre_can_fail = !pre;
  if (o->kind == IFM_LIN_READ) {
    if (s == 404) ok = !st->exists;
    else if (s >= 200 && s < 300 && st->exists) {
      ok = 1;
      if (o->etag && (st->fresh || !bf_tag_eq(st->tag, st->tag_len, o->etag, o->etag_len))) {
        /* a re-tag: the tag must name the body seen */
        ok = bf_tag_names(b, o->etag, o->etag_len, o->resp_body);
        ns->fresh = 0;
        ns->tag = o->etag;
        ns->tag_len = o->etag_len;
      }
      if (ok && st->unknown_body) {
        int j;
        if (bf_body_fixed(b, o->resp_body)) ok = 0;
        for (j = 0; j < *nb; j++)
          if (b->bound_body[j] == o->resp_body) ok = 0;
        if (ok) {
          b->bound_body[(*nb)++] = o->resp_body;
          ns->unknown_body = 0;
          ns->body = o->resp_body;
        }
      } else if (ok && st->body != o->resp_body) {
        ok = 0;
      }
    }
  } else if (o->kind == IFM_LIN_DELETE) {
    if (succ) {
      ok = st->exists && pre;
      memset(ns, 0, sizeof *ns);
    } else if (s == 404) {
      ok = !st->exists;
    } else if (fail) {    /* also on a missing resource: a race does not judge 412-vs-404 */
      ok = pre_can_fail;
    }
  } else {
    if (succ) {
      ok = pre;
      ns->exists = 1;
      ns->fresh = pend || !o->etag;
      ns->tag = pend ? NULL : o->etag;
      ns->tag_len = pend ? 0 : o->etag_len;
      ns->unknown_body = o->kind == IFM_LIN_PATCH;
      ns->body = o->kind == IFM_LIN_PATCH ? 0 : o->body;
    } else if (fail) {
      ok = pre_can_fail;
    } else if (s == 404) {
      ok = o->kind == IFM_LIN_PATCH && !st->exists;
    }
  }
  return ok;
}

static int bf_run(bf *b, bf_st st, int nbt, int nbb) {
  size_t i, k;
  int all_pending = 1;
  for (i = 0; i < b->n; i++)
    if (!b->used[i] && !bf_pending(&b->ops[i])) all_pending = 0;
  if (all_pending) return 1;
  for (i = 0; i < b->n; i++) {
    const ifm_lin_op *o = &b->ops[i];
    bf_st ns;
    int nt = nbt, nb = nbb;
    if (b->used[i] || (bf_pending(o) && o->kind == IFM_LIN_READ)) continue;
    for (k = 0; k < b->n; k++)   /* something unplaced had to come first */
      if (!b->used[k] && k != i && !bf_pending(&b->ops[k]) &&
          b->ops[k].complete_ms < o->invoke_ms)
        break;
    if (k < b->n) continue;
    if (!bf_step(b, o, &st, &ns, &nt, &nb)) continue;
    b->used[i] = 1;
    if (bf_run(b, ns, nt, nb)) {
      b->used[i] = 0;
      return 1;
    }
    b->used[i] = 0;
  }
  return 0;
}

static void bf_start(bf *b, bf_st *st, const ifm_lin_init *in, const ifm_lin_op *ops, size_t n,
                     int sc, int a409) {
  memset(b, 0, sizeof *b);
  memset(st, 0, sizeof *st);
  b->ops = ops;
  b->n = n;
  b->init = in;
  b->star_creates = sc;
  b->allow_409 = a409;
  if (in->exists) {
    st->exists = 1;
    st->fresh = in->etag == NULL;
    st->tag = in->etag;
    st->tag_len = in->etag_len;
    st->body = in->body;
  }
}

/* The search's witness, replayed: in real-time order and legal step by step. */
static int bf_replay(const ifm_lin_init *in, const ifm_lin_op *ops, size_t n, int sc, int a409) {
  static bf b;
  bf_st st, ns;
  int nt = 0, nb = 0;
  size_t i, j;
  bf_start(&b, &st, in, ops, n, sc, a409);
  for (i = 0; i < res.n_witness; i++) {
    const ifm_lin_op *o = &ops[res.witness[i]];
    for (j = i + 1; j < res.n_witness; j++) {
      const ifm_lin_op *later = &ops[res.witness[j]];
      if (!bf_pending(later) && later->complete_ms < o->invoke_ms) return 0;
    }
    if (bf_pending(o) && o->kind == IFM_LIN_READ) return 0;
    if (!bf_step(&b, o, &st, &ns, &nt, &nb)) return 0;
    st = ns;
  }
  return 1;
}

static int bf_check(const ifm_lin_init *in, const ifm_lin_op *ops, size_t n, int sc, int a409) {
  static bf b;
  bf_st st;
  bf_start(&b, &st, in, ops, n, sc, a409);
  return bf_run(&b, st, 0, 0);
}

/* A random history from a real sequential run of the model: each op has a
 * linearization point (increasing), its interval is drawn around it, and
 * its response is what the model answered there. Tags are published (the
 * write returned it, or a GET saw it) before a client uses them. */
#define GEN_MAX 400
static char gen_tags[GEN_MAX + 2][16];

static size_t gen_history(ifm_lin_op *h, size_t n, double spread, ifm_lin_init *in) {
  int exists = 1, cur = 0, published[GEN_MAX + 2] = {1};
  uint64_t body = B0;
  int versions = 1;
  size_t i;
  double t = 0;
  int mode = rnd_n(6);   /* 0-3: known tag, 4: unknown tag, 5: missing */
  snprintf(gen_tags[0], sizeof gen_tags[0], "\"v0\"");
  in->exists = mode != 5;
  exists = mode != 5;
  in->etag = mode == 4 ? NULL : gen_tags[0];
  in->etag_len = strlen(gen_tags[0]);
  in->body = B0;
  published[0] = mode < 4;
  for (i = 0; i < n; i++) {
    int kind = rnd_n(100), pc = rnd_n(100), pre, ok, timed_out = rnd_n(100) < 6;
    int lost = timed_out && rnd_n(2);
    const char *tag = NULL;
    ifm_lin_op *o = &h[i];
    t += 1 + rnd_u() * 2;
    kind = kind < 40 ? IFM_LIN_READ : kind < 75 ? IFM_LIN_WRITE : kind < 85 ? IFM_LIN_DELETE
           : IFM_LIN_PATCH;
    pre = pc < 15 ? NONE : pc < 55 ? M : pc < 70 ? STAR : pc < 85 ? INM : -1;
    if (pre == -1) {     /* a stale or unknown tag */
      int v = rnd_n(versions + 1);
      pre = M;
      tag = v < versions && published[v] ? gen_tags[v] : "\"zz\"";
    } else if (pre == M) {
      tag = exists && published[cur] ? gen_tags[cur] : "\"zz\"";
    }
    if (kind == IFM_LIN_READ) pre = NONE;
    switch (pre) {
    case NONE: ok = 1; break;
    case M: ok = exists && !strcmp(tag, gen_tags[cur]); break;
    case STAR: ok = exists; break;
    default: ok = !exists; break;
    }
    if (kind == IFM_LIN_READ) {
      *o = exists ? rd((int)i % 8, 200, gen_tags[cur], body, 0, 0) : rd((int)i % 8, 404, NULL, 0, 0, 0);
      if (exists && !timed_out) published[cur] = 1;
    } else if (kind == IFM_LIN_DELETE) {
      *o = del((int)i % 8, pre, tag, !exists ? 404 : ok ? 204 : 412, 0, 0);
      if (exists && ok && !lost) exists = 0;
    } else {
      uint64_t nb = kind == IFM_LIN_WRITE ? 1000 + i : 5000 + i;
      int give_tag = rnd_n(100) < 75;
      if (!exists && kind == IFM_LIN_PATCH && rnd_n(2) && pre != M) ok = 0;   /* PATCH 404 */
      if (ok && !lost && versions <= GEN_MAX) {
        snprintf(gen_tags[versions], sizeof gen_tags[versions], "\"v%d\"", versions);
        cur = versions++;
        published[cur] = give_tag && !timed_out;
        exists = 1;
        body = nb;
      } else if (ok) {
        give_tag = 0;
      }
      if (kind == IFM_LIN_WRITE)
        *o = put((int)i % 8, pre, tag, nb, ok ? 204 : 412, ok && give_tag ? gen_tags[cur] : NULL, 0, 0);
      else
        *o = patch((int)i % 8, pre, tag, ok ? 204 : (!exists && pre != M && !ok) ? 404 : 412,
                   ok && give_tag ? gen_tags[cur] : NULL, 0, 0);
    }
    if (timed_out) {
      o->status = 0;
      o->etag = NULL;
      o->etag_len = 0;
    }
    o->invoke_ms = t - rnd_u() * spread;
    o->complete_ms = timed_out ? -1 : t + rnd_u() * spread;
  }
  return n;
}

/* Changes one answered op's response. */
static void mutate(ifm_lin_op *h, size_t n) {
  size_t tries;
  for (tries = 0; tries < 50; tries++) {
    ifm_lin_op *o = &h[rnd_n((int)n)];
    if (o->status == 0) continue;
    if (o->kind == IFM_LIN_READ) {
      int r = rnd_n(3);
      if (o->status == 404) {
        o->status = 200;
        o->etag = gen_tags[0];
        o->etag_len = strlen(o->etag);
        o->resp_body = B0;
      } else if (r == 0) {
        o->status = 404;
        o->etag = NULL;
      } else if (r == 1) {
        o->resp_body = B0;
      } else {
        o->etag = gen_tags[rnd_n(3)];
        o->etag_len = strlen(o->etag);
      }
      return;
    }
    if (o->status == 412) {
      o->status = 204;
      o->etag = "\"mut\"";
      o->etag_len = 5;
    } else if (o->status >= 200 && o->status < 300) {
      o->status = o->pre == NONE ? 404 : 412;
      o->etag = NULL;
    } else {
      o->status = 204;
    }
    return;
  }
}

/* Small random histories: WGL == brute force, unmutated ones are all
 * linearizable, and many mutated ones are not. */
static void linear_random_vs_brute_force(void) {
  ifm_lin_op h[7];
  ifm_lin_init in;
  int round, bad = 0, total = 0;
  rng_state = 0x9e3779b97f4a7c15ULL;
  for (round = 0; round < 20000; round++) {
    size_t n = 1 + (size_t)rnd_n(7);
    int mutated = round % 2, opts = rnd_n(4), want, got;
    ifm_lin_opts o;
    memset(&o, 0, sizeof o);
    o.star_creates = opts == 1;
    o.allow_409 = opts == 2;
    gen_history(h, n, 1 + rnd_u() * 6, &in);
    if (mutated) mutate(h, n);
    if (opts == 3)
      for (size_t k = 0; k < n; k++)
        if (h[k].status == 412 && rnd_n(2)) h[k].status = 409;
    want = bf_check(&in, h, n, o.star_creates, o.allow_409);
    got = check_o(&in, h, n, &o);
    if (got == 1 && !bf_replay(&in, h, n, o.star_creates, o.allow_409))
      IFM_TEST_FAIL_("round %d: the witness does not replay", round);
    if (!mutated && !o.star_creates && opts != 3 && got != 1)
      IFM_TEST_FAIL_("round %d: a generated history is not linearizable: %s", round,
                     res.explanation ? res.explanation : "");
    if (want != got)
      IFM_TEST_FAIL_("round %d (n %zu, opts %d): brute force %d, search %d: %s", round, n,
                     opts, want, got, res.explanation ? res.explanation : "(no explanation)");
    if (mutated) {
      total++;
      bad += got == 0;
    }
  }
  printf("# %d of %d mutated histories are not linearizable\n", bad, total);
  ASSERT_GE(bad, total / 4);
}

/* Every answered op appears exactly once in the witness. */
static int witness_covers(const ifm_lin_op *h, size_t n) {
  static unsigned char seen[GEN_MAX];
  size_t i;
  memset(seen, 0, sizeof seen);
  for (i = 0; i < res.n_witness; i++) {
    if (res.witness[i] >= n || seen[res.witness[i]]) return 0;
    seen[res.witness[i]] = 1;
  }
  for (i = 0; i < n; i++)
    if (!seen[i] && h[i].status != 0) return 0;
  return 1;
}

/* Larger random histories with much overlap: all linearizable, with a
 * witness covering every answered op; mutated ones often are not, and a "no"
 * always comes with an explanation naming ops. */
static void linear_random_large(void) {
  static ifm_lin_op h[GEN_MAX];
  ifm_lin_init in;
  int round, bad = 0;
  rng_state = 0x1234567887654321ULL;
  for (round = 0; round < 300; round++) {
    size_t n = 20 + (size_t)rnd_n(GEN_MAX - 20);
    gen_history(h, n, 1 + rnd_u() * 20, &in);
    EXPECT_LIN(check(&in, h, n), 1);
    ASSERT(witness_covers(h, n));
    ASSERT(bf_replay(&in, h, n, 0, 0));
    mutate(h, n);
    if (check(&in, h, n) == 0) {
      bad++;
      ASSERT(res.explanation != NULL);
      ASSERT(res.n_culprits >= 1);
    }
  }
  printf("# %d of 300 mutated large histories are not linearizable\n", bad);
  ASSERT_GE(bad, 75);
}

static void linear_cleanup(void) { ifm_lin_result_clear(&res); }

IFM_TEST_MAIN(TEST(linear_random_vs_brute_force), TEST(linear_random_large), TEST(linear_cleanup))
