/* h2_race_test.c: the HTTP/2 single-packet release engine
 * (runner/exec/ifm_h2_race.c).
 *
 * Offline (always): a request HTTP/2 cannot carry is refused with its
 * reason and never sent; a closed port and a server that never speaks end
 * every stream with an error, within the timeouts, never a hang.
 *
 * Against servers (tests/h2race_test.sh starts them and sets the
 * variables; without them these are left out): IFM_H2_URL, nginx speaking
 * h2c in front of the clean reference server: 32 PUTs with the current
 * If-Match give exactly one 2xx and 31 x 412 (RFC 9110 13.1.1: the one that
 * wins changes the ETag, so the others' condition is false), and all 32
 * final frames leave in one write, so their release times are equal; a
 * race of empty bodies releases empty END_STREAM DATA frames, and one of
 * bodies larger than the server's flow-control window waits for its
 * WINDOW_UPDATEs before the release; 160 streams (the h2c front allows
 * 256) leave in two writes of whole frames.
 * IFM_H2_FLAW_URL, the same in front of `serve --flaw race`: within 20
 * rounds at least one round has two winners. IFM_H2_TLS_URL, nginx over
 * TLS (self-signed, at most 4 concurrent streams): a few streams with
 * verification off get their answers, with it on the handshake fails, and
 * streams beyond the server's SETTINGS_MAX_CONCURRENT_STREAMS are refused
 * with that reason.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>
#include "ifm_exec.h"
#include "ifm_h2_race.h"
#include "ifm_test.h"

/* "http://host:port" from the environment into o; 0 when var is unset. */
static int opts_from_env(const char *var, ifm_h2race_opts *o, char *host, size_t host_len) {
  const char *u = getenv(var), *h, *colon;
  memset(o, 0, sizeof *o);
  if (!u || !*u) return 0;
  h = strstr(u, "://");
  if (!h) return 0;
  h += 3;
  colon = strrchr(h, ':');
  if (!colon || (size_t)(colon - h) >= host_len) return 0;
  memcpy(host, h, (size_t)(colon - h));
  host[colon - h] = 0;
  o->host = host;
  o->port = (unsigned)atoi(colon + 1);
  o->tls = strncmp(u, "https:", 6) == 0;
  o->timeout_ms = 20000;
  o->connect_timeout_ms = 5000;
  return 1;
}

/* A request exchange: method, url, optional If-Match, optional body. */
static ifm_exchange request(const ifm_h2race_opts *o, const char *method, const char *path,
                            const char *if_match, const char *body) {
  ifm_exchange x;
  char url[512];
  memset(&x, 0, sizeof x);
  snprintf(url, sizeof url, "%s://%s:%u%s", o->tls ? "https" : "http", o->host, o->port, path);
  x.method = strdup(method);
  x.url = strdup(url);
  ifm_field_append(&x.req_headers, &x.n_req_headers, "Content-Type", "text/plain", 10);
  if (if_match) ifm_field_append(&x.req_headers, &x.n_req_headers, "If-Match", if_match, strlen(if_match));
  if (body) {
    x.req_body = strdup(body);
    x.req_body_len = strlen(body);
  }
  return x;
}

/* Runs one stream alone; its exchange into *out. */
static void run_one(const ifm_h2race_opts *o, ifm_exchange req, ifm_exchange *out) {
  ifm_h2race *r = ifm_h2race_new(o);
  memset(out, 0, sizeof *out);
  if (!r) return;
  ifm_h2race_add(r, &req);
  ifm_h2race_run(r, 0);
  ifm_h2race_take(r, 0, out);
  ifm_h2race_free(r);
}

/* A new resource at path; its ETag into etag ("" when it failed). */
static void create(const ifm_h2race_opts *o, const char *path, char *etag, size_t len) {
  ifm_exchange x;
  const ifm_field *f;
  run_one(o, request(o, "PUT", path, NULL, "v0"), &x);
  f = ifm_exchange_resp_header(&x, "etag");
  snprintf(etag, len, "%s", f && (x.status == 201 || x.status == 200 || x.status == 204) ? f->value : "");
  if (!f) printf("# create %s: status %d, error %s\n", path, x.status, x.error ? x.error : "none");
  ifm_exchange_clear(&x);
}

static size_t race_body_len;   /* > 0: each racer's body is this long */

typedef struct race_result {
  int n2xx, n412, other, errors;
  size_t writes, frames, sent;
  double release_min, release_max;
} race_result;

/* n conditional PUTs on path with If-Match etag, released as one. */
static void race(const ifm_h2race_opts *o, const char *path, const char *etag, int n, int empty,
                 race_result *res) {
  ifm_h2race *r = ifm_h2race_new(o);
  ifm_h2race_stats st;
  size_t i;
  memset(res, 0, sizeof *res);
  if (!r) return;
  for (i = 0; i < (size_t)n; i++) {
    char body[32];
    ifm_exchange x;
    snprintf(body, sizeof body, "w%zu", i);
    x = request(o, "PUT", path, etag, empty ? "" : body);
    if (race_body_len) {
      free(x.req_body);
      x.req_body = malloc(race_body_len);
      memset(x.req_body, 'a' + (int)i, race_body_len);
      x.req_body_len = race_body_len;
    }
    ifm_h2race_add(r, &x);
  }
  ifm_h2race_run(r, 0);
  ifm_h2race_stats_get(r, &st);
  res->writes = st.release_writes;
  res->frames = st.release_frames;
  res->sent = st.streams_sent;
  for (i = 0; i < ifm_h2race_count(r); i++) {
    ifm_exchange x;
    ifm_h2race_take(r, i, &x);
    if (x.error) {
      if (res->errors++ == 0) printf("# stream %zu: %s\n", i, x.error);
    } else if (x.status >= 200 && x.status < 300) {
      res->n2xx++;
    } else if (x.status == 412) {
      res->n412++;
    } else {
      res->other++;
    }
    if (i == 0 || x.t_release < res->release_min) res->release_min = x.t_release;
    if (i == 0 || x.t_release > res->release_max) res->release_max = x.t_release;
    ifm_exchange_clear(&x);
  }
  ifm_h2race_free(r);
}

static void test_offline_refused_fields(void) {
  ifm_h2race_opts o = {.host = "127.0.0.1", .port = 9, .timeout_ms = 2000};
  ifm_h2race *r = ifm_h2race_new(&o);
  ifm_exchange a = request(&o, "PUT", "/x", "\"e\"", "b"), b = request(&o, "PUT", "/x", NULL, "b"), x;
  double t0 = ifm_now_ms();
  ASSERT(r != NULL);
  ifm_field_append(&a.req_headers, &a.n_req_headers, "Connection", "close", 5);
  ifm_field_append(&b.req_headers, &b.n_req_headers, "X-Split", "a\r\nb", 4);
  ASSERT_EQ(ifm_h2race_add(r, &a), IFM_ERR_INPUT);
  ASSERT_EQ(ifm_h2race_add(r, &b), IFM_ERR_INPUT);
  ASSERT_EQ(ifm_h2race_count(r), 2);
  ASSERT_EQ(ifm_h2race_run(r, 0), IFM_OK);       /* nothing to send: no connection at all */
  ASSERT(ifm_now_ms() - t0 < 1000);
  ifm_h2race_take(r, 0, &x);
  ASSERT_CONTAINS(x.error, "connection is a connection-specific field");
  ASSERT_STREQ(x.req_headers[2].name, "connection");   /* lower-cased, as HTTP/2 would send it */
  ifm_exchange_clear(&x);
  ifm_h2race_take(r, 1, &x);
  ASSERT_CONTAINS(x.error, "holds CR");
  ifm_exchange_clear(&x);
  ifm_h2race_free(r);
}

/* A port nothing listens on: every stream ends with the refusal. */
static void test_offline_closed_port(void) {
  struct sockaddr_in sa = {.sin_family = AF_INET};
  socklen_t len = sizeof sa;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ifm_h2race_opts o = {.host = "127.0.0.1", .timeout_ms = 3000, .connect_timeout_ms = 2000};
  ifm_h2race *r;
  ifm_exchange x;
  double t0 = ifm_now_ms();
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
  ASSERT_EQ(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
  close(fd);                                     /* bound, never listened: refused */
  o.port = ntohs(sa.sin_port);
  r = ifm_h2race_new(&o);
  x = request(&o, "PUT", "/x", "\"e\"", "b");
  ASSERT_EQ(ifm_h2race_add(r, &x), IFM_OK);
  x = request(&o, "PUT", "/x", "\"e\"", "b");
  ASSERT_EQ(ifm_h2race_add(r, &x), IFM_OK);
  ASSERT_EQ(ifm_h2race_run(r, 0), IFM_OK);
  ASSERT(ifm_now_ms() - t0 < 2000);
  ASSERT_CONTAINS(ifm_h2race_error(r), "refused");
  ifm_h2race_take(r, 1, &x);
  ASSERT_CONTAINS(x.error, "connect: Connection refused");
  ASSERT_EQ(x.status, 0);
  ASSERT(x.t_done > 0);
  ifm_exchange_clear(&x);
  ifm_h2race_free(r);
}

/* A server that accepts (the kernel does) and never speaks: timed out. */
static void test_offline_silent_server(void) {
  struct sockaddr_in sa = {.sin_family = AF_INET};
  socklen_t len = sizeof sa;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ifm_h2race_opts o = {.host = "127.0.0.1", .timeout_ms = 300};
  ifm_h2race *r;
  ifm_exchange x;
  double t0 = ifm_now_ms();
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
  ASSERT_EQ(listen(fd, 4), 0);
  ASSERT_EQ(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
  o.port = ntohs(sa.sin_port);
  r = ifm_h2race_new(&o);
  x = request(&o, "GET", "/", NULL, NULL);
  ifm_h2race_add(r, &x);
  ifm_h2race_run(r, 0);
  close(fd);
  ASSERT(ifm_now_ms() - t0 < 1500);
  ifm_h2race_take(r, 0, &x);
  ASSERT_CONTAINS(x.error, "timed out after 300 ms before the release");
  ASSERT_EQ(x.timed_out, 1);
  ifm_exchange_clear(&x);
  ifm_h2race_free(r);
}

static void test_clean_one_winner(void) {
  ifm_h2race_opts o;
  char host[128], etag[256], path[128];
  race_result res;
  ASSERT(opts_from_env("IFM_H2_URL", &o, host, sizeof host));
  snprintf(path, sizeof path, "/h2race/%d/clean", (int)getpid());
  create(&o, path, etag, sizeof etag);
  ASSERT(etag[0]);
  race(&o, path, etag, 32, 0, &res);
  printf("# 2xx %d, 412 %d, other %d, errors %d; %zu release writes, %zu final frames\n", res.n2xx,
         res.n412, res.other, res.errors, res.writes, res.frames);
  ASSERT_EQ(res.n2xx, 1);
  ASSERT_EQ(res.n412, 31);
  ASSERT_EQ(res.sent, 32);
  ASSERT_EQ(res.frames, 32);
  ASSERT_EQ(res.writes, 1);                      /* 320 bytes of final frames: one packet */
  ASSERT(res.release_min > 0);
  ASSERT(res.release_max - res.release_min == 0);   /* one write, one release time */
}

/* Empty bodies: HEADERS without END_STREAM, then an empty DATA frame with it. */
static void test_clean_empty_bodies(void) {
  ifm_h2race_opts o;
  char host[128], etag[256], path[128];
  race_result res;
  ASSERT(opts_from_env("IFM_H2_URL", &o, host, sizeof host));
  snprintf(path, sizeof path, "/h2race/%d/empty", (int)getpid());
  create(&o, path, etag, sizeof etag);
  ASSERT(etag[0]);
  race(&o, path, etag, 8, 1, &res);
  ASSERT_EQ(res.n2xx, 1);
  ASSERT_EQ(res.n412, 7);
  ASSERT_EQ(res.frames, 8);
  ASSERT_EQ(res.writes, 1);
}

/* Bodies over the server's initial window (nginx: 64 KiB): the priming
 * waits for its WINDOW_UPDATEs, the release is still one write. */
static void test_clean_large_bodies(void) {
  ifm_h2race_opts o;
  char host[128], etag[256], path[128];
  race_result res;
  ASSERT(opts_from_env("IFM_H2_URL", &o, host, sizeof host));
  snprintf(path, sizeof path, "/h2race/%d/large", (int)getpid());
  create(&o, path, etag, sizeof etag);
  ASSERT(etag[0]);
  race_body_len = 200000;
  race(&o, path, etag, 4, 0, &res);
  race_body_len = 0;
  ASSERT_EQ(res.errors, 0);
  ASSERT_EQ(res.n2xx, 1);
  ASSERT_EQ(res.n412, 3);
  ASSERT_EQ(res.writes, 1);
}

/* 160 streams: 1600 bytes of final frames, two packets back to back (140
 * frames, then 20), each with its own release time. */
static void test_clean_two_packets(void) {
  ifm_h2race_opts o;
  char host[128], etag[256], path[128];
  race_result res;
  ASSERT(opts_from_env("IFM_H2_URL", &o, host, sizeof host));
  snprintf(path, sizeof path, "/h2race/%d/two-packets", (int)getpid());
  create(&o, path, etag, sizeof etag);
  ASSERT(etag[0]);
  race(&o, path, etag, 160, 0, &res);
  ASSERT_EQ(res.errors, 0);
  ASSERT_EQ(res.n2xx, 1);
  ASSERT_EQ(res.n412, 159);
  ASSERT_EQ(res.frames, 160);
  ASSERT_EQ(res.writes, 2);
  ASSERT(res.release_max >= res.release_min);
}

static void test_flaw_two_winners(void) {
  ifm_h2race_opts o;
  char host[128], etag[256], path[128];
  int round, caught = 0;
  ASSERT(opts_from_env("IFM_H2_FLAW_URL", &o, host, sizeof host));
  for (round = 1; round <= 20 && !caught; round++) {
    race_result res;
    snprintf(path, sizeof path, "/h2race/%d/flaw-%d", (int)getpid(), round);
    create(&o, path, etag, sizeof etag);
    ASSERT(etag[0]);
    race(&o, path, etag, 32, 0, &res);
    ASSERT_EQ(res.writes, 1);
    ASSERT_EQ(res.errors, 0);
    if (res.n2xx >= 2) {
      printf("# round %d: %d winners\n", round, res.n2xx);
      caught = 1;
    }
  }
  ASSERT(caught);
}

static void test_tls_streams(void) {
  ifm_h2race_opts o;
  char host[128], etag[256], path[128];
  race_result res;
  ifm_exchange x;
  ASSERT(opts_from_env("IFM_H2_TLS_URL", &o, host, sizeof host));
  ASSERT_EQ(o.tls, 1);
  o.tls_verify = 1;                               /* self-signed: refused */
  run_one(&o, request(&o, "GET", "/", NULL, NULL), &x);
  ASSERT_CONTAINS(x.error, "TLS: certificate verification failed");
  ifm_exchange_clear(&x);
  o.tls_verify = 0;
  snprintf(path, sizeof path, "/h2race/%d/tls", (int)getpid());
  create(&o, path, etag, sizeof etag);
  ASSERT(etag[0]);
  race(&o, path, etag, 4, 0, &res);
  ASSERT_EQ(res.n2xx, 1);
  ASSERT_EQ(res.n412, 3);
  ASSERT_EQ(res.writes, 1);                       /* one SSL_write: one TLS record */
}

/* The TLS server allows 4 concurrent streams: of 6, two are not sent. */
static void test_tls_max_concurrent(void) {
  ifm_h2race_opts o;
  char host[128], etag[256], path[128];
  race_result res;
  ASSERT(opts_from_env("IFM_H2_TLS_URL", &o, host, sizeof host));
  snprintf(path, sizeof path, "/h2race/%d/tls-max", (int)getpid());
  create(&o, path, etag, sizeof etag);
  ASSERT(etag[0]);
  race(&o, path, etag, 6, 0, &res);
  ASSERT_EQ(res.sent, 4);
  ASSERT_EQ(res.errors, 2);
  ASSERT_EQ(res.n2xx + res.n412, 4);
}

int main(int argc, char **argv) {
  static const ifm_test_entry tests[] = {
      TEST(test_offline_refused_fields), TEST(test_offline_closed_port),
      TEST(test_offline_silent_server), TEST(test_clean_one_winner), TEST(test_clean_empty_bodies),
      TEST(test_clean_large_bodies), TEST(test_clean_two_packets),
      TEST(test_flaw_two_winners), TEST(test_tls_streams), TEST(test_tls_max_concurrent)};
  char *offline[] = {argv[0], "offline", NULL};
  signal(SIGPIPE, SIG_IGN);
  if (argc < 2 && !getenv("IFM_H2_URL")) {
    printf("# IFM_H2_URL is not set: the offline tests only (tests/h2race_test.sh runs them all)\n");
    return ifm_test_run(tests, sizeof tests / sizeof *tests, 2, offline);
  }
  return ifm_test_run(tests, sizeof tests / sizeof *tests, argc, argv);
}
