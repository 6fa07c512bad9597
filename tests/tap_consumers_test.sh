#!/usr/bin/env bash
# tap_consumers_test.sh: the TAP report read by the consumers CI users have
# (issue 15, "never a false green"): prove (Perl), tappy (python3-tap),
# tap-parser, tap-spec and tap-mocha-reporter (npm, in tests/npm). Three real
# runs against `ifmatch serve`:
#   clean   the whole suite, clean server              CONFORMANT, SKIPs
#   warn    IM-412-SHAPE*, --flaw ignore-on-delete      CONFORMANT with a WARN
#   fail    the whole suite, --flaw list-first          NOT CONFORMANT, FAILs,
#                                                       a WARN after them
# For each consumer: clean and warn read as passing and fail as failing (exit
# status and the consumer's own counts); every point is counted (none stops
# early: tap-spec used to stop at a YAML block after an "ok"); the failures
# are exactly the FAILs (a WARN is no failure); each FAIL shows its reason
# (its message everywhere; also wanted/found/at where the consumer shows the
# YAML diagnostics); each WARN point shows "[WARN]" and its message. The
# JSON report of the same run is what the outputs are checked against.
# prove and tappy list passing points only with -v, so they run with -v.
# A consumer that is not installed is a SKIP (tests/npm: npm ci there).
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3                  # Debian's, with python3-tap
NPM_BIN="$SRC/tests/npm/node_modules/.bin"
CONSUMERS="prove tappy tap-parser tap-spec tap-mocha-reporter"
RUNS="clean warn fail"
CHECKS="clean-pass warn-pass warn-shown fail-fail fail-reason fail-warn"
plan $(( 3 + $(echo $CONSUMERS | wc -w) * $(echo $CHECKS | wc -w) ))

R="$TMP/r"
start_server CLEAN || exit 1
start_server DEL --flaw ignore-on-delete || exit 1
start_server LIST --flaw list-first || exit 1
run() {   # run NAME URL [options]: the TAP and JSON reports of one run, and its exit status
  local name=$1 url=$2
  shift 2
  "$IFMATCH" run -q --url "$url" "$@" --tap "$R-$name.tap" --json "$R-$name.json" >"$R-$name.out" 2>&1
  echo $? >"$R-$name.rc"
}
run clean "$CLEAN"
run warn "$DEL" --filter 'IM-412-SHAPE*'
run fail "$LIST"

verdict_is() {   # verdict_is RUN VERDICT WARNS: the run as this test needs it
  "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
warns = sum(r["verdict"] == "WARN" for r in d["results"])
print("verdict", d["verdict"], "WARNs", warns, "FAILs", d["counts"]["FAIL"])
ok = d["verdict"] == sys.argv[2] and (warns > 0) == (sys.argv[3] == "yes")
sys.exit(0 if ok and d["counts"]["ERROR"] == 0 else 1)' "$R-$1.json" "$2" "$3"
}
check "clean run: CONFORMANT, no WARN (the passing report)" verdict_is clean CONFORMANT no
check "warn run: CONFORMANT with a WARN (the passing report with a WARN)" verdict_is warn CONFORMANT yes
check "fail run: NOT CONFORMANT with a WARN (the failing report)" verdict_is fail "NOT CONFORMANT" yes

# Each consumer on each report: its output (stdout and stderr) and exit status.
have() {   # have CONSUMER: true when it can run here; else says why
  case $1 in
    prove) command -v prove >/dev/null || { echo "prove not installed"; return 1; } ;;
    tappy) "$PY" -c 'import tap.main' 2>/dev/null || { echo "python3-tap not installed"; return 1; } ;;
    *) command -v node >/dev/null || { echo "node not installed"; return 1; }
       [ -x "$NPM_BIN/$1" ] || { echo "$1 not installed (npm ci in tests/npm)"; return 1; } ;;
  esac
}
consume() {   # consume CONSUMER TAPFILE
  case $1 in
    prove) prove -v -e cat "$2" ;;
    tappy) "$PY" -c 'import sys; from tap.main import main; sys.exit(main(sys.argv))' -v "$2" ;;
    tap-parser) "$NPM_BIN/tap-parser" -j 0 <"$2" ;;
    tap-spec) "$NPM_BIN/tap-spec" <"$2" ;;
    tap-mocha-reporter) "$NPM_BIN/tap-mocha-reporter" spec <"$2" ;;
  esac
}

JUDGE="$TMP/judge.py"
cat >"$JUDGE" <<'EOF'
"""judge.py CONSUMER CHECK OUT RC JSON: one check of a consumer's reading of
a report (see tap_consumers_test.sh), against the run's JSON report."""
import json, re, sys

consumer, what, out_file, rc, json_file = sys.argv[1:6]
rc = int(rc)
out = re.sub(r"\x1b\[[0-9;]*m", "", open(out_file, encoding="utf-8", errors="replace").read())
results = json.load(open(json_file))["results"]
n = len(results)
fails = [r for r in results if r["verdict"] == "FAIL" and not r["waived"]]
warns = [r for r in results if r["verdict"] == "WARN"]
skips = sum(r["verdict"] == "SKIP" for r in results)
problems = []

def need(cond, msg):
    if not cond:
        problems.append(msg)

def plain(s):
    """Text that every consumer shows as it is (no TAP escape, no
    non-ASCII that a terminal may render otherwise)."""
    return s is not None and all(32 <= ord(c) < 127 and c not in "#\\" for c in s)

def at_tail(r):
    """How the "at" of a failure ends (its file is relative to the suite)."""
    return ", case %s" % r["case_id"] + (", step %d" % r["failed_step"] if r["failed_step"] else "")

def counts():
    """(total counted, failures counted) as the consumer says them."""
    if consumer == "prove":
        t = re.search(r"Files=1, Tests=(\d+),", out)
        f = re.search(r"Tests: \d+ Failed: (\d+)\)", out)
        return (int(t.group(1)) if t else None, int(f.group(1)) if f else 0)
    if consumer == "tappy":
        t = re.search(r"^Ran (\d+) tests?", out, re.M)
        f = re.search(r"failures=(\d+)", out)
        return (int(t.group(1)) if t else None, int(f.group(1)) if f else 0)
    if consumer == "tap-parser":
        c = complete()
        return (c["count"], c["fail"]) if c else (None, None)
    if consumer == "tap-spec":
        t = re.search(r"^\s*total:\s+(\d+)$", out, re.M)
        f = re.search(r"^\s*failing:\s+(\d+)$", out, re.M)
        return (int(t.group(1)) if t else None, int(f.group(1)) if f else 0)
    if consumer == "tap-mocha-reporter":
        got = {k: int(v) for v, k in re.findall(r"^\s*(\d+) (passing|pending|failing)\b", out, re.M)}
        return (sum(got.values()) if "passing" in got else None, got.get("failing", 0))

def events():
    try:
        return json.loads(out[out.index("["):out.rindex("]") + 1])
    except ValueError:
        return []

def complete():
    for e in events():
        if e[0] == "complete":
            return e[1]
    return None

def asserts():
    return [e[1] for e in events() if e[0] == "assert"]

def shows_warn(r):
    """The WARN point's line: "[WARN] ID" and its message, read as a pass."""
    if consumer == "tap-parser":
        a = [a for a in asserts() if a["name"].startswith("[WARN] %s:" % r["case_id"])]
        need(a and a[0]["ok"] and not a[0].get("skip") and not a[0].get("todo"),
             "no passing assert named [WARN] %s" % r["case_id"])
        if a and plain(r["message"]):
            need(r["message"] in a[0]["name"], "the message of %s is not in its name" % r["case_id"])
        return
    mark = {"prove": r"ok \d+ - ", "tappy": r"- ", "tap-spec": "\u2714 ",
            "tap-mocha-reporter": "\u2713 "}[consumer]
    line = re.search(r"^\s*%s\[WARN\] %s: .*$" % (mark, re.escape(r["case_id"])), out, re.M)
    need(line, "no passing line with [WARN] %s" % r["case_id"])
    if line and consumer == "tappy":
        need(line.group(0).endswith(" ... ok"), "tappy: not ok: " + line.group(0))
    if line and plain(r["message"]):
        need(r["message"] in line.group(0), "the message of %s is not on its line" % r["case_id"])

def shows_reason(r):
    """A failure's reason: its message everywhere, and wanted, found and at
    where the consumer shows the YAML diagnostics."""
    if plain(r["message"]):
        need(r["message"] in out, "the message of %s is not shown" % r["case_id"])
    where_re = re.escape(at_tail(r))
    if consumer == "tap-parser":
        a = [a for a in asserts() if a["name"].startswith(r["case_id"] + ":")]
        d = (a[0].get("diag") or {}) if a else {}
        need(a and not a[0]["ok"], "no failing assert for %s" % r["case_id"])
        need(d.get("message") == r["message"] and d.get("severity") == "fail",
             "%s: diag message/severity %r %r" % (r["case_id"], d.get("message"), d.get("severity")))
        need(d.get("wanted") == r["expected"] and d.get("found") == r["got"],
             "%s: diag wanted/found %r %r" % (r["case_id"], d.get("wanted"), d.get("found")))
        need(isinstance(d.get("at"), str) and re.search(where_re + "$", d["at"]),
             "%s: diag at %r" % (r["case_id"], d.get("at")))
    elif consumer == "tap-mocha-reporter":
        # the failure's title (with the message), the diff of wanted and found, at
        if plain(r["expected"]) and plain(r["got"]):
            need(re.search(r"^\s*\+%s$" % re.escape(r["expected"]), out, re.M) and
                 re.search(r"^\s*-%s$" % re.escape(r["got"]), out, re.M),
                 "%s: no diff of wanted and found" % r["case_id"])
        need(re.search(r"^\s*at .*%s$" % where_re, out, re.M), "%s: no 'at ...'" % r["case_id"])
    elif consumer in ("tap-spec", "prove"):
        # both show the YAML block as it is
        for key, value in (("message", r["message"]), ("wanted", r["expected"]), ("found", r["got"])):
            if plain(value):
                need(re.search(r'^\s*%s: "%s"$' % (key, re.escape(value)), out, re.M),
                     "%s: no %s line" % (r["case_id"], key))
        need(re.search(r'^\s*at: ".*%s"$' % where_re, out, re.M), "%s: no at line" % r["case_id"])

total, failed = counts()
if what in ("clean-pass", "warn-pass"):
    need(rc == 0, "exit status %d, not 0" % rc)
    need(total == n, "counted %r points of %d" % (total, n))
    need(failed == 0, "counted %r failures" % failed)
elif what == "warn-shown" or what == "fail-warn":
    need(warns, "the run has no WARN")
    for r in warns:
        shows_warn(r)
elif what == "fail-fail":
    need(rc != 0, "exit status 0: the failing run reads as passing")
    need(total == n, "counted %r points of %d (stopped early?)" % (total, n))
    need(failed == len(fails), "counted %r failures, the run has %d FAILs" % (failed, len(fails)))
elif what == "fail-reason":
    need(fails and any(plain(r["message"]) for r in fails), "no FAIL with a plain message to look for")
    for r in fails:
        shows_reason(r)
need("TypeError" not in out and "Cannot read prop" not in out, "the consumer crashed")
for p in problems[:20]:
    print(p)
sys.exit(1 if problems else 0)
EOF

desc() {   # desc CONSUMER CHECK
  case $2 in
    clean-pass) echo "$1: the clean run reads as passing, every point counted" ;;
    warn-pass) echo "$1: the run with a WARN reads as passing, every point counted" ;;
    warn-shown) echo "$1: the WARN point shows [WARN] and its message, as a pass" ;;
    fail-fail) echo "$1: the failing run reads as failing, every point counted, the FAILs and only they failures" ;;
    fail-reason) echo "$1: each failure's reason is shown (message; wanted, found, at where diagnostics are shown)" ;;
    fail-warn) echo "$1: the WARN among the failures shows [WARN] and its message, as a pass" ;;
  esac
}
for c in $CONSUMERS; do
  if ! why=$(have "$c"); then
    for k in $CHECKS; do _n=$((_n + 1)); echo "ok $_n - $(desc "$c" "$k") # SKIP $why"; done
    continue
  fi
  for run in $RUNS; do
    consume "$c" "$R-$run.tap" >"$R-$run.$c" 2>&1
    echo $? >"$R-$run.$c.rc"
  done
  for k in $CHECKS; do
    run=${k%%-*}
    check "$(desc "$c" "$k")" "$PY" "$JUDGE" "$c" "$k" "$R-$run.$c" "$(cat "$R-$run.$c.rc")" "$R-$run.json"
  done
done
finish
