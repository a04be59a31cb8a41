/* SPDX-License-Identifier: MIT */
/* main.c: argv -> config -> a run mode -> exit code. Everything else lives in modules. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <stdbool.h>

#include "agent.h"
#include "cli.h"
#include "config.h"
#include "http.h"
#include "log.h"
#include "monitors.h"
#include "query_cmd.h"

static enum log_level level_for(int verbosity)
{
	if (verbosity < 0)
		return LOG_LVL_ERR;
	if (verbosity == 0)
		return LOG_LVL_WARN;
	return verbosity == 1 ? LOG_LVL_INFO : LOG_LVL_DEBUG;
}

/* A config that cannot be loaded: unreadable or invalid is 78, OOM 71. */
static int exit_for_load(enum kp_status status)
{
	if (status == KP_ENOMEM)
		return KP_EXIT_OSERR;
	return status == KP_EINTERNAL ? KP_EXIT_SOFTWARE : KP_EXIT_CONFIG;
}

/*
 * A closed fd 0, 1 or 2 at start would be reused by the next open (the
 * lock file would become stdout and receive the --json lines): hold each
 * missing one on /dev/null. False if that is impossible.
 */
static bool std_fds_open(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		if (open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
			return false;
	}
	return true;
}

/* Output that could not be written is an OS error (71), not success. */
static int stdout_flushed(int code)
{
	bool failed = ferror(stdout) != 0;

	errno = 0;
	if (fflush(stdout) != 0)
		failed = true;
	if (!failed)
		return code;
	log_err("cannot write to standard output%s%s", errno ? ": " : "",
		errno ? strerror(errno) : "");
	return code == KP_EXIT_OK ? KP_EXIT_OSERR : code;
}

int main(int argc, char **argv)
{
	struct cli_opts opts;
	struct kp_err err = { KP_OK, "" };
	struct config *cfg;
	int code;

	if (!std_fds_open())
		return KP_EXIT_OSERR;
	if (argc > 1 && strcmp(argv[1], "query") == 0)
		return stdout_flushed(query_main(argc - 1, argv + 1));
	if (argc > 1 && strcmp(argv[1], "monitors") == 0)
		return stdout_flushed(monitors_main(argc - 1, argv + 1));
	if (cli_parse(argc, argv, &opts, &code) == CLI_EXIT)
		return stdout_flushed(code);
	log_init(level_for(opts.verbosity), LOG_SINK_STDERR);
	if (http_global_init(&err) != 0) {
		log_err("%s", err.msg);
		return KP_EXIT_SOFTWARE;
	}
	cfg = config_load(opts.config_path, log_line_err, log_line_warn, NULL, &err);
	if (cfg == NULL) {
		log_err("%s", err.msg);
		code = exit_for_load(err.status);
	} else if (opts.only != NULL && config_select(cfg, opts.only, &err) != 0) {
		log_err("%s", err.msg);
		code = KP_EXIT_USAGE;
	} else if (opts.check_config) {
		printf("configuration OK\n");
		code = KP_EXIT_OK;
	} else {
		log_set_redactor(cfg->redact);
		if (cfg->log != NULL && strcmp(cfg->log, "syslog") == 0)
			log_init(level_for(opts.verbosity), LOG_SINK_SYSLOG);
		if (opts.loop) {
			code = agent_loop(cfg, &opts, log_line_err, log_line_warn);
			cfg = NULL;
		} else {
			code = agent_once(cfg, &opts);
		}
	}
	code = stdout_flushed(code);
	log_set_redactor(NULL);
	config_free(cfg);
	http_global_cleanup();
	log_close();
	return code;
}
