/* ifm_etag.c: the entity-tag grammar of RFC 9110 section 8.8.3 and the
 * If-Match / If-None-Match list syntax of sections 13.1.1, 13.1.2 and 5.6.1.
 *
 * Why hand-written: the suite has to judge servers on exactly the bytes the
 * RFC allows, so the parser follows the ABNF in ifm_etag.h byte for byte and
 * reports the first offending byte instead of guessing. Every loop is bounded
 * by the caller's length (values are not NUL-terminated and may hold NULs),
 * and a field line is parsed twice (validate and count, then fill) so that a
 * malformed line never changes the list and the array grows at most once per
 * line, geometrically: linear time for any number of tags.
 */
#include "ifm_etag.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Error messages: static, so an ifm_perr can be kept and printed later. */
static const char ERR_OPEN[] = "expected '\"' to start an entity-tag";
static const char ERR_WEAK_CASE[] = "weak prefix must be \"W/\" (case-sensitive), not \"w/\"";
static const char ERR_WEAK_QUOTE[] = "W/ must be followed by a quoted tag";
static const char ERR_CTL[] = "control character in entity-tag";
static const char ERR_SP[] = "space in entity-tag";
static const char ERR_UNTERM[] = "unterminated entity-tag";
static const char ERR_TRAIL[] = "unexpected bytes after entity-tag";
static const char ERR_COMMA[] = "expected ',' between entity-tags";
static const char ERR_FIELD_CTL[] = "control character in field value";
static const char ERR_STAR_MIX[] = "'*' cannot be combined with entity-tags";
static const char ERR_STAR_ALONE[] = "'*' must be the whole field value";
static const char ERR_NOMEM[] = "out of memory";

static int set_err(ifm_perr *err, size_t line, size_t offset, const char *msg) {
  if (err) {
    err->line = line;
    err->offset = offset;
    err->msg = msg;
  }
  return -1;
}

/* etagc = %x21 / %x23-7E / obs-text (section 8.8.3). */
static int is_etagc(unsigned char c) {
  return c == 0x21 || (c >= 0x23 && c <= 0x7E) || c >= 0x80;
}

/* Controls as far as a field value is concerned: 0x00-0x1F and DEL. */
static int is_ctl(unsigned char c) {
  return c < 0x20 || c == 0x7F;
}

/* OWS = *( SP / HTAB ) (section 5.6.3). */
static int is_ows(unsigned char c) {
  return c == ' ' || c == '\t';
}

int ifm_etag_scan(const char *s, size_t len, ifm_etag *out, size_t *used, ifm_perr *err) {
  size_t i = 0, start;
  int weak = 0;

  if (len == 0)
    return set_err(err, 0, 0, ERR_OPEN);
  if (len >= 2 && s[0] == 'w' && s[1] == '/')
    return set_err(err, 0, 0, ERR_WEAK_CASE);
  if (s[0] == 'W' && len >= 2 && s[1] == '/') {
    weak = 1;
    i = 2;
    if (i == len || s[i] != '"')
      return set_err(err, 0, i, ERR_WEAK_QUOTE);
  }
  if (s[i] != '"')
    return set_err(err, 0, i, ERR_OPEN);
  start = ++i;
  for (; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"')
      break;
    if (is_etagc(c))
      continue;
    return set_err(err, 0, i, c == ' ' ? ERR_SP : ERR_CTL);
  }
  if (i == len)
    return set_err(err, 0, start - 1, ERR_UNTERM);
  if (out) {
    out->weak = weak;
    out->opaque = s + start;
    out->len = i - start;
  }
  if (used)
    *used = i + 1;
  return 0;
}

int ifm_etag_parse(const char *s, size_t len, ifm_etag *out, ifm_perr *err) {
  ifm_etag tag;
  size_t used = 0;

  if (ifm_etag_scan(s, len, &tag, &used, err) != 0)
    return -1;
  if (used != len)
    return set_err(err, 0, used, ERR_TRAIL);
  if (out)
    *out = tag;
  return 0;
}

/* Appends p[0..n) to buf at *k, truncating so that a NUL still fits. */
static void put_bytes(char *buf, size_t cap, size_t *k, const char *p, size_t n) {
  if (n > cap - 1 - *k)
    n = cap - 1 - *k;
  if (n == 0)
    return;
  memcpy(buf + *k, p, n);
  *k += n;
}

/* Wire form of section 8.8.3: [ "W/" ] DQUOTE opaque DQUOTE. */
size_t ifm_etag_format(const ifm_etag *tag, char *buf, size_t cap) {
  size_t need = (tag->weak ? 2 : 0) + tag->len + 2, k = 0;

  if (!buf || cap == 0)
    return need;
  if (tag->weak)
    put_bytes(buf, cap, &k, "W/", 2);
  put_bytes(buf, cap, &k, "\"", 1);
  if (tag->len)
    put_bytes(buf, cap, &k, tag->opaque, tag->len);
  put_bytes(buf, cap, &k, "\"", 1);
  buf[k] = '\0';
  return need;
}

static int opaque_eq(const ifm_etag *a, const ifm_etag *b) {
  if (a->len != b->len)
    return 0;
  return a->len == 0 || memcmp(a->opaque, b->opaque, a->len) == 0;
}

/* Section 8.8.3.2: strong comparison needs both tags strong. */
int ifm_etag_strong_eq(const ifm_etag *a, const ifm_etag *b) {
  if (!a || !b || a->weak || b->weak)
    return 0;
  return opaque_eq(a, b);
}

/* Section 8.8.3.2: weak comparison ignores the W/ on either side. */
int ifm_etag_weak_eq(const ifm_etag *a, const ifm_etag *b) {
  if (!a || !b)
    return 0;
  return opaque_eq(a, b);
}

void ifm_list_init(ifm_list *l) {
  memset(l, 0, sizeof *l);
}

void ifm_list_clear(ifm_list *l) {
  free(l->tags);
  ifm_list_init(l);
}

/* Makes room for `more` tags beyond l->n, doubling the capacity. */
static int list_reserve(ifm_list *l, size_t more) {
  size_t want, cap;
  ifm_etag *p;

  if (more > SIZE_MAX / sizeof(ifm_etag) - l->n)
    return -1;
  want = l->n + more;
  if (want <= l->cap)
    return 0;
  cap = l->cap ? l->cap : 8;
  while (cap < want)
    cap = cap > SIZE_MAX / sizeof(ifm_etag) / 2 ? want : cap * 2;
  p = realloc(l->tags, cap * sizeof(ifm_etag));
  if (!p)
    return -1;
  l->tags = p;
  l->cap = cap;
  return 0;
}

/* Error for a bare '*' found at element position in a line that is not just
 * "*": say "combined with entity-tags" when there is a tag anywhere in the
 * field (before it, or after it on this line), else that it must stand alone. */
static int star_in_list(const ifm_list *l, size_t tags_before, const char *s,
                        size_t len, size_t pos, ifm_perr *err) {
  int tags = l->n > 0 || tags_before > 0 ||
             memchr(s + pos, '"', len - pos) != NULL;
  return set_err(err, l->lines, pos, tags ? ERR_STAR_MIX : ERR_STAR_ALONE);
}

/* Parses one field line that is not a bare "*" as #entity-tag with the
 * recipient's leniency (section 5.6.1.2): empty elements and OWS around
 * commas. Counts the tags in *count; stores them in out[] when out is not
 * NULL (the second pass, which cannot fail because the first one did not). */
static int parse_line(const ifm_list *l, const char *s, size_t len,
                      ifm_etag *out, size_t *count, ifm_perr *err) {
  size_t pos = 0, n = 0, used;
  ifm_perr e;

  for (;;) {
    while (pos < len && (is_ows((unsigned char)s[pos]) || s[pos] == ','))
      pos++;                                  /* OWS and empty elements */
    if (pos == len)
      break;
    if (s[pos] == '*')
      return star_in_list(l, n, s, len, pos, err);
    if (is_ctl((unsigned char)s[pos]))
      return set_err(err, l->lines, pos, ERR_FIELD_CTL);
    if (l->star)
      return set_err(err, l->lines, pos, ERR_STAR_MIX);
    if (ifm_etag_scan(s + pos, len - pos, out ? &out[n] : NULL, &used, &e) != 0)
      return set_err(err, l->lines, pos + e.offset, e.msg);
    n++;
    pos += used;
    while (pos < len && is_ows((unsigned char)s[pos]))
      pos++;
    if (pos == len)
      break;
    if (s[pos] == ',')
      continue;
    return set_err(err, l->lines, pos,
                   is_ctl((unsigned char)s[pos]) ? ERR_FIELD_CTL : ERR_COMMA);
  }
  *count = n;
  return 0;
}

int ifm_list_add_line(ifm_list *l, const char *value, size_t len, ifm_perr *err) {
  size_t b = 0, e = len, count = 0;

  while (b < e && is_ows((unsigned char)value[b]))
    b++;
  while (e > b && is_ows((unsigned char)value[e - 1]))
    e--;
  /* The "*" alternative of section 13.1.1: the whole field, once. Lines
   * combine into one value joined by ", " (section 5.3), so any other line,
   * even an empty one, makes the combined value ", *" or "*, ", which is
   * neither "*" nor a list of entity-tags. */
  if (e - b == 1 && value[b] == '*') {
    if (l->n > 0)
      return set_err(err, l->lines, b, ERR_STAR_MIX);
    if (l->star || l->lines > 0)
      return set_err(err, l->lines, b, ERR_STAR_ALONE);
    l->star = 1;
    l->star_line = 1;
    l->lines++;
    return 0;
  }
  if (parse_line(l, value, len, NULL, &count, err) != 0)
    return -1;
  if (l->star)                                /* an empty line after "*" */
    return set_err(err, l->lines, b, ERR_STAR_ALONE);
  if (count > 0) {
    if (list_reserve(l, count) != 0)
      return set_err(err, l->lines, 0, ERR_NOMEM);
    (void)parse_line(l, value, len, l->tags + l->n, &count, NULL);
    l->n += count;
  }
  l->lines++;
  return 0;
}

/* Section 13.1.1. Without a current representation there is nothing to
 * match, whatever `current` says. */
int ifm_list_if_match(const ifm_list *l, int has_rep, const ifm_etag *current) {
  size_t i;

  if (l->star)
    return has_rep ? 1 : 0;
  if (!has_rep || !current)
    return 0;
  for (i = 0; i < l->n; i++)
    if (ifm_etag_strong_eq(&l->tags[i], current))
      return 1;
  return 0;
}

/* Section 13.1.2: the negation of a weak match. */
int ifm_list_if_none_match(const ifm_list *l, int has_rep, const ifm_etag *current) {
  size_t i;

  if (l->star)
    return has_rep ? 0 : 1;
  if (!has_rep || !current)
    return 1;
  for (i = 0; i < l->n; i++)
    if (ifm_etag_weak_eq(&l->tags[i], current))
      return 0;
  return 1;
}
