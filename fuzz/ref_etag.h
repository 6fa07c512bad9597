/* ref_etag.h: a second reading of the If-Match grammar, for differential
 * fuzzing of core/ifm_etag.c. Written straight from RFC 9110 and kept
 * deliberately naive (one pass, character classes, no cleverness), so that it
 * is easy to believe and shares no code, and few ideas, with the real parser.
 *
 *   If-Match   = "*" / #entity-tag                  ; section 13.1.1
 *   entity-tag = [ %s"W/" ] DQUOTE *etagc DQUOTE    ; section 8.8.3
 *   etagc      = %x21 / %x23-7E / %x80-FF
 *   #element   = [ element ] *( OWS "," OWS [ element ] )   ; 5.6.1.2, recipient
 *
 * The field value may be surrounded by OWS. Several field lines are one field
 * whose value is the lines joined with ", " (section 5.3).
 */
#ifndef REF_ETAG_H
#define REF_ETAG_H

#include <stddef.h>

typedef struct ref_tag {
  int weak;
  const unsigned char *p;   /* the opaque bytes, between the quotes */
  size_t len;
} ref_tag;

typedef struct ref_field {
  int star;
  size_t n;
  ref_tag *tags;            /* the caller's array (see ref_field_parse) */
} ref_field;

/* Exactly one entity-tag at the start of s; *used = the bytes it took.
 * Returns 0, or -1 when s does not start with an entity-tag. */
int ref_tag_scan(const unsigned char *s, size_t len, ref_tag *out, size_t *used);

/* One whole field value, into tags: room for len / 2 + 1 of them (a tag takes
 * at least two bytes), which out->tags then points at. Returns 0, or -1 when
 * the value is not "*" / #entity-tag (out->n is then 0). The tags point into s. */
int ref_field_parse(const unsigned char *s, size_t len, ref_tag *tags, ref_field *out);

#endif
