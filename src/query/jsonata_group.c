/* SPDX-License-Identifier: MIT */
/*
 * jsonata_group.c: object constructors "{ k: v, ... }", standalone, as a
 * path step and as group-by "a{...}" (jsonata's evaluateGroupExpression).
 * Each member of the input (an array; anything else is one member, and an
 * empty input one undefined member) is put in the group of each key its
 * key expressions give (strings only: T1003; one key from two pairs:
 * D1009); each group's value expression then runs over the group's
 * members (one member as it is, several as a plain array, array members
 * spread as Array#concat does), and undefined values are left out.
 * Sub-expressions run through e->eval, like jsonata_path.c's, so this file
 * sits below jsonata_eval.c and no include circle forms.
 */
#include <string.h>

#include "jsonata_int.h"

struct group {
	const char *key;
	size_t len;
	int pair;          /* the pair whose key made the group */
	struct jv data;    /* the members */
	struct jarr *acc;  /* once there are several */
};

struct groups {
	struct group *g;
	size_t n, cap;
	struct jobj *index; /* key -> group number */
};

/* fn.append(data, item): linear, the array is built once per group. */
static int add_member(struct ev *e, struct group *g, const struct jv *item)
{
	if (g->acc == NULL) {
		if ((g->acc = jarr_new(e, 4)) == NULL)
			return ev_oom(e);
		if ((g->data.kind == JV_ARR ? jarr_splice(e, g->acc, &g->data) :
		     jarr_push(e, g->acc, &g->data)) != 0)
			return -1;
		g->data = jv_arr(g->acc, 0); /* Array#concat makes a plain array */
	}
	return item->kind == JV_ARR ? jarr_splice(e, g->acc, item) : jarr_push(e, g->acc, item);
}

static int new_group(struct ev *e, struct groups *gs, const char *key, size_t len,
		     int pair, const struct jv *item)
{
	struct jv slot = jv_num((double)gs->n);

	if (gs->n == gs->cap) {
		struct group *grown = arena_grow_array(&e->arena, gs->g, gs->n, &gs->cap,
						       sizeof(*grown));

		if (grown == NULL)
			return ev_oom(e);
		gs->g = grown;
	}
	gs->g[gs->n] = (struct group){ key, len, pair, *item, NULL };
	gs->n++;
	return jobj_set(e, gs->index, key, len, &slot);
}

static int key_error(struct ev *e, const struct jn *obj, const char *code, const char *what,
		     const struct jv *key)
{
	struct buf text;
	int rc;

	buf_init(&text, 4096);
	if (jv_stringify(e, key, false, &text) != 0 || buf_append(&text, "", 0) != KP_OK) {
		buf_free(&text);
		return e->err->code[0] != '\0' ? -1 : ev_oom(e);
	}
	rc = jn_error(e->err, code, obj->pos, "%s: %s", what, buf_str(&text));
	buf_free(&text);
	return rc;
}

/* The keys of one member: into their groups. */
static int group_member(struct ev *e, const struct jn *obj, struct groups *gs,
			const struct jv *item)
{
	for (int pair = 0; pair < obj->nkids / 2; pair++) {
		struct jv key, at;
		const char *p;
		size_t len;

		if (e->eval(e, obj->kids[2 * pair], item, &key) != 0)
			return -1;
		if (key.kind == JV_UNDEF)
			continue;
		if (key.kind != JV_STR)
			return key_error(e, obj, "T1003",
					 "Key in object structure must evaluate to a string; got", &key);
		if (jv_str(e, &key, &p, &len) != 0)
			return ev_oom(e);
		if (len == 9 && memcmp(p, "__proto__", 9) == 0) /* JavaScript's prototype, not a key */
			return jn_error(e->err, "K0001", obj->pos,
					"an object constructor with the key \"__proto__\" is outside the kuma-push JSONata subset");
		if (jv_obj_get(e, &(struct jv){ JV_OBJ, 0, -1, { .obj = gs->index } }, p, len, &at) != 0)
			return -1;
		if (at.kind == JV_UNDEF) {
			if (new_group(e, gs, p, len, pair, item) != 0)
				return -1;
		} else if (gs->g[(size_t)at.u.num].pair != pair) {
			return key_error(e, obj, "D1009",
					 "Multiple key definitions evaluate to same key", &key);
		} else if (add_member(e, &gs->g[(size_t)at.u.num], item) != 0) {
			return -1;
		}
	}
	return 0;
}

int ev_group(struct ev *e, const struct jn *obj, const struct jv *in, struct jv *out)
{
	struct groups gs = { NULL, 0, 0, jobj_new(e) };
	struct jobj *res = jobj_new(e);
	struct jv item = JV_UNDEFINED;

	if (gs.index == NULL || res == NULL)
		return ev_oom(e);
	if (in->kind == JV_ARR && jv_len(e, in) > 0) {
		struct jv_it it;

		jv_it_init(e, &it, in);
		while (jv_it_next(e, &it, &item))
			if (group_member(e, obj, &gs, &item) != 0)
				return -1;
	} else if (group_member(e, obj, &gs, in->kind == JV_ARR ? &item : in) != 0) {
		return -1; /* an empty input is one undefined member, as in jsonata */
	}
	for (size_t i = 0; i < gs.n; i++) {
		struct jv v;

		if (e->eval(e, obj->kids[2 * gs.g[i].pair + 1], &gs.g[i].data, &v) != 0)
			return -1;
		if (v.kind != JV_UNDEF && jobj_set(e, res, gs.g[i].key, gs.g[i].len, &v) != 0)
			return -1;
	}
	*out = jv_obj(res);
	return 0;
}
