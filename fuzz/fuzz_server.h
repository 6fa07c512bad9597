/* fuzz_server.h: what the two reference-server harnesses share
 * (fuzz_server_request.c over HTTP/1.1, fuzz_server_h2.c over h2c): the
 * server started once in this process with the flaws IFM_FUZZ_FLAWS names
 * (a,b: so that a test can show an invariant catches one) and stopped at
 * exit, and a monotonic
 * clock in milliseconds. */
#ifndef FUZZ_SERVER_H
#define FUZZ_SERVER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ifm_server.h"

static ifm_server *fuzz_server_running;

static void fuzz_server_stop_cb(void) {
  ifm_server_stop(fuzz_server_running);
  fuzz_server_running = NULL;
}

/* Starts the server with o, plus the flaws of IFM_FUZZ_FLAWS, and stops it
 * at exit; aborts with a message naming the harness when a flaw is unknown
 * or the start fails. */
static inline ifm_server *fuzz_server_start(ifm_server_opts *o, const char *harness) {
  const char *flaws = getenv("IFM_FUZZ_FLAWS");
  ifm_server *srv;
  char err[256];
  while (flaws && *flaws) {
    size_t n = strcspn(flaws, ",");
    char name[64];
    unsigned f;
    snprintf(name, sizeof name, "%.*s", (int)n, flaws);
    if (!(f = ifm_flaw_parse(name))) {
      fprintf(stderr, "%s: IFM_FUZZ_FLAWS: no flaw '%s' (ifmatch serve --flaw list)\n", harness, name);
      abort();
    }
    o->flaws |= f;
    flaws += n + (flaws[n] == ',');
  }
  if (!(srv = ifm_server_start(o, err, sizeof err))) {
    fprintf(stderr, "%s: cannot start the reference server: %s\n", harness, err);
    abort();
  }
  fuzz_server_running = srv;
  atexit(fuzz_server_stop_cb);
  return srv;
}

static inline long long fuzz_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif
