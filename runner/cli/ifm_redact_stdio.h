/* ifm_redact_stdio.h: the terminal, redacted. Once a command knows its
 * secrets (the target loaded, the URL known), every byte it writes to
 * stdout and stderr passes a filter that redacts them (ifm_redact.h): the
 * start line, progress, FAIL lines with their exchange, preflight messages,
 * the probe's findings, a TAP report on stdout, and whatever a library
 * prints. One place for every line, so that a new message cannot forget.
 *
 * stdout and stderr are replaced by streams (glibc fopencookie) that hold
 * back only what might be the beginning of a secret, until the next write
 * shows it is not; ifm_redact_stdio_end writes that rest and puts the real
 * streams back. The file descriptors are not touched (isatty(2) still says
 * what it did). */
#ifndef IFM_REDACT_STDIO_H
#define IFM_REDACT_STDIO_H

#include <stddef.h>

/* Starts (or restarts, with a new list) the filter over a copy of secrets.
 * Warns on stderr when a secret is shorter than IFM_SECRET_SHORT bytes.
 * Returns 0, or -1 (out of memory; a message was printed). */
int ifm_redact_stdio_begin(char *const *secrets, size_t n_secrets);

/* Flushes what was held back and restores stdout and stderr. Safe to call
 * when the filter was not started. */
void ifm_redact_stdio_end(void);

#endif
