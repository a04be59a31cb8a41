/* SPDX-License-Identifier: MIT */
/* test_json.c: what a malformed body reports, and what a valid one holds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "json.h"

struct bad_case {
	const char *text;
	size_t len; /* 0: strlen */
	size_t at;  /* expected "invalid JSON at byte N" */
};

/* jsmn accepts the first six; every one must be refused at its first bad byte. */
static const struct bad_case BAD[] = {
	{ "{\"a\"}", 0, 4 },
	{ "[1,,3]", 0, 3 },
	{ "{\"a\":1,}", 0, 7 },
	{ "[tru]", 0, 4 },
	{ "[1 2]", 0, 3 },
	{ "{\"a\":\"b\":\"c\"}", 0, 8 },
	{ "", 0, 0 },
	{ "   ", 0, 3 },
	{ "[", 0, 1 },
	{ "{\"a\":1", 0, 6 },
	{ "[01]", 0, 2 },
	{ "[1.]", 0, 3 },
	{ "[-]", 0, 2 },
	{ "[1e]", 0, 3 },
	{ "[.5]", 0, 1 },
	{ "[+1]", 0, 1 },
	{ "{\"a\":1}x", 0, 7 },
	{ "{\"a\":1} {}", 0, 8 },
	{ "[\"a\tb\"]", 0, 3 },
	{ "[\"\\q\"]", 0, 3 },
	{ "[\"\\u12G4\"]", 0, 6 },
	{ "[\"abc", 0, 5 },
	{ "{1:2}", 0, 1 },
	{ "{\"a\" 1}", 0, 5 },
	{ "[1,]", 0, 3 },
	{ "[}", 0, 1 },
	{ "{]", 0, 1 },
	{ "[NaN]", 0, 1 },
	{ "[truex]", 0, 5 },
	{ "\xef\xbb\xbf{}", 0, 0 },   /* a BOM is not JSON (JSON.parse agrees) */
	{ "[1]\0", 4, 3 },            /* a NUL after the value */
	{ "[\"a\0b\"]", 7, 3 },       /* a NUL inside a string */
	{ "\f[]", 0, 0 },             /* form feed is not JSON white space */
	{ "[1,2]]", 0, 5 },
	{ "tru", 0, 3 },
	{ "-", 0, 1 },
};

static void test_malformed_offsets(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++) {
		const struct bad_case *c = &BAD[i];
		size_t len = c->len ? c->len : strlen(c->text);
		struct json_doc *doc = (struct json_doc *)&doc;
		struct kp_err err = { KP_OK, "" };
		char want[64];

		snprintf(want, sizeof(want), "invalid JSON at byte %zu", c->at);
		if (json_parse(c->text, len, &doc, &err) != -1 || strcmp(err.msg, want) != 0)
			fail_msg("case %zu %s: got \"%s\", want \"%s\"", i, c->text, err.msg, want);
		assert_int_equal(err.status, KP_EINVAL);
		assert_null(doc);
	}
}

static const char *const GOOD[] = {
	"{}", "[]", "0", "-0", "1.5e-7", "true", "false", "null", "\"x\"",
	" \t\r\n[ 1 , 2 ]\n", "{\"a\":[{\"b\":null}],\"c\":{\"d\":\"\\u00e9\\ud83d\\ude00\"}}",
	"[[[[[]]]]]", "{\"\":\"\"}", "[\"\x7f\xff\"]", "1e400",
};

static void test_valid_documents(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(GOOD) / sizeof(GOOD[0]); i++) {
		struct json_doc *doc = NULL;
		struct kp_err err = { KP_OK, "" };

		if (json_parse(GOOD[i], strlen(GOOD[i]), &doc, &err) != 0)
			fail_msg("%s refused: %s", GOOD[i], err.msg);
		assert_int_not_equal(json_type(doc, 0), JSON_NONE);
		json_free(doc);
	}
}

static struct json_doc *parse(const char *text)
{
	struct json_doc *doc = NULL;
	struct kp_err err = { KP_OK, "" };

	if (json_parse(text, strlen(text), &doc, &err) != 0)
		fail_msg("%s: %s", text, err.msg);
	return doc;
}

static void test_access(void **state)
{
	const char *text = "{\"data\":[{\"id\":\"a\\\"b\"},{\"id\":\"\\ud83d\\ude00\\ud800\"}],"
			   "\"n\":12345678901234567890,\"dup\":1,\"dup\":2,\"e\\u0078\":3}";
	struct json_doc *doc = parse(text);
	int data = json_get(doc, 0, "data"), node;
	double d;
	char *s;

	(void)state;
	assert_int_equal(json_type(doc, data), JSON_ARRAY);
	assert_int_equal(json_count(doc, data), 2);
	node = json_get(doc, json_at(doc, data, 0), "id");
	s = json_string(doc, node);
	assert_string_equal(s, "a\"b");
	free(s);
	/* A pair is one character; a lone surrogate becomes U+FFFD. */
	s = json_string(doc, json_get(doc, json_at(doc, data, 1), "id"));
	assert_string_equal(s, "\xf0\x9f\x98\x80\xef\xbf\xbd");
	free(s);
	assert_int_equal(json_at(doc, data, 2), -1);
	assert_true(json_number(doc, json_get(doc, 0, "n"), &d));
	assert_true(d == 12345678901234567000.0);
	/* Duplicate keys: the last wins; keys compare after unescaping. */
	assert_true(json_number(doc, json_get(doc, 0, "dup"), &d));
	assert_true(d == 2);
	assert_true(json_number(doc, json_get(doc, 0, "ex"), &d));
	assert_true(d == 3);
	assert_int_equal(json_count(doc, 0), 4);
	assert_int_equal(json_get(doc, 0, "missing"), -1);
	assert_int_equal(json_get(doc, data, "id"), -1);
	assert_false(json_number(doc, data, &d));
	assert_null(json_string(doc, data));
	json_free(doc);
	json_free(NULL);
}

static void test_iteration_is_sibling_order(void **state)
{
	struct json_doc *doc = parse("[{\"a\":[1,[2]]},3,{\"b\":{}},[]]");
	int expect_types[] = { JSON_OBJECT, JSON_NUMBER, JSON_OBJECT, JSON_ARRAY };
	int i = 0;

	(void)state;
	for (int n = json_first(doc, 0); n >= 0; n = json_next(doc, n))
		assert_int_equal(json_type(doc, n), expect_types[i++]);
	assert_int_equal(i, 4);
	assert_int_equal(json_size(doc, 0), 4);
	json_free(doc);
}

static void test_token_and_big_objects(void **state)
{
	struct json_doc *doc = parse("[\"a\\u0062\",-1.5e3,null,{}]");
	const char *text;
	size_t len, n = 3000, at = 0;
	bool plain;
	char *big = malloc(n * 16 + 4);
	struct kp_err err = { KP_OK, "" };

	(void)state;
	assert_int_equal(json_token(doc, 1, &text, &len, &plain), JSON_STRING);
	assert_false(plain); /* an escape: json_decode it */
	assert_int_equal(len, 7);
	assert_int_equal(json_token(doc, 2, &text, &len, &plain), JSON_NUMBER);
	assert_true(json_parse_number(text, len) == -1500);
	assert_int_equal(json_token(doc, 3, &text, &len, &plain), JSON_NULL);
	assert_int_equal(json_token(doc, 99, &text, &len, &plain), JSON_NONE);
	json_free(doc);
	/* 3000 keys, each written twice: 1500 distinct, counted in n log n. */
	big[at++] = '{';
	for (size_t i = 0; i < n; i++)
		at += (size_t)sprintf(big + at, "%s\"k%zu\":%zu", i ? "," : "", i % 1500, i);
	big[at++] = '}';
	assert_int_equal(json_parse(big, at, &doc, &err), 0);
	assert_int_equal(json_count(doc, 0), 1500);
	assert_int_equal(json_size(doc, 0), 3000);
	json_free(doc);
	free(big);
}

static void test_limits(void **state)
{
	size_t depth = JSON_MAX_DEPTH + 1;
	char *deep = malloc(depth * 2 + 1);
	struct json_doc *doc = NULL;
	struct kp_err err = { KP_OK, "" };

	(void)state;
	memset(deep, '[', depth);
	memset(deep + depth, ']', depth);
	deep[depth * 2] = '\0';
	assert_int_equal(json_parse(deep, depth * 2, &doc, &err), -1);
	assert_int_equal(err.status, KP_ELIMIT);
	/* One level less is fine. */
	assert_int_equal(json_parse(deep + 1, depth * 2 - 2, &doc, &err), 0);
	json_free(doc);
	free(deep);
}

/* `levels` openings of `open`, then as many of `close` (NULL: none). */
static char *nest(const char *open, const char *mid, const char *close, size_t levels,
		  size_t *len)
{
	size_t lo = strlen(open), lc = close ? strlen(close) : 0, lm = strlen(mid);
	char *s = malloc(levels * (lo + lc) + lm + 1), *p = s;

	assert_non_null(s);
	for (size_t i = 0; i < levels; i++, p += lo)
		memcpy(p, open, lo);
	memcpy(p, mid, lm);
	p += lm;
	for (size_t i = 0; i < levels && close; i++, p += lc)
		memcpy(p, close, lc);
	*p = '\0';
	*len = (size_t)(p - s);
	return s;
}

/*
 * Nesting far past the limit is refused as too deep, and found before any
 * work that grows with the depth: in a child limited to 10 s of CPU (the
 * old tokenizer took 24 s for 100,000 levels and hours for 1,000,000).
 */
static void test_deep_nesting_is_refused_early(void **state)
{
	static const struct {
		const char *open, *mid, *close;
	} shapes[] = {
		{ "[", "", "]" },
		{ "{\"a\":", "1", "}" },
		{ "[{\"a\":", "1", "}]" },
		{ "[", "", NULL }, /* never closed */
	};
	static const size_t levels[] = { 100000, 1000000 };

	(void)state;
	for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
		for (size_t l = 0; l < sizeof(levels) / sizeof(levels[0]); l++) {
			size_t len;
			char *text = nest(shapes[s].open, shapes[s].mid, shapes[s].close,
					  levels[l], &len);
			int status;
			pid_t pid = fork();

			assert_true(pid >= 0);
			if (pid == 0) {
				struct rlimit cpu = { 10, 10 };
				struct json_doc *doc = NULL;
				struct kp_err err = { KP_OK, "" };

				setrlimit(RLIMIT_CPU, &cpu);
				_exit(json_parse(text, len, &doc, &err) == -1 &&
				      err.status == KP_ELIMIT &&
				      strcmp(err.msg, "JSON nested deeper than 512 levels") == 0 ? 0 : 1);
			}
			assert_int_equal(waitpid(pid, &status, 0), pid);
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
				fail_msg("shape %zu, %zu levels: %s", s, levels[l],
					 WIFSIGNALED(status) ? "killed (CPU limit)" : "wrong error");
			free(text);
		}
	}
}

/* Depth of the deepest path from node, walking members and keys' values. */
static int depth_of(const struct json_doc *doc, int node)
{
	int best = 0, d;
	bool object = json_type(doc, node) == JSON_OBJECT;

	if (!object && json_type(doc, node) != JSON_ARRAY)
		return 0;
	for (int m = json_first(doc, node); m >= 0; m = json_next(doc, m))
		if ((d = depth_of(doc, object ? m + 1 : m)) > best)
			best = d;
	return best + 1;
}

/* Many chains at the limit, side by side: all there, each 512 deep. */
static void test_chains_at_the_limit(void **state)
{
	static const char *const parts[][3] = {
		{ "[", "", "]" }, { "{\"a\":", "1", "}" }, { "[{\"a\":", "\"x\"", "}]" },
	};
	size_t chains = 300;

	(void)state;
	for (size_t s = 0; s < sizeof(parts) / sizeof(parts[0]); s++) {
		size_t per = strcmp(parts[s][0], "[{\"a\":") == 0 ? 255 : 511, len, at = 1;
		char *one = nest(parts[s][0], parts[s][1], parts[s][2], per, &len);
		char *text = malloc(chains * (len + 1) + 2);
		struct json_doc *doc = NULL;
		struct kp_err err = { KP_OK, "" };
		size_t n = 0;

		text[0] = '[';
		for (size_t c = 0; c < chains; c++) {
			if (c > 0)
				text[at++] = ',';
			memcpy(text + at, one, len);
			at += len;
		}
		text[at++] = ']';
		if (json_parse(text, at, &doc, &err) != 0)
			fail_msg("shape %zu: %s", s, err.msg);
		for (int m = json_first(doc, 0); m >= 0; m = json_next(doc, m), n++)
			assert_int_equal(depth_of(doc, m), (int)(s == 2 ? per * 2 : per));
		assert_int_equal(n, chains);
		assert_int_equal(json_size(doc, 0), chains);
		json_free(doc);
		/* One level more is refused. */
		free(text);
		free(one);
		one = nest(parts[s][0], parts[s][1], parts[s][2], per + 1, &len);
		text = malloc(len + 3);
		snprintf(text, len + 3, "[%s]", one);
		assert_int_equal(json_parse(text, len + 2, &doc, &err), -1);
		assert_int_equal(err.status, KP_ELIMIT);
		free(one);
		free(text);
	}
}

static void test_numbers_like_json_parse(void **state)
{
	static const struct {
		const char *text;
		double value;
	} cases[] = {
		{ "0", 0 }, { "-0", -0.0 }, { "1e2", 100 }, { "0.1", 0.1 },
		{ "123456789012345", 123456789012345.0 },
		{ "9007199254740993", 9007199254740992.0 },
		{ "1.7976931348623157e308", 1.7976931348623157e308 },
		{ "5e-324", 5e-324 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_true(json_parse_number(cases[i].text, strlen(cases[i].text)) ==
			    cases[i].value);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_malformed_offsets),
		cmocka_unit_test(test_valid_documents),
		cmocka_unit_test(test_access),
		cmocka_unit_test(test_iteration_is_sibling_order),
		cmocka_unit_test(test_token_and_big_objects),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_deep_nesting_is_refused_early),
		cmocka_unit_test(test_chains_at_the_limit),
		cmocka_unit_test(test_numbers_like_json_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
