#!/usr/bin/env python3
"""Writes the case files of bench/race_jitter.sh into OUTDIR, in the
IM-RACE-ONE-WINNER shape of bench/race/gen.py (whose case template it uses).

  jitter_gen.py OUTDIR CLIENTS RELEASES ROUNDS PAIRS MAX_ROUNDS
      CLIENTS, RELEASES: comma-separated (8,32,64  none,last-byte)

  spread.yaml   for k = 1..PAIRS, for each client count, for each release:
                BENCH-JS-C<n>-<RELEASE>-k with ROUNDS/PAIRS rounds; run with -j 1
                so that every release sees the same background load, in turn.
  spread-<k>.yaml   pair k of spread.yaml alone (for runs that alternate
                between two targets, HTTP/1.1 and h2c, pair by pair).
  detect-c<n>-<release>.yaml   n clients, at most MAX_ROUNDS rounds,
                stop_on_violation: true.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen import case, write   # noqa: E402


def tag(rel):
    return rel.upper().replace("_", "-")


def main():
    out, clients, releases = sys.argv[1], sys.argv[2].split(","), sys.argv[3].split(",")
    rounds, pairs, max_rounds = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
    os.makedirs(out, exist_ok=True)
    per = max(1, rounds // pairs)
    sp = []
    for k in range(1, pairs + 1):
        pk = [case("BENCH-JS-C%s-%s-%d" % (n, tag(rel), k), int(n), rel, per)
              for n in clients for rel in releases]
        write(os.path.join(out, "spread-%d.yaml" % k), pk)
        sp += pk
    write(os.path.join(out, "spread.yaml"), sp)
    for n in clients:
        for rel in releases:
            write(os.path.join(out, "detect-c%s-%s.yaml" % (n, rel)),
                  [case("BENCH-JD-C%s-%s" % (n, tag(rel)), int(n), rel, max_rounds, stop=True)])


if __name__ == "__main__":
    main()
