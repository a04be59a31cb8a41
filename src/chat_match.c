/* SPDX-License-Identifier: MIT */
/*
 * chat_match.c: the chat tier's reading of a reply (see chat_match.h for
 * the rules). A reply that merely mentions the expected word while saying
 * something else ("UNHEALTHY", reasoning about the prompt, an error that
 * quotes the prompt) must not count as the answer.
 */
#include "chat_match.h"

#include <string.h>

static const char *const match_names[] = {"word", "exact", "contains"};

bool chat_match_parse(const char *name, enum chat_match *out)
{
	size_t i;

	for (i = 0; i < sizeof(match_names) / sizeof(match_names[0]); i++) {
		if (strcmp(name, match_names[i]) == 0) {
			*out = (enum chat_match)i;
			return true;
		}
	}
	return false;
}

const char *chat_match_name(enum chat_match how)
{
	return (size_t)how < sizeof(match_names) / sizeof(match_names[0])
		       ? match_names[how]
		       : "?";
}

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* s[0..n) equals the ASCII-lower-case word w, ignoring ASCII case. */
static bool same_ci(const char *s, size_t n, const char *w, size_t wn)
{
	size_t i;

	if (n != wn)
		return false;
	for (i = 0; i < n; i++)
		if (lower((unsigned char)s[i]) != lower((unsigned char)w[i]))
			return false;
	return true;
}

/* --- reasoning blocks --- */

static const char *const reasoning_tags[] = {"think", "thinking",
					     "reasoning"};

/*
 * At text[i] == '<': the length of a reasoning tag there (0 if none);
 * *closing tells </name> from <name>.
 */
static size_t tag_at(const char *text, size_t len, size_t i, bool *closing)
{
	size_t j = i + 1, k, n;

	*closing = j < len && text[j] == '/';
	if (*closing)
		j++;
	for (k = 0; k < sizeof(reasoning_tags) / sizeof(reasoning_tags[0]);
	     k++) {
		n = strlen(reasoning_tags[k]);
		if (len - j > n && same_ci(text + j, n, reasoning_tags[k], n) &&
		    text[j + n] == '>')
			return j + n + 1 - i;
	}
	return 0;
}

size_t chat_strip_reasoning(char *text, size_t len)
{
	size_t r = 0, w = 0, depth = 0, n;
	bool closing;

	while (r < len) {
		n = text[r] == '<' ? tag_at(text, len, r, &closing) : 0;
		if (n == 0) {
			if (depth == 0)
				text[w++] = text[r];
			r++;
			continue;
		}
		r += n;
		if (!closing)
			depth++;
		else if (depth > 0)
			depth--;
		else
			w = 0; /* the block was opened by the chat template */
	}
	if (w < len)
		text[w] = '\0';
	return w;
}

/* --- characters --- */

/*
 * The code point of the UTF-8 sequence at s[i] (i < len) and its length
 * in *n; -1 (with *n = 1) for a byte that does not start a valid one.
 */
static long cp_at(const unsigned char *s, size_t len, size_t i, size_t *n)
{
	static const long min[] = {0, 0, 0x80, 0x800, 0x10000};
	unsigned char c = s[i];
	size_t k, need = c < 0x80 ? 1 : c >= 0xC2 && c < 0xE0 ? 2
				  : c >= 0xE0 && c < 0xF0 ? 3
				  : c >= 0xF0 && c < 0xF5 ? 4 : 0;
	long cp;

	*n = 1;
	if (need == 0)
		return -1;
	if (need == 1)
		return c;
	if (len - i < need)
		return -1;
	cp = c & (0x7F >> need);
	for (k = 1; k < need; k++) {
		if ((s[i + k] & 0xC0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i + k] & 0x3F);
	}
	if (cp < min[need] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return -1;
	*n = need;
	return cp;
}

/* The code point that ends just before s[i] (i > 0); -1 if not valid. */
static long cp_before(const unsigned char *s, size_t i, size_t *n)
{
	size_t j = i - 1;
	long cp;

	while (j > 0 && i - j < 4 && (s[j] & 0xC0) == 0x80)
		j--;
	cp = cp_at(s, i, j, n);
	if (cp < 0 || j + *n != i) {
		*n = 1;
		return -1;
	}
	return cp;
}

/*
 * Non-ASCII code points that are spaces, punctuation or symbols, so they
 * do not touch a word. Whole blocks where a block is all of these; the
 * few letters and numbers inside Latin-1's signs and CJK punctuation
 * (ª µ º ¹ ² ³ ¼ ½ ¾, 々 〆 〇) are left out, so they touch.
 */
static const long not_word[][2] = {
	{0x80, 0xA9},	  {0xAB, 0xB1},	    {0xB4, 0xB4},     {0xB6, 0xB8},
	{0xBB, 0xBB},	  {0xBF, 0xBF},	    {0xD7, 0xD7},     {0xF7, 0xF7},
	{0x37E, 0x37E},	  {0x387, 0x387},   {0x589, 0x589},   {0x60C, 0x60C},
	{0x61B, 0x61B},	  {0x61F, 0x61F},   {0x6D4, 0x6D4},   {0x964, 0x965},
	{0x2000, 0x206F}, {0x20A0, 0x20CF}, {0x2190, 0x2BFF}, {0x2E00, 0x2E7F},
	{0x3000, 0x3004}, {0x3008, 0x303F}, {0xFE10, 0xFE1F}, {0xFE30, 0xFE6F},
	{0xFEFF, 0xFEFF}, {0xFF01, 0xFF0F}, {0xFF1A, 0xFF20}, {0xFF3B, 0xFF3E},
	{0xFF40, 0xFF40}, {0xFF5B, 0xFF65}, {0x1F000, 0x1FAFF},
};

static bool is_word_cp(long cp)
{
	size_t i;

	if (cp < 0)
		return true; /* not UTF-8: cannot tell, so no boundary */
	if (cp < 0x80)
		return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
		       (cp >= '0' && cp <= '9') || cp == '_';
	for (i = 0; i < sizeof(not_word) / sizeof(not_word[0]); i++)
		if (cp >= not_word[i][0] && cp <= not_word[i][1])
			return false;
	return true;
}

/* --- matching --- */

/* First ASCII-case-insensitive occurrence of w in s[from..len), or len. */
static size_t find_ci(const char *s, size_t len, size_t from, const char *w,
		      size_t wn)
{
	size_t i;

	if (wn == 0 || wn > len)
		return wn == 0 ? from : len;
	for (i = from; i <= len - wn; i++)
		if (lower((unsigned char)s[i]) == lower((unsigned char)w[0]) &&
		    same_ci(s + i, wn, w, wn))
			return i;
	return len;
}

bool chat_echoes(const char *reply, size_t len, const char *prompt)
{
	size_t n = strlen(prompt);

	return n > 0 && find_ci(reply, len, 0, prompt, n) < len;
}

static bool says_word(const char *reply, size_t len, const char *expect)
{
	const unsigned char *s = (const unsigned char *)reply;
	size_t n = strlen(expect), i = 0, cn;

	while ((i = find_ci(reply, len, i, expect, n)) < len) {
		if ((i == 0 || !is_word_cp(cp_before(s, i, &cn))) &&
		    (i + n == len || !is_word_cp(cp_at(s, len, i + n, &cn))))
			return true;
		i++;
	}
	return false;
}

/* Quotes, emphasis and white space that may wrap an exact reply. */
static bool is_wrapping(long cp)
{
	static const long wrap[] = {' ',    '\t',   '\n',   '\r',   '\v',
				    '\f',   '"',    '\'',   '*',    '_',
				    '`',    0xA0,   0xAB,   0xBB,   0x2018,
				    0x2019, 0x201A, 0x201C, 0x201D, 0x201E,
				    0x3000};
	size_t i;

	for (i = 0; i < sizeof(wrap) / sizeof(wrap[0]); i++)
		if (cp == wrap[i])
			return true;
	return false;
}

static void trim(const unsigned char *s, size_t *start, size_t *end)
{
	size_t n;

	while (*start < *end && is_wrapping(cp_at(s, *end, *start, &n)))
		*start += n;
	while (*end > *start && is_wrapping(cp_before(s, *end, &n)))
		*end -= n;
}

static bool says_exact(const char *reply, size_t len, const char *expect)
{
	const unsigned char *s = (const unsigned char *)reply;
	size_t start = 0, end = len;

	trim(s, &start, &end);
	if (end > start && (s[end - 1] == '.' || s[end - 1] == '!')) {
		end--;
		trim(s, &start, &end);
	}
	return same_ci(reply + start, end - start, expect, strlen(expect));
}

bool chat_says(const char *reply, size_t len, const char *expect,
	       enum chat_match how)
{
	switch (how) {
	case CHAT_MATCH_EXACT:
		return says_exact(reply, len, expect);
	case CHAT_MATCH_CONTAINS:
		return find_ci(reply, len, 0, expect, strlen(expect)) < len;
	case CHAT_MATCH_WORD:
	default:
		return says_word(reply, len, expect);
	}
}
