/*
 * jsonata_func.c: function calls: the nine built-ins of the subset, their
 * jsonata signatures (T0410/T0411/T0412 exactly as signature.js decides
 * them), and T1005/T1006 for calls of anything else.
 */
#include <math.h>
#include <string.h>

#include "jsonata_int.h"

#define MAX_ARGS 8

/* One signature parameter: the symbols it accepts (jsonata's regex class). */
struct param {
	const char *accepts; /* "asnblfom": s string, n number, b boolean, l null,
				a array, o object, f function, m missing */
	bool optional;       /* "?" (also "-") */
	bool context;        /* "-": use the context when omitted */
	bool array;          /* type "a": a non-array is wrapped */
	char subtype;        /* "a<n>" */
};

struct signature {
	int nparams;
	struct param p[2];
};

static const struct signature SIGNATURES[] = {
	[FN_COUNT] = { 1, { { "asnblfom", false, false, true, 0 } } },
	[FN_EXISTS] = { 1, { { "asnblfom", false, false, false, 0 } } },
	[FN_LENGTH] = { 1, { { "sm", true, true, false, 0 } } },
	[FN_NOT] = { 1, { { "asnblfom", true, true, false, 0 } } },
	[FN_BOOLEAN] = { 1, { { "asnblfom", true, true, false, 0 } } },
	[FN_CONTAINS] = { 2, { { "sm", true, true, false, 0 },
			       { "sfm", false, false, false, 0 } } },
	[FN_STRING] = { 2, { { "asnblfom", true, true, false, 0 },
			     { "bm", true, false, false, 0 } } },
	[FN_SUM] = { 1, { { "asnblfom", false, false, true, 'n' } } },
	[FN_NUMBER] = { 1, { { "nsbm", true, true, false, 0 } } },
};

static char symbol(const struct jv *v)
{
	switch (v->kind) {
	case JV_STR: return 's';
	case JV_NUM: return 'n';
	case JV_TRUE:
	case JV_FALSE: return 'b';
	case JV_NULL: return 'l';
	case JV_ARR: return 'a';
	case JV_OBJ: return 'o';
	default: return 'm';
	}
}

/*
 * The regex ^(p0)(p1)... against sig[j..], greedy with backtracking as a
 * JavaScript regex: true when params [i, np) match; whole demands the end
 * of sig. take[i] receives 1 when parameter i consumed a symbol.
 */
static bool match(const struct signature *s, int i, int np, const char *sig,
		  size_t j, bool whole, int *take, size_t *end)
{
	const struct param *p = &s->p[i];

	if (i == np) {
		*end = j;
		return !whole || sig[j] == '\0';
	}
	if (sig[j] != '\0' && strchr(p->accepts, sig[j]) != NULL) {
		take[i] = 1;
		if (match(s, i + 1, np, sig, j + 1, whole, take, end))
			return true;
	}
	if (p->optional) {
		take[i] = 0;
		return match(s, i + 1, np, sig, j, whole, take, end);
	}
	return false;
}

static int sig_error(struct ev *e, const struct jn *n, const struct signature *s,
		     const char *sig)
{
	int take[2];
	size_t good = 0, end;

	for (int i = 0; i < s->nparams; i++) {
		if (!match(s, 0, i + 1, sig, 0, false, take, &end))
			break;
		good = end;
	}
	return jn_error(e->err, "T0410", n->pos,
			"Argument %zu of function \"%s\" does not match function signature",
			good + 1, n->fname);
}

/* jsonata's signature.validate(args, context). */
static int validate(struct ev *e, const struct jn *n, struct jv *args, int nargs,
		    const struct jv *ctx, struct jv *out)
{
	const struct signature *s = &SIGNATURES[n->op];
	char sig[MAX_ARGS + 1];
	int take[2], argi = 0;
	size_t end;

	for (int i = 0; i < nargs; i++)
		sig[i] = symbol(&args[i]);
	sig[nargs] = '\0';
	if (!match(s, 0, s->nparams, sig, 0, true, take, &end))
		return sig_error(e, n, s, sig);
	for (int i = 0; i < s->nparams; i++) {
		const struct param *p = &s->p[i];

		if (!take[i]) {
			if (p->context) {
				if (strchr(p->accepts, symbol(ctx)) == NULL)
					return jn_error(e->err, "T0411", n->pos,
							"Context value is not a compatible type with argument %d of function \"%s\"",
							argi + 1, n->fname);
				out[i] = *ctx;
			} else {
				out[i] = argi < nargs ? args[argi] : JV_UNDEFINED;
				argi++;
			}
			continue;
		}
		out[i] = args[argi];
		if (p->array && args[argi].kind != JV_UNDEF) {
			struct jv_it it;
			struct jv m;
			char first = 0;

			if (p->subtype && args[argi].kind != JV_ARR &&
			    symbol(&args[argi]) != p->subtype)
				goto not_array;
			if (p->subtype && args[argi].kind == JV_ARR) {
				jv_it_init(e, &it, &args[argi]);
				while (jv_it_next(e, &it, &m)) {
					if (first == 0)
						first = symbol(&m);
					if (first != p->subtype || symbol(&m) != first)
						goto not_array;
				}
			}
		}
		argi++;
		continue;
not_array:
		return jn_error(e->err, "T0412", n->pos,
				"Argument %d of function \"%s\" must be an array of \"numbers\"",
				argi + 1, n->fname);
	}
	return 0;
}

static size_t utf16_length(const char *p, size_t len)
{
	size_t n = 0;

	/* $length counts characters (for...of): a surrogate pair is one. */
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)p[i] & 0xC0) != 0x80)
			n++;
	return n;
}

static int fn_contains(struct ev *e, const struct jn *n, const struct jv *a,
		       struct jv *out)
{
	const char *s, *t;
	size_t sl, tl;
	bool found = false;

	if (a[0].kind == JV_UNDEF) {
		*out = JV_UNDEFINED;
		return 0;
	}
	if (a[1].kind != JV_STR) /* jsonata 2.1.1 crashes here; refuse clearly */
		return jn_error(e->err, "T0410", n->pos,
				"Argument 2 of function \"%s\" does not match function signature",
				n->fname);
	if (jv_str(e, &a[0], &s, &sl) != 0 || jv_str(e, &a[1], &t, &tl) != 0)
		return -1;
	if (tl == 0)
		found = true;
	for (size_t i = 0; !found && tl <= sl && i <= sl - tl; i++)
		found = memcmp(s + i, t, tl) == 0;
	*out = jv_bool(found);
	return 0;
}

static int fn_string(struct ev *e, const struct jn *n, const struct jv *a,
		     struct jv *out)
{
	struct buf b;
	char *copy;

	if (a[0].kind == JV_UNDEF || a[0].kind == JV_STR) {
		*out = a[0];
		return 0;
	}
	if (a[0].kind == JV_NUM && !isfinite(a[0].u.num))
		return jn_error(e->err, "D3001", n->pos,
				"Attempting to invoke string function on Infinity or NaN");
	buf_init(&b, JN_MAX_ARENA / 4);
	if (jv_stringify(e, &a[0], true, &b) != 0) {
		buf_free(&b);
		return -1;
	}
	copy = arena_alloc(&e->arena, b.len + 1);
	if (copy == NULL) {
		buf_free(&b);
		return ev_oom(e);
	}
	memcpy(copy, buf_str(&b), b.len + 1);
	out->kind = JV_STR;
	out->flags = 0;
	out->node = -1;
	out->u.s.p = copy;
	out->u.s.len = b.len;
	buf_free(&b);
	return 0;
}

static int fn_sum(struct ev *e, const struct jv *a, struct jv *out)
{
	double total = 0;
	struct jv_it it;
	struct jv m;

	if (a[0].kind == JV_UNDEF) {
		*out = JV_UNDEFINED;
		return 0;
	}
	if (a[0].kind != JV_ARR) {
		*out = jv_num(0 + a[0].u.num);
		return 0;
	}
	jv_it_init(e, &it, &a[0]);
	while (jv_it_next(e, &it, &m))
		total += m.u.num;
	*out = jv_num(total);
	return 0;
}

static int apply(struct ev *e, const struct jn *n, const struct jv *a,
		 struct jv *out)
{
	int b;

	switch (n->op) {
	case FN_COUNT:
		*out = jv_num(a[0].kind == JV_UNDEF ? 0 :
			      a[0].kind == JV_ARR ? (double)jv_len(e, &a[0]) : 1);
		return 0;
	case FN_EXISTS:
		*out = jv_bool(a[0].kind != JV_UNDEF);
		return 0;
	case FN_LENGTH:
		if (a[0].kind == JV_UNDEF) {
			*out = JV_UNDEFINED;
			return 0;
		}
		{
			const char *p;
			size_t len;

			if (jv_str(e, &a[0], &p, &len) != 0)
				return -1;
			*out = jv_num((double)utf16_length(p, len));
		}
		return 0;
	case FN_NOT:
	case FN_BOOLEAN:
		if (a[0].kind == JV_UNDEF) {
			*out = JV_UNDEFINED;
			return 0;
		}
		if (jv_boolean(e, &a[0], &b) != 0)
			return -1;
		if (n->op == FN_NOT)
			*out = jv_bool(b != 1);
		else
			*out = b == 2 ? JV_UNDEFINED : jv_bool(b == 1);
		return 0;
	case FN_CONTAINS:
		return fn_contains(e, n, a, out);
	case FN_STRING:
		return fn_string(e, n, a, out);
	case FN_SUM:
		return fn_sum(e, a, out);
	default:
		return jn_number(e, n, &a[0], out);
	}
}

int ev_call(struct ev *e, const struct jn *n, const struct jv *in, struct jv *out)
{
	struct jv args[MAX_ARGS], valid[2], proc;
	int nargs = 0;

	if (n->callee->type != JN_VAR) {
		/* A bare name: a field of the context, or a forgotten "$". */
		if (ev_eval(e, n->callee, in, &proc) != 0)
			return -1;
		if (proc.kind == JV_UNDEF && jn_is_jsonata_function(n->fname))
			return jn_error(e->err, "T1005", n->pos,
					"Attempted to invoke a non-function. Did you mean $%s?",
					n->fname);
	}
	for (int i = 0; i < n->nkids; i++) {
		struct jv v;

		if (ev_eval(e, n->kids[i], in, &v) != 0)
			return -1;
		if (nargs < MAX_ARGS)
			args[nargs++] = v;
	}
	if (n->callee->type != JN_VAR || n->op == FN_NONE)
		return jn_error(e->err, "T1006", n->pos,
				"Attempted to invoke a non-function");
	if (n->nkids > MAX_ARGS)
		return jn_error(e->err, "T0410", n->pos,
				"Argument %d of function \"%s\" does not match function signature",
				SIGNATURES[n->op].nparams + 1, n->fname);
	if (validate(e, n, args, nargs, in, valid) != 0)
		return -1;
	return apply(e, n, valid, out);
}
