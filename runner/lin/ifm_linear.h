/* ifm_linear.h: the linearizability checker for concurrent If-Match steps.
 *
 * Many clients race conditional requests against one server; the executor
 * records one ifm_lin_op per HTTP request (when it was sent, when its answer
 * arrived, what it asked and what it got). ifm_lin_check decides whether
 * some total order of those operations, consistent with real time (an
 * operation that completed before another was invoked comes first), is a
 * legal sequential run of the model of one HTTP resource below. This is the
 * oracle of IM-RACE-ONE-WINNER, IM-RACE-STAR-LWW, IM-RACE-READERS and
 * IM-RACE-CREATE (REQUIREMENTS 34-37); it also checks IM-ETAG-FUNCTIONAL.
 *
 * The search is the one of Wing & Gong (1993) with the memoisation of Lowe
 * (2017): a configuration (set of linearized operations, model state) is
 * explored at most once. See ifm_linear_search.c for the details and the
 * reductions that keep it fast.
 *
 * The model (one resource). State: exists, ETag, body (a 64-bit hash of the
 * bytes). Entity-tags compare as bytes (strong comparison, quotes included).
 *   GET     200 + ETag E + body B  iff exists, B is the body, and E is the
 *                                  current tag or names B (a re-tag, below;
 *                                  the state's tag becomes E); no ETag: B only
 *           404                    iff missing
 *   PUT     2xx iff the precondition can hold -> exists, body = the one sent,
 *           tag = the response ETag; 412 (and 409 when allow_409) iff it
 *           can fail, nothing changes
 *   PATCH   as PUT, but the new body is unknown; also 404 iff missing
 *   DELETE  2xx iff exists and the precondition can hold -> missing;
 *           404 iff missing (preconditions ignored, RFC 9110 13.2.1);
 *           412 (409) iff the precondition can fail, also when missing
 * Preconditions: none (true), If-Match t (exists and the tag is t, or t names
 * the body, below; it can fail unless the tag is t), If-Match * (exists;
 * always true with star_creates, the cpp profile), If-None-Match * (missing).
 * Anything else (5xx, a PUT answered 404, ...) is never legal.
 *
 * A DELETE answered 412 on a missing resource. 13.2.1 says the server MUST
 * ignore the preconditions when the answer without them would be 404, so the
 * answer there is 404; but that is IM-ABSENT-OTHER, which its own sequential
 * cases judge. A race judges atomicity, and this 412 changes nothing in any
 * order, so the model takes a 412 for a DELETE whose precondition is false
 * as it does for PUT and PATCH, whether or not the resource exists (Azurite,
 * IM-RACE-CREATE-star-vs-delete: one DELETE If-Match: * 202, the others 412
 * after it). A DELETE 412 while the resource exists and "*" or the tag holds
 * is still illegal.
 *
 * Re-tags (RFC 9110 8.8.1: "a strong validator might change for reasons other
 * than a change to the representation data"). A tag names body B when every
 * sighting of it (the initial state, a PUT's 2xx response, a GET's 200) came
 * with B and no PATCH answered it (tag_body, computed once per resource). The
 * server may show any tag that names the body it holds: a GET that sees such
 * a tag is legal and leaves the state with that tag (rclone serves the old
 * body under tags of the bytes written so far, then the new body under the
 * PUT's tag). A tag that came with two bodies names none: it is seen only
 * where it is the state's own tag, and IM-ETAG-FUNCTIONAL reports it anyway.
 * If-Match t can succeed when t is the state's tag or names its body: the
 * old tag still names exactly the data held, whether the server's tag had
 * gone back to it cannot be refuted from outside, and no update is lost; an
 * If-Match whose tag names other data (a stale version) still cannot. It can
 * fail only when t is not the state's tag: a re-tag nobody saw does not
 * excuse a 412 for the current tag (the sequential cases fail that too).
 * What a re-tag never does: make a body appear (a torn read is still legal
 * in no state), give a tag a second body, or bring back data that was
 * overwritten (a stale read, however it is tagged).
 *
 * Unknowns. A write whose response carried no ETag leaves a "fresh" tag: no
 * If-Match equals it (a client can only send a tag it observed, and the only
 * way to observe it is a GET, which re-tags the state to what it saw), though
 * a tag that names the body matches as above. A
 * PATCH leaves an unknown body that the first GET binds to the value observed,
 * a hash no PUT sent and no earlier PATCH got.
 * An operation with no response (status 0 or complete_ms < 0: timed out,
 * connection lost) may take effect at any time after its invocation, as a
 * success with an unknown ETag, or never; its completion time is infinite.
 *
 * Ownership: the checker copies nothing it keeps; ops[] and the strings they
 * point to must stay valid during the call only. Results are owned by the
 * ifm_lin_result and freed by ifm_lin_result_clear.
 */
#ifndef IFM_LINEAR_H
#define IFM_LINEAR_H

#include <stddef.h>
#include <stdint.h>

typedef enum ifm_lin_kind {
  IFM_LIN_READ = 0,   /* GET */
  IFM_LIN_WRITE,      /* PUT */
  IFM_LIN_PATCH,      /* PATCH (append: the new body is unknown) */
  IFM_LIN_DELETE      /* DELETE */
} ifm_lin_kind;

typedef enum ifm_lin_pre {
  IFM_LIN_PRE_NONE = 0,        /* no precondition */
  IFM_LIN_PRE_MATCH,           /* If-Match: one entity-tag (tag, tag_len) */
  IFM_LIN_PRE_STAR,            /* If-Match: * */
  IFM_LIN_PRE_NONE_MATCH_STAR, /* If-None-Match: * */
  IFM_LIN_PRE_FALSE            /* If-Match: one weak entity-tag (tag, tag_len): never true, as
                                  If-Match compares strongly (RFC 9110 13.1.1) */
} ifm_lin_pre;

typedef struct ifm_lin_op {
  int resource;               /* partition, for ifm_lin_check_resources */
  int client;                 /* for messages only */
  ifm_lin_kind kind;
  ifm_lin_pre pre;
  const char *tag;            /* IFM_LIN_PRE_MATCH, _FALSE: the entity-tag sent, e.g. "\"e1\"" */
  size_t tag_len;
  uint64_t body;              /* PUT: hash of the body sent (PATCH: of the patch, messages only) */
  int status;                 /* 0: no response */
  const char *etag;           /* response ETag field value; NULL: none */
  size_t etag_len;
  uint64_t resp_body;         /* GET 2xx: hash of the body received */
  double invoke_ms;           /* request started (first byte may be held back) */
  double complete_ms;         /* response complete; < 0: no response */
} ifm_lin_op;

typedef struct ifm_lin_init {
  int exists;
  const char *etag;           /* NULL: the resource exists with a tag nobody knows */
  size_t etag_len;
  uint64_t body;
} ifm_lin_init;

typedef struct ifm_lin_opts {
  int star_creates;           /* If-Match: * is true on a missing resource (cpp profile) */
  int allow_409;              /* 409 is an acceptable failed-precondition answer */
  int put_404;                /* a PUT to a missing resource may answer 404 and change nothing: the
                                 server creates only by POST (RFC 9110 13.2.1: preconditions are
                                 then ignored) */
  size_t max_states;          /* memoised configurations per resource; 0: 1<<22 */
  double max_ms;              /* search time limit for the whole check; 0: 10000; < 0: none */
  double explain_ms;          /* extra time to shrink the explanation; 0: 500; < 0: don't shrink */
} ifm_lin_opts;

typedef struct ifm_lin_result {
  int linearizable;           /* 1 yes, 0 no, -1 gave up (limits) or out of memory */
  char *explanation;          /* why not (0): a few ops that are contradictory by
                               * themselves, one a line; or why it gave up (-1);
                               * NULL when 1 */
  size_t *witness;            /* when 1: a linearization, indices into ops[]; operations
                               * without a response appear only when they must have
                               * taken effect; with several resources, resource by resource */
  size_t n_witness;
  size_t *culprits;           /* when 0: the operations the explanation names */
  size_t n_culprits;
  int resource;               /* the resource the verdict is about when not 1, else -1 */
  int etag_functional;        /* IM-ETAG-FUNCTIONAL: 1 holds, 0 some ETag came with two bodies */
  char *etag_explanation;     /* when 0: the two sightings */
  size_t etag_ops[2];         /* when 0: the two ops; SIZE_MAX stands for the initial state */
  size_t states;              /* configurations memoised (all resources, not counting explanation) */
  double ms;                  /* wall time of the whole check, explanation included */
} ifm_lin_result;

/* Checks a history of one resource. Returns 0, or -1 on bad arguments / out
 * of memory (then out->linearizable is -1 too). opts may be NULL. */
int ifm_lin_check(const ifm_lin_init *init, const ifm_lin_op *ops, size_t n,
                  const ifm_lin_opts *opts, ifm_lin_result *out);

/* Checks a history over n_res resources: ops[i].resource in [0, n_res)
 * selects its partition and inits[resource] its initial state. A history is
 * linearizable iff each partition is (Herlihy & Wing's locality). */
int ifm_lin_check_resources(const ifm_lin_init *inits, size_t n_res,
                            const ifm_lin_op *ops, size_t n,
                            const ifm_lin_opts *opts, ifm_lin_result *out);

/* Frees what the result owns and zeroes it. */
void ifm_lin_result_clear(ifm_lin_result *r);

/* One line describing an op, as the explanations do ("client 2 PUT If-Match
 * \"e1\" body 0x... -> 204 ETag \"e2\" [1.000, 3.500] ms"); malloc'd. */
char *ifm_lin_describe(const ifm_lin_op *op);

#endif
