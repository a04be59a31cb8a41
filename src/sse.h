/* SPDX-License-Identifier: MIT */
/*
 * sse.h: a text/event-stream (server-sent events) parser, as the WHATWG
 * HTML standard reads one: lines end in CRLF, LF or CR; ':' starts a
 * comment; "data" lines of one event join with LF; a blank line ends the
 * event. Bytes may be fed in pieces split anywhere. Each byte is looked at
 * a bounded number of times, and the line and data kept are capped.
 */
#ifndef KP_SSE_H
#define KP_SSE_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"

/*
 * Called for each complete event that has data. type is the event's
 * "event" field ("message" when it has none); data is data_len bytes (not
 * NUL-terminated), valid during the call. Return 0 to go on, -1 to stop
 * (sse_feed then returns -1 and leaves err alone: the callback keeps its
 * reason in ctx).
 */
typedef int (*sse_event_fn)(void *ctx, const char *type, const char *data,
			    size_t data_len);

/* Use the API only. */
struct sse_parser {
	struct buf line;   /* the line being read */
	struct buf data;   /* the event's data so far */
	char type[64];     /* the event's type, cut to fit */
	bool after_cr;     /* the last byte was CR: an LF next is its pair */
	bool started;      /* past a leading byte order mark */
	sse_event_fn on_event;
	void *ctx;
};

/* max_bytes caps one line and one event's data (KP_ELIMIT past it). */
void sse_init(struct sse_parser *p, size_t max_bytes, sse_event_fn on_event,
	      void *ctx);

/*
 * Parses n more bytes. Returns 0, or -1 with err: KP_ENOMEM, KP_ELIMIT
 * (a line or an event's data past max_bytes), or the callback's stop.
 */
int sse_feed(struct sse_parser *p, const char *bytes, size_t n,
	     struct kp_err *err);

/*
 * True when the stream ended in the middle of an event (a line without
 * its end, or data without the blank line): that event is not dispatched.
 */
bool sse_pending(const struct sse_parser *p);

void sse_free(struct sse_parser *p);

#endif
