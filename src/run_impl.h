/* SPDX-License-Identifier: MIT */
/*
 * run_impl.h: the cycle's state, shared by run.c (the state machine) and
 * run_reload.c (SIGHUP: the new configuration adopted check by check).
 */
#ifndef KP_RUN_IMPL_H
#define KP_RUN_IMPL_H

#include "cert.h"
#include "check.h"
#include "http.h"
#include "run.h"

struct run_ctx;

struct check_state {
	struct run_ctx *run;
	const struct check *check;
	const struct target *target;    /* NULL for generic checks */
	struct check_state *health;     /* the target's health check, or NULL */
	struct check_state *dependents; /* tiers that wait for this health */
	struct check_state *next_dependent;
	struct run_outcome outcome;     /* this cycle's */
	struct check_result last;       /* the last final result (dependents read it) */
	struct check_request req;       /* prepared once, reused */
	int attempts;                   /* requests made this cycle */
	bool ran_once;                  /* a result was final at least once */
	bool busy;                      /* a cycle is under way (check or push) */
	bool waiting;                   /* its next cycle's timer is set */
	bool kept;                      /* run_adopt: matched a new check */
	uint64_t cycle_start_ms;
	uint64_t check_deadline_ms;     /* checks end here ... */
	uint64_t push_deadline_ms;      /* ... and pushes here */
	char *push_url;
	struct http_request push_req;
	int push_attempts;
};

struct run_ctx {
	const struct config *cfg;
	const struct run_opts *opts;
	struct http_engine *engine;
	struct check_state **states;    /* each its own block: a reload keeps
					   a check's state where it is */
	size_t n_states;
	bool loop;
	uint64_t push_budget_ms;
	uint32_t rng;                   /* jitter */
	struct kp_err fatal;            /* first OOM or internal error */
	bool kuma_cert_warned;          /* once per run or loop */
	struct cert_memo certs;         /* chains seen, for reused connections */
};

/* run.c */
void run_fail(struct run_ctx *run, const struct kp_err *err);
void start_cycle(struct check_state *state);
/* The health check of a tier's target in cfg, or NULL. */
const struct check *health_of(const struct config *cfg, const struct check *check);
/* Points state at check (of cfg); keeps what it has run. */
void state_bind(struct run_ctx *run, struct check_state *state,
		const struct config *cfg, size_t idx);
void state_free(struct check_state *state);
/* Links each tier of cfg to its health check (states in cfg's order). */
void link_states(struct check_state **states, const struct config *cfg);

/* run_reload.c: the engine's SIGHUP hook (ctx is the run). */
void run_reload(void *ctx);

#endif
