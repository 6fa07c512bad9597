/* fuzz_server_h2.c: HTTP/2 frames into the reference server's h2c side
 * (server/ifm_h2_server.c, ifm_h2_stream.c: nghttp2's server session, the
 * streams, the handler, the store).
 *
 * The server runs in this process, started once on 127.0.0.1 with opts.h2c
 * (profile rfc9110, no flaw; IFM_FUZZ_FLAWS=a,b seeds flaws, so that a test
 * can show the invariants catch one) and ONE handler thread: its job queue
 * is then first in, first out, one job at a time (the store check relies on
 * it). Each input goes on a fresh connection to the h2c port: the client
 * preface, then the input as is (frames; an empty SETTINGS first is up to
 * the input). When the input ends on a frame boundary with no header block
 * open, a PING of our own follows: its ACK says nghttp2 has read every frame
 * before it. We read until that ACK has come and every stream the server
 * queued has a final response, or SETTLE_MS pass without a byte; only then
 * is the write side closed (the server would answer after a half-close
 * too, but a stream the input left open would then never end), and the
 * rest read until the server closes. FUZZ_H2_VERBOSE=1 prints what each input got.
 * Invariants, each a CHECK:
 *  - no crash and no sanitizer report (the server's threads are in this
 *    process, under the same sanitizers);
 *  - the server closes the connection within ANSWER_MS, or ANSWER_MAX
 *    bytes come first (tried once more, after a quiet second, before it
 *    counts, as fuzz_server_request does);
 *  - the answer is a well-formed sequence of HTTP/2 frames (RFC 9113 4.1,
 *    6): reserved bit clear, length <= 16384 (the server never lets
 *    nghttp2 send larger frames: no read-length callback), the first frame
 *    a SETTINGS without ACK on stream 0 (3.4), each type's stream and
 *    length rules, no PUSH_PROMISE or unknown type, CONTINUATION exactly
 *    where a header block is open and nothing else between (4.3), DATA
 *    only on a stream that has had its response HEADERS. The answer ends on
 *    a frame boundary, outside a header block, unless our ANSWER_MAX bound
 *    cut it: the server writes whole frames, and a reader that drains all
 *    the time never lets answers this small fill the loopback buffer, so
 *    a close never cuts a frame short;
 *  - every header block decodes with one HPACK inflater for the whole
 *    connection, in order (RFC 7541: the state is the connection's; its
 *    table limit the largest SETTINGS_HEADER_TABLE_SIZE the input
 *    advertises, at least 4096), and carries exactly one :status, as its
 *    first field, of three digits 100-599, no other pseudo-header,
 *    lowercase names, and values without NUL, CR, LF or whitespace at
 *    either end (RFC 9113 8.2.1); at most one final (>= 200) response per
 *    stream;
 *  - a rejected request changes nothing: when no response on the
 *    connection is 2xx or 3xx, the store took no write and no delete
 *    (ifm_server_stats store_changes). Sound only when every request that
 *    reached the handler was seen answered: the arrival callback counts the
 *    streams the server queued, and the check runs when the final responses
 *    seen (after the close, so the count is complete) equal it. Otherwise
 *    (a connection error drops the queued streams' answers, RFC 9113 6.8
 *    allows it; a client RST_STREAM discards one) an unseen answer may be a
 *    2xx and its handler may still run: a probe request on a new connection
 *    is then answered only after the single handler thread finished every
 *    earlier job, so no write of this input lands in the next one's count.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <nghttp2/nghttp2.h>

#include "fuzz_check.h"
#include "fuzz_server.h"
#include "ifm_server.h"

#define ANSWER_MS 10000          /* the server must have closed by then */
#define ANSWER_MAX (4u << 20)    /* bytes of answer read at most */
#define SETTLE_MS 10             /* silence that ends the wait for answers */
#define MAX_FRAME 16384          /* RFC 9113 4.2: SETTINGS_MAX_FRAME_SIZE's initial value */
#define MAX_STREAMS 1024         /* answered streams remembered (the server allows 256 at once) */

static const uint8_t preface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
static const uint8_t sync_ping[17] = {0, 0, 8, 6, 0, 0, 0, 0, 0, 'i', 'f', 'm', '-', 's', 'y', 'n', 'c'};

static ifm_server *srv;
static uint16_t port;
static atomic_ulong arrivals;    /* streams the server queued for its handler */

static void arrival_cb(void *ctx, uint64_t mono_ns, const char *method, const char *path) {
  (void)ctx, (void)mono_ns, (void)method, (void)path;
  atomic_fetch_add(&arrivals, 1);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  ifm_server_opts o;
  (void)argc, (void)argv;
  ifm_server_opts_init(&o);
  o.threads = 1;             /* FIFO handler jobs: the probe's answer means all earlier ones ran */
  o.h2c = 1;
  o.arrival_cb = arrival_cb;
  srv = fuzz_server_start(&o, "fuzz_server_h2");
  port = ifm_server_h2c_port(srv);
  CHECK(port != 0);
  return 0;
}


static uint32_t be24(const uint8_t *p) { return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2]; }
static uint32_t be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* What the harness needs to know of its input: whether it ends on a frame
 * boundary with no header block open (then the sync PING can follow), and
 * the largest SETTINGS_HEADER_TABLE_SIZE it advertises (the most the
 * server's HPACK encoder may use; RFC 7541 4.2). */
static int input_walk(const uint8_t *d, size_t n, size_t *table_max) {
  size_t pos = 0;
  int open_block = 0;
  *table_max = 4096;
  while (pos + 9 <= n) {
    size_t len = be24(d + pos), i;
    uint8_t type = d[pos + 3], flags = d[pos + 4];
    if (len > n - pos - 9) break;
    if (type == 4 && !(flags & 1) && (be32(d + pos + 5) & 0x7fffffffu) == 0 && len % 6 == 0)
      for (i = 0; i < len; i += 6)
        if (d[pos + 9 + i] == 0 && d[pos + 10 + i] == 1 && be32(d + pos + 11 + i) > *table_max)
          *table_max = be32(d + pos + 11 + i);
    if (type == 1 || type == 5 || type == 9) open_block = !(flags & 4);
    pos += 9 + len;
  }
  return pos == n && !open_block;
}

/* The answer, checked frame by frame as it arrives. */
typedef struct answer {
  uint8_t *buf;
  size_t len, cap, pos;       /* pos: the first byte not yet taken as a frame */
  nghttp2_hd_inflater *hpack;
  unsigned frames;
  uint32_t block_stream;      /* a header block is open on it (0: none) */
  uint8_t *block;
  size_t block_len, block_cap;
  uint32_t headed[MAX_STREAMS];   /* streams with a response HEADERS */
  uint8_t final[MAX_STREAMS];     /* ... whose final (>= 200) status came */
  size_t n_headed, n_final;
  int accepted, synced;       /* a 2xx/3xx seen; our PING acknowledged */
  uint32_t goaway;            /* 1 + the error code of the server's GOAWAY (0: none) */
} answer;

static size_t stream_slot(answer *a, uint32_t id) {
  size_t i;
  for (i = 0; i < a->n_headed; i++)
    if (a->headed[i] == id) return i;
  return SIZE_MAX;
}

static void fail(const answer *a, const char *what) {
  fprintf(stderr, "fuzz_server_h2: frame %u (at byte %zu of %zu): %s\n", a->frames, a->pos, a->len, what);
  CHECK(!"the answer is a well-formed sequence of HTTP/2 frames");
}

/* A complete header block on stream id: decoded, its fields checked. */
static void take_block(answer *a, uint32_t id) {
  const uint8_t *in = a->block;
  size_t left = a->block_len, fields = 0, slot;
  int status = 0;
  for (;;) {
    nghttp2_nv nv;
    int flags = 0;
    ssize_t r = nghttp2_hd_inflate_hd2(a->hpack, &nv, &flags, in, left, 1);
    size_t i;
    if (r < 0) {
      fprintf(stderr, "fuzz_server_h2: HPACK: %s\n", nghttp2_strerror((int)r));
      CHECK(!"every header block decodes with the connection's HPACK inflater");
    }
    in += r;
    left -= (size_t)r;
    if (flags & NGHTTP2_HD_INFLATE_EMIT) {
      for (i = 0; i < nv.namelen; i++)
        if (nv.name[i] >= 'A' && nv.name[i] <= 'Z') fail(a, "a field name with an uppercase letter");
      for (i = 0; i < nv.valuelen; i++)
        if (!nv.value[i] || nv.value[i] == '\r' || nv.value[i] == '\n') fail(a, "NUL, CR or LF in a field value");
      if (nv.valuelen && strchr(" \t", nv.value[0] ? nv.value[0] : 'x'))
        fail(a, "a field value starting with whitespace");
      if (nv.valuelen && strchr(" \t", nv.value[nv.valuelen - 1]))
        fail(a, "a field value ending in whitespace");
      if (nv.namelen == 7 && memcmp(nv.name, ":status", 7) == 0) {
        if (fields != 0) fail(a, ":status is not the block's first field, or comes twice");
        if (nv.valuelen != 3 || nv.value[0] < '1' || nv.value[0] > '5' || nv.value[1] < '0' ||
            nv.value[1] > '9' || nv.value[2] < '0' || nv.value[2] > '9')
          fail(a, ":status is not three digits 100-599");
        status = (nv.value[0] - '0') * 100 + (nv.value[1] - '0') * 10 + (nv.value[2] - '0');
      } else if (fields == 0) {
        fail(a, "a header block without :status first");
      } else if (nv.namelen && nv.name[0] == ':') {
        fail(a, "a pseudo-header other than :status in a response");
      }
      fields++;
    }
    if (flags & NGHTTP2_HD_INFLATE_FINAL) break;
    if (!(flags & NGHTTP2_HD_INFLATE_EMIT) && left == 0) break;
  }
  nghttp2_hd_inflate_end_headers(a->hpack);
  if (!status) fail(a, "a header block without :status");
  if ((slot = stream_slot(a, id)) == SIZE_MAX) {
    CHECK(a->n_headed < MAX_STREAMS);
    slot = a->n_headed++;
    a->headed[slot] = id;
    a->final[slot] = 0;
  }
  if (status >= 200) {
    if (a->final[slot]) fail(a, "a second final response on one stream");
    a->final[slot] = 1;
    a->n_final++;
    if (status < 400) a->accepted = 1;
  }
  a->block_len = 0;
}

static void block_add(answer *a, const uint8_t *p, size_t n) {
  if (a->block_len + n > a->block_cap) {
    size_t cap = a->block_cap ? a->block_cap : 4096;
    while (cap < a->block_len + n) cap *= 2;
    CHECK((a->block = realloc(a->block, cap)) != NULL);
    a->block_cap = cap;
  }
  memcpy(a->block + a->block_len, p, n);
  a->block_len += n;
}

/* Takes every complete frame in the buffer. */
static void take_frames(answer *a) {
  while (a->len - a->pos >= 9) {
    const uint8_t *h = a->buf + a->pos, *p = h + 9;
    uint32_t len = be24(h), sid = be32(h + 5) & 0x7fffffffu;
    uint8_t type = h[3], flags = h[4];
    size_t skip = 0, pad = 0;
    if (be32(h + 5) & 0x80000000u) fail(a, "the reserved bit is set");
    if (len > MAX_FRAME) fail(a, "a frame longer than 16384 bytes");
    if (a->len - a->pos - 9 < len) return;
    if (a->frames == 0 && (type != 4 || (flags & 1) || sid != 0))
      fail(a, "the first frame is not a SETTINGS without ACK on stream 0");
    if (a->block_stream && (type != 9 || sid != a->block_stream))
      fail(a, "a header block is open and the next frame is not its CONTINUATION");
    switch (type) {
    case 0:   /* DATA */
    case 1:   /* HEADERS */
      if (sid == 0 || !(sid & 1)) fail(a, "DATA or HEADERS not on a client stream");
      if (flags & 8) {
        if (len < 1 || (pad = p[0]) + 1 > len) fail(a, "padding longer than the frame");
        skip = 1;
      }
      if (type == 1 && (flags & 0x20)) skip += 5;
      if (skip + pad > len) fail(a, "HEADERS shorter than its priority and padding");
      if (type == 0 && stream_slot(a, sid) == SIZE_MAX) fail(a, "DATA before the stream's HEADERS");
      if (type == 1) {
        block_add(a, p + skip, len - skip - pad);
        a->block_stream = sid;
      }
      break;
    case 2: if (len != 5 || sid == 0) fail(a, "a malformed PRIORITY"); break;
    case 3: if (len != 4 || sid == 0) fail(a, "a malformed RST_STREAM"); break;
    case 4:
      if (sid != 0 || ((flags & 1) ? len != 0 : len % 6 != 0)) fail(a, "a malformed SETTINGS");
      break;
    case 6:
      if (sid != 0 || len != 8) fail(a, "a malformed PING");
      if ((flags & 1) && memcmp(p, sync_ping + 9, 8) == 0) a->synced = 1;
      break;
    case 7:
      if (sid != 0 || len < 8) fail(a, "a malformed GOAWAY");
      a->goaway = 1 + be32(p + 4);
      break;
    case 8:
      if (len != 4 || (be32(p) & 0x7fffffffu) == 0) fail(a, "a malformed WINDOW_UPDATE");
      break;
    case 9:
      if (!a->block_stream) fail(a, "a CONTINUATION with no header block open");
      block_add(a, p, len);
      break;
    default: fail(a, "PUSH_PROMISE or a frame type the server never sends"); break;
    }
    if ((type == 1 || type == 9) && (flags & 4)) {
      take_block(a, sid);
      a->block_stream = 0;
    }
    a->frames++;
    a->pos += 9 + len;
  }
}

/* poll() on one descriptor for up to ms, again after a signal (libFuzzer's
 * -timeout timer interrupts system calls every second). > 0: ready. */
static int wait_fd(int fd, short events, int ms) {
  long long until = fuzz_now_ms() + (ms > 0 ? ms : 0);
  for (;;) {
    struct pollfd p = {fd, events, 0};
    long long left = until - fuzz_now_ms();
    int r = poll(&p, 1, left > 0 ? (int)left : 0);
    if (r >= 0 || errno != EINTR) return r;
  }
}

static int tcp_connect(void) {
  static unsigned next_src;
  struct sockaddr_in sa, src;
  int fd = socket(AF_INET, SOCK_STREAM, 0), err = 0;
  socklen_t elen = sizeof err;
  CHECK(fd >= 0);
  /* from 127.0.0.2-254 in turn, so that TIME_WAIT does not run one address out of ports */
  memset(&src, 0, sizeof src);
  src.sin_family = AF_INET;
  src.sin_addr.s_addr = htonl(INADDR_LOOPBACK + 1 + next_src++ % 253);
  CHECK(bind(fd, (struct sockaddr *)&src, sizeof src) == 0);
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0 &&
      (errno != EINTR || wait_fd(fd, POLLOUT, ANSWER_MS) <= 0 ||   /* it goes on: wait for it */
       getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0 || (errno = err) != 0)) {
    fprintf(stderr, "fuzz_server_h2: connect: %s\n", strerror(errno));
    close(fd);
    return -1;
  }
  return fd;
}

static void send_all(int fd, const uint8_t *d, size_t n, long long deadline) {
  size_t sent = 0;
  while (sent < n) {   /* what the server takes: it may close early (GOAWAY) */
    ssize_t k;
    if (wait_fd(fd, POLLOUT, (int)(deadline - fuzz_now_ms())) <= 0) return;
    if ((k = send(fd, d + sent, n - sent, MSG_NOSIGNAL)) < 0 && errno == EINTR) continue;
    if (k <= 0) return;
    sent += (size_t)k;
  }
}

/* Reads into a once, waiting at most wait_ms. 1: bytes, 0: nothing in time,
 * -1: the server closed (or reset), -2: ANSWER_MAX bytes are in. */
static int read_some(int fd, answer *a, int wait_ms) {
  ssize_t n;
  if (a->len == a->cap) {
    if (a->cap >= ANSWER_MAX) return -2;
    a->cap = a->cap ? a->cap * 2 : 16384;
    CHECK((a->buf = realloc(a->buf, a->cap)) != NULL);
  }
  if (wait_fd(fd, POLLIN, wait_ms) <= 0) return 0;
  while ((n = recv(fd, a->buf + a->len, a->cap - a->len, 0)) < 0 && errno == EINTR) {}
  if (n <= 0) return -1;
  a->len += (size_t)n;
  take_frames(a);
  return 1;
}

/* One exchange (see the top). Returns 1 when the server closed in time, 2
 * when ANSWER_MAX bytes came first, 0 when neither did in ANSWER_MS, -1
 * when no connection was made. base: the arrivals before it. */
static int exchange(const uint8_t *data, size_t size, answer *a, unsigned long base) {
  struct linger lg = {1, 0};   /* close at once (RST), whatever is left unread */
  long long deadline = fuzz_now_ms() + ANSWER_MS;
  size_t table_max;
  int fd = tcp_connect(), ping = input_walk(data, size, &table_max), r = 1;
  if (fd < 0) return -1;
  CHECK(nghttp2_hd_inflate_new(&a->hpack) == 0);
  CHECK(nghttp2_hd_inflate_change_table_size(a->hpack, table_max) == 0);
  send_all(fd, preface, sizeof preface - 1, deadline);
  send_all(fd, data, size, deadline);
  if (ping) send_all(fd, sync_ping, sizeof sync_ping, deadline);
  /* until our PING's ACK and every queued stream's final answer, or silence */
  while (r > 0 && !(a->synced && a->n_final >= atomic_load(&arrivals) - base) && fuzz_now_ms() < deadline)
    r = read_some(fd, a, SETTLE_MS);
  if (r >= 0) shutdown(fd, SHUT_WR);
  while (r >= 0 && fuzz_now_ms() < deadline) r = read_some(fd, a, (int)(deadline - fuzz_now_ms()));
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  close(fd);
  return r == -1 ? 1 : r == -2 ? 2 : 0;
}

/* A GET on a new connection, waited for (see the top: quiescence). */
static void probe(void) {
  static const uint8_t req[] = {0, 0, 0, 4, 0, 0, 0, 0, 0,   /* SETTINGS, then GET / http, :authority a */
                                0, 0, 6, 1, 5, 0, 0, 0, 1, 0x82, 0x84, 0x86, 0x01, 0x01, 'a'};
  long long deadline = fuzz_now_ms() + ANSWER_MS;
  answer a;
  int fd = tcp_connect(), got = 0;
  struct linger lg = {1, 0};
  memset(&a, 0, sizeof a);
  CHECK(fd >= 0 && nghttp2_hd_inflate_new(&a.hpack) == 0);
  send_all(fd, preface, sizeof preface - 1, deadline);
  send_all(fd, req, sizeof req, deadline);
  while (!(got = stream_slot(&a, 1) != SIZE_MAX) && fuzz_now_ms() < deadline && read_some(fd, &a, 100) >= 0) {}
  if (!got) fprintf(stderr, "fuzz_server_h2: the probe got no answer in %d ms\n", ANSWER_MS);
  CHECK(got);
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  close(fd);
  nghttp2_hd_inflate_del(a.hpack);
  free(a.buf);
  free(a.block);
}

static void answer_clear(answer *a) {
  if (a->hpack) nghttp2_hd_inflate_del(a->hpack);
  free(a->buf);
  free(a->block);
  memset(a, 0, sizeof *a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static answer a;
  ifm_server_stats before, after;
  unsigned long base;
  int closed;

  ifm_server_stats_get(srv, &before);
  base = atomic_load(&arrivals);
  closed = exchange(data, size, &a, base);
  if (closed < 1) {
    /* Once more before calling it a finding (a loaded machine can be late
     * once; a server that hangs on this input hangs again), from a quiet
     * server: the probe waits out the first try's handlers. */
    fprintf(stderr, "fuzz_server_h2: %s; trying the input once more\n",
            closed < 0 ? "no connection" : "no close within the time");
    answer_clear(&a);
    sleep(1);
    probe();
    ifm_server_stats_get(srv, &before);
    base = atomic_load(&arrivals);
    closed = exchange(data, size, &a, base);
  }
  CHECK(closed >= 1);
  if (closed == 1 && (a.pos != a.len || a.block_stream)) {
    fprintf(stderr, "fuzz_server_h2: the answer ends in a partial frame (%zu bytes) or header block\n",
            a.len - a.pos);
    CHECK(!"the answer ends on a frame boundary, outside a header block");
  }
  if (a.frames == 0) CHECK(!"the answer starts with the server's SETTINGS");
  if (getenv("FUZZ_H2_VERBOSE"))   /* what the checks saw, one line per input */
    fprintf(stderr,
            "fuzz_server_h2: %zu input bytes: %s, %u frames, %zu final answers to %lu queued "
            "streams%s%s, GOAWAY %d\n",
            size, closed == 1 ? "closed" : "byte bound", a.frames, a.n_final,
            atomic_load(&arrivals) - base, a.accepted ? ", a 2xx/3xx" : "",
            a.synced ? ", synced" : "", (int)a.goaway - 1);
  if (closed == 1 && a.n_final == atomic_load(&arrivals) - base) {
    ifm_server_stats_get(srv, &after);   /* every handler that ran was seen answered */
    if (!a.accepted) CHECK(after.store_changes == before.store_changes);
  } else {
    probe();   /* answers unseen: no assertion, and no handler of this input left running */
  }
  answer_clear(&a);
  return 0;
}
