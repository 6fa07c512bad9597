/* plan_test.c: the plan stage's selection and SKIP decisions
 * (runner/plan/ifm_plan.c; ifm_plan.h). Cases, targets and profiles are
 * built by hand, so the test depends on the model only, not on the loader.
 *
 * What must hold comes from ifm_plan.h and cases/README.md ("Verdicts"): a
 * filter is a shell glob, or several separated by commas, matched against a
 * case's id and its requirement; a case is SKIP before anything is sent when
 * the target lacks a capability it needs, when its `profiles` exclude the
 * active profile, when a `when:` condition on a profile key does not hold
 * (the target's overrides count first), or when it sends a method the
 * profile's `methods` do not certify. The request half of a step is in
 * plan_request_test.c. */
#include "ifm_plan.h"
#include "ifm_test.h"

static ifm_case mk_case(const char *id, const char *req) {
  ifm_case c;
  memset(&c, 0, sizeof c);
  c.id = (char *)id;
  c.requirement = (char *)req;
  c.level = IFM_MUST;
  return c;
}

/* One profile entry, with its status set parsed from text. */
static ifm_profile_entry entry(const char *key, const char *set) {
  ifm_profile_entry e;
  memset(&e, 0, sizeof e);
  e.key = (char *)key;
  if (ifm_status_spec_parse_text(set, &e.status) != 0) abort();
  return e;
}

static ifm_when when(const char *key, const char *set, int negate) {
  ifm_when w;
  memset(&w, 0, sizeof w);
  w.key = (char *)key;
  w.negate = negate;
  if (ifm_status_spec_parse_text(set, &w.want) != 0) abort();
  return w;
}

static void test_selects(void) {
  ifm_case c = mk_case("IM-STALE-412-put", "IM-STALE-412");
  ASSERT_EQ(ifm_plan_selects(&c, NULL), 1);                 /* no filter: everything */
  ASSERT_EQ(ifm_plan_selects(&c, ""), 1);
  ASSERT_EQ(ifm_plan_selects(&c, "IM-STALE-412-put"), 1);   /* by id */
  ASSERT_EQ(ifm_plan_selects(&c, "IM-STALE-412"), 1);       /* by requirement */
  ASSERT_EQ(ifm_plan_selects(&c, "IM-STALE"), 0);           /* a glob matches whole */
  ASSERT_EQ(ifm_plan_selects(&c, "IM-STALE-*"), 1);
  ASSERT_EQ(ifm_plan_selects(&c, "*-put"), 1);
  ASSERT_EQ(ifm_plan_selects(&c, "IM-STALE-412-pu?"), 1);
  ASSERT_EQ(ifm_plan_selects(&c, "IM-STALE-412-[pq]ut"), 1);
  ASSERT_EQ(ifm_plan_selects(&c, "IM-STALE-412-[!p]ut"), 0);
  ASSERT_EQ(ifm_plan_selects(&c, "im-stale-412-put"), 0);   /* shell globs are case-sensitive */
  ASSERT_EQ(ifm_plan_selects(&c, "IM-LIST*"), 0);
  ASSERT_EQ(ifm_plan_selects(&c, "IM-LIST*,IM-STALE-412"), 1);    /* comma lists */
  ASSERT_EQ(ifm_plan_selects(&c, "IM-LIST*,IM-ETAG*,*-put"), 1);
  ASSERT_EQ(ifm_plan_selects(&c, "IM-LIST*,IM-ETAG*"), 0);
  ASSERT_EQ(ifm_plan_selects(&c, "IM-LIST*,,IM-STALE-412-put"), 1);   /* an empty item is skipped */
  ASSERT_EQ(ifm_plan_selects(&c, ",IM-STALE*"), 1);
  ASSERT_EQ(ifm_plan_selects(&c, ","), 0);                  /* only empty items: nothing */
  ASSERT_EQ(ifm_plan_selects(&c, "IM-STALE-412-put,"), 1);
}

static void test_skip_capability_and_profile(void) {
  ifm_case c = mk_case("IM-PATCH-412", "IM-PATCH");
  char *needs[] = {"patch", "delete"}, *caps[] = {"delete", "patch"}, *only_delete[] = {"delete"};
  char *profiles[] = {"rfc9110-428", "cpp"};
  ifm_target t;
  ifm_profile p;
  char *why;
  memset(&t, 0, sizeof t);
  memset(&p, 0, sizeof p);
  p.name = "rfc9110";
  ASSERT(ifm_plan_skip_reason(&c, &t, &p) == NULL);         /* nothing asked: it runs */
  c.needs = needs;
  c.n_needs = 2;
  why = ifm_plan_skip_reason(&c, &t, &p);
  ASSERT(why != NULL);
  ASSERT_CONTAINS(why, "patch");                            /* names what is missing */
  free(why);
  t.capabilities = only_delete;
  t.n_capabilities = 1;
  why = ifm_plan_skip_reason(&c, &t, &p);
  ASSERT_CONTAINS(why, "'patch'");
  ASSERT(strstr(why, "'delete'") == NULL);                  /* not what the target has */
  free(why);
  t.capabilities = caps;
  t.n_capabilities = 2;
  ASSERT(ifm_plan_skip_reason(&c, &t, &p) == NULL);
  c.profiles = profiles;
  c.n_profiles = 2;
  why = ifm_plan_skip_reason(&c, &t, &p);
  ASSERT_CONTAINS(why, "rfc9110");                          /* the active profile */
  free(why);
  p.name = "cpp";
  ASSERT(ifm_plan_skip_reason(&c, &t, &p) == NULL);
  p.name = "rfc9110-4";                                     /* names compare whole */
  why = ifm_plan_skip_reason(&c, &t, &p);
  ASSERT(why != NULL);
  free(why);
}

static void test_skip_when(void) {
  ifm_case c = mk_case("IM-MISSING-2xx", "IM-MISSING");
  ifm_profile_entry pe[2], ov;
  ifm_when w[2];
  ifm_target t;
  ifm_profile p;
  char *why;
  memset(&t, 0, sizeof t);
  memset(&p, 0, sizeof p);
  p.name = "rfc9110";
  pe[0] = entry("missing_if_match", "2xx");
  pe[1] = entry("mismatch", "[412, 409]");
  p.entries = pe;
  p.n_entries = 2;
  w[0] = when("missing_if_match", "2xx", 0);
  c.when = w;
  c.n_when = 1;
  ASSERT(ifm_plan_skip_reason(&c, &t, &p) == NULL);         /* met */
  w[0].negate = 1;                                          /* "!2xx": any other set */
  why = ifm_plan_skip_reason(&c, &t, &p);
  ASSERT_CONTAINS(why, "missing_if_match");
  free(why);
  ifm_status_spec_clear(&pe[0].status);
  pe[0] = entry("missing_if_match", "428");
  ASSERT(ifm_plan_skip_reason(&c, &t, &p) == NULL);         /* negated, and 428 is another set */
  w[0].negate = 0;
  why = ifm_plan_skip_reason(&c, &t, &p);                   /* unmet: the profile says 428 */
  ASSERT_CONTAINS(why, "missing_if_match");
  ASSERT_CONTAINS(why, "428");
  free(why);
  /* the target's override counts before the profile */
  ov = entry("missing_if_match", "2xx");
  t.overrides = &ov;
  t.n_overrides = 1;
  ASSERT(ifm_plan_skip_reason(&c, &t, &p) == NULL);
  t.n_overrides = 0;
  /* sets compare as sets: [409, 412] is [412, 409]; every condition must hold */
  w[1] = when("mismatch", "[409, 412]", 0);
  c.n_when = 2;
  ifm_status_spec_clear(&pe[0].status);
  pe[0] = entry("missing_if_match", "2xx");
  ASSERT(ifm_plan_skip_reason(&c, &t, &p) == NULL);
  ifm_status_spec_clear(&w[1].want);
  w[1] = when("mismatch", "412", 0);                        /* a subset is not the set */
  why = ifm_plan_skip_reason(&c, &t, &p);
  ASSERT_CONTAINS(why, "mismatch");
  free(why);
  ifm_status_spec_clear(&w[1].want);
  w[1] = when("no_such_key", "412", 1);                     /* a key the profile lacks: never met */
  why = ifm_plan_skip_reason(&c, &t, &p);
  ASSERT_CONTAINS(why, "no_such_key");
  free(why);
  ifm_status_spec_clear(&w[0].want);
  ifm_status_spec_clear(&w[1].want);
  ifm_status_spec_clear(&pe[0].status);
  ifm_status_spec_clear(&pe[1].status);
  ifm_status_spec_clear(&ov.status);
}

static void test_skip_methods(void) {
  ifm_case c = mk_case("IM-PATCH-412", "IM-PATCH");
  char *methods[] = {"GET", "PUT", "DELETE"};
  ifm_step st[3];
  ifm_target t;
  ifm_profile p;
  char *why;
  memset(&t, 0, sizeof t);
  memset(&p, 0, sizeof p);
  memset(st, 0, sizeof st);
  t.ops[IFM_OP_READ].method = "GET";
  t.ops[IFM_OP_UPDATE].method = "PUT";
  t.ops[IFM_OP_PATCH].method = "PATCH";
  p.name = "narrow";
  p.methods = methods;
  p.n_methods = 3;
  st[0].req.op = IFM_OP_READ;
  st[1].req.op = IFM_OP_UPDATE;
  c.steps = st;
  c.n_steps = 2;
  ASSERT_STREQ(ifm_plan_method(&st[0], &t), "GET");         /* the target's mapping */
  ASSERT(ifm_plan_skip_reason(&c, &t, &p) == NULL);
  st[2].req.op = IFM_OP_PATCH;                              /* PATCH is not certified */
  c.n_steps = 3;
  why = ifm_plan_skip_reason(&c, &t, &p);
  ASSERT_CONTAINS(why, "PATCH");
  free(why);
  st[2].req.op = IFM_OP_REQUEST;                            /* a raw request's own method */
  st[2].req.method = "PROPFIND";
  ASSERT_STREQ(ifm_plan_method(&st[2], &t), "PROPFIND");
  why = ifm_plan_skip_reason(&c, &t, &p);
  ASSERT_CONTAINS(why, "PROPFIND");
  free(why);
  st[2].req.method = "{{m}}";                               /* a template: not known yet */
  ASSERT(ifm_plan_skip_reason(&c, &t, &p) == NULL);
  st[2].is_parallel = 1;                                    /* a parallel step has no one method */
  ASSERT(ifm_plan_method(&st[2], &t) == NULL);
  st[2].is_parallel = 0;
  /* RFC 9110 9.1: the method token is case-sensitive; "put" is not PUT */
  st[2].req.method = "put";
  why = ifm_plan_skip_reason(&c, &t, &p);
  ASSERT(why != NULL);
  free(why);
  p.n_methods = 0;                                          /* no list: every method */
  st[2].req.method = "PROPFIND";
  ASSERT(ifm_plan_skip_reason(&c, &t, &p) == NULL);
}

/* ifm_plan_build: the selected cases in suite order, each with its own
 * SKIP decision. */
static void test_build(void) {
  ifm_case a[2], b[1];
  ifm_case_file files[2];
  ifm_suite suite;
  char *needs[] = {"patch"};
  ifm_target t;
  ifm_profile p;
  ifm_plan plan;
  memset(&t, 0, sizeof t);
  memset(&p, 0, sizeof p);
  p.name = "rfc9110";
  a[0] = mk_case("IM-A-1", "IM-A");
  a[1] = mk_case("IM-B-1", "IM-B");
  b[0] = mk_case("IM-A-2", "IM-A");
  b[0].needs = needs;
  b[0].n_needs = 1;
  files[0].path = "a.yaml";
  files[0].cases = a;
  files[0].n_cases = 2;
  files[1].path = "b.yaml";
  files[1].cases = b;
  files[1].n_cases = 1;
  suite.files = files;
  suite.n_files = 2;
  ASSERT_EQ(ifm_plan_build(&suite, &t, &p, "IM-A", &plan), IFM_OK);
  ASSERT_EQ(plan.n_cases, 2);
  ASSERT(plan.cases[0].c == &a[0]);
  ASSERT(plan.cases[1].c == &b[0]);
  ASSERT(plan.cases[0].skip_reason == NULL);
  ASSERT_CONTAINS(plan.cases[1].skip_reason, "patch");
  ifm_plan_clear(&plan);
  ASSERT(plan.cases == NULL && plan.n_cases == 0);
  ASSERT_EQ(ifm_plan_build(&suite, &t, &p, NULL, &plan), IFM_OK);
  ASSERT_EQ(plan.n_cases, 3);
  ASSERT(plan.cases[1].c == &a[1]);
  ifm_plan_clear(&plan);
  ASSERT_EQ(ifm_plan_build(&suite, &t, &p, "IM-NONE*", &plan), IFM_OK);   /* empty, not an error */
  ASSERT_EQ(plan.n_cases, 0);
  ifm_plan_clear(&plan);
}

IFM_TEST_MAIN(TEST(test_selects), TEST(test_skip_capability_and_profile), TEST(test_skip_when),
              TEST(test_skip_methods), TEST(test_build))
