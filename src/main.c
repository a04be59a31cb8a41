/* main.c: argv -> config -> one cycle -> exit code. Everything else lives in modules. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "http.h"
#include "lock.h"
#include "log.h"
#include "query_cmd.h"
#include "run.h"

/* config_load's per-problem lines: each already "FILE:LINE: ...". */
static void print_problem(void *ctx, const char *line)
{
	(void)ctx;
	log_err("%s", line);
}

static void print_warning(void *ctx, const char *line)
{
	(void)ctx;
	log_warnx("%s", line);
}

static int exit_for(enum kp_status status)
{
	switch (status) {
	case KP_ENOMEM:
	case KP_EOS:
		return KP_EXIT_OSERR;
	case KP_EINVAL:
		return KP_EXIT_CONFIG;
	default:
		return KP_EXIT_SOFTWARE;
	}
}

static enum log_level level_for(int verbosity)
{
	if (verbosity < 0)
		return LOG_LVL_ERR;
	if (verbosity == 0)
		return LOG_LVL_WARN;
	return verbosity == 1 ? LOG_LVL_INFO : LOG_LVL_DEBUG;
}

static int run_cycle(const struct config *cfg, const struct cli_opts *opts)
{
	struct run_opts run_opts = { opts->dry_run, stdout };
	struct run_summary summary;
	struct kp_err err = { KP_OK, "" };
	int lock_fd, code;

	lock_fd = lock_acquire(cfg->lock_file, &err);
	if (lock_fd < 0) {
		log_err("%s", err.msg);
		return lock_fd == -2 ? KP_EXIT_TEMPFAIL : KP_EXIT_OSERR;
	}
	if (run_once(cfg, &run_opts, &summary, &err) != 0) {
		log_err("%s", err.msg);
		code = err.status == KP_ENOMEM || err.status == KP_EOS
			       ? KP_EXIT_OSERR
			       : KP_EXIT_SOFTWARE;
	} else {
		log_debug("cycle: %zu up, %zu down, %zu push failures in %llu ms",
			  summary.n_up, summary.n_down, summary.n_push_failed,
			  (unsigned long long)summary.elapsed_ms);
		code = summary.n_push_failed > 0 ? KP_EXIT_UNAVAILABLE : KP_EXIT_OK;
		run_summary_free(&summary);
	}
	lock_release(lock_fd);
	return code;
}

int main(int argc, char **argv)
{
	struct cli_opts opts;
	struct kp_err err = { KP_OK, "" };
	struct config *cfg;
	int code;

	if (argc > 1 && strcmp(argv[1], "query") == 0)
		return query_main(argc - 1, argv + 1);
	if (cli_parse(argc, argv, &opts, &code) == CLI_EXIT)
		return code;
	log_init(level_for(opts.verbosity), LOG_SINK_STDERR);
	if (http_global_init(&err) != 0) {
		log_err("%s", err.msg);
		return KP_EXIT_SOFTWARE;
	}
	cfg = config_load(opts.config_path, print_problem, print_warning, NULL, &err);
	if (cfg == NULL) {
		log_err("%s", err.msg);
		code = err.status == KP_EOS ? KP_EXIT_CONFIG : exit_for(err.status);
	} else if (opts.check_config) {
		printf("configuration OK\n");
		code = KP_EXIT_OK;
	} else {
		if (cfg->log != NULL && strcmp(cfg->log, "syslog") == 0)
			log_init(level_for(opts.verbosity), LOG_SINK_SYSLOG);
		code = run_cycle(cfg, &opts);
	}
	config_free(cfg);
	http_global_cleanup();
	log_close();
	return code;
}
