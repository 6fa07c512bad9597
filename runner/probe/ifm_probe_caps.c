/* ifm_probe_caps.c: ETags, the profile, and the capabilities
 * (targets/README.md). A capability is claimed only when the server did
 * what the cases that need it expect, checked with the same kind of
 * requests those cases send; what was not claimed says why in a comment.
 * Every check that changes a resource works on a fresh one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_probe_int.h"

static int ok2xx(const ifm_exchange *x) { return !x->error && x->status / 100 == 2; }

/* A request with up to two extra header fields (NULL names end the list). */
static ifm_err req2(ifm_probe *p, ifm_op op, const char *method, const char *path, const char *body,
                    const char *h1, const char *v1, const char *h2, const char *v2, ifm_exchange *out) {
  ifm_request_spec spec;
  ifm_kv kv[2];
  memset(&spec, 0, sizeof spec);
  memset(kv, 0, sizeof kv);
  spec.op = op;
  spec.method = (char *)method;
  spec.path = (char *)path;
  spec.body = (char *)body;
  spec.has_body = body != NULL;
  kv[0].name = (char *)h1, kv[0].value = (char *)v1;
  kv[1].name = (char *)h2, kv[1].value = (char *)v2;
  spec.headers = kv;
  spec.n_headers = h1 ? (h2 ? 2 : 1) : 0;
  return ifm_probe_send(p, &spec, out);
}

/* A write with If-Match: * (a server that requires a precondition takes
 * it); again without it when the server would not take that. */
static void write_star(ifm_probe *p, ifm_op op, const char *method, const char *body, const char *ctype,
                       ifm_exchange *x) {
  if (req2(p, op, method, NULL, body, "If-Match", "*", ctype ? "Content-Type" : NULL, ctype, x) != IFM_OK) return;
  if (x->status == 400 || x->status == 412 || x->status == 428) {
    ifm_exchange_clear(x);
    req2(p, op, method, NULL, body, ctype ? "Content-Type" : NULL, ctype, NULL, NULL, x);
  }
}

/* Reads {{path}}; appends the evidence to line. */
static void read_back(ifm_probe *p, ifm_buf *line, ifm_exchange *x) {
  ifm_buf_puts(line, "; ");
  if (ifm_probe_req(p, IFM_OP_READ, NULL, NULL, NULL, NULL, NULL, x) == IFM_OK) ifm_probe_line(p, line, x);
}

static int fresh(ifm_probe *p, const char *body, ifm_buf *line) {
  ifm_exchange x;
  int st = ifm_probe_fresh(p, body, &x);
  ifm_probe_line(p, line, &x);
  ifm_exchange_clear(&x);
  return st / 100 == 2;
}

static void claim(ifm_probe *p, const char *cap, int yes, ifm_buf *line, const char *why) {
  if (yes) ifm_probe_cap_add(p, cap);
  ifm_probe_say(p, IFM_PN_CAPS, "%s %s: %s%s%s", yes ? "+" : "-", cap, ifm_buf_str(line), why ? ": " : "",
                why ? why : "");
  ifm_buf_reset(line);
}

void ifm_probe_etags(ifm_probe *p) {
  ifm_buf line = IFM_BUF_INIT;
  ifm_exchange x;
  const char *e;
  char next[96];
  int st;
  st = ifm_probe_fresh(p, p->payload, &x);
  ifm_probe_line(p, &line, &x);
  p->etag_write = ifm_probe_etag_kind(ifm_probe_etag_of(&x));
  ifm_exchange_clear(&x);
  if (st / 100 != 2) goto out;
  read_back(p, &line, &x);
  p->etag_read = ifm_probe_etag_kind(e = ifm_probe_etag_of(&x));
  free(p->etag);
  p->etag = e ? ifm_strdup(e) : NULL;
  ifm_exchange_clear(&x);
  ifm_probe_say(p, IFM_PN_READ, "ETags: %s", ifm_buf_str(&line));
  ifm_buf_reset(&line);
  snprintf(next, sizeof next, "%s-2", p->payload);
  if (req2(p, IFM_OP_UPDATE, NULL, NULL, next, "If-Match", p->etag ? p->etag : "*", NULL, NULL, &x) != IFM_OK)
    goto out;
  ifm_probe_line(p, &line, &x);
  if (ok2xx(&x) && p->etag_write == IFM_PE_NONE) p->etag_write = ifm_probe_etag_kind(ifm_probe_etag_of(&x));
  st = x.status;
  ifm_exchange_clear(&x);
  read_back(p, &line, &x);
  if (st / 100 == 2 && ifm_probe_body_is(p, &x, next) &&
      (!p->etag || (ifm_probe_etag_of(&x) && strcmp(ifm_probe_etag_of(&x), p->etag) != 0)))
    ifm_probe_say(p, IFM_PN_UPDATE, "%s: a conditional write with the current %s works%s", ifm_buf_str(&line),
                  p->etag ? "ETag" : "state (If-Match: *)", p->etag ? " and the ETag changes" : "");
  else if (st == 412 && p->etag_read == IFM_PE_WEAK)
    ifm_probe_say(p, IFM_PN_UPDATE, "%s: only weak ETags, and If-Match compares strongly (RFC 9110 13.1.1), "
                  "so no conditional write can succeed: the cases that need one will FAIL or SKIP", ifm_buf_str(&line));
  else
    ifm_probe_say(p, IFM_PN_UPDATE, "%s: a conditional write with the current ETag did not do what RFC 9110 "
                  "13.1.1 says; the suite will tell more", ifm_buf_str(&line));
  free(p->etag);
  p->etag = ifm_probe_etag_of(&x) ? ifm_strdup(ifm_probe_etag_of(&x)) : NULL;
  ifm_exchange_clear(&x);
  ifm_probe_say(p, IFM_PN_TOP, "ETags: %s on reads, %s on writes%s", ifm_probe_etag_name(p->etag_read),
                ifm_probe_etag_name(p->etag_write),
                p->etag_read == IFM_PE_NONE ? " (8.8.3 makes them a SHOULD: the cases that need one SKIP)" : "");
out:
  ifm_buf_clear(&line);
}

void ifm_probe_profile(ifm_probe *p) {
  ifm_buf line = IFM_BUF_INIT;
  ifm_exchange x;
  char err[128];
  const char *prof;
  int star = 0;
  if (req2(p, IFM_OP_UPDATE, NULL, NULL, p->payload, NULL, NULL, NULL, NULL, &x) != IFM_OK) return;
  ifm_probe_line(p, &line, &x);
  p->unconditional = x.status;
  ifm_exchange_clear(&x);
  if (p->unconditional == 400 && ifm_scope_new_paths(&p->scope, err, sizeof err) == IFM_OK &&
      req2(p, IFM_OP_UPDATE, NULL, NULL, p->payload, "If-Match", "*", NULL, NULL, &x) == IFM_OK) {
    ifm_buf_puts(&line, "; at a fresh path: ");
    ifm_probe_line(p, &line, &x);
    star = x.status;
    if (ok2xx(&x)) ifm_probe_made(p, p->scope.path);
    ifm_exchange_clear(&x);
  }
  prof = ifm_probe_decide_profile(p->unconditional, star);
  if (p->given_profile) {
    ifm_probe_say(p, IFM_PN_PROFILE, "%s: the partial target's profile is kept (the answers suggest %s)",
                  ifm_buf_str(&line), prof);
  } else {
    ifm_probe_set(&p->t.profile, prof);
    ifm_probe_say(p, IFM_PN_PROFILE, "%s: %s", ifm_buf_str(&line),
                  strcmp(prof, "rfc9110-428") == 0 ? "a write without a precondition gets 428 (RFC 6585 3)"
                  : strcmp(prof, "cpp") == 0 ? "a write without If-Match gets 400 and If-Match: * creates"
                  : "nothing says otherwise, so RFC 9110 as written");
  }
  ifm_buf_clear(&line);
}

static void cap_delete(ifm_probe *p, ifm_buf *line) {
  ifm_exchange x;
  int st;
  if (!fresh(p, p->payload, line)) return;
  ifm_buf_puts(line, "; ");
  write_star(p, IFM_OP_DELETE, NULL, NULL, NULL, &x);
  ifm_probe_line(p, line, &x);
  st = x.status;
  ifm_exchange_clear(&x);
  read_back(p, line, &x);
  p->has_delete = st / 100 == 2 && (x.status == 404 || x.status == 410);
  ifm_exchange_clear(&x);
  claim(p, "delete", p->has_delete, line, p->has_delete ? NULL : "DELETE did not remove the resource");
}

/* PATCH with text/plain appends on the reference server; the cases expect
 * "v1" + "+p" = "v1+p". Then application/x-ifm-patch (patch_ops). */
static void cap_patch(ifm_probe *p, ifm_buf *line) {
  ifm_exchange x;
  int st, yes;
  if (!fresh(p, "v1", line)) return;
  ifm_buf_puts(line, "; ");
  write_star(p, IFM_OP_PATCH, NULL, "+p", NULL, &x);
  ifm_probe_line(p, line, &x);
  st = x.status;
  ifm_exchange_clear(&x);
  read_back(p, line, &x);
  yes = st / 100 == 2 && ifm_probe_body_is(p, &x, "v1+p");
  ifm_exchange_clear(&x);
  claim(p, "patch", yes, line, yes ? "a text/plain PATCH appends, as the cases expect"
        : st / 100 == 2 ? "PATCH answered 2xx but did not append its body, which the cases expect" : NULL);
  if (!yes) return;
  if (!fresh(p, "v1", line)) return;
  ifm_buf_puts(line, "; ");
  write_star(p, IFM_OP_REQUEST, "PATCH", "append A\nprepend B\n", "application/x-ifm-patch", &x);
  ifm_probe_line(p, line, &x);
  st = x.status;
  ifm_exchange_clear(&x);
  read_back(p, line, &x);
  yes = st / 100 == 2 && ifm_probe_body_is(p, &x, "Bv1A");
  ifm_exchange_clear(&x);
  if (yes) {
    ifm_buf_puts(line, "; ");
    write_star(p, IFM_OP_REQUEST, "PATCH", "test never-there\n", "application/x-ifm-patch", &x);
    ifm_probe_line(p, line, &x);
    yes = x.status == 409;
    ifm_exchange_clear(&x);
    ifm_buf_puts(line, "; ");
    write_star(p, IFM_OP_REQUEST, "PATCH", "frobnicate x\n", "application/x-ifm-patch", &x);
    ifm_probe_line(p, line, &x);
    yes &= x.status == 400;
    ifm_exchange_clear(&x);
  }
  claim(p, "patch_ops", yes, line, yes ? "append/prepend/test lines, 409 on a failed test, 400 on a bad line"
        : "the application/x-ifm-patch format is not understood");
}

static void cap_post_append(ifm_probe *p, ifm_buf *line) {
  ifm_exchange x;
  int st, yes;
  if (!fresh(p, "v1", line)) return;
  ifm_buf_puts(line, "; ");
  write_star(p, IFM_OP_REQUEST, "POST", "+p", NULL, &x);
  ifm_probe_line(p, line, &x);
  st = x.status;
  ifm_exchange_clear(&x);
  read_back(p, line, &x);
  yes = st / 100 == 2 && ifm_probe_body_is(p, &x, "v1+p");
  ifm_exchange_clear(&x);
  claim(p, "post_append", yes, line, yes ? "POST to a resource appends its body" : "POST to a resource does not append");
}

/* ranges, head, options, trace: on the probe's resource, read only. */
static void cap_reads(ifm_probe *p, ifm_buf *line) {
  ifm_exchange x;
  int yes;
  if (!fresh(p, p->payload, line)) return;
  ifm_buf_reset(line);
  if (req2(p, IFM_OP_READ, NULL, NULL, NULL, "Range", "bytes=0-0", NULL, NULL, &x) == IFM_OK) {
    ifm_probe_line(p, line, &x);
    yes = x.status == 206 && x.resp_body_len == 1;
    ifm_exchange_clear(&x);
    if (yes && p->t.ops[IFM_OP_READ].extract)    /* a range of the wrapper is no range of the payload */
      claim(p, "ranges", 0, line, "206, but the payload travels inside a wrapper, so a range of it cannot be checked");
    else
      claim(p, "ranges", yes, line, yes ? "one byte, 206" : "no 206 for a byte range");
  }
  if (ifm_probe_req(p, IFM_OP_REQUEST, "HEAD", NULL, NULL, NULL, NULL, &x) == IFM_OK) {
    const char *e = ifm_probe_etag_of(&x);
    ifm_probe_line(p, line, &x);
    yes = x.status == 200 && (p->etag_read == IFM_PE_NONE || (e && ifm_probe_etag_kind(e) == p->etag_read));
    ifm_exchange_clear(&x);
    claim(p, "head", yes, line, yes ? NULL : "HEAD is not answered like GET");
  }
  if (ifm_probe_req(p, IFM_OP_REQUEST, "OPTIONS", NULL, NULL, NULL, NULL, &x) == IFM_OK) {
    ifm_probe_line(p, line, &x);
    yes = ok2xx(&x) && ifm_exchange_resp_header(&x, "Allow") != NULL;
    ifm_exchange_clear(&x);
    claim(p, "options", yes, line, yes ? "2xx with Allow" : "no 2xx with Allow");
  }
  if (ifm_probe_req(p, IFM_OP_REQUEST, "TRACE", NULL, NULL, NULL, NULL, &x) == IFM_OK) {
    ifm_probe_line(p, line, &x);
    yes = x.status == 200;
    ifm_exchange_clear(&x);
    claim(p, "trace", yes, line, yes ? NULL : "not served");
  }
}

/* The collection as the post_create and no_etag_resource cases use it:
 * GET 200; PUT and DELETE with a stale tag 405 with Allow (13.2.1). */
static int collection_ok(ifm_probe *p, ifm_buf *line) {
  ifm_exchange x;
  int yes;
  if (ifm_probe_req(p, IFM_OP_REQUEST, "GET", "{{collection}}", NULL, NULL, NULL, &x) != IFM_OK) return 0;
  ifm_buf_puts(line, "; ");
  ifm_probe_line(p, line, &x);
  yes = x.status == 200;
  ifm_exchange_clear(&x);
  if (!yes || req2(p, IFM_OP_UPDATE, NULL, "{{collection}}", "v1", "If-Match", "\"x-probe\"", NULL, NULL, &x) != IFM_OK)
    return 0;
  ifm_buf_puts(line, "; ");
  ifm_probe_line(p, line, &x);
  yes = x.status == 405 && ifm_exchange_resp_header(&x, "Allow");
  ifm_exchange_clear(&x);
  if (!yes || req2(p, IFM_OP_DELETE, NULL, "{{collection}}", NULL, "If-Match", "\"x-probe\"", NULL, NULL, &x) != IFM_OK)
    return 0;
  ifm_buf_puts(line, "; ");
  ifm_probe_line(p, line, &x);
  yes = x.status == 405 && ifm_exchange_resp_header(&x, "Allow");
  ifm_exchange_clear(&x);
  return yes;
}

static void cap_collection(ifm_probe *p, ifm_buf *line) {
  ifm_op_map *c = &p->t.ops[IFM_OP_CREATE];
  ifm_exchange x;
  ifm_buf coll = IFM_BUF_INIT, body = IFM_BUF_INIT;
  int post, yes;
  char err[128];
  if (!p->creates_by_post) {           /* PUT creates; does POST to a collection too? */
    ifm_buf_printf(&coll, "%sifm/{{run}}/{{case}}/", p->prefix);
    ifm_probe_set(&p->t.collection, ifm_buf_str(&coll));
    if (ifm_scope_new_paths(&p->scope, err, sizeof err) != IFM_OK ||
        req2(p, IFM_OP_REQUEST, "POST", "{{collection}}", p->payload, "Content-Type", "text/plain", NULL, NULL, &x) != IFM_OK)
      goto out;
    ifm_probe_line(p, line, &x);
    post = ok2xx(&x) && ifm_exchange_resp_header(&x, "Location");
    if (post) ifm_probe_made(p, ifm_probe_url_path(ifm_exchange_resp_header(&x, "Location")->value));
    ifm_exchange_clear(&x);
  } else {
    post = 1;
    ifm_buf_puts(line, "create works by POST");
  }
  yes = post && collection_ok(p, line);
  claim(p, "post_create", yes, line, yes ? "POST to the collection creates; PUT and DELETE there get 405 with Allow"
        : "POST to a collection does not create, or the collection is not what the cases expect");
  if (!yes) goto out;
  if (!p->creates_by_post)
    ifm_probe_say(p, IFM_PN_COLLECTION, "POST to this collection creates a child named in Location (post_create)");
  if (p->t.ops[IFM_OP_READ].extract) {
    ifm_probe_say(p, IFM_PN_CAPS, "- no_etag_resource: reads go through extract, which cannot show a change in "
                  "the collection's listing");
    goto out;
  }
  if (!strstr(p->t.collection, "{{case}}")) {
    ifm_probe_say(p, IFM_PN_CAPS, "- no_etag_resource: the collection is shared by every case, so its listing "
                  "cannot show what one case did");
    goto out;
  }
  /* IM-NO-ETAG: the collection has a representation and no ETag */
  if (ifm_probe_req(p, IFM_OP_REQUEST, "GET", "{{collection}}", NULL, NULL, NULL, &x) != IFM_OK) goto out;
  ifm_probe_line(p, line, &x);
  yes = x.status == 200 && !ifm_probe_etag_of(&x);
  ifm_buf_append(&body, x.resp_body ? x.resp_body : "", x.resp_body_len);
  ifm_exchange_clear(&x);
  if (yes && req2(p, IFM_OP_REQUEST, "GET", "{{collection}}", NULL, "If-Match", "\"x-probe\"", NULL, NULL, &x) == IFM_OK) {
    ifm_buf_puts(line, "; ");
    ifm_probe_line(p, line, &x);
    yes = x.status == 412;
    ifm_exchange_clear(&x);
  }
  if (yes && req2(p, IFM_OP_REQUEST, "GET", "{{collection}}", NULL, "If-Match", "*", NULL, NULL, &x) == IFM_OK) {
    ifm_buf_puts(line, "; ");
    ifm_probe_line(p, line, &x);
    yes = x.status == 200 && x.resp_body_len == body.len && memcmp(x.resp_body ? x.resp_body : "", ifm_buf_str(&body), body.len) == 0;
    ifm_exchange_clear(&x);
  }
  claim(p, "no_etag_resource", yes, line, yes ? "the collection has no ETag; If-Match with a tag 412, with * 200"
        : "the collection is not a resource without an ETag that evaluates If-Match");
out:
  (void)c;
  ifm_buf_clear(&coll);
  ifm_buf_clear(&body);
}

/* The reference server's /private/ (bearer token) and /readonly/ areas. */
static void cap_areas(ifm_probe *p, ifm_buf *line) {
  ifm_exchange x;
  int yes;
  char err[128];
  if (ifm_scope_new_paths(&p->scope, err, sizeof err) != IFM_OK) return;
  if (req2(p, IFM_OP_REQUEST, "PUT", "/private{{path}}", "v1", "Content-Type", "text/plain", NULL, NULL, &x) != IFM_OK) return;
  ifm_probe_line(p, line, &x);
  yes = x.status == 401 && ifm_exchange_resp_header(&x, "WWW-Authenticate");
  ifm_exchange_clear(&x);
  if (yes && req2(p, IFM_OP_REQUEST, "PUT", "/private{{path}}", "v1", "Authorization", "Bearer ifmatch-secret",
                  "Content-Type", "text/plain", &x) == IFM_OK) {
    ifm_buf_puts(line, "; with the reference server's token: ");
    ifm_probe_line(p, line, &x);
    yes = ok2xx(&x);
    ifm_exchange_clear(&x);
    req2(p, IFM_OP_REQUEST, "DELETE", "/private{{path}}", NULL, "Authorization", "Bearer ifmatch-secret", NULL, NULL, &x);
    ifm_exchange_clear(&x);
  }
  claim(p, "auth", yes, line, yes ? "/private/ needs the bearer token the auth cases send" : NULL);
  if (req2(p, IFM_OP_REQUEST, "PUT", "/readonly{{path}}", "v1", "If-Match", "\"x-probe\"", "Content-Type", "text/plain", &x) != IFM_OK)
    return;
  ifm_probe_line(p, line, &x);
  yes = x.status == 403;
  ifm_exchange_clear(&x);
  if (yes && ifm_probe_req(p, IFM_OP_REQUEST, "GET", "/readonly{{path}}", NULL, NULL, NULL, &x) == IFM_OK) {
    ifm_buf_puts(line, "; ");
    ifm_probe_line(p, line, &x);
    yes = x.status == 404 || x.status == 410;
    ifm_exchange_clear(&x);
  }
  claim(p, "readonly", yes, line, yes ? "/readonly/ refuses writes with 403" : NULL);
}

void ifm_probe_caps(ifm_probe *p) {
  ifm_buf line = IFM_BUF_INIT;
  cap_delete(p, &line);
  ifm_buf_reset(&line);
  cap_patch(p, &line);
  ifm_buf_reset(&line);
  cap_post_append(p, &line);
  ifm_buf_reset(&line);
  cap_reads(p, &line);
  ifm_buf_reset(&line);
  cap_collection(p, &line);
  ifm_buf_reset(&line);
  cap_areas(p, &line);
  ifm_buf_clear(&line);
}
