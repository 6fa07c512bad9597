#!/usr/bin/env python3
"""How long nginx takes to forward a single-packet release (bench/race_jitter.sh,
its nginx diagnostic): from the one read that brings every stream's final DATA
frame to the last upstream write that forwards them.

  nginx_sweep.py TRACE CLIENTS...

TRACE is `perf trace -e recvfrom,writev` (or `strace -ttt -e
trace=recvfrom,writev`) of the nginx worker while it forwards single-packet
rounds. A round is a recvfrom of exactly 10 x N bytes (N final DATA frames of
one byte each, 9 bytes of frame header apiece) followed by N writevs to other
descriptors, each either 1 byte (proxy_request_buffering off: the body's last
byte) or 150-400 bytes (buffering on: the whole request). Prints, per client
count, one tab-separated line: clients, rounds found, then median and max of
read -> first upstream write, first -> last upstream write (nginx's sweep) and
read -> last upstream write, in microseconds.
"""
import re
import statistics
import sys

PERF = re.compile(r"\s*([\d.]+) \(\s*[\d.]+ ms\): (recvfrom|writev)\(fd: (\d+).*= (\d+)\s*$")
STRACE = re.compile(r"(?:\d+ +)?([\d.]+) (recvfrom|writev)\((\d+), .*= (\d+)\s*$")


def calls(path):
    out = []
    for line in open(path, errors="replace"):
        m = PERF.match(line)
        if m:
            out.append((float(m.group(1)) * 1000.0, m.group(2), int(m.group(3)), int(m.group(4))))
            continue
        m = STRACE.match(line)
        if m:
            out.append((float(m.group(1)) * 1e6, m.group(2), int(m.group(3)), int(m.group(4))))
    return out


def rounds(cs, n):
    res, i = [], 0
    while i < len(cs):
        t, call, fd, size = cs[i]
        if call != "recvfrom" or size != 10 * n:
            i += 1
            continue
        ws, seen, j = [], set(), i + 1
        while j < len(cs) and len(ws) < n and cs[j][0] - t < 1e6:
            tj, cj, fj, sj = cs[j]
            if cj == "writev" and fj != fd and fj not in seen and (sj == 1 or 150 <= sj <= 400):
                ws.append(tj)
                seen.add(fj)
            j += 1
        if len(ws) == n:
            res.append((ws[0] - t, ws[-1] - ws[0], ws[-1] - t))
            i = j
        else:
            i += 1
    return res


def main():
    cs = calls(sys.argv[1])
    for n in (int(c) for c in sys.argv[2:]):
        r = rounds(cs, n)
        cells = [str(n), str(len(r))]
        for k in range(3):
            v = [x[k] for x in r]
            cells.append("%.0f (%.0f)" % (statistics.median(v), max(v)) if v else "-")
        print("\t".join(cells))


if __name__ == "__main__":
    main()
