#!/usr/bin/env python3
"""Markdown tables of bench/race_jitter.sh from its TSV files.

  jitter_table.py spread SPREAD.tsv RELEASES
      SPREAD.tsv: env clients release run rounds puts median p95 max gap
      One row per environment and client count: per release the median over
      runs of the per-run median spread (and of the p95), and per release other
      than none the ratio none/release, computed within each run (side by
      side, the same background load) and then the median of those.
  jitter_table.py detect DETECT.tsv RELEASES
      DETECT.tsv: env window clients release "detected K of M" "median (max)" ms
"""
import statistics
import sys
from collections import defaultdict


ENV_ORDER = ["loopback", "loopback-h2c", "loopback-nginx", "jitter", "jitter-h2c", "jitter-nginx"]


def env_key(env):
    return ENV_ORDER.index(env) if env in ENV_ORDER else len(ENV_ORDER)


def absent(env, rel):
    """The cell of a release that did not run in env."""
    h2 = env.endswith("-nginx") or env.endswith("-h2c")
    return "n/a (HTTP/1.1)" if rel == "single-packet" and not h2 else "not run"


def fmt(v):
    return "-" if v is None else ("{:,.0f}".format(v) if v >= 100 else "%.1f" % v)


def spread(path, releases):
    rows = defaultdict(dict)      # (env, clients) -> release -> run -> (med, p95)
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if len(f) < 10:
            continue
        env, c, rel, run = f[0], int(f[1]), f[2], f[3]
        if int(f[4]) == 0:
            continue
        rows[(env, c)].setdefault(rel, {})[run] = (float(f[6]), float(f[7]))
    head = ["environment", "clients"]
    for rel in releases:
        head += ["%s median" % rel, "%s p95" % rel]
    others = [r for r in releases if r != "none"]
    if "none" in releases:
        head += ["none / %s" % r for r in others]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for (env, c) in sorted(rows, key=lambda k: (env_key(k[0]), k[0], k[1])):
        d = rows[(env, c)]
        cells = [env, str(c)]
        for rel in releases:
            runs = d.get(rel, {})
            if not runs:
                cells += [absent(env, rel), "-"]
                continue
            cells.append(fmt(statistics.median(v[0] for v in runs.values())))
            cells.append(fmt(statistics.median(v[1] for v in runs.values())))
        if "none" in releases:
            for rel in others:
                rs = [d["none"][r][0] / d[rel][r][0] for r in d.get(rel, {})
                      if r in d.get("none", {}) and d[rel][r][0] > 0]
                cells.append("%.2fx (%s)" % (statistics.median(rs), ", ".join("%.2f" % x for x in rs))
                             if rs else "-")
        print("| " + " | ".join(cells) + " |")


def detect(path, releases):
    rows = defaultdict(dict)
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if len(f) < 7:
            continue
        env, w, c, rel = f[0], int(f[1]), int(f[2]), f[3]
        k = f[4].replace("detected ", "")
        rows[(env, w, c)][rel] = "%s, %s rounds" % (k, f[5])
    head = ["environment", "window us", "clients"] + releases
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for key in sorted(rows, key=lambda k: (env_key(k[0]), k[0], k[1], k[2])):
        env, w, c = key
        print("| " + " | ".join([env, str(w), str(c)] + [rows[key].get(r, absent(env, r)) for r in releases])
              + " |")


if __name__ == "__main__":
    mode, path, rels = sys.argv[1], sys.argv[2], sys.argv[3].split()
    {"spread": spread, "detect": detect}[mode](path, rels)
