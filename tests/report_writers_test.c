/* report_writers_test.c: what every writer promises (reports/): -1 with
 * errno when the stream fails, and well-formed output (valid UTF-8, no
 * control character the format cannot carry, no stray markup) for seeded
 * random reports full of hostile bytes.
 *
 * With IFM_REPORT_OUT set to a directory, test_write_samples also writes
 * sample.{tap,xml,json,html} from the nastiest report, empty.* from an empty
 * one and random-NN.* from seeded random ones, for report_validate_test.sh to
 * feed to real parsers. Split from the former tests/report_test.c. */
#include "ifm_test.h"
#include "report_fixture.h"

#include <errno.h>

static const writer_fn writers[] = {
  ifm_report_write_tap, ifm_report_write_junit, ifm_report_write_json, ifm_report_write_html
};

static void test_write_errors(void) {
  ifm_report *r = nasty_report();
  size_t i;

  for (i = 0; i < sizeof writers / sizeof writers[0]; i++) {
    FILE *full = fopen("/dev/full", "w");      /* every write fails: ENOSPC */
    FILE *ro = fopen("/dev/null", "r");        /* not open for writing */

    ASSERT(full != NULL && ro != NULL);
    errno = 0;
    ASSERT_EQ(writers[i](r, full), -1);
    ASSERT_EQ(errno, ENOSPC);
    ASSERT_EQ(writers[i](r, ro), -1);
    ASSERT_NE(errno, 0);
    fclose(full);
    fclose(ro);
    errno = 0;
    ASSERT_EQ(writers[i](NULL, stdout), -1);
    ASSERT_EQ(errno, EINVAL);
  }
  ifm_report_free(r);
}

/* A small deterministic generator, so a failure can be replayed. */
static unsigned long rnd_state;

static unsigned rnd(unsigned n) {
  rnd_state = rnd_state * 6364136223846793005UL + 1442695040888963407UL;
  return (unsigned)((rnd_state >> 33) % n);
}

/* Bytes biased towards the ones that break formats; no NUL when as_str. */
static char *rnd_bytes(size_t *len, int as_str) {
  static const unsigned char nasty[] = {
    0, '\n', '\r', '\t', '#', '\\', '"', '<', '>', '&', '\'', ']', '-', 0x1b, 0x7f,
    0x80, 0x85, 0xbf, 0xc2, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xfe, 0xff
  };
  size_t n = rnd(40), i;
  char *s = malloc(n + 1);

  if (!s) abort();
  for (i = 0; i < n; i++) {
    unsigned char c = rnd(2) ? nasty[rnd(sizeof nasty)] : (unsigned char)rnd(256);
    s[i] = (char)(as_str && c == 0 ? 1 : c);
  }
  s[n] = '\0';
  if (len) *len = n;
  return s;
}

static char *rnd_str(void) {
  return rnd(8) == 0 ? NULL : rnd_bytes(NULL, 1);
}

static ifm_report *random_report(void) {
  ifm_report *r = ifm_report_new();
  size_t i, k, n = rnd(4);

  r->tool_version = rnd_str();
  r->target = rnd_str();
  r->profile = rnd_str();
  r->started_at = rnd_str();
  r->duration_ms = rnd(100000) / 7.0;
  r->interrupted = rnd(4) == 0;
  for (i = 0; i < n; i++) {
    ifm_result *res = ifm_report_add(r);

    res->case_id = rnd_str();
    res->requirement = rnd_str();
    res->title = rnd_str();
    res->spec = rnd_str();
    res->file = rnd(2) ? rnd_str() : dup_str("same.yaml");
    res->level = (ifm_level)rnd(4);                  /* 3 is out of range */
    res->verdict = (ifm_verdict)rnd(IFM_VERDICT_COUNT + 1);
    res->message = rnd_str();
    res->expected = rnd_str();
    res->got = rnd_str();
    res->failed_step = (int)rnd(3);
    res->waived = rnd(3) == 0;
    res->waiver_reason = rnd_str();
    res->duration_ms = rnd(5000) / 3.0;
    for (k = rnd(3); k > 0; k--) {
      ifm_exchange *x = ifm_result_add_exchange(res);
      size_t vlen;
      char *name = rnd_bytes(NULL, 1), *value = rnd_bytes(&vlen, 0);

      x->method = rnd_str();
      x->url = rnd_str();
      add_header(&x->req_headers, &x->n_req_headers, name, value, vlen);
      add_header(&x->resp_headers, &x->n_resp_headers, value, name, strlen(name));
      if (rnd(3) == 0) {   /* the evidence cut (ifm_exchange.h): said in every format */
        x->resp_headers[0].value_total = strlen(name) + 1 + rnd(100000);
        x->resp_headers_omitted = rnd(5000);
        x->resp_header_bytes_omitted = x->resp_headers_omitted * rnd(300);
      }
      free(name);
      free(value);
      x->req_body = rnd_bytes(&x->req_body_len, 0);
      x->req_body_total = x->req_body_len + rnd(3);
      x->resp_body = rnd(5) ? rnd_bytes(&x->resp_body_len, 0) : NULL;
      x->status = (int)rnd(600);
      x->error = rnd_str();
    }
  }
  return r;
}

static void test_random_reports_stay_well_formed(void) {
  int iter;

  for (iter = 0; iter < 300; iter++) {
    ifm_report *r;
    char *t, *x, *j, *h;
    size_t tl, xl, jl, hl;

    rnd_state = 0x1f2e3d4cUL + (unsigned long)iter;
    r = random_report();
    t = render(ifm_report_write_tap, r, &tl);
    x = render(ifm_report_write_junit, r, &xl);
    j = render(ifm_report_write_json, r, &jl);
    h = render(ifm_report_write_html, r, &hl);
    ifm_report_free(r);
    if (!t || !x || !j || !h) IFM_TEST_FAIL_("iteration %d: a writer failed", iter);
    if (first_bad_byte(t, tl, 0) || tap_bad_line(t))
      IFM_TEST_FAIL_("iteration %d: TAP byte %zu, line %zu", iter,
                     first_bad_byte(t, tl, 0), tap_bad_line(t));
    if (first_bad_byte(x, xl, ALLOW_TAB) || strstr(x, "]]>") || stray_markup(x, junit_tags))
      IFM_TEST_FAIL_("iteration %d: XML byte %zu, markup %zu", iter,
                     first_bad_byte(x, xl, ALLOW_TAB), stray_markup(x, junit_tags));
    if (first_bad_byte(j, jl, ALLOW_C1))
      IFM_TEST_FAIL_("iteration %d: JSON byte %zu", iter, first_bad_byte(j, jl, ALLOW_C1));
    if (first_bad_byte(h, hl, ALLOW_TAB) || stray_markup(h, html_tags))
      IFM_TEST_FAIL_("iteration %d: HTML byte %zu, markup %zu", iter,
                     first_bad_byte(h, hl, ALLOW_TAB), stray_markup(h, html_tags));
    free(t);
    free(x);
    free(j);
    free(h);
  }
}

static int write_sample(const char *dir, const char *name, const ifm_report *r) {
  static const char *const ext[] = {"tap", "xml", "json", "html"};
  size_t i;

  for (i = 0; i < 4; i++) {
    char path[4096];
    FILE *f;
    int rc;

    snprintf(path, sizeof path, "%s/%s.%s", dir, name, ext[i]);
    f = fopen(path, "w");
    if (!f) return -1;
    rc = writers[i](r, f);
    if (fclose(f) != 0 || rc != 0) return -1;
  }
  return 0;
}

/* With IFM_REPORT_OUT=DIR: DIR/sample.*, DIR/empty.* and DIR/random-NN.* (in
 * every format) for tests/report_validate_test.sh to feed to real parsers. */
static void test_write_samples(void) {
  const char *dir = getenv("IFM_REPORT_OUT");
  ifm_report *r;
  char name[32];
  int ok, i;

  if (!dir || !*dir) return;
  r = nasty_report();
  ok = write_sample(dir, "sample", r) == 0;
  ifm_report_free(r);
  ASSERT(ok);
  r = ifm_report_new();
  ok = write_sample(dir, "empty", r) == 0;
  ifm_report_free(r);
  ASSERT(ok);
  for (i = 0; i < 20; i++) {
    rnd_state = 0x5eed0000UL + (unsigned long)i;
    r = random_report();
    snprintf(name, sizeof name, "random-%02d", i);
    ok = write_sample(dir, name, r) == 0;
    ifm_report_free(r);
    ASSERT(ok);
  }
}

IFM_TEST_MAIN(
  TEST(test_write_errors),
  TEST(test_random_reports_stay_well_formed),
  TEST(test_write_samples)
)
