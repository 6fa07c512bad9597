/* ifm_load_net.c: a target file's connection keys (targets/README.md):
 * `proxy`, `noproxy`, `resolve` and `connect_to` at the top, `cert` and
 * `key` under `tls`. Each value is read like every other string of a target
 * file (${env:NAME} expanded, the variable's value a secret) and checked by
 * ifm_netcheck.c; an error names the value's file:line:col.
 */
#include <stdlib.h>
#include <string.h>
#include "ifm_load_int.h"
#include "ifm_netcheck.h"

typedef int (*check_fn)(const char *s, char *err, size_t len);

/* One value through text() and check(), into *out (replacing it). */
static int one_value(ifm_yaml *y, const ifm_yaml_node *n, const char *what, ifm_load_text_fn text,
                     check_fn check, char **out) {
  char why[512], *v;
  if (text(y, n, what, &v) != 0) return -1;
  if (check && check(v, why, sizeof why) != 0) {
    ifm_yaml_error(y, n, "%s: %s", what, why);
    free(v);
    return -1;
  }
  free(*out);
  *out = v;
  return 0;
}

/* A list of values (a single string is a list of one). */
static int list_value(ifm_yaml *y, const ifm_yaml_node *n, const char *what, ifm_load_text_fn text,
                      check_fn check, char ***v, size_t *nv) {
  size_t i, count;
  int rc = 0;
  if (ifm_yaml_is_scalar(n)) count = 1;
  else if (!ifm_yaml_want_list(y, n, what)) return -1;
  else count = ifm_yaml_count(n);
  for (i = 0; i < count; i++) {
    const ifm_yaml_node *item = ifm_yaml_is_scalar(n) ? n : ifm_yaml_item(y, n, i);
    char *s = NULL;
    if (one_value(y, item, what, text, check, &s) != 0) {
      rc = -1;
      continue;
    }
    if (ifm_netopts_push(v, nv, s) != IFM_OK) rc = ifm_yaml_oom(y, item);
    free(s);
  }
  return rc;
}

int ifm_load_net_key(ifm_yaml *y, const ifm_yaml_node *key, const ifm_yaml_node *value, ifm_load_text_fn text,
                     ifm_netopts *net) {
  const char *k = ifm_yaml_scalar(y, key);
  if (strcmp(k, "proxy") == 0) return one_value(y, value, k, text, ifm_netcheck_proxy, &net->proxy);
  if (strcmp(k, "noproxy") == 0) return one_value(y, value, k, text, ifm_netcheck_noproxy, &net->noproxy);
  if (strcmp(k, "cert") == 0) return one_value(y, value, k, text, NULL, &net->cert);
  if (strcmp(k, "key") == 0) return one_value(y, value, k, text, NULL, &net->key);
  if (strcmp(k, "resolve") == 0)
    return list_value(y, value, k, text, ifm_netcheck_resolve, &net->resolve, &net->n_resolve);
  return list_value(y, value, k, text, ifm_netcheck_connect_to, &net->connect_to, &net->n_connect_to);
}

/* The value node of key name in mapping map, or map itself. */
static const ifm_yaml_node *map_value(const ifm_yaml *y, const ifm_yaml_node *map, const char *name) {
  size_t i;
  for (i = 0; i < ifm_yaml_count(map); i++)
    if (strcmp(ifm_yaml_scalar(y, ifm_yaml_key(y, map, i)), name) == 0) return ifm_yaml_value(y, map, i);
  return map;
}

int ifm_load_net_tls(ifm_yaml *y, const ifm_yaml_node *tls, const ifm_netopts *net) {
  char why[1024];
  int which;
  if (!net->cert && !net->key) return 0;
  if (ifm_netcheck_tls(net->cert, net->key, &which, why, sizeof why) == 0) return 0;
  ifm_yaml_error(y, map_value(y, tls, which ? "key" : "cert"), "tls.%s: %s", which ? "key" : "cert", why);
  return -1;
}
