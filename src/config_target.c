/* SPDX-License-Identifier: MIT */
/*
 * config_target.c: one Open WebUI target (name, url, API key) and its tier
 * blocks health, models and chat, each becoming a struct check.
 */
#include "config_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

#define KEY_MAX 4096 /* bytes of an API key */
#define DEFAULT_QUERY "$count(data[*])>0"
#define DEFAULT_PROMPT "Respond with the word HEALTHY"
#define DEFAULT_EXPECT "HEALTHY"

static const char *const target_keys[] = {
	"name",	  "url",    "api_key", "api_key_file", "api_key_env",
	"health", "models", "chat",    NULL};
static const char *const health_keys[] = {"push", NULL};
static const char *const models_keys[] = {"push",     "query",   "expected",
					  "operator", "compare", "require",
					  NULL};
static const char *const chat_keys[] = {"push",   "model", "prompt",
					"expect", "match", NULL};

enum key_state { KEY_NONE, KEY_OK, KEY_BAD };

/* Trims whitespace around; rejects what cannot go in a header. */
static char *key_clean(struct loader *ld, const config_setting_t *s,
		       const char *v, size_t len)
{
	char *key;
	size_t i;

	while (len > 0 && (*v == ' ' || *v == '\t' || *v == '\n' ||
			   *v == '\r')) {
		v++;
		len--;
	}
	while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t' ||
			   v[len - 1] == '\n' || v[len - 1] == '\r'))
		len--;
	if (len == 0) {
		cfg_error(ld, s, "the API key is empty");
		return NULL;
	}
	if (len > KEY_MAX) {
		cfg_error(ld, s, "the API key is longer than %d bytes", KEY_MAX);
		return NULL;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c <= 0x20 || c == 0x7f) {
			cfg_error(ld, s, "the API key contains whitespace or "
					 "control characters");
			return NULL;
		}
	}
	key = kp_strndup(v, len);
	if (key == NULL)
		cfg_nomem(ld);
	return key;
}

/* At most one of api_key, api_key_file, api_key_env. */
static enum key_state load_key(struct loader *ld, struct target *t,
			       const config_setting_t *blk)
{
	const config_setting_t *found;
	char *v = cfg_secret_get(ld, blk, "api_key", "an API key", 0, &found);

	if (found == NULL)
		return KEY_NONE;
	if (v == NULL)
		return KEY_BAD;
	t->api_key = key_clean(ld, found, v, strlen(v));
	cfg_wipe_free(v);
	return t->api_key != NULL ? KEY_OK : KEY_BAD;
}

static void load_models(struct loader *ld, struct check *c,
			const config_setting_t *blk)
{
	cfg_query(ld, c, blk, DEFAULT_QUERY);
	cfg_require(ld, c, blk);
}

static void load_chat(struct loader *ld, struct check *c,
		      const config_setting_t *blk)
{
	const config_setting_t *m, *mp;
	const char *v;

	v = cfg_string(ld, blk, "model", CFG_REQUIRED | CFG_NONEMPTY, NULL);
	if (v != NULL && (c->model = kp_strdup(v)) == NULL)
		cfg_nomem(ld);
	cfg_string_dup(ld, blk, "prompt", CFG_NONEMPTY, DEFAULT_PROMPT, &c->prompt,
		       &mp);
	cfg_string_dup(ld, blk, "expect", CFG_NONEMPTY, DEFAULT_EXPECT, &c->expect,
		       &m);
	/* A reply holding the whole prompt is judged an echo, never an answer. */
	if (c->prompt != NULL && c->expect != NULL &&
	    chat_echoes(c->expect, strlen(c->expect), c->prompt))
		cfg_error_in(ld, mp ? mp : m ? m : blk,
			     mp || m ? NULL : "prompt",
			     "expect \"%s\" contains the whole prompt, so an "
			     "answer could not be told from an echo",
			     c->expect);
	c->match = CHAT_MATCH_WORD;
	v = cfg_string(ld, blk, "match", 0, &m);
	if (v != NULL && !chat_match_parse(v, &c->match))
		cfg_error(ld, m, "unknown match \"%s\" (expected word, exact "
				 "or contains)",
			  v);
}

/* "http://host/api" (slashes were cut): the API's URL, not Open WebUI's. */
static bool url_ends_in_api(const char *url)
{
	size_t n = url != NULL ? strlen(url) : 0;

	return n >= 4 && strcasecmp(url + n - 4, "/api") == 0;
}

/*
 * One tier block. A chat block of a list of several is named after its
 * model ("webui/chat/llama3.1"), so each is a check of its own.
 */
static void load_tier(struct loader *ld, struct config *cfg, size_t idx,
		      enum tier tier, const config_setting_t *blk,
		      const struct net_layer *const *outer,
		      enum key_state key, bool by_model)
{
	static const char *const *const keys[] = {health_keys, models_keys,
						  chat_keys};
	struct check *c = &cfg->checks[cfg->n_checks++];
	const char *tname = cfg->targets[idx].name;
	struct net_layer layer;
	const struct net_layer *layers[3] = {outer[0], outer[1], &layer};
	size_t n;

	memset(&layer, 0, sizeof(layer));
	c->tier = tier;
	c->target = (int)idx;
	c->line = (int)config_setting_source_line(blk);
	c->op = JSONATA_OP_EQ;
	if (!cfg_is_group(ld, blk))
		return;
	cfg_keys(ld, blk, keys[tier], NET_CHECK, &layer);
	if (tname != NULL) {
		n = strlen(tname) + strlen(tier_name(tier)) + 2;
		c->name = malloc(n);
		if (c->name == NULL) {
			cfg_nomem(ld);
			return;
		}
		snprintf(c->name, n, "%s/%s", tname, tier_name(tier));
	}
	c->push_url = cfg_push(ld, cfg, blk);
	c->url_is_api = url_ends_in_api(cfg->targets[idx].url);
	if (tier == TIER_MODELS)
		load_models(ld, c, blk);
	else if (tier == TIER_CHAT)
		load_chat(ld, c, blk);
	c->by_model = by_model;
	if (by_model && c->name != NULL && c->model != NULL) {
		size_t len = strlen(c->name) + strlen(c->model) + 2;
		char *named = malloc(len);

		if (named == NULL) {
			cfg_nomem(ld);
			return;
		}
		snprintf(named, len, "%s/%s", c->name, c->model);
		free(c->name);
		c->name = named;
	}
	/* Known to load_check, by its final name: a generic check may not take it. */
	if (c->name != NULL &&
	    strset_put(&ld->check_names, c->name, cfg->n_checks - 1, NULL) < 0)
		cfg_nomem(ld);
	if (tier != TIER_HEALTH && key == KEY_NONE)
		cfg_error(ld, blk, "needs an API key: set api_key, "
				   "api_key_file or api_key_env in the target");
	if (net_compose(ld, &c->net, layers, 3) != 0)
		cfg_nomem(ld);
}

/* chat = ( { model = "a"; ... }, { model = "b"; ... } ): one check each. */
static void load_chat_list(struct loader *ld, struct config *cfg, size_t idx,
			   const config_setting_t *list,
			   const struct net_layer *const *outer,
			   enum key_state key)
{
	unsigned n = (unsigned)config_setting_length(list), i;
	struct strset models = { NULL, 0, 0 };
	const struct check *c;
	size_t prev = 0;
	int added;

	if (n == 0)
		cfg_error(ld, list, "expected at least one chat block { ... }");
	for (i = 0; i < n && !ld->nomem; i++) {
		load_tier(ld, cfg, idx, TIER_CHAT, config_setting_get_elem(list, i),
			  outer, key, n > 1);
		c = &cfg->checks[cfg->n_checks - 1];
		if (c->model == NULL)
			continue;
		added = strset_put(&models, c->model, cfg->n_checks - 1, &prev);
		if (added < 0)
			cfg_nomem(ld);
		else if (added == 0)
			cfg_error_in(ld, config_setting_get_elem(list, i), "model",
				     "model \"%s\" is checked already (at line %d)",
				     c->model, cfg->checks[prev].line);
	}
	strset_free(&models);
}

/* How many checks a target block can make, to size config.checks. */
size_t cfg_target_slots(const config_setting_t *blk)
{
	const config_setting_t *chat;
	int n;

	if (!config_setting_is_group(blk))
		return 0;
	chat = config_setting_get_member(blk, "chat");
	n = chat != NULL && config_setting_is_list(chat)
		    ? config_setting_length(chat)
		    : 1;
	return 2 + (size_t)(n > 0 ? n : 0);
}

static void load_name(struct loader *ld, struct config *cfg, size_t idx,
		      const config_setting_t *blk)
{
	const config_setting_t *m;
	const char *v = cfg_string(ld, blk, "name", CFG_REQUIRED | CFG_NONEMPTY,
				   &m);
	size_t prev = 0;
	int added;

	if (v == NULL)
		return;
	if (cfg_has_ctl(v) || strchr(v, '/') != NULL) {
		cfg_error(ld, m, "name must not contain '/' or control "
				 "characters");
		return;
	}
	if ((cfg->targets[idx].name = kp_strdup(v)) == NULL) {
		cfg_nomem(ld);
		return;
	}
	added = strset_put(&ld->target_names, cfg->targets[idx].name, idx, &prev);
	if (added < 0) {
		cfg_nomem(ld);
	} else if (added == 0) {
		cfg_error(ld, m, "duplicate target name \"%s\" (also at line %d)",
			  v, cfg->targets[prev].line);
		free(cfg->targets[idx].name);
		cfg->targets[idx].name = NULL;
	}
}

void cfg_target(struct loader *ld, struct config *cfg, size_t idx,
		const config_setting_t *blk, const struct net_layer *defaults)
{
	static const enum tier tiers[] = {TIER_HEALTH, TIER_MODELS, TIER_CHAT};
	struct target *t = &cfg->targets[idx];
	struct net_layer layer;
	const struct net_layer *outer[2] = {defaults, &layer};
	const config_setting_t *m;
	const char *v;
	enum key_state key;
	size_t i, before;

	cfg->n_targets = idx + 1;
	t->line = (int)config_setting_source_line(blk);
	if (!cfg_is_group(ld, blk))
		return;
	memset(&layer, 0, sizeof(layer));
	cfg_keys(ld, blk, target_keys, NET_BLOCK, &layer);
	load_name(ld, cfg, idx, blk);
	v = cfg_string(ld, blk, "url", CFG_REQUIRED | CFG_NONEMPTY, &m);
	if (v != NULL)
		t->url = cfg_url(ld, m, v, true);
	if (url_ends_in_api(t->url))
		cfg_warn(ld, m, "ends in /api: give the base URL of Open WebUI "
				"(kuma-push adds /health and /api/... itself)");
	key = load_key(ld, t, blk);

	before = cfg->n_checks;
	for (i = 0; i < sizeof(tiers) / sizeof(tiers[0]) && !ld->nomem; i++) {
		m = config_setting_get_member(blk, tier_name(tiers[i]));
		if (m != NULL && tiers[i] == TIER_CHAT && config_setting_is_list(m))
			load_chat_list(ld, cfg, idx, m, outer, key);
		else if (m != NULL)
			load_tier(ld, cfg, idx, tiers[i], m, outer, key, false);
	}
	if (cfg->n_checks == before && !ld->nomem)
		cfg_warn(ld, blk, "no health, models or chat block: nothing "
				  "is checked for this target");
}
