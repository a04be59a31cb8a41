/* SPDX-License-Identifier: MIT */
/*
 * jsonata_path.c: paths, after jsonata 2.1.1's evaluatePath, evaluateStep,
 * evaluateFilter, lookup and evaluateWildcard. Values reference document
 * tokens; a predicate's temporaries are released per member.
 */
#include <math.h>
#include <string.h>

#include "jsonata_int.h"

static struct jv seq_empty(struct ev *e, int *rc)
{
	struct jarr *a = jarr_new(e, 0);

	*rc = a != NULL ? 0 : ev_oom(e);
	return jv_arr(a, JVF_SEQ);
}

/* createSequence(v): a sequence of one member (undefined too). */
int ev_seq_of(struct ev *e, const struct jv *v, struct jv *out)
{
	struct jarr *a = jarr_new(e, 1);

	if (a == NULL)
		return ev_oom(e);
	a->items[a->len++] = *v;
	*out = jv_arr(a, JVF_SEQ);
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

int ev_wildcard(struct ev *e, const struct jv *in, struct jv *out)
{
	struct jv v = *in, x;
	struct jarr *res = jarr_new(e, 0);
	bool seq = true;

	if (res == NULL)
		return ev_oom(e);
	if ((v.flags & JVF_OUTER) && v.u.arr->len > 0)
		v = v.u.arr->items[0];
	if (v.kind == JV_FUNC)
		return jn_error(e->err, "K0001", 0,
				"the fields of a function are outside the kuma-push JSONata subset");
	if (v.kind == JV_OBJ) {
		struct jmember *m;
		size_t n;

		if (jv_members_of(e, &v, &m, &n) != 0)
			return -1;
		e->steps += n; /* the step budget follows the work done */
		for (size_t i = 0; i < n; i++)
			if (wildcard_add(e, res, &m[i].val, &seq) != 0)
				return -1;
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
		return ev_seq_of(e, &item, out);
	}
	*out = seq_empty(e, &rc);
	return rc;
}

/* Objects up to this many keys take wildcard_truth (its duplicate check is quadratic). */
#define WILD_TRUTH_KEYS 32

/* Is key k replaced by a later key of its object? -1: a key with escapes. */
static int key_replaced(const struct json_doc *doc, int k)
{
	size_t len, other_len;
	bool plain, other_plain;
	const char *key = json_str_raw(doc, k, &len, &plain), *other;

	if (!plain)
		return -1;
	for (int j = json_next(doc, k); j >= 0; j = json_next(doc, j)) {
		other = json_str_raw(doc, j, &other_len, &other_plain);
		if (!other_plain)
			return -1;
		if (other_len == len && memcmp(other, key, len) == 0)
			return 1;
	}
	return 0;
}

/*
 * "[*]" on a document object: what ev_filter makes of ev_wildcard's
 * result (the values, arrays flattened, the last of duplicate keys),
 * without building the member list that the result would need. A result
 * of numbers selects by index: that is left to the ordinary way, so this
 * answers only when a value that counts is a string, a boolean, null or
 * an object; then the result's truth is that some value is true (and an
 * infinite number anywhere is D1001, as jv_boolean has it). Returns 1
 * when *truth is set, 0 to go the ordinary way (also for many keys or
 * keys with escapes), -1 on error.
 */
static int wildcard_truth(struct ev *e, int object, int *truth)
{
	size_t n = json_size(e->doc, object);
	bool witness = false; /* a value that counts and is not a number */
	bool finite = json_finite(e->doc);

	*truth = 0;
	if (n > WILD_TRUTH_KEYS)
		return 0;
	e->steps += n; /* as ev_wildcard counts them */
	/* Once answered, no value left can change the answer or fail. */
	for (int k = json_first(e->doc, object); k >= 0 && !(finite && witness && *truth == 1);
	     k = json_next(e->doc, k)) {
		struct jv v = jv_node(e, k + 1);
		bool risky = v.kind == JV_ARR || (v.kind == JV_NUM && isinf(v.u.num));
		bool other = v.kind != JV_ARR && v.kind != JV_NUM;
		int b = 0, replaced;

		/* A finite scalar never fails: its truth is cheap to know first. */
		if (!risky && jv_boolean(e, &v, &b) != 0)
			return -1;
		if (!risky && !(other && !witness) && (*truth == 1 || b != 1))
			continue; /* changes nothing, replaced or not */
		if ((replaced = key_replaced(e->doc, k)) < 0)
			return 0;
		if (replaced)
			continue;
		if (risky && jv_boolean(e, &v, &b) != 0)
			return -1;
		witness |= other;
		*truth |= b == 1;
	}
	return witness ? 1 : 0;
}

/*
 * "[name = 'text']" on a document object: the member's token compared
 * with the literal where it lies (a string without escapes byte for byte;
 * a number, literal or object is never equal to a string). Returns 1 when
 * *truth is set, 0 to go the ordinary way (an absent member, which may be
 * a JavaScript prototype name; an array; escapes; other shapes).
 */
static int field_equals(struct ev *e, const struct jn *pred, int object, int *truth)
{
	const struct jn *l = pred->kids[0], *r = pred->kids[1], *name = l;
	const char *text;
	size_t len;
	bool plain;
	int node;

	if (pred->op != OP_EQ || pred->nkids != 2 || l->npreds != 0 || r->type != JN_STR ||
	    r->npreds != 0)
		return 0;
	if (l->type == JN_PATH) {
		if (l->nkids != 1 || l->nstages != 0)
			return 0;
		name = l->kids[0];
	}
	if (name->type != JN_NAME || name->npreds != 0 || name->nstages != 0)
		return 0;
	if ((node = json_lookup(e->doc, object, name->str, name->len, true)) < 0)
		return 0;
	switch (json_token(e->doc, node, &text, &len, &plain)) {
	case JSON_STRING:
		if (!plain)
			return 0;
		*truth = len == r->len && memcmp(text, r->str, len) == 0;
		return ev_tick(e) != 0 ? -1 : 1;
	case JSON_ARRAY:
	case JSON_NONE:
		return 0;
	default:
		*truth = 0;
		return ev_tick(e) != 0 ? -1 : 1;
	}
}

/* jsonata's evaluateFilter: the predicate [pred] applied to v. */
int ev_filter(struct ev *e, const struct jn *pred, const struct jv *v,
		  struct jv *out)
{
	struct jv arr = *v, item, r;
	struct jarr *res;
	struct jv_it it;
	double index = 0, len;

	if (v->kind != JV_ARR && ev_seq_of(e, v, &arr) != 0)
		return -1;
	if (pred->type == JN_NUM)
		return filter_index(e, pred, &arr, out);
	/* Room for every member up front: the result is rarely longer, and
	 * growing it by doubling would leave old copies in the arena. */
	if ((res = jarr_new(e, jv_len(e, &arr))) == NULL)
		return ev_oom(e);
	len = (double)jv_len(e, &arr);
	jv_it_init(e, &it, &arr);
	while (jv_it_next(e, &it, &item)) {
		struct arena_mark mark = arena_mark(&e->arena);
		unsigned long binds = e->binds;
		int hits, truth, fast;
		bool numeric;

		fast = 0;
		if (item.kind == JV_OBJ && item.node >= 0 && pred->npreds == 0)
			fast = pred->type == JN_WILD ? wildcard_truth(e, item.node, &truth) :
			       pred->type == JN_BIN ? field_equals(e, pred, item.node, &truth) : 0;
		if (fast != 0) {
			if (fast < 0)
				return -1;
			hits = truth;
		} else if (e->eval(e, pred, &item, &r) != 0 ||
			   index_hits(e, &r, index, len, &hits, &numeric) != 0) {
			return -1;
		} else if (!numeric) {
			if (jv_boolean(e, &r, &truth) != 0)
				return -1;
			hits = truth == 1;
		}
		/* A binding made in the predicate may hold temporaries: keep them. */
		if (binds == e->binds)
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
		if (ev_filter(e, preds[i], v, v) != 0)
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
		if (e->eval(e, step, &item, &r) != 0 ||
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
	if (results->len == 1 && jv_is_seq(&results->items[0]) &&
	    !(results->items[0].flags & JVF_CONS)) {
		*out = results->items[0]; /* flattening one sequence copies it */
		return 0;
	}
	if ((flat = jarr_new(e, results->len)) == NULL)
		return ev_oom(e);
	for (size_t i = 0; i < results->len; i++) {
		const struct jv *x = &results->items[i];

		/* jsonata flattens each result one level, except a constructor's array. */
		if (x->kind == JV_ARR && !(x->flags & JVF_CONS) ? jarr_splice(e, flat, x) :
		    jarr_push(e, flat, x))
			return -1;
	}
	*out = jv_arr(flat, JVF_SEQ);
	return 0;
}

/* jsonata's evaluatePath. */
int ev_path(struct ev *e, const struct jn *n, const struct jv *in,
		     struct jv *out)
{
	enum jn_type first = n->kids[0]->type;
	struct jv seq = *in, res = JV_UNDEFINED, cur = *in;
	int i = 0;

	/*
	 * Fast path, same result: field names without predicates on a single
	 * object need no sequences (lookup on an object is just the field).
	 */
	while (i < n->nkids && cur.kind == JV_OBJ && cur.node >= 0 && n->kids[i]->type == JN_NAME &&
	       n->kids[i]->nstages == 0 && n->kids[i]->npreds == 0) {
		if (ev_tick(e) != 0 || ev_lookup(e, &cur, n->kids[i], &cur) != 0)
			return -1;
		if (++i == n->nkids || cur.kind == JV_UNDEF) {
			*out = cur;
			return 0;
		}
	}
	if (i > 0) {
		/* Continue as jsonata would from the sequence of that one value. */
		if (cur.kind != JV_ARR && ev_seq_of(e, &cur, &cur) != 0)
			return -1;
		seq = cur;
	} else if ((in->kind != JV_ARR || first == JN_CTX || first == JN_ROOT ||
		    first == JN_VARREF) && ev_seq_of(e, in, &seq) != 0) {
		return -1;
	}
	for (; i < n->nkids; i++) {
		if (i == 0 && n->kids[0]->cons) {
			/* A constructor first: evaluated once, on the whole input. */
			if (e->eval(e, n->kids[0], &seq, &res) != 0 ||
			    apply_stages(e, n->kids[0]->stages, n->kids[0]->nstages, &res) != 0)
				return -1;
		} else if (eval_step(e, n->kids[i], &seq, i == n->nkids - 1, &res) != 0) {
			return -1;
		}
		if (res.kind == JV_UNDEF)
			break;
		if (jv_len(e, &res) == 0)
			break;
		seq = res;
	}
	*out = res;
	return 0;
}

