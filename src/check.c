/*
 * check.c: what each tier sends and how its answer is judged (the chat
 * tier's body and judge are in check_chat.c).
 */
#include "check.h"
#include "check_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "util.h"

#define SNIPPET_MAX 120 /* bytes of a body quoted in a msg */

static const char *const tier_paths[TIER_COUNT] = {
	"/health", "/api/models?refresh=true", "/api/chat/completions", NULL
};

/* Adds the header line prefix + value. */
static int add_header(struct check_request *req, size_t *n, const char *prefix,
		      const char *value)
{
	struct buf line;

	buf_init(&line, 64 * 1024);
	if (buf_append_str(&line, prefix) != KP_OK ||
	    buf_append_str(&line, value) != KP_OK) {
		buf_free(&line);
		return -1;
	}
	req->header_lines[*n] = buf_steal(&line);
	req->header_ptrs[*n] = req->header_lines[*n];
	(*n)++;
	return 0;
}

static int prepare_generic(const struct check *check, struct check_request *req)
{
	size_t i;

	req->url = kp_strdup(check->url);
	if (req->url == NULL)
		return -1;
	req->http.method = check->method;
	if (check->body != NULL) {
		req->body = kp_strdup(check->body);
		if (req->body == NULL)
			return -1;
	}
	if (check->n_headers == 0)
		return 0;
	req->extra_headers = calloc(check->n_headers, sizeof(char *));
	if (req->extra_headers == NULL)
		return -1;
	for (i = 0; i < check->n_headers; i++) {
		struct buf line;

		buf_init(&line, 64 * 1024);
		if (buf_printf(&line, "%s: %s", check->headers[i].name,
			       check->headers[i].value) != KP_OK) {
			buf_free(&line);
			return -1;
		}
		req->extra_headers[i] = buf_steal(&line);
	}
	req->http.headers = (const char *const *)req->extra_headers;
	req->http.n_headers = check->n_headers;
	return 0;
}

static int prepare_tier(const struct check *check, const struct target *target,
			struct check_request *req)
{
	struct buf url;
	size_t n = 0;

	buf_init(&url, 64 * 1024);
	if (buf_printf(&url, "%s%s", target->url, tier_paths[check->tier]) != KP_OK) {
		buf_free(&url);
		return -1;
	}
	req->url = buf_steal(&url);
	req->http.method = check->tier == TIER_CHAT ? "POST" : "GET";
	if (check->tier != TIER_HEALTH && target->api_key != NULL &&
	    add_header(req, &n, "Authorization: Bearer ", target->api_key) != 0)
		return -1;
	if (check->tier == TIER_CHAT) {
		/* libcurl's default form type makes FastAPI answer 422. */
		if (add_header(req, &n, "Content-Type: ", "application/json") != 0)
			return -1;
		req->body = check_chat_body(check);
		if (req->body == NULL)
			return -1;
	}
	if (add_header(req, &n, "Accept: ", "application/json") != 0)
		return -1;
	req->http.headers = req->header_ptrs;
	req->http.n_headers = n;
	return 0;
}

int check_prepare(const struct check *check, const struct target *target,
		  struct check_request *req, struct kp_err *err)
{
	int rc;

	memset(req, 0, sizeof(*req));
	req->http.net = &check->net;
	rc = check->tier == TIER_HTTP ? prepare_generic(check, req)
				      : prepare_tier(check, target, req);
	if (rc != 0) {
		check_request_free(req);
		return kp_err_nomem(err);
	}
	req->http.url = req->url;
	req->http.body = req->body;
	req->http.body_len = req->body != NULL ? strlen(req->body) : 0;
	return 0;
}

void check_request_free(struct check_request *req)
{
	size_t i;

	free(req->url);
	free(req->body);
	for (i = 0; i < sizeof(req->header_lines) / sizeof(req->header_lines[0]); i++)
		free(req->header_lines[i]);
	if (req->extra_headers != NULL)
		for (i = 0; i < req->http.n_headers; i++)
			free(req->extra_headers[i]);
	free(req->extra_headers);
	memset(req, 0, sizeof(*req));
}

void check_skip(struct check_result *result, const char *health_msg)
{
	memset(result, 0, sizeof(*result));
	result->up = false;
	result->ping_ms = -1;
	snprintf(result->msg, sizeof(result->msg), "skipped: health down (%s)",
		 health_msg);
}

void check_verdict(struct check_result *result, bool up, const char *fmt, ...)
{
	char raw[CHECK_MSG_MAX * 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	result->up = up;
	kp_sanitize_into(result->msg, sizeof(result->msg), raw, strlen(raw));
}

static bool is_json_type(const char *content_type)
{
	size_t len = strlen(content_type);

	return strcmp(content_type, "application/json") == 0 ||
	       (len > 5 && strcmp(content_type + len - 5, "+json") == 0);
}

/* The start of a body as one clean line, for messages. */
static void snippet(const struct http_response *resp, char *out, size_t size)
{
	kp_sanitize_into(out, size < SNIPPET_MAX ? size : SNIPPET_MAX,
			 buf_str(&resp->body), resp->body.len);
}

/*
 * The reason inside an error body: Open WebUI's {"detail": "..."}, a 422's
 * {"detail": [{"msg": ...}]}, or a provider's {"error": {"message": ...}}.
 * NULL when the body has none (or on OOM: then the snippet is used).
 */
static char *error_reason(const struct json_doc *doc)
{
	int detail = json_get(doc, 0, "detail");
	int error = json_get(doc, 0, "error");

	if (json_type(doc, detail) == JSON_STRING)
		return json_string(doc, detail);
	if (json_type(doc, detail) == JSON_ARRAY)
		return json_string(doc, json_get(doc, json_at(doc, detail, 0), "msg"));
	if (json_type(doc, error) == JSON_OBJECT)
		return json_string(doc, json_get(doc, error, "message"));
	if (json_type(doc, error) == JSON_STRING)
		return json_string(doc, error);
	return json_string(doc, json_get(doc, 0, "message"));
}

static void judge_http_error(const struct http_response *resp,
			     struct check_result *result)
{
	struct json_doc *doc = NULL;
	char *reason = NULL;
	char body[SNIPPET_MAX];

	if (json_parse(buf_str(&resp->body), resp->body.len, &doc, NULL) == 0 &&
	    json_type(doc, 0) == JSON_OBJECT)
		reason = error_reason(doc);
	json_free(doc);
	/* Open WebUI's detail already names an auth problem in its words:
	 * "Not authenticated", "Use of API key is not enabled ...". */
	if (reason != NULL) {
		check_verdict(result, false, "HTTP %ld: %s", resp->status, reason);
	} else {
		snippet(resp, body, sizeof(body));
		check_verdict(result, false, "HTTP %ld%s%s", resp->status,
			body[0] ? ": " : "", body);
	}
	free(reason);
}

bool check_parse_json_body(const struct http_response *resp,
			    struct json_doc **doc, struct check_result *result,
			    struct kp_err *err)
{
	struct kp_err parse_err = { KP_OK, "" };

	if (!is_json_type(resp->content_type)) {
		check_verdict(result, false, "not JSON (HTTP %ld %s)", resp->status,
			resp->content_type[0] ? resp->content_type : "without a content type");
		return false;
	}
	if (json_parse(buf_str(&resp->body), resp->body.len, doc, &parse_err) != 0) {
		if (parse_err.status == KP_ENOMEM)
			*err = parse_err;
		check_verdict(result, false, "%s", parse_err.msg);
		return false;
	}
	return true;
}

static int judge_health(const struct http_response *resp,
			struct check_result *result, struct kp_err *err)
{
	struct json_doc *doc = NULL;
	char raw[SNIPPET_MAX];

	if (!check_parse_json_body(resp, &doc, result, err))
		return err->status == KP_ENOMEM ? -1 : 0;
	if (json_type(doc, 0) == JSON_OBJECT &&
	    json_type(doc, json_get(doc, 0, "status")) == JSON_TRUE) {
		check_verdict(result, true, "OK");
	} else {
		snippet(resp, raw, sizeof(raw));
		check_verdict(result, false, "health status is not true: %s", raw);
	}
	json_free(doc);
	return 0;
}

static int judge_models(const struct check *check,
			const struct http_response *resp,
			struct check_result *result, struct kp_err *err)
{
	struct json_doc *doc = NULL;
	struct kp_err reason = { KP_OK, "" };
	char counted[32] = "";
	bool pass = false;
	int data;

	if (!check_parse_json_body(resp, &doc, result, err))
		return err->status == KP_ENOMEM ? -1 : 0;
	data = json_get(doc, 0, "data");
	if (json_type(doc, 0) == JSON_OBJECT && json_type(doc, data) == JSON_ARRAY)
		snprintf(counted, sizeof(counted), "%zu model%s",
			 json_count(doc, data), json_count(doc, data) == 1 ? "" : "s");
	if (jsonata_kuma_check(check->query, doc, check->expected, check->op,
			       &pass, NULL, 0, &reason) != 0) {
		json_free(doc);
		*err = reason;
		return -1;
	}
	json_free(doc);
	if (pass)
		check_verdict(result, true, "%s", counted[0] ? counted : "query holds");
	else
		check_verdict(result, false, "%s%s%s", counted, counted[0] ? ": " : "",
			reason.msg);
	return 0;
}

static void judge_generic(const struct check *check,
			  const struct http_response *resp,
			  struct check_result *result)
{
	if (resp->status < check->status_min || resp->status > check->status_max) {
		char body[SNIPPET_MAX];

		snippet(resp, body, sizeof(body));
		if (check->status_min == check->status_max)
			check_verdict(result, false, "HTTP %ld (expected %d)%s%s", resp->status,
				check->status_min, body[0] ? ": " : "", body);
		else
			check_verdict(result, false, "HTTP %ld (expected %d-%d)%s%s",
				resp->status, check->status_min, check->status_max,
				body[0] ? ": " : "", body);
		return;
	}
	if (check->keyword != NULL &&
	    strstr(buf_str(&resp->body), check->keyword) == NULL) {
		check_verdict(result, false, "keyword \"%s\" not found (HTTP %ld)",
			check->keyword, resp->status);
		return;
	}
	check_verdict(result, true, "HTTP %ld", resp->status);
}

static int judge(const struct check *check, const struct http_response *resp,
		 struct check_result *result, struct kp_err *err);

int check_judge(const struct check *check, const struct http_response *resp,
		struct check_result *result, struct kp_err *err)
{
	struct kp_err local = { KP_OK, "" };
	int rc = judge(check, resp, result, &local);

	if (rc != 0 && err != NULL)
		*err = local;
	return rc;
}

static int judge(const struct check *check, const struct http_response *resp,
		 struct check_result *result, struct kp_err *err)
{
	double total = resp->timings.total_ms;

	memset(result, 0, sizeof(*result));
	result->http_status = resp->status;
	result->timings = resp->timings;
	/* Kuma stores ping=0 as "no ping"; only skipped tiers send none, so
	 * a failure before any timing (a name that does not resolve) is 1. */
	result->ping_ms = (long)(total + 0.5);
	if (result->ping_ms < 1)
		result->ping_ms = 1;
	if (resp->failure != HTTP_FAIL_NONE) {
		check_verdict(result, false, "%s", resp->error);
		if (resp->failure == HTTP_FAIL_NOMEM)
			return kp_err_nomem(err);
		return 0;
	}
	if (check->tier == TIER_HTTP) {
		judge_generic(check, resp, result);
		return 0;
	}
	if (resp->status != 200) {
		judge_http_error(resp, result);
		return 0;
	}
	switch (check->tier) {
	case TIER_HEALTH:
		return judge_health(resp, result, err);
	case TIER_MODELS:
		return judge_models(check, resp, result, err);
	case TIER_CHAT:
		return check_chat_judge(check, resp, result, err);
	default:
		return kp_err_set(err, KP_EINTERNAL, "unknown tier %d", (int)check->tier);
	}
}
