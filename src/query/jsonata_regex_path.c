/* SPDX-License-Identifier: MIT */
/*
 * jsonata_regex_path.c: where the anchors of a pattern stand on its paths,
 * for the translator (jsonata_regex_tr.c), token by token.
 */
#include <stdbool.h>

#include "jsonata_regex.h"

/*
 * glibc takes "\n" for the end of a line after a "$" (and for its start
 * before a "^") when the next (previous) part of the pattern consumes it,
 * even without REG_NEWLINE: "a$." matches "a\n". Such an anchor inside a
 * path (something consumed before "^" or after "$") is noted, and the
 * matcher refuses texts with "\n" for it (jsonata_regex.c).
 *
 * kind: the token, one of "()|^$", or 'a' for one that consumes; depth:
 * the translator's group depth before it.
 */
void jn_re_path_token(struct jn_re_path *t, int depth, char kind)
{
	int d = kind == ')' ? depth - 1 : depth;

	if (d < 0 || d >= (int)(sizeof(t->path) / sizeof(t->path[0])))
		return; /* an unmatched ")" or too deep: refused by the caller */
	switch (kind) {
	case '(':
		t->path[d].open_start = t->at_start;
		t->path[d].all_start = true;
		t->path[d].open_dollar = t->after_dollar;
		t->path[d].any_dollar = false;
		t->path[d].anchor = false;
		break;
	case '|':
		if (depth == 0) {
			t->at_start = true;
			t->after_dollar = false;
			break;
		}
		t->path[d - 1].all_start &= t->at_start;
		t->path[d - 1].any_dollar |= t->after_dollar;
		t->at_start = t->path[d - 1].open_start;
		t->after_dollar = t->path[d - 1].open_dollar;
		break;
	case ')':
		t->at_start = t->at_start && t->path[d].all_start;
		t->after_dollar = t->after_dollar || t->path[d].any_dollar;
		t->group_anchor = t->path[d].anchor; /* quantified, it repeats around the anchor */
		if (d > 0)
			t->path[d - 1].anchor |= t->path[d].anchor;
		break;
	case '^':
	case '$':
		if (kind == '^' && !t->at_start)
			t->mid_anchor = true;
		t->after_dollar |= kind == '$';
		if (d > 0)
			t->path[d - 1].anchor = true;
		break;
	default: /* an atom that consumes */
		if (t->after_dollar)
			t->mid_anchor = true;
		t->at_start = false;
		break;
	}
}

