/* SPDX-License-Identifier: MIT */
/*
 * jsonata_value.c: the value model: document nodes referenced in place,
 * arrays and sequences built in the run's arena, and jsonata's notions of
 * truth, equality and order.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jsonata_int.h"

const struct jv JV_UNDEFINED = { JV_UNDEF, 0, -1, { 0 } };

struct jv jv_num(double n)
{
	struct jv v = { JV_NUM, 0, -1, { .num = n } };

	return v;
}

struct jv jv_bool(bool b)
{
	struct jv v = { b ? JV_TRUE : JV_FALSE, 0, -1, { 0 } };

	return v;
}

struct jv jv_node(const struct ev *e, int node)
{
	struct jv v = { JV_UNDEF, 0, node, { 0 } };
	const char *text;
	size_t len;
	bool plain;

	switch (json_token(e->doc, node, &text, &len, &plain)) {
	case JSON_OBJECT:
		v.kind = JV_OBJ;
		break;
	case JSON_ARRAY:
		v.kind = JV_ARR;
		break;
	case JSON_STRING:
		v.kind = JV_STR;
		v.u.s.p = text;
		v.u.s.len = len;
		v.flags = plain ? 0 : JVF_RAW;
		break;
	case JSON_NUMBER:
		v.kind = JV_NUM;
		v.u.num = json_parse_number(text, len);
		break;
	case JSON_TRUE:
		v.kind = JV_TRUE;
		break;
	case JSON_FALSE:
		v.kind = JV_FALSE;
		break;
	case JSON_NULL:
		v.kind = JV_NULL;
		break;
	default:
		v.node = -1;
		break;
	}
	return v;
}

bool jv_is_seq(const struct jv *v)
{
	return v->kind == JV_ARR && (v->flags & JVF_SEQ);
}

size_t jv_len(const struct ev *e, const struct jv *v)
{
	if (v->kind != JV_ARR)
		return 0;
	return v->node >= 0 ? json_size(e->doc, v->node) : v->u.arr->len;
}

void jv_it_init(const struct ev *e, struct jv_it *it, const struct jv *arr)
{
	it->arr = arr;
	it->i = 0;
	it->node = arr->node >= 0 ? json_first(e->doc, arr->node) : -1;
}

bool jv_it_next(const struct ev *e, struct jv_it *it, struct jv *out)
{
	if (it->arr->node >= 0) {
		if (it->node < 0)
			return false;
		*out = jv_node(e, it->node);
		it->node = json_next(e->doc, it->node);
		return true;
	}
	if (it->i >= it->arr->u.arr->len)
		return false;
	*out = it->arr->u.arr->items[it->i++];
	return true;
}

bool jv_at(const struct ev *e, const struct jv *arr, size_t i, struct jv *out)
{
	if (arr->node >= 0) {
		int node = json_at(e->doc, arr->node, i);

		if (node < 0)
			return false;
		*out = jv_node(e, node);
		return true;
	}
	if (i >= arr->u.arr->len)
		return false;
	*out = arr->u.arr->items[i];
	return true;
}

struct jarr *jarr_new(struct ev *e, size_t cap)
{
	struct jarr *a = arena_alloc(&e->arena, sizeof(*a));

	if (a == NULL)
		return NULL;
	a->len = 0;
	a->cap = cap;
	a->items = NULL;
	if (cap > 0 && (a->items = arena_alloc(&e->arena, cap * sizeof(*a->items))) == NULL)
		return NULL;
	return a;
}

int jarr_push(struct ev *e, struct jarr *a, const struct jv *v)
{
	if (a->len == a->cap) {
		struct jv *grown = arena_grow_array(&e->arena, a->items, a->len, &a->cap,
						    sizeof(*grown));

		if (grown == NULL)
			return ev_oom(e);
		a->items = grown;
	}
	a->items[a->len++] = *v;
	return 0;
}

int jarr_splice(struct ev *e, struct jarr *a, const struct jv *arr)
{
	struct jv_it it;
	struct jv m;

	jv_it_init(e, &it, arr);
	while (jv_it_next(e, &it, &m))
		if (jarr_push(e, a, &m) != 0)
			return -1;
	return 0;
}

struct jv jv_arr(struct jarr *a, unsigned char flags)
{
	struct jv v = { JV_ARR, flags, -1, { .arr = a } };

	return v;
}

int jv_str(struct ev *e, const struct jv *v, const char **p, size_t *len)
{
	char *out;

	if (!(v->flags & JVF_RAW)) {
		*p = v->u.s.p;
		*len = v->u.s.len;
		return 0;
	}
	out = arena_alloc(&e->arena, v->u.s.len * 3 + 1);
	if (out == NULL)
		return ev_oom(e);
	*len = json_decode(v->u.s.p, v->u.s.len, out, true);
	*p = out;
	return 0;
}

static int key_of(struct ev *e, int key_node, const char **p, size_t *len)
{
	struct jv k = jv_node(e, key_node);

	return jv_str(e, &k, p, len);
}

int jv_lookup_key(struct ev *e, int object, const char *key, size_t len)
{
	return json_lookup(e->doc, object, key, len, true);
}

/* A canonical array index ("0", "17"; below 2^32 - 1): V8 lists these first. */
static bool index_key(const char *k, size_t len, double *value)
{
	double v = 0;

	if (len == 0 || len > 10 || (len > 1 && k[0] == '0'))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (k[i] < '0' || k[i] > '9')
			return false;
		v = v * 10 + (k[i] - '0');
	}
	*value = v;
	return v <= 4294967294.0;
}

static int index_cmp(const void *pa, const void *pb)
{
	const struct jmember *a = pa, *b = pb;
	double x = 0, y = 0;

	index_key(a->key, a->key_len, &x);
	index_key(b->key, b->key_len, &y);
	return (x > y) - (x < y);
}

/* Index keys first, ascending; the others after them in document order. */
static int order_like_v8(struct ev *e, struct jmember *m, size_t n)
{
	size_t nidx = 0, k = 0;
	struct jmember *tmp;
	double v;

	for (size_t i = 0; i < n; i++)
		nidx += index_key(m[i].key, m[i].key_len, &v);
	if (nidx == 0)
		return 0;
	if ((tmp = arena_alloc(&e->arena, n * sizeof(*tmp))) == NULL)
		return ev_oom(e);
	for (size_t i = 0; i < n; i++)
		if (index_key(m[i].key, m[i].key_len, &v))
			tmp[k++] = m[i];
	qsort(tmp, nidx, sizeof(*tmp), index_cmp); /* distinct keys: no ties */
	for (size_t i = 0; i < n; i++)
		if (!index_key(m[i].key, m[i].key_len, &v))
			tmp[k++] = m[i];
	memcpy(m, tmp, n * sizeof(*m));
	return 0;
}

static uint32_t fnv(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

int jv_members(struct ev *e, int object, struct jmember **out, size_t *n)
{
	size_t raw = json_size(e->doc, object), count = 0, hsize = 1;
	uint64_t seen = 0;
	bool digits = false; /* a key that may be an array index */
	struct jmember *m = arena_alloc(&e->arena, (raw + 1) * sizeof(*m));
	int *table = NULL;

	if (m == NULL)
		return ev_oom(e);
	if (raw > 16) {
		while (hsize < raw * 2)
			hsize *= 2;
		if ((table = arena_alloc(&e->arena, hsize * sizeof(*table))) == NULL)
			return ev_oom(e);
		memset(table, 0xff, hsize * sizeof(*table));
	}
	for (int k = json_first(e->doc, object); k >= 0; k = json_next(e->doc, k)) {
		const char *key;
		size_t len, slot = 0, i;

		bool plain;
		uint32_t sig;

		key = json_str_raw(e->doc, k, &len, &plain);
		if (!plain && key_of(e, k, &key, &len) != 0)
			return -1;
		digits |= len > 0 && key[0] >= '0' && key[0] <= '9';
		/* Length and end bytes settle most comparisons before memcmp. */
		sig = (uint32_t)len << 16 |
		      (len > 0 ? (uint32_t)(unsigned char)key[0] << 8 |
				 (unsigned char)key[len - 1] : 0);
		if (table != NULL) {
			slot = fnv(key, len) & (hsize - 1);
			while (table[slot] >= 0) {
				i = (size_t)table[slot];
				if (m[i].key_len == len && memcmp(m[i].key, key, len) == 0)
					break;
				slot = (slot + 1) & (hsize - 1);
			}
			i = table[slot] >= 0 ? (size_t)table[slot] : count;
		} else {
			/* A 64-bit filter of the signatures seen skips most scans. */
			uint64_t bit = (uint64_t)1 << ((sig * 2654435761u) >> 26);

			i = count;
			if (seen & bit) {
				for (i = 0; i < count; i++)
					if (m[i].sig == sig && memcmp(m[i].key, key, len) == 0)
						break;
			}
			seen |= bit;
		}
		if (i == count) {
			m[count].key = key;
			m[count].key_len = len;
			m[count].sig = sig;
			if (table != NULL)
				table[slot] = (int)count;
			count++;
		}
		m[i].value = k + 1; /* the last duplicate's value, the first's place */
	}
	if (digits && order_like_v8(e, m, count) != 0)
		return -1;
	*out = m;
	*n = count;
	return 0;
}

