/* ifm_cmd_verify.c: `ifmatch verify CERT`, a third party's check of a
 * certificate.
 *
 * A certificate holds (ifm_certificate.h) its digest, maybe a signature, and
 * the SHA-256 of each report it was issued with. verify checks, in order:
 *   1. the digest covers the certificate's bytes (any edit shows);
 *   2. the signature, when there is one, verifies with the public key it
 *      names, and that key is --pubkey's when one is given;
 *   3. each report beside it has the bytes it pins;
 *   4. the certificate is exactly what its JSON report gives: the writer
 *      issues it again from that report and its pinned inputs, and the bytes
 *      must be the same (certificate.txt too, when it is beside it);
 *   5. with --url or --target, the suite run again agrees verdict by verdict.
 * Exit: 0 it holds; 1 it does not (what and where is printed); 2 bad command
 * line or not a certificate; 3 it could not be checked (a report missing, the
 * re-run not completed).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ifm_cert_check.h"
#include "ifm_certificate.h"
#include "ifm_certify.h"
#include "ifm_cli_net.h"
#include "ifm_cmd.h"
#include "ifm_out_file.h"
#include "ifm_report_read.h"

typedef struct verify_cli {
  const char *cert, *pubkey, *url, *target, *profile, *timeout, *reports_dir;
  int quiet;
  ifm_netopts net;   /* passed on to the re-run */
} verify_cli;

static void usage(FILE *out) {
  fputs("usage: ifmatch verify CERTIFICATE.json [options]\n"
        "\n"
        "Checks a certificate written by 'ifmatch certify': its digest (any edited byte shows), its\n"
        "signature, the reports it pins by SHA-256, and that it is exactly what its JSON report\n"
        "gives. With --url or --target the suite is run again and compared verdict by verdict.\n"
        "\n"
        "options:\n"
        "  --pubkey PEM      the signer's Ed25519 public key: the certificate must be signed by it\n"
        "  --reports DIR     where its reports are (default: the certificate's folder)\n"
        "  --url URL         run the suite again against URL and compare the verdicts\n"
        "  --target FILE     run it again through a target file and compare\n"
        "  --profile NAME    profile for the re-run (default: the certificate's)\n"
        "  --timeout S       per-request timeout of the re-run\n"
        "  --cert FILE, --key FILE, --proxy URL, --noproxy LIST, --resolve HOST:PORT:ADDR,\n"
        "  --connect-to HOST1:PORT1:HOST2:PORT2\n"
        "                    how the re-run reaches the server, as for 'ifmatch run'\n"
        "  -q, --quiet       only problems\n"
        "  -h, --help        this text\n"
        "\n"
        "exit: 0 the certificate holds; 1 it does not; 2 bad command line or not a certificate;\n"
        "3 it could not be checked (a report missing, the re-run not completed)\n",
        out);
}

static int parse(int argc, char **argv, verify_cli *c) {
  static const struct option opts[] = {{"pubkey", required_argument, 0, 'k'}, {"url", required_argument, 0, 'u'},
                                       {"target", required_argument, 0, 't'}, {"profile", required_argument, 0, 'p'},
                                       {"timeout", required_argument, 0, 'T'}, {"reports", required_argument, 0, 'r'},
                                       {"quiet", no_argument, 0, 'q'},        {"help", no_argument, 0, 'h'},
                                       IFM_CLI_NET_OPTIONS,                   {0, 0, 0, 0}};
  int ch, net;
  memset(c, 0, sizeof *c);
  optind = 1;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, ":qh", opts, NULL)) != -1) {
    switch (ch) {
      case 'k': c->pubkey = optarg; break;
      case 'u': c->url = optarg; break;
      case 't': c->target = optarg; break;
      case 'p': c->profile = optarg; break;
      case 'T': c->timeout = optarg; break;
      case 'r': c->reports_dir = optarg; break;
      case 'q': c->quiet = 1; break;
      case 'h': usage(stdout); return 1;
      case ':': fprintf(stderr, "ifmatch verify: option '%s' needs a value\n", argv[optind - 1]); return -1;
      default:
        if ((net = ifm_cli_net_option(ch, optarg, &c->net, "verify")) > 0) break;
        if (net == 0)
          fprintf(stderr, "ifmatch verify: unknown option '%s' (see ifmatch verify --help)\n", argv[optind - 1]);
        return -1;
    }
  }
  if (optind != argc - 1) {
    fprintf(stderr, "ifmatch verify: name one certificate (certificate.json; see ifmatch verify --help)\n");
    return -1;
  }
  c->cert = argv[optind];
  if (c->url && c->target) {
    fprintf(stderr, "ifmatch verify: --url and --target: name one\n");
    return -1;
  }
  return ifm_cli_net_check(&c->net, "verify");
}

/* Steps 3 and 4 (ifm_cert_check.h). Returns 0 holds, 1 does not, 3 cannot check. */
static int check_reports(const verify_cli *c, const ifm_certinfo *ci, const ifm_buf *cert, ifm_report *rep) {
  char path[4200], err[600];
  int bad = ifm_cert_check_pinned("verify", c->cert, c->reports_dir, ci, path, sizeof path), rc;
  if (bad == 3) return 3;
  if (!path[0]) {
    fprintf(stderr, "ifmatch verify: the certificate pins no JSON report: nothing to check it against\n");
    return 1;
  }
  if (ifm_report_read_json(path, rep, err, sizeof err) != 0) {
    fprintf(stderr, "ifmatch verify: %s\n", err);
    return 1;
  }
  rc = ifm_cert_check_issued("verify", c->cert, ci, cert, rep, path);
  return rc == 3 ? 3 : bad || rc;
}

/* Step 5: certify again into a fresh folder, compare case by case. */
static int rerun(const verify_cli *c, const ifm_certinfo *ci, const ifm_report *rep) {
  char dir[4096], path[4200];
  const char *tmpdir = getenv("TMPDIR");
  size_t max = 24 + 2 * (c->net.n_resolve + c->net.n_connect_to), argc = 0;
  const char **argv = calloc(max, sizeof *argv);
  int rc, diff = 0, k;
  ifm_report *now = ifm_report_new();
  char err[600];
  size_t i, j;
  snprintf(dir, sizeof dir, "%s/ifmatch-verify-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
  if (!argv || !now || !mkdtemp(dir)) {
    ifm_report_free(now);
    free(argv);
    return 3;
  }
  argv[argc++] = "certify";
  argv[argc++] = "--quiet";
  argv[argc++] = "--out";
  argv[argc++] = dir;
  argv[argc++] = c->url ? "--url" : "--target";
  argv[argc++] = c->url ? c->url : c->target;
  argv[argc++] = "--profile";
  argv[argc++] = c->profile ? c->profile : rep->profile ? rep->profile : "rfc9110";
  if (c->timeout) {
    argv[argc++] = "--timeout";
    argv[argc++] = c->timeout;
  }
  argc = ifm_cli_net_argv(&c->net, argv, argc, max - 1);
  argv[argc] = NULL;
  /* not the URL: it may carry userinfo, which only the run itself redacts */
  if (!c->quiet) fprintf(stderr, "ifmatch verify: running the suite again (%s)\n", c->url ? "--url" : c->target);
  rc = ifm_cmd_certify((int)argc, (char **)argv);
  free(argv);
  snprintf(path, sizeof path, "%s/%s", dir, ifm_out_names[IFM_OUT_JSON]);
  if (rc > 1 || ifm_report_read_json(path, now, err, sizeof err) != 0 || ifm_report_not_tested(now)) {
    fprintf(stderr, "ifmatch verify: cannot compare: the re-run did not complete (exit %d)\n", rc);
    diff = -1;
  }
  for (i = 0; diff >= 0 && i < rep->n_results; i++) {
    const ifm_result *a = &rep->results[i], *b = NULL;
    for (j = 0; j < now->n_results && !b; j++)
      if (strcmp(now->results[j].case_id, a->case_id) == 0) b = &now->results[j];
    if (!b || b->verdict != a->verdict) {
      fprintf(stderr, "ifmatch verify: %s: certified %s, now %s%s%s\n", a->case_id, ifm_verdict_name(a->verdict),
              b ? ifm_verdict_name(b->verdict) : "not run", b && b->message ? ": " : "",
              b && b->message ? b->message : "");
      diff++;
    }
  }
  if (diff >= 0 && now->n_results != rep->n_results) {
    fprintf(stderr, "ifmatch verify: the suite has %zu cases now, %zu were certified (suite sha256 %s)\n",
            now->n_results, rep->n_results, ci->suite_sha256);
    diff++;
  }
  if (diff == 0 && !c->quiet)
    fprintf(stderr, "ifmatch verify: the re-run agrees verdict by verdict (%zu cases)\n", now->n_results);
  for (k = 0; k < IFM_OUT_KINDS; k++) {
    snprintf(path, sizeof path, "%s/%s", dir, ifm_out_names[k]);
    unlink(path);
  }
  snprintf(path, sizeof path, "%s/certificate.txt", dir);
  unlink(path);
  snprintf(path, sizeof path, "%s/certificate.json", dir);
  unlink(path);
  rmdir(dir);
  ifm_report_free(now);
  return diff < 0 ? 3 : diff ? 1 : 0;
}

int ifm_cmd_verify(int argc, char **argv) {
  verify_cli c;
  ifm_buf cert = IFM_BUF_INIT;
  ifm_certinfo ci;
  ifm_report *rep = NULL;
  char digest[65], err[600], vbuf[64];
  int rc = parse(argc, argv, &c);
  memset(&ci, 0, sizeof ci);
  if (rc != 0) {
    ifm_netopts_clear(&c.net);
    return rc > 0 ? 0 : 2;
  }
  if (ifm_cert_check_load(c.cert, &cert, &ci, digest, err, sizeof err) != 0) {
    fprintf(stderr, "ifmatch verify: %s\n", err);
    ifm_buf_clear(&cert);
    ifm_netopts_clear(&c.net);
    return 2;
  }
  rc = ifm_cert_check_signature("verify", c.cert, &ci, &cert, digest, c.pubkey);
  if (rc == 0 && !(rep = ifm_report_new())) rc = 3;
  if (rc == 0) rc = check_reports(&c, &ci, &cert, rep);
  if (rc == 0 && !c.quiet)
    printf("ifmatch verify: %s holds: %s, %zu cases against %s (profile %s); digest%s and %zu reports checked\n",
           c.cert, ifm_certificate_verdict(rep, &ci, vbuf, sizeof vbuf), rep->n_results,
           rep->target ? rep->target : "?", rep->profile ? rep->profile : "?",
           ci.sig_algorithm ? ", Ed25519 signature" : "", ci.n_reports);
  if (rc == 0 && !c.quiet && ci.sig_algorithm && !c.pubkey)
    printf("ifmatch verify: signed by the key %s (--pubkey checks that it is the one you expect)\n",
           ci.sig_public_key);
  if (rc == 0 && (c.url || c.target)) rc = rerun(&c, &ci, rep);
  ifm_report_free(rep);
  ifm_certinfo_clear(&ci);
  ifm_buf_clear(&cert);
  ifm_netopts_clear(&c.net);
  return rc;
}
