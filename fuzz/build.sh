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
# image). Needs libyaml-dev and libxml2-dev (pkg-config yaml-0.1 libxml-2.0);
# fuzz_interleave also needs libcurl and libmicrohttpd; the server harnesses
# libmicrohttpd and libnghttp2 (the reference server's h2c side).
#
# FUZZ_STATIC=1 builds for a runner image that has none of these libraries
# (.clusterfuzzlite/build.sh sets it; fuzz/README.md, "ClusterFuzzLite"):
# libyaml and libxml2 are linked statically; libmicrohttpd is compiled from
# source ($MHD_SRC, default $SRC/libmicrohttpd-*, which
# .clusterfuzzlite/fetch-deps.sh puts there) and linked statically, or else
# taken shared like libcurl; libcurl stays shared (Debian and Ubuntu ship no
# static libraries for most of its dependencies), and fuzz_interleave gets
# the shared libraries it needs beyond glibc, libgcc_s and libstdc++ copied
# into $OUT/lib, found there through its RPATH $ORIGIN/lib.

if [ -f "$SRC/core/ifm_etag.h" ]; then TOP=$SRC; else TOP=$SRC/ifmatch; fi
WORKDIR=${WORK:-$(mktemp -d)}/ifm-fuzz-obj
mkdir -p "$WORKDIR" "$OUT"
ENV_CFLAGS=${CFLAGS:-}   # the sanitizer's flags alone, for libmicrohttpd's configure
JOBS=${FUZZ_BUILD_JOBS:-$(nproc)}
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

# Compiles the sources named into $WORKDIR, $JOBS at a time, and prints the
# object files (compiler messages go to stderr). With FLAGS set, adds them
# (objs_nocov: the harness's own files).
objs() {
  local src obj rc=0 pids=()
  for src in "$@"; do
    obj=$WORKDIR/$(echo "${src#"$TOP"/}" | tr / _).o
    $CC $CFLAGS ${FLAGS:-} $(pkg-config --cflags yaml-0.1 libxml-2.0) -c "$src" -o "$obj" >&2 &
    pids+=($!)
    if [ ${#pids[@]} -ge "$JOBS" ]; then
      wait "${pids[0]}" || rc=1
      pids=("${pids[@]:1}")
    fi
    echo "$obj"
  done
  for obj in "${pids[@]}"; do wait "$obj" || rc=1; done
  return $rc
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
# The executor's own HTTP/1.1 response parser: its two files and the model.
harness h1_parse $(objs "$TOP"/runner/exec/ifm_h1_parse.c "$TOP"/runner/exec/ifm_h1_body.c) $MODEL $CORE
# libmicrohttpd from source ($1), static, into $WORKDIR/mhd, with the
# sanitizer's flags but no coverage (its branches are HTTP parsing, not the
# code under test); rebuilt when the flags change. Sets MHD_CFLAGS, MHD_LIBS.
build_mhd() {
  local src=$1 prefix=$WORKDIR/mhd log=$WORKDIR/mhd-build.log stamp
  stamp="$CC $ENV_CFLAGS $NOCOV $src"
  if [ ! -f "$prefix/lib/libmicrohttpd.a" ] || [ "$(cat "$prefix/.flags" 2>/dev/null)" != "$stamp" ]; then
    echo "build.sh: compiling libmicrohttpd from $src (log: $log)" >&2
    rm -rf "$prefix" "$WORKDIR/mhd-build"
    mkdir -p "$WORKDIR/mhd-build"
    if ! (cd "$WORKDIR/mhd-build" &&
      CC=$CC CFLAGS="$ENV_CFLAGS $NOCOV" "$src/configure" --prefix="$prefix" --disable-shared \
        --enable-static --disable-https --disable-curl --disable-doc --disable-examples \
        --disable-dependency-tracking &&
      make -j"$JOBS" && make install) >"$log" 2>&1; then
      tail -40 "$log" >&2
      echo "build.sh: libmicrohttpd did not build from $src (log: $log)" >&2
      exit 1
    fi
    echo "$stamp" >"$prefix/.flags"
  fi
  MHD_CFLAGS="-I$prefix/include"
  MHD_LIBS="$prefix/lib/libmicrohttpd.a -lpthread"
}

# What every runner image has (Ubuntu's glibc, libgcc_s, libstdc++: apt
# itself needs them); any other shared library a fuzzer needs is shipped.
RUNNER_HAS='^(ld-linux-x86-64|libc|libm|libmvec|libpthread|libdl|librt|libresolv|libutil|libanl|libnss_[a-z]+|libgcc_s|libstdc\+\+)\.so'

# Copies the shared libraries fuzzer $1 loads (ldd: all of them, transitively)
# beyond $RUNNER_HAS into $OUT/lib, where its RPATH $ORIGIN/lib finds them:
# OSS-Fuzz's documented way for shared libraries ("Runtime dependencies").
ship_libs() {
  local list name arrow path rest
  list=$(ldd "$1")
  if grep -q 'not found' <<<"$list"; then
    echo "build.sh: $1 needs libraries that are not found:" >&2
    grep 'not found' <<<"$list" >&2
    exit 1
  fi
  mkdir -p "$OUT/lib"
  while read -r name arrow path rest; do
    [ "$arrow" = "=>" ] || continue
    [[ $name =~ $RUNNER_HAS ]] && continue
    case $path in "$OUT"/lib/*) continue ;; esac   # shipped by an earlier build
    cp -L "$path" "$OUT/lib/$name"
    echo "build.sh: $(basename "$1") needs $name: shipped in \$OUT/lib" >&2
  done <<<"$list"
}

# The stateful fuzzer: program decoder and executor, the checker, the judge,
# the reference server. Needs libcurl and libmicrohttpd (and, for the
# executor's HTTP/2 release engine, libnghttp2 and OpenSSL).
INTERLEAVE_SRCS=$(echo "$TOP"/fuzz/prog/*.c "$TOP"/runner/plan/*.c "$TOP"/runner/exec/*.c \
  "$TOP"/runner/lin/*.c "$TOP"/runner/judge/*.c "$TOP"/server/*.c)
if [ "${FUZZ_STATIC:-0}" = 1 ]; then
  pkg-config --exists libcurl ||
    { echo "build.sh: fuzz_interleave needs libcurl (libcurl4-openssl-dev)" >&2; exit 1; }
  MHD_SRC=${MHD_SRC:-$(ls -d "$SRC"/libmicrohttpd-*/ 2>/dev/null | head -n 1)}
  if [ -n "$MHD_SRC" ]; then
    build_mhd "${MHD_SRC%/}"
  elif pkg-config --exists libmicrohttpd; then
    MHD_CFLAGS=$(pkg-config --cflags libmicrohttpd)
    MHD_LIBS=$(pkg-config --libs libmicrohttpd)
  else
    echo "build.sh: fuzz_interleave needs libmicrohttpd: its source in \$MHD_SRC (.clusterfuzzlite/fetch-deps.sh) or libmicrohttpd-dev" >&2
    exit 1
  fi
  CFLAGS="$CFLAGS $MHD_CFLAGS $(pkg-config --cflags libcurl)"
  INTERLEAVE=$(objs $INTERLEAVE_SRCS)
  # RPATH, not RUNPATH (--disable-new-dtags): the loader then also searches
  # $ORIGIN/lib for the libraries' own dependencies (libcurl's libssl...).
  harness interleave $INTERLEAVE $LOADER $MODEL $CORE $MHD_LIBS $(deps yaml-0.1) \
    $(pkg-config --libs libcurl libnghttp2 openssl) -lpthread -lm '-Wl,-rpath,$ORIGIN/lib' -Wl,--disable-new-dtags
  ship_libs "$OUT/fuzz_interleave"
  # The reference server's request paths, HTTP/1.1 and h2c: the server and
  # libmicrohttpd, static; libnghttp2 shared and shipped as for interleave.
  SERVER=$(objs "$TOP"/server/*.c)
  for h in server_request server_h2; do
    harness "$h" $SERVER $CORE $MHD_LIBS $(pkg-config --libs libnghttp2) -lpthread -lm \
      '-Wl,-rpath,$ORIGIN/lib' -Wl,--disable-new-dtags
    ship_libs "$OUT/fuzz_$h"
  done
elif pkg-config --exists libcurl libmicrohttpd; then
  INTERLEAVE=$(objs $INTERLEAVE_SRCS)
  harness interleave $INTERLEAVE $LOADER $MODEL $CORE $(pkg-config --libs libcurl libmicrohttpd yaml-0.1 libnghttp2 openssl) -lpthread -lm
  SERVER=$(objs "$TOP"/server/*.c)
  harness server_request $SERVER $CORE $(pkg-config --libs libmicrohttpd libnghttp2) -lpthread -lm
  harness server_h2 $SERVER $CORE $(pkg-config --libs libmicrohttpd libnghttp2) -lpthread -lm
else
  echo "build.sh: fuzz_interleave and fuzz_server_request skipped (need libcurl and libmicrohttpd: libcurl4-openssl-dev libmicrohttpd-dev)" >&2
fi
harness report $(objs_nocov "$TOP/fuzz/json_check.c" "$TOP/fuzz/tap_check.c") $REPORTS $MODEL $CORE $(deps libxml-2.0)
