/* ifm_diag.h: diagnostics. Where a thing came from (ifm_pos), and a list
 * of "file:line:col: message" strings that every stage reports into, so
 * that problems found at load time and at run time read alike. */
#ifndef IFM_DIAG_H
#define IFM_DIAG_H

#include <stdarg.h>
#include <stdio.h>

#define IFM_ERRORS_MAX 500

typedef struct ifm_pos {
  const char *file;   /* owned by the ifm_case_file / ifm_target / ifm_profile */
  int line, col;      /* 1-based */
} ifm_pos;

/* A list of "file:line:col: message" strings. */
typedef struct ifm_errors {
  char **msgs;
  size_t n, cap;
} ifm_errors;

void ifm_errors_add(ifm_errors *e, const ifm_pos *pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ifm_errors_vadd(ifm_errors *e, const ifm_pos *pos, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
void ifm_errors_print(const ifm_errors *e, FILE *out);
void ifm_errors_clear(ifm_errors *e);

#endif
