/* ifm_judge.c: the leaf checks: one status, one header or body expectation
 * against a response (see ifm_judge.h). The
 * messages say what was wanted and what came, in the words of the case file,
 * so a FAIL can be read without opening the case. */
#include <stdlib.h>
#include <string.h>
#include "ifm_buf.h"
#include "ifm_etag.h"
#include "ifm_judge.h"
#include "ifm_redact.h"

ifm_verdict ifm_judge_verdict_for_level(ifm_level l) {
  return l == IFM_MUST ? IFM_FAIL : l == IFM_SHOULD ? IFM_WARN : IFM_INFO;
}

void ifm_judgement_clear(ifm_judgement *j) {
  free(j->message);
  free(j->expected);
  free(j->got);
  free(j->named);
  memset(j, 0, sizeof *j);
}

static void judgement_set(ifm_judgement *j, ifm_buf *expected, ifm_buf *got, const char *what,
                          const char *tail) {
  ifm_buf m = IFM_BUF_INIT;
  ifm_judgement_clear(j);
  ifm_buf_printf(&m, "%s%s", what, tail);
  j->message = ifm_buf_detach(&m);
  j->expected = ifm_buf_detach(expected);
  j->got = ifm_buf_detach(got);
}

const ifm_status_spec *ifm_judge_resolve_status(const ifm_status_spec *s, const ifm_profile *p,
                                                const ifm_target *t) {
  const ifm_profile_entry *e;
  if (!s->profile_key) return s;
  e = ifm_profile_lookup(p, t, s->profile_key);
  return e ? &e->status : NULL;
}

int ifm_judge_status(const ifm_status_spec *s, const ifm_profile *p, const ifm_target *t,
                     int status, ifm_judgement *j) {
  const ifm_status_spec *set = ifm_judge_resolve_status(s, p, t);
  ifm_buf want = IFM_BUF_INIT, got = IFM_BUF_INIT;
  if (set && ifm_status_spec_accepts(set, status)) return 1;
  if (s->profile_key)
    ifm_buf_printf(&want, "status %s (profile %s: %s)", set ? set->text : "?",
                   p && p->name ? p->name : "?", s->profile_key);
  else
    ifm_buf_printf(&want, "status %s", s->text ? s->text : "?");
  ifm_buf_printf(&got, "status %d", status);
  judgement_set(j, &want, &got, "unexpected ", got.p);
  j->on_status = 1;
  return 0;
}

static int mem_contains(const char *hay, size_t hlen, const char *needle, size_t nlen) {
  size_t i;
  if (nlen == 0) return 1;
  for (i = 0; i + nlen <= hlen; i++)
    if (memcmp(hay + i, needle, nlen) == 0) return 1;
  return 0;
}

/* What came, for the judgement: a body or a field value longer than
 * GOT_MAX bytes is cut where no secret is cut in two (the rest of the got
 * is redacted whole later) and its length said, so that a server sending
 * megabytes in one field leaves a report of ordinary size. */
#define GOT_MAX 200
static void got_value(ifm_buf *got, const char *what, int is_body, const char *have, size_t have_len,
                      const ifm_target *t) {
  size_t hl = 0;
  char *head;
  if (have_len <= GOT_MAX) {
    ifm_buf_printf(got, "%s: %.*s", what, (int)have_len, have);
    return;
  }
  head = ifm_redact_head(have, have_len, GOT_MAX, t ? t->secrets : NULL, t ? t->n_secrets : 0, &hl);
  ifm_buf_printf(got, is_body ? "%s of %zu bytes: %.*s..." : "%s (%zu bytes): %.*s...", what, have_len, (int)hl,
                 head ? head : "");
  free(head);
}

int ifm_judge_item(const ifm_expect_item *it, const ifm_target *t, const ifm_exchange *r, const char *value,
                   size_t value_len, ifm_judgement *j) {
  const ifm_field *f = NULL;
  const char *have = NULL, *what = it->is_body ? "body" : it->name;
  size_t have_len = 0, shown_len;
  int present, ok = 0;
  char *cut = NULL;
  const char *shown, *more = "";
  ifm_buf want = IFM_BUF_INIT, got = IFM_BUF_INIT;
  ifm_etag tag;

  if (it->is_body) {
    have = r->resp_body ? r->resp_body : "";
    have_len = r->resp_body_len;
    present = 1;
  } else {
    f = ifm_exchange_resp_header(r, it->name);
    present = f != NULL;
    if (f) have = f->value, have_len = f->value_len;
  }
  if (!value) value = "", value_len = 0;
  shown = value, shown_len = value_len;
  if (value_len > GOT_MAX) {   /* the expected value (a capture, say) is cut for the message too */
    cut = ifm_redact_head(value, value_len, GOT_MAX, t ? t->secrets : NULL, t ? t->n_secrets : 0, &shown_len);
    shown = cut ? cut : "";
    more = "...";
  }
  switch (it->match) {
    case IFM_M_EQUALS:
      ok = present && have_len == value_len && memcmp(have, value, value_len) == 0;
      ifm_buf_printf(&want, "%s: %.*s%s", what, (int)shown_len, shown, more);
      break;
    case IFM_M_NOT:
      ok = !present || have_len != value_len || memcmp(have, value, value_len) != 0;
      ifm_buf_printf(&want, "%s other than %.*s%s", what, (int)shown_len, shown, more);
      break;
    case IFM_M_ABSENT:
      ok = !present;
      ifm_buf_printf(&want, "no %s field", what);
      break;
    case IFM_M_PRESENT:
      ok = present;
      ifm_buf_printf(&want, "a %s field", what);
      break;
    case IFM_M_CONTAINS:
      ok = present && mem_contains(have, have_len, value, value_len);
      ifm_buf_printf(&want, "%s containing %.*s%s", what, (int)shown_len, shown, more);
      break;
    case IFM_M_ETAG:
      ok = present && ifm_etag_parse(have, have_len, &tag, NULL) == 0;
      ifm_buf_printf(&want, "%s: a well-formed entity-tag (RFC 9110 8.8.3)", what);
      break;
    case IFM_M_STRONG:
      ok = present && ifm_etag_parse(have, have_len, &tag, NULL) == 0 && !tag.weak;
      ifm_buf_printf(&want, "%s: a strong entity-tag, one that If-Match can match (RFC 9110 8.8.1, 13.1.1)", what);
      break;
  }
  free(cut);
  if (ok) {
    ifm_buf_clear(&want);
    return 1;
  }
  if (!present)
    ifm_buf_printf(&got, "no %s field", what);
  else
    got_value(&got, what, it->is_body, have, have_len, t);
  judgement_set(j, &want, &got, what, " did not match the expectation");
  return 0;
}

