/* fuzz_report.c: arbitrary bytes through the results model and the TAP,
 * JUnit, JSON and HTML writers.
 *
 * Input: a stream read front to back. A string is a length byte and that many
 * bytes (0xFF: NULL); a byte string (header values, bodies) has a two-byte
 * length and may hold NUL. Run fields come first, then results, each with up
 * to three exchanges, until the input runs out.
 *
 * Invariants (abort on violation):
 *  - every writer returns 0;
 *  - JUnit and HTML parse with libxml2 with no error at all, and the JUnit
 *    root is <testsuites tests="N">;
 *  - the JSON is one strict RFC 8259 value in valid UTF-8 (json_check.c);
 *  - TAP: valid UTF-8, no control characters, version line, one plan 1..N,
 *    test points numbered 1..N, every other line a comment, an indented YAML
 *    block line or "Bail out!", and no unescaped '#' in a description but
 *    the one that starts a SKIP / TODO directive.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/xmlversion.h>
#include "ifm_reports.h"
#include "json_check.h"
#include "tap_check.h"

#include "fuzz_check.h"


typedef struct rd { const uint8_t *p; size_t n; } rd;

static size_t u8(rd *r) { return r->n ? (r->n--, *r->p++) : 0; }

static char *take(rd *r, size_t want, size_t *len) {
  char *s;
  if (want > r->n) want = r->n;
  CHECK((s = malloc(want + 1)) != NULL);
  memcpy(s, r->p, want);
  s[want] = '\0';
  r->p += want, r->n -= want;
  if (len) *len = want;
  return s;
}

static char *str(rd *r) {
  size_t want = u8(r);
  return want == 0xff ? NULL : take(r, want, NULL);
}

static size_t u16(rd *r) {
  size_t lo = u8(r);
  return lo | u8(r) << 8;
}

static char *bytes(rd *r, size_t *len) { return take(r, u16(r), len); }

/* A time: small and exact, or (0xFFxx) any 8 bytes: NaN, infinities, 1e308. */
static double num(rd *r) {
  size_t v = u16(r);
  double d = ((double)v - 32768.0) * 1.125;
  if (v >= 0xff00 && r->n >= sizeof d) memcpy(&d, r->p, sizeof d), r->p += sizeof d, r->n -= sizeof d;
  return d;
}

static void fields(rd *r, ifm_field **f, size_t *n) {
  size_t k = u8(r) % 4, len;
  while (k--) {
    char *name = str(r), *value = bytes(r, &len);
    CHECK(ifm_field_append(f, n, name ? name : "X", value, len) == 0);
    free(name), free(value);
  }
}

static void build(rd *r, ifm_report *rep) {
  rep->tool_version = str(r), rep->target = str(r), rep->profile = str(r);
  rep->started_at = str(r), rep->duration_ms = num(r), rep->interrupted = u8(r) & 1;
  while (r->n > 0 && rep->n_results < 16) {
    ifm_result *res = ifm_report_add(rep);
    size_t k;
    CHECK(res != NULL);
    res->case_id = str(r), res->requirement = str(r), res->title = str(r), res->spec = str(r);
    res->file = str(r), res->message = str(r), res->expected = str(r), res->got = str(r);
    k = u8(r);
    res->level = (ifm_level)(k % 4), res->verdict = (ifm_verdict)(k / 4 % 8);
    res->waived = (k & 0x80) != 0, res->waiver_reason = str(r);
    res->failed_step = (int)u8(r) - 1, res->duration_ms = num(r);
    res->exchanges_omitted = u8(r) & 3;
    for (k = u8(r) % 4; k > 0; k--) {
      ifm_exchange *x = ifm_result_add_exchange(res);
      CHECK(x != NULL);
      x->step = (int)u8(r), x->client = (int)u8(r) - 1, x->round = (int)u8(r);
      x->method = str(r), x->url = str(r), x->error = str(r), x->status = (int)(u8(r) * 3);
      fields(r, &x->req_headers, &x->n_req_headers);
      fields(r, &x->resp_headers, &x->n_resp_headers);
      x->req_body = bytes(r, &x->req_body_len), x->req_body_total = x->req_body_len + u8(r);
      x->resp_body = bytes(r, &x->resp_body_len), x->resp_body_total = x->resp_body_len;
      x->t_start = num(r), x->t_done = num(r);
    }
  }
}

static int xml_errors;
#if LIBXML_VERSION >= 21200
static void xml_error_cb(void *ctx, const xmlError *e) { (void)ctx, (void)e, xml_errors++; }
#else
static void xml_error_cb(void *ctx, xmlErrorPtr e) { (void)ctx, (void)e, xml_errors++; }
#endif

static void check_xml(const char *s, size_t len, const char *root, size_t tests) {
  xmlDocPtr doc;
  xmlNodePtr el;
  xml_errors = 0;
  CHECK(len <= INT32_MAX);
  doc = xmlReadMemory(s, (int)len, "report.xml", NULL, XML_PARSE_NONET);
  if (!doc || xml_errors) fwrite(s, 1, len, stderr);
  CHECK(doc != NULL && xml_errors == 0);
  CHECK((el = xmlDocGetRootElement(doc)) != NULL && strcmp((const char *)el->name, root) == 0);
  if (strcmp(root, "testsuites") == 0) {
    xmlChar *t = xmlGetProp(el, (const xmlChar *)"tests");
    CHECK(t != NULL && strtoul((const char *)t, NULL, 10) == tests);
    xmlFree(t);
  }
  xmlFreeDoc(doc);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  xmlInitParser();
  xmlSetStructuredErrorFunc(NULL, xml_error_cb);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int (*const writers[4])(const ifm_report *, FILE *) = {
      ifm_report_write_tap, ifm_report_write_junit, ifm_report_write_json, ifm_report_write_html};
  rd r = {data, size};
  ifm_report *rep = ifm_report_new();
  int w;
  CHECK(rep != NULL);
  build(&r, rep);
  for (w = 0; w < 4; w++) {
    char *out = NULL;
    size_t len = 0, where = 0;
    FILE *f = open_memstream(&out, &len);
    CHECK(f != NULL);
    CHECK(writers[w](rep, f) == 0);
    CHECK(fclose(f) == 0);
    /* a report with no results is one failing "NOT TESTED" point / testcase:
     * nothing judged never reads as a pass */
    if (w == 0) CHECK(tap_check(out, len, rep->n_results ? rep->n_results : 1, &where) == 0);
    if (w == 1) check_xml(out, len, "testsuites", rep->n_results ? rep->n_results : 1);
    if (w == 2) CHECK(json_check(out, len, &where) == 0);
    if (w == 3) check_xml(out, len, "html", 0);
    free(out);
  }
  ifm_report_free(rep);
  return 0;
}
