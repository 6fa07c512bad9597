/* tls_test.c: the executor's TLS client session (runner/exec/ifm_tls.c)
 * against an OpenSSL server of the test's own on the other end of a socket
 * pair, both non-blocking and stepped in turn, with a certificate made here
 * for CN localhost (SAN DNS:localhost, IP:127.0.0.1).
 *
 * What must hold (ifm_tls.h): a verified handshake with the CA file and the
 * right name, by DNS name or IP literal; refused for another name, and with
 * the system store (the certificate is self-made), with the verification
 * error said; accepted with verification off; the ALPN the server chose
 * seen; bytes both ways; the server's close read as the end of the stream;
 * an unreadable CA file or a certificate without its key refused at once. */
#include <fcntl.h>
#include <unistd.h>
#include <sys/socket.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include "ifm_test.h"
#include "ifm_tls.h"

static char dir[] = "/tmp/ifm-tls-test.XXXXXX";
static char cert_path[256], key_path[256];
static EVP_PKEY *pkey;
static X509 *x509;

/* A key and a self-signed certificate for localhost, written as PEM. */
static int make_cert(void) {
  FILE *f;
  X509V3_CTX ctx;
  X509_EXTENSION *ext;
  if (!mkdtemp(dir)) return -1;
  snprintf(cert_path, sizeof cert_path, "%s/cert.pem", dir);
  snprintf(key_path, sizeof key_path, "%s/key.pem", dir);
  if (!(pkey = EVP_EC_gen("P-256")) || !(x509 = X509_new())) return -1;
  ASN1_INTEGER_set(X509_get_serialNumber(x509), 1);
  X509_gmtime_adj(X509_getm_notBefore(x509), -60);
  X509_gmtime_adj(X509_getm_notAfter(x509), 86400);
  X509_set_pubkey(x509, pkey);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(x509), "CN", MBSTRING_ASC, (const unsigned char *)"localhost",
                             -1, -1, 0);
  X509_set_issuer_name(x509, X509_get_subject_name(x509));
  X509V3_set_ctx(&ctx, x509, x509, NULL, NULL, 0);
  if (!(ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1"))) return -1;
  X509_add_ext(x509, ext, -1);
  X509_EXTENSION_free(ext);
  if (!X509_sign(x509, pkey, EVP_sha256())) return -1;
  if (!(f = fopen(cert_path, "w"))) return -1;
  PEM_write_X509(f, x509);
  fclose(f);
  if (!(f = fopen(key_path, "w"))) return -1;
  PEM_write_PrivateKey(f, pkey, NULL, NULL, 0, NULL, NULL);
  fclose(f);
  return 0;
}

static int alpn_select_cb(SSL *s, const unsigned char **out, unsigned char *outlen, const unsigned char *in,
                          unsigned inlen, void *arg) {
  (void)s;
  (void)arg;
  if (inlen >= 9 && memcmp(in, "\x08http/1.1", 9) == 0) {
    *out = in + 1;
    *outlen = 8;
    return SSL_TLSEXT_ERR_OK;
  }
  return SSL_TLSEXT_ERR_NOACK;
}

typedef struct pair {
  int fd[2];
  SSL_CTX *sctx;
  SSL *srv;
  ifm_tls *cli;
} pair;

static void pair_close(pair *p) {
  ifm_tls_free(p->cli);
  if (p->srv) SSL_free(p->srv);
  if (p->sctx) SSL_CTX_free(p->sctx);
  close(p->fd[0]);
  close(p->fd[1]);
}

/* A client over one end with o, a server over the other. -1 when the client
 * cannot be made (err says why). */
static int pair_open(pair *p, const ifm_tls_opts *o, char *err, size_t errlen) {
  memset(p, 0, sizeof *p);
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, p->fd) != 0) return -2;
  p->sctx = SSL_CTX_new(TLS_server_method());
  SSL_CTX_use_certificate(p->sctx, x509);
  SSL_CTX_use_PrivateKey(p->sctx, pkey);
  SSL_CTX_set_alpn_select_cb(p->sctx, alpn_select_cb, NULL);
  p->srv = SSL_new(p->sctx);
  SSL_set_fd(p->srv, p->fd[1]);
  SSL_set_accept_state(p->srv);
  p->cli = ifm_tls_new(p->fd[0], o, err, errlen);
  return p->cli ? 0 : -1;
}

/* Steps both handshakes in turn: the client's result (1 or -1), 0 when
 * neither ends within the bound. */
static int pair_handshake(pair *p, char *err, size_t errlen) {
  int i, rc = 0;
  for (i = 0; i < 200; i++) {
    rc = ifm_tls_handshake(p->cli, err, errlen);
    SSL_do_handshake(p->srv);
    if (rc != 0) return rc;
  }
  return 0;
}

static ifm_tls_opts opts(const char *host, int verify, const char *ca) {
  static const unsigned char alpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  ifm_tls_opts o;
  memset(&o, 0, sizeof o);
  o.host = host;
  o.verify = verify;
  o.ca_file = ca;
  o.alpn = alpn;
  o.alpn_len = sizeof alpn;
  return o;
}

static void test_verified_exchange(void) {
  pair p;
  char err[256] = "", buf[64];
  ifm_tls_opts o = opts("localhost", 1, cert_path);
  ssize_t n;
  int i;
  ASSERT_EQ(pair_open(&p, &o, err, sizeof err), 0);
  ASSERT_EQ(pair_handshake(&p, err, sizeof err), 1);
  ASSERT(ifm_tls_alpn_is(p.cli, "http/1.1") && !ifm_tls_alpn_is(p.cli, "h2"));
  ASSERT_EQ(ifm_tls_write(p.cli, "ping", 4, err, sizeof err), 4);
  ASSERT_EQ(SSL_read(p.srv, buf, sizeof buf), 4);
  ASSERT(memcmp(buf, "ping", 4) == 0);
  ASSERT_EQ(ifm_tls_read(p.cli, buf, sizeof buf, err, sizeof err), -1);   /* nothing yet */
  ASSERT_EQ(SSL_write(p.srv, "pong", 4), 4);
  ASSERT_EQ(ifm_tls_read(p.cli, buf, sizeof buf, err, sizeof err), 4);
  ASSERT(memcmp(buf, "pong", 4) == 0);
  SSL_shutdown(p.srv);
  for (i = 0, n = -1; i < 10 && n == -1; i++) n = ifm_tls_read(p.cli, buf, sizeof buf, err, sizeof err);
  ASSERT_EQ(n, 0);
  pair_close(&p);
  /* an IP literal is verified against the IP SAN (no SNI) */
  o = opts("127.0.0.1", 1, cert_path);
  ASSERT_EQ(pair_open(&p, &o, err, sizeof err), 0);
  ASSERT_EQ(pair_handshake(&p, err, sizeof err), 1);
  pair_close(&p);
}

static void test_refused(void) {
  pair p;
  char err[256] = "";
  ifm_tls_opts o = opts("other.example", 1, cert_path);
  ASSERT_EQ(pair_open(&p, &o, err, sizeof err), 0);
  ASSERT_EQ(pair_handshake(&p, err, sizeof err), -1);
  ASSERT_CONTAINS(err, "TLS: certificate verification failed");
  pair_close(&p);
  o = opts("localhost", 1, NULL);                 /* the system store does not know it */
  ASSERT_EQ(pair_open(&p, &o, err, sizeof err), 0);
  ASSERT_EQ(pair_handshake(&p, err, sizeof err), -1);
  ASSERT_CONTAINS(err, "certificate");
  pair_close(&p);
  o = opts("other.example", 0, NULL);             /* verification off: accepted */
  ASSERT_EQ(pair_open(&p, &o, err, sizeof err), 0);
  ASSERT_EQ(pair_handshake(&p, err, sizeof err), 1);
  pair_close(&p);
}

static void test_bad_files(void) {
  pair p;
  char err[256] = "";
  ifm_tls_opts o = opts("localhost", 1, "/nonexistent/ca.pem");
  ASSERT_EQ(pair_open(&p, &o, err, sizeof err), -1);
  ASSERT_CONTAINS(err, "TLS: cannot load the CA file");
  pair_close(&p);
  o = opts("localhost", 1, cert_path);
  o.cert = cert_path;                              /* the key is not in it */
  ASSERT_EQ(pair_open(&p, &o, err, sizeof err), -1);
  ASSERT_CONTAINS(err, "TLS: cannot load the client key");
  pair_close(&p);
  o.key = key_path;                                /* now it is whole */
  ASSERT_EQ(pair_open(&p, &o, err, sizeof err), 0);
  ASSERT_EQ(pair_handshake(&p, err, sizeof err), 1);
  pair_close(&p);
}

static void test_cleanup(void) {
  unlink(cert_path);
  unlink(key_path);
  rmdir(dir);
  X509_free(x509);
  EVP_PKEY_free(pkey);
  ASSERT(1);
}

static void test_setup(void) { ASSERT_EQ(make_cert(), 0); }

IFM_TEST_MAIN(TEST(test_setup), TEST(test_verified_exchange), TEST(test_refused), TEST(test_bad_files),
              TEST(test_cleanup))
