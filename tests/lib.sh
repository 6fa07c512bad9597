# tests/lib.sh: shared helpers for the TAP shell tests (sourced, not run).
# Each test script: source lib.sh; plan N; ok/not_ok lines; finish.
# Servers started here listen on 127.0.0.1 only and are killed on exit.

IFMATCH=${IFMATCH:-${IFM_BUILD_DIR:-build}/ifmatch}
SRC=${IFM_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ifm-test.XXXXXX")
_n=0
_failed=0
_pids=()
# shellcheck source=nginx_conf.sh
source "$(dirname "${BASH_SOURCE[0]}")/nginx_conf.sh"

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
# waits (5 s at most) for its URL and stores it in VAR; with --h2c-port, its
# h2c URL goes to SERVE_H2C (else that is empty).
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
  SERVE_H2C=$(sed -n 's/^ifmatch: h2c at \(http:[^ ]*\)\/ .*/\1/p' "$out" 2>/dev/null)
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

# start_h2_nginx VAR BLOCK...: one nginx (Debian's nginx-light) as an HTTP/2
# front on 127.0.0.1, a server block (a port of its own) for each BLOCK,
# "UPSTREAM [tls] [streams=N]": proxy to UPSTREAM; with tls, h2 over TLS with
# $TMP/cert.pem and $TMP/key.pem (the caller makes them), else h2c (prior
# knowledge); streams=N sets http2_max_concurrent_streams. The first block
# must be h2c: VAR gets its URL once it answers; H2_PORTS holds every
# block's port, in order. Its error log is $TMP/ngx-h2/error.log. Retried on
# other ports if one was taken meanwhile. Returns 2 when nginx is not
# installed.
#
# nginx buffers each request body before it proxies (proxy_request_buffering
# on, the default): that does not blur a single-packet release, the final
# frames still reach nginx together, and it forwards each request when its
# stream ends.
_H2_BLOCKS=()
_launch_h2_nginx() {
  local d="$TMP/ngx-h2" b i port up
  local -a spec
  mkdir -p "$d"
  : >"$d/error.log"              # a failed try's bind() errors are not this nginx's
  H2_PORTS=("$1")
  # below the ephemeral range (32768-), where the proxied connections take theirs
  for ((i = 1; i < ${#_H2_BLOCKS[@]}; i++)); do H2_PORTS+=($((20000 + RANDOM % 12000))); done
  {
    nginx_conf_head "$d"
    echo "  proxy_http_version 1.1;"
    for ((i = 0; i < ${#_H2_BLOCKS[@]}; i++)); do
      read -r -a spec <<<"${_H2_BLOCKS[$i]}"
      up=${spec[0]} port=${H2_PORTS[$i]}
      echo "  server {"
      if [[ " ${spec[*]} " == *" tls "* ]]; then
        echo "    listen 127.0.0.1:$port ssl http2;"
        echo "    ssl_certificate $TMP/cert.pem;"
        echo "    ssl_certificate_key $TMP/key.pem;"
      else
        echo "    listen 127.0.0.1:$port http2;"
      fi
      for b in "${spec[@]:1}"; do
        case "$b" in streams=*) echo "    http2_max_concurrent_streams ${b#streams=};" ;; esac
      done
      echo "    location / { proxy_pass $up; }"
      echo "  }"
    done
    echo "}"
  } >"$d/nginx.conf"
  /usr/sbin/nginx -c "$d/nginx.conf" -e "$d/stderr.log" >>"$d/out.log" 2>&1 &
}
start_h2_nginx() {
  local var=$1
  shift
  [ -x /usr/sbin/nginx ] || return 2
  _H2_BLOCKS=("$@")
  NGINX_HTTP2=1 _start_on_free_port "$var" "nginx (h2c)" _launch_h2_nginx "$TMP/ngx-h2/out.log" \
    "$TMP/ngx-h2/stderr.log" "$TMP/ngx-h2/error.log" || return 1
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

# start_rclone VAR: `rclone serve webdav` over a scratch directory, as
# tests/rclone_test.sh starts it. Returns 2 when rclone is not installed.
_launch_rclone() {
  mkdir -p "$TMP/rclone-root"
  RCLONE_CONFIG="$TMP/rclone.conf" rclone serve webdav "$TMP/rclone-root" --addr "127.0.0.1:$1" \
    >>"$TMP/rclone.out" 2>&1 &
}
start_rclone() {
  command -v rclone >/dev/null || return 2
  _start_on_free_port "$1" rclone _launch_rclone "$TMP/rclone.out"
}

# _free_port: a TCP port on 127.0.0.1 that was free a moment ago.
_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# _await_http PORT PATH PID TENTHS: true once http://127.0.0.1:PORT/PATH answers,
# within TENTHS tenths of a second, while PID lives.
_await_http() {
  local i
  for i in $(seq 1 "$4"); do
    curl -s -o /dev/null "http://127.0.0.1:$1$2" && return 0
    kill -0 "$3" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# start_tomcat VAR: Tomcat 10's WebDAV servlet (Debian package tomcat10-common)
# as tests/tomcat_test.sh starts it: a CATALINA_BASE under $TMP with the
# webapps of tests/data/tomcat/ (weak ETags at /, strong at /strong), on a
# free port; waits up to 90 s for the JVM. Returns 2 when Tomcat is not
# installed ($CATALINA_HOME, default /usr/share/tomcat10).
start_tomcat() {
  local home=${CATALINA_HOME:-/usr/share/tomcat10} b="$TMP/tomcat" port tries pid
  [ -x "$home/bin/catalina.sh" ] || return 2
  for tries in 1 2 3; do
    port=$(_free_port)
    rm -rf "$b" && mkdir -p "$b/conf" "$b/logs" "$b/temp" "$b/work" "$b/webapps" || return 1
    cp -r "$SRC/tests/data/tomcat/ROOT" "$SRC/tests/data/tomcat/strong" "$b/webapps/" || return 1
    sed "s|@PORT@|$port|" "$SRC/tests/data/tomcat/server.xml.in" >"$b/conf/server.xml" || return 1
    CATALINA_BASE="$b" CATALINA_HOME="$home" CATALINA_TMPDIR="$b/temp" \
      "$home/bin/catalina.sh" run >>"$TMP/tomcat.out" 2>&1 &
    pid=$!
    _pids+=($pid)
    _await_http "$port" /strong/ "$pid" 900 && { printf -v "$1" 'http://127.0.0.1:%s' "$port"; return 0; }
    kill "$pid" 2>/dev/null
  done
  echo "# Tomcat did not start: $(tail -30 "$TMP/tomcat.out")"
  return 1
}

# start_azurite VAR: azurite-blob (tests/npm, npm ci there) in memory on a
# free port, path-style URLs, as tests/azurite_test.sh starts it; waits up
# to 60 s. Returns 2 when it is not installed ($AZURITE_BLOB).
start_azurite() {
  local blob=${AZURITE_BLOB:-$SRC/tests/npm/node_modules/.bin/azurite-blob} port tries pid
  [ -x "$blob" ] || return 2
  for tries in 1 2 3; do
    port=$(_free_port)
    (cd "$TMP" && exec "$blob" --blobHost 127.0.0.1 --blobPort "$port" --inMemoryPersistence \
       --disableTelemetry --disableProductStyleUrl --silent) >>"$TMP/azurite.out" 2>&1 &
    pid=$!
    _pids+=($pid)
    _await_http "$port" / "$pid" 600 && { printf -v "$1" 'http://127.0.0.1:%s' "$port"; return 0; }
    kill "$pid" 2>/dev/null
  done
  echo "# Azurite did not start: $(tail -30 "$TMP/azurite.out")"
  return 1
}

# azurite_sas: the signature of targets/azurite-blob.yaml's account SAS
# (sv 2021-08-06, sp racwdl, se 2099-01-01, http), signed with the emulator's
# published devstoreaccount1 key as tests/azurite_test.sh does. Exports it
# URL-encoded in IFM_AZURITE_SIG (what the target reads) and sets
# AZURITE_SIG_RAW to the base64 form; tests treat both as secrets.
azurite_sas() {
  local key=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==
  local hexkey
  hexkey=$(printf '%s' "$key" | base64 -d | od -An -v -tx1 | tr -d ' \n')
  AZURITE_SIG_RAW=$(printf 'devstoreaccount1\nracwdl\nb\nsco\n\n2099-01-01T00:00:00Z\n\nhttp\n2021-08-06\n\n' |
    openssl dgst -sha256 -mac HMAC -macopt "hexkey:$hexkey" -binary | base64 -w0)
  IFM_AZURITE_SIG=$(printf '%s' "$AZURITE_SIG_RAW" | sed 's|+|%2B|g; s|/|%2F|g; s|=|%3D|g')
  export IFM_AZURITE_SIG
}
