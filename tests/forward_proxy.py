#!/usr/bin/env python3
"""forward_proxy.py: a small HTTP forward proxy for tests/net_options_test.sh.

  forward_proxy.py PORT_FILE LOG_FILE [USER:PASSWORD]

Listens on 127.0.0.1 (a free port, written to PORT_FILE once it listens) and
forwards every absolute-form request (GET http://host:port/path HTTP/1.1) to
127.0.0.1 on that URL's port, whatever the host: a made-up host name reaches
the local server only through the proxy, so a request that arrives there
went through it. With USER:PASSWORD, a request without the right
Proxy-Authorization (Basic) gets 407 and is not forwarded. LOG_FILE gets one
line per request: "METHOD URL auth=ok|none|wrong|open", and every
Proxy-Authorization value seen, so that a test can check what was sent.
Plain HTTP only (no CONNECT). Hop-by-hop fields are dropped both ways.
"""
import base64
import http.client
import http.server
import os
import socketserver
import sys
import threading
import urllib.parse

PORT_FILE, LOG_FILE = sys.argv[1], sys.argv[2]
CRED = sys.argv[3] if len(sys.argv) > 3 else None
WANT = 'Basic ' + base64.b64encode(CRED.encode()).decode() if CRED else None
HOP = {'connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer',
       'transfer-encoding', 'upgrade'}
lock = threading.Lock()


def log(line):
    with lock, open(LOG_FILE, 'a') as f:
        f.write(line + '\n')


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):
        pass

    def __getattr__(self, name):      # do_GET, do_PUT, do_PATCH, do_MKCOL, ...
        if name.startswith('do_'):
            return self.forward
        raise AttributeError(name)

    def reply(self, status, reason, extra=()):
        body = ('%d %s\n' % (status, reason)).encode()
        self.send_response(status, reason)
        for k, v in extra:
            self.send_header(k, v)
        self.send_header('Content-Type', 'text/plain')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(body)

    def forward(self):
        auth = self.headers.get('Proxy-Authorization')
        if auth:
            log('proxy-authorization: ' + auth)
        state = 'open' if not WANT else 'none' if auth is None else 'ok' if auth == WANT else 'wrong'
        url = urllib.parse.urlsplit(self.path)
        log('%s %s auth=%s' % (self.command, self.path, state))
        n = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(n) if n else None
        if state in ('none', 'wrong'):
            self.reply(407, 'Proxy Authentication Required', [('Proxy-Authenticate', 'Basic realm="ifm"')])
            return
        if url.scheme != 'http' or not url.hostname:
            self.reply(400, 'Bad Request (absolute http:// URLs only)')
            return
        path = url.path or '/'
        if url.query:
            path += '?' + url.query
        try:
            up = http.client.HTTPConnection('127.0.0.1', url.port or 80, timeout=30)
            up.putrequest(self.command, path, skip_host=True, skip_accept_encoding=True)
            for k, v in self.headers.items():
                if k.lower() not in HOP:
                    up.putheader(k, v)
            up.putheader('Connection', 'close')
            up.endheaders(body)
            r = up.getresponse()
            data = r.read()
        except (OSError, ValueError, http.client.HTTPException) as e:
            self.reply(502, 'Bad Gateway (%s)' % type(e).__name__)
            return
        self.send_response(r.status, r.reason)
        for k, v in r.getheaders():
            if k.lower() not in HOP and k.lower() != 'content-length':
                self.send_header(k, v)
        if self.command != 'HEAD' and r.status not in (204, 304):
            self.send_header('Content-Length', str(len(data)))
        elif r.getheader('Content-Length') is not None:
            self.send_header('Content-Length', r.getheader('Content-Length'))
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(data)
        up.close()


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


srv = Server(('127.0.0.1', 0), Proxy)
with open(PORT_FILE + '.tmp', 'w') as f:
    f.write(str(srv.server_address[1]))
os.rename(PORT_FILE + '.tmp', PORT_FILE)
srv.serve_forever()
