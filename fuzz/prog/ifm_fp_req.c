/* ifm_fp_req.c: tags seen, and operations made into requests (see
 * ifm_fp_req.h). The field values are built into small fixed buffers first
 * (a program's tags are short; a longer one is cut, as it always was), then
 * copied into the exchange record in the order they are sent. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ifm_fp_req.h"
#include "ifm_precond.h"

/* If-Unmodified-Since: far past (1994-11-06 08:49:37 UTC) and far future
 * (2099-12-31 23:59:59 UTC): any resource's Last-Modified lies between. */
#define FAR_PAST ((time_t)784111777)
#define FAR_FUTURE ((time_t)4102444799)

void ifm_fp_tags_init(ifm_fp_tags *t) { memset(t, 0, sizeof *t); }

void ifm_fp_tags_see(ifm_fp_tags *t, const char *tag) {
  size_t i;
  if (!*tag) return;
  snprintf(t->cur, sizeof t->cur, "%s", tag);
  for (i = 0; i < t->n_seen; i++)
    if (strcmp(t->seen[i], t->cur) == 0) return;
  if (t->n_seen == IFM_FP_MAX_SEEN) {
    memmove(t->seen[0], t->seen[1], sizeof t->seen[0] * (IFM_FP_MAX_SEEN - 1));
    t->n_seen--;
  }
  snprintf(t->seen[t->n_seen++], sizeof t->seen[0], "%s", t->cur);
}

void ifm_fp_tags_current(const ifm_fp_tags *t, char *out, size_t n) {
  snprintf(out, n, "%s", t->cur[0] ? t->cur : "\"none\"");
}

void ifm_fp_tags_stale(const ifm_fp_tags *t, unsigned k, char *out, size_t n) {
  size_t cands[IFM_FP_MAX_SEEN], m = 0, i;
  for (i = 0; i < t->n_seen; i++)
    if (strcmp(t->seen[i], t->cur) != 0) cands[m++] = i;
  if (!m) snprintf(out, n, "\"none\"");
  else snprintf(out, n, "%s", t->seen[cands[k % m]]);
}

const char *ifm_fp_req_method(ifm_fp_kind k) {
  return k == IFM_FP_READ ? "GET" : k == IFM_FP_DELETE ? "DELETE" : "PUT";
}

void ifm_fp_tag_opaque(const char *t, char *out, size_t n) {
  const char *q;
  size_t len;
  if (t[0] == 'W' && t[1] == '/') t += 2;
  if (*t == '"') t++;
  q = strchr(t, '"');
  len = q ? (size_t)(q - t) : strlen(t);
  if (len >= n) len = n - 1;
  memcpy(out, t, len);
  out[len] = '\0';
}

void ifm_fp_tag_swapcase(char *s) {
  for (; *s; s++) {
    if (*s >= 'a' && *s <= 'z') *s = (char)(*s - 32);
    else if (*s >= 'A' && *s <= 'Z') *s = (char)(*s + 32);
  }
}

/* One list element, made from the tags known now. */
static void element(const ifm_fp_tags *t, const ifm_fp_elem *e, char *out, size_t n) {
  char cur[IFM_FP_TAG_MAX], op[IFM_FP_TAG_MAX];
  ifm_fp_tags_current(t, cur, sizeof cur);
  ifm_fp_tag_opaque(cur, op, sizeof op);
  switch (e->kind) {
  case IFM_FP_EL_CURRENT: snprintf(out, n, "%s", cur); break;
  case IFM_FP_EL_STALE: ifm_fp_tags_stale(t, e->arg, out, n); break;
  case IFM_FP_EL_BOGUS: snprintf(out, n, "\"x%u\"", e->arg); break;
  case IFM_FP_EL_WEAK: snprintf(out, n, "W/\"%.80s\"", op); break;
  case IFM_FP_EL_SWAPCASE:
    ifm_fp_tag_swapcase(op);
    snprintf(out, n, "\"%.80s\"", op);
    break;
  default: snprintf(out, n, "\"a,%.80s,b\"", op); break;
  }
}

/* The precondition field values of one request. */
typedef struct fields {
  char im[IFM_FP_MAX_ELEMS][IFM_FP_TAG_MAX];   /* If-Match field lines */
  size_t im_len[IFM_FP_MAX_ELEMS], n_im;
  int inm_star;                                /* If-None-Match: * */
  char inm[IFM_FP_TAG_MAX];                    /* If-None-Match with a tag ("" none) */
  char ius[40];                                /* If-Unmodified-Since ("" none) */
} fields;

static void one_line(fields *f) {
  f->im_len[0] = strlen(f->im[0]);
  f->n_im = 1;
}

static void cond_fields(const ifm_fp_tags *t, const ifm_fp_op *op, fields *f) {
  if (op->inm == 1) ifm_fp_tags_current(t, f->inm, sizeof f->inm);
  else if (op->inm == 2) ifm_fp_tags_stale(t, op->arg, f->inm, sizeof f->inm);
  if (op->ius) ifm_http_date_format(op->ius == 1 ? FAR_PAST : FAR_FUTURE, f->ius, sizeof f->ius);
  if (op->pre == IFM_FP_PRE_CURRENT) ifm_fp_tags_current(t, f->im[0], sizeof f->im[0]);
  else if (op->pre == IFM_FP_PRE_STALE) ifm_fp_tags_stale(t, op->arg, f->im[0], sizeof f->im[0]);
  else return;
  one_line(f);
}

static void list_fields(const ifm_fp_tags *t, const ifm_fp_op *op, fields *f) {
  char tmp[IFM_FP_TAG_MAX];
  size_t k;
  for (k = 0; k < op->n_elems; k++) {
    element(t, &op->elems[k], tmp, sizeof tmp);
    if (op->lines) {
      snprintf(f->im[k], sizeof f->im[0], "%s", tmp);
      f->im_len[k] = strlen(f->im[k]);
    } else {
      size_t l = strlen(f->im[0]);
      snprintf(f->im[0] + l, sizeof f->im[0] - l, "%s%s", k ? ", " : "", tmp);
    }
  }
  if (op->lines) f->n_im = op->n_elems;
  else one_line(f);
}

static void resolve(const ifm_fp_tags *t, const ifm_fp_op *op, fields *f) {
  memset(f, 0, sizeof *f);
  if (op->kind == IFM_FP_CREATE) f->inm_star = 1;
  if (op->cond) {
    cond_fields(t, op, f);
    return;
  }
  if (op->kind != IFM_FP_WRITE && op->kind != IFM_FP_DELETE) return;
  switch (op->pre) {
  case IFM_FP_PRE_NONE: return;
  case IFM_FP_PRE_CURRENT: ifm_fp_tags_current(t, f->im[0], sizeof f->im[0]); break;
  case IFM_FP_PRE_STALE: ifm_fp_tags_stale(t, op->arg, f->im[0], sizeof f->im[0]); break;
  case IFM_FP_PRE_STAR: snprintf(f->im[0], sizeof f->im[0], "*"); break;
  case IFM_FP_PRE_WEAK: {
    ifm_fp_elem e = {IFM_FP_EL_WEAK, 0};
    element(t, &e, f->im[0], sizeof f->im[0]);
    break;
  }
  case IFM_FP_PRE_RAW:
    memcpy(f->im[0], op->raw, op->raw_len);
    f->im_len[0] = op->raw_len;
    f->n_im = 1;
    return;
  case IFM_FP_PRE_LIST:
    list_fields(t, op, f);
    return;
  }
  one_line(f);
}

int ifm_fp_req_build(const ifm_fp_tags *t, const ifm_fp_op *op, int client, const char *url,
                     const char *body, ifm_exchange *out) {
  fields f;
  size_t k;
  int rc = 0;
  ifm_field **h = &out->req_headers;
  size_t *nh = &out->n_req_headers;

  memset(out, 0, sizeof *out);
  resolve(t, op, &f);
  out->client = client;
  out->method = ifm_strdup(ifm_fp_req_method(op->kind));
  out->url = ifm_strdup(url);
  if (!out->method || !out->url) return -1;
  for (k = 0; k < f.n_im && rc == 0; k++) rc = ifm_field_append(h, nh, "If-Match", f.im[k], f.im_len[k]);
  if (rc == 0 && f.inm_star) rc = ifm_field_append(h, nh, "If-None-Match", "*", 1);
  if (rc == 0 && f.inm[0]) rc = ifm_field_append(h, nh, "If-None-Match", f.inm, strlen(f.inm));
  if (rc == 0 && f.ius[0]) rc = ifm_field_append(h, nh, "If-Unmodified-Since", f.ius, strlen(f.ius));
  if (rc == 0 && body) {
    rc = ifm_field_append(h, nh, "Content-Type", "text/plain", 10);
    out->req_body = ifm_strdup(body);
    if (!out->req_body) return -1;
    out->req_body_len = out->req_body_total = strlen(body);
  }
  return rc;
}
