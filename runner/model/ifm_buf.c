/* ifm_buf.c: see ifm_buf.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include "ifm_buf.h"

static int buf_reserve(ifm_buf *b, size_t extra) {
  size_t need, cap;
  char *p;
  if (extra > SIZE_MAX - b->len - 1) return -1;
  need = b->len + extra + 1;
  if (need <= b->cap) return 0;
  cap = b->cap ? b->cap : 64;
  while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
  p = realloc(b->p, cap);
  if (!p) return -1;
  b->p = p;
  b->cap = cap;
  return 0;
}

int ifm_buf_append(ifm_buf *b, const void *data, size_t len) {
  if (buf_reserve(b, len) != 0) return -1;
  if (len) memcpy(b->p + b->len, data, len);
  b->len += len;
  b->p[b->len] = '\0';
  return 0;
}

int ifm_buf_puts(ifm_buf *b, const char *s) { return ifm_buf_append(b, s, strlen(s)); }

int ifm_buf_putc(ifm_buf *b, char c) { return ifm_buf_append(b, &c, 1); }

int ifm_buf_vprintf(ifm_buf *b, const char *fmt, va_list ap) {
  va_list ap2;
  int n;
  va_copy(ap2, ap);
  n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0 || buf_reserve(b, (size_t)n) != 0) return -1;
  vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
  b->len += (size_t)n;
  return 0;
}

int ifm_buf_printf(ifm_buf *b, const char *fmt, ...) {
  va_list ap;
  int rc;
  va_start(ap, fmt);
  rc = ifm_buf_vprintf(b, fmt, ap);
  va_end(ap);
  return rc;
}

void ifm_buf_reset(ifm_buf *b) {
  b->len = 0;
  if (b->p) b->p[0] = '\0';
}

void ifm_buf_clear(ifm_buf *b) {
  free(b->p);
  b->p = NULL;
  b->len = b->cap = 0;
}

char *ifm_buf_detach(ifm_buf *b) {
  char *p = b->p;
  if (!p) p = calloc(1, 1);
  b->p = NULL;
  b->len = b->cap = 0;
  return p;
}

const char *ifm_buf_str(const ifm_buf *b) { return b->p ? b->p : ""; }

char *ifm_strdup(const char *s) { return s ? ifm_strndup(s, strlen(s)) : NULL; }

char *ifm_strndup(const char *s, size_t n) {
  char *p = malloc(n + 1);
  if (!p) return NULL;
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

void *ifm_xrealloc_array(void *p, size_t *cap, size_t need, size_t elem) {
  size_t c = *cap ? *cap : 4;
  void *q;
  if (need <= *cap) return p;
  while (c < need) {
    if (c > SIZE_MAX / 2) return NULL;
    c *= 2;
  }
  if (elem && c > SIZE_MAX / elem) return NULL;
  q = realloc(p, c * elem);
  if (!q) return NULL;
  *cap = c;
  return q;
}

unsigned long long ifm_hash64(const void *data, size_t len) {
  const unsigned char *p = data;
  unsigned long long h = 0xcbf29ce484222325ULL;
  size_t i;
  for (i = 0; i < len; i++) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}
