/* ifm_buf.h: a growable byte buffer, always NUL-terminated after len so it
 * can be handed to C string functions when it holds no NUL of its own. */
#ifndef IFM_BUF_H
#define IFM_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct ifm_buf {
  char *p;       /* NULL until the first append */
  size_t len;
  size_t cap;
} ifm_buf;

#define IFM_BUF_INIT {NULL, 0, 0}

int ifm_buf_append(ifm_buf *b, const void *data, size_t len);   /* 0 or -1 (ENOMEM) */
int ifm_buf_puts(ifm_buf *b, const char *s);
int ifm_buf_putc(ifm_buf *b, char c);
int ifm_buf_printf(ifm_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int ifm_buf_vprintf(ifm_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void ifm_buf_reset(ifm_buf *b);                 /* len = 0, keeps the memory */
void ifm_buf_clear(ifm_buf *b);
char *ifm_buf_detach(ifm_buf *b);               /* caller owns the result ("" if empty) */
const char *ifm_buf_str(const ifm_buf *b);      /* "" when empty */

/* Small helpers used across the runner. */
char *ifm_strdup(const char *s);                /* NULL-safe, aborts never: NULL on ENOMEM */
char *ifm_strndup(const char *s, size_t n);
/* FNV-1a, 64 bits: tells bodies apart in histories and reports. */
unsigned long long ifm_hash64(const void *data, size_t len);
void *ifm_xrealloc_array(void *p, size_t *cap, size_t need, size_t elem);  /* grows *cap geometrically; NULL on overflow/ENOMEM */

#endif
