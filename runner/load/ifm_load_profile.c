/* ifm_load_profile.c: profile files (cases/profiles/README.md) into
 * ifm_profile. Status specs and the key table are ifm_load_status.c.
 *
 * A profile must define every key of the table, so a case that says
 * `status: {profile: KEY}` can never meet a profile that has no answer.
 */
#include <stdlib.h>
#include <string.h>
#include "ifm_buf.h"
#include "ifm_load_int.h"

/* ---- profile files ---- */

typedef struct profile_ctx {
  ifm_profile *p;
  const ifm_yaml_node *statuses;
} profile_ctx;

static int profile_name_cb(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  return ifm_yaml_string(y, value, "name", &((profile_ctx *)obj)->p->name);
}

static int profile_description_cb(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  return ifm_yaml_string(y, value, "description", &((profile_ctx *)obj)->p->description);
}

static int profile_methods_cb(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ifm_profile *p = ((profile_ctx *)obj)->p;
  size_t i;
  int rc = ifm_yaml_strlist(y, value, "methods", &p->methods, &p->n_methods);
  for (i = 0; i < p->n_methods; i++)
    if (p->methods[i] && !ifm_load_is_token(p->methods[i])) {
      ifm_yaml_error(y, ifm_yaml_item(y, value, i),
                     "methods: '%s' is not a method name", p->methods[i]);
      rc = -1;
    }
  return rc;
}

static int profile_statuses_cb(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
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
    const ifm_yaml_node *k = ifm_yaml_key(y, value, i), *v = ifm_yaml_value(y, value, i);
    ifm_profile_entry *e = &p->entries[i];
    e->pos = ifm_yaml_pos(y, k);
    if (ifm_load_profile_key_check(y, k, ifm_yaml_scalar(y, k)) < 0) {
      rc = -1;
      continue;
    }
    e->key = ifm_strdup(ifm_yaml_scalar(y, k));
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
  for (k = 0; k < ifm_load_n_profile_keys; k++) {
    int found = 0;
    for (i = 0; i < c->p->n_entries && !found; i++)
      found = c->p->entries[i].key && strcmp(c->p->entries[i].key, ifm_load_profile_keys[k]) == 0;
    if (!found) ifm_buf_printf(&missing, "%s%s", missing.len ? ", " : "", ifm_load_profile_keys[k]);
  }
  if (missing.len)
    ifm_yaml_error(y, c->statuses, "statuses: every profile defines every key; missing: %s",
                   ifm_buf_str(&missing));
  ifm_buf_clear(&missing);
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
  int by_name, parsed, rc = -1;
  memset(out, 0, sizeof *out);
  if (!name_or_path || !*name_or_path) {
    ifm_errors_add(err, NULL, "no profile named");
    return -1;
  }
  by_name = dir && !strchr(name_or_path, '/') && !has_suffix(name_or_path, ".yaml") &&
            !has_suffix(name_or_path, ".yml");
  if (by_name ? ifm_buf_printf(&path, "%s/%s.yaml", dir, name_or_path) : ifm_buf_puts(&path, name_or_path)) {
    ifm_errors_add(err, NULL, "out of memory");
    ifm_buf_clear(&path);
    return -1;
  }
  out->path = ifm_buf_detach(&path);
  if (!out->path || ifm_yaml_read_file(out->path, &buf, &len, err) != 0) goto done;
  memset(&c, 0, sizeof c);
  c.p = out;
  parsed = ifm_yaml_parse(&y, out->path, buf, len, err) == 0;
  free(buf);              /* the tree holds what it needs */
  buf = NULL;
  if (parsed && ifm_yaml_fields(&y, ifm_yaml_root(&y), "profile", profile_fields,
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
  if (rc != 0) ifm_profile_clear(out);
  return rc;
}
