/* ifm_escape.h: byte-exact escaping shared by the report writers.
 *
 * The results model holds bytes exactly as the server sent them: NUL, control
 * characters, invalid UTF-8, "]]>", anything. Each output format has its own
 * rules for what may appear raw, so every writer sends every untrusted string
 * through ifm_escape_write() with the style of the place it is written to.
 * Keeping the rules in one table means a byte that is safe in one writer is
 * handled the same way in all of them, and there is one decoder to get right.
 *
 * The input is decoded as strict UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF). A byte that does not start a valid
 * sequence is escaped on its own and decoding resumes at the next byte.
 * Everything the styles emit is valid UTF-8 with no control character other
 * than the ones a style keeps raw (LF and TAB in the *_BLOCK styles).
 */
#ifndef IFM_ESCAPE_H
#define IFM_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

typedef enum ifm_escape_style {
  IFM_ESCAPE_JSON,       /* inside a JSON string (RFC 8259 section 7) */
  IFM_ESCAPE_YAML,       /* inside a YAML double-quoted scalar */
  IFM_ESCAPE_TAP,        /* a TAP 14 description, directive reason or comment */
  IFM_ESCAPE_XML,        /* XML 1.0 attribute value or one-line text */
  IFM_ESCAPE_XML_BLOCK,  /* XML 1.0 text that keeps LF and TAB raw */
  IFM_ESCAPE_HTML,       /* HTML text; visible escapes are marked with a span */
  IFM_ESCAPE_HTML_BLOCK  /* HTML text inside <pre>: keeps LF and TAB raw */
} ifm_escape_style;

/* Writes len bytes of s escaped for style. A NULL s writes nothing. Returns
 * 0, or -1 when the stream is in error. */
int ifm_escape_write(FILE *out, ifm_escape_style style, const char *s, size_t len);

/* The same for a NUL-terminated string (NULL writes nothing). */
int ifm_escape_puts(FILE *out, ifm_escape_style style, const char *s);

/* Decodes the UTF-8 sequence at s (len > 0 bytes available). Returns its code
 * point and sets *used to its length, or returns -1 and sets *used to 1 when
 * s[0] does not start a valid, complete, shortest-form sequence. */
long ifm_escape_utf8_next(const unsigned char *s, size_t len, size_t *used);

/* The length of the longest prefix of s (len bytes) that is at most max
 * bytes and ends on a unit boundary (a whole UTF-8 sequence or a whole
 * invalid byte), so that cutting a string there does not change how the part
 * that is kept is escaped. */
size_t ifm_escape_prefix(const char *s, size_t len, size_t max);

/* v rounded to the nearest integer; 0 for NaN and infinities, and clamped to
 * +-9e15 so that the result always fits. */
long long ifm_escape_round(double v);

/* Writes thousandths as a decimal number with three fraction digits
 * ("12.345", "-0.002"), independently of the C locale. */
int ifm_escape_fixed3(FILE *out, long long thousandths);

#endif
