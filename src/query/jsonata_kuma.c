/* SPDX-License-Identifier: MIT */
/*
 * jsonata_kuma.c: Uptime Kuma 2.x's evaluateJsonQuery (server/util.ts),
 * mirrored: which results are refused, JavaScript's toString() of the
 * result, the comparison with the expected value, and Kuma's wording.
 * Also Kuma 1.23's older rule (server/model/monitor.js): String(result)
 * === expected, with no operator and nothing refused but undefined/null.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "jsonata_int.h"

static const char *const OP_NAMES[] = { "==", "!=", "<", "<=", ">", ">=",
					"contains" };

bool jsonata_op_parse(const char *text, enum jsonata_op *op)
{
	for (size_t i = 0; i < sizeof(OP_NAMES) / sizeof(OP_NAMES[0]); i++) {
		if (strcmp(text, OP_NAMES[i]) == 0) {
			*op = (enum jsonata_op)i;
			return true;
		}
	}
	return false;
}

const char *jsonata_op_name(enum jsonata_op op)
{
	if ((unsigned)op >= sizeof(OP_NAMES) / sizeof(OP_NAMES[0]))
		return "?";
	return OP_NAMES[op];
}

/*
 * The head of JSON.stringify(v), at most cap bytes, into b. A cap hit is
 * fine (only the head is shown); -1 only when memory ran out.
 */
static int json_head(struct ev *e, const struct jv *v, size_t cap, struct buf *b)
{
	struct jsonata_err *saved = e->err, scratch = { "", 0, "" };

	buf_init(b, cap);
	e->err = &scratch;
	jv_stringify(e, v, false, b);
	e->err = saved;
	if (strcmp(scratch.code, "K0003") == 0) {
		buf_free(b);
		return -1;
	}
	return 0;
}

/*
 * Kuma's "Response from server was: ..." part: JSON.stringify(v), cut to
 * 100 characters with "… (truncated)" when longer than 50.
 */
static int response_text(struct ev *e, const struct jv *v, char *out, size_t size)
{
	struct buf b;
	size_t cut = 0, total = 0;
	const char *s;

	if (v->kind == JV_UNDEF) {
		snprintf(out, size, "undefined");
		return 0;
	}
	if (json_head(e, v, 1024, &b) != 0)
		return -1;
	s = buf_str(&b);
	/* JavaScript lengths count UTF-16 units; cut between characters. */
	for (size_t i = 0; s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c & 0xC0) == 0x80)
			continue;
		total += c >= 0xF0 ? 2 : 1;
		if (total <= 100)
			cut = i + 1;
	}
	while (((unsigned char)s[cut] & 0xC0) == 0x80)
		cut++;
	if (total > 50 || b.len >= b.max)
		snprintf(out, size, "%.*s\xe2\x80\xa6 (truncated)", (int)cut, s);
	else
		snprintf(out, size, "%s", s);
	buf_free(&b);
	return 0;
}

/* JavaScript's String(v) for the results Kuma accepts, as bytes. */
static int text_of(struct ev *e, const struct jv *v, const char **p, size_t *len)
{
	char *num;

	switch (v->kind) {
	case JV_NUM:
		if ((num = arena_alloc(&e->arena, 40)) == NULL)
			return ev_oom(e);
		*len = jn_fmt_number(v->u.num, num);
		*p = num;
		return 0;
	case JV_STR:
		return jv_str(e, v, p, len);
	default:
		*p = v->kind == JV_TRUE ? "true" : v->kind == JV_FALSE ? "false" :
		     v->kind == JV_NULL ? "null" : "undefined";
		*len = strlen(*p);
		return 0;
	}
}

/* Kuma's message for a failed check; -1 when memory ran out. */
static int reason_set(struct kp_err *reason, struct ev *e, const struct jv *resp,
		      const char *why)
{
	char tail[200], copy[400];

	snprintf(copy, sizeof(copy), "%s", why); /* why may live in e->err */
	if (response_text(e, resp, tail, sizeof(tail)) != 0)
		return -1;
	kp_err_set(reason, KP_EINVAL,
		   "Error evaluating JSON query: %s. Response from server was: %s",
		   copy, tail);
	return 0;
}

/* Refuses what Kuma refuses: 1 when the result may be compared, 0 when
 * not (reason set), -1 when memory ran out. */
static int acceptable(struct ev *e, const struct jv *v, struct kp_err *reason)
{
	char shown[64], why[400];
	struct buf b;

	if (v->kind == JV_UNDEF || v->kind == JV_NULL)
		return reason_set(reason, e, v,
				  "Empty or undefined response. Check query syntax and response structure");
	if (v->kind == JV_OBJ)
		return reason_set(reason, e, v,
				  "The post-JSON query evaluated response from the server is of type object, which cannot be directly compared to the expected value");
	if (v->kind != JV_ARR)
		return 1;
	if (json_head(e, v, 256, &b) != 0)
		return -1;
	if (b.len > 25)
		snprintf(shown, sizeof(shown), "%.25s...]", buf_str(&b));
	else
		snprintf(shown, sizeof(shown), "%s", buf_str(&b));
	buf_free(&b);
	snprintf(why, sizeof(why),
		 "JSON query returned the array %s, but a primitive value is required. "
		 "Modify your query to return a single value via [0] to get the first element "
		 "or use an aggregation like $count(), $sum() or $boolean().", shown);
	return reason_set(reason, e, v, why);
}

static struct jv text_value(const char *s, size_t len)
{
	struct jv v = { JV_STR, 0, -1, { .s = { s, len } } };

	return v;
}

/* $number($.value) <op> $number($.expected); -1 with e->err on D3030. */
static int numeric_compare(struct ev *e, const struct jv *value,
			   const struct jv *expected, enum jsonata_op op, bool *pass)
{
	struct jv na, nb;
	double x, y;

	if (jn_number(e, 0, value, &na) != 0 || jn_number(e, 0, expected, &nb) != 0)
		return -1;
	x = na.u.num;
	y = nb.u.num;
	switch (op) {
	case JSONATA_OP_LT: *pass = x < y; break;
	case JSONATA_OP_LE: *pass = x <= y; break;
	case JSONATA_OP_GT: *pass = x > y; break;
	default: *pass = x >= y; break;
	}
	return 0;
}

/* Kuma's second jsonata query, on {"value": String(result), "expected": ...}. */
static int compare(struct ev *e, const struct jv *result, const char *expected,
		   enum jsonata_op op, bool *pass, struct kp_err *reason)
{
	const char *value;
	size_t len, elen = strlen(expected);
	struct jv a, b;

	if (text_of(e, result, &value, &len) != 0)
		return -1;
	a = text_value(value, len);
	b = text_value(expected, elen);
	switch (op) {
	case JSONATA_OP_EQ:
	case JSONATA_OP_NE:
		*pass = (len == elen && memcmp(value, expected, len) == 0) ==
			(op == JSONATA_OP_EQ);
		break;
	case JSONATA_OP_CONTAINS:
		*pass = elen == 0;
		for (size_t i = 0; !*pass && elen <= len && i <= len - elen; i++)
			*pass = memcmp(value + i, expected, elen) == 0;
		break;
	default:
		if (numeric_compare(e, &a, &b, op, pass) != 0) {
			*pass = false;
			if (strcmp(e->err->code, "K0003") == 0)
				return -1;
			return reason_set(reason, e, result, e->err->msg);
		}
		break;
	}
	kp_err_set(reason, *pass ? KP_OK : KP_EINVAL,
		   "JSON query %s (comparing %.*s %s %s)",
		   *pass ? "passes" : "does not pass", (int)(len > 200 ? 200 : len),
		   value, jsonata_op_name(op), expected);
	return 0;
}

/* The result's String() for the caller (arrays and objects as JSON). */
static int value_text(struct ev *e, const struct jv *v, char *value, size_t size)
{
	const char *p;
	size_t len;

	if (value == NULL || size == 0)
		return 0;
	if (v->kind == JV_ARR || v->kind == JV_OBJ)
		return jv_describe(e, v, value, size);
	if (text_of(e, v, &p, &len) != 0)
		return -1;
	snprintf(value, size, "%.*s", (int)(len < size ? len : size - 1), p);
	return 0;
}

int jsonata_kuma_check(const struct jsonata_prog *prog,
		       const struct json_doc *doc, const char *expected,
		       enum jsonata_op op, bool *pass, char *value,
		       size_t value_size, struct kp_err *reason)
{
	struct jsonata_err jerr = { "", 0, "" };
	struct ev e;
	struct jv v;
	int rc = 0, ok;

	*pass = false;
	if (value != NULL && value_size > 0)
		value[0] = '\0';
	if (ev_begin(&e, doc, &jerr) != 0 || ev_run(&e, prog, &v) != 0) {
		/* A jsonata error fails the check, as in Kuma; only OOM is ours. */
		if (strcmp(jerr.code, "K0003") == 0 ||
		    reason_set(reason, &e, &e.root, jerr.msg) != 0)
			goto nomem;
		goto out;
	}
	if (value_text(&e, &v, value, value_size) != 0 ||
	    (ok = acceptable(&e, &v, reason)) < 0)
		goto nomem;
	if (ok == 0)
		goto out;
	if (compare(&e, &v, expected != NULL ? expected : "true", op, pass, reason) != 0)
		goto nomem;
	goto out;
nomem:
	*pass = false;
	rc = kp_err_nomem(reason);
out:
	ev_end(&e);
	return rc;
}

/* Kuma 1.23's result.toString(), appended to b until its cap. */
struct js_text {
	struct buf b;
	bool over; /* the cap was hit: the text is longer than b holds */
};

static int js_append(struct js_text *t, const char *p, size_t len)
{
	enum kp_status st;

	if (t->over)
		return 0;
	st = buf_append(&t->b, p, len);
	if (st == KP_ELIMIT)
		t->over = true;
	return st == KP_ENOMEM ? -1 : 0;
}

/*
 * JavaScript's String(v): an array is Array.prototype.join(","), whose
 * null and undefined members are "", an object is "[object Object]".
 * Recursion follows the nesting, which the document and parser bound.
 */
static int js_string(struct ev *e, const struct jv *v, struct js_text *t)
{
	struct jv_it it;
	struct jv item;
	const char *p;
	size_t len;
	bool first = true;

	if (v->kind == JV_OBJ)
		return js_append(t, "[object Object]", 15);
	if (v->kind != JV_ARR) {
		if (text_of(e, v, &p, &len) != 0)
			return -1;
		return js_append(t, p, len);
	}
	jv_it_init(e, &it, v);
	while (!t->over && jv_it_next(e, &it, &item)) {
		if (!first && js_append(t, ",", 1) != 0)
			return -1;
		first = false;
		if (item.kind != JV_NULL && item.kind != JV_UNDEF &&
		    js_string(e, &item, t) != 0)
			return -1;
	}
	return 0;
}

int jsonata_kuma1_check(const struct jsonata_prog *prog,
			const struct json_doc *doc, const char *expected,
			bool *pass, char *value, size_t value_size,
			struct kp_err *reason)
{
	struct jsonata_err jerr = { "", 0, "" };
	struct js_text t;
	struct ev e;
	struct jv v;
	size_t elen;
	int rc = 0;

	*pass = false;
	if (value != NULL && value_size > 0)
		value[0] = '\0';
	expected = expected != NULL ? expected : "true";
	elen = strlen(expected);
	/* One byte past expected tells "longer" apart; 200 more to show. */
	buf_init(&t.b, elen + 201);
	t.over = false;
	if (ev_begin(&e, doc, &jerr) != 0 || ev_run(&e, prog, &v) != 0) {
		if (strcmp(jerr.code, "K0003") == 0)
			goto nomem;
		kp_err_set(reason, KP_EINVAL, "Error evaluating JSON query: %s",
			   jerr.msg);
		goto out;
	}
	/* 1.23 calls result.toString(): a TypeError for these two. */
	if (v.kind == JV_UNDEF || v.kind == JV_NULL) {
		kp_err_set(reason, KP_EINVAL, "JSON query result is %s",
			   v.kind == JV_NULL ? "null" : "undefined");
		goto out;
	}
	if (js_string(&e, &v, &t) != 0)
		goto nomem;
	*pass = !t.over && t.b.len == elen &&
		memcmp(buf_str(&t.b), expected, elen) == 0;
	if (value != NULL && value_size > 0)
		snprintf(value, value_size, "%s", buf_str(&t.b));
	kp_err_set(reason, *pass ? KP_OK : KP_EINVAL,
		   "JSON query %s (comparing %.200s%s === %s)",
		   *pass ? "passes" : "does not pass", buf_str(&t.b),
		   t.over || t.b.len > 200 ? "..." : "", expected);
	goto out;
nomem:
	*pass = false;
	rc = kp_err_nomem(reason);
out:
	buf_free(&t.b);
	ev_end(&e);
	return rc;
}
