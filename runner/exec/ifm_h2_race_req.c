/* ifm_h2_race_req.c: a request of the executor's shape (method, URL, field
 * lines, body) as HTTP/2 fields: the pseudo-fields :method, :scheme,
 * :authority and :path (RFC 9113 8.3.1), then the fields, lower-cased
 * (8.2.1). What HTTP/2 forbids is refused here, with the reason, rather than
 * left to the server to reset: connection-specific fields (8.2.2), a TE
 * other than "trailers", CR, LF or NUL in a value and white space at either
 * end of it (8.2.1), names outside tchar (RFC 9110 5.1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ifm_buf.h"
#include "ifm_h2_race_int.h"

static int is_tchar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* Where the URL's authority and path start: "http://host:port/p?q". 0, or
 * -1 when it is not an http(s) URL with a host. */
static int url_split(const char *url, const char **auth, size_t *auth_len, const char **path) {
  const char *p;
  if (strncasecmp(url, "http://", 7) == 0) p = url + 7;
  else if (strncasecmp(url, "https://", 8) == 0) p = url + 8;
  else return -1;
  *auth = p;
  *auth_len = strcspn(p, "/?#");
  if (*auth_len == 0 || memchr(p, '@', *auth_len)) return -1;   /* no host, or userinfo */
  *path = p + *auth_len;
  return 0;
}

int h2r_req_check(ifm_exchange *ex, char *err, size_t errlen) {
  static const char *const connection_specific[] = {
      "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"};
  const char *auth, *path;
  size_t auth_len, i, k;
  int has_length = 0;
  if (!ex->method || !*ex->method || !ex->url || url_split(ex->url, &auth, &auth_len, &path) != 0) {
    snprintf(err, errlen, "HTTP/2: not an http(s) URL with a host: %s", ex->url ? ex->url : "(none)");
    return -1;
  }
  for (i = 0; ex->method[i]; i++)
    if (!is_tchar((unsigned char)ex->method[i])) {
      snprintf(err, errlen, "HTTP/2: the method is not a token");
      return -1;
    }
  for (i = 0; i < ex->n_req_headers; i++) {
    ifm_field *f = &ex->req_headers[i];
    const unsigned char *v = (const unsigned char *)f->value;
    char *c;
    if (!f->name || !*f->name) {
      snprintf(err, errlen, "HTTP/2: field %zu has an empty name", i + 1);
      return -1;
    }
    for (c = f->name; *c; c++) {
      if (!is_tchar((unsigned char)*c)) {
        snprintf(err, errlen, "HTTP/2: field name \"%.60s\" has a byte outside tchar (RFC 9110 5.1)", f->name);
        return -1;
      }
      if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');   /* RFC 9113 8.2.1 */
    }
    for (k = 0; k < sizeof connection_specific / sizeof *connection_specific; k++)
      if (strcmp(f->name, connection_specific[k]) == 0) {
        snprintf(err, errlen, "HTTP/2: %s is a connection-specific field (RFC 9113 8.2.2)", f->name);
        return -1;
      }
    if (strcmp(f->name, "te") == 0 && !(f->value_len == 8 && memcmp(f->value, "trailers", 8) == 0)) {
      snprintf(err, errlen, "HTTP/2: te may only be \"trailers\" (RFC 9113 8.2.2)");
      return -1;
    }
    for (k = 0; k < f->value_len; k++)
      if (v[k] == '\r' || v[k] == '\n' || v[k] == 0) {
        snprintf(err, errlen, "HTTP/2: the value of %s holds %s (RFC 9113 8.2.1)", f->name,
                 v[k] == '\r' ? "CR" : v[k] == '\n' ? "LF" : "NUL");
        return -1;
      }
    if (f->value_len && (v[0] == ' ' || v[0] == '\t' || v[f->value_len - 1] == ' ' ||
                         v[f->value_len - 1] == '\t')) {
      snprintf(err, errlen, "HTTP/2: the value of %s starts or ends with white space (RFC 9113 8.2.1)",
               f->name);
      return -1;
    }
    if (strcmp(f->name, "content-length") == 0) has_length = 1;
  }
  if (ex->req_body && !has_length) {
    char len[32];
    int n = snprintf(len, sizeof len, "%zu", ex->req_body_len);
    if (ifm_field_append(&ex->req_headers, &ex->n_req_headers, "content-length", len, (size_t)n) != 0) {
      snprintf(err, errlen, "out of memory");
      return -1;
    }
  }
  return 0;
}

/* One field pointing at name and value. */
static nghttp2_nv nv_make(const char *name, size_t name_len, const char *value, size_t value_len) {
  nghttp2_nv nv;
  nv.name = (uint8_t *)(uintptr_t)name;
  nv.namelen = name_len;
  nv.value = (uint8_t *)(uintptr_t)value;
  nv.valuelen = value_len;
  nv.flags = NGHTTP2_NV_FLAG_NONE;
  return nv;
}

int h2r_req_fields(const ifm_exchange *ex, int tls, nghttp2_nv **nv, size_t *n, char **store) {
  const char *auth, *path, *host = NULL;
  size_t auth_len, path_len, i, k = 0;
  nghttp2_nv *v;
  *nv = NULL;
  *n = 0;
  *store = NULL;
  if (url_split(ex->url, &auth, &auth_len, &path) != 0) return -1;
  path_len = strcspn(path, "#");
  /* "http://h?q" has the path "/?q" (RFC 9113 8.3.1: :path is never empty
   * for http(s)); the store holds it. */
  if (path_len == 0 || path[0] != '/') {
    *store = malloc(path_len + 2);
    if (!*store) return -1;
    (*store)[0] = '/';
    memcpy(*store + 1, path, path_len);
    (*store)[path_len + 1] = 0;
    path = *store;
    path_len++;
  }
  v = calloc(ex->n_req_headers + 4, sizeof *v);
  if (!v) {
    free(*store);
    *store = NULL;
    return -1;
  }
  for (i = 0; i < ex->n_req_headers; i++)
    if (strcmp(ex->req_headers[i].name, "host") == 0 && !host) {
      host = ex->req_headers[i].value;   /* Host becomes :authority (RFC 9113 8.3.1) */
      auth = host;
      auth_len = ex->req_headers[i].value_len;
    }
  v[k++] = nv_make(":method", 7, ex->method, strlen(ex->method));
  v[k++] = nv_make(":scheme", 7, tls ? "https" : "http", tls ? 5 : 4);
  v[k++] = nv_make(":authority", 10, auth, auth_len);
  v[k++] = nv_make(":path", 5, path, path_len);
  for (i = 0; i < ex->n_req_headers; i++) {
    const ifm_field *f = &ex->req_headers[i];
    if (strcmp(f->name, "host") == 0) continue;
    v[k++] = nv_make(f->name, strlen(f->name), f->value ? f->value : "", f->value_len);
  }
  *nv = v;
  *n = k;
  return 0;
}
