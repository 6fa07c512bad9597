/* ifm_h2_server.c: the reference server's h2c listener and its
 * connections' nghttp2 sessions, in one thread (ifm_h2_server.h says why and
 * how). A stream's life: begin_headers makes it, field and data callbacks
 * fill it (ifm_h2_stream.c), END_STREAM queues it for a handler thread
 * (ifm_h2_pool.c; state QUEUED, counted in its connection's inflight), the
 * answer comes back through the pool's done list and is submitted (ANSWERED), and nghttp2's
 * close callback frees it. A connection that goes while handlers hold some
 * of its streams keeps its struct (dead) until the last one is back.
 */
#define _GNU_SOURCE 1   /* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ifm_h2_int.h"
#include "ifm_h2_server.h"

#define IFM_H2_MAX_STREAMS 256
#define IFM_H2_CONN_BODY ((size_t)16 * 1024 * 1024)

struct ifm_h2_conn {
  ifm_h2_conn *prev, *next;
  ifm_h2srv *srv;
  int fd;
  nghttp2_session *session;
  ifm_h2_stream *streams;    /* every stream not yet freed */
  ifm_h2_stream *ready, **ready_tail;   /* ended in the current read */
  unsigned inflight;         /* QUEUED streams */
  int dead;                  /* closed; freed when inflight is back to 0 */
  int eof;                   /* the client half-closed: nothing more to read, but what
                                it asked for is still answered before the close */
  size_t body_bytes;         /* bodies held by its streams */
  uint64_t last_ms;          /* last byte read */
};

struct ifm_h2srv {
  ifm_handler *handler;
  ifm_server_opts opts;
  nghttp2_session_callbacks *cbs;
  int lfd;                   /* the listener */
  uint16_t port;
  atomic_int stop;
  pthread_t loop;
  ifm_h2_conn *conns;
  unsigned n_conns;
  ifm_h2_conn *dead;         /* dropped, freed once nothing points at them */
  int loop_started;
  ifm_h2_pool *pool;         /* the handler threads */
};

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}


/* ---- streams and connections ------------------------------------------ */

static void stream_unlink_free(ifm_h2_stream *s) {
  ifm_h2_conn *c = s->conn;
  if (s->prev) s->prev->next = s->next;
  else c->streams = s->next;
  if (s->next) s->next->prev = s->prev;
  c->body_bytes -= s->rq.body_len;
  ifm_h2_stream_free(s);
}

/* Frees the dropped connections no handler and no stream points at any
 * more (between two turns of the loop, so no pointer to one is held). */
static void conns_reap(ifm_h2srv *srv) {
  ifm_h2_conn **pp = &srv->dead, *c;
  while ((c = *pp)) {
    if (c->inflight == 0 && !c->streams) {
      *pp = c->next;
      free(c);
    } else {
      pp = &c->next;
    }
  }
}

static void conn_drop(ifm_h2_conn *c) {
  ifm_h2srv *srv = c->srv;
  ifm_h2_stream *s, *next;

  if (c->dead) return;
  c->dead = 1;
  nghttp2_session_del(c->session);   /* its callbacks see dead and do nothing */
  c->session = NULL;
  close(c->fd);
  c->fd = -1;
  if (c->prev) c->prev->next = c->next;
  else srv->conns = c->next;
  if (c->next) c->next->prev = c->prev;
  c->prev = NULL;
  c->next = srv->dead;
  srv->dead = c;
  srv->n_conns--;
  for (s = c->streams; s; s = next) {
    next = s->next;
    if (s->state == IFM_H2S_QUEUED) s->closed = 1;   /* a handler has it */
    else stream_unlink_free(s);
  }
}

static void conn_flush(ifm_h2_conn *c);

static ssize_t send_cb(nghttp2_session *session, const uint8_t *data, size_t len, int flags,
                       void *user) {
  ifm_h2_conn *c = user;
  ssize_t n;
  (void)session;
  (void)flags;
  n = send(c->fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
  if (n >= 0) return n;
  if (errno == EAGAIN || errno == EWOULDBLOCK) return NGHTTP2_ERR_WOULDBLOCK;
  if (errno == EINTR) return NGHTTP2_ERR_WOULDBLOCK;
  return NGHTTP2_ERR_CALLBACK_FAILURE;
}

static int begin_headers_cb(nghttp2_session *session, const nghttp2_frame *frame, void *user) {
  ifm_h2_conn *c = user;
  ifm_h2_stream *s;

  if (c->dead || frame->hd.type != NGHTTP2_HEADERS ||
      frame->headers.cat != NGHTTP2_HCAT_REQUEST)
    return 0;
  if (!(s = ifm_h2_stream_new(c, frame->hd.stream_id))) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
  s->next = c->streams;
  if (c->streams) c->streams->prev = s;
  c->streams = s;
  nghttp2_session_set_stream_user_data(session, frame->hd.stream_id, s);
  return 0;
}

static int header_cb(nghttp2_session *session, const nghttp2_frame *frame, const uint8_t *name,
                     size_t nlen, const uint8_t *value, size_t vlen, uint8_t flags, void *user) {
  ifm_h2_conn *c = user;
  ifm_h2_stream *s;
  (void)flags;

  if (c->dead || frame->hd.type != NGHTTP2_HEADERS ||
      frame->headers.cat != NGHTTP2_HCAT_REQUEST)
    return 0;                /* trailers are read and ignored */
  s = nghttp2_session_get_stream_user_data(session, frame->hd.stream_id);
  if (!s || s->state != IFM_H2S_OPEN) return 0;
  if (ifm_h2_stream_field(s, name, nlen, value, vlen, c->srv->opts.max_header) != 0)
    return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;   /* out of memory: reset the stream */
  return 0;
}

static int data_cb(nghttp2_session *session, uint8_t flags, int32_t id, const uint8_t *data,
                   size_t len, void *user) {
  ifm_h2_conn *c = user;
  ifm_h2_stream *s;
  size_t before, limit;
  (void)flags;

  if (c->dead) return 0;
  s = nghttp2_session_get_stream_user_data(session, id);
  if (!s || s->state != IFM_H2S_OPEN) return 0;
  before = s->rq.body_len;
  limit = c->srv->opts.max_body;
  if (c->body_bytes + len > IFM_H2_CONN_BODY) limit = 0;   /* this body is refused (413) */
  if (ifm_h2_stream_data(s, data, len, limit) < 0) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
  c->body_bytes = c->body_bytes - before + s->rq.body_len;
  return 0;
}

static int frame_recv_cb(nghttp2_session *session, const nghttp2_frame *frame, void *user) {
  ifm_h2_conn *c = user;
  ifm_h2srv *srv = c->srv;
  ifm_h2_stream *s;

  if (c->dead || !(frame->hd.flags & NGHTTP2_FLAG_END_STREAM)) return 0;
  if (frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA) return 0;
  s = nghttp2_session_get_stream_user_data(session, frame->hd.stream_id);
  if (!s || s->state != IFM_H2S_OPEN) return 0;
  ifm_h2_stream_seal(s);
  if (srv->opts.arrival_cb)
    srv->opts.arrival_cb(srv->opts.arrival_ctx, now_ns(), s->rq.method_name, s->rq.path);
  s->state = IFM_H2S_QUEUED;
  c->inflight++;
  s->next_job = NULL;
  *c->ready_tail = s;
  c->ready_tail = &s->next_job;
  return 0;
}

static int stream_close_cb(nghttp2_session *session, int32_t id, uint32_t code, void *user) {
  ifm_h2_conn *c = user;
  ifm_h2_stream *s;
  (void)code;

  if (c->dead) return 0;
  s = nghttp2_session_get_stream_user_data(session, id);
  if (!s) return 0;
  nghttp2_session_set_stream_user_data(session, id, NULL);
  if (s->state == IFM_H2S_QUEUED) s->closed = 1;   /* freed when its handler is done */
  else stream_unlink_free(s);
  return 0;
}

static void conn_open(ifm_h2srv *srv, int fd) {
  nghttp2_settings_entry iv[1] = {{NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, IFM_H2_MAX_STREAMS}};
  ifm_h2_conn *c;
  int one = 1;

  if (srv->n_conns >= srv->opts.max_connections || !(c = calloc(1, sizeof *c))) {
    close(fd);
    return;
  }
  c->srv = srv;
  c->fd = fd;
  c->ready_tail = &c->ready;
  c->last_ms = now_ns() / 1000000u;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (nghttp2_session_server_new(&c->session, srv->cbs, c) != 0 ||
      nghttp2_submit_settings(c->session, NGHTTP2_FLAG_NONE, iv, 1) != 0) {
    if (c->session) nghttp2_session_del(c->session);
    close(fd);
    free(c);
    return;
  }
  c->next = srv->conns;
  if (srv->conns) srv->conns->prev = c;
  srv->conns = c;
  srv->n_conns++;
  conn_flush(c);             /* its SETTINGS */
}

/* Hands the streams that ended in the last read to the handler threads. */
static void conn_dispatch(ifm_h2_conn *c) {
  ifm_h2srv *srv = c->srv;
  if (!c->ready) return;
  ifm_h2_pool_push(srv->pool, c->ready, c->ready_tail);
  c->ready = NULL;
  c->ready_tail = &c->ready;
}

static void conn_read(ifm_h2_conn *c) {
  uint8_t buf[16384];
  ssize_t n = recv(c->fd, buf, sizeof buf, MSG_DONTWAIT);

  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  if (n < 0) {
    conn_drop(c);            /* reset: nobody to answer */
    return;
  }
  if (n == 0) {              /* half-closed: what ended before is still answered */
    c->eof = 1;
    conn_dispatch(c);
    conn_flush(c);
    return;
  }
  if (nghttp2_session_mem_recv(c->session, buf, (size_t)n) < 0) {
    conn_dispatch(c);
    nghttp2_session_send(c->session);   /* the GOAWAY nghttp2 queued, if the socket takes it */
    conn_drop(c);
    return;
  }
  c->last_ms = now_ns() / 1000000u;
  conn_dispatch(c);
}

/* Writes what nghttp2 has; drops the connection when it is finished: by
 * nghttp2 (after a GOAWAY), or after the client's half-close once every
 * request that had ended is answered and written. */
static void conn_flush(ifm_h2_conn *c) {
  if (c->dead) return;
  if (nghttp2_session_send(c->session) != 0 ||
      (!nghttp2_session_want_read(c->session) && !nghttp2_session_want_write(c->session)) ||
      (c->eof && c->inflight == 0 && !nghttp2_session_want_write(c->session)))
    conn_drop(c);
}

/* A stream whose handler is done: answer it, or free it when its stream or
 * connection went meanwhile. */
static void stream_done(ifm_h2srv *srv, ifm_h2_stream *s) {
  ifm_h2_conn *c = s->conn;

  c->inflight--;
  if (srv->opts.log)
    fprintf(stderr, "ifmatch: h2 %s %s -> %d\n", s->rq.method_name, s->rq.path, s->rs.status);
  if (s->closed || c->dead) {
    stream_unlink_free(s);
    return;
  }
  if (ifm_h2_stream_submit(c->session, s) != 0) {
    nghttp2_session_set_stream_user_data(c->session, s->id, NULL);
    stream_unlink_free(s);
  }
  conn_flush(c);
}

static void take_done(ifm_h2srv *srv) {
  ifm_h2_stream *s = ifm_h2_pool_take_done(srv->pool), *next;
  for (; s; s = next) {
    next = s->next_job;
    stream_done(srv, s);
  }
}

/* Once a second: idle connections go, and streams stuck half-sent. */
static void sweep(ifm_h2srv *srv, uint64_t now_ms) {
  ifm_h2_conn *c, *next;
  uint64_t idle = (uint64_t)srv->opts.timeout_s * 1000u;
  uint64_t stall = idle + (uint64_t)srv->opts.head_timeout_s * 1000u;

  for (c = srv->conns; c; c = next) {
    next = c->next;
    if (c->inflight || nghttp2_session_want_write(c->session)) continue;
    if (now_ms - c->last_ms > idle && !c->streams) {
      conn_drop(c);
    } else if (now_ms - c->last_ms > stall) {
      conn_drop(c);          /* streams open, and not a byte for that long */
    }
  }
}

static void *loop_main(void *arg) {
  ifm_h2srv *srv = arg;
  struct pollfd *pfd = NULL;
  ifm_h2_conn **at = NULL;
  size_t cap = 0, n, i;
  uint64_t last_sweep = 0;

  while (!atomic_load(&srv->stop)) {
    ifm_h2_conn *c;
    uint64_t now;

    if (cap < srv->n_conns + 2) {
      size_t nc = srv->n_conns + 64;
      struct pollfd *np = realloc(pfd, nc * sizeof *np);
      ifm_h2_conn **na = np ? realloc(at, nc * sizeof *na) : NULL;
      if (np) pfd = np;
      if (!np || !na) {
        usleep(10000);       /* out of memory: wait, rather than spin */
        continue;
      }
      at = na;
      cap = nc;
    }
    pfd[0] = (struct pollfd){srv->lfd, srv->n_conns < srv->opts.max_connections ? POLLIN : 0, 0};
    pfd[1] = (struct pollfd){ifm_h2_pool_fd(srv->pool), POLLIN, 0};
    for (n = 2, c = srv->conns; c; c = c->next, n++) {
      short ev = c->eof ? 0 : POLLIN;   /* at EOF POLLIN would never stop */
      if (nghttp2_session_want_write(c->session)) ev |= POLLOUT;
      pfd[n] = (struct pollfd){c->fd, ev, 0};
      at[n] = c;
    }
    if (poll(pfd, n, 1000) < 0 && errno != EINTR) break;
    if (pfd[1].revents & POLLIN) take_done(srv);
    if (atomic_load(&srv->stop)) break;
    for (i = 2; i < n; i++) {
      if (!pfd[i].revents || at[i]->dead) continue;
      if (at[i]->eof && (pfd[i].revents & (POLLHUP | POLLERR))) {
        conn_drop(at[i]);      /* gone both ways now */
        continue;
      }
      if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) conn_read(at[i]);
      if (!at[i]->dead) conn_flush(at[i]);
    }
    if (pfd[0].revents & POLLIN) {
      int k, fd;
      for (k = 0; k < 64 && (fd = accept4(srv->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0; k++)
        conn_open(srv, fd);
    }
    now = now_ns() / 1000000u;
    if (now - last_sweep >= 1000) {
      sweep(srv, now);
      last_sweep = now;
    }
    conns_reap(srv);
  }
  while (srv->conns) conn_drop(srv->conns);
  free(pfd);
  free(at);
  return NULL;
}

/* ---- lifecycle --------------------------------------------------------- */

static int listen_on(ifm_h2srv *srv, char *err, size_t errlen) {
  struct sockaddr_in sa;
  socklen_t len = sizeof sa;
  int one = 1;

  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons(srv->opts.h2c_port);
  if (inet_pton(AF_INET, srv->opts.bind ? srv->opts.bind : "127.0.0.1", &sa.sin_addr) != 1) {
    snprintf(err, errlen, "bad bind address \"%s\" (want an IPv4 address)", srv->opts.bind);
    return -1;
  }
  srv->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (srv->lfd < 0 ||
      setsockopt(srv->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      bind(srv->lfd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(srv->lfd, 1024) != 0 ||
      getsockname(srv->lfd, (struct sockaddr *)&sa, &len) != 0) {
    snprintf(err, errlen, "cannot listen for h2c on %s:%u: %s", srv->opts.bind,
             (unsigned)srv->opts.h2c_port, strerror(errno));
    return -1;
  }
  srv->port = ntohs(sa.sin_port);
  return 0;
}

static void callbacks_set(nghttp2_session_callbacks *cbs) {
  nghttp2_session_callbacks_set_send_callback(cbs, send_cb);
  nghttp2_session_callbacks_set_on_begin_headers_callback(cbs, begin_headers_cb);
  nghttp2_session_callbacks_set_on_header_callback(cbs, header_cb);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, data_cb);
  nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, frame_recv_cb);
  nghttp2_session_callbacks_set_on_stream_close_callback(cbs, stream_close_cb);
}

ifm_h2srv *ifm_h2srv_start(ifm_handler *handler, const ifm_server_opts *opts, char *err,
                           size_t errlen) {
  ifm_h2srv *srv = calloc(1, sizeof *srv);

  if (errlen) err[0] = '\0';
  if (!srv) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  srv->handler = handler;
  srv->opts = *opts;
  srv->lfd = -1;
  if (listen_on(srv, err, errlen) != 0) goto fail;
  if (nghttp2_session_callbacks_new(&srv->cbs) != 0) {
    snprintf(err, errlen, "h2c: out of memory");
    goto fail;
  }
  callbacks_set(srv->cbs);
  if (!(srv->pool = ifm_h2_pool_new(handler, opts->threads, err, errlen))) goto fail;
  if (pthread_create(&srv->loop, NULL, loop_main, srv) != 0) {
    snprintf(err, errlen, "h2c: cannot start its connection thread");
    goto fail;
  }
  srv->loop_started = 1;
  return srv;
fail:
  ifm_h2srv_stop(srv);
  return NULL;
}

uint16_t ifm_h2srv_port(const ifm_h2srv *s) { return s ? s->port : 0; }

void ifm_h2srv_stop(ifm_h2srv *srv) {
  ifm_h2_stream *s, *next;

  if (!srv) return;
  if (srv->loop_started) {
    atomic_store(&srv->stop, 1);
    ifm_h2_pool_wake(srv->pool);
    pthread_join(srv->loop, NULL);   /* every connection is dead now */
  }
  if (srv->pool) {
    ifm_h2_pool_drain(srv->pool);  /* the handlers finish what they have */
    for (s = ifm_h2_pool_take_done(srv->pool); s; s = next) {   /* their connections are dead */
      next = s->next_job;
      s->conn->inflight--;
      stream_unlink_free(s);
    }
    ifm_h2_pool_free(srv->pool);
  }
  conns_reap(srv);
  if (srv->cbs) nghttp2_session_callbacks_del(srv->cbs);
  if (srv->lfd >= 0) close(srv->lfd);
  free(srv);
}
