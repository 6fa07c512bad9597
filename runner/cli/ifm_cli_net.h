/* ifm_cli_net.h: the connection options run, certify, probe and verify
 * share, with curl's meanings (ifm_netcheck.h, targets/README.md):
 *
 *   --cert FILE, --key FILE       a client certificate and its key (PEM)
 *   --proxy URL, --noproxy LIST   a proxy, and the hosts never sent to one
 *   --resolve HOST:PORT:ADDR[,ADDR]...        (repeatable)
 *   --connect-to HOST1:PORT1:HOST2:PORT2      (repeatable)
 *
 * The command line overrides the target file: --cert replaces tls.cert and
 * tls.key, --resolve the whole resolve list, and so on. A proxy's userinfo is
 * a secret: it is never printed, and redacted everywhere.
 */
#ifndef IFM_CLI_NET_H
#define IFM_CLI_NET_H

#include <getopt.h>
#include <stddef.h>
#include "ifm_model.h"

enum {
  IFM_CLI_NET_CERT = 0x101,
  IFM_CLI_NET_KEY,
  IFM_CLI_NET_PROXY,
  IFM_CLI_NET_NOPROXY,
  IFM_CLI_NET_RESOLVE,
  IFM_CLI_NET_CONNECT_TO
};

/* The entries of a getopt_long table. */
#define IFM_CLI_NET_OPTIONS                                                                             \
  {"cert", required_argument, 0, IFM_CLI_NET_CERT}, {"key", required_argument, 0, IFM_CLI_NET_KEY},   \
      {"proxy", required_argument, 0, IFM_CLI_NET_PROXY},                                             \
      {"noproxy", required_argument, 0, IFM_CLI_NET_NOPROXY},                                         \
      {"resolve", required_argument, 0, IFM_CLI_NET_RESOLVE},                                         \
      {"connect-to", required_argument, 0, IFM_CLI_NET_CONNECT_TO}

/* Takes option ch (a getopt code) with its value into n. 1: it was one of
 * the options above; 0: it was not; -1: a bad value, said on stderr as
 * "ifmatch CMD: --option: why" (exit 2). */
int ifm_cli_net_option(int ch, const char *arg, ifm_netopts *n, const char *cmd);

/* Once every option is read: the certificate and key files together
 * (readable, PEM, the key not encrypted). 0, or -1 after saying why. */
int ifm_cli_net_check(const ifm_netopts *n, const char *cmd);

/* Lays n over the target's own options and adds the proxy's userinfo to the
 * target's secrets, and that of libcurl's proxy variables (http_proxy, ...).
 * IFM_OK or IFM_ERR_NOMEM. */
ifm_err ifm_cli_net_apply(const ifm_netopts *n, ifm_target *t);

/* Appends n as options to argv[argc..max), for a command that runs another
 * (verify's re-run); returns the new argc (never past max). */
size_t ifm_cli_net_argv(const ifm_netopts *n, const char **argv, size_t argc, size_t max);

#endif
