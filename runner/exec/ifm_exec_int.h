/* ifm_exec_int.h: the executor's own structures, shared by its files
 * (ifm_exec.c the libcurl loop, ifm_exec_wire.c the transfers that go over
 * a socket of their own: ifm_wire.h, ifm_exec_h2.c the groups released by
 * the HTTP/2 single-packet engine: ifm_h2_race.h). Not for use outside
 * runner/exec/. */
#ifndef IFM_EXEC_INT_H
#define IFM_EXEC_INT_H

#include <curl/curl.h>
#include "ifm_exec.h"
#include "ifm_wire.h"

#define EXEC_MAX_BODY (64u * 1024 * 1024)   /* a response larger than this is an error */
#define EXEC_MAX_FIELDS 10000                /* so is one with more header fields */

struct ifm_xfer {
  CURL *easy;
  struct curl_slist *slist;
  struct curl_slist *resolve, *connect_to;   /* opts.net's lists, while the transfer lives */
  ifm_exchange ex;                /* the record: request half at creation, the rest at the end */
  size_t cap_req_headers, cap_resp_headers;
  ifm_buf body;                   /* the request body while it is sent (then moved into ex) */
  int has_body;
  size_t sent;
  ifm_xfer_opts opts;
  ifm_buf resp_body;              /* the response body while it arrives (then moved into ex) */
  char errbuf[CURL_ERROR_SIZE];
  ifm_xfer_done_cb done;
  void *ctx;
  ifm_exec *exec;
  size_t slot;                    /* index in exec->active */
  int paused, released;
  int has_content_type;           /* the caller set a Content-Type field */
  size_t resp_bytes;              /* what the response holds so far (fields and body) */
  size_t limit_hit;               /* non-zero: the response passed this cap and was cut */
  int fields_hit;                 /* ...or had more than EXEC_MAX_FIELDS fields */
  /* A transfer over a socket of its own (no easy handle): the exact bytes,
   * and the connection once started. */
  char *raw;
  size_t raw_len;
  ifm_wire *wire;
  /* A member of an HTTP/2 single-packet group (ifm_exec_h2.c): its stream
   * is h2_index of the group's race; h2_ended once the race has its outcome. */
  struct exec_h2group *h2;
  size_t h2_index;
  int h2_ended;
};

/* One HTTP/2 single-packet race in the loop: its members stay in
 * exec->active (so the loop runs while they do) and end through xfer_finish. */
typedef struct exec_h2group {
  struct ifm_h2race *race;
  size_t members;                 /* not yet finished */
  int ended;                      /* the race has every stream's outcome */
} exec_h2group;

#define EXEC_POOL 64   /* idle easy handles kept for reuse */

struct ifm_exec {
  CURLM *multi;
  CURL *pool[EXEC_POOL];          /* reset easy handles: no malloc churn per request */
  size_t n_pool;
  ifm_xfer **active;
  size_t n_active, cap_active;
  int check_groups;               /* a group may have become complete */
  int added;                      /* a transfer was added since the last perform */
  size_t budget;                  /* bytes all responses in flight may hold together */
  size_t held;                    /* what they hold now */
  exec_h2group **h2;              /* HTTP/2 single-packet groups in flight */
  size_t n_h2, cap_h2;
};

/* Own-socket transfers (ifm_exec_wire.c). */
/* Connects x->wire for x->raw (the URL's host and port, after the
 * transfer's connect_to and resolve); 0, or -1 with x->ex.error set. */
int ifm_exec_wire_start(ifm_xfer *x, double now);
/* The poll entries of the active own-socket transfers, at most cap; *next
 * gets the nearest deadline (unchanged when none is sooner). */
size_t ifm_exec_wire_fds(const ifm_exec *e, struct curl_waitfd *fds, size_t cap, double *next);
/* Writes x's request (method, URL, fields, body) as HTTP/1.1 bytes into
 * x->raw: the request line with the URL's path and query, Host, the fields
 * as given, Basic credentials from the URL's userinfo when no field is
 * Authorization (as libcurl sends them), Content-Length when there is a
 * body (or the method sends one), the body. 0, or -1 out of memory. */
int ifm_exec_wire_serialize(ifm_xfer *x);
/* Moves x->wire's answer into x->ex, with the hashes the checker reads. */
void ifm_exec_wire_seal(ifm_xfer *x);
/* Where url leads: its host (an IPv6 literal without brackets) and port
 * (the scheme's default when none) into host and *port, and where to
 * connect after net's connect_to and resolve (curl's meanings) into conn
 * and *conn_port. 0, or -1 when the URL does not parse (or the host is
 * longer than hostlen). */
int ifm_exec_url_endpoint(const char *url, const struct ifm_netopts *net, char *host, size_t hostlen, int *port,
                          char *conn, size_t connlen, int *conn_port);

/* HTTP/2 single-packet groups (ifm_exec_h2.c). */
/* Steps every group's race; marks the members of those that ended. */
void ifm_exec_h2_step(ifm_exec *e, double now);
/* The groups' poll entries, at most cap; *next as ifm_exec_wire_fds. */
size_t ifm_exec_h2_fds(const ifm_exec *e, struct curl_waitfd *fds, size_t cap, double *next);
/* Moves member x's stream into x->ex (with why as its error when the race
 * is cut short: why non-NULL), takes x out of its group and frees the
 * group with its last member. */
void ifm_exec_h2_leave(ifm_exec *e, ifm_xfer *x, const char *why);

#endif
