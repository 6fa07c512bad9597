/* ifm_h2_race.c: HTTP/2 single-packet release (see ifm_h2_race.h).
 *
 * The engine runs nghttp2's client session over memory (mem_send, mem_recv)
 * so that it decides when bytes leave. A stream's data provider hands out
 * its body but the last byte and then answers NGHTTP2_ERR_DEFERRED; once
 * every stream is held, a PING round trip proves that the server has read
 * everything before (the HEADERS, the bodies, our SETTINGS, whose ACK comes
 * first: RFC 9113 6.5.3, frames are processed in order), and the windows
 * have room for every last byte, the engine resumes every stream, collects
 * what mem_send gives into one buffer (the final DATA frames of all streams)
 * and writes it in frame-aligned pieces of at most IFM_H2RACE_PACKET bytes,
 * one write each. nghttp2's callbacks are in ifm_h2_race_cb.c.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_buf.h"
#include "ifm_exec.h"
#include "ifm_h2_race_int.h"
#include "ifm_tls.h"

/* Ends the race: closes the connection and fails every open stream with
 * why, which becomes the race's error when a stream was still open. */
static void race_end(ifm_h2race *r, const char *why, int timed_out) {
  size_t i, open = 0;
  for (i = 0; i < r->n; i++) open += !r->s[i].closed;
  if (why && open && !r->error) r->error = ifm_strdup(why);
  for (i = 0; i < r->n; i++) h2r_stream_fail(&r->s[i], why ? why : "connection closed", timed_out);
  if (r->session) nghttp2_session_del(r->session);
  r->session = NULL;
  h2r_conn_close(&r->conn);
  r->state = H2R_DONE;
}

/* Opens a stream per request, as many as the server allows at once. */
static int submit_streams(ifm_h2race *r) {
  uint32_t max = nghttp2_session_get_remote_settings(r->session, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS);
  size_t i, opened = 0;
  r->st.max_concurrent = max == 0xffffffffu ? 0 : max;
  for (i = 0; i < r->n; i++) {
    h2r_stream *s = &r->s[i];
    nghttp2_nv *nv;
    nghttp2_data_provider dp;
    size_t nn;
    char *store, why[160];
    int32_t id;
    if (s->closed) continue;
    if (opened >= max) {
      snprintf(why, sizeof why, "HTTP/2: not sent: the server allows %u concurrent streams "
               "(SETTINGS_MAX_CONCURRENT_STREAMS), the race has %zu", max, r->n);
      h2r_stream_fail(s, why, 0);
      continue;
    }
    if (h2r_req_fields(&s->ex, r->o.tls, &nv, &nn, &store) != 0) return -1;
    dp.source.ptr = s;
    dp.read_callback = h2r_body_read_cb;
    id = nghttp2_submit_request(r->session, NULL, nv, nn, &dp, s);
    free(nv);
    free(store);
    if (id > 0) s->id = id;
    if (id < 0) {
      snprintf(why, sizeof why, "HTTP/2: cannot submit the request: %s", nghttp2_strerror(id));
      h2r_stream_fail(s, why, 0);
      continue;
    }
    opened++;
  }
  r->submitted = 1;
  return 0;
}

/* Moves what nghttp2 has to send into dst. */
static int pump(ifm_h2race *r, ifm_buf *dst) {
  for (;;) {
    const uint8_t *p;
    ssize_t n = nghttp2_session_mem_send(r->session, &p);
    if (n < 0) return -1;
    if (n == 0) return 0;
    if (ifm_buf_append(dst, p, (size_t)n) != 0) return -1;
  }
}

/* The length of the frame at off in b (header included), or 0 when b does
 * not hold its header. */
static size_t frame_len(const ifm_buf *b, size_t off) {
  const unsigned char *p = (const unsigned char *)b->p + off;
  if (b->len - off < 9) return 0;
  return 9 + ((size_t)p[0] << 16 | (size_t)p[1] << 8 | p[2]);
}

/* Stamps t_release on every final DATA frame that rel_off now covers. */
static void release_stamp(ifm_h2race *r, double t) {
  size_t fl;
  while ((fl = frame_len(&r->rel, r->rel_frame)) != 0 && r->rel_frame + fl <= r->rel_off) {
    const unsigned char *p = (const unsigned char *)r->rel.p + r->rel_frame;
    int32_t id = (int32_t)(((uint32_t)p[5] & 0x7f) << 24 | (uint32_t)p[6] << 16 | (uint32_t)p[7] << 8 | p[8]);
    if (p[3] == NGHTTP2_DATA && (p[4] & NGHTTP2_FLAG_END_STREAM)) {
      h2r_stream *s = h2r_stream_of(r, id);
      if (s) s->ex.t_release = t;
      r->st.release_frames++;
    }
    r->rel_frame += fl;
  }
}

/* Writes what is pending: the release first, a packet per write, then the
 * rest. 0, or -1 when the connection broke (the race ended). */
static int flush(ifm_h2race *r) {
  char err[256];
  while (r->rel_off < r->rel.len) {
    size_t end = r->rel_frame, fl;
    double t;
    ssize_t w;
    /* whole frames up to a packet, starting where the last write stopped */
    while ((fl = frame_len(&r->rel, end)) != 0 && (end + fl - r->rel_off <= IFM_H2RACE_PACKET || end <= r->rel_off))
      end += fl;
    if (end <= r->rel_off) end = r->rel.len;
    t = ifm_now_ms();
    w = h2r_conn_write(&r->conn, r->rel.p + r->rel_off, end - r->rel_off, err, sizeof err);
    if (w < 0) return race_end(r, err, 0), -1;
    if (w == 0) return 0;
    if (r->st.release_writes++ == 0) r->st.t_release = t;
    r->st.release_bytes += (size_t)w;
    r->rel_off += (size_t)w;
    release_stamp(r, t);
  }
  while (r->out.len) {
    ssize_t w = h2r_conn_write(&r->conn, r->out.p, r->out.len, err, sizeof err);
    if (w < 0) return race_end(r, err, 0), -1;
    if (w == 0) return 0;
    memmove(r->out.p, r->out.p + w, r->out.len - (size_t)w);
    r->out.len -= (size_t)w;
  }
  return 0;
}

/* 1 when every open stream is held and the windows take every final frame. */
static int release_ready(ifm_h2race *r) {
  size_t i, need = 0, held = 0;
  for (i = 0; i < r->n; i++) {
    h2r_stream *s = &r->s[i];
    size_t last;
    if (s->closed) continue;
    if (!s->held) return 0;
    last = s->ex.req_body_len - s->sent;
    if (nghttp2_session_get_stream_remote_window_size(r->session, s->id) < (int32_t)last) return 0;
    need += last;
    held++;
  }
  return held > 0 && nghttp2_session_get_remote_window_size(r->session) >= (int32_t)need;
}

static int release(ifm_h2race *r) {
  size_t i;
  for (i = 0; i < r->n; i++) {
    h2r_stream *s = &r->s[i];
    if (s->closed || !s->held) continue;
    s->released = 1;
    if (nghttp2_session_resume_data(r->session, s->id) != 0) h2r_stream_fail(s, "HTTP/2: cannot resume", 0);
  }
  r->released = 1;
  return pump(r, &r->rel);
}

/* Reads what the socket has and feeds it to the session. 0, or -1 when
 * the race ended. */
static int drain_input(ifm_h2race *r) {
  uint8_t buf[16384];
  char err[256];
  for (;;) {
    ssize_t n = h2r_conn_read(&r->conn, buf, sizeof buf, err, sizeof err);
    ssize_t used;
    if (n == -1) return 0;
    if (n == -2) return race_end(r, err, 0), -1;
    if (n == 0) {
      race_end(r, r->goaway ? r->goaway : "HTTP/2: the server closed the connection", 0);
      return -1;
    }
    used = nghttp2_session_mem_recv(r->session, buf, (size_t)n);
    if (used < 0) {
      snprintf(err, sizeof err, "HTTP/2: %s", nghttp2_strerror((int)used));
      race_end(r, err, 0);
      return -1;
    }
  }
}

/* One pass of the HTTP/2 phase. */
static void h2_pass(ifm_h2race *r) {
  size_t i, open = 0;
  if (drain_input(r) != 0) return;
  if (!r->submitted && r->got_settings && submit_streams(r) != 0) {
    race_end(r, "out of memory", 0);
    return;
  }
  if (pump(r, &r->out) != 0) {
    race_end(r, "HTTP/2: cannot frame the requests", 0);
    return;
  }
  if (flush(r) != 0) return;
  if (r->submitted && !r->released && r->out.len == 0 && r->settings_acked) {
    if (!r->ping_sent && release_ready(r)) {
      r->ping_sent = 1;
      if (nghttp2_submit_ping(r->session, NGHTTP2_FLAG_NONE, NULL) != 0 || pump(r, &r->out) != 0) {
        race_end(r, "HTTP/2: cannot send PING", 0);
        return;
      }
      if (flush(r) != 0) return;
    } else if (r->ping_acked && release_ready(r)) {
      if (release(r) != 0) {
        race_end(r, "HTTP/2: cannot frame the release", 0);
        return;
      }
      if (flush(r) != 0) return;
    }
  }
  for (i = 0; i < r->n; i++) open += !r->s[i].closed;
  if (r->submitted && open == 0) {
    race_end(r, NULL, 0);
    return;
  }
  if (!nghttp2_session_want_read(r->session) && !nghttp2_session_want_write(r->session))
    race_end(r, r->goaway ? r->goaway : "HTTP/2: the session ended", 0);
}

int ifm_h2race_step(ifm_h2race *r, double now) {
  char err[256];
  int rc;
  if (r->state == H2R_INIT) {
    size_t i, open = 0;
    if (r->o.timeout_ms <= 0) r->o.timeout_ms = 30000;
    if (r->o.connect_timeout_ms <= 0) r->o.connect_timeout_ms = 10000;
    r->deadline = now + r->o.timeout_ms;
    r->connect_deadline = now + r->o.connect_timeout_ms;
    for (i = 0; i < r->n; i++) open += !r->s[i].closed;
    if (open == 0) return race_end(r, NULL, 0), 1;
    if (h2r_conn_start(&r->conn, &r->o, err, sizeof err) != 0) return race_end(r, err, 0), 1;
    r->state = H2R_CONNECT;
  }
  if (r->state == H2R_DONE) return 1;
  if (now >= r->deadline || (r->state < H2R_H2 && now >= r->connect_deadline)) {
    snprintf(err, sizeof err, "timed out after %.0f ms %s", r->state < H2R_H2 ? r->o.connect_timeout_ms : r->o.timeout_ms,
             r->state == H2R_CONNECT ? "connecting" : r->state == H2R_TLS ? "in the TLS handshake"
             : !r->released ? "before the release" : "waiting for the responses");
    race_end(r, err, 1);
    return 1;
  }
  if (r->state == H2R_CONNECT) {
    rc = h2r_conn_connected(&r->conn, err, sizeof err);
    if (rc < 0) return race_end(r, err, 0), 1;
    if (rc == 0) return 0;
    if (r->o.tls) {
      if (h2r_conn_tls_start(&r->conn, &r->o, err, sizeof err) != 0) return race_end(r, err, 0), 1;
      r->state = H2R_TLS;
    } else if (h2r_session_start(r) != 0) {
      return race_end(r, "out of memory", 0), 1;
    }
  }
  if (r->state == H2R_TLS) {
    rc = h2r_conn_tls_step(&r->conn, err, sizeof err);
    if (rc < 0) return race_end(r, err, 0), 1;
    if (rc == 0) return 0;
    if (h2r_session_start(r) != 0) return race_end(r, "out of memory", 0), 1;
  }
  /* a few passes: an answer read may let the next phase start at once */
  for (rc = 0; rc < 4 && r->state == H2R_H2; rc++) {
    int before = r->ping_sent + r->ping_acked + r->released + r->submitted + r->settings_acked;
    h2_pass(r);
    if (r->state == H2R_H2 && before == r->ping_sent + r->ping_acked + r->released + r->submitted + r->settings_acked)
      break;
  }
  return r->state == H2R_DONE;
}

/* ---- the object ------------------------------------------------------- */

ifm_h2race *ifm_h2race_new(const ifm_h2race_opts *o) {
  ifm_h2race *r;
  if (!o || !o->host || !*o->host || !o->port) return NULL;
  r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->o = *o;
  r->conn.fd = -1;
  r->host = ifm_strdup(o->host);
  r->connect_host = o->connect_host ? ifm_strdup(o->connect_host) : NULL;
  r->ca_file = o->ca_file ? ifm_strdup(o->ca_file) : NULL;
  r->cert = o->cert ? ifm_strdup(o->cert) : NULL;
  r->key = o->key ? ifm_strdup(o->key) : NULL;
  r->o.host = r->host;
  r->o.connect_host = r->connect_host;
  r->o.ca_file = r->ca_file;
  r->o.cert = r->cert;
  r->o.key = r->key;
  if (!r->host || (o->connect_host && !r->connect_host) || (o->ca_file && !r->ca_file) ||
      (o->cert && !r->cert) || (o->key && !r->key)) {
    ifm_h2race_free(r);
    return NULL;
  }
  return r;
}

void ifm_h2race_free(ifm_h2race *r) {
  size_t i;
  if (!r) return;
  if (r->session) nghttp2_session_del(r->session);
  h2r_conn_close(&r->conn);
  for (i = 0; i < r->n; i++) {
    ifm_exchange_clear(&r->s[i].ex);
    ifm_buf_clear(&r->s[i].body);
  }
  free(r->s);
  ifm_buf_clear(&r->out);
  ifm_buf_clear(&r->rel);
  free(r->error);
  free(r->goaway);
  free(r->host);
  free(r->connect_host);
  free(r->ca_file);
  free(r->cert);
  free(r->key);
  free(r);
}

int ifm_h2race_add(ifm_h2race *r, ifm_exchange *req) {
  h2r_stream *s;
  char err[256];
  size_t total = r->o.body_budget ? r->o.body_budget : IFM_H2RACE_BODY_BUDGET;
  if (r->state != H2R_INIT || r->n >= IFM_H2RACE_MAX_STREAMS) return IFM_ERR_FAILED;
  if (r->n == r->cap) {
    h2r_stream *p = ifm_xrealloc_array(r->s, &r->cap, r->n + 1, sizeof *r->s);
    if (!p) return IFM_ERR_NOMEM;
    r->s = p;
  }
  s = &r->s[r->n++];
  memset(s, 0, sizeof *s);
  s->ex = *req;
  memset(req, 0, sizeof *req);
  r->body_each = total / r->n;
  if (h2r_req_check(&s->ex, err, sizeof err) != 0) {
    h2r_stream_fail(s, err, 0);
    return IFM_ERR_INPUT;
  }
  return IFM_OK;
}

int ifm_h2race_fd(const ifm_h2race *r) {
  return r->state == H2R_DONE ? -1 : r->conn.fd;
}

short ifm_h2race_events(const ifm_h2race *r) {
  switch (r->state) {
  case H2R_CONNECT: return POLLOUT;
  case H2R_TLS: return ifm_tls_wants_write(r->conn.tls) ? POLLOUT : POLLIN;
  case H2R_H2: return (short)(POLLIN | (r->out.len || r->rel_off < r->rel.len || (r->conn.tls && ifm_tls_write_pending(r->conn.tls)) ? POLLOUT : 0));
  default: return 0;
  }
}

int ifm_h2race_timeout_ms(const ifm_h2race *r, double now) {
  double d;
  if (r->state == H2R_DONE) return -1;
  if (r->state == H2R_INIT) return 0;
  d = r->deadline;
  if (r->state < H2R_H2 && r->connect_deadline < d) d = r->connect_deadline;
  d -= now;
  return d <= 0 ? 0 : d > 1e9 ? 1000000000 : (int)d + 1;
}

int ifm_h2race_run(ifm_h2race *r, double deadline_ms) {
  double now = ifm_now_ms();
  while (!ifm_h2race_step(r, now)) {
    struct pollfd p;
    int t = ifm_h2race_timeout_ms(r, now);
    now = ifm_now_ms();
    if (deadline_ms > 0 && now >= deadline_ms) {
      race_end(r, "timed out: the run's deadline passed", 1);
      return IFM_ERR_TIMEOUT;
    }
    if (deadline_ms > 0 && (t < 0 || deadline_ms - now < t)) t = (int)(deadline_ms - now) + 1;
    p.fd = ifm_h2race_fd(r);
    p.events = ifm_h2race_events(r);
    p.revents = 0;
    poll(&p, 1, t);
    now = ifm_now_ms();
  }
  return IFM_OK;
}

size_t ifm_h2race_count(const ifm_h2race *r) {
  return r->n;
}

void ifm_h2race_take(ifm_h2race *r, size_t i, ifm_exchange *out) {
  h2r_stream *s;
  memset(out, 0, sizeof *out);
  if (i >= r->n) return;
  s = &r->s[i];
  if (s->ex.req_body) {
    s->ex.req_body_total = s->ex.req_body_len;
    s->ex.req_body_hash = ifm_hash64(s->ex.req_body, s->ex.req_body_len);
  } else {
    s->ex.req_payload_hash = 0;
  }
  if (!s->ex.resp_body && s->ex.method) {
    s->ex.resp_body_len = s->ex.resp_body_total = s->body.len;
    s->ex.resp_body_hash = ifm_hash64(s->body.p, s->body.len);
    s->ex.resp_payload_hash = s->ex.resp_body_hash;
    if (s->ex.extract) {
      size_t off = 0, len = 0;
      if (ifm_exchange_extract(s->ex.extract, s->body.p ? s->body.p : "", &off, &len) != 1) off = len = 0;
      s->ex.resp_payload_hash = ifm_hash64(s->body.p ? s->body.p + off : "", len);
    }
    s->ex.resp_body = s->body.p;
    memset(&s->body, 0, sizeof s->body);
  }
  *out = s->ex;
  memset(&s->ex, 0, sizeof s->ex);
}

const char *ifm_h2race_error(const ifm_h2race *r) {
  return r->error;
}

void ifm_h2race_stats_get(const ifm_h2race *r, ifm_h2race_stats *out) {
  *out = r->st;
}
