/* log.c: the log sink (stderr, journald-aware stderr, or syslog). */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "util.h"

static struct {
	enum log_level verbosity;
	enum log_sink sink;
	bool journal; /* stderr goes to journald: prefix <N> priorities */
} log_state = { LOG_LVL_WARN, LOG_SINK_STDERR, false };

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

static void log_emit(enum log_level level, const char *text)
{
	char clean[1024];

	if (level > log_state.verbosity)
		return;
	kp_sanitize_into(clean, sizeof(clean), text, strlen(text));
	if (log_state.sink == LOG_SINK_SYSLOG) {
		syslog(syslog_priority[level], "%s", clean);
		return;
	}
	if (log_state.journal)
		fprintf(stderr, "<%d>%s\n", syslog_priority[level], clean);
	else
		fprintf(stderr, "kuma-push: %s\n", clean);
}

static void log_vemit(enum log_level level, const char *suffix,
		      const char *fmt, va_list ap)
{
	char line[1024];
	int n = vsnprintf(line, sizeof(line), fmt, ap);

	if (suffix != NULL && n >= 0 && (size_t)n < sizeof(line))
		snprintf(line + n, sizeof(line) - (size_t)n, ": %s", suffix);
	log_emit(level, line);
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
