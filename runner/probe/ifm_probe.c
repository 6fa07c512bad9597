/* ifm_probe.c: `ifmatch probe`, the order of things (see ifm_probe.h).
 *
 *   1. the server answers HTTP at all (else exit 3);
 *   2. the partial target's setup requests, once, as a run sends them;
 *   3. how it creates, and the payload's round trip (ifm_probe_create.c);
 *   4. ETags, the profile, the capabilities (ifm_probe_caps.c);
 *   5. connections at once (ifm_probe_conns.c);
 *   6. everything the probe made is deleted; the file is written and
 *      loaded back with the run's own loader before it is handed over.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "ifm_load.h"
#include "ifm_probe_int.h"

ifm_probe *ifm_probe_new(const ifm_probe_opts *o, char *err, size_t errlen) {
  ifm_probe *p = calloc(1, sizeof *p);
  struct timespec ts;
  if (!p) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  p->o = o;
  if (ifm_probe_split_url(o->url, &p->origin, &p->prefix) != 0) {
    snprintf(err, errlen, "--url: expected http://host[:port][/prefix] or https://..., got '%s'",
             o->url ? o->url : "");
    ifm_probe_free(p);
    return NULL;
  }
  if (ifm_probe_partial_load(p, err, errlen) != IFM_OK || ifm_probe_options_apply(p, err, errlen) != IFM_OK) {
    ifm_probe_free(p);
    return NULL;
  }
  clock_gettime(CLOCK_REALTIME, &ts);
  snprintf(p->run_id, sizeof p->run_id, "%08lx",
           ((unsigned long)ts.tv_nsec ^ ((unsigned long)ts.tv_sec << 12) ^ (unsigned long)getpid() << 20) & 0xffffffffUL);
  snprintf(p->payload, sizeof p->payload, "ifmatch-probe-%s", p->run_id);
  p->pc.id = (char *)"probe";
  p->doc.t = &p->t;
  p->doc.url = o->url;
  ifm_scope_init(&p->scope, &p->pc, &p->t, p->run_id, &p->uniq);
  if (!(p->exec = ifm_exec_new())) {
    snprintf(err, errlen, "out of memory");
    ifm_probe_free(p);
    return NULL;
  }
  return p;
}

void ifm_probe_free(ifm_probe *p) {
  size_t i;
  if (!p) return;
  ifm_exec_free(p->exec);
  if (p->doc.t) ifm_scope_clear(&p->scope);
  ifm_probe_doc_clear(&p->doc);
  ifm_target_clear(&p->t);
  for (i = 0; i < p->n_made; i++) free(p->made[i]);
  free(p->made);
  free(p->etag);
  free(p->origin);
  free(p->prefix);
  free(p);
}

char *const *ifm_probe_secrets(const ifm_probe *p, size_t *n) {
  *n = p->t.n_secrets;
  return p->t.secrets;
}

/* Something at the URL answers HTTP. */
static ifm_err reach(ifm_probe *p, char *err, size_t errlen) {
  ifm_exchange x;
  ifm_buf line = IFM_BUF_INIT;
  ifm_err rc = ifm_probe_req(p, IFM_OP_REQUEST, "GET", p->prefix, NULL, NULL, NULL, &x);
  if (rc == IFM_OK && (x.error || x.status < 100)) {
    snprintf(err, errlen, "%s does not answer HTTP: %s", p->o->url, x.error ? x.error : "no status line");
    rc = IFM_ERR_TRANSPORT;
  } else if (rc == IFM_OK) {
    ifm_probe_line(p, &line, &x);
    ifm_probe_say(p, IFM_PN_TOP, "the server answers: %s", ifm_buf_str(&line));
  } else {
    snprintf(err, errlen, "the first request could not be sent (%s)", ifm_err_name(rc));
  }
  ifm_exchange_clear(&x);
  ifm_buf_clear(&line);
  return rc;
}

/* The partial target's setup, once, as `ifmatch run` sends it. */
static ifm_err setup(ifm_probe *p, char *err, size_t errlen) {
  size_t i;
  for (i = 0; i < p->t.n_setup; i++) {
    const ifm_op_map *s = &p->t.setup[i];
    ifm_buf line = IFM_BUF_INIT;
    ifm_request_spec spec;
    ifm_kv *h = s->headers;
    ifm_exchange x;
    int ok;
    memset(&spec, 0, sizeof spec);
    spec.op = IFM_OP_REQUEST;
    spec.method = s->method;
    spec.path = s->path;
    spec.body = s->body;
    spec.has_body = s->body != NULL;
    spec.headers = h;
    spec.n_headers = s->n_headers;
    if (ifm_probe_send(p, &spec, &x) != IFM_OK) return IFM_ERR_FAILED;
    ifm_probe_line(p, &line, &x);
    ok = !x.error && (s->has_expect ? ifm_status_spec_accepts(&s->expect, x.status) : x.status / 100 == 2);
    if (ok) {
      ifm_probe_say(p, IFM_PN_SETUP, "%s: as expected", ifm_buf_str(&line));
      if (strcmp(s->method, "MKCOL") == 0) ifm_probe_made(p, ifm_probe_url_path(x.url));
    } else {
      snprintf(err, errlen, "the partial target's setup request %zu does not work here: %.300s", i + 1,
               ifm_buf_str(&line));
    }
    ifm_exchange_clear(&x);
    ifm_buf_clear(&line);
    if (!ok) return IFM_ERR_FAILED;
  }
  return IFM_OK;
}

/* Does this ifmatch read `max_connections`? Asked of the loader itself. */
static int loader_knows_max_connections(void) {
  static const char probe_doc[] = "max_connections: 8\n";
  ifm_errors errs = {0};
  ifm_target t;
  int ok = ifm_load_target_buffer("probe", probe_doc, sizeof probe_doc - 1, &t, &errs) == 0;
  if (ok) ifm_target_clear(&t);
  ifm_errors_clear(&errs);
  return ok;
}

/* The file as written, loaded back: a probe never hands over a file that
 * `ifmatch run` would refuse. Skipped when it names ${env:...} variables
 * that are not set here. */
static ifm_err check_written(const ifm_buf *out, char *err, size_t errlen) {
  ifm_errors errs = {0};
  ifm_target t;
  ifm_err rc = IFM_OK;
  if (ifm_load_target_buffer("the written target", ifm_buf_str(out), out->len, &t, &errs) == 0) {
    ifm_target_clear(&t);
  } else if (!errs.n || !strstr(errs.msgs[0], "is not set")) {
    snprintf(err, errlen, "the target file written does not load (a bug of the probe): %s",
             errs.n ? errs.msgs[0] : "?");
    rc = IFM_ERR_FAILED;
  }
  ifm_errors_clear(&errs);
  return rc;
}

ifm_err ifm_probe_run(ifm_probe *p, ifm_buf *out, char *err, size_t errlen) {
  ifm_err rc;
  err[0] = '\0';
  if ((rc = reach(p, err, errlen)) != IFM_OK) return rc;
  if ((rc = setup(p, err, errlen)) != IFM_OK || (rc = ifm_probe_create(p, err, errlen)) != IFM_OK) {
    ifm_probe_cleanup(p);
    return rc;
  }
  ifm_probe_etags(p);
  ifm_probe_profile(p);
  ifm_probe_caps(p);
  if (!p->o->stop || !*p->o->stop) ifm_probe_conns(p);
  ifm_probe_cleanup(p);
  if (p->o->stop && *p->o->stop) {
    snprintf(err, errlen, "interrupted");
    return IFM_ERR_STOPPED;
  }
  if (!p->t.name) {
    const char *host = strstr(p->origin, "://") + 3;
    ifm_buf name = IFM_BUF_INIT;
    ifm_buf_printf(&name, "probed-%s", host);
    p->t.name = ifm_buf_detach(&name);
    if (!p->t.name) return IFM_ERR_NOMEM;
  }
  p->doc.max_connections_key = loader_knows_max_connections();
  if ((rc = ifm_probe_write(&p->doc, out)) != IFM_OK) return rc;
  err[0] = '\0';
  return check_written(out, err, errlen);
}
