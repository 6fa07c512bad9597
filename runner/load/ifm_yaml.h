/* ifm_yaml.h: strict YAML reading for the loaders (case, target and profile
 * files). It knows YAML and positions, nothing about cases.
 *
 * libyaml's document API is convenient but lenient: it resolves aliases
 * silently, keeps duplicate mapping keys, accepts any size and recurses once
 * per nesting level. So a file is first run through the event parser, which
 * refuses anchors, aliases, tags, several documents and deep nesting with
 * their exact positions; only then is it composed with yaml_parser_load, and
 * every mapping of the result is checked for duplicate and non-scalar keys.
 *
 * Every error goes through ifm_yaml_error*() as "file:line:col: message"
 * (1-based) and is counted in y->n_errors, so a loader checks that one
 * number at the end instead of threading results through every helper.
 */
#ifndef IFM_YAML_H
#define IFM_YAML_H

#include <stddef.h>
#include <yaml.h>
#include "ifm_load.h"

#define IFM_YAML_MAX_DEPTH 64

typedef struct ifm_yaml {
  const char *file;     /* name in messages and in ifm_pos; owned by the object being built */
  ifm_errors *err;
  size_t n_errors;      /* errors reported for this file */
  yaml_document_t doc;
  int loaded;           /* doc holds a document */
  void *user;           /* the loader's context, for ifm_yaml_field callbacks */
} ifm_yaml;

/* Reads a whole file (at most IFM_LOAD_MAX_BYTES) into a NUL-terminated
 * buffer the caller frees. Returns 0, or -1 with the error added. */
int ifm_yaml_read_file(const char *path, char **buf, size_t *len, ifm_errors *err);

/* Parses buf into y->doc after the checks above. file must outlive y (its
 * positions point at it). Returns 0, or -1 with the errors added; either way
 * ifm_yaml_done() must be called. */
int ifm_yaml_parse(ifm_yaml *y, const char *file, const char *buf, size_t len, ifm_errors *err);
void ifm_yaml_done(ifm_yaml *y);

yaml_node_t *ifm_yaml_root(ifm_yaml *y);
yaml_node_t *ifm_yaml_get(ifm_yaml *y, int id);

ifm_pos ifm_yaml_pos(const ifm_yaml *y, const yaml_node_t *n);
/* The position of byte off inside scalar n when it can be told exactly (a
 * one-line scalar without escapes), else the start of n. */
ifm_pos ifm_yaml_pos_at(const ifm_yaml *y, const yaml_node_t *n, size_t off);

void ifm_yaml_error(ifm_yaml *y, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ifm_yaml_error_pos(ifm_yaml *y, const ifm_pos *pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Reports an allocation failure at n and returns -1. */
int ifm_yaml_oom(ifm_yaml *y, const yaml_node_t *n);

/* "a mapping", "a list", "a string", "a number", "a boolean", "nothing". */
const char *ifm_yaml_kind(const yaml_node_t *n);
/* The text of a scalar (NUL-terminated), or NULL for other nodes. */
const char *ifm_yaml_scalar(const yaml_node_t *n);
/* 1 when n is a mapping / a list; else reports "what: expected ..., got ..." and returns 0. */
int ifm_yaml_want_map(ifm_yaml *y, const yaml_node_t *n, const char *what);
int ifm_yaml_want_list(ifm_yaml *y, const yaml_node_t *n, const char *what);
size_t ifm_yaml_count(const yaml_node_t *n);  /* items of a list, pairs of a mapping */

/* Scalar readers. Each returns 0, or -1 after reporting "what: ...".
 *   text:   any scalar, as written (templates: 412 is the text "412")
 *   string: a scalar that is not a plain number, boolean or null
 *   int:    a plain decimal integer in [min, max]
 *   number: a plain integer or decimal fraction in (min, max]
 *   bool:   plain true / false
 *   strlist: a list of strings (may be empty) */
int ifm_yaml_text(ifm_yaml *y, const yaml_node_t *n, const char *what, char **out);
int ifm_yaml_string(ifm_yaml *y, const yaml_node_t *n, const char *what, char **out);
int ifm_yaml_int(ifm_yaml *y, const yaml_node_t *n, const char *what, long min, long max, long *out);
int ifm_yaml_number(ifm_yaml *y, const yaml_node_t *n, const char *what, double min, double max,
                    double *out);
int ifm_yaml_bool(ifm_yaml *y, const yaml_node_t *n, const char *what, int *out);
int ifm_yaml_strlist(ifm_yaml *y, const yaml_node_t *n, const char *what, char ***out, size_t *n_out);

/* Index of string s in names[], or -1 after reporting
 * "unknown WHAT 's' (expected one of: a, b, c)" at n. */
int ifm_yaml_oneof(ifm_yaml *y, const yaml_node_t *n, const char *what, const char *s,
                   const char *const *names, size_t n_names);

/* The one table-driven way to read a mapping. Each key of the mapping must
 * match an entry (exactly, or by prefix with IFM_YF_PREFIX: "header." takes
 * "header.etag"); the entry's callback gets the object and the key and value
 * nodes, in document order. Unknown keys and missing required keys are
 * reported; all keys are visited even after an error. Returns 0 or -1. */
#define IFM_YF_REQUIRED 1u
#define IFM_YF_PREFIX 2u

typedef int (*ifm_yaml_field_cb)(ifm_yaml *y, void *obj, yaml_node_t *key, yaml_node_t *value);

typedef struct ifm_yaml_field {
  const char *key;
  unsigned flags;
  ifm_yaml_field_cb cb;
} ifm_yaml_field;

int ifm_yaml_fields(ifm_yaml *y, yaml_node_t *map, const char *what, const ifm_yaml_field *fields,
                    size_t n_fields, void *obj);

#endif
