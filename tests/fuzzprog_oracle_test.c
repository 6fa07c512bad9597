/* fuzzprog_oracle_test.c: the stateful fuzzer's oracle (fuzz/prog/
 * ifm_fp_oracle.h) on traces written by hand, under the shipped profiles
 * (cases/profiles/ files, loaded with the project's loader).
 *
 * For each situation the test sends every status 100..599 through the
 * oracle and checks that exactly the statuses RFC 9110 and the profile
 * allow pass. The expected sets are reasoned here from the RFC and the
 * profile files, not taken from the oracle:
 *  - a malformed If-Match ("u": not "*", not #entity-tag): 13.1.1 says
 *    nothing about performing it, every profile's `malformed` is
 *    [400, 412];
 *  - a write with no precondition: `missing_if_match`, 428 under
 *    rfc9110-428 (RFC 6585 3), 400 under cpp; under rfc9110 ("2xx") it is
 *    inside the checker's model, not a sequential case;
 *  - an empty If-Match value (a list with no member, 13.1.1: false):
 *    `empty_value`, 412 under rfc9110 and rfc9110-428, [400, 412] under cpp;
 *  - If-Match: * on a missing resource: false under 13.1.1, so 412
 *    (`star_on_missing`) under rfc9110 and rfc9110-428; cpp says * creates:
 *    201 (9.3.4: a PUT that creates answers 201);
 *  - a list naming only a never-issued tag: 412 (`mismatch`); a list naming
 *    the current tag: the write happens, 200 or 204 (9.3.4: replaces);
 *  - a GET with preconditions on a missing resource: 13.2.1, the
 *    unconditional answer, `missing_resource` [404, 410];
 *  - a GET with If-None-Match the current tag: 304 (13.1.2, 13.2.2 step 3);
 *    with If-Match stale as well: 412 (step 1 comes first);
 *  - a PUT with If-Unmodified-Since in 1994 and no If-Match on a resource
 *    modified in 2026: 412 under rfc9110 (13.1.4), but 428 under
 *    rfc9110-428, which refuses a write without If-Match / If-None-Match
 *    first; with If-Match current as well, If-Unmodified-Since is ignored
 *    (13.1.4) and the write happens: 200 or 204.
 * 408, 429 and 503 are left out of those sets: they say the request was
 * turned away, not how it was judged (ifm_judge_is_outcome), and are
 * unknown, never a finding (test_unknown).
 *
 * Then the rules that come from the suite's judge, each with a correct
 * server's trace (no finding) and a flawed one (a finding): RFC 9110
 * 13.2.1 with the target's unconditional answers (a server that creates
 * only by POST, a read-only one), weak ETags (If-Match compares strongly),
 * no ETags at all, and unknown answers in a race.
 */
#include <stdlib.h>

#include "ifm_fp_lang.h"
#include "ifm_fp_oracle.h"
#include "ifm_load.h"
#include "ifm_test.h"

#define LM "Sat, 21 Nov 2026 06:54:00 GMT"

static const ifm_profile *profile(const char *name) {
  static ifm_profile loaded[3];
  static const char *const names[3] = {"rfc9110", "rfc9110-428", "cpp"};
  const char *src = getenv("IFM_SOURCE_DIR");
  char dir[1024];
  int i;
  for (i = 0; i < 3; i++) {
    if (strcmp(names[i], name) != 0) continue;
    if (!loaded[i].name) {
      ifm_errors err = {0};
      snprintf(dir, sizeof dir, "%s/cases/profiles", src ? src : ".");
      if (ifm_load_profile(name, dir, &loaded[i], &err) != 0) ifm_errors_print(&err, stdout);
      ifm_errors_clear(&err);
    }
    return loaded[i].name ? &loaded[i] : NULL;
  }
  return NULL;
}

/* Appends one exchange: a request (If-Match im, If-None-Match inm,
 * If-Unmodified-Since ius; NULL: none) and its answer (ETag etag, a body
 * for a 200 GET). Sequential times, 10 ms apart. */
static void add(ifm_fp_trace *t, const ifm_fp_prog *p, int op, int racing, const char *method,
                const char *im, const char *inm, const char *ius, const char *body, int status,
                const char *etag, const char *resp_body) {
  ifm_exchange *x = &t->x[t->n];
  ifm_fp_step *s = &t->s[t->n];
  memset(x, 0, sizeof *x);
  memset(s, 0, sizeof *s);
  s->op = op;
  s->group = op >= 0 ? p->ops[op].group : -1;
  s->racing = racing;
  x->client = op >= 0 ? p->ops[op].client : -1;
  x->method = ifm_strdup(method);
  x->url = ifm_strdup("http://127.0.0.1:1/fuzz/p1-1");
  if (im) ifm_field_append(&x->req_headers, &x->n_req_headers, "If-Match", im, strlen(im));
  if (inm) ifm_field_append(&x->req_headers, &x->n_req_headers, "If-None-Match", inm, strlen(inm));
  if (ius) ifm_field_append(&x->req_headers, &x->n_req_headers, "If-Unmodified-Since", ius, strlen(ius));
  if (body) {
    x->req_body = ifm_strdup(body);
    x->req_body_len = x->req_body_total = strlen(body);
    x->req_body_hash = ifm_hash64(body, strlen(body));
  }
  x->status = status;
  if (etag) ifm_field_append(&x->resp_headers, &x->n_resp_headers, "ETag", etag, strlen(etag));
  if (status == 200 || (status / 100 == 2 && etag)) {
    ifm_field_append(&x->resp_headers, &x->n_resp_headers, "Last-Modified", LM, strlen(LM));
    ifm_field_append(&x->resp_headers, &x->n_resp_headers, "Date", LM, strlen(LM));
  }
  resp_body = resp_body ? resp_body : "";
  x->resp_body = ifm_strdup(resp_body);
  x->resp_body_len = x->resp_body_total = strlen(resp_body);
  x->resp_body_hash = ifm_hash64(resp_body, strlen(resp_body));
  x->t_start = 10.0 * (double)t->n;
  x->t_done = x->t_start + 5;
  t->n++;
}

/* A situation: the program's bytes, and a function that writes its trace
 * when the sequential operation answers `status`. */
typedef void (*trace_fn)(ifm_fp_trace *t, const ifm_fp_prog *p, int status);

/* The statuses in 100..599 the oracle lets pass, as "[a, b, ...]". */
static void accepted(const char *prof, const uint8_t *in, size_t len, trace_fn fn, char *out, size_t n,
                     char *expect, size_t elen) {
  const ifm_profile *pr = profile(prof);
  ifm_fp_prog p;
  size_t used = 0;
  int st;
  out[0] = '\0';
  if (!pr) return;
  ifm_fp_decode(in, len, ifm_fp_oracle_none_in_model(pr), &p);
  used += (size_t)snprintf(out, n, "[");
  for (st = 100; st <= 599; st++) {
    ifm_fp_trace t;
    /* not outcomes: unknown (test_unknown), as the judge's ifm_judge_is_outcome says; 423 Locked too */
    if (st == 408 || st == 423 || st == 429 || st == 503) continue;
    ifm_fp_verdict v;
    ifm_fp_oracle *o = ifm_fp_oracle_new(&p, pr);
    size_t i;
    ifm_fp_trace_init(&t);
    ifm_fp_verdict_init(&v);
    fn(&t, &p, st);
    /* as a run does it: the expectation before the request is sent */
    for (i = 0; i < t.n && !v.violated; i++) {
      if (ifm_fp_oracle_expect(o, &t, i, t.s[i].expect, sizeof t.s[i].expect, &v) != 0) break;
      if (t.s[i].expect[0] && st == 100) snprintf(expect, elen, "%s", t.s[i].expect);
      if (!v.violated) ifm_fp_oracle_feed(o, &t, i, &v);
    }
    if (!v.violated) ifm_fp_oracle_end(o, &t, &v);
    if (!v.violated && used < n)
      used += (size_t)snprintf(out + used, n - used, "%s%d", used > 1 ? ", " : "", st);
    ifm_fp_oracle_free(o);
    ifm_fp_verdict_clear(&v);
    ifm_fp_trace_clear(&t);
  }
  if (used < n) snprintf(out + used, n - used, "]");
}

#define ASSERT_ACCEPTS(prof, in, fn, want, want_expect)                                   \
  do {                                                                                    \
    char got_[2048], exp_[32] = "";                                                       \
    ASSERT(profile(prof) != NULL);                                                        \
    accepted(prof, in, sizeof in, fn, got_, sizeof got_, exp_, sizeof exp_);              \
    ASSERT_STREQ(got_, want);                                                             \
    ASSERT_STREQ(exp_, want_expect);                                                      \
  } while (0)

/* 00: one client; 14: create; 04 05 01 'u': a write with the raw If-Match "u". */
static const uint8_t prog_malformed[] = {0x00, 0x14, 0x04, 0x05, 0x01, 'u'};

/* create -> 201, the read before, the write, the read after: unchanged
 * unless the write answered 2xx (then it shows the write's body). */
static void existing_then(ifm_fp_trace *t, const ifm_fp_prog *p, int st, const char *im) {
  int ok = st / 100 == 2;
  add(t, p, 0, 0, "PUT", NULL, "*", NULL, "b1-0", 201, "\"e1\"", NULL);
  add(t, p, -1, 0, "GET", NULL, NULL, NULL, NULL, 200, "\"e1\"", "b1-0");
  add(t, p, 1, 0, "PUT", im, NULL, NULL, "b1-1", st, ok ? "\"e2\"" : NULL, NULL);
  add(t, p, -1, 0, "GET", NULL, NULL, NULL, NULL, 200, ok ? "\"e2\"" : "\"e1\"", ok ? "b1-1" : "b1-0");
}

static void malformed_cb(ifm_fp_trace *t, const ifm_fp_prog *p, int st) { existing_then(t, p, st, "u"); }

static void test_malformed(void) {
  ASSERT_ACCEPTS("rfc9110", prog_malformed, malformed_cb, "[400, 412]", "[400, 412]");
  ASSERT_ACCEPTS("rfc9110-428", prog_malformed, malformed_cb, "[400, 412]", "[400, 412]");
  ASSERT_ACCEPTS("cpp", prog_malformed, malformed_cb, "[400, 412]", "[400, 412]");
}

/* 04 06: a write with no precondition. */
static const uint8_t prog_missing[] = {0x00, 0x14, 0x04, 0x06};
static void missing_cb(ifm_fp_trace *t, const ifm_fp_prog *p, int st) { existing_then(t, p, st, NULL); }

static void test_missing(void) {
  ASSERT_EQ(ifm_fp_oracle_none_in_model(profile("rfc9110")), 1);
  ASSERT_EQ(ifm_fp_oracle_none_in_model(profile("rfc9110-428")), 0);
  ASSERT_EQ(ifm_fp_oracle_none_in_model(profile("cpp")), 0);
  ASSERT_ACCEPTS("rfc9110-428", prog_missing, missing_cb, "[428]", "428");
  ASSERT_ACCEPTS("cpp", prog_missing, missing_cb, "[400]", "400");
}

/* 04 05 00: a write with a raw If-Match of no bytes: an empty value. */
static const uint8_t prog_empty[] = {0x00, 0x14, 0x04, 0x05, 0x00};
static void empty_cb(ifm_fp_trace *t, const ifm_fp_prog *p, int st) { existing_then(t, p, st, ""); }

static void test_empty_value(void) {
  ASSERT_ACCEPTS("rfc9110", prog_empty, empty_cb, "[412]", "412");
  ASSERT_ACCEPTS("rfc9110-428", prog_empty, empty_cb, "[412]", "412");
  ASSERT_ACCEPTS("cpp", prog_empty, empty_cb, "[400, 412]", "[400, 412]");
}

/* 04 05 01 '*': If-Match: * on a fresh (missing) resource. */
static const uint8_t prog_star[] = {0x00, 0x04, 0x05, 0x01, '*'};
static void star_cb(ifm_fp_trace *t, const ifm_fp_prog *p, int st) {
  int ok = st / 100 == 2;
  add(t, p, -1, 0, "GET", NULL, NULL, NULL, NULL, 404, NULL, "no");
  add(t, p, 0, 0, "PUT", "*", NULL, NULL, "b1-0", st, ok ? "\"e1\"" : NULL, NULL);
  if (ok) add(t, p, -1, 0, "GET", NULL, NULL, NULL, NULL, 200, "\"e1\"", "b1-0");
  else add(t, p, -1, 0, "GET", NULL, NULL, NULL, NULL, 404, NULL, "no");
}

static void test_star_on_missing(void) {
  ASSERT_EQ(ifm_fp_oracle_star_creates(profile("rfc9110")), 0);
  ASSERT_EQ(ifm_fp_oracle_star_creates(profile("cpp")), 1);
  ASSERT_ACCEPTS("rfc9110", prog_star, star_cb, "[412]", "412");
  ASSERT_ACCEPTS("rfc9110-428", prog_star, star_cb, "[412]", "412");
  ASSERT_ACCEPTS("cpp", prog_star, star_cb, "[201]", "201");
}

/* 04 04 00 02: a list of one element, bogus "x0"; 04 04 00 00: current. */
static const uint8_t prog_bogus[] = {0x00, 0x14, 0x04, 0x04, 0x00, 0x02};
static const uint8_t prog_current[] = {0x00, 0x14, 0x04, 0x04, 0x00, 0x00};
static void bogus_cb(ifm_fp_trace *t, const ifm_fp_prog *p, int st) { existing_then(t, p, st, "\"x0\""); }
static void current_cb(ifm_fp_trace *t, const ifm_fp_prog *p, int st) { existing_then(t, p, st, "\"e1\""); }

static void test_lists(void) {
  ASSERT_ACCEPTS("rfc9110", prog_bogus, bogus_cb, "[412]", "412");
  ASSERT_ACCEPTS("cpp", prog_bogus, bogus_cb, "[412]", "412");
  ASSERT_ACCEPTS("rfc9110", prog_current, current_cb, "[200, 204]", "[200, 204]");
  ASSERT_ACCEPTS("rfc9110-428", prog_current, current_cb, "[200, 204]", "[200, 204]");
}

/* 1c 02: a conditional read, If-Match current and If-None-Match current,
 * on a fresh resource (both name "none": nothing was seen). */
static const uint8_t prog_cond_missing[] = {0x00, 0x1c, 0x02};
static void cond_missing_cb(ifm_fp_trace *t, const ifm_fp_prog *p, int st) {
  add(t, p, -1, 0, "GET", NULL, NULL, NULL, NULL, 404, NULL, "no");
  add(t, p, 0, 0, "GET", "\"none\"", "\"none\"", NULL, NULL, st, NULL, st == 200 ? "x" : "no");
  add(t, p, -1, 0, "GET", NULL, NULL, NULL, NULL, 404, NULL, "no");
}

/* A read turned away with 401 or 403 says nothing of the state: unknown, as
 * in the suite's races (ifm_judge_is_outcome), so it is no finding. */
static void test_cond_read_missing(void) {
  ASSERT_ACCEPTS("rfc9110", prog_cond_missing, cond_missing_cb, "[401, 403, 404, 410]", "[404, 410]");
  ASSERT_ACCEPTS("cpp", prog_cond_missing, cond_missing_cb, "[401, 403, 404, 410]", "[404, 410]");
}

/* 1c 00: If-None-Match current alone; 1c 04: with If-Match stale 0. */
static const uint8_t prog_inm[] = {0x00, 0x14, 0x1c, 0x00};
static const uint8_t prog_inm_im[] = {0x00, 0x14, 0x1c, 0x04};
static void cond_read(ifm_fp_trace *t, const ifm_fp_prog *p, int st, const char *im) {
  add(t, p, 0, 0, "PUT", NULL, "*", NULL, "b1-0", 201, "\"e1\"", NULL);
  add(t, p, -1, 0, "GET", NULL, NULL, NULL, NULL, 200, "\"e1\"", "b1-0");
  add(t, p, 1, 0, "GET", im, "\"e1\"", NULL, NULL, st, st == 200 || st == 304 ? "\"e1\"" : NULL,
      st == 200 ? "b1-0" : "");
  add(t, p, -1, 0, "GET", NULL, NULL, NULL, NULL, 200, "\"e1\"", "b1-0");
}
static void inm_cb(ifm_fp_trace *t, const ifm_fp_prog *p, int st) { cond_read(t, p, st, NULL); }
static void inm_im_cb(ifm_fp_trace *t, const ifm_fp_prog *p, int st) { cond_read(t, p, st, "\"none\""); }

static void test_cond_read_order(void) {
  ASSERT_ACCEPTS("rfc9110", prog_inm, inm_cb, "[304, 401, 403]", "304");
  ASSERT_ACCEPTS("rfc9110", prog_inm_im, inm_im_cb, "[401, 403, 412]", "412");
  ASSERT_ACCEPTS("cpp", prog_inm_im, inm_im_cb, "[401, 403, 412]", "412");
}

/* 04 07 06: a conditional write, no If-Match, If-Unmodified-Since 1994;
 * 04 07 04: with If-Match current. */
static const uint8_t prog_ius[] = {0x00, 0x14, 0x04, 0x07, 0x06};
static const uint8_t prog_ius_im[] = {0x00, 0x14, 0x04, 0x07, 0x04};
#define IUS_1994 "Sun, 06 Nov 1994 08:49:37 GMT"
static void ius_cb(ifm_fp_trace *t, const ifm_fp_prog *p, int st) {
  int ok = st / 100 == 2;
  add(t, p, 0, 0, "PUT", NULL, "*", NULL, "b1-0", 201, "\"e1\"", NULL);
  add(t, p, -1, 0, "GET", NULL, NULL, NULL, NULL, 200, "\"e1\"", "b1-0");
  add(t, p, 1, 0, "PUT", NULL, NULL, IUS_1994, "b1-1", st, ok ? "\"e2\"" : NULL, NULL);
  add(t, p, -1, 0, "GET", NULL, NULL, NULL, NULL, 200, ok ? "\"e2\"" : "\"e1\"", ok ? "b1-1" : "b1-0");
}
static void ius_im_cb(ifm_fp_trace *t, const ifm_fp_prog *p, int st) {
  int ok = st / 100 == 2;
  add(t, p, 0, 0, "PUT", NULL, "*", NULL, "b1-0", 201, "\"e1\"", NULL);
  add(t, p, -1, 0, "GET", NULL, NULL, NULL, NULL, 200, "\"e1\"", "b1-0");
  add(t, p, 1, 0, "PUT", "\"e1\"", NULL, IUS_1994, "b1-1", st, ok ? "\"e2\"" : NULL, NULL);
  add(t, p, -1, 0, "GET", NULL, NULL, NULL, NULL, 200, ok ? "\"e2\"" : "\"e1\"", ok ? "b1-1" : "b1-0");
}

static void test_cond_write(void) {
  ASSERT_ACCEPTS("rfc9110", prog_ius, ius_cb, "[412]", "412");
  ASSERT_ACCEPTS("rfc9110-428", prog_ius, ius_cb, "[428]", "428");
  ASSERT_ACCEPTS("rfc9110", prog_ius_im, ius_im_cb, "[200, 204]", "[200, 204]");
}

/* What the resource shows afterwards: a refusal that changed the body, a
 * success that did not, a success that kept the ETag. */
static void test_effects(void) {
  const ifm_profile *pr = profile("rfc9110");
  ifm_fp_prog p;
  ifm_fp_trace t;
  ifm_fp_verdict v;
  ASSERT(pr != NULL);
  ifm_fp_decode(prog_bogus, sizeof prog_bogus, 1, &p);
  ifm_fp_trace_init(&t);
  ifm_fp_verdict_init(&v);
  add(&t, &p, 0, 0, "PUT", NULL, "*", NULL, "b1-0", 201, "\"e1\"", NULL);
  add(&t, &p, -1, 0, "GET", NULL, NULL, NULL, NULL, 200, "\"e1\"", "b1-0");
  add(&t, &p, 1, 0, "PUT", "\"x0\"", NULL, NULL, "b1-1", 412, NULL, NULL);
  add(&t, &p, -1, 0, "GET", NULL, NULL, NULL, NULL, 200, "\"e2\"", "b1-1");
  ASSERT_EQ(ifm_fp_oracle_judge(&p, pr, &t, &v), 0);
  ASSERT_EQ(v.violated, 1);
  ASSERT_EQ(v.verdict, IFM_FAIL);
  ASSERT_STREQ(v.requirement, "IM-STALE-412");
  ASSERT_CONTAINS(ifm_buf_str(&v.why), "was refused (412) but the resource changed");
  ifm_fp_trace_clear(&t);
  ifm_fp_verdict_clear(&v);

  ifm_fp_decode(prog_current, sizeof prog_current, 1, &p);
  add(&t, &p, 0, 0, "PUT", NULL, "*", NULL, "b1-0", 201, "\"e1\"", NULL);
  add(&t, &p, -1, 0, "GET", NULL, NULL, NULL, NULL, 200, "\"e1\"", "b1-0");
  add(&t, &p, 1, 0, "PUT", "\"e1\"", NULL, NULL, "b1-1", 204, "\"e1\"", NULL);
  add(&t, &p, -1, 0, "GET", NULL, NULL, NULL, NULL, 200, "\"e1\"", "b1-1");
  ASSERT_EQ(ifm_fp_oracle_judge(&p, pr, &t, &v), 0);
  ASSERT_EQ(v.violated, 1);
  ASSERT_STREQ(v.requirement, "IM-ETAG-ROTATES");
  ifm_fp_trace_clear(&t);
  ifm_fp_verdict_clear(&v);

  add(&t, &p, 0, 0, "PUT", NULL, "*", NULL, "b1-0", 201, "\"e1\"", NULL);
  add(&t, &p, -1, 0, "GET", NULL, NULL, NULL, NULL, 200, "\"e1\"", "b1-0");
  add(&t, &p, 1, 0, "PUT", "\"e1\"", NULL, NULL, "b1-1", 204, "\"e2\"", NULL);
  add(&t, &p, -1, 0, "GET", NULL, NULL, NULL, NULL, 200, "\"e1\"", "b1-0");
  ASSERT_EQ(ifm_fp_oracle_judge(&p, pr, &t, &v), 0);
  ASSERT_EQ(v.violated, 1);
  ASSERT_CONTAINS(ifm_buf_str(&v.why), "succeeded (204) but the read after shows");
  ifm_fp_trace_clear(&t);
  ifm_fp_verdict_clear(&v);
}

/* 01: two clients; 14 create; 00 read; 04 00 and 25 00: both write with
 * If-Match current, racing. Both winning is not linearizable (13.1.1:
 * compare and write in one step); one 204 and one 412 is. */
static void test_race(void) {
  static const uint8_t in[] = {0x01, 0x14, 0x00, 0x04, 0x00, 0x25, 0x00};
  const ifm_profile *pr = profile("rfc9110");
  ifm_fp_prog p;
  ifm_fp_trace t;
  ifm_fp_verdict v;
  int second;
  ASSERT(pr != NULL);
  ifm_fp_decode(in, sizeof in, 1, &p);
  for (second = 0; second < 2; second++) {
    ifm_fp_trace_init(&t);
    ifm_fp_verdict_init(&v);
    add(&t, &p, 0, 0, "PUT", NULL, "*", NULL, "b1-0", 201, "\"e1\"", NULL);
    add(&t, &p, 1, 0, "GET", NULL, NULL, NULL, NULL, 200, "\"e1\"", "b1-0");
    add(&t, &p, 2, 1, "PUT", "\"e1\"", NULL, NULL, "b1-2", 204, "\"e2\"", NULL);
    add(&t, &p, 3, 1, "PUT", "\"e1\"", NULL, NULL, "b1-3", second ? 412 : 204, second ? NULL : "\"e3\"", NULL);
    t.x[3].t_start = t.x[2].t_start + 1;   /* they overlap */
    add(&t, &p, -1, 0, "GET", NULL, NULL, NULL, NULL, 200, second ? "\"e2\"" : "\"e3\"", second ? "b1-2" : "b1-3");
    ASSERT_EQ(ifm_fp_oracle_judge(&p, pr, &t, &v), 0);
    ASSERT_EQ(v.violated, !second);
    if (!second) ASSERT_STREQ(v.requirement, "IM-RACE-ONE-WINNER");
    ifm_fp_trace_clear(&t);
    ifm_fp_verdict_clear(&v);
  }
}

/* ---- the rules shared with the suite's judge ------------------------------ */

static int judge_with(const uint8_t *in, size_t len, const char *prof, const ifm_fp_uncond *u, ifm_fp_trace *t,
                      const char **req) {
  const ifm_profile *pr = profile(prof);
  ifm_fp_prog p;
  ifm_fp_verdict v;
  ifm_fp_oracle *o;
  size_t i;
  int violated;
  char expect[32];
  ifm_fp_decode(in, len, ifm_fp_oracle_none_in_model(pr), &p);
  ifm_fp_verdict_init(&v);
  o = ifm_fp_oracle_new(&p, pr);
  if (u) ifm_fp_oracle_set_uncond(o, u);
  for (i = 0; i < t->n && !v.violated; i++) {
    /* the trace was written before decoding: fix the ops' groups */
    if (ifm_fp_oracle_expect(o, t, i, expect, sizeof expect, &v) != 0) break;
    if (!v.violated) ifm_fp_oracle_feed(o, t, i, &v);
  }
  if (!v.violated) ifm_fp_oracle_end(o, t, &v);
  violated = v.violated;
  if (req) *req = v.requirement;
  ifm_fp_oracle_free(o);
  ifm_fp_verdict_clear(&v);
  ifm_fp_trace_clear(t);
  return violated;
}

/* post-create: PUT to a missing resource is 404 (the server creates only by
 * POST). A create (If-None-Match: *, in the checker's model) and a list
 * write (sequential) answered 404 are RFC 9110 13.2.1's ignoring: no
 * finding when the unconditional PUT on a missing resource is 404 too;
 * without that knowledge, or on a resource that exists, they are findings. */
static const uint8_t prog_create_list[] = {0x00, 0x14, 0x04, 0x04, 0x00, 0x00};
static void post_create_trace(ifm_fp_trace *t, const ifm_fp_prog *p, int exists) {
  if (exists) add(t, p, -1, 0, "GET", NULL, NULL, NULL, NULL, 200, "\"e1\"", "b0");
  else add(t, p, -1, 0, "GET", NULL, NULL, NULL, NULL, 404, NULL, "no");
  t->s[0].op = IFM_FP_SETUP;
  add(t, p, 0, 0, "PUT", NULL, "*", NULL, "b1-0", exists ? 412 : 404, NULL, NULL);
  add(t, p, -1, 0, "GET", NULL, NULL, NULL, NULL, exists ? 200 : 404, exists ? "\"e1\"" : NULL, exists ? "b0" : "no");
  add(t, p, 1, 0, "PUT", exists ? "\"e1\"" : "\"none\"", NULL, NULL, "b1-1", exists ? 204 : 404,
      exists ? "\"e2\"" : NULL, NULL);
  add(t, p, -1, 0, "GET", NULL, NULL, NULL, NULL, exists ? 200 : 404, exists ? "\"e2\"" : NULL,
      exists ? "b1-1" : "no");
}

static void test_13_2_1_post_create(void) {
  static const char *const profs[3] = {"rfc9110", "rfc9110-428", "cpp"};
  ifm_fp_uncond u = {{404, 200}, {404, 204}, {404, 204}};
  ifm_fp_prog p;
  ifm_fp_trace t;
  const char *req = NULL;
  int k;
  ifm_fp_decode(prog_create_list, sizeof prog_create_list, 1, &p);
  ifm_fp_trace_init(&t);
  for (k = 0; k < 3; k++) {
    post_create_trace(&t, &p, 0);
    ASSERT_EQ(judge_with(prog_create_list, sizeof prog_create_list, profs[k], &u, &t, NULL), 0);
    post_create_trace(&t, &p, 1);
    ASSERT_EQ(judge_with(prog_create_list, sizeof prog_create_list, profs[k], &u, &t, NULL), 0);
  }
  /* not known to be the unconditional answer: the create's 404 breaks the model */
  post_create_trace(&t, &p, 0);
  ASSERT_EQ(judge_with(prog_create_list, sizeof prog_create_list, "rfc9110", NULL, &t, &req), 1);
  /* 404 to a create where the resource exists (the read before saw it) */
  post_create_trace(&t, &p, 1);
  t.x[1].status = 404;
  ASSERT_EQ(judge_with(prog_create_list, sizeof prog_create_list, "rfc9110", &u, &t, &req), 1);
  /* a server error where the unconditional answer is 404 (the
   * malformed-500 flaw): not ignoring the preconditions */
  add(&t, &p, -1, 0, "GET", NULL, NULL, NULL, NULL, 404, NULL, "no");
  t.s[0].op = IFM_FP_SETUP;
  add(&t, &p, 0, 0, "PUT", NULL, "*", NULL, "b1-0", 404, NULL, NULL);
  add(&t, &p, -1, 0, "GET", NULL, NULL, NULL, NULL, 404, NULL, "no");
  add(&t, &p, 1, 0, "PUT", "\"none\"", NULL, NULL, "b1-1", 500, NULL, NULL);
  ASSERT_EQ(judge_with(prog_create_list, sizeof prog_create_list, "rfc9110", &u, &t, &req), 1);
  ASSERT(req != NULL);
}

/* read-only: every write is 405 in every state; every path exists. A
 * write with the current tag (13.1.1 true) answered 405 is no finding when
 * 405 is the unconditional answer; a 204 that changed nothing is. */
static void read_only_trace(ifm_fp_trace *t, const ifm_fp_prog *p, int st, const char *after_body) {
  add(t, p, -1, 0, "GET", NULL, NULL, NULL, NULL, 200, "\"r1\"", "ro");
  t->s[0].op = IFM_FP_SETUP;
  add(t, p, 0, 0, "PUT", NULL, "*", NULL, "b1-0", 405, NULL, NULL);
  add(t, p, -1, 0, "GET", NULL, NULL, NULL, NULL, 200, "\"r1\"", "ro");
  add(t, p, 1, 0, "PUT", "\"r1\"", NULL, NULL, "b1-1", st, NULL, NULL);
  add(t, p, -1, 0, "GET", NULL, NULL, NULL, NULL, 200, "\"r1\"", after_body);
}

static void test_13_2_1_read_only(void) {
  ifm_fp_uncond u = {{200, 200}, {405, 405}, {405, 405}};
  ifm_fp_prog p;
  ifm_fp_trace t;
  const char *req;
  ifm_fp_decode(prog_create_list, sizeof prog_create_list, 1, &p);
  ifm_fp_trace_init(&t);
  read_only_trace(&t, &p, 405, "ro");
  ASSERT_EQ(judge_with(prog_create_list, sizeof prog_create_list, "rfc9110", &u, &t, NULL), 0);
  read_only_trace(&t, &p, 405, "ro");
  ASSERT_EQ(judge_with(prog_create_list, sizeof prog_create_list, "cpp", &u, &t, NULL), 0);
  read_only_trace(&t, &p, 405, "ro");
  ASSERT_EQ(judge_with(prog_create_list, sizeof prog_create_list, "rfc9110", NULL, &t, &req), 1);
  read_only_trace(&t, &p, 204, "ro");
  ASSERT_EQ(judge_with(prog_create_list, sizeof prog_create_list, "rfc9110", &u, &t, &req), 1);
}

/* weak-etags: the server's only tags are weak; If-Match with its own weak
 * tag is false (strong comparison), so 412 is right and 204 a finding. */
static const uint8_t prog_weak[] = {0x00, 0x14, 0x00, 0x04, 0x00};
static void weak_trace(ifm_fp_trace *t, const ifm_fp_prog *p, int st) {
  add(t, p, 0, 0, "PUT", NULL, "*", NULL, "b1-0", 201, "W/\"e1\"", NULL);
  add(t, p, 1, 0, "GET", NULL, NULL, NULL, NULL, 200, "W/\"e1\"", "b1-0");
  add(t, p, 2, 0, "PUT", "W/\"e1\"", NULL, NULL, "b1-2", st, st == 204 ? "W/\"e2\"" : NULL, NULL);
  add(t, p, -1, 0, "GET", NULL, NULL, NULL, NULL, 200, st == 204 ? "W/\"e2\"" : "W/\"e1\"",
      st == 204 ? "b1-2" : "b1-0");
}

static void test_weak_etags(void) {
  ifm_fp_prog p;
  ifm_fp_trace t;
  const char *req;
  ifm_fp_decode(prog_weak, sizeof prog_weak, 1, &p);
  ifm_fp_trace_init(&t);
  weak_trace(&t, &p, 412);
  ASSERT_EQ(judge_with(prog_weak, sizeof prog_weak, "rfc9110", NULL, &t, NULL), 0);
  weak_trace(&t, &p, 204);
  ASSERT_EQ(judge_with(prog_weak, sizeof prog_weak, "rfc9110", NULL, &t, &req), 1);
  ASSERT_STREQ(req, "IM-WEAK-NEVER");
}

/* no-etag: no ETag anywhere; If-Match with a tag is false (412), a write
 * without ETag in its answer is no finding; a 204 to it is. */
static void no_etag_trace(ifm_fp_trace *t, const ifm_fp_prog *p, int st) {
  add(t, p, 0, 0, "PUT", NULL, "*", NULL, "b1-0", 201, NULL, NULL);
  add(t, p, 1, 0, "GET", NULL, NULL, NULL, NULL, 200, NULL, "b1-0");
  add(t, p, 2, 0, "PUT", "\"none\"", NULL, NULL, "b1-2", st, NULL, NULL);
  add(t, p, -1, 0, "GET", NULL, NULL, NULL, NULL, 200, NULL, st == 204 ? "b1-2" : "b1-0");
}

static void test_no_etag(void) {
  ifm_fp_prog p;
  ifm_fp_trace t;
  ifm_fp_decode(prog_weak, sizeof prog_weak, 1, &p);
  ifm_fp_trace_init(&t);
  no_etag_trace(&t, &p, 412);
  ASSERT_EQ(judge_with(prog_weak, sizeof prog_weak, "rfc9110", NULL, &t, NULL), 0);
  no_etag_trace(&t, &p, 204);
  ASSERT_EQ(judge_with(prog_weak, sizeof prog_weak, "rfc9110", NULL, &t, NULL), 1);
}

/* In a race, no answer and 408 / 429 / 503 are unknown; sequentially, 408 /
 * 429 / 503 say nothing either, but no answer at all is a finding; a 500
 * always is. */
static void test_unknown(void) {
  static const uint8_t in[] = {0x01, 0x14, 0x00, 0x04, 0x00, 0x25, 0x00};
  static const int sts[] = {0, 408, 429, 503};
  ifm_fp_prog p;
  ifm_fp_trace t;
  size_t k;
  ifm_fp_decode(in, sizeof in, 1, &p);
  ifm_fp_trace_init(&t);
  for (k = 0; k < sizeof sts / sizeof sts[0]; k++) {
    add(&t, &p, 0, 0, "PUT", NULL, "*", NULL, "b1-0", 201, "\"e1\"", NULL);
    add(&t, &p, 1, 0, "GET", NULL, NULL, NULL, NULL, 200, "\"e1\"", "b1-0");
    add(&t, &p, 2, 1, "PUT", "\"e1\"", NULL, NULL, "b1-2", 204, "\"e2\"", NULL);
    add(&t, &p, 3, 1, "PUT", "\"e1\"", NULL, NULL, "b1-3", sts[k], NULL, NULL);
    if (!sts[k]) t.x[3].error = ifm_strdup("connection refused");
    t.x[3].t_start = t.x[2].t_start + 1;
    add(&t, &p, -1, 0, "GET", NULL, NULL, NULL, NULL, 200, "\"e2\"", "b1-2");
    ASSERT_EQ(judge_with(in, sizeof in, "rfc9110", NULL, &t, NULL), 0);
  }
  add(&t, &p, 0, 0, "PUT", NULL, "*", NULL, "b1-0", 201, "\"e1\"", NULL);
  add(&t, &p, 1, 0, "GET", NULL, NULL, NULL, NULL, 200, "\"e1\"", "b1-0");
  add(&t, &p, 2, 1, "PUT", "\"e1\"", NULL, NULL, "b1-2", 204, "\"e2\"", NULL);
  add(&t, &p, 3, 1, "PUT", "\"e1\"", NULL, NULL, "b1-3", 500, NULL, NULL);
  t.x[3].t_start = t.x[2].t_start + 1;
  add(&t, &p, -1, 0, "GET", NULL, NULL, NULL, NULL, 200, "\"e2\"", "b1-2");
  ASSERT_EQ(judge_with(in, sizeof in, "rfc9110", NULL, &t, NULL), 1);
  /* sequential: a malformed value answered 503 says nothing; no answer does */
  existing_then(&t, &p, 503, "u");
  ASSERT_EQ(judge_with(prog_malformed, sizeof prog_malformed, "rfc9110", NULL, &t, NULL), 0);
  existing_then(&t, &p, 0, "u");
  t.x[2].error = ifm_strdup("connection reset");
  ASSERT_EQ(judge_with(prog_malformed, sizeof prog_malformed, "rfc9110", NULL, &t, NULL), 1);
}

IFM_TEST_MAIN(TEST(test_malformed), TEST(test_missing), TEST(test_empty_value), TEST(test_star_on_missing),
              TEST(test_lists), TEST(test_cond_read_missing), TEST(test_cond_read_order), TEST(test_cond_write),
              TEST(test_effects), TEST(test_race), TEST(test_13_2_1_post_create), TEST(test_13_2_1_read_only),
              TEST(test_weak_etags), TEST(test_no_etag), TEST(test_unknown))
