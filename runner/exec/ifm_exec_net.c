/* ifm_exec_net.c: the connection options of a transfer, with curl's
 * meanings (see ifm_exec_net.h): CURLOPT_SSLCERT / SSLKEY, CURLOPT_PROXY,
 * CURLOPT_NOPROXY, CURLOPT_RESOLVE, CURLOPT_CONNECT_TO. Their values were
 * checked when they were read (runner/load/ifm_netcheck.c); libcurl is
 * handed them as they are.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_exec_net.h"

#define LOOPBACK "localhost,127.0.0.1,::1"

static int slist_from(char *const *v, size_t n, struct curl_slist **out) {
  size_t i;
  for (i = 0; i < n; i++) {
    struct curl_slist *s = curl_slist_append(*out, v[i]);
    if (!s) return -1;
    *out = s;
  }
  return 0;
}

/* No proxy given: loopback plus the environment's own exceptions (libcurl
 * reads no_proxy first, then NO_PROXY), since setting CURLOPT_NOPROXY
 * replaces them. */
static void noproxy_default(CURL *e) {
  const char *env = getenv("no_proxy");
  char *list;
  size_t len;
  if (!env || !*env) env = getenv("NO_PROXY");
  if (!env || !*env) {
    curl_easy_setopt(e, CURLOPT_NOPROXY, LOOPBACK);
    return;
  }
  if (strcmp(env, "*") == 0) {     /* curl: "*" alone means every host */
    curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
    return;
  }
  len = strlen(env) + sizeof LOOPBACK + 1;
  if (!(list = malloc(len))) {
    curl_easy_setopt(e, CURLOPT_NOPROXY, LOOPBACK);
    return;
  }
  snprintf(list, len, "%s,%s", LOOPBACK, env);
  curl_easy_setopt(e, CURLOPT_NOPROXY, list);     /* libcurl copies it */
  free(list);
}

int ifm_exec_net_apply(CURL *e, const ifm_netopts *n, struct curl_slist **resolve,
                       struct curl_slist **connect_to) {
  if (n && n->noproxy) curl_easy_setopt(e, CURLOPT_NOPROXY, n->noproxy);
  else if (!n || !n->proxy) noproxy_default(e);
  if (!n) return 0;
  if (n->proxy) curl_easy_setopt(e, CURLOPT_PROXY, n->proxy);
  if (n->cert) curl_easy_setopt(e, CURLOPT_SSLCERT, n->cert);
  if (n->key) curl_easy_setopt(e, CURLOPT_SSLKEY, n->key);
  if (slist_from(n->resolve, n->n_resolve, resolve) != 0 ||
      slist_from(n->connect_to, n->n_connect_to, connect_to) != 0)
    return -1;
  if (*resolve) curl_easy_setopt(e, CURLOPT_RESOLVE, *resolve);
  if (*connect_to) curl_easy_setopt(e, CURLOPT_CONNECT_TO, *connect_to);
  return 0;
}
