/* waiver_test.c: waiver files (runner/load/ifm_waiver.c). What must hold is
 * ifm_waiver.h: a waiver names one case id exactly (a glob is refused) and
 * gives a reason, and maybe a day after which it waives nothing; a waived case that FAILs is expected (it does not break
 * conformance), one that passes is counted as stale, and a waiver that names
 * no case of the suite is an error with its position, so that a typo never
 * waives nothing silently. Files are written to a temporary directory. */
#include <unistd.h>
#include "ifm_result.h"
#include "ifm_test.h"
#include "ifm_waiver.h"

static char dir[64];

/* Writes text to DIR/name and returns the path (static storage). */
static const char *write_file(const char *name, const char *text) {
  return ifm_test_write_file(dir, name, text);
}

static void test_setup(void) {
  snprintf(dir, sizeof dir, "/tmp/ifm_waiver_test.XXXXXX");
  ASSERT(mkdtemp(dir) != NULL);
}

static void test_load(void) {
  const char *path = write_file("known.yaml",
                                "waivers:\n"
                                "  - case: IM-EMPTY-VALUE\n"
                                "    reason: \"treated as absent; tracked as BUG-123\"\n"
                                "  - case: IM-LIST-ANY-middle\n"
                                "    reason: first member only\n"
                                "    expires: 2999-12-31\n"
                                "  - case: IM-LIST-ANY-last\n"
                                "    reason: old\n"
                                "    expires: 2001-01-01\n");
  ifm_waivers w;
  ifm_errors err = {0};
  ASSERT(path != NULL);
  ASSERT_EQ(ifm_waivers_load(path, &w, &err), 0);
  ASSERT_EQ(err.n, 0);
  ASSERT_STREQ(w.path, path);
  ASSERT_EQ(w.n, 3);
  ASSERT_STREQ(w.items[0].pattern, "IM-EMPTY-VALUE");
  ASSERT_STREQ(w.items[0].expires, "");
  ASSERT_EQ(w.items[0].expired, 0);
  ASSERT_STREQ(w.items[1].expires, "2999-12-31");
  ASSERT_EQ(w.items[1].expired, 0);
  ASSERT_EQ(w.items[2].expired, 1);                  /* 2001: it waives nothing now */
  ASSERT_STREQ(w.items[0].reason, "treated as absent; tracked as BUG-123");
  ASSERT_STREQ(w.items[1].pattern, "IM-LIST-ANY-middle");
  ASSERT_STREQ(w.items[1].reason, "first member only");
  ASSERT_STREQ(w.items[1].pos.file, path);          /* where each waiver is, 1-based */
  ASSERT_EQ(w.items[0].pos.line, 2);
  ASSERT_EQ(w.items[1].pos.line, 4);
  ASSERT_EQ(w.items[1].pos.col, 5);
  ifm_waivers_clear(&w);
  ASSERT(w.items == NULL && w.n == 0 && w.path == NULL);
  path = write_file("empty.yaml", "waivers: []\n");   /* no waiver is fine */
  ASSERT_EQ(ifm_waivers_load(path, &w, &err), 0);
  ASSERT_EQ(w.n, 0);
  ifm_waivers_clear(&w);
}

/* Loads text that must be refused; the first error must hold want and
 * start with the file's path and a position. */
static void refused(const char *text, const char *want, int *ok) {
  const char *path = write_file("bad.yaml", text);
  ifm_waivers w;
  ifm_errors err = {0};
  char prefix[160];
  *ok = path && ifm_waivers_load(path, &w, &err) == -1 && err.n >= 1;
  snprintf(prefix, sizeof prefix, "%s:", path ? path : "?");
  if (*ok) *ok = strncmp(err.msgs[0], prefix, strlen(prefix)) == 0 && strstr(err.msgs[0], want) != NULL;
  if (!*ok) printf("# '%s': %s\n", text, err.n ? err.msgs[0] : "(no error)");
  ifm_waivers_clear(&w);
  ifm_errors_clear(&err);
}

static void test_refusals(void) {
  ifm_waivers w;
  ifm_errors err = {0};
  int ok;
  refused("waivers:\n  - case: IM-A\n", "reason", &ok);               /* a reason is required */
  ASSERT(ok);
  refused("waivers:\n  - case: IM-A\n    reason: \"\"\n", "reason", &ok);
  ASSERT(ok);
  refused("waivers:\n  - reason: why\n", "case", &ok);
  ASSERT(ok);
  refused("waivers:\n  - case: IM-A\n    reason: r\n    cause: typo\n", "cause", &ok);   /* unknown key */
  ASSERT(ok);
  refused("waivers:\n  - case: IM-A\n    reason: r\n    reason: s\n", "reason", &ok);   /* duplicate key */
  ASSERT(ok);
  refused("waivers: {case: IM-A, reason: r}\n", "waivers", &ok);    /* not a list */
  ASSERT(ok);
  refused("- case: IM-A\n  reason: r\n", "mapping", &ok);                  /* not a mapping at the top */
  ASSERT(ok);
  refused("waivers:\n  - case: [IM-A]\n    reason: r\n", "case", &ok);
  ASSERT(ok);
  refused("waivers:\n  - &a {case: IM-A, reason: r}\n  - *a\n", "&a", &ok);   /* aliases are refused */
  ASSERT(ok);
  refused("other: 1\n", "other", &ok);
  refused("waivers:\n  - case: \"IM-LIST-*\"\n    reason: r\n", "exactly", &ok);   /* no globs */
  refused("waivers:\n  - case: IM-[AB]\n    reason: r\n", "exactly", &ok);
  refused("waivers:\n  - case: IM-A\n    reason: r\n    expires: 2027-02-30\n", "YYYY-MM-DD", &ok);
  refused("waivers:\n  - case: IM-A\n    reason: r\n    expires: 31.12.2027\n", "YYYY-MM-DD", &ok);
  ASSERT(ok);
  /* a file that is not there */
  ASSERT_EQ(ifm_waivers_load("/nonexistent/ifm/known.yaml", &w, &err), -1);
  ASSERT(err.n >= 1);
  ASSERT_CONTAINS(err.msgs[0], "/nonexistent/ifm/known.yaml");
  ifm_waivers_clear(&w);
  ifm_errors_clear(&err);
}

static void test_check_and_apply(void) {
  const char *path = write_file("w.yaml",
                                "waivers:\n"
                                "  - case: IM-EMPTY-VALUE\n"
                                "    reason: bug 1\n"
                                "  - case: IM-LIST-1\n"
                                "    reason: bug 2\n"
                                "  - case: IM-LIST-2\n"
                                "    reason: bug 2\n"
                                "  - case: IM-OTHER\n"
                                "    reason: expired\n"
                                "    expires: 2001-01-01\n");
  ifm_case a[4];
  ifm_case_file file;
  ifm_suite suite;
  ifm_waivers w;
  ifm_errors err = {0};
  ifm_report *r = ifm_report_new();
  static const char *const ids[] = {"IM-EMPTY-VALUE", "IM-LIST-1", "IM-LIST-2", "IM-OTHER"};
  static const ifm_verdict vs[] = {IFM_FAIL, IFM_PASS, IFM_FAIL, IFM_FAIL};
  size_t i;
  ASSERT(r != NULL);
  memset(a, 0, sizeof a);
  for (i = 0; i < 4; i++) a[i].id = (char *)ids[i];
  file.path = "cases/x.yaml";
  file.cases = a;
  file.n_cases = 4;
  suite.files = &file;
  suite.n_files = 1;
  ASSERT_EQ(ifm_waivers_load(path, &w, &err), 0);
  ASSERT_EQ(ifm_waivers_check(&w, &suite, &err), 0);
  ASSERT_EQ(err.n, 0);
  ASSERT_EQ(w.items[0].matched, 1);
  ASSERT_EQ(w.items[1].matched, 1);                 /* one id, one case */
  ASSERT_EQ(w.items[3].matched, 1);
  for (i = 0; i < 4; i++) {
    ifm_result *res = ifm_report_add(r);
    res->case_id = strdup(ids[i]);
    res->verdict = vs[i];
  }
  ASSERT_EQ(ifm_report_conformant(r), 0);
  ASSERT_EQ(ifm_waivers_apply(&w, r), 1);           /* IM-LIST-1 passed: a stale waiver */
  ASSERT_EQ(r->results[0].waived, 1);
  ASSERT_STREQ(r->results[0].waiver_reason, "bug 1");
  ASSERT_EQ(r->results[1].waived, 1);
  ASSERT_EQ(r->results[2].waived, 1);
  ASSERT_STREQ(r->results[2].waiver_reason, "bug 2");
  ASSERT_EQ(r->results[3].waived, 0);               /* its waiver expired: still a failure */
  ASSERT(r->results[3].waiver_reason == NULL);
  ASSERT_EQ(ifm_report_conformant(r), 0);
  r->results[3].verdict = IFM_PASS;
  ASSERT_EQ(ifm_report_conformant(r), 1);           /* the waived FAILs are expected */
  ASSERT_EQ(ifm_waivers_apply(&w, r), 1);           /* applying again changes nothing */
  ASSERT_STREQ(r->results[0].waiver_reason, "bug 1");
  ifm_report_free(r);
  /* a waiver that names no case is an error, at its position */
  file.n_cases = 1;                                  /* only IM-EMPTY-VALUE left */
  ASSERT_EQ(ifm_waivers_check(&w, &suite, &err), -1);
  ASSERT_EQ(err.n, 3);
  ASSERT_EQ(w.items[1].matched, 0);
  {
    char want[160];
    snprintf(want, sizeof want, "%s:4:5: ", path);
    ASSERT(strncmp(err.msgs[0], want, strlen(want)) == 0);
  }
  ASSERT_CONTAINS(err.msgs[0], "IM-LIST-1");
  ifm_errors_clear(&err);
  ifm_waivers_clear(&w);
}

static void test_cleanup(void) {
  static const char *const names[] = {"known.yaml", "empty.yaml", "bad.yaml", "w.yaml"};
  ASSERT_EQ(ifm_test_remove_files(dir, names, sizeof names / sizeof names[0]), 0);
}

IFM_TEST_MAIN(TEST(test_setup), TEST(test_load), TEST(test_refusals), TEST(test_check_and_apply),
              TEST(test_cleanup))
