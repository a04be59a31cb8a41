/* SPDX-License-Identifier: MIT */
/*
 * check_fixture.h: the checks and HTTP replies the check_judge tests
 * (test_check, test_check_rules, test_check_chat, test_oom_chat) start from.
 */
#ifndef KP_CHECK_FIXTURE_H
#define KP_CHECK_FIXTURE_H

#include <stddef.h>

#include "check.h"

/* A check of this tier on a loopback URL: GET, 2xx, query result "true" (==). */
struct check fixture_check(char *name, enum tier tier);

/* The chat tier's model, prompt and expected word. */
void fixture_chat_prompt(struct check *c);

/* A chat check named "webui/chat": only the settings the chat judge reads. */
struct check fixture_chat_check(void);

/*
 * A reply: status, Content-Type, body (len bytes, NULs allowed) in a 1 MiB
 * buffer the caller frees, taking 12.4 ms.
 */
void fixture_respond(struct http_response *resp, long status, const char *type,
		     const char *body, size_t len);

/* The same with a NUL-terminated body. */
void fixture_respond_str(struct http_response *resp, long status,
			 const char *type, const char *body);

#endif
