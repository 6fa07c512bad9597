/* ifm_probe_http.c: the probe's requests, one at a time. Each is planned
 * by plan/ in the probe's own scope through the target being found (its
 * headers, its mapping of the operation, its body wrapper), exactly as a
 * run will send it, then handed to the executor; the probe waits for it.
 * Also: the evidence line of an exchange, the comment notes, and the list
 * of paths to delete at the end.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ifm_judge.h"
#include "ifm_plan.h"
#include "ifm_probe_int.h"
#include "ifm_redact.h"

static void take_cb(ifm_xfer *x, void *ctx) {
  ifm_xfer_take_exchange(x, (ifm_exchange *)ctx);
}

ifm_err ifm_probe_send(ifm_probe *p, const ifm_request_spec *spec, ifm_exchange *out) {
  ifm_exchange req;
  ifm_xfer_opts xo;
  ifm_xfer *x;
  char err[256];
  ifm_err rc;
  memset(out, 0, sizeof *out);
  rc = ifm_plan_request(&p->scope, spec, p->origin, -1, &req, err, sizeof err);
  if (rc != IFM_OK) {
    if (p->o->log) fprintf(p->o->log, "ifmatch probe: a request could not be built: %s\n", err);
    return rc;
  }
  memset(&xo, 0, sizeof xo);
  xo.timeout_s = p->t.timeout_s > 0 ? p->t.timeout_s : 10;
  xo.tls_verify = p->t.tls_verify;
  xo.ca_file = p->t.ca_file;
  xo.net = &p->t.net;
  xo.http_version = (int)p->t.http_version;
  if (!(x = ifm_xfer_new_exchange(&req, &xo))) {
    ifm_exchange_clear(&req);
    return IFM_ERR_NOMEM;
  }
  if ((rc = ifm_exec_add(p->exec, x, take_cb, out)) != IFM_OK) {
    ifm_xfer_free(x);
    return rc;
  }
  ifm_exec_run(p->exec, p->o->stop, 0);
  if (p->o->stop && *p->o->stop) return IFM_ERR_STOPPED;
  return IFM_OK;
}

ifm_err ifm_probe_req(ifm_probe *p, ifm_op op, const char *method, const char *path, const char *body,
                      const char *hname, const char *hvalue, ifm_exchange *out) {
  ifm_request_spec spec;
  ifm_kv kv;
  memset(&spec, 0, sizeof spec);
  memset(&kv, 0, sizeof kv);
  spec.op = op;
  spec.method = (char *)method;
  spec.path = (char *)path;
  spec.body = (char *)body;
  spec.has_body = body != NULL;
  if (hname) {
    kv.name = (char *)hname;
    kv.value = (char *)hvalue;
    spec.headers = &kv;
    spec.n_headers = 1;
  }
  return ifm_probe_send(p, &spec, out);
}

const char *ifm_probe_etag_of(const ifm_exchange *x) {
  const ifm_field *f = ifm_exchange_resp_header(x, "ETag");
  return f ? f->value : NULL;
}

/* The request fields worth showing: preconditions, Range, the media type. */
static int shown_field(const char *name) {
  static const char *const shown[] = {"If-Match", "If-None-Match", "Range", "Content-Type"};
  size_t i;
  for (i = 0; i < sizeof shown / sizeof shown[0]; i++)
    if (strcasecmp(name, shown[i]) == 0) return 1;
  return 0;
}

/* v cut to max bytes where no secret is cut in two (the line is redacted
 * whole later, which a cut secret would escape). */
static void put_cut(const ifm_probe *p, ifm_buf *b, const char *v, size_t max) {
  size_t len = 0;
  char *head = ifm_redact_head(v, v ? strlen(v) : 0, max, p->t.secrets, p->t.n_secrets, &len);
  if (head) ifm_buf_append(b, head, len);
  free(head);
}

void ifm_probe_line(const ifm_probe *p, ifm_buf *b, const ifm_exchange *x) {
  const char *etag = ifm_probe_etag_of(x);
  const ifm_field *loc = ifm_exchange_resp_header(x, "Location");
  size_t i;
  int first = 1;
  ifm_buf_printf(b, "%s %s", x->method ? x->method : "?", ifm_probe_url_path(x->url));
  for (i = 0; i < x->n_req_headers; i++) {
    const ifm_field *f = &x->req_headers[i];
    if (!shown_field(f->name) || (strcasecmp(f->name, "Content-Type") == 0 && strcmp(f->value, "text/plain") == 0))
      continue;
    ifm_buf_printf(b, "%s%s: ", first ? " (" : ", ", f->name);
    put_cut(p, b, f->value, 60);
    first = 0;
  }
  if (!first) ifm_buf_putc(b, ')');
  if (x->error || x->status == 0) {
    ifm_buf_puts(b, " -> no answer: ");
    put_cut(p, b, x->error ? x->error : "none", 120);
    return;
  }
  ifm_buf_printf(b, " -> %d", x->status);
  if (etag) {
    ifm_buf_puts(b, ", ETag ");
    put_cut(p, b, etag, 60);
    ifm_buf_printf(b, " (%s)", ifm_probe_etag_name(ifm_probe_etag_kind(etag)));
  }
  else ifm_buf_puts(b, ", no ETag");
  if (loc) {
    ifm_buf_puts(b, ", Location ");
    put_cut(p, b, loc->value, 100);
  }
}

void ifm_probe_say(ifm_probe *p, ifm_probe_note n, const char *fmt, ...) {
  ifm_buf line = IFM_BUF_INIT;
  va_list ap;
  char *red;
  va_start(ap, fmt);
  ifm_buf_vprintf(&line, fmt, ap);
  va_end(ap);
  red = ifm_redact(ifm_buf_str(&line), line.len, p->t.secrets, p->t.n_secrets, NULL);
  if (red) {
    ifm_buf_puts(&p->doc.notes[n], red);
    ifm_buf_putc(&p->doc.notes[n], '\n');
    if (p->o->log) fprintf(p->o->log, "ifmatch probe: %s\n", red);
  }
  free(red);
  ifm_buf_clear(&line);
}

int ifm_probe_body_is(const ifm_probe *p, const ifm_exchange *x, const char *want) {
  ifm_request_spec spec;
  ifm_exchange view;
  const ifm_exchange *seen;
  size_t wl = strlen(want);
  int same;
  memset(&spec, 0, sizeof spec);
  spec.op = IFM_OP_READ;
  if (x->error || x->status != 200) return 0;
  seen = ifm_judge_view(&p->t, &spec, x, &view);
  same = seen->resp_body_len == wl && memcmp(seen->resp_body ? seen->resp_body : "", want, wl) == 0;
  ifm_judge_view_clear(seen, &view);
  return same;
}

void ifm_probe_made(ifm_probe *p, const char *path) {
  char **m;
  size_t i;
  if (!path) return;
  for (i = 0; i < p->n_made; i++)
    if (strcmp(p->made[i], path) == 0) return;
  if (!(m = realloc(p->made, (p->n_made + 1) * sizeof *m))) return;
  p->made = m;
  if ((m[p->n_made] = ifm_strdup(path)) != NULL) p->n_made++;
}

/* DELETE with If-Match: * first (a server that requires a precondition on
 * writes takes it), then without. Newest first: children before their
 * collections. */
void ifm_probe_cleanup(ifm_probe *p) {
  ifm_exchange x;
  size_t i;
  for (i = p->n_made; i-- > 0;) {
    if (ifm_probe_req(p, IFM_OP_REQUEST, "DELETE", p->made[i], NULL, "If-Match", "*", &x) == IFM_OK &&
        !x.error && x.status / 100 != 2 && x.status != 404 && x.status != 410) {
      ifm_exchange_clear(&x);
      ifm_probe_req(p, IFM_OP_REQUEST, "DELETE", p->made[i], NULL, NULL, NULL, &x);
    }
    ifm_exchange_clear(&x);
  }
}
