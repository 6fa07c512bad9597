/* ifm_handler.h: the reference server's request semantics, free of any HTTP
 * library. ifm_server.c collects a request from libmicrohttpd into an
 * ifm_srv_req, the handler decides the answer into an ifm_srv_resp, and the
 * glue turns that into bytes. Keeping the two apart lets the fuzzers and the
 * tests drive the semantics directly, and keeps every rule of RFC 9110,
 * the profiles and the seeded flaws in one place (ifm_handler.c, ifm_cond.c,
 * ifm_patch.c).
 */
#ifndef IFM_HANDLER_H
#define IFM_HANDLER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "ifm_server.h"
#include "ifm_store.h"

typedef enum ifm_srv_method {
  IFM_SRV_GET = 0,
  IFM_SRV_HEAD,
  IFM_SRV_PUT,
  IFM_SRV_PATCH,
  IFM_SRV_DELETE,
  IFM_SRV_POST,
  IFM_SRV_OPTIONS,
  IFM_SRV_TRACE,
  IFM_SRV_OTHER              /* anything else: 501 (RFC 9110 section 9.1) */
} ifm_srv_method;

/* Method names are case-sensitive (section 9.1). */
ifm_srv_method ifm_srv_method_parse(const char *name);

/* A field value: bytes that may contain anything, not NUL-terminated. */
typedef struct ifm_span {
  const char *p;             /* NULL when the field was absent */
  size_t len;
} ifm_span;

/* A request as the handler sees it. Every pointer is borrowed from the
 * caller and must stay valid until the handler returns. */
typedef struct ifm_srv_req {
  ifm_srv_method method;
  const char *method_name;
  const char *path;          /* NUL-terminated, already percent-decoded */
  const ifm_span *if_match;  /* every If-Match field line, in order */
  size_t n_if_match;
  const ifm_span *if_none_match;
  size_t n_if_none_match;
  ifm_span if_unmodified_since, if_modified_since;   /* first line of each */
  ifm_span range, if_range, content_type, authorization;
  int has_content_length;
  uint64_t content_length;
  const char *body;
  size_t body_len;
  int body_too_large;        /* more than max_body arrived; the rest was dropped */
} ifm_srv_req;

/* The answer. Owns location, content_location, text and one reference to
 * blob; ifm_srv_resp_clear() releases them. */
typedef struct ifm_srv_resp {
  int status;
  char etag[32];             /* wire form with quotes; "" = no ETag field */
  int has_last_modified;
  time_t last_modified;
  const char *content_type;  /* static, or inside blob; NULL = none */
  char *location;            /* Location (201) */
  char *content_location;    /* Content-Location (2xx PUT) */
  const char *allow;         /* Allow (405, OPTIONS) */
  char content_range[80];    /* Content-Range (206, 416) */
  int accept_ranges;         /* Accept-Ranges: bytes */
  int no_store;              /* Cache-Control: no-store (428, RFC 6585 3) */
  int www_authenticate;      /* WWW-Authenticate: Bearer (401) */
  int close;                 /* Connection: close, and close after the answer */
  ifm_blob *blob;            /* body: blob->data[off .. off+len); with a 304
                              * never sent, but it gives the Content-Length a
                              * 200 would have had (RFC 9110 section 8.6) */
  size_t off, len;
  char *text;                /* or an owned text body of text_len bytes */
  size_t text_len;
} ifm_srv_resp;

void ifm_srv_resp_clear(ifm_srv_resp *rs);

typedef struct ifm_handler ifm_handler;

/* Creates the semantics for opts (copied; the auth token too) with a fresh
 * store. The caller owns it and frees it with ifm_handler_free(), which must
 * not run while a request is being handled. NULL when out of memory. */
ifm_handler *ifm_handler_new(const ifm_server_opts *opts);
void ifm_handler_free(ifm_handler *h);

/* The store's counts and limits (takes the store lock). */
void ifm_handler_store_stats(ifm_handler *h, ifm_store_stats *out);

/* The checks that need only the request head (RFC 9110 section 13.2.1: they
 * come before any precondition): 501, 405, 401, 403, and 413 when the
 * declared Content-Length is over max_body. Returns 1 and fills *rs when the
 * request is answered, else 0 (and *rs untouched). */
int ifm_handler_early(ifm_handler *h, const ifm_srv_req *rq, ifm_srv_resp *rs);

/* Everything, once the body has arrived. Always fills *rs (zeroed first). */
void ifm_handler_run(ifm_handler *h, const ifm_srv_req *rq, ifm_srv_resp *rs);

/* Sets a short text/plain error body "<status> <reason>: <detail>\n". */
void ifm_srv_resp_error(ifm_srv_resp *rs, int status, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 3, 4)))
#endif
  ;

#endif
