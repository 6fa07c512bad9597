/* ifm_cmd_run.c: `ifmatch run` and `ifmatch list`.
 *
 * run: load and check everything first (a bad file exits 2 before anything is
 * sent), start the embedded reference server when no target is named, run,
 * write every report asked for (also when interrupted), print a summary and
 * exit 0 conformant / 1 a case failed / 2 bad input / 3 run not completed.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "ifm_baseline.h"
#include "ifm_catalogue.h"
#include "ifm_cli_net.h"
#include "ifm_certify.h"
#include "ifm_cmd.h"
#include "ifm_exec.h"
#include "ifm_load.h"
#include "ifm_paths.h"
#include "ifm_reach.h"
#include "ifm_plan.h"
#include "ifm_redact.h"
#include "ifm_redact_stdio.h"
#include "ifm_secrets.h"
#include "ifm_reports.h"
#include "ifm_run.h"
#include "ifm_run_cli.h"
#include "ifm_server.h"
#include "ifm_out_file.h"
#include "ifm_waiver.h"

static volatile int g_stop;

static void on_signal(int sig) {
  (void)sig;
  g_stop = 1;
}

/* Loads the suite named on the command line, or the default one. */
static int load_suite(const ifm_run_cli *c, ifm_suite *suite) {
  ifm_errors err = {0};
  char *dflt = NULL;
  const char *one[1];
  const char *const *paths = c->paths;
  size_t n = c->n_paths;
  int rc;
  if (n == 0) {
    dflt = ifm_paths_find("cases");
    if (!dflt) {
      fprintf(stderr, "ifmatch: no case paths given and no suite found (give --suite DIR or set IFMATCH_SUITE; `ifmatch version` says where it looked)\n");
      return -1;
    }
    one[0] = dflt;
    paths = one;
    n = 1;
  }
  rc = ifm_load_suite(paths, n, c->var_names, c->n_vars, suite, &err);
  if (rc != 0) {
    ifm_errors_print(&err, stderr);
    fprintf(stderr, "ifmatch: the suite has errors; nothing was sent\n");
  }
  ifm_errors_clear(&err);
  free(dflt);
  return rc;
}

/* The target: a file, the reference target with another URL, or the
 * reference target for the embedded server. */
static int load_target(const ifm_run_cli *c, ifm_target *t) {
  ifm_errors err = {0};
  char *ref = NULL;
  int rc;
  if (c->target_file) {
    rc = ifm_load_target(c->target_file, t, &err);
  } else {
    ref = ifm_paths_find("targets/reference.yaml");
    if (ref) {
      rc = ifm_load_target(ref, t, &err);
    } else {
      ifm_target_init(t);
      rc = 0;
    }
  }
  if (rc != 0) ifm_errors_print(&err, stderr);
  ifm_errors_clear(&err);
  free(ref);
  return rc;
}

static int load_profile(const char *name, ifm_profile *p) {
  ifm_errors err = {0};
  char *dir = ifm_paths_find("cases/profiles");
  int rc = ifm_load_profile(name, dir, p, &err);
  if (rc != 0) ifm_errors_print(&err, stderr);
  ifm_errors_clear(&err);
  free(dir);
  return rc;
}

typedef struct progress_ctx {
  int tty, verbose, quiet;
  double last_line_ms;          /* off a terminal: when the last progress line went out */
} progress_ctx;

/* The exchange of the step that failed, as one line: method, path (no
 * scheme, host or query: nothing that may hold a credential), the
 * precondition fields, and the status. */
static void print_failed_exchange(const ifm_result *res) {
  const ifm_exchange *x = NULL;
  size_t i, k;
  const char *path;
  /* the first exchange of that step: later ones may be the 13.2.1 twin's */
  for (i = 0; i < res->n_exchanges && !x; i++)
    if (res->exchanges[i].step == res->failed_step) x = &res->exchanges[i];
  if (!x && res->n_exchanges) x = &res->exchanges[res->n_exchanges - 1];
  if (!x || !x->method) return;
  path = x->url ? strstr(x->url, "://") : NULL;
  path = path ? strchr(path + 3, '/') : NULL;
  fprintf(stderr, "        exchange %s %.*s", x->method, path ? (int)strcspn(path, "?#") : 1, path ? path : "/");
  for (k = 0; k < x->n_req_headers; k++) {
    const char *n = x->req_headers[k].name;
    if (strncasecmp(n, "If-", 3) == 0)
      fprintf(stderr, " [%s: %.60s]", n, x->req_headers[k].value);
  }
  if (x->status) fprintf(stderr, " -> %d\n", x->status);
  else fprintf(stderr, " -> no answer (%.80s)\n", x->error ? x->error : "?");
}

static void progress_cb(const ifm_result *res, size_t done, size_t total, void *ctx) {
  progress_ctx *p = ctx;
  int notable = res->verdict != IFM_PASS && res->verdict != IFM_SKIP;
  if (p->quiet) return;
  if (p->tty) fprintf(stderr, "\r\033[K");
  if (p->verbose || notable)
    fprintf(stderr, "%-5s %s (%s)%s%s\n", ifm_verdict_name(res->verdict), res->case_id,
            res->requirement, res->message ? ": " : "", res->message ? res->message : "");
  if (notable && res->spec && *res->spec) fprintf(stderr, "        rule     %s\n", res->spec);
  if (notable && res->expected) fprintf(stderr, "        expected %s\n", res->expected);
  if (notable && res->got) fprintf(stderr, "        got      %s\n", res->got);
  if (notable && res->verdict != IFM_INFO) print_failed_exchange(res);
  if (p->tty) fprintf(stderr, "[%zu/%zu] %s", done, total, res->case_id);
  if (!p->tty && !p->verbose && (ifm_now_ms() - p->last_line_ms >= 5000 || done == total)) {
    fprintf(stderr, "ifmatch: %zu of %zu cases done\n", done, total);    /* CI logs see it move */
    p->last_line_ms = ifm_now_ms();
  }
  if (p->tty && done == total) fprintf(stderr, "\r\033[K");
}

typedef int (*writer_fn)(const ifm_report *, FILE *);

typedef struct report_job {
  writer_fn fn;
  const ifm_report *rep;
} report_job;

static int report_cb(FILE *out, void *ctx) {
  report_job *j = ctx;
  return j->fn(j->rep, out);
}

static int write_report(const char *path, writer_fn fn, const ifm_report *rep) {
  report_job j;
  j.fn = fn;
  j.rep = rep;
  return ifm_out_write(path, report_cb, &j);
}

static void print_summary(const ifm_report *rep, int conformant, FILE *out) {
  size_t counts[IFM_VERDICT_COUNT], waived = 0, i;
  ifm_report_count(rep, counts);
  for (i = 0; i < rep->n_results; i++) waived += rep->results[i].waived && rep->results[i].verdict == IFM_FAIL;
  fprintf(out, "ifmatch: %zu cases against %s (profile %s): %zu pass, %zu fail (%zu waived), %zu warn, "
          "%zu info, %zu skip, %zu error%s\n",
          rep->n_results, rep->target, rep->profile, counts[IFM_PASS], counts[IFM_FAIL], waived,
          counts[IFM_WARN], counts[IFM_INFO], counts[IFM_SKIP], counts[IFM_ERROR],
          rep->interrupted ? " (interrupted: partial results)" : "");
  if (ifm_report_not_tested(rep))
    fprintf(out, "ifmatch: verdict: NOT TESTED (%s)\n",
            rep->not_tested ? rep->not_tested : rep->interrupted ? "the run was cut short before it judged"
                                                                 : "no case was run");
  else
    fprintf(out, "ifmatch: verdict: %s\n", conformant ? "CONFORMANT" : "NOT CONFORMANT");
}

static char *iso_now(void) {
  char buf[32];
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return ifm_strdup(buf);
}

static int load_waivers(const ifm_run_cli *c, const ifm_suite *suite, ifm_waivers *w) {
  ifm_errors err = {0};
  int rc = 0;
  if (!c->waivers) return 0;
  if (ifm_waivers_load(c->waivers, w, &err) != 0 || ifm_waivers_check(w, suite, &err) != 0) rc = -1;
  if (rc) ifm_errors_print(&err, stderr);
  for (size_t i = 0; !rc && i < w->n; i++)
    if (w->items[i].expired)
      fprintf(stderr, "ifmatch: %s:%d:%d: the waiver of %s expired on %s: it waives nothing now\n",
              w->items[i].pos.file ? w->items[i].pos.file : c->waivers, w->items[i].pos.line, w->items[i].pos.col,
              w->items[i].pattern, w->items[i].expires);
  ifm_errors_clear(&err);
  return rc;
}

/* A baseline that cannot be read is a bad command line: say so before
 * anything is sent. */
static int check_baseline(const ifm_run_cli *c) {
  ifm_report *empty;
  char err[512];
  int rc;
  if (!c->baseline) return 0;
  if (!(empty = ifm_report_new())) return -1;
  rc = ifm_baseline_compare(c->baseline, empty, err, sizeof err);
  if (rc) fprintf(stderr, "ifmatch: --baseline %s\n", err);
  ifm_report_free(empty);
  return rc;
}

/* What a reader of the console should not miss beyond the counts. */
static void print_news(const ifm_report *rep, FILE *out) {
  size_t i;
  for (i = 0; i < rep->n_results; i++)
    if (rep->results[i].waived && rep->results[i].verdict == IFM_PASS)
      fprintf(out, "ifmatch: waived case %s passed: its waiver is stale\n", rep->results[i].case_id);
  if (!rep->baseline) return;
  fprintf(out, "ifmatch: against the baseline %s: %zu newly failing, %zu newly passing\n",
          rep->baseline, rep->n_newly_failing, rep->n_newly_passing);
  for (i = 0; i < rep->n_newly_failing; i++) fprintf(out, "  newly failing: %s\n", rep->newly_failing[i]);
  for (i = 0; i < rep->n_newly_passing; i++) fprintf(out, "  newly passing: %s\n", rep->newly_passing[i]);
}

/* A parallel step holds one connection per client (and the embedded server
 * the other end of each): raise the soft limit on open files to the hard one,
 * and say what the largest step needs when that is not enough. */
static int raise_fd_limit(const ifm_suite *suite, int embedded) {
  struct rlimit rl;
  size_t f, k, s, need = 64;
  for (f = 0; f < suite->n_files; f++)
    for (k = 0; k < suite->files[f].n_cases; k++)
      for (s = 0; s < suite->files[f].cases[k].n_steps; s++) {
        const ifm_step *st = &suite->files[f].cases[k].steps[s];
        if (st->is_parallel && st->par.clients * (embedded ? 2u : 1u) + 64 > need)
          need = st->par.clients * (embedded ? 2u : 1u) + 64;
      }
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 0;
  if (rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    getrlimit(RLIMIT_NOFILE, &rl);
  }
  if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
    fprintf(stderr, "ifmatch: the largest parallel step needs about %zu open files, the limit is %lu "
            "(raise it: ulimit -n %zu)\n", need, (unsigned long)rl.rlim_cur, need);
    return -1;
  }
  return 0;
}

static int has_unwaived_fail(const ifm_report *rep) {
  size_t i;
  for (i = 0; i < rep->n_results; i++)
    if (rep->results[i].verdict == IFM_FAIL && !rep->results[i].waived) return 1;
  return 0;
}

/* Where the reports go: --out DIR (certify: results/ by default) holds each
 * one its own option does not place; a plain run with no report option
 * writes them all to results/, so that a run always leaves its evidence. */
static int out_defaults(ifm_run_cli *c) {
  static char paths[IFM_OUT_KINDS][4096];
  const char **slots[IFM_OUT_KINDS];
  int k;
  slots[IFM_OUT_TAP] = &c->tap, slots[IFM_OUT_JUNIT] = &c->junit;
  slots[IFM_OUT_JSON] = &c->json, slots[IFM_OUT_HTML] = &c->html;
  if (!c->out_dir && (c->certify || (!c->tap && !c->junit && !c->json && !c->html))) c->out_dir = "results";
  if (!c->out_dir) return 0;
  if (mkdir(c->out_dir, 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, "ifmatch: --out %s: cannot create it: %s\n", c->out_dir, strerror(errno));
    return -1;
  }
  for (k = 0; k < IFM_OUT_KINDS; k++) {
    if (*slots[k]) continue;
    snprintf(paths[k], sizeof paths[k], "%s/%s", c->out_dir, ifm_out_names[k]);
    *slots[k] = paths[k];
  }
  return 0;
}

static void print_where(const ifm_run_cli *c, int certify) {
  fprintf(stderr, "ifmatch: reports: %s, %s, %s, %s%s%s%s\n", c->tap, c->junit, c->json, c->html,
          certify ? "; certificate: " : "", certify ? c->out_dir : "", certify ? "/certificate.{txt,json}" : "");
}

/* From here on a signal asks for an orderly stop: even while the suite
 * loads, the reports are written (saying nothing was judged). */
void ifm_cmd_run_catch_signals(void) {
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
}

static int cmd_run_or_certify(int argc, char **argv, int certify) {
  ifm_run_cli cli;
  ifm_suite suite = {0};
  ifm_waivers waivers;
  ifm_target target;
  ifm_profile profile;
  ifm_server *srv = NULL;
  ifm_report *rep = NULL;
  ifm_run_opts ro;
  progress_ctx pc;
  char url[256], err[512], why[512];
  const char *base_url, *profile_name;
  int rc, exit_code = 3, wrc = 0, conformant, reached, empty_selection = 0;  /* 1: nothing selected; -1: and --allow-empty */

  memset(&target, 0, sizeof target);
  memset(&profile, 0, sizeof profile);
  memset(&waivers, 0, sizeof waivers);
  rc = ifm_run_cli_parse(argc, argv, &cli, certify ? "certify" : "run");
  if (rc != 0) {
    ifm_run_cli_free(&cli);
    return rc > 0 ? 0 : 2;
  }
  cli.certify = certify;
  ifm_cmd_run_catch_signals();
  if (out_defaults(&cli) != 0 ||
      (certify && ifm_certify_check(cli.n_paths, cli.paths[0], cli.filter, cli.json, cli.out_dir, cli.sign_key))) {
    exit_code = 2;
    goto out;
  }
  if (!certify && cli.sign_key) {
    fprintf(stderr, "ifmatch run: --sign belongs to 'ifmatch certify'\n");
    exit_code = 2;
    goto out;
  }
  if (cli.requirements) {
    fprintf(stderr, "ifmatch run: --requirements belongs to 'ifmatch list'\n");
    exit_code = 2;
    goto out;
  }
  if (load_suite(&cli, &suite) != 0 || load_target(&cli, &target) != 0) {
    exit_code = 2;
    goto out;
  }
  if (ifm_cli_net_apply(&cli.net, &target) != IFM_OK) goto out;
  profile_name = cli.profile ? cli.profile : target.profile ? target.profile : "rfc9110";
  if (load_profile(profile_name, &profile) != 0 || load_waivers(&cli, &suite, &waivers) != 0 ||
      check_baseline(&cli) != 0) {
    exit_code = 2;
    goto out;
  }
  if ((!cli.target_file || target.embedded) && !cli.url) {     /* the reference target, no --url */
    ifm_server_opts so;
    ifm_server_opts_init(&so);
    if (ifm_server_profile_parse(profile.name, &so.profile) != 0) {
      fprintf(stderr, "ifmatch: the embedded server has no profile '%s' (it has rfc9110, "
              "rfc9110-428, cpp); name a --target or --url\n", profile.name);
      exit_code = 2;
      goto out;
    }
    srv = ifm_server_start(&so, err, sizeof err);
    if (!srv) {
      fprintf(stderr, "ifmatch: cannot start the embedded reference server: %s\n", err);
      goto out;
    }
    snprintf(url, sizeof url, "http://127.0.0.1:%u", (unsigned)ifm_server_port(srv));
    base_url = url;
    if (!cli.quiet) fprintf(stderr, "ifmatch: embedded reference server at %s/ (profile %s)\n", url, profile.name);
  } else {
    base_url = cli.url ? cli.url : target.base_url;
  }
  if (raise_fd_limit(&suite, srv != NULL) != 0) {
    exit_code = 2;
    goto out;
  }
  if (!base_url || !*base_url) {
    fprintf(stderr, "ifmatch: the target has no base_url and no --url was given\n");
    exit_code = 2;
    goto out;
  }
  /* the URL's userinfo is a secret too; from here on every line is redacted */
  if (ifm_secrets_add_url(&target.secrets, &target.n_secrets, base_url) != IFM_OK ||
      ifm_redact_stdio_begin(target.secrets, target.n_secrets) != 0)
    goto out;
  signal(SIGPIPE, SIG_IGN);

  rep = ifm_report_new();
  if (!rep) goto out;
  rep->tool_version = ifm_strdup(IFM_VERSION);
  rep->target = ifm_redact(base_url, strlen(base_url), target.secrets, target.n_secrets, NULL);
  if (target.net.proxy)   /* that a proxy was used, and which: never its credentials */
    rep->proxy = ifm_redact(target.net.proxy, strlen(target.net.proxy), target.secrets, target.n_secrets, NULL);
  rep->profile = ifm_strdup(profile.name);
  rep->started_at = iso_now();
  rep->name = ifm_strdup(cli.report_name ? cli.report_name : target.name ? target.name : "ifmatch");
  rep->suite_root = ifm_paths_suite_root(cli.paths, cli.n_paths);   /* JUnit names */

  if (g_stop) {
    rep->interrupted = 1;
    rep->not_tested = ifm_strdup("interrupted before any case ran");
  } else if ((reached = ifm_reach_check(base_url, &target, cli.timeout_s, &g_stop, why, sizeof why)) != 0 &&
             g_stop) {
    rep->interrupted = 1;          /* the signal, not the target, ended the startup check */
    rep->not_tested = ifm_strdup("interrupted before any case ran (during the startup check)");
  } else if (reached != 0) {
    fprintf(stderr, "ifmatch: target %s%s%s does not answer: %s\n", rep->target, rep->proxy ? " through the proxy " : "",
            rep->proxy ? rep->proxy : "", why);
    {
      ifm_buf m = IFM_BUF_INIT;
      ifm_buf_printf(&m, "the target %s%s%s does not answer: %s", rep->target, rep->proxy ? " through the proxy " : "",
                     rep->proxy ? rep->proxy : "", why);
      rep->not_tested = ifm_buf_detach(&m);
    }
  } else {
    memset(&ro, 0, sizeof ro);
    pc.tty = isatty(2);
    pc.last_line_ms = ifm_now_ms();
    if (!cli.quiet) {
      size_t n = 0, f;
      for (f = 0; f < suite.n_files; f++) n += suite.files[f].n_cases;
      fprintf(stderr, "ifmatch: %zu cases loaded%s; target %s%s%s, profile %s\n", n,
              cli.filter && *cli.filter ? " (a --filter selects among them)" : "", rep->target,
              rep->proxy ? " through the proxy " : "", rep->proxy ? rep->proxy : "", rep->profile);
    }
    pc.verbose = cli.verbose;
    pc.quiet = cli.quiet;
    ro.suite = &suite;
    ro.target = &target;
    ro.profile = &profile;
    ro.base_url = base_url;
    ro.filter = cli.filter;
    ro.jobs = cli.jobs;
    ro.timeout_s = cli.timeout_s;
    ro.max_time_s = cli.max_time_s;
    ro.max_memory = (size_t)(cli.max_memory_mib * 1048576.0);
    ro.var_names = cli.var_names;
    ro.var_values = cli.var_values;
    ro.n_vars = cli.n_vars;
    ro.stop = &g_stop;
    ro.progress = progress_cb;
    ro.progress_ctx = &pc;
    err[0] = '\0';
    if (ifm_run_suite(&ro, rep, err, sizeof err) != 0) {
      fprintf(stderr, "ifmatch: the run could not be completed: %s\n", err[0] ? err : "out of memory");
      rep->interrupted = 1;
    }
    if (g_stop) rep->interrupted = 1;
    if (rep->n_results == 0 && !rep->interrupted && !rep->not_tested) {
      /* a selection that matched nothing judged nothing: never a green run */
      fprintf(stderr, "ifmatch: the selection matched no case (--filter, IFMATCH_FILTER, case paths)%s\n",
              cli.allow_empty ? "" : "; --allow-empty accepts that");
      rep->not_tested = ifm_strdup("the selection matched no case");
      empty_selection = cli.allow_empty ? -1 : 1;
    }
  }
  ifm_waivers_apply(&waivers, rep);
  if (cli.baseline && ifm_baseline_compare(cli.baseline, rep, err, sizeof err) != 0) {
    fprintf(stderr, "ifmatch: %s\n", err);
    wrc = -1;
  }
  ifm_report_redact(rep, target.secrets, target.n_secrets);   /* every report passes here */
  wrc |= write_report(cli.tap, ifm_report_write_tap, rep);
  wrc |= write_report(cli.junit, ifm_report_write_junit, rep);
  wrc |= write_report(cli.json, ifm_report_write_json, rep);
  wrc |= write_report(cli.html, ifm_report_write_html, rep);
  conformant = ifm_report_conformant(rep) && !rep->interrupted;
  if (certify && !wrc) {
    ifm_certify_in ci = {&suite, &target, &profile, cli.target_file, cli.waivers, cli.out_dir, cli.sign_key,
                         rep->suite_root, {cli.tap, cli.junit, cli.json, cli.html}, cli.quiet};
    wrc |= ifm_certify_write(&ci, &conformant);
  } else if (certify) {
    conformant = 0;
    fprintf(stderr, "ifmatch certify: a report could not be written: no certificate\n");
  }
  if (!cli.quiet && cli.out_dir) print_where(&cli, certify);
  print_summary(rep, conformant, stderr);
  print_news(rep, stderr);
  if (empty_selection > 0) exit_code = 2;
  else if (empty_selection < 0 && !wrc) exit_code = 0;     /* --allow-empty: asked for */
  else if (rep->interrupted || rep->not_tested || wrc) exit_code = 3;
  else if (cli.baseline) exit_code = rep->n_newly_failing ? 1 : 0;
  else if (conformant) exit_code = 0;
  else exit_code = has_unwaived_fail(rep) ? 1 : 3;
out:
  ifm_report_free(rep);
  ifm_server_stop(srv);
  ifm_redact_stdio_end();
  ifm_suite_clear(&suite);
  ifm_target_clear(&target);
  ifm_profile_clear(&profile);
  ifm_waivers_clear(&waivers);
  ifm_run_cli_free(&cli);
  return exit_code;
}

int ifm_cmd_run(int argc, char **argv) { return cmd_run_or_certify(argc, argv, 0); }

int ifm_cmd_certify(int argc, char **argv) { return cmd_run_or_certify(argc, argv, 1); }

int ifm_cmd_list(int argc, char **argv) {
  ifm_run_cli cli;
  ifm_suite suite = {0};
  size_t f, k, i, total = 0;
  int rc = ifm_run_cli_parse(argc, argv, &cli, "list"), by_req = 0;
  if (rc != 0) {
    ifm_run_cli_free(&cli);
    return rc > 0 ? 0 : 2;
  }
  if (load_suite(&cli, &suite) != 0) {
    ifm_run_cli_free(&cli);
    return 2;
  }
  by_req = cli.requirements;
  if (!by_req) {
    printf("%-34s %-20s %-6s %-22s %s\n", "CASE", "REQUIREMENT", "LEVEL", "SPEC", "TITLE");
    for (f = 0; f < suite.n_files; f++)
      for (k = 0; k < suite.files[f].n_cases; k++) {
        const ifm_case *c = &suite.files[f].cases[k];
        if (!ifm_plan_selects(c, cli.filter)) continue;
        printf("%-34s %-20s %-6s %-22s %s\n", c->id, c->requirement, ifm_level_name(c->level),
               c->spec ? c->spec : "", c->title);
        total++;
      }
    printf("%zu cases\n", total);
  } else {
    for (i = 0; i < ifm_catalogue_count(); i++) {
      const ifm_requirement *r = ifm_catalogue_at(i);
      size_t n = 0;
      for (f = 0; f < suite.n_files; f++)
        for (k = 0; k < suite.files[f].n_cases; k++) n += strcmp(suite.files[f].cases[k].requirement, r->id) == 0;
      printf("%2d %-20s %-6s %4zu cases  %s\n", r->number, r->id, ifm_level_name(r->level), n, r->summary);
    }
  }
  ifm_suite_clear(&suite);
  ifm_run_cli_free(&cli);
  return 0;
}
