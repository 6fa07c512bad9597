/* probe_write_test.c: the target file `ifmatch probe` writes
 * (runner/probe/ifm_probe_write.c): comments before the keys, quoting, the
 * max_connections key or comment, and secrets: a value from ${env:NAME}
 * written as that reference, a literal credential as a new
 * ${env:IFMATCH_SECRET_...} reference, and no secret anywhere in the text;
 * the connection keys (tls.cert and key, proxy, noproxy, resolve,
 * connect_to). The file must load with the run's own loader. */
#include <stdlib.h>
#include "ifm_load.h"
#include "ifm_probe_int.h"
#include "ifm_secrets.h"
#include "ifm_test.h"

/* A target like the probe builds: the loader's defaults, then findings. */
static void target_make(ifm_target *t) {
  ifm_kv *h = calloc(2, sizeof *h);
  ifm_target_init(t);
  t->name = ifm_strdup("probed-test");
  t->base_url = ifm_strdup("http://127.0.0.1:8080");
  free(t->resource);
  t->resource = ifm_strdup("/dav/ifm-{{run}}-{{case}}-{{n}}");
  t->ops[IFM_OP_CREATE].body = ifm_strdup("{\"value\": \"{{body|json}}\"}\r\n\t");
  t->ops[IFM_OP_READ].extract = ifm_strdup("\"value\": *\"([^\"]*)\"");
  h[0].name = ifm_strdup("Authorization");
  h[0].value = ifm_strdup("Bearer literal-token");
  h[1].name = ifm_strdup("X-Api-Key");
  h[1].value = ifm_strdup("key-from-env");
  t->headers = h;
  t->n_headers = 2;
  t->secrets = calloc(2, sizeof *t->secrets);
  t->secrets[0] = ifm_strdup("Bearer literal-token");
  t->secrets[1] = ifm_strdup("key-from-env");
  t->n_secrets = 2;
  t->capabilities = calloc(2, sizeof *t->capabilities);
  t->capabilities[0] = ifm_strdup("delete");
  t->capabilities[1] = ifm_strdup("head");
  t->n_capabilities = 2;
}

static void write_doc(ifm_target *t, unsigned conns, int key, ifm_buf *out) {
  ifm_probe_doc d;
  memset(&d, 0, sizeof d);
  d.t = t;
  d.url = "http://127.0.0.1:8080/dav/";
  d.max_connections = conns;
  d.max_connections_key = key;
  ifm_buf_puts(&d.notes[IFM_PN_RESOURCE], "PUT /dav/x -> 409; PUT /dav/y -> 201\n");
  ifm_buf_puts(&d.notes[IFM_PN_CAPS], "+ delete: DELETE /dav/y -> 204 (token key-from-env)\n");
  ifm_buf_puts(&d.notes[IFM_PN_CREATE], "=> PUT creates\n");
  ifm_probe_doc_raw_add(&d, "key-from-env", "${env:MY_KEY}");
  ASSERT_EQ(ifm_probe_write(&d, out), IFM_OK);
  ifm_probe_doc_clear(&d);
}

static void test_text(void) {
  ifm_target t;
  ifm_buf out = IFM_BUF_INIT;
  const char *s;
  target_make(&t);
  write_doc(&t, 8, 1, &out);
  s = ifm_buf_str(&out);
  ASSERT(strstr(s, "# PUT /dav/x -> 409;\n#     PUT /dav/y -> 201\nresource: \"/dav/ifm-{{run}}-{{case}}-{{n}}\"\n") != NULL);
  ASSERT(strstr(s, "capabilities: [delete, head]\n") != NULL);
  ASSERT(strstr(s, "max_connections: 8\n") != NULL);
  ASSERT(strstr(s, "  # => PUT creates\n  create: {method: PUT") != NULL);
  ASSERT(strstr(s, "body: \"{\\\"value\\\": \\\"{{body|json}}\\\"}\\r\\n\\t\"") != NULL);
  ASSERT(strstr(s, "extract: \"\\\"value\\\": *\\\"([^\\\"]*)\\\"\"") != NULL);
  /* secrets */
  ASSERT(strstr(s, "X-Api-Key: \"${env:MY_KEY}\"") != NULL);
  ASSERT(strstr(s, "Authorization: \"${env:IFMATCH_SECRET_AUTHORIZATION}\"") != NULL);
  ASSERT(strstr(s, "set IFMATCH_SECRET_AUTHORIZATION") != NULL);
  ASSERT(strstr(s, "literal-token") == NULL);
  ASSERT(strstr(s, "key-from-env") == NULL);                  /* the comment's copy is redacted */
  ASSERT(strstr(s, "(token <redacted>)") != NULL);
  ifm_buf_clear(&out);
  write_doc(&t, 8, 0, &out);
  ASSERT(strstr(ifm_buf_str(&out), "# max_connections: 8") != NULL);
  ifm_buf_clear(&out);
  ifm_target_clear(&t);
}

static void test_loads_back(void) {
  ifm_target t, back;
  ifm_buf out = IFM_BUF_INIT;
  ifm_errors errs = {0};
  int rc;
  target_make(&t);
  write_doc(&t, 0, 0, &out);
  setenv("MY_KEY", "k", 1);
  setenv("IFMATCH_SECRET_AUTHORIZATION", "Bearer x", 1);
  rc = ifm_load_target_buffer("written", ifm_buf_str(&out), out.len, &back, &errs);
  if (rc != 0) {
    ifm_errors_print(&errs, stdout);
    printf("%s", ifm_buf_str(&out));
  }
  ASSERT_EQ(rc, 0);
  IFM_TEST_BAIL_IF_FAILED();
  ASSERT_STREQ(back.resource, "/dav/ifm-{{run}}-{{case}}-{{n}}");
  ASSERT_STREQ(back.ops[IFM_OP_CREATE].body, t.ops[IFM_OP_CREATE].body);
  ASSERT_STREQ(back.ops[IFM_OP_READ].extract, t.ops[IFM_OP_READ].extract);
  ASSERT_EQ(back.n_capabilities, 2);
  ASSERT_EQ(back.n_headers, 2);
  ifm_target_clear(&back);
  ifm_errors_clear(&errs);
  ifm_buf_clear(&out);
  ifm_target_clear(&t);
}

/* The connection keys, as the probe used them; a proxy with credentials as
 * the reference ifm_probe_partial.c recorded for it. */
static void test_net_keys(void) {
  ifm_target t;
  ifm_buf out = IFM_BUF_INIT;
  ifm_probe_doc d;
  const char *s;
  target_make(&t);
  t.net.cert = ifm_strdup("/etc/c.pem");
  t.net.key = ifm_strdup("/etc/k.pem");
  t.net.proxy = ifm_strdup("http://pu:proxy-pw-77@127.0.0.1:3128");
  t.net.noproxy = ifm_strdup("localhost,.corp");
  ifm_netopts_push(&t.net.resolve, &t.net.n_resolve, "a.test:80:127.0.0.1");
  ifm_netopts_push(&t.net.resolve, &t.net.n_resolve, "b.test:443:10.0.0.1,[::1]");
  ifm_netopts_push(&t.net.connect_to, &t.net.n_connect_to, "a.test:80::8080");
  ifm_secrets_add_proxy(&t.secrets, &t.n_secrets, t.net.proxy);
  memset(&d, 0, sizeof d);
  d.t = &t;
  d.url = "http://a.test/";
  ifm_probe_doc_raw_add(&d, t.net.proxy, "${env:IFMATCH_SECRET_PROXY}");
  ASSERT_EQ(ifm_probe_write(&d, &out), IFM_OK);
  ifm_probe_doc_clear(&d);
  s = ifm_buf_str(&out);
  ASSERT_CONTAINS(s, "tls: {cert: \"/etc/c.pem\", key: \"/etc/k.pem\", verify: true}\n");
  ASSERT_CONTAINS(s, "proxy: \"${env:IFMATCH_SECRET_PROXY}\"\nnoproxy: \"localhost,.corp\"\n");
  ASSERT_CONTAINS(s, "resolve: [\"a.test:80:127.0.0.1\", \"b.test:443:10.0.0.1,[::1]\"]\n");
  ASSERT_CONTAINS(s, "connect_to: [\"a.test:80::8080\"]\n");
  ASSERT(strstr(s, "proxy-pw-77") == NULL);
  ifm_buf_clear(&out);
  ifm_target_clear(&t);
}

static void test_secret_env(void) {
  char b[64];
  ifm_probe_secret_env("Proxy-Authorization", b, sizeof b);
  ASSERT_STREQ(b, "IFMATCH_SECRET_PROXY_AUTHORIZATION");
  ifm_probe_secret_env("x-api.key", b, 20);
  ASSERT_STREQ(b, "IFMATCH_SECRET_X_AP");
}

IFM_TEST_MAIN(TEST(test_text), TEST(test_loads_back), TEST(test_net_keys), TEST(test_secret_env))
