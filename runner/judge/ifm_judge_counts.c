/* ifm_judge_counts.c: a parallel round's `count:` expectations (see
 * ifm_judge.h): how many of the clients' responses fall in each status set,
 * `rest` standing for whatever the explicit counts leave. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_judge.h"

/* Counts of statuses among the round's client responses, as text. */
static void status_histogram(const ifm_exchange *x, size_t n, ifm_buf *out) {
  int seen[600] = {0}, s, first = 1;
  size_t i;
  for (i = 0; i < n; i++)
    if (x[i].client >= 0 && x[i].status >= 0 && x[i].status < 600) seen[x[i].status]++;
  for (s = 0; s < 600; s++) {
    if (!seen[s]) continue;
    if (s == 0) ifm_buf_printf(out, "%sno response: %d", first ? "" : ", ", seen[s]);
    else ifm_buf_printf(out, "%s%d: %d", first ? "" : ", ", s, seen[s]);
    first = 0;
  }
}

/* Refusals that say the request was not processed, or not yet: a timeout,
 * too many requests, unavailable, and 423 Locked (RFC 4918 11.3: WebDAV
 * servers lock a resource while a write is in progress and turn others
 * away); a read turned away with 401 or 403 in a race says nothing of the
 * state either. */
int ifm_judge_is_outcome(const ifm_exchange *x) {
  if (x->error || x->status <= 0) return 0;
  if (x->status == 408 || x->status == 423 || x->status == 429 || x->status == 503) return 0;
  if (x->client >= 0 && x->method && (strcmp(x->method, "GET") == 0 || strcmp(x->method, "HEAD") == 0) &&
      (x->status == 401 || x->status == 403))
    return 0;
  return 1;
}

static int in_some_set(const ifm_judge_ctx *jc, const ifm_parallel *p, int status) {
  size_t k;
  for (k = 0; k < p->n_counts; k++) {
    const ifm_status_spec *set = ifm_judge_resolve_status(&p->counts[k].status, jc->profile, jc->target);
    if (set && ifm_status_spec_accepts(set, status)) return 1;
  }
  return 0;
}

int ifm_judge_counts(const ifm_judge_ctx *jc, const ifm_parallel *p, const ifm_exchange *x, size_t n,
                     ifm_judgement *j, char *err, size_t errlen) {
  size_t k, i, clients = 0, unknown = 0, explicit_sum = 0;
  ifm_buf want = IFM_BUF_INIT, got = IFM_BUF_INIT, msg = IFM_BUF_INIT;
  const ifm_status_spec *over = NULL;   /* the first set with too many: its members are named */
  int ok = 1;
  for (i = 0; i < n; i++)
    if (x[i].client >= 0) {
      clients++;
      unknown += !ifm_judge_is_outcome(&x[i]);
    }
  for (k = 0; k < p->n_counts; k++)
    if (p->counts[k].count >= 0) explicit_sum += (size_t)p->counts[k].count;
  for (k = 0; k < p->n_counts; k++) {
    const ifm_count_expect *ce = &p->counts[k];
    const ifm_status_spec *set = ifm_judge_resolve_status(&ce->status, jc->profile, jc->target);
    size_t have = 0, need = ce->count >= 0 ? (size_t)ce->count
                            : clients > explicit_sum ? clients - explicit_sum : 0;
    if (!set) {
      snprintf(err, errlen, "profile key '%s' is not defined", ce->status.profile_key);
      ifm_buf_clear(&want);
      ifm_buf_clear(&msg);
      return -1;
    }
    for (i = 0; i < n; i++)
      if (x[i].client >= 0 && ifm_judge_is_outcome(&x[i]) && ifm_status_spec_accepts(set, x[i].status)) have++;
    ifm_buf_printf(&want, "%s%s: %zu", k ? ", " : "", set->text ? set->text : "?", need);
    if ((have > need || have + unknown < need) && ok) {
      if (unknown)
        ifm_buf_printf(&msg, "%zu of %zu responses were %s, expected %zu (%zu requests got no usable answer "
                       "and could be any)", have, clients, set->text ? set->text : "?", need, unknown);
      else
        ifm_buf_printf(&msg, "%zu of %zu responses were %s, expected %zu", have, clients,
                       set->text ? set->text : "?", need);
      if (have > need) over = set;
      ok = 0;
    }
  }
  if (ok) {
    ifm_buf_clear(&want);
    return 1;
  }
  status_histogram(x, n, &got);
  ifm_judgement_clear(j);
  j->message = ifm_buf_detach(&msg);
  j->expected = ifm_buf_detach(&want);
  j->got = ifm_buf_detach(&got);
  /* Named: the responses a set had too many of (a race's two winners), or
   * else those no set expects (a 204 where 201 and 412 were counted). */
  if ((j->named = calloc(n ? n : 1, sizeof *j->named)) != NULL)
    for (i = 0; i < n; i++)
      if (x[i].client >= 0 && ifm_judge_is_outcome(&x[i]) &&
          (over ? ifm_status_spec_accepts(over, x[i].status) : !in_some_set(jc, p, x[i].status)))
        j->named[j->n_named++] = i;
  return 0;
}
