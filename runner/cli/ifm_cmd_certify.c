/* ifm_cmd_certify.c: see ifm_certify.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "ifm_certificate.h"
#include "ifm_certify.h"
#include "ifm_out_file.h"
#include "ifm_redact.h"
#include "ifm_report_read.h"
#include "ifm_sha256.h"
#include "ifm_sign.h"

const char *const ifm_out_names[IFM_OUT_KINDS] = {"ifmatch.tap", "ifmatch.junit.xml", "ifmatch.json",
                                                  "ifmatch.html"};

int ifm_certify_check(size_t n_paths, const char *first_path, const char *filter, const char *json_path,
                      const char *out_dir, const char *sign_key) {
  char err[512];
  ifm_signer *s;
  /* a certificate speaks for the whole suite: a subset certifies nothing */
  if (n_paths) {
    fprintf(stderr, "ifmatch certify: '%s': a certificate covers the whole suite; case paths are refused "
            "(use 'ifmatch run' for a subset)\n", first_path);
    return -1;
  }
  if (filter && *filter) {
    fprintf(stderr, "ifmatch certify: --filter / IFMATCH_FILTER ('%s'): a certificate covers the whole suite; "
            "a filter is refused (use 'ifmatch run' for a subset)\n", filter);
    return -1;
  }
  if (json_path && strcmp(json_path, "-") == 0) {
    fprintf(stderr, "ifmatch certify: --json -: the certificate pins its JSON report, which must be a file\n");
    return -1;
  }
  if (mkdir(out_dir, 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, "ifmatch certify: cannot create %s: %s\n", out_dir, strerror(errno));
    return -1;
  }
  if (sign_key) {
    if (!(s = ifm_signer_new(sign_key, err, sizeof err))) {
      fprintf(stderr, "ifmatch certify: --sign %s: %s\n", sign_key, err);
      return -1;
    }
    ifm_signer_free(s);
  }
  return 0;
}

static int path_cmp(const void *a, const void *b) {
  return strcmp(((const ifm_case_file *)a)->path, ((const ifm_case_file *)b)->path);
}

int ifm_certify_suite_sha256(const ifm_suite *suite, char hex[65], size_t *n_cases) {
  ifm_case_file *files = malloc((suite->n_files ? suite->n_files : 1) * sizeof *files);
  ifm_sha256 sha;
  size_t i;
  int rc = 0;
  if (!files) return -1;
  memcpy(files, suite->files, suite->n_files * sizeof *files);
  qsort(files, suite->n_files, sizeof *files, path_cmp);
  ifm_sha256_init(&sha);
  *n_cases = 0;
  for (i = 0; i < suite->n_files && rc == 0; i++) {
    char chunk[65536], len[32];
    size_t n, total = 0;
    FILE *f = fopen(files[i].path, "rb");
    *n_cases += files[i].n_cases;
    if (!f) {
      rc = -1;
      break;
    }
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) total += n;
    snprintf(len, sizeof len, "%zu\n", total);
    ifm_sha256_update(&sha, len, strlen(len));
    rewind(f);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) ifm_sha256_update(&sha, chunk, n);
    if (ferror(f)) rc = -1;
    fclose(f);
  }
  ifm_sha256_final_hex(&sha, hex);
  free(files);
  return rc;
}

/* path relative to root when it lies below it, else as it is. */
static const char *below(const char *path, const char *root) {
  size_t n = root ? strlen(root) : 0;
  if (n && strncmp(path, root, n) == 0 && path[n] == '/') return path + n + 1;
  return path;
}

/* The target file with its secrets replaced, and its hash. */
static int pin_target(const ifm_certify_in *in, ifm_certinfo *ci) {
  ifm_buf b = IFM_BUF_INIT;
  char err[512], hex[65];
  size_t len;
  if (!in->target_file) return 0;
  if (ifm_file_read_all(in->target_file, 4u << 20, &b, err, sizeof err) != 0) {
    fprintf(stderr, "ifmatch certify: cannot read the target file again to pin it: %s\n", err);
    return -1;
  }
  ci->target_text = ifm_redact(b.p ? b.p : "", b.len, in->target->secrets, in->target->n_secrets, &len);
  ifm_buf_clear(&b);
  if (!ci->target_text || !(ci->target_file = ifm_strdup(in->target_file))) return -1;
  ifm_sha256_hex(ci->target_text, len, hex);
  return (ci->target_sha256 = ifm_strdup(hex)) ? 0 : -1;
}

/* Everything the verdict was reached with. */
static int pin_inputs(const ifm_certify_in *in, ifm_certinfo *ci) {
  const ifm_target *t = in->target;
  char hex[65], at[600];
  size_t i;
  if (ifm_certify_suite_sha256(in->suite, hex, &ci->suite_cases) != 0) {
    fprintf(stderr, "ifmatch certify: cannot read the case files again to hash them\n");
    return -1;
  }
  ci->suite_files = in->suite->n_files;
  if (!(ci->suite_sha256 = ifm_strdup(hex))) return -1;
  if (in->profile->path) {
    if (ifm_out_sha256_file(in->profile->path, hex) != 0) {
      fprintf(stderr, "ifmatch certify: cannot read %s again to hash it\n", in->profile->path);
      return -1;
    }
    if (!(ci->profile_file = ifm_strdup(below(in->profile->path, in->suite_root))) ||
        !(ci->profile_sha256 = ifm_strdup(hex)))
      return -1;
  }
  if (pin_target(in, ci) != 0) return -1;
  for (i = 0; i < t->n_overrides; i++) {
    const ifm_profile_entry *o = &t->overrides[i];
    snprintf(at, sizeof at, "%s:%d:%d", o->pos.file ? o->pos.file : "?", o->pos.line, o->pos.col);
    if (ifm_certinfo_add_override(ci, o->key, o->status.text, at) != 0) return -1;
  }
  for (i = 0; i < t->n_capabilities; i++)
    if (ifm_certinfo_add_capability(ci, t->capabilities[i]) != 0) return -1;
  /* derived from the target's create operation, not declared */
  for (i = 0; i < t->n_capabilities && strcmp(t->capabilities[i], "put_create") != 0; i++) continue;
  if (i == t->n_capabilities && ifm_target_has_capability(t, "put_create") &&
      ifm_certinfo_add_capability(ci, "put_create") != 0)
    return -1;
  if (in->waivers_file) {
    if (ifm_out_sha256_file(in->waivers_file, hex) != 0) {
      fprintf(stderr, "ifmatch certify: cannot read %s again to hash it\n", in->waivers_file);
      return -1;
    }
    if (!(ci->waivers_file = ifm_strdup(in->waivers_file)) || !(ci->waivers_sha256 = ifm_strdup(hex))) return -1;
  }
  return 0;
}

/* The reports by hash, named relative to out_dir when they are in it, else
 * by their absolute path (verify looks beside the certificate). */
static int pin_reports(const ifm_certify_in *in, ifm_certinfo *ci) {
  char hex[65], abs[PATH_MAX];
  int k;
  size_t n = strlen(in->out_dir);
  for (k = 0; k < IFM_OUT_KINDS; k++) {
    const char *p = in->reports[k], *name = p;
    if (!p || strcmp(p, "-") == 0) continue;
    if (ifm_out_sha256_file(p, hex) != 0) {
      fprintf(stderr, "ifmatch certify: cannot read %s again to pin it: %s\n", p, strerror(errno));
      return -1;
    }
    if (strncmp(p, in->out_dir, n) == 0 && p[n] == '/' && !strchr(p + n + 1, '/')) name = p + n + 1;
    else if (realpath(p, abs)) name = abs;
    if (ifm_certinfo_add_report(ci, name, hex) != 0) return -1;
  }
  return 0;
}

typedef struct cert_job {
  const ifm_report *rep;
  const ifm_certinfo *ci;
  char err[300];
} cert_job;

static int json_cb(FILE *out, void *ctx) {
  cert_job *j = ctx;
  return ifm_certificate_write_json(j->rep, j->ci, out, j->err, sizeof j->err);
}

static int text_cb(FILE *out, void *ctx) {
  cert_job *j = ctx;
  return ifm_certificate_write_text(j->rep, j->ci, out);
}

int ifm_certify_write(const ifm_certify_in *in, int *conformant) {
  ifm_certinfo ci;
  ifm_report *rep = ifm_report_new();
  ifm_signer *signer = NULL;
  cert_job job;
  char path[4200], err[600];
  int rc = -1;
  memset(&ci, 0, sizeof ci);
  *conformant = 0;
  if (!rep) return -1;
  /* the certificate says what its JSON report says, read back as verify will */
  if (ifm_report_read_json(in->reports[IFM_OUT_JSON], rep, err, sizeof err) != 0) {
    fprintf(stderr, "ifmatch certify: no certificate without its JSON report: %s\n", err);
    goto out;
  }
  if (pin_inputs(in, &ci) != 0 || pin_reports(in, &ci) != 0) goto out;
  if (in->sign_key) {
    if (!(signer = ifm_signer_new(in->sign_key, err, sizeof err))) {
      fprintf(stderr, "ifmatch certify: --sign %s: %s\n", in->sign_key, err);
      goto out;
    }
    ci.sig_algorithm = ifm_strdup("ed25519");
    ci.sig_public_key = ifm_strdup(ifm_signer_public_b64(signer));
    ci.sign = ifm_signer_sign_cb;
    ci.sign_ctx = signer;
    if (!ci.sig_algorithm || !ci.sig_public_key) goto out;
  }
  job.rep = rep;
  job.ci = &ci;
  job.err[0] = '\0';
  *conformant = ifm_certificate_conformant(rep, &ci);
  rc = 0;
  snprintf(path, sizeof path, "%s/certificate.txt", in->out_dir);
  rc |= ifm_out_write(path, text_cb, &job);
  snprintf(path, sizeof path, "%s/certificate.json", in->out_dir);
  if (ifm_out_write(path, json_cb, &job) != 0) {
    if (job.err[0]) fprintf(stderr, "ifmatch certify: %s\n", job.err);
    rc = -1;
  }
  if (!in->quiet && ifm_certificate_write_text(rep, &ci, stdout) != 0) rc = -1;
out:
  ifm_signer_free(signer);
  ifm_certinfo_clear(&ci);
  ifm_report_free(rep);
  return rc;
}
