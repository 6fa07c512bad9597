/* ifm_main.c: the ifmatch program; dispatches to a subcommand. */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include "ifm_cmd.h"
#include "ifm_serve_cmd.h"

static void usage(FILE *out) {
  fputs("usage: ifmatch COMMAND [options]\n"
        "\n"
        "Conformance suite and fuzzer for HTTP If-Match (RFC 9110 13.1.1).\n"
        "\n"
        "commands:\n"
        "  run      run the suite against a target (default: the embedded reference server)\n"
        "  list     list the cases (--requirements: the catalogue with case counts)\n"
        "  certify  run the suite and write a certificate (results/certificate.{json,txt})\n"
        "  verify   check a certificate: its digest, signature, reports; --url/--target: run again\n"
        "  serve    start the reference server (profiles, seeded flaws)\n"
        "  probe    find a server's shape and write a target file for it\n"
        "  fuzz     replay a stateful-fuzzer input, or turn it into a case (fuzz replay|to-case FILE)\n"
        "  version  print the version\n"
        "\n"
        "'ifmatch COMMAND --help' describes each command.\n",
        out);
}

int main(int argc, char **argv) {
  const char *cmd = argc > 1 ? argv[1] : NULL;
  int rc;
  if (!cmd || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
    usage(cmd ? stdout : stderr);
    return cmd ? 0 : 2;
  }
  if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
    printf("ifmatch %s (%s)\n", IFM_VERSION, curl_version());
    return 0;
  }
  if (strcmp(cmd, "run") == 0 || strcmp(cmd, "certify") == 0 || strcmp(cmd, "verify") == 0)
    ifm_cmd_run_catch_signals();
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    fprintf(stderr, "ifmatch: libcurl failed to initialise\n");
    return 3;
  }
  if (strcmp(cmd, "run") == 0) rc = ifm_cmd_run(argc - 1, argv + 1);
  else if (strcmp(cmd, "list") == 0) rc = ifm_cmd_list(argc - 1, argv + 1);
  else if (strcmp(cmd, "certify") == 0) rc = ifm_cmd_certify(argc - 1, argv + 1);
  else if (strcmp(cmd, "fuzz") == 0) rc = ifm_cmd_fuzz(argc - 1, argv + 1);
  else if (strcmp(cmd, "probe") == 0) rc = ifm_cmd_probe(argc - 1, argv + 1);
  else if (strcmp(cmd, "verify") == 0) rc = ifm_cmd_verify(argc - 1, argv + 1);
  else if (strcmp(cmd, "serve") == 0) rc = ifm_serve_main(argc - 1, argv + 1);
  else {
    fprintf(stderr, "ifmatch: unknown command '%s'\n", cmd);
    usage(stderr);
    rc = 2;
  }
  curl_global_cleanup();
  return rc;
}
