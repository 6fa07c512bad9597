#!/usr/bin/env python3
"""tests/hostile_server.py: a server of the tests' own that behaves like a
small key-value store (PUT stores and answers a strong ETag, GET answers the
body and its ETag, If-None-Match: * and If-Match are honoured) except in one
hostile way, chosen by MODE:

  endless-if-match   a request carrying If-Match gets 200 and a chunked body
                     that never ends (the race writers of the suite carry it)
  many-headers       every response carries 100,000 header fields
  wide-headers       every response carries 1,500 header fields of 100 bytes
                     and one of 90,000 (within libcurl's limits of 100 KiB a
                     field and 300 KiB in all: the evidence kept must cut them)
  plain              none of these: the store alone, to compare with

Usage: hostile_server.py MODE PORTFILE: listens on 127.0.0.1 on a free port,
writes the port to PORTFILE, serves until killed. Standard library only.
"""
import hashlib
import socketserver
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODE = sys.argv[1]
STORE = {}
LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def extra_headers(self):
        if MODE == "many-headers":
            for i in range(100000):
                self.send_header("X-Filler-%d" % i, "v")
        elif MODE == "wide-headers":
            for i in range(1500):
                self.send_header("X-Wide-%d" % i, "w" * 100)
            self.send_header("X-Big", "b" * 90000)

    def answer(self, status, body=b"", etag=None):
        self.send_response(status)
        if etag:
            self.send_header("ETag", etag)
        self.extra_headers()
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def endless(self):
        self.send_response(200)
        self.send_header("ETag", '"endless"')
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b"x" * 65536
        try:
            while True:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except OSError:
            pass
        self.close_connection = True

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def do_GET(self):
        with LOCK:
            item = STORE.get(self.path)
        if item is None:
            self.answer(404)
        else:
            self.answer(200, item[0], item[1])

    do_HEAD = do_GET

    def do_OPTIONS(self):
        self.answer(204)

    def do_PUT(self):
        data = self.body()
        if MODE == "endless-if-match" and "If-Match" in self.headers:
            self.endless()
            return
        with LOCK:
            cur = STORE.get(self.path)
            if self.headers.get("If-None-Match") == "*" and cur is not None:
                self.answer(412)
                return
            im = self.headers.get("If-Match")
            if im is not None and (cur is None or (im != "*" and im != cur[1])):
                self.answer(412)
                return
            etag = '"%s"' % hashlib.sha256(data + self.path.encode()).hexdigest()[:16]
            STORE[self.path] = (data, etag)
        self.answer(201 if cur is None else 204, b"", etag)

    def do_DELETE(self):
        with LOCK:
            existed = STORE.pop(self.path, None) is not None
        self.answer(204 if existed else 404)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


def main():
    srv = Server(("127.0.0.1", 0), Handler)
    with open(sys.argv[2], "w") as f:
        f.write(str(srv.server_address[1]))
    srv.serve_forever()


if __name__ == "__main__":
    main()
