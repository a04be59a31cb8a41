/* SPDX-License-Identifier: MIT */
/*
 * run.h: the cycle. Every check is requested (targets concurrently, health
 * before the tiers that depend on it), judged and pushed to Kuma as soon as
 * it is final. run_once does it once; run_loop repeats each check on its
 * own interval until told to stop.
 */
#ifndef KP_RUN_H
#define KP_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "check.h"
#include "config.h"
#include "err.h"

/* What happened to one check; borrows the check from the config. */
struct run_outcome {
	const struct check *check;
	const char *target;          /* target name; a generic check's own name */
	struct check_result result;
	bool pushed;                 /* Kuma accepted it (or dry run) */
	char push_error[256];        /* why not, when !pushed */
	uint64_t finished_ms;        /* kp_now_ms() when the push was settled */
};

struct run_opts {
	bool dry_run;       /* print each push URL (token masked) instead of sending */
	FILE *out;          /* where --dry-run lines go (stdout) */
	/* Called once per check and cycle, when its push is settled. */
	void (*report)(void *ctx, const struct run_outcome *outcome);
	void *report_ctx;
	/* Stop when *stop becomes non-zero (set by a signal): checks in
	 * flight end, pushes in flight get RUN_STOP_GRACE_MS. */
	const volatile sig_atomic_t *stop;
	/*
	 * run_loop, SIGHUP: when *reload becomes non-zero (it is cleared),
	 * load(reload_ctx) gives the new configuration, or NULL to keep the
	 * running one. Each check with the same settings keeps its schedule
	 * and its transfer in flight; only changed, added and removed checks
	 * change. Then adopted(reload_ctx, fresh): from here on the run uses
	 * only fresh, and the old configuration may be freed.
	 */
	volatile sig_atomic_t *reload;
	const struct config *(*load)(void *ctx);
	void (*adopted)(void *ctx, const struct config *fresh);
	void *reload_ctx;
};

struct run_summary {
	struct run_outcome *outcomes; /* one per config check, in config order */
	size_t n_outcomes;
	size_t n_up, n_down, n_push_failed;
	uint64_t elapsed_ms;
};

/*
 * Runs one cycle. Returns 0 when the cycle ran, whatever the checks and
 * pushes gave (see summary), or -1 with err (KP_ENOMEM, KP_EINTERNAL).
 * Free the summary with run_summary_free.
 */
int run_once(const struct config *cfg, const struct run_opts *opts,
	     struct run_summary *summary, struct kp_err *err);
void run_summary_free(struct run_summary *summary);

/*
 * Loop mode: each check runs at start, then every interval plus a random
 * jitter, on its own schedule. Returns 0 once *opts->stop is set and the
 * pushes in flight have settled (at most RUN_STOP_GRACE_MS later), or -1
 * with err on OOM or an internal error.
 */
#define RUN_STOP_GRACE_MS 1200u
int run_loop(const struct config *cfg, const struct run_opts *opts,
	     struct kp_err *err);

/* The deadline budget of one cycle, in ms (run_timeout or derived). */
uint64_t run_budget_ms(const struct config *cfg);

#endif
