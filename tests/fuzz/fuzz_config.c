/* SPDX-License-Identifier: MIT */
/*
 * fuzz_config.c: config_load on arbitrary files. The input is written to
 * kuma-push.conf in a private scratch directory made once per process
 * (relative paths and @include resolve there), loaded and freed.
 * Invariants: a failure has a status and a message, an invalid file
 * reports at least one line, and every reported line is one clean line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "config.h"

static char scratch_dir[256];
static char conf_path[300];

static void scratch_remove(void)
{
	unlink(conf_path);
	rmdir(scratch_dir);
}

/* /dev/shm keeps the per-input write off the disk when it exists. */
static void scratch_make(void)
{
	const char *bases[] = { getenv("TMPDIR"), "/dev/shm", "/tmp" };
	size_t i;

	for (i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		if (bases[i] == NULL || bases[i][0] == '\0')
			continue;
		snprintf(scratch_dir, sizeof(scratch_dir),
			 "%s/kp-fuzz-config.XXXXXX", bases[i]);
		if (mkdtemp(scratch_dir) != NULL) {
			snprintf(conf_path, sizeof(conf_path), "%s/kuma-push.conf",
				 scratch_dir);
			atexit(scratch_remove);
			return;
		}
	}
	fprintf(stderr, "fuzz_config: cannot make a scratch directory: %s\n",
		strerror(errno));
	abort();
}

static void write_input(const uint8_t *data, size_t size)
{
	/* 0600: the loader warns about secrets in files others can read. */
	int fd = open(conf_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t done = 0;

	FUZZ_CHECK(fd >= 0);
	while (done < size) {
		ssize_t n = write(fd, data + done, size - done);

		if (n < 0 && errno == EINTR)
			continue;
		FUZZ_CHECK(n > 0);
		done += (size_t)n;
	}
	FUZZ_CHECK(close(fd) == 0);
}

struct lines {
	unsigned long reported;
	unsigned long warned;
};

/* One line each: non-empty, no control characters, names the file. */
static void check_line(const char *line)
{
	const unsigned char *p;

	FUZZ_CHECK(line != NULL && line[0] != '\0');
	for (p = (const unsigned char *)line; *p != '\0'; p++)
		FUZZ_CHECK(*p >= 0x20 && *p != 0x7f);
	FUZZ_CHECK(strncmp(line, conf_path, strlen(conf_path)) == 0 ||
		   strncmp(line, scratch_dir, strlen(scratch_dir)) == 0 ||
		   line[0] == '/');
}

static void on_report(void *ctx, const char *line)
{
	check_line(line);
	((struct lines *)ctx)->reported++;
}

static void on_warn(void *ctx, const char *line)
{
	check_line(line);
	((struct lines *)ctx)->warned++;
}

/* What the rest of the agent takes for granted in a loaded config. */
static void check_config(const struct config *cfg)
{
	size_t i;

	FUZZ_CHECK(cfg->n_checks == 0 || cfg->checks != NULL);
	FUZZ_CHECK(cfg->n_targets == 0 || cfg->targets != NULL);
	FUZZ_CHECK(cfg->max_parallel > 0);
	for (i = 0; i < cfg->n_targets; i++) {
		FUZZ_CHECK(cfg->targets[i].name != NULL);
		FUZZ_CHECK(cfg->targets[i].url != NULL);
	}
	for (i = 0; i < cfg->n_checks; i++) {
		const struct check *c = &cfg->checks[i];

		FUZZ_CHECK(c->name != NULL && c->name[0] != '\0');
		FUZZ_CHECK(c->push_url != NULL);
		FUZZ_CHECK(strstr(c->push_url, "/api/push/") != NULL);
		FUZZ_CHECK(strpbrk(c->push_url, "?#") == NULL);
		FUZZ_CHECK((unsigned)c->tier < TIER_COUNT);
		FUZZ_CHECK(c->net.timeout_s > 0);
		switch (c->tier) {
		case TIER_HTTP:
			FUZZ_CHECK(c->target == -1);
			FUZZ_CHECK(c->url != NULL && c->method != NULL);
			FUZZ_CHECK(c->n_status >= 1 && c->n_status <= CHECK_STATUS_RANGES);
			for (size_t k = 0; k < c->n_status; k++)
				FUZZ_CHECK(c->status[k].lo <= c->status[k].hi);
			FUZZ_CHECK(c->n_headers == 0 || c->headers != NULL);
			break;
		case TIER_MODELS:
			FUZZ_CHECK(c->query != NULL && c->expected != NULL);
			/* fall through */
		default:
			FUZZ_CHECK(c->target >= 0 &&
				   (size_t)c->target < cfg->n_targets);
			break;
		}
		if (c->tier == TIER_CHAT)
			FUZZ_CHECK(c->model != NULL && c->prompt != NULL &&
				   c->expect != NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kp_err err = { KP_OK, "" };
	struct lines lines = { 0, 0 };
	struct config *cfg;

	if (scratch_dir[0] == '\0')
		scratch_make();
	write_input(data, size);
	cfg = config_load(conf_path, on_report, on_warn, &lines, &err);
	if (cfg == NULL) {
		FUZZ_CHECK(err.status != KP_OK);
		FUZZ_CHECK(err.msg[0] != '\0');
		FUZZ_CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);
		/* Past the size cap the summary is the only line. */
		if (err.status == KP_EINVAL && size < 1024 * 1024)
			FUZZ_CHECK(lines.reported > 0);
		return 0;
	}
	FUZZ_CHECK(lines.reported == 0);
	check_config(cfg);
	config_free(cfg);
	return 0;
}
