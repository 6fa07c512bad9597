/* ifm_exec_wire.c: the executor's transfers that go over a socket of their
 * own (ifm_wire.h) instead of libcurl: a `raw:` step's exact bytes. Where
 * they connect follows the URL and the transfer's connect_to and resolve
 * options as curl reads them; they never go through a proxy; https:// URLs
 * get TLS with the transfer's verification, CA file and client certificate
 * (ifm_xfer_wire_supported says what cannot be done). The loop in
 * ifm_exec.c polls them beside libcurl's sockets. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ifm_exec_int.h"
#include "ifm_model.h"
#include "ifm_secrets.h"

ifm_xfer *ifm_xfer_new_raw(ifm_exchange *req, const char *bytes, size_t len, const ifm_xfer_opts *opts) {
  ifm_xfer *x = calloc(1, sizeof *x);
  if (!x) return NULL;
  x->ex = *req;
  memset(req, 0, sizeof *req);
  x->opts = *opts;
  x->opts.hold = NULL;               /* a raw request goes out whole */
  x->raw = malloc(len ? len : 1);
  if (!x->raw || !x->ex.method || !x->ex.url) {   /* (not ifm_xfer_free: no call back into ifm_exec.c) */
    free(x->raw);
    ifm_exchange_clear(&x->ex);
    free(x);
    return NULL;
  }
  if (len) memcpy(x->raw, bytes, len);
  x->raw_len = len;
  return x;
}

int ifm_xfer_wire_supported(const char *url, const ifm_xfer_opts *o, char *why, size_t whylen) {
  if (!url || (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0)) {
    snprintf(why, whylen, "a raw request goes over a TCP (or TLS) connection of its own, and the target "
                          "is neither http:// nor https://");
    return 0;
  }
  if (o && o->http_version != 0) {
    snprintf(why, whylen, "a raw request is HTTP/1.1 bytes on a connection of its own, and the target "
                          "speaks HTTP/2");
    return 0;
  }
  if (o && o->net && o->net->proxy) {
    snprintf(why, whylen, "a raw request goes over a connection of its own, never through a proxy, and "
                          "the target is reached through one");
    return 0;
  }
  return 1;
}

/* host and port of one side of "HOST:PORT" at s (an IPv6 host in brackets);
 * *end points after it. 0, or -1 when it does not parse. */
static int host_port(const char *s, char *host, size_t hostlen, int *port, const char **end) {
  const char *h = s, *he, *p;
  size_t n;
  if (*s == '[') {
    if (!(he = strchr(s, ']'))) return -1;
    h = s + 1;
    p = he + 1;
  } else {
    he = strchr(s, ':');
    if (!he) return -1;
    p = he;
  }
  if (*p != ':') return -1;
  n = (size_t)(he - h);
  if (n >= hostlen) return -1;
  memcpy(host, h, n);
  host[n] = '\0';
  *port = (int)strtol(p + 1, (char **)end, 10);
  if (*end == p + 1) *port = 0;   /* empty: any (connect_to) */
  return 0;
}

/* curl's CONNECT_TO: "HOST1:PORT1:HOST2:PORT2", an empty part matching any
 * host or port, or keeping it. */
static void apply_connect_to(const ifm_netopts *n, char *host, size_t hostlen, int *port) {
  size_t i;
  for (i = 0; n && i < n->n_connect_to; i++) {
    char h1[256], h2[256];
    int p1, p2;
    const char *rest, *end;
    if (host_port(n->connect_to[i], h1, sizeof h1, &p1, &rest) != 0 || *rest != ':') continue;
    if ((h1[0] && strcasecmp(h1, host) != 0) || (p1 && p1 != *port)) continue;
    if (host_port(rest + 1, h2, sizeof h2, &p2, &end) != 0) continue;
    if (h2[0] && strlen(h2) < hostlen) strcpy(host, h2);
    if (p2) *port = p2;
    return;
  }
}

/* curl's RESOLVE: "[+]HOST:PORT:ADDR[,ADDR]..." gives HOST:PORT its address. */
static void apply_resolve(const ifm_netopts *n, char *host, size_t hostlen, int port) {
  size_t i;
  for (i = 0; n && i < n->n_resolve; i++) {
    const char *s = n->resolve[i], *rest, *a;
    char h[256];
    int p;
    size_t len;
    if (*s == '-') continue;
    if (*s == '+') s++;
    if (host_port(s, h, sizeof h, &p, &rest) != 0 || *rest != ':' || strcasecmp(h, host) != 0 || p != port)
      continue;
    a = rest + 1;
    if (*a == '[') a++;
    len = strcspn(a, ",]");
    if (len == 0 || len >= hostlen) continue;
    memcpy(host, a, len);
    host[len] = '\0';
    return;
  }
}

int ifm_exec_url_endpoint(const char *url, const ifm_netopts *net, char *host, size_t hostlen, int *port,
                          char *conn, size_t connlen, int *conn_port) {
  CURLU *u = curl_url();
  char *h = NULL, *p = NULL;
  int rc = -1;
  if (u && url && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT) == CURLUE_OK && strlen(h) < hostlen &&
      strlen(h) < connlen) {
    size_t n = strlen(h);
    if (h[0] == '[' && n > 2 && h[n - 1] == ']') {      /* an IPv6 literal */
      memcpy(host, h + 1, n - 2);
      host[n - 2] = '\0';
    } else {
      strcpy(host, h);
    }
    *port = atoi(p);
    strcpy(conn, host);
    *conn_port = *port;
    apply_connect_to(net, conn, connlen, conn_port);
    apply_resolve(net, conn, connlen, *conn_port);
    rc = 0;
  }
  curl_free(h);
  curl_free(p);
  curl_url_cleanup(u);
  return rc;
}

int ifm_exec_wire_start(ifm_xfer *x, double now) {
  char host[256], conn[256], err[256];
  int port = 0, conn_port = 0;
  ifm_wire_opts wo;
  err[0] = '\0';
  if (ifm_exec_url_endpoint(x->ex.url, x->opts.net, host, sizeof host, &port, conn, sizeof conn, &conn_port) != 0) {
    snprintf(err, sizeof err, "the URL does not parse as http://host[:port]/...");
  } else {
    memset(&wo, 0, sizeof wo);
    wo.host = conn;
    wo.port = conn_port;
    wo.timeout_s = x->opts.timeout_s > 0 ? x->opts.timeout_s : 10.0;
    wo.head_request = x->ex.method && strcmp(x->ex.method, "HEAD") == 0;
    wo.hold = x->opts.hold ? 1 : 0;        /* the release engine's last byte */
    if (strncasecmp(x->ex.url, "https://", 8) == 0) {
      wo.tls_host = host;
      wo.tls_verify = x->opts.tls_verify;
      wo.ca_file = x->opts.ca_file;
      wo.cert = x->opts.net ? x->opts.net->cert : NULL;
      wo.key = x->opts.net ? x->opts.net->key : NULL;
    }
    x->wire = ifm_wire_new(&wo, x->raw, x->raw_len, now, err, sizeof err);
  }
  if (x->wire) return 0;
  free(x->ex.error);
  x->ex.error = ifm_strdup(err);
  return -1;
}

size_t ifm_exec_wire_fds(const ifm_exec *e, struct curl_waitfd *fds, size_t cap, double *next) {
  size_t i, n = 0;
  for (i = 0; i < e->n_active; i++) {
    const ifm_wire *w = e->active[i]->wire;
    if (!w || ifm_wire_fd(w) < 0) continue;
    if (ifm_wire_deadline(w) < *next) *next = ifm_wire_deadline(w);
    if (n == cap) continue;
    fds[n].fd = ifm_wire_fd(w);
    fds[n].events = (short)((ifm_wire_events(w) & POLLIN ? CURL_WAIT_POLLIN : 0) |
                            (ifm_wire_events(w) & POLLOUT ? CURL_WAIT_POLLOUT : 0));
    fds[n].revents = 0;
    n++;
  }
  return n;
}

/* The Basic credentials libcurl sends for a URL's userinfo (nothing when
 * it has none), as a field line. 0, or -1 out of memory. */
static int wire_basic(CURLU *u, ifm_buf *b) {
  char *user = NULL, *pass = NULL, *field = NULL;
  ifm_buf ui = IFM_BUF_INIT;
  int rc = 0;
  if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK && user) {
    curl_url_get(u, CURLUPART_PASSWORD, &pass, 0);
    rc = ifm_buf_printf(&ui, "%s:%s", user, pass ? pass : "") != 0 ||
         !(field = ifm_secrets_basic(ui.p, ui.len)) || ifm_buf_printf(b, "Authorization: %s\r\n", field) != 0
             ? -1 : 0;
  }
  free(field);
  ifm_buf_clear(&ui);
  curl_free(user);
  curl_free(pass);
  return rc;
}

int ifm_exec_wire_serialize(ifm_xfer *x) {
  CURLU *u = curl_url();
  char *host = NULL, *port = NULL, *path = NULL, *query = NULL;
  ifm_buf b = IFM_BUF_INIT;
  size_t i;
  int rc = -1, has_auth = 0, has_body = x->has_body && strcmp(x->ex.method, "HEAD") != 0;
  if (!u || curl_url_set(u, CURLUPART_URL, x->ex.url, 0) != CURLUE_OK ||
      curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK)
    goto out;
  curl_url_get(u, CURLUPART_PORT, &port, 0);       /* none: the scheme's default, not written */
  curl_url_get(u, CURLUPART_QUERY, &query, 0);
  if (ifm_buf_printf(&b, "%s %s%s%s HTTP/1.1\r\nHost: %s%s%s\r\nUser-Agent: ifmatch/" IFM_VERSION
                     "\r\nAccept: */*\r\n", x->ex.method, path, query ? "?" : "", query ? query : "", host,
                     port ? ":" : "", port ? port : ""))
    goto out;
  for (i = 0; i < x->ex.n_req_headers; i++) {
    const ifm_field *f = &x->ex.req_headers[i];
    if (ifm_buf_puts(&b, f->name) || ifm_buf_puts(&b, ": ") || ifm_buf_append(&b, f->value, f->value_len) ||
        ifm_buf_puts(&b, "\r\n"))
      goto out;
    if (strcasecmp(f->name, "Authorization") == 0) has_auth = 1;
  }
  if (!has_auth && wire_basic(u, &b) != 0) goto out;
  if (has_body || strcmp(x->ex.method, "PUT") == 0 || strcmp(x->ex.method, "POST") == 0 ||
      strcmp(x->ex.method, "PATCH") == 0)
    if (ifm_buf_printf(&b, "Content-Length: %zu\r\n", has_body ? x->body.len : (size_t)0)) goto out;
  if (ifm_buf_puts(&b, "\r\n") || (has_body && ifm_buf_append(&b, x->body.p ? x->body.p : "", x->body.len)))
    goto out;
  free(x->raw);
  x->raw_len = b.len;
  x->raw = ifm_buf_detach(&b);
  rc = x->raw ? 0 : -1;
out:
  ifm_buf_clear(&b);
  curl_free(host);
  curl_free(port);
  curl_free(path);
  curl_free(query);
  curl_url_cleanup(u);
  return rc;
}

void ifm_exec_wire_seal(ifm_xfer *x) {
  const char *body;
  if (x->has_body && !x->ex.req_body) {   /* a prepared request: its body goes back to the record */
    x->ex.req_body = x->body.p ? x->body.p : ifm_strdup("");
    x->ex.req_body_len = x->ex.req_body_total = x->body.len;
    memset(&x->body, 0, sizeof x->body);
  }
  if (x->wire && ifm_wire_take(x->wire, &x->ex) != 0 && !x->ex.error)
    x->ex.error = ifm_strdup("out of memory reading the answer");
  body = x->ex.resp_body ? x->ex.resp_body : "";
  x->ex.req_body_hash = x->ex.req_body ? ifm_hash64(x->ex.req_body, x->ex.req_body_len) : 0;
  x->ex.req_payload_hash = x->ex.req_body_hash;
  x->ex.resp_body_hash = ifm_hash64(body, x->ex.resp_body_len);
  x->ex.resp_payload_hash = x->ex.resp_body_hash;
  if (x->ex.extract) {
    size_t off = 0, len = 0;
    if (ifm_exchange_extract(x->ex.extract, body, &off, &len) != 1) off = len = 0;
    x->ex.resp_payload_hash = ifm_hash64(body + off, len);
  }
}
