/* report_fixture.h: what the report_*_test programs share. Reports are built
 * in memory with the data a hostile or broken server can send (NUL in a
 * header value, control bytes, invalid UTF-8, "]]>", "--", '#' and newlines
 * in titles) and written to memory with open_memstream. The checks of
 * well-formed output here are written from the format specifications and do
 * not use ifm_escape, so a bug there cannot hide itself. Test code only;
 * tests/CMakeLists.txt links report_fixture.c into every report_* test. */
#ifndef REPORT_FIXTURE_H
#define REPORT_FIXTURE_H

#include <stddef.h>
#include <stdio.h>
#include "ifm_reports.h"

typedef int (*writer_fn)(const ifm_report *, FILE *);

char *dup_str(const char *s);                 /* strdup, NULL-safe */
char *dup_mem(const char *s, size_t n);       /* n bytes, NUL-terminated */

/* Runs a writer into memory; NULL if it failed. The caller frees. */
char *render(writer_fn w, const ifm_report *r, size_t *len);
/* Whether text holds line as a whole line. */
int has_line(const char *text, const char *line);
size_t count_substr(const char *text, const char *needle);

enum { ALLOW_TAB = 1, ALLOW_C1 = 2 };

/* 0 when buf is strict UTF-8 whose only control characters are LF (and TAB
 * with ALLOW_TAB), with no DEL, surrogate, and (unless ALLOW_C1, for JSON)
 * no C1 control or U+FFFE/U+FFFF; else the 1-based offset of the first
 * problem. */
size_t first_bad_byte(const char *buf, size_t len, int allow);
/* 0 when every '<' in text starts one of the tags (a NULL-terminated list of
 * prefixes) and every '&' one of the five XML references or "&#39;"; else
 * the 1-based offset of the first stray one. */
size_t stray_markup(const char *text, const char *const *tags);
extern const char *const junit_tags[];
extern const char *const html_tags[];

/* Appends a result with copies of the strings (aborts on ENOMEM). */
ifm_result *add_case(ifm_report *r, const char *id, const char *req, const char *title,
                     const char *file, ifm_level level, ifm_verdict v, const char *msg);
void add_header(ifm_field **f, size_t *n, const char *name, const char *v, size_t len);
/* Eight cases, one of each kind, full of bytes that break formats. */
ifm_report *nasty_report(void);

/* TAP: whether a line is one we write; the 1-based number of the first line
 * that is not (0: all are, and the last ends with a newline). */
int tap_line_ok(const char *line);
size_t tap_bad_line(const char *tap);

#endif
