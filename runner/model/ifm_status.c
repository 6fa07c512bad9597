/* ifm_status.c: status sets (see ifm_status.h): their text form, the
 * question "is this status in the set", and structural equality. The one
 * home of ifm_status_spec, shared by the loader (case expectations, profiles,
 * target overrides), the planner (`when:`) and the judge.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_buf.h"
#include "ifm_status.h"

void ifm_status_spec_clear(ifm_status_spec *s) {
  if (!s) return;
  free(s->profile_key);
  free(s->text);
  memset(s, 0, sizeof *s);
}

/* A spec naming a profile key accepts nothing by itself: the judge resolves
 * it with ifm_profile_lookup first. */
int ifm_status_spec_accepts(const ifm_status_spec *s, int status) {
  size_t i;
  if (!s || s->profile_key || status < 100 || status > 599) return 0;
  if (s->classes & (1u << (status / 100))) return 1;
  for (i = 0; i < s->n_codes && i < sizeof s->codes / sizeof s->codes[0]; i++)
    if (s->codes[i] == status) return 1;
  return 0;
}

static int codes_cmp(const void *a, const void *b) {
  return *(const short *)a - *(const short *)b;
}

int ifm_status_spec_equal(const ifm_status_spec *a, const ifm_status_spec *b) {
  short ca[16], cb[16];
  size_t i;
  if (a->classes != b->classes || a->n_codes != b->n_codes) return 0;
  if ((a->profile_key == NULL) != (b->profile_key == NULL)) return 0;
  if (a->profile_key && strcmp(a->profile_key, b->profile_key) != 0) return 0;
  memcpy(ca, a->codes, a->n_codes * sizeof *ca);
  memcpy(cb, b->codes, b->n_codes * sizeof *cb);
  qsort(ca, a->n_codes, sizeof *ca, codes_cmp);
  qsort(cb, b->n_codes, sizeof *cb, codes_cmp);
  for (i = 0; i < a->n_codes; i++)
    if (ca[i] != cb[i]) return 0;
  return 1;
}

/* Adds one item, "412" or "2xx" (s[0..len)), to sp and its text. On error
 * returns -1 with a message in why. */
int ifm_status_spec_add_item(const char *s, size_t len, ifm_status_spec *sp, ifm_buf *text, char *why,
                       size_t whylen) {
  size_t i, digits = 0;
  int code = 0;
  for (i = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++) digits++;
  if (len == 3 && digits == 1 && (s[1] == 'x' || s[1] == 'X') && (s[2] == 'x' || s[2] == 'X')) {
    if (s[0] < '1' || s[0] > '5') {
      snprintf(why, whylen, "bad status class '%.*s' (expected 1xx to 5xx)", (int)len, s);
      return -1;
    }
    sp->classes |= 1u << (s[0] - '0');
    return ifm_buf_printf(text, "%cxx", s[0]) == 0 ? 0 : (snprintf(why, whylen, "out of memory"), -1);
  }
  if (digits == 0 || digits != len) {
    snprintf(why, whylen, "bad status '%.*s' (expected a code like 412 or a class like 2xx)",
             (int)(len > 40 ? 40 : len), s);
    return -1;
  }
  for (i = 0; i < len && code < 1000; i++) code = code * 10 + (s[i] - '0');
  if (code < 100 || code > 599) {
    snprintf(why, whylen, "status code %.*s is out of range (100-599)", (int)(len > 40 ? 40 : len), s);
    return -1;
  }
  if (sp->n_codes >= sizeof sp->codes / sizeof sp->codes[0]) {
    snprintf(why, whylen, "too many status codes (at most %zu)", sizeof sp->codes / sizeof sp->codes[0]);
    return -1;
  }
  sp->codes[sp->n_codes++] = (short)code;
  return ifm_buf_printf(text, "%d", code) == 0 ? 0 : (snprintf(why, whylen, "out of memory"), -1);
}

static int trim(const char **s, size_t *len) {
  while (*len && (**s == ' ' || **s == '\t')) (*s)++, (*len)--;
  while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t')) (*len)--;
  return *len > 0;
}

int ifm_status_spec_parse_why(const char *text, ifm_status_spec *out, char *why, size_t whylen) {
  ifm_buf t = IFM_BUF_INIT;
  const char *s = text, *end;
  size_t len = strlen(text), n = 0;
  int bracket;
  memset(out, 0, sizeof *out);
  trim(&s, &len);
  bracket = len >= 2 && s[0] == '[' && s[len - 1] == ']';
  if (bracket) s++, len -= 2;
  end = s + len;
  if (ifm_buf_puts(&t, bracket ? "[" : "") != 0) goto oom;
  for (;;) {
    const char *comma = memchr(s, ',', (size_t)(end - s)), *item = s;
    size_t il = comma ? (size_t)(comma - s) : (size_t)(end - s);
    if (!trim(&item, &il)) {
      snprintf(why, whylen, "empty status in '%.40s'", text);
      goto fail;
    }
    if (n++ && ifm_buf_puts(&t, ", ") != 0) goto oom;
    if (ifm_status_spec_add_item(item, il, out, &t, why, whylen) != 0) goto fail;
    if (!comma) break;
    s = comma + 1;
  }
  if (!bracket && n > 1) {   /* "412, 409" reads as the list it is */
    ifm_buf b = IFM_BUF_INIT;
    if (ifm_buf_printf(&b, "[%s]", ifm_buf_str(&t)) != 0) goto oom;
    ifm_buf_clear(&t);
    t = b;
  } else if (bracket && ifm_buf_putc(&t, ']') != 0) {
    goto oom;
  }
  out->text = ifm_buf_detach(&t);
  return out->text ? 0 : (snprintf(why, whylen, "out of memory"), -1);
oom:
  snprintf(why, whylen, "out of memory");
fail:
  ifm_buf_clear(&t);
  ifm_status_spec_clear(out);
  return -1;
}

int ifm_status_spec_parse_text(const char *text, ifm_status_spec *out) {
  char why[128];
  if (!text) return memset(out, 0, sizeof *out), -1;
  return ifm_status_spec_parse_why(text, out, why, sizeof why);
}

