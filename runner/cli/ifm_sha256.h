/* ifm_sha256.h: SHA-256 (FIPS 180-4), for the suite hash on a certificate:
 * it pins exactly which case files a verdict was reached with. */
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

#endif
