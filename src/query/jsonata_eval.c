/* SPDX-License-Identifier: MIT */
/*
 * jsonata_eval.c: the evaluator's dispatch, after jsonata 2.1.1's
 * evaluate(): literals, array constructors, operators, conditions,
 * blocks and their variables, lambdas, function calls and "~>". Paths
 * are in jsonata_path.c, operators on values in jsonata_ops.c, built-in
 * functions behind fn_invoke.
 */
#include <math.h>
#include <string.h>

#include "jsonata_int.h"

#define MAX_ARGS 8

static int apply_fn(struct ev *e, const struct jv *fn, const struct jv *args,
		    int nargs, const struct jv *ctx, int pos, struct jv *out);

/* A variable: the innermost binding, then the built-in of that name. */
static int lookup_var(struct ev *e, const char *name, size_t len, struct jv *out)
{
	int fn;

	for (const struct jenv *f = e->env; f != NULL; f = f->parent)
		for (const struct jbind *b = f->head; b != NULL; b = b->next) {
			if (ev_tick(e) != 0)
				return -1;
			if (b->len == len && memcmp(b->name, name, len) == 0) {
				*out = b->v;
				return 0;
			}
		}
	if ((fn = jn_builtin_find(name, len)) != FN_NONE)
		return jv_builtin(e, fn, out);
	*out = JV_UNDEFINED;
	return 0;
}

static int bind(struct ev *e, const char *name, size_t len, const struct jv *v)
{
	struct jbind *b = arena_alloc(&e->arena, sizeof(*b));

	if (b == NULL)
		return ev_oom(e);
	b->name = name;
	b->len = len;
	b->v = *v;
	/* the frame is ours to change: e->env points at a frame of this run */
	b->next = ((struct jenv *)e->env)->head;
	((struct jenv *)e->env)->head = b;
	e->binds++;
	return 0;
}

static int push_frame(struct ev *e, const struct jenv *parent)
{
	struct jenv *f = arena_alloc(&e->arena, sizeof(*f));

	if (f == NULL)
		return ev_oom(e);
	f->parent = parent;
	f->head = NULL;
	e->env = f;
	return 0;
}

static int array_ctor(struct ev *e, const struct jn *n, const struct jv *in,
		      struct jv *out)
{
	struct jarr *res = jarr_new(e, (size_t)n->nkids);
	struct jv v;

	if (res == NULL)
		return ev_oom(e);
	for (int i = 0; i < n->nkids; i++) {
		if (ev_eval(e, n->kids[i], in, &v) != 0)
			return -1;
		if (v.kind == JV_UNDEF)
			continue;
		if (v.kind == JV_ARR && n->kids[i]->type != JN_ARRAY) {
			if (jarr_splice(e, res, &v) != 0)
				return -1;
		} else if (jarr_push(e, res, &v) != 0) {
			return -1;
		}
	}
	*out = jv_arr(res, n->cons ? JVF_CONS : 0);
	return 0;
}

static int eval_binary(struct ev *e, const struct jn *n, const struct jv *in,
		       struct jv *out)
{
	struct jv l, r;
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
	return op_binary(e, n->op, n->pos, &l, &r, out);
}

/* "c ? a : b"; "a ?: b" (then = a); "a ?? b" (test: $exists(a)). */
static int eval_cond(struct ev *e, const struct jn *n, const struct jv *in,
		     struct jv *out)
{
	struct jv c;
	int b;

	if (ev_eval(e, n->kids[0], in, &c) != 0)
		return -1;
	if (n->op == 2) {
		b = c.kind != JV_UNDEF;
	} else if (jv_boolean(e, &c, &b) != 0) {
		return -1;
	}
	if (b == 1) {
		if (n->op != 0) {
			*out = c;
			return 0;
		}
		return ev_eval(e, n->kids[1], in, out);
	}
	if (n->nkids > (n->op == 0 ? 2 : 1))
		return ev_eval(e, n->kids[n->nkids - 1], in, out);
	*out = JV_UNDEFINED;
	return 0;
}

static int eval_block(struct ev *e, const struct jn *n, const struct jv *in,
		      struct jv *out)
{
	const struct jenv *saved = e->env;
	int rc = 0;

	*out = JV_UNDEFINED;
	if (push_frame(e, saved) != 0)
		return -1;
	for (int i = 0; rc == 0 && i < n->nkids; i++)
		rc = ev_eval(e, n->kids[i], in, out);
	e->env = saved;
	return rc;
}

static int eval_lambda(struct ev *e, const struct jn *n, const struct jv *in,
		       struct jv *out)
{
	struct jfn *f = arena_alloc(&e->arena, sizeof(*f));

	if (f == NULL)
		return ev_oom(e);
	memset(f, 0, sizeof(*f));
	f->lambda = n;
	f->env = e->env;
	f->input = *in;
	*out = jv_func(f);
	return 0;
}

/* Arguments, left to right; a function argument is passed as is. */
static int eval_args(struct ev *e, const struct jn *n, const struct jv *in,
		     struct jv *args, int *nargs)
{
	for (int i = 0; i < n->nkids; i++) {
		struct jv v;

		if (ev_eval(e, n->kids[i], in, &v) != 0)
			return -1;
		if (*nargs < MAX_ARGS)
			args[*nargs] = v;
		(*nargs)++;
	}
	return 0;
}

/* jsonata's evaluateFunction; first (may be NULL) is "~>"'s left side. */
static int eval_call(struct ev *e, const struct jn *n, const struct jv *in,
		     const struct jv *first, struct jv *out)
{
	struct jv args[MAX_ARGS], proc, bound;
	const struct jn *c = n->callee;
	int nargs = 0;

	if (ev_eval(e, c, in, &proc) != 0)
		return -1;
	if (proc.kind == JV_UNDEF && c->type == JN_PATH && c->kids[0]->type == JN_NAME) {
		/* A bare name that names a function: the "$" was forgotten. */
		if (lookup_var(e, c->kids[0]->str, c->kids[0]->len, &bound) != 0)
			return -1;
		if (bound.kind != JV_UNDEF)
			return jn_error(e->err, "T1005", n->pos,
					"Attempted to invoke a non-function. Did you mean $%s?",
					c->kids[0]->str);
	}
	if (first != NULL)
		args[nargs++] = *first;
	if (eval_args(e, n, in, args, &nargs) != 0)
		return -1;
	if (nargs > MAX_ARGS)
		return jn_error(e->err, proc.kind == JV_FUNC && proc.u.fn->builtin ? "T0410" : "K0001",
				n->pos, "too many arguments in a call of \"%s\"", n->fname);
	return apply_fn(e, &proc, args, nargs, in, n->pos, out);
}

static int apply_lambda(struct ev *e, const struct jfn *f, const struct jv *args,
			int nargs, struct jv *out)
{
	const struct jn *l = f->lambda;
	const struct jenv *saved = e->env;
	int rc;

	if (push_frame(e, f->env) != 0)
		return -1;
	for (int i = 0; i < l->nkids; i++) {
		const struct jv *v = i < nargs ? &args[i] : &JV_UNDEFINED;

		if (bind(e, l->kids[i]->str, l->kids[i]->len, v) != 0) {
			e->env = saved;
			return -1;
		}
	}
	rc = ev_eval(e, l->callee, &f->input, out);
	e->env = saved;
	return rc;
}

static int apply_fn(struct ev *e, const struct jv *fn, const struct jv *args,
		    int nargs, const struct jv *ctx, int pos, struct jv *out)
{
	if (fn->kind != JV_FUNC)
		return jn_error(e->err, "T1006", pos, "Attempted to invoke a non-function");
	if (fn->u.fn->lambda != NULL)
		return apply_lambda(e, fn->u.fn, args, nargs, out);
	if (fn->u.fn->builtin != FN_NONE)
		return fn_invoke(e, fn->u.fn->builtin, pos, args, nargs, ctx, out);
	return jn_error(e->err, "K0001", pos,
			"calling a regular expression is outside the kuma-push JSONata subset");
}

/* For the higher-order functions: jsonata calls these with no context (null). */
static int apply_hook(struct ev *e, const struct jv *fn, const struct jv *args,
		      int nargs, const struct jv *ctx, struct jv *out)
{
	struct jv null = { JV_NULL, 0, -1, { 0 } };

	return apply_fn(e, fn, args, nargs, ctx != NULL ? ctx : &null, 0, out);
}

/* jsonata's evaluateApplyExpression: "a ~> $f(b)" is $f(a, b). */
static int eval_apply(struct ev *e, const struct jn *n, const struct jv *in,
		      struct jv *out)
{
	struct jv l, f, null = { JV_NULL, 0, -1, { 0 } };

	if (ev_eval(e, n->kids[0], in, &l) != 0)
		return -1;
	if (n->kids[1]->type == JN_CALL)
		return eval_call(e, n->kids[1], in, &l, out);
	if (ev_eval(e, n->kids[1], in, &f) != 0)
		return -1;
	if (f.kind != JV_FUNC)
		return jn_error(e->err, "T2006", n->pos,
				"The right side of the function application operator ~> must be a function");
	if (l.kind == JV_FUNC)
		return jn_error(e->err, "K0001", n->pos,
				"function composition with \"~>\" is outside the kuma-push JSONata subset");
	return apply_fn(e, &f, &l, 1, &null, n->pos, out);
}

static int eval_node(struct ev *e, const struct jn *n, const struct jv *in,
		     struct jv *out)
{
	struct jv v = JV_UNDEFINED;

	switch (n->type) {
	case JN_PATH:
		return ev_path(e, n, in, out);
	case JN_NAME:
		return ev_lookup(e, in, n, out);
	case JN_WILD:
		return ev_wildcard(e, in, out);
	case JN_VARREF:
		return lookup_var(e, n->str, n->len, out);
	case JN_COND:
		return eval_cond(e, n, in, out);
	case JN_BIND:
		if (ev_eval(e, n->kids[0], in, out) != 0)
			return -1;
		return bind(e, n->str, n->len, out);
	case JN_LAMBDA:
		return eval_lambda(e, n, in, out);
	case JN_APPLY:
		return eval_apply(e, n, in, out);
	case JN_REGEX: {
		struct jfn *f = arena_alloc(&e->arena, sizeof(*f));

		if (f == NULL)
			return ev_oom(e);
		memset(f, 0, sizeof(*f));
		f->regex = n->regex;
		*out = jv_func(f);
		return 0;
	}
	case JN_CTX:
		*out = (in->flags & JVF_OUTER) ? in->u.arr->items[0] : *in;
		return 0;
	case JN_ROOT:
		*out = e->root;
		return 0;
	case JN_STR:
		v.kind = JV_STR;
		v.u.s.p = n->str;
		v.u.s.len = n->len;
		break;
	case JN_NUM:
		v = jv_num(n->num);
		break;
	case JN_TRUE:
	case JN_FALSE:
		v = jv_bool(n->type == JN_TRUE);
		break;
	case JN_NULL:
		v.kind = JV_NULL;
		break;
	case JN_BLOCK:
		return eval_block(e, n, in, out);
	case JN_ARRAY:
		return array_ctor(e, n, in, out);
	case JN_OBJECT:
		return ev_group(e, n, in, out);
	case JN_NEG:
		if (ev_eval(e, n->kids[0], in, &v) != 0)
			return -1;
		return op_negate(e, n->pos, &v, out);
	case JN_BIN:
		return eval_binary(e, n, in, out);
	case JN_CALL:
		return eval_call(e, n, in, NULL, out);
	default:
		return jn_error(e->err, "K0001", n->pos, "unexpected expression");
	}
	*out = v;
	return 0;
}

/* jsonata's evaluate(): the node, its predicates, then normalisation. */
int ev_eval(struct ev *e, const struct jn *n, const struct jv *in, struct jv *out)
{
	struct jv v;
	int rc;

	if (ev_tick(e) != 0)
		return -1;
	if (++e->depth > JN_MAX_EVAL_DEPTH) {
		e->depth--;
		return jn_error(e->err, "K0002", n->pos,
				"evaluation nested deeper than %d levels (recursion)",
				JN_MAX_EVAL_DEPTH);
	}
	rc = eval_node(e, n, in, &v);
	e->depth--;
	if (rc != 0)
		return -1;
	for (int i = 0; i < n->npreds; i++)
		if (ev_filter(e, n->preds[i], &v, &v) != 0)
			return -1;
	if (n->group != NULL && ev_group(e, n->group, &v, &v) != 0) /* a path's too: it has no predicates */
		return -1;
	if (jv_is_seq(&v)) {
		size_t len = v.u.arr->len;

		if (len == 0)
			v = JV_UNDEFINED;
		else if (len == 1)
			v = v.u.arr->items[0];
	}
	*out = v;
	return 0;
}

int ev_begin(struct ev *e, const struct json_doc *doc, struct jsonata_err *err)
{
	memset(e, 0, sizeof(*e));
	e->doc = doc;
	e->err = err;
	arena_init(&e->arena, JN_MAX_ARENA);
	e->root = jv_node(e, 0);
	e->input = e->root;
	e->apply = apply_hook;
	e->eval = ev_eval;
	e->now_ms = ev_clock_ms();
	if (push_frame(e, NULL) != 0)
		return -1;
	if (e->root.kind == JV_ARR) {
		/* jsonata wraps an array document once: the "outer wrapper". */
		if (ev_seq_of(e, &e->root, &e->input) != 0)
			return -1;
		e->input.flags |= JVF_OUTER;
	}
	return 0;
}

void ev_end(struct ev *e)
{
	arena_free(&e->arena);
}

int ev_run(struct ev *e, const struct jsonata_prog *prog, struct jv *out)
{
	return ev_eval(e, prog->root, &e->input, out);
}
