/* ref_etag.c: the reference If-Match reader (see ref_etag.h). Slow and plain
 * on purpose: it is the oracle, not the product. */
#include "ref_etag.h"

static int is_ows(unsigned char c) { return c == ' ' || c == '\t'; }

static int is_etagc(unsigned char c) {
  return c == 0x21 || (c >= 0x23 && c <= 0x7e) || c >= 0x80;
}

int ref_tag_scan(const unsigned char *s, size_t len, ref_tag *out, size_t *used) {
  size_t i = 0, start;
  out->weak = 0;
  if (len >= 2 && s[0] == 'W' && s[1] == '/') {
    out->weak = 1;
    i = 2;
  }
  if (i >= len || s[i] != '"') return -1;
  start = ++i;
  while (i < len && is_etagc(s[i])) i++;
  if (i >= len || s[i] != '"') return -1;
  out->p = s + start;
  out->len = i - start;
  *used = i + 1;
  return 0;
}

int ref_field_parse(const unsigned char *s, size_t len, ref_tag *tags, ref_field *out) {
  size_t i = 0, j, used;
  out->star = 0;
  out->n = 0;
  out->tags = tags;

  /* The "*" alternative: OWS "*" OWS and nothing else. */
  while (i < len && is_ows(s[i])) i++;
  if (i < len && s[i] == '*') {
    for (j = i + 1; j < len && is_ows(s[j]); j++) continue;
    if (j == len) {
      out->star = 1;
      return 0;
    }
    return -1;   /* "*" followed by anything is neither alternative */
  }

  /* The #entity-tag alternative. */
  for (;;) {
    while (i < len && is_ows(s[i])) i++;
    if (i == len) return 0;
    if (s[i] == ',') {            /* an empty element */
      i++;
      continue;
    }
    if (ref_tag_scan(s + i, len - i, &out->tags[out->n], &used) != 0) break;
    out->n++;
    i += used;
    while (i < len && is_ows(s[i])) i++;
    if (i == len) return 0;
    if (s[i] != ',') break;       /* two elements need a comma between them */
    i++;
  }
  out->n = 0;
  return -1;
}
