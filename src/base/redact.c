/* SPDX-License-Identifier: MIT */
/* redact.c: secrets out of every outgoing text (see redact.h). */
#define _GNU_SOURCE /* memmem, explicit_bzero */
#include "redact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct secret {
	char *text;
	size_t len;
};

struct redactor {
	struct secret *secrets;
	size_t n, cap;
};

struct redactor *redactor_new(void)
{
	return calloc(1, sizeof(struct redactor));
}

int redactor_add(struct redactor *r, const char *secret, size_t len)
{
	struct secret *grown;
	size_t i;

	if (len < REDACT_MIN_LEN)
		return 0;
	for (i = 0; i < r->n; i++)
		if (r->secrets[i].len == len &&
		    memcmp(r->secrets[i].text, secret, len) == 0)
			return 0;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 8;

		grown = realloc(r->secrets, cap * sizeof(*grown));
		if (grown == NULL)
			return -1;
		r->secrets = grown;
		r->cap = cap;
	}
	r->secrets[r->n].text = kp_strndup(secret, len);
	if (r->secrets[r->n].text == NULL)
		return -1;
	r->secrets[r->n].len = len;
	r->n++;
	return 0;
}

void redactor_free(struct redactor *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++) {
		explicit_bzero(r->secrets[i].text, r->secrets[i].len);
		free(r->secrets[i].text);
	}
	free(r->secrets);
	free(r);
}

bool redact_found(const struct redactor *r, const char *text, size_t len)
{
	size_t i;

	for (i = 0; r != NULL && i < r->n; i++)
		if (memmem(text, len, r->secrets[i].text, r->secrets[i].len) != NULL)
			return true;
	return false;
}

/* Marks every byte of text covered by an occurrence of a secret. */
static void mark(const struct redactor *r, const char *text, size_t len,
		 unsigned char *masked)
{
	size_t i;

	memset(masked, 0, len);
	for (i = 0; i < r->n; i++) {
		const struct secret *s = &r->secrets[i];
		const char *at = text, *end = text + len, *hit;
		size_t done = 0; /* bytes of text already marked for this secret */

		/* Two-way memmem is linear; hits may overlap ("aaaa" in a run of
		 * a's), so each byte is marked once, keeping the loop linear. */
		while ((size_t)(end - at) >= s->len &&
		       (hit = memmem(at, (size_t)(end - at), s->text, s->len)) != NULL) {
			size_t from = (size_t)(hit - text), to = from + s->len;

			if (from < done)
				from = done;
			memset(masked + from, 1, to - from);
			done = to;
			at = hit + 1;
		}
	}
}

enum kp_status redact_append(const struct redactor *r, struct buf *out,
			     const char *text, size_t len)
{
	unsigned char *masked;
	enum kp_status status = KP_OK;
	size_t i, from = 0;

	if (r == NULL || r->n == 0 || !redact_found(r, text, len))
		return buf_append(out, text, len);
	masked = malloc(len);
	if (masked == NULL)
		return KP_ENOMEM;
	mark(r, text, len, masked);
	for (i = 0; i <= len && status == KP_OK; i++) {
		if (i < len && !masked[i])
			continue;
		status = buf_append(out, text + from, i - from);
		if (i == len || status != KP_OK)
			break;
		while (i < len && masked[i])
			i++;
		status = buf_append_str(out, REDACT_MASK);
		from = i;
		i--; /* the loop's i++ comes back to from */
	}
	free(masked);
	return status;
}

void redact_in_place(const struct redactor *r, char *s, size_t size)
{
	struct buf out;
	size_t len = strlen(s), keep;

	if (r == NULL || r->n == 0 || !redact_found(r, s, len))
		return;
	buf_init(&out, 16 * 1024 * 1024);
	if (redact_append(r, &out, s, len) != KP_OK) {
		buf_free(&out);
		snprintf(s, size, "%s", REDACT_MASK);
		return;
	}
	keep = out.len < size ? out.len : size - 1;
	/* Back off to a character boundary. */
	while (keep > 0 && keep < out.len &&
	       ((unsigned char)out.data[keep] & 0xC0) == 0x80)
		keep--;
	memcpy(s, buf_str(&out), keep);
	s[keep] = '\0';
	buf_free(&out);
}
