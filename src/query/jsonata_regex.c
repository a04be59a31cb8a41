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

#define MAX_GROUPS JN_RE_MAX_GROUPS

int jn_regex_compile(const char *src, size_t len, const char *flags,
		     struct jn_regex **out, char *why, size_t why_size)
{
	struct jn_re_shape t;
	struct jn_regex *re;
	struct buf text;
	int rc;

	*out = NULL;
	why[0] = '\0';
	if (strchr(flags, 'm') != NULL) {
		snprintf(why, why_size, "/%.40s/m (the m flag)", src);
		return -1;
	}
	buf_init(&text, 1u << 20);
	rc = jn_regex_translate(src, len, strchr(flags, 'i') != NULL, &text, &t, why, why_size);
	if (rc == 0 && buf_append(&text, "", 0) == KP_OK && buf_str(&text) != NULL &&
	    (re = calloc(1, sizeof(*re) + len + 1)) != NULL) {
		memcpy(re->source, src, len);
		if (regcomp(&re->re, buf_str(&text), REG_EXTENDED | (strchr(flags, 'i') != NULL ? REG_ICASE : 0)) != 0) {
			free(re);
			buf_free(&text);
			snprintf(why, why_size, "/%.40s/ (not translatable)", src);
			return -1;
		}
		re->ngroups = t.js_groups;
		memcpy(re->gmap, t.gmap, sizeof(re->gmap));
		re->nposix = t.posix_groups;
		re->extent_safe = t.extent_safe;
		re->any_char = t.any_char;
		buf_free(&text);
		*out = re;
		return 0;
	}
	buf_free(&text);
	if (rc == -1)
		return -1;
	return -1; /* out of memory: why stays empty */
}

void jn_regex_free(struct jn_regex *re)
{
	if (re == NULL)
		return;
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

bool jn_regex_extent_safe(const struct jn_regex *re)
{
	return re->extent_safe;
}

const char *jn_regex_source(const struct jn_regex *re)
{
	return re->source;
}

int jn_regex_check_text(struct ev *e, const struct jn_regex *re, const char *s,
			size_t len)
{
	if (!re->any_char) /* "." takes half of an astral character in JavaScript */
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0xF0)
			return jn_error(e->err, "K0001", 0,
					"the regular expression /%.40s/ on a character outside the Basic Multilingual Plane is outside the kuma-push JSONata subset",
					re->source);
	return 0;
}

int jn_regex_exec(struct ev *e, const struct jn_regex *re, const char *s, size_t len,
		  size_t from, struct jn_match *m)
{
	regmatch_t pm[MAX_GROUPS * 8 + 1];
	size_t np = (size_t)re->nposix + 1;
	int rc;

	if (np > sizeof(pm) / sizeof(pm[0]))
		return jn_error(e->err, "K0001", 0,
				"the regular expression /%.40s/ has too many parts", re->source);
	e->steps += len - from + 1; /* regexec's cost follows the text */
	if (ev_tick(e) != 0)
		return -1;
	pm[0].rm_so = (regoff_t)from;
	pm[0].rm_eo = (regoff_t)len;
	rc = regexec(&re->re, s, np, pm, REG_STARTEND | (from > 0 ? REG_NOTBOL : 0));
	if (rc == REG_NOMATCH)
		return 0;
	if (rc != 0)
		return jn_error(e->err, "K0002", 0, "the regular expression /%.40s/ failed",
				re->source);
	m[0].so = pm[0].rm_so;
	m[0].eo = pm[0].rm_eo;
	for (int g = 1; g <= re->ngroups; g++) {
		m[g].so = pm[re->gmap[g]].rm_so;
		m[g].eo = pm[re->gmap[g]].rm_eo;
	}
	return 1;
}
