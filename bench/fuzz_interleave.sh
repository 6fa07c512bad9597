#!/usr/bin/env bash
# bench/fuzz_interleave.sh: time to find each seeded flaw of the reference
# server with the stateful fuzzer (fuzz/fuzz_interleave.c; bench/README.md,
# "Interleave"). For every flaw of `ifmatch serve --flaw list` it runs the
# fuzzer from the seed corpus (fuzz/corpus/interleave, read only; new inputs
# go to a scratch directory) with IFM_FUZZ_FLAWS=<flaw> (and IFM_FUZZ_PROFILE
# where the flaw needs one) until the first crash or MAX_TIME seconds, RUNS
# times with seeds 1..RUNS, and prints the median wall time to the first
# crash; then the executions per second against the clean server.
#
#   FUZZER=build-fuzz/fuzz/fuzz_interleave IFMATCH=build/ifmatch \
#     bench/fuzz_interleave.sh [RUNS] [MAX_TIME] [FLAW...]    (defaults: 5 120, all flaws)
#
# FROM=empty starts from an empty corpus instead of the seeds (the seeds
# already hold inputs that trip most flaws, so from the seeds the time is
# mostly start-up; from nothing it is the time the mutator needs).
# FUZZER: a fuzz_interleave built with -DIFM_FUZZ=ON (plain, without
# -DIFM_SANITIZE, for honest speed). SKIP: flaws not to run (space separated;
# default: none; ius-first and inm-first became expressible with the
# conditional forms of fuzz/prog/ifm_fp_lang.h).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
FUZZER=${FUZZER:-$ROOT/build-fuzz/fuzz/fuzz_interleave}
IFMATCH=${IFMATCH:-$ROOT/build/ifmatch}
RUNS=${1:-5}
MAX_TIME=${2:-120}
shift 2 2>/dev/null || shift $#
SKIP=${SKIP-}
OUT=$HERE/out/fuzz_interleave
SEEDS=("$ROOT/fuzz/corpus/interleave")
[ "${FROM:-seeds}" = empty ] && SEEDS=()
mkdir -p "$OUT"
[ -x "$FUZZER" ] || { echo "no fuzzer at $FUZZER (build with -DIFM_FUZZ=ON)" >&2; exit 2; }
[ -x "$IFMATCH" ] || { echo "no ifmatch at $IFMATCH" >&2; exit 2; }

if [ $# -gt 0 ]; then FLAWS=("$@"); else
  mapfile -t FLAWS < <("$IFMATCH" serve --flaw list 2>&1 | awk 'NF {print $1}')
fi

profile_for() {
  case $1 in
    missing-ok) echo rfc9110-428 ;;
    *) echo rfc9110 ;;
  esac
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print "-"; else if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }

echo "# $(date -u +%Y-%m-%dT%H:%MZ), nproc $(nproc), runs $RUNS, max ${MAX_TIME}s, from ${FROM:-seeds}"
echo "| flaw | profile | found | median s | runs (s) | requirement |"
echo "|---|---|---|---|---|---|"
for flaw in "${FLAWS[@]}"; do
  prof=$(profile_for "$flaw")
  if [[ " $SKIP " == *" $flaw "* ]]; then
    echo "| $flaw | $prof | not run | - | - | (not expressible) |"
    continue
  fi
  times=() found=0 req=""
  for run in $(seq 1 "$RUNS"); do
    work=$(mktemp -d)
    t0=$(date +%s.%N)
    IFM_FUZZ_FLAWS=$flaw IFM_FUZZ_PROFILE=$prof "$FUZZER" -seed="$run" -max_len=128 \
      -max_total_time="$MAX_TIME" -timeout=60 -artifact_prefix="$work/" \
      "$work" "${SEEDS[@]}" >"$work/log" 2>&1
    t1=$(date +%s.%N)
    if ls "$work"/crash-* >/dev/null 2>&1; then
      found=$((found + 1))
      times+=("$(echo "$t1 - $t0" | bc -l | xargs printf '%.2f')")
      [ -n "$req" ] || req=$(grep -m1 -o 'VIOLATION of [A-Z0-9/-]*' "$work/log" | cut -d' ' -f3)
      cp "$work"/crash-* "$OUT/crash-$flaw-$run" 2>/dev/null
    else
      times+=(">$MAX_TIME")
    fi
    rm -rf "$work"
  done
  med=$(printf '%s\n' "${times[@]}" | grep -v '>' | median)
  [ "$found" -lt "$RUNS" ] && [ "$found" -le $((RUNS / 2)) ] && med=">$MAX_TIME"
  echo "| $flaw | $prof | $found/$RUNS | $med | ${times[*]} | ${req:--} |"
done

# Executions per second against the clean server (20 s, from the seeds).
[ "${NO_SPEED:-0}" = 1 ] && exit 0
work=$(mktemp -d)
"$FUZZER" -max_len=128 -max_total_time=20 -print_final_stats=1 "$work" \
  "$ROOT/fuzz/corpus/interleave" >"$work/log" 2>&1
echo
echo "clean server, 20 s: $(grep -o 'average_exec_per_sec: *[0-9]*' "$work/log" | awk '{print $2}') programs/s," \
  "$(grep -o 'number_of_executed_units: *[0-9]*' "$work/log" | awk '{print $2}') programs, crashes: $(ls "$work"/crash-* 2>/dev/null | wc -l)"
rm -rf "$work"
