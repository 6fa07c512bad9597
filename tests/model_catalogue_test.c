/* model_catalogue_test.c: the compiled requirement catalogue
 * (runner/model/ifm_catalogue.c) keeps ifm_catalogue.h's promises. The
 * numbers run 1..39 in order and the IDs are unique and found; every entry
 * has the rule a report shows next to a FAIL and the fix it suggests: both
 * non-empty plain ASCII, the rule naming every RFC its spec field cites (or,
 * for a requirement of a profile, the profile), its quotations closed and its
 * length about 400 characters at most; the fix a sentence or two ending with
 * a period. That each quotation is verbatim was checked against the RFC text
 * by hand; this test keeps the shape. */
#include <stdio.h>
#include <string.h>
#include "ifm_catalogue.h"
#include "ifm_test.h"

/* 1 when s is non-empty printable ASCII (no control bytes, no byte >= 0x80). */
static int plain_ascii(const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  if (!s || !*s) return 0;
  for (; *p; p++)
    if (*p < 0x20 || *p > 0x7e) return 0;
  return 1;
}

static void test_numbers_and_ids(void) {
  size_t i, j, n = ifm_catalogue_count();
  ASSERT_EQ(n, 39);
  ASSERT(ifm_catalogue_at(n) == NULL);
  for (i = 0; i < n; i++) {
    const ifm_requirement *r = ifm_catalogue_at(i);
    ASSERT(r != NULL);
    ASSERT_EQ(r->number, (int)i + 1);
    ASSERT(ifm_catalogue_find(r->id) == r);
    for (j = 0; j < i; j++) ASSERT(strcmp(ifm_catalogue_at(j)->id, r->id) != 0);
  }
  ASSERT(ifm_catalogue_find("IM-NO-SUCH") == NULL);
  ASSERT(ifm_catalogue_find(NULL) == NULL);
}

static void test_strings_are_plain_ascii(void) {
  size_t i;
  for (i = 0; i < ifm_catalogue_count(); i++) {
    const ifm_requirement *r = ifm_catalogue_at(i);
    if (!plain_ascii(r->id) || !plain_ascii(r->spec) || !plain_ascii(r->summary) ||
        !plain_ascii(r->rule) || !plain_ascii(r->fix))
      IFM_TEST_FAIL_("%s: a string is empty or not plain ASCII", r->id);
  }
}

/* The rule cites what the spec field cites: each "RFC NNNN" of the spec, or
 * the spec itself where it names no RFC (IM-RACE-STAR-LWW: "cpp profile"). */
static void test_rule_names_the_spec(void) {
  size_t i;
  for (i = 0; i < ifm_catalogue_count(); i++) {
    const ifm_requirement *r = ifm_catalogue_at(i);
    const char *p = r->spec;
    int rfcs = 0;
    while ((p = strstr(p, "RFC ")) != NULL) {
      char name[16];
      size_t len = 4 + strspn(p + 4, "0123456789");
      ASSERT(len > 4 && len < sizeof name);
      memcpy(name, p, len);
      name[len] = '\0';
      if (!strstr(r->rule, name))
        IFM_TEST_FAIL_("%s: the spec cites %s, the rule does not: %s", r->id, name, r->rule);
      rfcs++;
      p += len;
    }
    if (rfcs == 0 && !strstr(r->rule, r->spec))
      IFM_TEST_FAIL_("%s: the rule does not name '%s'", r->id, r->spec);
  }
  /* the one requirement of a profile says so, and quotes no RFC */
  ASSERT_STREQ(ifm_catalogue_find("IM-RACE-STAR-LWW")->spec, "cpp profile");
  ASSERT(strchr(ifm_catalogue_find("IM-RACE-STAR-LWW")->rule, '"') == NULL);
}

static void test_rule_shape(void) {
  size_t i;
  for (i = 0; i < ifm_catalogue_count(); i++) {
    const ifm_requirement *r = ifm_catalogue_at(i);
    const char *p;
    size_t quotes = 0;
    for (p = r->rule; *p; p++) quotes += *p == '"';
    if (quotes % 2)
      IFM_TEST_FAIL_("%s: an unclosed quotation in the rule: %s", r->id, r->rule);
    if (strlen(r->rule) > 450)
      IFM_TEST_FAIL_("%s: the rule has %zu characters (about 400 at most)", r->id, strlen(r->rule));
    if (strstr(r->rule, "  "))
      IFM_TEST_FAIL_("%s: two spaces in a row in the rule (a literal joined badly?)", r->id);
  }
  /* spot checks of text verified against RFC 9110 and RFC 5789 */
  ASSERT_CONTAINS(ifm_catalogue_find("IM-STALE-412")->rule,
                  "RFC 9110 13.1.1: \"An origin server that evaluates an If-Match condition MUST NOT perform "
                  "the requested method if the condition evaluates to false.");
  ASSERT_CONTAINS(ifm_catalogue_find("IM-WEAK-NEVER")->rule,
                  "\"An origin server MUST use the strong comparison function when comparing entity tags for "
                  "If-Match");
  ASSERT_CONTAINS(ifm_catalogue_find("IM-PATCH-ATOMIC")->rule,
                  "RFC 5789 2: \"The server MUST apply the entire set of changes atomically");
}

static void test_fix_shape(void) {
  size_t i;
  for (i = 0; i < ifm_catalogue_count(); i++) {
    const ifm_requirement *r = ifm_catalogue_at(i);
    size_t len = strlen(r->fix);
    if (len < 40 || r->fix[len - 1] != '.')
      IFM_TEST_FAIL_("%s: the fix is not a sentence ending with a period: %s", r->id, r->fix);
    if (len > 260)
      IFM_TEST_FAIL_("%s: the fix has %zu characters (a sentence or two)", r->id, len);
    if (strstr(r->fix, "  "))
      IFM_TEST_FAIL_("%s: two spaces in a row in the fix (a literal joined badly?)", r->id);
  }
}

IFM_TEST_MAIN(TEST(test_numbers_and_ids), TEST(test_strings_are_plain_ascii), TEST(test_rule_names_the_spec),
              TEST(test_rule_shape), TEST(test_fix_shape))
