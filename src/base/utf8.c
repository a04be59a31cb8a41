/* SPDX-License-Identifier: MIT */
/* utf8.c: encode, validate, repair and cut UTF-8 (see utf8.h). */
#include "utf8.h"

size_t kp_utf8_put(char *out, unsigned cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t kp_utf8_seq(const char *str, size_t n, size_t *skip)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char c = s[0];
	size_t need, k;
	unsigned lo = 0x80, hi = 0xBF;

	*skip = 1;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		need = 1;
	else if (c >= 0xE0 && c <= 0xEF)
		need = 2;
	else if (c >= 0xF0 && c <= 0xF4)
		need = 3;
	else
		return 0;
	/* The second byte's range rules out overlongs, surrogates, > U+10FFFF. */
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	for (k = 1; k <= need; k++) {
		unsigned l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;

		if (k >= n || s[k] < l || s[k] > h) {
			*skip = k;
			return 0;
		}
	}
	return need + 1;
}

bool kp_utf8_valid(const char *s, size_t n)
{
	size_t i = 0, skip, len;

	while (i < n) {
		if ((len = kp_utf8_seq(s + i, n - i, &skip)) == 0)
			return false;
		i += len;
	}
	return true;
}

static bool is_lead(char c)
{
	return ((unsigned char)c & 0xC0) != 0x80;
}

bool kp_utf8_cut(char *s, size_t max_chars)
{
	size_t chars = 0, i;

	for (i = 0; s[i] != '\0'; i++) {
		if (!is_lead(s[i]))
			continue;
		if (chars == max_chars) {
			s[i] = '\0';
			return true;
		}
		chars++;
	}
	return false;
}

size_t kp_utf8_count(const char *s, size_t n)
{
	size_t chars = 0, i;

	for (i = 0; i < n; i++)
		chars += is_lead(s[i]);
	return chars;
}
