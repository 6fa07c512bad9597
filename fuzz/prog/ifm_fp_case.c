/* ifm_fp_case.c: writing a fuzzer run as a YAML case (see ifm_fp_case.h).
 * It walks the trace once, keeping the checker's model of the resource
 * (exists, body, the current tag and the variable that captured it) as far
 * as it is known, and writes for every sequential exchange what that model
 * or the sequential oracle expects. */
#include <string.h>

#include "ifm_fp_case.h"
#include "ifm_fp_req.h"

typedef struct cvar {
  char name[24];
  const char *val;            /* the value the fuzzer's run saw */
} cvar;

/* One exchange as the writer reads it. */
typedef struct view {
  const char *method;
  const ifm_field *im[IFM_FP_MAX_ELEMS];   /* If-Match field lines */
  size_t n_im;
  int inm_star;
  const char *inm;            /* If-None-Match with a tag, or NULL */
  const char *ius;            /* If-Unmodified-Since, or NULL */
  const char *body;           /* the request body, or NULL */
  int status;
  const char *etag;           /* the response's ETag, or NULL */
} view;

static void view_of(const ifm_exchange *x, view *w) {
  const ifm_field *f[2];
  memset(w, 0, sizeof *w);
  w->method = x->method;
  w->n_im = ifm_fp_trace_fields(x, "If-Match", w->im, IFM_FP_MAX_ELEMS);
  if (w->n_im > IFM_FP_MAX_ELEMS) w->n_im = IFM_FP_MAX_ELEMS;
  if (ifm_fp_trace_fields(x, "If-None-Match", f, 1)) {
    if (strcmp(f[0]->value, "*") == 0) w->inm_star = 1;
    else w->inm = f[0]->value;
  }
  if (ifm_fp_trace_fields(x, "If-Unmodified-Since", f, 1)) w->ius = f[0]->value;
  w->body = x->req_body;
  w->status = ifm_fp_trace_status(x);
  f[0] = ifm_exchange_resp_header(x, "ETag");
  w->etag = f[0] ? f[0]->value : NULL;
}

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
      ifm_fp_tag_opaque(v, op, sizeof op);
      snprintf(weak, sizeof weak, "W/%s", strong);
      snprintf(sw, sizeof sw, "%s", strong);
      ifm_fp_tag_swapcase(sw);
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

static void put_op(FILE *out, const view *w, const cvar *vars, size_t nv) {
  size_t k;
  int more = w->n_im || w->inm_star || w->inm || w->ius;
  if (strcmp(w->method, "GET") == 0) fputs("read: {", out);
  else fputs(strcmp(w->method, "DELETE") == 0 ? "delete: {" : "update: {", out);
  if (w->body) fprintf(out, "body: \"%s\"%s", w->body, more ? ", " : "");
  if (w->n_im == 1) {
    fputs("if_match: \"", out);
    put_template(out, w->im[0]->value, w->im[0]->value_len, vars, nv);
    fputs("\"", out);
  } else if (w->n_im > 1) {
    fputs("if_match: [", out);
    for (k = 0; k < w->n_im; k++) {
      fputs(k ? ", \"" : "\"", out);
      put_template(out, w->im[k]->value, w->im[k]->value_len, vars, nv);
      fputs("\"", out);
    }
    fputs("]", out);
  }
  if (w->inm_star) fprintf(out, "%sif_none_match: \"*\"", w->n_im ? ", " : "");
  if (w->inm) {
    fprintf(out, "%sif_none_match: \"", w->n_im ? ", " : "");
    put_template(out, w->inm, strlen(w->inm), vars, nv);
    fputs("\"", out);
  }
  if (w->ius)
    fprintf(out, "%sheaders: {If-Unmodified-Since: \"%s\"}", w->n_im || w->inm ? ", " : "", w->ius);
  fputs("}", out);
}

/* A status set's text as YAML: "412" as it is, a class quoted ("2xx"), a
 * list as a flow sequence with its classes quoted ([412, "2xx"]). */
static void put_status(FILE *out, const char *text) {
  const char *s = text;
  int list = *s == '[';
  if (list) fputc(*s++, out);
  while (*s && *s != ']') {
    size_t n = strcspn(s, ",]");
    int cls = memchr(s, 'x', n) != NULL;
    fprintf(out, "%s%.*s%s", cls ? "\"" : "", (int)n, s, cls ? "\"" : "");
    s += n;
    if (*s == ',') {
      fputs(", ", out);
      for (s++; *s == ' '; s++) {}
    }
  }
  if (list) fputc(']', out);
}

/* Whether a status set's text means the write was performed: 1 all of it
 * 2xx, 0 none of it, -1 some (the model no longer knows the state). */
static int set_performs(const char *text) {
  int yes = 0, no = 0;
  const char *s = text + (*text == '[');
  while (*s && *s != ']') {
    size_t n = strcspn(s, ",]");
    if (*s == '2') yes = 1;
    else no = 1;
    s += n;
    while (*s == ',' || *s == ' ') s++;
  }
  return yes && !no ? 1 : yes ? -1 : 0;
}

/* The model of the resource as the case knows it, step by step. */
typedef struct model {
  int known, exists;
  char body[48];
  const char *tagval, *tagvar;   /* the current tag: the value the run saw, its variable */
} model;

int ifm_fp_case_write(const ifm_fp_prog *p, const ifm_fp_trace *t, const ifm_fp_verdict *v,
                      const char *name, const ifm_profile *profile, FILE *out) {
  cvar vars[IFM_FP_MAX_RECS];
  size_t nv = 0, i = 0, k;
  int has_delete = 0, uncapturable = 0, star_creates = ifm_fp_oracle_star_creates(profile);
  const ifm_status_spec *mismatch = ifm_fp_oracle_profile_set(profile, "mismatch");
  const char *refused = mismatch && mismatch->text ? mismatch->text : "412";
  const char *pname = profile && profile->name ? profile->name : "rfc9110";
  char id[129], req[80];
  model m = {1, 0, "", NULL, NULL};

  for (k = 0; k < t->n; k++) has_delete |= strcmp(t->x[k].method, "DELETE") == 0;
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
          id, req, name, v->violated ? "reproduces a finding" : "passes", pname);
  if (has_delete) fputs("    needs: [delete]\n", out);
  fputs("    steps:\n", out);
  while (i < t->n) {
    const ifm_fp_step *s = &t->s[i];
    view w;
    size_t j = i + 1;
    if (s->racing) {
      while (j < t->n && t->s[j].racing && t->s[j].group == s->group) j++;
      /* Rounds re-run the steps since the previous parallel step on a fresh
       * path: only the last step of the case repeats, to catch a race. */
      fprintf(out, "      - parallel:\n          clients: %zu\n          release: last-byte\n%s"
                   "          do:\n", j - i,
              j == t->n ? "          rounds: 20\n          stop_on_violation: true\n" : "");
      for (k = i; k < j; k++) {
        view_of(&t->x[k], &w);
        fputs("            - ", out);
        put_op(out, &w, vars, nv);
        fputs("\n", out);
      }
      fputs("        expect:\n          linearizable: true\n", out);
      m.known = 0;
      i = j;
      continue;
    }
    view_of(&t->x[i], &w);
    fputs("      - ", out);
    put_op(out, &w, vars, nv);
    fputs("\n", out);
    /* an If-Match naming a tag only a racing response showed: the case
     * cannot name it (parallel steps capture nothing) */
    for (k = 0; k < i && w.n_im; k++) {
      view q;
      size_t mi, found = 0;
      if (!t->s[k].racing) continue;
      view_of(&t->x[k], &q);
      if (!q.etag) continue;
      for (mi = 0; mi < nv; mi++) found |= strcmp(vars[mi].val, q.etag) == 0;
      for (mi = 0; mi < w.n_im && !found; mi++)
        if (strstr(w.im[mi]->value, q.etag)) uncapturable = 1;
    }
    {
      const char *st = NULL;
      char etag_exp[128] = "", body_exp[64] = "", not_exp[128] = "";
      int ok = -1;    /* the model's verdict on a write: 1 performed, 0 refused, -1 unknown */
      int is_get = strcmp(w.method, "GET") == 0, is_del = strcmp(w.method, "DELETE") == 0;
      if (s->expect[0]) {
        st = s->expect;
        ok = set_performs(s->expect);
      } else if (is_get) {
        if (m.known) {
          st = m.exists ? "200" : "404";
          if (m.exists && m.body[0]) snprintf(body_exp, sizeof body_exp, "%s", m.body);
          if (m.exists && m.tagvar) snprintf(etag_exp, sizeof etag_exp, "{{%s}}", m.tagvar);
        }
      } else if (m.known) {
        int holds;
        if (w.inm_star) holds = !m.exists;
        else if (w.n_im == 0) holds = 1;
        else if (w.n_im == 1 && strcmp(w.im[0]->value, "*") == 0) holds = m.exists || star_creates;
        else if (!m.exists) holds = 0;
        else if (m.tagval) holds = strcmp(w.im[0]->value, m.tagval) == 0;
        else holds = -1;
        if (is_del && !m.exists) st = "404";
        else if (holds == 1) st = "2xx";
        else if (holds == 0) st = refused;
        ok = st && st[0] == '2';
        if (!st) m.known = 0;
      }
      if (st && ok == 1 && !is_del && m.exists && m.tagvar)
        snprintf(not_exp, sizeof not_exp, "{{%s}}", m.tagvar);
      if (st) {
        fputs("        expect: {status: ", out);
        put_status(out, st);
        if (body_exp[0]) fprintf(out, ", body: \"%s\"", body_exp);
        if (etag_exp[0]) fprintf(out, ", header.etag: \"%s\"", etag_exp);
        if (not_exp[0]) fprintf(out, ", header.etag: {not: \"%s\"}", not_exp);
        fputs("}\n", out);
      }
      /* the capture of this step's ETag, when the run saw one */
      const char *cap = NULL;
      int learn = is_get && (!m.known || !st);
      if (w.etag && w.status / 100 == 2 && nv < IFM_FP_MAX_RECS) {
        snprintf(vars[nv].name, sizeof vars[nv].name, "t%zu", i);
        vars[nv].val = w.etag;
        fprintf(out, "        capture: {%s: header.etag", vars[nv].name);
        /* a state learned from a read: its body is a variable too, as the
         * case's run may have a different winner of an earlier race */
        if (learn && w.status == 200) fprintf(out, ", b%zu: body", i);
        fputs("}\n", out);
        cap = vars[nv++].name;
      }
      /* the model's next state */
      if (learn) {
        m.known = w.status == 200 || w.status == 404;
        m.exists = w.status == 200;
        if (m.exists && cap) snprintf(m.body, sizeof m.body, "{{b%zu}}", i);
        else m.body[0] = '\0';
        m.tagval = w.etag;
        m.tagvar = cap;
      } else if (!is_get && ok == 1) {
        m.exists = !is_del;
        snprintf(m.body, sizeof m.body, "%s", is_del || !w.body ? "" : w.body);
        m.tagval = !is_del ? w.etag : NULL;
        m.tagvar = is_del ? NULL : cap;
      } else if (!is_get && ok == -1) {
        m.known = 0;
      }
    }
    i = j;
  }
  if (uncapturable)
    fputs("# Note: a step sends an entity-tag that only a racing response showed, written\n"
          "# literally; the case's run cannot know it, so it may not reproduce the finding.\n", out);
  return ferror(out) ? 2 : 0;
}
