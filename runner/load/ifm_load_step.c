/* ifm_load_step.c: the steps of a case (cases/README.md): exactly one
 * operation (create, read, update, patch, delete, a request given in full,
 * parallel, or raw bytes), the request it sends, and what it expects,
 * assumes and captures.
 *
 *   - read: {}
 *     expect: {status: 200}
 *     capture: {e: header.etag}
 *   - update: {body: "v2", if_match: "{{e}}"}
 *     expect: {status: 2xx, header.etag: {not: "{{e}}"}}
 *
 * A step's keys are first sorted into a step_scratch, then read in a fixed
 * order, operation, expect, capture, whatever order the file wrote them in:
 * a capture is known only from the next step on, so nothing of the step
 * itself may name it. The request's `if_match:` / `if_none_match:` (a
 * string, or a list: one field line per item) become ordinary header
 * entries, in the order written. A header or body check is a value (equals)
 * or {MATCHER: V}; header names are kept in lower case. Every text is a
 * template, checked by ifm_load_vars.c. Parallel steps (issue: concurrency)
 * send `do` from `clients` clients; their expectations count responses by
 * status set: `expect: {count: {"2xx": 1, "412": rest}, linearizable: true}`.
 */
#include <stdlib.h>
#include <string.h>
#include "ifm_buf.h"
#include "ifm_load_int.h"
#include "ifm_raw.h"
#include "ifm_tmpl.h"

static const char *const op_names[] = {"create", "read", "update", "patch", "delete", "request", "parallel", "raw"};
/* in the order of enum ifm_release */
static const char *const releases[] = {"none", "last-byte", "single-packet", "auto"};

/* What a step (or an item of a parallel `do`) holds before it is read in
 * the order operation, expect, capture. */
typedef struct step_scratch {
  const ifm_yaml_node *node, *op_key, *op_val, *expect, *assume, *capture;
} step_scratch;

/* ---- requests ---- */

static int req_method(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ifm_request_spec *r = obj;
  if (ifm_load_case_text(y, value, "method", &r->method) != 0) return -1;
  if (!strstr(r->method, "{{") && !ifm_load_is_token(r->method)) {
    ifm_yaml_error(y, value, "method: '%s' is not a method name", r->method);
    return -1;
  }
  return 0;
}

static int req_path(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  return ifm_load_case_text(y, value, "path", &((ifm_request_spec *)obj)->path);
}

static int req_body(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ((ifm_request_spec *)obj)->has_body = 1;
  return ifm_load_case_text(y, value, "body", &((ifm_request_spec *)obj)->body);
}

/* if_match / if_none_match: a string is one field line, a list one per item. */
static int req_conditional(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ifm_request_spec *r = obj;
  const char *k = ifm_yaml_scalar(y, key);
  const char *field = strcmp(k, "if_match") == 0 ? "If-Match" : "If-None-Match";
  size_t i, count = ifm_yaml_count(value);
  char *v;
  int rc = 0;
  if (ifm_yaml_is_scalar(value)) {
    if (ifm_load_case_text(y, value, k, &v) != 0) return -1;
    if (ifm_load_kv_add(&r->headers, &r->n_headers, ifm_strdup(field), v, ifm_yaml_pos(y, value)) != 0)
      return ifm_yaml_oom(y, value);
    return 0;
  }
  if (!ifm_yaml_is_list(value) || count == 0) {
    ifm_yaml_error(y, value, "%s: expected a string or a non-empty list of strings, got %s", k,
                   ifm_yaml_is_list(value) ? "an empty list" : ifm_yaml_kind(y, value));
    return -1;
  }
  for (i = 0; i < count; i++) {
    const ifm_yaml_node *item = ifm_yaml_item(y, value, i);
    if (ifm_load_case_text(y, item, k, &v) != 0) {
      rc = -1;
      continue;
    }
    if (ifm_load_kv_add(&r->headers, &r->n_headers, ifm_strdup(field), v, ifm_yaml_pos(y, item)) != 0)
      return ifm_yaml_oom(y, item);
  }
  return rc;
}

static int req_headers(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ifm_request_spec *r = obj;
  return ifm_load_headers(y, value, ifm_load_case_text, &r->headers, &r->n_headers);
}

static const ifm_yaml_field req_fields[] = {
    {"method", 0, req_method},          {"path", 0, req_path},
    {"body", 0, req_body},              {"if_match", 0, req_conditional},
    {"if_none_match", 0, req_conditional}, {"headers", 0, req_headers},
};

/* The request of a step or of a parallel `do` item: key names the operation. */
static int load_request(ifm_yaml *y, const ifm_yaml_node *key, const ifm_yaml_node *value, ifm_request_spec *r) {
  const char *k = ifm_yaml_scalar(y, key);
  int i, rc;
  for (i = 0; i < IFM_OP_REQUEST && strcmp(k, op_names[i]) != 0; i++) {}
  r->op = (ifm_op)i;
  r->pos = ifm_yaml_pos(y, key);
  rc = ifm_yaml_fields(y, value, k, req_fields, sizeof req_fields / sizeof req_fields[0], r);
  if (rc == 0 && r->op == IFM_OP_REQUEST && !r->method) {
    ifm_yaml_error(y, key, "request: a raw request needs a 'method'");
    return -1;
  }
  return rc;
}

/* ---- raw requests ---- */

/* `raw: TEXT` or `raw: {bytes: TEXT, closed_ok: BOOL}`: the request's bytes
 * as written (ifm_raw.h), so none of the keys of other requests has a place
 * beside them. */
static int load_raw(ifm_yaml *y, const ifm_yaml_node *key, const ifm_yaml_node *value, ifm_request_spec *r) {
  size_t i, j, count;
  const ifm_yaml_node *bytes = NULL;
  int rc = 0;
  r->op = IFM_OP_REQUEST;
  r->pos = ifm_yaml_pos(y, key);
  if (ifm_yaml_is_scalar(value)) return ifm_load_raw_text(y, value, "raw", &r->raw);
  if (!ifm_yaml_is_map(value)) {
    ifm_yaml_error(y, value, "raw: expected the request's bytes as a string, or {bytes: ..., closed_ok: ...}, got %s",
                   ifm_yaml_kind(y, value));
    return -1;
  }
  count = ifm_yaml_count(value);
  for (i = 0; i < count; i++) {
    const ifm_yaml_node *k = ifm_yaml_key(y, value, i), *v = ifm_yaml_value(y, value, i);
    const char *name = ifm_yaml_scalar(y, k);
    if (!name) continue;   /* refused by the key check already */
    if (strcmp(name, "bytes") == 0) {
      bytes = v;
      if (ifm_load_raw_text(y, v, "raw: bytes", &r->raw) != 0) rc = -1;
    } else if (strcmp(name, "closed_ok") == 0) {
      if (ifm_yaml_bool(y, v, "closed_ok", &r->raw_closed_ok) != 0) rc = -1;
    } else {
      for (j = 0; j < sizeof req_fields / sizeof req_fields[0] && strcmp(name, req_fields[j].key) != 0; j++) {}
      if (j < sizeof req_fields / sizeof req_fields[0])
        ifm_yaml_error(y, k, "raw: '%s' has no place in a raw step: the request line, the fields and the body "
                             "are all written in bytes", name);
      else
        ifm_yaml_error(y, k, "unknown key '%s' (expected one of: bytes, closed_ok)", name);
      rc = -1;
    }
  }
  if (!bytes) {
    ifm_yaml_error(y, value, "raw: missing required key 'bytes'");
    rc = -1;
  }
  return rc;
}

/* ---- expectations ---- */

typedef struct matcher {
  const char *name;
  ifm_match match;
  int takes_value;        /* 0: takes `true` */
  int for_body;
} matcher;

static const matcher matchers[] = {
    {"not", IFM_M_NOT, 1, 1},         {"contains", IFM_M_CONTAINS, 1, 1}, {"absent", IFM_M_ABSENT, 0, 0},
    {"present", IFM_M_PRESENT, 0, 0}, {"etag", IFM_M_ETAG, 0, 0},         {"strong", IFM_M_STRONG, 0, 0},
};
#define N_MATCHERS (sizeof matchers / sizeof matchers[0])

static int item_add(ifm_yaml *y, ifm_expect *e, const ifm_yaml_node *key, ifm_expect_item **out) {
  ifm_expect_item *it = realloc(e->items, (e->n_items + 1) * sizeof *it);
  if (!it) return ifm_yaml_oom(y, key);
  e->items = it;
  *out = &it[e->n_items++];
  memset(*out, 0, sizeof **out);
  (*out)->pos = ifm_yaml_pos(y, key);
  return 0;
}

/* The value of header.X / body: a scalar (equals) or {MATCHER: V}. */
static int expect_value(ifm_yaml *y, const char *what, const ifm_yaml_node *value, int is_body,
                        ifm_expect_item *it) {
  const char *names[N_MATCHERS];
  const ifm_yaml_node *mk, *mv;
  size_t i, n = 0;
  int m, t;
  if (ifm_yaml_is_scalar(value)) {
    it->match = IFM_M_EQUALS;
    return ifm_load_case_text(y, value, what, &it->value);
  }
  for (i = 0; i < N_MATCHERS; i++)
    if (!is_body || matchers[i].for_body) names[n++] = matchers[i].name;
  if (!ifm_yaml_is_map(value) || ifm_yaml_count(value) != 1) {
    ifm_yaml_error(y, value, "%s: expected a value or a mapping with one key, got %s", what,
                   ifm_yaml_is_map(value) ? "a mapping of another size" : ifm_yaml_kind(y, value));
    return -1;
  }
  mk = ifm_yaml_key(y, value, 0);
  mv = ifm_yaml_value(y, value, 0);
  if ((m = ifm_yaml_oneof(y, mk, "matcher", ifm_yaml_scalar(y, mk), names, n)) < 0) return -1;
  for (i = 0; strcmp(matchers[i].name, names[m]) != 0; i++) {}
  it->match = matchers[i].match;
  if (matchers[i].takes_value) return ifm_load_case_text(y, mv, names[m], &it->value);
  if (ifm_yaml_bool(y, mv, names[m], &t) != 0) return -1;
  if (!t) {
    ifm_yaml_error(y, mv, "%s: only 'true' is meaningful here; leave the check out instead", names[m]);
    return -1;
  }
  return 0;
}

static int exp_status(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ifm_expect *e = obj;
  e->has_status = 1;
  return ifm_load_status(y, value, 1, &e->status);
}

static int exp_body(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ifm_expect_item *it;
  if (item_add(y, obj, key, &it) != 0) return -1;
  it->is_body = 1;
  return expect_value(y, "body", value, 1, it);
}

static int exp_header(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  const char *k = ifm_yaml_scalar(y, key), *name = k + strlen("header.");
  ifm_expect_item *it;
  char *p;
  if (!ifm_load_is_token(name)) {
    ifm_yaml_error(y, key, "invalid header field name '%s' (RFC 9110 token characters only)", name);
    return -1;
  }
  if (item_add(y, obj, key, &it) != 0) return -1;
  if (!(it->name = ifm_strdup(name))) return ifm_yaml_oom(y, key);
  for (p = it->name; *p; p++)
    if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
  return expect_value(y, k, value, 0, it);
}

static const ifm_yaml_field expect_fields[] = {
    {"status", 0, exp_status},
    {"body", 0, exp_body},
    {"header.", IFM_YF_PREFIX, exp_header},
};

/* `expect:` / `assume:` of a sequential step. */
static int load_expect(ifm_yaml *y, const ifm_yaml_node *n, const char *what, ifm_expect *e) {
  return ifm_yaml_fields(y, n, what, expect_fields, sizeof expect_fields / sizeof expect_fields[0], e);
}

/* ---- expectations of parallel steps ---- */

static int exp_count(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ifm_parallel *p = &((ifm_step *)obj)->par;
  size_t i, count;
  int rc = 0, rest = 0;
  if (!ifm_yaml_want_map(y, value, "count")) return -1;
  if ((count = ifm_yaml_count(value)) == 0) return 0;
  if (!(p->counts = calloc(count, sizeof *p->counts))) return ifm_yaml_oom(y, value);
  p->n_counts = count;
  for (i = 0; i < count; i++) {
    const ifm_yaml_node *k = ifm_yaml_key(y, value, i), *v = ifm_yaml_value(y, value, i);
    const char *s = ifm_yaml_scalar(y, v);
    long n;
    p->counts[i].pos = ifm_yaml_pos(y, k);
    if (ifm_load_status_text(y, k, &p->counts[i].status) != 0) rc = -1;
    if (s && strcmp(s, "rest") == 0) {
      p->counts[i].count = -1;
      if (rest++) {
        ifm_yaml_error(y, v, "count: only one status set can take the rest");
        rc = -1;
      }
    } else if (strcmp(ifm_yaml_kind(y, v), "a number") != 0) {
      ifm_yaml_error(y, v, "count: expected a number of responses or 'rest', got %s", ifm_yaml_kind(y, v));
      rc = -1;
    } else if (ifm_yaml_int(y, v, "count", 0, 1L << 30, &n) != 0) {
      rc = -1;
    } else {
      p->counts[i].count = (int)n;
    }
  }
  return rc;
}

static int exp_linearizable(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  return ifm_yaml_bool(y, value, "linearizable", &((ifm_step *)obj)->par.linearizable);
}

static const ifm_yaml_field expect_par_fields[] = {
    {"count", 0, exp_count},
    {"linearizable", 0, exp_linearizable},
};

static int load_expect_parallel(ifm_yaml *y, const ifm_yaml_node *n, ifm_step *st) {
  return ifm_yaml_fields(y, n, "expect", expect_par_fields,
                         sizeof expect_par_fields / sizeof expect_par_fields[0], st);
}

/* ---- the operation ---- */

static int step_op(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  step_scratch *s = obj;
  if (s->op_key) {
    ifm_yaml_error(y, key, "a step has exactly one operation: '%s' and '%s'", ifm_yaml_scalar(y, s->op_key),
                   ifm_yaml_scalar(y, key));
    return -1;
  }
  s->op_key = key;
  s->op_val = value;
  return 0;
}

static int step_expect(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ((step_scratch *)obj)->expect = value;
  return 0;
}

static int step_assume(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ((step_scratch *)obj)->assume = value;
  return 0;
}

static int step_capture(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ((step_scratch *)obj)->capture = value;
  return 0;
}

static const ifm_yaml_field step_fields[] = {
    {"create", 0, step_op}, {"read", 0, step_op},     {"update", 0, step_op},
    {"patch", 0, step_op},  {"delete", 0, step_op},   {"request", 0, step_op},
    {"parallel", 0, step_op}, {"raw", 0, step_op},    {"capture", 0, step_capture},
    {"expect", 0, step_expect}, {"assume", 0, step_assume},
};

/* The first six entries of step_fields are what a parallel `do` may hold. */
#define DO_FIELDS 6

static int need_op(ifm_yaml *y, const step_scratch *s, size_t n_ops) {
  ifm_buf list = IFM_BUF_INIT;
  size_t i;
  if (s->op_key) return 0;
  for (i = 0; i < n_ops; i++) ifm_buf_printf(&list, "%s%s", i ? ", " : "", op_names[i]);
  ifm_yaml_error(y, s->node, "a step needs one operation (one of: %s)", ifm_buf_str(&list));
  ifm_buf_clear(&list);
  return -1;
}

/* ---- parallel steps ---- */

static int par_clients(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  long v;
  if (ifm_yaml_int(y, value, "clients", 1, 4096, &v) != 0) return -1;
  ((ifm_parallel *)obj)->clients = (unsigned)v;
  return 0;
}

static int par_release(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  int v = ifm_yaml_oneof(y, value, "release mode", ifm_yaml_scalar(y, value), releases, 4);
  if (v < 0) return -1;
  ((ifm_parallel *)obj)->release = (ifm_release)v;
  return 0;
}

static int par_rounds(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  long v;
  if (ifm_yaml_int(y, value, "rounds", 1, 100000, &v) != 0) return -1;
  ((ifm_parallel *)obj)->rounds = (unsigned)v;
  return 0;
}

static int par_stop(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  return ifm_yaml_bool(y, value, "stop_on_violation", &((ifm_parallel *)obj)->stop_on_violation);
}

/* A raw request in a parallel `do`: reported (1), since its bytes go out on
 * one connection of their own, outside the release of a parallel step. */
static int raw_in_do(ifm_yaml *y, const ifm_yaml_node *item) {
  size_t i, count = ifm_yaml_is_map(item) ? ifm_yaml_count(item) : 0;
  for (i = 0; i < count; i++) {
    const ifm_yaml_node *k = ifm_yaml_key(y, item, i);
    const char *name = ifm_yaml_scalar(y, k);
    if (name && strcmp(name, "raw") == 0) {
      ifm_yaml_error(y, k, "raw: a raw request is a sequential step of its own; it cannot be part of a "
                           "parallel step's do");
      return 1;
    }
  }
  return 0;
}

static int par_do(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ifm_parallel *p = obj;
  size_t i, count;
  int rc = 0;
  if (ifm_yaml_is_map(value)) {
    count = 1;   /* do: {update: {...}} */
  } else if (ifm_yaml_is_list(value) && ifm_yaml_count(value) > 0) {
    count = ifm_yaml_count(value);
  } else {
    ifm_yaml_error(y, value, "do: expected an operation or a non-empty list of operations, got %s",
                   ifm_yaml_is_list(value) ? "an empty list" : ifm_yaml_kind(y, value));
    return -1;
  }
  if (!(p->ops = calloc(count, sizeof *p->ops))) return ifm_yaml_oom(y, value);
  p->n_ops = count;
  for (i = 0; i < count; i++) {
    step_scratch s;
    memset(&s, 0, sizeof s);
    s.node = ifm_yaml_is_map(value) ? value : ifm_yaml_item(y, value, i);
    if (raw_in_do(y, s.node)) {
      rc = -1;
      continue;
    }
    if (ifm_yaml_fields(y, s.node, "do", step_fields, DO_FIELDS, &s) != 0 || need_op(y, &s, DO_FIELDS) != 0 ||
        load_request(y, s.op_key, s.op_val, &p->ops[i]) != 0)
      rc = -1;
  }
  return rc;
}

static const ifm_yaml_field par_fields[] = {
    {"clients", IFM_YF_REQUIRED, par_clients}, {"release", 0, par_release},
    {"rounds", 0, par_rounds},                 {"stop_on_violation", 0, par_stop},
    {"do", IFM_YF_REQUIRED, par_do},
};

/* ---- captures ---- */

static int var_name_ok(const char *s) {
  if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_')) return 0;
  for (; *s; s++)
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
      return 0;
  return 1;
}

static int capture_one(ifm_yaml *y, ifm_capture *cp, const ifm_yaml_node *k, const ifm_yaml_node *v) {
  const char *name = ifm_yaml_scalar(y, k), *src;
  size_t i;
  char *p;
  cp->pos = ifm_yaml_pos(y, k);
  if (!var_name_ok(name)) {
    ifm_yaml_error(y, k, "capture: '%s' is not a variable name (letters, digits and '_')", name);
    return -1;
  }
  if (ifm_tmpl_builtin(name, strlen(name), IFM_TMPL_IN_CASE) || ifm_raw_builtin(name, strlen(name))) {
    ifm_yaml_error(y, k, "capture: '%s' is a built-in variable", name);
    return -1;
  }
  if (!(cp->var = ifm_strdup(name))) return ifm_yaml_oom(y, k);
  if (ifm_yaml_string(y, v, name, &p) != 0) return -1;
  src = p;
  if (strcmp(src, "status") == 0) {
    cp->src = IFM_CAP_STATUS;
  } else if (strcmp(src, "body") == 0) {
    cp->src = IFM_CAP_BODY;
  } else if (strncmp(src, "header.", 7) == 0 && ifm_load_is_token(src + 7)) {
    cp->src = IFM_CAP_HEADER;
    cp->header = ifm_strdup(src + 7);
    for (i = 0; cp->header && cp->header[i]; i++)
      if (cp->header[i] >= 'A' && cp->header[i] <= 'Z') cp->header[i] = (char)(cp->header[i] - 'A' + 'a');
  } else {
    ifm_yaml_error(y, v, "capture: unknown source '%s' (expected status, body or header.<name>)", src);
    free(p);
    return -1;
  }
  free(p);
  return cp->src != IFM_CAP_HEADER || cp->header ? 0 : ifm_yaml_oom(y, v);
}

static int load_captures(ifm_yaml *y, const ifm_yaml_node *n, ifm_step *st) {
  size_t i, count;
  int rc = 0;
  if (!ifm_yaml_want_map(y, n, "capture")) return -1;
  if ((count = ifm_yaml_count(n)) == 0) return 0;
  if (!(st->captures = calloc(count, sizeof *st->captures))) return ifm_yaml_oom(y, n);
  st->n_captures = count;
  for (i = 0; i < count; i++)
    if (capture_one(y, &st->captures[i], ifm_yaml_key(y, n, i), ifm_yaml_value(y, n, i)) != 0) rc = -1;
  return rc;
}

/* ---- steps ---- */

int ifm_load_step(ifm_yaml *y, const ifm_yaml_node *n, ifm_step *st) {
  step_scratch s;
  size_t before = y->n_errors;
  memset(&s, 0, sizeof s);
  s.node = n;
  st->pos = ifm_yaml_pos(y, n);
  if (ifm_yaml_fields(y, n, "step", step_fields, sizeof step_fields / sizeof step_fields[0], &s) != 0 &&
      !s.op_key)
    return -1;
  if (need_op(y, &s, sizeof op_names / sizeof op_names[0]) != 0) return -1;
  if (strcmp(ifm_yaml_scalar(y, s.op_key), "parallel") == 0) {
    st->is_parallel = 1;
    st->par.rounds = 1;
    ifm_yaml_fields(y, s.op_val, "parallel", par_fields, sizeof par_fields / sizeof par_fields[0], &st->par);
    if (s.expect) load_expect_parallel(y, s.expect, st);
    if (s.capture) ifm_yaml_error(y, s.capture, "capture: a parallel step has no single response to capture from");
    if (s.assume) ifm_yaml_error(y, s.assume, "assume: a parallel step has no single response to check");
  } else {
    if (strcmp(ifm_yaml_scalar(y, s.op_key), "raw") == 0)
      load_raw(y, s.op_key, s.op_val, &st->req);
    else
      load_request(y, s.op_key, s.op_val, &st->req);
    if (s.expect) load_expect(y, s.expect, "expect", &st->expect);
    if (s.capture) load_captures(y, s.capture, st);
    if (s.assume) load_expect(y, s.assume, "assume", &st->assume);   /* the same keys as expect */
  }
  return y->n_errors > before ? -1 : 0;
}
