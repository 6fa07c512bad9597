/* ifm_cli_net.c: --cert, --key, --proxy, --noproxy, --resolve and
 * --connect-to (see ifm_cli_net.h). Every value is checked as it is read,
 * by the same checks as the target file's keys (ifm_netcheck.c), so a bad
 * one exits 2 before anything is sent. The proxy's value is never printed:
 * it may carry a password.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_buf.h"
#include "ifm_cli_net.h"
#include "ifm_netcheck.h"
#include "ifm_secrets.h"

static int set(char **dst, const char *arg) {
  char *c = ifm_strdup(arg);
  if (!c) return -1;
  free(*dst);
  *dst = c;
  return 0;
}

int ifm_cli_net_option(int ch, const char *arg, ifm_netopts *n, const char *cmd) {
  char why[512];
  const char *opt = NULL;
  int bad = 0, fail = 0;
  switch (ch) {
    case IFM_CLI_NET_CERT: fail = set(&n->cert, arg); break;
    case IFM_CLI_NET_KEY: fail = set(&n->key, arg); break;
    case IFM_CLI_NET_PROXY:
      opt = "--proxy";
      if (!(bad = ifm_netcheck_proxy(arg, why, sizeof why))) fail = set(&n->proxy, arg);
      break;
    case IFM_CLI_NET_NOPROXY:
      opt = "--noproxy";
      if (!(bad = ifm_netcheck_noproxy(arg, why, sizeof why))) fail = set(&n->noproxy, arg);
      break;
    case IFM_CLI_NET_RESOLVE:
      opt = "--resolve";
      if (!(bad = ifm_netcheck_resolve(arg, why, sizeof why)))
        fail = ifm_netopts_push(&n->resolve, &n->n_resolve, arg) != IFM_OK;
      break;
    case IFM_CLI_NET_CONNECT_TO:
      opt = "--connect-to";
      if (!(bad = ifm_netcheck_connect_to(arg, why, sizeof why)))
        fail = ifm_netopts_push(&n->connect_to, &n->n_connect_to, arg) != IFM_OK;
      break;
    default: return 0;
  }
  if (bad) fprintf(stderr, "ifmatch %s: %s: %s\n", cmd, opt, why);
  if (fail) fprintf(stderr, "ifmatch %s: out of memory\n", cmd);
  return bad || fail ? -1 : 1;
}

int ifm_cli_net_check(const ifm_netopts *n, const char *cmd) {
  char why[1024];
  int which;
  if (!n->cert && !n->key) return 0;
  if (ifm_netcheck_tls(n->cert, n->key, &which, why, sizeof why) == 0) return 0;
  fprintf(stderr, "ifmatch %s: %s: %s\n", cmd, which ? "--key" : "--cert", why);
  return -1;
}

/* libcurl's own proxy variables: a password there is not ifmatch's to
 * print either, should a server echo it. */
static const char *const env_proxies[] = {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
                                          "all_proxy",  "ALL_PROXY"};

ifm_err ifm_cli_net_apply(const ifm_netopts *n, ifm_target *t) {
  ifm_err rc = ifm_netopts_override(&t->net, n);
  size_t i;
  if (rc == IFM_OK) rc = ifm_secrets_add_proxy(&t->secrets, &t->n_secrets, t->net.proxy);
  for (i = 0; rc == IFM_OK && i < sizeof env_proxies / sizeof *env_proxies; i++)
    rc = ifm_secrets_add_proxy(&t->secrets, &t->n_secrets, getenv(env_proxies[i]));
  return rc;
}

static size_t put(const char **argv, size_t argc, size_t max, const char *opt, const char *v) {
  if (!v || argc + 2 > max) return argc;
  argv[argc++] = opt;
  argv[argc++] = v;
  return argc;
}

size_t ifm_cli_net_argv(const ifm_netopts *n, const char **argv, size_t argc, size_t max) {
  size_t i;
  argc = put(argv, argc, max, "--cert", n->cert);
  argc = put(argv, argc, max, "--key", n->key);
  argc = put(argv, argc, max, "--proxy", n->proxy);
  argc = put(argv, argc, max, "--noproxy", n->noproxy);
  for (i = 0; i < n->n_resolve; i++) argc = put(argv, argc, max, "--resolve", n->resolve[i]);
  for (i = 0; i < n->n_connect_to; i++) argc = put(argv, argc, max, "--connect-to", n->connect_to[i]);
  return argc;
}
