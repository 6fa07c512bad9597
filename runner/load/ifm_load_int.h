/* ifm_load_int.h: what the loader's files (ifm_load_case.c,
 * ifm_load_target.c, ifm_load_profile.c) share with each other. Not part of
 * the loader's API (that is ifm_load.h).
 */
#ifndef IFM_LOAD_INT_H
#define IFM_LOAD_INT_H

#include "ifm_load.h"
#include "ifm_yaml.h"

/* Reads a scalar that holds a template, checks it (and whatever else the
 * file kind needs: ${env:...} in target files) and returns it in *out.
 * Returns 0, or -1 after reporting. */
typedef int (*ifm_load_text_fn)(ifm_yaml *y, const yaml_node_t *n, const char *what, char **out);

/* ifm_load_profile.c: the profile key table and status specs. */
int ifm_load_profile_key_check(ifm_yaml *y, const yaml_node_t *n, const char *key);
/* A status spec from a node: 412, "412", "2xx", [412, "2xx"], and with
 * allow_profile also {profile: KEY}. Returns 0 or -1 (reported). */
int ifm_load_status(ifm_yaml *y, const yaml_node_t *n, int allow_profile, ifm_status_spec *out);
/* A status spec in its text form held by a scalar ("412", "2xx", "[412, 409]"),
 * as in `count:` keys. Returns 0 or -1 (reported). */
int ifm_load_status_text(ifm_yaml *y, const yaml_node_t *n, ifm_status_spec *out);

/* ifm_load_target.c: capabilities and header field lines. */
int ifm_load_capability_check(ifm_yaml *y, const yaml_node_t *n, const char *name);
/* 1 when s is a non-empty RFC 9110 token (a valid field name or method). */
int ifm_load_is_token(const char *s);
/* `headers:` as a mapping or a list of [name, value] pairs, appended to
 * *kv in order; values go through text(). */
int ifm_load_headers(ifm_yaml *y, const yaml_node_t *n, ifm_load_text_fn text, ifm_kv **kv,
                     size_t *n_kv);
/* Reports a template error at byte off of text (the value of scalar n). */
void ifm_load_tmpl_error(ifm_yaml *y, const yaml_node_t *n, const char *what, const char *text, size_t off,
                         const char *msg);
/* Appends one field line (takes name and value, even on failure). */
int ifm_load_kv_add(ifm_kv **kv, size_t *n_kv, char *name, char *value, ifm_pos pos);

#endif
