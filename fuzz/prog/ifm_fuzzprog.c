/* ifm_fuzzprog.c: decoding, running and judging the stateful fuzzer's
 * programs (see ifm_fuzzprog.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ifm_etag.h"
#include "ifm_exec.h"
#include "ifm_fuzzprog.h"
#include "ifm_linear.h"
#include "ifm_precond.h"

/* ---- decoding ----------------------------------------------------------- */

typedef struct rd {
  const uint8_t *p;
  size_t n, i;
} rd;

static unsigned rd_byte(rd *r) { return r->i < r->n ? r->p[r->i++] : 0; }

void ifm_fp_decode(const uint8_t *data, size_t size, int none_in_model, ifm_fp_prog *p) {
  rd r = {data, size, 0};
  size_t k;
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
      static const ifm_fp_pre map[8] = {IFM_FP_PRE_CURRENT, IFM_FP_PRE_STALE, IFM_FP_PRE_STAR,
                                        IFM_FP_PRE_WEAK, IFM_FP_PRE_LIST, IFM_FP_PRE_RAW,
                                        IFM_FP_PRE_NONE, IFM_FP_PRE_CURRENT};
      op->pre = map[sel];
      op->arg = b >> 3;
      if (sel == 7 && op->kind == IFM_FP_WRITE) {
        unsigned x = rd_byte(&r), m = x & 3, u = (x >> 2) & 3, n = (x >> 4) & 3;
        op->cond = 1;
        op->pre = m == 1 ? IFM_FP_PRE_STALE : m == 2 ? IFM_FP_PRE_NONE : IFM_FP_PRE_CURRENT;
        op->ius = u == 1 || u == 2 ? (int)u : 0;
        op->inm = n == 1 || n == 2 ? (int)n : 0;
        if (op->pre == IFM_FP_PRE_NONE && !op->ius && !op->inm) op->cond = 0;   /* plain none */
      }
      if (op->kind == IFM_FP_DELETE && (op->pre == IFM_FP_PRE_LIST || op->pre == IFM_FP_PRE_RAW))
        op->pre = IFM_FP_PRE_CURRENT;
      if (op->pre == IFM_FP_PRE_LIST) {
        unsigned l = rd_byte(&r);
        op->n_elems = 1 + (l & 3);
        op->lines = (l & 4) != 0;
        for (k = 0; k < op->n_elems; k++) {
          unsigned e = rd_byte(&r);
          op->elems[k].kind = (ifm_fp_el)(e % 6);
          op->elems[k].arg = e >> 3;
        }
      } else if (op->pre == IFM_FP_PRE_RAW) {
        size_t n = rd_byte(&r) % (IFM_FP_MAX_RAW + 1), s = 0, e;
        char tmp[IFM_FP_MAX_RAW];
        for (k = 0; k < n && r.i < r.n; k++) {
          char ch = (char)rd_byte(&r);
          tmp[k] = (ch == '\0' || ch == '\r' || ch == '\n') ? '!' : ch;
        }
        e = k;
        /* libcurl drops a field whose value is all isspace(), and servers
         * trim it: cut SP, HTAB, VT and FF at both ends */
        while (s < e && strchr(" \t\v\f", tmp[s])) s++;
        while (e > s && strchr(" \t\v\f", tmp[e - 1])) e--;
        op->raw_len = e - s;
        memcpy(op->raw, tmp + s, op->raw_len);
        op->raw[op->raw_len] = '\0';
      }
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

static void put_bytes(ifm_buf *out, const char *s, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch >= 0x20 && ch < 0x7f && ch != '\\') ifm_buf_putc(out, (char)ch);
    else ifm_buf_printf(out, "\\x%02x", ch);
  }
}

void ifm_fp_format(const ifm_fp_prog *p, ifm_buf *out) {
  size_t i, k;
  ifm_buf_printf(out, "program: %d client(s), %zu op(s), %d group(s)\n", p->clients, p->n_ops,
                 p->n_groups);
  for (i = 0; i < p->n_ops; i++) {
    const ifm_fp_op *op = &p->ops[i];
    int racing = (i > 0 && p->ops[i - 1].group == op->group) ||
                 (i + 1 < p->n_ops && p->ops[i + 1].group == op->group);
    ifm_buf_printf(out, "  op %zu: group %d%s client %d %s", i, op->group, racing ? " (race)" : "",
                   op->client, kind_name(op->kind));
    if (op->kind == IFM_FP_CREATE) ifm_buf_puts(out, " If-None-Match: *");
    if (op->cond) {
      if (op->pre == IFM_FP_PRE_CURRENT) ifm_buf_puts(out, " If-Match: current");
      else if (op->pre == IFM_FP_PRE_STALE) ifm_buf_printf(out, " If-Match: stale %u", op->arg);
      if (op->ius) ifm_buf_printf(out, " If-Unmodified-Since: %s", op->ius == 1 ? "past" : "future");
      if (op->inm == 1) ifm_buf_puts(out, " If-None-Match: current");
      else if (op->inm == 2) ifm_buf_printf(out, " If-None-Match: stale %u", op->arg);
    } else if (op->kind == IFM_FP_WRITE || op->kind == IFM_FP_DELETE) {
      switch (op->pre) {
      case IFM_FP_PRE_CURRENT: ifm_buf_puts(out, " If-Match: current"); break;
      case IFM_FP_PRE_STALE: ifm_buf_printf(out, " If-Match: stale %u", op->arg); break;
      case IFM_FP_PRE_STAR: ifm_buf_puts(out, " If-Match: *"); break;
      case IFM_FP_PRE_WEAK: ifm_buf_puts(out, " If-Match: weak current"); break;
      case IFM_FP_PRE_NONE: ifm_buf_puts(out, " (no precondition)"); break;
      case IFM_FP_PRE_RAW:
        ifm_buf_puts(out, " If-Match raw [");
        put_bytes(out, op->raw, op->raw_len);
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
    ifm_buf_puts(out, op->in_model ? "\n" : "  [sequential oracle]\n");
  }
}

/* ---- context ------------------------------------------------------------ */

struct ifm_fp_ctx {
  ifm_exec *exec;
  ifm_server *srv;
  char base[512];
  ifm_server_profile profile;
  unsigned flaws;
  unsigned long long counter;
  char desc[512];
};

ifm_fp_ctx *ifm_fp_ctx_new(const char *base_url, ifm_server_profile profile, unsigned flaws,
                           char *err, size_t errlen) {
  ifm_fp_ctx *c = calloc(1, sizeof *c);
  unsigned i;
  size_t n;
  if (!c) return snprintf(err, errlen, "out of memory"), NULL;
  c->profile = profile;
  c->flaws = flaws;
  c->exec = ifm_exec_new();
  if (!c->exec) {
    snprintf(err, errlen, "libcurl multi init failed");
    free(c);
    return NULL;
  }
  if (base_url) {
    snprintf(c->base, sizeof c->base, "%s", base_url);
    n = strlen(c->base);
    while (n && c->base[n - 1] == '/') c->base[--n] = '\0';
    snprintf(c->desc, sizeof c->desc, "%s (profile %s)", c->base, ifm_server_profile_name(profile));
  } else {
    ifm_server_opts o;
    ifm_server_opts_init(&o);
    o.profile = profile;
    o.flaws = flaws;
    o.max_resources = (size_t)1 << 26;
    c->srv = ifm_server_start(&o, err, errlen);
    if (!c->srv) {
      ifm_exec_free(c->exec);
      free(c);
      return NULL;
    }
    snprintf(c->base, sizeof c->base, "http://127.0.0.1:%u/fuzz", (unsigned)ifm_server_port(c->srv));
    n = (size_t)snprintf(c->desc, sizeof c->desc, "reference server, profile %s, flaws",
                         ifm_server_profile_name(profile));
    for (i = 0; i < IFM_FLAW_COUNT && n < sizeof c->desc; i++)
      if (flaws & (1u << i)) n += (size_t)snprintf(c->desc + n, sizeof c->desc - n, " %s", ifm_flaw_name(i));
    if (!flaws && n < sizeof c->desc) snprintf(c->desc + n, sizeof c->desc - n, " none");
  }
  return c;
}

ifm_fp_ctx *ifm_fp_ctx_from_env(char *err, size_t errlen) {
  const char *url = getenv("IFM_FUZZ_URL"), *prof = getenv("IFM_FUZZ_PROFILE");
  const char *fl = getenv("IFM_FUZZ_FLAWS");
  ifm_server_profile p = IFM_PROFILE_RFC9110;
  unsigned flaws = 0;
  if (url && !*url) url = NULL;
  if (prof && *prof && ifm_server_profile_parse(prof, &p) != 0) {
    snprintf(err, errlen, "IFM_FUZZ_PROFILE: unknown profile '%s' (rfc9110, rfc9110-428, cpp)", prof);
    return NULL;
  }
  if (fl && *fl) {
    char buf[512], *save = NULL, *tok;
    snprintf(buf, sizeof buf, "%s", fl);
    for (tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
      unsigned f = ifm_flaw_parse(tok);
      if (!f) {
        snprintf(err, errlen, "IFM_FUZZ_FLAWS: unknown flaw '%s' (ifmatch serve --flaw list)", tok);
        return NULL;
      }
      flaws |= f;
    }
  }
  return ifm_fp_ctx_new(url, p, flaws, err, errlen);
}

void ifm_fp_ctx_free(ifm_fp_ctx *c) {
  if (!c) return;
  ifm_exec_free(c->exec);
  ifm_server_stop(c->srv);
  free(c);
}

ifm_server_profile ifm_fp_ctx_profile(const ifm_fp_ctx *c) { return c->profile; }
const char *ifm_fp_ctx_describe(const ifm_fp_ctx *c) { return c->desc; }

void ifm_fp_verdict_init(ifm_fp_verdict *v) {
  memset(v, 0, sizeof *v);
}

void ifm_fp_verdict_clear(ifm_fp_verdict *v) {
  ifm_buf_free(&v->why);
  ifm_buf_free(&v->log);
  ifm_fp_verdict_init(v);
}

/* ---- running ------------------------------------------------------------ */

#define MAX_SEEN 16

typedef struct run {
  ifm_fp_ctx *c;
  const ifm_fp_prog *p;
  ifm_fp_verdict *v;
  char url[700];
  char seen[MAX_SEEN][96];   /* distinct ETags seen, oldest first */
  size_t n_seen;
  char cur[96];              /* the last ETag seen ("" none) */
  ifm_lin_op lin[IFM_FP_MAX_RECS];
  size_t lin_rec[IFM_FP_MAX_RECS];   /* lin[i] is recs[lin_rec[i]] */
  size_t n_lin, epoch0;
  ifm_lin_init init;
  char init_etag[96];
  int last_read;             /* rec of the sequential read just before, or -1 */
  unsigned long long id;
} run;

static void see_tag(run *r, const char *t) {
  size_t i;
  if (!*t) return;
  snprintf(r->cur, sizeof r->cur, "%s", t);
  for (i = 0; i < r->n_seen; i++)
    if (strcmp(r->seen[i], t) == 0) return;
  if (r->n_seen == MAX_SEEN) {
    memmove(r->seen[0], r->seen[1], sizeof r->seen[0] * (MAX_SEEN - 1));
    r->n_seen--;
  }
  snprintf(r->seen[r->n_seen++], sizeof r->seen[0], "%s", t);
}

static void cur_or_none(const run *r, char *out, size_t n) {
  snprintf(out, n, "%s", r->cur[0] ? r->cur : "\"none\"");
}

static void stale_tag(const run *r, unsigned k, char *out, size_t n) {
  size_t cands[MAX_SEEN], m = 0, i;
  for (i = 0; i < r->n_seen; i++)
    if (strcmp(r->seen[i], r->cur) != 0) cands[m++] = i;
  if (!m) snprintf(out, n, "\"none\"");
  else snprintf(out, n, "%s", r->seen[cands[k % m]]);
}

/* The opaque part of t (between the quotes; t itself when it has none). */
static void opaque_of(const char *t, char *out, size_t n) {
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

static void element(const run *r, const ifm_fp_elem *e, char *out, size_t n) {
  char cur[96], op[96];
  size_t i;
  cur_or_none(r, cur, sizeof cur);
  opaque_of(cur, op, sizeof op);
  switch (e->kind) {
  case IFM_FP_EL_CURRENT: snprintf(out, n, "%s", cur); break;
  case IFM_FP_EL_STALE: stale_tag(r, e->arg, out, n); break;
  case IFM_FP_EL_BOGUS: snprintf(out, n, "\"x%u\"", e->arg); break;
  case IFM_FP_EL_WEAK: snprintf(out, n, "W/\"%.80s\"", op); break;
  case IFM_FP_EL_SWAPCASE:
    for (i = 0; op[i]; i++) {
      if (op[i] >= 'a' && op[i] <= 'z') op[i] = (char)(op[i] - 32);
      else if (op[i] >= 'A' && op[i] <= 'Z') op[i] = (char)(op[i] + 32);
    }
    snprintf(out, n, "\"%.80s\"", op);
    break;
  default: snprintf(out, n, "\"a,%.80s,b\"", op); break;
  }
}

/* Fills rec's If-Match lines for op from the current knowledge. */
static void resolve(const run *r, const ifm_fp_op *op, ifm_fp_rec *rec) {
  char tmp[96];
  size_t k;
  rec->n_im = 0;
  if (op->kind == IFM_FP_CREATE) rec->inm_star = 1;
  if (op->cond) {
    if (op->inm == 1) cur_or_none(r, rec->inm, sizeof rec->inm);
    else if (op->inm == 2) stale_tag(r, op->arg, rec->inm, sizeof rec->inm);
    if (op->ius) ifm_http_date_format(op->ius == 1 ? (time_t)784111777 : (time_t)4102444799, rec->ius,
                                      sizeof rec->ius);
    if (op->pre == IFM_FP_PRE_CURRENT) cur_or_none(r, rec->if_match[0], sizeof rec->if_match[0]);
    else if (op->pre == IFM_FP_PRE_STALE) stale_tag(r, op->arg, rec->if_match[0], sizeof rec->if_match[0]);
    else return;
    rec->im_len[0] = strlen(rec->if_match[0]);
    rec->n_im = 1;
    return;
  }
  if (op->kind != IFM_FP_WRITE && op->kind != IFM_FP_DELETE) return;
  switch (op->pre) {
  case IFM_FP_PRE_NONE: return;
  case IFM_FP_PRE_CURRENT: cur_or_none(r, rec->if_match[0], sizeof rec->if_match[0]); break;
  case IFM_FP_PRE_STALE: stale_tag(r, op->arg, rec->if_match[0], sizeof rec->if_match[0]); break;
  case IFM_FP_PRE_STAR: snprintf(rec->if_match[0], sizeof rec->if_match[0], "*"); break;
  case IFM_FP_PRE_WEAK: {
    ifm_fp_elem e = {IFM_FP_EL_WEAK, 0};
    element(r, &e, rec->if_match[0], sizeof rec->if_match[0]);
    break;
  }
  case IFM_FP_PRE_RAW:
    memcpy(rec->if_match[0], op->raw, op->raw_len);
    rec->if_match[0][op->raw_len] = '\0';
    rec->im_len[0] = op->raw_len;
    rec->n_im = 1;
    return;
  case IFM_FP_PRE_LIST:
    rec->if_match[0][0] = '\0';
    for (k = 0; k < op->n_elems; k++) {
      element(r, &op->elems[k], tmp, sizeof tmp);
      if (op->lines) {
        snprintf(rec->if_match[k], sizeof rec->if_match[0], "%s", tmp);
        rec->im_len[k] = strlen(rec->if_match[k]);
      } else {
        size_t l = strlen(rec->if_match[0]);
        snprintf(rec->if_match[0] + l, sizeof rec->if_match[0] - l, "%s%s", k ? ", " : "", tmp);
      }
    }
    if (op->lines) {
      rec->n_im = op->n_elems;
    } else {
      rec->im_len[0] = strlen(rec->if_match[0]);
      rec->n_im = 1;
    }
    return;
  }
  rec->im_len[0] = strlen(rec->if_match[0]);
  rec->n_im = 1;
}

static ifm_fp_rec *new_rec(run *r, int opi, int client, int group, const char *method) {
  ifm_fp_rec *rec;
  if (r->v->n_recs >= IFM_FP_MAX_RECS) return NULL;
  rec = &r->v->recs[r->v->n_recs++];
  memset(rec, 0, sizeof *rec);
  rec->op = opi;
  rec->client = client;
  rec->group = group;
  rec->method = method;
  return rec;
}

static void done_cb(ifm_xfer *x, void *ctx) {
  ifm_fp_rec *rec = ctx;
  const ifm_exchange *resp = ifm_xfer_exchange(x);
  const ifm_field *et = ifm_exchange_resp_header(resp, "ETag");
  size_t n;
  rec->t0 = resp->t_start;
  rec->t1 = resp->t_done;
  rec->status = resp->error ? 0 : resp->status;
  if (et) {
    rec->has_etag = 1;
    snprintf(rec->etag, sizeof rec->etag, "%.*s", (int)(et->value_len < 95 ? et->value_len : 95),
             et->value);
  }
  rec->resp_hash = ifm_hash64(resp->resp_body ? resp->resp_body : "", resp->resp_body_len);
  n = resp->resp_body_len < sizeof rec->resp_body - 1 ? resp->resp_body_len : sizeof rec->resp_body - 1;
  if (n) memcpy(rec->resp_body, resp->resp_body, n);
  rec->resp_body[n] = '\0';
}

/* Sends the recs[first .. first+n) at once (with last-byte release when
 * more than one has a body) and waits for all of them. */
static int exec_recs(run *r, size_t first, size_t n) {
  ifm_hold_group hold;
  ifm_xfer_opts o;
  size_t i, bodies = 0;
  memset(&hold, 0, sizeof hold);
  memset(&o, 0, sizeof o);
  o.timeout_s = 10;
  for (i = 0; i < n; i++) bodies += r->v->recs[first + i].body[0] != '\0';
  if (n > 1 && bodies > 1) {
    hold.members = bodies;
  }
  for (i = 0; i < n; i++) {
    ifm_fp_rec *rec = &r->v->recs[first + i];
    ifm_xfer *x;
    size_t k;
    o.hold = (hold.members && rec->body[0]) ? &hold : NULL;
    x = ifm_xfer_new(rec->method, r->url, &o);
    if (!x) return -1;
    for (k = 0; k < rec->n_im; k++) ifm_xfer_add_header(x, "If-Match", rec->if_match[k], rec->im_len[k]);
    if (rec->inm_star) ifm_xfer_add_header(x, "If-None-Match", "*", 1);
    if (rec->inm[0]) ifm_xfer_add_header(x, "If-None-Match", rec->inm, strlen(rec->inm));
    if (rec->ius[0]) ifm_xfer_add_header(x, "If-Unmodified-Since", rec->ius, strlen(rec->ius));
    if (rec->body[0]) {
      ifm_xfer_add_header(x, "Content-Type", "text/plain", 10);
      ifm_xfer_set_body(x, rec->body, strlen(rec->body));
    }
    if (ifm_exec_add(r->c->exec, x, done_cb, rec) != 0) {
      ifm_xfer_free(x);
      return -1;
    }
  }
  ifm_exec_run(r->c->exec, NULL, ifm_now_ms() + 30000);
  return 0;
}

static void add_lin(run *r, size_t ri) {
  ifm_fp_rec *rec = &r->v->recs[ri];
  ifm_lin_op *op = &r->lin[r->n_lin];
  memset(op, 0, sizeof *op);
  r->lin_rec[r->n_lin++] = ri;
  op->client = rec->client;
  if (strcmp(rec->method, "GET") == 0) op->kind = IFM_LIN_READ;
  else if (strcmp(rec->method, "PUT") == 0) op->kind = IFM_LIN_WRITE;
  else op->kind = IFM_LIN_DELETE;
  if (rec->inm_star) {
    op->pre = IFM_LIN_PRE_NONE_MATCH_STAR;
  } else if (rec->n_im == 1 && strcmp(rec->if_match[0], "*") == 0) {
    op->pre = IFM_LIN_PRE_STAR;
  } else if (rec->n_im == 1) {
    op->pre = IFM_LIN_PRE_MATCH;
    op->tag = rec->if_match[0];
    op->tag_len = rec->im_len[0];
  }
  if (rec->body[0]) op->body = ifm_hash64(rec->body, strlen(rec->body));
  op->status = rec->status;
  if (rec->has_etag) {
    op->etag = rec->etag;
    op->etag_len = strlen(rec->etag);
  }
  op->resp_body = rec->resp_hash;
  op->invoke_ms = rec->t0;
  op->complete_ms = rec->status ? rec->t1 : -1;
}

static void violation(run *r, const char *req, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void violation(run *r, const char *req, const char *fmt, ...) {
  va_list ap;
  if (r->v->violated) return;
  r->v->violated = 1;
  r->v->requirement = req;
  va_start(ap, fmt);
  ifm_buf_vprintf(&r->v->why, fmt, ap);
  va_end(ap);
}

/* An added read (client -1): recs index, or -1. */
static int added_read(run *r) {
  ifm_fp_rec *rec = new_rec(r, -1, -1, -1, "GET");
  if (!rec) return -1;
  if (exec_recs(r, r->v->n_recs - 1, 1) != 0) return -1;
  return (int)(r->v->n_recs - 1);
}

static const ifm_fp_op *op_of(const run *r, const ifm_fp_rec *rec) {
  return rec->op >= 0 ? &r->p->ops[rec->op] : NULL;
}

/* The requirement a non-linearizable history most likely breaks. */
static const char *lin_requirement(const run *r, const ifm_lin_result *res) {
  size_t i;
  const char *best = NULL;
  for (i = 0; i < res->n_culprits; i++) {
    size_t li = res->culprits[i];
    const ifm_fp_rec *rec;
    const ifm_fp_op *op;
    if (li >= r->n_lin - r->epoch0) continue;
    rec = &r->v->recs[r->lin_rec[r->epoch0 + li]];
    op = op_of(r, rec);
    if (rec->racing && op) {
      if (op->kind == IFM_FP_CREATE) return "IM-RACE-CREATE";
      if (op->pre == IFM_FP_PRE_STAR) return "IM-RACE-STAR-LWW";
      if (op->kind != IFM_FP_READ) return "IM-RACE-ONE-WINNER";
    }
  }
  if (!res->etag_functional) return "IM-ETAG-FUNCTIONAL";
  for (i = res->n_culprits; i-- > 0;) {
    size_t li = res->culprits[i];
    const ifm_fp_rec *rec;
    const ifm_fp_op *op;
    int ok;
    if (li >= r->n_lin - r->epoch0) continue;
    rec = &r->v->recs[r->lin_rec[r->epoch0 + li]];
    op = op_of(r, rec);
    if (!op || op->kind == IFM_FP_READ) continue;
    ok = rec->status / 100 == 2;
    if (op->kind == IFM_FP_CREATE) return "IM-PREC-INM";
    if (op->kind == IFM_FP_DELETE && rec->status == 412 && op->pre != IFM_FP_PRE_STALE) {
      /* missing before it (the last read said 404)? then 404 was due */
      size_t qi = (size_t)(rec - r->v->recs);
      while (qi-- > 0)
        if (strcmp(r->v->recs[qi].method, "GET") == 0 && !r->v->recs[qi].racing) break;
      if (qi != (size_t)-1 && r->v->recs[qi].status == 404) return "IM-ABSENT-OTHER";
    }
    switch (op->pre) {
    case IFM_FP_PRE_WEAK: return "IM-WEAK-NEVER";
    case IFM_FP_PRE_STAR: return ok ? "IM-ABSENT-PUT" : "IM-STAR-EXISTS";
    case IFM_FP_PRE_STALE: return "IM-STALE-412";
    case IFM_FP_PRE_CURRENT: return ok ? "IM-STALE-412" : "IM-MATCH-OK";
    case IFM_FP_PRE_NONE: best = "IM-MISSING-POLICY"; break;
    default: break;
    }
  }
  return best ? best : "IM-ETAG-ROTATES";
}

/* Checks the epoch's history. */
static int check_epoch(run *r) {
  ifm_lin_opts lo;
  ifm_lin_result res;
  size_t n = r->n_lin - r->epoch0;
  if (n == 0 || r->v->violated) return 0;
  memset(&lo, 0, sizeof lo);
  memset(&res, 0, sizeof res);
  lo.star_creates = r->c->profile == IFM_PROFILE_CPP;
  lo.max_ms = 5000;
  lo.explain_ms = 200;
  if (ifm_lin_check(&r->init, r->lin + r->epoch0, n, &lo, &res) != 0 && res.linearizable != -1) {
    ifm_lin_result_clear(&res);
    return -1;
  }
  if (res.linearizable == 0) {
    violation(r, lin_requirement(r, &res), "not linearizable (ops of epoch from record %zu):\n%s",
              r->lin_rec[r->epoch0], res.explanation ? res.explanation : "");
  } else if (!res.etag_functional) {
    violation(r, "IM-ETAG-FUNCTIONAL", "one ETag, two bodies:\n%s",
              res.etag_explanation ? res.etag_explanation : "");
  }
  ifm_lin_result_clear(&res);
  return 0;
}

static void init_from(run *r, const ifm_fp_rec *rd_rec) {
  memset(&r->init, 0, sizeof r->init);
  r->init.exists = rd_rec->status == 200;
  if (r->init.exists && rd_rec->has_etag) {
    snprintf(r->init_etag, sizeof r->init_etag, "%s", rd_rec->etag);
    r->init.etag = r->init_etag;
    r->init.etag_len = strlen(r->init_etag);
  }
  r->init.body = rd_rec->resp_hash;
  r->epoch0 = r->n_lin;
}

/* The conditional forms: RFC 9110 13.2.1 / 13.2.2 via core's
 * ifm_precond_evaluate on the state the read before showed (the resource's
 * modification date lies between the far past and the far future). Returns
 * 0 (perform: 200 / 201 / 200-204) or the status due. */
static int cond_expect(run *r, const ifm_fp_op *op, const ifm_fp_rec *rec, int exists,
                       const ifm_etag *cur, const char **req) {
  ifm_list im, inm;
  ifm_perr pe;
  ifm_precond_req q;
  ifm_precond_rep rep;
  int res;
  *req = op->inm && rec->n_im ? "IM-ORDER-CHECKS"
         : op->ius && rec->n_im ? "IM-ORDER-CHECKS"
         : op->inm              ? "IM-PREC-INM"
         : op->ius              ? "IM-PREC-IUS"
                                : "IM-MATCH-OK";
  if (op->kind == IFM_FP_READ && !exists) return 404;          /* 13.2.1 */
  if (op->kind != IFM_FP_READ && !rec->n_im && !rec->inm[0] && r->c->profile != IFM_PROFILE_RFC9110) {
    *req = "IM-MISSING-POLICY";
    return r->c->profile == IFM_PROFILE_RFC9110_428 ? 428 : 400;
  }
  ifm_list_init(&im);
  ifm_list_init(&inm);
  if (rec->n_im) ifm_list_add_line(&im, rec->if_match[0], rec->im_len[0], &pe);
  if (rec->inm[0]) ifm_list_add_line(&inm, rec->inm, strlen(rec->inm), &pe);
  memset(&q, 0, sizeof q);
  memset(&rep, 0, sizeof rep);
  q.is_get_or_head = op->kind == IFM_FP_READ;
  q.if_match = rec->n_im ? &im : NULL;
  q.if_none_match = rec->inm[0] ? &inm : NULL;
  q.has_if_unmodified_since = op->ius != 0;
  q.if_unmodified_since = op->ius == 1 ? (time_t)784111777 : (time_t)4102444799;
  rep.exists = exists;
  rep.etag = exists ? cur : NULL;
  rep.has_last_modified = exists;
  rep.last_modified = time(NULL);
  res = (int)ifm_precond_evaluate(&q, &rep);
  ifm_list_free(&im);
  ifm_list_free(&inm);
  return res == IFM_PRECOND_PROCEED ? 0 : res;
}

/* Sequential oracle: an operation outside the checker's model, judged
 * against the state the read before (bef) showed. */
static int run_sequential(run *r, size_t opi) {
  const ifm_fp_op *op = &r->p->ops[opi];
  const ifm_fp_rec *bef;
  ifm_fp_rec *rec, *aft;
  int bi, ai, exists, expect_ok = 0, malformed = 0, want = 0, is_get = op->kind == IFM_FP_READ;
  const char *req = "IM-MATCH-OK";
  size_t ri, k;
  ifm_etag cur;
  int has_cur = 0;

  bi = r->last_read;
  if (bi < 0 && (bi = added_read(r)) < 0) return -1;
  if (r->last_read < 0) add_lin(r, (size_t)bi);
  if (check_epoch(r) != 0) return -1;
  if (r->v->violated) return 0;
  bef = &r->v->recs[bi];
  if (bef->status != 200 && bef->status != 404) {
    violation(r, "IM-METHODS", "a read answered %d", bef->status);
    return 0;
  }
  if (bef->has_etag) see_tag(r, bef->etag);
  exists = bef->status == 200;
  if (bef->has_etag && ifm_etag_parse(bef->etag, strlen(bef->etag), &cur, NULL) == 0) has_cur = 1;

  rec = new_rec(r, (int)opi, op->client, op->group,
                op->kind == IFM_FP_READ ? "GET" : op->kind == IFM_FP_DELETE ? "DELETE" : "PUT");
  if (!rec) return -1;
  ri = r->v->n_recs - 1;
  resolve(r, op, rec);
  if (op->kind == IFM_FP_WRITE || op->kind == IFM_FP_CREATE)
    snprintf(rec->body, sizeof rec->body, "b%llu-%zu", r->id, opi);

  if (op->cond) {
    want = cond_expect(r, op, rec, exists, has_cur ? &cur : NULL, &req);
    expect_ok = want == 0;
  } else if (op->pre == IFM_FP_PRE_NONE) {
    want = r->c->profile == IFM_PROFILE_RFC9110_428 ? 428 : 400;
    req = "IM-MISSING-POLICY";
  } else {
    ifm_list l;
    ifm_perr pe;
    int pass;
    ifm_list_init(&l);
    size_t n_first = 0;
    for (k = 0; k < rec->n_im; k++) {
      if (ifm_list_add_line(&l, rec->if_match[k], rec->im_len[k], &pe) != 0) malformed = 1;
      if (k == 0) n_first = l.n;
    }
    if (malformed) {
      want = 400;
      req = "IM-MALFORMED";
    } else {
      size_t i, match_at = (size_t)-1;
      int weak = 0, comma = 0, casey = 0;
      if (l.star) pass = r->c->profile == IFM_PROFILE_CPP || exists;
      else pass = ifm_list_if_match(&l, exists, has_cur ? &cur : NULL);
      for (i = 0; i < l.n; i++) {
        const ifm_etag *t = &l.tags[i];
        if (has_cur && exists && match_at == (size_t)-1 && ifm_etag_strong_eq(t, &cur)) match_at = i;
        if (!has_cur) continue;
        /* the relaxed comparisons a flawed server might make */
        weak |= t->len == cur.len && memcmp(t->opaque, cur.opaque, cur.len) == 0 && (t->weak || cur.weak);
        casey |= t->len == cur.len && memcmp(t->opaque, cur.opaque, cur.len) != 0 &&
                 strncasecmp(t->opaque, cur.opaque, cur.len) == 0;
        comma |= t->len > cur.len && memchr(t->opaque, ',', t->len) != NULL;
      }
      if (pass) {
        if (rec->n_im > 1 && match_at != (size_t)-1 && match_at >= n_first) req = "IM-LIST-LINES";
        else if (match_at != (size_t)-1 && match_at > 0) req = "IM-LIST-ANY";
        else if (l.star) req = "IM-STAR-EXISTS";
        else req = "IM-MATCH-OK";
      } else if (weak + casey + comma > 1) {
        snprintf(r->v->req_buf, sizeof r->v->req_buf, "%s%s%s", weak ? "IM-WEAK-NEVER " : "",
                 casey ? "IM-CASE " : "", comma ? "IM-COMMA-IN-TAG " : "");
        r->v->req_buf[strlen(r->v->req_buf) - 1] = '\0';
        for (i = 0; r->v->req_buf[i]; i++)
          if (r->v->req_buf[i] == ' ') r->v->req_buf[i] = '/';
        req = r->v->req_buf;
      } else if (weak) req = "IM-WEAK-NEVER";
      else if (casey) req = "IM-CASE";
      else if (comma) req = "IM-COMMA-IN-TAG";
      else if (l.star) req = "IM-ABSENT-PUT";
      else if (rec->n_im == 1 && rec->im_len[0] == 0) req = "IM-EMPTY-VALUE";
      else if (l.n > 1) req = "IM-LIST-ANY";
      else req = "IM-STALE-412";
      expect_ok = pass;
      want = pass ? 0 : 412;
    }
    ifm_list_free(&l);
  }
  if (expect_ok && is_get) snprintf(rec->expect, sizeof rec->expect, "200");
  else if (expect_ok) snprintf(rec->expect, sizeof rec->expect, "%s", exists ? "[200, 204]" : "201");
  else snprintf(rec->expect, sizeof rec->expect, "%d", want);

  if (exec_recs(r, ri, 1) != 0) return -1;
  rec = &r->v->recs[ri];
  if (rec->status == 0) {
    violation(r, req, "no response to op %zu", opi);
    return 0;
  }
  if (rec->status >= 500) {
    violation(r, req, "op %zu answered %d: a server error is never a precondition's answer (%s)", opi,
              rec->status, malformed ? "malformed If-Match must be 400" : "expected ...");
    return 0;
  }
  if (expect_ok && is_get) {
    if (rec->status != 200)
      violation(r, req, "op %zu answered %d; the preconditions hold, so the read must answer 200", opi,
                rec->status);
  } else if (expect_ok) {
    int good = exists ? (rec->status == 200 || rec->status == 204) : rec->status == 201;
    if (rec->status / 100 == 2 && !good)
      violation(r, "IM-METHODS", "op %zu answered %d; RFC 9110 9.3.4: a PUT that %s must answer %s",
                opi, rec->status, exists ? "replaces" : "creates", exists ? "200 or 204" : "201");
    else if (!good)
      violation(r, req, "op %zu answered %d; the precondition holds, so the write must succeed (%s)",
                opi, rec->status, rec->expect);
  } else if (rec->status != want) {
    violation(r, req, "op %zu answered %d; expected %d%s", opi, rec->status, want,
              rec->status / 100 == 2 ? " (and no change)" : "");
  }
  if (rec->status / 100 == 2 && rec->has_etag) see_tag(r, rec->etag);
  if ((ai = added_read(r)) < 0) return -1;
  aft = &r->v->recs[ai];
  bef = &r->v->recs[bi];
  rec = &r->v->recs[ri];
  if (!r->v->violated) {
    if (aft->status != 200 && aft->status != 404) {
      violation(r, "IM-METHODS", "the read after op %zu answered %d", opi, aft->status);
    } else if (is_get || rec->status / 100 != 2) {
      if (aft->status != bef->status || strcmp(aft->etag, bef->etag) != 0 || aft->resp_hash != bef->resp_hash)
        violation(r, req, "op %zu %s (%d) but the resource changed: before %d %s, after %d %s",
                  opi, is_get ? "was a read" : "was refused", rec->status, bef->status, bef->etag, aft->status, aft->etag);
    } else if (op->kind == IFM_FP_DELETE ? aft->status != 404
               : (aft->status != 200 || aft->resp_hash != ifm_hash64(rec->body, strlen(rec->body)))) {
      violation(r, req, "op %zu succeeded (%d) but the read after shows %d", opi, rec->status, aft->status);
    } else if (op->kind != IFM_FP_DELETE && bef->status == 200 && aft->has_etag &&
               strcmp(aft->etag, bef->etag) == 0) {
      violation(r, "IM-ETAG-ROTATES", "op %zu changed the body but the ETag stayed %s", opi, aft->etag);
    }
  }
  if (aft->has_etag) see_tag(r, aft->etag);
  init_from(r, aft);
  r->last_read = ai;
  return 0;
}

static void log_rec(ifm_buf *b, const ifm_fp_rec *rec, size_t idx, double t_base) {
  size_t k;
  ifm_buf_printf(b, "  #%zu ", idx);
  if (rec->op >= 0) ifm_buf_printf(b, "op %d client %d%s: ", rec->op, rec->client, rec->racing ? " (race)" : "");
  else ifm_buf_puts(b, "added read: ");
  ifm_buf_printf(b, "%s", rec->method);
  for (k = 0; k < rec->n_im; k++) {
    ifm_buf_puts(b, " If-Match: [");
    put_bytes(b, rec->if_match[k], rec->im_len[k]);
    ifm_buf_puts(b, "]");
  }
  if (rec->inm_star) ifm_buf_puts(b, " If-None-Match: *");
  if (rec->inm[0]) ifm_buf_printf(b, " If-None-Match: [%s]", rec->inm);
  if (rec->ius[0]) ifm_buf_printf(b, " If-Unmodified-Since: [%s]", rec->ius);
  if (rec->body[0]) ifm_buf_printf(b, " body %s", rec->body);
  if (rec->status) ifm_buf_printf(b, " -> %d", rec->status);
  else ifm_buf_puts(b, " -> no response");
  if (rec->has_etag) ifm_buf_printf(b, " ETag %s", rec->etag);
  if (rec->status == 200 && !strcmp(rec->method, "GET")) {
    ifm_buf_puts(b, " body ");
    put_bytes(b, rec->resp_body, strlen(rec->resp_body));
  }
  if (rec->expect[0]) ifm_buf_printf(b, " (expected %s)", rec->expect);
  ifm_buf_printf(b, " [%.3f, %.3f] ms\n", rec->t0 - t_base, rec->t1 - t_base);
}

int ifm_fp_run(ifm_fp_ctx *c, const ifm_fp_prog *p, int verbose, ifm_fp_verdict *v) {
  run *r = calloc(1, sizeof *r);
  size_t i = 0, k;
  int rc = 0, fi;
  if (!r) return -1;
  ifm_fp_verdict_clear(v);
  r->c = c;
  r->p = p;
  r->v = v;
  r->last_read = -1;
  r->id = ++c->counter;
  snprintf(v->path, sizeof v->path, "/p%ld-%llu", (long)getpid(), r->id);
  snprintf(r->url, sizeof r->url, "%s%s", c->base, v->path);
  while (i < p->n_ops && !v->violated) {
    size_t j = i, first = v->n_recs;
    const ifm_fp_op *op = &p->ops[i];
    while (j < p->n_ops && p->ops[j].group == op->group) j++;
    if (j - i == 1 && !op->in_model) {
      if (run_sequential(r, i) != 0) { rc = -1; break; }
      i = j;
      continue;
    }
    for (k = i; k < j; k++) {
      const ifm_fp_op *o = &p->ops[k];
      ifm_fp_rec *rec = new_rec(r, (int)k, o->client, o->group,
                                o->kind == IFM_FP_READ ? "GET" : o->kind == IFM_FP_DELETE ? "DELETE" : "PUT");
      if (!rec) { rc = -1; break; }
      rec->racing = j - i > 1;
      resolve(r, o, rec);
      if (o->kind == IFM_FP_WRITE || o->kind == IFM_FP_CREATE)
        snprintf(rec->body, sizeof rec->body, "b%llu-%zu", r->id, k);
    }
    if (rc != 0 || exec_recs(r, first, j - i) != 0) { rc = -1; break; }
    for (k = first; k < v->n_recs; k++) {
      ifm_fp_rec *rec = &v->recs[k];
      add_lin(r, k);
      if (rec->status == 0) violation(r, "IM-METHODS", "op %d: no response", rec->op);
      else if (rec->status >= 500) violation(r, "IM-METHODS", "op %d answered %d (a server error)", rec->op, rec->status);
      if (rec->has_etag && (rec->status / 100 == 2)) see_tag(r, rec->etag);
    }
    r->last_read = (j - i == 1 && op->kind == IFM_FP_READ &&
                    (v->recs[first].status == 200 || v->recs[first].status == 404)) ? (int)first : -1;
    i = j;
  }
  if (rc == 0 && !v->violated && r->n_lin > r->epoch0 && r->last_read < 0) {
    if ((fi = added_read(r)) < 0) rc = -1;
    else add_lin(r, (size_t)fi);
  }
  if (rc == 0 && !v->violated && check_epoch(r) != 0) rc = -1;
  /* Clean up: remove the resource, unjudged. */
  {
    ifm_xfer_opts o;
    ifm_xfer *x;
    memset(&o, 0, sizeof o);
    o.timeout_s = 10;
    x = ifm_xfer_new("DELETE", r->url, &o);
    if (x && ifm_xfer_add_header(x, "If-Match", "*", 1) == 0 && ifm_exec_add(c->exec, x, NULL, NULL) == 0)
      ifm_exec_run(c->exec, NULL, ifm_now_ms() + 10000);
    else ifm_xfer_free(x);
  }
  if (verbose || v->violated) {
    ifm_fp_format(p, &v->log);
    ifm_buf_printf(&v->log, "target: %s, resource %s\nexchanges (times in ms from the first request):\n",
                   c->desc, v->path);
    for (k = 0; k < v->n_recs; k++) log_rec(&v->log, &v->recs[k], k, v->recs[0].t0);
  }
  free(r);
  return rc;
}

/* ---- to-case ------------------------------------------------------------ */

typedef struct cvar {
  char name[24];
  const char *val;            /* the value the fuzzer's run saw */
} cvar;

static void yaml_putc_esc(FILE *out, unsigned char ch) {
  if (ch == '"' || ch == '\\') fprintf(out, "\\%c", ch);
  else if (ch < 0x20 || ch >= 0x7f) fprintf(out, "{{hex:%02x}}", ch);
  else fputc(ch, out);
}

/* Writes s[0..n) as the inside of a YAML double-quoted template: tags seen
 * before become {{var}} (and its filters), the rest is escaped. */
static void put_template(FILE *out, const char *s, size_t n, const cvar *vars, size_t nv) {
  size_t i = 0;
  while (i < n) {
    size_t k, best = 0;
    char rep[64] = "";
    for (k = nv; k-- > 0 && !best;) {
      const char *v = vars[k].val;
      char strong[96], op[96], sw[96], weak[100];
      size_t j;
      int is_weak = v[0] == 'W' && v[1] == '/';
      struct { const char *pat; const char *filter; } c[4];
      snprintf(strong, sizeof strong, "%s", is_weak ? v + 2 : v);
      opaque_of(v, op, sizeof op);
      snprintf(weak, sizeof weak, "W/%s", strong);
      snprintf(sw, sizeof sw, "%s", strong);
      for (j = 0; sw[j]; j++) {
        if (sw[j] >= 'a' && sw[j] <= 'z') sw[j] = (char)(sw[j] - 32);
        else if (sw[j] >= 'A' && sw[j] <= 'Z') sw[j] = (char)(sw[j] + 32);
      }
      c[0].pat = is_weak ? v : weak;      c[0].filter = is_weak ? "" : "|weak";
      c[1].pat = strong;                  c[1].filter = is_weak ? "|strong" : "";
      c[2].pat = sw;                      c[2].filter = "|swapcase";
      c[3].pat = op;                      c[3].filter = "|opaque";
      for (j = 0; j < 4; j++) {
        size_t l = strlen(c[j].pat);
        if (l < 3 || l > n - i || memcmp(s + i, c[j].pat, l) != 0) continue;
        if (j == 2 && strcmp(sw, strong) == 0) continue;
        best = l;
        snprintf(rep, sizeof rep, "{{%s%s}}", vars[k].name, c[j].filter);
        break;
      }
    }
    if (best) {
      fputs(rep, out);
      i += best;
    } else if (s[i] == '{' && i + 1 < n && s[i + 1] == '{') {
      fputs("{{{{", out);
      i += 2;
    } else {
      yaml_putc_esc(out, (unsigned char)s[i++]);
    }
  }
}

static void put_op(FILE *out, const ifm_fp_rec *rec, const cvar *vars, size_t nv) {
  size_t k;
  int more = rec->n_im || rec->inm_star || rec->inm[0] || rec->ius[0];
  if (strcmp(rec->method, "GET") == 0) fputs("read: {", out);
  else fputs(strcmp(rec->method, "DELETE") == 0 ? "delete: {" : "update: {", out);
  if (rec->body[0]) fprintf(out, "body: \"%s\"%s", rec->body, more ? ", " : "");
  if (rec->n_im == 1) {
    fputs("if_match: \"", out);
    put_template(out, rec->if_match[0], rec->im_len[0], vars, nv);
    fputs("\"", out);
  } else if (rec->n_im > 1) {
    fputs("if_match: [", out);
    for (k = 0; k < rec->n_im; k++) {
      fputs(k ? ", \"" : "\"", out);
      put_template(out, rec->if_match[k], rec->im_len[k], vars, nv);
      fputs("\"", out);
    }
    fputs("]", out);
  }
  if (rec->inm_star) fprintf(out, "%sif_none_match: \"*\"", rec->n_im ? ", " : "");
  if (rec->inm[0]) {
    fprintf(out, "%sif_none_match: \"", rec->n_im ? ", " : "");
    put_template(out, rec->inm, strlen(rec->inm), vars, nv);
    fputs("\"", out);
  }
  if (rec->ius[0])
    fprintf(out, "%sheaders: {If-Unmodified-Since: \"%s\"}", rec->n_im || rec->inm[0] ? ", " : "", rec->ius);
  fputs("}", out);
}

int ifm_fp_write_case(const ifm_fp_prog *p, const ifm_fp_verdict *v, const char *name,
                      const char *profile, FILE *out) {
  cvar vars[IFM_FP_MAX_RECS];
  size_t nv = 0, i = 0, k;
  int known = 1, exists = 0, has_delete = 0, cpp = strcmp(profile, "cpp") == 0, uncapturable = 0;
  char id[129], body[48] = "", req[80];
  const char *tagval = NULL, *tagvar = NULL;   /* the model's current tag: value seen, var */

  for (k = 0; k < v->n_recs; k++) has_delete |= strcmp(v->recs[k].method, "DELETE") == 0;
  snprintf(id, sizeof id, "%s%s", strncmp(name, "fuzz-", 5) == 0 ? "" : "fuzz-", name);
  for (k = 0; id[k]; k++)
    if (!((id[k] >= 'a' && id[k] <= 'z') || (id[k] >= 'A' && id[k] <= 'Z') ||
          (id[k] >= '0' && id[k] <= '9') || id[k] == '.' || id[k] == '_' || id[k] == '-'))
      id[k] = '-';
  fprintf(out, "# Generated by `ifmatch fuzz to-case` from a fuzz_interleave input (%d client(s), "
               "%zu op(s)).\n# Against the fuzzer's target: %s%s%s\n",
          p->clients, p->n_ops, v->violated ? "VIOLATION " : "no violation",
          v->violated ? v->requirement : "", v->violated ? "." : ".");
  /* the case names one requirement: the first of the fuzzer's guesses */
  snprintf(req, sizeof req, "%s", v->violated && v->requirement ? v->requirement : "IM-MATCH-OK");
  req[strcspn(req, "/")] = '\0';
  fprintf(out, "cases:\n  - id: %s\n    requirement: %s\n"
               "    title: \"Stateful fuzzer program %s (%s)\"\n    level: MUST\n"
               "    profiles: [%s]\n",
          id, req, name,
          v->violated ? "reproduces a finding" : "passes", profile);
  if (has_delete) fputs("    needs: [delete]\n", out);
  fputs("    steps:\n", out);
  while (i < v->n_recs) {
    const ifm_fp_rec *rec = &v->recs[i];
    size_t j = i + 1;
    if (rec->racing) {
      while (j < v->n_recs && v->recs[j].racing && v->recs[j].group == rec->group) j++;
      /* Rounds re-run the steps since the previous parallel step on a fresh
       * path: only the last step of the case repeats, to catch a race. */
      fprintf(out, "      - parallel:\n          clients: %zu\n          release: last-byte\n%s"
                   "          do:\n", j - i,
              j == v->n_recs ? "          rounds: 20\n          stop_on_violation: true\n" : "");
      for (k = i; k < j; k++) {
        fputs("            - ", out);
        put_op(out, &v->recs[k], vars, nv);
        fputs("\n", out);
      }
      fputs("        expect:\n          linearizable: true\n", out);
      known = 0;
      i = j;
      continue;
    }
    fputs("      - ", out);
    put_op(out, rec, vars, nv);
    fputs("\n", out);
    /* an If-Match naming a tag only a racing response showed: the case
     * cannot name it (parallel steps capture nothing) */
    for (k = 0; k < i && rec->n_im; k++) {
      const ifm_fp_rec *q = &v->recs[k];
      size_t m, found = 0;
      if (!q->racing || !q->has_etag) continue;
      for (m = 0; m < nv; m++) found |= strcmp(vars[m].val, q->etag) == 0;
      for (m = 0; m < rec->n_im && !found; m++)
        if (strstr(rec->if_match[m], q->etag)) uncapturable = 1;
    }
    {
      const char *st = NULL;
      char stbuf[32], etag_exp[128] = "", body_exp[64] = "", not_exp[128] = "";
      int ok = -1;    /* the model's verdict on a write: 1 performed, 0 refused, -1 unknown */
      int is_get = strcmp(rec->method, "GET") == 0, is_del = strcmp(rec->method, "DELETE") == 0;
      if (rec->expect[0]) {
        st = rec->expect;
        ok = rec->expect[0] == '[' || rec->expect[0] == '2';
      } else if (is_get) {
        if (known) {
          st = exists ? "200" : "404";
          if (exists && body[0]) snprintf(body_exp, sizeof body_exp, "%s", body);
          if (exists && tagvar) snprintf(etag_exp, sizeof etag_exp, "{{%s}}", tagvar);
        }
      } else if (known) {
        int holds;
        if (rec->inm_star) holds = !exists;
        else if (rec->n_im == 0) holds = 1;
        else if (rec->n_im == 1 && strcmp(rec->if_match[0], "*") == 0) holds = exists || cpp;
        else if (!exists) holds = 0;
        else if (tagval) holds = strcmp(rec->if_match[0], tagval) == 0;
        else holds = -1;
        if (is_del && !exists) st = "404";
        else if (holds == 1) st = "2xx";
        else if (holds == 0) st = "412";
        ok = st && st[0] == '2';
        if (!st) known = 0;
      }
      if (st && ok == 1 && !is_del && exists && tagvar)
        snprintf(not_exp, sizeof not_exp, "{{%s}}", tagvar);
      if (st) {
        snprintf(stbuf, sizeof stbuf, "%s", st);
        fprintf(out, "        expect: {status: %s%s%s", strchr(stbuf, 'x') ? "\"" : "", stbuf,
                strchr(stbuf, 'x') ? "\"" : "");
        if (body_exp[0]) fprintf(out, ", body: \"%s\"", body_exp);
        if (etag_exp[0]) fprintf(out, ", header.etag: \"%s\"", etag_exp);
        if (not_exp[0]) fprintf(out, ", header.etag: {not: \"%s\"}", not_exp);
        fputs("}\n", out);
      }
      /* the capture of this step's ETag, when the run saw one */
      const char *cap = NULL;
      int learn = is_get && (!known || !st);
      if (rec->has_etag && rec->status / 100 == 2 && nv < IFM_FP_MAX_RECS) {
        snprintf(vars[nv].name, sizeof vars[nv].name, "t%zu", i);
        vars[nv].val = rec->etag;
        fprintf(out, "        capture: {%s: header.etag", vars[nv].name);
        /* a state learned from a read: its body is a variable too, as the
         * case's run may have a different winner of an earlier race */
        if (learn && rec->status == 200) fprintf(out, ", b%zu: body", i);
        fputs("}\n", out);
        cap = vars[nv++].name;
      }
      /* the model's next state */
      if (learn) {
        known = rec->status == 200 || rec->status == 404;
        exists = rec->status == 200;
        if (exists && cap) snprintf(body, sizeof body, "{{b%zu}}", i);
        else body[0] = '\0';
        tagval = rec->has_etag ? rec->etag : NULL;
        tagvar = cap;
      } else if (!is_get && ok == 1) {
        exists = !is_del;
        snprintf(body, sizeof body, "%s", is_del ? "" : rec->body);
        tagval = !is_del && rec->has_etag ? rec->etag : NULL;
        tagvar = is_del ? NULL : cap;
      } else if (!is_get && ok == -1) {
        known = 0;
      }
    }
    i = j;
  }
  if (uncapturable)
    fputs("# Note: a step sends an entity-tag that only a racing response showed, written\n"
          "# literally; the case's run cannot know it, so it may not reproduce the finding.\n", out);
  return ferror(out) ? 2 : 0;
}
