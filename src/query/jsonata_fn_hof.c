/* SPDX-License-Identifier: MIT */
/*
 * jsonata_fn_hof.c: the higher-order built-ins $map $filter $single
 * $reduce $sift $each and $sort (jsonata's top-down merge sort, so that a
 * comparator sees the same pairs in the same order). Function values are
 * applied through e->apply, which the evaluator provides.
 */
#include <string.h>

#include "jsonata_int.h"

/* hofFuncArgs: the value, then the index and the whole as the arity asks. */
static int call(struct ev *e, const struct jv *fn, const struct jv *v,
		const struct jv *second, const struct jv *whole, struct jv *out)
{
	struct jv args[3];
	int arity = jv_func_arity(fn), n = 1;

	args[0] = *v;
	if (arity >= 2)
		args[n++] = *second;
	if (arity >= 3)
		args[n++] = *whole;
	if (ev_tick(e) != 0)
		return -1;
	return e->apply(e, fn, args, n, NULL, out);
}

static int truth(struct ev *e, const struct jv *v, bool *t)
{
	int b;

	if (jv_boolean(e, v, &b) != 0)
		return -1;
	*t = b == 1;
	return 0;
}

static int map_filter(struct ev *e, int fn, const struct jv *a, struct jv *out)
{
	struct jarr *res = jarr_new(e, 0);
	struct jv_it it;
	struct jv x, r, idx;
	bool t;
	double i = 0;

	if (res == NULL)
		return ev_oom(e);
	jv_it_init(e, &it, &a[0]);
	while (jv_it_next(e, &it, &x)) {
		idx = jv_num(i++);
		if (call(e, &a[1], &x, &idx, &a[0], &r) != 0)
			return -1;
		if (fn == FN_MAP) {
			if (r.kind != JV_UNDEF && jarr_push(e, res, &r) != 0)
				return -1;
			continue;
		}
		if (truth(e, &r, &t) != 0 || (t && jarr_push(e, res, &x) != 0))
			return -1;
	}
	*out = jv_arr(res, JVF_SEQ);
	return 0;
}

static int single(struct ev *e, int pos, const struct jv *a, struct jv *out)
{
	struct jv_it it;
	struct jv x, r, idx;
	bool found = false, t = true;
	double i = 0;

	jv_it_init(e, &it, &a[0]);
	while (jv_it_next(e, &it, &x)) {
		idx = jv_num(i++);
		if (a[1].kind != JV_UNDEF &&
		    (call(e, &a[1], &x, &idx, &a[0], &r) != 0 || truth(e, &r, &t) != 0))
			return -1;
		if (!t)
			continue;
		if (found)
			return jn_error(e->err, "D3138", pos,
					"The $single() function expected exactly 1 matching result.  Instead it matched more.");
		*out = x;
		found = true;
	}
	if (!found)
		return jn_error(e->err, "D3139", pos,
				"The $single() function expected exactly 1 matching result.  Instead it matched 0.");
	return 0;
}

static int reduce(struct ev *e, int pos, const struct jv *a, struct jv *out)
{
	int arity = jv_func_arity(&a[1]);
	size_t len = jv_len(e, &a[0]), i = 0;
	struct jv acc = a[2], x;

	if (arity < 2)
		return jn_error(e->err, "D3050", pos,
				"The second argument of reduce function must be a function with at least two arguments");
	if (acc.kind == JV_UNDEF && len > 0) {
		jv_at(e, &a[0], 0, &acc);
		i = 1;
	}
	for (; i < len; i++) {
		struct jv args[4];
		int n = 2;

		jv_at(e, &a[0], i, &x);
		args[0] = acc;
		args[1] = x;
		if (arity >= 3)
			args[n++] = jv_num((double)i);
		if (arity >= 4)
			args[n++] = a[0];
		if (ev_tick(e) != 0 || e->apply(e, &a[1], args, n, NULL, &acc) != 0)
			return -1;
	}
	*out = acc;
	return 0;
}

/* $sift and $each: over the keys in JavaScript's for...in order. */
static int sift_each(struct ev *e, int fn, int pos, const struct jv *a,
		     struct jv *out)
{
	struct jmember *m;
	size_t n;
	struct jobj *o = NULL;
	struct jarr *res = NULL;
	struct jv r;
	bool t;

	if (a[1].kind != JV_FUNC)
		return jn_error(e->err, "K0001", pos,
				"$sift without a function is outside the kuma-push JSONata subset");
	if (a[0].kind != JV_OBJ) {
		*out = fn == FN_SIFT ? JV_UNDEFINED : JV_UNDEFINED;
		return 0;
	}
	if (jv_members_of(e, &a[0], &m, &n) != 0)
		return -1;
	if (fn == FN_SIFT ? (o = jobj_new(e)) == NULL : (res = jarr_new(e, 0)) == NULL)
		return ev_oom(e);
	for (size_t i = 0; i < n; i++) {
		struct jv key = jv_strn(m[i].key, m[i].key_len);

		if (call(e, &a[1], &m[i].val, &key, &a[0], &r) != 0)
			return -1;
		if (fn == FN_EACH) {
			if (r.kind != JV_UNDEF && jarr_push(e, res, &r) != 0)
				return -1;
		} else if (truth(e, &r, &t) != 0 ||
			   (t && jobj_set(e, o, m[i].key, m[i].key_len, &m[i].val) != 0)) {
			return -1;
		}
	}
	if (fn == FN_EACH)
		*out = jv_arr(res, JVF_SEQ);
	else
		*out = o->len > 0 ? jv_obj(o) : JV_UNDEFINED;
	return 0;
}

/* ---- $sort ---- */

struct sorter {
	struct ev *e;
	const struct jv *comp; /* NULL: a > b */
	struct jv *tmp;
};

/* JavaScript truthiness of a comparator's result. */
static bool js_truthy(const struct jv *v)
{
	switch (v->kind) {
	case JV_UNDEF: case JV_NULL: case JV_FALSE:
		return false;
	case JV_NUM:
		return v->u.num == v->u.num && v->u.num != 0;
	case JV_STR:
		return v->u.s.len > 0;
	default:
		return true;
	}
}

static int greater(struct sorter *s, const struct jv *l, const struct jv *r, bool *gt)
{
	struct jv args[2], res;
	int c;

	if (ev_tick(s->e) != 0)
		return -1;
	if (s->comp == NULL) {
		if (l->kind == JV_STR) {
			if (jv_str_cmp(s->e, l, r, &c) != 0)
				return -1;
			*gt = c > 0;
		} else {
			*gt = l->u.num > r->u.num;
		}
		return 0;
	}
	args[0] = *l;
	args[1] = *r;
	if (s->e->apply(s->e, s->comp, args, 2, NULL, &res) != 0)
		return -1;
	*gt = js_truthy(&res);
	return 0;
}

/* msort(v[0..n)) into v, as jsonata splits and merges. */
static int msort(struct sorter *s, struct jv *v, size_t n)
{
	size_t mid = n / 2, i = 0, j = mid, k = 0;
	bool gt;

	if (n <= 1)
		return 0;
	if (msort(s, v, mid) != 0 || msort(s, v + mid, n - mid) != 0)
		return -1;
	while (i < mid && j < n) {
		if (greater(s, &v[i], &v[j], &gt) != 0)
			return -1;
		s->tmp[k++] = gt ? v[j++] : v[i++];
	}
	while (i < mid)
		s->tmp[k++] = v[i++];
	while (j < n)
		s->tmp[k++] = v[j++];
	memcpy(v, s->tmp, n * sizeof(*v));
	return 0;
}

static int sort(struct ev *e, int pos, const struct jv *a, struct jv *out)
{
	size_t n = jv_len(e, &a[0]);
	struct sorter s = { e, a[1].kind == JV_FUNC ? &a[1] : NULL, NULL };
	struct jarr *res;
	struct jv_it it;
	struct jv x;
	char kind = 0;

	if (n <= 1) {
		*out = a[0];
		return 0;
	}
	if ((res = jarr_new(e, n)) == NULL ||
	    (s.tmp = arena_alloc(&e->arena, n * sizeof(*s.tmp))) == NULL)
		return ev_oom(e);
	jv_it_init(e, &it, &a[0]);
	while (jv_it_next(e, &it, &x)) {
		char k = jv_symbol(&x);

		if (s.comp == NULL && ((k != 'n' && k != 's') || (kind != 0 && k != kind)))
			return jn_error(e->err, "D3070", pos,
					"The single argument form of the sort function can only be applied to an array of strings or an array of numbers.  Use the second argument to specify a comparison function");
		kind = k;
		res->items[res->len++] = x;
	}
	if (msort(&s, res->items, n) != 0)
		return -1;
	*out = jv_arr(res, 0);
	return 0;
}

int fn_apply_hof(struct ev *e, int fn, int pos, const struct jv *a, int n,
		 struct jv *out)
{
	(void)n;
	if (a[0].kind == JV_UNDEF && fn != FN_SIFT && fn != FN_EACH) {
		*out = JV_UNDEFINED;
		return 0;
	}
	switch (fn) {
	case FN_MAP:
	case FN_FILTER:
		return map_filter(e, fn, a, out);
	case FN_SINGLE:
		return single(e, pos, a, out);
	case FN_REDUCE:
		return reduce(e, pos, a, out);
	case FN_SORT:
		return sort(e, pos, a, out);
	default:
		return sift_each(e, fn, pos, a, out);
	}
}
