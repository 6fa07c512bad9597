/* ifm_probe_conns.c: how many connections the server serves at once.
 *
 * IFM_PROBE_CONNS requests go out at the same time on one executor, each on
 * a connection of its own (HTTP/1.1 has one request in flight per
 * connection), and every connection stays open after its answer (libcurl's
 * connection cache keeps it for reuse), so a server that takes at most N
 * connections answers N and leaves the others waiting in its listen
 * backlog until they time out (a few seconds). Each request is a PUT with
 * If-Match of a tag the server never issued, which a server that gets
 * If-Match right refuses with 412 without writing (and the probe's resource
 * holds the same payload anyway). A request that got no answer, or 408,
 * 429 or 503, was turned away; any other answer, 423 Locked too, was served
 * (ifm_probe_decide_conns). When some were turned away, the number served
 * is the cap: `max_connections`. The executor is made anew
 * before and after, so no idle connection of the probe counts against the
 * server's limit, and the held ones are closed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ifm_plan.h"
#include "ifm_probe_int.h"

#define IFM_PROBE_CONNS 64

typedef struct conn_slot {
  ifm_exchange x;
} conn_slot;

static void conn_done_cb(ifm_xfer *x, void *ctx) {
  ifm_xfer_take_exchange(x, &((conn_slot *)ctx)->x);
}

static void fresh_exec(ifm_probe *p) {
  struct timespec ts = {0, 200 * 1000 * 1000};
  ifm_exec *e = ifm_exec_new();
  if (!e) return;
  ifm_exec_free(p->exec);        /* closes the probe's idle connections */
  p->exec = e;
  nanosleep(&ts, NULL);          /* the server notices the closes */
}

/* One burst; returns how many were served, *cap as ifm_probe_decide_conns. */
static size_t burst(ifm_probe *p, unsigned *cap, size_t *sent) {
  conn_slot *slots = calloc(IFM_PROBE_CONNS, sizeof *slots);
  ifm_exchange *xs = calloc(IFM_PROBE_CONNS, sizeof *xs);
  ifm_request_spec spec;
  ifm_xfer_opts xo;
  ifm_kv kv;
  char err[128];
  size_t i, n = 0, served = 0;
  *cap = 0;
  *sent = 0;
  if (!slots || !xs) goto out;
  fresh_exec(p);
  memset(&spec, 0, sizeof spec);
  memset(&xo, 0, sizeof xo);
  kv.name = (char *)"If-Match";
  kv.value = (char *)"\"ifm-probe-never-issued\"";
  spec.op = IFM_OP_UPDATE;
  spec.body = p->payload;
  spec.has_body = 1;
  spec.headers = &kv;
  spec.n_headers = 1;
  xo.timeout_s = p->t.timeout_s > 0 && p->t.timeout_s < 3 ? p->t.timeout_s : 3;
  xo.tls_verify = p->t.tls_verify;
  xo.ca_file = p->t.ca_file;
  xo.net = &p->t.net;
  xo.http_version = (int)p->t.http_version;
  for (i = 0; i < IFM_PROBE_CONNS; i++) {
    ifm_exchange req;
    ifm_xfer *x;
    if (ifm_plan_request(&p->scope, &spec, p->origin, (int)i, &req, err, sizeof err) != IFM_OK) break;
    if (!(x = ifm_xfer_new_exchange(&req, &xo))) {
      ifm_exchange_clear(&req);
      break;
    }
    if (ifm_exec_add(p->exec, x, conn_done_cb, &slots[i]) != IFM_OK) {
      ifm_xfer_free(x);
      break;
    }
    n++;
  }
  ifm_exec_run(p->exec, p->o->stop, 0);
  for (i = 0; i < n; i++) xs[i] = slots[i].x;
  served = ifm_probe_decide_conns(xs, n, cap);
  *sent = n;
  for (i = 0; i < n; i++) ifm_exchange_clear(&xs[i]);
out:
  free(slots);
  free(xs);
  return served;
}

void ifm_probe_conns(ifm_probe *p) {
  unsigned cap, cap2;
  size_t sent, sent2, served = burst(p, &cap, &sent), served2;
  if (cap) {                      /* once more: the larger count stands */
    served2 = burst(p, &cap2, &sent2);
    if (served2 > served) {
      served = served2;
      cap = cap2;
    }
    if (!cap2) cap = 0;
  }
  p->doc.max_connections = cap;
  if (cap)
    ifm_probe_say(p, IFM_PN_CONNS, "%zu PUTs (If-Match of a tag never issued) at once, each on its own connection kept "
                  "open: %zu answered, the rest turned away (no answer in 3 s, 408, 429 or 503)", sent, served);
  else
    ifm_probe_say(p, IFM_PN_CONNS, "%zu PUTs (If-Match of a tag never issued) at once, each on its own connection kept "
                  "open: %zu answered; no cap seen", sent, served);
  fresh_exec(p);
}
