/* release_pass.c: how tight can one pass release the held last bytes of N
 * HTTP/1.1 requests, each on its own TCP connection (issue 13: "measure
 * whether one vectored pass beats a loop")? A benchmark, not part of
 * ifmatch: bench/release_pass.sh builds and runs it.
 *
 *   release_pass N ROUNDS
 *
 * N client sockets (TCP_NODELAY) connect to a listener of its own on
 * 127.0.0.1. Each round every client sends a 99-byte prefix; once the
 * receiver has read every prefix, the N last bytes go out by one of:
 *
 *   loop       send() on each socket in turn (what ifm_wire.c does)
 *   uring      one io_uring_enter() submitting N send SQEs (liburing; the
 *              "vectored" pass: one system call for all sockets)
 *   threads2   two threads, each a loop over half the sockets, started
 *              together by a spin barrier
 *
 * The variants alternate round by round, so they share the background load.
 * The receiver reads each last byte with recvmsg() and SO_TIMESTAMPNS: the
 * kernel's receive time of that segment, not the moment the receiver got
 * around to it. Per round: the spread (latest minus earliest of the N
 * receive times) and the sender's pass (clock before the first send to
 * after the last). Prints, per variant, the median and p95 of both, in us.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_URING
#include <liburing.h>
#endif

#define PREFIX 99
#define MAXN 1024

static int cli[MAXN], srv[MAXN], n;

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double pct(double *v, int k, double p) {
  qsort(v, (size_t)k, sizeof *v, cmp_d);
  return v[(int)(p * (k - 1) + 0.5)];
}

/* Reads exactly len bytes from fd (blocking). */
static void read_all(int fd, char *buf, size_t len) {
  size_t got = 0;
  while (got < len) {
    ssize_t r = recv(fd, buf + got, len - got, 0);
    if (r <= 0) {
      perror("recv");
      exit(1);
    }
    got += (size_t)r;
  }
}

/* The kernel's receive time (CLOCK_REALTIME, us) of the one byte on fd. */
static double read_stamp(int fd) {
  char c, ctl[256];
  struct iovec iov = {&c, 1};
  struct msghdr m = {0};
  struct cmsghdr *cm;
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = ctl;
  m.msg_controllen = sizeof ctl;
  if (recvmsg(fd, &m, 0) != 1) {
    perror("recvmsg");
    exit(1);
  }
  for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm))
    if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS) {
      struct timespec ts;
      memcpy(&ts, CMSG_DATA(cm), sizeof ts);
      return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
    }
  fprintf(stderr, "no timestamp\n");
  exit(1);
}

static void release_loop(int from, int to) {
  int i;
  for (i = from; i < to; i++)
    if (send(cli[i], "\n", 1, MSG_NOSIGNAL) != 1) {
      perror("send");
      exit(1);
    }
}

static atomic_int go, done2;
static void *half_cb(void *arg) {
  (void)arg;
  for (;;) {
    int g;
    while ((g = atomic_load(&go)) == 0) {}
    if (g < 0) return NULL;
    release_loop(n / 2, n);
    atomic_store(&go, 0);
    atomic_fetch_add(&done2, 1);
  }
}

#ifdef HAVE_URING
static struct io_uring ring;
static void release_uring(void) {
  int i;
  struct io_uring_cqe *cqe;
  for (i = 0; i < n; i++) {
    struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
    io_uring_prep_send(sqe, cli[i], "\n", 1, MSG_NOSIGNAL);
  }
  if (io_uring_submit(&ring) != n) {
    fprintf(stderr, "io_uring_submit\n");
    exit(1);
  }
  for (i = 0; i < n; i++) {
    if (io_uring_wait_cqe(&ring, &cqe) != 0 || cqe->res != 1) {
      fprintf(stderr, "io_uring send failed\n");
      exit(1);
    }
    io_uring_cqe_seen(&ring, cqe);
  }
}
#endif

int main(int argc, char **argv) {
  const char *names[] = {"loop", "threads2", "uring"};
  int nvar = 2, rounds, i, r, v, lfd, one = 1;
  struct sockaddr_in a = {0};
  socklen_t al = sizeof a;
  double *spread[3], *pass[3];
  char prefix[PREFIX], buf[PREFIX];
  pthread_t th;
  if (argc != 3 || (n = atoi(argv[1])) < 2 || n > MAXN || (rounds = atoi(argv[2])) < 1) {
    fprintf(stderr, "usage: release_pass N ROUNDS   (2 <= N <= %d)\n", MAXN);
    return 2;
  }
#ifdef HAVE_URING
  if (io_uring_queue_init((unsigned)n * 2, &ring, 0) == 0) nvar = 3;
#endif
  memset(prefix, 'x', sizeof prefix);
  lfd = socket(AF_INET, SOCK_STREAM, 0);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(lfd, (struct sockaddr *)&a, sizeof a) || listen(lfd, MAXN) || getsockname(lfd, (struct sockaddr *)&a, &al)) {
    perror("listen");
    return 1;
  }
  for (i = 0; i < n; i++) {
    cli[i] = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(cli[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(cli[i], (struct sockaddr *)&a, sizeof a) || (srv[i] = accept(lfd, NULL, NULL)) < 0) {
      perror("connect");
      return 1;
    }
    setsockopt(srv[i], SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
  }
  for (v = 0; v < 3; v++) {
    spread[v] = calloc((size_t)rounds, sizeof(double));
    pass[v] = calloc((size_t)rounds, sizeof(double));
  }
  pthread_create(&th, NULL, half_cb, NULL);
  for (r = 0; r < rounds * nvar; r++) {
    double t0, t1, lo = 0, hi = 0;
    v = r % nvar;
    for (i = 0; i < n; i++) send(cli[i], prefix, sizeof prefix, MSG_NOSIGNAL);
    for (i = 0; i < n; i++) read_all(srv[i], buf, sizeof buf);
    usleep(200);                       /* the prefixes' ACKs settle */
    t0 = now_us();
    if (v == 0) {
      release_loop(0, n);
    } else if (v == 1) {
      atomic_store(&go, 1);
      release_loop(0, n / 2);
      while (atomic_load(&done2) <= r / nvar) {}
    } else {
#ifdef HAVE_URING
      release_uring();
#endif
    }
    t1 = now_us();
    for (i = 0; i < n; i++) {
      double t = read_stamp(srv[i]);
      if (i == 0 || t < lo) lo = t;
      if (i == 0 || t > hi) hi = t;
    }
    spread[v][r / nvar] = hi - lo;
    pass[v][r / nvar] = t1 - t0;
  }
  atomic_store(&go, -1);
  pthread_join(th, NULL);
  printf("| release | clients | rounds | spread median | spread p95 | pass median | pass p95 |\n");
  printf("|---|---|---|---|---|---|---|\n");
  for (v = 0; v < nvar; v++)
    printf("| %s | %d | %d | %.1f | %.1f | %.1f | %.1f |\n", names[v], n, rounds, pct(spread[v], rounds, 0.5),
           pct(spread[v], rounds, 0.95), pct(pass[v], rounds, 0.5), pct(pass[v], rounds, 0.95));
  if (nvar < 3) printf("(uring: not built or not available: liburing-dev, io_uring)\n");
  return 0;
}
