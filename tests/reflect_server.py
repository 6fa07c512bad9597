#!/usr/bin/env python3
"""reflect_server.py: a hostile server for tests/redact_test.sh. A resource
store (PUT creates or replaces, GET, HEAD, PATCH replaces, DELETE) that
reflects every request into its answers, the way a debugging proxy or a
careless API does, so that every credential the runner sends comes back:

  - every request field in response fields: X-Echo-<name> as sent,
    X-Echo-B64-<name> in base64, X-Echo-Pct-<name> percent-encoded;
  - every request field in the body of every answer except a read of a
    stored resource (which gives the stored bytes back, so the target works),
    each also in base64 and percent-encoded, a Basic credential decoded, and
    all of them at once in base64 (each secret inside a longer base64 text);
  - in the ETag: the credentials after the auth scheme and the X-Api-Key
    value. It never changes on a write (a flaw: the suite FAILs, and its
    expected/got quote the ETag);
  - in Location (on a create): the credential fields, percent-encoded.

Under /echo-body/ a read answers the echo instead of the stored bytes, with
the Authorization value across byte 80: the runner's preflight quotes the
first 80 bytes of what it read back.

Usage: reflect_server.py LOGFILE. Prints "listening http://127.0.0.1:PORT"
once it listens; LOGFILE gets every request's fields (so the test knows the
secrets were sent). Loopback only.
"""
import base64
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

store = {}
lock = threading.Lock()
log = open(sys.argv[1], "a", encoding="latin-1")


def b64(s):
    return base64.b64encode(s.encode("latin-1")).decode()


def pct(s):
    return urllib.parse.quote(s, safe="")


class Reflect(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def fields(self):
        return list(self.headers.items())

    def echo_text(self):
        lines = ["%s %s" % (self.command, self.path)]
        for k, v in self.fields():
            lines += ["%s: %s" % (k, v), "%s in base64: %s" % (k, b64(v)), "%s percent-encoded: %s" % (k, pct(v))]
        auth = self.headers.get("Authorization", "")
        if auth[:6].lower() == "basic ":
            try:
                plain = base64.b64decode(auth[6:]).decode("latin-1")
                lines += ["Basic decoded: " + plain, "password: " + plain.split(":", 1)[-1]]
            except ValueError:
                pass
        lines.append("all in base64: " + b64("\n".join("%s: %s" % kv for kv in self.fields())))
        return "\n".join(lines) + "\n"

    def credential(self):
        auth = self.headers.get("Authorization", "")
        return auth.split(" ", 1)[1].strip() if " " in auth else auth

    def etag(self):
        return '"%s:%s"' % (self.credential(), self.headers.get("X-Api-Key", ""))

    def body_in(self):
        n = int(self.headers.get("Content-Length", "0") or 0)
        return self.rfile.read(n) if n else b""

    def answer(self, status, body=None, etag=False, location=None, extra=()):
        if body is None:
            body = self.echo_text().encode("latin-1")
        self.send_response(status)
        for k, v in self.fields():
            self.send_header("X-Echo-" + k, v)
            self.send_header("X-Echo-B64-" + k, b64(v))
            self.send_header("X-Echo-Pct-" + k, pct(v))
        if etag:
            self.send_header("ETag", self.etag())
        if location:
            self.send_header("Location", location)
        for k, v in extra:
            self.send_header(k, v)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def precondition_fails(self, exists):
        im = self.headers.get("If-Match")
        inm = self.headers.get("If-None-Match")
        if im is not None:
            if im.strip() == "*":
                if not exists:
                    return True
            elif not exists or self.etag() not in [t.strip() for t in im.split(",")]:
                return True
        if inm is not None and exists and (inm.strip() == "*" or self.etag() in inm):
            return True
        return False

    def resource(self):
        return urllib.parse.urlsplit(self.path).path

    def do_GET(self):
        path = self.resource()
        with lock:
            body = store.get(path)
        log.write(self.echo_text())
        log.flush()
        if body is None:
            self.answer(404)
        elif path.startswith("/echo-body/"):
            self.answer(200, ("x" * 70 + self.headers.get("Authorization", "") + "\n" + self.echo_text())
                        .encode("latin-1"), etag=True)
        else:
            self.answer(200, body, etag=True)

    do_HEAD = do_GET

    def write(self, patch=False):
        path = self.resource()
        data = self.body_in()
        log.write(self.echo_text())
        log.flush()
        with lock:
            exists = path in store
            if self.precondition_fails(exists):
                status = 412
            elif patch and not exists:
                status = 404
            else:
                store[path] = data
                status = 200 if exists else 201
        location = None
        if status == 201:
            location = "%s?auth=%s&cookie=%s&key=%s" % (path, pct(self.headers.get("Authorization", "")),
                                                        pct(self.headers.get("Cookie", "")),
                                                        pct(self.headers.get("X-Api-Key", "")))
        self.answer(status, etag=status in (200, 201), location=location)

    def do_PUT(self):
        self.write()

    def do_PATCH(self):
        self.write(patch=True)

    def do_DELETE(self):
        path = self.resource()
        self.body_in()
        log.write(self.echo_text())
        log.flush()
        with lock:
            exists = path in store
            if self.precondition_fails(exists):
                status = 412
            elif exists:
                del store[path]
                status = 200
            else:
                status = 404
        self.answer(status)

    def do_OPTIONS(self):
        self.answer(200, extra=[("Allow", "GET, HEAD, PUT, PATCH, DELETE, OPTIONS")])

    def do_POST(self):
        self.body_in()
        self.answer(405, extra=[("Allow", "GET, HEAD, PUT, PATCH, DELETE, OPTIONS")])


server = ThreadingHTTPServer(("127.0.0.1", 0), Reflect)
server.daemon_threads = True
print("listening http://127.0.0.1:%d" % server.server_address[1], flush=True)
server.serve_forever()
