/* SPDX-License-Identifier: MIT */
/*
 * json_scan.c: the JSON grammar at the byte level: numbers, literals,
 * strings (escapes, control characters, UTF-8), and the plain walk that
 * words an error as the offset of the first bad byte.
 */
#include "json_int.h"
#include "utf8.h"

#include <stdint.h>
#include <string.h>

#define SF_ESCAPE 0x01 /* scan_string saw a backslash escape */

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_hex(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/*
 * JSON number grammar from s[i]; returns the offset after it, or the offset
 * of the first byte that breaks the grammar with *bad set. *expo: it has
 * an exponent.
 */
static size_t scan_number(const char *s, size_t n, size_t i, bool *bad, bool *expo)
{
	*bad = true;
	*expo = false;
	if (i < n && s[i] == '-')
		i++;
	if (i >= n || !is_digit((unsigned char)s[i]))
		return i;
	if (s[i] == '0')
		i++;
	else
		while (i < n && is_digit((unsigned char)s[i]))
			i++;
	if (i < n && s[i] == '.') {
		i++;
		if (i >= n || !is_digit((unsigned char)s[i]))
			return i;
		while (i < n && is_digit((unsigned char)s[i]))
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		*expo = true;
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || !is_digit((unsigned char)s[i]))
			return i;
		while (i < n && is_digit((unsigned char)s[i]))
			i++;
	}
	*bad = false;
	return i;
}

/*
 * String body from s[i] (after the opening quote). Returns the offset of
 * the closing quote, or of the first bad byte (n when unterminated) with
 * *bad set. *flags receives SF_ESCAPE when an escape was seen and
 * 0x80 when a non-ASCII byte was.
 */
static size_t scan_string(const char *s, size_t n, size_t i, bool *bad,
			  unsigned *flags)
{
	*bad = true;
	*flags = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"') {
			*bad = false;
			return i;
		}
		if (c < 0x20)
			return i;
		if (c >= 0x80) {
			*flags |= 0x80;
		} else if (c == '\\') {
			*flags |= SF_ESCAPE;
			if (++i >= n)
				return n;
			c = (unsigned char)s[i];
			if (c == 'u') {
				for (int k = 0; k < 4; k++)
					if (++i >= n || !is_hex((unsigned char)s[i]))
						return i < n ? i : n;
			} else if (strchr("\"\\/bfnrt", c) == NULL || c == '\0') {
				return i;
			}
		}
		i++;
	}
	return n;
}

static size_t skip_ws(const char *s, size_t n, size_t i)
{
	while (i < n && json_is_ws((unsigned char)s[i]))
		i++;
	return i;
}

static size_t scan_literal(const char *s, size_t n, size_t i, bool *bad)
{
	const char *word = s[i] == 't' ? "true" : s[i] == 'f' ? "false" : "null";

	*bad = true;
	for (; *word != '\0'; word++, i++)
		if (i >= n || s[i] != *word)
			return i;
	*bad = false;
	return i;
}

/*
 * The authority on where a document goes wrong: a plain grammar walk that
 * returns the zero-based offset of the first byte that cannot continue a
 * JSON text (n for a premature end), or SIZE_MAX when the text is valid.
 * Used only after a failure, so it favours clarity over speed.
 */
size_t json_first_error(const char *s, size_t n)
{
	enum { VALUE, AFTER, OBJ_FIRST, KEY, COLON, ARR_FIRST } state = VALUE;
	char stack[JSON_MAX_DEPTH + 2];
	int depth = 0;
	size_t i = 0;
	bool bad, expo;
	unsigned flags;

	for (;;) {
		i = skip_ws(s, n, i);
		if (state == AFTER && depth == 0)
			return i < n ? i : SIZE_MAX;
		if (i >= n)
			return n;
		unsigned char c = (unsigned char)s[i];

		switch (state) {
		case OBJ_FIRST:
		case KEY:
			if (c == '}' && state == OBJ_FIRST) {
				depth--;
				state = AFTER;
				i++;
				continue;
			}
			if (c != '"')
				return i;
			i = scan_string(s, n, i + 1, &bad, &flags);
			if (bad)
				return i;
			i++;
			state = COLON;
			continue;
		case COLON:
			if (c != ':')
				return i;
			i++;
			state = VALUE;
			continue;
		case AFTER:
			if (c == ',') {
				state = stack[depth - 1] == '{' ? KEY : VALUE;
				i++;
				continue;
			}
			if ((c == '}' && stack[depth - 1] == '{') ||
			    (c == ']' && stack[depth - 1] == '[')) {
				depth--;
				i++;
				continue;
			}
			return i;
		case ARR_FIRST:
			if (c == ']') {
				depth--;
				state = AFTER;
				i++;
				continue;
			}
			/* FALLTHROUGH */
		case VALUE:
			if (c == '{' || c == '[') {
				if (depth > JSON_MAX_DEPTH)
					return i;
				stack[depth++] = (char)c;
				state = c == '{' ? OBJ_FIRST : ARR_FIRST;
				i++;
				continue;
			}
			if (c == '"') {
				i = scan_string(s, n, i + 1, &bad, &flags);
				if (bad)
					return i;
				i++;
			} else if (c == '-' || is_digit(c)) {
				i = scan_number(s, n, i, &bad, &expo);
				if (bad)
					return i;
			} else if (c == 't' || c == 'f' || c == 'n') {
				i = scan_literal(s, n, i, &bad);
				if (bad)
					return i;
			} else {
				return i;
			}
			state = AFTER;
			continue;
		}
	}
}

bool json_scan_primitive(const char *s, size_t start, size_t end, bool *huge)
{
	bool bad;
	size_t stop;

	*huge = false;
	if (s[start] == 't' || s[start] == 'f' || s[start] == 'n') {
		stop = scan_literal(s, end, start, &bad);
	} else {
		stop = scan_number(s, end, start, &bad, huge);
		/* Only an exponent or over 300 digits can pass DBL_MAX. */
		*huge |= end - start > 300;
	}
	return !bad && stop == end;
}


/* Are the string's bytes [k, end) plain ASCII? Word-wise where possible. */
static size_t plain_prefix(const char *text, size_t len, size_t start, size_t end)
{
	size_t k = start;

	while (k + 8 <= end && !json_word_special(json_load8(text + k)))
		k += 8;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (k < end && k + 8 > end) {
		/* The tail as one word: overlapping bytes already checked, or, for
		 * a short string, reading on past its quote with those lanes masked. */
		if (end - start >= 8) {
			if (!json_word_special(json_load8(text + end - 8)))
				return end;
		} else if (start + 8 <= len) {
			uint64_t lanes = ((uint64_t)1 << (8 * (end - start))) - 1;

			if (!(json_word_special(json_load8(text + start)) & lanes))
				return end;
		}
	}
#endif
	while (k < end) {
		unsigned char c = (unsigned char)text[k];

		if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80)
			break;
		k++;
	}
	return k;
}

int json_scan_string(const char *s, size_t len, size_t start, size_t end, bool *raw)
{
	size_t k = plain_prefix(s, len, start, end);
	unsigned flags = 0;
	bool bad;

	*raw = false;
	if (k == end)
		return 0;
	if (scan_string(s, end + 1, k, &bad, &flags) != end || bad)
		return -1;
	*raw = (flags & SF_ESCAPE) ||
	       ((flags & 0x80) && !kp_utf8_valid(s + start, end - start));
	return 0;
}
