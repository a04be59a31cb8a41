/* SPDX-License-Identifier: MIT */
/*
 * jsonata_builtin.c: calling a built-in: validate the arguments against
 * its signature, then hand them to its group's implementation.
 */
#include <string.h>

#include "jsonata_int.h"

int fn_invoke(struct ev *e, int fn, int pos, const struct jv *args, int nargs,
	      const struct jv *ctx, struct jv *out)
{
	struct jv a[8];
	int n = 0;

	if (nargs > 8)
		return jn_error(e->err, "T0410", pos,
				"Argument 9 of function \"%s\" does not match function signature",
				JN_BUILTINS[fn].name);
	if (sig_validate(e, fn, pos, args, nargs, ctx, a, &n) != 0)
		return -1;
	for (int i = n; i < 8; i++)
		a[i] = JV_UNDEFINED;
	switch (fn) {
	case FN_STRING: case FN_SUBSTRING: case FN_SUBSTRING_BEFORE:
	case FN_SUBSTRING_AFTER: case FN_LOWERCASE: case FN_UPPERCASE:
	case FN_LENGTH: case FN_TRIM: case FN_PAD: case FN_JOIN:
		return fn_apply_str(e, fn, pos, a, n, out);
	case FN_MATCH: case FN_CONTAINS: case FN_REPLACE: case FN_SPLIT:
		return fn_apply_regex(e, fn, pos, a, n, out);
	case FN_ZIP: case FN_KEYS: case FN_LOOKUP: case FN_APPEND: case FN_SPREAD:
	case FN_MERGE: case FN_REVERSE: case FN_TYPE: case FN_DISTINCT:
		return fn_apply_arr(e, fn, pos, a, n, out);
	case FN_MAP: case FN_FILTER: case FN_SINGLE: case FN_REDUCE: case FN_SIFT:
	case FN_EACH: case FN_SORT:
		return fn_apply_hof(e, fn, pos, a, n, out);
	case FN_TOMILLIS: case FN_FROMMILLIS: case FN_NOW: case FN_MILLIS:
		return fn_apply_time(e, fn, pos, a, n, out);
	default:
		return fn_apply_num(e, fn, pos, a, n, out);
	}
}
