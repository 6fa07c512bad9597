/* ifm_redact_report.c: every string of the results model redacted in place
 * (see ifm_redact.h). Evidence is redacted when it is kept, and the run
 * redacts a result when its case ends; this pass is the one every report
 * goes through, whoever filled it: a message built from a server's answer
 * (expected, got), a URL with a password, a preflight error. Since
 * "<redacted>" is never searched, what was redacted before stays as it is. */
#include <stdlib.h>
#include <string.h>
#include "ifm_buf.h"
#include "ifm_redact.h"

/* *p[0..*len) redacted; on ENOMEM replaced by "<redacted>". */
static ifm_err redact_mem(char **p, size_t *len, char *const *secrets, size_t n) {
  size_t l = len ? *len : *p ? strlen(*p) : 0, out_len = 0;
  char *r;
  if (!*p) return IFM_OK;
  r = ifm_redact(*p, l, secrets, n, &out_len);
  free(*p);
  *p = r;
  if (!r) {                       /* nothing unredacted is left behind */
    *p = ifm_strdup(IFM_REDACTED);
    out_len = *p ? strlen(*p) : 0;
  }
  if (len) *len = out_len;
  return r ? IFM_OK : IFM_ERR_NOMEM;
}

static ifm_err redact_str(char **p, char *const *secrets, size_t n) { return redact_mem(p, NULL, secrets, n); }

static ifm_err redact_fields(ifm_field *f, size_t nf, char *const *secrets, size_t n) {
  ifm_err rc = IFM_OK;
  size_t i;
  for (i = 0; i < nf; i++) {
    if (redact_str(&f[i].name, secrets, n) != IFM_OK) rc = IFM_ERR_NOMEM;
    if (redact_mem(&f[i].value, &f[i].value_len, secrets, n) != IFM_OK) rc = IFM_ERR_NOMEM;
  }
  return rc;
}

static ifm_err redact_exchange(ifm_exchange *x, char *const *secrets, size_t n) {
  ifm_err rc = IFM_OK;
  if (redact_str(&x->method, secrets, n) != IFM_OK) rc = IFM_ERR_NOMEM;
  if (redact_str(&x->url, secrets, n) != IFM_OK) rc = IFM_ERR_NOMEM;
  if (redact_str(&x->error, secrets, n) != IFM_OK) rc = IFM_ERR_NOMEM;
  if (redact_fields(x->req_headers, x->n_req_headers, secrets, n) != IFM_OK) rc = IFM_ERR_NOMEM;
  if (redact_fields(x->resp_headers, x->n_resp_headers, secrets, n) != IFM_OK) rc = IFM_ERR_NOMEM;
  if (redact_mem(&x->req_body, &x->req_body_len, secrets, n) != IFM_OK) rc = IFM_ERR_NOMEM;
  if (redact_mem(&x->resp_body, &x->resp_body_len, secrets, n) != IFM_OK) rc = IFM_ERR_NOMEM;
  return rc;
}

ifm_err ifm_result_redact(ifm_result *res, char *const *secrets, size_t n_secrets) {
  char **s[] = {&res->case_id, &res->requirement, &res->title,   &res->spec,         &res->file,
                &res->message, &res->expected,    &res->got,     &res->waiver_reason};
  ifm_err rc = IFM_OK;
  size_t i;
  if (n_secrets == 0) return IFM_OK;
  for (i = 0; i < sizeof s / sizeof s[0]; i++)
    if (redact_str(s[i], secrets, n_secrets) != IFM_OK) rc = IFM_ERR_NOMEM;
  for (i = 0; i < res->n_exchanges; i++)
    if (redact_exchange(&res->exchanges[i], secrets, n_secrets) != IFM_OK) rc = IFM_ERR_NOMEM;
  return rc;
}

ifm_err ifm_report_redact(ifm_report *rep, char *const *secrets, size_t n_secrets) {
  char **s[] = {&rep->tool_version, &rep->target, &rep->profile,    &rep->started_at,
                &rep->not_tested,   &rep->name,   &rep->suite_root, &rep->baseline,
                &rep->proxy};
  ifm_err rc = IFM_OK;
  size_t i;
  if (n_secrets == 0) return IFM_OK;
  for (i = 0; i < sizeof s / sizeof s[0]; i++)
    if (redact_str(s[i], secrets, n_secrets) != IFM_OK) rc = IFM_ERR_NOMEM;
  for (i = 0; i < rep->n_newly_failing; i++)
    if (redact_str(&rep->newly_failing[i], secrets, n_secrets) != IFM_OK) rc = IFM_ERR_NOMEM;
  for (i = 0; i < rep->n_newly_passing; i++)
    if (redact_str(&rep->newly_passing[i], secrets, n_secrets) != IFM_OK) rc = IFM_ERR_NOMEM;
  for (i = 0; i < rep->n_results; i++)
    if (ifm_result_redact(&rep->results[i], secrets, n_secrets) != IFM_OK) rc = IFM_ERR_NOMEM;
  return rc;
}
