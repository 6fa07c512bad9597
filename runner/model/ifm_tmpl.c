/* ifm_tmpl.c: parsing and expanding "{{...}}" templates (see ifm_tmpl.h).
 *
 * One scanner serves the load-time check and the run-time expansion, so the
 * two can never disagree about what a template means.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_tmpl.h"

const ifm_tmpl_var ifm_tmpl_builtins[] = {
    {"path", IFM_TMPL_IN_CASE | IFM_TMPL_IN_TARGET, "the case's resource (the target's `resource`, expanded)"},
    {"fresh", IFM_TMPL_IN_CASE | IFM_TMPL_IN_TARGET, "a new resource path, never used before in the run"},
    {"collection", IFM_TMPL_IN_CASE | IFM_TMPL_IN_TARGET, "the target's `collection`, expanded"},
    {"uniq", IFM_TMPL_IN_CASE | IFM_TMPL_IN_TARGET, "a run-wide unique token: RUN-N"},
    {"case", IFM_TMPL_IN_CASE | IFM_TMPL_IN_TARGET, "the case id"},
    {"client", IFM_TMPL_IN_CASE | IFM_TMPL_IN_TARGET, "the client number in a parallel step (0-based)"},
    {"run", IFM_TMPL_IN_TARGET, "the run id (8 hex digits)"},
    {"n", IFM_TMPL_IN_TARGET, "the case's resource counter"},
    {"body", IFM_TMPL_IN_TARGET, "the case's body, inside a target's body wrapper"},
};
const size_t ifm_tmpl_n_builtins = sizeof ifm_tmpl_builtins / sizeof ifm_tmpl_builtins[0];

int ifm_tmpl_builtin(const char *name, size_t len, unsigned where) {
  size_t i;
  for (i = 0; i < ifm_tmpl_n_builtins; i++)
    if ((ifm_tmpl_builtins[i].where & where) && strlen(ifm_tmpl_builtins[i].name) == len &&
        memcmp(ifm_tmpl_builtins[i].name, name, len) == 0)
      return 1;
  return 0;
}

#define TMPL_MAX_REPEAT (16u * 1024 * 1024)
#define TMPL_MAX_TAGS 1000000u

typedef enum tmpl_kind { T_LITERAL, T_BRACES, T_VAR, T_REPEAT, T_TAGS, T_HEX, T_TAB, T_SP } tmpl_kind;

/* One parsed element of a template. */
typedef struct tmpl_tok {
  tmpl_kind kind;
  const char *s;        /* literal text, variable name, repeat text or hex digits */
  size_t len;
  const char *filters;  /* "|weak|opaque" for T_VAR, or NULL */
  size_t filters_len;
  unsigned long n;      /* repeat count or number of tags */
} tmpl_tok;

static int is_name_char(int c) {
  return isalnum(c) || c == '_' || c == '-' || c == '.';
}

static int parse_count(const char *s, size_t len, unsigned long max, unsigned long *out) {
  unsigned long v = 0;
  size_t i;
  if (len == 0 || len > 9) return -1;
  for (i = 0; i < len; i++) {
    if (!isdigit((unsigned char)s[i])) return -1;
    v = v * 10 + (unsigned long)(s[i] - '0');
  }
  if (v > max) return -1;
  *out = v;
  return 0;
}

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static int check_filters(const char *f, size_t len) {
  static const char *const names[] = {"weak", "strong", "opaque", "swapcase", "json"};
  size_t i = 0;
  while (i < len) {
    size_t start, k, found = 0;
    if (f[i] != '|') return -1;
    start = ++i;
    while (i < len && f[i] != '|') i++;
    for (k = 0; k < sizeof names / sizeof names[0]; k++)
      if (strlen(names[k]) == i - start && memcmp(names[k], f + start, i - start) == 0) found = 1;
    if (!found) return -1;
  }
  return 0;
}

/* Parses the inside of {{...}} (inner[0..len), spaces trimmed). */
static int parse_inner(const char *inner, size_t len, tmpl_tok *t, const char **msg) {
  size_t i;
  while (len && inner[0] == ' ') inner++, len--;
  while (len && inner[len - 1] == ' ') len--;
  memset(t, 0, sizeof *t);
  if (len == 0) return *msg = "empty template '{{}}'", -1;
  if (len > 7 && memcmp(inner, "repeat:", 7) == 0) {
    const char *c = memchr(inner + 7, ':', len - 7);
    t->kind = T_REPEAT;
    if (!c || parse_count(inner + 7, (size_t)(c - inner - 7), TMPL_MAX_REPEAT, &t->n) != 0)
      return *msg = "expected {{repeat:N:TEXT}} with N at most 16777216", -1;
    t->s = c + 1;
    t->len = len - (size_t)(c + 1 - inner);
    if (t->len == 0 || t->n * t->len > TMPL_MAX_REPEAT)
      return *msg = "{{repeat:N:TEXT}} needs TEXT and at most 16 MiB in all", -1;
    return 0;
  }
  if (len > 5 && memcmp(inner, "tags:", 5) == 0) {
    t->kind = T_TAGS;
    if (parse_count(inner + 5, len - 5, TMPL_MAX_TAGS, &t->n) != 0 || t->n == 0)
      return *msg = "expected {{tags:N}} with N from 1 to 1000000", -1;
    return 0;
  }
  if (len > 4 && memcmp(inner, "hex:", 4) == 0) {
    t->kind = T_HEX;
    t->s = inner + 4;
    t->len = len - 4;
    if (t->len % 2) return *msg = "{{hex:...}} needs an even number of hex digits", -1;
    for (i = 0; i < t->len; i += 2) {
      int hi = hexval((unsigned char)t->s[i]), lo = hexval((unsigned char)t->s[i + 1]);
      if (hi < 0 || lo < 0) return *msg = "{{hex:...}} holds a character that is not a hex digit", -1;
      if (hi == 0 && lo == 0) return *msg = "{{hex:00}}: a NUL byte cannot be sent in a header", -1;
    }
    return 0;
  }
  if (len == 3 && memcmp(inner, "tab", 3) == 0) return t->kind = T_TAB, 0;
  if (len == 2 && memcmp(inner, "sp", 2) == 0) return t->kind = T_SP, 0;
  t->kind = T_VAR;
  t->s = inner;
  for (i = 0; i < len && is_name_char((unsigned char)inner[i]); i++) {}
  t->len = i;
  if (i == 0) return *msg = "expected a variable name after '{{'", -1;
  if (i < len) {
    if (inner[i] != '|') return *msg = "unexpected character in a variable name", -1;
    t->filters = inner + i;
    t->filters_len = len - i;
    if (check_filters(t->filters, t->filters_len) != 0)
      return *msg = "unknown filter (expected weak, strong, opaque, swapcase or json)", -1;
  }
  return 0;
}

/* Reads the next token at *pos. Returns 1 with a token, 0 at the end, -1 on
 * a syntax error (*off = where). */
static int next_tok(const char *tmpl, size_t *pos, tmpl_tok *t, size_t *off, const char **msg) {
  const char *s = tmpl + *pos, *open, *close;
  if (!*s) return 0;
  open = strstr(s, "{{");
  if (open != s) {
    memset(t, 0, sizeof *t);
    t->kind = T_LITERAL;
    t->s = s;
    t->len = open ? (size_t)(open - s) : strlen(s);
    *pos += t->len;
    return 1;
  }
  if (strncmp(s, "{{{{", 4) == 0) {
    memset(t, 0, sizeof *t);
    t->kind = T_BRACES;
    *pos += 4;
    return 1;
  }
  close = strstr(s + 2, "}}");
  if (!close) return *off = *pos, *msg = "'{{' without a closing '}}'", -1;
  if (parse_inner(s + 2, (size_t)(close - s - 2), t, msg) != 0) return *off = *pos, -1;
  *pos += (size_t)(close + 2 - s);
  return 1;
}

int ifm_tmpl_check(const char *tmpl, ifm_tmpl_known_cb known, void *ctx, size_t *off,
                   const char **msg) {
  size_t pos = 0, start;
  tmpl_tok t;
  int rc;
  if (!tmpl) return 0;
  for (;;) {
    start = pos;
    rc = next_tok(tmpl, &pos, &t, off, msg);
    if (rc <= 0) return rc;
    if (t.kind == T_VAR && known && !known(t.s, t.len, ctx)) {
      *off = start;
      *msg = "unknown variable (not a built-in, not captured by an earlier step, not given with --var)";
      return -1;
    }
  }
}

void ifm_tmpl_each_var(const char *tmpl, void (*fn)(const char *name, size_t len, void *ctx),
                       void *ctx) {
  size_t pos = 0, off;
  const char *msg;
  tmpl_tok t;
  if (!tmpl) return;
  while (next_tok(tmpl, &pos, &t, &off, &msg) > 0)
    if (t.kind == T_VAR) fn(t.s, t.len, ctx);
}

/* json: the value as the inside of a JSON string (RFC 8259 7): quotation
 * mark, reverse solidus and the control characters U+0000-U+001F escaped;
 * every other byte as it is (UTF-8 passes through). */
static int json_escape(ifm_buf *v) {
  static const char hex[] = "0123456789abcdef";
  ifm_buf o = IFM_BUF_INIT;
  size_t i;
  int rc = 0;
  for (i = 0; i < v->len && rc == 0; i++) {
    unsigned char c = (unsigned char)v->p[i];
    if (c == '"' || c == '\\') {
      char e[2] = {'\\', (char)c};
      rc = ifm_buf_append(&o, e, 2);
    } else if (c == '\n') {
      rc = ifm_buf_append(&o, "\\n", 2);
    } else if (c == '\r') {
      rc = ifm_buf_append(&o, "\\r", 2);
    } else if (c == '\t') {
      rc = ifm_buf_append(&o, "\\t", 2);
    } else if (c < 0x20) {
      char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      rc = ifm_buf_append(&o, e, 6);
    } else {
      rc = ifm_buf_putc(&o, (char)c);
    }
  }
  if (rc == 0 && !o.p) rc = ifm_buf_append(&o, "", 0);
  if (rc != 0) {
    ifm_buf_clear(&o);
    return -1;
  }
  ifm_buf_clear(v);
  *v = o;
  return 0;
}

/* Applies one filter in place: json to any value, the others to an
 * entity-tag value. */
static int apply_filter(ifm_buf *v, const char *name, size_t len) {
  int weak = v->len >= 2 && memcmp(v->p, "W/", 2) == 0;
  size_t i;
  if (len == 4 && memcmp(name, "json", 4) == 0) return json_escape(v);
  if (len == 4 && memcmp(name, "weak", 4) == 0) {
    ifm_buf w = IFM_BUF_INIT;
    if (weak) return 0;
    if (ifm_buf_append(&w, "W/", 2) || ifm_buf_append(&w, v->p ? v->p : "", v->len)) {
      ifm_buf_clear(&w);
      return -1;
    }
    ifm_buf_clear(v);
    *v = w;
    return 0;
  }
  if (len == 6 && memcmp(name, "strong", 6) == 0) {
    if (weak) memmove(v->p, v->p + 2, v->len - 2 + 1), v->len -= 2;
    return 0;
  }
  if (len == 6 && memcmp(name, "opaque", 6) == 0) {
    if (weak) memmove(v->p, v->p + 2, v->len - 2 + 1), v->len -= 2;
    if (v->len >= 2 && v->p[0] == '"' && v->p[v->len - 1] == '"') {
      memmove(v->p, v->p + 1, v->len - 2);
      v->len -= 2;
      v->p[v->len] = '\0';
    }
    return 0;
  }
  /* swapcase: the letters of the opaque part; W/ and the quotes stay. */
  for (i = weak ? 2 : 0; i < v->len; i++) {
    unsigned char c = (unsigned char)v->p[i];
    if (c < 0x80 && isalpha(c)) v->p[i] = (char)(isupper(c) ? tolower(c) : toupper(c));
  }
  return 0;
}

static int expand_var(const tmpl_tok *t, ifm_tmpl_resolve_cb resolve, void *ctx, ifm_buf *out,
                      char *err, size_t errlen) {
  ifm_buf v = IFM_BUF_INIT;
  size_t i = 0;
  int rc = 0;
  if (resolve(t->s, t->len, &v, ctx) != 0) {
    snprintf(err, errlen, "variable '%.*s' has no value (was it captured?)", (int)t->len, t->s);
    ifm_buf_clear(&v);
    return -1;
  }
  while (i < t->filters_len) {
    size_t start = ++i;
    while (i < t->filters_len && t->filters[i] != '|') i++;
    if (!v.p && ifm_buf_append(&v, "", 0) != 0) rc = -1;
    if (rc == 0) rc = apply_filter(&v, t->filters + start, i - start);
  }
  if (rc == 0) rc = ifm_buf_append(out, v.p ? v.p : "", v.len);
  if (rc != 0) snprintf(err, errlen, "out of memory expanding '%.*s'", (int)t->len, t->s);
  ifm_buf_clear(&v);
  return rc;
}

int ifm_tmpl_expand(const char *tmpl, ifm_tmpl_resolve_cb resolve, void *ctx, ifm_buf *out,
                    char *err, size_t errlen) {
  size_t pos = 0, off, i;
  const char *msg;
  tmpl_tok t;
  int rc;
  if (!tmpl) return 0;
  while ((rc = next_tok(tmpl, &pos, &t, &off, &msg)) > 0) {
    int fail = 0;
    switch (t.kind) {
      case T_LITERAL: fail = ifm_buf_append(out, t.s, t.len); break;
      case T_BRACES: fail = ifm_buf_append(out, "{{", 2); break;
      case T_TAB: fail = ifm_buf_putc(out, '\t'); break;
      case T_SP: fail = ifm_buf_putc(out, ' '); break;
      case T_REPEAT:
        for (i = 0; i < t.n && !fail; i++) fail = ifm_buf_append(out, t.s, t.len);
        break;
      case T_TAGS:
        for (i = 1; i <= t.n && !fail; i++) fail = ifm_buf_printf(out, "%s\"t%zu\"", i > 1 ? ", " : "", i);
        break;
      case T_HEX:
        for (i = 0; i < t.len && !fail; i += 2)
          fail = ifm_buf_putc(out, (char)(hexval((unsigned char)t.s[i]) * 16 + hexval((unsigned char)t.s[i + 1])));
        break;
      case T_VAR:
        if (expand_var(&t, resolve, ctx, out, err, errlen) != 0) return -1;
        break;
    }
    if (fail) {
      snprintf(err, errlen, "out of memory expanding a template");
      return -1;
    }
  }
  if (rc < 0) {
    snprintf(err, errlen, "byte %zu: %s", off, msg);
    return -1;
  }
  return 0;
}
