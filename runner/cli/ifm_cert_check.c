/* ifm_cert_check.c: see ifm_cert_check.h. Moved out of ifm_cmd_verify.c so
 * that `ifmatch matrix` says "certified" on exactly the grounds `ifmatch
 * verify` does. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ifm_cert_check.h"
#include "ifm_cert_read.h"
#include "ifm_certificate.h"
#include "ifm_out_file.h"
#include "ifm_report_read.h"
#include "ifm_sha256.h"
#include "ifm_sign.h"

#define CERT_MAX_BYTES (64u << 20)

int ifm_cert_check_load(const char *path, ifm_buf *buf, ifm_certinfo *ci, char digest[65], char *err,
                        size_t errlen) {
  memset(ci, 0, sizeof *ci);
  if (ifm_file_read_all(path, CERT_MAX_BYTES, buf, err, errlen) != 0) return -1;
  return ifm_cert_read_json(path, buf->p ? buf->p : "", buf->len, ci, digest, err, errlen);
}

/* dir of path with its slash ("" when none), into out. */
static void dir_of(const char *path, char *out, size_t len) {
  const char *s = strrchr(path, '/');
  snprintf(out, len, "%.*s", s ? (int)(s - path + 1) : 0, path);
}

void ifm_cert_check_report_path(const char *cert, const char *reports_dir, const char *name, char *out,
                                size_t len) {
  char dir[4096];
  if (name[0] == '/') {
    snprintf(out, len, "%s", name);
    return;
  }
  if (reports_dir) snprintf(dir, sizeof dir, "%s/", reports_dir);
  else dir_of(cert, dir, sizeof dir);
  snprintf(out, len, "%s%s", dir, name);
}

/* The first line where a and b differ, both quoted, into a message. */
static void first_difference(const char *who, const char *file, const char *a, size_t alen, const char *b,
                             size_t blen) {
  size_t i = 0, line = 1, start = 0, ea, eb;
  while (i < alen && i < blen && a[i] == b[i]) {
    if (a[i] == '\n') {
      line++;
      start = i + 1;
    }
    i++;
  }
  for (ea = start; ea < alen && a[ea] != '\n'; ea++) continue;
  for (eb = start; eb < blen && b[eb] != '\n'; eb++) continue;
  fprintf(stderr, "ifmatch %s: %s:%zu: it says\n    %.*s\n  where its report gives\n    %.*s\n", who, file, line,
          (int)(ea - start > 200 ? 200 : ea - start), a + start, (int)(eb - start > 200 ? 200 : eb - start),
          b + start);
}

/* Writes the certificate (json or text) again into a buffer. */
static char *issue_again(const ifm_report *rep, const ifm_certinfo *ci, int json, size_t *len) {
  char *buf = NULL, err[300];
  FILE *m = open_memstream(&buf, len);
  int rc;
  if (!m) return NULL;
  rc = json ? ifm_certificate_write_json(rep, ci, m, err, sizeof err) : ifm_certificate_write_text(rep, ci, m);
  if (fclose(m) != 0 || rc != 0) {
    free(buf);
    return NULL;
  }
  return buf;
}

int ifm_cert_check_pinned(const char *who, const char *cert, const char *reports_dir, const ifm_certinfo *ci,
                          char *json, size_t jsonlen) {
  char path[4200], hex[65];
  size_t i, len;
  int bad = 0;
  json[0] = '\0';
  for (i = 0; i < ci->n_reports; i++) {
    ifm_cert_check_report_path(cert, reports_dir, ci->reports[i].name, path, sizeof path);
    if (ifm_out_sha256_file(path, hex) != 0) {
      fprintf(stderr, "ifmatch %s: cannot check: the report %s is not there (%s)%s\n", who, path, strerror(errno),
              reports_dir || strcmp(who, "verify") != 0 ? "" : "; --reports DIR names where the reports are");
      return 3;
    }
    if (strcmp(hex, ci->reports[i].sha256) != 0) {
      fprintf(stderr, "ifmatch %s: the report %s is not the one certified: its SHA-256 is %s, the "
              "certificate pins %s\n", who, path, hex, ci->reports[i].sha256);
      bad = 1;
    }
    len = strlen(ci->reports[i].name);
    if (len > 5 && strcmp(ci->reports[i].name + len - 5, ".json") == 0) snprintf(json, jsonlen, "%s", path);
  }
  return bad;
}

int ifm_cert_check_issued(const char *who, const char *cert, const ifm_certinfo *ci, const ifm_buf *buf,
                          const ifm_report *rep, const char *report) {
  char path[4200], err[600];
  size_t len;
  char *again;
  ifm_buf txt = IFM_BUF_INIT;
  int bad = 0;
  if (!(again = issue_again(rep, ci, 1, &len))) return 3;
  if (len != buf->len || memcmp(again, buf->p, len) != 0) {
    fprintf(stderr, "ifmatch %s: %s is not what its report %s gives:\n", who, cert, report);
    first_difference(who, cert, buf->p ? buf->p : "", buf->len, again, len);
    bad = 1;
  }
  free(again);
  /* certificate.txt beside it: the same verdict for people */
  dir_of(cert, path, sizeof path);
  strncat(path, "certificate.txt", sizeof path - strlen(path) - 1);
  if (access(path, F_OK) == 0) {
    if (ifm_file_read_all(path, CERT_MAX_BYTES, &txt, err, sizeof err) != 0 || !(again = issue_again(rep, ci, 0, &len))) {
      ifm_buf_clear(&txt);
      return 3;
    }
    if (len != txt.len || memcmp(again, txt.p, len) != 0) {
      fprintf(stderr, "ifmatch %s: %s does not say what certificate.json says:\n", who, path);
      first_difference(who, path, txt.p ? txt.p : "", txt.len, again, len);
      bad = 1;
    }
    free(again);
    ifm_buf_clear(&txt);
  }
  return bad;
}

int ifm_cert_check_signature(const char *who, const char *cert, const ifm_certinfo *ci, const ifm_buf *buf,
                             const char *digest, const char *pubkey) {
  size_t body = ifm_certificate_signed_len(buf->p, buf->len);
  char hex[65], err[300], pub[128];
  int ok;
  ifm_sha256_hex(buf->p, body, hex);
  if (!body || strcmp(hex, digest) != 0) {
    fprintf(stderr, "ifmatch %s: %s was changed after it was issued: its digest is sha256:%s, its "
            "bytes hash to sha256:%s\n", who, cert, digest, hex);
    return 1;
  }
  if (pubkey) {
    if (ifm_sign_public_from_pem(pubkey, pub, sizeof pub, err, sizeof err) != 0) {
      fprintf(stderr, "ifmatch %s: --pubkey %s\n", who, err);
      return 2;
    }
    if (!ci->sig_algorithm) {
      fprintf(stderr, "ifmatch %s: %s is not signed, and --pubkey asks for a signature\n", who, cert);
      return 1;
    }
    if (strcmp(pub, ci->sig_public_key) != 0) {
      fprintf(stderr, "ifmatch %s: %s is signed by the key %s, not by --pubkey's %s\n", who, cert,
              ci->sig_public_key, pub);
      return 1;
    }
  }
  if (!ci->sig_algorithm) return 0;
  if (strcmp(ci->sig_algorithm, "ed25519") != 0) {
    fprintf(stderr, "ifmatch %s: %s: unknown signature algorithm '%s'\n", who, cert, ci->sig_algorithm);
    return 1;
  }
  ok = ifm_sign_verify(ci->sig_public_key, ci->sig_value, buf->p, body, err, sizeof err);
  if (ok != 1) {
    fprintf(stderr, "ifmatch %s: %s: the signature does not hold: %s\n", who, cert, err);
    return ok < 0 && strstr(err, "libcrypto") ? 3 : 1;
  }
  return 0;
}
