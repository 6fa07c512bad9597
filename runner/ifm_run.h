/* ifm_run.h: running a loaded suite against a target: plan (select cases,
 * decide SKIPs), execute (up to `jobs` cases in flight on one executor), judge
 * every step, and fill the results model. */
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
  volatile int *stop;           /* set asynchronously (SIGINT) to cut the run short */
  void (*progress)(const ifm_result *res, size_t done, size_t total, void *ctx);
  void *progress_ctx;
} ifm_run_opts;

/* Runs the target's setup requests, then every selected case, and appends
 * one result per case, in suite order. Cases that could not run (interrupted,
 * time limit) are ERROR and the report is marked interrupted. Returns 0, or
 * -1 when the run could not start (err says why: a setup request failed). */
int ifm_run_suite(const ifm_run_opts *o, ifm_report *rep, char *err, size_t errlen);

/* Whether the filter (a shell glob, or several separated by commas) selects
 * the case by id or by requirement. */
int ifm_run_selects(const ifm_case *c, const char *filter);

/* Replaces every occurrence of each secret in s[0..len) by "<redacted>".
 * Returns a new string (caller frees) and its length in *out_len. */
char *ifm_redact(const char *s, size_t len, char *const *secrets, size_t n_secrets, size_t *out_len);

#endif
