#!/usr/bin/env python3
"""bench/slow_clients.py: the hostile clients, the honest probe and the summary
of bench/server_soak.sh (standard library only).

  slow_clients.py hostile --port P [--duration S] [--wave-size N] [--wave-every S]
                          [--src ADDR[,ADDR...]] [--out FILE.json]
      Every --wave-every seconds opens --wave-size connections, a quarter of
      each kind, and keeps each until the server closes it or --max-life:
        loris   a request line, then one header byte a second, never ending
        idle    connects and sends nothing
        body    a complete PUT head (Content-Length 20, If-Match that never
                matches), then one body byte a second
        reset   part of a head or of a body, then an RST (SO_LINGER 0) 0-2 s in
      Writes per kind what happened (closed by the server after how long,
      answered, still open at --max-life, connect failed) as JSON.

  slow_clients.py probe --port P [--duration S] [--every S] --out FILE.csv
      Every --every seconds one honest GET of /soak/probe on a fresh connection
      (timeout 5 s); one CSV line per probe: t_s,latency_ms,status (status
      "fail:<why>" when there was no answer or a 5xx). Re-creates the resource
      when it was evicted (404; not a failure).

  slow_clients.py summary --rss rss.csv --probes probes.csv --hostile h.json
                          --runs N --not-conformant K [--warmup S] [--tol-pct P]
      Prints the soak summary; exit 1 if a run was not CONFORMANT, a probe
      failed, or the median RSS of the last minute is more than --tol-pct
      above the median of the minute before --warmup ends.
"""
import argparse
import csv
import errno
import http.client
import json
import os
import random
import selectors
import signal
import socket
import statistics
import struct
import sys
import time

KINDS = ("loris", "idle", "body", "reset")
BODY_LEN = 20


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def pct(xs, p):
    if not xs:
        return float("nan")
    s = sorted(xs)
    k = min(len(s) - 1, max(0, int(round(p / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


# ---------------------------------------------------------------- hostile

class Conn:
    __slots__ = ("sock", "kind", "n", "t_open", "connected", "queue",
                 "drip", "next_send", "reset_at", "got")

    def __init__(self, sock, kind, n, now):
        self.sock = sock
        self.kind = kind
        self.n = n
        self.t_open = now
        self.connected = False
        self.queue = b""        # sent as soon as connected
        self.drip = b""         # then one byte per second
        self.next_send = now
        self.reset_at = None
        self.got = b""


def hostile(a):
    stop = [False]
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__(0, True))
    signal.signal(signal.SIGINT, lambda *_: stop.__setitem__(0, True))
    srcs = [s for s in a.src.split(",") if s]
    sel = selectors.DefaultSelector()
    conns = {}
    stats = {k: {"opened": 0, "connect_failed": 0, "server_closed": 0,
                 "answered": 0, "reset_sent": 0, "open_at_max_life": 0,
                 "open_at_end": 0, "closed_after_s": []} for k in KINDS}
    t0 = time.monotonic()
    end = t0 + a.duration
    next_wave = t0
    seq = 0
    peak_open = 0
    host = "127.0.0.1:%d" % a.port

    def finish(c, outcome):
        sel.unregister(c.sock)
        del conns[c.sock.fileno()]
        st = stats[c.kind]
        if outcome == "server_closed":
            st["closed_after_s"].append(round(time.monotonic() - c.t_open, 2))
        if outcome == "reset_sent":
            c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        if outcome:
            st[outcome] += 1
        c.sock.close()

    def open_one(kind, now):
        nonlocal seq
        seq += 1
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        try:
            s.bind((srcs[seq % len(srcs)], 0))
            err = s.connect_ex(("127.0.0.1", a.port))
        except OSError as e:
            err = e.errno
        stats[kind]["opened"] += 1
        if err not in (0, errno.EINPROGRESS):
            stats[kind]["connect_failed"] += 1
            s.close()
            return
        c = Conn(s, kind, seq, now)
        path = "/soak/%s/%d" % (kind, seq)
        if kind == "loris":
            c.queue = ("GET %s HTTP/1.1\r\nHost: %s\r\n" % (path, host)).encode()
            c.drip = b"X-Drip: " + b"a" * 4000
        elif kind == "body":
            c.queue = ("PUT %s HTTP/1.1\r\nHost: %s\r\nIf-Match: \"soak-never\"\r\n"
                       "Content-Type: text/plain\r\nContent-Length: %d\r\n\r\n"
                       % (path, host, BODY_LEN)).encode()
            c.drip = b"b" * BODY_LEN
        elif kind == "reset":
            if seq % 2:
                c.queue = ("PUT %s HTTP/1.1\r\nHost: %s\r\nContent-Le" % (path, host)).encode()
            else:
                c.queue = ("PUT %s HTTP/1.1\r\nHost: %s\r\nIf-Match: *\r\n"
                           "Content-Length: 1000\r\n\r\npartial-body" % (path, host)).encode()
            c.reset_at = now + random.uniform(0.0, 2.0)
        conns[s.fileno()] = c
        sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE, c)

    while not stop[0]:
        now = time.monotonic()
        if now >= end:
            break
        if now >= next_wave:
            for i in range(a.wave_size):
                open_one(KINDS[i % len(KINDS)], now)
            next_wave += a.wave_every
        peak_open = max(peak_open, len(conns))
        for key, ev in sel.select(timeout=0.2):
            c = key.data
            if conns.get(c.sock.fileno()) is not c:
                continue
            if ev & selectors.EVENT_WRITE and not c.connected:
                err = c.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    stats[c.kind]["connect_failed"] += 1
                    finish(c, None)
                    continue
                c.connected = True
                sel.modify(c.sock, selectors.EVENT_READ, c)
                try:
                    if c.queue:
                        c.sock.send(c.queue)   # < 300 bytes: fits the buffer
                    c.next_send = time.monotonic() + 1.0
                except OSError:
                    finish(c, "server_closed")
                    continue
            if ev & selectors.EVENT_READ:
                try:
                    data = c.sock.recv(4096)
                except OSError:
                    data = b""
                if data:
                    c.got += data
                    if c.got.startswith(b"HTTP/1.1 ") and b"\r\n\r\n" in c.got:
                        finish(c, "answered")
                    continue
                finish(c, "server_closed")
        now = time.monotonic()
        for c in list(conns.values()):
            if not c.connected:
                if now - c.t_open > 10:
                    stats[c.kind]["connect_failed"] += 1
                    finish(c, None)
                continue
            if c.reset_at is not None and now >= c.reset_at:
                finish(c, "reset_sent")
            elif now - c.t_open > a.max_life:
                finish(c, "open_at_max_life")
            elif c.drip and now >= c.next_send:
                try:
                    c.sock.send(c.drip[:1])
                    c.drip = c.drip[1:]
                    c.next_send = now + 1.0
                except OSError:
                    finish(c, "server_closed")
    for c in list(conns.values()):
        stats[c.kind]["open_at_end"] += 1
        finish(c, None)
    out = {"duration_s": round(time.monotonic() - t0, 1), "wave_size": a.wave_size,
           "wave_every_s": a.wave_every, "peak_open": peak_open, "kinds": {}}
    for k, st in stats.items():
        closed = st.pop("closed_after_s")
        st["closed_after_s_median"] = round(median(closed), 2) if closed else None
        st["closed_after_s_max"] = max(closed) if closed else None
        out["kinds"][k] = st
    with open(a.out, "w") as f:
        json.dump(out, f, indent=1)
    return 0


# ---------------------------------------------------------------- probe

def probe(a):
    stop = [False]
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__(0, True))
    signal.signal(signal.SIGINT, lambda *_: stop.__setitem__(0, True))
    t0 = time.monotonic()
    end = t0 + a.duration
    path = "/soak/probe"

    def put():
        c = http.client.HTTPConnection("127.0.0.1", a.port, timeout=5)
        try:
            c.request("PUT", path, body=b"probe\n",
                      headers={"If-None-Match": "*", "Content-Type": "text/plain"})
            c.getresponse().read()
        finally:
            c.close()

    with open(a.out, "w", buffering=1) as f:
        f.write("t_s,latency_ms,status\n")
        nxt = t0
        while not stop[0] and time.monotonic() < end:
            now = time.monotonic()
            if now < nxt:
                time.sleep(min(0.2, nxt - now))
                continue
            nxt += a.every
            start = time.monotonic()
            c = http.client.HTTPConnection("127.0.0.1", a.port, timeout=5)
            try:
                c.request("GET", path)
                r = c.getresponse()
                r.read()
                status = str(r.status) if r.status < 500 else "fail:%d" % r.status
            except (OSError, http.client.HTTPException) as e:
                status = "fail:" + type(e).__name__
            finally:
                c.close()
            lat = (time.monotonic() - start) * 1000.0
            f.write("%.1f,%.2f,%s\n" % (start - t0, lat, status))
            if status == "404":
                try:
                    put()
                except (OSError, http.client.HTTPException):
                    pass
    return 0


# ---------------------------------------------------------------- summary

def summary(a):
    rows = []
    with open(a.rss) as f:
        for r in csv.DictReader(f):
            rows.append((float(r["t_s"]), int(r["rss_kb"]) / 1024.0,
                         int(r["fds"]), int(r["threads"])))
    probes = []
    with open(a.probes) as f:
        for r in csv.DictReader(f):
            probes.append((float(r["t_s"]), float(r["latency_ms"]), r["status"]))
    hostile_s = {}
    if a.hostile and os.path.exists(a.hostile):
        with open(a.hostile) as f:
            hostile_s = json.load(f)
    if not rows:
        print("summary: no RSS samples", file=sys.stderr)
        return 1
    t_end = rows[-1][0]
    warm = [m for t, m, _, _ in rows if a.warmup - 60 < t <= a.warmup]
    last = [m for t, m, _, _ in rows if t > t_end - 60]
    after = [(t, m) for t, m, _, _ in rows if t >= a.warmup]
    slope = float("nan")
    if len(after) >= 2:
        mt = statistics.mean(t for t, _ in after)
        mm = statistics.mean(m for _, m in after)
        den = sum((t - mt) ** 2 for t, _ in after)
        if den:
            slope = sum((t - mt) * (m - mm) for t, m in after) / den * 60.0

    print("RSS (MB) by minute: value at the minute mark; min / median / max of the minute before it")
    print("| minute | RSS at mark | min | median | max | fds | threads |")
    print("|---|---|---|---|---|---|---|")
    minute = 0
    while minute * 60 <= t_end + 4:
        mark = [r for r in rows if r[0] <= minute * 60 + 2.5]
        at = mark[-1] if mark else rows[0]
        win = [m for t, m, _, _ in rows if minute * 60 - 60 < t <= minute * 60 + 2.5] if minute else [at[1]]
        print("| %d | %.1f | %.1f | %.1f | %.1f | %d | %d |"
              % (minute, at[1], min(win), median(win), max(win), at[2], at[3]))
        minute += 1
    ok_lat = [l for _, l, s in probes if not s.startswith("fail")]
    failed = [(t, s) for t, _, s in probes if s.startswith("fail")]
    print()
    print("samples: %d over %.0f s; peak RSS %.1f MB at %.0f s"
          % (len(rows), t_end, max(r[1] for r in rows), max(rows, key=lambda r: r[1])[0]))
    wm, lm = median(warm), median(last)
    growth = (lm - wm) / wm * 100.0 if warm and last else float("nan")
    print("RSS at warm-up end (%d-%d s): median %.1f MB, max %.1f MB"
          % (a.warmup - 60, a.warmup, wm, max(warm) if warm else float("nan")))
    print("RSS in the last minute:        median %.1f MB, max %.1f MB"
          % (lm, max(last) if last else float("nan")))
    print("growth after warm-up: %+.1f%% (limit %.0f%%); slope after warm-up %+.3f MB/min"
          % (growth, a.tol_pct, slope))
    print("suite runs: %d, CONFORMANT %d, not CONFORMANT %d"
          % (a.runs, a.runs - a.not_conformant, a.not_conformant))
    print("probes: %d, failed %d; latency median %.1f ms, p99 %.1f ms, max %.1f ms"
          % (len(probes), len(failed), median(ok_lat), pct(ok_lat, 99),
             max(ok_lat) if ok_lat else float("nan")))
    for t, s in failed[:10]:
        print("  failed probe at %.1f s: %s" % (t, s))
    if hostile_s:
        print("hostile: waves of %d every %s s, peak %d open at once"
              % (hostile_s["wave_size"], hostile_s["wave_every_s"], hostile_s["peak_open"]))
        for k, st in hostile_s["kinds"].items():
            print("  %-5s opened %d, connect failed %d, closed by server %d (median %s s, max %s s),"
                  " answered %d, reset sent %d, open at max life %d"
                  % (k, st["opened"], st["connect_failed"], st["server_closed"],
                     st["closed_after_s_median"], st["closed_after_s_max"], st["answered"],
                     st["reset_sent"], st["open_at_max_life"]))
    bad = []
    if a.not_conformant:
        bad.append("%d run(s) not CONFORMANT" % a.not_conformant)
    if a.runs == 0:
        bad.append("no suite run completed")
    if failed:
        bad.append("%d probe(s) failed" % len(failed))
    if not probes:
        bad.append("no probes")
    if not warm or not last:
        bad.append("too few samples to compare warm-up end and last minute")
    elif growth > a.tol_pct:
        bad.append("RSS grew %.1f%% after warm-up (limit %.0f%%)" % (growth, a.tol_pct))
    print("verdict: " + ("FAIL: " + "; ".join(bad) if bad else "PASS"))
    return 1 if bad else 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    h = sub.add_parser("hostile")
    h.add_argument("--port", type=int, required=True)
    h.add_argument("--duration", type=float, default=600)
    h.add_argument("--wave-size", type=int, default=300)
    h.add_argument("--wave-every", type=float, default=15)
    h.add_argument("--max-life", type=float, default=90)
    h.add_argument("--src", default="127.0.0.2")
    h.add_argument("--out", required=True)
    q = sub.add_parser("probe")
    q.add_argument("--port", type=int, required=True)
    q.add_argument("--duration", type=float, default=600)
    q.add_argument("--every", type=float, default=2)
    q.add_argument("--out", required=True)
    s = sub.add_parser("summary")
    s.add_argument("--rss", required=True)
    s.add_argument("--probes", required=True)
    s.add_argument("--hostile")
    s.add_argument("--runs", type=int, required=True)
    s.add_argument("--not-conformant", type=int, required=True)
    s.add_argument("--warmup", type=float, default=120)
    s.add_argument("--tol-pct", type=float, default=10)
    a = p.parse_args()
    return {"hostile": hostile, "probe": probe, "summary": summary}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
