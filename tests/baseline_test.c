/* baseline_test.c: comparing a run with an earlier JSON report (runner/load/
 * ifm_baseline.c, `--baseline`). What must hold: ifm_baseline.h, the
 * comment of ifm_baseline.c and reports/README.md ("baseline"): "failing" is
 * FAIL or ERROR and not waived, "passing" is PASS; newly failing are the
 * cases failing now that did not fail in the baseline (or were not in it),
 * newly passing the cases that PASS now and failed or errored there. A file
 * that is not an ifmatch report of format version 1 is refused with a
 * "file:line:col: message". The baseline is read back from what the JSON
 * writer itself writes, too, so the two cannot drift apart. */
#include <unistd.h>
#include "ifm_baseline.h"
#include "ifm_reports.h"
#include "ifm_test.h"

static char dir[64];

static const char *write_file(const char *name, const char *text) {
  return ifm_test_write_file(dir, name, text);
}

static ifm_result *add(ifm_report *r, const char *id, ifm_verdict v, int waived) {
  ifm_result *res = ifm_report_add(r);
  if (!res) abort();
  res->case_id = strdup(id);
  res->requirement = strdup("IM-X");
  res->verdict = v;
  res->waived = waived;
  return res;
}

static int has_id(char **ids, size_t n, const char *id) {
  size_t i;
  for (i = 0; i < n; i++)
    if (strcmp(ids[i], id) == 0) return 1;
  return 0;
}

static void test_setup(void) {
  snprintf(dir, sizeof dir, "/tmp/ifm_baseline_test.XXXXXX");
  ASSERT(mkdtemp(dir) != NULL);
}

static void test_compare(void) {
  const char *path = write_file("main.json",
      "{\"format\": \"ifmatch-report\", \"version\": 1, \"results\": [\n"
      "  {\"case_id\": \"A\", \"verdict\": \"FAIL\"},\n"
      "  {\"case_id\": \"B\", \"verdict\": \"PASS\"},\n"
      "  {\"case_id\": \"C\", \"verdict\": \"ERROR\"},\n"
      "  {\"case_id\": \"D\", \"verdict\": \"FAIL\", \"waived\": true},\n"
      "  {\"case_id\": \"E\", \"verdict\": \"SKIP\"},\n"
      "  {\"case_id\": \"H\", \"verdict\": \"PASS\"},\n"
      "  {\"case_id\": \"I\", \"verdict\": \"FAIL\", \"waived\": true},\n"
      "  {\"case_id\": \"J\", \"verdict\": \"WARN\"}\n"
      "]}\n");
  ifm_report *r = ifm_report_new();
  char err[256];
  ASSERT(path != NULL && r != NULL);
  add(r, "A", IFM_FAIL, 0);     /* failed before too: known, not new */
  add(r, "B", IFM_FAIL, 0);     /* passed before: newly failing */
  add(r, "C", IFM_PASS, 0);     /* errored before: newly passing */
  add(r, "D", IFM_FAIL, 0);     /* a waived failure before, unwaived now: newly failing */
  add(r, "E", IFM_ERROR, 0);    /* SKIP before, ERROR now: newly failing */
  add(r, "F", IFM_FAIL, 0);     /* not in the baseline: newly failing */
  add(r, "G", IFM_PASS, 0);     /* not in the baseline, passing: nothing */
  add(r, "H", IFM_FAIL, 1);     /* failing now but waived: not failing */
  add(r, "I", IFM_PASS, 0);     /* failed (waived) before: newly passing */
  add(r, "J", IFM_WARN, 0);     /* WARN is neither */
  ASSERT_EQ(ifm_baseline_compare(path, r, err, sizeof err), 0);
  ASSERT_STREQ(r->baseline, path);
  ASSERT_EQ(r->n_newly_failing, 4);
  ASSERT(has_id(r->newly_failing, r->n_newly_failing, "B"));
  ASSERT(has_id(r->newly_failing, r->n_newly_failing, "D"));
  ASSERT(has_id(r->newly_failing, r->n_newly_failing, "E"));
  ASSERT(has_id(r->newly_failing, r->n_newly_failing, "F"));
  ASSERT_STREQ(r->newly_failing[0], "B");             /* in the order of the run */
  ASSERT_EQ(r->n_newly_passing, 2);
  ASSERT(has_id(r->newly_passing, r->n_newly_passing, "C"));
  ASSERT(has_id(r->newly_passing, r->n_newly_passing, "I"));
  ifm_report_free(r);
}

/* The JSON writer's own output, read back as the baseline. */
static void test_round_trip(void) {
  ifm_report *old = ifm_report_new(), *now = ifm_report_new();
  char path[128], err[256];
  FILE *f;
  ASSERT(old != NULL && now != NULL);
  add(old, "IM-\"Q\"-1", IFM_FAIL, 0);                /* an id that needs escaping */
  add(old, "IM-2", IFM_PASS, 0);
  add(old, "IM-3", IFM_FAIL, 1);
  snprintf(path, sizeof path, "%s/written.json", dir);
  f = fopen(path, "w");
  ASSERT(f != NULL);
  ASSERT_EQ(ifm_report_write_json(old, f), 0);
  fclose(f);
  ifm_report_free(old);
  add(now, "IM-\"Q\"-1", IFM_PASS, 0);
  add(now, "IM-2", IFM_FAIL, 0);
  add(now, "IM-3", IFM_FAIL, 0);
  ASSERT_EQ(ifm_baseline_compare(path, now, err, sizeof err), 0);
  ASSERT_EQ(now->n_newly_passing, 1);
  ASSERT_STREQ(now->newly_passing[0], "IM-\"Q\"-1");
  ASSERT_EQ(now->n_newly_failing, 2);
  ASSERT_STREQ(now->newly_failing[0], "IM-2");
  ASSERT_STREQ(now->newly_failing[1], "IM-3");        /* was waived, is not now */
  ifm_report_free(now);
  unlink(path);
}

/* Refused with a message that starts with the file's name (and, for bad
 * JSON, the line and column); the report is left without a baseline. */
static void refused(const char *name, const char *text, const char *want, int *ok) {
  const char *path = write_file(name, text);
  ifm_report *r = ifm_report_new();
  char err[256] = "";
  add(r, "A", IFM_FAIL, 0);
  *ok = path && ifm_baseline_compare(path, r, err, sizeof err) == -1 &&
        strncmp(err, path, strlen(path)) == 0 && strstr(err, want) != NULL &&
        r->baseline == NULL && r->n_newly_failing == 0;
  if (!*ok) printf("# %s: '%s'\n", name, err);
  ifm_report_free(r);
}

static void test_refusals(void) {
  int ok;
  char err[256] = "";
  ifm_report *r = ifm_report_new();
  refused("notjson.json", "{\"format\": \"ifmatch-report\",\n  \"version\": }\n", ":2:", &ok);
  ASSERT(ok);
  refused("empty.json", "", ":1:", &ok);
  ASSERT(ok);
  refused("format.json", "{\"format\": \"junit\", \"version\": 1, \"results\": []}", "version 1", &ok);
  ASSERT(ok);
  refused("version.json", "{\"format\": \"ifmatch-report\", \"version\": 2, \"results\": []}", "version 1", &ok);
  ASSERT(ok);
  refused("vstring.json", "{\"format\": \"ifmatch-report\", \"version\": \"1\", \"results\": []}", "version 1", &ok);
  ASSERT(ok);
  refused("results.json", "{\"format\": \"ifmatch-report\", \"version\": 1, \"results\": {}}", "version 1", &ok);
  ASSERT(ok);
  refused("array.json", "[1, 2]", "version 1", &ok);
  ASSERT(ok);
  ASSERT(r != NULL);
  ASSERT_EQ(ifm_baseline_compare("/nonexistent/ifm/main.json", r, err, sizeof err), -1);
  ASSERT_CONTAINS(err, "/nonexistent/ifm/main.json");
  ASSERT(r->baseline == NULL);
  ifm_report_free(r);
}

static void test_cleanup(void) {
  static const char *const names[] = {"main.json", "notjson.json", "empty.json", "format.json",
                                      "version.json", "vstring.json", "results.json", "array.json"};
  ASSERT_EQ(ifm_test_remove_files(dir, names, sizeof names / sizeof names[0]), 0);
}

IFM_TEST_MAIN(TEST(test_setup), TEST(test_compare), TEST(test_round_trip), TEST(test_refusals),
              TEST(test_cleanup))
