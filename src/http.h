/* SPDX-License-Identifier: MIT */
/*
 * http.h: the only libcurl user. An engine runs many transfers at once on
 * one curl multi handle, each bounded in time and size, and calls back as
 * each finishes; callbacks may submit more transfers (retries, pushes).
 */
#ifndef KP_HTTP_H
#define KP_HTTP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "config.h"
#include "err.h"

/* What to send. Borrowed: everything must outlive the transfer. */
struct http_request {
	const char *url;
	const char *method;               /* "GET", "POST", ... */
	const char *const *headers;       /* "Name: value" lines */
	size_t n_headers;
	const char *body;                 /* NULL: no body */
	size_t body_len;
	const struct net_opts *net;       /* timeouts, TLS, proxy, cap */
	uint64_t deadline_ms;             /* 0: the engine run's deadline */
	bool finish_on_stop;              /* a push: may finish after a stop */
	bool background;                  /* a push: checks start first */
};

enum http_failure {
	HTTP_FAIL_NONE = 0, /* a response arrived: see status */
	HTTP_FAIL_REFUSED,
	HTTP_FAIL_TIMEOUT,
	HTTP_FAIL_RESOLVE,
	HTTP_FAIL_TLS,
	HTTP_FAIL_TOOBIG,   /* body over max_body, headers over libcurl's cap */
	HTTP_FAIL_DEADLINE, /* the run's deadline passed first */
	HTTP_FAIL_NOMEM,    /* an allocation of our own failed: fatal */
	HTTP_FAIL_OTHER
};

/* Milliseconds from the start of the transfer to the end of each phase. */
struct http_timings {
	double dns_ms;
	double connect_ms;
	double tls_ms;        /* 0 without TLS */
	double first_byte_ms;
	double total_ms;
};

struct http_response {
	long status;               /* 0 when no response */
	char content_type[128];    /* "" when none; lower-case, no parameters */
	struct buf body;           /* capped at net->max_body_bytes */
	enum http_failure failure;
	char error[256];           /* one clean line when failure != NONE */
	char location[512];        /* a 3xx's Location, absolute; "" otherwise */
	struct http_timings timings;
	int64_t cert_not_after;    /* earliest notAfter of the peer's chain
				      (Unix s); 0: no TLS, or not known */
};

/*
 * Called once per submitted transfer, from http_engine_run. resp is valid
 * during the call only (buf_steal the body to keep it).
 */
typedef void (*http_done_fn)(void *ctx, struct http_response *resp);

struct http_engine;

/* A timer's callback (loop mode schedules with these). */
typedef void (*http_timer_fn)(void *ctx);

/* Call once in main before any engine (curl_global_init); 0 or -1. */
int http_global_init(struct kp_err *err);
void http_global_cleanup(void);

/* "libcurl/7.88.1 OpenSSL/3.0.17 ..." for --version. */
const char *http_version(void);

/* max_parallel: transfers in flight at once. NULL with err on failure. */
struct http_engine *http_engine_new(int max_parallel, struct kp_err *err);
void http_engine_free(struct http_engine *engine);

/*
 * Queues a transfer to start no earlier than start_at_ms (kp_now_ms clock;
 * 0 = now). Returns 0, or -1 on OOM (then done is never called).
 */
int http_submit(struct http_engine *engine, const struct http_request *req,
		uint64_t start_at_ms, http_done_fn done, void *ctx,
		struct kp_err *err);

/*
 * Calls fn(ctx) from http_engine_run once at_ms has come. Timers still
 * pending when the run ends (deadline or stop) are dropped uncalled.
 * Returns 0, or -1 on OOM.
 */
int http_timer(struct http_engine *engine, uint64_t at_ms, http_timer_fn fn,
	       void *ctx, struct kp_err *err);

/*
 * Makes http_engine_run watch *flag (set from a signal handler): once it
 * is non-zero, pending timers are dropped, transfers without
 * finish_on_stop end at once, and the rest (pushes) have at most grace_ms
 * to finish.
 */
void http_engine_watch(struct http_engine *engine,
		       const volatile sig_atomic_t *flag, uint64_t grace_ms);

/*
 * Calls fn(ctx) from http_engine_run whenever *flag is found non-zero (it
 * is cleared first): a SIGHUP reload, without stopping anything.
 */
void http_engine_on_flag(struct http_engine *engine,
			 volatile sig_atomic_t *flag, http_timer_fn fn, void *ctx);

/* A reload's new max_parallel; transfers in flight are not cut. */
void http_engine_set_parallel(struct http_engine *engine, int max_parallel);

/* Drops every transfer and timer of ctx, uncalled (a check removed). */
void http_cancel(struct http_engine *engine, const void *ctx);

/* Stops the engine as a watched flag would (see http_engine_watch). */
void http_engine_stop(struct http_engine *engine);

/*
 * Runs until no transfer or timer is queued or in flight. Transfers still pending at
 * deadline_ms finish with HTTP_FAIL_DEADLINE, and so does any transfer
 * submitted after it. Returns 0, or -1 when the multi interface itself
 * failed (every unfinished transfer is then completed with that error).
 */
int http_engine_run(struct http_engine *engine, uint64_t deadline_ms,
		    struct kp_err *err);

/* Percent-encodes s (libcurl's escaping). malloc'd, NULL on OOM. */
char *http_escape(const char *s, size_t len);

#endif
