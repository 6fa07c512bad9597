/* ifm_run_cli.c: the command line of run, certify and list (see
 * ifm_run_cli.h): getopt_long over one table, IFMATCH_* variables read
 * first so that an option given wins, numbers checked against their range,
 * and the connection options of ifm_cli_net.c.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_buf.h"
#include "ifm_cli_net.h"
#include "ifm_cmd.h"
#include "ifm_run_cli.h"

static int parse_number(const char *opt, const char *s, double min, double max, double *out) {
  char *end;
  double v;
  errno = 0;
  v = strtod(s, &end);
  if (errno || end == s || *end || v < min || v > max) {
    fprintf(stderr, "ifmatch run: %s: '%s' is not a number from %g to %g\n", opt, s, min, max);
    return -1;
  }
  *out = v;
  return 0;
}

static int add_var(ifm_run_cli *c, const char *kv) {
  const char *eq = strchr(kv, '=');
  const char **n, **v;
  if (!eq || eq == kv) {
    fprintf(stderr, "ifmatch run: --var: expected KEY=VALUE, got '%s'\n", kv);
    return -1;
  }
  n = realloc(c->var_names, (c->n_vars + 1) * sizeof *n);
  if (!n) return -1;
  c->var_names = n;
  v = realloc(c->var_values, (c->n_vars + 1) * sizeof *v);
  if (!v) return -1;
  c->var_values = v;
  c->var_names[c->n_vars] = ifm_strndup(kv, (size_t)(eq - kv));
  c->var_values[c->n_vars] = eq + 1;
  c->n_vars++;
  return 0;
}

void ifm_run_cli_free(ifm_run_cli *c) {
  size_t i;
  for (i = 0; i < c->n_vars; i++) free((char *)c->var_names[i]);
  free(c->var_names);
  free(c->var_values);
  free(c->paths);
  ifm_netopts_clear(&c->net);
}

int ifm_run_cli_parse(int argc, char **argv, ifm_run_cli *c, const char *cmd) {
  static const struct option opts[] = {
      {"target", required_argument, 0, 't'}, {"url", required_argument, 0, 'u'},
      {"profile", required_argument, 0, 'p'}, {"filter", required_argument, 0, 'f'},
      {"jobs", required_argument, 0, 'j'},    {"timeout", required_argument, 0, 'T'},
      {"max-time", required_argument, 0, 'M'}, {"var", required_argument, 0, 'V'},
      {"tap", required_argument, 0, 'A'},     {"junit", required_argument, 0, 'J'},
      {"json", required_argument, 0, 'S'},    {"html", required_argument, 0, 'H'},
      {"quiet", no_argument, 0, 'q'},         {"verbose", no_argument, 0, 'v'},
      {"requirements", no_argument, 0, 'R'},  {"help", no_argument, 0, 'h'},
      {"waivers", required_argument, 0, 'W'}, {"baseline", required_argument, 0, 'B'},
      {"out", required_argument, 0, 'O'},     {"allow-empty", no_argument, 0, 'E'},
      {"report-name", required_argument, 0, 'N'}, {"sign", required_argument, 0, 'K'},
      {"max-memory", required_argument, 0, 'm'},
      IFM_CLI_NET_OPTIONS,
      {0, 0, 0, 0}};
  const char *env;
  double d;
  int ch, net;
  memset(c, 0, sizeof *c);
  c->jobs = 8;
  c->max_time_s = 1800;
  c->target_file = getenv("IFMATCH_TARGET");
  c->url = getenv("IFMATCH_URL");
  c->profile = getenv("IFMATCH_PROFILE");
  c->filter = getenv("IFMATCH_FILTER");
  c->report_name = getenv("IFMATCH_REPORT_NAME");
  if ((env = getenv("IFMATCH_JOBS")) && *env) {
    if (parse_number("IFMATCH_JOBS", env, 1, 1024, &d)) return -1;
    c->jobs = (unsigned)d;
  }
  if ((env = getenv("IFMATCH_TIMEOUT")) && *env && parse_number("IFMATCH_TIMEOUT", env, 0.001, 86400, &c->timeout_s)) return -1;
  if ((env = getenv("IFMATCH_MAX_TIME")) && *env && parse_number("IFMATCH_MAX_TIME", env, 1, 864000, &c->max_time_s)) return -1;
  if ((env = getenv("IFMATCH_MAX_MEMORY")) && *env &&
      parse_number("IFMATCH_MAX_MEMORY", env, 16, 1048576, &c->max_memory_mib))
    return -1;
  optind = 1;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, ":t:u:p:f:j:qvh", opts, NULL)) != -1) {
    switch (ch) {
      case 't': c->target_file = optarg; break;
      case 'u': c->url = optarg; break;
      case 'p': c->profile = optarg; break;
      case 'f': c->filter = optarg; break;
      case 'j':
        if (parse_number("--jobs", optarg, 1, 1024, &d)) return -1;
        c->jobs = (unsigned)d;
        break;
      case 'T': if (parse_number("--timeout", optarg, 0.001, 86400, &c->timeout_s)) return -1; break;
      case 'M': if (parse_number("--max-time", optarg, 1, 864000, &c->max_time_s)) return -1; break;
      case 'V': if (add_var(c, optarg)) return -1; break;
      case 'A': c->tap = optarg; break;
      case 'J': c->junit = optarg; break;
      case 'S': c->json = optarg; break;
      case 'H': c->html = optarg; break;
      case 'q': c->quiet = 1; break;
      case 'v': c->verbose = 1; break;
      case 'R': c->requirements = 1; break;
      case 'W': c->waivers = optarg; break;
      case 'B': c->baseline = optarg; break;
      case 'O': c->out_dir = optarg; break;
      case 'E': c->allow_empty = 1; break;
      case 'N': c->report_name = optarg; break;
      case 'K': c->sign_key = optarg; break;
      case 'm': if (parse_number("--max-memory", optarg, 16, 1048576, &c->max_memory_mib)) return -1; break;
      case 'h': ifm_cmd_usage(cmd, stdout); return 1;
      case ':':
        fprintf(stderr, "ifmatch %s: option '%s' needs a value\n", cmd, argv[optind - 1]);
        return -1;
      default:
        if ((net = ifm_cli_net_option(ch, optarg, &c->net, cmd)) != 0) {
          if (net < 0) return -1;
          break;
        }
        fprintf(stderr, "ifmatch %s: unknown option '%s' (see ifmatch %s --help)\n", cmd, argv[optind - 1], cmd);
        return -1;
    }
  }
  c->n_paths = (size_t)(argc - optind);
  c->paths = calloc(c->n_paths + 1, sizeof *c->paths);
  if (!c->paths) return -1;
  for (ch = optind; ch < argc; ch++) c->paths[ch - optind] = argv[ch];
  if (c->target_file && !*c->target_file) c->target_file = NULL;
  if (c->url && !*c->url) c->url = NULL;
  if (c->report_name && !*c->report_name) c->report_name = NULL;
  return ifm_cli_net_check(&c->net, cmd);
}
