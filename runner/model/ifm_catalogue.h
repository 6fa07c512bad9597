/* ifm_catalogue.h: the requirement catalogue of REQUIREMENTS.md, compiled in,
 * so case files can be checked against it and reports can cite it. */
#ifndef IFM_CATALOGUE_H
#define IFM_CATALOGUE_H

#include <stddef.h>
#include "ifm_verdict.h"

typedef struct ifm_requirement {
  int number;            /* 1..39, the catalogue's numbering */
  const char *id;        /* IM-MATCH-OK */
  ifm_level level;       /* the level of its core rule */
  const char *spec;      /* "RFC 9110 13.1.1" */
  const char *summary;
  int concurrent;        /* (C): needs concurrent clients */
} ifm_requirement;

const ifm_requirement *ifm_catalogue_find(const char *id);
const ifm_requirement *ifm_catalogue_at(size_t i);   /* NULL past the end */
size_t ifm_catalogue_count(void);

#endif
