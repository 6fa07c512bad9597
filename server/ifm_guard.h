/* ifm_guard.h: the reference server's guard against clients that hold
 * connections without using them: slow request heads (slowloris), idle
 * connections by the thousand, one address taking every slot.
 *
 * libmicrohttpd 0.9.75 has only an inactivity timeout (any byte resets it,
 * so a client sending one header byte every few seconds keeps its slot
 * forever) and hard limits that refuse the newest connection, so a server
 * full of idle or slow connections refuses honest clients until they go.
 * The guard follows every connection through the states below, driven by
 * libmicrohttpd's callbacks (ifm_server.c), and
 *
 *   - closes a connection whose request head is not complete head_timeout
 *     after its request line arrived, or that sends no request line
 *     idle_timeout after it opened or after its previous response;
 *   - admits a new connection at a limit (max_conns in all, max_per_ip from
 *     one address) only by closing the connection of that scope that has
 *     waited longest without a request in progress (idle, in its head, or
 *     in a body that has taken longer than head_timeout); with none such it
 *     refuses the new one. A request being answered is never cut.
 *
 * It closes a connection with shutdown(2) on its socket: libmicrohttpd's
 * thread then sees the end of the stream and closes it the ordinary way.
 * The socket is shut down only while the guard still tracks the connection,
 * and libmicrohttpd reports the close (ifm_guard_close) before it closes
 * the descriptor, so a reused descriptor is never touched.
 *
 * Thread-safe: admit, open, close and the timer thread share one mutex;
 * ifm_guard_set is lock-free (one atomic word per connection).
 */
#ifndef IFM_GUARD_H
#define IFM_GUARD_H

#include <stdint.h>

typedef enum ifm_guard_state {
  IFM_GUARD_IDLE = 0,        /* open, no request line yet (new, or after a response) */
  IFM_GUARD_HEAD,            /* request line received, head not complete */
  IFM_GUARD_BODY,            /* head complete, body arriving */
  IFM_GUARD_REPLY            /* being answered; never cut by the guard */
} ifm_guard_state;

typedef struct ifm_guard_opts {
  unsigned max_conns;        /* 0: no limit of the guard's own */
  unsigned max_per_ip;       /* 0: no limit per address */
  unsigned head_timeout_ms;  /* 0: none */
  unsigned idle_timeout_ms;  /* 0: none */
  int shed;                  /* 0: at a limit refuse the new connection, never close another */
} ifm_guard_opts;

typedef struct ifm_guard_stats {
  unsigned long open;             /* connections tracked now (shed ones until they close) */
  unsigned long refused;          /* new connections refused at a limit */
  unsigned long shed;             /* closed to make room for a new one */
  unsigned long head_timeouts;    /* closed: head not complete in head_timeout */
  unsigned long idle_timeouts;    /* closed: no request line in idle_timeout */
} ifm_guard_stats;

typedef struct ifm_guard ifm_guard;
typedef struct ifm_guard_conn ifm_guard_conn;

/* Starts the guard (and its timer thread when a timeout is set). The caller
 * owns it; ifm_guard_free stops the thread and frees what is left, after
 * the HTTP server has stopped. NULL when out of resources. */
ifm_guard *ifm_guard_new(const ifm_guard_opts *o);
void ifm_guard_free(ifm_guard *g);

/* A new connection from IPv4 address ip (network order): 1 to accept it
 * (after closing another one if at a limit), 0 to refuse it. */
int ifm_guard_admit(ifm_guard *g, uint32_t ip);

/* Starts tracking an accepted connection on socket fd in state IDLE. NULL
 * when out of memory (the connection then goes untracked). */
ifm_guard_conn *ifm_guard_open(ifm_guard *g, int fd, uint32_t ip);

/* The connection is closing; must come before its descriptor is closed.
 * NULL allowed. */
void ifm_guard_close(ifm_guard *g, ifm_guard_conn *c);

/* The connection moved to state s (from its own thread). NULL allowed. */
void ifm_guard_set(ifm_guard_conn *c, ifm_guard_state s);

void ifm_guard_stats_get(ifm_guard *g, ifm_guard_stats *s);

#endif
