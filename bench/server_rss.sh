#!/usr/bin/env bash
# bench/server_rss.sh: does the reference server's memory stay bounded when
# one `ifmatch serve` takes suite run after suite run (as a long-lived CI
# target does)? Starts a server, runs the whole suite against it RUNS times
# and prints the server's resident set size after each run; does that with
# REPEATS fresh servers and prints, per run, each server's RSS and the median.
# Every run must be CONFORMANT (exit 0): a store that refused writes (507)
# or dropped a resource a case still used would show here. Builds nothing.
#
#   bench/server_rss.sh [path/to/ifmatch]        (default: build/ifmatch)
#
# Environment: RUNS (suite runs per server, default 40), REPEATS (servers,
# default 3), SERVER_ARGS (extra `ifmatch serve` options, e.g.
# "--evict-after 20" or "--max-store 8M"), RUN_ARGS (extra `ifmatch run`
# options). Results: bench/README.md, "Memory over many runs, and hostile
# clients".
set -euo pipefail

IFMATCH=${1:-build/ifmatch}
RUNS=${RUNS:-40}
REPEATS=${REPEATS:-3}
SERVER_ARGS=${SERVER_ARGS:-}
RUN_ARGS=${RUN_ARGS:-}

[ -x "$IFMATCH" ] || { echo "bench/server_rss.sh: no executable $IFMATCH (build it first)" >&2; exit 2; }
IFMATCH=$(cd "$(dirname "$IFMATCH")" && pwd)/$(basename "$IFMATCH")

TMP=$(mktemp -d)
SERVER_PID=
stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -INT "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=
}
cleanup() {
  stop_server
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }
median() { sort -g | awk '{v[NR]=$1} END {if (NR==0) print "n/a"; else if (NR%2) print v[(NR+1)/2]; else printf "%.0f\n", (v[NR/2]+v[NR/2+1])/2}'; }

echo "# ifmatch serve: RSS after each suite run ($RUNS runs x $REPEATS servers)"
echo "# binary: $IFMATCH"
echo "# serve options: ${SERVER_ARGS:-(defaults)}; run options: ${RUN_ARGS:-(defaults)}"
echo "# $(date -u +%Y-%m-%dT%H:%MZ), nproc $(nproc), $(uname -sr)"

declare -A RSS
FAILED=0
for rep in $(seq "$REPEATS"); do
  : >"$TMP/serve.out"
  # shellcheck disable=SC2086
  "$IFMATCH" serve --port 0 $SERVER_ARGS >"$TMP/serve.out" 2>"$TMP/serve.err" &
  SERVER_PID=$!
  for _ in $(seq 50); do
    grep -q "serving http" "$TMP/serve.out" 2>/dev/null && break
    sleep 0.1
  done
  PORT=$(sed -n 's|.*http://[^:]*:\([0-9]*\)/.*|\1|p' "$TMP/serve.out" | head -n 1)
  [ -n "$PORT" ] || { echo "bench/server_rss.sh: server did not start:" >&2; cat "$TMP/serve.err" >&2; exit 3; }
  RSS[$rep,0]=$(rss_kb "$SERVER_PID")
  T0=$(date +%s)
  for run in $(seq "$RUNS"); do
    # shellcheck disable=SC2086
    if ! (cd "$TMP" && "$IFMATCH" run --url "http://127.0.0.1:$PORT" $RUN_ARGS >"$TMP/run.out" 2>&1); then
      FAILED=$((FAILED + 1))
      echo "# server $rep, run $run: not CONFORMANT: $(tail -n 1 "$TMP/run.out")"
    fi
    RSS[$rep,$run]=$(rss_kb "$SERVER_PID")
  done
  echo "# server $rep: $RUNS runs in $(( $(date +%s) - T0 )) s, peak RSS $(hwm_kb "$SERVER_PID") kB"
  stop_server
done

printf '\n| run |'
for rep in $(seq "$REPEATS"); do printf ' server %s kB |' "$rep"; done
printf ' median kB |\n|---|'
for _ in $(seq "$REPEATS"); do printf -- '---|'; done
printf -- '---|\n'
for run in $(seq 0 "$RUNS"); do
  printf '| %s |' "$run"
  vals=
  for rep in $(seq "$REPEATS"); do
    printf ' %s |' "${RSS[$rep,$run]}"
    vals="$vals ${RSS[$rep,$run]}"
  done
  printf ' %s |\n' "$(tr ' ' '\n' <<<"$vals" | grep . | median)"
done
echo
echo "# runs not CONFORMANT: $FAILED"
[ "$FAILED" -eq 0 ]
