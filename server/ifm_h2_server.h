/* ifm_h2_server.h: the reference server's HTTP/2 side: h2c with prior
 * knowledge (RFC 9113 section 3.3) on a port of its own, the same handler
 * and store as the HTTP/1.1 side (ifm_server.c), so one `ifmatch serve`
 * answers a resource written over either.
 *
 * Why it exists: the single-packet release (runner/exec/ifm_h2_race*.c)
 * puts the final frame of every racing stream into one TCP packet. A front
 * such as nginx then forwards the streams one upstream connection after
 * another, which spreads them again (bench/README.md, "Races behind
 * jitter"). Here the server reads that packet itself: every stream's end is
 * seen in one read, and the requests go to the handler threads together.
 *
 * One thread runs the listener and every connection's nghttp2 session
 * (poll, level-triggered); a request whose stream has ended goes to a pool
 * of opts->threads handler threads (ifm_h2_pool.c), and its answer comes
 * back to the loop through an eventfd. The arrival callback runs in the
 * loop thread, as nghttp2 delivers each stream's end (END_STREAM), before
 * any handler runs.
 *
 * Limits: at most opts->max_connections connections (past it a new one is
 * closed at once), 256 concurrent streams each (SETTINGS), max_header bytes
 * of fields per request (431), max_body per body (413) and 16 MiB of bodies
 * per connection (413 past it), a connection with nothing in progress closed
 * after timeout_s without a byte, and a stream still arriving after
 * head_timeout_s + timeout_s reset.
 */
#ifndef IFM_H2_SERVER_H
#define IFM_H2_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "ifm_handler.h"
#include "ifm_server.h"

typedef struct ifm_h2srv ifm_h2srv;

/* Listens on opts->bind, port opts->h2c_port (0: any free one), and starts
 * the threads. handler is borrowed and must outlive the result. opts is
 * copied (the arrival callback and its context are kept). On failure NULL
 * with a message in err. The caller stops it with ifm_h2srv_stop(), which
 * frees it. */
ifm_h2srv *ifm_h2srv_start(ifm_handler *handler, const ifm_server_opts *opts, char *err,
                           size_t errlen);

uint16_t ifm_h2srv_port(const ifm_h2srv *s);

/* Closes every connection, finishes the requests in the handler threads,
 * joins every thread and frees everything. NULL is allowed. */
void ifm_h2srv_stop(ifm_h2srv *s);

#endif
