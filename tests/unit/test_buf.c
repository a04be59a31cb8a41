/* SPDX-License-Identifier: MIT */
/* test_buf.c: the bounded buffer and the string helpers everything relies on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "util.h"

static void test_cap(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 10);
	assert_string_equal(buf_str(&b), "");
	assert_int_equal(buf_append_str(&b, "12345"), KP_OK);
	assert_int_equal(buf_append_str(&b, "67890"), KP_OK);
	/* Reaching the cap fails and keeps what was there. */
	assert_int_equal(buf_append_str(&b, "x"), KP_ELIMIT);
	assert_string_equal(buf_str(&b), "1234567890");
	assert_int_equal(b.len, 10);
	buf_reset(&b);
	assert_int_equal(buf_printf(&b, "%d-%s", 42, "ab"), KP_OK);
	assert_string_equal(buf_str(&b), "42-ab");
	assert_int_equal(buf_printf(&b, "%s", "too long now"), KP_ELIMIT);
	assert_string_equal(buf_str(&b), "42-ab");
	buf_free(&b);
	buf_free(&b);
}

/* A size known in advance: one allocation, appends up to it never move the data. */
static void test_reserve(void **state)
{
	struct buf b;
	const char *at;
	char chunk[1000];

	(void)state;
	memset(chunk, 'x', sizeof(chunk));
	buf_init(&b, 100000);
	assert_int_equal(buf_reserve(&b, 100001), KP_ELIMIT);
	assert_int_equal(buf_reserve(&b, 100000), KP_OK);
	at = buf_str(&b);
	for (int i = 0; i < 100; i++)
		assert_int_equal(buf_append(&b, chunk, sizeof(chunk)), KP_OK);
	assert_ptr_equal(buf_str(&b), at);
	assert_int_equal(b.len, 100000);
	/* The cap holds as before. */
	assert_int_equal(buf_append(&b, "y", 1), KP_ELIMIT);
	assert_int_equal(b.len, 100000);
	buf_free(&b);
}

static void test_sanitize(void **state)
{
	char out[16];
	/* "é" is two bytes: a cut never splits it. */
	const char *accents = "ééééééééé";

	(void)state;
	kp_sanitize_into(out, sizeof(out), "  a\r\n\tb\x7f c  ", 13);
	assert_string_equal(out, "a b c");
	kp_sanitize_into(out, sizeof(out), accents, strlen(accents));
	assert_int_equal(strlen(out), 14);
	kp_sanitize_into(out, 8, accents, strlen(accents));
	assert_string_equal(out, "ééé");
}

static void test_parse_numbers(void **state)
{
	long l;
	double d;

	(void)state;
	assert_true(kp_parse_long("42", &l));
	assert_int_equal(l, 42);
	assert_false(kp_parse_long("42x", &l));
	assert_false(kp_parse_long(" 42", &l));
	assert_false(kp_parse_long("", &l));
	assert_false(kp_parse_long("99999999999999999999999", &l));
	assert_true(kp_parse_double("2.5", &d));
	assert_false(kp_parse_double("inf", &d));
	assert_false(kp_parse_double("1e999", &d));
	assert_non_null(kp_strcasestr("Reply: healthy.", "HEALTHY"));
	assert_null(kp_strcasestr("HEALTH", "HEALTHY"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_reserve),
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test(test_parse_numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
