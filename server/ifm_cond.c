/* ifm_cond.c: conditional-request evaluation for the reference server.
 *
 * The clean server hands the parsed lists straight to ifm_precond_evaluate()
 * (core), so the server and the runner's oracle share one reading of RFC 9110
 * section 13.2.2. A seeded flaw never reimplements the rules: it rewrites
 * the inputs the way a buggy server misreads them (drops the If-Match list,
 * clears weak flags, lower-cases opaque bytes, cuts the list, splits at
 * every comma) and still lets core evaluate, so it bends exactly one rule.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ifm_cond.h"

static int is_ows(char c) { return c == ' ' || c == '\t'; }

/* The comma-split flaw: after the value passed the real grammar, rebuild the
 * list the way a naive parser does, splitting at every comma (also inside
 * quotes), trimming each piece and stripping W/ and the quotes it can see.
 * "a,E,b" then yields the pieces a, E, b, and E matches. */
static int naive_piece(ifm_list *l, const char *b, const char *e) {
  ifm_etag t = {0, NULL, 0};

  while (b < e && is_ows(*b)) b++;
  while (e > b && is_ows(e[-1])) e--;
  if (b == e) return 0;
  if (e - b == 1 && *b == '*') {
    l->star = 1;
    return 0;
  }
  if (e - b >= 2 && b[0] == 'W' && b[1] == '/') {
    t.weak = 1;
    b += 2;
  }
  if (b < e && *b == '"') b++;
  if (e > b && e[-1] == '"') e--;
  t.opaque = b;
  t.len = (size_t)(e - b);
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 8;
    ifm_etag *nt = realloc(l->tags, cap * sizeof *nt);
    if (!nt) return -1;
    l->tags = nt;
    l->cap = cap;
  }
  l->tags[l->n++] = t;
  return 0;
}

static int naive_split(ifm_list *l, const ifm_span *lines, size_t n) {
  size_t i;

  ifm_list_clear(l);
  for (i = 0; i < n; i++) {
    const char *p = lines[i].p ? lines[i].p : "", *end = p + lines[i].len;
    for (;;) {
      const char *comma = memchr(p, ',', (size_t)(end - p));
      if (naive_piece(l, p, comma ? comma : end) != 0) return -1;
      if (!comma) break;
      p = comma + 1;
    }
  }
  if (l->star && l->n) l->star = 0;   /* the naive parser treats it as a tag-less list */
  return 0;
}

static int parse_list(ifm_list *l, const ifm_span *lines, size_t n, ifm_perr *err) {
  size_t i;

  for (i = 0; i < n; i++) {
    if (ifm_list_add_line(l, lines[i].p ? lines[i].p : "", lines[i].len, err) != 0) {
      err->line = i;
      return -1;
    }
  }
  return 0;
}

static int parse_date(ifm_span v, time_t *out) {
  if (!v.p) return 0;
  return ifm_http_date_parse(v.p, v.len, out) == 0;
}

int ifm_cond_parse(ifm_cond *c, const ifm_srv_req *rq, unsigned flaws,
                   const char **field, ifm_perr *err) {
  size_t n_im = rq->n_if_match;

  memset(c, 0, sizeof *c);
  ifm_list_init(&c->im);
  ifm_list_init(&c->inm);
  if ((flaws & IFM_FLAW_LINE_FIRST) && n_im > 1) n_im = 1;
  c->has_im = n_im > 0;
  c->has_inm = rq->n_if_none_match > 0;
  if (parse_list(&c->im, rq->if_match, n_im, err) != 0) {
    *field = "If-Match";
    return -1;
  }
  if (parse_list(&c->inm, rq->if_none_match, rq->n_if_none_match, err) != 0) {
    *field = "If-None-Match";
    return -1;
  }
  if ((flaws & IFM_FLAW_COMMA_SPLIT) && c->has_im && naive_split(&c->im, rq->if_match, n_im) != 0) {
    *field = "If-Match";
    err->line = 0;
    err->offset = 0;
    err->msg = "out of memory";
    return -1;
  }
  c->has_ius = parse_date(rq->if_unmodified_since, &c->ius);
  c->has_ims = parse_date(rq->if_modified_since, &c->ims);
  return 0;
}

void ifm_cond_clear(ifm_cond *c) {
  ifm_list_clear(&c->im);
  ifm_list_clear(&c->inm);
  free(c->work);
  free(c->scratch);
  c->work = NULL;
  c->scratch = NULL;
}

static void lower_copy(char *dst, const char *src, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) dst[i] = (char)tolower((unsigned char)src[i]);
}

/* Rewrites the If-Match list (and the current tag) for the flaws that
 * misread the comparison: list-first, weak-compare, case-insensitive.
 * Returns 0, or -1 when out of memory (then nothing is rewritten). */
static int rewrite_list(ifm_cond *c, unsigned flaws, ifm_list *view, ifm_etag *cur) {
  size_t n = c->im.n, i, total = cur->len, k = 0;

  free(c->work);
  free(c->scratch);
  c->work = NULL;
  c->scratch = NULL;
  if ((flaws & IFM_FLAW_LIST_FIRST) && n > 1) n = 1;
  *view = c->im;
  view->n = n;
  if (!(flaws & (IFM_FLAW_WEAK_COMPARE | IFM_FLAW_CASE_INSENSITIVE)) || n == 0) return 0;
  c->work = malloc(n * sizeof *c->work);
  if (!c->work) return -1;
  memcpy(c->work, c->im.tags, n * sizeof *c->work);
  view->tags = c->work;
  if (flaws & IFM_FLAW_WEAK_COMPARE) {
    for (i = 0; i < n; i++) c->work[i].weak = 0;
    cur->weak = 0;
  }
  if (!(flaws & IFM_FLAW_CASE_INSENSITIVE)) return 0;
  for (i = 0; i < n; i++) total += c->work[i].len;
  c->scratch = malloc(total + 1);
  if (!c->scratch) return -1;
  for (i = 0; i < n; i++) {
    lower_copy(c->scratch + k, c->work[i].opaque, c->work[i].len);
    c->work[i].opaque = c->scratch + k;
    k += c->work[i].len;
  }
  lower_copy(c->scratch + k, cur->opaque, cur->len);
  cur->opaque = c->scratch + k;
  return 0;
}

ifm_precond_result ifm_cond_eval(ifm_cond *c, const ifm_cond_state *s) {
  ifm_etag cur = {s->etag_weak, s->etag, s->etag ? strlen(s->etag) : 0};
  ifm_list view;
  ifm_precond_req req;
  ifm_precond_rep rep;
  unsigned f = s->flaws;

  memset(&req, 0, sizeof req);
  req.is_get_or_head = s->method == IFM_SRV_GET || s->method == IFM_SRV_HEAD;
  req.if_match = c->has_im ? &c->im : NULL;
  req.if_none_match = c->has_inm ? &c->inm : NULL;
  req.has_if_unmodified_since = c->has_ius;
  req.if_unmodified_since = c->ius;
  req.has_if_modified_since = c->has_ims;
  req.if_modified_since = c->ims;
  rep.exists = s->exists;
  rep.etag = s->etag ? &cur : NULL;
  rep.has_last_modified = s->has_last_modified;
  rep.last_modified = s->last_modified;

  if (req.if_match) {
    if (c->im.star && s->profile == IFM_PROFILE_CPP) {
      /* cpp: "*" means no comparison at all; the method is performed
       * (REQUIREMENTS item 19, profile note). If-Unmodified-Since stays
       * ignored because If-Match is present (section 13.1.4). */
      req.if_match = NULL;
      req.has_if_unmodified_since = 0;
    } else if (c->im.star && !s->exists && (f & IFM_FLAW_STAR_CREATES)) {
      req.if_match = NULL;
      req.has_if_unmodified_since = 0;
    } else if (((f & IFM_FLAW_IGNORE_ON_PUT) && s->method == IFM_SRV_PUT) ||
               ((f & IFM_FLAW_IGNORE_ON_DELETE) && s->method == IFM_SRV_DELETE)) {
      req.if_match = NULL;
    } else if ((f & IFM_FLAW_IUS_FIRST) && c->has_ius) {
      req.if_match = NULL;
    } else if (!c->im.star && s->etag &&
               (f & (IFM_FLAW_LIST_FIRST | IFM_FLAW_WEAK_COMPARE | IFM_FLAW_CASE_INSENSITIVE))) {
      if (rewrite_list(c, f, &view, &cur) == 0) req.if_match = &view;
    }
  }
  if ((f & IFM_FLAW_INM_FIRST) && req.if_none_match) {
    ifm_precond_req first = req;
    ifm_precond_result r;
    first.if_match = NULL;
    first.has_if_unmodified_since = 0;
    r = ifm_precond_evaluate(&first, &rep);
    if (r != IFM_PRECOND_PROCEED) return r;
  }
  return ifm_precond_evaluate(&req, &rep);
}

/* ---- Range (section 14) ------------------------------------------------ */

static void trim(const char **p, const char **e) {
  while (*p < *e && is_ows(**p)) (*p)++;
  while (*e > *p && is_ows((*e)[-1])) (*e)--;
}

/* Digits into *out (saturating); returns how many digits were read. */
static size_t read_num(const char **p, const char *e, uint64_t *out) {
  size_t n = 0;
  uint64_t v = 0;

  while (*p < e && isdigit((unsigned char)**p)) {
    unsigned d = (unsigned)(**p - '0');
    v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
    (*p)++;
    n++;
  }
  *out = v;
  return n;
}

/* Section 13.1.5: If-Range with an entity-tag uses the strong comparison;
 * with a date it must equal Last-Modified exactly. */
static int if_range_ok(ifm_span v, const ifm_cond_state *s) {
  const char *p = v.p ? v.p : "", *e = p + (v.p ? v.len : 0);
  ifm_etag tag, cur;
  time_t t;

  trim(&p, &e);
  if (p < e && (*p == '"' || *p == 'W')) {
    if (ifm_etag_parse(p, (size_t)(e - p), &tag, NULL) != 0 || !s->etag) return 0;
    cur.weak = s->etag_weak;
    cur.opaque = s->etag;
    cur.len = strlen(s->etag);
    return ifm_etag_strong_eq(&tag, &cur);
  }
  if (ifm_http_date_parse(p, (size_t)(e - p), &t) != 0) return 0;
  return s->has_last_modified && t == s->last_modified;
}

int ifm_cond_range(const ifm_srv_req *rq, const ifm_cond_state *s, size_t total,
                   size_t *off, size_t *len) {
  const char *p = rq->range.p, *e;
  uint64_t first = 0, last = 0, n = total;
  size_t nf, nl;

  if (!p || s->method != IFM_SRV_GET) return 200;   /* section 14.2: GET only */
  e = p + rq->range.len;
  trim(&p, &e);
  if ((size_t)(e - p) < 6 || strncasecmp(p, "bytes=", 6) != 0) return 200;
  p += 6;
  trim(&p, &e);
  if (memchr(p, ',', (size_t)(e - p))) return 200;  /* several ranges: served whole */
  nf = read_num(&p, e, &first);
  if (p == e || *p != '-') return 200;
  p++;
  nl = read_num(&p, e, &last);
  if (p != e || (nf == 0 && nl == 0)) return 200;   /* invalid: ignored */
  if (nf && nl && first > last) return 200;
  if (rq->if_range.p && !if_range_ok(rq->if_range, s)) return 200;
  if (nf == 0) {                                     /* suffix-range "-n" */
    if (last == 0 || n == 0) return 416;
    if (last > n) last = n;
    *off = (size_t)(n - last);
    *len = (size_t)last;
    return 206;
  }
  if (first >= n) return 416;
  if (nl == 0 || last >= n) last = n - 1;
  *off = (size_t)first;
  *len = (size_t)(last - first + 1);
  return 206;
}
