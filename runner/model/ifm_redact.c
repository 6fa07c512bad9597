/* ifm_redact.c: secrets out of kept copies (see ifm_redact.h). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ifm_buf.h"
#include "ifm_redact.h"

static const char *const secret_fields[] = {"authorization", "proxy-authorization", "cookie", "set-cookie"};

char *ifm_redact(const char *s, size_t len, char *const *secrets, size_t n_secrets, size_t *out_len) {
  ifm_buf out = IFM_BUF_INIT;
  size_t i = 0, k, run = 0;
  int rc = 0;
  while (i < len) {
    size_t hit = 0;
    for (k = 0; k < n_secrets; k++) {
      size_t sl = strlen(secrets[k]);
      if (sl && sl <= len - i && memcmp(s + i, secrets[k], sl) == 0 && sl > hit) hit = sl;
    }
    if (hit) {   /* the bytes before it in one piece: this runs on every kept exchange */
      rc |= ifm_buf_append(&out, s + run, i - run);
      rc |= ifm_buf_puts(&out, "<redacted>");
      i += hit;
      run = i;
    } else {
      i++;
    }
  }
  rc |= ifm_buf_append(&out, s + run, len - run);
  if (rc) {
    ifm_buf_clear(&out);
    return NULL;
  }
  if (out_len) *out_len = out.len;
  return ifm_buf_detach(&out);
}

int ifm_redact_field_is_secret(const char *name) {
  size_t i;
  for (i = 0; i < sizeof secret_fields / sizeof secret_fields[0]; i++)
    if (strcasecmp(name, secret_fields[i]) == 0) return 1;
  return 0;
}

static int copy_fields(const ifm_field *src, size_t n, ifm_field **dst, size_t *dn, char *const *secrets,
                       size_t n_secrets) {
  size_t i;
  if (n == 0) return 0;
  *dst = calloc(n, sizeof **dst);
  if (!*dst) return -1;
  for (i = 0; i < n; i++) {
    ifm_field *d = &(*dst)[i];
    d->name = ifm_strdup(src[i].name);
    if (ifm_redact_field_is_secret(src[i].name)) {
      d->value = ifm_strdup("<redacted>");
      d->value_len = d->value ? strlen(d->value) : 0;
    } else {
      d->value = ifm_redact(src[i].value, src[i].value_len, secrets, n_secrets, &d->value_len);
    }
    *dn = i + 1;
    if (!d->name || !d->value) return -1;
  }
  return 0;
}

/* The first IFM_BODY_EXCERPT bytes of a body, redacted. Redaction runs on
 * a window longer than the cut by the longest secret, so a secret that
 * straddles the cut is still recognised whole, and the result is cut after
 * it: no byte of a secret is kept and the excerpt never exceeds the limit. */
static char *excerpt(const char *p, size_t len, size_t *out_len, char *const *secrets, size_t n_secrets) {
  size_t k, longest = 0, window;
  char *r;
  for (k = 0; k < n_secrets; k++)
    if (strlen(secrets[k]) > longest) longest = strlen(secrets[k]);
  window = len < IFM_BODY_EXCERPT + longest ? len : IFM_BODY_EXCERPT + longest;
  r = ifm_redact(p ? p : "", window, secrets, n_secrets, out_len);
  if (r && *out_len > IFM_BODY_EXCERPT) {
    *out_len = IFM_BODY_EXCERPT;
    r[IFM_BODY_EXCERPT] = '\0';
  }
  return r;
}

/* A monotonic time as time since t0; 0 (not reached) stays 0. */
static double since(double t, double t0) {
  return t > 0 ? t - t0 : 0;
}

ifm_err ifm_exchange_evidence(ifm_exchange *dst, const ifm_exchange *live, char *const *secrets,
                          size_t n_secrets, double t0) {
  memset(dst, 0, sizeof *dst);
  dst->step = live->step;
  dst->client = live->client;
  dst->round = live->round;
  dst->method = ifm_strdup(live->method ? live->method : "");
  dst->url = ifm_redact(live->url ? live->url : "", live->url ? strlen(live->url) : 0, secrets, n_secrets, NULL);
  if (copy_fields(live->req_headers, live->n_req_headers, &dst->req_headers, &dst->n_req_headers, secrets,
                  n_secrets) != 0)
    return IFM_ERR_NOMEM;
  if (live->req_body) {
    if (!(dst->req_body = excerpt(live->req_body, live->req_body_total, &dst->req_body_len, secrets, n_secrets)))
      return IFM_ERR_NOMEM;
    dst->req_body_total = live->req_body_total;
  }
  dst->req_body_hash = live->req_body_hash;
  dst->resp_body_hash = live->resp_body_hash;
  dst->req_payload_hash = live->req_payload_hash;
  dst->resp_payload_hash = live->resp_payload_hash;
  dst->status = live->status;
  if (copy_fields(live->resp_headers, live->n_resp_headers, &dst->resp_headers, &dst->n_resp_headers, secrets,
                  n_secrets) != 0)
    return IFM_ERR_NOMEM;
  dst->resp_body = excerpt(live->resp_body, live->resp_body_total, &dst->resp_body_len, secrets, n_secrets);
  dst->resp_body_total = live->resp_body_total;
  if (live->error && !(dst->error = ifm_redact(live->error, strlen(live->error), secrets, n_secrets, NULL)))
    return IFM_ERR_NOMEM;
  dst->timed_out = live->timed_out;
  dst->t_start = since(live->t_start, t0);
  dst->t_release = since(live->t_release, t0);
  dst->t_first_byte = since(live->t_first_byte, t0);
  dst->t_done = since(live->t_done, t0);
  return dst->method && dst->url && dst->resp_body ? IFM_OK : IFM_ERR_NOMEM;
}
