#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Network settings (issue 5): redirects (off by default, and never the API
key to another host), `resolve` for hosts without DNS, proxies."""

import http.server
import json
import os
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kp_harness import EXIT_OK, GOOD_KEY, KPTestCase, secret, token  # noqa: E402


class Recorder(http.server.ThreadingHTTPServer):
    """A tiny loopback server: answer(handler) decides; requests are kept."""

    daemon_threads = True

    def __init__(self, answer):
        self.answer = answer
        self.seen = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(h):  # noqa: N805
                self.seen.append({"line": h.requestline,
                                  "headers": {k.lower(): v for k, v in h.headers.items()}})
                status, headers, body = self.answer(h)
                h.send_response(status)
                for k, v in headers.items():
                    h.send_header(k, v)
                h.send_header("Content-Length", str(len(body)))
                h.end_headers()
                h.wfile.write(body)

            def log_message(h, *args):  # noqa: N805
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.port = self.server_address[1]
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def stop(self):
        self.shutdown()
        self.server_close()


class Redirects(KPTestCase):
    def redirector(self, location):
        r = Recorder(lambda h: (302, {"Location": location + h.path}, b""))
        self.addCleanup(r.stop)
        return r

    def test_redirect_not_followed_by_default(self):
        r = self.redirector(self.fake.url("ok"))
        t, tok = self.target("webui", None, base="http://127.0.0.1:%d" % r.port,
                             tiers=("health",))
        res = self.kp(config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        self.assert_down(res, tok["health"], msg_re=r"^HTTP 302")

    def test_followed_redirect_to_another_host_drops_the_key(self):
        # "localhost" is another host name than 127.0.0.1 for libcurl.
        r = self.redirector("http://localhost:%d/ok" % self.fake.port)
        t, tok = self.target("webui", None, base="http://127.0.0.1:%d" % r.port,
                             tiers=("health", "models"), follow_redirects=True)
        res = self.kp(config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        self.assert_up(res, tok["health"], msg="OK")
        self.assertEqual(r.seen[1]["headers"].get("authorization"),
                         "Bearer " + GOOD_KEY, "the first host gets the key")
        models = [x for x in res.owui if x["endpoint"] == "models"]
        self.assertEqual(len(models), 1)
        self.assertNotIn("authorization", {k.lower() for k, _ in models[0]["headers"]},
                         "the API key must not follow a redirect to another host")
        self.assert_down(res, tok["models"], contains="401")

    def test_configured_headers_stay_with_their_origin(self):
        """Issue 10: libcurl strips only Authorization and Cookie on a
        redirect to another host; a generic check's configured headers must
        never reach another scheme, host or port either."""
        other = Recorder(lambda h: (200, {"Content-Type": "application/json"},
                                    b'{"status":true}'))
        self.addCleanup(other.stop)

        def hop(h):
            if h.path == "/start":  # same origin first: the header stays
                return 302, {"Location": "/there"}, b""
            return 302, {"Location": "http://127.0.0.1:%d/landing" % other.port}, b""
        first = Recorder(hop)
        self.addCleanup(first.stop)
        tok = token("HTTP")
        c = {"name": "api", "url": "http://127.0.0.1:%d/start" % first.port,
             "push": tok, "follow_redirects": True,
             "headers": ["X-Api-Key: %s" % secret("xk-configured-4711")]}
        res = self.kp(config=self.config(checks=[c]))
        self.assert_rc(res, EXIT_OK)
        self.assert_up(res, tok)
        self.assertEqual([x["line"].split()[:2] for x in first.seen],
                         [["GET", "/start"], ["GET", "/there"]])
        for x in first.seen:
            self.assertEqual(x["headers"].get("x-api-key"), "xk-configured-4711")
        self.assertEqual(len(other.seen), 1)
        self.assertNotIn("x-api-key", other.seen[0]["headers"],
                         "a configured header followed a redirect to another port")

    def test_redirect_loop_is_bounded(self):
        r = Recorder(lambda h: (302, {"Location": h.path}, b""))
        self.addCleanup(r.stop)
        t, tok = self.target("webui", None, base="http://127.0.0.1:%d" % r.port,
                             tiers=("health",), follow_redirects=True)
        res = self.kp(config=self.config([t]))
        self.assert_down(res, tok["health"], contains="redirect")
        self.assertLessEqual(len(r.seen), 6, "at most 5 redirects are followed")


class Resolve(KPTestCase):
    def test_resolve_without_dns(self):
        host = "owui.kuma-push.invalid"
        t, tok = self.target("webui", None,
                             base="http://%s:%d/ok" % (host, self.fake.port),
                             resolve=["%s:%d:127.0.0.1" % (host, self.fake.port)])
        res = self.kp(config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        for tier in ("health", "models", "chat"):
            self.assert_up(res, tok[tier])


class Proxy(KPTestCase):
    def proxy(self):
        body = json.dumps({"status": True}).encode()
        p = Recorder(lambda h: (200, {"Content-Type": "application/json"}, body))
        self.addCleanup(p.stop)
        return p

    def test_configured_proxy(self):
        p = self.proxy()
        t, tok = self.target("webui", None, base="http://owui.example.invalid:8080",
                             tiers=("health",), proxy="http://127.0.0.1:%d" % p.port)
        res = self.kp(config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        self.assert_up(res, tok["health"], msg="OK")
        self.assertEqual(p.seen[0]["line"],
                         "GET http://owui.example.invalid:8080/health HTTP/1.1")

    def test_http_proxy_environment(self):
        p = self.proxy()
        t, tok = self.target("webui", None, base="http://owui.example.invalid:8080",
                             tiers=("health",))
        # Kuma itself is reached directly: no_proxy names it.
        res = self.kp(config=self.config([t]),
                      env={"http_proxy": "http://127.0.0.1:%d" % p.port,
                           "no_proxy": "127.0.0.1"})
        self.assert_rc(res, EXIT_OK)
        self.assert_up(res, tok["health"], msg="OK")
        self.assertEqual(len(p.seen), 1)


if __name__ == "__main__":
    unittest.main()
