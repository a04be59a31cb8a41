/* SPDX-License-Identifier: MIT */
/* test_check.c: what each tier sends, and how Open WebUI's answers are judged. */
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
#include "push.h"
#include "redact.h"
#include "util.h"

static struct net_opts net = { .timeout_s = 10, .connect_timeout_s = 5,
			       .max_body_bytes = 1 << 20, .tls_verify = true };

static struct check make_check(enum tier tier)
{
	struct check c = fixture_check("webui/x", tier);

	c.net = net;
	fixture_chat_prompt(&c);
	return c;
}

struct judge_case {
	enum tier tier;
	long status;
	const char *type;
	const char *body;
	bool up;
	const char *msg; /* exact */
};

static const struct judge_case cases[] = {
	{ TIER_HEALTH, 200, "application/json", "{\"status\":true}", true, "OK" },
	{ TIER_HEALTH, 200, "text/html", "<!doctype html><html>", false,
	  "not JSON (HTTP 200 text/html)" },
	{ TIER_HEALTH, 200, "application/json", "{\"status\":false}", false,
	  "health status is not true: {\"status\":false}" },
	{ TIER_HEALTH, 200, "application/json", "{\"status\":tru", false,
	  "invalid JSON at byte 13" },
	{ TIER_HEALTH, 500, "text/plain", "Internal Server Error", false,
	  "HTTP 500: Internal Server Error" },
	{ TIER_MODELS, 200, "application/json",
	  "{\"data\":[{\"id\":\"a\"},{\"id\":\"b\"},{\"id\":\"c\"}]}", true, "3 models" },
	{ TIER_MODELS, 200, "application/json", "{\"data\":[{\"id\":\"a\"}]}", true, "1 model" },
	{ TIER_MODELS, 200, "application/json", "{\"data\":[]}", false,
	  "0 models: JSON query does not pass (comparing false == true)" },
	{ TIER_MODELS, 401, "application/json", "{\"detail\":\"Not authenticated\"}", false,
	  "HTTP 401: Not authenticated" },
	{ TIER_MODELS, 403, "application/json",
	  "{\"detail\":\"Use of API key is not enabled in the environment.\"}", false,
	  "HTTP 403: Use of API key is not enabled in the environment." },
	{ TIER_CHAT, 200, "application/json",
	  "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"healthy.\"}}]}",
	  true, "OK" },
	{ TIER_CHAT, 200, "application/json",
	  "{\"choices\":[{\"message\":{\"content\":\"I am fine\"}}]}", false,
	  "reply lacks HEALTHY: \"I am fine\"" },
	{ TIER_CHAT, 200, "application/json", "{\"choices\":[]}", false,
	  "reply has no choices[0].message.content" },
	{ TIER_CHAT, 400, "application/json", "{\"detail\":\"Model not found\"}", false,
	  "HTTP 400: Model not found" },
	{ TIER_CHAT, 401, "application/json",
	  "{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"x\"}}", false,
	  "HTTP 401: Incorrect API key provided" },
	{ TIER_CHAT, 422, "application/json",
	  "{\"detail\":[{\"type\":\"json_invalid\",\"msg\":\"JSON decode error\"}]}", false,
	  "HTTP 422: JSON decode error" },
	{ TIER_CHAT, 200, "text/event-stream", "data: {}\n\n", false,
	  "stream cut before [DONE]" },
	{ TIER_HTTP, 204, "", "", true, "HTTP 204" },
	{ TIER_HTTP, 503, "text/plain", "busy\n", false, "HTTP 503 (expected 200-299): busy" },
};

static void test_judge_table(void **state)
{
	struct jsonata_err jerr;
	struct jsonata_prog *query = jsonata_compile("$count(data[*])>0", &jerr);
	size_t i;

	(void)state;
	assert_non_null(query);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct judge_case *c = &cases[i];
		struct check check = make_check(c->tier);
		struct http_response resp;
		struct check_result result;
		struct kp_err err = { KP_OK, "" };

		if (c->tier == TIER_MODELS)
			check.query = query;
		fixture_respond_str(&resp, c->status, c->type, c->body);
		assert_int_equal(check_judge(&check, &resp, &result, &err), 0);
		if (strcmp(result.msg, c->msg) != 0 || result.up != c->up)
			fail_msg("case %zu: got %s \"%s\", want %s \"%s\"", i,
				 result.up ? "up" : "down", result.msg,
				 c->up ? "up" : "down", c->msg);
		/* Kuma records no ping for a failure: a down result has none. */
		assert_int_equal(result.ping_ms, c->up ? 12 : -1);
		buf_free(&resp.body);
	}
	jsonata_free(query);
}

static void test_keyword(void **state)
{
	struct check check = make_check(TIER_HTTP);
	struct http_response resp;
	struct check_result result;
	struct kp_err err = { KP_OK, "" };

	(void)state;
	check.keyword = "models";
	fixture_respond_str(&resp, 200, "application/json", "{\"data\":[]}");
	assert_int_equal(check_judge(&check, &resp, &result, &err), 0);
	assert_false(result.up);
	assert_string_equal(result.msg, "keyword \"models\" not found (HTTP 200)");
	buf_free(&resp.body);
}

/* status = "200-299,301" / [ "200-299", "401" ]: any listed range is up. */
static void test_status_list(void **state)
{
	static const struct { long status; bool up; } want[] = {
		{ 200, true }, { 299, true }, { 301, true }, { 300, false },
		{ 401, false }, { 199, false },
	};
	struct check check = make_check(TIER_HTTP);
	struct http_response resp;
	struct check_result result;
	struct kp_err err = { KP_OK, "" };
	size_t i;

	(void)state;
	check.status[1].lo = check.status[1].hi = 301;
	check.n_status = 2;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		fixture_respond_str(&resp, want[i].status, "text/plain", "");
		assert_int_equal(check_judge(&check, &resp, &result, &err), 0);
		if (result.up != want[i].up)
			fail_msg("HTTP %ld: %s", want[i].status, result.msg);
		buf_free(&resp.body);
	}
	fixture_respond_str(&resp, 404, "text/plain", "nope");
	assert_int_equal(check_judge(&check, &resp, &result, &err), 0);
	assert_string_equal(result.msg, "HTTP 404 (expected 200-299,301): nope");
	buf_free(&resp.body);
}

static void test_transport_failure(void **state)
{
	struct check check = make_check(TIER_HEALTH);
	struct http_response resp;
	struct check_result result;
	struct kp_err err = { KP_OK, "" };

	(void)state;
	fixture_respond_str(&resp, 0, "", "");
	resp.failure = HTTP_FAIL_REFUSED;
	snprintf(resp.error, sizeof(resp.error), "connection refused");
	resp.timings.total_ms = 0.2;
	assert_int_equal(check_judge(&check, &resp, &result, &err), 0);
	assert_false(result.up);
	assert_string_equal(result.msg, "connection refused");
	/* Down: no ping (it used to chart "connection refused" as 1 ms). */
	assert_int_equal(result.ping_ms, -1);
	assert_true(result.timings.total_ms > 0);
	buf_free(&resp.body);
	check_skip(&result, "connection refused");
	assert_string_equal(result.msg, "skipped: health down (connection refused)");
	assert_int_equal(result.ping_ms, -1);
}

static void test_prepare_chat(void **state)
{
	struct check check = make_check(TIER_CHAT);
	struct target target = { "webui", "http://h:8080", "sk-secret", 1 };
	struct check_request req;
	struct kp_err err = { KP_OK, "" };

	(void)state;
	check.prompt = "Say \"HEALTHY\"\n";
	assert_int_equal(check_prepare(&check, &target, &req, &err), 0);
	assert_string_equal(req.http.url, "http://h:8080/api/chat/completions");
	assert_string_equal(req.http.method, "POST");
	assert_string_equal(req.http.body,
			    "{\"model\":\"llama3.2:3b\",\"messages\":[{\"role\":\"user\","
			    "\"content\":\"Say \\\"HEALTHY\\\"\\n\"}],\"temperature\":0,"
			    "\"stream\":false}");
	assert_int_equal(req.http.n_headers, 3);
	assert_string_equal(req.http.headers[0], "Authorization: Bearer sk-secret");
	assert_string_equal(req.http.headers[1], "Content-Type: application/json");
	check_request_free(&req);

	check.tier = TIER_MODELS;
	assert_int_equal(check_prepare(&check, &target, &req, &err), 0);
	assert_string_equal(req.http.url, "http://h:8080/api/models?refresh=true");
	assert_null(req.http.body);
	check_request_free(&req);

	check.tier = TIER_HEALTH;
	assert_int_equal(check_prepare(&check, &target, &req, &err), 0);
	assert_string_equal(req.http.url, "http://h:8080/health");
	/* The key goes only where it is needed. */
	assert_int_equal(req.http.n_headers, 1);
	assert_string_equal(req.http.headers[0], "Accept: application/json");
	check_request_free(&req);
}

#define KEY "sk-0123456789abcdef0123456789abcdef"

/* Judges body with a redactor holding KEY; returns the msg. */
static void judge_with_key(enum tier tier, long status, const char *type,
			   const char *body, struct check_result *result)
{
	struct redactor *r = redactor_new();
	struct check check = make_check(tier);
	struct http_response resp;
	struct kp_err err = { KP_OK, "" };

	assert_non_null(r);
	assert_int_equal(redactor_add(r, KEY, strlen(KEY)), 0);
	check.redact = r;
	fixture_respond_str(&resp, status, type, body);
	assert_int_equal(check_judge(&check, &resp, result, &err), 0);
	buf_free(&resp.body);
	redactor_free(r);
	assert_null(strstr(result->msg, "sk-0123"));
	assert_true(kp_utf8_valid(result->msg, strlen(result->msg)));
}

static void test_key_echo_is_masked(void **state)
{
	struct check_result result;
	char body[2048];

	(void)state;
	/* A 401 that echoes the Authorization header. */
	judge_with_key(TIER_MODELS, 401, "application/json",
		       "{\"detail\":\"Bad key Bearer " KEY "\"}", &result);
	assert_string_equal(result.msg, "HTTP 401: Bad key Bearer *** (check the API "
					"key and that API keys are enabled)");
	/* The same through a JSON escape, and in a chat reply. */
	judge_with_key(TIER_MODELS, 401, "application/json",
		       "{\"detail\":\"Bearer \\u0073k-0123456789abcdef0123456789abcdef\"}",
		       &result);
	assert_string_equal(result.msg, "HTTP 401: Bearer *** (check the API key and "
					"that API keys are enabled)");
	judge_with_key(TIER_CHAT, 200, "application/json",
		       "{\"choices\":[{\"message\":{\"content\":\"your key is " KEY "\"}}]}",
		       &result);
	assert_string_equal(result.msg, "reply lacks HEALTHY: \"your key is ***\"");
	/* A key that straddles the quoted length: not even its start shows. */
	snprintf(body, sizeof(body), "%0240d " KEY, 0);
	judge_with_key(TIER_HEALTH, 500, "text/plain", body, &result);
	assert_null(strstr(result.msg, "sk-"));
	snprintf(body, sizeof(body), "{\"choices\":[{\"message\":{\"content\":"
		 "\"%0110d " KEY "\"}}]}", 0);
	judge_with_key(TIER_CHAT, 200, "application/json", body, &result);
	assert_null(strstr(result.msg, "sk-"));
}

static void test_latin1_and_cap(void **state)
{
	struct check_result result;
	char body[4096];
	size_t i;

	(void)state;
	/* A Latin-1 error page: each lone byte becomes U+FFFD. */
	judge_with_key(TIER_HEALTH, 503, "text/html", "<p>Service indisponible \xE0 caf\xE9</p>",
		       &result);
	assert_string_equal(result.msg, "HTTP 503: <p>Service indisponible \xEF\xBF\xBD "
			    "caf\xEF\xBF\xBD</p>");
	/* 400 three-byte characters: cut at 250 characters, never inside one. */
	for (i = 0; i < 400; i++)
		memcpy(body + 3 * i, "\xE6\xA8\xA1", 3);
	body[1200] = '\0';
	judge_with_key(TIER_HEALTH, 500, "text/plain", body, &result);
	assert_int_equal(kp_utf8_count(result.msg, strlen(result.msg)), PUSH_MSG_MAX);
	assert_int_equal(strncmp(result.msg, "HTTP 500: ", 10), 0);
	/* A chat reply of multibyte text is quoted by characters. */
	strcpy(body, "{\"choices\":[{\"message\":{\"content\":\"");
	for (i = 0; i < 200; i++)
		strcat(body, "\xC3\xA9");
	strcat(body, "\"}}]}");
	judge_with_key(TIER_CHAT, 200, "application/json", body, &result);
	assert_int_equal(kp_utf8_count(result.msg, strlen(result.msg)),
			 strlen("reply lacks HEALTHY: \"\"") + 120);
}

static void test_skip_keeps_parenthesis(void **state)
{
	struct check_result result;
	char reason[CHECK_MSG_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < 249; i++)
		memcpy(reason + 2 * i, "\xC3\xA9", 2);
	reason[498] = '\0';
	check_skip(&result, reason);
	assert_int_equal(kp_utf8_count(result.msg, strlen(result.msg)), PUSH_MSG_MAX);
	assert_int_equal(result.msg[strlen(result.msg) - 1], ')');
	assert_int_equal(strncmp(result.msg, "skipped: health down (\xC3\xA9", 24), 0);
	assert_true(kp_utf8_valid(result.msg, strlen(result.msg)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_judge_table),
		cmocka_unit_test(test_keyword),
		cmocka_unit_test(test_status_list),
		cmocka_unit_test(test_transport_failure),
		cmocka_unit_test(test_prepare_chat),
		cmocka_unit_test(test_key_echo_is_masked),
		cmocka_unit_test(test_latin1_and_cap),
		cmocka_unit_test(test_skip_keeps_parenthesis),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
