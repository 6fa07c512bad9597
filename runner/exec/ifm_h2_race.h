/* ifm_h2_race.h: HTTP/2 single-packet release, over libnghttp2 and a socket
 * of its own (h2c with prior knowledge, or h2 over TLS with ALPN).
 *
 * The requests of one race share one connection, one stream each. Every
 * stream's HEADERS and all of its body but the last byte go out first; the
 * final DATA frame (END_STREAM) of each is held back (an empty body: HEADERS
 * without END_STREAM, then an empty DATA frame with it). When every stream
 * is held, the server's SETTINGS are acknowledged and the flow-control
 * windows take every final frame, the engine releases: all the final frames
 * (10 bytes each: 9 of frame header, 1 of body) are written with one write
 * (one SSL_write over TLS) per IFM_H2RACE_PACKET bytes, so up to about 140
 * streams leave in one TCP segment, more in segments back to back. Then it
 * reads the responses until every stream is closed or the time runs out.
 * This is the "single-packet attack" of HTTP/2 (RFC 9113 5.1: streams are
 * independent, so the server sees all requests complete at once).
 *
 * Streams beyond the server's SETTINGS_MAX_CONCURRENT_STREAMS (RFC 9113
 * 6.5.2; nginx: 128) are not sent: their exchanges end with an error saying
 * so. A second connection would release in a second packet, which is not
 * this engine's promise.
 *
 * Non-blocking and steppable, for a poll loop: call ifm_h2race_step once
 * (it starts connecting), then poll ifm_h2race_fd for ifm_h2race_events and
 * call step again whenever the fd is ready or ifm_h2race_timeout_ms passes,
 * until step returns 1. ifm_h2race_run does that loop for tests and benches.
 * One wait is not in the loop: the name lookup (getaddrinfo, at the
 * first step; instant for an address literal). Over TLS a
 * write to a closed peer raises SIGPIPE: the caller ignores it, as
 * `ifmatch run` does (plain sockets use MSG_NOSIGNAL).
 */
#ifndef IFM_H2_RACE_H
#define IFM_H2_RACE_H

#include <stddef.h>
#include "ifm_exchange.h"

typedef struct ifm_h2race ifm_h2race;

/* The bytes of final frames one release write carries at most: one TCP
 * segment on a 1500-byte MTU path, with room for IP, TCP (and TLS record)
 * headers. */
#define IFM_H2RACE_PACKET 1400
#define IFM_H2RACE_MAX_STREAMS 1024
#define IFM_H2RACE_BODY_BUDGET ((size_t)64 << 20)   /* all response bodies together */
#define IFM_H2RACE_MAX_FIELDS 10000                  /* response fields per stream */

typedef struct ifm_h2race_opts {
  const char *host;          /* the origin's host: :authority (with port) and SNI */
  unsigned port;
  int tls;                   /* 0: h2c with prior knowledge (RFC 9113 3.3); 1: TLS, ALPN "h2" */
  int tls_verify;            /* 1: verify the chain and the host name */
  const char *ca_file;       /* NULL: the system store */
  const char *cert, *key;    /* client certificate and key, PEM (key NULL: in cert); NULL: none */
  const char *connect_host;  /* NULL: host; else the address to connect to instead (resolve,
                                connect_to): a name or a numeric address */
  unsigned connect_port;     /* 0: port */
  double connect_timeout_ms; /* TCP connect and TLS handshake; 0: 10 s */
  double timeout_ms;         /* the whole race from the first step; 0: 30 s */
  size_t body_budget;        /* response bodies together; 0: IFM_H2RACE_BODY_BUDGET. Each
                                stream may hold its share; past it, it is reset and cut */
} ifm_h2race_opts;

/* What the release did, for tests and benches. */
typedef struct ifm_h2race_stats {
  size_t streams_sent;        /* streams opened on the connection */
  size_t release_writes;      /* write/SSL_write calls that carried the release */
  size_t release_bytes;       /* bytes of those writes */
  size_t release_frames;      /* final (END_STREAM) DATA frames among them */
  unsigned max_concurrent;    /* the server's SETTINGS_MAX_CONCURRENT_STREAMS (0: none seen) */
  double t_release;           /* the first release write (monotonic ms; 0: no release) */
} ifm_h2race_stats;

/* A new race; copies what o points to. NULL on allocation failure or when
 * o has no host or port. Owner: the caller, through ifm_h2race_free. */
ifm_h2race *ifm_h2race_new(const ifm_h2race_opts *o);
/* Frees r, its connection and any exchange not taken. */
void ifm_h2race_free(ifm_h2race *r);

/* Adds a stream for the request half of *req (method, url, req_headers,
 * req_body; the body NULL for none), which r takes over: *req is zeroed.
 * Header names are sent lower-cased (RFC 9113 8.2.1); a Host field becomes
 * :authority; content-length is added when the request has a body and no
 * such field. A request HTTP/2 cannot carry (a connection-specific field,
 * RFC 9113 8.2.2; CR, LF or NUL in a value, or white space around it; a
 * name outside tchar; a URL without http(s)://) is taken too but not sent:
 * its exchange ends with an error naming the field, and the result is
 * IFM_ERR_INPUT. IFM_ERR_FAILED (req untouched) once the first step ran or
 * with IFM_H2RACE_MAX_STREAMS streams; IFM_ERR_NOMEM. */
int ifm_h2race_add(ifm_h2race *r, ifm_exchange *req);

/* Drives the race as far as it goes without blocking. now_ms is the
 * monotonic clock (ifm_now_ms); deadlines are measured against it, the
 * exchanges' times are taken at the moment of each event. Returns 0 while
 * the race goes on, 1 when every stream has its outcome (response or error)
 * and the connection is closed. */
int ifm_h2race_step(ifm_h2race *r, double now_ms);
/* The socket to poll (-1 before the first step and after the end), the
 * events to wait for (POLLIN, POLLOUT), and how long a poll may wait before
 * the next deadline (ms, >= 0; -1: no deadline is pending). */
int ifm_h2race_fd(const ifm_h2race *r);
short ifm_h2race_events(const ifm_h2race *r);
int ifm_h2race_timeout_ms(const ifm_h2race *r, double now_ms);

/* Steps r with poll() until step returns 1 or the deadline (monotonic ms;
 * 0: only the race's own timeouts) passes, which ends every open stream
 * with a timeout. Returns 0, or IFM_ERR_TIMEOUT when the deadline cut it. */
int ifm_h2race_run(ifm_h2race *r, double deadline_ms);

/* The streams, in the order they were added. take moves stream i's
 * exchange into *out (the caller owns it; a second take gives an empty
 * exchange): the request as sent, status (0: none), response fields
 * (pseudo-fields left out), the whole body with its hash, the error (one
 * line: reset by the server, GOAWAY, timeout, TLS or socket failure) or
 * NULL, and the times: t_start (the stream opened), t_release (its final
 * frame written), t_first_byte (its first response HEADERS), t_done. */
size_t ifm_h2race_count(const ifm_h2race *r);
void ifm_h2race_take(ifm_h2race *r, size_t i, ifm_exchange *out);
/* The connection's failure (refused, TLS, GOAWAY, timeout), or NULL. */
const char *ifm_h2race_error(const ifm_h2race *r);
void ifm_h2race_stats_get(const ifm_h2race *r, ifm_h2race_stats *out);

#endif
