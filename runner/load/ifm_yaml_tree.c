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
 *
 * Positions are the loader's own (ifm_yaml.h, "Positions"), not libyaml's:
 * its marks count characters, break lines at NEL, LS and PS as well, put the
 * end of a file without a final newline on a line that is not there, and
 * its reader reports invalid UTF-8 where decoding gave up, not where the
 * broken sequence starts. So the bytes are checked for UTF-8 here first,
 * and of a mark only mark.index (characters from the start, after the BOM)
 * is used: a cursor walks the bytes to it.
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

/* Where libyaml's character index mark.index is in the bytes. The bytes
 * are valid UTF-8 (utf8_check) and libyaml counts one character for each
 * sequence (CR LF is two), so characters are counted by their first bytes.
 * Events come in document order, so the cursor mostly walks forward; a mark
 * before it (an empty scalar, the context of a parser error) walks it back. */
typedef struct cursor {
  const unsigned char *buf;
  size_t len, start;        /* start: 3 after a UTF-8 BOM, else 0 */
  size_t index, byte;       /* a character index and where it starts */
  size_t line, line_start;  /* byte's line (1-based) and where that starts */
} cursor;

typedef struct builder {
  ifm_yaml *y;
  const char *buf;
  size_t len;
  cursor at;
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

/* ---- positions ---- */

#define UTF8_BOM "\xEF\xBB\xBF"

static void cursor_init(cursor *c, const char *buf, size_t len) {
  c->buf = (const unsigned char *)buf;
  c->len = len;
  c->start = len >= 3 && memcmp(buf, UTF8_BOM, 3) == 0 ? 3 : 0;
  c->index = 0;
  c->byte = c->line_start = c->start;
  c->line = 1;
}

/* 1 when byte i ends a line: LF, or CR but not the CR of CR LF. */
static int line_end_at(const cursor *c, size_t i) {
  return c->buf[i] == '\n' || (c->buf[i] == '\r' && (i + 1 >= c->len || c->buf[i + 1] != '\n'));
}

static void cursor_forward(cursor *c) {   /* over one character */
  size_t i = c->byte;
  if (line_end_at(c, i)) {
    c->line++;
    c->line_start = i + 1;
  }
  for (i++; i < c->len && (c->buf[i] & 0xC0) == 0x80; i++) {}
  c->byte = i;
  c->index++;
}

static void cursor_back(cursor *c) {   /* onto the character before */
  size_t i = c->byte - 1;
  while (i > c->start && (c->buf[i] & 0xC0) == 0x80) i--;
  c->byte = i;
  c->index--;
  if (line_end_at(c, i)) {   /* the line it ends: where does that start? */
    c->line--;
    while (i > c->start && !line_end_at(c, i - 1)) i--;
    c->line_start = i;
  }
}

/* The position of character index (libyaml's mark.index); the end of the
 * file for an index past it. */
static ifm_pos pos_of_index(builder *b, size_t index) {
  cursor *c = &b->at;
  ifm_pos p;
  if (index < c->index && index < c->index - index) cursor_init(c, b->buf, b->len);   /* nearer the start */
  while (c->index > index && c->byte > c->start) cursor_back(c);
  while (c->index < index && c->byte < c->len) cursor_forward(c);
  p.file = b->y->file;
  p.line = (int)c->line;
  p.col = (int)(c->byte - c->line_start) + 1;
  return p;
}

/* The position of byte off of buf (which need not be valid UTF-8). */
static ifm_pos pos_of_byte(const char *file, const char *buf, size_t len, size_t off) {
  cursor c;
  size_t i;
  ifm_pos p;
  cursor_init(&c, buf, len);
  if (off > len) off = len;
  for (i = c.start; i < off; i++)
    if (line_end_at(&c, i)) c.line++, c.line_start = i + 1;
  p.file = file;
  p.line = (int)c.line;
  p.col = off > c.line_start ? (int)(off - c.line_start) + 1 : 1;
  return p;
}

/* 0 when s is well-formed UTF-8 (Unicode 15.0, table 3-7: no overlong
 * forms, no surrogates, nothing above U+10FFFF); else -1 with *at the first
 * byte of the first ill-formed sequence (the byte a decoder stops at, as
 * Python and iconv report it) and why it is ill-formed. */
static int utf8_check(const unsigned char *s, size_t len, size_t *at, char *why, size_t size) {
  size_t i = 0, j, k, n, used;
  while (i < len) {
    unsigned char b = s[i], lo = 0x80, hi = 0xBF;
    if (b < 0x80) {
      i++;
      continue;
    }
    *at = i;
    if (b < 0xC0 || b > 0xF4) {
      snprintf(why, size, "invalid leading UTF-8 octet 0x%02X (%s)", b,
               b < 0xC0 ? "a continuation byte with no sequence to continue" : "never used in UTF-8");
      return -1;
    }
    if (b < 0xC2) {
      snprintf(why, size, "invalid leading UTF-8 octet 0x%02X (it can only start an overlong encoding)", b);
      return -1;
    }
    n = b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    if (b == 0xE0) lo = 0xA0;        /* E0 80..9F: overlong */
    if (b == 0xED) hi = 0x9F;        /* ED A0..BF: a surrogate */
    if (b == 0xF0) lo = 0x90;        /* F0 80..8F: overlong */
    if (b == 0xF4) hi = 0x8F;        /* F4 90..BF: above U+10FFFF */
    for (k = 1; k < n; k++) {
      unsigned char c = i + k < len ? s[i + k] : 0;
      int in_range = c >= (k == 1 ? lo : 0x80) && c <= (k == 1 ? hi : 0xBF);
      if (i + k < len && in_range) continue;
      if (i + k < len && (c & 0xC0) == 0x80) {   /* k == 1: a continuation byte, out of range */
        snprintf(why, size, "invalid UTF-8 sequence 0x%02X 0x%02X (%s)", b, c,
                 b == 0xED ? "a UTF-16 surrogate, U+D800 to U+DFFF"
                 : b == 0xF4 ? "above U+10FFFF" : "an overlong encoding");
        return -1;
      }
      used = (size_t)snprintf(why, size, "incomplete UTF-8 sequence");
      for (j = 0; j < k && used < size; j++) used += (size_t)snprintf(why + used, size - used, " 0x%02X", s[i + j]);
      if (used >= size) return -1;
      if (i + k < len)
        snprintf(why + used, size - used, " (a %zu-byte sequence; 0x%02X after it is not a continuation byte)", n, c);
      else
        snprintf(why + used, size - used, " (a %zu-byte sequence; the file ends after %zu of its bytes)", n, k);
      return -1;
    }
    i += n;
  }
  return 0;
}

/* ---- errors at libyaml marks ---- */

static void error_mark(builder *b, yaml_mark_t m, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void error_mark(builder *b, yaml_mark_t m, const char *fmt, ...) {
  ifm_pos p = pos_of_index(b, m.index);
  va_list ap;
  b->y->n_errors++;
  va_start(ap, fmt);
  ifm_errors_vadd(b->y->err, &p, fmt, ap);
  va_end(ap);
}

static void parser_error(builder *b, const yaml_parser_t *p) {
  const char *problem = p->problem ? p->problem : "invalid YAML";
  ifm_pos at;
  if (p->error == YAML_MEMORY_ERROR) {
    ifm_yaml_oom(b->y, NULL);
    return;
  }
  if (p->error == YAML_READER_ERROR) {   /* a byte offset, from the file's start (the BOM too) */
    at = pos_of_byte(b->y->file, b->buf, b->len, p->problem_offset);
    if (p->problem_value >= 0)
      ifm_yaml_error_pos(b->y, &at, "%s (U+%04X)", problem, (unsigned)p->problem_value);
    else
      ifm_yaml_error_pos(b->y, &at, "%s", problem);
    return;
  }
  if (p->context) {
    ifm_pos ctx = pos_of_index(b, p->context_mark.index);
    error_mark(b, p->problem_mark, "%s (%s at line %d, column %d)", problem, p->context, ctx.line, ctx.col);
  } else {
    error_mark(b, p->problem_mark, "%s", problem);
  }
}

static void event_props(builder *b, const yaml_event_t *ev, const yaml_char_t *anchor,
                        const yaml_char_t *tag) {
  if (anchor) error_mark(b, ev->start_mark, "anchors are not allowed ('&%s')", (const char *)anchor);
  if (tag) {
    const char *t = (const char *)tag, *std = "tag:yaml.org,2002:";
    int is_std = strncmp(t, std, strlen(std)) == 0;
    error_mark(b, ev->start_mark, "tags are not allowed ('%s%s'); quote the value instead", is_std ? "!!" : "",
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

static ifm_yaml_node node_at(builder *b, yaml_mark_t m, ifm_yaml_type type) {
  ifm_pos p = pos_of_index(b, m.index);
  ifm_yaml_node n;
  memset(&n, 0, sizeof n);
  n.line = (uint32_t)p.line;
  n.col = (unsigned)p.col;
  n.type = type;
  return n;
}

/* A scalar's bytes are copied: the tree must not depend on the input. */
static void add_scalar(builder *b, const yaml_event_t *ev) {
  ifm_yaml *y = b->y;
  const unsigned char *v = ev->data.scalar.value;
  size_t len = ev->data.scalar.length, quotes, from, to;
  yaml_scalar_style_t style = ev->data.scalar.style;
  ifm_yaml_node n = node_at(b, ev->start_mark, IFM_YAML_SCALAR);
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
  /* EXACT: the source between the marks (less the quotes) is the value byte
   * for byte, so byte k of the value is k bytes (plus a quote) into the
   * node's column. Escapes and folding make the source differ; a line break
   * in the source never survives into the value unchanged. */
  if (style == YAML_PLAIN_SCALAR_STYLE || style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
      style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
    quotes = style == YAML_PLAIN_SCALAR_STYLE ? 0 : 1;
    pos_of_index(b, ev->start_mark.index);
    from = b->at.byte + quotes;
    pos_of_index(b, ev->end_mark.index);
    to = b->at.byte;
    if (to >= from + quotes && to - from - quotes == len && memcmp(b->buf + from, v, len) == 0)
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
  switch (ev->type) {
    case YAML_STREAM_END_EVENT: return 1;
    case YAML_DOCUMENT_START_EVENT:
      if (++*docs > 1) {
        error_mark(b, ev->start_mark, "only one YAML document is allowed per file");
        return 1;
      }
      return 0;
    case YAML_ALIAS_EVENT: {
      ifm_yaml_node n = node_at(b, ev->start_mark, IFM_YAML_SCALAR);
      error_mark(b, ev->start_mark, "aliases are not allowed ('*%s')", (const char *)ev->data.alias.anchor);
      n.flags = IFM_YAML_INLINE;   /* "": a stand-in, so mappings keep their pairs; the file is refused */
      push(b, &n);
      return 0;
    }
    case YAML_SCALAR_EVENT:
      event_props(b, ev, ev->data.scalar.anchor, ev->data.scalar.tag);
      add_scalar(b, ev);
      return 0;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
      if (ev->type == YAML_SEQUENCE_START_EVENT)
        event_props(b, ev, ev->data.sequence_start.anchor, ev->data.sequence_start.tag);
      else
        event_props(b, ev, ev->data.mapping_start.anchor, ev->data.mapping_start.tag);
      if (b->depth >= IFM_YAML_MAX_DEPTH) {
        error_mark(b, ev->start_mark, "nesting deeper than %d levels", IFM_YAML_MAX_DEPTH);
        return 1;
      }
      b->open[b->depth].node =
          node_at(b, ev->start_mark, ev->type == YAML_SEQUENCE_START_EVENT ? IFM_YAML_LIST : IFM_YAML_MAP);
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
  cursor_init(&b->at, b->buf, b->len);
  while (!done) {
    if (!yaml_parser_parse(&p, &ev)) {
      parser_error(b, &p);
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
  ifm_pos top = {file, 1, 1}, at;
  const ifm_yaml_node *root;
  builder b;
  size_t before, bad;
  char why[160];
  int rc;
  memset(y, 0, sizeof *y);
  y->file = file;
  y->err = err;
  if (len > IFM_LOAD_MAX_BYTES) {
    ifm_yaml_error_pos(y, &top, "file too large (%zu bytes; the limit is %d)", len, IFM_LOAD_MAX_BYTES);
    return -1;
  }
  /* Files are UTF-8 (libyaml would decode UTF-16 after its byte order mark,
   * and positions count UTF-8 bytes); the first ill-formed byte is reported
   * here, where it is, before libyaml's reader meets it. */
  if (len >= 2 && (memcmp(buf, "\xFF\xFE", 2) == 0 || memcmp(buf, "\xFE\xFF", 2) == 0)) {
    ifm_yaml_error_pos(y, &top, "the file starts with a UTF-16 byte order mark: save it as UTF-8");
    return -1;
  }
  if (utf8_check((const unsigned char *)buf, len, &bad, why, sizeof why) != 0) {
    at = pos_of_byte(file, buf, len, bad);
    ifm_yaml_error_pos(y, &at, "%s", why);
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
