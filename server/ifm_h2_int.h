/* ifm_h2_int.h: what the reference server's HTTP/2 side shares between its
 * files. ifm_h2_stream.c turns one stream's header fields and DATA into an
 * ifm_srv_req (as ifm_server.c does for libmicrohttpd) and the handler's
 * ifm_srv_resp into a HEADERS frame and a body; ifm_h2_pool.c runs the
 * handler threads; ifm_h2_server.c the listener and the connections'
 * nghttp2 sessions.
 * Internal to server/.
 */
#ifndef IFM_H2_INT_H
#define IFM_H2_INT_H

#include <stddef.h>
#include <stdint.h>

#include <nghttp2/nghttp2.h>

#include "ifm_handler.h"

typedef struct ifm_h2_conn ifm_h2_conn;

typedef enum ifm_h2_state {
  IFM_H2S_OPEN = 0,          /* head and body arriving */
  IFM_H2S_QUEUED,            /* complete, waiting for or in a handler thread */
  IFM_H2S_ANSWERED           /* the answer is submitted to nghttp2 */
} ifm_h2_state;

typedef struct ifm_h2_stream {
  struct ifm_h2_stream *next_job;   /* the work or done queue it is on */
  struct ifm_h2_stream *prev, *next;/* every stream of its connection */
  ifm_h2_conn *conn;
  int32_t id;
  ifm_h2_state state;
  int closed;                /* nghttp2 closed it while a handler had it */
  int head_too_large;        /* fields past max_header: 431, no handler */
  int bad;                   /* a pseudo-header missing or malformed: 400 */
  size_t head_bytes;         /* counted as SETTINGS_MAX_HEADER_LIST_SIZE does */
  ifm_srv_req rq;            /* its pointers into the fields below */
  char *method, *path;
  ifm_span *im, *inm;
  size_t n_im, cap_im, n_inm, cap_inm;
  char **vals;               /* every field value copied, freed with the stream */
  size_t n_vals, cap_vals;
  char *body;
  size_t body_cap;
  ifm_srv_resp rs;
  size_t sent;               /* body bytes handed to nghttp2 so far */
  const char *resp_body;     /* what the DATA frames carry */
  size_t resp_len;
} ifm_h2_stream;

/* A stream for id on conn (calloc'ed; NULL when out of memory). The
 * connection owns it; ifm_h2_stream_free() releases everything. */
ifm_h2_stream *ifm_h2_stream_new(ifm_h2_conn *conn, int32_t id);
void ifm_h2_stream_free(ifm_h2_stream *s);

/* One field line of the request head (pseudo-headers included), as nghttp2
 * validated it. Returns 0, or -1 when out of memory (the caller resets the
 * stream). Past max_header bytes the fields are dropped and the request is
 * answered 431 (RFC 6585 section 5). */
int ifm_h2_stream_field(ifm_h2_stream *s, const uint8_t *name, size_t nlen,
                        const uint8_t *value, size_t vlen, size_t max_header);

/* A DATA frame's payload. Past max_body the body is dropped and the
 * request will be answered 413, as over HTTP/1.1. Returns the bytes added
 * (0 when dropped) or -1 when out of memory. */
long ifm_h2_stream_data(ifm_h2_stream *s, const uint8_t *data, size_t len, size_t max_body);

/* The stream ended: points rq at what was collected. */
void ifm_h2_stream_seal(ifm_h2_stream *s);

/* Answers the stream: the handler's response, or 400/431 decided here.
 * Runs in a handler thread: nghttp2 is not touched. */
void ifm_h2_stream_handle(ifm_h2_stream *s, ifm_handler *h);

/* Submits s->rs on session (loop thread). Returns nghttp2's result. */
int ifm_h2_stream_submit(nghttp2_session *session, ifm_h2_stream *s);

/* The handler threads. The connection loop creates the pool, owns it and
 * frees it with ifm_h2_pool_free() (after ifm_h2_pool_drain(), whose done
 * streams it then takes). NULL with a message in err on failure. */
typedef struct ifm_h2_pool ifm_h2_pool;
ifm_h2_pool *ifm_h2_pool_new(ifm_handler *handler, unsigned threads, char *err, size_t errlen);
/* Readable when answered streams wait (an eventfd). */
int ifm_h2_pool_fd(const ifm_h2_pool *p);
/* Makes that descriptor readable now (the loop's stop). */
void ifm_h2_pool_wake(ifm_h2_pool *p);
/* Queues the list first .. (linked by next_job; last_next: the last one's
 * next_job) for the handlers; the pool has the streams until they are done. */
void ifm_h2_pool_push(ifm_h2_pool *p, ifm_h2_stream *first, ifm_h2_stream **last_next);
/* The streams the handlers are done with, in order (next_job), or NULL. */
ifm_h2_stream *ifm_h2_pool_take_done(ifm_h2_pool *p);
/* Lets the threads finish every queued stream and joins them. */
void ifm_h2_pool_drain(ifm_h2_pool *p);
void ifm_h2_pool_free(ifm_h2_pool *p);

#endif
