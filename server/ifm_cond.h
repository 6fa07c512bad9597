/* ifm_cond.h: the conditional fields of one request, parsed and evaluated the
 * reference server's way: the core library's RFC 9110 rules (ifm_etag.h,
 * ifm_precond.h), then the profile's reading of "*" and, when seeded, the
 * flaws that bend exactly one of those rules. Also the Range / If-Range step
 * (RFC 9110 sections 13.2.2 step 5 and 14.2), which comes after them.
 */
#ifndef IFM_COND_H
#define IFM_COND_H

#include <time.h>

#include "ifm_etag.h"
#include "ifm_handler.h"
#include "ifm_precond.h"

/* Owned by the request; ifm_cond_clear() releases what parse and eval
 * allocated. */
typedef struct ifm_cond {
  ifm_list im, inm;          /* If-Match, If-None-Match as parsed */
  int has_im, has_inm;       /* at least one field line was present */
  int has_ius, has_ims;      /* valid HTTP-dates only (section 13.1.3/13.1.4) */
  time_t ius, ims;
  ifm_etag *work;            /* flaws: a rewritten copy of the If-Match tags */
  char *scratch;             /* flaws: lower-cased opaque bytes */
} ifm_cond;

/* What eval needs to know about the target and the server. */
typedef struct ifm_cond_state {
  ifm_srv_method method;
  ifm_server_profile profile;
  unsigned flaws;
  int exists;                /* a current representation exists */
  const char *etag;          /* its opaque-tag, NUL-terminated; NULL: none */
  int etag_weak;             /* the server issues it as W/ (weak-etags shape) */
  int has_last_modified;
  time_t last_modified;
} ifm_cond_state;

/* Parses If-Match and If-None-Match (all field lines, in order, unless the
 * line-first flaw is seeded) and the two dates. Returns 0, or -1 when a
 * value is malformed: *field names the field and *err says where and why. */
int ifm_cond_parse(ifm_cond *c, const ifm_srv_req *rq, unsigned flaws,
                   const char **field, ifm_perr *err);

void ifm_cond_clear(ifm_cond *c);

/* Steps 1-4 of section 13.2.2 for the state s: PROCEED, FAILED (412) or
 * NOT_MODIFIED (304, GET/HEAD only). */
ifm_precond_result ifm_cond_eval(ifm_cond *c, const ifm_cond_state *s);

/* Step 5 for a GET that passed its preconditions: the single byte range the
 * server serves (section 14.1.2), honoured only when If-Range (if any)
 * matches (section 13.1.5). Returns 200 (no range, or one the server ignores:
 * invalid, several ranges, an If-Range that does not match), 206 with *off
 * and *len set, or 416 (unsatisfiable). */
int ifm_cond_range(const ifm_srv_req *rq, const ifm_cond_state *s, size_t total,
                   size_t *off, size_t *len);

#endif
