/* SPDX-License-Identifier: MIT */
/*
 * jsonata_regex.h: a compiled regular expression literal, shared by the
 * translator (jsonata_regex_tr.c), the shapes whose matched text is exact
 * (jsonata_regex_alt.c) and the matcher (jsonata_regex.c).
 */
#ifndef KP_JSONATA_REGEX_H
#define KP_JSONATA_REGEX_H

#include <regex.h>
#include <stdbool.h>

#include "buf.h"

#define JN_RE_MAX_GROUPS 32
#define JN_RE_MAX_ALTS 16
#define JN_RE_MAX_POSIX (JN_RE_MAX_GROUPS * 8) /* our own groups included */

/* One alternative of a top-level alternation, compiled on its own. */
struct jn_re_alt {
	regex_t re;
	int nposix;
	int ngroups;           /* its own JavaScript groups (prefix, wrapper, its own, suffix) */
	int gmap[JN_RE_MAX_GROUPS + 1];  /* its own group -> POSIX group */
	int js_of[JN_RE_MAX_GROUPS + 1]; /* its own group -> the pattern's JavaScript group */
};

struct jn_regex {
	struct jn_regex *next;
	regex_t re;
	int ngroups;           /* JavaScript's capture groups */
	int gmap[JN_RE_MAX_GROUPS + 1]; /* JavaScript group -> POSIX group */
	int nposix;            /* POSIX groups, ours included */
	int exact;             /* JN_RE_EXTENT | JN_RE_GROUPS: what POSIX gets as JavaScript does */
	bool any_char;         /* ".", a negated class, \D \W \S: one UTF-16 unit in JavaScript */
	bool lines;            /* the m flag with an anchor: only "\n" may end a line */
	bool mid_anchor;       /* no m flag, an anchor inside a path: no "\n" in the text */
	int nalts;             /* > 0: match through the alternatives */
	struct jn_re_alt *alts;
	char source[];         /* the pattern as written */
};

/*
 * Anchors on the paths of a pattern: at_start, nothing consumed since the
 * start of the pattern on this path; after_dollar, a "$" behind;
 * mid_anchor, some anchor is inside a path (jsonata_regex_path.c).
 */
struct jn_re_path {
	bool at_start, after_dollar, mid_anchor, group_anchor;
	struct {
		bool open_start, all_start, open_dollar, any_dollar, anchor;
	} path[JN_RE_MAX_GROUPS * 4];
};
void jn_re_path_token(struct jn_re_path *p, int depth, char kind);

/* What the translation learnt about the pattern. */
struct jn_re_shape {
	int js_groups, posix_groups;
	int gmap[JN_RE_MAX_GROUPS + 1];
	bool extent_safe, any_char, anchors;
	bool mid_anchor; /* "^" after or "$" before something consumed (see path_token) */
};

/*
 * JavaScript pattern src[0..len) to POSIX ERE text in out. Returns 0; -1
 * with why ("/.../ (a lookaround at column 3 of the pattern)") when it
 * does not translate; -2 on OOM.
 */
int jn_regex_translate(const char *src, size_t len, bool icase, bool multiline,
		       struct buf *out, struct jn_re_shape *shape, char *why, size_t why_size);

/*
 * jsonata_regex_alt.c: sets re->exact (and re->alts for an alternation
 * matched alternative by alternative) for a translated pattern. Returns 0,
 * -2 on OOM.
 */
int jn_regex_shape(struct jn_regex *re, const char *src, size_t len, int cflags,
		   bool multiline, const struct jn_re_shape *whole);
void jn_regex_alts_free(struct jn_regex *re);

#endif
