/*
 * json.c: the only jsmn user. Tokenizes with jsmn (two passes: count, then
 * parse into an exact allocation), then validates the token tree, because
 * jsmn accepts {"a"}, [1,,3], {"a":1,}, [tru] and [1 2].
 */
#define JSMN_STRICT
#define JSMN_PARENT_LINKS
#include <jsmn.h>

#include "json.h"
#include "util.h"

#include <limits.h>
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Per-string flags (json_doc.sflags). */
#define SF_ESCAPE 0x01  /* holds a backslash escape */
#define SF_BADUTF8 0x02 /* holds bytes that are not UTF-8 */

struct json_doc {
	const char *text;
	size_t len;
	jsmntok_t *tok;
	int ntok;
	int *next;              /* first node after a node's subtree */
	unsigned char *sflags;  /* SF_* for string tokens */
};

struct frame {
	int node;      /* container or key */
	int remaining; /* children still to come */
	int seen;      /* children seen so far */
	int kind;      /* enum frame_kind */
	size_t end;    /* a container's end offset (after its closing bracket) */
};

static bool is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

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
 * of the first byte that breaks the grammar with *bad set.
 */
static size_t scan_number(const char *s, size_t n, size_t i, bool *bad)
{
	*bad = true;
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
	while (i < n && is_ws((unsigned char)s[i]))
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
static size_t scan_first_error(const char *s, size_t n)
{
	enum { VALUE, AFTER, OBJ_FIRST, KEY, COLON, ARR_FIRST } state = VALUE;
	char stack[JSON_MAX_DEPTH + 2];
	int depth = 0;
	size_t i = 0;
	bool bad;
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
				i = scan_number(s, n, i, &bad);
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

/* Bytes between two tokens: whitespace, at most one sep, whitespace. */
static bool gap_ok(const char *s, size_t from, size_t to, char sep)
{
	size_t i = skip_ws(s, to, from);

	if (sep != '\0') {
		if (i >= to || s[i] != sep)
			return false;
		i = skip_ws(s, to, i + 1);
	}
	return i == to;
}

static bool primitive_ok(const char *s, size_t start, size_t end)
{
	bool bad;
	size_t stop;

	if (s[start] == 't' || s[start] == 'f' || s[start] == 'n')
		stop = scan_literal(s, end, start, &bad);
	else
		stop = scan_number(s, end, start, &bad);
	return !bad && stop == end;
}

/* The lanes (high bits) of w that may need a look: < 0x20, '"', '\\', >= 0x80. */
static uint64_t word_special(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
	uint64_t quote = w ^ (ones * '"'), bslash = w ^ (ones * '\\');

	/* Borrows only ever add lanes: a false alarm falls back to bytes. */
	return ((w - ones * 0x20) | (quote - ones) | (bslash - ones) | w) & high;
}

static uint64_t load8(const char *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof(w));
	return w;
}

/* Are the string's bytes [k, end) plain ASCII? Word-wise where possible. */
static size_t plain_prefix(const struct json_doc *doc, size_t start, size_t end)
{
	size_t k = start;

	while (k + 8 <= end && !word_special(load8(doc->text + k)))
		k += 8;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (k < end && k + 8 > end) {
		/* The tail as one word: overlapping bytes already checked, or, for
		 * a short string, reading on past its quote with those lanes masked. */
		if (end - start >= 8) {
			if (!word_special(load8(doc->text + end - 8)))
				return end;
		} else if (start + 8 <= doc->len) {
			uint64_t lanes = ((uint64_t)1 << (8 * (end - start))) - 1;

			if (!(word_special(load8(doc->text + start)) & lanes))
				return end;
		}
	}
#endif
	while (k < end) {
		unsigned char c = (unsigned char)doc->text[k];

		if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80)
			break;
		k++;
	}
	return k;
}

static bool string_ok(struct json_doc *doc, int i)
{
	const jsmntok_t *t = &doc->tok[i];
	size_t start = (size_t)t->start, end = (size_t)t->end, k;
	unsigned flags = 0;
	bool bad;

	k = plain_prefix(doc, start, end);
	if (k < end && (scan_string(doc->text, end + 1, k, &bad, &flags) != end || bad))
		return false;
	doc->sflags[i] = (unsigned char)(flags & SF_ESCAPE);
	if ((flags & 0x80) && !(flags & SF_ESCAPE) &&
	    !kp_utf8_valid(doc->text + start, end - start))
		doc->sflags[i] |= SF_BADUTF8;
	return true;
}

/* Where token i's text starts and ends (quotes and brackets included). */
static size_t span_start(const jsmntok_t *t)
{
	return (size_t)t->start - (t->type == JSMN_STRING ? 1 : 0);
}

enum frame_kind { FRAME_ARRAY, FRAME_OBJECT, FRAME_KEY };

/* Pops every frame whose children are all seen; their subtrees end at after. */
static bool close_frames(struct json_doc *doc, struct frame *stack, int *depth,
			 int *containers, int after, size_t *cursor)
{
	while (*depth > 0 && stack[*depth - 1].remaining == 0) {
		struct frame *f = &stack[--*depth];

		if (f->kind != FRAME_KEY) {
			if (!gap_ok(doc->text, *cursor, f->end - 1, '\0'))
				return false;
			*cursor = f->end;
			--*containers;
		}
		doc->next[f->node] = after;
		if (*depth > 0)
			stack[*depth - 1].remaining--;
	}
	return true;
}

/*
 * Walks the tokens in document order with a stack of open containers and
 * keys, checking parent links, the bytes between tokens, primitives and
 * strings, and filling next[]. True when the tree is one valid JSON value.
 */
static bool validate_tokens(struct json_doc *doc, struct frame *stack,
			    bool *too_deep)
{
	const char *text = doc->text;
	size_t cursor = 0;
	int depth = 0, containers = 0;

	for (int i = 0; i < doc->ntok; i++) {
		const jsmntok_t *t = &doc->tok[i];
		struct frame *top = depth > 0 ? &stack[depth - 1] : NULL;
		char sep = '\0';
		bool in_object = false;

		if (top == NULL) {
			if (i != 0 || t->parent != -1)
				return false;
		} else {
			if (t->parent != top->node)
				return false;
			sep = top->kind == FRAME_KEY ? ':' : top->seen > 0 ? ',' : '\0';
			in_object = top->kind == FRAME_OBJECT;
			top->seen++;
		}
		if (!gap_ok(text, cursor, span_start(t), sep))
			return false;
		if (in_object ? t->type != JSMN_STRING || t->size != 1 :
				t->type == JSMN_STRING && t->size != 0)
			return false;
		switch (t->type) {
		case JSMN_OBJECT:
		case JSMN_ARRAY:
			if (++containers > JSON_MAX_DEPTH) {
				*too_deep = true;
				return false;
			}
			cursor = (size_t)t->start + 1;
			stack[depth++] = (struct frame){
				i, t->size, 0,
				t->type == JSMN_OBJECT ? FRAME_OBJECT : FRAME_ARRAY,
				(size_t)t->end
			};
			break;
		case JSMN_STRING:
			if (!string_ok(doc, i))
				return false;
			cursor = (size_t)t->end + 1;
			if (in_object) {
				stack[depth++] = (struct frame){ i, 1, 0, FRAME_KEY, 0 };
				continue;
			}
			doc->next[i] = i + 1;
			if (top != NULL)
				top->remaining--;
			break;
		case JSMN_PRIMITIVE:
			if (!primitive_ok(text, (size_t)t->start, (size_t)t->end))
				return false;
			cursor = (size_t)t->end;
			doc->next[i] = i + 1;
			if (top != NULL)
				top->remaining--;
			break;
		default:
			return false;
		}
		if (top != NULL && top->remaining < 0)
			return false;
		if (!close_frames(doc, stack, &depth, &containers, i + 1, &cursor))
			return false;
	}
	return depth == 0 && doc->ntok > 0 && skip_ws(text, doc->len, cursor) == doc->len;
}

static int fail_at(const char *text, size_t len, struct kp_err *err)
{
	size_t at = scan_first_error(text, len);

	if (at == SIZE_MAX) /* the walk found no error: a bug, say where jsmn stopped */
		at = len;
	return kp_err_set(err, KP_EINVAL, "invalid JSON at byte %zu", at);
}

int json_parse(const char *text, size_t len, struct json_doc **out,
	       struct kp_err *err)
{
	struct json_doc *doc = NULL;
	struct frame *stack = NULL;
	jsmn_parser parser;
	bool too_deep = false, lone;
	size_t first;
	int count, rc = -1;

	*out = NULL;
	if (len > (size_t)INT_MAX - 2)
		return kp_err_set(err, KP_ELIMIT, "JSON document too large (%zu bytes)", len);
	first = skip_ws(text, len, 0);
	/* jsmn (strict) wants a delimiter after a primitive: a bare top-level
	 * number or literal is validated here and made a one-token document. */
	lone = first < len && strchr("{[\"", text[first]) == NULL;
	if (lone && scan_first_error(text, len) != SIZE_MAX)
		return fail_at(text, len, err);
	jsmn_init(&parser);
	count = lone ? 1 : jsmn_parse(&parser, text, len, NULL, 0);
	if (count <= 0)
		return fail_at(text, len, err);
	if (count > JSON_MAX_TOKENS)
		return kp_err_set(err, KP_ELIMIT, "JSON document has more than %d tokens",
				  JSON_MAX_TOKENS);
	doc = calloc(1, sizeof(*doc));
	if (doc == NULL)
		goto nomem;
	doc->text = text;
	doc->len = len;
	doc->ntok = count;
	doc->tok = malloc((size_t)count * sizeof(*doc->tok));
	doc->next = malloc((size_t)count * sizeof(*doc->next));
	doc->sflags = calloc((size_t)count, 1);
	stack = malloc(((size_t)count < JSON_MAX_DEPTH * 2 + 2 ?
			(size_t)count : JSON_MAX_DEPTH * 2 + 2) * sizeof(*stack) +
		       sizeof(*stack));
	if (doc->tok == NULL || doc->next == NULL || doc->sflags == NULL ||
	    stack == NULL)
		goto nomem;
	if (lone) {
		size_t end = first;

		while (end < len && !is_ws((unsigned char)text[end]))
			end++;
		doc->tok[0] = (jsmntok_t){ JSMN_PRIMITIVE, (int)first, (int)end, 0, -1 };
	} else {
		jsmn_init(&parser);
		if (jsmn_parse(&parser, text, len, doc->tok, (unsigned)count) != count) {
			fail_at(text, len, err);
			goto out;
		}
	}
	if (!validate_tokens(doc, stack, &too_deep)) {
		if (too_deep)
			kp_err_set(err, KP_ELIMIT, "JSON nested deeper than %d levels",
				   JSON_MAX_DEPTH);
		else
			fail_at(text, len, err);
		goto out;
	}
	*out = doc;
	doc = NULL;
	rc = 0;
	goto out;
nomem:
	kp_err_nomem(err);
out:
	free(stack);
	json_free(doc);
	return rc;
}

void json_free(struct json_doc *doc)
{
	if (doc == NULL)
		return;
	free(doc->tok);
	free(doc->next);
	free(doc->sflags);
	free(doc);
}

static bool valid_node(const struct json_doc *doc, int node)
{
	return doc != NULL && node >= 0 && node < doc->ntok;
}

enum json_type json_type(const struct json_doc *doc, int node)
{
	const jsmntok_t *t;

	if (!valid_node(doc, node))
		return JSON_NONE;
	t = &doc->tok[node];
	switch (t->type) {
	case JSMN_OBJECT:
		return JSON_OBJECT;
	case JSMN_ARRAY:
		return JSON_ARRAY;
	case JSMN_STRING:
		return JSON_STRING;
	case JSMN_PRIMITIVE:
		switch (doc->text[t->start]) {
		case 't':
			return JSON_TRUE;
		case 'f':
			return JSON_FALSE;
		case 'n':
			return JSON_NULL;
		default:
			return JSON_NUMBER;
		}
	default:
		return JSON_NONE;
	}
}

enum json_type json_token(const struct json_doc *doc, int node, const char **text,
			  size_t *len, bool *plain)
{
	const jsmntok_t *t;

	*text = NULL;
	*len = 0;
	*plain = true;
	if (!valid_node(doc, node))
		return JSON_NONE;
	t = &doc->tok[node];
	*text = doc->text + t->start;
	*len = (size_t)(t->end - t->start);
	switch (t->type) {
	case JSMN_STRING:
		*plain = doc->sflags[node] == 0;
		return JSON_STRING;
	case JSMN_OBJECT:
		return JSON_OBJECT;
	case JSMN_ARRAY:
		return JSON_ARRAY;
	default:
		return (*text)[0] == 't' ? JSON_TRUE : (*text)[0] == 'f' ? JSON_FALSE :
		       (*text)[0] == 'n' ? JSON_NULL : JSON_NUMBER;
	}
}

size_t json_size(const struct json_doc *doc, int node)
{
	if (!valid_node(doc, node))
		return 0;
	if (doc->tok[node].type != JSMN_OBJECT && doc->tok[node].type != JSMN_ARRAY)
		return 0;
	return (size_t)doc->tok[node].size;
}

int json_first(const struct json_doc *doc, int node)
{
	return json_size(doc, node) > 0 ? node + 1 : -1;
}

int json_next(const struct json_doc *doc, int node)
{
	int parent, after;

	if (!valid_node(doc, node))
		return -1;
	parent = doc->tok[node].parent;
	after = doc->next[node];
	if (parent < 0 || after >= doc->ntok)
		return -1;
	/* Past the parent's subtree? A sibling has the same parent. */
	return doc->tok[after].parent == parent ? after : -1;
}

const char *json_str_raw(const struct json_doc *doc, int node, size_t *len,
			 bool *plain)
{
	if (!valid_node(doc, node) || doc->tok[node].type != JSMN_STRING)
		return NULL;
	*len = (size_t)(doc->tok[node].end - doc->tok[node].start);
	*plain = doc->sflags[node] == 0;
	return doc->text + doc->tok[node].start;
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

/* Compares a raw JSON string token with key (UTF-8) after unescaping. */
static bool key_equals(const struct json_doc *doc, int node, const char *key,
		       size_t key_len)
{
	size_t len;
	bool plain;
	const char *raw = json_str_raw(doc, node, &len, &plain);
	char small[256];
	char *buf = small;
	bool eq;

	if (plain)
		return len == key_len && memcmp(raw, key, len) == 0;
	if (len > key_len * 6 + 6)
		return false;
	if (len * 3 > sizeof(small) && (buf = malloc(len * 3)) == NULL)
		return false;
	size_t n = json_decode(raw, len, buf, false);
	eq = n == key_len && memcmp(buf, key, n) == 0;
	if (buf != small)
		free(buf);
	return eq;
}

int json_get(const struct json_doc *doc, int object, const char *key)
{
	size_t key_len = strlen(key);
	int found = -1;

	if (json_type(doc, object) != JSON_OBJECT)
		return -1;
	for (int k = json_first(doc, object); k >= 0; k = json_next(doc, k))
		if (key_equals(doc, k, key, key_len))
			found = k + 1;
	return found;
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

		while (k < len && is_digit((unsigned char)p[k]))
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
	const jsmntok_t *t;

	if (json_type(doc, node) != JSON_NUMBER)
		return false;
	t = &doc->tok[node];
	*out = json_parse_number(doc->text + t->start, (size_t)(t->end - t->start));
	return true;
}

const char *json_raw(const struct json_doc *doc, int node, size_t *len)
{
	const jsmntok_t *t;
	size_t start;

	if (!valid_node(doc, node)) {
		*len = 0;
		return NULL;
	}
	t = &doc->tok[node];
	start = span_start(t);
	*len = (size_t)t->end + (t->type == JSMN_STRING ? 1 : 0) - start;
	return doc->text + start;
}
