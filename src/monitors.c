/* SPDX-License-Identifier: MIT */
/*
 * monitors.c: "kuma-push monitors": one line per push monitor with the
 * Kuma settings that match the agent's schedule and that check's worst case.
 */
#include "monitors.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "push.h"
#include "run.h"

/* The timer (OnCalendar each minute) and the cron file both run once a minute. */
#define TIMER_PERIOD_S 60.0

/* One transfer that takes its whole timeout and is not retried. */
static double one_try_s(const struct net_opts *net)
{
	return net->timeout_s;
}

/* Every attempt to its timeout, with the doubling delays between them. */
static double all_tries_s(const struct net_opts *net)
{
	return net->timeout_s * (net->retries + 1) +
	       net->retry_delay_s * (ldexp(1.0, net->retries) - 1.0);
}

/* The health check that a models or chat tier waits for, or NULL. */
static const struct check *health_first(const struct config *cfg,
					const struct check *check)
{
	size_t i;

	if (check->tier != TIER_MODELS && check->tier != TIER_CHAT)
		return NULL;
	for (i = 0; i < cfg->n_checks; i++)
		if (cfg->checks[i].target == check->target &&
		    cfg->checks[i].tier == TIER_HEALTH)
			return &cfg->checks[i];
	return NULL;
}

/* Whole seconds at or above s (a figure such as 80.0000001 stays 80). */
static int ceil_s(double s)
{
	return (int)ceil(s - 1e-6);
}

/* A check's own run: a slow one (no retry) and the worst one, in seconds. */
static void own_run(const struct config *cfg, const struct check *check,
		    double *slow, double *worst)
{
	const struct check *health = health_first(cfg, check);

	*slow = one_try_s(&check->net) + one_try_s(&cfg->kuma_net);
	*worst = all_tries_s(&check->net) + all_tries_s(&cfg->kuma_net);
	if (health != NULL) {
		*slow += one_try_s(&health->net);
		*worst += all_tries_s(&health->net);
	}
}

/*
 * From the timer or cron, a run starts each minute, unless the previous
 * run still holds the lock (that one exits 75): a run that lasts d seconds
 * is followed by the next at most 60 * (floor(d / 60) + 1) seconds later.
 */
static double timer_period_s(double run_s)
{
	return TIMER_PERIOD_S * (floor(run_s / TIMER_PERIOD_S) + 1);
}

void monitor_advise(const struct config *cfg, size_t i, bool loop,
		    struct monitor_advice *out)
{
	const struct check *check = &cfg->checks[i];
	double slow, worst;

	own_run(cfg, check, &slow, &worst);
	if (loop) {
		/* Each check has its own schedule: interval + up to jitter. */
		out->period_s = check->net.interval_s + check->net.jitter_s;
		out->worst_period_s = out->period_s;
	} else {
		/* A run lasts as long as its slowest check, and never longer than its budget. */
		double budget = (double)run_budget_ms(cfg) / 1000.0;
		double run_slow = 0, s, w;
		size_t k;

		for (k = 0; k < cfg->n_checks; k++) {
			own_run(cfg, &cfg->checks[k], &s, &w);
			if (s > run_slow)
				run_slow = s;
		}
		out->period_s = timer_period_s(fmin(run_slow, budget));
		out->worst_period_s = timer_period_s(budget);
		slow = fmin(slow, budget);
		worst = fmin(worst, budget);
	}
	out->slow_s = slow;
	out->worst_s = worst;
	out->heartbeat_s = ceil_s(out->period_s + slow);
	if (out->heartbeat_s < KUMA_MIN_INTERVAL_S)
		out->heartbeat_s = KUMA_MIN_INTERVAL_S;
	out->retries = ceil_s((out->worst_period_s + worst) / out->heartbeat_s) - 1;
	if (out->retries < 0)
		out->retries = 0;
}

static const char usage_text[] =
	"usage: kuma-push monitors [-c FILE] [--loop] [--only PATTERN[,...]]\n"
	"Prints, for each push monitor of FILE (default " KP_DEFAULT_CONFIG "),\n"
	"the Heartbeat Interval, Heartbeat Retry Interval and Retries to set in\n"
	"Uptime Kuma: for runs once a minute (timer or cron), or with --loop for\n"
	"kuma-push --loop; with --only, for the checks a run with that --only\n"
	"makes.\n";

static int print_all(const struct config *cfg, bool loop)
{
	size_t i;

	for (i = 0; i < cfg->n_checks; i++) {
		const struct check *check = &cfg->checks[i];
		struct monitor_advice a;
		char *masked = push_mask(check->push_url);

		if (masked == NULL) {
			log_err("out of memory");
			return KP_EXIT_OSERR;
		}
		monitor_advise(cfg, i, loop, &a);
		printf("%s %s heartbeat_interval=%d retry_interval=%d retries=%d"
		       " (period %g s, slow run %g s; worst: period %g s, run %g s)\n",
		       check->name, masked, a.heartbeat_s, a.heartbeat_s,
		       a.retries, a.period_s, a.slow_s, a.worst_period_s,
		       a.worst_s);
		free(masked);
	}
	return KP_EXIT_OK;
}

int monitors_main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "loop", no_argument, NULL, 'l' },
		{ "only", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *path = KP_DEFAULT_CONFIG, *only = NULL;
	struct kp_err err = { KP_OK, "" };
	struct config *cfg;
	bool loop = false;
	int c, code;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":c:h", options, NULL)) != -1) {
		switch (c) {
		case 'c':
			path = optarg;
			break;
		case 'l':
			loop = true;
			break;
		case 'o':
			only = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return KP_EXIT_OK;
		default:
			fputs(usage_text, stderr);
			return KP_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fputs(usage_text, stderr);
		return KP_EXIT_USAGE;
	}
	log_init(LOG_LVL_WARN, LOG_SINK_STDERR);
	cfg = config_load(path, log_line_err, log_line_warn, NULL, &err);
	if (cfg == NULL) {
		log_err("%s", err.msg);
		log_close();
		return err.status == KP_ENOMEM ? KP_EXIT_OSERR : KP_EXIT_CONFIG;
	}
	if (only != NULL && config_select(cfg, only, &err) != 0) {
		log_err("%s", err.msg);
		code = KP_EXIT_USAGE;
	} else {
		code = print_all(cfg, loop);
	}
	if (fflush(stdout) != 0 && code == KP_EXIT_OK)
		code = KP_EXIT_OSERR;
	config_free(cfg);
	log_close();
	return code;
}
