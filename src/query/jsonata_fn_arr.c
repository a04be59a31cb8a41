/* SPDX-License-Identifier: MIT */
/*
 * jsonata_fn_arr.c: the array and object built-ins: $zip $keys $lookup
 * $append $spread $merge $reverse $type $distinct. $distinct compares
 * members by a canonical text (sorted keys) through a hash table, so it
 * stays linear where jsonata compares every pair.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonata_int.h"

static struct jv seq_of_arr(struct jarr *a)
{
	return jv_arr(a, JVF_SEQ);
}

static int zip(struct ev *e, const struct jv *a, int n, struct jv *out)
{
	struct jarr *res = jarr_new(e, 0);
	size_t len = SIZE_MAX;

	if (res == NULL)
		return ev_oom(e);
	for (int k = 0; k < n; k++) {
		size_t l = a[k].kind == JV_ARR ? jv_len(e, &a[k]) : 0;

		if (l < len)
			len = l;
	}
	for (size_t i = 0; i < len; i++) {
		struct jarr *tuple = jarr_new(e, (size_t)n);
		struct jv v;

		if (tuple == NULL)
			return ev_oom(e);
		for (int k = 0; k < n; k++) {
			if (ev_tick(e) != 0)
				return -1;
			jv_at(e, &a[k], i, &v);
			tuple->items[tuple->len++] = v;
		}
		v = jv_arr(tuple, 0);
		if (jarr_push(e, res, &v) != 0)
			return -1;
	}
	*out = jv_arr(res, 0);
	return 0;
}

static int collect_keys(struct ev *e, const struct jv *v, struct jobj *keys)
{
	struct jmember *m;
	size_t n;
	struct jv t = jv_bool(true), x;
	struct jv_it it;

	if (ev_tick(e) != 0)
		return -1;
	if (v->kind == JV_ARR) {
		jv_it_init(e, &it, v);
		while (jv_it_next(e, &it, &x))
			if (collect_keys(e, &x, keys) != 0)
				return -1;
		return 0;
	}
	if (v->kind != JV_OBJ)
		return 0;
	if (jv_members_of(e, v, &m, &n) != 0)
		return -1;
	e->steps += n;
	for (size_t i = 0; i < n; i++)
		if (jobj_set(e, keys, m[i].key, m[i].key_len, &t) != 0)
			return -1;
	return 0;
}

static int keys(struct ev *e, const struct jv *a, struct jv *out)
{
	struct jobj *k = jobj_new(e);
	struct jmember *m;
	struct jarr *res;
	struct jv o;
	size_t n;

	if (k == NULL)
		return ev_oom(e);
	if (collect_keys(e, a, k) != 0)
		return -1;
	o = jv_obj(k);
	if (jv_members_of(e, &o, &m, &n) != 0 || (res = jarr_new(e, n)) == NULL)
		return e->err->code[0] != '\0' ? -1 : ev_oom(e);
	for (size_t i = 0; i < n; i++)
		res->items[res->len++] = jv_strn(m[i].key, m[i].key_len);
	*out = seq_of_arr(res);
	return 0;
}

static int lookup(struct ev *e, int pos, const struct jv *a, struct jv *out)
{
	struct jn name;
	const char *k;
	size_t kl;

	if (a[1].kind != JV_STR) {
		*out = JV_UNDEFINED;
		return 0;
	}
	if (jv_str(e, &a[1], &k, &kl) != 0)
		return -1;
	memset(&name, 0, sizeof(name));
	name.type = JN_NAME;
	name.str = k;
	name.len = kl;
	name.pos = pos;
	if (a[0].kind == JV_FUNC) {
		*out = JV_UNDEFINED;
		return 0;
	}
	return ev_lookup(e, &a[0], &name, out);
}

static int spread(struct ev *e, const struct jv *v, struct jv *out)
{
	struct jarr *res;
	struct jmember *m;
	size_t n;

	if (ev_tick(e) != 0)
		return -1;
	if (v->kind == JV_ARR) {
		struct jv acc, x, s;
		struct jv_it it;

		if ((res = jarr_new(e, 0)) == NULL)
			return ev_oom(e);
		acc = seq_of_arr(res);
		jv_it_init(e, &it, v);
		while (jv_it_next(e, &it, &x))
			if (spread(e, &x, &s) != 0 || jv_append(e, &acc, &s, &acc) != 0)
				return -1;
		*out = acc;
		return 0;
	}
	if (v->kind == JV_FUNC)
		return jn_error(e->err, "K0001", 0,
				"$spread of a function is outside the kuma-push JSONata subset");
	if (v->kind != JV_OBJ) {
		*out = *v;
		return 0;
	}
	if (jv_members_of(e, v, &m, &n) != 0 || (res = jarr_new(e, n)) == NULL)
		return e->err->code[0] != '\0' ? -1 : ev_oom(e);
	for (size_t i = 0; i < n; i++) {
		struct jobj *o = jobj_new(e);

		if (o == NULL || jobj_set(e, o, m[i].key, m[i].key_len, &m[i].val) != 0)
			return ev_oom(e);
		res->items[res->len++] = jv_obj(o);
	}
	*out = seq_of_arr(res);
	return 0;
}

static int merge(struct ev *e, const struct jv *a, struct jv *out)
{
	struct jobj *o;
	struct jv_it it;
	struct jv x;

	if (a->kind == JV_UNDEF) {
		*out = JV_UNDEFINED;
		return 0;
	}
	if ((o = jobj_new(e)) == NULL)
		return ev_oom(e);
	jv_it_init(e, &it, a);
	while (jv_it_next(e, &it, &x)) {
		struct jmember *m;
		size_t n;

		if (jv_members_of(e, &x, &m, &n) != 0)
			return -1;
		e->steps += n;
		if (ev_tick(e) != 0)
			return -1;
		for (size_t i = 0; i < n; i++)
			if (jobj_set(e, o, m[i].key, m[i].key_len, &m[i].val) != 0)
				return -1;
	}
	*out = jv_obj(o);
	return 0;
}

static int reverse(struct ev *e, const struct jv *a, struct jv *out)
{
	size_t n = jv_len(e, a);
	struct jarr *res;
	struct jv_it it;
	struct jv x;

	if (a->kind == JV_UNDEF || n <= 1) {
		*out = *a;
		return 0;
	}
	if ((res = jarr_new(e, n)) == NULL)
		return ev_oom(e);
	res->len = n;
	jv_it_init(e, &it, a);
	for (size_t i = 0; jv_it_next(e, &it, &x); i++)
		res->items[n - 1 - i] = x;
	e->steps += n;
	*out = jv_arr(res, 0);
	return ev_tick(e);
}

static int type(struct ev *e, const struct jv *a, struct jv *out)
{
	static const char *const names[] = { "", "null", "boolean", "boolean", "number",
					     "string", "array", "object", "function" };
	bool num;

	if (a->kind == JV_UNDEF) {
		*out = JV_UNDEFINED;
		return 0;
	}
	if (a->kind == JV_NUM && (jv_numeric(e, a, &num) != 0 || !num))
		return num ? -1 : (*out = jv_strn("object", 6), 0); /* NaN */
	*out = jv_strn(names[a->kind], strlen(names[a->kind]));
	return 0;
}

/* ---- $distinct ---- */

static int canon(struct ev *e, const struct jv *v, struct buf *b);

static int canon_put(struct ev *e, struct buf *b, const char *s, size_t n)
{
	return buf_append(b, s, n) == KP_OK ? 0 : ev_oom(e);
}

static int member_cmp(const void *pa, const void *pb)
{
	const struct jmember *a = pa, *b = pb;
	int c = memcmp(a->key, b->key, a->key_len < b->key_len ? a->key_len : b->key_len);

	return c != 0 ? c : (a->key_len > b->key_len) - (a->key_len < b->key_len);
}

/* A text equal for two values exactly when jsonata's deepEquals says so. */
static int canon(struct ev *e, const struct jv *v, struct buf *b)
{
	char num[48];
	const char *p;
	size_t len;

	if (ev_tick(e) != 0)
		return -1;
	switch (v->kind) {
	case JV_NUM:
		len = (size_t)snprintf(num, sizeof(num), "n%.17g;", v->u.num == 0 ? 0 : v->u.num);
		return canon_put(e, b, num, len);
	case JV_STR:
		if (jv_str(e, v, &p, &len) != 0)
			return -1;
		if (canon_put(e, b, num, (size_t)snprintf(num, sizeof(num), "s%zu:", len)) != 0)
			return -1;
		return canon_put(e, b, p, len);
	case JV_ARR: {
		struct jv_it it;
		struct jv x;

		if (canon_put(e, b, "[", 1) != 0)
			return -1;
		jv_it_init(e, &it, v);
		while (jv_it_next(e, &it, &x))
			if (canon(e, &x, b) != 0)
				return -1;
		return canon_put(e, b, "]", 1);
	}
	case JV_OBJ: {
		struct jmember *m;
		size_t n;

		if (jv_members_of(e, v, &m, &n) != 0)
			return -1;
		qsort(m, n, sizeof(*m), member_cmp);
		if (canon_put(e, b, "{", 1) != 0)
			return -1;
		for (size_t i = 0; i < n; i++) {
			struct jv k = jv_strn(m[i].key, m[i].key_len);

			if (canon(e, &k, b) != 0 || canon(e, &m[i].val, b) != 0)
				return -1;
		}
		return canon_put(e, b, "}", 1);
	}
	case JV_FUNC:
		return jn_error(e->err, "K0001", 0,
				"$distinct of functions is outside the kuma-push JSONata subset");
	default:
		num[0] = (char)('0' + v->kind);
		return canon_put(e, b, num, 1);
	}
}

static uint32_t hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static int distinct(struct ev *e, const struct jv *a, struct jv *out)
{
	size_t n = jv_len(e, a), size = 16;
	struct { const char *key; size_t len; } *table;
	struct jarr *res;
	struct jv_it it;
	struct jv x;
	struct buf b;
	int rc = 0;

	if (a->kind != JV_ARR || n <= 1) {
		*out = *a;
		return 0;
	}
	while (size < n * 2)
		size *= 2;
	if ((table = arena_alloc(&e->arena, size * sizeof(*table))) == NULL ||
	    (res = jarr_new(e, n)) == NULL)
		return ev_oom(e);
	memset(table, 0, size * sizeof(*table));
	buf_init(&b, JN_MAX_ARENA / 4);
	jv_it_init(e, &it, a);
	while (rc == 0 && jv_it_next(e, &it, &x)) {
		size_t slot;
		char *key;

		b.len = 0;
		if ((rc = canon(e, &x, &b)) != 0)
			break;
		for (slot = hash(b.data, b.len) & (size - 1); table[slot].key != NULL;
		     slot = (slot + 1) & (size - 1))
			if (table[slot].len == b.len && memcmp(table[slot].key, b.data, b.len) == 0)
				break;
		if (table[slot].key != NULL)
			continue;
		if ((key = arena_alloc(&e->arena, b.len + 1)) == NULL) {
			rc = ev_oom(e);
			break;
		}
		memcpy(key, b.data, b.len);
		table[slot].key = key;
		table[slot].len = b.len;
		res->items[res->len++] = x;
	}
	buf_free(&b);
	*out = jv_arr(res, jv_is_seq(a) ? JVF_SEQ : 0);
	return rc;
}

int fn_apply_arr(struct ev *e, int fn, int pos, const struct jv *a, int n,
		 struct jv *out)
{
	switch (fn) {
	case FN_ZIP:
		return zip(e, a, n, out);
	case FN_KEYS:
		if (a[0].kind == JV_FUNC) {
			*out = JV_UNDEFINED;
			return 0;
		}
		return keys(e, &a[0], out);
	case FN_LOOKUP:
		return lookup(e, pos, a, out);
	case FN_APPEND:
		return jv_append(e, &a[0], &a[1], out);
	case FN_SPREAD:
		return spread(e, &a[0], out);
	case FN_MERGE:
		return merge(e, &a[0], out);
	case FN_REVERSE:
		return reverse(e, &a[0], out);
	case FN_TYPE:
		return type(e, &a[0], out);
	default:
		return distinct(e, &a[0], out);
	}
}
