/* SPDX-License-Identifier: MIT */
/*
 * jsonata_fmt.c: JavaScript's text for values: Number#toString (shortest
 * round-trip digits, its exponent rules), JSON.stringify (escapes, V8 key
 * order) and $string's 15-significant-digit rounding.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonata_int.h"

/*
 * Decimal digits and exponent of x (> 0) printed with prec significant
 * digits by printf's %e, which rounds correctly. The decimal point may
 * be locale-specific: only digits are kept.
 */
static int e_digits(double x, int prec, char *digits, int *exp10)
{
	char buf[128], *p = buf, *e;
	int n = 0;

	snprintf(buf, sizeof(buf), "%.*e", prec - 1, x);
	e = strchr(buf, 'e');
	for (; p < e; p++)
		if (*p >= '0' && *p <= '9')
			digits[n++] = *p;
	digits[n] = '\0';
	*exp10 = atoi(e + 1);
	return n;
}

/* Shortest digits that read back as x (JavaScript's choice). */
static int shortest(double x, char *digits, int *exp10)
{
	char buf[64];
	int n = 0;

	for (int prec = 1; prec <= 17; prec++) {
		n = e_digits(x, prec, digits, exp10);
		snprintf(buf, sizeof(buf), "%.*se%d", n, digits, *exp10 - (n - 1));
		/* digits as an integer times 10^(exp - n + 1): locale-free parse */
		if (json_parse_number(buf, strlen(buf)) == x)
			break;
	}
	while (n > 1 && digits[n - 1] == '0')
		digits[--n] = '\0';
	return n;
}

size_t jn_fmt_number(double x, char *out)
{
	char digits[40];
	int k, n, exp10, len = 0;

	if (isnan(x))
		return (size_t)sprintf(out, "NaN");
	if (isinf(x))
		return (size_t)sprintf(out, x < 0 ? "-Infinity" : "Infinity");
	if (x == 0)
		return (size_t)sprintf(out, "0");
	if (x < 0) {
		out[len++] = '-';
		x = -x;
	}
	k = shortest(x, digits, &exp10);
	n = exp10 + 1; /* position of the decimal point */
	if (k <= n && n <= 21) {
		len += sprintf(out + len, "%s", digits);
		for (int i = k; i < n; i++)
			out[len++] = '0';
	} else if (0 < n && n <= 21) {
		len += sprintf(out + len, "%.*s.%s", n, digits, digits + n);
	} else if (-6 < n && n <= 0) {
		out[len++] = '0';
		out[len++] = '.';
		for (int i = n; i < 0; i++)
			out[len++] = '0';
		len += sprintf(out + len, "%s", digits);
	} else {
		len += sprintf(out + len, "%c%s%s%s%d", digits[0], k > 1 ? "." : "",
			       digits + 1, n - 1 < 0 ? "e-" : "e+", abs(n - 1));
	}
	out[len] = '\0';
	return (size_t)len;
}

/* Number(x.toPrecision(15)): round to 15 significant digits, half up. */
static double round15(double x)
{
	char digits[80], buf[100];
	int exp10, n, carry;
	double ax = fabs(x);

	if (x == 0 || !isfinite(x))
		return x;
	/* Exact digits (%.70e is exact far enough to see a tie). */
	n = e_digits(ax, 71, digits, &exp10);
	carry = digits[15] >= '5';
	if (n > 15)
		digits[15] = '\0';
	for (int i = 14; carry && i >= 0; i--) {
		if (digits[i] == '9') {
			digits[i] = '0';
		} else {
			digits[i]++;
			carry = 0;
		}
	}
	if (carry) { /* 999... rounded up to 1000... */
		memmove(digits + 1, digits, 15);
		digits[0] = '1';
		digits[15] = '\0';
		exp10++;
	}
	snprintf(buf, sizeof(buf), "%se%d", digits, exp10 - 14);
	return copysign(json_parse_number(buf, strlen(buf)), x);
}

enum kp_status jn_write_json_string(struct buf *out, const char *s, size_t len)
{
	char chunk[520];
	size_t n = 0;
	enum kp_status st;

	chunk[n++] = '"';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		static const char *const short_esc = "\"\"\\\\\bb\ff\nn\rr\tt";
		const char *hit = c != 0 ? strchr(short_esc, c) : NULL;

		if (n > sizeof(chunk) - 16) {
			if ((st = buf_append(out, chunk, n)) != KP_OK)
				return st;
			n = 0;
		}
		if (hit != NULL && ((hit - short_esc) % 2) == 0) {
			chunk[n++] = '\\';
			chunk[n++] = hit[1];
		} else if (c < 0x20) {
			n += (size_t)sprintf(chunk + n, "\\u%04x", c);
		} else if (c == 0xED && i + 2 < len && (unsigned char)s[i + 1] >= 0xA0) {
			/* A lone surrogate kept as WTF-8: JSON.stringify escapes it. */
			unsigned cp = 0xD000 | (((unsigned char)s[i + 1] & 0x3Fu) << 6) |
				      ((unsigned char)s[i + 2] & 0x3Fu);

			n += (size_t)sprintf(chunk + n, "\\u%04x", cp);
			i += 2;
		} else {
			chunk[n++] = (char)c;
		}
	}
	chunk[n++] = '"';
	return buf_append(out, chunk, n);
}

static int status_error(struct ev *e, enum kp_status st, const struct buf *out)
{
	if (st == KP_ENOMEM)
		return jn_error(e->err, "K0003", 0, "out of memory");
	return jn_error(e->err, "K0002", 0, "result larger than %zu bytes", out->max);
}

static int put(struct ev *e, struct buf *out, const char *s, size_t n)
{
	enum kp_status st = buf_append(out, s, n);

	return st == KP_OK ? 0 : status_error(e, st, out);
}

static int stringify(struct ev *e, const struct jv *v, bool r15, struct buf *out);

static int stringify_number(struct ev *e, double x, bool r15, struct buf *out)
{
	char num[40];
	bool numeric;
	struct jv v = jv_num(x);

	if (r15) {
		/* $string's replacer runs isNumeric (D1001 on infinity) first. */
		if (jv_numeric(e, &v, &numeric) != 0)
			return -1;
		if (numeric && x != floor(x))
			x = round15(x);
	}
	if (!isfinite(x))
		return put(e, out, "null", 4);
	return put(e, out, num, jn_fmt_number(x, num));
}

static int stringify_object(struct ev *e, const struct jv *obj, bool r15,
			    struct buf *out)
{
	struct jmember *m;
	size_t n;
	struct arena_mark mark = arena_mark(&e->arena);

	if (jv_members_of(e, obj, &m, &n) != 0 || put(e, out, "{", 1) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct jv val = m[i].val;
		enum kp_status st;

		if (i > 0 && put(e, out, ",", 1) != 0)
			return -1;
		st = jn_write_json_string(out, m[i].key, m[i].key_len);
		if (st != KP_OK)
			return status_error(e, st, out);
		if (put(e, out, ":", 1) != 0 || stringify(e, &val, r15, out) != 0)
			return -1;
	}
	arena_release(&e->arena, mark);
	return put(e, out, "}", 1);
}

static int stringify(struct ev *e, const struct jv *v, bool r15, struct buf *out)
{
	const char *p;
	size_t len;
	struct jv_it it;
	struct jv m;
	bool first = true;
	enum kp_status st;

	switch (v->kind) {
	case JV_UNDEF:
	case JV_NULL:
		return put(e, out, "null", 4);
	case JV_TRUE:
		return put(e, out, "true", 4);
	case JV_FALSE:
		return put(e, out, "false", 5);
	case JV_NUM:
		return stringify_number(e, v->u.num, r15, out);
	case JV_STR:
		if (jv_str(e, v, &p, &len) != 0)
			return -1;
		st = jn_write_json_string(out, p, len);
		return st == KP_OK ? 0 : status_error(e, st, out);
	case JV_OBJ:
		return stringify_object(e, v, r15, out);
	case JV_FUNC:
		/* $string's replacer makes functions ""; a result holding one is not JSON */
		if (r15)
			return put(e, out, "\"\"", 2);
		return jn_error(e->err, "K0001", 0,
				"a function in the result is outside the kuma-push JSONata subset");
	default:
		if (put(e, out, "[", 1) != 0)
			return -1;
		jv_it_init(e, &it, v);
		while (jv_it_next(e, &it, &m)) {
			if ((!first && put(e, out, ",", 1) != 0) ||
			    stringify(e, &m, r15, out) != 0)
				return -1;
			first = false;
		}
		return put(e, out, "]", 1);
	}
}

int jv_stringify(struct ev *e, const struct jv *v, bool r15, struct buf *out)
{
	if ((v->flags & JVF_OUTER) && v->u.arr->len > 0)
		return stringify(e, &v->u.arr->items[0], r15, out);
	return stringify(e, v, r15, out);
}

int jv_describe(struct ev *e, const struct jv *v, char *out, size_t size)
{
	struct buf b;
	struct jsonata_err *saved = e->err, scratch = { "", 0, "" };
	struct arena_mark mark = arena_mark(&e->arena);
	int rc = 0;

	buf_init(&b, 512);
	e->err = &scratch; /* hitting the cap only shortens the description */
	if (v->kind == JV_UNDEF) {
		if (buf_append_str(&b, "undefined") == KP_ENOMEM)
			jn_error(&scratch, "K0003", 0, "out of memory");
	} else {
		jv_stringify(e, v, false, &b);
	}
	e->err = saved;
	arena_release(&e->arena, mark);
	if (strcmp(scratch.code, "K0003") == 0)
		rc = jn_error(e->err, "K0003", 0, "out of memory");
	snprintf(out, size, "%s", buf_str(&b));
	buf_free(&b);
	return rc;
}

int jv_string_of(struct ev *e, int pos, const struct jv *v, struct jv *out)
{
	struct buf b;
	int rc;

	if (v->kind == JV_UNDEF || v->kind == JV_STR) {
		*out = *v;
		return 0;
	}
	if (v->kind == JV_FUNC) {
		*out = jv_strn("", 0);
		return 0;
	}
	if (v->kind == JV_NUM && !isfinite(v->u.num))
		return jn_error(e->err, "D3001", pos,
				"Attempting to invoke string function on Infinity or NaN");
	buf_init(&b, JN_MAX_ARENA / 4);
	rc = jv_stringify(e, v, true, &b);
	if (rc == 0)
		rc = jv_str_copy(e, buf_str(&b), b.len, out);
	buf_free(&b);
	return rc;
}
