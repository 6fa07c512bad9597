#!/usr/bin/env python3
"""check.py: compares a JSON report (reports/README.md) with the verdict list
written in a real-server test's header comment, and prints TAP test points.

    python3 check.py REPORT.json TEST_SCRIPT SECTION FIRST_NUMBER

The header's section starts at a line "# == SECTION ==" and ends at the next
"# ==" line or the first line that is not a comment. Inside it, lines that
start with "#   " (three spaces) hold only case ids, after an optional mark
that says what is expected of them (reasons go on "# " lines, one space):

    #   IM-A IM-B        FAIL: true violations, each group reasoned above it
    #   W IM-C           WARN
    #   I IM-D           INFO
    #   ~ IM-E           timing-dependent: FAIL, PASS or SKIP; ERROR only when a
                         request timed out (a server that hangs under a race)
    #   ! IM-F           the runner's false verdict, reported to the lead: a TAP
                         TODO point, "not ok" while the verdict is still FAIL,
                         WARN or ERROR, "ok" once the judge is fixed
    #   counts: PASS 73 SKIP 60   over the cases not marked ~ or !

Every other case must be PASS or SKIP; no case may be ERROR but a "!" one.
Prints one TAP line per point, numbered from FIRST_NUMBER, then "#n N" with
the number of points; exits 1 when a point other than a TODO failed.
"""
import json
import re
import sys


def read_section(path, section):
    want = {"FAIL": set(), "WARN": set(), "INFO": set(), "~": set(), "!": set()}
    counts = {}
    inside = False
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.startswith("#"):
                if line.strip():
                    break               # the header ends with the first command
                continue
            if line.startswith("# =="):
                inside = line.strip() == "# == %s ==" % section
                continue
            if not inside or not line.startswith("#   "):
                continue
            words = line[4:].split()
            if not words:
                continue
            if words[0] == "counts:":
                for k, v in zip(words[1::2], words[2::2]):
                    counts[k] = int(v)
                continue
            kind = {"W": "WARN", "I": "INFO", "~": "~", "!": "!"}.get(words[0])
            ids = words[1:] if kind else words
            kind = kind or "FAIL"
            want[kind].update(w for w in ids if re.match(r"^IM-[A-Za-z0-9._-]+$", w))
    return want, counts


def main():
    report, script, section, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    want, counts = read_section(script, section)
    results = {r["case_id"]: r for r in json.load(open(report, encoding="utf-8"))["results"]}
    verdict = {k: r["verdict"] for k, r in results.items()}
    loose = want["~"] | want["!"]
    failed = 0
    first = n

    def point(ok, text, detail=(), todo=None):
        nonlocal n, failed
        line = "%s %d - %s" % ("ok" if ok else "not ok", n, text)
        if todo:
            line += " # TODO " + todo
        print(line)
        if not ok:
            for d in detail:
                print("#   " + d)
            if not todo:
                failed = 1
        n += 1

    unknown = sorted(i for s in want.values() for i in s if i not in verdict)
    point(not unknown, "[%s] every case the header names is in the report" % section, unknown)
    for kind in ("FAIL", "WARN", "INFO"):
        got = {k for k, v in verdict.items() if v == kind and k not in loose}
        extra, missing = sorted(got - want[kind]), sorted(want[kind] - got)
        point(not extra and not missing, "[%s] exactly the expected %s verdicts (%d)" % (section, kind, len(want[kind])),
              ["unexpected %s: %s (%s)" % (kind, i, (results[i]["message"] or "")[:160]) for i in extra] +
              ["expected %s, got %s: %s" % (kind, verdict.get(i), i) for i in missing])
    errs = sorted(k for k, v in verdict.items() if v == "ERROR" and k not in loose)
    point(not errs, "[%s] no case is ERROR" % section,
          ["%s: %s" % (i, (results[i]["message"] or "")[:200]) for i in errs])
    def timed_out(i):
        return verdict.get(i) == "ERROR" and "timed out" in (results[i]["message"] or "")
    bad = sorted(i for i in want["~"] if verdict.get(i) not in ("FAIL", "PASS", "SKIP") and not timed_out(i))
    for i in sorted(i for i in want["~"] if timed_out(i)):
        print("# %s: ERROR, a request timed out: %s" % (i, (results[i]["message"] or "")[:200]))
    point(not bad, "[%s] the timing-dependent cases are FAIL, PASS or SKIP (%d)" % (section, len(want["~"])),
          ["%s: %s %s" % (i, verdict.get(i), (results[i]["message"] or "")[:160] if i in results else "") for i in bad])
    for k, v in sorted(counts.items()):
        got = sum(1 for i, x in verdict.items() if x == k and i not in loose)
        point(got == v, "[%s] %d %s (the cases not marked ~ or !)" % (section, v, k), ["got %d" % got])
    for i in sorted(want["!"]):
        v = verdict.get(i)
        point(v not in ("FAIL", "WARN", "ERROR"), "[%s] %s is %s" % (section, i, v),
              [(results[i]["message"] or "")[:200]] if i in results else [],
              todo="reported to the lead as the runner's false verdict (the test's header says why)")
    print("#n %d" % (n - first))
    return failed


if __name__ == "__main__":
    sys.exit(main())
