/* report_test.c: unit tests for reports/: the results model, the escaping
 * table the writers share (ifm_escape) and the four writers (TAP, JUnit XML,
 * JSON, HTML).
 *
 * Reports are built in memory with the data a hostile or broken server can
 * send (NUL in a header value, control bytes, invalid UTF-8, "]]>", "--",
 * '#' and newlines in titles) and written to memory with open_memstream. The
 * expected strings come from the format specifications (TAP 14, XML 1.0, RFC
 * 8259, YAML 1.2 double-quoted escapes), worked out by hand, not copied from
 * output. A seeded random test checks the invariants every writer promises:
 * valid UTF-8 and no control character a format cannot carry.
 *
 * With IFM_REPORT_OUT set to a directory, test_write_samples also writes
 * sample.{tap,xml,json,html} from the nastiest report, empty.* from an empty
 * one and random-NN.* from seeded random ones, for report_validate_test.sh to
 * feed to real parsers.
 */
#include "ifm_test.h"
#include "ifm_reports.h"
#include "ifm_escape.h"

#include <errno.h>
#include <math.h>

typedef int (*writer_fn)(const ifm_report *, FILE *);

static char *dup_str(const char *s) {
  return s ? strdup(s) : NULL;
}

static char *dup_mem(const char *s, size_t n) {
  char *p = malloc(n + 1);
  if (p) {
    memcpy(p, s, n);
    p[n] = '\0';
  }
  return p;
}

/* Runs a writer into memory; NULL if it failed. The caller frees. */
static char *render(writer_fn w, const ifm_report *r, size_t *len) {
  char *buf = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&buf, &size);
  int rc;

  if (!f) return NULL;
  rc = w(r, f);
  fclose(f);
  if (rc != 0) {
    free(buf);
    return NULL;
  }
  if (len) *len = size;
  return buf;
}

/* Whether text holds line as a whole line. */
static int has_line(const char *text, const char *line) {
  size_t n = strlen(line);
  const char *p = text;

  while ((p = strstr(p, line)) != NULL) {
    if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0')) return 1;
    p++;
  }
  return 0;
}

static size_t count_substr(const char *text, const char *needle) {
  size_t n = 0;
  const char *p = text;

  while ((p = strstr(p, needle)) != NULL) {
    n++;
    p += strlen(needle);
  }
  return n;
}

enum { ALLOW_TAB = 1, ALLOW_C1 = 2 };

/* Independent of ifm_escape: 0 when buf is strict UTF-8 whose only control
 * characters are LF (and TAB with ALLOW_TAB), with no DEL, surrogate, and
 * (unless ALLOW_C1, for JSON) no C1 control or U+FFFE/U+FFFF; else the
 * 1-based offset of the first problem. */
static size_t first_bad_byte(const char *buf, size_t len, int allow) {
  int allow_tab = allow & ALLOW_TAB;
  const unsigned char *s = (const unsigned char *)buf;
  size_t i = 0;

  while (i < len) {
    unsigned c = s[i];
    unsigned long cp;
    size_t n, k;

    if (c < 0x80) {
      if ((c < 0x20 && c != '\n' && !(allow_tab && c == '\t')) || c == 0x7f) return i + 1;
      i++;
      continue;
    }
    if (c >= 0xc2 && c <= 0xdf) n = 2;
    else if (c >= 0xe0 && c <= 0xef) n = 3;
    else if (c >= 0xf0 && c <= 0xf4) n = 4;
    else return i + 1;
    if (i + n > len) return i + 1;
    cp = c & (0xff >> (n + 1));
    for (k = 1; k < n; k++) {
      if ((s[i + k] & 0xc0) != 0x80) return i + 1;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff))) return i + 1;
    if (cp >= 0xd800 && cp <= 0xdfff) return i + 1;
    if (!(allow & ALLOW_C1) && (cp <= 0x9f || cp == 0xfffe || cp == 0xffff)) return i + 1;
    i += n;
  }
  return 0;
}

/* 0 when every '<' in text starts one of the tags (a NULL-terminated list of
 * prefixes such as "<testcase" or "</pre>") and every '&' one of the five XML
 * references or "&#39;"; else the 1-based offset of the first stray one. */
static size_t stray_markup(const char *text, const char *const *tags) {
  static const char *const refs[] = {"&lt;", "&gt;", "&amp;", "&quot;", "&apos;", "&#39;", NULL};
  const char *p;
  size_t k;

  for (p = text; *p; p++) {
    const char *const *list = *p == '<' ? tags : *p == '&' ? refs : NULL;

    if (!list) continue;
    for (k = 0; list[k]; k++)
      if (strncmp(p, list[k], strlen(list[k])) == 0) break;
    if (!list[k]) return (size_t)(p - text) + 1;
  }
  return 0;
}

static const char *const junit_tags[] = {
  "<?xml ", "<testsuites ", "</testsuites>", "<testsuite ", "</testsuite>",
  "<properties>", "</properties>", "<property ", "<testcase ", "</testcase>",
  "<failure ", "</failure>", "<error ", "</error>", "<skipped ", "<system-out>",
  "</system-out>", NULL
};

static const char *const html_tags[] = {
  "<!DOCTYPE html>", "<html ", "</html>", "<head>", "</head>", "<meta ", "<title>",
  "</title>", "<style>", "</style>", "<body>", "</body>", "<h1>", "</h1>", "<h4>",
  "</h4>", "<table ", "</table>", "<thead>", "</thead>", "<tbody>", "</tbody>",
  "<tr>", "<tr ", "</tr>", "<th>", "<th ", "</th>", "<td>", "<td ", "</td>", "<p>",
  "<p ", "</p>", "<div ", "</div>", "<code>", "</code>", "<pre>", "</pre>", "<dl>",
  "</dl>", "<dt>", "</dt>", "<dd>", "</dd>", "<details>", "</details>", "<summary>",
  "</summary>", "<span class=\"esc\">", "</span>", NULL
};

/* ---- building reports ------------------------------------------------ */

static ifm_result *add_case(ifm_report *r, const char *id, const char *req, const char *title,
                            const char *file, ifm_level level, ifm_verdict v, const char *msg) {
  ifm_result *res = ifm_report_add(r);

  if (!res) abort();
  res->case_id = dup_str(id);
  res->requirement = dup_str(req);
  res->title = dup_str(title);
  res->spec = dup_str(req ? "RFC 9110 13.1.1" : NULL);
  res->file = dup_str(file);
  res->level = level;
  res->verdict = v;
  res->message = dup_str(msg);
  return res;
}

static void add_header(ifm_field **f, size_t *n, const char *name, const char *v, size_t len) {
  if (ifm_field_append(f, n, name, v, len) != 0) abort();
}

static const char nasty_body[] =
  "]]> -- <!-- & 'q' \"d\" \xc3\xa9 \xe2\x88\x91 \xe2\x80\xa8 \xc2\x85 \xef\xbf\xbf\r\n";

/* Eight cases, one of each kind, full of bytes that break formats. */
static ifm_report *nasty_report(void) {
  ifm_report *r = ifm_report_new();
  ifm_result *res;
  ifm_exchange *x;
  char all[256], printable[256];
  int i;

  if (!r) abort();
  r->tool_version = dup_str("0.1.0");
  r->target = dup_str("http://127.0.0.1:8080/res?a=1&b=<2> \"q\"");
  r->profile = dup_str("strict");
  r->started_at = dup_str("2024-05-01T12:00:00Z");
  r->duration_ms = 1234.5678;

  res = add_case(r, "IM-BASIC-200", "IM-BASIC", "A matching strong tag allows the write",
                 "cases/basic.yaml", IFM_MUST, IFM_PASS, NULL);
  res->duration_ms = 1.5;
  x = ifm_result_add_exchange(res);
  x->step = 1;
  x->method = dup_str("PUT");
  x->url = dup_str("http://127.0.0.1:8080/r/0");
  x->status = 204;

  res = add_case(r, "IM-STALE-412-put", "IM-STALE-412", "A stale tag # is refused\nwith 412",
                 "cases/stale.yaml", IFM_MUST, IFM_FAIL, "expected status 412, got 200");
  res->expected = dup_str("412");
  res->got = dup_str("200 \x01\x7f");
  res->failed_step = 3;
  res->duration_ms = 12.3456;
  x = ifm_result_add_exchange(res);
  x->step = 3;
  x->method = dup_str("PUT");
  x->url = dup_str("http://127.0.0.1:8080/r/1");
  add_header(&x->req_headers, &x->n_req_headers, "If-Match", "\"v1\"", 4);
  add_header(&x->req_headers, &x->n_req_headers, "Content-Type", "text/plain", 10);
  x->req_body = dup_mem("v3", 2);
  x->req_body_len = x->req_body_total = 2;
  x->status = 200;
  add_header(&x->resp_headers, &x->n_resp_headers, "ETag", "\"v2\"", 4);
  add_header(&x->resp_headers, &x->n_resp_headers, "X-Nul", "a\0b", 3);
  add_header(&x->resp_headers, &x->n_resp_headers, "X-Bad", "\xff\xfe\xc3\x28", 4);
  add_header(&x->resp_headers, &x->n_resp_headers, "X-Ctl", "\r\n\t\x1b", 4);
  x->resp_body = dup_mem(nasty_body, sizeof nasty_body - 1);
  x->resp_body_len = sizeof nasty_body - 1;
  x->resp_body_total = 5000;
  x->t_start = 10.0;
  x->t_first_byte = 11.25;
  x->t_done = 12.5;
  x = ifm_result_add_exchange(res);   /* moves the first: x from here on */
  x->step = 4;
  x->client = 3;
  x->round = 1;
  x->method = dup_str("PATCH");
  x->url = dup_str("http://127.0.0.1:8080/r/1");
  x->error = dup_str("connection reset by peer");

  add_case(r, "IM-PATCH-412", "IM-PATCH", "PATCH with a stale tag", "cases/stale.yaml",
           IFM_MUST, IFM_SKIP, "target cannot PATCH");

  res = add_case(r, "IM-ETAG-SHOULD", "IM-ETAG", "ETag -- on ]]> every write",
                 "cases/basic.yaml", IFM_SHOULD, IFM_WARN, "no ETag on 201");
  res->expected = dup_str("an ETag header");
  res->got = dup_str("(none)");
  res->duration_ms = 0.4;

  res = add_case(r, "IM-LIST-412", "IM-LIST", "First list member only", "cases/list.yaml",
                 IFM_MUST, IFM_FAIL, "412 expected");
  res->waived = 1;
  res->waiver_reason = dup_str("known bug #42 in vendor\\x");

  res = add_case(r, "IM-DOWN", NULL, NULL, NULL, IFM_MUST, IFM_ERROR, NULL);
  ifm_result_add_exchange(res);        /* nothing known about it at all */

  add_case(r, "IM-MAY-weak", "IM-MAY", "Weak comparison", "cases/list.yaml", IFM_MAY,
           IFM_INFO, "weak comparison not offered");

  for (i = 0; i < 256; i++) all[i] = (char)i;
  for (i = 0; i < 255; i++) printable[i] = (char)(i + 1);
  printable[255] = '\0';
  res = add_case(r, "IM-BYTES", "IM-BYTES", printable, "cases/bytes.yaml", IFM_SHOULD,
                 IFM_WARN, printable);
  res->got = dup_mem(all + 1, 255);
  x = ifm_result_add_exchange(res);
  x->step = 1;
  x->method = dup_str(printable);
  x->url = dup_str(printable);
  x->status = 599;
  add_header(&x->resp_headers, &x->n_resp_headers, printable, all, 256);
  {
    /* 70000 units: more than Perl's YAMLish reader can take in one string */
    char *q = malloc(70000);
    if (!q) abort();
    memset(q, '"', 70000);
    add_header(&x->req_headers, &x->n_req_headers, "X-Long", q, 70000);
    free(q);
  }
  x->resp_body = dup_mem(all, 256);
  x->resp_body_len = x->resp_body_total = 256;
  return r;
}

/* ---- the model --------------------------------------------------------- */

static void test_names(void) {
  static const char *const v[] = {"PASS", "FAIL", "WARN", "INFO", "SKIP", "ERROR"};
  int i;

  for (i = 0; i < IFM_VERDICT_COUNT; i++) ASSERT_STREQ(ifm_verdict_name((ifm_verdict)i), v[i]);
  ASSERT_STREQ(ifm_verdict_name((ifm_verdict)42), "ERROR");
  ASSERT_STREQ(ifm_level_name(IFM_MUST), "MUST");
  ASSERT_STREQ(ifm_level_name(IFM_SHOULD), "SHOULD");
  ASSERT_STREQ(ifm_level_name(IFM_MAY), "MAY");
  ASSERT_STREQ(ifm_level_name((ifm_level)9), "UNKNOWN");
}

static void test_model_grow_and_free(void) {
  ifm_report *r = ifm_report_new();
  ifm_result *res = NULL;
  ifm_exchange *x;
  size_t i;

  ASSERT(r != NULL);
  for (i = 0; i < 100; i++) {
    res = ifm_report_add(r);
    ASSERT(res != NULL);
    ASSERT(res->case_id == NULL && res->verdict == IFM_PASS && res->n_exchanges == 0);
    res->case_id = dup_str("IM-X");
  }
  ASSERT_EQ(r->n_results, 100);
  ASSERT_GE(r->cap_results, 100);
  ASSERT(res == &r->results[99]);
  x = ifm_result_add_exchange(res);
  ASSERT(x != NULL);
  ASSERT_EQ(x->client, -1);
  ASSERT_EQ(ifm_field_append(&x->req_headers, &x->n_req_headers, "A", "x\0y", 3), 0);
  ASSERT_EQ(ifm_field_append(&x->req_headers, &x->n_req_headers, "B", NULL, 7), 0);
  ASSERT_EQ(x->n_req_headers, 2);
  ASSERT_MEMEQ(x->req_headers[0].value, 4, "x\0y", 4);   /* copied, NUL-terminated */
  ASSERT_EQ(x->req_headers[1].value_len, 0);
  ASSERT_STREQ(x->req_headers[1].value, "");
  ifm_result_clear(&r->results[0]);
  ASSERT(r->results[0].case_id == NULL);
  ifm_report_free(r);        /* ASan reports anything left behind */
  ifm_report_free(NULL);
}

static void test_counts_and_conformant(void) {
  ifm_report *r = ifm_report_new();
  size_t c[IFM_VERDICT_COUNT];
  ifm_result *res;

  ASSERT_EQ(ifm_report_conformant(r), 1);              /* nothing failed */
  ifm_report_count(r, c);
  ASSERT_EQ(c[IFM_PASS] + c[IFM_FAIL] + c[IFM_ERROR], 0);
  add_case(r, "a", "a", "t", "f", IFM_MUST, IFM_PASS, NULL);
  add_case(r, "b", "b", "t", "f", IFM_SHOULD, IFM_WARN, "m");
  add_case(r, "c", "c", "t", "f", IFM_MAY, IFM_INFO, "m");
  add_case(r, "d", "d", "t", "f", IFM_MUST, IFM_SKIP, "m");
  ASSERT_EQ(ifm_report_conformant(r), 1);              /* WARN/INFO/SKIP don't break it */
  res = add_case(r, "e", "e", "t", "f", IFM_MUST, IFM_FAIL, "m");
  ASSERT_EQ(ifm_report_conformant(r), 0);
  res->waived = 1;
  ASSERT_EQ(ifm_report_conformant(r), 1);              /* a waived FAIL is expected */
  r->interrupted = 1;
  ASSERT_EQ(ifm_report_conformant(r), 0);              /* partial: certifies nothing */
  r->interrupted = 0;
  res = add_case(r, "f", "f", "t", "f", IFM_MUST, IFM_ERROR, NULL);
  res->waived = 1;
  ASSERT_EQ(ifm_report_conformant(r), 0);              /* an ERROR is never waived */
  res->verdict = (ifm_verdict)77;
  ASSERT_EQ(ifm_report_conformant(r), 0);
  ifm_report_count(r, c);
  ASSERT_EQ(c[IFM_PASS], 1);
  ASSERT_EQ(c[IFM_FAIL], 1);
  ASSERT_EQ(c[IFM_WARN], 1);
  ASSERT_EQ(c[IFM_INFO], 1);
  ASSERT_EQ(c[IFM_SKIP], 1);
  ASSERT_EQ(c[IFM_ERROR], 1);                          /* the out-of-range one */
  ASSERT_EQ(ifm_report_conformant(NULL), 0);
  ifm_report_free(r);
}

/* ---- escaping (ifm_escape.c) ------------------------------------------------ */

static char *escape_to_string(ifm_escape_style style, const char *s, size_t n) {
  char *buf = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&buf, &size);

  if (!f) return NULL;
  ifm_escape_write(f, style, s, n);
  fclose(f);
  return buf;
}

static void test_utf8_decoder(void) {
  static const struct { const char *s; size_t len; long cp; size_t used; } v[] = {
    {"\x7f", 1, 0x7f, 1},
    {"\xc2\x80", 2, 0x80, 2},
    {"\xc1\xbf", 2, -1, 1},                  /* overlong */
    {"\xe0\x80\x80", 3, -1, 1},              /* overlong */
    {"\xe0\xa0\x80", 3, 0x800, 3},
    {"\xed\x9f\xbf", 3, 0xd7ff, 3},
    {"\xed\xa0\x80", 3, -1, 1},              /* surrogate */
    {"\xee\x80\x80", 3, 0xe000, 3},
    {"\xef\xbf\xbf", 3, 0xffff, 3},
    {"\xf0\x80\x80\x80", 4, -1, 1},          /* overlong */
    {"\xf0\x90\x80\x80", 4, 0x10000, 4},
    {"\xf4\x8f\xbf\xbf", 4, 0x10ffff, 4},
    {"\xf4\x90\x80\x80", 4, -1, 1},          /* above U+10FFFF */
    {"\xf5\x80\x80\x80", 4, -1, 1},
    {"\xc2", 1, -1, 1},                      /* truncated */
    {"\xe2\x82", 2, -1, 1},
    {"\xc2\x41", 2, -1, 1},                  /* bad continuation */
    {"\x80", 1, -1, 1},
    {"\xff", 1, -1, 1},
  };
  size_t i, used;

  for (i = 0; i < sizeof v / sizeof v[0]; i++) {
    long cp = ifm_escape_utf8_next((const unsigned char *)v[i].s, v[i].len, &used);
    if (cp != v[i].cp || used != v[i].used)
      IFM_TEST_FAIL_("case %zu: got %ld/%zu, want %ld/%zu", i, cp, used, v[i].cp, v[i].used);
  }
}

/* One input with every kind of unit, and what each style must make of it. */
static const char esc_in[] =
  "a\"b\\c#<>&'\x01\n\t\r\x7f"            /* ASCII specials and controls */
  "\xc2\x85\xe2\x80\xa8\xef\xbb\xbf"      /* U+0085 U+2028 U+FEFF */
  "\xef\xbf\xbe\xf0\x9f\xbf\xbf"          /* noncharacters U+FFFE U+1FFFF */
  "\xed\xa0\x80\xc0\xaf"                  /* surrogate, overlong: invalid bytes */
  "\xe2\x82\xac\xf0\x9f\x98\x80"          /* U+20AC, U+1F600: fine as they are */
  "\xe2\x82";                             /* truncated at the end */

static void test_escape_json(void) {
  char *s = escape_to_string(IFM_ESCAPE_JSON, esc_in, sizeof esc_in - 1);
  /* RFC 8259 section 7: '"', '\' and U+0000..U+001F must be escaped. */
  ASSERT_STREQ(s, "a\\\"b\\\\c#<>&'\\u0001\\n\\t\\r\\u007f"
                  "\xc2\x85\\u2028\xef\xbb\xbf\xef\xbf\xbe\xf0\x9f\xbf\xbf"
                  "\\u00ed\\u00a0\\u0080\\u00c0\\u00af"
                  "\xe2\x82\xac\xf0\x9f\x98\x80\\u00e2\\u0082");
  free(s);
}

static const char esc_visible[] =
  "\\x01\\n\\t\\r\\x7f\\u0085\\u2028\\ufeff\\ufffe\\U0001ffff"
  "\\xed\\xa0\\x80\\xc0\\xaf\xe2\x82\xac\xf0\x9f\x98\x80\\xe2\\x82";

static void test_escape_yaml_tap(void) {
  char want[512];
  char *s = escape_to_string(IFM_ESCAPE_YAML, esc_in, sizeof esc_in - 1);

  /* YAML 1.2 double-quoted: \" \\ \xNN \uNNNN \UNNNNNNNN are escapes. */
  snprintf(want, sizeof want, "a\\\"b\\\\c#<>&'%s", esc_visible);
  ASSERT_STREQ(s, want);
  free(s);
  /* TAP 14 description: '#' is "\#", '\' is "\\", '"' stays. */
  s = escape_to_string(IFM_ESCAPE_TAP, esc_in, sizeof esc_in - 1);
  snprintf(want, sizeof want, "a\"b\\\\c\\#<>&'%s", esc_visible);
  ASSERT_STREQ(s, want);
  free(s);
}

static void test_escape_xml_html(void) {
  char want[512];
  char *s = escape_to_string(IFM_ESCAPE_XML, esc_in, sizeof esc_in - 1);

  snprintf(want, sizeof want, "a&quot;b\\c#&lt;&gt;&amp;&apos;%s", esc_visible);
  ASSERT_STREQ(s, want);
  free(s);
  s = escape_to_string(IFM_ESCAPE_XML_BLOCK, "]]>\n\t\r--\0", 9);
  ASSERT_STREQ(s, "]]&gt;\n\t\\r--\\x00");
  free(s);
  s = escape_to_string(IFM_ESCAPE_HTML, "'<\x01\n>", 5);
  ASSERT_STREQ(s, "&#39;&lt;<span class=\"esc\">\\x01</span><span class=\"esc\">\\n</span>&gt;");
  free(s);
  s = escape_to_string(IFM_ESCAPE_HTML_BLOCK, "a\nb\tc\xff", 6);
  ASSERT_STREQ(s, "a\nb\tc<span class=\"esc\">\\xff</span>");
  free(s);
  s = escape_to_string(IFM_ESCAPE_XML, NULL, 5);   /* NULL writes nothing */
  ASSERT_STREQ(s, "");
  free(s);
}

static void test_numbers(void) {
  char *buf = NULL;
  size_t size = 0;
  FILE *f;

  ASSERT_EQ(ifm_escape_round(2.5), 3);
  ASSERT_EQ(ifm_escape_round(-2.5), -3);
  ASSERT_EQ(ifm_escape_round(2.4999), 2);
  ASSERT_EQ(ifm_escape_round(NAN), 0);
  ASSERT_EQ(ifm_escape_round(INFINITY), 0);
  ASSERT_EQ(ifm_escape_round(1e30), 9000000000000000LL);
  f = open_memstream(&buf, &size);
  ASSERT(f != NULL);
  ifm_escape_fixed3(f, 12345);
  fputc(' ', f);
  ifm_escape_fixed3(f, -2);
  fputc(' ', f);
  ifm_escape_fixed3(f, 0);
  fputc(' ', f);
  ifm_escape_fixed3(f, 1000);
  fclose(f);
  ASSERT_STREQ(buf, "12.345 -0.002 0.000 1.000");
  free(buf);
}

static void test_escape_prefix(void) {
  ASSERT_EQ(ifm_escape_prefix("ab\xe2\x82\xac", 5, 3), 2);    /* not inside U+20AC */
  ASSERT_EQ(ifm_escape_prefix("ab\xe2\x82\xac", 5, 5), 5);
  ASSERT_EQ(ifm_escape_prefix("ab\xff\xfe", 4, 3), 3);         /* invalid bytes are units */
  ASSERT_EQ(ifm_escape_prefix("abc", 3, 0), 0);
  ASSERT_EQ(ifm_escape_prefix(NULL, 3, 10), 0);
}

/* ---- TAP ----------------------------------------------------------------- */

/* Every line of a TAP stream we write is one of these. */
static int tap_line_ok(const char *line) {
  return strncmp(line, "TAP version 13\n", 15) == 0 || strncmp(line, "1..", 3) == 0 ||
         strncmp(line, "ok ", 3) == 0 || strncmp(line, "not ok ", 7) == 0 ||
         strncmp(line, "# ", 2) == 0 || strncmp(line, "  ", 2) == 0 ||
         strncmp(line, "Bail out!", 9) == 0;
}

static size_t tap_bad_line(const char *tap) {
  size_t n = 1;
  const char *p = tap;

  while (*p) {
    if (!tap_line_ok(p)) return n;
    p = strchr(p, '\n');
    if (!p) return n;       /* the last line must end with a newline */
    p++;
    n++;
  }
  return 0;
}

static void test_tap_nasty(void) {
  ifm_report *r = nasty_report();
  size_t len;
  char *t = render(ifm_report_write_tap, r, &len);

  ifm_report_free(r);
  ASSERT(t != NULL);
  ASSERT(strncmp(t, "TAP version 13\n1..8\n", 20) == 0);
  ASSERT(has_line(t, "# ifmatch 0.1.0, target http://127.0.0.1:8080/res?a=1&b=<2> \"q\", "
                     "profile strict, started 2024-05-01T12:00:00Z"));
  ASSERT(has_line(t, "ok 1 - IM-BASIC-200: A matching strong tag allows the write"));
  ASSERT(has_line(t, "not ok 2 - IM-STALE-412-put: A stale tag \\# is refused\\nwith 412"));
  ASSERT(has_line(t, "ok 3 - IM-PATCH-412: PATCH with a stale tag # SKIP target cannot PATCH"));
  ASSERT(has_line(t, "ok 4 - IM-ETAG-SHOULD: ETag -- on ]]> every write"));
  ASSERT(has_line(t, "# WARN IM-ETAG-SHOULD: no ETag on 201"));
  ASSERT(has_line(t, "not ok 5 - IM-LIST-412: First list member only "
                     "# TODO waived: known bug \\#42 in vendor\\\\x"));
  ASSERT(has_line(t, "not ok 6 - IM-DOWN"));
  ASSERT(has_line(t, "ok 7 - IM-MAY-weak: Weak comparison"));
  ASSERT(has_line(t, "# INFO IM-MAY-weak: weak comparison not offered"));
  ASSERT_CONTAINS(t, "\nok 8 - IM-BYTES: \\x01\\x02");
  ASSERT_CONTAINS(t, "\\x1f !\"\\#$%&'()*+,-./0123");
  ASSERT_CONTAINS(t, "Z[\\\\]^_`a");
  ASSERT_CONTAINS(t, "}~\\x7f\\x80\\x81");
  /* the YAML diagnostics of point 2 (YAML double-quoted escapes) */
  ASSERT(has_line(t, "  verdict: \"FAIL\""));
  ASSERT(has_line(t, "  requirement: \"IM-STALE-412\""));
  ASSERT(has_line(t, "  spec: \"RFC 9110 13.1.1\""));
  ASSERT(has_line(t, "  level: \"MUST\""));
  ASSERT(has_line(t, "  got: \"200 \\x01\\x7f\""));
  ASSERT(has_line(t, "  failed_step: 3"));
  ASSERT(has_line(t, "  duration_ms: 12.346"));
  ASSERT(has_line(t, "    - step: 3"));
  ASSERT(has_line(t, "      client: -1"));
  ASSERT(has_line(t, "          - name: \"If-Match\""));
  ASSERT(has_line(t, "            value: \"\\\"v1\\\"\""));
  ASSERT(has_line(t, "            value: \"a\\x00b\""));
  ASSERT(has_line(t, "            value: \"\\xff\\xfe\\xc3(\""));
  ASSERT(has_line(t, "            value: \"\\r\\n\\t\\x1b\""));
  ASSERT(has_line(t, "        body: \"]]> -- <!-- & 'q' \\\"d\\\" \xc3\xa9 \xe2\x88\x91 "
                     "\\u2028 \\u0085 \\uffff\\r\\n\""));
  ASSERT(has_line(t, "        body_total: 5000"));
  ASSERT(has_line(t, "      error: \"connection reset by peer\""));
  ASSERT(has_line(t, "        headers: []"));
  ASSERT(has_line(t, "  message: ~"));                 /* the ERROR's NULLs */
  ASSERT(has_line(t, "  requirement: ~"));
  ASSERT(has_line(t, "            value_total: 70000"));  /* cut to 4096 bytes */
  ASSERT(has_line(t, "# PASS 1, FAIL 2 (1 waived), WARN 2, INFO 1, SKIP 1, ERROR 1"));
  ASSERT(has_line(t, "# verdict: NOT CONFORMANT"));
  ASSERT_EQ(count_substr(t, "\n  ---\n"), 7);          /* every point but the PASS */
  ASSERT_EQ(count_substr(t, "\n  ...\n"), 7);
  ASSERT_EQ(count_substr(t, "\nok "), 5);
  ASSERT_EQ(count_substr(t, "\nnot ok "), 3);
  ASSERT(strstr(t, "Bail out!") == NULL);
  ASSERT_EQ(tap_bad_line(t), 0);
  ASSERT_EQ(first_bad_byte(t, len, 0), 0);
  free(t);
}

static void test_tap_empty_and_interrupted(void) {
  ifm_report *r = ifm_report_new();
  char *t = render(ifm_report_write_tap, r, NULL);

  ASSERT_STREQ(t, "TAP version 13\n"
                  "1..0 # SKIP no cases were run\n"
                  "# ifmatch (unknown version), target (none), profile (none)\n"
                  "# PASS 0, FAIL 0, WARN 0, INFO 0, SKIP 0, ERROR 0\n"
                  "# verdict: CONFORMANT\n");
  free(t);
  add_case(r, "IM-A", "IM-A", "t", "f", IFM_MUST, IFM_PASS, NULL)->waived = 1;
  r->interrupted = 1;
  t = render(ifm_report_write_tap, r, NULL);
  ifm_report_free(r);
  ASSERT(t != NULL);
  ASSERT(has_line(t, "ok 1 - IM-A: t # TODO waived"));  /* the waiver is stale */
  ASSERT(has_line(t, "# verdict: NOT CONFORMANT"));
  ASSERT(has_line(t, "Bail out! run interrupted: results are partial"));
  free(t);
}

static void test_tap_long_strings(void) {
  ifm_report *r = ifm_report_new();
  ifm_result *res;
  ifm_exchange *x;
  char title[3001], name[5001], value[4100], want[2 * 1024 + 4200], *t;
  size_t k;

  memset(title, '#', 3000);
  title[3000] = '\0';
  memset(name, 'n', 5000);
  name[5000] = '\0';
  memset(value, 'a', 4095);
  memcpy(value + 4095, "\xe2\x82\xac" "b", 5);   /* U+20AC across byte 4096 */
  res = add_case(r, "IM-L", "IM-L", title, "f", IFM_MUST, IFM_FAIL, NULL);
  x = ifm_result_add_exchange(res);
  add_header(&x->resp_headers, &x->n_resp_headers, name, value, 4099);
  t = render(ifm_report_write_tap, r, NULL);
  ifm_report_free(r);
  ASSERT(t != NULL);
  /* the description: 1024 bytes of the title, each '#' as "\#", then "..." */
  strcpy(want, "not ok 1 - IM-L: ");
  for (k = 0; k < 1024; k++) strcat(want, "\\#");
  strcat(want, "...");
  ASSERT(has_line(t, want));
  /* the name cut at 4096 bytes; the value before the character that crosses it */
  snprintf(want, sizeof want, "          - name: \"%.4096s\"", name);
  ASSERT(has_line(t, want));
  ASSERT(has_line(t, "            name_total: 5000"));
  snprintf(want, sizeof want, "            value: \"%.4095s\"", value);
  ASSERT(has_line(t, want));
  ASSERT(has_line(t, "            value_total: 4099"));
  free(t);
}

/* ---- JUnit XML ------------------------------------------------------------ */

static void test_junit_nasty(void) {
  ifm_report *r = nasty_report();
  size_t len;
  char *x = render(ifm_report_write_junit, r, &len);
  const char *basic, *stale, *list, *none, *bytes;

  ifm_report_free(r);
  ASSERT(x != NULL);
  ASSERT(strncmp(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 39) == 0);
  ASSERT(has_line(x, "<testsuites name=\"ifmatch\" tests=\"8\" failures=\"1\" errors=\"1\" "
                     "skipped=\"2\" time=\"1.235\">"));
  basic = strstr(x, "  <testsuite name=\"cases/basic.yaml\" tests=\"2\" failures=\"0\" "
                    "errors=\"0\" skipped=\"0\" time=\"0.002\" timestamp=\"2024-05-01T12:00:00Z\">\n");
  stale = strstr(x, "  <testsuite name=\"cases/stale.yaml\" tests=\"2\" failures=\"1\" "
                    "errors=\"0\" skipped=\"1\" time=\"0.012\"");
  list = strstr(x, "  <testsuite name=\"cases/list.yaml\" tests=\"2\" failures=\"0\" "
                   "errors=\"0\" skipped=\"1\" time=\"0.000\"");
  none = strstr(x, "  <testsuite name=\"ifmatch\" tests=\"1\" failures=\"0\" errors=\"1\" "
                   "skipped=\"0\"");
  bytes = strstr(x, "  <testsuite name=\"cases/bytes.yaml\" tests=\"1\"");
  ASSERT(basic && stale && list && none && bytes);
  ASSERT(basic < stale && stale < list && list < none && none < bytes);   /* first seen */
  ASSERT_EQ(count_substr(x, "<testsuite "), 5);
  ASSERT_EQ(count_substr(x, "<testcase "), 8);
  ASSERT(has_line(x, "    <testcase classname=\"cases.stale\" name=\"IM-STALE-412-put\" "
                     "time=\"0.012\">"));
  ASSERT(has_line(x, "    <testcase classname=\"ifmatch\" name=\"IM-DOWN\" time=\"0.000\">"));
  ASSERT(has_line(x, "        <property name=\"title\" value=\"A stale tag # is refused\\nwith 412\"/>"));
  ASSERT(has_line(x, "        <property name=\"verdict\" value=\"WARN\"/>"));
  ASSERT(has_line(x, "        <property name=\"level\" value=\"SHOULD\"/>"));
  ASSERT(has_line(x, "      <property name=\"target\" "
                     "value=\"http://127.0.0.1:8080/res?a=1&amp;b=&lt;2&gt; &quot;q&quot;\"/>"));
  ASSERT(has_line(x, "      <failure message=\"expected status 412, got 200\" type=\"MUST\">"
                     "expected: 412"));
  ASSERT(has_line(x, "got: 200 \\x01\\x7f"));
  ASSERT(has_line(x, "      <skipped message=\"target cannot PATCH\"/>"));
  ASSERT(has_line(x, "      <skipped type=\"waived\" message=\"waived: known bug #42 in vendor\\x\"/>"));
  ASSERT(has_line(x, "      <error message=\"ERROR\" type=\"ERROR\">expected: (none)"));
  ASSERT_EQ(count_substr(x, "<failure "), 1);
  ASSERT_EQ(count_substr(x, "<error "), 1);
  ASSERT_EQ(count_substr(x, "<skipped "), 2);
  ASSERT(has_line(x, "      <system-out>WARN: no ETag on 201"));
  ASSERT(has_line(x, "&lt; X-Nul: a\\x00b"));
  ASSERT(has_line(x, "&lt; X-Bad: \\xff\\xfe\\xc3("));
  ASSERT(has_line(x, "&lt; X-Ctl: \\r\\n\\t\\x1b"));
  ASSERT(has_line(x, "&gt; If-Match: &quot;v1&quot;"));
  ASSERT(has_line(x, "]]&gt; -- &lt;!-- &amp; &apos;q&apos; &quot;d&quot; \xc3\xa9 \xe2\x88\x91 "
                     "\\u2028 \\u0085 \\uffff\\r"));
  ASSERT(has_line(x, "! connection reset by peer"));
  ASSERT(strstr(x, "]]>") == NULL);
  ASSERT(strstr(x, "<![CDATA[") == NULL && strstr(x, "<!--") == NULL);
  ASSERT(has_line(x, "</testsuites>"));
  ASSERT_EQ(stray_markup(x, junit_tags), 0);
  ASSERT_EQ(first_bad_byte(x, len, ALLOW_TAB), 0);
  free(x);
}

static void test_junit_empty(void) {
  ifm_report *r = ifm_report_new();
  char *x = render(ifm_report_write_junit, r, NULL);

  ifm_report_free(r);
  ASSERT_STREQ(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<testsuites name=\"ifmatch\" tests=\"0\" failures=\"0\" errors=\"0\" "
                  "skipped=\"0\" time=\"0.000\">\n</testsuites>\n");
  free(x);
}

/* ---- JSON ------------------------------------------------------------------ */

static void test_json_nasty(void) {
  ifm_report *r = nasty_report();
  size_t len;
  char *j = render(ifm_report_write_json, r, &len);

  ifm_report_free(r);
  ASSERT(j != NULL);
  ASSERT(strncmp(j, "{\n  \"format\": \"ifmatch-report\",\n  \"version\": 1,\n", 48) == 0);
  ASSERT(has_line(j, "  \"tool_version\": \"0.1.0\","));
  ASSERT(has_line(j, "  \"target\": \"http://127.0.0.1:8080/res?a=1&b=<2> \\\"q\\\"\","));
  ASSERT(has_line(j, "  \"duration_ms\": 1234.568,"));
  ASSERT(has_line(j, "  \"interrupted\": false,"));
  ASSERT(has_line(j, "  \"conformant\": false,"));
  ASSERT(has_line(j, "  \"counts\": {\"PASS\": 1, \"FAIL\": 2, \"WARN\": 2, \"INFO\": 1, "
                     "\"SKIP\": 1, \"ERROR\": 1},"));
  ASSERT(has_line(j, "      \"title\": \"A stale tag # is refused\\nwith 412\","));
  ASSERT(has_line(j, "      \"got\": \"200 \\u0001\\u007f\","));
  ASSERT(has_line(j, "      \"failed_step\": 3,"));
  ASSERT(has_line(j, "      \"failed_step\": null,"));
  ASSERT(has_line(j, "      \"title\": null,"));
  ASSERT(has_line(j, "      \"message\": null,"));
  ASSERT(has_line(j, "      \"waived\": true,"));
  ASSERT(has_line(j, "      \"waiver_reason\": \"known bug #42 in vendor\\\\x\","));
  ASSERT(has_line(j, "      \"duration_ms\": 12.346,"));
  ASSERT(has_line(j, "      \"exchanges\": []"));
  ASSERT_CONTAINS(j, "[\"If-Match\", \"\\\"v1\\\"\"]");
  ASSERT_CONTAINS(j, "[\"X-Nul\", \"a\\u0000b\"]");
  ASSERT_CONTAINS(j, "[\"X-Bad\", \"\\u00ff\\u00fe\\u00c3(\"]");
  ASSERT_CONTAINS(j, "[\"X-Ctl\", \"\\r\\n\\t\\u001b\"]");
  ASSERT_CONTAINS(j, "\"body\": \"]]> -- <!-- & 'q' \\\"d\\\" \xc3\xa9 \xe2\x88\x91 \\u2028 "
                     "\xc2\x85 \xef\xbf\xbf\\r\\n\", \"body_total\": 5000, \"body_truncated\": true, "
                     "\"body_hash\": \"");
  /* the hash is whatever the model holds: the executor fills it (FNV-1a 64) */
  ASSERT_CONTAINS(j, "\"request\": {\"headers\": [], \"body\": \"\", \"body_total\": 0, "
                     "\"body_truncated\": false, \"body_hash\": \"0000000000000000\"}");
  ASSERT(has_line(j, "      \"exchanges_omitted\": 0,"));
  ASSERT(has_line(j, "          \"timings\": {\"start\": 10.000, \"release\": 0.000, "
                     "\"first_byte\": 11.250, \"done\": 12.500}"));
  ASSERT(has_line(j, "          \"client\": 3,"));
  ASSERT(has_line(j, "          \"error\": \"connection reset by peer\","));
  ASSERT(has_line(j, "          \"method\": null,"));
  ASSERT_EQ(count_substr(j, "\"case_id\": "), 8);
  ASSERT(len > 7 && strcmp(j + len - 7, "\n  ]\n}\n") == 0);
  ASSERT_EQ(first_bad_byte(j, len, ALLOW_C1), 0);
  free(j);
}

static void test_json_empty(void) {
  ifm_report *r = ifm_report_new();
  char *j = render(ifm_report_write_json, r, NULL);

  ifm_report_free(r);
  ASSERT_STREQ(j, "{\n  \"format\": \"ifmatch-report\",\n  \"version\": 1,\n"
                  "  \"tool_version\": null,\n  \"target\": null,\n  \"profile\": null,\n"
                  "  \"started_at\": null,\n  \"duration_ms\": 0.000,\n"
                  "  \"interrupted\": false,\n  \"conformant\": true,\n"
                  "  \"counts\": {\"PASS\": 0, \"FAIL\": 0, \"WARN\": 0, \"INFO\": 0, "
                  "\"SKIP\": 0, \"ERROR\": 0},\n  \"baseline\": null,\n  \"results\": []\n}\n");
  free(j);
}

/* ---- HTML ------------------------------------------------------------------ */

static void test_html_nasty(void) {
  ifm_report *r = nasty_report();
  size_t len;
  char *h = render(ifm_report_write_html, r, &len);

  ifm_report_free(r);
  ASSERT(h != NULL);
  ASSERT(strncmp(h, "<!DOCTYPE html>\n", 16) == 0);
  ASSERT(has_line(h, "<p class=\"suite bad\">NOT CONFORMANT</p>"));
  ASSERT_CONTAINS(h, "<tr><td>1</td><td>2</td><td>2</td><td>1</td><td>1</td><td>1</td></tr>");
  ASSERT_CONTAINS(h, "<title>ifmatch report: http://127.0.0.1:8080/res?a=1&amp;b=&lt;2&gt; "
                     "&quot;q&quot;</title>");
  ASSERT_CONTAINS(h, "<div class=\"title\">A stale tag # is refused"
                     "<span class=\"esc\">\\n</span>with 412</div>");
  ASSERT_CONTAINS(h, "<td class=\"verdict\">FAIL (waived)</td>");
  ASSERT(has_line(h, "&lt; X-Nul: a<span class=\"esc\">\\x00</span>b"));
  ASSERT_CONTAINS(h, "]]&gt; -- &lt;!-- &amp; &#39;q&#39; &quot;d&quot;");
  ASSERT_CONTAINS(h, "<dt>Got</dt><dd><code>200 <span class=\"esc\">\\x01</span>"
                     "<span class=\"esc\">\\x7f</span></code></dd>");
  ASSERT_EQ(count_substr(h, "<details>"), 7);
  ASSERT_EQ(count_substr(h, "</details>"), 7);
  ASSERT(strstr(h, "<script") == NULL && strstr(h, "<link") == NULL && strstr(h, " src=") == NULL);
  ASSERT(strstr(h, "]]>") == NULL);
  ASSERT(has_line(h, "</html>"));
  ASSERT_EQ(stray_markup(h, html_tags), 0);
  ASSERT_EQ(first_bad_byte(h, len, ALLOW_TAB), 0);
  free(h);
}

static void test_html_empty(void) {
  ifm_report *r = ifm_report_new();
  char *h = render(ifm_report_write_html, r, NULL);

  ifm_report_free(r);
  ASSERT(h != NULL);
  ASSERT(has_line(h, "<p class=\"suite ok\">CONFORMANT</p>"));
  ASSERT(has_line(h, "<p>No cases were run.</p>"));
  ASSERT(strstr(h, "<table class=\"cases\">") == NULL);
  free(h);
}

/* ---- every writer --------------------------------------------------------- */

static const writer_fn writers[] = {
  ifm_report_write_tap, ifm_report_write_junit, ifm_report_write_json, ifm_report_write_html
};

static void test_write_errors(void) {
  ifm_report *r = nasty_report();
  size_t i;

  for (i = 0; i < sizeof writers / sizeof writers[0]; i++) {
    FILE *full = fopen("/dev/full", "w");      /* every write fails: ENOSPC */
    FILE *ro = fopen("/dev/null", "r");        /* not open for writing */

    ASSERT(full != NULL && ro != NULL);
    errno = 0;
    ASSERT_EQ(writers[i](r, full), -1);
    ASSERT_EQ(errno, ENOSPC);
    ASSERT_EQ(writers[i](r, ro), -1);
    ASSERT_NE(errno, 0);
    fclose(full);
    fclose(ro);
    errno = 0;
    ASSERT_EQ(writers[i](NULL, stdout), -1);
    ASSERT_EQ(errno, EINVAL);
  }
  ifm_report_free(r);
}

/* A small deterministic generator, so a failure can be replayed. */
static unsigned long rnd_state;

static unsigned rnd(unsigned n) {
  rnd_state = rnd_state * 6364136223846793005UL + 1442695040888963407UL;
  return (unsigned)((rnd_state >> 33) % n);
}

/* Bytes biased towards the ones that break formats; no NUL when as_str. */
static char *rnd_bytes(size_t *len, int as_str) {
  static const unsigned char nasty[] = {
    0, '\n', '\r', '\t', '#', '\\', '"', '<', '>', '&', '\'', ']', '-', 0x1b, 0x7f,
    0x80, 0x85, 0xbf, 0xc2, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xfe, 0xff
  };
  size_t n = rnd(40), i;
  char *s = malloc(n + 1);

  if (!s) abort();
  for (i = 0; i < n; i++) {
    unsigned char c = rnd(2) ? nasty[rnd(sizeof nasty)] : (unsigned char)rnd(256);
    s[i] = (char)(as_str && c == 0 ? 1 : c);
  }
  s[n] = '\0';
  if (len) *len = n;
  return s;
}

static char *rnd_str(void) {
  return rnd(8) == 0 ? NULL : rnd_bytes(NULL, 1);
}

static ifm_report *random_report(void) {
  ifm_report *r = ifm_report_new();
  size_t i, k, n = rnd(4);

  r->tool_version = rnd_str();
  r->target = rnd_str();
  r->profile = rnd_str();
  r->started_at = rnd_str();
  r->duration_ms = rnd(100000) / 7.0;
  r->interrupted = rnd(4) == 0;
  for (i = 0; i < n; i++) {
    ifm_result *res = ifm_report_add(r);

    res->case_id = rnd_str();
    res->requirement = rnd_str();
    res->title = rnd_str();
    res->spec = rnd_str();
    res->file = rnd(2) ? rnd_str() : dup_str("same.yaml");
    res->level = (ifm_level)rnd(4);                  /* 3 is out of range */
    res->verdict = (ifm_verdict)rnd(IFM_VERDICT_COUNT + 1);
    res->message = rnd_str();
    res->expected = rnd_str();
    res->got = rnd_str();
    res->failed_step = (int)rnd(3);
    res->waived = rnd(3) == 0;
    res->waiver_reason = rnd_str();
    res->duration_ms = rnd(5000) / 3.0;
    for (k = rnd(3); k > 0; k--) {
      ifm_exchange *x = ifm_result_add_exchange(res);
      size_t vlen;
      char *name = rnd_bytes(NULL, 1), *value = rnd_bytes(&vlen, 0);

      x->method = rnd_str();
      x->url = rnd_str();
      add_header(&x->req_headers, &x->n_req_headers, name, value, vlen);
      add_header(&x->resp_headers, &x->n_resp_headers, value, name, strlen(name));
      free(name);
      free(value);
      x->req_body = rnd_bytes(&x->req_body_len, 0);
      x->req_body_total = x->req_body_len + rnd(3);
      x->resp_body = rnd(5) ? rnd_bytes(&x->resp_body_len, 0) : NULL;
      x->status = (int)rnd(600);
      x->error = rnd_str();
    }
  }
  return r;
}

static void test_random_reports_stay_well_formed(void) {
  int iter;

  for (iter = 0; iter < 300; iter++) {
    ifm_report *r;
    char *t, *x, *j, *h;
    size_t tl, xl, jl, hl;

    rnd_state = 0x1f2e3d4cUL + (unsigned long)iter;
    r = random_report();
    t = render(ifm_report_write_tap, r, &tl);
    x = render(ifm_report_write_junit, r, &xl);
    j = render(ifm_report_write_json, r, &jl);
    h = render(ifm_report_write_html, r, &hl);
    ifm_report_free(r);
    if (!t || !x || !j || !h) IFM_TEST_FAIL_("iteration %d: a writer failed", iter);
    if (first_bad_byte(t, tl, 0) || tap_bad_line(t))
      IFM_TEST_FAIL_("iteration %d: TAP byte %zu, line %zu", iter,
                     first_bad_byte(t, tl, 0), tap_bad_line(t));
    if (first_bad_byte(x, xl, ALLOW_TAB) || strstr(x, "]]>") || stray_markup(x, junit_tags))
      IFM_TEST_FAIL_("iteration %d: XML byte %zu, markup %zu", iter,
                     first_bad_byte(x, xl, ALLOW_TAB), stray_markup(x, junit_tags));
    if (first_bad_byte(j, jl, ALLOW_C1))
      IFM_TEST_FAIL_("iteration %d: JSON byte %zu", iter, first_bad_byte(j, jl, ALLOW_C1));
    if (first_bad_byte(h, hl, ALLOW_TAB) || stray_markup(h, html_tags))
      IFM_TEST_FAIL_("iteration %d: HTML byte %zu, markup %zu", iter,
                     first_bad_byte(h, hl, ALLOW_TAB), stray_markup(h, html_tags));
    free(t);
    free(x);
    free(j);
    free(h);
  }
}

static int write_sample(const char *dir, const char *name, const ifm_report *r) {
  static const char *const ext[] = {"tap", "xml", "json", "html"};
  size_t i;

  for (i = 0; i < 4; i++) {
    char path[4096];
    FILE *f;
    int rc;

    snprintf(path, sizeof path, "%s/%s.%s", dir, name, ext[i]);
    f = fopen(path, "w");
    if (!f) return -1;
    rc = writers[i](r, f);
    if (fclose(f) != 0 || rc != 0) return -1;
  }
  return 0;
}

/* With IFM_REPORT_OUT=DIR: DIR/sample.*, DIR/empty.* and DIR/random-NN.* (in
 * every format) for tests/report_validate_test.sh to feed to real parsers. */
static void test_write_samples(void) {
  const char *dir = getenv("IFM_REPORT_OUT");
  ifm_report *r;
  char name[32];
  int ok, i;

  if (!dir || !*dir) return;
  r = nasty_report();
  ok = write_sample(dir, "sample", r) == 0;
  ifm_report_free(r);
  ASSERT(ok);
  r = ifm_report_new();
  ok = write_sample(dir, "empty", r) == 0;
  ifm_report_free(r);
  ASSERT(ok);
  for (i = 0; i < 20; i++) {
    rnd_state = 0x5eed0000UL + (unsigned long)i;
    r = random_report();
    snprintf(name, sizeof name, "random-%02d", i);
    ok = write_sample(dir, name, r) == 0;
    ifm_report_free(r);
    ASSERT(ok);
  }
}

IFM_TEST_MAIN(
  TEST(test_names),
  TEST(test_model_grow_and_free),
  TEST(test_counts_and_conformant),
  TEST(test_utf8_decoder),
  TEST(test_escape_json),
  TEST(test_escape_yaml_tap),
  TEST(test_escape_xml_html),
  TEST(test_numbers),
  TEST(test_escape_prefix),
  TEST(test_tap_nasty),
  TEST(test_tap_empty_and_interrupted),
  TEST(test_tap_long_strings),
  TEST(test_junit_nasty),
  TEST(test_junit_empty),
  TEST(test_json_nasty),
  TEST(test_json_empty),
  TEST(test_html_nasty),
  TEST(test_html_empty),
  TEST(test_write_errors),
  TEST(test_random_reports_stay_well_formed),
  TEST(test_write_samples)
)
