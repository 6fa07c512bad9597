/* ifm_result.h: the results model. Everything a report shows, and nothing
 * about how it was obtained: reporters never see libcurl or YAML, and the
 * executor never formats a report (DESIGN.md, "Data flows one way"). The
 * run stage fills it; reports/ writes it.
 *
 * All strings are owned by the report and freed by ifm_report_free(). Byte
 * strings from the server (header values, bodies) may hold any byte,
 * including NUL, control characters and invalid UTF-8: each writer escapes
 * them for its own format. Secrets were already redacted by the executor.
 */
#ifndef IFM_RESULT_H
#define IFM_RESULT_H

#include <stddef.h>
#include <stdio.h>
#include "ifm_exchange.h"
#include "ifm_verdict.h"



/* The verdict for one case, with its evidence. */
typedef struct ifm_result {
  char *case_id;            /* unique in the suite, e.g. IM-STALE-412-put */
  char *requirement;        /* requirement ID from REQUIREMENTS.md, e.g. IM-STALE-412 */
  char *title;
  char *spec;               /* "RFC 9110 13.1.1" */
  char *file;               /* the case file, as given (JUnit groups by it) */
  ifm_level level;
  ifm_verdict verdict;
  char *message;            /* one line: why this verdict (NULL for a plain PASS) */
  char *expected;           /* what the failing check wanted (NULL if none) */
  char *got;                /* what came back */
  int failed_step;          /* 1-based; 0 when no step failed */
  int failed_round;         /* a parallel step's first failing round, 1-based as the exchanges'
                               round (ifm_exchange.round); 0: none */
  int waived;               /* a waiver names this case: a FAIL is expected (TAP TODO) */
  char *waiver_reason;
  ifm_exchange *exchanges;  /* the exchanges of the case, in order (the most recent
                               IFM_EXCHANGES_KEPT when there were more) */
  size_t n_exchanges;
  size_t exchanges_omitted; /* older exchanges dropped to bound memory */
  double duration_ms;
} ifm_result;

/* A whole run. */
typedef struct ifm_report {
  char *tool_version;
  char *target;             /* target name or URL (no credentials) */
  char *proxy;              /* the proxy the run went through (its userinfo redacted), or
                               NULL: none given (an environment proxy is not recorded) */
  char *profile;
  char *started_at;         /* ISO 8601 UTC */
  double duration_ms;
  int interrupted;          /* the run was cut short (SIGINT, target died): partial */
  char *not_tested;         /* why nothing was judged (the target does not answer, the
                               preflight or a setup request failed, nothing was selected);
                               NULL when the run judged the server */
  char *name;               /* the report's name (--report-name; by default the target's
                               name): JUnit puts it in front of every suite name so that
                               reports of several targets merge. NULL: none */
  char *suite_root;         /* the directory case files are named relative to where a name
                               must not depend on the machine (JUnit classnames): the one
                               holding cases/ for the default suite, else the current
                               directory. NULL: files as given */
  ifm_result *results;
  size_t n_results;
  size_t cap_results;
  /* --baseline: the earlier report compared against (NULL: none), and the
   * case ids whose verdict changed for the worse / the better since. */
  char *baseline;
  char **newly_failing;
  size_t n_newly_failing;
  char **newly_passing;
  size_t n_newly_passing;
} ifm_report;

ifm_report *ifm_report_new(void);
void ifm_report_free(ifm_report *r);
/* Appends a zeroed result and returns it (NULL on allocation failure). The
 * pointer is valid until the next append. */
ifm_result *ifm_report_add(ifm_report *r);
void ifm_result_clear(ifm_result *res);         /* frees what res owns */
/* Appends a zeroed exchange (client -1) to res->exchanges and returns it (NULL
 * on allocation failure). The pointer is valid until the next append. */
ifm_exchange *ifm_result_add_exchange(ifm_result *res);

/* Counts per verdict, and the suite verdict: conformant when no FAIL that is
 * not waived, no ERROR, and the run was not interrupted (a partial run
 * certifies nothing). A verdict out of range counts as ERROR. */
void ifm_report_count(const ifm_report *r, size_t counts[IFM_VERDICT_COUNT]);
int ifm_report_conformant(const ifm_report *r);

/* The run's verdict in words, the one every report and the terminal use:
 *   "NOT CONFORMANT": a FAIL that is not waived, or an ERROR, in a run that
 *     judged something (in an interrupted run: a FAIL found before the cut);
 *   "NOT TESTED": nothing was judged (not_tested), or the run was cut short
 *     before any such result: a partial run proves nothing either way;
 *   "CONFORMANT": otherwise.
 * Never green when nothing was judged. */
const char *ifm_report_verdict(const ifm_report *r);
/* 1 when the verdict is NOT TESTED. */
int ifm_report_not_tested(const ifm_report *r);
/* A case file as every report names it, the same on every machine: relative
 * to r->suite_root when it lies below it, without "./"; as given otherwise.
 * Points into file; NULL when file is NULL or empty. */
const char *ifm_report_relfile(const ifm_report *r, const char *file);



#endif
