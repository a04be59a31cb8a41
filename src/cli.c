/* SPDX-License-Identifier: MIT */
/* cli.c: the command line. Options are data: one table, one switch. */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "config_version.h"
#include "http.h"

enum { OPT_DRY_RUN = 256, OPT_VERSION, OPT_LOOP, OPT_JSON, OPT_ONLY };

static const struct option long_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "check-config", no_argument, NULL, 'n' },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "loop", no_argument, NULL, OPT_LOOP },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "only", required_argument, NULL, OPT_ONLY },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static const char usage_text[] =
	"usage: kuma-push [-c FILE] [-n | --check-config] [--dry-run] [-v ...] [-q]\n"
	"                 [--loop] [--json] [--only PATTERN[,...]] [--version] [--help]\n"
	"       kuma-push query EXPR [FILE]\n"
	"       kuma-push monitors [-c FILE] [--loop] [--only PATTERN[,...]]\n"
	"\n"
	"Checks Open WebUI instances (tiers health, models, chat) and other HTTP\n"
	"endpoints, and pushes each result to its Uptime Kuma push monitor.\n"
	"\n"
	"  -c, --config FILE   configuration file (default " KP_DEFAULT_CONFIG ")\n"
	"  -n, --check-config  validate the configuration, print \"configuration OK\"\n"
	"                      and exit; sends nothing\n"
	"      --dry-run       run the checks, print the push URL each would send\n"
	"                      (token shown as ***), send no push\n"
	"      --loop          keep running: each check on its own interval;\n"
	"                      SIGHUP reloads the configuration, SIGTERM stops\n"
	"      --json          one JSON object per check on stdout\n"
	"      --only PATTERN[,PATTERN...]\n"
	"                      run and push only the checks whose name matches a\n"
	"                      shell glob (webui/*, */chat*); a pattern that\n"
	"                      matches nothing is a usage error\n"
	"  -v, --verbose       one line per check on stderr; -vv adds each request's\n"
	"                      per-phase timings and debug detail\n"
	"  -q, --quiet         errors only\n"
	"      --version       print versions and exit\n"
	"  -h, --help          print this help and exit\n"
	"  query EXPR [FILE]   evaluate a JSONata query on a JSON file (or stdin)\n"
	"                      and print the result, as the models tier would\n"
	"  monitors            print what to set in each Kuma push monitor\n"
	"                      (heartbeat interval, retries); --loop: for --loop\n"
	"\n"
	"exit codes:\n"
	"   0  every result was pushed, up or down\n"
	"  64  usage error\n"
	"  65  query: bad expression or JSON input\n"
	"  66  query: the input file cannot be read\n"
	"  69  at least one push could not be delivered\n"
	"  70  internal error\n"
	"  71  out of memory or operating system error\n"
	"  75  another kuma-push run holds the lock\n"
	"  78  configuration error\n";

enum cli_action cli_parse(int argc, char **argv, struct cli_opts *opts,
			  int *exit_code)
{
	int c;

	memset(opts, 0, sizeof(*opts));
	opts->config_path = KP_DEFAULT_CONFIG;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":c:nvqh", long_options, NULL)) != -1) {
		switch (c) {
		case 'c':
			opts->config_path = optarg;
			break;
		case 'n':
			opts->check_config = true;
			break;
		case OPT_DRY_RUN:
			opts->dry_run = true;
			break;
		case OPT_LOOP:
			opts->loop = true;
			break;
		case OPT_JSON:
			opts->json = true;
			break;
		case OPT_ONLY:
			if (opts->only != NULL) {
				fprintf(stderr, "kuma-push: give --only once, its "
						"patterns joined by commas\n");
				goto usage;
			}
			opts->only = optarg;
			break;
		case 'v':
			if (opts->verbosity >= 0)
				opts->verbosity++;
			break;
		case 'q':
			opts->verbosity = -1;
			break;
		case OPT_VERSION:
			printf("kuma-push %s\n%s\n%s\n", KP_VERSION, http_version(),
			       config_lib_version());
			*exit_code = KP_EXIT_OK;
			return CLI_EXIT;
		case 'h':
			fputs(usage_text, stdout);
			*exit_code = KP_EXIT_OK;
			return CLI_EXIT;
		case ':':
			fprintf(stderr, "kuma-push: option %s needs an argument\n",
				argv[optind - 1]);
			goto usage;
		default:
			if (optopt != 0)
				fprintf(stderr, "kuma-push: unknown option -%c\n", optopt);
			else
				fprintf(stderr, "kuma-push: unknown option %s\n",
					argv[optind - 1]);
			goto usage;
		}
	}
	if (opts->loop && (opts->dry_run || opts->check_config)) {
		fprintf(stderr, "kuma-push: --loop cannot be combined with %s\n",
			opts->dry_run ? "--dry-run" : "--check-config");
		goto usage;
	}
	if (optind < argc) {
		fprintf(stderr, "kuma-push: unexpected argument \"%s\"\n", argv[optind]);
		goto usage;
	}
	return CLI_RUN;
usage:
	fputs("try 'kuma-push --help'\n", stderr);
	*exit_code = KP_EXIT_USAGE;
	return CLI_EXIT;
}
