/* SPDX-License-Identifier: MIT */
/* sse.c: the server-sent events parser (see sse.h). */
#include "sse.h"

#include <string.h>

void sse_init(struct sse_parser *p, size_t max_bytes, sse_event_fn on_event,
	      void *ctx)
{
	memset(p, 0, sizeof(*p));
	buf_init(&p->line, max_bytes);
	buf_init(&p->data, max_bytes);
	p->on_event = on_event;
	p->ctx = ctx;
}

void sse_free(struct sse_parser *p)
{
	buf_free(&p->line);
	buf_free(&p->data);
}

bool sse_pending(const struct sse_parser *p)
{
	return p->line.len > 0 || p->data.len > 0;
}

static int limit(enum kp_status status, struct kp_err *err)
{
	if (status == KP_ENOMEM)
		return kp_err_nomem(err);
	return kp_err_set(err, KP_ELIMIT, "a streamed event is larger than "
					  "max_body");
}

/* A blank line: the event is complete. */
static int dispatch(struct sse_parser *p)
{
	int rc = 0;

	/* the LF after the last data line is not data */
	if (p->data.len > 0)
		rc = p->on_event(p->ctx, p->type[0] ? p->type : "message",
				 buf_str(&p->data), p->data.len - 1);
	buf_reset(&p->data);
	p->type[0] = '\0';
	return rc;
}

static int field(struct sse_parser *p, const char *line, size_t len,
		 struct kp_err *err)
{
	const char *colon = memchr(line, ':', len);
	size_t name_len = colon != NULL ? (size_t)(colon - line) : len;
	const char *value = colon != NULL ? colon + 1 : line + len;
	size_t value_len = (size_t)(line + len - value);
	enum kp_status status;

	if (value_len > 0 && *value == ' ') {
		value++;
		value_len--;
	}
	if (name_len == 4 && memcmp(line, "data", 4) == 0) {
		status = buf_append(&p->data, value, value_len);
		if (status == KP_OK)
			status = buf_append(&p->data, "\n", 1);
		return status == KP_OK ? 0 : limit(status, err);
	}
	if (name_len == 5 && memcmp(line, "event", 5) == 0) {
		if (value_len >= sizeof(p->type))
			value_len = sizeof(p->type) - 1;
		memcpy(p->type, value, value_len);
		p->type[value_len] = '\0';
	}
	/* id and retry matter to a browser reconnecting, not to a check. */
	return 0;
}

static int end_line(struct sse_parser *p, struct kp_err *err)
{
	const char *line = buf_str(&p->line);
	size_t len = p->line.len;
	int rc;

	if (!p->started) {
		p->started = true;
		if (len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
			line += 3;
			len -= 3;
		}
	}
	if (len == 0)
		rc = dispatch(p);
	else if (line[0] == ':')
		rc = 0; /* a comment: servers send them to keep the line open */
	else
		rc = field(p, line, len, err);
	buf_reset(&p->line);
	return rc;
}

int sse_feed(struct sse_parser *p, const char *bytes, size_t n,
	     struct kp_err *err)
{
	size_t i = 0, run;
	enum kp_status status;

	while (i < n) {
		if (bytes[i] == '\n' && p->after_cr) {
			p->after_cr = false; /* the LF of a CRLF */
			i++;
			continue;
		}
		if (bytes[i] == '\r' || bytes[i] == '\n') {
			p->after_cr = bytes[i] == '\r';
			i++;
			if (end_line(p, err) != 0)
				return -1;
			continue;
		}
		p->after_cr = false;
		for (run = i; run < n && bytes[run] != '\r' && bytes[run] != '\n';
		     run++)
			;
		status = buf_append(&p->line, bytes + i, run - i);
		if (status != KP_OK)
			return limit(status, err);
		i = run;
	}
	return 0;
}
