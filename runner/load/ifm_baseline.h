/* ifm_baseline.h: comparing a run with an earlier JSON report (--baseline),
 * so a pull request is told what it broke and what it fixed, not every
 * known failure again. */
#ifndef IFM_BASELINE_H
#define IFM_BASELINE_H

#include "ifm_result.h"

/* Reads the earlier report and fills rep->baseline, newly_failing and
 * newly_passing. Returns 0, or -1 with a "file:line:col: message" in err. */
int ifm_baseline_compare(const char *path, ifm_report *rep, char *err, size_t errlen);

#endif
