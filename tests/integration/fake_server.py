#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""fake_server.py: a fake Open WebUI and a fake Uptime Kuma for the
integration tests (python3 standard library only).

    fake_server.py --log FILE [--role both|owui|kuma] [--bind ADDR]
                   [--fixtures DIR] [--max-seconds N] [--idle-seconds N]
                   [--exit-on-stdin-eof]
                   [--tls-cert PEM --tls-key PEM]

Binds port 0, prints "READY <port>" on stdout, and appends one JSON line per
request to FILE (flushed at once, written before the answer, so a request
that is never answered is recorded too). Stops on SIGTERM/SIGINT, after
--max-seconds (600), after --idle-seconds without a request (300) and, with
--exit-on-stdin-eof, when its parent closes stdin.

Open WebUI: the first path segment chooses the behaviour, so a target URL
http://127.0.0.1:PORT/<mode> makes the agent request /<mode>/health,
/<mode>/api/models?refresh=true and /<mode>/api/chat/completions.
<mode> is one name for every endpoint, or per endpoint
"health=ok,models=huge,chat=hang" (missing endpoints: "default=..." or ok).

  ok          health_ok, models_ollama, chat_completion_ok (model must exist)
  mixed       models_mixed              empty     models_empty, chat 400
  openai      models_mixed, chat_completion_ok_openai (provider's body)
  stream      chat: 200 text/event-stream chunks (stream_response on):
              "HEAL", "THY", usage, [DONE], sent chunked in 9-byte pieces
  streamcrlf  the same with CRLF line ends, comments, an event's JSON over
              two data lines, 5-byte pieces
  streamcut   chat: "HEAL", "THY", then the stream ends without [DONE]
  streamerror chat: "HEAL", then "event: error" with a detail
  secondwrong chat: llama3.2:3b says HEALTHY, other models chat_completion_wrong
  wrongreply  chat_completion_wrong     longreply chat reply: long + ctrl chars
  echo        chat replies with the prompt
  after       chat replies with the prompt's text after its first ": "
  spa         200 text/html on every GET (the web app), POST 405
  hang        never answers             drip      one byte every 200 ms
  reset       headers + part of the body, then RST
  bighdr      200 with one 1 MiB header line
  huge        72 MiB of valid-looking JSON (chunked); then records
              {"role":"event","event":"stream-end","sent":N,...}
  notjson     200 application/json, not JSON
  truncated   200 application/json, cut in half
  500         500 text/plain "Internal Server Error"
  latin1      500 text/html; charset=iso-8859-1, a French error page
  wide        500 text/plain, 400 three-byte characters
  echohdr     500 text/plain: the request's headers, one per line
  echokey     models/chat: 401 {"detail":"Bad key <Authorization value>"}
  403         models/chat: 403 models_error_403_api_keys_disabled
  upstream401 chat: 401 chat_error_upstream_401
  nomodel     chat: 400 chat_error_model_not_found
  connerr     chat: 500 chat_error_server_connection
  slow<ms>    wait <ms>, then as ok
  nul         200 text/plain "head\0tail OK\0end" on every path
  flaky<x>    503 text/plain the first time per path, then as ok

/api/models and /api/chat/completions need "Authorization: Bearer
sk-test-good": none gives 401 models_error_401_no_auth, another key 401
models_error_401. Chat needs a JSON Content-Type (absent is accepted, as by
FastAPI) else 422 dict_type, and exactly the body
{"model":M,"messages":[{"role":"user","content":P}],"temperature":0,
"stream":false} else 422. Every answer carries X-Process-Time.

Uptime Kuma: GET /api/push/<token>?status=&msg=&ping= answers 200
{"ok":true}. Token prefixes: notfound (404 {"ok":false,...}), err500 (500),
flaky (503 the first time per token, then ok), html (200 text/html), hang
(never answers), slow<N>ms (answers after N ms), ratelimit (429 the first
time per token), bighdr (a 1 MiB header line), okfalse (200 {"ok":false,...}),
moved (301 to the same push with the prefix "ok" instead). Each push record has "violations": what the agent must
never do (POST, trailing slash, a repeated or unknown parameter, status not
exactly up|down, ping not an integer >= 1, msg longer than 250 characters
or with control characters, an Authorization header).
"""

import argparse
import json
import os
import re
import select
import signal
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

GOOD_KEY = "sk-test-good"
BODY_LOG_MAX = 65536
HUGE_BYTES = 72 * 1024 * 1024
BIG_HEADER_BYTES = 1024 * 1024
DRIP_INTERVAL = 0.2
PUSH_PARAMS = ("status", "msg", "ping")

SPA_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8" />'
    '<link rel="icon" href="/static/favicon.png" />'
    '<meta name="viewport" content="width=device-width, initial-scale=1" />'
    "<title>Open WebUI</title></head><body data-sveltekit-preload-data="
    '"hover"><div style="display: contents"></div></body></html>'
).encode()
KUMA_PAGE = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8" />'
    "<title>Uptime Kuma</title></head><body><div id=\"app\"></div>"
    "</body></html>"
).encode()

STOP = threading.Event()


def compact(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


class Fixtures:
    """tests/fixtures/openwebui: each reply's body (as Python objects and
    compact bytes), status and Content-Type, named by index.json."""

    def __init__(self, directory):
        with open(os.path.join(directory, "index.json"), encoding="utf-8") as f:
            self.index = json.load(f)
        self.obj = {}
        for name in self.index:
            path = os.path.join(directory, name + ".json")
            with open(path, encoding="utf-8") as f:
                self.obj[name] = json.load(f)
        self.known_models = set()
        for name in ("models_ollama", "models_mixed"):
            for model in self.obj[name]["data"]:
                self.known_models.add(model["id"])

    def body(self, name):
        return compact(self.obj[name])

    def status(self, name):
        return self.index[name]["status"]

    def ctype(self, name):
        return self.index[name]["content_type"]


class Recorder:
    """Appends one JSON line per request, flushed immediately."""

    def __init__(self, path):
        self.lock = threading.Lock()
        self.f = open(path, "a", encoding="utf-8")
        self.last = time.monotonic()

    def write(self, rec):
        line = json.dumps(rec, ensure_ascii=False)
        with self.lock:
            self.last = time.monotonic()
            self.f.write(line + "\n")
            self.f.flush()


def find_fixtures(explicit):
    here = os.path.dirname(os.path.abspath(__file__))
    path = explicit or os.path.join(here, "..", "fixtures", "openwebui")
    if not os.path.isfile(os.path.join(path, "index.json")):
        sys.exit("fake_server: no fixtures in %s (index.json missing)" % path)
    return path


def parse_mode(segment):
    """'ok' -> {'default': 'ok'}; 'health=ok,models=huge' -> dict."""
    if "=" not in segment:
        return {"default": segment}
    modes = {}
    for part in segment.split(","):
        key, _, value = part.partition("=")
        modes[key] = value
    return modes


def push_violations(method, rest, pairs, headers):
    """What Kuma received that the agent must never send."""
    v = []
    if method != "GET":
        v.append("method %s (Kuma 1.23 answers 404)" % method)
    if "/" in rest:
        v.append("path after token (trailing slash): Kuma serves its web page")
    seen = {}
    for key, value in pairs:
        seen.setdefault(key, []).append(value)
    for key, values in seen.items():
        if key not in PUSH_PARAMS:
            v.append("unexpected parameter %r" % key)
        if len(values) > 1:
            v.append("parameter %r repeated %d times" % (key, len(values)))
    status = seen.get("status")
    if status is None:
        v.append("status missing (Kuma defaults to up)")
    elif status[0] not in ("up", "down"):
        v.append("status %r is not exactly up or down" % status[0])
    msg = seen.get("msg")
    if msg is None:
        v.append("msg missing")
    else:
        if len(msg[0]) > 250:
            v.append("msg has %d characters (> 250)" % len(msg[0]))
        if any(ord(c) < 32 or ord(c) == 127 for c in msg[0]):
            v.append("msg has control characters")
    ping = seen.get("ping")
    if ping is not None and not re.fullmatch(r"[1-9][0-9]*", ping[0]):
        v.append("ping %r is not an integer >= 1" % ping[0])
    for name, _ in headers:
        if name.lower() in ("authorization", "x-api-key", "cookie"):
            v.append("%s header sent to Kuma" % name)
    return v


def chat_violations(ctype, body):
    """None when the request is what the contract says, else (why, detail)."""
    if ctype is not None:
        base = ctype.split(";")[0].strip().lower()
        if base != "application/json" and not base.endswith("+json"):
            return ("content-type %r" % ctype, [{
                "type": "dict_type", "loc": ["body"],
                "msg": "Input should be a valid dictionary",
                "input": body.decode("utf-8", "replace")}])
    try:
        obj = json.loads(body)
    except ValueError as e:
        return ("body is not JSON", [{
            "type": "json_invalid", "loc": ["body", 0],
            "msg": "JSON decode error", "input": {},
            "ctx": {"error": str(e)}}])

    def shape(why):
        return (why, [{"type": "value_error", "loc": ["body"], "msg": why,
                       "input": obj}])

    if not isinstance(obj, dict):
        return shape("body is not an object")
    if set(obj) != {"model", "messages", "temperature", "stream"}:
        return shape("keys %s" % sorted(obj))
    if not isinstance(obj["model"], str) or not obj["model"]:
        return shape("model is not a non-empty string")
    msgs = obj["messages"]
    if (not isinstance(msgs, list) or len(msgs) != 1
            or not isinstance(msgs[0], dict)
            or set(msgs[0]) != {"role", "content"}
            or msgs[0]["role"] != "user"
            or not isinstance(msgs[0]["content"], str)):
        return shape("messages is not [{role:user,content:PROMPT}]")
    t = obj["temperature"]
    if isinstance(t, bool) or not isinstance(t, (int, float)) or t != 0:
        return shape("temperature is not 0")
    if obj["stream"] is not False:
        return shape("stream is not false")
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "uvicorn"
    sys_version = ""
    timeout = 700  # a socket timeout, far above the server's own lifetime
    # Replies on a kept-alive connection must not wait for the client's
    # delayed ACK (Nagle): 40 ms per request would swamp every timing.
    disable_nagle_algorithm = True

    # set by main()
    fixtures = None
    recorder = None
    role = "both"
    owui_role = True
    flaky_seen = set()
    flaky_lock = threading.Lock()

    def log_message(self, fmt, *args):  # silence the default stderr log
        pass

    def version_string(self):
        return self.server_version

    def send_response(self, code, message=None):
        if self.owui_role:
            return super().send_response(code, message)
        # Express sends no Server header
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())
        return None

    # --- plumbing -------------------------------------------------------

    def read_body(self):
        length = self.headers.get("Content-Length")
        if length is not None:
            try:
                n = int(length)
            except ValueError:
                n = 0
            return self.rfile.read(n) if n > 0 else b""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        return b""

    def record(self, role, body, **extra):
        split = urlsplit(self.path)
        pairs = parse_qsl(split.query, keep_blank_values=True)
        query = {}
        for k, v in pairs:
            query.setdefault(k, []).append(v)
        rec = {
            "ts": time.time(),
            "role": role,
            "method": self.command,
            "path": unquote(split.path),
            "raw_path": self.path,
            "query_raw": split.query,
            "query_pairs": pairs,
            "query": query,
            "headers": list(self.headers.items()),
            "http_version": self.request_version,
            "body": body[:BODY_LOG_MAX].decode("utf-8", "replace"),
            "body_len": len(body),
            "client": list(self.client_address[:2]),
        }
        rec.update(extra)
        self.recorder.write(rec)
        return rec

    def header(self, name):
        return self.headers.get(name)

    def send(self, status, ctype, body, extra_headers=(), owui=True):
        self.owui_role = owui
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if owui:
            self.send_header("X-Process-Time", "0")
        else:
            self.send_header("X-Powered-By", "Express")
        for k, v in extra_headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, status, body, **kw):
        self.send(status, "application/json", body, **kw)

    def send_fixture(self, name, **kw):
        fx = self.fixtures
        self.send(fx.status(name), fx.ctype(name), fx.body(name), **kw)

    def wait_client_gone(self):
        """Holds the connection open, answering nothing, until the client
        closes it or the server stops."""
        conn = self.connection
        while not STOP.is_set():
            r, _, _ = select.select([conn], [], [], 1.0)
            if r:
                try:
                    if not conn.recv(65536):
                        break
                except OSError:
                    break
        self.close_connection = True

    def send_rst(self, status, ctype, body):
        head = ("HTTP/1.1 %d OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n"
                "X-Process-Time: 0\r\n\r\n" % (status, ctype, len(body)))
        conn = self.connection
        try:
            conn.sendall(head.encode() + body[: max(1, len(body) // 3)])
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                            struct.pack("ii", 1, 0))
            os.close(conn.detach())
        except OSError:
            pass
        self.close_connection = True

    def send_drip(self, first):
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json"
                         b"\r\nX-Process-Time: 0\r\nConnection: close\r\n\r\n")
        data = first
        self.close_connection = True
        try:
            while not STOP.is_set():
                for i in range(len(data)):
                    self.wfile.write(data[i:i + 1])
                    if STOP.wait(DRIP_INTERVAL):
                        return
                data = b" "
        except OSError:
            pass

    def send_huge(self):
        item = b'{"id":"model-%06d","object":"model","owned_by":"ollama"},'
        chunk = b"".join(item % i for i in range(1, 16385))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("X-Process-Time", "0")
        self.end_headers()
        self.close_connection = True
        parts = [b'{"status":true,"data":[']
        sent = 0
        complete = False
        try:
            while sent < HUGE_BYTES and not STOP.is_set():
                parts.append(chunk)
                for p in parts:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(p), p))
                    sent += len(p)
                parts = []
            last = b'{"id":"last"}]}'
            self.wfile.write(b"%x\r\n%s\r\n0\r\n\r\n" % (len(last), last))
            sent += len(last)
            complete = True
        except OSError:
            pass
        # how much the client took before it hung up (issue 5 fault 7)
        self.recorder.write({"ts": time.time(), "role": "event",
                             "event": "stream-end", "path": self.path,
                             "sent": sent, "complete": complete})

    def send_big_header(self, owui=True):
        """200 with one 1 MiB header line (libcurl 7.88: out of memory)."""
        self.send(200, "application/json", b'{"status":true,"ok":true}',
                  extra_headers=[("X-Big", "a" * BIG_HEADER_BYTES)],
                  owui=owui)

    # --- dispatch -------------------------------------------------------

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except OSError:  # TLS handshake refused by the client, resets
            self.close_connection = True

    def handle_any(self):
        body = self.read_body()
        path = urlsplit(self.path).path
        if self.role in ("both", "kuma") and path.startswith("/api/push"):
            return self.kuma(body)
        if self.role == "kuma":
            self.record("kuma", body, violations=["not a push path"])
            if self.command in ("GET", "HEAD"):
                return self.send(200, "text/html; charset=utf-8", KUMA_PAGE,
                                 owui=False)
            return self.send(404, "text/html; charset=utf-8",
                             b"Cannot %s %s" % (self.command.encode(),
                                                path.encode()), owui=False)
        return self.owui(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = handle_any

    # --- fake Uptime Kuma -----------------------------------------------

    def kuma(self, body):
        path = unquote(urlsplit(self.path).path)
        rest = path[len("/api/push/"):] if path.startswith("/api/push/") else ""
        token = rest.split("/")[0]
        pairs = parse_qsl(urlsplit(self.path).query, keep_blank_values=True)
        violations = push_violations(self.command, rest, pairs,
                                     self.headers.items())
        self.record("kuma", body, token=token, violations=violations)
        if not token:
            return self.send(404, "text/html; charset=utf-8",
                             b"Cannot GET " + path.encode(), owui=False)
        if self.command != "GET":
            return self.send(404, "text/html; charset=utf-8",
                             b"Cannot %s %s" % (self.command.encode(),
                                                path.encode()), owui=False)
        if "/" in rest:
            return self.send(200, "text/html; charset=utf-8", KUMA_PAGE,
                             owui=False)
        json_ct = "application/json; charset=utf-8"
        if token.startswith("hang"):
            return self.wait_client_gone()
        if token.startswith("notfound"):
            return self.send(404, json_ct, compact(
                {"ok": False, "msg": "Monitor not found or not active."}),
                owui=False)
        if token.startswith("err500"):
            return self.send(500, "text/plain; charset=utf-8",
                             b"Internal Server Error", owui=False)
        m = re.match(r"slow([0-9]+)ms", token)
        if m:  # Kuma 2.x sends its notifications before it answers
            if STOP.wait(int(m.group(1)) / 1000.0):
                return None
        if token.startswith("bighdr"):
            return self.send_big_header(owui=False)
        if token.startswith("moved"):  # a proxy in front of Kuma moved it
            query = urlsplit(self.path).query
            where = "http://%s/api/push/ok%s?%s" % (
                self.headers.get("Host", "127.0.0.1"), token[5:], query)
            return self.send(301, "text/html; charset=utf-8", b"Moved",
                             owui=False, extra_headers=[("Location", where)])
        if token.startswith("okfalse"):
            return self.send(200, json_ct, compact(
                {"ok": False, "msg": "Duplicate heartbeat"}), owui=False)
        if token.startswith("ratelimit"):
            with self.flaky_lock:
                first = token not in self.flaky_seen
                self.flaky_seen.add(token)
            if first:
                return self.send(429, "text/plain; charset=utf-8",
                                 b"Too Many Requests", owui=False,
                                 extra_headers=[("Retry-After", "1")])
        if token.startswith("flaky"):
            with self.flaky_lock:
                first = token not in self.flaky_seen
                self.flaky_seen.add(token)
            if first:
                return self.send(503, "text/html", b"<html><body><h1>503 "
                                 b"Service Unavailable</h1></body></html>",
                                 owui=False)
        if token.startswith("html"):
            return self.send(200, "text/html; charset=utf-8", KUMA_PAGE,
                             owui=False)
        return self.send(200, json_ct, compact({"ok": True}), owui=False)

    # --- fake Open WebUI ------------------------------------------------

    def owui(self, body):
        path = unquote(urlsplit(self.path).path)
        segs = path.split("/", 2)  # '', mode, rest
        mode_seg = segs[1] if len(segs) > 1 else ""
        rest = "/" + segs[2] if len(segs) > 2 else "/"
        if rest == "/health":
            endpoint = "health"
        elif rest == "/api/models":
            endpoint = "models"
        elif rest == "/api/chat/completions":
            endpoint = "chat"
        else:
            endpoint = "other"
        modes = parse_mode(mode_seg)
        mode = modes.get(endpoint, modes.get("default", "ok"))
        violations = []
        if endpoint == "models" and self.command == "GET":
            if urlsplit(self.path).query != "refresh=true":
                violations.append("models query is %r, not refresh=true"
                                   % urlsplit(self.path).query)
        chat_problem = None
        if endpoint == "chat" and self.command == "POST":
            chat_problem = chat_violations(self.header("Content-Type"), body)
            if self.header("Content-Type") is None:
                violations.append("chat request without Content-Type")
            if chat_problem:
                violations.append("chat request: " + chat_problem[0])
        self.record("owui", body, mode=mode, endpoint=endpoint,
                    violations=violations)

        if mode.startswith("flaky"):
            # 503 the first time per path (mode name included), then ok
            with self.flaky_lock:
                first = path not in self.flaky_seen
                self.flaky_seen.add(path)
            if first:
                return self.send(503, "text/plain; charset=utf-8",
                                 b"Service Unavailable")
            mode = "ok"
        m = re.fullmatch(r"slow([0-9]+)", mode)
        if m:
            if STOP.wait(int(m.group(1)) / 1000.0):
                return None
            mode = "ok"
        return self.answer(endpoint, mode, body, chat_problem)

    def answer(self, endpoint, mode, body, chat_problem):
        fx = self.fixtures
        get = self.command in ("GET", "HEAD")
        if mode == "hang":
            return self.wait_client_gone()
        if mode == "nul":  # keyword and regex must see past the first NUL
            return self.send(200, "text/plain; charset=utf-8",
                             b"head\x00tail OK\x00end")
        if endpoint == "other" or (endpoint == "health" and not get) \
                or mode == "spa":
            def web_app():
                if get:
                    return self.send(200, "text/html; charset=utf-8", SPA_PAGE)
                return self.send_json(405, compact(
                    {"detail": "Method Not Allowed"}))
            # the transport faults and 500 hit every path
            return self.transport_or(mode, "health_ok", web_app)
        if endpoint == "health":
            return self.transport_or(mode, "health_ok",
                                     lambda: self.send_fixture("health_ok"))
        if endpoint == "models":
            if not get:
                return self.send_json(405, compact({"detail": "Method Not Allowed"}))
            return self.auth_then(mode, "models_ollama", lambda: self.models(mode))
        # chat: GET falls through to the web app, like the real server
        if get:
            return self.send(200, "text/html; charset=utf-8", SPA_PAGE)
        return self.auth_then(mode, "chat_completion_ok",
                              lambda: self.chat(mode, body, chat_problem))

    def transport_or(self, mode, fixture, normal):
        body = self.fixtures.body(fixture)
        if mode == "drip":
            return self.send_drip(body[:-1])
        if mode == "reset":
            return self.send_rst(200, "application/json", body)
        if mode == "huge":
            return self.send_huge()
        if mode == "bighdr":
            return self.send_big_header()
        if mode == "notjson":
            return self.send_json(200, b'not json {"status": tru\x07e,,}')
        if mode == "truncated":
            return self.send_json(200, body[: max(2, len(body) // 2)])
        if mode == "500":
            return self.send(500, "text/plain; charset=utf-8",
                             b"Internal Server Error")
        if mode == "latin1":
            return self.send(500, "text/html; charset=iso-8859-1",
                             "<h1>Erreur interne</h1><p>R\u00e9essayez "
                             "\u00e0 nouveau, caf\u00e9 ferm\u00e9</p>"
                             .encode("latin-1"))
        if mode == "wide":
            return self.send(500, "text/plain; charset=utf-8",
                             ("\u6a21" * 400).encode())
        if mode == "echohdr":
            return self.send(500, "text/plain; charset=utf-8", "".join(
                "%s: %s\n" % kv for kv in self.headers.items()).encode())
        return normal()

    def auth_then(self, mode, fixture, normal):
        fx = self.fixtures
        auth = self.header("Authorization")
        if auth is None:
            return self.send_fixture("models_error_401_no_auth",
                                  extra_headers=[("WWW-Authenticate", "Bearer")])
        if mode == "echokey":  # a server that quotes the header it got
            return self.send_json(401, compact({"detail": "Bad key " + auth}))
        if mode == "403" and auth.startswith("Bearer sk-"):
            return self.send_fixture("models_error_403_api_keys_disabled")
        if auth != "Bearer " + GOOD_KEY:
            return self.send_fixture("models_error_401")
        return self.transport_or(mode, fixture, normal)

    def models(self, mode):
        name = {"mixed": "models_mixed", "empty": "models_empty",
                "openai": "models_mixed"}.get(
            mode, "models_ollama")
        return self.send_fixture(name)

    def chat(self, mode, body, chat_problem):
        fx = self.fixtures
        if chat_problem:
            return self.send_json(422, compact({"detail": chat_problem[1]}))
        req = json.loads(body)
        model = req["model"]
        prompt = req["messages"][0]["content"]
        if mode in ("nomodel", "empty") or model not in fx.known_models:
            return self.send_fixture("chat_error_model_not_found")
        if mode == "upstream401":
            return self.send_fixture("chat_error_upstream_401")
        if mode == "connerr":
            return self.send_fixture("chat_error_server_connection")
        if mode.startswith("stream"):  # an admin set "Stream Chat Response" on
            return self.send_stream(mode, model)
        if mode == "openai":  # the provider's body, passed through as is
            return self.send_fixture("chat_completion_ok_openai")
        wrong = mode in ("wrongreply", "longreply", "echo", "after") or (
            mode == "secondwrong" and model != "llama3.2:3b")
        reply = json.loads(fx.body("chat_completion_wrong" if wrong
                                   else "chat_completion_ok"))
        reply["model"] = model
        if mode == "longreply":
            reply["choices"][0]["message"]["content"] = (
                "I am\nnot\tsure\x07\x1b[31m what you mean. " + "blah " * 200)
        elif mode == "echo":
            reply["choices"][0]["message"]["content"] = prompt
        elif mode == "after":  # a reply the test chooses, not an echo
            reply["choices"][0]["message"]["content"] = prompt.partition(": ")[2]
        return self.send_json(200, compact(reply))


    def send_stream(self, mode, model):
        """Open WebUI's stream of an Ollama reply, chunked at odd places."""
        def chunk(delta, **extra):
            return dict({"id": "%s-1c2d" % model,
                         "object": "chat.completion.chunk",
                         "created": 1767261845, "model": model,
                         "choices": [{"index": 0, "delta": delta,
                                      "finish_reason": None}]}, **extra)
        usage = json.loads(self.fixtures.body("chat_completion_ok"))["usage"]
        events = [compact(chunk({"role": "assistant", "content": ""})),
                  compact(chunk({"content": "HEAL"})),
                  compact(chunk({"content": "THY"})),
                  compact(chunk({}, usage=usage)), b"[DONE]"]
        eol, piece = b"\n", 9
        if mode == "streamcut":
            events = events[:3]
        elif mode == "streamerror":
            events = events[:2] + [b"error"]
        elif mode == "streamcrlf":
            eol, piece = b"\r\n", 5
            head, _, tail = events[1].partition(b'"choices"')
            events[1] = head + eol + b"data: " + b'"choices"' + tail
        text = b""
        for e in events:
            if e == b"error":
                text += (b"event: error" + eol + b'data: {"detail":'
                         b'"Ollama: model runner has unexpectedly stopped"}'
                         + eol + eol)
                continue
            if mode == "streamcrlf":
                text += b": keep-alive" + eol
            text += b"data: " + e + eol + eol
        self.send_response(200)
        # Starlette adds the charset to every text/* media type
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("X-Process-Time", "0")
        self.end_headers()
        try:
            for i in range(0, len(text), piece):
                p = text[i:i + piece]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(p), p))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    # uvicorn, which serves Open WebUI, listens with a backlog of 2048;
    # a smaller one drops SYNs under fan-out and adds 1 s retransmits.
    request_queue_size = 2048
    allow_reuse_address = True


class Server6(Server):
    address_family = socket.AF_INET6


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--log", required=True, help="request log (JSON lines)")
    ap.add_argument("--role", choices=("both", "owui", "kuma"), default="both")
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--fixtures", help="default: tests/fixtures/openwebui")
    ap.add_argument("--max-seconds", type=float, default=600.0)
    ap.add_argument("--idle-seconds", type=float, default=300.0)
    ap.add_argument("--exit-on-stdin-eof", action="store_true")
    ap.add_argument("--tls-cert", help="serve HTTPS with this PEM chain")
    ap.add_argument("--tls-key", help="the private key of --tls-cert")
    args = ap.parse_args()

    Handler.fixtures = Fixtures(find_fixtures(args.fixtures))
    Handler.recorder = Recorder(args.log)
    Handler.role = args.role
    cls = Server6 if ":" in args.bind else Server
    server = cls((args.bind, 0), Handler)
    port = server.server_address[1]
    if args.tls_cert:
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
        # the handshake happens in the handler thread, on first read, so a
        # client that stalls or rejects the certificate blocks nobody
        server.socket = ctx.wrap_socket(server.socket, server_side=True,
                                        do_handshake_on_connect=False)

    def on_signal(signum, frame):
        STOP.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if args.exit_on_stdin_eof:
        def watch_stdin():
            try:
                while os.read(sys.stdin.fileno(), 4096):
                    pass
            except OSError:
                pass
            STOP.set()
        threading.Thread(target=watch_stdin, daemon=True).start()

    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdout.write("READY %d\n" % port)
    sys.stdout.flush()

    deadline = time.monotonic() + args.max_seconds
    while not STOP.is_set():
        now = time.monotonic()
        idle_end = Handler.recorder.last + args.idle_seconds
        end = min(deadline, idle_end)
        if now >= end:
            break
        STOP.wait(min(end - now, 5.0))
    STOP.set()
    sys.stdout.flush()
    # Every record is already flushed; do not wait for handler threads that
    # still hold sockets (hang, drip).
    os._exit(0)


if __name__ == "__main__":
    main()
