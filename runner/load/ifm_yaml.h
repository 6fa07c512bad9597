/* ifm_yaml.h: strict YAML reading for the loaders (case, target, profile and
 * waiver files). It knows YAML and positions, nothing about cases.
 *
 * A file is read in one pass over libyaml's event stream (yaml_parser_parse)
 * into the loader's own tree (ifm_yaml_tree.c): anchors, aliases, tags,
 * several documents and nesting deeper than IFM_YAML_MAX_DEPTH are refused at
 * their exact positions while the events go by, then every mapping is checked
 * for duplicate and non-scalar keys. libyaml's document API is not used: it
 * resolves aliases silently, keeps duplicate keys, recurses once per level,
 * and its nodes (96 bytes each, in stacks that double) made a 800 KB case
 * file cost 20 MB.
 *
 * The tree is small on purpose: 16-byte nodes, the children of a list or
 * mapping a contiguous range of node indexes (a mapping's keys and values
 * alternate), short scalars inside their node and one array holding the
 * bytes of the longer ones. Nodes are stored in blocks of IFM_YAML_BLOCK, so
 * that a loader can give back what it has read while it reads on
 * (ifm_yaml_release: a 10,000-step case is read step by step). The tree
 * belongs to the ifm_yaml and lives from ifm_yaml_parse() to ifm_yaml_done(),
 * which a loader calls as soon as the model is built; node pointers are
 * valid until then (or until released).
 *
 * Every error goes through ifm_yaml_error*() as "file:line:col: message"
 * (1-based) and is counted in y->n_errors, so a loader checks that one
 * number at the end instead of threading results through every helper.
 *
 * Positions (cases/README.md says the same to users). LINE is 1 plus the
 * line ends before the byte: LF, CR LF (one end) or a CR alone; NEL, LS and
 * PS, which YAML 1.1 also breaks lines at but editors do not, are not line
 * ends here. COL is 1 plus the bytes between the start of the line and the
 * byte: a tab is one column, "é" two, an emoji four; a UTF-8 byte order mark
 * is not counted, so the byte after it is 1:1. Bytes, not characters, as
 * clang, vim's col() and gcc -fdiagnostics-column-unit=byte count them:
 * a byte position can point inside a line that is not valid UTF-8, which a
 * character count cannot. Invalid UTF-8 is reported at the first byte of the
 * first ill-formed sequence; an error at the end of the file at the byte
 * after the last one, on the last line even without a final newline.
 * libyaml's own marks follow none of this (ifm_yaml_tree.c).
 */
#ifndef IFM_YAML_H
#define IFM_YAML_H

#include <stddef.h>
#include <stdint.h>
#include "ifm_load.h"

#define IFM_YAML_MAX_DEPTH 64

typedef enum ifm_yaml_type { IFM_YAML_SCALAR = 0, IFM_YAML_LIST, IFM_YAML_MAP } ifm_yaml_type;

/* Scalar flags. */
#define IFM_YAML_PLAIN 1u   /* plain style: may read as a number, boolean or null */
#define IFM_YAML_EXACT 2u   /* one line, and the value is its source byte for byte */
#define IFM_YAML_QUOTED 4u  /* '...' or "..." (with EXACT: the value starts one column in) */
#define IFM_YAML_NUL 8u     /* the value holds a NUL byte */
#define IFM_YAML_INLINE 16u /* the value is short and held in the node (text) */

/* One node of the tree. A list's items are nodes off .. off + len - 1; a
 * mapping's pairs are nodes off + 2i (key) and off + 2i + 1 (value), len
 * counting both. A scalar of up to 7 bytes (most keys, codes, short values)
 * is held in the node itself, NUL-terminated (IFM_YAML_INLINE); a longer one
 * is y->bytes[off .. off + len), NUL-terminated. */
typedef struct ifm_yaml_node {
  union {
    struct {
      uint32_t off;
      uint32_t len;
    };
    char text[8];
  };
  uint32_t line;           /* 1-based */
  unsigned col : 24;       /* 1-based, in bytes (see Positions above) */
  unsigned type : 2;       /* ifm_yaml_type */
  unsigned flags : 6;      /* IFM_YAML_PLAIN ... (scalars) */
} ifm_yaml_node;

#define IFM_YAML_BLOCK_BITS 12
#define IFM_YAML_BLOCK (1u << IFM_YAML_BLOCK_BITS)   /* nodes a block: 64 KiB */

typedef struct ifm_yaml {
  const char *file;       /* name in messages and in ifm_pos; owned by the object being built */
  ifm_errors *err;
  size_t n_errors;        /* errors reported for this file */
  ifm_yaml_node **blocks; /* the nodes, IFM_YAML_BLOCK a block (owned; NULL: released) */
  uint32_t n_blocks;
  uint32_t n_released;    /* blocks [0, n_released) are given back */
  uint32_t n_nodes;
  char *bytes;            /* every scalar's bytes (owned) */
  uint32_t n_bytes;
  const ifm_yaml_node *root;
  void *user;             /* the loader's context, for ifm_yaml_field callbacks */
} ifm_yaml;

/* Reads a whole file (at most IFM_LOAD_MAX_BYTES) into a NUL-terminated
 * buffer the caller frees. Returns 0, or -1 with the error added. */
int ifm_yaml_read_file(const char *path, char **buf, size_t *len, ifm_errors *err);

/* Parses buf into y's tree after the checks above (ifm_yaml_tree.c). The
 * tree copies what it keeps, so buf may be freed as soon as this returns.
 * file must outlive y (its positions point at it). Returns 0, or -1 with the
 * errors added; either way ifm_yaml_done() must be called. */
int ifm_yaml_parse(ifm_yaml *y, const char *file, const char *buf, size_t len, ifm_errors *err);
/* Frees the tree (y's counts and file stay, for messages). */
void ifm_yaml_done(ifm_yaml *y);
/* Gives back the memory of what the document holds before the end of n: the
 * insides of n and of every list or mapping that ended before n did. The
 * loader must not read into them again; n itself, the lists and mappings
 * that hold it and their own items and pairs, and everything after n stay.
 * A loader that reads in document order calls it after each item of a long
 * list. */
void ifm_yaml_release(ifm_yaml *y, const ifm_yaml_node *n);

const ifm_yaml_node *ifm_yaml_root(const ifm_yaml *y);
/* Node number i (0 <= i < y->n_nodes). */
const ifm_yaml_node *ifm_yaml_at(const ifm_yaml *y, uint32_t i);
/* Item i of list n, key / value of pair i of mapping n (i < ifm_yaml_count). */
const ifm_yaml_node *ifm_yaml_item(const ifm_yaml *y, const ifm_yaml_node *n, size_t i);
const ifm_yaml_node *ifm_yaml_key(const ifm_yaml *y, const ifm_yaml_node *n, size_t i);
const ifm_yaml_node *ifm_yaml_value(const ifm_yaml *y, const ifm_yaml_node *n, size_t i);
int ifm_yaml_is_map(const ifm_yaml_node *n);
int ifm_yaml_is_list(const ifm_yaml_node *n);
int ifm_yaml_is_scalar(const ifm_yaml_node *n);

ifm_pos ifm_yaml_pos(const ifm_yaml *y, const ifm_yaml_node *n);
/* The position of byte off inside scalar n when it can be told exactly (a
 * one-line scalar without escapes), else the start of n. */
ifm_pos ifm_yaml_pos_at(const ifm_yaml *y, const ifm_yaml_node *n, size_t off);

void ifm_yaml_error(ifm_yaml *y, const ifm_yaml_node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ifm_yaml_error_pos(ifm_yaml *y, const ifm_pos *pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Reports an allocation failure at n and returns -1. */
int ifm_yaml_oom(ifm_yaml *y, const ifm_yaml_node *n);

/* "a mapping", "a list", "a string", "a number", "a boolean", "nothing". */
const char *ifm_yaml_kind(const ifm_yaml *y, const ifm_yaml_node *n);
/* The text of a scalar (NUL-terminated), or NULL for other nodes; its length
 * in bytes (it may hold a NUL: IFM_YAML_NUL). */
const char *ifm_yaml_scalar(const ifm_yaml *y, const ifm_yaml_node *n);
size_t ifm_yaml_scalar_len(const ifm_yaml_node *n);
/* 1 when n is a mapping / a list; else reports "what: expected ..., got ..." and returns 0. */
int ifm_yaml_want_map(ifm_yaml *y, const ifm_yaml_node *n, const char *what);
int ifm_yaml_want_list(ifm_yaml *y, const ifm_yaml_node *n, const char *what);
size_t ifm_yaml_count(const ifm_yaml_node *n);  /* items of a list, pairs of a mapping */

/* Scalar readers. Each returns 0, or -1 after reporting "what: ...".
 *   text:   any scalar, as written (templates: 412 is the text "412")
 *   string: a scalar that is not a plain number, boolean or null
 *   int:    a plain decimal integer in [min, max]
 *   number: a plain integer or decimal fraction in (min, max]
 *   bool:   plain true / false
 *   strlist: a list of strings (may be empty) */
int ifm_yaml_text(ifm_yaml *y, const ifm_yaml_node *n, const char *what, char **out);
int ifm_yaml_string(ifm_yaml *y, const ifm_yaml_node *n, const char *what, char **out);
int ifm_yaml_int(ifm_yaml *y, const ifm_yaml_node *n, const char *what, long min, long max, long *out);
int ifm_yaml_number(ifm_yaml *y, const ifm_yaml_node *n, const char *what, double min, double max,
                    double *out);
int ifm_yaml_bool(ifm_yaml *y, const ifm_yaml_node *n, const char *what, int *out);
int ifm_yaml_strlist(ifm_yaml *y, const ifm_yaml_node *n, const char *what, char ***out, size_t *n_out);

/* Index of string s in names[], or -1 after reporting
 * "unknown WHAT 's' (expected one of: a, b, c)" at n. */
int ifm_yaml_oneof(ifm_yaml *y, const ifm_yaml_node *n, const char *what, const char *s,
                   const char *const *names, size_t n_names);

/* The one table-driven way to read a mapping. Each key of the mapping must
 * match an entry (exactly, or by prefix with IFM_YF_PREFIX: "header." takes
 * "header.etag"); the entry's callback gets the object and the key and value
 * nodes, in document order. Unknown keys and missing required keys are
 * reported; all keys are visited even after an error. Returns 0 or -1. */
#define IFM_YF_REQUIRED 1u
#define IFM_YF_PREFIX 2u

typedef int (*ifm_yaml_field_cb)(ifm_yaml *y, void *obj, const ifm_yaml_node *key,
                                 const ifm_yaml_node *value);

typedef struct ifm_yaml_field {
  const char *key;
  unsigned flags;
  ifm_yaml_field_cb cb;
} ifm_yaml_field;

int ifm_yaml_fields(ifm_yaml *y, const ifm_yaml_node *map, const char *what, const ifm_yaml_field *fields,
                    size_t n_fields, void *obj);

#endif
