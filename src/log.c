/* SPDX-License-Identifier: MIT */
/* log.c: the log sink (stderr, journald-aware stderr, or syslog). */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "buf.h"
#include "util.h"

static struct {
	enum log_level verbosity;
	enum log_sink sink;
	bool journal; /* stderr goes to journald: prefix <N> priorities */
	const struct redactor *redact;
} log_state = { LOG_LVL_WARN, LOG_SINK_STDERR, false, NULL };

static const int syslog_priority[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };

void log_init(enum log_level verbosity, enum log_sink sink)
{
	log_state.verbosity = verbosity;
	log_state.sink = sink;
	log_state.journal = getenv("JOURNAL_STREAM") != NULL;
	if (sink == LOG_SINK_SYSLOG)
		openlog("kuma-push", LOG_PID, LOG_DAEMON);
}

void log_close(void)
{
	if (log_state.sink == LOG_SINK_SYSLOG)
		closelog();
}

enum log_level log_verbosity(void)
{
	return log_state.verbosity;
}

void log_set_redactor(const struct redactor *r)
{
	log_state.redact = r;
}

#define LOG_LINE_MAX 2048 /* bytes of a line as shown: a whole msg fits */

static void log_emit(enum log_level level, const char *text, size_t len)
{
	char clean[LOG_LINE_MAX];

	kp_sanitize_into(clean, sizeof(clean), text, len);
	if (log_state.sink == LOG_SINK_SYSLOG) {
		syslog(syslog_priority[level], "%s", clean);
		return;
	}
	if (log_state.journal)
		fprintf(stderr, "<%d>%s\n", syslog_priority[level], clean);
	else
		fprintf(stderr, "kuma-push: %s\n", clean);
}

/*
 * The whole line is formatted and redacted before it is cut to
 * LOG_LINE_MAX: a cut first could leave the start of a secret that the
 * redactor no longer recognises.
 */
static void log_vemit(enum log_level level, const char *suffix,
		      const char *fmt, va_list ap)
{
	static const char withheld[] = "(a log line was withheld: out of memory)";
	struct buf shown;
	va_list again;
	char *line = NULL;
	int n;

	if (level > log_state.verbosity)
		return;
	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	if (n >= 0 && (line = malloc((size_t)n + 1)) != NULL)
		vsnprintf(line, (size_t)n + 1, fmt, again);
	va_end(again);
	buf_init(&shown, 16 * 1024 * 1024);
	if (line != NULL &&
	    redact_append(log_state.redact, &shown, line, (size_t)n) == KP_OK &&
	    (suffix == NULL || buf_printf(&shown, ": %s", suffix) == KP_OK))
		log_emit(level, buf_str(&shown), shown.len);
	else
		log_emit(level, withheld, sizeof(withheld) - 1);
	free(line);
	buf_free(&shown);
}

#define LOG_FN(name, level, suffix_expr)                                \
	void name(const char *fmt, ...)                                 \
	{                                                               \
		const char *suffix = (suffix_expr);                     \
		va_list ap;                                             \
		va_start(ap, fmt);                                      \
		log_vemit(level, suffix, fmt, ap);                      \
		va_end(ap);                                             \
	}

LOG_FN(log_err, LOG_LVL_ERR, NULL)
LOG_FN(log_warnx, LOG_LVL_WARN, NULL)
LOG_FN(log_warn, LOG_LVL_WARN, strerror(errno))
LOG_FN(log_info, LOG_LVL_INFO, NULL)
LOG_FN(log_debug, LOG_LVL_DEBUG, NULL)

void log_line_err(void *ctx, const char *line)
{
	(void)ctx;
	log_err("%s", line);
}

void log_line_warn(void *ctx, const char *line)
{
	(void)ctx;
	log_warnx("%s", line);
}
