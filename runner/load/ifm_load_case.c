/* ifm_load_case.c: a case file (cases/README.md) into ifm_case_file: the
 * file's `cases:` list, each case's own keys (id, requirement, title, spec,
 * level, profiles, when, needs), its steps (ifm_load_step.c), and case IDs
 * unique within the file. Suites of many files are ifm_load_suite.c.
 *
 * Memory: the file is read in document order, and the tree behind each step
 * and each case read is given back at once (ifm_yaml_release), so a long
 * case does not hold its whole tree beside its whole model; the rest of the
 * tree goes before the ID check. A buffer handed over by the suite is freed
 * as soon as it is parsed. On a refusal the file is emptied (its path too).
 */
#include <stdlib.h>
#include <string.h>
#include "ifm_buf.h"
#include "ifm_catalogue.h"
#include "ifm_load_int.h"

#define CASE_ID_MAX 128

static const char *const levels[] = {"MUST", "SHOULD", "MAY"};

/* README: a `patch` operation needs the `patch` capability, stated. */
static void case_check_patch(ifm_yaml *y, const ifm_case *c) {
  size_t i, k;
  for (i = 0; i < c->n_needs; i++)
    if (c->needs[i] && strcmp(c->needs[i], "patch") == 0) return;
  for (i = 0; i < c->n_steps; i++) {
    const ifm_step *st = &c->steps[i];
    const ifm_pos *pos = NULL;
    if (!st->is_parallel && st->req.op == IFM_OP_PATCH && st->req.pos.file) pos = &st->req.pos;
    for (k = 0; st->is_parallel && k < st->par.n_ops && !pos; k++)
      if (st->par.ops[k].op == IFM_OP_PATCH && st->par.ops[k].pos.file) pos = &st->par.ops[k].pos;
    if (pos) {
      ifm_yaml_error_pos(y, pos, "patch: a case with a patch step must list 'patch' in its needs");
      return;
    }
  }
}

/* ---- a case's keys ---- */

static int c_id(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ifm_case *c = obj;
  size_t n;
  if (ifm_yaml_string(y, value, "id", &c->id) != 0) return -1;
  n = strspn(c->id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");
  if (n == 0 || c->id[n] != '\0' || n > CASE_ID_MAX) {
    ifm_yaml_error(y, value, "id: '%s' is not a case id (1 to %d letters, digits, '.', '_', '-')", c->id,
                   CASE_ID_MAX);
    return -1;
  }
  return 0;
}

static int c_requirement(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ifm_case *c = obj;
  if (ifm_yaml_string(y, value, "requirement", &c->requirement) != 0) return -1;
  if (ifm_catalogue_find(c->requirement)) return 0;
  ifm_yaml_error(y, value, "unknown requirement '%s' (see ifmatch list --requirements)", c->requirement);
  return -1;
}

static int c_title(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  return ifm_yaml_string(y, value, "title", &((ifm_case *)obj)->title);
}

static int c_spec(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  return ifm_yaml_string(y, value, "spec", &((ifm_case *)obj)->spec);
}

static int c_level(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  int v = ifm_yaml_oneof(y, value, "level", ifm_yaml_scalar(y, value), levels, 3);
  if (v < 0) return -1;
  ((ifm_case *)obj)->level = (ifm_level)v;
  return 0;
}

static int c_profiles(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ifm_case *c = obj;
  return ifm_yaml_strlist(y, value, "profiles", &c->profiles, &c->n_profiles);
}

/* One `when:` entry: KEY: SET, or KEY: "!SET" for any value but SET. The set
 * is stored parsed: the planner compares sets, it never parses again. */
static int when_one(ifm_yaml *y, ifm_case *c, size_t *cap, const ifm_yaml_node *k, const ifm_yaml_node *v) {
  const char *text = ifm_yaml_is_scalar(v) ? ifm_yaml_scalar(y, v) : NULL;
  int negate = text && text[0] == '!';
  ifm_status_spec sp;
  ifm_when *w;
  if (ifm_load_profile_key_check(y, k, ifm_yaml_scalar(y, k)) < 0) return -1;
  if (negate) {
    memset(&sp, 0, sizeof sp);
    if (ifm_status_spec_parse_text(text + 1, &sp) != 0) {
      ifm_yaml_error(y, v, "when: after '!' expected a status like 412, \"2xx\" or [412, 409]");
      ifm_status_spec_clear(&sp);
      return -1;
    }
  } else if ((text ? ifm_load_status_text(y, v, &sp) : ifm_load_status(y, v, 0, &sp)) != 0) {
    return -1;
  }
  w = ifm_xrealloc_array(c->when, cap, c->n_when + 1, sizeof *w);
  if (!w || !(w[c->n_when].key = ifm_strdup(ifm_yaml_scalar(y, k)))) {
    if (w) c->when = w;
    ifm_status_spec_clear(&sp);
    return ifm_yaml_oom(y, k);
  }
  c->when = w;
  w[c->n_when].negate = negate;
  w[c->n_when].want = sp;
  w[c->n_when].pos = ifm_yaml_pos(y, k);
  c->n_when++;
  return 0;
}

static int c_when(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ifm_case *c = obj;
  size_t cap = 0, i, count = ifm_yaml_count(value);
  int rc = 0;
  if (!ifm_yaml_want_map(y, value, "when")) return -1;
  for (i = 0; i < count; i++)
    if (when_one(y, c, &cap, ifm_yaml_key(y, value, i), ifm_yaml_value(y, value, i)) != 0) rc = -1;
  return rc;
}

static int c_needs(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ifm_case *c = obj;
  size_t i;
  int rc = ifm_yaml_strlist(y, value, "needs", &c->needs, &c->n_needs);
  for (i = 0; i < c->n_needs; i++)
    if (c->needs[i] && ifm_load_capability_check(y, ifm_yaml_item(y, value, i), c->needs[i]) < 0) rc = -1;
  return rc;
}

static int c_steps(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ifm_load_case_ctx *x = y->user;
  ifm_case *c = obj;
  size_t i, count;
  int rc = 0;
  if (!ifm_yaml_want_list(y, value, "steps")) return -1;
  if ((count = ifm_yaml_count(value)) == 0) {
    ifm_yaml_error(y, value, "steps: a case needs at least one step");
    return -1;
  }
  if (!(c->steps = calloc(count, sizeof *c->steps))) return ifm_yaml_oom(y, value);
  c->n_steps = count;
  for (i = 0; i < count; i++) {
    x->step = i;
    if (ifm_load_step(y, ifm_yaml_item(y, value, i), &c->steps[i]) != 0) rc = -1;
    if (ifm_load_vars_step_done(x, i) != 0) return ifm_yaml_oom(y, value);
    ifm_yaml_release(y, ifm_yaml_item(y, value, i));   /* read in order: what is read can go */
  }
  return rc;
}

static const ifm_yaml_field case_fields[] = {
    {"id", IFM_YF_REQUIRED, c_id},       {"requirement", IFM_YF_REQUIRED, c_requirement},
    {"title", IFM_YF_REQUIRED, c_title}, {"spec", 0, c_spec},
    {"level", IFM_YF_REQUIRED, c_level}, {"profiles", 0, c_profiles},
    {"when", 0, c_when},                 {"needs", 0, c_needs},
    {"steps", IFM_YF_REQUIRED, c_steps},
};

static int load_case(ifm_yaml *y, const ifm_yaml_node *n, ifm_case *c) {
  ifm_load_case_ctx *x = y->user;
  const ifm_requirement *req;
  size_t before = y->n_errors;
  ifm_load_vars_case(x, c);
  c->pos = ifm_yaml_pos(y, n);
  ifm_yaml_fields(y, n, "case", case_fields, sizeof case_fields / sizeof case_fields[0], c);
  case_check_patch(y, c);
  if (!c->spec && (req = ifm_catalogue_find(c->requirement)) != NULL && !(c->spec = ifm_strdup(req->spec)))
    ifm_yaml_oom(y, n);
  ifm_load_vars_case(x, NULL);
  return y->n_errors > before ? -1 : 0;
}

/* ---- the file ---- */

static int file_cases(ifm_yaml *y, void *obj, const ifm_yaml_node *key, const ifm_yaml_node *value) {
  ifm_case_file *f = obj;
  size_t i, count;
  int rc = 0;
  if (!ifm_yaml_want_list(y, value, "cases")) return -1;
  if ((count = ifm_yaml_count(value)) == 0) {
    ifm_yaml_error(y, value, "cases: a case file needs at least one case");
    return -1;
  }
  if (!(f->cases = calloc(count, sizeof *f->cases))) return ifm_yaml_oom(y, value);
  f->n_cases = count;
  for (i = 0; i < count; i++) {
    if (load_case(y, ifm_yaml_item(y, value, i), &f->cases[i]) != 0) rc = -1;
    ifm_yaml_release(y, ifm_yaml_item(y, value, i));
  }
  return rc;
}

static const ifm_yaml_field file_fields[] = {
    {"cases", IFM_YF_REQUIRED, file_cases},
};

int ifm_load_case_file(const char *name, const char *buf, size_t len, char *free_after_parse,
                       const char *const *extra_vars, size_t n_extra, ifm_case_file *out, ifm_errors *err) {
  ifm_load_case_ctx x;
  ifm_yaml y;
  size_t i;
  int parsed, rc;
  memset(out, 0, sizeof *out);
  if (!(out->path = ifm_strdup(name ? name : "cases"))) {
    free(free_after_parse);
    ifm_errors_add(err, NULL, "out of memory");
    return -1;
  }
  memset(&x, 0, sizeof x);
  x.extra = extra_vars;
  x.n_extra = extra_vars ? n_extra : 0;
  parsed = ifm_yaml_parse(&y, out->path, buf, len, err) == 0;
  free(free_after_parse);   /* the tree holds what it needs */
  if (parsed) {
    y.user = &x;
    ifm_yaml_fields(&y, ifm_yaml_root(&y), "case file", file_fields, 1, out);
  }
  ifm_yaml_done(&y);        /* before anything else: the model is built */
  ifm_load_vars_clear(&x);
  if (parsed) y.n_errors += ifm_load_ids_check(out, 1, err);
  rc = y.n_errors ? -1 : 0;
  for (i = 0; i < out->n_cases; i++) out->cases[i].file = out;
  if (rc != 0) ifm_case_file_clear(out);
  return rc;
}

int ifm_load_case_buffer(const char *name, const char *buf, size_t len, const char *const *extra_vars,
                         size_t n_extra, ifm_case_file *out, ifm_errors *err) {
  return ifm_load_case_file(name, buf, len, NULL, extra_vars, n_extra, out, err);
}

/* ---- unique IDs ---- */

typedef struct id_ref {
  const ifm_case *c;
  size_t seq;
} id_ref;

static int id_ref_cmp(const void *a, const void *b) {
  const id_ref *x = a, *z = b;
  int r = strcmp(x->c->id, z->c->id);
  return r ? r : (x->seq < z->seq ? -1 : x->seq > z->seq);
}

size_t ifm_load_ids_check(const ifm_case_file *files, size_t n_files, ifm_errors *err) {
  size_t i, k, total = 0, n = 0, first = 0, dups = 0;
  id_ref *refs;
  for (i = 0; i < n_files; i++) total += files[i].n_cases;
  if (total < 2 || !(refs = calloc(total, sizeof *refs))) return 0;
  for (i = 0; i < n_files; i++)
    for (k = 0; k < files[i].n_cases; k++)
      if (files[i].cases[k].id) refs[n].c = &files[i].cases[k], refs[n].seq = n, n++;
  if (n > 1) qsort(refs, n, sizeof *refs, id_ref_cmp);
  for (i = 1; i < n; i++) {
    if (strcmp(refs[i].c->id, refs[first].c->id) != 0) {
      first = i;
      continue;
    }
    ifm_errors_add(err, &refs[i].c->pos, "duplicate case id '%s' (first defined at %s:%d:%d)", refs[i].c->id,
                   refs[first].c->pos.file, refs[first].c->pos.line, refs[first].c->pos.col);
    dups++;
  }
  free(refs);
  return dups;
}
