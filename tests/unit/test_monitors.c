/* SPDX-License-Identifier: MIT */
/*
 * test_monitors.c: the Kuma settings "kuma-push monitors" gives, with exact
 * figures, for the timer and for --loop: defaults, a slow chat tier that
 * makes runs outlast a minute, a loop interval with jitter, Kuma's 20 s
 * floor, and run_timeout capping the worst case.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "monitors.h"

static char path[64];

/* A config from text (0600, so no warning), loaded; the test frees it. */
static struct config *load_text(const char *text)
{
	struct kp_err err = { KP_OK, "" };
	struct config *cfg;
	FILE *fp;
	int fd;

	snprintf(path, sizeof(path), "/tmp/kp-test-monitors-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
	cfg = config_load(path, NULL, NULL, NULL, &err);
	unlink(path);
	if (cfg == NULL)
		fail_msg("config: %s", err.msg);
	return cfg;
}

static size_t index_of(const struct config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->n_checks; i++)
		if (strcmp(cfg->checks[i].name, name) == 0)
			return i;
	fail_msg("no check %s", name);
	return 0;
}

struct want {
	const char *name;
	double period, slow, worst_period, worst;
	int heartbeat, retries;
};

static void expect(const struct config *cfg, bool loop, const struct want *w)
{
	struct monitor_advice a;

	monitor_advise(cfg, index_of(cfg, w->name), loop, &a);
	if (a.period_s != w->period || a.slow_s != w->slow ||
	    a.worst_period_s != w->worst_period || a.worst_s != w->worst ||
	    a.heartbeat_s != w->heartbeat || a.retries != w->retries)
		fail_msg("%s%s: period %g slow %g worst period %g worst %g -> "
			 "heartbeat %d retries %d; want %g %g %g %g -> %d %d",
			 w->name, loop ? " (loop)" : "", a.period_s, a.slow_s,
			 a.worst_period_s, a.worst_s, a.heartbeat_s, a.retries,
			 w->period, w->slow, w->worst_period, w->worst,
			 w->heartbeat, w->retries);
}

#define TARGET_HEAD                                                       \
	"kuma = { url = \"http://127.0.0.1:9\"; };\n"                     \
	"targets = ( { name = \"w\"; url = \"http://127.0.0.1:8\";\n"     \
	"  api_key = \"sk-unit\"; health = { push = \"tokH\"; };\n"       \
	"  models = { push = \"tokM\"; };\n"

/*
 * Defaults (timeout 10 s, 1 retry after 2 s, for checks and pushes alike).
 * Health: slow 10 + 10 = 20 s, worst 22 + 22 = 44 s. Models waits for
 * health: slow 30 s, worst 66 s. The run budget is 44 + 22 + 1 = 67 s, so
 * at worst the next minute's run finds the lock held: period 120 s.
 */
static void test_defaults_timer(void **state)
{
	struct config *cfg = load_text(TARGET_HEAD "} );\n");
	static const struct want health = { "w/health", 60, 20, 120, 44, 80, 2 };
	static const struct want models = { "w/models", 60, 30, 120, 66, 90, 2 };

	(void)state;
	expect(cfg, false, &health);
	expect(cfg, false, &models);
	config_free(cfg);
}

/*
 * A chat tier with a 60 s timeout: slow 10 + 60 + 10 = 80 s, so even a run
 * without retries outlasts a minute and every other timer run is skipped
 * (period 120 s); health's monitor feels it too. Worst: chat 22 + 122 + 22
 * = 166 s, budget 167 s, next run 180 s later.
 */
static void test_slow_chat_timer(void **state)
{
	struct config *cfg = load_text(TARGET_HEAD
		"  chat = { push = \"tokC\"; model = \"m\"; timeout = 60.0; }; } );\n");
	static const struct want health = { "w/health", 120, 20, 180, 44, 140, 1 };
	static const struct want chat = { "w/chat", 120, 80, 180, 166, 200, 1 };

	(void)state;
	expect(cfg, false, &health);
	expect(cfg, false, &chat);
	config_free(cfg);
}

/* --loop: each check every interval + jitter; here 30 + 5 s. */
static void test_loop_interval_jitter(void **state)
{
	struct config *cfg = load_text(
		"defaults = { interval = 30.0; jitter = 5.0; };\n" TARGET_HEAD
		"} );\n");
	static const struct want health = { "w/health", 35, 20, 35, 44, 55, 1 };
	static const struct want models = { "w/models", 35, 30, 35, 66, 65, 1 };

	(void)state;
	expect(cfg, true, &health);
	expect(cfg, true, &models);
	config_free(cfg);
}

/* Jitter defaults to 10 % of the interval; Kuma takes no interval below 20 s. */
static void test_loop_kuma_floor(void **state)
{
	struct config *cfg = load_text(
		"defaults = { interval = 5.0; timeout = 2.0; retries = 0; };\n"
		"kuma = { url = \"http://127.0.0.1:9\"; timeout = 2.0; retries = 0; };\n"
		"checks = ( { name = \"g\"; url = \"http://127.0.0.1:7/\"; push = \"tokG\"; } );\n");
	static const struct want g = { "g", 5.5, 4, 5.5, 4, 20, 0 };

	(void)state;
	expect(cfg, true, &g);
	config_free(cfg);
}

/* run_timeout bounds a one-shot run: nothing takes longer than 30 s. */
static void test_run_timeout_caps(void **state)
{
	struct config *cfg = load_text("run_timeout = 30.0;\n" TARGET_HEAD
		"  chat = { push = \"tokC\"; model = \"m\"; timeout = 60.0; }; } );\n");
	static const struct want chat = { "w/chat", 60, 30, 60, 30, 90, 0 };
	static const struct want health = { "w/health", 60, 20, 60, 30, 80, 1 };

	(void)state;
	expect(cfg, false, &chat);
	expect(cfg, false, &health);
	config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_timer),
		cmocka_unit_test(test_slow_chat_timer),
		cmocka_unit_test(test_loop_interval_jitter),
		cmocka_unit_test(test_loop_kuma_floor),
		cmocka_unit_test(test_run_timeout_caps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
