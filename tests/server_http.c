/* server_http.c: the small blocking HTTP client that the server tests share
 * (libcurl easy handles on loopback), raw sockets for exact bytes, and
 * starting / stopping the server under test. See server_http.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

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

void hresp_sink(CURL *c, hresp *r) {
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, body_cb);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_cb);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
}

/* Sends one request on handle c; the variadic part is a NULL-terminated list
 * of "Name: value" header lines. Returns the status (0 on transport error). */
void hreq_method_body(CURL *c, const char *method, const char *body, size_t blen) {
  if (strcmp(method, "HEAD") == 0)
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  else
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  if (body) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)blen);
  }
}

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
  hresp_sink(c, r);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 20000L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  hreq_method_body(c, method, body, blen);
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

/* ---- raw sockets ------------------------------------------------------- */

double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A connection to the server under test from source address src (NULL: any),
 * or -1. Non-blocking connect, at most 3 s. */
int raw_connect_from(uint16_t port, const char *src) {
  struct sockaddr_in sa;
  struct pollfd p;
  int fd = socket(AF_INET, SOCK_STREAM, 0), err = 0;
  socklen_t el = sizeof err;

  if (fd < 0) return -1;
  if (src) {
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    inet_pton(AF_INET, src, &sa.sin_addr);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
      close(fd);
      return -1;
    }
  }
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    if (errno != EINPROGRESS) {
      close(fd);
      return -1;
    }
    p.fd = fd;
    p.events = POLLOUT;
    if (poll(&p, 1, 3000) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0 || err) {
      close(fd);
      return -1;
    }
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

int raw_connect(void) { return raw_connect_from(ifm_server_port(srv), NULL); }

int send_all(int fd, const char *p, size_t n) {
  while (n) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w <= 0) return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Reads into out (NUL-terminated) until the peer closes or ms pass; 1 when
 * it closed. */
int read_until_close(int fd, char *out, size_t cap, int ms, size_t *got) {
  double end = now_s() + ms / 1000.0;
  *got = 0;
  out[0] = '\0';
  for (;;) {
    struct pollfd p = {fd, POLLIN, 0};
    int left = (int)((end - now_s()) * 1000);
    ssize_t r;
    if (left <= 0 || poll(&p, 1, left) != 1) return 0;
    r = recv(fd, out + *got, cap - 1 - *got, 0);
    if (r == 0 || (r < 0 && errno == ECONNRESET)) return 1;
    if (r < 0) return 0;
    *got += (size_t)r;
    out[*got] = '\0';
    if (*got + 1 >= cap) return 0;
  }
}

/* Sends the bytes on a fresh connection; the answer in out, *closed = 1
 * when the server closed the connection within ms. */
void raw_exchange(const char *req, char *out, size_t cap, int ms, int *closed) {
  int fd = raw_connect();
  size_t got;
  *closed = 0;
  out[0] = '\0';
  if (fd < 0) return;
  if (send_all(fd, req, strlen(req)) == 0) *closed = read_until_close(fd, out, cap, ms, &got);
  close(fd);
}

/* The number of status lines, and the first status code. */
int n_responses(const char *s) {
  int n = 0;
  const char *p = s;
  while ((p = strstr(p, "HTTP/1.")) != NULL) {
    if (p == s || p[-1] == '\n') n++;
    p++;
  }
  return n;
}

int first_status(const char *s) {
  return strncmp(s, "HTTP/1.", 7) == 0 && strlen(s) > 12 ? atoi(s + 9) : 0;
}

/* ---- the environment ---------------------------------------------------- */

long env_num(const char *name, long dflt) {
  const char *v = getenv(name);
  return v && *v ? atol(v) : dflt;
}

long rss_kb(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kb = -1;
  if (!f) return -1;
  while (fgets(line, sizeof line, f))
    if (strncmp(line, "VmRSS:", 6) == 0) kb = atol(line + 6);
  fclose(f);
  return kb;
}
