/* fuzzprog_test.c: the stateful fuzzer's program language
 * (fuzz/prog/ifm_fp_lang.h): the decoder on inputs decoded by hand, and the
 * encoder as its inverse. */
#include "ifm_fp_lang.h"
#include "ifm_test.h"

static void test_empty(void) {
  ifm_fp_prog p;
  ifm_fp_decode(NULL, 0, 1, &p);
  ASSERT_EQ(p.clients, 1);
  ASSERT_EQ(p.n_ops, 0);
  ASSERT_EQ(p.n_groups, 0);
}

/* 01: 2 clients; 14: create c0; 00: read c0; 04 00: write current c0;
 * 25 00: write current c1, racing with the previous one. */
static void test_race_pair(void) {
  static const uint8_t in[] = {0x01, 0x14, 0x00, 0x04, 0x00, 0x25, 0x00};
  ifm_fp_prog p;
  ifm_fp_decode(in, sizeof in, 1, &p);
  ASSERT_EQ(p.clients, 2);
  ASSERT_EQ(p.n_ops, 4);
  ASSERT_EQ(p.ops[0].kind, IFM_FP_CREATE);
  ASSERT_EQ(p.ops[1].kind, IFM_FP_READ);
  ASSERT_EQ(p.ops[2].kind, IFM_FP_WRITE);
  ASSERT_EQ(p.ops[2].pre, IFM_FP_PRE_CURRENT);
  ASSERT_EQ(p.ops[3].client, 1);
  ASSERT_EQ(p.ops[3].pre, IFM_FP_PRE_CURRENT);
  ASSERT_EQ(p.ops[0].group, 0);
  ASSERT_EQ(p.ops[1].group, 1);
  ASSERT_EQ(p.ops[2].group, 2);
  ASSERT_EQ(p.ops[3].group, 2);
  ASSERT_EQ(p.n_groups, 3);
  ASSERT_EQ(p.ops[3].in_model, 1);
}

/* A client never races with itself: 24 (race, client 0) after an op of
 * client 0 starts a group of its own. 09: stale 1 (9 = 1 + 1 << 3). */
static void test_race_same_client(void) {
  static const uint8_t in[] = {0x01, 0x04, 0x00, 0x24, 0x09};
  ifm_fp_prog p;
  ifm_fp_decode(in, sizeof in, 1, &p);
  ASSERT_EQ(p.n_ops, 2);
  ASSERT_EQ(p.ops[1].group, 1);
  ASSERT_EQ(p.ops[1].pre, IFM_FP_PRE_STALE);
  ASSERT_EQ(p.ops[1].arg, 1);
  ASSERT_EQ(p.n_groups, 2);
}

/* 04 04: write with a list; 05: 2 elements, one field line each;
 * 02: bogus 0; 0b: 11 % 6 = 5 comma, arg 1. Lists never race. */
static void test_list(void) {
  static const uint8_t in[] = {0x01, 0x04, 0x04, 0x05, 0x02, 0x0b, 0x25, 0x00};
  ifm_fp_prog p;
  ifm_fp_decode(in, sizeof in, 1, &p);
  ASSERT_EQ(p.n_ops, 2);
  ASSERT_EQ(p.ops[0].pre, IFM_FP_PRE_LIST);
  ASSERT_EQ(p.ops[0].n_elems, 2);
  ASSERT_EQ(p.ops[0].lines, 1);
  ASSERT_EQ(p.ops[0].elems[0].kind, IFM_FP_EL_BOGUS);
  ASSERT_EQ(p.ops[0].elems[0].arg, 0);
  ASSERT_EQ(p.ops[0].elems[1].kind, IFM_FP_EL_COMMA);
  ASSERT_EQ(p.ops[0].elems[1].arg, 1);
  ASSERT_EQ(p.ops[0].in_model, 0);
  ASSERT_EQ(p.ops[1].group, 1);   /* the race bit is ignored after a list */
}

/* 04 05 06: write with 6 raw bytes, of which 5 remain: " a\0\n\t";
 * NUL and LF become '!', the SP and HTAB at the ends are cut. */
static void test_raw(void) {
  static const uint8_t in[] = {0x00, 0x04, 0x05, 0x06, ' ', 'a', 0x00, '\n', '\t'};
  ifm_fp_prog p;
  ifm_fp_decode(in, sizeof in, 1, &p);
  ASSERT_EQ(p.n_ops, 1);
  ASSERT_EQ(p.ops[0].pre, IFM_FP_PRE_RAW);
  ASSERT_MEMEQ(p.ops[0].raw, p.ops[0].raw_len, "a!!", 3);
}

/* 04 06: a write without precondition: in the model only under rfc9110.
 * 10 04: a delete's list becomes current. 0e: kind 3 = write, reads its
 * precondition from a missing byte (0: current). */
static void test_none_and_delete(void) {
  static const uint8_t in[] = {0x00, 0x04, 0x06, 0x10, 0x04, 0x0e};
  ifm_fp_prog p;
  ifm_fp_decode(in, sizeof in, 1, &p);
  ASSERT_EQ(p.n_ops, 3);
  ASSERT_EQ(p.ops[0].pre, IFM_FP_PRE_NONE);
  ASSERT_EQ(p.ops[0].in_model, 1);
  ASSERT_EQ(p.ops[1].kind, IFM_FP_DELETE);
  ASSERT_EQ(p.ops[1].pre, IFM_FP_PRE_CURRENT);
  ASSERT_EQ(p.ops[2].kind, IFM_FP_WRITE);
  ASSERT_EQ(p.ops[2].pre, IFM_FP_PRE_CURRENT);
  ifm_fp_decode(in, sizeof in, 0, &p);
  ASSERT_EQ(p.ops[0].in_model, 0);
}

/* 02: 3 clients; 03: client 3 % 3 = 0, read. At most 16 ops. */
static void test_clients_and_limit(void) {
  uint8_t in[21];
  ifm_fp_prog p;
  memset(in, 0x03, sizeof in);
  in[0] = 0x02;
  ifm_fp_decode(in, sizeof in, 1, &p);
  ASSERT_EQ(p.clients, 3);
  ASSERT_EQ(p.n_ops, IFM_FP_MAX_OPS);
  ASSERT_EQ(p.ops[0].client, 0);
  ASSERT_EQ(p.ops[0].kind, IFM_FP_READ);
}

/* 04 0f 15: write, p = 15: 15 % 8 = 7 conditional, arg 15 >> 3 = 1;
 * x = 0x15: If-Match 1 stale, If-Unmodified-Since (5 & 3) = 1 far past,
 * If-None-Match (1 & 3) = 1 current. Conditional forms are sequential. */
static void test_cond_write(void) {
  static const uint8_t in[] = {0x01, 0x04, 0x0f, 0x15, 0x25, 0x00};
  ifm_fp_prog p;
  ifm_fp_decode(in, sizeof in, 1, &p);
  ASSERT_EQ(p.n_ops, 2);
  ASSERT_EQ(p.ops[0].kind, IFM_FP_WRITE);
  ASSERT_EQ(p.ops[0].cond, 1);
  ASSERT_EQ(p.ops[0].pre, IFM_FP_PRE_STALE);
  ASSERT_EQ(p.ops[0].arg, 1);
  ASSERT_EQ(p.ops[0].ius, 1);
  ASSERT_EQ(p.ops[0].inm, 1);
  ASSERT_EQ(p.ops[0].in_model, 0);
  ASSERT_EQ(p.ops[1].group, 1);   /* no race after a conditional form */
  ASSERT_EQ(p.ops[1].pre, IFM_FP_PRE_CURRENT);
}

/* 04 07 22: x = 0x22: If-Match 2 none, no IUS (0), If-None-Match 2 stale
 * (arg 7 >> 3 = 0). 04 07 0a: If-Match 2 none, IUS (2) far future, no INM.
 * 04 07 32: If-Match none, IUS 0, INM 3 none: plain "no precondition".
 * 10 07: a delete's 7 stays If-Match current, no extra byte. */
static void test_cond_write_inm_ius(void) {
  static const uint8_t in[] = {0x00, 0x04, 0x07, 0x22, 0x04, 0x07, 0x0a, 0x04, 0x07, 0x32, 0x10, 0x07};
  ifm_fp_prog p;
  ifm_fp_decode(in, sizeof in, 0, &p);
  ASSERT_EQ(p.n_ops, 4);
  ASSERT_EQ(p.ops[0].cond, 1);
  ASSERT_EQ(p.ops[0].pre, IFM_FP_PRE_NONE);
  ASSERT_EQ(p.ops[0].inm, 2);
  ASSERT_EQ(p.ops[0].ius, 0);
  ASSERT_EQ(p.ops[0].arg, 0);
  ASSERT_EQ(p.ops[1].cond, 1);
  ASSERT_EQ(p.ops[1].pre, IFM_FP_PRE_NONE);
  ASSERT_EQ(p.ops[1].ius, 2);
  ASSERT_EQ(p.ops[1].inm, 0);
  ASSERT_EQ(p.ops[2].cond, 0);
  ASSERT_EQ(p.ops[2].pre, IFM_FP_PRE_NONE);
  ASSERT_EQ(p.ops[2].in_model, 0);   /* none_in_model = 0 */
  ASSERT_EQ(p.ops[3].kind, IFM_FP_DELETE);
  ASSERT_EQ(p.ops[3].cond, 0);
  ASSERT_EQ(p.ops[3].pre, IFM_FP_PRE_CURRENT);
  ASSERT_EQ(p.ops[3].in_model, 1);
}

/* 1c 0b: conditional read, y = 0x0b: If-None-Match 1 stale, If-Match
 * (5 & 3) = 1 current, arg 11 >> 3 = 1. 3c: conditional read with the race
 * bit (ignored), y missing = 0: If-None-Match current, no If-Match. */
static void test_cond_read(void) {
  static const uint8_t in[] = {0x01, 0x1c, 0x0b, 0x3d};
  ifm_fp_prog p;
  ifm_fp_decode(in, sizeof in, 1, &p);
  ASSERT_EQ(p.n_ops, 2);
  ASSERT_EQ(p.ops[0].kind, IFM_FP_READ);
  ASSERT_EQ(p.ops[0].cond, 1);
  ASSERT_EQ(p.ops[0].inm, 2);
  ASSERT_EQ(p.ops[0].pre, IFM_FP_PRE_CURRENT);
  ASSERT_EQ(p.ops[0].arg, 1);
  ASSERT_EQ(p.ops[0].in_model, 0);
  ASSERT_EQ(p.ops[1].kind, IFM_FP_READ);
  ASSERT_EQ(p.ops[1].client, 1);
  ASSERT_EQ(p.ops[1].inm, 1);
  ASSERT_EQ(p.ops[1].pre, IFM_FP_PRE_NONE);
  ASSERT_EQ(p.ops[1].group, 1);
}

/* The encoder, by hand: the input of test_race_pair is already canonical;
 * kind 6 (0x18) is a write like kind 1 and encodes as 0x04; a delete's list
 * (10 04) became If-Match current and encodes as p = 0; a list element
 * e = 0x0b (comma, arg 1) is re-made as the smallest byte of 8..15 that is
 * 5 mod 6, which is 11 again. */
static void test_encode_by_hand(void) {
  static const uint8_t pair[] = {0x01, 0x14, 0x00, 0x04, 0x00, 0x25, 0x00};
  static const uint8_t in[] = {0x00, 0x18, 0x09, 0x10, 0x04, 0x04, 0x04, 0x01, 0x02, 0x0b};
  static const uint8_t want[] = {0x00, 0x04, 0x09, 0x10, 0x00, 0x04, 0x04, 0x01, 0x02, 0x0b};
  uint8_t out[IFM_FP_ENCODED_MAX];
  ifm_fp_prog p;
  size_t n;
  ifm_fp_decode(pair, sizeof pair, 1, &p);
  n = ifm_fp_encode(&p, out, sizeof out);
  ASSERT_MEMEQ(out, n, pair, sizeof pair);
  ifm_fp_decode(in, sizeof in, 1, &p);
  ASSERT_EQ(p.n_ops, 3);
  ASSERT_EQ(p.ops[1].kind, IFM_FP_DELETE);
  ASSERT_EQ(p.ops[1].pre, IFM_FP_PRE_CURRENT);
  n = ifm_fp_encode(&p, out, sizeof out);
  ASSERT_MEMEQ(out, n, want, sizeof want);
  /* a short buffer gets what fits, and the length needed */
  ASSERT_EQ(ifm_fp_encode(&p, out, 3), sizeof want);
  ASSERT_MEMEQ(out, 3, want, 3);
}

/* The conditional forms and raw bytes encode back to what decodes the same:
 * a conditional read y = 0x0b, a conditional write p = 0x0f x = 0x15, raw
 * "a!!" (3 bytes after the cut). */
static void test_encode_cond_raw(void) {
  static const uint8_t in[] = {0x01, 0x1c, 0x0b, 0x04, 0x0f, 0x15, 0x04, 0x05, 0x06, ' ', 'a', 0x00, '\n', '\t'};
  static const uint8_t want[] = {0x01, 0x1c, 0x0b, 0x04, 0x0f, 0x15, 0x04, 0x05, 0x03, 'a', '!', '!'};
  uint8_t out[IFM_FP_ENCODED_MAX];
  ifm_fp_prog p, q;
  size_t n;
  ifm_fp_decode(in, sizeof in, 1, &p);
  ASSERT_EQ(p.n_ops, 3);
  n = ifm_fp_encode(&p, out, sizeof out);
  ASSERT_MEMEQ(out, n, want, sizeof want);
  ifm_fp_decode(out, n, 1, &q);
  ASSERT(memcmp(&p, &q, sizeof p) == 0);
}

/* decode(encode(decode(b))) == decode(b) for many inputs, under both
 * settings of none_in_model, and encode is canonical: encoding the
 * re-decoded program gives the same bytes. */
static void test_encode_round_trip(void) {
  uint64_t x = 0x9e3779b97f4a7c15u;
  int i, none;
  for (i = 0; i < 20000; i++) {
    uint8_t in[96], out[IFM_FP_ENCODED_MAX], out2[IFM_FP_ENCODED_MAX];
    size_t len, k, n, n2;
    ifm_fp_prog p, q;
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    len = (size_t)(x % sizeof in);
    for (k = 0; k < len; k++) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      in[k] = (uint8_t)(x >> 24);
    }
    none = i & 1;
    ifm_fp_decode(in, len, none, &p);
    n = ifm_fp_encode(&p, out, sizeof out);
    ASSERT(n <= IFM_FP_ENCODED_MAX);
    ifm_fp_decode(out, n, none, &q);
    if (memcmp(&p, &q, sizeof p) != 0) {
      ifm_buf a = IFM_BUF_INIT, b = IFM_BUF_INIT;
      ifm_fp_format(&p, &a);
      ifm_fp_format(&q, &b);
      printf("# input %d (%zu bytes) decodes to\n%s# but its encoding to\n%s", i, len, ifm_buf_str(&a),
             ifm_buf_str(&b));
      ifm_buf_clear(&a);
      ifm_buf_clear(&b);
      ASSERT(0);
    }
    n2 = ifm_fp_encode(&q, out2, sizeof out2);
    ASSERT_MEMEQ(out2, n2, out, n);
  }
}

/* The text form names every part of an operation. */
static void test_format(void) {
  static const uint8_t in[] = {0x01, 0x14, 0x04, 0x04, 0x05, 0x02, 0x0b, 0x25, 0x00, 0x1c, 0x0b};
  ifm_fp_prog p;
  ifm_buf b = IFM_BUF_INIT;
  ifm_fp_decode(in, sizeof in, 1, &p);
  ifm_fp_format(&p, &b);
  ASSERT_CONTAINS(ifm_buf_str(&b), "program: 2 client(s), 4 op(s), 4 group(s)\n");
  ASSERT_CONTAINS(ifm_buf_str(&b), "op 0: group 0 client 0 create If-None-Match: *\n");
  ASSERT_CONTAINS(ifm_buf_str(&b), "op 1: group 1 client 0 write If-Match list (one line each) [bogus 0, comma]"
                                   "  [sequential oracle]\n");
  ASSERT_CONTAINS(ifm_buf_str(&b), "op 2: group 2 client 1 write If-Match: current\n");
  ASSERT_CONTAINS(ifm_buf_str(&b), "op 3: group 3 client 0 read If-Match: current If-None-Match: stale 1");
  ifm_buf_clear(&b);
}

IFM_TEST_MAIN(TEST(test_empty), TEST(test_race_pair), TEST(test_race_same_client), TEST(test_list),
              TEST(test_raw), TEST(test_none_and_delete), TEST(test_clients_and_limit),
              TEST(test_cond_write), TEST(test_cond_write_inm_ius), TEST(test_cond_read),
              TEST(test_encode_by_hand), TEST(test_encode_cond_raw), TEST(test_encode_round_trip),
              TEST(test_format))
