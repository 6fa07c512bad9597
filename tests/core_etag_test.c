/* core_etag_test.c: the entity-tag grammar, comparison and If-Match /
 * If-None-Match list handling of core/ifm_etag.c against RFC 9110 and the
 * grammar edges of REQUIREMENTS.md items 7-17.
 *
 * Every input is copied into a heap buffer of exactly its length, so that
 * AddressSanitizer reports any read past `len` (values are not
 * NUL-terminated). Expected values are read off the RFC text cited above
 * each group, never taken from the code's own output.
 */
#include "ifm_etag.h"
#include "ifm_test.h"

/* ---- helpers ---------------------------------------------------------- */

#define MAX_LINES 8

/* A field under test: its lines (exact-size copies), the list, the error. */
typedef struct field {
  ifm_list l;
  char *buf[MAX_LINES];
  size_t nbuf;
  ifm_perr err;
} field;

static char *dup_exact(const char *s, size_t len) {
  char *p = malloc(len ? len : 1);
  if (!p) abort();
  if (len) memcpy(p, s, len);
  return p;
}

static void field_init(field *f) {
  memset(f, 0, sizeof *f);
  ifm_list_init(&f->l);
}

static void field_free(field *f) {
  size_t i;
  for (i = 0; i < f->nbuf; i++) free(f->buf[i]);
  ifm_list_clear(&f->l);
  memset(f, 0, sizeof *f);
}

/* Adds one line of explicit length; returns ifm_list_add_line's result. */
static int field_addn(field *f, const char *s, size_t len) {
  char *p = dup_exact(s, len);
  if (f->nbuf == MAX_LINES) abort();
  f->buf[f->nbuf++] = p;
  f->err.msg = NULL;
  return ifm_list_add_line(&f->l, p, len, &f->err);
}

static int field_add(field *f, const char *s) {
  return field_addn(f, s, strlen(s));
}

/* A one-line field; returns the add_line result. */
static int field_one(field *f, const char *s) {
  field_init(f);
  return field_add(f, s);
}

static ifm_etag tag(const char *opaque, int weak) {
  ifm_etag t;
  t.weak = weak;
  t.opaque = opaque;
  t.len = strlen(opaque);
  return t;
}

/* Parses s (exact-size copy) as one entity-tag; the copy is freed, so only
 * the result code and the error survive. */
static int parse_err(const char *s, size_t len, ifm_perr *err) {
  char *p = dup_exact(s, len);
  ifm_etag t;
  int rc;
  err->msg = NULL;
  rc = ifm_etag_parse(p, len, &t, err);
  free(p);
  return rc;
}

/* The current representation's tag used by the list tests: "e1". */
static const char E_OPAQUE[] = "e1";

/* ---- RFC 9110 section 8.8.3: entity-tag syntax ------------------------- */

/* 8.8.3: opaque-tag = DQUOTE *etagc DQUOTE; the opaque data is between the quotes. */
static void test_parse_strong(void) {
  char *p = dup_exact("\"xyzzy\"", 7);
  ifm_etag t;
  ASSERT_EQ(ifm_etag_parse(p, 7, &t, NULL), 0);
  ASSERT_EQ(t.weak, 0);
  ASSERT(t.opaque == p + 1);
  ASSERT_MEMEQ(t.opaque, t.len, "xyzzy", 5);
  free(p);
}

/* 8.8.3: weak = %s"W/" marks a weak validator. */
static void test_parse_weak(void) {
  char *p = dup_exact("W/\"xyzzy\"", 9);
  ifm_etag t;
  ASSERT_EQ(ifm_etag_parse(p, 9, &t, NULL), 0);
  ASSERT_EQ(t.weak, 1);
  ASSERT(t.opaque == p + 3);
  ASSERT_MEMEQ(t.opaque, t.len, "xyzzy", 5);
  free(p);
}

/* 8.8.3: *etagc allows zero characters, so "" and W/"" are tags. */
static void test_parse_empty_opaque(void) {
  ifm_etag t;
  ASSERT_EQ(ifm_etag_parse("\"\"", 2, &t, NULL), 0);
  ASSERT_EQ(t.weak, 0);
  ASSERT_EQ(t.len, 0);
  ASSERT_EQ(ifm_etag_parse("W/\"\"", 4, &t, NULL), 0);
  ASSERT_EQ(t.weak, 1);
  ASSERT_EQ(t.len, 0);
}

/* 8.8.3: etagc = %x21 / %x23-7E / obs-text; ',', '*', '\' and 0x80-0xFF are
 * ordinary; there is no quoted-pair, so "a\" ends at its second quote. */
static void test_parse_etagc_range(void) {
  char all[2 + 93 + 128];
  size_t n = 0;
  int c;
  ifm_etag t;
  ifm_perr err;
  all[n++] = '"';
  for (c = 0x21; c <= 0xFF; c++)
    if (c != 0x22 && c != 0x7F) all[n++] = (char)c;
  all[n++] = '"';
  ASSERT_EQ(n, sizeof all);
  ASSERT_EQ(parse_err(all, n, &err), 0);
  ASSERT_EQ(ifm_etag_parse(all, n, &t, NULL), 0);
  ASSERT_EQ(t.len, n - 2);
  ASSERT_EQ(ifm_etag_parse("\"a,b\"", 5, &t, NULL), 0);
  ASSERT_MEMEQ(t.opaque, t.len, "a,b", 3);
  ASSERT_EQ(ifm_etag_parse("\"*\"", 3, &t, NULL), 0);
  ASSERT_MEMEQ(t.opaque, t.len, "*", 1);
  ASSERT_EQ(ifm_etag_parse("\"a\\\"", 4, &t, NULL), 0);
  ASSERT_MEMEQ(t.opaque, t.len, "a\\", 2);
}

/* 8.8.3: everything outside the ABNF is refused, with where and why. */
static void test_parse_malformed(void) {
  static const struct { const char *in; size_t len, off; const char *msg; } bad[] = {
    {"", 0, 0, "expected '\"' to start an entity-tag"},
    {"o", 1, 0, "expected '\"' to start an entity-tag"},
    {"o\"", 2, 0, "expected '\"' to start an entity-tag"},
    {"\"o", 2, 0, "unterminated entity-tag"},
    {"W/", 2, 2, "W/ must be followed by a quoted tag"},
    {"W/o", 3, 2, "W/ must be followed by a quoted tag"},
    {"W\"o\"", 4, 0, "expected '\"' to start an entity-tag"},
    {"w/\"o\"", 5, 0, "case-sensitive"},
    {"\"a b\"", 5, 2, "space in entity-tag"},
    {"\"a\tb\"", 5, 2, "control character in entity-tag"},
    {"\"a\rb\"", 5, 2, "control character in entity-tag"},
    {"\"a\nb\"", 5, 2, "control character in entity-tag"},
    {"\"a\0b\"", 5, 2, "control character in entity-tag"},
    {"\"a\x7f" "b\"", 5, 2, "control character in entity-tag"},
    {"\"a\"b", 4, 3, "unexpected bytes after entity-tag"},
    {"\"a\" ", 4, 3, "unexpected bytes after entity-tag"},
    {" \"a\"", 4, 0, "expected '\"' to start an entity-tag"},
    {"\"a\", \"b\"", 8, 3, "unexpected bytes after entity-tag"},
  };
  size_t i;
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    ifm_perr err = {99, 99, NULL};
    if (parse_err(bad[i].in, bad[i].len, &err) != -1)
      IFM_TEST_FAIL_("case %zu parsed: %.*s", i, (int)bad[i].len, bad[i].in);
    ASSERT_EQ(err.line, 0);
    if (err.offset != bad[i].off)
      IFM_TEST_FAIL_("case %zu: offset %zu, want %zu", i, err.offset, bad[i].off);
    ASSERT_CONTAINS(err.msg, bad[i].msg);
  }
  ASSERT_EQ(ifm_etag_parse("o", 1, NULL, NULL), -1);   /* err may be NULL */
}

/* 8.8.3: scan takes one tag and reports its length; the rest is not read. */
static void test_scan_used(void) {
  ifm_etag t;
  size_t used = 0;
  char *p = dup_exact("W/\"x\", \"y\"", 10);
  ASSERT_EQ(ifm_etag_scan(p, 10, &t, &used, NULL), 0);
  ASSERT_EQ(used, 5);
  ASSERT_EQ(t.weak, 1);
  ASSERT_MEMEQ(t.opaque, t.len, "x", 1);
  /* "y with its closing quote outside len is unterminated. */
  ASSERT_EQ(ifm_etag_scan(p + 7, 2, &t, &used, NULL), -1);
  free(p);
}

/* 8.8.3: format gives the wire form, and parse(format(x)) == x. */
static void test_format_roundtrip(void) {
  static const struct { const char *opaque; int weak; const char *wire; } cases[] = {
    {"xyzzy", 0, "\"xyzzy\""}, {"xyzzy", 1, "W/\"xyzzy\""}, {"", 0, "\"\""},
    {"", 1, "W/\"\""}, {"a,b", 0, "\"a,b\""}, {"*", 0, "\"*\""},
    {"a\\", 0, "\"a\\\""}, {"\x80\xff", 1, "W/\"\x80\xff\""},
  };
  size_t i;
  char buf[64];
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    ifm_etag in = tag(cases[i].opaque, cases[i].weak), out;
    size_t n = ifm_etag_format(&in, buf, sizeof buf);
    ASSERT_EQ(n, strlen(cases[i].wire));
    ASSERT_STREQ(buf, cases[i].wire);
    ASSERT_EQ(ifm_etag_parse(buf, n, &out, NULL), 0);
    ASSERT_EQ(out.weak, in.weak);
    ASSERT_MEMEQ(out.opaque, out.len, in.opaque, in.len);
  }
}

/* Like snprintf: the needed length always, truncated and NUL-terminated. */
static void test_format_truncates(void) {
  ifm_etag t = tag("ab", 1);
  char buf[8];
  memset(buf, 'x', sizeof buf);
  ASSERT_EQ(ifm_etag_format(&t, buf, 0), 6);
  ASSERT_EQ(buf[0], 'x');
  ASSERT_EQ(ifm_etag_format(&t, NULL, 0), 6);
  ASSERT_EQ(ifm_etag_format(&t, buf, 3), 6);
  ASSERT_STREQ(buf, "W/");
  ASSERT_EQ(ifm_etag_format(&t, buf, 6), 6);
  ASSERT_STREQ(buf, "W/\"ab");
  ASSERT_EQ(ifm_etag_format(&t, buf, 7), 6);
  ASSERT_STREQ(buf, "W/\"ab\"");
}

/* ---- RFC 9110 section 8.8.3.2: the comparison table -------------------- */

static void test_compare_table(void) {
  static const struct { const char *a; int aw; const char *b; int bw; int strong, weak; } rows[] = {
    {"1", 1, "1", 1, 0, 1},   /* W/"1"  W/"1"  no match  match */
    {"1", 1, "2", 1, 0, 0},   /* W/"1"  W/"2"  no match  no match */
    {"1", 1, "1", 0, 0, 1},   /* W/"1"  "1"    no match  match */
    {"1", 0, "1", 0, 1, 1},   /* "1"    "1"    match     match */
  };
  size_t i;
  for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    ifm_etag a = tag(rows[i].a, rows[i].aw), b = tag(rows[i].b, rows[i].bw);
    ASSERT_EQ(ifm_etag_strong_eq(&a, &b), rows[i].strong);
    ASSERT_EQ(ifm_etag_strong_eq(&b, &a), rows[i].strong);
    ASSERT_EQ(ifm_etag_weak_eq(&a, &b), rows[i].weak);
    ASSERT_EQ(ifm_etag_weak_eq(&b, &a), rows[i].weak);
  }
}

/* 8.8.3.2: character-by-character comparison: case and bytes matter. */
static void test_compare_octets(void) {
  ifm_etag a = tag("AbC", 0), b = tag("aBc", 0), c = tag("\x80\xff", 0),
           d = tag("\x80\xfe", 0), e = tag("", 0), f = tag("", 0), g = tag("AbCd", 0);
  ASSERT_EQ(ifm_etag_strong_eq(&a, &b), 0);
  ASSERT_EQ(ifm_etag_weak_eq(&a, &b), 0);
  ASSERT_EQ(ifm_etag_strong_eq(&c, &d), 0);
  ASSERT_EQ(ifm_etag_strong_eq(&c, &c), 1);
  ASSERT_EQ(ifm_etag_strong_eq(&e, &f), 1);   /* "" vs "" */
  ASSERT_EQ(ifm_etag_strong_eq(&a, &g), 0);   /* prefix is not equal */
}

/* ---- RFC 9110 13.1.1 with 5.6.1: If-Match lists (items 7-12) ----------- */

/* 13.1.1: true when any listed tag strongly matches (IM-LIST-ANY). */
static void test_list_any_position(void) {
  static const char *const match[] = {
    "\"e1\", \"x\", \"y\"", "\"x\", \"e1\", \"y\"", "\"x\", \"y\", \"e1\"", "\"e1\"",
  };
  ifm_etag cur = tag(E_OPAQUE, 0);
  field f;
  size_t i;
  for (i = 0; i < sizeof match / sizeof match[0]; i++) {
    ASSERT_EQ(field_one(&f, match[i]), 0);
    ASSERT_EQ(f.l.star, 0);
    ASSERT_EQ(ifm_list_if_match(&f.l, 1, &cur), 1);
    field_free(&f);
  }
  ASSERT_EQ(field_one(&f, "\"x\", \"y\", \"z\""), 0);
  ASSERT_EQ(f.l.n, 3);
  ASSERT_EQ(ifm_list_if_match(&f.l, 1, &cur), 0);
  field_free(&f);
}

/* 5.3: several field lines combine in order into one list (IM-LIST-LINES). */
static void test_list_two_lines(void) {
  ifm_etag cur = tag(E_OPAQUE, 0);
  field f;
  field_init(&f);
  ASSERT_EQ(field_add(&f, "\"x\""), 0);
  ASSERT_EQ(field_add(&f, "\"e1\""), 0);
  ASSERT_EQ(f.l.lines, 2);
  ASSERT_EQ(f.l.n, 2);
  ASSERT_MEMEQ(f.l.tags[0].opaque, f.l.tags[0].len, "x", 1);
  ASSERT_MEMEQ(f.l.tags[1].opaque, f.l.tags[1].len, "e1", 2);
  ASSERT_EQ(ifm_list_if_match(&f.l, 1, &cur), 1);
  field_free(&f);
  field_init(&f);
  ASSERT_EQ(field_add(&f, "\"e1\""), 0);
  ASSERT_EQ(field_add(&f, "\"x\""), 0);
  ASSERT_EQ(ifm_list_if_match(&f.l, 1, &cur), 1);
  field_free(&f);
  field_init(&f);
  ASSERT_EQ(field_add(&f, "\"x\", \"y\""), 0);
  ASSERT_EQ(field_add(&f, "\"z\""), 0);
  ASSERT_EQ(f.l.n, 3);
  ASSERT_EQ(ifm_list_if_match(&f.l, 1, &cur), 0);
  field_free(&f);
}

/* 5.6.1 / 5.6.3: OWS (SP / HTAB) around commas and around the value (IM-LIST-OWS). */
static void test_list_ows(void) {
  static const char *const forms[] = {
    "\"x\",\"e1\",\"y\"", "\"x\" , \"e1\" , \"y\"", "\"x\"\t,\t\"e1\"\t,\t\"y\"",
    " \t \"x\" \t,  \"e1\",\t \"y\" \t ", "\t\"x\",\"e1\",\"y\"\t",
  };
  ifm_etag cur = tag(E_OPAQUE, 0);
  field f;
  size_t i;
  for (i = 0; i < sizeof forms / sizeof forms[0]; i++) {
    ASSERT_EQ(field_one(&f, forms[i]), 0);
    ASSERT_EQ(f.l.n, 3);
    ASSERT_MEMEQ(f.l.tags[1].opaque, f.l.tags[1].len, "e1", 2);
    ASSERT_EQ(ifm_list_if_match(&f.l, 1, &cur), 1);
    field_free(&f);
  }
}

/* 5.6.1.2: a recipient MUST accept empty list elements (IM-LIST-EMPTY). */
static void test_list_empty_elements(void) {
  ifm_etag cur = tag(E_OPAQUE, 0);
  field f;
  ASSERT_EQ(field_one(&f, ", \"x\" ,, \"e1\" ,"), 0);
  ASSERT_EQ(f.l.n, 2);
  ASSERT_EQ(ifm_list_if_match(&f.l, 1, &cur), 1);
  field_free(&f);
  ASSERT_EQ(field_one(&f, ",,,\t, ,"), 0);
  ASSERT_EQ(f.l.n, 0);
  ASSERT_EQ(f.l.star, 0);
  field_free(&f);
}

/* 8.8.3: ',' is an etagc, so "a,o,b" is ONE tag (IM-COMMA-IN-TAG). */
static void test_list_comma_in_tag(void) {
  ifm_etag cur = tag("o", 0);
  field f;
  ASSERT_EQ(field_one(&f, "\"a,o,b\""), 0);
  ASSERT_EQ(f.l.n, 1);
  ASSERT_MEMEQ(f.l.tags[0].opaque, f.l.tags[0].len, "a,o,b", 5);
  ASSERT_EQ(ifm_list_if_match(&f.l, 1, &cur), 0);
  field_free(&f);
}

/* Builds "t00000", "t00001", ... with E last when e_last; returns its length. */
static char *many_tags(size_t n, int e_last, size_t *len) {
  char *s = malloc(n * 10 + 16), *p = s;
  size_t i;
  if (!s) abort();
  for (i = 0; i + 1 < n || (!e_last && i < n); i++)
    p += sprintf(p, "%s\"t%05zu\"", i ? ", " : "", i % 100000);
  if (e_last) p += sprintf(p, "%s\"e1\"", n > 1 ? ", " : "");
  *len = (size_t)(p - s);
  return s;
}

/* 5.4 / IM-SIZE: 1,000 tags with E last. */
static void test_list_1000_tags(void) {
  ifm_etag cur = tag(E_OPAQUE, 0);
  field f;
  size_t len;
  char *s = many_tags(1000, 1, &len);
  field_init(&f);
  ASSERT_EQ(field_addn(&f, s, len), 0);
  free(s);
  ASSERT_EQ(f.l.n, 1000);
  ASSERT_MEMEQ(f.l.tags[999].opaque, f.l.tags[999].len, "e1", 2);
  ASSERT_EQ(ifm_list_if_match(&f.l, 1, &cur), 1);
  field_free(&f);
}

/* Linear behaviour: 100,000 tags in a ~1 MiB line, and 100,000 lines. */
static void test_list_100000_tags(void) {
  ifm_etag cur = tag(E_OPAQUE, 0);
  ifm_list l;
  size_t len, i;
  char *s = many_tags(100000, 1, &len);
  char *line = dup_exact("\"e1\"", 4);
  ASSERT_GE(len, 990000);
  ifm_list_init(&l);
  ASSERT_EQ(ifm_list_add_line(&l, s, len, NULL), 0);
  ASSERT_EQ(l.n, 100000);
  ASSERT_EQ(ifm_list_if_match(&l, 1, &cur), 1);
  ifm_list_clear(&l);
  free(s);
  ifm_list_init(&l);
  for (i = 0; i < 100000; i++)
    if (ifm_list_add_line(&l, line, 4, NULL) != 0) break;
  ASSERT_EQ(l.n, 100000);
  ASSERT_EQ(l.lines, 100000);
  ASSERT_GE(l.cap, l.n);
  ifm_list_clear(&l);
  free(line);
}

/* IM-SIZE: one 64 KiB tag is a tag; a 1 MiB value is parsed in one pass. */
static void test_list_big_tag(void) {
  size_t len = 65536 + 2;
  char *s = malloc(1u << 20);
  ifm_etag cur = tag(E_OPAQUE, 0);
  field f;
  ifm_perr err;
  if (!s) abort();
  memset(s, 'a', 1u << 20);
  s[0] = '"';
  s[len - 1] = '"';
  field_init(&f);
  ASSERT_EQ(field_addn(&f, s, len), 0);
  ASSERT_EQ(f.l.n, 1);
  ASSERT_EQ(f.l.tags[0].len, 65536);
  ASSERT_EQ(ifm_list_if_match(&f.l, 1, &cur), 0);
  field_free(&f);
  s[len - 1] = 'a';
  ASSERT_EQ(parse_err(s, 1u << 20, &err), -1);
  ASSERT_CONTAINS(err.msg, "unterminated");
  /* The same megabyte closed by a quote is one valid 1 MiB tag. */
  s[(1u << 20) - 1] = '"';
  field_init(&f);
  ASSERT_EQ(field_addn(&f, s, 1u << 20), 0);
  ASSERT_EQ(f.l.n, 1);
  ASSERT_EQ(f.l.tags[0].len, (1u << 20) - 2);
  field_free(&f);
  free(s);
}

/* ---- 13.1.1 and 8.8.3.2: strong comparison only (items 13-14) ---------- */

/* IM-WEAK-NEVER: W/ + E never matches; against a weak current tag neither
 * spelling matches (8.8.3.2 table, strong column). */
static void test_list_weak_never(void) {
  ifm_etag strong = tag(E_OPAQUE, 0), weak = tag(E_OPAQUE, 1);
  field f;
  ASSERT_EQ(field_one(&f, "W/\"e1\""), 0);
  ASSERT_EQ(f.l.tags[0].weak, 1);
  ASSERT_EQ(ifm_list_if_match(&f.l, 1, &strong), 0);
  ASSERT_EQ(ifm_list_if_match(&f.l, 1, &weak), 0);
  field_free(&f);
  ASSERT_EQ(field_one(&f, "\"e1\""), 0);
  ASSERT_EQ(ifm_list_if_match(&f.l, 1, &weak), 0);
  field_free(&f);
}

/* IM-CASE: the opaque value is compared octet by octet; "*" quoted is a tag. */
static void test_list_case_and_quoted_star(void) {
  ifm_etag cur = tag("AbC", 0), star = tag("*", 0);
  field f;
  ASSERT_EQ(field_one(&f, "\"aBc\""), 0);
  ASSERT_EQ(ifm_list_if_match(&f.l, 1, &cur), 0);
  field_free(&f);
  ASSERT_EQ(field_one(&f, "\"*\""), 0);
  ASSERT_EQ(f.l.star, 0);
  ASSERT_EQ(f.l.n, 1);
  ASSERT_EQ(ifm_list_if_match(&f.l, 1, &cur), 0);
  ASSERT_EQ(ifm_list_if_match(&f.l, 1, &star), 1);
  field_free(&f);
}

/* ---- malformed values (item 15) ---------------------------------------- */

/* IM-MALFORMED: none of these is "*" / #entity-tag (13.1.1, 8.8.3); the
 * list is left as it was. */
static void test_list_malformed_values(void) {
  static const struct { const char *in; size_t off; const char *msg; } bad[] = {
    {"o", 0, "expected '\"'"},
    {"\"o", 0, "unterminated"},
    {"o\"", 0, "expected '\"'"},
    {"W/", 2, "W/ must be followed"},
    {"w/\"o\"", 0, "case-sensitive"},
    {"\"a\" \"b\"", 4, "expected ','"},
    {"*, \"e1\"", 0, "'*' cannot be combined with entity-tags"},
    {"\"e1\", *", 6, "'*' cannot be combined with entity-tags"},
    {"*, *", 0, "'*'"},
    {"*,", 0, "'*'"},
    {"\"x\", o", 5, "expected '\"'"},
    {"\"x\",  \"o", 6, "unterminated"},
    {"  W/", 4, "W/ must be followed"},
    {"\"a\"\"b\"", 3, "expected ','"},
  };
  size_t i;
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    field f;
    if (field_one(&f, bad[i].in) != -1)
      IFM_TEST_FAIL_("case %zu accepted: %s", i, bad[i].in);
    ASSERT_EQ(f.err.line, 0);
    if (f.err.offset != bad[i].off)
      IFM_TEST_FAIL_("case %zu (%s): offset %zu, want %zu", i, bad[i].in, f.err.offset, bad[i].off);
    ASSERT_CONTAINS(f.err.msg, bad[i].msg);
    ASSERT_EQ(f.l.n, 0);
    ASSERT_EQ(f.l.star, 0);
    ASSERT_EQ(f.l.lines, 0);
    field_free(&f);
  }
}

/* A failing line does not change the list, and names its own line index. */
static void test_list_error_leaves_list(void) {
  ifm_etag cur = tag(E_OPAQUE, 0);
  field f;
  field_init(&f);
  ASSERT_EQ(field_add(&f, "\"a\", \"e1\""), 0);
  ASSERT_EQ(field_add(&f, "\"b\", \"c\" \"d\""), -1);
  ASSERT_EQ(f.err.line, 1);
  ASSERT_EQ(f.err.offset, 9);
  ASSERT_EQ(f.l.n, 2);
  ASSERT_EQ(f.l.lines, 1);
  ASSERT_MEMEQ(f.l.tags[1].opaque, f.l.tags[1].len, "e1", 2);
  ASSERT_EQ(field_add(&f, "\"f\""), 0);
  ASSERT_EQ(f.l.n, 3);
  ASSERT_EQ(f.l.lines, 2);
  ASSERT_EQ(ifm_list_if_match(&f.l, 1, &cur), 1);
  field_free(&f);
}

/* ---- 13.1.1: the "*" alternative (items 15, 18, 19, 21) ---------------- */

/* "*" is true iff a current representation exists, with or without a tag. */
static void test_star_alone(void) {
  ifm_etag cur = tag(E_OPAQUE, 0);
  field f;
  ASSERT_EQ(field_one(&f, " \t* \t"), 0);
  ASSERT_EQ(f.l.star, 1);
  ASSERT_EQ(f.l.n, 0);
  ASSERT_EQ(ifm_list_if_match(&f.l, 1, &cur), 1);
  ASSERT_EQ(ifm_list_if_match(&f.l, 1, NULL), 1);
  ASSERT_EQ(ifm_list_if_match(&f.l, 0, NULL), 0);
  field_free(&f);
}

/* "*" must be the whole combined field: not twice, not with tags, in
 * either line order; the list stays as it was. */
static void test_star_across_lines(void) {
  field f;
  field_init(&f);
  ASSERT_EQ(field_add(&f, "*"), 0);
  ASSERT_EQ(field_add(&f, "*"), -1);
  ASSERT_EQ(f.err.line, 1);
  ASSERT_CONTAINS(f.err.msg, "'*'");
  ASSERT_EQ(field_add(&f, "\"a\""), -1);
  ASSERT_EQ(f.err.line, 1);
  ASSERT_CONTAINS(f.err.msg, "'*' cannot be combined with entity-tags");
  ASSERT_EQ(f.l.star, 1);
  ASSERT_EQ(f.l.n, 0);
  ASSERT_EQ(f.l.lines, 1);
  field_free(&f);
  field_init(&f);
  ASSERT_EQ(field_add(&f, "\"a\""), 0);
  ASSERT_EQ(field_add(&f, " *"), -1);
  ASSERT_EQ(f.err.line, 1);
  ASSERT_EQ(f.err.offset, 1);
  ASSERT_CONTAINS(f.err.msg, "'*' cannot be combined with entity-tags");
  ASSERT_EQ(f.l.star, 0);
  ASSERT_EQ(f.l.n, 1);
  field_free(&f);
}

/* 5.3: lines combine as if joined by ", ". An empty line next to "*" makes
 * ", *" or "*, ": neither "*" nor #entity-tag, so malformed in either order,
 * as the one-line forms are (found by fuzz/fuzz_etag.c against ref_etag.c). */
static void test_star_with_empty_line(void) {
  field f;
  field_init(&f);
  ASSERT_EQ(field_add(&f, ", *"), -1);          /* the one-line form */
  field_free(&f);
  field_init(&f);
  ASSERT_EQ(field_add(&f, ""), 0);
  ASSERT_EQ(field_add(&f, "*"), -1);            /* empty line first */
  ASSERT_EQ(f.err.line, 1);
  ASSERT_CONTAINS(f.err.msg, "'*' must be the whole field value");
  ASSERT_EQ(f.l.star, 0);
  field_free(&f);
  field_init(&f);
  ASSERT_EQ(field_add(&f, "*"), 0);
  ASSERT_EQ(field_add(&f, " ,"), -1);           /* an empty element after "*" */
  ASSERT_EQ(f.err.line, 1);
  ASSERT_EQ(f.l.star, 1);
  ASSERT_EQ(f.l.lines, 1);
  field_free(&f);
}

/* ---- 13.1.1 with 5.6.1: the empty value (item 16) ---------------------- */

/* #entity-tag allows zero elements: a valid empty list, which no tag
 * matches, so If-Match is false (not "absent"). */
static void test_empty_value(void) {
  ifm_etag cur = tag(E_OPAQUE, 0);
  field f;
  ASSERT_EQ(field_one(&f, ""), 0);
  ASSERT_EQ(f.l.star, 0);
  ASSERT_EQ(f.l.n, 0);
  ASSERT_EQ(f.l.lines, 1);
  ASSERT_EQ(ifm_list_if_match(&f.l, 1, &cur), 0);
  ASSERT_EQ(ifm_list_if_none_match(&f.l, 1, &cur), 1);
  field_free(&f);
  ASSERT_EQ(field_one(&f, "  \t "), 0);
  ASSERT_EQ(f.l.n, 0);
  ASSERT_EQ(ifm_list_if_match(&f.l, 1, &cur), 0);
  field_free(&f);
}

/* ---- 8.8.3 etagc and 5.5 field values: bytes (item 17) ----------------- */

/* obs-text 0x80-0xFF is legal and compared byte for byte. */
static void test_bytes_obs_text(void) {
  ifm_etag same = tag("\xc3\xa9t\xe9", 0), other = tag("\xc3\xa9t\xe8", 0);
  field f;
  ASSERT_EQ(field_one(&f, "\"\x80\", \"\xc3\xa9t\xe9\", \"\xff\""), 0);
  ASSERT_EQ(f.l.n, 3);
  ASSERT_EQ(ifm_list_if_match(&f.l, 1, &same), 1);
  ASSERT_EQ(ifm_list_if_match(&f.l, 1, &other), 0);
  field_free(&f);
}

/* CR, LF and NUL (controls, not etagc, not field-vchar) are malformed
 * inside and outside the quotes; NUL does not end the value. */
static void test_bytes_controls(void) {
  static const struct { const char *in; size_t len, off; } bad[] = {
    {"\"a\rb\"", 5, 2}, {"\"a\nb\"", 5, 2}, {"\"a\0b\"", 5, 2},
    {"\"a\"\r\n", 5, 3}, {"\"a\", \0\"e1\"", 10, 5}, {"\"e1\"\0", 5, 4},
    {"\r\"e1\"", 5, 0}, {"\"a\x7f\"", 4, 2}, {"\"a\x01\"", 4, 2},
  };
  size_t i;
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    field f;
    field_init(&f);
    if (field_addn(&f, bad[i].in, bad[i].len) != -1)
      IFM_TEST_FAIL_("case %zu accepted", i);
    if (f.err.offset != bad[i].off)
      IFM_TEST_FAIL_("case %zu: offset %zu, want %zu", i, f.err.offset, bad[i].off);
    ASSERT_CONTAINS(f.err.msg, "control character");
    ASSERT_EQ(f.l.n, 0);
    field_free(&f);
  }
}

/* No quoted-pair in etagc: "a\", "e1" is two tags, a\ and e1. */
static void test_bytes_backslash(void) {
  ifm_etag cur = tag(E_OPAQUE, 0);
  field f;
  ASSERT_EQ(field_one(&f, "\"a\\\", \"e1\""), 0);
  ASSERT_EQ(f.l.n, 2);
  ASSERT_MEMEQ(f.l.tags[0].opaque, f.l.tags[0].len, "a\\", 2);
  ASSERT_EQ(ifm_list_if_match(&f.l, 1, &cur), 1);
  field_free(&f);
}

/* ---- evaluation without a tag or representation (13.1.1, 13.1.2) ------ */

/* IM-NO-ETAG / IM-ABSENT-PUT: a list never matches when there is no
 * current tag; "*" only needs a representation. */
static void test_if_match_no_current(void) {
  field f;
  ASSERT_EQ(field_one(&f, "\"x\""), 0);
  ASSERT_EQ(ifm_list_if_match(&f.l, 1, NULL), 0);
  ASSERT_EQ(ifm_list_if_match(&f.l, 0, NULL), 0);
  field_free(&f);
}

/* 13.1.2: "*" false iff a representation exists; a list false iff one
 * member matches under the WEAK comparison. */
static void test_if_none_match(void) {
  ifm_etag strong = tag(E_OPAQUE, 0), weak = tag(E_OPAQUE, 1);
  field f;
  ASSERT_EQ(field_one(&f, "*"), 0);
  ASSERT_EQ(ifm_list_if_none_match(&f.l, 1, &strong), 0);
  ASSERT_EQ(ifm_list_if_none_match(&f.l, 1, NULL), 0);
  ASSERT_EQ(ifm_list_if_none_match(&f.l, 0, NULL), 1);
  field_free(&f);
  ASSERT_EQ(field_one(&f, "\"x\", W/\"e1\""), 0);
  ASSERT_EQ(ifm_list_if_none_match(&f.l, 1, &strong), 0);
  ASSERT_EQ(ifm_list_if_none_match(&f.l, 1, &weak), 0);
  ASSERT_EQ(ifm_list_if_none_match(&f.l, 1, NULL), 1);
  ASSERT_EQ(ifm_list_if_none_match(&f.l, 0, NULL), 1);
  field_free(&f);
  ASSERT_EQ(field_one(&f, "\"x\", \"y\""), 0);
  ASSERT_EQ(ifm_list_if_none_match(&f.l, 1, &strong), 1);
  field_free(&f);
}

/* The list can be reused after free + init. */
static void test_list_reuse(void) {
  ifm_list l;
  ifm_list_init(&l);
  ASSERT_EQ(ifm_list_add_line(&l, "\"a\", \"b\"", 8, NULL), 0);
  ifm_list_clear(&l);
  ASSERT_EQ(l.n, 0);
  ASSERT(l.tags == NULL);
  ifm_list_init(&l);
  ASSERT_EQ(ifm_list_add_line(&l, "*", 1, NULL), 0);
  ASSERT_EQ(l.star, 1);
  ifm_list_clear(&l);
}

IFM_TEST_MAIN(
  TEST(test_parse_strong), TEST(test_parse_weak), TEST(test_parse_empty_opaque),
  TEST(test_parse_etagc_range), TEST(test_parse_malformed), TEST(test_scan_used),
  TEST(test_format_roundtrip), TEST(test_format_truncates),
  TEST(test_compare_table), TEST(test_compare_octets),
  TEST(test_list_any_position), TEST(test_list_two_lines), TEST(test_list_ows),
  TEST(test_list_empty_elements), TEST(test_list_comma_in_tag),
  TEST(test_list_1000_tags), TEST(test_list_100000_tags), TEST(test_list_big_tag),
  TEST(test_list_weak_never), TEST(test_list_case_and_quoted_star),
  TEST(test_list_malformed_values), TEST(test_list_error_leaves_list),
  TEST(test_star_alone), TEST(test_star_across_lines), TEST(test_star_with_empty_line),
  TEST(test_empty_value),
  TEST(test_bytes_obs_text), TEST(test_bytes_controls), TEST(test_bytes_backslash),
  TEST(test_if_match_no_current), TEST(test_if_none_match), TEST(test_list_reuse))
