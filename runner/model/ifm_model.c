/* ifm_model.c: freeing the model and the few questions asked of it (see
 * ifm_model.h). Every _free / _clear tolerates a zeroed or partly built
 * object, because the loader frees whatever it had built when a file turns
 * out to be broken, and leaves the object zeroed.
 */
#include <stdlib.h>
#include <string.h>
#include "ifm_model.h"

static void kv_free(ifm_kv *kv, size_t n) {
  size_t i;
  for (i = 0; kv && i < n; i++) {
    free(kv[i].name);
    free(kv[i].value);
  }
  free(kv);
}

static void strv_free(char **v, size_t n) {
  size_t i;
  for (i = 0; v && i < n; i++) free(v[i]);
  free(v);
}


static void request_clear(ifm_request_spec *r) {
  free(r->method);
  free(r->path);
  free(r->body);
  free(r->raw);
  kv_free(r->headers, r->n_headers);
  memset(r, 0, sizeof *r);
}

static void expect_clear(ifm_expect *e) {
  size_t i;
  ifm_status_spec_clear(&e->status);
  for (i = 0; e->items && i < e->n_items; i++) {
    free(e->items[i].name);
    free(e->items[i].value);
  }
  free(e->items);
}

static void step_clear(ifm_step *st) {
  size_t i;
  request_clear(&st->req);
  for (i = 0; st->par.ops && i < st->par.n_ops; i++) request_clear(&st->par.ops[i]);
  free(st->par.ops);
  for (i = 0; st->par.counts && i < st->par.n_counts; i++)
    ifm_status_spec_clear(&st->par.counts[i].status);
  free(st->par.counts);
  for (i = 0; st->captures && i < st->n_captures; i++) {
    free(st->captures[i].var);
    free(st->captures[i].header);
  }
  free(st->captures);
  expect_clear(&st->expect);
  expect_clear(&st->assume);
  memset(st, 0, sizeof *st);
}

static void case_clear(ifm_case *c) {
  size_t i;
  free(c->id);
  free(c->requirement);
  free(c->title);
  free(c->spec);
  strv_free(c->profiles, c->n_profiles);
  for (i = 0; c->when && i < c->n_when; i++) {
    free(c->when[i].key);
    ifm_status_spec_clear(&c->when[i].want);
  }
  free(c->when);
  strv_free(c->needs, c->n_needs);
  for (i = 0; c->steps && i < c->n_steps; i++) step_clear(&c->steps[i]);
  free(c->steps);
  memset(c, 0, sizeof *c);
}

void ifm_case_file_clear(ifm_case_file *f) {
  size_t i;
  if (!f) return;
  for (i = 0; f->cases && i < f->n_cases; i++) case_clear(&f->cases[i]);
  free(f->cases);
  free(f->path);
  memset(f, 0, sizeof *f);
}

void ifm_suite_clear(ifm_suite *s) {
  size_t i;
  if (!s) return;
  for (i = 0; s->files && i < s->n_files; i++) ifm_case_file_clear(&s->files[i]);
  free(s->files);
  memset(s, 0, sizeof *s);
}

static void entries_free(ifm_profile_entry *e, size_t n) {
  size_t i;
  for (i = 0; e && i < n; i++) {
    free(e[i].key);
    ifm_status_spec_clear(&e[i].status);
  }
  free(e);
}

static void op_map_clear(ifm_op_map *m) {
  free(m->method);
  free(m->path);
  free(m->body);
  free(m->extract);
  kv_free(m->headers, m->n_headers);
  ifm_status_spec_clear(&m->expect);
}

void ifm_target_clear(ifm_target *t) {
  int i;
  if (!t) return;
  free(t->name);
  free(t->path);
  free(t->base_url);
  free(t->resource);
  free(t->collection);
  free(t->profile);
  entries_free(t->overrides, t->n_overrides);
  for (i = 0; i < IFM_OP_COUNT; i++) op_map_clear(&t->ops[i]);
  for (i = 0; i < (int)t->n_setup; i++) op_map_clear(&t->setup[i]);
  free(t->setup);
  kv_free(t->headers, t->n_headers);
  strv_free(t->secrets, t->n_secrets);
  strv_free(t->capabilities, t->n_capabilities);
  free(t->ca_file);
  free(t->case_header);
  ifm_netopts_clear(&t->net);
  memset(t, 0, sizeof *t);
}

void ifm_netopts_clear(ifm_netopts *n) {
  if (!n) return;
  free(n->cert);
  free(n->key);
  free(n->proxy);
  free(n->noproxy);
  strv_free(n->resolve, n->n_resolve);
  strv_free(n->connect_to, n->n_connect_to);
  memset(n, 0, sizeof *n);
}

ifm_err ifm_netopts_push(char ***v, size_t *n, const char *s) {
  char **nv = realloc(*v, (*n + 1) * sizeof *nv);
  if (!nv) return IFM_ERR_NOMEM;
  *v = nv;
  if (!(nv[*n] = ifm_strdup(s))) return IFM_ERR_NOMEM;
  (*n)++;
  return IFM_OK;
}

/* *dst becomes a copy of s (NULL stays NULL). */
static int str_replace(char **dst, const char *s) {
  char *c = s ? ifm_strdup(s) : NULL;
  if (s && !c) return -1;
  free(*dst);
  *dst = c;
  return 0;
}

static int list_replace(char ***dst, size_t *n_dst, char *const *src, size_t n_src) {
  size_t i;
  strv_free(*dst, *n_dst);
  *dst = NULL;
  *n_dst = 0;
  for (i = 0; i < n_src; i++)
    if (ifm_netopts_push(dst, n_dst, src[i]) != IFM_OK) return -1;
  return 0;
}

ifm_err ifm_netopts_override(ifm_netopts *dst, const ifm_netopts *over) {
  int fail = 0;
  if (over->cert) fail |= str_replace(&dst->cert, over->cert) | str_replace(&dst->key, over->key);
  if (over->proxy) fail |= str_replace(&dst->proxy, over->proxy);
  if (over->noproxy) fail |= str_replace(&dst->noproxy, over->noproxy);
  if (over->n_resolve) fail |= list_replace(&dst->resolve, &dst->n_resolve, over->resolve, over->n_resolve);
  if (over->n_connect_to)
    fail |= list_replace(&dst->connect_to, &dst->n_connect_to, over->connect_to, over->n_connect_to);
  return fail ? IFM_ERR_NOMEM : IFM_OK;
}

void ifm_profile_clear(ifm_profile *p) {
  if (!p) return;
  free(p->name);
  free(p->path);
  free(p->description);
  entries_free(p->entries, p->n_entries);
  strv_free(p->methods, p->n_methods);
  memset(p, 0, sizeof *p);
}

int ifm_target_has_capability(const ifm_target *t, const char *cap) {
  size_t i;
  for (i = 0; t && cap && i < t->n_capabilities; i++)
    if (t->capabilities[i] && strcmp(t->capabilities[i], cap) == 0) return 1;
  /* put_create also follows from the target's own create operation */
  if (t && cap && strcmp(cap, "put_create") == 0)
    return !t->ops[IFM_OP_CREATE].method || strcmp(t->ops[IFM_OP_CREATE].method, "PUT") == 0;
  return 0;
}

const ifm_profile_entry *ifm_profile_lookup(const ifm_profile *p, const ifm_target *t,
                                            const char *key) {
  size_t i;
  if (!key) return NULL;
  for (i = 0; t && i < t->n_overrides; i++)
    if (t->overrides[i].key && strcmp(t->overrides[i].key, key) == 0) return &t->overrides[i];
  for (i = 0; p && i < p->n_entries; i++)
    if (p->entries[i].key && strcmp(p->entries[i].key, key) == 0) return &p->entries[i];
  return NULL;
}
