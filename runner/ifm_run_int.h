/* ifm_run_int.h: what the run loop (ifm_run.c) and the parallel steps
 * (ifm_parallel.c) share. Not part of the runner's API. */
#ifndef IFM_RUN_INT_H
#define IFM_RUN_INT_H

#include "ifm_request.h"

typedef struct run_state {
  const ifm_run_opts *o;
  ifm_report *rep;
  ifm_exec *exec;
  ifm_case_run *cases;
  size_t n_cases, next, active, done;
  double t0;
  char run_id[20];
  unsigned long uniq;
} run_state;

/* Ends the case with a verdict; takes ownership of the strings. */
void ifm_run_case_end(ifm_case_run *cr, ifm_verdict v, char *message, char *expected, char *got);
/* Goes on with the case's current step. */
void ifm_run_case_next(ifm_case_run *cr);
/* "step N: WHAT DETAIL". */
char *ifm_run_fmt_step(const ifm_case_run *cr, const char *what, const char *detail);
/* Judges a response against one step's assume and expect; 1: go on; 0: the
 * case was ended. */
int ifm_run_judge_step(ifm_case_run *cr, const ifm_step *st, const ifm_response *r);

/* Runs the current step, which is parallel (ifm_parallel.c). */
void ifm_par_start(ifm_case_run *cr);

#endif
