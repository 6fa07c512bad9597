#!/usr/bin/env bash
# run_test.sh: `ifmatch run` end to end against real servers on loopback:
# the embedded default, seeded flaws through --url, bad input, an unreachable
# target, an interrupted run, secrets kept out of every report.
source "$(dirname "$0")/lib.sh"
plan 32

# 1. The embedded reference server passes the whole suite; all reports written.
R="$TMP/clean"
check "run against the embedded server exits 0 (conformant)" \
  expect_exit 0 "$IFMATCH" run -q --tap "$R.tap" --junit "$R.xml" --json "$R.json" --html "$R.html"
check "TAP report parses with prove" prove -e cat "$R.tap"
check "JUnit report is well-formed XML" xmllint --noout "$R.xml"
check "JSON report parses and says conformant" python3 -c "
import json,sys; d=json.load(open('$R.json')); sys.exit(0 if d['conformant'] and d['results'] else 1)"

# 2. --url against a server with weak comparison: exit 1, the case named everywhere.
start_server URL --flaw weak-compare || exit 1
R="$TMP/weak"
check "run --url against --flaw weak-compare exits 1" \
  expect_exit 1 "$IFMATCH" run -q --url "$URL" --tap "$R.tap" --junit "$R.xml" --json "$R.json"
check "TAP names the failing IM-WEAK-NEVER case" grep -q '^not ok [0-9]* - IM-WEAK-NEVER-weak-of-current' "$R.tap"
check "JUnit has a <failure> for it" python3 -c "
import xml.etree.ElementTree as E,sys
t=E.parse('$R.xml'); f=[c for c in t.iter('testcase') if c.get('name')=='IM-WEAK-NEVER-weak-of-current' and c.find('failure') is not None]
sys.exit(0 if f else 1)"
check "JSON has verdict FAIL for it, citing the requirement" python3 -c "
import json,sys; d=json.load(open('$R.json'))
r=[x for x in d['results'] if x['case_id']=='IM-WEAK-NEVER-weak-of-current'][0]
sys.exit(0 if r['verdict']=='FAIL' and r['requirement']=='IM-WEAK-NEVER' and r['exchanges'] else 1)"

# 3. A broken case file: exit 2 with its position, nothing sent.
mkdir -p "$TMP/bad"
printf 'cases:\n  - id: X-1\n    requirement: IM-MATCH-OK\n    title: t\n    level: MUST\n    stepz: []\n' >"$TMP/bad/bad.yaml"
check "a broken case file exits 2" expect_exit 2 "$IFMATCH" run "$TMP/bad" --url "$URL"
check "the error names file:line:col" bash -c "'$IFMATCH' run '$TMP/bad' --url '$URL' 2>&1 | grep -q 'bad.yaml:6:5: '"

# 4. Unreachable target: exit 3, and the reports still say what happened.
R="$TMP/down"
check "an unreachable target exits 3" \
  expect_exit 3 "$IFMATCH" run -q --url http://127.0.0.1:9 --timeout 2 --json "$R.json" --tap "$R.tap"
check "its JSON report is written and says NOT TESTED with the reason" python3 -c "
import json,sys; d=json.load(open('$R.json'))
sys.exit(0 if d['verdict']=='NOT TESTED' and 'does not answer' in d['not_tested'] and not d['conformant'] else 1)"

# 5. SIGINT half way: exit 3, partial reports written.
start_server SLOW --flaw race --race-window-us 200000 || exit 1
R="$TMP/int"
"$IFMATCH" run -q --url "$SLOW" -j 1 --tap "$R.tap" --json "$R.json" >/dev/null 2>&1 &
pid=$!
sleep 1.5
kill -INT $pid
wait $pid
code=$?
check "an interrupted run exits 3" test "$code" = 3
check "the interrupted run wrote its TAP and JSON" python3 -c "
import json,sys; d=json.load(open('$R.json')); sys.exit(0 if d['interrupted'] else 1)"

# 6. Secrets from the environment never reach a report.
export IFM_TEST_TOKEN="s3cr3t-$RANDOM-token"
sed -e "s|^base_url:.*|base_url: $URL|" "$SRC/targets/reference.yaml" >"$TMP/t.yaml"
cat >>"$TMP/t.yaml" <<YAML
headers:
  Authorization: "Bearer \${env:IFM_TEST_TOKEN}"
  X-Trace: "trace-\${env:IFM_TEST_TOKEN}"
YAML
R="$TMP/sec"
"$IFMATCH" run -q --target "$TMP/t.yaml" --filter 'IM-WEAK-NEVER*' --tap "$R.tap" --junit "$R.xml" --json "$R.json" --html "$R.html" >"$R.out" 2>&1
check "the run with secret headers failed as expected (weak-compare)" grep -q 'IM-WEAK-NEVER' "$R.tap"
check "no report or log holds the token" bash -c "! grep -l '$IFM_TEST_TOKEN' $R.*"

# 7. Preflight (issue 14): a target file whose create does not work with the
# server (here: the reference target against a server that creates only by
# POST, and a read-only one) stops before judging: exit 3, nothing FAILs,
# and the message names the target key and what came back.
start_server POSTC --shape post-create || exit 1
R="$TMP/pre"
"$IFMATCH" run -q --url "$POSTC" --json "$R.json" >"$R.out" 2>&1
check "a target that cannot create exits 3" test "$?" = 3
check "the message names operations.create, the file position and the 404" \
  grep -q 'operations.create (.*reference.yaml:[0-9]*:[0-9]*): PUT http://.* answered 404' "$R.out"
check "nothing was judged: no FAIL in the report" python3 -c "
import json,sys; d=json.load(open('$R.json')); sys.exit(0 if d['interrupted'] and not any(r['verdict']=='FAIL' for r in d['results']) else 1)"
start_server RO --shape read-only || exit 1
check "a read-only server with a creating target exits 3, naming the 405" \
  bash -c "'$IFMATCH' run -q --url '$RO' 2>&1 | grep -q 'operations.create .* answered 405'"

# 8. list
check "ifmatch list prints the cases" bash -c "'$IFMATCH' list | grep -q '^IM-STALE-412-put '"
# Each subcommand has its own --help (issue 15: certify and list printed run's).
check "run --help is run's" bash -c "'$IFMATCH' run --help | head -1 | grep -q '^usage: ifmatch run '"
check "certify --help is certify's, and names --out" bash -c "'$IFMATCH' certify --help >'$TMP/ch'; head -1 '$TMP/ch' | grep -q '^usage: ifmatch certify' && grep -q -- '--out DIR' '$TMP/ch'"
check "list --help is list's" bash -c "'$IFMATCH' list --help | head -1 | grep -q '^usage: ifmatch list '"
check "fuzz replay --help is help, exit 0" bash -c "'$IFMATCH' fuzz replay --help | grep -q 'ifmatch fuzz replay FILE'"

# 9. Where reports go (issue 15: a plain run wrote none). With no report
# option a run writes all four to results/ and says so; --out DIR places the
# ones no option of their own places; a destination that is not a regular
# file is refused, never followed or replaced (issue 10).
start_server PLAIN || exit 1
mkdir -p "$TMP/plain" && (cd "$TMP/plain" && "$IFMATCH" run --url "$PLAIN" --filter 'IM-STALE-412-*' >out 2>&1)
check "a plain run --url writes every report to results/ and says where" bash -c "
  cd '$TMP/plain' && test -s results/ifmatch.tap -a -s results/ifmatch.junit.xml -a -s results/ifmatch.json -a -s results/ifmatch.html &&
  grep -q 'reports: results/ifmatch.tap, results/ifmatch.junit.xml, results/ifmatch.json, results/ifmatch.html' out"
check "--out DIR with --json elsewhere: the JSON where asked, the rest in DIR" bash -c "
  '$IFMATCH' run -q --url '$PLAIN' --filter 'IM-STALE-412-*' --out '$TMP/o' --json '$TMP/elsewhere.json' &&
  test -s '$TMP/elsewhere.json' -a -s '$TMP/o/ifmatch.tap' -a ! -e '$TMP/o/ifmatch.json'"
ln -s "$TMP/victim" "$TMP/link.json"
echo keep >"$TMP/victim"
check "a symlink as report path is refused (exit 3), its target untouched" bash -c "
  '$IFMATCH' run -q --url '$PLAIN' --filter 'IM-STALE-412-put' --json '$TMP/link.json' 2>'$TMP/l.err'; rc=\$?
  [ \$rc = 3 ] && grep -q 'symbolic link' '$TMP/l.err' && [ \"\$(cat '$TMP/victim')\" = keep ] && [ -L '$TMP/link.json' ]"
check "a device as report path is refused (exit 3), the device left alone" bash -c "
  '$IFMATCH' run -q --url '$PLAIN' --filter 'IM-STALE-412-put' --tap /dev/null 2>'$TMP/d.err'; rc=\$?
  [ \$rc = 3 ] && grep -q 'not a regular file' '$TMP/d.err' && [ -c /dev/null ]"
# 10. A signal during the startup check is an interruption, not a dead target.
python3 -c "
import socket,sys,time
s=socket.socket(); s.bind(('127.0.0.1',0)); s.listen(16)
open(sys.argv[1],'w').write(str(s.getsockname()[1])); time.sleep(60)" "$TMP/mute.port" &
_pids+=($!)
for i in $(seq 1 50); do [ -s "$TMP/mute.port" ] && break; sleep 0.1; done
"$IFMATCH" run -q --url "http://127.0.0.1:$(cat "$TMP/mute.port")" --timeout 30 --json "$TMP/mute.json" >/dev/null 2>&1 &
mute=$!
sleep 1.5
kill -TERM $mute
wait $mute
check "SIGTERM during the startup check: exit 3" test "$?" = 3
check "...the report says interrupted, not that the target does not answer" /usr/bin/python3 -c "
import json,sys; r=json.load(open('$TMP/mute.json'))
sys.exit(0 if r['interrupted'] and 'interrupted' in r['not_tested'] and 'does not answer' not in r['not_tested'] else 1)"
check "no temporary file is left behind" bash -c "! ls -a '$TMP' '$TMP/o' '$TMP/plain/results' | grep -q '.ifmatch-'"
finish
