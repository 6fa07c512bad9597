/* ifm_fp_lang.c: decoding, encoding and printing the stateful fuzzer's
 * programs (see ifm_fp_lang.h for the input format). Everything here is a
 * function of its arguments: the same bytes always make the same program,
 * which is what lets a saved input replay years later. */
#include <string.h>

#include "ifm_fp_lang.h"

typedef struct rd {
  const uint8_t *p;
  size_t n, i;
} rd;

static unsigned rd_byte(rd *r) { return r->i < r->n ? r->p[r->i++] : 0; }

/* The conditional write's extra byte x (p % 8 = 7). */
static void decode_cond_write(rd *r, ifm_fp_op *op) {
  unsigned x = rd_byte(r), m = x & 3, u = (x >> 2) & 3, n = (x >> 4) & 3;
  op->cond = 1;
  op->pre = m == 1 ? IFM_FP_PRE_STALE : m == 2 ? IFM_FP_PRE_NONE : IFM_FP_PRE_CURRENT;
  op->ius = u == 1 || u == 2 ? (int)u : 0;
  op->inm = n == 1 || n == 2 ? (int)n : 0;
  if (op->pre == IFM_FP_PRE_NONE && !op->ius && !op->inm) op->cond = 0;   /* plain none */
}

static void decode_list(rd *r, ifm_fp_op *op) {
  unsigned l = rd_byte(r);
  size_t k;
  op->n_elems = 1 + (l & 3);
  op->lines = (l & 4) != 0;
  for (k = 0; k < op->n_elems; k++) {
    unsigned e = rd_byte(r);
    op->elems[k].kind = (ifm_fp_el)(e % 6);
    op->elems[k].arg = e >> 3;
  }
}

static void decode_raw(rd *r, ifm_fp_op *op) {
  size_t n = rd_byte(r) % (IFM_FP_MAX_RAW + 1), s = 0, e, k;
  char tmp[IFM_FP_MAX_RAW];
  for (k = 0; k < n && r->i < r->n; k++) {
    char ch = (char)rd_byte(r);
    tmp[k] = (ch == '\0' || ch == '\r' || ch == '\n') ? '!' : ch;
  }
  e = k;
  /* libcurl drops a field whose value is all isspace(), and servers trim
   * it: cut SP, HTAB, VT and FF at both ends */
  while (s < e && strchr(" \t\v\f", tmp[s])) s++;
  while (e > s && strchr(" \t\v\f", tmp[e - 1])) e--;
  op->raw_len = e - s;
  memcpy(op->raw, tmp + s, op->raw_len);
  op->raw[op->raw_len] = '\0';
}

void ifm_fp_decode(const uint8_t *data, size_t size, int none_in_model, ifm_fp_prog *p) {
  static const ifm_fp_pre pre_map[8] = {IFM_FP_PRE_CURRENT, IFM_FP_PRE_STALE, IFM_FP_PRE_STAR,
                                        IFM_FP_PRE_WEAK,    IFM_FP_PRE_LIST,  IFM_FP_PRE_RAW,
                                        IFM_FP_PRE_NONE,    IFM_FP_PRE_CURRENT};
  rd r = {data, size, 0};
  int group_clients = 0;   /* bit mask of the current group's clients */

  memset(p, 0, sizeof *p);
  p->clients = 1 + (int)(rd_byte(&r) & 3);
  while (r.i < r.n && p->n_ops < IFM_FP_MAX_OPS) {
    ifm_fp_op *op = &p->ops[p->n_ops];
    unsigned c = rd_byte(&r), kind = (c >> 2) & 7, race = (c >> 5) & 1;
    op->client = (int)(c & 3) % p->clients;
    op->pre = IFM_FP_PRE_NONE;
    switch (kind) {
    case 0: op->kind = IFM_FP_READ; break;
    case 7: {
      unsigned y = rd_byte(&r), m = (y >> 1) & 3;
      op->kind = IFM_FP_READ;
      op->cond = 1;
      op->inm = 1 + (int)(y & 1);
      op->pre = m == 1 ? IFM_FP_PRE_CURRENT : m == 2 ? IFM_FP_PRE_STALE : IFM_FP_PRE_NONE;
      op->arg = y >> 3;
      break;
    }
    case 4: op->kind = IFM_FP_DELETE; break;
    case 5: op->kind = IFM_FP_CREATE; break;
    default: op->kind = IFM_FP_WRITE; break;
    }
    if (op->kind == IFM_FP_WRITE || op->kind == IFM_FP_DELETE) {
      unsigned b = rd_byte(&r), sel = b % 8;
      op->pre = pre_map[sel];
      op->arg = b >> 3;
      if (sel == 7 && op->kind == IFM_FP_WRITE) decode_cond_write(&r, op);
      if (op->kind == IFM_FP_DELETE && (op->pre == IFM_FP_PRE_LIST || op->pre == IFM_FP_PRE_RAW))
        op->pre = IFM_FP_PRE_CURRENT;
      if (op->pre == IFM_FP_PRE_LIST) decode_list(&r, op);
      else if (op->pre == IFM_FP_PRE_RAW) decode_raw(&r, op);
    }
    op->in_model = !op->cond && !(op->pre == IFM_FP_PRE_LIST || op->pre == IFM_FP_PRE_RAW ||
                                  (op->pre == IFM_FP_PRE_NONE && !none_in_model &&
                                   (op->kind == IFM_FP_WRITE || op->kind == IFM_FP_DELETE)));
    if (race && p->n_ops > 0 && op->in_model && p->ops[p->n_ops - 1].in_model &&
        !(group_clients & (1 << op->client))) {
      op->group = p->ops[p->n_ops - 1].group;
      group_clients |= 1 << op->client;
    } else {
      op->group = p->n_groups++;
      group_clients = 1 << op->client;
    }
    p->n_ops++;
  }
}

/* ---- encoding: the decoder's inverse ------------------------------------ */

typedef struct wr {
  uint8_t *p;
  size_t cap, n;
} wr;

static void wr_byte(wr *w, unsigned b) {
  if (w->n < w->cap) w->p[w->n] = (uint8_t)b;
  w->n++;
}

/* An element byte e with e % 6 = kind and e >> 3 = arg: one of the eight
 * bytes arg * 8 .. arg * 8 + 7 has each residue mod 6. */
static unsigned elem_byte(const ifm_fp_elem *e) {
  unsigned b = (e->arg & 31) * 8;
  while (b % 6 != (unsigned)e->kind) b++;
  return b;
}

static void encode_op(wr *w, const ifm_fp_op *op, int race) {
  unsigned kind, arg = (op->arg & 31) << 3;
  size_t k;
  switch (op->kind) {
  case IFM_FP_READ: kind = op->cond ? 7 : 0; break;
  case IFM_FP_DELETE: kind = 4; break;
  case IFM_FP_CREATE: kind = 5; break;
  default: kind = 1; break;
  }
  wr_byte(w, (unsigned)op->client | kind << 2 | (unsigned)race << 5);
  if (op->kind == IFM_FP_READ && op->cond) {
    unsigned m = op->pre == IFM_FP_PRE_CURRENT ? 1 : op->pre == IFM_FP_PRE_STALE ? 2 : 0;
    wr_byte(w, (unsigned)(op->inm - 1) | m << 1 | arg);
    return;
  }
  if (op->kind != IFM_FP_WRITE && op->kind != IFM_FP_DELETE) return;
  if (op->cond) {
    unsigned m = op->pre == IFM_FP_PRE_STALE ? 1 : op->pre == IFM_FP_PRE_NONE ? 2 : 0;
    wr_byte(w, 7 | arg);
    wr_byte(w, m | (unsigned)op->ius << 2 | (unsigned)op->inm << 4);
    return;
  }
  wr_byte(w, (unsigned)op->pre | arg);   /* ifm_fp_pre is in the order of p % 8 */
  if (op->pre == IFM_FP_PRE_LIST) {
    wr_byte(w, (unsigned)(op->n_elems - 1) | (op->lines ? 4u : 0u));
    for (k = 0; k < op->n_elems; k++) wr_byte(w, elem_byte(&op->elems[k]));
  } else if (op->pre == IFM_FP_PRE_RAW) {
    wr_byte(w, (unsigned)op->raw_len);
    for (k = 0; k < op->raw_len; k++) wr_byte(w, (unsigned char)op->raw[k]);
  }
}

size_t ifm_fp_encode(const ifm_fp_prog *p, uint8_t *out, size_t cap) {
  wr w = {out, cap, 0};
  size_t i;
  wr_byte(&w, (unsigned)(p->clients - 1) & 3);
  for (i = 0; i < p->n_ops; i++)
    encode_op(&w, &p->ops[i], i > 0 && p->ops[i].group == p->ops[i - 1].group);
  return w.n;
}

/* ---- the program as text ------------------------------------------------ */

static const char *kind_name(ifm_fp_kind k) {
  switch (k) {
  case IFM_FP_READ: return "read";
  case IFM_FP_WRITE: return "write";
  case IFM_FP_DELETE: return "delete";
  default: return "create";
  }
}

static const char *el_name(ifm_fp_el e) {
  static const char *const n[] = {"current", "stale", "bogus", "weak", "swapcase", "comma"};
  return (unsigned)e < 6 ? n[e] : "?";
}

void ifm_fp_put_bytes(ifm_buf *out, const char *s, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch >= 0x20 && ch < 0x7f && ch != '\\') ifm_buf_putc(out, (char)ch);
    else ifm_buf_printf(out, "\\x%02x", ch);
  }
}

static void format_cond(const ifm_fp_op *op, ifm_buf *out) {
  if (op->pre == IFM_FP_PRE_CURRENT) ifm_buf_puts(out, " If-Match: current");
  else if (op->pre == IFM_FP_PRE_STALE) ifm_buf_printf(out, " If-Match: stale %u", op->arg);
  if (op->ius) ifm_buf_printf(out, " If-Unmodified-Since: %s", op->ius == 1 ? "past" : "future");
  if (op->inm == 1) ifm_buf_puts(out, " If-None-Match: current");
  else if (op->inm == 2) ifm_buf_printf(out, " If-None-Match: stale %u", op->arg);
}

static void format_pre(const ifm_fp_op *op, ifm_buf *out) {
  size_t k;
  switch (op->pre) {
  case IFM_FP_PRE_CURRENT: ifm_buf_puts(out, " If-Match: current"); break;
  case IFM_FP_PRE_STALE: ifm_buf_printf(out, " If-Match: stale %u", op->arg); break;
  case IFM_FP_PRE_STAR: ifm_buf_puts(out, " If-Match: *"); break;
  case IFM_FP_PRE_WEAK: ifm_buf_puts(out, " If-Match: weak current"); break;
  case IFM_FP_PRE_NONE: ifm_buf_puts(out, " (no precondition)"); break;
  case IFM_FP_PRE_RAW:
    ifm_buf_puts(out, " If-Match raw [");
    ifm_fp_put_bytes(out, op->raw, op->raw_len);
    ifm_buf_puts(out, "]");
    break;
  case IFM_FP_PRE_LIST:
    ifm_buf_printf(out, " If-Match list%s [", op->lines ? " (one line each)" : "");
    for (k = 0; k < op->n_elems; k++) {
      ifm_buf_printf(out, "%s%s", k ? ", " : "", el_name(op->elems[k].kind));
      if (op->elems[k].kind == IFM_FP_EL_STALE || op->elems[k].kind == IFM_FP_EL_BOGUS)
        ifm_buf_printf(out, " %u", op->elems[k].arg);
    }
    ifm_buf_puts(out, "]");
    break;
  }
}

void ifm_fp_format(const ifm_fp_prog *p, ifm_buf *out) {
  size_t i;
  ifm_buf_printf(out, "program: %d client(s), %zu op(s), %d group(s)\n", p->clients, p->n_ops,
                 p->n_groups);
  for (i = 0; i < p->n_ops; i++) {
    const ifm_fp_op *op = &p->ops[i];
    int racing = (i > 0 && p->ops[i - 1].group == op->group) ||
                 (i + 1 < p->n_ops && p->ops[i + 1].group == op->group);
    ifm_buf_printf(out, "  op %zu: group %d%s client %d %s", i, op->group, racing ? " (race)" : "",
                   op->client, kind_name(op->kind));
    if (op->kind == IFM_FP_CREATE) ifm_buf_puts(out, " If-None-Match: *");
    if (op->cond) format_cond(op, out);
    else if (op->kind == IFM_FP_WRITE || op->kind == IFM_FP_DELETE) format_pre(op, out);
    ifm_buf_puts(out, op->in_model ? "\n" : "  [sequential oracle]\n");
  }
}
