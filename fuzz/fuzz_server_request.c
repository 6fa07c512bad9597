/* fuzz_server_request.c: raw request bytes into the reference server's
 * request path (`ifmatch serve`: libmicrohttpd, server/ifm_framing.c's
 * framing checks, the handler, the store).
 *
 * The server runs in this process, started once on 127.0.0.1 with its
 * defaults (profile rfc9110, no flaw; IFM_FUZZ_FLAWS=a,b seeds flaws, so
 * that a test can show the invariants catch one). Each input is sent as is on a fresh
 * connection, the write side is then closed, and the whole answer is read
 * until the server closes. Invariants, each a CHECK:
 *  - no crash and no sanitizer report (the server's threads are in this
 *    process, under the same sanitizers);
 *  - the server closes the connection within ANSWER_MS: a request it cannot
 *    finish (a body cut short, a head never ended) ends with the input (a
 *    late connection or close is tried once more before it counts);
 *  - the answer is a sequence of well-formed HTTP/1.x responses (RFC 9112
 *    4, 5, 6): a status line with a three-digit code 100-599, field lines
 *    "token: value" with no CR, LF or NUL in the value, an empty line, then
 *    the body as framed: none for 1xx, 204, 304 and (RFC 9110 9.3.2) a HEAD's
 *    answer, chunked, Content-Length bytes (a single value), or to the close;
 *    Not checked when a Content-Length value in the input is not a plain
 *    number: libmicrohttpd 0.9.75 refuses it by itself and writes its 400's
 *    head twice (a known limit, server/ifm_framing.h); the answer's status
 *    lines are then only looked for, for the next check;
 *  - a rejected request changes nothing: when the answer holds no 2xx or
 *    3xx response, the store took no write and no delete (ifm_server_stats
 *    store_changes; evictions are housekeeping and not counted).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fuzz_check.h"
#include "fuzz_server.h"
#include "ifm_server.h"

#define ANSWER_MS 10000          /* the server must have closed by then */
#define ANSWER_MAX (4u << 20)    /* bytes of answer read at most */

static ifm_server *srv;
static uint16_t port;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  ifm_server_opts o;
  (void)argc, (void)argv;
  ifm_server_opts_init(&o);
  o.threads = 2;
  srv = fuzz_server_start(&o, "fuzz_server_request");
  port = ifm_server_port(srv);
  return 0;
}


/* Sends data, closes the write side, reads the answer into *out (malloc'd,
 * *out_len bytes). Returns 1 when the server closed in time, 0 otherwise,
 * -1 when no connection was made (*out NULL). */
static int exchange(const uint8_t *data, size_t size, char **out, size_t *out_len) {
  struct sockaddr_in sa;
  struct linger lg = {1, 0};   /* close at once (RST), whatever is left unread */
  int fd = socket(AF_INET, SOCK_STREAM, 0), closed = 0;
  long long deadline = fuzz_now_ms() + ANSWER_MS;
  size_t cap = 4096, len = 0, sent = 0;
  char *buf = malloc(cap);
  CHECK(fd >= 0 && buf);
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  /* from 127.0.0.2-254 in turn: a thousand connections a second would
   * otherwise run one source address out of ports (TIME_WAIT) */
  {
    static unsigned next_src;
    struct sockaddr_in src;
    memset(&src, 0, sizeof src);
    src.sin_family = AF_INET;
    src.sin_addr.s_addr = htonl(INADDR_LOOPBACK + 1 + next_src++ % 253);
    CHECK(bind(fd, (struct sockaddr *)&src, sizeof src) == 0);
  }
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    fprintf(stderr, "fuzz_server_request: connect: %s\n", strerror(errno));
    close(fd);
    free(buf);
    *out = NULL;
    *out_len = 0;
    return -1;
  }
  /* write what the server takes; it may close early (a 400 on the head) */
  while (sent < size) {
    struct pollfd p = {fd, POLLOUT, 0};
    ssize_t n;
    if (poll(&p, 1, (int)(deadline - fuzz_now_ms() > 0 ? deadline - fuzz_now_ms() : 0)) <= 0) break;
    n = send(fd, data + sent, size - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += (size_t)n;
  }
  shutdown(fd, SHUT_WR);
  for (;;) {
    struct pollfd p = {fd, POLLIN, 0};
    long long left = deadline - fuzz_now_ms();
    ssize_t n;
    if (left <= 0 || poll(&p, 1, (int)left) <= 0) break;
    if (len == cap) {
      char *nb = cap < ANSWER_MAX ? realloc(buf, cap * 2) : NULL;
      if (!nb) break;
      buf = nb;
      cap *= 2;
    }
    n = recv(fd, buf + len, cap - len, 0);
    if (n <= 0) {
      closed = 1;   /* the server's close, or its reset: either ends the answer */
      break;
    }
    len += (size_t)n;
  }
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  close(fd);
  *out = buf;
  *out_len = len;
  return closed;
}

static int is_tchar(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* The line at a[*pos] (ending in CRLF) without its CRLF; 0 when there is no
 * CRLF-terminated line there, or it holds a bare CR, LF or NUL. */
static int take_line(const char *a, size_t len, size_t *pos, const char **line, size_t *line_len) {
  size_t i;
  for (i = *pos; i + 1 < len; i++) {
    if (a[i] == '\r' && a[i + 1] == '\n') {
      *line = a + *pos;
      *line_len = i - *pos;
      *pos = i + 2;
      return 1;
    }
    if (a[i] == '\r' || a[i] == '\n' || a[i] == '\0') return 0;
  }
  return 0;
}

static int field_is(const char *line, size_t n, const char *name) {
  size_t k = strlen(name);
  return n > k && line[k] == ':' && strncasecmp(line, name, k) == 0;
}

/* The value of a field line, its surrounding whitespace left out. */
static void field_value(const char *line, size_t n, const char **v, size_t *vn) {
  const char *p = (const char *)memchr(line, ':', n) + 1, *e = line + n;
  while (p < e && (*p == ' ' || *p == '\t')) p++;
  while (e > p && (e[-1] == ' ' || e[-1] == '\t')) e--;
  *v = p;
  *vn = (size_t)(e - p);
}

/* A chunked body at a[*pos] (RFC 9112 7.1), trailers included. */
static int take_chunked(const char *a, size_t len, size_t *pos) {
  const char *line;
  size_t n;
  for (;;) {
    unsigned long long size = 0;
    size_t i = 0;
    if (!take_line(a, len, pos, &line, &n)) return 0;
    for (; i < n && strchr("0123456789abcdefABCDEF", line[i]); i++) {
      if (size > (1ull << 40)) return 0;
      size = size * 16 + (unsigned)(line[i] <= '9' ? line[i] - '0' : (line[i] | 0x20) - 'a' + 10);
    }
    if (i == 0 || (i < n && line[i] != ';')) return 0;
    if (size == 0) break;
    if (size > len - *pos || len - *pos - size < 2) return 0;
    *pos += size;
    if (a[*pos] != '\r' || a[*pos + 1] != '\n') return 0;
    *pos += 2;
  }
  for (;;) {   /* trailer fields, then the empty line */
    if (!take_line(a, len, pos, &line, &n)) return 0;
    if (n == 0) return 1;
  }
}

/* One response at a[*pos]; *status gets its code. may_head: the input holds
 * a HEAD request, whose answer has no body whatever its framing says. */
static int take_response(const char *a, size_t len, size_t *pos, int may_head, int *status) {
  const char *line, *v;
  size_t n, vn, i, cl = 0;
  int has_cl = 0, chunked = 0, no_body;
  if (!take_line(a, len, pos, &line, &n)) return 0;
  if (n < 12 || (strncmp(line, "HTTP/1.1 ", 9) != 0 && strncmp(line, "HTTP/1.0 ", 9) != 0)) return 0;
  for (i = 9; i < 12; i++)
    if (line[i] < '0' || line[i] > '9') return 0;
  *status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  if (*status < 100 || *status > 599 || (n > 12 && line[12] != ' ')) return 0;
  for (;;) {
    if (!take_line(a, len, pos, &line, &n)) return 0;
    if (n == 0) break;
    for (i = 0; i < n && is_tchar((unsigned char)line[i]); i++) {}
    if (i == 0 || i == n || line[i] != ':') return 0;
    field_value(line, n, &v, &vn);
    if (field_is(line, n, "Content-Length")) {
      size_t k, val = 0;
      if (vn == 0 || vn > 15) return 0;
      for (k = 0; k < vn; k++) {
        if (v[k] < '0' || v[k] > '9') return 0;
        val = val * 10 + (size_t)(v[k] - '0');
      }
      if (has_cl && val != cl) return 0;   /* two lengths: the framing is lost */
      has_cl = 1;
      cl = val;
    } else if (field_is(line, n, "Transfer-Encoding")) {
      chunked = vn >= 7 && strncasecmp(v + vn - 7, "chunked", 7) == 0;
    }
  }
  no_body = *status < 200 || *status == 204 || *status == 304;
  if (no_body) return 1;
  if (chunked) return take_chunked(a, len, pos);
  if (has_cl) {
    /* a HEAD's answer: framing fields, no body (the next response or the end follows) */
    if (may_head && (len - *pos < cl || strncmp(a + *pos, "HTTP/1.", len - *pos < 7 ? len - *pos : 7) == 0))
      return 1;
    if (len - *pos < cl) return 0;
    *pos += cl;
    return 1;
  }
  *pos = len;   /* delimited by the close */
  return 1;
}

/* 1 when a field line of the input names Content-Length with a value that
 * is not 1*DIGIT right up to its CRLF (OWS before it), or too long for 64
 * bits: the heads libmicrohttpd refuses itself (see the top of the file). */
static int has_bad_length(const uint8_t *d, size_t n) {
  static const char name[] = "content-length:";
  size_t i, k = sizeof name - 1;
  for (i = 0; i + k <= n; i++) {
    size_t j = i + k, digits = 0, other = 0;
    if ((i > 0 && d[i - 1] != '\n') || strncasecmp((const char *)d + i, name, k) != 0) continue;
    while (j < n && (d[j] == ' ' || d[j] == '\t')) j++;
    for (; j < n && d[j] != '\r' && d[j] != '\n'; j++) {   /* trailing OWS too: it refuses that */
      if (d[j] >= '0' && d[j] <= '9' && !other) digits++;
      else other = 1;
    }
    if (!digits || other || digits > 19 || (j < n && d[j] == '\r' && (j + 1 >= n || d[j + 1] != '\n')))
      return 1;
  }
  return 0;
}

/* 1 when a line of the answer starts a 2xx or 3xx status line. */
static int any_accepted(const char *a, size_t len) {
  size_t i;
  for (i = 0; i + 12 <= len; i++)
    if ((i == 0 || a[i - 1] == '\n') && strncmp(a + i, "HTTP/1.", 7) == 0 && a[i + 8] == ' ' &&
        (a[i + 9] == '2' || a[i + 9] == '3'))
      return 1;
  return 0;
}

static int has_head(const uint8_t *d, size_t n) {
  size_t i;
  for (i = 0; i + 4 <= n; i++)
    if (memcmp(d + i, "HEAD", 4) == 0) return 1;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ifm_server_stats before, after;
  char *ans;
  size_t len, pos = 0;
  int closed, accepted = 0, status, framed = !has_bad_length(data, size);

  ifm_server_stats_get(srv, &before);
  closed = exchange(data, size, &ans, &len);
  if (closed != 1) {
    /* Once more before calling it a finding: on a loaded machine (the CI's
     * two cores, a hundred thousand connections a minute in TIME_WAIT) a
     * connection or an answer can be late once; a server that hangs on
     * this input hangs again. The store check then starts afresh. */
    fprintf(stderr, "fuzz_server_request: %s; trying the input once more\n",
            closed < 0 ? "no connection" : "no close within the time");
    free(ans);
    sleep(1);
    ifm_server_stats_get(srv, &before);
    closed = exchange(data, size, &ans, &len);
  }
  CHECK(closed == 1);
  if (!framed) accepted = any_accepted(ans, len);
  while (framed && pos < len) {
    if (!take_response(ans, len, &pos, has_head(data, size), &status)) {
      fprintf(stderr, "fuzz_server_request: malformed answer at byte %zu of %zu:\n%.*s\n", pos, len,
              (int)(len < 2000 ? len : 2000), ans);
      CHECK(!"the answer is a sequence of well-formed responses");
    }
    if (status >= 200 && status < 400) accepted = 1;
  }
  free(ans);
  ifm_server_stats_get(srv, &after);
  if (!accepted) CHECK(after.store_changes == before.store_changes);
  return 0;
}
