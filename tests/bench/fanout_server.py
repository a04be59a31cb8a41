#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""fanout_server.py: a fast fake Open WebUI + Uptime Kuma for the fan-out
and loop benchmarks, so that the fake is never what is measured (python3
standard library only).

    fanout_server.py [--procs N] [--bind 127.0.0.1] [--count FILE]

Event-driven (asyncio, one loop per process), N worker processes on one
port (SO_REUSEPORT, the kernel spreads connections). Prints
"READY <port> <pid> <pid>..." (the workers: read their CPU time in
/proc/PID/stat), serves until stdin closes or SIGTERM.

The first path segment sets the delay of the Open WebUI answers:
  d<base>            every answer <base> ms late
  d<base>s<spread>t<id>
                     <base> ms plus 0..<spread> ms, fixed per <id> (a hash),
                     so that answers come spread over time, not in one burst
then /health, /api/models, /api/chat/completions (any method) answer as
Open WebUI does for a healthy instance with llama3.2:3b. /api/push/<token>
answers {"ok":true} at once. HTTP/1.1 keep-alive, Content-Length bodies.
With --count, worker i keeps its number of pushes and of all requests as
two native 64-bit integers at offset 16 * i of FILE (shared memory: read
the file at any time, no request needed).
"""

import argparse
import asyncio
import mmap
import os
import re
import signal
import socket
import struct
import sys
import zlib

COUNTS = None  # (mmap, offset) of this worker's counters

HEALTH = b'{"status":true}'
MODELS = (b'{"data":[{"id":"llama3.2:3b","name":"llama3.2:3b","object":"model",'
          b'"owned_by":"ollama"},{"id":"qwen2.5:7b","name":"qwen2.5:7b",'
          b'"object":"model","owned_by":"ollama"}]}')
CHAT = (b'{"id":"bench","object":"chat.completion","model":"llama3.2:3b",'
        b'"choices":[{"index":0,"finish_reason":"stop","message":'
        b'{"role":"assistant","content":"HEALTHY"}}]}')
PUSHED = b'{"ok":true}'
DELAY = re.compile(rb"/d([0-9]+)(?:s([0-9]+)t([0-9A-Za-z_]+))?(/.*)")


def answer(body):
    return (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(body), body))


def count(push):
    if COUNTS is not None:
        mem, at = COUNTS
        pushes, requests = struct.unpack_from("=qq", mem, at)
        struct.pack_into("=qq", mem, at, pushes + push, requests + 1)


def route(path):
    """(delay_s, response bytes) for a request path."""
    path = path.split(b"?", 1)[0]
    count(path.startswith(b"/api/push/"))
    if path.startswith(b"/api/push/"):
        return 0.0, answer(PUSHED)
    delay = 0.0
    m = DELAY.fullmatch(path)
    if m:
        delay = int(m.group(1)) / 1000.0
        if m.group(2):
            delay += (zlib.crc32(m.group(3)) % (int(m.group(2)) + 1)) / 1000.0
        path = m.group(4)
    if path.endswith(b"/health"):
        return delay, answer(HEALTH)
    if path.endswith(b"/api/models"):
        return delay, answer(MODELS)
    if path.endswith(b"/api/chat/completions"):
        return delay, answer(CHAT)
    return delay, (b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")


class Conn(asyncio.Protocol):
    def connection_made(self, transport):
        self.t = transport
        self.buf = b""
        self.loop = asyncio.get_running_loop()
        sock = transport.get_extra_info("socket")
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data):
        self.buf += data
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buf[:end]
            length = 0
            for line in head.split(b"\r\n")[1:]:
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            if len(self.buf) < end + 4 + length:
                return
            self.buf = self.buf[end + 4 + length:]
            parts = head.split(b" ", 2)
            delay, out = route(parts[1] if len(parts) > 1 else b"/")
            if delay > 0:
                self.loop.call_later(delay, self.send, out)
            else:
                self.send(out)

    def send(self, out):
        if not self.t.is_closing():
            self.t.write(out)


def worker(sock, counts):
    global COUNTS
    COUNTS = counts
    loop = asyncio.new_event_loop()
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    server = loop.run_until_complete(
        loop.create_server(Conn, sock=sock, backlog=4096))
    try:
        loop.run_forever()
    finally:
        server.close()
    os._exit(0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--procs", type=int, default=2)
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--count")
    args = ap.parse_args()
    mem = None
    if args.count:
        with open(args.count, "wb+") as f:
            f.write(b"\0" * 16 * args.procs)
            f.flush()
            mem = mmap.mmap(f.fileno(), 16 * args.procs)
    first = socket.socket()
    first.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    first.bind((args.bind, 0))
    port = first.getsockname()[1]
    socks = [first]
    for _ in range(args.procs - 1):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        s.bind((args.bind, port))
        socks.append(s)
    for s in socks:
        s.listen(4096)
    pids = []
    for i, s in enumerate(socks):
        pid = os.fork()
        if pid == 0:
            worker(s, (mem, 16 * i) if mem is not None else None)
        pids.append(pid)
    for s in socks:
        s.close()
    print("READY %d %s" % (port, " ".join(map(str, pids))), flush=True)

    def stop(*_):
        for pid in pids:
            try:
                os.kill(pid, signal.SIGTERM)
            except OSError:
                pass
    signal.signal(signal.SIGTERM, lambda *_: (stop(), sys.exit(0)))
    try:
        sys.stdin.read()  # until the parent closes stdin
    finally:
        stop()
        for pid in pids:
            os.waitpid(pid, 0)


if __name__ == "__main__":
    main()
