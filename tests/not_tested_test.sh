#!/usr/bin/env bash
# not_tested_test.sh: a run that judged nothing never reads as green, in the
# report consumers CI systems use (issue 15). Four such runs:
#   unreachable  --url to a closed port                       exit 3
#   empty        --filter that matches no case                exit 2
#   preflight    a target that cannot create (read-only shape) exit 3
#   interrupted  SIGINT while the first cases run             exit 3
# For each: the verdict line says NOT TESTED (the interrupted run may say NOT
# CONFORMANT if a fault was found before the signal), and every consumer
# reports a failure: prove (Perl), tappy (python3-tap), tap-parser (npm, when
# tests/npm has it) on the TAP file; junitparser (python3-junitparser) finds an
# error or a failure in the JUnit file.
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3                 # Debian's, with python3-tap and python3-junitparser
TAP_PARSER="$SRC/tests/npm/node_modules/.bin/tap-parser"
RUNS="unreachable empty preflight interrupted"
plan $(( $(echo $RUNS | wc -w) * 6 + 1 ))

R="$TMP/r"
"$IFMATCH" run -q --url http://127.0.0.1:9 --timeout 2 --tap "$R-unreachable.tap" --junit "$R-unreachable.xml" \
  >"$R-unreachable.out" 2>&1
echo $? >"$R-unreachable.rc"

"$IFMATCH" run -q --filter 'no-such-case-*' --tap "$R-empty.tap" --junit "$R-empty.xml" >"$R-empty.out" 2>&1
echo $? >"$R-empty.rc"

start_server RO --shape read-only || exit 1
"$IFMATCH" run -q --url "$RO" --tap "$R-preflight.tap" --junit "$R-preflight.xml" >"$R-preflight.out" 2>&1
echo $? >"$R-preflight.rc"

start_server SLOW --flaw race --race-window-us 300000 || exit 1
"$IFMATCH" run -q --url "$SLOW" -j 1 --tap "$R-interrupted.tap" --junit "$R-interrupted.xml" \
  >"$R-interrupted.out" 2>&1 &
pid=$!
sleep 0.5
kill -INT $pid
wait $pid
echo $? >"$R-interrupted.rc"

want_rc() { case $1 in empty) echo 2 ;; *) echo 3 ;; esac; }
verdict_ok() {   # the terminal's verdict line
  case $1 in
    interrupted) grep -Eq "verdict: NOT (TESTED|CONFORMANT)" "$R-$1.out" ;;
    *) grep -q "verdict: NOT TESTED" "$R-$1.out" ;;
  esac
}
tap_parser_fails() {   # true when tap-parser reports a failure (or is not installed: said)
  if [ ! -x "$TAP_PARSER" ] || ! command -v node >/dev/null; then echo "tap-parser not installed"; return 0; fi
  ! node "$TAP_PARSER" <"$1" >/dev/null 2>&1
}
junit_fails() {
  "$PY" -c "
import sys
from junitparser import JUnitXml
x = JUnitXml.fromfile(sys.argv[1])
sys.exit(0 if x.errors + x.failures > 0 and x.tests > 0 else 1)" "$1"
}
for run in $RUNS; do
  check "$run: exit $(want_rc $run)" test "$(cat "$R-$run.rc")" = "$(want_rc $run)"
  check "$run: the verdict line says it was not judged" verdict_ok "$run"
  check "$run: prove reports a failure" bash -c "! prove -e cat '$R-$run.tap' >/dev/null 2>&1"
  check "$run: tappy reports a failure" bash -c "! $PY -c 'import sys; from tap.main import main; sys.exit(main(sys.argv))' '$R-$run.tap' >/dev/null 2>&1"
  check "$run: tap-parser reports a failure" tap_parser_fails "$R-$run.tap"
  check "$run: junitparser finds an error or a failure" junit_fails "$R-$run.xml"
done
check "the empty selection's message says how to allow it" grep -q -- "--allow-empty" "$R-empty.out"
finish
