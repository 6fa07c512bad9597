/* ifm_load_target.c: target files (targets/README.md) into ifm_target.
 * Header field lines and status specs are read by ifm_load_common.c and
 * ifm_load_status.c, which case files use too.
 *
 * `${env:NAME}` is expanded while the file is loaded, so a missing variable
 * stops the run before anything is sent, at the position where it is named.
 * Every value that came from the environment, every value of a header
 * that carries credentials (Authorization, Cookie, Proxy-Authorization, the
 * API-key fields of ifm_redact_field_is_secret and the names listed in
 * `secrets`) and the userinfo of base_url and proxy are collected, with their forms
 * (ifm_secrets.h), in target->secrets for everything that is kept to redact.
 *
 * An operation given in the file replaces only the parts it states: a
 * `create: {method: POST, path: "{{collection}}"}` keeps the default
 * Content-Type header.
 */
#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ifm_buf.h"
#include "ifm_load_int.h"
#include "ifm_redact.h"
#include "ifm_secrets.h"
#include "ifm_tmpl.h"

static const char *const op_names[IFM_OP_COUNT] = {"create", "read", "update", "patch", "delete", "request"};

typedef struct target_ctx {
  ifm_target *t;
  char **secret_names;        /* `secrets:` */
  size_t n_secret_names;
} target_ctx;

/* ---- defaults ---- */

static void op_default(ifm_op_map *m, const char *method, int content_type) {
  m->defined = 1;
  m->method = ifm_strdup(method);
  m->path = ifm_strdup("{{path}}");
  if (content_type) {
    ifm_pos none = {NULL, 0, 0};
    ifm_load_kv_add(&m->headers, &m->n_headers, ifm_strdup("Content-Type"), ifm_strdup("text/plain"), none);
  }
}

void ifm_target_init(ifm_target *t) {
  memset(t, 0, sizeof *t);
  t->resource = ifm_strdup("/ifm/{{run}}/{{case}}/{{n}}");
  t->collection = ifm_strdup("/ifm/{{run}}/{{case}}/");
  t->profile = ifm_strdup("rfc9110");
  t->case_header = ifm_strdup("X-Ifmatch-Case");
  t->timeout_s = 10;
  t->tls_verify = 1;
  t->http_version = IFM_HTTP_1_1;
  op_default(&t->ops[IFM_OP_CREATE], "PUT", 1);
  op_default(&t->ops[IFM_OP_READ], "GET", 0);
  op_default(&t->ops[IFM_OP_UPDATE], "PUT", 1);
  op_default(&t->ops[IFM_OP_PATCH], "PATCH", 1);
  op_default(&t->ops[IFM_OP_DELETE], "DELETE", 0);
}

static int init_complete(const ifm_target *t) {
  int i;
  if (!t->resource || !t->collection || !t->profile || !t->case_header) return 0;
  for (i = 0; i < IFM_OP_DELETE + 1; i++)
    if (!t->ops[i].method || !t->ops[i].path) return 0;
  return 1;
}

/* ---- text: templates and ${env:NAME} ---- */

static int secret_add(ifm_target *t, const char *v) {
  return ifm_secrets_add(&t->secrets, &t->n_secrets, v) == IFM_OK ? 0 : -1;
}

static int target_known(const char *name, size_t len, void *ctx) {
  return ifm_tmpl_builtin(name, len, IFM_TMPL_IN_TARGET);
}

static int env_name_ok(const char *s, size_t len) {
  size_t i;
  if (len == 0 || isdigit((unsigned char)s[0])) return 0;
  for (i = 0; i < len; i++)
    if (!(isalnum((unsigned char)s[i]) || s[i] == '_')) return 0;
  return 1;
}

/* Expands ${env:NAME} in raw. A value's "{{" is escaped so that the
 * template expansion at run time gives back the value unchanged. */
static int env_expand(ifm_yaml *y, const ifm_yaml_node *n, const char *what, const char *raw,
                      char **out) {
  ifm_target *t = ((target_ctx *)y->user)->t;
  ifm_buf b = IFM_BUF_INIT;
  const char *s = raw, *p, *end, *v;
  int fail = 0;
  while ((p = strstr(s, "${env:")) != NULL) {
    ifm_pos pos = ifm_yaml_pos_at(y, n, (size_t)(p - raw));
    char name[256];
    size_t nl;
    fail |= ifm_buf_append(&b, s, (size_t)(p - s));
    end = strchr(p + 6, '}');
    nl = end ? (size_t)(end - p - 6) : 0;
    if (!end || !env_name_ok(p + 6, nl) || nl >= sizeof name) {
      ifm_yaml_error_pos(y, &pos, "%s: expected ${env:NAME} with NAME made of letters, digits and '_'", what);
      ifm_buf_clear(&b);
      return -1;
    }
    memcpy(name, p + 6, nl);
    name[nl] = '\0';
    if (!(v = getenv(name))) {
      ifm_yaml_error_pos(y, &pos, "%s: environment variable %s is not set", what, name);
      ifm_buf_clear(&b);
      return -1;
    }
    fail |= secret_add(t, v);
    for (; *v; v++) {
      if (v[0] == '{' && v[1] == '{') {
        fail |= ifm_buf_puts(&b, "{{{{");
        v++;
      } else {
        fail |= ifm_buf_putc(&b, *v);
      }
    }
    s = end + 1;
  }
  fail |= ifm_buf_puts(&b, s);
  if (fail) {
    ifm_buf_clear(&b);
    return ifm_yaml_oom(y, n);
  }
  *out = ifm_buf_detach(&b);
  return *out ? 0 : ifm_yaml_oom(y, n);
}

static int target_text(ifm_yaml *y, const ifm_yaml_node *n, const char *what, char **out) {
  const char *msg = NULL;
  size_t off = 0;
  char *raw;
  int rc;
  *out = NULL;
  if (ifm_yaml_text(y, n, what, &raw) != 0) return -1;
  if (ifm_tmpl_check(raw, target_known, NULL, &off, &msg) != 0) {
    if (strncmp(msg, "unknown variable", 16) == 0)
      msg = "unknown variable (a target file knows path, fresh, collection, uniq, case, client, run, n, body)";
    ifm_load_tmpl_error(y, n, what, raw, off, msg);
    free(raw);
    return -1;
  }
  rc = env_expand(y, n, what, raw, out);
  free(raw);
  return rc;
}

/* A field value of the target's: as target_text, and then no CR or LF,
 * from the file or from ${env:...}, which would write field lines of their
 * own into every request (the value is not quoted: it may be a secret). */
static int target_field_text(ifm_yaml *y, const ifm_yaml_node *n, const char *what, char **out) {
  if (target_text(y, n, what, out) != 0) return -1;
  if (strpbrk(*out, "\r\n")) {
    ifm_yaml_error(y, n, "header %s: the value holds a CR or LF (from the file or from ${env:...}), "
                   "which would send field lines of its own", what);
    free(*out);
    *out = NULL;
    return -1;
  }
  return 0;
}

/* ---- fields ---- */

static int replace_text(ifm_yaml *y, const ifm_yaml_node *n, const char *what, char **dst) {
  char *v;
  if (target_text(y, n, what, &v) != 0) return -1;
  free(*dst);
  *dst = v;
  return 0;
}

static int t_name(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  return ifm_yaml_string(y, value, "name", &((target_ctx *)obj)->t->name);
}

/* base_url: embedded names the embedded reference server (targets/reference.yaml),
 * which run and certify start when no --url is given; the target then has no
 * base_url of its own. A copy of the file given another base_url is that
 * server's. */
static int t_base_url(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ifm_target *t = ((target_ctx *)obj)->t;
  const char *v = ifm_yaml_scalar(y, value);
  t->embedded = v && strcmp(v, "embedded") == 0;
  if (t->embedded) {
    free(t->base_url);
    t->base_url = NULL;
    return 0;
  }
  if (replace_text(y, value, "base_url", &t->base_url) != 0) return -1;
  if (strncmp(t->base_url, "http://", 7) != 0 && strncmp(t->base_url, "https://", 8) != 0) {
    ifm_yaml_error(y, value, "base_url: expected http://host[:port][/prefix], https://... or embedded");
    return -1;
  }
  return 0;
}

static int t_path(ifm_yaml *y, const ifm_yaml_node *key, const ifm_yaml_node *value, char **dst) {
  const char *k = ifm_yaml_scalar(y, key);
  if (replace_text(y, value, k, dst) != 0) return -1;
  if ((*dst)[0] != '/') {
    ifm_yaml_error(y, value, "%s: expected a path starting with '/'", k);
    return -1;
  }
  return 0;
}

static int t_resource(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  return t_path(y, key, value, &((target_ctx *)obj)->t->resource);
}

static int t_collection(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  return t_path(y, key, value, &((target_ctx *)obj)->t->collection);
}

static int t_profile(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ifm_target *t = ((target_ctx *)obj)->t;
  free(t->profile);
  return ifm_yaml_string(y, value, "profile", &t->profile);
}

static int t_overrides(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ifm_target *t = ((target_ctx *)obj)->t;
  size_t i, count;
  int rc = 0;
  if (!ifm_yaml_want_map(y, value, "profile_overrides")) return -1;
  if ((count = ifm_yaml_count(value)) == 0) return 0;
  if (!(t->overrides = calloc(count, sizeof *t->overrides))) return ifm_yaml_oom(y, value);
  t->n_overrides = count;
  for (i = 0; i < count; i++) {
    const ifm_yaml_node *k = ifm_yaml_key(y, value, i), *v = ifm_yaml_value(y, value, i);
    t->overrides[i].pos = ifm_yaml_pos(y, k);
    if (ifm_load_profile_key_check(y, k, ifm_yaml_scalar(y, k)) < 0) {
      rc = -1;
      continue;
    }
    if (!(t->overrides[i].key = ifm_strdup(ifm_yaml_scalar(y, k)))) return ifm_yaml_oom(y, k);
    if (ifm_load_status(y, v, 0, &t->overrides[i].status) != 0) rc = -1;
  }
  return rc;
}

static int t_capabilities(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ifm_target *t = ((target_ctx *)obj)->t;
  size_t i;
  int rc = ifm_yaml_strlist(y, value, "capabilities", &t->capabilities, &t->n_capabilities);
  for (i = 0; i < t->n_capabilities; i++)
    if (t->capabilities[i] &&
        ifm_load_capability_check(y, ifm_yaml_item(y, value, i),
                                  t->capabilities[i]) < 0)
      rc = -1;
  return rc;
}

static int t_timeout(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  return ifm_yaml_number(y, value, "timeout", 0, 3600, &((target_ctx *)obj)->t->timeout_s);
}

static int t_max_connections(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  long n;
  if (ifm_yaml_int(y, value, "max_connections", 1, 100000, &n) != 0) return -1;
  ((target_ctx *)obj)->t->max_connections = (unsigned)n;
  return 0;
}

static int t_http_version(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  static const char *const versions[] = {"1.1", "h2c", "h2"};
  int v = ifm_yaml_oneof(y, value, "http_version", ifm_yaml_scalar(y, value), versions, 3);
  if (v < 0) return -1;
  ((target_ctx *)obj)->t->http_version = (ifm_http_version)v;
  return 0;
}

static int t_case_header(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ifm_target *t = ((target_ctx *)obj)->t;
  free(t->case_header);
  if (ifm_yaml_string(y, value, "case_header", &t->case_header) != 0) return -1;
  if (*t->case_header && !ifm_load_is_token(t->case_header)) {
    ifm_yaml_error(y, value, "invalid header field name '%s' (RFC 9110 token characters only)",
                   t->case_header);
    return -1;
  }
  return 0;
}

static int tls_ca_file(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  return replace_text(y, value, "ca_file", &((target_ctx *)obj)->t->ca_file);
}

static int tls_verify(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  return ifm_yaml_bool(y, value, "verify", &((target_ctx *)obj)->t->tls_verify);
}

/* proxy, noproxy, resolve, connect_to; tls.cert and tls.key (ifm_load_net.c) */
static int net_key_cb(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  return ifm_load_net_key(y, key, value, target_text, &((target_ctx *)obj)->t->net);
}

static const ifm_yaml_field tls_fields[] = {
    {"ca_file", 0, tls_ca_file},
    {"verify", 0, tls_verify},
    {"cert", 0, net_key_cb},
    {"key", 0, net_key_cb},
};

static int t_tls(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  if (ifm_yaml_fields(y, value, "tls", tls_fields, sizeof tls_fields / sizeof tls_fields[0], obj) != 0) return -1;
  return ifm_load_net_tls(y, value, &((target_ctx *)obj)->t->net);
}

static int t_headers(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ifm_target *t = ((target_ctx *)obj)->t;
  return ifm_load_headers(y, value, target_field_text, &t->headers, &t->n_headers);
}

static int t_secrets(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  target_ctx *c = obj;
  size_t i;
  int rc = ifm_yaml_strlist(y, value, "secrets", &c->secret_names, &c->n_secret_names);
  for (i = 0; i < c->n_secret_names; i++)
    if (c->secret_names[i] && !ifm_load_is_token(c->secret_names[i])) {
      ifm_yaml_error(y, ifm_yaml_item(y, value, i),
                     "invalid header field name '%s' (RFC 9110 token characters only)", c->secret_names[i]);
      rc = -1;
    }
  return rc;
}

static int op_method(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ifm_op_map *m = obj;
  free(m->method);
  if (ifm_yaml_string(y, value, "method", &m->method) != 0) return -1;
  if (!ifm_load_is_token(m->method)) {
    ifm_yaml_error(y, value, "method: '%s' is not a method name", m->method);
    return -1;
  }
  return 0;
}

static int op_path(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  return replace_text(y, value, "path", &((ifm_op_map *)obj)->path);
}

static int op_body(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  return replace_text(y, value, "body", &((ifm_op_map *)obj)->body);
}

static int op_headers(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ifm_op_map *m = obj;
  size_t i;
  for (i = 0; i < m->n_headers; i++) free(m->headers[i].name), free(m->headers[i].value);
  free(m->headers);
  m->headers = NULL;
  m->n_headers = 0;
  return ifm_load_headers(y, value, target_field_text, &m->headers, &m->n_headers);
}

/* extract: compiled once here so a bad pattern is a load error with its
 * position, not a surprise in the middle of a run. */
static int op_extract(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ifm_op_map *m = obj;
  regex_t re;
  int rc;
  free(m->extract);
  m->extract = NULL;
  if (ifm_yaml_string(y, value, "extract", &m->extract) != 0) return -1;
  rc = regcomp(&re, m->extract, REG_EXTENDED);
  if (rc != 0) {
    char why[128];
    regerror(rc, &re, why, sizeof why);
    ifm_yaml_error(y, value, "extract: not a POSIX extended regular expression: %s", why);
    return -1;
  }
  if (re.re_nsub < 1) {
    regfree(&re);
    ifm_yaml_error(y, value, "extract: needs a group, (...): its match is what the case sees");
    return -1;
  }
  regfree(&re);
  return 0;
}

/* path_from: location: the server chooses the new resource's name (POST to a
 * collection, RFC 9110 9.3.3 and 15.3.2) and the case goes on at it. */
static int op_path_from(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  static const char *const sources[] = {"location"};
  const char *v = ifm_yaml_scalar(y, value);
  if (!v) {
    ifm_yaml_error(y, value, "path_from: expected location, got %s", ifm_yaml_kind(y, value));
    return -1;
  }
  if (ifm_yaml_oneof(y, value, "path_from", v, sources, 1) < 0) return -1;
  ((ifm_op_map *)obj)->path_from_location = 1;
  return 0;
}

static int op_expect(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ifm_op_map *m = obj;
  ifm_status_spec_clear(&m->expect);
  if (ifm_load_status(y, value, 0, &m->expect) != 0) return -1;
  m->has_expect = 1;
  return 0;
}

static const ifm_yaml_field op_fields[] = {
    {"method", 0, op_method},
    {"path", 0, op_path},
    {"body", 0, op_body},
    {"headers", 0, op_headers},
    {"extract", 0, op_extract},
    {"path_from", 0, op_path_from},
};

static const ifm_yaml_field setup_fields[] = {
    {"method", IFM_YF_REQUIRED, op_method},
    {"path", IFM_YF_REQUIRED, op_path},
    {"body", 0, op_body},
    {"headers", 0, op_headers},
    {"expect", 0, op_expect},
};

static int t_setup(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ifm_target *t = ((target_ctx *)obj)->t;
  size_t i, n;
  int rc = 0;
  if (!ifm_yaml_want_list(y, value, "setup")) return -1;
  n = ifm_yaml_count(value);
  if (n == 0) return 0;
  if (!(t->setup = calloc(n, sizeof *t->setup))) return ifm_yaml_oom(y, value);
  t->n_setup = n;
  for (i = 0; i < n; i++) {
    const ifm_yaml_node *item = ifm_yaml_item(y, value, i);
    t->setup[i].defined = 1;
    t->setup[i].pos = ifm_yaml_pos(y, item);
    if (!ifm_yaml_want_map(y, item, "setup request") ||
        ifm_yaml_fields(y, item, "setup request", setup_fields,
                        sizeof setup_fields / sizeof setup_fields[0], &t->setup[i]) != 0)
      rc = -1;
  }
  return rc;
}

static int ops_one(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ifm_target *t = ((target_ctx *)obj)->t;
  const char *k = ifm_yaml_scalar(y, key);
  int i;
  for (i = 0; i < IFM_OP_REQUEST; i++)
    if (strcmp(k, op_names[i]) == 0) break;
  t->ops[i].defined = 1;
  t->ops[i].pos = ifm_yaml_pos(y, value);
  if (ifm_yaml_fields(y, value, k, op_fields, sizeof op_fields / sizeof op_fields[0], &t->ops[i]) != 0) return -1;
  if (t->ops[i].path_from_location && i != IFM_OP_CREATE) {
    ifm_yaml_error(y, key, "%s: path_from is for the create operation only", k);
    return -1;
  }
  return 0;
}

static const ifm_yaml_field ops_fields[] = {
    {"create", 0, ops_one}, {"read", 0, ops_one}, {"update", 0, ops_one},
    {"patch", 0, ops_one},  {"delete", 0, ops_one},
};

static int t_operations(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  return ifm_yaml_fields(y, value, "operations", ops_fields, sizeof ops_fields / sizeof ops_fields[0], obj);
}

static const ifm_yaml_field target_fields[] = {
    {"name", 0, t_name},
    {"base_url", 0, t_base_url},
    {"resource", 0, t_resource},
    {"collection", 0, t_collection},
    {"profile", 0, t_profile},
    {"profile_overrides", 0, t_overrides},
    {"capabilities", 0, t_capabilities},
    {"timeout", 0, t_timeout},
    {"max_connections", 0, t_max_connections},
    {"http_version", 0, t_http_version},
    {"case_header", 0, t_case_header},
    {"tls", 0, t_tls},
    {"proxy", 0, net_key_cb},
    {"noproxy", 0, net_key_cb},
    {"resolve", 0, net_key_cb},
    {"connect_to", 0, net_key_cb},
    {"headers", 0, t_headers},
    {"secrets", 0, t_secrets},
    {"operations", 0, t_operations},
    {"setup", 0, t_setup},
};

/* ---- after the fields ---- */

static int is_secret_header(const target_ctx *c, const char *name) {
  size_t i;
  if (ifm_redact_field_is_secret(name)) return 1;
  for (i = 0; i < c->n_secret_names; i++)
    if (c->secret_names[i] && strcasecmp(name, c->secret_names[i]) == 0) return 1;
  return 0;
}

/* A header's value is kept as a template, in which an expanded ${env:...}
 * had its "{{" escaped; the secret is the value as it will be sent. */
static int secrets_collect(target_ctx *c, const ifm_kv *kv, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) {
    ifm_buf b = IFM_BUF_INIT;
    const char *v = kv[i].value;
    int fail = 0;
    if (!is_secret_header(c, kv[i].name)) continue;
    while (*v) {
      if (strncmp(v, "{{{{", 4) == 0) {
        fail |= ifm_buf_puts(&b, "{{");
        v += 4;
      } else {
        fail |= ifm_buf_putc(&b, *v++);
      }
    }
    fail |= ifm_secrets_add_credential(&c->t->secrets, &c->t->n_secrets, kv[i].name, ifm_buf_str(&b)) != IFM_OK;
    ifm_buf_clear(&b);
    if (fail) return -1;
  }
  return 0;
}

static int target_finish(ifm_yaml *y, target_ctx *c, const char *name) {
  ifm_target *t = c->t;
  const char *base;
  size_t len;
  int i;
  for (i = 0; i < IFM_OP_COUNT; i++)
    if (!t->ops[i].pos.file) t->ops[i].pos = ifm_yaml_pos(y, NULL);
  if (secrets_collect(c, t->headers, t->n_headers) != 0) return ifm_yaml_oom(y, NULL);
  for (i = 0; i < IFM_OP_COUNT; i++)
    if (secrets_collect(c, t->ops[i].headers, t->ops[i].n_headers) != 0) return ifm_yaml_oom(y, NULL);
  for (i = 0; i < (int)t->n_setup; i++)
    if (secrets_collect(c, t->setup[i].headers, t->setup[i].n_headers) != 0) return ifm_yaml_oom(y, NULL);
  if (ifm_secrets_add_url(&t->secrets, &t->n_secrets, t->base_url) != IFM_OK ||
      ifm_secrets_add_proxy(&t->secrets, &t->n_secrets, t->net.proxy) != IFM_OK)
    return ifm_yaml_oom(y, NULL);
  t->pos = ifm_yaml_pos(y, ifm_yaml_root(y));
  if (t->name) return 0;
  base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
  len = strcspn(base, ".");
  t->name = ifm_strndup(base, len ? len : strlen(base));
  return t->name ? 0 : ifm_yaml_oom(y, NULL);
}

int ifm_load_target_buffer(const char *name, const char *buf, size_t len, ifm_target *out,
                           ifm_errors *err) {
  target_ctx c;
  ifm_yaml y;
  size_t i;
  int rc;
  ifm_target_init(out);
  out->path = ifm_strdup(name ? name : "target");
  if (!out->path || !init_complete(out)) {
    ifm_errors_add(err, NULL, "out of memory");
    ifm_target_clear(out);
    return -1;
  }
  memset(&c, 0, sizeof c);
  c.t = out;
  if (ifm_yaml_parse(&y, out->path, buf, len, err) == 0) {
    y.user = &c;
    if (ifm_yaml_fields(&y, ifm_yaml_root(&y), "target", target_fields,
                        sizeof target_fields / sizeof target_fields[0], &c) == 0)
      target_finish(&y, &c, out->path);
  }
  rc = y.n_errors ? -1 : 0;
  ifm_yaml_done(&y);
  for (i = 0; i < c.n_secret_names; i++) free(c.secret_names[i]);
  free(c.secret_names);
  if (rc != 0) ifm_target_clear(out);
  return rc;
}

int ifm_load_target(const char *path, ifm_target *out, ifm_errors *err) {
  char *buf;
  size_t len;
  int rc;
  memset(out, 0, sizeof *out);
  if (ifm_yaml_read_file(path, &buf, &len, err) != 0) return -1;
  rc = ifm_load_target_buffer(path, buf, len, out, err);
  free(buf);
  return rc;
}
