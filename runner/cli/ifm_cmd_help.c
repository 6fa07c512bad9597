/* ifm_cmd_help.c: the --help text of run, certify and list, which share one
 * command line (ifm_cmd_run.c). */
#include <string.h>
#include "ifm_cmd.h"

void ifm_cmd_usage(const char *cmd, FILE *out) {
  if (cmd && strcmp(cmd, "certify") == 0)
    fputs("usage: ifmatch certify [options]\n"
        "\n"
        "Runs the whole suite against a target and writes a certificate\n"
        "(certificate.json, certificate.txt) beside every report, in --out. A\n"
        "certificate covers the whole suite: case paths and --filter are refused.\n"
        "\n"
        "  -t, --target FILE     target file (targets/README.md)            IFMATCH_TARGET\n"
        "  -u, --url URL         base URL                                      IFMATCH_URL\n"
        "  -p, --profile NAME    rfc9110 | rfc9110-428 | cpp | FILE          IFMATCH_PROFILE\n"
        "      --out DIR         where the certificate and reports go (default results)\n"
        "      --waivers FILE    known failures with reasons (they are listed on the certificate)\n"
        "      --sign KEY        sign it with an Ed25519 private key (PEM; make one with\n"
        "                        openssl genpkey -algorithm ed25519 -out KEY)\n"
        "  -j, --jobs N, --timeout SEC, --max-time SEC, --var KEY=VALUE, --report-name NAME,\n"
        "  --tap/--junit/--json/--html FILE (instead of DIR/ifmatch.*), -q, -v: as for run\n"
        "  -h, --help\n"
        "\n"
        "The certificate's verdict: CONFORMANT, CONFORMANT WITH N WAIVERS, NOT CONFORMANT,\n"
        "or NOT TESTED (nothing was judged). It pins the case files, the profile, the target\n"
        "file (secrets removed) and every report by SHA-256; 'ifmatch verify' checks it.\n"
        "Exit codes as for run.\n",
          out);
  else if (cmd && strcmp(cmd, "list") == 0)
    fputs("usage: ifmatch list [CASE_PATH...] [--filter GLOB] [--requirements]\n"
        "\n"
        "Lists the cases (id, requirement, level, RFC section, title) without sending\n"
        "anything; --requirements lists the catalogue with the number of cases for each.\n"
        "\n"
        "  -f, --filter GLOB     only cases whose id or requirement match     IFMATCH_FILTER\n"
        "      --requirements    the requirements catalogue, with case counts\n"
        "  -h, --help\n",
          out);
  else
    fputs("usage: ifmatch run [CASE_PATH...] [options]\n"
        "\n"
        "Runs the If-Match conformance suite against a target. With neither --target\n"
        "nor --url it starts the embedded reference server on a free loopback port.\n"
        "\n"
        "  -t, --target FILE     target file (targets/README.md)            IFMATCH_TARGET\n"
        "  -u, --url URL         base URL; alone: a server like the reference one IFMATCH_URL\n"
        "  -p, --profile NAME    rfc9110 | rfc9110-428 | cpp | FILE          IFMATCH_PROFILE\n"
        "  -f, --filter GLOB     only cases whose id or requirement match     IFMATCH_FILTER\n"
        "  -j, --jobs N          cases in flight at once (default 8)          IFMATCH_JOBS\n"
        "      --timeout SEC     per request (default: the target's, 10)      IFMATCH_TIMEOUT\n"
        "      --max-time SEC    the whole run (default 1800)                  IFMATCH_MAX_TIME\n"
        "      --var KEY=VALUE   a template variable for the cases (repeatable)\n"
        "      --tap FILE|-      TAP 14 report (- = stdout)\n"
        "      --junit FILE      JUnit XML report\n"
        "      --json FILE       JSON report (reports/README.md)\n"
        "      --html FILE       HTML report\n"
        "      --out DIR         the reports no option above places go to DIR/ifmatch.*;\n"
        "                        with no report option at all they all go to results/\n"
        "      --report-name NAME  in front of the JUnit suite names, so that reports of\n"
        "                        several targets merge (default: the target's name)\n"
        "                                                     IFMATCH_REPORT_NAME\n"
        "      --waivers FILE    known failures with reasons: expected (TAP TODO), not FAILs\n"
        "      --baseline FILE   an earlier --json report: say what newly fails / passes;\n"
        "                        the exit code is then 1 only for new failures\n"
        "      --allow-empty     a selection that matches no case is not an error\n"
        "  -q, --quiet           only the verdict line\n"
        "  -v, --verbose         a line for every case\n"
        "  -h, --help\n"
        "\n"
        "Exit: 0 conformant; 1 a case failed (a FAIL not waived; it wins over ERRORs);\n"
        "2 bad command line / target / case file, or a selection that matches no case;\n"
        "3 not tested or not completed: the target does not answer, its setup or the\n"
        "preflight failed (the verdict is NOT TESTED), the run was interrupted, a case\n"
        "ERRORed, or a report could not be written.\n",
          out);
}
