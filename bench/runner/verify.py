#!/usr/bin/env python3
"""Check, from the reference server's --arrival-log, what a tool really sent.

usage: verify.py ARRIVAL_LOG LABEL PATH_PART EXPECTED
  EXPECTED: a request count, or "min:K" (at least K; for wrk, which runs for a
  duration).

The requests whose path contains PATH_PART must be exactly the bench
script: one PUT (the create), then GET and PUT alternating, all on one path.
Prints one line and exits 1 if anything differs.
"""
import sys


def main(argv):
    if len(argv) != 5:
        sys.stderr.write(__doc__)
        return 2
    log, label, prefix, expected = argv[1:]
    seq, paths = [], set()
    with open(log, encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and prefix in parts[2]:
                seq.append(parts[1])
                paths.add(parts[2])
    problems = []
    if expected.startswith("min:"):
        if len(seq) < int(expected[4:]):
            problems.append("%d requests, expected at least %s" % (len(seq), expected[4:]))
    elif len(seq) != int(expected):
        problems.append("%d requests, expected %s" % (len(seq), expected))
    if len(paths) > 1:
        problems.append("%d paths, expected one" % len(paths))
    for i, m in enumerate(seq):
        want = "PUT" if i == 0 or i % 2 == 0 else "GET"
        if m != want:
            problems.append("request %d is %s, expected %s" % (i + 1, m, want))
            break
    gets = seq.count("GET")
    puts = seq.count("PUT")
    status = "ok" if not problems else "MISMATCH: " + "; ".join(problems)
    print("verify %-8s %6d requests (%d PUT, %d GET) on %s: %s"
          % (label, len(seq), puts, gets, ",".join(sorted(paths)) or prefix, status))
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
