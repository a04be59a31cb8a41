/* SPDX-License-Identifier: MIT */
/*
 * strset.c: see strset.h. Linear probing over a power-of-two table kept
 * at most half full, so a probe run stays short whatever the keys.
 */
#include "strset.h"

#include <stdlib.h>
#include <string.h>

/* FNV-1a: short keys, no adversary who can see the table. */
static uint32_t hash_of(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static struct strset_slot *find(const struct strset *set, const char *key,
				uint32_t hash)
{
	size_t mask = set->cap - 1, i = hash & mask;

	while (set->slot[i].key != NULL &&
	       (set->slot[i].hash != hash || strcmp(set->slot[i].key, key) != 0))
		i = (i + 1) & mask;
	return &set->slot[i];
}

static int grow(struct strset *set)
{
	size_t cap = set->cap ? set->cap * 2 : 16, i;
	struct strset_slot *old = set->slot, *slot;
	struct strset bigger;

	if (cap < set->cap) /* cannot happen below SIZE_MAX / 2 entries */
		return -1;
	slot = calloc(cap, sizeof(*slot));
	if (slot == NULL)
		return -1;
	bigger.slot = slot;
	bigger.cap = cap;
	bigger.n = set->n;
	for (i = 0; i < set->cap; i++)
		if (old[i].key != NULL)
			*find(&bigger, old[i].key, old[i].hash) = old[i];
	free(old);
	*set = bigger;
	return 0;
}

int strset_put(struct strset *set, const char *key, size_t idx, size_t *prev)
{
	uint32_t hash = hash_of(key);
	struct strset_slot *at;

	if ((set->n + 1) * 2 > set->cap && grow(set) != 0)
		return -1;
	at = find(set, key, hash);
	if (at->key != NULL) {
		if (prev != NULL)
			*prev = at->idx;
		return 0;
	}
	at->key = key;
	at->idx = idx;
	at->hash = hash;
	set->n++;
	return 1;
}

void strset_free(struct strset *set)
{
	free(set->slot);
	set->slot = NULL;
	set->cap = set->n = 0;
}
