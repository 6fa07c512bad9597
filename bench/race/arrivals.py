#!/usr/bin/env python3
"""Arrival spread per round from an `ifmatch serve --arrival-log` file.

Each line is "<monotonic ns> <method> <path>", written when the request's body
has fully arrived. A round of a parallel step has its own path
(/ifm/<run>/<case id>/<round>); the round's racing PUTs are the PUTs on that
path after its first GET (before it: the setup's create). The spread of a
round is the latest minus the earliest of those arrivals.

  arrivals.py LOG [PREFIX=LABEL ...]

Rounds are grouped by the first PREFIX their case id starts with (default:
every case id is its own group). Prints one tab-separated line per group:
label, rounds, PUTs per round (min), median, p95 and max spread in
microseconds, and the median gap between consecutive arrivals.
"""
import sys
from collections import defaultdict


def pct(v, p):
    """Nearest-rank percentile (p in 0..100) of a sorted list."""
    if not v:
        return float("nan")
    k = max(0, min(len(v) - 1, int(-(-p * len(v) // 100)) - 1))
    return v[k]


def main():
    log = sys.argv[1]
    groups = [a.split("=", 1) for a in sys.argv[2:]]
    by_path = defaultdict(list)
    with open(log) as f:
        for line in f:
            parts = line.split(" ", 2)
            if len(parts) != 3:
                continue
            by_path[parts[2].rstrip("\n")].append((int(parts[0]), parts[1]))
    spreads = defaultdict(list)
    gaps = defaultdict(list)
    nput = defaultdict(list)
    for path, ev in by_path.items():
        seg = path.strip("/").split("/")
        if len(seg) < 4:
            continue
        cid = seg[-2]
        label = cid
        if groups:
            label = next((lab for pre, lab in groups if cid.startswith(pre)), None)
            if label is None:
                continue
        ev.sort()
        first_get = next((i for i, (_, m) in enumerate(ev) if m == "GET"), None)
        if first_get is None:
            continue
        puts = [t for t, m in ev[first_get:] if m == "PUT"]
        if len(puts) < 2:
            continue
        spreads[label].append((puts[-1] - puts[0]) / 1000.0)
        gaps[label].extend((b - a) / 1000.0 for a, b in zip(puts, puts[1:]))
        nput[label].append(len(puts))
    order = [lab for _, lab in groups] if groups else sorted(spreads)
    for lab in order:
        s = sorted(spreads.get(lab, []))
        g = sorted(gaps.get(lab, []))
        print("%s\t%d\t%d\t%.1f\t%.1f\t%.1f\t%.1f" % (
            lab, len(s), min(nput[lab]) if s else 0, pct(s, 50), pct(s, 95),
            s[-1] if s else float("nan"), pct(g, 50)))


if __name__ == "__main__":
    main()
