/* SPDX-License-Identifier: MIT */
/*
 * report.h: what a person or a machine sees of each result: the -v line,
 * the --json line, and the metrics file.
 */
#ifndef KP_REPORT_H
#define KP_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "config.h"
#include "run.h"

struct reporter {
	const struct config *cfg;
	FILE *json_out;               /* NULL: no --json lines */
	struct run_outcome *latest;   /* per config check; check NULL = not yet */
	unsigned long push_failures;  /* since the metrics file began */
	bool write_each;              /* loop mode: rewrite metrics per result */
	struct kp_err write_err;      /* last metrics write failure, reported once */
	bool json_failed;             /* a --json line could not be written */
};

/* NULL json_out: no JSON lines. Returns 0 or -1 on OOM. */
int reporter_init(struct reporter *rep, const struct config *cfg,
		  FILE *json_out, bool write_each, struct kp_err *err);
void reporter_free(struct reporter *rep);

/* A run_opts.report callback (ctx is the reporter). */
void reporter_outcome(void *ctx, const struct run_outcome *outcome);

/* Writes the metrics file if configured. 0 or -1 with err. */
int reporter_write_metrics(struct reporter *rep, struct kp_err *err);

/* One result as one JSON object (no newline), for --json. */
enum kp_status report_json(struct buf *out, const struct run_outcome *outcome);

#endif
