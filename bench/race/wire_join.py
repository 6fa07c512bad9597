#!/usr/bin/env python3
"""Splits the spread of the racing PUTs of each round with a wire.py capture.

  wire_join.py WIRE.tsv ARRIVALS.log CLIENTS [PREFIX=LABEL ...]

A racing request is a PUT with If-Match (a client segment tagged PUT-IM
starts it); it is complete on the wire with its last client segment before
the server's next answer on that connection (last-byte: the one-byte
segment). Racing requests are taken CLIENTS at a time in order of their
first segment (one round each). Per round:
the wire spread (latest - earliest completion, as the segments left the
client: the runner's release precision, kernel included), the server's
arrival spread (the --arrival-log, matched to the round by its first racing
PUT), and the lag from the last completion on the wire to the last logged
arrival. Prints the medians in microseconds, per LABEL of the first PREFIX
the round's case id starts with (default: all rounds together), as
LABEL<TAB>rounds<TAB>wire spread<TAB>arrival spread<TAB>lag.
"""
import bisect
import statistics
import sys
from collections import defaultdict


def main():
    wire, log, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    groups = [a.split("=", 1) for a in sys.argv[4:]] or [["", "all"]]
    segs = defaultdict(list)
    for line in open(wire):
        t, d, port, plen, tag = line.rstrip("\n").split("\t")
        segs[int(port)].append((int(t), d, tag))
    conns = []
    for port, ev in segs.items():
        ev.sort()
        start = done = None
        for t, d, tag in ev:
            if d == "c2s" and tag != "-":
                if start is not None:
                    conns.append((start, done))
                start = t if tag == "PUT-IM" else None
                done = t
            elif d == "c2s" and start is not None and done is not None:
                done = t
            elif d == "s2c" and start is not None:
                conns.append((start, done))
                start = None
        if start is not None:
            conns.append((start, done))
    conns.sort()
    by_path = defaultdict(list)
    for line in open(log):
        t, m, p = line.split(" ", 2)
        by_path[p].append((int(t), m))
    rounds = []
    for path, ev in by_path.items():
        ev.sort()
        i = next((k for k, (_, m) in enumerate(ev) if m == "GET"), None)
        if i is None:
            continue
        puts = [t for t, m in ev[i:] if m == "PUT"]
        seg = path.strip().strip("/").split("/")
        label = next((lab for pre, lab in groups if len(seg) >= 2 and seg[-2].startswith(pre)), None)
        if len(puts) >= 2 and label:
            rounds.append((puts, label))
    rounds.sort()
    lasts = [r[0][-1] for r in rounds]
    rows = defaultdict(list)
    for i in range(0, len(conns) - n + 1, n):
        done = sorted(c[1] for c in conns[i:i + n])
        k = bisect.bisect_left(lasts, done[-1])
        if k >= len(rounds) or rounds[k][0][0] < conns[i][0]:
            continue
        r, label = rounds[k]
        rows[label].append(((done[-1] - done[0]) / 1e3, (r[-1] - r[0]) / 1e3, (r[-1] - done[-1]) / 1e3))
    for _, label in groups:
        rs = rows.get(label)
        if rs:
            print("%s\t%d\t%.0f\t%.0f\t%.0f" % tuple(
                [label, len(rs)] + [statistics.median(c) for c in zip(*rs)]))
        else:
            print("%s\t0\t-\t-\t-" % label)


if __name__ == "__main__":
    main()
