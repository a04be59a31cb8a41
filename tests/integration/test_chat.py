#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The chat tier end to end: what counts as the model saying the expected
word (issue 10 "Lie"), and -n on bad chat settings."""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kp_harness import (EXIT_CONFIG, EXIT_OK, KPTestCase,  # noqa: E402
                        mask, token, write_file)


class ChatVerdict(KPTestCase):
    def run_chat(self, mode, **chat):
        t, tok = self.target("webui", mode, tiers={"chat": chat})
        res = self.kp(config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        return res, tok["chat"]

    def test_lying_replies_are_down(self):
        # each of these pushed up under the old substring rule
        for reply, msg in (
                ("UNHEALTHY", 'reply lacks HEALTHY: "UNHEALTHY"'),
                ("<think>The user wants me to say HEALTHY. I will refuse."
                 "</think>I cannot help.",
                 'reply lacks HEALTHY: "I cannot help."'),
                ("HEALTHYish", 'reply lacks HEALTHY: "HEALTHYish"')):
            with self.subTest(reply=reply):
                res, tok = self.run_chat("after", prompt="Say: " + reply)
                p = self.assert_down(res, tok)
                self.assertEqual(p["msg"], msg, mask(res.describe()))

    def test_error_quoting_the_prompt_is_an_echo(self):
        res, tok = self.run_chat("echo")
        p = self.assert_down(res, tok)
        self.assertEqual(p["msg"], "reply echoes the prompt")

    def test_word_after_reasoning_is_up(self):
        res, tok = self.run_chat(
            "after", prompt="Say: <think>Easy: HEALTHY.</think>**Healthy**.")
        self.assert_up(res, tok, msg="OK (50 tok/s)")

    def test_match_exact_and_contains(self):
        res, tok = self.run_chat("after", prompt="Say: I am HEALTHY",
                                 match="exact")
        p = self.assert_down(res, tok)
        self.assertEqual(p["msg"], 'reply lacks HEALTHY: "I am HEALTHY"')
        res, tok = self.run_chat("after", prompt="Say: \"healthy.\"",
                                 match="exact")
        self.assert_up(res, tok, msg="OK (50 tok/s)")
        res, tok = self.run_chat("after", prompt="Say: UNHEALTHY",
                                 match="contains")
        self.assert_up(res, tok, msg="OK (50 tok/s)")


class ChatStream(KPTestCase):
    """Open WebUI answers text/event-stream when the model's "Stream Chat
    Response" is on, whatever the request's "stream" says."""

    def run_chat(self, mode, *args, **chat):
        t, tok = self.target("webui", mode, tiers={"chat": chat})
        res = self.kp(*args, config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        return res, tok["chat"]

    def test_stream_assembled_and_judged(self):
        for mode in ("stream", "streamcrlf"):
            with self.subTest(mode=mode):
                res, tok = self.run_chat(mode)
                self.assert_up(res, tok, msg="OK (50 tok/s)")
                chat = [r for r in res.owui if r["endpoint"] == "chat"]
                self.assertEqual(json.loads(chat[0]["body"])["stream"], False)

    def test_stream_judged_as_a_whole_word(self):
        # "HEAL" + "THY" is the word; the exact rule sees the same reply
        res, tok = self.run_chat("stream", match="exact")
        self.assert_up(res, tok, msg="OK (50 tok/s)")
        res, tok = self.run_chat("stream", expect="HEAL")
        p = self.assert_down(res, tok)
        self.assertEqual(p["msg"], 'reply lacks HEAL: "HEALTHY"')

    def test_stream_cut_before_done(self):
        res, tok = self.run_chat("streamcut")
        p = self.assert_down(res, tok)
        self.assertEqual(p["msg"], "stream cut before [DONE]")

    def test_stream_error_event(self):
        res, tok = self.run_chat("streamerror")
        p = self.assert_down(res, tok)
        self.assertEqual(p["msg"], "stream error: Ollama: model runner has "
                         "unexpectedly stopped")

    def test_stream_bigger_than_max_body(self):
        res, tok = self.run_chat("stream", max_body=1024)
        self.assert_down(res, tok, msg_re=r"max_body")


def token_of_push(record):
    return record.get("token")


class ChatModels(KPTestCase):
    """chat may be a list of blocks: one check per model."""

    def two_models(self, mode="secondwrong"):
        t, tok = self.target("webui", mode, tiers=("health",))
        toks = [token("CHAT"), token("CHAT")]
        t["chat"] = [{"push": toks[0], "model": "llama3.2:3b"},
                     {"push": toks[1], "model": "qwen2.5:7b-instruct",
                      "timeout": 3.0}]
        return t, tok, toks

    def test_each_model_is_its_own_check(self):
        t, tok, toks = self.two_models()
        prom = os.path.join(self.tmp, "kp.prom")
        res = self.kp("-v", "--json", config=self.config([t], metrics_file=prom))
        self.assert_rc(res, EXIT_OK)
        self.assert_up(res, tok["health"], msg="OK")
        self.assert_up(res, toks[0], msg="OK (50 tok/s)")
        p = self.assert_down(res, toks[1])
        self.assertEqual(p["msg"], 'reply lacks HEALTHY: "Hello! How can I '
                         'help you today?"')
        asked = sorted(json.loads(r["body"])["model"] for r in res.owui
                       if r["endpoint"] == "chat")
        self.assertEqual(asked, ["llama3.2:3b", "qwen2.5:7b-instruct"])
        # named target/chat/MODEL in -v, --json and the metrics
        self.assertRegex(res.stderr, r"(?m)^.*webui chat/llama3\.2:3b up \d+ ms: "
                         r"OK \(50 tok/s\)$")
        self.assertRegex(res.stderr, r"(?m)^.*webui chat/qwen2\.5:7b-instruct down ")
        objs = {o["check"]: o for o in map(json.loads, res.stdout.splitlines())}
        self.assertEqual(sorted(objs), ["webui/chat/llama3.2:3b",
                                        "webui/chat/qwen2.5:7b-instruct",
                                        "webui/health"])
        good = objs["webui/chat/llama3.2:3b"]
        self.assertEqual((good["tier"], good["status"]), ("chat", "up"))
        self.assertEqual(good["chat"], {
            "model": "llama3.2:3b", "streamed": False, "prompt_tokens": 33,
            "completion_tokens": 3, "total_tokens": 36, "tokens_per_s": 50,
            "prompt_tokens_per_s": 825})
        self.assertNotIn("chat", objs["webui/health"])
        with open(prom, encoding="utf-8") as f:
            text = f.read()
        for line in (
                'kuma_push_up{target="webui",tier="chat",'
                'check="webui/chat/llama3.2:3b"} 1',
                'kuma_push_up{target="webui",tier="chat",'
                'check="webui/chat/qwen2.5:7b-instruct"} 0',
                'kuma_push_chat_tokens{target="webui",tier="chat",'
                'check="webui/chat/llama3.2:3b",kind="completion"} 3',
                'kuma_push_chat_tokens_per_second{target="webui",tier="chat",'
                'check="webui/chat/llama3.2:3b",kind="response"} 50'):
            self.assertIn(line + "\n", text)

    def test_only_selects_a_model(self):
        t, tok, toks = self.two_models()
        res = self.kp("--only", "webui/chat/qwen*", config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        self.assertEqual([token_of_push(r) for r in res.kuma], [toks[1]])
        self.assert_down(res, toks[1], contains="reply lacks HEALTHY")
        asked = [json.loads(r["body"])["model"] for r in res.owui
                 if r["endpoint"] == "chat"]
        self.assertEqual(asked, ["qwen2.5:7b-instruct"])

    def test_one_block_in_a_list_keeps_its_name(self):
        t, tok = self.target("webui", "ok", tiers=("health",))
        chat = token("CHAT")
        t["chat"] = [{"push": chat, "model": "llama3.2:3b"}]
        res = self.kp("--json", config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        self.assert_up(res, chat, msg="OK (50 tok/s)")
        checks = sorted(json.loads(ln)["check"] for ln in res.stdout.splitlines())
        self.assertEqual(checks, ["webui/chat", "webui/health"])

    def test_unknown_second_model_is_down_alone(self):
        t, tok, toks = self.two_models("ok")
        t["chat"][1]["model"] = "no-such-model"
        res = self.kp(config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        self.assert_up(res, toks[0], msg="OK (50 tok/s)")
        self.assert_down(res, toks[1], msg_re=r"^HTTP 400: Model not found")

    def test_streamed_figures_in_json(self):
        t, tok = self.target("webui", "stream", tiers=("chat",))
        res = self.kp("--json", config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        o = json.loads(res.stdout)
        self.assertEqual(o["check"], "webui/chat")
        self.assertEqual(o["chat"]["streamed"], True)
        self.assertEqual(o["chat"]["tokens_per_s"], 50)
        self.assertGreater(o["timings"]["first_byte_ms"], 0)
        self.assertLessEqual(o["timings"]["first_byte_ms"], o["timings"]["total_ms"])

    def test_figures_absent_are_na(self):
        t, tok = self.target("webui", "openai", tiers={
            "chat": {"model": "gpt-4o-mini"}})
        res = self.kp("--json", config=self.config([t]))
        self.assert_rc(res, EXIT_OK)
        o = json.loads(res.stdout)
        self.assertEqual(o["msg"], "OK")
        self.assertEqual(o["chat"]["completion_tokens"], 2)
        self.assertEqual(o["chat"]["tokens_per_s"], "N/A")


class ChatConfig(KPTestCase):
    def write(self, text):
        return write_file(os.path.join(self.tmp, "kp.conf"), text)

    def assert_config_error(self, chat_line, *words):
        path = self.write(
            'kuma = { url = "http://127.0.0.1:9"; };\n'               # 1
            'lock_file = "%s";\n'                                     # 2
            'targets = ( { name = "webui"; url = "http://127.0.0.1:9";\n'  # 3
            '  api_key = "sk-test-cfg";\n'                             # 4
            '  chat = { push = "tokCHATcfg1"; model = "m";\n'         # 5
            '    %s\n'                                                # 6
            '  }; } );\n' % (self.lock_file, chat_line))
        res = self.kp("-n", config=path)
        self.assert_rc(res, EXIT_CONFIG)
        hits = [ln for ln in res.stderr.splitlines() if "%s:6:" % path in ln]
        self.assertTrue(hits, mask(res.describe()))
        for w in words:
            self.assertIn(w, hits[0])

    def test_bad_match(self):
        self.assert_config_error('match = "regex";', "chat.match",
                                 'unknown match "regex"')
        self.assert_config_error('match = 1;', "chat.match")

    def test_bad_chat_lists(self):
        path = self.write(
            'kuma = { url = "http://127.0.0.1:9"; };\n'                  # 1
            'lock_file = "%s";\n'                                        # 2
            'targets = ( { name = "webui"; url = "http://127.0.0.1:9";\n'  # 3
            '  api_key = "sk-test-cfg";\n'                                # 4
            '  chat = ( { push = "tokCHATcfg2"; model = "a"; },\n'       # 5
            '           { push = "tokCHATcfg3"; model = "a"; },\n'       # 6
            '           "b" ); },\n'                                      # 7
            '  { name = "w2"; url = "http://127.0.0.1:9";\n'             # 8
            '    api_key = "sk-test-cfg"; chat = ( ); } );\n'            # 9
            % self.lock_file)
        res = self.kp("-n", config=path)
        self.assert_rc(res, EXIT_CONFIG)
        for line, words in ((6, ('chat.[1].model', 'model "a" is checked '
                                 'already (at line 5)')),
                            (7, ("chat.[2]", "expected a group")),
                            (9, ("targets.[1].chat", "at least one"))):
            hits = [ln for ln in res.stderr.splitlines()
                    if "%s:%d:" % (path, line) in ln]
            self.assertTrue(hits, "line %d\n%s" % (line, mask(res.describe())))
            for w in words:
                self.assertIn(w, " ".join(hits))

    def test_expect_holding_the_prompt(self):
        self.assert_config_error('prompt = "HEALTHY";', "chat.prompt",
                                 "echo")


if __name__ == "__main__":
    unittest.main()
