/* exec_fixture.c: the executor tests' shared helpers (exec_fixture.h). */
#include <string.h>
#include "exec_fixture.h"

void keep_cb(ifm_xfer *x, void *ctx) {
  done_box *b = ctx;
  b->calls++;
  ifm_xfer_take_exchange(x, &b->ex);
}

ifm_xfer_opts opts(double timeout_s) {
  ifm_xfer_opts o;
  memset(&o, 0, sizeof o);
  o.timeout_s = timeout_s;
  o.tls_verify = 1;
  return o;
}

int run_one(ifm_xfer *x, done_box *b) {
  ifm_exec *e = ifm_exec_new();
  int rc;
  memset(b, 0, sizeof *b);
  if (!e || !x) {
    if (e) ifm_exec_free(e);
    return -1;
  }
  if (ifm_exec_add(e, x, keep_cb, b) != 0) {
    ifm_exec_free(e);
    return -1;
  }
  rc = ifm_exec_run(e, NULL, 0);
  ifm_exec_free(e);
  return rc;
}
