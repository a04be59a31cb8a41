/* SPDX-License-Identifier: MIT */
/*
 * jsonata_num.c: $number's string rules: jsonata's two regular expressions
 * (a decimal one, and an unanchored hex/octal/binary one whose match is
 * then read by JavaScript's Number(), which may give NaN).
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "jsonata_int.h"

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

/* How many digits s[i..n) starts with. */
static size_t digit_run(const char *s, size_t i, size_t n)
{
	size_t k = i;

	while (k < n && digit(s[k]))
		k++;
	return k - i;
}

/* ^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$ */
static bool decimal_form(const char *s, size_t n)
{
	size_t i = 0, run;

	if (i < n && s[i] == '-')
		i++;
	if ((run = digit_run(s, i, n)) == 0)
		return false;
	i += run;
	if (i < n && s[i] == '.') {
		if ((run = digit_run(s, ++i, n)) == 0)
			return false;
		i += run;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if ((run = digit_run(s, i, n)) == 0)
			return false;
		i += run;
	}
	return i == n;
}

static int radix_digit(char c, int radix)
{
	int v = digit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 :
		(c >= 'A' && c <= 'F') ? c - 'A' + 10 : 99;

	return v < radix ? v : -1;
}

static int radix_of(char c)
{
	return (c == 'x' || c == 'X') ? 16 : (c == 'o' || c == 'O') ? 8 :
	       (c == 'b' || c == 'B') ? 2 : 0;
}

/* Length of a "0x.." / "0o.." / "0b.." run at s[i] (0 if none). */
static size_t radix_run(const char *s, size_t n, size_t i, int want)
{
	size_t k;
	int radix;

	if (i + 2 > n || s[i] != '0' || (radix = radix_of(s[i + 1])) == 0 ||
	    (want != 0 && radix != want))
		return 0;
	for (k = i + 2; k < n && radix_digit(s[k], radix) >= 0; k++)
		;
	return k > i + 2 ? k - i : 0;
}

/* /^(0[xX][0-9A-Fa-f]+)|(0[oO][0-7]+)|(0[bB][0-1]+)$/ (note: unanchored). */
static bool radix_form(const char *s, size_t n)
{
	if (radix_run(s, n, 0, 16) > 0)
		return true;
	for (size_t i = 0; i + 2 < n; i++) {
		size_t run = radix_run(s, n, i, 8);

		if (run > 0)
			return true;
		run = radix_run(s, n, i, 2);
		if (run > 0 && i + run == n)
			return true;
	}
	return false;
}

/* JavaScript's white space and line terminators, as UTF-8 (String#trim). */
static size_t js_space(const unsigned char *s, size_t n)
{
	static const unsigned cps[] = { 0xA0, 0x1680, 0x2000, 0x2001, 0x2002,
					0x2003, 0x2004, 0x2005, 0x2006, 0x2007,
					0x2008, 0x2009, 0x200A, 0x2028, 0x2029,
					0x202F, 0x205F, 0x3000, 0xFEFF };
	unsigned cp;
	size_t len;

	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r')) ? 1 : 0;
	if ((s[0] & 0xE0) == 0xC0 && n >= 2) {
		cp = ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
		len = 2;
	} else if ((s[0] & 0xF0) == 0xE0 && n >= 3) {
		cp = ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
		len = 3;
	} else {
		return 0;
	}
	for (size_t i = 0; i < sizeof(cps) / sizeof(cps[0]); i++)
		if (cps[i] == cp)
			return len;
	return 0;
}

/* Number(s) when s (trimmed) is 0x/0o/0b digits: correctly rounded; else NaN. */
static double js_radix_number(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, end = n, k;
	uint64_t mant = 0;
	int radix, shift = 0, bits;
	bool sticky = false;

	while (i < end && (k = js_space(u + i, end - i)) > 0)
		i += k;
	while (end > i) {
		size_t back = 1;

		while (back < 3 && end - back > i && (u[end - back] & 0xC0) == 0x80)
			back++;
		if (js_space(u + end - back, back) != back)
			break;
		end -= back;
	}
	if (radix_run(s, end, i, 0) != end - i || end - i < 3)
		return NAN;
	radix = radix_of(s[i + 1]);
	bits = radix == 16 ? 4 : radix == 8 ? 3 : 1;
	for (k = i + 2; k < end; k++) {
		unsigned d = (unsigned)radix_digit(s[k], radix);

		if (mant >> (64 - bits) != 0) { /* keep 60+ bits, remember the rest */
			shift += bits;
			sticky |= d != 0;
			continue;
		}
		mant = (mant << bits) | d;
	}
	if (sticky)
		mant |= 1; /* below the rounding bit: breaks ties the right way */
	return ldexp((double)mant, shift);
}

int jn_number(struct ev *e, int pos, const struct jv *v, struct jv *out)
{
	const char *s;
	size_t len;
	char desc[120];

	switch (v->kind) {
	case JV_UNDEF:
	case JV_NUM:
		*out = *v;
		return 0;
	case JV_TRUE:
	case JV_FALSE:
		*out = jv_num(v->kind == JV_TRUE ? 1 : 0);
		return 0;
	case JV_STR:
		if (jv_str(e, v, &s, &len) != 0)
			return -1;
		if (decimal_form(s, len)) {
			double d = json_parse_number(s, len);

			if (isfinite(d)) {
				*out = jv_num(d);
				return 0;
			}
		}
		if (radix_form(s, len)) {
			*out = jv_num(js_radix_number(s, len));
			return 0;
		}
		break;
	default:
		break;
	}
	if (jv_describe(e, v, desc, sizeof(desc)) != 0)
		return -1;
	return jn_error(e->err, "D3030", pos,
			"Unable to cast value to a number: %s", desc);
}
