/* SPDX-License-Identifier: MIT */
/*
 * http_ready.c: due jobs waiting for a free transfer slot, in two FIFOs,
 * checks and background jobs (pushes), started in the order they became
 * due. Only while the loop is busy taking in a burst of answers do the
 * checks those answers free start first, ahead of the pushes that report
 * them, and for HTTP_BACKGROUND_WAIT_MS at most. Every step is O(1).
 */
#include "http_impl.h"

#include "util.h"

/* A background job (a push) waits at most this long for a busy loop. */
#define HTTP_BACKGROUND_WAIT_MS 200u

static struct ready_q *ready_q_of(struct job_ready *r, const struct http_job *job)
{
	return &r->q[job->req->background ? 1 : 0];
}

void ready_push(struct job_ready *r, struct http_job *job)
{
	struct ready_q *q = ready_q_of(r, job);

	job->ready_ms = kp_now_ms();
	job->ready_no = r->next_no++;
	job->next = NULL;
	job->prev = q->tail;
	if (q->tail != NULL)
		q->tail->next = job;
	else
		q->head = job;
	q->tail = job;
}

void ready_unlink(struct job_ready *r, struct http_job *job)
{
	struct ready_q *q = ready_q_of(r, job);

	if (job->prev != NULL)
		job->prev->next = job->next;
	else
		q->head = job->next;
	if (job->next != NULL)
		job->next->prev = job->prev;
	else
		q->tail = job->prev;
	job->next = job->prev = NULL;
}

bool ready_any(const struct job_ready *r)
{
	return r->q[0].head != NULL || r->q[1].head != NULL;
}

struct http_job *ready_next(const struct job_ready *r, bool busy, uint64_t now)
{
	struct http_job *check = r->q[0].head, *bg = r->q[1].head;

	if (bg == NULL)
		return check;
	if (busy && now - bg->ready_ms < HTTP_BACKGROUND_WAIT_MS)
		return check;
	return check != NULL && check->ready_no < bg->ready_no ? check : bg;
}

struct http_job *ready_pop_any(struct job_ready *r)
{
	struct http_job *job = r->q[0].head != NULL ? r->q[0].head : r->q[1].head;

	ready_unlink(r, job);
	return job;
}
