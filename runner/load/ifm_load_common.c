/* ifm_load_common.c: what case, target and profile files read alike:
 * header field lines (`headers:`, as a mapping or a list of [name, value]
 * pairs), RFC 9110 tokens, the capability names, how a template error is
 * placed, and status specs (profiles, case expectations, `count:`, `when:`,
 * target overrides and setup requests) with the profile keys they may name.
 * It calls only ifm_yaml.c, so the case, target and profile loaders all call
 * down into it and never into each other.
 *
 * The text of a status spec ("2xx", "[412, 409]") is kept in a block of its
 * own size: a 10,000-step case holds 10,000 of them.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_buf.h"
#include "ifm_load_int.h"

static const char *const capabilities[] = {
    "patch",  "delete",   "post_create", "post_append", "patch_ops", "ranges",
    "no_etag_resource", "auth", "readonly", "head", "options", "trace", "put_create",
};

int ifm_load_capability_check(ifm_yaml *y, const ifm_yaml_node *n, const char *name) {
  return ifm_yaml_oneof(y, n, "capability", name, capabilities, sizeof capabilities / sizeof capabilities[0]);
}

/* RFC 9110 5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" /
 * "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA */
int ifm_load_is_token(const char *s) {
  if (!s || !*s) return 0;
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c >= 0x80 || !(isalnum(c) || strchr("!#$%&'*+-.^_`|~", c))) return 0;
  }
  return 1;
}

int ifm_load_kv_add(ifm_kv **kv, size_t *n_kv, char *name, char *value, ifm_pos pos) {
  ifm_kv *k;
  if (!name || !value || !(k = realloc(*kv, (*n_kv + 1) * sizeof **kv))) {
    free(name);
    free(value);
    return -1;
  }
  *kv = k;
  k[*n_kv].name = name;
  k[*n_kv].value = value;
  k[*n_kv].pos = pos;
  (*n_kv)++;
  return 0;
}

static int header_add(ifm_yaml *y, const ifm_yaml_node *name, const ifm_yaml_node *value, ifm_load_text_fn text,
                      ifm_kv **kv, size_t *n_kv) {
  const char *s = ifm_yaml_scalar(y, name);
  char *v;
  if (!s) {
    ifm_yaml_error(y, name, "headers: expected a field name, got %s", ifm_yaml_kind(y, name));
    return -1;
  }
  if (!ifm_load_is_token(s)) {
    ifm_yaml_error(y, name, "invalid header field name '%s' (RFC 9110 token characters only)", s);
    return -1;
  }
  if (text(y, value, s, &v) != 0) return -1;
  if (ifm_load_kv_add(kv, n_kv, ifm_strdup(s), v, ifm_yaml_pos(y, name)) != 0) return ifm_yaml_oom(y, name);
  return 0;
}

int ifm_load_headers(ifm_yaml *y, const ifm_yaml_node *n, ifm_load_text_fn text, ifm_kv **kv, size_t *n_kv) {
  size_t i, count = ifm_yaml_count(n);
  int rc = 0;
  if (ifm_yaml_is_map(n)) {
    for (i = 0; i < count; i++)
      if (header_add(y, ifm_yaml_key(y, n, i), ifm_yaml_value(y, n, i), text, kv, n_kv) != 0) rc = -1;
    return rc;
  }
  if (!ifm_yaml_is_list(n)) {
    ifm_yaml_error(y, n, "headers: expected a mapping or a list of [name, value] pairs, got %s",
                   ifm_yaml_kind(y, n));
    return -1;
  }
  for (i = 0; i < count; i++) {
    const ifm_yaml_node *pair = ifm_yaml_item(y, n, i);
    if (!ifm_yaml_is_list(pair) || ifm_yaml_count(pair) != 2) {
      ifm_yaml_error(y, pair, "headers: expected a [name, value] pair, got %s",
                     ifm_yaml_is_list(pair) ? "a list of another length" : ifm_yaml_kind(y, pair));
      rc = -1;
      continue;
    }
    if (header_add(y, ifm_yaml_item(y, pair, 0), ifm_yaml_item(y, pair, 1), text, kv, n_kv) != 0) rc = -1;
  }
  return rc;
}

void ifm_load_tmpl_error(ifm_yaml *y, const ifm_yaml_node *n, const char *what, const char *text, size_t off,
                         const char *msg) {
  ifm_pos pos = ifm_yaml_pos_at(y, n, off);
  const char *close = strstr(text + off, "}}");
  size_t shown = close ? (size_t)(close + 2 - (text + off)) : strlen(text + off);
  ifm_yaml_error_pos(y, &pos, "%s: bad template '%.*s': %s", what, (int)(shown > 60 ? 60 : shown), text + off, msg);
}

/* ---- status specs ---- */

const char *const ifm_load_profile_keys[] = {
    "missing_if_match", "star_on_missing", "mismatch",         "malformed", "empty_value",
    "replay",           "missing_resource", "oversized_header", "write_ok",
};
const size_t ifm_load_n_profile_keys = sizeof ifm_load_profile_keys / sizeof ifm_load_profile_keys[0];

int ifm_load_profile_key_check(ifm_yaml *y, const ifm_yaml_node *n, const char *key) {
  return ifm_yaml_oneof(y, n, "profile key", key, ifm_load_profile_keys, ifm_load_n_profile_keys);
}

int ifm_load_status_text(ifm_yaml *y, const ifm_yaml_node *n, ifm_status_spec *out) {
  char why[160];
  const char *s = ifm_yaml_scalar(y, n);
  memset(out, 0, sizeof *out);
  if (!s) {
    ifm_yaml_error(y, n, "status: expected a code (412), a class (\"2xx\") or a list, got %s", ifm_yaml_kind(y, n));
    return -1;
  }
  if (ifm_status_spec_parse_why(s, out, why, sizeof why) == 0) return 0;
  ifm_yaml_error(y, n, "%s", why);
  return -1;
}

static int status_profile_cb(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
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

/* The text built in t, in a block of its size; t is freed. */
static char *text_fit(ifm_buf *t) {
  char *s = ifm_strndup(ifm_buf_str(t), t->len);
  ifm_buf_clear(t);
  return s;
}

int ifm_load_status(ifm_yaml *y, const ifm_yaml_node *n, int allow_profile, ifm_status_spec *out) {
  char why[160];
  ifm_buf t = IFM_BUF_INIT;
  size_t i, count;
  memset(out, 0, sizeof *out);
  if (ifm_yaml_is_map(n) && allow_profile)
    return ifm_yaml_fields(y, n, "status", status_profile_fields, 1, out);
  if (ifm_yaml_is_scalar(n)) {   /* one code or class; a list is a YAML list */
    const char *v = ifm_yaml_scalar(y, n);
    if (ifm_status_spec_add_item(v, strlen(v), out, &t, why, sizeof why) != 0) {
      ifm_yaml_error(y, n, "%s", why);
      goto fail;
    }
    out->text = text_fit(&t);
    return out->text ? 0 : ifm_yaml_oom(y, n);
  }
  if (!ifm_yaml_is_list(n)) {
    ifm_yaml_error(y, n, "status: expected a code (412), a class (\"2xx\")%s or a list, got %s",
                   allow_profile ? ", {profile: KEY}" : "", ifm_yaml_kind(y, n));
    return -1;
  }
  count = ifm_yaml_count(n);
  if (count == 0) {
    ifm_yaml_error(y, n, "status: an empty list accepts nothing");
    return -1;
  }
  ifm_buf_putc(&t, '[');
  for (i = 0; i < count; i++) {
    const ifm_yaml_node *it = ifm_yaml_item(y, n, i);
    const char *s = ifm_yaml_scalar(y, it);
    if (!s) {
      ifm_yaml_error(y, it, "status: expected a code or a class in the list, got %s", ifm_yaml_kind(y, it));
      goto fail;
    }
    if (i) ifm_buf_puts(&t, ", ");
    if (ifm_status_spec_add_item(s, strlen(s), out, &t, why, sizeof why) != 0) {
      ifm_yaml_error(y, it, "%s", why);
      goto fail;
    }
  }
  if (ifm_buf_putc(&t, ']') != 0) goto oom;
  out->text = text_fit(&t);
  return out->text ? 0 : ifm_yaml_oom(y, n);
oom:
  ifm_yaml_oom(y, n);
fail:
  ifm_buf_clear(&t);
  ifm_status_spec_clear(out);
  return -1;
}
