/* ifm_case_send.c: a request of a running case: planned in the case's scope
 * (plan/), handed to the executor (exec/). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_case_run.h"
#include "ifm_err.h"
#include "ifm_redact.h"

void ifm_case_xfer_opts(const ifm_run_opts *o, int fresh, ifm_hold_group *hold, ifm_xfer_opts *xo) {
  const ifm_target *t = o->target;
  memset(xo, 0, sizeof *xo);
  xo->timeout_s = o->timeout_s > 0 ? o->timeout_s : t->timeout_s;
  xo->http_version = (int)t->http_version;
  xo->ca_file = t->ca_file;
  xo->tls_verify = t->tls_verify;
  xo->net = &t->net;
  xo->fresh_connection = fresh;
  xo->hold = hold;
}

ifm_err ifm_case_follow_location(const ifm_run_opts *o, ifm_scope *scope, const ifm_request_spec *spec,
                                 const ifm_exchange *x, char *err, size_t errlen) {
  const ifm_op_map *m = spec->op == IFM_OP_CREATE ? &o->target->ops[IFM_OP_CREATE] : NULL;
  const ifm_field *loc;
  ifm_err rc;
  if (!m || !m->path_from_location || x->status / 100 != 2) return IFM_OK;
  if (!(loc = ifm_exchange_resp_header(x, "Location"))) {
    snprintf(err, errlen, "the create answered %d without a Location field, and the target file says the "
             "server names new resources there (operations.create: path_from: location)", x->status);
    return IFM_ERR_INPUT;
  }
  rc = ifm_scope_path_from_location(scope, o->base_url, x->url ? x->url : "", loc->value, loc->value_len);
  if (rc == IFM_ERR_INPUT) {
    /* the message goes into reports: the URL and the Location may hold
     * secrets, redacted before anything is cut short */
    ifm_buf msg = IFM_BUF_INIT;
    size_t hl = 0;
    char *head = ifm_redact_head(loc->value, loc->value_len, 200, o->target->secrets, o->target->n_secrets, &hl);
    char *red;
    ifm_buf_printf(&msg, "the create's Location '%.*s' is not under the target's base_url %s", (int)hl,
                   head ? head : "", o->base_url);
    red = ifm_redact(ifm_buf_str(&msg), msg.len, o->target->secrets, o->target->n_secrets, NULL);
    snprintf(err, errlen, "%s", red && head ? red : "the create's Location is not under the target's base_url");
    free(red);
    free(head);
    ifm_buf_clear(&msg);
  } else if (rc != IFM_OK) {
    snprintf(err, errlen, "out of memory");
  }
  return rc;
}

/* A raw step's transfer: its exact bytes over a connection of its own
 * (the executor's, not libcurl's). A target the connection cannot reach
 * that way (a proxy, HTTP/2) cannot show what the case tests: UNDECIDED. */
static ifm_err case_prepare_raw(ifm_case_run *cr, const ifm_request_spec *spec, ifm_xfer **out, char *err,
                                size_t errlen) {
  const ifm_run_opts *o = cr->env->o;
  ifm_exchange req;
  ifm_xfer_opts xo;
  ifm_buf bytes = IFM_BUF_INIT;
  ifm_err rc;
  ifm_case_xfer_opts(o, 0, NULL, &xo);
  if (!ifm_xfer_wire_supported(o->base_url, &xo, err, errlen)) return IFM_ERR_UNDECIDED;
  rc = ifm_plan_raw(&cr->scope, spec, o->base_url, &req, &bytes, err, errlen);
  if (rc != IFM_OK) {
    ifm_buf_clear(&bytes);          /* a refused plan leaves its buffer empty, not freed */
    return rc;
  }
  *out = ifm_xfer_new_raw(&req, bytes.p ? bytes.p : "", bytes.len, &xo);
  ifm_buf_clear(&bytes);
  if (!*out) {
    ifm_exchange_clear(&req);
    snprintf(err, errlen, "out of memory");
    return IFM_ERR_NOMEM;
  }
  return IFM_OK;
}

/* Over HTTP/2 a field value that begins or ends with a space or a tab makes
 * the request malformed (RFC 9113 section 8.2.1), which a server must treat
 * as a stream error or answer 400 (section 8.1.1): such a request cannot show
 * how the server reads the field, only how HTTP/2 refuses it. The cases that
 * send one test HTTP/1.1's parsing (RFC 9110 section 5.5, OWS around a
 * value). Names the field, never its value (it may be a secret). */
static int h2_cannot_carry(const ifm_run_opts *o, const ifm_exchange *req, char *err, size_t errlen) {
  size_t i;
  if (o->target->http_version == IFM_HTTP_1_1) return 0;
  for (i = 0; i < req->n_req_headers; i++) {
    const ifm_field *f = &req->req_headers[i];
    size_t n = f->value_len;
    if (!n || (f->value[0] != ' ' && f->value[0] != '\t' && f->value[n - 1] != ' ' && f->value[n - 1] != '\t'))
      continue;
    snprintf(err, errlen, "the target speaks HTTP/2, and this request's %s value begins or ends with "
             "whitespace, which makes an HTTP/2 request malformed (RFC 9113 section 8.2.1); the case tests "
             "how HTTP/1.1 field values are read", f->name);
    return 1;
  }
  return 0;
}

ifm_err ifm_case_prepare(ifm_case_run *cr, const ifm_request_spec *spec, int client, ifm_hold_group *hold,
                         unsigned flags, ifm_xfer **out, char *err, size_t errlen) {
  const ifm_run_opts *o = cr->env->o;
  ifm_exchange req;
  ifm_xfer_opts xo;
  ifm_err rc;
  *out = NULL;
  rc = ifm_plan_request(&cr->scope, spec, o->base_url, client, &req, err, errlen);
  if (rc != IFM_OK) return rc;
  if (h2_cannot_carry(o, &req, err, errlen)) {
    ifm_exchange_clear(&req);
    return IFM_ERR_UNDECIDED;
  }
  if (flags & IFM_SEND_UNCONDITIONAL) ifm_plan_strip_preconditions(&req);
  if (((flags & IFM_SEND_INM_STAR) && ifm_field_append(&req.req_headers, &req.n_req_headers, "If-None-Match", "*", 1)) ||
      ((flags & IFM_SEND_IM_STAR) && ifm_field_append(&req.req_headers, &req.n_req_headers, "If-Match", "*", 1))) {
    ifm_exchange_clear(&req);
    snprintf(err, errlen, "out of memory");
    return IFM_ERR_NOMEM;
  }
  ifm_case_xfer_opts(o, hold != NULL || client >= 0, hold, &xo);
  if (hold && (flags & IFM_SEND_OWN_RELEASE)) {
    char why[256];
    xo.own_socket = ifm_xfer_wire_supported(req.url, &xo, why, sizeof why);
  }
  if (!(*out = ifm_xfer_new_exchange(&req, &xo))) {
    ifm_exchange_clear(&req);
    snprintf(err, errlen, "out of memory");
    return IFM_ERR_NOMEM;
  }
  return IFM_OK;
}

ifm_err ifm_case_send(ifm_case_run *cr, const ifm_request_spec *spec, int client, ifm_hold_group *hold,
                      unsigned flags, ifm_xfer_done_cb done, void *ctx, char *err, size_t errlen) {
  ifm_xfer *x = NULL;
  ifm_err rc = spec->raw ? case_prepare_raw(cr, spec, &x, err, errlen)
                         : ifm_case_prepare(cr, spec, client, hold, flags, &x, err, errlen);
  if (rc != IFM_OK) return rc;
  if (ifm_exec_add(cr->env->exec, x, done, ctx) != 0) {
    ifm_xfer_free(x);
    snprintf(err, errlen, "could not start the transfer");
    return IFM_ERR_TRANSPORT;
  }
  return IFM_OK;
}
