/* ifm_patch.c: applies the application/x-ifm-patch format (see ifm_patch.h)
 * to a copy of the representation, so a failure part way leaves the stored
 * one untouched.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ifm_patch.h"

typedef struct work {
  char *p;
  size_t len, cap;
} work;

static int work_reserve(work *w, size_t more) {
  size_t cap;
  char *np;

  if (more > SIZE_MAX / 2 - w->len) return -1;
  if (w->len + more <= w->cap) return 0;
  cap = w->cap ? w->cap : 64;
  while (cap < w->len + more) cap *= 2;
  np = realloc(w->p, cap);
  if (!np) return -1;
  w->p = np;
  w->cap = cap;
  return 0;
}

static int work_insert(work *w, size_t at, const char *s, size_t n) {
  if (work_reserve(w, n) != 0) return -1;
  memmove(w->p + at + n, w->p + at, w->len - at);
  if (n) memcpy(w->p + at, s, n);
  w->len += n;
  return 0;
}

static int contains(const work *w, const char *s, size_t n) {
  size_t i;

  if (n == 0) return 1;
  if (n > w->len) return 0;
  for (i = 0; i + n <= w->len; i++)
    if (w->p[i] == s[0] && memcmp(w->p + i, s, n) == 0) return 1;
  return 0;
}

/* Matches "<verb> " at the start of a line; sets *text to what follows. */
static int verb(const char *line, size_t len, const char *name, const char **text, size_t *tlen) {
  size_t n = strlen(name);

  if (len < n + 1 || memcmp(line, name, n) != 0 || line[n] != ' ') return 0;
  *text = line + n + 1;
  *tlen = len - n - 1;
  return 1;
}

int ifm_patch_is_type(const char *ctype, size_t len) {
  size_t n = strlen(IFM_PATCH_TYPE);

  if (!ctype) return 0;
  while (len && (*ctype == ' ' || *ctype == '\t')) {
    ctype++;
    len--;
  }
  if (len < n || strncasecmp(ctype, IFM_PATCH_TYPE, n) != 0) return 0;
  return len == n || ctype[n] == ';' || ctype[n] == ' ' || ctype[n] == '\t';
}

static ifm_patch_result run_lines(work *w, const char *body, size_t body_len, size_t *bad_line) {
  const char *p = body, *end = body + body_len;
  size_t lineno = 0;

  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *le = nl ? nl : end, *text;
    size_t len, tlen;

    lineno++;
    len = (size_t)(le - p);
    if (len && p[len - 1] == '\r') len--;
    if (len == 0) {
      /* empty line: skipped */
    } else if (verb(p, len, "append", &text, &tlen)) {
      if (work_insert(w, w->len, text, tlen) != 0) return IFM_PATCH_NOMEM;
    } else if (verb(p, len, "prepend", &text, &tlen)) {
      if (work_insert(w, 0, text, tlen) != 0) return IFM_PATCH_NOMEM;
    } else if (verb(p, len, "test", &text, &tlen)) {
      if (!contains(w, text, tlen)) {
        *bad_line = lineno;
        return IFM_PATCH_CONFLICT;
      }
    } else {
      *bad_line = lineno;
      return IFM_PATCH_MALFORMED;
    }
    if (!nl) break;
    p = nl + 1;
  }
  return IFM_PATCH_OK;
}

ifm_patch_result ifm_patch_apply(const ifm_blob *cur, const char *ctype, size_t ctype_len,
                                 const char *body, size_t body_len,
                                 ifm_blob **out, size_t *bad_line) {
  work w = {NULL, 0, 0};
  ifm_patch_result r = IFM_PATCH_OK;
  size_t cur_len = cur ? cur->len : 0;

  *out = NULL;
  *bad_line = 0;
  if (work_reserve(&w, cur_len + 1) != 0) return IFM_PATCH_NOMEM;
  if (cur_len) memcpy(w.p, cur->data, cur_len);
  w.len = cur_len;
  if (ifm_patch_is_type(ctype, ctype_len))
    r = run_lines(&w, body, body_len, bad_line);
  else if (work_insert(&w, w.len, body, body_len) != 0)
    r = IFM_PATCH_NOMEM;
  if (r == IFM_PATCH_OK) {
    *out = ifm_blob_alloc(w.len, cur ? cur->ctype : NULL, cur ? strlen(cur->ctype) : 0);
    if (*out) {
      if (w.len) memcpy((*out)->data, w.p, w.len);
    } else {
      r = IFM_PATCH_NOMEM;
    }
  }
  free(w.p);
  return r;
}
