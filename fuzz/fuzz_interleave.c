/* fuzz_interleave.c: the stateful If-Match fuzzer. Each input decodes into
 * a small program (fuzz/prog/ifm_fp_lang.h: K clients, their operations and
 * a schedule with racing groups) that runs over real loopback HTTP
 * (fuzz/prog/ifm_fp_run.h) against the in-process reference server (started
 * once, lazily; IFM_FUZZ_PROFILE, IFM_FUZZ_FLAWS, IFM_FUZZ_SHAPE) or the
 * server named by IFM_FUZZ_URL, made the way the target file at
 * IFM_FUZZ_TARGET says, on a fresh resource, and is judged by the oracle
 * (fuzz/prog/ifm_fp_oracle.h) under the profile's file, with the suite's
 * own rules (fuzz/README.md).
 *
 * Invariants (abort on violation, after printing the program, the
 * exchanges and the requirement ID):
 *  - the operations inside the checker's model (sequential and racing)
 *    form a linearizable history of one resource (ifm_lin_check), with
 *    functional ETags;
 *  - every operation outside it (If-Match lists, raw bytes, writes without
 *    precondition where the profile refuses them, the conditional forms)
 *    gets a status the profile and RFC 9110 allow (2xx / 304 / 412 / the
 *    profile's sets for malformed, empty, missing values), never a 5xx, and
 *    a refused one changes nothing.
 */
#include <curl/curl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "ifm_fp_lang.h"
#include "ifm_fp_oracle.h"
#include "ifm_fp_run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static ifm_fp_target *target;
static int none_in_model;
static ifm_fp_result result;

static void stop_target(void) {
  ifm_fp_result_clear(&result);
  ifm_fp_target_free(target);
  target = NULL;
  curl_global_cleanup();
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ifm_fp_prog prog;
  if (!target) {
    char err[512];
    curl_global_init(CURL_GLOBAL_DEFAULT);
    target = ifm_fp_target_from_env(err, sizeof err);
    if (!target) {
      fprintf(stderr, "fuzz_interleave: %s\n", err);
      exit(2);
    }
    none_in_model = ifm_fp_oracle_none_in_model(ifm_fp_target_profile(target));
    ifm_fp_result_init(&result);
    atexit(stop_target);
  }
  ifm_fp_decode(data, size, none_in_model, &prog);
  if (ifm_fp_run(target, &prog, 0, &result) != 0) {
    fprintf(stderr, "fuzz_interleave: could not run the program (out of memory)\n");
    abort();
  }
  if (result.verdict.violated) {
    fprintf(stderr, "fuzz_interleave: VIOLATION of %s against %s\n%s\n%s", result.verdict.requirement,
            ifm_fp_target_describe(target), ifm_buf_str(&result.verdict.why), ifm_buf_str(&result.log));
    abort();
  }
  return 0;
}
