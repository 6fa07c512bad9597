/* json_check.h: a small strict JSON validator (RFC 8259), for the report
 * fuzzer. Nothing is built: it only says whether the text is one JSON value,
 * in valid UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above
 * U+10FFFF), with no unpaired surrogate escape (RFC 8259 8.2 calls those
 * unpredictable), and no nesting deeper than JSON_CHECK_MAX_DEPTH. */
#ifndef JSON_CHECK_H
#define JSON_CHECK_H

#include <stddef.h>

#define JSON_CHECK_MAX_DEPTH 64

/* Returns 0 when s[0..len) is valid, else -1 with *where (may be NULL) set to
 * the offset of the first problem. */
int json_check(const char *s, size_t len, size_t *where);

/* Returns 0 when s[0..len) is valid UTF-8 (as above), else -1 and *where. */
int json_check_utf8(const char *s, size_t len, size_t *where);

#endif
