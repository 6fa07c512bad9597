/* exec_wire_test.c: what the executor's own connections (runner/exec/
 * ifm_exec_wire.c, ifm_wire.c) put on the wire, read by a listener of the
 * test's own on 127.0.0.1 that keeps the request's head and answers 200.
 *
 * What must hold (ifm_exec_int.h, ifm_exec_wire_serialize): the request
 * line with the URL's path; Basic credentials made of the URL's userinfo,
 * percent-decoded (RFC 7617 2: base64 of user ":" password), as libcurl
 * sends them; none when a field already gives Authorization, which is sent
 * as it is; none without userinfo; a host name's addresses tried in turn
 * until one connects. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "exec_fixture.h"
#include "ifm_test.h"

/* A listener of the test's own: takes one connection, keeps the request's
 * head, answers 200 with no body. */
typedef struct capture {
  int lfd;
  char head[4096];
  size_t len;
} capture;

static void *capture_cb(void *arg) {
  capture *c = arg;
  struct pollfd p = {c->lfd, POLLIN, 0};
  int fd;
  if (poll(&p, 1, 15000) != 1) return NULL;   /* nobody came: the assertions say so */
  fd = accept(c->lfd, NULL, NULL);
  if (fd < 0) return NULL;
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval){10, 0}, sizeof(struct timeval));
  while (c->len < sizeof c->head - 1 && !strstr(c->head, "\r\n\r\n")) {
    ssize_t r = recv(fd, c->head + c->len, sizeof c->head - 1 - c->len, 0);
    if (r <= 0) break;
    c->len += (size_t)r;
    c->head[c->len] = '\0';
  }
  send(fd, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 38, MSG_NOSIGNAL);
  close(fd);
  return NULL;
}

/* One own-socket GET to userinfo@127.0.0.1:port/x (with an Authorization
 * field of its own when auth is set); the head the listener got in *c. */
static int own_get_host(capture *c, const char *userinfo, const char *host, const char *auth) {
  struct sockaddr_in a;
  socklen_t al = sizeof a;
  pthread_t th;
  char u[256];
  done_box b;
  ifm_xfer_opts o = opts(10);
  ifm_xfer *x;
  int rc;
  memset(c, 0, sizeof *c);
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  c->lfd = socket(AF_INET, SOCK_STREAM, 0);
  if (bind(c->lfd, (struct sockaddr *)&a, sizeof a) || listen(c->lfd, 1) ||
      getsockname(c->lfd, (struct sockaddr *)&a, &al))
    return -1;
  pthread_create(&th, NULL, capture_cb, c);
  snprintf(u, sizeof u, "http://%s%s:%d/x", userinfo, host, ntohs(a.sin_port));
  o.own_socket = 1;
  x = ifm_xfer_new("GET", u, &o);
  if (auth) ifm_xfer_add_header(x, "Authorization", auth, strlen(auth));
  rc = run_one(x, &b);
  pthread_join(th, NULL);
  close(c->lfd);
  if (rc == 0 && b.ex.status != 200) rc = -1;
  ifm_exchange_clear(&b.ex);
  return rc;
}

static int own_get(capture *c, const char *userinfo, const char *auth) {
  return own_get_host(c, userinfo, "127.0.0.1", auth);
}

/* A name with several addresses is tried address by address, as curl
 * does: "localhost" often gives ::1 first, and this listener is on
 * 127.0.0.1 only (where ::1 comes first, the first connect is refused). */
static void test_own_socket_next_address(void) {
  capture c;
  ASSERT_EQ(own_get_host(&c, "", "localhost", NULL), 0);
  ASSERT(strstr(c.head, "GET /x HTTP/1.1\r\n") == c.head);
}

/* The own connection sends what libcurl would for a URL's userinfo: Basic
 * credentials, decoded (RFC 7617 2), unless a field gives Authorization. */
static void test_own_socket_userinfo(void) {
  capture c;
  ASSERT_EQ(own_get(&c, "us%40r:p%40ss@", NULL), 0);
  ASSERT_CONTAINS(c.head, "\r\nAuthorization: Basic dXNAcjpwQHNz\r\n");   /* us@r:p@ss */
  ASSERT(strstr(c.head, "GET /x HTTP/1.1\r\n") == c.head);
  ASSERT_EQ(own_get(&c, "us%40r:p%40ss@", "Bearer t0k"), 0);
  ASSERT_CONTAINS(c.head, "\r\nAuthorization: Bearer t0k\r\n");
  ASSERT(strstr(c.head, "Basic") == NULL);
  ASSERT_EQ(own_get(&c, "", NULL), 0);
  ASSERT(strstr(c.head, "Authorization") == NULL);
}

IFM_TEST_MAIN(TEST(test_own_socket_userinfo), TEST(test_own_socket_next_address))
