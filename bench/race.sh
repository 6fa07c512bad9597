#!/usr/bin/env bash
# bench/race.sh [path/to/ifmatch]: the concurrency benchmarks (bench/README.md,
# "Concurrency"). Loopback only; starts its own `ifmatch serve` processes and
# stops them; about 1-2 minutes. Outputs in bench/out/race/ (results.md, the
# case files, arrival logs, JSON reports).
#
#   1. arrival spread of 32 racing PUTs per round, last-byte against none
#   2. detection power against `serve --flaw race` (windows 1000, 100, 10 us)
#   4. scale: one round of 1,024 clients, peak RSS of `ifmatch run`
#
# Knobs (environment): RUNS (3: runs per spread / fraction / scale measure),
# STOP_RUNS (10), CLIENTS (32), SPREAD_ROUNDS (100 per release and run),
# WINDOWS ("1000 100 10"), DETECT_CLIENTS ("32 2"), SCALE (1024),
# WIRE=1 (as root: also capture one spread run on lo to split the spread
# into the client's release sweep and the server's lag; bench/race/wire.py).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
IFM=${1:-}
if [ -z "$IFM" ]; then
  IFM=$ROOT/build-race/ifmatch
  [ -x "$IFM" ] || IFM=$ROOT/build/ifmatch
fi
[ -x "$IFM" ] || { echo "race.sh: no ifmatch binary at $IFM (build it, or pass its path)" >&2; exit 2; }
IFM=$(cd "$(dirname "$IFM")" && pwd)/$(basename "$IFM")

RUNS=${RUNS:-3}
STOP_RUNS=${STOP_RUNS:-10}
CLIENTS=${CLIENTS:-32}
SPREAD_ROUNDS=${SPREAD_ROUNDS:-100}
WINDOWS=${WINDOWS:-"1000 100 10"}
DETECT_CLIENTS=${DETECT_CLIENTS:-"32 2"}
SCALE=${SCALE:-1024}
WIRE=${WIRE:-0}
RUN_TIMEOUT=120            # seconds, for any single `ifmatch run`

OUT=$ROOT/bench/out/race
rm -rf "$OUT"
mkdir -p "$OUT/cases" "$OUT/json" "$OUT/arrivals"
RES=$OUT/results.md
PY=${PYTHON:-python3}

SRV_PID=
URL=
cleanup() {
  if [ -n "$SRV_PID" ] && kill -0 "$SRV_PID" 2>/dev/null; then
    kill -TERM "$SRV_PID" 2>/dev/null || true
    wait "$SRV_PID" 2>/dev/null || true
  fi
  SRV_PID=
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { echo "$*" | tee -a "$RES"; }

# start_server ARGS...: `ifmatch serve --port 0 ARGS`, sets SRV_PID and URL.
start_server() {
  local i
  : >"$OUT/serve.out"
  "$IFM" serve --port 0 "$@" >"$OUT/serve.out" 2>>"$OUT/serve.err" &
  SRV_PID=$!
  for i in $(seq 100); do
    URL=$(sed -n 's/^ifmatch: serving \(http:[^ ]*\) .*/\1/p' "$OUT/serve.out")
    [ -n "$URL" ] && return 0
    kill -0 "$SRV_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "race.sh: ifmatch serve did not start:" >&2
  cat "$OUT/serve.err" >&2
  exit 3
}

# stop_server: SIGTERM, and wait: the arrival log is flushed on exit.
stop_server() { cleanup; }

# irun ARGS...: one `ifmatch run` against $URL, bounded in time. The exit code
# (1 = a case failed, expected against the flawed server) is not fatal.
irun() {
  timeout -k 5 "$RUN_TIMEOUT" "$IFM" run "$@" --url "$URL" --max-time "$RUN_TIMEOUT" -q \
    >>"$OUT/run.out" 2>&1 || true
}

"$PY" "$HERE/race/gen.py" "$OUT/cases" "$CLIENTS" "$SPREAD_ROUNDS" 5 "$SCALE" \
  "$(echo $DETECT_CLIENTS | tr ' ' ',')"

say "# bench/race.sh results"
say ""
say "$(date -u +%Y-%m-%dT%H:%MZ), nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'),"
say "load average before: $(cut -d' ' -f1-3 /proc/loadavg), ulimit -n soft $(ulimit -Sn) hard $(ulimit -Hn), $("$IFM" --version 2>/dev/null | head -1 || true)"
say "binary: $IFM"
T0=$(date +%s)

# ---- 1. arrival spread ------------------------------------------------------
say ""
say "## 1. Arrival spread: $CLIENTS clients, $SPREAD_ROUNDS rounds per release and run, $RUNS runs"
say ""
say "Per run (microseconds; spread = latest - earliest racing PUT arrival of a round):"
say ""
say "| run | release | rounds | median | p95 | max | median gap |"
say "|---|---|---|---|---|---|---|"
: >"$OUT/spread.tsv"
for r in $(seq "$RUNS"); do
  log=$OUT/arrivals/spread-$r.log
  start_server --arrival-log "$log"
  irun "$OUT/cases/spread.yaml" -j 1 --json "$OUT/json/spread-$r.json"
  stop_server
  "$PY" "$HERE/race/arrivals.py" "$log" BENCH-SPREAD-LB=last-byte BENCH-SPREAD-NONE=none |
    tee -a "$OUT/spread.tsv" |
    while IFS=$'\t' read -r lab n per med p95 mx gap; do
      say "| $r | $lab | $n x $per PUTs | $med | $p95 | $mx | $gap |"
    done
done
say ""
say "Median of the $RUNS runs:"
say ""
say "| release | runs | median | p95 | max | median gap |"
say "|---|---|---|---|---|---|"
cut -f1,4- "$OUT/spread.tsv" | "$PY" "$HERE/race/median.py" >"$OUT/spread-med.tsv"
while IFS=$'\t' read -r lab n med p95 mx gap; do
  say "| $lab | $n | $med | $p95 | $mx | $gap |"
done <"$OUT/spread-med.tsv"
LB_MED=$(awk -F'\t' '$1=="last-byte"{print $3}' "$OUT/spread-med.tsv")
NO_MED=$(awk -F'\t' '$1=="none"{print $3}' "$OUT/spread-med.tsv")
say ""
say "Target median <= 200 us with last-byte: $(awk -v a="$LB_MED" 'BEGIN{print (a<=200)?"met":"MISSED"}') ($LB_MED us);" \
    "none/last-byte = $(awk -v a="$LB_MED" -v b="$NO_MED" 'BEGIN{printf "%.1f", b/a}')x" \
    "(target >= 5x: $(awk -v a="$LB_MED" -v b="$NO_MED" 'BEGIN{print (b>=5*a)?"met":"MISSED"}'))"

if [ "$WIRE" = 1 ]; then
  say ""
  say "Where the spread goes: one more run of spread.yaml with a capture on lo (bench/race/wire.py;"
  say "wire = latest - earliest moment a racing request's last segment left the client; lag = last"
  say "segment on the wire to the last logged arrival; medians, microseconds):"
  say ""
  say "| release | rounds | wire spread | arrival spread | lag |"
  say "|---|---|---|---|---|"
  log=$OUT/arrivals/wire.log
  start_server --arrival-log "$log"
  port=${URL##*:}; port=${port%/}
  "$PY" "$HERE/race/wire.py" "$port" 90 "$OUT/wire.tsv" >"$OUT/wire.out" 2>&1 &
  WPID=$!
  sleep 0.5
  irun "$OUT/cases/spread.yaml" -j 1
  kill -TERM "$WPID" 2>/dev/null || true
  wait "$WPID" 2>/dev/null || true
  stop_server
  "$PY" "$HERE/race/wire_join.py" "$OUT/wire.tsv" "$log" "$CLIENTS" \
    BENCH-SPREAD-LB=last-byte BENCH-SPREAD-NONE=none |
    while IFS=$'\t' read -r lab n w a l; do say "| $lab | $n | $w | $a | $l |"; done
fi

# ---- 2. detection power -----------------------------------------------------
say ""
say "## 2. Detection power against serve --flaw race"
say ""
say "Fraction of 100 rounds that showed the violation ($RUNS runs each, median), and"
say "$STOP_RUNS runs with stop_on_violation: true (rounds and ms to the first detection,"
say "median (max); ms from the start of the run to the end of the detecting round):"
say ""
say "| window us | clients | release | violated rounds per run | median | stop runs | rounds to detection | ms to detection |"
say "|---|---|---|---|---|---|---|---|"
for w in $WINDOWS; do
  start_server --flaw race --race-window-us "$w"
  for c in $DETECT_CLIENTS; do
    for rel in lb none; do
      fr=() st=()
      for r in $(seq "$RUNS"); do
        j=$OUT/json/detect-w$w-c$c-$rel-$r.json
        irun "$OUT/cases/detect-c$c-$rel.yaml" --json "$j"
        fr+=("$j")
      done
      for r in $(seq "$STOP_RUNS"); do
        j=$OUT/json/detect-w$w-c$c-$rel-stop-$r.json
        irun "$OUT/cases/detect-c$c-$rel-stop.yaml" --json "$j"
        st+=("$j")
      done
      IFS=$'\t' read -r list med < <("$PY" "$HERE/race/detect.py" frac 100 "${fr[@]}")
      IFS=$'\t' read -r det rounds ms < <("$PY" "$HERE/race/detect.py" stop 100 "${st[@]}")
      name=$([ "$rel" = lb ] && echo last-byte || echo none)
      say "| $w | $c | $name | $list | $med | $det | $rounds | $ms |"
    done
  done
  stop_server
done

# ---- 4. scale -----------------------------------------------------------------
say ""
say "## 4. Scale: one round of $SCALE clients (last-byte) against a separate serve"
say ""
if [ ! -x /usr/bin/time ]; then
  say "/usr/bin/time is missing (apt-get install time): peak RSS not measured"
fi
say "| run | verdict | peak RSS of ifmatch run (KiB) | wall s | server arrival spread us |"
say "|---|---|---|---|---|"
: >"$OUT/scale.tsv"
for r in $(seq "$RUNS"); do
  log=$OUT/arrivals/scale-$r.log
  start_server --arrival-log "$log"
  j=$OUT/json/scale-$r.json
  rss=- wall=-
  if [ -x /usr/bin/time ]; then
    timeout -k 5 "$RUN_TIMEOUT" /usr/bin/time -o "$OUT/time-$r.txt" -f '%M %e' \
      "$IFM" run "$OUT/cases/scale.yaml" --url "$URL" --json "$j" -q >>"$OUT/run.out" 2>&1 || true
    read -r rss wall <"$OUT/time-$r.txt" || true
  else
    irun "$OUT/cases/scale.yaml" --json "$j"
  fi
  srv_hwm=$(awk '/VmHWM/{print $2}' /proc/"$SRV_PID"/status 2>/dev/null || echo -)
  stop_server
  verdict=$("$PY" -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print(r["verdict"], r["message"] or "")' "$j" 2>/dev/null || echo "no report")
  spread=$("$PY" "$HERE/race/arrivals.py" "$log" | cut -f4)
  printf '%s\t%s\t%s\n' "$rss" "$wall" "$srv_hwm" >>"$OUT/scale.tsv"
  say "| $r | $verdict | $rss | $wall | $spread |"
done
RSS_MED=$(sed 's/^/rss\t/' "$OUT/scale.tsv" | "$PY" "$HERE/race/median.py" | cut -f3)
HWM_MED=$(sed 's/^/rss\t/' "$OUT/scale.tsv" | "$PY" "$HERE/race/median.py" | cut -f5)
say ""
say "Median peak RSS of ifmatch run: $RSS_MED KiB (target < 65536: $(awk -v a="$RSS_MED" 'BEGIN{print (a<65536)?"met":"MISSED"}'));" \
    "the server's own peak (VmHWM): $HWM_MED KiB"
# The file descriptors it needs: ifmatch run asks for clients + 64 (against a
# URL; twice the clients with the embedded server) and raises its soft limit
# to the hard one first. Show its message under a hard limit just short.
start_server
need=$((SCALE + 64))
msg=$( (ulimit -n $((need - 1)); "$IFM" run "$OUT/cases/scale.yaml" --url "$URL" -q 2>&1 >/dev/null) | grep -m1 'open files' || true)
stop_server
say ""
say "With ulimit -n $((need - 1)): ${msg:-(no message)}"
say ""
say "Total time $(( $(date +%s) - T0 )) s; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "race.sh: results in $RES" >&2
