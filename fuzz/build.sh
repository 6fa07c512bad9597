#!/bin/bash -eu
# fuzz/build.sh: builds the libFuzzer harnesses the OSS-Fuzz / ClusterFuzzLite
# way, without CMake: every needed library source is compiled with $CC $CFLAGS
# and each harness linked with $LIB_FUZZING_ENGINE into $OUT, with its
# dictionary (fuzz_<name>.dict) and seed corpus (fuzz_<name>_seed_corpus.zip).
#
#   CC=clang CFLAGS="-fsanitize=fuzzer-no-link,address,undefined -g" \
#   LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=/tmp/out SRC=/work/main bash fuzz/build.sh
#
# SRC is the checkout (or its parent holding ifmatch/, as in the OSS-Fuzz
# image). FUZZ_STATIC=1 links libyaml and libxml2 statically, for runner
# images that do not have them installed (.clusterfuzzlite/build.sh sets it).
# Needs libyaml-dev and libxml2-dev (pkg-config yaml-0.1 libxml-2.0).

if [ -f "$SRC/core/ifm_etag.h" ]; then TOP=$SRC; else TOP=$SRC/ifmatch; fi
WORKDIR=${WORK:-$(mktemp -d)}/ifm-fuzz-obj
mkdir -p "$WORKDIR" "$OUT"
CFLAGS="${CFLAGS:-} -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DIFM_VERSION=\"fuzz\""
# runner/ is one folder per stage (runner/CMakeLists.txt); every stage's
# headers are on the path here, the CMake build keeps them apart.
STAGES="model load plan exec lin judge"
CFLAGS="$CFLAGS -DIFM_SOURCE_DIR=\"$TOP\" -I$TOP/core -I$TOP/reports -I$TOP/server -I$TOP/fuzz -I$TOP/fuzz/prog"
for s in $STAGES; do CFLAGS="$CFLAGS -I$TOP/runner/$s"; done

deps() {   # link flags for the pkg-config packages named
  if [ "${FUZZ_STATIC:-0}" = 1 ]; then
    # libc's own libraries stay shared; libxml2's ICU is C++.
    local libs
    libs=$(pkg-config --static --libs-only-l "$@" | sed -E 's/(^| )-l(m|dl|pthread|rt)( |$)/ /g; s/(^| )-l(m|dl|pthread|rt)( |$)/ /g')
    echo "-Wl,-Bstatic $libs -Wl,-Bdynamic -lstdc++ -lm -lpthread -ldl"
  else
    pkg-config --libs "$@"
  fi
}

# The harnesses and their oracles are compiled without coverage: their
# branches say nothing about the code under test, and tracing them costs half
# the speed. (Flags only clang knows: drop NOCOV= for another compiler.)
NOCOV=${NOCOV--fno-sanitize-coverage=trace-cmp,inline-8bit-counters,pc-table,indirect-calls}

# Compiles the sources named into $WORKDIR and prints the object files.
# With FLAGS set, adds them (objs_nocov: the harness's own files).
objs() {
  local src obj
  for src in "$@"; do
    obj=$WORKDIR/$(echo "${src#"$TOP"/}" | tr / _).o
    $CC $CFLAGS ${FLAGS:-} $(pkg-config --cflags yaml-0.1 libxml-2.0) -c "$src" -o "$obj"
    echo "$obj"
  done
}
objs_nocov() { FLAGS=$NOCOV objs "$@"; }

CORE=$(objs "$TOP"/core/*.c)
REPORTS=$(objs "$TOP"/reports/*.c)
MODEL=$(objs "$TOP"/runner/model/*.c)
# The loader and what it uses (no libcurl, no libmicrohttpd).
LOADER=$(objs "$TOP"/runner/load/*.c)

harness() {   # name, extra objects and link flags
  local name=$1
  shift
  $CC $CFLAGS "$(objs_nocov "$TOP/fuzz/fuzz_$name.c")" "$@" $LIB_FUZZING_ENGINE -o "$OUT/fuzz_$name"
  cp "$TOP/fuzz/ifmatch.dict" "$OUT/fuzz_$name.dict"
  rm -f "$OUT/fuzz_${name}_seed_corpus.zip"
  (cd "$TOP/fuzz/corpus/$name" && zip -q -r "$OUT/fuzz_${name}_seed_corpus.zip" .)
}

harness etag $(objs_nocov "$TOP/fuzz/ref_etag.c") $CORE
harness case_load $LOADER $MODEL $CORE $(deps yaml-0.1)
# The stateful fuzzer: program decoder and executor, the checker, the judge,
# the reference server. Needs libcurl and libmicrohttpd (shared: the
# ClusterFuzzLite image, FUZZ_STATIC=1, has neither, so it is skipped there).
if [ "${FUZZ_STATIC:-0}" != 1 ] && pkg-config --exists libcurl libmicrohttpd; then
  INTERLEAVE=$(objs "$TOP"/fuzz/prog/*.c "$TOP"/runner/plan/*.c "$TOP"/runner/exec/*.c "$TOP"/runner/lin/*.c \
    "$TOP"/runner/judge/*.c "$TOP"/server/*.c)
  harness interleave $INTERLEAVE $LOADER $MODEL $CORE $(pkg-config --libs libcurl libmicrohttpd yaml-0.1) -lpthread -lm
else
  echo "build.sh: fuzz_interleave skipped (needs libcurl and libmicrohttpd, shared)" >&2
fi
harness report $(objs_nocov "$TOP/fuzz/json_check.c" "$TOP/fuzz/tap_check.c") $REPORTS $MODEL $CORE $(deps libxml-2.0)
