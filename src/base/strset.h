/* SPDX-License-Identifier: MIT */
/*
 * strset.h: a set of NUL-terminated strings, each with an index, by hash
 * (open addressing). The config loader uses it to find duplicates (target
 * names, check names, push monitors) in time linear in the file: with
 * 1,000 targets, comparing each with every earlier one was quadratic.
 * Keys are not copied: the caller keeps them alive as long as the set.
 */
#ifndef KP_STRSET_H
#define KP_STRSET_H

#include <stddef.h>
#include <stdint.h>

struct strset_slot {
	const char *key; /* NULL: empty */
	size_t idx;
	uint32_t hash;
};

struct strset {
	struct strset_slot *slot;
	size_t cap, n; /* cap is 0 or a power of two */
};

/*
 * Adds key with idx. 1 when added; 0 when key was there already (*prev,
 * if not NULL, gets the index it was added with; the set is unchanged);
 * -1 on OOM.
 */
int strset_put(struct strset *set, const char *key, size_t idx, size_t *prev);

/* Frees the table (not the keys); the set is empty and reusable. */
void strset_free(struct strset *set);

#endif
