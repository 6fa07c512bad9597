/* server_http.c: the small blocking HTTP client that the server tests share
 * (libcurl easy handles on loopback), and starting / stopping the server
 * under test. See server_http.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server_http.h"


ifm_server *srv;
char base[64];
CURL *curl;

static size_t grow(char **buf, size_t *len, const char *p, size_t n) {
  char *nb = realloc(*buf, *len + n + 1);
  if (!nb) return 0;
  memcpy(nb + *len, p, n);
  *len += n;
  nb[*len] = '\0';
  *buf = nb;
  return n;
}

static size_t body_cb(char *p, size_t size, size_t n, void *ud) {
  hresp *r = ud;
  return grow(&r->body, &r->len, p, size * n);
}

static size_t header_cb(char *p, size_t size, size_t n, void *ud) {
  hresp *r = ud;
  if (size * n >= 5 && memcmp(p, "HTTP/", 5) == 0) r->hlen = 0;   /* a new response */
  return grow(&r->hdrs, &r->hlen, p, size * n);
}

void hfree(hresp *r) {
  int i;
  free(r->body);
  free(r->hdrs);
  for (i = 0; i < r->nvals; i++) free(r->vals[i]);
  memset(r, 0, sizeof *r);
}

/* The value of the first field called name, trimmed; NULL when absent. */
const char *hget(hresp *r, const char *name) {
  size_t nl = strlen(name);
  const char *p = r->hdrs;

  while (p && *p) {
    const char *eol = strchr(p, '\n');
    size_t ll = eol ? (size_t)(eol - p) : strlen(p);
    if (ll > nl && p[nl] == ':' && strncasecmp(p, name, nl) == 0 && r->nvals < 16) {
      const char *v = p + nl + 1, *e = p + ll;
      while (v < e && (*v == ' ' || *v == '\t')) v++;
      while (e > v && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t')) e--;
      r->vals[r->nvals] = strndup(v, (size_t)(e - v));
      return r->vals[r->nvals++];
    }
    p = eol ? eol + 1 : NULL;
  }
  return NULL;
}

/* Sends one request on handle c; the variadic part is a NULL-terminated list
 * of "Name: value" header lines. Returns the status (0 on transport error). */
long vhttp(CURL *c, hresp *r, const char *method, const char *path, const char *body,
                  size_t blen, va_list ap) {
  struct curl_slist *hl = NULL;
  const char *h;
  char url[512];
  CURLcode rc;

  hfree(r);
  curl_easy_reset(c);
  snprintf(url, sizeof url, "%s%s", base, path);
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, body_cb);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_cb);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 20000L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (strcmp(method, "HEAD") == 0)
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  else
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  if (body) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)blen);
  }
  hl = curl_slist_append(hl, "Content-Type:");   /* none unless the caller sets one */
  while ((h = va_arg(ap, const char *)) != NULL) hl = curl_slist_append(hl, h);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
  rc = curl_easy_perform(c);
  curl_slist_free_all(hl);
  if (rc != CURLE_OK) {
    printf("# curl: %s %s: %s\n", method, path, curl_easy_strerror(rc));
    return 0;
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
  curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &r->new_conns);
  return r->status;
}

long http(hresp *r, const char *method, const char *path, const char *body, ...) {
  va_list ap;
  long s;
  va_start(ap, body);
  s = vhttp(curl, r, method, path, body, body ? strlen(body) : 0, ap);
  va_end(ap);
  return s;
}

long http_on(CURL *c, hresp *r, const char *method, const char *path, const char *body,
                    ...) {
  va_list ap;
  long s;
  va_start(ap, body);
  s = vhttp(c, r, method, path, body, body ? strlen(body) : 0, ap);
  va_end(ap);
  return s;
}

void start_opts(const ifm_server_opts *o) {
  char err[256];
  srv = ifm_server_start(o, err, sizeof err);
  if (!srv) printf("# ifm_server_start: %s\n", err);
  snprintf(base, sizeof base, "http://127.0.0.1:%u", (unsigned)ifm_server_port(srv));
  curl_global_init(CURL_GLOBAL_DEFAULT);
  curl = curl_easy_init();
}

void stop(void) {
  curl_easy_cleanup(curl);
  curl = NULL;
  curl_global_cleanup();
  ifm_server_stop(srv);
  srv = NULL;
}

char *dupv(const char *s) { return s ? strdup(s) : NULL; }
