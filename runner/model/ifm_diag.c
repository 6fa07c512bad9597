/* ifm_diag.c: the list of "file:line:col: message" diagnostics (see
 * ifm_diag.h). Bounded: past IFM_ERRORS_MAX a last message says so, with
 * its position too. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_buf.h"
#include "ifm_diag.h"

static void errors_push(ifm_errors *e, char *msg) {
  char **m;
  if (!msg) return;
  m = ifm_xrealloc_array(e->msgs, &e->cap, e->n + 1, sizeof *e->msgs);
  if (!m) {
    free(msg);
    return;
  }
  e->msgs = m;
  e->msgs[e->n++] = msg;
}

void ifm_errors_vadd(ifm_errors *e, const ifm_pos *pos, const char *fmt, va_list ap) {
  ifm_buf b = IFM_BUF_INIT;
  if (!e || e->n > IFM_ERRORS_MAX) return;
  if (e->n == IFM_ERRORS_MAX) {   /* the last word still says where (found by fuzz_case_load) */
    if (pos)
      ifm_buf_printf(&b, "%s:%d:%d: too many errors; giving up", pos->file ? pos->file : "?",
                     pos->line, pos->col);
    else
      ifm_buf_puts(&b, "too many errors; giving up");
    errors_push(e, ifm_buf_detach(&b));
    return;
  }
  if (pos)
    ifm_buf_printf(&b, "%s:%d:%d: ", pos->file ? pos->file : "?", pos->line, pos->col);
  ifm_buf_vprintf(&b, fmt, ap);
  errors_push(e, b.p ? ifm_buf_detach(&b) : NULL);
}

void ifm_errors_add(ifm_errors *e, const ifm_pos *pos, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  ifm_errors_vadd(e, pos, fmt, ap);
  va_end(ap);
}

void ifm_errors_print(const ifm_errors *e, FILE *out) {
  size_t i;
  for (i = 0; e && i < e->n; i++) fprintf(out, "%s\n", e->msgs[i]);
}

void ifm_errors_clear(ifm_errors *e) {
  size_t i;
  if (!e) return;
  for (i = 0; i < e->n; i++) free(e->msgs[i]);
  free(e->msgs);
  memset(e, 0, sizeof *e);
}

