/*
 * run.h: one cycle: every check requested (targets concurrently, health
 * before the tiers that depend on it), judged, and pushed to Kuma.
 */
#ifndef KP_RUN_H
#define KP_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "check.h"
#include "config.h"
#include "err.h"

struct run_opts {
	bool dry_run;       /* print each push URL (token masked) instead of sending */
	FILE *out;          /* where --dry-run lines go (stdout) */
};

/* What happened to one check in a cycle; borrows names from the config. */
struct run_outcome {
	const struct check *check;
	struct check_result result;
	bool pushed;                 /* Kuma accepted it (or dry run) */
	char push_error[256];        /* why not, when !pushed */
};

struct run_summary {
	struct run_outcome *outcomes; /* one per config check, in config order */
	size_t n_outcomes;
	size_t n_up, n_down, n_push_failed;
	uint64_t started_ms, elapsed_ms;
};

/*
 * Runs one cycle. Returns 0 when the cycle ran (whatever the checks and
 * pushes gave: see summary), or -1 with err (KP_ENOMEM, KP_EINTERNAL).
 * Free the summary with run_summary_free.
 */
int run_once(const struct config *cfg, const struct run_opts *opts,
	     struct run_summary *summary, struct kp_err *err);
void run_summary_free(struct run_summary *summary);

/* The deadline budget of one cycle, in ms (run_timeout or derived). */
uint64_t run_budget_ms(const struct config *cfg);

#endif
