/* SPDX-License-Identifier: MIT */
/*
 * check_body.c: judging what a body says: the JSON query (models tier and
 * generic checks, one evaluator, Kuma 2.x or 1.23 rules), the models the
 * list must name, and a generic check's status, keyword and regex.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check_int.h"
#include "json.h"
#include "util.h"

int check_query(const struct check *check, const struct json_doc *doc,
		bool *pass, struct kp_err *reason)
{
	if (check->compare == COMPARE_KUMA1)
		return jsonata_kuma1_check(check->query, doc, check->expected,
					   pass, NULL, 0, reason);
	return jsonata_kuma_check(check->query, doc, check->expected, check->op,
				  pass, NULL, 0, reason);
}

/* Is node a string equal to want? */
static bool string_is(const struct json_doc *doc, int node, const char *want)
{
	const char *raw;
	size_t len;
	bool plain;
	char *decoded;
	bool same;

	raw = json_str_raw(doc, node, &len, &plain);
	if (raw == NULL)
		return false;
	if (plain)
		return len == strlen(want) && memcmp(raw, want, len) == 0;
	decoded = json_string(doc, node);
	same = decoded != NULL && strcmp(decoded, want) == 0;
	free(decoded);
	return same;
}

int check_missing_models(const struct check *check, const struct json_doc *doc,
			 int data, char *out, size_t size, struct kp_err *err)
{
	struct buf names;
	bool *found;
	size_t i, missing = 0;
	int item;

	out[0] = '\0';
	if (check->n_require == 0)
		return 0;
	found = calloc(check->n_require, sizeof(*found));
	if (found == NULL)
		return kp_err_nomem(err);
	/* One pass over the list; each id is held against the few required. */
	for (item = json_type(doc, data) == JSON_ARRAY ? json_first(doc, data) : -1;
	     item >= 0; item = json_next(doc, item)) {
		int id = json_type(doc, item) == JSON_OBJECT
				 ? json_get(doc, item, "id") : -1;

		for (i = 0; id >= 0 && i < check->n_require; i++)
			if (!found[i] && string_is(doc, id, check->require[i]))
				found[i] = true;
	}
	buf_init(&names, size);
	for (i = 0; i < check->n_require; i++) {
		if (found[i])
			continue;
		/* A cut list is fine: the count says how many are missing. */
		(void)buf_printf(&names, "%s%s", missing ? ", " : "",
				 check->require[i]);
		missing++;
	}
	if (missing > 0)
		snprintf(out, size, "missing %zu of %zu model%s: %s", missing,
			 check->n_require, check->n_require == 1 ? "" : "s",
			 buf_str(&names));
	buf_free(&names);
	free(found);
	return 0;
}

/* memmem, which POSIX lacks: the body may hold NUL bytes. */
static bool contains(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;
	const char *p;

	if (n == 0)
		return true;
	for (i = 0; i + n <= len; i = (size_t)(p - hay) + 1) {
		p = memchr(hay + i, needle[0], len - n + 1 - i);
		if (p == NULL)
			return false;
		if (memcmp(p, needle, n) == 0)
			return true;
	}
	return false;
}

/*
 * regexec stops at a NUL, so each NUL-free run of the body is matched in
 * turn; ^ and $ keep meaning the start and end of the whole body.
 */
static bool regex_matches(const regex_t *re, const char *body, size_t len)
{
	size_t at = 0;

	for (;;) {
		size_t run = strnlen(body + at, len - at);
		int flags = (at > 0 ? REG_NOTBOL : 0) |
			    (at + run < len ? REG_NOTEOL : 0);

		if (regexec(re, body + at, 0, NULL, flags) == 0)
			return true;
		if (at + run >= len)
			return false;
		at += run + 1;
	}
}

static bool status_accepted(const struct check *check, long status)
{
	size_t i;

	for (i = 0; i < check->n_status; i++)
		if (status >= check->status[i].lo && status <= check->status[i].hi)
			return true;
	return false;
}

static void status_down(const struct check *check,
			const struct http_response *resp,
			struct check_result *result)
{
	char body[CHECK_SNIPPET_MAX];
	char want[CHECK_STATUS_RANGES * 9 + 1];
	size_t i, at = 0;

	/* "200-299,301": at most 8 characters a range, plus the comma. */
	want[0] = '\0';
	for (i = 0; i < check->n_status; i++) {
		const struct status_range *r = &check->status[i];

		at += (size_t)snprintf(want + at, sizeof(want) - at,
				       r->lo == r->hi ? "%s%d" : "%s%d-%d",
				       i > 0 ? "," : "", r->lo, r->hi);
	}
	check_snippet(check, resp, body, sizeof(body));
	check_verdict(result, false, "HTTP %ld (expected %s)%s%s", resp->status,
		      want, body[0] ? ": " : "", body);
}

/* The query of a generic check; any content type, as Kuma parses it. */
static int judge_generic_query(const struct check *check,
			       const struct http_response *resp,
			       struct check_result *result, struct kp_err *err)
{
	struct kp_err parse = { KP_OK, "" }, reason = { KP_OK, "" };
	struct json_doc *doc = NULL;
	bool pass = false;

	if (json_parse(buf_str(&resp->body), resp->body.len, &doc, &parse) != 0) {
		if (parse.status == KP_ENOMEM) {
			*err = parse;
			return -1;
		}
		check_verdict(result, false, "not JSON (HTTP %ld %s): %s",
			      resp->status,
			      resp->content_type[0] ? resp->content_type
						    : "without a content type",
			      parse.msg);
		return 0;
	}
	if (check_query(check, doc, &pass, &reason) != 0) {
		json_free(doc);
		*err = reason;
		return -1;
	}
	json_free(doc);
	if (pass)
		check_verdict(result, true, "HTTP %ld", resp->status);
	else
		check_verdict(result, false, "%s", reason.msg);
	return 0;
}

int check_http_judge(const struct check *check,
		     const struct http_response *resp,
		     struct check_result *result, struct kp_err *err)
{
	const char *body = buf_str(&resp->body);
	size_t len = resp->body.len;

	if (!status_accepted(check, resp->status)) {
		status_down(check, resp, result);
		return 0;
	}
	if (check->keyword != NULL &&
	    contains(body, len, check->keyword) == check->invert_keyword) {
		check_verdict(result, false, "keyword \"%s\" %s (HTTP %ld)",
			      check->keyword,
			      check->invert_keyword ? "present" : "not found",
			      resp->status);
		return 0;
	}
	if (check->regex != NULL &&
	    regex_matches(check->regex, body, len) == check->invert_regex) {
		check_verdict(result, false, "regex \"%s\" %s (HTTP %ld)",
			      check->regex_src,
			      check->invert_regex ? "matches" : "does not match",
			      resp->status);
		return 0;
	}
	if (check->query != NULL)
		return judge_generic_query(check, resp, result, err);
	check_verdict(result, true, "HTTP %ld", resp->status);
	return 0;
}
