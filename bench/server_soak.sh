#!/usr/bin/env bash
# bench/server_soak.sh: does one `ifmatch serve` stay available and its memory
# flat over a long stretch of mixed load with hostile clients mixed in? For
# SOAK_SECONDS it runs, all at once, against one server:
#   - RUNNERS loops of whole-suite `ifmatch run --url` back to back (each run
#     must be CONFORMANT);
#   - hostile clients (bench/slow_clients.py hostile): every WAVE_EVERY s a wave
#     of WAVE_SIZE connections, a quarter each slowloris (a header byte a
#     second), idle, slow body (a body byte a second) and reset mid-request,
#     from HOSTILE_SRC (another loopback address, so the per-address limit
#     sheds none of the runners' connections);
#   - an honest probe (slow_clients.py probe): a plain GET on a fresh
#     connection every PROBE_EVERY s, its latency recorded; it must never fail;
#   - the server's VmRSS, open descriptors and threads, every SAMPLE_EVERY s.
# Then it prints RSS by minute, RSS at warm-up end (the minute up to WARMUP s)
# against the last minute, the slope after warm-up, runs, probe latency, and
# what happened to the hostile connections. Exit 1 if a run was not
# CONFORMANT, a probe failed, or the last minute's median RSS is more than
# RSS_TOL_PCT percent above the warm-up end's. Builds nothing.
#
#   bench/server_soak.sh [path/to/ifmatch]      (default build/ifmatch; 10 min)
#   SOAK_SECONDS=120 WARMUP=60 bench/server_soak.sh /tmp/build/ifmatch
#
# Environment (defaults): SOAK_SECONDS (600), WARMUP (180), RUNNERS (2),
# WAVE_SIZE (300), WAVE_EVERY (15), HOSTILE_SRC (127.0.0.2), PROBE_EVERY (2),
# SAMPLE_EVERY (5), RSS_TOL_PCT (10), RUN_ARGS (extra `run` options),
# SERVER_ARGS (extra `serve` options, default "--max-store 64M": two runners
# back to back write more than the default 32 MiB a minute, and a full store
# drops only what has been untouched for a minute, so with the default it
# answers 507 after about 40 s; SERVER_ARGS= for the defaults; 64 MiB fill in
# 1.5-2.5 min, hence WARMUP), KEEP_DIR (a directory to keep rss.csv,
# probes.csv, hostile.json, runs.log and failed run outputs in).
# Results: bench/README.md, "Soak: ten minutes of mixed load and slow clients".
set -euo pipefail

IFMATCH=${1:-build/ifmatch}
SOAK_SECONDS=${SOAK_SECONDS:-600}
WARMUP=${WARMUP:-180}
RUNNERS=${RUNNERS:-2}
WAVE_SIZE=${WAVE_SIZE:-300}
WAVE_EVERY=${WAVE_EVERY:-15}
HOSTILE_SRC=${HOSTILE_SRC:-127.0.0.2}
PROBE_EVERY=${PROBE_EVERY:-2}
SAMPLE_EVERY=${SAMPLE_EVERY:-5}
RSS_TOL_PCT=${RSS_TOL_PCT:-10}
SERVER_ARGS=${SERVER_ARGS---max-store 64M}
RUN_ARGS=${RUN_ARGS:-}
KEEP_DIR=${KEEP_DIR:-}
ME=bench/server_soak.sh
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CLIENTS=$HERE/slow_clients.py

[ -x "$IFMATCH" ] || { echo "$ME: no executable $IFMATCH (build it first)" >&2; exit 2; }
IFMATCH=$(cd "$(dirname "$IFMATCH")" && pwd)/$(basename "$IFMATCH")
command -v python3 >/dev/null || { echo "$ME: python3 is needed" >&2; exit 2; }
[ $((WARMUP + 60)) -le "$SOAK_SECONDS" ] || { echo "$ME: SOAK_SECONDS must be at least WARMUP + 60" >&2; exit 2; }
NOFILE=$(ulimit -n)
if [ "$NOFILE" != unlimited ] && [ $((WAVE_SIZE * 4 + 256)) -gt "$NOFILE" ]; then
  echo "$ME: WAVE_SIZE $WAVE_SIZE too large for the open-file limit $NOFILE" >&2; exit 2
fi

TMP=$(mktemp -d)
SERVER_PID=
CHILDREN=()

# Ends a process and everything it started (by parent id), TERM then KILL.
kill_tree() {
  local pid=$1 sig=${2:-TERM} c
  for c in $(pgrep -P "$pid" 2>/dev/null || true); do kill_tree "$c" "$sig"; done
  kill -"$sig" "$pid" 2>/dev/null || true
}
# Waits at most $2 seconds for process $1 to end; 0 if it ended.
wait_for() {
  local pid=$1 deadline=$(( $(date +%s) + $2 ))
  while kill -0 "$pid" 2>/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.2
  done
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local pid
  for pid in "${CHILDREN[@]}"; do
    kill -0 "$pid" 2>/dev/null && kill_tree "$pid"
  done
  for pid in "${CHILDREN[@]}"; do
    wait_for "$pid" 5 || { kill_tree "$pid" KILL; wait_for "$pid" 2 || true; }
  done
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -INT "$SERVER_PID" 2>/dev/null || true
    wait_for "$SERVER_PID" 10 || { kill -KILL "$SERVER_PID" 2>/dev/null; wait_for "$SERVER_PID" 2 || true; }
  fi
  if [ -n "$KEEP_DIR" ]; then
    mkdir -p "$KEEP_DIR"
    cp -r "$TMP"/rss.csv "$TMP"/probes.csv "$TMP"/hostile.json "$TMP"/runs.log "$TMP"/failed "$KEEP_DIR"/ 2>/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "# ifmatch serve soak: $SOAK_SECONDS s, $RUNNERS suite runner(s), waves of $WAVE_SIZE hostile connections every $WAVE_EVERY s from $HOSTILE_SRC, probe every $PROBE_EVERY s"
echo "# binary: $IFMATCH"
echo "# serve options: ${SERVER_ARGS:-(defaults)}; run options: ${RUN_ARGS:-(defaults)}"
echo "# $(date -u +%Y-%m-%dT%H:%MZ), nproc $(nproc), $(uname -sr), load average at start $(cut -d' ' -f1-3 /proc/loadavg)"

# shellcheck disable=SC2086
"$IFMATCH" serve --port 0 $SERVER_ARGS >"$TMP/serve.out" 2>"$TMP/serve.err" &
SERVER_PID=$!
for _ in $(seq 50); do
  grep -q "serving http" "$TMP/serve.out" 2>/dev/null && break
  sleep 0.1
done
PORT=$(sed -n 's|.*http://[^:]*:\([0-9]*\)/.*|\1|p' "$TMP/serve.out" | head -n 1)
[ -n "$PORT" ] || { echo "$ME: server did not start:" >&2; cat "$TMP/serve.err" >&2; exit 3; }
URL=http://127.0.0.1:$PORT

T0=$(date +%s)
END=$((T0 + SOAK_SECONDS))
mkdir -p "$TMP/failed"
: >"$TMP/runs.log"

sample_loop() {
  local t rss threads fds
  echo "t_s,rss_kb,fds,threads" >"$TMP/rss.csv"
  while kill -0 "$SERVER_PID" 2>/dev/null; do
    t=$(( $(date +%s) - T0 ))
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null) || break
    threads=$(awk '/^Threads:/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null) || break
    fds=$(find "/proc/$SERVER_PID/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
    [ -n "$rss" ] || break
    echo "$t,$rss,$fds,$threads" >>"$TMP/rss.csv"
    [ "$t" -lt "$SOAK_SECONDS" ] || break
    sleep "$SAMPLE_EVERY"
  done
}

runner_loop() {
  local id=$1 n=0 dir="$TMP/runner$1" t1 rc
  mkdir -p "$dir"
  while [ "$(date +%s)" -lt "$END" ]; do
    n=$((n + 1))
    t1=$(date +%s.%N)
    rc=0
    # shellcheck disable=SC2086
    (cd "$dir" && timeout -k 5 180 "$IFMATCH" run --url "$URL" --max-time 150 $RUN_ARGS >run.out 2>&1) || rc=$?
    if [ "$rc" -eq 0 ]; then
      echo "runner$id $n ok $(awk -v a="$t1" -v b="$(date +%s.%N)" 'BEGIN {printf "%.2f", b - a}')" >>"$TMP/runs.log"
    else
      echo "runner$id $n NOT-CONFORMANT rc=$rc at $(( $(date +%s) - T0 )) s: $(tail -n 1 "$dir/run.out")" >>"$TMP/runs.log"
      cp "$dir/run.out" "$TMP/failed/runner$id-$n.out"
    fi
  done
}

sample_loop & CHILDREN+=($!)
SAMPLER=$!
for r in $(seq "$RUNNERS"); do
  runner_loop "$r" & CHILDREN+=($!)
done
python3 "$CLIENTS" hostile --port "$PORT" --duration "$SOAK_SECONDS" --wave-size "$WAVE_SIZE" \
  --wave-every "$WAVE_EVERY" --src "$HOSTILE_SRC" --out "$TMP/hostile.json" & CHILDREN+=($!)
python3 "$CLIENTS" probe --port "$PORT" --duration "$SOAK_SECONDS" --every "$PROBE_EVERY" \
  --out "$TMP/probes.csv" & CHILDREN+=($!)

# Progress once a minute until the end; every child is bounded by END (a
# suite run by its timeout), so waiting for them is bounded too.
while [ "$(date +%s)" -lt "$END" ]; do
  left=$((END - $(date +%s)))
  sleep $((left < 60 ? (left > 0 ? left : 1) : 60)) &
  wait $! || true
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "$ME: the server died" >&2; cat "$TMP/serve.err" >&2; exit 3; }
  echo "# $(( $(date +%s) - T0 )) s: RSS $(awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status") kB," \
       "runs $(grep -c . "$TMP/runs.log" || true), load $(cut -d' ' -f1-3 /proc/loadavg)"
done
for pid in "${CHILDREN[@]}"; do
  wait_for "$pid" 200 || { echo "$ME: a child ($pid) did not end in time; killing it" >&2; kill_tree "$pid"; }
done
wait_for "$SAMPLER" 1 || true
PEAK=$(awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status")
echo "# done at $(date -u +%H:%MZ), load average at end $(cut -d' ' -f1-3 /proc/loadavg); server peak RSS (VmHWM) $PEAK kB"

RUNS=$(grep -c . "$TMP/runs.log" || true)
BAD=$(grep -c NOT-CONFORMANT "$TMP/runs.log" || true)
grep NOT-CONFORMANT "$TMP/runs.log" | head -n 5 || true
awk '$3 == "ok" {n++; s += $4; if ($4 > m) m = $4} END {if (n) printf "# suite run time: mean %.2f s, max %.2f s\n", s / n, m}' "$TMP/runs.log"
echo
python3 "$CLIENTS" summary --rss "$TMP/rss.csv" --probes "$TMP/probes.csv" --hostile "$TMP/hostile.json" \
  --runs "$RUNS" --not-conformant "$BAD" --warmup "$WARMUP" --tol-pct "$RSS_TOL_PCT"
