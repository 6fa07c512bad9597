#!/usr/bin/env python3
"""Where the spread of a last-byte round comes from: a loopback capture.

  wire.py PORT SECONDS OUT.tsv     (root: an AF_PACKET socket on lo)

Records, with kernel timestamps, every TCP segment to or from PORT on the
loopback interface, as it leaves the sender (PACKET_OUTGOING), until SECONDS
have passed or SIGTERM. Writes one line per segment: monotonic ns (the
capture's realtime stamp shifted by the clock offset measured at start, so it
compares with the server's --arrival-log), direction (c2s / s2c), client port,
payload bytes, and for a segment that starts a request its method, with -IM
when it has If-Match (PUT-IM), - otherwise. The one-byte client segments are the last bytes of a
last-byte release.
"""
import signal
import socket
import struct
import sys
import time

SO_TIMESTAMPNS = 35
PACKET_OUTGOING = 4


def main():
    port, secs, out = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(0x0003))
    s.bind(("lo", 0))
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 << 20)
    s.settimeout(0.2)
    off = time.clock_gettime_ns(time.CLOCK_REALTIME) - time.clock_gettime_ns(time.CLOCK_MONOTONIC)
    stop = [False]
    signal.signal(signal.SIGTERM, lambda *a: stop.__setitem__(0, True))
    end = time.monotonic() + secs
    rows = []
    print("wire: capturing", flush=True)
    while not stop[0] and time.monotonic() < end:
        try:
            data, anc, _, addr = s.recvmsg(2048, 64)
        except socket.timeout:
            continue
        except InterruptedError:
            continue
        if addr[2] != PACKET_OUTGOING or len(data) < 34 or data[12:14] != b"\x08\x00":
            continue
        ip = data[14:]
        if ip[9] != 6:
            continue
        ihl = (ip[0] & 15) * 4
        total = struct.unpack("!H", ip[2:4])[0]
        tcp = ip[ihl:]
        sport, dport = struct.unpack("!HH", tcp[0:4])
        doff = (tcp[12] >> 4) * 4
        plen = total - ihl - doff
        if plen <= 0:
            continue
        ts = 0
        for lvl, typ, val in anc:
            if lvl == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS:
                sec, nsec = struct.unpack("qq", val[:16])
                ts = sec * 1000000000 + nsec - off
        body = tcp[doff:]
        tag = "-"
        sp = body.find(b" /", 0, 10)
        if sp > 0 and body[:sp].isalpha() and body[:sp].isupper():
            tag = body[:sp].decode()
            if b"\r\nif-match:" in body.lower():
                tag += "-IM"
        if dport == port:
            rows.append((ts, "c2s", sport, plen, tag))
        elif sport == port:
            rows.append((ts, "s2c", dport, plen, tag))
    with open(out, "w") as f:
        for r in rows:
            f.write("%d\t%s\t%d\t%d\t%s\n" % r)


if __name__ == "__main__":
    main()
