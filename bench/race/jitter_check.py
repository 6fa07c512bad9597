#!/usr/bin/env python3
"""Checks bench/race/jitter_proxy.py against a local echo server.

  jitter_check.py [--delay SPEC] [--seed S]      (default uniform:5:2)

1. Delay: 8 connections, each sending 40 timestamped lines 12 ms apart (more
   than the largest delay, so the order rule never holds a line back), to an
   echo server in this process, once directly and once through the proxy.
   One-way times: client -> server (the server's arrival minus the send) and
   server -> client (the client's arrival minus the echo). The added delay is
   the proxied median minus the direct median, per direction; it must be
   within 1 ms of SPEC's median. The 5th and 95th percentiles are printed
   with SPEC's (for uniform:M:H, M - 0.9 H and M + 0.9 H).
2. Order: 8 connections, each sending 400 numbered lines about 0.1 ms apart
   (so that, without the rule, delays of +- H would reorder them) and then a
   FIN; the echo server echoes and closes on EOF. Every line must arrive, in
   order, in both directions, and the client must see the EOF.

Exits 0 if all holds, 1 otherwise. Runs the proxy with the same Python
(sys.executable), under nice -n -10 when root (--nice 0 to compare: on a
loaded 2-core VM an un-niced proxy wakes late, +0.5-1 ms); about 3 s.
"""
import argparse
import asyncio
import ctypes
import os
import selectors
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from jitter_proxy import parse_spec   # noqa: E402

NOW = time.monotonic


class Echo(asyncio.Protocol):
    """Echo server side: records each line's arrival time, echoes it with
    the echo time appended; closes after the client's EOF."""

    def __init__(self, log):
        self.log = log
        self.buf = b""

    def connection_made(self, t):
        self.t = t

    def data_received(self, data):
        now = NOW()
        self.buf += data
        *lines, self.buf = self.buf.split(b"\n")
        out = []
        for ln in lines:
            self.log.append((ln, now))
            out.append(b"%s %.9f\n" % (ln, NOW()))
        self.t.write(b"".join(out))

    def eof_received(self):
        self.t.close()


class Client(asyncio.Protocol):
    def __init__(self):
        self.buf = b""
        self.lines = []       # (line, arrival time)
        self.eof = asyncio.get_running_loop().create_future()

    def connection_made(self, t):
        import socket
        t.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.t = t

    def data_received(self, data):
        now = NOW()
        self.buf += data
        *lines, self.buf = self.buf.split(b"\n")
        self.lines.extend((ln, now) for ln in lines)

    def eof_received(self):
        if not self.eof.done():
            self.eof.set_result(True)

    def connection_lost(self, exc):
        if not self.eof.done():
            self.eof.set_result(False)


def pct(v, f):
    s = sorted(v)
    return s[min(len(s) - 1, int(f * len(s)))]


async def delays(port, conns=8, msgs=40, gap=0.012):
    loop = asyncio.get_running_loop()
    cls = []
    for _ in range(conns):
        _, c = await loop.create_connection(Client, "127.0.0.1", port)
        cls.append(c)

    async def one(i, c):
        await asyncio.sleep(gap * i / conns)   # stagger the connections
        for s in range(msgs):
            c.t.write(b"d %d %d %.9f\n" % (i, s, NOW()))
            await asyncio.sleep(gap)
        c.t.write_eof()
        await asyncio.wait_for(c.eof, 10)
    await asyncio.gather(*(one(i, c) for i, c in enumerate(cls)))
    return cls


async def order(port, conns=8, msgs=400):
    loop = asyncio.get_running_loop()
    cls = []
    for _ in range(conns):
        _, c = await loop.create_connection(Client, "127.0.0.1", port)
        cls.append(c)

    async def one(i, c):
        for s in range(msgs):
            c.t.write(b"o %d %d 0\n" % (i, s))
            t = NOW() + 0.0001
            while NOW() < t:       # 0.1 ms apart: shorter than the loop's timer
                await asyncio.sleep(0)
        c.t.write_eof()
        return await asyncio.wait_for(c.eof, 20)
    eofs = await asyncio.gather(*(one(i, c) for i, c in enumerate(cls)))
    return cls, eofs


async def main_async(args):
    loop = asyncio.get_running_loop()
    slog = []
    srv = await loop.create_server(lambda: Echo(slog), "127.0.0.1", 0)
    eport = srv.sockets[0].getsockname()[1]
    nice = ["nice", "-n", str(args.nice)] if args.nice else []
    proc = subprocess.Popen(nice + [sys.executable, os.path.join(HERE, "jitter_proxy.py"), "--delay", args.delay,
                             "--seed", args.seed, "127.0.0.1:%d" % eport],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ok = True
    try:
        line = await asyncio.wait_for(loop.run_in_executor(None, proc.stdout.readline), 10)
        if not line.startswith("listening on "):
            raise SystemExit("jitter_check: proxy did not start: %r %s" % (line, proc.stderr.read()))
        pport = int(line.split()[2])

        res = {}
        for name, port in (("direct", eport), ("proxy", pport)):
            slog.clear()
            cls = await delays(port)
            arr = {ln: t for ln, t in slog}
            up, down = [], []
            for c in cls:
                for ln, t2 in c.lines:
                    f = ln.split()
                    key = b" ".join(f[:4])
                    t0, t1, te = float(f[3]), arr[key], float(f[4])
                    up.append((t1 - t0) * 1000)
                    down.append((t2 - te) * 1000)
            res[name] = (up, down)
        _, exp_med, text = parse_spec(args.delay)
        print("jitter_check: delay %s; one-way ms, median (p5 / p95), %d lines per direction" % (
            text, len(res["proxy"][0])))
        exp = ""
        if args.delay.startswith("uniform:"):
            m, h = (float(x) for x in args.delay.split(":")[1:])
            exp = " (expected p5 %.2f, p95 %.2f)" % (m - 0.9 * h, m + 0.9 * h)
        for d, k in (("client -> server", 0), ("server -> client", 1)):
            dm = statistics.median(res["direct"][k])
            pv = res["proxy"][k]
            add = statistics.median(pv) - dm
            good = abs(add - exp_med) <= 1.0
            ok &= good
            print("  %s: direct %.3f, proxy %.3f (%.2f / %.2f), added %.3f, expected %.3f: %s%s" % (
                d, dm, statistics.median(pv), pct(pv, .05) - dm, pct(pv, .95) - dm, add, exp_med,
                "ok" if good else "OFF BY MORE THAN 1 MS", exp))

        slog.clear()
        cls, eofs = await order(pport)
        bad = []
        for i, c in enumerate(cls):
            ups = [int(ln.split()[2]) for ln, _ in slog if ln.split()[1] == b"%d" % i]
            downs = [int(ln.split()[2]) for ln, _ in c.lines]
            if ups != list(range(400)):
                bad.append("conn %d client -> server: %d lines, first out of order at %s" % (
                    i, len(ups), next((k for k, v in enumerate(ups) if v != k), "-")))
            if downs != list(range(400)):
                bad.append("conn %d server -> client: %d lines, first out of order at %s" % (
                    i, len(downs), next((k for k, v in enumerate(downs) if v != k), "-")))
            if not eofs[i]:
                bad.append("conn %d: no EOF after the data" % i)
        ok &= not bad
        print("  order: 8 connections x 400 lines 0.1 ms apart, both directions, then EOF: %s" % (
            "ok" if not bad else "BROKEN"))
        for b in bad[:10]:
            print("    " + b)
    finally:
        proc.terminate()
        try:
            _, err = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
        srv.close()
    for ln in err.splitlines():
        if "lateness" in ln:
            print("  " + ln)
    print("jitter_check: %s" % ("PASS" if ok else "FAIL"))
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--delay", default="uniform:5:2")
    ap.add_argument("--seed", default="1")
    ap.add_argument("--nice", type=int, default=-10 if os.geteuid() == 0 else 0,
                    help="run the proxy under nice -n N (default -10 as root, as bench/race_jitter.sh)")
    args = ap.parse_args()
    try:
        ctypes.CDLL(None).prctl(29, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    loop = asyncio.SelectorEventLoop(selectors.SelectSelector())
    try:
        sys.exit(loop.run_until_complete(main_async(args)))
    finally:
        loop.close()


if __name__ == "__main__":
    main()
