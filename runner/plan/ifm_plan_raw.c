/* ifm_plan_raw.c: a `raw:` step's bytes (see ifm_plan.h and ifm_raw.h),
 * and the request half of an exchange read back from them, so that the
 * judge and the reports show what went out as a server would split it.
 *
 * The reading is best effort and never refuses: the bytes are often broken
 * on purpose. Lines end at LF (a CR before it is dropped); the head ends at
 * the first empty line. A field line is split at its first colon, the value
 * trimmed of spaces and tabs and otherwise kept byte for byte (a NUL or a CR
 * inside stays). A line that starts with a space or a tab is an obs-fold
 * continuation (RFC 9112 5.2): appended to the value before it as received,
 * leading whitespace included, so the evidence shows the fold.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ifm_plan.h"
#include "ifm_raw.h"
#include "ifm_secrets.h"

/* scheme://authority of base_url: n bytes; *auth and *alen its authority
 * without userinfo. n is 0 when base_url has no "://". */
static size_t origin_of(const char *base_url, const char **auth, size_t *alen) {
  const char *p = strstr(base_url, "://"), *a, *end;
  if (!p) return *auth = base_url, *alen = 0, 0;
  a = p + 3;
  end = a + strcspn(a, "/?#");
  *auth = a;
  *alen = (size_t)(end - a);
  for (p = a; p < end; p++)
    if (*p == '@') *auth = p + 1;        /* the last one: a raw '@' in a password */
  *alen = (size_t)(end - *auth);
  return (size_t)(end - base_url);
}

typedef struct raw_ctx {
  ifm_scope *s;
  const char *raw;        /* the step's text, to see which fields it writes */
  const char *base_url;
  char *err;
  size_t errlen;
} raw_ctx;

/* 1 when the step's text starts a line with "name:" (any case): at its
 * start, after a line break of the text, or after a \n escape. */
static int step_writes(const char *raw, const char *name) {
  size_t nlen = strlen(name);
  const char *p = raw;
  for (;;) {
    if (strncasecmp(p, name, nlen) == 0 && p[nlen] == ':') return 1;
    while (*p && *p != '\n' && !(p[0] == '\\' && p[1] == 'n')) p += p[0] == '\\' && p[1] ? 2 : 1;
    if (!*p) return 0;
    p += *p == '\n' ? 1 : 2;
  }
}

/* One field of {{headers}}, "name: value" CRLF (tmpl expanded when expand
 * is set); left out when the step writes that name or it is a precondition. */
static int put_field(raw_ctx *c, ifm_buf *out, const char *name, const char *tmpl, int expand) {
  ifm_buf v = IFM_BUF_INIT;
  int rc = 0;
  if (step_writes(c->raw, name) || ifm_plan_is_precondition(name)) return 0;
  if (expand)
    rc = ifm_scope_expand(c->s, tmpl, &v, c->err, c->errlen);
  else if (ifm_buf_puts(&v, tmpl))
    rc = IFM_ERR_NOMEM;
  if (rc == 0 && v.len && (memchr(v.p, '\r', v.len) || memchr(v.p, '\n', v.len) || memchr(v.p, '\0', v.len))) {
    snprintf(c->err, c->errlen, "{{%s}}: the target's field %s holds a CR, LF or NUL", IFM_RAW_HEADERS, name);
    rc = IFM_ERR_INPUT;
  }
  if (rc == 0 && ifm_buf_printf(out, "%s: ", name)) rc = IFM_ERR_NOMEM;
  if (rc == 0 && (ifm_buf_append(out, v.p ? v.p : "", v.len) || ifm_buf_append(out, "\r\n", 2)))
    rc = IFM_ERR_NOMEM;
  ifm_buf_clear(&v);
  return rc;
}

static int in_list(const ifm_kv *h, size_t n, const char *name) {
  size_t i;
  for (i = 0; i < n; i++)
    if (strcasecmp(h[i].name, name) == 0) return 1;
  return 0;
}

/* {{headers}}: what the target puts on an update request besides the
 * method, path and body (ifm_plan_request): the case header, the target's
 * headers (those the operation does not set itself), the update
 * operation's headers, and Basic credentials when base_url has userinfo
 * and nothing else gives an Authorization. */
static int target_headers(raw_ctx *c, ifm_buf *out) {
  const ifm_target *t = c->s->target;
  const ifm_op_map *map = &t->ops[IFM_OP_UPDATE];
  size_t i, nmap = map->defined ? map->n_headers : 0, alen;
  const char *auth, *scheme_end = strstr(c->base_url, "://");
  char *basic;
  int rc = 0;
  if (t->case_header && *t->case_header && !in_list(t->headers, t->n_headers, t->case_header) &&
      !in_list(map->headers, nmap, t->case_header))
    rc = put_field(c, out, t->case_header, c->s->c->id, 0);
  for (i = 0; rc == 0 && i < t->n_headers; i++)
    if (!in_list(map->headers, nmap, t->headers[i].name)) rc = put_field(c, out, t->headers[i].name, t->headers[i].value, 1);
  for (i = 0; rc == 0 && i < nmap; i++) rc = put_field(c, out, map->headers[i].name, map->headers[i].value, 1);
  if (rc || !scheme_end || in_list(t->headers, t->n_headers, "Authorization") ||
      in_list(map->headers, nmap, "Authorization"))
    return rc;
  origin_of(c->base_url, &auth, &alen);
  if (auth == scheme_end + 3) return 0;  /* no userinfo */
  if (!(basic = ifm_secrets_basic(scheme_end + 3, (size_t)(auth - 1 - (scheme_end + 3))))) return IFM_ERR_NOMEM;
  rc = put_field(c, out, "Authorization", basic, 0);
  free(basic);
  return rc;
}

static int tmpl_cb(const char *tmpl, ifm_buf *out, void *arg) {
  raw_ctx *c = arg;
  const char *auth;
  size_t alen;
  if (strcmp(tmpl, "{{" IFM_RAW_AUTHORITY "}}") == 0) {
    origin_of(c->base_url, &auth, &alen);
    return ifm_buf_append(out, auth, alen) ? IFM_ERR_NOMEM : 0;
  }
  if (strcmp(tmpl, "{{" IFM_RAW_HEADERS "}}") == 0) return target_headers(c, out);
  if (strcmp(tmpl, "{{" IFM_RAW_BASE_PATH "}}") == 0) {
    auth = c->base_url + origin_of(c->base_url, &auth, &alen);
    alen = strcspn(auth, "?#");
    while (alen && auth[alen - 1] == '/') alen--;
    return ifm_buf_append(out, auth, alen) ? IFM_ERR_NOMEM : 0;
  }
  return ifm_scope_expand(c->s, tmpl, out, c->err, c->errlen);
}

static int is_tchar(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* The request line's method and target, as the url to show. */
static int request_line(ifm_exchange *x, const char *line, size_t len, const char *base_url) {
  const char *auth, *t;
  size_t m = 0, tlen, olen = origin_of(base_url, &auth, &tlen);
  ifm_buf url = IFM_BUF_INIT;
  while (m < len && is_tchar((unsigned char)line[m])) m++;
  t = line + m + 1;
  for (tlen = 0; m + 1 + tlen < len && t[tlen] > ' ' && t[tlen] < 0x7f; tlen++) {}
  if (m == 0 || m >= len || line[m] != ' ' || tlen == 0 || m + 1 + tlen >= len || t[tlen] != ' ') {
    x->method = ifm_strdup("RAW");
    x->url = ifm_strdup(base_url);
  } else {
    if (t[0] == '/' && olen) ifm_buf_append(&url, base_url, olen);
    ifm_buf_append(&url, t, tlen);
    x->method = ifm_strndup(line, m);
    x->url = ifm_buf_detach(&url);
  }
  return x->method && x->url ? 0 : -1;
}

static int is_ows(char c) { return c == ' ' || c == '\t'; }

/* Appends more to the last field's value (an obs-fold continuation). */
static int fold_onto(ifm_field *f, const char *more, size_t len) {
  char *v = realloc(f->value, f->value_len + len + 1);
  if (!v) return -1;
  memcpy(v + f->value_len, more, len);
  f->value = v;
  f->value_len += len;
  v[f->value_len] = '\0';
  return 0;
}

static int field_line(ifm_exchange *x, const char *line, size_t len) {
  const char *colon = memchr(line, ':', len), *v;
  size_t nlen = colon ? (size_t)(colon - line) : len, vlen;
  char *name;
  int rc;
  if (len && is_ows(line[0]) && x->n_req_headers)
    return fold_onto(&x->req_headers[x->n_req_headers - 1], line, len);
  v = colon ? colon + 1 : line + len;
  vlen = colon ? len - nlen - 1 : 0;
  while (vlen && is_ows(v[0])) v++, vlen--;
  while (vlen && is_ows(v[vlen - 1])) vlen--;
  if (!(name = ifm_strndup(line, nlen))) return -1;
  rc = ifm_field_append(&x->req_headers, &x->n_req_headers, name, v, vlen);
  free(name);
  return rc;
}

/* Reads the exchange's request half back from the wire bytes. */
static int read_back(ifm_exchange *x, const char *b, size_t n, const char *base_url) {
  size_t pos = 0, end, len, body = n;
  int first = 1;
  while (pos < n) {
    const char *lf = memchr(b + pos, '\n', n - pos);
    end = lf ? (size_t)(lf - b) : n;
    len = end - pos;
    if (lf && len && b[end - 1] == '\r') len--;
    if (first) {
      if (request_line(x, b + pos, len, base_url) != 0) return -1;
      first = 0;
    } else if (len == 0 && lf) {
      body = end + 1;    /* the blank line: CRLF CRLF or LF LF */
      break;
    } else if (field_line(x, b + pos, len) != 0) {
      return -1;
    }
    pos = lf ? end + 1 : n;
  }
  if (first && request_line(x, "", 0, base_url) != 0) return -1;
  if (body < n) {
    if (!(x->req_body = malloc(n - body + 1))) return -1;
    memcpy(x->req_body, b + body, n - body);
    x->req_body[n - body] = '\0';
    x->req_body_len = x->req_body_total = n - body;
    x->req_body_hash = x->req_payload_hash = ifm_hash64(x->req_body, x->req_body_len);
  }
  return 0;
}

ifm_err ifm_plan_raw(ifm_scope *s, const ifm_request_spec *spec, const char *base_url, ifm_exchange *out,
                     ifm_buf *bytes, char *err, size_t errlen) {
  raw_ctx c = {s, spec->raw, base_url, err, errlen};
  int rc;
  memset(out, 0, sizeof *out);
  out->client = -1;
  s->client = -1;
  ifm_buf_reset(bytes);
  if (!spec->raw) {
    snprintf(err, errlen, "not a raw step");
    return IFM_ERR_INPUT;
  }
  rc = ifm_raw_expand(spec->raw, tmpl_cb, &c, bytes, err, errlen);
  if (rc == 0 && !bytes->p) rc = ifm_buf_append(bytes, "", 0) ? IFM_ERR_NOMEM : 0;
  if (rc == 0 && read_back(out, bytes->p, bytes->len, base_url) != 0) rc = IFM_ERR_NOMEM;
  if (rc == 0) return IFM_OK;
  if (rc == -1) rc = IFM_ERR_INPUT;
  if (rc == IFM_ERR_NOMEM) snprintf(err, errlen, "out of memory");
  ifm_exchange_clear(out);
  ifm_buf_reset(bytes);
  return (ifm_err)rc;
}
