/* ifm_redact.c: secrets out of kept copies (see ifm_redact.h). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ifm_buf.h"
#include "ifm_redact.h"

/* Credential fields, replaced whole in evidence (RFC 9110 11.6.2, 11.7.2;
 * RFC 6265), and the API-key fields in wide use. */
static const char *const secret_fields[] = {"authorization", "proxy-authorization", "cookie", "set-cookie",
                                            "x-api-key", "api-key", "x-auth-token", "x-access-token",
                                            "x-amz-security-token", "x-goog-api-key",
                                            "ocp-apim-subscription-key"};

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* How many bytes of s[i..len) spell sec: each byte of it as itself, as %XX
 * (hex in either case) or, a space, as '+'. 0 when they do not; *partial
 * is set when s ends while they still might. */
static size_t spelled(const char *s, size_t len, size_t i, const char *sec, int *partial) {
  size_t j = i;
  for (; *sec; sec++) {
    unsigned char c = (unsigned char)*sec;
    if (j >= len) return *partial = 1, 0;
    if ((unsigned char)s[j] == c || (c == ' ' && s[j] == '+')) {
      j++;
      continue;
    }
    if (s[j] != '%') return 0;
    if (j + 1 >= len) return *partial = 1, 0;
    if (hexval(s[j + 1]) != c >> 4) return 0;
    if (j + 2 >= len) return *partial = 1, 0;
    if (hexval(s[j + 2]) != (c & 15)) return 0;
    j += 3;
  }
  return j - i;
}

char *ifm_redact_prefix(const char *s, size_t len, char *const *secrets, size_t n_secrets, size_t *consumed,
                        size_t *out_len) {
  static const size_t mark_len = sizeof IFM_REDACTED - 1;
  ifm_buf out = IFM_BUF_INIT;
  unsigned char first[256];
  size_t i = 0, k, run = 0;
  int rc = 0, stop = 0;
  /* the bytes a match can start with: most positions are passed at once */
  memset(first, 0, sizeof first);
  for (k = 0; k < n_secrets; k++) {
    unsigned char c = (unsigned char)secrets[k][0];
    if (!c) continue;
    first[c] = first['%'] = 1;
    if (c == ' ') first['+'] = 1;
  }
  first['<'] = 1;
  while (i < len && !stop) {
    size_t hit = 0;
    int partial = 0;
    if (!first[(unsigned char)s[i]]) {
      i++;
      continue;
    }
    if (len - i >= mark_len && memcmp(s + i, IFM_REDACTED, mark_len) == 0) {
      i += mark_len;              /* already redacted: kept, and never searched inside */
      continue;
    }
    for (k = 0; k < n_secrets; k++) {
      size_t m = spelled(s, len, i, secrets[k], &partial);
      if (m > hit) hit = m;
    }
    if (partial && consumed) {    /* the rest may begin a secret: held back */
      stop = 1;
    } else if (hit) {             /* the bytes before it in one piece: this runs on every kept string */
      rc |= ifm_buf_append(&out, s + run, i - run);
      rc |= ifm_buf_puts(&out, IFM_REDACTED);
      i += hit;
      run = i;
    } else {
      i++;
    }
  }
  rc |= ifm_buf_append(&out, s + run, i - run);
  if (rc) {
    ifm_buf_clear(&out);
    return NULL;
  }
  if (consumed) *consumed = i;
  if (out_len) *out_len = out.len;
  return ifm_buf_detach(&out);
}

char *ifm_redact(const char *s, size_t len, char *const *secrets, size_t n_secrets, size_t *out_len) {
  return ifm_redact_prefix(s ? s : "", s ? len : 0, secrets, n_secrets, NULL, out_len);
}

/* The first max bytes of s[0..len), redacted. Redaction runs on a window
 * longer than the cut by the longest spelling of the longest secret, so a
 * secret that straddles the cut is still recognised whole, and the result
 * is cut after it; a window that ends inside what may be a secret stops
 * before it. No byte of a secret is kept and the result never exceeds max. */
char *ifm_redact_head(const char *s, size_t len, size_t max, char *const *secrets, size_t n_secrets,
                      size_t *out_len) {
  size_t k, longest = 0, window, used, olen;
  char *r;
  for (k = 0; k < n_secrets; k++)
    if (strlen(secrets[k]) > longest) longest = strlen(secrets[k]);
  if (!s) s = "", len = 0;
  window = len > max && len - max > 3 * longest ? max + 3 * longest : len;
  r = ifm_redact_prefix(s, window, secrets, n_secrets, window < len ? &used : NULL, &olen);
  if (r && olen > max) {
    olen = max;
    r[max] = '\0';
  }
  if (out_len) *out_len = r ? olen : 0;
  return r;
}

int ifm_redact_field_is_secret(const char *name) {
  size_t i;
  for (i = 0; i < sizeof secret_fields / sizeof secret_fields[0]; i++)
    if (strcasecmp(name, secret_fields[i]) == 0) return 1;
  return 0;
}

/* How many of the n fields at f are named name. */
static size_t same_name(const ifm_field *f, size_t n, const char *name) {
  size_t i, k = 0;
  for (i = 0; i < n; i++)
    if (strcasecmp(f[i].name, name) == 0) k++;
  return k;
}

/* The fields of one side kept as evidence (see IFM_EVIDENCE_FIELDS):
 * redacted, cut, and what is left out counted in *omitted and *bytes. */
static int copy_fields(const ifm_field *src, size_t n, ifm_field **dst, size_t *dn, size_t *omitted,
                       size_t *bytes, char *const *secrets, size_t n_secrets) {
  const size_t most = IFM_EVIDENCE_FIELDS + 8 * IFM_EVIDENCE_JUDGED_EACH;
  size_t i, others = 0, other_bytes = 0;
  if (n == 0) return 0;
  *dst = calloc(n < most ? n : most, sizeof **dst);
  if (!*dst) return -1;
  for (i = 0; i < n; i++) {
    const char *name = src[i].name ? src[i].name : "";
    size_t nlen = strlen(name), max;
    int judged = ifm_field_is_judged(name) && same_name(*dst, *dn, name) < IFM_EVIDENCE_JUDGED_EACH;
    ifm_field *d;
    if (judged) {
      max = IFM_EVIDENCE_JUDGED_VALUE;
    } else if (others < IFM_EVIDENCE_FIELDS && nlen <= IFM_EVIDENCE_VALUE &&
               other_bytes + nlen < IFM_EVIDENCE_FIELD_BYTES) {
      max = IFM_EVIDENCE_FIELD_BYTES - other_bytes - nlen;
      if (max > IFM_EVIDENCE_VALUE) max = IFM_EVIDENCE_VALUE;
      others++;
    } else {
      (*omitted)++;
      *bytes += nlen + src[i].value_len;
      continue;
    }
    d = &(*dst)[(*dn)++];
    d->name = ifm_strdup(name);
    if (ifm_redact_field_is_secret(name)) {
      d->value = ifm_strdup(IFM_REDACTED);
      d->value_len = d->value ? strlen(d->value) : 0;
    } else {
      d->value = ifm_redact_head(src[i].value, src[i].value_len, max, secrets, n_secrets, &d->value_len);
      if (src[i].value_len > max) d->value_total = src[i].value_len;
    }
    if (!d->name || !d->value) return -1;
    if (!judged) other_bytes += nlen + d->value_len;
  }
  return 0;
}

static char *excerpt(const char *p, size_t len, size_t *out_len, char *const *secrets, size_t n_secrets) {
  return ifm_redact_head(p, len, IFM_BODY_EXCERPT, secrets, n_secrets, out_len);
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
  if (copy_fields(live->req_headers, live->n_req_headers, &dst->req_headers, &dst->n_req_headers,
                  &dst->req_headers_omitted, &dst->req_header_bytes_omitted, secrets, n_secrets) != 0)
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
  if (copy_fields(live->resp_headers, live->n_resp_headers, &dst->resp_headers, &dst->n_resp_headers,
                  &dst->resp_headers_omitted, &dst->resp_header_bytes_omitted, secrets, n_secrets) != 0)
    return IFM_ERR_NOMEM;
  dst->resp_body = excerpt(live->resp_body, live->resp_body_total, &dst->resp_body_len, secrets, n_secrets);
  dst->resp_body_total = live->resp_body_total;
  if (live->error && !(dst->error = ifm_redact(live->error, strlen(live->error), secrets, n_secrets, NULL)))
    return IFM_ERR_NOMEM;
  dst->timed_out = live->timed_out;
  dst->closed_unanswered = live->closed_unanswered;
  dst->h2_refused = live->h2_refused;
  dst->t_start = since(live->t_start, t0);
  dst->t_release = since(live->t_release, t0);
  dst->t_first_byte = since(live->t_first_byte, t0);
  dst->t_done = since(live->t_done, t0);
  return dst->method && dst->url && dst->resp_body ? IFM_OK : IFM_ERR_NOMEM;
}
