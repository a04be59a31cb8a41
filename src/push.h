/* SPDX-License-Identifier: MIT */
/*
 * push.h: Uptime Kuma push URLs (pure functions, no I/O, so they can be
 * fuzzed) and the judgement of Kuma's answer.
 */
#ifndef KP_PUSH_H
#define KP_PUSH_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define PUSH_MSG_MAX 250 /* characters of msg Kuma receives */

/*
 * Resolves a configured `push` into the base push URL
 * "<kuma>/api/push/<token>" (no query, no fragment, no trailing slash).
 * push is a bare token (joined to kuma_url, which must then be non-NULL),
 * or a full http(s) URL as Kuma's UI shows it, whose query is dropped.
 * Returns a malloc'd string, or NULL with err (KP_EINVAL, KP_ENOMEM).
 */
char *push_base_resolve(const char *kuma_url, const char *push,
			struct kp_err *err);

/* The token inside a base push URL: pointer into it and length (0 if none). */
const char *push_token(const char *base_url, size_t *len);

/*
 * Copies base_url into a new string with the token and a userinfo password
 * ("http://user:PASSWORD@host") each replaced by "***", for anything a
 * person may see. NULL on OOM.
 */
char *push_mask(const char *url);

/*
 * Builds "<base>?status=up|down&msg=<escaped>&ping=<ms>". msg is cleaned of
 * control characters and cut to PUSH_MSG_MAX characters first; ping_ms < 0
 * omits ping (a skipped check), else it is at least 1. Returns a malloc'd
 * URL or NULL with err.
 */
char *push_url_build(const char *base_url, bool up, const char *msg,
		     long ping_ms, struct kp_err *err);

enum push_verdict {
	PUSH_ACCEPTED = 0, /* 200 {"ok":true} */
	PUSH_REJECTED,     /* 404 {"ok":false,"msg":...}: do not retry */
	PUSH_RETRY,        /* 429, 5xx: retry with backoff */
	PUSH_WRONG_URL     /* a 200 that is not Kuma's answer (its web page) */
};

/*
 * Kuma's push answered with a redirect to location (absolute): why
 * receives where it points (token masked) and what to change. NULL
 * location: none was given.
 */
void push_redirect_why(long http_status, const char *location, char *why,
		       size_t why_size);

/*
 * Judges Kuma's answer to a push: HTTP status and body. why receives a
 * one-line reason for anything but PUSH_ACCEPTED ("Kuma said: Monitor not
 * found or not active.", "HTTP 502", "not a Kuma push endpoint (200
 * text/html)").
 */
enum push_verdict push_judge(long http_status, const char *content_type,
			     const char *body, size_t body_len, char *why,
			     size_t why_size);

#endif
