# SPDX-License-Identifier: MIT
"""kp_harness.py: what every integration test shares (standard library only).

- Fake: starts tests/integration/fake_server.py, waits for "READY <port>",
  reads the requests it recorded (Kuma pushes, Open WebUI requests).
- write_config: a libconfig file from Python dicts/lists (mode 0600).
- KPTestCase.kp(): runs $KUMA_PUSH (default build/kuma-push), optionally under
  $KP_WRAPPER (valgrind ...; time limits are then scaled x10), and on EVERY
  run asserts that no test secret (API keys, push tokens) appears in its
  stdout or stderr, and that neither fake recorded a contract violation.
"""

import json
import os
import re
import selectors
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
FAKE = os.path.join(HERE, "fake_server.py")
KUMA_PUSH = os.environ.get("KUMA_PUSH") or os.path.join(REPO, "build",
                                                        "kuma-push")
WRAPPER = shlex.split(os.environ.get("KP_WRAPPER", ""))
SCALE = 10.0 if WRAPPER else 1.0

GOOD_KEY = "sk-test-good"
BAD_KEY = "sk-test-WRONGkey9876"
FIXTURES = os.path.join(REPO, "tests", "fixtures", "openwebui")

# Every secret a test ever hands to kuma-push; checked against all output.
SECRETS = {GOOD_KEY, BAD_KEY}

EXIT_OK, EXIT_USAGE, EXIT_DATAERR = 0, 64, 65
EXIT_UNAVAILABLE, EXIT_SOFTWARE, EXIT_OSERR = 69, 70, 71
EXIT_TEMPFAIL, EXIT_CONFIG = 75, 78


def scaled(seconds):
    return seconds * SCALE


def token(kind):
    """A distinctive push token, e.g. tokHEALTH3f9a1c2e; registered secret.
    kind may start with a fault prefix for the fake Kuma (notfound, err500,
    flaky, html, hang)."""
    t = "%s%s" % (kind if kind[:1].islower() else "tok" + kind,
                  uuid.uuid4().hex[:10])
    SECRETS.add(t)
    return t


def secret(value):
    SECRETS.add(value)
    return value


def free_port():
    """A loopback port nobody listens on (connection refused)."""
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Fake:
    """One fake_server.py process."""

    def __init__(self, workdir, role="both", bind="127.0.0.1", netns=False,
                 tls=None):
        """netns: run in a private network namespace with loopback only
        (unshare -rn); run kuma-push there with kp(..., netns=fake)."""
        self.role = role
        self.log_path = os.path.join(workdir, "fake-%s-%s.jsonl"
                                     % (role, uuid.uuid4().hex[:6]))
        open(self.log_path, "w").close()
        self.err = open(self.log_path + ".stderr", "w")
        prefix = []
        if netns:
            # unshare without --fork: the fake keeps this pid, so nsenter -t
            # can join its namespaces
            prefix = ["unshare", "-rn", "sh", "-c",
                      'ip link set lo up && exec "$@"', "sh"]
        self.proc = subprocess.Popen(
            prefix + [sys.executable, FAKE, "--log", self.log_path, "--role", role,
             "--bind", bind, "--fixtures", FIXTURES, "--exit-on-stdin-eof",
             "--max-seconds", "600", "--idle-seconds", "300"]
            + (["--tls-cert", tls[0], "--tls-key", tls[1]] if tls else []),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.err)
        self.port = self._wait_ready(10.0)
        host = "[%s]" % bind if ":" in bind else bind
        self.base = "%s://%s:%d" % ("https" if tls else "http", host,
                                    self.port)

    def _wait_ready(self, timeout):
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        line = b""
        deadline = time.monotonic() + timeout
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not sel.select(left):
                self.stop()
                raise RuntimeError("fake server did not print READY")
            chunk = os.read(self.proc.stdout.fileno(), 1)
            if not chunk:
                self.stop()
                raise RuntimeError("fake server exited: %s"
                                   % open(self.err.name).read())
            line += chunk
        sel.close()
        m = re.fullmatch(rb"READY (\d+)\n", line)
        if not m:
            self.stop()
            raise RuntimeError("fake server said %r" % line)
        return int(m.group(1))

    def url(self, mode):
        """The Open WebUI base URL for a behaviour (see fake_server.py)."""
        return "%s/%s" % (self.base, mode)

    def mark(self):
        return os.path.getsize(self.log_path)

    def records(self, since=0):
        with open(self.log_path, "rb") as f:
            f.seek(since)
            data = f.read()
        out = []
        # The fake may be writing a record right now: only a line that its
        # newline closes is whole (a big record goes out in several writes).
        for line in data.split(b"\n")[:-1]:
            if line.strip():
                out.append(json.loads(line))
        return out

    def wait_for(self, pred, since=0, timeout=5.0):
        """The first record since the mark for which pred holds, waiting
        up to timeout for the fake to write it (e.g. the end of a stream
        the client hung up on after it exited). None if none came."""
        deadline = time.monotonic() + scaled(timeout)
        while True:
            for r in self.records(since):
                if pred(r):
                    return r
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.02)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        for f in (self.proc.stdin, self.proc.stdout):
            if f:
                f.close()
        self.err.close()


def _render(value, indent):
    pad = "  " * indent
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        return text if ("." in text or "e" in text) else text + ".0"
    if isinstance(value, str):
        return '"%s"' % value.replace("\\", "\\\\").replace('"', '\\"')
    if isinstance(value, dict):
        inner = "".join("%s  %s = %s;\n" % (pad, k, _render(v, indent + 1))
                        for k, v in value.items())
        return "{\n%s%s}" % (inner, pad)
    if isinstance(value, (list, tuple)):
        if value and isinstance(value[0], dict):
            items = ",\n".join(pad + "  " + _render(v, indent + 1)
                               for v in value)
            return "(\n%s\n%s)" % (items, pad)
        return "[ %s ]" % ", ".join(_render(v, indent) for v in value)
    raise TypeError("cannot render %r" % (value,))


def render_config(cfg):
    """libconfig text for a dict of top-level settings."""
    return "".join("%s = %s;\n" % (k, _render(v, 0)) for k, v in cfg.items())


# openssl options for a new P-256 key, unencrypted.
EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]


def need_openssl():
    """Skips the calling test (class) when the openssl command is missing."""
    if not shutil.which("openssl"):
        raise unittest.SkipTest("needs the openssl command")


def openssl(d, *args):
    """Runs openssl in directory d, quietly; raises if it fails."""
    subprocess.run(["openssl"] + list(args), cwd=d, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=30)


def make_ca(d, days):
    """A self-signed test CA in d (ca.key, ca.pem) valid for days."""
    openssl(d, "req", "-x509", *EC_KEY, "-keyout", "ca.key", "-out", "ca.pem",
            "-days", days, "-subj", "/CN=kuma-push test CA")


def write_file(path, text, mode=0o600):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    return path


class Result:
    def __init__(self, rc, stdout, stderr, elapsed, kuma, owui, started):
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.elapsed = elapsed
        self.started = started    # time.time() at start
        self.kuma = kuma          # pushes received during the run
        self.owui = owui          # Open WebUI requests during the run
        self.events = []          # fake-side events (stream-end)
        self.marks = []           # (fake, log offset) before the run

    def pushes(self, tok):
        return [r for r in self.kuma if r.get("token") == tok]

    def push(self, tok):
        """The single push for a token, flattened: status, msg, ping, ts."""
        got = self.pushes(tok)
        if len(got) != 1:
            raise AssertionError("expected exactly 1 push for %s, got %d "
                                 "(all tokens: %s)" % (
                                     mask(tok), len(got),
                                     [mask(r.get("token", "")) for r in self.kuma]))
        return flat(got[0])

    def describe(self):
        return ("exit %s after %.2fs\n--- stdout\n%s--- stderr\n%s--- pushes\n%s"
                % (self.rc, self.elapsed, self.stdout, self.stderr,
                   "".join("  %s %s\n" % (mask(r.get("token", "")),
                                          r.get("query")) for r in self.kuma)))


def flat(rec):
    q = rec.get("query", {})
    return {
        "status": q.get("status", [None])[0],
        "msg": q.get("msg", [None])[0],
        "ping": q.get("ping", [None])[0],
        "has_ping": "ping" in q,
        "ts": rec["ts"],
        "method": rec["method"],
        "record": rec,
    }


def mask(text):
    """text with every known secret replaced, for failure messages."""
    for s in sorted(SECRETS, key=len, reverse=True):
        text = text.replace(s, s[:3] + "***")
    return text


class KPTestCase(unittest.TestCase):
    """Base class: one shared fake (Open WebUI + Kuma) per test class, a
    temp dir per test, and kp() to run kuma-push with the standard checks."""

    maxDiff = None
    fake = None

    @classmethod
    def setUpClass(cls):
        cls.classdir = tempfile.mkdtemp(prefix="kp-integ-")
        cls.fake = Fake(cls.classdir)

    @classmethod
    def tearDownClass(cls):
        if cls.fake:
            cls.fake.stop()
        shutil.rmtree(cls.classdir, ignore_errors=True)

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="t-", dir=self.classdir)
        self.lock_file = os.path.join(self.tmp, "kuma-push.lock")
        self._fakes = []
        self.check_violations = True

    def tearDown(self):
        for f in self._fakes:
            f.stop()

    def extra_fake(self, role, netns=False, tls=None, bind="127.0.0.1"):
        f = Fake(self.tmp, role=role, netns=netns, tls=tls, bind=bind)
        self._fakes.append(f)
        return f

    # --- configs --------------------------------------------------------

    def target(self, name, mode, tiers=("health", "models", "chat"),
               key=GOOD_KEY, base=None, **settings):
        """A target dict plus its tokens {tier: token}. tiers may map a tier
        to a dict of tier settings; chat gets model llama3.2:3b."""
        t = {"name": name, "url": base or self.fake.url(mode)}
        if key is not None:
            t["api_key"] = secret(key)
        t.update(settings)
        toks = {}
        if isinstance(tiers, (list, tuple)):
            tiers = {tier: {} for tier in tiers}
        for tier, extra in tiers.items():
            block = {}
            if "push" in extra:
                block["push"] = extra["push"]
                toks[tier] = token_of(extra["push"])
                SECRETS.add(toks[tier])
            else:
                toks[tier] = token(tier.upper())
                block["push"] = toks[tier]
            if tier == "chat":
                block["model"] = "llama3.2:3b"
            block.update({k: v for k, v in extra.items() if k != "push"})
            t[tier] = block
        return t, toks

    def config(self, targets=(), checks=(), kuma=None, defaults=None,
               kuma_url=True, raw_extra="", **top):
        cfg = {}
        k = {"url": self.fake.base} if kuma_url is True else (
            {"url": kuma_url} if kuma_url else {})
        k.update({"retries": 2, "retry_delay": 0.2, "timeout": 3.0})
        k.update(kuma or {})
        cfg["kuma"] = k
        d = {"timeout": 2.0, "connect_timeout": 1.0, "retries": 0,
             "retry_delay": 0.1}
        d.update(defaults or {})
        cfg["defaults"] = d
        cfg["lock_file"] = self.lock_file
        cfg.update(top)
        if targets:
            cfg["targets"] = list(targets)
        if checks:
            cfg["checks"] = list(checks)
        path = os.path.join(self.tmp, "kuma-push-%s.conf" % uuid.uuid4().hex[:6])
        write_file(path, render_config(cfg) + raw_extra)
        return path

    # --- running ----------------------------------------------------------

    def kp(self, *args, config=None, timeout=30.0, env=None, fakes=None,
           check_secrets=True, netns=None, cwd=None):
        """Runs kuma-push [-c config] args; returns a Result. netns: a Fake
        started with netns=True whose network namespace to run in."""
        cmd = WRAPPER + [KUMA_PUSH]
        if netns is not None:
            cmd = ["nsenter", "-t", str(netns.proc.pid), "-U", "-n",
                   "--preserve-credentials"] + cmd
        if config:
            cmd += ["-c", config]
        cmd += list(args)
        fakes = fakes if fakes is not None else [self.fake] + self._fakes
        marks = [(f, f.mark()) for f in fakes if f.proc.poll() is None
                 or os.path.exists(f.log_path)]
        run_env = dict(os.environ)
        run_env.pop("OWUI_API_KEY", None)
        run_env.update(env or {})
        started = time.time()
        t0 = time.monotonic()
        try:
            p = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                               capture_output=True, timeout=scaled(timeout),
                               env=run_env, cwd=cwd or self.tmp)
        except subprocess.TimeoutExpired as e:
            out = (e.stdout or b"").decode("utf-8", "replace")
            err = (e.stderr or b"").decode("utf-8", "replace")
            self.fail("kuma-push did not finish within %.0fs\n%s\n%s"
                      % (scaled(timeout), mask(out), mask(err)))
        elapsed = time.monotonic() - t0
        stdout = p.stdout.decode("utf-8", "replace")
        stderr = p.stderr.decode("utf-8", "replace")
        kuma, owui, events = [], [], []
        for f, m in marks:
            for r in f.records(m):
                {"kuma": kuma, "event": events}.get(r["role"], owui).append(r)
        res = Result(p.returncode, stdout, stderr, elapsed, kuma, owui,
                     started)
        res.events = events
        res.marks = marks
        if check_secrets:
            self.assert_no_secrets(res)
        if WRAPPER and p.returncode == 99:
            self.fail("the wrapper (%s) reported errors:\n%s"
                      % (WRAPPER[0], mask(stderr)))
        if self.check_violations:
            for r in kuma + owui:
                if r.get("violations"):
                    self.fail("%s received a request breaking the contract: "
                              "%s %s: %s\n%s" % (
                                  r["role"], r["method"], mask(r["raw_path"]),
                                  "; ".join(r["violations"]),
                                  mask(res.describe())))
        return res

    def assert_no_secrets(self, res):
        for name, text in (("stdout", res.stdout), ("stderr", res.stderr)):
            for s in SECRETS:
                i = text.find(s)
                if i >= 0:
                    self.fail("secret %s*** appears in kuma-push's %s at "
                              "offset %d (issue 5: never print a key or "
                              "token)" % (s[:3], name, i))

    # --- assertions -----------------------------------------------------

    def assert_rc(self, res, rc):
        self.assertEqual(res.rc, rc, "expected exit %d\n%s"
                         % (rc, mask(res.describe())))

    def assert_up(self, res, tok, msg=None, msg_re=None):
        p = self.get_push(res, tok)
        self.assertEqual(p["status"], "up", mask(res.describe()))
        self.assert_ping(res, p)
        if msg is not None:
            self.assertEqual(p["msg"], msg, mask(res.describe()))
        if msg_re is not None:
            self.assertRegex(p["msg"], msg_re, mask(res.describe()))
        return p

    def assert_down(self, res, tok, msg_re=None, contains=None):
        p = self.get_push(res, tok)
        self.assertEqual(p["status"], "down", mask(res.describe()))
        # Kuma records no ping for a failure: a down push carries none
        # (issue 10: "connection refused" was charted as a 1 ms response).
        self.assertFalse(p["has_ping"], "a down push sends no ping\n"
                         + mask(res.describe()))
        if msg_re is not None:
            self.assertRegex(p["msg"], msg_re, mask(res.describe()))
        if contains is not None:
            self.assertIn(contains, p["msg"], mask(res.describe()))
        return p

    def assert_skipped(self, res, tok, reason_re=None):
        p = self.get_push(res, tok)
        self.assertEqual(p["status"], "down", mask(res.describe()))
        self.assertFalse(p["has_ping"], "a skipped tier sends no ping\n"
                         + mask(res.describe()))
        self.assertRegex(p["msg"], r"^skipped: health down \(.+\)$",
                         mask(res.describe()))
        if reason_re is not None:
            self.assertRegex(p["msg"], reason_re, mask(res.describe()))
        return p

    def assert_ping(self, res, p):
        self.assertTrue(p["has_ping"], "push without ping\n"
                        + mask(res.describe()))
        self.assertRegex(p["ping"], r"^[1-9][0-9]*$")
        # plausible: no more than the whole run took (plus rounding)
        self.assertLessEqual(int(p["ping"]), res.elapsed * 1000 + 1,
                             "ping %s ms > run time %.0f ms"
                             % (p["ping"], res.elapsed * 1000))

    def get_push(self, res, tok):
        try:
            return res.push(tok)
        except AssertionError as e:
            self.fail("%s\n%s" % (e, mask(res.describe())))


def token_of(push):
    """The token of a bare token or a full push URL."""
    if "/api/push/" in push:
        return push.split("/api/push/", 1)[1].split("?")[0].split("/")[0]
    return push
