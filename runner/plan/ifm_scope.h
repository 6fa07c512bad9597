/* ifm_scope.h: the template variables of one running case, and expanding
 * templates in them. What a case's templates can name:
 *
 *   built-in   path collection fresh n case run uniq client body
 *   captured   by an earlier step (`capture: {e1: header.etag}`)
 *   given      on the command line (--var KEY=VALUE)
 *
 * The built-in names are listed once, in model/ifm_tmpl.c (the loader checks
 * templates against that list); this file gives them their values.
 *
 * Owner: the caller embeds an ifm_scope (in the case run) and calls
 * ifm_scope_clear when the case ends; nothing here is shared between cases
 * except the run-wide {{uniq}} counter it points to.
 */
#ifndef IFM_SCOPE_H
#define IFM_SCOPE_H

#include <stddef.h>
#include "ifm_buf.h"
#include "ifm_err.h"
#include "ifm_exchange.h"
#include "ifm_model.h"

typedef struct ifm_var {
  char *name;
  ifm_buf value;
  char *absent;                 /* the header a capture found missing (value unset), or NULL */
} ifm_var;

typedef struct ifm_scope {
  const ifm_case *c;            /* {{case}} is its id */
  const ifm_target *target;     /* resource and collection templates */
  const char *run_id;           /* {{run}} */
  unsigned long *uniq;          /* run-wide counter behind {{uniq}} */
  const char *const *given_names;   /* --var */
  const char *const *given_values;
  size_t n_given;
  ifm_var *vars;                /* captured so far */
  size_t n_vars, cap_vars;
  char *path;                   /* {{path}}: the case's resource */
  char *collection;             /* {{collection}} */
  unsigned long n;              /* {{n}}; {{fresh}} takes the next */
  int client;                   /* {{client}}; -1 outside parallel steps */
  const ifm_buf *map_body;      /* {{body}} while a target's body wrapper is expanded */
  const ifm_var *hit_absent;    /* set when an expansion met a variable whose capture found nothing */
} ifm_scope;

void ifm_scope_init(ifm_scope *s, const ifm_case *c, const ifm_target *t, const char *run_id,
                    unsigned long *uniq);
/* Frees captured variables and paths; s can be initialised again. */
void ifm_scope_clear(ifm_scope *s);

/* Expands the target's resource (and collection) templates into a fresh
 * {{path}} / {{collection}}, replacing the old ones. Returns IFM_OK or
 * IFM_ERR_INPUT (err). */
ifm_err ifm_scope_new_paths(ifm_scope *s, char *err, size_t errlen);

/* A create answered with Location (the target's `path_from: location`): the
 * new resource becomes the case's {{path}}. loc is resolved against the
 * request's URL (RFC 9110 10.2.2: a URI reference; an absolute one is cut
 * to its path) and base_url's own path prefix is taken off, since requests
 * go to base_url + {{path}}. Returns IFM_OK, IFM_ERR_INPUT when loc names
 * no path under base_url, or IFM_ERR_NOMEM. */
ifm_err ifm_scope_path_from_location(ifm_scope *s, const char *base_url, const char *request_url,
                                     const char *loc, size_t len);

/* Appends the expansion of tmpl to out. Returns IFM_OK; IFM_ERR_UNDECIDED
 * when a variable's capture found its header missing in the server's
 * response (err says which: the case cannot go on on this server, which is
 * not the case's fault); IFM_ERR_INPUT with err naming a variable that has
 * no value. */
ifm_err ifm_scope_expand(ifm_scope *s, const char *tmpl, ifm_buf *out, char *err, size_t errlen);

/* Sets (or replaces) a captured variable. Returns IFM_OK or IFM_ERR_NOMEM. */
ifm_err ifm_scope_set(ifm_scope *s, const char *name, const char *value, size_t len);

/* Stores a step's captures from the response the case sees. Returns IFM_OK
 * or IFM_ERR_NOMEM. A header that is absent leaves its variable without a
 * value, remembered as absent (see ifm_scope_expand). */
ifm_err ifm_scope_capture(ifm_scope *s, const ifm_step *st, const ifm_exchange *x);

#endif
