/* ifm_h2_race_io.c: the HTTP/2 release engine's connection: a non-blocking
 * TCP connect over the resolved addresses in turn, TCP_NODELAY (a release
 * write must leave at once, not wait for Nagle), and TLS (ifm_tls.h) with
 * ALPN "h2" (RFC 9113 3.2). Writes are single calls, so that
 * the engine can count how many carried the release.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "ifm_h2_race_int.h"
#include "ifm_tls.h"

/* Starts a connect to c->next and advances c->next; 0 when one is under
 * way (or done), -1 when no address is left (err: the last failure). */
static int connect_next(h2r_conn *c, char *err, size_t errlen) {
  while (c->next) {
    struct addrinfo *a = c->next;
    int fd;
    c->next = a->ai_next;
    fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      snprintf(err, errlen, "socket: %s", strerror(errno));
      continue;
    }
    if (connect(fd, a->ai_addr, a->ai_addrlen) == 0 || errno == EINPROGRESS) {
      c->fd = fd;
      return 0;
    }
    snprintf(err, errlen, "connect: %s", strerror(errno));
    close(fd);
  }
  return -1;
}

int h2r_conn_start(h2r_conn *c, const ifm_h2race_opts *o, char *err, size_t errlen) {
  struct addrinfo hints;
  char port[16];
  const char *host = o->connect_host ? o->connect_host : o->host;
  int rc;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  snprintf(port, sizeof port, "%u", o->connect_port ? o->connect_port : o->port);
  rc = getaddrinfo(host, port, &hints, &c->addrs);
  if (rc != 0) {
    snprintf(err, errlen, "cannot resolve %s: %s", host, gai_strerror(rc));
    return -1;
  }
  c->next = c->addrs;
  snprintf(err, errlen, "no address for %s", host);
  return connect_next(c, err, errlen);
}

int h2r_conn_connected(h2r_conn *c, char *err, size_t errlen) {
  int soerr = 0, one = 1;
  socklen_t len = sizeof soerr;
  struct pollfd p = {c->fd, POLLOUT, 0};
  if (poll(&p, 1, 0) == 0) return 0;           /* still connecting */
  if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0) soerr = errno;
  if (soerr == EINPROGRESS || soerr == EALREADY) return 0;
  if (soerr != 0) {
    snprintf(err, errlen, "connect: %s", strerror(soerr));
    close(c->fd);
    c->fd = -1;
    return connect_next(c, err, errlen) == 0 ? 0 : -1;
  }
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return 1;
}

int h2r_conn_tls_start(h2r_conn *c, const ifm_h2race_opts *o, char *err, size_t errlen) {
  static const unsigned char alpn[] = {2, 'h', '2'};
  ifm_tls_opts to;
  memset(&to, 0, sizeof to);
  to.host = o->host;
  to.verify = o->tls_verify;
  to.ca_file = o->ca_file;
  to.cert = o->cert;
  to.key = o->key;
  to.alpn = alpn;
  to.alpn_len = sizeof alpn;
  c->tls = ifm_tls_new(c->fd, &to, err, errlen);
  return c->tls ? 0 : -1;
}

int h2r_conn_tls_step(h2r_conn *c, char *err, size_t errlen) {
  int rc = ifm_tls_handshake(c->tls, err, errlen);
  if (rc != 1) return rc;
  if (!ifm_tls_alpn_is(c->tls, "h2")) {
    snprintf(err, errlen, "TLS: the server did not select h2 by ALPN (RFC 9113 3.2)");
    return -1;
  }
  return 1;
}

ssize_t h2r_conn_read(h2r_conn *c, void *buf, size_t n, char *err, size_t errlen) {
  if (c->tls) return ifm_tls_read(c->tls, buf, n, err, errlen);
  for (;;) {
    ssize_t rc = recv(c->fd, buf, n, 0);
    if (rc >= 0) return rc;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return -1;
    snprintf(err, errlen, "recv: %s", strerror(errno));
    return -2;
  }
}

ssize_t h2r_conn_write(h2r_conn *c, const void *buf, size_t n, char *err, size_t errlen) {
  if (c->tls) return ifm_tls_write(c->tls, buf, n, err, errlen);
  for (;;) {
    ssize_t rc = send(c->fd, buf, n, MSG_NOSIGNAL);
    if (rc >= 0) return rc;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
    snprintf(err, errlen, "send: %s", strerror(errno));
    return -1;
  }
}

void h2r_conn_close(h2r_conn *c) {
  ifm_tls_free(c->tls);
  if (c->fd >= 0) close(c->fd);
  if (c->addrs) freeaddrinfo(c->addrs);
  c->tls = NULL;
  c->fd = -1;
  c->addrs = c->next = NULL;
}
