/* plan_request_test.c: a case's template variables (runner/plan/
 * ifm_scope.c) and the request half of an exchange built from a step
 * (ifm_plan_request.c). Cases and targets are built by hand.
 *
 * What must hold: the built-ins of cases/README.md ("Templates") and
 * targets/README.md ({{run}}, {{n}}, {{body}}), {{uniq}} as RUN-N unique in
 * the run (ifm_tmpl.c's table), captured variables and --var values; and
 * ifm_plan.h's promise for a request: base_url and path joined with exactly
 * one slash, header lines in the order case header, target headers, the
 * operation mapping's, the step's; a target's body wrapper around the case's
 * body; and a refusal with a message (never a truncated header) for a value
 * libcurl cannot send, such as one holding a NUL byte. */
#include "ifm_plan.h"
#include "ifm_scope.h"
#include "ifm_test.h"

static ifm_case the_case;
static ifm_target target;
static unsigned long uniq;
static char err[256];

/* The target of targets/README.md's example, built by hand. */
static void setup(void) {
  memset(&the_case, 0, sizeof the_case);
  the_case.id = "IM-X-1";
  the_case.requirement = "IM-X";
  memset(&target, 0, sizeof target);
  target.resource = "/ifm/{{run}}/{{case}}/{{n}}";
  target.collection = "/ifm/{{run}}/{{case}}/";
  target.case_header = "X-Ifmatch-Case";
  target.ops[IFM_OP_CREATE].method = "PUT";
  target.ops[IFM_OP_READ].method = "GET";
  target.ops[IFM_OP_UPDATE].method = "PUT";
  target.ops[IFM_OP_DELETE].method = "DELETE";
  uniq = 0;
}

/* Expands tmpl in s; NULL on error (err says why). */
static const char *expand(ifm_scope *s, const char *tmpl) {
  static ifm_buf b;
  ifm_buf_clear(&b);
  err[0] = '\0';
  if (ifm_scope_expand(s, tmpl, &b, err, sizeof err) != IFM_OK) return NULL;
  return ifm_buf_str(&b);
}

static void test_scope_builtins(void) {
  ifm_scope s, s2;
  setup();
  ifm_scope_init(&s, &the_case, &target, "ab12cd34", &uniq);
  ASSERT(expand(&s, "{{path}}") == NULL);                  /* no path before new_paths */
  ASSERT_EQ(ifm_scope_new_paths(&s, err, sizeof err), IFM_OK);
  ASSERT_STREQ(expand(&s, "{{path}}"), "/ifm/ab12cd34/IM-X-1/1");
  ASSERT_STREQ(expand(&s, "{{collection}}"), "/ifm/ab12cd34/IM-X-1/");
  ASSERT_STREQ(expand(&s, "{{case}} {{run}}"), "IM-X-1 ab12cd34");
  /* {{fresh}}: a new path at every use; {{path}} stays */
  ASSERT_STREQ(expand(&s, "{{fresh}}"), "/ifm/ab12cd34/IM-X-1/2");
  ASSERT_STREQ(expand(&s, "{{fresh}}|{{fresh}}"), "/ifm/ab12cd34/IM-X-1/3|/ifm/ab12cd34/IM-X-1/4");
  ASSERT_STREQ(expand(&s, "{{path}}"), "/ifm/ab12cd34/IM-X-1/1");
  ASSERT_STREQ(expand(&s, "{{n}}"), "4");
  ASSERT_EQ(ifm_scope_new_paths(&s, err, sizeof err), IFM_OK);   /* the next resource */
  ASSERT_STREQ(expand(&s, "{{path}}"), "/ifm/ab12cd34/IM-X-1/5");
  /* {{uniq}}: RUN-N, unique in the run, also across cases */
  ASSERT_STREQ(expand(&s, "{{uniq}}"), "ab12cd34-1");
  ASSERT_STREQ(expand(&s, "{{uniq}}"), "ab12cd34-2");
  ifm_scope_init(&s2, &the_case, &target, "ab12cd34", &uniq);
  ASSERT_STREQ(expand(&s2, "{{uniq}}"), "ab12cd34-3");
  ifm_scope_clear(&s2);
  /* {{client}} only inside a parallel step; {{body}} only inside a wrapper */
  ASSERT(expand(&s, "{{client}}") == NULL);
  s.client = 3;
  ASSERT_STREQ(expand(&s, "w{{client}}"), "w3");
  ASSERT(expand(&s, "{{body}}") == NULL);
  ifm_scope_clear(&s);
  ASSERT(s.path == NULL && s.n_vars == 0);
}

static void test_scope_vars(void) {
  static const char *const names[] = {"token", "host"}, *const values[] = {"T0K", "example.org"};
  ifm_scope s;
  ifm_buf b = IFM_BUF_INIT;
  setup();
  ifm_scope_init(&s, &the_case, &target, "ab12cd34", &uniq);
  s.given_names = names;                                   /* --var token=T0K --var host=... */
  s.given_values = values;
  s.n_given = 2;
  ASSERT_STREQ(expand(&s, "Bearer {{token}}@{{host}}"), "Bearer T0K@example.org");
  ASSERT_EQ(ifm_scope_set(&s, "e1", "\"Ab1\"", 5), 0);
  ASSERT_STREQ(expand(&s, "{{e1}}"), "\"Ab1\"");
  ASSERT_STREQ(expand(&s, "{{e1|weak}}"), "W/\"Ab1\"");     /* filters apply to captures */
  ASSERT_EQ(ifm_scope_set(&s, "e1", "\"v2\"", 4), 0);       /* set again: replaced */
  ASSERT_STREQ(expand(&s, "{{e1}}"), "\"v2\"");
  ASSERT_EQ(s.n_vars, 1);
  ASSERT_EQ(ifm_scope_set(&s, "raw", "a\0b", 3), 0);        /* any bytes */
  ASSERT_EQ(ifm_scope_expand(&s, "[{{raw}}]", &b, err, sizeof err), IFM_OK);
  ASSERT_MEMEQ(b.p, b.len, "[a\0b]", 5);
  ifm_buf_clear(&b);
  /* an unknown variable: an error that names it */
  ASSERT(expand(&s, "a{{nosuch}}b") == NULL);
  ASSERT_CONTAINS(err, "'nosuch'");
  {
    ifm_buf t = IFM_BUF_INIT;                               /* a bad input, not out of memory */
    ASSERT_EQ(ifm_scope_expand(&s, "{{nosuch}}", &t, err, sizeof err), IFM_ERR_INPUT);
    ifm_buf_clear(&t);
  }
  ASSERT(expand(&s, "{{e1") == NULL);                       /* a syntax error says something too */
  ASSERT(err[0] != '\0');
  ifm_scope_clear(&s);
  ASSERT(expand(&s, "{{e1}}") == NULL);                     /* cleared: forgotten */
}

static void test_scope_capture(void) {
  ifm_scope s;
  ifm_step st;
  ifm_capture caps[4];
  ifm_exchange x;
  setup();
  ifm_scope_init(&s, &the_case, &target, "r", &uniq);
  memset(&st, 0, sizeof st);
  memset(caps, 0, sizeof caps);
  memset(&x, 0, sizeof x);
  caps[0].var = "st";
  caps[0].src = IFM_CAP_STATUS;
  caps[1].var = "e2";
  caps[1].src = IFM_CAP_HEADER;
  caps[1].header = "etag";
  caps[2].var = "b";
  caps[2].src = IFM_CAP_BODY;
  caps[3].var = "loc";
  caps[3].src = IFM_CAP_HEADER;
  caps[3].header = "location";
  st.captures = caps;
  st.n_captures = 4;
  x.status = 201;
  ASSERT_EQ(ifm_field_append(&x.resp_headers, &x.n_resp_headers, "ETag", "\"e2\"", 4), 0);
  x.resp_body = strdup("v2-body");
  x.resp_body_len = 7;
  ASSERT_EQ(ifm_scope_capture(&s, &st, &x), IFM_OK);
  ASSERT_STREQ(expand(&s, "{{st}} {{e2}} {{b}}"), "201 \"e2\" v2-body");
  ASSERT(expand(&s, "{{loc}}") == NULL);                    /* absent header: unset */
  ifm_exchange_clear(&x);
  ifm_scope_clear(&s);
}

/* The request of spec with the case's scope; the exchange in *x. */
static ifm_err request(const ifm_request_spec *spec, const char *base, int client, ifm_exchange *x) {
  ifm_scope s;
  ifm_err rc;
  static const char *const names[] = {"token"}, *const values[] = {"T0K"};
  ifm_scope_init(&s, &the_case, &target, "ab12cd34", &uniq);
  s.given_names = names;
  s.given_values = values;
  s.n_given = 1;
  if (ifm_scope_new_paths(&s, err, sizeof err) != IFM_OK ||
      ifm_scope_set(&s, "e1", "\"e1\"", 4) != IFM_OK || ifm_scope_set(&s, "nul", "a\0b", 3) != IFM_OK) {
    ifm_scope_clear(&s);
    return IFM_ERR_FAILED;
  }
  err[0] = '\0';
  rc = ifm_plan_request(&s, spec, base, client, x, err, sizeof err);
  ifm_scope_clear(&s);
  return rc;
}

static void test_request_url(void) {
  static const struct { const char *base, *path, *url; } v[] = {
    {"http://h:8080", "/a/b", "http://h:8080/a/b"},
    {"http://h:8080/", "/a/b", "http://h:8080/a/b"},
    {"http://h:8080//", "/a/b", "http://h:8080/a/b"},
    {"http://h:8080", "a/b", "http://h:8080/a/b"},
    {"http://h:8080/api/", "a/b", "http://h:8080/api/a/b"},
    {"http://h:8080/api", "/a//b", "http://h:8080/api/a//b"},    /* the path is sent as written */
    {"http://h:8080/", "", "http://h:8080/"},
  };
  ifm_request_spec spec;
  ifm_exchange x;
  size_t i;
  setup();
  memset(&spec, 0, sizeof spec);
  spec.op = IFM_OP_READ;
  for (i = 0; i < sizeof v / sizeof v[0]; i++) {
    spec.path = (char *)v[i].path;
    ASSERT_EQ(request(&spec, v[i].base, -1, &x), 0);
    if (strcmp(x.url, v[i].url) != 0) IFM_TEST_FAIL_("'%s' + '%s' -> '%s', want '%s'", v[i].base, v[i].path, x.url, v[i].url);
    ASSERT_STREQ(x.method, "GET");
    ASSERT(x.req_body == NULL);                              /* a read has no body */
    ifm_exchange_clear(&x);
  }
  spec.path = NULL;                                          /* the case's resource */
  ASSERT_EQ(request(&spec, "http://h", -1, &x), 0);
  ASSERT_STREQ(x.url, "http://h/ifm/ab12cd34/IM-X-1/1");
  ifm_exchange_clear(&x);
}

static void test_request_headers_and_body(void) {
  ifm_kv th[1], mh[1], sh[2];
  ifm_request_spec spec;
  ifm_exchange x;
  setup();
  memset(th, 0, sizeof th);
  memset(mh, 0, sizeof mh);
  memset(sh, 0, sizeof sh);
  th[0].name = "Authorization";
  th[0].value = "Bearer {{token}}";
  target.headers = th;
  target.n_headers = 1;
  mh[0].name = "Content-Type";
  mh[0].value = "text/plain";
  target.ops[IFM_OP_UPDATE].headers = mh;
  target.ops[IFM_OP_UPDATE].n_headers = 1;
  sh[0].name = "If-Match";
  sh[0].value = "{{e1}}";
  sh[1].name = "If-Match";                                   /* a second field line */
  sh[1].value = "\"x\"";
  memset(&spec, 0, sizeof spec);
  spec.op = IFM_OP_UPDATE;
  spec.body = "w{{client}}";
  spec.has_body = 1;
  spec.headers = sh;
  spec.n_headers = 2;
  ASSERT_EQ(request(&spec, "http://h", 2, &x), 0);
  ASSERT_STREQ(x.method, "PUT");
  ASSERT_EQ(x.client, 2);
  ASSERT_EQ(x.n_req_headers, 5);
  ASSERT_STREQ(x.req_headers[0].name, "X-Ifmatch-Case");    /* the case header first */
  ASSERT_STREQ(x.req_headers[0].value, "IM-X-1");
  ASSERT_STREQ(x.req_headers[1].name, "Authorization");     /* then the target's */
  ASSERT_STREQ(x.req_headers[1].value, "Bearer T0K");
  ASSERT_STREQ(x.req_headers[2].name, "Content-Type");      /* the mapping's */
  ASSERT_STREQ(x.req_headers[3].value, "\"e1\"");           /* the step's, in order */
  ASSERT_STREQ(x.req_headers[4].value, "\"x\"");
  ASSERT_MEMEQ(x.req_body, x.req_body_len, "w2", 2);
  ASSERT_EQ(x.req_body_total, 2);
  ifm_exchange_clear(&x);
  /* a body wrapper: the case's body is {{body}} inside the target's */
  target.ops[IFM_OP_UPDATE].body = "BEGIN:{{body}}:END";
  ASSERT_EQ(request(&spec, "http://h", 0, &x), 0);
  ASSERT_MEMEQ(x.req_body, x.req_body_len, "BEGIN:w0:END", 12);
  ASSERT_EQ(x.req_body_total, 12);
  ifm_exchange_clear(&x);
  /* no case header configured: none sent */
  target.case_header = NULL;
  spec.op = IFM_OP_DELETE;
  spec.body = NULL;
  spec.has_body = 0;
  ASSERT_EQ(request(&spec, "http://h", -1, &x), 0);
  ASSERT_STREQ(x.method, "DELETE");
  ASSERT_EQ(x.n_req_headers, 3);                             /* target's + the step's two */
  ASSERT_STREQ(x.req_headers[0].name, "Authorization");
  ASSERT(x.req_body == NULL);
  ifm_exchange_clear(&x);
}

static void test_request_raw_and_refusals(void) {
  ifm_kv sh[1];
  ifm_request_spec spec;
  ifm_exchange x;
  setup();
  memset(sh, 0, sizeof sh);
  memset(&spec, 0, sizeof spec);
  spec.op = IFM_OP_REQUEST;                                  /* raw: method and path of the case */
  spec.method = "PROPFIND";
  spec.path = "/dav/{{case}}";
  ASSERT_EQ(request(&spec, "http://h/", -1, &x), 0);
  ASSERT_STREQ(x.method, "PROPFIND");
  ASSERT_STREQ(x.url, "http://h/dav/IM-X-1");
  ASSERT_EQ(x.n_req_headers, 1);                             /* only the case header */
  ASSERT(x.req_body == NULL);
  ifm_exchange_clear(&x);
  spec.body = "";                                            /* an empty body is a body */
  spec.has_body = 1;
  ASSERT_EQ(request(&spec, "http://h/", -1, &x), 0);
  ASSERT(x.req_body != NULL);
  ASSERT_EQ(x.req_body_len, 0);
  ifm_exchange_clear(&x);
  /* a header value with a NUL byte cannot be sent: refused, with a message */
  sh[0].name = "X-Bad";
  sh[0].value = "{{nul}}";
  spec.headers = sh;
  spec.n_headers = 1;
  memset(&x, 0x5a, sizeof x);
  ASSERT_EQ(request(&spec, "http://h/", -1, &x), IFM_ERR_INPUT);
  ASSERT_CONTAINS(err, "X-Bad");
  ASSERT(x.method == NULL && x.url == NULL && x.n_req_headers == 0);   /* out cleared */
  /* a variable with no value */
  sh[0].value = "{{e9}}";
  ASSERT_EQ(request(&spec, "http://h/", -1, &x), IFM_ERR_INPUT);
  ASSERT_CONTAINS(err, "'e9'");
  spec.n_headers = 0;
  spec.path = "/{{nope}}";
  ASSERT_EQ(request(&spec, "http://h/", -1, &x), IFM_ERR_INPUT);
  ASSERT_CONTAINS(err, "'nope'");
  /* an operation the target does not map */
  memset(&spec, 0, sizeof spec);
  spec.op = IFM_OP_PATCH;
  ASSERT_EQ(request(&spec, "http://h/", -1, &x), IFM_ERR_INPUT);
  ASSERT(err[0] != '\0');
}

IFM_TEST_MAIN(TEST(test_scope_builtins), TEST(test_scope_vars), TEST(test_scope_capture),
              TEST(test_request_url), TEST(test_request_headers_and_body),
              TEST(test_request_raw_and_refusals))
