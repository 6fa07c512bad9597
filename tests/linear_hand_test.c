/* linear_hand_test.c: the linearizability checker (runner/lin/) on
 * hand-made histories whose verdicts are worked out in the comment above
 * each: races with one or two winners, stale and torn reads, unanswered
 * requests, DELETE and If-Match: *, creation, IM-ETAG-FUNCTIONAL, statuses
 * outside the model, PATCH, several resources, and histories large enough
 * that a naive search would not finish (many readers, a storm of writes).
 * Split from the former tests/linear_test.c; the random histories are in
 * linear_random_test.c.
 */
#include "ifm_test.h"
#include "linear_fixture.h"

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
 * with B2: the functional check flags the two GETs, and the model too - a
 * tag that came with two bodies names neither, so no state shows it. */
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

/* Azurite's DELETE answers 202 (RFC 9110 9.3.5 allows it). IM-RACE-CREATE-
 * star-vs-delete: the read before saw the blob (its tag T0, body B0); eight
 * clients, the even ones DELETE If-Match: *, the odd ones PUT If-Match: *, all
 * concurrent; client 0's DELETE got 202, every other request 412, and the
 * read after 404. Linearizable: the 202 DELETE first, then the resource is
 * missing, "*" is false (13.1.1) and each 412 is right. The DELETEs' 412 is
 * legal there too: 13.2.1 would have them answer 404 on a missing resource,
 * but that is IM-ABSENT-OTHER's question, judged by its own cases; the race
 * judges atomicity, and a 412 on a missing resource changes nothing.
 * A PUT If-Match: * answered 412 that completed before any DELETE was sent
 * failed while the resource certainly existed: not linearizable, and it is
 * named; with no DELETE at all the one-op explanation says why. */
static void linear_delete_202_star_race(void) {
  static const char t0[] = "\"0x2124EBE1E23C400\"";
  const ifm_lin_init in = {1, t0, sizeof t0 - 1, B0};
  ifm_lin_op h[9], g[3];
  size_t i, n = 0;
  for (i = 0; i < 8; i++) {
    double inv = 24.2 + 0.01 * (double)i;
    if (i % 2 == 0) h[n++] = del((int)i, STAR, NULL, i == 0 ? 202 : 412, inv, 50 + (double)i);
    else h[n++] = put((int)i, STAR, NULL, B1 + i, 412, NULL, inv, 52 + (double)i);
  }
  h[n++] = rd(-1, 404, NULL, 0, 61, 62);
  EXPECT_LIN(check(&in, h, n), 1);
  ASSERT_EQ(res.n_witness, 9);
  ASSERT_EQ(res.witness[0], 0);
  /* a PUT * that failed before any DELETE was sent */
  h[1].invoke_ms = 1;
  h[1].complete_ms = 2;
  EXPECT_LIN(check(&in, h, n), 0);
  ASSERT(culprit(1));
  g[0] = put(1, STAR, NULL, B1, 412, NULL, 1, 2);
  g[1] = rd(-1, 200, t0, B0, 3, 4);
  EXPECT_LIN(check(&in, g, 2), 0);
  ASSERT_CONTAINS(res.explanation, "its If-Match: * failed, but the resource always exists");
  /* a DELETE * answered 412 while the resource exists is no better */
  g[0] = del(1, STAR, NULL, 412, 1, 2);
  EXPECT_LIN(check(&in, g, 2), 0);
  /* ... nor a DELETE without precondition answered 412, missing or not */
  g[0] = del(0, NONE, NULL, 204, 1, 2);
  g[1] = del(1, NONE, NULL, 412, 3, 4);
  EXPECT_LIN(check(&in, g, 2), 0);
}

/* rclone serve webdav: its strong ETag is hex(mtime) hex(size), and during a
 * PUT of 64 KiB its GETs serve the old body with a tag of the bytes written
 * so far (...4000, ...8000), then the new body with the PUT's tag. A strong
 * validator "might change for reasons other than a change to the
 * representation data" (RFC 9110 8.8.1), and no tag came with two bodies:
 * each re-tags the state it shows - linearizable. So is a GET of the new
 * body under a passing tag and then under the PUT's (a tag may come back to
 * the body it names), and an If-Match of the old tag that succeeds after a
 * re-tag while the body is still B0 (the tag still names the current data;
 * whether the server's tag had gone back cannot be refuted). After the data
 * changed, If-Match of a passing tag of the old data must fail: a 204 is a
 * lost update - not linearizable. A 412 for the tag the last GET showed, with
 * no re-tag in sight, stays a fault. */
static void linear_retag_rclone(void) {
  static const char t0[] = "\"18ee8ef3ccd346b8d\"", t4[] = "\"18ee8ef3ccd346b84000\"",
                    t8[] = "\"18ee8ef3ccd346b88000\"", t10[] = "\"18ee8ef3ccd346b810000\"",
                    tp[] = "\"18ee8ef3cd51efd08f2e\"", tf[] = "\"18ee8ef3cd51efd01000e\"";
  const ifm_lin_init in = {1, t0, sizeof t0 - 1, B0};
  ifm_lin_op h[] = {
    put(0, STAR, NULL, B1, 201, tf, 3.8, 15.3),
    rd(1, 200, t0, B0, 3.9, 5),
    rd(2, 200, t4, B0, 4.1, 6),
    rd(4, 200, t8, B0, 6.5, 9),
    put(3, STAR, NULL, B2, 0, NULL, 4.2, 0),     /* 423 Locked: unknown */
    rd(5, 200, t10, B0, 9.5, 13),
    rd(7, 200, tp, B1, 9.6, 15.0),
    rd(-1, 200, tf, B1, 15.6, 16.3),
  };
  ifm_lin_op g[] = {
    rd(1, 200, t4, B0, 1, 2),
    put(2, M, t0, B1, 204, E1, 3, 4),           /* the old tag, data unchanged */
    rd(1, 200, E1, B1, 5, 6),
  };
  ifm_lin_op k[] = {
    rd(1, 200, t4, B0, 1, 2),
    put(2, STAR, NULL, B1, 204, E1, 3, 4),
    put(3, M, t4, B2, 204, E2, 5, 6),           /* a passing tag of the old data */
  };
  ifm_lin_op f[] = {
    rd(1, 200, t0, B0, 1, 2),
    put(2, M, t0, B1, 412, NULL, 3, 4),
    rd(1, 200, t0, B0, 5, 6),
  };
  EXPECT_LIN(check(&in, h, N_OF(h)), 1);
  ASSERT_EQ(res.etag_functional, 1);
  EXPECT_LIN(check(&in, g, N_OF(g)), 1);
  ASSERT_EQ(res.witness[0], 0);
  g[0].complete_ms = 3.5;                        /* overlapping: either order */
  EXPECT_LIN(check(&in, g, N_OF(g)), 1);
  EXPECT_LIN(check(&in, k, N_OF(k)), 0);
  ASSERT(culprit(2));
  k[2].status = 412;                             /* right: the data changed */
  k[2].etag = NULL;
  EXPECT_LIN(check(&in, k, N_OF(k)), 1);
  EXPECT_LIN(check(&in, f, N_OF(f)), 0);
  f[0].etag = t4;                                /* the 412 after a re-tag: right */
  f[2].etag = t4;
  EXPECT_LIN(check(&in, f, N_OF(f)), 1);
}

/* What re-tags do not excuse. (a) A torn read: during a PUT of B1 a GET got a
 * body no write produced (rclone: the first 13 bytes of the new body) under a
 * passing tag - not linearizable, that GET alone. (b) A passing tag seen with
 * the first write's body and later with the second's (rclone: "...8f2e"): it
 * names neither body, so no state shows it - not linearizable, and
 * IM-ETAG-FUNCTIONAL fails on the two GETs. (c) The old tag with the new body
 * is no re-tag either: the old tag names the old body. */
static void linear_retag_limits(void) {
  static const char t0[] = "\"18ee8ef3ccd346b8d\"", tx[] = "\"18ee8ef3c76ccb698f2e\"";
  const ifm_lin_init in = {1, t0, sizeof t0 - 1, B0};
  ifm_lin_op a[] = {
    put(0, STAR, NULL, B1, 201, E1, 3.8, 15.3),
    rd(1, 200, "\"18ee8ef3ccd346b810000\"", B7, 6.9, 15.6),
  };
  ifm_lin_op b[] = {
    put(0, STAR, NULL, B1, 201, E1, 0, 10),
    rd(1, 200, tx, B1, 11, 12),
    put(2, STAR, NULL, B2, 201, E2, 13, 20),
    rd(3, 200, tx, B2, 21, 22),
  };
  ifm_lin_op c[] = {
    put(0, STAR, NULL, B1, 201, E1, 0, 10),
    rd(1, 200, t0, B1, 5, 12),
  };
  EXPECT_LIN(check(&in, a, N_OF(a)), 0);
  ASSERT_EQ(res.n_culprits, 1);
  ASSERT_EQ(res.culprits[0], 1);
  ASSERT_CONTAINS(res.explanation, "it saw a body that no write produced");
  EXPECT_LIN(check(&in, b, N_OF(b)), 0);
  ASSERT(culprit(1) || culprit(3));
  ASSERT_EQ(res.etag_functional, 0);
  ASSERT_EQ(res.etag_ops[0], 1);
  ASSERT_EQ(res.etag_ops[1], 3);
  EXPECT_LIN(check(&in, c, N_OF(c)), 0);
  ASSERT_EQ(res.etag_functional, 0);
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
              TEST(linear_pending_just_in_time), TEST(linear_delete_202_star_race),
              TEST(linear_retag_rclone), TEST(linear_retag_limits), TEST(linear_describe),
              TEST(linear_cleanup))
