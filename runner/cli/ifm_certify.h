/* ifm_certify.h: what `ifmatch certify` adds to a run (cli-internal): the
 * checks that only the whole suite is certified, the inputs pinned by hash,
 * and the certificate written from the JSON report read back, exactly as
 * `ifmatch verify` will issue it again. */
#ifndef IFM_CERTIFY_H
#define IFM_CERTIFY_H

#include <stddef.h>
#include "ifm_model.h"
#include "ifm_result.h"

/* The report files of a run, by kind. */
enum { IFM_OUT_TAP, IFM_OUT_JUNIT, IFM_OUT_JSON, IFM_OUT_HTML, IFM_OUT_KINDS };
/* Their default names in an --out folder. */
extern const char *const ifm_out_names[IFM_OUT_KINDS];

typedef struct ifm_certify_in {
  const ifm_suite *suite;
  const ifm_target *target;
  const ifm_profile *profile;
  const char *target_file;     /* NULL: --url or the embedded server */
  const char *waivers_file;    /* NULL: none */
  const char *out_dir;
  const char *sign_key;        /* PEM private key, NULL: unsigned */
  const char *suite_root;      /* the profile file is named relative to it */
  const char *reports[IFM_OUT_KINDS];
  int quiet;                   /* no certificate text on stdout */
} ifm_certify_in;

/* Before anything runs: refuses case paths, a filter and a JSON report on
 * stdout, creates out_dir, and checks the signing key can be read. Returns 0
 * or -1 (message printed). */
int ifm_certify_check(size_t n_paths, const char *first_path, const char *filter, const char *json_path,
                      const char *out_dir, const char *sign_key);

/* After the reports are written: the certificate (JSON and text) in
 * out_dir, the text also on stdout. *conformant is the certificate's
 * verdict. Returns 0 or -1 (message printed). */
int ifm_certify_write(const ifm_certify_in *in, int *conformant);

/* SHA-256 over the suite's case files (path order, each prefixed by its
 * length in decimal and a newline), and the number of cases. */
int ifm_certify_suite_sha256(const ifm_suite *suite, char hex[65], size_t *n_cases);

#endif
