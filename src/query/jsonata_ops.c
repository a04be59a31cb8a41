/*
 * jsonata_ops.c: the operators of the subset: = != (deep equality),
 * < <= > >= (T2010 before the undefined rule, then T2009), in (JavaScript
 * ===, so arrays and objects match only themselves), and/or (short
 * circuit) and unary minus (D1002).
 */
#include <math.h>
#include <string.h>

#include "jsonata_int.h"

static const char *const OP_TEXT[] = { "=", "!=", "<", "<=", ">", ">=",
				       "in", "and", "or" };

static bool strict_equal(struct ev *e, const struct jv *a, const struct jv *b)
{
	bool eq;

	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case JV_NUM:
	case JV_STR:
		return jv_deep_equal(e, a, b, &eq) == 0 && eq;
	case JV_ARR:
	case JV_OBJ: /* identity: the same document node or the same built array */
		return a->node >= 0 ? a->node == b->node : a->u.arr == b->u.arr;
	default:
		return true;
	}
}

static int compare(struct ev *e, const struct jn *n, const struct jv *l,
		   const struct jv *r, struct jv *out)
{
	bool lok = l->kind == JV_UNDEF || l->kind == JV_STR || l->kind == JV_NUM;
	bool rok = r->kind == JV_UNDEF || r->kind == JV_STR || r->kind == JV_NUM;
	char a[120], b[120];
	int c;

	if (!lok || !rok)
		return jn_error(e->err, "T2010", n->pos,
				"The expressions either side of operator \"%s\" must evaluate to numeric or string values",
				OP_TEXT[n->op]);
	if (l->kind == JV_UNDEF || r->kind == JV_UNDEF) {
		*out = JV_UNDEFINED;
		return 0;
	}
	if (l->kind != r->kind) {
		if (jv_describe(e, l, a, sizeof(a)) != 0 ||
		    jv_describe(e, r, b, sizeof(b)) != 0)
			return -1;
		return jn_error(e->err, "T2009", n->pos,
				"The values %s and %s either side of operator \"%s\" must be of the same data type",
				a, b, OP_TEXT[n->op]);
	}
	if (l->kind == JV_STR) {
		if (jv_str_cmp(e, l, r, &c) != 0)
			return -1;
	} else {
		double x = l->u.num, y = r->u.num;

		if (isnan(x) || isnan(y)) {
			*out = jv_bool(false);
			return 0;
		}
		c = x < y ? -1 : x > y ? 1 : 0;
	}
	switch (n->op) {
	case OP_LT: *out = jv_bool(c < 0); break;
	case OP_LE: *out = jv_bool(c <= 0); break;
	case OP_GT: *out = jv_bool(c > 0); break;
	default: *out = jv_bool(c >= 0); break;
	}
	return 0;
}

static int includes(struct ev *e, const struct jv *l, const struct jv *r,
		    struct jv *out)
{
	struct jv_it it;
	struct jv m;

	*out = jv_bool(false);
	if (l->kind == JV_UNDEF || r->kind == JV_UNDEF)
		return 0;
	if (r->kind != JV_ARR) {
		*out = jv_bool(strict_equal(e, l, r));
		return 0;
	}
	jv_it_init(e, &it, r);
	while (jv_it_next(e, &it, &m)) {
		if (ev_tick(e) != 0)
			return -1;
		if (strict_equal(e, l, &m)) {
			*out = jv_bool(true);
			break;
		}
	}
	return 0;
}

int ev_binary(struct ev *e, const struct jn *n, const struct jv *in,
		  struct jv *out)
{
	struct jv l, r;
	bool eq;
	int b;

	if (ev_eval(e, n->kids[0], in, &l) != 0)
		return -1;
	if (n->op == OP_AND || n->op == OP_OR) {
		if (jv_boolean(e, &l, &b) != 0)
			return -1;
		if ((b == 1) == (n->op == OP_OR)) {
			*out = jv_bool(b == 1);
			return 0;
		}
		if (ev_eval(e, n->kids[1], in, &r) != 0 || jv_boolean(e, &r, &b) != 0)
			return -1;
		*out = jv_bool(b == 1);
		return 0;
	}
	if (ev_eval(e, n->kids[1], in, &r) != 0)
		return -1;
	switch (n->op) {
	case OP_EQ:
	case OP_NE:
		if (l.kind == JV_UNDEF || r.kind == JV_UNDEF) {
			*out = jv_bool(false);
			return 0;
		}
		if (jv_deep_equal(e, &l, &r, &eq) != 0)
			return -1;
		*out = jv_bool(n->op == OP_EQ ? eq : !eq);
		return 0;
	case OP_IN:
		return includes(e, &l, &r, out);
	default:
		return compare(e, n, &l, &r, out);
	}
}

int ev_negate(struct ev *e, const struct jn *n, const struct jv *in,
		  struct jv *out)
{
	struct jv v;
	bool num;
	char desc[120];

	if (ev_eval(e, n->kids[0], in, &v) != 0)
		return -1;
	if (v.kind == JV_UNDEF) {
		*out = v;
		return 0;
	}
	if (jv_numeric(e, &v, &num) != 0)
		return -1;
	if (!num) {
		if (jv_describe(e, &v, desc, sizeof(desc)) != 0)
			return -1;
		return jn_error(e->err, "D1002", n->pos,
				"Cannot negate a non-numeric value: %s", desc);
	}
	*out = jv_num(-v.u.num);
	return 0;
}
