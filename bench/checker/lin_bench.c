/* lin_bench.c: how fast is the linearizability checker (runner/lin/ifm_linear.c)?
 * (bench/README.md, "Checker")
 *
 * Generates single-resource histories as the concurrent cases produce them:
 * rounds of requests released together by 32 clients, each op's response
 * computed by running the model at a random point inside its interval (so
 * the history is linearizable by construction), plus 4 background readers
 * whose GETs straddle the rounds. Then times ifm_lin_check on it (median of
 * RUNS), and on copies with one response changed in the middle of the
 * history (which must be found not linearizable).
 *
 * Scenarios (each about N ops, default 10,000):
 *   cas      24 PUT If-Match <current> + 8 GETs per round: one 204, 23 412
 *   readers  1 PUT If-Match + 31 GETs per round, half before and half after
 *   star     16 PUT If-Match: * (all 204, last one wins) + 16 GETs
 *   mixed    cas, star, PATCH, DELETE + If-None-Match: * re-create rounds,
 *            2% of requests without response (half of them took effect)
 * Mutations: "winner2": a 412 in the middle becomes a 204 (two winners);
 * "stale": a GET in the middle sees the version of 3 rounds before (found
 * by a static check); "older" (star, mixed): a GET sees the newest older
 * version that no static check rules out (no expected verdict: the search
 * decides whether some order of the rounds allows it).
 *
 * Last, the known worst case ("storm<W>"): W concurrent If-Match: * PUTs and
 * a contradiction after them.
 *
 *   lin_bench [N] [RUNS] [SEED]
 *
 * Environment: LIN_BENCH_DUMP=<scenario> prints that history to stderr, one
 * op a line; LIN_BENCH_NO_TIMEOUTS=1 leaves out the unanswered requests of
 * "mixed".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ifm_linear.h"

typedef struct bop {
  ifm_lin_op op;
  double lp;            /* when the model applied it */
  int tagv;             /* If-Match: the version whose tag was sent */
  int lost;             /* no response and never applied */
} bop;

static bop *ops;
static size_t n_ops, cap_ops;
static char (*tags)[16];
static uint64_t *vbody;
static int n_versions, cap_versions;
static int cur, exists;           /* the model */
typedef struct chg { double t; int v, e; } chg;
static chg *chgs;                 /* state changes, for background GETs */
static size_t n_chg, cap_chg;
static uint64_t rng = 88172645463325252ULL;

static uint64_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static double unif(double a, double b) { return a + (b - a) * (double)(rnd() % 1000000) / 1e6; }

static void *grow(void *p, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return p;
  *cap = *cap ? *cap * 2 : 1024;
  if (*cap < need) *cap = need;
  p = realloc(p, *cap * elem);
  if (!p) {
    perror("realloc");
    exit(1);
  }
  return p;
}

/* ops point into tags[]: it is allocated once, never moved. */
static int new_version(uint64_t body) {
  if (n_versions == cap_versions) {
    fprintf(stderr, "lin_bench: too many versions\n");
    exit(1);
  }
  snprintf(tags[n_versions], sizeof tags[n_versions], "\"v%d\"", n_versions);
  vbody[n_versions] = body;
  return n_versions++;
}

static void record(double t) {
  chgs = grow(chgs, &cap_chg, n_chg + 1, sizeof *chgs);
  chgs[n_chg].t = t;
  chgs[n_chg].v = cur;
  chgs[n_chg++].e = exists;
}

static bop *add(int client, ifm_lin_kind kind, ifm_lin_pre pre, double inv, double dur) {
  bop *b;
  ops = grow(ops, &cap_ops, n_ops + 1, sizeof *ops);
  b = &ops[n_ops++];
  memset(b, 0, sizeof *b);
  b->op.client = client;
  b->op.kind = kind;
  b->op.pre = pre;
  b->op.invoke_ms = inv;
  b->op.complete_ms = inv + dur;
  b->op.body = 1000000 + n_ops;
  b->lp = unif(inv, inv + dur);
  b->tagv = -1;
  if (pre == IFM_LIN_PRE_MATCH) {
    b->tagv = cur;
    b->op.tag = tags[cur];
    b->op.tag_len = strlen(tags[cur]);
  }
  return b;
}

static int lp_cmp(const void *a, const void *b) {
  const bop *x = *(bop *const *)a, *y = *(bop *const *)b;
  return x->lp < y->lp ? -1 : x->lp > y->lp;
}

/* Runs the model over ops[from..n_ops) in linearization-point order. */
static void apply(size_t from, double timeout_rate) {
  size_t n = n_ops - from, i;
  bop **v = malloc(n * sizeof *v);
  for (i = 0; i < n; i++) v[i] = &ops[from + i];
  qsort(v, n, sizeof *v, lp_cmp);
  for (i = 0; i < n; i++) {
    bop *b = v[i];
    ifm_lin_op *o = &b->op;
    int pre = 1, timed_out = timeout_rate > 0 && unif(0, 1) < timeout_rate;
    b->lost = timed_out && (rnd() & 1);
    switch (o->pre) {
    case IFM_LIN_PRE_MATCH: pre = exists && b->tagv == cur; break;
    case IFM_LIN_PRE_STAR: pre = exists; break;
    case IFM_LIN_PRE_NONE_MATCH_STAR: pre = !exists; break;
    default: break;
    }
    if (o->kind == IFM_LIN_READ) {
      o->status = exists ? 200 : 404;
      if (exists) {
        o->etag = tags[cur];
        o->etag_len = strlen(tags[cur]);
        o->resp_body = vbody[cur];
      }
    } else if (o->kind == IFM_LIN_DELETE) {
      o->status = !exists ? 404 : pre ? 204 : 412;
      if (exists && pre && !b->lost) {
        exists = 0;
        record(b->lp);
      }
    } else if (!pre) {
      o->status = o->kind == IFM_LIN_PATCH && !exists ? 404 : 412;
    } else {
      o->status = exists ? 204 : 201;
      if (!b->lost) {
        cur = new_version(o->kind == IFM_LIN_WRITE ? o->body : 5000000 + from + i);
        exists = 1;
        o->etag = tags[cur];
        o->etag_len = strlen(tags[cur]);
        record(b->lp);
      }
    }
    if (timed_out) {
      o->status = 0;
      o->complete_ms = -1;
      o->etag = NULL;
    }
  }
  free(v);
}

/* Background GETs see whatever state was current at their point. */
static void background(double t_end) {
  int c;
  for (c = 0; c < 4; c++) {
    double t = unif(0, 1);
    while (t < t_end) {
      double dur = unif(0.5, 8);
      bop *b = add(32 + c, IFM_LIN_READ, IFM_LIN_PRE_NONE, t, dur);
      size_t lo = 0, hi = n_chg;    /* last change at or before lp */
      int v = 0, e = 1;
      while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (chgs[mid].t <= b->lp) lo = mid + 1;
        else hi = mid;
      }
      if (lo) {
        v = chgs[lo - 1].v;
        e = chgs[lo - 1].e;
      }
      b->op.status = e ? 200 : 404;
      if (e) {
        b->op.etag = tags[v];
        b->op.etag_len = strlen(tags[v]);
        b->op.resp_body = vbody[v];
      }
      t += dur + unif(0, 1);
    }
  }
}

static void gen(const char *scenario, size_t target) {
  double t = 0;
  size_t round = 0;
  int mixed = !strcmp(scenario, "mixed");
  n_ops = 0;
  n_versions = 0;
  n_chg = 0;
  cur = new_version(42);
  exists = 1;
  while (n_ops < target) {
    size_t from = n_ops, i;
    int kind = mixed ? (int)(round % 6) : 0;
    double end = t;
    const char *sc = mixed ? (kind < 2 ? "cas" : kind == 2 ? "star" : kind == 3 ? "patch"
                              : kind == 4 ? "delete" : "create")
                           : scenario;
    for (i = 0; i < 32; i++) {
      double inv = t + unif(0, 0.3), dur = unif(0.5, 5);
      bop *b;
      if (!strcmp(sc, "cas")) {
        b = add((int)i, i < 24 ? IFM_LIN_WRITE : IFM_LIN_READ,
                i < 24 ? IFM_LIN_PRE_MATCH : IFM_LIN_PRE_NONE, inv, dur);
      } else if (!strcmp(sc, "readers")) {
        b = add((int)i, i == 0 ? IFM_LIN_WRITE : IFM_LIN_READ,
                i == 0 ? IFM_LIN_PRE_MATCH : IFM_LIN_PRE_NONE, inv, dur);
      } else if (!strcmp(sc, "star")) {
        b = add((int)i, i < 16 ? IFM_LIN_WRITE : IFM_LIN_READ,
                i < 16 ? IFM_LIN_PRE_STAR : IFM_LIN_PRE_NONE, inv, dur);
      } else if (!strcmp(sc, "patch")) {
        b = add((int)i, i < 16 ? IFM_LIN_PATCH : IFM_LIN_READ,
                i < 16 ? IFM_LIN_PRE_MATCH : IFM_LIN_PRE_NONE, inv, dur);
      } else if (!strcmp(sc, "delete")) {
        b = add((int)i, i < 4 ? IFM_LIN_DELETE : i < 12 ? IFM_LIN_WRITE : IFM_LIN_READ,
                i < 4 ? IFM_LIN_PRE_MATCH : i < 12 ? IFM_LIN_PRE_STAR : IFM_LIN_PRE_NONE,
                inv, dur);
      } else {
        b = add((int)i, i < 16 ? IFM_LIN_WRITE : IFM_LIN_READ,
                i < 16 ? IFM_LIN_PRE_NONE_MATCH_STAR : IFM_LIN_PRE_NONE, inv, dur);
      }
      if (b->op.complete_ms > end) end = b->op.complete_ms;
    }
    apply(from, mixed && !getenv("LIN_BENCH_NO_TIMEOUTS") ? 0.02 : 0);
    for (i = from; i < n_ops; i++)
      if (ops[i].op.complete_ms > end) end = ops[i].op.complete_ms;
    t = end + unif(0.05, 0.5);
    round++;
  }
  background(t);
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int dbl_cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Median ms of runs checks; prints one line. */
static void measure(const char *scenario, const char *what, const ifm_lin_op *h, size_t n,
                    int runs, double explain_ms, int want) {
  double *ms = malloc((size_t)runs * sizeof *ms);
  ifm_lin_init in = {1, "\"v0\"", 4, 42};
  ifm_lin_opts o;
  ifm_lin_result r;
  int k, verdict = -9;
  size_t states = 0, culprits = 0;
  memset(&o, 0, sizeof o);
  o.explain_ms = explain_ms;
  o.max_ms = 60000;
  for (k = 0; k < runs; k++) {
    double t0 = now_ms();
    ifm_lin_check(&in, h, n, &o, &r);
    ms[k] = now_ms() - t0;
    verdict = r.linearizable;
    states = r.states;
    culprits = r.n_culprits;
    if (k == 0 && verdict != want && r.explanation) fprintf(stderr, "%s", r.explanation);
    ifm_lin_result_clear(&r);
  }
  qsort(ms, (size_t)runs, sizeof *ms, dbl_cmp);
  printf("%-8s %-20s %6zu ops  verdict %2d%s  median %8.2f ms  (min %.2f, max %.2f)  "
         "%zu configurations%s", scenario, what, n, verdict,
         verdict == want || want == -2 ? "" : " (WRONG)",
         ms[runs / 2], ms[0], ms[runs - 1], states, culprits ? "" : "\n");
  if (culprits) printf(", %zu ops in the explanation\n", culprits);
  free(ms);
}

/* The newest version before the one op r saw whose producer was not
 * certainly replaced before r was sent (so that only the search can tell). */
static int older_version(const ifm_lin_op *h, size_t n, size_t r) {
  int v;
  for (v = atoi(h[r].etag + 2) - 1; v > 0; v--) {
    size_t w, z;
    for (w = 0; w < n; w++)
      if (h[w].kind != IFM_LIN_READ && h[w].etag == tags[v]) break;
    if (w == n || h[w].status < 200 || h[w].status > 299) continue;
    for (z = 0; z < n; z++)
      if (h[z].kind != IFM_LIN_READ && h[z].status >= 200 && h[z].status <= 299 &&
          h[z].invoke_ms > h[w].complete_ms && h[z].complete_ms < h[r].invoke_ms)
        break;
    if (z == n) return v;
  }
  return 0;
}

int main(int argc, char **argv) {
  static const char *scenarios[] = {"cas", "readers", "star", "mixed"};
  size_t target = argc > 1 ? (size_t)atol(argv[1]) : 10000, s;
  int runs = argc > 2 ? atoi(argv[2]) : 5;
  if (argc > 3) rng = (uint64_t)atoll(argv[3]) * 2654435761ULL + 1;
  if (runs < 1) runs = 1;
  cap_versions = (int)target + 64;
  tags = malloc((size_t)cap_versions * sizeof *tags);
  vbody = malloc((size_t)cap_versions * sizeof *vbody);
  if (!tags || !vbody) return 1;
  for (s = 0; s < sizeof scenarios / sizeof scenarios[0]; s++) {
    ifm_lin_op *h, *m;
    size_t n, i, mid;
    gen(scenarios[s], target);
    n = n_ops;
    h = malloc(n * sizeof *h);
    m = malloc(n * sizeof *m);
    for (i = 0; i < n; i++) h[i] = ops[i].op;
    if (getenv("LIN_BENCH_DUMP") && !strcmp(getenv("LIN_BENCH_DUMP"), scenarios[s]))
      for (i = 0; i < n; i++) {     /* the history, one op a line, in ifm_lin_describe's words */
        char *d = ifm_lin_describe(&h[i]);
        fprintf(stderr, "%zu %s\n", i, d);
        free(d);
      }
    measure(scenarios[s], "correct", h, n, runs, 0, 1);

    /* two winners: the first 412 from the middle on becomes a 204 */
    memcpy(m, h, n * sizeof *m);
    mid = n / 2;
    for (i = mid; i < n; i++)
      if (m[i].status == 412 && m[i].pre == IFM_LIN_PRE_MATCH && m[i].kind == IFM_LIN_WRITE) break;
    if (i < n) {
      m[i].status = 204;
      m[i].etag = "\"mutant\"";
      m[i].etag_len = 8;
      measure(scenarios[s], "winner2 (no explain)", m, n, runs, -1, 0);
      measure(scenarios[s], "winner2 (explained)", m, n, runs, 0, 0);
    }

    /* a stale GET: sees the version of 3 rounds ago */
    memcpy(m, h, n * sizeof *m);
    for (i = mid; i < n; i++)
      if (m[i].kind == IFM_LIN_READ && m[i].status == 200 && ops[i].op.client < 32) break;
    if (i < n) {
      int v = atoi(m[i].etag + 2) - 3;
      if (!strcmp(scenarios[s], "star") || !strcmp(scenarios[s], "mixed")) v -= 45;
      if (v < 0) v = 0;
      m[i].etag = tags[v];
      m[i].etag_len = strlen(tags[v]);
      m[i].resp_body = vbody[v];
      measure(scenarios[s], "stale (no explain)", m, n, runs, -1, 0);
      measure(scenarios[s], "stale (explained)", m, n, runs, 0, 0);
    }
    /* a GET sees a version from the previous round that a later one of
     * that round replaced: no static check sees it, only the search */
    memcpy(m, h, n * sizeof *m);
    for (i = mid; i < n; i++)
      if (m[i].kind == IFM_LIN_READ && m[i].status == 200 && ops[i].op.client < 32 &&
          atoi(m[i].etag + 2) > 40)
        break;
    if (i < n && (!strcmp(scenarios[s], "star") || !strcmp(scenarios[s], "mixed"))) {
      int v = older_version(m, n, i);
      m[i].etag = tags[v];
      m[i].etag_len = strlen(tags[v]);
      m[i].resp_body = vbody[v];
      measure(scenarios[s], "older (no explain)", m, n, runs, -1, -2);
      measure(scenarios[s], "older (explained)", m, n, runs, 0, -2);
    }
    /* a GET sees the ETag of one write with the body of another, both of
     * its round (a torn response): a static check pairs tags with bodies */
    memcpy(m, h, n * sizeof *m);
    for (i = mid; i < n; i++)
      if (m[i].kind == IFM_LIN_READ && m[i].status == 200 && ops[i].op.client < 32) break;
    if (i < n) {
      int v = atoi(m[i].etag + 2);
      m[i].resp_body = vbody[v > 1 ? v - 1 : v + 1];
      measure(scenarios[s], "torn (explained)", m, n, runs, 0, 0);
    }
    free(h);
    free(m);
  }
  /* The known worst case: W concurrent If-Match: * PUTs, a GET that sees
   * the k-th, then a PUT If-Match with the j-th's tag that succeeds. Not
   * linearizable, but only after trying every order of the W writes: the
   * configurations grow as 2^W. */
  {
    int w;
    for (w = 8; w <= 20; w += 4) {
      ifm_lin_op h[32];
      char name[32];
      int k;
      memset(h, 0, sizeof h);
      for (k = 0; k < w; k++) {
        h[k].client = k;
        h[k].kind = IFM_LIN_WRITE;
        h[k].pre = IFM_LIN_PRE_STAR;
        h[k].body = 700 + (uint64_t)k;
        h[k].status = 204;
        h[k].etag = tags[k + 1];
        h[k].etag_len = strlen(tags[k + 1]);
        h[k].invoke_ms = 0.01 * k;
        h[k].complete_ms = 5;
      }
      h[w] = h[0];
      h[w].kind = IFM_LIN_READ;
      h[w].pre = IFM_LIN_PRE_NONE;
      h[w].status = 200;
      h[w].resp_body = 700 + 3;
      h[w].etag = tags[4];
      h[w].etag_len = strlen(tags[4]);
      h[w].invoke_ms = 6;
      h[w].complete_ms = 7;
      h[w + 1] = h[0];
      h[w + 1].pre = IFM_LIN_PRE_MATCH;
      h[w + 1].tag = tags[2];
      h[w + 1].tag_len = strlen(tags[2]);
      h[w + 1].etag = "\"last\"";
      h[w + 1].etag_len = 6;
      h[w + 1].invoke_ms = 8;
      h[w + 1].complete_ms = 9;
      snprintf(name, sizeof name, "storm%d", w);
      measure(name, "(explained)", h, (size_t)w + 2, 1, 0, -2);
    }
  }
  free(ops);
  free(tags);
  free(vbody);
  free(chgs);
  return 0;
}
