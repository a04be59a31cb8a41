/* SPDX-License-Identifier: MIT */
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
#include <time.h>

#include "buf.h"
#include "cert.h"
#include "json.h"
#include "push.h"
#include "redact.h"
#include "util.h"

typedef int (*judge_fn)(const struct check *check,
			const struct http_response *resp,
			struct check_result *result, struct kp_err *err);

static int judge_health(const struct check *check,
			const struct http_response *resp,
			struct check_result *result, struct kp_err *err);
static int judge_models(const struct check *check,
			const struct http_response *resp,
			struct check_result *result, struct kp_err *err);

/*
 * The check kinds: what each sends and which judge reads the answer. The
 * rules every kind shares (transport failures, upside_down, certificate,
 * latency) are applied around the judge, in judge() below.
 */
static const struct check_kind {
	const char *path;     /* after the target URL; NULL: the check's URL */
	const char *method;   /* NULL: the check's own */
	bool api_key;         /* sends the target's key */
	char *(*body)(const struct check *check); /* a JSON body, or NULL */
	bool only_200;        /* other statuses: down with the body's reason */
	judge_fn judge;
} kinds[TIER_COUNT] = {
	[TIER_HEALTH] = { "/health", "GET", false, NULL, true, judge_health },
	[TIER_MODELS] = { "/api/models?refresh=true", "GET", true, NULL, true,
			  judge_models },
	[TIER_CHAT] = { "/api/chat/completions", "POST", true, check_chat_body,
			true, check_chat_judge },
	[TIER_HTTP] = { NULL, NULL, false, NULL, false, check_http_judge },
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
	const struct check_kind *kind = &kinds[check->tier];

	if (buf_printf(&url, "%s%s", target->url, kind->path) != KP_OK) {
		buf_free(&url);
		return -1;
	}
	req->url = buf_steal(&url);
	req->http.method = kind->method;
	if (kind->api_key && target->api_key != NULL &&
	    add_header(req, &n, "Authorization: Bearer ", target->api_key) != 0)
		return -1;
	if (kind->body != NULL) {
		/* libcurl's default form type makes FastAPI answer 422. */
		if (add_header(req, &n, "Content-Type: ", "application/json") != 0)
			return -1;
		req->body = kind->body(check);
		if (req->body == NULL)
			return -1;
	}
	if (add_header(req, &n, "Accept: ", "application/json") != 0)
		return -1;
	req->http.headers = req->header_ptrs;
	req->http.n_headers = n;
	return 0;
}

void check_request_rebind(struct check_request *req, const struct check *check)
{
	req->http.net = &check->net;
	if (check->tier == TIER_HTTP)
		req->http.method = check->method;
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

/* explicit_bzero: a memset before free is removed by the compiler. */
static void wipe_free(char *s)
{
	if (s != NULL)
		explicit_bzero(s, strlen(s));
	free(s);
}

void check_request_free(struct check_request *req)
{
	size_t i;

	free(req->url);
	free(req->body);
	/* Header lines carry the API key and configured header values. */
	for (i = 0; i < sizeof(req->header_lines) / sizeof(req->header_lines[0]); i++)
		wipe_free(req->header_lines[i]);
	if (req->extra_headers != NULL)
		for (i = 0; i < req->http.n_headers; i++)
			wipe_free(req->extra_headers[i]);
	free(req->extra_headers);
	memset(req, 0, sizeof(*req));
}

void check_skip(struct check_result *result, const char *health_msg)
{
	static const char head[] = "skipped: health down (";
	char reason[CHECK_MSG_MAX];
	size_t n;

	memset(result, 0, sizeof(*result));
	result->up = false;
	result->ping_ms = -1;
	/* Cut the reason, not the message: the closing ')' stays. */
	kp_sanitize_chars(reason, sizeof(reason), health_msg,
			  PUSH_MSG_MAX - (sizeof(head) - 1) - 1);
	/* head + at most 227 characters of 4 bytes + ")" fits CHECK_MSG_MAX. */
	memcpy(result->msg, head, sizeof(head) - 1);
	n = strlen(reason);
	memcpy(result->msg + sizeof(head) - 1, reason, n);
	memcpy(result->msg + sizeof(head) - 1 + n, ")", 2);
}

/* Final form of a msg: clean UTF-8, at most PUSH_MSG_MAX characters, no
 * trailing space: exactly what Kuma stores, and what -v and --json show. */
static void finish_msg(char *msg)
{
	size_t len;

	kp_utf8_cut(msg, PUSH_MSG_MAX);
	len = strlen(msg);
	while (len > 0 && msg[len - 1] == ' ')
		msg[--len] = '\0';
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
	finish_msg(result->msg);
}

void check_quote(const struct check *check, const char *text, size_t len,
		 size_t max_chars, char *out, size_t size)
{
	struct buf masked;

	buf_init(&masked, 16 * 1024 * 1024);
	if (redact_append(check->redact, &masked, text, len) != KP_OK) {
		buf_free(&masked);
		snprintf(out, size, "%s", REDACT_MASK);
		return;
	}
	kp_sanitize_into(out, size, buf_str(&masked), masked.len);
	kp_utf8_cut(out, max_chars);
	buf_free(&masked);
}

static bool is_json_type(const char *content_type)
{
	size_t len = strlen(content_type);

	return strcmp(content_type, "application/json") == 0 ||
	       (len > 5 && strcmp(content_type + len - 5, "+json") == 0);
}

void check_snippet(const struct check *check, const struct http_response *resp,
		   char *out, size_t size)
{
	/* Read no more than a msg can show: bodies may be megabytes. */
	size_t len = resp->body.len < 64 * 1024 ? resp->body.len : 64 * 1024;

	check_quote(check, buf_str(&resp->body), len, PUSH_MSG_MAX, out, size);
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

static void judge_http_error(const struct check *check,
			     const struct http_response *resp,
			     struct check_result *result)
{
	struct json_doc *doc = NULL;
	char *reason = NULL;
	char body[CHECK_SNIPPET_MAX];
	bool key_refused = false;

	if (json_parse(buf_str(&resp->body), resp->body.len, &doc, NULL) == 0 &&
	    json_type(doc, 0) == JSON_OBJECT) {
		reason = error_reason(doc);
		/* Open WebUI's own 401 ({"detail"}, not a provider's {"error"})
		 * to our key says "Your session has expired ...": a newcomer
		 * does not read that as "wrong API key". ("Not authenticated"
		 * means no key arrived at all: it says so already.) */
		key_refused = resp->status == 401 &&
			      (check->tier == TIER_MODELS || check->tier == TIER_CHAT) &&
			      json_type(doc, json_get(doc, 0, "detail")) == JSON_STRING &&
			      (reason == NULL || strcmp(reason, "Not authenticated") != 0);
	}
	json_free(doc);
	/* Open WebUI's detail already names an auth problem in its words:
	 * "Not authenticated", "Use of API key is not enabled ...". */
	if (reason != NULL) {
		check_quote(check, reason, strlen(reason), PUSH_MSG_MAX, body,
			    sizeof(body));
		check_verdict(result, false, "HTTP %ld: %s%s", resp->status, body,
			      key_refused ? " (check the API key and that API keys "
					    "are enabled)" : "");
	} else {
		check_snippet(check, resp, body, sizeof(body));
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

/*
 * A target url ending in /api gets Open WebUI's web page for /api/health
 * and /api/api/models: say what to fix rather than only "not JSON".
 */
static void base_url_hint(const struct check *check,
			  const struct http_response *resp,
			  struct check_result *result)
{
	char was[CHECK_MSG_MAX];

	if (!check->url_is_api || resp->status != 200 || is_json_type(resp->content_type))
		return;
	snprintf(was, sizeof(was), "%s", result->msg);
	check_verdict(result, false, "%s: give the base URL of Open WebUI, without /api",
		      was);
}

static int judge_health(const struct check *check,
			const struct http_response *resp,
			struct check_result *result, struct kp_err *err)
{
	struct json_doc *doc = NULL;
	char raw[CHECK_SNIPPET_MAX];

	if (!check_parse_json_body(resp, &doc, result, err)) {
		base_url_hint(check, resp, result);
		return err->status == KP_ENOMEM ? -1 : 0;
	}
	if (json_type(doc, 0) == JSON_OBJECT &&
	    json_type(doc, json_get(doc, 0, "status")) == JSON_TRUE) {
		check_verdict(result, true, "OK");
	} else {
		check_snippet(check, resp, raw, sizeof(raw));
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
	char counted[32] = "", missing[CHECK_MSG_MAX];
	bool pass = false;
	int data;

	if (!check_parse_json_body(resp, &doc, result, err)) {
		base_url_hint(check, resp, result);
		return err->status == KP_ENOMEM ? -1 : 0;
	}
	data = json_get(doc, 0, "data");
	if (json_type(doc, 0) == JSON_OBJECT && json_type(doc, data) == JSON_ARRAY)
		snprintf(counted, sizeof(counted), "%zu model%s",
			 json_count(doc, data), json_count(doc, data) == 1 ? "" : "s");
	if (check_missing_models(check, doc, data, missing, sizeof(missing), err) != 0 ||
	    check_query(check, doc, &pass, &reason) != 0) {
		json_free(doc);
		if (reason.status == KP_ENOMEM)
			*err = reason;
		return -1;
	}
	json_free(doc);
	/* Both must hold; the list comes first, it is the likelier news. */
	if (missing[0] != '\0')
		check_verdict(result, false, "%s", missing);
	else if (pass)
		check_verdict(result, true, "%s", counted[0] ? counted : "query holds");
	else
		check_verdict(result, false, "%s%s%s", counted, counted[0] ? ": " : "",
			reason.msg);
	return 0;
}

static int judge(const struct check *check, const struct http_response *resp,
		 struct check_result *result, struct kp_err *err);

int check_judge(const struct check *check, const struct http_response *resp,
		struct check_result *result, struct kp_err *err)
{
	struct kp_err local = { KP_OK, "" };
	int rc = judge(check, resp, result, &local);

	/* Whatever the judges quoted (curl's error text too) passes the
	 * config's redactor once more before anyone sees it. */
	redact_in_place(check->redact, result->msg, sizeof(result->msg));
	finish_msg(result->msg);
	redact_in_place(check->redact, result->real_msg, sizeof(result->real_msg));
	finish_msg(result->real_msg);
	/* Kuma records no ping for a failure, nor should we chart one. */
	if (!result->up)
		result->ping_ms = -1;
	if (rc != 0 && err != NULL)
		*err = local;
	return rc;
}

/* The kind's own verdict, transport failures first. */
static int judge_kind(const struct check *check, const struct http_response *resp,
		      struct check_result *result, struct kp_err *err)
{
	if (resp->failure != HTTP_FAIL_NONE) {
		check_verdict(result, false, "%s", resp->error);
		if (resp->failure == HTTP_FAIL_NOMEM)
			return kp_err_nomem(err);
		return 0;
	}
	if ((unsigned)check->tier >= TIER_COUNT)
		return kp_err_set(err, KP_EINTERNAL, "unknown tier %d", (int)check->tier);
	if (kinds[check->tier].only_200 && resp->status != 200) {
		judge_http_error(check, resp, result);
		return 0;
	}
	return kinds[check->tier].judge(check, resp, result, err);
}

/* Kuma's "Upside Down Mode": everything inverted, transport failures too. */
static void upside_down(struct check_result *result)
{
	char msg[CHECK_MSG_MAX];

	snprintf(msg, sizeof(msg), "%s", result->msg);
	check_verdict(result, !result->up, "upside down: %s", msg);
}

/*
 * The thresholds every kind shares turn an up result down; the up msg is
 * kept in real_msg for --json. A certificate first: it will not heal by
 * itself, a slow answer may.
 */
static void thresholds(const struct check *check, struct check_result *result)
{
	char why[CHECK_MSG_MAX];
	long max_ms = (long)(check->net.max_latency_s * 1000.0 + 0.5);

	if (!result->up)
		return;
	result->no_retry = cert_expiry_msg(result->cert_not_after, (int64_t)time(NULL),
					   check->net.tls_expiry_warn_days, why,
					   sizeof(why));
	if (!result->no_retry) {
		if (check->net.max_latency_s <= 0 ||
		    result->timings.total_ms <= check->net.max_latency_s * 1000.0)
			return;
		snprintf(why, sizeof(why), "slow: %ld ms > %ld ms",
			 (long)(result->timings.total_ms + 0.5), max_ms);
	}
	snprintf(result->real_msg, sizeof(result->real_msg), "%s", result->msg);
	check_verdict(result, false, "%s", why);
}

static int judge(const struct check *check, const struct http_response *resp,
		 struct check_result *result, struct kp_err *err)
{
	double total = resp->timings.total_ms;

	memset(result, 0, sizeof(*result));
	result->http_status = resp->status;
	result->timings = resp->timings;
	result->cert_not_after = resp->cert_not_after;
	/* Kuma stores ping=0 as "no ping": an up result's ping is at least 1
	 * (a down one has none, see check_judge). */
	result->ping_ms = (long)(total + 0.5);
	if (result->ping_ms < 1)
		result->ping_ms = 1;
	if (judge_kind(check, resp, result, err) != 0)
		return -1;
	if (check->upside_down)
		upside_down(result);
	thresholds(check, result);
	return 0;
}
