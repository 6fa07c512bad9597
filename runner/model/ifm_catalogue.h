/* ifm_catalogue.h: the requirement catalogue of REQUIREMENTS.md, compiled in,
 * so case files can be checked against it and reports can cite it. */
#ifndef IFM_CATALOGUE_H
#define IFM_CATALOGUE_H

#include <stddef.h>
#include "ifm_verdict.h"

/* One requirement. Every string is plain ASCII and never NULL.
 *
 * rule: what a FAIL of the requirement breaks, for a report to show next to
 *   the evidence: the normative sentence(s) quoted verbatim from the RFC, each
 *   quotation after the RFC and section it is in ("RFC 9110 13.1.1: \"...\"");
 *   "..." marks a cut, and a quotation inside the RFC's sentence is written
 *   with single quotes. Grammar is given as ABNF, unquoted. Where the
 *   requirement rests on a profile (IM-RACE-STAR-LWW: cpp) or on the
 *   project's reading of several sentences, the text says so in its own
 *   words, outside quotation marks. At most about 400 characters.
 * fix: what a server implementer should change, one or two sentences ending
 *   with a period. */
typedef struct ifm_requirement {
  int number;            /* 1..39, the catalogue's numbering */
  const char *id;        /* IM-MATCH-OK */
  ifm_level level;       /* the level of its core rule */
  const char *spec;      /* "RFC 9110 13.1.1" */
  const char *summary;
  int concurrent;        /* (C): needs concurrent clients */
  const char *rule;      /* the RFC sentence(s) a FAIL breaks, quoted */
  const char *fix;       /* what to change in the server */
} ifm_requirement;

const ifm_requirement *ifm_catalogue_find(const char *id);
const ifm_requirement *ifm_catalogue_at(size_t i);   /* NULL past the end */
size_t ifm_catalogue_count(void);

#endif
