/* SPDX-License-Identifier: MIT */
/* redact.c: secrets out of every outgoing text (see redact.h). */
#define _GNU_SOURCE /* explicit_bzero */
#include "redact.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redact_ac.h"

struct held {
	size_t off, len; /* in text */
};

struct redactor {
	char *text; /* every secret, back to back */
	size_t text_len, text_cap;
	struct held *held;
	size_t n, cap;
	/*
	 * A cache of the secrets, built by the first match after an add:
	 * the config adds thousands of secrets one by one, and a build per
	 * add would make loading quadratic. NULL until then.
	 */
	struct redact_ac *ac;
};

/* Masked bytes [from, to) of a text. */
struct run {
	size_t from, to;
};

struct runs {
	struct run *v;
	size_t n, cap;
};

/* Frees a copy of secret bytes; explicit_bzero is not elided like memset. */
static void wipe_free(void *p, size_t len)
{
	if (p != NULL)
		explicit_bzero(p, len);
	free(p);
}

struct redactor *redactor_new(void)
{
	return calloc(1, sizeof(struct redactor));
}

/* Room for more bytes in r->text. By malloc, not realloc: a moved block
 * would leave a copy of the secrets behind, unwiped. */
static int grow_text(struct redactor *r, size_t more)
{
	size_t cap = r->text_cap ? r->text_cap : 256;
	char *grown;

	if (more <= r->text_cap - r->text_len)
		return 0;
	while (cap - r->text_len < more) {
		if (cap > SIZE_MAX / 2)
			return -1;
		cap *= 2;
	}
	grown = malloc(cap);
	if (grown == NULL)
		return -1;
	if (r->text_len > 0)
		memcpy(grown, r->text, r->text_len);
	wipe_free(r->text, r->text_cap);
	r->text = grown;
	r->text_cap = cap;
	return 0;
}

int redactor_add(struct redactor *r, const char *secret, size_t len)
{
	if (len < REDACT_MIN_LEN)
		return 0;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 8;
		struct held *grown;

		if (cap > SIZE_MAX / sizeof(*grown) ||
		    (grown = realloc(r->held, cap * sizeof(*grown))) == NULL)
			return -1;
		r->held = grown;
		r->cap = cap;
	}
	if (grow_text(r, len) != 0)
		return -1;
	memcpy(r->text + r->text_len, secret, len);
	r->held[r->n].off = r->text_len;
	r->held[r->n].len = len;
	r->text_len += len;
	r->n++;
	/* Duplicates stay until the next build drops them (no search here:
	 * it would make thousands of adds quadratic). */
	redact_ac_free(r->ac);
	r->ac = NULL;
	return 0;
}

void redactor_free(struct redactor *r)
{
	if (r == NULL)
		return;
	wipe_free(r->text, r->text_cap);
	wipe_free(r->held, r->cap * sizeof(*r->held));
	redact_ac_free(r->ac);
	free(r);
}

/* Byte order, a key before every longer key it begins (redact_ac.h). */
static int key_cmp(const void *a, const void *b)
{
	const struct redact_ac_key *x = a, *y = b;
	int c = memcmp(x->text, y->text, x->len < y->len ? x->len : y->len);

	if (c != 0)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

/*
 * Holds keys[0..n) (sorted) once each in a text of its exact size, and
 * points the keys into it. Keeps what r holds when memory is short.
 */
static void compact(struct redactor *r, struct redact_ac_key *keys, size_t *n)
{
	size_t kept = 0, len = 0, i;
	struct held *held;
	char *text;

	for (i = 0; i < *n; i++)
		if (kept == 0 || key_cmp(&keys[kept - 1], &keys[i]) != 0) {
			keys[kept++] = keys[i];
			len += keys[i].len;
		}
	*n = kept;
	text = malloc(len);
	held = malloc(kept * sizeof(*held));
	if (text == NULL || held == NULL) {
		free(text);
		free(held);
		return;
	}
	for (len = 0, i = 0; i < kept; i++) {
		memcpy(text + len, keys[i].text, keys[i].len);
		held[i].off = len;
		held[i].len = keys[i].len;
		keys[i].text = text + len;
		len += keys[i].len;
	}
	wipe_free(r->text, r->text_cap);
	wipe_free(r->held, r->cap * sizeof(*r->held));
	r->text = text;
	r->text_len = r->text_cap = len;
	r->held = held;
	r->n = r->cap = kept;
}

/*
 * The automaton of r's secrets, built if an add came since the last one;
 * NULL on OOM (the next call tries again). It writes through the const
 * pointer: the automaton is a cache, not part of the redactor's value, and
 * the agent has one thread.
 */
static const struct redact_ac *automaton(const struct redactor *cr)
{
	struct redactor *r = (struct redactor *)cr;
	struct redact_ac_key *keys;
	size_t n = r->n, i;

	if (r->ac != NULL)
		return r->ac;
	keys = malloc(n * sizeof(*keys));
	if (keys == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		keys[i].text = r->text + r->held[i].off;
		keys[i].len = r->held[i].len;
	}
	qsort(keys, n, sizeof(*keys), key_cmp);
	compact(r, keys, &n);
	r->ac = redact_ac_build(keys, n);
	free(keys);
	return r->ac;
}

bool redact_found(const struct redactor *r, const char *text, size_t len)
{
	const struct redact_ac *ac;
	struct redact_ac_scan scan = { 0, 0 };

	if (r == NULL || r->n == 0)
		return false;
	ac = automaton(r);
	/* Out of memory it cannot look, and says yes: the caller masks. */
	return ac == NULL || redact_ac_next(ac, &scan, text, len) != 0;
}

/*
 * The masked runs of text: every byte inside an occurrence of a secret,
 * overlapping and touching occurrences merged. Occurrences come by their
 * end; a longer one may reach back over runs found before, which merge.
 * Each run is pushed and popped at most once: linear in the matches.
 */
static enum kp_status find_runs(const struct redactor *r, const char *text,
				size_t len, struct runs *runs)
{
	const struct redact_ac *ac = automaton(r);
	struct redact_ac_scan scan = { 0, 0 };
	size_t cover;

	if (ac == NULL)
		return KP_ENOMEM;
	while ((cover = redact_ac_next(ac, &scan, text, len)) != 0) {
		size_t from = scan.pos - cover;

		while (runs->n > 0 && runs->v[runs->n - 1].to >= from) {
			runs->n--;
			if (runs->v[runs->n].from < from)
				from = runs->v[runs->n].from;
		}
		if (runs->n == runs->cap) {
			size_t cap = runs->cap ? runs->cap * 2 : 8;
			struct run *grown;

			grown = realloc(runs->v, cap * sizeof(*grown));

			if (grown == NULL)
				return KP_ENOMEM;
			runs->v = grown;
			runs->cap = cap;
		}
		runs->v[runs->n].from = from;
		runs->v[runs->n].to = scan.pos;
		runs->n++;
	}
	return KP_OK;
}

static enum kp_status emit(struct buf *out, const char *text, size_t len,
			   const struct runs *runs)
{
	enum kp_status status = KP_OK;
	size_t from = 0, i;

	for (i = 0; i < runs->n && status == KP_OK; i++) {
		status = buf_append(out, text + from, runs->v[i].from - from);
		if (status == KP_OK)
			status = buf_append_str(out, REDACT_MASK);
		from = runs->v[i].to;
	}
	if (status != KP_OK)
		return status;
	return buf_append(out, text + from, len - from);
}

enum kp_status redact_append(const struct redactor *r, struct buf *out,
			     const char *text, size_t len)
{
	struct runs runs = { NULL, 0, 0 };
	enum kp_status status;

	if (r == NULL || r->n == 0)
		return buf_append(out, text, len);
	status = find_runs(r, text, len, &runs);
	if (status == KP_OK)
		status = runs.n == 0 ? buf_append(out, text, len)
				     : emit(out, text, len, &runs);
	free(runs.v);
	return status;
}

void redact_in_place(const struct redactor *r, char *s, size_t size)
{
	struct runs runs = { NULL, 0, 0 };
	enum kp_status status;
	struct buf out;
	size_t len, keep;

	if (r == NULL || r->n == 0)
		return;
	len = strlen(s);
	status = find_runs(r, s, len, &runs);
	if (status == KP_OK && runs.n == 0)
		return;
	buf_init(&out, 16 * 1024 * 1024);
	if (status != KP_OK || emit(&out, s, len, &runs) != KP_OK) {
		free(runs.v);
		buf_free(&out);
		snprintf(s, size, "%s", REDACT_MASK);
		return;
	}
	free(runs.v);
	keep = out.len < size ? out.len : size - 1;
	/* Back off to a character boundary. */
	while (keep > 0 && keep < out.len &&
	       ((unsigned char)out.data[keep] & 0xC0) == 0x80)
		keep--;
	memcpy(s, buf_str(&out), keep);
	s[keep] = '\0';
	buf_free(&out);
}
