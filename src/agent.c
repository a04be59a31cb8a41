/* agent.c: one-shot and loop runs: lock, cycle(s), reports, exit code. */
#include "agent.h"

#include <signal.h>
#include <string.h>

#include "lock.h"
#include "log.h"
#include "report.h"
#include "run.h"

/* Set by signal handlers; a flag is all a handler may safely touch. */
static volatile sig_atomic_t wake_requested;
static volatile sig_atomic_t reload_requested;

static void on_signal(int signo)
{
	if (signo == SIGHUP)
		reload_requested = 1;
	wake_requested = 1;
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
	struct run_opts run_opts = { opts->dry_run, stdout, reporter_outcome, &rep, NULL };
	struct run_summary summary;
	struct kp_err err = { KP_OK, "" };
	int lock_fd, code = KP_EXIT_OK;

	if ((lock_fd = take_lock(cfg, &code)) < 0)
		return code;
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

static void install_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* SIGHUP: a new config replaces the old one only if it loads cleanly. */
static struct config *reload(struct config *cfg, const struct cli_opts *opts,
			     config_report_fn report, config_report_fn warn)
{
	struct kp_err err = { KP_OK, "" };
	struct config *fresh = config_load(opts->config_path, report, warn, NULL, &err);

	if (fresh != NULL && opts->only != NULL &&
	    config_select(fresh, opts->only, &err) != 0) {
		config_free(fresh);
		fresh = NULL;
	}
	if (fresh == NULL) {
		log_err("%s; keeping the running configuration", err.msg);
		return cfg;
	}
	log_info("configuration reloaded from %s", opts->config_path);
	log_set_redactor(fresh->redact); /* before the old one is freed */
	config_free(cfg);
	return fresh;
}

int agent_loop(struct config *cfg, const struct cli_opts *opts,
	       config_report_fn report, config_report_fn warn)
{
	struct reporter rep;
	struct run_opts run_opts = { false, stdout, reporter_outcome, &rep, &wake_requested };
	struct kp_err err = { KP_OK, "" };
	int lock_fd, code = KP_EXIT_OK;

	if ((lock_fd = take_lock(cfg, &code)) < 0) {
		config_free(cfg);
		return code;
	}
	install_handlers();
	for (;;) {
		if (reporter_init(&rep, cfg, opts->json ? stdout : NULL, true, &err) != 0 ||
		    run_loop(cfg, &run_opts, &err) != 0) {
			log_err("%s", err.msg);
			code = exit_for_error(&err);
			reporter_free(&rep);
			break;
		}
		reporter_free(&rep);
		if (!reload_requested)
			break;
		reload_requested = 0;
		wake_requested = 0;
		cfg = reload(cfg, opts, report, warn);
	}
	config_free(cfg);
	lock_release(lock_fd);
	return code;
}
