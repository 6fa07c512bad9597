/* probe_decide_test.c: the probe's decisions from observed facts
 * (runner/probe/ifm_probe_decide.c), with made-up answers: entity-tag kinds
 * (RFC 9110 8.8.3), the profile from a write without If-Match (RFC 6585 3:
 * 428), the connection cap from a burst's answers, the JSON extract, and the
 * URL split into origin and path prefix. */
#include <regex.h>
#include "ifm_probe_int.h"
#include "ifm_test.h"

static void test_etag_kind(void) {
  ASSERT_EQ(ifm_probe_etag_kind(NULL), IFM_PE_NONE);
  ASSERT_EQ(ifm_probe_etag_kind("\"abc\""), IFM_PE_STRONG);
  ASSERT_EQ(ifm_probe_etag_kind("\"\""), IFM_PE_STRONG);
  ASSERT_EQ(ifm_probe_etag_kind("W/\"abc\""), IFM_PE_WEAK);
  ASSERT_EQ(ifm_probe_etag_kind("abc"), IFM_PE_BAD);
  ASSERT_EQ(ifm_probe_etag_kind("\"a b\""), IFM_PE_BAD);
  ASSERT_EQ(ifm_probe_etag_kind("w/\"abc\""), IFM_PE_BAD);   /* W/ is case-sensitive */
  ASSERT_STREQ(ifm_probe_etag_name(IFM_PE_WEAK), "weak");
  ASSERT_STREQ(ifm_probe_etag_name(IFM_PE_NONE), "no ETag");
}

static void test_profile(void) {
  ASSERT_STREQ(ifm_probe_decide_profile(204, 0), "rfc9110");
  ASSERT_STREQ(ifm_probe_decide_profile(200, 412), "rfc9110");
  ASSERT_STREQ(ifm_probe_decide_profile(428, 0), "rfc9110-428");
  ASSERT_STREQ(ifm_probe_decide_profile(400, 201), "cpp");
  ASSERT_STREQ(ifm_probe_decide_profile(400, 412), "rfc9110");   /* 400 alone says too little */
  ASSERT(ifm_probe_is_refusal(405));
  ASSERT(ifm_probe_is_refusal(403));
  ASSERT(!ifm_probe_is_refusal(409));
  ASSERT(!ifm_probe_is_refusal(404));
}

static void test_conns(void) {
  ifm_exchange x[10];
  unsigned cap = 99;
  size_t i;
  memset(x, 0, sizeof x);
  for (i = 0; i < 10; i++) x[i].status = 412;
  ASSERT_EQ(ifm_probe_decide_conns(x, 10, &cap), 10);
  ASSERT_EQ(cap, 0);                             /* every one answered: no cap */
  x[8].status = 0;                               /* no answer */
  x[8].error = (char *)"Operation timed out";
  x[9].status = 503;                             /* turned away */
  ASSERT_EQ(ifm_probe_decide_conns(x, 10, &cap), 8);
  ASSERT_EQ(cap, 8);
  x[8].status = 423;                             /* Locked: answered, so served (rclone) */
  x[8].error = NULL;
  ASSERT_EQ(ifm_probe_decide_conns(x, 10, &cap), 9);
  ASSERT_EQ(cap, 9);
  x[9].status = 423;
  ASSERT_EQ(ifm_probe_decide_conns(x, 10, &cap), 10);
  ASSERT_EQ(cap, 0);
}

static void extract_is(const char *body, const char *value, const char *want) {
  char *pat = ifm_probe_json_extract(body, strlen(body), value);
  if (!want) {
    if (pat) printf("# unexpected pattern %s\n", pat);
    ASSERT(pat == NULL);
    return;
  }
  ASSERT(pat != NULL);
  IFM_TEST_BAIL_IF_FAILED();
  ASSERT_STREQ(pat, want);
  {   /* and the pattern finds the value in the body */
    regex_t re;
    regmatch_t m[2];
    ASSERT_EQ(regcomp(&re, pat, REG_EXTENDED), 0);
    ASSERT_EQ(regexec(&re, body, 2, m, 0), 0);
    ASSERT_MEMEQ(body + m[1].rm_so, (size_t)(m[1].rm_eo - m[1].rm_so), value, strlen(value));
    regfree(&re);
  }
  free(pat);
}

static void test_json_extract(void) {
  extract_is("{\"id\": 7, \"value\": \"ifmatch-probe-1\"}", "ifmatch-probe-1", "\"value\" *: *\"([^\"]*)\"");
  extract_is("{\"data\":{\"text\" : \"p1\"}}", "p1", "\"text\" *: *\"([^\"]*)\"");
  extract_is("{\"value\": \"p1-and-more\"}", "p1", NULL);     /* not the whole string */
  extract_is("[\"p1\"]", "p1", NULL);                          /* not a member */
  extract_is("p1", "p1", NULL);
}

static void split_is(const char *url, const char *origin, const char *prefix) {
  char *o, *p;
  int rc = ifm_probe_split_url(url, &o, &p);
  if (!origin) {
    ASSERT_EQ(rc, -1);
    return;
  }
  ASSERT_EQ(rc, 0);
  IFM_TEST_BAIL_IF_FAILED();
  ASSERT_STREQ(o, origin);
  ASSERT_STREQ(p, prefix);
  free(o);
  free(p);
}

static void test_split_url(void) {
  split_is("http://127.0.0.1:8080", "http://127.0.0.1:8080", "/");
  split_is("http://127.0.0.1:8080/", "http://127.0.0.1:8080", "/");
  split_is("https://h/dav", "https://h", "/dav/");
  split_is("http://h/a/b//", "http://h", "/a/b/");
  split_is("ftp://h/", NULL, NULL);
  split_is("http:///x", NULL, NULL);
  split_is("http://h/x?y=1", NULL, NULL);
  ASSERT_STREQ(ifm_probe_url_path("http://h:1/a/b"), "/a/b");
  ASSERT_STREQ(ifm_probe_url_path("http://h:1"), "/");
}

IFM_TEST_MAIN(TEST(test_etag_kind), TEST(test_profile), TEST(test_conns), TEST(test_json_extract),
              TEST(test_split_url))
