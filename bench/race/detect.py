#!/usr/bin/env python3
"""Summarises `ifmatch run --json` reports of one parallel case each (the
detection benchmark of bench/race.sh).

  detect.py frac ROUNDS REPORT.json...   the fraction of rounds that showed the
      violation ("violated in X of N rounds" in the message; a PASS is 0 of
      ROUNDS): prints "X1/N1 X2/N2 ...<TAB>median percent"
  detect.py stop ROUNDS REPORT.json...   runs with stop_on_violation: true:
      prints "detected K of M<TAB>rounds to detection median (max)<TAB>time to
      detection in ms median (max)". The time is the latest `done` among the
      exchanges of the first violating round, from the start of the run: when
      the evidence was complete. Undetected runs count as ROUNDS rounds and
      the run's duration.
"""
import json
import re
import statistics
import sys


def one(path, rounds):
    rep = json.load(open(path))
    res = rep["results"][0]
    msg = res.get("message") or ""
    m = re.search(r"violated in (\d+) of (\d+) rounds; first, round (\d+)", msg)
    if m:
        x, n, r = (int(g) for g in m.groups())
        # `round` in the report is 1-based, as in the message (reports/README.md)
        t = max((e["timings"]["done"] for e in res["exchanges"] if e["round"] == r), default=0.0)
        return x, n, r, t
    if res["verdict"] == "PASS":
        return 0, rounds, 0, rep["duration_ms"]
    raise SystemExit("%s: %s %s" % (path, res["verdict"], msg))


def main():
    mode, rounds, files = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    runs = [one(p, rounds) for p in files]
    if mode == "frac":
        print("%s\t%.0f%%" % (" ".join("%d/%d" % (x, n) for x, n, _, _ in runs),
                              100 * statistics.median(x / n for x, n, _, _ in runs)))
    else:
        det = [r for r in runs if r[2]]
        rr = [r[2] if r[2] else rounds for r in runs]
        tt = [r[3] for r in runs]
        print("detected %d of %d\t%g (%d)\t%.1f (%.1f)" % (
            len(det), len(runs), statistics.median(rr), max(rr), statistics.median(tt), max(tt)))


if __name__ == "__main__":
    main()
