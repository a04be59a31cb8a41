#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Issue 10, "Trust": nothing the watched server sends makes kuma-push leak
a secret, push a message Kuma cannot store, or write where it must not;
every file it reads is checked without blocking."""

import json
import os
import stat
import subprocess
import sys
import unittest
from urllib.parse import unquote_to_bytes

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kp_harness import (EXIT_CONFIG, EXIT_OK, EXIT_OSERR, KUMA_PUSH,  # noqa: E402
                        WRAPPER, KPTestCase, mask, scaled, secret, token,
                        write_file)

KEY = "sk-LEAK0123456789abcdef0123456789"


def raw_msg(push):
    """The msg exactly as the bytes Kuma got: must decode as UTF-8."""
    for part in push["record"]["query_raw"].split("&"):
        if part.startswith("msg="):
            return unquote_to_bytes(part[4:]).decode("utf-8")  # strict
    raise AssertionError("no msg in %s" % push["record"]["query_raw"])


class Leak(KPTestCase):
    def test_echoed_key_reaches_no_output(self):
        """A 401 quoting "Bearer sk-..." is masked in Kuma's msg, on stderr
        at every verbosity and in --json (the harness also scans stdout
        and stderr for every registered secret)."""
        t, tok = self.target("webui", "health=ok,models=echokey,chat=echokey",
                             key=secret(KEY))
        conf = self.config([t])
        for flags in ((), ("-v",), ("-vv",), ("--json",), ("--json", "-vv")):
            res = self.kp(*flags, config=conf)
            self.assert_rc(res, EXIT_OK)
            for tier in ("models", "chat"):
                p = self.assert_down(res, tok[tier])
                self.assertTrue(p["msg"].startswith(
                    "HTTP 401: Bad key Bearer ***"), mask(res.describe()))
            for text in (res.stdout, res.stderr):
                self.assertNotIn("sk-LEAK", text)
            if "--json" in flags:
                msgs = [json.loads(ln)["msg"] for ln in res.stdout.splitlines()]
                self.assertEqual(sum(m.startswith("HTTP 401: Bad key Bearer ***")
                                     for m in msgs), 2, msgs)

    def test_configured_header_value_masked(self):
        value = secret("hdr-" + token("V"))
        tok = token("HTTP")
        c = {"name": "api", "url": self.fake.url("echohdr") + "/x",
             "headers": ["X-Api-Key: " + value], "push": tok}
        res = self.kp("-vv", "--json", config=self.config(checks=[c]))
        self.assert_rc(res, EXIT_OK)
        p = self.assert_down(res, tok)
        self.assertIn("X-Api-Key: ***", p["msg"])
        self.assertNotIn(value, p["msg"])

    def test_dry_run_masks_userinfo_password(self):
        pw = secret("kumaPW" + token("X"))
        t, tok = self.target("webui", "ok", tiers=("health",))
        base = self.fake.base.replace("http://", "http://agent:%s@" % pw)
        res = self.kp("--dry-run", config=self.config([t], kuma_url=base))
        self.assert_rc(res, EXIT_OK)
        self.assertIn("GET http://agent:***@%s/api/push/***?status=up"
                      % self.fake.base[len("http://"):], res.stdout)
        self.assertEqual(res.kuma, [], "--dry-run pushes nothing")


class Utf8(KPTestCase):
    def test_latin1_error_page(self):
        t, tok = self.target("webui", "latin1", tiers=("health",))
        res = self.kp("--json", config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        msg = raw_msg(self.assert_down(res, tok["health"]))
        self.assertTrue(msg.startswith("HTTP 500: <h1>Erreur interne</h1>"), msg)
        self.assertIn("R\ufffdessayez \ufffd nouveau", msg)
        self.assertEqual(json.loads(res.stdout)["msg"], msg,
                         "--json shows exactly the msg pushed")

    def test_cut_at_250_characters_and_skipped_parenthesis(self):
        t, tok = self.target("webui", "wide", tiers=("health", "models"))
        res = self.kp("--json", "-v", config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        msg = raw_msg(self.assert_down(res, tok["health"]))
        self.assertEqual(msg, "HTTP 500: " + "\u6a21" * 240)
        skipped = raw_msg(self.assert_skipped(res, tok["models"]))
        self.assertEqual(len(skipped), 250, skipped)
        self.assertTrue(skipped.endswith("\u6a21)"), skipped)
        objs = {o["tier"]: o for o in map(json.loads, res.stdout.splitlines())}
        self.assertEqual(objs["health"]["msg"], msg)
        self.assertEqual(objs["models"]["msg"], skipped)
        self.assertIn("down - ms: " + msg + "\n", res.stderr,
                      "-v shows exactly the msg pushed")

    def test_down_has_no_ping_but_json_keeps_timings(self):
        t, tok = self.target("webui", "500", tiers=("health",))
        res = self.kp("--json", config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        p = self.assert_down(res, tok["health"])  # asserts: no ping
        self.assertNotIn("ping", p["record"]["query"])
        o = json.loads(res.stdout)
        self.assertIsNone(o["ping_ms"])
        self.assertGreater(o["timings"]["total_ms"], 0)

    def test_target_name_not_utf8_in_json_and_metrics(self):
        t, _ = self.target("NAMEcaf", "ok", tiers=("health",))
        metrics = os.path.join(self.tmp, "kp.prom")
        conf = self.config([t], metrics_file=metrics)
        with open(conf, "rb") as f:
            text = f.read()
        with open(conf, "wb") as f:
            f.write(text.replace(b"NAMEcaf", b"NAMEcaf\xe9"))
        res = self.kp("--json", config=conf)
        self.assert_rc(res, EXIT_OK)
        self.assertEqual(json.loads(res.stdout)["target"], "NAMEcaf\ufffd")
        with open(metrics, "rb") as f:
            prom = f.read().decode("utf-8")  # strict
        self.assertIn('target="NAMEcaf\ufffd"', prom)


def run_raw(args, **kw):
    return subprocess.run(WRAPPER + [KUMA_PUSH] + list(args),
                          stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                          timeout=scaled(20), **kw)


class Files(KPTestCase):
    def test_symlink_at_old_temp_name_not_followed(self):
        metrics = os.path.join(self.tmp, "kp.prom")
        victim = write_file(os.path.join(self.tmp, "victim"), "precious\n")
        # The old code wrote <metrics_file>.tmp.<pid>: plant a symlink at
        # every pid the run may get.
        with open("/proc/sys/kernel/pid_max") as f:
            pid_max = int(f.read())
        with open("/proc/loadavg") as f:
            last = int(f.read().split()[-1])
        for pid in range(last + 1, min(last + 3000, pid_max)):
            os.symlink(victim, "%s.tmp.%d" % (metrics, pid))
        t, _ = self.target("webui", "ok", tiers=("health",))
        res = self.kp(config=self.config([t], metrics_file=metrics))
        self.assert_rc(res, EXIT_OK)
        with open(victim) as f:
            self.assertEqual(f.read(), "precious\n")
        st = os.lstat(metrics)
        self.assertTrue(stat.S_ISREG(st.st_mode))
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o644)
        with open(metrics) as f:
            self.assertIn("kuma_push_up{", f.read())
        left = [n for n in os.listdir(self.tmp)
                if n.startswith("kp.prom.") and not n.startswith("kp.prom.tmp.")]
        self.assertEqual(left, [], "no temporary file left behind")

    def test_closed_stdout_does_not_become_the_lock_file(self):
        t, tok = self.target("webui", "ok", tiers=("health",))
        conf = self.config([t])
        p = subprocess.run(["sh", "-c", 'exec "$@" >&-', "sh"] + WRAPPER +
                           [KUMA_PUSH, "-c", conf, "--json"],
                           capture_output=False, stderr=subprocess.PIPE,
                           stdin=subprocess.DEVNULL, timeout=scaled(20),
                           cwd=self.tmp)
        self.assertEqual(p.returncode, EXIT_OK, p.stderr)
        with open(self.lock_file) as f:
            self.assertNotIn('"target"', f.read())

    def test_stdout_write_error_exits_71(self):
        t, _ = self.target("webui", "ok", tiers=("health",))
        conf = self.config([t])
        for args in (["--json"], ["-n"], ["--dry-run"], ["--version"]):
            with open("/dev/full", "w") as full:
                p = run_raw(["-c", conf] + args, stdout=full, cwd=self.tmp)
            err = p.stderr.decode()
            self.assertEqual(p.returncode, EXIT_OSERR, (args, err))
            self.assertEqual(len(err.splitlines()), 1, err)
            self.assertIn("cannot write to standard output", err)

    def test_fifo_config_and_key_file_do_not_block(self):
        fifo = os.path.join(self.tmp, "fifo.conf")
        os.mkfifo(fifo)
        res = self.kp("-n", config=fifo, timeout=10)
        self.assert_rc(res, EXIT_CONFIG)
        self.assertIn("%s: not a regular file" % fifo, res.stderr)
        key = os.path.join(self.tmp, "key.fifo")
        os.mkfifo(key)
        t, _ = self.target("webui", "ok", tiers=("models",), key=None,
                           api_key_file=key)
        conf = self.config([t])
        res = self.kp("-n", config=conf, timeout=10)
        self.assert_rc(res, EXIT_CONFIG)
        self.assertRegex(res.stderr, r"%s:\d+: targets\.\[0\]\.api_key_file: "
                         r".*not a regular file" % conf)
        push = os.path.join(self.tmp, "push.fifo")
        os.mkfifo(push)
        t, _ = self.target("webui", "ok", tiers={"health": {"push": "unused"}})
        del t["health"]["push"]
        t["health"]["push_file"] = push
        conf = self.config([t])
        res = self.kp("-n", config=conf, timeout=10)
        self.assert_rc(res, EXIT_CONFIG)
        self.assertRegex(res.stderr, r"%s:\d+: targets\.\[0\]\.health\.push_file: "
                         r".*not a regular file" % conf)


if __name__ == "__main__":
    unittest.main()
