/* ifm_load_vars.c: what a case's templates may name, and the check of every
 * template a case file holds.
 *
 * A template is checked where it is read, against what is known at that
 * point of the case: the built-ins, --var names, and the captures of EARLIER
 * steps (a capture of step k is usable from step k+1). The captures are
 * indexed as their steps are read, in a small open hash table of name ->
 * first step: a lookup is one probe, not a walk over every earlier step,
 * which made loading a 10,000-step case quadratic. The names point into the
 * model (the steps' ifm_capture.var), which outlives the table; the table is
 * the context's and freed by ifm_load_vars_clear.
 */
#include <stdlib.h>
#include <string.h>
#include "ifm_buf.h"
#include "ifm_load_int.h"
#include "ifm_raw.h"
#include "ifm_tmpl.h"

typedef struct ifm_load_capture_ref {
  const char *name;       /* NULL: a free slot */
  size_t len;
  size_t step;            /* the first step that captures it */
} capture_ref;

static size_t slot_of(const capture_ref *t, size_t cap, const char *name, size_t len) {
  size_t i = (size_t)ifm_hash64(name, len) & (cap - 1);
  while (t[i].name && (t[i].len != len || memcmp(t[i].name, name, len) != 0)) i = (i + 1) & (cap - 1);
  return i;
}

static int caps_grow(ifm_load_case_ctx *x) {
  size_t cap = x->cap_caps ? x->cap_caps * 2 : 16, i;
  capture_ref *t = calloc(cap, sizeof *t);
  if (!t) return -1;
  for (i = 0; i < x->cap_caps; i++)
    if (x->caps[i].name) t[slot_of(t, cap, x->caps[i].name, x->caps[i].len)] = x->caps[i];
  free(x->caps);
  x->caps = t;
  x->cap_caps = cap;
  return 0;
}

static int caps_add(ifm_load_case_ctx *x, const char *name, size_t step) {
  size_t len = strlen(name), i;
  if ((x->n_caps + 1) * 2 > x->cap_caps && caps_grow(x) != 0) return -1;
  i = slot_of(x->caps, x->cap_caps, name, len);
  if (x->caps[i].name) return 0;   /* an earlier step has it already */
  x->caps[i].name = name;
  x->caps[i].len = len;
  x->caps[i].step = step;
  x->n_caps++;
  return 0;
}

void ifm_load_vars_case(ifm_load_case_ctx *x, ifm_case *c) {
  x->c = c;
  x->step = 0;
  if (x->n_caps) memset(x->caps, 0, x->cap_caps * sizeof *x->caps);
  x->n_caps = 0;
}

int ifm_load_vars_step_done(ifm_load_case_ctx *x, size_t i) {
  const ifm_step *st = &x->c->steps[i];
  size_t k;
  for (k = 0; k < st->n_captures; k++)
    if (st->captures[k].var && caps_add(x, st->captures[k].var, i) != 0) return -1;
  return 0;
}

void ifm_load_vars_clear(ifm_load_case_ctx *x) {
  free(x->caps);
  x->caps = NULL;
  x->n_caps = x->cap_caps = 0;
}

static int name_is(const char *name, size_t len, const char *s) {
  return strlen(s) == len && memcmp(s, name, len) == 0;
}

static int case_known(const char *name, size_t len, void *arg) {
  const ifm_load_case_ctx *x = arg;
  size_t i;
  if (ifm_tmpl_builtin(name, len, IFM_TMPL_IN_CASE)) return 1;
  for (i = 0; i < x->n_extra; i++)
    if (x->extra[i] && name_is(name, len, x->extra[i])) return 1;
  if (!x->c || !x->n_caps) return 0;
  i = slot_of(x->caps, x->cap_caps, name, len);
  return x->caps[i].name && x->caps[i].step < x->step;
}

int ifm_load_case_text(ifm_yaml *y, const ifm_yaml_node *n, const char *what, char **out) {
  const char *msg = NULL;
  size_t off = 0;
  if (ifm_yaml_text(y, n, what, out) != 0) return -1;
  if (ifm_tmpl_check(*out, case_known, y->user, &off, &msg) == 0) return 0;
  ifm_load_tmpl_error(y, n, what, *out, off, msg);
  free(*out);
  *out = NULL;
  return -1;
}

/* In a raw step's text: the case's variables and the raw step's own. */
static int raw_known(const char *name, size_t len, void *arg) {
  return ifm_raw_builtin(name, len) || case_known(name, len, arg);
}

int ifm_load_raw_text(ifm_yaml *y, const ifm_yaml_node *n, const char *what, char **out) {
  const char *msg = NULL;
  size_t off = 0, line = 1, i;
  int shown;
  ifm_pos pos;
  if (ifm_yaml_text(y, n, what, out) != 0) return -1;
  if (ifm_tmpl_check(*out, raw_known, y->user, &off, &msg) != 0) {
    ifm_load_tmpl_error(y, n, what, *out, off, msg);
  } else if (ifm_raw_check(*out, &off, &msg) != 0) {
    /* exact where the scalar is one line; else at the scalar, naming the line of the text */
    pos = ifm_yaml_pos_at(y, n, off);
    for (i = 0; i < off; i++) line += (*out)[i] == '\n';
    shown = (*out)[off] != '\\' ? 0 : (*out)[off + 1] != 'x' ? 2 : 4;   /* the escape at fault */
    shown = (int)strnlen(*out + off, (size_t)shown);
    if (n->flags & IFM_YAML_EXACT)
      ifm_yaml_error_pos(y, &pos, "%s: %s%.*s%s%s", what, shown ? "'" : "", shown, *out + off, shown ? "': " : "",
                         msg);
    else
      ifm_yaml_error_pos(y, &pos, "%s: line %zu of the text, %s%.*s%s%s", what, line, shown ? "'" : "", shown,
                         *out + off, shown ? "': " : "", msg);
  } else {
    return 0;
  }
  free(*out);
  *out = NULL;
  return -1;
}
