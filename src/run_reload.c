/* SPDX-License-Identifier: MIT */
/*
 * run_reload.c: SIGHUP in loop mode. The new configuration is adopted
 * check by check: a check with the same name and the same settings keeps
 * its state (schedule, last result, transfer in flight); a changed or
 * removed check's transfers and timer are cancelled, and a changed or new
 * one starts afresh. So a reload, or a storm of them, costs no request.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "run_impl.h"

static bool str_same(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static bool list_same(char *const *a, size_t na, char *const *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (!str_same(a[i], b[i]))
			return false;
	return true;
}

static bool net_same(const struct net_opts *a, const struct net_opts *b)
{
	return a->timeout_s == b->timeout_s &&
	       a->connect_timeout_s == b->connect_timeout_s &&
	       a->retries == b->retries && a->retry_delay_s == b->retry_delay_s &&
	       a->max_body_bytes == b->max_body_bytes &&
	       a->tls_verify == b->tls_verify && a->insecure == b->insecure &&
	       str_same(a->ca_file, b->ca_file) && str_same(a->ca_path, b->ca_path) &&
	       str_same(a->client_cert, b->client_cert) &&
	       str_same(a->client_key, b->client_key) &&
	       str_same(a->proxy, b->proxy) && a->ip_version == b->ip_version &&
	       list_same(a->resolve, a->n_resolve, b->resolve, b->n_resolve) &&
	       a->follow_redirects == b->follow_redirects &&
	       a->interval_s == b->interval_s && a->jitter_s == b->jitter_s &&
	       a->max_latency_s == b->max_latency_s &&
	       a->tls_expiry_warn_days == b->tls_expiry_warn_days;
}

static bool headers_same(const struct check *a, const struct check *b)
{
	size_t i;

	if (a->n_headers != b->n_headers)
		return false;
	for (i = 0; i < a->n_headers; i++)
		if (!str_same(a->headers[i].name, b->headers[i].name) ||
		    !str_same(a->headers[i].value, b->headers[i].value))
			return false;
	return true;
}

static bool target_same(const struct target *a, const struct target *b)
{
	return a == b || (a != NULL && b != NULL && str_same(a->name, b->name) &&
			  str_same(a->url, b->url) && str_same(a->api_key, b->api_key));
}

/*
 * Every setting a check's request or verdict depends on. A new setting in
 * struct check must be compared here too, or a reload would not apply it.
 */
static bool check_same(const struct check *a, const struct target *ta,
		       const struct check *b, const struct target *tb)
{
	return str_same(a->name, b->name) && a->tier == b->tier &&
	       str_same(a->push_url, b->push_url) && net_same(&a->net, &b->net) &&
	       a->url_is_api == b->url_is_api && target_same(ta, tb) &&
	       str_same(a->query != NULL ? jsonata_source(a->query) : NULL,
			b->query != NULL ? jsonata_source(b->query) : NULL) &&
	       str_same(a->expected, b->expected) && a->op == b->op &&
	       a->compare == b->compare &&
	       list_same(a->require, a->n_require, b->require, b->n_require) &&
	       str_same(a->model, b->model) && str_same(a->prompt, b->prompt) &&
	       str_same(a->expect, b->expect) && a->match == b->match &&
	       str_same(a->url, b->url) && str_same(a->method, b->method) &&
	       headers_same(a, b) && str_same(a->body, b->body) &&
	       a->n_status == b->n_status &&
	       memcmp(a->status, b->status, sizeof(a->status[0]) * a->n_status) == 0 &&
	       str_same(a->keyword, b->keyword) &&
	       a->invert_keyword == b->invert_keyword &&
	       str_same(a->regex_src, b->regex_src) &&
	       a->invert_regex == b->invert_regex && a->upside_down == b->upside_down;
}

static const struct target *target_of(const struct config *cfg,
				      const struct check *check)
{
	return check->target >= 0 ? &cfg->targets[check->target] : NULL;
}

/* The running state fresh's check idx may keep, or NULL. */
static struct check_state *find_kept(struct run_ctx *run,
				     const struct config *fresh, size_t idx,
				     bool kuma_same)
{
	const struct check *check = &fresh->checks[idx];
	struct check_state *old = NULL;
	size_t i;

	if (!kuma_same)
		return NULL;
	/* Usually in the same place: look there before looking everywhere. */
	if (idx < run->n_states && !run->states[idx]->kept &&
	    strcmp(run->states[idx]->check->name, check->name) == 0)
		old = run->states[idx];
	for (i = 0; old == NULL && i < run->n_states; i++)
		if (!run->states[i]->kept &&
		    strcmp(run->states[i]->check->name, check->name) == 0)
			old = run->states[i];
	if (old == NULL || !check_same(old->check, old->target, check,
				       target_of(fresh, check)))
		return NULL;
	return old;
}

static int run_adopt(struct run_ctx *run, const struct config *fresh,
		     struct kp_err *err)
{
	const struct config *cur = run->cfg;
	bool kuma_same = str_same(cur->kuma_url, fresh->kuma_url) &&
			 net_same(&cur->kuma_net, &fresh->kuma_net);
	size_t n = fresh->n_checks, i, kept = 0;
	struct check_state **states = calloc(n ? n : 1, sizeof(*states));

	if (states == NULL)
		return kp_err_nomem(err);
	for (i = 0; i < n; i++) {
		states[i] = find_kept(run, fresh, i, kuma_same);
		if (states[i] != NULL) {
			states[i]->kept = true;
			kept++;
		} else if ((states[i] = calloc(1, sizeof(*states[i]))) == NULL) {
			while (i-- > 0)
				if (states[i]->kept)
					states[i]->kept = false;
				else
					state_free(states[i]);
			free(states);
			return kp_err_nomem(err);
		}
	}
	/* Nothing can fail from here on. */
	for (i = 0; i < run->n_states; i++) {
		if (!run->states[i]->kept) {
			http_cancel(run->engine, run->states[i]);
			state_free(run->states[i]);
		}
	}
	free(run->states);
	for (i = 0; i < n; i++)
		state_bind(run, states[i], fresh, i);
	run->states = states;
	run->n_states = n;
	run->cfg = fresh;
	http_engine_set_parallel(run->engine, fresh->max_parallel);
	link_states(states, fresh);
	log_info("reload: %zu checks kept, %zu started afresh", kept, n - kept);
	for (i = 0; i < n; i++) {
		struct check_state *state = states[i];

		if (state->kept) {
			state->kept = false;
			continue;
		}
		/* A tier whose health is new waits for its first result. */
		if (state->health == NULL || state->health->ran_once)
			start_cycle(state);
	}
	return 0;
}

void run_reload(void *ctx)
{
	struct run_ctx *run = ctx;
	const struct config *fresh = run->opts->load(run->opts->reload_ctx);
	struct kp_err err = { KP_OK, "" };

	if (fresh == NULL)
		return; /* not loadable: the running one stays (load said why) */
	if (run_adopt(run, fresh, &err) != 0) {
		run_fail(run, &err);
		return;
	}
	if (run->opts->adopted != NULL)
		run->opts->adopted(run->opts->reload_ctx, fresh);
}
