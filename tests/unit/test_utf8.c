/* SPDX-License-Identifier: MIT */
/* test_utf8.c: the UTF-8 codec and the sanitiser built on it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util.h"

struct clean_case {
	const char *in;
	size_t dst_size;
	const char *want;
};

static const struct clean_case clean_cases[] = {
	/* Latin-1 "café" (0xE9) and a lone continuation byte. */
	{ "caf\xE9 ok", 64, "caf\xEF\xBF\xBD ok" },
	{ "a\x80" "b", 64, "a\xEF\xBF\xBD" "b" },
	/* Overlong "/", a surrogate, above U+10FFFF: one U+FFFD per subpart. */
	{ "\xC0\xAF", 64, "\xEF\xBF\xBD\xEF\xBF\xBD" },
	{ "\xED\xA0\x80", 64, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" },
	{ "\xF4\x90\x80\x80", 64, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" },
	/* Truncated sequence at the end of the input. */
	{ "ab\xE6\xA8", 64, "ab\xEF\xBF\xBD" },
	/* Valid multibyte text passes; control characters collapse. */
	{ "\xE6\xA8\xA1\xE5\x9E\x8B\r\n\tx", 64, "\xE6\xA8\xA1\xE5\x9E\x8B x" },
	/* The cut never splits a character: 4 bytes of room, "é" needs 2. */
	{ "ab\xC3\xA9", 4, "ab" },
	{ "ab\xC3\xA9", 5, "ab\xC3\xA9" },
	/* Nor a replacement character. */
	{ "ab\xFF", 5, "ab" },
};

static void test_sanitize_repairs(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(clean_cases) / sizeof(clean_cases[0]); i++) {
		char out[64];

		kp_sanitize_into(out, clean_cases[i].dst_size, clean_cases[i].in,
				 strlen(clean_cases[i].in));
		assert_string_equal(out, clean_cases[i].want);
		assert_true(kp_utf8_valid(out, strlen(out)));
	}
}

static void test_cut_and_count(void **state)
{
	char s[] = "a\xC3\xA9\xE6\xA8\xA1\xF0\x9F\x98\x80z";

	(void)state;
	assert_int_equal(kp_utf8_count(s, strlen(s)), 5);
	assert_false(kp_utf8_cut(s, 5));
	assert_true(kp_utf8_cut(s, 4));
	assert_string_equal(s, "a\xC3\xA9\xE6\xA8\xA1\xF0\x9F\x98\x80");
	assert_true(kp_utf8_cut(s, 2));
	assert_string_equal(s, "a\xC3\xA9");
}

static void test_put_round_trip(void **state)
{
	static const unsigned cps[] = { 0x41, 0xE9, 0x6A21, 0x1F600, 0x10FFFF };
	size_t i, skip;
	char out[4];

	(void)state;
	for (i = 0; i < sizeof(cps) / sizeof(cps[0]); i++) {
		size_t n = kp_utf8_put(out, cps[i]);

		assert_int_equal(kp_utf8_seq(out, n, &skip), n);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanitize_repairs),
		cmocka_unit_test(test_cut_and_count),
		cmocka_unit_test(test_put_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
