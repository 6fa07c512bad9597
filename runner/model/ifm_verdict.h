/* ifm_verdict.h: requirement levels and case verdicts (DESIGN.md,
 * "Verdicts and exit codes"). The judge maps a broken expectation of a given
 * level to a verdict (ifm_judge_verdict_for_level); this file only names
 * them. */
#ifndef IFM_VERDICT_H
#define IFM_VERDICT_H

typedef enum ifm_verdict {
  IFM_PASS = 0,
  IFM_FAIL,    /* a MUST broken */
  IFM_WARN,    /* a SHOULD broken */
  IFM_INFO,    /* a MAY not taken: informational */
  IFM_SKIP,    /* a precondition of the case not met (capability, profile) */
  IFM_ERROR,   /* the run itself broke: unreachable, timeout, setup failed */
  IFM_VERDICT_COUNT
} ifm_verdict;

typedef enum ifm_level { IFM_MUST = 0, IFM_SHOULD, IFM_MAY } ifm_level;

const char *ifm_verdict_name(ifm_verdict v);    /* "PASS", "FAIL", ... */
const char *ifm_level_name(ifm_level l);        /* "MUST", "SHOULD", "MAY" */

#endif
