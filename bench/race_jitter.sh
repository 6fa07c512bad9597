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
# single-packet needs HTTP/2. When RELEASES holds it, every environment E also
# runs as E-h2c: the server's own h2c side (`serve --h2c-port`), single-packet
# to it and none and last-byte to the same server's HTTP/1.1 port (behind the
# jitter, one proxy before each port), so the server reads the single packet
# itself and none/single-packet compares the two ports of one server. And as
# E-nginx (NGINX=1), where nginx
# (bench/race/lib.sh, lib_nginx) stands in front of the server: every release
# goes through it, none and last-byte as HTTP/1.1 to nginx, single-packet as
# h2c streams on one connection (and behind the jitter, one proxy before each
# of nginx's two ports). So none/single-packet is computed with nginx in both
# paths; the plain environments still run none and last-byte straight to the
# server, as before. With TRACE_NGINX=1 (the default when perf is installed and
# E-nginx runs), a last step traces nginx's worker during single-packet rounds
# (perf trace) to tell its forwarding apart from the server's spread.
#
# Knobs (environment): RELEASES ("none last-byte"; add single-packet for
# HTTP/2), CLIENTS ("8 32 64"), RUNS (5 spread runs), ROUNDS (40 rounds
# per release, client count and run), PAIRS (4: each is split in PAIRS cases,
# interleaved with the other releases), WINDOWS ("10 50 200"), STOP_RUNS (10),
# MAX_ROUNDS (50, per detection run), DETECT_CLIENTS ($CLIENTS), ENVS
# ("loopback jitter"), DELAY (uniform:5:2, see jitter_proxy.py), SEED (1),
# PROXY_NICE (-10 as root, else 0: the proxy is the network, not one more
# process starved of CPU), NGINX (1 when RELEASES holds single-packet: also run
# the E-nginx environments), H2C (1 when RELEASES holds single-packet: also run
# the E-h2c environments), NGX_MODE (keepalive-unbuffered; keepalive, plain:
# see lib_nginx), NGX_NICE (0), TRACE_NGINX, DIRECT (1; 0 skips the plain
# environments, e.g. to repeat only the nginx ones). Outputs in bench/out/race_jitter/;
# about 5 minutes with the defaults on a 2-core VM, twice that with nginx.
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
case " $RELEASES " in
  *" single-packet "*) NGINX=${NGINX:-1} H2C=${H2C:-1} ;;
  *) NGINX=${NGINX:-0} H2C=${H2C:-0} ;;
esac
NGX_MODE=${NGX_MODE:-keepalive-unbuffered}
DIRECT=${DIRECT:-1}        # 0: only the E-nginx environments
if [ -z "${TRACE_NGINX:-}" ]; then
  TRACE_NGINX=0
  [ "$NGINX" = 1 ] && command -v perf >/dev/null && TRACE_NGINX=1
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
# H1: the releases that work over HTTP/1.1 (all but single-packet); H2: those
# that need HTTP/2 (single-packet). Cases: cases/ (all), cases/h1, cases/h2.
H1=$(echo "$RELEASES" | tr ' ' '\n' | grep -vx 'single-packet' | tr '\n' ' ' || true)
H2=$(echo "$RELEASES" | tr ' ' '\n' | grep -x 'single-packet' || true)
H1=${H1% }
for d in "" h1 h2; do
  rels=$RELEASES
  [ "$d" = h1 ] && rels=$H1
  [ "$d" = h2 ] && rels=$H2
  [ -n "$rels" ] || continue
  "$PY" "$HERE/race/jitter_gen.py" "$OUT/cases/$d" "$(csv "$ALLC")" "$(csv "$rels")" \
    "$ROUNDS" "$PAIRS" "$MAX_ROUNDS"
done
# The h2c target: the reference server's shape over HTTP/2 (prior knowledge).
sed -e 's/^name: .*/name: reference-h2c/' -e 's/^http_version: .*/http_version: h2c/' \
  "$ROOT/targets/reference.yaml" >"$OUT/reference-h2c.yaml"
H2ARGS=(--target "$OUT/reference-h2c.yaml")

ALLENVS=""
for env in $ENVS; do
  [ -n "$H1" ] && [ "$DIRECT" = 1 ] && ALLENVS="$ALLENVS $env"
  [ "$H2C" = 1 ] && ALLENVS="$ALLENVS $env-h2c"
  [ "$NGINX" = 1 ] && ALLENVS="$ALLENVS $env-nginx"
done

# env_up ENV [SERVER ARGS...]: a server; for ENV=*-nginx nginx in front of it;
# for ENV=*-h2c the server's own h2c side too; for ENV=jitter* the proxy before
# that (one per port). Sets URL (HTTP/1.1) and URL2 (h2c, *-nginx and *-h2c
# only) to what the runner talks to.
env_up() {
  local env=$1; shift
  case "$env" in *-h2c) lib_server "$@" --h2c-port 0 ;; *) lib_server "$@" ;; esac
  URL=$SRV_URL URL2=''
  case "$env" in
    *-h2c)
      URL2=$SRV_H2_URL
      if [ "${env%-h2c}" = jitter ]; then
        lib_proxy "$DELAY" "$SEED" "$SRV_URL"; URL=$PX_URL
        lib_proxy "$DELAY" "$((SEED + 1))" "$SRV_H2_URL"; URL2=$PX_URL
      fi ;;
    *-nginx)
      lib_nginx "$NGX_MODE"
      URL=$NGX_H1_URL URL2=$NGX_H2_URL
      if [ "${env%-nginx}" = jitter ]; then
        lib_proxy "$DELAY" "$SEED" "$NGX_H1_URL"; URL=$PX_URL
        lib_proxy "$DELAY" "$((SEED + 1))" "$NGX_H2_URL"; URL2=$PX_URL
      fi ;;
    jitter)
      lib_proxy "$DELAY" "$SEED"
      URL=$PX_URL ;;
  esac
}

# run_rel ENV REL CASEFILE ARGS...: one `ifmatch run` of CASEFILE for release
# REL in ENV: single-packet to URL2 with the h2c target, the others to URL.
run_rel() {
  local env=$1 rel=$2 file=$3; shift 3
  if [ "$rel" = single-packet ]; then
    case "$env" in *-nginx|*-h2c) lib_run "$URL2" "$file" "${H2ARGS[@]}" "$@" ;; esac
  else
    lib_run "$URL" "$file" "$@"
  fi
}

say "# bench/race_jitter.sh results"
say ""
say "$(date -u +%Y-%m-%dT%H:%MZ), nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'),"
say "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $("$IFM" --version 2>/dev/null | head -1 | cut -d' ' -f1-2)"
say "bench scripts at $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo "(no git)")"
say "binary: $IFM; $("$PY" --version 2>&1); proxy delay $DELAY per chunk and direction, seed $SEED, nice $PROXY_NICE"
say "releases: $RELEASES; clients: $CLIENTS; environments:$ALLENVS"
if [ "$NGINX" = 1 ]; then
  say "nginx: $(/usr/sbin/nginx -v 2>&1 | sed 's/.*: //'), mode $NGX_MODE, nice ${NGX_NICE:-0}, one worker;" \
    "*-nginx: ifmatch run -> [jitter proxy] -> nginx (HTTP/1.1 or h2c) -> ifmatch serve"
fi
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
: >"$OUT/load.txt"
for r in $(seq "$RUNS"); do
  for env in $ALLENVS; do
    log=$OUT/arrivals/spread-$env-$r.log
    env_up "$env" --arrival-log "$log"
    t=$(date +%s.%N)
    case "$env" in
      *-nginx|*-h2c)   # pair by pair, HTTP/1.1 then h2c: the same background load
        for k in $(seq "$PAIRS"); do
          if [ -n "$H1" ]; then
            lib_run "$URL" "$OUT/cases/h1/spread-$k.yaml" -j 1 --json "$OUT/json/spread-$env-$r-h1-$k.json"
          fi
          if [ -n "$H2" ]; then
            lib_run "$URL2" "$OUT/cases/h2/spread-$k.yaml" -j 1 "${H2ARGS[@]}" \
              --json "$OUT/json/spread-$env-$r-h2-$k.json"
          fi
        done ;;
      *) lib_run "$URL" "$OUT/cases/h1/spread.yaml" -j 1 --json "$OUT/json/spread-$env-$r.json" ;;
    esac
    echo "spread run $r $env: $(awk -v a="$t" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s;" \
      "load $(cut -d' ' -f1 /proc/loadavg)" >&2
    echo "$env $r $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/load.txt"
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
case " $RELEASES " in *" single-packet "*) ;; *) say ""; say "single-packet: not measured (not in RELEASES)";; esac
say ""
say "Load average (1, 5, 15 min) after each spread run: $(awk '{printf "%s%s %s: %s", (NR>1?"; ":""), $1, $2, $3}' "$OUT/load.txt")"

# ---- 2. detection ---------------------------------------------------------------
say ""
say "## 2. Detection against serve --flaw race: $STOP_RUNS runs of at most $MAX_ROUNDS rounds each, stop_on_violation"
say ""
: >"$OUT/detect.tsv"
for env in $ALLENVS; do
  rels=$H1
  case "$env" in *-nginx|*-h2c) rels=$RELEASES ;; esac
  for w in $WINDOWS; do
    env_up "$env" --flaw race --race-window-us "$w"
    t=$(date +%s.%N)
    for c in $DETECT_CLIENTS; do
      declare -A files=()
      for r in $(seq "$STOP_RUNS"); do
        for rel in $rels; do       # interleaved: the same background load
          j=$OUT/json/detect-$env-w$w-c$c-$rel-$r.json
          run_rel "$env" "$rel" "$OUT/cases/detect-c$c-$rel.yaml" --json "$j"
          files[$rel]="${files[$rel]:-} $j"
        done
      done
      for rel in $rels; do
        # shellcheck disable=SC2086
        IFS=$'\t' read -r det rounds ms < <("$PY" "$HERE/race/detect.py" stop "$MAX_ROUNDS" ${files[$rel]} ||
                                               printf 'error\t-\t-\n')
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$env" "$w" "$c" "$rel" "$det" "$rounds" "$ms" >>"$OUT/detect.tsv"
      done
      unset files
    done
    if ! kill -0 "$SRV_PID" 2>/dev/null; then
      say "detection $env, window $w us: the server had exited before the end of the session (serve.err)"
    fi
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

# ---- 3. nginx's own forwarding (diagnostic) -------------------------------------
if [ "$TRACE_NGINX" = 1 ] && [ -n "$H2" ]; then
  say ""
  say "## 3. nginx's forwarding of single-packet rounds, traced (perf trace on its worker)"
  say ""
  : >"$OUT/sweep.tsv"
  for env in $ALLENVS; do
    case "$env" in *-nginx) ;; *) continue ;; esac
    log=$OUT/arrivals/trace-$env.log
    env_up "$env" --arrival-log "$log"
    timeout -k 5 "$RUN_TIMEOUT" perf trace -e recvfrom,writev -o "$OUT/trace-$env.txt" -p "$NGX_PID" \
      2>"$OUT/trace-$env.err" &
    tpid=$!
    sleep 1
    for k in $(seq "$PAIRS"); do
      lib_run "$URL2" "$OUT/cases/h2/spread-$k.yaml" -j 1 "${H2ARGS[@]}" --json "$OUT/json/trace-$env-$k.json"
    done
    kill -INT "$tpid" 2>/dev/null || true
    wait "$tpid" 2>/dev/null || true
    lib_stop
    # shellcheck disable=SC2086
    "$PY" "$HERE/race/nginx_sweep.py" "$OUT/trace-$env.txt" $CLIENTS |
      while IFS=$'\t' read -r c n first sweep last; do
        srv=$("$PY" "$HERE/race/arrivals.py" "$log" "BENCH-JS-C$c-=x" | cut -f4,5 | tr '\t' ' ')
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$env" "$c" "$n" "$first" "$sweep" "$last" "$srv"
      done >>"$OUT/sweep.tsv"
  done
  say "Per environment and client count: rounds found in the trace; from nginx's read of the final"
  say "frames (one recvfrom) to its first upstream write, first to last upstream write (its sweep),"
  say "read to last write: median (max) us; and the server's arrival spread in the same traced run"
  say "(median, p95 us). Tracing slows every system call of nginx, so both are wider than untraced."
  say ""
  say '```'
  column -t -s $'\t' "$OUT/sweep.tsv" | tee -a "$RES"
  say '```'
fi

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
