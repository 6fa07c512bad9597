#!/usr/bin/env bash
# layout_test.sh: the house rules checked from the code and the build (see
# tests/layout_check.py): file sizes, stage order of includes, no include or
# call loops between files. TAP.
set -u
SRC=${IFM_SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${IFM_BUILD_DIR:-$SRC/build}
command -v nm >/dev/null || { echo "1..0 # SKIP nm (binutils) is not installed"; exit 0; }
exec python3 "$SRC/tests/layout_check.py" "$SRC" "$BUILD"
