# shellcheck shell=bash
# bench/race/lib.sh: helpers of the race benchmarks, sourced by
# bench/race_jitter.sh. The caller sets IFM (ifmatch binary), OUT (scratch
# directory), PY (python) and RUN_TIMEOUT (seconds for one `ifmatch run`).
#
#   lib_server ARGS...   `ifmatch serve --port 0 ARGS`; sets SRV_PID, SRV_URL,
#                        and SRV_H2_URL when ARGS hold --h2c-port (its h2c side)
#   lib_proxy SPEC SEED [HOST:PORT]
#                        the delaying proxy (bench/race/jitter_proxy.py) in
#                        front of HOST:PORT (default SRV_URL's); sets PX_PID,
#                        PX_URL; may be called more than once (PX_PIDS).
#                        PROXY_NICE (a nice increment, negative needs root)
#                        runs it under nice.
#   lib_nginx MODE       nginx (Debian's nginx-light) in front of SRV_URL, one
#                        worker, two server blocks: HTTP/1.1 (sets NGX_H1_URL)
#                        and h2c with prior knowledge (NGX_H2_URL), both
#                        proxying to the server with request buffering (the
#                        default). MODE keepalive: HTTP/1.1 upstream
#                        connections kept open (upstream keepalive
#                        $NGX_KEEPALIVE, default 128), so no connect() sits
#                        between a request's end and its forwarding once the
#                        pool is warm; MODE plain: a new upstream connection
#                        per request (tests/lib.sh's start_h2_nginx); MODE
#                        keepalive-unbuffered: keepalive, and each request
#                        forwarded as its bytes come (proxy_request_buffering
#                        off), so a request's end costs nginx one small write.
#                        http2_max_concurrent_streams $NGX_STREAMS (default
#                        128, nginx's own default); under nice $NGX_NICE
#                        (default 0). Sets NGX_PID.
#   lib_stop             SIGTERM proxies, nginx, then the server, and wait for
#                        each (the server flushes its arrival log on exit)
#   lib_run URL ARGS...  one `ifmatch run ARGS --url URL`, bounded in time; a
#                        failing case (exit 1) is expected and not fatal
# An EXIT trap calling lib_stop is installed.
# shellcheck disable=SC2034  # SRV_URL, PX_URL: read by the caller

LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRV_PID='' SRV_URL='' SRV_H2_URL='' PX_PID='' PX_URL='' PX_PIDS='' NGX_PID='' NGX_H1_URL='' NGX_H2_URL=''

lib_stop() {
  local p rc
  # A server gone before its time makes every later run of the session an
  # ERROR (nginx answers 502): say so, with its exit status.
  if [ -n "$SRV_PID" ] && ! kill -0 "$SRV_PID" 2>/dev/null; then
    rc=0
    wait "$SRV_PID" 2>/dev/null || rc=$?
    echo "race: $(date -u +%H:%M:%S) ifmatch serve (pid $SRV_PID) had exited before lib_stop, status $rc" |
      tee -a "$OUT/serve.err" >&2
    SRV_PID=''
  fi
  # shellcheck disable=SC2086  # a list of pids
  for p in $PX_PIDS $NGX_PID $SRV_PID; do
    if kill -0 "$p" 2>/dev/null; then
      kill -TERM "$p" 2>/dev/null || true
      wait "$p" 2>/dev/null || true
    fi
  done
  PX_PID='' PX_PIDS='' NGX_PID='' SRV_PID=''
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
    SRV_H2_URL=$(sed -n 's/^ifmatch: h2c at \(http:[^ ]*\) .*/\1/p' "$OUT/serve.out")
    [ -n "$SRV_URL" ] && return 0
    kill -0 "$SRV_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "race: ifmatch serve did not start:" >&2
  cat "$OUT/serve.err" >&2
  exit 3
}

lib_proxy() {
  local _ port hp=${3:-$SRV_URL}
  hp=${hp#http://}; hp=${hp%%/*}
  : >"$OUT/proxy.out"
  echo "## $(date -u +%H:%M:%S) $1 $2 -> $hp" >>"$OUT/proxy.err"
  if [ -n "${PROXY_NICE:-}" ] && [ "${PROXY_NICE:-0}" != 0 ]; then
    nice -n "$PROXY_NICE" "$PY" "$LIB_DIR/jitter_proxy.py" --delay "$1" --seed "$2" \
      --max-conns 480 "$hp" >"$OUT/proxy.out" 2>>"$OUT/proxy.err" &
  else
    "$PY" "$LIB_DIR/jitter_proxy.py" --delay "$1" --seed "$2" \
      --max-conns 480 "$hp" >"$OUT/proxy.out" 2>>"$OUT/proxy.err" &
  fi
  PX_PID=$!
  PX_PIDS="$PX_PIDS $PX_PID"
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

# shellcheck source=../../tests/nginx_conf.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../tests/nginx_conf.sh"

_lib_free_port() {
  "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

_lib_nginx_conf() {   # MODE UPSTREAM H1PORT H2PORT
  local d=$OUT/nginx
  nginx_conf_head "$d" 1024
  cat <<NGX
  http2_max_concurrent_streams ${NGX_STREAMS:-128};
  keepalive_requests 100000;
  proxy_http_version 1.1;
NGX
  case "$1" in *-unbuffered) echo "  proxy_request_buffering off;" ;; esac
  if [ "$1" != plain ]; then
    # The server closes connections idle for 30 s (serve --idle-timeout):
    # nginx lets go of its idle ones first.
    cat <<NGX
  upstream ifm { server $2; keepalive ${NGX_KEEPALIVE:-128}; keepalive_timeout 20s; keepalive_requests 100000; }
  proxy_set_header Connection "";
NGX
  else
    echo "  upstream ifm { server $2; }"
  fi
  cat <<NGX
  server { listen 127.0.0.1:$3; location / { proxy_pass http://ifm; } }
  server { listen 127.0.0.1:$4 http2; location / { proxy_pass http://ifm; } }
}
NGX
}

lib_nginx() {
  local mode=$1 d=$OUT/nginx hp h1 h2 try _
  [ -x /usr/sbin/nginx ] || { echo "race: /usr/sbin/nginx is not installed" >&2; exit 3; }
  hp=${SRV_URL#http://}; hp=${hp%%/*}
  mkdir -p "$d"
  for try in 1 2 3 4 5; do
    h1=$(_lib_free_port) h2=$(_lib_free_port)
    [ "$h1" != "$h2" ] || continue
    _lib_nginx_conf "$mode" "$hp" "$h1" "$h2" >"$d/nginx.conf"
    echo "## $(date -u +%H:%M:%S) h1 $h1, h2c $h2 -> $hp" >>"$d/error.log"
    nice -n "${NGX_NICE:-0}" /usr/sbin/nginx -c "$d/nginx.conf" -e "$d/error.log" >>"$d/out.log" 2>&1 &
    NGX_PID=$!
    for _ in $(seq 100); do
      kill -0 "$NGX_PID" 2>/dev/null || break
      if curl -s -o /dev/null "http://127.0.0.1:$h1/" &&
         curl -s -o /dev/null --http2-prior-knowledge "http://127.0.0.1:$h2/"; then
        NGX_H1_URL=http://127.0.0.1:$h1/ NGX_H2_URL=http://127.0.0.1:$h2/
        echo "## $(date -u +%H:%M:%S) nginx $mode, h1 $h1, h2c $h2 -> $hp (try $try)" >>"$d/runs.log"
        return 0
      fi
      sleep 0.05
    done
    kill -TERM "$NGX_PID" 2>/dev/null || true
    wait "$NGX_PID" 2>/dev/null || true
    NGX_PID=''
  done
  echo "race: nginx did not start:" >&2
  cat "$d/error.log" >&2
  exit 3
}

lib_run() {
  local url=$1; shift
  timeout -k 5 "$RUN_TIMEOUT" "$IFM" run "$@" --url "$url" --max-time "$RUN_TIMEOUT" -q \
    >>"$OUT/run.out" 2>&1 || true
}
