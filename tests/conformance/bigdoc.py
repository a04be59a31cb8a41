#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bigdoc.py: writes big-5000.json, an Open WebUI /api/models reply with
5000 models (about 2 MB), for the conformance corpus and the benchmarks.

    bigdoc.py OUTPUT [COUNT]

The bytes depend only on COUNT: the pseudo-random choices come from a
linear congruential generator of our own, not from the random module,
whose algorithms may change between Python releases. Three models sit at
fixed places so that queries have something to find: gpt-4o (index 1234),
gpt-4o-mini (4321) and zz-last-model (the last one).
"""
import json
import os
import sys

NAME = "big-5000.json"
COUNT = 5000
FAMILIES = ("llama3.1", "qwen2.5", "gemma2", "mistral", "phi4", "deepseek-r1", "granite3")
SIZES = ("1b", "3b", "7b", "8b", "14b", "32b", "70b")
QUANTS = ("Q4_0", "Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0", "F16")
PROVIDER = ("gpt-4.1-nano", "gpt-4-turbo", "o3-mini", "o4-mini", "text-embedding-3-large")
TAGS = ("coding", "vision", "internal", "beta", "fast", "long-context")


class Lcg:
    """64-bit LCG (Knuth's MMIX constants); the high bits are the output."""

    def __init__(self, seed):
        self.state = seed

    def below(self, n):
        self.state = (self.state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        return (self.state >> 33) % n

    def pick(self, items):
        return items[self.below(len(items))]


def model(i, count, rng):
    fixed = {1234: ("gpt-4o", "openai"), 4321: ("gpt-4o-mini", "openai"),
             count - 1: ("zz-last-model", "ollama")}
    owner = ("ollama", "ollama", "openai", "ollama", "arena")[rng.below(5)]
    created = 1704067200 + rng.below(63072000)
    if i in fixed:
        mid, owner = fixed[i]
    elif owner == "openai":
        mid = "%s-%04d" % (rng.pick(PROVIDER), i)
    else:
        mid = "%s-%04d:%s" % (rng.pick(FAMILIES), i, rng.pick(SIZES))
    m = {"id": mid, "name": mid, "object": "model", "owned_by": owner}
    if owner == "ollama":
        m["created"] = 0
        m["ollama"] = {
            "name": mid, "model": mid,
            "modified_at": "2025-%02d-%02dT%02d:%02d:%02d.%06dZ" % (
                1 + rng.below(12), 1 + rng.below(28), rng.below(24), rng.below(60),
                rng.below(60), rng.below(1000000)),
            "size": 400000000 + rng.below(45000000000),
            "digest": "".join("%08x" % rng.below(1 << 32) for _ in range(8)),
            "details": {"format": "gguf", "family": rng.pick(FAMILIES).split(".")[0],
                        "parameter_size": rng.pick(SIZES).upper(),
                        "quantization_level": rng.pick(QUANTS)},
            "connection_type": "local", "urls": [0]}
        m["loaded"] = rng.below(10) == 0
        m["connection_type"] = "local"
    elif owner == "openai":
        m["created"] = created
        m["openai"] = {"id": mid, "object": "model", "created": created, "owned_by": "system"}
        m["connection_type"] = "external"
        m["urlIdx"] = rng.below(3)
    else:
        m["created"] = 0
        m["arena"] = True
        m["info"] = {"meta": {"description": "Arena %d" % i, "model_ids": None,
                              "capabilities": {"vision": rng.below(4) == 0}}}
    m["tags"] = [{"name": t} for t in TAGS if rng.below(7) == 0]
    m["actions"] = []
    m["filters"] = []
    return m


def document(count=COUNT):
    rng = Lcg(20260101)
    data = [model(i, count, rng) for i in range(count)]
    text = json.dumps({"data": data}, ensure_ascii=False, separators=(",", ":"))
    return (text + "\n").encode("utf-8")


def write(path, count=COUNT):
    """Writes the document to path unless it is there already; returns path."""
    body = document(count)
    try:
        with open(path, "rb") as f:
            if f.read() == body:
                return path
    except FileNotFoundError:
        pass
    tmp = path + ".tmp%d" % os.getpid()
    with open(tmp, "wb") as f:
        f.write(body)
    os.replace(tmp, path)
    return path


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__.strip().split("\n\n")[1])
    write(sys.argv[1], int(sys.argv[2]) if len(sys.argv) == 3 else COUNT)
