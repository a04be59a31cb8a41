# SPDX-License-Identifier: MIT
"""benchlib.py: what tests/bench/run shares between its measurements:
the fake servers, measure.c's output, configs, and the result table."""

import json
import os
import re
import statistics
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
FAKE_DIR = os.path.join(REPO, "tests", "integration")
KEY = "sk-test-good"
MODEL = "llama3.2:3b"
CLK_TCK = os.sysconf("SC_CLK_TCK")

PROBLEMS = []   # measurements that did not happen or are not sane
MISSED = []     # targets missed (full run only)


def problem(msg):
    PROBLEMS.append(msg)
    print("bench: PROBLEM: " + msg, file=sys.stderr)


def note(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


# --- servers ------------------------------------------------------------

# The fake as is, except TCP_NODELAY on its sockets (uvicorn sets it; Python's
# http.server does not, so a reply on a reused connection waits 40 ms for
# the client's delayed ACK: every request after the first on a keep-alive
# connection would cost 40 ms of wall time that no real server adds).
FAKE_LAUNCH = """
import sys
sys.path.insert(0, %r)
import fake_server
fake_server.Handler.disable_nagle_algorithm = True
sys.argv = ["fake_server.py"] + sys.argv[1:]
fake_server.main()
""" % FAKE_DIR


class Server:
    def __init__(self, argv, name):
        self.name = name
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.match(r"READY (\d+)", line)
        if not m:
            self.stop()
            raise SystemExit("bench: %s did not start (%r)" % (name, line))
        self.port = int(m.group(1))
        self.base = "http://127.0.0.1:%d" % self.port

    def cpu_s(self):
        return proc_cpu_s(self.proc.pid)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()  # --exit-on-stdin-eof / EOF on stdin
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class FanServer:
    """fanout_server.py: several event-driven processes on one port."""

    def __init__(self, workdir, procs=2):
        self.count_path = os.path.join(workdir, "fan.count")
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "fanout_server.py"),
             "--procs", str(procs), "--count", self.count_path],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().split()
        if len(line) < 3 or line[0] != "READY":
            self.stop()
            raise SystemExit("bench: fanout_server.py did not start (%r)" % line)
        self.port = int(line[1])
        self.pids = [int(p) for p in line[2:]]
        self.base = "http://127.0.0.1:%d" % self.port

    def pushes(self):
        with open(self.count_path, "rb") as f:
            data = f.read()
        vals = struct.unpack("=%dq" % (len(data) // 8), data)
        return sum(vals[0::2])

    def cpu_s(self):
        return sum(proc_cpu_s(p) for p in self.pids)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Fake(Server):
    def __init__(self, workdir):
        self.log = os.path.join(workdir, "fake.log")
        super().__init__([sys.executable, "-c", FAKE_LAUNCH, "--log", self.log,
                          "--exit-on-stdin-eof", "--max-seconds", "3600",
                          "--idle-seconds", "600"], "fake_server.py")
        self.offset = 0
        self.records = []

    def read(self):
        """Every record so far (parsed once)."""
        with open(self.log, "rb") as f:
            f.seek(self.offset)
            data = f.read()
        end = data.rfind(b"\n") + 1
        self.offset += end
        for line in data[:end].splitlines():
            self.records.append(json.loads(line))
        return self.records

    def pushes(self, prefix):
        return [r for r in self.read() if r["role"] == "kuma"
                and r.get("token", "").startswith(prefix)]

    def count_pushes(self, prefix):
        return sum(1 for r in self.read() if r["role"] == "kuma"
                   and r.get("token", "").startswith(prefix))

    def violations(self, prefix=None):
        out = []
        for r in self.read():
            if r.get("violations") and (prefix is None or
                                        r.get("token", "").startswith(prefix)):
                out.append("%s %s: %s" % (r["method"], r["path"],
                                          "; ".join(r["violations"])))
        return out


def pq(rec):
    return dict(rec["query_pairs"])


def check_pushes(fake, prefix, expect, what, all_up=True):
    """Every expected push arrived, up, with a ping; returns the records."""
    recs = fake.pushes(prefix)
    if len(recs) != expect:
        problem("%s: Kuma received %d pushes, expected %d"
                % (what, len(recs), expect))
    if all_up:
        down = [pq(r) for r in recs if pq(r).get("status") != "up"]
        if down:
            problem("%s: %d pushes not up, e.g. %s" % (what, len(down), down[0]))
    bad = fake.violations(prefix)
    if bad:
        problem("%s: push contract violations: %s" % (what, bad[0]))
    return recs


# --- helpers ------------------------------------------------------------

def proc_cpu_s(pid):
    """utime + stime of a live process (all threads), in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def proc_sched_ms(pid):
    """CPU time of a live process's threads from schedstat (ns precision)."""
    total = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total / 1e6


def proc_mem_kib(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                out[k] = int(v.split()[0])
    return out


def compile_c(workdir, src, out, libs):
    cc = os.environ.get("CC", "cc")
    flags = []
    if libs:
        pc = subprocess.run(["pkg-config", "--cflags", "--libs", "libcurl"],
                            capture_output=True, text=True)
        if pc.returncode != 0:
            raise SystemExit("bench: pkg-config libcurl failed: " + pc.stderr)
        flags = pc.stdout.split()
    path = os.path.join(workdir, out)
    cmd = [cc, "-O2", "-std=c11", "-Wall", "-o", path,
           os.path.join(HERE, src)] + flags
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("bench: %s failed:\n%s" % (" ".join(cmd), r.stderr))
    return path


def measure(tool, cmds, runs, warmup=1, peers=()):
    """cmds: [(name, argv)]; returns {name: {cpu_ms, wall_ms, rss_kib, ...}}.
    peers: pids of the fakes, whose CPU during each run is recorded."""
    argv = [tool, "-n", str(runs), "-w", str(warmup)]
    if peers:
        argv += ["-p", ",".join(str(p) for p in peers)]
    for i, (name, cmd) in enumerate(cmds):
        if i:
            argv.append("::")
        argv += [name] + cmd
    r = subprocess.run(argv, capture_output=True, text=True)
    out = {}
    for line in r.stdout.splitlines():
        parts = line.split()
        vals = {}
        for p in parts[1:]:
            k, _, v = p.partition("=")
            vals[k] = float(v)
        out[parts[0]] = vals
    for name, _ in cmds:
        v = out.get(name)
        if v is None:
            problem("measure printed nothing for %s: %s" % (name, r.stderr))
            out[name] = {"cpu_ms": float("nan"), "wall_ms": float("nan"),
                         "rss_kib": float("nan"), "fail": runs}
            continue
        if v["fail"]:
            problem("%s: %d of %d runs exited non-zero"
                    % (name, v["fail"], runs))
        if not (v["cpu_ms"] > 0 and v["wall_ms"] > 0 and v["rss_kib"] > 0):
            problem("%s: implausible figures %s" % (name, v))
    return out


def write_config(path, kuma, targets, globals_="", defaults=""):
    """targets: [(name, url, {tier: token})]; chat gets the model."""
    lines = ['kuma = { url = "%s"; };' % kuma,
             "defaults = { timeout = 5.0; retries = 0; %s };" % defaults,
             'lock_file = "%s.lock";' % path, globals_, "targets = ("]
    for i, (name, url, tiers) in enumerate(targets):
        blocks = []
        for tier in ("health", "models", "chat"):
            if tier in tiers:
                extra = ' model = "%s";' % MODEL if tier == "chat" else ""
                blocks.append('%s = { push = "%s";%s };'
                              % (tier, tiers[tier], extra))
        lines.append('  { name = "%s"; url = "%s"; api_key = "%s"; %s }%s'
                     % (name, url, KEY, " ".join(blocks),
                        "," if i + 1 < len(targets) else ""))
    lines.append(");")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def tiers3(prefix):
    return {"health": prefix + "H", "models": prefix + "M", "chat": prefix + "C"}


def med(xs):
    return statistics.median(xs) if xs else float("nan")


# --- table ----------------------------------------------------------------

ROWS = []


def row(item, what, cpu=None, wall=None, rss=None, result="", target="",
        met=None):
    ROWS.append((item, what, cpu, wall, rss, result, target, met))


def fmt(v, digits=2):
    if v is None:
        return "-"
    if isinstance(v, str):
        return v
    if v != v:
        return "n/a"
    if abs(v) >= 1000:
        return "%.0f" % v
    return ("%%.%df" % digits) % v


def peer_warning(name, m, what):
    """The warning row: the fake used more than a quarter of a core."""
    core = m.get("peer_core", 0)
    if core > 0.25:
        row("!", "WARNING: the fake used %.2f of a core" % core, None, None,
            None, "during %s (%s)" % (what, name))


def spread(m):
    """'min-max' of a measure result's CPU."""
    return "CPU %s-%s" % (fmt(m.get("cpu_min")), fmt(m.get("cpu_max")))


def judge(ok, quick, what):
    if quick:
        return None
    if not ok:
        MISSED.append(what)
    return ok


def print_table(header, quick):
    w = [4, 46, 9, 9, 10, 34, 14, 6]
    head = ("#", "measurement", "CPU ms", "wall ms", "RSS KiB", "result",
            "target", "")
    print(header)
    print()
    print("%-*s %-*s %*s %*s %*s  %-*s %-*s %s" % (
        w[0], head[0], w[1], head[1], w[2], head[2], w[3], head[3],
        w[4], head[4], w[5], head[5], w[6], head[6], head[7]))
    print("-" * (sum(w) + 8))
    last = None
    for item, what, cpu, wall, rss, result, target, met in ROWS:
        if last is not None and item != last:
            print()
        last = item
        verdict = "" if met is None else ("met" if met else "MISSED")
        if quick and target:
            verdict = "(quick)"
        rss_s = "-" if rss is None else ("n/a" if rss != rss else "%d" % rss) \
            if not isinstance(rss, str) else rss
        print("%-*s %-*s %*s %*s %*s  %-*s %-*s %s" % (
            w[0], item, w[1], what, w[2], fmt(cpu), w[3], fmt(wall, 1),
            w[4], rss_s, w[5], result, w[6], target, verdict))
    print("-" * (sum(w) + 8))


# --- rows that run a tool as it is -----------------------------------------

def bench_json(ctx):
    """The worst-shape JSON rows: the build's json_shapes, as it prints."""
    tool = os.path.join(os.path.dirname(ctx["kp"]), "tests", "bench", "json_shapes")
    if not os.access(tool, os.X_OK):
        return "json_shapes not built beside %s" % ctx["kp"]
    note("json: " + tool)
    r = subprocess.run([tool], capture_output=True, text=True)
    if r.returncode != 0:
        problem("json_shapes exited %d: %s" % (r.returncode, r.stderr[-300:]))
    return r.stdout.rstrip("\n")


def bench_sizes(ctx):
    """Stripped size of a Release build and, when the option exists, of
    a KP_SMALL build (each configured and built here, from this tree)."""
    builds = [("Release", [])]
    with open(os.path.join(REPO, "CMakeLists.txt")) as f:
        if "option(KP_SMALL" in f.read():
            builds.append(("KP_SMALL", ["-DKP_SMALL=ON"]))
    out = []
    for name, flags in builds:
        bdir = os.path.join(ctx["tmp"], "build-" + name)
        note("size: building %s in %s" % (name, bdir))
        steps = [["cmake", "-S", REPO, "-B", bdir, "-DCMAKE_BUILD_TYPE=Release",
                  "-DKP_TESTS=OFF"] + flags,
                 ["cmake", "--build", bdir, "-j2", "--target", "kuma-push"]]
        ok = all(subprocess.run(c, capture_output=True).returncode == 0
                 for c in steps)
        stripped = os.path.join(bdir, "kuma-push.stripped")
        if not ok or subprocess.run(["strip", "-o", stripped,
                                     os.path.join(bdir, "kuma-push")]).returncode:
            problem("size: the %s build failed" % name)
            continue
        out.append((name, os.path.getsize(stripped)))
    return out


def bench_query(ctx):
    """Item 3: tests/bench/query (its own author's); its table as is."""
    q = os.path.join(HERE, "query")
    if not os.access(q, os.X_OK):
        return None  # HOOK: item 3 runs here once tests/bench/query exists
    argv = [q]
    # the bench_query of the same build as the binary under test, if any
    beside = os.path.join(os.path.dirname(ctx["kp"]), "tests", "bench",
                          "bench_query")
    if os.access(beside, os.X_OK):
        argv += ["--bench", beside]
    note("item 3: " + " ".join(argv))
    r = subprocess.run(argv, capture_output=True, text=True)
    if r.returncode != 0:
        problem("tests/bench/query exited %d: %s" % (r.returncode,
                                                     r.stderr[-500:]))
    return r.stdout.rstrip("\n")


def build_type(kp):
    """CMAKE_BUILD_TYPE of the build kp comes from, if it says."""
    try:
        with open(os.path.join(os.path.dirname(kp), "CMakeCache.txt")) as f:
            for line in f:
                if line.startswith("CMAKE_BUILD_TYPE:"):
                    return line.split("=", 1)[1].strip() or "default (no type)"
    except OSError:
        pass
    return "unknown"


def kp_version(kp):
    try:
        out = subprocess.run([kp, "--version"], capture_output=True,
                             text=True, timeout=10).stdout.splitlines()
        return out[0] if out else "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


def curl_version():
    try:
        out = subprocess.run(["curl", "--version"], capture_output=True,
                             text=True).stdout.split()
        return "libcurl " + out[3].split("/")[1] + " " + out[4]
    except (OSError, IndexError):
        return "libcurl ?"
