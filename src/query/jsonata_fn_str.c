/* SPDX-License-Identifier: MIT */
/*
 * jsonata_fn_str.c: the string built-ins: $string $substring
 * $substringBefore $substringAfter $lowercase $uppercase $length $trim
 * $pad $join. Strings are WTF-8; positions count code points as
 * JavaScript's for...of does (a lone surrogate is one).
 */
#include <math.h>
#include <string.h>

#include "jsonata_case.h"
#include "jsonata_int.h"
#include "util.h"

/* Byte length of the code point starting at s[0]. */
static size_t cp_len(const unsigned char *s, size_t left)
{
	size_t n = s[0] < 0x80 ? 1 : s[0] < 0xE0 ? 2 : s[0] < 0xF0 ? 3 : 4;

	return n > left ? left : n;
}

static uint32_t cp_at(const unsigned char *s, size_t n)
{
	switch (n) {
	case 1: return s[0];
	case 2: return ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
	case 3: return ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
	default:
		return ((s[0] & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) |
		       ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3Fu);
	}
}

static size_t cp_count(const char *p, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)p[i] & 0xC0) != 0x80)
			n++;
	return n;
}

/* Byte offset of code point k (k <= count). */
static size_t cp_offset(const char *p, size_t len, size_t k)
{
	size_t i = 0;

	while (k > 0 && i < len) {
		i += cp_len((const unsigned char *)p + i, len - i);
		k--;
	}
	return i;
}

/* Array#slice's index: ToIntegerOrInfinity, then counted from the end if negative. */
static size_t slice_index(double x, size_t len)
{
	if (isnan(x))
		return 0;
	x = trunc(x);
	if (x < 0)
		return x + (double)len < 0 ? 0 : (size_t)(x + (double)len);
	return x > (double)len ? len : (size_t)x;
}

static int substring(struct ev *e, const struct jv *a, struct jv *out)
{
	const char *p;
	size_t len, count, from, to;
	double start = a[1].u.num;

	if (jv_str(e, &a[0], &p, &len) != 0)
		return -1;
	count = cp_count(p, len);
	if ((double)count + start < 0)
		start = 0;
	if (a[2].kind == JV_NUM) {
		double length = a[2].u.num, end;

		if (length <= 0) {
			*out = jv_strn("", 0);
			return 0;
		}
		end = start >= 0 ? start + length : (double)count + start + length;
		to = slice_index(end, count);
	} else {
		to = count;
	}
	from = slice_index(start, count);
	if (to <= from) {
		*out = jv_strn("", 0);
		return 0;
	}
	from = cp_offset(p, len, from);
	to = cp_offset(p, len, to);
	*out = jv_strn(p + from, to - from);
	return 0;
}

static const char *find(const char *s, size_t sl, const char *t, size_t tl)
{
	if (tl == 0)
		return s;
	for (size_t i = 0; tl <= sl && i <= sl - tl; i++)
		if (s[i] == t[0] && memcmp(s + i, t, tl) == 0)
			return s + i;
	return NULL;
}

static int before_after(struct ev *e, int fn, const struct jv *a, struct jv *out)
{
	const char *s, *t, *hit;
	size_t sl, tl;

	if (jv_str(e, &a[0], &s, &sl) != 0 || jv_str(e, &a[1], &t, &tl) != 0)
		return -1;
	if ((hit = find(s, sl, t, tl)) == NULL) {
		*out = jv_strn(s, sl);
		return 0;
	}
	if (fn == FN_SUBSTRING_BEFORE)
		*out = jv_strn(s, (size_t)(hit - s));
	else
		*out = jv_strn(hit + tl, sl - (size_t)(hit - s) - tl);
	return 0;
}

static int change_case(struct ev *e, int fn, int pos, const struct jv *a,
		       struct jv *out)
{
	const unsigned char *s;
	const char *p;
	size_t len, o = 0;
	char *res;

	if (jv_str(e, &a[0], &p, &len) != 0)
		return -1;
	s = (const unsigned char *)p;
	/* each code point grows to at most 3, each of at most 4 bytes */
	if ((res = arena_alloc(&e->arena, len * 4 + 1)) == NULL)
		return ev_oom(e);
	for (size_t i = 0; i < len;) {
		size_t n = cp_len(s + i, len - i);
		uint32_t cp = cp_at(s + i, n), to[3];
		int k;

		if (cp == 0x3A3 && fn == FN_LOWERCASE)
			return jn_error(e->err, "K0001", pos,
					"$lowercase of a capital sigma (its final form depends on the word) is outside the kuma-push JSONata subset");
		if (cp < 0x80 || (cp >= 0xD800 && cp <= 0xDFFF)) {
			k = 1;
			to[0] = cp < 0x80 && fn == FN_LOWERCASE && cp >= 'A' && cp <= 'Z' ? cp + 32 :
				cp < 0x80 && fn == FN_UPPERCASE && cp >= 'a' && cp <= 'z' ? cp - 32 : cp;
		} else {
			k = jn_case_map(cp, fn == FN_UPPERCASE, to);
		}
		if (k == 1 && to[0] == cp) {
			memcpy(res + o, s + i, n);
			o += n;
		} else {
			for (int j = 0; j < k; j++)
				o += kp_utf8_put(res + o, to[j]);
		}
		i += n;
	}
	res[o] = '\0';
	*out = jv_strn(res, o);
	return 0;
}

/* Runs of space, tab, LF, CR become one space; one is cut at each end. */
static int trim(struct ev *e, const struct jv *a, struct jv *out)
{
	const char *p;
	size_t len, o = 0, from = 0;
	char *res;

	if (jv_str(e, &a[0], &p, &len) != 0)
		return -1;
	if ((res = arena_alloc(&e->arena, len + 1)) == NULL)
		return ev_oom(e);
	for (size_t i = 0, in_ws = 0; i < len; i++) {
		bool ws = p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r';

		if (!ws)
			res[o++] = p[i];
		else if (!in_ws)
			res[o++] = ' ';
		in_ws = ws;
	}
	if (o > 0 && res[0] == ' ')
		from = 1;
	if (o > from && res[o - 1] == ' ')
		o--;
	*out = jv_strn(res + from, o - from);
	return 0;
}

static int pad(struct ev *e, const struct jv *a, struct jv *out)
{
	const char *s, *c = " ";
	size_t sl, cl = 1, count, o = 0;
	double width = trunc(a[1].u.num), padn;
	char *res;

	if (jv_str(e, &a[0], &s, &sl) != 0)
		return -1;
	if (a[2].kind == JV_STR && a[2].u.s.len > 0 && jv_str(e, &a[2], &c, &cl) != 0)
		return -1;
	count = cp_count(s, sl);
	padn = fabs(width) - (double)count;
	if (!(padn > 0)) {
		*out = a[0];
		return 0;
	}
	/* the padding: char repeated padn times, cut to padn code points */
	if (padn * (double)(cl > 4 ? cl : 4) > JN_MAX_ARENA)
		return ev_oom(e);
	e->steps += (unsigned long)padn;
	if (ev_tick(e) != 0)
		return -1;
	if ((res = arena_alloc(&e->arena, sl + (size_t)padn * (cl > 4 ? cl : 4) + 1)) == NULL)
		return ev_oom(e);
	if (width > 0) { /* positive: padded on the right */
		memcpy(res, s, sl);
		o = sl;
	}
	for (size_t need = (size_t)padn, k = 0; need > 0; need--) {
		size_t n = cp_len((const unsigned char *)c + k, cl - k);

		memcpy(res + o, c + k, n);
		o += n;
		k += n;
		if (k >= cl)
			k = 0;
	}
	if (width < 0) {
		memcpy(res + o, s, sl);
		o += sl;
	}
	res[o] = '\0';
	*out = jv_strn(res, o);
	return 0;
}

static int join(struct ev *e, const struct jv *a, struct jv *out)
{
	struct buf b;
	struct jv_it it;
	struct jv m;
	const char *sep = "", *p;
	size_t seplen = 0, len;
	bool first = true;
	int rc = 0;

	if (a[0].kind == JV_UNDEF) {
		*out = JV_UNDEFINED;
		return 0;
	}
	if (a[1].kind == JV_STR && jv_str(e, &a[1], &sep, &seplen) != 0)
		return -1;
	buf_init(&b, JN_MAX_ARENA / 4);
	jv_it_init(e, &it, &a[0]);
	while (rc == 0 && jv_it_next(e, &it, &m)) {
		if ((rc = ev_tick(e)) != 0 || (rc = jv_str(e, &m, &p, &len)) != 0)
			break;
		if ((!first && buf_append(&b, sep, seplen) != KP_OK) ||
		    buf_append(&b, p, len) != KP_OK)
			rc = ev_oom(e);
		first = false;
	}
	if (rc == 0)
		rc = jv_str_copy(e, b.len > 0 ? buf_str(&b) : "", b.len, out);
	buf_free(&b);
	return rc;
}

int fn_apply_str(struct ev *e, int fn, int pos, const struct jv *a, int n,
		 struct jv *out)
{
	const char *p;
	size_t len;

	(void)n;
	if (fn == FN_JOIN)
		return join(e, a, out);
	if (a[0].kind == JV_UNDEF) {
		*out = JV_UNDEFINED;
		return 0;
	}
	switch (fn) {
	case FN_STRING:
		if (a[1].kind == JV_TRUE)
			return jn_error(e->err, "K0001", pos,
					"$string with prettify is outside the kuma-push JSONata subset");
		return jv_string_of(e, pos, &a[0], out);
	case FN_SUBSTRING:
		return substring(e, a, out);
	case FN_SUBSTRING_BEFORE:
	case FN_SUBSTRING_AFTER:
		return before_after(e, fn, a, out);
	case FN_LOWERCASE:
	case FN_UPPERCASE:
		return change_case(e, fn, pos, a, out);
	case FN_LENGTH:
		if (jv_str(e, &a[0], &p, &len) != 0)
			return -1;
		*out = jv_num((double)cp_count(p, len));
		return 0;
	case FN_TRIM:
		return trim(e, a, out);
	default:
		return pad(e, a, out);
	}
}
