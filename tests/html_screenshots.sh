#!/usr/bin/env bash
# html_screenshots.sh [OUT_DIR]: regenerates the screenshots README.md shows
# (default OUT_DIR: docs/img of the source tree) with headless Chromium:
#   report-top.png     the HTML report of the whole suite against
#                      `ifmatch serve --flaw race`: verdict, counts, failures
#   race-timeline.png  that report's failing IM-RACE-ONE-WINNER-8 round
#   matrix.png         `ifmatch matrix` over that run, one against --flaw
#                      weak-compare and a clean one, when this ifmatch has it
# Not a test (ctest runs *_test.sh only): run it by hand after changing the
# report's look, check the images, commit them. Each must stay under 300 KB.
# Needs /usr/bin/python3, chromium and chromium-driver; IFMATCH defaults to
# build/ifmatch.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
OUT=${1:-$SRC/docs/img}
PY=/usr/bin/python3
mkdir -p "$OUT"
IFMATCH=$(cd "$(dirname "$IFMATCH")" && pwd)/$(basename "$IFMATCH")

start_server URL --flaw race
"$IFMATCH" run -q --url "$URL" --html "$TMP/race.html" --json "$TMP/race.json" || [ $? = 1 ]
args=(--html "$TMP/race.html" --out "$OUT")
if "$IFMATCH" matrix --help >/dev/null 2>&1; then
  start_server WEAK --flaw weak-compare
  "$IFMATCH" run -q --url "$WEAK" --html "$TMP/weak.html" --json "$TMP/weak.json" >/dev/null || [ $? = 1 ]
  "$IFMATCH" run -q --html "$TMP/clean.html" --json "$TMP/clean.json" >/dev/null
  # from $TMP, so that the page names the reports without the scratch folder
  (cd "$TMP" && "$IFMATCH" matrix -q --html matrix.html --name reference=clean.json \
     --name "flaw weak-compare=weak.json" --name "flaw race=race.json" clean.json weak.json race.json)
  args+=(--matrix "$TMP/matrix.html")
else
  echo "html_screenshots.sh: no 'ifmatch matrix' in $IFMATCH: matrix.png not made" >&2
fi
"$PY" "$SRC/tests/html_browser.py" shots "${args[@]}"
