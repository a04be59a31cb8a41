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

uint64_t kp_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void kp_sanitize_into(char *dst, size_t dst_size, const char *src, size_t src_len)
{
	size_t out = 0, i;
	bool pending_space = false;

	if (dst_size == 0)
		return;
	for (i = 0; i < src_len && src[i] != '\0'; i++) {
		unsigned char c = (unsigned char)src[i];

		if (c < 0x20 || c == 0x7f || c == ' ') {
			pending_space = out > 0;
			continue;
		}
		if (pending_space) {
			if (out + 1 >= dst_size)
				break;
			dst[out++] = ' ';
			pending_space = false;
		}
		if (out + 1 >= dst_size)
			break;
		dst[out++] = (char)c;
	}
	/* Do not leave half a UTF-8 character at the cut. */
	if (i < src_len && src[i] != '\0' && out > 0) {
		size_t lead = out;

		while (lead > 0 && ((unsigned char)dst[lead - 1] & 0xC0) == 0x80)
			lead--;
		if (lead > 0 && ((unsigned char)dst[lead - 1] & 0x80)) {
			unsigned char c = (unsigned char)dst[lead - 1];
			size_t want = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;

			if (out - (lead - 1) < want)
				out = lead - 1;
		}
	}
	dst[out] = '\0';
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
