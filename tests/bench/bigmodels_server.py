#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bigmodels_server.py: a fake Open WebUI whose /api/models serves a given
file (the 5000-model document), for the footprint benchmark
(python3 standard library only).

    bigmodels_server.py --models FILE [--bind 127.0.0.1]

Binds port 0, prints "READY <port>", serves until stdin closes or SIGTERM:
  GET  /health                 200 {"status":true}
  GET  /api/models             200 FILE (needs Authorization: Bearer sk-test-good)
  POST /api/chat/completions   200 a completion whose content is HEALTHY
Any path prefix before these is ignored (/x/health works too). TCP_NODELAY
is set, as uvicorn does, so replies on a reused connection are not held
back by Nagle's algorithm against the client's delayed ACK.
"""

import argparse
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GOOD_KEY = "sk-test-good"
CHAT = (b'{"id":"bench","object":"chat.completion","model":"llama3.2:3b",'
        b'"choices":[{"index":0,"finish_reason":"stop","message":'
        b'{"role":"assistant","content":"HEALTHY"}}]}')


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    models = b""

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        if path.endswith("/health"):
            return self.reply(200, b'{"status":true}')
        if path.endswith("/api/models"):
            if self.headers.get("Authorization") != "Bearer " + GOOD_KEY:
                return self.reply(401, b'{"detail":"Not authenticated"}')
            return self.reply(200, self.models)
        return self.reply(404, b'{"detail":"Not Found"}')

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(n)
        if self.path.endswith("/api/chat/completions"):
            return self.reply(200, CHAT)
        return self.reply(405, b'{"detail":"Method Not Allowed"}')


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", required=True)
    ap.add_argument("--bind", default="127.0.0.1")
    args = ap.parse_args()
    with open(args.models, "rb") as f:
        Handler.models = f.read()
    server = Server((args.bind, 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdout.write("READY %d\n" % server.server_address[1])
    sys.stdout.flush()
    try:
        while os.read(sys.stdin.fileno(), 4096):
            pass
    except (OSError, KeyboardInterrupt):
        pass
    os._exit(0)


if __name__ == "__main__":
    main()
