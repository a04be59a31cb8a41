/* SPDX-License-Identifier: MIT */
/* buf.c: bounded growable buffer (after curl's dynbuf: the cap is mandatory). */
#include "buf.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b, size_t max_bytes)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max_bytes;
}

/* Room for n more bytes; exact: just that (a size known in advance). */
static enum kp_status reserve(struct buf *b, size_t n, bool exact)
{
	size_t need, cap;
	char *grown;

	if (n > b->max || b->len > b->max - n)
		return KP_ELIMIT;
	need = b->len + n + 1; /* cannot overflow: max < SIZE_MAX in practice */
	if (need <= b->cap)
		return KP_OK;
	cap = exact ? need : b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	grown = realloc(b->data, cap);
	if (grown == NULL)
		return KP_ENOMEM;
	b->data = grown;
	b->cap = cap;
	return KP_OK;
}

enum kp_status buf_reserve(struct buf *b, size_t n)
{
	return reserve(b, n, true);
}

enum kp_status buf_append(struct buf *b, const void *bytes, size_t n)
{
	enum kp_status status = reserve(b, n, false);

	if (status != KP_OK)
		return status;
	if (n > 0)
		memcpy(b->data + b->len, bytes, n);
	b->len += n;
	b->data[b->len] = '\0';
	return KP_OK;
}

enum kp_status buf_append_str(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

enum kp_status buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	enum kp_status status;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return KP_EINTERNAL;
	status = reserve(b, (size_t)n, false);
	if (status != KP_OK)
		return status;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return KP_OK;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

const char *buf_str(const struct buf *b)
{
	return b->data != NULL ? b->data : "";
}

char *buf_steal(struct buf *b)
{
	char *data = b->data;

	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return data;
}

void buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}
