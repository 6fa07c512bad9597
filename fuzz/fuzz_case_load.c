/* fuzz_case_load.c: the case-file and target-file loaders on arbitrary bytes.
 *
 * Input: byte 0 picks the loader (even: ifm_load_case_buffer, odd:
 * ifm_load_target_buffer); the rest is the file.
 *
 * Invariants (abort on violation; ASan/LSan catch crashes and leaks):
 *  - the loader returns 0 with no error, or -1 with at least one error;
 *  - every error reads "NAME:LINE:COL: message" with the name we gave and
 *    LINE, COL >= 1 (DESIGN.md: errors carried as file:line:col);
 *  - a refusal leaves nothing behind; a success frees cleanly, and every
 *    case remembers a position in this file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_load.h"

#include "fuzz_check.h"


static const char *const extra_vars[] = {"token", "region"};

/* FUZZ_WAIVE=too-many-errors: while that finding is open (README.md,
 * "Findings"), its message is let through, so fuzzing can go on past it. */
static int waive_too_many;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  const char *w = getenv("FUZZ_WAIVE");
  (void)argc, (void)argv;
  waive_too_many = w && strstr(w, "too-many-errors");
  return 0;
}

/* 1 when msg starts with "name:LINE:COL: ", LINE and COL decimal and >= 1. */
static int has_position(const char *msg, const char *name) {
  size_t n = strlen(name);
  int field;
  if (strncmp(msg, name, n) != 0 || msg[n] != ':') return 0;
  msg += n + 1;
  for (field = 0; field < 2; field++) {
    long v = 0;
    if (*msg < '0' || *msg > '9') return 0;
    while (*msg >= '0' && *msg <= '9' && v < 1000000000) v = v * 10 + (*msg++ - '0');
    if (v < 1 || *msg++ != ':') return 0;
  }
  return *msg == ' ';
}

static void check_errors(int rc, const ifm_errors *err, const char *name) {
  size_t i;
  CHECK(rc == 0 || rc == -1);
  CHECK(rc == 0 ? err->n == 0 : err->n > 0);
  for (i = 0; i < err->n; i++) {
    if (waive_too_many && strcmp(err->msgs[i], "too many errors; giving up") == 0) continue;
    if (!has_position(err->msgs[i], name)) fprintf(stderr, "bad error: %s\n", err->msgs[i]);
    CHECK(has_position(err->msgs[i], name));
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ifm_errors err = {NULL, 0, 0};
  const char *buf;
  size_t i;
  int rc;

  if (size < 1) return 0;
  buf = (const char *)data + 1;
  if ((data[0] & 1) == 0) {
    static const char name[] = "cases/fuzz.yaml";
    ifm_case_file f;
    rc = ifm_load_case_buffer(name, buf, size - 1, extra_vars, 2, &f, &err);
    check_errors(rc, &err, name);
    if (rc == 0) {
      CHECK(f.path != NULL && strcmp(f.path, name) == 0);
      for (i = 0; i < f.n_cases; i++)
        CHECK(f.cases[i].pos.line >= 1 && f.cases[i].pos.col >= 1 && f.cases[i].file == &f);
    } else {
      CHECK(f.path == NULL && f.cases == NULL && f.n_cases == 0);
    }
    ifm_case_file_clear(&f);
  } else {
    static const char name[] = "targets/fuzz.yaml";
    ifm_target t;
    rc = ifm_load_target_buffer(name, buf, size - 1, &t, &err);
    check_errors(rc, &err, name);
    if (rc == 0) {
      CHECK(t.path != NULL && strcmp(t.path, name) == 0);
      ifm_target_clear(&t);
    }
  }
  ifm_errors_clear(&err);
  return 0;
}
