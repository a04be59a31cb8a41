#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The three Open WebUI tiers and generic checks, end to end against the
fakes (issue 3 "Done when")."""

import json
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kp_harness import (BAD_KEY, EXIT_OK, GOOD_KEY, KPTestCase,  # noqa: E402
                        free_port, mask, scaled, token, write_file)

PROMPT = "Respond with the word HEALTHY"


class AllUp(KPTestCase):
    def test_all_three_tiers_up_with_ping_and_quiet(self):
        t, tok = self.target("webui", "ok")
        res = self.kp(config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        self.assert_up(res, tok["health"], msg="OK")
        self.assert_up(res, tok["models"], msg="3 models")
        self.assert_up(res, tok["chat"], msg="OK (50 tok/s)")
        self.assertEqual(len(res.kuma), 3, mask(res.describe()))
        # cron mails any output: a good run says nothing
        self.assertEqual(res.stdout, "")
        self.assertEqual(res.stderr, "")

    def test_requests_open_webui_receives(self):
        t, tok = self.target("webui", "ok")
        res = self.kp(config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        by_ep = {r["endpoint"]: r for r in res.owui}
        self.assertEqual(sorted(by_ep), ["chat", "health", "models"],
                         mask(res.describe()))
        self.assertEqual(len(res.owui), 3)
        h = by_ep["health"]
        self.assertEqual((h["method"], h["path"]), ("GET", "/ok/health"))
        m = by_ep["models"]
        self.assertEqual((m["method"], m["path"], m["query_raw"]),
                         ("GET", "/ok/api/models", "refresh=true"))
        self.assertIn(["Authorization", "Bearer " + GOOD_KEY],
                      [[k.title(), v] for k, v in m["headers"]])
        c = by_ep["chat"]
        self.assertEqual((c["method"], c["path"]),
                         ("POST", "/ok/api/chat/completions"))
        headers = {k.lower(): v for k, v in c["headers"]}
        self.assertEqual(headers.get("authorization"), "Bearer " + GOOD_KEY)
        self.assertEqual(headers.get("content-type", "").split(";")[0],
                         "application/json")
        self.assertEqual(json.loads(c["body"]), {
            "model": "llama3.2:3b",
            "messages": [{"role": "user", "content": PROMPT}],
            "temperature": 0, "stream": False})
        # health runs first: models and chat start after its answer
        self.assertLessEqual(h["ts"], m["ts"])
        self.assertLessEqual(h["ts"], c["ts"])

    def test_mixed_model_list_counts_all(self):
        t, tok = self.target("webui", "mixed")
        res = self.kp(config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        self.assert_up(res, tok["models"], msg="5 models")

    def test_absent_tier_is_not_run(self):
        t, tok = self.target("webui", "ok", tiers=("health",))
        res = self.kp(config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        self.assert_up(res, tok["health"], msg="OK")
        self.assertEqual(len(res.kuma), 1)
        self.assertEqual([r["endpoint"] for r in res.owui], ["health"])

    def test_verbose_one_line_per_check(self):
        t, tok = self.target("gpu-box", "health=ok,models=empty,chat=ok")
        res = self.kp("-v", config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        lines = res.stderr.splitlines()
        for tier, state, msg in (("health", "up", "OK"),
                                 ("models", "down", "JSON query"),
                                 ("chat", "up", "OK")):
            hits = [ln for ln in lines if "gpu-box" in ln and tier in ln
                    and re.search(r"\b%s\b" % state, ln) and msg in ln]
            self.assertEqual(len(hits), 1, "-v: want one line naming "
                             "gpu-box, %s, %s, %s\n%s"
                             % (tier, state, msg, mask(res.describe())))
        ping = res.push(tok["health"])["ping"]
        self.assertTrue(any(ping in ln for ln in lines if "health" in ln),
                        "-v line for health lacks the ping %s\n%s"
                        % (ping, mask(res.stderr)))


class OpenWebUIStopped(KPTestCase):
    def test_stopping_open_webui_makes_all_three_down(self):
        owui = self.extra_fake("owui")
        t, tok = self.target("webui", "ok", base=owui.url("ok"))
        conf = self.config([t])
        res = self.kp(config=conf)
        self.assert_rc(res, EXIT_OK)
        for tier in ("health", "models", "chat"):
            self.assert_up(res, tok[tier])
        owui.stop()
        res = self.kp(config=conf)
        self.assert_rc(res, EXIT_OK)
        self.assert_down(res, tok["health"], contains="connection refused")
        for tier in ("models", "chat"):
            self.assert_skipped(res, tok[tier],
                                r"^skipped: health down \(connection refused\)$")


class Auth(KPTestCase):
    def test_wrong_key_models_and_chat_down_401(self):
        t, tok = self.target("webui", "ok", key=BAD_KEY)
        res = self.kp(config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        self.assert_up(res, tok["health"], msg="OK")
        p = self.assert_down(res, tok["models"], contains="401")
        self.assertEqual(p["msg"], "HTTP 401: Your session has expired or "
                         "the token is invalid. Please sign in again. (check "
                         "the API key and that API keys are enabled)")
        self.assert_down(res, tok["chat"], contains="401")

    def test_api_keys_disabled_403(self):
        t, tok = self.target("webui", "403")
        res = self.kp(config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        want = "HTTP 403: Use of API key is not enabled in the environment."
        self.assertEqual(self.assert_down(res, tok["models"])["msg"], want)
        self.assertEqual(self.assert_down(res, tok["chat"])["msg"], want)

    def test_api_key_file_trimmed(self):
        keyfile = write_file(os.path.join(self.tmp, "webui.key"),
                             "  " + GOOD_KEY + "\n")
        t, tok = self.target("webui", "ok", key=None, api_key_file=keyfile)
        res = self.kp(config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        self.assert_up(res, tok["models"], msg="3 models")
        self.assert_up(res, tok["chat"], msg="OK (50 tok/s)")

    def test_api_key_env(self):
        t, tok = self.target("webui", "ok", key=None,
                             api_key_env="KP_TEST_OWUI_KEY")
        res = self.kp(config=self.config([t]),
                      env={"KP_TEST_OWUI_KEY": GOOD_KEY})
        self.assert_rc(res, EXIT_OK)
        self.assert_up(res, tok["models"], msg="3 models")
        self.assert_up(res, tok["chat"], msg="OK (50 tok/s)")


class Dependencies(KPTestCase):
    def test_spa_html_on_health_is_down(self):
        t, tok = self.target("webui", "spa")
        res = self.kp(config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        self.assert_down(res, tok["health"], contains="text/html")
        for tier in ("models", "chat"):
            self.assert_skipped(res, tok[tier], r"text/html")

    def test_health_down_skips_models_and_chat(self):
        t, tok = self.target("webui", "500")
        res = self.kp(config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        self.assert_down(res, tok["health"],
                         msg_re=r"^HTTP 500: Internal Server Error$")
        for tier in ("models", "chat"):
            self.assert_skipped(
                res, tok[tier],
                r"^skipped: health down \(HTTP 500: Internal Server Error\)$")
        self.assertEqual([r["endpoint"] for r in res.owui], ["health"],
                         "models and chat must not be requested")

    def test_models_down_does_not_skip_chat(self):
        t, tok = self.target("webui", "health=ok,models=500,chat=ok")
        res = self.kp(config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        self.assert_up(res, tok["health"], msg="OK")
        self.assert_down(res, tok["models"],
                         msg_re=r"^HTTP 500: Internal Server Error$")
        self.assert_up(res, tok["chat"], msg="OK (50 tok/s)")


class Judging(KPTestCase):
    def test_empty_model_list_fails_query(self):
        t, tok = self.target("webui", "health=ok,models=empty,chat=ok")
        res = self.kp(config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        self.assert_down(res, tok["models"], contains="JSON query does not pass")

    def test_custom_query_expected_operator(self):
        t, tok = self.target("webui", "mixed", tiers={
            "models": {"query": "$count(data[owned_by='openai'])",
                       "expected": "2", "operator": "=="}})
        t2, tok2 = self.target("webui2", "mixed", tiers={
            "models": {"query": "$count(data[owned_by='openai'])",
                       "expected": "3", "operator": "=="}})
        res = self.kp(config=self.config([t, t2]))
        self.assert_rc(res, EXIT_OK)
        self.assert_up(res, tok["models"])
        self.assert_down(res, tok2["models"], contains="JSON query")

    def test_wrong_reply(self):
        t, tok = self.target("webui", "wrongreply")
        res = self.kp(config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        p = self.assert_down(res, tok["chat"])
        self.assertEqual(p["msg"],
                         'reply lacks HEALTHY: "Hello! How can I help you today?"')

    def test_custom_prompt_and_expect_case_insensitive(self):
        prompt = "Say the word pong, then stop: pong."
        t, tok = self.target("webui", "after", tiers={
            "chat": {"prompt": prompt, "expect": "PONG"}})
        res = self.kp(config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        self.assert_up(res, tok["chat"], msg="OK (50 tok/s)")
        body = json.loads(res.owui[-1]["body"])
        self.assertEqual(body["messages"][0]["content"], prompt)

    def test_upstream_provider_error(self):
        t, tok = self.target("webui", "upstream401")
        res = self.kp(config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        self.assert_up(res, tok["models"], msg="3 models")
        self.assert_down(res, tok["chat"],
                         msg_re=r"^HTTP 401: Incorrect API key provided: ")

    def test_openai_connection_reply(self):
        t, tok = self.target("webui", "openai", tiers={
            "health": {}, "models": {}, "chat": {"model": "gpt-4o-mini"}})
        res = self.kp(config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        self.assert_up(res, tok["models"], msg="5 models")
        self.assert_up(res, tok["chat"], msg="OK")
        # models and chat run concurrently: pick the chat request itself
        chat = [r for r in res.owui if r["endpoint"] == "chat"]
        self.assertEqual(len(chat), 1)
        self.assertEqual(json.loads(chat[0]["body"])["model"], "gpt-4o-mini")

    def test_provider_unreachable_detail(self):
        t, tok = self.target("webui", "connerr")
        res = self.kp(config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        p = self.assert_down(res, tok["chat"])
        self.assertEqual(p["msg"], "HTTP 500: Open WebUI: Server Connection Error")

    def test_streamed_reply(self):
        # Open WebUI streams when an admin sets the model's "Stream Chat
        # Response", even for "stream": false: the deltas are the reply.
        t, tok = self.target("webui", "stream")
        res = self.kp(config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        self.assert_up(res, tok["chat"], msg="OK (50 tok/s)")

    def test_model_not_found(self):
        t, tok = self.target("webui", "nomodel")
        res = self.kp(config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        p = self.assert_down(res, tok["chat"])
        self.assertEqual(p["msg"], "HTTP 400: Model not found")


class Concurrency(KPTestCase):
    def test_slow_target_does_not_delay_others(self):
        slow, stok = self.target("slow", "slow1500")
        fast, ftok = self.target("fast", "ok")
        res = self.kp(config=self.config([slow, fast],
                                         defaults={"timeout": 5.0}))
        self.assert_rc(res, EXIT_OK)
        for tier in ("health", "models", "chat"):
            self.assert_up(res, stok[tier])
            self.assert_up(res, ftok[tier])
        slow_health = [r for r in res.owui if r["path"] == "/slow1500/health"]
        self.assertEqual(len(slow_health), 1)
        answered = slow_health[0]["ts"] + 1.5
        for tier in ("health", "models", "chat"):
            ts = res.push(ftok[tier])["ts"]
            self.assertLess(ts, answered, "the fast target's %s push waited "
                            "for the slow target (%.2fs late)"
                            % (tier, ts - answered + 1.5))

    def test_targets_run_concurrently(self):
        targets, toks = [], []
        for i in range(4):
            t, tok = self.target("t%d" % i, "slow800")
            targets.append(t)
            toks.append(tok)
        res = self.kp(config=self.config(targets, defaults={"timeout": 5.0}))
        self.assert_rc(res, EXIT_OK)
        for tok in toks:
            for tier in ("health", "models", "chat"):
                p = self.assert_up(res, tok[tier])
                self.assertGreaterEqual(int(p["ping"]), 790)
        # sequential would be >= 4 x (0.8 health + 0.8 models/chat)
        self.assertLess(res.elapsed, scaled(1.6 + 1.5),
                        "4 targets took %.2fs: not concurrent" % res.elapsed)
        starts = sorted(r["ts"] for r in res.owui if r["endpoint"] == "health")
        self.assertLess(starts[-1] - starts[0], 0.5)


def have_ipv6_loopback():
    import socket
    try:
        s = socket.socket(socket.AF_INET6)
        s.bind(("::1", 0))
        s.close()
        return True
    except OSError:
        return False


class IPv6(KPTestCase):
    @unittest.skipUnless(have_ipv6_loopback(), "no ::1")
    def test_target_on_ipv6_loopback(self):
        owui = self.extra_fake("owui", bind="::1")
        t, tok = self.target("v6", "ok", base=owui.url("ok"))
        res = self.kp(config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        for tier, msg in (("health", "OK"), ("models", "3 models"),
                          ("chat", "OK (50 tok/s)")):
            self.assert_up(res, tok[tier], msg=msg)


class GenericChecks(KPTestCase):
    def check(self, name, url, **settings):
        tok = token("HTTP")
        c = {"name": name, "url": url, "push": tok}
        c.update(settings)
        return c, tok

    def test_status_range_and_keyword(self):
        base = self.fake.base
        c1, t1 = self.check("health-keyword", base + "/ok/health",
                            status="200-299", keyword="true")
        c2, t2 = self.check("needs-2xx", base + "/500/anything",
                            status="200-299")
        c3, t3 = self.check("missing-word", base + "/ok/health",
                            keyword="absentword")
        c4, t4 = self.check("expects-500", base + "/500/x", status="500")
        c5, t5 = self.check("refused", "http://127.0.0.1:%d/" % free_port())
        res = self.kp(config=self.config(checks=[c1, c2, c3, c4, c5]))
        self.assert_rc(res, EXIT_OK)
        self.assert_up(res, t1, msg_re=r"^(OK|HTTP 200)$")
        self.assert_down(res, t2, contains="500")
        self.assert_down(res, t3)
        self.assert_up(res, t4)
        self.assert_down(res, t5, contains="connection refused")
        paths = sorted(r["path"] for r in res.owui)
        self.assertEqual(paths, ["/500/anything", "/500/x", "/ok/health",
                                 "/ok/health"])

    def test_method_and_body(self):
        c, t = self.check("post-check", self.fake.base + "/ok/nowhere",
                          method="POST", body='{"ping":1}', status="405",
                          keyword="Method Not Allowed")
        res = self.kp(config=self.config(checks=[c]))
        self.assert_rc(res, EXIT_OK)
        self.assert_up(res, t)
        self.assertEqual(len(res.owui), 1)
        self.assertEqual(res.owui[0]["method"], "POST")
        self.assertEqual(res.owui[0]["body"], '{"ping":1}')

    def test_targets_and_checks_together(self):
        t, tok = self.target("webui", "ok")
        c, ct = self.check("health-keyword", self.fake.base + "/ok/health",
                           keyword="status")
        res = self.kp(config=self.config([t], checks=[c]))
        self.assert_rc(res, EXIT_OK)
        self.assertEqual(len(res.kuma), 4)
        self.assert_up(res, ct)


if __name__ == "__main__":
    unittest.main()
