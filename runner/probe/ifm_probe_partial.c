/* ifm_probe_partial.c: what the user gives the probe to start from. A
 * partial target file (--target) is loaded as `ifmatch run` loads it (so it
 * is checked the same way, and ${env:NAME} values are what gets sent), and
 * read once more as plain YAML to learn which keys it states and how it
 * wrote every ${env:NAME} value, which the output keeps as written. Then
 * the command line: --header, --body-template, --extract, --timeout.
 */
#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ifm_load.h"
#include "ifm_probe_int.h"
#include "ifm_redact.h"
#include "ifm_secrets.h"
#include "ifm_tmpl.h"
#include "ifm_yaml.h"

ifm_err ifm_probe_set(char **dst, const char *s) {
  char *c = ifm_strdup(s);
  if (!c) return IFM_ERR_NOMEM;
  free(*dst);
  *dst = c;
  return IFM_OK;
}

ifm_err ifm_probe_cap_add(ifm_probe *p, const char *cap) {
  char **c;
  size_t i;
  for (i = 0; i < p->t.n_capabilities; i++)
    if (strcmp(p->t.capabilities[i], cap) == 0) return IFM_OK;
  if (!(c = realloc(p->t.capabilities, (p->t.n_capabilities + 1) * sizeof *c))) return IFM_ERR_NOMEM;
  p->t.capabilities = c;
  if (!(c[p->t.n_capabilities] = ifm_strdup(cap))) return IFM_ERR_NOMEM;
  p->t.n_capabilities++;
  return IFM_OK;
}

static ifm_err kv_set(ifm_kv **kv, size_t *n, const char *name, const char *value) {
  ifm_kv *a;
  size_t i;
  for (i = 0; i < *n; i++)
    if (strcasecmp((*kv)[i].name, name) == 0) return ifm_probe_set(&(*kv)[i].value, value);
  if (!(a = realloc(*kv, (*n + 1) * sizeof *a))) return IFM_ERR_NOMEM;
  *kv = a;
  memset(&a[*n], 0, sizeof a[*n]);
  a[*n].name = ifm_strdup(name);
  a[*n].value = ifm_strdup(value);
  if (!a[*n].name || !a[*n].value) {
    free(a[*n].name);
    free(a[*n].value);
    return IFM_ERR_NOMEM;
  }
  (*n)++;
  return IFM_OK;
}

ifm_err ifm_probe_op_header(ifm_op_map *m, const char *name, const char *value) {
  return kv_set(&m->headers, &m->n_headers, name, value);
}

static ifm_err secret_add(ifm_target *t, const char *v) {
  return ifm_secrets_add(&t->secrets, &t->n_secrets, v);
}

/* A credential field: the partial file's `secrets:` names count too. */
static int secret_name(const ifm_probe *p, const char *name) {
  size_t i;
  if (ifm_redact_field_is_secret(name)) return 1;
  for (i = 0; i < p->doc.n_secret_names; i++)
    if (strcasecmp(p->doc.secret_names[i], name) == 0) return 1;
  return 0;
}

/* ${env:NAME} replaced by the variable's value (each one a secret). NULL
 * with err when a variable is not set. */
static char *env_expand(ifm_probe *p, const char *raw, char *err, size_t errlen) {
  ifm_buf b = IFM_BUF_INIT;
  const char *s = raw, *at, *end, *v;
  while ((at = strstr(s, "${env:")) != NULL) {
    char name[128];
    size_t nl;
    ifm_buf_append(&b, s, (size_t)(at - s));
    end = strchr(at + 6, '}');
    nl = end ? (size_t)(end - at - 6) : 0;
    if (!end || nl == 0 || nl >= sizeof name) {
      snprintf(err, errlen, "expected ${env:NAME} in '%.80s'", raw);
      ifm_buf_clear(&b);
      return NULL;
    }
    memcpy(name, at + 6, nl);
    name[nl] = '\0';
    if (!(v = getenv(name))) {
      snprintf(err, errlen, "environment variable %s is not set", name);
      ifm_buf_clear(&b);
      return NULL;
    }
    secret_add(&p->t, v);
    ifm_buf_puts(&b, v);
    s = end + 1;
  }
  ifm_buf_puts(&b, s);
  return ifm_buf_detach(&b);
}

/* Which keys the file states, its `secrets:` names, and every scalar that
 * holds ${env:NAME} (as sent -> as written). */
static ifm_err read_raw(ifm_probe *p, const char *path, char *err, size_t errlen) {
  ifm_errors errs = {0};
  ifm_yaml y;
  char *buf = NULL;
  size_t len, i;
  uint32_t k;
  const ifm_yaml_node *root;
  ifm_err rc = IFM_OK;
  if (ifm_yaml_read_file(path, &buf, &len, &errs) != 0 || ifm_yaml_parse(&y, path, buf, len, &errs) != 0) {
    snprintf(err, errlen, "%s", errs.n ? errs.msgs[0] : "cannot read the partial target");
    if (buf) ifm_yaml_done(&y);
    free(buf);
    ifm_errors_clear(&errs);
    return IFM_ERR_INPUT;
  }
  root = ifm_yaml_root(&y);
  for (i = 0; root && ifm_yaml_is_map(root) && i < ifm_yaml_count(root); i++) {
    const char *key = ifm_yaml_scalar(&y, ifm_yaml_key(&y, root, i));
    const ifm_yaml_node *v = ifm_yaml_value(&y, root, i);
    size_t j;
    if (!key) continue;
    p->given_resource |= strcmp(key, "resource") == 0;
    p->given_collection |= strcmp(key, "collection") == 0;
    p->given_profile |= strcmp(key, "profile") == 0;
    if (strcmp(key, "operations") == 0 && ifm_yaml_is_map(v))
      for (j = 0; j < ifm_yaml_count(v); j++) {
        const char *op = ifm_yaml_scalar(&y, ifm_yaml_key(&y, v, j));
        p->given_create |= op && strcmp(op, "create") == 0;
      }
    if (strcmp(key, "secrets") == 0 && ifm_yaml_is_list(v))
      for (j = 0; j < ifm_yaml_count(v); j++) {
        const char *s = ifm_yaml_scalar(&y, ifm_yaml_item(&y, v, j));
        char **a = s ? realloc(p->doc.secret_names, (p->doc.n_secret_names + 1) * sizeof *a) : NULL;
        if (!a) continue;
        p->doc.secret_names = a;
        if ((a[p->doc.n_secret_names] = ifm_strdup(s)) != NULL) p->doc.n_secret_names++;
      }
  }
  for (k = 0; k < y.n_nodes && rc == IFM_OK; k++) {
    const ifm_yaml_node *n = ifm_yaml_at(&y, k);
    const char *s = n && ifm_yaml_is_scalar(n) ? ifm_yaml_scalar(&y, n) : NULL;
    char *x;
    if (!s || !strstr(s, "${env:")) continue;
    if (!(x = env_expand(p, s, err, errlen))) rc = IFM_ERR_INPUT;
    else rc = ifm_probe_doc_raw_add(&p->doc, x, s);
    free(x);
  }
  ifm_yaml_done(&y);
  free(buf);
  ifm_errors_clear(&errs);
  return rc;
}

/* A password in --url (http://user:pass@host) is a secret: the file gets
 * base_url with the userinfo as ${env:IFMATCH_SECRET_URL_USERINFO}, which
 * the top comment asks the user to set, as for a literal credential field. */
static ifm_err url_userinfo(ifm_probe *p) {
  const char *auth = strstr(p->origin, "://"), *at = auth ? strrchr(auth + 3, '@') : NULL;
  ifm_buf w = IFM_BUF_INIT;
  ifm_err rc = ifm_secrets_add_url(&p->t.secrets, &p->t.n_secrets, p->o->url);
  if (rc != IFM_OK || !at) return rc;
  ifm_buf_append(&w, p->origin, (size_t)(auth + 3 - p->origin));
  ifm_buf_puts(&w, "${env:IFMATCH_SECRET_URL_USERINFO}");
  if (ifm_buf_puts(&w, at) != 0) rc = IFM_ERR_NOMEM;
  if (rc == IFM_OK) rc = ifm_probe_doc_raw_add(&p->doc, p->origin, ifm_buf_str(&w));
  ifm_buf_clear(&w);
  if (rc == IFM_OK)
    ifm_probe_say(p, IFM_PN_TOP, "the userinfo of --url (before the '@') is a secret: base_url names it as "
                  "${env:IFMATCH_SECRET_URL_USERINFO}; set that variable before ifmatch run");
  return rc;
}

ifm_err ifm_probe_partial_load(ifm_probe *p, char *err, size_t errlen) {
  ifm_errors errs = {0};
  if (!p->o->partial) {
    ifm_target_init(&p->t);
  } else {
    if (ifm_load_target(p->o->partial, &p->t, &errs) != 0) {
      snprintf(err, errlen, "%s", errs.n ? errs.msgs[0] : "the partial target file has errors");
      ifm_errors_clear(&errs);
      return IFM_ERR_INPUT;
    }
    ifm_errors_clear(&errs);
    if (read_raw(p, p->o->partial, err, errlen) != IFM_OK) return IFM_ERR_INPUT;
  }
  if (ifm_probe_set(&p->t.base_url, p->origin) != IFM_OK) return IFM_ERR_NOMEM;
  return url_userinfo(p);
}

static ifm_err add_header(ifm_probe *p, const char *arg, char *err, size_t errlen) {
  const char *colon = strchr(arg, ':'), *v;
  char *name, *value;
  size_t i, vl;
  ifm_err rc;
  if (!colon || colon == arg) {
    snprintf(err, errlen, "--header: expected 'Name: value', got '%.60s'", arg);
    return IFM_ERR_INPUT;
  }
  for (i = 0; arg + i < colon; i++)
    if (!isalnum((unsigned char)arg[i]) && !strchr("!#$%&'*+-.^_`|~", arg[i])) {
      snprintf(err, errlen, "--header: '%.*s' is not a header field name", (int)(colon - arg), arg);
      return IFM_ERR_INPUT;
    }
  for (v = colon + 1; *v == ' ' || *v == '\t'; v++) {
  }
  vl = strlen(v);
  while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t')) vl--;
  name = ifm_strndup(arg, (size_t)(colon - arg));
  value = ifm_strndup(v, vl);
  if (!name || !value) {
    free(name);
    free(value);
    return IFM_ERR_NOMEM;
  }
  if (strstr(value, "${env:")) {
    char *x = env_expand(p, value, err, errlen);
    rc = x ? ifm_probe_doc_raw_add(&p->doc, x, value) : IFM_ERR_INPUT;
    free(value);
    value = x;
  } else {
    rc = IFM_OK;
  }
  if (rc == IFM_OK && value && secret_name(p, name))
    rc = ifm_secrets_add_credential(&p->t.secrets, &p->t.n_secrets, name, value);
  if (rc == IFM_OK && value) rc = kv_set(&p->t.headers, &p->t.n_headers, name, value);
  free(name);
  free(value);
  return rc;
}

static int target_var_cb(const char *name, size_t len, void *ctx) {
  (void)ctx;
  return ifm_tmpl_builtin(name, len, IFM_TMPL_IN_TARGET);
}

/* The connection options of the command line, over the partial target's.
 * A proxy's userinfo is a secret: unless the partial file named it through
 * ${env:...}, the file gets ${env:IFMATCH_SECRET_PROXY} for the whole proxy
 * URL, which the top comment asks the user to set, as for --url. */
static ifm_err net_apply(ifm_probe *p) {
  const char *proxy, *auth;
  ifm_err rc = p->o->net ? ifm_netopts_override(&p->t.net, p->o->net) : IFM_OK;
  if (rc == IFM_OK) rc = ifm_secrets_add_proxy(&p->t.secrets, &p->t.n_secrets, p->t.net.proxy);
  if (rc != IFM_OK || !(proxy = p->t.net.proxy)) return rc;
  auth = strstr(proxy, "://") ? strstr(proxy, "://") + 3 : proxy;
  if (!memchr(auth, '@', strcspn(auth, "/?#"))) return IFM_OK;
  if (!p->o->net || !p->o->net->proxy) return IFM_OK;      /* the partial file's, kept as written */
  if ((rc = ifm_probe_doc_raw_add(&p->doc, proxy, "${env:IFMATCH_SECRET_PROXY}")) == IFM_OK)
    ifm_probe_say(p, IFM_PN_TOP, "--proxy holds credentials, a secret: proxy names it as "
                  "${env:IFMATCH_SECRET_PROXY}; set that variable to the proxy URL before ifmatch run");
  return rc;
}

ifm_err ifm_probe_options_apply(ifm_probe *p, char *err, size_t errlen) {
  const ifm_probe_opts *o = p->o;
  size_t i, off = 0;
  const char *msg = NULL;
  ifm_err rc;
  if ((rc = net_apply(p)) != IFM_OK) {
    snprintf(err, errlen, "out of memory");
    return rc;
  }
  if (o->timeout_s > 0) p->t.timeout_s = o->timeout_s;
  for (i = 0; i < o->n_headers; i++)
    if ((rc = add_header(p, o->headers[i], err, errlen)) != IFM_OK) return rc;
  if (o->body_template) {
    if (ifm_tmpl_check(o->body_template, target_var_cb, NULL, &off, &msg) != 0) {
      snprintf(err, errlen, "--body-template: %s at byte %zu", msg, off);
      return IFM_ERR_INPUT;
    }
    if (ifm_probe_set(&p->t.ops[IFM_OP_CREATE].body, o->body_template) != IFM_OK ||
        ifm_probe_set(&p->t.ops[IFM_OP_UPDATE].body, o->body_template) != IFM_OK)
      return IFM_ERR_NOMEM;
  }
  if (o->extract) {
    regex_t re;
    int bad = regcomp(&re, o->extract, REG_EXTENDED);
    if (bad || re.re_nsub < 1) {
      if (!bad) regfree(&re);
      snprintf(err, errlen, "--extract: '%.80s' is not a POSIX extended regular expression with a group",
               o->extract);
      return IFM_ERR_INPUT;
    }
    regfree(&re);
    if (ifm_probe_set(&p->t.ops[IFM_OP_READ].extract, o->extract) != IFM_OK) return IFM_ERR_NOMEM;
  }
  return IFM_OK;
}
