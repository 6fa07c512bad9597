/* ifm_h2_race_cb.c: the HTTP/2 release engine's side of nghttp2 (see
 * ifm_h2_race.c): the session and its callbacks. The data provider hands
 * out a body but its last byte and then defers (NGHTTP2_ERR_DEFERRED) until
 * the stream is released; the others fill each stream's exchange as the
 * response arrives (RFC 9113 8.1: interim 1xx HEADERS, the final HEADERS,
 * DATA, trailers) and note the SETTINGS, their ACK, the PING ACK and a
 * GOAWAY, which the driving side waits for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_buf.h"
#include "ifm_exec.h"
#include "ifm_h2_race_int.h"


void h2r_stream_fail(h2r_stream *s, const char *why, int timed_out) {
  if (s->closed) return;
  s->closed = 1;
  s->ex.t_done = ifm_now_ms();
  if (!s->ex.error) {
    s->ex.error = ifm_strdup(why);
    s->ex.timed_out = timed_out;
  }
}

/* ---- nghttp2 callbacks ---------------------------------------------- */

/* The body, holding back its last byte (or, when empty, the END_STREAM
 * flag) until the release. */
ssize_t h2r_body_read_cb(nghttp2_session *ss, int32_t id, uint8_t *buf, size_t len,
                         uint32_t *flags, nghttp2_data_source *src, void *ud) {
  h2r_stream *s = src->ptr;
  size_t total = s->ex.req_body_len, left = total - s->sent, n;
  if (!s->released) {
    if (left <= 1) {
      s->held = 1;
      return NGHTTP2_ERR_DEFERRED;
    }
    n = left - 1 < len ? left - 1 : len;
  } else {
    n = left < len ? left : len;
  }
  if (n) memcpy(buf, s->ex.req_body + s->sent, n);
  s->sent += n;
  if (s->released && s->sent == total) *flags |= NGHTTP2_DATA_FLAG_EOF;
  return (ssize_t)n;
}

static int frame_send_cb(nghttp2_session *ss, const nghttp2_frame *f, void *ud) {
  ifm_h2race *r = ud;
  h2r_stream *s;
  if (f->hd.type == NGHTTP2_HEADERS && (s = h2r_stream_of(r, f->hd.stream_id)) != NULL) {
    s->id = f->hd.stream_id;
    s->ex.t_start = ifm_now_ms();
    r->st.streams_sent++;
  }
  return 0;
}

static int frame_not_send_cb(nghttp2_session *ss, const nghttp2_frame *f, int code, void *ud) {
  h2r_stream *s = h2r_stream_of(ud, f->hd.stream_id);
  char why[160];
  if (s && f->hd.type == NGHTTP2_HEADERS) {
    snprintf(why, sizeof why, "HTTP/2: the request could not be sent: %s", nghttp2_strerror(code));
    h2r_stream_fail(s, why, 0);
  }
  return 0;
}

static int frame_recv_cb(nghttp2_session *ss, const nghttp2_frame *f, void *ud) {
  ifm_h2race *r = ud;
  if (f->hd.type == NGHTTP2_SETTINGS) {
    if (f->hd.flags & NGHTTP2_FLAG_ACK) r->settings_acked = 1;
    else r->got_settings = 1;
  } else if (f->hd.type == NGHTTP2_PING && (f->hd.flags & NGHTTP2_FLAG_ACK)) {
    r->ping_acked = 1;
  } else if (f->hd.type == NGHTTP2_GOAWAY && !r->goaway) {
    ifm_buf m = IFM_BUF_INIT;
    size_t dl = f->goaway.opaque_data_len, k;
    ifm_buf_printf(&m, "GOAWAY from the server: %s (%u), last stream %d",
                   nghttp2_http2_strerror(f->goaway.error_code), f->goaway.error_code,
                   (int)f->goaway.last_stream_id);
    if (dl) {
      ifm_buf_puts(&m, ": ");
      for (k = 0; k < dl && k < 120; k++) {
        unsigned char c = f->goaway.opaque_data[k];
        ifm_buf_putc(&m, c >= 0x20 && c < 0x7f ? (char)c : '?');
      }
    }
    r->goaway = ifm_buf_detach(&m);
    r->goaway_last = f->goaway.last_stream_id;
  }
  return 0;
}

static int begin_headers_cb(nghttp2_session *ss, const nghttp2_frame *f, void *ud) {
  h2r_stream *s = h2r_stream_of(ud, f->hd.stream_id);
  size_t i;
  if (!s || f->hd.type != NGHTTP2_HEADERS) return 0;
  if (s->ex.t_first_byte == 0) s->ex.t_first_byte = ifm_now_ms();
  if (s->ex.status >= 100 && s->ex.status < 200) {   /* an interim response: the final one replaces it */
    for (i = 0; i < s->ex.n_resp_headers; i++) {
      free(s->ex.resp_headers[i].name);
      free(s->ex.resp_headers[i].value);
    }
    s->ex.n_resp_headers = 0;
    s->ex.status = 0;
  }
  return 0;
}

static int header_cb(nghttp2_session *ss, const nghttp2_frame *f, const uint8_t *name, size_t name_len,
                     const uint8_t *value, size_t value_len, uint8_t flags, void *ud) {
  h2r_stream *s = h2r_stream_of(ud, f->hd.stream_id);
  if (!s) return 0;
  if (name_len == 7 && memcmp(name, ":status", 7) == 0) {
    s->ex.status = value_len == 3 ? atoi((const char *)value) : 0;
    return 0;
  }
  if (name_len && name[0] == ':') return 0;
  if (++s->fields > IFM_H2RACE_MAX_FIELDS) {
    h2r_stream_fail(s, "HTTP/2: the response has more than 10000 fields: cut", 0);
    return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;      /* resets the stream */
  }
  if (ifm_field_append(&s->ex.resp_headers, &s->ex.n_resp_headers, (const char *)name,
                       (const char *)value, value_len) != 0) {
    h2r_stream_fail(s, "out of memory", 0);
    return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
  }
  return 0;
}

static int data_chunk_cb(nghttp2_session *ss, uint8_t flags, int32_t id, const uint8_t *data,
                         size_t len, void *ud) {
  ifm_h2race *r = ud;
  h2r_stream *s = h2r_stream_of(r, id);
  char why[120];
  if (!s || s->closed) return 0;
  if (s->body.len + len > r->body_each) {
    snprintf(why, sizeof why, "HTTP/2: the response body is over %zu bytes: cut", r->body_each);
    h2r_stream_fail(s, why, 0);
    nghttp2_submit_rst_stream(ss, NGHTTP2_FLAG_NONE, id, NGHTTP2_CANCEL);
    return 0;
  }
  if (ifm_buf_append(&s->body, data, len) != 0) {
    h2r_stream_fail(s, "out of memory", 0);
    nghttp2_submit_rst_stream(ss, NGHTTP2_FLAG_NONE, id, NGHTTP2_CANCEL);
  }
  return 0;
}

static int stream_close_cb(nghttp2_session *ss, int32_t id, uint32_t code, void *ud) {
  ifm_h2race *r = ud;
  h2r_stream *s = h2r_stream_of(r, id);
  char why[200];
  if (!s || s->closed) return 0;
  if (r->goaway && id > r->goaway_last) {
    h2r_stream_fail(s, r->goaway, 0);
  } else if (code != NGHTTP2_NO_ERROR) {
    snprintf(why, sizeof why, "HTTP/2: stream reset: RST_STREAM %s (%u)", nghttp2_http2_strerror(code), code);
    h2r_stream_fail(s, why, 0);
  } else if (s->ex.status < 200) {
    h2r_stream_fail(s, "HTTP/2: the stream closed without a final response", 0);
  } else {
    s->closed = 1;
    s->ex.t_done = ifm_now_ms();
  }
  return 0;
}

/* ---- the session ------------------------------------------------------ */

int h2r_session_start(ifm_h2race *r) {
  nghttp2_session_callbacks *cb;
  nghttp2_settings_entry set[] = {{NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
                                  {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 1 << 20}};
  int rc;
  if (nghttp2_session_callbacks_new(&cb) != 0) return -1;
  nghttp2_session_callbacks_set_on_frame_send_callback(cb, frame_send_cb);
  nghttp2_session_callbacks_set_on_frame_not_send_callback(cb, frame_not_send_cb);
  nghttp2_session_callbacks_set_on_frame_recv_callback(cb, frame_recv_cb);
  nghttp2_session_callbacks_set_on_begin_headers_callback(cb, begin_headers_cb);
  nghttp2_session_callbacks_set_on_header_callback(cb, header_cb);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, data_chunk_cb);
  nghttp2_session_callbacks_set_on_stream_close_callback(cb, stream_close_cb);
  rc = nghttp2_session_client_new(&r->session, cb, r);
  nghttp2_session_callbacks_del(cb);
  if (rc != 0) return -1;
  /* The client preface (RFC 9113 3.4) goes out with the first mem_send. */
  if (nghttp2_submit_settings(r->session, NGHTTP2_FLAG_NONE, set, sizeof set / sizeof *set) != 0 ||
      nghttp2_session_set_local_window_size(r->session, NGHTTP2_FLAG_NONE, 0, 1 << 24) != 0)
    return -1;
  r->state = H2R_H2;
  return 0;
}
