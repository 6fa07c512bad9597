/* ifm_load.h: loading case files, target files and profile files, read
 * from libyaml's event stream into a compact tree of the loader's own
 * (ifm_yaml.h). Everything is checked before anything runs: unknown
 * keys, wrong types, aliases, duplicate keys, oversized input (1 MiB), unknown
 * requirement IDs, duplicate case IDs, template syntax and unknown variables.
 * Every problem is reported as "file:line:col: message" (1-based). */
#ifndef IFM_LOAD_H
#define IFM_LOAD_H

#include <stdio.h>
#include "ifm_model.h"

#define IFM_LOAD_MAX_BYTES (1024 * 1024)


/* Loads every case file named: a path is a file, or a directory walked
 * recursively for *.yaml / *.yml in sorted order, skipping directories named
 * "profiles" and "regress-disabled". extra_vars (may be NULL) are variable
 * names given with --var, known to the template check. Returns 0 when no
 * error was found; otherwise -1 and out is emptied. */
int ifm_load_suite(const char *const *paths, size_t n_paths, const char *const *extra_vars,
                   size_t n_extra, ifm_suite *out, ifm_errors *err);

/* Loads one case file from memory (the fuzzer's entry point too). */
int ifm_load_case_buffer(const char *name, const char *buf, size_t len,
                         const char *const *extra_vars, size_t n_extra,
                         ifm_case_file *out, ifm_errors *err);

/* Target files; ifm_target_init fills the defaults documented in
 * targets/README.md (GET/PUT/PATCH/DELETE on {{path}}, timeout 10 s, ...). */
void ifm_target_init(ifm_target *t);
int ifm_load_target(const char *path, ifm_target *out, ifm_errors *err);
int ifm_load_target_buffer(const char *name, const char *buf, size_t len, ifm_target *out,
                           ifm_errors *err);

/* Profiles: name_or_path is a profile name looked up as DIR/NAME.yaml, or a
 * path to a file. */
int ifm_load_profile(const char *name_or_path, const char *dir, ifm_profile *out, ifm_errors *err);

#endif
