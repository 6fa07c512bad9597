/* ifm_main.c: the ifmatch program; dispatches to a subcommand. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_cmd.h"
#include "ifm_paths.h"
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
        "  matrix   put the JSON reports of several servers side by side (HTML page, Markdown)\n"
        "  serve    start the reference server (profiles, seeded flaws)\n"
        "  probe    find a server's shape and write a target file for it\n"
        "  fuzz     replay a stateful-fuzzer input, or turn it into a case (fuzz replay|to-case FILE)\n"
        "  version  print the version and where the suite is\n"
        "\n"
        "global options (before or after COMMAND):\n"
        "  --suite DIR  the suite: the folder holding cases/ and targets/ (env IFMATCH_SUITE;\n"
        "               default: share/ifmatch of the install prefix, or the source tree\n"
        "               of a build; never the current directory)\n"
        "\n"
        "'ifmatch COMMAND --help' describes each command; 'man ifmatch' all of them.\n",
        out);
}

/* Takes every --suite DIR and --suite=DIR (up to a "--") out of argv, so
 * that the option may stand before or after the command and the command's
 * own parser never sees it. The last one wins. Returns the new argc, or -1
 * when --suite has no value. */
static int take_suite_option(int argc, char **argv) {
  int i, out = 1;
  const char *dir = NULL;
  for (i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--") == 0) {
      while (i < argc) argv[out++] = argv[i++];
      break;
    }
    if (strcmp(argv[i], "--suite") == 0) {
      if (i + 1 >= argc || !*argv[i + 1]) return -1;
      dir = argv[++i];
    } else if (strncmp(argv[i], "--suite=", 8) == 0) {
      if (!argv[i][8]) return -1;
      dir = argv[i] + 8;
    } else {
      argv[out++] = argv[i];
    }
  }
  argv[out] = NULL;
  if (dir) ifm_paths_set_suite(dir);
  return out;
}

/* 1 for the commands that read the suite. */
static int uses_suite(const char *cmd) {
  static const char *const names[] = {"run", "list", "certify", "verify", "fuzz"};
  size_t i;
  for (i = 0; i < sizeof names / sizeof *names; i++)
    if (strcmp(cmd, names[i]) == 0) return 1;
  return 0;
}

int main(int argc, char **argv) {
  const char *cmd, *bad;
  char *home;
  int rc;
  if ((argc = take_suite_option(argc, argv)) < 0) {
    fprintf(stderr, "ifmatch: --suite needs a directory (the folder holding cases/ and targets/)\n");
    return 2;
  }
  cmd = argc > 1 ? argv[1] : NULL;
  if (!cmd || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
    usage(cmd ? stdout : stderr);
    return cmd ? 0 : 2;
  }
  if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
    printf("ifmatch %s (%s)\n", IFM_VERSION, curl_version());
    home = ifm_paths_home();
    printf("suite: %s\n", home ? home : "none found (give --suite DIR or IFMATCH_SUITE)");
    free(home);
    return 0;
  }
  if (uses_suite(cmd) && (bad = ifm_paths_check())) {
    fprintf(stderr, "ifmatch: %s\n", bad);
    return 2;
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
  else if (strcmp(cmd, "matrix") == 0) rc = ifm_cmd_matrix(argc - 1, argv + 1);
  else if (strcmp(cmd, "serve") == 0) rc = ifm_serve_main(argc - 1, argv + 1);
  else {
    fprintf(stderr, "ifmatch: unknown command '%s'\n", cmd);
    usage(stderr);
    rc = 2;
  }
  curl_global_cleanup();
  return rc;
}
