#!/usr/bin/env bash
# junit_schema_test.sh: the JUnit reports of real `ifmatch run`s are valid
# against the Jenkins xunit plugin's junit-10.xsd (tests/data/junit-10.xsd, as
# published), and their names do not depend on the machine (issue 15):
#
#   pass         the embedded reference server                 exit 0
#   fail         a server with a seeded flaw (weak-compare)    exit 1
#   waived       the same, every FAIL waived (--waivers)        exit 0
#   unreachable  --url to a closed port                         exit 3
#   named        from another directory, absolute paths into this checkout's
#                cases/, and --report-name
#   copied       cases/core copied outside the checkout, run from a third directory
#   post         another target file (reference-post-create.yaml)
#
# For each report: xmllint --noout --schema accepts it; no classname, suite
# name or file= holds an absolute path or this checkout's path. The reports
# tests/report_writers_test writes (every verdict, NUL, controls, invalid
# UTF-8, "]]>", seeded random bytes, no results) are held to the schema too. Reports of two
# targets have no suite name in common, so merging them folds nothing. Two
# hand-written reports, one with <properties> in a <testcase> and one with
# skipped= on <testsuites>, are refused: the schema is not vacuous.
source "$(dirname "$0")/lib.sh"
XSD="$SRC/tests/data/junit-10.xsd"
RUNS="pass fail waived unreachable named copied post"
plan $(( $(echo $RUNS | wc -w) * 3 + 9 ))

if ! command -v xmllint >/dev/null 2>&1; then
  for i in $(seq 1 $(( $(echo $RUNS | wc -w) * 3 + 9 ))); do echo "not ok $i - # missing tool: xmllint"; done
  exit 1
fi

R="$TMP/r"
# IFMATCH_HOME and the other IFMATCH_* options must not come from the caller.
unset IFMATCH_HOME IFMATCH_TARGET IFMATCH_URL IFMATCH_FILTER IFMATCH_REPORT_NAME IFMATCH_PROFILE

"$IFMATCH" run -q --junit "$R-pass.xml" --json "$R-pass.json" >"$R-pass.out" 2>&1
echo $? >"$R-pass.rc"

start_server FLAWED --flaw weak-compare || exit 1
"$IFMATCH" run -q --url "$FLAWED" --junit "$R-fail.xml" --json "$R-fail.json" >"$R-fail.out" 2>&1
echo $? >"$R-fail.rc"

# waive every case that failed
/usr/bin/python3 -c '
import json, sys
ids = [r["case_id"] for r in json.load(open(sys.argv[1]))["results"] if r["verdict"] == "FAIL"]
print("waivers:")
for i in ids:
    print("  - case: %s\n    reason: \"weak comparison, vendor bug <#7> & \\\"co\\\"\"" % i)
' "$R-fail.json" >"$TMP/waivers.yaml"
"$IFMATCH" run -q --url "$FLAWED" --waivers "$TMP/waivers.yaml" --junit "$R-waived.xml" \
  >"$R-waived.out" 2>&1
echo $? >"$R-waived.rc"

"$IFMATCH" run -q --url http://127.0.0.1:9 --timeout 2 --junit "$R-unreachable.xml" >"$R-unreachable.out" 2>&1
echo $? >"$R-unreachable.rc"

# absolute case paths, run from a directory outside the checkout
mkdir -p "$TMP/elsewhere"
(cd "$TMP/elsewhere" && "$IFMATCH" run -q --report-name 'ci/nightly' --junit "$R-named.xml" \
   "$SRC/cases/core" "$SRC/cases/lists") >"$R-named.out" 2>&1
echo $? >"$R-named.rc"

mkdir -p "$TMP/mysuite"
cp -r "$SRC/cases/core" "$TMP/mysuite/"
(cd "$TMP/elsewhere" && "$IFMATCH" run -q --junit "$R-copied.xml" "$TMP/mysuite/core") >"$R-copied.out" 2>&1
echo $? >"$R-copied.rc"

start_server POST || exit 1
"$IFMATCH" run -q --target "$SRC/targets/reference-post-create.yaml" --url "$POST" \
  --junit "$R-post.xml" >"$R-post.out" 2>&1
echo $? >"$R-post.rc"

want_rc() { case $1 in fail) echo 1 ;; unreachable) echo 3 ;; *) echo 0 ;; esac; }
# attr FILE ELEMENT ATTRIBUTE: every value of that attribute on that element
attr() { grep -o "<$2 [^>]*" "$1" | grep -o " $3=\"[^\"]*\"" | sed "s/^ $3=\"//; s/\"\$//"; }
# no absolute path, no path of this machine, in any name of the report
names_portable() {
  local f=$1 bad
  bad=$( { attr "$f" testcase classname; attr "$f" testsuite name; attr "$f" testsuite file; } |
         grep -e '^[./]' -e "$SRC" -e "$(tr / . <<<"$SRC")" -e "$TMP" -e "$(tr / . <<<"$TMP")" )
  [ -z "$bad" ] || { echo "machine-dependent names in $f:"; echo "$bad" | head; return 1; }
}
for run in $RUNS; do
  check "$run: exit $(want_rc $run)" test "$(cat "$R-$run.rc")" = "$(want_rc $run)"
  check "$run: xmllint --schema junit-10.xsd accepts the JUnit report" \
    xmllint --noout --schema "$XSD" "$R-$run.xml"
  check "$run: no classname, suite name or file= depends on the machine" names_portable "$R-$run.xml"
done

has() { grep -qF -- "$2" "$1" || { echo "no '$2' in $1"; return 1; }; }
waived_ok() {
  grep -q '<failure message=' "$R-fail.xml" || { echo "no <failure> in the fail report"; return 1; }
  ! grep -q '<failure ' "$R-waived.xml" || { echo "a <failure> in the waived report"; return 1; }
  has "$R-waived.xml" '<skipped type="waived" message="waived: weak comparison, vendor bug &lt;#7&gt; &amp; &quot;co&quot;"/>' &&
    has "$R-waived.xml" 'waived: weak comparison, vendor bug &lt;#7&gt; &amp; &quot;co&quot;'$'\n''expected: '
}
check "fail: a <failure> per FAIL; waived: <skipped type=waived>, reason and evidence in <system-out>" waived_ok
check "unreachable: one testcase in error, NOT TESTED" \
  has "$R-unreachable.xml" '<error message="the target http://127.0.0.1:9 does not answer'
relative_ok() {   # FILE PREFIX: classnames cases.core..., file= cases/core/..., suites PREFIX/cases/...
  has "$1" 'classname="cases.core.' && has "$1" ' file="cases/core/' || return 1
  if attr "$1" testsuite name | grep -v "^$2/cases/"; then echo "suite names not under $2/cases/"; return 1; fi
}
check "pass: classnames, file= and suite names relative to the checkout, led by the target's name" \
  relative_ok "$R-pass.xml" reference
check "named: absolute paths into cases/ from another directory name the same; --report-name leads" \
  bash -c "$(declare -f has attr relative_ok); relative_ok '$R-named.xml' ci/nightly &&
           has '$R-named.xml' '<testsuites name=\"ci/nightly\" '"
check "copied: named relative to the directory that holds them (core...)" \
  bash -c "grep -q 'classname=\"core\.' '$R-copied.xml' && grep -q ' file=\"core/' '$R-copied.xml'"
# merging: the suites of the reference run and of another target share no name
disjoint() {
  local common
  common=$(comm -12 <(attr "$1" testsuite name | sort -u) <(attr "$2" testsuite name | sort -u))
  [ -z "$common" ] || { echo "suite names in both $1 and $2:"; echo "$common" | head; return 1; }
  [ "$(attr "$1" testsuite name | grep -c .)" -gt 1 ] || { echo "no suites in $1"; return 1; }
}
check "pass (target reference) and post (target reference-post-create) share no suite name" \
  disjoint "$R-pass.xml" "$R-post.xml"

samples_valid() {
  local f n=0
  mkdir -p "$TMP/samples"
  IFM_REPORT_OUT="$TMP/samples" "${IFM_BUILD_DIR:-build}/tests/report_writers_test" test_write_samples >/dev/null ||
    { echo "report_writers_test failed"; return 1; }
  for f in "$TMP/samples"/*.xml; do
    xmllint --noout --schema "$XSD" "$f" 2>&1 | grep -v ' validates$' && return 1
    n=$((n + 1))
  done
  [ $n -ge 3 ] || { echo "only $n sample reports"; return 1; }
}
check "report_writers_test's sample, empty and random JUnit reports are valid too" samples_valid

# the schema refuses what the old writer wrote
cat >"$TMP/props.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="x"><testsuite name="s" tests="1" failures="0" errors="0">
<testcase name="c"><properties><property name="a" value="b"/></properties></testcase>
</testsuite></testsuites>
EOF
sed -e 's/<testsuites name="x">/<testsuites name="x" skipped="0">/' \
    -e 's|<properties><property name="a" value="b"/></properties>||' "$TMP/props.xml" >"$TMP/skipped.xml"
check "the schema refuses <properties> in a <testcase>" \
  bash -c "! xmllint --noout --schema '$XSD' '$TMP/props.xml'"
check "the schema refuses skipped= on <testsuites>" \
  bash -c "! xmllint --noout --schema '$XSD' '$TMP/skipped.xml'"
finish
