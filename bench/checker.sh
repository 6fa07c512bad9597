#!/usr/bin/env bash
# bench/checker.sh: how fast is the linearizability checker? (bench/README.md,
# "Checker"). Builds bench/checker/lin_bench.c with the checker's sources
# (runner/lin/ifm_linear*.c, runner/model/ifm_buf.c) at -O2 into bench/out/checker/ and
# runs it: 10,000-op single-resource histories (32 clients, rounds of racing
# requests), correct and with one response changed, median of RUNS checks.
#
#   bench/checker.sh [N] [RUNS] [SEED]       (defaults: 10000 5 1)
#
# Needs: a C11 compiler (CC, default cc). Takes a few seconds.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
OUT=$HERE/out/checker
CC=${CC:-cc}
mkdir -p "$OUT"
"$CC" -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
  -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-unused-parameter \
  -I"$ROOT/runner/lin" -I"$ROOT/runner/model" -I"$ROOT/core" -o "$OUT/lin_bench" \
  "$HERE/checker/lin_bench.c" "$ROOT"/runner/lin/ifm_linear.c "$ROOT"/runner/lin/ifm_linear_model.c \
  "$ROOT"/runner/lin/ifm_linear_search.c "$ROOT"/runner/model/ifm_buf.c -lm

echo "# $(date -u +%Y-%m-%dT%H:%MZ), nproc $(nproc)," \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
"$OUT/lin_bench" "${1:-10000}" "${2:-5}" "${3:-1}" | tee "$OUT/results.txt"
