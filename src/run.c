/*
 * run.c: one cycle as a small state machine over the http engine: each
 * check is requested, retried, judged and pushed as soon as it is done, so
 * a slow target never delays another target's pushes.
 */
#include "run.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "log.h"
#include "push.h"
#include "util.h"

struct run_ctx;

struct check_state {
	struct run_ctx *run;
	const struct check *check;
	const struct target *target;    /* NULL for generic checks */
	struct run_outcome *outcome;
	struct check_request req;
	int attempts;                   /* requests made */
	struct check_state *dependents[2]; /* models, chat after health */
	size_t n_dependents;
	bool waits_for_health;
	char *push_url;
	struct http_request push_req;
	int push_attempts;
};

struct run_ctx {
	const struct config *cfg;
	const struct run_opts *opts;
	struct http_engine *engine;
	struct check_state *states;
	size_t n_states;
	uint64_t check_deadline_ms;     /* checks end here ... */
	uint64_t deadline_ms;           /* ... pushes here */
	struct kp_err fatal;            /* first OOM or internal error */
};

static void run_fail(struct run_ctx *run, const struct kp_err *err)
{
	if (run->fatal.status == KP_OK)
		run->fatal = *err;
}

/* Seconds a transfer may take with its retries and their backoff. */
static double attempts_budget_s(const struct net_opts *net)
{
	return net->timeout_s * (net->retries + 1) +
	       net->retry_delay_s * (pow(2.0, net->retries) - 1.0);
}

/* The health check of a tier's target, or NULL. */
static const struct check *health_of(const struct config *cfg,
				     const struct check *check)
{
	size_t i;

	if (check->tier != TIER_MODELS && check->tier != TIER_CHAT)
		return NULL;
	for (i = 0; i < cfg->n_checks; i++)
		if (cfg->checks[i].target == check->target &&
		    cfg->checks[i].tier == TIER_HEALTH)
			return &cfg->checks[i];
	return NULL;
}

/* Seconds the slowest chain of checks may take (health, then a tier). */
static double checks_budget_s(const struct config *cfg)
{
	double chain_s = 0;
	size_t i;

	for (i = 0; i < cfg->n_checks; i++) {
		const struct check *health = health_of(cfg, &cfg->checks[i]);
		double own = attempts_budget_s(&cfg->checks[i].net);

		if (health != NULL)
			own += attempts_budget_s(&health->net);
		chain_s = fmax(chain_s, own);
	}
	return chain_s;
}

uint64_t run_budget_ms(const struct config *cfg)
{
	if (cfg->run_timeout_s > 0)
		return (uint64_t)(cfg->run_timeout_s * 1000.0);
	return (uint64_t)((checks_budget_s(cfg) +
			   attempts_budget_s(&cfg->kuma_net) + 1.0) * 1000.0);
}

static uint64_t backoff_ms(const struct net_opts *net, int attempts_made)
{
	return (uint64_t)(net->retry_delay_s * 1000.0 * pow(2.0, attempts_made - 1));
}

static void on_check_done(void *ctx, struct http_response *resp);
static void on_push_done(void *ctx, struct http_response *resp);

static void submit_check(struct check_state *state, uint64_t start_at_ms)
{
	struct run_ctx *run = state->run;
	struct kp_err err = { KP_OK, "" };

	if (state->req.url == NULL &&
	    check_prepare(state->check, state->target, &state->req, &err) != 0) {
		run_fail(run, &err);
		return;
	}
	state->req.http.deadline_ms = run->check_deadline_ms;
	state->attempts++;
	if (http_submit(run->engine, &state->req.http, start_at_ms, on_check_done,
			state, &err) != 0)
		run_fail(run, &err);
}

static void submit_push(struct check_state *state, uint64_t start_at_ms)
{
	struct run_ctx *run = state->run;
	struct kp_err err = { KP_OK, "" };

	state->push_attempts++;
	if (http_submit(run->engine, &state->push_req, start_at_ms, on_push_done,
			state, &err) != 0)
		run_fail(run, &err);
}

static void log_result(const struct check_state *state)
{
	const struct check_result *r = &state->outcome->result;
	const struct check *c = state->check;
	const char *target = state->target != NULL ? state->target->name : c->name;

	if (r->ping_ms >= 0)
		log_info("%s %s %s %ld ms: %s", target, tier_name(c->tier),
			 r->up ? "up" : "down", r->ping_ms, r->msg);
	else
		log_info("%s %s %s - ms: %s", target, tier_name(c->tier),
			 r->up ? "up" : "down", r->msg);
}

/* Builds the push URL for the result and sends it (or prints it). */
static void push_result(struct check_state *state)
{
	struct run_ctx *run = state->run;
	const struct check_result *r = &state->outcome->result;
	struct kp_err err = { KP_OK, "" };
	char *masked;

	log_result(state);
	state->push_url = push_url_build(state->check->push_url, r->up, r->msg,
					 r->ping_ms, &err);
	if (state->push_url == NULL) {
		run_fail(run, &err);
		return;
	}
	if (run->opts->dry_run) {
		masked = push_mask(state->push_url);
		if (masked == NULL) {
			run_fail(run, &(struct kp_err){ KP_ENOMEM, "out of memory" });
			return;
		}
		fprintf(run->opts->out, "%s: GET %s\n", state->check->name, masked);
		free(masked);
		state->outcome->pushed = true;
		return;
	}
	state->push_req.url = state->push_url;
	state->push_req.method = "GET";
	state->push_req.net = &run->cfg->kuma_net;
	submit_push(state, 0);
}

/* A final result: push it, then start or skip the tiers that wait on it. */
static void finish_check(struct check_state *state)
{
	const struct check_result *r = &state->outcome->result;
	size_t i;

	push_result(state);
	for (i = 0; i < state->n_dependents; i++) {
		struct check_state *dep = state->dependents[i];

		if (r->up) {
			submit_check(dep, 0);
		} else {
			check_skip(&dep->outcome->result, r->msg);
			finish_check(dep);
		}
	}
}

static void on_check_done(void *ctx, struct http_response *resp)
{
	struct check_state *state = ctx;
	struct run_ctx *run = state->run;
	const struct net_opts *net = &state->check->net;
	struct kp_err err = { KP_OK, "" };
	uint64_t retry_at;

	if (check_judge(state->check, resp, &state->outcome->result, &err) != 0)
		run_fail(run, &err);
	if (!state->outcome->result.up && state->attempts <= net->retries) {
		retry_at = kp_now_ms() + backoff_ms(net, state->attempts);
		if (retry_at < run->check_deadline_ms) {
			log_debug("%s: down (%s), retry %d of %d", state->check->name,
				  state->outcome->result.msg, state->attempts,
				  net->retries);
			submit_check(state, retry_at);
			return;
		}
	}
	finish_check(state);
}

static void on_push_done(void *ctx, struct http_response *resp)
{
	struct check_state *state = ctx;
	struct run_ctx *run = state->run;
	const struct net_opts *net = &run->cfg->kuma_net;
	struct run_outcome *outcome = state->outcome;
	enum push_verdict verdict;
	uint64_t retry_at;

	if (resp->failure != HTTP_FAIL_NONE) {
		verdict = resp->failure == HTTP_FAIL_DEADLINE ? PUSH_REJECTED : PUSH_RETRY;
		snprintf(outcome->push_error, sizeof(outcome->push_error), "%s",
			 resp->error);
	} else {
		verdict = push_judge(resp->status, resp->content_type,
				     buf_str(&resp->body), resp->body.len,
				     outcome->push_error, sizeof(outcome->push_error));
	}
	if (verdict == PUSH_ACCEPTED) {
		outcome->pushed = true;
		outcome->push_error[0] = '\0';
		return;
	}
	if (verdict == PUSH_RETRY && state->push_attempts <= net->retries) {
		retry_at = kp_now_ms() + backoff_ms(net, state->push_attempts);
		if (retry_at < run->deadline_ms) {
			log_debug("%s: push failed (%s), retry %d of %d",
				  state->check->name, outcome->push_error,
				  state->push_attempts, net->retries);
			submit_push(state, retry_at);
			return;
		}
	}
	log_err("%s: push to Kuma failed: %s", state->check->name,
		outcome->push_error);
}

/* One state per check; tiers with a health check wait for it. */
static int build_states(struct run_ctx *run, struct run_summary *summary,
			struct kp_err *err)
{
	const struct config *cfg = run->cfg;
	size_t i, j;

	run->n_states = cfg->n_checks;
	run->states = calloc(cfg->n_checks ? cfg->n_checks : 1, sizeof(*run->states));
	summary->outcomes = calloc(cfg->n_checks ? cfg->n_checks : 1,
				   sizeof(*summary->outcomes));
	if (run->states == NULL || summary->outcomes == NULL)
		return kp_err_nomem(err);
	summary->n_outcomes = cfg->n_checks;
	for (i = 0; i < cfg->n_checks; i++) {
		struct check_state *state = &run->states[i];

		state->run = run;
		state->check = &cfg->checks[i];
		state->target = cfg->checks[i].target >= 0
					? &cfg->targets[cfg->checks[i].target]
					: NULL;
		state->outcome = &summary->outcomes[i];
		state->outcome->check = state->check;
	}
	for (i = 0; i < cfg->n_checks; i++) {
		const struct check *health = health_of(cfg, &cfg->checks[i]);

		if (health == NULL)
			continue;
		j = (size_t)(health - cfg->checks);
		if (run->states[j].n_dependents < 2) {
			run->states[j].dependents[run->states[j].n_dependents++] =
				&run->states[i];
			run->states[i].waits_for_health = true;
		}
	}
	return 0;
}

static void free_states(struct run_ctx *run)
{
	size_t i;

	for (i = 0; run->states != NULL && i < run->n_states; i++) {
		check_request_free(&run->states[i].req);
		free(run->states[i].push_url);
	}
	free(run->states);
	run->states = NULL;
}

static void summarize(struct run_summary *summary)
{
	size_t i;

	for (i = 0; i < summary->n_outcomes; i++) {
		const struct run_outcome *o = &summary->outcomes[i];

		if (o->result.up)
			summary->n_up++;
		else
			summary->n_down++;
		if (!o->pushed)
			summary->n_push_failed++;
	}
	summary->elapsed_ms = kp_now_ms() - summary->started_ms;
}

int run_once(const struct config *cfg, const struct run_opts *opts,
	     struct run_summary *summary, struct kp_err *err)
{
	struct run_ctx run;
	uint64_t budget_ms = run_budget_ms(cfg), push_ms;
	size_t i;
	int rc = -1;

	memset(summary, 0, sizeof(*summary));
	memset(&run, 0, sizeof(run));
	run.cfg = cfg;
	run.opts = opts;
	summary->started_ms = kp_now_ms();
	run.deadline_ms = summary->started_ms + budget_ms;
	/* Leave the pushes their time after the checks' deadline. */
	push_ms = (uint64_t)(attempts_budget_s(&cfg->kuma_net) * 1000.0);
	run.check_deadline_ms = run.deadline_ms - (push_ms < budget_ms / 2 ? push_ms : budget_ms / 2);
	if (build_states(&run, summary, err) != 0)
		goto out;
	run.engine = http_engine_new(cfg->max_parallel, err);
	if (run.engine == NULL)
		goto out;
	for (i = 0; i < run.n_states; i++)
		if (!run.states[i].waits_for_health)
			submit_check(&run.states[i], 0);
	if (http_engine_run(run.engine, run.deadline_ms, err) != 0)
		goto out;
	if (run.fatal.status != KP_OK) {
		*err = run.fatal;
		goto out;
	}
	summarize(summary);
	rc = 0;
out:
	http_engine_free(run.engine);
	free_states(&run);
	if (rc != 0)
		run_summary_free(summary);
	return rc;
}

void run_summary_free(struct run_summary *summary)
{
	free(summary->outcomes);
	summary->outcomes = NULL;
	summary->n_outcomes = 0;
}
