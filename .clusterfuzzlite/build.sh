#!/bin/bash -eu
# ClusterFuzzLite entry point (compile runs it in the base-builder image with
# $SRC, $OUT, $WORK, $CC, $CFLAGS, $LIB_FUZZING_ENGINE set). The six
# harnesses are built by fuzz/build.sh for a runner image without our
# libraries: libyaml, libxml2 and libmicrohttpd (from $SRC/libmicrohttpd-*,
# fetch-deps.sh) static, libcurl and its dependencies shipped in $OUT/lib.
# .clusterfuzzlite/check-build.sh runs this the way the images do.
FUZZ_STATIC=1 bash "$SRC/ifmatch/fuzz/build.sh"
