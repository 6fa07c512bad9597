/* ifm_probe_write.c: the target file `ifmatch probe` writes
 * (targets/README.md), each key after a comment with the evidence for it.
 * Pure: a document in, text out.
 *
 * Secrets never reach the text: a value that came from ${env:NAME} is
 * written as that reference again; a credential header given literally
 * (Authorization, Cookie, Proxy-Authorization, or a name in `secrets:`)
 * becomes a reference to IFMATCH_SECRET_<NAME>, which the comment above it
 * asks the user to set; and the whole text is redacted against the
 * target's secrets at the end, comments included.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ifm_probe_int.h"
#include "ifm_redact.h"

static const char *const op_names[IFM_OP_REQUEST] = {"create", "read", "update", "patch", "delete"};
static const ifm_probe_note op_notes[IFM_OP_REQUEST] = {IFM_PN_CREATE, IFM_PN_READ, IFM_PN_UPDATE,
                                                        IFM_PN_PATCH, IFM_PN_DELETE};

void ifm_probe_secret_env(const char *header, char *buf, size_t len) {
  size_t k = 0, i;
  const char *pre = "IFMATCH_SECRET_";
  for (i = 0; pre[i] && k + 1 < len; i++) buf[k++] = pre[i];
  for (i = 0; header[i] && k + 1 < len; i++)
    buf[k++] = isalnum((unsigned char)header[i]) ? (char)toupper((unsigned char)header[i]) : '_';
  if (len) buf[k < len ? k : len - 1] = '\0';
}

ifm_err ifm_probe_doc_raw_add(ifm_probe_doc *d, const char *expanded, const char *raw) {
  char **f = realloc(d->raw_from, (d->n_raw + 1) * sizeof *f), **t;
  if (!f) return IFM_ERR_NOMEM;
  d->raw_from = f;
  if (!(t = realloc(d->raw_to, (d->n_raw + 1) * sizeof *t))) return IFM_ERR_NOMEM;
  d->raw_to = t;
  f[d->n_raw] = ifm_strdup(expanded);
  t[d->n_raw] = ifm_strdup(raw);
  if (!f[d->n_raw] || !t[d->n_raw]) {
    free(f[d->n_raw]);
    free(t[d->n_raw]);
    return IFM_ERR_NOMEM;
  }
  d->n_raw++;
  return IFM_OK;
}

void ifm_probe_doc_clear(ifm_probe_doc *d) {
  size_t i;
  for (i = 0; i < IFM_PN_COUNT; i++) ifm_buf_clear(&d->notes[i]);
  for (i = 0; i < d->n_raw; i++) free(d->raw_from[i]), free(d->raw_to[i]);
  free(d->raw_from);
  free(d->raw_to);
  for (i = 0; i < d->n_secret_names; i++) free(d->secret_names[i]);
  free(d->secret_names);
  memset(d, 0, sizeof *d);
}

/* A YAML double-quoted scalar (YAML 1.2 5.7): \\ \" and control bytes
 * escaped; other bytes (UTF-8) as they are. */
static void quote(ifm_buf *b, const char *s) {
  ifm_buf_putc(b, '"');
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') ifm_buf_putc(b, '\\'), ifm_buf_putc(b, (char)c);
    else if (c == '\n') ifm_buf_puts(b, "\\n");
    else if (c == '\r') ifm_buf_puts(b, "\\r");
    else if (c == '\t') ifm_buf_puts(b, "\\t");
    else if (c < 0x20 || c == 0x7f) ifm_buf_printf(b, "\\x%02x", c);
    else ifm_buf_putc(b, (char)c);
  }
  ifm_buf_putc(b, '"');
}

/* A value as written: the ${env:NAME} text it came from, if any. */
static const char *as_written(const ifm_probe_doc *d, const char *v) {
  size_t i;
  for (i = 0; i < d->n_raw; i++)
    if (strcmp(d->raw_from[i], v) == 0) return d->raw_to[i];
  return v;
}

static void value(ifm_buf *b, const ifm_probe_doc *d, const char *v) { quote(b, as_written(d, v)); }

static int secret_header(const ifm_probe_doc *d, const char *name) {
  size_t i;
  if (ifm_redact_field_is_secret(name)) return 1;
  for (i = 0; i < d->n_secret_names; i++)
    if (strcasecmp(d->secret_names[i], name) == 0) return 1;
  return 0;
}

/* The next "; " followed by another exchange ("GET /x", "again ..."). */
static const char *next_exchange(const char *s) {
  const char *semi;
  for (; (semi = strstr(s, "; ")) != NULL; s = semi + 2) {
    const char *w = semi + 2;
    while (*w >= 'A' && *w <= 'Z') w++;
    if ((w > semi + 2 && w[0] == ' ' && w[1] == '/') || strncmp(semi + 2, "again", 5) == 0 ||
        strncmp(semi + 2, "with ", 5) == 0 || strncmp(semi + 2, "at a ", 5) == 0)
      return semi;
  }
  return NULL;
}

/* Each note line as comments; a line of several exchanges ("A; B; C") is
 * broken after each "; ", the rest indented. */
static void comments(ifm_buf *b, const ifm_buf *note, const char *indent) {
  const char *s = ifm_buf_str(note), *nl, *semi;
  while (*s) {
    int cont = 0;
    nl = strchr(s, '\n');
    if (!nl) nl = s + strlen(s);
    while ((semi = next_exchange(s)) != NULL && semi < nl) {
      ifm_buf_printf(b, "%s# %s%.*s\n", indent, cont ? "    " : "", (int)(semi + 1 - s), s);
      s = semi + 2;
      cont = 1;
    }
    ifm_buf_printf(b, "%s# %s%.*s\n", indent, cont ? "    " : "", (int)(nl - s), s);
    s = *nl ? nl + 1 : nl;
  }
}

/* Comments for secret headers given literally, before the mapping. */
static void secret_notes(ifm_buf *b, const ifm_probe_doc *d, const ifm_kv *h, size_t n, const char *indent) {
  size_t i;
  char env[128];
  for (i = 0; i < n; i++) {
    if (!secret_header(d, h[i].name) || as_written(d, h[i].value) != h[i].value) continue;
    ifm_probe_secret_env(h[i].name, env, sizeof env);
    ifm_buf_printf(b, "%s# %s: not written here; set %s to its value before `ifmatch run`\n", indent,
                   h[i].name, env);
  }
}

static void headers(ifm_buf *b, const ifm_probe_doc *d, const ifm_kv *h, size_t n) {
  size_t i;
  char env[160];
  ifm_buf_putc(b, '{');
  for (i = 0; i < n; i++) {
    ifm_buf_printf(b, "%s%s: ", i ? ", " : "", h[i].name);
    if (secret_header(d, h[i].name) && as_written(d, h[i].value) == h[i].value) {
      char ref[200];
      ifm_probe_secret_env(h[i].name, env, sizeof env);
      snprintf(ref, sizeof ref, "${env:%s}", env);
      quote(b, ref);
    } else {
      value(b, d, h[i].value);
    }
  }
  ifm_buf_putc(b, '}');
}

static void status_list(ifm_buf *b, const ifm_status_spec *s) {
  const char *t = s->text ? s->text : "2xx";
  if (t[0] == '[') ifm_buf_puts(b, t);
  else ifm_buf_printf(b, "[%s]", t);
}

static void op_map(ifm_buf *b, const ifm_probe_doc *d, const ifm_op_map *m, int setup) {
  ifm_buf_printf(b, "{method: %s, path: ", m->method ? m->method : "GET");
  value(b, d, m->path ? m->path : "{{path}}");
  if (m->path_from_location) ifm_buf_puts(b, ", path_from: location");
  if (m->n_headers) {
    ifm_buf_puts(b, ", headers: ");
    headers(b, d, m->headers, m->n_headers);
  }
  if (m->body) {
    ifm_buf_puts(b, ",\n           body: ");
    value(b, d, m->body);
  }
  if (m->extract) {
    ifm_buf_puts(b, ", extract: ");
    quote(b, m->extract);
  }
  if (setup && m->has_expect) {
    ifm_buf_puts(b, ", expect: ");
    status_list(b, &m->expect);
  }
  ifm_buf_putc(b, '}');
}

static void value_list(ifm_buf *b, const ifm_probe_doc *d, const char *key, char *const *v, size_t n) {
  size_t i;
  if (!n) return;
  ifm_buf_printf(b, "%s: [", key);
  for (i = 0; i < n; i++) {
    if (i) ifm_buf_puts(b, ", ");
    value(b, d, v[i]);
  }
  ifm_buf_puts(b, "]\n");
}

/* tls, and how the server is reached: the keys as the probe used them
 * (a proxy with credentials as the ${env:...} reference it was given) */
static void net(ifm_buf *b, const ifm_probe_doc *d) {
  const ifm_target *t = d->t;
  const ifm_netopts *n = &t->net;
  if (t->ca_file || !t->tls_verify || n->cert) {
    ifm_buf_puts(b, "tls: {");
    if (t->ca_file) ifm_buf_puts(b, "ca_file: "), value(b, d, t->ca_file), ifm_buf_puts(b, ", ");
    if (n->cert) ifm_buf_puts(b, "cert: "), value(b, d, n->cert), ifm_buf_puts(b, ", ");
    if (n->key) ifm_buf_puts(b, "key: "), value(b, d, n->key), ifm_buf_puts(b, ", ");
    ifm_buf_printf(b, "verify: %s}\n", t->tls_verify ? "true" : "false");
  }
  if (n->proxy) ifm_buf_puts(b, "proxy: "), value(b, d, n->proxy), ifm_buf_putc(b, '\n');
  if (n->noproxy) ifm_buf_puts(b, "noproxy: "), value(b, d, n->noproxy), ifm_buf_putc(b, '\n');
  value_list(b, d, "resolve", n->resolve, n->n_resolve);
  value_list(b, d, "connect_to", n->connect_to, n->n_connect_to);
}

static void head(ifm_buf *b, const ifm_probe_doc *d) {
  const ifm_target *t = d->t;
  ifm_buf_printf(b, "# Written by `ifmatch probe --url %s`: what the probe sent and what came back is\n"
                 "# noted above each key. Check it, then: ifmatch run --target THIS_FILE\n", d->url ? d->url : "?");
  comments(b, &d->notes[IFM_PN_TOP], "");
  ifm_buf_puts(b, "name: ");
  quote(b, t->name ? t->name : "probe");
  ifm_buf_puts(b, "\nbase_url: ");
  value(b, d, t->base_url ? t->base_url : "");
  ifm_buf_putc(b, '\n');
  comments(b, &d->notes[IFM_PN_RESOURCE], "");
  ifm_buf_puts(b, "resource: ");
  value(b, d, t->resource);
  ifm_buf_putc(b, '\n');
  if (d->notes[IFM_PN_COLLECTION].len && t->collection) {
    comments(b, &d->notes[IFM_PN_COLLECTION], "");
    ifm_buf_puts(b, "collection: ");
    value(b, d, t->collection);
    ifm_buf_putc(b, '\n');
  }
}

static void middle(ifm_buf *b, const ifm_probe_doc *d) {
  const ifm_target *t = d->t;
  size_t i;
  comments(b, &d->notes[IFM_PN_PROFILE], "");
  ifm_buf_printf(b, "profile: %s\n", t->profile ? t->profile : "rfc9110");
  if (t->n_overrides) {
    ifm_buf_puts(b, "profile_overrides:\n");
    for (i = 0; i < t->n_overrides; i++) {
      ifm_buf_printf(b, "  %s: ", t->overrides[i].key);
      status_list(b, &t->overrides[i].status);
      ifm_buf_putc(b, '\n');
    }
  }
  comments(b, &d->notes[IFM_PN_CAPS], "");
  ifm_buf_puts(b, "capabilities: [");
  for (i = 0; i < t->n_capabilities; i++) ifm_buf_printf(b, "%s%s", i ? ", " : "", t->capabilities[i]);
  ifm_buf_puts(b, "]\n");
  comments(b, &d->notes[IFM_PN_CONNS], "");
  if (d->max_connections && d->max_connections_key)
    ifm_buf_printf(b, "max_connections: %u\n", d->max_connections);
  else if (d->max_connections)
    ifm_buf_printf(b, "# max_connections: %u   (this ifmatch does not read the key yet)\n", d->max_connections);
  ifm_buf_printf(b, "timeout: %g\n", t->timeout_s > 0 ? t->timeout_s : 10);
  if (t->http_version != IFM_HTTP_1_1)
    ifm_buf_printf(b, "http_version: %s\n", t->http_version == IFM_HTTP_H2C ? "h2c" : "h2");
  if (t->case_header && strcmp(t->case_header, "X-Ifmatch-Case") != 0) {
    ifm_buf_puts(b, "case_header: ");
    quote(b, t->case_header);
    ifm_buf_putc(b, '\n');
  }
  net(b, d);
  if (t->n_headers) {
    comments(b, &d->notes[IFM_PN_HEADERS], "");
    secret_notes(b, d, t->headers, t->n_headers, "");
    ifm_buf_puts(b, "headers: ");
    headers(b, d, t->headers, t->n_headers);
    ifm_buf_putc(b, '\n');
  }
  if (d->n_secret_names) {
    ifm_buf_puts(b, "secrets: [");
    for (i = 0; i < d->n_secret_names; i++) ifm_buf_printf(b, "%s%s", i ? ", " : "", d->secret_names[i]);
    ifm_buf_puts(b, "]\n");
  }
}

ifm_err ifm_probe_write(const ifm_probe_doc *d, ifm_buf *out) {
  const ifm_target *t = d->t;
  ifm_buf b = IFM_BUF_INIT;
  char *red;
  size_t i, len;
  int k;
  head(&b, d);
  middle(&b, d);
  if (t->n_setup) {
    comments(&b, &d->notes[IFM_PN_SETUP], "");
    ifm_buf_puts(&b, "setup:\n");
    for (i = 0; i < t->n_setup; i++) {
      secret_notes(&b, d, t->setup[i].headers, t->setup[i].n_headers, "  ");
      ifm_buf_puts(&b, "  - ");
      op_map(&b, d, &t->setup[i], 1);
      ifm_buf_putc(&b, '\n');
    }
  }
  ifm_buf_puts(&b, "operations:\n");
  for (k = 0; k < IFM_OP_REQUEST; k++) {
    comments(&b, &d->notes[op_notes[k]], "  ");
    secret_notes(&b, d, t->ops[k].headers, t->ops[k].n_headers, "  ");
    ifm_buf_printf(&b, "  %s: ", op_names[k]);
    op_map(&b, d, &t->ops[k], 0);
    ifm_buf_putc(&b, '\n');
  }
  red = ifm_redact(ifm_buf_str(&b), b.len, t->secrets, t->n_secrets, &len);
  ifm_buf_clear(&b);
  if (!red || ifm_buf_append(out, red, len) != 0) {
    free(red);
    return IFM_ERR_NOMEM;
  }
  free(red);
  return IFM_OK;
}
