/* ifm_escape.c: one table of escaping rules for every report format.
 *
 * Why one file: the four writers must agree on what a server byte becomes,
 * and each format has a different way to break (a raw newline ends a TAP
 * line, a control character makes XML ill-formed, "]]>" ends a CDATA
 * section, a U+2028 ends a YAML line, invalid UTF-8 makes JSON unparsable).
 *
 * Every input unit (one valid UTF-8 sequence, or one byte that is not part of
 * one) is classified once by escape_unit() into: written raw, replaced by
 * syntax (an entity, a JSON or YAML escape), or replaced by a visible escape
 * for something that has no safe raw form. The visible escapes read the same
 * in every format:
 *
 *   \t \n \r          TAB, LF, CR (kept raw by the *_BLOCK styles: LF and TAB)
 *   \xNN              another C0 control or DEL, or a byte >= 0x80 that is
 *                     not part of valid UTF-8
 *   \uNNNN \UNNNNNNNN a C1 control (U+0080..U+009F), U+2028, U+2029, U+FEFF,
 *                     or a noncharacter (U+FDD0..U+FDEF, U+xxFFFE, U+xxFFFF)
 *
 * In YAML these are real escapes, so a YAML reader gets the code points back
 * (an invalid byte b reads as U+00bb). JSON uses its own \u00XX form for both
 * controls and invalid bytes (see reports/README.md). XML and HTML have no
 * escape for a control character at all, so there the sequence is only text;
 * HTML wraps it in <span class="esc"> so that it stands out.
 */
#include "ifm_escape.h"

#include <math.h>
#include <string.h>

enum { UNIT_RAW, UNIT_SYNTAX, UNIT_VISIBLE };

long ifm_escape_utf8_next(const unsigned char *s, size_t len, size_t *used) {
  unsigned c = s[0];
  unsigned long cp, min;
  size_t n, i;

  *used = 1;
  if (c < 0x80) return (long)c;
  if (c >= 0xc2 && c <= 0xdf) { n = 2; cp = c & 0x1f; min = 0x80; }
  else if (c >= 0xe0 && c <= 0xef) { n = 3; cp = c & 0x0f; min = 0x800; }
  else if (c >= 0xf0 && c <= 0xf4) { n = 4; cp = c & 0x07; min = 0x10000; }
  else return -1;                     /* continuation byte, C0, C1, F5..FF */
  if (len < n) return -1;
  for (i = 1; i < n; i++) {
    if ((s[i] & 0xc0) != 0x80) return -1;
    cp = (cp << 6) | (s[i] & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return -1;
  *used = n;
  return (long)cp;
}

/* Code points that have no safe raw form in YAML, XML or HTML: controls,
 * the characters YAML treats as line breaks, the invisible BOM, and the
 * noncharacters (not XML 1.0 Chars when U+FFFE/U+FFFF, HTML parse errors). */
static int escape_needs_visible(long cp) {
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return 1;
  if (cp == 0x2028 || cp == 0x2029 || cp == 0xfeff) return 1;
  if (cp >= 0xfdd0 && cp <= 0xfdef) return 1;
  return (cp & 0xfffe) == 0xfffe;
}

static int escape_visible(long cp, unsigned byte, char *buf, size_t size) {
  if (cp < 0) snprintf(buf, size, "\\x%02x", byte);
  else if (cp == '\t') snprintf(buf, size, "\\t");
  else if (cp == '\n') snprintf(buf, size, "\\n");
  else if (cp == '\r') snprintf(buf, size, "\\r");
  else if (cp < 0x20 || cp == 0x7f) snprintf(buf, size, "\\x%02lx", (unsigned long)cp);
  else if (cp <= 0xffff) snprintf(buf, size, "\\u%04lx", (unsigned long)cp);
  else snprintf(buf, size, "\\U%08lx", (unsigned long)cp);
  return UNIT_VISIBLE;
}

static int escape_syntax(const char *rep, char *buf, size_t size) {
  snprintf(buf, size, "%s", rep);
  return UNIT_SYNTAX;
}

/* Classifies one unit: cp is its code point, or -1 for the invalid byte. */
static int escape_unit(ifm_escape_style style, long cp, unsigned byte,
                       char *buf, size_t size) {
  int xml = style == IFM_ESCAPE_XML || style == IFM_ESCAPE_XML_BLOCK;
  int html = style == IFM_ESCAPE_HTML || style == IFM_ESCAPE_HTML_BLOCK;
  int block = style == IFM_ESCAPE_XML_BLOCK || style == IFM_ESCAPE_HTML_BLOCK;

  if (style == IFM_ESCAPE_JSON) {
    switch (cp) {
    case '"': return escape_syntax("\\\"", buf, size);
    case '\\': return escape_syntax("\\\\", buf, size);
    case '\b': return escape_syntax("\\b", buf, size);
    case '\f': return escape_syntax("\\f", buf, size);
    case '\n': return escape_syntax("\\n", buf, size);
    case '\r': return escape_syntax("\\r", buf, size);
    case '\t': return escape_syntax("\\t", buf, size);
    default: break;
    }
    if (cp < 0) {
      snprintf(buf, size, "\\u00%02x", byte);
      return UNIT_SYNTAX;
    }
    /* U+2028/U+2029 are legal JSON but end a line in JavaScript. */
    if (cp < 0x20 || cp == 0x7f || cp == 0x2028 || cp == 0x2029) {
      snprintf(buf, size, "\\u%04lx", (unsigned long)cp);
      return UNIT_SYNTAX;
    }
    return UNIT_RAW;
  }
  if (style == IFM_ESCAPE_YAML) {
    if (cp == '"') return escape_syntax("\\\"", buf, size);
    if (cp == '\\') return escape_syntax("\\\\", buf, size);
  } else if (style == IFM_ESCAPE_TAP) {
    /* TAP 14: "\#" is a literal '#' in a description, "\\" a backslash. */
    if (cp == '#') return escape_syntax("\\#", buf, size);
    if (cp == '\\') return escape_syntax("\\\\", buf, size);
  } else if (xml || html) {
    switch (cp) {
    case '<': return escape_syntax("&lt;", buf, size);
    case '>': return escape_syntax("&gt;", buf, size);
    case '&': return escape_syntax("&amp;", buf, size);
    case '"': return escape_syntax("&quot;", buf, size);
    case '\'': return escape_syntax(html ? "&#39;" : "&apos;", buf, size);
    default: break;
    }
    if (block && (cp == '\n' || cp == '\t')) return UNIT_RAW;
  }
  if (cp < 0 || escape_needs_visible(cp)) return escape_visible(cp, byte, buf, size);
  return UNIT_RAW;
}

int ifm_escape_write(FILE *out, ifm_escape_style style, const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  int html = style == IFM_ESCAPE_HTML || style == IFM_ESCAPE_HTML_BLOCK;
  size_t i = 0, run = 0, used;
  char buf[32];

  if (!s) return ferror(out) ? -1 : 0;
  while (i < len) {
    long cp = ifm_escape_utf8_next(p + i, len - i, &used);
    int kind = escape_unit(style, cp, p[i], buf, sizeof buf);

    if (kind != UNIT_RAW) {
      if (i > run) fwrite(p + run, 1, i - run, out);
      if (kind == UNIT_VISIBLE && html)
        fprintf(out, "<span class=\"esc\">%s</span>", buf);
      else
        fputs(buf, out);
      run = i + used;
    }
    i += used;
  }
  if (len > run) fwrite(p + run, 1, len - run, out);
  return ferror(out) ? -1 : 0;
}

int ifm_escape_puts(FILE *out, ifm_escape_style style, const char *s) {
  return ifm_escape_write(out, style, s, s ? strlen(s) : 0);
}

size_t ifm_escape_prefix(const char *s, size_t len, size_t max) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0, used;

  if (!s || len <= max) return s ? len : 0;
  while (i < len) {
    ifm_escape_utf8_next(p + i, len - i, &used);
    if (i + used > max) break;
    i += used;
  }
  return i;
}

long long ifm_escape_round(double v) {
  if (!isfinite(v)) return 0;
  if (v > 9e15) v = 9e15;
  if (v < -9e15) v = -9e15;
  return (long long)(v < 0 ? v - 0.5 : v + 0.5);
}

int ifm_escape_fixed3(FILE *out, long long thousandths) {
  unsigned long long m = thousandths < 0 ? 0ULL - (unsigned long long)thousandths
                                         : (unsigned long long)thousandths;
  fprintf(out, "%s%llu.%03llu", thousandths < 0 ? "-" : "", m / 1000, m % 1000);
  return ferror(out) ? -1 : 0;
}
