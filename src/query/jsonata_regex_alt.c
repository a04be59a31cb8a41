/* SPDX-License-Identifier: MIT */
/*
 * jsonata_regex_alt.c: which translated patterns POSIX matches exactly as
 * JavaScript does, beyond the plain ones (no alternation, no quantified
 * group: there POSIX's longest match is JavaScript's greedy one).
 *
 * An alternation at the top: "A|B|C", or one group around it "(A|B|C)",
 * "(?:A|B|C)", optionally between "^" and "$", each alternative plain.
 * JavaScript tries A, then B, then C at each place from the left; the
 * leftmost place is where any of them matches first. So each alternative
 * is compiled on its own (with the "^"/"$" around the group), and the
 * matcher (jsonata_regex.c) takes the leftmost start over them and, there,
 * the first alternative by order, with its own greedy match.
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

/* Alternative src[a..b) with the anchors around the group: translated and compiled. */
static int compile_alt(struct jn_regex *re, const char *src, size_t a, size_t b,
		       bool bol, bool eol, int cflags, bool multiline, int first_js)
{
	struct jn_re_alt *alt = &re->alts[re->nalts];
	struct jn_re_shape t;
	struct buf js, text;
	char why[160];
	int rc = -1;

	buf_init(&js, 1u << 16);
	buf_init(&text, 1u << 20);
	if (buf_append(&js, "^", bol ? 1 : 0) != KP_OK || buf_append(&js, src + a, b - a) != KP_OK ||
	    buf_append(&js, "$", eol ? 1 : 0) != KP_OK) {
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
		alt->first_js = first_js;
		alt->ngroups = t.js_groups;
		memcpy(alt->gmap, t.gmap, sizeof(alt->gmap));
		re->nalts++;
	}
	buf_free(&js);
	buf_free(&text);
	return rc;
}

/* The alternation shapes: 1 when matched through the alternatives, 0 not that shape, -2 OOM. */
static int alternation(struct jn_regex *re, const char *src, size_t n, int cflags,
		       bool multiline)
{
	bool bol = false, eol = false, wrap = false;
	size_t from = 0, to = n;
	int first_js = 0, rc = 0;
	struct scan sc;

	if (scan(src, n, 0, false, &sc) != 0)
		return 0;
	if (sc.depth0_bars == 0) { /* "^(A|B)$" and its kin */
		size_t open = n > 0 && src[0] == '^' ? 1 : 0;

		if (open >= n || src[open] != '(' || scan(src, n, open, true, &sc) != 0 ||
		    sc.nbars == 0)
			return 0;
		eol = sc.close + 2 == n && src[n - 1] == '$';
		if (sc.close + 1 != n && !eol)
			return 0;
		bol = open == 1;
		wrap = src[open + 1] != '?';
		from = open + (wrap ? 1 : 3);
		to = sc.close;
		first_js = wrap ? 1 : 0;
	}
	re->alts = calloc((size_t)sc.nbars + 1, sizeof(*re->alts));
	if (re->alts == NULL)
		return -2;
	for (int k = 0; k <= sc.nbars && rc == 0; k++) {
		size_t b = k < sc.nbars ? sc.bars[k] : to;

		rc = compile_alt(re, src, from, b, bol, eol, cflags, multiline, first_js);
		first_js += rc == 0 ? re->alts[k].ngroups : 0;
		from = b + 1;
	}
	if (rc != 0) {
		jn_regex_alts_free(re);
		return rc == -2 ? -2 : 0;
	}
	re->wrap_group = wrap;
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
