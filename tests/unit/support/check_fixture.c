/* SPDX-License-Identifier: MIT */
/* check_fixture.c: see check_fixture.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "check_fixture.h"

struct check fixture_check(char *name, enum tier tier)
{
	struct check c;

	memset(&c, 0, sizeof(c));
	c.name = name;
	c.tier = tier;
	c.expected = "true";
	c.op = JSONATA_OP_EQ;
	c.method = "GET";
	c.url = "http://127.0.0.1:1/x";
	c.status[0].lo = 200;
	c.status[0].hi = 299;
	c.n_status = 1;
	return c;
}

void fixture_chat_prompt(struct check *c)
{
	c->model = "llama3.2:3b";
	c->prompt = "Respond with the word HEALTHY";
	c->expect = "HEALTHY";
}

struct check fixture_chat_check(void)
{
	struct check c;

	memset(&c, 0, sizeof(c));
	c.name = "webui/chat";
	c.tier = TIER_CHAT;
	c.net.max_body_bytes = 1 << 20;
	fixture_chat_prompt(&c);
	return c;
}

void fixture_respond(struct http_response *resp, long status, const char *type,
		     const char *body, size_t len)
{
	memset(resp, 0, sizeof(*resp));
	resp->status = status;
	snprintf(resp->content_type, sizeof(resp->content_type), "%s", type);
	buf_init(&resp->body, 1 << 20);
	assert_int_equal(buf_append(&resp->body, body, len), KP_OK);
	resp->timings.total_ms = 12.4;
}

void fixture_respond_str(struct http_response *resp, long status,
			 const char *type, const char *body)
{
	fixture_respond(resp, status, type, body, strlen(body));
}
