/* SPDX-License-Identifier: MIT */
/*
 * http_engine.c: many transfers and timers on one event loop. libcurl is
 * driven with curl_multi_socket_action: it tells us which sockets to watch
 * (CURLMOPT_SOCKETFUNCTION) and when it wants the clock (TIMERFUNCTION), ev
 * waits, and each wake-up hands libcurl only the sockets that are ready.
 * Timers and transfers not yet due sit in one binary heap (http_heap.c),
 * due transfers past max_parallel in FIFOs (http_ready.c), so no step
 * walks everything that is open.
 */
#include "http.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "ev.h"
#include "http_impl.h"
#include "util.h"

#define HTTP_DEADLINE_GRACE_MS 250u
/* A signal between our flag check and the wait is seen this late at most. */
#define HTTP_MAX_WAIT_MS 1000u
#define HTTP_NO_TIME UINT64_MAX

struct http_engine {
	CURLM *multi;
	struct ev *ev;
	int max_parallel;
	int running;                 /* jobs attached to the multi handle */
	struct job_heap later;       /* timers and jobs not due yet, by time */
	struct job_ready ready;      /* due, waiting for a free slot */
	bool backlog;                /* the last wait left sockets ready */
	struct http_job *active;     /* attached to the multi handle */
	struct http_pool pool;       /* up to max_parallel idle handles */
	uint64_t seq;
	uint64_t curl_due_ms;        /* libcurl's timer; HTTP_NO_TIME: none */
	struct kp_err fault;         /* the event loop itself failed */
	bool past_deadline;
	const volatile sig_atomic_t *stop; /* see http_engine_watch */
	bool stop_requested;               /* http_engine_stop */
	uint64_t stop_grace_ms;
	bool stopping;
	volatile sig_atomic_t *hook_flag;  /* see http_engine_on_flag */
	http_timer_fn hook_fn;
	void *hook_ctx;
};

/* --- queues -------------------------------------------------------------- */

static void active_add(struct http_engine *engine, struct http_job *job)
{
	job->prev = NULL;
	job->next = engine->active;
	if (engine->active != NULL)
		engine->active->prev = job;
	engine->active = job;
	engine->running++;
}

/* Takes job off the multi handle and the active list, in O(1). */
static void active_remove(struct http_engine *engine, struct http_job *job)
{
	if (job->prev != NULL)
		job->prev->next = job->next;
	else
		engine->active = job->next;
	if (job->next != NULL)
		job->next->prev = job->prev;
	job->next = job->prev = NULL;
	curl_multi_remove_handle(engine->multi, job->easy);
	engine->running--;
}

/* --- libcurl's callbacks ----------------------------------------------- */

static int on_socket(CURL *easy, curl_socket_t fd, int what, void *userp,
		     void *socketp)
{
	struct http_engine *engine = userp;
	int events = what == CURL_POLL_IN      ? EV_READ
		     : what == CURL_POLL_OUT   ? EV_WRITE
		     : what == CURL_POLL_INOUT ? EV_READ | EV_WRITE
					       : 0;
	struct kp_err err = { KP_OK, "" };

	(void)easy;
	(void)socketp;
	if (ev_set(engine->ev, (int)fd, events, &err) != 0 &&
	    engine->fault.status == KP_OK)
		engine->fault = err;
	return 0;
}

static int on_timer(CURLM *multi, long timeout_ms, void *userp)
{
	struct http_engine *engine = userp;

	(void)multi;
	engine->curl_due_ms = timeout_ms < 0 ? HTTP_NO_TIME
					     : kp_now_ms() + (uint64_t)timeout_ms;
	return 0;
}

static void on_ready(void *ctx, int fd, int events)
{
	struct http_engine *engine = ctx;
	/* An error or hang-up is handed over as readiness, not as
	 * CURL_CSELECT_ERR: libcurl then reads or writes and reports what the
	 * socket says ("connection reset by peer"), where CSELECT_ERR would
	 * only give "select/poll returned error", depending on how the RST
	 * and the data happened to arrive. */
	int mask = ((events & EV_READ) ? CURL_CSELECT_IN : 0) |
		   ((events & EV_WRITE) ? CURL_CSELECT_OUT : 0);
	if ((events & EV_ERROR) && mask == 0)
		mask = CURL_CSELECT_IN | CURL_CSELECT_OUT;
	int still_running = 0;
	CURLMcode mresult = curl_multi_socket_action(engine->multi, fd, mask,
						     &still_running);

	if (mresult != CURLM_OK && engine->fault.status == KP_OK)
		kp_err_set(&engine->fault, KP_EINTERNAL, "curl multi: %s",
			   curl_multi_strerror(mresult));
}

/* --- the public API -------------------------------------------------------- */

/*
 * How many connections libcurl may keep, and descriptors for them: 4 per
 * transfer slot, what libcurl's own default reaches at its peak. Left to
 * that default (4 x the transfers attached now), the bound shrinks as a
 * run drains, and then every finished transfer closes the oldest idle
 * connection, which libcurl 7.88 finds by walking every connection: with
 * 1,000 targets that walk was 7 % of a run. A fixed bound keeps the
 * connections a run's next transfer (a tier, a push, the next cycle) can
 * reuse, and descriptors are lifted to fit when the hard limit allows.
 */
static long conn_cache_size(int max_parallel)
{
	rlim_t want = (rlim_t)max_parallel * 4, room;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return (long)max_parallel;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want + 64) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want + 64
				      ? want + 64
				      : rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0 && getrlimit(RLIMIT_NOFILE, &rl) != 0)
			return (long)max_parallel;
	}
	room = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > want + 64 ? want
									: rl.rlim_cur - 64;
	return (long)(room > (rlim_t)max_parallel ? room : (rlim_t)max_parallel);
}

struct http_engine *http_engine_new(int max_parallel, struct kp_err *err)
{
	struct http_engine *engine = calloc(1, sizeof(*engine));

	if (engine == NULL) {
		kp_err_nomem(err);
		return NULL;
	}
	engine->max_parallel = max_parallel > 0 ? max_parallel : 1;
	engine->pool.easy = calloc((size_t)engine->max_parallel, sizeof(CURL *));
	if (engine->pool.easy == NULL) {
		free(engine);
		kp_err_nomem(err);
		return NULL;
	}
	engine->pool.cap = (size_t)engine->max_parallel;
	engine->curl_due_ms = HTTP_NO_TIME;
	engine->fault.status = KP_OK;
	engine->ev = ev_new(err);
	if (engine->ev == NULL) {
		free(engine->pool.easy);
		free(engine);
		return NULL;
	}
	engine->multi = curl_multi_init();
	if (engine->multi == NULL ||
	    curl_multi_setopt(engine->multi, CURLMOPT_SOCKETFUNCTION, on_socket) != CURLM_OK ||
	    curl_multi_setopt(engine->multi, CURLMOPT_SOCKETDATA, (void *)engine) != CURLM_OK ||
	    curl_multi_setopt(engine->multi, CURLMOPT_TIMERFUNCTION, on_timer) != CURLM_OK ||
	    curl_multi_setopt(engine->multi, CURLMOPT_TIMERDATA, (void *)engine) != CURLM_OK ||
	    curl_multi_setopt(engine->multi, CURLMOPT_MAXCONNECTS,
			      conn_cache_size(engine->max_parallel)) != CURLM_OK) {
		if (engine->multi != NULL)
			curl_multi_cleanup(engine->multi);
		ev_free(engine->ev);
		free(engine->pool.easy);
		free(engine);
		kp_err_set(err, KP_ENOMEM, "curl_multi_init failed");
		return NULL;
	}
	return engine;
}

static int engine_add(struct http_engine *engine, struct http_job *job,
		      struct kp_err *err)
{
	job->seq = engine->seq++;
	if (job->timer == NULL && job->start_at_ms <= kp_now_ms()) {
		ready_push(&engine->ready, job);
		return 0;
	}
	if (heap_push(&engine->later, job, err) != 0) {
		job_free(job);
		return -1;
	}
	return 0;
}

int http_submit(struct http_engine *engine, const struct http_request *req,
		uint64_t start_at_ms, http_done_fn done, void *ctx,
		struct kp_err *err)
{
	struct http_job *job = calloc(1, sizeof(*job));

	if (job == NULL)
		return kp_err_nomem(err);
	job->req = req;
	job->pool = &engine->pool;
	job->start_at_ms = start_at_ms;
	job->done = done;
	job->ctx = ctx;
	buf_init(&job->resp.body, (size_t)req->net->max_body_bytes);
	return engine_add(engine, job, err);
}

int http_timer(struct http_engine *engine, uint64_t at_ms, http_timer_fn fn,
	       void *ctx, struct kp_err *err)
{
	struct http_job *job = calloc(1, sizeof(*job));

	if (job == NULL)
		return kp_err_nomem(err);
	job->start_at_ms = at_ms;
	job->timer = fn;
	job->ctx = ctx;
	return engine_add(engine, job, err);
}

void http_engine_watch(struct http_engine *engine,
		       const volatile sig_atomic_t *flag, uint64_t grace_ms)
{
	engine->stop = flag;
	engine->stop_grace_ms = grace_ms;
}

void http_engine_stop(struct http_engine *engine)
{
	engine->stop_requested = true;
}

void http_engine_on_flag(struct http_engine *engine,
			 volatile sig_atomic_t *flag, http_timer_fn fn, void *ctx)
{
	engine->hook_flag = flag;
	engine->hook_fn = fn;
	engine->hook_ctx = ctx;
}

void http_engine_set_parallel(struct http_engine *engine, int max_parallel)
{
	engine->max_parallel = max_parallel > 0 ? max_parallel : 1;
	curl_multi_setopt(engine->multi, CURLMOPT_MAXCONNECTS,
			  conn_cache_size(engine->max_parallel));
}

void http_cancel(struct http_engine *engine, const void *ctx)
{
	struct http_job *job, *next;
	size_t k;

	for (job = engine->active; job != NULL; job = next) {
		next = job->next;
		if (job->ctx == ctx) {
			active_remove(engine, job);
			job_free(job);
		}
	}
	for (k = 0; k < 2; k++) {
		for (job = engine->ready.q[k].head; job != NULL; job = next) {
			next = job->next;
			if (job->ctx != ctx)
				continue;
			ready_unlink(&engine->ready, job);
			job_free(job);
		}
	}
	heap_drop_ctx(&engine->later, ctx);
}

/* --- the run ------------------------------------------------------------ */

static void job_start(struct http_engine *engine, struct http_job *job,
		      uint64_t deadline_ms)
{
	struct kp_err err = { KP_OK, "" };
	CURLMcode mresult;

	if (job_setup(job, deadline_ms, &err) != 0) {
		job_fail(job, err.status == KP_ENOMEM ? HTTP_FAIL_NOMEM
						      : HTTP_FAIL_OTHER,
			 err.msg);
		return;
	}
	mresult = curl_multi_add_handle(engine->multi, job->easy);
	if (mresult != CURLM_OK) {
		job_fail(job, mresult == CURLM_OUT_OF_MEMORY ? HTTP_FAIL_NOMEM
							     : HTTP_FAIL_OTHER,
			 curl_multi_strerror(mresult));
		return;
	}
	active_add(engine, job);
}

/* Why a transfer that has not started will not, or NULL. */
static const char *unstartable(const struct http_engine *engine,
			       const struct http_job *job, uint64_t now,
			       uint64_t deadline_ms)
{
	if (engine->stopping)
		return "stopped before the request was sent";
	if (engine->past_deadline || now >= deadline_ms ||
	    (job->req->deadline_ms != 0 && now >= job->req->deadline_ms))
		return "run deadline reached (run_timeout)";
	return NULL;
}

/* Fires due timers and moves due transfers to the ready queue. */
static void engine_fire_due(struct http_engine *engine, uint64_t deadline_ms)
{
	uint64_t now = kp_now_ms();
	bool ending = engine->stopping || engine->past_deadline || now >= deadline_ms;
	struct http_job *job;
	const char *why;

	while (engine->later.n > 0 &&
	       (ending || engine->later.v[0]->start_at_ms <= now)) {
		job = heap_pop(&engine->later);
		if (job->timer != NULL) {
			if (!ending)
				job->timer(job->ctx);
			job_free(job);
		} else if ((why = unstartable(engine, job, now, deadline_ms)) != NULL) {
			job_fail(job, HTTP_FAIL_DEADLINE, why);
		} else {
			ready_push(&engine->ready, job);
		}
		/* A timer may take a while: keep the clock honest. */
		now = kp_now_ms();
		ending = engine->stopping || engine->past_deadline || now >= deadline_ms;
	}
}

/* Starts ready transfers while a slot is free (or fails them). */
static void engine_start_ready(struct http_engine *engine, uint64_t deadline_ms)
{
	uint64_t now = kp_now_ms();
	/* While a burst is taken in, the checks it frees start first. */
	bool busy = engine->backlog && !engine->stopping && !engine->past_deadline;
	struct http_job *job;
	const char *why;

	while ((job = ready_next(&engine->ready, busy, now)) != NULL) {
		why = unstartable(engine, job, now, deadline_ms);
		if (why == NULL && engine->running >= engine->max_parallel)
			return; /* a finishing transfer frees a slot */
		ready_unlink(&engine->ready, job);
		if (why != NULL)
			job_fail(job, HTTP_FAIL_DEADLINE, why);
		else
			job_start(engine, job, deadline_ms);
	}
}

/* Hands libcurl's finished transfers to their callbacks (or next hop). */
static void engine_collect(struct http_engine *engine)
{
	struct http_job *job;
	CURLMsg *msg;
	CURLcode result;
	int left;

	while ((msg = curl_multi_info_read(engine->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		job = NULL;
		result = msg->data.result;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&job);
		active_remove(engine, job);
		if (job_next_hop(job, result)) {
			/* The same slot: a redirect is not a new transfer. */
			if (curl_multi_add_handle(engine->multi, job->easy) == CURLM_OK) {
				active_add(engine, job);
				continue;
			}
			snprintf(job->hop_error, sizeof(job->hop_error),
				 "cannot follow the redirect");
		}
		job_complete(job, result);
	}
}

/* Completes every job with msg: the event loop cannot go on. */
static void engine_abort(struct http_engine *engine, const char *msg)
{
	struct http_job *job;

	while ((job = engine->active) != NULL) {
		active_remove(engine, job);
		job_fail(job, HTTP_FAIL_OTHER, msg);
	}
	engine->past_deadline = true;
	/* Callbacks may queue more; each is failed in turn. */
	while (ready_any(&engine->ready) || engine->later.n > 0) {
		engine_fire_due(engine, 0);
		engine_start_ready(engine, 0);
	}
}

/* A stop: transfers whose result nobody will use end now. */
static void engine_stop_active(struct http_engine *engine)
{
	struct http_job *job = engine->active, *next;

	for (; job != NULL; job = next) {
		next = job->next;
		if (job->req->finish_on_stop)
			continue;
		active_remove(engine, job);
		job_fail(job, HTTP_FAIL_DEADLINE, "stopped");
		next = engine->active; /* a callback may have changed the list */
	}
}

/* How long the loop may sleep: until the next timer, libcurl's or ours. */
static int engine_wait_ms(const struct http_engine *engine, uint64_t deadline_ms)
{
	uint64_t now = kp_now_ms(), until = now + HTTP_MAX_WAIT_MS;

	if (engine->later.n > 0 && engine->later.v[0]->start_at_ms < until)
		until = engine->later.v[0]->start_at_ms;
	if (engine->curl_due_ms < until)
		until = engine->curl_due_ms;
	if (deadline_ms < until)
		until = deadline_ms;
	else if (deadline_ms <= now &&
		 deadline_ms + HTTP_DEADLINE_GRACE_MS < until)
		until = deadline_ms + HTTP_DEADLINE_GRACE_MS;
	return until > now ? (int)(until - now) : 0;
}

int http_engine_run(struct http_engine *engine, uint64_t deadline_ms,
		    struct kp_err *err)
{
	int still_running = 0, n_ready;
	CURLMcode mresult;
	uint64_t now;

	engine->past_deadline = false;
	engine->backlog = false;
	engine->stopping = false;
	for (;;) {
		if (((engine->stop != NULL && *engine->stop) || engine->stop_requested) &&
		    !engine->stopping) {
			engine->stopping = true;
			now = kp_now_ms();
			if (deadline_ms > now + engine->stop_grace_ms)
				deadline_ms = now + engine->stop_grace_ms;
			engine_stop_active(engine);
		}
		if (engine->hook_flag != NULL && *engine->hook_flag && !engine->stopping) {
			*engine->hook_flag = 0;
			engine->hook_fn(engine->hook_ctx);
		}
		engine_fire_due(engine, deadline_ms);
		engine_start_ready(engine, deadline_ms);
		if (engine->running == 0 && !ready_any(&engine->ready) && engine->later.n == 0)
			return 0;
		now = kp_now_ms();
		/* Transfer timeouts are clamped to the deadline, so curl's own
		 * timeout message normally wins; this catches an overstay. */
		if (now > deadline_ms && now - deadline_ms >= HTTP_DEADLINE_GRACE_MS) {
			engine_abort(engine, "run deadline reached (run_timeout)");
			return 0;
		}
		n_ready = ev_wait(engine->ev, engine->backlog ? 0 : engine_wait_ms(engine, deadline_ms),
				  on_ready, engine, &engine->fault);
		if (n_ready < 0)
			break;
		engine->backlog = n_ready >= EV_BATCH;
		if (engine->curl_due_ms <= kp_now_ms()) {
			engine->curl_due_ms = HTTP_NO_TIME;
			mresult = curl_multi_socket_action(engine->multi, CURL_SOCKET_TIMEOUT,
							   0, &still_running);
			if (mresult != CURLM_OK)
				kp_err_set(&engine->fault, KP_EINTERNAL, "curl multi: %s",
					   curl_multi_strerror(mresult));
		}
		if (engine->fault.status != KP_OK)
			break;
		engine_collect(engine);
	}
	if (err != NULL)
		*err = engine->fault;
	engine_abort(engine, engine->fault.msg);
	return -1;
}

void http_engine_free(struct http_engine *engine)
{
	struct http_job *job;

	if (engine == NULL)
		return;
	while ((job = engine->active) != NULL) {
		engine->active = job->next;
		curl_multi_remove_handle(engine->multi, job->easy);
		job_free(job);
	}
	while (ready_any(&engine->ready))
		job_free(ready_pop_any(&engine->ready));
	while (engine->later.n > 0)
		job_free(heap_pop(&engine->later));
	free(engine->later.v);
	curl_multi_cleanup(engine->multi);
	while (engine->pool.n > 0)
		curl_easy_cleanup(engine->pool.easy[--engine->pool.n]);
	free(engine->pool.easy);
	ev_free(engine->ev);
	free(engine);
}
