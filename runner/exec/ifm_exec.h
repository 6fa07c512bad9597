/* ifm_exec.h: the HTTP executor. One libcurl multi handle drives every
 * transfer of a run (sequential steps of many cases at once, and the clients
 * of a parallel step), with keep-alive reuse through the multi's connection
 * cache. A transfer is built from plain bytes (method, URL, header lines,
 * body) and comes back as a response plus timings; the executor knows
 * nothing of cases, templates or verdicts.
 *
 * The loop follows the shape of curl's own tool: poll, perform, drain
 * info_read, find the transfer through CURLOPT_PRIVATE, one error buffer per
 * transfer.
 */
#ifndef IFM_EXEC_H
#define IFM_EXEC_H

#include <stddef.h>
#include "ifm_buf.h"
#include "ifm_err.h"
#include "ifm_exchange.h"

typedef struct ifm_exec ifm_exec;
typedef struct ifm_xfer ifm_xfer;

typedef void (*ifm_xfer_done_cb)(ifm_xfer *x, void *ctx);

/* Last-byte release: the transfers of one group each send all but the last
 * byte of their body and pause; when every member is paused, the executor
 * resumes them all in one sweep. A member that ends before pausing (an early
 * response, an error) leaves the group. */
typedef struct ifm_hold_group {
  size_t members;            /* set by the caller: how many transfers join */
  size_t held;               /* paused so far */
  int released;
  double release_ms;         /* when the sweep started (monotonic ms) */
} ifm_hold_group;

struct ifm_netopts;

typedef struct ifm_xfer_opts {
  double timeout_s;          /* whole transfer; > 0 */
  int http_version;          /* 0 = 1.1, 1 = h2c (prior knowledge), 2 = h2 over TLS */
  const char *ca_file;       /* NULL: system store */
  int tls_verify;
  int fresh_connection;      /* 1: never reuse a connection (each parallel client its own) */
  ifm_hold_group *hold;      /* non-NULL: pause before the body's last byte (see above) */
  int own_socket;            /* 1: not libcurl but a connection of the executor's own
                                (ifm_wire.h: HTTP/1.1, no proxy, see
                                ifm_xfer_wire_supported): the request prepared in full, a
                                held last byte released by one send() back to back with the
                                group's others */
  const struct ifm_netopts *net;  /* client certificate, proxy, resolve, connect_to (ifm_model.h;
                                     NULL: none); must outlive the transfer. Without a proxy
                                     given, libcurl's environment proxies apply, never to
                                     loopback unless net->noproxy says so (ifm_exec_net.h) */
} ifm_xfer_opts;


ifm_exec *ifm_exec_new(void);
/* For a server that serves at most n connections at once: the executor keeps
 * at most one idle connection open between requests, so that a race of n - 1
 * fresh connections fits beside it. */
void ifm_exec_limit_connections(ifm_exec *e, unsigned n);
/* The memory the responses in flight may hold together (fields and bodies;
 * 0: the default). Each response may hold at most its share (the budget
 * over the transfers in flight, and at most 64 MiB) and 10,000 fields; past
 * that it is cut and its exchange ends with an error saying so. */
#define IFM_EXEC_DEFAULT_BUDGET ((size_t)256 << 20)
void ifm_exec_set_memory_budget(ifm_exec *e, size_t bytes);
void ifm_exec_free(ifm_exec *e);       /* aborts and frees unfinished transfers */

/* Creates a transfer; the exec owns it once added. Header lines are "Name:
 * value" (an empty value is sent as "Name:" with nothing after it). body may
 * be NULL (no body) or hold any bytes. */
ifm_xfer *ifm_xfer_new(const char *method, const char *url, const ifm_xfer_opts *opts);
int ifm_xfer_add_header(ifm_xfer *x, const char *name, const char *value, size_t value_len);
int ifm_xfer_set_body(ifm_xfer *x, const char *body, size_t len);
/* Creates a transfer from the request half of an exchange (method, url,
 * req_headers, req_body: the planner's output), which it takes over: *req is
 * zeroed. NULL on allocation failure or a header libcurl cannot send. */
ifm_xfer *ifm_xfer_new_exchange(ifm_exchange *req, const ifm_xfer_opts *opts);
void ifm_xfer_free(ifm_xfer *x);

/* A transfer that sends exactly the len bytes at bytes (copied) over a
 * connection of its own, not through libcurl (ifm_wire.h), and reads the
 * answer with the executor's HTTP/1.1 parser: a `raw:` step. req is the
 * request as the reports show it (method, url, fields, body parsed from the
 * bytes), taken over as by ifm_xfer_new_exchange; the URL says where to
 * connect (with opts->net's connect_to and resolve). NULL on allocation
 * failure. */
ifm_xfer *ifm_xfer_new_raw(ifm_exchange *req, const char *bytes, size_t len, const ifm_xfer_opts *opts);
/* 1 when such a transfer can reach url with opts: http:// or https:// (TLS
 * with opts' verification, CA file and client certificate), HTTP/1.1, no
 * proxy; else 0 with the reason in why. */
int ifm_xfer_wire_supported(const char *url, const ifm_xfer_opts *opts, char *why, size_t whylen);

/* HTTP/2 single-packet release (ifm_h2_race.h): the n transfers at members
 * (made by ifm_xfer_new_exchange, not added) become the streams of one
 * HTTP/2 connection, every stream's frames sent but its last, then every
 * last frame in one write. opts says how to reach the origin of the first
 * member's URL: http_version 1 is h2c with prior knowledge, 2 h2 over TLS
 * (ALPN), with tls_verify and ca_file; net's connect_to and resolve say
 * where to connect. Each member ends as an added transfer does: done (set
 * here, with ctxs[i] for member i) is called once from ifm_exec_run with the
 * member's exchange (its stream's request as sent, response, error, times
 * with t_release the moment its final frame was written), then the member
 * is freed; a stop or the deadline ends every member with that error. The
 * exec owns the members once this returns IFM_OK (even when a stream cannot
 * be sent: its exchange then ends with the reason); on any other result
 * they stay the caller's. IFM_ERR_INPUT when opts cannot run a group (see
 * ifm_exec_h2_supported), IFM_ERR_NOMEM. */
ifm_err ifm_exec_add_h2_group(ifm_exec *e, ifm_xfer **members, size_t n, const ifm_xfer_opts *opts,
                              ifm_xfer_done_cb done, void *const *ctxs);
/* 1 when a group can run with opts: HTTP/2 (http_version 1 or 2), no proxy,
 * (a client certificate is presented as libcurl would); else 0 with the
 * reason in why. */
int ifm_exec_h2_supported(const ifm_xfer_opts *opts, char *why, size_t whylen);

/* Starts x; done is called once from ifm_exec_run when it finishes (its
 * exchange is then complete; x is freed after the callback returns).
 * Returns IFM_OK, IFM_ERR_NOMEM, or IFM_ERR_TRANSPORT (libcurl refused it). */
ifm_err ifm_exec_add(ifm_exec *e, ifm_xfer *x, ifm_xfer_done_cb done, void *ctx);

/* Runs until no transfer is left, *stop becomes non-zero (the rest are
 * aborted: their done callbacks run with error "interrupted"), or the
 * deadline (monotonic ms, 0 = none) passes (likewise, "run time limit"). */
int ifm_exec_run(ifm_exec *e, volatile int *stop, double deadline_ms);

/* The transfer's record (ifm_exchange.h). Complete inside the done callback:
 * request as sent, status (0: none), response fields and whole body,
 * transport error or NULL, monotonic times (ifm_now_ms). Valid until
 * ifm_xfer_free; ifm_xfer_take_exchange moves it out (the caller then owns it). */
const ifm_exchange *ifm_xfer_exchange(const ifm_xfer *x);
void ifm_xfer_take_exchange(ifm_xfer *x, ifm_exchange *out);

double ifm_now_ms(void);   /* monotonic clock */

#endif
