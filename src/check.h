/* SPDX-License-Identifier: MIT */
/*
 * check.h: the tier table. Turns a configured check into the HTTP request
 * to send, and the response into a result (up/down, msg, ping). No I/O.
 */
#ifndef KP_CHECK_H
#define KP_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "err.h"
#include "http.h"

/* Bytes of a msg: PUSH_MSG_MAX characters of up to 4 bytes, and a NUL. */
#define CHECK_MSG_MAX (250 * 4 + 1)

/* One attempt's request; owns its strings. */
struct check_request {
	struct http_request http;
	char *url;
	char *body;
	char *header_lines[8];
	const char *header_ptrs[8];
	char **extra_headers; /* generic checks' configured headers */
};

/* What a chat reply carries beside its verdict; a negative value is N/A. */
struct chat_figures {
	bool known;                 /* a 200 chat reply was read */
	bool streamed;              /* it came as text/event-stream */
	double prompt_tokens;       /* usage.prompt_tokens */
	double completion_tokens;   /* usage.completion_tokens */
	double total_tokens;        /* usage.total_tokens */
	double tokens_per_s;        /* Ollama's usage["response_token/s"] */
	double prompt_tokens_per_s; /* Ollama's usage["prompt_token/s"] */
};

struct check_result {
	bool up;
	char msg[CHECK_MSG_MAX]; /* final: valid UTF-8, <= PUSH_MSG_MAX
				    characters, secrets masked; pushed as is */
	long ping_ms;   /* whole ms, at least 1; -1 when down or skipped
			   (Kuma records no ping for a failure) */
	long http_status; /* 0 when there was no response */
	struct http_timings timings;
	int64_t cert_not_after; /* the peer chain's earliest notAfter (Unix
				   seconds); 0: no TLS or unknown */
	char real_msg[CHECK_MSG_MAX]; /* "": as judged; else a threshold
					 (certificate, max_latency) turned
					 this up result down, and this was
					 its up msg */
	bool no_retry;   /* a retry cannot change this down (certificate) */
	struct chat_figures chat;  /* chat tier only */
};

/*
 * Builds the request for check (of target, NULL for generic checks).
 * Returns 0, or -1 with err (KP_ENOMEM). Free with check_request_free.
 */
int check_prepare(const struct check *check, const struct target *target,
		  struct check_request *req, struct kp_err *err);
void check_request_free(struct check_request *req);

/*
 * Points a prepared request at an equal check of another configuration (a
 * reload): what it borrows from the check comes from there from now on.
 */
void check_request_rebind(struct check_request *req, const struct check *check);

/*
 * Judges a response. Returns 0 with *result filled, or -1 on OOM (err).
 */
int check_judge(const struct check *check, const struct http_response *resp,
		struct check_result *result, struct kp_err *err);

/* The result of a dependent tier when health is down: no request, no ping. */
void check_skip(struct check_result *result, const char *health_msg);

#endif
