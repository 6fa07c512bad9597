#!/bin/bash
# .clusterfuzzlite/check-build.sh: the ClusterFuzzLite build and run, checked
# here without the Docker images (fuzz/README.md, "ClusterFuzzLite").
#
# Does what the Dockerfile does ($SRC/ifmatch: this checkout's tracked and
# untracked-but-not-ignored files; $SRC/build.sh; fetch-deps.sh $SRC), then
# for each sanitizer runs $SRC/build.sh the way the base-builder's `compile`
# does (bash -eux, a clean environment with SRC, OUT, WORK, CC, CXX, CFLAGS,
# CXXFLAGS, LIB_FUZZING_ENGINE, SANITIZER, FUZZING_ENGINE, FUZZING_LANGUAGE as
# the image sets them) and checks, printing TAP:
#
#   - $OUT holds a fuzzer for every fuzz/fuzz_*.c (etag, case_load, report,
#     interleave), each with its .dict and a seed corpus zip
#     holding fuzz/corpus/<name>/ (and a valid .options file, if any);
#   - every shared library a fuzzer or a library in $OUT/lib needs is either
#     one every runner image has (glibc, libgcc_s, libstdc++: the files of
#     Debian's libc6, libgcc-s1 and libstdc++6 packages) or in $OUT/lib, and
#     a fuzzer that uses $OUT/lib has the RPATH $ORIGIN/lib;
#   - as on the runner: $OUT copied elsewhere (the runner mounts it as /out),
#     then, in a mount namespace where /usr/lib/x86_64-linux-gnu (= /lib/...)
#     holds only those three packages' files and LD_LIBRARY_PATH is unset,
#     the loader resolves every library (libcurl from $OUT/lib; a control copy
#     of fuzz_interleave without lib/ must fail to find libcurl, proving the
#     system's is hidden), and each fuzzer fuzzes its unzipped seed corpus for
#     --seconds with its dictionary and the runner's -timeout, -rss_limit_mb
#     and sanitizer options, and exits 0 (the coverage build: runs the
#     corpus once, -runs=0, and writes a profile, as the coverage job does).
#
#   .clusterfuzzlite/check-build.sh [--sanitizers "address undefined"] [--seconds 5]
#                                   [--src CHECKOUT] [--dir SCRATCH] [--keep]
#
# Sanitizers: address, undefined, coverage. Takes a few minutes per sanitizer
# (libmicrohttpd's configure is most of it). Needs clang with libFuzzer,
# pkg-config, libyaml-dev, libxml2-dev, libcurl4-openssl-dev, zip, unzip,
# curl, xz-utils and a mount namespace (root, or unprivileged user
# namespaces). CFLITE_CACHE (default ~/.cache/ifmatch-cflite) keeps the
# libmicrohttpd tarball. Exit 0 when every check passed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src_top=$(dirname "$here")
sanitizers="address undefined"
seconds=5
scratch=""
keep=0
while [ $# -gt 0 ]; do
  case $1 in
    --sanitizers) sanitizers=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --src) src_top=$(cd "$2" && pwd); shift 2 ;;
    --dir) scratch=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "check-build.sh: unknown argument $1 (--help)" >&2; exit 2 ;;
  esac
done

MULTIARCH=/usr/lib/x86_64-linux-gnu
say() { printf '# %s\n' "$*"; }
die() { printf 'Bail out! %s\n' "$*"; exit 2; }

for tool in clang pkg-config readelf unzip zip curl xz unshare mount dpkg-query git; do
  command -v "$tool" >/dev/null || die "needs $tool"
done
[ -d "$MULTIARCH" ] || die "needs an x86_64 Debian or Ubuntu system ($MULTIARCH)"
if [ "$(id -u)" = 0 ]; then ns=(unshare -m); else ns=(unshare -r -m); fi
"${ns[@]}" true 2>/dev/null || die "cannot make a mount namespace (${ns[*]}): run as root or allow user namespaces"

if [ -z "$scratch" ]; then scratch=$(mktemp -d /tmp/cflite-check.XXXXXX); fi
mkdir -p "$scratch"
scratch=$(cd "$scratch" && pwd)
if [ "$keep" = 0 ]; then trap 'rm -rf "$scratch"' EXIT; else say "scratch directory kept: $scratch"; fi

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $*"; }
check() {   # description, command...: ok when the command succeeds
  local what=$1
  shift
  if "$@"; then ok "$what"; else not_ok "$what"; fi
}

# --- The image: what the Dockerfile does ------------------------------------
dockerfile=$src_top/.clusterfuzzlite/Dockerfile
for line in 'COPY .clusterfuzzlite/fetch-deps.sh $SRC/' 'RUN bash $SRC/fetch-deps.sh $SRC' \
  'COPY . $SRC/ifmatch' 'COPY .clusterfuzzlite/build.sh $SRC/'; do
  check "Dockerfile: $line (done the same way here)" grep -qxF "$line" "$dockerfile"
done
# The Dockerfile's packages are Ubuntu 20.04's names; Debian 12 has the same
# ones, so they must be installed for this check to be the image's build.
pkgs=$(sed -n '/apt-get install/,/rm -rf/p' "$dockerfile" | tr ' \\&' '\n' | grep -E '^[a-z0-9][a-z0-9.+-]+$' |
  grep -vxE 'apt-get|update|install|rm' || true)
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
check "the Dockerfile's packages are installed here (${pkgs//$'\n'/ })${missing:+; missing:$missing}" test -z "$missing"

SRC=$scratch/src
mkdir -p "$SRC/ifmatch"
say "copying $src_top to \$SRC/ifmatch (tracked and untracked-but-not-ignored files)"
(cd "$src_top" && git ls-files -z --cached --others --exclude-standard |
  tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$SRC/ifmatch"
cp "$SRC/ifmatch/.clusterfuzzlite/build.sh" "$SRC/build.sh"
CFLITE_CACHE=${CFLITE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ifmatch-cflite} \
  bash "$SRC/ifmatch/.clusterfuzzlite/fetch-deps.sh" "$SRC" | sed 's/^/# /' ||
  die "fetch-deps.sh failed (network, or put the tarball in \$CFLITE_CACHE)"

# Every harness in fuzz/ must be built: etag, case_load, report, interleave...
FUZZERS=$(cd "$SRC/ifmatch/fuzz" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//' | tr '\n' ' ')
say "harnesses: $FUZZERS"

# --- What a runner image has: glibc, libgcc_s, libstdc++ ---------------------
runner_lib=$scratch/runner-multiarch
mkdir -p "$runner_lib"
while read -r f; do
  rel=${f#*/x86_64-linux-gnu/}
  [ -d "$f" ] && [ ! -L "$f" ] && continue
  mkdir -p "$runner_lib/$(dirname "$rel")"
  cp -a "$f" "$runner_lib/$rel"
done < <(dpkg -L libc6 libgcc-s1 libstdc++6 | grep -E '^(/usr)?/lib/x86_64-linux-gnu/.')
runner_has() { [ -e "$runner_lib/$1" ]; }   # soname: does every runner image have it?

# --- Per sanitizer ----------------------------------------------------------
sanitizer_flags() {
  case $1 in
    address) echo "-fsanitize=address -fsanitize-address-use-after-scope" ;;
    undefined)
      local u=array-bounds,bool,builtin,enum,float-divide-by-zero,function,integer-divide-by-zero,null
      u=$u,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow,unreachable,vla-bound,vptr
      echo "-fsanitize=$u,unsigned-integer-overflow -fno-sanitize-recover=$u" ;;
    coverage) echo "-fprofile-instr-generate -fcoverage-mapping -pthread -Wl,--no-as-needed -Wl,-ldl -Wl,-lm -Wno-unused-command-line-argument" ;;
    *) die "unknown sanitizer $1 (address, undefined, coverage)" ;;
  esac
}

# libs_ok fuzzer-or-library out: every NEEDED is a runner library or in out/lib
libs_ok() {
  local lib bad=""
  for lib in $(readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
    runner_has "$lib" || [ -f "$2/lib/$lib" ] || bad="$bad $lib"
  done
  [ -z "$bad" ] || { echo "# $(basename "$1") needs, neither in a runner image nor in \$OUT/lib:$bad"; return 1; }
}

# in_runner command...: runs it where /usr/lib/x86_64-linux-gnu holds only
# the runner's libraries, with a clean environment
in_runner() {
  "${ns[@]}" bash -c 'mount --bind "$1" "$2" && shift 2 && exec /usr/bin/env -i PATH=/usr/bin:/bin "$@"' \
    _ "$runner_lib" "$MULTIARCH" "$@"
}

ASAN_RUNNER="alloc_dealloc_mismatch=0:allocator_may_return_null=1:allocator_release_to_os_interval_ms=500"
ASAN_RUNNER="$ASAN_RUNNER:check_malloc_usable_size=0:detect_container_overflow=1:detect_odr_violation=0"
ASAN_RUNNER="$ASAN_RUNNER:detect_leaks=1:detect_stack_use_after_return=1:fast_unwind_on_fatal=0:handle_abort=1"
ASAN_RUNNER="$ASAN_RUNNER:handle_segv=1:handle_sigill=1:max_uar_stack_size_log=16:print_scariness=1"
ASAN_RUNNER="$ASAN_RUNNER:quarantine_size_mb=10:strict_memcmp=1:symbolize=1:use_sigaltstack=1:dedup_token_length=3"
UBSAN_RUNNER="print_stacktrace=1:print_summary=1:silence_unsigned_overflow=1:symbolize=1:dedup_token_length=3"

for san in $sanitizers; do
  flags=$(sanitizer_flags "$san")
  OUT=$scratch/out-$san
  WORK=$scratch/work-$san
  mkdir -p "$OUT" "$WORK"
  say "[$san] building: bash -eux \$SRC/build.sh (log: $scratch/build-$san.log; a few minutes)"
  t0=$SECONDS
  # compile adds -fsanitize=fuzzer-no-link (COVERAGE_FLAGS), except for the
  # coverage build, whose flags replace it
  cflags="-O1 -fno-omit-frame-pointer -gline-tables-only -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION $flags"
  [ "$san" = coverage ] || cflags="$cflags -fsanitize=fuzzer-no-link"
  if (cd "$SRC/ifmatch" && env -i PATH="$PATH" HOME="$HOME" SRC="$SRC" OUT="$OUT" WORK="$WORK" \
    CC=clang CXX=clang++ CFLAGS="$cflags" CXXFLAGS="$cflags" LIB_FUZZING_ENGINE=-fsanitize=fuzzer \
    SANITIZER="$san" FUZZING_ENGINE=libfuzzer FUZZING_LANGUAGE=c ARCHITECTURE=x86_64 \
    bash -eux "$SRC/build.sh") >"$scratch/build-$san.log" 2>&1; then
    ok "[$san] \$SRC/build.sh builds in $((SECONDS - t0)) s"
  else
    not_ok "[$san] \$SRC/build.sh failed after $((SECONDS - t0)) s; its log's end:"
    tail -40 "$scratch/build-$san.log" | sed 's/^/#   /'
    continue
  fi

  for name in $FUZZERS; do
    f=$OUT/fuzz_$name
    # (grep reads all of readelf's output: with pipefail an early exit is a failure)
    if [ ! -x "$f" ] || ! grep -q ' LLVMFuzzerTestOneInput$' <<<"$(readelf -Ws "$f")"; then
      not_ok "[$san] \$OUT/fuzz_$name: a fuzz target (executable, LLVMFuzzerTestOneInput)"
      continue
    fi
    seeds=$(find "$SRC/ifmatch/fuzz/corpus/$name" -type f | wc -l)
    zipped=$(unzip -Z1 "$OUT/fuzz_${name}_seed_corpus.zip" 2>/dev/null | grep -cv '/$' || true)
    opts_ok=1
    if [ -f "$OUT/fuzz_$name.options" ]; then grep -qx '\[libfuzzer\]' "$OUT/fuzz_$name.options" || opts_ok=0; fi
    check "[$san] fuzz_$name: a fuzz target, its .dict, its seed corpus zip ($zipped of $seeds seeds)$([ -f "$OUT/fuzz_$name.options" ] && echo ', its .options')" \
      test -s "$OUT/fuzz_$name.dict" -a "$zipped" = "$seeds" -a "$seeds" -gt 0 -a "$opts_ok" = 1
    dyn=$(readelf -d "$f")
    if grep -q '(NEEDED).*\[libcurl' <<<"$dyn"; then
      # RPATH, not RUNPATH: only RPATH also serves the libraries' own dependencies
      check "[$san] fuzz_$name: RPATH \$ORIGIN/lib (it needs libcurl, shipped in \$OUT/lib)" \
        grep -qF '(RPATH)              Library rpath: [$ORIGIN/lib]' <<<"$dyn"
    fi
    check "[$san] fuzz_$name: every library it needs is a runner image's or in \$OUT/lib" libs_ok "$f" "$OUT"
  done
  check "[$san] fuzz_interleave: libmicrohttpd linked statically (Ubuntu 20.04's is too old)" \
    bash -c '! grep -q "(NEEDED).*libmicrohttpd" <<<"$(readelf -d "$1")"' _ "$OUT/fuzz_interleave"
  bad=""
  for lib in "$OUT"/lib/*; do
    [ -f "$lib" ] || continue
    libs_ok "$lib" "$OUT" >/dev/null || bad="$bad $(basename "$lib")"
  done
  check "[$san] \$OUT/lib ($(ls "$OUT/lib" 2>/dev/null | wc -l) libraries): each one's own dependencies are there or a runner image's${bad:+; not:$bad}" \
    test -z "$bad"

  # As on the runner: $OUT elsewhere, the system's libraries hidden.
  run=$scratch/runner-$san
  rm -rf "$run"
  mkdir -p "$run/nolib" "$run/artifacts"
  cp -a "$OUT" "$run/out"
  cp "$OUT/fuzz_interleave" "$run/nolib/"
  listing=$(in_runner /lib64/ld-linux-x86-64.so.2 --list "$run/out/fuzz_interleave" 2>&1 || true)
  check "[$san] runner: the loader finds every library of fuzz_interleave, libcurl in \$OUT/lib" \
    bash -c '! grep -q "not found" <<<"$1" && grep -q "libcurl.so.4 => $2/lib/libcurl.so.4" <<<"$1"' \
    _ "$listing" "$run/out"
  grep -q "not found" <<<"$listing" && sed 's/^/#   /' <<<"$listing"
  control=$(in_runner /lib64/ld-linux-x86-64.so.2 --list "$run/nolib/fuzz_interleave" 2>&1 || true)
  check "[$san] runner (control): without \$OUT/lib the system's libcurl is not found (it is hidden)" \
    grep -qE "libcurl.so.4( => not found|: cannot open shared object file)" <<<"$control"
  for name in $FUZZERS; do
    [ -x "$run/out/fuzz_$name" ] || continue
    corpus=$run/corpus-$name
    mkdir -p "$corpus"
    unzip -q -o "$run/out/fuzz_${name}_seed_corpus.zip" -d "$corpus"
    t0=$SECONDS
    rc=0
    if [ "$san" = coverage ]; then
      # The coverage build is not fuzzed (no sanitizer coverage for libFuzzer
      # to follow): like base-runner's coverage script, run the corpus once.
      in_runner LLVM_PROFILE_FILE="$run/$name.profraw" "$run/out/fuzz_$name" -runs=0 -timeout=25 \
        -rss_limit_mb=2560 "$corpus" >"$run/$name.log" 2>&1 || rc=$?
      if [ "$rc" = 0 ] && [ -s "$run/$name.profraw" ]; then
        ok "[$san] runner: fuzz_$name ran its seed corpus once and wrote its profile ($((SECONDS - t0)) s)"
        continue
      fi
    else
      in_runner ASAN_OPTIONS="$ASAN_RUNNER" UBSAN_OPTIONS="$UBSAN_RUNNER" \
        "$run/out/fuzz_$name" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2560 \
        -dict="$run/out/fuzz_$name.dict" -artifact_prefix="$run/artifacts/$name-" -print_final_stats=1 \
        "$corpus" >"$run/$name.log" 2>&1 || rc=$?
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$run/$name.log")
    if [ "$san" != coverage ] && [ "$rc" = 0 ] && [ -n "$runs" ]; then
      ok "[$san] runner: fuzz_$name fuzzed its seed corpus for $seconds s: $runs runs ($((SECONDS - t0)) s wall)"
    else
      not_ok "[$san] runner: fuzz_$name exit $rc (log: $run/$name.log)"
      grep -av '^#[0-9]' "$run/$name.log" | tail -30 | sed 's/^/#   /'
    fi
  done
done

echo "1..$n"
say "$( [ $failed = 0 ] && echo "all $n checks passed" || echo "some checks FAILED" ) in ${SECONDS} s"
exit $failed
