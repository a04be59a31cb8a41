/* SPDX-License-Identifier: MIT */
/*
 * test_oom_chat.c: allocation failure while a chat reply is judged, plain
 * and streamed. Each reply is judged once to count its allocations, then
 * once per N with the N-th failing: every run must end in KP_ENOMEM or in
 * the undisturbed verdict, never crash and never leak.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alloc_hook.h"
#include "check.h"
#include "check_fixture.h"

size_t __sanitizer_get_current_allocated_bytes(void) __attribute__((weak));

static size_t live_bytes(void)
{
	return __sanitizer_get_current_allocated_bytes != NULL
		       ? __sanitizer_get_current_allocated_bytes()
		       : 0;
}

struct reply {
	const char *type;
	const char *body;
};

static const struct reply replies[] = {
	{"application/json",
	 "{\"choices\":[{\"message\":{\"content\":\"<think>HEALTHY?</think>"
	 "\\u201cHealthy\\u201d.\"}}],\"usage\":{\"completion_tokens\":3,"
	 "\"response_token/s\":50.0}}"},
	{"application/json",
	 "{\"choices\":[{\"message\":{\"content\":\"UNHEALTHY \\u00e9\"}}]}"},
	{"text/event-stream",
	 "data: {\"choices\":[{\"delta\":{\"content\":\"HEAL\"}}]}\r\n\r\n"
	 ": ping\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"THY\"}}],"
	 "\"usage\":{\"response_token/s\":42}}\n\ndata: [DONE]\n\n"},
	{"text/event-stream",
	 "data: {\"choices\":[{\"delta\":{\"content\":\"HEAL\"}}]}\n\n"
	 "event: error\ndata: {\"error\":{\"detail\":\"runner stopped\"}}\n\n"},
	{"text/event-stream", "data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\n"},
};

static void judge_once(const struct http_response *resp,
		       struct check_result *result, struct kp_err *err, int *rc)
{
	struct check check = fixture_chat_check();

	memset(err, 0, sizeof(*err));
	*rc = check_judge(&check, resp, result, err);
}

static void test_chat_judge_oom(void **state)
{
	unsigned long problems = 0;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(replies) / sizeof(replies[0]); i++) {
		struct check_result want, got;
		struct http_response resp;
		struct kp_err err;
		unsigned long total, n;
		size_t before;
		int rc;

		/* the reply is made before the hook is armed */
		fixture_respond_str(&resp, 200, replies[i].type, replies[i].body);
		resp.timings.total_ms = 20;
		alloc_hook_fail_at(0);
		judge_once(&resp, &want, &err, &rc);
		total = alloc_hook_count();
		alloc_hook_reset();
		assert_int_equal(rc, 0);
		assert_true(total > 0);
		for (n = 1; n <= total; n++) {
			before = live_bytes();
			alloc_hook_fail_at(n);
			judge_once(&resp, &got, &err, &rc);
			alloc_hook_reset();
			if (rc != 0 && err.status != KP_ENOMEM) {
				print_message("reply %zu, allocation %lu: rc %d status %d\n",
					      i, n, rc, (int)err.status);
				problems++;
			}
			/* check_quote masks all of a quote it cannot scan */
			if (rc == 0 && (got.up != want.up ||
					(strcmp(got.msg, want.msg) != 0 &&
					 strstr(got.msg, "***") == NULL))) {
				print_message("reply %zu, allocation %lu: \"%s\", not \"%s\"\n",
					      i, n, got.msg, want.msg);
				problems++;
			}
			if (live_bytes() != before) {
				print_message("reply %zu, allocation %lu: leaked %zu bytes\n",
					      i, n, live_bytes() - before);
				problems++;
			}
		}
		buf_free(&resp.body);
		print_message("reply %zu: %lu allocations, verdict %s \"%s\"\n", i,
			      total, want.up ? "up" : "down", want.msg);
	}
	assert_int_equal(problems, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chat_judge_oom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
