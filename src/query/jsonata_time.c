/* SPDX-License-Identifier: MIT */
/*
 * jsonata_time.c: $now $millis $toMillis $fromMillis for ISO 8601 in UTC,
 * without picture strings. $toMillis checks jsonata's own pattern first
 * (D3110), then reads what JavaScript's Date.parse reads the same way
 * everywhere: a date, or a date and time with "Z" or an offset. Local
 * times and Date.parse's legacy fallbacks are K0001.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "jsonata_int.h"

double ev_clock_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return 0;
	return (double)ts.tv_sec * 1000 + (double)(ts.tv_nsec / 1000000);
}

static bool dig(char c)
{
	return c >= '0' && c <= '9';
}

/* ^\d{4}(-[01]\d)*(-[0-3]\d)*(T[0-2]\d:[0-5]\d:[0-5]\d)*(\.\d+)?([+-][0-2]\d:?[0-5]\d|Z)?$ */
static bool jsonata_iso(const char *s, size_t n)
{
	size_t i = 4;

	for (size_t k = 0; k < 4; k++)
		if (k >= n || !dig(s[k]))
			return false;
	/* (-[01]\d)*(-[0-3]\d)* is any run of -[0-3]\d */
	while (i + 2 < n && s[i] == '-' && s[i + 1] >= '0' && s[i + 1] <= '3' && dig(s[i + 2]))
		i += 3;
	while (i + 8 < n && s[i] == 'T' && s[i + 1] >= '0' && s[i + 1] <= '2' && dig(s[i + 2]) &&
	       s[i + 3] == ':' && s[i + 4] >= '0' && s[i + 4] <= '5' && dig(s[i + 5]) &&
	       s[i + 6] == ':' && s[i + 7] >= '0' && s[i + 7] <= '5' && dig(s[i + 8]))
		i += 9;
	if (i + 1 < n && s[i] == '.' && dig(s[i + 1])) {
		i += 2;
		while (i < n && dig(s[i]))
			i++;
	}
	if (i < n && s[i] == 'Z') {
		i++;
	} else if (i < n && (s[i] == '+' || s[i] == '-')) {
		size_t k = i + 1;

		if (k + 1 < n && s[k] >= '0' && s[k] <= '2' && dig(s[k + 1])) {
			k += 2;
			if (k < n && s[k] == ':')
				k++;
			if (k + 1 < n && s[k] >= '0' && s[k] <= '5' && dig(s[k + 1]))
				i = k + 2;
		}
	}
	return i == n;
}

static int num2(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static double days_from_civil(long y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (double)(era * 146097 + doe - 719468);
}

static int days_in_month(long y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : dm[m - 1];
}

static int outside(struct ev *e, int pos, const char *s, size_t n)
{
	return jn_error(e->err, "K0001", pos,
			"$toMillis(\"%.40s\") (a local time or a form Date.parse reads loosely) is outside the kuma-push JSONata subset",
			n > 40 ? "..." : s);
}

static int to_millis(struct ev *e, int pos, const char *s, size_t n, struct jv *out)
{
	long y;
	int mo = 1, d = 1, h = 0, mi = 0, sec = 0, off = 0;
	double ms = 0;
	size_t i = 4;

	if (!jsonata_iso(s, n))
		return jn_error(e->err, "D3110", pos,
				"The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given \"%.60s\"",
				s);
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	if (i < n && s[i] == '-') {
		mo = num2(s + i + 1);
		i += 3;
		if (i < n && s[i] == '-') {
			d = num2(s + i + 1);
			i += 3;
		}
	}
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || (i < n && s[i] == '-'))
		return outside(e, pos, s, n);
	if (i == n) { /* a date alone is UTC */
		*out = jv_num(days_from_civil(y, mo, d) * 86400000.0);
		return 0;
	}
	if (s[i] != 'T' || i != 10)
		return outside(e, pos, s, n);
	h = num2(s + i + 1);
	mi = num2(s + i + 4);
	sec = num2(s + i + 7);
	i += 9;
	if (h > 24 || (h == 24 && (mi != 0 || sec != 0)))
		return outside(e, pos, s, n);
	if (i < n && s[i] == '.') {
		double scale = 100;

		for (i++; i < n && dig(s[i]); i++, scale /= 10)
			ms += (s[i] - '0') * scale;
		ms = floor(ms);
		if (h == 24 && ms != 0)
			return outside(e, pos, s, n);
	}
	if (i == n)
		return outside(e, pos, s, n); /* no offset: local time */
	if (s[i] != 'Z') {
		if (n - i != 6 || s[i + 3] != ':')
			return outside(e, pos, s, n);
		off = num2(s + i + 1) * 60 + num2(s + i + 4);
		if (num2(s + i + 1) > 23)
			return outside(e, pos, s, n);
		if (s[i] == '-')
			off = -off;
	}
	*out = jv_num(days_from_civil(y, mo, d) * 86400000.0 +
		      ((h * 60.0 + mi - off) * 60 + sec) * 1000 + ms);
	return 0;
}

static int from_millis(struct ev *e, int pos, double ms, struct jv *out)
{
	char text[40];
	double days, rem;
	long z, era, doe, yoe, y, doy, mp, d, m;
	int len;

	ms = trunc(ms);
	days = floor(ms / 86400000.0);
	rem = ms - days * 86400000.0;
	z = (long)days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	if (!isfinite(ms) || y < 0 || y > 9999)
		return jn_error(e->err, "K0001", pos,
				"$fromMillis outside the years 0000 to 9999 is outside the kuma-push JSONata subset");
	len = snprintf(text, sizeof(text), "%04ld-%02ld-%02ldT%02d:%02d:%02d.%03dZ", y, m, d,
		       (int)(rem / 3600000), (int)fmod(rem / 60000, 60), (int)fmod(rem / 1000, 60),
		       (int)fmod(rem, 1000));
	return jv_str_copy(e, text, (size_t)len, out);
}

int fn_apply_time(struct ev *e, int fn, int pos, const struct jv *a, int n,
		  struct jv *out)
{
	const char *s;
	size_t len;

	if ((fn == FN_NOW && n > 0 && (a[0].kind != JV_UNDEF || a[1].kind != JV_UNDEF)) ||
	    (fn != FN_NOW && n > 1 && (a[1].kind != JV_UNDEF || a[2].kind != JV_UNDEF)))
		return jn_error(e->err, "K0001", pos,
				"$%s with a picture string or time zone is outside the kuma-push JSONata subset",
				JN_BUILTINS[fn].name);
	switch (fn) {
	case FN_MILLIS:
		*out = jv_num(e->now_ms);
		return 0;
	case FN_NOW:
		return from_millis(e, pos, e->now_ms, out);
	case FN_TOMILLIS:
		if (a[0].kind == JV_UNDEF) {
			*out = JV_UNDEFINED;
			return 0;
		}
		if (jv_str(e, &a[0], &s, &len) != 0)
			return -1;
		return to_millis(e, pos, s, len, out);
	default:
		if (a[0].kind == JV_UNDEF) {
			*out = JV_UNDEFINED;
			return 0;
		}
		if (fabs(a[0].u.num) > 8.64e15)
			return jn_error(e->err, "K0001", pos,
					"$fromMillis of an invalid time is outside the kuma-push JSONata subset");
		return from_millis(e, pos, a[0].u.num, out);
	}
}
