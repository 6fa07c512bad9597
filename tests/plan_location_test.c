/* plan_location_test.c: a create's Location as the case's {{path}}
 * (ifm_scope_path_from_location, runner/plan/ifm_scope.c). RFC 9110 10.2.2:
 * Location is a URI reference, resolved against the target URI; requests go
 * to base_url + {{path}}, so base_url's own path prefix comes off. */
#include "ifm_scope.h"
#include "ifm_test.h"

static ifm_case c;
static ifm_target t;
static ifm_scope s;
static unsigned long uniq;

static const char *follow(const char *base, const char *req, const char *loc, ifm_err *rc) {
  *rc = ifm_scope_path_from_location(&s, base, req, loc, strlen(loc));
  return s.path;
}

static void test_location(void) {
  ifm_err rc;
  memset(&c, 0, sizeof c);
  memset(&t, 0, sizeof t);
  c.id = "X";
  ifm_scope_init(&s, &c, &t, "r", &uniq);
  ASSERT_STREQ(follow("http://h:1", "http://h:1/ifm/a/", "/ifm/a/7", &rc), "/ifm/a/7");
  ASSERT_EQ(rc, IFM_OK);
  ASSERT_STREQ(follow("http://h:1", "http://h:1/ifm/a/", "http://h:1/ifm/a/8", &rc), "/ifm/a/8");
  ASSERT_STREQ(follow("http://h:1", "http://h:1/ifm/a/", "9", &rc), "/ifm/a/9");          /* relative */
  ASSERT_STREQ(follow("http://h:1", "http://h:1/ifm/a/", "items/9", &rc), "/ifm/a/items/9");
  ASSERT_STREQ(follow("http://h:1", "http://h:1/ifm/a/", "/ifm/a/7#top", &rc), "/ifm/a/7");   /* no fragment */
  ASSERT_STREQ(follow("http://h:1", "http://h:1/ifm/a/", "/ifm/a/7?v=2", &rc), "/ifm/a/7?v=2");
  ASSERT_STREQ(follow("http://h/api/", "http://h/api/items/", "/api/items/5", &rc), "/items/5");   /* prefix off */
  ASSERT_EQ(rc, IFM_OK);
  ASSERT_STREQ(follow("http://h/api", "http://h/api/items/", "https://h/api/items/6", &rc), "/items/6");
  follow("http://h/api", "http://h/api/items/", "/other/5", &rc);                          /* not under base */
  ASSERT_EQ(rc, IFM_ERR_INPUT);
  ASSERT_STREQ(s.path, "/items/6");                                                     /* unchanged then */
  follow("http://h/api", "http://h/api/items/", "/apix/5", &rc);                        /* a prefix of a name */
  ASSERT_EQ(rc, IFM_ERR_INPUT);
  ASSERT_STREQ(follow("http://h", "http://h/c/", "http://h", &rc), "/");
  ifm_scope_clear(&s);
}

IFM_TEST_MAIN(TEST(test_location))
