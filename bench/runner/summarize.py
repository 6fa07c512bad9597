#!/usr/bin/env python3
"""Summarize bench/runner.sh results: medians, rates, ratios against targets.

usage: summarize.py RESULTS_TSV

RESULTS_TSV columns: tool n round wall_s rss_kib rc requests
  tool: ifmatch | httpyac | gabbi | wrk-alternate | wrk-get
  n: the script's N (requests after the create; the script sends N + 1),
     for wrk the duration in seconds
  round: s1, s2... (startup-only and 1,000 rounds), b1, b2... (10,000 rounds);
     the tools of one round ran one after the other
  requests: for wrk the count it reports, otherwise N + 1
Rates: "wall" = (N + 1) / the tool's whole wall time (process start to exit,
startup and script loading included). "excl. startup" = N / (median wall of
the N script - median wall of the N=0 script, which only creates): the
startup and the fixed part of loading subtracted. wrk's rate is its own
requests / duration (it has no startup in it). Ratios: of the medians, and the
median of per-round ratios (each ifmatch run against the wrk run or the peer
run of the same round: robust to the machine's slow and fast phases). A
target is met when both wall-based ratios meet it. The scaling target compares
the median walls of the largest and the second largest script (their rounds
differ, so there is no per-round pairing). Prints Markdown.
"""
import statistics
import sys
from collections import defaultdict

TARGET_WRK = 0.8
TARGET_PEER = 10.0
TARGET_RSS_MIB = 16.0
TARGET_SCALING = 10.5      # wall of the 10,000 script / wall of the 1,000 script, at most
RUNNERS = ("ifmatch", "httpyac", "gabbi")
PEERS = ("httpyac", "gabbi")


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    runs = defaultdict(list)   # (tool, n) -> [dict]
    with open(argv[1], encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            tool, n, rnd, wall, rss, rc, reqs = line.rstrip("\n").split("\t")[:7]
            wall, reqs = float(wall), int(reqs)
            runs[(tool, int(n))].append({
                "round": rnd, "wall": wall, "rss": int(rss), "rc": int(rc),
                "rate": reqs / wall if wall > 0 else 0.0})

    def ok(tool, n):
        return [r for r in runs.get((tool, n), []) if r["rc"] == 0]

    wall0 = {t: med([r["wall"] for r in ok(t, 0)]) for t in RUNNERS}
    sizes = sorted({n for (t, n) in runs if t in RUNNERS and n > 0})
    wrk_n = {t: n for (t, n) in runs if t.startswith("wrk-")}
    wrk_rate = {t: med([r["rate"] for r in ok(t, n)]) for t, n in wrk_n.items()}

    out = ["| tool | script | runs ok | median wall (s) | req/s, wall | req/s, excl. startup "
           "| median peak RSS (MiB) |", "|---|---|---|---|---|---|---|"]
    for t in ("wrk-alternate", "wrk-get"):
        if t not in wrk_n:
            continue
        good = ok(t, wrk_n[t])
        out.append("| %s | %d s, one connection | %d/%d | %s | %s | (same) | %s |" % (
            t, wrk_n[t], len(good), len(runs[(t, wrk_n[t])]), fmt(med([r["wall"] for r in good]), 2),
            fmt(wrk_rate[t], 0), fmt(mib(med([r["rss"] for r in good])), 1)))
    rates = {}
    for n in [0] + sizes:
        for t in RUNNERS:
            rs = runs.get((t, n), [])
            if not rs:
                continue
            good = ok(t, n)
            w = med([r["wall"] for r in good])
            rate = (n + 1) / w if w else None
            steady = None
            if n > 0 and w and wall0.get(t) is not None and w > wall0[t]:
                steady = n / (w - wall0[t])
            rates[(t, n)] = (rate, steady)
            label = "create only (startup)" if n == 0 else "create + %d requests" % n
            out.append("| %s | %s | %d/%d | %s | %s | %s | %s |" % (
                t, label, len(good), len(rs), fmt(w, 3), fmt(rate, 0),
                fmt(steady, 0) if n else "-", fmt(mib(med([r["rss"] for r in good])), 1)))

    def paired(n, other, other_n):
        mine = {r["round"]: r["rate"] for r in ok("ifmatch", n)}
        theirs = {r["round"]: r["rate"] for r in ok(other, other_n)}
        return med([mine[k] / theirs[k] for k in mine if k in theirs and theirs[k] > 0])

    out += ["", "| target | script | ratio of medians, wall | ratio, excl. startup "
            "| median of per-round ratios, wall | met |", "|---|---|---|---|---|---|"]
    ref = wrk_rate.get("wrk-alternate")
    for n in sizes:
        r, s = rates.get(("ifmatch", n), (None, None))
        pr = paired(n, "wrk-alternate", wrk_n.get("wrk-alternate", 0))
        out.append("| ifmatch >= %.1f x wrk (one connection, same script) | %d | %s | %s | %s | %s |" % (
            TARGET_WRK, n, fmt(div(r, ref), 2), fmt(div(s, ref), 2), fmt(pr, 2),
            met(div(r, ref), pr, div(s, ref), TARGET_WRK)))
        for p in PEERS:
            qr, qs = rates.get((p, n), (None, None))
            pp = paired(n, p, n)
            out.append("| ifmatch >= %d x %s | %d | %s | %s | %s | %s |" % (
                TARGET_PEER, p, n, fmt(div(r, qr), 1), fmt(div(s, qs), 1), fmt(pp, 1),
                met(div(r, qr), pp, div(s, qs), TARGET_PEER)))
    if sizes:
        big = sizes[-1]
        rss = [r["rss"] for r in runs.get(("ifmatch", big), [])]
        peak = mib(max(rss)) if rss else None
        out.append("| ifmatch peak RSS <= %d MiB | %d | %s MiB (highest of %d runs) | - | - | %s |" % (
            TARGET_RSS_MIB, big, fmt(peak, 1), len(rss),
            "n/a" if peak is None else ("yes" if peak <= TARGET_RSS_MIB else "**no**")))
    if len(sizes) > 1:
        small, big = sizes[-2], sizes[-1]
        ws = med([r["wall"] for r in ok("ifmatch", small)])
        wb = med([r["wall"] for r in ok("ifmatch", big)])
        scale = div(wb, ws)
        out.append("| ifmatch wall of the %d script <= %.1f x the %d script's | %d | %s x | - | - | %s |" % (
            big, TARGET_SCALING, small, big, fmt(scale, 1),
            "n/a" if scale is None else ("yes" if scale <= TARGET_SCALING else "**no**")))
    bad = ["%s N=%d: %d" % (t, n, len(rs) - len(ok(t, n))) for (t, n), rs in sorted(runs.items())
           if len(ok(t, n)) < len(rs)]
    if bad:
        out += ["", "Failed runs (left out of the medians): " + "; ".join(bad) + "."]
    print("\n".join(out))
    return 0


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def div(a, b):
    return a / b if a is not None and b else None


def mib(kib):
    return None if kib is None else kib / 1024.0


def fmt(x, digits):
    return "n/a" if x is None else ("{:,.%df}" % digits).format(x)


def met(ratio, paired_ratio, steady, target):
    if ratio is None:
        return "n/a"
    if ratio >= target and (paired_ratio is None or paired_ratio >= target):
        return "yes"
    if steady is not None and steady >= target:
        return "only excl. startup"
    return "**no**"


if __name__ == "__main__":
    sys.exit(main(sys.argv))
