/* tap_check.c: the TAP well-formedness check (see tap_check.h). */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "json_check.h"
#include "tap_check.h"

static int starts(const char *l, size_t len, const char *p) {
  size_t n = strlen(p);
  return len >= n && memcmp(l, p, n) == 0;
}

static int is_line(const char *l, size_t len, const char *p) {
  return len == strlen(p) && memcmp(l, p, len) == 0;
}

/* "N" in decimal, no leading zero; *used = its digits. */
static int number(const char *l, size_t len, size_t *used, size_t *out) {
  size_t i = 0;
  *out = 0;
  while (i < len && l[i] >= '0' && l[i] <= '9' && i < 18) *out = *out * 10 + (size_t)(l[i++] - '0');
  *used = i;
  return i > 0 && !(i > 1 && l[0] == '0') ? 0 : -1;
}

/* The description and directive after "ok N": " - desc[ # SKIP|TODO reason]". */
static int description(const char *l, size_t len) {
  size_t i;
  if (len == 0) return 0;
  if (!starts(l, len, " - ")) return -1;
  for (i = 3; i < len; i++) {
    if (l[i] == '\\') {
      if (++i == len) return -1;   /* a lone trailing backslash escapes nothing */
      continue;
    }
    if (l[i] == '#')
      return l[i - 1] == ' ' && len - i >= 5 &&
                     (strncasecmp(l + i + 1, " SKIP", 5) == 0 || strncasecmp(l + i + 1, " TODO", 5) == 0)
                 ? 0
                 : -1;
  }
  return 0;
}

int tap_check(const char *s, size_t len, size_t n, size_t *where) {
  size_t i = 0, k, lines = 0, points = 0, plan = (size_t)-1, used, num;
  int in_yaml = 0, after_point = 0;
  if (json_check_utf8(s, len, where) != 0) return -1;
  if (len == 0 || s[len - 1] != '\n') return *where = len, -1;
  while (i < len) {
    const char *l = s + i;
    size_t ll = (size_t)((const char *)memchr(l, '\n', len - i) - l);
    *where = i;
    i += ll + 1;
    for (k = 0; k < ll; k++)
      if ((unsigned char)l[k] < 0x20 || l[k] == 0x7f) return -1;
    if (lines++ == 0) {
      if (!is_line(l, ll, "TAP version 13") && !is_line(l, ll, "TAP version 14")) return -1;
    } else if (in_yaml) {
      if (is_line(l, ll, "  ...")) in_yaml = 0;
      else if (!starts(l, ll, "  ")) return -1;
    } else if (is_line(l, ll, "  ---")) {
      if (!after_point) return -1;
      in_yaml = 1;
    } else if (starts(l, ll, "1..")) {
      if (plan != (size_t)-1 || number(l + 3, ll - 3, &used, &plan) != 0) return -1;
      if (3 + used != ll && !(plan == 0 && starts(l + 3 + used, ll - 3 - used, " # SKIP"))) return -1;
    } else if (starts(l, ll, "ok ") || starts(l, ll, "not ok ")) {
      k = l[0] == 'o' ? 3 : 7;
      if (number(l + k, ll - k, &used, &num) != 0 || num != ++points) return -1;
      if (description(l + k + used, ll - k - used) != 0) return -1;
    } else if (!starts(l, ll, "#") && !starts(l, ll, "Bail out!")) {
      return -1;
    }
    after_point = !in_yaml && (starts(l, ll, "ok ") || starts(l, ll, "not ok "));
  }
  *where = len;
  return !in_yaml && plan == n && points == n ? 0 : -1;
}
