/* SPDX-License-Identifier: MIT */
/*
 * test_jsonata_parse.c: compile-time outcomes: jsonata's syntax error codes
 * (checked against jsonata 2.1.1), K0001 with the construct and its
 * column for everything outside the subset, and what compiles.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "jsonata.h"

static const struct {
	const char *expr, *code;
} SYNTAX[] = {
	{ "data[0)", "S0202" },
	{ "$count(data[*]", "S0203" },
	{ "(a", "S0203" },
	{ "a >", "S0207" },
	{ "-", "S0207" },
	{ "\"a\" +", "S0207" },     /* S0207 from the post-parse pass beats K0001 */
	{ "a == 1", "S0211" },
	{ "a && b", "S0211" },
	{ "$count(data[*]) > 0 && true", "S0211" },
	{ "a[id = ]", "S0211" },
	{ "a.0", "S0213" },
	{ "true.b", "S0213" },
	{ "a.null", "S0213" },
	{ "!a", "S0204" },
	{ "a ~ b", "S0204" },
	{ "$count(data[*]) 0", "S0201" },
	{ "a)", "S0201" },
	{ "\"unterminated", "S0101" },
	{ "a = \"\\q\"", "S0103" },
	{ "a == \"\\q\"", "S0103" }, /* one token of lookahead: the lexer error wins */
	{ "1e999", "S0102" },
	{ "`a", "S0105" },
	{ "a /* no end", "S0106" },
	{ "/", "S0302" },
	{ "function(a){1}", "S0208" },
	{ "a := 1", "S0212" },
};

static const struct {
	const char *expr;
	const char *words; /* the message must contain this */
	int column;
} OUTSIDE[] = {
	{ "a{\"x\": **}", "descendant", 8 }, /* a group is checked too */
	{ "{\"a\": b^(c)}", "order-by", 8 },
	{ "a^(b)", "order-by", 2 },
	{ "a[]", "keep-array", 2 },
	{ "**", "descendant", 1 },
	{ "$formatNumber(1, '#')", "function $formatNumber", 1 },
	{ "$base64encode(\"a\")", "function $base64encode", 1 },
	{ "$count($eval)", "function $eval", 8 },
	{ "$string(data, true)", "$string with a second argument", 1 },
	{ "$match(s, /a(?=b)/)", "lookaround at column 2 of the pattern", 11 },
	{ "$match(s, /(a)\\1/)", "backreference at column 4 of the pattern", 11 },
	{ "$match(s, /a+?/)", "lazy quantifier at column 2 of the pattern", 11 },
	{ "$contains(s, /a\\b/)", "word boundary at column 2 of the pattern", 14 },
	{ "$f(?, 1)", "partial application", 4 },
	{ "function($x)<n:n>{1}", "function signature", 13 },
	{ "a.%", "parent", 3 },
	{ "x + (y", "", 0 },         /* but a syntax error still wins */
};

static const char *const VALID[] = {
	"$count(data[*])>0",
	"$count(data[owned_by='ollama'])>0",
	"$exists(data[id='gpt-4o'])",
	"$count(data[id in ['gpt-4o', 'gpt-4o-mini']]) = 2",
	"-data[0].created",
	"$$.data[-1].owned_by",
	"(data.tags)[0].name",
	"data[0].in and or",
	"\"data\".id",
	"count(x)",           /* T1005 at run time, not at compile time */
	"$nosuch(x)",         /* T1006 at run time */
	"$string()",
	"data[$contains(id, 'llama')][0].`owned_by`",
	"$not(data[0].x = 1 or $boolean(*))",
	"[[1], 2][0]",
	"$sum(data.created) >= 0",
	"$number(\"0x1F\") < $length(\"abc\")",
	"a + 1", "data[0].created * 2", "a & b", "a ? b : c", "a ?? b", "a ?: b",
	"[1..3]", "/ab/", "/^a$/m", "{\"a\": 1}", "a{\"x\": 1}", "a.{\"x\": b}", "a /* c */", "(a; b)", "()", "$x", "$count",
	"$count($count)", "$max(data)", "a.(b)", "a.$", "[1,2].a", "data.x(1)",
	"$$(1)", "function($x){1}", "$a := 1", "a ~> $count()",
	"$match(s, /^(\\d+)\\.(\\d+)$/i)", "$split(s, /[,;] */)",
};

static void test_syntax_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(SYNTAX) / sizeof(SYNTAX[0]); i++) {
		struct jsonata_err err = { "", 0, "" };
		struct jsonata_prog *prog = jsonata_compile(SYNTAX[i].expr, &err);

		if (prog != NULL || strcmp(err.code, SYNTAX[i].code) != 0)
			fail_msg("%s: got %s %s, want %s", SYNTAX[i].expr,
				 prog ? "a program" : err.code, err.msg, SYNTAX[i].code);
		assert_true(strlen(err.msg) > 0);
	}
}

static void test_outside_subset(void **state)
{
	char column[32];

	(void)state;
	for (size_t i = 0; i < sizeof(OUTSIDE) / sizeof(OUTSIDE[0]); i++) {
		struct jsonata_err err = { "", 0, "" };
		struct jsonata_prog *prog = jsonata_compile(OUTSIDE[i].expr, &err);

		assert_null(prog);
		if (OUTSIDE[i].column == 0) {
			assert_string_equal(err.code, "S0203");
			continue;
		}
		snprintf(column, sizeof(column), "column %d", OUTSIDE[i].column);
		if (strcmp(err.code, "K0001") != 0 ||
		    strstr(err.msg, OUTSIDE[i].words) == NULL ||
		    strstr(err.msg, column) == NULL)
			fail_msg("%s: got %s %s; want K0001 naming %s at %s",
				 OUTSIDE[i].expr, err.code, err.msg, OUTSIDE[i].words, column);
	}
}

static void test_valid(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(VALID) / sizeof(VALID[0]); i++) {
		struct jsonata_err err = { "", 0, "" };
		struct jsonata_prog *prog = jsonata_compile(VALID[i], &err);

		if (prog == NULL)
			fail_msg("%s: %s %s", VALID[i], err.code, err.msg);
		assert_string_equal(jsonata_source(prog), VALID[i]);
		jsonata_free(prog);
	}
	jsonata_free(NULL);
}

static void test_nesting_is_bounded(void **state)
{
	char expr[2001];
	struct jsonata_err err = { "", 0, "" };

	(void)state;
	memset(expr, '(', 1000);
	expr[1000] = 'a';
	memset(expr + 1001, ')', 1000);
	expr[2000] = '\0';
	assert_null(jsonata_compile(expr, &err));
	assert_string_equal(err.code, "K0002");
	/* Left-deep chains are built in a loop but must be bounded too. */
	for (int i = 0; i < 1000; i++)
		memcpy(expr + 2 * i, "a=", 2);
	expr[2000] = '\0';
	expr[1999] = 'a';
	assert_null(jsonata_compile(expr, &err));
	assert_string_equal(err.code, "K0002");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_outside_subset),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_nesting_is_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
