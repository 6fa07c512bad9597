/* ifm_cert_read.c: see ifm_cert_read.h. The keys are those of
 * reports/ifm_certificate.c (reports/certificate.schema.json). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_buf.h"
#include "ifm_cert_read.h"
#include "ifm_json_read.h"

/* A string member (or null) copied into *out; -1 when of another type. */
static int str_member(const ifm_jval *obj, const char *key, char **out) {
  const ifm_jval *v = ifm_json_get(obj, key);
  if (!v) return -1;
  if (v->type == IFM_J_NULL) return 0;
  if (v->type != IFM_J_STR) return -1;
  *out = ifm_strndup(v->s, v->slen);
  return *out ? 0 : -1;
}

static int size_member(const ifm_jval *obj, const char *key, size_t *out) {
  const ifm_jval *v = ifm_json_get(obj, key);
  if (!v || v->type != IFM_J_NUM || v->num < 0 || v->num > 1e12) return -1;
  *out = (size_t)v->num;
  return 0;
}

static int is_hex64(const char *s) {
  size_t i;
  for (i = 0; s && i < 64; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
  return s && s[64] == '\0';
}

/* "suite" and "inputs": returns NULL or the key at fault. */
static const char *read_inputs(const ifm_jval *root, ifm_certinfo *ci) {
  const ifm_jval *suite = ifm_json_get(root, "suite"), *in = ifm_json_get(root, "inputs"), *a;
  size_t i;
  if (!suite || suite->type != IFM_J_OBJ) return "suite";
  if (size_member(suite, "files", &ci->suite_files) || size_member(suite, "cases", &ci->suite_cases))
    return "suite.files/cases";
  if (str_member(suite, "sha256", &ci->suite_sha256) || !ci->suite_sha256) return "suite.sha256";
  if (str_member(suite, "filter", &ci->filter)) return "suite.filter";
  if (!in || in->type != IFM_J_OBJ) return "inputs";
  if (str_member(in, "profile_file", &ci->profile_file)) return "inputs.profile_file";
  if (str_member(in, "profile_sha256", &ci->profile_sha256)) return "inputs.profile_sha256";
  if (str_member(in, "target_file", &ci->target_file)) return "inputs.target_file";
  if (str_member(in, "target_sha256", &ci->target_sha256)) return "inputs.target_sha256";
  if (str_member(in, "target_text", &ci->target_text)) return "inputs.target_text";
  if (str_member(in, "waivers_file", &ci->waivers_file)) return "inputs.waivers_file";
  if (str_member(in, "waivers_sha256", &ci->waivers_sha256)) return "inputs.waivers_sha256";
  a = ifm_json_get(in, "profile_overrides");
  if (!a || a->type != IFM_J_ARR) return "inputs.profile_overrides";
  for (i = 0; i < a->n; i++) {
    const char *k = ifm_json_get_str(&a->items[i], "key"), *s = ifm_json_get_str(&a->items[i], "statuses"),
               *at = ifm_json_get_str(&a->items[i], "at");
    if (!k || !s || !at || ifm_certinfo_add_override(ci, k, s, at)) return "inputs.profile_overrides[]";
  }
  a = ifm_json_get(in, "capabilities");
  if (!a || a->type != IFM_J_ARR) return "inputs.capabilities";
  for (i = 0; i < a->n; i++)
    if (a->items[i].type != IFM_J_STR || ifm_certinfo_add_capability(ci, a->items[i].s))
      return "inputs.capabilities[]";
  return NULL;
}

/* "reports" and "signature". */
static const char *read_outputs(const ifm_jval *root, ifm_certinfo *ci) {
  const ifm_jval *a = ifm_json_get(root, "reports"), *sig = ifm_json_get(root, "signature");
  size_t i;
  if (!a || a->type != IFM_J_ARR) return "reports";
  for (i = 0; i < a->n; i++) {
    const char *f = ifm_json_get_str(&a->items[i], "file"), *h = ifm_json_get_str(&a->items[i], "sha256");
    if (!f || !is_hex64(h) || ifm_certinfo_add_report(ci, f, h)) return "reports[]";
  }
  if (!sig) return "signature";
  if (sig->type == IFM_J_NULL) return NULL;
  if (sig->type != IFM_J_OBJ) return "signature";
  if (str_member(sig, "algorithm", &ci->sig_algorithm) || !ci->sig_algorithm) return "signature.algorithm";
  if (str_member(sig, "public_key", &ci->sig_public_key) || !ci->sig_public_key) return "signature.public_key";
  if (str_member(sig, "value", &ci->sig_value) || !ci->sig_value) return "signature.value";
  return NULL;
}

int ifm_cert_read_json(const char *path, const char *buf, size_t len, ifm_certinfo *ci, char digest[65],
                       char *err, size_t errlen) {
  ifm_jval root;
  ifm_jerr je;
  const ifm_jval *version;
  const char *format, *d, *bad;
  memset(ci, 0, sizeof *ci);
  digest[0] = '\0';
  if (ifm_json_parse(buf, len, &root, &je) != 0) {
    snprintf(err, errlen, "%s:%d:%d: %s", path, je.line, je.col, je.msg);
    return -1;
  }
  format = ifm_json_get_str(&root, "format");
  version = ifm_json_get(&root, "version");
  if (!format || strcmp(format, "ifmatch-certificate") != 0 || !version || version->type != IFM_J_NUM) {
    snprintf(err, errlen, "%s:1:1: not an ifmatch certificate (certificate.json from 'ifmatch certify')", path);
    ifm_json_clear(&root);
    return -1;
  }
  if (version->num != 2) {
    snprintf(err, errlen, "%s:1:1: a certificate of version %g carries no digest and cannot be verified "
             "(this ifmatch reads version 2: certify again)", path, version->num);
    ifm_json_clear(&root);
    return -1;
  }
  d = ifm_json_get_str(&root, "digest");
  bad = read_inputs(&root, ci);
  if (!bad) bad = read_outputs(&root, ci);
  if (!bad && (!d || strncmp(d, "sha256:", 7) != 0 || !is_hex64(d + 7))) bad = "digest";
  if (bad) {
    snprintf(err, errlen, "%s: the key '%s' is missing or not what a certificate holds", path, bad);
    ifm_json_clear(&root);
    ifm_certinfo_clear(ci);
    return -1;
  }
  memcpy(digest, d + 7, 65);
  ifm_json_clear(&root);
  return 0;
}
