/* SPDX-License-Identifier: MIT */
/*
 * jsonata_fn_num.c: the numeric and boolean built-ins: $sum $count $max
 * $min $average $number $floor $ceil $round (half to even, with jsonata's
 * decimal-shift precision) $abs $sqrt (D3060) $power (D3061) $boolean
 * $not $exists.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "jsonata_int.h"

static int aggregate(struct ev *e, int fn, const struct jv *a, struct jv *out)
{
	struct jv_it it;
	struct jv m;
	double total = 0, best = 0;
	size_t n = 0;

	if (a->kind == JV_UNDEF) {
		*out = fn == FN_COUNT ? jv_num(0) : JV_UNDEFINED;
		return 0;
	}
	jv_it_init(e, &it, a);
	while (jv_it_next(e, &it, &m)) {
		double x = m.u.num;

		if (ev_tick(e) != 0)
			return -1;
		if (n == 0 || (fn == FN_MAX && x > best) || (fn == FN_MIN && x < best))
			best = x;
		total += x;
		n++;
	}
	switch (fn) {
	case FN_COUNT:
		*out = jv_num((double)n);
		return 0;
	case FN_SUM:
		*out = jv_num(total);
		return 0;
	case FN_AVERAGE:
		*out = n == 0 ? JV_UNDEFINED : jv_num(total / (double)n);
		return 0;
	default:
		*out = n == 0 ? JV_UNDEFINED : jv_num(best);
		return 0;
	}
}

/* Math.round: halves go up (toward +Infinity). */
static double js_round(double x)
{
	double f = floor(x);

	if (!isfinite(x))
		return x;
	return x - f >= 0.5 ? f + 1 : f;
}

/* +(digits + "e" + (exp + shift)) on x.toString(): jsonata's decimal shift. */
static double shift10(double x, double shift)
{
	char text[48], buf[96], *ep;
	long exp = 0;

	if (!isfinite(x))
		return NAN; /* "Infinity" + "e..." is NaN */
	jn_fmt_number(x, text);
	if ((ep = strchr(text, 'e')) != NULL) {
		*ep = '\0';
		exp = (long)json_parse_number(ep + 1 + (ep[1] == '+'), strlen(ep + 1 + (ep[1] == '+')));
	}
	snprintf(buf, sizeof(buf), "%se%ld", text, exp + (long)shift);
	return json_parse_number(buf, strlen(buf));
}

static int fn_round(struct ev *e, int pos, const struct jv *a, struct jv *out)
{
	double x = a[0].u.num, p = a[1].kind == JV_NUM ? a[1].u.num : 0, r;

	if (a[0].kind == JV_UNDEF) {
		*out = JV_UNDEFINED;
		return 0;
	}
	if (p != 0 && (p != floor(p) || fabs(p) > 400))
		return jn_error(e->err, "K0001", pos,
				"$round with a precision that is not a small integer is outside the kuma-push JSONata subset");
	if (p != 0)
		x = shift10(x, p);
	r = js_round(x);
	if (fabs(r - x) == 0.5 && fabs(fmod(r, 2)) == 1)
		r -= 1;
	if (p != 0)
		r = shift10(r, -p);
	*out = jv_num(r == 0 ? 0 : r);
	return 0;
}

int fn_apply_num(struct ev *e, int fn, int pos, const struct jv *a, int n,
		 struct jv *out)
{
	double x = a[0].u.num, r;
	int b;

	(void)n;
	switch (fn) {
	case FN_SUM: case FN_COUNT: case FN_MAX: case FN_MIN: case FN_AVERAGE:
		return aggregate(e, fn, &a[0], out);
	case FN_EXISTS:
		*out = jv_bool(a[0].kind != JV_UNDEF);
		return 0;
	case FN_BOOLEAN:
	case FN_NOT:
		if (a[0].kind == JV_UNDEF) {
			*out = JV_UNDEFINED;
			return 0;
		}
		if (jv_boolean(e, &a[0], &b) != 0)
			return -1;
		*out = jv_bool(fn == FN_NOT ? b != 1 : b == 1);
		return 0;
	case FN_NUMBER:
		return jn_number(e, pos, &a[0], out);
	case FN_ROUND:
		return fn_round(e, pos, a, out);
	default:
		break;
	}
	if (a[0].kind == JV_UNDEF) {
		*out = JV_UNDEFINED;
		return 0;
	}
	switch (fn) {
	case FN_FLOOR: r = floor(x); break;
	case FN_CEIL: r = ceil(x); break;
	case FN_ABS: r = fabs(x); break;
	case FN_SQRT:
		if (x < 0)
			return jn_error(e->err, "D3060", pos,
					"The sqrt function cannot be applied to a negative number: %g", x);
		r = sqrt(x);
		break;
	default: /* FN_POWER */
		r = pow(x, a[1].u.num);
		if (!isfinite(r))
			return jn_error(e->err, "D3061", pos,
					"The power function has resulted in a value that cannot be represented as a JSON number");
		break;
	}
	*out = jv_num(r);
	return 0;
}
