/* SPDX-License-Identifier: MIT */
/*
 * agent.h: the two run modes around a loaded config: one cycle (cron,
 * timers), or the loop daemon with signal handling and SIGHUP reload.
 */
#ifndef KP_AGENT_H
#define KP_AGENT_H

#include "cli.h"
#include "config.h"

/* Both return an exit code (enum kp_exit). */
int agent_once(const struct config *cfg, const struct cli_opts *opts);

/* Takes ownership of cfg (it may be replaced on SIGHUP) and frees it. */
int agent_loop(struct config *cfg, const struct cli_opts *opts,
	       config_report_fn report, config_report_fn warn);

#endif
