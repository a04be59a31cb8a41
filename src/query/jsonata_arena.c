/* SPDX-License-Identifier: MIT */
/*
 * jsonata_arena.c: the bump allocator for compiled programs and for one
 * evaluation's temporaries. A mark/release pair frees a predicate's
 * temporaries per member; the whole arena goes at once, so nothing leaks
 * on error paths. Bounded by a byte limit (K0002) besides malloc (K0003).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonata_int.h"

struct arena_blk {
	struct arena_blk *next;
	size_t cap, used;
	max_align_t data[];
};

#define ARENA_ALIGN (sizeof(max_align_t))
#define ARENA_FIRST_BLOCK (64u * 1024)
#define ARENA_MAX_BLOCK (16u * 1024 * 1024)

void arena_init(struct arena *a, size_t limit)
{
	memset(a, 0, sizeof(*a));
	a->limit = limit;
}

static struct arena_blk *arena_grow(struct arena *a, size_t size)
{
	size_t cap = a->cur != NULL ? a->cur->cap * 2 : ARENA_FIRST_BLOCK;
	struct arena_blk *b;

	if (cap > ARENA_MAX_BLOCK)
		cap = ARENA_MAX_BLOCK;
	if (cap < size)
		cap = size;
	if (cap > a->limit || a->total > a->limit - cap) {
		a->over = true;
		return NULL;
	}
	b = malloc(sizeof(*b) + cap);
	if (b == NULL) {
		a->over = false;
		return NULL;
	}
	b->cap = cap;
	b->used = 0;
	a->total += cap;
	if (a->cur == NULL) {
		b->next = NULL;
		a->first = b;
	} else {
		b->next = a->cur->next;
		a->cur->next = b;
	}
	return b;
}

void *arena_alloc(struct arena *a, size_t size)
{
	struct arena_blk *b = a->cur;
	void *p;

	if (size > SIZE_MAX / 2)
		return NULL;
	size = (size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	if (size == 0)
		size = ARENA_ALIGN;
	if (b == NULL || b->cap - b->used < size) {
		/* A block kept from before a release, if it fits. */
		if (b != NULL && b->next != NULL && b->next->cap >= size) {
			b = b->next;
			b->used = 0;
		} else if ((b = arena_grow(a, size)) == NULL) {
			return NULL;
		}
		a->cur = b;
	}
	p = (char *)b->data + b->used;
	b->used += size;
	return p;
}

bool arena_extend(struct arena *a, void *p, size_t size, size_t more)
{
	struct arena_blk *b = a->cur;
	uintptr_t at = (uintptr_t)p, base;

	if (b == NULL || p == NULL || more > SIZE_MAX / 2 || size > SIZE_MAX / 2)
		return false;
	base = (uintptr_t)b->data;
	size = (size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	more = (more + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	/* p must be the last allocation of the current block */
	if (at < base || at - base > b->used || at - base + size != b->used ||
	    b->cap - b->used < more)
		return false;
	b->used += more;
	return true;
}

void *arena_grow_array(struct arena *a, void *items, size_t len, size_t *cap,
		       size_t elem)
{
	size_t grown_cap = *cap < 4 ? 8 : *cap * 2;
	void *grown;

	if (grown_cap > SIZE_MAX / elem)
		return NULL;
	if (*cap > 0 && arena_extend(a, items, *cap * elem, (grown_cap - *cap) * elem)) {
		*cap = grown_cap;
		return items;
	}
	if ((grown = arena_alloc(a, grown_cap * elem)) == NULL)
		return NULL;
	if (len > 0)
		memcpy(grown, items, len * elem);
	*cap = grown_cap;
	return grown;
}

struct arena_mark arena_mark(const struct arena *a)
{
	struct arena_mark m = { a->cur, a->cur != NULL ? a->cur->used : 0 };

	return m;
}

void arena_release(struct arena *a, struct arena_mark m)
{
	if (m.blk == NULL) {
		if (a->first != NULL) {
			a->cur = a->first;
			a->cur->used = 0;
		}
		return;
	}
	a->cur = m.blk;
	a->cur->used = m.used;
}

void arena_free(struct arena *a)
{
	struct arena_blk *b = a->first;

	while (b != NULL) {
		struct arena_blk *next = b->next;

		free(b);
		b = next;
	}
	memset(a, 0, sizeof(*a));
}

