/* SPDX-License-Identifier: MIT */
/*
 * jsonata_obj.c: values the evaluator builds: objects ($merge, $spread,
 * $sift), strings and function values. Document objects and built ones
 * answer the same questions (members, size, member by key), so the rest
 * of the evaluator does not care where an object came from.
 */
#include <stdlib.h>
#include <string.h>

#include "jsonata_int.h"

/* Built objects index their keys once they grow past this many. */
#define JOBJ_SCAN 16

struct jobj_index {
	size_t size; /* power of two */
	int *slot;   /* member index or -1 */
};

static uint32_t key_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

struct jv jv_obj(struct jobj *o)
{
	struct jv v = { JV_OBJ, 0, -1, { .obj = o } };

	return v;
}

struct jv jv_strn(const char *p, size_t len)
{
	struct jv v = { JV_STR, 0, -1, { .num = 0 } };

	v.u.s.p = p;
	v.u.s.len = len;
	return v;
}

int jv_str_copy(struct ev *e, const char *p, size_t len, struct jv *out)
{
	char *copy = arena_alloc(&e->arena, len + 1);

	if (copy == NULL)
		return ev_oom(e);
	if (len > 0)
		memcpy(copy, p, len);
	copy[len] = '\0';
	*out = jv_strn(copy, len);
	return 0;
}

struct jv jv_func(struct jfn *fn)
{
	struct jv v = { JV_FUNC, 0, -1, { .fn = fn } };

	return v;
}

int jv_builtin(struct ev *e, int fn, struct jv *out)
{
	struct jfn *f = arena_alloc(&e->arena, sizeof(*f));

	if (f == NULL)
		return ev_oom(e);
	memset(f, 0, sizeof(*f));
	f->builtin = fn;
	*out = jv_func(f);
	return 0;
}

struct jobj *jobj_new(struct ev *e)
{
	struct jobj *o = arena_alloc(&e->arena, sizeof(*o) + sizeof(struct jobj_index));

	if (o == NULL)
		return NULL;
	memset(o, 0, sizeof(*o) + sizeof(struct jobj_index));
	return o;
}

static struct jobj_index *index_of(struct jobj *o)
{
	return (struct jobj_index *)(o + 1);
}

static int reindex(struct ev *e, struct jobj *o)
{
	struct jobj_index *ix = index_of(o);
	size_t size = 64;

	while (size < o->len * 2)
		size *= 2;
	if ((ix->slot = arena_alloc(&e->arena, size * sizeof(int))) == NULL)
		return ev_oom(e);
	memset(ix->slot, 0xff, size * sizeof(int));
	ix->size = size;
	for (size_t i = 0; i < o->len; i++) {
		size_t s = key_hash(o->m[i].key, o->m[i].key_len) & (size - 1);

		while (ix->slot[s] >= 0)
			s = (s + 1) & (size - 1);
		ix->slot[s] = (int)i;
	}
	return 0;
}

/* Index of key in o, or -1; *slot receives the free slot when indexed. */
static long find(struct jobj *o, const char *key, size_t len, size_t *slot)
{
	struct jobj_index *ix = index_of(o);

	if (ix->size == 0) {
		for (size_t i = 0; i < o->len; i++)
			if (o->m[i].key_len == len && memcmp(o->m[i].key, key, len) == 0)
				return (long)i;
		return -1;
	}
	for (size_t s = key_hash(key, len) & (ix->size - 1);;
	     s = (s + 1) & (ix->size - 1)) {
		int i = ix->slot[s];

		if (i < 0) {
			*slot = s;
			return -1;
		}
		if (o->m[i].key_len == len && memcmp(o->m[i].key, key, len) == 0)
			return i;
	}
}

int jobj_set(struct ev *e, struct jobj *o, const char *key, size_t len,
	     const struct jv *v)
{
	size_t slot = 0;
	long i = find(o, key, len, &slot);

	if (i >= 0) {
		o->m[i].val = *v;
		return 0;
	}
	if (o->len == o->cap) {
		struct jmember *grown = arena_grow_array(&e->arena, o->m, o->len, &o->cap,
							 sizeof(*grown));

		if (grown == NULL)
			return ev_oom(e);
		o->m = grown;
	}
	memset(&o->m[o->len], 0, sizeof(o->m[0]));
	o->m[o->len].key = key;
	o->m[o->len].key_len = len;
	o->m[o->len].value = -1;
	o->m[o->len].val = *v;
	o->len++;
	if (index_of(o)->size != 0 && o->len * 2 <= index_of(o)->size) {
		index_of(o)->slot[slot] = (int)(o->len - 1);
		return 0;
	}
	if (o->len > JOBJ_SCAN)
		return reindex(e, o);
	return 0;
}

size_t jv_obj_size(const struct ev *e, const struct jv *obj)
{
	return obj->node >= 0 ? json_size(e->doc, obj->node) : obj->u.obj->len;
}

int jv_obj_get(struct ev *e, const struct jv *obj, const char *key, size_t len,
	       struct jv *out)
{
	size_t slot;
	long i;

	if (obj->node >= 0) {
		int node = jv_lookup_key(e, obj->node, key, len);

		if (node == -2)
			return ev_oom(e);
		*out = node >= 0 ? jv_node(e, node) : JV_UNDEFINED;
		return 0;
	}
	i = find(obj->u.obj, key, len, &slot);
	*out = i >= 0 ? obj->u.obj->m[i].val : JV_UNDEFINED;
	return 0;
}

/* A canonical array index below 2^32 - 1: V8 lists these keys first. */
static bool index_key(const struct jmember *m, double *value)
{
	double v = 0;

	if (m->key_len == 0 || m->key_len > 10 || (m->key_len > 1 && m->key[0] == '0'))
		return false;
	for (size_t i = 0; i < m->key_len; i++) {
		if (m->key[i] < '0' || m->key[i] > '9')
			return false;
		v = v * 10 + (m->key[i] - '0');
	}
	*value = v;
	return v <= 4294967294.0;
}

static int index_cmp(const void *pa, const void *pb)
{
	double x = 0, y = 0;

	index_key(pa, &x);
	index_key(pb, &y);
	return (x > y) - (x < y);
}

/* Built objects keep insertion order, except that index keys go first, ascending. */
static int order_built(struct ev *e, struct jmember *m, size_t n)
{
	size_t nidx = 0, k = 0;
	struct jmember *tmp;
	double v;

	for (size_t i = 0; i < n; i++)
		nidx += index_key(&m[i], &v);
	if (nidx == 0)
		return 0;
	if ((tmp = arena_alloc(&e->arena, n * sizeof(*tmp))) == NULL)
		return ev_oom(e);
	for (size_t i = 0; i < n; i++)
		if (index_key(&m[i], &v))
			tmp[k++] = m[i];
	qsort(tmp, nidx, sizeof(*tmp), index_cmp); /* distinct keys: no ties */
	for (size_t i = 0; i < n; i++)
		if (!index_key(&m[i], &v))
			tmp[k++] = m[i];
	memcpy(m, tmp, n * sizeof(*m));
	return 0;
}

int jv_members_of(struct ev *e, const struct jv *obj, struct jmember **out,
		  size_t *n)
{
	struct jmember *m;

	if (obj->node >= 0) {
		if (jv_members(e, obj->node, out, n) != 0)
			return -1;
		for (size_t i = 0; i < *n; i++)
			(*out)[i].val = jv_node(e, (*out)[i].value);
		return 0;
	}
	*n = obj->u.obj->len;
	if ((m = arena_alloc(&e->arena, (*n + 1) * sizeof(*m))) == NULL)
		return ev_oom(e);
	if (*n > 0)
		memcpy(m, obj->u.obj->m, *n * sizeof(*m));
	*out = m;
	return order_built(e, m, *n);
}

/*
 * jsonata looks a field up as input[key], so on an object without that key
 * these names reach JavaScript's Object.prototype (a function, or for
 * __proto__ the prototype itself). We refuse rather than answer wrongly.
 */
static int prototype_name(struct ev *e, const struct jn *name)
{
	static const char *const names[] = {
		"constructor", "__proto__", "hasOwnProperty", "isPrototypeOf",
		"propertyIsEnumerable", "toString", "toLocaleString", "valueOf",
		"__defineGetter__", "__defineSetter__", "__lookupGetter__",
		"__lookupSetter__"
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == name->len && !memcmp(names[i], name->str, name->len))
			return jn_error(e->err, "K0001", name->pos,
					"the field \"%s\" is absent, and jsonata would read JavaScript's Object.prototype.%s instead (outside the kuma-push JSONata subset)",
					names[i], names[i]);
	return 0;
}

/* jsonata's lookup(input, key). */
int ev_lookup(struct ev *e, const struct jv *v, const struct jn *name,
	      struct jv *out)
{
	if (v->kind == JV_OBJ) {
		if (jv_obj_get(e, v, name->str, name->len, out) != 0)
			return -1;
		if (out->kind == JV_UNDEF && prototype_name(e, name) != 0)
			return -1;
		return 0;
	}
	if (v->kind != JV_ARR) {
		*out = JV_UNDEFINED;
		return 0;
	}
	struct jarr *res = jarr_new(e, 0);
	struct jv_it it;
	struct jv m, r;

	if (res == NULL)
		return ev_oom(e);
	jv_it_init(e, &it, v);
	while (jv_it_next(e, &it, &m)) {
		if (ev_tick(e) != 0 || ev_lookup(e, &m, name, &r) != 0)
			return -1;
		if (r.kind == JV_ARR) {
			if (jarr_splice(e, res, &r) != 0)
				return -1;
		} else if (r.kind != JV_UNDEF && jarr_push(e, res, &r) != 0) {
			return -1;
		}
	}
	*out = jv_arr(res, JVF_SEQ);
	return 0;
}

