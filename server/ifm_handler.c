/* ifm_handler.c: method semantics, profiles and seeded flaws of the reference
 * server (see ifm_handler.h).
 *
 * Every request goes through the same order (RFC 9110 section 13.2.1:
 * preconditions are evaluated only when the unconditional answer would be
 * 2xx or 412):
 *
 *   501 / 405 method -> 401 / 403 -> 413 body too large
 *   -> 400 malformed If-Match / If-None-Match
 *   -> the profile's missing-header policy (428 / 400)
 *   -> the unconditional status (404 on a missing resource, not evaluated)
 *   -> preconditions (section 13.2.2, ifm_cond.c) -> 412 / 304
 *   -> body validity (PATCH: 400 / 409) -> perform.
 *
 * From the precondition to the write everything happens under the store lock,
 * so of several writers holding the same entity-tag exactly one wins
 * (REQUIREMENTS item 34), unless the race flaw opens a window on purpose.
 */
#ifdef __linux__
#include <malloc.h>           /* malloc_trim (glibc) */
#endif
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ifm_cond.h"
#include "ifm_handler.h"
#include "ifm_patch.h"

struct ifm_handler {
  ifm_server_opts opts;
  char *auth_token;          /* owned copy */
  ifm_store *store;          /* owned */
};

/* One request in flight. */
typedef struct call {
  ifm_handler *h;
  const ifm_srv_req *rq;
  ifm_srv_resp *rs;
  ifm_cond cond;
  unsigned flaws;
  int coll;                  /* the path names a collection (ends in '/') */
} call;

static const char ALLOW_RESOURCE[] = "GET, HEAD, PUT, PATCH, DELETE, POST, OPTIONS";
static const char ALLOW_COLLECTION[] = "GET, HEAD, POST, OPTIONS";
static const char ALLOW_READONLY[] = "GET, HEAD, OPTIONS";
static const char TEXT_PLAIN[] = "text/plain; charset=utf-8";

ifm_srv_method ifm_srv_method_parse(const char *name) {
  static const char *const names[] = {"GET", "HEAD", "PUT", "PATCH", "DELETE",
                                      "POST", "OPTIONS", "TRACE"};
  size_t i;

  for (i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp(name, names[i]) == 0) return (ifm_srv_method)i;
  return IFM_SRV_OTHER;
}

static const char *reason(int status) {
  switch (status) {
  case 400: return "Bad Request";
  case 401: return "Unauthorized";
  case 403: return "Forbidden";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  case 409: return "Conflict";
  case 412: return "Precondition Failed";
  case 413: return "Content Too Large";
  case 416: return "Range Not Satisfiable";
  case 428: return "Precondition Required";
  case 500: return "Internal Server Error";
  case 501: return "Not Implemented";
  case 503: return "Service Unavailable";
  case 507: return "Insufficient Storage";
  default: return "Error";
  }
}

void ifm_srv_resp_clear(ifm_srv_resp *rs) {
  free(rs->location);
  free(rs->content_location);
  free(rs->text);
  ifm_blob_unref(rs->blob);
  memset(rs, 0, sizeof *rs);
}

void ifm_srv_resp_error(ifm_srv_resp *rs, int status, const char *fmt, ...) {
  va_list ap, ap2;
  int head, n;
  char *p;

  ifm_srv_resp_clear(rs);
  rs->status = status;
  rs->content_type = TEXT_PLAIN;
  va_start(ap, fmt);
  va_copy(ap2, ap);
  head = snprintf(NULL, 0, "%d %s: ", status, reason(status));
  n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  p = (head >= 0 && n >= 0) ? malloc((size_t)head + (size_t)n + 2) : NULL;
  if (p) {
    snprintf(p, (size_t)head + 1, "%d %s: ", status, reason(status));
    vsnprintf(p + head, (size_t)n + 1, fmt, ap2);
    p[head + n] = '\n';
    rs->text = p;
    rs->text_len = (size_t)head + (size_t)n + 1;
  }
  va_end(ap2);
}

/* A path as a URI path for Location / Content-Location: bytes outside
 * pchar and "/" percent-encoded (RFC 3986 section 3.3). */
static char *uri_path(const char *path) {
  static const char hex[] = "0123456789ABCDEF";
  size_t n = strlen(path), k = 0, i;
  char *out = malloc(n * 3 + 1);

  if (!out) return NULL;
  for (i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)path[i];
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
        strchr("-._~/!$&'()*+,;=:@", ch)) {
      out[k++] = (char)ch;
    } else {
      out[k++] = '%';
      out[k++] = hex[ch >> 4];
      out[k++] = hex[ch & 15];
    }
  }
  out[k] = '\0';
  return out;
}

/* ---- lifecycle --------------------------------------------------------- */

ifm_handler *ifm_handler_new(const ifm_server_opts *opts) {
  ifm_handler *h = calloc(1, sizeof *h);

  if (!h) return NULL;
  h->opts = *opts;
  h->auth_token = strdup(opts->auth_token ? opts->auth_token : "ifmatch-secret");
  /* a write past the limits drops what has been untouched for a minute */
  h->store = ifm_store_new(opts->max_resources, opts->max_store_bytes,
                           opts->evict_after_s == IFM_EVICT_NEVER ? 0
                           : (uint64_t)(opts->evict_after_s ? opts->evict_after_s : 600) * 1000u,
                           60000u);
  if (!h->auth_token || !h->store) {
    ifm_handler_free(h);
    return NULL;
  }
  h->opts.auth_token = h->auth_token;
  if (!h->opts.max_body) h->opts.max_body = 1024 * 1024;
  if (!h->opts.race_window_us) h->opts.race_window_us = 1000;
  return h;
}

void ifm_handler_store_stats(ifm_handler *h, ifm_store_stats *out) {
  ifm_store_lock(h->store);
  ifm_store_stats_get(h->store, out);
  ifm_store_unlock(h->store);
}

void ifm_handler_free(ifm_handler *h) {
  if (!h) return;
  ifm_store_free(h->store);
  free(h->auth_token);
  free(h);
}

/* ---- checks before preconditions --------------------------------------- */

static int is_collection(const char *path) {
  size_t n = strlen(path);
  return n > 0 && path[n - 1] == '/';
}

static int is_write(ifm_srv_method m) {
  return m == IFM_SRV_PUT || m == IFM_SRV_PATCH || m == IFM_SRV_DELETE || m == IFM_SRV_POST;
}

static const char *allow_for(const ifm_handler *h, const char *path) {
  if (strncmp(path, "/readonly/", 10) == 0 || (h->opts.shapes & IFM_SHAPE_READ_ONLY)) return ALLOW_READONLY;
  return is_collection(path) ? ALLOW_COLLECTION : ALLOW_RESOURCE;
}

/* Authorization: Bearer <token> (RFC 6750 section 2.1; the scheme name is
 * case-insensitive, RFC 9110 section 11.1). */
static int authorized(const ifm_handler *h, ifm_span v) {
  const char *p = v.p, *e;
  size_t n = strlen(h->auth_token);

  if (!p) return 0;   /* no field: and no arithmetic on a null pointer */
  e = p + v.len;
  while (p < e && (*p == ' ' || *p == '\t')) p++;
  while (e > p && (e[-1] == ' ' || e[-1] == '\t')) e--;
  if (e - p < 7 || strncasecmp(p, "Bearer ", 7) != 0) return 0;
  p += 7;
  while (p < e && *p == ' ') p++;
  return (size_t)(e - p) == n && memcmp(p, h->auth_token, n) == 0;
}

int ifm_handler_early(ifm_handler *h, const ifm_srv_req *rq, ifm_srv_resp *rs) {
  const char *path = rq->path;

  if (rq->method == IFM_SRV_OTHER) {
    ifm_srv_resp_error(rs, 501, "method %s is not implemented", rq->method_name);
    return 1;
  }
  if (rq->method == IFM_SRV_TRACE ||
      (is_collection(path) && (rq->method == IFM_SRV_PUT || rq->method == IFM_SRV_PATCH ||
                               rq->method == IFM_SRV_DELETE))) {
    ifm_srv_resp_error(rs, 405, "%s is not allowed on %s", rq->method_name, path);
    rs->allow = allow_for(h, path);
    return 1;
  }
  if ((h->opts.shapes & IFM_SHAPE_READ_ONLY) && is_write(rq->method)) {
    /* RFC 9110 15.5.6: 405 with the methods the resource does support */
    ifm_srv_resp_error(rs, 405, "%s is not allowed: this server is read-only", rq->method_name);
    rs->allow = allow_for(h, path);
    return 1;
  }
  if (strncmp(path, "/private/", 9) == 0 && !authorized(h, rq->authorization)) {
    ifm_srv_resp_error(rs, 401, "%s needs Authorization: Bearer <token>", path);
    rs->www_authenticate = 1;
    return 1;
  }
  if (strncmp(path, "/readonly/", 10) == 0 && is_write(rq->method)) {
    ifm_srv_resp_error(rs, 403, "%s is read-only", path);
    return 1;
  }
  if (rq->has_content_length && rq->content_length > h->opts.max_body) {
    ifm_srv_resp_error(rs, 413, "the body is larger than %zu bytes", h->opts.max_body);
    return 1;
  }
  return 0;
}

/* RFC 6585 section 3 (rfc9110-428), or the cpp profile's rule that every
 * write states its concurrency strategy. POST to a collection creates a new
 * child, so there is nothing to be stale about: exempt everywhere. */
static int missing_policy(call *c) {
  const ifm_srv_req *rq = c->rq;
  ifm_server_profile prof = c->h->opts.profile;

  if (!is_write(rq->method) || (rq->method == IFM_SRV_POST && c->coll)) return 0;
  if (rq->n_if_match || rq->n_if_none_match) return 0;    /* present, even if empty */
  if (prof == IFM_PROFILE_RFC9110 || (c->flaws & IFM_FLAW_MISSING_OK)) return 0;
  if (prof == IFM_PROFILE_RFC9110_428) {
    ifm_srv_resp_error(c->rs, 428,
                       "this server accepts only conditional writes. GET %s to learn its current "
                       "ETag, then repeat the %s with If-Match: <that ETag>; to create a resource "
                       "that must not exist yet, send If-None-Match: *",
                       rq->path, rq->method_name);
    c->rs->no_store = 1;
    return 1;
  }
  ifm_srv_resp_error(c->rs, 400,
                     "a write must state its concurrency strategy: send If-Match: <ETag> (from a "
                     "GET) to change only that version, or If-Match: * to write whatever is there");
  return 1;
}

/* ---- the resource's state and the response's validators ---------------- */

static void state_of(const call *c, const ifm_res *r, ifm_cond_state *s) {
  memset(s, 0, sizeof *s);
  s->method = c->rq->method;
  s->profile = c->h->opts.profile;
  s->flaws = c->flaws;
  if (c->coll) {
    s->exists = 1;            /* a collection always exists, without an ETag */
    return;
  }
  if (!r) return;
  s->exists = 1;
  /* no-etag: the resource has no entity-tag, so no listed tag can match */
  s->etag = (c->h->opts.shapes & IFM_SHAPE_NO_ETAG) ? NULL : r->etag;
  s->etag_weak = (c->h->opts.shapes & IFM_SHAPE_WEAK_ETAGS) != 0;
  s->has_last_modified = 1;
  s->last_modified = r->last_modified;
}

/* ETag and Last-Modified of a 2xx / 304 (sections 8.8.2, 8.8.3). */
static void set_validators(call *c, const char *opaque, time_t lm) {
  unsigned shapes = c->h->opts.shapes;
  int weak = (shapes & IFM_SHAPE_WEAK_ETAGS) != 0;
  int none = (shapes & IFM_SHAPE_NO_ETAG) || ((shapes & IFM_SHAPE_NO_WRITE_ETAG) && is_write(c->rq->method));
  if (!none) snprintf(c->rs->etag, sizeof c->rs->etag, "%s\"%s\"", weak ? "W/" : "", opaque);
  c->rs->has_last_modified = 1;
  c->rs->last_modified = lm;
}

static void fail_412(call *c) {
  /* No ETag: a 412 must not announce a version (REQUIREMENTS item 38). */
  ifm_srv_resp_error(c->rs, 412,
                     "precondition failed for %s: the request's conditions do not hold for its "
                     "current state; GET it for the current ETag and retry",
                     c->rq->path);
}

static void fail_store(call *c, ifm_store_result r) {
  ifm_store_stats ss;

  if (r == IFM_STORE_FULL) {
    /* RFC 4918 11.5: unable to store the representation; nothing changed */
    ifm_store_stats_get(c->h->store, &ss);
    ifm_srv_resp_error(c->rs, 507,
                       "the store is full: it holds %zu resources in %zu bytes, at most %zu "
                       "resources and %zu bytes; nothing was changed",
                       ss.resources, ss.bytes, ss.max_resources, ss.max_bytes);
  } else
    ifm_srv_resp_error(c->rs, 503, "out of memory");
}

/* ---- reads ------------------------------------------------------------- */

/* read-only: every path has a representation, made on its first read and
 * fixed from then on (store locked). NULL when the store is full. */
static ifm_res *read_only_resource(call *c) {
  static const char prefix[] = "read-only representation of ";
  size_t plen = strlen(c->rq->path);
  ifm_blob *b = ifm_blob_alloc(sizeof prefix - 1 + plen + 1, TEXT_PLAIN, sizeof TEXT_PLAIN - 1);
  ifm_res *r = NULL;
  int created;
  if (!b) return NULL;
  memcpy(b->data, prefix, sizeof prefix - 1);
  memcpy(b->data + sizeof prefix - 1, c->rq->path, plen);
  b->data[sizeof prefix - 1 + plen] = '\n';
  if (ifm_store_write(c->h->store, c->rq->path, b, 0, &created, &r) != IFM_STORE_OK) return NULL;
  return r;
}

static void do_read(call *c) {
  ifm_srv_resp *rs = c->rs;
  ifm_res *r = c->coll ? NULL : ifm_store_find(c->h->store, c->rq->path);
  ifm_cond_state s;
  ifm_precond_result pr;
  size_t off = 0, len = 0;
  int st;

  if (!c->coll && !r && (c->h->opts.shapes & IFM_SHAPE_READ_ONLY)) r = read_only_resource(c);
  if (!c->coll && !r) {
    /* Section 13.2.1: the unconditional answer is 404, preconditions are
     * not evaluated. The missing-412 flaw evaluates them anyway. */
    state_of(c, NULL, &s);
    if ((c->flaws & IFM_FLAW_MISSING_412) && c->cond.has_im &&
        ifm_cond_eval(&c->cond, &s) == IFM_PRECOND_FAILED) {
      fail_412(c);
      return;
    }
    ifm_srv_resp_error(rs, 404, "%s does not exist", c->rq->path);
    return;
  }
  state_of(c, r, &s);
  pr = ifm_cond_eval(&c->cond, &s);
  if (pr == IFM_PRECOND_FAILED) {
    fail_412(c);
    return;
  }
  if (c->coll) {
    rs->text = ifm_store_list(c->h->store, c->rq->path, &rs->text_len);
    if (!rs->text) {
      ifm_srv_resp_error(rs, 503, "out of memory");
      return;
    }
    rs->status = pr == IFM_PRECOND_NOT_MODIFIED ? 304 : 200;
    rs->content_type = TEXT_PLAIN;
    return;
  }
  if (pr == IFM_PRECOND_NOT_MODIFIED) {
    /* Section 15.4.5: the validators a 200 would have had. The body is not
     * sent (MHD knows 304 has none) but sets the right Content-Length. */
    rs->status = 304;
    set_validators(c, r->etag, r->last_modified);
    rs->blob = ifm_blob_ref(r->rep);
    rs->len = r->rep->len;
    return;
  }
  st = ifm_cond_range(c->rq, &s, r->rep->len, &off, &len);
  if (st == 416) {
    ifm_srv_resp_error(rs, 416, "the range is outside the %zu bytes of %s", r->rep->len,
                       c->rq->path);
    snprintf(rs->content_range, sizeof rs->content_range, "bytes */%zu", r->rep->len);
    return;
  }
  rs->status = st;
  rs->blob = ifm_blob_ref(r->rep);
  rs->content_type = r->rep->ctype;
  rs->accept_ranges = 1;
  if (st == 206) {
    rs->off = off;
    rs->len = len;
    snprintf(rs->content_range, sizeof rs->content_range, "bytes %zu-%zu/%zu", off,
             off + len - 1, r->rep->len);
  } else {
    rs->len = r->rep->len;
  }
  set_validators(c, r->etag, r->last_modified);
}

/* ---- writes (store locked) --------------------------------------------- */

static ifm_blob *body_blob(const ifm_srv_req *rq) {
  const char *ct = rq->content_type.p;
  size_t ctl = rq->content_type.len;
  ifm_blob *b;

  while (ct && ctl && (*ct == ' ' || *ct == '\t')) {
    ct++;
    ctl--;
  }
  while (ct && ctl && (ct[ctl - 1] == ' ' || ct[ctl - 1] == '\t')) ctl--;
  b = ifm_blob_alloc(rq->body_len, ct, ctl);
  if (b && rq->body_len) memcpy(b->data, rq->body, rq->body_len);
  return b;
}

/* Installs rep at path and fills the success response: status, validators
 * (the old tag under stale-etag-response), Location on create. */
static void commit(call *c, const char *path, ifm_blob *rep, int status_created,
                   int status_replaced) {
  ifm_store *st = c->h->store;
  ifm_res *old = ifm_store_find(st, path), *r;
  char old_tag[IFM_OPAQUE_LEN + 1] = "";
  int created;
  ifm_store_result sr;

  if (!rep) {
    fail_store(c, IFM_STORE_NOMEM);
    return;
  }
  if (old) memcpy(old_tag, old->etag, sizeof old_tag);
  sr = ifm_store_write(st, path, rep, (c->flaws & IFM_FLAW_ETAG_STATIC) != 0, &created, &r);
  if (sr != IFM_STORE_OK) {
    fail_store(c, sr);
    return;
  }
  c->rs->status = created ? status_created : status_replaced;
  if (created) c->rs->location = uri_path(path);
  set_validators(c, (old && (c->flaws & IFM_FLAW_STALE_ETAG_RESPONSE)) ? old_tag : r->etag,
                 r->last_modified);
}

static void perform_put(call *c) {
  commit(c, c->rq->path, body_blob(c->rq), 201,
         (c->flaws & IFM_FLAW_REPLACE_201) ? 201 : 204);
  if (c->rs->status / 100 == 2) c->rs->content_location = uri_path(c->rq->path);
}

static void perform_patch(call *c) {
  const ifm_srv_req *rq = c->rq;
  ifm_res *r = ifm_store_find(c->h->store, rq->path);
  ifm_blob *next;
  size_t line;
  ifm_patch_result pr;

  if (!r) {
    ifm_srv_resp_error(c->rs, 404, "%s does not exist", rq->path);
    return;
  }
  pr = ifm_patch_apply(r->rep, rq->content_type.p, rq->content_type.len, rq->body,
                       rq->body_len, &next, &line);
  if (pr == IFM_PATCH_MALFORMED) {
    ifm_srv_resp_error(c->rs, 400, "patch line %zu is not \"append|prepend|test <text>\"; "
                       "nothing was applied", line);
    return;
  }
  if (pr == IFM_PATCH_CONFLICT) {
    ifm_srv_resp_error(c->rs, 409, "patch line %zu: the test failed; nothing was applied", line);
    return;
  }
  if (pr != IFM_PATCH_OK) {
    fail_store(c, IFM_STORE_NOMEM);
    return;
  }
  commit(c, rq->path, next, 201, 204);
}

static void perform_delete(call *c) {
  if (!ifm_store_remove(c->h->store, c->rq->path)) {
    ifm_srv_resp_error(c->rs, 404, "%s does not exist", c->rq->path);
    return;
  }
  c->rs->status = 204;
}

/* POST to a collection creates <collection><n>; to a resource it appends the
 * body (the resource's content type is kept). */
static void perform_post(call *c) {
  const ifm_srv_req *rq = c->rq;
  ifm_store *st = c->h->store;
  ifm_res *r;
  ifm_blob *next;
  char *child;
  size_t plen = strlen(rq->path);

  if (!c->coll) {
    r = ifm_store_find(st, rq->path);
    if (!r) {
      ifm_srv_resp_error(c->rs, 404, "%s does not exist", rq->path);
      return;
    }
    next = ifm_blob_alloc(r->rep->len + rq->body_len, r->rep->ctype, strlen(r->rep->ctype));
    if (next) {
      memcpy(next->data, r->rep->data, r->rep->len);
      if (rq->body_len) memcpy(next->data + r->rep->len, rq->body, rq->body_len);
    }
    commit(c, rq->path, next, 200, 200);
    return;
  }
  child = malloc(plen + 24);
  if (!child) {
    fail_store(c, IFM_STORE_NOMEM);
    return;
  }
  do {
    snprintf(child, plen + 24, "%s%llu", rq->path,
             (unsigned long long)ifm_store_next_child(st));
  } while (ifm_store_find(st, child));
  commit(c, child, body_blob(rq), 201, 201);
  free(child);
}

static void perform(call *c) {
  switch (c->rq->method) {
  case IFM_SRV_PUT: perform_put(c); break;
  case IFM_SRV_PATCH: perform_patch(c); break;
  case IFM_SRV_DELETE: perform_delete(c); break;
  default: perform_post(c); break;
  }
}

static void do_write(call *c) {
  ifm_handler *h = c->h;
  ifm_srv_method m = c->rq->method;
  ifm_res *r = c->coll ? NULL : ifm_store_find(h->store, c->rq->path);
  ifm_cond_state s;

  state_of(c, r, &s);
  /* post-create: PUT does not create either; a client creates by POST to
   * the collection. The unconditional answer is 404, so no precondition is
   * evaluated (section 13.2.1). */
  if (!c->coll && !r && (m != IFM_SRV_PUT || (h->opts.shapes & IFM_SHAPE_POST_CREATE))) {
    /* 404 without evaluating preconditions (section 13.2.1); PATCH here does
     * not create. The missing-412 flaw evaluates them on DELETE. */
    if (m == IFM_SRV_DELETE && (c->flaws & IFM_FLAW_MISSING_412) && c->cond.has_im &&
        ifm_cond_eval(&c->cond, &s) == IFM_PRECOND_FAILED) {
      fail_412(c);
      return;
    }
    ifm_srv_resp_error(c->rs, 404, "%s does not exist", c->rq->path);
    return;
  }
  if (ifm_cond_eval(&c->cond, &s) != IFM_PRECOND_PROCEED) {
    if (c->flaws & IFM_FLAW_WRITE_THEN_412) {
      perform(c);             /* the flaw: the state changes, then 412 */
      ifm_srv_resp_clear(c->rs);
    }
    fail_412(c);
    return;
  }
  if (c->flaws & IFM_FLAW_RACE) {
    /* The flaw: check, drop the lock, write later without re-checking. */
    ifm_store_unlock(h->store);
    usleep(h->opts.race_window_us);
    ifm_store_lock(h->store);
  }
  perform(c);
}

void ifm_handler_run(ifm_handler *h, const ifm_srv_req *rq, ifm_srv_resp *rs) {
  call c;
  int trim;
  const char *field = "";
  ifm_perr err = {0, 0, ""};

  memset(rs, 0, sizeof *rs);
  if (ifm_handler_early(h, rq, rs)) return;
  if (rq->body_too_large) {
    ifm_srv_resp_error(rs, 413, "the body is larger than %zu bytes", h->opts.max_body);
    return;
  }
  if (rq->method == IFM_SRV_OPTIONS) {
    rs->status = 204;         /* preconditions never apply to OPTIONS */
    rs->allow = allow_for(h, rq->path);
    return;
  }
  memset(&c, 0, sizeof c);
  c.h = h;
  c.rq = rq;
  c.rs = rs;
  c.flaws = h->opts.flaws;
  c.coll = is_collection(rq->path);
  if (ifm_cond_parse(&c.cond, rq, c.flaws, &field, &err) != 0) {
    if ((c.flaws & IFM_FLAW_MALFORMED_500) && strcmp(field, "If-Match") == 0)
      ifm_srv_resp_error(rs, 500, "internal error while reading If-Match");
    else
      ifm_srv_resp_error(rs, 400, "malformed %s (field line %zu, byte %zu): %s", field,
                         err.line + 1, err.offset, err.msg ? err.msg : "invalid");
    ifm_cond_clear(&c.cond);
    return;
  }
  if (missing_policy(&c)) {
    ifm_cond_clear(&c.cond);
    return;
  }
  ifm_store_lock(h->store);
  if (rq->method == IFM_SRV_GET || rq->method == IFM_SRV_HEAD)
    do_read(&c);
  else
    do_write(&c);
  trim = ifm_store_trim_due(h->store);
  ifm_store_unlock(h->store);
  ifm_cond_clear(&c.cond);
#if defined(__GLIBC__)
  if (trim) malloc_trim(0);   /* what evictions freed back to the system */
#else
  (void)trim;
#endif
}
