/* ifm_load_case.c: case files (cases/README.md) into ifm_case_file, and whole
 * suites: directories walked in a stable order, case IDs unique across every
 * file.
 *
 * Templates are checked where they are read, against what is known at that
 * point of the case: the built-ins, --var names, and the captures of EARLIER
 * steps (a capture of step k is usable from step k+1). The known-callback
 * reads those captures from the steps already built, so there is one list of
 * captures, the model's.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "ifm_buf.h"
#include "ifm_catalogue.h"
#include "ifm_load_int.h"
#include "ifm_tmpl.h"

#define CASE_ID_MAX 128
#define SUITE_MAX_DEPTH 16

static const char *const levels[] = {"MUST", "SHOULD", "MAY"};
static const char *const op_names[] = {"create", "read", "update", "patch", "delete", "request", "parallel"};
static const char *const releases[] = {"none", "last-byte"};

typedef struct case_ctx {
  const char *const *extra;
  size_t n_extra;
  ifm_case *c;            /* the case being read */
  size_t step;            /* the index of its step being read */
} case_ctx;

/* What a step (or an item of a parallel `do`) holds before it is read in
 * the order operation, expect, capture. */
typedef struct step_scratch {
  yaml_node_t *node, *op_key, *op_val, *expect, *assume, *capture;
} step_scratch;

/* ---- templates ---- */

static int name_is(const char *name, size_t len, const char *s) {
  return strlen(s) == len && memcmp(s, name, len) == 0;
}

static int case_known(const char *name, size_t len, void *arg) {
  const case_ctx *x = arg;
  size_t i, k;
  if (ifm_tmpl_builtin(name, len, IFM_TMPL_IN_CASE)) return 1;
  for (i = 0; i < x->n_extra; i++)
    if (x->extra[i] && name_is(name, len, x->extra[i])) return 1;
  for (i = 0; x->c && i < x->step && i < x->c->n_steps; i++)
    for (k = 0; k < x->c->steps[i].n_captures; k++)
      if (x->c->steps[i].captures[k].var && name_is(name, len, x->c->steps[i].captures[k].var)) return 1;
  return 0;
}

static int case_text(ifm_yaml *y, const yaml_node_t *n, const char *what, char **out) {
  const char *msg = NULL;
  size_t off = 0;
  if (ifm_yaml_text(y, n, what, out) != 0) return -1;
  if (ifm_tmpl_check(*out, case_known, y->user, &off, &msg) == 0) return 0;
  ifm_load_tmpl_error(y, n, what, *out, off, msg);
  free(*out);
  *out = NULL;
  return -1;
}

/* ---- requests ---- */

static int req_method(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value) {
  ifm_request_spec *r = obj;
  if (case_text(y, value, "method", &r->method) != 0) return -1;
  if (!strstr(r->method, "{{") && !ifm_load_is_token(r->method)) {
    ifm_yaml_error(y, value, "method: '%s' is not a method name", r->method);
    return -1;
  }
  return 0;
}

static int req_path(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value) {
  return case_text(y, value, "path", &((ifm_request_spec *)obj)->path);
}

static int req_body(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value) {
  ((ifm_request_spec *)obj)->has_body = 1;
  return case_text(y, value, "body", &((ifm_request_spec *)obj)->body);
}

/* if_match / if_none_match: a string is one field line, a list one per item. */
static int req_conditional(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value) {
  ifm_request_spec *r = obj;
  const char *k = ifm_yaml_scalar(key);
  const char *field = strcmp(k, "if_match") == 0 ? "If-Match" : "If-None-Match";
  yaml_node_item_t *it;
  char *v;
  int rc = 0;
  if (value && value->type == YAML_SCALAR_NODE) {
    if (case_text(y, value, k, &v) != 0) return -1;
    if (ifm_load_kv_add(&r->headers, &r->n_headers, ifm_strdup(field), v, ifm_yaml_pos(y, value)) != 0)
      return ifm_yaml_oom(y, value);
    return 0;
  }
  if (!value || value->type != YAML_SEQUENCE_NODE || ifm_yaml_count(value) == 0) {
    ifm_yaml_error(y, value, "%s: expected a string or a non-empty list of strings, got %s", k,
                   value && value->type == YAML_SEQUENCE_NODE ? "an empty list" : ifm_yaml_kind(value));
    return -1;
  }
  for (it = value->data.sequence.items.start; it < value->data.sequence.items.top; it++) {
    yaml_node_t *item = ifm_yaml_get(y, *it);
    if (case_text(y, item, k, &v) != 0) {
      rc = -1;
      continue;
    }
    if (ifm_load_kv_add(&r->headers, &r->n_headers, ifm_strdup(field), v, ifm_yaml_pos(y, item)) != 0)
      return ifm_yaml_oom(y, item);
  }
  return rc;
}

static int req_headers(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value) {
  ifm_request_spec *r = obj;
  return ifm_load_headers(y, value, case_text, &r->headers, &r->n_headers);
}

static const ifm_yaml_field req_fields[] = {
    {"method", 0, req_method},          {"path", 0, req_path},
    {"body", 0, req_body},              {"if_match", 0, req_conditional},
    {"if_none_match", 0, req_conditional}, {"headers", 0, req_headers},
};

static int load_request(ifm_yaml *y, yaml_node_t *key, yaml_node_t *value, ifm_request_spec *r) {
  const char *k = ifm_yaml_scalar(key);
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

/* ---- steps: the operation ---- */

static int step_op(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value) {
  step_scratch *s = obj;
  if (s->op_key) {
    ifm_yaml_error(y, key, "a step has exactly one operation: '%s' and '%s'", ifm_yaml_scalar(s->op_key),
                   ifm_yaml_scalar(key));
    return -1;
  }
  s->op_key = key;
  s->op_val = value;
  return 0;
}

static int step_expect(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value) {
  ((step_scratch *)obj)->expect = value;
  return 0;
}

static int step_assume(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value) {
  ((step_scratch *)obj)->assume = value;
  return 0;
}

static int step_capture(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value) {
  ((step_scratch *)obj)->capture = value;
  return 0;
}

static const ifm_yaml_field step_fields[] = {
    {"create", 0, step_op}, {"read", 0, step_op},     {"update", 0, step_op},
    {"patch", 0, step_op},  {"delete", 0, step_op},   {"request", 0, step_op},
    {"parallel", 0, step_op}, {"capture", 0, step_capture}, {"expect", 0, step_expect},
    {"assume", 0, step_assume},
};

/* The first six entries of step_fields are what a parallel `do` may hold. */
#define DO_FIELDS 6

static int need_op(ifm_yaml *y, const step_scratch *s, size_t n_ops) {
  ifm_buf list = IFM_BUF_INIT;
  size_t i;
  if (s->op_key) return 0;
  for (i = 0; i < n_ops; i++) ifm_buf_printf(&list, "%s%s", i ? ", " : "", op_names[i]);
  ifm_yaml_error(y, s->node, "a step needs one operation (one of: %s)", ifm_buf_str(&list));
  ifm_buf_free(&list);
  return -1;
}

/* ---- parallel steps ---- */

static int par_clients(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value) {
  long v;
  if (ifm_yaml_int(y, value, "clients", 1, 4096, &v) != 0) return -1;
  ((ifm_parallel *)obj)->clients = (unsigned)v;
  return 0;
}

static int par_release(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value) {
  int v = ifm_yaml_oneof(y, value, "release mode", ifm_yaml_scalar(value), releases, 2);
  if (v < 0) return -1;
  ((ifm_parallel *)obj)->release = v ? IFM_RELEASE_LAST_BYTE : IFM_RELEASE_NONE;
  return 0;
}

static int par_rounds(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value) {
  long v;
  if (ifm_yaml_int(y, value, "rounds", 1, 100000, &v) != 0) return -1;
  ((ifm_parallel *)obj)->rounds = (unsigned)v;
  return 0;
}

static int par_stop(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value) {
  return ifm_yaml_bool(y, value, "stop_on_violation", &((ifm_parallel *)obj)->stop_on_violation);
}

static int par_do(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value) {
  ifm_parallel *p = obj;
  size_t i, count;
  int rc = 0;
  if (value && value->type == YAML_MAPPING_NODE) {
    count = 1;   /* do: {update: {...}} */
  } else if (value && value->type == YAML_SEQUENCE_NODE && ifm_yaml_count(value) > 0) {
    count = ifm_yaml_count(value);
  } else {
    ifm_yaml_error(y, value, "do: expected an operation or a non-empty list of operations, got %s",
                   value && value->type == YAML_SEQUENCE_NODE ? "an empty list" : ifm_yaml_kind(value));
    return -1;
  }
  if (!(p->ops = calloc(count, sizeof *p->ops))) return ifm_yaml_oom(y, value);
  p->n_ops = count;
  for (i = 0; i < count; i++) {
    step_scratch s;
    memset(&s, 0, sizeof s);
    s.node = value->type == YAML_MAPPING_NODE ? value : ifm_yaml_get(y, value->data.sequence.items.start[i]);
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

/* ---- expectations ---- */

typedef struct matcher {
  const char *name;
  ifm_match match;
  int takes_value;        /* 0: takes `true` */
  int for_body;
} matcher;

static const matcher matchers[] = {
    {"not", IFM_M_NOT, 1, 1},         {"contains", IFM_M_CONTAINS, 1, 1}, {"absent", IFM_M_ABSENT, 0, 0},
    {"present", IFM_M_PRESENT, 0, 0}, {"etag", IFM_M_ETAG, 0, 0},
};

static int item_add(ifm_yaml *y, ifm_step *st, const yaml_node_t *key, ifm_expect_item **out) {
  ifm_expect_item *it = realloc(st->expect.items, (st->expect.n_items + 1) * sizeof *it);
  if (!it) return ifm_yaml_oom(y, key);
  st->expect.items = it;
  *out = &it[st->expect.n_items++];
  memset(*out, 0, sizeof **out);
  (*out)->pos = ifm_yaml_pos(y, key);
  return 0;
}

/* The value of header.X / body: a scalar (equals) or {MATCHER: V}. */
static int expect_value(ifm_yaml *y, const char *what, yaml_node_t *value, int is_body,
                        ifm_expect_item *it) {
  const char *names[sizeof matchers / sizeof matchers[0]];
  yaml_node_t *mk, *mv;
  size_t i, n = 0;
  int m, t;
  if (value && value->type == YAML_SCALAR_NODE) {
    it->match = IFM_M_EQUALS;
    return case_text(y, value, what, &it->value);
  }
  for (i = 0; i < sizeof matchers / sizeof matchers[0]; i++)
    if (!is_body || matchers[i].for_body) names[n++] = matchers[i].name;
  if (!value || value->type != YAML_MAPPING_NODE || ifm_yaml_count(value) != 1) {
    ifm_yaml_error(y, value, "%s: expected a value or a mapping with one key, got %s", what,
                   value && value->type == YAML_MAPPING_NODE ? "a mapping of another size" : ifm_yaml_kind(value));
    return -1;
  }
  mk = ifm_yaml_get(y, value->data.mapping.pairs.start[0].key);
  mv = ifm_yaml_get(y, value->data.mapping.pairs.start[0].value);
  if ((m = ifm_yaml_oneof(y, mk, "matcher", ifm_yaml_scalar(mk), names, n)) < 0) return -1;
  for (i = 0; strcmp(matchers[i].name, names[m]) != 0; i++) {}
  it->match = matchers[i].match;
  if (matchers[i].takes_value) return case_text(y, mv, names[m], &it->value);
  if (ifm_yaml_bool(y, mv, names[m], &t) != 0) return -1;
  if (!t) {
    ifm_yaml_error(y, mv, "%s: only 'true' is meaningful here; leave the check out instead", names[m]);
    return -1;
  }
  return 0;
}

static int exp_status(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value) {
  ifm_step *st = obj;
  st->expect.has_status = 1;
  return ifm_load_status(y, value, 1, &st->expect.status);
}

static int exp_body(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value) {
  ifm_expect_item *it;
  if (item_add(y, obj, key, &it) != 0) return -1;
  it->is_body = 1;
  return expect_value(y, "body", value, 1, it);
}

static int exp_header(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value) {
  const char *k = ifm_yaml_scalar(key), *name = k + strlen("header.");
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

static int exp_count(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value) {
  ifm_parallel *p = &((ifm_step *)obj)->par;
  size_t i, count;
  int rc = 0, rest = 0;
  if (!ifm_yaml_want_map(y, value, "count")) return -1;
  if ((count = ifm_yaml_count(value)) == 0) return 0;
  if (!(p->counts = calloc(count, sizeof *p->counts))) return ifm_yaml_oom(y, value);
  p->n_counts = count;
  for (i = 0; i < count; i++) {
    yaml_node_t *k = ifm_yaml_get(y, value->data.mapping.pairs.start[i].key);
    yaml_node_t *v = ifm_yaml_get(y, value->data.mapping.pairs.start[i].value);
    const char *s = ifm_yaml_scalar(v);
    long n;
    p->counts[i].pos = ifm_yaml_pos(y, k);
    if (ifm_load_status_text(y, k, &p->counts[i].status) != 0) rc = -1;
    if (s && strcmp(s, "rest") == 0) {
      p->counts[i].count = -1;
      if (rest++) {
        ifm_yaml_error(y, v, "count: only one status set can take the rest");
        rc = -1;
      }
    } else if (strcmp(ifm_yaml_kind(v), "a number") != 0) {
      ifm_yaml_error(y, v, "count: expected a number of responses or 'rest', got %s", ifm_yaml_kind(v));
      rc = -1;
    } else if (ifm_yaml_int(y, v, "count", 0, 1L << 30, &n) != 0) {
      rc = -1;
    } else {
      p->counts[i].count = (int)n;
    }
  }
  return rc;
}

static int exp_linearizable(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value) {
  return ifm_yaml_bool(y, value, "linearizable", &((ifm_step *)obj)->par.linearizable);
}

static const ifm_yaml_field expect_fields[] = {
    {"status", 0, exp_status},
    {"body", 0, exp_body},
    {"header.", IFM_YF_PREFIX, exp_header},
};

static const ifm_yaml_field expect_par_fields[] = {
    {"count", 0, exp_count},
    {"linearizable", 0, exp_linearizable},
};

/* ---- captures ---- */

static int var_name_ok(const char *s) {
  if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_')) return 0;
  for (; *s; s++)
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
      return 0;
  return 1;
}

static int capture_one(ifm_yaml *y, ifm_capture *cp, yaml_node_t *k, yaml_node_t *v) {
  const char *name = ifm_yaml_scalar(k), *src;
  size_t i;
  char *p;
  cp->pos = ifm_yaml_pos(y, k);
  if (!var_name_ok(name)) {
    ifm_yaml_error(y, k, "capture: '%s' is not a variable name (letters, digits and '_')", name);
    return -1;
  }
  if (ifm_tmpl_builtin(name, strlen(name), IFM_TMPL_IN_CASE)) {
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

static int load_captures(ifm_yaml *y, yaml_node_t *n, ifm_step *st) {
  size_t i, count;
  int rc = 0;
  if (!ifm_yaml_want_map(y, n, "capture")) return -1;
  if ((count = ifm_yaml_count(n)) == 0) return 0;
  if (!(st->captures = calloc(count, sizeof *st->captures))) return ifm_yaml_oom(y, n);
  st->n_captures = count;
  for (i = 0; i < count; i++)
    if (capture_one(y, &st->captures[i], ifm_yaml_get(y, n->data.mapping.pairs.start[i].key),
                    ifm_yaml_get(y, n->data.mapping.pairs.start[i].value)) != 0)
      rc = -1;
  return rc;
}

/* ---- steps ---- */

static int load_step(ifm_yaml *y, yaml_node_t *n, ifm_step *st) {
  step_scratch s;
  size_t before = y->n_errors;
  memset(&s, 0, sizeof s);
  s.node = n;
  st->pos = ifm_yaml_pos(y, n);
  if (ifm_yaml_fields(y, n, "step", step_fields, sizeof step_fields / sizeof step_fields[0], &s) != 0 &&
      !s.op_key)
    return -1;
  if (need_op(y, &s, sizeof op_names / sizeof op_names[0]) != 0) return -1;
  if (strcmp(ifm_yaml_scalar(s.op_key), "parallel") == 0) {
    st->is_parallel = 1;
    st->par.rounds = 1;
    ifm_yaml_fields(y, s.op_val, "parallel", par_fields, sizeof par_fields / sizeof par_fields[0], &st->par);
    if (s.expect)
      ifm_yaml_fields(y, s.expect, "expect", expect_par_fields,
                      sizeof expect_par_fields / sizeof expect_par_fields[0], st);
    if (s.capture) ifm_yaml_error(y, s.capture, "capture: a parallel step has no single response to capture from");
    if (s.assume) ifm_yaml_error(y, s.assume, "assume: a parallel step has no single response to check");
  } else {
    load_request(y, s.op_key, s.op_val, &st->req);
    if (s.expect)
      ifm_yaml_fields(y, s.expect, "expect", expect_fields, sizeof expect_fields / sizeof expect_fields[0], st);
    if (s.capture) load_captures(y, s.capture, st);
    if (s.assume) {              /* same keys as expect, loaded into a scratch step */
      ifm_step tmp;
      memset(&tmp, 0, sizeof tmp);
      ifm_yaml_fields(y, s.assume, "assume", expect_fields, sizeof expect_fields / sizeof expect_fields[0], &tmp);
      st->assume = tmp.expect;
    }
  }
  return y->n_errors > before ? -1 : 0;
}

/* README: a `patch` operation needs the `patch` capability, stated. */
static void case_check_patch(ifm_yaml *y, const ifm_case *c) {
  size_t i, k;
  for (i = 0; i < c->n_needs; i++)
    if (c->needs[i] && strcmp(c->needs[i], "patch") == 0) return;
  for (i = 0; i < c->n_steps; i++) {
    const ifm_step *st = &c->steps[i];
    const ifm_pos *pos = NULL;
    if (!st->is_parallel && st->req.op == IFM_OP_PATCH && st->req.pos.file) pos = &st->req.pos;
    for (k = 0; st->is_parallel && k < st->par.n_ops && !pos; k++)
      if (st->par.ops[k].op == IFM_OP_PATCH && st->par.ops[k].pos.file) pos = &st->par.ops[k].pos;
    if (pos) {
      ifm_yaml_error_pos(y, pos, "patch: a case with a patch step must list 'patch' in its needs");
      return;
    }
  }
}

/* ---- cases ---- */

static int c_id(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value) {
  ifm_case *c = obj;
  size_t n;
  if (ifm_yaml_string(y, value, "id", &c->id) != 0) return -1;
  n = strspn(c->id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");
  if (n == 0 || c->id[n] != '\0' || n > CASE_ID_MAX) {
    ifm_yaml_error(y, value, "id: '%s' is not a case id (1 to %d letters, digits, '.', '_', '-')", c->id,
                   CASE_ID_MAX);
    return -1;
  }
  return 0;
}

static int c_requirement(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value) {
  ifm_case *c = obj;
  if (ifm_yaml_string(y, value, "requirement", &c->requirement) != 0) return -1;
  if (ifm_catalogue_find(c->requirement)) return 0;
  ifm_yaml_error(y, value, "unknown requirement '%s' (see ifmatch list --requirements)", c->requirement);
  return -1;
}

static int c_title(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value) {
  return ifm_yaml_string(y, value, "title", &((ifm_case *)obj)->title);
}

static int c_spec(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value) {
  return ifm_yaml_string(y, value, "spec", &((ifm_case *)obj)->spec);
}

static int c_level(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value) {
  int v = ifm_yaml_oneof(y, value, "level", ifm_yaml_scalar(value), levels, 3);
  if (v < 0) return -1;
  ((ifm_case *)obj)->level = (ifm_level)v;
  return 0;
}

static int c_profiles(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value) {
  ifm_case *c = obj;
  return ifm_yaml_strlist(y, value, "profiles", &c->profiles, &c->n_profiles);
}

static int c_when(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value) {
  ifm_case *c = obj;
  yaml_node_pair_t *pr;
  size_t cap = 0;
  int rc = 0;
  if (!ifm_yaml_want_map(y, value, "when")) return -1;
  for (pr = value->data.mapping.pairs.start; pr < value->data.mapping.pairs.top; pr++) {
    yaml_node_t *k = ifm_yaml_get(y, pr->key), *v = ifm_yaml_get(y, pr->value);
    ifm_status_spec sp;
    if (ifm_load_profile_key_check(y, k, ifm_yaml_scalar(k)) < 0) {
      rc = -1;
      continue;
    }
    const char *text = v && v->type == YAML_SCALAR_NODE ? ifm_yaml_scalar(v) : NULL;
    int negate = text && text[0] == '!';   /* "!412": any value but 412 */
    ifm_when *w;
    if (negate) {
      memset(&sp, 0, sizeof sp);
      if (ifm_status_spec_parse_text(text + 1, &sp) != 0) {
        ifm_yaml_error(y, v, "when: after '!' expected a status like 412, \"2xx\" or [412, 409]");
        ifm_status_spec_clear(&sp);
        rc = -1;
        continue;
      }
    } else if ((text ? ifm_load_status_text(y, v, &sp) : ifm_load_status(y, v, 0, &sp)) != 0) {
      rc = -1;
      continue;
    }
    /* stored parsed: the planner compares sets, it never parses again */
    w = ifm_xrealloc_array(c->when, &cap, c->n_when + 1, sizeof *w);
    if (!w || !(w[c->n_when].key = ifm_strdup(ifm_yaml_scalar(k)))) {
      if (w) c->when = w;
      ifm_status_spec_clear(&sp);
      rc = ifm_yaml_oom(y, k);
      continue;
    }
    c->when = w;
    w[c->n_when].negate = negate;
    w[c->n_when].want = sp;
    w[c->n_when].pos = ifm_yaml_pos(y, k);
    c->n_when++;
  }
  return rc;
}

static int c_needs(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value) {
  ifm_case *c = obj;
  size_t i;
  int rc = ifm_yaml_strlist(y, value, "needs", &c->needs, &c->n_needs);
  for (i = 0; i < c->n_needs; i++)
    if (c->needs[i] &&
        ifm_load_capability_check(y, ifm_yaml_get(y, value->data.sequence.items.start[i]), c->needs[i]) < 0)
      rc = -1;
  return rc;
}

static int c_steps(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value) {
  case_ctx *x = y->user;
  ifm_case *c = obj;
  size_t i, count;
  int rc = 0;
  if (!ifm_yaml_want_list(y, value, "steps")) return -1;
  if ((count = ifm_yaml_count(value)) == 0) {
    ifm_yaml_error(y, value, "steps: a case needs at least one step");
    return -1;
  }
  if (!(c->steps = calloc(count, sizeof *c->steps))) return ifm_yaml_oom(y, value);
  c->n_steps = count;
  for (i = 0; i < count; i++) {
    x->step = i;
    if (load_step(y, ifm_yaml_get(y, value->data.sequence.items.start[i]), &c->steps[i]) != 0) rc = -1;
  }
  return rc;
}

static const ifm_yaml_field case_fields[] = {
    {"id", IFM_YF_REQUIRED, c_id},       {"requirement", IFM_YF_REQUIRED, c_requirement},
    {"title", IFM_YF_REQUIRED, c_title}, {"spec", 0, c_spec},
    {"level", IFM_YF_REQUIRED, c_level}, {"profiles", 0, c_profiles},
    {"when", 0, c_when},                 {"needs", 0, c_needs},
    {"steps", IFM_YF_REQUIRED, c_steps},
};

static int load_case(ifm_yaml *y, yaml_node_t *n, ifm_case *c) {
  case_ctx *x = y->user;
  const ifm_requirement *req;
  size_t before = y->n_errors;
  x->c = c;
  x->step = 0;
  c->pos = ifm_yaml_pos(y, n);
  ifm_yaml_fields(y, n, "case", case_fields, sizeof case_fields / sizeof case_fields[0], c);
  case_check_patch(y, c);
  if (!c->spec && (req = ifm_catalogue_find(c->requirement)) != NULL && !(c->spec = ifm_strdup(req->spec)))
    ifm_yaml_oom(y, n);
  x->c = NULL;
  return y->n_errors > before ? -1 : 0;
}

static int file_cases(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value) {
  ifm_case_file *f = obj;
  size_t i, count;
  int rc = 0;
  if (!ifm_yaml_want_list(y, value, "cases")) return -1;
  if ((count = ifm_yaml_count(value)) == 0) {
    ifm_yaml_error(y, value, "cases: a case file needs at least one case");
    return -1;
  }
  if (!(f->cases = calloc(count, sizeof *f->cases))) return ifm_yaml_oom(y, value);
  f->n_cases = count;
  for (i = 0; i < count; i++)
    if (load_case(y, ifm_yaml_get(y, value->data.sequence.items.start[i]), &f->cases[i]) != 0) rc = -1;
  return rc;
}

static const ifm_yaml_field file_fields[] = {
    {"cases", IFM_YF_REQUIRED, file_cases},
};

/* ---- unique IDs ---- */

typedef struct id_ref {
  const ifm_case *c;
  size_t seq;
} id_ref;

static int id_ref_cmp(const void *a, const void *b) {
  const id_ref *x = a, *z = b;
  int r = strcmp(x->c->id, z->c->id);
  return r ? r : (x->seq < z->seq ? -1 : x->seq > z->seq);
}

/* Reports every case whose id an earlier one has; returns the count. */
static size_t ids_check(id_ref *refs, size_t n, ifm_errors *err) {
  size_t i, first = 0, dups = 0;
  if (n < 2) return 0;
  qsort(refs, n, sizeof *refs, id_ref_cmp);
  for (i = 1; i < n; i++) {
    if (strcmp(refs[i].c->id, refs[first].c->id) != 0) {
      first = i;
      continue;
    }
    ifm_errors_add(err, &refs[i].c->pos, "duplicate case id '%s' (first defined at %s:%d:%d)", refs[i].c->id,
                   refs[first].c->pos.file, refs[first].c->pos.line, refs[first].c->pos.col);
    dups++;
  }
  return dups;
}

/* Collects the cases that have an id; NULL and *n = 0 when there are none. */
static id_ref *ids_collect(const ifm_case_file *files, size_t n_files, size_t *n) {
  size_t i, k, total = 0;
  id_ref *refs;
  *n = 0;
  for (i = 0; i < n_files; i++) total += files[i].n_cases;
  if (total == 0 || !(refs = calloc(total, sizeof *refs))) return NULL;
  for (i = 0; i < n_files; i++)
    for (k = 0; k < files[i].n_cases; k++)
      if (files[i].cases[k].id) refs[*n].c = &files[i].cases[k], refs[*n].seq = *n, (*n)++;
  return refs;
}

int ifm_load_case_buffer(const char *name, const char *buf, size_t len, const char *const *extra_vars,
                         size_t n_extra, ifm_case_file *out, ifm_errors *err) {
  case_ctx x;
  ifm_yaml y;
  id_ref *refs;
  size_t i, n;
  int rc;
  memset(out, 0, sizeof *out);
  if (!(out->path = ifm_strdup(name ? name : "cases"))) {
    ifm_errors_add(err, NULL, "out of memory");
    return -1;
  }
  memset(&x, 0, sizeof x);
  x.extra = extra_vars;
  x.n_extra = extra_vars ? n_extra : 0;
  if (ifm_yaml_parse(&y, out->path, buf, len, err) == 0) {
    y.user = &x;
    ifm_yaml_fields(&y, ifm_yaml_root(&y), "case file", file_fields, 1, out);
    refs = ids_collect(out, 1, &n);
    y.n_errors += ids_check(refs, n, err);
    free(refs);
  }
  rc = y.n_errors ? -1 : 0;
  ifm_yaml_done(&y);
  for (i = 0; i < out->n_cases; i++) out->cases[i].file = out;
  if (rc != 0) ifm_case_file_clear(out);
  return rc;
}

/* ---- suites ---- */

typedef struct path_list {
  char **v;
  size_t n, cap;
} path_list;

static int path_push(path_list *l, char *p) {
  char **v;
  if (!p) return -1;
  if (!(v = ifm_xrealloc_array(l->v, &l->cap, l->n + 1, sizeof *v))) {
    free(p);
    return -1;
  }
  l->v = v;
  l->v[l->n++] = p;
  return 0;
}

static int path_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_case_file_name(const char *name) {
  size_t n = strlen(name);
  if (name[0] == '.' || strncmp(name, "README", 6) == 0) return 0;
  return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) || (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

static void path_error(ifm_errors *err, const char *path, const char *msg, const char *detail) {
  ifm_pos pos = {path, 1, 1};
  ifm_errors_add(err, &pos, "%s%s%s", msg, detail ? ": " : "", detail ? detail : "");
}

/* Appends the case files under dir (recursively, unsorted) to l. */
static int suite_walk(const char *dir, int depth, path_list *l, ifm_errors *err) {
  struct dirent *de;
  struct stat st;
  int rc = 0;
  DIR *d;
  if (depth > SUITE_MAX_DEPTH) {
    path_error(err, dir, "directories nested too deep", NULL);
    return -1;
  }
  if (!(d = opendir(dir))) {
    path_error(err, dir, "cannot open", strerror(errno));
    return -1;
  }
  while ((de = readdir(d)) != NULL) {
    ifm_buf full = IFM_BUF_INIT;
    if (de->d_name[0] == '.') continue;
    if (ifm_buf_printf(&full, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", de->d_name) != 0) {
      path_error(err, dir, "out of memory", NULL);
      rc = -1;
      break;
    }
    if (stat(full.p, &st) != 0) {
      path_error(err, full.p, "cannot open", strerror(errno));
      rc = -1;
    } else if (S_ISDIR(st.st_mode)) {
      if (strcmp(de->d_name, "profiles") != 0 && strcmp(de->d_name, "regress-disabled") != 0 &&
          suite_walk(full.p, depth + 1, l, err) != 0)
        rc = -1;
    } else if (S_ISREG(st.st_mode) && is_case_file_name(de->d_name)) {
      if (path_push(l, ifm_buf_detach(&full)) != 0) {
        path_error(err, dir, "out of memory", NULL);
        rc = -1;
      }
    }
    ifm_buf_free(&full);
  }
  closedir(d);
  return rc;
}

/* The files named by paths, each directory's in sorted order. */
static int suite_files(const char *const *paths, size_t n_paths, path_list *l, ifm_errors *err) {
  struct stat st;
  size_t i, mark;
  int rc = 0;
  for (i = 0; i < n_paths; i++) {
    if (!paths[i] || stat(paths[i], &st) != 0) {
      path_error(err, paths[i] ? paths[i] : "(null)", "cannot open", strerror(errno));
      rc = -1;
      continue;
    }
    if (!S_ISDIR(st.st_mode)) {
      if (path_push(l, ifm_strdup(paths[i])) != 0) path_error(err, paths[i], "out of memory", NULL), rc = -1;
      continue;
    }
    mark = l->n;
    if (suite_walk(paths[i], 0, l, err) != 0) rc = -1;
    if (l->n - mark > 1) qsort(l->v + mark, l->n - mark, sizeof *l->v, path_cmp);
    if (l->n == mark && rc == 0) {
      path_error(err, paths[i], "no case files (*.yaml, *.yml) in this directory", NULL);
      rc = -1;
    }
  }
  return rc;
}

int ifm_load_suite(const char *const *paths, size_t n_paths, const char *const *extra_vars, size_t n_extra,
                   ifm_suite *out, ifm_errors *err) {
  path_list l = {NULL, 0, 0};
  id_ref *refs;
  size_t i, k, n;
  int failed;
  memset(out, 0, sizeof *out);
  failed = suite_files(paths, n_paths, &l, err) != 0;
  if (n_paths == 0) {
    ifm_errors_add(err, NULL, "no case files given");
    failed = 1;
  }
  if (l.n && !(out->files = calloc(l.n, sizeof *out->files))) {
    ifm_errors_add(err, NULL, "out of memory");
    failed = 1;
  }
  for (i = 0; out->files && i < l.n; i++) {
    char *buf;
    size_t len;
    if (ifm_yaml_read_file(l.v[i], &buf, &len, err) != 0) {
      failed = 1;
      continue;
    }
    if (ifm_load_case_buffer(l.v[i], buf, len, extra_vars, n_extra, &out->files[out->n_files], err) != 0)
      failed = 1;
    else
      out->n_files++;
    free(buf);
  }
  for (i = 0; i < out->n_files; i++)
    for (k = 0; k < out->files[i].n_cases; k++) out->files[i].cases[k].file = &out->files[i];
  refs = ids_collect(out->files, out->n_files, &n);
  if (ids_check(refs, n, err) != 0) failed = 1;
  free(refs);
  for (i = 0; i < l.n; i++) free(l.v[i]);
  free(l.v);
  if (!failed) return 0;
  ifm_suite_free(out);
  return -1;
}
