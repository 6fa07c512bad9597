/* ifm_paths.h: finding the suite (the folder holding cases/, with
 * cases/profiles/, and targets/) when the user names no case path, profile
 * file or target. The first that holds a cases/ directory:
 *   1. --suite DIR (ifm_paths_set_suite), else $IFMATCH_SUITE, else
 *      $IFMATCH_HOME (its older name): when one is given it is the only
 *      place looked at;
 *   2. the install prefix: the program's folder + IFM_DATA_REL
 *      (bin/ifmatch -> ../share/ifmatch), which CMake computes;
 *   3. unless built with IFM_INSTALLED_BUILD (the Debian package): beside
 *      the program, its parent (build/ifmatch -> ../cases), and the source
 *      tree it was built from (IFM_SOURCE_DIR).
 * Never the current directory: a run must not change with where it starts. */
#ifndef IFM_PATHS_H
#define IFM_PATHS_H

#include <stddef.h>

/* The --suite option: DIR replaces every other way of finding the suite.
 * The string is kept, not copied. NULL forgets it. */
void ifm_paths_set_suite(const char *dir);

/* The suite's root directory (absolute, symlinks resolved), malloc'd, or
 * NULL when none is found. */
char *ifm_paths_home(void);

/* NULL when the suite named by --suite, $IFMATCH_SUITE or $IFMATCH_HOME
 * holds a cases/ directory, or when none is named; else a static message
 * saying which one does not. */
const char *ifm_paths_check(void);

/* Returns a malloc'd path to HOME/rel that exists, or NULL. */
char *ifm_paths_find(const char *rel);

/* The directory case files are named relative to in the reports, so that
 * names do not depend on the machine (JUnit classnames): the suite's root
 * when no case path is named; for case paths named on the command line,
 * the root when the absolute ones all lie in it, else the current
 * directory when they all lie in that, else the directory their parents
 * share. Relative case paths are relative to the current directory
 * already. A malloc'd path, or NULL. */
char *ifm_paths_suite_root(const char *const *paths, size_t n_paths);

#endif
