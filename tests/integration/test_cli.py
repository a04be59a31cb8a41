#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The command line: -n/--check-config on good and broken configs, usage
errors, --help, --version, the query subcommand and the run lock."""

import glob
import os
import re
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kp_harness import (EXIT_CONFIG, EXIT_DATAERR, EXIT_OK,  # noqa: E402
                        EXIT_TEMPFAIL, EXIT_USAGE, FIXTURES, GOOD_KEY,
                        KUMA_PUSH, REPO, WRAPPER, KPTestCase, Result, mask, scaled,
                        secret, token, token_of, write_file)

CONFIG_DIR = os.path.join(REPO, "tests", "config")
BROKEN_NAME = re.compile(r"(?i)(bad|broken|invalid|error|wrong|missing|unknown)")
GOOD_NAME = re.compile(r"(?i)^(good|ok|valid|minimal|full|example)")


class CheckConfig(KPTestCase):
    def write(self, text, name="kp.conf", mode=0o600):
        return write_file(os.path.join(self.tmp, name), text, mode)

    def assert_file_line(self, res, path, line, *words):
        out = res.stdout + res.stderr
        hits = [ln for ln in out.splitlines() if "%s:%d:" % (path, line) in ln]
        self.assertTrue(hits, "no '%s:%d:' error line\n%s"
                        % (path, line, mask(res.describe())))
        for w in words:
            self.assertTrue(any(w in h for h in hits),
                            "line %d error does not name %r: %s"
                            % (line, w, mask("\n".join(hits))))

    def test_good_config_ok_and_sends_nothing(self):
        t, _ = self.target("webui", "ok")
        c = {"name": "tags", "url": self.fake.base + "/ok/health",
             "push": token("HTTP")}
        conf = self.config([t], checks=[c])
        for flag in ("-n", "--check-config"):
            res = self.kp(flag, config=conf)
            self.assert_rc(res, EXIT_OK)
            self.assertIn("configuration OK", res.stdout)
            self.assertEqual(res.kuma + res.owui, [], "-n sends nothing")

    def test_every_error_reported_with_file_line(self):
        path = self.write(
            'kuma = { url = "http://127.0.0.1:9"; };\n'                 # 1
            'lock_file = "%s";\n'                                      # 2
            'targets = (\n'                                            # 3
            '  { name = "webui"; url = "http://127.0.0.1:9/ok";\n'     # 4
            '    colour = "blue";\n'                                   # 5
            '    health = { push = "tokHEALTHcfg1"; timeout = "fast"; };\n'  # 6
            '    models = { push = "tokMODELScfg1"; retries = -3; };\n'  # 7
            '    chat = { model = "llama3.2:3b"; };\n'                 # 8
            '  }\n'                                                    # 9
            ');\n' % self.lock_file)                                   # 10
        secret("tokHEALTHcfg1")
        secret("tokMODELScfg1")
        res = self.kp("-n", config=path)
        self.assert_rc(res, EXIT_CONFIG)
        self.assertNotIn("configuration OK", res.stdout)
        self.assert_file_line(res, path, 5, "colour")
        self.assert_file_line(res, path, 6, "timeout")
        self.assert_file_line(res, path, 7, "retries")
        self.assert_file_line(res, path, 8, "push")

    def test_syntax_error(self):
        path = self.write('kuma = { url = "http://127.0.0.1:9"; };\n'
                          'targets = (\n'
                          '  { name = "webui" url = ; }\n'
                          ');\n')
        res = self.kp("-n", config=path)
        self.assert_rc(res, EXIT_CONFIG)
        self.assert_file_line(res, path, 3)

    def test_unknown_top_level_key_and_bad_numbers(self):
        path = self.write(
            'kuma = { url = "http://127.0.0.1:9"; };\n'                  # 1
            'defaults = { timeout = -1.0; connect_timeout = 1.0; };\n'  # 2
            'bogus_setting = 1;\n'                                      # 3
            'checks = ( { name = "x"; url = "http://127.0.0.1:9/";\n'    # 4
            '             push = "tokHTTPcfg2"; status = "299-200"; } );\n')  # 5
        secret("tokHTTPcfg2")
        res = self.kp("-n", config=path)
        self.assert_rc(res, EXIT_CONFIG)
        self.assert_file_line(res, path, 2, "timeout")
        self.assert_file_line(res, path, 3, "bogus_setting")
        self.assert_file_line(res, path, 5, "status")

    def test_bad_query_reported_at_load(self):
        path = self.write(
            'kuma = { url = "http://127.0.0.1:9"; };\n'
            'targets = ( { name = "webui"; url = "http://127.0.0.1:9/ok";\n'
            '  api_key = "%s";\n'
            '  models = { push = "tokMODELScfg3"; query = "$count(data[";\n'
            '  }; } );\n' % GOOD_KEY)
        secret("tokMODELScfg3")
        res = self.kp("-n", config=path)
        self.assert_rc(res, EXIT_CONFIG)
        self.assert_file_line(res, path, 4, "query")

    def test_missing_file(self):
        path = os.path.join(self.tmp, "does-not-exist.conf")
        res = self.kp("-n", config=path)
        self.assert_rc(res, EXIT_CONFIG)
        self.assertIn(path, res.stderr)
        res = self.kp(config=path)
        self.assert_rc(res, EXIT_CONFIG)
        self.assertIn(path, res.stderr)

    def test_secret_in_world_readable_config_warns(self):
        t, _ = self.target("webui", "ok")
        conf = self.config([t])
        os.chmod(conf, 0o644)
        res = self.kp("-n", config=conf)
        self.assert_rc(res, EXIT_OK)
        self.assertIn("configuration OK", res.stdout)
        self.assertIn(conf, res.stderr, "warn: secret readable by others")

    def test_repository_configs(self):
        confs = sorted(glob.glob(os.path.join(CONFIG_DIR, "*.conf")))
        if not confs:
            self.skipTest("no tests/config/*.conf yet")
        # as tests/unit/test_config.c runs them: from the repository root
        # (relative api_key_file), with the key variable good_full.conf names
        env = {"KP_TEST_CONFIG_KEY": secret("sk-env-key-0001")}
        for conf in confs:
            with open(conf, encoding="utf-8", errors="replace") as f:
                for push in re.findall(r'push\s*=\s*"([^"]+)"', f.read()):
                    secret(token_of(push))
        checked = 0
        for conf in confs:
            name = os.path.basename(conf)
            with self.subTest(conf=name):
                if BROKEN_NAME.search(name):
                    res = self.kp("-n", config=conf, env=env, cwd=REPO)
                    self.assert_rc(res, EXIT_CONFIG)
                    self.assertRegex(res.stdout + res.stderr,
                                     re.escape(conf) + r":[0-9]+: ")
                    checked += 1
                elif GOOD_NAME.search(name):
                    res = self.kp("-n", config=conf, env=env, cwd=REPO)
                    self.assert_rc(res, EXIT_OK)
                    self.assertIn("configuration OK", res.stdout)
                    checked += 1
        self.assertGreater(checked, 0, "no config name says good or broken")


class Usage(KPTestCase):
    def test_unknown_option(self):
        for args in (["--frobnicate"], ["-Z"], ["extra-argument"]):
            with self.subTest(args=args):
                res = self.kp(*args)
                self.assert_rc(res, EXIT_USAGE)
                lines = res.stderr.strip().splitlines()
                self.assertTrue(1 <= len(lines) <= 2, res.stderr)
                self.assertIn("--help", res.stderr)
                self.assertEqual(res.kuma + res.owui, [])

    def test_help_lists_exit_codes(self):
        res = self.kp("--help")
        self.assert_rc(res, EXIT_OK)
        for code in ("0", "64", "65", "66", "69", "70", "71", "75", "78"):
            self.assertRegex(res.stdout, r"(?m)^\s*%s\b" % code,
                             "exit code %s not listed" % code)
        for opt in ("-c", "--check-config", "--dry-run", "-v", "-q",
                    "--version", "query"):
            self.assertIn(opt, res.stdout)

    def test_vv_prints_per_phase_timings(self):
        t, _ = self.target("webui", "ok", tiers=["health"])
        conf = self.config([t])
        line = re.compile(r"webui health timings from the request's start: "
                          r"dns [0-9.]+ ms, connect [0-9.]+ ms, tls [0-9.]+ ms, "
                          r"first byte [0-9.]+ ms, total [0-9.]+ ms$")
        res = self.kp("-vv", config=conf)
        self.assert_rc(res, EXIT_OK)
        self.assertTrue(any(line.search(ln) for ln in res.stderr.splitlines()),
                        mask(res.stderr))
        res = self.kp("-v", config=conf)
        self.assertNotIn("timings", res.stderr, "-v alone prints no timings")

    def test_version(self):
        res = self.kp("--version")
        self.assert_rc(res, EXIT_OK)
        self.assertRegex(res.stdout, r"kuma-push [0-9]+\.[0-9]+")


class Query(KPTestCase):
    def test_query_file(self):
        res = self.kp("query", "$count(data[*])",
                      os.path.join(FIXTURES, "models_ollama.json"))
        self.assert_rc(res, EXIT_OK)
        self.assertEqual(res.stdout.strip(), "3")

    def test_query_bad_json(self):
        bad = write_file(os.path.join(self.tmp, "bad.json"), '{"data": [')
        res = self.kp("query", "$count(data[*])", bad)
        self.assert_rc(res, EXIT_DATAERR)
        # the query command's own format: one line "ERROR <code> <message>"
        self.assertRegex(res.stdout + res.stderr, r"ERROR \S+ invalid JSON")


class Lock(KPTestCase):
    def test_second_run_exits_75(self):
        t, _ = self.target("webui", "hang", tiers=("health",))
        conf = self.config([t], defaults={"timeout": 3.0})
        mark = self.fake.mark()
        first = subprocess.Popen(WRAPPER + [KUMA_PUSH, "-c", conf],
                                 stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            # the first run holds the lock once its request reaches the fake
            deadline = time.monotonic() + scaled(5.0)
            while not any(r["role"] == "owui"
                          for r in self.fake.records(mark)):
                self.assertLess(time.monotonic(), deadline,
                                "first run never reached the fake")
                time.sleep(0.02)
            res = self.kp(config=conf)
            self.assert_rc(res, EXIT_TEMPFAIL)
            self.assertEqual(len(res.stderr.strip().splitlines()), 1,
                             res.stderr)
            self.assertTrue(self.lock_file in res.stderr
                            or str(first.pid) in res.stderr,
                            "say who holds the lock: " + mask(res.stderr))
            self.assertLess(res.elapsed, scaled(1.0))
        finally:
            out, err = first.communicate(timeout=scaled(10.0))
        self.assertEqual(first.returncode, EXIT_OK, mask(err.decode()))
        self.assert_no_secrets(Result(first.returncode, out.decode(),
                                      err.decode(), 0, [], [], 0))


if __name__ == "__main__":
    unittest.main()
