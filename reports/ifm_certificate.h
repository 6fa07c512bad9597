/* ifm_certificate.h: the certification verdict of one run, for a vendor to
 * publish and a CI job to archive: which target, which profile, which suite
 * (its version and a SHA-256 of its case files), counts per level, the
 * waivers that were applied, and CONFORMANT or NOT CONFORMANT. */
#ifndef IFM_CERTIFICATE_H
#define IFM_CERTIFICATE_H

#include <stdio.h>
#include "ifm_result.h"

typedef struct ifm_cert_info {
  const char *target_file;   /* NULL: --url or the embedded server */
  const char *suite_sha256;  /* 64 hex digits over the case files */
  size_t suite_files;
  size_t suite_cases;        /* cases in the suite (before --filter) */
  const char *filter;        /* NULL when every case was selected */
  const char *waivers_file;  /* NULL: none */
} ifm_cert_info;

/* CONFORMANT needs: no unwaived FAIL, no ERROR, not interrupted, and the
 * whole suite run (no --filter): a certificate speaks for the whole suite. */
int ifm_certificate_conformant(const ifm_report *r, const ifm_cert_info *ci);

int ifm_certificate_write_json(const ifm_report *r, const ifm_cert_info *ci, FILE *out);
int ifm_certificate_write_text(const ifm_report *r, const ifm_cert_info *ci, FILE *out);

#endif
