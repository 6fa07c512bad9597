/* ifm_serve_cmd.c: `ifmatch serve`, the reference server as a command.
 *
 *   ifmatch serve [--bind ADDR] [--port N] [--profile NAME] [--flaw NAME]...
 *                 [--flaw list] [--shape NAME]... [--shape list]
 *                 [--race-window-us N] [--threads N]
 *                 [--max-body BYTES] [--auth-token T] [--arrival-log FILE]
 *                 [--max-conns N] [--max-conns-per-ip N] [--head-timeout S]
 *                 [--idle-timeout S] [--max-store BYTES] [--max-resources N]
 *                 [--evict-after S] [--h2c-port N] [--log] [--help]
 *
 * Prints one line when listening (scripts wait for it and read the port
 * from it; with --h2c-port, a line naming the h2c URL comes just before it), runs until SIGINT / SIGTERM, then stops cleanly. IFMATCH_PORT
 * and IFMATCH_PROFILE give defaults that the options override.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "ifm_serve_cmd.h"
#include "ifm_server.h"

#define EXIT_USAGE 2
#define EXIT_START 3

static const char usage_text[] =
    "usage: ifmatch serve [options]\n"
    "Runs the reference If-Match server until SIGINT or SIGTERM.\n"
    "\n"
    "  --bind ADDR           IPv4 address to listen on (default 127.0.0.1)\n"
    "  --port N              port, 0 = any free one (default 0; env IFMATCH_PORT)\n"
    "  --profile NAME        rfc9110 | rfc9110-428 | cpp (default rfc9110;\n"
    "                        env IFMATCH_PROFILE)\n"
    "  --flaw NAME           seed a flaw; may be repeated; --flaw list shows them\n"
    "  --shape NAME          the same correct semantics behind another server shape\n"
    "                        (post-create, no-etag, read-only, ...); may be repeated\n"
    "                        or comma-separated; --shape list shows them\n"
    "  --race-window-us N    window of the race flaw in microseconds (default 1000)\n"
    "  --threads N           worker threads (default max(4, CPUs))\n"
    "  --max-body BYTES      request body limit, suffix K or M allowed (default 1M)\n"
    "  --auth-token T        bearer token for /private/... (default ifmatch-secret)\n"
    "  --arrival-log FILE    append \"<monotonic ns> <method> <path>\" per request\n"
    "                        when its body has arrived (for benchmarks)\n"
    "  --h2c-port N          also serve HTTP/2 with prior knowledge (h2c) on port N,\n"
    "                        0 = any free one; the same resources as the HTTP/1.1\n"
    "                        port (for the single-packet release: a target with\n"
    "                        http_version: h2c)\n"
    "\n"
    "Limits (a hostile client cannot take the server down or its memory up):\n"
    "  --max-conns N         connections at once (default 4096, at most half the\n"
    "                        open-file limit); past it a new connection closes the\n"
    "                        one idle or slow the longest, else it is refused\n"
    "  --max-conns-per-ip N  the same from one address (default max-conns / 2)\n"
    "  --head-timeout S      seconds from a request line to the end of its head\n"
    "                        (default 10); slower heads are closed\n"
    "  --idle-timeout S      seconds a connection may wait for its next request\n"
    "                        line, or stall in a request (default 30)\n"
    "  --max-store BYTES     bytes of resources held, suffix K or M (default 32M)\n"
    "  --max-resources N     resources held (default 100000)\n"
    "  --evict-after S       drop resources untouched for S seconds (default 600,\n"
    "                        0 = never); a write past --max-store or\n"
    "                        --max-resources first drops those untouched for a\n"
    "                        minute (or S when shorter), and is 507 if that is\n"
    "                        not enough\n"
    "\n"
    "  --log                 one line per request on stderr\n"
    "  --help                this text\n";

typedef struct serve_args {
  ifm_server_opts opts;
  const char *arrival_path;
  int flaw_list;
  int shape_list;
  int help;
} serve_args;

/* Parses an unsigned decimal with an optional K / M suffix (binary units). */
static int parse_num(const char *s, unsigned long long max, int suffix_ok,
                     unsigned long long *out) {
  char *end;
  unsigned long long v, mul = 1;

  if (!s || !*s || *s == '-' || *s == '+') return -1;
  errno = 0;
  v = strtoull(s, &end, 10);
  if (errno || end == s) return -1;
  if (suffix_ok && (*end == 'K' || *end == 'k')) {
    mul = 1024;
    end++;
  } else if (suffix_ok && (*end == 'M' || *end == 'm')) {
    mul = 1024 * 1024;
    end++;
  }
  if (*end || v > max / mul) return -1;
  *out = v * mul;
  return 0;
}

static void list_flaws(FILE *f) {
  unsigned i;
  for (i = 0; i < IFM_FLAW_COUNT; i++)
    fprintf(f, "  %-20s %s\n", ifm_flaw_name(i), ifm_flaw_describe(i));
}

static void list_shapes(FILE *f) {
  unsigned i;
  for (i = 0; i < IFM_SHAPE_COUNT; i++)
    fprintf(f, "  %-20s %s\n", ifm_shape_name(i), ifm_shape_describe(i));
}

/* --shape a,b,c: each name in the comma-separated list. */
static int apply_shapes(serve_args *a, const char *val) {
  char name[64];
  const char *p = val;
  if (strcmp(val, "list") == 0) {
    a->shape_list = 1;
    return 0;
  }
  for (;;) {
    size_t n = strcspn(p, ",");
    unsigned s = 0;
    if (n < sizeof name) {
      memcpy(name, p, n);
      name[n] = '\0';
      s = ifm_shape_parse(name);
    }
    if (!s) {
      fprintf(stderr, "ifmatch serve: unknown --shape \"%.*s\"; valid shapes:\n", (int)n, p);
      list_shapes(stderr);
      return EXIT_USAGE;
    }
    a->opts.shapes |= s;
    if (!p[n]) return 0;
    p += n + 1;
  }
}

static int bad(const char *what, const char *value, const char *why) {
  fprintf(stderr, "ifmatch serve: %s \"%s\": %s\n", what, value ? value : "", why);
  return EXIT_USAGE;
}

static int apply(serve_args *a, const char *opt, const char *val) {
  unsigned long long n;

  if (strcmp(opt, "--bind") == 0) {
    struct in_addr addr;
    if (inet_pton(AF_INET, val, &addr) != 1)
      return bad("bad --bind", val, "want an IPv4 address such as 127.0.0.1");
    a->opts.bind = val;
  } else if (strcmp(opt, "--port") == 0) {
    if (parse_num(val, 65535, 0, &n) != 0) return bad("bad --port", val, "want 0..65535");
    a->opts.port = (uint16_t)n;
  } else if (strcmp(opt, "--profile") == 0) {
    if (ifm_server_profile_parse(val, &a->opts.profile) != 0)
      return bad("unknown --profile", val, "want rfc9110, rfc9110-428 or cpp");
  } else if (strcmp(opt, "--flaw") == 0) {
    unsigned f;
    if (strcmp(val, "list") == 0) {
      a->flaw_list = 1;
      return 0;
    }
    f = ifm_flaw_parse(val);
    if (!f) {
      fprintf(stderr, "ifmatch serve: unknown --flaw \"%s\"; valid flaws:\n", val);
      list_flaws(stderr);
      return EXIT_USAGE;
    }
    a->opts.flaws |= f;
  } else if (strcmp(opt, "--shape") == 0) {
    return apply_shapes(a, val);
  } else if (strcmp(opt, "--race-window-us") == 0) {
    if (parse_num(val, 10000000, 0, &n) != 0 || n == 0)
      return bad("bad --race-window-us", val, "want 1..10000000");
    a->opts.race_window_us = (unsigned)n;
  } else if (strcmp(opt, "--threads") == 0) {
    if (parse_num(val, 1024, 0, &n) != 0 || n == 0) return bad("bad --threads", val, "want 1..1024");
    a->opts.threads = (unsigned)n;
  } else if (strcmp(opt, "--max-body") == 0) {
    if (parse_num(val, (unsigned long long)1 << 32, 1, &n) != 0 || n == 0)
      return bad("bad --max-body", val, "want a byte count such as 1048576 or 1M");
    a->opts.max_body = (size_t)n;
  } else if (strcmp(opt, "--auth-token") == 0) {
    if (!*val) return bad("bad --auth-token", val, "must not be empty");
    a->opts.auth_token = val;
  } else if (strcmp(opt, "--arrival-log") == 0) {
    a->arrival_path = val;
  } else if (strcmp(opt, "--h2c-port") == 0) {
    if (parse_num(val, 65535, 0, &n) != 0) return bad("bad --h2c-port", val, "want 0..65535");
    a->opts.h2c = 1;
    a->opts.h2c_port = (uint16_t)n;
  } else if (strcmp(opt, "--max-conns") == 0) {
    if (parse_num(val, 1000000, 0, &n) != 0 || n == 0) return bad("bad --max-conns", val, "want 1..1000000");
    a->opts.max_connections = (unsigned)n;
  } else if (strcmp(opt, "--max-conns-per-ip") == 0) {
    if (parse_num(val, 1000000, 0, &n) != 0 || n == 0)
      return bad("bad --max-conns-per-ip", val, "want 1..1000000");
    a->opts.max_conns_per_ip = (unsigned)n;
  } else if (strcmp(opt, "--head-timeout") == 0) {
    if (parse_num(val, 3600, 0, &n) != 0 || n == 0) return bad("bad --head-timeout", val, "want 1..3600 seconds");
    a->opts.head_timeout_s = (unsigned)n;
  } else if (strcmp(opt, "--idle-timeout") == 0) {
    if (parse_num(val, 86400, 0, &n) != 0 || n == 0) return bad("bad --idle-timeout", val, "want 1..86400 seconds");
    a->opts.timeout_s = (unsigned)n;
  } else if (strcmp(opt, "--max-store") == 0) {
    if (parse_num(val, (unsigned long long)1 << 40, 1, &n) != 0 || n < 4096)
      return bad("bad --max-store", val, "want a byte count of at least 4096, such as 32M");
    a->opts.max_store_bytes = (size_t)n;
  } else if (strcmp(opt, "--max-resources") == 0) {
    if (parse_num(val, 100000000, 0, &n) != 0 || n == 0)
      return bad("bad --max-resources", val, "want 1..100000000");
    a->opts.max_resources = (size_t)n;
  } else if (strcmp(opt, "--evict-after") == 0) {
    if (parse_num(val, 100000000, 0, &n) != 0) return bad("bad --evict-after", val, "want seconds, 0 = never");
    a->opts.evict_after_s = n ? (unsigned)n : IFM_EVICT_NEVER;
  } else {
    return bad("unknown option", opt, "see ifmatch serve --help");
  }
  return 0;
}

static int parse_args(serve_args *a, int argc, char **argv) {
  static const char *const with_value[] = {"--bind", "--port", "--profile", "--flaw", "--shape",
                                           "--race-window-us", "--threads", "--max-body",
                                           "--auth-token", "--arrival-log", "--max-conns",
                                           "--max-conns-per-ip", "--head-timeout",
                                           "--idle-timeout", "--max-store", "--max-resources",
                                           "--evict-after", "--h2c-port"};
  const char *env;
  int i, r;

  ifm_server_opts_init(&a->opts);
  if ((env = getenv("IFMATCH_PORT")) && *env && (r = apply(a, "--port", env)) != 0) {
    fprintf(stderr, "ifmatch serve: (from the environment variable IFMATCH_PORT)\n");
    return r;
  }
  if ((env = getenv("IFMATCH_PROFILE")) && *env && (r = apply(a, "--profile", env)) != 0) {
    fprintf(stderr, "ifmatch serve: (from the environment variable IFMATCH_PROFILE)\n");
    return r;
  }
  for (i = 1; i < argc; i++) {
    char opt[32];
    const char *arg = argv[i], *eq = strchr(arg, '='), *val = NULL;
    size_t k, n = eq ? (size_t)(eq - arg) : strlen(arg);
    int takes = 0;

    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      a->help = 1;
      continue;
    }
    if (strcmp(arg, "--log") == 0) {
      a->opts.log = 1;
      continue;
    }
    if (n >= sizeof opt) return bad("unknown option", arg, "see ifmatch serve --help");
    memcpy(opt, arg, n);
    opt[n] = '\0';
    for (k = 0; k < sizeof with_value / sizeof with_value[0]; k++)
      if (strcmp(opt, with_value[k]) == 0) takes = 1;
    if (!takes) return bad("unknown option", arg, "see ifmatch serve --help");
    if (eq) {
      val = eq + 1;
    } else if (i + 1 < argc) {
      val = argv[++i];
    } else {
      return bad("missing value for", opt, "this option takes a value");
    }
    if ((r = apply(a, opt, val)) != 0) return r;
  }
  return 0;
}

static void arrival_to_file(void *ctx, uint64_t ns, const char *method, const char *path) {
  fprintf((FILE *)ctx, "%llu %s %s\n", (unsigned long long)ns, method, path);
}

/* Each client of a race holds a connection: take the hard limit on open
 * files, so a 1,024-client round is not quietly queued behind accept(). */
static void raise_fd_limit(void) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

int ifm_serve_main(int argc, char **argv) {
  serve_args a;
  ifm_server *srv;
  FILE *arrival = NULL;
  sigset_t set, old;
  char err[256], flaws[512] = "", shapes[256] = "";
  unsigned i;
  int r, sig = 0;

  memset(&a, 0, sizeof a);
  if ((r = parse_args(&a, argc, argv)) != 0) return r;
  if (a.help) {
    fputs(usage_text, stdout);
    return 0;
  }
  if (a.flaw_list) {
    list_flaws(stdout);
    return 0;
  }
  if (a.shape_list) {
    list_shapes(stdout);
    return 0;
  }
  if (a.arrival_path) {
    arrival = fopen(a.arrival_path, "a");
    if (!arrival) return bad("cannot open --arrival-log", a.arrival_path, strerror(errno));
    a.opts.arrival_cb = arrival_to_file;
    a.opts.arrival_ctx = arrival;
  }
  for (i = 0; i < IFM_FLAW_COUNT; i++) {
    if (!(a.opts.flaws & (1u << i))) continue;
    if (*flaws) strcat(flaws, ",");
    strcat(flaws, ifm_flaw_name(i));
  }
  for (i = 0; i < IFM_SHAPE_COUNT; i++) {
    if (!(a.opts.shapes & (1u << i))) continue;
    if (*shapes) strcat(shapes, ",");
    strcat(shapes, ifm_shape_name(i));
  }

  /* Block the stop signals before the server's threads exist, so they
   * inherit the mask and only sigwait() below sees them. */
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, &old);
  raise_fd_limit();
  srv = ifm_server_start(&a.opts, err, sizeof err);
  if (!srv) {
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    fprintf(stderr, "ifmatch serve: %s\n", err);
    if (arrival) fclose(arrival);
    return EXIT_START;
  }
  if (a.opts.h2c)
    printf("ifmatch: h2c at http://%s:%u/ (HTTP/2 with prior knowledge, the same resources)\n",
           a.opts.bind, (unsigned)ifm_server_h2c_port(srv));
  printf("ifmatch: serving http://%s:%u/ (profile %s, flaws: %s, shapes: %s)\n", a.opts.bind,
         (unsigned)ifm_server_port(srv), ifm_server_profile_name(a.opts.profile),
         *flaws ? flaws : "none", *shapes ? shapes : "none");
  fflush(stdout);
  if (a.opts.log) {
    ifm_server_stats st;
    ifm_server_stats_get(srv, &st);
    fprintf(stderr, "ifmatch: limits: %u connections, %u per address\n", st.max_connections,
            st.max_conns_per_ip);
  }
  while (sigwait(&set, &sig) != 0) {
  }
  if (a.opts.log) fprintf(stderr, "ifmatch: signal %d, stopping\n", sig);
  ifm_server_stop(srv);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (arrival) fclose(arrival);
  return 0;
}
