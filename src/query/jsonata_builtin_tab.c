/* SPDX-License-Identifier: MIT */
/*
 * jsonata_builtin_tab.c: the jsonata 2.1.1 built-ins kuma-push implements:
 * name, signature, and the arity a higher-order function sees (the length
 * of jsonata's JavaScript implementation).
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

