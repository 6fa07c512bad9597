#!/usr/bin/env bash
# bench/server.sh: throughput of the reference server (`ifmatch serve`) on
# loopback, measured with wrk: GET of a small resource, and conditional PUT
# (If-Match with the current ETag, tracked by bench/server_put.lua), each
# with 1 and 64 connections, several runs each; prints the medians and the
# 2xx/412 split of the PUT runs. Builds nothing.
#
#   bench/server.sh [path/to/ifmatch]        (default: build/ifmatch)
#
# Environment: RUNS (default 3), DURATION (wrk -d, default 5s),
# SERVER_ARGS (extra `ifmatch serve` options, e.g. "--threads 2").
set -euo pipefail

IFMATCH=${1:-build/ifmatch}
RUNS=${RUNS:-3}
DURATION=${DURATION:-5s}
SERVER_ARGS=${SERVER_ARGS:-}
HERE=$(cd "$(dirname "$0")" && pwd)
CPUS=$(nproc)

command -v wrk >/dev/null || { echo "bench/server.sh: wrk not found" >&2; exit 2; }
command -v curl >/dev/null || { echo "bench/server.sh: curl not found" >&2; exit 2; }
[ -x "$IFMATCH" ] || { echo "bench/server.sh: no executable $IFMATCH (build it first)" >&2; exit 2; }

TMP=$(mktemp -d)
# shellcheck disable=SC2086
"$IFMATCH" serve --port 0 $SERVER_ARGS >"$TMP/serve.out" 2>"$TMP/serve.err" &
SERVER_PID=$!
cleanup() {
  kill -INT "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

for _ in $(seq 50); do
  grep -q "serving http" "$TMP/serve.out" 2>/dev/null && break
  sleep 0.1
done
LINE=$(head -n 1 "$TMP/serve.out")
PORT=$(sed -n 's|.*http://[^:]*:\([0-9]*\)/.*|\1|p' <<<"$LINE")
[ -n "$PORT" ] || { echo "bench/server.sh: server did not start:" >&2; cat "$TMP/serve.err" >&2; exit 3; }
BASE="http://127.0.0.1:$PORT"

# A 128-byte resource for the GET runs.
BODY=$(head -c 128 /dev/zero | tr '\0' 'x')
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -X PUT --data-binary "$BODY" \
  -H 'Content-Type: text/plain' "$BASE/bench/get")
[ "$STATUS" = 201 ] || { echo "bench/server.sh: setup PUT answered $STATUS" >&2; exit 3; }

median() { sort -g | awk '{v[NR]=$1} END {if (NR==0) print "n/a"; else if (NR%2) print v[(NR+1)/2]; else printf "%.2f\n", (v[NR/2]+v[NR/2+1])/2}'; }

# run_wrk <name> <conns> <wrk args...>: RUNS runs; collects Requests/sec.
declare -A RESULT SPLIT
run_wrk() {
  local name=$1 conns=$2 threads
  shift 2
  threads=$(( conns < CPUS ? conns : CPUS ))
  : >"$TMP/$name.rps"
  : >"$TMP/$name.split"
  for i in $(seq "$RUNS"); do
    wrk -t"$threads" -c"$conns" -d"$DURATION" "$@" -- "$name-$i" >"$TMP/out" 2>&1 || true
    sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$TMP/out" >>"$TMP/$name.rps"
    sed -n 's/^split: //p' "$TMP/out" >>"$TMP/$name.split"
    printf '  %-8s run %d: %s req/s %s\n' "$name" "$i" \
      "$(tail -n 1 "$TMP/$name.rps")" "$(tail -n 1 "$TMP/$name.split")"
  done
  RESULT[$name]=$(median <"$TMP/$name.rps")
  SPLIT[$name]=$(awk '{for (i=1;i<=NF;i++) {split($i,kv,"="); s[kv[1]]+=kv[2]}}
                      END {if ("2xx" in s) printf "2xx=%d 412=%d other=%d", s["2xx"], s["412"], s["other"]}' \
                 "$TMP/$name.split")
}

echo "ifmatch reference server benchmark: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "machine: $CPUS CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "server: $LINE"
echo "wrk: ${RUNS} runs of ${DURATION} per configuration"
run_wrk get-1 1 "$BASE/bench/get"
run_wrk get-64 64 "$BASE/bench/get"
run_wrk put-1 1 -s "$HERE/server_put.lua" "$BASE/"
run_wrk put-64 64 -s "$HERE/server_put.lua" "$BASE/"

echo
printf '%-28s %12s   %s\n' "configuration" "median req/s" "PUT split (all runs)"
printf '%-28s %12s\n' "GET, 1 connection" "${RESULT[get-1]}"
printf '%-28s %12s\n' "GET, 64 connections" "${RESULT[get-64]}"
printf '%-28s %12s   %s\n' "conditional PUT, 1 conn" "${RESULT[put-1]}" "${SPLIT[put-1]}"
printf '%-28s %12s   %s\n' "conditional PUT, 64 conns" "${RESULT[put-64]}" "${SPLIT[put-64]}"
