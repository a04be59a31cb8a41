#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Hints where a newcomer goes wrong: a target url ending in /api, a
configuration that is missing or that this user may not read. (The 401
hint is asserted with the other auth cases in test_tiers and test_faults.)"""

import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kp_harness import (EXIT_CONFIG, EXIT_OK, KUMA_PUSH, WRAPPER,  # noqa: E402
                        KPTestCase, mask, write_file)

API_HINT = "give the base URL of Open WebUI, without /api"


class Hints(KPTestCase):
    def test_url_ending_in_api(self):
        t, tok = self.target("webui", "ok", tiers=["health", "models"])
        t["url"] = t["url"] + "/api"
        conf = self.config([t])
        res = self.kp("-n", config=conf)
        self.assert_rc(res, EXIT_OK)
        self.assertRegex(res.stderr, r"%s:\d+: targets\.\[0\]\.url: ends in /api: "
                         r"give the base URL of Open WebUI" % conf)
        res = self.kp(config=conf)
        self.assert_rc(res, EXIT_OK)
        p = self.assert_down(res, tok["health"])
        self.assertEqual(p["msg"], "not JSON (HTTP 200 text/html): "
                         + API_HINT)
        self.assertIn(API_HINT, self.assert_down(res, tok["models"])["msg"])

    def test_base_url_has_no_hint(self):
        t, tok = self.target("webui", "spa", tiers=["health"])
        res = self.kp(config=self.config([t]))
        self.assertNotIn("/api", self.assert_down(res, tok["health"])["msg"])

    def test_missing_config_points_to_the_example(self):
        missing = os.path.join(self.tmp, "nope.conf")
        res = self.kp("-n", "-c", missing)
        self.assert_rc(res, EXIT_CONFIG)
        self.assertIn("cannot open %s: No such file or directory (start from "
                      "the example, which lists every setting: " % missing,
                      res.stderr)
        self.assertIn("/examples/kuma-push.conf.example)", res.stderr)

    def test_unreadable_config_as_non_root(self):
        conf = write_file(os.path.join(self.tmp, "root.conf"),
                          'kuma = { url = "http://127.0.0.1:9"; };\n', 0o600)
        if os.geteuid() == 0:
            os.chmod(self.tmp, 0o755)
            os.chmod(os.path.dirname(self.tmp), 0o755)
            demote = lambda: (os.setgid(65534), os.setuid(65534))  # noqa: E731
        else:
            os.chmod(conf, 0)
            demote = None
        p = subprocess.run(WRAPPER + [KUMA_PUSH, "-n", "-c", conf],
                           capture_output=True, text=True, timeout=60,
                           preexec_fn=demote, cwd="/")
        self.assertEqual(p.returncode, EXIT_CONFIG, mask(p.stderr))
        self.assertIn("cannot open %s: Permission denied (you may not read it: "
                      "run kuma-push as root, or from its systemd unit)" % conf,
                      p.stderr)


if __name__ == "__main__":
    unittest.main()
