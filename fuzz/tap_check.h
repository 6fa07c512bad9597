/* tap_check.h: checks that a TAP stream as ifm_tap.c writes it is well
 * formed (TAP 14 syntax), for the report fuzzer. */
#ifndef TAP_CHECK_H
#define TAP_CHECK_H

#include <stddef.h>

/* Returns 0 when s[0..len) is a well-formed stream with n test points, else
 * -1 with *where set to the offset of the offending line. Every line is one
 * of: the version line (first), the plan "1..n" (optionally "# SKIP ..."), a
 * test point "ok|not ok N - description" numbered in order, a comment "#...",
 * a YAML block ("  ---", lines indented two spaces, "  ..."), "Bail out!...".
 * Descriptions have no unescaped '#' except " # SKIP" / " # TODO". The whole
 * stream is valid UTF-8 with no control characters but the line ends. */
int tap_check(const char *s, size_t len, size_t n, size_t *where);

#endif
