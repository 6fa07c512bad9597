/* load_target_test.c: the loader's target files and profile files
 * (runner/load/ifm_load_target.c, ifm_load_profile.c, ifm_load_status.c) and
 * the status sets they share with case files (ifm_status.h): defaults,
 * ${env:...} and secrets, the shipped reference target and profiles, profile
 * overrides and lookup. Case files, the broken-file corpus and suites are
 * load_test.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ifm_load.h"
#include "ifm_test.h"

/* ---- helpers ---- */

/* The checkout: ctest sets IFM_SOURCE_DIR; without it the test cannot find
 * the shipped targets and profiles and says so. */
static const char *src_path(const char *rel) {
  return ifm_test_source_path(rel);
}

/* 1 when some message starts with prefix and contains sub. */
static int has_error(const ifm_errors *e, const char *prefix, const char *sub) {
  return ifm_test_has_message(e->msgs, e->n, prefix, sub);
}

static void dump_errors(const ifm_errors *e) {
  ifm_test_print_messages(e->msgs, e->n);
}

/* ---- targets ---- */

static void test_target_defaults(void) {
  static const char text[] = "base_url: http://127.0.0.1:8080\n";
  ifm_errors err = {0};
  ifm_target t;
  ASSERT_EQ(ifm_load_target_buffer("targets/mini.yaml", text, strlen(text), &t, &err), 0);
  ASSERT_STREQ(t.name, "mini");
  ASSERT_STREQ(t.path, "targets/mini.yaml");
  ASSERT_STREQ(t.base_url, "http://127.0.0.1:8080");
  ASSERT_STREQ(t.resource, "/ifm/{{run}}/{{case}}/{{n}}");
  ASSERT_STREQ(t.collection, "/ifm/{{run}}/{{case}}/");
  ASSERT_STREQ(t.profile, "rfc9110");
  ASSERT_STREQ(t.case_header, "X-Ifmatch-Case");
  ASSERT(t.timeout_s == 10.0);
  ASSERT_EQ(t.tls_verify, 1);
  ASSERT_EQ(t.http_version, IFM_HTTP_1_1);
  ASSERT_EQ(t.n_secrets, 0);
  ASSERT_EQ(t.n_headers, 0);
  ASSERT_EQ(t.ops[IFM_OP_CREATE].defined, 1);
  ASSERT_STREQ(t.ops[IFM_OP_CREATE].method, "PUT");
  ASSERT_STREQ(t.ops[IFM_OP_CREATE].path, "{{path}}");
  ASSERT_EQ(t.ops[IFM_OP_CREATE].n_headers, 1);
  ASSERT_STREQ(t.ops[IFM_OP_CREATE].headers[0].name, "Content-Type");
  ASSERT_STREQ(t.ops[IFM_OP_CREATE].headers[0].value, "text/plain");
  ASSERT_STREQ(t.ops[IFM_OP_READ].method, "GET");
  ASSERT_EQ(t.ops[IFM_OP_READ].n_headers, 0);
  ASSERT_STREQ(t.ops[IFM_OP_UPDATE].method, "PUT");
  ASSERT_STREQ(t.ops[IFM_OP_PATCH].method, "PATCH");
  ASSERT_STREQ(t.ops[IFM_OP_DELETE].method, "DELETE");
  ASSERT(t.ops[IFM_OP_READ].body == NULL);
  ASSERT_EQ(t.ops[IFM_OP_REQUEST].defined, 0);
  ASSERT_EQ(ifm_target_has_capability(&t, "patch"), 0);
  ifm_target_clear(&t);
  ASSERT(t.name == NULL && t.ops[0].method == NULL);
  ifm_errors_clear(&err);
}

static int has_secret(const ifm_target *t, const char *v) {
  size_t i;
  for (i = 0; i < t->n_secrets; i++)
    if (strcmp(t->secrets[i], v) == 0) return 1;
  return 0;
}

static const char env_target[] =
    "name: envy\n"
    "base_url: \"http://${env:IFM_LOAD_TEST_HOST}:8080\"\n"
    "headers:\n"
    "  Authorization: \"Bearer ${env:IFM_LOAD_TEST_TOKEN}\"\n"
    "  X-Api-Key: k-123\n"
    "  X-Plain: hello\n"
    "secrets: [x-api-key]\n"
    "profile: cpp\n"
    "profile_overrides:\n"
    "  missing_if_match: [409]\n"
    "operations:\n"
    "  create: {method: POST, path: \"{{collection}}\"}\n"
    "  update: {headers: [[Content-Type, application/json], [X-B, \"{{body}}\"]]}\n"
    "  delete: {method: DELETE, path: \"{{path}}\", headers: {Cookie: \"c=1\"}}\n"
    "capabilities: [patch, delete]\n"
    "timeout: 2.5\n"
    "http_version: h2c\n"
    "tls: {verify: false, ca_file: /tmp/ca.pem}\n"
    "case_header: \"\"\n";

static void test_target_env_secrets(void) {
  ifm_errors err = {0};
  ifm_target t;
  setenv("IFM_LOAD_TEST_HOST", "127.0.0.1", 1);
  setenv("IFM_LOAD_TEST_TOKEN", "s3cr{{t", 1);
  ASSERT_EQ(ifm_load_target_buffer("env.yaml", env_target, strlen(env_target), &t, &err), 0);
  ASSERT_STREQ(t.base_url, "http://127.0.0.1:8080");
  ASSERT_EQ(t.n_headers, 3);
  ASSERT_STREQ(t.headers[0].value, "Bearer s3cr{{{{t");   /* "{{" of a value escaped for the template */
  ASSERT_EQ(t.headers[0].pos.line, 4);
  ASSERT(has_secret(&t, "127.0.0.1"));
  ASSERT(has_secret(&t, "s3cr{{t"));
  ASSERT(has_secret(&t, "Bearer s3cr{{t"));
  ASSERT(has_secret(&t, "k-123"));
  ASSERT(has_secret(&t, "c=1"));
  ASSERT(!has_secret(&t, "hello"));
  /* and their forms (ifm_secrets.h): base64, as Basic credentials carry it;
   * a cookie's value only from IFM_SECRET_SHORT bytes on */
  ASSERT(has_secret(&t, "ay0xMjM="));                       /* base64("k-123") */
  ASSERT(has_secret(&t, "ay0xMjM"));
  ASSERT(has_secret(&t, "s3cr{{t"));
  ASSERT(!has_secret(&t, "1"));
  ASSERT(t.n_secrets > 5);
  ASSERT_STREQ(t.profile, "cpp");
  ASSERT_EQ(t.n_overrides, 1);
  ASSERT_STREQ(t.overrides[0].key, "missing_if_match");
  ASSERT_EQ(t.overrides[0].status.codes[0], 409);
  ASSERT_STREQ(t.ops[IFM_OP_CREATE].method, "POST");
  ASSERT_STREQ(t.ops[IFM_OP_CREATE].path, "{{collection}}");
  ASSERT_EQ(t.ops[IFM_OP_CREATE].n_headers, 1);       /* the default Content-Type stays */
  ASSERT_STREQ(t.ops[IFM_OP_UPDATE].method, "PUT");
  ASSERT_EQ(t.ops[IFM_OP_UPDATE].n_headers, 2);
  ASSERT_STREQ(t.ops[IFM_OP_UPDATE].headers[0].value, "application/json");
  ASSERT_STREQ(t.ops[IFM_OP_UPDATE].headers[1].value, "{{body}}");
  ASSERT_EQ(t.ops[IFM_OP_DELETE].n_headers, 1);
  ASSERT(t.timeout_s == 2.5);
  ASSERT_EQ(t.http_version, IFM_HTTP_H2C);
  ASSERT_EQ(t.tls_verify, 0);
  ASSERT_STREQ(t.ca_file, "/tmp/ca.pem");
  ASSERT_STREQ(t.case_header, "");
  ASSERT_EQ(ifm_target_has_capability(&t, "delete"), 1);
  ASSERT_EQ(ifm_target_has_capability(&t, "ranges"), 0);
  ifm_target_clear(&t);
  ifm_errors_clear(&err);

  /* unset: refused at the position of ${env:...} inside the quoted value */
  unsetenv("IFM_LOAD_TEST_TOKEN");
  ASSERT_EQ(ifm_load_target_buffer("env.yaml", env_target, strlen(env_target), &t, &err), -1);
  ASSERT(has_error(&err, "env.yaml:4:26: ", "environment variable IFM_LOAD_TEST_TOKEN is not set"));
  ASSERT(t.name == NULL && t.secrets == NULL && t.headers == NULL);
  ifm_errors_clear(&err);

  /* a CR or LF in a field value would write field lines of its own: refused
   * where the value stands, without quoting it (it may be a secret) */
  setenv("IFM_LOAD_TEST_TOKEN", "s3cr\r\nX-Injected: 1", 1);
  ASSERT_EQ(ifm_load_target_buffer("env.yaml", env_target, strlen(env_target), &t, &err), -1);
  ASSERT(has_error(&err, "env.yaml:4:", "header Authorization: the value holds a CR or LF"));
  ASSERT(!has_error(&err, "", "s3cr"));
  ifm_errors_clear(&err);
  unsetenv("IFM_LOAD_TEST_TOKEN");
  unsetenv("IFM_LOAD_TEST_HOST");
}

static void test_reference_target(void) {
  ifm_errors err = {0};
  ifm_target t;
  size_t i;
  int rc = ifm_load_target(src_path("targets/reference.yaml"), &t, &err);
  if (rc != 0) dump_errors(&err);
  ASSERT_EQ(rc, 0);
  ASSERT_STREQ(t.name, "reference");
  ASSERT(t.base_url == NULL);     /* base_url: embedded */
  ASSERT_EQ(t.embedded, 1);
  ASSERT_STREQ(t.profile, "rfc9110");
  ASSERT_STREQ(t.resource, "/ifm/{{run}}/{{case}}/{{n}}");
  ASSERT_EQ(t.n_capabilities, 11);
  ASSERT(ifm_target_has_capability(&t, "no_etag_resource"));
  /* the reference server answers TRACE with 405: it does not serve it */
  ASSERT(!ifm_target_has_capability(&t, "trace"));
  for (i = 0; i < t.n_headers; i++) ASSERT(strcmp(t.headers[i].name, "Authorization") != 0);
  ASSERT_EQ(t.n_secrets, 0);
  ifm_target_clear(&t);
  ifm_errors_clear(&err);
}

/* ---- profiles and status specs ---- */

static const char *const profile_keys[] = {
    "missing_if_match", "star_on_missing", "mismatch",         "malformed", "empty_value",
    "replay",           "missing_resource", "oversized_header", "write_ok",
};

static void test_profiles_real(void) {
  static const char *const names[] = {"rfc9110", "rfc9110-428", "cpp"};
  static const int missing[] = {204, 428, 400};
  size_t i, k;
  for (i = 0; i < 3; i++) {
    ifm_errors err = {0};
    ifm_profile p;
    int rc = ifm_load_profile(names[i], src_path("cases/profiles"), &p, &err);
    if (rc != 0) dump_errors(&err);
    ASSERT_EQ(rc, 0);
    ASSERT_STREQ(p.name, names[i]);
    ASSERT(p.description != NULL);
    ASSERT_EQ(p.n_entries, sizeof profile_keys / sizeof profile_keys[0]);
    for (k = 0; k < sizeof profile_keys / sizeof profile_keys[0]; k++)
      ASSERT(ifm_profile_lookup(&p, NULL, profile_keys[k]) != NULL);
    ASSERT(ifm_status_spec_accepts(&ifm_profile_lookup(&p, NULL, "missing_if_match")->status, missing[i]));
    ASSERT(ifm_status_spec_accepts(&ifm_profile_lookup(&p, NULL, "mismatch")->status, 412));
    ASSERT(ifm_status_spec_accepts(&ifm_profile_lookup(&p, NULL, "star_on_missing")->status, i == 2 ? 201 : 412));
    ifm_profile_clear(&p);
    ASSERT(p.entries == NULL && p.name == NULL);
    ifm_errors_clear(&err);
  }
}

static void test_profile_lookup_override(void) {
  static const char text[] = "base_url: http://h\nprofile_overrides: {missing_if_match: [409, 428]}\n";
  ifm_errors err = {0};
  ifm_profile p;
  ifm_target t;
  const ifm_profile_entry *e;
  ASSERT_EQ(ifm_load_profile("rfc9110", src_path("cases/profiles"), &p, &err), 0);
  ASSERT_EQ(ifm_load_target_buffer("o.yaml", text, strlen(text), &t, &err), 0);
  e = ifm_profile_lookup(&p, &t, "missing_if_match");
  ASSERT(e == &t.overrides[0]);
  ASSERT(ifm_status_spec_accepts(&e->status, 409));
  ASSERT(!ifm_status_spec_accepts(&e->status, 200));
  e = ifm_profile_lookup(&p, NULL, "missing_if_match");
  ASSERT(ifm_status_spec_accepts(&e->status, 200));
  e = ifm_profile_lookup(&p, &t, "mismatch");
  ASSERT(e != NULL && e >= p.entries && e < p.entries + p.n_entries);
  ASSERT(ifm_profile_lookup(&p, &t, "no_such_key") == NULL);
  ASSERT(ifm_profile_lookup(NULL, &t, "mismatch") == NULL);
  ifm_target_clear(&t);
  ifm_profile_clear(&p);
  ifm_errors_clear(&err);
}

static void test_profile_name_mismatch(void) {
  static const char text[] =
      "name: lenient\nstatuses: {missing_if_match: 2xx, star_on_missing: 412, mismatch: 412,\n"
      "  malformed: 400, empty_value: 412, replay: 412, missing_resource: 404,\n"
      "  oversized_header: 431, write_ok: 2xx}\n";
  char dir[] = "/tmp/ifm-load-XXXXXX", path[64];
  ifm_errors err = {0};
  ifm_profile p;
  FILE *f;
  ASSERT(mkdtemp(dir) != NULL);
  snprintf(path, sizeof path, "%s/strict.yaml", dir);
  ASSERT((f = fopen(path, "w")) != NULL);
  ASSERT_EQ(fputs(text, f) >= 0, 1);
  ASSERT_EQ(fclose(f), 0);
  ASSERT_EQ(ifm_load_profile("strict", dir, &p, &err), -1);
  ASSERT(err.n == 1);
  ASSERT_CONTAINS(err.msgs[0], "named 'lenient', not 'strict'");
  ifm_errors_clear(&err);
  ASSERT_EQ(ifm_load_profile("absent", dir, &p, &err), -1);
  ASSERT_CONTAINS(err.msgs[0], "absent.yaml:1:1: cannot open");
  ifm_errors_clear(&err);
  unlink(path);
  rmdir(dir);
}

static void test_status_accepts(void) {
  static const struct {
    const char *spec;
    int status, want;
  } table[] = {
      {"2xx", 200, 1},        {"2xx", 204, 1},        {"2xx", 299, 1},   {"2xx", 199, 0},
      {"2xx", 300, 0},        {"2xx", 412, 0},        {"412", 412, 1},   {"412", 413, 0},
      {"[412, 409]", 409, 1}, {"[412, 409]", 400, 0}, {"[4xx, 200]", 404, 1},
      {"[4xx, 200]", 200, 1}, {"[4xx, 200]", 201, 0}, {"5xx", 599, 1},   {"5xx", 600, 0},
      {"1xx", 100, 1},        {"2xx", 0, 0},          {"2xx", -200, 0},  {"412,409", 409, 1},
  };
  ifm_status_spec s;
  size_t i;
  for (i = 0; i < sizeof table / sizeof table[0]; i++) {
    ASSERT_EQ(ifm_status_spec_parse_text(table[i].spec, &s), 0);
    if (ifm_status_spec_accepts(&s, table[i].status) != table[i].want)
      printf("# %s accepts %d: want %d\n", table[i].spec, table[i].status, table[i].want);
    ASSERT_EQ(ifm_status_spec_accepts(&s, table[i].status), table[i].want);
    ifm_status_spec_clear(&s);
  }
  memset(&s, 0, sizeof s);
  s.profile_key = NULL;
  s.classes = 1u << 2;
  ASSERT(ifm_status_spec_accepts(&s, 201));
  s.profile_key = (char *)"mismatch";   /* unresolved: accepts nothing */
  ASSERT(!ifm_status_spec_accepts(&s, 201));
  ASSERT(!ifm_status_spec_accepts(NULL, 200));
}

static void test_status_parse_text(void) {
  static const char *const bad[] = {"", "[]", "7xx", "600", "99", "41x", "[412,]", "2xx 3xx", "abc",
                                    "[1xx, 0]",
                                    /* 17 codes: more than a status set holds (16) */
                                    ("412, 412, 412, 412, 412, 412, 412, 412, 412, 412, 412, "
                                     "412, 412, 412, 412, 412, 412")};
  ifm_status_spec s;
  size_t i;
  ASSERT_EQ(ifm_status_spec_parse_text("412", &s), 0);
  ASSERT_STREQ(s.text, "412");
  ASSERT_EQ(s.n_codes, 1);
  ifm_status_spec_clear(&s);
  ASSERT_EQ(ifm_status_spec_parse_text(" [412 , 2XX] ", &s), 0);
  ASSERT_STREQ(s.text, "[412, 2xx]");
  ASSERT_EQ(s.classes, 1u << 2);
  ifm_status_spec_clear(&s);
  ASSERT_EQ(ifm_status_spec_parse_text("412,409", &s), 0);
  ASSERT_STREQ(s.text, "[412, 409]");
  ifm_status_spec_clear(&s);
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    if (ifm_status_spec_parse_text(bad[i], &s) != -1) printf("# accepted \"%s\"\n", bad[i]);
    ASSERT_EQ(ifm_status_spec_parse_text(bad[i], &s), -1);
    ASSERT(s.text == NULL);
  }
}

IFM_TEST_MAIN(TEST(test_target_defaults), TEST(test_target_env_secrets), TEST(test_reference_target),
              TEST(test_profiles_real), TEST(test_profile_lookup_override),
              TEST(test_profile_name_mismatch), TEST(test_status_accepts), TEST(test_status_parse_text))
