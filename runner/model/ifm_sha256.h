/* ifm_sha256.h: SHA-256 (FIPS 180-4), for what a certificate pins: the
 * case files, the profile, the target file and the reports a verdict was
 * reached with, and the certificate's own digest. */
#ifndef IFM_SHA256_H
#define IFM_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct ifm_sha256 {
  uint32_t h[8];
  uint64_t bytes;
  unsigned char block[64];
  size_t used;
} ifm_sha256;

void ifm_sha256_init(ifm_sha256 *s);
void ifm_sha256_update(ifm_sha256 *s, const void *data, size_t len);
/* Writes the digest as 64 lowercase hex digits and a NUL into hex[65]. */
void ifm_sha256_final_hex(ifm_sha256 *s, char hex[65]);
/* The digest of data[0..len) in one call. */
void ifm_sha256_hex(const void *data, size_t len, char hex[65]);

#endif
