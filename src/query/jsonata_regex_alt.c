/* SPDX-License-Identifier: MIT */
/*
 * jsonata_regex_alt.c: which translated patterns POSIX matches exactly as
 * JavaScript does, beyond the plain ones (no alternation, no quantified
 * group: there POSIX's longest match is JavaScript's greedy one).
 *
 * An alternation at the top: "A|B|C", or in one group "x(A|B|C)y",
 * "x(?:A|B|C)y", where the prefix x has no quantifier ("^", "status: ")
 * and "xAy", "xBy", "xCy" are plain ("(error|warn): (\w+)"). JavaScript
 * tries A, then B, then C at each place from the left (x matches the same
 * way whatever follows); the leftmost place is where any of them matches
 * first. So each "xAy" is compiled on its own, and the matcher
 * (jsonata_regex.c) takes the leftmost start over them and, there, the
 * first alternative by order, with its own greedy match.
 *
 * A whole-text pattern "^...$" without the m flag and without "|" outside
 * groups: both engines match exactly when the text is in the pattern's
 * language, and the match is the whole text; its groups are exact when it
 * has none, or one around everything ("^(ok|healthy)$").
 */
#include <stdlib.h>
#include <string.h>

#include "jsonata_int.h"
#include "jsonata_regex.h"

struct scan {
	size_t bars[JN_RE_MAX_ALTS]; /* "|" at depth 0 (or 1 inside the outer group) */
	int nbars, depth0_bars;
	size_t close;                /* the ")" that closes a "(" at index open, or 0 */
	bool last_is_dollar;         /* the last token is the anchor "$" at depth 0 */
};

/*
 * Walks the pattern by tokens (escapes and classes are single tokens):
 * the "|" at depth 0, or, with open set, the "|" directly inside the
 * group that opens there, and that group's ")".
 */
static int scan(const char *s, size_t n, size_t open, bool inner, struct scan *sc)
{
	int depth = 0;

	memset(sc, 0, sizeof(*sc));
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		sc->last_is_dollar = c == '$' && depth == 0;
		if (c == '\\') {
			i++;
		} else if (c == '[') {
			for (i++, i += i < n && s[i] == '^'; i < n && s[i] != ']'; i++)
				i += s[i] == '\\';
		} else if (c == '(') {
			depth++;
		} else if (c == ')') {
			if (--depth == 0 && inner && sc->close == 0 && i > open)
				sc->close = i;
		} else if (c == '|' && depth == (inner ? 1 : 0) &&
			   (!inner || (i > open && sc->close == 0))) {
			if (sc->nbars >= JN_RE_MAX_ALTS - 1)
				return -1;
			sc->bars[sc->nbars++] = i;
		}
		if (c == '|' && depth == 0)
			sc->depth0_bars++;
	}
	return 0;
}

void jn_regex_alts_free(struct jn_regex *re)
{
	for (int k = 0; k < re->nalts; k++)
		regfree(&re->alts[k].re);
	free(re->alts);
	re->alts = NULL;
	re->nalts = 0;
}

/* Capturing groups in src[a..b), and (fixed) whether it has no quantifier. */
static int tokens(const char *s, size_t a, size_t b, bool *fixed)
{
	int groups = 0;

	*fixed = true;
	for (size_t i = a; i < b; i++) {
		if (s[i] == '\\') {
			i++;
		} else if (s[i] == '[') {
			for (i++, i += i < b && s[i] == '^'; i < b && s[i] != ']'; i++)
				i += s[i] == '\\';
		} else if (s[i] == '(') {
			groups += i + 1 < b && s[i + 1] == '?' ? 0 : 1;
			i += i + 1 < b && s[i + 1] == '?' ? 1 : 0; /* "(?:" is no quantifier */
		} else if (strchr("*+?{", s[i]) != NULL) {
			*fixed = false;
		}
	}
	return groups;
}

/*
 * The pattern around the alternation: prefix src[0..open), the group's
 * opening, suffix src[close..n) (from its ")"), and the numbers of groups.
 */
struct frame {
	const char *src;
	size_t open, body, close, n; /* body: where the first alternative starts */
	int pre_groups, wrap, all_alt_groups;
};

/*
 * Alternative src[a..b) in its frame, translated and compiled; its own
 * groups (prefix, wrapper, alternative, suffix) mapped to JavaScript's
 * numbers, where all alternatives' groups come before the suffix's.
 */
static int compile_alt(struct jn_regex *re, const struct frame *f, size_t a, size_t b,
		       int alt_first, int cflags, bool multiline)
{
	struct jn_re_alt *alt = &re->alts[re->nalts];
	int head = f->pre_groups + f->wrap;
	struct jn_re_shape t;
	struct buf js, text;
	char why[160];
	bool fixed;
	int rc = -1, own = tokens(f->src, a, b, &fixed);

	buf_init(&js, 1u << 16);
	buf_init(&text, 1u << 20);
	if (buf_append(&js, f->src, f->body) != KP_OK || buf_append(&js, f->src + a, b - a) != KP_OK ||
	    buf_append(&js, f->src + f->close, f->n - f->close) != KP_OK) {
		rc = -2;
	} else {
		rc = jn_regex_translate(js.data, js.len, (cflags & REG_ICASE) != 0, multiline,
					&text, &t, why, sizeof(why));
		if (rc == 0 && buf_append(&text, "", 0) != KP_OK)
			rc = -2;
	}
	if (rc == 0 && !t.extent_safe)
		rc = -1;
	if (rc == 0 && regcomp(&alt->re, buf_str(&text), cflags) != 0)
		rc = -1;
	if (rc == 0) {
		alt->nposix = t.posix_groups;
		alt->ngroups = t.js_groups;
		memcpy(alt->gmap, t.gmap, sizeof(alt->gmap));
		for (int g = 1; g <= t.js_groups; g++)
			alt->js_of[g] = g <= head ? g : g <= head + own ? g + alt_first :
					g - own + f->all_alt_groups;
		re->nalts++;
	}
	buf_free(&js);
	buf_free(&text);
	return rc;
}

/*
 * The alternation shapes: 1 when matched through the alternatives, 0 not
 * that shape, -2 OOM. The prefix before the group has no quantifier, so
 * JavaScript's match of it is the same at any start, and at the leftmost
 * start it tries "prefix A suffix" first, then "prefix B suffix", each a
 * plain pattern where POSIX's longest match is JavaScript's.
 */
static int alternation(struct jn_regex *re, const char *src, size_t n, int cflags,
		       bool multiline)
{
	struct frame f = { src, 0, 0, n, n, 0, 0, 0 };
	int alt_first = 0, rc = 0;
	struct scan sc, inner;
	bool fixed;

	if (scan(src, n, 0, false, &sc) != 0)
		return 0;
	if (sc.depth0_bars == 0) { /* "x(A|B)y" and its kin: the first group at depth 0 with "|" */
		int depth = 0;

		sc.nbars = 0;
		for (size_t i = 0; i < n && sc.nbars == 0; i++) {
			if (src[i] == '\\') {
				i++;
			} else if (src[i] == '[') {
				for (i++, i += i < n && src[i] == '^'; i < n && src[i] != ']'; i++)
					i += src[i] == '\\';
			} else if (src[i] == '(' && depth++ == 0) {
				if (scan(src, n, i, true, &inner) != 0)
					return 0;
				if (inner.nbars > 0) {
					sc = inner;
					f.open = i;
				}
			} else if (src[i] == ')') {
				depth--;
			}
		}
		if (sc.nbars == 0 || sc.close == 0 ||
		    (sc.close + 1 < n && strchr("*+?{", src[sc.close + 1]) != NULL))
			return 0;
		f.pre_groups = tokens(src, 0, f.open, &fixed);
		if (!fixed)
			return 0;
		f.wrap = src[f.open + 1] != '?';
		f.body = f.open + (f.wrap ? 1 : 3);
		f.close = sc.close;
	}
	for (int k = 0; k <= sc.nbars; k++) {
		size_t a = k == 0 ? f.body : sc.bars[k - 1] + 1, b = k < sc.nbars ? sc.bars[k] : f.close;

		f.all_alt_groups += tokens(src, a, b, &fixed);
	}
	re->alts = calloc((size_t)sc.nbars + 1, sizeof(*re->alts));
	if (re->alts == NULL)
		return -2;
	for (int k = 0; k <= sc.nbars && rc == 0; k++) {
		size_t a = k == 0 ? f.body : sc.bars[k - 1] + 1, b = k < sc.nbars ? sc.bars[k] : f.close;

		rc = compile_alt(re, &f, a, b, alt_first, cflags, multiline);
		alt_first += tokens(src, a, b, &fixed);
	}
	if (rc != 0) {
		jn_regex_alts_free(re);
		return rc == -2 ? -2 : 0;
	}
	return 1;
}

int jn_regex_shape(struct jn_regex *re, const char *src, size_t len, int cflags,
		   bool multiline, const struct jn_re_shape *whole)
{
	struct scan sc;
	int rc;

	re->exact = 0;
	if (whole->extent_safe) {
		re->exact = JN_RE_EXTENT | JN_RE_GROUPS;
		return 0;
	}
	if ((rc = alternation(re, src, len, cflags, multiline)) != 0) {
		re->exact = rc == 1 ? JN_RE_EXTENT | JN_RE_GROUPS : 0;
		return rc == 1 ? 0 : -2;
	}
	if (multiline || len < 2 || src[0] != '^' || scan(src, len, 0, false, &sc) != 0 ||
	    sc.depth0_bars != 0 || !sc.last_is_dollar)
		return 0;
	re->exact = JN_RE_EXTENT;
	if (whole->js_groups == 0)
		re->exact |= JN_RE_GROUPS;
	else if (whole->js_groups == 1 && src[1] == '(' && src[2] != '?' &&
		 scan(src, len, 1, true, &sc) == 0 && sc.close == len - 2)
		re->exact |= JN_RE_GROUPS;
	return 0;
}
