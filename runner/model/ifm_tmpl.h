/* ifm_tmpl.h: the templates of case and target files ("{{e1|weak}}").
 *
 *   {{NAME}}            a variable, resolved by the caller's callback
 *   {{NAME|FILTER}}     weak, strong, opaque, swapcase (on an entity-tag value);
 *                       json (any value, escaped for the inside of a JSON string)
 *   {{repeat:N:TEXT}}   TEXT N times (N <= 16 Mi bytes in all)
 *   {{tags:N}}          "t1", "t2", ..., "tN"
 *   {{hex:80ff}}        raw bytes (not 00)
 *   {{tab}} {{sp}}      a tab, a space
 *   {{{{                a literal "{{"
 *
 * Syntax is checked once at load time (ifm_tmpl_check) so nothing fails half
 * way through a run because of a typo.
 */
#ifndef IFM_TMPL_H
#define IFM_TMPL_H

#include <stddef.h>
#include "ifm_buf.h"

/* The built-in variables, the one list of them: the loader checks templates
 * against it, the planner's scope (plan/ifm_scope.c) gives them values and
 * targets/README.md documents them. `where` says which files may use one. */
#define IFM_TMPL_IN_CASE 1u
#define IFM_TMPL_IN_TARGET 2u

typedef struct ifm_tmpl_var {
  const char *name;
  unsigned where;
  const char *meaning;
} ifm_tmpl_var;

extern const ifm_tmpl_var ifm_tmpl_builtins[];
extern const size_t ifm_tmpl_n_builtins;

/* 1 when name[0..len) is a built-in variable usable in one of `where`. */
int ifm_tmpl_builtin(const char *name, size_t len, unsigned where);

/* Appends the value of variable name[0..len) to out. Returns 0, or -1 when
 * the variable is unknown or has no value. */
typedef int (*ifm_tmpl_resolve_cb)(const char *name, size_t len, ifm_buf *out, void *ctx);

/* Whether a variable name is known at load time (built-in, captured by an
 * earlier step, or given with --var). Returns 1 when known. */
typedef int (*ifm_tmpl_known_cb)(const char *name, size_t len, void *ctx);

/* Checks syntax and names. On error returns -1, *off = byte offset in tmpl
 * and *msg a static message. known may be NULL (syntax only). */
int ifm_tmpl_check(const char *tmpl, ifm_tmpl_known_cb known, void *ctx, size_t *off, const char **msg);

/* Expands tmpl, appending to out. On error returns -1 and writes a message
 * naming the variable into err. */
int ifm_tmpl_expand(const char *tmpl, ifm_tmpl_resolve_cb resolve, void *ctx, ifm_buf *out,
                    char *err, size_t errlen);

/* Calls fn for every variable name used in tmpl (not generators). */
void ifm_tmpl_each_var(const char *tmpl, void (*fn)(const char *name, size_t len, void *ctx), void *ctx);

#endif
