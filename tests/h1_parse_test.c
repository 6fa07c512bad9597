/* h1_parse_test.c: the HTTP/1.1 response parser (runner/exec/ifm_h1_parse.h).
 *
 * Every vector of the table is parsed whole and again fed 1, 2, 3 and 7
 * bytes at a time: the state, status, error, bytes used, keep-alive, fields
 * and body must be the same however the bytes were split. Expected values
 * come from RFC 9112 (framing 6.3, chunked 7.1, persistence 9.3) and
 * RFC 9110 (fields 5.5, 5.6.2; Content-Length 8.6). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_buf.h"
#include "ifm_exchange.h"
#include "ifm_h1_parse.h"
#include "ifm_test.h"

typedef struct res {
  ifm_h1_state st;
  int status, ka, head_done;
  size_t used;
  char err[512];
  ifm_exchange x;
} res;

/* Parses in[0..len) fed step bytes at a time (0: all at once), then the
 * close when eof; takes the response into r->x. */
static void run(const char *in, size_t len, int head, const ifm_h1_limits *lim, size_t step, int eof,
                res *r) {
  ifm_h1_parser *p = ifm_h1_parse_new(head, lim);
  size_t off = 0;
  memset(r, 0, sizeof *r);
  if (!p) abort();
  r->st = IFM_H1_MORE;
  while (off < len && r->st == IFM_H1_MORE) {
    size_t n = step && step < len - off ? step : len - off, u = 12345;
    r->st = ifm_h1_parse_feed(p, in + off, n, &u);
    if (u > n) abort();
    r->used += u;
    off += n;
  }
  if (eof && r->st == IFM_H1_MORE) r->st = ifm_h1_parse_eof(p);
  r->status = ifm_h1_parse_status(p);
  r->ka = ifm_h1_parse_keep_alive(p);
  r->head_done = ifm_h1_parse_head_done(p);
  if (ifm_h1_parse_error(p)) snprintf(r->err, sizeof r->err, "%s", ifm_h1_parse_error(p));
  if (ifm_h1_parse_take(p, &r->x) != 0) abort();
  ifm_h1_parse_free(p);
}

/* The two results are the same (the state, error, fields, body...). */
static void same(const res *a, const res *b) {
  size_t i;
  ASSERT_EQ(a->st, b->st);
  ASSERT_EQ(a->status, b->status);
  ASSERT_STREQ(a->err, b->err);
  ASSERT_EQ(a->ka, b->ka);
  ASSERT_EQ(a->head_done, b->head_done);
  if (a->st == IFM_H1_DONE) ASSERT_EQ(a->used, b->used);
  ASSERT_EQ(a->x.status, b->x.status);
  ASSERT_EQ(a->x.n_resp_headers, b->x.n_resp_headers);
  for (i = 0; i < a->x.n_resp_headers; i++) {
    ASSERT_STREQ(a->x.resp_headers[i].name, b->x.resp_headers[i].name);
    ASSERT_MEMEQ(a->x.resp_headers[i].value, a->x.resp_headers[i].value_len,
                 b->x.resp_headers[i].value, b->x.resp_headers[i].value_len);
  }
  ASSERT_MEMEQ(a->x.resp_body, a->x.resp_body_len, b->x.resp_body, b->x.resp_body_len);
}

typedef struct vec {
  const char *name, *in;
  size_t len;
  int head, eof;
  ifm_h1_state st;
  int status;
  const char *body;     /* expected body (DONE), NULL: not checked */
  const char *err;      /* a part of the expected error */
  long tail;            /* bytes left unused after DONE */
  int ka;
  int fields;           /* expected field count, -1: not checked */
} vec;

#define IN(s) s, sizeof(s) - 1
#define OK(name, s, head, eof, status, body, tail, ka, fields) \
  { name, IN(s), head, eof, IFM_H1_DONE, status, body, NULL, tail, ka, fields }
#define BAD(name, s, eof, err) { name, IN(s), 0, eof, IFM_H1_ERROR, -1, NULL, err, 0, 0, -1 }

static const vec vecs[] = {
  OK("content-length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nETag: \"a\"\r\n\r\nhello", 0, 0, 200, "hello",
     0, 1, 2),
  OK("content-length, next response pipelined",
     "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 204 No Content\r\n\r\n", 0, 0, 200, "ok", 27, 1, 1),
  OK("chunked, extensions, trailers",
     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=val;x\r\nhello\r\n6 ; y=\"q\"\r\n world\r\n"
     "0\r\nX-Trailer: t\r\nX-Other:\r\n\r\nNEXT", 0, 0, 200, "hello world", 4, 1, 1),
  OK("chunked, bare LF, gzip then chunked", "HTTP/1.1 200 OK\nTransfer-Encoding: gzip, chunked\n\n3\nabc\n0\n\n",
     0, 0, 200, "abc", 0, 1, 1),
  OK("chunked, hex in both cases, leading zeros",
     "HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n000A\r\n0123456789\r\na\r\nabcdefghij\r\n00\r\n\r\n",
     0, 0, 200, "0123456789abcdefghij", 0, 1, 1),
  OK("chunked over two Transfer-Encoding lines",
     "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked;p=1\r\n\r\n1\r\nx\r\n0\r\n\r\n",
     0, 0, 200, "x", 0, 1, 2),
  OK("until the close", "HTTP/1.1 200 OK\r\n\r\nuntil close", 0, 1, 200, "until close", 0, 0, 0),
  OK("until the close, empty", "HTTP/1.1 200 OK\r\n\r\n", 0, 1, 200, "", 0, 0, 0),
  OK("Transfer-Encoding without chunked last: until the close",
     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n5\r\nhello", 0, 1, 200, "5\r\nhello", 0, 0, 1),
  OK("Transfer-Encoding and Content-Length: TE wins",
     "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n", 0, 0,
     200, "ab", 0, 1, 2),
  OK("Transfer-Encoding and an invalid Content-Length: TE wins",
     "HTTP/1.1 200 OK\r\nContent-Length: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 0, 0, 200, "", 0, 1, 2),
  OK("HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", 1, 0, 200, "", 0, 1, 1),
  OK("HEAD, invalid Content-Length ignored", "HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n", 1, 0, 200, "", 0,
     1, 1),
  OK("HEAD with chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nNEXT", 1, 0, 200, "", 4, 1, 1),
  OK("204 with Content-Length", "HTTP/1.1 204 No Content\r\nContent-Length: 3\r\n\r\nabc", 0, 0, 204, "", 3, 1, 1),
  OK("304", "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nContent-Length: 7\r\n\r\n", 0, 0, 304, "", 0, 1, 2),
  OK("100 then 200", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 0, 0, 200,
     "ok", 0, 1, 1),
  OK("103 then 204",
     "HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\nHTTP/1.1 204 No Content\r\nETag: \"x\"\r\n\r\n",
     0, 0, 204, "", 0, 1, 1),
  OK("two 100s then 412",
     "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 412 Precondition Failed\r\n"
     "Content-Length: 0\r\n\r\n", 0, 0, 412, "", 0, 1, 1),
  OK("101 ends the parse",
     "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\nPRI * HTTP/2.0", 0, 0, 101, "",
     14, 0, 2),
  OK("HTTP/1.0: closes", "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx", 0, 0, 200, "x", 0, 0, 1),
  OK("HTTP/1.0 keep-alive", "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 1\r\n\r\nx", 0, 0, 200,
     "x", 0, 1, 2),
  OK("HTTP/1.0 keep-alive with Transfer-Encoding",
     "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 0, 0, 200, "", 0,
     0, 2),
  OK("Connection: close", "HTTP/1.1 200 OK\r\nConnection: foo, Close\r\nContent-Length: 0\r\n\r\n", 0, 0, 200, "",
     0, 0, 2),
  OK("HTTP/1.9 is 1.x", "HTTP/1.9 200 OK\r\nContent-Length: 0\r\n\r\n", 0, 0, 200, "", 0, 1, 1),
  OK("no reason, no space", "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", 0, 0, 200, "", 0, 1, 1),
  OK("empty reason", "HTTP/1.1 412 \r\nContent-Length: 0\r\n\r\n", 0, 0, 412, "", 0, 1, 1),
  OK("obs-text and tabs in the reason", "HTTP/1.1 200 \xc3\xa9t\xe9\t!\r\nContent-Length: 0\r\n\r\n", 0, 0, 200, "",
     0, 1, 1),
  OK("status 600 kept", "HTTP/1.1 600 Odd\r\nContent-Length: 0\r\n\r\n", 0, 0, 600, "", 0, 1, 1),
  OK("Content-Length list of equal values", "HTTP/1.1 200 OK\r\nContent-Length: 3 , 3\r\nContent-Length: 3\r\n\r\nabc",
     0, 0, 200, "abc", 0, 1, 2),
  OK("Content-Length 0", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nmore", 0, 0, 200, "", 4, 1, 1),
  OK("values: OWS trimmed, empty, other controls kept",
     "HTTP/1.1 200 OK\r\nA:  x y \t\r\nB:\r\nC: \x01\x7f\xff\r\nContent-Length: 0\r\n\r\n", 0, 0, 200, "", 0, 1, 4),
  OK("a NUL in the body", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\na\0b", 0, 0, 200, NULL, 0, 1, 1),

  BAD("version 2.0", "HTTP/2.0 200 OK\r\n\r\n", 0, "status line: version 'HTTP/2.0' is not HTTP/1.x"),
  BAD("version 2", "HTTP/2 200 OK\r\n\r\n", 0, "status line: version 'HTTP/2' is not HTTP/1.x"),
  BAD("version 1.10", "HTTP/1.10 200 OK\r\n\r\n", 0, "status line: version 'HTTP/1.10' is not HTTP/1.x"),
  BAD("not HTTP", "SIP/2.0 200 OK\r\n\r\n", 0, "status line: 'SIP/2.0 200 OK' does not start with HTTP/"),
  BAD("lower-case http", "http/1.1 200 OK\r\n\r\n", 0, "does not start with HTTP/"),
  BAD("an empty line first", "\r\nHTTP/1.1 200 OK\r\n\r\n", 0, "status line: an empty line"),
  BAD("two-digit status", "HTTP/1.1 20 OK\r\n\r\n", 0, "status line: status code '20' is not 3 digits"),
  BAD("four-digit status", "HTTP/1.1 2000 OK\r\n\r\n", 0, "status line: status code '2000' is not 3 digits"),
  BAD("no status", "HTTP/1.1\r\n\r\n", 0, "status line: status code '' is not 3 digits"),
  BAD("status below 100", "HTTP/1.1 099 Low\r\n\r\n", 0, "status line: status code '099' is below 100"),
  BAD("control in the reason", "HTTP/1.1 200 O\x01K\r\n\r\n", 0, "control character 0x01 in the reason phrase"),
  BAD("bare CR in the reason", "HTTP/1.1 200 O\rK\r\n\r\n", 0, "control character 0x0d in the reason phrase"),
  BAD("obs-fold", "HTTP/1.1 200 OK\r\nA: b\r\n  c\r\n\r\n", 0, "field line 2: starts with whitespace (obs-fold"),
  BAD("whitespace before the first field", "HTTP/1.1 200 OK\r\n\tA: b\r\n\r\n", 0, "field line 1: starts with"),
  BAD("no colon", "HTTP/1.1 200 OK\r\nNoColonHere\r\n\r\n", 0, "field line 1: no colon in 'NoColonHere'"),
  BAD("empty name", "HTTP/1.1 200 OK\r\n: v\r\n\r\n", 0, "field line 1: empty field name"),
  BAD("space before the colon", "HTTP/1.1 200 OK\r\nETag : \"a\"\r\n\r\n", 0,
      "field line 1: character 0x20 in the field name 'ETag '"),
  BAD("a NUL in a value", "HTTP/1.1 200 OK\r\nETag: \"a\0b\"\r\n\r\n", 0, "field 'ETag': NUL in the value"),
  BAD("a CR in a value", "HTTP/1.1 200 OK\r\nETag: \"a\rb\"\r\n\r\n", 0, "field 'ETag': CR in the value"),
  BAD("Content-Length not a number", "HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n", 0,
      "Content-Length: '1e3' is not a number"),
  BAD("Content-Length negative", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 0, "'-1' is not a number"),
  BAD("Content-Length empty", "HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", 0, "an empty value is not a number"),
  BAD("Content-Length list with a hole", "HTTP/1.1 200 OK\r\nContent-Length: 3,,3\r\n\r\nabc", 0,
      "an empty value is not a number"),
  BAD("Content-Length list of different values", "HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\n", 0,
      "Content-Length: different values 5 and 6"),
  BAD("two different Content-Length fields", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 50\r\n\r\n",
      0, "Content-Length: different values 5 and 50"),
  BAD("Content-Length too large", "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", 0,
      "Content-Length: '99999999999999999999999' is too large"),
  BAD("chunk size not hex", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 0,
      "chunk size line: not hexadecimal ('zz')"),
  BAD("chunk size empty", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", 0,
      "chunk size line: not hexadecimal"),
  BAD("chunk size with junk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5x\r\nhello\r\n0\r\n\r\n", 0,
      "chunk size line: not hexadecimal ('5x')"),
  BAD("chunk size overflows", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n", 0,
      "chunk size line: size '10000000000000000' is too large"),
  BAD("chunk size at the 64-bit edge", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n",
      0, "body: a chunk of 18446744073709551615 bytes after 0 is over the limit of 67108864 bytes (max_body)"),
  BAD("CR in a chunk extension", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;a\rb\r\nx\r\n0\r\n\r\n", 0,
      "chunk size line: CR in a chunk extension"),
  BAD("chunk data without its CRLF", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n0\r\n\r\n",
      0, "chunk data: not followed by CRLF (0x58 after 5 body bytes)"),
  BAD("chunk data, CR then not LF", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\r\n0\r\n\r\n", 0,
      "chunk data: not followed by CRLF (0x0d after 1 body bytes)"),
  BAD("trailer without colon", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\r\n\r\n", 0,
      "trailer field line 1: no colon"),
  BAD("trailer obs-fold", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: b\r\n c\r\n\r\n", 0,
      "trailer field line 2: starts with whitespace"),
  BAD("interim response fields are checked too", "HTTP/1.1 100 Continue\r\nBad\r\n\r\n", 0,
      "field line 1: no colon in 'Bad'"),
  BAD("closed before a response", "", 1, "connection closed before a response"),
  BAD("closed in the status line", "HTTP/1.1 2", 1, "connection closed after 10 bytes of the head"),
  BAD("closed in the fields", "HTTP/1.1 200 OK\r\nETag: \"a\"\r\n", 1, "connection closed after 28 bytes of the head"),
  BAD("closed in a Content-Length body", "HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n0123456789ab", 1,
      "connection closed after 12 of 40 body bytes"),
  BAD("closed in a chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n5\r\nab", 1,
      "connection closed in a chunked body after 5 body bytes"),
  BAD("closed before the last chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n", 1,
      "connection closed in a chunked body after 3 body bytes"),
  BAD("closed in the trailers", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\nA: b\r\n", 1,
      "connection closed in the trailer section of a chunked body of 1 bytes"),
  BAD("closed after an interim response", "HTTP/1.1 100 Continue\r\n\r\n", 1,
      "connection closed after 1 interim response, before the final one"),
  BAD("garbage", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\n", 0, "does not start with HTTP/"),
};

static void check_vec(const vec *v) {
  static const size_t steps[] = {1, 2, 3, 7};
  res whole, split;
  size_t i;
  printf("# %s\n", v->name);
  run(v->in, v->len, v->head, NULL, 0, v->eof, &whole);
  ASSERT_EQ(whole.st, v->st);
  if (v->st == IFM_H1_ERROR) {
    ASSERT_CONTAINS(whole.err, v->err);
    ASSERT(!strchr(whole.err, '\n'));
    ASSERT_EQ(whole.ka, 0);
  } else {
    ASSERT_STREQ(whole.err, "");
    ASSERT_EQ(whole.status, v->status);
    ASSERT_EQ(whole.x.status, v->status);
    ASSERT_EQ(whole.head_done, 1);
    ASSERT_EQ(whole.used, v->len - (size_t)v->tail);
    ASSERT_EQ(whole.ka, v->ka);
    if (v->body) ASSERT_MEMEQ(whole.x.resp_body, whole.x.resp_body_len, v->body, strlen(v->body));
    if (v->fields >= 0) ASSERT_EQ(whole.x.n_resp_headers, v->fields);
  }
  ASSERT(whole.x.resp_body != NULL);
  ASSERT_EQ(whole.x.resp_body[whole.x.resp_body_len], '\0');
  ASSERT_EQ(whole.x.resp_body_total, whole.x.resp_body_len);
  for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
    run(v->in, v->len, v->head, NULL, steps[i], v->eof, &split);
    same(&whole, &split);
    ifm_exchange_clear(&split.x);
    if (ifm_test_failed_) printf("# ... fed %zu bytes at a time\n", steps[i]);
    IFM_TEST_BAIL_IF_FAILED();
  }
  ifm_exchange_clear(&whole.x);
}

static void test_vectors(void) {
  size_t i;
  for (i = 0; i < sizeof vecs / sizeof vecs[0]; i++) {
    check_vec(&vecs[i]);
    if (ifm_test_failed_) printf("# vector '%s'\n", vecs[i].name);
    IFM_TEST_BAIL_IF_FAILED();
  }
}

/* Fields come in order, names as received, values without OWS. */
static void test_fields_taken(void) {
  static const char in[] = "HTTP/1.1 200 OK\r\nETag:  \"v1\" \r\nx-a: 1\r\nX-A: 2\r\nContent-Length: 2\r\n\r\nhi";
  res r;
  run(in, sizeof in - 1, 0, NULL, 0, 0, &r);
  ASSERT_EQ(r.st, IFM_H1_DONE);
  ASSERT_EQ(r.x.n_resp_headers, 4);
  ASSERT_STREQ(r.x.resp_headers[0].name, "ETag");
  ASSERT_STREQ(r.x.resp_headers[0].value, "\"v1\"");
  ASSERT_EQ(r.x.resp_headers[0].value_len, 4);
  ASSERT_STREQ(r.x.resp_headers[1].name, "x-a");
  ASSERT_STREQ(r.x.resp_headers[2].name, "X-A");
  ASSERT_STREQ(r.x.resp_headers[2].value, "2");
  ASSERT_STREQ(ifm_exchange_resp_header(&r.x, "etag")->value, "\"v1\"");
  ASSERT_STREQ(r.x.resp_body, "hi");
  ASSERT_EQ(r.x.resp_body_len, 2);
  ASSERT_EQ(r.x.resp_body_total, 2);
  ASSERT_EQ(r.x.resp_body_hash, ifm_hash64("hi", 2));
  ifm_exchange_clear(&r.x);
}

/* take frees what the exchange held, works after an error (what was read),
 * and a second take gives nothing. */
static void test_take(void) {
  static const char in[] = "HTTP/1.1 200 OK\r\nETag: \"a\"\r\nContent-Length: 9\r\n\r\nabc";
  ifm_h1_parser *p = ifm_h1_parse_new(0, NULL);
  ifm_exchange x;
  size_t used;
  memset(&x, 0, sizeof x);
  ASSERT(p);
  ASSERT_EQ(ifm_field_append(&x.resp_headers, &x.n_resp_headers, "Old", "v", 1), 0);
  x.resp_body = strdup("old body");
  x.resp_body_len = x.resp_body_total = 8;
  ASSERT_EQ(ifm_h1_parse_take(p, &x), 0);   /* before anything: empty */
  ASSERT_EQ(x.status, 0);
  ASSERT_EQ(x.n_resp_headers, 0);
  ASSERT_STREQ(x.resp_body, "");
  ASSERT_EQ(ifm_h1_parse_feed(p, in, sizeof in - 1, &used), IFM_H1_MORE);
  ASSERT_EQ(used, sizeof in - 1);
  ASSERT_EQ(ifm_h1_parse_eof(p), IFM_H1_ERROR);
  ASSERT_STREQ(ifm_h1_parse_error(p), "connection closed after 3 of 9 body bytes");
  ASSERT_EQ(ifm_h1_parse_eof(p), IFM_H1_ERROR);
  ASSERT_EQ(ifm_h1_parse_feed(p, "xyz", 3, &used), IFM_H1_ERROR);
  ASSERT_EQ(used, 0);
  ASSERT_EQ(ifm_h1_parse_take(p, &x), 0);
  ASSERT_EQ(x.status, 200);
  ASSERT_EQ(x.n_resp_headers, 2);
  ASSERT_STREQ(x.resp_body, "abc");
  ASSERT_EQ(ifm_h1_parse_take(p, &x), 0);
  ASSERT_EQ(x.n_resp_headers, 0);
  ASSERT_EQ(x.resp_body_len, 0);
  ifm_h1_parse_free(p);
  ifm_exchange_clear(&x);
  ifm_h1_parse_free(NULL);
}

/* After DONE: nothing more is used, the state stays, eof changes nothing. */
static void test_done_sticks(void) {
  static const char in[] = "HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\n";
  ifm_h1_parser *p = ifm_h1_parse_new(0, NULL);
  size_t used;
  ASSERT(p);
  ASSERT_EQ(ifm_h1_parse_status(p), 0);
  ASSERT_EQ(ifm_h1_parse_head_done(p), 0);
  ASSERT(ifm_h1_parse_error(p) == NULL);
  ASSERT_EQ(ifm_h1_parse_keep_alive(p), 0);
  ASSERT_EQ(ifm_h1_parse_feed(p, in, 0, &used), IFM_H1_MORE);
  ASSERT_EQ(used, 0);
  ASSERT_EQ(ifm_h1_parse_feed(p, in, sizeof in - 1, &used), IFM_H1_DONE);
  ASSERT_EQ(used, 27);
  ASSERT_EQ(ifm_h1_parse_feed(p, in + used, sizeof in - 1 - used, &used), IFM_H1_DONE);
  ASSERT_EQ(used, 0);
  ASSERT_EQ(ifm_h1_parse_feed(p, in, 5, NULL), IFM_H1_DONE);
  ASSERT_EQ(ifm_h1_parse_eof(p), IFM_H1_DONE);
  ASSERT_EQ(ifm_h1_parse_status(p), 204);
  ASSERT_EQ(ifm_h1_parse_keep_alive(p), 1);
  ifm_h1_parse_free(p);
}

/* A pipeline: each response parsed by its own parser from the leftover. */
static void test_pipeline(void) {
  static const char in[] =
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na"
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nb\r\n0\r\n\r\n"
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 412 Precondition Failed\r\nContent-Length: 1\r\n\r\nc"
      "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nd";
  static const char bodies[] = "abcd";
  static const int statuses[] = {200, 200, 412, 200};
  size_t off = 0, i;
  for (i = 0; i < 4; i++) {
    ifm_h1_parser *p = ifm_h1_parse_new(0, NULL);
    ifm_exchange x;
    size_t used;
    ifm_h1_state st;
    memset(&x, 0, sizeof x);
    ASSERT(p);
    st = ifm_h1_parse_feed(p, in + off, sizeof in - 1 - off, &used);
    if (i == 3) {
      ASSERT_EQ(st, IFM_H1_MORE);
      st = ifm_h1_parse_eof(p);
      ASSERT_EQ(ifm_h1_parse_keep_alive(p), 0);
    } else {
      ASSERT_EQ(ifm_h1_parse_keep_alive(p), 1);
    }
    ASSERT_EQ(st, IFM_H1_DONE);
    ASSERT_EQ(ifm_h1_parse_status(p), statuses[i]);
    ASSERT_EQ(ifm_h1_parse_take(p, &x), 0);
    ASSERT_MEMEQ(x.resp_body, x.resp_body_len, bodies + i, 1);
    ifm_exchange_clear(&x);
    ifm_h1_parse_free(p);
    off += used;
  }
  ASSERT_EQ(off, sizeof in - 1);
}

/* Each limit: just at it passes, one past it fails with a message naming
 * it; the same fed a byte at a time. */
static void limit_case(const char *in, size_t len, const ifm_h1_limits *lim, int eof, const char *err) {
  res whole, bytes;
  run(in, len, 0, lim, 0, eof, &whole);
  run(in, len, 0, lim, 1, eof, &bytes);
  same(&whole, &bytes);
  if (err) {
    ASSERT_EQ(whole.st, IFM_H1_ERROR);
    ASSERT_STREQ(whole.err, err);
  } else {
    ASSERT_EQ(whole.st, IFM_H1_DONE);
  }
  ifm_exchange_clear(&whole.x);
  ifm_exchange_clear(&bytes.x);
}

static void test_limits(void) {
  static const char head[] = "HTTP/1.1 200 OK\r\nA: b\r\nContent-Length: 0\r\n\r\n";   /* 44 bytes */
  static const char three[] = "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
  static const char cl[] = "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world";
  static const char close_body[] = "HTTP/1.1 200 OK\r\n\r\nhello world";
  static const char chunked[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                "6\r\nhello \r\n5\r\nworld\r\n0\r\nT: 12345\r\n\r\n";
  static const char ext[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                            "1;aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\nx\r\n";
  ifm_h1_limits lim = {44, 0, 0};
  size_t i;
  char *big;
  limit_case(head, sizeof head - 1, &lim, 0, NULL);
  lim.max_head = 43;
  limit_case(head, sizeof head - 1, &lim, 0, "head: over the limit of 43 bytes (max_head)");
  lim.max_head = 10;   /* in the status line */
  limit_case(head, sizeof head - 1, &lim, 0, "head: over the limit of 10 bytes (max_head)");
  lim = (ifm_h1_limits){0, 3, 0};
  limit_case(three, sizeof three - 1, &lim, 1, NULL);
  lim.max_fields = 2;
  limit_case(three, sizeof three - 1, &lim, 1, "fields: more than 2 field lines (max_fields)");
  lim = (ifm_h1_limits){0, 0, 11};
  limit_case(cl, sizeof cl - 1, &lim, 0, NULL);
  limit_case(close_body, sizeof close_body - 1, &lim, 1, NULL);
  limit_case(chunked, sizeof chunked - 1, &lim, 0, NULL);
  lim.max_body = 10;
  limit_case(cl, sizeof cl - 1, &lim, 0, "body: Content-Length 11 is over the limit of 10 bytes (max_body)");
  limit_case(close_body, sizeof close_body - 1, &lim, 1, "body: over the limit of 10 bytes (max_body)");
  limit_case(chunked, sizeof chunked - 1, &lim, 0,
             "body: a chunk of 5 bytes after 6 is over the limit of 10 bytes (max_body)");
  lim = (ifm_h1_limits){60, 0, 0};   /* a chunk size line, a trailer section */
  limit_case(chunked, sizeof chunked - 1, &lim, 0, NULL);
  limit_case(ext, sizeof ext - 1, &lim, 1, "chunk size line: over the limit of 60 bytes (max_head)");
  lim.max_head = 64;   /* the chunk size line is 64 bytes */
  limit_case(ext, sizeof ext - 1, &lim, 1, "connection closed in a chunked body after 1 body bytes");
  lim.max_head = 47;
  limit_case(chunked, sizeof chunked - 1, &lim, 0, NULL);
  lim.max_head = 46;
  limit_case(chunked, sizeof chunked - 1, &lim, 0, "head: over the limit of 46 bytes (max_head)");
  lim.max_head = 47;
  {
    /* a trailer section of 49 bytes (47 and the empty line): one too many for 48 */
    static const char tr[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"
                             "T: 123456789012345678901234567890123456789012\r\n\r\n";
    lim.max_head = 48;
    limit_case(tr, sizeof tr - 1, &lim, 0, "trailer: over the limit of 48 bytes (max_head)");
    lim.max_head = 49;
    limit_case(tr, sizeof tr - 1, &lim, 0, NULL);
  }
  /* The defaults: a 64 KiB head passes, one byte more does not. */
  big = malloc(70000);
  ASSERT(big);
  memcpy(big, "HTTP/1.1 200 OK\r\nX: ", 20);
  for (i = 20; i < 65536 - 4; i++) big[i] = 'v';
  memcpy(big + i, "\r\n\r\n", 4);
  limit_case(big, 65536, NULL, 1, NULL);
  memcpy(big + i, "v\r\n\r\n", 5);
  limit_case(big, 65537, NULL, 1, "head: over the limit of 65536 bytes (max_head)");
  free(big);
}

/* 10,000 field lines (the default cap) fed a byte at a time: linear. */
static void test_many_fields(void) {
  ifm_buf b = IFM_BUF_INIT;
  res whole, bytes;
  int i;
  ifm_h1_limits lim = {1 << 20, 0, 0};
  ASSERT_EQ(ifm_buf_puts(&b, "HTTP/1.1 200 OK\r\n"), 0);
  for (i = 0; i < 9999; i++) ASSERT_EQ(ifm_buf_printf(&b, "F%d: %d\r\n", i, i), 0);
  ASSERT_EQ(ifm_buf_puts(&b, "Content-Length: 0\r\n\r\n"), 0);
  run(b.p, b.len, 0, &lim, 0, 0, &whole);
  run(b.p, b.len, 0, &lim, 1, 0, &bytes);
  ASSERT_EQ(whole.st, IFM_H1_DONE);
  ASSERT_EQ(whole.x.n_resp_headers, 10000);
  ASSERT_EQ(whole.used, b.len);
  ASSERT_STREQ(whole.x.resp_headers[9998].name, "F9998");
  same(&whole, &bytes);
  ifm_exchange_clear(&whole.x);
  ifm_exchange_clear(&bytes.x);
  ASSERT_EQ(ifm_buf_puts(&b, ""), 0);
  b.len -= 21;
  ASSERT_EQ(ifm_buf_puts(&b, "A: b\r\nB: c\r\n\r\n"), 0);
  run(b.p, b.len, 0, &lim, 0, 1, &whole);
  ASSERT_STREQ(whole.err, "fields: more than 10000 field lines (max_fields)");
  ASSERT_EQ(whole.x.n_resp_headers, 10000);   /* what was read before it */
  ifm_exchange_clear(&whole.x);
  ifm_buf_clear(&b);
}

IFM_TEST_MAIN(TEST(test_vectors), TEST(test_fields_taken), TEST(test_take), TEST(test_done_sticks),
              TEST(test_pipeline), TEST(test_limits), TEST(test_many_fields))
