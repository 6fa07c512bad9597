/* fuzz_check.h: what every harness shares. CHECK states an invariant: when it
 * does not hold, the harness says where and aborts, so libFuzzer keeps the
 * input (a crash is a finding; so is a broken invariant). */
#ifndef FUZZ_CHECK_H
#define FUZZ_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(c) \
  do { \
    if (!(c)) fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c), abort(); \
  } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#endif
