/* SPDX-License-Identifier: MIT */
/*
 * check_chat.c: the chat tier: the completion request it sends and how the
 * model's reply is judged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "chat_match.h"
#include "check_int.h"
#include "json.h"
#include "json_write.h"
#include "sse.h"
#include "util.h"

#define QUOTE_CHARS 120 /* characters of the reply quoted in a msg */
/* Bytes of a reply masked for its quote: a msg shows far fewer. */
#define QUOTE_MAX_BYTES (64 * 1024)

char *check_chat_body(const struct check *check)
{
	struct buf body;

	buf_init(&body, 1024 * 1024);
	/* Exactly these fields: Open WebUI forwards extras to the model. */
	if (buf_append_str(&body, "{\"model\":") != KP_OK ||
	    json_write_string(&body, check->model) != KP_OK ||
	    buf_append_str(&body, ",\"messages\":[{\"role\":\"user\",\"content\":") != KP_OK ||
	    json_write_string(&body, check->prompt) != KP_OK ||
	    buf_append_str(&body, "}],\"temperature\":0,\"stream\":false}") != KP_OK) {
		buf_free(&body);
		return NULL;
	}
	return buf_steal(&body);
}

/* A string node's whole value (NUL bytes included), malloc'd; NULL if none. */
static char *string_value(const struct json_doc *doc, int node, size_t *len,
			  struct kp_err *err)
{
	bool plain;
	const char *raw = json_str_raw(doc, node, len, &plain);
	char *out;

	if (raw == NULL)
		return NULL;
	out = malloc(*len * 3 + 1);
	if (out == NULL) {
		kp_err_nomem(err);
		return NULL;
	}
	if (plain)
		memcpy(out, raw, *len);
	else
		*len = json_decode(raw, *len, out, false);
	out[*len] = '\0';
	return out;
}

static double figure(const struct json_doc *doc, int usage, const char *key)
{
	double v;

	/* Ollama says "N/A" when a duration was 0 */
	return json_number(doc, json_get(doc, usage, key), &v) && v >= 0 ? v : -1;
}

/* The token counts and rates of a reply's usage object, where it has one. */
static void read_usage(const struct json_doc *doc, struct chat_figures *fig)
{
	int usage = json_get(doc, 0, "usage");

	if (json_type(doc, usage) != JSON_OBJECT)
		return;
	fig->prompt_tokens = figure(doc, usage, "prompt_tokens");
	fig->completion_tokens = figure(doc, usage, "completion_tokens");
	fig->total_tokens = figure(doc, usage, "total_tokens");
	fig->tokens_per_s = figure(doc, usage, "response_token/s");
	fig->prompt_tokens_per_s = figure(doc, usage, "prompt_token/s");
}

/*
 * The verdict on the text of a reply (modified in place). Only content is
 * judged: reasoning_content / reasoning fields are never read.
 */
static void judge_text(const struct check *check, char *text, size_t len,
		       struct check_result *result)
{
	char start[CHECK_MSG_MAX];
	double rate = result->chat.tokens_per_s;

	len = chat_strip_reasoning(text, len);
	if (chat_echoes(text, len, check->prompt)) {
		check_verdict(result, false, "reply echoes the prompt");
	} else if (!chat_says(text, len, check->expect, check->match)) {
		/* Cut by characters after masking: never half a character,
		 * nor the start of a secret the reply echoes. */
		check_quote(check, text, len < QUOTE_MAX_BYTES ? len : QUOTE_MAX_BYTES,
			    QUOTE_CHARS, start, sizeof(start));
		check_verdict(result, false, "reply lacks %s: \"%s\"",
			      check->expect, start);
	} else if (rate >= 0) {
		check_verdict(result, true, rate < 10 ? "OK (%.1f tok/s)"
						       : "OK (%.0f tok/s)",
			      rate);
	} else {
		check_verdict(result, true, "OK");
	}
}

/* --- streamed replies --- */

struct stream {
	const struct check *check;
	struct buf content;        /* the deltas' content joined */
	struct chat_figures *fig;
	size_t events;
	bool done;                 /* data: [DONE] seen */
	char reason[CHECK_MSG_MAX + 16]; /* the stream's down msg; "" when none */
	struct kp_err *err;        /* OOM */
};

/*
 * The node of the reason in a stream's error event: Open WebUI's {"detail":
 * "..."} or {"error": {"detail": "..."}}, a provider's {"error":
 * {"message": "..."}}, {"error": "..."} or {"message": "..."}; -1 if none.
 */
static int error_node(const struct json_doc *doc)
{
	int error = json_get(doc, 0, "error");
	int detail = json_get(doc, 0, "detail");
	int found;

	if (json_type(doc, detail) == JSON_STRING)
		return detail;
	if (json_type(doc, detail) == JSON_ARRAY)
		return json_get(doc, json_at(doc, detail, 0), "msg");
	if (json_type(doc, error) == JSON_STRING)
		return error;
	found = json_get(doc, error, "message");
	if (json_type(doc, found) != JSON_STRING)
		found = json_get(doc, error, "detail");
	if (json_type(doc, found) != JSON_STRING)
		found = json_get(doc, 0, "message");
	return found;
}

/* An error a stream carries; -1 on OOM (in s->err). */
static int stream_error(struct stream *s, const struct json_doc *doc,
			const char *data, size_t len)
{
	size_t why_len = 0;
	char *why = doc != NULL ? string_value(doc, error_node(doc), &why_len, s->err)
				: NULL;
	char text[CHECK_MSG_MAX];

	if (s->err->status == KP_ENOMEM)
		return -1;
	if (why != NULL)
		check_quote(s->check, why, why_len, QUOTE_CHARS, text, sizeof(text));
	else
		check_quote(s->check, data, len < QUOTE_MAX_BYTES ? len : QUOTE_MAX_BYTES,
			    QUOTE_CHARS, text, sizeof(text));
	free(why);
	snprintf(s->reason, sizeof(s->reason), "stream error%s%s",
		 text[0] ? ": " : "", text);
	return -1;
}

/* The top-level object has key, and it is not null. */
static bool present(const struct json_doc *doc, const char *key)
{
	int node = json_get(doc, 0, key);

	return node >= 0 && json_type(doc, node) != JSON_NULL;
}

static int on_event(void *ctx, const char *type, const char *data, size_t len)
{
	struct stream *s = ctx;
	struct json_doc *doc = NULL;
	struct kp_err perr = { KP_OK, "" };
	char *piece;
	size_t piece_len = 0;
	int delta;

	if (s->done)
		return 0;
	s->events++;
	if (len == 6 && memcmp(data, "[DONE]", 6) == 0 && strcmp(type, "error") != 0) {
		s->done = true;
		return 0;
	}
	if (json_parse(data, len, &doc, &perr) != 0) {
		if (perr.status == KP_ENOMEM)
			return kp_err_nomem(s->err);
		if (strcmp(type, "error") == 0)
			return stream_error(s, NULL, data, len);
		snprintf(s->reason, sizeof(s->reason),
			 "streamed event %zu is not JSON", s->events);
		return -1;
	}
	if (strcmp(type, "error") == 0 || present(doc, "error") ||
	    present(doc, "detail")) {
		stream_error(s, json_type(doc, 0) == JSON_OBJECT ? doc : NULL, data, len);
		json_free(doc);
		return -1;
	}
	read_usage(doc, s->fig);
	delta = json_get(doc, json_at(doc, json_get(doc, 0, "choices"), 0), "delta");
	piece = string_value(doc, json_get(doc, delta, "content"), &piece_len, s->err);
	json_free(doc);
	if (piece == NULL)
		return s->err->status == KP_ENOMEM ? -1 : 0;
	if (buf_append(&s->content, piece, piece_len) != KP_OK) {
		free(piece);
		if (s->content.len + piece_len <= s->content.max)
			return kp_err_nomem(s->err);
		snprintf(s->reason, sizeof(s->reason),
			 "streamed reply larger than max_body");
		return -1;
	}
	free(piece);
	return 0;
}

/*
 * Open WebUI streams when the model's "Stream Chat Response" is on, even
 * for "stream": false: the deltas' content is the reply.
 */
static int judge_stream(const struct check *check,
			const struct http_response *resp,
			struct check_result *result, struct kp_err *err)
{
	struct stream s;
	struct sse_parser parser;
	struct kp_err serr = { KP_OK, "" };
	size_t max = (size_t)check->net.max_body_bytes;
	char *text;
	int rc;

	memset(&s, 0, sizeof(s));
	buf_init(&s.content, max);
	s.check = check;
	s.fig = &result->chat;
	s.err = err;
	result->chat.streamed = true;
	sse_init(&parser, max, on_event, &s);
	rc = sse_feed(&parser, buf_str(&resp->body), resp->body.len, &serr);
	sse_free(&parser);
	if (rc != 0 && (serr.status == KP_ENOMEM || err->status == KP_ENOMEM)) {
		buf_free(&s.content);
		return kp_err_nomem(err);
	}
	if (rc != 0 && serr.status != KP_OK)
		check_verdict(result, false, "%s", serr.msg);
	else if (s.reason[0] != '\0')
		check_verdict(result, false, "%s", s.reason);
	else if (!s.done)
		check_verdict(result, false, "stream cut before [DONE]");
	else {
		char empty[1] = "";
		size_t len = s.content.len;

		text = buf_steal(&s.content);
		judge_text(check, text != NULL ? text : empty, len, result);
		free(text);
	}
	buf_free(&s.content);
	return 0;
}

int check_chat_judge(const struct check *check,
		     const struct http_response *resp,
		     struct check_result *result, struct kp_err *err)
{
	struct json_doc *doc = NULL;
	char *content;
	size_t len = 0;
	int message;

	result->chat.known = true;
	result->chat.prompt_tokens = result->chat.completion_tokens = -1;
	result->chat.total_tokens = -1;
	result->chat.tokens_per_s = result->chat.prompt_tokens_per_s = -1;
	if (strcmp(resp->content_type, "text/event-stream") == 0)
		return judge_stream(check, resp, result, err);
	if (!check_parse_json_body(resp, &doc, result, err))
		return err->status == KP_ENOMEM ? -1 : 0;
	read_usage(doc, &result->chat);
	message = json_get(doc, json_at(doc, json_get(doc, 0, "choices"), 0), "message");
	content = string_value(doc, json_get(doc, message, "content"), &len, err);
	json_free(doc);
	if (err->status == KP_ENOMEM)
		return -1;
	if (content == NULL) {
		check_verdict(result, false, "reply has no choices[0].message.content");
		return 0;
	}
	judge_text(check, content, len, result);
	free(content);
	return 0;
}
