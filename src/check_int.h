/* SPDX-License-Identifier: MIT */
/*
 * check_int.h: what the tier judges (check.c, check_chat.c) share. Not
 * for use outside src/check*.c.
 */
#ifndef KP_CHECK_INT_H
#define KP_CHECK_INT_H

#include <stdbool.h>

#include "check.h"

struct json_doc;

#define CHECK_SNIPPET_MAX CHECK_MSG_MAX /* bytes of a buffer for a snippet */

/*
 * The start of a body as one clean line, for messages, through
 * check_quote: masked, then cut to what a msg can show.
 */
void check_snippet(const struct check *check, const struct http_response *resp,
		   char *out, size_t size);

/*
 * Text from the server for a msg: check's redactor masks its secrets first,
 * then it is sanitised (valid UTF-8, one line) and cut to max_chars
 * characters into out[size]. Cutting after masking keeps even the start of
 * a secret out.
 */
void check_quote(const struct check *check, const char *text, size_t len,
		 size_t max_chars, char *out, size_t size);

/*
 * Sets result's verdict; msg is formatted, sanitised and capped at
 * PUSH_MSG_MAX characters. Text from outside (bodies, reasons, replies)
 * goes in through check_quote or check_snippet.
 */
void check_verdict(struct check_result *result, bool up, const char *fmt, ...)
	KP_PRINTF(3, 4);

/*
 * Parses a 200 body that must be JSON into *doc (free with json_free).
 * False, with a down verdict, if it is not; on OOM also err (KP_ENOMEM).
 */
bool check_parse_json_body(const struct http_response *resp,
			   struct json_doc **doc, struct check_result *result,
			   struct kp_err *err);

/* The chat tier (check_chat.c): the request body (NULL on OOM) and judge. */
char *check_chat_body(const struct check *check);
int check_chat_judge(const struct check *check,
		     const struct http_response *resp,
		     struct check_result *result, struct kp_err *err);

/* check_body.c. The check's JSON query on doc, by its compare rule. */
int check_query(const struct check *check, const struct json_doc *doc,
		bool *pass, struct kp_err *reason);
/*
 * models.require against data (the models array node): out receives
 * "missing 1 of 2 models: gpt-4o", or "" when all are listed. -1 on OOM.
 */
int check_missing_models(const struct check *check, const struct json_doc *doc,
			 int data, char *out, size_t size, struct kp_err *err);
/* A generic check: status, keyword, regex, query. */
int check_http_judge(const struct check *check,
		     const struct http_response *resp,
		     struct check_result *result, struct kp_err *err);

#endif
