/* ifm_reach.c: the startup check of run and certify (see ifm_reach.h).
 * Its message is the first thing a vendor's CI shows when the connection
 * options are wrong, so the usual causes are named: a proxy that wants
 * credentials answers 407 itself (the target was never asked); a server that
 * wants a client certificate either ends the TLS handshake ("certificate
 * required", TLS 1.3) or, like nginx with ssl_verify_client, completes it
 * and answers 400 "No required SSL certificate was sent".
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "ifm_exec.h"
#include "ifm_reach.h"

typedef struct reach_ctx {
  const ifm_target *t;
  int answered;
  char *why;
  size_t len;
} reach_ctx;

/* 1 when s[0..n) holds word, in any case. */
static int has_word(const char *s, size_t n, const char *word) {
  size_t i, w = strlen(word);
  for (i = 0; s && i + w <= n; i++)
    if (strncasecmp(s + i, word, w) == 0) return 1;
  return 0;
}

/* 1 when the exchange says the server wants a client certificate. */
static int wants_client_cert(const ifm_exchange *r) {
  if (r->error) return has_word(r->error, strlen(r->error), "certificate required");
  return (r->status == 400 || r->status == 403) && has_word(r->resp_body, r->resp_body_len, "certificate");
}

static void reach_cb(ifm_xfer *x, void *ctx) {
  reach_ctx *c = ctx;
  const ifm_exchange *r = ifm_xfer_exchange(x);
  int cert_hint = !c->t->net.cert && wants_client_cert(r);
  c->answered = !r->error && r->status > 0;
  if (r->error) snprintf(c->why, c->len, "%s", r->error);
  if (r->status == 407) {     /* the proxy's answer: the target was never asked */
    c->answered = 0;
    snprintf(c->why, c->len, "the proxy refused the request (407 Proxy Authentication Required): "
             "check the user and password in the proxy's URL");
  } else if (cert_hint) {
    c->answered = 0;
    if (r->error) snprintf(c->why, c->len, "%s: the server wants a client certificate: give --cert and --key "
                           "(tls.cert and tls.key in the target file)", r->error);
    else snprintf(c->why, c->len, "it wants a client certificate first (its %d to OPTIONS says so): give --cert "
                  "and --key (tls.cert and tls.key in the target file)", r->status);
  }
}

int ifm_reach_check(const char *base_url, const ifm_target *t, double timeout_s, volatile int *stop, char *why,
                    size_t len) {
  ifm_exec *e = ifm_exec_new();
  ifm_xfer_opts xo = {0};
  reach_ctx c = {t, 0, why, len};
  ifm_xfer *x;
  xo.timeout_s = timeout_s > 0 ? timeout_s : t->timeout_s > 0 ? t->timeout_s : 10;
  xo.http_version = (int)t->http_version;
  xo.ca_file = t->ca_file;
  xo.tls_verify = t->tls_verify;
  xo.net = &t->net;
  snprintf(why, len, "out of memory");
  if (!e || !(x = ifm_xfer_new("OPTIONS", base_url, &xo))) {
    ifm_exec_free(e);
    return -1;
  }
  snprintf(why, len, "no answer");
  if (ifm_exec_add(e, x, reach_cb, &c) != IFM_OK) ifm_xfer_free(x);
  else ifm_exec_run(e, stop, 0);
  ifm_exec_free(e);
  return c.answered ? 0 : -1;
}
