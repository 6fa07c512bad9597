/* ifm_cmd_fuzz.c: `ifmatch fuzz replay FILE` and `ifmatch fuzz to-case FILE`
 * for the stateful fuzzer's inputs (fuzz/fuzz_interleave.c, fuzz/prog/). The
 * target is the one the fuzzer used: the in-process reference server with
 * IFM_FUZZ_PROFILE / IFM_FUZZ_FLAWS, or IFM_FUZZ_URL (options override the
 * environment); the profile file is found as `ifmatch run` finds it. The
 * URL's userinfo and the target file's secrets (IFM_FUZZ_TARGET) are
 * redacted from every line printed and from the case written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ifm_cmd.h"
#include "ifm_fp_case.h"
#include "ifm_fp_lang.h"
#include "ifm_fp_oracle.h"
#include "ifm_fp_run.h"
#include "ifm_fp_target.h"
#include "ifm_paths.h"
#include "ifm_redact.h"
#include "ifm_redact_stdio.h"
#include "ifm_secrets.h"

static void fuzz_usage(FILE *out) {
  fputs("usage: ifmatch fuzz replay FILE [--profile P] [--flaw F[,F...]] [--url URL]\n"
        "       ifmatch fuzz to-case FILE [--out cases/regress/NAME.yaml] [--profile P] [--flaw F] [--url URL]\n"
        "\n"
        "replay: decodes a saved fuzz_interleave input, runs it and prints the program,\n"
        "the requests and responses and the violated requirement (exit 1 on a violation).\n"
        "to-case: writes a YAML case (cases/README.md) that reproduces what the input\n"
        "does, with the expectations of the fuzzer's oracles (stdout without --out).\n"
        "The target defaults to IFM_FUZZ_URL, or the in-process reference server with\n"
        "IFM_FUZZ_PROFILE and IFM_FUZZ_FLAWS.\n",
        out);
}

static unsigned char *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  unsigned char *buf = NULL;
  size_t cap = 0, n = 0;
  if (!f) return NULL;
  for (;;) {
    size_t got;
    if (n == cap) {
      unsigned char *nb = realloc(buf, cap ? cap * 2 : 4096);
      if (!nb) {
        free(buf);
        fclose(f);
        return NULL;
      }
      buf = nb;
      cap = cap ? cap * 2 : 4096;
    }
    got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0) break;
  }
  fclose(f);
  *len = n;
  return buf;
}

/* Writes the case to path, its secrets redacted. Returns 0, or 2. */
static int write_case(const char *path, const char *text, size_t len, char *const *secrets, size_t n_secrets) {
  size_t rlen = 0;
  char *r = ifm_redact(text, len, secrets, n_secrets, &rlen);
  FILE *out = r ? fopen(path, "w") : NULL;
  int rc = out && fwrite(r, 1, rlen, out) == rlen ? 0 : 2;
  if (!out) perror(path);
  if (out && fclose(out) != 0) rc = 2;
  free(r);
  return rc;
}

/* Runs the input and prints or writes what the subcommand asks for. */
static int fuzz_do(const char *sub, const char *outp, ifm_fp_target *tg, const ifm_fp_prog *prog,
                   ifm_fp_result *res, char *const *secrets, size_t n_secrets) {
  int rc;
  if (ifm_fp_run(tg, prog, 1, res) != 0) {
    fprintf(stderr, "ifmatch fuzz: the program could not be run\n");
    return 3;
  }
  if (strcmp(sub, "replay") == 0) {
    fputs(ifm_buf_str(&res->log), stdout);
    if (res->verdict.violated)
      printf("VIOLATION %s: %s\n", res->verdict.requirement, ifm_buf_str(&res->verdict.why));
    else
      printf("no violation\n");
    return res->verdict.violated ? 1 : 0;
  }
  {
    char name[128], *text = NULL;
    const char *base = outp ? strrchr(outp, '/') : NULL;
    size_t n, len = 0;
    FILE *out = outp ? open_memstream(&text, &len) : stdout;   /* stdout is redacted already */
    snprintf(name, sizeof name, "%s", base ? base + 1 : outp ? outp : "fuzz-case");
    n = strlen(name);
    if (n > 5 && strcmp(name + n - 5, ".yaml") == 0) name[n - 5] = '\0';
    if (!out) return 2;
    rc = ifm_fp_case_write(prog, &res->trace, &res->verdict, name, ifm_fp_target_profile(tg), out);
    if (outp && fclose(out) != 0) rc = 2;
    if (outp && rc == 0) rc = write_case(outp, text ? text : "", len, secrets, n_secrets);
    free(text);
    if (rc == 0 && outp)
      fprintf(stderr, "ifmatch fuzz: wrote %s (%s)\n", outp,
              res->verdict.violated ? res->verdict.requirement : "no violation against this target");
  }
  return rc;
}

int ifm_cmd_fuzz(int argc, char **argv) {
  const char *sub, *file = NULL, *outp = NULL, *prof = NULL, *flaws = NULL, *url = NULL;
  unsigned char *data;
  size_t len = 0;
  int i, rc;
  char err[512], *dir;
  ifm_fp_target_opts o;
  ifm_fp_target *tg;
  ifm_fp_prog prog;
  static ifm_fp_result res;
  char **secrets = NULL;
  size_t n_secrets = 0, k;

  if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    fuzz_usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  sub = argv[1];
  if (strcmp(sub, "replay") != 0 && strcmp(sub, "to-case") != 0) {
    fprintf(stderr, "ifmatch fuzz: unknown subcommand '%s'\n", sub);
    fuzz_usage(stderr);
    return 2;
  }
  for (i = 2; i < argc; i++) {
    const char **dst = NULL;
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {   /* fuzz replay --help */
      fuzz_usage(stdout);
      return 0;
    }
    if (strcmp(argv[i], "--out") == 0) dst = &outp;
    else if (strcmp(argv[i], "--profile") == 0) dst = &prof;
    else if (strcmp(argv[i], "--flaw") == 0 || strcmp(argv[i], "--flaws") == 0) dst = &flaws;
    else if (strcmp(argv[i], "--url") == 0) dst = &url;
    if (dst) {
      if (i + 1 >= argc) {
        fprintf(stderr, "ifmatch fuzz: %s needs a value\n", argv[i]);
        return 2;
      }
      *dst = argv[++i];
    } else if (argv[i][0] == '-' && argv[i][1]) {
      fprintf(stderr, "ifmatch fuzz: unknown option '%s'\n", argv[i]);
      return 2;
    } else if (!file) {
      file = argv[i];
    } else {
      fprintf(stderr, "ifmatch fuzz: one FILE only\n");
      return 2;
    }
  }
  if (!file) {
    fuzz_usage(stderr);
    return 2;
  }
  if (outp && strcmp(sub, "to-case") != 0) {
    fprintf(stderr, "ifmatch fuzz: --out is for to-case\n");
    return 2;
  }
  data = read_all(file, &len);
  if (!data) {
    perror(file);
    return 2;
  }
  ifm_fp_target_opts_from_env(&o);
  if (prof) o.profile = prof;
  if (flaws) o.flaws = flaws;
  if (url) o.url = url;
  o.profile_dir = dir = ifm_paths_find("cases/profiles");
  tg = ifm_fp_target_new(&o, err, sizeof err);
  free(dir);
  if (!tg) {
    fprintf(stderr, "ifmatch fuzz: %s\n", err);
    free(data);
    return 2;
  }
  /* from here every line is redacted: the URL's userinfo, the target file's secrets */
  rc = ifm_secrets_add_url(&secrets, &n_secrets, o.url) != IFM_OK ? 3 : 0;
  for (k = 0; rc == 0 && tg->has_target && k < tg->target.n_secrets; k++)
    if (ifm_secrets_add(&secrets, &n_secrets, tg->target.secrets[k]) != IFM_OK) rc = 3;
  if (rc == 0 && ifm_redact_stdio_begin(secrets, n_secrets) != 0) rc = 3;
  if (rc == 0) {
    ifm_fp_decode(data, len, ifm_fp_oracle_none_in_model(ifm_fp_target_profile(tg)), &prog);
    ifm_fp_result_init(&res);
    rc = fuzz_do(sub, outp, tg, &prog, &res, secrets, n_secrets);
    ifm_fp_result_clear(&res);
  }
  free(data);
  ifm_fp_target_free(tg);
  ifm_redact_stdio_end();
  for (k = 0; k < n_secrets; k++) free(secrets[k]);
  free(secrets);
  return rc;
}
