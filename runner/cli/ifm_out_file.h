/* ifm_out_file.h: writing a report or a certificate to its path so that a
 * reader never sees half a file and nothing else is touched: the bytes go to
 * a fresh temporary file in the destination's folder (mkstemp: no name
 * reused, no link followed), are flushed to disk, and the file is renamed
 * over the destination, which must be a regular file or nothing (a symlink,
 * a device, a folder or a FIFO there is refused). "-" is stdout. */
#ifndef IFM_OUT_FILE_H
#define IFM_OUT_FILE_H

#include <stdio.h>

/* Writes the file's contents to out; returns 0, or -1 (errno set). */
typedef int (*ifm_out_write_cb)(FILE *out, void *ctx);

/* Returns 0, or -1 with a message on stderr naming path. */
int ifm_out_write(const char *path, ifm_out_write_cb write_cb, void *ctx);

/* SHA-256 of the file's bytes as 64 hex digits. Returns 0, or -1 (errno). */
int ifm_out_sha256_file(const char *path, char hex[65]);

#endif
