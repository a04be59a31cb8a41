/* SPDX-License-Identifier: MIT */
/*
 * jsonata_err.c: the bottom of the library: setting a jsonata_err, the
 * step budget and the out-of-memory error every other file reports.
 */
#include <stdarg.h>
#include <stdio.h>

#include "jsonata_int.h"

int jn_error(struct jsonata_err *err, const char *code, int pos,
	     const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	snprintf(err->code, sizeof(err->code), "%s", code);
	err->position = pos;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int ev_tick(struct ev *e)
{
	if (++e->steps > JN_MAX_STEPS)
		return jn_error(e->err, "K0002", 0,
				"evaluation stopped after %lu steps", JN_MAX_STEPS);
	return 0;
}

int ev_oom(struct ev *e)
{
	if (e->arena.over)
		return jn_error(e->err, "K0002", 0,
				"evaluation needs more than %u MiB of memory",
				JN_MAX_ARENA / (1024 * 1024));
	return jn_error(e->err, "K0003", 0, "out of memory");
}

