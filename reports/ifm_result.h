/* ifm_result.h: the results model. Everything a report shows, and nothing
 * about how it was obtained: reporters never see libcurl or YAML, and the
 * executor never formats a report (DESIGN.md, "Data flows one way").
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

typedef struct ifm_field {
  char *name;
  char *value;
  size_t value_len;   /* value may contain any byte */
} ifm_field;

/* One HTTP exchange, as sent and as received. */
typedef struct ifm_exchange {
  int step;                 /* 1-based step number within the case */
  int client;               /* -1 in a sequential step; the client index in a parallel one */
  int round;                /* 0 in a sequential step; the round of a parallel step */
  char *method;
  char *url;
  ifm_field *req_headers;   /* as sent, in order, secrets redacted */
  size_t n_req_headers;
  char *req_body;           /* excerpt (at most IFM_BODY_EXCERPT bytes) */
  size_t req_body_len;      /* length of the excerpt */
  size_t req_body_total;    /* full length sent */
  int status;               /* 0 when no response came */
  ifm_field *resp_headers;
  size_t n_resp_headers;
  char *resp_body;          /* excerpt */
  size_t resp_body_len;
  size_t resp_body_total;
  unsigned long long req_body_hash;   /* FNV-1a 64 of the whole request body (0: none) */
  unsigned long long resp_body_hash;  /* FNV-1a 64 of the whole response body */
  char *error;              /* transport error (timeout, reset, ...) or NULL */
  /* Milliseconds since the start of the run; 0 when not reached. */
  double t_start, t_release, t_first_byte, t_done;
} ifm_exchange;

#define IFM_BODY_EXCERPT 2048
#define IFM_EXCHANGES_KEPT 64

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
  char *profile;
  char *started_at;         /* ISO 8601 UTC */
  double duration_ms;
  int interrupted;          /* the run was cut short (SIGINT, target died): partial */
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
void ifm_exchange_clear(ifm_exchange *x);       /* frees what x owns */
/* Appends a zeroed exchange (client -1) to res->exchanges and returns it (NULL
 * on allocation failure). The pointer is valid until the next append. */
ifm_exchange *ifm_result_add_exchange(ifm_result *res);
/* Appends copies of name and of the value_len bytes at value (NUL-terminated
 * too, for convenience) to a field list such as x->req_headers and
 * x->n_req_headers. Returns 0, or -1 on allocation failure. */
int ifm_field_append(ifm_field **fields, size_t *n, const char *name,
                     const char *value, size_t value_len);

/* Counts per verdict, and the suite verdict: conformant when no FAIL that is
 * not waived, no ERROR, and the run was not interrupted (a partial run
 * certifies nothing). A verdict out of range counts as ERROR. */
void ifm_report_count(const ifm_report *r, size_t counts[IFM_VERDICT_COUNT]);
int ifm_report_conformant(const ifm_report *r);

const char *ifm_verdict_name(ifm_verdict v);    /* "PASS", "FAIL", ... */
const char *ifm_level_name(ifm_level l);        /* "MUST", "SHOULD", "MAY" */

/* The writers. Each returns 0, or -1 when writing failed (errno set). */
int ifm_report_write_tap(const ifm_report *r, FILE *out);
int ifm_report_write_junit(const ifm_report *r, FILE *out);
int ifm_report_write_json(const ifm_report *r, FILE *out);
int ifm_report_write_html(const ifm_report *r, FILE *out);

#endif
