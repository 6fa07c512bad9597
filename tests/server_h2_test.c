/* server_h2_test.c: the reference server's HTTP/2 side (server/ifm_h2_*.c):
 * h2c with prior knowledge on a port of its own, in front of the same
 * handler and store as the HTTP/1.1 side. Each test starts a server
 * in-process with opts.h2c = 1 and talks to it with libcurl
 * (CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE), or over a raw socket where libcurl
 * would not send the bytes wanted (a bad preface, two if-match lines) or
 * would hide what came back (content-length on a 204).
 *
 * Checked: writes, reads and conditionals over h2c (RFC 9110 sections 8.6,
 * 9.3.2, 13.1.1, 15.4.5), If-Match field lines forming one list (5.3), one
 * store for both sides, the path decoded as over HTTP/1.1, the body and
 * field limits (413, 431), a bad connection preface, streams of one
 * connection handled concurrently (the race flaw shows it), the arrival
 * callback, and stopping with a request in a handler thread.
 */
#include <pthread.h>
#include <poll.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <unistd.h>

#include <curl/curl.h>
#include <nghttp2/nghttp2.h>

#include "ifm_server.h"
#include "ifm_test.h"
#include "server_http.h"

static char h2base[64];      /* http://127.0.0.1:<h2c port> */

/* libcurl 7.88 fails a request that reuses a prior-knowledge connection
 * ("Error in the HTTP2 framing layer", curl issue 10634, fixed in 7.89.0).
 * So only a request that opens a connection asks for prior knowledge; the
 * ones after it ask for HTTP/2 (CURL_HTTP_VERSION_2_0), which reuses the
 * live h2c connection as any version does, and which h2n() checks opened
 * none (a new one would try an HTTP/1.1 Upgrade, refused on this port). */
#define H2_OPEN CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE
#define H2_REUSE CURL_HTTP_VERSION_2_0

/* Sets up easy handle c for one h2c request; hdrs is a NULL-terminated list
 * of "Name: value" lines, *hl the curl list the caller frees afterwards. */
static void h2_setup(CURL *c, long version, hresp *r, const char *method, const char *path,
                     const char *body, size_t blen, const char *const *hdrs,
                     struct curl_slist **hl) {
  char url[512];

  hfree(r);
  snprintf(url, sizeof url, "%s%s", h2base, path);
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_HTTP_VERSION, version);
  hresp_sink(c, r);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  hreq_method_body(c, method, body, blen);
  *hl = curl_slist_append(NULL, "Content-Type:");   /* none unless given */
  for (; hdrs && *hdrs; hdrs++) *hl = curl_slist_append(*hl, *hdrs);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, *hl);
}

static int h2_live;          /* the shared handle has an h2c connection */

/* One request over h2c on the shared handle (its connection is reused);
 * the variadic part: "Name: value" lines, then NULL. Returns the status, or
 * 0 on a transport error or an answer that was not HTTP/2. */
static long h2n(hresp *r, const char *method, const char *path, const char *body, size_t blen,
                ...) {
  const char *hdrs[8];
  struct curl_slist *hl = NULL;
  long version = 0, conns = 0, want = h2_live ? H2_REUSE : H2_OPEN;
  size_t n = 0;
  CURLcode rc;
  va_list ap;

  va_start(ap, blen);
  while (n + 1 < sizeof hdrs / sizeof hdrs[0] && (hdrs[n] = va_arg(ap, const char *)) != NULL) n++;
  va_end(ap);
  hdrs[n] = NULL;
  curl_easy_reset(curl);
  h2_setup(curl, want, r, method, path, body, blen, hdrs, &hl);
  rc = curl_easy_perform(curl);
  curl_slist_free_all(hl);
  h2_live = 0;
  if (rc != CURLE_OK) {
    printf("# curl h2c: %s %s: %s\n", method, path, curl_easy_strerror(rc));
    return 0;
  }
  curl_easy_getinfo(curl, CURLINFO_HTTP_VERSION, &version);
  curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &conns);
  if (version != CURL_HTTP_VERSION_2_0 || (want == H2_REUSE && conns != 0)) {
    printf("# %s %s: not over the live h2c connection\n", method, path);
    return 0;
  }
  h2_live = 1;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r->status);
  return r->status;
}

static size_t slen(const char *s) { return s ? strlen(s) : 0; }

#define H2(r, m, p, b, ...) h2n((r), (m), (p), (b), slen(b), __VA_ARGS__)

static void start_h2(ifm_server_opts *o) {
  o->h2c = 1;
  start_opts(o);             /* a new shared handle, no connection yet */
  h2_live = 0;
  if (!(curl_version_info(CURLVERSION_NOW)->features & CURL_VERSION_HTTP2))
    printf("# this libcurl has no HTTP/2: every h2c request below fails\n");
  snprintf(h2base, sizeof h2base, "http://127.0.0.1:%u", (unsigned)ifm_server_h2c_port(srv));
}

static void start_default(void) {
  ifm_server_opts o;
  ifm_server_opts_init(&o);
  start_h2(&o);
}

/* "<name>: <tag>" in one of four static slots. */
static const char *field(int slot, const char *name, const char *tag) {
  static char buf[4][256];
  snprintf(buf[slot], sizeof buf[slot], "%s: %s", name, tag ? tag : "");
  return buf[slot];
}

static const char *im(int slot, const char *tag) { return field(slot, "If-Match", tag); }

/* ---- by hand: what libcurl would hide ------------------------------------ */

static int read_full(int fd, uint8_t *p, size_t n, double deadline) {
  while (n) {
    struct pollfd pf = {fd, POLLIN, 0};
    ssize_t got;
    int left = (int)((deadline - now_s()) * 1000);
    if (left <= 0 || poll(&pf, 1, left) != 1 || (got = recv(fd, p, n, 0)) <= 0) return -1;
    p += got;
    n -= (size_t)got;
  }
  return 0;
}

/* One request on a new connection, framed by hand (HPACK by nghttp2's
 * deflater): the preface, an empty SETTINGS, one HEADERS frame with
 * END_STREAM. The response's fields, exactly as the server sent them
 * (libcurl drops some, content-length on a 204 among them), go to out as
 * "name: value" lines. 0, or -1 when no response head came within 3 s. */
static int raw_half_close;   /* 1: shut the write side once the request is out */

static int raw_h2_fields(const nghttp2_nv *nv, size_t n, char *out, size_t cap) {
  uint8_t buf[16384 + 9], *in;
  nghttp2_hd_deflater *def = NULL;
  nghttp2_hd_inflater *inf = NULL;
  double end = now_s() + 3;
  size_t len, used = 0;
  ssize_t blk;
  int fd = raw_connect_from(ifm_server_h2c_port(srv), NULL), rc = -1;

  out[0] = '\0';
  if (fd < 0) return -1;
  memcpy(buf, NGHTTP2_CLIENT_MAGIC "\0\0\0\4\0\0\0\0\0", 24 + 9);   /* + SETTINGS */
  if (nghttp2_hd_deflate_new(&def, 4096) != 0 || nghttp2_hd_inflate_new(&inf) != 0 ||
      (blk = nghttp2_hd_deflate_hd(def, buf + 42, sizeof buf - 42, nv, n)) < 0)
    goto done;
  memcpy(buf + 33, (uint8_t[9]){0, (uint8_t)(blk >> 8), (uint8_t)blk, NGHTTP2_HEADERS,
                                NGHTTP2_FLAG_END_STREAM | NGHTTP2_FLAG_END_HEADERS, 0, 0, 0, 1}, 9);
  if (send_all(fd, (const char *)buf, 42 + (size_t)blk) != 0) goto done;
  if (raw_half_close) shutdown(fd, SHUT_WR);
  for (;;) {                 /* frames until the HEADERS of stream 1 */
    if (read_full(fd, buf, 9, end) != 0) goto done;
    len = (size_t)buf[0] << 16 | (size_t)buf[1] << 8 | buf[2];
    if (len > 16384 || read_full(fd, buf + 9, len, end) != 0) goto done;
    if (buf[3] == NGHTTP2_HEADERS && buf[8] == 1) break;
  }
  for (in = buf + 9; ;) {
    nghttp2_nv f;
    int fl = 0;
    ssize_t k = nghttp2_hd_inflate_hd2(inf, &f, &fl, in, len, 1);
    if (k < 0) goto done;
    in += k;
    len -= (size_t)k;
    if ((fl & NGHTTP2_HD_INFLATE_EMIT) && used < cap)
      used += (size_t)snprintf(out + used, cap - used, "%.*s: %.*s\n", (int)f.namelen, f.name,
                               (int)f.valuelen, f.value);
    if (fl & NGHTTP2_HD_INFLATE_FINAL) break;
    if (!k && !len) goto done;
  }
  rc = 0;
done:
  nghttp2_hd_deflate_del(def);
  nghttp2_hd_inflate_del(inf);
  close(fd);
  return rc;
}

#define NV(n, v) {(uint8_t *)(n), (uint8_t *)(v), sizeof(n) - 1, strlen(v), NGHTTP2_NV_FLAG_NONE}

/* ---- 1: methods and their framing ---------------------------------------- */

static void test_h2_write_read_head_304_204(void) {
  enum { LARGE = 300 * 1024 };
  hresp r = {0};
  const char *cl;
  char *tag, *big;
  size_t i;

  start_default();
  ASSERT(srv != NULL);
  ASSERT(ifm_server_h2c_port(srv) != 0);
  ASSERT_NE(ifm_server_h2c_port(srv), ifm_server_port(srv));
  ASSERT_EQ(H2(&r, "PUT", "/doc", "hello h2", NULL), 201);
  tag = dupv(hget(&r, "etag"));
  ASSERT(tag && tag[0] == '"');
  ASSERT_EQ(H2(&r, "GET", "/doc", NULL, NULL), 200);
  ASSERT_MEMEQ(r.body, r.len, "hello h2", 8);
  ASSERT_STREQ(hget(&r, "etag"), tag);
  ASSERT_STREQ(hget(&r, "content-length"), "8");
  /* HEAD: the length a GET would have, no body (RFC 9110 9.3.2, 8.6). */
  ASSERT_EQ(H2(&r, "HEAD", "/doc", NULL, NULL), 200);
  ASSERT_STREQ(hget(&r, "content-length"), "8");
  ASSERT_STREQ(hget(&r, "etag"), tag);
  ASSERT_EQ(r.len, 0);
  /* If-None-Match with the current tag: 304 with its validators and no
   * body (13.1.2, 15.4.5); another tag: 200. */
  ASSERT_EQ(H2(&r, "GET", "/doc", NULL, field(0, "If-None-Match", tag), NULL), 304);
  ASSERT_EQ(r.len, 0);
  ASSERT_STREQ(hget(&r, "etag"), tag);
  cl = hget(&r, "content-length");   /* if sent, what a 200 would carry (8.6) */
  ASSERT(cl == NULL || strcmp(cl, "8") == 0);
  ASSERT_EQ(H2(&r, "GET", "/doc", NULL, "If-None-Match: \"other\"", NULL), 200);
  ASSERT_EQ(r.len, 8);
  /* A replacing PUT is 204, and 204 has no content-length (8.6), which
   * libcurl would not show: the fields as sent. */
  {
    nghttp2_nv put[] = {NV(":method", "PUT"), NV(":scheme", "http"), NV(":path", "/doc"),
                        NV(":authority", "127.0.0.1"), NV("if-match", tag)};
    nghttp2_nv opt[] = {NV(":method", "OPTIONS"), NV(":scheme", "http"), NV(":path", "/doc"),
                        NV(":authority", "127.0.0.1")};
    char got[1024];
    ASSERT_EQ(raw_h2_fields(put, 5, got, sizeof got), 0);
    ASSERT_CONTAINS(got, ":status: 204\n");
    ASSERT(strstr(got, "content-length") == NULL);
    ASSERT_EQ(raw_h2_fields(opt, 4, got, sizeof got), 0);
    ASSERT_CONTAINS(got, ":status: 204\n");
    ASSERT(strstr(got, "content-length") == NULL);
  }
  free(tag);
  /* Bodies past the 64 KiB flow-control window both ways (WINDOW_UPDATEs,
   * DATA frames of at most 16 KiB), stored intact. */
  ASSERT((big = malloc(LARGE)) != NULL);
  for (i = 0; i < LARGE; i++) big[i] = (char)('a' + (i * 7 + i / 1000) % 26);
  ASSERT_EQ(h2n(&r, "PUT", "/large", big, LARGE, NULL), 201);
  ASSERT_EQ(H2(&r, "GET", "/large", NULL, NULL), 200);
  ASSERT(r.len == LARGE && memcmp(r.body, big, LARGE) == 0);
  ASSERT_EQ(http(&r, "GET", "/large", NULL, NULL), 200);
  ASSERT(r.len == LARGE && memcmp(r.body, big, LARGE) == 0);
  free(big);
  hfree(&r);
  stop();
}

/* ---- 2: If-Match --------------------------------------------------------- */

static void test_h2_if_match(void) {
  hresp r = {0};
  char *t1, *t2, got[1024];

  start_default();
  ASSERT(srv != NULL);
  ASSERT_EQ(H2(&r, "PUT", "/r", "one", NULL), 201);
  t1 = dupv(hget(&r, "etag"));
  ASSERT(t1 != NULL);
  /* The current tag: the write happens and the tag changes (13.1.1). */
  ASSERT_EQ(H2(&r, "PUT", "/r", "two", im(0, t1), NULL) / 100, 2);
  t2 = dupv(hget(&r, "etag"));
  ASSERT(t2 && strcmp(t1, t2) != 0);
  /* A stale tag: 412 and nothing written. */
  ASSERT_EQ(H2(&r, "PUT", "/r", "three", im(0, t1), NULL), 412);
  ASSERT_EQ(H2(&r, "DELETE", "/r", NULL, im(0, t1), NULL), 412);
  ASSERT_EQ(H2(&r, "GET", "/r", NULL, NULL), 200);
  ASSERT_MEMEQ(r.body, r.len, "two", 3);
  ASSERT_STREQ(hget(&r, "etag"), t2);
  /* "*" is false without a current representation. */
  ASSERT_EQ(H2(&r, "PUT", "/absent", "x", "If-Match: *", NULL), 412);
  ASSERT_EQ(H2(&r, "GET", "/absent", NULL, NULL), 404);
  /* Two if-match field lines, by hand so that they stay two, form one list
   * (5.3): only the second holds the current tag, and the DELETE happens. */
  {
    nghttp2_nv del[] = {NV(":method", "DELETE"), NV(":scheme", "http"), NV(":path", "/r"),
                        NV(":authority", "127.0.0.1"), NV("if-match", "\"nope\""),
                        NV("if-match", t2)};
    ASSERT_EQ(raw_h2_fields(del, 6, got, sizeof got), 0);
    ASSERT_CONTAINS(got, ":status: 204\n");
  }
  ASSERT_EQ(H2(&r, "GET", "/r", NULL, NULL), 404);
  free(t1);
  free(t2);
  hfree(&r);
  stop();
}

/* ---- 3, 4: one store, one path rule -------------------------------------- */

static void test_h2_same_store_and_paths_as_h1(void) {
  hresp r = {0};
  char *tag;

  start_default();
  ASSERT(srv != NULL);
  ASSERT_EQ(http(&r, "PUT", "/from-h1", "written over 1.1", NULL), 201);
  tag = dupv(hget(&r, "ETag"));
  ASSERT_EQ(H2(&r, "GET", "/from-h1", NULL, NULL), 200);
  ASSERT_MEMEQ(r.body, r.len, "written over 1.1", 16);
  ASSERT_STREQ(hget(&r, "etag"), tag);
  free(tag);
  ASSERT_EQ(H2(&r, "PUT", "/from-h2", "written over 2", NULL), 201);
  tag = dupv(hget(&r, "etag"));
  ASSERT_EQ(http(&r, "GET", "/from-h2", NULL, NULL), 200);
  ASSERT_MEMEQ(r.body, r.len, "written over 2", 14);
  ASSERT_STREQ(hget(&r, "ETag"), tag);
  /* A tag issued on one side is the current one on the other, until a
   * write on either side replaces it. */
  ASSERT_EQ(http(&r, "PUT", "/from-h2", "again", im(0, tag), NULL), 204);
  ASSERT_EQ(H2(&r, "PUT", "/from-h2", "late", im(0, tag), NULL), 412);
  ASSERT_EQ(H2(&r, "GET", "/from-h2", NULL, NULL), 200);
  ASSERT_MEMEQ(r.body, r.len, "again", 5);
  free(tag);
  /* The path: percent-decoded, without its query, as over HTTP/1.1. */
  ASSERT_EQ(H2(&r, "PUT", "/x/ab", "ab", NULL), 201);
  ASSERT_EQ(H2(&r, "GET", "/x/a%62?q=1", NULL, NULL), 200);
  ASSERT_MEMEQ(r.body, r.len, "ab", 2);
  ASSERT_EQ(http(&r, "GET", "/x/a%62?q=1", NULL, NULL), 200);
  ASSERT_MEMEQ(r.body, r.len, "ab", 2);
  /* An encoded '?' belongs to the path on both sides; it starts no query. */
  ASSERT_EQ(http(&r, "PUT", "/x/a%3Fb", "qm", NULL), 201);
  ASSERT_EQ(H2(&r, "GET", "/x/a%3Fb", NULL, NULL), 200);
  ASSERT_MEMEQ(r.body, r.len, "qm", 2);
  ASSERT_EQ(H2(&r, "GET", "/x/a", NULL, NULL), 404);
  hfree(&r);
  stop();
}

/* ---- 5: limits and a bad preface ----------------------------------------- */

/* Sends bytes that are not the HTTP/2 preface; 1 when the server closes
 * the connection within 3 s. */
static int closed_after(const char *bytes, size_t n) {
  char buf[4096];
  size_t got;
  int fd = raw_connect_from(ifm_server_h2c_port(srv), NULL), closed = 0;
  if (fd < 0) return 0;
  if (send_all(fd, bytes, n) == 0) closed = read_until_close(fd, buf, sizeof buf, 3000, &got);
  close(fd);
  return closed;
}

static void test_h2_limits_and_bad_preface(void) {
  static const char h1[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  static const char almost[] = "PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n";
  ifm_server_opts o;
  hresp r = {0};
  char body[8192], *big;
  size_t i;

  ifm_server_opts_init(&o);
  o.max_body = 4096;
  o.max_header = 32 * 1024;
  start_h2(&o);
  ASSERT(srv != NULL);
  memset(body, 'b', sizeof body);
  ASSERT_EQ(h2n(&r, "PUT", "/big", body, 4097, NULL), 413);
  ASSERT_EQ(H2(&r, "GET", "/big", NULL, NULL), 404);
  ASSERT_EQ(h2n(&r, "PUT", "/big", body, sizeof body, NULL), 413);
  ASSERT_EQ(h2n(&r, "PUT", "/big", body, 4096, NULL), 201);   /* exactly the limit */
  ASSERT_EQ(H2(&r, "GET", "/big", NULL, NULL), 200);
  ASSERT_EQ(r.len, 4096);
  /* A 40 KiB If-Match: past max_header, under nghttp2's 64 KiB a field. */
  big = malloc(40 * 1024 + 64);
  ASSERT(big != NULL);
  i = (size_t)snprintf(big, 64, "If-Match: \"");
  memset(big + i, 'a', 40 * 1024);
  strcpy(big + i + 40 * 1024, "\"");
  ASSERT_EQ(H2(&r, "PUT", "/big", "x", big, NULL), 431);
  free(big);
  ASSERT_EQ(H2(&r, "GET", "/big", NULL, NULL), 200);   /* untouched, and */
  ASSERT_EQ(r.len, 4096);                              /* the connection serves on */
  /* Not the HTTP/2 preface: the connection is closed, and the next client
   * served. */
  ASSERT_EQ(closed_after(h1, sizeof h1 - 1), 1);          /* HTTP/1.1 on the h2c port */
  ASSERT_EQ(closed_after(almost, sizeof almost - 1), 1);  /* wrong from byte 19 */
  h2_live = 0;               /* a new client connection */
  curl_easy_cleanup(curl);
  curl = curl_easy_init();
  ASSERT_EQ(H2(&r, "GET", "/big", NULL, NULL), 200);
  hfree(&r);
  stop();
}

/* ---- 6: streams of one connection run concurrently ----------------------- */

#define N_STREAMS 8

/* Drives m until its transfers are done or the deadline passes; 1 when
 * every one is done. */
static int multi_drive(CURLM *m, double deadline) {
  int running = 1;
  while (running && now_s() < deadline) {
    if (curl_multi_perform(m, &running) != CURLM_OK) return 0;
    if (running) curl_multi_poll(m, NULL, 0, 50, NULL);
  }
  return running == 0;
}

typedef struct race_result {
  int answered, wins, fails_412;
  long conns, not_h2;
} race_result;

/* On one new h2c connection: a GET of path for its tag, then N_STREAMS
 * PUTs with If-Match: that tag, added together and multiplexed on it (curl
 * multi, one connection a host, PIPEWAIT). 15 s in all, 10 s a transfer. */
static void multiplexed_puts(const char *path, race_result *out) {
  CURLM *m = curl_multi_init();
  CURL *g = curl_easy_init(), *e[N_STREAMS];
  hresp gr = {0}, r[N_STREAMS];
  struct curl_slist *ghl = NULL, *hl[N_STREAMS];
  const char *hdrs[2] = {NULL, NULL};
  double end = now_s() + 15;
  char *tag = NULL;
  int i;

  memset(r, 0, sizeof r);
  curl_multi_setopt(m, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
  curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, 1L);
  h2_setup(g, H2_OPEN, &gr, "GET", path, NULL, 0, hdrs, &ghl);
  curl_multi_add_handle(m, g);
  if (multi_drive(m, end) && (tag = dupv(hget(&gr, "etag")))) {
    out->conns = 1;
    hdrs[0] = im(2, tag);
    for (i = 0; i < N_STREAMS; i++) {
      e[i] = curl_easy_init();
      h2_setup(e[i], H2_REUSE, &r[i], "PUT", path, "racer", 5, hdrs, &hl[i]);
      curl_easy_setopt(e[i], CURLOPT_PIPEWAIT, 1L);
      curl_multi_add_handle(m, e[i]);
    }
    multi_drive(m, end);
    for (i = 0; i < N_STREAMS; i++) {
      long status = 0, conns = 0, version = 0;
      curl_easy_getinfo(e[i], CURLINFO_RESPONSE_CODE, &status);
      curl_easy_getinfo(e[i], CURLINFO_NUM_CONNECTS, &conns);
      curl_easy_getinfo(e[i], CURLINFO_HTTP_VERSION, &version);
      out->answered += status != 0;
      out->wins += status / 100 == 2;
      out->fails_412 += status == 412;
      out->conns += conns;
      out->not_h2 += version != CURL_HTTP_VERSION_2_0;
      curl_multi_remove_handle(m, e[i]);
      curl_easy_cleanup(e[i]);
      curl_slist_free_all(hl[i]);
      hfree(&r[i]);
    }
  }
  curl_multi_remove_handle(m, g);
  curl_easy_cleanup(g);
  curl_multi_cleanup(m);
  curl_slist_free_all(ghl);
  hfree(&gr);
  free(tag);
}

/* Clean, the check and the write are one step under the store's lock: one
 * PUT wins and changes the tag, the others' condition is then false. The
 * race flaw checks, then sleeps 200 ms before writing: more than one wins
 * only if the streams of the one connection are in handler threads at once
 * (one after another, one would win). */
static void test_h2_streams_of_one_connection_concurrent(void) {
  static const unsigned flaws[2] = {0, IFM_FLAW_RACE};
  ifm_server_opts o;
  race_result rr[2];
  hresp r = {0};
  int k;

  memset(rr, 0, sizeof rr);
  for (k = 0; k < 2; k++) {
    ifm_server_opts_init(&o);
    o.flaws = flaws[k];
    o.race_window_us = 200000;
    o.threads = N_STREAMS;
    start_h2(&o);
    ASSERT(srv != NULL);
    if (H2(&r, "PUT", "/race", "start", NULL) == 201) multiplexed_puts("/race", &rr[k]);
    hfree(&r);
    stop();
    ASSERT_EQ(rr[k].answered, N_STREAMS);
    ASSERT_EQ(rr[k].not_h2, 0);
    ASSERT_EQ(rr[k].conns, 1);
  }
  ASSERT_EQ(rr[0].wins, 1);
  ASSERT_EQ(rr[0].fails_412, N_STREAMS - 1);
  ASSERT(rr[1].wins > 1);
  printf("# race flaw: %d of %d streams won on one connection\n", rr[1].wins, N_STREAMS);
}

/* ---- 7: the arrival callback, and stopping mid-request ------------------- */

typedef struct arrivals {
  pthread_mutex_t mu;
  int n;
  char log[512];             /* "METHOD path\n" for each */
} arrivals;

static void on_arrival(void *ctx, uint64_t mono_ns, const char *method, const char *path) {
  arrivals *a = ctx;
  size_t used;
  (void)mono_ns;
  pthread_mutex_lock(&a->mu);
  used = strlen(a->log);
  snprintf(a->log + used, sizeof a->log - used, "%s %s\n", method, path);
  a->n++;
  pthread_mutex_unlock(&a->mu);
}

static int arrived(arrivals *a) {
  int n;
  pthread_mutex_lock(&a->mu);
  n = a->n;
  pthread_mutex_unlock(&a->mu);
  return n;
}

/* The callback runs once per request with its method and decoded path, on
 * both sides. Then, with a request in its 300 ms race window, the server
 * stops: within a bounded time, the client's connection ends without an
 * answer, and (under ASan) nothing leaks. */
static void test_h2_arrival_then_stop_mid_request(void) {
  static arrivals a = {PTHREAD_MUTEX_INITIALIZER, 0, {0}};
  ifm_server_opts o;
  hresp r = {0};
  struct curl_slist *hl = NULL;
  const char *hdrs[2] = {NULL, NULL};
  CURLM *m;
  CURL *e;
  double end, t0, took;
  int running = 1;
  long status = -1;
  char *tag;

  ifm_server_opts_init(&o);
  o.flaws = IFM_FLAW_RACE;
  o.race_window_us = 300000;
  o.arrival_cb = on_arrival;
  o.arrival_ctx = &a;
  start_h2(&o);
  ASSERT(srv != NULL);
  ASSERT_EQ(H2(&r, "PUT", "/a", "body", NULL), 201);
  ASSERT_EQ(arrived(&a), 1);
  tag = dupv(hget(&r, "etag"));
  ASSERT_EQ(H2(&r, "GET", "/a?x=1", NULL, NULL), 200);
  ASSERT_EQ(arrived(&a), 2);
  ASSERT_EQ(H2(&r, "HEAD", "/%61", NULL, NULL), 200);
  ASSERT_EQ(arrived(&a), 3);
  ASSERT_EQ(http(&r, "GET", "/a", NULL, NULL), 200);   /* the HTTP/1.1 side too */
  ASSERT_EQ(arrived(&a), 4);
  ASSERT_STREQ(a.log, "PUT /a\nGET /a\nHEAD /a\nGET /a\n");
  /* A client that half-closes once its request is out still gets the
   * answer, though the handler (in its 300 ms window) ends long after the
   * EOF: the write is never done unanswered. */
  ASSERT_EQ(H2(&r, "PUT", "/h", "one", NULL), 201);
  ASSERT(hget(&r, "etag") != NULL);
  {
    char got[1024];
    nghttp2_nv put[] = {NV(":method", "PUT"), NV(":scheme", "http"), NV(":path", "/h"),
                        NV(":authority", "127.0.0.1"), NV("if-match", hget(&r, "etag"))};
    raw_half_close = 1;
    ASSERT_EQ(raw_h2_fields(put, 5, got, sizeof got), 0);
    raw_half_close = 0;
    ASSERT_CONTAINS(got, ":status: 204\n");
  }
  ASSERT_EQ(arrived(&a), 6);
  hfree(&r);
  ASSERT(tag != NULL);
  hdrs[0] = im(0, tag);
  m = curl_multi_init();
  e = curl_easy_init();
  h2_setup(e, H2_OPEN, &r, "PUT", "/a", "two", 3, hdrs, &hl);
  curl_multi_add_handle(m, e);
  /* Until the request has arrived: it is then in its race window. */
  for (end = now_s() + 5; arrived(&a) == 6 && running && now_s() < end;) {
    curl_multi_perform(m, &running);
    curl_multi_poll(m, NULL, 0, 20, NULL);
  }
  ASSERT_EQ(arrived(&a), 7);
  t0 = now_s();
  ifm_server_stop(srv);
  srv = NULL;
  took = now_s() - t0;
  printf("# stop with a request in its race window: %.3f s\n", took);
  ASSERT(took < 5.0);
  ASSERT_EQ(multi_drive(m, now_s() + 5), 1);
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
  ASSERT_EQ(status, 0);
  curl_multi_remove_handle(m, e);
  curl_easy_cleanup(e);
  curl_multi_cleanup(m);
  curl_slist_free_all(hl);
  hfree(&r);
  free(tag);
  stop();                    /* the client side; the server is gone */
}

IFM_TEST_MAIN(TEST(test_h2_write_read_head_304_204), TEST(test_h2_if_match),
              TEST(test_h2_same_store_and_paths_as_h1),
              TEST(test_h2_limits_and_bad_preface),
              TEST(test_h2_streams_of_one_connection_concurrent),
              TEST(test_h2_arrival_then_stop_mid_request))
