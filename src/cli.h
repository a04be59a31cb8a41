/* SPDX-License-Identifier: MIT */
/* cli.h: argv -> struct cli_opts (getopt_long); usage and version text. */
#ifndef KP_CLI_H
#define KP_CLI_H

#include <stdbool.h>

#define KP_DEFAULT_CONFIG "/etc/kuma-push.conf"

/* sysexits-style exit codes, documented in --help and README. */
enum kp_exit {
	KP_EXIT_OK = 0,
	KP_EXIT_USAGE = 64,
	KP_EXIT_DATAERR = 65,
	KP_EXIT_NOINPUT = 66,
	KP_EXIT_UNAVAILABLE = 69,
	KP_EXIT_SOFTWARE = 70,
	KP_EXIT_OSERR = 71,
	KP_EXIT_TEMPFAIL = 75,
	KP_EXIT_CONFIG = 78
};

struct cli_opts {
	const char *config_path;  /* borrowed from argv */
	bool check_config;
	bool dry_run;
	bool loop;                /* --loop: a small daemon */
	bool json;                /* --json: one JSON object per check on stdout */
	const char *only;         /* --only PATTERN[,...]; NULL: every check */
	int verbosity;            /* -v count; -1 for -q */
};

enum cli_action { CLI_RUN, CLI_EXIT };

/*
 * Parses argv. CLI_RUN: go on with opts. CLI_EXIT: stop with *exit_code
 * (--help and --version print to stdout and give 0; a bad option prints
 * one line and a hint to stderr and gives 64).
 */
enum cli_action cli_parse(int argc, char **argv, struct cli_opts *opts,
			  int *exit_code);

#endif
