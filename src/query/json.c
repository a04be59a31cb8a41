/* SPDX-License-Identifier: MIT */
/*
 * json.c: reading a parsed document (json_parse.c builds it): node types,
 * members, keys, strings decoded to UTF-8 and numbers as JSON.parse reads
 * them. Every step is O(1) but json_get/json_at (linear in the container)
 * and json_count (n log n).
 */
#include "json_int.h"
#include "utf8.h"
#include "util.h"

#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static bool valid_node(const struct json_doc *doc, int node)
{
	return doc != NULL && node >= 0 && node < doc->ntok;
}

static enum json_type primitive_type(char c)
{
	return c == 't' ? JSON_TRUE : c == 'f' ? JSON_FALSE : c == 'n' ? JSON_NULL :
	       JSON_NUMBER;
}

enum json_type json_token(const struct json_doc *doc, int node, const char **text,
			  size_t *len, bool *plain)
{
	const struct json_tok *t;

	*text = NULL;
	*len = 0;
	*plain = true;
	if (!valid_node(doc, node))
		return JSON_NONE;
	t = &doc->tok[node];
	switch (JT_TYPE(t)) {
	case JT_OBJECT:
		return JSON_OBJECT;
	case JT_ARRAY:
		return JSON_ARRAY;
	case JT_STRING:
		*text = doc->text + t->a;
		*len = JT_PAYLOAD(t);
		*plain = !(t->b & JT_RAW);
		return JSON_STRING;
	default:
		*text = doc->text + t->a;
		*len = JT_PAYLOAD(t);
		return primitive_type((*text)[0]);
	}
}

enum json_type json_type(const struct json_doc *doc, int node)
{
	const char *text;
	size_t len;
	bool plain;

	return json_token(doc, node, &text, &len, &plain);
}

size_t json_size(const struct json_doc *doc, int node)
{
	if (!valid_node(doc, node) || JT_TYPE(&doc->tok[node]) > JT_ARRAY)
		return 0;
	return doc->tok[node].a;
}

int json_first(const struct json_doc *doc, int node)
{
	return json_size(doc, node) > 0 ? node + 1 : -1;
}

int json_next(const struct json_doc *doc, int node)
{
	if (!valid_node(doc, node) || (doc->tok[node].b & JT_LAST))
		return -1;
	/* An object key's sibling follows its value's subtree. */
	if (doc->tok[node].b & JT_KEY)
		return json_tok_skip(doc, node + 1);
	return json_tok_skip(doc, node);
}

const char *json_str_raw(const struct json_doc *doc, int node, size_t *len,
			 bool *plain)
{
	const struct json_tok *t;

	*len = 0;
	*plain = true;
	if (!valid_node(doc, node) || JT_TYPE(&doc->tok[node]) != JT_STRING)
		return NULL;
	t = &doc->tok[node];
	*len = JT_PAYLOAD(t);
	*plain = !(t->b & JT_RAW);
	return doc->text + t->a;
}

static unsigned hex4(const char *p)
{
	unsigned v = 0;

	for (int k = 0; k < 4; k++) {
		char c = p[k];

		v = v * 16 + (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	return v;
}

size_t json_decode(const char *raw, size_t len, char *out, bool lone_as_wtf8)
{
	size_t i = 0, o = 0, skip, seq;

	while (i < len) {
		unsigned char c = (unsigned char)raw[i];

		if (c == '\\') {
			char e = raw[i + 1];
			unsigned cp;

			i += 2;
			switch (e) {
			case 'b': out[o++] = '\b'; continue;
			case 'f': out[o++] = '\f'; continue;
			case 'n': out[o++] = '\n'; continue;
			case 'r': out[o++] = '\r'; continue;
			case 't': out[o++] = '\t'; continue;
			case 'u': break;
			default: out[o++] = e; continue;
			}
			cp = hex4(raw + i);
			i += 4;
			if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 <= len &&
			    raw[i] == '\\' && raw[i + 1] == 'u') {
				unsigned lo = hex4(raw + i + 2);

				if (lo >= 0xDC00 && lo <= 0xDFFF) {
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					i += 6;
				}
			}
			if (cp >= 0xD800 && cp <= 0xDFFF && !lone_as_wtf8)
				cp = 0xFFFD;
			o += kp_utf8_put(out + o, cp);
			continue;
		}
		if (c < 0x80) {
			out[o++] = (char)c;
			i++;
			continue;
		}
		seq = kp_utf8_seq(raw + i, len - i, &skip);
		if (seq == 0) {
			o += kp_utf8_put(out + o, 0xFFFD);
			i += skip;
			continue;
		}
		memcpy(out + o, raw + i, seq);
		o += seq;
		i += seq;
	}
	return o;
}

char *json_string(const struct json_doc *doc, int node)
{
	size_t len;
	bool plain;
	const char *raw = json_str_raw(doc, node, &len, &plain);
	char *out;

	if (raw == NULL)
		return NULL;
	/* Decoding never grows: \uXXXX (6) gives at most 3 bytes, a bad byte 3. */
	out = malloc(len * 3 + 1);
	if (out == NULL)
		return NULL;
	if (plain) {
		memcpy(out, raw, len);
		out[len] = '\0';
		return out;
	}
	out[json_decode(raw, len, out, false)] = '\0';
	return out;
}

/* Does a key with escapes, raw[0..len), decode to key[0..key_len)? -1: OOM. */
static int raw_key_equals(const char *raw, size_t len, const char *key, size_t key_len,
			  bool lone_as_wtf8)
{
	char small[256];
	char *buf = small;
	size_t n;

	if (len > key_len * 6 + 6) /* decoding shrinks at most sixfold */
		return 0;
	if (len * 3 > sizeof(small) && (buf = malloc(len * 3)) == NULL)
		return -1;
	n = json_decode(raw, len, buf, lone_as_wtf8);
	n = n == key_len && memcmp(buf, key, n) == 0;
	if (buf != small)
		free(buf);
	return (int)n;
}

int json_get(const struct json_doc *doc, int object, const char *key)
{
	int found = json_lookup(doc, object, key, strlen(key), false);

	return found >= 0 ? found : -1; /* out of memory: as if absent */
}

int json_lookup(const struct json_doc *doc, int object, const char *key, size_t len,
		bool lone_as_wtf8)
{
	int found = -1, k = object + 1;

	if (!valid_node(doc, object) || JT_TYPE(&doc->tok[object]) != JT_OBJECT ||
	    doc->tok[object].a == 0)
		return -1;
	/* The keys straight off the tokens: this is the evaluator's inner loop. */
	for (;;) {
		const struct json_tok *t = &doc->tok[k];
		const char *raw = doc->text + t->a;
		int eq;

		if (!(t->b & JT_RAW)) {
			if (JT_PAYLOAD(t) == len && memcmp(raw, key, len) == 0)
				found = k + 1;
		} else if ((eq = raw_key_equals(raw, JT_PAYLOAD(t), key, len,
						lone_as_wtf8)) != 0) {
			if (eq < 0)
				return -2;
			found = k + 1;
		}
		if (t->b & JT_LAST)
			return found;
		k = json_tok_skip(doc, k + 1);
	}
}

int json_at(const struct json_doc *doc, int array, size_t index)
{
	int node;

	if (json_type(doc, array) != JSON_ARRAY || index >= json_size(doc, array))
		return -1;
	node = json_first(doc, array);
	while (index-- > 0 && node >= 0)
		node = json_next(doc, node);
	return node;
}

struct keyref {
	const char *s;
	size_t len;
	bool owned;
};

static int keyref_cmp(const void *pa, const void *pb)
{
	const struct keyref *a = pa, *b = pb;
	int c = memcmp(a->s, b->s, a->len < b->len ? a->len : b->len);

	return c != 0 ? c : (a->len > b->len) - (a->len < b->len);
}

size_t json_count(const struct json_doc *doc, int node)
{
	size_t m = json_size(doc, node), n = 0, i = 0;
	struct keyref *keys;

	if (json_type(doc, node) != JSON_OBJECT || m < 2)
		return m;
	/* Distinct keys, as JSON.parse keeps them: sort, then count runs. */
	if ((keys = calloc(m, sizeof(*keys))) == NULL)
		return m;
	for (int k = json_first(doc, node); k >= 0; k = json_next(doc, k), i++) {
		bool plain;
		const char *raw = json_str_raw(doc, k, &keys[i].len, &plain);
		char *dec;

		keys[i].s = raw;
		if (plain)
			continue;
		if ((dec = malloc(keys[i].len * 3 + 1)) == NULL) {
			n = m; /* out of memory: the count as written */
			goto out;
		}
		keys[i].len = json_decode(raw, keys[i].len, dec, false);
		keys[i].s = dec;
		keys[i].owned = true;
	}
	qsort(keys, m, sizeof(*keys), keyref_cmp);
	for (i = 0; i < m; i++)
		n += i == 0 || keyref_cmp(&keys[i - 1], &keys[i]) != 0;
out:
	for (i = 0; i < m; i++)
		if (keys[i].owned)
			free((char *)keys[i].s);
	free(keys);
	return n;
}

/* Parses a JSON number token as the C locale would (JSON.parse's doubles). */
double json_parse_number(const char *p, size_t len)
{
	char small[512]; /* numbers longer than this are malloc'd */
	char *buf = small, *end;
	const char *point;
	double v;
	uint64_t u = 0;
	size_t i = p[0] == '-' ? 1 : 0;

	/* Fast path: up to 15 digits of integer is exact. */
	if (len - i <= 15) {
		size_t k = i;

		while (k < len && (p[k] >= '0' && p[k] <= '9'))
			u = u * 10 + (uint64_t)(p[k++] - '0');
		if (k == len)
			return i ? -(double)u : (double)u;
	}
	if (len >= sizeof(small) && (buf = malloc(len + 8)) == NULL)
		return 0; /* only on OOM with a >511-byte number */
	point = localeconv()->decimal_point;
	memcpy(buf, p, len);
	buf[len] = '\0';
	if (point != NULL && strcmp(point, ".") != 0) {
		/* strtod follows LC_NUMERIC; JSON always uses '.'. */
		char *dot = strchr(buf, '.');
		size_t pl = strlen(point);

		if (dot != NULL && pl < 8) {
			memmove(dot + pl, dot + 1, strlen(dot + 1) + 1);
			memcpy(dot, point, pl);
		}
	}
	v = strtod(buf, &end);
	if (buf != small)
		free(buf);
	return v;
}

bool json_number(const struct json_doc *doc, int node, double *out)
{
	const struct json_tok *t;

	if (json_type(doc, node) != JSON_NUMBER)
		return false;
	t = &doc->tok[node];
	*out = json_parse_number(doc->text + t->a, JT_PAYLOAD(t));
	return true;
}

bool json_finite(const struct json_doc *doc)
{
	return doc != NULL && !doc->huge;
}
