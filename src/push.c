/* SPDX-License-Identifier: MIT */
/* push.c: Uptime Kuma push URLs and Kuma's answers (pure: no I/O). */
#include "push.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "http.h"
#include "json.h"
#include "util.h"

#define PUSH_PATH "/api/push/"

/* The last "/api/push/" of url: a token has no '/', so only the last one
 * can be followed by it (a kuma.url may carry another). NULL if none. */
static const char *find_push_path(const char *url, size_t len)
{
	const char *found = NULL, *p = url;
	size_t n = strlen(PUSH_PATH);

	while ((p = strstr(p, PUSH_PATH)) != NULL && (size_t)(p - url) + n <= len) {
		found = p;
		p++;
	}
	return found;
}

/* Kuma's generated tokens are alphanumeric; accept URL-safe characters. */
static bool token_char_ok(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.' ||
	       c == '~';
}

static bool token_ok(const char *token, size_t len)
{
	size_t i;

	if (len == 0)
		return false;
	for (i = 0; i < len; i++)
		if (!token_char_ok(token[i]))
			return false;
	return true;
}

static bool is_http_url(const char *url)
{
	return strncasecmp(url, "http://", 7) == 0 ||
	       strncasecmp(url, "https://", 8) == 0;
}

/* Full URL: keep scheme, host and path; drop query, fragment, final '/'. */
static char *resolve_full_url(const char *push, struct kp_err *err)
{
	size_t len = strcspn(push, "?#");
	const char *path, *token;
	char *base;

	while (len > 0 && push[len - 1] == '/')
		len--;
	if (!is_http_url(push)) {
		kp_err_set(err, KP_EINVAL, "push URL must start with http:// or https://");
		return NULL;
	}
	path = find_push_path(push, strcspn(push, "?#"));
	if (path == NULL) {
		kp_err_set(err, KP_EINVAL,
			   "not an Uptime Kuma push URL (expected .../api/push/TOKEN)");
		return NULL;
	}
	token = path + strlen(PUSH_PATH);
	if ((size_t)(token - push) > len ||
	    !token_ok(token, len - (size_t)(token - push))) {
		kp_err_set(err, KP_EINVAL,
			   "push URL has an empty or malformed token after /api/push/");
		return NULL;
	}
	base = kp_strndup(push, len);
	if (base == NULL)
		kp_err_nomem(err);
	return base;
}

char *push_base_resolve(const char *kuma_url, const char *push,
			struct kp_err *err)
{
	struct buf url;
	size_t base_len, token_len = strlen(push);

	if (strstr(push, "://") != NULL)
		return resolve_full_url(push, err);
	if (!token_ok(push, token_len)) {
		kp_err_set(err, KP_EINVAL,
			   "push token is empty or has characters other than letters, digits and -._~");
		return NULL;
	}
	if (kuma_url == NULL || *kuma_url == '\0') {
		kp_err_set(err, KP_EINVAL,
			   "push is a bare token but kuma.url is not set");
		return NULL;
	}
	if (!is_http_url(kuma_url)) {
		kp_err_set(err, KP_EINVAL, "kuma.url must start with http:// or https://");
		return NULL;
	}
	if (strstr(kuma_url, "/api/push") != NULL) {
		kp_err_set(err, KP_EINVAL,
			   "kuma.url is a push URL: give Kuma's base URL (https://status.example.net)");
		return NULL;
	}
	base_len = strcspn(kuma_url, "?#");
	while (base_len > 0 && kuma_url[base_len - 1] == '/')
		base_len--;
	buf_init(&url, base_len + strlen(PUSH_PATH) + token_len);
	if (buf_append(&url, kuma_url, base_len) != KP_OK ||
	    buf_append_str(&url, PUSH_PATH) != KP_OK ||
	    buf_append(&url, push, token_len) != KP_OK) {
		buf_free(&url);
		kp_err_nomem(err);
		return NULL;
	}
	return buf_steal(&url);
}

const char *push_token(const char *base_url, size_t *len)
{
	const char *path = find_push_path(base_url, strcspn(base_url, "?#"));
	const char *token;

	*len = 0;
	if (path == NULL)
		return NULL;
	token = path + strlen(PUSH_PATH);
	*len = strcspn(token, "/?#");
	return token;
}

/* The password in "scheme://user:PASSWORD@host": offset and length. */
static size_t userinfo_password(const char *url, size_t *len)
{
	const char *auth = strstr(url, "://"), *at = NULL, *colon, *p;
	size_t end;

	*len = 0;
	if (auth == NULL)
		return 0;
	auth += 3;
	end = strcspn(auth, "/?#");
	for (p = auth; p < auth + end; p++)
		if (*p == '@')
			at = p;
	if (at == NULL || (colon = memchr(auth, ':', (size_t)(at - auth))) == NULL)
		return 0;
	*len = (size_t)(at - colon - 1);
	return (size_t)(colon + 1 - url);
}

char *push_mask(const char *url)
{
	size_t token_len, pw_len, pw_at = userinfo_password(url, &pw_len);
	const char *token = push_token(url, &token_len);
	size_t token_at = token != NULL ? (size_t)(token - url) : 0;
	struct buf masked;
	enum kp_status status;

	if (token == NULL || token_len == 0)
		token_len = 0;
	buf_init(&masked, strlen(url) + 7);
	/* userinfo comes before the path's token */
	if (pw_len > 0) {
		status = buf_append(&masked, url, pw_at);
		if (status == KP_OK)
			status = buf_append_str(&masked, "***");
	} else {
		status = buf_append(&masked, url, 0);
		pw_at = 0;
	}
	if (status == KP_OK && token_len > 0 && token_at >= pw_at + pw_len) {
		status = buf_append(&masked, url + pw_at + pw_len,
				    token_at - pw_at - pw_len);
		if (status == KP_OK)
			status = buf_append_str(&masked, "***");
		if (status == KP_OK)
			status = buf_append_str(&masked, url + token_at + token_len);
	} else if (status == KP_OK) {
		status = buf_append_str(&masked, url + pw_at + pw_len);
	}
	if (status != KP_OK) {
		buf_free(&masked);
		return NULL;
	}
	if (masked.data == NULL)
		return kp_strdup("");
	return buf_steal(&masked);
}

/* Cuts s to at most max_chars UTF-8 characters, in place. */
static void cut_chars(char *s, size_t max_chars)
{
	size_t chars = 0, i;

	for (i = 0; s[i] != '\0'; i++) {
		if (((unsigned char)s[i] & 0xC0) == 0x80)
			continue;
		if (chars == max_chars) {
			s[i] = '\0';
			return;
		}
		chars++;
	}
}

char *push_url_build(const char *base_url, bool up, const char *msg,
		     long ping_ms, struct kp_err *err)
{
	char clean[PUSH_MSG_MAX * 4 + 1];
	char *escaped;
	struct buf url;
	enum kp_status status;

	kp_sanitize_into(clean, sizeof(clean), msg, strlen(msg));
	cut_chars(clean, PUSH_MSG_MAX);
	while (clean[0] != '\0' && clean[strlen(clean) - 1] == ' ')
		clean[strlen(clean) - 1] = '\0';
	escaped = http_escape(clean, strlen(clean));
	if (escaped == NULL) {
		kp_err_nomem(err);
		return NULL;
	}
	buf_init(&url, 64 * 1024);
	status = buf_printf(&url, "%s?status=%s&msg=%s", base_url,
			    up ? "up" : "down", escaped);
	if (status == KP_OK && ping_ms >= 0)
		status = buf_printf(&url, "&ping=%ld", ping_ms < 1 ? 1 : ping_ms);
	free(escaped);
	if (status != KP_OK) {
		buf_free(&url);
		kp_err_set(err, status == KP_ENOMEM ? KP_ENOMEM : KP_EINVAL,
			   status == KP_ENOMEM ? "out of memory" : "push URL too long");
		return NULL;
	}
	return buf_steal(&url);
}

/* Kuma's {"ok":bool,"msg":"..."}: -1 not that shape, else ok as 0/1. */
static int kuma_answer(const char *body, size_t body_len, char *msg,
		       size_t msg_size)
{
	struct json_doc *doc = NULL;
	enum json_type ok_type;
	int ok = -1, msg_node;
	char *text;

	msg[0] = '\0';
	if (json_parse(body, body_len, &doc, NULL) != 0)
		return -1;
	if (json_type(doc, 0) == JSON_OBJECT) {
		ok_type = json_type(doc, json_get(doc, 0, "ok"));
		if (ok_type == JSON_TRUE || ok_type == JSON_FALSE)
			ok = ok_type == JSON_TRUE;
		msg_node = json_get(doc, 0, "msg");
		text = json_string(doc, msg_node);
		if (text != NULL)
			kp_sanitize_into(msg, msg_size, text, strlen(text));
		free(text);
	}
	json_free(doc);
	return ok;
}

enum push_verdict push_judge(long http_status, const char *content_type,
			     const char *body, size_t body_len, char *why,
			     size_t why_size)
{
	char kuma_msg[200];
	int ok = kuma_answer(body, body_len, kuma_msg, sizeof(kuma_msg));
	const char *type = *content_type ? content_type : "no content type";

	if (http_status == 200 && ok == 1) {
		snprintf(why, why_size, "accepted");
		return PUSH_ACCEPTED;
	}
	if (ok == 0) {
		snprintf(why, why_size, "Kuma refused the push (HTTP %ld): %s",
			 http_status, kuma_msg[0] ? kuma_msg : "no reason given");
		return http_status == 429 || http_status >= 500 ? PUSH_RETRY
								 : PUSH_REJECTED;
	}
	if (http_status == 429 || http_status >= 500) {
		snprintf(why, why_size, "Kuma answered HTTP %ld", http_status);
		return PUSH_RETRY;
	}
	if (http_status >= 200 && http_status < 400) {
		snprintf(why, why_size,
			 "wrong push URL: not a Kuma push endpoint (HTTP %ld %s)",
			 http_status, type);
		return PUSH_WRONG_URL;
	}
	snprintf(why, why_size, "HTTP %ld %s from the push URL: check it",
		 http_status, type);
	return PUSH_REJECTED;
}

void push_redirect_why(long http_status, const char *location, char *why,
		       size_t why_size)
{
	char *masked = location != NULL && *location ? push_mask(location) : NULL;

	/* kuma.url is what people copy from the browser: often http:// behind
	 * a proxy that moves everything to https://. */
	snprintf(why, why_size,
		 "Kuma redirects the push (HTTP %ld) to %s: use that address in "
		 "kuma.url or push, or set follow_redirects = true in the kuma "
		 "block (follow_redirects applies to kuma too)",
		 http_status, masked != NULL ? masked : "no Location");
	free(masked);
}
