/* json_check.c: the strict JSON validator (see json_check.h). Recursive
 * descent over the RFC 8259 grammar, one function per rule. */
#include "json_check.h"

typedef struct jc {
  const unsigned char *s;
  size_t len, i;
  int depth;
} jc;

static int value(jc *c);

/* Length of the valid UTF-8 sequence at s[0..len), or 0 when there is none. */
static size_t utf8_seq(const unsigned char *s, size_t len) {
  unsigned char b = s[0], lo = 0x80, hi = 0xbf;
  size_t n, k;
  if (b < 0x80) return 1;
  if (b >= 0xc2 && b <= 0xdf) n = 2;
  else if (b >= 0xe0 && b <= 0xef) n = 3;
  else if (b >= 0xf0 && b <= 0xf4) n = 4;
  else return 0;                              /* continuation, C0/C1 overlong, > F4 */
  if (b == 0xe0) lo = 0xa0;                   /* overlong 3-byte */
  if (b == 0xed) hi = 0x9f;                   /* surrogates */
  if (b == 0xf0) lo = 0x90;                   /* overlong 4-byte */
  if (b == 0xf4) hi = 0x8f;                   /* above U+10FFFF */
  if (len < n || s[1] < lo || s[1] > hi) return 0;
  for (k = 2; k < n; k++)
    if (s[k] < 0x80 || s[k] > 0xbf) return 0;
  return n;
}

int json_check_utf8(const char *s, size_t len, size_t *where) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0, n;
  while (i < len) {
    if ((n = utf8_seq(u + i, len - i)) == 0) {
      if (where) *where = i;
      return -1;
    }
    i += n;
  }
  return 0;
}

static void ws(jc *c) {
  while (c->i < c->len && (c->s[c->i] == ' ' || c->s[c->i] == '\t' || c->s[c->i] == '\n' ||
                           c->s[c->i] == '\r'))
    c->i++;
}

static int lit(jc *c, const char *w) {
  for (; *w; w++, c->i++)
    if (c->i >= c->len || c->s[c->i] != (unsigned char)*w) return -1;
  return 0;
}

static int hex4(jc *c, unsigned *out) {
  int k;
  *out = 0;
  for (k = 0; k < 4; k++, c->i++) {
    unsigned char h;
    if (c->i >= c->len) return -1;
    h = c->s[c->i];
    if (h >= '0' && h <= '9') *out = *out * 16 + (h - '0');
    else if (h >= 'a' && h <= 'f') *out = *out * 16 + (h - 'a' + 10);
    else if (h >= 'A' && h <= 'F') *out = *out * 16 + (h - 'A' + 10);
    else return -1;
  }
  return 0;
}

static int string(jc *c) {
  size_t n;
  if (c->i >= c->len || c->s[c->i] != '"') return -1;
  c->i++;
  while (c->i < c->len) {
    unsigned char b = c->s[c->i];
    unsigned u, lo;
    if (b == '"') return c->i++, 0;
    if (b < 0x20) return -1;                   /* raw control character */
    if (b != '\\') {
      if ((n = utf8_seq(c->s + c->i, c->len - c->i)) == 0) return -1;
      c->i += n;
      continue;
    }
    if (++c->i >= c->len) return -1;
    b = c->s[c->i++];
    if (b != 'u') {
      if (b != '"' && b != '\\' && b != '/' && b != 'b' && b != 'f' && b != 'n' && b != 'r' &&
          b != 't')
        return -1;
      continue;
    }
    if (hex4(c, &u) != 0) return -1;
    if (u >= 0xdc00 && u <= 0xdfff) return -1; /* a low surrogate alone */
    if (u >= 0xd800 && u <= 0xdbff) {          /* a high one needs a low one */
      if (lit(c, "\\u") != 0 || hex4(c, &lo) != 0 || lo < 0xdc00 || lo > 0xdfff) return -1;
    }
  }
  return -1;
}

static int digits(jc *c) {
  size_t start = c->i;
  while (c->i < c->len && c->s[c->i] >= '0' && c->s[c->i] <= '9') c->i++;
  return c->i > start ? 0 : -1;
}

static int number(jc *c) {
  if (c->i < c->len && c->s[c->i] == '-') c->i++;
  if (c->i < c->len && c->s[c->i] == '0') c->i++;
  else if (c->i >= c->len || c->s[c->i] < '1' || c->s[c->i] > '9' || digits(c) != 0) return -1;
  if (c->i < c->len && c->s[c->i] == '.' && (c->i++, digits(c) != 0)) return -1;
  if (c->i < c->len && (c->s[c->i] == 'e' || c->s[c->i] == 'E')) {
    c->i++;
    if (c->i < c->len && (c->s[c->i] == '+' || c->s[c->i] == '-')) c->i++;
    if (digits(c) != 0) return -1;
  }
  return 0;
}

/* object or array: open ws [ member *( ws "," ws member ) ] ws close */
static int container(jc *c, unsigned char close) {
  int first = 1;
  if (++c->depth > JSON_CHECK_MAX_DEPTH) return -1;
  c->i++;
  for (;;) {
    ws(c);
    if (c->i < c->len && c->s[c->i] == close && first) break;
    if (!first) {
      if (c->i < c->len && c->s[c->i] == close) break;
      if (c->i >= c->len || c->s[c->i] != ',') return -1;
      c->i++;
      ws(c);
    }
    first = 0;
    if (close == '}') {
      if (string(c) != 0) return -1;
      ws(c);
      if (c->i >= c->len || c->s[c->i] != ':') return -1;
      c->i++;
      ws(c);
    }
    if (value(c) != 0) return -1;
  }
  c->i++;
  c->depth--;
  return 0;
}

static int value(jc *c) {
  if (c->i >= c->len) return -1;
  switch (c->s[c->i]) {
    case '{': return container(c, '}');
    case '[': return container(c, ']');
    case '"': return string(c);
    case 't': return lit(c, "true");
    case 'f': return lit(c, "false");
    case 'n': return lit(c, "null");
    default: return number(c);
  }
}

int json_check(const char *s, size_t len, size_t *where) {
  jc c;
  c.s = (const unsigned char *)s;
  c.len = len;
  c.i = 0;
  c.depth = 0;
  ws(&c);
  if (value(&c) == 0) {
    ws(&c);
    if (c.i == len) return 0;
  }
  if (where) *where = c.i;
  return -1;
}
