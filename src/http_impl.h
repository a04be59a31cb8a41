/* SPDX-License-Identifier: MIT */
/*
 * http_impl.h: what http.c (one transfer: options, redirects, errors) and
 * http_engine.c (many transfers and timers on one event loop) share.
 */
#ifndef KP_HTTP_IMPL_H
#define KP_HTTP_IMPL_H

#include <curl/curl.h>

#include "http.h"

/* Easy handles of finished transfers, reset, for the next ones: a new
 * handle costs allocations and fresh pages for its buffers every time. */
struct http_pool {
	CURL **easy;
	size_t n, cap;
};

struct http_job {
	struct http_job *next, *prev; /* the ready queue or the active list */
	size_t heap_at;              /* index in the engine's heap */
	const struct http_request *req;
	uint64_t start_at_ms;
	uint64_t seq;                /* submit order: ties in the heap */
	uint64_t ready_ms;           /* when it joined the ready queue */
	uint64_t ready_no;           /* its place in that queue's order */
	http_done_fn done;
	http_timer_fn timer;         /* set for a timer (then req is NULL) */
	void *ctx;
	CURL *easy;
	struct http_pool *pool;      /* where easy goes back; NULL: cleanup */
	struct curl_slist *headers;  /* ours and the configured ones */
	struct curl_slist *own;      /* ours only: for another origin */
	struct curl_slist *resolve;
	uint64_t ends_ms;            /* the transfer's timeout, redirects included */
	int redirects;               /* followed so far */
	double hops_ms;              /* time of the redirects before this hop */
	char *hop_url;               /* this hop's URL after a redirect */
	char hop_error[128];         /* why a redirect was not followed */
	bool hop_nomem;
	char errbuf[CURL_ERROR_SIZE];
	struct http_response resp;
	enum kp_status capture;      /* KP_OK, or why the write callback stopped */
};

/* http_heap.c: a min-heap of jobs by start_at_ms, then seq. */
struct job_heap {
	struct http_job **v;
	size_t n, cap;
};
int heap_push(struct job_heap *h, struct http_job *job, struct kp_err *err);
struct http_job *heap_pop(struct job_heap *h); /* h->n > 0 */
/* Frees every job of ctx, uncalled. */
void heap_drop_ctx(struct job_heap *h, const void *ctx);

/* http_ready.c: due jobs waiting for a slot, checks and pushes apart. */
struct ready_q {
	struct http_job *head, *tail;
};
struct job_ready {
	struct ready_q q[2]; /* checks, background jobs */
	uint64_t next_no;    /* FIFO order across both */
};
void ready_push(struct job_ready *r, struct http_job *job);
void ready_unlink(struct job_ready *r, struct http_job *job); /* job is in r */
bool ready_any(const struct job_ready *r);
/*
 * The job to start next, or NULL: the one due first, but while busy (a
 * burst is being taken in) a check before a background job, which waits
 * a short while at most.
 */
struct http_job *ready_next(const struct job_ready *r, bool busy, uint64_t now);
struct http_job *ready_pop_any(struct job_ready *r); /* ready_any(r) */

/* http.c */
void job_free(struct http_job *job);
/* Completes a job without a transfer (deadline, setup failure). */
void job_fail(struct http_job *job, enum http_failure failure, const char *msg);
/* Takes an easy handle (pooled or new) and sets every option; -1 with err. */
int job_setup(struct http_job *job, uint64_t deadline_ms, struct kp_err *err);
/*
 * After libcurl finished job's hop: true when the job was set up for its
 * next hop (a redirect we follow) and must be added again; false when it
 * is complete (then call job_complete).
 */
bool job_next_hop(struct http_job *job, CURLcode result);
/* Fills the response from the finished handle, calls done and frees. */
void job_complete(struct http_job *job, CURLcode result);

#endif
