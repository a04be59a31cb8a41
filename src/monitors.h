/* SPDX-License-Identifier: MIT */
/*
 * monitors.h: "kuma-push monitors": what to set in each Uptime Kuma push
 * monitor so that it neither misses a late push nor flaps.
 */
#ifndef KP_MONITORS_H
#define KP_MONITORS_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/* Kuma accepts no heartbeat interval below this (1.23 and 2.x). */
#define KUMA_MIN_INTERVAL_S 20

struct monitor_advice {
	double period_s;       /* the longest time between two runs of the check */
	double slow_s;         /* its run without retries: each transfer to its timeout */
	double worst_period_s; /* period_s when runs take their worst */
	double worst_s;        /* its run with every retry, backoff and push retry */
	int heartbeat_s;     /* Kuma "Heartbeat Interval" (and "Retry Interval") */
	int retries;         /* Kuma "Retries" */
};

/*
 * The figures for cfg->checks[i], run from the one-minute timer or cron
 * (loop false) or by --loop (loop true). Pure: no I/O.
 *
 * Kuma records "No heartbeat in the time window" when no push arrived
 * within heartbeat_s (+1 s), and with Retries R and a retry interval equal
 * to the heartbeat interval (Kuma's default) it goes down after R more
 * such windows. heartbeat_s is period + slow run, so a run that takes every
 * transfer to its timeout but needs no retry is still on time; retries is
 * the fewest extra windows that cover the worst period + the worst run
 * (every retry with its backoff, then every push retry). A models or chat
 * tier counts its target's health check, which runs first. From the timer
 * or cron, the period is 60 s, more when a run outlasts a minute (the next
 * runs find the lock held and exit 75); with --loop it is interval + jitter.
 */
void monitor_advise(const struct config *cfg, size_t i, bool loop,
		    struct monitor_advice *out);

/*
 * "kuma-push monitors [-c FILE] [--loop]": argv[0] is "monitors". Prints
 * one line per push monitor on stdout; returns the exit status (0, 64
 * usage, 78 configuration, 71 out of memory).
 */
int monitors_main(int argc, char **argv);

#endif
