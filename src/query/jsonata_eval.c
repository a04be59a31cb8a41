/*
 * jsonata_eval.c: the evaluator, after jsonata 2.1.1's evaluate,
 * evaluatePath, evaluateStep, evaluateFilter, lookup, evaluateWildcard and
 * the operators. Values reference document tokens; temporaries live in the
 * run's arena, and a predicate's temporaries are released per member.
 */
#include <math.h>
#include <string.h>

#include "jsonata_int.h"

int ev_tick(struct ev *e)
{
	if (++e->steps > JN_MAX_STEPS)
		return jn_error(e->err, "K0002", 0,
				"evaluation stopped after %lu steps", JN_MAX_STEPS);
	return 0;
}

static struct jv seq_empty(struct ev *e, int *rc)
{
	struct jarr *a = jarr_new(e, 0);

	*rc = a != NULL ? 0 : ev_oom(e);
	return jv_arr(a, JVF_SEQ);
}

/* createSequence(v): a sequence of one member (undefined too). */
static int seq_of(struct ev *e, const struct jv *v, struct jv *out)
{
	struct jarr *a = jarr_new(e, 1);

	if (a == NULL)
		return ev_oom(e);
	a->items[a->len++] = *v;
	*out = jv_arr(a, JVF_SEQ);
	return 0;
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
static int lookup(struct ev *e, const struct jv *v, const struct jn *name,
		  struct jv *out)
{
	if (v->kind == JV_OBJ) {
		int node = jv_lookup_key(e, v->node, name->str, name->len);

		if (node == -2)
			return ev_oom(e);
		if (node < 0 && prototype_name(e, name) != 0)
			return -1;
		*out = node >= 0 ? jv_node(e, node) : JV_UNDEFINED;
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
		if (ev_tick(e) != 0 || lookup(e, &m, name, &r) != 0)
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

static int flatten_into(struct ev *e, struct jarr *res, const struct jv *arr)
{
	struct jv_it it;
	struct jv m;

	jv_it_init(e, &it, arr);
	while (jv_it_next(e, &it, &m)) {
		if (ev_tick(e) != 0)
			return -1;
		if (m.kind == JV_ARR ? flatten_into(e, res, &m) : jarr_push(e, res, &m))
			return -1;
	}
	return 0;
}

/* One field value of the wildcard: arrays flatten and the result stops being a sequence. */
static int wildcard_add(struct ev *e, struct jarr *res, const struct jv *x,
			bool *seq)
{
	if (x->kind == JV_ARR) {
		*seq = false;
		return flatten_into(e, res, x);
	}
	return jarr_push(e, res, x);
}

static int wildcard(struct ev *e, const struct jv *in, struct jv *out)
{
	struct jv v = *in, x;
	struct jarr *res = jarr_new(e, 0);
	bool seq = true;

	if (res == NULL)
		return ev_oom(e);
	if ((v.flags & JVF_OUTER) && v.u.arr->len > 0)
		v = v.u.arr->items[0];
	if (v.kind == JV_OBJ) {
		struct jmember *m;
		size_t n;

		if (jv_members(e, v.node, &m, &n) != 0)
			return -1;
		e->steps += n; /* the step budget follows the work done */
		for (size_t i = 0; i < n; i++) {
			x = jv_node(e, m[i].value);
			if (wildcard_add(e, res, &x, &seq) != 0)
				return -1;
		}
	} else if (v.kind == JV_ARR) {
		struct jv_it it;

		jv_it_init(e, &it, &v);
		while (jv_it_next(e, &it, &x))
			if (ev_tick(e) != 0 || wildcard_add(e, res, &x, &seq) != 0)
				return -1;
	}
	*out = jv_arr(res, seq ? JVF_SEQ : 0);
	return 0;
}

/* How many times index i of a len-member input is selected by r. */
static int index_hits(struct ev *e, const struct jv *r, double i, double len,
		      int *hits, bool *numeric)
{
	struct jv_it it;
	struct jv m;
	bool num;

	*hits = 0;
	if (jv_numeric(e, r, &num) != 0)
		return -1;
	if (num) {
		double j = floor(r->u.num);

		*numeric = true;
		*hits = (j < 0 ? j + len : j) == i;
		return 0;
	}
	*numeric = false;
	if (r->kind != JV_ARR)
		return 0;
	/* isArrayOfNumbers checks every member before any is used. */
	e->steps += jv_len(e, r);
	jv_it_init(e, &it, r);
	*numeric = true;
	while (jv_it_next(e, &it, &m)) {
		if (jv_numeric(e, &m, &num) != 0)
			return -1;
		if (!num)
			*numeric = false;
	}
	if (!*numeric)
		return 0;
	jv_it_init(e, &it, r);
	while (jv_it_next(e, &it, &m)) {
		double j = floor(m.u.num);

		*hits += (j < 0 ? j + len : j) == i;
	}
	return 0;
}

static int filter_index(struct ev *e, const struct jn *pred, const struct jv *arr,
			struct jv *out)
{
	double len = (double)jv_len(e, arr), idx = floor(pred->num);
	struct jv item;
	int rc;

	if (idx < 0)
		idx += len;
	if (idx >= 0 && idx < len && jv_at(e, arr, (size_t)idx, &item) &&
	    item.kind != JV_UNDEF) {
		if (item.kind == JV_ARR) {
			*out = item;
			return 0;
		}
		return seq_of(e, &item, out);
	}
	*out = seq_empty(e, &rc);
	return rc;
}

/* jsonata's evaluateFilter: the predicate [pred] applied to v. */
static int filter(struct ev *e, const struct jn *pred, const struct jv *v,
		  struct jv *out)
{
	struct jv arr = *v, item, r;
	struct jarr *res;
	struct jv_it it;
	double index = 0, len;

	if (v->kind != JV_ARR && seq_of(e, v, &arr) != 0)
		return -1;
	if (pred->type == JN_NUM)
		return filter_index(e, pred, &arr, out);
	if ((res = jarr_new(e, 0)) == NULL)
		return ev_oom(e);
	len = (double)jv_len(e, &arr);
	jv_it_init(e, &it, &arr);
	while (jv_it_next(e, &it, &item)) {
		struct arena_mark mark = arena_mark(&e->arena);
		int hits, truth;
		bool numeric;

		if (ev_eval(e, pred, &item, &r) != 0 ||
		    index_hits(e, &r, index, len, &hits, &numeric) != 0)
			return -1;
		if (!numeric) {
			if (jv_boolean(e, &r, &truth) != 0)
				return -1;
			hits = truth == 1;
		}
		arena_release(&e->arena, mark);
		while (hits-- > 0)
			if (jarr_push(e, res, &item) != 0)
				return -1;
		index++;
	}
	*out = jv_arr(res, JVF_SEQ);
	return 0;
}

static int apply_stages(struct ev *e, struct jn *const *preds, int n,
			struct jv *v)
{
	for (int i = 0; i < n; i++)
		if (filter(e, preds[i], v, v) != 0)
			return -1;
	return 0;
}

/* jsonata's evaluateStep. */
static int eval_step(struct ev *e, const struct jn *step, const struct jv *seq,
		     bool last, struct jv *out)
{
	struct jarr *results = jarr_new(e, jv_len(e, seq)), *flat;
	struct jv_it it;
	struct jv item, r;

	if (results == NULL)
		return ev_oom(e);
	jv_it_init(e, &it, seq);
	while (jv_it_next(e, &it, &item)) {
		if (ev_eval(e, step, &item, &r) != 0 ||
		    apply_stages(e, step->stages, step->nstages, &r) != 0)
			return -1;
		if (r.kind != JV_UNDEF && jarr_push(e, results, &r) != 0)
			return -1;
	}
	if (last && results->len == 1 && results->items[0].kind == JV_ARR &&
	    !jv_is_seq(&results->items[0])) {
		*out = results->items[0];
		return 0;
	}
	if (results->len == 1 && jv_is_seq(&results->items[0])) {
		*out = results->items[0]; /* flattening one sequence copies it */
		return 0;
	}
	if ((flat = jarr_new(e, results->len)) == NULL)
		return ev_oom(e);
	for (size_t i = 0; i < results->len; i++) {
		const struct jv *x = &results->items[i];

		if (x->kind == JV_ARR ? jarr_splice(e, flat, x) : jarr_push(e, flat, x))
			return -1;
	}
	*out = jv_arr(flat, JVF_SEQ);
	return 0;
}

/* jsonata's evaluatePath. */
static int eval_path(struct ev *e, const struct jn *n, const struct jv *in,
		     struct jv *out)
{
	enum jn_type first = n->kids[0]->type;
	struct jv seq = *in, res = JV_UNDEFINED, cur = *in;
	int i = 0;

	/*
	 * Fast path, same result: field names without predicates on a single
	 * object need no sequences (lookup on an object is just the field).
	 */
	while (i < n->nkids && cur.kind == JV_OBJ && n->kids[i]->type == JN_NAME &&
	       n->kids[i]->nstages == 0 && n->kids[i]->npreds == 0) {
		if (ev_tick(e) != 0 || lookup(e, &cur, n->kids[i], &cur) != 0)
			return -1;
		if (++i == n->nkids || cur.kind == JV_UNDEF) {
			*out = cur;
			return 0;
		}
	}
	if (i > 0) {
		/* Continue as jsonata would from the sequence of that one value. */
		if (cur.kind != JV_ARR && seq_of(e, &cur, &cur) != 0)
			return -1;
		seq = cur;
	} else if ((in->kind != JV_ARR || first == JN_CTX || first == JN_ROOT) &&
		   seq_of(e, in, &seq) != 0) {
		return -1;
	}
	for (; i < n->nkids; i++) {
		if (eval_step(e, n->kids[i], &seq, i == n->nkids - 1, &res) != 0)
			return -1;
		if (jv_len(e, &res) == 0)
			break;
		seq = res;
	}
	*out = res;
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
	*out = jv_arr(res, 0);
	return 0;
}

static int eval_node(struct ev *e, const struct jn *n, const struct jv *in,
		     struct jv *out)
{
	struct jv v = JV_UNDEFINED;

	switch (n->type) {
	case JN_PATH:
		return eval_path(e, n, in, out);
	case JN_NAME:
		return lookup(e, in, n, out);
	case JN_WILD:
		return wildcard(e, in, out);
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
		return ev_eval(e, n->kids[0], in, out);
	case JN_ARRAY:
		return array_ctor(e, n, in, out);
	case JN_NEG:
		return ev_negate(e, n, in, out);
	case JN_BIN:
		return ev_binary(e, n, in, out);
	case JN_CALL:
		return ev_call(e, n, in, out);
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

	if (ev_tick(e) != 0 || eval_node(e, n, in, &v) != 0)
		return -1;
	if (apply_stages(e, n->preds, n->npreds, &v) != 0)
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
	if (e->root.kind == JV_ARR) {
		/* jsonata wraps an array document once: the "outer wrapper". */
		if (seq_of(e, &e->root, &e->input) != 0)
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
