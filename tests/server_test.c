/* server_test.c: the reference server (server/) against RFC 9110 and its
 * profiles, over real HTTP/1.1 on loopback. Each test starts a server
 * in-process on port 0 and talks to it with libcurl easy handles.
 *
 * Expected statuses come from RFC 9110 / RFC 6585 and the profile text of
 * REQUIREMENTS.md (cited per case), not from the server's own output.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <time.h>

#include <curl/curl.h>

#include "ifm_etag.h"
#include "ifm_precond.h"
#include "ifm_server.h"
#include "ifm_test.h"
#include "server_http.h"

static void start(ifm_server_profile p) {
  ifm_server_opts o;
  ifm_server_opts_init(&o);
  o.profile = p;
  start_opts(&o);
}

/* "If-Match: <etag>" in a static buffer (one at a time per slot). */
static const char *im(int slot, const char *etag) {
  static char buf[4][512];
  snprintf(buf[slot], sizeof buf[slot], "If-Match: %s", etag ? etag : "");
  return buf[slot];
}


/* The current ETag of path (malloc'd) or NULL. */
static char *etag_of(const char *path) {
  hresp r = {0};
  char *e = NULL;
  if (http(&r, "GET", path, NULL, NULL) == 200) e = dupv(hget(&r, "ETag"));
  hfree(&r);
  return e;
}

/* Runs the tests that need a started server; every test stops it itself. */
#define WITH(profile) start(profile); ASSERT(srv != NULL)

/* ---- names and startup -------------------------------------------------- */

static void test_names(void) {
  ifm_server_profile p;
  ifm_server_opts o;
  char err[256];
  unsigned i;

  ASSERT_EQ(ifm_server_profile_parse("rfc9110", &p), 0);
  ASSERT_EQ(p, IFM_PROFILE_RFC9110);
  ASSERT_EQ(ifm_server_profile_parse("rfc9110-428", &p), 0);
  ASSERT_EQ(p, IFM_PROFILE_RFC9110_428);
  ASSERT_EQ(ifm_server_profile_parse("cpp", &p), 0);
  ASSERT_STREQ(ifm_server_profile_name(p), "cpp");
  ASSERT_EQ(ifm_server_profile_parse("rfc7232", &p), -1);
  for (i = 0; i < IFM_FLAW_COUNT; i++) {
    ASSERT(ifm_flaw_name(i) != NULL);
    ASSERT(ifm_flaw_describe(i) && strlen(ifm_flaw_describe(i)) > 10);
    ASSERT_EQ(ifm_flaw_parse(ifm_flaw_name(i)), 1u << i);
  }
  ASSERT_EQ(ifm_flaw_parse("race"), IFM_FLAW_RACE);
  ASSERT_EQ(ifm_flaw_parse("replace-201"), IFM_FLAW_REPLACE_201);
  ASSERT_EQ(ifm_flaw_parse("no-such-flaw"), 0);
  ASSERT(ifm_flaw_name(IFM_FLAW_COUNT) == NULL);

  ifm_server_opts_init(&o);
  o.bind = "not-an-address";
  ASSERT(ifm_server_start(&o, err, sizeof err) == NULL);
  ASSERT_CONTAINS(err, "not-an-address");
  ifm_server_stop(NULL);
}

/* ---- profiles (REQUIREMENTS items 19, 22, 23, 24) ----------------------- */

static void test_rfc9110_profile(void) {
  hresp r = {0};
  WITH(IFM_PROFILE_RFC9110);
  /* Missing If-Match allowed: PUT creates (201, RFC 9110 section 9.3.4). */
  ASSERT_EQ(http(&r, "PUT", "/r", "one", NULL), 201);
  ASSERT_STREQ(hget(&r, "Location"), "/r");
  ASSERT(hget(&r, "ETag") != NULL);
  ASSERT_EQ(http(&r, "PUT", "/r", "two", NULL) / 100, 2);
  /* "*" is false without a current representation (section 13.1.1). */
  ASSERT_EQ(http(&r, "PUT", "/absent", "x", "If-Match: *", NULL), 412);
  ASSERT_EQ(http(&r, "GET", "/absent", NULL, NULL), 404);
  ASSERT_EQ(http(&r, "PUT", "/absent", "x", "If-Match: \"x\"", NULL), 412);
  ASSERT_EQ(http(&r, "GET", "/absent", NULL, NULL), 404);
  /* "*" on an existing resource is true (item 18). */
  ASSERT_EQ(http(&r, "PUT", "/r", "three", "If-Match: *", NULL) / 100, 2);
  ASSERT_EQ(http(&r, "GET", "/r", NULL, NULL), 200);
  ASSERT_MEMEQ(r.body, r.len, "three", 5);
  /* item 23: without the header the same PUT creates. */
  ASSERT_EQ(http(&r, "PUT", "/absent", "x", NULL), 201);
  hfree(&r);
  stop();
}

static void test_428_profile(void) {
  hresp r = {0};
  char *e;
  WITH(IFM_PROFILE_RFC9110_428);
  /* RFC 6585 section 3: 428, not cacheable, says how to retry. */
  ASSERT_EQ(http(&r, "PUT", "/r", "one", NULL), 428);
  ASSERT_CONTAINS(hget(&r, "Cache-Control"), "no-store");
  ASSERT_CONTAINS(r.body, "If-Match");
  ASSERT_CONTAINS(r.body, "GET");
  ASSERT(hget(&r, "ETag") == NULL);
  ASSERT_EQ(http(&r, "GET", "/r", NULL, NULL), 404);
  ASSERT_EQ(http(&r, "PUT", "/r", "one", "If-None-Match: *", NULL), 201);
  ASSERT_EQ(http(&r, "PUT", "/r", "two", NULL), 428);
  ASSERT_EQ(http(&r, "PATCH", "/r", "two", NULL), 428);
  ASSERT_EQ(http(&r, "DELETE", "/r", NULL, NULL), 428);
  ASSERT_EQ(http(&r, "POST", "/r", "two", NULL), 428);
  ASSERT_EQ(http(&r, "GET", "/r", NULL, NULL), 200);
  ASSERT_MEMEQ(r.body, r.len, "one", 3);
  /* POST to a collection creates a child: exempt. */
  ASSERT_EQ(http(&r, "POST", "/c/", "child", NULL), 201);
  e = etag_of("/r");
  ASSERT_EQ(http(&r, "PUT", "/r", "two", im(0, e), NULL), 204);
  free(e);
  hfree(&r);
  stop();
}

static void test_cpp_profile(void) {
  hresp r = {0};
  char *e1, *e2;
  WITH(IFM_PROFILE_CPP);
  /* cpp: every write states its strategy; without If-Match -> 400. */
  ASSERT_EQ(http(&r, "PUT", "/r", "one", NULL), 400);
  ASSERT_EQ(http(&r, "GET", "/r", NULL, NULL), 404);
  /* "*" = no comparison at all: creates a missing resource. */
  ASSERT_EQ(http(&r, "PUT", "/r", "one", "If-Match: *", NULL), 201);
  e1 = etag_of("/r");
  ASSERT(e1 != NULL);
  ASSERT_EQ(http(&r, "PUT", "/r", "two", NULL), 400);
  ASSERT_EQ(http(&r, "DELETE", "/r", NULL, NULL), 400);
  ASSERT_EQ(http(&r, "PUT", "/r", "two", "If-Match: \"stale\"", NULL), 412);
  ASSERT_EQ(http(&r, "GET", "/r", NULL, NULL), 200);
  ASSERT_MEMEQ(r.body, r.len, "one", 3);
  ASSERT_EQ(http(&r, "PUT", "/r", "two", "If-Match: *", NULL) / 100, 2);
  e2 = etag_of("/r");
  ASSERT(e2 && strcmp(e1, e2) != 0);
  ASSERT_EQ(http(&r, "PUT", "/r", "three", im(0, e1), NULL), 412);
  ASSERT_EQ(http(&r, "PUT", "/r", "three", im(0, e2), NULL) / 100, 2);
  ASSERT_EQ(http(&r, "PUT", "/absent", "x", "If-Match: \"x\"", NULL), 412);
  ASSERT_EQ(http(&r, "GET", "/absent", NULL, NULL), 404);
  free(e1);
  free(e2);
  hfree(&r);
  stop();
}

/* ---- entity-tags (items 3, 4, 5, 6) ------------------------------------- */

static int has_letter(const char *s) {
  for (; *s; s++)
    if (isalpha((unsigned char)*s)) return 1;
  return 0;
}

static void test_etag_rotation(void) {
  hresp r = {0};
  char *seen[64];
  size_t n = 0, i, j;
  char body[16];
  ifm_etag t;

  WITH(IFM_PROFILE_RFC9110);
  ASSERT_EQ(http(&r, "PUT", "/r", "v00", NULL), 201);
  seen[n++] = dupv(hget(&r, "ETag"));
  for (i = 1; i <= 50; i++) {           /* same size, same second */
    snprintf(body, sizeof body, "v%02zu", i);
    ASSERT_EQ(http(&r, "PUT", "/r", body, im(0, seen[n - 1]), NULL), 204);
    seen[n++] = dupv(hget(&r, "ETag"));
    ASSERT(seen[n - 1] != NULL);
  }
  for (i = 0; i < n; i++) {
    ASSERT_EQ(ifm_etag_parse(seen[i], strlen(seen[i]), &t, NULL), 0);
    ASSERT_EQ(t.weak, 0);
    ASSERT(has_letter(seen[i] + 1));
    for (j = 0; j < i; j++) ASSERT(strcmp(seen[i], seen[j]) != 0);
  }
  /* The PUT's ETag is the one a GET then shows, with exactly those bytes. */
  ASSERT_EQ(http(&r, "GET", "/r", NULL, NULL), 200);
  ASSERT_STREQ(hget(&r, "ETag"), seen[n - 1]);
  ASSERT_MEMEQ(r.body, r.len, "v50", 3);
  ASSERT_EQ(http(&r, "PUT", "/r", "old", im(0, seen[n - 2]), NULL), 412);
  /* Never reused, even after delete and re-create. */
  ASSERT_EQ(http(&r, "DELETE", "/r", NULL, im(0, seen[n - 1]), NULL), 204);
  ASSERT_EQ(http(&r, "PUT", "/r", "v00", NULL), 201);
  seen[n++] = dupv(hget(&r, "ETag"));
  for (j = 0; j + 1 < n; j++) ASSERT(strcmp(seen[n - 1], seen[j]) != 0);
  ASSERT_EQ(http(&r, "PUT", "/r", "x", im(0, seen[0]), NULL), 412);
  for (i = 0; i < n; i++) free(seen[i]);
  hfree(&r);
  stop();
}

static void test_get_head(void) {
  hresp r = {0};
  char *etag, *lm;
  time_t t, now = time(NULL);

  WITH(IFM_PROFILE_RFC9110);
  ASSERT_EQ(http(&r, "PUT", "/doc", "hello", "Content-Type: text/x-greeting", NULL), 201);
  ASSERT(hget(&r, "Last-Modified") != NULL);
  ASSERT_EQ(http(&r, "GET", "/doc", NULL, NULL), 200);
  ASSERT_MEMEQ(r.body, r.len, "hello", 5);
  ASSERT_STREQ(hget(&r, "Content-Type"), "text/x-greeting");
  ASSERT_STREQ(hget(&r, "Content-Length"), "5");
  etag = dupv(hget(&r, "ETag"));
  lm = dupv(hget(&r, "Last-Modified"));
  ASSERT(etag && lm);
  ASSERT_EQ(ifm_http_date_parse(lm, strlen(lm), &t), 0);
  ASSERT(t >= now - 5 && t <= now + 5);
  ASSERT_EQ(http(&r, "HEAD", "/doc", NULL, NULL), 200);
  ASSERT_EQ(r.len, 0);
  ASSERT_STREQ(hget(&r, "ETag"), etag);
  ASSERT_STREQ(hget(&r, "Last-Modified"), lm);
  ASSERT_STREQ(hget(&r, "Content-Length"), "5");
  ASSERT_STREQ(hget(&r, "Content-Type"), "text/x-greeting");
  ASSERT_EQ(http(&r, "HEAD", "/doc", NULL, im(0, etag), NULL), 200);
  ASSERT_EQ(http(&r, "HEAD", "/doc", NULL, "If-Match: \"nope\"", NULL), 412);
  ASSERT_EQ(r.len, 0);
  free(etag);
  free(lm);
  hfree(&r);
  stop();
}

/* Item 38: a complete, framed 412 that announces no version and leaves the
 * connection usable. */
static void test_412_shape(void) {
  hresp r = {0};
  char *e;
  char len[32];

  WITH(IFM_PROFILE_RFC9110);
  ASSERT_EQ(http(&r, "PUT", "/r", "one", NULL), 201);
  e = etag_of("/r");
  ASSERT_EQ(http(&r, "PUT", "/r", "two", "If-Match: \"stale\"", NULL), 412);
  ASSERT(hget(&r, "ETag") == NULL);
  ASSERT(hget(&r, "Last-Modified") == NULL);
  snprintf(len, sizeof len, "%zu", r.len);
  ASSERT_STREQ(hget(&r, "Content-Length"), len);
  ASSERT(r.len > 0);
  ASSERT_CONTAINS(hget(&r, "Content-Type"), "text/plain");
  ASSERT_EQ(http(&r, "PUT", "/r", "two", im(0, e), NULL), 204);
  ASSERT_EQ(r.new_conns, 0);            /* the same connection was reused */
  ASSERT_EQ(http(&r, "DELETE", "/r", NULL, "If-Match: \"stale\"", NULL), 412);
  ASSERT_EQ(http(&r, "GET", "/r", NULL, NULL), 200);
  ASSERT_EQ(r.new_conns, 0);
  ASSERT_MEMEQ(r.body, r.len, "two", 3);
  free(e);
  hfree(&r);
  stop();
}

/* ---- lists and header handling (items 7-12) ----------------------------- */

/* PUTs with the given If-Match lines (NULL-terminated) and returns the status;
 * on success the current ETag in *e is refreshed. */
static long put_lines(char **e, const char *l1, const char *l2) {
  hresp r = {0};
  long s = http(&r, "PUT", "/r", "body", l1, l2, NULL);
  if (s / 100 == 2) {
    free(*e);
    *e = etag_of("/r");
  }
  hfree(&r);
  return s;
}

static void test_list_forms(void) {
  hresp r = {0};
  char *e, *o, h1[600], h2[600];

  WITH(IFM_PROFILE_RFC9110);
  ASSERT_EQ(http(&r, "PUT", "/r", "body", NULL), 201);
  e = etag_of("/r");
  snprintf(h1, sizeof h1, "If-Match: \"x\", %s, \"y\"", e);
  ASSERT_EQ(put_lines(&e, h1, NULL), 204);
  snprintf(h1, sizeof h1, "If-Match: %s, \"x\"", e);
  ASSERT_EQ(put_lines(&e, h1, NULL), 204);
  snprintf(h1, sizeof h1, "If-Match: \"x\", %s", e);
  ASSERT_EQ(put_lines(&e, h1, NULL), 204);
  ASSERT_EQ(put_lines(&e, "If-Match: \"x\", \"y\"", NULL), 412);
  /* Item 8: two field lines form one list, in either order. */
  snprintf(h2, sizeof h2, "If-Match: %s", e);
  ASSERT_EQ(put_lines(&e, "If-Match: \"x\"", h2), 204);
  snprintf(h1, sizeof h1, "If-Match: %s", e);
  ASSERT_EQ(put_lines(&e, h1, "If-Match: \"x\""), 204);
  ASSERT_EQ(put_lines(&e, "If-Match: \"x\"", "If-Match: \"y\""), 412);
  /* Item 9: OWS (spaces and tabs) around commas. */
  snprintf(h1, sizeof h1, "If-Match: \"x\" \t,\t %s\t", e);
  ASSERT_EQ(put_lines(&e, h1, NULL), 204);
  /* Item 10: empty list elements. */
  snprintf(h1, sizeof h1, "If-Match: , \"x\" ,, %s ,", e);
  ASSERT_EQ(put_lines(&e, h1, NULL), 204);
  /* Item 14: field names are case-insensitive. */
  snprintf(h1, sizeof h1, "if-match: %s", e);
  ASSERT_EQ(put_lines(&e, h1, NULL), 204);
  snprintf(h1, sizeof h1, "IF-MATCH: %s", e);
  ASSERT_EQ(put_lines(&e, h1, NULL), 204);
  /* Item 11: a comma inside quotes is part of one tag. */
  o = strndup(e + 1, strlen(e) - 2);
  snprintf(h1, sizeof h1, "If-Match: \"a,%s,b\"", o);
  ASSERT_EQ(put_lines(&e, h1, NULL), 412);
  free(o);
  free(e);
  hfree(&r);
  stop();
}

static void test_weak_and_case(void) {
  hresp r = {0};
  char *e, h[600];
  size_t i;

  WITH(IFM_PROFILE_RFC9110);
  ASSERT_EQ(http(&r, "PUT", "/r", "body", NULL), 201);
  e = etag_of("/r");
  /* Item 13: If-Match uses the strong comparison. */
  snprintf(h, sizeof h, "If-Match: W/%s", e);
  ASSERT_EQ(http(&r, "PUT", "/r", "weak", h, NULL), 412);
  /* Item 14: opaque-tags are case-sensitive; a quoted "*" is a plain tag. */
  snprintf(h, sizeof h, "If-Match: %s", e);
  for (i = 10; h[i]; i++) h[i] = (char)toupper((unsigned char)h[i]);
  ASSERT(strcmp(h + 10, e) != 0);
  ASSERT_EQ(http(&r, "PUT", "/r", "case", h, NULL), 412);
  ASSERT_EQ(http(&r, "PUT", "/r", "star", "If-Match: \"*\"", NULL), 412);
  ASSERT_EQ(http(&r, "PUT", "/r", "8bit", "If-Match: \"\xe9t\xe9\"", NULL), 412);
  ASSERT_EQ(http(&r, "GET", "/r", NULL, NULL), 200);
  ASSERT_MEMEQ(r.body, r.len, "body", 4);
  ASSERT_STREQ(hget(&r, "ETag"), e);
  free(e);
  hfree(&r);
  stop();
}

/* Items 15, 16: malformed values are 400 and change nothing; an empty value
 * is an empty list, so false (412), never "absent". */
static void test_malformed(void) {
  static const char *const bad[] = {"o", "\"o", "o\"", "W/", "w/\"o\"", "\"a\" \"b\"",
                                    "*, \"a\"", "*, *", "W/ \"o\"", "\"a\"\"b\""};
  hresp r = {0};
  char *e, h[600];
  size_t i;

  WITH(IFM_PROFILE_RFC9110);
  ASSERT_EQ(http(&r, "PUT", "/r", "body", NULL), 201);
  e = etag_of("/r");
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    snprintf(h, sizeof h, "If-Match: %s", bad[i]);
    if (http(&r, "PUT", "/r", "changed", h, NULL) != 400)
      printf("# value: %s\n", bad[i]);
    ASSERT_EQ(r.status, 400);
    ASSERT_CONTAINS(r.body, "If-Match");
    ASSERT_CONTAINS(r.body, "byte");
    ASSERT_EQ(http(&r, "GET", "/r", NULL, h, NULL), 400);
  }
  /* "*" on one line and a tag on another: also invalid. */
  snprintf(h, sizeof h, "If-Match: %s", e);
  ASSERT_EQ(http(&r, "PUT", "/r", "changed", "If-Match: *", h, NULL), 400);
  ASSERT_EQ(http(&r, "PUT", "/r", "changed", "If-Match;", NULL), 412);   /* curl: empty value */
  ASSERT_EQ(http(&r, "PUT", "/r", "changed", "If-None-Match: \"a", NULL), 400);
  ASSERT_CONTAINS(r.body, "If-None-Match");
  ASSERT_EQ(http(&r, "GET", "/r", NULL, NULL), 200);
  ASSERT_MEMEQ(r.body, r.len, "body", 4);
  ASSERT_STREQ(hget(&r, "ETag"), e);
  free(e);
  hfree(&r);
  stop();
}

/* ---- PATCH (RFC 5789; item 32) ------------------------------------------ */

static void test_patch(void) {
  hresp r = {0};
  char *e, *e2;
  const char *pt = "Content-Type: application/x-ifm-patch";

  WITH(IFM_PROFILE_RFC9110);
  ASSERT_EQ(http(&r, "PUT", "/p", "abc", "Content-Type: text/plain", NULL), 201);
  e = etag_of("/p");
  ASSERT_EQ(http(&r, "PATCH", "/p", "def", im(0, e), "Content-Type: text/plain", NULL), 204);
  e2 = dupv(hget(&r, "ETag"));
  ASSERT(e2 && strcmp(e, e2) != 0);
  ASSERT_EQ(http(&r, "PATCH", "/p", "ghi", im(0, e), NULL), 412);
  ASSERT_EQ(http(&r, "GET", "/p", NULL, NULL), 200);
  ASSERT_MEMEQ(r.body, r.len, "abcdef", 6);
  ASSERT_STREQ(hget(&r, "ETag"), e2);
  free(e);
  e = e2;
  ASSERT_EQ(http(&r, "PATCH", "/p", "test abc\nprepend >\nappend <\n", im(0, e), pt, NULL), 204);
  free(e);
  e = dupv(hget(&r, "ETag"));
  ASSERT_EQ(http(&r, "GET", "/p", NULL, NULL), 200);
  ASSERT_MEMEQ(r.body, r.len, ">abcdef<", 8);
  ASSERT_STREQ(hget(&r, "Content-Type"), "text/plain");
  /* Fails part way: nothing applied, ETag unchanged. */
  ASSERT_EQ(http(&r, "PATCH", "/p", "append X\ntest nothere\n", im(0, e), pt, NULL), 409);
  ASSERT_EQ(http(&r, "PATCH", "/p", "append X\nfrobnicate\n", im(0, e), pt, NULL), 400);
  ASSERT_CONTAINS(r.body, "line 2");
  /* Item 29 (RFC 9110): a stale tag with an invalid body is 412. */
  ASSERT_EQ(http(&r, "PATCH", "/p", "frobnicate\n", "If-Match: \"old\"", pt, NULL), 412);
  ASSERT_EQ(http(&r, "GET", "/p", NULL, NULL), 200);
  ASSERT_MEMEQ(r.body, r.len, ">abcdef<", 8);
  ASSERT_STREQ(hget(&r, "ETag"), e);
  /* PATCH does not create. */
  ASSERT_EQ(http(&r, "PATCH", "/none", "x", NULL), 404);
  ASSERT_EQ(http(&r, "PATCH", "/none", "x", "If-Match: *", NULL), 404);
  ASSERT_EQ(http(&r, "GET", "/none", NULL, NULL), 404);
  free(e);
  hfree(&r);
  stop();
}

/* ---- collections: a resource without an entity-tag (item 21) ------------ */

static void test_collections(void) {
  hresp r = {0};
  char *loc, *e;

  WITH(IFM_PROFILE_RFC9110);
  ASSERT_EQ(http(&r, "GET", "/c/", NULL, NULL), 200);
  ASSERT_EQ(r.len, 0);
  ASSERT(hget(&r, "ETag") == NULL);
  ASSERT_EQ(http(&r, "PUT", "/c/b", "B", NULL), 201);
  ASSERT_EQ(http(&r, "PUT", "/c/a", "A", NULL), 201);
  ASSERT_EQ(http(&r, "PUT", "/c/sub/x", "X", NULL), 201);
  ASSERT_EQ(http(&r, "GET", "/c/", NULL, NULL), 200);
  ASSERT_STREQ(r.body, "/c/a\n/c/b\n");
  ASSERT(hget(&r, "ETag") == NULL);
  ASSERT_EQ(http(&r, "GET", "/c/", NULL, "If-Match: \"x\"", NULL), 412);
  ASSERT_EQ(http(&r, "GET", "/c/", NULL, "If-Match: *", NULL), 200);
  ASSERT_EQ(http(&r, "POST", "/c/", "new", "If-Match: \"x\"", NULL), 412);
  ASSERT_EQ(http(&r, "POST", "/c/", "new", "If-Match: *", NULL), 201);
  loc = dupv(hget(&r, "Location"));
  ASSERT(loc && strncmp(loc, "/c/", 3) == 0 && strlen(loc) > 3);
  ASSERT(hget(&r, "ETag") != NULL);
  ASSERT_EQ(http(&r, "GET", loc, NULL, NULL), 200);
  ASSERT_MEMEQ(r.body, r.len, "new", 3);
  ASSERT_EQ(http(&r, "POST", "/c/", "other", NULL), 201);
  ASSERT(strcmp(hget(&r, "Location"), loc) != 0);
  /* PUT / PATCH / DELETE on a collection: 405 with Allow. */
  ASSERT_EQ(http(&r, "PUT", "/c/", "x", NULL), 405);
  ASSERT_CONTAINS(hget(&r, "Allow"), "POST");
  ASSERT_EQ(http(&r, "DELETE", "/c/", NULL, "If-Match: \"x\"", NULL), 405);
  /* POST to a resource appends; to a missing one, 404. */
  e = etag_of("/c/a");
  ASSERT_EQ(http(&r, "POST", "/c/a", "+", im(0, e), NULL), 200);
  ASSERT(hget(&r, "ETag") && strcmp(hget(&r, "ETag"), e) != 0);
  ASSERT_EQ(http(&r, "POST", "/c/a", "+", im(0, e), NULL), 412);
  ASSERT_EQ(http(&r, "GET", "/c/a", NULL, NULL), 200);
  ASSERT_MEMEQ(r.body, r.len, "A+", 2);
  ASSERT_EQ(http(&r, "POST", "/c/none", "+", NULL), 404);
  free(loc);
  free(e);
  hfree(&r);
  stop();
}

/* ---- limits (item 12) --------------------------------------------------- */

static void test_limits(void) {
  ifm_server_opts o;
  hresp r = {0};
  char *big, *hdr, *e;
  size_t i, k = 0;

  ifm_server_opts_init(&o);
  o.max_body = 1000;
  o.max_resources = 3;
  start_opts(&o);
  ASSERT(srv != NULL);
  big = malloc(300 * 1024 + 64);
  memset(big, 'b', 2000);
  big[2000] = '\0';
  ASSERT_EQ(http(&r, "PUT", "/big", big, NULL), 413);
  ASSERT_EQ(http(&r, "PUT", "/big", big, "Transfer-Encoding: chunked", NULL), 413);
  ASSERT_EQ(http(&r, "GET", "/big", NULL, NULL), 404);
  big[1000] = '\0';
  ASSERT_EQ(http(&r, "PUT", "/big", big, NULL), 201);
  /* 1,000 tags (about 25 KB) with the current one last. */
  e = etag_of("/big");
  hdr = malloc(40 * 1024);
  k = (size_t)sprintf(hdr, "If-Match: ");
  for (i = 0; i < 999; i++) k += (size_t)sprintf(hdr + k, "\"tag-%04zu-0123456789abc\", ", i);
  sprintf(hdr + k, "%s", e);
  ASSERT(strlen(hdr) > 24000);
  ASSERT_EQ(http(&r, "PUT", "/big", "y", hdr, NULL), 204);
  /* One 64 KiB tag: no match (412), or more header than the server takes
   * (431/400): REQUIREMENTS item 12 allows either, never 5xx. The default
   * 32 KiB header memory answers 431. */
  memcpy(big, "If-Match: \"", 11);
  memset(big + 11, 'a', 65536);
  strcpy(big + 11 + 65536, "\"");
  http(&r, "PUT", "/big", "z", big, NULL);
  ASSERT(r.status == 412 || r.status == 431 || r.status == 400);
  /* Over the header memory limit: 431 (or 400), never 5xx. */
  memset(big + 11, 'a', 300 * 1024);
  strcpy(big + 11 + 300 * 1024, "\"");
  http(&r, "PUT", "/big", "z", big, NULL);
  ASSERT(r.status == 431 || r.status == 400);
  /* The store is full at three resources: 507. */
  ASSERT_EQ(http(&r, "PUT", "/two", "2", NULL), 201);
  ASSERT_EQ(http(&r, "PUT", "/three", "3", NULL), 201);
  ASSERT_EQ(http(&r, "PUT", "/four", "4", NULL), 507);
  ASSERT_EQ(http(&r, "PUT", "/three", "3", NULL), 204);
  free(big);
  free(hdr);
  free(e);
  hfree(&r);
  stop();
}

/* ---- order against other checks (item 28, section 13.2.1) ---------------- */

static void test_order(void) {
  ifm_server_opts o;
  hresp r = {0};
  char big[2048];

  ifm_server_opts_init(&o);
  o.max_body = 1000;
  start_opts(&o);
  ASSERT(srv != NULL);
  ASSERT_EQ(http(&r, "PUT", "/private/x", "p", "If-Match: \"stale\"", NULL), 401);
  ASSERT_CONTAINS(hget(&r, "WWW-Authenticate"), "Bearer");
  ASSERT_EQ(http(&r, "GET", "/private/x", NULL, "Authorization: Bearer wrong", NULL), 401);
  ASSERT_EQ(http(&r, "PUT", "/private/x", "p", "Authorization: Bearer ifmatch-secret", NULL), 201);
  ASSERT_EQ(http(&r, "PUT", "/private/x", "p", "If-Match: \"stale\"",
                 "Authorization: bearer ifmatch-secret", NULL), 412);
  ASSERT_EQ(http(&r, "PUT", "/readonly/x", "p", "If-Match: \"stale\"", NULL), 403);
  ASSERT_EQ(http(&r, "DELETE", "/readonly/x", NULL, "If-Match: \"stale\"", NULL), 403);
  ASSERT_EQ(http(&r, "GET", "/readonly/x", NULL, NULL), 404);
  ASSERT_EQ(http(&r, "PUT", "/r", "r", NULL), 201);
  ASSERT_EQ(http(&r, "TRACE", "/r", NULL, "If-Match: \"stale\"", NULL), 405);
  ASSERT(hget(&r, "Allow") != NULL);
  ASSERT_EQ(http(&r, "PUT", "/c/", "x", "If-Match: \"stale\"", NULL), 405);
  ASSERT_EQ(http(&r, "BREW", "/r", NULL, "If-Match: \"stale\"", NULL), 501);
  memset(big, 'x', 1500);
  big[1500] = '\0';
  ASSERT_EQ(http(&r, "PUT", "/r", big, "If-Match: \"stale\"", NULL), 413);
  /* Item 31: OPTIONS ignores preconditions, even malformed ones. */
  ASSERT_EQ(http(&r, "OPTIONS", "/r", NULL, "If-Match: \"stale\"", NULL), 204);
  ASSERT_CONTAINS(hget(&r, "Allow"), "PUT");
  ASSERT_EQ(http(&r, "OPTIONS", "/r", NULL, "If-Match: bogus", NULL), 204);
  hfree(&r);
  stop();
}

/* ---- Range and precedence (items 25, 26, 27) ---------------------------- */

static void test_range(void) {
  hresp r = {0};
  char *e, h[600];

  WITH(IFM_PROFILE_RFC9110);
  ASSERT_EQ(http(&r, "PUT", "/r", "0123456789", NULL), 201);
  e = etag_of("/r");
  ASSERT_EQ(http(&r, "GET", "/r", NULL, im(0, e), "Range: bytes=2-4", NULL), 206);
  ASSERT_MEMEQ(r.body, r.len, "234", 3);
  ASSERT_STREQ(hget(&r, "Content-Range"), "bytes 2-4/10");
  ASSERT_EQ(http(&r, "GET", "/r", NULL, "Range: bytes=-3", NULL), 206);
  ASSERT_MEMEQ(r.body, r.len, "789", 3);
  ASSERT_EQ(http(&r, "GET", "/r", NULL, "Range: bytes=7-", NULL), 206);
  ASSERT_MEMEQ(r.body, r.len, "789", 3);
  ASSERT_EQ(http(&r, "GET", "/r", NULL, "Range: bytes=20-", NULL), 416);
  ASSERT_STREQ(hget(&r, "Content-Range"), "bytes */10");
  /* Step 5 comes after If-Match (section 13.2.2). */
  ASSERT_EQ(http(&r, "GET", "/r", NULL, "If-Match: \"old\"", "Range: bytes=2-4", NULL), 412);
  ASSERT_EQ(http(&r, "GET", "/r", NULL, "If-Match: \"old\"", "Range: bytes=20-", NULL), 412);
  ASSERT_EQ(http(&r, "GET", "/r", NULL, "If-Match: \"old\"",
                 "If-Modified-Since: Sun, 06 Nov 2094 08:49:37 GMT", NULL), 412);
  ASSERT_EQ(http(&r, "GET", "/r", NULL, "If-Range: \"old\"", "Range: bytes=2-4", NULL), 200);
  ASSERT_EQ(r.len, 10);
  snprintf(h, sizeof h, "If-Range: %s", e);
  ASSERT_EQ(http(&r, "GET", "/r", NULL, h, "Range: bytes=0-0", NULL), 206);
  ASSERT_MEMEQ(r.body, r.len, "0", 1);
  free(e);
  hfree(&r);
  stop();
}

static void test_precedence(void) {
  hresp r = {0};
  char *e, h[600];

  WITH(IFM_PROFILE_RFC9110);
  ASSERT_EQ(http(&r, "PUT", "/r", "one", NULL), 201);
  e = etag_of("/r");
  /* Item 25: If-Unmodified-Since is ignored when If-Match is present. */
  ASSERT_EQ(http(&r, "PUT", "/r", "two", im(0, e),
                 "If-Unmodified-Since: Thu, 01 Jan 1970 00:00:01 GMT", NULL), 204);
  free(e);
  e = etag_of("/r");
  ASSERT_EQ(http(&r, "PUT", "/r", "three", "If-Match: \"old\"",
                 "If-Unmodified-Since: Fri, 01 Jan 2100 00:00:00 GMT", NULL), 412);
  ASSERT_EQ(http(&r, "PUT", "/r", "three",
                 "If-Unmodified-Since: Thu, 01 Jan 1970 00:00:01 GMT", NULL), 412);
  /* Item 26: If-None-Match after If-Match. */
  snprintf(h, sizeof h, "If-None-Match: %s", e);
  ASSERT_EQ(http(&r, "PUT", "/r", "three", im(0, e), h, NULL), 412);
  ASSERT_EQ(http(&r, "GET", "/r", NULL, im(0, e), h, NULL), 304);
  ASSERT_STREQ(hget(&r, "ETag"), e);
  ASSERT_EQ(r.len, 0);
  /* Section 8.6: Content-Length in a 304 only with the 200's value. */
  ASSERT(!hget(&r, "Content-Length") || strcmp(hget(&r, "Content-Length"), "3") == 0);
  ASSERT_EQ(http(&r, "GET", "/r", NULL, NULL), 200);
  ASSERT_EQ(r.new_conns, 0);            /* the 304 was framed right: same connection */
  ASSERT_EQ(http(&r, "GET", "/r", NULL, "If-Match: \"old\"", h, NULL), 412);
  ASSERT_EQ(http(&r, "PUT", "/r", "three", "If-None-Match: *", NULL), 412);
  ASSERT_EQ(http(&r, "GET", "/r", NULL, NULL), 200);
  ASSERT_MEMEQ(r.body, r.len, "two", 3);
  free(e);
  hfree(&r);
  stop();
}

/* ---- methods (items 20, 30, 31, 33) ------------------------------------- */

static void test_methods(void) {
  hresp r = {0};
  char *e;

  WITH(IFM_PROFILE_RFC9110);
  /* Item 20: on a missing resource the answer is 404, whatever If-Match says. */
  ASSERT_EQ(http(&r, "GET", "/gone", NULL, "If-Match: \"x\"", NULL), 404);
  ASSERT_EQ(http(&r, "HEAD", "/gone", NULL, "If-Match: *", NULL), 404);
  ASSERT_EQ(http(&r, "DELETE", "/gone", NULL, "If-Match: \"x\"", NULL), 404);
  ASSERT_EQ(http(&r, "POST", "/gone", "x", "If-Match: \"x\"", NULL), 404);
  ASSERT_EQ(http(&r, "PUT", "/d", "one", NULL), 201);
  e = etag_of("/d");
  ASSERT_EQ(http(&r, "DELETE", "/d", NULL, "If-Match: \"old\"", NULL), 412);
  ASSERT_EQ(http(&r, "DELETE", "/d", NULL, im(0, e), NULL), 204);
  ASSERT_EQ(http(&r, "DELETE", "/d", NULL, im(0, e), NULL), 404);   /* replay */
  ASSERT_EQ(http(&r, "GET", "/d", NULL, NULL), 404);
  ASSERT_EQ(http(&r, "PUT", "/d", "two", im(0, e), NULL), 412);      /* nothing recreated */
  ASSERT_EQ(http(&r, "GET", "/d", NULL, NULL), 404);
  free(e);
  hfree(&r);
  stop();
}

/* ---- atomicity (item 34) ------------------------------------------------ */

#define RACERS 32

typedef struct racer {
  CURL *c;
  pthread_barrier_t *bar;
  const char *etag;
  int id, round;
  long status;
  char etag_out[64];
} racer;

static void *racer_main(void *arg) {
  racer *rc = arg;
  hresp r = {0};
  char body[64], h[128];

  snprintf(body, sizeof body, "w-%d-%d", rc->round, rc->id);
  snprintf(h, sizeof h, "If-Match: %s", rc->etag);
  rc->etag_out[0] = '\0';
  pthread_barrier_wait(rc->bar);
  rc->status = http_on(rc->c, &r, "PUT", "/race", body, h, NULL);
  if (hget(&r, "ETag")) snprintf(rc->etag_out, sizeof rc->etag_out, "%s", hget(&r, "ETag"));
  hfree(&r);
  return NULL;
}

/* 32 clients, one connection each, hold the same ETag and are released
 * together by a barrier: exactly one 2xx, 31 412s, and the final state is
 * the winner's. 20 rounds. */
static void test_concurrency(void) {
  racer rc[RACERS];
  pthread_t th[RACERS];
  pthread_barrier_t bar;
  hresp r = {0};
  char *e;
  int round, i;

  WITH(IFM_PROFILE_RFC9110);
  ASSERT_EQ(http(&r, "PUT", "/race", "start", NULL), 201);
  for (i = 0; i < RACERS; i++) {
    rc[i].c = curl_easy_init();
    ASSERT_EQ(http_on(rc[i].c, &r, "GET", "/race", NULL, NULL), 200);   /* connect now */
  }
  for (round = 0; round < 20; round++) {
    int wins = 0, fails = 0, winner = -1;
    char want[64];
    e = etag_of("/race");
    ASSERT(e != NULL);
    pthread_barrier_init(&bar, NULL, RACERS);
    for (i = 0; i < RACERS; i++) {
      rc[i].bar = &bar;
      rc[i].etag = e;
      rc[i].id = i;
      rc[i].round = round;
      pthread_create(&th[i], NULL, racer_main, &rc[i]);
    }
    for (i = 0; i < RACERS; i++) pthread_join(th[i], NULL);
    pthread_barrier_destroy(&bar);
    for (i = 0; i < RACERS; i++) {
      if (rc[i].status / 100 == 2) {
        wins++;
        winner = i;
      } else if (rc[i].status == 412) {
        fails++;
      }
    }
    free(e);
    if (wins != 1) printf("# round %d: %d winners\n", round, wins);
    ASSERT_EQ(wins, 1);
    ASSERT_EQ(fails, RACERS - 1);
    snprintf(want, sizeof want, "w-%d-%d", round, winner);
    ASSERT_EQ(http(&r, "GET", "/race", NULL, NULL), 200);
    ASSERT_MEMEQ(r.body, r.len, want, strlen(want));
    ASSERT_STREQ(hget(&r, "ETag"), rc[winner].etag_out);
  }
  for (i = 0; i < RACERS; i++) curl_easy_cleanup(rc[i].c);
  hfree(&r);
  stop();
}

/* ---- the arrival hook --------------------------------------------------- */

typedef struct arrivals {
  pthread_mutex_t lock;
  int n;
  uint64_t last_ns;
  char method[16], path[64];
} arrivals;

static void arrival_cb(void *ctx, uint64_t ns, const char *method, const char *path) {
  arrivals *a = ctx;
  pthread_mutex_lock(&a->lock);
  a->n++;
  a->last_ns = ns;
  snprintf(a->method, sizeof a->method, "%s", method);
  snprintf(a->path, sizeof a->path, "%s", path);
  pthread_mutex_unlock(&a->lock);
}

static void test_arrival_log(void) {
  ifm_server_opts o;
  arrivals a;
  hresp r = {0};
  struct timespec ts;
  uint64_t before;

  memset(&a, 0, sizeof a);
  pthread_mutex_init(&a.lock, NULL);
  ifm_server_opts_init(&o);
  o.arrival_cb = arrival_cb;
  o.arrival_ctx = &a;
  start_opts(&o);
  ASSERT(srv != NULL);
  clock_gettime(CLOCK_MONOTONIC, &ts);
  before = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
  ASSERT_EQ(http(&r, "PUT", "/log/x", "body", NULL), 201);
  ASSERT_EQ(a.n, 1);
  ASSERT_STREQ(a.method, "PUT");
  ASSERT_STREQ(a.path, "/log/x");
  ASSERT(a.last_ns >= before);
  ASSERT_EQ(http(&r, "GET", "/log/x", NULL, NULL), 200);
  ASSERT_EQ(a.n, 2);
  hfree(&r);
  stop();
  pthread_mutex_destroy(&a.lock);
}

IFM_TEST_MAIN(TEST(test_names), TEST(test_rfc9110_profile), TEST(test_428_profile),
              TEST(test_cpp_profile), TEST(test_etag_rotation), TEST(test_get_head),
              TEST(test_412_shape), TEST(test_list_forms), TEST(test_weak_and_case),
              TEST(test_malformed), TEST(test_patch), TEST(test_collections),
              TEST(test_limits), TEST(test_order), TEST(test_range), TEST(test_precedence),
              TEST(test_methods), TEST(test_concurrency), TEST(test_arrival_log))
