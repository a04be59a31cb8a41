/* SPDX-License-Identifier: MIT */
/* buf.h: a bounded, growable byte buffer, always NUL-terminated. */
#ifndef KP_BUF_H
#define KP_BUF_H

#include <stddef.h>

#include "err.h"

/* Use the API only. data is NULL until the first append. */
struct buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max; /* appends that would pass this many bytes fail */
};

void buf_init(struct buf *b, size_t max_bytes);

/*
 * Appends n bytes. Returns KP_OK, KP_ENOMEM or KP_ELIMIT (max reached).
 * On failure the buffer keeps what it held before the call.
 */
enum kp_status buf_append(struct buf *b, const void *bytes, size_t n);

/*
 * Makes room for n more bytes at once (KP_ELIMIT past max, KP_ENOMEM), so
 * that appends up to them never move the data: one allocation for a size
 * known in advance, never two copies at the same time.
 */
enum kp_status buf_reserve(struct buf *b, size_t n);
enum kp_status buf_append_str(struct buf *b, const char *s);
enum kp_status buf_printf(struct buf *b, const char *fmt, ...) KP_PRINTF(2, 3);

/* Empties the buffer but keeps its memory. */
void buf_reset(struct buf *b);

/* Returns the string (never NULL: "" when empty). Valid until the next append. */
const char *buf_str(const struct buf *b);

/* Hands the allocation to the caller (may be NULL when empty); b is emptied. */
char *buf_steal(struct buf *b);

void buf_free(struct buf *b);

#endif
