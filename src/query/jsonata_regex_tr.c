/* SPDX-License-Identifier: MIT */
/*
 * jsonata_regex_tr.c: regular expression literals, translated from
 * JavaScript's syntax to POSIX extended syntax and compiled with the C
 * library's regcomp (in the C locale, on UTF-8 bytes). What maps cleanly
 * is translated: literals, classes, \d \w \s and their negations, ".",
 * anchors, groups (also "(?:"), alternation and greedy {m,n} * + ?.
 * Multi-byte characters become groups of bytes; a map keeps JavaScript's
 * group numbers. The rest (lookaround, backreferences, lazy quantifiers,
 * \b, ...) is K0001 with its column. The m flag is REG_NEWLINE, which also
 * keeps "." and negated lists off newline: "." excludes it anyway, and a
 * negated class or \D \W names newline as an alternative of its own.
 *
 * POSIX picks the longest of the leftmost matches, JavaScript the first by
 * priority. Both find a match at the same leftmost place, so a test ($contains)
 * is always exact; the matched text can differ only through alternation or
 * a quantified group ("extent"); jsonata_regex_alt.c makes the common
 * shapes of those exact, and $match, $replace and $split refuse the rest.
 */
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonata_int.h"
#include "jsonata_regex.h"
#include "util.h"

#define MAX_GROUPS JN_RE_MAX_GROUPS


/* Code points as byte patterns (for "." and the negated classes). */
#define MB_ANY "[\xc0-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf][\x80-\xbf]|[\xf0-\xf7][\x80-\xbf][\x80-\xbf][\x80-\xbf]"
/* JavaScript's "." : anything but \n \r U+2028 U+2029 */
#define DOT "[^\n\r\x80-\xff]|[\xc0-\xdf][\x80-\xbf]|\xe2\x80[\x80-\xa7\xaa-\xbf]|\xe2[\x81-\xbf][\x80-\xbf]|[\xe0\xe1\xe3-\xef][\x80-\xbf][\x80-\xbf]|[\xf0-\xf7][\x80-\xbf][\x80-\xbf][\x80-\xbf]"
/* \s: JavaScript's white space and line terminators */
#define SPACE "[\t\n\v\f\r ]|\xc2\xa0|\xe1\x9a\x80|\xe2\x80[\x80-\x8a\xa8\xa9\xaf]|\xe2\x81\x9f|\xe3\x80\x80|\xef\xbb\xbf"
/* \S: every other code point */
#define NONSPACE "[^\t\n\v\f\r \x80-\xff]|\xc2[\x80-\x9f\xa1-\xbf]|[\xc3-\xdf][\x80-\xbf]|\xe0[\x80-\xbf][\x80-\xbf]|\xe1[\x80-\x99\x9b-\xbf][\x80-\xbf]|\xe1\x9a[\x81-\xbf]|\xe2\x80[\x8b-\xa7\xaa-\xae\xb0-\xbf]|\xe2\x81[\x80-\x9e\xa0-\xbf]|\xe2[\x82-\xbf][\x80-\xbf]|\xe3\x80[\x81-\xbf]|\xe3[\x81-\xbf][\x80-\xbf]|[\xe4-\xee][\x80-\xbf][\x80-\xbf]|\xef[\x80-\xba\xbc-\xbf][\x80-\xbf]|\xef\xbb[\x80-\xbe]|[\xf0-\xf7][\x80-\xbf][\x80-\xbf][\x80-\xbf]"

struct tr {
	const char *s;
	size_t n, i;
	struct buf out;
	bool icase;
	bool multiline;              /* the m flag: REG_NEWLINE (see the head comment) */
	bool anchors;                /* a "^" or "$" */
	struct jn_re_path path;      /* anchors inside a path (jsonata_regex_path.c) */
	int js_groups, posix_groups;
	int gmap[MAX_GROUPS + 1];
	bool extent_safe;
	bool any_char;
	int depth;
	int open_js[MAX_GROUPS * 4]; /* per open paren: its JS group or 0 */
	size_t atom_start;           /* out offset where the last atom began */
	bool have_atom;
	char *why;
	size_t why_size;
};

static int fail(struct tr *t, const char *what)
{
	snprintf(t->why, t->why_size, "/%.40s/ (%s at column %zu of the pattern)",
		 t->s, what, t->i + 1);
	return -1;
}

static int emit(struct tr *t, const char *p, size_t n)
{
	return buf_append(&t->out, p, n) == KP_OK ? 0 : -2;
}

static int emit_str(struct tr *t, const char *p)
{
	return emit(t, p, strlen(p));
}

/* A POSIX group of ours (no JavaScript number) around text. */
static int emit_group(struct tr *t, const char *text)
{
	t->posix_groups++;
	if (emit(t, "(", 1) != 0 || emit_str(t, text) != 0)
		return -2;
	return emit(t, ")", 1);
}

/* One literal code point; a multi-byte one is grouped so that a quantifier takes it whole. */
static int emit_char(struct tr *t, unsigned cp)
{
	char bytes[8];
	size_t n;

	if (cp == 0)
		return fail(t, "a NUL character");
	if (cp >= 0x80 && t->icase)
		return fail(t, "a non-ASCII character with the i flag");
	if (cp >= 0x10000 && t->i < t->n && strchr("*+?{", t->s[t->i]) != NULL)
		/* JavaScript sees two code units and repeats only the second */
		return fail(t, "a quantified character outside the Basic Multilingual Plane");
	if (cp < 0x80) {
		if (strchr(".[]()*+?{}|^$\\", (int)cp) != NULL) {
			bytes[0] = '[';
			bytes[1] = (char)cp;
			bytes[2] = ']';
			if (cp == '^') { /* "[^]" would be a negation */
				bytes[0] = '\\';
				bytes[1] = '^';
				return emit(t, bytes, 2);
			}
			if (cp == '\\') {
				bytes[0] = '[';
				bytes[1] = '\\';
				bytes[2] = ']';
			}
			return emit(t, bytes, 3);
		}
		bytes[0] = (char)cp;
		return emit(t, bytes, 1);
	}
	n = kp_utf8_put(bytes, cp);
	bytes[n] = '\0';
	return emit_group(t, bytes);
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* \xHH or \uHHHH at t->s[t->i] (after the letter); -1 if not that form. */
static long hex_escape(struct tr *t, int digits)
{
	long v = 0;

	if (t->i + (size_t)digits >= t->n + 1)
		return -1;
	for (int k = 0; k < digits; k++) {
		int h = hexval(t->s[t->i + (size_t)k]);

		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	t->i += (size_t)digits;
	return v;
}

/* Escapes that stand for one character (outside and inside classes). */
static long char_escape(struct tr *t, char c)
{
	switch (c) {
	case 'n': return '\n';
	case 't': return '\t';
	case 'r': return '\r';
	case 'f': return '\f';
	case 'v': return '\v';
	case 'x': return hex_escape(t, 2);
	case 'u': {
		long v = hex_escape(t, 4);

		return v >= 0xD800 && v <= 0xDFFF ? -2 : v;
	}
	default:
		if (c != '\0' && strchr("^$\\.*+?()[]{}|/-,:=!<>'\"#%&;@`~ ", c) != NULL)
			return (unsigned char)c;
		return -1;
	}
}

static void set_range(bool *set, int a, int b)
{
	for (int c = a; c <= b; c++)
		set[c] = true;
}

/* A bracket expression for the ASCII set: "]" first, "-" last, "^" not first. */
static int emit_set(struct tr *t, const bool *set, bool negate)
{
	char buf[300];
	size_t n = 0;

	buf[n++] = '[';
	if (negate)
		buf[n++] = '^';
	if (set[']'])
		buf[n++] = ']';
	for (int c = 1; c < 128; c++) {
		int end = c;

		if (!set[c] || c == ']' || c == '-' || c == '^')
			continue;
		while (end + 1 < 128 && set[end + 1] && end + 1 != ']' && end + 1 != '-' &&
		       end + 1 != '^')
			end++;
		buf[n++] = (char)c;
		if (end > c + 1) {
			buf[n++] = '-';
			buf[n++] = (char)end;
		} else if (end == c + 1) {
			buf[n++] = (char)end;
		}
		c = end;
	}
	if (set['^'])
		buf[n++] = '^';
	if (negate) { /* the multi-byte code points are outside the set: see below */
		buf[n++] = '\x80';
		buf[n++] = '-';
		buf[n++] = '\xff';
	}
	if (set['-'])
		buf[n++] = '-';
	buf[n++] = ']';
	if (n == 2 + (negate ? 1 : 0))
		return fail(t, "an empty class");
	return emit(t, buf, n);
}

static int translate_class(struct tr *t)
{
	bool set[128] = { false }, negate = false;
	int prev = -1; /* the previous literal, for ranges */
	struct buf tmp;
	int rc;

	t->i++; /* "[" */
	if (t->i < t->n && t->s[t->i] == '^') {
		negate = true;
		t->i++;
	}
	if (t->i < t->n && t->s[t->i] == ']')
		return fail(t, negate ? "the class [^]" : "the empty class []");
	while (t->i < t->n && t->s[t->i] != ']') {
		unsigned char c = (unsigned char)t->s[t->i++];
		long v = c;

		if (c >= 0x80)
			return fail(t, "a non-ASCII character in a class");
		if (c == '\\') {
			char k = t->i < t->n ? t->s[t->i++] : '\0';

			if (k == 'd') {
				set_range(set, '0', '9');
				prev = -1;
				continue;
			}
			if (k == 'w') {
				set_range(set, 'a', 'z');
				set_range(set, 'A', 'Z');
				set_range(set, '0', '9');
				set['_'] = true;
				prev = -1;
				continue;
			}
			if ((v = char_escape(t, k)) < 0 || v >= 0x80 || v == 0)
				return fail(t, "an escape in a class");
		} else if (c == '-' && prev >= 0 && t->i < t->n && t->s[t->i] != ']') {
			unsigned char d = (unsigned char)t->s[t->i++];
			long hi = d;

			if (d == '\\') {
				char k = t->i < t->n ? t->s[t->i++] : '\0';

				hi = char_escape(t, k);
			}
			if (hi < 0 || hi >= 0x80 || hi == 0)
				return fail(t, "a range in a class");
			if (hi < prev)
				return fail(t, "a range out of order");
			set_range(set, prev, (int)hi);
			prev = -1;
			continue;
		}
		if (v == 0)
			return fail(t, "a NUL character");
		set[v] = true;
		prev = (int)v;
	}
	if (t->i >= t->n)
		return fail(t, "an unterminated class");
	t->i++; /* "]" */
	if (!negate)
		return emit_set(t, set, false);
	t->any_char = true;
	/* [^...]: ASCII outside the set, or any multi-byte code point */
	tmp = t->out;
	buf_init(&t->out, 4096);
	rc = emit_set(t, set, true);
	if (rc == 0) {
		struct buf set_text = t->out;

		t->out = tmp;
		t->posix_groups++;
		rc = emit(t, "(", 1);
		if (rc == 0)
			rc = emit(t, set_text.data, set_text.len);
		if (rc == 0 && t->multiline && !set['\n'])
			rc = emit_str(t, "|\n"); /* REG_NEWLINE keeps a negated list off newline */
		if (rc == 0)
			rc = emit_str(t, "|" MB_ANY ")");
		buf_free(&set_text);
		return rc;
	}
	buf_free(&t->out);
	t->out = tmp;
	return rc;
}

static int translate_escape(struct tr *t)
{
	char k = t->i + 1 < t->n ? t->s[t->i + 1] : '\0';
	long v;

	t->i += 2;
	switch (k) {
	case 'd': return emit_str(t, "[0-9]");
	case 'w': return emit_str(t, "[A-Za-z0-9_]");
	case 'D': case 'W': case 'S': t->any_char = true; break;
	default: break;
	}
	switch (k) {
	/* REG_NEWLINE (the m flag) keeps a negated list off newline: name it */
	case 'D': return emit_group(t, t->multiline ? "[^0-9\x80-\xff]|\n|" MB_ANY :
					 "[^0-9\x80-\xff]|" MB_ANY);
	case 'W': return emit_group(t, t->multiline ? "[^A-Za-z0-9_\x80-\xff]|\n|" MB_ANY :
					 "[^A-Za-z0-9_\x80-\xff]|" MB_ANY);
	case 's': return emit_group(t, SPACE);
	case 'S': return emit_group(t, NONSPACE);
	case 'b': case 'B': t->i -= 2; return fail(t, "a word boundary");
	default: break;
	}
	if (k >= '0' && k <= '9') {
		t->i -= 2;
		return fail(t, k == '0' ? "a NUL escape" : "a backreference");
	}
	v = char_escape(t, k);
	if (v < 0) {
		t->i -= 2;
		return fail(t, "an escape");
	}
	return emit_char(t, (unsigned)v);
}

/* {n}, {n,}, {n,m} at t->i: its length, or 0 when "{" is a literal (as in JavaScript). */
static size_t brace_quantifier(const struct tr *t, long *lo, long *hi)
{
	size_t i = t->i + 1;
	long a = 0, b = -1;
	bool digits = false;

	while (i < t->n && t->s[i] >= '0' && t->s[i] <= '9' && a < 100000) {
		a = a * 10 + (t->s[i++] - '0');
		digits = true;
	}
	if (!digits)
		return 0;
	b = a;
	if (i < t->n && t->s[i] == ',') {
		i++;
		b = -1;
		if (i < t->n && t->s[i] >= '0' && t->s[i] <= '9') {
			b = 0;
			while (i < t->n && t->s[i] >= '0' && t->s[i] <= '9' && b < 100000)
				b = b * 10 + (t->s[i++] - '0');
		}
	}
	if (i >= t->n || t->s[i] != '}')
		return 0;
	*lo = a;
	*hi = b;
	return i + 1 - t->i;
}

static int translate_quantifier(struct tr *t, bool group_atom)
{
	char c = t->s[t->i];
	long lo = 0, hi = 0;
	size_t len = 1;
	char text[40];

	if (c == '{') {
		len = brace_quantifier(t, &lo, &hi);
		if (len == 0)
			return 1; /* a literal "{" */
		if (lo > RE_DUP_MAX || hi > RE_DUP_MAX || (hi >= 0 && hi < lo))
			return fail(t, "a repetition bound");
		if (hi < 0)
			snprintf(text, sizeof(text), "{%ld,}", lo);
		else
			snprintf(text, sizeof(text), "{%ld,%ld}", lo, hi);
	} else {
		text[0] = c;
		text[1] = '\0';
	}
	if (!t->have_atom)
		return fail(t, "a quantifier with nothing to repeat");
	if (t->i + len < t->n && t->s[t->i + len] == '?')
		return fail(t, "a lazy quantifier");
	if (t->i + len < t->n && strchr("*+", t->s[t->i + len]) != NULL)
		return fail(t, "a repeated quantifier");
	if (t->i + len < t->n && t->s[t->i + len] == '{') {
		size_t at = t->i;
		long a, b;

		t->i += len;
		len = brace_quantifier(t, &a, &b) != 0 ? 0 : len;
		t->i = at;
		if (len == 0)
			return fail(t, "a repeated quantifier");
	}
	if (group_atom)
		t->extent_safe = false;
	t->i += len;
	t->have_atom = false;
	return emit_str(t, text);
}

static int translate(struct tr *t)
{
	bool last_group = false; /* the last atom was a "( ... )" group */

	while (t->i < t->n) {
		char c = t->s[t->i];
		int rc = 0;

		if (c == '*' || c == '+' || c == '?' || c == '{') {
			if (last_group && t->path.group_anchor) /* "(a$)+" repeats around its anchor */
				t->path.mid_anchor = true;
			rc = translate_quantifier(t, last_group);
			if (rc < 0)
				return rc;
			if (rc == 0)
				continue;
			/* "{" as a literal */
		}
		last_group = false;
		t->have_atom = true;
		jn_re_path_token(&t->path, t->depth, strchr("()|^$", c) != NULL ? c : 'a');
		switch (c) {
		case '(':
			if (t->i + 1 < t->n && t->s[t->i + 1] == '?') {
				if (t->i + 2 < t->n && t->s[t->i + 2] == ':') {
					t->i += 3;
					t->open_js[t->depth++] = 0;
				} else {
					return fail(t, t->i + 2 < t->n && t->s[t->i + 2] == '<' &&
						    t->i + 3 < t->n && t->s[t->i + 3] != '=' &&
						    t->s[t->i + 3] != '!' ? "a named group" : "a lookaround");
				}
			} else {
				if (t->js_groups >= MAX_GROUPS)
					return fail(t, "too many groups");
				t->i++;
				t->open_js[t->depth++] = ++t->js_groups;
			}
			if (t->depth >= (int)(sizeof(t->open_js) / sizeof(t->open_js[0])))
				return fail(t, "groups nested too deep");
			t->posix_groups++;
			if (t->open_js[t->depth - 1] != 0)
				t->gmap[t->open_js[t->depth - 1]] = t->posix_groups;
			if (t->i < t->n && t->s[t->i] == ')')
				return fail(t, "an empty group");
			if (t->i < t->n && t->s[t->i] == '|')
				return fail(t, "an empty alternative");
			t->have_atom = false;
			rc = emit(t, "(", 1);
			break;
		case ')':
			if (t->depth == 0)
				return fail(t, "an unmatched \")\"");
			if (t->s[t->i - 1] == '|')
				return fail(t, "an empty alternative");
			t->depth--;
			t->i++;
			last_group = true;
			rc = emit(t, ")", 1);
			break;
		case '|':
			if (t->i == 0 || t->i + 1 >= t->n || t->s[t->i + 1] == '|' ||
			    t->s[t->i + 1] == ')' || t->s[t->i - 1] == '(')
				return fail(t, "an empty alternative");
			t->extent_safe = false;
			t->have_atom = false;
			t->i++;
			rc = emit(t, "|", 1);
			break;
		case '[':
			rc = translate_class(t);
			break;
		case '\\':
			rc = translate_escape(t);
			break;
		case '.':
			t->i++;
			t->any_char = true;
			rc = emit_group(t, DOT);
			break;
		case '^':
		case '$':
			t->i++;
			t->anchors = true;
			t->have_atom = false;
			rc = emit(t, &c, 1);
			break;
		default: {
			const unsigned char *u = (const unsigned char *)t->s + t->i;
			size_t n = u[0] < 0x80 ? 1 : u[0] < 0xE0 ? 2 : u[0] < 0xF0 ? 3 : 4;
			unsigned cp = u[0];

			if (n == 2)
				cp = ((u[0] & 0x1Fu) << 6) | (u[1] & 0x3Fu);
			else if (n == 3)
				cp = ((u[0] & 0x0Fu) << 12) | ((u[1] & 0x3Fu) << 6) | (u[2] & 0x3Fu);
			else if (n == 4)
				cp = ((u[0] & 0x07u) << 18) | ((u[1] & 0x3Fu) << 12) |
				     ((u[2] & 0x3Fu) << 6) | (u[3] & 0x3Fu);
			t->i += n;
			rc = emit_char(t, cp);
			break;
		}
		}
		if (rc != 0)
			return rc;
	}
	if (t->depth != 0)
		return fail(t, "an unterminated group");
	return 0;
}

int jn_regex_translate(const char *src, size_t len, bool icase, bool multiline,
		       struct buf *out, struct jn_re_shape *shape, char *why, size_t why_size)
{
	struct tr t;
	int rc;

	memset(&t, 0, sizeof(t));
	t.s = src;
	t.n = len;
	t.icase = icase;
	t.multiline = multiline;
	t.path.at_start = true;
	t.extent_safe = true;
	t.why = why;
	t.why_size = why_size;
	t.out = *out;
	rc = translate(&t);
	*out = t.out;
	shape->js_groups = t.js_groups;
	shape->posix_groups = t.posix_groups;
	memcpy(shape->gmap, t.gmap, sizeof(shape->gmap));
	shape->extent_safe = t.extent_safe;
	shape->any_char = t.any_char;
	shape->anchors = t.anchors;
	shape->mid_anchor = t.path.mid_anchor;
	return rc;
}
