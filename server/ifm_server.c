/* ifm_server.c: libmicrohttpd glue for the reference server.
 *
 * MHD runs an epoll loop in a pool of internal threads (HTTP/1.1 keep-alive);
 * this file only collects each request into an ifm_srv_req (all If-Match and
 * If-None-Match field lines, in order: MHD_lookup_connection_value would give
 * only the first; RFC 9110 section 5.3 says they form one list), accumulates
 * the body up to max_body, hands the request to ifm_handler.c and turns the
 * ifm_srv_resp into an MHD response. The semantics live in the handler.
 *
 * MHD calls the access handler several times per request: once with the
 * head (we may answer 401/403/405/413/501 right there, before the body, and
 * MHD then closes the connection after the answer), once per body chunk
 * (no answer allowed then), and once when the request is complete.
 *
 * Hardening, because libmicrohttpd 0.9.75 does not do it: the head's
 * framing is checked first of all (ifm_framing.h: several Content-Length,
 * Transfer-Encoding with Content-Length, no Host, ...) and refused with 400
 * and Connection: close, so that no byte after such a head is ever parsed as
 * another request; and every connection is followed by ifm_guard.h (head
 * and idle timeouts, limits that close idle or slow connections before they
 * refuse a new one), through MHD's connection, URI-log and completion
 * callbacks and its accept policy.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "ifm_framing.h"
#include "ifm_guard.h"
#include "ifm_h2_server.h"
#include "ifm_handler.h"
#include "ifm_precond.h"
#include "ifm_server.h"

struct ifm_server {
  struct MHD_Daemon *daemon;
  ifm_handler *handler;      /* owned; freed after the daemon stopped */
  ifm_guard *guard;          /* owned; freed after the daemon stopped */
  ifm_h2srv *h2;             /* owned; the h2c side when opts.h2c, else NULL */
  ifm_server_opts opts;      /* with defaults filled in */
  uint16_t port;
};

/* Dropping a too-large body is done by reading and discarding it, so the
 * 413 is delivered cleanly; past this much more we just close. */
#define IFM_DISCARD_LIMIT ((uint64_t)64 * 1024 * 1024)

typedef struct span_vec {
  ifm_span *v;
  size_t n, cap;
} span_vec;

/* Per request, owned by MHD's con_cls slot and freed in request_done_cb. */
typedef struct conn_req {
  ifm_srv_req rq;
  span_vec im, inm;
  char *body;
  size_t body_cap;
  uint64_t discarded;
  int chunked;               /* Transfer-Encoding present: a body follows */
  int oom;
  ifm_framing framing;       /* every field line, for the RFC 9112 checks */
} conn_req;

void ifm_server_opts_init(ifm_server_opts *opts) {
  memset(opts, 0, sizeof *opts);
  opts->bind = "127.0.0.1";
  opts->profile = IFM_PROFILE_RFC9110;
  opts->race_window_us = 1000;
  opts->max_body = 1024 * 1024;
  /* 32 KiB: libmicrohttpd maps, zeroes and unmaps a fresh pool for every
   * connection above that, which dominated the cost of the race benchmarks'
   * new connections (bench/README.md, "Concurrency"). A 1,000-tag If-Match
   * still fits; a single 64 KiB tag gets 431, as IM-SIZE allows. */
  opts->max_header = 32 * 1024;
  opts->max_resources = 100000;
  opts->max_store_bytes = (size_t)32 * 1024 * 1024;
  opts->evict_after_s = 600;
  opts->max_connections = 4096;
  opts->max_conns_per_ip = 0;    /* half of max_connections, once that is settled */
  opts->auth_token = "ifmatch-secret";
  opts->timeout_s = 30;
  opts->head_timeout_s = 10;
}

/* ---- request collection ------------------------------------------------ */

static int span_push(span_vec *sv, ifm_span s) {
  if (sv->n == sv->cap) {
    size_t cap = sv->cap ? sv->cap * 2 : 4;
    ifm_span *nv = realloc(sv->v, cap * sizeof *nv);
    if (!nv) return -1;
    sv->v = nv;
    sv->cap = cap;
  }
  sv->v[sv->n++] = s;
  return 0;
}

/* Field names are case-insensitive (RFC 9110 section 5.1). */
static int name_is(const char *key, size_t len, const char *name) {
  return len == strlen(name) && strncasecmp(key, name, len) == 0;
}

static enum MHD_Result collect_cb(void *cls, enum MHD_ValueKind kind, const char *key,
                                  size_t key_size, const char *value, size_t value_size) {
  conn_req *cr = cls;
  ifm_srv_req *rq = &cr->rq;
  ifm_span v;

  (void)kind;
  v.p = value ? value : "";
  v.len = value ? value_size : 0;
  ifm_framing_field(&cr->framing, key, key_size, v.p, v.len);
  if (name_is(key, key_size, "If-Match")) {
    if (span_push(&cr->im, v) != 0) cr->oom = 1;
  } else if (name_is(key, key_size, "If-None-Match")) {
    if (span_push(&cr->inm, v) != 0) cr->oom = 1;
  } else if (name_is(key, key_size, "If-Unmodified-Since")) {
    if (!rq->if_unmodified_since.p) rq->if_unmodified_since = v;
  } else if (name_is(key, key_size, "If-Modified-Since")) {
    if (!rq->if_modified_since.p) rq->if_modified_since = v;
  } else if (name_is(key, key_size, "Range")) {
    if (!rq->range.p) rq->range = v;
  } else if (name_is(key, key_size, "If-Range")) {
    if (!rq->if_range.p) rq->if_range = v;
  } else if (name_is(key, key_size, "Content-Type")) {
    if (!rq->content_type.p) rq->content_type = v;
  } else if (name_is(key, key_size, "Authorization")) {
    if (!rq->authorization.p) rq->authorization = v;
  } else if (name_is(key, key_size, "Transfer-Encoding")) {
    cr->chunked = 1;
  } else if (name_is(key, key_size, "Content-Length")) {
    uint64_t n = 0;
    size_t i;
    for (i = 0; i < v.len && v.p[i] >= '0' && v.p[i] <= '9'; i++)
      n = n > (UINT64_MAX - 9) / 10 ? UINT64_MAX : n * 10 + (uint64_t)(v.p[i] - '0');
    rq->has_content_length = i > 0;
    rq->content_length = n;
  }
  return MHD_YES;
}

static int body_append(conn_req *cr, const char *data, size_t n, size_t max_body) {
  size_t need = cr->rq.body_len + n, cap;
  char *nb;

  if (need > max_body) return 1;
  if (need > cr->body_cap) {
    cap = cr->body_cap ? cr->body_cap : 1024;
    while (cap < need) cap *= 2;
    if (cap > max_body) cap = max_body;
    nb = realloc(cr->body, cap);
    if (!nb) return -1;
    cr->body = nb;
    cr->body_cap = cap;
  }
  memcpy(cr->body + cr->rq.body_len, data, n);
  cr->rq.body_len = need;
  return 0;
}

/* ---- responses --------------------------------------------------------- */

/* The guard's record of this connection (NULL when untracked). */
static ifm_guard_conn *guard_conn(struct MHD_Connection *conn) {
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  return ci ? ci->socket_context : NULL;
}

static void blob_free_cb(void *cls) { ifm_blob_unref(cls); }

static void add_header(struct MHD_Response *resp, const char *name, const char *value) {
  if (value && *value) MHD_add_response_header(resp, name, value);
}

static enum MHD_Result respond(ifm_server *srv, struct MHD_Connection *conn,
                               const ifm_srv_req *rq, ifm_srv_resp *rs) {
  struct MHD_Response *resp;
  enum MHD_Result ret;
  char date[40];

  if (rs->blob) {
    resp = MHD_create_response_from_buffer_with_free_callback_cls(
        rs->len, rs->blob->data + rs->off, blob_free_cb, rs->blob);
    if (resp) rs->blob = NULL;            /* MHD owns the reference now */
  } else if (rs->text) {
    resp = MHD_create_response_from_buffer(rs->text_len, rs->text, MHD_RESPMEM_MUST_FREE);
    if (resp) rs->text = NULL;
  } else {
    resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
  }
  if (!resp) {
    ifm_srv_resp_clear(rs);
    return MHD_NO;
  }
  add_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, rs->content_type);
  add_header(resp, MHD_HTTP_HEADER_ETAG, rs->etag);
  if (rs->has_last_modified)
    add_header(resp, MHD_HTTP_HEADER_LAST_MODIFIED,
               ifm_http_date_format(rs->last_modified, date, sizeof date));
  add_header(resp, MHD_HTTP_HEADER_LOCATION, rs->location);
  add_header(resp, MHD_HTTP_HEADER_CONTENT_LOCATION, rs->content_location);
  add_header(resp, MHD_HTTP_HEADER_ALLOW, rs->allow);
  add_header(resp, MHD_HTTP_HEADER_CONTENT_RANGE, rs->content_range);
  if (rs->accept_ranges) add_header(resp, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
  if (rs->no_store) add_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
  if (rs->www_authenticate)
    add_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"ifmatch\"");
  /* MHD then closes the connection after this answer, and reads nothing
   * more from it */
  if (rs->close) add_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
  ifm_guard_set(guard_conn(conn), IFM_GUARD_REPLY);
  ret = MHD_queue_response(conn, (unsigned)rs->status, resp);
  MHD_destroy_response(resp);
  if (srv->opts.log)
    fprintf(stderr, "ifmatch: %s %s -> %d\n", rq->method_name, rq->path, rs->status);
  ifm_srv_resp_clear(rs);
  return ret;
}

/* ---- MHD callbacks ----------------------------------------------------- */

static enum MHD_Result access_cb(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version,
                                 const char *upload_data, size_t *upload_data_size,
                                 void **con_cls) {
  ifm_server *srv = cls;
  conn_req *cr = *con_cls;
  ifm_srv_resp rs;

  memset(&rs, 0, sizeof rs);
  if (!cr) {
    const char *why;
    int bad;

    ifm_guard_set(guard_conn(conn), IFM_GUARD_BODY);
    cr = calloc(1, sizeof *cr);
    if (!cr) return MHD_NO;
    *con_cls = cr;
    cr->rq.method = ifm_srv_method_parse(method);
    cr->rq.method_name = method;
    cr->rq.path = url;
    MHD_get_connection_values_n(conn, MHD_HEADER_KIND, collect_cb, cr);
    cr->rq.if_match = cr->im.v;
    cr->rq.n_if_match = cr->im.n;
    cr->rq.if_none_match = cr->inm.v;
    cr->rq.n_if_none_match = cr->inm.n;
    /* RFC 9112: framing that cannot be trusted is answered before anything
     * else looks at the request, and the connection is closed after it. */
    if ((bad = ifm_framing_check(&cr->framing, version, &why)) != 0) {
      ifm_srv_resp_error(&rs, bad, "%s; the connection is closed", why);
      rs.close = 1;
      return respond(srv, conn, &cr->rq, &rs);
    }
    if (cr->oom) {
      ifm_srv_resp_error(&rs, 503, "out of memory");
      return respond(srv, conn, &cr->rq, &rs);
    }
    /* Answer before the body only when one is coming (saves reading it; MHD
     * then closes the connection). */
    if (cr->chunked || (cr->rq.has_content_length && cr->rq.content_length > 0)) {
      if (ifm_handler_early(srv->handler, &cr->rq, &rs)) return respond(srv, conn, &cr->rq, &rs);
      return MHD_YES;
    }
    /* No body is coming. With an Expect field, answer now: waiting for
     * MHD's next call made it send "100 Continue", and then, with bytes
     * pipelined after the request, perform the write and never send its
     * answer (found by fuzz/fuzz_server_request.c). Answering on this first
     * call closes the connection after the answer, so it is kept to that
     * case; every other request waits and keeps its connection. */
    if (!MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_EXPECT)) return MHD_YES;
  } else if (*upload_data_size) {
    if (!cr->rq.body_too_large) {
      int r = body_append(cr, upload_data, *upload_data_size, srv->opts.max_body);
      if (r < 0) return MHD_NO;
      if (r > 0) {
        cr->rq.body_too_large = 1;         /* keep reading, answer 413 at the end */
        free(cr->body);
        cr->body = NULL;
        cr->body_cap = 0;
        cr->rq.body_len = 0;
      }
    } else {
      cr->discarded += *upload_data_size;
      if (cr->discarded > IFM_DISCARD_LIMIT) return MHD_NO;
    }
    *upload_data_size = 0;
    return MHD_YES;
  }
  if (srv->opts.arrival_cb) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    srv->opts.arrival_cb(srv->opts.arrival_ctx,
                         (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec,
                         method, url);
  }
  cr->rq.body = cr->body;
  ifm_handler_run(srv->handler, &cr->rq, &rs);
  return respond(srv, conn, &cr->rq, &rs);
}

static void request_done_cb(void *cls, struct MHD_Connection *conn, void **con_cls,
                            enum MHD_RequestTerminationCode toe) {
  conn_req *cr = *con_cls;

  (void)cls;
  (void)toe;
  ifm_guard_set(guard_conn(conn), IFM_GUARD_IDLE);   /* waits for its next request */
  if (!cr) return;
  free(cr->im.v);
  free(cr->inm.v);
  free(cr->body);
  free(cr);
  *con_cls = NULL;
}

/* The request line has arrived: the head timeout starts. */
static void *uri_log_cb(void *cls, const char *uri, struct MHD_Connection *conn) {
  (void)cls;
  (void)uri;
  ifm_guard_set(guard_conn(conn), IFM_GUARD_HEAD);
  return NULL;
}

static uint32_t ipv4_of(const struct sockaddr *sa) {
  return sa && sa->sa_family == AF_INET ? ((const struct sockaddr_in *)(const void *)sa)->sin_addr.s_addr
                                        : 0;
}

static enum MHD_Result accept_cb(void *cls, const struct sockaddr *addr, socklen_t addrlen) {
  ifm_server *srv = cls;
  (void)addrlen;
  return ifm_guard_admit(srv->guard, ipv4_of(addr)) ? MHD_YES : MHD_NO;
}

static void conn_cb(void *cls, struct MHD_Connection *conn, void **socket_context,
                    enum MHD_ConnectionNotificationCode toe) {
  ifm_server *srv = cls;
  const union MHD_ConnectionInfo *fd, *addr;

  if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
    fd = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    addr = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    *socket_context = fd ? ifm_guard_open(srv->guard, fd->connect_fd,
                                          ipv4_of(addr ? addr->client_addr : NULL))
                         : NULL;
  } else {
    ifm_guard_close(srv->guard, *socket_context);   /* before MHD closes the socket */
    *socket_context = NULL;
  }
}

__attribute__((format(printf, 2, 0)))
static void log_cb(void *cls, const char *fmt, va_list ap) {
  ifm_server *srv = cls;

  if (!srv->opts.log) return;
  fputs("ifmatch: libmicrohttpd: ", stderr);
  vfprintf(stderr, fmt, ap);
}

/* ---- lifecycle --------------------------------------------------------- */

static unsigned default_threads(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 4 ? (unsigned)n : 4;
}

/* libmicrohttpd's own limits sit this far above the guard's: a connection
 * the guard shut down still counts there until its thread has closed it,
 * which under a flood of new connections can take a while; past them
 * libmicrohttpd closes new connections, honest ones too. */
static unsigned slack_of(unsigned n) { return n / 2 > 64 ? n / 2 : 64; }

/* The connection limits in effect: max_connections and its slack within
 * half the open-file limit (the embedded server shares its process with the
 * runner's clients), max_conns_per_ip at most max_connections. */
static void settle_limits(ifm_server_opts *o) {
  struct rlimit rl;

  if (!o->max_connections) o->max_connections = 4096;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
    rlim_t budget = rl.rlim_cur / 2;
    if (o->max_connections + slack_of(o->max_connections) > budget)
      o->max_connections = budget * 2 / 3 > 8 ? (unsigned)(budget * 2 / 3) : 8;
  }
  if (!o->max_conns_per_ip) o->max_conns_per_ip = o->max_connections / 2 ? o->max_connections / 2 : 1;
  if (o->max_conns_per_ip > o->max_connections) o->max_conns_per_ip = o->max_connections;
}

ifm_server *ifm_server_start(const ifm_server_opts *opts, char *err, size_t errlen) {
  ifm_server *srv;
  struct sockaddr_in sa;
  const union MHD_DaemonInfo *info;
  struct MHD_OptionItem ops[16];
  ifm_guard_opts go;
  size_t k = 0;
  unsigned hard_total, hard_ip;
  /* Level-triggered poll(), not epoll with MHD_USE_TURBO: in one CI run a
   * 64-client race round left 23 requests unanswered for 10 s after their
   * last bytes were released together, the signature of a missed edge. poll()
   * cannot miss one, and measured the same here (110-121k GET/s against
   * 119-122k, 64 connections). */
  unsigned flags = MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG;

  if (errlen) err[0] = '\0';
  srv = calloc(1, sizeof *srv);
  if (!srv) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  srv->opts = *opts;
  if (!srv->opts.bind) srv->opts.bind = "127.0.0.1";
  if (!srv->opts.max_body) srv->opts.max_body = 1024 * 1024;
  if (!srv->opts.max_header) srv->opts.max_header = 32 * 1024;
  if (!srv->opts.timeout_s) srv->opts.timeout_s = 30;
  if (!srv->opts.head_timeout_s) srv->opts.head_timeout_s = 10;
  settle_limits(&srv->opts);
  memset(&go, 0, sizeof go);
  go.head_timeout_ms = srv->opts.head_timeout_s * 1000u;
  go.idle_timeout_ms = srv->opts.timeout_s * 1000u;
  /* Shapes that are limits of the HTTP layer (ifm_shape.c). cap-conns is a
   * plain cap: libmicrohttpd refuses connections past 8 and the guard closes
   * none to make room. A header that does not fit the connection's memory
   * is answered with 431, and the connection closed. */
  if (srv->opts.shapes & IFM_SHAPE_CAP_CONNS) {
    if (srv->opts.max_connections > 8) srv->opts.max_connections = 8;
    hard_total = srv->opts.max_connections;
    hard_ip = 0;
  } else {
    go.max_conns = srv->opts.max_connections;
    go.max_per_ip = srv->opts.max_conns_per_ip;
    go.shed = 1;
    hard_total = go.max_conns + slack_of(go.max_conns);
    hard_ip = go.max_per_ip + slack_of(go.max_per_ip);
  }
  if ((srv->opts.shapes & IFM_SHAPE_HEADER_CLOSE) && srv->opts.max_header > 8 * 1024)
    srv->opts.max_header = 8 * 1024;
  if (!srv->opts.threads) srv->opts.threads = default_threads();
  if ((unsigned)srv->opts.profile > IFM_PROFILE_CPP) {
    snprintf(err, errlen, "unknown profile %d", (int)srv->opts.profile);
    free(srv);
    return NULL;
  }
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons(srv->opts.port);
  if (inet_pton(AF_INET, srv->opts.bind, &sa.sin_addr) != 1) {
    snprintf(err, errlen, "bad bind address \"%s\" (want an IPv4 address)", srv->opts.bind);
    free(srv);
    return NULL;
  }
  srv->handler = ifm_handler_new(&srv->opts);
  srv->guard = ifm_guard_new(&go);
  if (!srv->handler || !srv->guard) {
    snprintf(err, errlen, "out of memory");
    ifm_handler_free(srv->handler);
    ifm_guard_free(srv->guard);
    free(srv);
    return NULL;
  }
  srv->opts.auth_token = NULL;   /* the handler keeps its own copy */

  ops[k++] = (struct MHD_OptionItem){MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)log_cb, srv};
  ops[k++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &sa};
  ops[k++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_MEMORY_LIMIT,
                                     (intptr_t)srv->opts.max_header, NULL};
  ops[k++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT, (intptr_t)hard_total, NULL};
  if (hard_ip)
    ops[k++] = (struct MHD_OptionItem){MHD_OPTION_PER_IP_CONNECTION_LIMIT, (intptr_t)hard_ip, NULL};
  /* MHD's inactivity timeout stays as the backstop for bodies and answers
   * that stall; the guard times heads and idle connections from their start */
  ops[k++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT,
                                     (intptr_t)srv->opts.timeout_s, NULL};
  ops[k++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)request_done_cb,
                                     NULL};
  ops[k++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)conn_cb, srv};
  ops[k++] = (struct MHD_OptionItem){MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)uri_log_cb, srv};
  ops[k++] = (struct MHD_OptionItem){MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, NULL};
  if (srv->opts.threads > 1)
    ops[k++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE,
                                       (intptr_t)srv->opts.threads, NULL};
  ops[k++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};

  errno = 0;
  srv->daemon = MHD_start_daemon(flags, srv->opts.port, accept_cb, srv, access_cb, srv,
                                 MHD_OPTION_ARRAY, ops, MHD_OPTION_END);
  if (!srv->daemon) {
    snprintf(err, errlen, "cannot listen on %s:%u: %s", srv->opts.bind,
             (unsigned)srv->opts.port, errno ? strerror(errno) : "libmicrohttpd refused");
    ifm_handler_free(srv->handler);
    ifm_guard_free(srv->guard);
    free(srv);
    return NULL;
  }
  info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
  srv->port = info ? info->port : srv->opts.port;
  if (srv->opts.h2c && !(srv->h2 = ifm_h2srv_start(srv->handler, &srv->opts, err, errlen))) {
    ifm_server_stop(srv);
    return NULL;
  }
  return srv;
}

uint16_t ifm_server_port(const ifm_server *srv) { return srv ? srv->port : 0; }

uint16_t ifm_server_h2c_port(const ifm_server *srv) { return srv ? ifm_h2srv_port(srv->h2) : 0; }

void ifm_server_stats_get(ifm_server *srv, ifm_server_stats *out) {
  ifm_guard_stats gs;
  ifm_store_stats ss;

  memset(out, 0, sizeof *out);
  ifm_guard_stats_get(srv->guard, &gs);
  ifm_handler_store_stats(srv->handler, &ss);
  out->conns_open = gs.open;
  out->conns_refused = gs.refused;
  out->conns_shed = gs.shed;
  out->head_timeouts = gs.head_timeouts;
  out->idle_timeouts = gs.idle_timeouts;
  out->resources = ss.resources;
  out->store_bytes = ss.bytes;
  out->evicted = ss.evicted;
  out->store_refused = ss.refused;
  out->store_changes = ss.changes;
  out->max_connections = srv->opts.max_connections;
  out->max_conns_per_ip = srv->opts.max_conns_per_ip;
}

void ifm_server_stop(ifm_server *srv) {
  if (!srv) return;
  /* Stopping the daemon destroys every pending response, which drops the
   * blob references they held, and closes every connection, which the guard
   * hears of; only then are the store and the guard freed. */
  ifm_h2srv_stop(srv->h2);   /* its handler threads are done after this */
  MHD_stop_daemon(srv->daemon);
  ifm_handler_free(srv->handler);
  ifm_guard_free(srv->guard);
  free(srv);
}
