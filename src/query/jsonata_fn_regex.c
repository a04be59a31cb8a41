/* SPDX-License-Identifier: MIT */
/*
 * jsonata_fn_regex.c: the built-ins that take a string or a regular
 * expression: $contains $match $replace ($0..$n in the replacement, or a
 * function) $split. Matches follow jsonata's closure: the next search
 * starts at the end of the last match, and a following empty match is
 * D1004.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "jsonata_int.h"

#define MAX_GROUPS 32

struct matcher {
	struct ev *e;
	const struct jn_regex *re;
	const char *s;
	size_t len;
	struct jn_match m[MAX_GROUPS + 1];
	int pos;
	struct jn_re_cursor *cur; /* the alternatives' matches in this text */
};

/* UTF-16 offset of byte off, counted on from a previous (byte, unit) pair. */
static size_t utf16_at(const char *s, size_t off, size_t *cb, size_t *cu)
{
	for (; *cb < off; (*cb)++) {
		unsigned char c = (unsigned char)s[*cb];

		if ((c & 0xC0) != 0x80)
			*cu += c >= 0xF0 ? 2 : 1;
	}
	return *cu;
}

static int first(struct matcher *mt, int *found)
{
	if (jn_regex_check_text(mt->e, mt->re, mt->s, mt->len) != 0)
		return -1;
	*found = jn_regex_exec(mt->e, mt->re, &mt->cur, mt->s, mt->len, 0, mt->m);
	return *found < 0 ? -1 : 0;
}

/* jsonata's next(): none at the end of the text; an empty match is D1004. */
static int next(struct matcher *mt, int *found)
{
	size_t from = (size_t)mt->m[0].eo;

	if (from >= mt->len) {
		*found = 0;
		return 0;
	}
	*found = jn_regex_exec(mt->e, mt->re, &mt->cur, mt->s, mt->len, from, mt->m);
	if (*found < 0)
		return -1;
	if (*found && mt->m[0].so == mt->m[0].eo)
		return jn_error(mt->e->err, "D1004", mt->pos,
				"Regular expression matches zero length string");
	return 0;
}

static const struct jn_regex *regex_of(struct ev *e, int pos, const struct jv *v)
{
	if (v->kind == JV_FUNC && v->u.fn->regex != NULL)
		return v->u.fn->regex;
	jn_error(e->err, "K0001", pos,
		 "a function as a matcher (not a regular expression) is outside the kuma-push JSONata subset");
	return NULL;
}

/* need: JN_RE_EXTENT, and JN_RE_GROUPS when the groups are seen (jsonata_regex_alt.c says which shapes are exact). */
static int need_exact(struct ev *e, int pos, const struct jn_regex *re, const char *fn,
		      int need)
{
	if ((jn_regex_exact(re) & need) == need)
		return 0;
	return jn_error(e->err, "K0001", pos,
			"$%s with /%.40s/ (alternation or a quantified group, where POSIX and JavaScript may match different text) is outside the kuma-push JSONata subset",
			fn, jn_regex_source(re));
}

/* Whether a replacement text may name a group ($1..$9...; $0 and $$ do not). */
static bool names_group(struct ev *e, const struct jv *r)
{
	const char *p;
	size_t n;

	if (r->kind != JV_STR || jv_str(e, r, &p, &n) != 0)
		return true; /* a function sees the groups (and an error is told later) */
	for (size_t i = 0; i + 1 < n; i++)
		if (p[i] == '$' && p[i + 1] >= '1' && p[i + 1] <= '9')
			return true;
	return false;
}

static const char *find(const char *s, size_t sl, size_t from, const char *t, size_t tl)
{
	for (size_t i = from; tl <= sl && i <= sl - tl; i++)
		if (memcmp(s + i, t, tl) == 0)
			return s + i;
	return NULL;
}

static int contains(struct ev *e, int pos, const struct jv *a, struct jv *out)
{
	struct matcher mt = { e, NULL, NULL, 0, { { 0, 0 } }, pos, NULL };
	const char *t;
	size_t tl;
	int found;

	if (jv_str(e, &a[0], &mt.s, &mt.len) != 0)
		return -1;
	if (a[1].kind == JV_UNDEF) /* jsonata 2.1.1 crashes here; refuse clearly */
		return jn_error(e->err, "T0410", pos,
				"Argument 2 of function \"contains\" does not match function signature");
	if (a[1].kind == JV_STR) {
		if (jv_str(e, &a[1], &t, &tl) != 0)
			return -1;
		*out = jv_bool(find(mt.s, mt.len, 0, t, tl) != NULL);
		return 0;
	}
	if ((mt.re = regex_of(e, pos, &a[1])) == NULL || first(&mt, &found) != 0)
		return -1;
	*out = jv_bool(found == 1);
	return 0;
}

/* The match as jsonata's matcher object, or as $match's result (groups undefined -> absent). */
static int match_object(struct matcher *mt, bool for_match, size_t *cb, size_t *cu,
			struct jv *out)
{
	struct ev *e = mt->e;
	struct jobj *o = jobj_new(e);
	struct jarr *groups = jarr_new(e, (size_t)jn_regex_ngroups(mt->re));
	struct jv v;

	if (o == NULL || groups == NULL)
		return ev_oom(e);
	v = jv_strn(mt->s + mt->m[0].so, (size_t)(mt->m[0].eo - mt->m[0].so));
	if (jobj_set(e, o, "match", 5, &v) != 0)
		return -1;
	v = jv_num((double)utf16_at(mt->s, (size_t)mt->m[0].so, cb, cu));
	if (jobj_set(e, o, for_match ? "index" : "start", for_match ? 5 : 5, &v) != 0)
		return -1;
	if (!for_match) {
		size_t b2 = *cb, u2 = *cu;

		v = jv_num((double)utf16_at(mt->s, (size_t)mt->m[0].eo, &b2, &u2));
		if (jobj_set(e, o, "end", 3, &v) != 0)
			return -1;
	}
	for (int g = 1; g <= jn_regex_ngroups(mt->re); g++)
		groups->items[groups->len++] = mt->m[g].so < 0 ? JV_UNDEFINED :
			jv_strn(mt->s + mt->m[g].so, (size_t)(mt->m[g].eo - mt->m[g].so));
	v = jv_arr(groups, 0);
	if (jobj_set(e, o, "groups", 6, &v) != 0)
		return -1;
	if (!for_match) {
		if (jv_builtin(e, FN_NONE, &v) != 0 || jobj_set(e, o, "next", 4, &v) != 0)
			return -1;
	}
	*out = jv_obj(o);
	return 0;
}

static int match(struct ev *e, int pos, const struct jv *a, struct jv *out)
{
	struct matcher mt = { e, NULL, NULL, 0, { { 0, 0 } }, pos, NULL };
	struct jarr *res = jarr_new(e, 0);
	double limit = a[2].kind == JV_NUM ? a[2].u.num : INFINITY, count = 0;
	size_t cb = 0, cu = 0;
	int found;

	if (res == NULL)
		return ev_oom(e);
	if (limit < 0)
		return jn_error(e->err, "D3040", pos,
				"Third argument of match function must evaluate to a positive number");
	if ((mt.re = regex_of(e, pos, &a[1])) == NULL ||
	    need_exact(e, pos, mt.re, "match", JN_RE_EXTENT | JN_RE_GROUPS) != 0 || jv_str(e, &a[0], &mt.s, &mt.len) != 0)
		return -1;
	*out = jv_arr(res, JVF_SEQ);
	if (!(limit > 0))
		return 0;
	if (first(&mt, &found) != 0)
		return -1;
	while (found && count < limit) {
		struct jv o;

		if (match_object(&mt, true, &cb, &cu, &o) != 0 || jarr_push(e, res, &o) != 0 ||
		    next(&mt, &found) != 0)
			return -1;
		count++;
	}
	return 0;
}

/* JavaScript's parseInt(text, 10) on at most n bytes: NaN as false. */
static bool parse_int(const char *p, size_t n, long *value)
{
	size_t i = 0;
	long v = 0, sign = 1;
	bool digits = false;

	while (i < n && (p[i] == ' ' || (p[i] >= '\t' && p[i] <= '\r')))
		i++;
	if (i < n && (p[i] == '+' || p[i] == '-'))
		sign = p[i++] == '-' ? -1 : 1;
	while (i < n && p[i] >= '0' && p[i] <= '9') {
		v = v * 10 + (p[i++] - '0');
		digits = true;
	}
	*value = sign * v;
	return digits;
}

/* The replacement text for one match: $$, $0, $n as jsonata reads them. */
static int substitute(struct matcher *mt, const char *r, size_t rl, struct buf *b)
{
	int ng = jn_regex_ngroups(mt->re);
	size_t p = 0, max_digits = ng == 0 ? 1 : (size_t)floor(log10((double)ng)) + 1;
	const char *d;

	while ((d = memchr(r + p, '$', rl - p)) != NULL) {
		size_t at = (size_t)(d - r);
		long idx;
		char text[24];

		if (buf_append(b, r + p, at - p) != KP_OK)
			return ev_oom(mt->e);
		p = at + 1;
		if (p < rl && r[p] == '$') {
			if (buf_append(b, "$", 1) != KP_OK)
				return ev_oom(mt->e);
			p++;
		} else if (p < rl && r[p] == '0') {
			if (buf_append(b, mt->s + mt->m[0].so, (size_t)(mt->m[0].eo - mt->m[0].so)) != KP_OK)
				return ev_oom(mt->e);
			p++;
		} else {
			size_t n = rl - p < max_digits ? rl - p : max_digits;
			bool ok = parse_int(r + p, n, &idx);

			if (ok && max_digits > 1 && idx > ng)
				ok = parse_int(r + p, n < max_digits - 1 ? n : max_digits - 1, &idx);
			if (!ok) {
				if (buf_append(b, "$", 1) != KP_OK)
					return ev_oom(mt->e);
				continue;
			}
			if (ng > 0 && idx >= 1 && idx <= ng && mt->m[idx].so >= 0 &&
			    buf_append(b, mt->s + mt->m[idx].so,
				       (size_t)(mt->m[idx].eo - mt->m[idx].so)) != KP_OK)
				return ev_oom(mt->e);
			p += (size_t)snprintf(text, sizeof(text), "%ld", idx);
			if (p > rl)
				p = rl;
		}
	}
	if (buf_append(b, r + p, rl - p) != KP_OK)
		return ev_oom(mt->e);
	return 0;
}

static int replace_regex(struct matcher *mt, const struct jv *a, double limit,
			 struct buf *b)
{
	struct ev *e = mt->e;
	const char *r = NULL;
	size_t rl = 0, at = 0, cb = 0, cu = 0;
	double count = 0;
	int found;

	if (a[2].kind == JV_STR && jv_str(e, &a[2], &r, &rl) != 0)
		return -1;
	if (first(mt, &found) != 0)
		return -1;
	while (found && count < limit) {
		if (buf_append(b, mt->s + at, (size_t)mt->m[0].so - at) != KP_OK)
			return ev_oom(e);
		if (r != NULL) {
			if (substitute(mt, r, rl, b) != 0)
				return -1;
		} else {
			struct jv o, res;
			const char *p;
			size_t n;

			if (match_object(mt, false, &cb, &cu, &o) != 0 ||
			    e->apply(e, &a[2], &o, 1, NULL, &res) != 0)
				return -1;
			if (res.kind != JV_STR)
				return jn_error(e->err, "D3012", mt->pos,
						"Attempted to replace a matched string with a non-string value");
			if (jv_str(e, &res, &p, &n) != 0 || buf_append(b, p, n) != KP_OK)
				return e->err->code[0] != '\0' ? -1 : ev_oom(e);
		}
		at = (size_t)mt->m[0].eo;
		count++;
		if (next(mt, &found) != 0)
			return -1;
	}
	if (buf_append(b, mt->s + at, mt->len - at) != KP_OK)
		return ev_oom(e);
	return 0;
}

static int replace(struct ev *e, int pos, const struct jv *a, struct jv *out)
{
	struct matcher mt = { e, NULL, NULL, 0, { { 0, 0 } }, pos, NULL };
	double limit = a[3].kind == JV_NUM ? a[3].u.num : INFINITY, count = 0;
	struct buf b;
	int rc = 0;

	if (a[1].kind == JV_STR && a[1].u.s.len == 0)
		return jn_error(e->err, "D3010", pos,
				"Second argument of replace function cannot be an empty string");
	if (limit < 0)
		return jn_error(e->err, "D3011", pos,
				"Fourth argument of replace function must evaluate to a positive number");
	if (jv_str(e, &a[0], &mt.s, &mt.len) != 0)
		return -1;
	if (!(limit > 0)) {
		*out = a[0];
		return 0;
	}
	if (a[1].kind != JV_STR &&
	    ((mt.re = regex_of(e, pos, &a[1])) == NULL || need_exact(e, pos, mt.re, "replace",
				     JN_RE_EXTENT | (names_group(e, &a[2]) ? JN_RE_GROUPS : 0)) != 0))
		return -1;
	if (a[1].kind == JV_STR && a[2].kind != JV_STR)
		return jn_error(e->err, "K0001", pos,
				"$replace of a string by a function is outside the kuma-push JSONata subset");
	buf_init(&b, JN_MAX_ARENA / 4);
	if (a[1].kind == JV_STR) {
		const char *t, *r, *hit;
		size_t tl, rl, at = 0;

		if (jv_str(e, &a[1], &t, &tl) != 0 || jv_str(e, &a[2], &r, &rl) != 0)
			rc = -1;
		while (rc == 0 && count < limit && (hit = find(mt.s, mt.len, at, t, tl)) != NULL) {
			size_t i = (size_t)(hit - mt.s);

			if (ev_tick(e) != 0 || buf_append(&b, mt.s + at, i - at) != KP_OK ||
			    buf_append(&b, r, rl) != KP_OK)
				rc = e->err->code[0] == 'K' && e->steps > JN_MAX_STEPS ? -1 : ev_oom(e);
			at = i + tl;
			count++;
		}
		if (rc == 0 && buf_append(&b, mt.s + at, mt.len - at) != KP_OK)
			rc = ev_oom(e);
	} else {
		rc = replace_regex(&mt, a, limit, &b);
	}
	if (rc == 0)
		rc = jv_str_copy(e, b.len > 0 ? buf_str(&b) : "", b.len, out);
	buf_free(&b);
	return rc;
}

/* JavaScript's ToUint32 of a split limit. */
static double to_uint32(double x)
{
	if (!isfinite(x))
		return 0;
	x = fmod(trunc(x), 4294967296.0);
	return x < 0 ? x + 4294967296.0 : x;
}

static int push_str(struct ev *e, struct jarr *res, const char *p, size_t n)
{
	struct jv v = jv_strn(p, n);

	return ev_tick(e) != 0 ? -1 : jarr_push(e, res, &v);
}

/* str.split(""): UTF-16 code units, so an astral character becomes two lone surrogates. */
static int split_units(struct ev *e, struct jarr *res, const char *s, size_t n,
		       double limit)
{
	for (size_t i = 0; i < n && res->len < limit;) {
		unsigned char c = (unsigned char)s[i];
		size_t k = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;

		if (k == 4 && i + 3 < n) {
			unsigned long cp = (((c & 0x07u) << 18) | (((unsigned char)s[i + 1] & 0x3Fu) << 12) |
					    (((unsigned char)s[i + 2] & 0x3Fu) << 6) |
					    ((unsigned char)s[i + 3] & 0x3Fu)) - 0x10000;
			char *u = arena_alloc(&e->arena, 6);
			unsigned hi = 0xD800 + (unsigned)(cp >> 10), lo = 0xDC00 + (unsigned)(cp & 0x3FF);

			if (u == NULL)
				return ev_oom(e);
			u[0] = (char)0xED;
			u[1] = (char)(0x80 | ((hi >> 6) & 0x3F));
			u[2] = (char)(0x80 | (hi & 0x3F));
			u[3] = (char)0xED;
			u[4] = (char)(0x80 | ((lo >> 6) & 0x3F));
			u[5] = (char)(0x80 | (lo & 0x3F));
			if (push_str(e, res, u, 3) != 0 ||
			    (res->len < limit && push_str(e, res, u + 3, 3) != 0))
				return -1;
		} else if (push_str(e, res, s + i, k) != 0) {
			return -1;
		}
		i += k;
	}
	return 0;
}

static int split(struct ev *e, int pos, const struct jv *a, struct jv *out)
{
	struct matcher mt = { e, NULL, NULL, 0, { { 0, 0 } }, pos, NULL };
	double limit = a[2].kind == JV_NUM ? a[2].u.num : INFINITY;
	struct jarr *res = jarr_new(e, 0);
	int found;

	if (res == NULL)
		return ev_oom(e);
	if (limit < 0)
		return jn_error(e->err, "D3020", pos,
				"Third argument of split function must evaluate to a positive number");
	if (jv_str(e, &a[0], &mt.s, &mt.len) != 0)
		return -1;
	*out = jv_arr(res, 0);
	if (!(limit > 0))
		return 0;
	if (a[1].kind == JV_STR) {
		const char *t, *hit;
		size_t tl, at = 0;

		if (a[2].kind == JV_NUM)
			limit = to_uint32(limit);
		if (jv_str(e, &a[1], &t, &tl) != 0)
			return -1;
		if (tl == 0)
			return split_units(e, res, mt.s, mt.len, limit);
		while (res->len < limit && (hit = find(mt.s, mt.len, at, t, tl)) != NULL) {
			if (push_str(e, res, mt.s + at, (size_t)(hit - mt.s) - at) != 0)
				return -1;
			at = (size_t)(hit - mt.s) + tl;
		}
		if (res->len < limit && push_str(e, res, mt.s + at, mt.len - at) != 0)
			return -1;
		return 0;
	}
	if ((mt.re = regex_of(e, pos, &a[1])) == NULL || need_exact(e, pos, mt.re, "split", JN_RE_EXTENT) != 0 ||
	    first(&mt, &found) != 0)
		return -1;
	{
		size_t start = 0;
		double count = 0;

		if (!found)
			return push_str(e, res, mt.s, mt.len);
		while (found && count < limit) {
			if (push_str(e, res, mt.s + start, (size_t)mt.m[0].so - start) != 0)
				return -1;
			start = (size_t)mt.m[0].eo;
			if (next(&mt, &found) != 0)
				return -1;
			count++;
		}
		if (count < limit && push_str(e, res, mt.s + start, mt.len - start) != 0)
			return -1;
	}
	return 0;
}

int fn_apply_regex(struct ev *e, int fn, int pos, const struct jv *a, int n,
		   struct jv *out)
{
	(void)n;
	if (a[0].kind == JV_UNDEF) {
		*out = JV_UNDEFINED;
		return 0;
	}
	switch (fn) {
	case FN_CONTAINS:
		return contains(e, pos, a, out);
	case FN_MATCH:
		return match(e, pos, a, out);
	case FN_REPLACE:
		return replace(e, pos, a, out);
	default:
		return split(e, pos, a, out);
	}
}
