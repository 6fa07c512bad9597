/* ifm_wire.c: one HTTP/1.1 exchange over a socket of its own (see
 * ifm_wire.h). */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "ifm_exec.h"       /* ifm_now_ms (ifm_exec_clock.c) */
#include "ifm_wire.h"
#include "ifm_h1_parse.h"
#include "ifm_tls.h"

#define WIRE_READ 16384

struct ifm_wire {
  int fd;
  ifm_wire_state state;
  char *bytes;
  size_t len, sent, hold;
  double t_start, t_release, t_first_byte, t_done, deadline;
  double timeout_s;
  ifm_h1_parser *parser;
  struct addrinfo *addrs;  /* the resolver's answers (owned) */
  struct addrinfo *next;   /* the one to try after the connect under way */
  ifm_tls_opts tls_opts;   /* tls_host set: https (its strings copied here) */
  char *tls_host, *tls_ca, *tls_cert, *tls_key;
  ifm_tls *tls;            /* the session, from the end of the TCP connect */
  size_t received;
  char *error;
  int timed_out, closed_unanswered;
  int released;
  int handshaking;         /* TLS: the handshake is under way */
};

/* One read or write of the connection: > 0 bytes, 0 end of stream (reads),
 * -1 nothing now, -2 failed (err). */
static ssize_t wire_recv(ifm_wire *w, char *buf, size_t n, char *err, size_t errlen) {
  ssize_t r;
  if (w->tls) return ifm_tls_read(w->tls, buf, n, err, errlen);
  do r = recv(w->fd, buf, n, 0); while (r < 0 && errno == EINTR);
  if (r >= 0) return r;
  if (errno == EAGAIN || errno == EWOULDBLOCK) return -1;
  snprintf(err, errlen, "%s", strerror(errno));
  return -2;
}

static ssize_t wire_write(ifm_wire *w, const char *buf, size_t n, char *err, size_t errlen) {
  ssize_t r;
  if (w->tls) {
    r = ifm_tls_write(w->tls, buf, n, err, errlen);
    return r == 0 ? -1 : r < 0 ? -2 : r;
  }
  do r = send(w->fd, buf, n, MSG_NOSIGNAL); while (r < 0 && errno == EINTR);
  if (r >= 0) return r;
  if (errno == EAGAIN || errno == EWOULDBLOCK) return -1;
  snprintf(err, errlen, "%s", strerror(errno));
  return -2;
}

static void wire_close(ifm_wire *w) {
  ifm_tls_free(w->tls);
  w->tls = NULL;
  if (w->fd >= 0) {
    close(w->fd);
    w->fd = -1;
  }
}

/* Ends the wire with the error what + detail (detail may be NULL). */
static void wire_fail(ifm_wire *w, double now, const char *what, const char *detail) {
  char msg[256];
  if (w->state == IFM_WIRE_DONE || w->state == IFM_WIRE_FAILED) return;
  snprintf(msg, sizeof msg, "%s%s", what, detail ? detail : "");
  free(w->error);
  w->error = strdup(msg);
  w->state = IFM_WIRE_FAILED;
  w->t_done = now;
  wire_close(w);
}

static void wire_done(ifm_wire *w, double now) {
  w->state = IFM_WIRE_DONE;
  w->t_done = now;
  wire_close(w);
}

/* o's TLS options, copied (strdup: NULL stays NULL). -1 out of memory. */
static int wire_tls_copy(ifm_wire *w, const ifm_wire_opts *o) {
  static const unsigned char alpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  if (!o->tls_host) return 0;
  w->tls_host = strdup(o->tls_host);
  w->tls_ca = o->ca_file ? strdup(o->ca_file) : NULL;
  w->tls_cert = o->cert ? strdup(o->cert) : NULL;
  w->tls_key = o->key ? strdup(o->key) : NULL;
  if (!w->tls_host || (o->ca_file && !w->tls_ca) || (o->cert && !w->tls_cert) || (o->key && !w->tls_key))
    return -1;
  w->tls_opts.host = w->tls_host;
  w->tls_opts.verify = o->tls_verify;
  w->tls_opts.ca_file = w->tls_ca;
  w->tls_opts.cert = w->tls_cert;
  w->tls_opts.key = w->tls_key;
  w->tls_opts.alpn = alpn;        /* a server that would pick h2 keeps to HTTP/1.1 */
  w->tls_opts.alpn_len = sizeof alpn;
  return 0;
}

/* Starts a non-blocking connect to w->next and on; 0 when one is under
 * way, -1 when no address is left (errno: the last failure). */
static int wire_connect_next(ifm_wire *w) {
  int one = 1;
  while (w->next) {
    struct addrinfo *ai = w->next;
    w->next = ai->ai_next;
    w->fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (w->fd < 0) continue;
    setsockopt(w->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(w->fd, ai->ai_addr, ai->ai_addrlen) == 0 || errno == EINPROGRESS) return 0;
    close(w->fd);
    w->fd = -1;
  }
  return -1;
}

/* A numeric address, else the resolver's answers, tried in turn as curl
 * does: "localhost" may give ::1 first to a server that listens on
 * 127.0.0.1 only. */
static int wire_connect(ifm_wire *w, const ifm_wire_opts *o, char *err, size_t errlen) {
  struct addrinfo hints;
  char port[16];
  int rc;
  memset(&hints, 0, sizeof hints);
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  snprintf(port, sizeof port, "%d", o->port);
  rc = getaddrinfo(o->host, port, &hints, &w->addrs);
  if (rc == EAI_NONAME) {
    hints.ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG;
    rc = getaddrinfo(o->host, port, &hints, &w->addrs);
  }
  if (rc != 0 || !w->addrs) {
    snprintf(err, errlen, "could not resolve %s: %s", o->host, gai_strerror(rc));
    w->addrs = NULL;
    return -1;
  }
  w->next = w->addrs;
  if (wire_connect_next(w) != 0) {
    snprintf(err, errlen, "could not connect to %s port %d: %s", o->host, o->port, strerror(errno));
    return -1;
  }
  return 0;
}

ifm_wire *ifm_wire_new(const ifm_wire_opts *o, const char *bytes, size_t len, double now, char *err,
                       size_t errlen) {
  ifm_wire *w;
  if (!o || !o->host || o->port <= 0 || o->port > 65535 || o->timeout_s <= 0 || (!bytes && len)) {
    snprintf(err, errlen, "bad arguments for a connection");
    return NULL;
  }
  if (!(w = calloc(1, sizeof *w))) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  w->fd = -1;
  w->t_start = now;
  w->timeout_s = o->timeout_s;
  w->deadline = now + o->timeout_s * 1000.0;
  w->hold = o->hold < len ? o->hold : 0;
  w->len = len;
  if (!(w->bytes = malloc(len ? len : 1)) || !(w->parser = ifm_h1_parse_new(o->head_request, NULL)) ||
      wire_tls_copy(w, o) != 0) {
    snprintf(err, errlen, "out of memory");
    ifm_wire_free(w);
    return NULL;
  }
  if (len) memcpy(w->bytes, bytes, len);
  if (wire_connect(w, o, err, errlen) != 0) {
    ifm_wire_free(w);
    return NULL;
  }
  w->state = IFM_WIRE_CONNECTING;
  return w;
}

void ifm_wire_free(ifm_wire *w) {
  if (!w) return;
  wire_close(w);
  if (w->addrs) freeaddrinfo(w->addrs);
  free(w->tls_host);
  free(w->tls_ca);
  free(w->tls_cert);
  free(w->tls_key);
  ifm_h1_parse_free(w->parser);
  free(w->bytes);
  free(w->error);
  free(w);
}

int ifm_wire_fd(const ifm_wire *w) { return w->fd; }
double ifm_wire_deadline(const ifm_wire *w) { return w->deadline; }
ifm_wire_state ifm_wire_state_of(const ifm_wire *w) { return w->state; }

short ifm_wire_events(const ifm_wire *w) {
  if (w->handshaking)
    return ifm_tls_wants_write(w->tls) ? POLLOUT : POLLIN;
  if (w->tls && ifm_tls_write_pending(w->tls)) return POLLOUT | POLLIN;
  switch (w->state) {
    case IFM_WIRE_CONNECTING:
    case IFM_WIRE_SENDING: return POLLOUT | POLLIN;
    case IFM_WIRE_HELD:
    case IFM_WIRE_RECEIVING: return POLLIN;
    default: return 0;
  }
}

/* What the server sent so far; 1 when the wire ended (done or failed). */
static int wire_read(ifm_wire *w, double now) {
  char buf[WIRE_READ], err[256];
  for (;;) {
    ssize_t n = wire_recv(w, buf, sizeof buf, err, sizeof err);
    ifm_h1_state st;
    if (n == -1) return 0;
    if (n <= 0) {
      if (n < 0 && w->received == 0) {
        wire_fail(w, now, "the connection failed before any answer: ", err);
        return 1;
      }
      if (w->received == 0) {
        w->closed_unanswered = 1;
        wire_fail(w, now, "the server closed the connection without an answer", "");
        return 1;
      }
      st = ifm_h1_parse_eof(w->parser);
      if (st == IFM_H1_DONE) wire_done(w, now);
      else wire_fail(w, now, "the answer is not HTTP/1.1: ", ifm_h1_parse_error(w->parser));
      return 1;
    }
    if (!w->received) w->t_first_byte = now;
    w->received += (size_t)n;
    st = ifm_h1_parse_feed(w->parser, buf, (size_t)n, NULL);
    if (st == IFM_H1_DONE) {
      wire_done(w, now);
      return 1;
    }
    if (st == IFM_H1_ERROR) {
      wire_fail(w, now, "the answer is not HTTP/1.1: ", ifm_h1_parse_error(w->parser));
      return 1;
    }
  }
}

/* Sends up to limit (all but the held bytes, or all); 1 when the wire ended. */
static int wire_send(ifm_wire *w, size_t limit, double now) {
  char err[256];
  while (w->sent < limit) {
    ssize_t n = wire_write(w, w->bytes + w->sent, limit - w->sent, err, sizeof err);
    if (n == -1) return 0;
    if (n < 0) {
      /* the server may have answered and closed before taking it all (an early
       * 400 or 413): what it said is the answer */
      w->state = IFM_WIRE_RECEIVING;
      if (wire_read(w, now)) return 1;
      wire_fail(w, now, "sending the request failed: ", err);
      return 1;
    }
    w->sent += (size_t)n;
  }
  return 0;
}

ifm_wire_state ifm_wire_step(ifm_wire *w, double now) {
  if (w->state == IFM_WIRE_DONE || w->state == IFM_WIRE_FAILED) return w->state;
  if (now > w->deadline) {
    char t[64];
    snprintf(t, sizeof t, "timed out after %.3g s", w->timeout_s);
    w->timed_out = 1;
    wire_fail(w, now, t, NULL);
    return w->state;
  }
  if (w->state == IFM_WIRE_CONNECTING) {
    struct pollfd p = {w->fd, POLLOUT, 0};
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    if (poll(&p, 1, 0) <= 0) return w->state;
    if (getsockopt(w->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 || soerr) {
      if (!soerr) soerr = errno;
      close(w->fd);                      /* the next address, if there is one */
      w->fd = -1;
      if (wire_connect_next(w) == 0) return w->state;
      wire_fail(w, now, "could not connect: ", strerror(soerr));
      return w->state;
    }
    w->state = IFM_WIRE_SENDING;
    if (w->tls_host) {
      char err[256];
      if (!(w->tls = ifm_tls_new(w->fd, &w->tls_opts, err, sizeof err))) {
        wire_fail(w, now, err, NULL);
        return w->state;
      }
      w->handshaking = 1;
    }
  }
  if (w->handshaking) {
    char err[256];
    int rc = ifm_tls_handshake(w->tls, err, sizeof err);
    if (rc < 0) wire_fail(w, now, err, NULL);
    if (rc <= 0) return w->state;
    w->handshaking = 0;
  }
  if (w->state == IFM_WIRE_SENDING) {
    size_t limit = w->released ? w->len : w->len - w->hold;
    if (wire_send(w, limit, now)) return w->state;
    if (w->sent == w->len) w->state = IFM_WIRE_RECEIVING;
    else if (w->sent == limit) w->state = IFM_WIRE_HELD;
  }
  if (w->state == IFM_WIRE_HELD || w->state == IFM_WIRE_RECEIVING) wire_read(w, now);
  return w->state;
}

ifm_wire_state ifm_wire_release(ifm_wire *w, double now) {
  if (w->state != IFM_WIRE_HELD) return w->state;
  w->released = 1;
  w->state = IFM_WIRE_RECEIVING;
  if (wire_send(w, w->len, now)) return w->state;   /* ended: an answer came first, or a failure */
  w->t_release = ifm_now_ms();             /* the moment the last bytes went to the kernel */
  if (w->sent < w->len) w->state = IFM_WIRE_SENDING;   /* rare: a full send buffer */
  return w->state;
}

int ifm_wire_take(ifm_wire *w, ifm_exchange *x) {
  if (ifm_h1_parse_take(w->parser, x) != 0) return -1;
  x->t_start = w->t_start;
  x->t_release = w->t_release;
  x->t_first_byte = w->t_first_byte;
  x->t_done = w->t_done;
  x->timed_out = w->timed_out;
  x->closed_unanswered = w->closed_unanswered;
  free(x->error);
  x->error = w->error;
  w->error = NULL;
  if (w->state == IFM_WIRE_FAILED && !x->error) x->error = strdup("the exchange failed");
  return 0;
}
