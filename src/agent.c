/* SPDX-License-Identifier: MIT */
/* agent.c: one-shot and loop runs: lock, cycle(s), reports, exit code. */
#include "agent.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "lock.h"
#include "log.h"
#include "report.h"
#include "run.h"
#include "util.h"

/* Set by signal handlers; a flag is all a handler may safely touch. */
static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t reload_requested;

static void on_signal(int signo)
{
	if (signo == SIGHUP)
		reload_requested = 1;
	else
		stop_requested = 1;
}

/* TERM and INT stop a run (pushes in flight get their grace), HUP reloads. */
static void install_handlers(bool reload)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (reload)
		sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static int exit_for_error(const struct kp_err *err)
{
	return err->status == KP_ENOMEM || err->status == KP_EOS ? KP_EXIT_OSERR
								  : KP_EXIT_SOFTWARE;
}

static int take_lock(const struct config *cfg, int *code)
{
	struct kp_err err = { KP_OK, "" };
	int fd = lock_acquire(cfg->lock_file, &err);

	if (fd < 0) {
		log_err("%s", err.msg);
		*code = fd == -2 ? KP_EXIT_TEMPFAIL : KP_EXIT_OSERR;
	}
	return fd;
}

int agent_once(const struct config *cfg, const struct cli_opts *opts)
{
	struct reporter rep;
	struct run_opts run_opts = { opts->dry_run, stdout, reporter_outcome, &rep,
				     &stop_requested, NULL, NULL, NULL, NULL };
	struct run_summary summary;
	struct kp_err err = { KP_OK, "" };
	int lock_fd, code = KP_EXIT_OK;

	if ((lock_fd = take_lock(cfg, &code)) < 0)
		return code;
	install_handlers(false);
	if (reporter_init(&rep, cfg, opts->json ? stdout : NULL, false, &err) != 0 ||
	    run_once(cfg, &run_opts, &summary, &err) != 0) {
		log_err("%s", err.msg);
		code = exit_for_error(&err);
	} else {
		log_debug("cycle: %zu up, %zu down, %zu push failures in %llu ms",
			  summary.n_up, summary.n_down, summary.n_push_failed,
			  (unsigned long long)summary.elapsed_ms);
		code = summary.n_push_failed > 0 ? KP_EXIT_UNAVAILABLE : KP_EXIT_OK;
		run_summary_free(&summary);
		if (!opts->dry_run && reporter_write_metrics(&rep, &err) != 0)
			log_err("%s", err.msg);
	}
	reporter_free(&rep);
	lock_release(lock_fd);
	return code;
}

/* What the loop's SIGHUP reload works with (run_opts.reload_ctx). */
struct loop_ctx {
	struct config *cfg;          /* the running configuration (owned) */
	struct config *fresh;        /* loaded, not adopted yet */
	struct reporter rep;
	struct reporter fresh_rep;   /* fresh's, made before it is adopted */
	const struct cli_opts *opts;
	config_report_fn report, warn;
	char **seen;                 /* warnings printed so far */
	size_t n_seen;
};

/* config_load's warnings, each printed once however often HUP comes. */
static void warn_once(void *ctx, const char *line)
{
	struct loop_ctx *lc = ctx;
	char **grown, *copy;
	size_t i;

	for (i = 0; i < lc->n_seen; i++)
		if (strcmp(lc->seen[i], line) == 0)
			return;
	if (lc->warn != NULL)
		lc->warn(NULL, line);
	grown = realloc(lc->seen, (lc->n_seen + 1) * sizeof(*grown));
	copy = kp_strdup(line);
	if (grown != NULL)
		lc->seen = grown;
	if (grown == NULL || copy == NULL) {
		free(copy); /* it may print again: no worse than before */
		return;
	}
	lc->seen[lc->n_seen++] = copy;
}

static void report_problem(void *ctx, const char *line)
{
	struct loop_ctx *lc = ctx;

	if (lc->report != NULL)
		lc->report(NULL, line);
}

/* SIGHUP: the new config replaces the running one only if it loads cleanly. */
static const struct config *loop_load(void *ctx)
{
	struct loop_ctx *lc = ctx;
	const struct cli_opts *opts = lc->opts;
	struct kp_err err = { KP_OK, "" };
	struct config *fresh = config_load(opts->config_path, report_problem,
					   warn_once, lc, &err);

	if (fresh != NULL && opts->only != NULL &&
	    config_select(fresh, opts->only, &err) != 0) {
		config_free(fresh);
		fresh = NULL;
	}
	if (fresh != NULL &&
	    reporter_init(&lc->fresh_rep, fresh, opts->json ? stdout : NULL, true,
			  &err) != 0) {
		config_free(fresh);
		fresh = NULL;
	}
	if (fresh == NULL) {
		log_err("%s; keeping the running configuration", err.msg);
		return NULL;
	}
	lc->fresh = fresh;
	return fresh;
}

static void loop_adopted(void *ctx, const struct config *fresh)
{
	struct loop_ctx *lc = ctx;

	(void)fresh; /* lc->fresh, as loop_load made it */
	log_info("configuration reloaded from %s", lc->opts->config_path);
	log_set_redactor(lc->fresh->redact); /* before the old one is freed */
	reporter_free(&lc->rep);
	lc->rep = lc->fresh_rep; /* results now index the new config */
	config_free(lc->cfg);
	lc->cfg = lc->fresh;
	lc->fresh = NULL;
}

int agent_loop(struct config *cfg, const struct cli_opts *opts,
	       config_report_fn report, config_report_fn warn)
{
	struct loop_ctx lc;
	struct run_opts run_opts = { false, stdout, reporter_outcome, &lc.rep,
				     &stop_requested, &reload_requested,
				     loop_load, loop_adopted, &lc };
	struct kp_err err = { KP_OK, "" };
	int lock_fd, code = KP_EXIT_OK;
	size_t i;

	memset(&lc, 0, sizeof(lc));
	lc.cfg = cfg;
	lc.opts = opts;
	lc.report = report;
	lc.warn = warn;
	if ((lock_fd = take_lock(cfg, &code)) < 0) {
		config_free(cfg);
		return code;
	}
	install_handlers(true);
	if (reporter_init(&lc.rep, lc.cfg, opts->json ? stdout : NULL, true, &err) != 0 ||
	    run_loop(lc.cfg, &run_opts, &err) != 0) {
		log_err("%s", err.msg);
		code = exit_for_error(&err);
	}
	reporter_free(&lc.rep);
	if (lc.fresh != NULL) { /* loaded as the run ended: never adopted */
		reporter_free(&lc.fresh_rep);
		config_free(lc.fresh);
	}
	config_free(lc.cfg);
	for (i = 0; i < lc.n_seen; i++)
		free(lc.seen[i]);
	free(lc.seen);
	lock_release(lock_fd);
	return code;
}
