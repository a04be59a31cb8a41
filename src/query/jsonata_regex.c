/* SPDX-License-Identifier: MIT */
/*
 * jsonata_regex.c: compiling a translated literal with the C library's
 * regcomp and running it (regexec with REG_STARTEND, so NUL bytes and
 * later start offsets work). See jsonata_regex_tr.c for the translation.
 */
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonata_int.h"
#include "jsonata_regex.h"


int jn_regex_compile(const char *src, size_t len, const char *flags,
		     struct jn_regex **out, char *why, size_t why_size)
{
	bool icase = strchr(flags, 'i') != NULL, multiline = strchr(flags, 'm') != NULL;
	int cflags = REG_EXTENDED | (icase ? REG_ICASE : 0) | (multiline ? REG_NEWLINE : 0);
	struct jn_re_shape t;
	struct jn_regex *re;
	struct buf text;
	int rc;

	*out = NULL;
	why[0] = '\0';
	buf_init(&text, 1u << 20);
	rc = jn_regex_translate(src, len, icase, multiline, &text, &t, why, why_size);
	if (rc == 0 && buf_append(&text, "", 0) == KP_OK && buf_str(&text) != NULL &&
	    (re = calloc(1, sizeof(*re) + len + 1)) != NULL) {
		memcpy(re->source, src, len);
		if (regcomp(&re->re, buf_str(&text), cflags) != 0) {
			free(re);
			buf_free(&text);
			snprintf(why, why_size, "/%.40s/ (not translatable)", src);
			return -1;
		}
		buf_free(&text);
		re->ngroups = t.js_groups;
		memcpy(re->gmap, t.gmap, sizeof(re->gmap));
		re->nposix = t.posix_groups;
		re->any_char = t.any_char;
		re->lines = multiline && t.anchors;
		re->mid_anchor = !multiline && t.mid_anchor;
		if (jn_regex_shape(re, src, len, cflags, multiline, &t) != 0) {
			jn_regex_free(re);
			return -1; /* out of memory: why stays empty */
		}
		*out = re;
		return 0;
	}
	buf_free(&text);
	return -1; /* untranslatable (why says so) or out of memory (why is empty) */
}

void jn_regex_free(struct jn_regex *re)
{
	if (re == NULL)
		return;
	jn_regex_alts_free(re);
	regfree(&re->re);
	free(re);
}

void jn_regex_link(struct jn_regex *re, struct jn_regex **list)
{
	re->next = *list;
	*list = re;
}

struct jn_regex *jn_regex_next(const struct jn_regex *re)
{
	return re->next;
}

int jn_regex_ngroups(const struct jn_regex *re)
{
	return re->ngroups;
}

int jn_regex_exact(const struct jn_regex *re)
{
	return re->exact;
}

const char *jn_regex_source(const struct jn_regex *re)
{
	return re->source;
}

int jn_regex_check_text(struct ev *e, const struct jn_regex *re, const char *s,
			size_t len)
{
	for (size_t i = 0; (re->any_char || re->lines || re->mid_anchor) && i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (re->any_char && c >= 0xF0) /* "." takes half of an astral character in JavaScript */
			return jn_error(e->err, "K0001", 0,
					"the regular expression /%.40s/ on a character outside the Basic Multilingual Plane is outside the kuma-push JSONata subset",
					re->source);
		/* JavaScript's m flag also ends lines at \r, U+2028 and U+2029; REG_NEWLINE only at \n */
		if (re->lines && (c == '\r' || (c == 0xE2 && i + 2 < len && s[i + 1] == '\x80' &&
						 (s[i + 2] == '\xa8' || s[i + 2] == '\xa9'))))
			return jn_error(e->err, "K0001", 0,
					"the regular expression /%.40s/m on a text with a line end other than \\n is outside the kuma-push JSONata subset",
					re->source);
		if (re->mid_anchor && c == '\n') /* glibc reads "\n" as a line end there (jsonata_regex_tr.c) */
			return jn_error(e->err, "K0001", 0,
					"the regular expression /%.40s/ (an anchor inside the pattern) on a text with a newline is outside the kuma-push JSONata subset",
					re->source);
	}
	return 0;
}

/* One regexec from byte from (REG_STARTEND: NUL bytes and later starts work); 1 found, 0 none. */
static int run(struct ev *e, const struct jn_regex *re, const regex_t *rx, int nposix,
	       const char *s, size_t len, size_t from, regmatch_t *pm)
{
	size_t np = (size_t)nposix + 1;
	int rc;

	if (np > JN_RE_MAX_POSIX + 1)
		return jn_error(e->err, "K0001", 0,
				"the regular expression /%.40s/ has too many parts", re->source);
	e->steps += len - from + 1; /* regexec's cost follows the text */
	if (ev_tick(e) != 0)
		return -1;
	pm[0].rm_so = (regoff_t)from;
	pm[0].rm_eo = (regoff_t)len;
	rc = regexec(rx, s, np, pm, REG_STARTEND | (from > 0 ? REG_NOTBOL : 0));
	if (rc == REG_NOMATCH)
		return 0;
	if (rc != 0)
		return jn_error(e->err, "K0002", 0, "the regular expression /%.40s/ failed",
				re->source);
	return 1;
}

/*
 * Per text, each alternative's leftmost match from the last search on:
 * still the leftmost from a later start as long as it begins there or
 * after, so each alternative searches again only when passed (the work
 * stays linear in the text, not in texts times matches).
 */
enum { ALT_UNKNOWN, ALT_FOUND, ALT_NONE };

struct jn_re_cursor {
	int state[JN_RE_MAX_ALTS];
	regmatch_t *pm[JN_RE_MAX_ALTS];
};

static int exec_alts(struct ev *e, const struct jn_regex *re, struct jn_re_cursor **curp,
		     const char *s, size_t len, size_t from, struct jn_match *m)
{
	struct jn_re_cursor *cur = *curp;
	int best = -1;

	if (cur == NULL) {
		if ((cur = arena_alloc(&e->arena, sizeof(*cur))) == NULL)
			return ev_oom(e);
		memset(cur, 0, sizeof(*cur));
		for (int k = 0; k < re->nalts; k++)
			if ((cur->pm[k] = arena_alloc(&e->arena, sizeof(regmatch_t) *
						      ((size_t)re->alts[k].nposix + 1))) == NULL)
				return ev_oom(e);
		*curp = cur;
	}
	for (int k = 0; k < re->nalts; k++) {
		const struct jn_re_alt *alt = &re->alts[k];
		int rc;

		if (cur->state[k] == ALT_NONE ||
		    (cur->state[k] == ALT_FOUND && (size_t)cur->pm[k][0].rm_so >= from)) {
			rc = cur->state[k] == ALT_FOUND;
		} else {
			rc = run(e, re, &alt->re, alt->nposix, s, len, from, cur->pm[k]);
			if (rc < 0)
				return -1;
			cur->state[k] = rc ? ALT_FOUND : ALT_NONE;
		}
		/* the leftmost start; at a tie the first alternative, as JavaScript tries them */
		if (rc && (best < 0 || cur->pm[k][0].rm_so < cur->pm[best][0].rm_so))
			best = k;
	}
	if (best < 0)
		return 0;
	m[0].so = cur->pm[best][0].rm_so;
	m[0].eo = cur->pm[best][0].rm_eo;
	for (int g = 1; g <= re->ngroups; g++)
		m[g].so = m[g].eo = -1;
	for (int g = 1; g <= re->alts[best].ngroups; g++) {
		const regmatch_t *p = &cur->pm[best][re->alts[best].gmap[g]];

		m[re->alts[best].js_of[g]].so = p->rm_so;
		m[re->alts[best].js_of[g]].eo = p->rm_eo;
	}
	return 1;
}

int jn_regex_exec(struct ev *e, const struct jn_regex *re, struct jn_re_cursor **cur,
		  const char *s, size_t len, size_t from, struct jn_match *m)
{
	regmatch_t pm[JN_RE_MAX_POSIX + 1];
	int rc;

	if (re->nalts > 0)
		return exec_alts(e, re, cur, s, len, from, m);
	if ((rc = run(e, re, &re->re, re->nposix, s, len, from, pm)) <= 0)
		return rc;
	m[0].so = pm[0].rm_so;
	m[0].eo = pm[0].rm_eo;
	for (int g = 1; g <= re->ngroups; g++) {
		m[g].so = pm[re->gmap[g]].rm_so;
		m[g].eo = pm[re->gmap[g]].rm_eo;
	}
	return 1;
}
