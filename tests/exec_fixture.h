/* exec_fixture.h: what the executor's tests (exec_test.c, exec_wire_test.c)
 * share: a done callback that keeps the exchange, transfer options, and one
 * transfer run to its end. Test code only; tests/CMakeLists.txt links
 * exec_fixture.c into every exec_* test. */
#ifndef EXEC_FIXTURE_H
#define EXEC_FIXTURE_H

#include "ifm_exec.h"

/* What a done callback keeps: the exchange, moved out of the transfer. */
typedef struct done_box {
  ifm_exchange ex;
  int calls;
} done_box;

/* The done callback: ctx is a done_box. */
void keep_cb(ifm_xfer *x, void *ctx);

/* Options with timeout_s and verification on, nothing else. */
ifm_xfer_opts opts(double timeout_s);

/* One transfer, run to its end; the result in *b (cleared first). 0, or
 * -1 when it could not start (x NULL, or refused by the executor). */
int run_one(ifm_xfer *x, done_box *b);

#endif
