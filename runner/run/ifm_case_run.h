/* ifm_case_run.h: one case while it runs, split by concern, and what the
 * run stage's files share (not part of the stage's API, which is ifm_run.h).
 *
 *   ifm_case_seq.c   the case as a small state machine: one step at a time
 *   ifm_case_send.c  a request of the case: plan it, hand it to the executor
 *   ifm_par.c        a parallel step's rounds; it reports back through a
 *                    callback and never calls the case machine
 *   ifm_evidence.c   the exchanges kept for the report
 *   ifm_run.c        the suite loop: plan, setup requests, `jobs` cases at once
 *
 * Owner: the run loop owns an array of ifm_case_run and the ifm_run_env they
 * point to; ifm_case_run_clear frees what one case holds.
 */
#ifndef IFM_CASE_RUN_H
#define IFM_CASE_RUN_H

#include "ifm_err.h"
#include "ifm_exec.h"
#include "ifm_judge.h"
#include "ifm_plan.h"
#include "ifm_run.h"

/* What every case of a run shares. */
typedef struct ifm_run_env {
  const ifm_run_opts *o;
  ifm_exec *exec;
  ifm_report *rep;
  double t0;                    /* monotonic ms at the start of the run */
  char run_id[20];              /* {{run}} */
  unsigned long uniq;           /* behind {{uniq}} */
} ifm_run_env;

/* The exchanges kept as evidence: the most recent IFM_EXCHANGES_KEPT, plus
 * extra_keep while a parallel round runs. The marks move with the window.
 * x[0 .. n) are the kept ones; x starts head slots into its allocation, so
 * the window slides without moving every kept exchange on each request
 * (ifm_evidence_compact puts x back at the start before handing it over). */
typedef struct ifm_evidence {
  ifm_exchange *x;
  size_t n, cap;                /* cap counts from the allocation's start */
  size_t head;
  size_t omitted;               /* older exchanges dropped */
  size_t extra_keep;
  size_t seg_x0;                /* n when the current segment's first step began */
  size_t round_x0;              /* n when the current round's own requests began */
} ifm_evidence;

typedef struct ifm_case_run ifm_case_run;

/* A parallel step's phases. */
typedef enum ifm_par_phase {
  IFM_PAR_IDLE = 0,             /* no round running (sequential steps) */
  IFM_PAR_READ_BEFORE,          /* the read that gives the checker its initial state */
  IFM_PAR_CLIENTS,              /* the clients' requests are out */
  IFM_PAR_READ_AFTER            /* the read of the state the race left */
} ifm_par_phase;

/* How a parallel step ended, handed to the case machine. */
typedef struct ifm_par_outcome {
  ifm_verdict verdict;          /* IFM_PASS: the case goes on */
  ifm_judgement j;              /* why, when verdict != IFM_PASS (ownership passes on) */
  int replay;                   /* with IFM_PASS: 1 replay the segment's setup for the next round */
  unsigned failed_round;        /* the first failing round, 1-based; 0: none */
} ifm_par_outcome;

typedef void (*ifm_par_done_cb)(ifm_case_run *cr, ifm_par_outcome *out);

typedef struct ifm_par_client {
  ifm_case_run *cr;
  int client;
} ifm_par_client;

/* A parallel step while it runs. Each round replays the case's steps since
 * the previous parallel step (seg_first ..) against a fresh resource. */
typedef struct ifm_par_state {
  ifm_par_phase phase;
  unsigned round;               /* 0-based (exchanges say round + 1: ifm_evidence_round) */
  size_t seg_first;             /* first step of the current segment */
  size_t pending;               /* client requests not finished yet */
  ifm_hold_group hold;          /* last-byte release */
  ifm_par_client *pc;           /* one per client of the running round */
  int round_failed;             /* -1: recording failed; -2: not every client could start */
  ifm_judgement first_fail;     /* the first failing round's story */
  unsigned first_fail_round;    /* its number, 1-based; 0: none yet */
  int kept_pass;                /* a passing round is kept as evidence, for contrast */
  int n_violations;
  ifm_par_done_cb done;
} ifm_par_state;

/* RFC 9110 13.2.1: when a step's status expectation fails on a request that
 * carried preconditions, the case's steps are replayed on a twin resource
 * and the failing request is sent there without its preconditions; the
 * judge weighs the two answers (ifm_judge_unconditional). */
typedef struct ifm_twin {
  int active;
  unsigned attempt;             /* 0: no preconditions; 1: If-None-Match: *; 2: If-Match: *
                                   (for a server that refuses writes without any: 428, 400) */
  size_t step;                  /* the step whose status failed */
  int observed;                 /* the status it got */
  ifm_verdict verdict;          /* the verdict that stands if the twin cannot be made */
  ifm_judgement j;
} ifm_twin;

typedef void (*ifm_case_end_cb)(ifm_case_run *cr, void *ctx);

struct ifm_case_run {
  ifm_run_env *env;
  const ifm_case *c;
  size_t result_idx;            /* in env->rep->results */
  size_t step;                  /* current step, 0-based */
  double t0;
  int finished;
  ifm_scope scope;              /* template variables */
  ifm_judge_ctx jc;             /* profile, target, scope: what the judge reads */
  ifm_evidence ev;
  ifm_par_state par;
  ifm_twin twin;
  ifm_case_end_cb on_end;       /* the run loop's: a case finished */
  void *on_end_ctx;
};

/* ifm_case_seq.c */
void ifm_case_run_init(ifm_case_run *cr, ifm_run_env *env, const ifm_case *c, size_t result_idx);
void ifm_case_run_clear(ifm_case_run *cr);
/* Starts the case (a fresh resource, then its first step); a SKIP the plan
 * decided (the result's verdict and message) ends it at once. */
void ifm_case_start(ifm_case_run *cr);
/* Ends the case with a verdict: its evidence goes into the result, then the
 * on_end callback runs. Takes ownership of the strings. */
void ifm_case_end(ifm_case_run *cr, ifm_verdict v, char *message, char *expected, char *got);
/* "step N: WHAT DETAIL". */
char *ifm_case_fmt_step(const ifm_case_run *cr, const char *what, const char *detail);

/* ifm_case_send.c: plans the request of spec in the case's scope and starts
 * it; done runs when it finishes. hold: last-byte release group (NULL:
 * none). flags: IFM_SEND_UNCONDITIONAL sends it without its precondition
 * fields (and IFM_SEND_INM_STAR / IFM_SEND_IM_STAR with one that is true). Returns 0; IFM_ERR_TRANSPORT when the executor would not take
 * it; another ifm_err (the request could not be planned) with err. */
#define IFM_SEND_UNCONDITIONAL 1u
/* With IFM_SEND_UNCONDITIONAL: then adds If-None-Match: * (or If-Match: *),
 * a precondition that holds on a missing (an existing) resource. */
#define IFM_SEND_INM_STAR 2u
#define IFM_SEND_IM_STAR 4u
/* With a hold group: the executor's own HTTP/1.1 connection releases the
 * held last byte (ifm_xfer_opts.own_socket), where it can reach the target
 * (ifm_xfer_wire_supported); libcurl's release otherwise. */
#define IFM_SEND_OWN_RELEASE 8u
ifm_err ifm_case_send(ifm_case_run *cr, const ifm_request_spec *spec, int client, ifm_hold_group *hold,
                      unsigned flags, ifm_xfer_done_cb done, void *ctx, char *err, size_t errlen);
/* Plans the (not raw) request of spec as ifm_case_send does and makes its
 * transfer into *out, without starting it (an HTTP/2 single-packet group
 * starts its members together: ifm_exec_add_h2_group). Returns 0, or an
 * ifm_err with err. */
ifm_err ifm_case_prepare(ifm_case_run *cr, const ifm_request_spec *spec, int client, ifm_hold_group *hold,
                         unsigned flags, ifm_xfer **out, char *err, size_t errlen);
/* After a create that succeeded: with the target's `path_from: location`,
 * the Location of the response becomes the case's {{path}}. Returns IFM_OK
 * (also when there is nothing to follow), or an error with err (no
 * Location, one outside base_url). */
ifm_err ifm_case_follow_location(const ifm_run_opts *o, ifm_scope *scope, const ifm_request_spec *spec,
                                 const ifm_exchange *x, char *err, size_t errlen);
/* The transfer options of the run (timeout, HTTP version, TLS) for one request. */
void ifm_case_xfer_opts(const ifm_run_opts *o, int fresh, ifm_hold_group *hold, ifm_xfer_opts *xo);

/* ifm_evidence.c */
/* Keeps the evidence copy of a finished exchange (redacted, times since the
 * run's start) for the case's current step. Returns IFM_OK or IFM_ERR_NOMEM. */
ifm_err ifm_evidence_record(ifm_case_run *cr, const ifm_exchange *live, int client, int round);
/* The round an exchange recorded now belongs to (ifm_exchange.round): 1-based
 * while a parallel step runs or replays its setup, else 0. */
int ifm_evidence_round(const ifm_case_run *cr);
/* Frees the exchanges from mark on (a passing round's). */
void ifm_evidence_drop_from(ifm_evidence *ev, size_t mark);
void ifm_evidence_clear(ifm_evidence *ev);
/* Moves the kept exchanges to the start of their allocation (x can be freed). */
void ifm_evidence_compact(ifm_evidence *ev);

/* ifm_preflight.c: plans one request (spec, in scope), sends it and waits;
 * out gets the whole exchange (status 0 and error set when no answer).
 * Returns IFM_OK, or an error with err when it could not be sent. */
ifm_err ifm_run_once(ifm_run_env *env, ifm_scope *scope, const ifm_request_spec *spec, ifm_exchange *out,
                     char *err, size_t errlen);
/* Creates and reads back one resource the target file's way. Returns 0, or
 * -1 with err saying what was sent, what came back and which key of the
 * target file to fix. */
int ifm_preflight(ifm_run_env *env, char *err, size_t errlen);

/* ifm_par.c: runs the current step, which is parallel; done is called once
 * when the step is over (every round, or a verdict). */
void ifm_par_start(ifm_case_run *cr, ifm_par_done_cb done);
void ifm_par_clear(ifm_par_state *ps);

#endif
