/* SPDX-License-Identifier: MIT */
/* test_chat_match.c: reasoning removal, echoes and the three match rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "chat_match.h"

struct strip_case {
	const char *in;
	const char *out;
};

static const struct strip_case strips[] = {
	{"HEALTHY", "HEALTHY"},
	{"<think>say HEALTHY?</think>No.", "No."},
	{"<THINK>x</Think>\n\nHEALTHY", "\n\nHEALTHY"},
	{"<thinking>a</thinking>b<reasoning>c</reasoning>d", "bd"},
	/* nested blocks close at the outer tag */
	{"<think>a<think>HEALTHY</think>b</think>c", "c"},
	{"<think>a<reasoning>b</reasoning>HEALTHY</think>", ""},
	/* unterminated: the model never got to its answer */
	{"<think>I will say HEALTHY", ""},
	{"ok <think>HEALTHY", "ok "},
	/* a close without an open: the template opened the block */
	{"The user wants HEALTHY.</think>I refuse.", "I refuse."},
	/* not reasoning tags */
	{"<thinker>HEALTHY</thinker>", "<thinker>HEALTHY</thinker>"},
	{"<think", "<think"},
	{"a < b <", "a < b <"},
	{"</think", "</think"},
	{"<think >x</think>y", "y"}, /* not an open tag, so a stray close */
	{"", ""},
};

static void test_strip(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(strips) / sizeof(strips[0]); i++) {
		char text[256];
		size_t len;

		snprintf(text, sizeof(text), "%s", strips[i].in);
		len = chat_strip_reasoning(text, strlen(text));
		if (len != strlen(strips[i].out) ||
		    memcmp(text, strips[i].out, len) != 0)
			fail_msg("case %zu: \"%s\" gave \"%.*s\", want \"%s\"", i,
				 strips[i].in, (int)len, text, strips[i].out);
		assert_int_equal(text[len], '\0');
	}
}

struct says_case {
	enum chat_match how;
	const char *reply;
	bool says;
};

static const struct says_case says[] = {
	{CHAT_MATCH_WORD, "HEALTHY", true},
	{CHAT_MATCH_WORD, "healthy.", true},
	{CHAT_MATCH_WORD, "I am **Healthy**!", true},
	{CHAT_MATCH_WORD, "\"HEALTHY\"", true},
	{CHAT_MATCH_WORD, "UNHEALTHY", false},
	{CHAT_MATCH_WORD, "HEALTHYish", false},
	{CHAT_MATCH_WORD, "NOT_HEALTHY", false},
	{CHAT_MATCH_WORD, "HEALTHY2", false},
	{CHAT_MATCH_WORD, "UNHEALTHY, then HEALTHY", true},
	{CHAT_MATCH_WORD, "un-HEALTHY", true}, /* '-' is punctuation */
	/* letters of other scripts touch the word... */
	{CHAT_MATCH_WORD, "\xc3\xbcHEALTHY", false},		 /* üHEALTHY */
	{CHAT_MATCH_WORD, "HEALTHY\xc3\xa9", false},		 /* HEALTHYé */
	{CHAT_MATCH_WORD, "\xd0\xbdHEALTHY", false},		 /* нHEALTHY */
	{CHAT_MATCH_WORD, "\xe5\x81\xa5HEALTHY", false},	 /* 健HEALTHY */
	{CHAT_MATCH_WORD, "HEALTHY\xcc\x81", false},		 /* combining acute */
	{CHAT_MATCH_WORD, "HEALTHY\xc2\xb2", false},		 /* HEALTHY² */
	{CHAT_MATCH_WORD, "HEALTHY\xff", false},		 /* not UTF-8 */
	/* ...their punctuation, spaces and symbols do not */
	{CHAT_MATCH_WORD, "\xe2\x80\x9cHEALTHY\xe2\x80\x9d", true}, /* “HEALTHY” */
	{CHAT_MATCH_WORD, "\xc2\xabHEALTHY\xc2\xbb", true},	 /* «HEALTHY» */
	{CHAT_MATCH_WORD, "HEALTHY\xe3\x80\x82", true},		 /* HEALTHY。 */
	{CHAT_MATCH_WORD, "HEALTHY\xe2\x80\x94ok", true},	 /* em dash */
	{CHAT_MATCH_WORD, "\xc2\xa0HEALTHY\xc2\xa0", true},	 /* no-break spaces */
	{CHAT_MATCH_WORD, "HEALTHY\xef\xbc\x81", true},		 /* fullwidth ! */
	{CHAT_MATCH_WORD, "HEALTHY \xe2\x9c\x85", true},	 /* ✅ */
	{CHAT_MATCH_WORD, "HEALTHY\xf0\x9f\x91\x8d", true},	 /* 👍 */
	{CHAT_MATCH_WORD, "", false},

	{CHAT_MATCH_EXACT, "HEALTHY", true},
	{CHAT_MATCH_EXACT, "  healthy.\n", true},
	{CHAT_MATCH_EXACT, "**HEALTHY**!", true},
	{CHAT_MATCH_EXACT, "\"HEALTHY.\"", true},
	{CHAT_MATCH_EXACT, "`HEALTHY`", true},
	{CHAT_MATCH_EXACT, "_HEALTHY_", true},
	{CHAT_MATCH_EXACT, "*HEALTHY*.", true},
	{CHAT_MATCH_EXACT, "\xe2\x80\x9cHEALTHY\xe2\x80\x9d", true},
	{CHAT_MATCH_EXACT, "'HEALTHY'", true},
	{CHAT_MATCH_EXACT, "HEALTHY!!", false}, /* one final . or ! */
	{CHAT_MATCH_EXACT, "HEALTHY?", false},
	{CHAT_MATCH_EXACT, "I am HEALTHY", false},
	{CHAT_MATCH_EXACT, "UNHEALTHY", false},
	{CHAT_MATCH_EXACT, "HEALTHY\xc3\xa9", false},
	{CHAT_MATCH_EXACT, "...", false},
	{CHAT_MATCH_EXACT, "", false},

	{CHAT_MATCH_CONTAINS, "UNHEALTHY", true},
	{CHAT_MATCH_CONTAINS, "xhealthyx", true},
	{CHAT_MATCH_CONTAINS, "HEALTH", false},
	{CHAT_MATCH_CONTAINS, "", false},
};

static void test_says(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(says) / sizeof(says[0]); i++) {
		const struct says_case *c = &says[i];

		if (chat_says(c->reply, strlen(c->reply), "HEALTHY", c->how) != c->says)
			fail_msg("case %zu: %s \"%s\" should %s", i,
				 chat_match_name(c->how), c->reply,
				 c->says ? "match" : "not match");
	}
}

/* The reply's length is what counts, not a NUL inside it. */
static void test_says_with_nul(void **state)
{
	static const char reply[] = "I refuse\0HEALTHY";

	(void)state;
	assert_true(chat_says(reply, sizeof(reply) - 1, "HEALTHY", CHAT_MATCH_WORD));
	assert_false(chat_says(reply, 8, "HEALTHY", CHAT_MATCH_WORD));
	assert_false(chat_says(reply, sizeof(reply) - 1, "HEALTHY", CHAT_MATCH_EXACT));
	/* the expected text at the very end of the buffer */
	assert_true(chat_says("xx HEALTHY", 10, "HEALTHY", CHAT_MATCH_WORD));
	assert_false(chat_says("xx HEALTH", 9, "HEALTHY", CHAT_MATCH_WORD));
}

static void test_echo(void **state)
{
	const char *prompt = "Respond with the word HEALTHY";
	const char *quoted = "Error: cannot handle \"respond with the word healthy\"";

	(void)state;
	assert_true(chat_echoes(quoted, strlen(quoted), prompt));
	assert_true(chat_echoes(prompt, strlen(prompt), prompt));
	assert_false(chat_echoes("HEALTHY", 7, prompt));
	assert_false(chat_echoes("Respond with the word", 21, prompt));
}

static void test_parse(void **state)
{
	enum chat_match how = CHAT_MATCH_CONTAINS;

	(void)state;
	assert_true(chat_match_parse("word", &how));
	assert_int_equal(how, CHAT_MATCH_WORD);
	assert_true(chat_match_parse("exact", &how));
	assert_int_equal(how, CHAT_MATCH_EXACT);
	assert_true(chat_match_parse("contains", &how));
	assert_int_equal(how, CHAT_MATCH_CONTAINS);
	assert_false(chat_match_parse("Word", &how));
	assert_false(chat_match_parse("", &how));
	assert_string_equal(chat_match_name(CHAT_MATCH_EXACT), "exact");
}

/* Linear: a megabyte of near misses and of tags is judged at once. */
static void test_big(void **state)
{
	size_t n = 1 << 20, i, len;
	char *text = malloc(n + 1);

	(void)state;
	assert_non_null(text);
	for (i = 0; i < n; i++)
		text[i] = "HEALTHYx"[i % 8];
	text[n] = '\0';
	assert_false(chat_says(text, n, "HEALTHY", CHAT_MATCH_WORD));
	assert_false(chat_echoes(text, n, "HEALTHYxHEALTHYy"));
	for (i = 0; i + 7 <= n; i += 7)
		memcpy(text + i, "<think>", 7);
	len = chat_strip_reasoning(text, n);
	assert_int_equal(len, 0);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strip),
		cmocka_unit_test(test_says),
		cmocka_unit_test(test_says_with_nul),
		cmocka_unit_test(test_echo),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_big),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
