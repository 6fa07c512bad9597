/* report_escape_test.c: the escaping table the writers share
 * (reports/ifm_escape.c): the strict UTF-8 decoder (RFC 3629), each style's
 * output for one input holding every kind of unit, the numbers, and cutting
 * on unit boundaries. The expected strings come from the format
 * specifications (RFC 8259, YAML 1.2 double-quoted escapes, TAP 14, XML 1.0),
 * worked out by hand. Split from the former tests/report_test.c. */
#include "ifm_test.h"
#include "ifm_escape.h"

#include <math.h>

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

IFM_TEST_MAIN(
  TEST(test_utf8_decoder),
  TEST(test_escape_json),
  TEST(test_escape_yaml_tap),
  TEST(test_escape_xml_html),
  TEST(test_numbers),
  TEST(test_escape_prefix)
)
