/* ifm_yaml_tree.c: bytes -> libyaml events -> the loader's tree, in one pass
 * (see ifm_yaml.h for the tree and why not libyaml's document API).
 *
 * A file goes through three gates before a loader sees it: the size cap; the
 * event stream (parser errors with libyaml's own marks, anchors, aliases,
 * tags, a second document, nesting deeper than IFM_YAML_MAX_DEPTH, which
 * also bounds the recursion of the key check and of every loader); and a walk
 * of the finished tree for duplicate or non-scalar mapping keys, in document
 * order, only when the events were clean.
 *
 * Building: a node is complete when its event ends it (a scalar at once, a
 * list or mapping at its END event). Complete nodes wait on a scratch stack
 * until their parent ends; then the parent's children, which are the top of
 * that stack, are appended to the tree together, so every child range is
 * contiguous, and the parent takes their place on the stack. The root is the
 * last node. So the tree is in the order in which things end: all that is
 * inside an item of a list comes before the next item's insides, which is
 * what lets ifm_yaml_release free blocks from the front while a loader reads
 * on. Memory: 16 bytes a node, in 64 KiB blocks, plus the scalars' bytes,
 * all owned by y; the scratch stack is freed before ifm_yaml_parse returns.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>
#include "ifm_yaml.h"

typedef struct frame {
  ifm_yaml_node node;     /* the open list or mapping */
  size_t first;           /* its first child's place on the scratch stack */
} frame;

typedef struct builder {
  ifm_yaml *y;
  const char *buf;
  size_t len;
  ifm_yaml_node *scratch; /* complete nodes whose parent is still open */
  size_t n_scratch, cap_scratch;
  size_t cap_blocks, cap_bytes;
  frame open[IFM_YAML_MAX_DEPTH];
  int depth;
  int oom;
} builder;

/* ---- reading ---- */

static int read_error(ifm_errors *err, const char *path, FILE *f, char *buf, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int read_error(ifm_errors *err, const char *path, FILE *f, char *buf, const char *fmt, ...) {
  ifm_pos pos = {path, 1, 1};
  va_list ap;
  va_start(ap, fmt);
  ifm_errors_vadd(err, &pos, fmt, ap);
  va_end(ap);
  if (f) fclose(f);
  free(buf);
  return -1;
}

/* A regular file is read into one block of its size (plus the NUL), so an
 * 800 KB case file costs 800 KB, not a doubled buffer and its copies. */
int ifm_yaml_read_file(const char *path, char **buf, size_t *len, ifm_errors *err) {
  struct stat st;
  size_t cap = 65536, n = 0, got;
  char *p, *q;
  FILE *f = fopen(path, "rb");
  *buf = NULL;
  *len = 0;
  if (!f) return read_error(err, path, NULL, NULL, "cannot open: %s", strerror(errno));
  if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0 && st.st_size <= IFM_LOAD_MAX_BYTES)
    cap = (size_t)st.st_size + 2;     /* + 1 to see the end of the file without growing */
  if (!(p = malloc(cap))) return read_error(err, path, f, NULL, "out of memory");
  for (;;) {
    if (n + 1 == cap) {
      if (!(q = realloc(p, cap * 2))) return read_error(err, path, f, p, "out of memory");
      p = q;
      cap *= 2;
    }
    got = fread(p + n, 1, cap - n - 1, f);
    n += got;
    if (n > IFM_LOAD_MAX_BYTES)
      return read_error(err, path, f, p, "file too large (the limit is %d bytes)", IFM_LOAD_MAX_BYTES);
    if (got == 0) break;
  }
  if (ferror(f)) return read_error(err, path, f, p, "cannot read: %s", strerror(errno));
  fclose(f);
  p[n] = '\0';
  *buf = p;
  *len = n;
  return 0;
}

/* ---- errors at libyaml marks ---- */

static void error_mark(ifm_yaml *y, yaml_mark_t m, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
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
    error_mark(y, m, "%s (%s at line %d, column %d)", problem, p->context, (int)p->context_mark.line + 1,
               (int)p->context_mark.column + 1);
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

/* ---- building ---- */

/* p with room for need (> 0) elements, doubling from first; NULL when out
 * of memory (p is kept). */
static void *grow(void *p, size_t *cap, size_t need, size_t elem, size_t first) {
  size_t c = *cap ? *cap : first;
  void *q;
  if (need <= *cap) return p;
  while (c < need) c *= 2;
  if (c > UINT32_MAX || !(q = realloc(p, c * elem))) return NULL;
  *cap = c;
  return q;
}

static void push(builder *b, const ifm_yaml_node *n) {
  ifm_yaml_node *s = b->oom ? NULL : grow(b->scratch, &b->cap_scratch, b->n_scratch + 1, sizeof *s, 256);
  if (!s) {
    b->oom = 1;
    return;
  }
  b->scratch = s;
  b->scratch[b->n_scratch++] = *n;
}

static size_t utf8_chars(const unsigned char *s, size_t len) {
  size_t i, c = 0;
  for (i = 0; i < len; i++)
    if ((s[i] & 0xC0) != 0x80) c++;
  return c;
}

static ifm_yaml_node node_at(yaml_mark_t m, ifm_yaml_type type) {
  ifm_yaml_node n;
  memset(&n, 0, sizeof n);
  n.line = (uint32_t)m.line + 1;
  n.col = (unsigned)m.column + 1;
  n.type = type;
  return n;
}

/* A scalar's bytes are copied: the tree must not depend on the input. */
static void add_scalar(builder *b, const yaml_event_t *ev) {
  ifm_yaml *y = b->y;
  const unsigned char *v = ev->data.scalar.value;
  size_t len = ev->data.scalar.length, quotes = 0;
  yaml_scalar_style_t style = ev->data.scalar.style;
  ifm_yaml_node n = node_at(ev->start_mark, IFM_YAML_SCALAR);
  char *bytes;
  if (memchr(v, 0, len)) n.flags |= IFM_YAML_NUL;
  if (len < sizeof n.text && !(n.flags & IFM_YAML_NUL)) {
    memcpy(n.text, v, len);   /* node_at zeroed the rest */
    n.flags |= IFM_YAML_INLINE;
  } else {
    bytes = b->oom || len >= UINT32_MAX - y->n_bytes
                ? NULL : grow(y->bytes, &b->cap_bytes, (size_t)y->n_bytes + len + 1, 1, 4096);
    if (!bytes) {
      b->oom = 1;
      return;
    }
    y->bytes = bytes;
    n.off = y->n_bytes;
    n.len = (uint32_t)len;
    memcpy(y->bytes + y->n_bytes, v, len);
    y->bytes[y->n_bytes + len] = '\0';
    y->n_bytes += (uint32_t)len + 1;
  }
  if (style == YAML_PLAIN_SCALAR_STYLE) n.flags |= IFM_YAML_PLAIN;
  /* Escapes and folding always make the source longer than the value, so
   * equal widths mean the value is the source character for character. */
  if (ev->start_mark.line == ev->end_mark.line &&
      (style == YAML_PLAIN_SCALAR_STYLE || style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
       style == YAML_DOUBLE_QUOTED_SCALAR_STYLE)) {
    quotes = style == YAML_PLAIN_SCALAR_STYLE ? 0 : 1;
    if (ev->end_mark.column - ev->start_mark.column == utf8_chars(v, len) + 2 * quotes)
      n.flags |= IFM_YAML_EXACT | (quotes ? IFM_YAML_QUOTED : 0);
  }
  push(b, &n);
}

/* Appends k nodes to the tree, in blocks; 0, or -1 when out of memory. */
static int append(builder *b, const ifm_yaml_node *n, size_t k) {
  ifm_yaml *y = b->y;
  while (k) {
    uint32_t at = y->n_nodes & (IFM_YAML_BLOCK - 1);
    size_t room = IFM_YAML_BLOCK - at, take = k < room ? k : room;
    if (at == 0) {   /* a new block */
      ifm_yaml_node **v = grow(y->blocks, &b->cap_blocks, (size_t)y->n_blocks + 1, sizeof *v, 16);
      if (!v) return -1;
      y->blocks = v;
      if (!(v[y->n_blocks] = malloc(IFM_YAML_BLOCK * sizeof *n))) return -1;
      y->n_blocks++;
    }
    memcpy(&y->blocks[y->n_blocks - 1][at], n, take * sizeof *n);
    y->n_nodes += (uint32_t)take;
    n += take;
    k -= take;
  }
  return 0;
}

/* The open list or mapping ends: its children move into the tree. */
static void close_container(builder *b) {
  frame *f = &b->open[--b->depth];
  size_t k = b->n_scratch - f->first;
  f->node.off = b->y->n_nodes;
  f->node.len = (uint32_t)k;
  if (b->oom || (k && append(b, b->scratch + f->first, k) != 0)) {   /* an empty one may come first */
    b->oom = 1;
    return;
  }
  b->n_scratch = f->first;
  push(b, &f->node);
}

/* Returns 1 when the stream is done (its end, or an error that stops it). */
static int on_event(builder *b, const yaml_event_t *ev, int *docs) {
  ifm_yaml *y = b->y;
  switch (ev->type) {
    case YAML_STREAM_END_EVENT: return 1;
    case YAML_DOCUMENT_START_EVENT:
      if (++*docs > 1) {
        error_mark(y, ev->start_mark, "only one YAML document is allowed per file");
        return 1;
      }
      return 0;
    case YAML_ALIAS_EVENT: {
      ifm_yaml_node n = node_at(ev->start_mark, IFM_YAML_SCALAR);
      error_mark(y, ev->start_mark, "aliases are not allowed ('*%s')", (const char *)ev->data.alias.anchor);
      n.flags = IFM_YAML_INLINE;   /* "": a stand-in, so mappings keep their pairs; the file is refused */
      push(b, &n);
      return 0;
    }
    case YAML_SCALAR_EVENT:
      event_props(y, ev, ev->data.scalar.anchor, ev->data.scalar.tag);
      add_scalar(b, ev);
      return 0;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
      if (ev->type == YAML_SEQUENCE_START_EVENT)
        event_props(y, ev, ev->data.sequence_start.anchor, ev->data.sequence_start.tag);
      else
        event_props(y, ev, ev->data.mapping_start.anchor, ev->data.mapping_start.tag);
      if (b->depth >= IFM_YAML_MAX_DEPTH) {
        error_mark(y, ev->start_mark, "nesting deeper than %d levels", IFM_YAML_MAX_DEPTH);
        return 1;
      }
      b->open[b->depth].node =
          node_at(ev->start_mark, ev->type == YAML_SEQUENCE_START_EVENT ? IFM_YAML_LIST : IFM_YAML_MAP);
      b->open[b->depth++].first = b->n_scratch;
      return 0;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
      if (b->depth > 0) close_container(b);
      return 0;
    default: return 0;
  }
}

static int build(builder *b) {
  ifm_yaml *y = b->y;
  yaml_parser_t p;
  yaml_event_t ev;
  int docs = 0, done = 0;
  size_t before = y->n_errors;
  if (!yaml_parser_initialize(&p)) return ifm_yaml_oom(y, NULL);
  yaml_parser_set_input_string(&p, (const unsigned char *)b->buf, b->len);
  while (!done) {
    if (!yaml_parser_parse(&p, &ev)) {
      parser_error(y, &p, b->buf, b->len);
      break;
    }
    done = on_event(b, &ev, &docs);
    yaml_event_delete(&ev);
  }
  yaml_parser_delete(&p);
  if (y->n_errors == before && b->oom) ifm_yaml_oom(y, NULL);
  return y->n_errors > before ? -1 : 0;
}

/* ---- gate 3: mapping keys ---- */

typedef struct key_ref {
  const ifm_yaml_node *key;
  const char *s;
  size_t len, idx;
} key_ref;

static int key_ref_cmp(const void *a, const void *b) {
  const key_ref *x = a, *z = b;
  int c = memcmp(x->s, z->s, x->len < z->len ? x->len : z->len);
  if (c) return c;
  if (x->len != z->len) return x->len < z->len ? -1 : 1;
  return x->idx < z->idx ? -1 : x->idx > z->idx;
}

static void keys_check_map(ifm_yaml *y, const ifm_yaml_node *map) {
  size_t n = ifm_yaml_count(map), k = 0, i, first = 0;
  key_ref *refs;
  if (n < 1) return;
  if (!(refs = calloc(n, sizeof *refs))) {
    ifm_yaml_oom(y, map);
    return;
  }
  for (i = 0; i < n; i++) {
    const ifm_yaml_node *key = ifm_yaml_key(y, map, i);
    if (key->type != IFM_YAML_SCALAR) {
      ifm_yaml_error(y, key, "a mapping key must be a plain string, not %s", ifm_yaml_kind(y, key));
      continue;
    }
    refs[k].key = key;
    refs[k].s = ifm_yaml_scalar(y, key);
    refs[k].len = ifm_yaml_scalar_len(key);
    refs[k].idx = k;
    k++;
  }
  qsort(refs, k, sizeof *refs, key_ref_cmp);
  for (i = 1; i < k; i++) {
    const ifm_yaml_node *a = refs[first].key, *b = refs[i].key;
    if (refs[first].len != refs[i].len || memcmp(refs[first].s, refs[i].s, refs[i].len) != 0) {
      first = i;
      continue;
    }
    ifm_yaml_error(y, b, "duplicate key '%s' (first at line %d, column %d)", refs[i].s, (int)a->line,
                   (int)a->col);
  }
  free(refs);
}

/* In document order: a mapping's own keys, then what each pair holds. */
static void keys_check(ifm_yaml *y, const ifm_yaml_node *n) {
  size_t i;
  if (n->type == IFM_YAML_SCALAR) return;
  if (n->type == IFM_YAML_MAP) keys_check_map(y, n);
  for (i = 0; i < n->len; i++) keys_check(y, ifm_yaml_item(y, n, i));
}

/* ---- parsing ---- */

int ifm_yaml_parse(ifm_yaml *y, const char *file, const char *buf, size_t len, ifm_errors *err) {
  ifm_pos top = {file, 1, 1};
  const ifm_yaml_node *root;
  builder b;
  size_t before;
  int rc;
  memset(y, 0, sizeof *y);
  y->file = file;
  y->err = err;
  if (len > IFM_LOAD_MAX_BYTES) {
    ifm_yaml_error_pos(y, &top, "file too large (%zu bytes; the limit is %d)", len, IFM_LOAD_MAX_BYTES);
    return -1;
  }
  memset(&b, 0, sizeof b);
  b.y = y;
  b.buf = buf;
  b.len = len;
  rc = build(&b);
  if (rc == 0 && b.n_scratch == 1 && b.depth == 0) {   /* the root, last of all */
    if (append(&b, b.scratch, 1) != 0)
      rc = ifm_yaml_oom(y, NULL);
    else
      y->root = ifm_yaml_at(y, y->n_nodes - 1);
  }
  free(b.scratch);
  if (rc != 0) return -1;
  root = y->root;
  if (!root || (root->type == IFM_YAML_SCALAR && ifm_yaml_scalar_len(root) == 0 && (root->flags & IFM_YAML_PLAIN))) {
    ifm_yaml_error_pos(y, &top, "empty file");
    return -1;
  }
  before = y->n_errors;
  keys_check(y, root);
  return y->n_errors > before ? -1 : 0;
}

void ifm_yaml_release(ifm_yaml *y, const ifm_yaml_node *n) {
  uint32_t end;
  if (!n || n->type == IFM_YAML_SCALAR) return;
  end = (n->off + n->len) >> IFM_YAML_BLOCK_BITS;   /* the blocks wholly before n's end */
  for (; y->n_released < end && y->n_released < y->n_blocks; y->n_released++) {
    free(y->blocks[y->n_released]);
    y->blocks[y->n_released] = NULL;
  }
}

void ifm_yaml_done(ifm_yaml *y) {
  uint32_t i;
  for (i = 0; i < y->n_blocks; i++) free(y->blocks[i]);
  free(y->blocks);
  free(y->bytes);
  y->blocks = NULL;
  y->bytes = NULL;
  y->root = NULL;
  y->n_blocks = y->n_released = y->n_nodes = y->n_bytes = 0;
}
