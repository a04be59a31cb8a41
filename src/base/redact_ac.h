/* SPDX-License-Identifier: MIT */
/*
 * redact_ac.h: the matcher behind redact.c, an Aho-Corasick automaton over
 * a set of keys (the secrets): one pass over a text finds every occurrence
 * of every key, at a cost that does not grow with the number of keys.
 */
#ifndef KP_REDACT_AC_H
#define KP_REDACT_AC_H

#include <stddef.h>
#include <stdint.h>

struct redact_ac; /* opaque */

struct redact_ac_key {
	const char *text;
	size_t len; /* at least 1 */
};

/*
 * Builds the automaton of keys[0..n), which must be sorted (bytes compared
 * as unsigned, a key before every longer key it begins); duplicates are
 * allowed. The automaton copies the bytes it needs: the keys may go after.
 * NULL on OOM, when keys are not sorted, or past 2^32 - 2 key bytes.
 * Memory: 13 bytes per trie node (at most one per key byte) plus 1 KiB.
 */
struct redact_ac *redact_ac_build(const struct redact_ac_key *keys, size_t n);

/* Wipes it (it holds the keys' bytes), then frees. NULL is a no-op. */
void redact_ac_free(struct redact_ac *ac);

/* Where a scan of one text stands; start at { 0, 0 }. */
struct redact_ac_scan {
	size_t pos;     /* next byte of the text to read */
	uint32_t state; /* the trie node of the longest key prefix read last */
};

/*
 * Reads text[scan->pos..len) up to the end of the next occurrence of a key
 * and returns the length of the longest key that ends there (scan->pos is
 * then just past it), or 0 when the text ends first. Every shorter key
 * ending at the same byte lies inside that one. A whole text costs time
 * linear in len, however many keys there are and however they overlap.
 */
size_t redact_ac_next(const struct redact_ac *ac, struct redact_ac_scan *scan,
		      const char *text, size_t len);

#endif
