/* ifm_json_read.c: see ifm_json_read.h. Recursive descent, bounded depth. */
#include <stdlib.h>
#include <string.h>
#include "ifm_buf.h"
#include "ifm_json_read.h"

#define JSON_MAX_DEPTH 64

typedef struct jp {
  const char *p, *end, *line_start;
  int line;
  ifm_jerr *err;
} jp;

static int fail(jp *j, const char *msg) {
  if (j->err && !j->err->msg) {
    j->err->line = j->line;
    j->err->col = (int)(j->p - j->line_start) + 1;
    j->err->msg = msg;
  }
  return -1;
}

static void skip_ws(jp *j) {
  while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')) {
    if (*j->p == '\n') {
      j->line++;
      j->line_start = j->p + 1;
    }
    j->p++;
  }
}

static int hex4(const char *s, unsigned *out) {
  unsigned v = 0;
  int i;
  for (i = 0; i < 4; i++) {
    char c = s[i];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
    else return -1;
  }
  *out = v;
  return 0;
}

static void put_utf8(ifm_buf *b, unsigned cp) {
  char u[4];
  if (cp < 0x80) { u[0] = (char)cp; ifm_buf_append(b, u, 1); }
  else if (cp < 0x800) { u[0] = (char)(0xC0 | cp >> 6); u[1] = (char)(0x80 | (cp & 0x3F)); ifm_buf_append(b, u, 2); }
  else if (cp < 0x10000) {
    u[0] = (char)(0xE0 | cp >> 12); u[1] = (char)(0x80 | ((cp >> 6) & 0x3F)); u[2] = (char)(0x80 | (cp & 0x3F));
    ifm_buf_append(b, u, 3);
  } else {
    u[0] = (char)(0xF0 | cp >> 18); u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); u[3] = (char)(0x80 | (cp & 0x3F));
    ifm_buf_append(b, u, 4);
  }
}

static int parse_string(jp *j, char **out, size_t *olen) {
  ifm_buf b = IFM_BUF_INIT;
  j->p++;                                   /* the opening quote */
  while (j->p < j->end && *j->p != '"') {
    unsigned char c = (unsigned char)*j->p;
    if (c < 0x20) { ifm_buf_clear(&b); return fail(j, "control character in a string"); }
    if (c != '\\') { ifm_buf_putc(&b, (char)c); j->p++; continue; }
    if (j->end - j->p < 2) break;
    switch (j->p[1]) {
      case '"': ifm_buf_putc(&b, '"'); break;
      case '\\': ifm_buf_putc(&b, '\\'); break;
      case '/': ifm_buf_putc(&b, '/'); break;
      case 'b': ifm_buf_putc(&b, '\b'); break;
      case 'f': ifm_buf_putc(&b, '\f'); break;
      case 'n': ifm_buf_putc(&b, '\n'); break;
      case 'r': ifm_buf_putc(&b, '\r'); break;
      case 't': ifm_buf_putc(&b, '\t'); break;
      case 'u': {
        unsigned cp, lo;
        if (j->end - j->p < 6 || hex4(j->p + 2, &cp) != 0) { ifm_buf_clear(&b); return fail(j, "bad \\u escape"); }
        if (cp >= 0xD800 && cp < 0xDC00 && j->end - j->p >= 12 && j->p[6] == '\\' && j->p[7] == 'u' &&
            hex4(j->p + 8, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          j->p += 6;
        }
        put_utf8(&b, cp);
        j->p += 4;
        break;
      }
      default: ifm_buf_clear(&b); return fail(j, "unknown escape in a string");
    }
    j->p += 2;
  }
  if (j->p >= j->end) { ifm_buf_clear(&b); return fail(j, "unterminated string"); }
  j->p++;
  *olen = b.len;
  *out = ifm_buf_detach(&b);
  return *out ? 0 : fail(j, "out of memory");
}

static int parse_value(jp *j, ifm_jval *v, int depth);

static int parse_container(jp *j, ifm_jval *v, int depth, int is_obj) {
  size_t cap = 0, kcap = 0;
  char close = is_obj ? '}' : ']';
  v->type = is_obj ? IFM_J_OBJ : IFM_J_ARR;
  j->p++;
  skip_ws(j);
  if (j->p < j->end && *j->p == close) { j->p++; return 0; }
  for (;;) {
    ifm_jval *items;
    skip_ws(j);
    if (is_obj) {
      char **keys;
      size_t klen;
      if (j->p >= j->end || *j->p != '"') return fail(j, "expected a string key");
      keys = ifm_xrealloc_array(v->keys, &kcap, v->n + 1, sizeof *keys);
      if (!keys) return fail(j, "out of memory");
      v->keys = keys;
      keys[v->n] = NULL;
      if (parse_string(j, &keys[v->n], &klen) != 0) return -1;
      skip_ws(j);
      if (j->p >= j->end || *j->p != ':') { free(keys[v->n]); return fail(j, "expected ':'"); }
      j->p++;
    }
    items = ifm_xrealloc_array(v->items, &cap, v->n + 1, sizeof *items);
    if (!items) return fail(j, "out of memory");
    v->items = items;
    memset(&items[v->n], 0, sizeof *items);
    v->n++;
    if (parse_value(j, &items[v->n - 1], depth + 1) != 0) return -1;
    skip_ws(j);
    if (j->p < j->end && *j->p == ',') { j->p++; continue; }
    if (j->p < j->end && *j->p == close) { j->p++; return 0; }
    return fail(j, is_obj ? "expected ',' or '}'" : "expected ',' or ']'");
  }
}

static int parse_value(jp *j, ifm_jval *v, int depth) {
  if (depth > JSON_MAX_DEPTH) return fail(j, "nested too deeply");
  skip_ws(j);
  if (j->p >= j->end) return fail(j, "unexpected end of input");
  switch (*j->p) {
    case '{': return parse_container(j, v, depth, 1);
    case '[': return parse_container(j, v, depth, 0);
    case '"': v->type = IFM_J_STR; return parse_string(j, &v->s, &v->slen);
    case 't': case 'f': case 'n': {
      static const char *const words[] = {"true", "false", "null"};
      int w;
      for (w = 0; w < 3; w++) {
        size_t l = strlen(words[w]);
        if ((size_t)(j->end - j->p) >= l && memcmp(j->p, words[w], l) == 0) {
          v->type = w == 2 ? IFM_J_NULL : IFM_J_BOOL;
          v->b = w == 0;
          j->p += l;
          return 0;
        }
      }
      return fail(j, "unexpected word");
    }
    default: {
      char tmp[64], *endp;
      size_t n = 0;
      while (j->p + n < j->end && n < sizeof tmp - 1 && strchr("+-0123456789.eE", j->p[n])) n++;
      if (n == 0) return fail(j, "unexpected character");
      memcpy(tmp, j->p, n);
      tmp[n] = '\0';
      v->type = IFM_J_NUM;
      v->num = strtod(tmp, &endp);
      if (*endp) return fail(j, "bad number");
      j->p += n;
      return 0;
    }
  }
}

int ifm_json_parse(const char *buf, size_t len, ifm_jval *out, ifm_jerr *err) {
  jp j;
  memset(out, 0, sizeof *out);
  if (err) memset(err, 0, sizeof *err);
  j.p = j.line_start = buf;
  j.end = buf + len;
  j.line = 1;
  j.err = err;
  if (parse_value(&j, out, 0) == 0) {
    skip_ws(&j);
    if (j.p == j.end) return 0;
    fail(&j, "text after the JSON value");
  }
  ifm_json_clear(out);
  return -1;
}

void ifm_json_clear(ifm_jval *v) {
  size_t i;
  if (!v) return;
  for (i = 0; i < v->n; i++) {
    if (v->items) ifm_json_clear(&v->items[i]);
    if (v->keys) free(v->keys[i]);
  }
  free(v->items);
  free(v->keys);
  free(v->s);
  memset(v, 0, sizeof *v);
}

const ifm_jval *ifm_json_get(const ifm_jval *obj, const char *key) {
  size_t i;
  if (!obj || obj->type != IFM_J_OBJ) return NULL;
  for (i = 0; i < obj->n; i++)
    if (obj->keys[i] && strcmp(obj->keys[i], key) == 0) return &obj->items[i];
  return NULL;
}

const char *ifm_json_get_str(const ifm_jval *obj, const char *key) {
  const ifm_jval *v = ifm_json_get(obj, key);
  return v && v->type == IFM_J_STR ? v->s : NULL;
}
