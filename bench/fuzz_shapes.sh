#!/usr/bin/env bash
# bench/fuzz_shapes.sh: the stateful fuzzer (fuzz/fuzz_interleave.c) against
# the clean in-process reference server in every shape of `ifmatch serve
# --shape list` and every profile, SECONDS each, from the seed corpus (read
# only); a correct server must give no finding (issue 14). Then, with
# FLAWS=1, each seeded flaw in each shape for FLAW_SECONDS: found or not.
# Prints markdown tables for bench/README.md ("Interleave in every shape").
#
#   FUZZER=/tmp/build-fuzz/fuzz/fuzz_interleave IFMATCH=build/ifmatch \
#     SECONDS_EACH=60 JOBS=2 FLAWS=1 FLAW_SECONDS=20 bench/fuzz_shapes.sh
#
# post-create runs with targets/reference-post-create.yaml (create by POST,
# path_from: location), so programs work on a resource that exists; the
# other shapes with no target file (the language's own requests).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
FUZZER=${FUZZER:-$ROOT/build-fuzz/fuzz/fuzz_interleave}
IFMATCH=${IFMATCH:-$ROOT/build/ifmatch}
SECS=${SECONDS_EACH:-60}
JOBS=${JOBS:-2}
FLAW_SECS=${FLAW_SECONDS:-20}
PROFILES=${PROFILES:-"rfc9110 rfc9110-428 cpp"}
[ -x "$FUZZER" ] || { echo "no fuzzer at $FUZZER (build with -DIFM_FUZZ=ON)" >&2; exit 2; }
[ -x "$IFMATCH" ] || { echo "no ifmatch at $IFMATCH" >&2; exit 2; }
SHAPES=${SHAPES:-"none $("$IFMATCH" serve --shape list 2>&1 | awk 'NF {print $1}' | tr '\n' ' ')"}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

target_for() { [ "$1" = post-create ] && echo "$ROOT/targets/reference-post-create.yaml"; }

# one run: name shape profile flaw seconds -> $WORK/name.{log,rc}
one() {
  local name=$1 shape=$2 prof=$3 flaw=$4 secs=$5 dir=$WORK/$1
  mkdir -p "$dir"
  [ "$shape" = none ] && shape=""
  IFM_FUZZ_SHAPE=$shape IFM_FUZZ_PROFILE=$prof IFM_FUZZ_FLAWS=$flaw IFM_FUZZ_TARGET=$(target_for "$shape") \
    "$FUZZER" -max_len=128 -max_total_time="$secs" -timeout=60 -print_final_stats=1 \
    -artifact_prefix="$dir/" "$dir" "$ROOT/fuzz/corpus/interleave" >"$WORK/$name.log" 2>&1
  echo $? >"$WORK/$name.rc"
}

stat() { grep -a -o "$2: *[0-9]*" "$WORK/$1.log" | awk '{print $2}' | tail -1; }

echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))," \
  "$JOBS at a time, ${SECS} s each, fuzzer $(basename "$FUZZER")"
for s in $SHAPES; do for p in $PROFILES; do echo "clean-$s-$p $s $p $SECS"; done; done | {
  running=0
  while read -r n s p t; do
    one "$n" "$s" "$p" "" "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$JOBS" ]; then wait -n; running=$((running - 1)); fi
  done
  wait
}
echo
echo "| shape | profile | programs | exec/s | minutes | findings |"
echo "|---|---|---|---|---|---|"
total=0
for s in $SHAPES; do for p in $PROFILES; do
  n=clean-$s-$p
  rc=$(cat "$WORK/$n.rc" 2>/dev/null || echo ?)
  execs=$(stat "$n" number_of_executed_units)
  found=$(ls "$WORK/$n"/crash-* 2>/dev/null | wc -l)
  [ "$rc" = 0 ] || found="$found (exit $rc: $(grep -a -m1 -o 'VIOLATION of [A-Z0-9/-]*' "$WORK/$n.log"))"
  [ "$found" = 0 ] || cp "$WORK/$n.log" "$HERE/out/fuzz_shapes-$n.log" 2>/dev/null
  total=$((total + ${execs:-0}))
  echo "| $s | $p | ${execs:-?} | $(stat "$n" average_exec_per_sec) | $(echo "scale=1; $SECS / 60" | bc) | $found |"
done; done
echo
echo "programs in all: $total"

[ "${FLAWS:-0}" = 1 ] || exit 0
mapfile -t ALLFLAWS < <("$IFMATCH" serve --flaw list 2>&1 | awk 'NF {print $1}')
prof_for() { [ "$1" = missing-ok ] && echo rfc9110-428 || echo rfc9110; }
for f in "${ALLFLAWS[@]}"; do for s in $SHAPES; do
  echo "flaw-$f-$s $s $(prof_for "$f") $f $FLAW_SECS"
done; done | {
  running=0
  while read -r n s p f t; do
    one "$n" "$s" "$p" "$f" "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$JOBS" ]; then wait -n; running=$((running - 1)); fi
  done
  wait
}
echo
printf '| flaw |'; for s in $SHAPES; do printf ' %s |' "$s"; done; echo
printf '|---|'; for s in $SHAPES; do printf -- '---|'; done; echo
for f in "${ALLFLAWS[@]}"; do
  printf '| %s |' "$f"
  for s in $SHAPES; do
    n=flaw-$f-$s
    if ls "$WORK/$n"/crash-* >/dev/null 2>&1; then
      printf ' %s |' "$(grep -a -m1 -o 'VIOLATION of [A-Z0-9/-]*' "$WORK/$n.log" | cut -d' ' -f3)"
    else printf ' - |'; fi
  done
  echo
done
