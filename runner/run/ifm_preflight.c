/* ifm_preflight.c: before anything is judged, does the target do what its
 * file claims? One resource is made with the target's create operation and
 * read back with its read operation (through `extract`, if any): the create
 * must succeed and the payload must come back. If not, every FAIL that
 * followed would accuse the server of the target file's mistake (a path
 * outside the server's writable area, an API that creates by POST, a wrong
 * body wrapper), so the run stops before judging (exit 3) and says what was
 * sent, what came back, and which key of the target file to look at.
 *
 * Also: the target's setup requests and the preflight share "send one
 * request and wait for it" (ifm_run_once).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_case_run.h"
#include "ifm_redact.h"

static void once_cb(ifm_xfer *x, void *ctx) {
  ifm_xfer_take_exchange(x, (ifm_exchange *)ctx);
}

ifm_err ifm_run_once(ifm_run_env *env, ifm_scope *scope, const ifm_request_spec *spec, ifm_exchange *out,
                     char *err, size_t errlen) {
  ifm_exchange req;
  ifm_xfer_opts xo;
  ifm_xfer *x;
  ifm_err rc;
  memset(out, 0, sizeof *out);
  if ((rc = ifm_plan_request(scope, spec, env->o->base_url, -1, &req, err, errlen)) != IFM_OK) return rc;
  ifm_case_xfer_opts(env->o, 0, NULL, &xo);
  if (!(x = ifm_xfer_new_exchange(&req, &xo))) {
    ifm_exchange_clear(&req);
    snprintf(err, errlen, "out of memory");
    return IFM_ERR_NOMEM;
  }
  if ((rc = ifm_exec_add(env->exec, x, once_cb, out)) != IFM_OK) {
    ifm_xfer_free(x);
    snprintf(err, errlen, "the request could not be started");
    return rc;
  }
  ifm_exec_run(env->exec, env->o->stop, 0);
  return IFM_OK;
}

/* "operations.create (t.yaml:12:3)" or "operations.create (not in the file:
 * the default, PUT {{path}})". */
static void op_where(const ifm_target *t, ifm_op op, const char *name, char *buf, size_t len) {
  const ifm_op_map *m = &t->ops[op];
  if (m->defined && m->pos.file)
    snprintf(buf, len, "operations.%s (%s:%d:%d)", name, m->pos.file, m->pos.line, m->pos.col);
  else
    snprintf(buf, len, "operations.%s (not in the target file: the default, %s %s)", name,
             m->method ? m->method : "?", m->path ? m->path : "{{path}}");
}

/* Appends "METHOD URL -> STATUS" or the transport error to msg. */
static void exchange_line(ifm_buf *msg, const ifm_exchange *x, const ifm_target *t) {
  char *url = ifm_redact(x->url ? x->url : "", x->url ? strlen(x->url) : 0, t->secrets, t->n_secrets, NULL);
  if (x->error)
    ifm_buf_printf(msg, "%s %s got no answer: %s", x->method ? x->method : "?", url ? url : "?", x->error);
  else
    ifm_buf_printf(msg, "%s %s answered %d", x->method ? x->method : "?", url ? url : "?", x->status);
  free(url);
}

/* The message into err, redacted before it is cut to errlen. */
static void error_out(const ifm_buf *msg, const ifm_target *t, char *err, size_t errlen) {
  char *red = ifm_redact(ifm_buf_str(msg), msg->len, t->secrets, t->n_secrets, NULL);
  snprintf(err, errlen, "%s", red ? red : "the target file does not work with this server (out of memory)");
  free(red);
}

int ifm_preflight(ifm_run_env *env, char *err, size_t errlen) {
  const ifm_target *t = env->o->target;
  ifm_case pc;
  ifm_scope scope;
  ifm_request_spec spec;
  ifm_exchange x, view;
  const ifm_exchange *seen;
  ifm_buf body = IFM_BUF_INIT, msg = IFM_BUF_INIT;
  char where[256];
  int ok = 0;
  memset(&pc, 0, sizeof pc);
  pc.id = (char *)"preflight";
  ifm_scope_init(&scope, &pc, t, env->run_id, &env->uniq);
  memset(&x, 0, sizeof x);
  if (ifm_scope_new_paths(&scope, err, errlen) != IFM_OK) goto out;
  ifm_buf_printf(&body, "ifmatch preflight %s", env->run_id);

  memset(&spec, 0, sizeof spec);
  spec.op = IFM_OP_CREATE;
  spec.body = body.p;
  spec.has_body = 1;
  if (ifm_run_once(env, &scope, &spec, &x, err, errlen) != IFM_OK) goto out;
  if (!x.error && x.status / 100 == 2 &&
      ifm_case_follow_location(env->o, &scope, &spec, &x, where, sizeof where) != IFM_OK) {
    snprintf(err, errlen, "the target file does not work with this server: %s. Nothing was judged.", where);
    goto out;
  }
  if (x.error || x.status / 100 != 2) {
    op_where(t, IFM_OP_CREATE, "create", where, sizeof where);
    ifm_buf_puts(&msg, "the target file does not work with this server: creating a resource with ");
    ifm_buf_printf(&msg, "%s: ", where);
    exchange_line(&msg, &x, t);
    ifm_buf_puts(&msg, ". Nothing was judged. Fix that key (a server that creates by POST, a path "
                       "outside its writable area, a missing setup request), or check the server.");
    error_out(&msg, t, err, errlen);
    goto out;
  }
  ifm_exchange_clear(&x);

  memset(&spec, 0, sizeof spec);
  spec.op = IFM_OP_READ;
  if (ifm_run_once(env, &scope, &spec, &x, err, errlen) != IFM_OK) goto out;
  seen = ifm_judge_view(t, &spec, &x, &view);
  if (x.error || x.status != 200 || seen->resp_body_len != body.len ||
      memcmp(seen->resp_body ? seen->resp_body : "", body.p, body.len) != 0) {
    op_where(t, IFM_OP_READ, "read", where, sizeof where);
    ifm_buf_printf(&msg, "the target file does not work with this server: a resource was created, but "
                         "reading it back with %s: ", where);
    exchange_line(&msg, &x, t);
    if (!x.error && x.status == 200) {
      size_t hl = 0;
      char *head = ifm_redact_head(seen->resp_body, seen->resp_body_len, 80, t->secrets, t->n_secrets, &hl);
      ifm_buf_printf(&msg, ", and the payload came back as '%.*s' (%zu bytes), not the '%s' that was "
                           "written; check the read operation's extract and the create operation's body",
                     (int)hl, head ? head : "", seen->resp_body_len, body.p);
      free(head);
    }
    ifm_buf_puts(&msg, ". Nothing was judged.");
    error_out(&msg, t, err, errlen);
    ifm_judge_view_clear(seen, &view);
    goto out;
  }
  ifm_judge_view_clear(seen, &view);
  ok = 1;
out:
  ifm_exchange_clear(&x);
  ifm_scope_clear(&scope);
  ifm_buf_clear(&body);
  ifm_buf_clear(&msg);
  return ok ? 0 : -1;
}
