/* ifm_paths.h: finding the suite (cases/), the profiles and the reference
 * target when the user names none: $IFMATCH_HOME, then beside the program
 * (build/ifmatch -> ../cases), then the source tree it was built from. */
#ifndef IFM_PATHS_H
#define IFM_PATHS_H

#include <stddef.h>

/* Returns a malloc'd path to DIR/rel that exists, or NULL. */
char *ifm_paths_find(const char *rel);

/* The directory case files are named relative to in the reports, so that
 * names do not depend on the machine (JUnit classnames): the one holding the
 * default cases/ (the ifmatch home) when no case path is named; for case
 * paths named on the command line, the home when the absolute ones all lie
 * in it, else the current directory when they all lie in that, else the
 * directory their parents share. Relative case paths are relative to the
 * current directory already. A malloc'd path, or NULL. */
char *ifm_paths_suite_root(const char *const *paths, size_t n_paths);

#endif
