/* SPDX-License-Identifier: MIT */
/* test_jsonata_lex.c: tokens and lexical errors as jsonata 2.1.1 produces them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "jsonata_int.h"

/* Renders the token stream as "kind:value" words, or "ERR:code@pos". */
static void lex_all(const char *src, char *out, size_t size)
{
	struct arena arena;
	struct jsonata_err err = { "", 0, "" };
	struct lexer lx = { src, strlen(src), 0, &arena, &err, NULL, 0, NULL };
	struct token t;
	size_t n = 0;

	arena_init(&arena, 1 << 20);
	out[0] = '\0';
	for (int guard = 0; guard < 64; guard++) {
		if (lex_next(&lx, true, &t) != 0) {
			snprintf(out + n, size - n, "ERR:%s@%d", err.code, err.position);
			break;
		}
		switch (t.kind) {
		case TK_END:
			n += (size_t)snprintf(out + n, size - n, "END");
			arena_free(&arena);
			return;
		case TK_OP:
			n += (size_t)snprintf(out + n, size - n, "op:%s ", t.id);
			break;
		case TK_VALUE:
			n += (size_t)snprintf(out + n, size - n, "val:%s ", t.id);
			break;
		case TK_NUM:
			n += (size_t)snprintf(out + n, size - n, "num:%.17g ", t.num);
			break;
		case TK_STR:
			n += (size_t)snprintf(out + n, size - n, "str:%s ", t.str);
			break;
		case TK_VAR:
			n += (size_t)snprintf(out + n, size - n, "var:%s ", t.str);
			break;
		default:
			n += (size_t)snprintf(out + n, size - n, "name:%s ", t.str);
			break;
		}
	}
	arena_free(&arena);
}

static const struct {
	const char *src, *tokens;
} CASES[] = {
	{ "$count(data[*])>0",
	  "var:count op:( name:data op:[ op:* op:] op:) op:> num:0 END" },
	{ "data[owned_by='ollama']", "name:data op:[ name:owned_by op:= str:ollama op:] END" },
	{ "a!=b<=c>=d..e", "name:a op:!= name:b op:<= name:c op:>= name:d op:.. name:e END" },
	/* Quotes and "$" do not end a name; operator characters do. */
	{ "a'b$c.d", "name:a'b$c op:. name:d END" },
	{ "模型-中文", "name:模型 op:- name:中文 END" },
	{ "`owned by`.in", "name:owned by op:. op:in END" },
	{ "true false null and or in", "val:true val:false val:null op:and op:or op:in END" },
	/* Numbers: no sign, no leading zero, an incomplete exponent is a name. */
	{ "01", "num:0 num:1 END" },
	{ "1.5e3 2E-2 1e 3.x", "num:1500 num:0.02 num:1 name:e num:3 op:. name:x END" },
	{ "\"a\\\"b\" 'c\\td'", "str:a\"b str:c\td END" },
	{ "\"\\ud83d\\ude00\\u00e9\"", "str:\xf0\x9f\x98\x80\xc3\xa9 END" },
	{ "$ $$ $x", "var: var:$ var:x END" },
	{ " \t\n\r\v", "END" },
	{ "\f", "name:\f END" },
	/* Lexical errors: code and jsonata's position. */
	{ "\"unterminated", "ERR:S0101@13" },
	{ "a = \"\\q\"", "name:a op:= ERR:S0103@6" },
	{ "\"\\u12\"", "ERR:S0104@2" },
	{ "`open", "ERR:S0105@5" },
	{ "1e999", "ERR:S0102@0" },
	{ "a /* c", "name:a ERR:S0106@2" },
};

static void test_tokens(void **state)
{
	char got[512];

	(void)state;
	for (size_t i = 0; i < sizeof(CASES) / sizeof(CASES[0]); i++) {
		lex_all(CASES[i].src, got, sizeof(got));
		if (strcmp(got, CASES[i].tokens) != 0)
			fail_msg("%s\n  got  %s\n  want %s", CASES[i].src, got,
				 CASES[i].tokens);
	}
}

static void test_positions_count_utf16(void **state)
{
	(void)state;
	/* jsonata positions are JavaScript string offsets. */
	assert_int_equal(lex_pos("a😀b", 5), 3);
	assert_int_equal(lex_pos("é=", 2), 1);
	assert_int_equal(lex_column("ab", 1), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_positions_count_utf16),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
