#!/usr/bin/env bash
# report_validate_test.sh: feeds the reports that tests/report_writers_test writes
# (IFM_REPORT_OUT) to the real consumers of each format, so "well-formed" is
# decided by the parsers CI systems use and not by our own test code:
#
#   TAP 14  prove, Perl's TAP::Parser (YAMLish), python3-tap (tap.parser) and
#           PyYAML for the diagnostic blocks
#   JUnit   xmllint --noout, python3-junitparser (counts as CI would see them)
#   JSON    python3 -m json.tool, and the documented keys of format version 1
#   HTML    xmllint --html --noout, and xmllint --noout (the markup is polyglot)
#
# The files: sample.* (every verdict, NUL, controls, invalid UTF-8, "]]>"),
# empty.* (no results) and random-NN.* (seeded random bytes everywhere). The
# JSON of each is the reference the other formats are checked against; the
# YAML blocks must decode to exactly the strings the JSON holds.
#
# Output is TAP. A missing tool is "not ok ... # missing tool" (CI installs
# python3-tap, python3-junitparser and libxml2-utils).
set -u

BUILD_DIR=${IFM_BUILD_DIR:-$(pwd)}
SOURCE_DIR=${IFM_SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
N=0
FAILED=0

ok() { N=$((N + 1)); echo "ok $N - $1"; }
not_ok() { N=$((N + 1)); echo "not ok $N - $1"; FAILED=1; }
missing() { N=$((N + 1)); echo "not ok $N - $1 # missing tool: $2"; FAILED=1; }
# check DESCRIPTION COMMAND...: one test point; the output of a failure as diagnostics.
check() {
  local desc=$1
  shift
  if "$@" >"$OUT/log" 2>&1; then ok "$desc"; else not_ok "$desc"; sed 's/^/# /' "$OUT/log"; fi
}

# The first python3 that has the modules (python3-tap etc. are Debian packages,
# so a pyenv or venv python3 earlier in PATH may not see them).
PY=
for p in python3 /usr/bin/python3; do
  if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import tap.parser, junitparser' 2>/dev/null; then
    PY=$p
    break
  fi
done
[ -n "$PY" ] || for p in python3 /usr/bin/python3; do
  command -v "$p" >/dev/null 2>&1 && { PY_PLAIN=$p; break; }
done
PY_PLAIN=${PY_PLAIN:-$PY}

echo "TAP version 13"
SAMPLES="$OUT/reports"
mkdir -p "$SAMPLES"
check "report_writers_test writes the sample reports" \
  env IFM_REPORT_OUT="$SAMPLES" "$BUILD_DIR/tests/report_writers_test" test_write_samples
check "sample, empty and random reports exist in every format" \
  test -s "$SAMPLES/sample.tap" -a -s "$SAMPLES/sample.xml" -a -s "$SAMPLES/sample.json" \
       -a -s "$SAMPLES/sample.html" -a -s "$SAMPLES/empty.tap" -a -s "$SAMPLES/random-19.html"

# ---- JSON first: it is the reference for the rest ----------------------------
json_tool() {
  local f
  for f in "$SAMPLES"/*.json; do
    "$PY_PLAIN" -m json.tool "$f" >/dev/null || { echo "json.tool rejects $f"; return 1; }
  done
}
if [ -n "$PY_PLAIN" ]; then
  check "python3 -m json.tool accepts every JSON report" json_tool
else
  missing "python3 -m json.tool accepts every JSON report" python3
fi

# ---- TAP: prove and Perl's TAP::Parser ---------------------------------------
# Test::Harness 3.44 (Debian 12) knows TAP up to version 13: for a stream that
# says "TAP version 14" it reports "TAP specified version 14 but we don't know
# about versions later than 13" and parses on with the version 13 grammar,
# which TAP 14 extends compatibly. That one complaint is tolerated, and only
# for a stream that declares version 14; any other parse error is a failure.
V14='TAP specified version 14 but we don'"'"'t know about versions later than 13'
tolerated() { if [ "$(head -n 1 "$1")" = "TAP version 14" ]; then echo "$V14"; else echo "(none)"; fi; }
tap_prove() {
  local f n out bad=0
  for f in "$SAMPLES"/*.tap; do
    # a report with no results is one failing "NOT TESTED" point
    n=$("$PY_PLAIN" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["results"]) or 1)' \
        "${f%.tap}.json")
    out=$(prove -e cat "$f" 2>&1)
    if ! grep -q "Files=1, Tests=$n," <<<"$out"; then
      echo "prove did not count $n tests in $f:"; echo "$out"; bad=1
    fi
    if grep "Parse errors:" <<<"$out" | grep -vqF "$(tolerated "$f")"; then
      echo "prove parse errors in $f:"; echo "$out"; bad=1
    fi
  done
  return $bad
}
tap_perl() {
  local f
  for f in "$SAMPLES"/*.tap; do
    perl -MTAP::Parser -e '
      my ($file, $v14) = @ARGV;
      open my $fh, "<:raw", $file or die "$file: $!";
      my $tap = do { local $/; <$fh> };
      my $p = TAP::Parser->new({ tap => $tap });
      my ($tests, $yaml) = (0, 0);
      while (my $r = $p->next) { $tests++ if $r->is_test; $yaml++ if $r->is_yaml; }
      my @errors = grep { $_ ne $v14 } $p->parse_errors;
      die "$file: @errors\n" if @errors;
      die "$file: planned ", $p->tests_planned, ", ran $tests\n"
        if defined $p->tests_planned && $p->tests_planned != $tests;
      # YAML blocks follow "not ok" points only (FAIL, waived FAIL, ERROR):
      # tap-spec crashes on one after an "ok" (reports/README.md, TAP)
      die "$file: $yaml YAML blocks read, not 3\n" if $file =~ /sample\.tap$/ && $yaml != 3;
    ' "$f" "$(tolerated "$f")" || return 1
  done
}
if command -v prove >/dev/null 2>&1 && [ -n "$PY_PLAIN" ]; then
  check "prove parses every TAP report and counts its test points" tap_prove
  check "TAP::Parser reads every test point and YAMLish block" tap_perl
else
  missing "prove parses every TAP report and counts its test points" prove
  missing "TAP::Parser reads every test point and YAMLish block" perl
fi

# ---- TAP, JUnit and JSON in Python ---------------------------------------------
PYCHECK="$OUT/check.py"
cat >"$PYCHECK" <<'EOF'
"""Checks the TAP, JUnit and JSON reports in a directory against each other."""
import glob, json, os, sys

ROOT_KEYS = ["format", "version", "tool_version", "target", "profile", "started_at",
             "duration_ms", "interrupted", "conformant", "verdict", "not_tested", "counts",
             "baseline", "results"]
RESULT_KEYS = ["case_id", "requirement", "title", "spec", "file", "level", "verdict",
               "message", "expected", "got", "failed_step", "failed_round", "waived", "waiver_reason",
               "duration_ms", "exchanges_omitted", "exchanges"]
EXCHANGE_KEYS = ["step", "client", "round", "named", "method", "url", "request", "response",
                 "error", "timings"]
VERDICTS = ["PASS", "FAIL", "WARN", "INFO", "SKIP", "ERROR"]
errors = []

def fail(msg):
    errors.append(msg)

def reports(d):
    for path in sorted(glob.glob(os.path.join(d, "*.json"))):
        with open(path, encoding="utf-8") as f:
            yield path[:-5], json.load(f)

def check_json(d):
    for base, rep in reports(d):
        if list(rep) != ROOT_KEYS:
            fail("%s.json: keys %s" % (base, list(rep)))
        if rep["format"] != "ifmatch-report" or rep["version"] != 1:
            fail("%s.json: format/version %r %r" % (base, rep["format"], rep["version"]))
        if list(rep["counts"]) != VERDICTS:
            fail("%s.json: counts %s" % (base, rep["counts"]))
        for v in VERDICTS:
            if rep["counts"][v] != sum(r["verdict"] == v for r in rep["results"]):
                fail("%s.json: count of %s" % (base, v))
        fault = any((r["verdict"] == "FAIL" and not r["waived"]) or
                    (not rep["interrupted"] and (r["verdict"] not in VERDICTS or r["verdict"] == "ERROR"))
                    for r in rep["results"])
        conformant = not rep["interrupted"] and rep["not_tested"] is None and bool(rep["results"]) and not fault
        if rep["conformant"] != conformant:
            fail("%s.json: conformant is %r" % (base, rep["conformant"]))
        # nothing judged (or cut short before any fault) is NOT TESTED, never green
        nt = rep["not_tested"] is not None or not rep["results"] or (rep["interrupted"] and not fault)
        want = "NOT TESTED" if nt else "CONFORMANT" if conformant else "NOT CONFORMANT"
        if rep["verdict"] != want:
            fail("%s.json: verdict %r, expected %r" % (base, rep["verdict"], want))
        for r in rep["results"]:
            if list(r) != RESULT_KEYS:
                fail("%s.json: result keys %s" % (base, list(r)))
            for x in r["exchanges"]:
                if list(x) != EXCHANGE_KEYS:
                    fail("%s.json: exchange keys %s" % (base, list(x)))
                if list(x["timings"]) != ["start", "release", "first_byte", "done"]:
                    fail("%s.json: timing keys" % base)
                for side in ("request", "response"):
                    for h in x[side]["headers"]:
                        if not (isinstance(h, list) and (len(h) == 2 or
                                (len(h) == 3 and isinstance(h[2], int) and h[2] > len(h[1])))):
                            fail("%s.json: header %r" % (base, h))

def same(base, what, yaml_value, json_value):
    if yaml_value != json_value:
        fail("%s: YAML %s %r != JSON %r" % (base, what, yaml_value, json_value))

def same_cut(base, what, mapping, key, json_value):
    """The TAP writer keeps the first 4096 bytes of a long string and then
    says KEY_total: the YAML string must then be a proper prefix of the JSON."""
    y = mapping.get(key)
    cut = y != json_value if key == "body" else key + "_total" in mapping
    if cut:
        if not (isinstance(y, str) and isinstance(json_value, str)
                and json_value.startswith(y) and len(y) < len(json_value)
                and len(json_value) > 1024):
            fail("%s: YAML %s %r is not a cut of JSON %r" % (base, what, y, json_value))
    else:
        same(base, what, y, json_value)

def check_yaml_block(base, block, r):
    for key in ("verdict", "requirement", "spec", "level", "file", "message",
                "expected", "got", "waived", "waiver_reason"):
        same_cut(base, key, block, key, r[key])
    same(base, "failed_step", block.get("failed_step") or None, r["failed_step"])
    same(base, "failed_round", block.get("failed_round"), r["failed_round"])
    xs = block.get("exchanges") or []
    same(base, "exchange count", len(xs), len(r["exchanges"]))
    for y, j in zip(xs, r["exchanges"]):
        for key in ("step", "client", "round", "method", "url", "error"):
            same_cut(base, key, y, key, j[key])
        same(base, "named", y.get("named", False), j["named"])
        for side in ("request", "response"):
            yh, jh = y[side]["headers"], j[side]["headers"]
            same(base, side + " header count", len(yh), len(jh))
            for h, jf in zip(yh, jh):
                same_cut(base, side + " header name", h, "name", jf[0])
                same_cut(base, side + " header value", h, "value", jf[1])
                same(base, side + " header's whole length", h.get("value_whole_length"),
                     jf[2] if len(jf) > 2 else None)
            same_cut(base, side + " body", y[side], "body", j[side]["body"])
            same(base, side + " body_total", y[side]["body_total"], j[side]["body_total"])
        same(base, "status", y["response"]["status"], j["response"]["status"])

def check_tap(d):
    from tap.parser import Parser
    try:
        import yaml, more_itertools  # noqa: F401  (tap.parser reads YAML only with both)
        have_yaml = True
    except ImportError:
        have_yaml = False
        print("# PyYAML or more_itertools missing: YAML blocks not decoded")
    for base, rep in reports(d):
        with open(base + ".tap", encoding="utf-8") as f:
            lines = list(Parser().parse_text(f.read()))
        tests = [l for l in lines if l.category == "test"]
        bails = [l for l in lines if l.category == "bail"]
        plans = [l for l in lines if l.category == "plan"]
        results = rep["results"]
        if not results:
            # nothing judged: one failing point that says NOT TESTED, which every
            # consumer reads as a failure (never "1..0 # SKIP")
            if len(plans) != 1 or plans[0].expected_tests != 1 or len(tests) != 1 or tests[0].ok \
                    or "NOT TESTED" not in tests[0].description:
                fail("%s.tap: a run with no results is not one failing NOT TESTED point" % base)
            continue
        if len(bails) != (1 if rep["interrupted"] or rep["not_tested"] else 0):
            fail("%s.tap: %d bail-outs" % (base, len(bails)))
        if len(plans) != 1 or plans[0].expected_tests != len(results):
            fail("%s.tap: plan %r" % (base, [p.expected_tests for p in plans]))
        if len(tests) != len(results):
            fail("%s.tap: %d test points, %d results" % (base, len(tests), len(results)))
        for i, (t, r) in enumerate(zip(tests, results)):
            want_ok = r["verdict"] in ("PASS", "WARN", "INFO", "SKIP")
            if t.ok != want_ok or int(t.number) != i + 1:
                fail("%s.tap: point %d is %s %s" % (base, i + 1, t.ok, t.number))
            if t.ok and t.yaml_block is not None:
                fail("%s.tap: point %d is ok and has a YAML block" % (base, i + 1))
            if have_yaml and not want_ok:
                block = t.yaml_block
                if not isinstance(block, dict):
                    fail("%s.tap: point %d: YAML block not read" % (base, i + 1))
                else:
                    check_yaml_block("%s.tap point %d" % (base, i + 1), block, r)
        if os.path.basename(base) == "sample":
            if not (tests[2].skip and tests[4].todo and not tests[4].ok):
                fail("sample.tap: SKIP on 3 / TODO on 5 not seen")

def check_junit(d):
    from junitparser import JUnitXml
    for base, rep in reports(d):
        xml = JUnitXml.fromfile(base + ".xml")
        rs = rep["results"]
        want = {
            "tests": len(rs),
            "failures": sum(r["verdict"] == "FAIL" and not r["waived"] for r in rs),
            "errors": sum(r["verdict"] == "ERROR" for r in rs),
            "skipped": sum(r["verdict"] == "SKIP" or (r["verdict"] == "FAIL" and r["waived"])
                           for r in rs),
        }
        if not rs:          # nothing judged: one testcase in error, never an empty suite
            want = {"tests": 1, "failures": 0, "errors": 1, "skipped": 0}
        got = {k: getattr(xml, k) for k in want}
        if got != want:
            fail("%s.xml: testsuites counts %s, want %s" % (base, got, want))
        cases = 0
        for suite in xml:
            attrs = {k: getattr(suite, k) for k in want}
            suite.update_statistics()       # recount from the testcase elements
            recount = {k: getattr(suite, k) for k in want}
            if attrs != recount:
                fail("%s.xml: suite %r says %s, holds %s" % (base, suite.name, attrs, recount))
            cases += len(list(suite))
        if cases != (len(rs) or 1):
            fail("%s.xml: %d testcases, %d results" % (base, cases, len(rs)))
        if os.path.basename(base) == "sample":
            names = [s.name for s in xml]
            if names != ["cases/basic.yaml", "cases/stale.yaml", "cases/list.yaml", "ifmatch",
                         "cases/bytes.yaml"]:
                fail("sample.xml: suites %s" % names)

{"json": check_json, "tap": check_tap, "junit": check_junit}[sys.argv[1]](sys.argv[2])
for e in errors:
    print(e)
sys.exit(1 if errors else 0)
EOF

if [ -n "$PY_PLAIN" ]; then
  check "JSON reports have format, version 1, every documented key, true counts" \
    "$PY_PLAIN" "$PYCHECK" json "$SAMPLES"
else
  missing "JSON reports have format, version 1, every documented key, true counts" python3
fi
if [ -n "$PY" ]; then
  check "python3-tap: no bail-out, one point per case, YAML equals the JSON" \
    "$PY" "$PYCHECK" tap "$SAMPLES"
  check "python3-junitparser loads every JUnit report with the right counts" \
    "$PY" "$PYCHECK" junit "$SAMPLES"
else
  missing "python3-tap: no bail-out, one point per case, YAML equals the JSON" python3-tap
  missing "python3-junitparser loads every JUnit report with the right counts" python3-junitparser
fi

# ---- xmllint ------------------------------------------------------------------------
# libxml2 2.9's HTML parser is HTML 4: it reports the HTML5 elements the
# report uses (<details>, <summary>, the sectioning ones, <figure>, <output>)
# and inline SVG's as "Tag ... invalid". Those are expected; nothing else is.
html_lint() {
  local f out
  for f in "$SAMPLES"/*.html; do
    out=$(xmllint --html --noout "$f" 2>&1) || { echo "$out"; return 1; }
    if grep -E ': HTML parser (error|warning) :|: parser (error|warning) :' <<<"$out" |
       grep -vqE 'HTML parser error : Tag (details|summary|header|nav|main|section|article|figure|figcaption|output|svg|g|rect|line|circle|text) invalid$'; then
      echo "$f:"; echo "$out"; return 1
    fi
  done
}
xml_lint() {
  local f
  for f in "$@"; do
    xmllint --noout "$f" 2>&1 | grep . && return 1
    xmllint --noout "$f" >/dev/null 2>&1 || return 1
  done
  return 0
}
if command -v xmllint >/dev/null 2>&1; then
  check "xmllint --noout: every JUnit report is well-formed XML 1.0" xml_lint "$SAMPLES"/*.xml
  check "xmllint --html --noout: every HTML report parses cleanly" html_lint
  check "xmllint --noout: every HTML report is also well-formed XML" xml_lint "$SAMPLES"/*.html
else
  missing "xmllint --noout: every JUnit report is well-formed XML 1.0" xmllint
  missing "xmllint --html --noout: every HTML report parses cleanly" xmllint
  missing "xmllint --noout: every HTML report is also well-formed XML" xmllint
fi

echo "1..$N"
exit $FAILED
