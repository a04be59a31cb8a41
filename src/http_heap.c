/* SPDX-License-Identifier: MIT */
/*
 * http_heap.c: the engine's timers and not-yet-due transfers, a binary
 * min-heap by start time (submit order breaks ties), so the next due one
 * is found in O(1) and each insertion or removal costs O(log n).
 */
#include <stdlib.h>

#include "http_impl.h"

static bool heap_before(const struct http_job *a, const struct http_job *b)
{
	return a->start_at_ms < b->start_at_ms ||
	       (a->start_at_ms == b->start_at_ms && a->seq < b->seq);
}

static void heap_place(struct job_heap *h, size_t i, struct http_job *job)
{
	h->v[i] = job;
	job->heap_at = i;
}

static void heap_up(struct job_heap *h, size_t i)
{
	struct http_job *job = h->v[i];

	while (i > 0 && heap_before(job, h->v[(i - 1) / 2])) {
		heap_place(h, i, h->v[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_place(h, i, job);
}

static void heap_down(struct job_heap *h, size_t i)
{
	struct http_job *job = h->v[i];
	size_t child;

	while ((child = 2 * i + 1) < h->n) {
		if (child + 1 < h->n && heap_before(h->v[child + 1], h->v[child]))
			child++;
		if (!heap_before(h->v[child], job))
			break;
		heap_place(h, i, h->v[child]);
		i = child;
	}
	heap_place(h, i, job);
}

int heap_push(struct job_heap *h, struct http_job *job, struct kp_err *err)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 64;
		struct http_job **grown = realloc(h->v, cap * sizeof(*grown));

		if (grown == NULL)
			return kp_err_nomem(err);
		h->v = grown;
		h->cap = cap;
	}
	h->v[h->n++] = job;
	heap_up(h, h->n - 1);
	return 0;
}

struct http_job *heap_pop(struct job_heap *h)
{
	struct http_job *top = h->v[0];

	if (--h->n > 0) {
		heap_place(h, 0, h->v[h->n]);
		heap_down(h, 0);
	}
	return top;
}

void heap_drop_ctx(struct job_heap *h, const void *ctx)
{
	size_t i, kept = 0;

	/* Filter, then heapify bottom-up: O(n) for the whole heap. */
	for (i = 0; i < h->n; i++) {
		if (h->v[i]->ctx == ctx)
			job_free(h->v[i]);
		else
			h->v[kept++] = h->v[i];
	}
	h->n = kept;
	for (i = 0; i < kept; i++)
		h->v[i]->heap_at = i;
	for (i = kept / 2; i-- > 0;)
		heap_down(h, i);
}
