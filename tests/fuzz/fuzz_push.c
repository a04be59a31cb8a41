/* SPDX-License-Identifier: MIT */
/*
 * fuzz_push.c: push URL resolution, masking and building, and the judgement
 * of Kuma's answer. Input: one flag byte (bit 0: up, bit 1: a ping is
 * given, bit 2: no kuma.url), then NUL-separated fields KUMA_URL, PUSH,
 * MSG, PING, HTTP_STATUS, CONTENT_TYPE and BODY (the rest, NULs and all).
 * Invariants are the ones Kuma and a person rely on: one status, one msg,
 * at most one ping; msg decodes to at most PUSH_MSG_MAX clean characters;
 * a masked URL never shows the token.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "push.h"

/* The next NUL-terminated field as an exact-size copy ("" past the end). */
static char *next_field(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *nul = *p < end ? memchr(*p, '\0', (size_t)(end - *p)) : NULL;
	size_t len = *p < end ? (size_t)((nul ? nul : end) - *p) : 0;
	char *field = malloc(len + 1);

	FUZZ_CHECK(field != NULL);
	if (len > 0)
		memcpy(field, *p, len);
	field[len] = '\0';
	*p = nul != NULL ? nul + 1 : end;
	return field;
}

static bool has_ctl_or_space(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
			return true;
	return false;
}

static bool has_ctl(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* A token a person would call a secret: long enough not to be a word. */
static bool secret_like(const char *token, size_t len)
{
	size_t i;

	if (len < 12)
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)token[i]))
			return false;
	return true;
}

/* memmem(3) is a GNU extension; this is all we need of it. */
static bool contains(const char *hay, size_t hay_len, const char *needle,
		     size_t needle_len)
{
	size_t i;

	if (needle_len > hay_len)
		return false;
	for (i = 0; i + needle_len <= hay_len; i++)
		if (memcmp(hay + i, needle, needle_len) == 0)
			return true;
	return false;
}

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decodes the percent-encoded value[0..len) into out (room for len + 1). */
static size_t percent_decode(const char *value, size_t len, char *out)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (value[i] == '%') {
			FUZZ_CHECK(i + 2 < len && hex(value[i + 1]) >= 0 &&
				   hex(value[i + 2]) >= 0);
			out[n++] = (char)(hex(value[i + 1]) * 16 + hex(value[i + 2]));
			i += 2;
		} else {
			/* curl escapes everything but RFC 3986 unreserved. */
			FUZZ_CHECK(isalnum((unsigned char)value[i]) || value[i] == '-' ||
				   value[i] == '.' || value[i] == '_' || value[i] == '~');
			out[n++] = value[i];
		}
	}
	out[n] = '\0';
	return n;
}

/* Printable ASCII words separated by single spaces: sent as is. */
static bool plain_msg(const char *msg)
{
	size_t i, len = strlen(msg);

	if (len == 0 || len > PUSH_MSG_MAX || msg[0] == ' ' || msg[len - 1] == ' ')
		return false;
	for (i = 0; i < len; i++) {
		if ((unsigned char)msg[i] < 0x20 || (unsigned char)msg[i] >= 0x7f)
			return false;
		if (msg[i] == ' ' && msg[i + 1] == ' ')
			return false;
	}
	return true;
}

static void check_msg(const char *value, size_t len, const char *msg)
{
	char *decoded = malloc(len + 1);
	size_t n, i, chars = 0;

	FUZZ_CHECK(decoded != NULL);
	n = percent_decode(value, len, decoded);
	FUZZ_CHECK(strlen(decoded) == n); /* no NUL smuggled in */
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)decoded[i];

		FUZZ_CHECK(c >= 0x20 && c != 0x7f);
		if ((c & 0xC0) != 0x80)
			chars++;
	}
	FUZZ_CHECK(chars <= PUSH_MSG_MAX);
	/* A cut at PUSH_MSG_MAX may end on the space between two words. */
	FUZZ_CHECK(n == 0 || decoded[0] != ' ');
	FUZZ_CHECK(n == 0 || decoded[n - 1] != ' ' || chars == PUSH_MSG_MAX);
	FUZZ_CHECK(strstr(decoded, "  ") == NULL);
	if (plain_msg(msg))
		FUZZ_CHECK(strcmp(decoded, msg) == 0);
	free(decoded);
}

/* The query of a built URL: exactly status, msg and (maybe) ping. */
static void check_built(const char *url, const char *base, bool up,
			const char *msg, long ping_ms, bool clean_inputs)
{
	size_t base_len = strlen(base);
	const char *q, *end;
	int n_status = 0, n_msg = 0, n_ping = 0, n_other = 0;

	FUZZ_CHECK(strncmp(url, base, base_len) == 0);
	FUZZ_CHECK(url[base_len] == '?');
	FUZZ_CHECK(strchr(url + base_len + 1, '?') == NULL);
	FUZZ_CHECK(strchr(url, '#') == NULL);
	FUZZ_CHECK(!has_ctl_or_space(url + base_len, strlen(url + base_len)));
	if (clean_inputs)
		FUZZ_CHECK(!has_ctl_or_space(url, strlen(url)));
	for (q = url + base_len + 1; *q != '\0'; q = *end ? end + 1 : end) {
		size_t len;

		end = q + strcspn(q, "&");
		len = (size_t)(end - q);
		if (len > 7 && strncmp(q, "status=", 7) == 0) {
			n_status++;
			FUZZ_CHECK(len - 7 == strlen(up ? "up" : "down") &&
				   strncmp(q + 7, up ? "up" : "down", len - 7) == 0);
		} else if (len >= 4 && strncmp(q, "msg=", 4) == 0) {
			n_msg++;
			check_msg(q + 4, len - 4, msg);
		} else if (len > 5 && strncmp(q, "ping=", 5) == 0) {
			char want[32];

			n_ping++;
			snprintf(want, sizeof(want), "%ld", ping_ms < 1 ? 1 : ping_ms);
			FUZZ_CHECK(len - 5 == strlen(want) &&
				   strncmp(q + 5, want, len - 5) == 0);
		} else {
			n_other++;
		}
	}
	FUZZ_CHECK(n_status == 1 && n_msg == 1 && n_other == 0);
	FUZZ_CHECK(n_ping == (ping_ms >= 0 ? 1 : 0));
}

/* The password span of "scheme://user:PASSWORD@host" (the last '@' of the
 * authority ends the userinfo, its first ':' starts the password). */
static size_t password_span(const char *url, size_t *len)
{
	const char *auth = strstr(url, "://"), *at = NULL, *colon;
	size_t end;

	*len = 0;
	if (auth == NULL)
		return 0;
	auth += 3;
	end = strcspn(auth, "/?#");
	for (size_t i = 0; i < end; i++)
		if (auth[i] == '@')
			at = auth + i;
	if (at == NULL || (colon = memchr(auth, ':', (size_t)(at - auth))) == NULL)
		return 0;
	*len = (size_t)(at - colon - 1);
	return (size_t)(colon + 1 - url);
}

/* push_mask(url): the userinfo password and the token, if any, each
 * replaced by "***", nothing else. */
static void check_mask(const char *url)
{
	size_t token_len = 0, token_at = 0, pw_len, pw_at = password_span(url, &pw_len);
	const char *token = push_token(url, &token_len);
	char *masked = push_mask(url), *want, *w, *secret;
	size_t url_len = strlen(url), at = 0;

	FUZZ_CHECK(masked != NULL);
	if (token == NULL)
		token_len = 0;
	else
		token_at = (size_t)(token - url);
	want = malloc(url_len + 7);
	FUZZ_CHECK(want != NULL);
	w = want;
	if (pw_len > 0) {
		memcpy(w, url, pw_at);
		w += pw_at;
		memcpy(w, "***", 3);
		w += 3;
		at = pw_at + pw_len;
	}
	if (token_len > 0 && token_at >= at) {
		memcpy(w, url + at, token_at - at);
		w += token_at - at;
		memcpy(w, "***", 3);
		w += 3;
		at = token_at + token_len;
	}
	strcpy(w, url + at);
	FUZZ_CHECK(strcmp(masked, want) == 0);
	free(want);
	if (token_len == 0 || token_at < pw_at + pw_len) {
		free(masked);
		return;
	}
	/* Whatever surrounds it, a real token never shows through. */
	secret = malloc(token_len + 1);
	FUZZ_CHECK(secret != NULL);
	memcpy(secret, token, token_len);
	secret[token_len] = '\0';
	if (secret_like(secret, token_len) &&
	    strstr(url + token_at + token_len, secret) == NULL &&
	    !contains(url, token_at, secret, token_len))
		FUZZ_CHECK(strstr(masked, secret) == NULL);
	free(secret);
	free(masked);
}

/*
 * The configured token, when it shows only once in url (as its token, not
 * also as a word of the host), never shows in the masked url.
 */
static void check_hidden(const char *url, const char *token, size_t len)
{
	size_t url_len = strlen(url);
	char *masked;

	if (token == NULL || !secret_like(token, len))
		return;
	if (!contains(url, url_len, token, len))
		return; /* the full URL's token was not kept: nothing to hide */
	{
		const char *first = url;

		while (memcmp(first, token, len) != 0)
			first++;
		if (contains(first + 1, strlen(first + 1), token, len))
			return;
	}
	masked = push_mask(url);
	FUZZ_CHECK(masked != NULL);
	FUZZ_CHECK(!contains(masked, strlen(masked), token, len));
	free(masked);
}

static void check_judge(long status, const char *content_type,
			const char *body, size_t body_len)
{
	char why[256], tiny[8];
	enum push_verdict v;

	memset(why, 'x', sizeof(why));
	v = push_judge(status, content_type, body, body_len, why, sizeof(why));
	FUZZ_CHECK(v >= PUSH_ACCEPTED && v <= PUSH_WRONG_URL);
	FUZZ_CHECK(memchr(why, '\0', sizeof(why)) != NULL);
	FUZZ_CHECK(why[0] != '\0');
	if (v == PUSH_ACCEPTED)
		FUZZ_CHECK(status == 200);
	if (!has_ctl(content_type))
		FUZZ_CHECK(!has_ctl(why));
	memset(tiny, 'x', sizeof(tiny));
	FUZZ_CHECK(push_judge(status, content_type, body, body_len, tiny,
			      sizeof(tiny)) == v);
	FUZZ_CHECK(memchr(tiny, '\0', sizeof(tiny)) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	uint8_t flags = size > 0 ? data[0] : 0;
	char *kuma, *push, *msg, *ping, *status, *content_type, *body, *base, *url;
	size_t body_len, token_len, given_len = 0;
	const char *given;
	struct kp_err err = { KP_OK, "" };
	long ping_ms = -1, http_status;
	bool up = flags & 1;

	if (size > 0)
		p++;
	kuma = next_field(&p, end);
	push = next_field(&p, end);
	msg = next_field(&p, end);
	ping = next_field(&p, end);
	status = next_field(&p, end);
	content_type = next_field(&p, end);
	body_len = (size_t)(end - p);
	body = malloc(body_len > 0 ? body_len : 1);
	FUZZ_CHECK(body != NULL);
	if (body_len > 0)
		memcpy(body, p, body_len);
	if (flags & 2)
		ping_ms = strtol(ping, NULL, 10);
	http_status = strtol(status, NULL, 10);

	/* The secret the user configured: the bare token or the URL's. */
	given = strstr(push, "://") ? push_token(push, &given_len) : push;
	if (given == push)
		given_len = strlen(push);
	base = push_base_resolve(flags & 4 ? NULL : kuma, push, &err);
	if (base == NULL) {
		FUZZ_CHECK(err.status == KP_EINVAL);
		FUZZ_CHECK(err.msg[0] != '\0');
		if (given != NULL && secret_like(given, given_len))
			FUZZ_CHECK(!contains(err.msg, strlen(err.msg), given, given_len));
	} else {
		size_t blen = strlen(base);

		FUZZ_CHECK(strstr(base, "/api/push/") != NULL);
		FUZZ_CHECK(strpbrk(base, "?#") == NULL);
		FUZZ_CHECK(blen > 0 && base[blen - 1] != '/');
		FUZZ_CHECK(push_token(base, &token_len) != NULL && token_len > 0);
		check_mask(base);
		check_hidden(base, given, given_len);
		url = push_url_build(base, up, msg, ping_ms, &err);
		FUZZ_CHECK(url != NULL);
		check_built(url, base, up, msg, ping_ms,
			    !has_ctl_or_space(push, strlen(push)) &&
			    ((flags & 4) || strstr(push, "://") != NULL ||
			     !has_ctl_or_space(kuma, strlen(kuma))));
		check_mask(url);
		check_hidden(url, given, given_len);
		free(url);
		free(base);
	}
	check_mask(push);
	check_mask(kuma);
	check_judge(http_status, content_type, body, body_len);

	free(kuma);
	free(push);
	free(msg);
	free(ping);
	free(status);
	free(content_type);
	free(body);
	return 0;
}
