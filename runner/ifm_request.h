/* ifm_request.h: one case's run-time state (variables, its resource path) and
 * turning a step's request spec into a transfer: the target's mapping of the
 * abstract operation, templates expanded, the case header added. Also records
 * finished exchanges (secrets redacted) and captures. */
#ifndef IFM_REQUEST_H
#define IFM_REQUEST_H

#include "ifm_exec.h"
#include "ifm_model.h"
#include "ifm_run.h"

typedef struct ifm_var {
  char *name;
  ifm_buf value;
} ifm_var;

typedef struct ifm_case_run {
  struct run_state *run;      /* back-pointer for the run loop */
  const ifm_run_opts *o;
  const ifm_case *c;
  size_t result_idx;
  size_t step;                /* current step, 0-based */
  ifm_var *vars;
  size_t n_vars, cap_vars;
  char *path;                 /* the case's resource */
  char *collection;
  unsigned long n;            /* resource counter for {{n}} / {{fresh}} */
  const char *run_id;
  unsigned long *uniq;        /* run-wide counter for {{uniq}} */
  const ifm_buf *map_body;    /* {{body}} while expanding a mapping's body */
  int client;                 /* {{client}}, -1 outside parallel steps */
  ifm_exchange *x;            /* evidence so far: the most recent IFM_EXCHANGES_KEPT */
  size_t nx, capx;
  size_t omitted;             /* older exchanges dropped */
  size_t extra_keep;          /* more exchanges kept while a parallel round runs */
  /* A parallel step (ifm_parallel.c). Each round replays the steps from
   * seg_first (the case's setup since the previous parallel step) against a
   * fresh resource, then sends every client's request at once. */
  size_t seg_first;           /* first step of the current segment */
  size_t seg_x0;              /* nx when the segment's first step began */
  unsigned round;             /* 0-based */
  int par_phase;              /* 0 idle, 1 read before, 2 clients, 3 read after */
  size_t pending;             /* client requests not finished yet */
  ifm_hold_group hold;        /* last-byte release */
  struct ifm_par_client *pc;  /* one per client of the running round */
  size_t round_x0;            /* nx when the round's own requests began */
  int round_failed;           /* -1: recording failed; -2: not every client could start */
  char *fail_message, *fail_expected, *fail_got;
  int n_violations;
  double t0, run_t0;
  int finished;
} ifm_case_run;

void ifm_case_run_setup(ifm_case_run *cr, const ifm_case *c, size_t result_idx,
                        const ifm_run_opts *o, const char *run_id, unsigned long *uniq,
                        double run_t0);
/* Expands the case's resource and collection paths. */
int ifm_case_run_init_paths(ifm_case_run *cr, char *err, size_t errlen);
void ifm_case_run_clear(ifm_case_run *cr);   /* frees variables and evidence */

/* Expands a template in the case's context. */
int ifm_request_expand(ifm_case_run *cr, const char *tmpl, ifm_buf *out, char *err, size_t errlen);

/* The method a step will use (spec override, else the target's mapping);
 * NULL for a parallel step. */
const char *ifm_request_method(const ifm_step *st, const ifm_target *t);

/* Builds the transfer for a request spec; client is {{client}} (-1 none). */
ifm_xfer *ifm_request_build(ifm_case_run *cr, const ifm_request_spec *spec, int client,
                            ifm_hold_group *hold, char *err, size_t errlen);

/* Appends the finished exchange to the case's evidence (redacted). */
int ifm_request_record(ifm_case_run *cr, const ifm_xfer *x, int client, int round);

/* Stores the step's captures from the response. */
int ifm_request_capture(ifm_case_run *cr, const ifm_step *st, const ifm_response *r);

#endif
