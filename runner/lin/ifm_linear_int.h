/* ifm_linear_int.h: what the three parts of the linearizability checker
 * share. ifm_linear_model.c prepares a partition (interned tags and bodies,
 * classified responses) and steps the sequential model; ifm_linear_search.c
 * runs the Wing & Gong / Lowe search over any subset of a partition from any
 * initial state; ifm_linear.c is the public entry, the explanations and the
 * IM-ETAG-FUNCTIONAL check. Not for use outside the checker.
 */
#ifndef IFM_LINEAR_INT_H
#define IFM_LINEAR_INT_H

#include <stddef.h>
#include <stdint.h>
#include "ifm_linear.h"

/* Response classes. */
enum { LIN_R_OK = 0, LIN_R_FAIL, LIN_R_404, LIN_R_PENDING, LIN_R_BAD };

enum { LIN_TAG_NONE = 0, LIN_TAG_KNOWN, LIN_TAG_FRESH };
/* UNKNOWN: a PATCH result, binds once to a hash nobody wrote. WILD: the
 * initial body of an explanation search, binds to anything. */
enum { LIN_BODY_NONE = 0, LIN_BODY_KNOWN, LIN_BODY_UNKNOWN, LIN_BODY_WILD };

/* Canonical: fields that do not apply are zero (so states compare with ==). */
typedef struct ifm_lin_state {
  uint8_t exists, tag_kind, body_kind, pad_;
  int32_t tag, body;          /* ids when KNOWN */
} ifm_lin_state;

/* One op of a partition, prepared. */
typedef struct ifm_lin_pop {
  size_t orig;                /* index into the caller's ops[] */
  uint8_t kind, pre, cls;
  int32_t pre_tag;            /* IFM_LIN_PRE_MATCH: tag id, else -1 */
  int32_t etag;               /* response ETag id (completed ops), else -1 */
  int32_t body;               /* PUT: sent body id; GET 2xx: received body id; else -1 */
  double inv, comp;           /* comp = HUGE_VAL when pending */
} ifm_lin_pop;

typedef struct ifm_lin_part {
  const ifm_lin_op *ops;      /* the caller's array */
  ifm_lin_pop *p;             /* this partition's ops, sorted by inv */
  size_t n;
  const char **tag_p;         /* interned tags: bytes (caller's) and lengths */
  size_t *tag_len;
  size_t n_tags, cap_tags;
  uint64_t *body_v;           /* interned body hashes */
  size_t n_bodies, cap_bodies;
  int32_t *tag_ht, *body_ht;  /* open addressing, -1 empty */
  /* The one body each tag names (ifm_linear.h, "Re-tags"): the body of every
   * sighting (initial state, PUT 2xx response, GET 2xx) of the tag, or -1
   * when it came with two bodies, only from a PATCH, or never with a body. */
  int32_t *tag_body;
  size_t tag_ht_cap, body_ht_cap;
  const ifm_lin_init *cinit;  /* the caller's initial state */
  ifm_lin_state init;
  int star_creates, allow_409, put_404;
} ifm_lin_part;

/* What a model step may consult: the partition (tag_body decides which tags
 * a GET may see) and, for binding a PATCH's body, which bodies are fixed
 * (never bindable) and how many linearized GETs have observed each (the set
 * of bound values is a function of the linearized set, so it need not be
 * part of the memoised state). tag_fixed: the tags the initial state or a
 * write's response has (for ifm_lin_dead and the static explanations). */
typedef struct ifm_lin_ctx {
  const ifm_lin_part *pt;
  uint8_t *tag_fixed, *body_fixed;
  uint32_t *body_seen;
  /* Producers not yet linearized, for ifm_lin_dead: writes answered with
   * each tag, PUTs of each body, DELETEs and writes that took effect. */
  uint32_t *tag_prod, *body_prod;
  size_t deletes, creates;
} ifm_lin_ctx;

/* Model (ifm_linear_model.c). */
int ifm_lin_part_build(ifm_lin_part *pt, const ifm_lin_init *init,
                       const ifm_lin_op *ops, const size_t *sel, size_t n_sel,
                       const ifm_lin_opts *o);
void ifm_lin_part_clear(ifm_lin_part *pt);
int ifm_lin_ctx_init(ifm_lin_ctx *c, const ifm_lin_part *pt);
void ifm_lin_ctx_clear(ifm_lin_ctx *c);
/* Fixed flags and counters for a run over ops[0..m) from init. */
void ifm_lin_ctx_fix(ifm_lin_ctx *c, const ifm_lin_pop *ops, size_t m, const ifm_lin_state *init);
/* 0 illegal; 1 legal and leaves every state unchanged (an observer);
 * 2 legal and may change the state (*out is the new state). */
int ifm_lin_step(const ifm_lin_ctx *c, const ifm_lin_pop *o, const ifm_lin_state *s,
                 ifm_lin_state *out);
/* Bookkeeping when o is linearized (+1) or taken back (-1). */
void ifm_lin_account(ifm_lin_ctx *c, const ifm_lin_pop *o, int delta);
/* 1 when answered op o, illegal in s, can be legal in no state that the
 * unlinearized ops can still produce (so this configuration is a dead end). */
int ifm_lin_dead(const ifm_lin_ctx *c, const ifm_lin_pop *o, const ifm_lin_state *s);
/* Finds the first op of p[idx[0..m)] that is illegal in every state the run
 * could reach (*at: its partition index, *why: the reason). 1 found, 0 none,
 * -1 ENOMEM. */
int ifm_lin_impossible(const ifm_lin_ctx *c, const size_t *idx, size_t m,
                       const ifm_lin_state *init, size_t *at, const char **why);

/* A value observed after it was surely gone: answered op found[0] saw (GET)
 * or matched (If-Match, 2xx) a tag (body when *is_body) that only found[1]
 * (SIZE_MAX: the initial state) produced, and either found[0] completed
 * before found[1] was invoked (found[2] = SIZE_MAX) or found[2], a
 * successful write or DELETE invoked after found[1] completed, completed
 * before found[0] was invoked. 1 found, 0 none, -1 ENOMEM. O(n log n). */
int ifm_lin_overwritten(const ifm_lin_part *pt, size_t found[3], int *is_body);

/* Search (ifm_linear_search.c). */
typedef struct ifm_lin_limits {
  size_t max_states;
  double deadline;            /* ifm_lin_now_ms() value; 0: none */
  /* A window: answered ops invoked before `from` or completed after `to`
   * are searched as if unanswered (-HUGE_VAL, HUGE_VAL: the whole history). */
  double from, to;
} ifm_lin_limits;

typedef struct ifm_lin_found {
  int verdict;                /* 1, 0, -1 (limits), -2 (out of memory) */
  size_t *order;              /* verdict 1: partition indices in order (malloc'd) */
  size_t n_order;
  size_t states;
  double t_lo, t_hi;          /* verdict 0: the time window where the deepest attempt got stuck */
} ifm_lin_found;

int ifm_lin_search(const ifm_lin_part *pt, const size_t *idx, size_t m,
                   const ifm_lin_state *init, const ifm_lin_limits *lim,
                   int want_order, ifm_lin_found *f);
double ifm_lin_now_ms(void);

#endif
