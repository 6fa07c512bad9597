/* netcheck_test.c: the connection options (runner/load/ifm_netcheck.c,
 * ifm_load_net.c, the model's ifm_netopts): curl's syntax of --resolve,
 * --connect-to, --proxy and --noproxy, the client certificate files (an
 * encrypted key refused), the target file's keys with their positions and
 * the proxy's userinfo among the secrets, `base_url: embedded`, and the
 * command line laid over the file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ifm_load.h"
#include "ifm_netcheck.h"
#include "ifm_test.h"

static char g_dir[] = "/tmp/ifm-netcheck-XXXXXX";

static const char *scratch(const char *name, const char *text) {
  static char path[16][128];
  static int k;
  FILE *f;
  char *p = path[k++ % 16];
  snprintf(p, sizeof path[0], "%s/%s", g_dir, name);
  if (text && (f = fopen(p, "w")) != NULL) {
    fputs(text, f);
    fclose(f);
  }
  return p;
}

static const char cert_pem[] = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
static const char key_pem[] = "-----BEGIN PRIVATE KEY-----\nMC4C\n-----END PRIVATE KEY-----\n";
static const char rsa_pem[] = "-----BEGIN RSA PRIVATE KEY-----\nMC4C\n-----END RSA PRIVATE KEY-----\n";
static const char enc8_pem[] = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIF\n-----END ENCRYPTED PRIVATE KEY-----\n";
static const char enc1_pem[] =
    "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nMC4C\n"
    "-----END RSA PRIVATE KEY-----\n";

typedef int (*check_fn)(const char *s, char *err, size_t len);

/* fn gives want (0 accepted, -1 refused) for each of v[0..n); a refusal's
 * message never holds hidden (a password of the value), when given. */
static void all_give(check_fn fn, const char *const *v, size_t n, int want, const char *hidden) {
  char err[512];
  size_t i;
  for (i = 0; i < n; i++) {
    int got = fn(v[i], err, sizeof err);
    if (got != want) printf("# '%s': %d, not %d (%s)\n", v[i], got, want, got ? err : "accepted");
    ASSERT_EQ(got, want);
    if (hidden && got) ASSERT(strstr(err, hidden) == NULL);
  }
}

static void test_resolve(void) {
  static const char *const good[] = {"example.com:443:127.0.0.1", "+h.test:80:10.0.0.1,10.0.0.2",
                                     "h:8080:[::1]", "h:8080:::1,127.0.0.1", "*:443:127.0.0.1"};
  static const struct {
    const char *s, *why;
  } bad[] = {{"example.com", "a host name first"},          {":80:127.0.0.1", "a host name first"},
             {"h:0:127.0.0.1", "a port from 1 to 65535"},   {"h:http:127.0.0.1", "a port from 1"},
             {"h:80", "a port from 1"},                     {"h:80:", "'' is not a numeric"},
             {"h:80:localhost", "'localhost' is not a numeric"}, {"h:80:1.2.3.4,", "is not a numeric"},
             {"h:65536:1.2.3.4", "a port from 1"},          {"h h:80:1.2.3.4", "a host name first"}};
  char err[512];
  size_t i;
  all_give(ifm_netcheck_resolve, good, sizeof good / sizeof *good, 0, NULL);
  for (i = 0; i < sizeof bad / sizeof *bad; i++) {
    ASSERT_EQ(ifm_netcheck_resolve(bad[i].s, err, sizeof err), -1);
    ASSERT_CONTAINS(err, bad[i].why);
  }
}

static void test_connect_to(void) {
  static const char *const good[] = {"a.test:80:127.0.0.1:8080", "::127.0.0.1:", "a::b:", ":443::8443",
                                     "[::1]:80:[::1]:81"};
  static const char *const bad[] = {"a:80:b", "a:80:b:80:c", "a:x:b:80", "a:80:b:99999", "a:80::", "",
                                    "a b:80:c:1"};
  char err[512];
  all_give(ifm_netcheck_connect_to, good, sizeof good / sizeof *good, 0, NULL);
  all_give(ifm_netcheck_connect_to, bad, sizeof bad / sizeof *bad, -1, NULL);
  ASSERT_EQ(ifm_netcheck_connect_to("a:80::", err, sizeof err), -1);
  ASSERT_CONTAINS(err, "give HOST2, PORT2 or both");
}

static void test_proxy(void) {
  static const char *const good[] = {"http://127.0.0.1:3128", "127.0.0.1:3128", "proxy.corp",
                                     "https://u:p%40ss@proxy:443/", "socks5h://[::1]:1080", "u:p@h:1"};
  static const char *const bad[] = {"", "ftp://h:21", "http://", "http://h:0", "http://h:80/path",
                                    "http://h h", "http://u:p@", "http://h:x"};
  char err[512];
  all_give(ifm_netcheck_proxy, good, sizeof good / sizeof *good, 0, NULL);
  all_give(ifm_netcheck_proxy, bad, sizeof bad / sizeof *bad, -1, "u:p");   /* the value is never said */
  ASSERT_EQ(ifm_netcheck_noproxy("*", err, sizeof err), 0);
  ASSERT_EQ(ifm_netcheck_noproxy("", err, sizeof err), 0);
  ASSERT_EQ(ifm_netcheck_noproxy("localhost, .corp,10.0.0.0/8", err, sizeof err), 0);
  ASSERT_EQ(ifm_netcheck_noproxy("a\nb", err, sizeof err), -1);
}

static void test_tls_files(void) {
  const char *cert = scratch("cert.pem", cert_pem), *key = scratch("key.pem", key_pem);
  const char *both, *enc8, *enc1, *rsa;
  char err[1024], buf[512];
  int which;
  snprintf(buf, sizeof buf, "%s%s", cert_pem, rsa_pem);
  both = scratch("both.pem", buf);
  ASSERT_EQ(ifm_netcheck_tls(cert, key, &which, err, sizeof err), 0);
  ASSERT_EQ(ifm_netcheck_tls(both, NULL, &which, err, sizeof err), 0);
  ASSERT_EQ(ifm_netcheck_tls(cert, NULL, &which, err, sizeof err), -1);
  ASSERT_EQ(which, 0);
  ASSERT_CONTAINS(err, "holds no private key beside the certificate");
  ASSERT_EQ(ifm_netcheck_tls(NULL, key, &which, err, sizeof err), -1);
  ASSERT_EQ(which, 1);
  ASSERT_CONTAINS(err, "a key without a certificate");
  ASSERT_EQ(ifm_netcheck_tls(scratch("absent.pem", NULL), key, &which, err, sizeof err), -1);
  ASSERT_EQ(which, 0);
  ASSERT_CONTAINS(err, "absent.pem: cannot read it: No such file or directory");
  ASSERT_EQ(ifm_netcheck_tls(key, key, &which, err, sizeof err), -1);
  ASSERT_CONTAINS(err, "holds no PEM certificate");
  ASSERT_EQ(ifm_netcheck_tls(cert, cert, &which, err, sizeof err), -1);
  ASSERT_EQ(which, 1);
  ASSERT_CONTAINS(err, "holds no PEM private key");
  enc8 = scratch("enc8.pem", enc8_pem);
  enc1 = scratch("enc1.pem", enc1_pem);
  ASSERT_EQ(ifm_netcheck_tls(cert, enc8, &which, err, sizeof err), -1);
  ASSERT_EQ(which, 1);
  ASSERT_CONTAINS(err, "enc8.pem: the private key is encrypted, and ifmatch never asks for a passphrase");
  ASSERT_EQ(ifm_netcheck_tls(cert, enc1, &which, err, sizeof err), -1);
  ASSERT_CONTAINS(err, "is encrypted");
  rsa = scratch("rsa.pem", rsa_pem);
  ASSERT_EQ(ifm_netcheck_tls(cert, rsa, &which, err, sizeof err), 0);
  ASSERT_EQ(ifm_netcheck_tls(cert, g_dir, &which, err, sizeof err), -1);   /* a folder */
  unlink(both), unlink(enc8), unlink(enc1), unlink(rsa), unlink(cert), unlink(key);
}

static int has_secret(const ifm_target *t, const char *s) {
  size_t i;
  for (i = 0; i < t->n_secrets; i++)
    if (strcmp(t->secrets[i], s) == 0) return 1;
  return 0;
}

static void test_target_keys(void) {
  char text[2048];
  const char *cert = scratch("c.pem", cert_pem), *key = scratch("k.pem", key_pem);
  ifm_errors err = {0};
  ifm_target t;
  setenv("IFM_NETCHECK_PROXY", "http://proxyuser:proxy-pass-1@127.0.0.1:3128", 1);
  snprintf(text, sizeof text,
           "base_url: https://api.test:8443\n"
           "tls: {ca_file: /tmp/ca.pem, cert: %s, key: %s}\n"
           "proxy: ${env:IFM_NETCHECK_PROXY}\n"
           "noproxy: \"*\"\n"
           "resolve: [\"api.test:8443:127.0.0.1\", \"+b.test:80:10.1.1.1,[::1]\"]\n"
           "connect_to: \"api.test:8443:127.0.0.1:9443\"\n",
           cert, key);
  ASSERT_EQ(ifm_load_target_buffer("n.yaml", text, strlen(text), &t, &err), 0);
  ASSERT_STREQ(t.net.cert, cert);
  ASSERT_STREQ(t.net.key, key);
  ASSERT_STREQ(t.net.proxy, "http://proxyuser:proxy-pass-1@127.0.0.1:3128");
  ASSERT_STREQ(t.net.noproxy, "*");
  ASSERT_EQ(t.net.n_resolve, 2);
  ASSERT_STREQ(t.net.resolve[1], "+b.test:80:10.1.1.1,[::1]");
  ASSERT_EQ(t.net.n_connect_to, 1);      /* a single string is a list of one */
  ASSERT(has_secret(&t, "proxy-pass-1"));
  ASSERT(has_secret(&t, "proxyuser:proxy-pass-1"));
  ASSERT_EQ(t.embedded, 0);
  ifm_target_clear(&t);
  ifm_errors_clear(&err);

  /* a literal proxy's userinfo is a secret too, without a scheme as well */
  snprintf(text, sizeof text, "base_url: http://h\nproxy: pu:literal-pw@127.0.0.1:3128\n");
  ASSERT_EQ(ifm_load_target_buffer("p.yaml", text, strlen(text), &t, &err), 0);
  ASSERT(has_secret(&t, "literal-pw"));
  ifm_target_clear(&t);
  ifm_errors_clear(&err);
  unsetenv("IFM_NETCHECK_PROXY");
  unlink(cert), unlink(key);
}

static void test_target_key_errors(void) {
  static const struct {
    const char *text, *where, *what;
  } bad[] = {
      {"base_url: http://h\nresolve: [\"a:80:127.0.0.1\", \"b:80\"]\n", "e.yaml:2:29:", "resolve: 'b:80'"},
      {"base_url: http://h\nconnect_to: [a:80:b]\n", "e.yaml:2:14:", "connect_to: 'a:80:b': expected HOST1:PORT1"},
      {"base_url: http://h\nproxy: ftp://x\n", "e.yaml:2:8:", "proxy: unknown proxy scheme 'ftp'"},
      {"base_url: http://h\nresolve: {a: b}\n", "e.yaml:2:10:", "resolve: expected a list"},
      {"base_url: http://h\ntls: {cert: /nonexistent/c.pem}\n", "e.yaml:2:13:",
       "tls.cert: /nonexistent/c.pem: cannot read it"},
      {"base_url: http://h\ntls: {verify: true, key: /k.pem}\n", "e.yaml:2:26:",
       "tls.key: a key without a certificate"},
      {"base_url: http://h\nproxy: ${env:IFM_NETCHECK_UNSET}\n", "e.yaml:2:8:", "is not set"},
      {"base_url: embeded\n", "e.yaml:1:11:", "https://... or embedded"},
  };
  size_t i;
  for (i = 0; i < sizeof bad / sizeof *bad; i++) {
    ifm_errors err = {0};
    ifm_target t;
    ASSERT_EQ(ifm_load_target_buffer("e.yaml", bad[i].text, strlen(bad[i].text), &t, &err), -1);
    if (!ifm_test_has_message(err.msgs, err.n, bad[i].where, bad[i].what)) ifm_test_print_messages(err.msgs, err.n);
    ASSERT(ifm_test_has_message(err.msgs, err.n, bad[i].where, bad[i].what));
    ifm_errors_clear(&err);
  }
}

static void test_embedded_and_override(void) {
  static const char text[] = "base_url: embedded\nresolve: [\"a:80:127.0.0.1\"]\nproxy: http://file-proxy:1\n";
  ifm_errors err = {0};
  ifm_target t;
  ifm_netopts cli;
  char *res[] = {(char *)"b:81:127.0.0.2", (char *)"c:82:127.0.0.3"};
  ASSERT_EQ(ifm_load_target_buffer("r.yaml", text, strlen(text), &t, &err), 0);
  ASSERT_EQ(t.embedded, 1);
  ASSERT(t.base_url == NULL);
  memset(&cli, 0, sizeof cli);
  cli.resolve = res;
  cli.n_resolve = 2;
  cli.cert = (char *)"/c.pem";
  t.net.key = strdup("/file-key.pem");
  ASSERT_EQ(ifm_netopts_override(&t.net, &cli), IFM_OK);
  ASSERT_EQ(t.net.n_resolve, 2);           /* the list as a whole */
  ASSERT_STREQ(t.net.resolve[0], "b:81:127.0.0.2");
  ASSERT_STREQ(t.net.proxy, "http://file-proxy:1");   /* not given: the file's stays */
  ASSERT_STREQ(t.net.cert, "/c.pem");
  ASSERT(t.net.key == NULL);               /* --cert replaces the key with it */
  ifm_target_clear(&t);
  ifm_errors_clear(&err);
}

static void setup_dir(void) { ASSERT(mkdtemp(g_dir) != NULL); }
static void remove_dir(void) { rmdir(g_dir); }

IFM_TEST_MAIN(TEST(setup_dir), TEST(test_resolve), TEST(test_connect_to), TEST(test_proxy), TEST(test_tls_files),
              TEST(test_target_keys), TEST(test_target_key_errors), TEST(test_embedded_and_override),
              TEST(remove_dir))
