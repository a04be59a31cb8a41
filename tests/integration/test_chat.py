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
                        mask, write_file)


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

    def test_expect_holding_the_prompt(self):
        self.assert_config_error('prompt = "HEALTHY";', "chat.prompt",
                                 "echo")


if __name__ == "__main__":
    unittest.main()
