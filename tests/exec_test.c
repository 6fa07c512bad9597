/* exec_test.c: the HTTP executor (runner/exec/ifm_exec.c) against the
 * in-process reference server on 127.0.0.1 (an ephemeral port), a socket
 * that listens but never answers, and a port that refuses connections.
 *
 * What must hold is ifm_exec.h's promise: the done callback sees the request
 * as sent, the status (0: none), the response fields and the whole body, a
 * transport error or NULL, and monotonic times; ifm_xfer_new_exchange takes
 * the planner's request over; the members of a hold group are resumed
 * together once all are paused (one release time for all), and a member that
 * ends early leaves the group; a stop flag or a deadline aborts what is left.
 * Statuses of the reference server are those RFC 9110 requires: 201 when a
 * PUT creates (9.3.4), 200/204 when it replaces, 412 for a stale If-Match
 * (13.1.1). Every wait is bounded by the transfers' own timeouts. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "exec_fixture.h"
#include "ifm_exec.h"
#include "ifm_model.h"
#include "ifm_server.h"
#include "ifm_test.h"

static ifm_server *srv;
static char base[64];

static char *url(const char *path) {
  static char u[256];
  snprintf(u, sizeof u, "%s%s", base, path);
  return u;
}

static void test_start_server(void) {
  ifm_server_opts o;
  char err[256];
  ifm_server_opts_init(&o);
  o.threads = 2;
  srv = ifm_server_start(&o, err, sizeof err);
  if (!srv) IFM_TEST_FAIL_("ifm_server_start: %s", err);
  snprintf(base, sizeof base, "http://127.0.0.1:%u", (unsigned)ifm_server_port(srv));
}

static void test_put_then_get(void) {
  ifm_xfer_opts o = opts(10);
  ifm_xfer *x = ifm_xfer_new("PUT", url("/exec/a"), &o);
  const ifm_field *etag, *f;
  done_box b, g;
  char *tag;
  ASSERT(x != NULL);
  ASSERT_EQ(ifm_xfer_add_header(x, "Content-Type", "text/plain", 10), 0);
  ASSERT_EQ(ifm_xfer_add_header(x, "X-Ifmatch-Case", "IM-EXEC", 7), 0);
  ASSERT_EQ(ifm_xfer_set_body(x, "hello", 5), 0);
  ASSERT_EQ(run_one(x, &b), 0);
  ASSERT_EQ(b.calls, 1);
  ASSERT_EQ(b.ex.status, 201);                        /* RFC 9110 9.3.4: created */
  ASSERT(b.ex.error == NULL);
  ASSERT_EQ(b.ex.timed_out, 0);
  /* the request as sent */
  ASSERT_STREQ(b.ex.method, "PUT");
  ASSERT_STREQ(b.ex.url, url("/exec/a"));
  ASSERT_EQ(b.ex.n_req_headers, 2);
  ASSERT_STREQ(b.ex.req_headers[0].name, "Content-Type");
  ASSERT_STREQ(b.ex.req_headers[1].value, "IM-EXEC");
  ASSERT_MEMEQ(b.ex.req_body, b.ex.req_body_len, "hello", 5);
  ASSERT_EQ(b.ex.req_body_total, 5);
  ASSERT(b.ex.req_body_hash == ifm_hash64("hello", 5));
  /* the times, in order */
  ASSERT(b.ex.t_start > 0);
  ASSERT(b.ex.t_first_byte >= b.ex.t_start);
  ASSERT(b.ex.t_done >= b.ex.t_first_byte);
  ASSERT(b.ex.t_done <= ifm_now_ms());
  ASSERT(b.ex.t_release == 0);                        /* not held */
  etag = ifm_exchange_resp_header(&b.ex, "etag");
  ASSERT(etag != NULL);
  ASSERT(etag->value_len >= 2 && etag->value[0] == '"');   /* strong, as sent: no CRLF, no OWS */
  ASSERT_EQ(etag->value[etag->value_len - 1], '"');
  tag = strdup(etag->value);
  /* GET: the same tag, the whole body */
  x = ifm_xfer_new("GET", url("/exec/a"), &o);
  ASSERT_EQ(run_one(x, &g), 0);
  ASSERT_EQ(g.ex.status, 200);
  ASSERT_MEMEQ(g.ex.resp_body, g.ex.resp_body_len, "hello", 5);
  ASSERT_EQ(g.ex.resp_body_total, 5);
  ASSERT(g.ex.resp_body_hash == ifm_hash64("hello", 5));
  ASSERT(g.ex.req_body == NULL);                      /* a GET without a body keeps none */
  ASSERT_STREQ(ifm_exchange_resp_header(&g.ex, "ETag")->value, tag);
  f = ifm_exchange_resp_header(&g.ex, "Content-Length");
  ASSERT(f != NULL);
  ASSERT_STREQ(f->value, "5");
  ifm_exchange_clear(&g.ex);
  /* a stale If-Match after a replacing PUT: 412 (RFC 9110 13.1.1) */
  x = ifm_xfer_new("PUT", url("/exec/a"), &o);
  ASSERT_EQ(ifm_xfer_add_header(x, "If-Match", tag, strlen(tag)), 0);
  ASSERT_EQ(ifm_xfer_set_body(x, "v2", 2), 0);
  ASSERT_EQ(run_one(x, &g), 0);
  ASSERT(g.ex.status == 204 || g.ex.status == 200);
  ifm_exchange_clear(&g.ex);
  x = ifm_xfer_new("PUT", url("/exec/a"), &o);
  ASSERT_EQ(ifm_xfer_add_header(x, "If-Match", tag, strlen(tag)), 0);
  ASSERT_EQ(ifm_xfer_set_body(x, "v3", 2), 0);
  ASSERT_EQ(run_one(x, &g), 0);
  ASSERT_EQ(g.ex.status, 412);
  ifm_exchange_clear(&g.ex);
  free(tag);
  ifm_exchange_clear(&b.ex);
}

/* A body larger than any single read or write, and bytes that are not text. */
static void test_large_and_binary_body(void) {
  ifm_xfer_opts o = opts(20);
  size_t n = 300 * 1024, i;
  char *big = malloc(n);
  done_box b;
  ifm_xfer *x;
  ASSERT(big != NULL);
  for (i = 0; i < n; i++) big[i] = (char)(i * 7 + (i >> 9));
  big[10] = '\0';
  x = ifm_xfer_new("PUT", url("/exec/big"), &o);
  ASSERT_EQ(ifm_xfer_set_body(x, big, n), 0);
  ASSERT_EQ(run_one(x, &b), 0);
  ASSERT_EQ(b.ex.status, 201);
  ASSERT_EQ(b.ex.req_body_total, n);
  ifm_exchange_clear(&b.ex);
  x = ifm_xfer_new("GET", url("/exec/big"), &o);
  ASSERT_EQ(run_one(x, &b), 0);
  ASSERT_EQ(b.ex.status, 200);
  ASSERT_EQ(b.ex.resp_body_len, n);
  ASSERT(memcmp(b.ex.resp_body, big, n) == 0);
  ASSERT(b.ex.resp_body_hash == ifm_hash64(big, n));
  ifm_exchange_clear(&b.ex);
  x = ifm_xfer_new("HEAD", url("/exec/big"), &o);    /* HEAD: the fields, no body */
  ASSERT_EQ(run_one(x, &b), 0);
  ASSERT_EQ(b.ex.status, 200);
  ASSERT_EQ(b.ex.resp_body_len, 0);
  ASSERT(ifm_exchange_resp_header(&b.ex, "ETag") != NULL);
  ifm_exchange_clear(&b.ex);
  free(big);
}

static void test_new_exchange(void) {
  ifm_xfer_opts o = opts(10);
  ifm_exchange req;
  ifm_xfer *x;
  done_box b;
  memset(&req, 0, sizeof req);
  req.client = 5;
  req.method = strdup("PUT");
  req.url = strdup(url("/exec/planned"));
  ASSERT_EQ(ifm_field_append(&req.req_headers, &req.n_req_headers, "Content-Type", "text/plain", 10), 0);
  ASSERT_EQ(ifm_field_append(&req.req_headers, &req.n_req_headers, "X-Empty", "", 0), 0);
  req.req_body = strdup("planned body");
  req.req_body_len = req.req_body_total = 12;
  x = ifm_xfer_new_exchange(&req, &o);
  ASSERT(x != NULL);
  ASSERT(req.method == NULL && req.url == NULL && req.req_headers == NULL && req.req_body == NULL);
  ASSERT_EQ(req.n_req_headers, 0);                    /* taken over: zeroed */
  ASSERT_STREQ(ifm_xfer_exchange(x)->method, "PUT");
  ASSERT_EQ(run_one(x, &b), 0);
  ASSERT_EQ(b.ex.status, 201);
  ASSERT_EQ(b.ex.client, 5);
  ASSERT_STREQ(b.ex.url, url("/exec/planned"));
  ASSERT_EQ(b.ex.n_req_headers, 2);
  ASSERT_STREQ(b.ex.req_headers[1].name, "X-Empty");
  ASSERT_EQ(b.ex.req_headers[1].value_len, 0);
  ASSERT_MEMEQ(b.ex.req_body, b.ex.req_body_len, "planned body", 12);
  ASSERT_EQ(b.ex.req_body_total, 12);
  ifm_exchange_clear(&b.ex);
  x = ifm_xfer_new("GET", url("/exec/planned"), &o);
  ASSERT_EQ(run_one(x, &b), 0);
  ASSERT_MEMEQ(b.ex.resp_body, b.ex.resp_body_len, "planned body", 12);   /* it arrived whole */
  ifm_exchange_clear(&b.ex);
  /* a header libcurl cannot send: refused */
  memset(&req, 0, sizeof req);
  req.method = strdup("GET");
  req.url = strdup(url("/exec/planned"));
  ASSERT_EQ(ifm_field_append(&req.req_headers, &req.n_req_headers, "X-Nul", "a\0b", 3), 0);
  ASSERT(ifm_xfer_new_exchange(&req, &o) == NULL);
  ifm_exchange_clear(&req);                           /* whatever is left is still ours */
  x = ifm_xfer_new("GET", url("/"), &o);
  ASSERT(x != NULL);
  ASSERT(ifm_xfer_add_header(x, "X-Nul", "a\0b", 3) != 0);
  ifm_xfer_free(x);
}

/* Last-byte release: every member pauses before its last byte, then all go
 * in one sweep with one release time. */
static void test_hold_group(void) {
  enum { N = 5 };
  ifm_hold_group g;
  ifm_xfer_opts o = opts(10), plain = opts(10);
  ifm_exec *e = ifm_exec_new();
  done_box b[N];
  char body[N][16], path[32];
  int i;
  ASSERT(e != NULL);
  memset(&g, 0, sizeof g);
  memset(b, 0, sizeof b);
  g.members = N;
  o.hold = &g;
  o.fresh_connection = 1;
  for (i = 0; i < N; i++) {
    ifm_xfer *x;
    snprintf(path, sizeof path, "/exec/hold/%d", i);
    snprintf(body[i], sizeof body[i], i == 0 ? "z" : "body-%d", i);   /* one of one byte */
    x = ifm_xfer_new("PUT", url(path), &o);
    ASSERT(x != NULL);
    ASSERT_EQ(ifm_xfer_set_body(x, body[i], strlen(body[i])), 0);
    ASSERT_EQ(ifm_exec_add(e, x, keep_cb, &b[i]), 0);
  }
  ASSERT_EQ(ifm_exec_run(e, NULL, ifm_now_ms() + 30000), 0);
  ifm_exec_free(e);
  ASSERT_EQ(g.released, 1);
  ASSERT(g.release_ms > 0);
  for (i = 0; i < N; i++) {
    ASSERT_EQ(b[i].calls, 1);
    ASSERT(b[i].ex.error == NULL);
    ASSERT_EQ(b[i].ex.status, 201);
    /* each client's own release: its last byte handed over once the sweep began */
    ASSERT(b[i].ex.t_release >= g.release_ms && b[i].ex.t_release - g.release_ms < 1000.0);
    ASSERT(b[i].ex.t_release >= b[i].ex.t_start);
    ASSERT(b[i].ex.t_done >= b[i].ex.t_release);
    ASSERT_MEMEQ(b[i].ex.req_body, b[i].ex.req_body_len, body[i], strlen(body[i]));
    ifm_exchange_clear(&b[i].ex);
  }
  for (i = 0; i < N; i++) {                           /* the last byte did arrive */
    ifm_xfer *x;
    done_box r;
    snprintf(path, sizeof path, "/exec/hold/%d", i);
    x = ifm_xfer_new("GET", url(path), &plain);
    ASSERT_EQ(run_one(x, &r), 0);
    ASSERT_MEMEQ(r.ex.resp_body, r.ex.resp_body_len, body[i], strlen(body[i]));
    ifm_exchange_clear(&r.ex);
  }
}

/* A port nothing listens on: bound, not listening, so the kernel refuses. */
static int refusing_port(int *fd) {
  struct sockaddr_in a;
  socklen_t len = sizeof a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  *fd = socket(AF_INET, SOCK_STREAM, 0);
  if (*fd < 0 || bind(*fd, (struct sockaddr *)&a, sizeof a) != 0 ||
      getsockname(*fd, (struct sockaddr *)&a, &len) != 0)
    return -1;
  return ntohs(a.sin_port);
}

/* A port that accepts connections (the kernel's backlog) but never answers. */
static int silent_port(int *fd) {
  int port = refusing_port(fd);
  return port > 0 && listen(*fd, 16) == 0 ? port : -1;
}

static void test_refused(void) {
  ifm_xfer_opts o = opts(5);
  char u[64];
  int fd, port = refusing_port(&fd);
  double t0 = ifm_now_ms();
  done_box b;
  ASSERT(port > 0);
  snprintf(u, sizeof u, "http://127.0.0.1:%d/x", port);
  ASSERT_EQ(run_one(ifm_xfer_new("GET", u, &o), &b), 0);
  close(fd);
  ASSERT_EQ(b.calls, 1);
  ASSERT_EQ(b.ex.status, 0);                          /* no response */
  ASSERT(b.ex.error != NULL && *b.ex.error);
  ASSERT_EQ(b.ex.timed_out, 0);
  ASSERT(ifm_now_ms() - t0 < 4000);                   /* refused at once, not timed out */
  ifm_exchange_clear(&b.ex);
}

static void test_timeout(void) {
  ifm_xfer_opts o = opts(0.5);
  char u[64];
  int fd, port = silent_port(&fd);
  double t0;
  done_box b;
  ifm_xfer *x;
  ASSERT(port > 0);
  snprintf(u, sizeof u, "http://127.0.0.1:%d/x", port);
  x = ifm_xfer_new("PUT", u, &o);
  ASSERT_EQ(ifm_xfer_set_body(x, "abc", 3), 0);
  t0 = ifm_now_ms();
  ASSERT_EQ(run_one(x, &b), 0);
  close(fd);
  ASSERT_EQ(b.ex.status, 0);
  ASSERT(b.ex.error != NULL);
  ASSERT_EQ(b.ex.timed_out, 1);
  ASSERT(b.ex.t_done - b.ex.t_start >= 450);          /* it waited its timeout... */
  ASSERT(ifm_now_ms() - t0 < 3000);                   /* ...and not much longer */
  ASSERT_STREQ(b.ex.req_body, "abc");                 /* the record keeps the request */
  ifm_exchange_clear(&b.ex);
}

/* A server that answers a large request early (a complete 413) and closes
 * while the body is still going out, so that the close resets the
 * connection: the exchange is that answer, not a transport error. The
 * answering end is a child process on a socket of this test. */
static void early_answer_server(int fd) {
  char buf[4096];
  size_t got = 0;
  int c = accept(fd, NULL, NULL);
  static const char resp[] = "HTTP/1.1 413 Content Too Large\r\nContent-Length: 5\r\nConnection: close\r\n\r\nlarge";
  struct linger lg = {1, 0};
  if (c < 0) _exit(1);
  while (got < 64) {            /* the request line and some headers */
    ssize_t n = read(c, buf, sizeof buf);
    if (n <= 0) _exit(1);
    got += (size_t)n;
  }
  if (write(c, resp, sizeof resp - 1) < 0) _exit(1);
  usleep(100 * 1000);
  setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);   /* close with RST: unread data is pending */
  close(c);
  _exit(0);
}

static void test_answer_then_reset(void) {
  ifm_xfer_opts o = opts(5);
  char u[64];
  int fd, port = silent_port(&fd), st;
  size_t big = 8u << 20;
  char *body = malloc(big);
  pid_t pid;
  done_box b;
  ifm_xfer *x;
  ASSERT(port > 0 && body != NULL);
  memset(body, 'x', big);
  pid = fork();
  ASSERT(pid >= 0);
  if (pid == 0) early_answer_server(fd);
  snprintf(u, sizeof u, "http://127.0.0.1:%d/big", port);
  x = ifm_xfer_new("PUT", u, &o);
  ASSERT_EQ(ifm_xfer_set_body(x, body, big), 0);
  free(body);
  ASSERT_EQ(run_one(x, &b), 0);
  close(fd);
  waitpid(pid, &st, 0);
  ASSERT_EQ(b.ex.status, 413);
  if (b.ex.error) printf("# error: %s\n", b.ex.error);
  ASSERT(b.ex.error == NULL);
  ASSERT_MEMEQ(b.ex.resp_body, b.ex.resp_body_len, "large", 5);
  ifm_exchange_clear(&b.ex);
}

/* A hold group member that fails before it pauses leaves the group: the
 * others are still released, not left waiting for it. */
static void test_hold_member_refused(void) {
  ifm_hold_group g;
  ifm_xfer_opts o = opts(10);
  ifm_exec *e = ifm_exec_new();
  done_box b[3];
  char u[64];
  int fd, port = refusing_port(&fd), i;
  double t0 = ifm_now_ms();
  ASSERT(e != NULL && port > 0);
  memset(&g, 0, sizeof g);
  memset(b, 0, sizeof b);
  g.members = 3;
  o.hold = &g;
  o.fresh_connection = 1;
  snprintf(u, sizeof u, "http://127.0.0.1:%d/x", port);
  for (i = 0; i < 3; i++) {
    ifm_xfer *x = ifm_xfer_new("PUT", i == 1 ? u : url(i ? "/exec/left/2" : "/exec/left/0"), &o);
    ASSERT_EQ(ifm_xfer_set_body(x, "abcd", 4), 0);
    ASSERT_EQ(ifm_exec_add(e, x, keep_cb, &b[i]), 0);
  }
  ASSERT_EQ(ifm_exec_run(e, NULL, ifm_now_ms() + 20000), 0);
  ifm_exec_free(e);
  close(fd);
  ASSERT(ifm_now_ms() - t0 < 8000);                   /* nobody waited for the timeout */
  ASSERT(b[1].ex.error != NULL);
  ASSERT_EQ(b[1].ex.status, 0);
  ASSERT_EQ(g.released, 1);
  ASSERT_EQ(b[0].ex.status, 201);
  ASSERT_EQ(b[2].ex.status, 201);
  ASSERT(b[0].ex.t_release >= g.release_ms && b[2].ex.t_release >= g.release_ms && g.release_ms > 0);
  for (i = 0; i < 3; i++) ifm_exchange_clear(&b[i].ex);
}

/* A stop flag or a passed deadline aborts what is left, with a reason. */
static void test_stop_and_deadline(void) {
  ifm_xfer_opts o = opts(10);
  char u[64];
  int fd, port = silent_port(&fd);
  volatile int stop = 1;
  ifm_exec *e;
  done_box b;
  double t0;
  ASSERT(port > 0);
  snprintf(u, sizeof u, "http://127.0.0.1:%d/x", port);
  e = ifm_exec_new();
  memset(&b, 0, sizeof b);
  ASSERT_EQ(ifm_exec_add(e, ifm_xfer_new("GET", u, &o), keep_cb, &b), 0);
  ASSERT_EQ(ifm_exec_run(e, &stop, 0), 0);
  ASSERT_EQ(b.calls, 1);
  ASSERT_STREQ(b.ex.error, "interrupted");
  ASSERT_EQ(b.ex.status, 0);
  ifm_exchange_clear(&b.ex);
  memset(&b, 0, sizeof b);
  t0 = ifm_now_ms();
  ASSERT_EQ(ifm_exec_add(e, ifm_xfer_new("GET", u, &o), keep_cb, &b), 0);
  ASSERT_EQ(ifm_exec_run(e, NULL, t0 + 300), 0);
  ASSERT_EQ(b.calls, 1);
  ASSERT_CONTAINS(b.ex.error, "run time limit");
  ASSERT(ifm_now_ms() - t0 < 3000);
  ifm_exchange_clear(&b.ex);
  memset(&b, 0, sizeof b);                            /* freeing the exec aborts the rest */
  ASSERT_EQ(ifm_exec_add(e, ifm_xfer_new("GET", u, &o), keep_cb, &b), 0);
  ifm_exec_free(e);
  ASSERT_EQ(b.calls, 1);
  ASSERT_STREQ(b.ex.error, "interrupted");
  ifm_exchange_clear(&b.ex);
  close(fd);
}

/* ---- own-socket transfers (ifm_exec_wire.c, ifm_wire.c) ---------------- */

/* A raw transfer of the request text req, with the URL path for the record. */
static ifm_xfer *raw_xfer(const char *path, const char *req, size_t len, double timeout_s) {
  ifm_xfer_opts o = opts(timeout_s);
  ifm_exchange ex;
  memset(&ex, 0, sizeof ex);
  ex.client = -1;
  ex.method = strdup("RAW");
  ex.url = strdup(path[0] == '/' ? url(path) : path);
  return ifm_xfer_new_raw(&ex, req, len, &o);
}

static void test_raw_round_trip(void) {
  char req[512], host[64];
  int n;
  done_box b, c;
  const ifm_field *etag;
  ifm_exec *e = ifm_exec_new();
  ifm_xfer_opts o = opts(10);
  snprintf(host, sizeof host, "%s", base + 7);
  n = snprintf(req, sizeof req, "PUT /exec/raw HTTP/1.1\r\nHost: %s\r\nContent-Length: 5\r\n\r\nhello", host);
  ASSERT_EQ(run_one(raw_xfer("/exec/raw", req, (size_t)n, 10), &b), 0);
  ASSERT_EQ(b.calls, 1);
  ASSERT(b.ex.error == NULL);
  ASSERT_EQ(b.ex.status, 201);                        /* RFC 9110 9.3.4: a PUT that creates */
  ASSERT_STREQ(b.ex.method, "RAW");                   /* the record keeps the request as given */
  ASSERT(b.ex.t_start > 0 && b.ex.t_first_byte >= b.ex.t_start && b.ex.t_done >= b.ex.t_first_byte);
  ifm_exchange_clear(&b.ex);
  /* a raw GET and a libcurl GET in one loop: both end, the same bytes */
  n = snprintf(req, sizeof req, "GET /exec/raw HTTP/1.1\r\nHost: %s\r\n\r\n", host);
  memset(&b, 0, sizeof b);
  memset(&c, 0, sizeof c);
  ASSERT(e != NULL);
  ASSERT_EQ(ifm_exec_add(e, raw_xfer("/exec/raw", req, (size_t)n, 10), keep_cb, &b), 0);
  ASSERT_EQ(ifm_exec_add(e, ifm_xfer_new("GET", url("/exec/raw"), &o), keep_cb, &c), 0);
  ASSERT_EQ(ifm_exec_run(e, NULL, ifm_now_ms() + 30000), 0);
  ifm_exec_free(e);
  ASSERT_EQ(b.ex.status, 200);
  ASSERT_EQ(c.ex.status, 200);
  ASSERT_MEMEQ(b.ex.resp_body, b.ex.resp_body_len, "hello", 5);
  ASSERT(b.ex.resp_body_hash == c.ex.resp_body_hash && b.ex.resp_body_hash != 0);
  etag = ifm_exchange_resp_header(&b.ex, "ETag");
  ASSERT(etag != NULL && ifm_exchange_resp_header(&c.ex, "ETag") != NULL);
  if (etag) ASSERT_STREQ(etag->value, ifm_exchange_resp_header(&c.ex, "ETag")->value);
  ifm_exchange_clear(&b.ex);
  ifm_exchange_clear(&c.ex);
}

/* Bytes libcurl refuses: a NUL inside the If-Match value. RFC 9110 5.5: the
 * server rejects the message or reads the NUL as SP; either way the write
 * is not performed (400, 412, or a close without an answer). */
static void test_raw_nul(void) {
  static const char req[] = "PUT /exec/raw HTTP/1.1\r\nHost: x\r\nIf-Match: \"a\0b\"\r\nContent-Length: 1\r\n\r\nz";
  done_box b;
  ASSERT_EQ(run_one(raw_xfer("/exec/raw", req, sizeof req - 1, 10), &b), 0);
  ASSERT(b.ex.status == 400 || b.ex.status == 412 || b.ex.closed_unanswered);
  ASSERT(b.ex.status < 200 || b.ex.status > 299);
  ifm_exchange_clear(&b.ex);
}

/* A server that accepts and closes at once: closed_unanswered. */
static void test_raw_closed(void) {
  char u[64];
  int fd, port = silent_port(&fd), c;
  done_box b;
  ifm_exec *e = ifm_exec_new();
  ASSERT(port > 0 && e != NULL);
  snprintf(u, sizeof u, "http://127.0.0.1:%d/x", port);
  ASSERT_EQ(ifm_exec_add(e, raw_xfer(u, "GET / HTTP/1.1\r\n\r\n", 18, 5), keep_cb, &b), 0);
  memset(&b, 0, sizeof b);
  c = accept(fd, NULL, NULL);     /* the connect is in the backlog already */
  if (c >= 0) close(c);
  ASSERT_EQ(ifm_exec_run(e, NULL, ifm_now_ms() + 10000), 0);
  ifm_exec_free(e);
  close(fd);
  ASSERT_EQ(b.calls, 1);
  ASSERT_EQ(b.ex.status, 0);
  ASSERT_EQ(b.ex.closed_unanswered, 1);
  ASSERT(b.ex.error != NULL);
  ifm_exchange_clear(&b.ex);
}

static void test_raw_timeout_and_refused(void) {
  char u[64];
  int fd, port = silent_port(&fd);
  done_box b;
  double t0 = ifm_now_ms();
  snprintf(u, sizeof u, "http://127.0.0.1:%d/x", port);
  ASSERT_EQ(run_one(raw_xfer(u, "GET / HTTP/1.1\r\n\r\n", 18, 0.5), &b), 0);
  close(fd);
  ASSERT_EQ(b.ex.timed_out, 1);
  ASSERT(b.ex.t_done - b.ex.t_start >= 450 && ifm_now_ms() - t0 < 3000);
  ifm_exchange_clear(&b.ex);
  port = refusing_port(&fd);
  snprintf(u, sizeof u, "http://127.0.0.1:%d/x", port);
  t0 = ifm_now_ms();
  ASSERT_EQ(run_one(raw_xfer(u, "GET / HTTP/1.1\r\n\r\n", 18, 5), &b), 0);
  close(fd);
  ASSERT_EQ(b.ex.status, 0);
  ASSERT(b.ex.error != NULL && !b.ex.timed_out && !b.ex.closed_unanswered);
  ASSERT(ifm_now_ms() - t0 < 4000);
  ifm_exchange_clear(&b.ex);
}

/* connect_to and resolve as curl reads them; https and proxies refused. */
static void test_raw_connect_to(void) {
  ifm_netopts n;
  ifm_xfer_opts o = opts(5);
  char ct[128], why[256], *ctp = ct, req[128];
  ifm_exchange ex;
  done_box b;
  int len;
  memset(&n, 0, sizeof n);
  snprintf(ct, sizeof ct, "api.invalid:80:127.0.0.1:%u", (unsigned)ifm_server_port(srv));
  n.connect_to = &ctp;
  n.n_connect_to = 1;
  o.net = &n;
  memset(&ex, 0, sizeof ex);
  ex.client = -1;
  ex.method = strdup("GET");
  ex.url = strdup("http://api.invalid/exec/raw");
  len = snprintf(req, sizeof req, "GET /exec/raw HTTP/1.1\r\nHost: api.invalid\r\n\r\n");
  ASSERT_EQ(run_one(ifm_xfer_new_raw(&ex, req, (size_t)len, &o), &b), 0);
  ASSERT_EQ(b.ex.status, 200);
  ifm_exchange_clear(&b.ex);
  ASSERT_EQ(ifm_xfer_wire_supported("http://h/", &o, why, sizeof why), 1);
  ASSERT_EQ(ifm_xfer_wire_supported("https://h/", &o, why, sizeof why), 1);   /* TLS: ifm_tls.c */
  ASSERT_EQ(ifm_xfer_wire_supported("ftp://h/", &o, why, sizeof why), 0);
  ASSERT_CONTAINS(why, "https://");
  n.proxy = (char *)"http://proxy:3128";
  ASSERT_EQ(ifm_xfer_wire_supported("http://h/", &o, why, sizeof why), 0);
  ASSERT_CONTAINS(why, "proxy");
}

/* The executor's own release engine: N PUTs with the current ETag, each
 * on a connection of its own, all but the last byte out, then the last bytes
 * by one send() each, back to back. RFC 9110 13.1.1: exactly one is
 * performed, the others 412; each member's release is its own moment, all
 * after the group's. */
static void test_own_socket_hold_group(void) {
  enum { N = 8 };
  ifm_xfer_opts o = opts(10);
  ifm_hold_group g;
  done_box b[N], c;
  ifm_exec *e;
  const ifm_field *etag;
  char body[N][16];
  int i, wins = 0, stale = 0;
  ifm_xfer *x = ifm_xfer_new("PUT", url("/exec/own"), &o);
  ASSERT_EQ(ifm_xfer_set_body(x, "v0", 2), 0);
  ASSERT_EQ(run_one(x, &c), 0);
  ASSERT(c.ex.status == 201 || c.ex.status == 204);
  ifm_exchange_clear(&c.ex);
  ASSERT_EQ(run_one(ifm_xfer_new("GET", url("/exec/own"), &o), &c), 0);
  etag = ifm_exchange_resp_header(&c.ex, "ETag");
  ASSERT(etag != NULL);
  if (!etag) return;
  memset(&g, 0, sizeof g);
  memset(b, 0, sizeof b);
  e = ifm_exec_new();
  o.hold = &g;
  o.own_socket = 1;
  o.fresh_connection = 1;
  for (i = 0; i < N; i++) {
    x = ifm_xfer_new("PUT", url("/exec/own"), &o);
    snprintf(body[i], sizeof body[i], "w%d", i);
    ASSERT_EQ(ifm_xfer_add_header(x, "If-Match", etag->value, etag->value_len), 0);
    ASSERT_EQ(ifm_xfer_set_body(x, body[i], strlen(body[i])), 0);
    ASSERT_EQ(ifm_exec_add(e, x, keep_cb, &b[i]), 0);
  }
  g.members = N;
  ASSERT_EQ(ifm_exec_run(e, NULL, ifm_now_ms() + 30000), 0);
  ifm_exec_free(e);
  ifm_exchange_clear(&c.ex);
  ASSERT_EQ(g.released, 1);
  for (i = 0; i < N; i++) {
    ASSERT_EQ(b[i].calls, 1);
    ASSERT(b[i].ex.error == NULL);
    wins += b[i].ex.status >= 200 && b[i].ex.status <= 299;
    stale += b[i].ex.status == 412;
    ASSERT(b[i].ex.t_release >= g.release_ms && b[i].ex.t_done >= b[i].ex.t_release);
    ASSERT_MEMEQ(b[i].ex.req_body, b[i].ex.req_body_len, body[i], strlen(body[i]));   /* the record keeps it */
    ifm_exchange_clear(&b[i].ex);
  }
  ASSERT_EQ(wins, 1);
  ASSERT_EQ(stale, N - 1);
}

/* ---- HTTP/2 single-packet groups (ifm_exec_h2.c) ---------------------- */

/* n members for u: PUTs with a body, made as the planner's requests are. */
static void h2_members(ifm_xfer **xs, size_t n, const char *u, const ifm_xfer_opts *o) {
  size_t i;
  for (i = 0; i < n; i++) {
    ifm_exchange req;
    memset(&req, 0, sizeof req);
    req.client = (int)i;
    req.method = strdup("PUT");
    req.url = strdup(u);
    req.req_body = strdup("w");
    req.req_body_len = req.req_body_total = 1;
    xs[i] = ifm_xfer_new_exchange(&req, o);
  }
}

/* Options a group cannot run with are refused, the members left to the
 * caller; a stop, the deadline and ifm_exec_free end every member with
 * their error, through its own callback, with its request kept. */
static void test_h2_group_refused_and_stopped(void) {
  ifm_xfer_opts o = opts(10);
  ifm_netopts proxied;
  char u[64], why[256];
  int fd, port = silent_port(&fd);
  volatile int stop = 1;
  ifm_xfer *xs[3];
  done_box b[3];
  void *ctx[3] = {&b[0], &b[1], &b[2]};
  ifm_exec *e = ifm_exec_new();
  double t0;
  size_t i;
  ASSERT(port > 0);
  snprintf(u, sizeof u, "http://127.0.0.1:%d/h2", port);
  h2_members(xs, 3, u, &o);
  ASSERT_EQ(ifm_exec_add_h2_group(e, xs, 3, &o, keep_cb, ctx), IFM_ERR_INPUT);   /* HTTP/1.1 */
  ASSERT_EQ(ifm_exec_h2_supported(&o, why, sizeof why), 0);
  ASSERT_CONTAINS(why, "single-packet release needs HTTP/2");
  memset(&proxied, 0, sizeof proxied);
  proxied.proxy = "http://127.0.0.1:1";
  o.http_version = 1;
  o.net = &proxied;
  ASSERT_EQ(ifm_exec_h2_supported(&o, why, sizeof why), 0);
  ASSERT_CONTAINS(why, "proxy");
  o.net = NULL;
  ASSERT_EQ(ifm_exec_h2_supported(&o, why, sizeof why), 1);
  for (i = 0; i < 3; i++) ifm_xfer_free(xs[i]);        /* still ours */

  h2_members(xs, 3, u, &o);
  memset(b, 0, sizeof b);
  ASSERT_EQ(ifm_exec_add_h2_group(e, xs, 3, &o, keep_cb, ctx), IFM_OK);
  ASSERT_EQ(ifm_exec_run(e, &stop, 0), 0);
  for (i = 0; i < 3; i++) {
    ASSERT_EQ(b[i].calls, 1);
    ASSERT_STREQ(b[i].ex.error, "interrupted");
    ASSERT_EQ(b[i].ex.status, 0);
    ASSERT_EQ(b[i].ex.client, (int)i);
    ASSERT_MEMEQ(b[i].ex.req_body, b[i].ex.req_body_len, "w", 1);
    ifm_exchange_clear(&b[i].ex);
  }

  h2_members(xs, 3, u, &o);
  memset(b, 0, sizeof b);
  t0 = ifm_now_ms();
  ASSERT_EQ(ifm_exec_add_h2_group(e, xs, 3, &o, keep_cb, ctx), IFM_OK);
  ASSERT_EQ(ifm_exec_run(e, NULL, t0 + 300), 0);
  ASSERT(ifm_now_ms() - t0 < 3000);
  for (i = 0; i < 3; i++) {
    ASSERT_EQ(b[i].calls, 1);
    ASSERT_CONTAINS(b[i].ex.error, "run time limit");
    ifm_exchange_clear(&b[i].ex);
  }

  h2_members(xs, 3, u, &o);                           /* freeing the exec aborts the rest */
  memset(b, 0, sizeof b);
  ASSERT_EQ(ifm_exec_add_h2_group(e, xs, 3, &o, keep_cb, ctx), IFM_OK);
  ifm_exec_free(e);
  for (i = 0; i < 3; i++) {
    ASSERT_EQ(b[i].calls, 1);
    ASSERT_STREQ(b[i].ex.error, "interrupted");
    ifm_exchange_clear(&b[i].ex);
  }
  close(fd);
}

/* A group waiting on a silent server does not hold up libcurl's transfers
 * in the same loop; a refused connection ends every member with an error. */
static void test_h2_group_beside_curl(void) {
  ifm_xfer_opts o = opts(1), oc = opts(10);
  char u[64];
  int fd, port = silent_port(&fd), rfd, rport = refusing_port(&rfd);
  ifm_xfer *xs[2], *rs[2];
  done_box b[2], r[2], c;
  void *ctx[2] = {&b[0], &b[1]}, *rctx[2] = {&r[0], &r[1]};
  ifm_exec *e = ifm_exec_new();
  double t0;
  size_t i;
  ASSERT(port > 0 && rport > 0);
  o.http_version = 1;
  snprintf(u, sizeof u, "http://127.0.0.1:%d/h2", port);
  h2_members(xs, 2, u, &o);
  snprintf(u, sizeof u, "http://127.0.0.1:%d/h2", rport);
  h2_members(rs, 2, u, &o);
  memset(b, 0, sizeof b);
  memset(r, 0, sizeof r);
  memset(&c, 0, sizeof c);
  t0 = ifm_now_ms();
  ASSERT_EQ(ifm_exec_add_h2_group(e, xs, 2, &o, keep_cb, ctx), IFM_OK);
  ASSERT_EQ(ifm_exec_add_h2_group(e, rs, 2, &o, keep_cb, rctx), IFM_OK);
  ASSERT_EQ(ifm_exec_add(e, ifm_xfer_new("GET", url("/"), &oc), keep_cb, &c), 0);
  ASSERT_EQ(ifm_exec_run(e, NULL, 0), 0);
  ASSERT(ifm_now_ms() - t0 < 5000);
  ASSERT_EQ(c.calls, 1);
  ASSERT(c.ex.status > 0);
  ASSERT(c.ex.t_done - t0 < 500);                     /* not after the group's 1 s timeout */
  for (i = 0; i < 2; i++) {
    ASSERT_EQ(b[i].calls, 1);
    ASSERT(b[i].ex.error != NULL);
    ASSERT_EQ(b[i].ex.status, 0);
    ASSERT(b[i].ex.t_done - t0 >= 900);               /* the silent one ran into its timeout */
    ASSERT_EQ(r[i].calls, 1);
    ASSERT(r[i].ex.error != NULL);
    ASSERT(r[i].ex.t_done - t0 < 900);                /* the refused one ended at once */
    ifm_exchange_clear(&b[i].ex);
    ifm_exchange_clear(&r[i].ex);
  }
  ifm_exchange_clear(&c.ex);
  ifm_exec_free(e);
  close(fd);
  close(rfd);
}

static void test_stop_server(void) {
  ifm_server_stop(srv);
  srv = NULL;
}

IFM_TEST_MAIN(TEST(test_start_server), TEST(test_put_then_get), TEST(test_large_and_binary_body),
              TEST(test_new_exchange), TEST(test_hold_group), TEST(test_refused), TEST(test_timeout), TEST(test_answer_then_reset),
              TEST(test_hold_member_refused), TEST(test_stop_and_deadline), TEST(test_raw_round_trip),
              TEST(test_raw_nul), TEST(test_raw_closed), TEST(test_raw_timeout_and_refused),
              TEST(test_raw_connect_to), TEST(test_own_socket_hold_group), TEST(test_h2_group_refused_and_stopped),
              TEST(test_h2_group_beside_curl), TEST(test_stop_server))
