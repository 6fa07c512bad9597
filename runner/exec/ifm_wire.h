/* ifm_wire.h: one HTTP/1.1 exchange over a socket of its own, byte for
 * byte: the executor's transport for what libcurl cannot send (a `raw:`
 * step's bytes: CR, LF or NUL inside a field value, obs-fold, malformed
 * framing) and for its own release engine (the request prepared in full, its
 * last bytes held back and released in one tight pass with the others of a
 * race).
 *
 * Non-blocking and steppable: the executor polls ifm_wire_fd() for
 * ifm_wire_events() beside libcurl's sockets and calls ifm_wire_step(); a
 * wire never blocks, except that a host name that is not a numeric address
 * is resolved with getaddrinfo() when the wire is created.
 *
 * States: CONNECTING -> SENDING -> (HELD ->) RECEIVING -> DONE, or FAILED
 * from any of them (refused, reset, timed out, an answer that is not
 * HTTP/1.1). While HELD the wire still reads: a server that answers before
 * the rest of the request (an early 400 or 413) is heard. A server that
 * closes the connection without a byte of answer is FAILED with
 * closed_unanswered set (a `raw:` step may count that as a refusal).
 * The response is read by ifm_h1_parse.
 *
 * TCP_NODELAY, so each send() is its own segment. Over TLS (https://,
 * ifm_tls.h, ALPN "http/1.1") when tls_host is set: the handshake follows
 * the connect, and each send is one SSL_write.
 */
#ifndef IFM_WIRE_H
#define IFM_WIRE_H

#include <stddef.h>
#include "ifm_exchange.h"

typedef struct ifm_wire ifm_wire;

typedef enum ifm_wire_state {
  IFM_WIRE_CONNECTING = 0,
  IFM_WIRE_SENDING,
  IFM_WIRE_HELD,          /* all but the held bytes are out: waiting for ifm_wire_release */
  IFM_WIRE_RECEIVING,
  IFM_WIRE_DONE,          /* a whole response is in: ifm_wire_take */
  IFM_WIRE_FAILED         /* ifm_wire_take gives the error (and what came, if anything) */
} ifm_wire_state;

typedef struct ifm_wire_opts {
  const char *host;       /* where to connect: a name or a numeric address (IPv4 or IPv6) */
  int port;
  double timeout_s;       /* the whole exchange, from ifm_wire_new (> 0) */
  size_t hold;            /* bytes at the end of the request held until ifm_wire_release */
  int head_request;       /* the request is HEAD: its answer has no body */
  const char *tls_host;   /* NULL: plain TCP; else TLS, with this name for SNI and verification */
  int tls_verify;         /* 1: verify the chain and the name */
  const char *ca_file;    /* NULL: the system store */
  const char *cert, *key; /* client certificate and key, PEM (key NULL: in cert) */
} ifm_wire_opts;

/* Starts connecting (the bytes are copied). NULL with err set when the
 * socket cannot be made or the host not resolved. now: ifm_now_ms(). */
ifm_wire *ifm_wire_new(const ifm_wire_opts *o, const char *bytes, size_t len, double now, char *err,
                       size_t errlen);
void ifm_wire_free(ifm_wire *w);

int ifm_wire_fd(const ifm_wire *w);
short ifm_wire_events(const ifm_wire *w);    /* POLLIN / POLLOUT wanted now */
double ifm_wire_deadline(const ifm_wire *w); /* monotonic ms after which it fails */
ifm_wire_state ifm_wire_state_of(const ifm_wire *w);

/* Makes what progress the socket allows without blocking; fails the wire
 * past its deadline. Returns the state. */
ifm_wire_state ifm_wire_step(ifm_wire *w, double now);

/* HELD: sends the held bytes with one send(); the state becomes RECEIVING
 * (or FAILED). t_release is the moment the send returned. Else nothing. */
ifm_wire_state ifm_wire_release(ifm_wire *w, double now);

/* Moves the response into x (status, resp_headers, resp_body), the times
 * (t_start, t_release, t_first_byte, t_done: monotonic ms), error,
 * timed_out and closed_unanswered. x's request half is left alone. 0, or -1
 * out of memory. */
int ifm_wire_take(ifm_wire *w, ifm_exchange *x);

#endif
