/* SPDX-License-Identifier: MIT */
/* test_strset.c: the string set the config loader finds duplicates with. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "strset.h"

static void test_first_wins(void **state)
{
	struct strset set = { NULL, 0, 0 };
	char same[] = "webui/health"; /* equal text, another pointer */
	size_t prev = 99;

	(void)state;
	assert_int_equal(strset_put(&set, "webui/health", 0, &prev), 1);
	assert_int_equal(prev, 99);
	assert_int_equal(strset_put(&set, "webui/models", 1, &prev), 1);
	assert_int_equal(strset_put(&set, same, 7, &prev), 0);
	assert_int_equal(prev, 0);
	assert_int_equal(strset_put(&set, "", 2, NULL), 1);
	assert_int_equal(strset_put(&set, "", 3, &prev), 0);
	assert_int_equal(prev, 2);
	assert_int_equal(set.n, 3);
	strset_free(&set);
	assert_null(set.slot);
	/* Reusable after free. */
	assert_int_equal(strset_put(&set, "webui/health", 5, NULL), 1);
	strset_free(&set);
}

/* Many keys across growth: every key is found with its own index, and
 * keys that differ in one byte or share a prefix never collide. */
static void test_many(void **state)
{
	enum { N = 20000 };
	char (*keys)[24] = calloc(N, sizeof(*keys));
	struct strset set = { NULL, 0, 0 };
	size_t prev, i;

	(void)state;
	assert_non_null(keys);
	for (i = 0; i < N; i++) {
		snprintf(keys[i], sizeof(keys[i]), i % 2 ? "t%zu/chat" : "t%zu", i);
		assert_int_equal(strset_put(&set, keys[i], i, NULL), 1);
	}
	assert_int_equal(set.n, N);
	assert_true(set.cap >= 2 * set.n); /* at most half full */
	for (i = 0; i < N; i++) {
		char again[24];

		memcpy(again, keys[i], sizeof(again));
		prev = SIZE_MAX;
		assert_int_equal(strset_put(&set, again, N + i, &prev), 0);
		assert_int_equal(prev, i);
	}
	assert_int_equal(set.n, N);
	strset_free(&set);
	free(keys);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_wins),
		cmocka_unit_test(test_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
