/* ifm_scope.c: a case's template variables (see ifm_scope.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_scope.h"
#include "ifm_tmpl.h"

void ifm_scope_init(ifm_scope *s, const ifm_case *c, const ifm_target *t, const char *run_id,
                    unsigned long *uniq) {
  memset(s, 0, sizeof *s);
  s->c = c;
  s->target = t;
  s->run_id = run_id;
  s->uniq = uniq;
  s->client = -1;
}

void ifm_scope_clear(ifm_scope *s) {
  size_t i;
  for (i = 0; i < s->n_vars; i++) {
    free(s->vars[i].name);
    free(s->vars[i].absent);
    ifm_buf_clear(&s->vars[i].value);
  }
  free(s->vars);
  s->vars = NULL;
  s->n_vars = s->cap_vars = 0;
  free(s->path);
  free(s->collection);
  s->path = s->collection = NULL;
}

static ifm_var *var_find(ifm_scope *s, const char *name, size_t len) {
  size_t i;
  for (i = 0; i < s->n_vars; i++)
    if (strlen(s->vars[i].name) == len && memcmp(s->vars[i].name, name, len) == 0) return &s->vars[i];
  return NULL;
}

ifm_err ifm_scope_set(ifm_scope *s, const char *name, const char *value, size_t len) {
  ifm_var *v = var_find(s, name, strlen(name)), *a;
  if (!v) {
    a = ifm_xrealloc_array(s->vars, &s->cap_vars, s->n_vars + 1, sizeof *a);
    if (!a) return IFM_ERR_NOMEM;
    s->vars = a;
    v = &a[s->n_vars];
    memset(v, 0, sizeof *v);
    if (!(v->name = ifm_strdup(name))) return IFM_ERR_NOMEM;
    s->n_vars++;
  }
  free(v->absent);
  v->absent = NULL;
  ifm_buf_reset(&v->value);
  return ifm_buf_append(&v->value, value, len) == 0 ? IFM_OK : IFM_ERR_NOMEM;
}

/* The capture of name found no header field called header. */
static ifm_err scope_set_absent(ifm_scope *s, const char *name, const char *header) {
  ifm_err rc = ifm_scope_set(s, name, "", 0);
  ifm_var *v = var_find(s, name, strlen(name));
  if (rc != IFM_OK || !v) return IFM_ERR_NOMEM;
  return (v->absent = ifm_strdup(header)) ? IFM_OK : IFM_ERR_NOMEM;
}

static int name_is(const char *name, size_t len, const char *what) {
  return strlen(what) == len && memcmp(name, what, len) == 0;
}

static int resolve_cb(const char *name, size_t len, ifm_buf *out, void *ctx);

/* Expands the target's resource template with a new {{n}}. */
static int fresh_path(ifm_scope *s, ifm_buf *out) {
  char err[128];
  s->n++;
  return ifm_tmpl_expand(s->target->resource, resolve_cb, s, out, err, sizeof err);
}

static int resolve_cb(const char *name, size_t len, ifm_buf *out, void *ctx) {
  ifm_scope *s = ctx;
  ifm_var *v = var_find(s, name, len);
  size_t i;
  if (v && v->absent) {
    s->hit_absent = v;
    return -1;
  }
  if (v) return ifm_buf_append(out, v->value.p ? v->value.p : "", v->value.len);
  if (name_is(name, len, "path")) return s->path ? ifm_buf_puts(out, s->path) : -1;
  if (name_is(name, len, "collection")) return s->collection ? ifm_buf_puts(out, s->collection) : -1;
  if (name_is(name, len, "fresh")) return fresh_path(s, out);
  if (name_is(name, len, "n")) return ifm_buf_printf(out, "%lu", s->n);
  if (name_is(name, len, "case")) return ifm_buf_puts(out, s->c->id);
  if (name_is(name, len, "run")) return ifm_buf_puts(out, s->run_id);
  if (name_is(name, len, "uniq")) return ifm_buf_printf(out, "%s-%lu", s->run_id, ++*s->uniq);
  if (name_is(name, len, "client")) return s->client >= 0 ? ifm_buf_printf(out, "%d", s->client) : -1;
  if (name_is(name, len, "body"))
    return s->map_body ? ifm_buf_append(out, s->map_body->p ? s->map_body->p : "", s->map_body->len) : -1;
  for (i = 0; i < s->n_given; i++)
    if (name_is(name, len, s->given_names[i])) return ifm_buf_puts(out, s->given_values[i]);
  return -1;
}

ifm_err ifm_scope_expand(ifm_scope *s, const char *tmpl, ifm_buf *out, char *err, size_t errlen) {
  s->hit_absent = NULL;
  if (ifm_tmpl_expand(tmpl, resolve_cb, s, out, err, errlen) == 0) return IFM_OK;
  if (!s->hit_absent) return IFM_ERR_INPUT;
  snprintf(err, errlen, "the server's response had no %s field, so {{%s}} has no value", s->hit_absent->absent,
           s->hit_absent->name);
  return IFM_ERR_UNDECIDED;
}

ifm_err ifm_scope_new_paths(ifm_scope *s, char *err, size_t errlen) {
  ifm_buf p = IFM_BUF_INIT;
  free(s->path);
  free(s->collection);
  s->path = s->collection = NULL;
  if (fresh_path(s, &p) != 0) {
    snprintf(err, errlen, "cannot expand the target's resource template");
    ifm_buf_clear(&p);
    return IFM_ERR_INPUT;
  }
  s->path = ifm_buf_detach(&p);
  if (s->target->collection) {
    if (ifm_scope_expand(s, s->target->collection, &p, err, errlen) != 0) {
      ifm_buf_clear(&p);
      return IFM_ERR_INPUT;
    }
    s->collection = ifm_buf_detach(&p);
  }
  return s->path ? IFM_OK : IFM_ERR_NOMEM;
}

/* Where the path of a URL (or URI reference) of n bytes starts: after
 * scheme://authority when it has them; n when an absolute URL has no path. */
static size_t path_start(const char *u, size_t n) {
  size_t i;
  for (i = 0; i + 2 < n; i++) {
    if (u[i] == '/' || u[i] == '?') return 0;          /* no scheme: a reference */
    if (u[i] == ':' && u[i + 1] == '/' && u[i + 2] == '/') {
      for (i += 3; i < n && u[i] != '/'; i++) {
      }
      return i;
    }
  }
  return 0;
}

ifm_err ifm_scope_path_from_location(ifm_scope *s, const char *base_url, const char *request_url,
                                     const char *loc, size_t len) {
  ifm_buf abs = IFM_BUF_INIT;
  const char *prefix = base_url + path_start(base_url, strlen(base_url)), *p;
  size_t plen = strlen(prefix), i, start;
  char *path;
  int rc = 0;
  for (i = 0; i < len && loc[i] != '#'; i++) {   /* a fragment is not part of the resource */
  }
  len = i;
  while (len && (loc[len - 1] == ' ' || loc[len - 1] == '\t')) len--;
  start = path_start(loc, len);
  if (start > 0 || (len && loc[0] == '/')) {   /* absolute URL, or an absolute path */
    rc = start == len ? ifm_buf_putc(&abs, '/') : ifm_buf_append(&abs, loc + start, len - start);
  } else {                                      /* relative: against the request's directory */
    const char *rp = request_url + path_start(request_url, strlen(request_url));
    const char *slash = strrchr(rp, '/');
    rc = slash ? ifm_buf_append(&abs, rp, (size_t)(slash - rp) + 1) : ifm_buf_putc(&abs, '/');
    rc |= ifm_buf_append(&abs, loc, len);
  }
  if (rc != 0) goto oom;
  while (plen && prefix[plen - 1] == '/') plen--;
  p = ifm_buf_str(&abs);
  if (plen) {
    if (strncmp(p, prefix, plen) != 0 || (p[plen] != '/' && p[plen] != '\0')) {
      ifm_buf_clear(&abs);
      return IFM_ERR_INPUT;
    }
    p += plen;
  }
  if (!(path = ifm_strdup(*p ? p : "/"))) goto oom;
  free(s->path);
  s->path = path;
  ifm_buf_clear(&abs);
  return IFM_OK;
oom:
  ifm_buf_clear(&abs);
  return IFM_ERR_NOMEM;
}

ifm_err ifm_scope_capture(ifm_scope *s, const ifm_step *st, const ifm_exchange *x) {
  size_t i;
  for (i = 0; i < st->n_captures; i++) {
    const ifm_capture *c = &st->captures[i];
    char num[16];
    const ifm_field *f;
    ifm_err rc = IFM_OK;
    switch (c->src) {
      case IFM_CAP_STATUS:
        snprintf(num, sizeof num, "%d", x->status);
        rc = ifm_scope_set(s, c->var, num, strlen(num));
        break;
      case IFM_CAP_BODY:
        rc = ifm_scope_set(s, c->var, x->resp_body ? x->resp_body : "", x->resp_body_len);
        break;
      case IFM_CAP_HEADER:
        f = ifm_exchange_resp_header(x, c->header);
        rc = f ? ifm_scope_set(s, c->var, f->value, f->value_len) : scope_set_absent(s, c->var, c->header);
        break;
    }
    if (rc != IFM_OK) return rc;
  }
  return IFM_OK;
}
