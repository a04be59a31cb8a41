/* SPDX-License-Identifier: MIT */
/*
 * check_chat.c: the chat tier: the completion request it sends and how the
 * model's reply is judged.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "chat_match.h"
#include "check_int.h"
#include "json.h"
#include "json_write.h"
#include "util.h"

#define QUOTE_CHARS 120 /* characters of the reply quoted in a msg */

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

/*
 * The verdict on the text of a reply (modified in place). Only content is
 * judged: reasoning_content / reasoning fields are never read.
 */
static void judge_text(const struct check *check, char *text, size_t len,
		       struct check_result *result)
{
	char start[CHECK_MSG_MAX];

	len = chat_strip_reasoning(text, len);
	if (chat_echoes(text, len, check->prompt)) {
		check_verdict(result, false, "reply echoes the prompt");
		return;
	}
	if (chat_says(text, len, check->expect, check->match)) {
		check_verdict(result, true, "OK");
		return;
	}
	/* Cut by characters after masking: never half a character, nor
	 * the start of a secret the reply echoes. */
	check_quote(check, text, len, QUOTE_CHARS, start, sizeof(start));
	check_verdict(result, false, "reply lacks %s: \"%s\"", check->expect,
		      start);
}

int check_chat_judge(const struct check *check,
		     const struct http_response *resp,
		     struct check_result *result, struct kp_err *err)
{
	struct json_doc *doc = NULL;
	char *content;
	size_t len = 0;
	int message;

	if (strcmp(resp->content_type, "text/event-stream") == 0) {
		check_verdict(result, false, "reply was streamed: turn off \"Stream Chat Response\" for model %s",
			      check->model);
		return 0;
	}
	if (!check_parse_json_body(resp, &doc, result, err))
		return err->status == KP_ENOMEM ? -1 : 0;
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
