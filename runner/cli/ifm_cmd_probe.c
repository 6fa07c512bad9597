/* ifm_cmd_probe.c: `ifmatch probe`: the command line of the probe
 * (runner/probe/): options in, the target file out (--out FILE, or
 * stdout), what it found on stderr. Exit 0 a target was written, 2 bad
 * command line or partial target, 3 no working target could be made
 * (unreachable, not HTTP, every write refused, no way to create).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ifm_cli_net.h"
#include "ifm_cmd.h"
#include "ifm_probe.h"
#include "ifm_redact_stdio.h"
#include "ifm_secrets.h"

static volatile int g_probe_stop;

static void probe_signal_cb(int sig) {
  (void)sig;
  g_probe_stop = 1;
}

static void probe_usage(FILE *out) {
  fputs("usage: ifmatch probe --url URL [options]\n"
        "\n"
        "Finds a server's shape with a few requests of its own (each on a fresh path under\n"
        "a run-unique prefix, deleted afterwards where the server lets it) and writes a\n"
        "target file for `ifmatch run`, with the evidence for every key in a comment:\n"
        "how it creates (PUT, PUT with If-None-Match: *, POST with Location), its ETags,\n"
        "which capabilities it has, the payload's round trip, the profile its writes\n"
        "suggest, and how many connections it serves at once.\n"
        "\n"
        "  -u, --url URL            where to probe: http://host[:port][/prefix]\n"
        "  -o, --out FILE           write the target file there (default: stdout)\n"
        "  -t, --target FILE        a partial target file to start from (its setup, headers,\n"
        "                           bodies, extract and secrets are kept; the rest is found)\n"
        "      --body-template T    a body wrapper for create and update ({{body}} is the payload)\n"
        "      --extract RE         read's extract: a POSIX ERE whose group is the payload\n"
        "      --timeout SEC        per request (default 10)\n"
        "  -H, --header 'N: V'      sent on every request (repeatable); V may use ${env:NAME}.\n"
        "                           A credential (Authorization, Cookie) is never written: the\n"
        "                           file names ${env:IFMATCH_SECRET_<NAME>} instead\n"
        "      --cert FILE          client certificate, PEM (mTLS); tls.cert in the file\n"
        "      --key FILE           its private key, PEM, not encrypted (default: in --cert)\n"
        "      --proxy URL          [scheme://][user:password@]host[:port]; the file gets it as\n"
        "                           ${env:IFMATCH_SECRET_PROXY} when it holds credentials\n"
        "      --noproxy LIST       hosts never proxied ('*': none; '': not even loopback)\n"
        "      --resolve HOST:PORT:ADDR[,ADDR]...  use ADDR for HOST:PORT (repeatable)\n"
        "      --connect-to HOST1:PORT1:HOST2:PORT2  connect there instead (repeatable)\n"
        "                           These are curl's options, written into the target file;\n"
        "                           without --proxy, libcurl's http_proxy, HTTPS_PROXY, ... apply\n"
        "  -q, --quiet              no findings on stderr\n"
        "  -h, --help\n"
        "\n"
        "Exit: 0 a target file was written, 2 bad command line or partial target, 3 no working\n"
        "target can be made (unreachable, not HTTP, read-only, no way to create found).\n",
        out);
}

static int write_file(const char *path, const ifm_buf *b) {
  char tmp[4200];
  FILE *f;
  int rc;
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  if (!(f = fopen(tmp, "w"))) {
    fprintf(stderr, "ifmatch probe: cannot write %s: %s\n", path, strerror(errno));
    return -1;
  }
  rc = fwrite(ifm_buf_str(b), 1, b->len, f) == b->len ? 0 : -1;
  if (fclose(f) != 0) rc = -1;
  if (rc != 0 || rename(tmp, path) != 0) {
    fprintf(stderr, "ifmatch probe: cannot write %s: %s\n", path, strerror(errno));
    unlink(tmp);
    return -1;
  }
  return 0;
}

int ifm_cmd_probe(int argc, char **argv) {
  static const struct option opts[] = {
      {"url", required_argument, 0, 'u'},     {"out", required_argument, 0, 'o'},
      {"target", required_argument, 0, 't'},  {"body-template", required_argument, 0, 'B'},
      {"extract", required_argument, 0, 'E'}, {"timeout", required_argument, 0, 'T'},
      {"header", required_argument, 0, 'H'},  {"quiet", no_argument, 0, 'q'},
      {"help", no_argument, 0, 'h'},          IFM_CLI_NET_OPTIONS,
      {0, 0, 0, 0}};
  ifm_probe_opts po;
  ifm_netopts net;
  ifm_probe *p = NULL;
  ifm_buf out = IFM_BUF_INIT;
  const char **hdrs = NULL, **h;
  const char *outfile = NULL;
  char err[1024], *end, **url_secrets = NULL, *const *secrets;
  size_t n_url_secrets = 0, n_secrets, i;
  int ch, quiet = 0, code = 2, isnet;
  ifm_err rc;
  memset(&po, 0, sizeof po);
  memset(&net, 0, sizeof net);
  optind = 1;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, ":u:o:t:H:qh", opts, NULL)) != -1) {
    switch (ch) {
      case 'u': po.url = optarg; break;
      case 'o': outfile = optarg; break;
      case 't': po.partial = optarg; break;
      case 'B': po.body_template = optarg; break;
      case 'E': po.extract = optarg; break;
      case 'T':
        errno = 0;
        po.timeout_s = strtod(optarg, &end);
        if (errno || end == optarg || *end || po.timeout_s <= 0 || po.timeout_s > 3600) {
          fprintf(stderr, "ifmatch probe: --timeout: '%s' is not a number of seconds from 0 to 3600\n", optarg);
          goto out;
        }
        break;
      case 'H':
        if (!(h = realloc(hdrs, (po.n_headers + 1) * sizeof *h))) goto out;
        hdrs = h;
        hdrs[po.n_headers++] = optarg;
        break;
      case 'q': quiet = 1; break;
      case 'h': probe_usage(stdout); code = 0; goto out;
      case ':': fprintf(stderr, "ifmatch probe: option '%s' needs a value\n", argv[optind - 1]); goto out;
      default:
        if ((isnet = ifm_cli_net_option(ch, optarg, &net, "probe")) > 0) break;
        if (isnet == 0)
          fprintf(stderr, "ifmatch probe: unknown option '%s' (see ifmatch probe --help)\n", argv[optind - 1]);
        goto out;
    }
  }
  if (optind < argc) {
    fprintf(stderr, "ifmatch probe: unexpected argument '%s' (see ifmatch probe --help)\n", argv[optind]);
    goto out;
  }
  if (!po.url) {
    fprintf(stderr, "ifmatch probe: --url is required (see ifmatch probe --help)\n");
    goto out;
  }
  if (ifm_cli_net_check(&net, "probe") != 0) goto out;
  po.net = &net;
  po.headers = hdrs;
  po.stop = &g_probe_stop;
  /* the terminal redacts --url's userinfo at once, and every secret of the
   * probe (the partial target's, the --header credentials) once it is loaded */
  if (ifm_secrets_add_url(&url_secrets, &n_url_secrets, po.url) != IFM_OK ||
      ifm_secrets_add_proxy(&url_secrets, &n_url_secrets, net.proxy) != IFM_OK ||
      ifm_redact_stdio_begin(url_secrets, n_url_secrets) != 0)
    goto out;
  po.log = quiet ? NULL : stderr;
  if (!(p = ifm_probe_new(&po, err, sizeof err))) {
    fprintf(stderr, "ifmatch probe: %s\n", err);
    goto out;
  }
  secrets = ifm_probe_secrets(p, &n_secrets);
  if (ifm_redact_stdio_begin(secrets, n_secrets) != 0) goto out;
  po.log = quiet ? NULL : stderr;   /* the filter just started */
  signal(SIGINT, probe_signal_cb);
  signal(SIGTERM, probe_signal_cb);
  signal(SIGPIPE, SIG_IGN);
  rc = ifm_probe_run(p, &out, err, sizeof err);
  if (rc != IFM_OK) {
    fprintf(stderr, "ifmatch probe: no target file written: %s\n", err[0] ? err : ifm_err_name(rc));
    code = 3;
    goto out;
  }
  if (outfile ? write_file(outfile, &out) != 0 : fwrite(ifm_buf_str(&out), 1, out.len, stdout) != out.len) {
    code = 3;
    goto out;
  }
  if (outfile && !quiet) fprintf(stderr, "ifmatch probe: wrote %s\n", outfile);
  code = 0;
out:
  ifm_redact_stdio_end();
  for (i = 0; i < n_url_secrets; i++) free(url_secrets[i]);
  free(url_secrets);
  ifm_probe_free(p);
  ifm_buf_clear(&out);
  free(hdrs);
  ifm_netopts_clear(&net);
  return code;
}
