/* ifm_certinfo.c: see ifm_certinfo.h. */
#include <stdlib.h>
#include <string.h>
#include "ifm_certinfo.h"
#include "ifm_buf.h"

void ifm_certinfo_clear(ifm_certinfo *ci) {
  size_t i;
  if (!ci) return;
  free(ci->suite_sha256);
  free(ci->filter);
  free(ci->profile_file);
  free(ci->profile_sha256);
  free(ci->target_file);
  free(ci->target_sha256);
  free(ci->target_text);
  for (i = 0; i < ci->n_overrides; i++) {
    free(ci->overrides[i].key);
    free(ci->overrides[i].statuses);
    free(ci->overrides[i].at);
  }
  free(ci->overrides);
  for (i = 0; i < ci->n_capabilities; i++) free(ci->capabilities[i]);
  free(ci->capabilities);
  free(ci->waivers_file);
  free(ci->waivers_sha256);
  for (i = 0; i < ci->n_reports; i++) free(ci->reports[i].name);
  free(ci->reports);
  free(ci->sig_algorithm);
  free(ci->sig_public_key);
  free(ci->sig_value);
  memset(ci, 0, sizeof *ci);
}

static char *dup_or_null(const char *s, int *fail) {
  char *d;
  if (!s) return NULL;
  d = ifm_strdup(s);
  if (!d) *fail = 1;
  return d;
}

int ifm_certinfo_add_override(ifm_certinfo *ci, const char *key, const char *statuses, const char *at) {
  ifm_cert_override *o = realloc(ci->overrides, (ci->n_overrides + 1) * sizeof *o);
  int fail = 0;
  if (!o) return -1;
  ci->overrides = o;
  o = &ci->overrides[ci->n_overrides];
  o->key = dup_or_null(key ? key : "", &fail);
  o->statuses = dup_or_null(statuses ? statuses : "", &fail);
  o->at = dup_or_null(at ? at : "", &fail);
  ci->n_overrides++;
  return fail ? -1 : 0;
}

int ifm_certinfo_add_capability(ifm_certinfo *ci, const char *cap) {
  char **c = realloc(ci->capabilities, (ci->n_capabilities + 1) * sizeof *c);
  if (!c) return -1;
  ci->capabilities = c;
  if (!(c[ci->n_capabilities] = ifm_strdup(cap ? cap : ""))) return -1;
  ci->n_capabilities++;
  return 0;
}

int ifm_certinfo_add_report(ifm_certinfo *ci, const char *name, const char hex[65]) {
  ifm_cert_file *f = realloc(ci->reports, (ci->n_reports + 1) * sizeof *f);
  if (!f) return -1;
  ci->reports = f;
  f = &ci->reports[ci->n_reports];
  memset(f, 0, sizeof *f);
  memcpy(f->sha256, hex, 64);
  if (!(f->name = ifm_strdup(name ? name : ""))) return -1;
  ci->n_reports++;
  return 0;
}
