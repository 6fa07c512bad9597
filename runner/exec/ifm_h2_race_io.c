/* ifm_h2_race_io.c: the HTTP/2 release engine's connection: a non-blocking
 * TCP connect over the resolved addresses in turn, TCP_NODELAY (a release
 * write must leave at once, not wait for Nagle), and TLS through OpenSSL
 * with SNI and ALPN "h2" (RFC 9113 3.2). Writes are single calls, so that
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
#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include "ifm_h2_race_int.h"

/* The last OpenSSL error, or what, into err. */
static void tls_error(char *err, size_t errlen, const char *what) {
  unsigned long e = ERR_get_error();
  char buf[256];
  if (e) {
    ERR_error_string_n(e, buf, sizeof buf);
    snprintf(err, errlen, "TLS: %s: %s", what, buf);
  } else {
    snprintf(err, errlen, "TLS: %s", what);
  }
  ERR_clear_error();
}

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

/* 1 when s is an IP address literal (no SNI for those, RFC 6066 3). */
static int is_ip_literal(const char *s) {
  unsigned char b[sizeof(struct in6_addr)];
  return inet_pton(AF_INET, s, b) == 1 || inet_pton(AF_INET6, s, b) == 1;
}

int h2r_conn_tls_start(h2r_conn *c, const ifm_h2race_opts *o, char *err, size_t errlen) {
  static const unsigned char alpn[] = {2, 'h', '2'};
  c->ctx = SSL_CTX_new(TLS_client_method());
  if (!c->ctx) {
    tls_error(err, errlen, "cannot create a context");
    return -1;
  }
  SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION);   /* RFC 9113 9.2 */
  SSL_CTX_set_mode(c->ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (o->tls_verify) {
    SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
    if (o->ca_file ? SSL_CTX_load_verify_locations(c->ctx, o->ca_file, NULL) != 1
                   : SSL_CTX_set_default_verify_paths(c->ctx) != 1) {
      tls_error(err, errlen, o->ca_file ? "cannot load the CA file" : "cannot load the system CAs");
      return -1;
    }
  } else {
    SSL_CTX_set_verify(c->ctx, SSL_VERIFY_NONE, NULL);
  }
  if (SSL_CTX_set_alpn_protos(c->ctx, alpn, sizeof alpn) != 0) {
    tls_error(err, errlen, "cannot set ALPN");
    return -1;
  }
  c->ssl = SSL_new(c->ctx);
  if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1) {
    tls_error(err, errlen, "cannot create a session");
    return -1;
  }
  if (!is_ip_literal(o->host) && SSL_set_tlsext_host_name(c->ssl, o->host) != 1) {
    tls_error(err, errlen, "cannot set SNI");
    return -1;
  }
  if (o->tls_verify) {
    int ok = is_ip_literal(o->host) ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), o->host)
                                    : SSL_set1_host(c->ssl, o->host);
    if (ok != 1) {
      tls_error(err, errlen, "cannot set the name to verify");
      return -1;
    }
  }
  SSL_set_connect_state(c->ssl);
  return 0;
}

int h2r_conn_tls_step(h2r_conn *c, char *err, size_t errlen) {
  const unsigned char *proto = NULL;
  unsigned proto_len = 0;
  int rc = SSL_connect(c->ssl);
  if (rc != 1) {
    int e = SSL_get_error(c->ssl, rc);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
      c->want_write = e == SSL_ERROR_WANT_WRITE;
      ERR_clear_error();
      return 0;
    }
    if (SSL_get_verify_result(c->ssl) != X509_V_OK) {
      snprintf(err, errlen, "TLS: certificate verification failed: %s",
               X509_verify_cert_error_string(SSL_get_verify_result(c->ssl)));
      ERR_clear_error();
      return -1;
    }
    tls_error(err, errlen, e == SSL_ERROR_SYSCALL ? "handshake: connection broken" : "handshake failed");
    return -1;
  }
  SSL_get0_alpn_selected(c->ssl, &proto, &proto_len);
  if (proto_len != 2 || memcmp(proto, "h2", 2) != 0) {
    snprintf(err, errlen, "TLS: the server did not select h2 by ALPN (RFC 9113 3.2)");
    return -1;
  }
  return 1;
}

ssize_t h2r_conn_read(h2r_conn *c, void *buf, size_t n, char *err, size_t errlen) {
  if (c->ssl) {
    int rc = SSL_read(c->ssl, buf, n > 1 << 30 ? 1 << 30 : (int)n);
    int e;
    if (rc > 0) return rc;
    e = SSL_get_error(c->ssl, rc);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return -1;
    if (e == SSL_ERROR_ZERO_RETURN) return 0;
    if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
      if (rc == 0) return 0;               /* closed without close_notify */
      snprintf(err, errlen, "recv: %s", strerror(errno));
      return -2;
    }
    tls_error(err, errlen, "read failed");
    return -2;
  }
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
  if (c->ssl) {
    int rc, e;
    if (c->tls_retry) n = c->tls_retry;
    rc = SSL_write(c->ssl, buf, n > 1 << 30 ? 1 << 30 : (int)n);
    if (rc > 0) {
      c->tls_retry = 0;
      return rc;
    }
    e = SSL_get_error(c->ssl, rc);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
      c->tls_retry = n > 1 << 30 ? 1 << 30 : n;
      return 0;
    }
    if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)
      snprintf(err, errlen, "send: %s", strerror(errno));
    else
      tls_error(err, errlen, "write failed");
    return -1;
  }
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
  if (c->ssl) SSL_free(c->ssl);
  if (c->ctx) SSL_CTX_free(c->ctx);
  if (c->fd >= 0) close(c->fd);
  if (c->addrs) freeaddrinfo(c->addrs);
  c->ssl = NULL;
  c->ctx = NULL;
  c->fd = -1;
  c->addrs = c->next = NULL;
}
