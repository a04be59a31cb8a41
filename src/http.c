/*
 * http.c: the only libcurl user. One multi handle runs every transfer of a
 * cycle; each job reaches its state through CURLOPT_PRIVATE, bodies are
 * capped in our write callback, and every setopt is checked.
 */
#include "http.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "cert.h"
#include "util.h"

#define HTTP_MAX_REDIRECTS 5L
#define HTTP_DEADLINE_GRACE_MS 250u

struct http_job {
	struct http_job *next;
	const struct http_request *req;
	uint64_t start_at_ms;
	http_done_fn done;
	http_timer_fn timer;     /* set for a timer (then req is NULL) */
	void *ctx;
	CURL *easy;
	struct curl_slist *headers;
	struct curl_slist *resolve;
	char errbuf[CURL_ERROR_SIZE];
	struct http_response resp;
	enum kp_status capture; /* KP_OK, or why the write callback stopped */
};

struct http_engine {
	CURLM *multi;
	int max_parallel;
	int running;             /* jobs attached to the multi handle */
	struct http_job *queue;  /* not started yet, in submit order */
	struct http_job *active; /* attached to the multi handle */
	bool past_deadline;
	const volatile sig_atomic_t *stop; /* see http_engine_watch */
	bool stop_requested;               /* http_engine_stop */
	uint64_t stop_grace_ms;
	bool stopping;
};

int http_global_init(struct kp_err *err)
{
	CURLcode result = curl_global_init(CURL_GLOBAL_DEFAULT);

	if (result != CURLE_OK)
		return kp_err_set(err, KP_EINTERNAL, "curl_global_init: %s",
				  curl_easy_strerror(result));
	return 0;
}

void http_global_cleanup(void)
{
	curl_global_cleanup();
}

const char *http_version(void)
{
	return curl_version();
}

char *http_escape(const char *s, size_t len)
{
	char *escaped, *copy;

	if (len > (size_t)INT32_MAX)
		return NULL;
	/* 7.82+ ignores the handle argument, so NULL is fine on 7.88. */
	escaped = curl_easy_escape(NULL, s, (int)len);
	if (escaped == NULL)
		return NULL;
	copy = kp_strdup(escaped);
	curl_free(escaped);
	return copy;
}

struct http_engine *http_engine_new(int max_parallel, struct kp_err *err)
{
	struct http_engine *engine = calloc(1, sizeof(*engine));

	if (engine == NULL) {
		kp_err_nomem(err);
		return NULL;
	}
	engine->max_parallel = max_parallel > 0 ? max_parallel : 1;
	engine->multi = curl_multi_init();
	if (engine->multi == NULL) {
		free(engine);
		kp_err_set(err, KP_ENOMEM, "curl_multi_init failed");
		return NULL;
	}
	return engine;
}

static void job_free(struct http_job *job)
{
	if (job == NULL)
		return;
	if (job->easy != NULL)
		curl_easy_cleanup(job->easy);
	curl_slist_free_all(job->headers);
	curl_slist_free_all(job->resolve);
	buf_free(&job->resp.body);
	free(job);
}

static void engine_enqueue(struct http_engine *engine, struct http_job *job)
{
	struct http_job **tail;

	for (tail = &engine->queue; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = job;
}

int http_submit(struct http_engine *engine, const struct http_request *req,
		uint64_t start_at_ms, http_done_fn done, void *ctx,
		struct kp_err *err)
{
	struct http_job *job = calloc(1, sizeof(*job));

	if (job == NULL)
		return kp_err_nomem(err);
	job->req = req;
	job->start_at_ms = start_at_ms;
	job->done = done;
	job->ctx = ctx;
	buf_init(&job->resp.body, (size_t)req->net->max_body_bytes);
	engine_enqueue(engine, job);
	return 0;
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
	engine_enqueue(engine, job);
	return 0;
}

void http_engine_watch(struct http_engine *engine,
		       const volatile sig_atomic_t *flag, uint64_t grace_ms)
{
	engine->stop = flag;
	engine->stop_grace_ms = grace_ms;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
	struct http_job *job = userdata;
	size_t n = size * nmemb; /* libcurl guarantees size == 1 */

	/* libcurl < 8.4 ignores MAXFILESIZE mid-transfer: cap here. */
	job->capture = buf_append(&job->resp.body, data, n);
	return job->capture == KP_OK ? n : 0;
}

/* Appends "Name: value" lines; NULL on OOM. */
static struct curl_slist *slist_add(struct curl_slist *list, const char *line,
				    bool *oom)
{
	struct curl_slist *grown = curl_slist_append(list, line);

	if (grown == NULL)
		*oom = true;
	return grown != NULL ? grown : list;
}

#define SETOPT(opt, val)                                                     \
	do {                                                                 \
		CURLcode setopt_result = curl_easy_setopt(easy, opt, val);   \
		if (setopt_result != CURLE_OK)                               \
			return kp_err_set(err, KP_EINTERNAL, "%s: %s", #opt, \
					  curl_easy_strerror(setopt_result)); \
	} while (0)

static int job_setopt_tls(struct http_job *job, struct kp_err *err)
{
	CURL *easy = job->easy;
	const struct net_opts *net = job->req->net;
	bool verify = net->tls_verify && !net->insecure;

	SETOPT(CURLOPT_CERTINFO, 1L); /* tls_expiry_warn reads the chain */
	SETOPT(CURLOPT_SSL_VERIFYPEER, verify ? 1L : 0L);
	SETOPT(CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L);
	if (net->ca_file != NULL)
		SETOPT(CURLOPT_CAINFO, net->ca_file);
	if (net->ca_path != NULL)
		SETOPT(CURLOPT_CAPATH, net->ca_path);
	if (net->client_cert != NULL)
		SETOPT(CURLOPT_SSLCERT, net->client_cert);
	if (net->client_key != NULL)
		SETOPT(CURLOPT_SSLKEY, net->client_key);
	return 0;
}

static int job_setopt_net(struct http_job *job, uint64_t deadline_ms,
			  struct kp_err *err)
{
	CURL *easy = job->easy;
	const struct net_opts *net = job->req->net;
	uint64_t now = kp_now_ms();
	long timeout_ms = (long)(net->timeout_s * 1000.0);
	long ip = net->ip_version == IP_V4 ? CURL_IPRESOLVE_V4
		  : net->ip_version == IP_V6 ? CURL_IPRESOLVE_V6
					     : CURL_IPRESOLVE_WHATEVER;
	bool oom = false;
	size_t i;

	/* Never run past the run's deadline, whatever the check allows. */
	if (job->req->deadline_ms != 0 && job->req->deadline_ms < deadline_ms)
		deadline_ms = job->req->deadline_ms;
	if (deadline_ms <= now)
		timeout_ms = 1;
	else if ((uint64_t)timeout_ms > deadline_ms - now)
		timeout_ms = (long)(deadline_ms - now);
	SETOPT(CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? timeout_ms : 1L);
	SETOPT(CURLOPT_CONNECTTIMEOUT_MS, (long)(net->connect_timeout_s * 1000.0));
	SETOPT(CURLOPT_IPRESOLVE, ip);
	if (net->proxy != NULL)
		SETOPT(CURLOPT_PROXY, net->proxy);
	for (i = 0; i < net->n_resolve; i++)
		job->resolve = slist_add(job->resolve, net->resolve[i], &oom);
	if (oom)
		return kp_err_nomem(err);
	if (job->resolve != NULL)
		SETOPT(CURLOPT_RESOLVE, job->resolve);
	if (net->follow_redirects) {
		SETOPT(CURLOPT_FOLLOWLOCATION, 1L);
		SETOPT(CURLOPT_MAXREDIRS, HTTP_MAX_REDIRECTS);
		/* Authorization is ours to protect: never to another host. */
		SETOPT(CURLOPT_UNRESTRICTED_AUTH, 0L);
	}
	return job_setopt_tls(job, err);
}

static int job_setopt(struct http_job *job, uint64_t deadline_ms,
		      struct kp_err *err)
{
	const struct http_request *req = job->req;
	CURL *easy = job->easy;
	bool oom = false;
	size_t i;

	SETOPT(CURLOPT_URL, req->url);
	SETOPT(CURLOPT_PROTOCOLS_STR, "http,https");
	SETOPT(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	SETOPT(CURLOPT_NOSIGNAL, 1L);
	SETOPT(CURLOPT_ERRORBUFFER, job->errbuf);
	SETOPT(CURLOPT_PRIVATE, (void *)job);
	SETOPT(CURLOPT_WRITEFUNCTION, on_body);
	SETOPT(CURLOPT_WRITEDATA, (void *)job);
	SETOPT(CURLOPT_USERAGENT, "kuma-push/" KP_VERSION);
	if (strcmp(req->method, "GET") != 0)
		SETOPT(CURLOPT_CUSTOMREQUEST, req->method);
	if (req->body != NULL) {
		SETOPT(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
		SETOPT(CURLOPT_POSTFIELDS, req->body);
		/* No "Expect: 100-continue" round trip for our small bodies. */
		job->headers = slist_add(job->headers, "Expect:", &oom);
	}
	for (i = 0; i < req->n_headers; i++)
		job->headers = slist_add(job->headers, req->headers[i], &oom);
	if (oom)
		return kp_err_nomem(err);
	if (job->headers != NULL)
		SETOPT(CURLOPT_HTTPHEADER, job->headers);
	return job_setopt_net(job, deadline_ms, err);
}

/* Completes a job without a transfer (deadline, setup failure). */
static void job_fail(struct http_job *job, enum http_failure failure,
		     const char *msg)
{
	job->resp.failure = failure;
	kp_sanitize_into(job->resp.error, sizeof(job->resp.error), msg,
			 strlen(msg));
	job->done(job->ctx, &job->resp);
	job_free(job);
}

static void job_start(struct http_engine *engine, struct http_job *job,
		      uint64_t deadline_ms)
{
	struct kp_err err = { KP_OK, "" };
	CURLMcode mresult;

	job->easy = curl_easy_init();
	if (job->easy == NULL) {
		job_fail(job, HTTP_FAIL_NOMEM, "out of memory (curl_easy_init)");
		return;
	}
	if (job_setopt(job, deadline_ms, &err) != 0) {
		job_fail(job, err.status == KP_ENOMEM ? HTTP_FAIL_NOMEM
						      : HTTP_FAIL_OTHER,
			 err.msg);
		return;
	}
	mresult = curl_multi_add_handle(engine->multi, job->easy);
	if (mresult != CURLM_OK) {
		job_fail(job, HTTP_FAIL_OTHER, curl_multi_strerror(mresult));
		return;
	}
	job->next = engine->active;
	engine->active = job;
	engine->running++;
}

static double info_ms(CURL *easy, CURLINFO info)
{
	curl_off_t us = 0;

	if (curl_easy_getinfo(easy, info, &us) != CURLE_OK)
		return 0;
	return (double)us / 1000.0;
}

/* The earliest "Expire date" of the chain libcurl saw, or 0. */
static int64_t chain_not_after(CURL *easy)
{
	struct curl_certinfo *info = NULL;
	const struct curl_slist *e;
	int64_t t, earliest = 0;
	int i;

	if (curl_easy_getinfo(easy, CURLINFO_CERTINFO, &info) != CURLE_OK ||
	    info == NULL)
		return 0;
	for (i = 0; i < info->num_of_certs; i++)
		for (e = info->certinfo[i]; e != NULL; e = e->next)
			if (strncmp(e->data, "Expire date:", 12) == 0 &&
			    cert_parse_time(e->data + 12, &t) &&
			    (earliest == 0 || t < earliest))
				earliest = t;
	return earliest;
}

static void job_collect_info(struct http_job *job)
{
	CURL *easy = job->easy;
	struct http_response *resp = &job->resp;
	const char *type = NULL;
	size_t i;

	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &resp->status);
	if (curl_easy_getinfo(easy, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK &&
	    type != NULL) {
		for (i = 0; type[i] != '\0' && type[i] != ';' &&
			    i + 1 < sizeof(resp->content_type);
		     i++)
			resp->content_type[i] = (char)tolower((unsigned char)type[i]);
		while (i > 0 && resp->content_type[i - 1] == ' ')
			i--;
		resp->content_type[i] = '\0';
	}
	resp->timings.dns_ms = info_ms(easy, CURLINFO_NAMELOOKUP_TIME_T);
	resp->timings.connect_ms = info_ms(easy, CURLINFO_CONNECT_TIME_T);
	resp->timings.tls_ms = info_ms(easy, CURLINFO_APPCONNECT_TIME_T);
	resp->timings.first_byte_ms = info_ms(easy, CURLINFO_STARTTRANSFER_TIME_T);
	resp->timings.total_ms = info_ms(easy, CURLINFO_TOTAL_TIME_T);
	resp->cert_not_after = chain_not_after(easy);
	/* A reused connection reports connect 0 after a non-zero lookup:
	 * keep the phases cumulative, as they are everywhere else. */
	if (resp->timings.connect_ms < resp->timings.dns_ms)
		resp->timings.connect_ms = resp->timings.dns_ms;
	if (resp->timings.tls_ms > 0 && resp->timings.tls_ms < resp->timings.connect_ms)
		resp->timings.tls_ms = resp->timings.connect_ms;
}

/* Whether the request went out, so what failed came from the server. */
static bool job_sent_request(struct http_job *job)
{
	long sent = 0;

	return curl_easy_getinfo(job->easy, CURLINFO_REQUEST_SIZE, &sent) ==
		       CURLE_OK &&
	       sent > 0;
}

/* The person-readable reason for a failed transfer. */
static void job_describe(struct http_job *job, CURLcode result)
{
	struct http_response *resp = &job->resp;
	const struct net_opts *net = job->req->net;
	const char *detail = job->errbuf[0] ? job->errbuf : curl_easy_strerror(result);
	long os_errno = 0;
	char *host = NULL;
	char msg[512];

	curl_easy_getinfo(job->easy, CURLINFO_OS_ERRNO, &os_errno);
	switch (result) {
	case CURLE_WRITE_ERROR:
		if (job->capture == KP_ELIMIT) {
			resp->failure = HTTP_FAIL_TOOBIG;
			snprintf(msg, sizeof(msg),
				 "response larger than %ld bytes (max_body)",
				 net->max_body_bytes);
		} else if (job->capture == KP_ENOMEM) {
			resp->failure = HTTP_FAIL_NOMEM;
			snprintf(msg, sizeof(msg), "out of memory reading the response");
		} else {
			resp->failure = HTTP_FAIL_OTHER;
			snprintf(msg, sizeof(msg), "%s", detail);
		}
		break;
	case CURLE_OPERATION_TIMEDOUT:
		resp->failure = HTTP_FAIL_TIMEOUT;
		if (resp->timings.connect_ms <= 0 && strstr(detail, "onnect"))
			snprintf(msg, sizeof(msg), "connect timeout after %g s",
				 net->connect_timeout_s);
		else
			snprintf(msg, sizeof(msg), "timeout after %g s", net->timeout_s);
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		resp->failure = HTTP_FAIL_RESOLVE;
		curl_easy_getinfo(job->easy, CURLINFO_EFFECTIVE_URL, &host);
		snprintf(msg, sizeof(msg), "cannot resolve host (%s)", detail);
		break;
	case CURLE_COULDNT_CONNECT:
		resp->failure = os_errno == ECONNREFUSED ? HTTP_FAIL_REFUSED
							 : HTTP_FAIL_OTHER;
		if (os_errno == ECONNREFUSED)
			snprintf(msg, sizeof(msg), "connection refused");
		else
			snprintf(msg, sizeof(msg), "cannot connect: %s", detail);
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
		resp->failure = HTTP_FAIL_TLS;
		snprintf(msg, sizeof(msg), "TLS: %s", detail);
		break;
	case CURLE_RECV_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_SEND_ERROR:
		resp->failure = HTTP_FAIL_OTHER;
		if (os_errno == ECONNRESET)
			snprintf(msg, sizeof(msg), "connection reset by peer");
		else
			snprintf(msg, sizeof(msg), "transfer failed: %s", detail);
		break;
	case CURLE_GOT_NOTHING:
		resp->failure = HTTP_FAIL_OTHER;
		snprintf(msg, sizeof(msg), "empty reply from server");
		break;
	case CURLE_OUT_OF_MEMORY:
#if LIBCURL_VERSION_NUM >= 0x080600
	case CURLE_TOO_LARGE:
#endif
		/* libcurl < 8.6 says "out of memory" when a server's header
		 * line or headers pass its 100 KiB cap: the server's doing,
		 * so this check's down, never our fatal HTTP_FAIL_NOMEM. */
		resp->failure = HTTP_FAIL_TOOBIG;
		if (job_sent_request(job))
			snprintf(msg, sizeof(msg), "response headers too large");
		else
			snprintf(msg, sizeof(msg), "libcurl: %s", detail);
		break;
	default:
		resp->failure = HTTP_FAIL_OTHER;
		snprintf(msg, sizeof(msg), "%s", detail);
		break;
	}
	kp_sanitize_into(resp->error, sizeof(resp->error), msg, strlen(msg));
}

/* Takes job off the multi handle and the active list. */
static void job_detach(struct http_engine *engine, struct http_job *job)
{
	struct http_job **link = &engine->active;

	while (*link != NULL && *link != job)
		link = &(*link)->next;
	if (*link != NULL)
		*link = job->next;
	job->next = NULL;
	curl_multi_remove_handle(engine->multi, job->easy);
	engine->running--;
}

static void job_finish(struct http_engine *engine, CURL *easy, CURLcode result)
{
	struct http_job *job = NULL;

	curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&job);
	job_detach(engine, job);
	job_collect_info(job);
	if (result != CURLE_OK) {
		job->resp.status = result == CURLE_WRITE_ERROR ? job->resp.status : 0;
		job_describe(job, result);
	}
	job->done(job->ctx, &job->resp);
	job_free(job);
}

/* Starts queued jobs that are due; returns ms until the next one is due. */
static long engine_start_due(struct http_engine *engine, uint64_t deadline_ms)
{
	struct http_job **link = &engine->queue, *job;
	uint64_t now = kp_now_ms();
	long wait_ms = 1000;

	while ((job = *link) != NULL) {
		if (job->timer != NULL &&
		    (engine->past_deadline || engine->stopping || now >= deadline_ms)) {
			*link = job->next;
			job_free(job);
			continue;
		}
		if (job->timer != NULL && job->start_at_ms <= now) {
			*link = job->next;
			job->timer(job->ctx);
			job_free(job);
			link = &engine->queue;
			continue;
		}
		if (job->timer != NULL) {
			if ((long)(job->start_at_ms - now) < wait_ms)
				wait_ms = (long)(job->start_at_ms - now);
			link = &job->next;
			continue;
		}
		if (engine->stopping) {
			*link = job->next;
			job_fail(job, HTTP_FAIL_DEADLINE, "stopped before the request was sent");
			link = &engine->queue;
			continue;
		}
		if (engine->past_deadline || now >= deadline_ms ||
		    (job->req->deadline_ms != 0 && now >= job->req->deadline_ms)) {
			*link = job->next;
			job_fail(job, HTTP_FAIL_DEADLINE, "run deadline reached (run_timeout)");
			link = &engine->queue; /* a callback may have queued more */
			continue;
		}
		if (job->start_at_ms > now) {
			if ((long)(job->start_at_ms - now) < wait_ms)
				wait_ms = (long)(job->start_at_ms - now);
			link = &job->next;
			continue;
		}
		if (engine->running >= engine->max_parallel)
			return wait_ms; /* a finishing transfer wakes the poll */
		*link = job->next;
		job_start(engine, job, deadline_ms);
		link = &engine->queue;
	}
	return wait_ms;
}

/* Completes every job with msg: the multi handle cannot go on. */
static void engine_abort(struct http_engine *engine, const char *msg)
{
	struct http_job *job;

	while ((job = engine->active) != NULL) {
		job_detach(engine, job);
		job_fail(job, HTTP_FAIL_OTHER, msg);
	}
	engine->past_deadline = true;
	engine_start_due(engine, 0);
}

/* A stop: transfers whose result nobody will use end now. */
static void engine_stop_active(struct http_engine *engine)
{
	struct http_job **link = &engine->active, *job;

	while ((job = *link) != NULL) {
		if (job->req->finish_on_stop) {
			link = &job->next;
			continue;
		}
		job_detach(engine, job);
		job_fail(job, HTTP_FAIL_DEADLINE, "stopped");
		link = &engine->active;
	}
}

void http_engine_stop(struct http_engine *engine)
{
	engine->stop_requested = true;
}

int http_engine_run(struct http_engine *engine, uint64_t deadline_ms,
		    struct kp_err *err)
{
	CURLMcode mresult;
	CURLMsg *msg;
	int still_running = 0, left;
	long wait_ms;
	uint64_t now;

	engine->past_deadline = false;
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
		wait_ms = engine_start_due(engine, deadline_ms);
		if (engine->running == 0 && engine->queue == NULL)
			return 0;
		mresult = curl_multi_perform(engine->multi, &still_running);
		if (mresult != CURLM_OK)
			break;
		while ((msg = curl_multi_info_read(engine->multi, &left)) != NULL)
			if (msg->msg == CURLMSG_DONE)
				job_finish(engine, msg->easy_handle, msg->data.result);
		/* Callbacks may have queued retries or pushes: plan for them. */
		wait_ms = engine_start_due(engine, deadline_ms);
		if (engine->running == 0 && engine->queue == NULL)
			return 0;
		now = kp_now_ms();
		/* Transfer timeouts are clamped to the deadline, so curl's own
		 * timeout message normally wins; this catches an overstay. */
		if (now > deadline_ms && now - deadline_ms >= HTTP_DEADLINE_GRACE_MS) {
			engine_abort(engine, "run deadline reached (run_timeout)");
			return 0;
		}
		if (now < deadline_ms && (uint64_t)wait_ms > deadline_ms - now)
			wait_ms = (long)(deadline_ms - now);
		if (wait_ms < 1)
			wait_ms = 1;
		mresult = curl_multi_poll(engine->multi, NULL, 0, (int)wait_ms, NULL);
		if (mresult != CURLM_OK)
			break;
	}
	kp_err_set(err, KP_EINTERNAL, "curl multi: %s", curl_multi_strerror(mresult));
	engine_abort(engine, err != NULL ? err->msg : "curl multi failed");
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
	while ((job = engine->queue) != NULL) {
		engine->queue = job->next;
		job_free(job);
	}
	curl_multi_cleanup(engine->multi);
	free(engine);
}
