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

# start_lighttpd VAR: starts lighttpd + mod_webdav with targets/lighttpd/lighttpd.conf
# on a free loopback port; stores its base URL in VAR. Returns 2 when lighttpd
# is not installed.
start_lighttpd() {
  local var=$1 root="$TMP/dav" port i tries
  command -v lighttpd >/dev/null || [ -x /usr/sbin/lighttpd ] || return 2
  mkdir -p "$root"
  for tries in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    IFM_DAV_ROOT="$root" IFM_DAV_PORT=$port IFM_DAV_LOG="$TMP/dav.log" \
      /usr/sbin/lighttpd -D -f "$SRC/targets/lighttpd/lighttpd.conf" >>"$TMP/dav.out" 2>&1 &
    _pids+=($!)
    for i in $(seq 1 30); do
      if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
        printf -v "$var" 'http://127.0.0.1:%s' "$port"
        return 0
      fi
      kill -0 $! 2>/dev/null || break      # it died: the port was taken, try another
      sleep 0.1
    done
  done
  echo "# lighttpd did not start: $(cat "$TMP/dav.out" "$TMP/dav.log" 2>/dev/null)"
  return 1
}

# start_nginx VAR: starts nginx + http_dav_module with targets/nginx/nginx.conf.in
# (@ROOT@ @PORT@ @TMP@ filled in with sed) on a free loopback port, in the
# foreground (daemon off), in the background here; stores its base URL in VAR.
# Returns 2 when nginx is not installed.
start_nginx() {
  local var=$1 root="$TMP/ngx-root" conf="$TMP/nginx.conf" bin port i tries
  bin=$(command -v nginx 2>/dev/null) || bin=/usr/sbin/nginx
  [ -x "$bin" ] || return 2
  mkdir -p "$root"
  for tries in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    sed -e "s|@ROOT@|$root|g" -e "s|@PORT@|$port|g" -e "s|@TMP@|$TMP|g" \
      "$SRC/targets/nginx/nginx.conf.in" >"$conf" || return 1
    "$bin" -c "$conf" -e "$TMP/nginx-stderr.log" >>"$TMP/nginx.out" 2>&1 &
    _pids+=($!)
    for i in $(seq 1 30); do
      if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
        printf -v "$var" 'http://127.0.0.1:%s' "$port"
        return 0
      fi
      kill -0 $! 2>/dev/null || break      # it died: the port was taken, try another
      sleep 0.1
    done
  done
  echo "# nginx did not start: $(cat "$TMP/nginx.out" "$TMP/nginx-stderr.log" "$TMP/nginx-error.log" 2>/dev/null)"
  return 1
}

# failing_ids JSON: the sorted ids of FAIL results, one per line.
failing_ids() {
  python3 -c "
import json,sys
d=json.load(open(sys.argv[1]))
print('\n'.join(sorted(r['case_id'] for r in d['results'] if r['verdict']=='FAIL')))" "$1"
}

# start_radicale VAR: Radicale 3 (CardDAV) with targets/radicale/radicale.conf.in
# on a free loopback port; stores its base URL in VAR. Returns 2 when Radicale
# is not installed.
start_radicale() {
  local var=$1 conf="$TMP/radicale.conf" port i tries
  command -v radicale >/dev/null || return 2
  for tries in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    sed -e "s|@PORT@|$port|; s|@ROOT@|$TMP/radicale-data|" "$SRC/targets/radicale/radicale.conf.in" >"$conf"
    radicale --config "$conf" >>"$TMP/radicale.out" 2>&1 &
    _pids+=($!)
    for i in $(seq 1 50); do
      if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
        printf -v "$var" 'http://127.0.0.1:%s' "$port"
        return 0
      fi
      kill -0 $! 2>/dev/null || break
      sleep 0.1
    done
  done
  echo "# radicale did not start: $(cat "$TMP/radicale.out" 2>/dev/null)"
  return 1
}
