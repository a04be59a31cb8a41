/* SPDX-License-Identifier: MIT */
/* test_redact.c: the one redaction step: secrets out of outgoing text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "redact.h"

struct redact_case {
	const char *in;
	const char *want;
};

static const struct redact_case cases[] = {
	{ "no secret here", "no secret here" },
	{ "Bearer sk-abcdef", "Bearer ***" },
	{ "sk-abcdefsk-abcdef", "***" },             /* adjacent: one mask */
	{ "x abcdXYZW y", "x *** y" },                /* overlapping secrets merge */
	{ "tok-123 and tok-123.", "*** and ***." },
	{ "abc", "abc" },                              /* "abc" is too short to mask */
	{ "", "" },
};

static void test_table(void **state)
{
	struct redactor *r = redactor_new();
	size_t i;

	(void)state;
	assert_non_null(r);
	assert_int_equal(redactor_add(r, "sk-abcdef", 9), 0);
	assert_int_equal(redactor_add(r, "abcdX", 5), 0);
	assert_int_equal(redactor_add(r, "dXYZW", 5), 0);
	assert_int_equal(redactor_add(r, "tok-123", 7), 0);
	assert_int_equal(redactor_add(r, "tok-123", 7), 0); /* held once */
	assert_int_equal(redactor_add(r, "abc", 3), 0);     /* ignored */
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf out;
		char fixed[64];

		buf_init(&out, 1024);
		assert_int_equal(redact_append(r, &out, cases[i].in,
					       strlen(cases[i].in)), KP_OK);
		assert_string_equal(buf_str(&out), cases[i].want);
		buf_free(&out);
		strcpy(fixed, cases[i].in);
		redact_in_place(r, fixed, sizeof(fixed));
		assert_string_equal(fixed, cases[i].want);
	}
	assert_true(redact_found(r, "a tok-123", 9));
	assert_false(redact_found(r, "a tok-12", 8));
	redactor_free(r);
}

static void test_null_and_run(void **state)
{
	struct redactor *r = redactor_new();
	struct buf out;
	char run[4096];

	(void)state;
	buf_init(&out, 64);
	assert_int_equal(redact_append(NULL, &out, "sk-abcdef", 9), KP_OK);
	assert_string_equal(buf_str(&out), "sk-abcdef");
	buf_free(&out);
	/* A secret that overlaps itself: a run of it is one mask. */
	assert_int_equal(redactor_add(r, "aaaa", 4), 0);
	memset(run, 'a', sizeof(run) - 1);
	run[sizeof(run) - 1] = '\0';
	buf_init(&out, 1 << 20);
	assert_int_equal(redact_append(r, &out, run, strlen(run)), KP_OK);
	assert_string_equal(buf_str(&out), "***");
	buf_free(&out);
	redactor_free(r);
	redactor_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_null_and_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
