#!/usr/bin/env bash
# report_schema_test.sh: the JSON reports of real `ifmatch run`s are valid
# against reports/report.schema.json (JSON Schema 2020-12, checked with
# Debian's python3-jsonschema), and the schema refuses what it must (issue 15):
#
#   pass         the embedded reference server                       exit 0
#   fail         a server with a seeded flaw (weak-compare)          exit 1
#   race         --flaw race, the race cases: parallel steps, their
#                clients and rounds                                  exit 1
#   waived       the weak-comparison cases against the same server,
#                fail's FAILs waived (one until a day), and a stale
#                waiver on a case that passes                        exit 0
#   baseline     the race and weak-comparison cases against the race
#                server, --baseline fail's report: some cases newly
#                fail, some newly pass                               exit 1
#   unreachable  --url to a closed port                              exit 3
#   empty        a --filter that matches nothing, --allow-empty      exit 0
#   interrupted  SIGTERM once the first case runs (a slow race server) exit 3
#
# For each: the exit code, the schema accepts the report, what the schema
# cannot say holds (counts add up to the results, ids are unique, the
# baseline's ids are among the results, timings in order), and the report
# says what the run was (verdict, not_tested, waived, baseline...).
# `ifmatch fuzz` writes no JSON report, so it has none to check.
#
# Then the schema must not be vacuous: hand-mutated copies of the reports (a
# wrong run verdict, a missing key, an unknown key, a result with an unknown
# verdict, a FAIL on a SHOULD, a conformant flag that contradicts the
# verdict, an unwaived FAIL in a CONFORMANT run, a bad hash, a local time, a
# password in a URL) are refused, and the consistency check refuses counts
# that do not add up. The last point, a TODO, runs with a password in --url,
# which the runner does not redact yet.
#
# The checks run in one Python process (this script writes it to $TMP/check.py):
# starting Python and the validator for each would double the time.
# Skipped as a whole when /usr/bin/python3 has no jsonschema module.
source "$(dirname "$0")/lib.sh"
# Debian's Python, with python3-jsonschema; -I: no module from the current
# directory or PYTHON* variables (a stray nt.py in /tmp once shadowed the stdlib)
py() { /usr/bin/python3 -I "$@"; }
SCHEMA="$SRC/reports/report.schema.json"
RUNS="pass fail race waived baseline unreachable empty interrupted"
MUTANTS="verdict-value missing-key unknown-key result-verdict fail-on-should conformant-flag
         unwaived-fail-conformant hash-case local-time password-in-url"

if ! py -c 'import jsonschema' 2>/dev/null; then
  echo "TAP version 13"
  echo "1..0 # SKIP /usr/bin/python3 has no jsonschema module (Debian: apt-get install python3-jsonschema)"
  exit 0
fi
plan $(( $(echo $RUNS | wc -w) * 3 + $(echo $MUTANTS | wc -w) + 4 ))

# IFMATCH_* options must not come from the caller.
unset IFMATCH_HOME IFMATCH_TARGET IFMATCH_URL IFMATCH_FILTER IFMATCH_REPORT_NAME IFMATCH_PROFILE \
  IFMATCH_JOBS IFMATCH_TIMEOUT IFMATCH_MAX_TIME

# ---- the checker: schema, consistency, expectations, mutants ----
cat >"$TMP/check.py" <<'EOF'
import json, sys
from jsonschema import validators

def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)

def validator(schema_path):
    schema = load(schema_path)
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    if cls.__name__ != "Draft202012Validator":
        sys.exit("the schema is read as %s, not draft 2020-12" % cls.__name__)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)

def schema_errors(v, doc):
    return ["%s: %s" % ("/".join(map(str, e.absolute_path)) or "(top)", e.message[:300])
            for e in sorted(v.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))]

VERDICTS = ["PASS", "FAIL", "WARN", "INFO", "SKIP", "ERROR"]

def consistency_errors(d):
    """What the writer keeps that JSON Schema cannot say."""
    errs, res = [], d["results"]
    if list(d["counts"]) != VERDICTS:
        errs.append("counts keys %s, not in the order %s" % (list(d["counts"]), VERDICTS))
    for k in VERDICTS:
        n = sum(1 for r in res if r["verdict"] == k)
        if d["counts"].get(k) != n:
            errs.append("counts.%s is %s, the results hold %d" % (k, d["counts"].get(k), n))
    ids = [r["case_id"] for r in res]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        errs.append("case ids more than once: %s" % dup[:5])
    if d["baseline"]:
        failing = {r["case_id"] for r in res if r["verdict"] in ("FAIL", "ERROR") and not r["waived"]}
        passing = {r["case_id"] for r in res if r["verdict"] == "PASS"}
        for i in d["baseline"]["newly_failing"]:
            if i not in failing:
                errs.append("baseline: %s newly failing, but it does not fail now" % i)
        for i in d["baseline"]["newly_passing"]:
            if i not in passing:
                errs.append("baseline: %s newly passing, but it does not pass now" % i)
    for r in res:
        for n, x in enumerate(r["exchanges"]):
            t, at = x["timings"], "%s exchange %d" % (r["case_id"], n)
            for a, b in (("start", "first_byte"), ("first_byte", "done"), ("start", "done"),
                         ("start", "release")):
                if t[a] and t[b] and t[b] < t[a]:
                    errs.append("%s: timings.%s %s before %s %s" % (at, b, t[b], a, t[a]))
    return errs

def cmd_validate(v, path):
    d = load(path)
    errs = schema_errors(v, d)
    errs += ["consistency: " + e for e in consistency_errors(d)] if not errs else []
    for e in errs[:20]:
        print(e)
    return 1 if errs else 0

# expect FILE KEY=VALUE...: facts about the run (values as JSON, or plain strings)
def cmd_expect(v, path, *facts):
    d, bad = load(path), 0
    res = d["results"]
    derived = {
        "n_results": len(res),
        "n_waived_fail": sum(1 for r in res if r["waived"] and r["verdict"] == "FAIL"),
        "n_stale_waiver": sum(1 for r in res if r["waived"] and r["verdict"] == "PASS"),
        "n_parallel": sum(1 for r in res for x in r["exchanges"] if x["client"] >= 0),
        "max_round": max([x["round"] for r in res for x in r["exchanges"]] or [0]),
        "n_newly_failing": len(d["baseline"]["newly_failing"]) if d["baseline"] else None,
        "n_newly_passing": len(d["baseline"]["newly_passing"]) if d["baseline"] else None,
    }
    for fact in facts:
        i = min(p for p in (fact.find("="), fact.find(">")) if p >= 0)
        key, op, want = fact[:i], fact[i], fact[i + 1:]
        got = derived[key] if key in derived else d.get(key)
        try:
            want = json.loads(want)
        except ValueError:
            pass
        ok = (got is not None and got > want) if op == ">" else got == want
        if not ok:
            print("%s: %r, expected %s %r" % (key, got, op, want))
            bad = 1
    return bad

def mutate(d, kind):
    res = d["results"]
    if kind == "verdict-value":
        d["verdict"] = "PASSED"
    elif kind == "missing-key":
        del d["not_tested"]
    elif kind == "unknown-key":
        d["verdicts"] = d["verdict"]
    elif kind == "result-verdict":
        res[0]["verdict"] = "FLAKY"
    elif kind == "fail-on-should":
        r = next(r for r in res if r["verdict"] == "FAIL")
        r["level"] = "SHOULD"
    elif kind == "conformant-flag":
        d["conformant"] = not d["conformant"]
    elif kind == "unwaived-fail-conformant":
        for r in res:
            if r["verdict"] == "FAIL":
                r["waived"], r["waiver_reason"] = False, None
                break
        else:
            raise SystemExit("no FAIL to unwaive")
    elif kind == "hash-case":
        x = next(x for r in res for x in r["exchanges"])
        x["response"]["body_hash"] = x["response"]["body_hash"].upper().replace("0", "A")
    elif kind == "local-time":
        d["started_at"] = d["started_at"].replace("T", " ").rstrip("Z") + "+02:00"
    elif kind == "password-in-url":
        x = next(x for r in res for x in r["exchanges"])
        x["url"] = x["url"].replace("://", "://admin:hunter2@", 1)
    elif kind == "counts":
        d["counts"]["PASS"] += 1
    else:
        raise SystemExit("unknown mutant " + kind)
    return d

# refused FILE KIND: true when the schema (or, for "counts", the
# consistency check) refuses FILE mutated by KIND, and accepts FILE itself.
def cmd_refused(v, path, kind):
    d = load(path)
    if schema_errors(v, d) or consistency_errors(d):
        print("the unmutated report is refused already")
        return 1
    m = mutate(d, kind)
    errs = schema_errors(v, m) + (consistency_errors(m) if kind == "counts" else [])
    if not errs:
        print("mutant %s accepted" % kind)
        return 1
    print("refused: " + errs[0])
    return 0

# check.py SCHEMA JOBS OUTDIR: one process for every check (Python and the
# validator start slowly): each line of JOBS is ID<TAB>COMMAND<TAB>ARGS...;
# OUTDIR/ID.out gets what it printed, OUTDIR/ID.rc its status.
import contextlib, io, traceback
v = validator(sys.argv[1])
cmds = {"validate": cmd_validate, "expect": cmd_expect, "refused": cmd_refused}
for line in open(sys.argv[2], encoding="utf-8"):
    job, cmd, *args = line.rstrip("\n").split("\t")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            rc = cmds[cmd](v, *args)
        except Exception:
            traceback.print_exc(file=out)
            rc = 1
    with open("%s/%s.out" % (sys.argv[3], job), "w", encoding="utf-8") as f:
        f.write(out.getvalue())
    with open("%s/%s.rc" % (sys.argv[3], job), "w") as f:
        f.write("%d\n" % rc)
EOF
# job ID COMMAND ARGS...: a check for check.py; result ID: its outcome, for check()
job() { local IFS=$'\t'; printf '%s\n' "$*" >>"$TMP/jobs"; }
result() {
  [ -f "$TMP/checks/$1.rc" ] || { echo "check.py did not get to $1:"; cat "$TMP/check.err"; return 1; }
  cat "$TMP/checks/$1.out"
  [ "$(cat "$TMP/checks/$1.rc")" = 0 ]
}

# ---- the runs ----
R="$TMP/r"
"$IFMATCH" run -q --json "$R-pass.json" >"$R-pass.out" 2>&1
echo $? >"$R-pass.rc"

start_server WEAK --flaw weak-compare || exit 1
"$IFMATCH" run -q --url "$WEAK" --json "$R-fail.json" >"$R-fail.out" 2>&1
echo $? >"$R-fail.rc"

# a 5 ms window: the race shows even on a loaded machine
start_server RACE --flaw race --race-window-us 5000 || exit 1
"$IFMATCH" run -q --url "$RACE" --filter 'IM-RACE*' --json "$R-race.json" >"$R-race.out" 2>&1
echo $? >"$R-race.rc"

# waive every FAIL of the fail run (the first until a far day), and a
# weak-comparison case that passes there (a stale waiver)
py - "$R-fail.json" >"$TMP/waivers.yaml" <<'EOF'
import json, sys
res = json.load(open(sys.argv[1]))["results"]
fails = [r["case_id"] for r in res if r["verdict"] == "FAIL"]
passing = next(r["case_id"] for r in res
               if r["verdict"] == "PASS" and r["case_id"].startswith("IM-WEAK-NEVER"))
print("waivers:")
for n, i in enumerate(fails):
    print('  - case: %s\n    reason: "weak comparison, vendor bug <#7> & \\"co\\""' % i)
    if n == 0:
        print("    expires: 2999-12-31")
print("  - case: %s\n    reason: fixed since, the waiver is stale" % passing)
EOF
"$IFMATCH" run -q --url "$WEAK" --filter 'IM-WEAK-NEVER*' --waivers "$TMP/waivers.yaml" \
  --json "$R-waived.json" >"$R-waived.out" 2>&1
echo $? >"$R-waived.rc"

"$IFMATCH" run -q --url "$RACE" --filter 'IM-RACE*,IM-WEAK-NEVER*' --baseline "$R-fail.json" \
  --json "$R-baseline.json" >"$R-baseline.out" 2>&1
echo $? >"$R-baseline.rc"

"$IFMATCH" run -q --url http://127.0.0.1:9 --timeout 2 --json "$R-unreachable.json" >"$R-unreachable.out" 2>&1
echo $? >"$R-unreachable.rc"

"$IFMATCH" run -q --filter 'no-such-case-*' --allow-empty --json "$R-empty.json" >"$R-empty.out" 2>&1
echo $? >"$R-empty.rc"

# SIGTERM once the first case's requests arrive (after the preflight): a
# 300 ms window makes each write slow, so the run is still going then
start_server SLOW --flaw race --race-window-us 300000 --arrival-log "$TMP/slow.log" || exit 1
"$IFMATCH" run -q --url "$SLOW" -j 1 --json "$R-interrupted.json" >"$R-interrupted.out" 2>&1 &
pid=$!
for i in $(seq 1 100); do grep -q ' /ifm/[^/]*/IM-' "$TMP/slow.log" 2>/dev/null && break; sleep 0.1; done
kill -TERM $pid
wait $pid
echo $? >"$R-interrupted.rc"

"$IFMATCH" run -q --url "http://u:s3cret@${WEAK#http://}" --filter 'IM-STALE-412*' \
  --json "$R-cred.json" >"$R-cred.out" 2>&1

exit_is() {   # RUN CODE: the run's exit code, and its last words when it is not CODE
  local got
  got=$(cat "$R-$1.rc")
  [ "$got" = "$2" ] && return 0
  echo "exit $got, expected $2"
  tail -5 "$R-$1.out"
  return 1
}
want_rc() { case $1 in fail|race|baseline) echo 1 ;; unreachable|interrupted) echo 3 ;; *) echo 0 ;; esac; }
facts() {   # one KEY=VALUE or KEY>NUMBER a line (check.py expect)
  case $1 in
    pass) printf '%s\n' 'verdict=CONFORMANT' conformant=true interrupted=false not_tested=null baseline=null 'n_results>100' ;;
    fail) printf '%s\n' 'verdict=NOT CONFORMANT' conformant=false not_tested=null n_waived_fail=0 ;;
    race) printf '%s\n' 'verdict=NOT CONFORMANT' 'n_parallel>0' 'max_round>0' ;;
    waived) printf '%s\n' verdict=CONFORMANT conformant=true 'n_waived_fail>0' n_stale_waiver=1 ;;
    baseline) printf '%s\n' 'verdict=NOT CONFORMANT' 'n_newly_failing>0' 'n_newly_passing>0' ;;
    unreachable) printf '%s\n' 'verdict=NOT TESTED' conformant=false interrupted=false n_results=0 ;;
    empty) printf '%s\n' 'verdict=NOT TESTED' 'not_tested=the selection matched no case' n_results=0 ;;
    interrupted) printf '%s\n' interrupted=true conformant=false 'n_results>0' ;;
  esac
}
for run in $RUNS; do
  job "$run-valid" validate "$R-$run.json"
  mapfile -t f < <(facts "$run")
  job "$run-facts" expect "$R-$run.json" "${f[@]}"
done
base_for() {   # the report a mutant starts from: a small one (validating is slow)
  case $1 in
    fail-on-should) echo race ;;
    *) echo waived ;;
  esac
}
for m in $MUTANTS; do job "mutant-$m" refused "$R-$(base_for $m).json" "$m"; done
job mutant-counts refused "$R-waived.json" counts
job cred validate "$R-cred.json"
mkdir -p "$TMP/checks"
py "$TMP/check.py" "$SCHEMA" "$TMP/jobs" "$TMP/checks" 2>"$TMP/check.err"

for run in $RUNS; do
  check "$run: exit $(want_rc $run)" exit_is "$run" "$(want_rc $run)"
  check "$run: the report is JSON, report.schema.json accepts it, its counts, ids and timings agree" \
    result "$run-valid"
  check "$run: the report says what the run was ($(facts "$run" | paste -sd ' '))" result "$run-facts"
done

# ---- the schema is not vacuous ----
for m in $MUTANTS; do
  check "the schema refuses a report with: $m" result "mutant-$m"
done
check "the consistency check refuses counts that do not add up" result mutant-counts
check "the schema is draft 2020-12 and valid against its metaschema" \
  py -c "
import json, sys
from jsonschema import Draft202012Validator as V
s = json.load(open(sys.argv[1]))
V.check_schema(s)
sys.exit(0 if s.get('\$schema') == 'https://json-schema.org/draft/2020-12/schema' else 1)" "$SCHEMA"
check "reports/README.md points to the schema" grep -q 'report.schema.json' "$SRC/reports/README.md"

# A password in --url must not reach the report (README: "never with
# credentials"); today the runner keeps it, so this point is a TODO.
_n=$((_n + 1))
if result cred >"$TMP/cred.check" 2>&1 && ! grep -q s3cret "$R-cred.json"; then
  echo "ok $_n - a password given in --url is redacted in the report"
else
  echo "not ok $_n - a password given in --url is redacted in the report # TODO the runner keeps it in target and every exchange url"
  sed 's/^/# /' "$TMP/cred.check" | head -3
fi
finish
