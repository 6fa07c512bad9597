/* ifm_waiver.h: waivers, the known failures a vendor declares up front.
 *
 *   waivers:
 *     - case: IM-EMPTY-VALUE            # one case id, exactly (no globs)
 *       reason: "treated as absent; tracked as BUG-123"
 *       expires: 2027-03-31             # optional: after that day it waives nothing
 *
 * A waived case that FAILs is an expected failure (TAP "# TODO"): it does
 * not break conformance, and the certificate lists it. A waived case that
 * passes is flagged (the waiver is stale), and a waiver that names no case
 * of the suite is an error: a typo must not waive nothing silently. */
#ifndef IFM_WAIVER_H
#define IFM_WAIVER_H

#include "ifm_load.h"
#include "ifm_result.h"

typedef struct ifm_waiver {
  char *pattern;      /* the case id */
  char *reason;
  char expires[11];   /* YYYY-MM-DD, or "" */
  int expired;        /* expires is before today (UTC, when loaded): it waives nothing */
  ifm_pos pos;
  size_t matched;     /* cases of the suite it names */
} ifm_waiver;

typedef struct ifm_waivers {
  char *path;
  ifm_waiver *items;
  size_t n;
} ifm_waivers;

int ifm_waivers_load(const char *path, ifm_waivers *out, ifm_errors *err);
void ifm_waivers_clear(ifm_waivers *w);

/* Checks that every waiver names at least one case of the suite. */
int ifm_waivers_check(ifm_waivers *w, const ifm_suite *suite, ifm_errors *err);

/* Marks the waived results (waived = 1, waiver_reason). Returns the number
 * of waived cases that passed (stale waivers). */
size_t ifm_waivers_apply(const ifm_waivers *w, ifm_report *rep);

#endif
