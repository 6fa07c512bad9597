/* ifm_fuzzprog.h: the stateful If-Match fuzzer's programs. A fuzz input
 * decodes into a small program: K clients (1-4), each with a sequence of
 * operations on one fresh resource, and a schedule (the order of the
 * operations, and which consecutive ones race together with last-byte
 * release). ifm_fp_run executes a program over real HTTP (libcurl, the
 * executor of ifm_exec.h) and judges it:
 *
 *  - operations inside the linearizability checker's model (read; write
 *    with If-Match current / stale / * / weak form of current, or none under
 *    rfc9110; delete; create with If-None-Match: *), sequential or racing,
 *    go to ifm_lin_check as one history per epoch;
 *  - operations outside it (If-Match lists, raw header bytes, a write
 *    without precondition under rfc9110-428 / cpp, the conditional forms
 *    with If-Unmodified-Since / If-None-Match) run only sequentially,
 *    each bracketed by a read before (the state it is judged against, the
 *    end of the current epoch) and a read after (the initial state of the
 *    next epoch), and are judged by a sequential model of the profile built
 *    on core's ifm_list_add_line / ifm_list_if_match.
 *
 * Input format (all bytes used modulo their range; decoding never fails):
 *   byte 0            clients K = 1 + (b & 3)
 *   then per operation (at most IFM_FP_MAX_OPS), an opcode byte c:
 *     c & 3           client (mod K)
 *     (c >> 2) & 7    kind: 0 read, 1-3 write (PUT), 4 delete,
 *                     5 create (PUT If-None-Match: *), 6 write,
 *                     7 conditional read (GET, below)
 *     (c >> 5) & 1    race: joins the previous operation's group (only when
 *                     both are in the model, the client is not in the group
 *                     yet; else it starts its own group)
 *   writes and deletes then read a precondition byte p:
 *     p % 8           0 current, 1 stale (arg p >> 3), 2 "*", 3 weak form of
 *                     current, 4 list, 5 raw, 6 none, 7 conditional write
 *                     (below); delete: list, raw and 7 become current
 *   conditional write (p % 8 = 7) then a byte x:
 *     x & 3           If-Match: 0 current, 1 stale (arg p >> 3), 2 none, 3 current
 *     (x >> 2) & 3    If-Unmodified-Since: 0 none, 1 far past (1994),
 *                     2 far future (2099), 3 none
 *     (x >> 4) & 3    If-None-Match: 0 none, 1 current, 2 stale (arg p >> 3), 3 none
 *   conditional read (kind 7) then a byte y:
 *     y & 1           If-None-Match: 0 current, 1 stale (arg y >> 3)
 *     (y >> 1) & 3    If-Match: 0 none, 1 current, 2 stale (arg y >> 3), 3 none
 *   Conditional forms never race; the sequential oracle judges them with
 *   core's ifm_precond_evaluate (RFC 9110 13.2.2 order). Before this
 *   extension kind 7 was a plain read and p % 8 = 7 If-Match current: old
 *   inputs using those decode differently (all others decode the same).
 *     list: a byte L: 1 + (L & 3) elements, (L & 4): one field line per
 *           element (else one line, joined with ", "); then one byte per
 *           element e: e % 6 = 0 current, 1 stale (arg e >> 3), 2 bogus tag
 *           "x<e>", 3 weak current, 4 current with ASCII case swapped,
 *           5 current wrapped in commas ("a,<opaque>,b": one tag)
 *     raw:  a byte n (n % 33 bytes follow, fewer if the input ends); NUL,
 *           CR and LF become '!', leading and trailing SP, HTAB, VT, FF are cut
 *   A missing byte reads as 0.
 * "current" is the last ETag the fuzzer saw (a read's, or a write's
 * response) when the operation's group starts; stale k is the k-th
 * (mod count) distinct ETag seen before it (none seen: "\"none\"").
 */
#ifndef IFM_FUZZPROG_H
#define IFM_FUZZPROG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ifm_buf.h"
#include "ifm_server.h"

#define IFM_FP_MAX_OPS 16
#define IFM_FP_MAX_ELEMS 4
#define IFM_FP_MAX_RAW 32
#define IFM_FP_MAX_CLIENTS 4

typedef enum ifm_fp_kind {
  IFM_FP_READ = 0,
  IFM_FP_WRITE,    /* PUT */
  IFM_FP_DELETE,
  IFM_FP_CREATE    /* PUT If-None-Match: * */
} ifm_fp_kind;

typedef enum ifm_fp_pre {
  IFM_FP_PRE_CURRENT = 0,
  IFM_FP_PRE_STALE,
  IFM_FP_PRE_STAR,
  IFM_FP_PRE_WEAK,
  IFM_FP_PRE_LIST,
  IFM_FP_PRE_RAW,
  IFM_FP_PRE_NONE
} ifm_fp_pre;

typedef enum ifm_fp_el {
  IFM_FP_EL_CURRENT = 0,
  IFM_FP_EL_STALE,
  IFM_FP_EL_BOGUS,
  IFM_FP_EL_WEAK,
  IFM_FP_EL_SWAPCASE,
  IFM_FP_EL_COMMA
} ifm_fp_el;

typedef struct ifm_fp_elem {
  ifm_fp_el kind;
  unsigned arg;          /* stale: which earlier tag; bogus: its number */
} ifm_fp_elem;

typedef struct ifm_fp_op {
  int client;
  ifm_fp_kind kind;
  ifm_fp_pre pre;        /* writes and deletes; IFM_FP_PRE_NONE for reads, creates */
  unsigned arg;          /* stale: which earlier tag */
  int group;             /* ops with the same group race (last-byte release) */
  int lines;             /* list: one field line per element */
  size_t n_elems;
  ifm_fp_elem elems[IFM_FP_MAX_ELEMS];
  size_t raw_len;
  char raw[IFM_FP_MAX_RAW + 1];
  int in_model;          /* judged by the linearizability checker */
  int cond;              /* the conditional form (kind 7 read, write p % 8 = 7):
                          * pre is If-Match current / stale / none, plus: */
  int ius;               /* If-Unmodified-Since: 0 none, 1 far past, 2 far future */
  int inm;               /* If-None-Match: 0 none, 1 current, 2 stale (arg) */
} ifm_fp_op;

typedef struct ifm_fp_prog {
  int clients;
  size_t n_ops;
  ifm_fp_op ops[IFM_FP_MAX_OPS];
  int n_groups;
} ifm_fp_prog;

/* Decodes data (never fails; an empty input is a program with no ops).
 * none_in_model: a write without precondition is in the checker's model
 * (profile rfc9110); otherwise the profile refuses it (428 / 400) and it is
 * judged sequentially. */
void ifm_fp_decode(const uint8_t *data, size_t size, int none_in_model, ifm_fp_prog *p);

/* The program as text, one operation a line (appended to out). */
void ifm_fp_format(const ifm_fp_prog *p, ifm_buf *out);

/* ---- execution ---------------------------------------------------------- */

typedef struct ifm_fp_ctx ifm_fp_ctx;

/* One exchange as executed (for reports and to-case). */
typedef struct ifm_fp_rec {
  int op;                /* index into the program; -1: a read the fuzzer added */
  int client;            /* -1 for added reads */
  int group;
  int racing;            /* 1: part of a group of more than one */
  const char *method;
  char if_match[4][96];  /* field lines sent (n_im of them) */
  size_t im_len[4];
  size_t n_im;
  int inm_star;
  char inm[96];          /* If-None-Match value sent ("" none; "*" is inm_star) */
  char ius[40];          /* If-Unmodified-Since value sent ("" none) */
  char body[48];         /* request body (PUT) */
  int status;            /* 0: no response */
  char etag[96];         /* response ETag ("" none) */
  int has_etag;
  uint64_t resp_hash;
  char resp_body[48];    /* excerpt */
  double t0, t1;
  char expect[32];       /* sequential oracle's expectation ("" = the checker's) */
} ifm_fp_rec;

#define IFM_FP_MAX_RECS 64

typedef struct ifm_fp_verdict {
  int violated;
  const char *requirement;   /* e.g. "IM-RACE-ONE-WINNER"; "A/B" when the
                             * operations fit several (a best guess) */
  char req_buf[80];
  ifm_buf why;               /* the violation, explained */
  ifm_buf log;               /* the program, the requests and responses */
  ifm_fp_rec recs[IFM_FP_MAX_RECS];
  size_t n_recs;
  char path[128];
} ifm_fp_verdict;

/* A context: the target (IFM_FUZZ_URL, or an in-process reference server
 * started here with IFM_FUZZ_PROFILE / IFM_FUZZ_FLAWS) and one executor.
 * Returns NULL with a message in err. */
ifm_fp_ctx *ifm_fp_ctx_from_env(char *err, size_t errlen);
/* base_url NULL: start an in-process server with profile and flaws. */
ifm_fp_ctx *ifm_fp_ctx_new(const char *base_url, ifm_server_profile profile, unsigned flaws,
                           char *err, size_t errlen);
void ifm_fp_ctx_free(ifm_fp_ctx *c);
ifm_server_profile ifm_fp_ctx_profile(const ifm_fp_ctx *c);
const char *ifm_fp_ctx_describe(const ifm_fp_ctx *c);   /* "reference server rfc9110 flaws race" */

/* Runs p; fills v (call ifm_fp_verdict_clear after). Returns 0, or -1 when
 * the run could not be made (out of memory). verbose: log every exchange. */
int ifm_fp_run(ifm_fp_ctx *c, const ifm_fp_prog *p, int verbose, ifm_fp_verdict *v);
void ifm_fp_verdict_init(ifm_fp_verdict *v);
void ifm_fp_verdict_clear(ifm_fp_verdict *v);

/* Writes a YAML case (cases/README.md) reproducing the run v of p: the
 * sequential exchanges as steps with the oracles' expectations (the
 * checker's model simulated in order; the sequential model's status), each
 * racing group as a parallel step with linearizable: true. name: the case
 * id's suffix; profile: the profile the case runs under. Returns 0 or 2. */
int ifm_fp_write_case(const ifm_fp_prog *p, const ifm_fp_verdict *v, const char *name,
                      const char *profile, FILE *out);

#endif
