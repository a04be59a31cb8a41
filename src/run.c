/* SPDX-License-Identifier: MIT */
/*
 * run.c: one cycle as a small state machine over the http engine: each
 * check is requested, retried, judged and pushed as soon as it is done, so
 * a slow target never delays another target's pushes.
 */
#include "run.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cert.h"
#include "buf.h"
#include "http.h"
#include "log.h"
#include "push.h"
#include "redact.h"
#include "util.h"

#include "run_impl.h"

void run_fail(struct run_ctx *run, const struct kp_err *err)
{
	if (run->fatal.status == KP_OK)
		run->fatal = *err;
	/* A loop cannot go on with a check that could not be scheduled:
	 * stop, so the exit code (71) tells the supervisor to restart us. */
	if (run->loop && run->engine != NULL)
		http_engine_stop(run->engine);
}

/* Seconds a transfer may take with its retries and their backoff. */
static double attempts_budget_s(const struct net_opts *net)
{
	/* Delays double: d + 2d + ... + 2^(r-1) d = (2^r - 1) d. */
	return net->timeout_s * (net->retries + 1) +
	       net->retry_delay_s * (double)((1u << net->retries) - 1u);
}

/*
 * The health check of a tier's target, or NULL. A target's checks are
 * built side by side, so look beside the check first: with 1,000 targets
 * a scan of every check for every check would be quadratic.
 */
const struct check *health_of(const struct config *cfg,
			      const struct check *check)
{
	size_t at = (size_t)(check - cfg->checks), i;

	if (check->tier != TIER_MODELS && check->tier != TIER_CHAT)
		return NULL;
	for (i = at; i-- > 0 && cfg->checks[i].target == check->target;)
		if (cfg->checks[i].tier == TIER_HEALTH)
			return &cfg->checks[i];
	for (i = at + 1; i < cfg->n_checks && cfg->checks[i].target == check->target; i++)
		if (cfg->checks[i].tier == TIER_HEALTH)
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
		if (own > chain_s)
			chain_s = own;
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
	return (uint64_t)(net->retry_delay_s * 1000.0) << (attempts_made - 1);
}

/*
 * Names the config line of the check and its push URL (token masked):
 * with a dozen monitors, the reason alone does not say which to fix.
 */
static void push_failed_log(const struct config *cfg, const struct check *check,
			    const char *why)
{
	char *masked = push_mask(check->push_url);

	log_err("%s:%d: %s: push to Kuma failed: %s (push URL %s)", cfg->path,
		check->line, check->name, why, masked != NULL ? masked : "***");
	free(masked);
}

static void on_check_done(void *ctx, struct http_response *resp);
static void on_push_done(void *ctx, struct http_response *resp);

static bool stopping(const struct run_ctx *run)
{
	return (run->opts->stop != NULL && *run->opts->stop) ||
	       (run->loop && run->fatal.status != KP_OK);
}

static void submit_check(struct check_state *state, uint64_t start_at_ms)
{
	struct run_ctx *run = state->run;
	struct kp_err err = { KP_OK, "" };

	if (state->req.url == NULL &&
	    check_prepare(state->check, state->target, &state->req, &err) != 0) {
		run_fail(run, &err);
		return;
	}
	state->req.http.deadline_ms = state->check_deadline_ms;
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

/* xorshift32: jitter needs spread, not quality. */
static uint32_t next_random(struct run_ctx *run)
{
	run->rng ^= run->rng << 13;
	run->rng ^= run->rng >> 17;
	run->rng ^= run->rng << 5;
	return run->rng;
}

static void on_due(void *ctx)
{
	struct check_state *state = ctx;

	state->waiting = false;
	start_cycle(state);
}

/* The push is settled: report it, and in loop mode plan the next cycle. */
static void settle(struct check_state *state)
{
	struct run_ctx *run = state->run;
	const struct net_opts *net = &state->check->net;
	struct kp_err err = { KP_OK, "" };
	double jitter_s = net->jitter_s >= 0 ? net->jitter_s : net->interval_s / 10;
	uint64_t next_ms;

	state->outcome.finished_ms = kp_now_ms();
	state->busy = false;
	if (run->opts->report != NULL)
		run->opts->report(run->opts->report_ctx, &state->outcome);
	if (!run->loop || stopping(run))
		return;
	next_ms = state->cycle_start_ms + (uint64_t)(net->interval_s * 1000.0) +
		  (uint64_t)(jitter_s * 1000.0 * (next_random(run) % 1001) / 1000.0);
	if (http_timer(run->engine, next_ms, on_due, state, &err) != 0)
		run_fail(run, &err);
	else
		state->waiting = true;
}

/* A --dry-run line: an output edge, so through the config's redactor too. */
static void print_dry_run(struct run_ctx *run, const char *name,
			  const char *masked_url)
{
	struct buf line, shown;

	buf_init(&line, 1024 * 1024);
	buf_init(&shown, 2 * 1024 * 1024);
	if (buf_printf(&line, "%s: GET %s\n", name, masked_url) != KP_OK ||
	    redact_append(run->cfg->redact, &shown, buf_str(&line), line.len) != KP_OK)
		run_fail(run, &(struct kp_err){ KP_ENOMEM, "out of memory" });
	else
		fwrite(buf_str(&shown), 1, shown.len, run->opts->out);
	fflush(run->opts->out);
	buf_free(&line);
	buf_free(&shown);
}

/* Builds the push URL for the result and sends it (or prints it). */
static void push_result(struct check_state *state)
{
	struct run_ctx *run = state->run;
	const struct check_result *r = &state->outcome.result;
	struct kp_err err = { KP_OK, "" };
	char *masked;

	free(state->push_url);
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
		print_dry_run(run, state->check->name, masked);
		free(masked);
		state->outcome.pushed = true;
		settle(state);
		return;
	}
	state->push_req.url = state->push_url;
	state->push_req.method = "GET";
	state->push_req.net = &run->cfg->kuma_net;
	state->push_req.deadline_ms = state->push_deadline_ms;
	state->push_req.finish_on_stop = true;
	state->push_req.background = true;
	state->push_attempts = 0;
	submit_push(state, 0);
}

/* A final result: push it, then start the tiers that waited for it. */
static void finish_check(struct check_state *state)
{
	bool first = !state->ran_once;
	struct check_state *dep;

	state->ran_once = true;
	state->last = state->outcome.result;
	push_result(state);
	/* Later cycles of dependent tiers follow their own schedule; after a
	 * reload some may be under way already. */
	for (dep = state->dependents; first && dep != NULL; dep = dep->next_dependent)
		if (!dep->busy && !dep->waiting)
			start_cycle(dep);
}

void start_cycle(struct check_state *state)
{
	struct run_ctx *run = state->run;
	const struct check_state *health = state->health;

	if (stopping(run))
		return;
	/* A health check a reload added has not answered yet: its first
	 * result starts this tier (finish_check). */
	if (health != NULL && !health->ran_once)
		return;
	state->busy = true;
	state->cycle_start_ms = kp_now_ms();
	if (run->loop) {
		state->check_deadline_ms = state->cycle_start_ms +
			(uint64_t)(attempts_budget_s(&state->check->net) * 1000.0);
		state->push_deadline_ms = state->check_deadline_ms + run->push_budget_ms;
	}
	state->attempts = 0;
	memset(&state->outcome.result, 0, sizeof(state->outcome.result));
	state->outcome.pushed = false;
	state->outcome.push_error[0] = '\0';
	/* Health's own next cycle may be in flight: judge by its last result.
	 * A health that answered but crossed a threshold (certificate,
	 * latency: real_msg) is reachable, so the tiers still run. */
	if (health != NULL && !health->last.up && health->last.real_msg[0] == '\0') {
		check_skip(&state->outcome.result, health->last.msg);
		finish_check(state);
		return;
	}
	submit_check(state, 0);
}

static void on_check_done(void *ctx, struct http_response *resp)
{
	struct check_state *state = ctx;
	struct run_ctx *run = state->run;
	const struct net_opts *net = &state->check->net;
	struct kp_err err = { KP_OK, "" };
	uint64_t retry_at;

	if (stopping(run))
		return; /* cut short by a signal: nothing true to push */
	if (resp->failure == HTTP_FAIL_NONE)
		resp->cert_not_after = cert_memo_note(&run->certs, state->req.http.url,
						      resp->cert_not_after);
	if (check_judge(state->check, resp, &state->outcome.result, &err) != 0)
		run_fail(run, &err);
	if (!state->outcome.result.up && !state->outcome.result.no_retry &&
	    state->attempts <= net->retries) {
		retry_at = kp_now_ms() + backoff_ms(net, state->attempts);
		if (retry_at < state->check_deadline_ms) {
			log_debug("%s: down (%s), retry %d of %d", state->check->name,
				  state->outcome.result.msg, state->attempts,
				  net->retries);
			submit_check(state, retry_at);
			return;
		}
	}
	finish_check(state);
}

/* Kuma's own certificate near its end: a warning, the push still goes. */
static void warn_kuma_cert(struct run_ctx *run, const struct http_response *resp)
{
	char why[128];

	if (run->kuma_cert_warned ||
	    !cert_expiry_msg(resp->cert_not_after, (int64_t)time(NULL),
			     run->cfg->kuma_net.tls_expiry_warn_days, why,
			     sizeof(why)))
		return;
	run->kuma_cert_warned = true;
	log_warnx("push to Kuma: %s", why);
}

static void on_push_done(void *ctx, struct http_response *resp)
{
	struct check_state *state = ctx;
	struct run_ctx *run = state->run;
	const struct net_opts *net = &run->cfg->kuma_net;
	struct run_outcome *outcome = &state->outcome;
	enum push_verdict verdict;
	uint64_t retry_at;

	if (resp->failure == HTTP_FAIL_NONE)
		resp->cert_not_after = cert_memo_note(&run->certs, state->push_req.url,
						      resp->cert_not_after);
	warn_kuma_cert(run, resp);
	if (resp->failure != HTTP_FAIL_NONE) {
		verdict = resp->failure == HTTP_FAIL_DEADLINE ? PUSH_REJECTED : PUSH_RETRY;
		snprintf(outcome->push_error, sizeof(outcome->push_error), "%s",
			 resp->error);
	} else {
		verdict = push_judge(resp->status, resp->content_type,
				     buf_str(&resp->body), resp->body.len,
				     outcome->push_error, sizeof(outcome->push_error));
		if (verdict == PUSH_WRONG_URL && resp->status >= 300 && resp->status < 400)
			push_redirect_why(resp->status, resp->location, outcome->push_error,
					  sizeof(outcome->push_error));
	}
	if (verdict == PUSH_ACCEPTED) {
		outcome->pushed = true;
		outcome->push_error[0] = '\0';
		settle(state);
		return;
	}
	if (verdict == PUSH_RETRY && state->push_attempts <= net->retries &&
	    !stopping(run)) {
		retry_at = kp_now_ms() + backoff_ms(net, state->push_attempts);
		if (retry_at < state->push_deadline_ms) {
			log_debug("%s: push failed (%s), retry %d of %d",
				  state->check->name, outcome->push_error,
				  state->push_attempts, net->retries);
			submit_push(state, retry_at);
			return;
		}
	}
	push_failed_log(run->cfg, state->check, outcome->push_error);
	settle(state);
}

void state_bind(struct run_ctx *run, struct check_state *state,
		const struct config *cfg, size_t idx)
{
	const struct check *check = &cfg->checks[idx];

	state->run = run;
	state->check = check;
	state->outcome.check = check;
	state->target = check->target >= 0 ? &cfg->targets[check->target] : NULL;
	state->outcome.target = state->target != NULL ? state->target->name
						      : check->name;
	state->health = NULL;
	state->dependents = NULL;
	state->next_dependent = NULL;
	/* A kept transfer reads its settings through these. */
	if (state->req.url != NULL)
		check_request_rebind(&state->req, check);
	if (state->push_req.url != NULL)
		state->push_req.net = &cfg->kuma_net;
}

/* Links each tier to its health check, dependents in config order. */
void link_states(struct check_state **states, const struct config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->n_checks; i++) {
		const struct check *health = health_of(cfg, &cfg->checks[i]);

		if (health != NULL)
			states[i]->health = states[health - cfg->checks];
	}
	for (i = cfg->n_checks; i-- > 0;) {
		struct check_state *state = states[i];

		if (state->health != NULL) {
			state->next_dependent = state->health->dependents;
			state->health->dependents = state;
		}
	}
}

void state_free(struct check_state *state)
{
	if (state == NULL)
		return;
	check_request_free(&state->req);
	free(state->push_url);
	free(state);
}

static void free_states(struct run_ctx *run)
{
	size_t i;

	for (i = 0; run->states != NULL && i < run->n_states; i++)
		state_free(run->states[i]);
	free(run->states);
	run->states = NULL;
}

static int build_states(struct run_ctx *run, struct kp_err *err)
{
	const struct config *cfg = run->cfg;
	size_t i;

	run->n_states = cfg->n_checks;
	run->states = calloc(cfg->n_checks ? cfg->n_checks : 1, sizeof(*run->states));
	if (run->states == NULL)
		return kp_err_nomem(err);
	for (i = 0; i < cfg->n_checks; i++) {
		run->states[i] = calloc(1, sizeof(*run->states[i]));
		if (run->states[i] == NULL)
			return kp_err_nomem(err);
		state_bind(run, run->states[i], cfg, i);
	}
	link_states(run->states, cfg);
	return 0;
}

/* Sets up states and engine, starts every independent check, runs. */
static int run_engine(struct run_ctx *run, uint64_t deadline_ms,
		      struct kp_err *err)
{
	size_t i;

	if (build_states(run, err) != 0)
		return -1;
	run->engine = http_engine_new(run->cfg->max_parallel, err);
	if (run->engine == NULL)
		return -1;
	if (run->opts->stop != NULL)
		http_engine_watch(run->engine, run->opts->stop, RUN_STOP_GRACE_MS);
	if (run->loop && run->opts->reload != NULL && run->opts->load != NULL)
		http_engine_on_flag(run->engine, run->opts->reload, run_reload, run);
	for (i = 0; i < run->n_states; i++) {
		run->states[i]->check_deadline_ms = deadline_ms - run->push_budget_ms;
		run->states[i]->push_deadline_ms = deadline_ms;
		if (run->states[i]->health == NULL)
			start_cycle(run->states[i]);
	}
	if (http_engine_run(run->engine, deadline_ms, err) != 0)
		return -1;
	if (run->fatal.status != KP_OK) {
		*err = run->fatal;
		return -1;
	}
	return 0;
}

static void run_init(struct run_ctx *run, const struct config *cfg,
		     const struct run_opts *opts, bool loop)
{
	memset(run, 0, sizeof(*run));
	run->cfg = cfg;
	run->opts = opts;
	run->loop = loop;
	run->push_budget_ms = (uint64_t)(attempts_budget_s(&cfg->kuma_net) * 1000.0);
	run->rng = (uint32_t)kp_now_ms() ^ (uint32_t)getpid() ^ 0x9e3779b9u;
	if (run->rng == 0)
		run->rng = 1;
}

/* What run_init and the run made: the engine, the states, and the chains
 * seen (kept across reloads, so they go only here). */
static void run_fini(struct run_ctx *run)
{
	http_engine_free(run->engine);
	free_states(run);
	cert_memo_free(&run->certs);
}

int run_once(const struct config *cfg, const struct run_opts *opts,
	     struct run_summary *summary, struct kp_err *err)
{
	struct run_ctx run;
	uint64_t budget_ms = run_budget_ms(cfg), started_ms = kp_now_ms();
	size_t i;
	int rc;

	memset(summary, 0, sizeof(*summary));
	run_init(&run, cfg, opts, false);
	/* Leave the pushes their time after the checks' deadline. */
	if (run.push_budget_ms > budget_ms / 2)
		run.push_budget_ms = budget_ms / 2;
	rc = run_engine(&run, started_ms + budget_ms, err);
	if (rc == 0) {
		summary->outcomes = calloc(run.n_states ? run.n_states : 1,
					   sizeof(*summary->outcomes));
		if (summary->outcomes == NULL)
			rc = kp_err_nomem(err);
	}
	for (i = 0; rc == 0 && i < run.n_states; i++) {
		const struct run_outcome *o = &run.states[i]->outcome;

		summary->outcomes[i] = *o;
		summary->n_up += o->result.up;
		summary->n_down += !o->result.up;
		summary->n_push_failed += !o->pushed;
	}
	summary->n_outcomes = rc == 0 ? run.n_states : 0;
	summary->elapsed_ms = kp_now_ms() - started_ms;
	run_fini(&run);
	return rc;
}

int run_loop(const struct config *cfg, const struct run_opts *opts,
	     struct kp_err *err)
{
	struct run_ctx run;
	int rc;

	run_init(&run, cfg, opts, true);
	rc = run_engine(&run, UINT64_MAX - 1, err);
	run_fini(&run);
	return rc;
}

void run_summary_free(struct run_summary *summary)
{
	free(summary->outcomes);
	summary->outcomes = NULL;
	summary->n_outcomes = 0;
}
