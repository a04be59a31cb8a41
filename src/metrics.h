/* SPDX-License-Identifier: MIT */
/*
 * metrics.h: Prometheus text format for node_exporter's textfile
 * collector, written atomically (temp file + rename).
 */
#ifndef KP_METRICS_H
#define KP_METRICS_H

#include <stddef.h>

#include "buf.h"
#include "run.h"

/*
 * Renders the latest outcome of each check (entries whose check is NULL
 * have not run yet and are left out) into out.
 */
enum kp_status metrics_render(struct buf *out, const struct run_outcome *outcomes,
			      size_t n, unsigned long push_failures_total,
			      double now_unix_s);

/* Writes text to path atomically. 0, or -1 with err (KP_EOS). */
int metrics_write_file(const char *path, const char *text, size_t len,
		       struct kp_err *err);

/*
 * kuma_push_push_failures_total as the previous run left it in path, so
 * the counter keeps counting across cron runs. 0 when absent.
 */
unsigned long metrics_read_failures(const char *path);

#endif
