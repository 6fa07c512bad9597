/* ifm_run.h: the run stage: a loaded suite against a target. Plans (plan/),
 * executes every case's steps on one executor (exec/) with up to `jobs`
 * cases in flight, has every response judged (judge/), and fills the results
 * model (model/ifm_result.h) that reports/ writes. */
#ifndef IFM_RUN_H
#define IFM_RUN_H

#include "ifm_model.h"
#include "ifm_result.h"

typedef struct ifm_run_opts {
  const ifm_suite *suite;
  const ifm_target *target;
  const ifm_profile *profile;
  const char *base_url;         /* scheme://host[:port][/prefix] */
  const char *filter;           /* glob on case id or requirement ID; NULL = all */
  unsigned jobs;                /* cases in flight at once (>= 1) */
  double timeout_s;             /* per request; 0 = the target's */
  double max_time_s;            /* the whole run; 0 = no limit */
  const char *const *var_names; /* --var KEY=VALUE */
  const char *const *var_values;
  size_t n_vars;
  size_t max_memory;            /* bytes the responses in flight may hold; 0: the executor's default */
  volatile int *stop;           /* set asynchronously (SIGINT) to cut the run short */
  void (*progress)(const ifm_result *res, size_t done, size_t total, void *ctx);
  void *progress_ctx;
} ifm_run_opts;

/* Runs the target's setup requests, then every selected case, and appends
 * one result per case, in suite order. Cases that could not run (interrupted,
 * time limit) are ERROR and the report is marked interrupted. Returns 0, or
 * -1 when the run could not start (err says why: a setup request failed). */
int ifm_run_suite(const ifm_run_opts *o, ifm_report *rep, char *err, size_t errlen);

#endif
