#!/bin/bash
# fuzz/run_smoke.sh: the CI fuzzing smoke test. Builds the libFuzzer harnesses
# with clang, ASan and UBSan in their own build directory, then fuzzes each
# one for FUZZ_SECONDS (default 60), two at a time, starting from its seed
# corpus and the dictionary. New corpus entries go to a scratch directory, so
# the checkout is never changed. Exit status 0 when no harness found anything;
# otherwise the failing inputs are left in $FUZZ_BUILD_DIR/artifacts/ (copy one
# into fuzz/regress/<harness>/ once it is understood: see fuzz/README.md).
#
#   FUZZ_SECONDS=60 FUZZ_JOBS=2 bash fuzz/run_smoke.sh
#
# Then the interleave fuzzer against the clean reference server in each of
# its shapes (`ifmatch serve --shape list`; post-create through
# targets/reference-post-create.yaml), FUZZ_SHAPE_SECONDS each (default 15,
# 0: none), default profile: a correct server must give no finding.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
seconds=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-2}
build=${FUZZ_BUILD_DIR:-$top/build-fuzz-smoke}
harnesses=${FUZZ_HARNESSES:-"etag case_load report server_request server_h2 h1_parse interleave"}
shape_seconds=${FUZZ_SHAPE_SECONDS:-15}
shapes=${FUZZ_SHAPES:-"post-create no-write-etag no-etag read-only weak-etags cap-conns header-close"}
case " $harnesses " in *" interleave "*) ;; *) shapes="" ;; esac
[ "$shape_seconds" = 0 ] && shapes=""

mkdir -p "$build"
echo "# building the fuzzers in $build (clang, ASan+UBSan; a few minutes the first time, log: $build/smoke-build.log)"
CC=${CC:-clang} cmake -S "$top" -B "$build" -DIFM_FUZZ=ON -DIFM_SANITIZE=ON >"$build/smoke-build.log" 2>&1 &&
  cmake --build "$build" -j"$(nproc)" --target $(printf 'fuzz_%s ' $harnesses) >>"$build/smoke-build.log" 2>&1 ||
  { cat "$build/smoke-build.log"; echo "not ok - fuzzer build failed"; exit 2; }
echo "# fuzzers built after ${SECONDS} s"

art=$build/artifacts
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$art"

run_one() {   # name: fuzz it, log to $scratch/name.log, status to $scratch/name.rc
  local name=$1
  mkdir -p "$scratch/$name"
  "$build/fuzz/fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -dict="$here/ifmatch.dict" -artifact_prefix="$art/$name-" -print_final_stats=1 \
    "$scratch/$name" "$here/corpus/$name" >"$scratch/$name.log" 2>&1
  echo $? >"$scratch/$name.rc"
  echo "# fuzz_$name: finished ($(verdict "$scratch/$name"))"
}

shape_one() {   # shape: the clean server in that shape, for shape_seconds
  local shape=$1 target=""
  [ "$shape" = post-create ] && target=$top/targets/reference-post-create.yaml
  mkdir -p "$scratch/shape-$shape"
  IFM_FUZZ_SHAPE=$shape IFM_FUZZ_TARGET=$target "$build/fuzz/fuzz_interleave" -max_total_time="$shape_seconds" \
    -timeout=30 -rss_limit_mb=2048 -max_len=128 -artifact_prefix="$art/interleave-$shape-" -print_final_stats=1 \
    "$scratch/shape-$shape" "$here/corpus/interleave" >"$scratch/shape-$shape.log" 2>&1
  echo $? >"$scratch/shape-$shape.rc"
  echo "# fuzz_interleave, shape $shape: finished ($(verdict "$scratch/shape-$shape"))"
}

verdict() {   # prefix: "no finding, N runs" or "FINDING, exit N" from prefix.rc/.log
  local rc execs
  rc=$(cat "$1.rc")
  execs=$(grep -a 'stat::number_of_executed_units' "$1.log" | awk '{print $2}')
  if [ "$rc" = 0 ]; then echo "no finding, ${execs:-?} runs"; else echo "FINDING, exit $rc"; fi
}

n_h=$(echo $harnesses | wc -w)
n_s=$(echo $shapes | wc -w)
echo "# fuzzing $n_h harnesses for $seconds s each, then the clean server in $n_s shapes for" \
  "$shape_seconds s each, $jobs at a time: about $(( (n_h * seconds + n_s * shape_seconds + jobs - 1) / jobs )) s"
running=0
k=0
for name in $harnesses; do
  k=$((k + 1))
  echo "# fuzz_$name: started ($k of $n_h, $seconds s)"
  run_one "$name" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
done
k=0
for shape in $shapes; do
  k=$((k + 1))
  echo "# fuzz_interleave, shape $shape: started against the clean server ($k of $n_s, $shape_seconds s)"
  shape_one "$shape" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
done
wait

n=0 failed=0
echo "1..$(( $(echo $harnesses | wc -w) + $(echo $shapes | wc -w) ))"
for name in $harnesses; do
  n=$((n + 1))
  rc=$(cat "$scratch/$name.rc")
  execs=$(grep -a 'stat::number_of_executed_units' "$scratch/$name.log" | awk '{print $2}')
  speed=$(grep -a 'stat::average_exec_per_sec' "$scratch/$name.log" | awk '{print $2}')
  if [ "$rc" = 0 ]; then
    echo "ok $n - fuzz_$name: ${execs:-?} runs in ${seconds} s (${speed:-?} exec/s)"
  else
    failed=1
    echo "not ok $n - fuzz_$name: exit $rc; inputs in $art/"
    sed 's/^/# /' "$scratch/$name.log" | grep -av '^# #[0-9]' | tail -60
  fi
done
for shape in $shapes; do
  n=$((n + 1))
  rc=$(cat "$scratch/shape-$shape.rc")
  log=$scratch/shape-$shape.log
  execs=$(grep -a 'stat::number_of_executed_units' "$log" | awk '{print $2}')
  if [ "$rc" = 0 ]; then
    echo "ok $n - fuzz_interleave, clean server in shape $shape: ${execs:-?} programs in ${shape_seconds} s, no finding"
  else
    failed=1
    echo "not ok $n - fuzz_interleave, clean server in shape $shape: exit $rc; inputs in $art/"
    sed 's/^/# /' "$log" | grep -av '^# #[0-9]' | tail -60
  fi
done
exit $failed
