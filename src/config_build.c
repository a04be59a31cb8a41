/* SPDX-License-Identifier: MIT */
/*
 * config_build.c: the libconfig tree into struct config: the top level,
 * defaults, kuma and the generic HTTP checks (targets: config_target.c),
 * plus the typed getters every block uses.
 */
#include "config_impl.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_url.h"
#include "push.h"
#include "util.h"

static const char *const root_keys[] = {
	"kuma",	 "defaults",	 "targets", "checks",	    "run_timeout",
	"lock_file", "metrics_file", "log",	    "max_parallel", NULL};
static const char *const kuma_keys[] = {"url", NULL};
static const char *const no_keys[] = {NULL};
static const char *const check_keys[] = {
	"name",	       "url",	       "method",      "headers",
	"body",	       "push",	       "status",      "keyword",
	"invert_keyword", "regex",     "invert_regex", "upside_down",
	"query",       "expected",     "operator",    "compare",
	NULL};

bool cfg_has_ctl(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

void *cfg_zalloc(size_t n, size_t size)
{
	void *p;

	if (n == 0 || size > SIZE_MAX / n)
		return NULL;
	p = malloc(n * size);
	if (p != NULL)
		memset(p, 0, n * size);
	return p;
}

bool cfg_is_group(struct loader *ld, const config_setting_t *s)
{
	if (config_setting_is_group(s))
		return true;
	cfg_error(ld, s, "expected a group { ... }, got %s",
		  cfg_type_name(config_setting_type(s)));
	return false;
}

static bool in_list(const char *const *list, const char *name)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, name) == 0)
			return true;
	return false;
}

void cfg_keys(struct loader *ld, const config_setting_t *blk,
	      const char *const *own, enum net_allow net,
	      struct net_layer *layer)
{
	int i, n = config_setting_length(blk), key;
	char allowed[512];
	size_t used = 0;
	const char *const *k;
	bool with_push;

	allowed[0] = '\0';
	for (k = own; *k != NULL && used < sizeof(allowed); k++)
		used += (size_t)snprintf(allowed + used, sizeof(allowed) - used,
					 "%s%s", used ? ", " : "", *k);
	/* push_file and push_env go wherever push does. */
	with_push = in_list(own, "push");
	if (with_push && used < sizeof(allowed))
		used += (size_t)snprintf(allowed + used, sizeof(allowed) - used,
					 ", push_file, push_env");
	if (net != NET_NONE && used < sizeof(allowed))
		snprintf(allowed + used, sizeof(allowed) - used, "%s%s",
			 used ? ", " : "", net_key_list());

	for (i = 0; i < n; i++) {
		const config_setting_t *m =
			config_setting_get_elem(blk, (unsigned)i);
		const char *name = config_setting_name(m);

		if (in_list(own, name) ||
		    (with_push && (strcmp(name, "push_file") == 0 ||
				   strcmp(name, "push_env") == 0)))
			continue;
		key = net == NET_NONE ? -1 : net_key_find(name);
		if (key >= 0) {
			net_setting_parse(ld, m, key, layer, net == NET_CHECK);
			continue;
		}
		cfg_error(ld, m, "unknown setting \"%s\" (allowed here: %s)",
			  name, allowed);
	}
}

const char *cfg_string(struct loader *ld, const config_setting_t *blk,
		       const char *name, int flags,
		       const config_setting_t **where)
{
	const config_setting_t *m = config_setting_get_member(blk, name);
	const char *v;

	if (where != NULL)
		*where = m;
	if (m == NULL) {
		if (flags & CFG_REQUIRED)
			cfg_error_in(ld, blk, name, "missing required setting");
		return NULL;
	}
	if (config_setting_type(m) != CONFIG_TYPE_STRING) {
		cfg_error(ld, m, "expected a string, got %s",
			  cfg_type_name(config_setting_type(m)));
		return NULL;
	}
	v = config_setting_get_string(m);
	if ((flags & CFG_NONEMPTY) && *v == '\0') {
		cfg_error(ld, m, "must not be empty");
		return NULL;
	}
	return v;
}

void cfg_string_dup(struct loader *ld, const config_setting_t *blk,
		    const char *name, int flags, const char *dflt, char **out,
		    const config_setting_t **where)
{
	const config_setting_t *m;
	const char *v = cfg_string(ld, blk, name, flags, &m);

	if (where != NULL)
		*where = m;
	if ((v != NULL || m == NULL) && (*out = kp_strdup(v ? v : dflt)) == NULL)
		cfg_nomem(ld);
}

/* URLs are not echoed: they may carry a user:password@. */
char *cfg_url(struct loader *ld, const config_setting_t *s, const char *v,
	      bool base)
{
	const char *host, *p;
	size_t skip, len;
	char *url, why[128];

	if (strncasecmp(v, "http://", 7) == 0)
		skip = 7;
	else if (strncasecmp(v, "https://", 8) == 0)
		skip = 8;
	else {
		cfg_error(ld, s, "expected an http:// or https:// URL");
		return NULL;
	}
	for (p = v; *p != '\0'; p++) {
		if ((unsigned char)*p <= 0x20 || *p == 0x7f) {
			cfg_error(ld, s, "URL contains whitespace or control "
					 "characters");
			return NULL;
		}
	}
	host = v + skip;
	p = host + strcspn(host, "/?#");
	if (memchr(host, '@', (size_t)(p - host)) != NULL)
		host = (const char *)memchr(host, '@', (size_t)(p - host)) + 1;
	if (p == host || *host == ':') {
		cfg_error(ld, s, "URL has no host");
		return NULL;
	}
	len = strlen(v);
	if (base) {
		if (strpbrk(v, "?#") != NULL) {
			cfg_error(ld, s, "base URL must not have a query or "
					 "fragment");
			return NULL;
		}
		while (len > skip && v[len - 1] == '/')
			len--;
	}
	/* libcurl's own parser: -n rejects what every run would. */
	if (!http_url_ok(v, why, sizeof(why))) {
		if (strcmp(why, "out of memory") == 0)
			cfg_nomem(ld);
		else
			cfg_error(ld, s, "libcurl rejects this URL: %s", why);
		return NULL;
	}
	url = kp_strndup(v, len);
	if (url == NULL)
		cfg_nomem(ld);
	return url;
}

/*
 * push.c's message might quote what it was given; a token is a secret, so
 * such a message is replaced.
 */
static const char *push_why(const char *msg, const char *push)
{
	const char *tok = strstr(push, "/api/push/");
	size_t n;
	char token[128];

	tok = tok ? tok + strlen("/api/push/") : push;
	n = strcspn(tok, "/?#");
	if (n >= sizeof(token))
		n = sizeof(token) - 1;
	memcpy(token, tok, n);
	token[n] = '\0';
	if (strstr(msg, push) != NULL || (n > 0 && strstr(msg, token) != NULL))
		return "not a push token or an Uptime Kuma push URL";
	return msg;
}

/* Cuts white space around s in place (a token read from a file). */
static char *trim(char *s)
{
	size_t len;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
			   s[len - 1] == '\n' || s[len - 1] == '\r'))
		s[--len] = '\0';
	return s;
}

char *cfg_push(struct loader *ld, const struct config *cfg,
	       const config_setting_t *blk)
{
	const config_setting_t *m;
	char *secret = cfg_secret_get(ld, blk, "push", "a push token",
				      CFG_NONEMPTY, &m);
	struct kp_err perr = {KP_OK, ""};
	char *url = NULL;
	const char *v;

	if (m == NULL) {
		cfg_error_in(ld, blk, "push",
			     "missing required setting (the push token or "
			     "URL of this check's Kuma monitor)");
		return NULL;
	}
	if (secret == NULL)
		return NULL;
	v = trim(secret);
	if (*v == '\0') {
		cfg_error(ld, m, "the push token is empty");
	} else if (strstr(v, "://") == NULL && cfg->kuma_url == NULL) {
		if (!ld->kuma_url_bad)
			cfg_error(ld, m, "push is a bare token but kuma.url "
					 "is not set (set kuma.url or use the "
					 "full push URL)");
	} else {
		url = push_base_resolve(cfg->kuma_url, v, &perr);
		if (url == NULL && perr.status == KP_ENOMEM)
			cfg_nomem(ld);
		else if (url == NULL)
			cfg_error(ld, m, "invalid push URL: %s",
				  push_why(perr.msg, v));
	}
	cfg_wipe_free(secret);
	if (url != NULL && !cfg_push_unique(ld, cfg, m, url)) {
		free(url);
		url = NULL;
	}
	return url;
}

static void load_kuma(struct loader *ld, struct config *cfg,
		      const config_setting_t *blk, struct net_layer *layer)
{
	const config_setting_t *m;
	const char *v;

	if (!cfg_is_group(ld, blk)) {
		ld->kuma_url_bad = true;
		return;
	}
	cfg_keys(ld, blk, kuma_keys, NET_CHECK, layer);
	if (layer->set[NK_MAX_LATENCY] != NULL) {
		cfg_error(ld, layer->set[NK_MAX_LATENCY],
			  "max_latency applies to checks, not to pushes");
		layer->set[NK_MAX_LATENCY] = NULL;
	}
	v = cfg_string(ld, blk, "url", CFG_NONEMPTY, &m);
	if (v != NULL) {
		cfg->kuma_url = cfg_url(ld, m, v, true);
		if (cfg->kuma_url == NULL)
			ld->kuma_url_bad = true; /* reported, or OOM */
	} else if (m != NULL) {
		ld->kuma_url_bad = true;
	}
}

static bool token_char(char c)
{
	return isalnum((unsigned char)c) || strchr("!#$%&'*+-.^_`|~", c);
}

/* "Name: value"; values are not echoed (Authorization, say). */
static void load_headers(struct loader *ld, struct check *c,
			 const config_setting_t *s)
{
	int i, n;

	if (s == NULL)
		return;
	if (!config_setting_is_list(s) && !config_setting_is_array(s)) {
		cfg_error(ld, s, "expected a list of \"Name: value\" strings, "
				 "got %s",
			  cfg_type_name(config_setting_type(s)));
		return;
	}
	n = config_setting_length(s);
	if (n == 0)
		return;
	c->headers = cfg_zalloc((size_t)n, sizeof(*c->headers));
	if (c->headers == NULL) {
		cfg_nomem(ld);
		return;
	}
	for (i = 0; i < n; i++) {
		const config_setting_t *e =
			config_setting_get_elem(s, (unsigned)i);
		const char *h, *colon, *val, *p;
		struct header *hd;

		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			cfg_error(ld, e, "expected a string, got %s",
				  cfg_type_name(config_setting_type(e)));
			continue;
		}
		h = config_setting_get_string(e);
		colon = strchr(h, ':');
		for (p = h; colon != NULL && p < colon && token_char(*p); p++)
			;
		if (colon == NULL || colon == h || p != colon) {
			cfg_error(ld, e, "expected \"Name: value\" with a "
					 "header name of letters, digits or "
					 "-_.!#$%%&'*+^`|~");
			continue;
		}
		val = colon + 1;
		while (*val == ' ' || *val == '\t')
			val++;
		for (p = val; *p != '\0'; p++)
			if (((unsigned char)*p < 0x20 && *p != '\t') ||
			    *p == 0x7f)
				break;
		if (*p != '\0') {
			cfg_error(ld, e, "header value contains control "
					 "characters");
			continue;
		}
		hd = &c->headers[c->n_headers];
		hd->name = kp_strndup(h, (size_t)(colon - h));
		hd->value = kp_strdup(val);
		c->n_headers++;
		cfg_warn_secret(ld, e, "a header value");
		if (hd->name == NULL || hd->value == NULL) {
			cfg_nomem(ld);
			return;
		}
	}
}

static const char *const methods[] = {"GET", "HEAD", "POST", "PUT",
				      "PATCH", "DELETE", "OPTIONS", NULL};

static void load_method(struct loader *ld, struct check *c,
			const config_setting_t *blk)
{
	const config_setting_t *m;
	const char *v = cfg_string(ld, blk, "method", 0, &m);
	size_t i;

	if (v == NULL) {
		if (m == NULL && (c->method = kp_strdup("GET")) == NULL)
			cfg_nomem(ld);
		return;
	}
	for (i = 0; methods[i] != NULL; i++)
		if (strcasecmp(methods[i], v) == 0)
			break;
	if (methods[i] == NULL) {
		cfg_error(ld, m, "unknown method \"%s\" (expected GET, HEAD, "
				 "POST, PUT, PATCH, DELETE or OPTIONS)",
			  v);
		return;
	}
	if ((c->method = kp_strdup(methods[i])) == NULL)
		cfg_nomem(ld);
}

static void load_check(struct loader *ld, struct config *cfg,
		       const config_setting_t *blk,
		       const struct net_layer *defaults)
{
	struct check *c = &cfg->checks[cfg->n_checks++];
	struct net_layer layer;
	const struct net_layer *layers[2] = {defaults, &layer};
	const config_setting_t *m;
	const char *v;
	size_t prev = 0;
	int added;

	memset(&layer, 0, sizeof(layer));
	c->tier = TIER_HTTP;
	c->target = -1;
	c->line = (int)config_setting_source_line(blk);
	if (!cfg_is_group(ld, blk))
		return;
	cfg_keys(ld, blk, check_keys, NET_CHECK, &layer);

	v = cfg_string(ld, blk, "name", CFG_REQUIRED | CFG_NONEMPTY, &m);
	if (v != NULL && cfg_has_ctl(v)) {
		cfg_error(ld, m, "name contains control characters");
	} else if (v != NULL && (c->name = kp_strdup(v)) == NULL) {
		cfg_nomem(ld);
	} else if (v != NULL) {
		added = strset_put(&ld->check_names, c->name, cfg->n_checks - 1, &prev);
		if (added < 0) {
			cfg_nomem(ld);
		} else if (added == 0) {
			cfg_error(ld, m, "duplicate check name \"%s\" (also at line %d)",
				  v, cfg->checks[prev].line);
			free(c->name);
			c->name = NULL;
		}
	}
	v = cfg_string(ld, blk, "url", CFG_REQUIRED | CFG_NONEMPTY, &m);
	if (v != NULL)
		c->url = cfg_url(ld, m, v, false);
	load_method(ld, c, blk);
	load_headers(ld, c, config_setting_get_member(blk, "headers"));
	v = cfg_string(ld, blk, "body", 0, NULL);
	if (v != NULL && (c->body = kp_strdup(v)) == NULL)
		cfg_nomem(ld);
	c->push_url = cfg_push(ld, cfg, blk);
	cfg_status(ld, c, config_setting_get_member(blk, "status"));
	cfg_body_rules(ld, c, blk);
	if (net_compose(ld, &c->net, layers, 2) != 0)
		cfg_nomem(ld);
}

/* A list of groups: ( { ... }, { ... } ); NULL if absent or reported. */
static const config_setting_t *group_list(struct loader *ld,
					  const config_setting_t *root,
					  const char *name)
{
	const config_setting_t *s = config_setting_get_member(root, name);

	if (s == NULL)
		return NULL;
	if (config_setting_is_list(s) ||
	    (config_setting_is_array(s) && config_setting_length(s) == 0))
		return s;
	cfg_error(ld, s, "expected a list ( { ... }, ... ), got %s",
		  cfg_type_name(config_setting_type(s)));
	return NULL;
}

static void load_globals(struct loader *ld, struct config *cfg,
			 const config_setting_t *root)
{
	const config_setting_t *m;
	const char *v;
	double num;

	cfg->max_parallel = 16;
	m = config_setting_get_member(root, "max_parallel");
	if (m != NULL && cfg_number_in(ld, m, true, 1, false, KP_MAX_PARALLEL, "", &num))
		cfg->max_parallel = (int)num;
	m = config_setting_get_member(root, "run_timeout");
	if (m != NULL &&
	    cfg_number_in(ld, m, false, 1, false, 86400, " s", &num))
		cfg->run_timeout_s = num;

	v = cfg_string(ld, root, "log", CFG_NONEMPTY, &m);
	if (v != NULL && strcmp(v, "stderr") != 0 && strcmp(v, "syslog") != 0)
		cfg_error(ld, m, "expected \"stderr\" or \"syslog\", got \"%s\"",
			  v);
	else if ((cfg->log = kp_strdup(v ? v : "stderr")) == NULL)
		cfg_nomem(ld);

	v = cfg_string(ld, root, "lock_file", CFG_NONEMPTY, &m);
	if (v != NULL && cfg_has_ctl(v))
		cfg_error(ld, m, "contains control characters");
	else if (v != NULL && (cfg->lock_file = cfg_path(ld, v)) == NULL)
		cfg_nomem(ld);
	else if (v != NULL && !cfg_dir_exists(ld, cfg->lock_file))
		cfg_error(ld, m, "directory of %s does not exist",
			  cfg->lock_file);
	v = cfg_string(ld, root, "metrics_file", CFG_NONEMPTY, &m);
	if (v != NULL && cfg_has_ctl(v))
		cfg_error(ld, m, "contains control characters");
	else if (v != NULL && (cfg->metrics_file = cfg_path(ld, v)) == NULL)
		cfg_nomem(ld);
	else if (v != NULL && !cfg_dir_exists(ld, cfg->metrics_file))
		/* A warning: node_exporter's directory may be created later. */
		cfg_warn(ld, m, "directory of %s does not exist (yet): no "
				"metrics are written until it does",
			 cfg->metrics_file);
}

struct config *cfg_build(struct loader *ld, const config_setting_t *root)
{
	struct config *cfg = cfg_zalloc(1, sizeof(*cfg));
	struct net_layer defaults, kuma;
	const struct net_layer *layers[2] = {&defaults, &kuma};
	const config_setting_t *targets, *checks, *s;
	size_t nt = 0, nc = 0, slots = 0, i;

	if (cfg == NULL)
		return NULL;
	memset(&defaults, 0, sizeof(defaults));
	memset(&kuma, 0, sizeof(kuma));
	if ((cfg->path = kp_strdup(ld->path)) == NULL)
		goto nomem;
	cfg_keys(ld, root, root_keys, NET_NONE, NULL);

	s = config_setting_get_member(root, "defaults");
	if (s != NULL && cfg_is_group(ld, s))
		cfg_keys(ld, s, no_keys, NET_BLOCK, &defaults);
	s = config_setting_get_member(root, "kuma");
	if (s != NULL)
		load_kuma(ld, cfg, s, &kuma);
	if (net_compose(ld, &cfg->kuma_net, layers, 2) != 0)
		goto nomem;

	targets = group_list(ld, root, "targets");
	checks = group_list(ld, root, "checks");
	if (targets != NULL)
		nt = (size_t)config_setting_length(targets);
	for (i = 0; i < nt; i++)
		slots += cfg_target_slots(
			config_setting_get_elem(targets, (unsigned)i));
	if (checks != NULL)
		nc = (size_t)config_setting_length(checks);
	if (nt > 0 && (cfg->targets = cfg_zalloc(nt, sizeof(*cfg->targets))) ==
			      NULL)
		goto nomem;
	if (nt + nc > 0 &&
	    (cfg->checks = cfg_zalloc(slots + nc, sizeof(*cfg->checks))) ==
		    NULL)
		goto nomem;
	for (i = 0; i < nt && !ld->nomem; i++)
		cfg_target(ld, cfg, i,
			   config_setting_get_elem(targets, (unsigned)i),
			   &defaults);
	for (i = 0; i < nc && !ld->nomem; i++)
		load_check(ld, cfg, config_setting_get_elem(checks, (unsigned)i),
			   &defaults);
	load_globals(ld, cfg, root);
	if (cfg->n_checks == 0 && ld->errors == 0)
		cfg_error(ld, NULL, "nothing to check: no tier block in any "
				    "target and no checks");
	return cfg;
nomem:
	config_free(cfg);
	return NULL;
}
