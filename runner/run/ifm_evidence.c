/* ifm_evidence.c: the exchanges a case keeps for its report (see
 * ifm_case_run.h). Memory stays bounded: the most recent
 * IFM_EXCHANGES_KEPT (plus room for a parallel round) are kept, older ones
 * are counted as omitted; passing rounds are dropped whole, but for the
 * first, kept for contrast with the failing one. */
#include <stdlib.h>
#include <string.h>
#include "ifm_case_run.h"
#include "ifm_redact.h"

void ifm_evidence_compact(ifm_evidence *ev) {
  if (!ev->head) return;
  memmove(ev->x - ev->head, ev->x, ev->n * sizeof *ev->x);
  ev->x -= ev->head;
  ev->head = 0;
}

/* Room for one more at x[n]. The window slides by moving x; the kept ones
 * go back to the start only when the allocation's end is reached and they
 * have slid by at least their number, which the allocation's doubling
 * leaves room for: one exchange moved per request on average, not the whole
 * window (12 KB a request). A case that keeps all its exchanges never
 * slides and allocates as before. */
static int room(ifm_evidence *ev) {
  ifm_exchange *a;
  size_t cap = ev->cap;
  if (ev->x && ev->head + ev->n < ev->cap) return 0;
  if (ev->x && ev->head >= ev->n) {
    ifm_evidence_compact(ev);
    return 0;
  }
  a = ifm_xrealloc_array(ev->x ? ev->x - ev->head : NULL, &cap, ev->head + ev->n + 1, sizeof *a);
  if (!a) return -1;
  ev->x = a + ev->head;
  ev->cap = cap;
  return 0;
}

int ifm_evidence_round(const ifm_case_run *cr) {
  return cr->par.phase != IFM_PAR_IDLE || cr->par.round > 0 ? (int)cr->par.round + 1 : 0;
}

ifm_err ifm_evidence_record(ifm_case_run *cr, const ifm_exchange *live, int client, int round) {
  ifm_evidence *ev = &cr->ev;
  const ifm_target *t = cr->env->o->target;
  ifm_exchange *e;
  ifm_err rc;
  if (ev->n >= IFM_EXCHANGES_KEPT + ev->extra_keep) {   /* keep the most recent ones only */
    ifm_exchange_clear(&ev->x[0]);
    ev->x++;
    ev->head++;
    ev->n--;
    ev->omitted++;
    if (ev->seg_x0) ev->seg_x0--;          /* the marks move with the window */
    if (ev->round_x0) ev->round_x0--;
  }
  if (room(ev) != 0) return IFM_ERR_NOMEM;
  e = &ev->x[ev->n++];
  rc = ifm_exchange_evidence(e, live, t->secrets, t->n_secrets, cr->env->t0);
  e->step = (int)cr->step + 1;
  e->client = client;
  e->round = round;
  return rc;
}

void ifm_evidence_drop_from(ifm_evidence *ev, size_t mark) {
  size_t i;
  for (i = mark; i < ev->n; i++) ifm_exchange_clear(&ev->x[i]);
  if (mark <= ev->n) ev->n = mark;
}

void ifm_evidence_clear(ifm_evidence *ev) {
  size_t i;
  for (i = 0; i < ev->n; i++) ifm_exchange_clear(&ev->x[i]);
  free(ev->x ? ev->x - ev->head : NULL);
  memset(ev, 0, sizeof *ev);
}
