/* ifm_precond.c: conditional-request evaluation in the order of RFC 9110
 * section 13.2.2, and the HTTP-date of section 5.6.7 that If-Modified-Since,
 * If-Unmodified-Since and Last-Modified carry.
 *
 * Why here: the reference server decides with this code and the runner's
 * oracle predicts with it, so both read the same precedence. Dates are parsed
 * strictly by the ABNF (every name case-sensitive, fixed field widths) with
 * our own proleptic-Gregorian arithmetic, so nothing depends on the C
 * library's locale, time zone or the range of struct tm.
 */
#include "ifm_precond.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- section 13.2.2: precedence -------------------------------------- */

ifm_precond_result ifm_precond_evaluate(const ifm_precond_req *req, const ifm_precond_rep *rep) {
  /* Step 1, or else step 2: If-Unmodified-Since only without If-Match
   * (section 13.1.4: a recipient MUST ignore it when If-Match is present)
   * and only when the representation has a modification date. */
  if (req->if_match) {
    if (!ifm_list_if_match(req->if_match, rep->exists, rep->etag))
      return IFM_PRECOND_FAILED;
  } else if (req->has_if_unmodified_since && rep->has_last_modified) {
    if (rep->last_modified > req->if_unmodified_since)
      return IFM_PRECOND_FAILED;
  }
  /* Step 3, or else step 4: If-Modified-Since only for GET and HEAD and
   * only without If-None-Match (section 13.1.3). */
  if (req->if_none_match) {
    if (!ifm_list_if_none_match(req->if_none_match, rep->exists, rep->etag))
      return req->is_get_or_head ? IFM_PRECOND_NOT_MODIFIED : IFM_PRECOND_FAILED;
  } else if (req->has_if_modified_since && req->is_get_or_head && rep->has_last_modified) {
    if (rep->last_modified <= req->if_modified_since)
      return IFM_PRECOND_NOT_MODIFIED;
  }
  return IFM_PRECOND_PROCEED;
}

/* Section 13.2.1: evaluated when the response without the preconditions
 * would be a 2xx or a 412; 0 stands for "not decided yet". */
int ifm_precond_applies(int unconditional_status) {
  if (unconditional_status == 0 || unconditional_status == 412)
    return 1;
  return unconditional_status >= 200 && unconditional_status <= 299;
}

/* ---- calendar arithmetic (proleptic Gregorian, UTC) ------------------ */

static int is_leap(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m) {
  static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : mdays[m - 1];
}

/* Days since 1970-01-01 of y-m-d (m 1..12): H. Hinnant's days_from_civil. */
static int64_t days_from_civil(int64_t y, int m, int d) {
  int64_t era, yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* The inverse: y-m-d of a day count since 1970-01-01. */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d) {
  int64_t era, doe, yoe, doy, mp;

  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

/* Splits t into whole days since the epoch and seconds of that day. */
static int64_t split_days(time_t t, int64_t *secs) {
  int64_t days = (int64_t)t / 86400, s = (int64_t)t % 86400;

  if (s < 0) {
    s += 86400;
    days--;
  }
  *secs = s;
  return days;
}

/* ---- section 5.6.7: HTTP-date ---------------------------------------- */

static const char *const DAY_SHORT[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const DAY_LONG[7] = {"Sunday", "Monday", "Tuesday", "Wednesday",
                                        "Thursday", "Friday", "Saturday"};
static const char *const MONTHS[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* A cursor over the unterminated input; every step checks the bound. */
typedef struct cur {
  const char *s;
  size_t len, pos;
} cur;

typedef struct fields {
  int64_t year;
  int month, day, hour, min, sec;
} fields;

static int lit(cur *c, const char *text) {
  size_t n = strlen(text);

  if (c->len - c->pos < n || memcmp(c->s + c->pos, text, n) != 0)
    return -1;
  c->pos += n;
  return 0;
}

/* Exactly n DIGITs. */
static int digits(cur *c, size_t n, int *out) {
  int v = 0;
  size_t i;

  if (c->len - c->pos < n)
    return -1;
  for (i = 0; i < n; i++) {
    char ch = c->s[c->pos + i];
    if (ch < '0' || ch > '9')
      return -1;
    v = v * 10 + (ch - '0');
  }
  c->pos += n;
  *out = v;
  return 0;
}

/* One of the case-sensitive names; returns its index or -1. Names of one
 * table never prefix each other, so the first hit is the only one. */
static int name(cur *c, const char *const *table, int n) {
  int i;

  for (i = 0; i < n; i++)
    if (lit(c, table[i]) == 0)
      return i;
  return -1;
}

/* time-of-day = hour ":" minute ":" second ; 00:00:00 - 23:59:60 */
static int time_of_day(cur *c, fields *f) {
  if (digits(c, 2, &f->hour) || lit(c, ":") || digits(c, 2, &f->min) ||
      lit(c, ":") || digits(c, 2, &f->sec))
    return -1;
  return 0;
}

static int month(cur *c, fields *f) {
  int m = name(c, MONTHS, 12);

  if (m < 0)
    return -1;
  f->month = m + 1;
  return 0;
}

/* IMF-fixdate = day-name "," SP date1 SP time-of-day SP GMT
 * date1 = day SP month SP year   (day 2DIGIT, year 4DIGIT) */
static int parse_imf(cur *c, fields *f) {
  int y;

  if (name(c, DAY_SHORT, 7) < 0 || lit(c, ", ") || digits(c, 2, &f->day) ||
      lit(c, " ") || month(c, f) || lit(c, " ") || digits(c, 4, &y) ||
      lit(c, " ") || time_of_day(c, f) || lit(c, " GMT"))
    return -1;
  f->year = y;
  return 0;
}

/* rfc850-date = day-name-l "," SP date2 SP time-of-day SP GMT
 * date2 = day "-" month "-" 2DIGIT; the century is resolved by the caller. */
static int parse_rfc850(cur *c, fields *f) {
  int yy;

  if (name(c, DAY_LONG, 7) < 0 || lit(c, ", ") || digits(c, 2, &f->day) ||
      lit(c, "-") || month(c, f) || lit(c, "-") || digits(c, 2, &yy) ||
      lit(c, " ") || time_of_day(c, f) || lit(c, " GMT"))
    return -1;
  f->year = yy;
  return 0;
}

/* asctime-date = day-name SP date3 SP time-of-day SP year
 * date3 = month SP ( 2DIGIT / ( SP DIGIT ) ) */
static int parse_asctime(cur *c, fields *f) {
  int y;

  if (name(c, DAY_SHORT, 7) < 0 || lit(c, " ") || month(c, f) || lit(c, " "))
    return -1;
  if (lit(c, " ") == 0) {
    if (digits(c, 1, &f->day))
      return -1;
  } else if (digits(c, 2, &f->day)) {
    return -1;
  }
  if (lit(c, " ") || time_of_day(c, f) || lit(c, " ") || digits(c, 4, &y))
    return -1;
  f->year = y;
  return 0;
}

static int64_t to_epoch(const fields *f) {
  return days_from_civil(f->year, f->month, f->day) * 86400 +
         f->hour * 3600 + f->min * 60 + f->sec;
}

/* Section 5.6.7: a two-digit year that "appears to be more than 50 years in
 * the future" is the most recent past year with the same last two digits.
 * Of the candidates in the century after, of and before now's, take the
 * latest that is not more than 50 (mean Gregorian) years ahead of now. */
static void resolve_century(fields *f, time_t now) {
  const int64_t limit = (int64_t)50 * 31556952;
  int64_t secs, ny, base, cand;
  int m, d, k;

  civil_from_days(split_days(now, &secs), &ny, &m, &d);
  base = ny - (ny % 100 + 100) % 100 + f->year;
  for (k = 1; k >= -1; k--) {
    fields g = *f;
    cand = base + 100 * k;
    g.year = cand;
    if (to_epoch(&g) - (int64_t)now <= limit || k == -1) {
      f->year = cand;
      return;
    }
  }
}

/* Ranges the grammar's DIGIT counts do not already enforce; the weekday is
 * not checked against the date (section 5.6.7 asks recipients to be robust
 * and gives no rule; only the name's spelling is checked). */
static int valid(const fields *f) {
  if (f->year < 0 || f->month < 1 || f->month > 12)
    return 0;
  if (f->day < 1 || f->day > days_in_month(f->year, f->month))
    return 0;
  if (f->hour > 23 || f->min > 59 || f->sec > 60)
    return 0;
  return f->sec < 60 || (f->hour == 23 && f->min == 59); /* leap second */
}

int ifm_http_date_parse_at(const char *s, size_t len, time_t now, time_t *out) {
  cur c;
  fields f;
  int64_t t;

  if (!s)
    return -1;
  memset(&f, 0, sizeof f);
  c.s = s, c.len = len, c.pos = 0;
  if (parse_imf(&c, &f) != 0 || c.pos != len) {
    c.pos = 0;
    if (parse_rfc850(&c, &f) == 0 && c.pos == len) {
      resolve_century(&f, now);
    } else {
      c.pos = 0;
      if (parse_asctime(&c, &f) != 0 || c.pos != len)
        return -1;
    }
  }
  if (!valid(&f))
    return -1;
  /* POSIX time has no leap seconds: 23:59:60 becomes the next midnight. */
  t = to_epoch(&f);
  if ((int64_t)(time_t)t != t)
    return -1;
  if (out)
    *out = (time_t)t;
  return 0;
}

int ifm_http_date_parse(const char *s, size_t len, time_t *out) {
  return ifm_http_date_parse_at(s, len, time(NULL), out);
}

/* IMF-fixdate, the only form a sender may generate (section 5.6.7). Years
 * outside 0000-9999 cannot be written in it; they are printed as they are. */
char *ifm_http_date_format(time_t t, char *buf, size_t cap) {
  int64_t secs, days, y;
  int m, d, wd;

  if (!buf || cap == 0)
    return buf;
  days = split_days(t, &secs);
  civil_from_days(days, &y, &m, &d);
  wd = (int)(((days % 7) + 11) % 7);  /* 1970-01-01 was a Thursday (4) */
  snprintf(buf, cap, "%s, %02d %s %04lld %02d:%02d:%02d GMT", DAY_SHORT[wd], d,
           MONTHS[m - 1], (long long)y, (int)(secs / 3600), (int)(secs / 60 % 60),
           (int)(secs % 60));
  return buf;
}
