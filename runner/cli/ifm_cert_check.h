/* ifm_cert_check.h: the checks of a certificate against its bytes, its
 * signature and its reports, shared by `ifmatch verify` (all of them, in
 * order) and `ifmatch matrix` (whether a certificate holds for the report
 * in a column). Each prints what does not hold on stderr, after "ifmatch
 * WHO: ", and returns 0 when it holds, 1 when it does not, 2 for a bad
 * --pubkey, 3 when it cannot be checked. */
#ifndef IFM_CERT_CHECK_H
#define IFM_CERT_CHECK_H

#include <stddef.h>
#include "ifm_buf.h"
#include "ifm_certinfo.h"
#include "ifm_result.h"

/* Reads the certificate at path into buf and ci (zeroed first), its
 * claimed digest into digest. Returns 0, or -1 with "path:line:col: why" or
 * "path: why" in err. */
int ifm_cert_check_load(const char *path, ifm_buf *buf, ifm_certinfo *ci, char digest[65], char *err,
                        size_t errlen);

/* The digest covers the certificate's bytes; the signature, when there is
 * one, holds with the key it names; with pubkey (a PEM file, or NULL) it is
 * that key's. */
int ifm_cert_check_signature(const char *who, const char *cert, const ifm_certinfo *ci, const ifm_buf *buf,
                             const char *digest, const char *pubkey);

/* Every report the certificate pins is in reports_dir (NULL: the
 * certificate's folder) with the bytes it pins. The pinned JSON report's
 * path goes into json (empty when none is pinned). */
int ifm_cert_check_pinned(const char *who, const char *cert, const char *reports_dir, const ifm_certinfo *ci,
                          char *json, size_t jsonlen);

/* The certificate is byte for byte what rep (read from the JSON report at
 * report) gives, and so is certificate.txt when it is beside it. */
int ifm_cert_check_issued(const char *who, const char *cert, const ifm_certinfo *ci, const ifm_buf *buf,
                          const ifm_report *rep, const char *report);

/* Where a report the certificate names is: absolute as is, else in
 * reports_dir (NULL: the certificate's folder). */
void ifm_cert_check_report_path(const char *cert, const char *reports_dir, const char *name, char *out,
                                size_t len);

#endif
