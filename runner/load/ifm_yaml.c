/* ifm_yaml.c: strict YAML reading and the error list (see ifm_yaml.h).
 *
 * A file goes through three gates before a loader sees it: the size cap, an
 * event-level pass (parser errors with libyaml's own marks, anchors, aliases,
 * tags, a second document, nesting deeper than IFM_YAML_MAX_DEPTH, which also
 * bounds libyaml's recursive composer and our own walks), and a walk of the
 * composed document for duplicate or non-scalar mapping keys.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_buf.h"
#include "ifm_yaml.h"


/* ---- the error list (ifm_load.h) ---- */

/* ---- positions and messages ---- */

ifm_pos ifm_yaml_pos(const ifm_yaml *y, const yaml_node_t *n) {
  ifm_pos p;
  p.file = y->file;
  p.line = n ? (int)n->start_mark.line + 1 : 1;
  p.col = n ? (int)n->start_mark.column + 1 : 1;
  return p;
}

static size_t utf8_chars(const unsigned char *s, size_t len) {
  size_t i, c = 0;
  for (i = 0; i < len; i++)
    if ((s[i] & 0xC0) != 0x80) c++;
  return c;
}

ifm_pos ifm_yaml_pos_at(const ifm_yaml *y, const yaml_node_t *n, size_t off) {
  ifm_pos p = ifm_yaml_pos(y, n);
  size_t chars, width, quotes;
  if (!n || n->type != YAML_SCALAR_NODE || off > n->data.scalar.length) return p;
  if (n->start_mark.line != n->end_mark.line) return p;
  switch (n->data.scalar.style) {
    case YAML_PLAIN_SCALAR_STYLE: quotes = 0; break;
    case YAML_SINGLE_QUOTED_SCALAR_STYLE:
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE: quotes = 1; break;
    default: return p;
  }
  /* Escapes always make the source longer than the value, so equal widths
   * mean the value is the source character for character. */
  chars = utf8_chars(n->data.scalar.value, n->data.scalar.length);
  width = n->end_mark.column - n->start_mark.column;
  if (width != chars + 2 * quotes) return p;
  p.col += (int)(quotes + utf8_chars(n->data.scalar.value, off));
  return p;
}

void ifm_yaml_error_pos(ifm_yaml *y, const ifm_pos *pos, const char *fmt, ...) {
  va_list ap;
  y->n_errors++;
  va_start(ap, fmt);
  ifm_errors_vadd(y->err, pos, fmt, ap);
  va_end(ap);
}

void ifm_yaml_error(ifm_yaml *y, const yaml_node_t *n, const char *fmt, ...) {
  ifm_pos p = ifm_yaml_pos(y, n);
  va_list ap;
  y->n_errors++;
  va_start(ap, fmt);
  ifm_errors_vadd(y->err, &p, fmt, ap);
  va_end(ap);
}

int ifm_yaml_oom(ifm_yaml *y, const yaml_node_t *n) {
  ifm_yaml_error(y, n, "out of memory");
  return -1;
}

static void error_mark(ifm_yaml *y, yaml_mark_t m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void error_mark(ifm_yaml *y, yaml_mark_t m, const char *fmt, ...) {
  ifm_pos p;
  va_list ap;
  p.file = y->file;
  p.line = (int)m.line + 1;
  p.col = (int)m.column + 1;
  y->n_errors++;
  va_start(ap, fmt);
  ifm_errors_vadd(y->err, &p, fmt, ap);
  va_end(ap);
}

/* ---- reading ---- */

int ifm_yaml_read_file(const char *path, char **buf, size_t *len, ifm_errors *err) {
  ifm_pos pos = {path, 1, 1};
  ifm_buf b = IFM_BUF_INIT;
  char chunk[65536];
  size_t n;
  FILE *f = fopen(path, "rb");
  *buf = NULL;
  *len = 0;
  if (!f) {
    ifm_errors_add(err, &pos, "cannot open: %s", strerror(errno));
    return -1;
  }
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
    if (b.len + n > IFM_LOAD_MAX_BYTES) {
      ifm_errors_add(err, &pos, "file too large (the limit is %d bytes)", IFM_LOAD_MAX_BYTES);
      goto fail;
    }
    if (ifm_buf_append(&b, chunk, n) != 0) {
      ifm_errors_add(err, &pos, "out of memory");
      goto fail;
    }
  }
  if (ferror(f)) {
    ifm_errors_add(err, &pos, "cannot read: %s", strerror(errno));
    goto fail;
  }
  fclose(f);
  *len = b.len;
  *buf = ifm_buf_detach(&b);
  if (*buf) return 0;
  ifm_errors_add(err, &pos, "out of memory");
  return -1;
fail:
  fclose(f);
  ifm_buf_free(&b);
  return -1;
}

/* ---- gate 2: the event pass ---- */

static void parser_error(ifm_yaml *y, const yaml_parser_t *p, const char *buf, size_t len) {
  yaml_mark_t m = p->problem_mark;
  const char *problem = p->problem ? p->problem : "invalid YAML";
  size_t i;
  if (p->error == YAML_MEMORY_ERROR) {
    error_mark(y, m, "out of memory");
    return;
  }
  if (p->error == YAML_READER_ERROR) {   /* only a byte offset: count lines ourselves */
    memset(&m, 0, sizeof m);
    for (i = 0; i < p->problem_offset && i < len; i++) {
      if (buf[i] == '\n') m.line++, m.column = 0;
      else if (((unsigned char)buf[i] & 0xC0) != 0x80) m.column++;
    }
    error_mark(y, m, "%s", problem);
    return;
  }
  if (p->context)
    error_mark(y, m, "%s (%s at line %d, column %d)", problem, p->context,
               (int)p->context_mark.line + 1, (int)p->context_mark.column + 1);
  else
    error_mark(y, m, "%s", problem);
}

static void event_props(ifm_yaml *y, const yaml_event_t *ev, const yaml_char_t *anchor,
                        const yaml_char_t *tag) {
  if (anchor) error_mark(y, ev->start_mark, "anchors are not allowed ('&%s')", (const char *)anchor);
  if (tag) {
    const char *t = (const char *)tag, *std = "tag:yaml.org,2002:";
    int is_std = strncmp(t, std, strlen(std)) == 0;
    error_mark(y, ev->start_mark, "tags are not allowed ('%s%s'); quote the value instead", is_std ? "!!" : "",
               is_std ? t + strlen(std) : t);
  }
}

static int events_check(ifm_yaml *y, const char *buf, size_t len) {
  yaml_parser_t p;
  yaml_event_t ev;
  int depth = 0, docs = 0, done = 0;
  size_t before = y->n_errors;
  if (!yaml_parser_initialize(&p)) return ifm_yaml_oom(y, NULL);
  yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
  while (!done) {
    if (!yaml_parser_parse(&p, &ev)) {
      parser_error(y, &p, buf, len);
      break;
    }
    switch (ev.type) {
      case YAML_STREAM_END_EVENT: done = 1; break;
      case YAML_DOCUMENT_START_EVENT:
        if (++docs > 1) {
          error_mark(y, ev.start_mark, "only one YAML document is allowed per file");
          done = 1;
        }
        break;
      case YAML_ALIAS_EVENT:
        error_mark(y, ev.start_mark, "aliases are not allowed ('*%s')", (const char *)ev.data.alias.anchor);
        break;
      case YAML_SCALAR_EVENT:
        event_props(y, &ev, ev.data.scalar.anchor, ev.data.scalar.tag);
        break;
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT:
        if (ev.type == YAML_SEQUENCE_START_EVENT)
          event_props(y, &ev, ev.data.sequence_start.anchor, ev.data.sequence_start.tag);
        else
          event_props(y, &ev, ev.data.mapping_start.anchor, ev.data.mapping_start.tag);
        if (++depth > IFM_YAML_MAX_DEPTH) {
          error_mark(y, ev.start_mark, "nesting deeper than %d levels", IFM_YAML_MAX_DEPTH);
          done = 1;
        }
        break;
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: depth--; break;
      default: break;
    }
    yaml_event_delete(&ev);
  }
  yaml_parser_delete(&p);
  return y->n_errors > before ? -1 : 0;
}

/* ---- gate 3: mapping keys ---- */

typedef struct key_ref {
  const yaml_node_t *key;
  size_t idx;
} key_ref;

static int key_ref_cmp(const void *a, const void *b) {
  const key_ref *x = a, *z = b;
  size_t lx = x->key->data.scalar.length, lz = z->key->data.scalar.length;
  int c = memcmp(x->key->data.scalar.value, z->key->data.scalar.value, lx < lz ? lx : lz);
  if (c) return c;
  if (lx != lz) return lx < lz ? -1 : 1;
  return x->idx < z->idx ? -1 : x->idx > z->idx;
}

static void keys_check_map(ifm_yaml *y, const yaml_node_t *map) {
  size_t n = ifm_yaml_count(map), k = 0, i, first = 0;
  yaml_node_pair_t *pr;
  key_ref *refs;
  if (n < 1) return;
  refs = calloc(n, sizeof *refs);
  if (!refs) {
    ifm_yaml_oom(y, map);
    return;
  }
  for (pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top; pr++) {
    const yaml_node_t *key = ifm_yaml_get(y, pr->key);
    if (!key) continue;
    if (key->type != YAML_SCALAR_NODE) {
      ifm_yaml_error(y, key, "a mapping key must be a plain string, not %s", ifm_yaml_kind(key));
      continue;
    }
    refs[k].key = key;
    refs[k].idx = k;
    k++;
  }
  qsort(refs, k, sizeof *refs, key_ref_cmp);
  for (i = 1; i < k; i++) {
    const yaml_node_t *a = refs[first].key, *b = refs[i].key;
    if (a->data.scalar.length != b->data.scalar.length ||
        memcmp(a->data.scalar.value, b->data.scalar.value, a->data.scalar.length) != 0) {
      first = i;
      continue;
    }
    ifm_yaml_error(y, b, "duplicate key '%s' (first at line %d, column %d)", ifm_yaml_scalar(b),
                   (int)a->start_mark.line + 1, (int)a->start_mark.column + 1);
  }
  free(refs);
}

/* Depth is bounded by the event pass; aliases are gone, so this is a tree. */
static void keys_check(ifm_yaml *y, const yaml_node_t *n) {
  yaml_node_item_t *it;
  yaml_node_pair_t *pr;
  if (!n) return;
  if (n->type == YAML_SEQUENCE_NODE) {
    for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++)
      keys_check(y, ifm_yaml_get(y, *it));
  } else if (n->type == YAML_MAPPING_NODE) {
    keys_check_map(y, n);
    for (pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
      keys_check(y, ifm_yaml_get(y, pr->key));
      keys_check(y, ifm_yaml_get(y, pr->value));
    }
  }
}

/* ---- parsing ---- */

int ifm_yaml_parse(ifm_yaml *y, const char *file, const char *buf, size_t len, ifm_errors *err) {
  ifm_pos top = {file, 1, 1};
  yaml_parser_t p;
  yaml_node_t *root;
  size_t before;
  memset(y, 0, sizeof *y);
  y->file = file;
  y->err = err;
  if (len > IFM_LOAD_MAX_BYTES) {
    ifm_yaml_error_pos(y, &top, "file too large (%zu bytes; the limit is %d)", len, IFM_LOAD_MAX_BYTES);
    return -1;
  }
  if (events_check(y, buf, len) != 0) return -1;
  if (!yaml_parser_initialize(&p)) return ifm_yaml_oom(y, NULL);
  yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
  if (!yaml_parser_load(&p, &y->doc)) {
    parser_error(y, &p, buf, len);
    yaml_parser_delete(&p);
    return -1;
  }
  yaml_parser_delete(&p);
  y->loaded = 1;
  root = ifm_yaml_root(y);
  if (!root || (root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0 &&
                root->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)) {
    ifm_yaml_error_pos(y, &top, "empty file");
    return -1;
  }
  before = y->n_errors;
  keys_check(y, root);
  return y->n_errors > before ? -1 : 0;
}

void ifm_yaml_done(ifm_yaml *y) {
  if (y->loaded) yaml_document_delete(&y->doc);
  y->loaded = 0;
}

yaml_node_t *ifm_yaml_root(ifm_yaml *y) {
  return y->loaded ? yaml_document_get_root_node(&y->doc) : NULL;
}

yaml_node_t *ifm_yaml_get(ifm_yaml *y, int id) {
  return y->loaded ? yaml_document_get_node(&y->doc, id) : NULL;
}

/* ---- scalars ---- */

typedef enum scalar_class { SC_STRING = 0, SC_INT, SC_FLOAT, SC_BOOL, SC_NULL } scalar_class;

static int is_digits(const char *s, size_t *n) {
  size_t i = 0;
  while (s[i] >= '0' && s[i] <= '9') i++;
  *n = i;
  return i > 0;
}

static scalar_class classify(const yaml_node_t *n) {
  static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
  static const char *const bools[] = {"true", "True", "TRUE", "false", "False", "FALSE"};
  static const char *const specials[] = {".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN"};
  const char *s = (const char *)n->data.scalar.value;
  size_t i, k, d1 = 0, d2 = 0;
  if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return SC_STRING;
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

const char *ifm_yaml_kind(const yaml_node_t *n) {
  if (!n) return "nothing";
  if (n->type == YAML_MAPPING_NODE) return "a mapping";
  if (n->type == YAML_SEQUENCE_NODE) return "a list";
  switch (classify(n)) {
    case SC_INT:
    case SC_FLOAT: return "a number";
    case SC_BOOL: return "a boolean";
    case SC_NULL: return "nothing";
    default: return "a string";
  }
}

const char *ifm_yaml_scalar(const yaml_node_t *n) {
  return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

size_t ifm_yaml_count(const yaml_node_t *n) {
  if (n && n->type == YAML_SEQUENCE_NODE)
    return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
  if (n && n->type == YAML_MAPPING_NODE)
    return (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
  return 0;
}

int ifm_yaml_want_map(ifm_yaml *y, const yaml_node_t *n, const char *what) {
  if (n && n->type == YAML_MAPPING_NODE) return 1;
  ifm_yaml_error(y, n, "%s: expected a mapping, got %s", what, ifm_yaml_kind(n));
  return 0;
}

int ifm_yaml_want_list(ifm_yaml *y, const yaml_node_t *n, const char *what) {
  if (n && n->type == YAML_SEQUENCE_NODE) return 1;
  ifm_yaml_error(y, n, "%s: expected a list, got %s", what, ifm_yaml_kind(n));
  return 0;
}

int ifm_yaml_text(ifm_yaml *y, const yaml_node_t *n, const char *what, char **out) {
  *out = NULL;
  if (!n || n->type != YAML_SCALAR_NODE) {
    ifm_yaml_error(y, n, "%s: expected a string, got %s", what, ifm_yaml_kind(n));
    return -1;
  }
  if (memchr(n->data.scalar.value, 0, n->data.scalar.length)) {
    ifm_yaml_error(y, n, "%s: a NUL byte is not allowed", what);
    return -1;
  }
  *out = ifm_strndup((const char *)n->data.scalar.value, n->data.scalar.length);
  return *out ? 0 : ifm_yaml_oom(y, n);
}

int ifm_yaml_string(ifm_yaml *y, const yaml_node_t *n, const char *what, char **out) {
  *out = NULL;
  if (n && n->type == YAML_SCALAR_NODE && classify(n) != SC_STRING) {
    ifm_yaml_error(y, n, "%s: expected a string, got %s (quote it)", what, ifm_yaml_kind(n));
    return -1;
  }
  return ifm_yaml_text(y, n, what, out);
}

int ifm_yaml_int(ifm_yaml *y, const yaml_node_t *n, const char *what, long min, long max, long *out) {
  long v;
  char *end;
  if (!n || n->type != YAML_SCALAR_NODE || classify(n) != SC_INT) {
    ifm_yaml_error(y, n, "%s: expected an integer from %ld to %ld, got %s", what, min, max,
                   ifm_yaml_kind(n));
    return -1;
  }
  errno = 0;
  v = strtol((const char *)n->data.scalar.value, &end, 10);
  if (errno || v < min || v > max) {
    ifm_yaml_error(y, n, "%s: %s is out of range (%ld to %ld)", what, ifm_yaml_scalar(n), min, max);
    return -1;
  }
  *out = v;
  return 0;
}

int ifm_yaml_number(ifm_yaml *y, const yaml_node_t *n, const char *what, double min, double max,
                    double *out) {
  const char *s = ifm_yaml_scalar(n);
  scalar_class c = s ? classify(n) : SC_STRING;
  double v;
  if (!s || (c != SC_INT && c != SC_FLOAT) || strchr(s, 'n') || strchr(s, 'N') || strchr(s, 'i') ||
      strchr(s, 'I')) {
    ifm_yaml_error(y, n, "%s: expected a number, got %s", what, ifm_yaml_kind(n));
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

int ifm_yaml_bool(ifm_yaml *y, const yaml_node_t *n, const char *what, int *out) {
  const char *s = ifm_yaml_scalar(n);
  if (!s || classify(n) != SC_BOOL) {
    ifm_yaml_error(y, n, "%s: expected true or false, got %s", what, ifm_yaml_kind(n));
    return -1;
  }
  *out = s[0] == 't' || s[0] == 'T';
  return 0;
}

int ifm_yaml_strlist(ifm_yaml *y, const yaml_node_t *n, const char *what, char ***out, size_t *n_out) {
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
    if (ifm_yaml_string(y, ifm_yaml_get(y, n->data.sequence.items.start[i]), what, &(*out)[i]) != 0)
      rc = -1;
  return rc;
}

int ifm_yaml_oneof(ifm_yaml *y, const yaml_node_t *n, const char *what, const char *s,
                   const char *const *names, size_t n_names) {
  ifm_buf list = IFM_BUF_INIT;
  size_t i;
  for (i = 0; i < n_names; i++)
    if (s && strcmp(s, names[i]) == 0) return (int)i;
  for (i = 0; i < n_names; i++) ifm_buf_printf(&list, "%s%s", i ? ", " : "", names[i]);
  if (s)
    ifm_yaml_error(y, n, "unknown %s '%s' (expected one of: %s)", what, s, ifm_buf_str(&list));
  else
    ifm_yaml_error(y, n, "%s: expected one of: %s; got %s", what, ifm_buf_str(&list), ifm_yaml_kind(n));
  ifm_buf_free(&list);
  return -1;
}

/* ---- the table-driven mapping reader ---- */

static const ifm_yaml_field *field_find(const ifm_yaml_field *f, size_t n, const char *key) {
  size_t i, kl;
  for (i = 0; i < n; i++) {
    kl = strlen(f[i].key);
    if (f[i].flags & IFM_YF_PREFIX) {
      if (strncmp(key, f[i].key, kl) == 0 && key[kl] != '\0') return &f[i];
    } else if (strcmp(key, f[i].key) == 0) {
      return &f[i];
    }
  }
  return NULL;
}

static void field_unknown(ifm_yaml *y, const yaml_node_t *key, const ifm_yaml_field *f, size_t n) {
  ifm_buf list = IFM_BUF_INIT;
  size_t i;
  for (i = 0; i < n; i++)
    ifm_buf_printf(&list, "%s%s%s", i ? ", " : "", f[i].key, (f[i].flags & IFM_YF_PREFIX) ? "<name>" : "");
  ifm_yaml_error(y, key, "unknown key '%s' (expected one of: %s)", ifm_yaml_scalar(key),
                 ifm_buf_str(&list));
  ifm_buf_free(&list);
}

int ifm_yaml_fields(ifm_yaml *y, yaml_node_t *map, const char *what, const ifm_yaml_field *fields,
                    size_t n_fields, void *obj) {
  unsigned long long seen = 0;
  size_t before = y->n_errors, i;
  yaml_node_pair_t *pr;
  if (!ifm_yaml_want_map(y, map, what)) return -1;
  for (pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top; pr++) {
    yaml_node_t *key = ifm_yaml_get(y, pr->key), *value = ifm_yaml_get(y, pr->value);
    const char *k = ifm_yaml_scalar(key);
    const ifm_yaml_field *f;
    if (!k) continue;   /* refused by keys_check already */
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
