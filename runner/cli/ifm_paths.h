/* ifm_paths.h: finding the suite (cases/), the profiles and the reference
 * target when the user names none: $IFMATCH_HOME, then beside the program
 * (build/ifmatch -> ../cases), then the source tree it was built from. */
#ifndef IFM_PATHS_H
#define IFM_PATHS_H

/* Returns a malloc'd path to DIR/rel that exists, or NULL. */
char *ifm_paths_find(const char *rel);

#endif
