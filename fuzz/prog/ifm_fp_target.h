/* ifm_fp_target.h: what the stateful fuzzer runs against (inside fuzz/prog;
 * the public half is in ifm_fp_run.h). A target is
 *  - a server: the one at IFM_FUZZ_URL, or the in-process reference server,
 *    started here with a profile, shapes (`ifmatch serve --shape`) and
 *    seeded flaws; this is the only file that knows the reference server;
 *  - a way to talk to it: with a target file (IFM_FUZZ_TARGET, loaded with
 *    the runner's loader) every request is the target's operation, built
 *    by the planner (ifm_plan_request: path template, the target's and the
 *    mapping's headers, body wrapper) with the program's precondition
 *    fields added; a target that creates by POST (`path_from: location`)
 *    gets each program's resource made that way first. Without one, the
 *    requests are the language's own (ifm_fp_req.h) on /fuzz/...;
 *  - a profile: IFM_FUZZ_PROFILE, else the target file's, loaded from its
 *    file, with the target's profile_overrides applied;
 *  - the server's answers without preconditions (ifm_fp_uncond, RFC 9110
 *    13.2.1), learned once on twin resources before the first program.
 */
#ifndef IFM_FP_TARGET_H
#define IFM_FP_TARGET_H

#include "ifm_exchange.h"
#include "ifm_fp_oracle.h"
#include "ifm_fp_req.h"
#include "ifm_fp_run.h"
#include "ifm_model.h"
#include "ifm_scope.h"

struct ifm_exec;
struct ifm_server;

struct ifm_fp_target {
  struct ifm_exec *exec;
  struct ifm_server *srv;     /* NULL when fuzzing a URL */
  ifm_profile profile;        /* with the target's overrides applied */
  ifm_target target;          /* the loaded target file */
  int has_target;
  ifm_case fcase;             /* {{case}} and the case header: "fuzz-interleave" */
  char run_id[16];            /* {{run}} */
  unsigned long uniq;
  ifm_scope scope;            /* {{path}}, {{collection}}: new for every program */
  char base[512];
  unsigned long long counter; /* programs run: each gets its own path */
  ifm_fp_uncond uncond;       /* RFC 9110 13.2.1 */
  int probed;
  char desc[640];
};

/* Where a program's resource is: a fresh path (and collection) in t->scope
 * (target mode) or path (without a target: /p<pid>-<id>). Fills url. */
int ifm_fp_target_new_path(ifm_fp_target *t, unsigned long long id, char *path, size_t path_len, char *url,
                           size_t url_len);

/* The request of op (-1 op: a plain read) for the tags known now, on url
 * (the target's {{path}} in target mode), into out (cleared first); body
 * NULL: none. Returns 0 or -1 (out of memory, a template that cannot be
 * expanded). */
int ifm_fp_target_request(ifm_fp_target *t, const ifm_fp_tags *tags, const ifm_fp_op *op, int client,
                          const char *url, const char *body, ifm_exchange *out);

/* After the exchange came back: in target mode the body hashes the oracle
 * compares are the program's own body (not the wrapper) and the part of a
 * read's body the target's `extract` picks. */
void ifm_fp_target_fix_hashes(const ifm_fp_target *t, ifm_exchange *x, const char *body);

/* Whether programs start by creating their resource through the target's
 * create (POST to the collection, path_from: location): the request into
 * out. Returns 1 (out filled), 0 (not such a target), -1 error. */
int ifm_fp_target_create_request(ifm_fp_target *t, const char *body, ifm_exchange *out);
/* The created resource's Location becomes {{path}}; url gets the new URL. */
int ifm_fp_target_created(ifm_fp_target *t, const ifm_exchange *x, char *path, size_t path_len, char *url,
                          size_t url_len);

/* Sends x (its request half) and waits; x holds the exchange after. */
int ifm_fp_target_send(ifm_fp_target *t, ifm_exchange *x);

/* Learns t->uncond once (a few unjudged requests on twin resources). */
void ifm_fp_target_probe(ifm_fp_target *t);

/* The per-request options (timeout, HTTP version, TLS) as the target says. */
struct ifm_xfer_opts;
void ifm_fp_target_xfer_opts(const ifm_fp_target *t, struct ifm_xfer_opts *xo);

#endif
