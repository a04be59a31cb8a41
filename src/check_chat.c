/* SPDX-License-Identifier: MIT */
/*
 * check_chat.c: the chat tier: the completion request it sends and how the
 * model's reply is judged.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check_int.h"
#include "json.h"
#include "json_write.h"
#include "util.h"

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

int check_chat_judge(const struct check *check,
		     const struct http_response *resp,
		     struct check_result *result, struct kp_err *err)
{
	struct json_doc *doc = NULL;
	char *content;
	int message;

	if (strcmp(resp->content_type, "text/event-stream") == 0) {
		check_verdict(result, false, "reply was streamed: turn off \"Stream Chat Response\" for model %s",
			      check->model);
		return 0;
	}
	if (!check_parse_json_body(resp, &doc, result, err))
		return err->status == KP_ENOMEM ? -1 : 0;
	message = json_get(doc, json_at(doc, json_get(doc, 0, "choices"), 0), "message");
	content = json_string(doc, json_get(doc, message, "content"));
	json_free(doc);
	if (content == NULL) {
		check_verdict(result, false, "reply has no choices[0].message.content");
		return 0;
	}
	if (kp_strcasestr(content, check->expect) != NULL)
		check_verdict(result, true, "OK");
	else
		check_verdict(result, false, "reply lacks %s: \"%.120s\"", check->expect, content);
	free(content);
	return 0;
}
