/* ifm_load_profile.c: profile files (cases/profiles/README.md) and the
 * status specs that profiles, case expectations and target overrides share.
 *
 * A profile must define every key of the table below, so a case that says
 * `status: {profile: KEY}` can never meet a profile that has no answer.
 */
#include <stdlib.h>
#include <string.h>
#include "ifm_buf.h"
#include "ifm_load_int.h"

/* The key table of cases/profiles/README.md. */
static const char *const profile_keys[] = {
    "missing_if_match", "star_on_missing", "mismatch",         "malformed", "empty_value",
    "replay",           "missing_resource", "oversized_header", "write_ok",
};
#define N_PROFILE_KEYS (sizeof profile_keys / sizeof profile_keys[0])

int ifm_load_profile_key_check(ifm_yaml *y, const yaml_node_t *n, const char *key) {
  return ifm_yaml_oneof(y, n, "profile key", key, profile_keys, N_PROFILE_KEYS);
}

int ifm_load_status_text(ifm_yaml *y, const yaml_node_t *n, ifm_status_spec *out) {
  char why[160];
  const char *s = ifm_yaml_scalar(n);
  memset(out, 0, sizeof *out);
  if (!s) {
    ifm_yaml_error(y, n, "status: expected a code (412), a class (\"2xx\") or a list, got %s", ifm_yaml_kind(n));
    return -1;
  }
  if (ifm_status_spec_parse_why(s, out, why, sizeof why) == 0) return 0;
  ifm_yaml_error(y, n, "%s", why);
  return -1;
}

static int status_profile_cb(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value) {
  ifm_status_spec *sp = obj;
  ifm_buf t = IFM_BUF_INIT;
  if (ifm_yaml_string(y, value, "profile", &sp->profile_key) != 0) return -1;
  if (ifm_load_profile_key_check(y, value, sp->profile_key) < 0) return -1;
  if (ifm_buf_printf(&t, "profile %s", sp->profile_key) != 0) return ifm_yaml_oom(y, value);
  sp->text = ifm_buf_detach(&t);
  return sp->text ? 0 : ifm_yaml_oom(y, value);
}

static const ifm_yaml_field status_profile_fields[] = {
    {"profile", IFM_YF_REQUIRED, status_profile_cb},
};

int ifm_load_status(ifm_yaml *y, const yaml_node_t *n, int allow_profile, ifm_status_spec *out) {
  char why[160];
  ifm_buf t = IFM_BUF_INIT;
  size_t i, count;
  memset(out, 0, sizeof *out);
  if (n && n->type == YAML_MAPPING_NODE && allow_profile)
    return ifm_yaml_fields(y, (yaml_node_t *)n, "status", status_profile_fields, 1, out);
  if (n && n->type == YAML_SCALAR_NODE) {   /* one code or class; a list is a YAML list */
    const char *v = ifm_yaml_scalar(n);
    if (ifm_status_spec_add_item(v, strlen(v), out, &t, why, sizeof why) != 0) {
      ifm_yaml_error(y, n, "%s", why);
      goto fail;
    }
    out->text = ifm_buf_detach(&t);
    return out->text ? 0 : ifm_yaml_oom(y, n);
  }
  if (!n || n->type != YAML_SEQUENCE_NODE) {
    ifm_yaml_error(y, n, "status: expected a code (412), a class (\"2xx\")%s or a list, got %s",
                   allow_profile ? ", {profile: KEY}" : "", ifm_yaml_kind(n));
    return -1;
  }
  count = ifm_yaml_count(n);
  if (count == 0) {
    ifm_yaml_error(y, n, "status: an empty list accepts nothing");
    return -1;
  }
  ifm_buf_putc(&t, '[');
  for (i = 0; i < count; i++) {
    const yaml_node_t *it = ifm_yaml_get(y, n->data.sequence.items.start[i]);
    const char *s = ifm_yaml_scalar(it);
    if (!s) {
      ifm_yaml_error(y, it, "status: expected a code or a class in the list, got %s", ifm_yaml_kind(it));
      goto fail;
    }
    if (i) ifm_buf_puts(&t, ", ");
    if (ifm_status_spec_add_item(s, strlen(s), out, &t, why, sizeof why) != 0) {
      ifm_yaml_error(y, it, "%s", why);
      goto fail;
    }
  }
  if (ifm_buf_putc(&t, ']') != 0) goto oom;
  out->text = ifm_buf_detach(&t);
  return out->text ? 0 : ifm_yaml_oom(y, n);
oom:
  ifm_yaml_oom(y, n);
fail:
  ifm_buf_free(&t);
  ifm_status_spec_clear(out);
  return -1;
}

/* ---- profile files ---- */

typedef struct profile_ctx {
  ifm_profile *p;
  const yaml_node_t *statuses;
} profile_ctx;

static int profile_name_cb(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value) {
  return ifm_yaml_string(y, value, "name", &((profile_ctx *)obj)->p->name);
}

static int profile_description_cb(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value) {
  return ifm_yaml_string(y, value, "description", &((profile_ctx *)obj)->p->description);
}

static int profile_methods_cb(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value) {
  ifm_profile *p = ((profile_ctx *)obj)->p;
  size_t i;
  int rc = ifm_yaml_strlist(y, value, "methods", &p->methods, &p->n_methods);
  for (i = 0; i < p->n_methods; i++)
    if (p->methods[i] && !ifm_load_is_token(p->methods[i])) {
      ifm_yaml_error(y, ifm_yaml_get(y, value->data.sequence.items.start[i]),
                     "methods: '%s' is not a method name", p->methods[i]);
      rc = -1;
    }
  return rc;
}

static int profile_statuses_cb(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value) {
  profile_ctx *c = obj;
  ifm_profile *p = c->p;
  size_t i, count;
  int rc = 0;
  if (!ifm_yaml_want_map(y, value, "statuses")) return -1;
  c->statuses = value;
  count = ifm_yaml_count(value);
  if (count == 0) return 0;
  p->entries = calloc(count, sizeof *p->entries);
  if (!p->entries) return ifm_yaml_oom(y, value);
  p->n_entries = count;
  for (i = 0; i < count; i++) {
    yaml_node_pair_t *pr = &value->data.mapping.pairs.start[i];
    yaml_node_t *k = ifm_yaml_get(y, pr->key), *v = ifm_yaml_get(y, pr->value);
    ifm_profile_entry *e = &p->entries[i];
    e->pos = ifm_yaml_pos(y, k);
    if (ifm_load_profile_key_check(y, k, ifm_yaml_scalar(k)) < 0) {
      rc = -1;
      continue;
    }
    e->key = ifm_strdup(ifm_yaml_scalar(k));
    if (!e->key) return ifm_yaml_oom(y, k);
    if (ifm_load_status(y, v, 0, &e->status) != 0) rc = -1;
  }
  return rc;
}

static const ifm_yaml_field profile_fields[] = {
    {"name", IFM_YF_REQUIRED, profile_name_cb},
    {"description", 0, profile_description_cb},
    {"methods", 0, profile_methods_cb},
    {"statuses", IFM_YF_REQUIRED, profile_statuses_cb},
};

/* Every key of the table must be defined: one message naming the missing. */
static void profile_check_complete(ifm_yaml *y, profile_ctx *c) {
  ifm_buf missing = IFM_BUF_INIT;
  size_t i, k;
  for (k = 0; k < N_PROFILE_KEYS; k++) {
    int found = 0;
    for (i = 0; i < c->p->n_entries && !found; i++)
      found = c->p->entries[i].key && strcmp(c->p->entries[i].key, profile_keys[k]) == 0;
    if (!found) ifm_buf_printf(&missing, "%s%s", missing.len ? ", " : "", profile_keys[k]);
  }
  if (missing.len)
    ifm_yaml_error(y, c->statuses, "statuses: every profile defines every key; missing: %s",
                   ifm_buf_str(&missing));
  ifm_buf_free(&missing);
}

static int has_suffix(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

int ifm_load_profile(const char *name_or_path, const char *dir, ifm_profile *out, ifm_errors *err) {
  ifm_buf path = IFM_BUF_INIT;
  profile_ctx c;
  ifm_yaml y;
  char *buf = NULL;
  size_t len = 0;
  int by_name, rc = -1;
  memset(out, 0, sizeof *out);
  if (!name_or_path || !*name_or_path) {
    ifm_errors_add(err, NULL, "no profile named");
    return -1;
  }
  by_name = dir && !strchr(name_or_path, '/') && !has_suffix(name_or_path, ".yaml") &&
            !has_suffix(name_or_path, ".yml");
  if (by_name ? ifm_buf_printf(&path, "%s/%s.yaml", dir, name_or_path) : ifm_buf_puts(&path, name_or_path)) {
    ifm_errors_add(err, NULL, "out of memory");
    ifm_buf_free(&path);
    return -1;
  }
  out->path = ifm_buf_detach(&path);
  if (!out->path || ifm_yaml_read_file(out->path, &buf, &len, err) != 0) goto done;
  memset(&c, 0, sizeof c);
  c.p = out;
  if (ifm_yaml_parse(&y, out->path, buf, len, err) == 0 &&
      ifm_yaml_fields(&y, ifm_yaml_root(&y), "profile", profile_fields,
                      sizeof profile_fields / sizeof profile_fields[0], &c) == 0) {
    profile_check_complete(&y, &c);
    if (by_name && out->name && strcmp(out->name, name_or_path) != 0)
      ifm_yaml_error(&y, ifm_yaml_root(&y), "the profile is named '%s', not '%s' like its file",
                     out->name, name_or_path);
  }
  rc = y.n_errors ? -1 : 0;
  ifm_yaml_done(&y);
done:
  free(buf);
  if (rc != 0) ifm_profile_free(out);
  return rc;
}
