/* SPDX-License-Identifier: MIT */
/*
 * json_int.h: what the JSON core's own files share (json.c, json_parse.c,
 * json_scan.c): the compact token layout and the grammar scanners. The rest
 * of the tree includes json.h only.
 */
#ifndef KP_JSON_INT_H
#define KP_JSON_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "json.h"

/*
 * One token in 8 bytes, in document order, with no parent links. b holds
 * the type (2 bits), three flags and a 27-bit payload:
 *   string, primitive: a = offset of the text (a string's first byte after
 *                      its quote), payload = its length;
 *   object, array:     a = members (keys as written), payload = the index
 *                      of the first token after its subtree.
 * The value of an object key k is token k + 1.
 */
struct json_tok {
	uint32_t a;
	uint32_t b;
};

enum { JT_OBJECT, JT_ARRAY, JT_STRING, JT_PRIMITIVE };

#define JT_LAST 0x4u  /* no next sibling: last member, last key, a key's value, the root */
#define JT_RAW 0x8u   /* a string that needs json_decode (escapes, bytes not UTF-8) */
#define JT_KEY 0x10u  /* a string that is an object key */
#define JT_SHIFT 5
#define JT_PAYLOAD_MAX ((1u << (32 - JT_SHIFT)) - 1)

#define JT_TYPE(t) ((t)->b & 3u)
#define JT_PAYLOAD(t) ((t)->b >> JT_SHIFT)

struct json_doc {
	const char *text;
	size_t len;
	struct json_tok *tok;
	int ntok;
	bool huge; /* a number that may be infinite (json_finite) */
};

/* The index of the first token after node's subtree. */
static inline int json_tok_skip(const struct json_doc *doc, int node)
{
	const struct json_tok *t = &doc->tok[node];

	return JT_TYPE(t) <= JT_ARRAY ? (int)JT_PAYLOAD(t) : node + 1;
}

static inline bool json_is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The lanes (high bits) of w that may need a look: < 0x20, '"', '\\', >= 0x80. */
static inline uint64_t json_word_special(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
	uint64_t quote = w ^ (ones * '"'), bslash = w ^ (ones * '\\');

	/* Borrows only ever add lanes: a false alarm falls back to bytes. */
	return ((w - ones * 0x20) | (quote - ones) | (bslash - ones) | w) & high;
}

static inline uint64_t json_load8(const char *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof(w));
	return w;
}

/*
 * True when a string's bytes s[start..end) are printable ASCII without
 * '"' or '\\' (the value as written, nothing to check further), word by
 * word: the parser's test for most strings, inlined. len is the whole
 * text's length: a short string is read as one word past its quote, the
 * lanes after it masked (little-endian; borrows only run towards them).
 */
static inline bool json_plain_ascii(const char *s, size_t len, size_t start, size_t end)
{
	size_t k = start;

	for (; k + 8 <= end; k += 8)
		if (json_word_special(json_load8(s + k)))
			return false;
	if (k == end)
		return true;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (k + 8 <= len)
		return !(json_word_special(json_load8(s + k)) &
			 (((uint64_t)1 << (8 * (end - k))) - 1));
#endif
	(void)len;
	for (; k < end; k++) {
		unsigned char c = (unsigned char)s[k];

		if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80)
			return false;
	}
	return true;
}

/* json_scan.c */

/*
 * JSON number (or true/false/null) grammar over s[start..end): true when
 * the whole range is exactly one of them. *huge: a number whose value may
 * be infinite (an exponent, or a great many digits).
 */
bool json_scan_primitive(const char *s, size_t start, size_t end, bool *huge);

/*
 * Validates a string's bytes s[start..end) (between its quotes): no control
 * characters, valid escapes. Returns -1 when invalid, else 0 with *raw set
 * when the bytes are not the value as they stand (an escape, or bytes that
 * are not UTF-8). len is the whole text's length (for word-wise reads).
 */
int json_scan_string(const char *s, size_t len, size_t start, size_t end, bool *raw);

/*
 * The zero-based offset of the first byte that cannot continue a JSON text
 * (len for a premature end), or SIZE_MAX when the text is valid. Slow and
 * plain: used only to word an error.
 */
size_t json_first_error(const char *s, size_t len);

#endif
