/* SPDX-License-Identifier: MIT */
/*
 * jsonata_builtin.c: the table of jsonata 2.1.1's built-in functions that
 * kuma-push implements (name, signature, the arity a higher-order function
 * sees), and the call: validate the arguments, then the implementation.
 */
#include <string.h>

#include "jsonata_int.h"

const struct jn_builtin JN_BUILTINS[FN_COUNT_ALL] = {
	[FN_NONE] = { "", "<x>", 0 },
	[FN_SUM] = { "sum", "<a<n>:n>", 1 },
	[FN_COUNT] = { "count", "<a:n>", 1 },
	[FN_MAX] = { "max", "<a<n>:n>", 1 },
	[FN_MIN] = { "min", "<a<n>:n>", 1 },
	[FN_AVERAGE] = { "average", "<a<n>:n>", 1 },
	[FN_STRING] = { "string", "<x-b?:s>", 1 },
	[FN_SUBSTRING] = { "substring", "<s-nn?:s>", 3 },
	[FN_SUBSTRING_BEFORE] = { "substringBefore", "<s-s:s>", 2 },
	[FN_SUBSTRING_AFTER] = { "substringAfter", "<s-s:s>", 2 },
	[FN_LOWERCASE] = { "lowercase", "<s-:s>", 1 },
	[FN_UPPERCASE] = { "uppercase", "<s-:s>", 1 },
	[FN_LENGTH] = { "length", "<s-:n>", 1 },
	[FN_TRIM] = { "trim", "<s-:s>", 1 },
	[FN_PAD] = { "pad", "<s-ns?:s>", 3 },
	[FN_MATCH] = { "match", "<s-f<s:o>n?:a<o>>", 3 },
	[FN_CONTAINS] = { "contains", "<s-(sf):b>", 2 },
	[FN_REPLACE] = { "replace", "<s-(sf)(sf)n?:s>", 4 },
	[FN_SPLIT] = { "split", "<s-(sf)n?:a<s>>", 3 },
	[FN_JOIN] = { "join", "<a<s>s?:s>", 2 },
	[FN_NUMBER] = { "number", "<(nsb)-:n>", 1 },
	[FN_FLOOR] = { "floor", "<n-:n>", 1 },
	[FN_CEIL] = { "ceil", "<n-:n>", 1 },
	[FN_ROUND] = { "round", "<n-n?:n>", 2 },
	[FN_ABS] = { "abs", "<n-:n>", 1 },
	[FN_SQRT] = { "sqrt", "<n-:n>", 1 },
	[FN_POWER] = { "power", "<n-n:n>", 2 },
	[FN_BOOLEAN] = { "boolean", "<x-:b>", 1 },
	[FN_NOT] = { "not", "<x-:b>", 1 },
	[FN_MAP] = { "map", "<af>", 2 },
	[FN_ZIP] = { "zip", "<a+>", 0 },
	[FN_FILTER] = { "filter", "<af>", 2 },
	[FN_SINGLE] = { "single", "<af?>", 2 },
	[FN_REDUCE] = { "reduce", "<afj?:j>", 3 },
	[FN_SIFT] = { "sift", "<o-f?:o>", 2 },
	[FN_KEYS] = { "keys", "<x-:a<s>>", 1 },
	[FN_LOOKUP] = { "lookup", "<x-s:x>", 2 },
	[FN_APPEND] = { "append", "<xx:a>", 2 },
	[FN_EXISTS] = { "exists", "<x:b>", 1 },
	[FN_SPREAD] = { "spread", "<x-:a<o>>", 1 },
	[FN_MERGE] = { "merge", "<a<o>:o>", 1 },
	[FN_REVERSE] = { "reverse", "<a:a>", 1 },
	[FN_EACH] = { "each", "<o-f:a>", 2 },
	[FN_TYPE] = { "type", "<x:s>", 1 },
	[FN_SORT] = { "sort", "<af?:a>", 2 },
	[FN_DISTINCT] = { "distinct", "<x:x>", 1 },
	[FN_TOMILLIS] = { "toMillis", "<s-s?:n>", 2 },
	[FN_FROMMILLIS] = { "fromMillis", "<n-s?s?:s>", 3 },
	[FN_NOW] = { "now", "<s?s?:s>", 2 },
	[FN_MILLIS] = { "millis", "<:n>", 0 },
};

int jn_builtin_find(const char *name, size_t len)
{
	for (int i = 1; i < FN_COUNT_ALL; i++)
		if (strlen(JN_BUILTINS[i].name) == len && !memcmp(JN_BUILTINS[i].name, name, len))
			return i;
	return FN_NONE;
}

int jv_func_arity(const struct jv *fn)
{
	const struct jfn *f = fn->u.fn;

	if (f->lambda != NULL)
		return f->lambda->nkids;
	if (f->regex != NULL)
		return 2; /* closure(str, fromIndex) */
	return JN_BUILTINS[f->builtin].arity;
}

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
