/* ifm_mix.h: the MurmurHash3 64-bit finaliser. Xor-shifts and odd
 * multiplications are each invertible modulo 2^64, so it is a bijection:
 * distinct inputs never collide. The reference server mints never-reused
 * ETags with it; the linearizability checker hashes its memo keys with it. */
#ifndef IFM_MIX_H
#define IFM_MIX_H

#include <stdint.h>

static inline uint64_t ifm_mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

#endif
