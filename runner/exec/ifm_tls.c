/* ifm_tls.c: a TLS client session over a caller's socket (see ifm_tls.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include "ifm_tls.h"

struct ifm_tls {
  SSL_CTX *ctx;
  SSL *ssl;
  int want_write;          /* the handshake waits to write, not to read */
  size_t retry;            /* an SSL_write to repeat with this length */
};

#define TLS_MAX_WRITE ((size_t)1 << 30)

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

/* 1 when s is an IP address literal. */
static int is_ip_literal(const char *s) {
  unsigned char b[sizeof(struct in6_addr)];
  return inet_pton(AF_INET, s, b) == 1 || inet_pton(AF_INET6, s, b) == 1;
}

static int tls_setup_ctx(ifm_tls *t, const ifm_tls_opts *o, char *err, size_t errlen) {
  if (!(t->ctx = SSL_CTX_new(TLS_client_method()))) return tls_error(err, errlen, "cannot create a context"), -1;
  SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION);
  SSL_CTX_set_mode(t->ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (o->verify) {
    SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, NULL);
    if (o->ca_file ? SSL_CTX_load_verify_locations(t->ctx, o->ca_file, NULL) != 1
                   : SSL_CTX_set_default_verify_paths(t->ctx) != 1)
      return tls_error(err, errlen, o->ca_file ? "cannot load the CA file" : "cannot load the system CAs"), -1;
  } else {
    SSL_CTX_set_verify(t->ctx, SSL_VERIFY_NONE, NULL);
  }
  if (o->cert) {
    if (SSL_CTX_use_certificate_chain_file(t->ctx, o->cert) != 1)
      return tls_error(err, errlen, "cannot load the client certificate"), -1;
    if (SSL_CTX_use_PrivateKey_file(t->ctx, o->key ? o->key : o->cert, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(t->ctx) != 1)
      return tls_error(err, errlen, "cannot load the client key"), -1;
  }
  if (o->alpn && SSL_CTX_set_alpn_protos(t->ctx, o->alpn, (unsigned)o->alpn_len) != 0)
    return tls_error(err, errlen, "cannot set ALPN"), -1;
  return 0;
}

ifm_tls *ifm_tls_new(int fd, const ifm_tls_opts *o, char *err, size_t errlen) {
  ifm_tls *t = calloc(1, sizeof *t);
  int ip;
  if (!t) {
    snprintf(err, errlen, "TLS: out of memory");
    return NULL;
  }
  ERR_clear_error();
  if (tls_setup_ctx(t, o, err, errlen) != 0) goto fail;
  t->ssl = SSL_new(t->ctx);
  if (!t->ssl || SSL_set_fd(t->ssl, fd) != 1) {
    tls_error(err, errlen, "cannot create a session");
    goto fail;
  }
  ip = is_ip_literal(o->host);
  if (!ip && SSL_set_tlsext_host_name(t->ssl, o->host) != 1) {
    tls_error(err, errlen, "cannot set SNI");
    goto fail;
  }
  if (o->verify && (ip ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(t->ssl), o->host)
                       : SSL_set1_host(t->ssl, o->host)) != 1) {
    tls_error(err, errlen, "cannot set the name to verify");
    goto fail;
  }
  SSL_set_connect_state(t->ssl);
  return t;
fail:
  ifm_tls_free(t);
  return NULL;
}

void ifm_tls_free(ifm_tls *t) {
  if (!t) return;
  if (t->ssl) SSL_free(t->ssl);
  if (t->ctx) SSL_CTX_free(t->ctx);
  free(t);
}

int ifm_tls_handshake(ifm_tls *t, char *err, size_t errlen) {
  int rc = SSL_connect(t->ssl), e;
  long v;
  if (rc == 1) return 1;
  e = SSL_get_error(t->ssl, rc);
  if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
    t->want_write = e == SSL_ERROR_WANT_WRITE;
    ERR_clear_error();
    return 0;
  }
  if ((v = SSL_get_verify_result(t->ssl)) != X509_V_OK) {
    snprintf(err, errlen, "TLS: certificate verification failed: %s", X509_verify_cert_error_string(v));
    ERR_clear_error();
    return -1;
  }
  tls_error(err, errlen, e == SSL_ERROR_SYSCALL ? "handshake: connection broken" : "handshake failed");
  return -1;
}

int ifm_tls_wants_write(const ifm_tls *t) { return t->want_write; }

int ifm_tls_alpn_is(const ifm_tls *t, const char *proto) {
  const unsigned char *p = NULL;
  unsigned len = 0;
  SSL_get0_alpn_selected(t->ssl, &p, &len);
  return p && len == strlen(proto) && memcmp(p, proto, len) == 0;
}

ssize_t ifm_tls_read(ifm_tls *t, void *buf, size_t n, char *err, size_t errlen) {
  int rc = SSL_read(t->ssl, buf, (int)(n > TLS_MAX_WRITE ? TLS_MAX_WRITE : n)), e;
  if (rc > 0) return rc;
  e = SSL_get_error(t->ssl, rc);
  if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return -1;
  if (e == SSL_ERROR_ZERO_RETURN) return 0;
  if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
    if (rc == 0 || errno == 0) return 0;      /* closed without close_notify */
    snprintf(err, errlen, "recv: %s", strerror(errno));
    return -2;
  }
  /* OpenSSL 3 reports a close without close_notify as an SSL error */
  if (ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
    ERR_clear_error();
    return 0;
  }
  tls_error(err, errlen, "read failed");
  return -2;
}

ssize_t ifm_tls_write(ifm_tls *t, const void *buf, size_t n, char *err, size_t errlen) {
  int rc, e;
  if (t->retry) n = t->retry;
  if (n > TLS_MAX_WRITE) n = TLS_MAX_WRITE;
  rc = SSL_write(t->ssl, buf, (int)n);
  if (rc > 0) {
    t->retry = 0;
    return rc;
  }
  e = SSL_get_error(t->ssl, rc);
  if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
    t->retry = n;
    ERR_clear_error();
    return 0;
  }
  if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)
    snprintf(err, errlen, "send: %s", strerror(errno));
  else
    tls_error(err, errlen, "write failed");
  return -1;
}

int ifm_tls_write_pending(const ifm_tls *t) { return t->retry != 0; }
