/* ifm_exchange.c: freeing exchanges and looking up their fields (see
 * ifm_exchange.h). */
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ifm_exchange.h"

static void fields_free(ifm_field *f, size_t n) {
  size_t i;

  for (i = 0; i < n; i++) {
    free(f[i].name);
    free(f[i].value);
  }
  free(f);
}

void ifm_exchange_clear(ifm_exchange *x) {
  if (!x) return;
  free(x->method);
  free(x->url);
  fields_free(x->req_headers, x->n_req_headers);
  free(x->req_body);
  fields_free(x->resp_headers, x->n_resp_headers);
  free(x->resp_body);
  free(x->error);
  memset(x, 0, sizeof *x);
}

int ifm_field_is_judged(const char *name) {
  static const char *const judged[] = {"ETag", "If-Match", "If-None-Match", "Location", "Content-Location",
                                       "Content-Type", "Content-Length", "Last-Modified"};
  size_t i;
  for (i = 0; name && i < sizeof judged / sizeof judged[0]; i++)
    if (strcasecmp(name, judged[i]) == 0) return 1;
  return 0;
}

int ifm_field_append(ifm_field **fields, size_t *n, const char *name,
                     const char *value, size_t value_len) {
  ifm_field *grown;
  char *name_copy, *value_copy;

  if (!fields || !n || *n >= (size_t)-1 / sizeof(ifm_field) - 1) return -1;
  if (!value) value_len = 0;
  name_copy = strdup(name ? name : "");
  value_copy = malloc(value_len + 1);
  grown = (name_copy && value_copy)
              ? realloc(*fields, (*n + 1) * sizeof(ifm_field)) : NULL;
  if (!grown) {
    free(name_copy);
    free(value_copy);
    return -1;
  }
  if (value_len) memcpy(value_copy, value, value_len);
  value_copy[value_len] = '\0';
  *fields = grown;
  grown[*n].name = name_copy;
  grown[*n].value = value_copy;
  grown[*n].value_total = 0;
  grown[*n].value_len = value_len;
  (*n)++;
  return 0;
}

const ifm_field *ifm_field_find(const ifm_field *f, size_t n, const char *name, int *count) {
  const ifm_field *hit = NULL;
  size_t i;
  int c = 0;
  for (i = 0; f && i < n; i++)
    if (strcasecmp(f[i].name, name) == 0) {
      if (!hit) hit = &f[i];
      c++;
    }
  if (count) *count = c;
  return hit;
}

const ifm_field *ifm_exchange_resp_header(const ifm_exchange *x, const char *name) {
  return ifm_field_find(x->resp_headers, x->n_resp_headers, name, NULL);
}

int ifm_exchange_extract(const char *pattern, const char *body, size_t *off, size_t *len) {
  regex_t re;
  regmatch_t m[2];
  int found;
  if (regcomp(&re, pattern, REG_EXTENDED) != 0) return -1;
  found = body && regexec(&re, body, 2, m, 0) == 0 && m[1].rm_so >= 0;
  regfree(&re);
  if (!found) return 0;
  *off = (size_t)m[1].rm_so;
  *len = (size_t)(m[1].rm_eo - m[1].rm_so);
  return 1;
}
