/* ifm_fp_case.h: a run of a stateful fuzzer program as a YAML case
 * (cases/README.md), so a finding can become a permanent part of the suite
 * (`ifmatch fuzz to-case`). The case replays the run's sequential exchanges
 * as steps, with the oracles' expectations: the checker's model simulated
 * in order for operations inside it, the sequential oracle's statuses
 * (ifm_fp_step.expect: the profile's set where the profile has a key) for
 * the others; each racing group becomes a parallel step with
 * `linearizable: true` (20 rounds when it is the last step). Tags become
 * captured variables, named back with the `weak`, `strong`, `swapcase` and
 * `opaque` filters; after a race the state is learned from the next read.
 * Pure apart from writing to the stream it is given.
 */
#ifndef IFM_FP_CASE_H
#define IFM_FP_CASE_H

#include <stdio.h>

#include "ifm_fp_lang.h"
#include "ifm_fp_oracle.h"
#include "ifm_model.h"

/* Writes the case for the run t of p (verdict v) to out. name: the case
 * id's suffix ("fuzz-" is prefixed unless there); profile: the profile the
 * case runs under (its name goes into `profiles:`). Returns 0, or 2 when
 * the stream failed. */
int ifm_fp_case_write(const ifm_fp_prog *p, const ifm_fp_trace *t, const ifm_fp_verdict *v,
                      const char *name, const ifm_profile *profile, FILE *out);

#endif
