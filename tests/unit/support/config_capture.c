/* SPDX-License-Identifier: MIT */
/* config_capture.c: see config_capture.h. */
#include <stdio.h>

#include "config_capture.h"

static void keep(char (*lines)[1024], int *n, const char *line)
{
	if (*n < CAPTURE_LINES)
		snprintf(lines[*n], sizeof(lines[0]), "%s", line);
	(*n)++;
}

void capture_error(void *ctx, const char *line)
{
	struct capture *c = ctx;

	keep(c->errors, &c->n_errors, line);
}

void capture_warning(void *ctx, const char *line)
{
	struct capture *c = ctx;

	keep(c->warnings, &c->n_warnings, line);
}
