/* ifm_request.c: from a step's request spec to a transfer, and from a
 * finished transfer to evidence (see ifm_request.h).
 *
 * Secrets: every value the target file took from the environment or from an
 * auth header is a secret. It goes on the wire, but every copy kept for a
 * report passes through ifm_redact first, and the auth/cookie fields are
 * replaced whole, so no report or log can carry one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ifm_request.h"
#include "ifm_tmpl.h"

static const char *const sensitive_fields[] = {"authorization", "proxy-authorization", "cookie",
                                               "set-cookie"};

void ifm_case_run_setup(ifm_case_run *cr, const ifm_case *c, size_t result_idx,
                        const ifm_run_opts *o, const char *run_id, unsigned long *uniq,
                        double run_t0) {
  memset(cr, 0, sizeof *cr);
  cr->c = c;
  cr->o = o;
  cr->result_idx = result_idx;
  cr->run_id = run_id;
  cr->uniq = uniq;
  cr->client = -1;
  cr->run_t0 = run_t0;
}

void ifm_case_run_clear(ifm_case_run *cr) {
  size_t i;
  for (i = 0; i < cr->n_vars; i++) {
    free(cr->vars[i].name);
    ifm_buf_free(&cr->vars[i].value);
  }
  free(cr->vars);
  cr->vars = NULL;
  cr->n_vars = cr->cap_vars = 0;
  for (i = 0; i < cr->nx; i++) ifm_exchange_clear(&cr->x[i]);
  free(cr->x);
  cr->x = NULL;
  cr->nx = cr->capx = 0;
  free(cr->path);
  free(cr->collection);
  cr->path = cr->collection = NULL;
  free(cr->pc);
  cr->pc = NULL;
  free(cr->fail_message);
  free(cr->fail_expected);
  free(cr->fail_got);
  cr->fail_message = cr->fail_expected = cr->fail_got = NULL;
}

static ifm_var *var_find(ifm_case_run *cr, const char *name, size_t len) {
  size_t i;
  for (i = 0; i < cr->n_vars; i++)
    if (strlen(cr->vars[i].name) == len && memcmp(cr->vars[i].name, name, len) == 0)
      return &cr->vars[i];
  return NULL;
}

static int var_set(ifm_case_run *cr, const char *name, const char *value, size_t len) {
  ifm_var *v = var_find(cr, name, strlen(name)), *a;
  if (!v) {
    a = ifm_xrealloc_array(cr->vars, &cr->cap_vars, cr->n_vars + 1, sizeof *a);
    if (!a) return -1;
    cr->vars = a;
    v = &a[cr->n_vars];
    memset(v, 0, sizeof *v);
    if (!(v->name = ifm_strdup(name))) return -1;
    cr->n_vars++;
  }
  ifm_buf_reset(&v->value);
  return ifm_buf_append(&v->value, value, len);
}

static int name_is(const char *name, size_t len, const char *what) {
  return strlen(what) == len && memcmp(name, what, len) == 0;
}

static int resolve_cb(const char *name, size_t len, ifm_buf *out, void *ctx);

/* Expands the target's resource template with a new {{n}}. */
static int fresh_path(ifm_case_run *cr, ifm_buf *out) {
  char err[128];
  cr->n++;
  return ifm_tmpl_expand(cr->o->target->resource, resolve_cb, cr, out, err, sizeof err);
}

static int resolve_cb(const char *name, size_t len, ifm_buf *out, void *ctx) {
  ifm_case_run *cr = ctx;
  const ifm_run_opts *o = cr->o;
  ifm_var *v = var_find(cr, name, len);
  size_t i;
  if (v) return ifm_buf_append(out, v->value.p ? v->value.p : "", v->value.len);
  if (name_is(name, len, "path")) return cr->path ? ifm_buf_puts(out, cr->path) : -1;
  if (name_is(name, len, "collection")) return cr->collection ? ifm_buf_puts(out, cr->collection) : -1;
  if (name_is(name, len, "fresh")) return fresh_path(cr, out);
  if (name_is(name, len, "n")) return ifm_buf_printf(out, "%lu", cr->n);
  if (name_is(name, len, "case")) return ifm_buf_puts(out, cr->c->id);
  if (name_is(name, len, "run")) return ifm_buf_puts(out, cr->run_id);
  if (name_is(name, len, "uniq")) return ifm_buf_printf(out, "%s-%lu", cr->run_id, ++*cr->uniq);
  if (name_is(name, len, "client")) return cr->client >= 0 ? ifm_buf_printf(out, "%d", cr->client) : -1;
  if (name_is(name, len, "body")) return cr->map_body ? ifm_buf_append(out, cr->map_body->p ? cr->map_body->p : "", cr->map_body->len) : -1;
  for (i = 0; i < o->n_vars; i++)
    if (name_is(name, len, o->var_names[i])) return ifm_buf_puts(out, o->var_values[i]);
  return -1;
}

int ifm_request_expand(ifm_case_run *cr, const char *tmpl, ifm_buf *out, char *err, size_t errlen) {
  return ifm_tmpl_expand(tmpl, resolve_cb, cr, out, err, errlen);
}

int ifm_case_run_init_paths(ifm_case_run *cr, char *err, size_t errlen) {
  ifm_buf p = IFM_BUF_INIT;
  if (fresh_path(cr, &p) != 0) {
    snprintf(err, errlen, "cannot expand the target's resource template");
    ifm_buf_free(&p);
    return -1;
  }
  cr->path = ifm_buf_detach(&p);
  if (cr->o->target->collection) {
    if (ifm_request_expand(cr, cr->o->target->collection, &p, err, errlen) != 0) {
      ifm_buf_free(&p);
      return -1;
    }
    cr->collection = ifm_buf_detach(&p);
  }
  return cr->path ? 0 : -1;
}

const char *ifm_request_method(const ifm_step *st, const ifm_target *t) {
  if (st->is_parallel) return NULL;
  if (st->req.method) return st->req.method;
  return st->req.op < IFM_OP_REQUEST ? t->ops[st->req.op].method : NULL;
}

/* base_url + path, with exactly one slash between them. */
static int join_url(const char *base, const char *path, size_t plen, ifm_buf *out) {
  size_t blen = strlen(base);
  while (blen && base[blen - 1] == '/') blen--;
  if (ifm_buf_append(out, base, blen)) return -1;
  if (plen == 0 || path[0] != '/') {
    if (ifm_buf_putc(out, '/')) return -1;
  }
  return ifm_buf_append(out, path, plen);
}

static int add_headers(ifm_case_run *cr, ifm_xfer *x, const ifm_kv *h, size_t n, char *err,
                       size_t errlen) {
  size_t i;
  for (i = 0; i < n; i++) {
    ifm_buf v = IFM_BUF_INIT;
    if (ifm_request_expand(cr, h[i].value, &v, err, errlen) != 0) {
      ifm_buf_free(&v);
      return -1;
    }
    if (ifm_xfer_add_header(x, h[i].name, v.p ? v.p : "", v.len) != 0) {
      snprintf(err, errlen, "header %s cannot be sent (NUL byte, or out of memory)", h[i].name);
      ifm_buf_free(&v);
      return -1;
    }
    ifm_buf_free(&v);
  }
  return 0;
}

ifm_xfer *ifm_request_build(ifm_case_run *cr, const ifm_request_spec *spec, int client,
                            ifm_hold_group *hold, char *err, size_t errlen) {
  const ifm_target *t = cr->o->target;
  const ifm_op_map *map = spec->op < IFM_OP_REQUEST ? &t->ops[spec->op] : NULL;
  const char *method_t = spec->method ? spec->method : map ? map->method : NULL;
  const char *path_t = spec->path ? spec->path : map && map->path ? map->path : "{{path}}";
  ifm_buf method = IFM_BUF_INIT, path = IFM_BUF_INIT, url = IFM_BUF_INIT;
  ifm_buf body = IFM_BUF_INIT, wire = IFM_BUF_INIT;
  ifm_xfer_opts xo;
  ifm_xfer *x = NULL;
  int has_body = spec->has_body || spec->op == IFM_OP_CREATE || spec->op == IFM_OP_UPDATE ||
                 spec->op == IFM_OP_PATCH;

  cr->client = client;
  if (!method_t) {
    snprintf(err, errlen, "no method for this operation");
    goto fail;
  }
  if (ifm_request_expand(cr, method_t, &method, err, errlen) ||
      ifm_request_expand(cr, path_t, &path, err, errlen) ||
      join_url(cr->o->base_url, path.p ? path.p : "", path.len, &url))
    goto fail;
  if (has_body && spec->body && ifm_request_expand(cr, spec->body, &body, err, errlen)) goto fail;
  if (has_body && map && map->body) {          /* the target wraps the case's body */
    cr->map_body = &body;
    if (ifm_request_expand(cr, map->body, &wire, err, errlen)) goto fail;
  } else if (has_body && ifm_buf_append(&wire, body.p ? body.p : "", body.len)) {
    goto fail;
  }
  memset(&xo, 0, sizeof xo);
  xo.timeout_s = cr->o->timeout_s > 0 ? cr->o->timeout_s : t->timeout_s;
  xo.http_version = (int)t->http_version;
  xo.ca_file = t->ca_file;
  xo.tls_verify = t->tls_verify;
  xo.fresh_connection = hold != NULL || client >= 0;
  xo.hold = hold;
  x = ifm_xfer_new(ifm_buf_str(&method), ifm_buf_str(&url), &xo);
  if (!x) {
    snprintf(err, errlen, "out of memory");
    goto fail;
  }
  if (t->case_header && *t->case_header &&
      ifm_xfer_add_header(x, t->case_header, cr->c->id, strlen(cr->c->id)) != 0) {
    snprintf(err, errlen, "out of memory");
    goto fail;
  }
  if (add_headers(cr, x, t->headers, t->n_headers, err, errlen) ||
      (map && add_headers(cr, x, map->headers, map->n_headers, err, errlen)) ||
      add_headers(cr, x, spec->headers, spec->n_headers, err, errlen))
    goto fail;
  if (has_body && ifm_xfer_set_body(x, wire.p, wire.len) != 0) {
    snprintf(err, errlen, "out of memory");
    goto fail;
  }
  cr->map_body = NULL;
  ifm_buf_free(&method);
  ifm_buf_free(&path);
  ifm_buf_free(&url);
  ifm_buf_free(&body);
  ifm_buf_free(&wire);
  return x;
fail:
  cr->map_body = NULL;
  ifm_xfer_free(x);
  ifm_buf_free(&method);
  ifm_buf_free(&path);
  ifm_buf_free(&url);
  ifm_buf_free(&body);
  ifm_buf_free(&wire);
  return NULL;
}

char *ifm_redact(const char *s, size_t len, char *const *secrets, size_t n_secrets, size_t *out_len) {
  ifm_buf out = IFM_BUF_INIT;
  size_t i = 0, k;
  while (i < len) {
    size_t hit = 0;
    for (k = 0; k < n_secrets; k++) {
      size_t sl = strlen(secrets[k]);
      if (sl && sl <= len - i && memcmp(s + i, secrets[k], sl) == 0 && sl > hit) hit = sl;
    }
    if (hit) {
      ifm_buf_puts(&out, "<redacted>");
      i += hit;
    } else {
      ifm_buf_putc(&out, s[i++]);
    }
  }
  if (out_len) *out_len = out.len;
  return ifm_buf_detach(&out);
}

static int is_sensitive(const char *name, const ifm_target *t) {
  size_t i;
  (void)t;
  for (i = 0; i < sizeof sensitive_fields / sizeof sensitive_fields[0]; i++)
    if (strcasecmp(name, sensitive_fields[i]) == 0) return 1;
  return 0;
}

static int copy_fields(const ifm_field *src, size_t n, ifm_field **dst, size_t *dn,
                       const ifm_target *t) {
  size_t i;
  if (n == 0) return 0;
  *dst = calloc(n, sizeof **dst);
  if (!*dst) return -1;
  for (i = 0; i < n; i++) {
    ifm_field *d = &(*dst)[i];
    d->name = ifm_strdup(src[i].name);
    if (is_sensitive(src[i].name, t)) {
      d->value = ifm_strdup("<redacted>");
      d->value_len = d->value ? strlen(d->value) : 0;
    } else {
      d->value = ifm_redact(src[i].value, src[i].value_len, t->secrets, t->n_secrets, &d->value_len);
    }
    *dn = i + 1;
    if (!d->name || !d->value) return -1;
  }
  return 0;
}

static char *excerpt(const ifm_buf *b, size_t *len, const ifm_target *t) {
  size_t n = b->len < IFM_BODY_EXCERPT ? b->len : IFM_BODY_EXCERPT;
  return ifm_redact(b->p ? b->p : "", n, t->secrets, t->n_secrets, len);
}

int ifm_request_record(ifm_case_run *cr, const ifm_xfer *x, int client, int round) {
  const ifm_target *t = cr->o->target;
  const ifm_response *r = ifm_xfer_response(x);
  const ifm_field *rh;
  size_t nrh;
  ifm_exchange *e, *a;
  double s, rel, fb, d;
  if (cr->nx >= IFM_EXCHANGES_KEPT + cr->extra_keep) {   /* keep the most recent ones only */
    ifm_exchange_clear(&cr->x[0]);
    memmove(cr->x, cr->x + 1, (cr->nx - 1) * sizeof *cr->x);
    cr->nx--;
    cr->omitted++;
    if (cr->seg_x0) cr->seg_x0--;         /* the marks move with the window */
    if (cr->round_x0) cr->round_x0--;
  }
  a = ifm_xrealloc_array(cr->x, &cr->capx, cr->nx + 1, sizeof *a);
  if (!a) return -1;
  cr->x = a;
  e = &a[cr->nx++];
  memset(e, 0, sizeof *e);
  e->step = (int)cr->step + 1;
  e->client = client;
  e->round = round;
  e->method = ifm_strdup(ifm_xfer_method(x));
  e->url = ifm_redact(ifm_xfer_url(x), strlen(ifm_xfer_url(x)), t->secrets, t->n_secrets, NULL);
  rh = ifm_xfer_req_headers(x, &nrh);
  if (copy_fields(rh, nrh, &e->req_headers, &e->n_req_headers, t) != 0) return -1;
  if (ifm_xfer_has_body(x)) {
    const ifm_buf *b = ifm_xfer_req_body(x);
    e->req_body = excerpt(b, &e->req_body_len, t);
    e->req_body_total = b->len;
    e->req_body_hash = ifm_hash64(b->p, b->len);
  }
  e->resp_body_hash = ifm_hash64(r->body.p, r->body.len);
  e->status = r->status;
  if (copy_fields(r->headers, r->n_headers, &e->resp_headers, &e->n_resp_headers, t) != 0) return -1;
  e->resp_body = excerpt(&r->body, &e->resp_body_len, t);
  e->resp_body_total = r->body.len;
  if (r->error) e->error = ifm_redact(r->error, strlen(r->error), t->secrets, t->n_secrets, NULL);
  ifm_xfer_times(x, &s, &rel, &fb, &d);
  e->t_start = s - cr->run_t0;
  e->t_release = rel > 0 ? rel - cr->run_t0 : 0;
  e->t_first_byte = fb > 0 ? fb - cr->run_t0 : 0;
  e->t_done = d - cr->run_t0;
  return e->method && e->url ? 0 : -1;
}

int ifm_request_capture(ifm_case_run *cr, const ifm_step *st, const ifm_response *r) {
  size_t i;
  for (i = 0; i < st->n_captures; i++) {
    const ifm_capture *c = &st->captures[i];
    char num[16];
    const ifm_field *f;
    int rc = 0;
    switch (c->src) {
      case IFM_CAP_STATUS:
        snprintf(num, sizeof num, "%d", r->status);
        rc = var_set(cr, c->var, num, strlen(num));
        break;
      case IFM_CAP_BODY:
        rc = var_set(cr, c->var, r->body.p ? r->body.p : "", r->body.len);
        break;
      case IFM_CAP_HEADER:
        f = ifm_response_header(r, c->header);
        if (f) rc = var_set(cr, c->var, f->value, f->value_len);
        break;
    }
    if (rc != 0) return -1;
  }
  return 0;
}
