/* ifm_load_int.h: what the loader's files share with each other; not part of
 * the loader's API (that is ifm_load.h). Calls between the files go one way:
 *
 *   ifm_load_suite.c -> ifm_load_case.c -> ifm_load_step.c -> ifm_load_vars.c
 *   the case, step, target, profile files -> ifm_load_common.c -> ifm_yaml.c
 *   ifm_load_target.c -> ifm_load_net.c -> ifm_netcheck.c
 *   every loader -> ifm_yaml_tree.c (parsing) -> ifm_yaml.c
 *
 * and no file calls into a file that calls back into it.
 */
#ifndef IFM_LOAD_INT_H
#define IFM_LOAD_INT_H

#include "ifm_load.h"
#include "ifm_yaml.h"

/* Reads a scalar that holds a template, checks it (and whatever else the
 * file kind needs: ${env:...} in target files) and returns it in *out.
 * Returns 0, or -1 after reporting. */
typedef int (*ifm_load_text_fn)(ifm_yaml *y, const ifm_yaml_node *n, const char *what, char **out);

/* ---- ifm_load_common.c: field lines, tokens, capabilities ---- */

/* 1 when s is a non-empty RFC 9110 token (a valid field name or method). */
int ifm_load_is_token(const char *s);
/* Appends one field line (takes name and value, even on failure). */
int ifm_load_kv_add(ifm_kv **kv, size_t *n_kv, char *name, char *value, ifm_pos pos);
/* `headers:` as a mapping or a list of [name, value] pairs, appended to
 * *kv in order; values go through text(). */
int ifm_load_headers(ifm_yaml *y, const ifm_yaml_node *n, ifm_load_text_fn text, ifm_kv **kv, size_t *n_kv);
/* Reports a template error at byte off of text (the value of scalar n). */
void ifm_load_tmpl_error(ifm_yaml *y, const ifm_yaml_node *n, const char *what, const char *text, size_t off,
                         const char *msg);
/* The index of capability name, or -1 after reporting it unknown at n. */
int ifm_load_capability_check(ifm_yaml *y, const ifm_yaml_node *n, const char *name);

/* ---- ifm_load_common.c: profile keys and status specs ---- */

/* The key table of cases/profiles/README.md. */
extern const char *const ifm_load_profile_keys[];
extern const size_t ifm_load_n_profile_keys;
/* The index of key in the table, or -1 after reporting it unknown at n. */
int ifm_load_profile_key_check(ifm_yaml *y, const ifm_yaml_node *n, const char *key);
/* A status spec from a node: 412, "412", "2xx", [412, "2xx"], and with
 * allow_profile also {profile: KEY}. Returns 0 or -1 (reported). */
int ifm_load_status(ifm_yaml *y, const ifm_yaml_node *n, int allow_profile, ifm_status_spec *out);
/* A status spec in its text form held by a scalar ("412", "2xx", "[412, 409]"),
 * as in `count:` keys. Returns 0 or -1 (reported). */
int ifm_load_status_text(ifm_yaml *y, const ifm_yaml_node *n, ifm_status_spec *out);

/* ---- ifm_load_net.c: a target's connection keys (ifm_netcheck.h) ---- */

/* Reads key (proxy, noproxy, resolve, connect_to; cert, key of tls) into
 * net, its value through text() and checked. 0, or -1 after reporting. */
int ifm_load_net_key(ifm_yaml *y, const ifm_yaml_node *key, const ifm_yaml_node *value, ifm_load_text_fn text,
                     ifm_netopts *net);
/* Once the tls mapping is read: the certificate and key files together
 * (readable, PEM, the key not encrypted), reported at the key at fault. */
int ifm_load_net_tls(ifm_yaml *y, const ifm_yaml_node *tls, const ifm_netopts *net);

/* ---- ifm_load_vars.c: what a case's templates may name ---- */

/* The case file being read; y->user points at it while a case file loads. */
typedef struct ifm_load_case_ctx {
  const char *const *extra;   /* --var names */
  size_t n_extra;
  ifm_case *c;                /* the case being read */
  size_t step;                /* the index of its step being read */
  struct ifm_load_capture_ref *caps;   /* open hash table: variables captured so far in c */
  size_t n_caps, cap_caps;
} ifm_load_case_ctx;

/* Starts case c: no variable captured yet. */
void ifm_load_vars_case(ifm_load_case_ctx *x, ifm_case *c);
/* Step i of the case is read: its captures are known from step i + 1 on.
 * Returns 0, or -1 when out of memory. */
int ifm_load_vars_step_done(ifm_load_case_ctx *x, size_t i);
void ifm_load_vars_clear(ifm_load_case_ctx *x);
/* A template in a case file: its syntax, and every variable it names known
 * at this point of the case (built-ins, --var names, earlier captures). */
int ifm_load_case_text(ifm_yaml *y, const ifm_yaml_node *n, const char *what, char **out);
/* The text of a `raw:` step: a case template that may also name the raw
 * step's own variables, in the notation of ifm_raw.h (escapes checked). */
int ifm_load_raw_text(ifm_yaml *y, const ifm_yaml_node *n, const char *what, char **out);

/* ---- ifm_load_step.c ---- */

/* One step of a case (y->user's step index says which). */
int ifm_load_step(ifm_yaml *y, const ifm_yaml_node *n, ifm_step *st);

/* ---- ifm_load_case.c ---- */

/* Loads one case file from buf (ifm_load_case_buffer). free_after_parse,
 * when not NULL, is freed as soon as buf is parsed: the suite hands its file
 * buffer over so it does not stay beside the model being built. */
int ifm_load_case_file(const char *name, const char *buf, size_t len, char *free_after_parse,
                       const char *const *extra_vars, size_t n_extra, ifm_case_file *out, ifm_errors *err);
/* Reports every case whose id an earlier case of files[] has; returns how many. */
size_t ifm_load_ids_check(const ifm_case_file *files, size_t n_files, ifm_errors *err);

#endif
