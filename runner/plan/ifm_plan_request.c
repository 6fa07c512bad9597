/* ifm_plan_request.c: from a step's request spec to the request half of an
 * exchange (see ifm_plan.h): the target's mapping of the abstract operation,
 * templates expanded in the case's scope, the case header added. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ifm_plan.h"

/* base_url + path, with exactly one slash between them. */
static int join_url(const char *base, const char *path, size_t plen, ifm_buf *out) {
  size_t blen = strlen(base);
  while (blen && base[blen - 1] == '/') blen--;
  if (ifm_buf_append(out, base, blen)) return -1;
  if ((plen == 0 || path[0] != '/') && ifm_buf_putc(out, '/')) return -1;
  return ifm_buf_append(out, path, plen);
}

static ifm_err add_field(ifm_exchange *x, const char *name, const char *value, size_t len, char *err,
                     size_t errlen) {
  /* libcurl takes header lines as C strings: a NUL cannot be sent */
  if (memchr(value, '\0', len) || ifm_field_append(&x->req_headers, &x->n_req_headers, name, value, len)) {
    snprintf(err, errlen, "header %s cannot be sent (NUL byte, or out of memory)", name);
    return IFM_ERR_INPUT;
  }
  return IFM_OK;
}

static ifm_err add_headers(ifm_scope *s, ifm_exchange *x, const ifm_kv *h, size_t n, char *err,
                       size_t errlen) {
  size_t i;
  ifm_buf v = IFM_BUF_INIT;
  ifm_err rc = IFM_OK;
  for (i = 0; i < n && rc == IFM_OK; i++) {
    ifm_buf_reset(&v);
    rc = ifm_scope_expand(s, h[i].value, &v, err, errlen);
    if (rc == IFM_OK) rc = add_field(x, h[i].name, v.p ? v.p : "", v.len, err, errlen);
  }
  if (rc != IFM_OK) {
    ifm_buf_clear(&v);
    return rc;
  }
  ifm_buf_clear(&v);
  return IFM_OK;
}

ifm_err ifm_plan_request(ifm_scope *s, const ifm_request_spec *spec, const char *base_url, int client,
                     ifm_exchange *out, char *err, size_t errlen) {
  const ifm_target *t = s->target;
  const ifm_op_map *map = spec->op < IFM_OP_REQUEST ? &t->ops[spec->op] : NULL;
  const char *method_t = spec->method ? spec->method : map ? map->method : NULL;
  const char *path_t = spec->path ? spec->path : map && map->path ? map->path : "{{path}}";
  ifm_buf method = IFM_BUF_INIT, path = IFM_BUF_INIT, url = IFM_BUF_INIT;
  ifm_buf body = IFM_BUF_INIT, wire = IFM_BUF_INIT;
  int has_body = spec->has_body || spec->op == IFM_OP_CREATE || spec->op == IFM_OP_UPDATE ||
                 spec->op == IFM_OP_PATCH;
  ifm_err rc = IFM_ERR_INPUT;

  memset(out, 0, sizeof *out);
  out->client = client;
  s->client = client;
  if (!method_t) {
    snprintf(err, errlen, "no method for this operation");
    goto done;
  }
  if ((rc = ifm_scope_expand(s, method_t, &method, err, errlen)) != IFM_OK ||
      (rc = ifm_scope_expand(s, path_t, &path, err, errlen)) != IFM_OK)
    goto done;
  rc = IFM_ERR_INPUT;
  if (join_url(base_url, path.p ? path.p : "", path.len, &url)) goto oom;
  if (has_body && spec->body && (rc = ifm_scope_expand(s, spec->body, &body, err, errlen)) != IFM_OK) goto done;
  if (has_body && map && map->body) {          /* the target wraps the case's body */
    s->map_body = &body;
    if ((rc = ifm_scope_expand(s, map->body, &wire, err, errlen)) != IFM_OK) goto done;
  } else if (has_body && ifm_buf_append(&wire, body.p ? body.p : "", body.len)) {
    goto oom;
  }
  out->method = ifm_buf_detach(&method);
  out->url = ifm_buf_detach(&url);
  if (!out->method || !out->url) goto oom;
  if (t->case_header && *t->case_header &&
      (rc = add_field(out, t->case_header, s->c->id, strlen(s->c->id), err, errlen)) != IFM_OK)
    goto done;
  if ((rc = add_headers(s, out, t->headers, t->n_headers, err, errlen)) != IFM_OK ||
      (map && (rc = add_headers(s, out, map->headers, map->n_headers, err, errlen)) != IFM_OK) ||
      (rc = add_headers(s, out, spec->headers, spec->n_headers, err, errlen)) != IFM_OK)
    goto done;
  out->extract = map ? map->extract : NULL;
  if (has_body) {
    out->req_payload_hash = ifm_hash64(body.p ? body.p : "", body.len);
    out->req_body_len = out->req_body_total = wire.len;
    if (!(out->req_body = ifm_buf_detach(&wire))) goto oom;
  }
  rc = IFM_OK;
  goto done;
oom:
  snprintf(err, errlen, "out of memory");
  rc = IFM_ERR_NOMEM;
done:
  s->map_body = NULL;
  ifm_buf_clear(&method);
  ifm_buf_clear(&path);
  ifm_buf_clear(&url);
  ifm_buf_clear(&body);
  ifm_buf_clear(&wire);
  if (rc != 0) ifm_exchange_clear(out);
  return rc;
}

static const char *const precondition_fields[] = {"If-Match", "If-None-Match", "If-Modified-Since",
                                                  "If-Unmodified-Since", "If-Range"};

int ifm_plan_is_precondition(const char *name) {
  size_t i;
  for (i = 0; i < sizeof precondition_fields / sizeof precondition_fields[0]; i++)
    if (strcasecmp(name, precondition_fields[i]) == 0) return 1;
  return 0;
}

int ifm_plan_has_preconditions(const ifm_exchange *req) {
  size_t i;
  for (i = 0; i < req->n_req_headers; i++)
    if (ifm_plan_is_precondition(req->req_headers[i].name)) return 1;
  return 0;
}

void ifm_plan_strip_preconditions(ifm_exchange *req) {
  size_t i, k = 0;
  for (i = 0; i < req->n_req_headers; i++) {
    if (ifm_plan_is_precondition(req->req_headers[i].name)) {
      free(req->req_headers[i].name);
      free(req->req_headers[i].value);
      continue;
    }
    req->req_headers[k++] = req->req_headers[i];
  }
  req->n_req_headers = k;
}
