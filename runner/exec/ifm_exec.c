/* ifm_exec.c: the libcurl multi loop (see ifm_exec.h). */
#include <curl/curl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ifm_exec.h"
#include "ifm_exec_net.h"
#include "ifm_exec_int.h"

#define EXEC_WIRE_POLL 256                   /* own-socket transfers polled at once (the rest are
                                                stepped every pass anyway) */
#define EXEC_FIELD_COST 48                   /* bytes a kept field costs beyond its text */

/* Takes add more bytes into x's response, within the budget: a response may
 * hold at most its share of the budget (the budget over the transfers in
 * flight, and never more than EXEC_MAX_BODY), and all of them together at
 * most the budget. Returns 0, or -1 when x must stop (limit_hit says why). */
static int response_take(ifm_xfer *x, size_t add) {
  ifm_exec *e = x->exec;
  size_t share = e->budget / (e->n_active ? e->n_active : 1);
  if (share > EXEC_MAX_BODY) share = EXEC_MAX_BODY;
  if (x->resp_bytes + add > share || e->held + add > e->budget) {
    x->limit_hit = share;
    return -1;
  }
  x->resp_bytes += add;
  e->held += add;
  return 0;
}

static void response_release(ifm_xfer *x) {
  if (x->exec) x->exec->held -= x->resp_bytes < x->exec->held ? x->resp_bytes : x->exec->held;
  x->resp_bytes = 0;
}

/* Forgets the response so far (a 1xx came first, or the transfer ends). */
static void response_clear(ifm_xfer *x) {
  size_t i;
  response_release(x);
  for (i = 0; i < x->ex.n_resp_headers; i++) {
    free(x->ex.resp_headers[i].name);
    free(x->ex.resp_headers[i].value);
  }
  free(x->ex.resp_headers);
  x->ex.resp_headers = NULL;
  x->ex.n_resp_headers = x->cap_resp_headers = 0;
  ifm_buf_clear(&x->resp_body);
}

static int field_push(ifm_field **arr, size_t *n, size_t *cap, const char *name, size_t nlen,
                      const char *value, size_t vlen) {
  ifm_field *a = ifm_xrealloc_array(*arr, cap, *n + 1, sizeof **arr);
  if (!a) return -1;
  *arr = a;
  a[*n].name = ifm_strndup(name, nlen);
  a[*n].value = ifm_strndup(value, vlen);
  a[*n].value_len = vlen;
  a[*n].value_total = 0;
  if (!a[*n].name || !a[*n].value) {
    free(a[*n].name);
    free(a[*n].value);
    return -1;
  }
  (*n)++;
  return 0;
}

/* CURLOPT_HEADERFUNCTION: one header line at a time. A new status line (after
 * a 1xx) starts the header list again. */
static size_t header_cb(char *data, size_t size, size_t nitems, void *userp) {
  ifm_xfer *x = userp;
  size_t len = size * nitems, nlen, vs, ve;
  const char *colon;
  if (x->ex.t_first_byte == 0) x->ex.t_first_byte = ifm_now_ms();
  if (len >= 5 && memcmp(data, "HTTP/", 5) == 0) {
    response_clear(x);
    return len;
  }
  while (len && (data[len - 1] == '\n' || data[len - 1] == '\r')) len--;
  if (len == 0) return size * nitems;
  colon = memchr(data, ':', len);
  if (!colon) return size * nitems;            /* not a field line: ignored, as curl does */
  nlen = (size_t)(colon - data);
  vs = nlen + 1;
  ve = len;
  while (vs < ve && (data[vs] == ' ' || data[vs] == '\t')) vs++;
  while (ve > vs && (data[ve - 1] == ' ' || data[ve - 1] == '\t')) ve--;
  if (x->ex.n_resp_headers >= EXEC_MAX_FIELDS) {
    x->fields_hit = 1;
    return 0;                                  /* aborts the transfer */
  }
  if (response_take(x, nlen + (ve - vs) + EXEC_FIELD_COST) != 0) return 0;
  if (field_push(&x->ex.resp_headers, &x->ex.n_resp_headers, &x->cap_resp_headers, data, nlen,
                 data + vs, ve - vs) != 0)
    return 0;                                  /* aborts the transfer: out of memory */
  return size * nitems;
}

static size_t write_cb(char *data, size_t size, size_t nitems, void *userp) {
  ifm_xfer *x = userp;
  size_t len = size * nitems;
  if (response_take(x, len) != 0) return 0;
  if (ifm_buf_append(&x->resp_body, data, len) != 0) return 0;
  return len;
}

/* CURLOPT_READFUNCTION: the body; with hold_last_byte, everything but the
 * last byte goes out, then the transfer pauses until ifm_exec_release_all. */
static size_t read_cb(char *out, size_t size, size_t nitems, void *userp) {
  ifm_xfer *x = userp;
  size_t room = size * nitems, left = x->body.len - x->sent, n;
  int hold = x->opts.hold && !x->released;
  if (hold && left <= 1) {
    if (left == 0) return 0;
    if (!x->paused) {
      x->paused = 1;
      x->opts.hold->held++;
      x->exec->check_groups = 1;
    }
    return CURL_READFUNC_PAUSE;
  }
  n = left < room ? left : room;
  if (hold && n == left) n--;   /* keep the last byte */
  memcpy(out, x->body.p + x->sent, n);
  x->sent += n;
  /* the release as this client saw it: its last byte handed to libcurl,
   * which writes it to the socket before it asks anything else */
  if (x->released && x->sent == x->body.len) x->ex.t_release = ifm_now_ms();
  return n;
}

/* CURLOPT_SEEKFUNCTION: libcurl rewinds the body when it retries a request
 * on a fresh connection because the reused one had been closed by the server
 * (keep-alive limits, a server that closes after an error). */
static int seek_cb(void *userp, curl_off_t offset, int origin) {
  ifm_xfer *x = userp;
  if (origin != SEEK_SET || offset < 0 || (size_t)offset > x->body.len) return CURL_SEEKFUNC_FAIL;
  if (x->paused || x->released) return CURL_SEEKFUNC_CANTSEEK;   /* a held race request is not replayed */
  x->sent = (size_t)offset;
  return CURL_SEEKFUNC_OK;
}

ifm_xfer *ifm_xfer_new(const char *method, const char *url, const ifm_xfer_opts *opts) {
  ifm_xfer *x = calloc(1, sizeof *x);
  if (!x) return NULL;
  x->ex.client = -1;
  x->ex.method = ifm_strdup(method);
  x->ex.url = ifm_strdup(url);
  x->opts = *opts;
  if (!x->ex.method || !x->ex.url) {
    ifm_xfer_free(x);
    return NULL;
  }
  return x;
}

/* The header line as libcurl takes it. "Name;" is libcurl's way to send a
 * field with an empty value; "Name:" alone would remove the field. */
static int slist_add(ifm_xfer *x, const char *name, const char *value, size_t value_len) {
  ifm_buf line = IFM_BUF_INIT;
  struct curl_slist *s;
  int rc = -1;
  if (value_len == 0) {
    if (ifm_buf_puts(&line, name) || ifm_buf_putc(&line, ';')) goto out;
  } else if (ifm_buf_puts(&line, name) || ifm_buf_puts(&line, ": ") ||
             ifm_buf_append(&line, value, value_len)) {
    goto out;
  }
  if (memchr(line.p, '\0', line.len)) goto out;   /* cannot be sent through libcurl */
  s = curl_slist_append(x->slist, line.p);
  if (!s) goto out;
  x->slist = s;
  if (strcasecmp(name, "Content-Type") == 0) x->has_content_type = 1;
  rc = 0;
out:
  ifm_buf_clear(&line);
  return rc;
}

int ifm_xfer_add_header(ifm_xfer *x, const char *name, const char *value, size_t value_len) {
  if (slist_add(x, name, value, value_len) != 0) return -1;
  return field_push(&x->ex.req_headers, &x->ex.n_req_headers, &x->cap_req_headers, name, strlen(name),
                    value, value_len);
}

ifm_xfer *ifm_xfer_new_exchange(ifm_exchange *req, const ifm_xfer_opts *opts) {
  ifm_xfer *x = calloc(1, sizeof *x);
  size_t i;
  if (!x) return NULL;
  x->ex = *req;
  memset(req, 0, sizeof *req);
  x->opts = *opts;
  x->cap_req_headers = x->ex.n_req_headers;
  for (i = 0; i < x->ex.n_req_headers; i++)
    if (slist_add(x, x->ex.req_headers[i].name, x->ex.req_headers[i].value, x->ex.req_headers[i].value_len)) {
      ifm_xfer_free(x);
      return NULL;
    }
  if (x->ex.req_body) {           /* the body moves to the send buffer until the end */
    x->has_body = 1;
    x->body.p = x->ex.req_body;
    x->body.len = x->ex.req_body_len;
    x->body.cap = x->body.len + 1;
    x->ex.req_body = NULL;
    x->ex.req_body_len = x->ex.req_body_total = 0;
  }
  return x;
}

int ifm_xfer_set_body(ifm_xfer *x, const char *body, size_t len) {
  ifm_buf_reset(&x->body);
  x->has_body = 1;
  return ifm_buf_append(&x->body, body ? body : "", len);
}

void ifm_xfer_free(ifm_xfer *x) {
  if (!x) return;
  if (x->easy && x->exec && x->exec->n_pool < EXEC_POOL) {
    curl_easy_reset(x->easy);
    x->exec->pool[x->exec->n_pool++] = x->easy;
  } else if (x->easy) {
    curl_easy_cleanup(x->easy);
  }
  curl_slist_free_all(x->slist);
  curl_slist_free_all(x->resolve);
  curl_slist_free_all(x->connect_to);
  ifm_wire_free(x->wire);
  free(x->raw);
  ifm_buf_clear(&x->body);
  ifm_buf_clear(&x->resp_body);
  ifm_exchange_clear(&x->ex);
  free(x);
}

static int xfer_setup(ifm_xfer *x) {
  CURL *e = x->easy;
  long ms = (long)(x->opts.timeout_s * 1000.0);
  struct curl_slist *s;
  if (ms <= 0) ms = 10000;
  /* A held race request must send its body at once, so no "Expect:
   * 100-continue" there. Elsewhere libcurl's default stays: a body over 1 MiB
   * waits for 100 Continue, so a server that refuses it early (413) is heard
   * before it closes the connection on the unsent body, instead of a reset. */
  if (x->opts.hold) {
    s = curl_slist_append(x->slist, "Expect:");
    if (!s) return -1;
    x->slist = s;
  }
  curl_easy_setopt(e, CURLOPT_URL, x->ex.url);
  curl_easy_setopt(e, CURLOPT_PRIVATE, x);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, ms);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, ms < 10000 ? ms : 10000L);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, header_cb);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
  curl_easy_setopt(e, CURLOPT_USERAGENT, "ifmatch/" IFM_VERSION);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->slist);
  curl_easy_setopt(e, CURLOPT_PATH_AS_IS, 1L);
  if (ifm_exec_net_apply(e, x->opts.net, &x->resolve, &x->connect_to) != 0) return -1;
  /* HTTP/2: libcurl 7.88 (Debian 12) fails a request sent on a reused h2
   * connection with "Error in the HTTP2 framing layer" (seen against nginx's
   * h2c), so every HTTP/2 request gets a connection of its own. */
  if (x->opts.fresh_connection || x->opts.http_version != 0) {
    curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
  }
  switch (x->opts.http_version) {
    case 1: curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE); break;
    case 2: curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS); break;
    default: curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1); break;
  }
  if (x->opts.ca_file) curl_easy_setopt(e, CURLOPT_CAINFO, x->opts.ca_file);
  if (!x->opts.tls_verify) {
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (strcmp(x->ex.method, "HEAD") == 0) {
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  } else if (strcmp(x->ex.method, "GET") != 0 || x->has_body) {
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, x->ex.method);
  }
  if (x->has_body && strcmp(x->ex.method, "HEAD") != 0 && x->opts.hold) {
    /* last-byte release: the body goes through the read callback, which
     * holds its last byte back */
    curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(e, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(e, CURLOPT_READDATA, x);
    curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, seek_cb);
    curl_easy_setopt(e, CURLOPT_SEEKDATA, x);
    curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)x->body.len);
  } else if (x->has_body && strcmp(x->ex.method, "HEAD") != 0) {
    /* an ordinary body goes out with the headers in one write; libcurl can
     * resend it on a fresh connection by itself. POSTFIELDS would add a form
     * Content-Type: a request that has none says so with "Content-Type:". */
    if (!x->has_content_type) {
      s = curl_slist_append(x->slist, "Content-Type:");
      if (!s) return -1;
      x->slist = s;
    }
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, x->body.p ? x->body.p : "");
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)x->body.len);
  }
  return 0;
}

ifm_exec *ifm_exec_new(void) {
  ifm_exec *e = calloc(1, sizeof *e);
  if (!e) return NULL;
  e->budget = IFM_EXEC_DEFAULT_BUDGET;
  e->multi = curl_multi_init();
  if (!e->multi) {
    free(e);
    return NULL;
  }
  return e;
}

void ifm_exec_set_memory_budget(ifm_exec *e, size_t bytes) {
  e->budget = bytes ? bytes : IFM_EXEC_DEFAULT_BUDGET;
}

void ifm_exec_limit_connections(ifm_exec *e, unsigned n) {
  if (n) curl_multi_setopt(e->multi, CURLMOPT_MAXCONNECTS, 1L);
}

/* Joins x to the loop's active list: a libcurl transfer (x->easy) goes to
 * the multi handle; an own-socket one connects now and is polled by the
 * loop (a wire that cannot even start, no such host, still ends through the
 * loop with its error, as a libcurl transfer would). */
static ifm_err exec_activate(ifm_exec *e, ifm_xfer *x, ifm_xfer_done_cb done, void *ctx) {
  ifm_xfer **a = ifm_xrealloc_array(e->active, &e->cap_active, e->n_active + 1, sizeof *a);
  if (!a) return IFM_ERR_NOMEM;
  e->active = a;
  x->exec = e;
  x->done = done;
  x->ctx = ctx;
  x->ex.t_start = ifm_now_ms();
  if (x->easy) {
    if (curl_multi_add_handle(e->multi, x->easy) != CURLM_OK) return IFM_ERR_TRANSPORT;
  } else {
    ifm_exec_wire_start(x, x->ex.t_start);
  }
  e->added = 1;
  x->slot = e->n_active;
  e->active[e->n_active++] = x;
  return IFM_OK;
}

ifm_err ifm_exec_add(ifm_exec *e, ifm_xfer *x, ifm_xfer_done_cb done, void *ctx) {
  if (x->raw) return exec_activate(e, x, done, ctx);
  if (x->opts.own_socket) {
    if (ifm_exec_wire_serialize(x) != 0) return IFM_ERR_NOMEM;
    return exec_activate(e, x, done, ctx);
  }
  if (!x->easy) x->easy = e->n_pool ? e->pool[--e->n_pool] : curl_easy_init();
  if (!x->easy || xfer_setup(x) != 0) return IFM_ERR_NOMEM;
  return exec_activate(e, x, done, ctx);
}

/* Moves the bodies into the exchange record: whole, with their hashes. A
 * request with a body has req_body != NULL (an empty body is ""). */
static void xfer_seal(ifm_xfer *x) {
  if (x->has_body) {
    x->ex.req_body = x->body.p ? x->body.p : ifm_strdup("");
    x->ex.req_body_len = x->ex.req_body_total = x->body.len;
    x->ex.req_body_hash = ifm_hash64(x->body.p, x->body.len);
    memset(&x->body, 0, sizeof x->body);
  }
  x->ex.resp_body = x->resp_body.p;
  x->ex.resp_body_len = x->ex.resp_body_total = x->resp_body.len;
  x->ex.resp_body_hash = ifm_hash64(x->resp_body.p, x->resp_body.len);
  x->ex.resp_payload_hash = x->ex.resp_body_hash;
  if (x->ex.extract) {
    size_t off = 0, len = 0;
    if (ifm_exchange_extract(x->ex.extract, x->resp_body.p ? x->resp_body.p : "", &off, &len) != 1) off = len = 0;
    x->ex.resp_payload_hash = ifm_hash64(x->resp_body.p ? x->resp_body.p + off : "", len);
  }
  if (!x->has_body) x->ex.req_payload_hash = 0;
  memset(&x->resp_body, 0, sizeof x->resp_body);
}

/* A server may answer before it has read the whole request (a 431 for an
 * oversized header, a 413) and close, and the close may reset the
 * connection while the request is still going out (lingering close is only
 * a SHOULD, RFC 9112 9.6). When a final status and a body of exactly its
 * Content-Length (or none to have; or, for a 4xx/5xx, whatever came before
 * the close) arrived, that is the server's answer, as curl shows it, not a
 * transport error. */
static int response_complete(ifm_xfer *x, CURLcode rc) {
  curl_off_t cl = -1;
  long status = x->ex.status;
  if (rc != CURLE_SEND_ERROR && rc != CURLE_RECV_ERROR) return 0;
  if (status < 200) return 0;
  if (status == 204 || status == 304) return 1;
  if (curl_easy_getinfo(x->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl) != CURLE_OK) return 0;
  if (cl >= 0) return (curl_off_t)x->resp_body.len == cl;
  /* no length: the body ran to the close, and a refusal (4xx, 5xx) is its
   * status; a 2xx body cut short is not a whole answer */
  return status >= 400;
}

/* An HTTP/2 request the server ended without an answer: its stream reset,
 * or the connection gone (curl says "Connection died" after its retries, or
 * reports the GOAWAY). A reset with INTERNAL_ERROR is the server failing,
 * not refusing (RFC 9113 section 7), and stays a plain transport error. */
static int h2_refused(ifm_xfer *x, CURLcode rc) {
  long v = 0;
  if (x->ex.status || x->opts.http_version == 0) return 0;
  if (curl_easy_getinfo(x->easy, CURLINFO_HTTP_VERSION, &v) == CURLE_OK && v != 0 && v != CURL_HTTP_VERSION_2_0)
    return 0;
  if (strstr(x->errbuf, "INTERNAL_ERROR")) return 0;
  return rc == CURLE_HTTP2_STREAM || rc == CURLE_HTTP2 || rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR ||
         rc == CURLE_GOT_NOTHING;
}

/* Takes x out of the loop, fills its response and hands it to its callback;
 * the transfer is freed afterwards. */
static void xfer_finish(ifm_exec *e, ifm_xfer *x, CURLcode rc, const char *why) {
  long status = 0;
  ifm_xfer *last;
  if (x->easy) curl_multi_remove_handle(e->multi, x->easy);
  last = e->active[--e->n_active];
  last->slot = x->slot;
  e->active[x->slot] = last;
  if (x->opts.hold && !x->released) {
    /* it leaves its group without being released: the others need not wait */
    ifm_hold_group *g = x->opts.hold;
    if (x->paused && g->held) g->held--;
    if (g->members) g->members--;
    e->check_groups = 1;
  }
  if (x->h2) {                            /* an HTTP/2 group's member: its stream has the answer */
    ifm_exec_h2_leave(e, x, why);
    if (x->done) x->done(x, x->ctx);
    ifm_xfer_free(x);
    return;
  }
  if (x->raw) {                           /* an own-socket transfer: its wire has the answer */
    ifm_exec_wire_seal(x);
    if (why) {
      free(x->ex.error);
      x->ex.error = ifm_strdup(why);
    }
    if (!x->ex.t_done) x->ex.t_done = ifm_now_ms();
    if (x->done) x->done(x, x->ctx);
    ifm_xfer_free(x);
    return;
  }
  x->ex.t_done = ifm_now_ms();
  response_release(x);      /* the response leaves the executor with its record */
  curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
  x->ex.status = (int)status;
  if (!why && rc != CURLE_OK && response_complete(x, rc)) rc = CURLE_OK;
  if (why) {
    x->ex.error = ifm_strdup(why);
  } else if (rc != CURLE_OK) {
    ifm_buf msg = IFM_BUF_INIT;
    ifm_buf_printf(&msg, "%s", x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc));
    x->ex.error = ifm_buf_detach(&msg);
    x->ex.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    x->ex.h2_refused = h2_refused(x, rc);
    if (rc == CURLE_WRITE_ERROR && (x->limit_hit || x->fields_hit)) {
      ifm_buf m = IFM_BUF_INIT;
      free(x->ex.error);
      if (x->fields_hit)
        ifm_buf_printf(&m, "the response has more than %u header fields: cut there", (unsigned)EXEC_MAX_FIELDS);
      else
        ifm_buf_printf(&m, "the response is larger than its share of the memory budget: %zu bytes of fields "
                       "and body (--max-memory %zu MiB over the requests in flight): cut there",
                       x->limit_hit, x->exec->budget >> 20);
      x->ex.error = ifm_buf_detach(&m);
    }
  }
  xfer_seal(x);
  if (x->done) x->done(x, x->ctx);
  ifm_xfer_free(x);
}

static void exec_abort_all(ifm_exec *e, const char *why) {
  while (e->n_active) xfer_finish(e, e->active[e->n_active - 1], CURLE_OK, why);
}

/* Resumes every member of each group whose members are all paused. */
static void exec_release_groups(ifm_exec *e) {
  size_t i;
  double now = ifm_now_ms();
  e->check_groups = 0;
  for (i = 0; i < e->n_active; i++) {
    ifm_hold_group *g = e->active[i]->opts.hold;
    if (g && !g->released && g->members && g->held >= g->members) {
      g->released = 1;
      g->release_ms = now;
    }
  }
  /* own-socket members first: one send() of each held byte, back to back */
  for (i = 0; i < e->n_active; i++) {
    ifm_xfer *x = e->active[i];
    if (!x->wire || !x->opts.hold || !x->opts.hold->released || x->released) continue;
    x->released = 1;
    x->paused = 0;
    ifm_wire_release(x->wire, now);
  }
  for (i = 0; i < e->n_active; i++) {
    ifm_xfer *x = e->active[i];
    if (!x->opts.hold || !x->opts.hold->released || x->released) continue;
    x->released = 1;
    x->ex.t_release = x->opts.hold->release_ms;
    if (x->paused) {
      x->paused = 0;
      curl_easy_pause(x->easy, CURLPAUSE_CONT);
    }
  }
}

/* Steps every own-socket transfer; finishes those that ended. 1 when one
 * did. */
static int exec_step_wires(ifm_exec *e) {
  size_t i = 0;
  int ended = 0;
  double now = ifm_now_ms();
  while (i < e->n_active) {
    ifm_xfer *x = e->active[i];
    ifm_wire_state st;
    if (!x->raw) {
      i++;
      continue;
    }
    st = x->wire ? ifm_wire_step(x->wire, now) : IFM_WIRE_FAILED;
    if (st == IFM_WIRE_HELD && x->opts.hold && !x->paused && !x->released) {
      x->paused = 1;                     /* all but its last byte is out: it waits for the group */
      x->opts.hold->held++;
      e->check_groups = 1;
    }
    if (st == IFM_WIRE_DONE || st == IFM_WIRE_FAILED) {
      xfer_finish(e, x, CURLE_OK, NULL);   /* moves another transfer into slot i */
      ended = 1;
      continue;
    }
    i++;
  }
  return ended;
}

/* Steps the HTTP/2 groups; finishes the members whose race ended (or that
 * were never sent). 1 when one did. */
static int exec_step_h2(ifm_exec *e) {
  size_t i = 0;
  int ended = 0;
  if (!e->n_h2) return 0;
  ifm_exec_h2_step(e, ifm_now_ms());
  while (i < e->n_active) {
    ifm_xfer *x = e->active[i];
    if (x->h2 && (x->h2->ended || x->h2_ended)) {
      xfer_finish(e, x, CURLE_OK, NULL);   /* moves another transfer into slot i */
      ended = 1;
      continue;
    }
    i++;
  }
  return ended;
}

int ifm_exec_run(ifm_exec *e, volatile int *stop, double deadline_ms) {
  while (e->n_active) {
    int running = 0, left;
    CURLMsg *m;
    if (stop && *stop) {
      exec_abort_all(e, "interrupted");
      break;
    }
    if (deadline_ms > 0 && ifm_now_ms() > deadline_ms) {
      exec_abort_all(e, "run time limit reached");
      break;
    }
    e->added = 0;
    if (curl_multi_perform(e->multi, &running) != CURLM_OK) {
      exec_abort_all(e, "libcurl multi interface failed");
      return -1;
    }
    while ((m = curl_multi_info_read(e->multi, &left)) != NULL) {
      ifm_xfer *x = NULL;
      if (m->msg != CURLMSG_DONE) continue;
      curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
      if (x) xfer_finish(e, x, m->data.result, NULL);
    }
    if (e->check_groups) {
      exec_release_groups(e);
      continue;                        /* perform at once: the release is the point */
    }
    if (exec_step_wires(e)) continue;  /* one ended: its callback may have added the next */
    if (exec_step_h2(e)) continue;     /* likewise */
    if (e->added) continue;            /* a callback added the next request: send it now, not after a poll */
    if (e->n_active) {
      struct curl_waitfd fds[EXEC_WIRE_POLL];
      double next = ifm_now_ms() + 50.0;
      size_t n = ifm_exec_wire_fds(e, fds, EXEC_WIRE_POLL, &next);
      n += ifm_exec_h2_fds(e, fds + n, EXEC_WIRE_POLL - n, &next);
      double wait = next - ifm_now_ms();
      curl_multi_poll(e->multi, n ? fds : NULL, (unsigned)n, wait < 1 ? 1 : wait > 50 ? 50 : (int)wait, NULL);
    }
  }
  return 0;
}

void ifm_exec_free(ifm_exec *e) {
  if (!e) return;
  exec_abort_all(e, "interrupted");
  while (e->n_pool) curl_easy_cleanup(e->pool[--e->n_pool]);
  curl_multi_cleanup(e->multi);
  free(e->active);
  free(e->h2);
  free(e);
}

const ifm_exchange *ifm_xfer_exchange(const ifm_xfer *x) { return &x->ex; }

void ifm_xfer_take_exchange(ifm_xfer *x, ifm_exchange *out) {
  *out = x->ex;
  memset(&x->ex, 0, sizeof x->ex);
}
