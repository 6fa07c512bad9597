/* ifm_plan.h: the plan stage. Which cases of the suite run against this
 * target and profile, which are SKIP before anything is sent and why, and
 * (ifm_plan_request) every step's request with its templates expanded,
 * or (ifm_plan_raw) a raw step's bytes.
 *
 * Pure: no I/O. The run stage executes the plan; the judge never sees it.
 */
#ifndef IFM_PLAN_H
#define IFM_PLAN_H

#include <stddef.h>
#include "ifm_err.h"
#include "ifm_exchange.h"
#include "ifm_model.h"
#include "ifm_scope.h"

/* One selected case: SKIP already decided when skip_reason is set. */
typedef struct ifm_planned {
  const ifm_case *c;
  char *skip_reason;            /* owned; NULL: the case runs */
} ifm_planned;

/* The plan of a run. Owner: the caller; ifm_plan_clear releases what it holds. */
typedef struct ifm_plan {
  ifm_planned *cases;           /* in suite order */
  size_t n_cases;
} ifm_plan;

/* Whether the filter (a shell glob, or several separated by commas) selects
 * the case by id or by requirement. NULL or "" selects everything. */
int ifm_plan_selects(const ifm_case *c, const char *filter);

/* Why the case cannot run against this target and profile (a missing
 * capability, another profile, a `when:` not met, a method the profile does
 * not certify), as a malloc'd sentence; NULL when it can run. */
char *ifm_plan_skip_reason(const ifm_case *c, const ifm_target *t, const ifm_profile *p);

/* Selects and decides. Returns IFM_OK, or IFM_ERR_NOMEM (out is empty). */
ifm_err ifm_plan_build(const ifm_suite *suite, const ifm_target *t, const ifm_profile *p,
                   const char *filter, ifm_plan *out);
void ifm_plan_clear(ifm_plan *plan);

/* The method a step will use (the spec's, else the target's mapping); NULL
 * for a parallel step or an unmapped operation. */
const char *ifm_plan_method(const ifm_step *st, const ifm_target *t);

/* The request of one operation, as the request half of an exchange: method,
 * URL (base_url joined with the path), header lines in the order they go out
 * (the case header, the target's headers, the mapping's, the step's) and the
 * body (req_body != NULL when the request has one; a target's body wrapper
 * applied). client is {{client}} (-1: none). Returns IFM_OK; IFM_ERR_INPUT
 * with err (a variable with no value, a header that cannot be sent),
 * IFM_ERR_UNDECIDED with err (a variable whose capture found the server's
 * response without that field: see ifm_scope_expand) or IFM_ERR_NOMEM; out
 * is then cleared. */
ifm_err ifm_plan_request(ifm_scope *s, const ifm_request_spec *spec, const char *base_url, int client,
                     ifm_exchange *out, char *err, size_t errlen);

/* The bytes of a `raw:` step (spec->raw, in the notation of ifm_raw.h):
 * templates expanded in the case's scope ({{authority}}: host[:port] of
 * base_url; {{base_path}}: its path without the last slash), escapes
 * decoded, {{content_length}} filled; bytes gets exactly what goes on the
 * wire (it is reset first). Nothing is added that the text does not ask
 * for: {{headers}} is where the target's own fields go (the case header,
 * the target's headers, the update operation's headers, Basic credentials
 * from base_url's userinfo), each "Name: value" CRLF, leaving out the
 * precondition fields and every name the text writes itself. out gets the request half of an exchange read back from those
 * bytes for the judge and the reports, best effort: method and URL from the
 * request line (base_url's origin + its request-target; method "RAW" and
 * url base_url when the line does not parse), req_headers the field lines
 * up to the first empty line, split at the first colon, the value trimmed
 * of OWS and otherwise as sent (a NUL or CR inside stays; an obs-fold
 * continuation line is appended to the value before it, leading whitespace
 * included), req_body what follows the first CRLFCRLF or LFLF (NULL when
 * nothing does). client is -1. Returns IFM_OK; IFM_ERR_INPUT with err (a
 * variable with no value, a bad escape, a {{content_length}} with no blank
 * line before the body), IFM_ERR_UNDECIDED with err (a variable whose
 * capture found the server's response without that field) or
 * IFM_ERR_NOMEM; out is then cleared and bytes empty. */
ifm_err ifm_plan_raw(ifm_scope *s, const ifm_request_spec *spec, const char *base_url, ifm_exchange *out,
                     ifm_buf *bytes, char *err, size_t errlen);

/* The precondition fields of RFC 9110 13.1: If-Match, If-None-Match,
 * If-Modified-Since, If-Unmodified-Since, If-Range. is: 1 when name is one
 * (any case); has: 1 when the request
 * carries one; strip: removes every one (the same request, unconditional,
 * as RFC 9110 13.2.1 speaks of it). */
int ifm_plan_is_precondition(const char *name);
int ifm_plan_has_preconditions(const ifm_exchange *req);
void ifm_plan_strip_preconditions(ifm_exchange *req);

#endif
