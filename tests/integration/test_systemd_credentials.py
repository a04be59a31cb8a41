# SPDX-License-Identifier: MIT
"""test_systemd_credentials.py: the README's systemd setup, run the way the
unit runs it. systemd is not PID 1 here, so the test does what it would for
contrib/systemd/kuma-push.service, reading the unit file itself: every
LoadCredential= (a file as ID, a directory as ID_FILENAME, mode 0400, owned
by the service's user) into a private credentials directory, the
RuntimeDirectory=, the Environment= lines, then ExecStart= with
$CREDENTIALS_DIRECTORY, as an unprivileged uid of the DynamicUser range
(setpriv). Paths of the unit under /etc and /run are taken inside a
temporary root. The configuration is the README's: api_key_file =
"/etc/kuma-push/webui.key", mode 0600, root's, like /etc/kuma-push.conf.
Needs root (to switch users); skipped otherwise."""

import os
import shlex
import shutil
import stat
import subprocess
import tempfile
import unittest

from kp_harness import (EXIT_CONFIG, EXIT_OK, GOOD_KEY, KUMA_PUSH, REPO,
                        WRAPPER, KPTestCase, render_config, scaled, token,
                        write_file)

UNIT = os.path.join(REPO, "contrib", "systemd", "kuma-push.service")
LOOP_UNIT = os.path.join(REPO, "contrib", "systemd", "kuma-push-loop.service")
# A uid from systemd's DynamicUser range (61184-65519) that owns no file.
DYNAMIC_UID = 63317


def parse_unit(path):
    """{key: [values]} of the [Service] section (comments dropped)."""
    out, section = {}, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line[0] in "#;":
                continue
            if line.startswith("["):
                section = line
                continue
            if section == "[Service]" and "=" in line:
                key, value = line.split("=", 1)
                out.setdefault(key, []).append(value)
    return out


def have_setpriv():
    return shutil.which("setpriv") is not None


@unittest.skipUnless(hasattr(os, "geteuid") and os.geteuid() == 0,
                     "needs root to run the command as another user")
@unittest.skipUnless(have_setpriv(), "needs setpriv (util-linux)")
class SystemdCredentials(KPTestCase):

    def setUp(self):
        super().setUp()
        self.unit = parse_unit(UNIT)
        # A world-traversable root: the dynamic user must reach the
        # credentials directory, as it reaches /run/credentials.
        self.root = tempfile.mkdtemp(prefix="kp-unit-")
        os.chmod(self.root, 0o755)
        self.addCleanup(shutil.rmtree, self.root, True)

    def inside(self, path):
        """A unit path (/etc/..., /run/...) inside the temporary root."""
        return os.path.join(self.root, path.lstrip("/"))

    def readme_setup(self, toks):
        """/etc/kuma-push.conf and /etc/kuma-push/webui.key as README's
        Install and Configure sections make them: root's, mode 0600."""
        os.makedirs(self.inside("/etc/kuma-push"), mode=0o755)
        write_file(self.inside("/etc/kuma-push/webui.key"), GOOD_KEY + "\n",
                   0o600)
        cfg = {
            "kuma": {"url": self.fake.base, "retries": 1, "retry_delay": 0.2},
            "defaults": {"timeout": 3.0, "connect_timeout": 2.0},
            "targets": [{
                "name": "webui",
                "url": self.fake.url("ok"),
                "api_key_file": "/etc/kuma-push/webui.key",
                "health": {"push": toks["health"]},
                "models": {"push": toks["models"]},
            }],
        }
        write_file(self.inside("/etc/kuma-push.conf"), render_config(cfg),
                   0o600)

    def load_credentials(self, lines):
        """What systemd does for LoadCredential=ID:PATH lines: a private
        directory the service's user alone may read."""
        creds = self.inside("/run/credentials/kuma-push.service")
        os.makedirs(creds)
        for line in lines:
            cid, path = line.split(":", 1)
            src = self.inside(path)
            if os.path.isdir(src):
                items = [(cid + "_" + name, os.path.join(src, name))
                         for name in sorted(os.listdir(src))
                         if os.path.isfile(os.path.join(src, name))
                         and not os.path.islink(os.path.join(src, name))]
            else:
                self.assertTrue(os.path.isfile(src), "%s: no %s" % (line, src))
                items = [(cid, src)]
            for name, source in items:
                dst = os.path.join(creds, name)
                shutil.copyfile(source, dst)
                os.chmod(dst, 0o400)
                os.chown(dst, DYNAMIC_UID, DYNAMIC_UID)
        os.chmod(creds, 0o500)
        os.chown(creds, DYNAMIC_UID, DYNAMIC_UID)
        return creds

    def run_unit(self, credential_lines):
        """ExecStart= of the unit, as its user, with its environment."""
        creds = self.load_credentials(credential_lines)
        for d in self.unit.get("RuntimeDirectory", []):
            rundir = self.inside("/run/" + d)
            os.makedirs(rundir, mode=0o755)
            os.chown(rundir, DYNAMIC_UID, DYNAMIC_UID)
        env = {"PATH": "/usr/bin:/bin", "CREDENTIALS_DIRECTORY": creds}
        for line in self.unit.get("Environment", []):
            for assignment in shlex.split(line):
                key, value = assignment.split("=", 1)
                if value.startswith("/run/"):
                    value = self.inside(value)
                env[key] = value
        self.assertEqual(len(self.unit["ExecStart"]), 1)
        argv = shlex.split(self.unit["ExecStart"][0].replace(
            "${CREDENTIALS_DIRECTORY}", creds))
        self.assertEqual(argv[0], "/usr/bin/kuma-push")
        cmd = (["setpriv", "--reuid=%d" % DYNAMIC_UID,
                "--regid=%d" % DYNAMIC_UID, "--clear-groups",
                "--no-new-privs", "--"] + WRAPPER + [KUMA_PUSH] + argv[1:])
        mark = self.fake.mark()
        p = subprocess.run(cmd, env=env, cwd="/", capture_output=True,
                           text=True, timeout=scaled(60),
                           stdin=subprocess.DEVNULL)
        kuma = [r for r in self.fake.records(mark) if r["role"] == "kuma"]
        return p, kuma, env

    def pushed(self, kuma, tok):
        return [r for r in kuma if tok in r["raw_path"]]

    def test_unit_is_as_documented(self):
        # What the README and kuma-push.conf(5) promise of both units.
        for path in (UNIT, LOOP_UNIT):
            unit = parse_unit(path)
            self.assertEqual(unit.get("DynamicUser"), ["yes"], path)
            self.assertEqual(sorted(unit.get("LoadCredential", [])),
                             ["kuma-push.conf:/etc/kuma-push.conf",
                              "kuma-push:/etc/kuma-push"], path)
            self.assertIn("-c ${CREDENTIALS_DIRECTORY}/kuma-push.conf",
                          unit["ExecStart"][0], path)

    def test_readme_setup_runs_under_the_unit(self):
        toks = {"health": token("HEALTH"), "models": token("MODELS")}
        self.readme_setup(toks)
        # The emulation is faithful: the service's user cannot read the key.
        p = subprocess.run(["setpriv", "--reuid=%d" % DYNAMIC_UID,
                            "--regid=%d" % DYNAMIC_UID, "--clear-groups",
                            "cat", self.inside("/etc/kuma-push/webui.key")],
                           capture_output=True, text=True)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("Permission denied", p.stderr)

        p, kuma, env = self.run_unit(self.unit["LoadCredential"])
        self.assertEqual(p.returncode, EXIT_OK,
                         "kuma-push under the unit: %s" % p.stderr)
        self.assertEqual(p.stderr, "")
        for tier in ("health", "models"):
            got = self.pushed(kuma, toks[tier])
            self.assertEqual(len(got), 1, "%s: %r" % (tier, kuma))
            self.assertIn("status=up", got[0]["raw_path"], tier)
        # The models tier sent the key from the credential (the fake answers
        # 401 to any other), and the lock went to the runtime directory.
        self.assertTrue(os.path.exists(
            os.path.join(env["XDG_RUNTIME_DIR"], "kuma-push.lock")))

    def test_without_the_directory_credential_the_key_is_unreadable(self):
        # The unit before 0.2 loaded only the configuration: the README's
        # key file then fails with exit 78 and names the way out.
        toks = {"health": token("HEALTH"), "models": token("MODELS")}
        self.readme_setup(toks)
        conf_only = [c for c in self.unit["LoadCredential"]
                     if c.startswith("kuma-push.conf:")]
        p, kuma, _ = self.run_unit(conf_only)
        self.assertEqual(p.returncode, EXIT_CONFIG, p.stderr)
        self.assertIn("targets.[0].api_key_file: cannot open "
                      "/etc/kuma-push/webui.key", p.stderr)
        self.assertIn("under systemd, a secret file must lie in "
                      "/etc/kuma-push/", p.stderr)
        self.assertEqual(kuma, [])

    def test_push_file_through_the_directory_credential(self):
        # A push token in a file of its own, through the same directory.
        toks = {"health": token("HEALTH"), "models": token("MODELS")}
        self.readme_setup(toks)
        write_file(self.inside("/etc/kuma-push/health.token"),
                   toks["health"] + "\n", 0o600)
        conf = self.inside("/etc/kuma-push.conf")
        with open(conf, encoding="utf-8") as f:
            text = f.read()
        text = text.replace('push = "%s"' % toks["health"],
                            'push_file = "/etc/kuma-push/health.token"')
        self.assertIn("push_file", text)
        write_file(conf, text, 0o600)
        self.assertEqual(stat.S_IMODE(os.stat(conf).st_mode), 0o600)
        p, kuma, _ = self.run_unit(self.unit["LoadCredential"])
        self.assertEqual(p.returncode, EXIT_OK, p.stderr)
        self.assertEqual(p.stderr, "")
        self.assertEqual(len(self.pushed(kuma, toks["health"])), 1)


if __name__ == "__main__":
    unittest.main()
