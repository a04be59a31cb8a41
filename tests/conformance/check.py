#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""check.py: runs a JSONata evaluator over conformance corpus files and
compares every answer with the one jsonata 2.1.1 gave (python3 stdlib only).

    check.py [options] CORPUS.jsonl... -- CMD [ARG...]

CMD runs once per case; {expr} and {doc} in its arguments become the
expression and the document's path (without either, both are appended).
It must print one line: the result as JSON, `undefined`, or
`ERROR <code> <message>`, and exit 0 or 65 (kuma-push query's statuses).

A case passes when the output is the same JSON value (same types, numbers
as doubles, key order free, a duplicated key is a difference), or
`undefined` for undefined, or an ERROR with the same code (the message is
free). --strict demands the reference's exact bytes for values and
undefined (JavaScript's number format, JSON.stringify's escapes); errors
still compare by code, since messages are each evaluator's own. A signal, another exit
status (valgrind's --error-exitcode, say), a timeout or a second line fails
the case.

Documents are in docs/ beside the corpus folder; big-5000.json is made by
bigdoc.py in --gen-dir. Each corpus/NAME.jsonl must hold exactly the cases
of cases/NAME.txt (else it is stale: run ./regenerate).

options:
  --strict        byte-exact values
  --sample N      run every Nth case only (for slow wrappers such as valgrind)
  -k TEXT         run only cases whose expression or document contains TEXT
  -j N            parallel runs (default: the number of CPUs)
  --timeout SEC   per-case limit (default 60)
  --gen-dir DIR   where generated documents go (default: a folder in $TMPDIR)
  --max-shown N   failures printed in full (default 30; 0: all)
  -q              print failures and the summary only
Exit status: 0 all passed, 1 some failed, 2 usage or setup problem.
"""
import concurrent.futures
import json
import os
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bigdoc  # noqa: E402

GENERATED = {bigdoc.NAME: bigdoc.write}
OK_STATUSES = (0, 65)


def die(msg):
    print("check.py: " + msg, file=sys.stderr)
    sys.exit(2)


def parse_args(argv):
    opts = {"strict": False, "sample": 1, "k": None, "jobs": os.cpu_count() or 2,
            "timeout": 60.0, "gen_dir": None, "max_shown": 30, "quiet": False}
    if "--" not in argv:
        die("usage: check.py [options] CORPUS... -- CMD [ARG...] (see --help)")
    cut = argv.index("--")
    head, cmd = argv[:cut], argv[cut + 1:]
    corpora = []
    i = 0
    while i < len(head):
        a = head[i]
        valued = {"--sample": ("sample", int), "-k": ("k", str), "-j": ("jobs", int),
                  "--timeout": ("timeout", float), "--gen-dir": ("gen_dir", str),
                  "--max-shown": ("max_shown", int)}
        if a in ("-h", "--help"):
            print(__doc__)
            sys.exit(0)
        elif a == "--strict":
            opts["strict"] = True
        elif a == "-q":
            opts["quiet"] = True
        elif a in valued:
            if i + 1 >= len(head):
                die("%s needs a value" % a)
            key, conv = valued[a]
            try:
                opts[key] = conv(head[i + 1])
            except ValueError:
                die("%s: not a number: %s" % (a, head[i + 1]))
            i += 1
        elif a.startswith("-"):
            die("unknown option %s" % a)
        else:
            corpora.append(a)
        i += 1
    if not corpora:
        die("no corpus file given")
    if not cmd:
        die("no command given after --")
    if opts["sample"] < 1 or opts["jobs"] < 1:
        die("--sample and -j take a number >= 1")
    return opts, corpora, cmd


def case_pairs(path):
    """The (expr, doc) pairs of a case file, in order (the format of
    ./regenerate, which is authoritative)."""
    pairs, docs = [], None
    with open(path, encoding="utf-8") as f:
        for text in f.read().split("\n"):
            text = text[:-1] if text.endswith("\r") else text
            if not text.strip() or text.startswith("#"):
                continue
            if text.startswith("@doc"):
                docs = text[4:].split()
                continue
            for doc in docs or ():
                pairs.append((text, doc))
    return pairs


def load(corpus):
    cases = []
    try:
        with open(corpus, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if line.strip():
                    c = json.loads(line)
                    cases.append({"expr": c["expr"], "doc": c["doc"],
                                  "output": c["output"], "where": "%s:%d" % (corpus, n)})
    except (OSError, ValueError, KeyError) as e:
        die("%s: %s" % (corpus, e))
    root = os.path.dirname(os.path.dirname(os.path.abspath(corpus)))
    name = os.path.splitext(os.path.basename(corpus))[0]
    source = os.path.join(root, "cases", name + ".txt")
    if os.path.isfile(source):
        if case_pairs(source) != [(c["expr"], c["doc"]) for c in cases]:
            die("%s does not hold the cases of %s: run ./regenerate there"
                % (corpus, source))
    return root, cases


class Members(list):
    """An object's (key, value) pairs as parsed, duplicates kept."""


def canonical(v):
    """A form in which == means the same JSON value: types kept apart (true
    is not 1), numbers as doubles, members sorted, duplicates kept."""
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return (type(v).__name__, v)
    if isinstance(v, (int, float)):
        return ("n", float(v))
    if isinstance(v, Members):
        return ("o", sorted((k, canonical(x)) for k, x in v))
    return ("a", [canonical(x) for x in v])


def parse_value(text):
    return canonical(json.loads(text, object_pairs_hook=Members,
                                parse_constant=lambda c: float(c)))


def same(expected, got, strict):
    if expected.startswith("ERROR ") or got.startswith("ERROR "):
        return expected.split(" ")[:2] == got.split(" ")[:2]
    if strict or expected == "undefined" or got == "undefined":
        return expected == got
    try:
        return parse_value(expected) == parse_value(got)
    except (ValueError, TypeError, OverflowError, RecursionError):
        return False


def command(cmd, expr, doc):
    if any("{expr}" in a or "{doc}" in a for a in cmd):
        return [a.replace("{expr}", expr).replace("{doc}", doc) for a in cmd]
    return cmd + [expr, doc]


def run(case, argv, opts):
    """None when the case passes, else what went wrong."""
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=opts["timeout"])
    except subprocess.TimeoutExpired:
        return "no answer within %g s" % opts["timeout"]
    except OSError as e:
        return "cannot run: %s" % e
    out = p.stdout.decode("utf-8", "replace")
    err = p.stderr.decode("utf-8", "replace").strip()
    why = None
    if p.returncode < 0:
        why = "killed by signal %d" % -p.returncode
    elif p.returncode not in OK_STATUSES:
        why = "exit status %d" % p.returncode
    elif not out.endswith("\n") or "\n" in out[:-1]:
        why = "output is not one line: %r" % out[:200]
    elif not same(case["output"], out[:-1], opts["strict"]):
        why = "got      %s" % out[:-1][:400]
    if why and err:
        why += "\n    stderr   %s" % err[:400].replace("\n", "\n             ")
    return why


def main(argv):
    opts, corpora, cmd = parse_args(argv)
    gen_dir = opts["gen_dir"] or os.path.join(tempfile.gettempdir(),
                                              "kuma-push-conformance-%d" % os.getuid())
    cases = []
    for corpus in corpora:
        root, loaded = load(corpus)
        for c in loaded:
            c["path"] = os.path.join(root, "docs", c["doc"])
        cases.extend(loaded)
    if opts["k"]:
        cases = [c for c in cases if opts["k"] in c["expr"] or opts["k"] in c["doc"]]
    cases = cases[::opts["sample"]]
    if not cases:
        die("no case to run")
    for name, make in GENERATED.items():
        if any(c["doc"] == name for c in cases):
            os.makedirs(gen_dir, exist_ok=True)
            made = make(os.path.join(gen_dir, name))
            for c in cases:
                if c["doc"] == name:
                    c["path"] = made
    missing = sorted({c["path"] for c in cases if not os.path.isfile(c["path"])})
    if missing:
        die("documents missing: " + ", ".join(missing))

    failed = []
    with concurrent.futures.ThreadPoolExecutor(opts["jobs"]) as pool:
        futures = [(c, pool.submit(run, c, command(cmd, c["expr"], c["path"]), opts))
                   for c in cases]
        for c, fut in futures:
            why = fut.result()
            if why:
                failed.append((c, why))
    shown = failed if opts["max_shown"] == 0 else failed[:opts["max_shown"]]
    for c, why in shown:
        print("FAIL %s: %s on %s" % (c["where"], c["expr"], c["doc"]))
        print("    expected %s" % c["output"][:400])
        print("    " + why)
        print("    rerun:   %s" % " ".join(shlex.quote(a) for a in
                                             command(cmd, c["expr"], c["path"])))
    if len(shown) < len(failed):
        print("... and %d more failures" % (len(failed) - len(shown)))
    print("%d passed, %d failed" % (len(cases) - len(failed), len(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
