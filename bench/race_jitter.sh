#!/usr/bin/env bash
# bench/race_jitter.sh [path/to/ifmatch]: the race benchmarks across a jittery
# "network" (bench/README.md, "Races behind jitter"; issue 13). This kernel has
# no netem, so a delaying TCP proxy of its own (bench/race/jitter_proxy.py)
# sits between `ifmatch run` and `ifmatch serve`: every chunk of every
# connection, in each direction, is delayed independently (default 5 +- 2 ms,
# uniform), order kept within a connection. Each measure runs on plain loopback
# and behind the proxy, for each release and client count:
#
#   1. arrival spread at the server (its --arrival-log, bench/race/arrivals.py):
#      latest minus earliest racing PUT of a round; median and p95 per run,
#      then the median of the runs, and none/release computed within each run
#   2. detection: `serve --flaw race --race-window-us W`, cases with
#      stop_on_violation: "detected in K of M runs, median (max) rounds"
#
# Knobs (environment): RELEASES ("none last-byte"; add single-packet once the
# runner has it), CLIENTS ("8 32 64"), RUNS (5 spread runs), ROUNDS (40 rounds
# per release, client count and run), PAIRS (4: each is split in PAIRS cases,
# interleaved with the other releases), WINDOWS ("10 50 200"), STOP_RUNS (10),
# MAX_ROUNDS (50, per detection run), DETECT_CLIENTS ($CLIENTS), ENVS
# ("loopback jitter"), DELAY (uniform:5:2, see jitter_proxy.py), SEED (1),
# PROXY_NICE (-10 as root, else 0: the proxy is the network, not one more
# process starved of CPU). Outputs in bench/out/race_jitter/; about 10 minutes
# with the defaults on a 2-core VM.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
IFM=${1:-}
if [ -z "$IFM" ]; then
  IFM=$ROOT/build-race/ifmatch
  [ -x "$IFM" ] || IFM=$ROOT/build/ifmatch
fi
[ -x "$IFM" ] || { echo "race_jitter.sh: no ifmatch binary at $IFM (build it, or pass its path)" >&2; exit 2; }
IFM=$(cd "$(dirname "$IFM")" && pwd)/$(basename "$IFM")

RELEASES=${RELEASES:-"none last-byte"}
CLIENTS=${CLIENTS:-"8 32 64"}
RUNS=${RUNS:-5}
ROUNDS=${ROUNDS:-40}
PAIRS=${PAIRS:-4}
WINDOWS=${WINDOWS:-"10 50 200"}
STOP_RUNS=${STOP_RUNS:-10}
MAX_ROUNDS=${MAX_ROUNDS:-50}
DETECT_CLIENTS=${DETECT_CLIENTS:-$CLIENTS}
ENVS=${ENVS:-"loopback jitter"}
DELAY=${DELAY:-uniform:5:2}
SEED=${SEED:-1}
if [ -z "${PROXY_NICE+x}" ]; then
  PROXY_NICE=0
  [ "$(id -u)" = 0 ] && PROXY_NICE=-10
fi
RUN_TIMEOUT=300            # seconds, for any single `ifmatch run` (read by lib.sh)
export RUN_TIMEOUT
PY=${PYTHON:-python3}

OUT=$ROOT/bench/out/race_jitter
rm -rf "$OUT"
mkdir -p "$OUT/cases" "$OUT/json" "$OUT/arrivals"
RES=$OUT/results.md
# shellcheck source=race/lib.sh
. "$HERE/race/lib.sh"

say() { echo "$*" | tee -a "$RES"; }
# shellcheck disable=SC2086  # unquoted on purpose: squeezes the blanks
csv() { echo $1 | tr ' ' ','; }
tag() { echo "$1" | tr 'a-z_' 'A-Z-'; }

# shellcheck disable=SC2086
ALLC=$(echo $CLIENTS $DETECT_CLIENTS | tr ' ' '\n' | sort -nu | tr '\n' ' ')
"$PY" "$HERE/race/jitter_gen.py" "$OUT/cases" "$(csv "$ALLC")" "$(csv "$RELEASES")" \
  "$ROUNDS" "$PAIRS" "$MAX_ROUNDS"

# env_up ENV [SERVER ARGS...]: a server, and for ENV=jitter the proxy before
# it; sets URL to what the runner talks to.
env_up() {
  local env=$1; shift
  lib_server "$@"
  URL=$SRV_URL
  if [ "$env" = jitter ]; then
    lib_proxy "$DELAY" "$SEED"
    URL=$PX_URL
  fi
}

say "# bench/race_jitter.sh results"
say ""
say "$(date -u +%Y-%m-%dT%H:%MZ), nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'),"
say "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $("$IFM" --version 2>/dev/null | head -1 | cut -d' ' -f1-2)"
say "binary: $IFM; $("$PY" --version 2>&1); proxy delay $DELAY per chunk and direction, seed $SEED, nice $PROXY_NICE"
say "releases: $RELEASES; clients: $CLIENTS; environments: $ENVS"
T0=$(date +%s)

# ---- 1. arrival spread --------------------------------------------------------
say ""
say "## 1. Arrival spread (us): $ROUNDS rounds per release, client count and run, $RUNS runs"
say ""
groups=()
for c in $CLIENTS; do
  for rel in $RELEASES; do groups+=("BENCH-JS-C$c-$(tag "$rel")-=$c/$rel"); done
done
: >"$OUT/spread.tsv"
for r in $(seq "$RUNS"); do
  for env in $ENVS; do
    log=$OUT/arrivals/spread-$env-$r.log
    env_up "$env" --arrival-log "$log"
    t=$(date +%s.%N)
    lib_run "$URL" "$OUT/cases/spread.yaml" -j 1 --json "$OUT/json/spread-$env-$r.json"
    echo "spread run $r $env: $(awk -v a="$t" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s" >&2
    lib_stop
    "$PY" "$HERE/race/arrivals.py" "$log" "${groups[@]}" |
      while IFS=$'\t' read -r lab n per med p95 mx gap; do
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$env" "${lab%%/*}" "${lab#*/}" "$r" \
          "$n" "$per" "$med" "$p95" "$mx" "$gap"
      done >>"$OUT/spread.tsv"
  done
done
say "Per run: env, clients, release, run, rounds, PUTs per round, median, p95, max, median gap:"
say ""
say '```'
column -t -s $'\t' "$OUT/spread.tsv" | tee -a "$RES"
say '```'
say ""
say "Medians of the runs (none / release: the ratio of the medians within each run, their median (each run's)):"
say ""
"$PY" "$HERE/race/jitter_table.py" spread "$OUT/spread.tsv" "$RELEASES" | tee -a "$RES"
case " $RELEASES " in *" single-packet "*) ;; *) say ""; say "single-packet: not built yet (not in RELEASES)";; esac

# ---- 2. detection ---------------------------------------------------------------
say ""
say "## 2. Detection against serve --flaw race: $STOP_RUNS runs of at most $MAX_ROUNDS rounds each, stop_on_violation"
say ""
: >"$OUT/detect.tsv"
for env in $ENVS; do
  for w in $WINDOWS; do
    env_up "$env" --flaw race --race-window-us "$w"
    t=$(date +%s.%N)
    for c in $DETECT_CLIENTS; do
      declare -A files=()
      for r in $(seq "$STOP_RUNS"); do
        for rel in $RELEASES; do       # interleaved: the same background load
          j=$OUT/json/detect-$env-w$w-c$c-$rel-$r.json
          lib_run "$URL" "$OUT/cases/detect-c$c-$rel.yaml" --json "$j"
          files[$rel]="${files[$rel]:-} $j"
        done
      done
      for rel in $RELEASES; do
        # shellcheck disable=SC2086
        IFS=$'\t' read -r det rounds ms < <("$PY" "$HERE/race/detect.py" stop "$MAX_ROUNDS" ${files[$rel]} ||
                                               printf 'error\t-\t-\n')
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$env" "$w" "$c" "$rel" "$det" "$rounds" "$ms" >>"$OUT/detect.tsv"
      done
      unset files
    done
    echo "detect $env w$w: $(awk -v a="$t" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s" >&2
    lib_stop
  done
done
say "Per configuration: detected in K of M runs, rounds to the first detection median (max), ms median (max):"
say ""
say '```'
column -t -s $'\t' "$OUT/detect.tsv" | tee -a "$RES"
say '```'
say ""
"$PY" "$HERE/race/jitter_table.py" detect "$OUT/detect.tsv" "$RELEASES" | tee -a "$RES"

say ""
if grep -q lateness "$OUT/proxy.err" 2>/dev/null; then
  say "The proxy's timer lateness per session (actual write minus scheduled, us):"
  say ""
  grep lateness "$OUT/proxy.err" | sed 's/^jitter_proxy: /- /' | tee -a "$RES" >/dev/null
  grep lateness "$OUT/proxy.err" | sed 's/^jitter_proxy: /- /' >&2
fi
say ""
say "Total time $(( $(date +%s) - T0 )) s; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "race_jitter.sh: results in $RES" >&2
