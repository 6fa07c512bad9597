/* server_shapes_test.c: every shape of the reference server (`serve
 * --shape`) takes the form it claims and keeps If-Match right. Each
 * expectation is reasoned from RFC 9110 (sections named inline) and the
 * shape's description in server/ifm_shape.c, never from the server's output.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <curl/curl.h>

#include "ifm_server.h"
#include "ifm_test.h"
#include "server_http.h"

static void start(unsigned shapes) {
  ifm_server_opts o;
  ifm_server_opts_init(&o);
  o.shapes = shapes;
  start_opts(&o);
}

static void test_names(void) {
  unsigned i;
  for (i = 0; i < IFM_SHAPE_COUNT; i++) {
    ASSERT_EQ(ifm_shape_parse(ifm_shape_name(i)), 1u << i);
    ASSERT(ifm_shape_describe(i) && *ifm_shape_describe(i));
  }
  ASSERT_EQ(ifm_shape_parse("no-such-shape"), 0u);
  ASSERT_EQ(ifm_shape_parse(NULL), 0u);
  ASSERT(ifm_shape_name(IFM_SHAPE_COUNT) == NULL);
}

/* post-create: PUT never creates (404, and with If-None-Match: * too: the
 * unconditional answer is 404, so the precondition is not evaluated, 13.2.1);
 * POST to a collection creates with a server-chosen name in Location (15.3.2);
 * then If-Match works on that resource as everywhere. */
static void test_post_create(void) {
  hresp r = {0};
  char *loc = NULL, *etag = NULL;
  start(IFM_SHAPE_POST_CREATE);
  IFM_TEST_BAIL_IF_FAILED();
  ASSERT_EQ(http(&r, "PUT", "/c/x", "v1", NULL), 404);
  hfree(&r);
  ASSERT_EQ(http(&r, "PUT", "/c/x", "v1", "If-None-Match: *", NULL), 404);
  hfree(&r);
  ASSERT_EQ(http(&r, "POST", "/c/", "v1", NULL), 201);
  loc = dupv(hget(&r, "Location"));
  hfree(&r);
  ASSERT(loc != NULL);
  if (loc) {
    ASSERT_EQ(strncmp(loc, "/c/", 3), 0);
    ASSERT_EQ(http(&r, "GET", loc, NULL, NULL), 200);
    ASSERT_MEMEQ(r.body, r.len, "v1", 2);
    etag = dupv(hget(&r, "ETag"));
    hfree(&r);
    ASSERT(etag != NULL);
    ASSERT_EQ(http(&r, "PUT", loc, "v2", "If-Match: \"stale\"", NULL), 412);
    hfree(&r);
    if (etag) {
      char im[160];
      snprintf(im, sizeof im, "If-Match: %s", etag);
      ASSERT_EQ(http(&r, "PUT", loc, "v2", im, NULL), 204);   /* replaced: 204 (9.3.4) */
      hfree(&r);
    }
  }
  free(loc);
  free(etag);
  stop();
}

/* no-write-etag: the write responses have no ETag (9.3.4 lets them omit it);
 * a read has one, and it changed with the write (8.8.3). */
static void test_no_write_etag(void) {
  hresp r = {0};
  char *e1 = NULL, *e2 = NULL;
  start(IFM_SHAPE_NO_WRITE_ETAG);
  IFM_TEST_BAIL_IF_FAILED();
  ASSERT_EQ(http(&r, "PUT", "/w", "v1", "If-None-Match: *", NULL), 201);
  ASSERT(hget(&r, "ETag") == NULL);
  hfree(&r);
  ASSERT_EQ(http(&r, "GET", "/w", NULL, NULL), 200);
  e1 = dupv(hget(&r, "ETag"));
  hfree(&r);
  ASSERT(e1 != NULL);
  if (e1) {
    char im[160];
    snprintf(im, sizeof im, "If-Match: %s", e1);
    ASSERT_EQ(http(&r, "PUT", "/w", "v2", im, NULL), 204);
    ASSERT(hget(&r, "ETag") == NULL);
    hfree(&r);
    ASSERT_EQ(http(&r, "GET", "/w", NULL, NULL), 200);
    e2 = dupv(hget(&r, "ETag"));
    hfree(&r);
    ASSERT(e2 && strcmp(e1, e2) != 0);
  }
  free(e1);
  free(e2);
  stop();
}

/* no-etag: no ETag anywhere. A listed tag cannot match a representation that
 * has none (13.1.1: false -> 412, nothing written); "*" is true when the
 * resource exists; If-None-Match with a tag is true (13.1.2). */
static void test_no_etag(void) {
  hresp r = {0};
  start(IFM_SHAPE_NO_ETAG);
  IFM_TEST_BAIL_IF_FAILED();
  ASSERT_EQ(http(&r, "PUT", "/n", "v1", "If-None-Match: *", NULL), 201);
  ASSERT(hget(&r, "ETag") == NULL);
  hfree(&r);
  ASSERT_EQ(http(&r, "GET", "/n", NULL, NULL), 200);
  ASSERT(hget(&r, "ETag") == NULL);
  hfree(&r);
  ASSERT_EQ(http(&r, "PUT", "/n", "v2", "If-Match: \"anything\"", NULL), 412);
  hfree(&r);
  ASSERT_EQ(http(&r, "GET", "/n", NULL, NULL), 200);
  ASSERT_MEMEQ(r.body, r.len, "v1", 2);
  hfree(&r);
  ASSERT_EQ(http(&r, "GET", "/n", NULL, "If-None-Match: \"anything\"", NULL), 200);
  hfree(&r);
  ASSERT_EQ(http(&r, "PUT", "/n", "v3", "If-Match: *", NULL), 204);
  hfree(&r);
  ASSERT_EQ(http(&r, "PUT", "/missing", "v", "If-Match: *", NULL), 412);   /* "*" false: no resource */
  hfree(&r);
  stop();
}

/* read-only: writes are 405 with an Allow that lists no write (15.5.6); a read
 * of any path has a representation with a strong ETag that does not change
 * between reads; If-Match on GET is evaluated (13.1.1: 412 when false). */
static void test_read_only(void) {
  hresp r = {0};
  const char *m[] = {"PUT", "PATCH", "DELETE", "POST"};
  char *e1 = NULL;
  size_t i;
  start(IFM_SHAPE_READ_ONLY);
  IFM_TEST_BAIL_IF_FAILED();
  for (i = 0; i < sizeof m / sizeof m[0]; i++) {
    ASSERT_EQ(http(&r, m[i], "/ro/a", "v", NULL), 405);
    ASSERT(hget(&r, "Allow") && strstr(hget(&r, "Allow"), "GET") && !strstr(hget(&r, "Allow"), "PUT"));
    hfree(&r);
  }
  ASSERT_EQ(http(&r, "PUT", "/ro/a", "v", "If-Match: \"stale\"", NULL), 405);   /* not 412: 13.2.1 */
  hfree(&r);
  ASSERT_EQ(http(&r, "GET", "/ro/a", NULL, NULL), 200);
  e1 = dupv(hget(&r, "ETag"));
  hfree(&r);
  ASSERT(e1 && e1[0] == '"');
  ASSERT_EQ(http(&r, "GET", "/ro/a", NULL, NULL), 200);
  ASSERT(e1 && hget(&r, "ETag") && strcmp(e1, hget(&r, "ETag")) == 0);
  hfree(&r);
  ASSERT_EQ(http(&r, "GET", "/ro/a", NULL, "If-Match: \"stale\"", NULL), 412);
  hfree(&r);
  free(e1);
  stop();
}

/* weak-etags: every ETag is W/; If-Match compares strongly, so even the
 * current weak tag never matches (13.1.1, 8.8.3.2) and nothing is written;
 * If-None-Match compares weakly, so the current tag makes GET a 304 (13.1.2). */
static void test_weak_etags(void) {
  hresp r = {0};
  char *e1 = NULL;
  start(IFM_SHAPE_WEAK_ETAGS);
  IFM_TEST_BAIL_IF_FAILED();
  ASSERT_EQ(http(&r, "PUT", "/k", "v1", "If-None-Match: *", NULL), 201);
  hfree(&r);
  ASSERT_EQ(http(&r, "GET", "/k", NULL, NULL), 200);
  e1 = dupv(hget(&r, "ETag"));
  hfree(&r);
  ASSERT(e1 && strncmp(e1, "W/\"", 3) == 0);
  if (e1) {
    char im[160];
    snprintf(im, sizeof im, "If-Match: %s", e1);
    ASSERT_EQ(http(&r, "PUT", "/k", "v2", im, NULL), 412);
    hfree(&r);
    snprintf(im, sizeof im, "If-None-Match: %s", e1);
    ASSERT_EQ(http(&r, "GET", "/k", NULL, im, NULL), 304);
    hfree(&r);
  }
  ASSERT_EQ(http(&r, "GET", "/k", NULL, NULL), 200);
  ASSERT_MEMEQ(r.body, r.len, "v1", 2);
  hfree(&r);
  free(e1);
  stop();
}

/* cap-conns: with 8 connections held open, a 9th gets no HTTP answer; once
 * they close, the server answers again. */
static void test_cap_conns(void) {
  int fds[8], i, n = 0;
  hresp r = {0};
  CURL *c;
  start(IFM_SHAPE_CAP_CONNS);
  IFM_TEST_BAIL_IF_FAILED();
  for (i = 0; i < 8; i++) {
    struct sockaddr_in sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(ifm_server_port(srv));
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) fds[n++] = fd;
    else if (fd >= 0) close(fd);
  }
  ASSERT_EQ(n, 8);
  usleep(200000);                   /* the server has accepted them */
  c = curl_easy_init();
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 2000L);
  curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
  ASSERT_EQ(http_on(c, &r, "GET", "/x", NULL, NULL), 0);    /* refused or reset: no status */
  hfree(&r);
  for (i = 0; i < n; i++) close(fds[i]);
  usleep(200000);
  ASSERT_EQ(http_on(c, &r, "GET", "/x", NULL, NULL), 404);  /* served again */
  hfree(&r);
  curl_easy_cleanup(c);
  stop();
}

/* header-close: a header block over 8 KiB is answered 431 (RFC 6585 5). */
static void test_header_close(void) {
  hresp r = {0};
  char *big = malloc(12 * 1024);
  start(IFM_SHAPE_HEADER_CLOSE);
  IFM_TEST_BAIL_IF_FAILED();
  ASSERT(big != NULL);
  if (big) {
    memcpy(big, "X-Big: ", 7);
    memset(big + 7, 'a', 12 * 1024 - 8);
    big[12 * 1024 - 1] = '\0';
    ASSERT_EQ(http(&r, "GET", "/h", NULL, big, NULL), 431);
    hfree(&r);
  }
  ASSERT_EQ(http(&r, "GET", "/h", NULL, "X-Small: a", NULL), 404);   /* small ones are served */
  hfree(&r);
  free(big);
  stop();
}

IFM_TEST_MAIN(TEST(test_names), TEST(test_post_create), TEST(test_no_write_etag), TEST(test_no_etag),
              TEST(test_read_only), TEST(test_weak_etags), TEST(test_cap_conns), TEST(test_header_close))
