/* SPDX-License-Identifier: MIT */
/*
 * redact_ac.c: an Aho-Corasick automaton (see redact_ac.h), laid out for
 * small memory: nodes in breadth-first order, so the children of a node
 * are one run of the node array, sorted by byte and found by binary
 * search, instead of a 256-entry table per node.
 */
#define _GNU_SOURCE /* explicit_bzero */
#include "redact_ac.h"

#include <stdlib.h>
#include <string.h>

struct node {
	uint32_t first; /* children: nodes [first, next node's first) */
	uint32_t fail;  /* node of the longest proper suffix of this path */
	uint32_t cover; /* longest key that is a suffix of this path, or 0 */
};

struct redact_ac {
	struct node *nodes;   /* n_nodes + 1: the last only ends the runs */
	unsigned char *label; /* label[v]: the byte on the edge into v */
	uint32_t n_nodes;
	/* The root's children by byte (0: none): most bytes of a text are
	 * read at the root, and this spares them the search. */
	uint32_t root[256];
};

/* While it is built: the keys below a node share its path (depth bytes). */
struct span {
	uint32_t lo, hi, depth;
};

static uint32_t child(const struct redact_ac *ac, uint32_t v, unsigned char c)
{
	uint32_t lo, hi, end;

	if (v == 0)
		return ac->root[c];
	lo = ac->nodes[v].first;
	end = hi = ac->nodes[v + 1].first;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (ac->label[mid] < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < end && ac->label[lo] == c ? lo : 0;
}

/* The node after reading c in v. Each fail link taken shortens the path,
 * and each byte lengthens it by at most one: linear over a text. */
static uint32_t step(const struct redact_ac *ac, uint32_t v, unsigned char c)
{
	for (;;) {
		uint32_t w = child(ac, v, c);

		if (w != 0 || v == 0)
			return w;
		v = ac->nodes[v].fail;
	}
}

/* Trie nodes of sorted keys: each key adds the bytes past the prefix it
 * shares with the one before. 0 when they are too many for 32-bit ids. */
static size_t count_nodes(const struct redact_ac_key *keys, size_t n)
{
	size_t count = 1, i;

	for (i = 0; i < n; i++) {
		size_t shared = 0;

		if (i > 0) {
			size_t most = keys[i - 1].len;

			if (keys[i].len < most)
				most = keys[i].len;

			while (shared < most &&
			       keys[i - 1].text[shared] == keys[i].text[shared])
				shared++;
		}
		if (keys[i].len - shared > UINT32_MAX - 1 - count)
			return 0;
		count += keys[i].len - shared;
	}
	return count;
}

/*
 * Creates the children of node u from the keys below it. The fail link of
 * a child is found from u's, among nodes nearer the root, all made before
 * (breadth-first). -1 when the keys are not sorted.
 */
static int grow(struct redact_ac *ac, struct span *spans, uint32_t u,
		uint32_t *next, const struct redact_ac_key *keys)
{
	uint32_t i = spans[u].lo, hi = spans[u].hi, d = spans[u].depth;
	int last = -1; /* the previous child's byte */

	ac->nodes[u].first = *next;
	while (i < hi && keys[i].len == d) /* keys that end at u */
		i++;
	while (i < hi) {
		unsigned char c;
		uint32_t j = i + 1, v = *next;
		struct node *node;

		if (keys[i].len <= d || v >= ac->n_nodes)
			return -1;
		c = (unsigned char)keys[i].text[d];
		if ((int)c <= last)
			return -1;
		while (j < hi && keys[j].len > d &&
		       (unsigned char)keys[j].text[d] == c)
			j++;
		node = &ac->nodes[v];
		ac->label[v] = c;
		spans[v] = (struct span){ i, j, d + 1 };
		node->fail = u == 0 ? 0 : step(ac, ac->nodes[u].fail, c);
		node->cover = keys[i].len == d + 1
				      ? d + 1
				      : ac->nodes[node->fail].cover;
		last = c;
		*next = v + 1;
		i = j;
	}
	if (u == 0)
		for (i = 1; i < *next; i++)
			ac->root[ac->label[i]] = i;
	return 0;
}

struct redact_ac *redact_ac_build(const struct redact_ac_key *keys, size_t n)
{
	size_t count = count_nodes(keys, n);
	struct redact_ac *ac;
	struct span *spans;
	uint32_t u, next = 1;

	if (count == 0 || n > UINT32_MAX)
		return NULL;
	ac = calloc(1, sizeof(*ac));
	if (ac == NULL)
		return NULL;
	ac->n_nodes = (uint32_t)count;
	ac->nodes = calloc(count + 1, sizeof(*ac->nodes));
	ac->label = calloc(count, 1);
	spans = malloc(count * sizeof(*spans));
	if (ac->nodes == NULL || ac->label == NULL || spans == NULL)
		goto fail;
	spans[0] = (struct span){ 0, (uint32_t)n, 0 };
	for (u = 0; u < next; u++)
		if (grow(ac, spans, u, &next, keys) != 0)
			goto fail;
	if (next != count)
		goto fail;
	ac->nodes[count].first = (uint32_t)count;
	free(spans);
	return ac;
fail:
	free(spans);
	redact_ac_free(ac);
	return NULL;
}

void redact_ac_free(struct redact_ac *ac)
{
	if (ac == NULL)
		return;
	/* The labels spell the keys, and the rest tells their shape. */
	if (ac->label != NULL)
		explicit_bzero(ac->label, ac->n_nodes);
	if (ac->nodes != NULL)
		explicit_bzero(ac->nodes, ((size_t)ac->n_nodes + 1) *
						  sizeof(*ac->nodes));
	explicit_bzero(ac->root, sizeof(ac->root));
	free(ac->label);
	free(ac->nodes);
	free(ac);
}

size_t redact_ac_next(const struct redact_ac *ac, struct redact_ac_scan *scan,
		      const char *text, size_t len)
{
	uint32_t v = scan->state;
	size_t i;

	for (i = scan->pos; i < len; i++) {
		v = step(ac, v, (unsigned char)text[i]);
		if (ac->nodes[v].cover != 0) {
			scan->pos = i + 1;
			scan->state = v;
			return ac->nodes[v].cover;
		}
	}
	scan->pos = len;
	scan->state = v;
	return 0;
}
