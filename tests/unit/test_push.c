/* SPDX-License-Identifier: MIT */
/* test_push.c: push URL resolution, masking, building; Kuma's answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "push.h"

struct resolve_case {
	const char *kuma_url;
	const char *push;
	const char *want; /* NULL: an error containing want_err */
	const char *want_err;
};

static const struct resolve_case resolve_cases[] = {
	{ "https://status.example.net", "TOKEN_A", "https://status.example.net/api/push/TOKEN_A", NULL },
	{ "https://status.example.net/", "abc123", "https://status.example.net/api/push/abc123", NULL },
	{ "http://127.0.0.1:3001/kuma//", "x", "http://127.0.0.1:3001/kuma/api/push/x", NULL },
	{ NULL, "https://status.example.net/api/push/TOK?status=up&msg=OK&ping=",
	  "https://status.example.net/api/push/TOK", NULL },
	{ "http://ignored", "https://k.example/api/push/TOK/", "https://k.example/api/push/TOK", NULL },
	{ NULL, "https://k.example/api/push/TOK#frag", "https://k.example/api/push/TOK", NULL },
	{ NULL, "TOKEN_A", NULL, "kuma.url is not set" },
	{ "https://k", "", NULL, "empty" },
	{ "https://k", "to ken", NULL, "characters" },
	{ "ftp://k", "tok", NULL, "kuma.url must start" },
	{ NULL, "ftp://k/api/push/TOK", NULL, "http:// or https://" },
	{ NULL, "https://k.example/push/TOK", NULL, "not an Uptime Kuma push URL" },
	{ NULL, "https://k.example/api/push/?status=up", NULL, "token" },
	{ NULL, "https://k.example/api/push/a/b", NULL, "token" },
	/* A push URL pasted as kuma.url must not hide where the token is. */
	{ "https://k.example/api/push/OLDTOKEN", "SECRET99", NULL, "kuma.url is a push URL" },
	{ "https://k.example/api/push", "SECRET99", NULL, "kuma.url is a push URL" },
	{ NULL, "https://k.example/api/push/api/push/TOK", "https://k.example/api/push/api/push/TOK", NULL },
};

static void test_resolve(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(resolve_cases) / sizeof(resolve_cases[0]); i++) {
		const struct resolve_case *c = &resolve_cases[i];
		struct kp_err err = { KP_OK, "" };
		char *got = push_base_resolve(c->kuma_url, c->push, &err);

		if (c->want != NULL) {
			assert_non_null(got);
			assert_string_equal(got, c->want);
		} else {
			assert_null(got);
			assert_int_equal(err.status, KP_EINVAL);
			assert_non_null(strstr(err.msg, c->want_err));
			/* Secrets never appear in errors. */
			if (strlen(c->push) > 3)
				assert_null(strstr(err.msg, c->push));
		}
		free(got);
	}
}

static void test_mask(void **state)
{
	static const struct {
		const char *url, *want;
	} cases[] = {
		{ "https://k/api/push/SECRET?status=up&msg=OK&ping=3",
		  "https://k/api/push/***?status=up&msg=OK&ping=3" },
		/* A userinfo password is masked as well as the token. */
		{ "http://user:PASSWORD@host:3001/api/push/SECRET?status=up",
		  "http://user:***@host:3001/api/push/***?status=up" },
		{ "http://user:p@ss:w@host/api/push/SECRET",
		  "http://user:***@host/api/push/***" },
		{ "http://user@host/api/push/SECRET", "http://user@host/api/push/***" },
		/* The token follows the last /api/push/ (a token has no '/'). */
		{ "https://k/api/push/x/api/push/SECRET?status=up",
		  "https://k/api/push/x/api/push/***?status=up" },
	};
	size_t len;
	const char *token = push_token("https://k/api/push/SECRET", &len);

	(void)state;
	assert_int_equal(len, 6);
	assert_memory_equal(token, "SECRET", 6);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *masked = push_mask(cases[i].url);

		assert_string_equal(masked, cases[i].want);
		free(masked);
	}
}

static void test_build(void **state)
{
	struct kp_err err = { KP_OK, "" };
	char *url;
	char long_msg[600];

	(void)state;
	url = push_url_build("https://k/api/push/T", true, "OK", 12, &err);
	assert_string_equal(url, "https://k/api/push/T?status=up&msg=OK&ping=12");
	free(url);
	/* ping 0 would be stored as "no ping"; skipped checks send none. */
	url = push_url_build("https://k/api/push/T", false, "a b&c=d/é", 0, &err);
	assert_string_equal(url, "https://k/api/push/T?status=down&msg=a%20b%26c%3Dd%2F%C3%A9&ping=1");
	free(url);
	url = push_url_build("https://k/api/push/T", false, "skipped: x", -1, &err);
	assert_string_equal(url, "https://k/api/push/T?status=down&msg=skipped%3A%20x");
	free(url);
	/* Control characters go; the message is cut at 250 characters. */
	url = push_url_build("h://k/api/push/T", false, "line1\nline2\tx\x01", 5, &err);
	assert_string_equal(url, "h://k/api/push/T?status=down&msg=line1%20line2%20x&ping=5");
	free(url);
	memset(long_msg, 'a', sizeof(long_msg) - 1);
	long_msg[sizeof(long_msg) - 1] = '\0';
	url = push_url_build("h://k/api/push/T", true, long_msg, 5, &err);
	assert_int_equal(strlen(strstr(url, "msg=") + 4), 250 + strlen("&ping=5"));
	free(url);
}

struct judge_case {
	long status;
	const char *type;
	const char *body;
	enum push_verdict want;
	const char *want_why;
};

static const struct judge_case judge_cases[] = {
	{ 200, "application/json", "{\"ok\":true}", PUSH_ACCEPTED, "accepted" },
	{ 404, "application/json", "{\"ok\":false,\"msg\":\"Monitor not found or not active.\"}",
	  PUSH_REJECTED, "Monitor not found or not active." },
	{ 200, "text/html", "<!DOCTYPE html><html>", PUSH_WRONG_URL, "wrong push URL: not a Kuma push endpoint (HTTP 200 text/html)" },
	{ 200, "application/json", "{\"status\":true}", PUSH_WRONG_URL, "wrong push URL" },
	{ 502, "text/html", "<html>bad gateway</html>", PUSH_RETRY, "HTTP 502" },
	{ 429, "", "", PUSH_RETRY, "HTTP 429" },
	{ 404, "text/html", "<html>", PUSH_REJECTED, "HTTP 404" },
	{ 500, "application/json", "{\"ok\":false,\"msg\":\"db locked\"}", PUSH_RETRY, "db locked" },
};

static void test_judge(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(judge_cases) / sizeof(judge_cases[0]); i++) {
		const struct judge_case *c = &judge_cases[i];
		char why[256];

		assert_int_equal(push_judge(c->status, c->type, c->body,
					    strlen(c->body), why, sizeof(why)),
				 c->want);
		assert_non_null(strstr(why, c->want_why));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_judge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
