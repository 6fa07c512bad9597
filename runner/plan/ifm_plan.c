/* ifm_plan.c: selection and the SKIP decisions made before anything is
 * sent (see ifm_plan.h). */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ifm_plan.h"

int ifm_plan_selects(const ifm_case *c, const char *filter) {
  char pat[256];
  const char *p = filter;
  if (!filter || !*filter) return 1;
  while (*p) {
    size_t n = strcspn(p, ",");
    if (n && n < sizeof pat) {
      memcpy(pat, p, n);
      pat[n] = '\0';
      if (fnmatch(pat, c->id, 0) == 0 || fnmatch(pat, c->requirement, 0) == 0) return 1;
    }
    p += n;
    if (*p == ',') p++;
  }
  return 0;
}

const char *ifm_plan_method(const ifm_step *st, const ifm_target *t) {
  if (st->is_parallel) return NULL;
  if (st->req.method) return st->req.method;
  return st->req.op < IFM_OP_REQUEST ? t->ops[st->req.op].method : NULL;
}

/* The profile condition of `when:`; NULL when it holds, else why not. */
static char *when_unmet(const ifm_when *w, const ifm_target *t, const ifm_profile *p) {
  const ifm_profile_entry *e = ifm_profile_lookup(p, t, w->key);
  ifm_buf why = IFM_BUF_INIT;
  if (!e) {
    ifm_buf_printf(&why, "profile has no usable key '%s'", w->key);
    return ifm_buf_detach(&why);
  }
  if (ifm_status_spec_equal(&e->status, &w->want) != w->negate) return NULL;
  ifm_buf_printf(&why, "profile '%s' has %s = %s; the case is for %s%s", p->name, w->key,
                 e->status.text ? e->status.text : "?", w->negate ? "!" : "",
                 w->want.text ? w->want.text : "?");
  return ifm_buf_detach(&why);
}

char *ifm_plan_skip_reason(const ifm_case *c, const ifm_target *t, const ifm_profile *p) {
  ifm_buf why = IFM_BUF_INIT;
  size_t i;
  for (i = 0; i < c->n_needs; i++)
    if (!ifm_target_has_capability(t, c->needs[i])) {
      ifm_buf_printf(&why, "target lacks capability '%s'", c->needs[i]);
      return ifm_buf_detach(&why);
    }
  if (c->n_profiles) {
    int hit = 0;
    for (i = 0; i < c->n_profiles; i++) hit |= strcmp(c->profiles[i], p->name) == 0;
    if (!hit) {
      ifm_buf_printf(&why, "case is for other profiles than '%s'", p->name);
      return ifm_buf_detach(&why);
    }
  }
  for (i = 0; i < c->n_when; i++) {
    char *r = when_unmet(&c->when[i], t, p);
    if (r) return r;
  }
  if (p->n_methods) {
    size_t s, m;
    for (s = 0; s < c->n_steps; s++) {
      const char *method = ifm_plan_method(&c->steps[s], t);
      int certified = 0;
      if (!method || strstr(method, "{{")) continue;
      /* RFC 9110 9.1: the method token is case-sensitive */
      for (m = 0; m < p->n_methods; m++) certified |= strcmp(method, p->methods[m]) == 0;
      if (!certified) {
        ifm_buf_printf(&why, "profile '%s' does not certify %s", p->name, method);
        return ifm_buf_detach(&why);
      }
    }
  }
  return NULL;
}

ifm_err ifm_plan_build(const ifm_suite *suite, const ifm_target *t, const ifm_profile *p,
                   const char *filter, ifm_plan *out) {
  size_t f, k, n = 0, cap = 0;
  memset(out, 0, sizeof *out);
  for (f = 0; f < suite->n_files; f++)
    for (k = 0; k < suite->files[f].n_cases; k++) {
      const ifm_case *c = &suite->files[f].cases[k];
      ifm_planned *a;
      if (!ifm_plan_selects(c, filter)) continue;
      a = ifm_xrealloc_array(out->cases, &cap, n + 1, sizeof *a);
      if (!a) {
        ifm_plan_clear(out);
        return IFM_ERR_NOMEM;
      }
      out->cases = a;
      a[n].c = c;
      a[n].skip_reason = ifm_plan_skip_reason(c, t, p);
      out->n_cases = ++n;
    }
  return IFM_OK;
}

void ifm_plan_clear(ifm_plan *plan) {
  size_t i;
  for (i = 0; i < plan->n_cases; i++) free(plan->cases[i].skip_reason);
  free(plan->cases);
  memset(plan, 0, sizeof *plan);
}
