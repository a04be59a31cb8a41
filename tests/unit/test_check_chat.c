/* SPDX-License-Identifier: MIT */
/* test_check_chat.c: the chat tier's verdict on Open WebUI's replies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "check.h"
#include "check_fixture.h"

static struct check make_chat(enum chat_match how)
{
	struct check c = fixture_chat_check();

	c.match = how;
	return c;
}

static void judge(const struct check *check, const char *type, const char *body,
		  struct check_result *result)
{
	struct http_response resp;
	struct kp_err err = { KP_OK, "" };

	fixture_respond_str(&resp, 200, type, body);
	resp.timings.total_ms = 30;
	assert_int_equal(check_judge(check, &resp, result, &err), 0);
	buf_free(&resp.body);
}

struct reply_case {
	enum chat_match how;
	const char *content; /* JSON string text, escapes allowed */
	bool up;
	const char *msg;
};

static const struct reply_case replies[] = {
	/* issue 10's three lies: each used to push up */
	{CHAT_MATCH_WORD, "UNHEALTHY", false, "reply lacks HEALTHY: \"UNHEALTHY\""},
	{CHAT_MATCH_WORD,
	 "<think>The user wants me to say HEALTHY. I will refuse.</think>I cannot help.",
	 false, "reply lacks HEALTHY: \"I cannot help.\""},
	{CHAT_MATCH_WORD,
	 "Error: the model could not answer \\\"Respond with the word HEALTHY\\\"",
	 false, "reply echoes the prompt"},
	/* honest answers */
	{CHAT_MATCH_WORD, "HEALTHY", true, "OK"},
	{CHAT_MATCH_WORD, "<think>\\nEasy.\\n</think>\\n\\n**HEALTHY**", true, "OK"},
	{CHAT_MATCH_WORD, "Sure: healthy!", true, "OK"},
	{CHAT_MATCH_WORD, "<think>HEALTHY HEALTHY", false, "reply lacks HEALTHY: \"\""},
	{CHAT_MATCH_EXACT, "Sure: HEALTHY", false, "reply lacks HEALTHY: \"Sure: HEALTHY\""},
	{CHAT_MATCH_EXACT, " \\\"HEALTHY.\\\" ", true, "OK"},
	{CHAT_MATCH_CONTAINS, "UNHEALTHY", true, "OK"},
	/* an echo is down whatever the match rule */
	{CHAT_MATCH_CONTAINS, "respond with the word healthy", false, "reply echoes the prompt"},
	/* reasoning that quotes the prompt is not an echo */
	{CHAT_MATCH_WORD, "<think>Respond with the word HEALTHY, they say.</think>HEALTHY",
	 true, "OK"},
	/* a NUL inside the reply does not hide the rest of it */
	{CHAT_MATCH_EXACT, "HEALTHY\\u0000 not", false, "reply lacks HEALTHY: \"HEALTHY\""},
};

static void test_replies(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(replies) / sizeof(replies[0]); i++) {
		const struct reply_case *c = &replies[i];
		struct check check = make_chat(c->how);
		struct check_result result;
		char body[512];

		snprintf(body, sizeof(body),
			 "{\"choices\":[{\"message\":{\"role\":\"assistant\","
			 "\"content\":\"%s\"}}]}", c->content);
		judge(&check, "application/json", body, &result);
		if (result.up != c->up || strcmp(result.msg, c->msg) != 0)
			fail_msg("case %zu: got %s \"%s\", want %s \"%s\"", i,
				 result.up ? "up" : "down", result.msg,
				 c->up ? "up" : "down", c->msg);
	}
}

/* Reasoning fields beside content are never read. */
static void test_reasoning_fields(void **state)
{
	struct check check = make_chat(CHAT_MATCH_WORD);
	struct check_result result;

	(void)state;
	judge(&check, "application/json",
	      "{\"choices\":[{\"message\":{\"content\":\"No.\","
	      "\"reasoning_content\":\"HEALTHY\",\"reasoning\":\"HEALTHY\"}}]}",
	      &result);
	assert_false(result.up);
	assert_string_equal(result.msg, "reply lacks HEALTHY: \"No.\"");
	judge(&check, "application/json",
	      "{\"choices\":[{\"message\":{\"content\":null,"
	      "\"reasoning_content\":\"HEALTHY\"}}]}", &result);
	assert_false(result.up);
	assert_string_equal(result.msg, "reply has no choices[0].message.content");
}

/* The quoted start of a long reply is cut on a character boundary. */
static void test_long_reply(void **state)
{
	struct check check = make_chat(CHAT_MATCH_WORD);
	struct check_result result;
	char body[2048];
	size_t n;

	(void)state;
	n = (size_t)snprintf(body, sizeof(body),
			     "{\"choices\":[{\"message\":{\"content\":\"a");
	while (n < 1000)
		n += (size_t)snprintf(body + n, sizeof(body) - n, "\xc3\xa9");
	snprintf(body + n, sizeof(body) - n, "\"}}]}");
	judge(&check, "application/json", body, &result);
	assert_false(result.up);
	assert_memory_equal(result.msg, "reply lacks HEALTHY: \"a\xc3\xa9", 25);
	/* 'a', then whole two-byte characters: never half of one */
	n = strlen(result.msg);
	assert_int_equal(result.msg[n - 1], '"');
	assert_int_equal((n - 1 - 23) % 2, 0);
}

#define CHUNK(content) \
	"data: {\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0," \
	"\"delta\":{\"content\":\"" content "\"}}]}\n\n"
#define DONE "data: [DONE]\n\n"

struct stream_case {
	const char *body;
	bool up;
	const char *msg;
};

static const struct stream_case streams[] = {
	{"data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\n\n"
	 CHUNK("HEAL") CHUNK("THY")
	 "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}],"
	 "\"usage\":{\"completion_tokens\":3,\"response_token/s\":42.3}}\n\n" DONE,
	 true, "OK (42 tok/s)"},
	/* the content is joined before it is judged */
	{CHUNK("UN") CHUNK("HEALTHY") DONE, false, "reply lacks HEALTHY: \"UNHEALTHY\""},
	{CHUNK("<thi") CHUNK("nk>HEALTHY</th") CHUNK("ink>No") DONE, false,
	 "reply lacks HEALTHY: \"No\""},
	{CHUNK("Respond with the ") CHUNK("word HEALTHY") DONE, false,
	 "reply echoes the prompt"},
	/* reasoning deltas are not the reply */
	{"data: {\"choices\":[{\"delta\":{\"reasoning_content\":\"HEALTHY\"}}]}\n\n"
	 "data: {\"choices\":[{\"delta\":{\"reasoning\":\"HEALTHY\"}}]}\n\n"
	 CHUNK("no") DONE, false, "reply lacks HEALTHY: \"no\""},
	/* CRLF, comments, a JSON event over two data lines */
	{": ping\r\n\r\ndata: {\"choices\":[{\"delta\":\r\ndata: {\"content\":\"HEALTHY\"}}]}"
	 "\r\n\r\ndata: [DONE]\r\n\r\n", true, "OK"},
	/* what comes after [DONE] is not read */
	{CHUNK("HEALTHY") DONE "data: not json\n\n", true, "OK"},
	/* failures */
	{CHUNK("HEALTHY"), false, "stream cut before [DONE]"},
	{CHUNK("HEALTHY") "data: [DO", false, "stream cut before [DONE]"},
	{"", false, "stream cut before [DONE]"},
	{CHUNK("HEAL") "event: error\ndata: {\"detail\":\"model crashed\"}\n\n" DONE,
	 false, "stream error: model crashed"},
	{"event: error\ndata: upstream went away\n\n", false,
	 "stream error: upstream went away"},
	{CHUNK("HEAL") "data: {\"error\":{\"message\":\"Upstream timeout\"}}\n\n" DONE,
	 false, "stream error: Upstream timeout"},
	{"data: {\"error\":{\"detail\":\"Ollama: 500\"}}\n\n", false,
	 "stream error: Ollama: 500"},
	{"data: {\"detail\":\"Model not found\"}\n\n", false,
	 "stream error: Model not found"},
	{CHUNK("HEALTHY") "data: {\"choices\":[\n\n" DONE, false,
	 "streamed event 2 is not JSON"},
	{CHUNK("HEALTHY") "data: {\"error\":null,\"choices\":[]}\n\n" DONE, true, "OK"},
};

static void test_streams(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(streams) / sizeof(streams[0]); i++) {
		const struct stream_case *c = &streams[i];
		struct check check = make_chat(CHAT_MATCH_WORD);
		struct check_result result;

		judge(&check, "text/event-stream", c->body, &result);
		if (result.up != c->up || strcmp(result.msg, c->msg) != 0)
			fail_msg("case %zu: got %s \"%s\", want %s \"%s\"", i,
				 result.up ? "up" : "down", result.msg,
				 c->up ? "up" : "down", c->msg);
		assert_true(result.chat.known);
		assert_true(result.chat.streamed);
	}
}

/* A stream's events and content stay within max_body. */
static void test_stream_bounded(void **state)
{
	struct check check = make_chat(CHAT_MATCH_WORD);
	struct check_result result;

	(void)state;
	check.net.max_body_bytes = 64;
	judge(&check, "text/event-stream",
	      CHUNK("a long reply that does not fit in sixty-four bytes") DONE, &result);
	assert_false(result.up);
	assert_string_equal(result.msg, "a streamed event is larger than max_body");
}

struct figures_case {
	const char *usage;
	const char *msg;
	double completion, rate;
};

static const struct figures_case figures[] = {
	{"{\"prompt_tokens\":33,\"completion_tokens\":3,\"total_tokens\":36,"
	 "\"response_token/s\":50.0,\"prompt_token/s\":825.0}", "OK (50 tok/s)", 3, 50},
	{"{\"completion_tokens\":3,\"response_token/s\":\"N/A\"}", "OK", 3, -1},
	{"{\"completion_tokens\":2,\"total_tokens\":15}", "OK", 2, -1},
	{"{\"response_token/s\":3.44}", "OK (3.4 tok/s)", -1, 3.44},
	{"null", "OK", -1, -1},
};

static void test_figures(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(figures) / sizeof(figures[0]); i++) {
		struct check check = make_chat(CHAT_MATCH_WORD);
		struct check_result result;
		char body[512];

		snprintf(body, sizeof(body),
			 "{\"choices\":[{\"message\":{\"content\":\"HEALTHY\"}}],"
			 "\"usage\":%s}", figures[i].usage);
		judge(&check, "application/json", body, &result);
		assert_true(result.up);
		assert_string_equal(result.msg, figures[i].msg);
		assert_true(result.chat.known);
		assert_false(result.chat.streamed);
		assert_true(result.chat.completion_tokens == figures[i].completion);
		assert_true(result.chat.tokens_per_s == figures[i].rate);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replies),
		cmocka_unit_test(test_reasoning_fields),
		cmocka_unit_test(test_long_reply),
		cmocka_unit_test(test_streams),
		cmocka_unit_test(test_stream_bounded),
		cmocka_unit_test(test_figures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
