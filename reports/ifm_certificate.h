/* ifm_certificate.h: the certification verdict of one run, for a vendor to
 * publish, a CI job to archive and a third party to check (`ifmatch verify`).
 *
 * The JSON form ("format": "ifmatch-certificate", "version": 2) says which
 * target, which profile, which suite, counts per level, the waived, failed,
 * erroring and skipped cases with their reasons, and pins every input and
 * report by SHA-256 (ifm_certinfo.h). It ends with
 *
 *   "digest": "sha256:HEX"     over every byte before ',\n  "digest"'
 *   "signature": null | {"algorithm": "ed25519", "public_key": B64, "value": B64}
 *
 * where the signature, when there is one, is Ed25519 over those same bytes.
 * The writers are deterministic: the same report and info give the same
 * bytes, which is how `ifmatch verify` checks a certificate. */
#ifndef IFM_CERTIFICATE_H
#define IFM_CERTIFICATE_H

#include <stdio.h>
#include "ifm_certinfo.h"
#include "ifm_result.h"

/* CONFORMANT needs: no unwaived FAIL, no ERROR, not interrupted, and the
 * whole suite run (no --filter): a certificate speaks for the whole suite. */
int ifm_certificate_conformant(const ifm_report *r, const ifm_certinfo *ci);
/* "CONFORMANT", "CONFORMANT WITH N WAIVERS", "NOT CONFORMANT" or "NOT
 * TESTED", into buf; returns buf. */
const char *ifm_certificate_verdict(const ifm_report *r, const ifm_certinfo *ci, char *buf, size_t len);

/* Each returns 0, or -1 (errno set; for a failed signature EINVAL and the
 * reason in err when err is not NULL). */
int ifm_certificate_write_json(const ifm_report *r, const ifm_certinfo *ci, FILE *out, char *err,
                               size_t errlen);
int ifm_certificate_write_text(const ifm_report *r, const ifm_certinfo *ci, FILE *out);

/* The length of the signed part of a version 2 certificate (the bytes
 * before ',\n  "digest"'), or 0 when there is no such marker. */
size_t ifm_certificate_signed_len(const char *buf, size_t len);

#endif
