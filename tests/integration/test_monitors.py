#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""kuma-push monitors: one line per push monitor with the Kuma settings,
tokens masked, nothing sent; usage and configuration errors."""

import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kp_harness import (EXIT_CONFIG, EXIT_OK, EXIT_USAGE,  # noqa: E402
                        KPTestCase, mask, write_file)

LINE = re.compile(r"^(\S+) (\S+) heartbeat_interval=(\d+) retry_interval=(\d+)"
                  r" retries=(\d+) \(period (\S+) s, slow run (\S+) s; worst:"
                  r" period (\S+) s, run (\S+) s\)$")


class Monitors(KPTestCase):
    def lines(self, res):
        self.assert_rc(res, EXIT_OK)
        out = {}
        for ln in res.stdout.splitlines():
            m = LINE.match(ln)
            self.assertIsNotNone(m, "unexpected line: %s" % mask(ln))
            out[m.group(1)] = m.groups()[1:]
        return out

    def setup_config(self):
        t, toks = self.target("webui", "ok", tiers={
            "health": {}, "models": {},
            "chat": {"timeout": 60.0}})
        c = {"name": "ollama-api", "url": self.fake.base + "/ok/api/tags",
             "push": self.fake.base + "/api/push/tokTAGSmon1?status=up&msg=OK&ping="}
        # the harness' defaults: timeout 2 s, no retry; kuma: 3 s, 2 retries
        # after 0.2 s and 0.4 s, so a push takes at most 9.6 s
        return self.config([t], checks=[c]), toks

    def test_one_line_per_monitor_exact_figures(self):
        conf, toks = self.setup_config()
        res = self.kp("monitors", "-c", conf)
        got = self.lines(res)
        self.assertEqual(sorted(got), ["ollama-api", "webui/chat",
                                       "webui/health", "webui/models"])
        for name, fields in got.items():
            self.assertRegex(fields[0], r"^http://127\.0\.0\.1:\d+/api/push/\*\*\*$")
        # health: slow 2 + 3 = 5 s, worst 2 + 9.6 = 11.6 s; the chat tier
        # (60 s) makes the slow run 2 + 60 + 3 = 65 s, so the timer's next
        # run is two minutes away; worst run budget 2 + 60 + 9.6 + 1 s.
        self.assertEqual(got["webui/health"][1:], ("125", "125", "1", "120",
                                                   "5", "120", "11.6"))
        self.assertEqual(got["webui/chat"][1:], ("185", "185", "1", "120",
                                                 "65", "120", "71.6"))
        self.assertEqual(res.kuma + res.owui, [], "monitors sends nothing")

    def test_loop(self):
        conf, _ = self.setup_config()
        res = self.kp("monitors", "--loop", "-c", conf)
        got = self.lines(res)
        # interval 60 s + jitter 6 s (10 %); models at worst 66 + 13.6 s
        # is more than one 73 s window: one retry
        self.assertEqual(got["webui/models"][1:], ("73", "73", "1", "66",
                                                   "7", "66", "13.6"))
        self.assertEqual(got["webui/chat"][1:], ("131", "131", "1", "66",
                                                 "65", "66", "71.6"))

    def test_usage_and_config_errors(self):
        res = self.kp("monitors", "--bogus")
        self.assert_rc(res, EXIT_USAGE)
        self.assertIn("usage: kuma-push monitors", res.stderr)
        bad = write_file(os.path.join(self.tmp, "bad.conf"), "targets = (;\n")
        res = self.kp("monitors", "-c", bad)
        self.assert_rc(res, EXIT_CONFIG)
        self.assertIn(bad + ":1:", res.stderr)
        self.assertEqual(res.stdout, "")


if __name__ == "__main__":
    unittest.main()
