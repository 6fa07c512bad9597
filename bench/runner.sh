#!/usr/bin/env bash
# bench/runner.sh: how fast is the ifmatch runner? (bench/README.md, "Runner")
#
#   bench/runner.sh [path/to/ifmatch]        (default: build/ifmatch)
#
# One sequential script: a resource created once, then N requests alternating
# a read (GET, expect 200, capture the ETag) and a conditional update (PUT with
# If-Match set to that ETag, expect 2xx); N = 1,000 and 10,000. The same script
# is generated (bench/runner/gen.py) for `ifmatch run`, httpyac and gabbi, and
# played by wrk on one connection (bench/runner/wrk_script.lua): the loopback
# limit. Everything runs against one `ifmatch serve` started here on 127.0.0.1,
# a new resource path per run, tools interleaved round by round so that the
# machine's noise hits all of them alike; medians are reported.
#
# Before measuring, every tool plays the 1,000-request script once against a
# second server that logs each request's arrival: the log must show exactly the
# script (1,001 requests, PUT then GET/PUT alternating on one path), and a
# variant whose last If-Match is stale must make the tool fail. A tool that
# does not pass is not measured.
#
# Environment (defaults in brackets): RUNS_1K [5] runs of the 1,000 script and
# of the startup-only script, RUNS_10K [3], WRK_RUNS [5], WRK_SECONDS [5],
# TOOL_TIMEOUT [180] seconds per run (a run that takes longer counts as failed),
# MAX_SECONDS [900]: past it no new run starts (the summary says what was
# skipped), HTTPYAC_VERSION [6.16.7].
# Needs: wrk, time, python3-gabbi (Debian), node + npm. httpyac is installed
# from npm into bench/out/npm on first use (git-ignored; the script says so).
# Output: bench/out/runner/ (results.tsv, summary.md, logs/). Takes 6 to 10
# minutes on a 2-CPU machine, nearly all of it httpyac and gabbi on the 10,000
# script (RUNS_10K=1 for a quicker look).
set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
IFMATCH=${1:-$ROOT/build/ifmatch}
OUT=$HERE/out/runner
SCRIPTS=$OUT/scripts
LOGS=$OUT/logs
PY=/usr/bin/python3           # Debian's: gabbi lives there, not in a pyenv python
RUNS_1K=${RUNS_1K:-5}
RUNS_10K=${RUNS_10K:-3}
WRK_RUNS=${WRK_RUNS:-5}
WRK_SECONDS=${WRK_SECONDS:-5}
TOOL_TIMEOUT=${TOOL_TIMEOUT:-180}
MAX_SECONDS=${MAX_SECONDS:-900}
HTTPYAC_VERSION=${HTTPYAC_VERSION:-6.16.7}
HTTPYAC=$HERE/out/npm/node_modules/.bin/httpyac
GABBI=/usr/bin/gabbi-run
TOOLS=(ifmatch httpyac gabbi)

say() { printf '%s\n' "$*" >&2; }
die() { say "bench/runner.sh: $*"; exit 2; }

# ---- prerequisites ---------------------------------------------------------
[ -x "$IFMATCH" ] || die "no ifmatch at '$IFMATCH' (build it, or pass its path)"
IFMATCH=$(cd "$(dirname "$IFMATCH")" && pwd)/$(basename "$IFMATCH")
missing=()
[ -x /usr/bin/time ] || missing+=(time)
command -v wrk >/dev/null || missing+=(wrk)
{ [ -x "$GABBI" ] && "$PY" -c 'import gabbi' 2>/dev/null; } || missing+=(python3-gabbi)
command -v timeout >/dev/null || missing+=(coreutils)
if [ ${#missing[@]} -gt 0 ]; then
  die "missing Debian packages: ${missing[*]} (apt-get update && apt-get install -y ${missing[*]})"
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  die "node and npm are needed for httpyac"
fi
if [ ! -x "$HTTPYAC" ]; then
  say "bench/runner.sh: httpyac is not installed; installing httpyac@$HTTPYAC_VERSION from the npm"
  say "  registry into bench/out/npm (git-ignored, not part of the project)..."
  mkdir -p "$HERE/out/npm"
  npm install --prefix "$HERE/out/npm" --no-audit --no-fund "httpyac@$HTTPYAC_VERSION" >&2 \
    || die "npm install httpyac failed"
fi

mkdir -p "$SCRIPTS" "$LOGS"
# Every tool runs from here: httpyac looks its file up with a glob that honours
# the repository's .gitignore (which ignores bench/out/) unless cwd is below it.
cd "$SCRIPTS" || die "cannot cd to $SCRIPTS"
rm -f "$LOGS"/* "$SCRIPTS"/* "$OUT/results.tsv" "$OUT/summary.md" "$OUT/arrival.log"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- servers ---------------------------------------------------------------
SERVER_PIDS=()
cleanup() {
  local p
  for p in "${SERVER_PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${SERVER_PIDS[@]}"; do wait "$p" 2>/dev/null; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_server NAME [serve options...]: sets SERVER_PID and URL (no trailing /)
start_server() {
  local name=$1 u=""
  shift
  "$IFMATCH" serve --port 0 "$@" >"$OUT/$name.out" 2>"$OUT/$name.err" &
  SERVER_PID=$!
  SERVER_PIDS+=("$SERVER_PID")
  for _ in $(seq 100); do
    u=$(grep -o 'http://[^ ]*' "$OUT/$name.out" 2>/dev/null | head -n 1)
    [ -n "$u" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.05
  done
  [ -n "$u" ] || die "ifmatch serve did not start (see $OUT/$name.err)"
  URL=${u%/}
}

stop_server() {   # stop_server PID: SIGTERM, wait, so its logs are flushed
  kill "$1" 2>/dev/null
  wait "$1" 2>/dev/null
}

# ---- one timed run ---------------------------------------------------------
RUNID=$(date +%H%M%S)-$$
HARNESS=0          # seconds the timeout + /usr/bin/time wrappers cost, subtracted

# timed LOG CMD...: sets WALL (s, wrappers subtracted), RSS (KiB), RC
timed() {
  local log=$1 t0 t1 rssf=$OUT/rss.$$
  shift
  t0=$EPOCHREALTIME
  timeout -k 5 "$TOOL_TIMEOUT" /usr/bin/time -f %M -o "$rssf" "$@" >"$log" 2>&1
  RC=$?
  t1=$EPOCHREALTIME
  WALL=$(awk -v a="$t0" -v b="$t1" -v h="$HARNESS" 'BEGIN { printf "%.6f", b - a - h }')
  RSS=$(tail -n 1 "$rssf" 2>/dev/null | grep -E '^[0-9]+$' || echo 0)
  rm -f "$rssf"
}

script_file() {   # script_file TOOL N [--stale]: generates it once per invocation, prints the path
  local ext f
  case $1 in ifmatch) ext=yaml ;; httpyac) ext=http ;; gabbi) ext=yaml ;; esac
  f=$SCRIPTS/$1.$2${3:+.stale}.$ext
  [ -f "$f" ] || "$PY" "$HERE/runner/gen.py" "$1" "$2" "$f" ${3:+--stale} || die "gen.py failed"
  printf '%s\n' "$f"
}

# run_tool TOOL N TAG [--stale]: runs TOOL's N script with a fresh resource path
run_tool() {
  local tool=$1 n=$2 tag=$3 f
  f=$(script_file "$tool" "$n" "${4:-}") || { WALL=0; RSS=0; RC=2; return; }
  case $tool in
    ifmatch) timed "$LOGS/$tool-$n-$tag.log" "$IFMATCH" run "$f" --url "$URL/" -q ;;
    httpyac) timed "$LOGS/$tool-$n-$tag.log" "$HTTPYAC" send "$(basename "$f")" --all --bail --quiet -o none \
               --var "base=$URL/bench/httpyac/$RUNID-$n-$tag" ;;
    gabbi)   timed "$LOGS/$tool-$n-$tag.log" "$GABBI" -q -x "$URL/bench/gabbi/$RUNID-$n-$tag" -- "$f" ;;
  esac
}

# run_wrk MODE SECONDS TAG: sets WALL (= requests / rate), RSS, RC, REQS
run_wrk() {
  local mode=$1 secs=$2 tag=$3 log rate bad
  log=$LOGS/wrk-$mode-$tag.log
  timed "$log" wrk -t1 -c1 -d"${secs}s" -s "$HERE/runner/wrk_script.lua" "$URL" \
    -- "/bench/wrk/$RUNID-$mode-$tag" "$mode"
  REQS=$(awk '/requests in/ { print $1; exit }' "$log")
  rate=$(awk '/^Requests\/sec:/ { print $2; exit }' "$log")
  bad=$(sed -n 's/^script: ok=[0-9]* bad=\([0-9]*\)$/\1/p' "$log")
  if [ -z "$REQS" ] || [ -z "$rate" ] || [ "${bad:-1}" != 0 ]; then
    [ "$RC" = 0 ] && RC=1
    REQS=${REQS:-0}; WALL=1
  else
    WALL=$(awk -v n="$REQS" -v r="$rate" 'BEGIN { printf "%.6f", n / r }')
  fi
}

SKIPPED=0
over_time() {   # true (and counted) once MAX_SECONDS have passed: skip the run
  if [ "$SECONDS" -ge "$MAX_SECONDS" ]; then
    [ "$SKIPPED" = 0 ] && say "  MAX_SECONDS=$MAX_SECONDS reached: the remaining runs are skipped"
    SKIPPED=$((SKIPPED + 1))
    return 0
  fi
  return 1
}

record() {   # record TOOL N ROUND REQUESTS
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$WALL" "$RSS" "$RC" "$4" >>"$OUT/results.tsv"
  if [ "$RC" = 0 ]; then
    say "$(printf '  %-14s %-6s round %-3s %9.3f s %9.0f req/s  %6.1f MiB' "$1" "$2" "$3" "$WALL" \
      "$(awk -v n="$4" -v w="$WALL" 'BEGIN { print n / w }')" "$(awk -v k="$RSS" 'BEGIN { print k / 1024 }')")"
  else
    say "$(printf '  %-14s %-6s round %-3s FAILED (exit %s; log in %s)' "$1" "$2" "$3" "$RC" "$LOGS")"
  fi
}

# ---- 1. verify: each tool sends exactly the script and really asserts -----------
say "bench/runner.sh: ifmatch=$IFMATCH"
say "1. verifying that each tool plays the script (server with --arrival-log)"
start_server verify-server --arrival-log "$OUT/arrival.log"
VPID=$SERVER_PID
fail=0
for tool in "${TOOLS[@]}"; do
  run_tool "$tool" 1000 verify
  [ "$RC" = 0 ] || { say "  $tool: the 1,000 script failed (exit $RC, $LOGS/$tool-1000-verify.log)"; fail=1; }
  run_tool "$tool" 4 stale --stale
  if [ "$RC" = 0 ]; then
    say "  $tool: a stale If-Match expected to be 2xx did NOT fail the run: it does not assert"; fail=1
  else
    say "  $tool: the stale-If-Match variant fails as it must (exit $RC)"
  fi
done
run_wrk alternate 1 verify
[ "$RC" = 0 ] || { say "  wrk: the script reported a bad status ($LOGS/wrk-alternate-verify.log)"; fail=1; }
WRK_VERIFY_REQS=$REQS
stop_server "$VPID"
"$PY" "$HERE/runner/verify.py" "$OUT/arrival.log" ifmatch "/IM-MATCH-OK-bench-1000/" 1001 >&2 || fail=1
"$PY" "$HERE/runner/verify.py" "$OUT/arrival.log" httpyac "/bench/httpyac/$RUNID-1000-verify/" 1001 >&2 || fail=1
"$PY" "$HERE/runner/verify.py" "$OUT/arrival.log" gabbi "/bench/gabbi/$RUNID-1000-verify/" 1001 >&2 || fail=1
"$PY" "$HERE/runner/verify.py" "$OUT/arrival.log" wrk "/bench/wrk/$RUNID-alternate-verify" "min:$WRK_VERIFY_REQS" >&2 || fail=1
[ "$fail" = 0 ] || die "verification failed: not measuring (logs in $LOGS)"

# ---- 2. measure --------------------------------------------------------------
start_server bench-server
say "2. measuring against $URL (fresh ifmatch serve; runs interleaved)"
# The wrappers' own cost, subtracted from every run: /bin/true under timeout and
# /usr/bin/time minus /bin/true alone (the least of 11 tries each).
for _ in $(seq 11); do
  timed /dev/null /bin/true
  t0=$EPOCHREALTIME; /bin/true; t1=$EPOCHREALTIME
  printf '%s %s\n' "$WALL" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')"
done >"$OUT/harness.txt"
HARNESS=$(awk 'NR == 1 || $1 < w { w = $1 } NR == 1 || $2 < t { t = $2 }
               END { h = w - t; if (h < 0) h = 0; printf "%.6f", h }' "$OUT/harness.txt")
say "  harness overhead (timeout + /usr/bin/time), subtracted from every run: $HARNESS s"
printf '# tool\tn\tround\twall_s\trss_kib\trc\trequests\n' >"$OUT/results.tsv"
rounds=$RUNS_1K
[ "$WRK_RUNS" -gt "$rounds" ] && rounds=$WRK_RUNS
for r in $(seq "$rounds"); do
  say " round $r/$rounds (startup-only and 1,000 scripts, wrk ${WRK_SECONDS}s)"
  for k in 0 1 2; do
    tool=${TOOLS[$(( (r + k) % 3 ))]}     # rotate the order every round
    if [ "$r" -le "$RUNS_1K" ]; then
      over_time || { run_tool "$tool" 0 "s$r";    record "$tool" 0 "s$r" 1; }
      over_time || { run_tool "$tool" 1000 "s$r"; record "$tool" 1000 "s$r" 1001; }
    fi
    # wrk right after ifmatch: the machine's slow and fast phases last seconds
    if [ "$tool" = ifmatch ] && [ "$r" -le "$WRK_RUNS" ]; then
      over_time || { run_wrk alternate "$WRK_SECONDS" "s$r"; record wrk-alternate "$WRK_SECONDS" "s$r" "$REQS"; }
    fi
  done
  if [ "$r" -le "$WRK_RUNS" ]; then
    over_time || { run_wrk get "$WRK_SECONDS" "s$r"; record wrk-get "$WRK_SECONDS" "s$r" "$REQS"; }
  fi
done
for r in $(seq "$RUNS_10K"); do
  say " round $r/$RUNS_10K (10,000 scripts, wrk ${WRK_SECONDS}s)"
  for k in 0 1 2; do
    tool=${TOOLS[$(( (r + k) % 3 ))]}
    over_time || { run_tool "$tool" 10000 "b$r"; record "$tool" 10000 "b$r" 10001; }
    if [ "$tool" = ifmatch ]; then   # wrk again, next to it, for the per-round ratio
      over_time || { run_wrk alternate "$WRK_SECONDS" "b$r"; record wrk-alternate "$WRK_SECONDS" "b$r" "$REQS"; }
    fi
  done
done
stop_server "$SERVER_PID"

# ---- 3. summary --------------------------------------------------------------
{
  echo "Machine: $(nproc) CPUs, $(grep -m1 '^model name' /proc/cpuinfo | sed 's/^model name[[:space:]]*: //')," \
       "$(uname -sr); load average at the start $LOAD_START, at the end $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "Versions: wrk $(dpkg-query -W -f '${Version}' wrk 2>/dev/null)," \
       "python3-gabbi $(dpkg-query -W -f '${Version}' python3-gabbi 2>/dev/null)" \
       "(python $("$PY" -c 'import platform; print(platform.python_version())'))," \
       "httpyac $("$HTTPYAC" --version 2>/dev/null) (node $(node --version))," \
       "ifmatch $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes')"
  echo "Runs: startup-only and 1,000: $RUNS_1K; 10,000: $RUNS_10K; wrk: $WRK_RUNS x ${WRK_SECONDS}s;" \
       "harness overhead subtracted: $HARNESS s; total time $SECONDS s"
  [ "$SKIPPED" = 0 ] || echo "**$SKIPPED run(s) skipped: MAX_SECONDS=$MAX_SECONDS was reached.**"
  echo
  "$PY" "$HERE/runner/summarize.py" "$OUT/results.tsv"
} >"$OUT/summary.md"
cat "$OUT/summary.md"
say "bench/runner.sh: results in $OUT/results.tsv, summary in $OUT/summary.md"
