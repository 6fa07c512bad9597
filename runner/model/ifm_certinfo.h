/* ifm_certinfo.h: what a certificate attests beyond the results of its run:
 * the inputs the verdict was reached with (the case files, the profile, the
 * target file with its secrets removed, the profile overrides and the
 * capabilities the target declares, the waivers file), the reports it was
 * issued with (by SHA-256), and its signature.
 *
 * `ifmatch certify` fills one from the run; `ifmatch verify` fills one from
 * a certificate's JSON and has the writer produce the certificate again from
 * it and the report: the two must be the same bytes. All strings are owned
 * (ifm_certinfo_clear frees them). */
#ifndef IFM_CERTINFO_H
#define IFM_CERTINFO_H

#include <stddef.h>

/* One profile override of the target file: key, the statuses it allows
 * (as written), and where ("file:line:col"). */
typedef struct ifm_cert_override {
  char *key;
  char *statuses;
  char *at;
} ifm_cert_override;

/* One file the certificate pins: a name (relative to the certificate's
 * folder when it is there) and the SHA-256 of its bytes. */
typedef struct ifm_cert_file {
  char *name;
  char sha256[65];
} ifm_cert_file;

/* Signs msg[0..len): writes the signature, base64, into sig (NUL-terminated)
 * and returns 0, or -1 with a message in err. */
typedef int (*ifm_cert_sign_cb)(const void *msg, size_t len, char *sig, size_t siglen, char *err,
                                size_t errlen, void *ctx);

typedef struct ifm_certinfo {
  /* the suite */
  char *suite_sha256;          /* 64 hex digits over the case files (ifm_certinfo_hash_files) */
  size_t suite_files;
  size_t suite_cases;          /* cases in the suite (before --filter) */
  char *filter;                /* NULL when every case was selected */
  /* the profile */
  char *profile_file;          /* as found, relative to the suite root when below it */
  char *profile_sha256;
  /* the target file: NULL for --url and the embedded server */
  char *target_file;
  char *target_sha256;         /* of target_text */
  char *target_text;           /* the file with every secret replaced by <redacted> */
  ifm_cert_override *overrides;
  size_t n_overrides;
  char **capabilities;         /* declared, and derived (put_create) */
  size_t n_capabilities;
  /* the waivers */
  char *waivers_file;          /* NULL: none */
  char *waivers_sha256;
  /* the reports, in the order written */
  ifm_cert_file *reports;
  size_t n_reports;
  /* the signature: algorithm "ed25519", public key and value in base64.
   * The writer makes the value with sign (certify) or writes the one given
   * (verify); no algorithm: unsigned. */
  char *sig_algorithm;
  char *sig_public_key;
  char *sig_value;
  ifm_cert_sign_cb sign;
  void *sign_ctx;
} ifm_certinfo;

void ifm_certinfo_clear(ifm_certinfo *ci);

/* Appends; each returns 0 or -1 (out of memory). */
int ifm_certinfo_add_override(ifm_certinfo *ci, const char *key, const char *statuses, const char *at);
int ifm_certinfo_add_capability(ifm_certinfo *ci, const char *cap);
int ifm_certinfo_add_report(ifm_certinfo *ci, const char *name, const char hex[65]);

#endif
