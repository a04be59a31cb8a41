/* SPDX-License-Identifier: MIT */
/*
 * config_secrets.c: the redactor of a configuration, built once at load
 * from every secret it holds: API keys, push tokens, configured header
 * values, and passwords in URLs (targets, checks, kuma, pushes, proxies).
 */
#include "config_impl.h"

#include <string.h>

#include "push.h"
#include "redact.h"

/* The password of "scheme://user:PASSWORD@host/...": pointer and length. */
static const char *url_password(const char *url, size_t *len)
{
	const char *auth = strstr(url, "://"), *end, *at, *colon;

	*len = 0;
	if (auth == NULL)
		return NULL;
	auth += 3;
	end = auth + strcspn(auth, "/?#");
	at = NULL;
	for (colon = auth; colon < end; colon++)
		if (*colon == '@')
			at = colon; /* the last '@' ends the userinfo */
	if (at == NULL)
		return NULL;
	colon = memchr(auth, ':', (size_t)(at - auth));
	if (colon == NULL)
		return NULL;
	*len = (size_t)(at - colon - 1);
	return colon + 1;
}

static int add_url(struct redactor *r, const char *url)
{
	size_t len;
	const char *pw;

	if (url == NULL)
		return 0;
	pw = url_password(url, &len);
	return pw != NULL ? redactor_add(r, pw, len) : 0;
}

static int add_net(struct redactor *r, const struct net_opts *net)
{
	return add_url(r, net->proxy);
}

static int add_check(struct redactor *r, const struct check *c)
{
	size_t len = 0, i;
	const char *token = c->push_url != NULL ? push_token(c->push_url, &len)
						: NULL;

	if (token != NULL && redactor_add(r, token, len) != 0)
		return -1;
	if (add_url(r, c->push_url) != 0 || add_url(r, c->url) != 0 ||
	    add_net(r, &c->net) != 0)
		return -1;
	for (i = 0; i < c->n_headers; i++)
		if (c->headers[i].value != NULL && redactor_add(r, c->headers[i].value,
				 strlen(c->headers[i].value)) != 0)
			return -1;
	return 0;
}

int cfg_secrets(struct config *cfg)
{
	struct redactor *r = redactor_new();
	size_t i;

	if (r == NULL)
		return -1;
	cfg->redact = r;
	if (add_url(r, cfg->kuma_url) != 0 || add_net(r, &cfg->kuma_net) != 0)
		return -1;
	for (i = 0; i < cfg->n_targets; i++) {
		const struct target *t = &cfg->targets[i];

		if (t->api_key != NULL &&
		    redactor_add(r, t->api_key, strlen(t->api_key)) != 0)
			return -1;
		if (add_url(r, t->url) != 0)
			return -1;
	}
	for (i = 0; i < cfg->n_checks; i++) {
		if (add_check(r, &cfg->checks[i]) != 0)
			return -1;
		cfg->checks[i].redact = r;
	}
	return 0;
}
