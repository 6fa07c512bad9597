/* ifm_exec_h2.c: HTTP/2 single-packet groups in the executor's loop (see
 * ifm_exec_add_h2_group in ifm_exec.h). A group is one ifm_h2race: its
 * members stay in exec->active like any transfer, so the loop in
 * ifm_exec.c runs while they do, polls the race's socket beside libcurl's
 * (ifm_exec_h2_fds), steps it (ifm_exec_h2_step), and finishes each member
 * through xfer_finish, which hands its stream back (ifm_exec_h2_leave).
 * Nothing here calls into ifm_exec.c. */
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_exec_int.h"
#include "ifm_h2_race.h"
#include "ifm_model.h"

#define H2_NOT_SENT SIZE_MAX     /* h2_index of a member the race could not take */

int ifm_exec_h2_supported(const ifm_xfer_opts *o, char *why, size_t whylen) {
  if (!o || (o->http_version != 1 && o->http_version != 2)) {
    snprintf(why, whylen, "single-packet release needs HTTP/2 (the clients' requests as streams of one "
                          "connection), and the target speaks HTTP/1.1 (http_version in the target file: h2c "
                          "or h2)");
    return 0;
  }
  if (o->net && o->net->proxy) {
    snprintf(why, whylen, "single-packet release needs HTTP/2 on a connection of its own, never through a "
                          "proxy, and the target is reached through one");
    return 0;
  }
  return 1;
}

/* The member's request body back into its exchange (ifm_xfer_new_exchange
 * moved it to the send buffer). */
static void member_body_back(ifm_xfer *x) {
  if (!x->has_body || x->ex.req_body) return;
  x->ex.req_body = x->body.p ? x->body.p : ifm_strdup("");
  x->ex.req_body_len = x->ex.req_body_total = x->body.len;
  memset(&x->body, 0, sizeof x->body);
  x->has_body = 0;
}

/* The race for opts and the first member's URL; NULL with no origin or no memory. */
static ifm_h2race *group_race(const ifm_exec *e, const char *url, const ifm_xfer_opts *o) {
  ifm_h2race_opts ho;
  char host[256], conn[256];
  int port = 0, conn_port = 0;
  double ms = o->timeout_s > 0 ? o->timeout_s * 1000.0 : 10000.0;
  if (ifm_exec_url_endpoint(url, o->net, host, sizeof host, &port, conn, sizeof conn, &conn_port) != 0 ||
      port <= 0 || conn_port <= 0)
    return NULL;
  memset(&ho, 0, sizeof ho);
  ho.host = host;
  ho.port = (unsigned)port;
  ho.tls = o->http_version == 2;
  ho.tls_verify = o->tls_verify;
  ho.ca_file = o->ca_file;
  ho.cert = o->net ? o->net->cert : NULL;
  ho.key = o->net ? o->net->key : NULL;
  ho.connect_host = conn;
  ho.connect_port = (unsigned)conn_port;
  ho.connect_timeout_ms = ms < 10000.0 ? ms : 10000.0;
  ho.timeout_ms = ms;
  ho.body_budget = e->budget;
  return ifm_h2race_new(&ho);        /* copies what ho points to */
}

ifm_err ifm_exec_add_h2_group(ifm_exec *e, ifm_xfer **members, size_t n, const ifm_xfer_opts *o,
                              ifm_xfer_done_cb done, void *const *ctxs) {
  exec_h2group *g, **gs;
  ifm_xfer **a;
  char why[256];
  size_t i;
  if (n == 0 || !ifm_exec_h2_supported(o, why, sizeof why)) return IFM_ERR_INPUT;
  a = ifm_xrealloc_array(e->active, &e->cap_active, e->n_active + n, sizeof *a);
  if (!a) return IFM_ERR_NOMEM;
  e->active = a;
  gs = ifm_xrealloc_array(e->h2, &e->cap_h2, e->n_h2 + 1, sizeof *gs);
  if (!gs) return IFM_ERR_NOMEM;
  e->h2 = gs;
  if (!(g = calloc(1, sizeof *g))) return IFM_ERR_NOMEM;
  if (!(g->race = group_race(e, members[0]->ex.url, o))) {
    free(g);
    return members[0]->ex.url ? IFM_ERR_NOMEM : IFM_ERR_INPUT;
  }
  for (i = 0; i < n; i++) {
    ifm_xfer *x = members[i];
    int rc;
    member_body_back(x);
    x->h2_index = ifm_h2race_count(g->race);
    rc = ifm_h2race_add(g->race, &x->ex);
    if (rc == IFM_ERR_FAILED) {           /* more streams than the engine holds: this one is not sent */
      ifm_buf m = IFM_BUF_INIT;
      ifm_buf_printf(&m, "not sent: one HTTP/2 single-packet release holds at most %d streams",
                     IFM_H2RACE_MAX_STREAMS);
      free(x->ex.error);
      x->ex.error = ifm_buf_detach(&m);
      x->h2_index = H2_NOT_SENT;
      x->h2_ended = 1;
    } else if (rc == IFM_ERR_NOMEM) {     /* the members taken so far go back: they stay the caller's */
      size_t j;
      for (j = 0; j < i; j++)
        if (members[j]->h2_index != H2_NOT_SENT) ifm_h2race_take(g->race, members[j]->h2_index, &members[j]->ex);
      for (j = 0; j <= i; j++) members[j]->h2_ended = 0;
      ifm_h2race_free(g->race);
      free(g);
      return IFM_ERR_NOMEM;
    }                                     /* IFM_ERR_INPUT: taken, ends with its reason */
  }
  for (i = 0; i < n; i++) {
    ifm_xfer *x = members[i];
    x->exec = e;
    x->done = done;
    x->ctx = ctxs ? ctxs[i] : NULL;
    x->opts.hold = NULL;                  /* the race is the release */
    x->h2 = g;
    if (x->h2_index == H2_NOT_SENT) x->ex.t_start = ifm_now_ms();
    x->slot = e->n_active;
    e->active[e->n_active++] = x;
  }
  g->members = n;
  e->h2[e->n_h2++] = g;
  e->added = 1;
  return IFM_OK;
}

void ifm_exec_h2_step(ifm_exec *e, double now) {
  size_t i;
  for (i = 0; i < e->n_h2; i++) {
    exec_h2group *g = e->h2[i];
    if (!g->ended && ifm_h2race_step(g->race, now) == 1) g->ended = 1;
  }
}

size_t ifm_exec_h2_fds(const ifm_exec *e, struct curl_waitfd *fds, size_t cap, double *next) {
  size_t i, n = 0;
  double now = ifm_now_ms();
  for (i = 0; i < e->n_h2; i++) {
    const ifm_h2race *r = e->h2[i]->race;
    int fd = ifm_h2race_fd(r), t;
    short ev;
    if (e->h2[i]->ended || fd < 0) continue;
    t = ifm_h2race_timeout_ms(r, now);
    if (t >= 0 && now + t < *next) *next = now + t;
    if (n == cap) continue;
    ev = ifm_h2race_events(r);
    fds[n].fd = fd;
    fds[n].events = (short)((ev & POLLIN ? CURL_WAIT_POLLIN : 0) | (ev & POLLOUT ? CURL_WAIT_POLLOUT : 0));
    fds[n].revents = 0;
    n++;
  }
  return n;
}

void ifm_exec_h2_leave(ifm_exec *e, ifm_xfer *x, const char *why) {
  exec_h2group *g = x->h2;
  size_t i;
  if (x->h2_index != H2_NOT_SENT) {
    ifm_exchange_clear(&x->ex);
    ifm_h2race_take(g->race, x->h2_index, &x->ex);
    if (why && !g->ended) {               /* cut short: a stop or the run's deadline */
      free(x->ex.error);
      x->ex.error = ifm_strdup(why);
    }
  }
  if (!x->ex.t_done) x->ex.t_done = ifm_now_ms();
  x->h2 = NULL;
  if (--g->members > 0) return;
  for (i = 0; i < e->n_h2; i++)
    if (e->h2[i] == g) {
      e->h2[i] = e->h2[--e->n_h2];
      break;
    }
  ifm_h2race_free(g->race);
  free(g);
}
