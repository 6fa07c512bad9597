/* linear_fixture.h: what the checker's tests (linear_hand_test.c,
 * linear_random_test.c) share: building ifm_lin_ops, the usual tags and
 * bodies, and running the check into one result that the assertions read.
 *
 * Times are in ms; [a, b] is an op's invocation and completion. Tags are
 * entity-tags with their quotes. B0, B1, ... are body hashes. Test code
 * only; tests/CMakeLists.txt links linear_fixture.c into every linear_* test.
 */
#ifndef LINEAR_FIXTURE_H
#define LINEAR_FIXTURE_H

#include <stddef.h>
#include <stdint.h>
#include "ifm_linear.h"

#define E0 "\"e0\""
#define E1 "\"e1\""
#define E2 "\"e2\""
#define E3 "\"e3\""
#define E4 "\"e4\""
#define E9 "\"e9\""
enum { B0 = 100, B1, B2, B3, B4, B5, B6, B7, B8 };

/* GET -> status (etag, body) */
ifm_lin_op rd(int c, int status, const char *etag, uint64_t body, double inv, double comp);
/* PUT body with precondition -> status (response etag) */
ifm_lin_op put(int c, ifm_lin_pre pre, const char *tag, uint64_t body, int status,
               const char *etag, double inv, double comp);
ifm_lin_op patch(int c, ifm_lin_pre pre, const char *tag, int status, const char *etag,
                 double inv, double comp);
ifm_lin_op del(int c, ifm_lin_pre pre, const char *tag, int status, double inv, double comp);

#define M IFM_LIN_PRE_MATCH
#define NONE IFM_LIN_PRE_NONE
#define STAR IFM_LIN_PRE_STAR
#define INM IFM_LIN_PRE_NONE_MATCH_STAR
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

extern const ifm_lin_init init_e0;       /* exists, ETag e0, body B0 */
extern const ifm_lin_init init_missing;

/* The result of the last check; each test program clears it at the end. */
extern ifm_lin_result res;

/* Runs ifm_lin_check into res: its linearizable, or -2 when the call failed. */
int check_o(const ifm_lin_init *in, const ifm_lin_op *ops, size_t n, const ifm_lin_opts *o);
int check(const ifm_lin_init *in, const ifm_lin_op *ops, size_t n);

#define EXPECT_LIN(expr, want)                                                \
  do {                                                                        \
    int got_ = (expr);                                                        \
    if (got_ != (want))                                                       \
      IFM_TEST_FAIL_("verdict %d, want %d; explanation: %s", got_, (want),    \
                     res.explanation ? res.explanation : "(none)");           \
  } while (0)

/* Whether op i is among the culprits of the last "not linearizable". */
int culprit(size_t i);

#endif
