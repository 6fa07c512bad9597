# shellcheck shell=bash
# bench/race/lib.sh: helpers of the race benchmarks, sourced by
# bench/race_jitter.sh. The caller sets IFM (ifmatch binary), OUT (scratch
# directory), PY (python) and RUN_TIMEOUT (seconds for one `ifmatch run`).
#
#   lib_server ARGS...   `ifmatch serve --port 0 ARGS`; sets SRV_PID, SRV_URL
#   lib_proxy SPEC SEED  the delaying proxy (bench/race/jitter_proxy.py) in
#                        front of SRV_URL; sets PX_PID, PX_URL. PROXY_NICE (a
#                        nice increment, negative needs root) runs it under nice.
#   lib_stop             SIGTERM proxy then server, and wait for both (the
#                        server flushes its arrival log on exit)
#   lib_run URL ARGS...  one `ifmatch run ARGS --url URL`, bounded in time; a
#                        failing case (exit 1) is expected and not fatal
# An EXIT trap calling lib_stop is installed.
# shellcheck disable=SC2034  # SRV_URL, PX_URL: read by the caller

LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRV_PID='' SRV_URL='' PX_PID='' PX_URL=''

lib_stop() {
  local p
  for p in "$PX_PID" "$SRV_PID"; do
    if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
      kill -TERM "$p" 2>/dev/null || true
      wait "$p" 2>/dev/null || true
    fi
  done
  PX_PID='' SRV_PID=''
}
trap lib_stop EXIT
trap 'exit 130' INT TERM

lib_server() {
  local _
  : >"$OUT/serve.out"
  "$IFM" serve --port 0 "$@" >"$OUT/serve.out" 2>>"$OUT/serve.err" &
  SRV_PID=$!
  for _ in $(seq 100); do
    SRV_URL=$(sed -n 's/^ifmatch: serving \(http:[^ ]*\) .*/\1/p' "$OUT/serve.out")
    [ -n "$SRV_URL" ] && return 0
    kill -0 "$SRV_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "race: ifmatch serve did not start:" >&2
  cat "$OUT/serve.err" >&2
  exit 3
}

lib_proxy() {
  local _ port hp
  hp=${SRV_URL#http://}; hp=${hp%%/*}
  : >"$OUT/proxy.out"
  echo "## $(date -u +%H:%M:%S) $*" >>"$OUT/proxy.err"
  if [ -n "${PROXY_NICE:-}" ] && [ "${PROXY_NICE:-0}" != 0 ]; then
    nice -n "$PROXY_NICE" "$PY" "$LIB_DIR/jitter_proxy.py" --delay "$1" --seed "$2" \
      --max-conns 480 "$hp" >"$OUT/proxy.out" 2>>"$OUT/proxy.err" &
  else
    "$PY" "$LIB_DIR/jitter_proxy.py" --delay "$1" --seed "$2" \
      --max-conns 480 "$hp" >"$OUT/proxy.out" 2>>"$OUT/proxy.err" &
  fi
  PX_PID=$!
  for _ in $(seq 100); do
    port=$(sed -n 's/^listening on \([0-9]*\)$/\1/p' "$OUT/proxy.out")
    if [ -n "$port" ]; then PX_URL=http://127.0.0.1:$port/; return 0; fi
    kill -0 "$PX_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "race: jitter_proxy did not start:" >&2
  cat "$OUT/proxy.err" >&2
  exit 3
}

lib_run() {
  local url=$1; shift
  timeout -k 5 "$RUN_TIMEOUT" "$IFM" run "$@" --url "$url" --max-time "$RUN_TIMEOUT" -q \
    >>"$OUT/run.out" 2>&1 || true
}
