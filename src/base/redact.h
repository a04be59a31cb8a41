/* SPDX-License-Identifier: MIT */
/*
 * redact.h: the one redaction step of kuma-push. A redactor holds the
 * secrets of a configuration (API keys, push tokens, configured header
 * values, URL passwords); every text that leaves the agent passes through
 * it and each occurrence of a secret becomes "***".
 */
#ifndef KP_REDACT_H
#define KP_REDACT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"

#define REDACT_MASK "***"
/* Shorter values are not secrets, and masking them would garble text. */
#define REDACT_MIN_LEN 4

struct redactor; /* opaque; a NULL redactor masks nothing */

/* NULL on OOM. */
struct redactor *redactor_new(void);

/*
 * Adds a copy of secret[0..len) (ignored when shorter than REDACT_MIN_LEN;
 * a secret added twice is held once from the next match on). Constant
 * time: the matcher is built by the first match after the adds, so that
 * one costs time and memory linear in the bytes of all secrets (about 14
 * bytes per byte). 0, or -1 on OOM.
 */
int redactor_add(struct redactor *r, const char *secret, size_t len);

/* Wipes every copy it holds, then frees. NULL is a no-op. */
void redactor_free(struct redactor *r);

/*
 * The match functions below build the matcher through their const pointer
 * when a secret was added since the last match: one thread at a time.
 * Each reads the text once, in time linear in len and in the number of
 * occurrences, whatever the number of secrets and however they overlap.
 */

/* Whether text[0..len) holds a secret; true too when out of memory. */
bool redact_found(const struct redactor *r, const char *text, size_t len);

/*
 * Appends text[0..len) to out with every secret masked (overlapping and
 * touching occurrences merge into one mask). KP_OK, KP_ENOMEM or
 * KP_ELIMIT.
 */
enum kp_status redact_append(const struct redactor *r, struct buf *out,
			     const char *text, size_t len);

/*
 * Masks the NUL-terminated s in place when it fits in size bytes, cutting
 * at a UTF-8 character boundary otherwise. On OOM the whole text becomes
 * REDACT_MASK: a secret must never leave because memory ran out.
 */
void redact_in_place(const struct redactor *r, char *s, size_t size);

#endif
