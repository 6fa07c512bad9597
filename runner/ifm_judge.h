/* ifm_judge.h: judging one response against one step's expectations. Pure:
 * no I/O, no libcurl; the caller expands templates first and hands in the
 * expanded values. */
#ifndef IFM_JUDGE_H
#define IFM_JUDGE_H

#include "ifm_exec.h"
#include "ifm_model.h"

/* Why a check failed: owned strings, freed by ifm_judgement_clear. */
typedef struct ifm_judgement {
  char *message;    /* one line: "status 204 is not in 412" */
  char *expected;
  char *got;
} ifm_judgement;

void ifm_judgement_clear(ifm_judgement *j);

/* The set a status spec stands for under the active profile (and the
 * target's overrides). Returns NULL when the spec names a profile key that is
 * not defined (the caller reports an ERROR). */
const ifm_status_spec *ifm_judge_resolve_status(const ifm_status_spec *s, const ifm_profile *p,
                                                const ifm_target *t);

/* Returns 1 when the status is acceptable; otherwise 0 and fills j. */
int ifm_judge_status(const ifm_status_spec *s, const ifm_profile *p, const ifm_target *t,
                     int status, ifm_judgement *j);

/* One header/body expectation; value is the expanded template (NULL when the
 * match kind takes none). Returns 1 when it holds; otherwise 0 and fills j. */
int ifm_judge_item(const ifm_expect_item *it, const ifm_response *r, const char *value,
                   size_t value_len, ifm_judgement *j);

/* Structural equality of two status sets (same classes and codes). */
int ifm_status_spec_equal(const ifm_status_spec *a, const ifm_status_spec *b);

#endif
