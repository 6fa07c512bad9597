/* ifm_secrets.c: the secrets of a run and their forms (see ifm_secrets.h). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ifm_buf.h"
#include "ifm_secrets.h"

/* The inner part of a secret's base64 inside a longer base64 text is listed
 * only from this many characters (48 bits: no chance match). */
#define CORE_MIN 8

static const char b64_std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *ifm_base64(const void *data, size_t len) {
  const unsigned char *s = data;
  size_t i, k = 0;
  char *out = malloc(4 * ((len + 2) / 3) + 1);
  if (!out) return NULL;
  for (i = 0; i + 2 < len; i += 3) {
    unsigned long w = (unsigned long)s[i] << 16 | (unsigned long)s[i + 1] << 8 | s[i + 2];
    out[k++] = b64_std[w >> 18 & 63];
    out[k++] = b64_std[w >> 12 & 63];
    out[k++] = b64_std[w >> 6 & 63];
    out[k++] = b64_std[w & 63];
  }
  if (i < len) {
    unsigned long w = (unsigned long)s[i] << 16 | (i + 1 < len ? (unsigned long)s[i + 1] << 8 : 0);
    out[k++] = b64_std[w >> 18 & 63];
    out[k++] = b64_std[w >> 12 & 63];
    out[k++] = i + 1 < len ? b64_std[w >> 6 & 63] : '=';
    out[k++] = '=';
  }
  out[k] = '\0';
  return out;
}

static int b64_value(char c) {
  const char *p = c ? strchr(b64_std, c) : NULL;
  if (p) return (int)(p - b64_std);
  return c == '-' ? 62 : c == '_' ? 63 : -1;
}

/* base64 (either alphabet, padding optional) decoded; NULL when s is not
 * base64 or decodes to a NUL byte. */
static char *b64_decode(const char *s) {
  size_t len = strlen(s), i, k = 0;
  unsigned long w = 0;
  int bits = 0;
  char *out;
  while (len && s[len - 1] == '=') len--;
  if (len == 0 || len % 4 == 1 || !(out = malloc(len))) return NULL;
  for (i = 0; i < len; i++) {
    int v = b64_value(s[i]);
    if (v < 0) {
      free(out);
      return NULL;
    }
    w = (w << 6 | (unsigned long)v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (!(out[k++] = (char)(w >> bits & 0xff))) {
        free(out);
        return NULL;
      }
    }
  }
  out[k] = '\0';
  return out;
}

static ifm_err add_one(char ***v, size_t *n, const char *s, size_t len) {
  char **a;
  size_t i;
  if (len == 0) return IFM_OK;
  for (i = 0; i < *n; i++)
    if (strlen((*v)[i]) == len && memcmp((*v)[i], s, len) == 0) return IFM_OK;
  if (!(a = realloc(*v, (*n + 1) * sizeof *a))) return IFM_ERR_NOMEM;
  *v = a;
  if (!(a[*n] = ifm_strndup(s, len))) return IFM_ERR_NOMEM;
  (*n)++;
  return IFM_OK;
}

/* A derived form: listed from IFM_SECRET_SHORT bytes on. */
static ifm_err add_form(char ***v, size_t *n, const char *s, size_t len) {
  return len >= IFM_SECRET_SHORT ? add_one(v, n, s, len) : IFM_OK;
}

/* b64 and its URL-safe spelling (RFC 4648 5), each with and without '='. */
static ifm_err add_b64_spellings(char ***v, size_t *n, char *b64, size_t len) {
  size_t bare = len, i;
  ifm_err rc;
  while (bare && b64[bare - 1] == '=') bare--;
  if ((rc = add_form(v, n, b64, len)) != IFM_OK || (rc = add_form(v, n, b64, bare)) != IFM_OK) return rc;
  if (strcspn(b64, "+/") >= len) return IFM_OK;
  for (i = 0; i < len; i++) b64[i] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' : b64[i];
  if ((rc = add_form(v, n, b64, len)) != IFM_OK) return rc;
  return add_form(v, n, b64, bare);
}

/* The secret's base64, and the characters of it that stay the same inside a
 * longer text's base64 whatever precedes or follows it: with k bytes before
 * it (mod 3), character j carries bits 6j .. 6j+6, and it is the secret's
 * alone when they lie within bits 8k .. 8k+8len. */
static ifm_err add_b64_forms(char ***v, size_t *n, const char *s, size_t len) {
  unsigned char *buf = malloc(len + 2);
  ifm_err rc = IFM_OK;
  size_t k;
  if (!buf) return IFM_ERR_NOMEM;
  for (k = 0; k < 3 && rc == IFM_OK; k++) {
    size_t first = (8 * k + 5) / 6, end = (8 * k + 8 * len) / 6;
    char *enc;
    memset(buf, 0, k);
    memcpy(buf + k, s, len);
    if (!(enc = ifm_base64(buf, k + len))) {
      rc = IFM_ERR_NOMEM;
      break;
    }
    if (k == 0) rc = add_b64_spellings(v, n, enc, strlen(enc));
    if (rc == IFM_OK && end >= first + CORE_MIN) {
      enc[end] = '\0';
      rc = add_b64_spellings(v, n, enc + first, end - first);
    }
    free(enc);
  }
  free(buf);
  return rc;
}

ifm_err ifm_secrets_add(char ***v, size_t *n, const char *s) {
  size_t len = s ? strlen(s) : 0;
  char *b64;
  ifm_err rc;
  if (len == 0) return IFM_OK;
  if ((rc = add_one(v, n, s, len)) != IFM_OK || (rc = add_b64_forms(v, n, s, len)) != IFM_OK) return rc;
  /* a base64 text is what the server sees of a Basic credential: its own
   * base64 forms too (one level: "Basic xxx" echoed in base64) */
  if (!(b64 = ifm_base64(s, len))) return IFM_ERR_NOMEM;
  rc = add_b64_forms(v, n, b64, strlen(b64));
  free(b64);
  return rc;
}

/* A part of a credential: only when it is not short (see ifm_secrets.h). */
static ifm_err add_part(char ***v, size_t *n, const char *s, size_t len) {
  char *c;
  ifm_err rc;
  if (len < IFM_SECRET_SHORT) return IFM_OK;
  if (!(c = ifm_strndup(s, len))) return IFM_ERR_NOMEM;
  rc = ifm_secrets_add(v, n, c);
  free(c);
  return rc;
}

static int tchar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         (c && strchr("!#$%&'*+-.^_`|~", c));
}

static ifm_err add_cookies(char ***v, size_t *n, const char *s) {
  ifm_err rc = IFM_OK;
  while (*s && rc == IFM_OK) {
    size_t len = strcspn(s, ";");
    const char *eq = memchr(s, '=', len), *e = s + len;
    if (eq) {
      const char *b = eq + 1;
      while (b < e && (*b == ' ' || *b == '\t')) b++;
      while (e > b && (e[-1] == ' ' || e[-1] == '\t')) e--;
      if (e - b >= 2 && *b == '"' && e[-1] == '"') b++, e--;
      rc = add_part(v, n, b, (size_t)(e - b));
    }
    s += len;
    if (*s) s++;
  }
  return rc;
}

ifm_err ifm_secrets_add_credential(char ***v, size_t *n, const char *name, const char *value) {
  const char *p = value, *rest;
  ifm_err rc;
  if (!value || !*value) return IFM_OK;
  if ((rc = ifm_secrets_add(v, n, value)) != IFM_OK) return rc;
  if (name && strcasecmp(name, "Cookie") == 0) return add_cookies(v, n, value);
  while (tchar(*p)) p++;
  if (p == value || (*p != ' ' && *p != '\t')) return IFM_OK;    /* no "scheme credentials" */
  for (rest = p; *rest == ' ' || *rest == '\t'; rest++) {
  }
  if ((rc = add_part(v, n, rest, strlen(rest))) != IFM_OK) return rc;
  if ((size_t)(p - value) == 5 && strncasecmp(value, "Basic", 5) == 0) {
    char *dec = b64_decode(rest), *colon;
    if (!dec) return IFM_OK;
    rc = add_part(v, n, dec, strlen(dec));
    if (rc == IFM_OK && (colon = strchr(dec, ':')) != NULL) rc = add_part(v, n, colon + 1, strlen(colon + 1));
    free(dec);
  }
  return rc;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* s[0..len) with %XX decoded (a '%' not followed by two hex digits stays). */
static char *pct_decode(const char *s, size_t len) {
  char *out = malloc(len + 1);
  size_t i, k = 0;
  if (!out) return NULL;
  for (i = 0; i < len; i++) {
    if (s[i] == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
      out[k++] = (char)(hexval(s[i + 1]) << 4 | hexval(s[i + 2]));
      i += 2;
    } else {
      out[k++] = s[i];
    }
  }
  out[k] = '\0';
  return out;
}

/* A secret given whole, as written and percent-decoded. */
static ifm_err add_given_url_part(char ***v, size_t *n, const char *s, size_t len) {
  char *raw, *dec;
  ifm_err rc;
  if (len == 0) return IFM_OK;
  raw = ifm_strndup(s, len);
  dec = pct_decode(s, len);
  rc = raw && dec ? ifm_secrets_add(v, n, raw) : IFM_ERR_NOMEM;
  if (rc == IFM_OK) rc = ifm_secrets_add(v, n, dec);
  free(raw);
  free(dec);
  return rc;
}

char *ifm_secrets_basic(const char *userinfo, size_t len) {
  ifm_buf plain = IFM_BUF_INIT, field = IFM_BUF_INIT;
  char *dec = pct_decode(userinfo, len), *b64 = NULL, *r = NULL;
  if (dec && ifm_buf_puts(&plain, dec) == 0 && (strchr(dec, ':') || ifm_buf_putc(&plain, ':') == 0) &&
      (b64 = ifm_base64(plain.p, plain.len)) && ifm_buf_printf(&field, "Basic %s", b64) == 0)
    r = ifm_buf_detach(&field);
  free(dec);
  free(b64);
  ifm_buf_clear(&plain);
  ifm_buf_clear(&field);
  return r;
}

/* The Authorization field a client makes of a URL's userinfo, whole, and
 * the user:password it carries: a server that echoes it, even in base64,
 * echoes the secret. */
static ifm_err add_basic(char ***v, size_t *n, const char *userinfo, size_t len) {
  char *field = ifm_secrets_basic(userinfo, len), *dec = pct_decode(userinfo, len);
  ifm_buf plain = IFM_BUF_INIT;
  ifm_err rc = IFM_ERR_NOMEM;
  if (field && dec && ifm_buf_puts(&plain, dec) == 0 && (strchr(dec, ':') || ifm_buf_putc(&plain, ':') == 0))
    rc = ifm_secrets_add(v, n, plain.p);
  if (rc == IFM_OK) rc = ifm_secrets_add(v, n, field);
  free(field);
  free(dec);
  ifm_buf_clear(&plain);
  return rc;
}

ifm_err ifm_secrets_add_url(char ***v, size_t *n, const char *url) {
  const char *auth = url ? strstr(url, "://") : NULL, *at = NULL, *colon, *p;
  size_t alen;
  ifm_err rc;
  if (!auth) return IFM_OK;
  auth += 3;
  alen = strcspn(auth, "/?#");
  for (p = auth; p < auth + alen; p++)
    if (*p == '@') at = p;                 /* the last one: a raw '@' in a password */
  if (!at || at == auth) return IFM_OK;
  if ((rc = add_given_url_part(v, n, auth, (size_t)(at - auth))) != IFM_OK ||
      (rc = add_basic(v, n, auth, (size_t)(at - auth))) != IFM_OK)
    return rc;
  colon = memchr(auth, ':', (size_t)(at - auth));
  if (!colon) return IFM_OK;               /* the user alone: already added whole */
  return add_given_url_part(v, n, colon + 1, (size_t)(at - colon - 1));
}

ifm_err ifm_secrets_add_proxy(char ***v, size_t *n, const char *proxy) {
  char *url;
  ifm_err rc;
  if (!proxy || strstr(proxy, "://")) return ifm_secrets_add_url(v, n, proxy);
  if (!(url = malloc(strlen(proxy) + 8))) return IFM_ERR_NOMEM;
  memcpy(url, "http://", 7);
  strcpy(url + 7, proxy);
  rc = ifm_secrets_add_url(v, n, url);
  free(url);
  return rc;
}

size_t ifm_secrets_shortest(char *const *v, size_t n) {
  size_t i, best = 0;
  for (i = 0; i < n; i++)
    if (i == 0 || strlen(v[i]) < best) best = strlen(v[i]);
  return best;
}
