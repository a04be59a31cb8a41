/* SPDX-License-Identifier: MIT */
/*
 * json_parse.c: the only jsmn user. One pass over the text: jsmn finds the
 * tokens, and each token and the bytes between tokens go through a grammar
 * state machine at once, which validates them (jsmn accepts {"a"}, [1,,3],
 * {"a":1,}, [tru] and [1 2]) and appends compact tokens (json_int.h).
 *
 * jsmn is called again and again into a small window of its own tokens:
 * each call may add at most JP_BATCH of them before it stops with
 * JSMN_ERROR_NOMEM (at a token's start, so it resumes there), and between
 * calls the window keeps only the open containers (and a key waiting for
 * its value). That bounds its memory and the parent walk it does on every
 * closing bracket, which over a whole document is quadratic in depth: the
 * walk passes the closed containers of one run of closing brackets, at
 * most those open when the call began plus the batch. So a call that
 * begins shallow (JP_SHALLOW levels or fewer) runs as far as its batch
 * reaches, and a long string is never cut and scanned again; a deeper one
 * gets JP_SLICE bytes, which bound the run. The depth limit is met at the
 * 513th open bracket, before any of that work.
 */
#define JSMN_STRICT
#define JSMN_PARENT_LINKS
#include <jsmn.h>

#include "json_int.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define JP_BATCH 64   /* new tokens per jsmn call */
#define JP_SHALLOW 16 /* open containers up to which a call is not cut in bytes */
#define JP_SLICE 64   /* bytes per call deeper: its walk is at most this squared */
#define JP_WINDOW (JSON_MAX_DEPTH + 2 + JP_BATCH) /* jsmn tokens kept + one batch */

enum jp_state {
	ST_VALUE,     /* a value is expected */
	ST_ARR_FIRST, /* after '[': a value or ']' */
	ST_OBJ_FIRST, /* after '{': a key or '}' */
	ST_KEY,       /* after ',' in an object */
	ST_COLON,     /* after a key */
	ST_AFTER      /* after a value: ',' or a closing bracket */
};

enum jp_rc { JP_OK = 0, JP_BAD = -1, JP_DEEP = -2, JP_NOMEM = -3, JP_BIG = -4, JP_LONG = -5 };

struct jp_frame {
	uint32_t node;  /* the container's token */
	int32_t last;   /* its last member or key so far, -1 when none */
	int win;        /* the container's place in the jsmn window */
	bool object;
};

struct jp {
	const char *text;
	size_t len;
	size_t cursor;          /* bytes before it are validated */
	enum jp_state state;
	bool huge;              /* json_doc.huge */
	int depth;              /* open containers */
	int settled;            /* frames below it sit at win == their depth */
	struct json_tok *tok;   /* output */
	size_t ntok, cap;
	jsmn_parser parser;
	struct jp_frame frame[JSON_MAX_DEPTH + 1];
	jsmntok_t win[JP_WINDOW];
};

static int grow(struct jp *p)
{
	size_t cap = p->cap * 2;
	struct json_tok *grown;

	if (p->cap >= JSON_MAX_TOKENS)
		return JP_BIG;
	if (cap > JSON_MAX_TOKENS)
		cap = JSON_MAX_TOKENS;
	if ((grown = realloc(p->tok, cap * sizeof(*grown))) == NULL)
		return JP_NOMEM;
	p->tok = grown;
	p->cap = cap;
	return JP_OK;
}

static inline int emit(struct jp *p, uint32_t a, uint32_t b)
{
	int rc;

	if (p->ntok == p->cap && (rc = grow(p)) != JP_OK)
		return rc;
	p->tok[p->ntok].a = a;
	p->tok[p->ntok].b = b;
	p->ntok++;
	return JP_OK;
}

/* A value starts: count it in its array, or mark it a key's only value. */
static void value_placed(struct jp *p, uint32_t node)
{
	struct jp_frame *top;

	if (p->depth == 0) {
		p->tok[node].b |= JT_LAST; /* the root */
		return;
	}
	top = &p->frame[p->depth - 1];
	if (top->object) {
		p->tok[node].b |= JT_LAST;
		return;
	}
	p->tok[top->node].a++;
	top->last = (int32_t)node;
}

static int close_container(struct jp *p, bool object)
{
	struct jp_frame *f;

	if (p->depth == 0)
		return JP_BAD;
	f = &p->frame[p->depth - 1];
	if (f->object != object)
		return JP_BAD;
	if (p->state != ST_AFTER &&
	    p->state != (object ? ST_OBJ_FIRST : ST_ARR_FIRST))
		return JP_BAD;
	p->tok[f->node].b |= (uint32_t)p->ntok << JT_SHIFT;
	if (f->last >= 0)
		p->tok[f->last].b |= JT_LAST;
	if (--p->depth < p->settled)
		p->settled = p->depth;
	p->state = ST_AFTER;
	return JP_OK;
}

/* The bytes between tokens: white space, ',' ':' and closing brackets. */
static int gap_slow(struct jp *p, size_t to)
{
	for (size_t i = p->cursor; i < to; i++) {
		unsigned char c = (unsigned char)p->text[i];
		int rc;

		if (json_is_ws(c))
			continue;
		switch (c) {
		case ',':
			if (p->state != ST_AFTER || p->depth == 0)
				return JP_BAD;
			p->state = p->frame[p->depth - 1].object ? ST_KEY : ST_VALUE;
			break;
		case ':':
			if (p->state != ST_COLON)
				return JP_BAD;
			p->state = ST_VALUE;
			break;
		case '}':
		case ']':
			if ((rc = close_container(p, c == '}')) != JP_OK)
				return rc;
			break;
		default:
			return JP_BAD;
		}
	}
	p->cursor = to;
	return JP_OK;
}

/* Most gaps are one separator: that case without the loop. */
static inline int gap(struct jp *p, size_t to)
{
	if (p->cursor + 1 == to) {
		char c = p->text[p->cursor];

		if (c == ':' && p->state == ST_COLON) {
			p->state = ST_VALUE;
			p->cursor = to;
			return JP_OK;
		}
		if (c == ',' && p->state == ST_AFTER && p->depth > 0) {
			p->state = p->frame[p->depth - 1].object ? ST_KEY : ST_VALUE;
			p->cursor = to;
			return JP_OK;
		}
	}
	return p->cursor == to ? JP_OK : gap_slow(p, to);
}

static bool expects_value(const struct jp *p)
{
	return p->state == ST_VALUE || p->state == ST_ARR_FIRST;
}

static int open_container(struct jp *p, const jsmntok_t *t, int win)
{
	bool object = t->type == JSMN_OBJECT;
	uint32_t node = (uint32_t)p->ntok;
	int rc;

	if (!expects_value(p))
		return JP_BAD;
	if (p->depth == JSON_MAX_DEPTH)
		return JP_DEEP;
	if ((rc = emit(p, 0, object ? JT_OBJECT : JT_ARRAY)) != JP_OK)
		return rc;
	value_placed(p, node);
	p->frame[p->depth++] = (struct jp_frame){ node, -1, win, object };
	p->state = object ? ST_OBJ_FIRST : ST_ARR_FIRST;
	p->cursor = (size_t)t->start + 1;
	return JP_OK;
}

static int scalar(struct jp *p, const jsmntok_t *t)
{
	size_t start = (size_t)t->start, end = (size_t)t->end;
	uint32_t node = (uint32_t)p->ntok, flags;
	bool key = false, raw = false, huge;
	int rc;

	if (t->type == JSMN_STRING) {
		key = p->state == ST_KEY || p->state == ST_OBJ_FIRST;
		if (!key && !expects_value(p))
			return JP_BAD;
		if (!json_plain_ascii(p->text, p->len, start, end) &&
		    json_scan_string(p->text, p->len, start, end, &raw) != 0)
			return JP_BAD;
		flags = JT_STRING | (raw ? JT_RAW : 0);
		p->cursor = end + 1;
	} else {
		if (!expects_value(p) || !json_scan_primitive(p->text, start, end, &huge))
			return JP_BAD;
		p->huge |= huge;
		flags = JT_PRIMITIVE;
		p->cursor = end;
	}
	if (end - start > JT_PAYLOAD_MAX)
		return JP_LONG;
	if (key)
		flags |= JT_KEY;
	if ((rc = emit(p, (uint32_t)start, flags | (uint32_t)(end - start) << JT_SHIFT)) != JP_OK)
		return rc;
	if (key) {
		struct jp_frame *top = &p->frame[p->depth - 1];

		p->tok[top->node].a++;
		top->last = (int32_t)node;
		p->state = ST_COLON;
	} else {
		value_placed(p, node);
		p->state = ST_AFTER;
	}
	return JP_OK;
}

static int feed(struct jp *p, int win)
{
	const jsmntok_t *t = &p->win[win];
	size_t start = (size_t)t->start - (t->type == JSMN_STRING ? 1 : 0);
	int rc;

	if ((rc = gap(p, start)) != JP_OK)
		return rc;
	switch (t->type) {
	case JSMN_OBJECT:
	case JSMN_ARRAY:
		return open_container(p, t, win);
	case JSMN_STRING:
	case JSMN_PRIMITIVE:
		return scalar(p, t);
	default:
		return JP_BAD;
	}
}

/*
 * Between calls: keep in jsmn's window only what it still reads, the open
 * containers (as a chain of parent links) and, inside an object after a
 * key, that key (the last token, and jsmn's parent once ':' is seen),
 * rebuilt from our own token. Frames below `settled` are in place already,
 * so each container is moved at most once.
 */
static void compact(struct jp *p)
{
	jsmn_parser *ps = &p->parser;
	int d = p->depth;

	for (int j = p->settled; j < d; j++) {
		p->win[j] = p->win[p->frame[j].win];
		p->win[j].parent = j - 1;
		p->frame[j].win = j;
	}
	p->settled = d;
	ps->toknext = (unsigned)d;
	ps->toksuper = d - 1;
	if (d > 0 && p->frame[d - 1].object &&
	    (p->state == ST_COLON || p->state == ST_VALUE || p->state == ST_AFTER)) {
		const struct json_tok *key = &p->tok[p->frame[d - 1].last];
		jsmntok_t *k = &p->win[d];

		k->type = JSMN_STRING;
		k->start = (int)key->a;
		k->end = (int)(key->a + JT_PAYLOAD(key));
		k->size = p->state == ST_AFTER; /* its value is placed */
		k->parent = d - 1;
		ps->toknext = (unsigned)d + 1;
		if (p->state != ST_COLON)
			ps->toksuper = d;
	}
}

static int tokenize(struct jp *p)
{
	jsmn_parser *ps = &p->parser;
	size_t slice = JP_SLICE;
	int rc;

	jsmn_init(ps);
	for (;;) {
		size_t limit = p->depth > JP_SHALLOW && p->len - ps->pos > slice ?
			       ps->pos + slice : p->len;
		unsigned first = ps->toknext, pos = ps->pos;
		int r = jsmn_parse(ps, p->text, limit, p->win, first + JP_BATCH);

		for (unsigned i = first; i < ps->toknext; i++)
			if ((rc = feed(p, (int)i)) != JP_OK)
				return rc;
		if (r == JSMN_ERROR_INVAL || (r == JSMN_ERROR_PART && limit == p->len))
			return JP_BAD;
		if (r >= 0 && limit == p->len)
			return gap(p, p->len); /* jsmn stops at a NUL; the gap does not */
		if (r != JSMN_ERROR_NOMEM && ps->pos < limit && p->text[ps->pos] == '\0')
			return JP_BAD; /* a NUL where a token should start */
		if ((rc = gap(p, ps->pos)) != JP_OK)
			return rc;
		compact(p);
		/* No progress: one token longer than the slice; let it fit. */
		slice = ps->pos == pos && first == ps->toknext ? slice * 2 : JP_SLICE;
	}
}

static int fail_at(const char *text, size_t len, struct kp_err *err)
{
	size_t at = json_first_error(text, len);

	if (at == SIZE_MAX) /* the walk found no error: a bug, say where we stopped */
		at = len;
	return kp_err_set(err, KP_EINVAL, "invalid JSON at byte %zu", at);
}

/* jsmn (strict) wants a delimiter after a primitive: a bare top-level
 * number or literal is checked here and becomes a one-token document. */
static int lone_primitive(struct jp *p, size_t first)
{
	size_t end = first;
	bool huge;

	while (end < p->len && !json_is_ws((unsigned char)p->text[end]))
		end++;
	if (!json_scan_primitive(p->text, first, end, &huge))
		return JP_BAD;
	p->huge = huge;
	p->cursor = end;
	if (end - first > JT_PAYLOAD_MAX)
		return JP_LONG;
	if (emit(p, (uint32_t)first, JT_PRIMITIVE | JT_LAST |
		 (uint32_t)(end - first) << JT_SHIFT) != JP_OK)
		return JP_NOMEM;
	p->state = ST_AFTER;
	return gap(p, p->len);
}

int json_parse(const char *text, size_t len, struct json_doc **out,
	       struct kp_err *err)
{
	struct json_doc *doc = NULL;
	struct jp *p = NULL;
	size_t first = 0;
	int rc;

	*out = NULL;
	if (len > (size_t)INT_MAX - 2)
		return kp_err_set(err, KP_ELIMIT, "JSON document too large (%zu bytes)", len);
	while (first < len && json_is_ws((unsigned char)text[first]))
		first++;
	if ((doc = calloc(1, sizeof(*doc))) == NULL || (p = malloc(sizeof(*p))) == NULL)
		goto nomem;
	p->text = text;
	p->len = len;
	p->cursor = 0;
	p->state = ST_VALUE;
	p->huge = false;
	p->depth = p->settled = 0;
	p->ntok = 0;
	/* A guess from the size (models lists run about 10 bytes a token);
	 * pages past the last token are never touched. */
	p->cap = len / 8 + 16;
	if (p->cap > JSON_MAX_TOKENS)
		p->cap = JSON_MAX_TOKENS;
	if ((p->tok = malloc(p->cap * sizeof(*p->tok))) == NULL)
		goto nomem;
	if (first < len && strchr("{[\"", text[first]) == NULL)
		rc = lone_primitive(p, first);
	else
		rc = tokenize(p);
	if (rc == JP_OK && (p->state != ST_AFTER || p->depth != 0 || p->ntok == 0))
		rc = JP_BAD;
	switch (rc) {
	case JP_OK:
		break;
	case JP_DEEP:
		kp_err_set(err, KP_ELIMIT, "JSON nested deeper than %d levels", JSON_MAX_DEPTH);
		goto fail;
	case JP_BIG:
		kp_err_set(err, KP_ELIMIT, "JSON document has more than %d tokens",
			   JSON_MAX_TOKENS);
		goto fail;
	case JP_LONG:
		kp_err_set(err, KP_ELIMIT, "JSON string or number longer than %u bytes",
			   JT_PAYLOAD_MAX);
		goto fail;
	case JP_NOMEM:
		goto nomem;
	default:
		fail_at(text, len, err);
		goto fail;
	}
	doc->text = text;
	doc->len = len;
	doc->tok = p->tok;
	doc->ntok = (int)p->ntok;
	doc->huge = p->huge;
	free(p);
	*out = doc;
	return 0;
nomem:
	kp_err_nomem(err);
fail:
	if (p != NULL)
		free(p->tok);
	free(p);
	free(doc);
	return -1;
}

void json_free(struct json_doc *doc)
{
	if (doc == NULL)
		return;
	free(doc->tok);
	free(doc);
}
