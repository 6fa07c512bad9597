/* judge_test.c: expectations against responses (runner/judge/ifm_judge.c). A
 * response is built by hand; each check's truth comes from the meaning in
 * cases/README.md and, for entity-tags, the grammar of RFC 9110 8.8.3. */
#include "ifm_judge.h"
#include "ifm_load.h"
#include "ifm_test.h"

static ifm_field fields[2];
static ifm_exchange resp;
static ifm_buf body_buf;

static void make_response(int status, const char *etag, const char *body) {
  ifm_buf_clear(&body_buf);
  memset(&resp, 0, sizeof resp);
  resp.status = status;
  fields[0].name = "Content-Type";
  fields[0].value = "text/plain";
  fields[0].value_len = 10;
  fields[1].name = "ETag";
  fields[1].value = (char *)etag;
  fields[1].value_len = etag ? strlen(etag) : 0;
  resp.resp_headers = fields;
  resp.n_resp_headers = etag ? 2 : 1;
  ifm_buf_puts(&body_buf, body);
  resp.resp_body = body_buf.p;
  resp.resp_body_len = body_buf.len;
}

static int item(int is_body, const char *name, ifm_match m, const char *value) {
  ifm_expect_item it;
  ifm_judgement j = {0};
  int ok;
  memset(&it, 0, sizeof it);
  it.is_body = is_body;
  it.name = (char *)name;
  it.match = m;
  it.value = (char *)value;
  ok = ifm_judge_item(&it, NULL, &resp, value, value ? strlen(value) : 0, &j);
  if (!ok) {
    if (!j.message || !j.expected || !j.got) ok = -1;   /* a failure must explain itself */
  } else if (j.message) {
    ok = -1;
  }
  ifm_judgement_clear(&j);
  return ok;
}

static void test_header_items(void) {
  make_response(200, "\"e1\"", "hello");
  ASSERT_EQ(item(0, "etag", IFM_M_EQUALS, "\"e1\""), 1);
  ASSERT_EQ(item(0, "etag", IFM_M_EQUALS, "\"E1\""), 0);          /* byte for byte */
  ASSERT_EQ(item(0, "etag", IFM_M_NOT, "\"e0\""), 1);
  ASSERT_EQ(item(0, "etag", IFM_M_NOT, "\"e1\""), 0);
  ASSERT_EQ(item(0, "etag", IFM_M_PRESENT, NULL), 1);
  ASSERT_EQ(item(0, "etag", IFM_M_ABSENT, NULL), 0);
  ASSERT_EQ(item(0, "etag", IFM_M_CONTAINS, "e1"), 1);
  ASSERT_EQ(item(0, "content-type", IFM_M_CONTAINS, "plain"), 1);  /* name case-insensitive */
  ASSERT_EQ(item(0, "etag", IFM_M_ETAG, NULL), 1);
  make_response(200, NULL, "hello");
  ASSERT_EQ(item(0, "etag", IFM_M_ABSENT, NULL), 1);
  ASSERT_EQ(item(0, "etag", IFM_M_NOT, "\"e1\""), 1);   /* absent differs from any value */
  ASSERT_EQ(item(0, "etag", IFM_M_EQUALS, ""), 0);      /* absent is not empty */
  ASSERT_EQ(item(0, "etag", IFM_M_ETAG, NULL), 0);
  ifm_buf_clear(&body_buf);
}

static void test_etag_wellformed(void) {
  /* RFC 9110 8.8.3: only [W/]"etagc*" is an entity-tag. */
  static const struct { const char *v; int ok; } t[] = {
      {"\"abc\"", 1}, {"W/\"abc\"", 1}, {"\"\"", 1}, {"abc", 0}, {"w/\"abc\"", 0},
      {"\"a b\"", 0}, {"\"abc", 0},
      {"\"abc\" ", 0},   /* the executor trims OWS; a byte left after the tag is not a tag */
  };
  size_t i;
  for (i = 0; i < sizeof t / sizeof t[0]; i++) {
    make_response(200, t[i].v, "");
    ASSERT_EQ(item(0, "etag", IFM_M_ETAG, NULL), t[i].ok);
  }
  ifm_buf_clear(&body_buf);
}

static void test_body_items(void) {
  make_response(200, "\"e1\"", "v2-body");
  ASSERT_EQ(item(1, NULL, IFM_M_EQUALS, "v2-body"), 1);
  ASSERT_EQ(item(1, NULL, IFM_M_EQUALS, "v2-bod"), 0);     /* equals is whole */
  ASSERT_EQ(item(1, NULL, IFM_M_CONTAINS, "2-b"), 1);
  ASSERT_EQ(item(1, NULL, IFM_M_NOT, "v1"), 1);
  ASSERT_EQ(item(1, NULL, IFM_M_NOT, "v2-body"), 0);
  make_response(200, "\"e1\"", "");
  ASSERT_EQ(item(1, NULL, IFM_M_EQUALS, ""), 1);
  ifm_buf_clear(&body_buf);
}

static void test_status(void) {
  ifm_status_spec s;
  ifm_judgement j = {0};
  memset(&s, 0, sizeof s);
  ASSERT_EQ(ifm_status_spec_parse_text("[412, 409]", &s), 0);
  ASSERT_EQ(ifm_judge_status(&s, NULL, NULL, 412, &j), 1);
  ASSERT_EQ(ifm_judge_status(&s, NULL, NULL, 409, &j), 1);
  ASSERT_EQ(ifm_judge_status(&s, NULL, NULL, 200, &j), 0);
  ASSERT_CONTAINS(j.expected, "412");
  ASSERT_CONTAINS(j.got, "200");
  ifm_judgement_clear(&j);
  ifm_status_spec_clear(&s);
  ASSERT_EQ(ifm_status_spec_parse_text("2xx", &s), 0);
  ASSERT_EQ(ifm_judge_status(&s, NULL, NULL, 204, &j), 1);
  ASSERT_EQ(ifm_judge_status(&s, NULL, NULL, 299, &j), 1);
  ASSERT_EQ(ifm_judge_status(&s, NULL, NULL, 300, &j), 0);
  ifm_judgement_clear(&j);
  ASSERT_EQ(ifm_judge_status(&s, NULL, NULL, 0, &j), 0);     /* no response at all */
  ifm_judgement_clear(&j);
  ifm_status_spec_clear(&s);
}

static void test_status_equal(void) {
  ifm_status_spec a, b;
  memset(&a, 0, sizeof a);
  memset(&b, 0, sizeof b);
  ASSERT_EQ(ifm_status_spec_parse_text("[404, 410]", &a), 0);
  ASSERT_EQ(ifm_status_spec_parse_text("[410, 404]", &b), 0);
  ASSERT_EQ(ifm_status_spec_equal(&a, &b), 1);        /* order does not matter */
  ifm_status_spec_clear(&b);
  ASSERT_EQ(ifm_status_spec_parse_text("404", &b), 0);
  ASSERT_EQ(ifm_status_spec_equal(&a, &b), 0);
  ifm_status_spec_clear(&a);
  ifm_status_spec_clear(&b);
  ASSERT_EQ(ifm_status_spec_parse_text("2xx", &a), 0);
  ASSERT_EQ(ifm_status_spec_parse_text("200", &b), 0);
  ASSERT_EQ(ifm_status_spec_equal(&a, &b), 0);        /* a class is not one code */
  ifm_status_spec_clear(&a);
  ifm_status_spec_clear(&b);
}

IFM_TEST_MAIN(TEST(test_header_items), TEST(test_etag_wellformed), TEST(test_body_items),
              TEST(test_status), TEST(test_status_equal))
