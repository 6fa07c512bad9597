/* ifm_yaml.c: what the loaders ask of the tree (see ifm_yaml.h): walking
 * it, positions and messages, typed scalar readers, and the table-driven
 * mapping reader every loader is written in. Building the tree is
 * ifm_yaml_tree.c. Nothing here allocates except the strings handed to the
 * caller, who owns them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_buf.h"
#include "ifm_yaml.h"

/* ---- the tree ---- */

const ifm_yaml_node *ifm_yaml_root(const ifm_yaml *y) {
  return y->root;
}

const ifm_yaml_node *ifm_yaml_at(const ifm_yaml *y, uint32_t i) {
  return &y->blocks[i >> IFM_YAML_BLOCK_BITS][i & (IFM_YAML_BLOCK - 1)];
}

const ifm_yaml_node *ifm_yaml_item(const ifm_yaml *y, const ifm_yaml_node *n, size_t i) {
  return ifm_yaml_at(y, n->off + (uint32_t)i);
}

const ifm_yaml_node *ifm_yaml_key(const ifm_yaml *y, const ifm_yaml_node *n, size_t i) {
  return ifm_yaml_at(y, n->off + 2 * (uint32_t)i);
}

const ifm_yaml_node *ifm_yaml_value(const ifm_yaml *y, const ifm_yaml_node *n, size_t i) {
  return ifm_yaml_at(y, n->off + 2 * (uint32_t)i + 1);
}

int ifm_yaml_is_map(const ifm_yaml_node *n) {
  return n && n->type == IFM_YAML_MAP;
}

int ifm_yaml_is_list(const ifm_yaml_node *n) {
  return n && n->type == IFM_YAML_LIST;
}

int ifm_yaml_is_scalar(const ifm_yaml_node *n) {
  return n && n->type == IFM_YAML_SCALAR;
}

size_t ifm_yaml_count(const ifm_yaml_node *n) {
  if (!n || n->type == IFM_YAML_SCALAR) return 0;
  return n->type == IFM_YAML_MAP ? n->len / 2 : n->len;
}

const char *ifm_yaml_scalar(const ifm_yaml *y, const ifm_yaml_node *n) {
  if (!n || n->type != IFM_YAML_SCALAR) return NULL;
  return n->flags & IFM_YAML_INLINE ? n->text : y->bytes + n->off;
}

size_t ifm_yaml_scalar_len(const ifm_yaml_node *n) {
  if (!n || n->type != IFM_YAML_SCALAR) return 0;
  return n->flags & IFM_YAML_INLINE ? strlen(n->text) : n->len;
}

/* ---- positions and messages ---- */

ifm_pos ifm_yaml_pos(const ifm_yaml *y, const ifm_yaml_node *n) {
  ifm_pos p;
  p.file = y->file;
  p.line = n ? (int)n->line : 1;
  p.col = n ? (int)n->col : 1;
  return p;
}

/* Columns count bytes, and an EXACT scalar's value is its source byte for
 * byte: byte off is off bytes (and the opening quote) after the node. */
ifm_pos ifm_yaml_pos_at(const ifm_yaml *y, const ifm_yaml_node *n, size_t off) {
  ifm_pos p = ifm_yaml_pos(y, n);
  if (!ifm_yaml_is_scalar(n) || off > ifm_yaml_scalar_len(n) || !(n->flags & IFM_YAML_EXACT)) return p;
  p.col += (int)((n->flags & IFM_YAML_QUOTED ? 1 : 0) + off);
  return p;
}

void ifm_yaml_error_pos(ifm_yaml *y, const ifm_pos *pos, const char *fmt, ...) {
  va_list ap;
  y->n_errors++;
  va_start(ap, fmt);
  ifm_errors_vadd(y->err, pos, fmt, ap);
  va_end(ap);
}

void ifm_yaml_error(ifm_yaml *y, const ifm_yaml_node *n, const char *fmt, ...) {
  ifm_pos p = ifm_yaml_pos(y, n);
  va_list ap;
  y->n_errors++;
  va_start(ap, fmt);
  ifm_errors_vadd(y->err, &p, fmt, ap);
  va_end(ap);
}

int ifm_yaml_oom(ifm_yaml *y, const ifm_yaml_node *n) {
  ifm_yaml_error(y, n, "out of memory");
  return -1;
}

/* ---- scalars ---- */

typedef enum scalar_class { SC_STRING = 0, SC_INT, SC_FLOAT, SC_BOOL, SC_NULL } scalar_class;

static int is_digits(const char *s, size_t *n) {
  size_t i = 0;
  while (s[i] >= '0' && s[i] <= '9') i++;
  *n = i;
  return i > 0;
}

/* How YAML's core schema would read a plain scalar; quoted ones are strings. */
static scalar_class classify(const ifm_yaml *y, const ifm_yaml_node *n) {
  static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
  static const char *const bools[] = {"true", "True", "TRUE", "false", "False", "FALSE"};
  static const char *const specials[] = {".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN"};
  const char *s = ifm_yaml_scalar(y, n);
  size_t i, k, d1 = 0, d2 = 0;
  if (!(n->flags & IFM_YAML_PLAIN)) return SC_STRING;
  for (i = 0; i < sizeof nulls / sizeof nulls[0]; i++)
    if (strcmp(s, nulls[i]) == 0) return SC_NULL;
  for (i = 0; i < sizeof bools / sizeof bools[0]; i++)
    if (strcmp(s, bools[i]) == 0) return SC_BOOL;
  if (*s == '-' || *s == '+') s++;
  for (i = 0; i < sizeof specials / sizeof specials[0]; i++)
    if (strcmp(s, specials[i]) == 0) return SC_FLOAT;
  if (is_digits(s, &k) && s[k] == '\0') return SC_INT;
  is_digits(s, &d1);
  s += d1;
  if (*s == '.') is_digits(++s, &d2);
  s += d2;
  if (d1 + d2 == 0) return SC_STRING;
  if (*s == 'e' || *s == 'E') {
    s++;
    if (*s == '-' || *s == '+') s++;
    if (!is_digits(s, &k)) return SC_STRING;
    s += k;
  }
  return *s == '\0' ? SC_FLOAT : SC_STRING;
}

const char *ifm_yaml_kind(const ifm_yaml *y, const ifm_yaml_node *n) {
  if (!n) return "nothing";
  if (n->type == IFM_YAML_MAP) return "a mapping";
  if (n->type == IFM_YAML_LIST) return "a list";
  switch (classify(y, n)) {
    case SC_INT:
    case SC_FLOAT: return "a number";
    case SC_BOOL: return "a boolean";
    case SC_NULL: return "nothing";
    default: return "a string";
  }
}

int ifm_yaml_want_map(ifm_yaml *y, const ifm_yaml_node *n, const char *what) {
  if (ifm_yaml_is_map(n)) return 1;
  ifm_yaml_error(y, n, "%s: expected a mapping, got %s", what, ifm_yaml_kind(y, n));
  return 0;
}

int ifm_yaml_want_list(ifm_yaml *y, const ifm_yaml_node *n, const char *what) {
  if (ifm_yaml_is_list(n)) return 1;
  ifm_yaml_error(y, n, "%s: expected a list, got %s", what, ifm_yaml_kind(y, n));
  return 0;
}

int ifm_yaml_text(ifm_yaml *y, const ifm_yaml_node *n, const char *what, char **out) {
  *out = NULL;
  if (!ifm_yaml_is_scalar(n)) {
    ifm_yaml_error(y, n, "%s: expected a string, got %s", what, ifm_yaml_kind(y, n));
    return -1;
  }
  if (n->flags & IFM_YAML_NUL) {
    ifm_yaml_error(y, n, "%s: a NUL byte is not allowed", what);
    return -1;
  }
  *out = ifm_strndup(ifm_yaml_scalar(y, n), ifm_yaml_scalar_len(n));
  return *out ? 0 : ifm_yaml_oom(y, n);
}

int ifm_yaml_string(ifm_yaml *y, const ifm_yaml_node *n, const char *what, char **out) {
  *out = NULL;
  if (ifm_yaml_is_scalar(n) && classify(y, n) != SC_STRING) {
    ifm_yaml_error(y, n, "%s: expected a string, got %s (quote it)", what, ifm_yaml_kind(y, n));
    return -1;
  }
  return ifm_yaml_text(y, n, what, out);
}

int ifm_yaml_int(ifm_yaml *y, const ifm_yaml_node *n, const char *what, long min, long max, long *out) {
  long v;
  char *end;
  if (!ifm_yaml_is_scalar(n) || classify(y, n) != SC_INT) {
    ifm_yaml_error(y, n, "%s: expected an integer from %ld to %ld, got %s", what, min, max,
                   ifm_yaml_kind(y, n));
    return -1;
  }
  errno = 0;
  v = strtol(ifm_yaml_scalar(y, n), &end, 10);
  if (errno || v < min || v > max) {
    ifm_yaml_error(y, n, "%s: %s is out of range (%ld to %ld)", what, ifm_yaml_scalar(y, n), min, max);
    return -1;
  }
  *out = v;
  return 0;
}

int ifm_yaml_number(ifm_yaml *y, const ifm_yaml_node *n, const char *what, double min, double max,
                    double *out) {
  const char *s = ifm_yaml_scalar(y, n);
  scalar_class c = s ? classify(y, n) : SC_STRING;
  double v;
  if (!s || (c != SC_INT && c != SC_FLOAT) || strchr(s, 'n') || strchr(s, 'N') || strchr(s, 'i') ||
      strchr(s, 'I')) {
    ifm_yaml_error(y, n, "%s: expected a number, got %s", what, ifm_yaml_kind(y, n));
    return -1;
  }
  v = strtod(s, NULL);
  if (!(v > min && v <= max)) {
    ifm_yaml_error(y, n, "%s: %s is out of range (more than %g, at most %g)", what, s, min, max);
    return -1;
  }
  *out = v;
  return 0;
}

int ifm_yaml_bool(ifm_yaml *y, const ifm_yaml_node *n, const char *what, int *out) {
  const char *s = ifm_yaml_scalar(y, n);
  if (!s || classify(y, n) != SC_BOOL) {
    ifm_yaml_error(y, n, "%s: expected true or false, got %s", what, ifm_yaml_kind(y, n));
    return -1;
  }
  *out = s[0] == 't' || s[0] == 'T';
  return 0;
}

int ifm_yaml_strlist(ifm_yaml *y, const ifm_yaml_node *n, const char *what, char ***out, size_t *n_out) {
  size_t count, i;
  int rc = 0;
  *out = NULL;
  *n_out = 0;
  if (!ifm_yaml_want_list(y, n, what)) return -1;
  count = ifm_yaml_count(n);
  if (count == 0) return 0;
  *out = calloc(count, sizeof **out);
  if (!*out) return ifm_yaml_oom(y, n);
  *n_out = count;
  for (i = 0; i < count; i++)
    if (ifm_yaml_string(y, ifm_yaml_item(y, n, i), what, &(*out)[i]) != 0) rc = -1;
  return rc;
}

int ifm_yaml_oneof(ifm_yaml *y, const ifm_yaml_node *n, const char *what, const char *s,
                   const char *const *names, size_t n_names) {
  ifm_buf list = IFM_BUF_INIT;
  size_t i;
  for (i = 0; i < n_names; i++)
    if (s && strcmp(s, names[i]) == 0) return (int)i;
  for (i = 0; i < n_names; i++) ifm_buf_printf(&list, "%s%s", i ? ", " : "", names[i]);
  if (s)
    ifm_yaml_error(y, n, "unknown %s '%s' (expected one of: %s)", what, s, ifm_buf_str(&list));
  else
    ifm_yaml_error(y, n, "%s: expected one of: %s; got %s", what, ifm_buf_str(&list), ifm_yaml_kind(y, n));
  ifm_buf_clear(&list);
  return -1;
}

/* ---- the table-driven mapping reader ---- */

static const ifm_yaml_field *field_find(const ifm_yaml_field *f, size_t n, const char *key) {
  size_t i, kl;
  for (i = 0; i < n; i++) {
    if (f[i].flags & IFM_YF_PREFIX) {
      kl = strlen(f[i].key);
      if (strncmp(key, f[i].key, kl) == 0 && key[kl] != '\0') return &f[i];
    } else if (strcmp(key, f[i].key) == 0) {
      return &f[i];
    }
  }
  return NULL;
}

static void field_unknown(ifm_yaml *y, const ifm_yaml_node *key, const ifm_yaml_field *f, size_t n) {
  ifm_buf list = IFM_BUF_INIT;
  size_t i;
  for (i = 0; i < n; i++)
    ifm_buf_printf(&list, "%s%s%s", i ? ", " : "", f[i].key, (f[i].flags & IFM_YF_PREFIX) ? "<name>" : "");
  ifm_yaml_error(y, key, "unknown key '%s' (expected one of: %s)", ifm_yaml_scalar(y, key), ifm_buf_str(&list));
  ifm_buf_clear(&list);
}

int ifm_yaml_fields(ifm_yaml *y, const ifm_yaml_node *map, const char *what, const ifm_yaml_field *fields,
                    size_t n_fields, void *obj) {
  unsigned long long seen = 0;
  size_t before = y->n_errors, i, n;
  if (!ifm_yaml_want_map(y, map, what)) return -1;
  n = ifm_yaml_count(map);
  for (i = 0; i < n; i++) {
    const ifm_yaml_node *key = ifm_yaml_key(y, map, i), *value = ifm_yaml_value(y, map, i);
    const char *k = ifm_yaml_scalar(y, key);
    const ifm_yaml_field *f;
    if (!k) continue;   /* refused by the key check already */
    f = field_find(fields, n_fields, k);
    if (!f) {
      field_unknown(y, key, fields, n_fields);
      continue;
    }
    if (f - fields < 64) seen |= 1ull << (f - fields);
    if (f->cb) f->cb(y, obj, key, value);
  }
  for (i = 0; i < n_fields && i < 64; i++)
    if ((fields[i].flags & IFM_YF_REQUIRED) && !(seen & (1ull << i)))
      ifm_yaml_error(y, map, "%s: missing required key '%s'", what, fields[i].key);
  return y->n_errors > before ? -1 : 0;
}
