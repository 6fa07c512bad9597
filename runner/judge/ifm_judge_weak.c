/* ifm_judge_weak.c: what a weak entity-tag does to a verdict (see
 * ifm_judge.h). A server may issue only weak ETags (RFC 9110 8.8.1), and
 * If-Match compares strongly (13.1.1), so no If-Match built from such a tag
 * can hold: the 412 the server gives is the right answer, and a case that
 * needed the precondition to hold cannot test what it tests there. The case
 * IM-WEAK-NEVER-strong-issued warns about such a server once. */
#include <string.h>
#include <strings.h>
#include "ifm_judge.h"
#include "ifm_etag.h"

/* 1 when the list also holds the strong form of weak tag w: then the tag
 * the server issued was strong (the case made the weak one from it), and
 * weakness cannot explain a 412. */
static int strong_twin(const ifm_list *l, const ifm_etag *w) {
  size_t i;
  for (i = 0; i < l->n; i++)
    if (!l->tags[i].weak && l->tags[i].len == w->len && memcmp(l->tags[i].opaque, w->opaque, w->len) == 0)
      return 1;
  return 0;
}

/* Whether the request's If-Match (all its field lines) is a list holding a
 * weak entity-tag whose strong form it does not also hold. */
int ifm_judge_if_match_weak(const ifm_exchange *r) {
  ifm_list l;
  size_t i;
  int weak = 0, bad = 0;
  ifm_list_init(&l);
  for (i = 0; i < r->n_req_headers && !bad; i++)
    if (strcasecmp(r->req_headers[i].name, "If-Match") == 0)
      bad = ifm_list_add_line(&l, r->req_headers[i].value, r->req_headers[i].value_len, NULL) != 0;
  for (i = 0; !bad && !l.star && i < l.n; i++) weak |= l.tags[i].weak && !strong_twin(&l, &l.tags[i]);
  ifm_list_clear(&l);
  return weak;
}

/* RFC 9110 13.1.1: If-Match compares strongly, so a weak entity-tag never
 * matches. A case that sent the server's own ETag, which is weak, expecting
 * the precondition to hold (a 2xx, a 304, a 206, a patch's own refusal)
 * cannot see that on this server: its 412 is the right answer. (A server
 * that issues strong tags gets no weak one from a case that expects the
 * precondition to hold.) When the case expected an answer that comes before
 * preconditions (404 on a missing resource, 405, ...: 13.2.1), the 412 is
 * wrong whatever the tags, and the verdict stands. */
int ifm_judge_weak_refused(const ifm_judge_ctx *jc, const ifm_expect *ex, const ifm_exchange *r) {
  const ifm_status_spec *s;
  int st;
  if (r->status != 412 || !ex->has_status) return 0;
  if (!(s = ifm_judge_resolve_status(&ex->status, jc->profile, jc->target))) return 0;
  for (st = 100; st <= 599; st++)
    if (ifm_status_spec_accepts(s, st) && (st == 412 || ifm_judge_before_content(st))) return 0;
  return ifm_judge_if_match_weak(r);
}

int ifm_judge_weak_round(const ifm_exchange *x, size_t n) {
  size_t i, seen = 0;
  for (i = 0; i < n; i++) {
    if (x[i].client < 0 || !ifm_judge_is_outcome(&x[i])) continue;
    if (x[i].status != 412 || !ifm_judge_if_match_weak(&x[i])) return 0;
    seen++;
  }
  return seen > 0;
}
