/* SPDX-License-Identifier: MIT */
/*
 * jsonata_regex.h: a compiled regular expression literal, shared by the
 * translator (jsonata_regex_tr.c) and the matcher (jsonata_regex.c).
 */
#ifndef KP_JSONATA_REGEX_H
#define KP_JSONATA_REGEX_H

#include <regex.h>
#include <stdbool.h>

#include "buf.h"

#define JN_RE_MAX_GROUPS 32

struct jn_regex {
	struct jn_regex *next;
	regex_t re;
	int ngroups;           /* JavaScript's capture groups */
	int gmap[JN_RE_MAX_GROUPS + 1]; /* JavaScript group -> POSIX group */
	int nposix;            /* POSIX groups, ours included */
	bool extent_safe;      /* no alternation, no quantified group */
	bool any_char;         /* ".", a negated class, \D \W \S: one UTF-16 unit in JavaScript */
	char source[];         /* the pattern as written */
};

/* What the translation learnt about the pattern. */
struct jn_re_shape {
	int js_groups, posix_groups;
	int gmap[JN_RE_MAX_GROUPS + 1];
	bool extent_safe, any_char;
};

/*
 * JavaScript pattern src[0..len) to POSIX ERE text in out. Returns 0; -1
 * with why ("/.../ (a lookaround at column 3 of the pattern)") when it
 * does not translate; -2 on OOM.
 */
int jn_regex_translate(const char *src, size_t len, bool icase, struct buf *out,
		       struct jn_re_shape *shape, char *why, size_t why_size);

#endif
