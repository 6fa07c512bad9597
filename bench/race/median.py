#!/usr/bin/env python3
"""Reads tab-separated lines "LABEL<TAB>number<TAB>number..." (stdin) and
prints, per label in order of first appearance, the number of lines and the
median of each column:  LABEL<TAB>lines<TAB>median1<TAB>median2..."""
import statistics
import sys

rows = {}
for line in sys.stdin:
    f = line.rstrip("\n").split("\t")
    if len(f) < 2:
        continue
    rows.setdefault(f[0], []).append([float(v) for v in f[1:]])
for lab, rs in rows.items():
    cols = zip(*rs)
    print("\t".join([lab, str(len(rs))] + ["%.1f" % statistics.median(c) for c in cols]))
