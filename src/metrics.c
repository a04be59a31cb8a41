/* SPDX-License-Identifier: MIT */
/* metrics.c: the node_exporter textfile (Prometheus text exposition format). */
#include "metrics.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "push.h"
#include "util.h"

#define FAILURES_METRIC "kuma_push_push_failures_total"

/* A label value with \ " and newline escaped, as the format requires. */
static enum kp_status append_label(struct buf *out, const char *name,
				   const char *raw)
{
	enum kp_status status = buf_printf(out, "%s=\"", name);
	char clean[CHECK_MSG_MAX];
	const char *value = clean;

	/* The format wants UTF-8; names from the config may be any bytes. */
	kp_sanitize_chars(clean, sizeof(clean), raw, PUSH_MSG_MAX);

	for (; status == KP_OK && *value != '\0'; value++) {
		if (*value == '\\' || *value == '"')
			status = buf_printf(out, "\\%c", *value);
		else if (*value == '\n')
			status = buf_append_str(out, "\\n");
		else
			status = buf_append(out, value, 1);
	}
	return status == KP_OK ? buf_append_str(out, "\"") : status;
}

/*
 * value in plain decimal, microseconds at most ("0.000016", "1", "0.25"):
 * %g would print 1.6e-05, which people misread and some parsers refuse.
 */
static enum kp_status append_decimal(struct buf *out, double value)
{
	char text[64];
	int n = snprintf(text, sizeof(text), "%.6f", value);

	if (n < 0 || (size_t)n >= sizeof(text))
		return buf_printf(out, "%.17g", value); /* beyond 10^56: never a time */
	while (n > 1 && text[n - 1] == '0')
		n--;
	if (text[n - 1] == '.')
		n--;
	text[n] = '\0';
	return buf_append_str(out, strcmp(text, "-0") == 0 ? "0" : text);
}

/* One sample; label (NULL: none) is "phase" or "kind" with its value. */
static enum kp_status append_series(struct buf *out, const char *metric,
				    const struct run_outcome *o,
				    const char *label, const char *label_value,
				    double value)
{
	enum kp_status status = buf_printf(out, "%s{", metric);

	if (status == KP_OK)
		status = append_label(out, "target", o->target);
	if (status == KP_OK)
		status = buf_printf(out, ",tier=\"%s\"", tier_name(o->check->tier));
	/* One of several chat blocks of a target: its name tells them apart. */
	if (status == KP_OK && o->check->by_model)
		status = buf_append_str(out, ",");
	if (status == KP_OK && o->check->by_model)
		status = append_label(out, "check", o->check->name);
	if (status == KP_OK && label != NULL)
		status = buf_printf(out, ",%s=\"%s\"", label, label_value);
	if (status == KP_OK)
		status = buf_append_str(out, "} ");
	if (status == KP_OK)
		status = append_decimal(out, value);
	return status == KP_OK ? buf_append_str(out, "\n") : status;
}

/*
 * One family of chat figures (token counts or rates) by kind, for the
 * chat checks whose reply carried them; nothing when none did.
 */
static enum kp_status chat_family(struct buf *out, const struct run_outcome *outcomes,
				  size_t n, const char *metric, const char *help,
				  const char *const kinds[], size_t n_kinds, bool rates)
{
	enum kp_status status = KP_OK;
	bool any = false;
	size_t i, k;

	for (i = 0; status == KP_OK && i < n; i++) {
		const struct chat_figures *f = &outcomes[i].result.chat;
		const double counts[] = { f->prompt_tokens, f->completion_tokens,
					  f->total_tokens };
		const double per_s[] = { f->tokens_per_s, f->prompt_tokens_per_s };
		const double *v = rates ? per_s : counts;

		if (outcomes[i].check == NULL || !f->known)
			continue;
		for (k = 0; status == KP_OK && k < n_kinds; k++) {
			if (v[k] < 0)
				continue;
			if (!any)
				status = buf_printf(out, "# HELP %s %s\n# TYPE %s gauge\n",
						    metric, help, metric);
			any = true;
			if (status == KP_OK)
				status = append_series(out, metric, &outcomes[i], "kind",
						       kinds[k], v[k]);
		}
	}
	return status;
}

static enum kp_status chat_series(struct buf *out, const struct run_outcome *outcomes,
				  size_t n)
{
	static const char *const counts[] = { "prompt", "completion", "total" };
	static const char *const rates[] = { "response", "prompt" };
	enum kp_status status;

	status = chat_family(out, outcomes, n, "kuma_push_chat_tokens",
			     "Tokens of the last chat reply, as its usage reported them.",
			     counts, 3, false);
	if (status == KP_OK)
		status = chat_family(out, outcomes, n, "kuma_push_chat_tokens_per_second",
				     "Generation (response) and prompt rates of the last chat reply, as Ollama reported them.",
				     rates, 2, true);
	return status;
}

/* Certificate ends, per check (named as in the config) that saw one. */
static enum kp_status tls_series(struct buf *out, const struct run_outcome *outcomes,
				 size_t n)
{
	enum kp_status status = KP_OK;
	bool any = false;
	size_t i;

	for (i = 0; status == KP_OK && i < n; i++) {
		if (outcomes[i].check == NULL || outcomes[i].result.cert_not_after <= 0)
			continue;
		/* Without https there is no such family at all. */
		if (!any)
			status = buf_append_str(out,
				"# HELP kuma_push_tls_not_after_seconds When the earliest certificate of the peer's chain expires (Unix time).\n"
				"# TYPE kuma_push_tls_not_after_seconds gauge\n");
		any = true;
		if (status == KP_OK)
			status = buf_append_str(out, "kuma_push_tls_not_after_seconds{");
		if (status == KP_OK)
			status = append_label(out, "check", outcomes[i].check->name);
		if (status == KP_OK)
			status = buf_printf(out, "} %lld\n",
					    (long long)outcomes[i].result.cert_not_after);
	}
	return status;
}

enum kp_status metrics_render(struct buf *out, const struct run_outcome *outcomes,
			      size_t n, unsigned long push_failures_total,
			      double now_unix_s)
{
	static const char *const phases[] = { "dns", "connect", "tls", "first_byte", "total" };
	enum kp_status status;
	size_t i, p;

	status = buf_append_str(out,
		"# HELP kuma_push_up Whether the last check of a tier was up (1) or down (0).\n"
		"# TYPE kuma_push_up gauge\n");
	for (i = 0; status == KP_OK && i < n; i++)
		if (outcomes[i].check != NULL)
			status = append_series(out, "kuma_push_up", &outcomes[i], NULL,
					       NULL, outcomes[i].result.up ? 1 : 0);
	if (status == KP_OK)
		status = buf_append_str(out,
			"# HELP kuma_push_duration_seconds Time from the start of the last check request to the end of each phase.\n"
			"# TYPE kuma_push_duration_seconds gauge\n");
	for (i = 0; status == KP_OK && i < n; i++) {
		const struct http_timings *t = &outcomes[i].result.timings;
		const double values[] = { t->dns_ms, t->connect_ms, t->tls_ms,
					  t->first_byte_ms, t->total_ms };

		/* Skipped: nothing was requested. A down result has no ping
		 * but its request was timed. */
		if (outcomes[i].check == NULL || t->total_ms <= 0)
			continue;
		for (p = 0; status == KP_OK && p < 5; p++)
			status = append_series(out, "kuma_push_duration_seconds",
					       &outcomes[i], "phase", phases[p],
					       values[p] / 1000.0);
	}
	if (status == KP_OK)
		status = chat_series(out, outcomes, n);
	if (status == KP_OK)
		status = tls_series(out, outcomes, n);
	if (status == KP_OK)
		status = buf_printf(out,
			"# HELP kuma_push_last_run_timestamp_seconds When kuma-push last finished a check (Unix time).\n"
			"# TYPE kuma_push_last_run_timestamp_seconds gauge\n"
			"kuma_push_last_run_timestamp_seconds %.3f\n"
			"# HELP " FAILURES_METRIC " Pushes that Uptime Kuma did not accept.\n"
			"# TYPE " FAILURES_METRIC " counter\n"
			FAILURES_METRIC " %lu\n",
			now_unix_s, push_failures_total);
	return status;
}

int metrics_write_file(const char *path, const char *text, size_t len,
		       struct kp_err *err)
{
	char tmp[4096];
	int fd, saved = 0;
	size_t done = 0;
	ssize_t n;

	/* mkstemp: a fresh name opened O_EXCL, in the target's directory so
	 * that rename is atomic; nothing planted at a guessable name (a
	 * symlink) is ever followed. */
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp))
		return kp_err_set(err, KP_EOS, "metrics_file path too long");
	fd = mkstemp(tmp);
	if (fd < 0)
		return kp_err_set(err, KP_EOS, "cannot write %s: %s", path,
				  strerror(errno));
	while (done < len) {
		n = write(fd, text + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			saved = n < 0 ? errno : EIO;
			break;
		}
		done += (size_t)n;
	}
	/* Scrapers read it: 0644, not mkstemp's 0600. On disk before the
	 * rename, so a crash leaves the old file or the new, never half. */
	if (done == len && (fchmod(fd, 0644) != 0 || fsync(fd) != 0))
		saved = errno;
	if (close(fd) != 0 && saved == 0)
		saved = errno;
	if (done != len && saved == 0)
		saved = EIO;
	if (saved == 0 && rename(tmp, path) != 0)
		saved = errno;
	if (saved != 0) {
		unlink(tmp);
		return kp_err_set(err, KP_EOS, "cannot write %s: %s", path,
				  strerror(saved));
	}
	return 0;
}

unsigned long metrics_read_failures(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	unsigned long value = 0;
	size_t name_len = strlen(FAILURES_METRIC);

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, FAILURES_METRIC " ", name_len + 1) == 0)
			value = strtoul(line + name_len + 1, NULL, 10);
	fclose(f);
	return value;
}
