/* ifm_h2_race_int.h: the parts of the HTTP/2 release engine (ifm_h2_race.h)
 * that its own files share: the race and its streams, driven by
 * ifm_h2_race.c and filled by nghttp2's callbacks (ifm_h2_race_cb.c); the
 * connection (a non-blocking socket, and TLS over it: ifm_h2_race_io.c);
 * the request's translation into HTTP/2 fields (ifm_h2_race_req.c). Not
 * for other modules.
 */
#ifndef IFM_H2_RACE_INT_H
#define IFM_H2_RACE_INT_H

#include <stddef.h>
#include <sys/types.h>
#include <nghttp2/nghttp2.h>
#include "ifm_exchange.h"
#include "ifm_buf.h"
#include "ifm_h2_race.h"

struct addrinfo;
typedef struct ifm_tls ifm_tls;

/* One connection: the addresses left to try, the socket, TLS over it. */
typedef struct h2r_conn {
  int fd;                    /* -1: none */
  struct addrinfo *addrs;    /* getaddrinfo's list (owned) */
  struct addrinfo *next;     /* the address to try after the one connecting */
  ifm_tls *tls;              /* NULL: h2c */
} h2r_conn;

/* Resolves o's connect address and starts a non-blocking connect to the
 * first address. 0, or -1 with err filled. */
int h2r_conn_start(h2r_conn *c, const ifm_h2race_opts *o, char *err, size_t errlen);
/* After the socket was writable: 1 connected (TCP_NODELAY set), 0 still
 * connecting (the next address may have been started), -1 failed (err). */
int h2r_conn_connected(h2r_conn *c, char *err, size_t errlen);
/* Starts TLS on the connected socket: SNI, ALPN "h2", verification as o
 * says. 0 or -1 (err). */
int h2r_conn_tls_start(h2r_conn *c, const ifm_h2race_opts *o, char *err, size_t errlen);
/* Advances the handshake: 1 done with "h2" selected, 0 pending
 * (ifm_tls_wants_write says which way), -1 failed (err). */
int h2r_conn_tls_step(h2r_conn *c, char *err, size_t errlen);
/* Reads: > 0 bytes, 0 end of stream, -1 nothing now, -2 failed (err). */
ssize_t h2r_conn_read(h2r_conn *c, void *buf, size_t n, char *err, size_t errlen);
/* Writes with one send (or SSL_write): >= 0 bytes written (0: would
 * block), -1 failed (err). Over TLS, a write that would block is repeated
 * with its first length whatever n is next (buf must still start with the
 * same bytes and hold that many). */
ssize_t h2r_conn_write(h2r_conn *c, const void *buf, size_t n, char *err, size_t errlen);
void h2r_conn_close(h2r_conn *c);

enum { H2R_INIT, H2R_CONNECT, H2R_TLS, H2R_H2, H2R_DONE };

typedef struct h2r_stream {
  ifm_exchange ex;
  int32_t id;           /* 0: not opened */
  size_t sent;          /* body bytes handed to nghttp2 */
  int held, released, closed;
  ifm_buf body;         /* the response body */
  size_t fields;        /* response fields counted, interim ones too */
} h2r_stream;

/* The race (ifm_h2race.h), whose parts ifm_h2_race.c (the driving) and
 * ifm_h2_race_cb.c (nghttp2's callbacks) share. */
struct ifm_h2race {
  ifm_h2race_opts o;
  char *host, *connect_host, *ca_file, *cert, *key;   /* o's strings, copied */
  h2r_stream *s;
  size_t n, cap;
  int state;
  double deadline, connect_deadline;
  h2r_conn conn;
  nghttp2_session *session;
  int got_settings, settings_acked, submitted, ping_sent, ping_acked, released;
  ifm_buf out;          /* frames waiting to be written */
  ifm_buf rel;          /* the release: final frames, written in packets */
  size_t rel_off;       /* written of rel */
  size_t rel_frame;     /* the next frame of rel to stamp */
  size_t body_each;     /* response body cap per stream */
  ifm_h2race_stats st;
  char *error;          /* the connection's failure */
  char *goaway;         /* what a GOAWAY said */
  int32_t goaway_last;
};

/* The stream whose id is id, or NULL. */
static inline h2r_stream *h2r_stream_of(ifm_h2race *r, int32_t id) {
  return nghttp2_session_get_stream_user_data(r->session, id);
}

/* The callbacks' half (ifm_h2_race_cb.c): the session with its callbacks,
 * its SETTINGS queued (0 or -1), and the ending of one stream with why
 * (unless it ended already). */
int h2r_session_start(ifm_h2race *r);
void h2r_stream_fail(h2r_stream *s, const char *why, int timed_out);
/* The data provider's read callback (src->ptr: the h2r_stream). */
ssize_t h2r_body_read_cb(nghttp2_session *ss, int32_t id, uint8_t *buf, size_t len, uint32_t *flags,
                         nghttp2_data_source *src, void *ud);

/* Checks and normalises the request half of ex for HTTP/2: names lower-
 * cased in place, content-length added when there is a body and none.
 * 0, or -1 with a one-line reason in err (nothing sendable). */
int h2r_req_check(ifm_exchange *ex, char *err, size_t errlen);
/* The field list of ex's request (pseudo-fields first), pointing into ex
 * and into *store (freed by the caller with free). 0 or -1 (ENOMEM). */
int h2r_req_fields(const ifm_exchange *ex, int tls, nghttp2_nv **nv, size_t *n, char **store);

#endif
