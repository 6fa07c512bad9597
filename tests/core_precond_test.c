/* core_precond_test.c: precondition precedence (RFC 9110 section 13.2.2),
 * the section 13.2.1 applicability rule and HTTP-date parsing and
 * formatting (section 5.6.7) of core/ifm_precond.c.
 *
 * Expected values come from the RFC text cited on each group; epoch seconds
 * were worked out by hand (days since 1970-01-01 times 86400 plus the time of
 * day) and are spelled out in the comments.
 */
#include "ifm_precond.h"
#include "ifm_test.h"

/* ---- helpers ---------------------------------------------------------- */

/* A one-line list parsed from a string literal (which outlives the list). */
static ifm_list list_of(const char *value) {
  ifm_list l;
  ifm_list_init(&l);
  if (ifm_list_add_line(&l, value, strlen(value), NULL) != 0) abort();
  return l;
}

static const ifm_etag E = {0, "e1", 2};

/* An existing representation with tag "e1", last modified at t=1000. */
static ifm_precond_rep rep_existing(void) {
  ifm_precond_rep r;
  memset(&r, 0, sizeof r);
  r.exists = 1;
  r.etag = &E;
  r.has_last_modified = 1;
  r.last_modified = 1000;
  return r;
}

static ifm_precond_req req_plain(int get) {
  ifm_precond_req q;
  memset(&q, 0, sizeof q);
  q.is_get_or_head = get;
  return q;
}

/* Parses a copy of exactly strlen(s) bytes, so ASan sees any overread. */
static int date_at(const char *s, size_t len, time_t now, time_t *out) {
  char *p = malloc(len ? len : 1);
  int rc;
  if (!p) abort();
  memcpy(p, s, len);
  rc = ifm_http_date_parse_at(p, len, now, out);
  free(p);
  return rc;
}

static int date_now(const char *s, time_t now, time_t *out) {
  return date_at(s, strlen(s), now, out);
}

static int date(const char *s, time_t *out) {
  return date_at(s, strlen(s), 1700000000, out);   /* now = 2023-11-14 */
}

/* ---- 13.2.2 step 5: nothing conditional -------------------------------- */

static void test_no_preconditions(void) {
  ifm_precond_req q = req_plain(0);
  ifm_precond_rep r = rep_existing();
  ASSERT_EQ(ifm_precond_evaluate(&q, &r), IFM_PRECOND_PROCEED);
  q.is_get_or_head = 1;
  ASSERT_EQ(ifm_precond_evaluate(&q, &r), IFM_PRECOND_PROCEED);
}

/* ---- 13.2.2 step 1 with 13.1.1: If-Match ------------------------------- */

static void test_if_match_step(void) {
  ifm_list match = list_of("\"x\", \"e1\""), stale = list_of("\"x\""),
           star = list_of("*"), empty = list_of(""), weak = list_of("W/\"e1\"");
  ifm_precond_req q = req_plain(0);
  ifm_precond_rep r = rep_existing(), none;
  memset(&none, 0, sizeof none);
  q.if_match = &match;
  ASSERT_EQ(ifm_precond_evaluate(&q, &r), IFM_PRECOND_PROCEED);
  q.if_match = &stale;                      /* false -> 412 */
  ASSERT_EQ(ifm_precond_evaluate(&q, &r), IFM_PRECOND_FAILED);
  q.is_get_or_head = 1;                     /* 412 for GET too, never 304 */
  ASSERT_EQ(ifm_precond_evaluate(&q, &r), IFM_PRECOND_FAILED);
  q.is_get_or_head = 0;
  q.if_match = &weak;                       /* strong comparison */
  ASSERT_EQ(ifm_precond_evaluate(&q, &r), IFM_PRECOND_FAILED);
  q.if_match = &empty;                      /* empty list: false */
  ASSERT_EQ(ifm_precond_evaluate(&q, &r), IFM_PRECOND_FAILED);
  q.if_match = &star;                       /* "*": current rep exists */
  ASSERT_EQ(ifm_precond_evaluate(&q, &r), IFM_PRECOND_PROCEED);
  ASSERT_EQ(ifm_precond_evaluate(&q, &none), IFM_PRECOND_FAILED);
  q.if_match = &match;                      /* no representation: false */
  ASSERT_EQ(ifm_precond_evaluate(&q, &none), IFM_PRECOND_FAILED);
  r.etag = NULL;                            /* IM-NO-ETAG: "x" 412, "*" ok */
  q.if_match = &stale;
  ASSERT_EQ(ifm_precond_evaluate(&q, &r), IFM_PRECOND_FAILED);
  q.if_match = &star;
  ASSERT_EQ(ifm_precond_evaluate(&q, &r), IFM_PRECOND_PROCEED);
  ifm_list_clear(&match); ifm_list_clear(&stale); ifm_list_clear(&star);
  ifm_list_clear(&empty); ifm_list_clear(&weak);
}

/* ---- 13.2.2 step 2 with 13.1.4: If-Unmodified-Since -------------------- */

/* True when the last modification is earlier than or equal to the date;
 * ignored when the representation has no modification date. */
static void test_if_unmodified_since_step(void) {
  ifm_precond_req q = req_plain(0);
  ifm_precond_rep r = rep_existing();
  q.has_if_unmodified_since = 1;
  q.if_unmodified_since = 999;              /* modified after: false */
  ASSERT_EQ(ifm_precond_evaluate(&q, &r), IFM_PRECOND_FAILED);
  q.if_unmodified_since = 1000;             /* equal: true */
  ASSERT_EQ(ifm_precond_evaluate(&q, &r), IFM_PRECOND_PROCEED);
  q.if_unmodified_since = 5000;             /* earlier: true */
  ASSERT_EQ(ifm_precond_evaluate(&q, &r), IFM_PRECOND_PROCEED);
  q.if_unmodified_since = 0;
  r.has_last_modified = 0;                  /* no date: ignored */
  ASSERT_EQ(ifm_precond_evaluate(&q, &r), IFM_PRECOND_PROCEED);
}

/* IM-PREC-IUS: a recipient MUST ignore If-Unmodified-Since when If-Match is
 * present (13.1.4; step 2 applies only "If-Match is not present"). */
static void test_if_match_beats_ius(void) {
  ifm_list match = list_of("\"e1\""), stale = list_of("\"old\"");
  ifm_precond_req q = req_plain(0);
  ifm_precond_rep r = rep_existing();
  q.has_if_unmodified_since = 1;
  q.if_unmodified_since = 0;                /* 1970: IUS alone would fail */
  q.if_match = &match;
  ASSERT_EQ(ifm_precond_evaluate(&q, &r), IFM_PRECOND_PROCEED);
  q.if_unmodified_since = 4102444800;       /* 2100: IUS alone would pass */
  q.if_match = &stale;
  ASSERT_EQ(ifm_precond_evaluate(&q, &r), IFM_PRECOND_FAILED);
  ifm_list_clear(&match); ifm_list_clear(&stale);
}

/* ---- 13.2.2 step 3 with 13.1.2: If-None-Match -------------------------- */

/* False -> 304 for GET/HEAD, 412 for other methods; weak comparison. */
static void test_if_none_match_step(void) {
  ifm_list hit = list_of("\"e1\""), weak = list_of("W/\"e1\""), miss = list_of("\"x\""),
           star = list_of("*");
  ifm_precond_req q = req_plain(1);
  ifm_precond_rep r = rep_existing(), none;
  memset(&none, 0, sizeof none);
  q.if_none_match = &hit;
  ASSERT_EQ(ifm_precond_evaluate(&q, &r), IFM_PRECOND_NOT_MODIFIED);
  q.if_none_match = &weak;
  ASSERT_EQ(ifm_precond_evaluate(&q, &r), IFM_PRECOND_NOT_MODIFIED);
  q.is_get_or_head = 0;                     /* PUT */
  ASSERT_EQ(ifm_precond_evaluate(&q, &r), IFM_PRECOND_FAILED);
  q.if_none_match = &hit;
  ASSERT_EQ(ifm_precond_evaluate(&q, &r), IFM_PRECOND_FAILED);
  q.if_none_match = &miss;
  ASSERT_EQ(ifm_precond_evaluate(&q, &r), IFM_PRECOND_PROCEED);
  q.if_none_match = &star;                  /* "*": false when rep exists */
  ASSERT_EQ(ifm_precond_evaluate(&q, &r), IFM_PRECOND_FAILED);
  ASSERT_EQ(ifm_precond_evaluate(&q, &none), IFM_PRECOND_PROCEED);
  ifm_list_clear(&hit); ifm_list_clear(&weak); ifm_list_clear(&miss); ifm_list_clear(&star);
}

/* IM-PREC-INM: If-Match is evaluated first (step 1), then If-None-Match. */
static void test_if_match_and_if_none_match(void) {
  ifm_list e = list_of("\"e1\""), stale = list_of("\"old\"");
  ifm_precond_req q = req_plain(0);
  ifm_precond_rep r = rep_existing();
  q.if_match = &e;
  q.if_none_match = &e;
  ASSERT_EQ(ifm_precond_evaluate(&q, &r), IFM_PRECOND_FAILED);        /* PUT */
  q.is_get_or_head = 1;
  ASSERT_EQ(ifm_precond_evaluate(&q, &r), IFM_PRECOND_NOT_MODIFIED);  /* GET */
  q.if_match = &stale;                      /* stale If-Match wins: 412, not 304 */
  ASSERT_EQ(ifm_precond_evaluate(&q, &r), IFM_PRECOND_FAILED);
  ifm_list_clear(&e); ifm_list_clear(&stale);
}

/* ---- 13.2.2 step 4 with 13.1.3: If-Modified-Since ---------------------- */

/* GET/HEAD only, only without If-None-Match; false (-> 304) when the last
 * modification is earlier than or equal to the date. */
static void test_if_modified_since_step(void) {
  ifm_list miss = list_of("\"x\""), stale = list_of("\"old\"");
  ifm_precond_req q = req_plain(1);
  ifm_precond_rep r = rep_existing();
  q.has_if_modified_since = 1;
  q.if_modified_since = 1000;               /* equal: false -> 304 */
  ASSERT_EQ(ifm_precond_evaluate(&q, &r), IFM_PRECOND_NOT_MODIFIED);
  q.if_modified_since = 2000;               /* later: 304 */
  ASSERT_EQ(ifm_precond_evaluate(&q, &r), IFM_PRECOND_NOT_MODIFIED);
  q.if_modified_since = 999;                /* modified since: true */
  ASSERT_EQ(ifm_precond_evaluate(&q, &r), IFM_PRECOND_PROCEED);
  q.if_modified_since = 2000;
  q.if_none_match = &miss;                  /* INM present: IMS ignored */
  ASSERT_EQ(ifm_precond_evaluate(&q, &r), IFM_PRECOND_PROCEED);
  q.if_none_match = NULL;
  r.has_last_modified = 0;                  /* no date to compare */
  ASSERT_EQ(ifm_precond_evaluate(&q, &r), IFM_PRECOND_PROCEED);
  r.has_last_modified = 1;
  q.is_get_or_head = 0;                     /* not GET/HEAD: ignored */
  ASSERT_EQ(ifm_precond_evaluate(&q, &r), IFM_PRECOND_PROCEED);
  q.is_get_or_head = 1;                     /* IM-PREC-RANGE-IMS: 412, not 304 */
  q.if_match = &stale;
  ASSERT_EQ(ifm_precond_evaluate(&q, &r), IFM_PRECOND_FAILED);
  ifm_list_clear(&miss); ifm_list_clear(&stale);
}

/* ---- 13.2.1: when preconditions are evaluated -------------------------- */

/* Only when the response without them would be 2xx or 412. */
static void test_applies(void) {
  static const int yes[] = {0, 200, 201, 204, 206, 299, 412};
  static const int no[] = {100, 199, 300, 301, 304, 400, 401, 403, 404, 405, 410,
                           413, 428, 500, 503};
  size_t i;
  for (i = 0; i < sizeof yes / sizeof yes[0]; i++)
    if (!ifm_precond_applies(yes[i])) IFM_TEST_FAIL_("status %d should apply", yes[i]);
  for (i = 0; i < sizeof no / sizeof no[0]; i++)
    if (ifm_precond_applies(no[i])) IFM_TEST_FAIL_("status %d should not apply", no[i]);
}

/* ---- 5.6.7: HTTP-date -------------------------------------------------- */

/* The three examples of 5.6.7 are the same instant. 1994-11-06: 24 years
 * from 1970 with 6 leap days = 8766 days, plus 304 days to Nov 1 and 5 more
 * = 9075 days; 9075 * 86400 + 8*3600 + 49*60 + 37 = 784111777. */
static void test_date_rfc_examples(void) {
  time_t t = 0;
  ASSERT_EQ(date("Sun, 06 Nov 1994 08:49:37 GMT", &t), 0);
  ASSERT_EQ(t, 784111777);
  t = 0;
  ASSERT_EQ(date("Sunday, 06-Nov-94 08:49:37 GMT", &t), 0);
  ASSERT_EQ(t, 784111777);
  t = 0;
  ASSERT_EQ(date("Sun Nov  6 08:49:37 1994", &t), 0);
  ASSERT_EQ(t, 784111777);
  t = 0;                                     /* date3 also allows 2DIGIT */
  ASSERT_EQ(date("Sun Nov 06 08:49:37 1994", &t), 0);
  ASSERT_EQ(t, 784111777);
  t = 0;                                     /* with the real clock */
  ASSERT_EQ(ifm_http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT", 29, &t), 0);
  ASSERT_EQ(t, 784111777);
}

/* More IMF-fixdates, worked out by hand. */
static void test_date_more_values(void) {
  time_t t = 1;
  ASSERT_EQ(date("Thu, 01 Jan 1970 00:00:00 GMT", &t), 0);
  ASSERT_EQ(t, 0);
  /* 1969-12-31 23:59:59 is one second before the epoch. */
  ASSERT_EQ(date("Wed, 31 Dec 1969 23:59:59 GMT", &t), 0);
  ASSERT_EQ(t, -1);
  /* 2000-02-29 (400-year leap day): 10957 + 59 days, plus 12 h. */
  ASSERT_EQ(date("Tue, 29 Feb 2000 12:00:00 GMT", &t), 0);
  ASSERT_EQ(t, 951825600);
  /* 2100-01-01: 130 years with 32 leap days = 47482 days. */
  ASSERT_EQ(date("Fri, 01 Jan 2100 00:00:00 GMT", &t), 0);
  ASSERT_EQ(t, 4102444800);
  /* The largest 4DIGIT year: 9999-12-31 23:59:59. */
  ASSERT_EQ(date("Fri, 31 Dec 9999 23:59:59 GMT", &t), 0);
  ASSERT_EQ(t, 253402300799);
  /* time-of-day allows 23:59:60 (leap second); POSIX time has none, so it
   * is the next midnight: 2009-01-01 = 14245 days. */
  ASSERT_EQ(date("Wed, 31 Dec 2008 23:59:60 GMT", &t), 0);
  ASSERT_EQ(t, 1230768000);
}

/* 5.6.7: an rfc850-date year that appears more than 50 years in the future
 * is the most recent past year with the same two digits. */
static void test_date_rfc850_century(void) {
  const time_t now2023 = 1700000000;         /* 2023-11-14 */
  const time_t now2099 = 4083955200;         /* 2099-06-01: 47117 + 151 days */
  time_t t = 0;
  ASSERT_EQ(date_now("Saturday, 01-Jan-00 00:00:00 GMT", now2023, &t), 0);
  ASSERT_EQ(t, 946684800);                   /* 2000 (2100 is 76 years ahead) */
  ASSERT_EQ(date_now("Wednesday, 01-Jan-70 00:00:00 GMT", now2023, &t), 0);
  ASSERT_EQ(t, 3155760000);                  /* 2070: 46 years ahead, kept; 36525 days */
  ASSERT_EQ(date_now("Friday, 01-Jan-00 00:00:00 GMT", now2099, &t), 0);
  ASSERT_EQ(t, 4102444800);                  /* 2100: half a year ahead */
  /* 2094-11-06 is in the past in 2099: 784111777 + 36525 days. */
  ASSERT_EQ(date_now("Saturday, 06-Nov-94 08:49:37 GMT", now2099, &t), 0);
  ASSERT_EQ(t, 3939871777);
}

/* Not an HTTP-date: refused (and then ignored by 13.1.3 / 13.1.4). */
static void test_date_invalid(void) {
  static const char *const bad[] = {
    "", "Sun, 6 Nov 1994 08:49:37 GMT", "sun, 06 Nov 1994 08:49:37 GMT",
    "Sun, 06 nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 gmt",
    "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Nov 1994 08:49:37 +0000",
    "Sun, 06 Nov 94 08:49:37 GMT", "Sun, 06 Nov 1994 8:49:37 GMT",
    "Sun,06 Nov 1994 08:49:37 GMT", "Sun, 06  Nov 1994 08:49:37 GMT",
    " Sun, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMT ",
    "Sunday, 06 Nov 1994 08:49:37 GMT", "Sun, 06-Nov-94 08:49:37 GMT",
    "Sunday, 06-Nov-1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37",
    "Sun Nov 6 08:49:37 1994", "Sun Nov  6 08:49:37 94", "Sun Nov  6 08:49:37 1994 GMT",
    "Sun, 30 Feb 1994 08:49:37 GMT", "Thu, 31 Apr 1994 08:49:37 GMT",
    "Mon, 29 Feb 2100 00:00:00 GMT", "Sun, 00 Nov 1994 08:49:37 GMT",
    "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:60:37 GMT",
    "Sun, 06 Nov 1994 08:49:60 GMT", "Sun, 06 Nov 1994 08:49:61 GMT",
    "Sun, 06 Nov 1994 08:49:37 GMT, Mon, 07 Nov 1994 08:49:37 GMT",
    "784111777", "Sun, 06 Nov 1994 08:49 GMT", "Sun, 06 Nov 1994",
  };
  static const char nul[] = "Sun, 06 Nov 1994\0" "08:49:37 GMT";
  size_t i;
  time_t t = 42;
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (date(bad[i], &t) != -1) IFM_TEST_FAIL_("accepted \"%s\"", bad[i]);
  ASSERT_EQ(date_at(nul, sizeof nul - 1, 0, &t), -1);
  ASSERT_EQ(t, 42);                          /* *out untouched on failure */
}

/* Every proper prefix of a valid date is refused without reading past it. */
static void test_date_prefixes(void) {
  static const char *const good[] = {
    "Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
    "Sun Nov  6 08:49:37 1994",
  };
  size_t i, n;
  time_t t;
  for (i = 0; i < sizeof good / sizeof good[0]; i++)
    for (n = 0; n < strlen(good[i]); n++)
      if (date_at(good[i], n, 1700000000, &t) != -1)
        IFM_TEST_FAIL_("accepted prefix %zu of \"%s\"", n, good[i]);
}

/* 5.6.7: senders generate IMF-fixdate. */
static void test_date_format(void) {
  char buf[30], small[8];
  time_t t, v;
  ASSERT_STREQ(ifm_http_date_format(784111777, buf, sizeof buf), "Sun, 06 Nov 1994 08:49:37 GMT");
  ASSERT_STREQ(ifm_http_date_format(0, buf, sizeof buf), "Thu, 01 Jan 1970 00:00:00 GMT");
  ASSERT_STREQ(ifm_http_date_format(-1, buf, sizeof buf), "Wed, 31 Dec 1969 23:59:59 GMT");
  ASSERT_STREQ(ifm_http_date_format(951825600, buf, sizeof buf), "Tue, 29 Feb 2000 12:00:00 GMT");
  ASSERT_STREQ(ifm_http_date_format(253402300799, buf, sizeof buf), "Fri, 31 Dec 9999 23:59:59 GMT");
  ASSERT_STREQ(ifm_http_date_format(784111777, small, sizeof small), "Sun, 06");
  /* Round trip over 1900-2100 in steps of a prime number of seconds. */
  for (t = -2208988800; t < 4102444800; t += 9999991) {
    ifm_http_date_format(t, buf, sizeof buf);
    if (ifm_http_date_parse_at(buf, strlen(buf), 0, &v) != 0 || v != t)
      IFM_TEST_FAIL_("round trip of %lld via \"%s\"", (long long)t, buf);
  }
}

IFM_TEST_MAIN(
  TEST(test_no_preconditions), TEST(test_if_match_step),
  TEST(test_if_unmodified_since_step), TEST(test_if_match_beats_ius),
  TEST(test_if_none_match_step), TEST(test_if_match_and_if_none_match),
  TEST(test_if_modified_since_step), TEST(test_applies),
  TEST(test_date_rfc_examples), TEST(test_date_more_values),
  TEST(test_date_rfc850_century), TEST(test_date_invalid), TEST(test_date_prefixes),
  TEST(test_date_format))
