/* ifm_test.c: runs a registry of tests and prints TAP. An optional argument
 * selects the tests whose name contains it.
 *
 * The version line says 13: these programs use nothing TAP 14 added, and the
 * prove of Debian 12 (Test::Harness 3.44) refuses any version above 13. */
#include <stdlib.h>
#include <unistd.h>
#include "ifm_test.h"

int ifm_test_failed_;

int ifm_test_run(const ifm_test_entry *tests, size_t n, int argc, char **argv) {
  const char *only = argc > 1 ? argv[1] : NULL;
  size_t planned = 0, i, k = 0;
  int failures = 0;

  setvbuf(stdout, NULL, _IONBF, 0);
  for (i = 0; i < n; i++)
    if (!only || strstr(tests[i].name, only)) planned++;
  printf("TAP version 13\n1..%zu\n", planned);
  for (i = 0; i < n; i++) {
    if (only && !strstr(tests[i].name, only)) continue;
    ifm_test_failed_ = 0;
    tests[i].fn();
    k++;
    printf("%s %zu - %s\n", ifm_test_failed_ ? "not ok" : "ok", k, tests[i].name);
    failures += ifm_test_failed_;
  }
  return failures ? 1 : 0;
}

const char *ifm_test_write_file(const char *dir, const char *name, const char *text) {
  static char path[4][256];
  static int k;
  FILE *f;
  char *p = path[k++ % 4];
  snprintf(p, sizeof path[0], "%s/%s", dir, name);
  f = fopen(p, "w");
  if (!f) return NULL;
  fputs(text, f);
  fclose(f);
  return p;
}

int ifm_test_remove_files(const char *dir, const char *const *names, size_t n) {
  char p[512];
  size_t i;
  for (i = 0; i < n; i++) {
    snprintf(p, sizeof p, "%s/%s", dir, names[i]);
    unlink(p);
  }
  return rmdir(dir);
}

const char *ifm_test_source_dir(void) {
  const char *d = getenv("IFM_SOURCE_DIR");
  if (d && *d) return d;
#ifdef IFM_TEST_SOURCE_DIR
  return IFM_TEST_SOURCE_DIR;     /* the checkout this test was built from: prove works without ctest */
#else
  printf("Bail out! IFM_SOURCE_DIR is not set: run through ctest, or set it to the checkout\n");
  exit(1);
#endif
}

const char *ifm_test_source_path(const char *rel) {
  static char buf[4][1024];
  static int k;
  char *p = buf[k++ % 4];
  snprintf(p, sizeof buf[0], "%s/%s", ifm_test_source_dir(), rel);
  return p;
}

int ifm_test_has_message(char *const *msgs, size_t n, const char *prefix, const char *sub) {
  size_t i;
  for (i = 0; i < n; i++)
    if (strncmp(msgs[i], prefix, strlen(prefix)) == 0 && strstr(msgs[i], sub)) return 1;
  return 0;
}

void ifm_test_print_messages(char *const *msgs, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) printf("#   %s\n", msgs[i]);
}
