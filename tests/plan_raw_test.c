/* plan_raw_test.c: a `raw:` step's bytes (runner/plan/ifm_plan_raw.c, in
 * the notation of runner/model/ifm_raw.c) and the request half of the
 * exchange read back from them.
 *
 * What must hold (ifm_raw.h, ifm_plan.h, cases/README.md "Raw steps"): the
 * escapes \r \n \t \0 \xHH \\ decoded in the text written, never in what a
 * template yields (a captured ETag with a backslash goes out unchanged);
 * line breaks of the text dropped; {{authority}}, {{base_path}} and
 * {{content_length}} (the body's length, a mark that is not a byte of a
 * blank line); a bad escape refused; and the exchange as a server would
 * split the bytes: a NUL or CR inside a value kept, an obs-fold line shown
 * on the value before it, the body after CRLFCRLF or LFLF, "RAW" for a
 * request line that does not parse, IFM_ERR_UNDECIDED for a capture that
 * found nothing, out cleared on every error; {{headers}}: the case header,
 * the target's headers, the update operation's (which win over the
 * target's), Basic credentials from userinfo when nothing else sets
 * Authorization, never a precondition nor a name the text writes, and a
 * target value with a CR refused. */
#define _GNU_SOURCE   /* memmem */
#include <string.h>
#include "ifm_plan.h"
#include "ifm_raw.h"
#include "ifm_scope.h"
#include "ifm_test.h"

static ifm_case the_case;
static ifm_target target;
static unsigned long uniq;
static char err[256];
static ifm_scope scope;
static ifm_buf bytes;
static ifm_exchange x;

static void setup(void) {
  memset(&the_case, 0, sizeof the_case);
  the_case.id = "IM-X-1";
  the_case.requirement = "IM-X";
  memset(&target, 0, sizeof target);
  target.resource = "/ifm/{{run}}/{{case}}/{{n}}";
  target.case_header = "X-Ifmatch-Case";
  uniq = 0;
  ifm_scope_clear(&scope);
  ifm_scope_init(&scope, &the_case, &target, "ab12cd34", &uniq);
  ifm_scope_new_paths(&scope, err, sizeof err);
  ifm_exchange_clear(&x);
  ifm_buf_clear(&bytes);
}

/* Plans text against base; IFM_OK or the error. */
static ifm_err plan(const char *text, const char *base) {
  ifm_request_spec spec;
  memset(&spec, 0, sizeof spec);
  spec.op = IFM_OP_REQUEST;
  spec.raw = (char *)text;
  ifm_exchange_clear(&x);
  err[0] = '\0';
  return ifm_plan_raw(&scope, &spec, base, &x, &bytes, err, sizeof err);
}

#define ASSERT_BYTES(lit)                                                      \
  do {                                                                         \
    ASSERT_EQ(bytes.len, sizeof(lit) - 1);                                     \
    ASSERT(memcmp(bytes.p, lit, sizeof(lit) - 1) == 0);                        \
  } while (0)

static void test_escapes_and_templates(void) {
  setup();
  ASSERT_EQ(ifm_scope_set(&scope, "e1", "\"a\\b\"", 5), IFM_OK);   /* a backslash in the tag */
  ASSERT_EQ(plan("PUT {{base_path}}{{path}} HTTP/1.1\\r\\n\n"
                 "Host: {{authority}}\\r\\n\n"
                 "If-Match: \"{{e1|opaque}}\\0x\"\\r\\n\n"
                 "X-T: a\\tb\\x41\\\\ {{repeat:2:\\x43\\r}} {{{{\\r\\n\n"
                 "Content-Length: {{content_length}}\\r\\n\n"
                 "\\r\\n\n"
                 "hello\\n\n",
                 "http://user:pw@h.example:8080/base//"),
            IFM_OK);
  ASSERT_BYTES("PUT /base/ifm/ab12cd34/IM-X-1/1 HTTP/1.1\r\n"
               "Host: h.example:8080\r\n"
               "If-Match: \"a\\b\0x\"\r\n"
               "X-T: a\tbA\\ C\rC\r {{\r\n"
               "Content-Length: 6\r\n"
               "\r\n"
               "hello\n");
  ASSERT_STREQ(x.method, "PUT");
  ASSERT_STREQ(x.url, "http://user:pw@h.example:8080/base/ifm/ab12cd34/IM-X-1/1");
  ASSERT_EQ(x.client, -1);
  ASSERT_EQ(x.n_req_headers, 4);
  ASSERT_STREQ(x.req_headers[0].name, "Host");
  ASSERT_STREQ(x.req_headers[1].name, "If-Match");
  ASSERT_EQ(x.req_headers[1].value_len, 7);                  /* the NUL stays in the value */
  ASSERT(memcmp(x.req_headers[1].value, "\"a\\b\0x\"", 7) == 0);
  ASSERT_EQ(x.req_headers[2].value_len, 13);                 /* a CR inside stays too */
  ASSERT(memcmp(x.req_headers[2].value, "a\tbA\\ C\rC\r {{", 13) == 0);
  ASSERT_STREQ(x.req_headers[3].value, "6");
  ASSERT_EQ(x.req_body_len, 6);
  ASSERT_EQ(x.req_body_total, 6);
  ASSERT(memcmp(x.req_body, "hello\n", 6) == 0);
  ASSERT(x.req_body_hash != 0 && x.req_payload_hash == x.req_body_hash);
  /* no base path, no port */
  ASSERT_EQ(plan("GET {{base_path}}/x HTTP/1.1\\r\\nHost: {{authority}}\\r\\n\\r\\n", "https://h"), IFM_OK);
  ASSERT_BYTES("GET /x HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_STREQ(x.url, "https://h/x");
  ASSERT(x.req_body == NULL && x.req_body_len == 0);
  ifm_scope_clear(&scope);
}

/* What a server sees when a value holds a CR or a LF, and an obs-fold. */
static void test_field_lines(void) {
  setup();
  ASSERT_EQ(plan("PUT /r HTTP/1.1\\r\\nIf-Match: \"a\\nb\"\\r\\n\\r\\n", "http://h:1"), IFM_OK);
  ASSERT_EQ(x.n_req_headers, 2);                    /* the LF ends the field line early */
  ASSERT_STREQ(x.req_headers[0].value, "\"a");
  ASSERT_STREQ(x.req_headers[1].name, "b\"");
  ASSERT_EQ(x.req_headers[1].value_len, 0);
  ASSERT_EQ(plan("PUT /r HTTP/1.1\\r\\nIf-Match:  \"a\" \\r\\n \\t\"b\" \\r\\nX: y\\r\\n\\r\\n", "http://h:1"), IFM_OK);
  ASSERT_EQ(x.n_req_headers, 2);                    /* obs-fold: shown on the value, as received */
  ASSERT_STREQ(x.req_headers[0].name, "If-Match");
  ASSERT_STREQ(x.req_headers[0].value, "\"a\" \t\"b\" ");
  ASSERT_STREQ(x.req_headers[1].value, "y");
  /* LF LF ends the head too; a line without a colon is a name */
  ASSERT_EQ(plan("GET /r HTTP/1.0\\nX : y\\nnocolon\\n\\nbody", "http://h:1"), IFM_OK);
  ASSERT_EQ(x.n_req_headers, 2);
  ASSERT_STREQ(x.req_headers[0].name, "X ");
  ASSERT_STREQ(x.req_headers[1].name, "nocolon");
  ASSERT_EQ(x.req_body_len, 4);
  ASSERT_STREQ(x.req_body, "body");
  /* a request line that does not parse */
  ASSERT_EQ(plan("GARBAGE\\r\\n\\r\\n", "http://h:1/p"), IFM_OK);
  ASSERT_STREQ(x.method, "RAW");
  ASSERT_STREQ(x.url, "http://h:1/p");
  ASSERT_EQ(plan("GET  / HTTP/1.1\\r\\n\\r\\n", "http://h:1/p"), IFM_OK);
  ASSERT_STREQ(x.method, "RAW");
  ASSERT_EQ(plan("OPTIONS * HTTP/1.1\\r\\n\\r\\n", "http://h:1/p"), IFM_OK);
  ASSERT_STREQ(x.method, "OPTIONS");
  ASSERT_STREQ(x.url, "*");
  ifm_scope_clear(&scope);
}

static void test_content_length(void) {
  setup();
  /* the mark is a byte: "\r\n{{content_length}}\r\n" is no blank line */
  ASSERT_EQ(plan("GET / HTTP/1.1\\r\\n{{content_length}}\\r\\n\\r\\nab", "http://h"), IFM_OK);
  ASSERT_BYTES("GET / HTTP/1.1\r\n2\r\n\r\nab");
  ASSERT_EQ(plan("PUT / HTTP/1.1\\r\\nContent-Length: {{ content_length }}\\r\\n\\r\\n", "http://h"), IFM_OK);
  ASSERT_BYTES("PUT / HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
  ASSERT_EQ(plan("PUT / HTTP/1.1\\r\\nContent-Length: {{content_length}}\\n\\nab", "http://h"), IFM_ERR_INPUT);
  ASSERT_CONTAINS(err, "no blank line");
  ASSERT(bytes.len == 0 && x.method == NULL);
  ASSERT_EQ(plan("PUT / HTTP/1.1\\r\\n\\r\\n{{content_length}}", "http://h"), IFM_ERR_INPUT);
  ASSERT_CONTAINS(err, "in the body");
  ifm_scope_clear(&scope);
}

static void test_refusals(void) {
  ifm_step st;
  ifm_capture cap = {"e9", IFM_CAP_HEADER, "etag", {0}};
  ifm_exchange resp;
  size_t off = 99;
  const char *msg = NULL;
  setup();
  ASSERT_EQ(plan("GET / HTTP/1.1\\q", "http://h"), IFM_ERR_INPUT);
  ASSERT_CONTAINS(err, "byte 14: unknown escape");
  ASSERT(bytes.len == 0 && x.method == NULL && x.n_req_headers == 0);
  ASSERT_EQ(plan("\\xg0", "http://h"), IFM_ERR_INPUT);
  ASSERT_CONTAINS(err, "two hex digits");
  ASSERT_EQ(plan("x\\", "http://h"), IFM_ERR_INPUT);
  ASSERT_EQ(plan("{{e8}}", "http://h"), IFM_ERR_INPUT);
  ASSERT_CONTAINS(err, "'e8'");
  /* a capture that found its header missing: UNDECIDED, as for other steps */
  memset(&st, 0, sizeof st);
  memset(&resp, 0, sizeof resp);
  st.captures = &cap;
  st.n_captures = 1;
  ASSERT_EQ(ifm_scope_capture(&scope, &st, &resp), IFM_OK);
  ASSERT_EQ(plan("PUT / HTTP/1.1\\r\\nIf-Match: {{e9}}\\r\\n\\r\\n", "http://h"), IFM_ERR_UNDECIDED);
  ASSERT_CONTAINS(err, "etag");
  ASSERT(bytes.len == 0 && x.method == NULL);
  /* the load-time check: the same scanner */
  ASSERT_EQ(ifm_raw_check("GET / HTTP/1.1\\r\\n\n\\r\\n", &off, &msg), 0);
  ASSERT_EQ(ifm_raw_check("\n\n", &off, &msg), -1);
  ASSERT_CONTAINS(msg, "empty");
  ASSERT_EQ(ifm_raw_check("ab\\x4", &off, &msg), -1);
  ASSERT_EQ(off, 2);
  ASSERT_EQ(ifm_raw_check("a{{repeat:2:\\q}}", &off, &msg), -1);
  ASSERT_EQ(off, 12);
  ASSERT_EQ(ifm_raw_check("a\rb", &off, &msg), -1);
  ASSERT_EQ(off, 1);
  ASSERT_EQ(ifm_raw_check("{{e1|opaque}}\\\\{{{{", &off, &msg), 0);
  ASSERT(ifm_raw_builtin("authority", 9) && ifm_raw_builtin("content_length", 14) && !ifm_raw_builtin("path", 4));
  ifm_scope_clear(&scope);
  ifm_buf_clear(&bytes);
}

static void test_target_headers(void) {
  ifm_kv th[] = {{"Authorization", "Bearer {{tok}}", {0}}, {"X-Api", "k1", {0}}, {"Content-Type", "a/b", {0}}};
  ifm_kv mh[] = {{"x-api", "k2", {0}}, {"If-Match", "*", {0}}, {"content-type", "text/vcard", {0}},
                 {"X-Ms-Blob-Type", "BlockBlob", {0}}};
  ifm_kv bad[] = {{"X-Bad", "a\r\nX-Injected: 1", {0}}};
  setup();
  ASSERT_EQ(ifm_scope_set(&scope, "tok", "s3cr3t", 6), IFM_OK);
  target.headers = th;
  target.n_headers = 3;
  target.ops[IFM_OP_UPDATE].defined = 1;
  target.ops[IFM_OP_UPDATE].headers = mh;
  target.ops[IFM_OP_UPDATE].n_headers = 4;
  /* the text writes Content-Type (in another case) after a \n escape on
   * the same line: the target's and the operation's are left out */
  ASSERT_EQ(plan("PUT / HTTP/1.1\\r\\n\n{{headers}}If-Match: \"x\"\\r\\ncontent-TYPE: t/p\\r\\n\\r\\n", "http://h"),
            IFM_OK);
  ASSERT_BYTES("PUT / HTTP/1.1\r\n"
               "X-Ifmatch-Case: IM-X-1\r\n"
               "Authorization: Bearer s3cr3t\r\n"
               "x-api: k2\r\n"
               "X-Ms-Blob-Type: BlockBlob\r\n"
               "If-Match: \"x\"\r\n"
               "content-TYPE: t/p\r\n\r\n");
  ASSERT_EQ(x.n_req_headers, 6);
  /* the case header the text writes itself is not sent twice */
  ASSERT_EQ(plan("PUT / HTTP/1.1\\r\\n\nx-ifmatch-case: mine\\r\\n\n{{headers}}\\r\\n", "http://h"), IFM_OK);
  ASSERT(memmem(bytes.p, bytes.len, "IM-X-1", 6) == NULL);
  /* userinfo gives Basic credentials only when nothing sets Authorization */
  target.n_headers = 0;
  ASSERT_EQ(plan("{{headers}}", "http://us%40r:p@ss@h:81/b"), IFM_OK);
  ASSERT(memmem(bytes.p, bytes.len, "Authorization: Basic dXNAcjpwQHNz\r\n", 35) != NULL);   /* us@r:p@ss */
  ASSERT_EQ(plan("{{headers}}", "http://h:81/b"), IFM_OK);
  ASSERT(memmem(bytes.p, bytes.len, "Authorization", 13) == NULL);
  target.headers = th;
  target.n_headers = 1;
  ASSERT_EQ(plan("{{headers}}", "http://u:p@h/"), IFM_OK);
  ASSERT(memmem(bytes.p, bytes.len, "Basic", 5) == NULL && memmem(bytes.p, bytes.len, "Bearer s3cr3t", 13) != NULL);
  /* a CR or LF in a target's value would write fields of its own: refused */
  target.headers = bad;
  ASSERT_EQ(plan("{{headers}}", "http://h"), IFM_ERR_INPUT);
  ASSERT_CONTAINS(err, "X-Bad");
  ASSERT(bytes.len == 0);
  ASSERT(ifm_raw_builtin("headers", 7));
  memset(&target, 0, sizeof target);
  ifm_scope_clear(&scope);
  ifm_buf_clear(&bytes);
}

IFM_TEST_MAIN(TEST(test_escapes_and_templates), TEST(test_target_headers), TEST(test_field_lines), TEST(test_content_length),
              TEST(test_refusals))
