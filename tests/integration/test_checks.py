#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Issue 12's checks end to end against the fakes: models by name and the
kuma1 comparison, generic checks' query, keyword, regex and upside_down,
max_latency, certificate expiry (a loopback TLS fake whose certificate
openssl makes), and -n on their bad values."""

import calendar
import json
import os
import re
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kp_harness import (EC_KEY, EXIT_CONFIG, EXIT_OK, GOOD_KEY,  # noqa: E402
                        KPTestCase, KUMA_PUSH, WRAPPER, make_ca, mask,
                        need_openssl, openssl, scaled, secret, token,
                        write_file)

OLLAMA_IDS = "llama3.2:3b,qwen2.5:7b-instruct,gemma3:4b"


class ChecksCase(KPTestCase):
    def generic(self, name, path, **settings):
        tok = token("HTTP")
        c = {"name": name, "url": self.fake.base + path, "push": tok}
        c.update(settings)
        return c, tok

    def run_json(self, conf, *args):
        res = self.kp("--json", *args, config=conf)
        self.assert_rc(res, EXIT_OK)
        objs = {}
        for line in res.stdout.splitlines():
            o = json.loads(line)
            objs[(o["target"], o["tier"])] = o
        return res, objs

    def assert_file_line(self, res, path, line, *words):
        hits = [ln for ln in (res.stdout + res.stderr).splitlines()
                if "%s:%d:" % (path, line) in ln]
        self.assertTrue(hits, "no '%s:%d:' line\n%s"
                        % (path, line, mask(res.describe())))
        for w in words:
            self.assertTrue(any(w in h for h in hits),
                            "line %d does not name %r: %s"
                            % (line, w, mask("\n".join(hits))))


class ModelsByName(ChecksCase):
    def test_missing_model_is_named(self):
        t, tok = self.target("webui", "ok", tiers={"models": {
            "require": ["gpt-4o", "llama3.2:3b"]}})
        res = self.kp(config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        self.assert_down(res, tok["models"], msg_re=r"^missing 1 of 2 models: gpt-4o$")

    def test_all_listed_keeps_the_count(self):
        t, tok = self.target("webui", "ok", tiers={"models": {
            "require": ["gemma3:4b", "llama3.2:3b"]}})
        res = self.kp(config=self.config([t]))
        self.assert_up(res, tok["models"], msg="3 models")

    def test_require_and_query_must_both_hold(self):
        t, tok = self.target("webui", "ok", tiers={"models": {
            "require": ["gemma3:4b"], "query": "$count(data[*])>5"}})
        res = self.kp(config=self.config([t]))
        self.assert_down(res, tok["models"], msg_re=r"^3 models: JSON query does not pass")

    def test_kuma1_joins_an_array_kuma2_refuses_it(self):
        t, tok = self.target("webui", "ok", tiers={"models": {
            "query": "data.id", "expected": OLLAMA_IDS, "compare": "kuma1"}})
        t2, tok2 = self.target("webui2", "ok", tiers={"models": {
            "query": "data.id", "expected": OLLAMA_IDS}})
        res = self.kp(config=self.config([t, t2]))
        self.assert_up(res, tok["models"], msg="3 models")
        self.assert_down(res, tok2["models"], contains="but a primitive value is required")

    def test_kuma1_object_and_undefined(self):
        t, tok = self.target("webui", "ok", tiers={"models": {
            "query": "data[0]", "expected": "[object Object]", "compare": "kuma1"}})
        t2, tok2 = self.target("webui2", "ok", tiers={"models": {
            "query": "nothing", "expected": "undefined", "compare": "kuma1"}})
        res = self.kp(config=self.config([t, t2]))
        self.assert_up(res, tok["models"], msg="3 models")
        self.assert_down(res, tok2["models"], msg_re=r"JSON query result is undefined$")


class Generic(ChecksCase):
    def test_query_judged_like_the_models_tier(self):
        ok, tok_ok = self.generic("q-ok", "/ok/health", query="status")
        bad, tok_bad = self.generic("q-bad", "/ok/health", query="status",
                                    expected="false")
        lt, tok_lt = self.generic("q-op", "/ok/health", query="$count(status)",
                                  expected="5", operator="<")
        spa, tok_spa = self.generic("q-spa", "/spa/", query="status")
        res = self.kp(config=self.config(checks=[ok, bad, lt, spa]))
        self.assert_rc(res, EXIT_OK)
        self.assert_up(res, tok_ok, msg="HTTP 200")
        self.assert_down(res, tok_bad, msg_re=r"^JSON query does not pass "
                         r"\(comparing true == false\)$")
        self.assert_up(res, tok_lt, msg="HTTP 200")
        self.assert_down(res, tok_spa, msg_re=r"^not JSON")

    def test_invert_keyword(self):
        c, tok = self.generic("kw", "/ok/health", keyword="status",
                              invert_keyword=True)
        c2, tok2 = self.generic("kw2", "/ok/health", keyword="maintenance",
                                invert_keyword=True)
        res = self.kp(config=self.config(checks=[c, c2]))
        self.assert_down(res, tok, msg_re=r'^keyword "status" present \(HTTP 200\)$')
        self.assert_up(res, tok2, msg="HTTP 200")

    def test_keyword_and_regex_see_past_a_nul(self):
        kw, tok_kw = self.generic("kw", "/nul/x", keyword="tail OK")
        rx, tok_rx = self.generic("rx", "/nul/x", regex="tail [A-Z]{2}")
        anchored, tok_an = self.generic("rx-anchored", "/nul/x",
                                        regex="^head.*end$")
        inv, tok_inv = self.generic("rx-inv", "/nul/x", regex="OK",
                                    invert_regex=True)
        ends, tok_ends = self.generic("rx-end", "/nul/x", regex="end$")
        bol, tok_bol = self.generic("rx-bol", "/nul/x", regex="^end")
        res = self.kp(config=self.config(checks=[kw, rx, anchored, inv, ends,
                                                 bol]))
        # ^ and $ are the ends of the whole body, not of a NUL-free run
        self.assert_up(res, tok_ends, msg="HTTP 200")
        self.assert_down(res, tok_bol, msg_re=r'^regex "\^end" does not match')
        self.assert_up(res, tok_kw, msg="HTTP 200")
        self.assert_up(res, tok_rx, msg="HTTP 200")
        # . does not match a NUL: no match spans one
        self.assert_down(res, tok_an, msg_re=r'^regex "\^head\.\*end\$" does not match')
        self.assert_down(res, tok_inv, msg_re=r'^regex "OK" matches \(HTTP 200\)$')

    def test_upside_down(self):
        up, tok_up = self.generic("ud-ok", "/ok/health", upside_down=True)
        err, tok_err = self.generic("ud-500", "/500/x", upside_down=True)
        res = self.kp(config=self.config(checks=[up, err]))
        self.assert_down(res, tok_up, msg_re=r"^upside down: HTTP 200$")
        self.assert_up(res, tok_err, msg_re=r"^upside down: HTTP 500 \(expected 200-299\)")


class Latency(ChecksCase):
    def test_slow_success_is_down_with_its_real_verdict_in_json(self):
        limit = scaled(0.4)
        delay = int(scaled(1.0) * 1000)
        # the request's own limit stays above the delay however slow the
        # run is (x10 under valgrind, like the delay)
        slow, tok_slow = self.generic("slow", "/slow%d/health" % delay,
                                      max_latency=limit, timeout=scaled(3.0))
        fast, tok_fast = self.generic("fast", "/ok/health", max_latency=limit,
                                      timeout=scaled(3.0))
        res, objs = self.run_json(self.config(checks=[slow, fast]))
        p = self.assert_down(res, tok_slow, msg_re=r"^slow: [0-9]+ ms > %d ms$"
                             % round(limit * 1000))
        ms = int(re.match(r"slow: ([0-9]+)", p["msg"]).group(1))
        self.assertGreaterEqual(ms, delay)
        o = objs[("slow", "http")]
        self.assertEqual((o["status"], o["real_status"], o["real_msg"]),
                         ("down", "up", "HTTP 200"))
        self.assert_up(res, tok_fast, msg="HTTP 200")
        self.assertIsNone(objs[("fast", "http")]["real_status"])

    def test_cascade_to_tiers_and_the_whole_chat(self):
        delay = int(scaled(1.0) * 1000)
        t, tok = self.target("webui", "health=ok,models=ok,chat=slow%d" % delay,
                             max_latency=scaled(0.4), timeout=scaled(3.0))
        res = self.kp(config=self.config([t]))
        self.assert_up(res, tok["health"], msg="OK")
        self.assert_up(res, tok["models"], msg="3 models")
        self.assert_down(res, tok["chat"], msg_re=r"^slow: [0-9]+ ms > [0-9]+ ms$")

    def test_failure_keeps_its_reason(self):
        c, tok = self.generic("refused", "/500/x", max_latency=0.001)
        res = self.kp(config=self.config(checks=[c]))
        self.assert_down(res, tok, msg_re=r"^HTTP 500")


def make_certs(d):
    """A CA (30 days) and leaves for 127.0.0.1 signed by it: one ending in
    5 days, one expired, one valid only from 2030."""
    make_ca(d, "30")
    with open(os.path.join(d, "leaf.ext"), "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    openssl(d, "req", *EC_KEY, "-keyout", "leaf.key", "-out", "leaf.csr",
            "-subj", "/CN=127.0.0.1")
    for name, days in (("five", "5"), ("expired", "-1")):
        openssl(d, "x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem",
                "-CAkey", "ca.key", "-CAcreateserial", "-out", name + ".pem",
                "-days", days, "-extfile", "leaf.ext")
    with open(os.path.join(d, "ca.cnf"), "w") as f:
        f.write("[ca]\ndefault_ca=d\n[d]\ndatabase=index.txt\n"
                "new_certs_dir=.\nserial=serial.txt\ndefault_md=sha256\n"
                "policy=p\n[p]\ncommonName=supplied\n")
    write_file(os.path.join(d, "index.txt"), "")
    write_file(os.path.join(d, "serial.txt"), "01\n")
    openssl(d, "ca", "-batch", "-config", "ca.cnf", "-cert", "ca.pem",
            "-keyfile", "ca.key", "-in", "leaf.csr", "-out", "future.pem",
            "-startdate", "20300101000000Z", "-enddate", "20310101000000Z",
            "-extfile", "leaf.ext", "-notext")
    key = os.path.join(d, "leaf.key")
    return {n: (os.path.join(d, n + ".pem"), key)
            for n in ("five", "expired", "future")}


class Certificates(ChecksCase):
    @classmethod
    def setUpClass(cls):
        need_openssl()
        super().setUpClass()
        cls.certs = make_certs(cls.classdir)
        cls.ca = os.path.join(cls.classdir, "ca.pem")
        out = subprocess.run(["openssl", "x509", "-in", cls.certs["five"][0],
                              "-noout", "-enddate"], capture_output=True,
                             text=True, check=True).stdout
        end = time.strptime(out.strip().split("=", 1)[1], "%b %d %H:%M:%S %Y GMT")
        cls.end_date = time.strftime("%Y-%m-%d", end)
        cls.end_iso = time.strftime("%Y-%m-%dT%H:%M:%SZ", end)

    def tls_target(self, cert, tiers=("health", "models"), **settings):
        owui = self.extra_fake("owui", tls=self.certs[cert])
        # a TLS handshake under valgrind takes seconds
        t, tok = self.target("webui", None, base=owui.url("ok"), tiers=tiers,
                             ca_file=self.ca, timeout=scaled(3.0),
                             connect_timeout=scaled(2.0), **settings)
        return owui, t, tok

    def test_five_days_left_is_down_in_every_tier(self):
        owui, t, tok = self.tls_target("five", retries=1, retry_delay=0.1)
        metrics = os.path.join(self.tmp, "kp.prom")
        c = {"name": "generic", "url": owui.base + "/ok/health",
             "push": token("HTTP"), "ca_file": self.ca, "timeout": scaled(3.0),
             "connect_timeout": scaled(2.0)}
        res, objs = self.run_json(self.config([t], checks=[c],
                                              metrics_file=metrics))
        want = "certificate expires in 5 days (%s)" % self.end_date
        for tier in ("health", "models"):
            self.assert_down(res, tok[tier], msg_re="^%s$" % re.escape(want))
        self.assert_down(res, c["push"], msg_re="^%s$" % re.escape(want))
        o = objs[("webui", "health")]
        self.assertEqual((o["cert_not_after"], o["real_status"], o["real_msg"]),
                         (self.end_iso, "up", "OK"))
        self.assertEqual(objs[("webui", "models")]["cert_not_after"], self.end_iso)
        end_s = calendar.timegm(time.strptime(self.end_iso, "%Y-%m-%dT%H:%M:%SZ"))
        with open(metrics) as f:
            text = f.read()
        for name in ("webui/health", "webui/models", "generic"):
            self.assertIn('kuma_push_tls_not_after_seconds{check="%s"} %d'
                          % (name, end_s), text)
        # a certificate verdict is final: no retry was made
        self.assertEqual(len([r for r in res.owui if r["endpoint"] == "health"]), 2)

    def test_window_setting_and_off(self):
        _, t, tok = self.tls_target("five", tls_expiry_warn=3)
        res = self.kp(config=self.config([t]))
        self.assert_up(res, tok["health"], msg="OK")
        _, t, tok = self.tls_target("five", tls_expiry_warn=0)
        res, objs = self.run_json(self.config([t]))
        self.assert_up(res, tok["health"], msg="OK")
        self.assertEqual(objs[("webui", "health")]["cert_not_after"], self.end_iso)

    def test_expired_and_not_yet_valid_say_which(self):
        _, t, tok = self.tls_target("expired", tiers=("health",))
        res = self.kp(config=self.config([t]))
        self.assert_down(res, tok["health"], contains="certificate has expired")
        _, t, tok = self.tls_target("future", tiers=("health",))
        res = self.kp(config=self.config([t]))
        self.assert_down(res, tok["health"], contains="certificate is not yet valid")

    def test_push_to_kuma_warns_and_still_goes(self):
        kuma = self.extra_fake("kuma", tls=self.certs["five"])
        t, tok = self.target("webui", "ok", tiers=("health",))
        conf = self.config([t], kuma_url=kuma.base, kuma={"ca_file": self.ca,
                                                          "timeout": scaled(3.0)})
        res = self.kp(config=conf)
        self.assert_rc(res, EXIT_OK)
        self.assert_up(res, tok["health"], msg="OK")
        self.assertIn("push to Kuma: certificate expires in 5 days (%s)"
                      % self.end_date, res.stderr)
        self.assertEqual(res.stderr.count("push to Kuma: certificate"), 1)


class BadValues(ChecksCase):
    def test_each_bad_value_has_its_line(self):
        path = os.path.join(self.tmp, "bad.conf")
        write_file(path,
                   'kuma = { url = "http://127.0.0.1:9"; max_latency = 1.0; };\n'  # 1
                   'defaults = { max_latency = 0; tls_expiry_warn = -1; };\n'      # 2
                   'targets = ( { name = "w"; url = "http://127.0.0.1:9";\n'       # 3
                   '  api_key = "%s";\n'                                           # 4
                   '  models = { push = "tokMODELSbad1"; compare = "kuma3";\n'     # 5
                   '    require = "gpt-4o"; };\n'                                  # 6
                   '} );\n'                                                        # 7
                   'checks = (\n'                                                  # 8
                   '  { name = "a"; url = "http://127.0.0.1:9/"; push = "tokHTTPbad1";\n'  # 9
                   '    regex = "([a-z";\n'                                        # 10
                   '    upside_down = "yes"; },\n'                                 # 11
                   '  { name = "b"; url = "http://127.0.0.1:9/"; push = "tokHTTPbad2";\n'  # 12
                   '    query = "status"; compare = "kuma1";\n'                   # 13
                   '    operator = ">"; },\n'                                     # 14
                   '  { name = "c"; url = "http://127.0.0.1:9/"; push = "tokHTTPbad3";\n'  # 15
                   '    invert_regex = true; expected = "x";\n'                   # 16
                   '    require = [ "m" ]; }\n'                                   # 17
                   ');\n' % GOOD_KEY)
        for s in ("tokMODELSbad1", "tokHTTPbad1", "tokHTTPbad2", "tokHTTPbad3"):
            secret(s)
        res = self.kp("-n", config=path)
        self.assert_rc(res, EXIT_CONFIG)
        self.assert_file_line(res, path, 1, "max_latency")
        self.assert_file_line(res, path, 2, "max_latency", "tls_expiry_warn")
        self.assert_file_line(res, path, 5, "compare", "kuma3")
        self.assert_file_line(res, path, 6, "require")
        self.assert_file_line(res, path, 10, "regex", "invalid regular expression")
        self.assert_file_line(res, path, 11, "upside_down")
        self.assert_file_line(res, path, 14, "operator", "kuma1")
        self.assert_file_line(res, path, 16, "invert_regex", "expected")
        self.assert_file_line(res, path, 17, "require")


class Only(ChecksCase):
    def setUp(self):
        super().setUp()
        self.t1, self.tok1 = self.target("webui", "ok")
        self.t2, self.tok2 = self.target("edge", "ok", tiers=("health", "chat"))
        self.c, self.tokc = self.generic("ollama", "/ok/health")
        self.conf = self.config([self.t1, self.t2], checks=[self.c])

    def pushed(self, res):
        return sorted(r["token"] for r in res.kuma)

    def test_globs_select_checks_and_pushes(self):
        res = self.kp("--only", "webui/*", config=self.conf)
        self.assert_rc(res, EXIT_OK)
        self.assertEqual(self.pushed(res), sorted(self.tok1.values()))
        res = self.kp("--only", "*/chat*,ollama", config=self.conf)
        self.assert_rc(res, EXIT_OK)
        self.assertEqual(self.pushed(res), sorted([self.tok1["chat"],
                                                   self.tok2["chat"], self.tokc]))
        # chat of a target whose health was not selected is not skipped
        self.assert_up(res, self.tok2["chat"], msg_re=r"^OK")

    def test_unmatched_pattern_is_a_usage_error(self):
        for args in (("--only", "webui/*,nosuch*"), ("-n", "--only", "nosuch"),
                     ("--only", ""), ("--only", "a", "--only", "b")):
            res = self.kp(*args, config=self.conf)
            self.assert_rc(res, 64)
            self.assertEqual(res.kuma + res.owui, [], "a usage error sends nothing")
        res = self.kp("--only", "nosuch", config=self.conf)
        self.assertIn('--only: no check matches "nosuch"', res.stderr)
        res = self.kp("-n", "--only", "edge/*", config=self.conf)
        self.assert_rc(res, EXIT_OK)
        self.assertIn("configuration OK", res.stdout)

    def test_dry_run_and_json(self):
        res = self.kp("--dry-run", "--only", "edge/health", config=self.conf)
        self.assert_rc(res, EXIT_OK)
        self.assertEqual([ln.split(":")[0] for ln in res.stdout.splitlines()],
                         ["edge/health"])
        self.assertEqual(res.kuma, [])
        res, objs = self.run_json(self.conf, "--only", "ollama,edge/health")
        self.assertEqual(sorted(objs), [("edge", "health"), ("ollama", "http")])

    def test_loop(self):
        from test_loop import Daemon
        conf = self.config([self.t1, self.t2], checks=[self.c],
                           defaults={"interval": 0.2, "jitter": 0.0})
        mark = self.fake.mark()
        d = Daemon(self, conf, "--only", "edge/health")
        try:
            d.wait_for(lambda: len([r for r in self.fake.records(mark)
                                    if r["role"] == "kuma"]) >= 3, 10.0,
                       "three pushes")
        finally:
            rc, _ = d.stop()
            d.out.close()
            d.err.close()
        self.assertEqual(rc, 0)
        toks = {r["token"] for r in self.fake.records(mark) if r["role"] == "kuma"}
        self.assertEqual(toks, {self.tok2["health"]})

    def test_monitors(self):
        res = subprocess.run(WRAPPER + [KUMA_PUSH, "monitors", "-c", self.conf, "--only",
                              "webui/m*"], capture_output=True, text=True,
                             timeout=scaled(10))
        self.assertEqual(res.returncode, EXIT_OK, res.stderr)
        self.assertEqual([ln.split()[0] for ln in res.stdout.splitlines()],
                         ["webui/models"])
        res = subprocess.run(WRAPPER + [KUMA_PUSH, "monitors", "-c", self.conf,
                                        "--only", "nosuch"], capture_output=True, text=True,
                             timeout=scaled(10))
        self.assertEqual(res.returncode, 64)


if __name__ == "__main__":
    unittest.main()
