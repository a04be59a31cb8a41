#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The Uptime Kuma push contract: the URL kuma-push sends, and what it does
with each answer Kuma can give (issue 3 "Push", issue 5 fault 13)."""

import os
import re
import sys
import unittest
from urllib.parse import unquote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kp_harness import (EXIT_OK, EXIT_UNAVAILABLE, KPTestCase,  # noqa: E402
                        free_port, mask, scaled, token)


def q_status(record):
    return dict(record["query_pairs"]).get("status")


class PushURL(KPTestCase):
    def test_get_each_param_once_exact_path(self):
        up, utok = self.target("good", "ok")
        down, dtok = self.target("bad", "500")
        res = self.kp(config=self.config([up, down]))
        self.assert_rc(res, EXIT_OK)
        self.assertEqual(len(res.kuma), 6, mask(res.describe()))
        skipped = {dtok["models"], dtok["chat"]}
        for r in res.kuma:
            tok = r["token"]
            self.assertEqual(r["method"], "GET")
            self.assertEqual(r["path"], "/api/push/" + tok,
                             "no trailing slash, nothing after the token")
            keys = [k for k, _ in r["query_pairs"]]
            # a down result (skipped or failed) carries no ping
            want = ["msg", "status"] if q_status(r) == "down" else \
                ["msg", "ping", "status"]
            self.assertEqual(sorted(keys), want,
                             "each parameter exactly once: %s" % mask(r["raw_path"]))
            q = dict(r["query_pairs"])
            self.assertIn(q["status"], ("up", "down"))
            if "ping" in q:
                self.assertRegex(q["ping"], r"^[1-9][0-9]*$")
            self.assertLessEqual(len(q["msg"]), 250)
            # percent-encoded by libcurl: no raw space or quote on the wire
            self.assertNotRegex(r["query_raw"], r'[ "<>]')
        self.assertEqual(dict(res.push(utok["health"])["record"]["query_pairs"])
                         ["status"], "up")
        self.assertEqual(dict(res.push(dtok["health"])["record"]["query_pairs"])
                         ["status"], "down")

    def test_msg_is_escaped_exactly(self):
        reply = "a&b=c+d#e%f?g h/i é"
        t, tok = self.target("webui", "after",
                             tiers={"chat": {"prompt": "Say: " + reply}})
        res = self.kp(config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        p = self.assert_down(res, tok["chat"])
        self.assertEqual(p["msg"], 'reply lacks HEALTHY: "%s"' % reply)
        raw = p["record"]["query_raw"]
        self.assertNotIn("+", raw.replace("%2B", ""),
                         "'+' must be percent-encoded (Kuma reads + as space)")

    def test_msg_capped_and_cleaned(self):
        t, tok = self.target("webui", "longreply")
        res = self.kp(config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        p = self.assert_down(res, tok["chat"])
        self.assertLessEqual(len(p["msg"]), 250, p["msg"])
        self.assertGreater(len(p["msg"]), 100, "cut at 250, not earlier")
        self.assertFalse(re.search(r"[\x00-\x1f\x7f]", p["msg"]), repr(p["msg"]))
        self.assertTrue(p["msg"].startswith('reply lacks HEALTHY: "I am'),
                        p["msg"])

    def test_ping_is_plausible(self):
        t, tok = self.target("webui", "slow300", tiers=("health",))
        res = self.kp(config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        p = self.assert_up(res, tok["health"], msg="OK")
        self.assertGreaterEqual(int(p["ping"]), 295)
        self.assertLess(int(p["ping"]), 300 + scaled(700))

    def test_full_pasted_push_url_query_dropped(self):
        tok = token("HEALTH")
        pasted = "%s/api/push/%s?status=up&msg=OK&ping=" % (self.fake.base, tok)
        t, toks = self.target("webui", "500", tiers={"health": {"push": pasted}})
        res = self.kp(config=self.config([t], kuma_url=None))
        self.assert_rc(res, EXIT_OK)
        self.assertEqual(toks["health"], tok)
        p = self.assert_down(res, tok, msg_re=r"^HTTP 500")
        self.assertEqual(p["record"]["path"], "/api/push/" + tok)
        self.assertEqual(sorted(k for k, _ in p["record"]["query_pairs"]),
                         ["msg", "status"])

    def test_full_push_url_wins_over_kuma_url(self):
        tok = token("HEALTH")
        pasted = "%s/api/push/%s?status=up&msg=OK&ping=" % (self.fake.base, tok)
        t, _ = self.target("webui", "ok", tiers={"health": {"push": pasted}})
        dead = "http://127.0.0.1:%d" % free_port()
        res = self.kp(config=self.config([t], kuma_url=dead))
        self.assert_rc(res, EXIT_OK)
        self.assert_up(res, tok, msg="OK")

    def test_kuma_url_with_trailing_slash(self):
        t, tok = self.target("webui", "ok", tiers=("health",))
        res = self.kp(config=self.config([t], kuma_url=self.fake.base + "/"))
        self.assert_rc(res, EXIT_OK)
        p = self.assert_up(res, tok["health"])
        self.assertEqual(unquote(p["record"]["raw_path"].split("?")[0]),
                         "/api/push/" + tok["health"])


class Secrets(KPTestCase):
    """kp() checks every run's output for keys and tokens; these runs are
    the ones most tempted to print them (issue 5)."""

    def test_nothing_leaks_at_any_verbosity(self):
        good, _ = self.target("good", "ok")
        wrong, _ = self.target("wrong", "ok", key="sk-test-WRONGkey9876")
        pasted = "%s/api/push/%s?status=up&msg=OK&ping=" % (
            self.fake.base, token("PASTED"))
        full, _ = self.target("full", "500", tiers={"health": {"push": pasted}})
        gone, _ = self.target("notfound", "ok", tiers={
            "health": {"push": token("notfound")},
            "models": {"push": token("html")}})
        conf = self.config([good, wrong, full, gone], kuma={"retries": 0})
        for args in (["-v"], ["-vvv"], ["--dry-run", "-vvv"], ["-n", "-vvv"]):
            with self.subTest(args=args):
                res = self.kp(*args, config=conf)
                self.assertIn(res.rc, (EXIT_OK, EXIT_UNAVAILABLE))


class DryRun(KPTestCase):
    def test_dry_run_sends_nothing_and_masks_tokens(self):
        t, tok = self.target("webui", "ok")
        c = {"name": "tags", "url": self.fake.base + "/ok/health",
             "push": token("HTTP")}
        res = self.kp("--dry-run", config=self.config([t], checks=[c]))
        self.assert_rc(res, EXIT_OK)
        self.assertEqual(res.kuma, [], "--dry-run must not push")
        self.assertGreaterEqual(len(res.owui), 4, "--dry-run runs the checks")
        lines = [ln for ln in res.stdout.splitlines() if "/api/push/" in ln]
        self.assertEqual(len(lines), 4, res.stdout)
        want = re.escape(self.fake.base) + r"/api/push/\*\*\*\?\S*status=up"
        for ln in lines:
            self.assertRegex(ln, want)
        self.assertIn("msg=3%20models", res.stdout.replace("+", "%20"))


class KumaAnswers(KPTestCase):
    """Issue 5 fault 13: Kuma refusing, 5xx, 404 and a web page."""

    def one(self, push_tok, **kuma):
        t, _ = self.target("webui", "ok", tiers={"health": {"push": push_tok}})
        return self.kp(config=self.config([t], kuma=kuma or None))

    def test_404_logged_with_kumas_msg_not_retried(self):
        bad = token("notfound")
        t, tok = self.target("webui", "ok", tiers={"health": {"push": bad},
                                                    "models": {}})
        res = self.kp(config=self.config([t]))
        self.assert_rc(res, EXIT_UNAVAILABLE)
        self.assertEqual(len(res.pushes(bad)), 1, "a 404 must not be retried")
        self.assertIn("Monitor not found or not active.", res.stderr)
        self.assert_up(res, tok["models"], msg="3 models")

    def test_5xx_retried_with_backoff_then_69(self):
        bad = token("err500")
        res = self.one(bad, retries=2, retry_delay=0.2)
        self.assert_rc(res, EXIT_UNAVAILABLE)
        tries = res.pushes(bad)
        self.assertEqual(len(tries), 3, "1 try + 2 retries\n" + mask(res.describe()))
        gaps = [b["ts"] - a["ts"] for a, b in zip(tries, tries[1:])]
        self.assertGreaterEqual(gaps[0], 0.18, gaps)
        self.assertGreater(gaps[1], gaps[0] * 1.3, "backoff: %s" % gaps)
        self.assertTrue(res.stderr.strip(), "a failed push is reported")

    def test_flaky_retried_and_succeeds(self):
        flaky = token("flaky")
        res = self.one(flaky, retries=2, retry_delay=0.2)
        self.assert_rc(res, EXIT_OK)
        self.assertEqual(len(res.pushes(flaky)), 2)
        self.assertEqual(res.pushes(flaky)[1]["query"]["status"], ["up"])

    def test_html_200_is_a_wrong_push_url(self):
        bad = token("html")
        res = self.one(bad)
        self.assert_rc(res, EXIT_UNAVAILABLE)
        self.assertRegex(res.stderr, r"(?i)wrong push URL|not an? (Uptime )?"
                         r"Kuma push endpoint|check the push URL")

    def test_kuma_refusing_connections(self):
        t, _ = self.target("webui", "ok")
        res = self.kp(config=self.config(
            [t], kuma_url="http://127.0.0.1:%d" % free_port(),
            kuma={"retries": 1, "retry_delay": 0.1}))
        self.assert_rc(res, EXIT_UNAVAILABLE)
        self.assertIn("connection refused", res.stderr.lower())
        self.assertLess(res.elapsed, scaled(5.0))

    def test_kuma_hang_bounded_by_timeout(self):
        bad = token("hang")
        res = self.one(bad, timeout=1.0, retries=0)
        self.assert_rc(res, EXIT_UNAVAILABLE)
        self.assertLess(res.elapsed, scaled(1.0 * 1.1 + 1.0))
        self.assertRegex(res.stderr.lower(), r"timeout|timed out")

    def test_429_retried(self):
        limited = token("ratelimit")
        res = self.one(limited, retries=2, retry_delay=0.2)
        self.assert_rc(res, EXIT_OK)
        self.assertEqual(len(res.pushes(limited)), 2)

    def test_200_without_ok_true_is_not_success(self):
        bad = token("okfalse")
        res = self.one(bad)
        self.assert_rc(res, EXIT_UNAVAILABLE)
        self.assertTrue(res.stderr.strip())

    def test_slow_kuma_is_waited_for(self):
        slow = token("slow1500ms")
        res = self.one(slow, timeout=5.0, retries=0)
        self.assert_rc(res, EXIT_OK)
        self.assertEqual(len(res.pushes(slow)), 1)

    def test_one_failed_push_does_not_stop_others(self):
        bad = token("err500")
        t, tok = self.target("webui", "ok", tiers={"health": {},
                                                    "models": {"push": bad},
                                                    "chat": {}})
        res = self.kp(config=self.config([t], kuma={"retries": 0}))
        self.assert_rc(res, EXIT_UNAVAILABLE)
        self.assert_up(res, tok["health"], msg="OK")
        self.assert_up(res, tok["chat"], msg="OK (50 tok/s)")


class PushFailureReport(KPTestCase):
    """A failed push names its config line and push URL (masked); a
    redirect from Kuma shows where it points and what to set."""

    def health_line(self, conf):
        """The line of the health block, as -n would name it."""
        with open(conf, encoding="utf-8") as f:
            lines = f.read().splitlines()
        return next(i + 1 for i, ln in enumerate(lines)
                    if ln.strip().startswith("health"))

    def test_failure_names_config_line_and_masked_url(self):
        bad = token("notfound")
        t, _ = self.target("webui", "ok", tiers={"health": {"push": bad}})
        conf = self.config([t])
        res = self.kp(config=conf)
        self.assert_rc(res, EXIT_UNAVAILABLE)
        self.assertIn("%s:%d: webui/health: push to Kuma failed: Kuma refused "
                      "the push (HTTP 404): Monitor not found or not active. "
                      "(push URL %s/api/push/***)"
                      % (conf, self.health_line(conf), self.fake.base),
                      res.stderr)

    def test_redirect_shows_location_and_follow_redirects(self):
        moved = token("moved")
        t, _ = self.target("webui", "ok", tiers={"health": {"push": moved}})
        conf = self.config([t])
        res = self.kp(config=conf)
        self.assert_rc(res, EXIT_UNAVAILABLE)
        self.assertIn("webui/health: push to Kuma failed: Kuma redirects the "
                      "push (HTTP 301) to %s/api/push/***?status=up&msg=OK&ping="
                      % self.fake.base, res.stderr)
        self.assertIn("follow_redirects = true in the kuma block "
                      "(follow_redirects applies to kuma too)", res.stderr)
        # and so it does: the push then lands where Kuma pointed
        res = self.kp(config=self.config([t], kuma={"follow_redirects": True}))
        self.assert_rc(res, EXIT_OK)
        self.assertEqual(len([r for r in res.kuma
                              if r["token"] == "ok" + moved[5:]]), 1)


if __name__ == "__main__":
    unittest.main()
