/* SPDX-License-Identifier: MIT */
/*
 * test_metrics.c: the node_exporter textfile's values are plain decimal
 * (16 us is 0.000016, never 1.6e-05); whole numbers have no fraction.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "metrics.h"

static void test_plain_decimal(void **state)
{
	struct check check;
	struct run_outcome o;
	struct buf out;

	(void)state;
	memset(&check, 0, sizeof(check));
	check.name = "w/health";
	check.tier = TIER_HEALTH;
	memset(&o, 0, sizeof(o));
	o.check = &check;
	o.target = "w";
	o.result.up = true;
	o.result.timings.dns_ms = 0.016;        /* 1.6e-05 s with %g */
	o.result.timings.connect_ms = 0.1;
	o.result.timings.tls_ms = 0;
	o.result.timings.first_byte_ms = 1250;
	o.result.timings.total_ms = 1250.0004;  /* below a microsecond: cut */
	buf_init(&out, 1 << 20);
	assert_int_equal(metrics_render(&out, &o, 1, 3, 1767261845.25), KP_OK);
	assert_non_null(strstr(buf_str(&out), "kuma_push_up{target=\"w\",tier=\"health\"} 1\n"));
	assert_non_null(strstr(buf_str(&out), "phase=\"dns\"} 0.000016\n"));
	assert_non_null(strstr(buf_str(&out), "phase=\"connect\"} 0.0001\n"));
	assert_non_null(strstr(buf_str(&out), "phase=\"tls\"} 0\n"));
	assert_non_null(strstr(buf_str(&out), "phase=\"first_byte\"} 1.25\n"));
	assert_non_null(strstr(buf_str(&out), "phase=\"total\"} 1.25\n"));
	assert_non_null(strstr(buf_str(&out), "kuma_push_push_failures_total 3\n"));
	assert_null(strstr(buf_str(&out), "e-0"));
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_decimal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
