#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Machine-readable output (issue 6): --json lines and the node_exporter
textfile, checked for exact content on a known run (timings, which vary,
are checked for shape and consistency)."""

import json
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kp_harness import EXIT_OK, EXIT_UNAVAILABLE, KPTestCase, mask, token  # noqa: E402

PHASES = ("dns_ms", "connect_ms", "tls_ms", "first_byte_ms", "total_ms")


class Json(KPTestCase):
    def test_one_object_per_check(self):
        t, tok = self.target("webui", "health=ok,models=empty,chat=ok")
        res = self.kp("--json", config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        lines = res.stdout.splitlines()
        self.assertEqual(len(lines), 3, res.stdout)
        objs = {o["tier"]: o for o in map(json.loads, lines)}
        for tier, status, msg in (("health", "up", "OK"),
                                  ("models", "down", "0 models: JSON query does "
                                   "not pass (comparing false == true)"),
                                  ("chat", "up", "OK (50 tok/s)")):
            o = objs[tier]
            self.assertEqual(sorted(o), sorted(
                ["cert_not_after", "check", "http_code", "msg", "ping_ms",
                 "push_error", "pushed", "real_msg", "real_status", "status",
                 "target", "tier", "timings"] + (["chat"] if tier == "chat" else [])))
            self.assertEqual(o["check"], "webui/" + tier)
            self.assertEqual((o["cert_not_after"], o["real_status"],
                              o["real_msg"]), (None, None, None))
            self.assertEqual((o["target"], o["status"], o["msg"], o["http_code"],
                              o["pushed"], o["push_error"]),
                             ("webui", status, msg, 200, True, None))
            # ping_ms is the ping Kuma received: none for a down result,
            # whose timings are kept all the same (issue 10)
            push = res.push(tok[tier])
            self.assertEqual(o["ping_ms"] is None, status == "down")
            self.assertEqual(None if o["ping_ms"] is None else str(o["ping_ms"]),
                             push["ping"])
            self.assertEqual(sorted(o["timings"]), sorted(PHASES))
            t_ = o["timings"]
            self.assertGreater(t_["total_ms"], 0)
            self.assertLessEqual(t_["first_byte_ms"], t_["total_ms"])
            self.assertLessEqual(t_["dns_ms"], t_["connect_ms"])
            self.assertEqual(t_["tls_ms"], 0)  # plain http

    def test_skipped_and_failed_push(self):
        bad = token("notfound")
        t, tok = self.target("webui", "spa", tiers={"health": {"push": bad},
                                                     "models": {}})
        res = self.kp("--json", config=self.config([t]))
        self.assert_rc(res, EXIT_UNAVAILABLE)
        objs = {o["tier"]: o for o in map(json.loads, res.stdout.splitlines())}
        self.assertEqual(objs["health"]["pushed"], False)
        self.assertEqual(objs["health"]["push_error"],
                         "Kuma refused the push (HTTP 404): Monitor not found or not active.")
        self.assertEqual(objs["models"]["ping_ms"], None)
        self.assertEqual(objs["models"]["http_code"], None)
        self.assertEqual(objs["models"]["msg"],
                         "skipped: health down (not JSON (HTTP 200 text/html))")


METRIC_LINE = re.compile(r'^(\w+)(\{[^}]*\})? (\S+)$')


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


class Metrics(KPTestCase):
    def run_with_metrics(self, mode, path):
        t, tok = self.target("web\"ui", mode, tiers=("health", "models"))
        return self.kp(config=self.config([t], metrics_file=path)), tok

    def test_textfile_content(self):
        path = os.path.join(self.tmp, "kuma_push.prom")
        res, _ = self.run_with_metrics("ok", path)
        self.assert_rc(res, EXIT_OK)
        text = read(path)
        self.assertEqual([ln for ln in text.splitlines() if ln.startswith("#")], [
            "# HELP kuma_push_up Whether the last check of a tier was up (1) or down (0).",
            "# TYPE kuma_push_up gauge",
            "# HELP kuma_push_duration_seconds Time from the start of the last "
            "check request to the end of each phase.",
            "# TYPE kuma_push_duration_seconds gauge",
            "# HELP kuma_push_last_run_timestamp_seconds When kuma-push last "
            "finished a check (Unix time).",
            "# TYPE kuma_push_last_run_timestamp_seconds gauge",
            "# HELP kuma_push_push_failures_total Pushes that Uptime Kuma did not accept.",
            "# TYPE kuma_push_push_failures_total counter"])
        samples = [METRIC_LINE.match(ln).groups() for ln in text.splitlines()
                   if not ln.startswith("#")]
        up = [(labels, value) for name, labels, value in samples if name == "kuma_push_up"]
        # label values are escaped: the target is named web"ui
        self.assertEqual(up, [('{target="web\\"ui",tier="health"}', "1"),
                              ('{target="web\\"ui",tier="models"}', "1")])
        phases = [labels for name, labels, _ in samples
                  if name == "kuma_push_duration_seconds"]
        self.assertEqual(len(phases), 10)
        self.assertIn('{target="web\\"ui",tier="models",phase="first_byte"}', phases)
        stamp = [float(v) for n, _, v in samples
                 if n == "kuma_push_last_run_timestamp_seconds"]
        self.assertAlmostEqual(stamp[0], res.started, delta=5)
        self.assertIn(("kuma_push_push_failures_total", None, "0"), samples)
        self.assertEqual([f for f in os.listdir(self.tmp) if ".tmp" in f], [],
                         "the temp file is renamed into place")

    def test_failures_counter_keeps_counting_across_runs(self):
        path = os.path.join(self.tmp, "kuma_push.prom")
        bad = token("notfound")
        t, _ = self.target("webui", "ok", tiers={"health": {"push": bad}})
        conf = self.config([t], metrics_file=path)
        for expected in ("1", "2"):
            res = self.kp(config=conf)
            self.assert_rc(res, EXIT_UNAVAILABLE)
            self.assertIn("kuma_push_push_failures_total %s\n" % expected,
                          read(path), mask(res.describe()))

    def test_unwritable_metrics_file_is_an_error_not_a_crash(self):
        path = os.path.join(self.tmp, "no-such-dir", "kuma_push.prom")
        res, tok = self.run_with_metrics("ok", path)
        self.assert_up(res, tok["health"], msg="OK")
        self.assertIn("no-such-dir", res.stderr)


if __name__ == "__main__":
    unittest.main()
