/* SPDX-License-Identifier: MIT */
/* test_sse.c: server-sent events, whole and split at every byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sse.h"

/* The events seen, as "type=data|" each (LF shown as \n). */
struct seen {
	char text[1024];
	size_t len;
	int stop_after; /* stop when this many were seen; 0: never */
	int n;
};

static int on_event(void *ctx, const char *type, const char *data, size_t len)
{
	struct seen *s = ctx;
	int w = snprintf(s->text + s->len, sizeof(s->text) - s->len, "%s=%.*s|",
			 type, (int)len, data);

	assert_true(w > 0 && (size_t)w < sizeof(s->text) - s->len);
	s->len += (size_t)w;
	s->n++;
	return s->stop_after > 0 && s->n >= s->stop_after ? -1 : 0;
}

struct sse_case {
	const char *stream;
	const char *events;
	bool pending;
};

static const struct sse_case cases[] = {
	{"data: a\n\ndata: [DONE]\n\n", "message=a|message=[DONE]|", false},
	/* CRLF and lone CR line ends, mixed */
	{"data: a\r\n\r\ndata: b\r\rdata: c\n\r\n", "message=a|message=b|message=c|",
	 false},
	/* comments, unknown fields, id and retry are not events */
	{": keep-alive\n\nid: 7\nretry: 10\nfoo: bar\n\n: x\ndata: y\n\n",
	 "message=y|", false},
	/* data lines of one event join with LF; one space after ':' goes */
	{"data: line one\ndata:line two\ndata:  three\n\n",
	 "message=line one\nline two\n three|", false},
	/* a field without a colon; an empty data line */
	{"data\n\ndata:\n\n", "message=|message=|", false},
	/* the event type, reset after each event */
	{"event: error\ndata: {\"detail\":\"x\"}\n\ndata: z\n\n",
	 "error={\"detail\":\"x\"}|message=z|", false},
	/* an event without data is not dispatched */
	{"event: ping\n\ndata: q\n\n", "message=q|", false},
	/* a byte order mark at the start only */
	{"\xEF\xBB\xBF" "data: a\n\n", "message=a|", false},
	/* cut streams: the last event is not dispatched */
	{"data: a\n\ndata: b\n", "message=a|", true},
	{"data: a\n\ndata: b", "message=a|", true},
	{"data: a\n\n", "message=a|", false},
	{"", "", false},
	/* a colon inside the value is kept */
	{"data: {\"a\":\"b:c\"}\n\n", "message={\"a\":\"b:c\"}|", false},
};

static void feed_split(const struct sse_case *c, size_t cut1, size_t cut2,
		       size_t idx)
{
	struct sse_parser p;
	struct seen seen;
	struct kp_err err = { KP_OK, "" };
	size_t n = strlen(c->stream);

	memset(&seen, 0, sizeof(seen));
	sse_init(&p, 4096, on_event, &seen);
	assert_int_equal(sse_feed(&p, c->stream, cut1, &err), 0);
	assert_int_equal(sse_feed(&p, c->stream + cut1, cut2 - cut1, &err), 0);
	assert_int_equal(sse_feed(&p, c->stream + cut2, n - cut2, &err), 0);
	if (strcmp(seen.text, c->events) != 0)
		fail_msg("case %zu cut at %zu,%zu: got \"%s\", want \"%s\"", idx,
			 cut1, cut2, seen.text, c->events);
	assert_int_equal(sse_pending(&p), c->pending);
	sse_free(&p);
}

/* Every way of cutting each stream in three gives the same events. */
static void test_split_anywhere(void **state)
{
	size_t i, a, b, n;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = strlen(cases[i].stream);
		for (a = 0; a <= n; a++)
			for (b = a; b <= n; b++)
				feed_split(&cases[i], a, b, i);
	}
}

static void test_byte_by_byte(void **state)
{
	static const char stream[] = "data: {\"x\":1}\r\n\r\n: c\r\ndata: [DONE]\r\n\r\n";
	struct sse_parser p;
	struct seen seen;
	struct kp_err err = { KP_OK, "" };
	size_t i;

	(void)state;
	memset(&seen, 0, sizeof(seen));
	sse_init(&p, 64, on_event, &seen);
	for (i = 0; i + 1 < sizeof(stream); i++)
		assert_int_equal(sse_feed(&p, stream + i, 1, &err), 0);
	assert_string_equal(seen.text, "message={\"x\":1}|message=[DONE]|");
	assert_false(sse_pending(&p));
	sse_free(&p);
}

static void test_limits_and_stop(void **state)
{
	struct sse_parser p;
	struct seen seen;
	struct kp_err err = { KP_OK, "" };
	char line[100];

	(void)state;
	memset(&seen, 0, sizeof(seen));
	memset(line, 'a', sizeof(line));
	sse_init(&p, 64, on_event, &seen);
	assert_int_equal(sse_feed(&p, "data: ", 6, &err), 0);
	assert_int_equal(sse_feed(&p, line, sizeof(line), &err), -1);
	assert_int_equal(err.status, KP_ELIMIT);
	sse_free(&p);

	/* the data of one event is capped too, across lines */
	memset(&seen, 0, sizeof(seen));
	sse_init(&p, 64, on_event, &seen);
	err.status = KP_OK;
	for (int i = 0; i < 20 && err.status == KP_OK; i++)
		sse_feed(&p, "data: 0123456789\n", 17, &err);
	assert_int_equal(err.status, KP_ELIMIT);
	sse_free(&p);

	memset(&seen, 0, sizeof(seen));
	seen.stop_after = 1;
	sse_init(&p, 64, on_event, &seen);
	err.status = KP_OK;
	assert_int_equal(sse_feed(&p, "data: a\n\ndata: b\n\n", 18, &err), -1);
	assert_int_equal(err.status, KP_OK);
	assert_string_equal(seen.text, "message=a|");
	sse_free(&p);
}

/* Linear: 4 MiB of one-byte events and of CR line ends. */
static void test_big(void **state)
{
	size_t n = 4u << 20, i;
	char *text = malloc(n);
	struct sse_parser p;
	struct kp_err err = { KP_OK, "" };
	struct seen seen;

	(void)state;
	assert_non_null(text);
	for (i = 0; i < n; i++)
		text[i] = i % 3 == 2 ? '\r' : ':';
	memset(&seen, 0, sizeof(seen));
	sse_init(&p, n, on_event, &seen);
	assert_int_equal(sse_feed(&p, text, n, &err), 0);
	assert_int_equal(seen.n, 0);
	for (i = 0; i < n; i++)
		text[i] = i % 2 ? '\n' : 'd';
	assert_int_equal(sse_feed(&p, text, n, &err), 0);
	assert_int_equal(seen.n, 0); /* field "d" is not data */
	sse_free(&p);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_anywhere),
		cmocka_unit_test(test_byte_by_byte),
		cmocka_unit_test(test_limits_and_stop),
		cmocka_unit_test(test_big),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
