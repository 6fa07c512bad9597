/* ifm_fp_run.h: running a stateful fuzzer program (ifm_fp_lang.h) against
 * a target over real HTTP, through the project's executor (exec/ifm_exec.h),
 * and judging it as it goes with the oracle (ifm_fp_oracle.h), so a run
 * stops at the first violation.
 *
 * A target (ifm_fp_target.h) is the server at a URL, or the in-process
 * reference server, started with a profile, shapes and seeded flaws; with a
 * target file, requests are made the target's way. Either way the profile
 * is loaded from its file (cases/profiles/NAME.yaml) with the project's
 * loader, and the oracle takes every accepted status from it; the server's
 * answers without preconditions (RFC 9110 13.2.1) are learned once, before
 * the first program.
 *
 * How a program runs: every program uses a fresh resource path. Groups go
 * out in order; a group of more than one operation with more than one body
 * uses last-byte release. A sequential operation (outside the checker's
 * model) is bracketed by a read before (unless the record just before is a
 * plain read that answered 200 or 404) and a read after; the program ends
 * with a read when a model operation ran since the last one, so a write's
 * effect is always seen. Every request has a 10 s timeout (or the target's).
 * With a target that creates by POST (path_from: location) the program's
 * resource is made that way first, then read (unjudged; the read is the
 * first epoch's state). Afterwards the resource is deleted (If-Match: *),
 * unjudged.
 */
#ifndef IFM_FP_RUN_H
#define IFM_FP_RUN_H

#include <stddef.h>

#include "ifm_buf.h"
#include "ifm_fp_lang.h"
#include "ifm_fp_oracle.h"
#include "ifm_model.h"

typedef struct ifm_fp_target ifm_fp_target;

typedef struct ifm_fp_target_opts {
  const char *url;          /* the server to fuzz; NULL or "": the in-process reference server */
  const char *profile;      /* a profile name, or a profile file; NULL or "": rfc9110 */
  const char *flaws;        /* the in-process server's seeded flaws, "race,weak-compare"; NULL: none */
  const char *shapes;       /* the in-process server's shapes, "post-create,no-etag"; NULL: none */
  const char *target;       /* a target file: requests made its way, its profile; NULL: none */
  const char *profile_dir;  /* where profile names are looked up; NULL: $IFMATCH_HOME/cases/profiles,
                             * then the source tree's cases/profiles, then ./cases/profiles */
} ifm_fp_target_opts;

/* Fills o from IFM_FUZZ_URL, IFM_FUZZ_PROFILE, IFM_FUZZ_FLAWS,
 * IFM_FUZZ_SHAPE and IFM_FUZZ_TARGET (the strings stay the environment's). */
void ifm_fp_target_opts_from_env(ifm_fp_target_opts *o);

/* A target and one executor. The caller owns it and frees it with
 * ifm_fp_target_free. Returns NULL with a message in err. */
ifm_fp_target *ifm_fp_target_new(const ifm_fp_target_opts *o, char *err, size_t errlen);
ifm_fp_target *ifm_fp_target_from_env(char *err, size_t errlen);
void ifm_fp_target_free(ifm_fp_target *t);

/* The profile the target is judged under (owned by the target). */
const ifm_profile *ifm_fp_target_profile(const ifm_fp_target *t);
/* "reference server, profile rfc9110, flaws race" or "URL (profile P)". */
const char *ifm_fp_target_describe(const ifm_fp_target *t);

/* What a run leaves: its exchanges, the verdict, and (verbose, or on a
 * violation) the program and every exchange as text. Owned by the caller;
 * ifm_fp_result_clear frees what it holds. */
typedef struct ifm_fp_result {
  ifm_fp_trace trace;
  ifm_fp_verdict verdict;
  ifm_buf log;
} ifm_fp_result;

void ifm_fp_result_init(ifm_fp_result *r);
void ifm_fp_result_clear(ifm_fp_result *r);

/* Runs p against t, clearing r first. Returns 0, or -1 when the run could
 * not be made (out of memory, the checker gave up). */
int ifm_fp_run(ifm_fp_target *t, const ifm_fp_prog *p, int verbose, ifm_fp_result *r);

#endif
