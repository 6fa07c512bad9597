/* ifm_run_cli.h: the command line of `ifmatch run`, `certify` and `list`,
 * which share one set of options (ifm_cmd_help.c describes them), with
 * IFMATCH_* environment variables as defaults.
 */
#ifndef IFM_RUN_CLI_H
#define IFM_RUN_CLI_H

#include <stddef.h>
#include "ifm_model.h"

typedef struct ifm_run_cli {
  const char **paths;
  size_t n_paths;
  const char *target_file, *url, *profile, *filter;
  const char *tap, *junit, *json, *html;
  unsigned jobs;
  double timeout_s, max_time_s;
  double max_memory_mib;  /* --max-memory; 0: the executor's default */
  const char **var_names, **var_values;
  size_t n_vars;
  int quiet, verbose;
  int allow_empty;      /* a selection that matches no case is not an error */
  int requirements;     /* list: the catalogue with case counts */
  const char *waivers, *baseline;
  int certify;          /* ifmatch certify */
  const char *out_dir;  /* --out: where the reports go that no option of their own places */
  const char *sign_key; /* certify --sign: an Ed25519 private key (PEM) */
  const char *report_name;  /* --report-name: JUnit suite names; default the target's name */
  ifm_netopts net;      /* --cert, --key, --proxy, --noproxy, --resolve, --connect-to (owned) */
} ifm_run_cli;

/* Reads argv (argv[0] is the subcommand, cmd its name) into *c, which it
 * zeroes first. 0; 1 when --help was printed; -1 on bad usage (said on
 * stderr: exit 2). Either way ifm_run_cli_free frees what it holds. */
int ifm_run_cli_parse(int argc, char **argv, ifm_run_cli *c, const char *cmd);
void ifm_run_cli_free(ifm_run_cli *c);

#endif
