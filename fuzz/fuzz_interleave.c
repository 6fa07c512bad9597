/* fuzz_interleave.c: the stateful If-Match fuzzer. Each input decodes into
 * a small program (runner/ifm_fuzzprog.h: K clients, their operations and a
 * schedule with racing groups) that runs over real loopback HTTP against the
 * in-process reference server (started once, lazily; IFM_FUZZ_PROFILE,
 * IFM_FUZZ_FLAWS) or the server named by IFM_FUZZ_URL, on a fresh resource.
 *
 * Invariants (abort on violation, after printing the program, the
 * exchanges and the requirement ID):
 *  - the operations inside the checker's model (sequential and racing)
 *    form a linearizable history of one resource (ifm_lin_check), with
 *    functional ETags;
 *  - every operation outside it (If-Match lists, raw bytes, writes without
 *    precondition where the profile refuses them) gets what the profile's
 *    sequential model says (2xx / 412 / 400 malformed / 428), never a 5xx,
 *    and a refused one changes nothing.
 */
#include <curl/curl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "ifm_fuzzprog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static ifm_fp_ctx *ctx;
static ifm_fp_verdict verdict;

static void stop_ctx(void) {
  ifm_fp_verdict_clear(&verdict);
  ifm_fp_ctx_free(ctx);
  ctx = NULL;
  curl_global_cleanup();
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ifm_fp_prog prog;
  if (!ctx) {
    char err[512];
    curl_global_init(CURL_GLOBAL_DEFAULT);
    ctx = ifm_fp_ctx_from_env(err, sizeof err);
    if (!ctx) {
      fprintf(stderr, "fuzz_interleave: %s\n", err);
      exit(2);
    }
    atexit(stop_ctx);
  }
  ifm_fp_decode(data, size, ifm_fp_ctx_profile(ctx) == IFM_PROFILE_RFC9110, &prog);
  if (ifm_fp_run(ctx, &prog, 0, &verdict) != 0) {
    fprintf(stderr, "fuzz_interleave: could not run the program (out of memory)\n");
    abort();
  }
  if (verdict.violated) {
    fprintf(stderr, "fuzz_interleave: VIOLATION of %s against %s\n%s\n%s", verdict.requirement,
            ifm_fp_ctx_describe(ctx), verdict.why.p ? verdict.why.p : "",
            verdict.log.p ? verdict.log.p : "");
    abort();
  }
  return 0;
}
