/* SPDX-License-Identifier: MIT */
/*
 * test_jsonata_eval.c: jsonata 2.1.1's answers on its odd corners (the
 * subset's tables, each checked against the real jsonata with
 * tests/conformance/reference.js), JavaScript number text, and Kuma's comparison.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "jsonata.h"
#include "jsonata_case.h"

static const struct jsonata_case CASES[] = {
	/* Sequences, singletons and flattening. */
	{ "{\"a\":[{\"b\":1},{\"b\":2}]}", "a.b", "[1,2]" },
	{ "{\"a\":[{\"b\":1},{\"c\":2}]}", "a.b", "1" },
	{ "{\"a\":[{\"b\":[1]}]}", "a.b", "[1]" },
	{ "{\"a\":[{\"b\":[1,2]},{\"b\":[3]}]}", "a.b", "[1,2,3]" },
	{ "{\"a\":[[1,2],[3]]}", "a", "[[1,2],[3]]" },
	{ "{\"a\":[{\"b\":[]}]}", "a.b", "[]" },
	{ "{\"a\":[{\"b\":[]},{\"b\":[]}]}", "a.b", "undefined" },
	{ "{\"a\":[]}", "$exists(a[0])", "false" },
	{ "{\"a\":null}", "$count(a)", "1" },
	{ "{\"a\":{\"b\":1}}", "a[0].b", "1" },
	{ "{\"a\":\"text\"}", "a[-1]", "\"text\"" },
	{ "[{\"b\":[1,2]},{\"b\":[3]}]", "b[0]", "1" },
	{ "[{\"b\":[1,2]},{\"b\":[3]}]", "$.b[0]", "[1,3]" },
	{ "[{\"b\":1},{\"b\":2}]", "$[1].b", "2" },
	{ "{\"x\":{\"y\":1,\"z\":2}}", "$$.x.z", "2" },
	{ "{\"a\":12345678901234567890}", "a = 12345678901234567000", "true" },
	{ "{\"a\":1,\"a\":2}", "a", "2" },
	/* Predicates. */
	{ "{\"m\":[{\"n\":0},{\"n\":5},{\"id\":\"x\"},{\"id\":\"\"},{}]}", "m[*]",
	  "[{\"n\":0},{\"id\":\"x\"}]" },
	{ "{\"m\":[{\"a\":0,\"b\":0}]}", "$count(m[*])", "2" },
	{ "{\"m\":[\"a\",\"b\"]}", "$count(m[*])", "0" },
	/* [name = 'text'] on the tokens: duplicates, arrays, escapes, other types. */
	{ "{\"m\":[{\"id\":\"a\"},{\"id\":\"b\",\"id\":\"a\"},{\"id\":\"a\",\"id\":\"b\"},{\"id\":[\"a\"]},{\"id\":1},{\"id\":null},{\"id\":{\"x\":\"a\"}},{\"id\":\"\\u0061\"},{\"x\":\"a\"},\"a\",{\"id\":\"a\\u00e9\"},{\"id\":\"aé\"},{\"id\":true},{\"\\u0069d\":\"a\"}]}",
	  "m[id='a']", "[{\"id\":\"a\"},{\"id\":\"a\"},{\"id\":\"a\"},{\"id\":\"a\"}]" },
	{ "{\"m\":[{\"id\":\"a\"},{\"id\":\"b\",\"id\":\"a\"},{\"id\":\"a\",\"id\":\"b\"},{\"id\":[\"a\"]},{\"id\":1},{\"id\":null},{\"id\":{\"x\":\"a\"}},{\"id\":\"\\u0061\"},{\"x\":\"a\"},\"a\",{\"id\":\"a\\u00e9\"},{\"id\":\"aé\"},{\"id\":true},{\"\\u0069d\":\"a\"}]}",
	  "$count(m[id='aé'])", "2" },
	{ "{\"m\":[{\"id\":\"a\"},{\"id\":\"b\",\"id\":\"a\"},{\"id\":\"a\",\"id\":\"b\"},{\"id\":[\"a\"]},{\"id\":1},{\"id\":null},{\"id\":{\"x\":\"a\"}},{\"id\":\"\\u0061\"},{\"x\":\"a\"},\"a\",{\"id\":\"a\\u00e9\"},{\"id\":\"aé\"},{\"id\":true},{\"\\u0069d\":\"a\"}]}",
	  "m[x='a']", "{\"x\":\"a\"}" },
	/* [*] without the member list: duplicates, escaped keys, index results, D1001. */
	{ "{\"m\":[{\"a\":0,\"a\":1},{\"a\":\"x\",\"a\":0},{\"b\":\"x\",\"b\":1,\"c\":0},{\"\\u0061\":1,\"a\":0},{\"s\":\"a\",\"t\":1e400,\"t\":2}]}",
	  "m[*]", "{\"s\":\"a\",\"t\":2}" },
	{ "{\"m\":[{\"a\":\"\",\"b\":0},{\"n\":[0,\"a\"]},{\"n\":[0,[0,[1]]]},{\"z\":{}},{\"x\":null,\"y\":false},{\"a\":\"y\",\"a\":\"\"}]}",
	  "m[*]", "{\"n\":[0,\"a\"]}" },
	{ "{\"m\":[{\"a\":\"x\",\"b\":[1e400]}]}",
	  "m[*]", "ERROR D1001" },
	{ "{\"m\":[{\"a\":\"x\",\"b\":1e400,\"b\":0},{\"a\":\"\",\"a\":\"y\"}]}",
	  "$count(m[*])", "2" },
	{ "{\"m\":[{\"a\":1,\"b\":\"x\",\"b\":0},{\"k\":1,\"\\u006b\":\"x\"}]}",
	  "m[*]", "[{\"a\":1,\"b\":0},{\"k\":\"x\"}]" },
	{ "{\"m\":[{\"a\":\"x\",\"b\":[0]},{\"a\":\"\",\"b\":[[1]]}]}",
	  "m[*]", "[{\"a\":\"x\",\"b\":[0]},{\"a\":\"\",\"b\":[[1]]}]" },
	{ "{\"m\":[{\"k\":1},{\"k\":2}]}", "m[k]", "undefined" },
	{ "{\"m\":[{\"t\":[1,2]},{\"t\":[3]}]}", "m.t[0]", "[1,3]" },
	{ "{\"m\":[{\"t\":[1,2]},{\"t\":[3]}]}", "(m.t)[0]", "1" },
	{ "{\"m\":[10,20,30]}", "m[-0.5]", "30" },
	{ "{\"m\":[10,20,30]}", "m[[2,0]]", "[10,30]" },
	{ "{\"o\":{\"a\":[],\"b\":[5]}}", "o.*", "[5]" },
	{ "{\"o\":{\"a\":[]}}", "$exists(o.*)", "true" },
	{ "{\"o\":{\"2\":\"b\",\"x\":\"c\",\"1\":\"a\"}}", "o.*", "[\"a\",\"b\",\"c\"]" },
	/* Operators. */
	{ "{}", "x != 1", "false" },
	{ "{}", "x > 1", "undefined" },
	{ "{}", "x > true", "ERROR T2010" },
	{ "{\"s\":\"10\",\"n\":9}", "s < n", "ERROR T2009" },
	{ "{\"s\":\"10\",\"n\":9}", "s < \"9\"", "true" },
	{ "{\"a\":[1,2]}", "a = [1,2]", "true" },
	{ "{\"m\":[{\"k\":\"a\"},{\"k\":[\"a\"]}]}", "m[k in [\"a\"]]", "{\"k\":\"a\"}" },
	{ "{\"m\":[{\"k\":3},{\"k\":\"3\"},{}]}", "m[k > 2]", "ERROR T2009" },
	{ "{}", "false and $nosuch()", "false" },
	{ "{\"u\":\"\\uff5e\",\"e\":\"\\ud83d\\ude00\"}", "u > e", "true" },
	{ "{\"n\":\"7\"}", "-n", "ERROR D1002" },
	{ "{\"d\":[{\"x\":1}]}", "d[0] in d", "true" },
	/* Functions. */
	{ "{\"a\":[0,\"\"]}", "$boolean(a)", "false" },
	{ "{}", "$not(x)", "undefined" },
	{ "{\"s\":\"\\ud83d\\ude00\\u00e9\"}", "$length(s)", "2" },
	{ "{\"s\":[\"a\",\"b\"]}", "$length(s)", "ERROR T0410" },
	{ "{\"s\":\"abc\"}", "$length()", "ERROR T0411" },
	{ "{\"n\":5}", "$contains(n, \"5\")", "ERROR T0410" },
	{ "{\"o\":{\"a\":0.1,\"b\":[true,null],\"c\":123.456789012345678,\"d\":1e21}}",
	  "$string(o)",
	  "\"{\\\"a\\\":0.1,\\\"b\\\":[true,null],\\\"c\\\":123.456789012346,\\\"d\\\":1e+21}\"" },
	{ "{\"n\":1.5e-7}", "$string(n)", "\"1.5e-7\"" },
	{ "{\"a\":[1,\"2\"]}", "$sum(a)", "ERROR T0412" },
	{ "{\"s\":\"0x1F\"}", "$number(s)", "31" },
	{ "{\"s\":\" 1\"}", "$number(s)", "ERROR D3030" },
	{ "{}", "count(x)", "ERROR T1005" },
	{ "{}", "$nosuch(x)", "ERROR T1006" },
	{ "{}", "$exists(x, 1)", "ERROR T0410" },
	/* A literal step's own predicate runs even on an absent field. */
	{ "{\"10\":{\"b\":true}}", "(`10`)[\"0x1F\"[-$$].*.b]", "ERROR D1002" },
	{ "{\"m\":[{},{}]}", "m.missing[true]", "[null,null]" },
	/* Absent fields named like Object.prototype members: refused, not guessed. */
	{ "{\"a\":{}}", "a.constructor", "ERROR K0001" },
	{ "{\"constructor\":5}", "constructor", "5" },
	/* JavaScript number text and JSON.stringify escapes. */
	{ "[0.1,1e21,1e-7,-0,123456789012345680000,5e-324,0.000001]", "$",
	  "[0.1,1e+21,1e-7,0,123456789012345680000,5e-324,0.000001]" },
	{ "{\"s\":\"\\u0001\\t\\\"\\\\/\\u007f\\ud800\"}", "s",
	  "\"\\u0001\\t\\\"\\\\/\x7f\\ud800\"" },
};

static void test_semantics(void **state)
{
	(void)state;
	jsonata_cases_check(CASES, sizeof(CASES) / sizeof(CASES[0]));
}

struct kuma_case {
	const char *doc, *expr, *expected;
	enum jsonata_op op;
	bool pass;
	const char *msg; /* reason->msg starts with this */
};

static const struct kuma_case KUMA[] = {
	{ "{\"data\":[{}]}", "$count(data[*])>0", "true", JSONATA_OP_EQ, false,
	  "JSON query does not pass (comparing false == true)" },
	{ "{\"data\":[{\"a\":\"x\"}]}", "$count(data[*])>0", "true", JSONATA_OP_EQ, true,
	  "JSON query passes (comparing true == true)" },
	{ "{\"n\":5}", "n", "5.0", JSONATA_OP_EQ, false, "JSON query does not pass" },
	{ "{\"n\":5}", "n", "5.0", JSONATA_OP_GE, true, "JSON query passes" },
	{ "{\"n\":1e21}", "n", "1e+21", JSONATA_OP_EQ, true, "JSON query passes" },
	{ "{\"s\":\"0x10\"}", "s", "15", JSONATA_OP_GT, true, "JSON query passes" },
	{ "{\"s\":\"llama3.1:8b\"}", "s", "llama", JSONATA_OP_CONTAINS, true, "JSON query passes" },
	{ "{\"s\":\"llama3.1:8b\"}", "s", "llama", JSONATA_OP_NE, true, "JSON query passes" },
	{ "{\"b\":true}", "b", "0", JSONATA_OP_GT, false,
	  "Error evaluating JSON query: Unable to cast value to a number: \"true\". "
	  "Response from server was: true" },
	{ "{}", "x", "true", JSONATA_OP_EQ, false,
	  "Error evaluating JSON query: Empty or undefined response. Check query syntax "
	  "and response structure. Response from server was: undefined" },
	{ "{\"x\":null}", "x", "true", JSONATA_OP_EQ, false,
	  "Error evaluating JSON query: Empty or undefined response" },
	{ "{\"a\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14]}", "a", "true", JSONATA_OP_EQ, false,
	  "Error evaluating JSON query: JSON query returned the array [1,2,3,4,5,6,7,8,9,10,11,...], "
	  "but a primitive value is required." },
	{ "{\"o\":{}}", "o", "true", JSONATA_OP_EQ, false,
	  "Error evaluating JSON query: The post-JSON query evaluated response from the "
	  "server is of type object" },
	{ "{\"s\":\"a\"}", "s > 1", "true", JSONATA_OP_EQ, false,
	  "Error evaluating JSON query: The values \"a\" and 1 either side of operator \">\" "
	  "must be of the same data type. Response from server was: {\"s\":\"a\"}" },
};

/* Kuma 2's comparison (kuma1 false) or Kuma 1's (true) on each case. */
static void check_kuma_cases(const struct kuma_case *cases, size_t n, bool kuma1)
{
	for (size_t i = 0; i < n; i++) {
		const struct kuma_case *c = &cases[i];
		struct jsonata_err err = { "", 0, "" };
		struct kp_err reason = { KP_OK, "" };
		struct jsonata_prog *prog = jsonata_compile(c->expr, &err);
		struct json_doc *doc = NULL;
		char value[64];
		bool pass = !c->pass;

		assert_non_null(prog);
		assert_int_equal(json_parse(c->doc, strlen(c->doc), &doc, &reason), 0);
		if (kuma1)
			assert_int_equal(jsonata_kuma1_check(prog, doc, c->expected, &pass,
							     value, sizeof(value), &reason), 0);
		else
			assert_int_equal(jsonata_kuma_check(prog, doc, c->expected, c->op,
							    &pass, value, sizeof(value),
							    &reason), 0);
		if (pass != c->pass || strncmp(reason.msg, c->msg, strlen(c->msg)) != 0)
			fail_msg("%s on %s: pass=%d msg \"%s\"", c->expr, c->doc, pass,
				 reason.msg);
		if (kuma1 && c->pass)
			assert_string_equal(value, c->expected);
		json_free(doc);
		jsonata_free(prog);
	}
}

static void test_kuma_check(void **state)
{
	(void)state;
	check_kuma_cases(KUMA, sizeof(KUMA) / sizeof(KUMA[0]), false);
}

/* The whole value is compared, however long: no fixed-size copy. */
static void test_kuma_long_value(void **state)
{
	static char text[4200];
	struct jsonata_err err = { "", 0, "" };
	struct kp_err reason = { KP_OK, "" };
	struct jsonata_prog *prog = jsonata_compile("s", &err);
	struct json_doc *doc = NULL;
	bool pass = false;

	(void)state;
	memcpy(text, "{\"s\":\"", 6);
	memset(text + 6, 'x', 4000);
	memcpy(text + 4006, "needle\"}", 9);
	assert_int_equal(json_parse(text, strlen(text), &doc, &reason), 0);
	assert_int_equal(jsonata_kuma_check(prog, doc, "needle", JSONATA_OP_CONTAINS,
					    &pass, NULL, 0, &reason), 0);
	assert_true(pass);
	assert_int_equal(jsonata_kuma_check(prog, doc, "xxneedle", JSONATA_OP_EQ,
					    &pass, NULL, 0, &reason), 0);
	assert_false(pass);
	json_free(doc);
	jsonata_free(prog);
}

/* Kuma 1.23: String(result) === expected (cases checked with jsonata-js). */
static const struct kuma_case KUMA1[] = {
	{ "{\"data\":[{\"id\":\"a\"},{\"id\":\"b\"}]}", "data.id", "a,b",
	  JSONATA_OP_EQ, true, "JSON query passes (comparing a,b === a,b)" },
	{ "{\"data\":[{\"id\":\"a\"}]}", "data", "[object Object]",
	  JSONATA_OP_EQ, true, "JSON query passes" },
	{ "{\"a\":[1,[2,3],null,{}]}", "a", "1,2,3,,[object Object]",
	  JSONATA_OP_EQ, true, "JSON query passes" },
	{ "{\"n\":5}", "n", "5.0", JSONATA_OP_EQ, false,
	  "JSON query does not pass (comparing 5 === 5.0)" },
	{ "{\"n\":1e21}", "n", "1e+21", JSONATA_OP_EQ, true, "JSON query passes" },
	{ "{\"data\":[{}]}", "$count(data[*])>0", "true", JSONATA_OP_EQ, false,
	  "JSON query does not pass (comparing false === true)" },
	{ "{\"a\":[]}", "a", "", JSONATA_OP_EQ, true, "JSON query passes" },
	{ "[1,2]", "$", "1,2", JSONATA_OP_EQ, true, "JSON query passes" },
	{ "{}", "x", "true", JSONATA_OP_EQ, false, "JSON query result is undefined" },
	{ "{\"x\":null}", "x", "null", JSONATA_OP_EQ, false, "JSON query result is null" },
	{ "{\"s\":\"a\"}", "s > 1", "true", JSONATA_OP_EQ, false,
	  "Error evaluating JSON query: The values \"a\" and 1 either side" },
};

static void test_kuma1_check(void **state)
{
	(void)state;
	check_kuma_cases(KUMA1, sizeof(KUMA1) / sizeof(KUMA1[0]), true);
}

/* A joined text longer than expected never equals it, however long. */
static void test_kuma1_long_value(void **state)
{
	struct jsonata_err err = { "", 0, "" };
	struct kp_err reason = { KP_OK, "" };
	struct jsonata_prog *prog = jsonata_compile("a", &err);
	struct json_doc *doc = NULL;
	static char text[20000];
	size_t n = 0;
	bool pass = true;

	(void)state;
	n += (size_t)snprintf(text, sizeof(text), "{\"a\":[");
	for (int i = 0; i < 2000; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s\"x\"", i ? "," : "");
	snprintf(text + n, sizeof(text) - n, "]}");
	assert_int_equal(json_parse(text, strlen(text), &doc, &reason), 0);
	assert_int_equal(jsonata_kuma1_check(prog, doc, "x,x", &pass, NULL, 0, &reason), 0);
	assert_false(pass);
	assert_non_null(strstr(reason.msg, "... === x,x)"));
	json_free(doc);
	jsonata_free(prog);
}

static void test_operators_round_trip(void **state)
{
	enum jsonata_op op;

	(void)state;
	for (int i = JSONATA_OP_EQ; i <= JSONATA_OP_CONTAINS; i++) {
		assert_true(jsonata_op_parse(jsonata_op_name((enum jsonata_op)i), &op));
		assert_int_equal(op, i);
	}
	assert_false(jsonata_op_parse("=", &op));
	assert_false(jsonata_op_parse("", &op));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_semantics),
		cmocka_unit_test(test_kuma_check),
		cmocka_unit_test(test_kuma_long_value),
		cmocka_unit_test(test_kuma1_check),
		cmocka_unit_test(test_kuma1_long_value),
		cmocka_unit_test(test_operators_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
