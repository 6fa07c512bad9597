/* load_raw_test.c: the loader's `raw:` steps (runner/load/ifm_load_step.c,
 * ifm_load_vars.c; the notation is runner/model/ifm_raw.c, cases/README.md
 * "Raw steps").
 *
 * What must hold: `raw:` as a string or {bytes, closed_ok} is kept as
 * written (the planner decodes it) with the raw step's own variables known
 * in it; and each mistake is refused at its position: a bad escape (exact
 * in a one-line scalar, by line of the text in a block scalar), a CR that a
 * double-quoted YAML string decoded, an empty text, another request key
 * beside the bytes, an unknown key, a missing `bytes`, a raw request in a
 * parallel `do`, a capture named like a raw variable.
 */
#include <string.h>
#include "ifm_load.h"
#include "ifm_test.h"

static int has_error(const ifm_errors *e, const char *prefix, const char *sub) {
  return ifm_test_has_message(e->msgs, e->n, prefix, sub);
}

static void dump_errors(const ifm_errors *e) {
  ifm_test_print_messages(e->msgs, e->n);
}

static int load_case_text(const char *text, ifm_case_file *f, ifm_errors *err) {
  return ifm_load_case_buffer("mem.yaml", text, strlen(text), NULL, 0, f, err);
}

/* ---- raw steps ---- */

/* `raw:` as a string or {bytes, closed_ok}: kept as written (escapes are the
 * planner's), with the raw step's own variables known in it. */
static void test_raw_steps(void) {
  static const char text[] =
      "cases:\n"
      "  - id: R\n"
      "    requirement: IM-BYTES\n"
      "    title: t\n"
      "    level: MUST\n"
      "    steps:\n"
      "      - read: {}\n"
      "        capture: {e1: header.etag}\n"
      "      - raw: |\n"
      "          PUT {{path}} HTTP/1.1\\r\\n\n"
      "          Host: {{authority}}\\r\\n\n"
      "          If-Match: \"{{e1|opaque}}\\0\"\\r\\n\n"
      "          Content-Length: {{content_length}}\\r\\n\n"
      "          \\r\\n\n"
      "          v2\n"
      "        expect: {status: [400, 412]}\n"
      "      - raw: {bytes: 'GET / HTTP/1.1\\r\\n\\r\\n', closed_ok: true}\n";
  ifm_errors err = {0};
  ifm_case_file f;
  const ifm_request_spec *r;
  if (load_case_text(text, &f, &err) != 0) dump_errors(&err);
  ASSERT_EQ(err.n, 0);
  ASSERT_EQ(f.cases[0].n_steps, 3);
  r = &f.cases[0].steps[1].req;
  ASSERT_EQ(r->op, IFM_OP_REQUEST);
  ASSERT(r->method == NULL && r->path == NULL && r->n_headers == 0 && !r->has_body);
  ASSERT_STREQ(r->raw, "PUT {{path}} HTTP/1.1\\r\\n\nHost: {{authority}}\\r\\n\nIf-Match: \"{{e1|opaque}}\\0\"\\r\\n\n"
                       "Content-Length: {{content_length}}\\r\\n\n\\r\\n\nv2\n");
  ASSERT_EQ(r->raw_closed_ok, 0);
  ASSERT(f.cases[0].steps[1].expect.has_status);
  r = &f.cases[0].steps[2].req;
  ASSERT_STREQ(r->raw, "GET / HTTP/1.1\\r\\n\\r\\n");
  ASSERT_EQ(r->raw_closed_ok, 1);
  ifm_case_file_clear(&f);
  ifm_errors_clear(&err);
}

/* Every mistake in a raw step, each at its own position. */
static void test_raw_errors(void) {
  static const char text[] =
      "cases:\n"
      "  - id: R\n"
      "    requirement: IM-BYTES\n"
      "    title: t\n"
      "    level: MUST\n"
      "    steps:\n"
      "      - raw: 'GET / HTTP/1.1\\q'\n"
      "      - raw: {bytes: \"x\", method: GET}\n"
      "      - raw: ''\n"
      "      - raw: 'x\\x4'\n"
      "      - parallel: {clients: 2, do: {raw: 'x'}}\n"
      "      - raw: {closed_ok: true}\n"
      "      - raw: \"GET / HTTP/1.1\\r\\n\"\n"
      "      - raw: '{{nope}}'\n"
      "      - read: {}\n"
      "        capture: {content_length: status}\n"
      "      - raw: {bytes: 'x', closed_ok: 1, frob: 2}\n"
      "      - raw: |\n"
      "          GET / HTTP/1.1\\r\\n\n"
      "          X: a\\b\n"
      "      - raw: [x]\n";
  ifm_errors err = {0};
  ifm_case_file f;
  ASSERT_EQ(load_case_text(text, &f, &err), -1);
  ASSERT(has_error(&err, "mem.yaml:7:29: ", "'\\q': unknown escape"));
  ASSERT(has_error(&err, "mem.yaml:8:27: ", "'method' has no place in a raw step"));
  ASSERT(has_error(&err, "mem.yaml:9:15: raw: the text is empty", ""));
  ASSERT(has_error(&err, "mem.yaml:10:16: ", "\\x needs exactly two hex digits"));
  ASSERT(has_error(&err, "mem.yaml:11:37: ", "cannot be part of a parallel step's do"));
  ASSERT(has_error(&err, "mem.yaml:12:14: ", "missing required key 'bytes'"));
  ASSERT(has_error(&err, "mem.yaml:13:14: raw: line 1 of the text, a CR in the text itself", ""));
  ASSERT(has_error(&err, "mem.yaml:14:15: ", "unknown variable"));
  ASSERT(has_error(&err, "mem.yaml:16:19: ", "is a built-in variable"));
  ASSERT(has_error(&err, "mem.yaml:17:38: ", "closed_ok: expected true or false"));
  ASSERT(has_error(&err, "mem.yaml:17:41: ", "unknown key 'frob' (expected one of: bytes, closed_ok)"));
  ASSERT(has_error(&err, "mem.yaml:18:", "line 2 of the text, '\\b': unknown escape"));
  ASSERT(has_error(&err, "mem.yaml:21:14: ", "raw: expected the request's bytes as a string"));
  if (err.n != 13) dump_errors(&err);
  ASSERT_EQ(err.n, 13);
  ifm_errors_clear(&err);
}

IFM_TEST_MAIN(TEST(test_raw_steps), TEST(test_raw_errors))
