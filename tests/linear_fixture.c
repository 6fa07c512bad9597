/* linear_fixture.c: see linear_fixture.h. Moved unchanged from the former
 * tests/linear_test.c. */
#include "linear_fixture.h"

#include <string.h>

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
ifm_lin_op rd(int c, int status, const char *etag, uint64_t body, double inv, double comp) {
  return mk(c, IFM_LIN_READ, IFM_LIN_PRE_NONE, NULL, 0, status, etag, body, inv, comp);
}

/* PUT body with precondition -> status (response etag) */
ifm_lin_op put(int c, ifm_lin_pre pre, const char *tag, uint64_t body, int status,
               const char *etag, double inv, double comp) {
  return mk(c, IFM_LIN_WRITE, pre, tag, body, status, etag, 0, inv, comp);
}

ifm_lin_op patch(int c, ifm_lin_pre pre, const char *tag, int status, const char *etag,
                 double inv, double comp) {
  return mk(c, IFM_LIN_PATCH, pre, tag, 0, status, etag, 0, inv, comp);
}

ifm_lin_op del(int c, ifm_lin_pre pre, const char *tag, int status, double inv, double comp) {
  return mk(c, IFM_LIN_DELETE, pre, tag, 0, status, NULL, 0, inv, comp);
}

const ifm_lin_init init_e0 = {1, E0, 4, B0};
const ifm_lin_init init_missing = {0, NULL, 0, 0};

ifm_lin_result res;

int check_o(const ifm_lin_init *in, const ifm_lin_op *ops, size_t n, const ifm_lin_opts *o) {
  ifm_lin_result_clear(&res);
  if (ifm_lin_check(in, ops, n, o, &res) != 0) return -2;
  return res.linearizable;
}

int check(const ifm_lin_init *in, const ifm_lin_op *ops, size_t n) {
  return check_o(in, ops, n, NULL);
}

int culprit(size_t i) {
  size_t k;
  for (k = 0; k < res.n_culprits; k++)
    if (res.culprits[k] == i) return 1;
  return 0;
}
