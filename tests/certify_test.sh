#!/usr/bin/env bash
# certify_test.sh: ifmatch certify, waivers and --baseline end to end, against
# the embedded reference server and a --flaw weak-compare server on loopback.
source "$(dirname "$0")/lib.sh"
plan 14

C="$TMP/clean"
check "certify against the embedded server exits 0" expect_exit 0 "$IFMATCH" certify -q --out "$C"
check "it writes the certificate (JSON, text) and every report" \
  test -s "$C/certificate.json" -a -s "$C/certificate.txt" -a -s "$C/ifmatch.tap" -a -s "$C/ifmatch.junit.xml" -a -s "$C/ifmatch.json" -a -s "$C/ifmatch.html"
check "the certificate says CONFORMANT with a suite sha256 and no failures" python3 -c "
import json,re,sys; c=json.load(open('$C/certificate.json'))
sys.exit(0 if c['verdict']=='CONFORMANT' and re.fullmatch('[0-9a-f]{64}', c['suite']['sha256']) and not c['failures'] and c['suite']['run']==c['suite']['cases'] else 1)"

start_server URL --flaw weak-compare || exit 1
W="$TMP/weak"
check "certify against --flaw weak-compare exits 1" expect_exit 1 "$IFMATCH" certify -q --url "$URL" --out "$W"
check "its certificate is NOT CONFORMANT and names the weak-comparison case" python3 -c "
import json,sys; c=json.load(open('$W/certificate.json'))
sys.exit(0 if c['verdict']=='NOT CONFORMANT' and 'IM-WEAK-NEVER-weak-of-current' in c['failures'] else 1)"
check "a filter is refused (exit 2, nothing certified)" bash -c "
  '$IFMATCH' certify -q --filter 'IM-STALE-*' --out '$TMP/f' 2>'$TMP/f.err'; rc=\$?
  [ \$rc = 2 ] && [ ! -e '$TMP/f/certificate.json' ] && grep -q 'whole suite' '$TMP/f.err'"
check "case paths are refused (exit 2, nothing certified)" bash -c "
  '$IFMATCH' certify -q '$SRC/cases/core' --out '$TMP/p' 2>'$TMP/p.err'; rc=\$?
  [ \$rc = 2 ] && [ ! -e '$TMP/p/certificate.json' ] && grep -q 'case paths are refused' '$TMP/p.err'"

# Waivers: the known failures are expected, the run is conformant, nothing else hides.
# Waive exactly what the flawed server failed in the certify run above.
python3 -c "
import json; c=json.load(open('$W/certificate.json'))
print('waivers:')
for i in c['failures']: print('  - case: ' + i + '\n    reason: \"weak comparison is a known defect of this build\"')
" >"$TMP/waivers.yaml"
R="$TMP/waived"
check "with the failures waived the run exits 0" \
  expect_exit 0 "$IFMATCH" run -q --url "$URL" --waivers "$TMP/waivers.yaml" --tap "$R.tap" --json "$R.json"
check "waived failures are TAP TODO" grep -q '^not ok [0-9]* - IM-WEAK-NEVER-weak-of-current.*# TODO waived: weak comparison' "$R.tap"
check "a waived case that passes is reported stale" bash -c "
'$IFMATCH' run -q --waivers '$TMP/waivers.yaml' 2>&1 | grep -q 'waiver is stale'"
printf 'waivers:\n  - case: NO-SUCH-CASE\n    reason: typo\n' >"$TMP/typo.yaml"
check "a waiver naming no case is refused with its position (exit 2)" bash -c "
'$IFMATCH' run -q --waivers '$TMP/typo.yaml' 2>&1 | grep -q 'typo.yaml:2:5: waiver .NO-SUCH-CASE. names no case'; test \${PIPESTATUS[0]} = 2"

# Baseline: the clean run as the baseline, the flawed server as the change.
check "against a baseline the new failures are named and exit 1" bash -c "
'$IFMATCH' run -q --url '$URL' --baseline '$C/ifmatch.json' --json '$TMP/b.json' 2>'$TMP/b.err'; test \$? = 1"
check "the JSON report lists them as newly failing" python3 -c "
import json,sys; b=json.load(open('$TMP/b.json'))['baseline']
sys.exit(0 if 'IM-WEAK-NEVER-weak-of-current' in b['newly_failing'] and not b['newly_passing'] else 1)"
check "the same failures against their own baseline exit 0 (nothing new)" \
  expect_exit 0 "$IFMATCH" run -q --url "$URL" --baseline "$TMP/b.json"
finish
