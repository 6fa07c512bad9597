/* ifm_redact.h: secrets out of everything kept. A target's secrets (values
 * taken from the environment, credentials in auth headers) go on the wire
 * but never into a report, a log or a terminal line: every kept copy of an
 * exchange is made by ifm_exchange_evidence, which replaces each secret by
 * "<redacted>" and the credential fields (Authorization, Cookie, ...) whole. */
#ifndef IFM_REDACT_H
#define IFM_REDACT_H

#include <stddef.h>
#include "ifm_err.h"
#include "ifm_exchange.h"

/* Replaces every occurrence of each secret in s[0..len) by "<redacted>".
 * Returns a new string (caller frees) and its length in *out_len (may be
 * NULL); NULL on allocation failure. */
char *ifm_redact(const char *s, size_t len, char *const *secrets, size_t n_secrets, size_t *out_len);

/* 1 when a field of this name carries credentials (it is kept as "<redacted>"). */
int ifm_redact_field_is_secret(const char *name);

/* Fills dst (zeroed first) with the evidence copy of a live exchange: secrets
 * redacted, bodies cut to IFM_BODY_EXCERPT bytes (totals and hashes of the
 * whole), times made relative to t0 (0 stays 0). client, step and round are
 * copied. Returns IFM_OK, or IFM_ERR_NOMEM (dst is then partly filled;
 * ifm_exchange_clear frees it). */
ifm_err ifm_exchange_evidence(ifm_exchange *dst, const ifm_exchange *live, char *const *secrets,
                          size_t n_secrets, double t0);

#endif
