/* report_fixture.c: what the report_*_test programs share (see
 * report_fixture.h): rendering a writer into memory, the checks of
 * well-formed output that are independent of ifm_escape, and the "nasty"
 * report full of bytes that break formats. Moved here unchanged from the
 * former tests/report_test.c. */
#include "report_fixture.h"

#include <stdlib.h>
#include <string.h>

char *dup_str(const char *s) {
  return s ? strdup(s) : NULL;
}

char *dup_mem(const char *s, size_t n) {
  char *p = malloc(n + 1);
  if (p) {
    memcpy(p, s, n);
    p[n] = '\0';
  }
  return p;
}

/* Runs a writer into memory; NULL if it failed. The caller frees. */
char *render(writer_fn w, const ifm_report *r, size_t *len) {
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
int has_line(const char *text, const char *line) {
  size_t n = strlen(line);
  const char *p = text;

  while ((p = strstr(p, line)) != NULL) {
    if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0')) return 1;
    p++;
  }
  return 0;
}

size_t count_substr(const char *text, const char *needle) {
  size_t n = 0;
  const char *p = text;

  while ((p = strstr(p, needle)) != NULL) {
    n++;
    p += strlen(needle);
  }
  return n;
}

/* Independent of ifm_escape: 0 when buf is strict UTF-8 whose only control
 * characters are LF (and TAB with ALLOW_TAB), with no DEL, surrogate, and
 * (unless ALLOW_C1, for JSON) no C1 control or U+FFFE/U+FFFF; else the
 * 1-based offset of the first problem. */
size_t first_bad_byte(const char *buf, size_t len, int allow) {
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
size_t stray_markup(const char *text, const char *const *tags) {
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

const char *const junit_tags[] = {
  "<?xml ", "<testsuites ", "</testsuites>", "<testsuite ", "</testsuite>",
  "<properties>", "</properties>", "<property ", "<testcase ", "</testcase>",
  "<failure ", "</failure>", "<error ", "</error>", "<skipped ", "<system-out>",
  "</system-out>", NULL
};

const char *const html_tags[] = {
  "<!DOCTYPE html>", "<html ", "</html>", "<head>", "</head>", "<meta ", "<title>",
  "</title>", "<style>", "</style>", "<body>", "</body>", "<h1>", "</h1>", "<h4>",
  "</h4>", "<table ", "</table>", "<thead>", "</thead>", "<tbody>", "</tbody>",
  "<tr>", "<tr ", "</tr>", "<th>", "<th ", "</th>", "<td>", "<td ", "</td>", "<p>",
  "<p ", "</p>", "<div ", "</div>", "<code>", "</code>", "<pre>", "</pre>", "<dl>",
  "</dl>", "<dt>", "</dt>", "<dd>", "</dd>", "<details>", "</details>", "<summary>",
  "</summary>", "<span class=\"esc\">", "</span>",
  /* the sections, the filters, the requirement groups and articles */
  "<header ", "</header>", "<nav ", "</nav>", "<ul>", "</ul>", "<li>", "<li ", "</li>", "<a href=\"#",
  "</a>", "<main>", "</main>", "<section ", "</section>", "<h2>", "</h2>", "<h3>", "</h3>", "<h4>",
  "<h5>", "<h5 ", "</h5>", "<h3 ", "<form ", "</form>", "<fieldset>", "</fieldset>", "<legend>", "</legend>",
  "<label>", "</label>", "<input ", "<select ", "</select>", "<option>", "<option ", "</option>",
  "<button ", "</button>", "<output ", "</output>", "<caption>", "</caption>", "<article ",
  "</article>", "<blockquote ", "</blockquote>", "<strong>", "</strong>", "<span class=\"badge\">",
  "<span class=\"title\">", "<details class=\"exchanges\">", "<script>", "</script>",
  /* the race timelines */
  "<figure ", "</figure>", "<figcaption>", "</figcaption>", "<svg ", "</svg>", "<title>", "<g ",
  "</g>", "<text ", "</text>", "<rect ", "</rect>", "<line ", "<circle ", NULL
};

/* ---- building reports ------------------------------------------------ */

ifm_result *add_case(ifm_report *r, const char *id, const char *req, const char *title,
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

void add_header(ifm_field **f, size_t *n, const char *name, const char *v, size_t len) {
  if (ifm_field_append(f, n, name, v, len) != 0) abort();
}

static const char nasty_body[] =
  "]]> -- <!-- & 'q' \"d\" \xc3\xa9 \xe2\x88\x91 \xe2\x80\xa8 \xc2\x85 \xef\xbf\xbf\r\n";

/* Eight cases, one of each kind, full of bytes that break formats. */
ifm_report *nasty_report(void) {
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
  add_header(&x->resp_headers, &x->n_resp_headers, "X-Long", "llll", 4);
  x->resp_headers[x->n_resp_headers - 1].value_total = 9000;   /* kept as evidence: cut */
  x->resp_headers_omitted = 7;
  x->resp_header_bytes_omitted = 700;
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

/* Every line of a TAP stream we write is one of these. */
int tap_line_ok(const char *line) {
  return strncmp(line, "TAP version 13\n", 15) == 0 || strncmp(line, "1..", 3) == 0 ||
         strncmp(line, "ok ", 3) == 0 || strncmp(line, "not ok ", 7) == 0 ||
         strncmp(line, "# ", 2) == 0 || strncmp(line, "  ", 2) == 0 ||
         strncmp(line, "Bail out!", 9) == 0;
}

size_t tap_bad_line(const char *tap) {
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
