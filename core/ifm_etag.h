/* ifm_etag.h: RFC 9110 entity-tags and If-Match / If-None-Match field values.
 *
 * One grammar, used by the runner (to check what servers emit), the reference
 * server (to evaluate preconditions) and the fuzzers (as the system under test).
 *
 *   entity-tag = [ weak ] opaque-tag                 ; RFC 9110 section 8.8.3
 *   weak       = %s"W/"                              ; case-sensitive
 *   opaque-tag = DQUOTE *etagc DQUOTE
 *   etagc      = %x21 / %x23-7E / obs-text           ; obs-text = %x80-FF
 *   If-Match   = "*" / #entity-tag                   ; section 13.1.1
 *
 * A recipient accepts empty list elements and OWS (SP / HTAB) around commas
 * (section 5.6.1.2); several field lines of the same name combine, in order,
 * into one comma-separated list (section 5.3). Nothing here unescapes a
 * backslash: etagc has no quoted-pair, so "a\" is a complete tag.
 *
 * Memory: an ifm_etag never owns bytes; it points into the caller's buffer,
 * which must outlive it. An ifm_list owns only its array of ifm_etag.
 */
#ifndef IFM_ETAG_H
#define IFM_ETAG_H

#include <stddef.h>

/* One entity-tag. opaque points at the bytes between the double quotes. */
typedef struct ifm_etag {
  int weak;            /* 1 when the tag had the W/ prefix */
  const char *opaque;  /* not NUL-terminated; may contain 0x80-0xFF */
  size_t len;          /* 0 for "" (a legal, empty opaque-tag) */
} ifm_etag;

/* Where and why a value was refused. msg is a static string. */
typedef struct ifm_perr {
  size_t line;         /* index of the field line (0 for single values) */
  size_t offset;       /* byte offset of the problem within that line */
  const char *msg;
} ifm_perr;

/* A parsed If-Match / If-None-Match field: either the bare "*" or a list
 * (possibly empty: RFC 9110 #rule allows zero elements). */
typedef struct ifm_list {
  int star;            /* the whole field was "*" */
  size_t n;            /* number of tags (0 when star) */
  ifm_etag *tags;      /* owned; tags[i].opaque points into the field lines */
  size_t cap;
  size_t lines;        /* field lines added so far */
  int star_line;       /* internal: a line so far was a bare "*" */
} ifm_list;

/* Parses exactly one entity-tag occupying all of s[0..len). The ETag response
 * header (IM-ETAG-WELLFORMED) must pass this. Returns 0, or -1 with *err set
 * (err may be NULL). */
int ifm_etag_parse(const char *s, size_t len, ifm_etag *out, ifm_perr *err);

/* Parses one entity-tag at the start of s[0..len) and says how many bytes it
 * took in *used; the rest of the input is not looked at. Returns 0 or -1. */
int ifm_etag_scan(const char *s, size_t len, ifm_etag *out, size_t *used, ifm_perr *err);

/* Writes the tag in its wire form (W/ prefix, quotes) into buf (NUL-terminated
 * when cap > 0). Returns the length the full form needs, like snprintf. */
size_t ifm_etag_format(const ifm_etag *tag, char *buf, size_t cap);

/* Strong comparison (section 8.8.3.2): both not weak, opaque bytes equal. */
int ifm_etag_strong_eq(const ifm_etag *a, const ifm_etag *b);
/* Weak comparison: opaque bytes equal, weakness ignored. */
int ifm_etag_weak_eq(const ifm_etag *a, const ifm_etag *b);

void ifm_list_init(ifm_list *l);
void ifm_list_clear(ifm_list *l);   /* frees tags; the list can be reused after init */

/* Adds one field line's value (without the field name and colon; surrounding
 * OWS allowed). A bare "*" must be the whole field: "*" together with any tag,
 * or "*" on two lines, or "*, *" is malformed, and so is "*" with another
 * field line even when that line is empty (the combined value would be
 * ", *": section 5.3). Otherwise an empty or all-commas value
 * adds nothing and is valid. On error returns -1 with err->line = the index of
 * this line, and the list is left as it was before the call. */
int ifm_list_add_line(ifm_list *l, const char *value, size_t len, ifm_perr *err);

/* If-Match evaluation (section 13.1.1): "*" is true when a current
 * representation exists; a list is true when one member strongly matches the
 * current entity-tag. current may be NULL (no representation, or one without
 * an entity-tag); has_rep says whether a current representation exists. */
int ifm_list_if_match(const ifm_list *l, int has_rep, const ifm_etag *current);

/* If-None-Match evaluation (section 13.1.2): "*" is false when a current
 * representation exists; a list is false when one member weakly matches. */
int ifm_list_if_none_match(const ifm_list *l, int has_rep, const ifm_etag *current);

#endif
