/* ifm_judge_step.c: a sequential step's response against what the step
 * assumes and expects (see ifm_judge.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_judge.h"

int ifm_judge_expect(const ifm_judge_ctx *jc, const ifm_expect *ex, const ifm_exchange *r,
                     ifm_judgement *j, char *err, size_t errlen) {
  size_t i;
  if (ex->has_status) {
    if (!ifm_judge_resolve_status(&ex->status, jc->profile, jc->target)) {
      snprintf(err, errlen, "profile key '%s' is not defined", ex->status.profile_key);
      return -1;
    }
    if (!ifm_judge_status(&ex->status, jc->profile, jc->target, r->status, j)) return 0;
  }
  for (i = 0; i < ex->n_items; i++) {
    const ifm_expect_item *it = &ex->items[i];
    ifm_buf v = IFM_BUF_INIT;
    int ok;
    ifm_err rc = it->value ? ifm_scope_expand(jc->scope, it->value, &v, err, errlen) : IFM_OK;
    if (rc != IFM_OK) {
      ifm_buf_clear(&v);
      return rc == IFM_ERR_UNDECIDED ? -2 : -1;
    }
    if ((it->match == IFM_M_ETAG || it->match == IFM_M_STRONG) && !it->is_body && !ifm_exchange_resp_header(r, it->name)) {
      /* RFC 9110 8.8.3: an origin server SHOULD send an ETag; not sending one
       * breaks no MUST, and a case that needs one cannot go on */
      snprintf(err, errlen, "the server sent no %s field (RFC 9110 8.8.3: SHOULD send one), and this case "
               "needs it", it->name);
      ifm_buf_clear(&v);
      return -2;
    }
    ok = ifm_judge_item(it, jc->target, r, v.p, v.len, j);
    ifm_buf_clear(&v);
    if (!ok) return 0;
  }
  return 1;
}

/* Prefixes j->message with what. */
static void message_prefix(ifm_judgement *j, const char *what) {
  ifm_buf m = IFM_BUF_INIT;
  ifm_buf_printf(&m, "%s%s", what, j->message ? j->message : "");
  free(j->message);
  j->message = ifm_buf_detach(&m);
}

ifm_verdict ifm_judge_step(const ifm_judge_ctx *jc, const ifm_case *c, const ifm_step *st,
                           const ifm_exchange *r, ifm_judgement *j) {
  char err[512];
  int rc = ifm_judge_expect(jc, &st->assume, r, j, err, sizeof err);
  if (rc == 0) {                /* as a test whose setup failed: not the server's fault */
    message_prefix(j, "the target cannot show what this case tests: ");
    return IFM_SKIP;
  }
  if (rc == 1) rc = ifm_judge_expect(jc, &st->expect, r, j, err, sizeof err);
  if (rc == 1) return IFM_PASS;
  if (rc == 0 && j->on_status && ifm_judge_weak_refused(jc, &st->expect, r)) {
    ifm_judgement_clear(j);
    j->message = ifm_strdup("the target cannot show what this case tests: the If-Match sent holds a weak "
                            "entity-tag (the server's own ETag is weak), and RFC 9110 13.1.1 compares strongly, "
                            "so 412 is the right answer; a server that issues only weak ETags cannot be "
                            "updated with If-Match (IM-WEAK-NEVER-strong-issued says so once)");
    return IFM_SKIP;
  }
  if (rc == -2) {               /* the server lacks what the case needs (an ETag, say) */
    ifm_judgement_clear(j);
    j->message = ifm_strdup(err);
    message_prefix(j, "the target cannot show what this case tests: ");
    return IFM_SKIP;
  }
  if (rc < 0) {
    ifm_judgement_clear(j);
    j->message = ifm_strdup(err);
    return IFM_ERROR;
  }
  return ifm_judge_verdict_for_level(c->level);
}

const ifm_exchange *ifm_judge_view(const ifm_target *t, const ifm_request_spec *spec,
                                   const ifm_exchange *r, ifm_exchange *view) {
  const char *pat = spec->op < IFM_OP_REQUEST ? t->ops[spec->op].extract : NULL;
  size_t off = 0, len = 0;
  ifm_buf body = IFM_BUF_INIT;
  int found;
  if (!pat || (found = ifm_exchange_extract(pat, r->resp_body, &off, &len)) < 0) return r;
  *view = *r;
  if (found) ifm_buf_append(&body, r->resp_body + off, len);
  view->resp_body_len = body.len;
  view->resp_body = ifm_buf_detach(&body);
  return view;
}

void ifm_judge_view_clear(const ifm_exchange *r, ifm_exchange *view) {
  if (r == view) free(view->resp_body);
}
