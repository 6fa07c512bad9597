/* ifm_precond.h: evaluation of conditional requests in RFC 9110 section 13.2.2
 * order, given the headers already parsed and the state of the target resource.
 *
 * The caller applies section 13.2.1 first: preconditions are ignored when the
 * unconditional response would be neither 2xx nor 412 (a 404 for GET, HEAD
 * or DELETE on a missing resource, a 405, a 401, ...). ifm_precond_applies()
 * encodes that rule for the usual cases so the server and the runner's oracle
 * agree on it.
 */
#ifndef IFM_PRECOND_H
#define IFM_PRECOND_H

#include <time.h>
#include "ifm_etag.h"

typedef enum ifm_precond_result {
  IFM_PRECOND_PROCEED = 0,   /* perform the method */
  IFM_PRECOND_FAILED = 412,  /* 412 Precondition Failed, method not performed */
  IFM_PRECOND_NOT_MODIFIED = 304
} ifm_precond_result;

/* The conditional parts of a request. A NULL list means the field was absent.
 * Dates are seconds since the epoch; a field that was absent or not a valid
 * HTTP-date is marked absent (section 13.1.3 and 13.1.4: invalid dates are
 * ignored). */
typedef struct ifm_precond_req {
  int is_get_or_head;
  const ifm_list *if_match;
  const ifm_list *if_none_match;
  int has_if_unmodified_since;
  time_t if_unmodified_since;
  int has_if_modified_since;
  time_t if_modified_since;
} ifm_precond_req;

/* The selected representation as the server sees it. */
typedef struct ifm_precond_rep {
  int exists;                /* a current representation exists */
  const ifm_etag *etag;      /* NULL when the representation has no entity-tag */
  int has_last_modified;
  time_t last_modified;
} ifm_precond_rep;

/* Steps 1-4 of section 13.2.2 (Range / If-Range are not evaluated here). */
ifm_precond_result ifm_precond_evaluate(const ifm_precond_req *req, const ifm_precond_rep *rep);

/* Section 13.2.1: whether preconditions are evaluated at all, given the status
 * the request would get without them (0 or any 2xx: yes; anything else: no). */
int ifm_precond_applies(int unconditional_status);

/* HTTP-date (section 5.6.7): IMF-fixdate, and the obsolete RFC 850 and asctime
 * forms a recipient must accept. Returns 0 and sets *out, or -1. */
int ifm_http_date_parse(const char *s, size_t len, time_t *out);
/* The same with an explicit clock: `now` decides the century of an RFC 850
 * two-digit year (a date more than 50 years after now is taken from the
 * previous century). ifm_http_date_parse() passes time(NULL). */
int ifm_http_date_parse_at(const char *s, size_t len, time_t now, time_t *out);
/* Formats IMF-fixdate into buf (at least 30 bytes). Returns buf. */
char *ifm_http_date_format(time_t t, char *buf, size_t cap);

#endif
