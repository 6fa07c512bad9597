/* ifm_tls.h: a TLS client session through OpenSSL over a non-blocking
 * socket the caller connected and owns, for the executor's own connections
 * (the HTTP/2 release engine, ifm_h2_race_io.c; a `raw:` step's HTTP/1.1
 * bytes, ifm_wire.c). libcurl's transfers do their own TLS.
 *
 * What it does as curl does: SNI with the host name (never for an IP
 * literal, RFC 6066 3), the chain and the name verified against the system
 * store or a CA file unless verification is off, a client certificate and
 * its key (PEM) when given, TLS 1.2 at least, ALPN when asked for. Errors
 * are one line beginning "TLS: ".
 */
#ifndef IFM_TLS_H
#define IFM_TLS_H

#include <stddef.h>
#include <sys/types.h>

typedef struct ifm_tls ifm_tls;

typedef struct ifm_tls_opts {
  const char *host;             /* the URL's host: SNI and the name verified */
  int verify;                   /* 1: verify the chain and the host name */
  const char *ca_file;          /* NULL: the system store */
  const char *cert, *key;       /* client certificate and key, PEM; key NULL: in cert; both NULL: none */
  const unsigned char *alpn;    /* ALPN protocol list in wire form ({2,'h','2'}); NULL: no ALPN */
  size_t alpn_len;
} ifm_tls_opts;

/* A session over fd (connected, non-blocking; the caller keeps it and
 * closes it after ifm_tls_free). NULL with err on a bad option (an
 * unreadable CA file, certificate or key) or no memory. */
ifm_tls *ifm_tls_new(int fd, const ifm_tls_opts *o, char *err, size_t errlen);
void ifm_tls_free(ifm_tls *t);

/* Advances the handshake: 1 done, 0 pending (ifm_tls_wants_write says
 * which way to poll), -1 failed (err: the verification error when the
 * certificate was refused). */
int ifm_tls_handshake(ifm_tls *t, char *err, size_t errlen);
int ifm_tls_wants_write(const ifm_tls *t);

/* 1 when the server selected proto by ALPN. */
int ifm_tls_alpn_is(const ifm_tls *t, const char *proto);

/* Reads: > 0 bytes, 0 end of stream (close_notify, or a close without
 * it), -1 nothing now, -2 failed (err). */
ssize_t ifm_tls_read(ifm_tls *t, void *buf, size_t n, char *err, size_t errlen);

/* Writes with one SSL_write (one record, or a few for a large n): > 0
 * bytes written, 0 would block, -1 failed (err). A write that would block
 * is repeated with its first length whatever n is next, as OpenSSL wants
 * (buf must still start with the same bytes and hold that many). */
ssize_t ifm_tls_write(ifm_tls *t, const void *buf, size_t n, char *err, size_t errlen);
/* 1 when a write that would block is waiting to be repeated. */
int ifm_tls_write_pending(const ifm_tls *t);

#endif
