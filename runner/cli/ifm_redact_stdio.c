/* ifm_redact_stdio.c: stdout and stderr through the redaction filter (see
 * ifm_redact_stdio.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>
#include "ifm_buf.h"
#include "ifm_redact.h"
#include "ifm_redact_stdio.h"
#include "ifm_secrets.h"

typedef struct filter {
  FILE *real;                   /* the stream it stands in for */
  FILE *f;                      /* the filter itself, NULL when not started */
  ifm_buf held;                 /* written, not passed on yet: it may begin a secret */
} filter;

static char **g_secrets;
static size_t g_n;
static filter g_out, g_err;

/* Passes on what is known to be no secret, redacted; final: all of it. */
static int pass_on(filter *s, int final) {
  size_t used = s->held.len, len = 0;
  char *r = ifm_redact_prefix(ifm_buf_str(&s->held), s->held.len, g_secrets, g_n, final ? NULL : &used, &len);
  if (!r) {
    ifm_buf_reset(&s->held);    /* never the bytes unredacted */
    return -1;
  }
  fwrite(r, 1, len, s->real);
  if (s == &g_err) fflush(s->real);
  free(r);
  memmove(s->held.p, s->held.p + used, s->held.len - used);
  s->held.len -= used;
  s->held.p[s->held.len] = '\0';
  return 0;
}

static ssize_t filter_write(void *cookie, const char *buf, size_t size) {
  filter *s = cookie;
  if (ifm_buf_append(&s->held, buf, size) != 0) {
    ifm_buf_reset(&s->held);
    errno = ENOMEM;
    return -1;
  }
  if (pass_on(s, 0) != 0) {
    errno = ENOMEM;
    return -1;
  }
  return (ssize_t)size;
}

static int filter_close(void *cookie) {
  filter *s = cookie;
  int rc = s->held.len ? pass_on(s, 1) : 0;
  ifm_buf_clear(&s->held);
  return rc;
}

static void free_secrets(void) {
  size_t i;
  for (i = 0; i < g_n; i++) free(g_secrets[i]);
  free(g_secrets);
  g_secrets = NULL;
  g_n = 0;
}

int ifm_redact_stdio_begin(char *const *secrets, size_t n_secrets) {
  cookie_io_functions_t io = {NULL, filter_write, NULL, filter_close};
  size_t i, shortest;
  ifm_redact_stdio_end();
  if (n_secrets == 0) return 0;
  if (!(g_secrets = calloc(n_secrets, sizeof *g_secrets))) goto oom;
  for (g_n = 0; g_n < n_secrets; g_n++)
    if (!(g_secrets[g_n] = ifm_strdup(secrets[g_n]))) goto oom;
  fflush(stdout);
  fflush(stderr);
  g_out.real = stdout;
  g_err.real = stderr;
  g_out.f = fopencookie(&g_out, "w", io);
  g_err.f = fopencookie(&g_err, "w", io);
  if (!g_out.f || !g_err.f) goto oom;
  setvbuf(g_err.f, NULL, _IONBF, 0);
  setvbuf(g_out.f, NULL, isatty(1) ? _IOLBF : _IOFBF, BUFSIZ);
  stdout = g_out.f;
  stderr = g_err.f;
  shortest = ifm_secrets_shortest(g_secrets, g_n);
  /* to the real stderr: the warning holds no secret, and through the
   * filter a one-letter secret would blot out its words */
  if (shortest < IFM_SECRET_SHORT) {
    for (i = 0; i < g_n; i++)
      if (strlen(g_secrets[i]) < IFM_SECRET_SHORT)
        fprintf(g_err.real, "ifmatch: warning: a secret (a value from ${env:...}, a credential field or the "
                "URL's userinfo) is only %zu byte%s long: every occurrence of those bytes is redacted, in "
                "unrelated text too\n", strlen(g_secrets[i]), strlen(g_secrets[i]) == 1 ? "" : "s");
  }
  return 0;
oom:
  if (g_out.f) fclose(g_out.f);
  if (g_err.f) fclose(g_err.f);
  memset(&g_out, 0, sizeof g_out);
  memset(&g_err, 0, sizeof g_err);
  free_secrets();
  fprintf(stderr, "ifmatch: out of memory\n");
  return -1;
}

void ifm_redact_stdio_end(void) {
  if (!g_out.f) return;
  fflush(g_out.f);
  fflush(g_err.f);
  stdout = g_out.real;
  stderr = g_err.real;
  fclose(g_out.f);              /* filter_close passes on what was held back */
  fclose(g_err.f);
  fflush(stdout);
  memset(&g_out, 0, sizeof g_out);
  memset(&g_err, 0, sizeof g_err);
  free_secrets();
}
