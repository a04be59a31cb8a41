/* SPDX-License-Identifier: MIT */
/*
 * jsonata_truth.c: jsonata's notions on values: isNumeric (D1001),
 * boolean(), deep equality (objects by key set) and the order of strings
 * by UTF-16 code units.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jsonata_int.h"

int jv_numeric(struct ev *e, const struct jv *v, bool *is_num)
{
	*is_num = v->kind == JV_NUM && !isnan(v->u.num);
	if (*is_num && isinf(v->u.num))
		return jn_error(e->err, "D1001", 0, "Number out of range: null");
	return 0;
}

int jv_boolean(struct ev *e, const struct jv *v, int *out)
{
	bool num;

	switch (v->kind) {
	case JV_UNDEF:
		*out = 2;
		return 0;
	case JV_ARR: {
		size_t len = jv_len(e, v);
		struct jv_it it;
		struct jv m;
		int any = 0, b;

		if (len == 0) {
			*out = 0;
			return 0;
		}
		e->steps += len;
		jv_it_init(e, &it, v);
		if (len == 1) {
			jv_it_next(e, &it, &m);
			return jv_boolean(e, &m, out);
		}
		while (jv_it_next(e, &it, &m)) {
			if (jv_boolean(e, &m, &b) != 0)
				return -1;
			if (b == 1)
				any = 1;
		}
		*out = any;
		return 0;
	}
	case JV_STR:
		*out = v->u.s.len > 0;
		return 0;
	case JV_NUM:
		if (jv_numeric(e, v, &num) != 0)
			return -1;
		*out = num && v->u.num != 0;
		return 0;
	case JV_OBJ:
		*out = jv_obj_size(e, v) > 0;
		return 0;
	default: /* functions are false */
		*out = v->kind == JV_TRUE;
		return 0;
	}
}

static int member_cmp(const void *pa, const void *pb)
{
	const struct jmember *a = pa, *b = pb;
	int c = memcmp(a->key, b->key, a->key_len < b->key_len ? a->key_len : b->key_len);

	return c != 0 ? c : (a->key_len > b->key_len) - (a->key_len < b->key_len);
}

/* Same key set, equal values: both member lists sorted by key, compared in step. */
static int equal_objects(struct ev *e, const struct jv *a, const struct jv *b,
			 bool *eq)
{
	struct jmember *ma, *mb;
	size_t na, nb;

	if (a->node >= 0 ? a->node == b->node : a->u.obj == b->u.obj) {
		*eq = true;
		return 0;
	}
	if (jv_members_of(e, a, &ma, &na) != 0 ||
	    jv_members_of(e, b, &mb, &nb) != 0)
		return -1;
	*eq = na == nb;
	if (!*eq)
		return 0;
	qsort(ma, na, sizeof(*ma), member_cmp);
	qsort(mb, nb, sizeof(*mb), member_cmp);
	for (size_t i = 0; *eq && i < na; i++) {
		struct jv va, vb;

		if (member_cmp(&ma[i], &mb[i]) != 0) {
			*eq = false;
			break;
		}
		va = ma[i].val;
		vb = mb[i].val;
		if (jv_deep_equal(e, &va, &vb, eq) != 0)
			return -1;
	}
	return 0;
}

int jv_deep_equal(struct ev *e, const struct jv *a, const struct jv *b, bool *eq)
{
	const char *pa, *pb;
	size_t la, lb;

	*eq = false;
	if (a->kind != b->kind)
		return 0;
	switch (a->kind) {
	case JV_NUM:
		*eq = a->u.num == b->u.num;
		return 0;
	case JV_STR: {
		/* Decoded copies live only for the comparison. */
		struct arena_mark m = arena_mark(&e->arena);

		if (jv_str(e, a, &pa, &la) != 0 || jv_str(e, b, &pb, &lb) != 0)
			return -1;
		*eq = la == lb && memcmp(pa, pb, la) == 0;
		arena_release(&e->arena, m);
		return 0;
	}
	case JV_OBJ: {
		struct arena_mark m = arena_mark(&e->arena);
		int rc = equal_objects(e, a, b, eq);

		if (rc == 0)
			arena_release(&e->arena, m);
		return rc;
	}
	case JV_ARR: {
		struct jv_it ia, ib;
		struct jv xa, xb;

		if (jv_len(e, a) != jv_len(e, b))
			return 0;
		jv_it_init(e, &ia, a);
		jv_it_init(e, &ib, b);
		*eq = true;
		while (*eq && jv_it_next(e, &ia, &xa) && jv_it_next(e, &ib, &xb))
			if (jv_deep_equal(e, &xa, &xb, eq) != 0)
				return -1;
		return 0;
	}
	case JV_FUNC: /* jsonata compares the closures' insides */
		return jn_error(e->err, "K0001", 0,
				"comparing functions is outside the kuma-push JSONata subset");
	default:
		*eq = true;
		return 0;
	}
}

/* Next UTF-16 code unit of a WTF-8 string; -1 at the end. */
static long next_unit(const unsigned char *s, size_t n, size_t *i, long *low)
{
	unsigned long cp;
	unsigned char c;

	if (*low >= 0) {
		long u = *low;

		*low = -1;
		return u;
	}
	if (*i >= n)
		return -1;
	c = s[*i];
	if (c < 0x80) {
		(*i)++;
		return c;
	}
	if (c < 0xE0 && *i + 1 < n) {
		cp = ((c & 0x1Fu) << 6) | (s[*i + 1] & 0x3Fu);
		*i += 2;
	} else if (c < 0xF0 && *i + 2 < n) {
		cp = ((c & 0x0Fu) << 12) | ((s[*i + 1] & 0x3Fu) << 6) | (s[*i + 2] & 0x3Fu);
		*i += 3;
	} else if (*i + 3 < n) {
		cp = ((c & 0x07u) << 18) | ((s[*i + 1] & 0x3Fu) << 12) |
		     ((s[*i + 2] & 0x3Fu) << 6) | (s[*i + 3] & 0x3Fu);
		*i += 4;
		cp -= 0x10000;
		*low = (long)(0xDC00 + (cp & 0x3FF));
		return (long)(0xD800 + (cp >> 10));
	} else {
		(*i)++;
		return 0xFFFD;
	}
	return (long)cp;
}

int jv_str_cmp(struct ev *e, const struct jv *a, const struct jv *b, int *cmp)
{
	const char *pa, *pb;
	size_t la, lb, i = 0, ia, ib;
	long lowa = -1, lowb = -1;

	struct arena_mark m = arena_mark(&e->arena);

	if (jv_str(e, a, &pa, &la) != 0 || jv_str(e, b, &pb, &lb) != 0)
		return -1;
	while (i < la && i < lb && pa[i] == pb[i])
		i++;
	while (i > 0 && i < la && ((unsigned char)pa[i] & 0xC0) == 0x80)
		i--;
	ia = ib = i;
	for (;;) {
		long ua = next_unit((const unsigned char *)pa, la, &ia, &lowa);
		long ub = next_unit((const unsigned char *)pb, lb, &ib, &lowb);

		if (ua != ub || ua < 0) {
			*cmp = ua < ub ? -1 : ua > ub ? 1 : 0;
			arena_release(&e->arena, m);
			return 0;
		}
	}
}
