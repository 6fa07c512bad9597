/* ifm_raw.c: a raw step's text to wire bytes (see ifm_raw.h).
 *
 * The text is cut the way ifm_tmpl.c cuts a template: literal text up to
 * "{{", "{{{{" for a literal "{{", and "{{...}}" up to the first "}}".
 * Escapes are decoded in the literal text (and in a repeat's TEXT) only.
 * {{content_length}} leaves a mark in the output that is filled once the
 * whole request is known; a mark counts as a byte when the end of the head
 * is looked for, so "\r\n{{content_length}}\r\n" is not a blank line.
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "ifm_raw.h"

int ifm_raw_builtin(const char *name, size_t len) {
  static const char *const names[] = {IFM_RAW_CONTENT_LENGTH, IFM_RAW_AUTHORITY, IFM_RAW_BASE_PATH,
                                      IFM_RAW_HEADERS};
  size_t i;
  for (i = 0; i < sizeof names / sizeof names[0]; i++)
    if (len == strlen(names[i]) && memcmp(name, names[i], len) == 0) return 1;
  return 0;
}

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* The state of one walk over a text: out is NULL when only checking. */
typedef struct raw_walk {
  const char *text;
  ifm_buf *out;
  size_t off;             /* where the error is */
  const char *msg;
  size_t *marks;          /* output offsets of {{content_length}} */
  size_t n_marks, cap_marks;
} raw_walk;

static int fail(raw_walk *w, size_t off, const char *msg) {
  w->off = off;
  w->msg = msg;
  return -1;
}

/* Decodes text[from, to) into w->out (or just checks it). */
static int decode(raw_walk *w, size_t from, size_t to) {
  const char *s = w->text;
  size_t i;
  for (i = from; i < to; i++) {
    char c = s[i];
    int hi, lo;
    if (c == '\n') continue;
    if (c == '\r')
      return fail(w, i, "a CR in the text itself: write \\r (in a YAML block scalar '|' or single quotes, "
                        "where a backslash stays a backslash)");
    if (c == '\\') {
      if (i + 1 >= to) return fail(w, i, "a backslash at the end of the text (write \\\\ for a backslash)");
      switch (s[i + 1]) {
        case 'r': c = '\r'; break;
        case 'n': c = '\n'; break;
        case 't': c = '\t'; break;
        case '0': c = '\0'; break;
        case '\\': c = '\\'; break;
        case 'x':
          hi = i + 2 < to ? hexval((unsigned char)s[i + 2]) : -1;
          lo = i + 3 < to ? hexval((unsigned char)s[i + 3]) : -1;
          if (hi < 0 || lo < 0) return fail(w, i, "\\x needs exactly two hex digits (\\x0b)");
          c = (char)(hi * 16 + lo);
          i += 2;
          break;
        default:
          return fail(w, i, "unknown escape (expected \\r, \\n, \\t, \\0, \\xHH or \\\\)");
      }
      i++;
    }
    if (w->out && ifm_buf_putc(w->out, c)) return fail(w, i, "out of memory");
  }
  return 0;
}

/* {{repeat:N:TEXT}} with inner = "repeat:N:TEXT" at text offset at. */
static int repeat(raw_walk *w, size_t at, size_t len) {
  const char *inner = w->text + at, *colon = memchr(inner + 7, ':', len - 7);
  unsigned long n = 0, k;
  ifm_buf one = IFM_BUF_INIT, *out;
  size_t i;
  int rc;
  if (!colon) return fail(w, at, "expected {{repeat:N:TEXT}}");
  for (i = 7; inner + i < colon; i++) {
    if (inner[i] < '0' || inner[i] > '9' || i > 16) return fail(w, at, "expected {{repeat:N:TEXT}}");
    n = n * 10 + (unsigned long)(inner[i] - '0');
  }
  if (!w->out) return decode(w, (size_t)(colon + 1 - w->text), at + len);
  out = w->out;
  w->out = &one;
  rc = decode(w, (size_t)(colon + 1 - w->text), at + len);
  w->out = out;
  for (k = 0; k < n && rc == 0; k++)
    if (ifm_buf_append(out, one.p ? one.p : "", one.len)) rc = fail(w, at, "out of memory");
  ifm_buf_clear(&one);
  return rc;
}

static int mark(raw_walk *w, size_t at) {
  size_t *m = ifm_xrealloc_array(w->marks, &w->cap_marks, w->n_marks + 1, sizeof *m);
  if (!m) return fail(w, at, "out of memory");
  w->marks = m;
  m[w->n_marks++] = w->out->len;
  return 0;
}

/* Walks the text: decodes literal text, and hands templates to cb. */
static int walk(raw_walk *w, ifm_raw_tmpl_cb cb, void *ctx, int *cb_rc) {
  const char *s = w->text;
  size_t pos = 0;
  while (s[pos]) {
    const char *open = strstr(s + pos, "{{"), *close;
    size_t end = open ? (size_t)(open - s) : strlen(s), a, b;
    if (decode(w, pos, end) != 0) return -1;
    if (!open) break;
    if (strncmp(open, "{{{{", 4) == 0) {
      if (w->out && ifm_buf_append(w->out, "{{", 2)) return fail(w, end, "out of memory");
      pos = end + 4;
      continue;
    }
    if (!(close = strstr(open + 2, "}}"))) return fail(w, end, "'{{' without a closing '}}'");
    for (a = end + 2; s[a] == ' '; a++) {}
    for (b = (size_t)(close - s); b > a && s[b - 1] == ' '; b--) {}
    pos = (size_t)(close + 2 - s);
    if (b - a == strlen(IFM_RAW_CONTENT_LENGTH) && memcmp(s + a, IFM_RAW_CONTENT_LENGTH, b - a) == 0) {
      if (w->out && mark(w, end) != 0) return -1;
    } else if (b - a > 7 && memcmp(s + a, "repeat:", 7) == 0) {
      if (repeat(w, a, b - a) != 0) return -1;
    } else if (w->out) {
      char *t = ifm_strndup(open, pos - end);
      int rc = t ? cb(t, w->out, ctx) : -1;
      free(t);
      if (!t) return fail(w, end, "out of memory");
      if (rc != 0) return *cb_rc = rc, -1;
    }
  }
  return 0;
}

int ifm_raw_check(const char *text, size_t *off, const char **msg) {
  raw_walk w;
  int cb_rc = 0;
  size_t i;
  memset(&w, 0, sizeof w);
  w.text = text;
  for (i = 0; text[i] == '\n'; i++) {}
  if (!text[i]) return *off = 0, *msg = "the text is empty", -1;
  if (walk(&w, NULL, NULL, &cb_rc) == 0) return 0;
  *off = w.off;
  *msg = w.msg;
  return -1;
}

/* Whether a mark lies strictly inside [k, k + 4). */
static int split_by_mark(const raw_walk *w, size_t k) {
  size_t i;
  for (i = 0; i < w->n_marks; i++)
    if (w->marks[i] > k && w->marks[i] < k + 4) return 1;
  return 0;
}

/* Writes the body's length at every mark; the output so far starts at base. */
static int fill_marks(raw_walk *w, size_t base, char *err, size_t errlen) {
  ifm_buf *o = w->out, done = IFM_BUF_INIT;
  size_t k, i, from = base, body;
  for (k = base; k + 4 <= o->len; k++)
    if (memcmp(o->p + k, "\r\n\r\n", 4) == 0 && !split_by_mark(w, k)) break;
  if (k + 4 > o->len) {
    snprintf(err, errlen, "{{content_length}}: the bytes have no blank line (CRLFCRLF) before a body");
    return -1;
  }
  body = k + 4;
  for (i = 0; i < w->n_marks; i++)
    if (w->marks[i] >= body) {
      snprintf(err, errlen, "{{content_length}} stands in the body, after the first CRLFCRLF");
      return -1;
    }
  if (base && ifm_buf_append(&done, o->p, base)) goto oom;
  for (i = 0; i < w->n_marks; i++) {
    if (ifm_buf_append(&done, o->p + from, w->marks[i] - from) || ifm_buf_printf(&done, "%zu", o->len - body))
      goto oom;
    from = w->marks[i];
  }
  if (ifm_buf_append(&done, o->p + from, o->len - from)) goto oom;
  ifm_buf_clear(o);
  *o = done;
  return 0;
oom:
  ifm_buf_clear(&done);
  snprintf(err, errlen, "out of memory");
  return -1;
}

int ifm_raw_expand(const char *text, ifm_raw_tmpl_cb tmpl, void *ctx, ifm_buf *out, char *err, size_t errlen) {
  raw_walk w;
  size_t base = out->len;
  int cb_rc = 0, rc = 0;
  memset(&w, 0, sizeof w);
  w.text = text;
  w.out = out;
  if (walk(&w, tmpl, ctx, &cb_rc) != 0) {
    if (cb_rc) rc = cb_rc;
    else snprintf(err, errlen, "byte %zu: %s", w.off, w.msg), rc = -1;
  } else if (w.n_marks && fill_marks(&w, base, err, errlen) != 0) {
    rc = -1;
  }
  free(w.marks);
  return rc;
}
