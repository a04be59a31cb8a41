/* SPDX-License-Identifier: MIT */
/* log.h: the one global of kuma-push, the log sink. Lines are sanitised. */
#ifndef KP_LOG_H
#define KP_LOG_H

#include "err.h"
#include "redact.h"

enum log_level { LOG_LVL_ERR = 0, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };
enum log_sink { LOG_SINK_STDERR = 0, LOG_SINK_SYSLOG };

/*
 * verbosity: messages at or below this level are shown (default WARN).
 * On stderr, when started by systemd (JOURNAL_STREAM set), lines carry
 * "<N>" syslog priority prefixes so journald keeps the level.
 */
void log_init(enum log_level verbosity, enum log_sink sink);
void log_close(void);
enum log_level log_verbosity(void);

/*
 * Every line is passed through r (borrowed: it must outlive its use; set
 * NULL or the next configuration's before freeing it). NULL: none.
 */
void log_set_redactor(const struct redactor *r);

/* One line each; "kuma-push: " is prefixed on stderr. No trailing newline. */
void log_err(const char *fmt, ...) KP_PRINTF(1, 2);
void log_warnx(const char *fmt, ...) KP_PRINTF(1, 2);
void log_warn(const char *fmt, ...) KP_PRINTF(1, 2); /* adds strerror(errno) */
void log_info(const char *fmt, ...) KP_PRINTF(1, 2);
void log_debug(const char *fmt, ...) KP_PRINTF(1, 2);

/*
 * Sinks in config_report_fn's shape for lines that are already whole
 * ("FILE:LINE: setting: problem"): logged as errors or warnings; ctx unused.
 */
void log_line_err(void *ctx, const char *line);
void log_line_warn(void *ctx, const char *line);

#endif
