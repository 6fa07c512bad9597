/* ifm_probe_create.c: how the server makes a resource, and whether the
 * payload comes back.
 *
 * In order, each on a fresh path (the first that works wins):
 *   1. PUT to a nested name, <prefix>ifm/{{run}}/{{case}}/{{n}}, with
 *      If-None-Match: * (RFC 9110 13.1.2: create, never overwrite); without
 *      it when the server refuses the field itself;
 *   2. PUT to a flat name, <prefix>ifm-{{run}}-{{case}}-{{n}}: WebDAV
 *      answers 409 to a PUT whose parent collection is missing (RFC 4918
 *      9.7.1), so every resource then sits directly under the prefix;
 *   3. PUT under a collection the run makes first (setup: MKCOL);
 *   4. POST to a collection, the new resource named in Location (RFC 9110
 *      9.3.3, 15.3.2): `path_from: location`.
 * A partial target file's create mapping is taken as given; a resource
 * given without one is created with a PUT there (If-None-Match: * as in 1).
 * With a PUT that works, a second PUT with If-None-Match: * to the same path
 * must get 412 for the field to be kept in `create`.
 *
 * The round trip: the created resource read back through `read` must give
 * the payload (through the read's extract, when there is one); when it does
 * not but the body is JSON holding the payload, an extract is proposed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ifm_probe_int.h"

static int ok2xx(const ifm_exchange *x) { return !x->error && x->status / 100 == 2; }

static void op_header_remove(ifm_op_map *m, const char *name) {
  size_t i, k = 0;
  for (i = 0; i < m->n_headers; i++) {
    if (strcasecmp(m->headers[i].name, name) == 0) {
      free(m->headers[i].name);
      free(m->headers[i].value);
      continue;
    }
    m->headers[k++] = m->headers[i];
  }
  m->n_headers = k;
}

int ifm_probe_fresh(ifm_probe *p, const char *body, ifm_exchange *out) {
  ifm_request_spec spec;
  const ifm_field *loc;
  char err[256];
  memset(out, 0, sizeof *out);
  if (ifm_scope_new_paths(&p->scope, err, sizeof err) != IFM_OK) return 0;
  memset(&spec, 0, sizeof spec);
  spec.op = IFM_OP_CREATE;
  spec.body = (char *)body;
  spec.has_body = 1;
  if (ifm_probe_send(p, &spec, out) != IFM_OK) return 0;
  if (!ok2xx(out)) return out->status;
  if (p->t.ops[IFM_OP_CREATE].path_from_location) {
    loc = ifm_exchange_resp_header(out, "Location");
    if (!loc || ifm_scope_path_from_location(&p->scope, p->origin, out->url ? out->url : "", loc->value,
                                             loc->value_len) != IFM_OK)
      return -1;        /* created, but the probe cannot tell where */
  }
  ifm_probe_made(p, p->scope.path);
  return out->status;
}

/* PUT at a fresh path of `resource`, with If-None-Match: * and, when the
 * server refuses that field, without it. The status of the last try. */
static int try_put(ifm_probe *p, const char *resource, ifm_buf *tried) {
  ifm_op_map *c = &p->t.ops[IFM_OP_CREATE];
  ifm_exchange x;
  int st;
  if (ifm_probe_set(&p->t.resource, resource) != IFM_OK || ifm_probe_set(&c->method, "PUT") != IFM_OK ||
      ifm_probe_set(&c->path, "{{path}}") != IFM_OK || ifm_probe_op_header(c, "If-None-Match", "*") != IFM_OK)
    return 0;
  c->path_from_location = 0;
  st = ifm_probe_fresh(p, p->payload, &x);
  ifm_probe_line(p, tried, &x);
  ifm_buf_puts(tried, "; ");
  ifm_exchange_clear(&x);
  if (st == 400 || st == 412 || st == 428 || st == 501) {
    /* the field itself was refused: a create without it */
    op_header_remove(c, "If-None-Match");
    st = ifm_probe_fresh(p, p->payload, &x);
    ifm_probe_line(p, tried, &x);
    ifm_buf_puts(tried, "; ");
    ifm_exchange_clear(&x);
  }
  return st;
}

static int try_post(ifm_probe *p, const char *collection, ifm_buf *tried) {
  ifm_op_map *c = &p->t.ops[IFM_OP_CREATE];
  ifm_exchange x;
  int st;
  if (ifm_probe_set(&p->t.collection, collection) != IFM_OK || ifm_probe_set(&c->method, "POST") != IFM_OK ||
      ifm_probe_set(&c->path, "{{collection}}") != IFM_OK)
    return 0;
  op_header_remove(c, "If-None-Match");
  c->path_from_location = 1;
  st = ifm_probe_fresh(p, p->payload, &x);
  ifm_probe_line(p, tried, &x);
  if (st == -1) ifm_buf_puts(tried, " (no usable Location: the new resource cannot be found)");
  ifm_buf_puts(tried, "; ");
  ifm_exchange_clear(&x);
  return st;
}

/* MKCOL <prefix>ifm-<run>/ as the run's setup, then PUT under it. */
static int try_mkcol(ifm_probe *p, ifm_buf *tried) {
  ifm_buf coll = IFM_BUF_INIT, res = IFM_BUF_INIT;
  ifm_op_map *s;
  ifm_exchange x;
  int st = 0;
  ifm_buf_printf(&coll, "%sifm-{{run}}/", p->prefix);
  ifm_buf_printf(&res, "%sifm-{{run}}/{{case}}-{{n}}", p->prefix);
  if (ifm_probe_req(p, IFM_OP_REQUEST, "MKCOL", ifm_buf_str(&coll), NULL, NULL, NULL, &x) != IFM_OK) goto out;
  ifm_probe_line(p, tried, &x);
  ifm_buf_puts(tried, "; ");
  if (x.status != 201) goto out;
  ifm_probe_made(p, ifm_probe_url_path(x.url));
  if (!(s = realloc(p->t.setup, (p->t.n_setup + 1) * sizeof *s))) goto out;
  p->t.setup = s;
  s = &s[p->t.n_setup++];
  memset(s, 0, sizeof *s);
  s->defined = 1;
  s->method = ifm_strdup("MKCOL");
  s->path = ifm_strdup(ifm_buf_str(&coll));
  s->has_expect = 1;
  ifm_status_spec_parse_text("201", &s->expect);
  st = try_put(p, ifm_buf_str(&res), tried);
  if (st / 100 != 2) {
    p->t.n_setup--;
    free(s->method);
    free(s->path);
    ifm_status_spec_clear(&s->expect);
  }
out:
  ifm_exchange_clear(&x);
  ifm_buf_clear(&coll);
  ifm_buf_clear(&res);
  return st;
}

/* Reads the new resource back; proposes an extract for a JSON body that
 * holds the payload. */
static ifm_err round_trip(ifm_probe *p, char *err, size_t errlen) {
  ifm_op_map *r = &p->t.ops[IFM_OP_READ];
  ifm_exchange x;
  ifm_buf line = IFM_BUF_INIT;
  char *pat = NULL;
  ifm_err rc = IFM_OK;
  if (ifm_probe_req(p, IFM_OP_READ, NULL, NULL, NULL, NULL, NULL, &x) != IFM_OK) return IFM_ERR_TRANSPORT;
  ifm_probe_line(p, &line, &x);
  if (ifm_probe_body_is(p, &x, p->payload)) {
    ifm_probe_say(p, IFM_PN_READ, "%s: the payload came back %s", ifm_buf_str(&line),
                  r->extract ? "through extract" : "as it was sent");
  } else if (x.status == 200 && !r->extract &&
             (pat = ifm_probe_json_extract(x.resp_body, x.resp_body_len, p->payload)) != NULL) {
    r->extract = pat;
    if (ifm_probe_body_is(p, &x, p->payload)) {
      ifm_probe_say(p, IFM_PN_READ, "%s: the body is JSON with the payload as a string member; extract "
                    "hands it to the cases", ifm_buf_str(&line));
    } else {
      free(r->extract);
      r->extract = NULL;
      rc = IFM_ERR_FAILED;
    }
  } else {
    rc = IFM_ERR_FAILED;
  }
  if (rc != IFM_OK)
    snprintf(err, errlen, "a resource was created, but reading it back (%s) did not give the payload "
             "'%s' (got %zu bytes: '%.60s'); give the wrapper with --body-template and --extract, or "
             "a partial --target", ifm_buf_str(&line), p->payload, x.resp_body_len,
             x.resp_body ? x.resp_body : "");
  ifm_exchange_clear(&x);
  ifm_buf_clear(&line);
  return rc;
}

/* A PUT that created: is If-None-Match: * honoured (412 on the second)? */
static void inm_check(ifm_probe *p) {
  ifm_op_map *c = &p->t.ops[IFM_OP_CREATE];
  ifm_request_spec spec;
  ifm_exchange x;
  ifm_buf line = IFM_BUF_INIT;
  size_t i;
  int has = 0;
  for (i = 0; i < c->n_headers; i++) has |= strcasecmp(c->headers[i].name, "If-None-Match") == 0;
  if (!has) return;
  memset(&spec, 0, sizeof spec);
  spec.op = IFM_OP_CREATE;
  spec.body = p->payload;
  spec.has_body = 1;
  if (ifm_probe_send(p, &spec, &x) != IFM_OK) return;
  ifm_probe_line(p, &line, &x);
  if (x.status == 412) {
    p->inm_star = 1;
    ifm_probe_say(p, IFM_PN_CREATE, "again at the same path: %s: If-None-Match: * is honoured (RFC 9110 "
                  "13.1.2), so create sends it", ifm_buf_str(&line));
  } else if (ok2xx(&x)) {
    op_header_remove(c, "If-None-Match");
    ifm_probe_say(p, IFM_PN_CREATE, "again at the same path: %s: If-None-Match: * is not honoured, so "
                  "create sends no precondition", ifm_buf_str(&line));
  } else {
    op_header_remove(c, "If-None-Match");
    ifm_probe_say(p, IFM_PN_CREATE, "again at the same path: %s: refused, but not with the 412 RFC 9110 "
                  "13.1.2 requires, so create sends no precondition (the cases create on fresh paths)",
                  ifm_buf_str(&line));
  }
  ifm_exchange_clear(&x);
  ifm_buf_clear(&line);
}

static ifm_err created(ifm_probe *p, const char *how, ifm_buf *tried, char *err, size_t errlen) {
  if (tried->len > 2) tried->len -= 2;             /* the last "; " */
  tried->p[tried->len] = '\0';
  ifm_probe_say(p, IFM_PN_CREATE, "%s", ifm_buf_str(tried));
  ifm_probe_say(p, IFM_PN_CREATE, "=> %s", how);
  if (!p->creates_by_post && !p->given_create) inm_check(p);
  return round_trip(p, err, errlen);
}

ifm_err ifm_probe_create(ifm_probe *p, char *err, size_t errlen) {
  ifm_buf tried = IFM_BUF_INIT, name = IFM_BUF_INIT;
  ifm_exchange x;
  int st, refused = 0, tries = 0, nested409 = 0;
  ifm_err rc = IFM_ERR_FAILED;
  if (p->given_create || p->given_resource) {
    if (!p->given_create) {
      /* only the resource is given (a query string that authorises, an
       * extension the server wants): PUT there, If-None-Match: * found as
       * on a path of the probe's own */
      st = try_put(p, p->t.resource, &tried);
    } else {
      st = ifm_probe_fresh(p, p->payload, &x);
      ifm_probe_line(p, &tried, &x);
      ifm_buf_puts(&tried, "; ");
      ifm_exchange_clear(&x);
    }
    p->creates_by_post = p->t.ops[IFM_OP_CREATE].path_from_location;
    if (st / 100 == 2) {
      rc = created(p, p->given_create ? "the partial target's resource and create work"
                   : "PUT to the partial target's resource creates", &tried, err, errlen);
      goto out;
    }
    snprintf(err, errlen, "the partial target's create does not work here: %.300s", ifm_buf_str(&tried));
    goto out;
  }
  ifm_buf_printf(&name, "%sifm/%s/", p->prefix, p->run_id);
  ifm_probe_made(p, ifm_buf_str(&name));     /* the collections a PUT may make: deleted last */
  ifm_buf_reset(&name);
  ifm_buf_printf(&name, "%sifm/{{run}}/{{case}}/{{n}}", p->prefix);
  st = try_put(p, ifm_buf_str(&name), &tried);
  tries++, refused += ifm_probe_is_refusal(st);
  if (st / 100 == 2) {
    ifm_probe_say(p, IFM_PN_RESOURCE, "PUT created a resource at a nested path: the server makes the "
                  "intermediate collections");
    rc = created(p, "PUT to a fresh path creates", &tried, err, errlen);
    goto out;
  }
  nested409 = st == 409;
  ifm_buf_reset(&name);
  ifm_buf_printf(&name, "%sifm-{{run}}-{{case}}-{{n}}", p->prefix);
  st = try_put(p, ifm_buf_str(&name), &tried);
  tries++, refused += ifm_probe_is_refusal(st);
  if (st / 100 == 2) {
    ifm_probe_say(p, IFM_PN_RESOURCE, "a nested path got %s, a flat name under %s worked: every resource "
                  "sits directly under the prefix", nested409 ? "409 (WebDAV: its parent collection is "
                  "missing, RFC 4918 9.7.1)" : "no resource", p->prefix);
    rc = created(p, "PUT to a fresh path creates", &tried, err, errlen);
    goto out;
  }
  if (nested409 && st == 409) {
    st = try_mkcol(p, &tried);
    tries++, refused += ifm_probe_is_refusal(st);
    if (st / 100 == 2) {
      ifm_probe_say(p, IFM_PN_RESOURCE, "PUT needs an existing parent collection: the run makes one with "
                    "MKCOL (setup) and puts every resource in it");
      rc = created(p, "PUT into the run's collection creates", &tried, err, errlen);
      goto out;
    }
  }
  ifm_buf_reset(&name);
  ifm_buf_printf(&name, "%sifm/{{run}}/{{case}}/", p->prefix);
  st = try_post(p, ifm_buf_str(&name), &tried);
  tries++, refused += ifm_probe_is_refusal(st);
  if (st / 100 != 2 && st != -1) {
    st = try_post(p, p->prefix, &tried);
    tries++, refused += ifm_probe_is_refusal(st);
  }
  if (st / 100 == 2) {
    p->creates_by_post = 1;
    ifm_buf_reset(&name);
    ifm_buf_printf(&name, "%sifm/{{run}}/{{case}}/{{n}}", p->prefix);
    ifm_probe_set(&p->t.resource, ifm_buf_str(&name));
    ifm_probe_say(p, IFM_PN_RESOURCE, "PUT does not create here; a case's resource is the Location of its "
                  "create (this template only names paths where nothing exists)");
    ifm_probe_say(p, IFM_PN_COLLECTION, "POST to this collection created a child named in Location");
    rc = created(p, "POST to a collection creates; the Location names the new resource (path_from: location)",
                 &tried, err, errlen);
    goto out;
  }
  if (tried.len > 2) tried.p[tried.len -= 2] = '\0';
  if (refused == tries)
    snprintf(err, errlen, "every write was refused (%.400s): the server is read-only here, or needs "
             "credentials (--header 'Authorization: ...'). A target file for it cannot work: a suite "
             "run would stop at its preflight", ifm_buf_str(&tried));
  else
    snprintf(err, errlen, "no way to create a resource was found (%.400s); give the create mapping in a "
             "partial --target", ifm_buf_str(&tried));
out:
  ifm_buf_clear(&tried);
  ifm_buf_clear(&name);
  return rc;
}
