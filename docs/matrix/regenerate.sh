#!/usr/bin/env bash
# docs/matrix/regenerate.sh [DIR]: the shipped implementation matrix, made
# again. Starts lighttpd + mod_webdav, nginx + http_dav_module and Radicale on
# 127.0.0.1 exactly as tests/lighttpd_test.sh, nginx_test.sh and
# radicale_test.sh do (tests/lib.sh), runs the whole suite against each
# through its target file and against the embedded reference server, keeps
# each run's JSON and HTML report (NAME.json, NAME.html), and writes
# matrix.html and matrix.md over the four. DIR defaults to this folder.
#
# Needs a build (IFMATCH, default build/ifmatch) and Debian's lighttpd,
# nginx-light (or nginx) and radicale. Exit 0 when every page was written.
set -u
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=$(mkdir -p "${1:-$SRC/docs/matrix}" && cd "${1:-$SRC/docs/matrix}" && pwd)
export IFMATCH=${IFMATCH:-$SRC/build/ifmatch}
IFM_SOURCE_DIR=$SRC
# shellcheck source=../../tests/lib.sh
source "$SRC/tests/lib.sh"
[ -x "$IFMATCH" ] || { echo "regenerate.sh: no ifmatch at $IFMATCH (build first, or set IFMATCH)" >&2; exit 2; }

# run_one NAME [run options]: the whole suite, its reports as OUT/NAME.{json,html}.
# A run that failed cases is what the matrix is for; one that judged nothing is not.
run_one() {
  local name=$1 rc
  shift
  echo "regenerate.sh: $name" >&2
  "$IFMATCH" run -q "$@" --json "$OUT/$name.json" --html "$OUT/$name.html"
  rc=$?
  if [ "$rc" -gt 3 ] || grep -q '"verdict": "NOT TESTED"' "$OUT/$name.json" 2>/dev/null ||
     [ ! -s "$OUT/$name.json" ]; then
    echo "regenerate.sh: the run against $name judged nothing (exit $rc)" >&2
    exit 1
  fi
}

start_lighttpd URL || { echo "regenerate.sh: lighttpd did not start (installed?)" >&2; exit 1; }
run_one lighttpd --target "$SRC/targets/lighttpd-webdav.yaml" --url "$URL"
start_nginx URL || { echo "regenerate.sh: nginx did not start (installed?)" >&2; exit 1; }
run_one nginx --target "$SRC/targets/nginx-dav.yaml" --url "$URL"
# Radicale is slow with 2 MiB bodies and resets bursts of connections: as radicale_test.sh
start_radicale URL || { echo "regenerate.sh: radicale did not start (installed?)" >&2; exit 1; }
run_one radicale -j 2 --timeout 90 --target "$SRC/targets/radicale-carddav.yaml" --url "$URL"
run_one reference
cd "$OUT" && "$IFMATCH" matrix lighttpd.json nginx.json radicale.json reference.json \
  --html matrix.html --md matrix.md
