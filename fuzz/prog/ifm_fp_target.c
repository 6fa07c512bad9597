/* ifm_fp_target.c: the stateful fuzzer's targets (see ifm_fp_target.h):
 * the server, the way requests are made for it, its profile, and its
 * answers without preconditions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ifm_exec.h"
#include "ifm_fp_target.h"
#include "ifm_judge.h"
#include "ifm_load.h"
#include "ifm_plan.h"
#include "ifm_server.h"

/* ---- options ------------------------------------------------------------- */

void ifm_fp_target_opts_from_env(ifm_fp_target_opts *o) {
  memset(o, 0, sizeof *o);
  o->url = getenv("IFM_FUZZ_URL");
  o->profile = getenv("IFM_FUZZ_PROFILE");
  o->flaws = getenv("IFM_FUZZ_FLAWS");
  o->shapes = getenv("IFM_FUZZ_SHAPE");
  o->target = getenv("IFM_FUZZ_TARGET");
}

static int is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The first of $IFMATCH_HOME/cases/profiles, the source tree's, ./cases/profiles. */
static void default_profile_dir(char *out, size_t n) {
  const char *home = getenv("IFMATCH_HOME");
  if (home && *home) {
    snprintf(out, n, "%s/cases/profiles", home);
    if (is_dir(out)) return;
  }
#ifdef IFM_SOURCE_DIR
  snprintf(out, n, "%s/cases/profiles", IFM_SOURCE_DIR);
  if (is_dir(out)) return;
#endif
  snprintf(out, n, "cases/profiles");
}

/* A comma-separated list of names into bits (parse: name -> bit, 0 unknown). */
static int parse_names(const char *list, const char *what, const char *cmd, unsigned (*parse)(const char *),
                       unsigned *bits, char *err, size_t errlen) {
  char buf[512], *save = NULL, *tok;
  *bits = 0;
  if (!list || !*list) return 0;
  snprintf(buf, sizeof buf, "%s", list);
  for (tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
    unsigned f = parse(tok);
    if (!f) {
      snprintf(err, errlen, "%s: unknown name '%s' (%s)", what, tok, cmd);
      return -1;
    }
    *bits |= f;
  }
  return 0;
}

/* The target's profile_overrides, written into the loaded profile: what
 * ifm_profile_lookup(profile, target, key) gives is then what the profile
 * alone gives, so the oracle needs no target. */
static int apply_overrides(ifm_fp_target *t, char *err, size_t errlen) {
  size_t i, k;
  for (i = 0; i < t->target.n_overrides; i++) {
    const ifm_profile_entry *ov = &t->target.overrides[i];
    for (k = 0; k < t->profile.n_entries; k++)
      if (t->profile.entries[k].key && strcmp(t->profile.entries[k].key, ov->key) == 0) break;
    if (k == t->profile.n_entries || !ov->status.text) {
      snprintf(err, errlen, "IFM_FUZZ_TARGET: profile_overrides: the profile has no key '%s'", ov->key);
      return -1;
    }
    ifm_status_spec_clear(&t->profile.entries[k].status);
    if (ifm_status_spec_parse_text(ov->status.text, &t->profile.entries[k].status) != 0) {
      snprintf(err, errlen, "IFM_FUZZ_TARGET: profile_overrides: %s: cannot use '%s'", ov->key, ov->status.text);
      return -1;
    }
  }
  return 0;
}

/* The in-process reference server, with the loaded profile's name. */
static int start_server(ifm_fp_target *t, unsigned flaws, unsigned shapes, char *err, size_t errlen) {
  ifm_server_opts so;
  size_t n;
  unsigned i;
  ifm_server_opts_init(&so);
  if (ifm_server_profile_parse(t->profile.name, &so.profile) != 0) {
    snprintf(err, errlen, "IFM_FUZZ_PROFILE: the reference server has no profile '%s' (rfc9110, "
             "rfc9110-428, cpp)", t->profile.name);
    return -1;
  }
  so.flaws = flaws;
  so.shapes = shapes;
  so.max_resources = (size_t)1 << 26;
  if (!(t->srv = ifm_server_start(&so, err, errlen))) return -1;
  snprintf(t->base, sizeof t->base, "http://127.0.0.1:%u%s", (unsigned)ifm_server_port(t->srv),
           t->has_target ? "" : "/fuzz");
  n = (size_t)snprintf(t->desc, sizeof t->desc, "reference server, profile %s, flaws", t->profile.name);
  for (i = 0; i < IFM_FLAW_COUNT && n < sizeof t->desc; i++)
    if (flaws & (1u << i)) n += (size_t)snprintf(t->desc + n, sizeof t->desc - n, " %s", ifm_flaw_name(i));
  if (!flaws && n < sizeof t->desc) n += (size_t)snprintf(t->desc + n, sizeof t->desc - n, " none");
  for (i = 0; i < IFM_SHAPE_COUNT && n < sizeof t->desc; i++)
    if (shapes & (1u << i)) n += (size_t)snprintf(t->desc + n, sizeof t->desc - n, ", shape %s", ifm_shape_name(i));
  return 0;
}

ifm_fp_target *ifm_fp_target_new(const ifm_fp_target_opts *o, char *err, size_t errlen) {
  ifm_fp_target *t = calloc(1, sizeof *t);
  const char *url = o->url && *o->url ? o->url : NULL;
  const char *prof;
  ifm_errors errs = {0};
  char dir[1024];
  unsigned flaws = 0, shapes = 0;
  size_t n;
  if (!t) return snprintf(err, errlen, "out of memory"), NULL;
  t->fcase.id = (char *)"fuzz-interleave";
  t->fcase.level = IFM_MUST;
  snprintf(t->run_id, sizeof t->run_id, "%08lx", (unsigned long)getpid() & 0xffffffffUL);
  ifm_scope_init(&t->scope, &t->fcase, &t->target, t->run_id, &t->uniq);
  snprintf(dir, sizeof dir, "%s", o->profile_dir ? o->profile_dir : "");
  if (!o->profile_dir) default_profile_dir(dir, sizeof dir);
  if (parse_names(o->flaws, "IFM_FUZZ_FLAWS", "ifmatch serve --flaw list", ifm_flaw_parse, &flaws, err,
                  errlen) != 0 ||
      parse_names(o->shapes, "IFM_FUZZ_SHAPE", "ifmatch serve --shape list", ifm_shape_parse, &shapes, err,
                  errlen) != 0)
    goto fail;
  if (o->target && *o->target) {
    if (ifm_load_target(o->target, &t->target, &errs) != 0) {
      snprintf(err, errlen, "IFM_FUZZ_TARGET: %s", errs.n ? errs.msgs[0] : "cannot load the target file");
      goto fail;
    }
    t->has_target = 1;
  }
  prof = o->profile && *o->profile ? o->profile : t->has_target && t->target.profile ? t->target.profile : "rfc9110";
  if (ifm_load_profile(prof, dir, &t->profile, &errs) != 0) {
    snprintf(err, errlen, "IFM_FUZZ_PROFILE: %s", errs.n ? errs.msgs[0] : "cannot load the profile");
    goto fail;
  }
  if (t->has_target && apply_overrides(t, err, errlen) != 0) goto fail;
  if (!(t->exec = ifm_exec_new())) {
    snprintf(err, errlen, "libcurl multi init failed");
    goto fail;
  }
  if (url) {
    snprintf(t->base, sizeof t->base, "%s", url);
    n = strlen(t->base);
    while (n && t->base[n - 1] == '/') t->base[--n] = '\0';
    snprintf(t->desc, sizeof t->desc, "%s (profile %s)", t->base, t->profile.name);
  } else if (start_server(t, flaws, shapes, err, errlen) != 0) {
    goto fail;
  }
  if (t->has_target) {
    n = strlen(t->desc);
    snprintf(t->desc + n, sizeof t->desc - n, ", target %s", t->target.name ? t->target.name : o->target);
  }
  ifm_errors_clear(&errs);
  return t;
fail:
  ifm_errors_clear(&errs);
  ifm_fp_target_free(t);
  return NULL;
}

ifm_fp_target *ifm_fp_target_from_env(char *err, size_t errlen) {
  ifm_fp_target_opts o;
  ifm_fp_target_opts_from_env(&o);
  return ifm_fp_target_new(&o, err, errlen);
}

void ifm_fp_target_free(ifm_fp_target *t) {
  if (!t) return;
  ifm_exec_free(t->exec);
  ifm_server_stop(t->srv);
  ifm_profile_clear(&t->profile);
  ifm_scope_clear(&t->scope);
  ifm_target_clear(&t->target);
  free(t);
}

const ifm_profile *ifm_fp_target_profile(const ifm_fp_target *t) { return &t->profile; }
const char *ifm_fp_target_describe(const ifm_fp_target *t) { return t->desc; }

/* ---- requests ------------------------------------------------------------ */

void ifm_fp_target_xfer_opts(const ifm_fp_target *t, ifm_xfer_opts *xo) {
  memset(xo, 0, sizeof *xo);
  xo->timeout_s = 10;
  if (!t->has_target) return;
  if (t->target.timeout_s > 0) xo->timeout_s = t->target.timeout_s;
  xo->http_version = (int)t->target.http_version;
  xo->ca_file = t->target.ca_file;
  xo->tls_verify = t->target.tls_verify;
  xo->net = &t->target.net;   /* the target file's cert, proxy, resolve, connect_to */
}

int ifm_fp_target_new_path(ifm_fp_target *t, unsigned long long id, char *path, size_t path_len, char *url,
                           size_t url_len) {
  char err[256];
  if (!t->has_target) snprintf(path, path_len, "/p%ld-%llu", (long)getpid(), id);
  else if (ifm_scope_new_paths(&t->scope, err, sizeof err) != IFM_OK) return -1;
  else snprintf(path, path_len, "%s", t->scope.path);
  snprintf(url, url_len, "%s%s", t->base, path);
  return 0;
}

static int has_field(const ifm_exchange *x, const char *name) {
  return ifm_field_find(x->req_headers, x->n_req_headers, name, NULL) != NULL;
}

/* The target's operation op as the request half of out (no preconditions). */
static int plan(ifm_fp_target *t, ifm_op op_kind, const char *body, ifm_exchange *out) {
  ifm_request_spec spec;
  char err[256];
  memset(&spec, 0, sizeof spec);
  spec.op = op_kind;
  spec.has_body = body != NULL;
  spec.body = (char *)body;
  return ifm_plan_request(&t->scope, &spec, t->base, -1, out, err, sizeof err) == IFM_OK ? 0 : -1;
}

int ifm_fp_target_request(ifm_fp_target *t, const ifm_fp_tags *tags, const ifm_fp_op *op, int client,
                          const char *url, const char *body, ifm_exchange *out) {
  static const ifm_fp_op plain_read = {0};
  ifm_exchange own;
  ifm_op kind;
  size_t k;
  int rc = 0;
  if (!op) op = &plain_read;
  memset(out, 0, sizeof *out);
  if (!t->has_target) return ifm_fp_req_build(tags, op, client, url, body, out);
  /* the language's request gives the precondition fields; the target the rest */
  if (ifm_fp_req_build(tags, op, client, url, body, &own) != 0) {
    ifm_exchange_clear(&own);
    return -1;
  }
  kind = op->kind == IFM_FP_READ ? IFM_OP_READ : op->kind == IFM_FP_DELETE ? IFM_OP_DELETE : IFM_OP_UPDATE;
  if (op->kind == IFM_FP_CREATE && t->target.ops[IFM_OP_CREATE].defined &&
      !t->target.ops[IFM_OP_CREATE].path_from_location)
    kind = IFM_OP_CREATE;   /* a create by PUT to {{path}}: the target's own */
  if (plan(t, kind, body, out) != 0) {
    ifm_exchange_clear(&own);
    return -1;
  }
  out->client = client;
  for (k = 0; k < own.n_req_headers && rc == 0; k++) {
    const ifm_field *f = &own.req_headers[k];
    if (strncasecmp(f->name, "If-", 3) != 0) continue;
    if (k == 0 || strcasecmp(own.req_headers[k - 1].name, f->name) != 0)
      if (has_field(out, f->name)) continue;   /* the mapping's own (If-None-Match: * on create) */
    rc = ifm_field_append(&out->req_headers, &out->n_req_headers, f->name, f->value, f->value_len);
  }
  ifm_exchange_clear(&own);
  return rc;
}

void ifm_fp_target_fix_hashes(const ifm_fp_target *t, ifm_exchange *x, const char *body) {
  ifm_request_spec spec;
  ifm_exchange view;
  const ifm_exchange *seen;
  if (!t->has_target || !x->method) return;
  if (body) x->req_body_hash = ifm_hash64(body, strlen(body));
  if (strcmp(x->method, "GET") != 0) return;
  memset(&spec, 0, sizeof spec);
  spec.op = IFM_OP_READ;
  seen = ifm_judge_view(&t->target, &spec, x, &view);
  if (seen != x) x->resp_body_hash = ifm_hash64(seen->resp_body ? seen->resp_body : "", seen->resp_body_len);
  ifm_judge_view_clear(seen, &view);
}

int ifm_fp_target_create_request(ifm_fp_target *t, const char *body, ifm_exchange *out) {
  memset(out, 0, sizeof *out);
  if (!t->has_target || !t->target.ops[IFM_OP_CREATE].path_from_location) return 0;
  return plan(t, IFM_OP_CREATE, body, out) == 0 ? 1 : -1;
}

int ifm_fp_target_created(ifm_fp_target *t, const ifm_exchange *x, char *path, size_t path_len, char *url,
                          size_t url_len) {
  const ifm_field *loc = ifm_exchange_resp_header(x, "Location");
  if (!loc || x->status / 100 != 2 ||
      ifm_scope_path_from_location(&t->scope, t->base, x->url, loc->value, loc->value_len) != IFM_OK)
    return -1;
  snprintf(path, path_len, "%s", t->scope.path);
  snprintf(url, url_len, "%s%s", t->base, path);
  return 0;
}

static void take_cb(ifm_xfer *x, void *ctx) { ifm_xfer_take_exchange(x, ctx); }

int ifm_fp_target_send(ifm_fp_target *t, ifm_exchange *x) {
  ifm_xfer_opts xo;
  ifm_xfer *xf;
  ifm_fp_target_xfer_opts(t, &xo);
  xf = ifm_xfer_new_exchange(x, &xo);
  if (!xf || ifm_exec_add(t->exec, xf, take_cb, x) != 0) {
    ifm_xfer_free(xf);
    return -1;
  }
  ifm_exec_run(t->exec, NULL, ifm_now_ms() + 30000);
  return 0;
}

/* ---- RFC 9110 13.2.1: the answers without preconditions ------------------- */

/* One request to url without preconditions (or, when the profile refuses a
 * write without one, with pre_name: pre_value, which a server cannot
 * evaluate before it knows the resource); its status, 0 for none. */
static int probe_one(ifm_fp_target *t, ifm_fp_kind kind, const char *url, const char *pre_name) {
  ifm_fp_tags tags;
  ifm_fp_op op;
  ifm_exchange x;
  int st;
  ifm_fp_tags_init(&tags);
  memset(&op, 0, sizeof op);
  op.kind = kind;
  op.pre = IFM_FP_PRE_NONE;
  if (ifm_fp_target_request(t, &tags, &op, -1, url, kind == IFM_FP_WRITE ? "probe" : NULL, &x) != 0) {
    ifm_exchange_clear(&x);
    return 0;
  }
  ifm_plan_strip_preconditions(&x);
  if (pre_name) ifm_field_append(&x.req_headers, &x.n_req_headers, pre_name, "*", 1);
  st = ifm_fp_target_send(t, &x) == 0 && !x.error ? x.status : 0;
  ifm_exchange_clear(&x);
  return st;
}

/* A write's probe: the policy that refuses writes without precondition
 * (rfc9110-428's 428, cpp's 400) answers before the resource is looked at,
 * so it would hide the answer 13.2.1 speaks of: then again with a
 * precondition that only the resource can decide. */
static int probe_write(ifm_fp_target *t, ifm_fp_kind kind, const char *url, int exists) {
  const ifm_status_spec *policy = ifm_fp_oracle_profile_set(&t->profile, "missing_if_match");
  int st = probe_one(t, kind, url, NULL);
  if (st && st / 100 != 2 && ifm_status_spec_accepts(policy, st) && !ifm_status_spec_accepts(policy, 200))
    st = probe_one(t, kind, url, exists ? "If-Match" : "If-None-Match");
  return st;
}

void ifm_fp_target_probe(ifm_fp_target *t) {
  char path[256], url[1024];
  ifm_exchange x;
  int made;
  if (t->probed) return;
  t->probed = 1;
  memset(&t->uncond, 0, sizeof t->uncond);
  /* a missing resource: a path never used */
  if (ifm_fp_target_new_path(t, 0, path, sizeof path, url, sizeof url) != 0) return;
  t->uncond.get[0] = probe_one(t, IFM_FP_READ, url, NULL);
  t->uncond.del[0] = probe_write(t, IFM_FP_DELETE, url, 0);
  t->uncond.put[0] = probe_write(t, IFM_FP_WRITE, url, 0);
  /* an existing one, made the target's way */
  if (ifm_fp_target_new_path(t, 0, path, sizeof path, url, sizeof url) != 0) return;
  memset(&x, 0, sizeof x);
  made = ifm_fp_target_create_request(t, "probe", &x);
  if (made == 1 && (ifm_fp_target_send(t, &x) != 0 || ifm_fp_target_created(t, &x, path, sizeof path, url,
                                                                            sizeof url) != 0))
    made = -1;
  ifm_exchange_clear(&x);
  if (made == 0) {
    ifm_fp_op create;
    ifm_fp_tags tags;
    memset(&create, 0, sizeof create);
    create.kind = IFM_FP_CREATE;
    ifm_fp_tags_init(&tags);
    if (ifm_fp_target_request(t, &tags, &create, -1, url, "probe", &x) == 0) ifm_fp_target_send(t, &x);
    ifm_exchange_clear(&x);
  }
  if (made < 0 || probe_one(t, IFM_FP_READ, url, NULL) != 200) return;   /* none could be made */
  t->uncond.get[1] = 200;
  t->uncond.put[1] = probe_write(t, IFM_FP_WRITE, url, 1);
  t->uncond.del[1] = probe_write(t, IFM_FP_DELETE, url, 1);
}
