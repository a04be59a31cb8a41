/* SPDX-License-Identifier: MIT */
/*
 * test_check_rules.c: the judging rules of issue 12: models.require, the
 * kuma1 comparison, a generic check's query, keyword and regex (NUL bytes
 * in the body), upside_down, max_latency and the certificate window.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "cert.h"
#include "check.h"
#include "check_fixture.h"

static const char MODELS[] =
	"{\"data\":[{\"id\":\"llama3.1:8b\"},{\"id\":\"qwen\\u0032\"},"
	"{\"id\":\"mistral\"}]}";

static struct check make_check(enum tier tier)
{
	struct check c = fixture_check("x", tier);

	c.net.timeout_s = 10;
	c.net.max_body_bytes = 1 << 20;
	c.net.tls_expiry_warn_days = 14;
	return c;
}

/* Judges body (len bytes, NULs allowed) and checks verdict and msg. */
static void expect_n(const struct check *check, long status, const char *type,
		     const char *body, size_t len, bool up, const char *msg,
		     bool whole)
{
	struct http_response resp;
	struct check_result result;
	struct kp_err err = { KP_OK, "" };

	fixture_respond(&resp, status, type, body, len);
	assert_int_equal(check_judge(check, &resp, &result, &err), 0);
	if (result.up != up || (whole ? strcmp(result.msg, msg) != 0
				      : strncmp(result.msg, msg, strlen(msg)) != 0))
		fail_msg("got %s \"%s\", want %s \"%s\"", result.up ? "up" : "down",
			 result.msg, up ? "up" : "down", msg);
	buf_free(&resp.body);
}

static void expect(const struct check *check, long status, const char *type,
		   const char *body, size_t len, bool up, const char *msg)
{
	expect_n(check, status, type, body, len, up, msg, true);
}

static struct jsonata_prog *compile(const char *expr)
{
	struct jsonata_err jerr;
	struct jsonata_prog *prog = jsonata_compile(expr, &jerr);

	assert_non_null(prog);
	return prog;
}

static void test_models_require(void **state)
{
	struct check c = make_check(TIER_MODELS);
	char *two[] = { "gpt-4o", "llama3.1:8b" };
	char *escaped[] = { "qwen2", "mistral" };
	char *three[] = { "a", "mistral", "b" };

	(void)state;
	c.query = compile("$count(data[*])>0");
	c.require = two;
	c.n_require = 2;
	expect(&c, 200, "application/json", MODELS, strlen(MODELS), false,
	       "missing 1 of 2 models: gpt-4o");
	/* An id written with an escape is still that id. */
	c.require = escaped;
	expect(&c, 200, "application/json", MODELS, strlen(MODELS), true, "3 models");
	c.require = three;
	c.n_require = 3;
	expect(&c, 200, "application/json", MODELS, strlen(MODELS), false,
	       "missing 2 of 3 models: a, b");
	/* Both must hold: the list is fine, the query is not. */
	c.require = escaped;
	c.n_require = 2;
	jsonata_free(c.query);
	c.query = compile("$count(data[*])>5");
	expect(&c, 200, "application/json", MODELS, strlen(MODELS), false,
	       "3 models: JSON query does not pass (comparing false == true)");
	jsonata_free(c.query);
}

static void test_models_kuma1(void **state)
{
	struct check c = make_check(TIER_MODELS);

	(void)state;
	c.query = compile("data.id");
	c.expected = "llama3.1:8b,qwen2,mistral";
	/* 2.x refuses the array; 1.23 joined it with commas. */
	c.compare = COMPARE_KUMA2;
	expect_n(&c, 200, "application/json", MODELS, strlen(MODELS), false,
		 "3 models: Error evaluating JSON query: JSON query returned the "
		 "array [\"llama3.1:8b\",\"qwen2\",\"m...], but a primitive value "
		 "is required.", false);
	c.compare = COMPARE_KUMA1;
	expect(&c, 200, "application/json", MODELS, strlen(MODELS), true, "3 models");
	jsonata_free(c.query);
}

static void test_generic_query(void **state)
{
	struct check c = make_check(TIER_HTTP);

	(void)state;
	c.query = compile("$count(models)");
	c.expected = "2";
	expect(&c, 200, "text/plain", "{\"models\":[1,2]}", 16, true, "HTTP 200");
	c.expected = "3";
	expect(&c, 200, "application/json", "{\"models\":[1,2]}", 16, false,
	       "JSON query does not pass (comparing 2 == 3)");
	c.op = JSONATA_OP_LT;
	expect(&c, 200, "application/json", "{\"models\":[1,2]}", 16, true, "HTTP 200");
	expect(&c, 200, "text/html", "<html>", 6, false,
	       "not JSON (HTTP 200 text/html): invalid JSON at byte 0");
	/* The status is judged first. */
	expect(&c, 503, "text/plain", "busy", 4, false,
	       "HTTP 503 (expected 200-299): busy");
	jsonata_free(c.query);
}

static void test_keyword_and_regex(void **state)
{
	static const char body[] = "head\0tail OK\0end";
	struct check c = make_check(TIER_HTTP);
	regex_t re;

	(void)state;
	/* Past the first NUL: the whole body counts. */
	c.keyword = "tail OK";
	expect(&c, 200, "text/plain", body, sizeof(body) - 1, true, "HTTP 200");
	c.invert_keyword = true;
	expect(&c, 200, "text/plain", body, sizeof(body) - 1, false,
	       "keyword \"tail OK\" present (HTTP 200)");
	c.keyword = "absent";
	expect(&c, 200, "text/plain", body, sizeof(body) - 1, true, "HTTP 200");
	c.keyword = NULL;
	c.invert_keyword = false;

	assert_int_equal(regcomp(&re, "^tail [A-Z]+$", REG_EXTENDED | REG_NOSUB), 0);
	c.regex = &re;
	c.regex_src = "^tail [A-Z]+$";
	/* ^ and $ are the body's ends, not a NUL's. */
	expect(&c, 200, "text/plain", body, sizeof(body) - 1, false,
	       "regex \"^tail [A-Z]+$\" does not match (HTTP 200)");
	regfree(&re);
	assert_int_equal(regcomp(&re, "tail [A-Z]+", REG_EXTENDED | REG_NOSUB), 0);
	expect(&c, 200, "text/plain", body, sizeof(body) - 1, true, "HTTP 200");
	c.invert_regex = true;
	expect(&c, 200, "text/plain", body, sizeof(body) - 1, false,
	       "regex \"^tail [A-Z]+$\" matches (HTTP 200)");
	regfree(&re);
	assert_int_equal(regcomp(&re, "^head.*end$", REG_EXTENDED | REG_NOSUB), 0);
	c.invert_regex = false;
	/* A match cannot span a NUL. */
	expect(&c, 200, "text/plain", body, sizeof(body) - 1, false,
	       "regex \"^tail [A-Z]+$\" does not match (HTTP 200)");
	regfree(&re);
}

static void test_upside_down(void **state)
{
	struct check c = make_check(TIER_HTTP);
	struct http_response resp;
	struct check_result result;

	(void)state;
	c.upside_down = true;
	expect(&c, 200, "text/plain", "", 0, false, "upside down: HTTP 200");
	expect(&c, 503, "text/plain", "", 0, true,
	       "upside down: HTTP 503 (expected 200-299)");
	fixture_respond(&resp, 0, "", "", 0);
	resp.failure = HTTP_FAIL_REFUSED;
	snprintf(resp.error, sizeof(resp.error), "connection refused");
	assert_int_equal(check_judge(&c, &resp, &result, NULL), 0);
	assert_true(result.up);
	assert_string_equal(result.msg, "upside down: connection refused");
	buf_free(&resp.body);
}

static void test_max_latency(void **state)
{
	struct check c = make_check(TIER_HTTP);
	struct http_response resp;
	struct check_result result;

	(void)state;
	c.net.max_latency_s = 2.0;
	fixture_respond(&resp, 200, "text/plain", "", 0);
	resp.timings.total_ms = 2300.2;
	assert_int_equal(check_judge(&c, &resp, &result, NULL), 0);
	assert_false(result.up);
	assert_string_equal(result.msg, "slow: 2300 ms > 2000 ms");
	assert_string_equal(result.real_msg, "HTTP 200");
	/* Down: no ping is pushed (issue 10); the timings keep the figure. */
	assert_int_equal(result.ping_ms, -1);
	assert_true(result.timings.total_ms > 2300);
	/* Only a success can be slow; a failure keeps its own reason. */
	resp.status = 500;
	assert_int_equal(check_judge(&c, &resp, &result, NULL), 0);
	assert_string_equal(result.msg, "HTTP 500 (expected 200-299)");
	assert_string_equal(result.real_msg, "");
	resp.status = 200;
	resp.timings.total_ms = 1999.0;
	assert_int_equal(check_judge(&c, &resp, &result, NULL), 0);
	assert_true(result.up);
	buf_free(&resp.body);
}

static void test_certificate_window(void **state)
{
	struct check c = make_check(TIER_HEALTH);
	struct http_response resp;
	struct check_result result;
	int64_t now = (int64_t)time(NULL);
	char want[64], date[16];
	time_t end = (time_t)(now + 5 * 86400 - 30);

	(void)state;
	fixture_respond(&resp, 200, "application/json", "{\"status\":true}", 15);
	resp.cert_not_after = now + 5 * 86400 - 30;
	assert_int_equal(check_judge(&c, &resp, &result, NULL), 0);
	strftime(date, sizeof(date), "%Y-%m-%d", gmtime(&end));
	snprintf(want, sizeof(want), "certificate expires in 5 days (%s)", date);
	assert_false(result.up);
	assert_string_equal(result.msg, want);
	assert_string_equal(result.real_msg, "OK");
	assert_int_equal(result.cert_not_after, now + 5 * 86400 - 30);
	c.net.tls_expiry_warn_days = 5; /* closer than 5 days: yes, by 30 s */
	assert_int_equal(check_judge(&c, &resp, &result, NULL), 0);
	assert_false(result.up);
	c.net.tls_expiry_warn_days = 0; /* off */
	assert_int_equal(check_judge(&c, &resp, &result, NULL), 0);
	assert_true(result.up);
	c.net.tls_expiry_warn_days = 14;
	resp.cert_not_after = now + 30 * 86400;
	assert_int_equal(check_judge(&c, &resp, &result, NULL), 0);
	assert_true(result.up);
	buf_free(&resp.body);
}

static void test_cert_dates(void **state)
{
	int64_t t = 0;
	char iso[32];

	(void)state;
	assert_true(cert_parse_time("Dec  6 09:58:00 2026 GMT", &t));
	assert_int_equal(t, 1796551080);
	cert_iso8601(t, iso, sizeof(iso));
	assert_string_equal(iso, "2026-12-06T09:58:00Z");
	assert_true(cert_parse_time("Feb 29 00:00:00.123 2028 GMT", &t));
	cert_iso8601(t, iso, sizeof(iso));
	assert_string_equal(iso, "2028-02-29T00:00:00Z");
	assert_true(cert_parse_time("2026-12-06 09:58:00 GMT", &t));
	assert_int_equal(t, 1796551080);
	assert_false(cert_parse_time("Dez  6 09:58:00 2026 GMT", &t));
	assert_false(cert_parse_time("Dec  6 09:58:00 2026 CET", &t));
	assert_false(cert_parse_time("", &t));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_models_require),
		cmocka_unit_test(test_models_kuma1),
		cmocka_unit_test(test_generic_query),
		cmocka_unit_test(test_keyword_and_regex),
		cmocka_unit_test(test_upside_down),
		cmocka_unit_test(test_max_latency),
		cmocka_unit_test(test_certificate_window),
		cmocka_unit_test(test_cert_dates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
