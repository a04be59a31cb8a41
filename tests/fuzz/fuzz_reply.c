/* SPDX-License-Identifier: MIT */
/*
 * fuzz_reply.c: judging Open WebUI's replies, every tier on the same
 * response. Input: two status bytes, one failure byte, one time byte, then
 * CONTENT_TYPE up to a NUL, then the BODY (the rest).
 * Invariants: the result's msg is one non-empty clean line that ends
 * inside CHECK_MSG_MAX; up only on a response the tier accepts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "buf.h"
#include "check.h"
#include "config.h"
#include "http.h"
#include "jsonata.h"

#define N_CHECKS 5

/* Statuses Open WebUI and the proxies in front of it really send. */
static const long common_statuses[] = {
	200, 200, 200, 200, 401, 403, 404, 405, 422, 500, 502, 503, 504,
	204, 301, 302, 400, 429, 0,   100, 199, 299, 300, 599, 999, -1,
};

/* http.c's error line for each failure: one clean, non-empty line. */
static const char *const failure_text[] = {
	"", "connection refused", "timed out after 10000 ms",
	"could not resolve host", "TLS: certificate verify failed",
	"body larger than 8388608 bytes", "run deadline passed",
	"out of memory", "recv failure: connection reset by peer",
};

static struct check checks[N_CHECKS];

static void checks_init(void)
{
	struct jsonata_err jerr;
	size_t i;

	for (i = 0; i < N_CHECKS; i++) {
		checks[i].name = "fuzz";
		checks[i].target = 0;
		checks[i].push_url = "http://kuma.invalid/api/push/FUZZTOKEN";
		checks[i].net.max_body_bytes = 1 << 16; /* streamed replies' cap */
	}
	checks[0].tier = TIER_HEALTH;
	checks[1].tier = TIER_MODELS;
	checks[1].query = jsonata_compile("$count(data[*])>0", &jerr);
	FUZZ_CHECK(checks[1].query != NULL);
	checks[1].expected = "true";
	checks[1].op = JSONATA_OP_EQ;
	checks[2].tier = TIER_CHAT;
	checks[2].model = "llama3.2:3b";
	checks[2].prompt = "Respond with the word HEALTHY";
	checks[2].expect = "HEALTHY";
	checks[3].tier = TIER_HTTP;
	checks[3].target = -1;
	checks[3].url = "http://service.invalid/";
	checks[3].method = "GET";
	checks[3].status[0].lo = 200;
	checks[3].status[0].hi = 299;
	checks[3].n_status = 1;
	checks[4] = checks[3];
	checks[4].status[0].lo = checks[4].status[0].hi = 200;
	checks[4].keyword = "ok";
}

static void check_result(const struct check *check,
			 const struct http_response *resp,
			 const struct check_result *result)
{
	const char *end = memchr(result->msg, '\0', sizeof(result->msg));
	const unsigned char *p;

	FUZZ_CHECK(end != NULL);
	FUZZ_CHECK(result->msg[0] != '\0');
	for (p = (const unsigned char *)result->msg; *p != '\0'; p++)
		FUZZ_CHECK(*p >= 0x20 && *p != 0x7f);
	FUZZ_CHECK(result->ping_ms == -1 || result->ping_ms >= 1);
	FUZZ_CHECK(result->http_status == resp->status);
	if (!result->up)
		return;
	FUZZ_CHECK(resp->failure == HTTP_FAIL_NONE);
	if (check->tier == TIER_HTTP)
		FUZZ_CHECK(resp->status >= check->status[0].lo &&
			   resp->status <= check->status[0].hi);
	else
		FUZZ_CHECK(resp->status == 200);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_response resp;
	struct check_result result;
	struct kp_err err;
	const uint8_t *nul;
	size_t ct_len, i;

	if (checks[0].name == NULL)
		checks_init();
	if (size < 4)
		return 0;
	memset(&resp, 0, sizeof(resp));
	if (data[0] < 0x80)
		resp.status = common_statuses[data[1] % (sizeof(common_statuses) /
							  sizeof(common_statuses[0]))];
	else
		resp.status = ((long)(data[0] & 0x7f) << 8 | data[1]) % 1000;
	if (data[2] < sizeof(failure_text) / sizeof(failure_text[0])) {
		resp.failure = (enum http_failure)data[2];
		snprintf(resp.error, sizeof(resp.error), "%s", failure_text[data[2]]);
		if (resp.failure != HTTP_FAIL_NONE)
			resp.status = data[0] & 1 ? resp.status : 0;
	}
	resp.timings.total_ms = data[3] * 7.3;
	data += 4;
	size -= 4;
	nul = memchr(data, '\0', size);
	ct_len = nul != NULL ? (size_t)(nul - data) : size;
	/* http.c keeps at most this much of the header. */
	memcpy(resp.content_type, data,
	       ct_len < sizeof(resp.content_type) ? ct_len
						  : sizeof(resp.content_type) - 1);
	if (nul != NULL) {
		data = nul + 1;
		size -= ct_len + 1;
	} else {
		size = 0;
	}
	buf_init(&resp.body, size + 1);
	FUZZ_CHECK(buf_append(&resp.body, data, size) == KP_OK);

	for (i = 0; i < N_CHECKS; i++) {
		memset(&err, 0, sizeof(err));
		memset(&result, 'x', sizeof(result));
		/* -1 only on OOM, and resp.failure NOMEM says it is one. */
		if (check_judge(&checks[i], &resp, &result, &err) != 0) {
			FUZZ_CHECK(err.status == KP_ENOMEM);
			FUZZ_CHECK(resp.failure == HTTP_FAIL_NOMEM);
		}
		check_result(&checks[i], &resp, &result);
	}
	buf_free(&resp.body);
	return 0;
}
