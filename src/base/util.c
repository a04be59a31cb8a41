/* SPDX-License-Identifier: MIT */
/* util.c: strings, clock and sanitising shared by all modules. */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

char *kp_strndup(const char *s, size_t n)
{
	char *copy;
	size_t len = 0;

	if (s == NULL)
		return NULL;
	while (len < n && s[len] != '\0')
		len++;
	copy = malloc(len + 1);
	if (copy == NULL)
		return NULL;
	memcpy(copy, s, len);
	copy[len] = '\0';
	return copy;
}

char *kp_strdup(const char *s)
{
	return s == NULL ? NULL : kp_strndup(s, strlen(s));
}

uint64_t kp_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void kp_sanitize_into(char *dst, size_t dst_size, const char *src, size_t src_len)
{
	size_t out = 0, i = 0, len, skip;
	bool pending_space = false;

	if (dst_size == 0)
		return;
	while (i < src_len && src[i] != '\0') {
		unsigned char c = (unsigned char)src[i];
		const char *piece = src + i;

		if (c < 0x20 || c == 0x7f || c == ' ') {
			pending_space = out > 0;
			i++;
			continue;
		}
		len = kp_utf8_seq(src + i, src_len - i, &skip);
		if (len == 0) {
			piece = KP_UTF8_REPLACEMENT;
			len = 3;
		} else {
			skip = len;
		}
		/* Whole characters only: never half of one at the cut. */
		if (out + pending_space + len >= dst_size)
			break;
		if (pending_space)
			dst[out++] = ' ';
		pending_space = false;
		memcpy(dst + out, piece, len);
		out += len;
		i += skip;
	}
	dst[out] = '\0';
}

void kp_sanitize_chars(char *dst, size_t dst_size, const char *src,
		       size_t max_chars)
{
	kp_sanitize_into(dst, dst_size, src, strlen(src));
	kp_utf8_cut(dst, max_chars);
}

char *kp_sanitize(const char *src, size_t src_len, size_t max_bytes)
{
	char *dst = malloc(max_bytes + 1);

	if (dst == NULL)
		return NULL;
	kp_sanitize_into(dst, max_bytes + 1, src, src_len);
	return dst;
}

const char *kp_strcasestr(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	if (n == 0)
		return haystack;
	for (; *haystack != '\0'; haystack++) {
		size_t i = 0;

		while (i < n && haystack[i] != '\0' &&
		       tolower((unsigned char)haystack[i]) ==
			       tolower((unsigned char)needle[i]))
			i++;
		if (i == n)
			return haystack;
	}
	return NULL;
}

bool kp_parse_long(const char *s, long *out)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return false;
	*out = v;
	return true;
}

bool kp_parse_double(const char *s, double *out)
{
	char *end;
	double v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v))
		return false;
	*out = v;
	return true;
}
