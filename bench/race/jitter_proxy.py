#!/usr/bin/env python3
"""A delaying TCP proxy for bench/race_jitter.sh: this kernel has no netem.

  jitter_proxy.py [--port N] [--delay SPEC] [--seed S] TARGET_HOST:TARGET_PORT

Listens on 127.0.0.1:N (0 = any free port), prints "listening on PORT" when
ready, and forwards every accepted connection to TARGET. Each chunk read from
either side (one recv, up to 64 KiB) is written to the other side after a
random delay drawn from SPEC, independently per connection and direction.
Order is kept within a connection and direction: a chunk whose delay would
send it before the previous one goes right after it (so its delay is
max(drawn, previous send time - now)). An EOF (half-close) is delayed the same
way, so a FIN never overtakes data. TCP_NODELAY on both sides.

SPEC (milliseconds):  uniform:MEAN:HALF  (default uniform:5:2, i.e. 5 +- 2 ms)
                      normal:MEAN:SD     (truncated at 0)
                      const:MS
The random draws of connection k (in accept order) and direction d come from
random.Random("SEED/k/d"), so a run is reproducible given --seed and the order
in which connections arrive.

Bounds: --max-conns (256; past it a new connection is closed at once),
--max-queue bytes held per direction (1 MiB; the reading side is paused until
it drains), --connect-timeout (5 s), --idle-timeout (60 s without a byte in
either direction closes the pair). Exits on SIGTERM or SIGINT, and prints on
stderr a summary: connections, chunks, bytes, and the timer's lateness (actual
write time minus scheduled time, median / p95 / max in microseconds).

Timer precision: asyncio's default epoll selector rounds every timeout up to
a whole millisecond (here: +0.8 ms late, median); the select() selector takes
microseconds, and with the process's timer slack set to 1 ns (prctl) the
median lateness is about 70 us on the 2-core VM of bench/README.md. select()
limits file descriptors to < 1024, hence --max-conns <= 480.
"""
import argparse
import asyncio
import collections
import ctypes
import random
import selectors
import signal
import socket
import sys
import time

CHUNK = 65536


def parse_spec(spec):
    """Returns (draw(rng) -> seconds, expected median in ms, text)."""
    p = spec.split(":")
    try:
        v = [float(x) for x in p[1:]]
    except ValueError:
        raise SystemExit("jitter_proxy: bad --delay %r" % spec)
    if p[0] == "uniform" and len(v) == 2 and v[1] >= 0 and v[0] - v[1] >= 0:
        m, h = v
        return (lambda r: r.uniform(m - h, m + h) / 1000.0), m, "uniform %g +- %g ms" % (m, h)
    if p[0] == "normal" and len(v) == 2 and v[0] >= 0 and v[1] >= 0:
        m, sd = v
        return (lambda r: max(0.0, r.gauss(m, sd)) / 1000.0), m, "normal %g ms, sd %g ms" % (m, sd)
    if p[0] == "const" and len(v) == 1 and v[0] >= 0:
        c = v[0]
        return (lambda r: c / 1000.0), c, "constant %g ms" % c
    raise SystemExit("jitter_proxy: bad --delay %r (uniform:MEAN:HALF, normal:MEAN:SD, const:MS)" % spec)


class Stats:
    def __init__(self):
        self.conns = 0
        self.refused = 0
        self.chunks = 0
        self.bytes = 0
        self.late = []          # microseconds, bounded reservoir
        self.seen = 0
        self.rng = random.Random(1)

    def lateness(self, us):
        self.seen += 1
        if len(self.late) < 100000:
            self.late.append(us)
        else:
            k = self.rng.randrange(self.seen)
            if k < len(self.late):
                self.late[k] = us

    def summary(self):
        s = sorted(self.late)
        q = (lambda f: s[min(len(s) - 1, int(f * len(s)))]) if s else (lambda f: float("nan"))
        return ("jitter_proxy: %d connections (%d refused), %d chunks, %d bytes; timer lateness us "
                "median %.0f p95 %.0f max %.0f" % (self.conns, self.refused, self.chunks, self.bytes,
                                                   q(0.5), q(0.95), s[-1] if s else float("nan")))


class Pipe:
    """One direction of a connection: chunks read from src, written to dst
    after their delay, in order."""

    def __init__(self, pair, rng, name):
        self.pair = pair
        self.rng = rng
        self.name = name
        self.q = collections.deque()   # (when, bytes or None for EOF)
        self.held = 0
        self.last = 0.0                # scheduled time of the previous chunk
        self.timer = None
        self.src = None                # transports, set by Pair
        self.dst = None
        self.src_paused = False
        self.dst_full = False

    def push(self, data):
        loop = self.pair.loop
        now = loop.time()
        when = max(now + self.pair.draw(self.rng), self.last)
        self.last = when
        self.q.append((when, data))
        if data:
            self.held += len(data)
            if self.held > self.pair.max_queue and not self.src_paused and self.src:
                self.src.pause_reading()
                self.src_paused = True
        if self.timer is None and self.dst is not None and not self.dst_full:
            self.timer = loop.call_at(self.q[0][0], self.flush)

    def kick(self):
        """Upstream connected or dst writable again: restart the timer."""
        if self.timer is None and self.q and self.dst is not None and not self.dst_full:
            self.timer = self.pair.loop.call_at(self.q[0][0], self.flush)

    def flush(self):
        self.timer = None
        loop = self.pair.loop
        st = self.pair.stats
        while self.q and not self.dst_full:
            when, data = self.q[0]
            now = loop.time()
            if when > now + 5e-6:
                break
            self.q.popleft()
            st.lateness((now - when) * 1e6)
            if data is None:
                if self.dst.can_write_eof():
                    self.dst.write_eof()
                self.pair.half_closed(self)
                return
            self.held -= len(data)
            st.chunks += 1
            st.bytes += len(data)
            self.dst.write(data)
            self.pair.touch()
        if self.src_paused and self.held <= self.pair.max_queue // 2 and self.src:
            self.src.resume_reading()
            self.src_paused = False
        self.kick()


class Side(asyncio.Protocol):
    """The protocol on one socket; data read goes into its pipe `out`, and
    flow control of its transport pauses the pipe `into` it."""

    def __init__(self, pair, out, into):
        self.pair = pair
        self.out = out
        self.into = into

    def connection_made(self, transport):
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data):
        self.pair.touch()
        self.out.push(data)

    def eof_received(self):
        self.out.push(None)
        return True            # keep the transport open for the other direction

    def pause_writing(self):
        self.into.dst_full = True

    def resume_writing(self):
        self.into.dst_full = False
        self.into.kick()

    def connection_lost(self, exc):
        self.pair.close()


class Pair:
    def __init__(self, proxy, k):
        self.proxy = proxy
        self.loop = proxy.loop
        self.draw = proxy.draw
        self.stats = proxy.stats
        self.max_queue = proxy.args.max_queue
        seed = proxy.args.seed
        self.up = Pipe(self, random.Random("%s/%d/up" % (seed, k)), "up")      # client -> target
        self.down = Pipe(self, random.Random("%s/%d/down" % (seed, k)), "down")  # target -> client
        self.client = None
        self.target = None
        self.closed = False
        self.done = set()
        self.last_io = self.loop.time()
        self.idle = None

    def touch(self):
        self.last_io = self.loop.time()

    def check_idle(self):
        self.idle = None
        if self.closed:
            return
        left = self.last_io + self.proxy.args.idle_timeout - self.loop.time()
        if left <= 0:
            self.close()
        else:
            self.idle = self.loop.call_later(left, self.check_idle)

    def half_closed(self, pipe):
        self.done.add(pipe.name)
        if len(self.done) == 2:
            self.close()

    def close(self):
        if self.closed:
            return
        self.closed = True
        for p in (self.up, self.down):
            if p.timer:
                p.timer.cancel()
                p.timer = None
        if self.idle:
            self.idle.cancel()
        for t in (self.client, self.target):
            if t is not None:
                t.close()
        self.proxy.pairs.discard(self)

    async def connect(self):
        a = self.proxy.args
        try:
            t, _ = await asyncio.wait_for(
                self.loop.create_connection(lambda: Side(self, self.down, self.up), a.host, a.tport),
                a.connect_timeout)
        except (OSError, asyncio.TimeoutError) as e:
            print("jitter_proxy: connect to %s:%d: %s" % (a.host, a.tport, e), file=sys.stderr)
            self.close()
            return
        if self.closed:
            t.close()
            return
        self.target = t
        self.up.dst = t
        self.down.src = t
        self.up.kick()
        self.idle = self.loop.call_later(a.idle_timeout, self.check_idle)


class Proxy:
    def __init__(self, args, loop):
        self.args = args
        self.loop = loop
        self.draw, _, self.text = parse_spec(args.delay)
        self.stats = Stats()
        self.pairs = set()
        self.k = 0

    def accept(self):
        if len(self.pairs) >= self.args.max_conns:
            self.stats.refused += 1
            return _Refuse()
        self.k += 1
        self.stats.conns += 1
        pair = Pair(self, self.k)
        self.pairs.add(pair)
        side = Side(pair, pair.up, pair.down)
        orig = side.connection_made

        def made(transport):
            orig(transport)
            pair.client = transport
            pair.up.src = transport
            pair.down.dst = transport
            pair.down.kick()
            self.loop.create_task(pair.connect())
        side.connection_made = made
        return side


class _Refuse(asyncio.Protocol):
    def connection_made(self, transport):
        transport.abort()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("target", help="HOST:PORT to forward to")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--delay", default="uniform:5:2")
    ap.add_argument("--seed", default="1")
    ap.add_argument("--max-conns", type=int, default=256)
    ap.add_argument("--max-queue", type=int, default=1 << 20)
    ap.add_argument("--connect-timeout", type=float, default=5.0)
    ap.add_argument("--idle-timeout", type=float, default=60.0)
    args = ap.parse_args()
    host, _, port = args.target.rpartition(":")
    if not host or not port.isdigit():
        raise SystemExit("jitter_proxy: target must be HOST:PORT")
    args.host, args.tport = host, int(port)
    if not 1 <= args.max_conns <= 480:
        raise SystemExit("jitter_proxy: --max-conns must be 1..480 (select() and its 1024 descriptors)")
    try:   # timer slack 1 ns: wake-ups on time, not up to 50 us late
        ctypes.CDLL(None, use_errno=True).prctl(29, 1, 0, 0, 0)   # PR_SET_TIMERSLACK
    except (OSError, AttributeError):
        pass
    loop = asyncio.SelectorEventLoop(selectors.SelectSelector())
    asyncio.set_event_loop(loop)
    proxy = Proxy(args, loop)
    server = loop.run_until_complete(loop.create_server(
        proxy.accept, "127.0.0.1", args.port, backlog=1024, reuse_address=True))
    stop = loop.create_future()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, lambda: stop.done() or stop.set_result(None))
    port = server.sockets[0].getsockname()[1]
    print("listening on %d" % port, flush=True)
    print("jitter_proxy: 127.0.0.1:%d -> %s:%d, delay %s per chunk and direction, seed %s" % (
        port, args.host, args.tport, proxy.text, args.seed), file=sys.stderr, flush=True)
    loop.run_until_complete(stop)
    server.close()
    for p in list(proxy.pairs):
        p.close()
    loop.run_until_complete(asyncio.sleep(0))
    print(proxy.stats.summary(), file=sys.stderr, flush=True)
    loop.close()


if __name__ == "__main__":
    main()
