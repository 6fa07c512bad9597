/* server_flaws_test.c: every seeded flaw of the reference server has the
 * observable effect it claims, and only that one.
 *
 * For each flaw the same scenario runs against the clean server, which must
 * answer as RFC 9110 / the profile says, and against the server with only
 * that flaw, which must answer wrongly in the documented way. A second test
 * runs a fixed baseline of ordinary conditional requests against every flaw
 * and checks that exactly the expected baseline checks break (a flaw that
 * breaks more than its rule would make the suite's findings ambiguous).
 * `race` is shown statistically: within 50 rounds of 32 concurrent
 * conditional PUTs some round has more than one winner.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>

#include <curl/curl.h>

#include "ifm_server.h"
#include "ifm_test.h"
#include "server_http.h"

static void start(ifm_server_profile p, unsigned flaws) {
  ifm_server_opts o;
  ifm_server_opts_init(&o);
  o.profile = p;
  o.flaws = flaws;
  o.race_window_us = 1000;
  start_opts(&o);
}




/* Starts a server with flaws, runs probe, stops it, returns what the probe
 * observed (-1 when the server did not start). */
static long run(ifm_server_profile p, unsigned flaws, long (*probe)(void)) {
  long v;
  start(p, flaws);
  if (!srv) {
    stop();
    return -1;
  }
  v = probe();
  stop();
  return v;
}

/* Creates /r with body "one" and returns its ETag (malloc'd). */
static char *make_r(void) {
  hresp r = {0};
  char *e = NULL;
  if (http(&r, "PUT", "/r", "one", "If-None-Match: *", NULL) == 201) e = dupv(hget(&r, "ETag"));
  hfree(&r);
  return e;
}

/* PUT /r "two" with If-Match: <pre><current ETag><post>, or just <pre> when
 * with_etag is 0. Returns the status. */
static long put_wrap(const char *pre, int with_etag, const char *post) {
  hresp r = {0};
  char *e = make_r(), h[700];
  long s;
  snprintf(h, sizeof h, "If-Match: %s%s%s", pre, with_etag && e ? e : "", post);
  s = http(&r, "PUT", "/r", "two", h, NULL);
  free(e);
  hfree(&r);
  return s;
}

static long probe_weak(void) { return put_wrap("W/", 1, ""); }
static long probe_stale_put(void) { return put_wrap("\"stale\"", 0, ""); }
static long probe_list_first(void) { return put_wrap("\"x\", ", 1, ""); }
static long probe_malformed(void) { return put_wrap("unquoted", 0, ""); }

static long probe_case(void) {
  hresp r = {0};
  char *e = make_r(), h[700];
  size_t i;
  long s;
  snprintf(h, sizeof h, "If-Match: %s", e ? e : "");
  for (i = 10; h[i]; i++) h[i] = (char)toupper((unsigned char)h[i]);
  s = http(&r, "PUT", "/r", "two", h, NULL);
  free(e);
  hfree(&r);
  return s;
}

static long probe_comma(void) {
  hresp r = {0};
  char *e = make_r(), h[700];
  long s;
  /* "a,<opaque>,b": one tag whose bytes contain the current opaque-tag */
  snprintf(h, sizeof h, "If-Match: \"a,%.*s,b\"", e ? (int)strlen(e) - 2 : 0, e ? e + 1 : "");
  s = http(&r, "PUT", "/r", "two", h, NULL);
  free(e);
  hfree(&r);
  return s;
}

static long probe_line_first(void) {
  hresp r = {0};
  char *e = make_r(), h[700];
  long s;
  snprintf(h, sizeof h, "If-Match: %s", e ? e : "");
  s = http(&r, "PUT", "/r", "two", "If-Match: \"x\"", h, NULL);
  free(e);
  hfree(&r);
  return s;
}

static long probe_star_missing(void) {
  hresp r = {0};
  long s = http(&r, "PUT", "/absent", "x", "If-Match: *", NULL);
  if (http(&r, "GET", "/absent", NULL, NULL) == 200) s += 1000;   /* it was created */
  hfree(&r);
  return s;
}

static long probe_missing_put(void) {
  hresp r = {0};
  long s = http(&r, "PUT", "/r", "x", NULL);
  hfree(&r);
  return s;
}

/* 1 when two successive writes left the ETag unchanged. */
static long probe_etag_static(void) {
  hresp r = {0};
  char *e1 = make_r(), *e2 = NULL, h[700];
  long same;
  snprintf(h, sizeof h, "If-Match: %s", e1 ? e1 : "");
  if (http(&r, "PUT", "/r", "two", h, NULL) / 100 == 2 && http(&r, "GET", "/r", NULL, NULL) == 200)
    e2 = dupv(hget(&r, "ETag"));
  same = e1 && e2 && strcmp(e1, e2) == 0;
  free(e1);
  free(e2);
  hfree(&r);
  return same;
}

/* status * 10 + 1 when a stale PUT changed the stored body. */
static long probe_write_then_412(void) {
  hresp r = {0};
  char *e = make_r();
  long s = http(&r, "PUT", "/r", "two", "If-Match: \"stale\"", NULL) * 10;
  if (http(&r, "GET", "/r", NULL, NULL) == 200 && !(r.len == 3 && memcmp(r.body, "one", 3) == 0))
    s += 1;
  free(e);
  hfree(&r);
  return s;
}

static long probe_stale_delete(void) {
  hresp r = {0};
  char *e = make_r();
  long s = http(&r, "DELETE", "/r", NULL, "If-Match: \"stale\"", NULL);
  free(e);
  hfree(&r);
  return s;
}

static long probe_ius(void) {
  hresp r = {0};
  char *e = make_r();
  long s = http(&r, "PUT", "/r", "two", "If-Match: \"stale\"",
                "If-Unmodified-Since: Fri, 01 Jan 2100 00:00:00 GMT", NULL);
  free(e);
  hfree(&r);
  return s;
}

/* 1 when the ETag in the write's response is the one then stored. */
static long probe_response_etag(void) {
  hresp r = {0};
  char *e = make_r(), *got = NULL, h[700];
  long ok;
  snprintf(h, sizeof h, "If-Match: %s", e ? e : "");
  if (http(&r, "PUT", "/r", "two", h, NULL) / 100 == 2) got = dupv(hget(&r, "ETag"));
  ok = got && http(&r, "GET", "/r", NULL, NULL) == 200 && hget(&r, "ETag") &&
       strcmp(hget(&r, "ETag"), got) == 0;
  free(e);
  free(got);
  hfree(&r);
  return ok;
}

/* The ETag as issued, sent back in If-Match: status * 10 + 1 if it was weak. */
static long probe_weak_etags(void) {
  hresp r = {0};
  char *e = make_r(), h[700];
  long s;
  snprintf(h, sizeof h, "If-Match: %s", e ? e : "");
  s = http(&r, "PUT", "/r", "two", h, NULL) * 10 + (e && strncmp(e, "W/", 2) == 0);
  free(e);
  hfree(&r);
  return s;
}

static long probe_inm_first(void) {
  hresp r = {0};
  char *e = make_r(), h[700];
  long s;
  snprintf(h, sizeof h, "If-None-Match: %s", e ? e : "");
  s = http(&r, "GET", "/r", NULL, "If-Match: \"stale\"", h, NULL);
  free(e);
  hfree(&r);
  return s;
}

static long probe_missing_resource(void) {
  hresp r = {0};
  long s = http(&r, "GET", "/absent", NULL, "If-Match: \"x\"", NULL);
  s = s * 1000 + http(&r, "DELETE", "/absent", NULL, "If-Match: \"x\"", NULL);
  hfree(&r);
  return s;
}

static long probe_replace(void) {
  hresp r = {0};
  char *e = make_r(), h[700];
  long s;
  snprintf(h, sizeof h, "If-Match: %s", e ? e : "");
  s = http(&r, "PUT", "/r", "two", h, NULL);
  free(e);
  hfree(&r);
  return s;
}

/* ---- one test per flaw: clean answer vs. flawed answer ------------------- */

#define R9 IFM_PROFILE_RFC9110

static void test_weak_compare(void) {
  ASSERT_EQ(run(R9, 0, probe_weak), 412);                       /* section 13.1.1: strong */
  ASSERT_EQ(run(R9, IFM_FLAW_WEAK_COMPARE, probe_weak), 204);
}

static void test_star_creates(void) {
  ASSERT_EQ(run(R9, 0, probe_star_missing), 412);               /* and GET stays 404 */
  ASSERT_EQ(run(R9, IFM_FLAW_STAR_CREATES, probe_star_missing), 1201);
}

static void test_etag_static(void) {
  ASSERT_EQ(run(R9, 0, probe_etag_static), 0);                  /* section 8.8.1 */
  ASSERT_EQ(run(R9, IFM_FLAW_ETAG_STATIC, probe_etag_static), 1);
}

static void test_missing_ok(void) {
  ASSERT_EQ(run(IFM_PROFILE_CPP, 0, probe_missing_put), 400);
  ASSERT_EQ(run(IFM_PROFILE_CPP, IFM_FLAW_MISSING_OK, probe_missing_put), 201);
  ASSERT_EQ(run(IFM_PROFILE_RFC9110_428, 0, probe_missing_put), 428);   /* RFC 6585 3 */
  ASSERT_EQ(run(IFM_PROFILE_RFC9110_428, IFM_FLAW_MISSING_OK, probe_missing_put), 201);
}

static void test_list_first(void) {
  ASSERT_EQ(run(R9, 0, probe_list_first), 204);                 /* any member matches */
  ASSERT_EQ(run(R9, IFM_FLAW_LIST_FIRST, probe_list_first), 412);
}

static void test_line_first(void) {
  ASSERT_EQ(run(R9, 0, probe_line_first), 204);                 /* section 5.3 */
  ASSERT_EQ(run(R9, IFM_FLAW_LINE_FIRST, probe_line_first), 412);
}

static void test_case_insensitive(void) {
  ASSERT_EQ(run(R9, 0, probe_case), 412);                       /* opaque bytes compared */
  ASSERT_EQ(run(R9, IFM_FLAW_CASE_INSENSITIVE, probe_case), 204);
}

static void test_write_then_412(void) {
  ASSERT_EQ(run(R9, 0, probe_write_then_412), 4120);            /* 412 and unchanged */
  ASSERT_EQ(run(R9, IFM_FLAW_WRITE_THEN_412, probe_write_then_412), 4121);
}

static void test_ignore_on_delete(void) {
  ASSERT_EQ(run(R9, 0, probe_stale_delete), 412);
  ASSERT_EQ(run(R9, IFM_FLAW_IGNORE_ON_DELETE, probe_stale_delete), 204);
}

static void test_ius_first(void) {
  ASSERT_EQ(run(R9, 0, probe_ius), 412);                        /* section 13.1.4 */
  ASSERT_EQ(run(R9, IFM_FLAW_IUS_FIRST, probe_ius), 204);
}

static void test_malformed_500(void) {
  ASSERT_EQ(run(R9, 0, probe_malformed), 400);
  ASSERT_EQ(run(R9, IFM_FLAW_MALFORMED_500, probe_malformed), 500);
}

static void test_comma_split(void) {
  ASSERT_EQ(run(R9, 0, probe_comma), 412);                      /* one tag, no match */
  ASSERT_EQ(run(R9, IFM_FLAW_COMMA_SPLIT, probe_comma), 204);
}

static void test_stale_etag_response(void) {
  ASSERT_EQ(run(R9, 0, probe_response_etag), 1);                /* section 9.3.4, item 5 */
  ASSERT_EQ(run(R9, IFM_FLAW_STALE_ETAG_RESPONSE, probe_response_etag), 0);
}

static void test_ignore_on_put(void) {
  ASSERT_EQ(run(R9, 0, probe_stale_put), 412);
  ASSERT_EQ(run(R9, IFM_FLAW_IGNORE_ON_PUT, probe_stale_put), 204);
}

static void test_weak_etags(void) {   /* a shape now, not a flaw: the clean server's tags are strong */
  ASSERT_EQ(run(R9, 0, probe_weak_etags), 2040);                /* strong tag, 204 */
}

static void test_inm_first(void) {
  ASSERT_EQ(run(R9, 0, probe_inm_first), 412);                  /* section 13.2.2 order */
  ASSERT_EQ(run(R9, IFM_FLAW_INM_FIRST, probe_inm_first), 304);
}

static void test_missing_412(void) {
  ASSERT_EQ(run(R9, 0, probe_missing_resource), 404404);        /* section 13.2.1 */
  ASSERT_EQ(run(R9, IFM_FLAW_MISSING_412, probe_missing_resource), 412412);
}

static void test_replace_201(void) {
  ASSERT_EQ(run(R9, 0, probe_replace), 204);
  ASSERT_EQ(run(R9, IFM_FLAW_REPLACE_201, probe_replace), 201);
}

/* ---- race: a check-then-write window lets several writers win ------------ */

#define RACERS 32

typedef struct racer {
  CURL *c;
  pthread_barrier_t *bar;
  const char *etag;
  int id, round;
  long status;
} racer;

static void *racer_main(void *arg) {
  racer *rc = arg;
  hresp r = {0};
  char body[64], h[128];

  snprintf(body, sizeof body, "w-%d-%d", rc->round, rc->id);
  snprintf(h, sizeof h, "If-Match: %s", rc->etag);
  pthread_barrier_wait(rc->bar);
  rc->status = http_on(rc->c, &r, "PUT", "/race", body, h, NULL);
  hfree(&r);
  return NULL;
}

/* The most 2xx answers seen in one round, over up to max_rounds rounds
 * (stops early at the first round with more than one). */
static int race_rounds(int max_rounds, int *rounds_run) {
  racer rc[RACERS];
  pthread_t th[RACERS];
  pthread_barrier_t bar;
  hresp r = {0};
  int round, i, most = 0;

  http(&r, "PUT", "/race", "start", NULL);
  for (i = 0; i < RACERS; i++) {
    rc[i].c = curl_easy_init();
    http_on(rc[i].c, &r, "GET", "/race", NULL, NULL);
  }
  for (round = 0; round < max_rounds && most <= 1; round++) {
    char *e = NULL;
    int wins = 0;
    if (http(&r, "GET", "/race", NULL, NULL) == 200) e = dupv(hget(&r, "ETag"));
    if (!e) break;
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
    for (i = 0; i < RACERS; i++) wins += rc[i].status / 100 == 2;
    if (wins > most) most = wins;
    free(e);
  }
  *rounds_run = round;
  for (i = 0; i < RACERS; i++) curl_easy_cleanup(rc[i].c);
  hfree(&r);
  return most;
}

static void test_race(void) {
  int rounds = 0, most;

  start(R9, IFM_FLAW_RACE);
  ASSERT(srv != NULL);
  most = race_rounds(50, &rounds);
  stop();
  printf("# race: %d winners in one round after %d round(s)\n", most, rounds);
  ASSERT(most > 1);
  /* The clean server over the same rounds: never more than one. */
  start(R9, 0);
  ASSERT(srv != NULL);
  most = race_rounds(5, &rounds);
  stop();
  ASSERT_EQ(most, 1);
}

/* ---- each flaw breaks its rule and nothing else ------------------------- */

enum {
  B_CREATE = 1 << 0,     /* PUT If-None-Match: * on a missing URI -> 201 */
  B_READ = 1 << 1,       /* GET -> 200, the bytes, a strong ETag */
  B_UPDATE = 1 << 2,     /* PUT If-Match: <issued ETag> -> 204 with a new ETag, as stored */
  B_STALE = 1 << 3,      /* PUT If-Match: "x" -> 412, unchanged */
  B_ABSENT = 1 << 4,     /* GET If-Match: "x" on a missing URI -> 404 */
  B_MALFORMED = 1 << 5,  /* If-Match: o -> 400 */
  B_STAR = 1 << 6,       /* PUT If-Match: * on the resource -> 204 */
  B_STAR_ABSENT = 1 << 7,/* PUT If-Match: * on a missing URI -> 412, not created */
  B_DELETE = 1 << 8      /* DELETE If-Match: "x" -> 412, still there */
};

static int body_is(hresp *r, const char *s) {
  return r->len == strlen(s) && memcmp(r->body, s, r->len) == 0;
}

/* Returns the mask of baseline checks that failed. */
static long baseline(void) {
  hresp r = {0};
  char *e = NULL, *e2 = NULL, *before, h[700];
  long bad = 0;

  if (http(&r, "PUT", "/b", "one", "If-None-Match: *", NULL) != 201) bad |= B_CREATE;
  if (http(&r, "GET", "/b", NULL, NULL) != 200 || !body_is(&r, "one") || !hget(&r, "ETag") ||
      strncmp(hget(&r, "ETag"), "\"", 1) != 0)
    bad |= B_READ;
  e = dupv(hget(&r, "ETag"));
  snprintf(h, sizeof h, "If-Match: %s", e ? e : "");
  if (http(&r, "PUT", "/b", "two", h, NULL) != 204) bad |= B_UPDATE;
  e2 = dupv(hget(&r, "ETag"));
  if (http(&r, "GET", "/b", NULL, NULL) != 200 || !body_is(&r, "two") || !e2 || !e ||
      !hget(&r, "ETag") || strcmp(hget(&r, "ETag"), e2) != 0 || strcmp(e, e2) == 0)
    bad |= B_UPDATE;
  http(&r, "GET", "/b", NULL, NULL);
  before = r.body ? strndup(r.body, r.len) : strdup("");
  if (http(&r, "PUT", "/b", "three", "If-Match: \"x\"", NULL) != 412) bad |= B_STALE;
  if (http(&r, "GET", "/b", NULL, NULL) != 200 || !body_is(&r, before)) bad |= B_STALE;
  if (http(&r, "GET", "/absent", NULL, "If-Match: \"x\"", NULL) != 404) bad |= B_ABSENT;
  if (http(&r, "PUT", "/b", "four", "If-Match: o", NULL) != 400) bad |= B_MALFORMED;
  if (http(&r, "PUT", "/b", "five", "If-Match: *", NULL) != 204) bad |= B_STAR;
  if (http(&r, "PUT", "/absent", "x", "If-Match: *", NULL) != 412 ||
      http(&r, "GET", "/absent", NULL, NULL) != 404)
    bad |= B_STAR_ABSENT;
  if (http(&r, "DELETE", "/b", NULL, "If-Match: \"x\"", NULL) != 412 ||
      http(&r, "GET", "/b", NULL, NULL) != 200)
    bad |= B_DELETE;
  free(e);
  free(e2);
  free(before);
  hfree(&r);
  return bad;
}

static void test_baseline_only_own_rule(void) {
  /* What each flaw is expected to break in the baseline, by bit order. */
  static const long expect[IFM_FLAW_COUNT] = {
    0,                                  /* weak-compare: no W/ in the baseline */
    B_STAR_ABSENT,                      /* star-creates */
    B_UPDATE,                           /* etag-static */
    0,                                  /* race: sequential requests are fine */
    0,                                  /* missing-ok: rfc9110 allows it anyway */
    0,                                  /* list-first: single tags */
    0,                                  /* line-first: single lines */
    0,                                  /* case-insensitive: exact case sent */
    B_STALE | B_STAR_ABSENT | B_DELETE, /* write-then-412: every 412 wrote */
    B_DELETE,                           /* ignore-on-delete */
    0,                                  /* ius-first: no If-Unmodified-Since */
    B_MALFORMED,                        /* malformed-500 */
    0,                                  /* comma-split: no commas */
    B_UPDATE,                           /* stale-etag-response */
    B_STALE | B_STAR_ABSENT,            /* ignore-on-put: no If-Match on PUT at all */
    0,                                  /* inm-first: no If-None-Match with If-Match */
    B_ABSENT,                           /* missing-412 */
    B_UPDATE | B_STAR,                  /* replace-201 */
  };
  unsigned i;

  ASSERT_EQ(run(R9, 0, baseline), 0);
  for (i = 0; i < IFM_FLAW_COUNT; i++) {
    long got = run(R9, 1u << i, baseline);
    if (got != expect[i]) printf("# flaw %s\n", ifm_flaw_name(i));
    ASSERT_EQ(got, expect[i]);
  }
}

IFM_TEST_MAIN(TEST(test_weak_compare), TEST(test_star_creates), TEST(test_etag_static),
              TEST(test_race), TEST(test_missing_ok), TEST(test_list_first),
              TEST(test_line_first), TEST(test_case_insensitive), TEST(test_write_then_412),
              TEST(test_ignore_on_delete), TEST(test_ius_first), TEST(test_malformed_500),
              TEST(test_comma_split), TEST(test_stale_etag_response), TEST(test_ignore_on_put),
              TEST(test_weak_etags), TEST(test_inm_first), TEST(test_missing_412),
              TEST(test_replace_201), TEST(test_baseline_only_own_rule))
