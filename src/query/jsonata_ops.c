/* SPDX-License-Identifier: MIT */
/*
 * jsonata_ops.c: jsonata 2.1.1's operators on evaluated values:
 * arithmetic (T2001/T2002), "&" (via $string), ranges (T2003/T2004,
 * D2014), = != (deep equality), < <= > >= (T2010 before the undefined
 * rule, then T2009), in (JavaScript ===) and unary minus (D1002).
 * and/or short-circuit, so the evaluator does them.
 */
#include <math.h>
#include <string.h>

#include "jsonata_int.h"

static const char *const OP_TEXT[] = { "=", "!=", "<", "<=", ">", ">=", "in",
				       "and", "or", "+", "-", "*", "/", "%", "&",
				       ".." };

bool jv_strict_equal(struct ev *e, const struct jv *a, const struct jv *b)
{
	bool eq;

	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case JV_NUM:
	case JV_STR:
		return jv_deep_equal(e, a, b, &eq) == 0 && eq;
	case JV_ARR: /* identity: the same document node or the same built value */
		return a->node >= 0 ? a->node == b->node : a->u.arr == b->u.arr;
	case JV_OBJ:
		return a->node >= 0 ? a->node == b->node : a->u.obj == b->u.obj;
	case JV_FUNC:
		return a->u.fn == b->u.fn;
	default:
		return true;
	}
}

static int compare(struct ev *e, int op, int pos, const struct jv *l,
		   const struct jv *r, struct jv *out)
{
	bool lok = l->kind == JV_UNDEF || l->kind == JV_STR || l->kind == JV_NUM;
	bool rok = r->kind == JV_UNDEF || r->kind == JV_STR || r->kind == JV_NUM;
	char a[120], b[120];
	int c;

	if (!lok || !rok)
		return jn_error(e->err, "T2010", pos,
				"The expressions either side of operator \"%s\" must evaluate to numeric or string values",
				OP_TEXT[op]);
	if (l->kind == JV_UNDEF || r->kind == JV_UNDEF) {
		*out = JV_UNDEFINED;
		return 0;
	}
	if (l->kind != r->kind) {
		if (jv_describe(e, l, a, sizeof(a)) != 0 ||
		    jv_describe(e, r, b, sizeof(b)) != 0)
			return -1;
		return jn_error(e->err, "T2009", pos,
				"The values %s and %s either side of operator \"%s\" must be of the same data type",
				a, b, OP_TEXT[op]);
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
	switch (op) {
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
		*out = jv_bool(jv_strict_equal(e, l, r));
		return 0;
	}
	jv_it_init(e, &it, r);
	while (jv_it_next(e, &it, &m)) {
		if (ev_tick(e) != 0)
			return -1;
		if (jv_strict_equal(e, l, &m)) {
			*out = jv_bool(true);
			break;
		}
	}
	return 0;
}

static int arithmetic(struct ev *e, int op, int pos, const struct jv *l,
		      const struct jv *r, struct jv *out)
{
	bool ln = false, rn = false;
	char desc[120];
	double x, y;

	if (l->kind != JV_UNDEF && (jv_numeric(e, l, &ln) != 0 || !ln)) {
		if (ln || jv_describe(e, l, desc, sizeof(desc)) != 0)
			return -1;
		return jn_error(e->err, "T2001", pos,
				"The left side of the \"%s\" operator must evaluate to a number",
				OP_TEXT[op]);
	}
	if (r->kind != JV_UNDEF && (jv_numeric(e, r, &rn) != 0 || !rn)) {
		if (rn)
			return -1;
		return jn_error(e->err, "T2002", pos,
				"The right side of the \"%s\" operator must evaluate to a number",
				OP_TEXT[op]);
	}
	if (l->kind == JV_UNDEF || r->kind == JV_UNDEF) {
		*out = JV_UNDEFINED;
		return 0;
	}
	x = l->u.num;
	y = r->u.num;
	switch (op) {
	case OP_ADD: *out = jv_num(x + y); break;
	case OP_SUB: *out = jv_num(x - y); break;
	case OP_MUL: *out = jv_num(x * y); break;
	case OP_DIV: *out = jv_num(x / y); break;
	default: *out = jv_num(fmod(x, y)); break; /* JavaScript's % truncates like fmod */
	}
	return 0;
}

static bool is_integer(const struct jv *v)
{
	return v->kind == JV_NUM && isfinite(v->u.num) && v->u.num == floor(v->u.num);
}

static int range(struct ev *e, int pos, const struct jv *l, const struct jv *r,
		 struct jv *out)
{
	struct jarr *a;
	double size;

	if (l->kind != JV_UNDEF && !is_integer(l))
		return jn_error(e->err, "T2003", pos,
				"The left side of the range operator (..) must evaluate to an integer");
	if (r->kind != JV_UNDEF && !is_integer(r))
		return jn_error(e->err, "T2004", pos,
				"The right side of the range operator (..) must evaluate to an integer");
	*out = JV_UNDEFINED;
	if (l->kind == JV_UNDEF || r->kind == JV_UNDEF || l->u.num > r->u.num)
		return 0;
	size = r->u.num - l->u.num + 1;
	if (size > JN_MAX_RANGE)
		return jn_error(e->err, "D2014", pos,
				"The size of the sequence allocated by the range operator (..) must not exceed 1e7.  Attempted to allocate %.0f.",
				size);
	e->steps += (unsigned long)size;
	if (ev_tick(e) != 0)
		return -1;
	if ((a = jarr_new(e, (size_t)size)) == NULL)
		return ev_oom(e);
	for (double x = l->u.num; x <= r->u.num; x++)
		a->items[a->len++] = jv_num(x);
	*out = jv_arr(a, JVF_SEQ);
	return 0;
}

static int concat(struct ev *e, int pos, const struct jv *l, const struct jv *r,
		  struct jv *out)
{
	struct jv ls = jv_strn("", 0), rs = jv_strn("", 0);
	const char *a, *b;
	size_t la, lb;
	char *p;

	if ((l->kind != JV_UNDEF && jv_string_of(e, pos, l, &ls) != 0) ||
	    (r->kind != JV_UNDEF && jv_string_of(e, pos, r, &rs) != 0))
		return -1;
	if (jv_str(e, &ls, &a, &la) != 0 || jv_str(e, &rs, &b, &lb) != 0)
		return -1;
	if ((p = arena_alloc(&e->arena, la + lb + 1)) == NULL)
		return ev_oom(e);
	memcpy(p, a, la);
	memcpy(p + la, b, lb);
	p[la + lb] = '\0';
	*out = jv_strn(p, la + lb);
	return 0;
}

int op_binary(struct ev *e, int op, int pos, const struct jv *l,
	      const struct jv *r, struct jv *out)
{
	bool eq;

	switch (op) {
	case OP_EQ:
	case OP_NE:
		if (l->kind == JV_UNDEF || r->kind == JV_UNDEF) {
			*out = jv_bool(false);
			return 0;
		}
		if (jv_deep_equal(e, l, r, &eq) != 0)
			return -1;
		*out = jv_bool(op == OP_EQ ? eq : !eq);
		return 0;
	case OP_IN:
		return includes(e, l, r, out);
	case OP_ADD:
	case OP_SUB:
	case OP_MUL:
	case OP_DIV:
	case OP_MOD:
		return arithmetic(e, op, pos, l, r, out);
	case OP_CONCAT:
		return concat(e, pos, l, r, out);
	case OP_RANGE:
		return range(e, pos, l, r, out);
	default:
		return compare(e, op, pos, l, r, out);
	}
}

int op_negate(struct ev *e, int pos, const struct jv *v, struct jv *out)
{
	bool num;
	char desc[120];

	if (v->kind == JV_UNDEF) {
		*out = *v;
		return 0;
	}
	if (jv_numeric(e, v, &num) != 0)
		return -1;
	if (!num) {
		if (jv_describe(e, v, desc, sizeof(desc)) != 0)
			return -1;
		return jn_error(e->err, "D1002", pos,
				"Cannot negate a non-numeric value: %s", desc);
	}
	*out = jv_num(-v->u.num);
	return 0;
}

int jv_append(struct ev *e, const struct jv *a, const struct jv *b, struct jv *out)
{
	struct jarr *r;

	if (a->kind == JV_UNDEF) {
		*out = *b;
		return 0;
	}
	if (b->kind == JV_UNDEF) {
		*out = *a;
		return 0;
	}
	if ((r = jarr_new(e, jv_len(e, a) + jv_len(e, b) + 2)) == NULL)
		return ev_oom(e);
	if ((a->kind == JV_ARR ? jarr_splice(e, r, a) : jarr_push(e, r, a)) != 0 ||
	    (b->kind == JV_ARR ? jarr_splice(e, r, b) : jarr_push(e, r, b)) != 0)
		return -1;
	*out = jv_arr(r, 0); /* Array#concat makes a plain array */
	return 0;
}
