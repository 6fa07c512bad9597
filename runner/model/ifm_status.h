/* ifm_status.h: a set of acceptable status codes, the one home of
 * ifm_status_spec. Text forms: "412", "2xx", "[412, 409]" (a list of codes
 * and classes); in case files also {profile: KEY}, resolved against the active
 * profile by the judge. */
#ifndef IFM_STATUS_H
#define IFM_STATUS_H

#include <stddef.h>
#include "ifm_buf.h"

/* A set of acceptable status codes: classes ("2xx"), explicit codes, or a
 * profile key resolved against the active profile at judge time. */
typedef struct ifm_status_spec {
  unsigned classes;   /* bit k set: any kxx accepted (bits 1..5) */
  unsigned n_codes;
  short codes[16];    /* 100..599; short: every step holds two specs (56 bytes, not 96) */
  char *profile_key;  /* non-NULL: look the set up in the profile */
  char *text;         /* as written, for messages: "2xx", "[412, 409]", "profile missing_if_match" */
} ifm_status_spec;

/* Frees what s owns and zeroes it. */
void ifm_status_spec_clear(ifm_status_spec *s);
/* 1 when status is in the set. A spec naming a profile key accepts nothing
 * by itself (resolve it first). */
int ifm_status_spec_accepts(const ifm_status_spec *s, int status);
/* Structural equality of two status sets (same classes and codes, any order). */
int ifm_status_spec_equal(const ifm_status_spec *a, const ifm_status_spec *b);
/* Parses the text form. Returns 0, or -1 with out zeroed. */
int ifm_status_spec_parse_text(const char *text, ifm_status_spec *out);
/* The same, with the reason for a refusal in why. */
int ifm_status_spec_parse_why(const char *text, ifm_status_spec *out, char *why, size_t whylen);
/* Adds one item, "412" or "2xx" (s[0..len)), to sp and its text. Returns 0,
 * or -1 with a message in why. */
int ifm_status_spec_add_item(const char *s, size_t len, ifm_status_spec *sp, ifm_buf *text, char *why,
                             size_t whylen);

#endif
