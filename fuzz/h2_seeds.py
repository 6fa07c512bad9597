#!/usr/bin/env python3
"""fuzz/h2_seeds.py: writes the seed corpus of fuzz_server_h2 into
fuzz/corpus/server_h2/, each file named by its SHA-1. Run it again after
changing a seed (old files stay: delete the directory's files first).

A seed is what follows the client preface: frames (RFC 9113 section 4.1),
an empty SETTINGS first. Header blocks are HPACK built by hand (RFC 7541):
static-table indices for the pseudo-headers (0x82 :method GET, 0x84 :path /,
0x86 :scheme http), everything else a literal field without indexing, no
Huffman (section 6.2.2), so the bytes stay readable and mutable.
"""
import hashlib
import os
import struct

DATA, HEADERS, RST_STREAM, SETTINGS, PING, GOAWAY, WINDOW_UPDATE, CONTINUATION = 0, 1, 3, 4, 6, 7, 8, 9
END_STREAM, END_HEADERS = 0x1, 0x4


def frame(ftype, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([ftype, flags]) + struct.pack(">I", stream) + payload


def lit(name, value):
    """A literal field without indexing; name an int: a static-table index (< 15)."""
    def s(b):
        assert len(b) < 127
        return bytes([len(b)]) + b
    value = value.encode()
    if isinstance(name, int):
        return bytes([name]) + s(value)
    return b"\x00" + s(name.encode()) + s(value)


GET, ROOT, HTTP = b"\x82", b"\x84", b"\x86"


def method(m):
    return lit(2, m)


def path(p):
    return lit(4, p)


AUTH = lit(1, "localhost")
SETTINGS0 = frame(SETTINGS, 0, 0)

seeds = {
    "get-root": SETTINGS0 + frame(HEADERS, END_STREAM | END_HEADERS, 1, GET + ROOT + HTTP + AUTH),
    "put-body": SETTINGS0
    + frame(HEADERS, END_HEADERS, 1, method("PUT") + path("/x/a") + HTTP + AUTH + lit("content-type", "text/plain"))
    + frame(DATA, END_STREAM, 1, b"hello over h2\n"),
    # a stale If-Match on a missing resource: 412, and no write (the
    # write-then-412 flaw writes: fuzz_server_h2_catches_flaw)
    "put-stale": SETTINGS0
    + frame(HEADERS, END_HEADERS, 1, method("PUT") + path("/h2/stale") + HTTP + AUTH + lit("if-match", '"x"'))
    + frame(DATA, END_STREAM, 1, b"v2\n"),
    "star-missing": SETTINGS0
    + frame(HEADERS, END_HEADERS, 1, method("PUT") + path("/h2/star-missing") + HTTP + AUTH + lit("if-match", "*"))
    + frame(DATA, END_STREAM, 1, b"v\n"),
    "two-if-match": SETTINGS0
    + frame(HEADERS, END_HEADERS, 1,
            method("PUT") + path("/h2/two") + HTTP + AUTH + lit("if-match", '"a"') + lit("if-match", 'W/"b", "c"'))
    + frame(DATA, END_STREAM, 1, b"v\n"),
    "continuation": SETTINGS0
    + frame(HEADERS, END_STREAM, 1, GET + HTTP)
    + frame(CONTINUATION, END_HEADERS, 1, path("/x/a") + AUTH),
    "rst-stream": SETTINGS0
    + frame(HEADERS, END_HEADERS, 1, method("PUT") + path("/h2/rst") + HTTP + AUTH)
    + frame(DATA, 0, 1, b"half")
    + frame(RST_STREAM, 0, 1, struct.pack(">I", 8)),   # CANCEL
    "ping": SETTINGS0 + frame(PING, 0, 0, b"12345678")
    + frame(HEADERS, END_STREAM | END_HEADERS, 1, GET + ROOT + HTTP + AUTH),
    "goaway": SETTINGS0 + frame(HEADERS, END_STREAM | END_HEADERS, 1, GET + path("/x/a") + HTTP + AUTH)
    + frame(GOAWAY, 0, 0, struct.pack(">II", 0, 0)),
    "window-update": SETTINGS0 + frame(WINDOW_UPDATE, 0, 0, struct.pack(">I", 1 << 20))
    + frame(HEADERS, END_STREAM | END_HEADERS, 1, GET + path("/x/a") + HTTP + AUTH)
    + frame(WINDOW_UPDATE, 0, 1, struct.pack(">I", 1000)),
    # three streams in one packet: create, read, conditional delete
    "three-streams": SETTINGS0
    + frame(HEADERS, END_HEADERS, 1, method("PUT") + path("/h2/m") + HTTP + AUTH)
    + frame(DATA, END_STREAM, 1, b"m\n")
    + frame(HEADERS, END_STREAM | END_HEADERS, 3, GET + path("/h2/m") + HTTP + AUTH)
    + frame(HEADERS, END_STREAM | END_HEADERS, 5,
            method("DELETE") + path("/h2/m") + HTTP + AUTH + lit("if-match", '"nope"')),
    # the client's SETTINGS: no dynamic table, a small window
    "settings": frame(SETTINGS, 0, 0, struct.pack(">HIHI", 1, 0, 4, 16))
    + frame(HEADERS, END_STREAM | END_HEADERS, 1, method("HEAD") + path("/x/a") + HTTP + AUTH),
}

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "server_h2")
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    sha = hashlib.sha1(data).hexdigest()
    with open(os.path.join(out, sha), "wb") as f:
        f.write(data)
    print(sha, name, len(data))
