/* ifm_judge_linear.c: a parallel round's exchanges as the checker's
 * history, and the checker's answer as a judgement (see ifm_judge.h and
 * lin/ifm_linear.h).
 *
 * The round is [read before] [the clients...] [read after]. The read before
 * gives the initial state (exists, ETag, body hash); the clients and the read
 * after are the operations. The model knows GET, PUT, PATCH and DELETE with
 * no precondition, If-Match of one tag, If-Match: *, or If-None-Match: *;
 * a race that sends anything else cannot be judged this way and the case
 * says so (ERROR) rather than guessing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ifm_linear.h"
#include "ifm_judge.h"
#include "ifm_buf.h"
#include "ifm_etag.h"

/* The precondition of a request, or -1 when the model has no such thing. */
static int op_precondition(const ifm_exchange *x, ifm_lin_op *op, char *err, size_t errlen) {
  int n_im, n_inm;
  const ifm_field *im = ifm_field_find(x->req_headers, x->n_req_headers, "If-Match", &n_im);
  const ifm_field *inm = ifm_field_find(x->req_headers, x->n_req_headers, "If-None-Match", &n_inm);
  op->pre = IFM_LIN_PRE_NONE;
  if (n_im > 1 || n_inm > 1 || (im && inm)) {
    snprintf(err, errlen, "client %d: several conditional fields are outside the checker's model", x->client);
    return -1;
  }
  if (inm) {
    if (inm->value_len != 1 || inm->value[0] != '*') {
      snprintf(err, errlen, "client %d: If-None-Match other than \"*\" is outside the checker's model", x->client);
      return -1;
    }
    op->pre = IFM_LIN_PRE_NONE_MATCH_STAR;
  } else if (im) {
    /* the core grammar decides: "*", or exactly one entity-tag */
    ifm_list l;
    int one;
    ifm_list_init(&l);
    one = ifm_list_add_line(&l, im->value, im->value_len, NULL) == 0 && (l.star || l.n == 1);
    if (one && l.star) {
      op->pre = IFM_LIN_PRE_STAR;
    } else if (one) {
      size_t start = (size_t)(l.tags[0].opaque - im->value) - 1 - (l.tags[0].weak ? 2 : 0);
      op->pre = l.tags[0].weak ? IFM_LIN_PRE_FALSE : IFM_LIN_PRE_MATCH;
      op->tag = im->value + start;                      /* the tag as sent, OWS trimmed */
      op->tag_len = l.tags[0].len + 2 + (l.tags[0].weak ? 2 : 0);
    }
    ifm_list_clear(&l);
    if (!one) {
      snprintf(err, errlen, "client %d: If-Match other than \"*\" or one entity-tag is outside the "
               "checker's model", x->client);
      return -1;
    }
  }
  return 0;
}

/* The response's ETag as the checker may use it: a strong one. A weak
 * entity-tag claims no byte equality (RFC 9110 8.8.1: two representations may
 * share one), so the register model, whose tags name one body each, does
 * not see it; it is as if the server had sent none. */
static const ifm_field *strong_etag(const ifm_exchange *x) {
  int n;
  const ifm_field *etag = ifm_field_find(x->resp_headers, x->n_resp_headers, "ETag", &n);
  return etag && !(etag->value_len >= 2 && etag->value[0] == 'W' && etag->value[1] == '/') ? etag : NULL;
}

int ifm_judge_lin_op(const ifm_exchange *x, ifm_lin_op *op, char *err, size_t errlen) {
  const ifm_field *etag;
  memset(op, 0, sizeof *op);
  op->client = x->client;
  if (!x->method) return snprintf(err, errlen, "an exchange without a method"), -1;
  if (strcmp(x->method, "GET") == 0) op->kind = IFM_LIN_READ;
  else if (strcmp(x->method, "PUT") == 0) op->kind = IFM_LIN_WRITE;
  else if (strcmp(x->method, "PATCH") == 0) op->kind = IFM_LIN_PATCH;
  else if (strcmp(x->method, "DELETE") == 0) op->kind = IFM_LIN_DELETE;
  else {
    snprintf(err, errlen, "client %d: %s is outside the checker's model (GET, PUT, PATCH, DELETE)",
             x->client, x->method);
    return -1;
  }
  if (op_precondition(x, op, err, errlen) != 0) return -1;
  op->body = x->req_payload_hash;     /* payloads, as the case sees them (through extract) */
  op->status = ifm_judge_is_outcome(x) ? x->status : 0;    /* else unknown: it may or may not have happened */
  etag = strong_etag(x);
  if (etag) {
    op->etag = etag->value;
    op->etag_len = etag->value_len;
  }
  op->resp_body = x->resp_payload_hash;
  op->invoke_ms = x->t_start;
  op->complete_ms = op->status ? x->t_done : -1;
  return 0;
}

static int profile_accepts(const ifm_judge_ctx *jc, const char *key, int status) {
  const ifm_profile_entry *e = ifm_profile_lookup(jc->profile, jc->target, key);
  return e && ifm_status_spec_accepts(&e->status, status);
}

/* The exchanges the explanation names: op k is the round's exchange k + 1
 * (the read before is the initial state, exchange 0). */
static void name_ops(const ifm_lin_result *res, size_t n_ops, ifm_judgement *j) {
  size_t i, n = res->linearizable != 1 ? res->n_culprits : 2;
  if (!(j->named = calloc(n ? n : 1, sizeof *j->named))) return;
  for (i = 0; i < n; i++) {
    size_t op = res->linearizable != 1 ? res->culprits[i] : res->etag_ops[i];
    if (op == SIZE_MAX) j->named[j->n_named++] = 0;   /* the initial state: the read before */
    else if (op < n_ops) j->named[j->n_named++] = op + 1;
  }
}

int ifm_judge_linear(const ifm_judge_ctx *jc, const ifm_exchange *x, size_t n, ifm_judgement *j,
                     char *err, size_t errlen) {
  const ifm_exchange *pre;
  size_t i, k = 0;
  ifm_lin_init init;
  ifm_lin_opts lo;
  ifm_lin_result res;
  ifm_lin_op *ops;
  int rc;
  const ifm_field *etag;
  if (n < 2 || x[0].client != -1 || x[n - 1].client != -1) {
    snprintf(err, errlen, "the round's reads before and after are missing");
    return -1;
  }
  pre = &x[0];
  memset(&init, 0, sizeof init);
  if (pre->status == 200) {
    init.exists = 1;
    init.body = pre->resp_payload_hash;
    etag = strong_etag(pre);
    if (etag) init.etag = etag->value, init.etag_len = etag->value_len;
  } else if (pre->status != 404 && pre->status != 410) {
    snprintf(err, errlen, "the read before the race answered %d, not 200 or 404", pre->status);
    return -1;
  }
  if (!(ops = calloc(n, sizeof *ops))) return snprintf(err, errlen, "out of memory"), -1;
  for (i = 1; i < n; i++, k++)
    if (ifm_judge_lin_op(&x[i], &ops[k], err, errlen) != 0) {
      free(ops);
      return -1;
    }
  memset(&lo, 0, sizeof lo);
  lo.star_creates = profile_accepts(jc, "star_on_missing", 201);
  lo.allow_409 = profile_accepts(jc, "mismatch", 409);
  /* a target that creates by POST: its PUT to a missing resource is 404 */
  lo.put_404 = jc->target && jc->target->ops[IFM_OP_CREATE].method &&
               strcmp(jc->target->ops[IFM_OP_CREATE].method, "PUT") != 0;
  memset(&res, 0, sizeof res);
  ifm_lin_check(&init, ops, k, &lo, &res);
  free(ops);
  if (res.linearizable < 0) {
    snprintf(err, errlen, "the linearizability check could not decide: %s",
             res.explanation ? res.explanation : "out of memory");
    ifm_lin_result_clear(&res);
    return -1;
  }
  rc = res.linearizable == 1 && res.etag_functional;
  if (!rc) {
    ifm_buf msg = IFM_BUF_INIT, want = IFM_BUF_INIT;
    ifm_judgement_clear(j);
    if (res.linearizable != 1) {
      ifm_buf_printf(&msg, "the history of %zu requests is not linearizable: no order of them is a legal "
                     "run of a compare-and-set register over (ETag, body)", k);
      ifm_buf_puts(&want, "a linearizable history (RFC 9110 13.1.1: compare and write in one step)");
      j->got = ifm_strdup(res.explanation ? res.explanation : "");
    } else {
      ifm_buf_puts(&msg, "an ETag came with two different bodies (IM-ETAG-FUNCTIONAL)");
      ifm_buf_puts(&want, "each ETag names one representation (RFC 9110 8.8.1)");
      j->got = ifm_strdup(res.etag_explanation ? res.etag_explanation : "");
    }
    j->message = ifm_buf_detach(&msg);
    j->expected = ifm_buf_detach(&want);
    name_ops(&res, k, j);
  }
  ifm_lin_result_clear(&res);
  return rc;
}
