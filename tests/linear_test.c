/* linear_test.c: the linearizability checker (runner/ifm_linear.c) on
 * hand-made histories whose verdicts are worked out in the comment above
 * each, and on random histories: produced by a real sequential run of the
 * model with random overlaps (so linearizable by construction), then with
 * one response mutated; for histories of at most 7 ops a brute-force checker
 * written here from the model's definition (every order of every subset of
 * the unanswered ops) must agree with the search on every one.
 *
 * Times are in ms; [a, b] is an op's invocation and completion. Tags are
 * entity-tags with their quotes. B0, B1, ... are body hashes.
 */
#include <math.h>
#include "ifm_linear.h"
#include "ifm_test.h"

#define E0 "\"e0\""
#define E1 "\"e1\""
#define E2 "\"e2\""
#define E3 "\"e3\""
#define E4 "\"e4\""
#define E9 "\"e9\""
enum { B0 = 100, B1, B2, B3, B4, B5, B6, B7, B8 };

static ifm_lin_op mk(int client, ifm_lin_kind kind, ifm_lin_pre pre, const char *tag,
                     uint64_t body, int status, const char *etag, uint64_t rbody,
                     double inv, double comp) {
  ifm_lin_op o;
  memset(&o, 0, sizeof o);
  o.client = client;
  o.kind = kind;
  o.pre = pre;
  o.tag = tag;
  o.tag_len = tag ? strlen(tag) : 0;
  o.body = body;
  o.status = status;
  o.etag = etag;
  o.etag_len = etag ? strlen(etag) : 0;
  o.resp_body = rbody;
  o.invoke_ms = inv;
  o.complete_ms = status ? comp : -1;
  return o;
}

/* GET -> status (etag, body) */
static ifm_lin_op rd(int c, int status, const char *etag, uint64_t body, double inv, double comp) {
  return mk(c, IFM_LIN_READ, IFM_LIN_PRE_NONE, NULL, 0, status, etag, body, inv, comp);
}

/* PUT body with precondition -> status (response etag) */
static ifm_lin_op put(int c, ifm_lin_pre pre, const char *tag, uint64_t body, int status,
                      const char *etag, double inv, double comp) {
  return mk(c, IFM_LIN_WRITE, pre, tag, body, status, etag, 0, inv, comp);
}

static ifm_lin_op patch(int c, ifm_lin_pre pre, const char *tag, int status, const char *etag,
                        double inv, double comp) {
  return mk(c, IFM_LIN_PATCH, pre, tag, 0, status, etag, 0, inv, comp);
}

static ifm_lin_op del(int c, ifm_lin_pre pre, const char *tag, int status, double inv,
                      double comp) {
  return mk(c, IFM_LIN_DELETE, pre, tag, 0, status, NULL, 0, inv, comp);
}

#define M IFM_LIN_PRE_MATCH
#define NONE IFM_LIN_PRE_NONE
#define STAR IFM_LIN_PRE_STAR
#define INM IFM_LIN_PRE_NONE_MATCH_STAR
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const ifm_lin_init init_e0 = {1, E0, 4, B0};
static const ifm_lin_init init_missing = {0, NULL, 0, 0};

static ifm_lin_result res;

static int check_o(const ifm_lin_init *in, const ifm_lin_op *ops, size_t n,
                   const ifm_lin_opts *o) {
  ifm_lin_result_clear(&res);
  if (ifm_lin_check(in, ops, n, o, &res) != 0) return -2;
  return res.linearizable;
}

static int check(const ifm_lin_init *in, const ifm_lin_op *ops, size_t n) {
  return check_o(in, ops, n, NULL);
}

#define EXPECT_LIN(expr, want)                                                \
  do {                                                                        \
    int got_ = (expr);                                                        \
    if (got_ != (want))                                                       \
      IFM_TEST_FAIL_("verdict %d, want %d; explanation: %s", got_, (want),    \
                     res.explanation ? res.explanation : "(none)");           \
  } while (0)

static int culprit(size_t i) {
  size_t k;
  for (k = 0; k < res.n_culprits; k++)
    if (res.culprits[k] == i) return 1;
  return 0;
}

/* One client, one op at a time: GET, PUT If-Match e0, GET, DELETE If-Match
 * e1, GET 404, PUT If-None-Match * (creates). Each is legal in the state the
 * previous one left, and nothing overlaps, so the only order is 0..5. */
static void linear_sequential(void) {
  ifm_lin_op h[] = {
    rd(1, 200, E0, B0, 0, 1),
    put(1, M, E0, B1, 204, E1, 2, 3),
    rd(1, 200, E1, B1, 4, 5),
    del(1, M, E1, 204, 6, 7),
    rd(1, 404, NULL, 0, 8, 9),
    put(1, INM, NULL, B2, 201, E2, 10, 11),
  };
  size_t i;
  EXPECT_LIN(check(&init_e0, h, N_OF(h)), 1);
  ASSERT_EQ(res.n_witness, 6);
  for (i = 0; i < 6; i++) ASSERT_EQ(res.witness[i], i);
  ASSERT_EQ(res.etag_functional, 1);
  ASSERT(res.explanation == NULL);
}

/* Two clients hold e0 and race. One 204 and one 412: the winner first, then
 * the loser's If-Match e0 fails against e1 - linearizable, and the loser must
 * come second. Both 204: whichever goes first changes the tag to its e1/e2,
 * so the other's If-Match e0 fails - no order allows both. */
static void linear_race_one_winner(void) {
  ifm_lin_op h[] = {
    put(1, M, E0, B1, 204, E1, 0, 10),
    put(2, M, E0, B2, 412, NULL, 1, 9),
  };
  EXPECT_LIN(check(&init_e0, h, 2), 1);
  ASSERT_EQ(res.n_witness, 2);
  ASSERT_EQ(res.witness[0], 0);
  h[1].status = 204;
  h[1].etag = E2;
  h[1].etag_len = 4;
  EXPECT_LIN(check(&init_e0, h, 2), 0);
  ASSERT_CONTAINS(res.explanation, "both succeeded against the same ETag \"e0\"");
  ASSERT_CONTAINS(res.explanation, "op 0");
  ASSERT_CONTAINS(res.explanation, "op 1");
  ASSERT_EQ(res.n_culprits, 2);
}

/* Three writers race on e0; client 2 wins (e2), 1 and 3 get 412 after it.
 * Client 4 then uses the winner's e2 (invoked after all three completed) and
 * wins again (e4); the final GET sees e4/B4. Order: the winner (op 1) first,
 * the losers 0 and 2 in either order, then 3 and 4 - linearizable. If client 4 instead used the stale e0
 * and still got 204, no order works: it was invoked after the race was over,
 * when the tag was e2, and nothing brings e0 back. */
static void linear_three_writers(void) {
  ifm_lin_op h[] = {
    put(1, M, E0, B1, 412, NULL, 0, 10),
    put(2, M, E0, B2, 204, E2, 0.5, 9),
    put(3, M, E0, B3, 412, NULL, 1, 8),
    put(4, M, E2, B4, 204, E4, 11, 12),
    rd(5, 200, E4, B4, 13, 14),
  };
  EXPECT_LIN(check(&init_e0, h, N_OF(h)), 1);
  ASSERT_EQ(res.n_witness, 5);
  ASSERT_EQ(res.witness[0], 1);
  ASSERT_EQ(res.witness[3], 3);
  h[3].tag = E0;
  EXPECT_LIN(check(&init_e0, h, N_OF(h)), 0);
  /* Two ops already contradict each other: client 4's 204 with the stale e0
   * and either the winner's 204 with e0 or a loser's 412 with e0 that
   * completed before client 4 started (e0 was already gone then). */
  ASSERT_EQ(res.n_culprits, 2);
  ASSERT(culprit(3));
  ASSERT(culprit(0) || culprit(1) || culprit(2));
}

/* A GET that sees the new version e1/B1 while the PUT producing it is still
 * in flight: the PUT takes effect first, then the GET - linearizable. If the
 * GET completed before the PUT was even sent, it saw a version from the
 * future: the GET must come first and then sees e0/B0, not e1/B1 - not
 * linearizable, and both ops are to blame. */
static void linear_read_overlap(void) {
  ifm_lin_op h[] = {
    put(1, M, E0, B1, 204, E1, 0, 10),
    rd(2, 200, E1, B1, 5, 6),
  };
  ifm_lin_op g[] = { rd(2, 200, E1, B1, 0, 1), put(1, M, E0, B1, 204, E1, 2, 10) };
  EXPECT_LIN(check(&init_e0, h, 2), 1);
  ASSERT_EQ(res.witness[0], 0);
  EXPECT_LIN(check(&init_e0, g, 2), 0);
  ASSERT(culprit(0));
  ASSERT(culprit(1));
}

/* A stale read: the PUT (e0 -> e1) completed at 1, the GET was sent at 2 and
 * still saw e0/B0. It must come after the PUT, where the state is e1/B1 -
 * not linearizable. With the GET overlapping the PUT it is fine (GET first).
 * A stale read three versions back, through a chain of If-Match writes, is
 * reported with the op that produced the tag and the one that replaced it. */
static void linear_stale_read(void) {
  ifm_lin_op h[] = {
    put(1, M, E0, B1, 204, E1, 0, 1),
    rd(2, 200, E0, B0, 2, 3),
  };
  EXPECT_LIN(check(&init_e0, h, 2), 0);
  ASSERT_EQ(res.n_culprits, 2);
  ASSERT_CONTAINS(res.explanation, "op 1 saw ETag \"e0\" of the initial state, but op 0 "
                                   "replaced that state before op 1 was sent");
  h[1].invoke_ms = 0.5;
  EXPECT_LIN(check(&init_e0, h, 2), 1);
  ASSERT_EQ(res.witness[0], 1);
  {
    ifm_lin_op g[] = {
      put(1, M, E0, B1, 204, E1, 0, 1),
      put(1, M, E1, B2, 204, E2, 2, 3),
      put(1, M, E2, B3, 204, E3, 4, 5),
      rd(2, 200, E1, B1, 3.5, 6),     /* overlaps the third PUT only */
    };
    EXPECT_LIN(check(&init_e0, g, 4), 0);
    ASSERT_EQ(res.n_culprits, 3);
    ASSERT(culprit(0) && culprit(1) && culprit(3));
    ASSERT_CONTAINS(res.explanation, "which only op 0 produced, but op 1, sent after op 0 "
                                     "completed, replaced it before op 3 was sent");
  }
}

/* A PUT If-Match e0 that timed out (no response). (a) A later GET sees
 * e0/B0: it never happened - linearizable, and it is not in the witness.
 * (b) A later GET sees B1 with a tag nobody returned (e9): it happened, its
 * fresh tag binds to e9 - linearizable. (c) GET e0/B0 then GET e9/B1: it
 * happened late, between the two - linearizable. (d) GET e9/B1 then GET
 * e0/B0: once it happened nothing restores e0/B0 - not linearizable.
 * (e) A later If-Match e9 succeeds after a GET saw e9: fine; without that GET
 * no client could have known the fresh tag, so e9 never matches - not. */
static void linear_unknown_ops(void) {
  ifm_lin_op a[] = { put(1, M, E0, B1, 0, NULL, 0, 0), rd(2, 200, E0, B0, 20, 21) };
  ifm_lin_op b[] = { put(1, M, E0, B1, 0, NULL, 0, 0), rd(2, 200, E9, B1, 20, 21) };
  ifm_lin_op c[] = { put(1, M, E0, B1, 0, NULL, 0, 0), rd(2, 200, E0, B0, 20, 21),
                     rd(2, 200, E9, B1, 22, 23) };
  ifm_lin_op d[] = { put(1, M, E0, B1, 0, NULL, 0, 0), rd(2, 200, E9, B1, 20, 21),
                     rd(2, 200, E0, B0, 22, 23) };
  ifm_lin_op e[] = { put(1, M, E0, B1, 0, NULL, 0, 0), rd(2, 200, E9, B1, 20, 21),
                     put(2, M, E9, B2, 204, E2, 22, 23) };
  ifm_lin_op f[] = { put(1, M, E0, B1, 0, NULL, 0, 0), put(2, M, E9, B2, 204, E2, 22, 23) };
  EXPECT_LIN(check(&init_e0, a, 2), 1);
  ASSERT_EQ(res.n_witness, 1);
  ASSERT_EQ(res.witness[0], 1);
  EXPECT_LIN(check(&init_e0, b, 2), 1);
  ASSERT_EQ(res.n_witness, 2);
  ASSERT_EQ(res.witness[0], 0);
  EXPECT_LIN(check(&init_e0, c, 3), 1);
  ASSERT_EQ(res.witness[0], 1);
  ASSERT_EQ(res.witness[1], 0);
  EXPECT_LIN(check(&init_e0, d, 3), 0);
  EXPECT_LIN(check(&init_e0, e, 3), 1);
  EXPECT_LIN(check(&init_e0, f, 2), 0);
}

/* A timed-out DELETE: a GET after it may see the resource (it never
 * happened) or 404 (it did), but not 404 and then the resource again. */
static void linear_unknown_delete(void) {
  ifm_lin_op h[] = { del(1, NONE, NULL, 0, 0, 0), rd(2, 404, NULL, 0, 5, 6),
                     rd(2, 200, E0, B0, 7, 8) };
  EXPECT_LIN(check(&init_e0, h, 2), 1);
  h[1] = rd(2, 200, E0, B0, 5, 6);
  EXPECT_LIN(check(&init_e0, h, 2), 1);
  h[1] = rd(2, 404, NULL, 0, 5, 6);
  EXPECT_LIN(check(&init_e0, h, 3), 0);
}

/* DELETE races PUT If-Match: *, both 204. Order PUT then DELETE works (the
 * PUT finds it existing, the DELETE removes it), and a later GET must see
 * 404. If the GET sees the PUT's version instead, the PUT came after the
 * DELETE, on a missing resource, where If-Match: * is false and it must not
 * have succeeded: If-Match: * never recreates - not linearizable. With the
 * cpp profile's star_creates it may, and then it is linearizable. */
static void linear_delete_vs_star(void) {
  ifm_lin_op h[] = {
    del(1, NONE, NULL, 204, 0, 10),
    put(2, STAR, NULL, B1, 204, E1, 1, 9),
    rd(3, 404, NULL, 0, 11, 12),
  };
  ifm_lin_opts cpp;
  EXPECT_LIN(check(&init_e0, h, 3), 1);
  ASSERT_EQ(res.witness[0], 1);
  h[2] = rd(3, 200, E1, B1, 11, 12);
  EXPECT_LIN(check(&init_e0, h, 3), 0);
  memset(&cpp, 0, sizeof cpp);
  cpp.star_creates = 1;
  EXPECT_LIN(check_o(&init_e0, h, 3, &cpp), 1);
  ASSERT_EQ(res.witness[0], 0);
}

/* Three If-None-Match: * PUTs race to create a missing resource. One 201
 * and two 412: the creator first, then the others find it existing -
 * linearizable. Two 201s: the second would find it existing - not. */
static void linear_create_once(void) {
  ifm_lin_op h[] = {
    put(1, INM, NULL, B1, 412, NULL, 0, 10),
    put(2, INM, NULL, B2, 201, E2, 1, 9),
    put(3, INM, NULL, B3, 412, NULL, 2, 8),
  };
  EXPECT_LIN(check(&init_missing, h, 3), 1);
  ASSERT_EQ(res.witness[0], 1);
  h[2].status = 201;
  h[2].etag = E3;
  h[2].etag_len = 4;
  EXPECT_LIN(check(&init_missing, h, 3), 0);
  ASSERT_EQ(res.n_culprits, 2);
  ASSERT(culprit(1) && culprit(2));
}

/* IM-ETAG-FUNCTIONAL. (a) Two PUTs both answered ETag e1 for different
 * bodies: the model alone cannot tell (a server may reuse a tag for equal
 * content), so the history is linearizable, but the tag came with two bodies.
 * (b) Two PUTs without response ETag, and GETs see e5 with B1 and later e5
 * with B2: the functional check flags the two GETs, and the model too - the
 * second fresh tag cannot bind to e5, already bound before. */
static void linear_etag_functional(void) {
  ifm_lin_op a[] = {
    put(1, NONE, NULL, B1, 204, E1, 0, 1),
    put(1, NONE, NULL, B2, 204, E1, 2, 3),
  };
  ifm_lin_op b[] = {
    put(1, NONE, NULL, B1, 204, NULL, 0, 1),
    rd(2, 200, "\"e5\"", B1, 2, 3),
    put(1, NONE, NULL, B2, 204, NULL, 4, 5),
    rd(2, 200, "\"e5\"", B2, 6, 7),
  };
  EXPECT_LIN(check(&init_e0, a, 2), 1);
  ASSERT_EQ(res.etag_functional, 0);
  ASSERT_EQ(res.etag_ops[0], 0);
  ASSERT_EQ(res.etag_ops[1], 1);
  ASSERT_CONTAINS(res.etag_explanation, "\"e1\"");
  EXPECT_LIN(check(&init_e0, b, 4), 0);
  ASSERT_EQ(res.etag_functional, 0);
  ASSERT_EQ(res.etag_ops[0], 1);
  ASSERT_EQ(res.etag_ops[1], 3);
  /* the initial state counts as a sighting */
  a[0] = rd(1, 200, E0, B3, 0, 1);
  check(&init_e0, a, 1);
  ASSERT_EQ(res.etag_functional, 0);
  ASSERT(res.etag_ops[0] == SIZE_MAX);
}

/* A 500 is not an answer the model has: not linearizable, whatever else
 * happened, and the report names that op. A 409 likewise, unless the profile
 * allows it as a failed precondition: then the race is one 204 and one 409
 * and linearizable. */
static void linear_bad_status(void) {
  ifm_lin_op h[] = {
    put(1, M, E0, B1, 204, E1, 0, 10),
    put(2, M, E0, B2, 500, NULL, 1, 9),
  };
  ifm_lin_opts o;
  EXPECT_LIN(check(&init_e0, h, 2), 0);
  ASSERT_EQ(res.n_culprits, 1);
  ASSERT_EQ(res.culprits[0], 1);
  ASSERT_CONTAINS(res.explanation, "op 1");
  ASSERT_CONTAINS(res.explanation, "status 500");
  h[1].status = 409;
  EXPECT_LIN(check(&init_e0, h, 2), 0);
  memset(&o, 0, sizeof o);
  o.allow_409 = 1;
  EXPECT_LIN(check_o(&init_e0, h, 2, &o), 1);
}

/* If-Match: * on a missing resource: 412 by default, so a 204 is not
 * linearizable; with star_creates (cpp) it creates. */
static void linear_star_creates(void) {
  ifm_lin_op h[] = { put(1, STAR, NULL, B1, 204, E1, 0, 1), rd(1, 200, E1, B1, 2, 3) };
  ifm_lin_opts o;
  EXPECT_LIN(check(&init_missing, h, 2), 0);
  memset(&o, 0, sizeof o);
  o.star_creates = 1;
  EXPECT_LIN(check_o(&init_missing, h, 2, &o), 1);
  h[0].status = 412;
  h[0].etag = NULL;
  h[1] = rd(1, 404, NULL, 0, 2, 3);
  EXPECT_LIN(check(&init_missing, h, 2), 1);
  EXPECT_LIN(check_o(&init_missing, h, 2, &o), 0);
}

/* PATCH leaves an unknown body: the first GET binds it (B7), a later GET of
 * the same version must see B7 again, not B8. A GET seeing a body no PUT sent
 * and no PATCH could have made (no PATCH at all) is impossible outright. */
static void linear_patch(void) {
  ifm_lin_op h[] = {
    patch(1, M, E0, 204, E1, 0, 1),
    rd(2, 200, E1, B7, 2, 3),
    rd(2, 200, E1, B8, 4, 5),
  };
  ifm_lin_op g[] = { put(1, NONE, NULL, B1, 204, E1, 0, 1), rd(2, 200, E1, B7, 2, 3) };
  EXPECT_LIN(check(&init_e0, h, 2), 1);
  EXPECT_LIN(check(&init_e0, h, 3), 0);
  EXPECT_LIN(check(&init_e0, g, 2), 0);
  ASSERT_CONTAINS(res.explanation, "body that no write produced");
  /* PATCH on a missing resource may answer 404 */
  h[0] = patch(1, NONE, NULL, 404, NULL, 0, 1);
  EXPECT_LIN(check(&init_missing, h, 1), 1);
}

/* Two resources: the first is fine, the second has two winners; the verdict
 * is about resource 1. */
static void linear_resources(void) {
  ifm_lin_op h[] = {
    put(1, M, E0, B1, 204, E1, 0, 10),
    put(2, M, E0, B2, 412, NULL, 1, 9),
    put(3, M, E0, B3, 204, E1, 0, 10),
    put(4, M, E0, B4, 204, E2, 1, 9),
  };
  ifm_lin_init in[2] = { {1, E0, 4, B0}, {1, E0, 4, B0} };
  h[2].resource = h[3].resource = 1;
  ifm_lin_result_clear(&res);
  ASSERT_EQ(ifm_lin_check_resources(in, 2, h, 4, NULL, &res), 0);
  ASSERT_EQ(res.linearizable, 0);
  ASSERT_EQ(res.resource, 1);
  ASSERT_CONTAINS(res.explanation, "resource 1");
  h[3].status = 412;
  h[3].etag = NULL;
  ifm_lin_result_clear(&res);
  ASSERT_EQ(ifm_lin_check_resources(in, 2, h, 4, NULL, &res), 0);
  ASSERT_EQ(res.linearizable, 1);
  ASSERT_EQ(res.n_witness, 4);
  h[0].resource = 2;
  ifm_lin_result_clear(&res);
  ASSERT_EQ(ifm_lin_check_resources(in, 2, h, 4, NULL, &res), -1);
}

/* The worst case for a naive search: 64 concurrent GETs around one PUT, half
 * seeing the old version and half the new, plus 24 concurrent If-Match: *
 * PUTs of which the last GET shows one. Both are linearizable and must be
 * found with few configurations (observers are committed at once, unobserved
 * writes are tried before the observed one). */
static void linear_many_readers(void) {
  ifm_lin_op h[64 + 1 + 24 + 1];
  size_t n = 0, i;
  h[n++] = put(0, M, E0, B1, 204, E1, 0, 100);
  for (i = 0; i < 64; i++)
    h[n++] = i % 2 ? rd((int)i + 1, 200, E1, B1, 1 + (double)i, 99)
                   : rd((int)i + 1, 200, E0, B0, 1 + (double)i, 99);
  EXPECT_LIN(check(&init_e0, h, n), 1);
  ASSERT(res.states < 1000);
  {
    static char tags[24][8];
    n = 0;
    for (i = 0; i < 24; i++) {
      snprintf(tags[i], sizeof tags[i], "\"s%zu\"", i);
      h[n++] = put((int)i, STAR, NULL, 1000 + i, 204, tags[i], (double)i * 0.1, 50);
    }
    h[n++] = rd(99, 200, tags[7], 1007, 51, 52);
    EXPECT_LIN(check(&init_e0, h, n), 1);
    ASSERT(res.states < 1000);
    ASSERT_EQ(res.witness[23], 7);
  }
}

/* A torn response: two concurrent PUTs (e1/B1, e2/B2) and a GET that saw e1
 * with B2. Every state with tag e1 has body B1 (only op 0 produces e1), so no
 * state matches - not linearizable, and that GET alone is the explanation. */
static void linear_torn(void) {
  ifm_lin_op h[] = {
    put(1, STAR, NULL, B1, 204, E1, 0, 10),
    put(2, STAR, NULL, B2, 204, E2, 0, 10),
    rd(3, 200, E1, B2, 1, 9),
  };
  EXPECT_LIN(check(&init_e0, h, 3), 0);
  ASSERT_EQ(res.n_culprits, 1);
  ASSERT_EQ(res.culprits[0], 2);
  ASSERT_CONTAINS(res.explanation, "a body that no write produced together with it");
}

/* 16 concurrent If-Match: * PUTs, a GET after all of them that saw the 4th,
 * and then a PUT If-Match with the 2nd's tag that succeeded. After the GET
 * the tag is "s3" and nothing changes it before the last PUT, which needs
 * "s1": not linearizable. The search alone would try all 2^16 orders of the
 * storm; the window [GET, last PUT] is contradictory by itself (from any
 * state) and settles it, naming just those two ops. */
static void linear_storm_refuted(void) {
  static char tags[16][8];
  ifm_lin_op h[18];
  size_t i;
  for (i = 0; i < 16; i++) {
    snprintf(tags[i], sizeof tags[i], "\"s%zu\"", i);
    h[i] = put((int)i, STAR, NULL, 1000 + i, 204, tags[i], (double)i * 0.01, 5);
  }
  h[16] = rd(20, 200, tags[3], 1003, 6, 7);
  h[17] = put(21, M, tags[1], B1, 204, E9, 8, 9);
  EXPECT_LIN(check(&init_e0, h, 18), 0);
  ASSERT_EQ(res.n_culprits, 2);
  ASSERT(culprit(16) && culprit(17));
  /* with the last PUT using "s3" it is fine, and found at once */
  h[17].tag = tags[3];
  EXPECT_LIN(check(&init_e0, h, 18), 1);
  ASSERT(res.states < 100);
}

/* Unanswered If-Match: * PUTs are tried only when they unblock something:
 * 20 timed-out ones from the start, then 50 rounds of a conditional PUT and
 * a GET; the last GET sees the body of timed-out op 7 with a tag nobody
 * returned (it took effect last, its fresh tag bound by that GET). */
static void linear_pending_just_in_time(void) {
  static char tags[51][8];
  ifm_lin_op h[20 + 100 + 1];
  size_t n = 0, i;
  for (i = 0; i < 20; i++) h[n++] = put((int)i, STAR, NULL, 2000 + i, 0, NULL, 0.1 * (double)i, 0);
  snprintf(tags[0], sizeof tags[0], "%s", E0);
  for (i = 1; i <= 50; i++) {
    snprintf(tags[i], sizeof tags[i], "\"r%zu\"", i);
    h[n++] = put(30, M, tags[i - 1], 3000 + i, 204, tags[i], 10.0 * (double)i, 10.0 * (double)i + 2);
    h[n++] = rd(31, 200, tags[i], 3000 + i, 10.0 * (double)i + 3, 10.0 * (double)i + 4);
  }
  h[n++] = rd(32, 200, "\"fresh\"", 2007, 600, 601);
  EXPECT_LIN(check(&init_e0, h, n), 1);
  ASSERT(res.states < 1000);
  ASSERT_EQ(res.n_witness, 102);
  ASSERT_EQ(res.witness[100], 7);
}

/* ---- random histories and the brute-force oracle ----------------------- */

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
  const char *bound_tag[512];
  size_t bound_tag_len[512];
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

static int bf_tag_fixed(const bf *b, const char *t, size_t tl) {
  size_t i;
  if (b->init->exists && b->init->etag && bf_tag_eq(b->init->etag, b->init->etag_len, t, tl))
    return 1;
  for (i = 0; i < b->n; i++) {
    const ifm_lin_op *o = &b->ops[i];
    if ((o->kind == IFM_LIN_WRITE || o->kind == IFM_LIN_PATCH) && !bf_pending(o) &&
        o->status >= 200 && o->status < 300 && o->etag &&
        bf_tag_eq(o->etag, o->etag_len, t, tl))
      return 1;
  }
  return 0;
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
  int ok = 0, pend = bf_pending(o), s = o->status, pre = 0;
  int succ = pend || (s >= 200 && s < 300);
  int fail = !pend && (s == 412 || (s == 409 && b->allow_409)) && o->kind != IFM_LIN_READ;
  *ns = *st;
  switch (o->pre) {
  case IFM_LIN_PRE_NONE: pre = 1; break;
  case IFM_LIN_PRE_MATCH:
    pre = st->exists && !st->fresh && bf_tag_eq(st->tag, st->tag_len, o->tag, o->tag_len);
    break;
  case IFM_LIN_PRE_STAR: pre = st->exists || b->star_creates; break;
  default: pre = !st->exists; break;
  }
  if (o->kind == IFM_LIN_READ) {
    if (s == 404) ok = !st->exists;
    else if (s >= 200 && s < 300 && st->exists) {
      ok = 1;
      if (o->etag && st->fresh) {
        int j;
        if (bf_tag_fixed(b, o->etag, o->etag_len)) ok = 0;
        for (j = 0; j < *nt; j++)
          if (bf_tag_eq(b->bound_tag[j], b->bound_tag_len[j], o->etag, o->etag_len)) ok = 0;
        if (ok) {
          b->bound_tag[*nt] = o->etag;
          b->bound_tag_len[(*nt)++] = o->etag_len;
          ns->fresh = 0;
          ns->tag = o->etag;
          ns->tag_len = o->etag_len;
        }
      } else if (o->etag && !bf_tag_eq(st->tag, st->tag_len, o->etag, o->etag_len)) {
        ok = 0;
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
    } else if (fail) {
      ok = st->exists && !pre;
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
      ok = !pre;
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

static void linear_describe(void) {
  ifm_lin_op o = put(3, M, E1, 0xab, 204, E2, 1, 2.5);
  char *s = ifm_lin_describe(&o);
  ASSERT_STREQ(s, "client 3 PUT If-Match \"e1\" body 0x00000000000000ab -> 204 ETag \"e2\" "
                  "[1.000, 2.500] ms");
  free(s);
  o = del(4, INM, NULL, 0, 1, 0);
  s = ifm_lin_describe(&o);
  ASSERT_STREQ(s, "client 4 DELETE If-None-Match * -> no response [1.000, -] ms");
  free(s);
}

static void linear_cleanup(void) { ifm_lin_result_clear(&res); }

IFM_TEST_MAIN(TEST(linear_sequential), TEST(linear_race_one_winner), TEST(linear_three_writers),
              TEST(linear_read_overlap), TEST(linear_stale_read), TEST(linear_unknown_ops),
              TEST(linear_unknown_delete), TEST(linear_delete_vs_star),
              TEST(linear_create_once), TEST(linear_etag_functional), TEST(linear_bad_status),
              TEST(linear_star_creates), TEST(linear_patch), TEST(linear_resources),
              TEST(linear_many_readers), TEST(linear_torn), TEST(linear_storm_refuted),
              TEST(linear_pending_just_in_time), TEST(linear_random_vs_brute_force),
              TEST(linear_random_large), TEST(linear_describe), TEST(linear_cleanup))
