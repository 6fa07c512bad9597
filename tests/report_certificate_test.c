/* report_certificate_test.c: the certificate (reports/ifm_certificate.c). The
 * verdict rule is the one of ifm_certificate.h (no unwaived FAIL, no ERROR,
 * not interrupted, no --filter); the JSON keys and their meaning are the
 * table in reports/README.md, "Certificate"; the expected text was worked
 * out by hand from those rules and the fixed-width table the text form
 * prints. */
#include "ifm_test.h"
#include "report_fixture.h"
#include "ifm_certificate.h"
#include "ifm_sha256.h"

#include <errno.h>

static const char sha[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

typedef int (*cert_fn)(const ifm_report *, const ifm_certinfo *, FILE *);

static int write_json(const ifm_report *r, const ifm_certinfo *ci, FILE *out) {
  return ifm_certificate_write_json(r, ci, out, NULL, 0);
}

static char *render_cert(cert_fn w, const ifm_report *r, const ifm_certinfo *ci) {
  char *buf = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&buf, &size);
  int rc;

  if (!f) return NULL;
  rc = w(r, ci, f);
  fclose(f);
  if (rc != 0) {
    free(buf);
    return NULL;
  }
  return buf;
}

/* The fields point at literals: these infos are never cleared. */
static void info_init(ifm_certinfo *ci) {
  memset(ci, 0, sizeof *ci);
  ci->target_file = (char *)"targets/my-api.yaml";
  ci->suite_sha256 = (char *)sha;
  ci->suite_files = 12;
  ci->suite_cases = 40;
}

/* A run of seven cases: two unwaived FAILs of one requirement (listed
 * once), a waived FAIL, a stale waiver (waived and passed), an ERROR, a WARN
 * and a SKIP. */
static ifm_report *mixed_report(void) {
  ifm_report *r = ifm_report_new();
  ifm_result *res;

  if (!r) abort();
  r->tool_version = dup_str("0.1.0");
  r->target = dup_str("http://127.0.0.1:8080");
  r->profile = dup_str("rfc9110");
  r->started_at = dup_str("2024-05-01T12:00:00Z");
  add_case(r, "IM-STALE-412-put", "IM-STALE-412", "t", "f", IFM_MUST, IFM_FAIL, "status 204 is not in 412");
  add_case(r, "IM-STALE-412-del", "IM-STALE-412", "t", "f", IFM_MUST, IFM_FAIL, "m\n#2");
  res = add_case(r, "IM-LIST-412", "IM-LIST", "t", "f", IFM_MUST, IFM_FAIL, "m");
  res->waived = 1;
  res->waiver_reason = dup_str("known \"bug\" 42");
  res = add_case(r, "IM-WEAK", "IM-WEAK", "t", "f", IFM_MUST, IFM_PASS, NULL);
  res->waived = 1;
  res->waiver_reason = dup_str("was broken");
  add_case(r, "IM-DOWN", NULL, "t", "f", IFM_MUST, IFM_ERROR, "unreachable");
  add_case(r, "IM-ETAG", "IM-ETAG", "t", "f", IFM_SHOULD, IFM_WARN, "no ETag");
  add_case(r, "IM-PATCH", "IM-PATCH", "t", "f", IFM_MAY, IFM_SKIP, "cannot PATCH");
  return r;
}

static void test_cert_conformant(void) {
  ifm_report *r = ifm_report_new();
  ifm_certinfo ci;
  ifm_result *res;

  info_init(&ci);
  ASSERT(r != NULL);
  add_case(r, "a", "a", "t", "f", IFM_MUST, IFM_PASS, NULL);
  add_case(r, "b", "b", "t", "f", IFM_SHOULD, IFM_WARN, "m");
  add_case(r, "c", "c", "t", "f", IFM_MAY, IFM_SKIP, "m");
  res = add_case(r, "d", "d", "t", "f", IFM_MUST, IFM_FAIL, "m");
  res->waived = 1;
  ASSERT_EQ(ifm_certificate_conformant(r, &ci), 1);     /* a waived FAIL is known */
  ci.filter = (char *)"IM-*";
  ASSERT_EQ(ifm_certificate_conformant(r, &ci), 0);     /* a filtered run certifies nothing */
  ci.filter = NULL;
  r->interrupted = 1;
  ASSERT_EQ(ifm_certificate_conformant(r, &ci), 0);
  r->interrupted = 0;
  res->waived = 0;
  ASSERT_EQ(ifm_certificate_conformant(r, &ci), 0);     /* an unwaived FAIL */
  res->verdict = IFM_ERROR;
  res->waived = 1;
  ASSERT_EQ(ifm_certificate_conformant(r, &ci), 0);     /* an ERROR, waived or not */
  ifm_report_free(r);
}

static void test_cert_json(void) {
  ifm_report *r = mixed_report();
  ifm_certinfo ci;
  char *j;

  info_init(&ci);
  ci.waivers_file = (char *)"known.yaml";
  j = render_cert(write_json, r, &ci);
  ASSERT(j != NULL);
  ASSERT(strncmp(j, "{\n  \"format\": \"ifmatch-certificate\",\n  \"version\": 2,\n", 53) == 0);
  /* the verdict right after the format, and why nothing was judged (null: it was) */
  ASSERT(strncmp(j + 53, "  \"verdict\": \"NOT CONFORMANT\",\n  \"not_tested\": null,\n", 53) == 0);
  ASSERT(has_line(j, "  \"tool_version\": \"0.1.0\","));
  ASSERT(has_line(j, "  \"issued_at\": \"2024-05-01T12:00:00Z\","));
  ASSERT(has_line(j, "  \"target\": \"http://127.0.0.1:8080\","));
  ASSERT(has_line(j, "    \"target_file\": \"targets/my-api.yaml\","));
  ASSERT(has_line(j, "  \"profile\": \"rfc9110\","));
  /* files and cases of the suite; run = the results there are (7) */
  ASSERT_CONTAINS(j, "\"suite\": {\"files\": 12, \"cases\": 40, \"run\": 7, \"sha256\": \"0123456789abcdef");
  ASSERT_CONTAINS(j, "\", \"filter\": null},");
  /* per level: MUST has PASS 1 (stale), FAIL 3, ERROR 1; SHOULD WARN 1; MAY SKIP 1 */
  ASSERT_CONTAINS(j, "\"counts\": {\"MUST\": {\"PASS\": 1, \"FAIL\": 3, \"WARN\": 0, \"INFO\": 0, "
                     "\"SKIP\": 0, \"ERROR\": 1}, \"SHOULD\": {\"PASS\": 0, \"FAIL\": 0, \"WARN\": 1, "
                     "\"INFO\": 0, \"SKIP\": 0, \"ERROR\": 0}, \"MAY\": {\"PASS\": 0, \"FAIL\": 0, "
                     "\"WARN\": 0, \"INFO\": 0, \"SKIP\": 1, \"ERROR\": 0}}");
  ASSERT(has_line(j, "    \"waivers_file\": \"known.yaml\","));
  ASSERT(has_line(j, "  \"waivers\": ["));
  ASSERT(has_line(j, "    {\"case\": \"IM-LIST-412\", \"reason\": \"known \\\"bug\\\" 42\"}"));
  /* a skipped case with its reason */
  ASSERT(has_line(j, "    {\"case\": \"IM-PATCH\", \"reason\": \"cannot PATCH\"}"));
  ASSERT(has_line(j, "  \"stale_waivers\": [\"IM-WEAK\"],"));
  ASSERT(has_line(j, "  \"failures\": [\"IM-STALE-412-put\", \"IM-STALE-412-del\"],"));
  ASSERT(has_line(j, "  \"failed_requirements\": [\"IM-STALE-412\"],"));   /* each once */
  ASSERT(has_line(j, "  \"errors\": [\"IM-DOWN\"],"));
  ASSERT(has_line(j, "  \"interrupted\": false,"));
  ASSERT(has_line(j, "  \"reports\": [],"));
  ASSERT(has_line(j, "  \"signature\": null"));
  ASSERT(strlen(j) > 3 && strcmp(j + strlen(j) - 3, "\n}\n") == 0);
  ASSERT_EQ(first_bad_byte(j, strlen(j), 0), 0);
  free(j);
  ifm_report_free(r);
}

static void test_cert_json_clean_and_filtered(void) {
  ifm_report *r = ifm_report_new();
  ifm_certinfo ci;
  char *j;

  info_init(&ci);
  ci.target_file = NULL;                 /* --url or the embedded server */
  ASSERT(r != NULL);
  add_case(r, "a", "a", "t", "f", IFM_MUST, IFM_PASS, NULL);
  j = render_cert(write_json, r, &ci);
  ASSERT(j != NULL);
  ASSERT(has_line(j, "    \"target_file\": null,"));
  ASSERT(has_line(j, "  \"tool_version\": null,"));
  ASSERT(has_line(j, "    \"waivers_file\": null,"));
  ASSERT(has_line(j, "  \"waivers\": [],"));
  ASSERT(has_line(j, "  \"failures\": [],"));
  ASSERT(has_line(j, "  \"failed_requirements\": [],"));
  ASSERT(has_line(j, "  \"verdict\": \"CONFORMANT\","));
  free(j);
  /* a waived FAIL: still conformant, and the verdict says with how many waivers */
  add_case(r, "b", "b", "t", "f", IFM_MUST, IFM_FAIL, "m")->waived = 1;
  j = render_cert(write_json, r, &ci);
  ASSERT(j != NULL);
  ASSERT(has_line(j, "  \"verdict\": \"CONFORMANT WITH 1 WAIVER\","));
  free(j);
  ci.filter = (char *)"IM-\"x\"*";
  j = render_cert(write_json, r, &ci);
  ifm_report_free(r);
  ASSERT(j != NULL);
  ASSERT_CONTAINS(j, "\"filter\": \"IM-\\\"x\\\"*\"}");
  ASSERT(has_line(j, "  \"verdict\": \"NOT CONFORMANT\","));
  free(j);
}

static void test_cert_text(void) {
  ifm_report *r = mixed_report();
  ifm_certinfo ci;
  char *t;

  info_init(&ci);
  t = render_cert(ifm_certificate_write_text, r, &ci);
  ASSERT(t != NULL);
  ASSERT(strncmp(t, "ifmatch certificate: NOT CONFORMANT\n", 36) == 0);   /* the verdict on the first line */
  ASSERT(has_line(t, "Verdict:      NOT CONFORMANT"));
  ASSERT(has_line(t, "Target:       http://127.0.0.1:8080 (targets/my-api.yaml)"));
  ASSERT(has_line(t, "Profile:      rfc9110"));
  ASSERT(has_line(t, "Suite:        ifmatch 0.1.0, 40 cases in 12 files, sha256 "
                     "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
  ASSERT(strstr(t, "Filter:") == NULL);
  ASSERT(has_line(t, "Issued:       2024-05-01T12:00:00Z"));
  /* "%-7s" then six " %5zu" columns */
  ASSERT(has_line(t, "level    pass  fail  warn  info  skip error"));
  ASSERT(has_line(t, "MUST        1     3     0     0     0     1"));
  ASSERT(has_line(t, "SHOULD      0     0     1     0     0     0"));
  ASSERT(has_line(t, "MAY         0     0     0     0     1     0"));
  ASSERT(has_line(t, "FAIL   IM-STALE-412-put (IM-STALE-412): status 204 is not in 412"));
  /* a message is one line, escaped like TAP: "\n" and "\#"; a 7-wide first column */
  ASSERT(has_line(t, "FAIL   IM-STALE-412-del (IM-STALE-412): m\\n\\#2"));
  ASSERT(has_line(t, "Waived:       1 failure the vendor declared (each with its reason):"));
  ASSERT(has_line(t, "  WAIVED IM-LIST-412 (IM-LIST): known \"bug\" 42"));
  ASSERT(strstr(t, "Waived:") < strstr(t, "level    pass"));       /* listed before the table */
  ASSERT(has_line(t, "STALE  IM-WEAK (IM-WEAK): was broken"));
  ASSERT(has_line(t, "ERROR  IM-DOWN (?): unreachable"));
  ASSERT(strstr(t, "IM-ETAG") == NULL);              /* a WARN is not listed */
  ASSERT(has_line(t, "SKIP   IM-PATCH (IM-PATCH): cannot PATCH"));   /* a SKIP is, with its reason */
  ASSERT(has_line(t, "Check it: ifmatch verify certificate.json (with its reports beside it)"));
  ASSERT(strstr(t, "interrupted") == NULL);
  free(t);
  r->interrupted = 1;
  ci.filter = (char *)"IM-STALE*";
  ci.target_file = NULL;
  t = render_cert(ifm_certificate_write_text, r, &ci);
  ifm_report_free(r);
  ASSERT(t != NULL);
  ASSERT(has_line(t, "Target:       http://127.0.0.1:8080"));
  ASSERT(has_line(t, "Filter:       IM-STALE* (a filtered run cannot certify)"));
  ASSERT(has_line(t, "The run was interrupted: the results are partial."));
  free(t);
}

static void test_cert_clean_text(void) {
  ifm_report *r = ifm_report_new();
  ifm_certinfo ci;
  char *t;

  info_init(&ci);
  ASSERT(r != NULL);
  add_case(r, "a", "a", "t", "f", IFM_MUST, IFM_PASS, NULL);
  t = render_cert(ifm_certificate_write_text, r, &ci);
  ifm_report_free(r);
  ASSERT(t != NULL);
  ASSERT(has_line(t, "Verdict:      CONFORMANT"));
  ASSERT(has_line(t, "Profile:      ?"));              /* unknown fields say so */
  ASSERT(has_line(t, "MUST        1     0     0     0     0     0"));
  free(t);
}

static void test_cert_write_errors(void) {
  ifm_report *r = mixed_report();
  ifm_certinfo ci;
  FILE *full = fopen("/dev/full", "w");      /* every write fails: ENOSPC */

  info_init(&ci);
  ASSERT(full != NULL);
  errno = 0;
  ASSERT_EQ(ifm_certificate_write_json(r, &ci, full, NULL, 0), -1);
  ASSERT_EQ(errno, ENOSPC);
  clearerr(full);
  errno = 0;
  ASSERT_EQ(ifm_certificate_write_text(r, &ci, full), -1);
  ASSERT_EQ(errno, ENOSPC);
  fclose(full);
  ifm_report_free(r);
}

/* Everything the verdict was reached with is in the JSON, and its pins in
 * the text. */
static void test_cert_inputs(void) {
  ifm_report *r = mixed_report();
  ifm_certinfo ci;
  char *j, *t;

  info_init(&ci);
  ci.profile_file = (char *)"cases/profiles/rfc9110.yaml";
  ci.profile_sha256 = (char *)sha;
  ci.target_sha256 = (char *)sha;
  ci.target_text = (char *)"name: \"x\"\nheaders: {Authorization: <redacted>}\n";
  ci.waivers_file = (char *)"known.yaml";
  ci.waivers_sha256 = (char *)sha;
  ASSERT_EQ(ifm_certinfo_add_override(&ci, "missing_if_match", "[428, 400]", "t.yaml:7:5"), 0);
  ASSERT_EQ(ifm_certinfo_add_capability(&ci, "patch"), 0);
  ASSERT_EQ(ifm_certinfo_add_capability(&ci, "put_create"), 0);
  ASSERT_EQ(ifm_certinfo_add_report(&ci, "ifmatch.json", sha), 0);
  j = render_cert(write_json, r, &ci);
  t = render_cert(ifm_certificate_write_text, r, &ci);
  ASSERT(j != NULL && t != NULL);
  ASSERT(has_line(j, "    \"profile_file\": \"cases/profiles/rfc9110.yaml\","));
  ASSERT(has_line(j, "    \"target_text\": \"name: \\\"x\\\"\\nheaders: {Authorization: <redacted>}\\n\","));
  ASSERT(has_line(j, "    \"profile_overrides\": [{\"key\": \"missing_if_match\", \"statuses\": \"[428, 400]\", "
                     "\"at\": \"t.yaml:7:5\"}],"));
  ASSERT(has_line(j, "    \"capabilities\": [\"patch\", \"put_create\"],"));
  ASSERT_CONTAINS(j, "\"reports\": [{\"file\": \"ifmatch.json\", \"sha256\": \"0123456789abcdef");
  ASSERT(has_line(t, "Overrides:    missing_if_match = [428, 400] (t.yaml:7:5)"));
  ASSERT(has_line(t, "Capabilities: patch put_create"));
  ASSERT_CONTAINS(t, "Target file:  sha256 0123456789abcdef");
  ASSERT_CONTAINS(t, "Waivers file: known.yaml sha256 0123456789abcdef");
  free(j);
  free(t);
  /* the owned copies the add functions made */
  free(ci.overrides[0].key), free(ci.overrides[0].statuses), free(ci.overrides[0].at), free(ci.overrides);
  free(ci.capabilities[0]), free(ci.capabilities[1]), free(ci.capabilities);
  free(ci.reports[0].name), free(ci.reports);
  ifm_report_free(r);
}

static size_t signed_bytes;
static char *signed_copy;

/* A stand-in signer: keeps what it was asked to sign. */
static int fake_sign_cb(const void *msg, size_t len, char *sig, size_t siglen, char *err, size_t errlen,
                        void *ctx) {
  (void)err, (void)errlen;
  if (ctx) return -1;
  signed_bytes = len;
  free(signed_copy);
  signed_copy = malloc(len);
  if (signed_copy) memcpy(signed_copy, msg, len);
  snprintf(sig, siglen, "c2ln");
  return 0;
}

static int fail_sign_cb(const void *msg, size_t len, char *sig, size_t siglen, char *err, size_t errlen,
                        void *ctx) {
  (void)msg, (void)len, (void)sig, (void)siglen, (void)ctx;
  snprintf(err, errlen, "no key");
  return -1;
}

/* The digest is SHA-256 over every byte before ',\n  "digest"', the
 * signature is over those same bytes, and the same inputs give the same
 * bytes (verify relies on it). */
static void test_cert_digest_and_signature(void) {
  ifm_report *r = mixed_report();
  ifm_certinfo ci;
  char *j, *j2, hex[65], line[128], err[64];
  size_t body;
  FILE *f;

  info_init(&ci);
  ci.sig_algorithm = (char *)"ed25519";
  ci.sig_public_key = (char *)"cHVi";
  ci.sign = fake_sign_cb;
  j = render_cert(write_json, r, &ci);
  j2 = render_cert(write_json, r, &ci);
  ASSERT(j != NULL && j2 != NULL);
  ASSERT_STREQ(j, j2);
  body = ifm_certificate_signed_len(j, strlen(j));
  ASSERT(body > 0);
  ASSERT(strncmp(j + body, ",\n  \"digest\": \"sha256:", 22) == 0);
  ifm_sha256_hex(j, body, hex);
  snprintf(line, sizeof line, "  \"digest\": \"sha256:%s\",", hex);
  ASSERT(has_line(j, line));
  ASSERT_EQ(signed_bytes, body);
  ASSERT(signed_copy && memcmp(signed_copy, j, body) == 0);
  ASSERT(has_line(j, "  \"signature\": {\"algorithm\": \"ed25519\", \"public_key\": \"cHVi\", \"value\": \"c2ln\"}"));
  ASSERT_EQ(ifm_certificate_signed_len("{}", 2), 0);
  free(signed_copy);
  signed_copy = NULL;
  free(j);
  free(j2);
  /* verify: no signer, the value as read is written back */
  ci.sign = NULL;
  ci.sig_value = (char *)"dmFs";
  j = render_cert(write_json, r, &ci);
  ASSERT(j != NULL);
  ASSERT_CONTAINS(j, "\"value\": \"dmFs\"}");
  free(j);
  /* a signer that fails: nothing is written, and the reason is given */
  ci.sign = fail_sign_cb;
  f = tmpfile();
  ASSERT(f != NULL);
  errno = 0;
  ASSERT_EQ(ifm_certificate_write_json(r, &ci, f, err, sizeof err), -1);
  ASSERT_EQ(errno, EINVAL);
  ASSERT_STREQ(err, "cannot sign the certificate: no key");
  ASSERT_EQ(ftell(f), 0);
  fclose(f);
  ifm_report_free(r);
}

IFM_TEST_MAIN(
  TEST(test_cert_conformant),
  TEST(test_cert_json),
  TEST(test_cert_json_clean_and_filtered),
  TEST(test_cert_text),
  TEST(test_cert_clean_text),
  TEST(test_cert_write_errors),
  TEST(test_cert_inputs),
  TEST(test_cert_digest_and_signature)
)
