# tests/lib.sh: shared helpers for the TAP shell tests (sourced, not run).
# Each test script: source lib.sh; plan N; ok/not_ok lines; finish.
# Servers started here listen on 127.0.0.1 only and are killed on exit.

IFMATCH=${IFMATCH:-${IFM_BUILD_DIR:-build}/ifmatch}
SRC=${IFM_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ifm-test.XXXXXX")
_n=0
_failed=0
_pids=()

_cleanup() {
  local p
  for p in "${_pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  rm -rf "$TMP"
}
trap _cleanup EXIT

plan() { echo "TAP version 13"; echo "1..$1"; }

# check DESCRIPTION COMMAND...: one test point from a command's exit status.
check() {
  local d=$1; shift
  _n=$((_n + 1))
  if "$@" >"$TMP/check.out" 2>&1; then
    echo "ok $_n - $d"
  else
    echo "not ok $_n - $d"
    sed 's/^/# /' "$TMP/check.out" | head -40
    _failed=1
  fi
}

finish() { exit $_failed; }

# start_server VAR [ifmatch serve options]: starts `ifmatch serve --port 0`,
# waits (5 s at most) for its URL and stores it in VAR.
start_server() {
  local var=$1 out="$TMP/serve.$RANDOM" i url=""
  shift
  "$IFMATCH" serve --port 0 "$@" >"$out" 2>&1 &
  _pids+=($!)
  for i in $(seq 1 50); do
    url=$(sed -n 's/^ifmatch: serving \(http:[^ ]*\) .*/\1/p' "$out" 2>/dev/null)
    [ -n "$url" ] && break
    sleep 0.1
  done
  if [ -z "$url" ]; then echo "# server did not start: $(cat "$out")"; return 1; fi
  printf -v "$var" '%s' "${url%/}"
}

# expect_exit CODE COMMAND...: true when the command exits with CODE.
expect_exit() {
  local want=$1 got
  shift
  "$@"
  got=$?
  [ "$got" = "$want" ] || { echo "exit $got, expected $want"; return 1; }
}

# _start_on_free_port VAR NAME LAUNCH LOGS...: calls "LAUNCH PORT" (which starts
# a server in the background on 127.0.0.1:PORT) with random ports until one
# answers HTTP within 5 s, at most five ports; stores the base URL in VAR. A
# server that dies at once lost its port to someone else: try another.
_start_on_free_port() {
  local var=$1 name=$2 launch=$3 port i tries pid
  shift 3
  for tries in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    "$launch" "$port" || return 1
    pid=$!
    _pids+=($pid)
    for i in $(seq 1 50); do
      if curl -s -o /dev/null ${NGINX_HTTP2:+--http2-prior-knowledge} "http://127.0.0.1:$port/"; then
        printf -v "$var" 'http://127.0.0.1:%s' "$port"
        return 0
      fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  done
  echo "# $name did not start: $(cat "$@" 2>/dev/null)"
  return 1
}

# start_lighttpd VAR: lighttpd + mod_webdav with targets/lighttpd/lighttpd.conf.
# Returns 2 when lighttpd is not installed.
_launch_lighttpd() {
  mkdir -p "$TMP/dav"
  IFM_DAV_ROOT="$TMP/dav" IFM_DAV_PORT=$1 IFM_DAV_LOG="$TMP/dav.log" \
    /usr/sbin/lighttpd -D -f "$SRC/targets/lighttpd/lighttpd.conf" >>"$TMP/dav.out" 2>&1 &
}
start_lighttpd() {
  [ -x /usr/sbin/lighttpd ] || return 2
  _start_on_free_port "$1" lighttpd _launch_lighttpd "$TMP/dav.out" "$TMP/dav.log"
}

# start_nginx VAR: nginx + http_dav_module with targets/nginx/nginx.conf.in
# (@ROOT@ @PORT@ @TMP@ filled in), in the foreground (daemon off) in the
# background here. Returns 2 when nginx is not installed.
_launch_nginx() {
  mkdir -p "$TMP/ngx-root"
  local tmp="$TMP/ngx$NGINX_HTTP2"
  mkdir -p "$tmp"
  sed -e "s|@ROOT@|$TMP/ngx-root|g" -e "s|@PORT@|$1|g" -e "s|@TMP@|$tmp|g" -e "s|@HTTP2@|$NGINX_HTTP2|g" \
    "$SRC/targets/nginx/nginx.conf.in" >"$tmp/nginx.conf" || return 1
  /usr/sbin/nginx -c "$tmp/nginx.conf" -e "$tmp/nginx-stderr.log" >>"$tmp/nginx.out" 2>&1 &
}
# start_nginx VAR [http2]: with "http2" the port speaks HTTP/2 without TLS
# (h2c, prior knowledge); both kinds may run at once on the same files.
start_nginx() {
  [ -x /usr/sbin/nginx ] || return 2
  NGINX_HTTP2=${2:-}
  local tmp="$TMP/ngx$NGINX_HTTP2"
  local rc=0
  _start_on_free_port "$1" "nginx${NGINX_HTTP2:+ (h2c)}" _launch_nginx "$tmp/nginx.out" \
    "$tmp/nginx-stderr.log" "$tmp/nginx-error.log" || rc=$?
  NGINX_HTTP2=                      # the readiness poll of other servers is plain HTTP/1.1
  return $rc
}

# start_radicale VAR: Radicale 3 (CardDAV) with targets/radicale/radicale.conf.in.
# Returns 2 when Radicale is not installed.
_launch_radicale() {
  sed -e "s|@PORT@|$1|; s|@ROOT@|$TMP/radicale-data|" "$SRC/targets/radicale/radicale.conf.in" \
    >"$TMP/radicale.conf" || return 1
  radicale --config "$TMP/radicale.conf" >>"$TMP/radicale.out" 2>&1 &
}
start_radicale() {
  command -v radicale >/dev/null || return 2
  _start_on_free_port "$1" radicale _launch_radicale "$TMP/radicale.out"
}

# failing_ids JSON: the sorted ids of FAIL results, one per line.
failing_ids() {
  python3 -c "
import json,sys
d=json.load(open(sys.argv[1]))
print('\n'.join(sorted(r['case_id'] for r in d['results'] if r['verdict']=='FAIL')))" "$1"
}

# suite_dirs: the hand-written suite, i.e. every directory of cases/ but
# regress/ (the fuzzers' findings against the reference server's flaws). The
# real-server tests assert failure lists reasoned from the RFC for these.
suite_dirs() {
  local d
  for d in "$SRC"/cases/*/; do
    case "$d" in */regress/|*/profiles/) ;; *) printf '%s\n' "${d%/}" ;; esac
  done
}
