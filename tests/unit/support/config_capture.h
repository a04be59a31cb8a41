/* SPDX-License-Identifier: MIT */
/*
 * config_capture.h: config_load's error and warning lines kept for the
 * config tests to assert on (ctx: a struct capture).
 */
#ifndef KP_CONFIG_CAPTURE_H
#define KP_CONFIG_CAPTURE_H

#define CAPTURE_LINES 64

/* The first CAPTURE_LINES lines of each kind; n_* count them all. */
struct capture {
	char errors[CAPTURE_LINES][1024];
	int n_errors;
	char warnings[CAPTURE_LINES][1024];
	int n_warnings;
};

/* config_report_fn sinks: ctx is the struct capture to add the line to. */
void capture_error(void *ctx, const char *line);
void capture_warning(void *ctx, const char *line);

#endif
