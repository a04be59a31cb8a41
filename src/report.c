/* SPDX-License-Identifier: MIT */
/* report.c: the -v line, the --json line and the metrics file of each result. */
#include "report.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cert.h"
#include "json_write.h"
#include "log.h"
#include "metrics.h"
#include "push.h"
#include "redact.h"
#include "util.h"

int reporter_init(struct reporter *rep, const struct config *cfg,
		  FILE *json_out, bool write_each, struct kp_err *err)
{
	memset(rep, 0, sizeof(*rep));
	rep->cfg = cfg;
	rep->json_out = json_out;
	rep->write_each = write_each;
	rep->latest = calloc(cfg->n_checks ? cfg->n_checks : 1, sizeof(*rep->latest));
	if (rep->latest == NULL)
		return kp_err_nomem(err);
	if (cfg->metrics_file != NULL)
		rep->push_failures = metrics_read_failures(cfg->metrics_file);
	return 0;
}

void reporter_free(struct reporter *rep)
{
	free(rep->latest);
	rep->latest = NULL;
}

static enum kp_status json_timings(struct buf *out, const struct http_timings *t)
{
	return buf_printf(out,
			  "\"timings\":{\"dns_ms\":%.3f,\"connect_ms\":%.3f,\"tls_ms\":%.3f,"
			  "\"first_byte_ms\":%.3f,\"total_ms\":%.3f}",
			  t->dns_ms, t->connect_ms, t->tls_ms, t->first_byte_ms,
			  t->total_ms);
}

/* The certificate's end and, when a threshold overrode it, the verdict. */
static enum kp_status json_thresholds(struct buf *out, const struct check_result *r)
{
	char iso[32];
	enum kp_status status;

	if (r->cert_not_after > 0) {
		cert_iso8601(r->cert_not_after, iso, sizeof(iso));
		status = buf_printf(out, ",\"cert_not_after\":\"%s\"", iso);
	} else {
		status = buf_append_str(out, ",\"cert_not_after\":null");
	}
	if (status == KP_OK && r->real_msg[0] == '\0')
		return buf_append_str(out, ",\"real_status\":null,\"real_msg\":null");
	if (status == KP_OK)
		status = buf_append_str(out, ",\"real_status\":\"up\",\"real_msg\":");
	return status == KP_OK ? json_write_string(out, r->real_msg) : status;
}

/*
 * The tier part of a check's name, as -v shows it after the target:
 * "chat", or "chat/llama3.1" for one of several chat blocks.
 */
static const char *shown_tier(const struct run_outcome *o)
{
	size_t n = strlen(o->target);
	const char *name = o->check->name;

	if (o->check->tier != TIER_HTTP && name != NULL &&
	    strncmp(name, o->target, n) == 0 && name[n] == '/')
		return name + n + 1;
	return tier_name(o->check->tier);
}

/* A count or rate the reply carried, or "N/A". */
static enum kp_status json_figure(struct buf *out, const char *key, double v)
{
	if (v < 0)
		return buf_printf(out, ",\"%s\":\"N/A\"", key);
	if (v < 1e15 && (double)(long long)v == v)
		return buf_printf(out, ",\"%s\":%lld", key, (long long)v);
	return buf_printf(out, ",\"%s\":%.3f", key, v);
}

/* The chat tier's figures: what the reply said about itself. */
static enum kp_status json_chat(struct buf *out, const struct run_outcome *o)
{
	const struct chat_figures *f = &o->result.chat;
	enum kp_status status = buf_append_str(out, ",\"chat\":{\"model\":");
	char model[CHECK_MSG_MAX];

	kp_sanitize_chars(model, sizeof(model), o->check->model, PUSH_MSG_MAX);
	if (status == KP_OK)
		status = json_write_string(out, model);
	if (status == KP_OK)
		status = buf_printf(out, ",\"streamed\":%s",
				    f->streamed ? "true" : "false");
	if (status == KP_OK)
		status = json_figure(out, "prompt_tokens", f->known ? f->prompt_tokens : -1);
	if (status == KP_OK)
		status = json_figure(out, "completion_tokens",
				     f->known ? f->completion_tokens : -1);
	if (status == KP_OK)
		status = json_figure(out, "total_tokens", f->known ? f->total_tokens : -1);
	if (status == KP_OK)
		status = json_figure(out, "tokens_per_s", f->known ? f->tokens_per_s : -1);
	if (status == KP_OK)
		status = json_figure(out, "prompt_tokens_per_s",
				     f->known ? f->prompt_tokens_per_s : -1);
	return status == KP_OK ? buf_append_str(out, "}") : status;
}

enum kp_status report_json(struct buf *out, const struct run_outcome *o)
{
	const struct check_result *r = &o->result;
	enum kp_status status = buf_append_str(out, "{\"target\":");
	char target[CHECK_MSG_MAX];

	/* Names from the config may be any bytes: valid UTF-8 out, as msg. */
	kp_sanitize_chars(target, sizeof(target), o->target, PUSH_MSG_MAX);

	if (status == KP_OK)
		status = json_write_string(out, target);
	if (status == KP_OK)
		status = buf_append_str(out, ",\"check\":");
	kp_sanitize_chars(target, sizeof(target), o->check->name, PUSH_MSG_MAX);
	if (status == KP_OK)
		status = json_write_string(out, target);
	if (status == KP_OK)
		status = buf_printf(out, ",\"tier\":\"%s\",\"status\":\"%s\",",
				    tier_name(o->check->tier), r->up ? "up" : "down");
	/* ping_ms is the ping Kuma received: none for down or skipped; the
	 * timings below keep what was measured. */
	if (status == KP_OK)
		status = r->ping_ms >= 0 ? buf_printf(out, "\"ping_ms\":%ld,", r->ping_ms)
					 : buf_append_str(out, "\"ping_ms\":null,");
	if (status == KP_OK)
		status = buf_append_str(out, "\"msg\":");
	if (status == KP_OK)
		status = json_write_string(out, r->msg);
	if (status == KP_OK)
		status = r->http_status > 0
				 ? buf_printf(out, ",\"http_code\":%ld,", r->http_status)
				 : buf_append_str(out, ",\"http_code\":null,");
	if (status == KP_OK)
		status = json_timings(out, &r->timings);
	if (status == KP_OK)
		status = buf_printf(out, ",\"pushed\":%s,\"push_error\":",
				    o->pushed ? "true" : "false");
	if (status == KP_OK)
		status = o->pushed ? buf_append_str(out, "null")
				   : json_write_string(out, o->push_error);
	if (status == KP_OK)
		status = json_thresholds(out, r);
	if (status == KP_OK && o->check->tier == TIER_CHAT)
		status = json_chat(out, o);
	return status == KP_OK ? buf_append_str(out, "}") : status;
}

/* One line to the --json stream; after a failed write, no more tries. */
static void report_write(struct reporter *rep, const char *text, size_t len)
{
	if (rep->json_failed)
		return;
	/* main reports it once at exit (71): the stream keeps its error. */
	if (fwrite(text, 1, len, rep->json_out) != len || fflush(rep->json_out) != 0)
		rep->json_failed = true;
}

void reporter_outcome(void *ctx, const struct run_outcome *o)
{
	struct reporter *rep = ctx;
	const struct check_result *r = &o->result;
	struct kp_err err = { KP_OK, "" };
	struct buf line, shown;

	if (r->ping_ms >= 0)
		log_info("%s %s %s %ld ms: %s", o->target, shown_tier(o),
			 r->up ? "up" : "down", r->ping_ms, r->msg);
	else
		log_info("%s %s %s - ms: %s", o->target, shown_tier(o),
			 r->up ? "up" : "down", r->msg);
	/* -vv: where the time went, for a check that made a request. */
	if (r->timings.total_ms > 0)
		log_debug("%s %s timings from the request's start: dns %.1f ms, "
			  "connect %.1f ms, tls %.1f ms, first byte %.1f ms, total %.1f ms",
			  o->target, shown_tier(o), r->timings.dns_ms,
			  r->timings.connect_ms, r->timings.tls_ms,
			  r->timings.first_byte_ms, r->timings.total_ms);
	if (rep->json_out != NULL) {
		buf_init(&line, 64 * 1024);
		buf_init(&shown, 128 * 1024);
		/* The output edge: the whole line passes the config's redactor
		 * (Kuma's push_error too, not only the already masked msg). */
		if (report_json(&line, o) == KP_OK &&
		    redact_append(rep->cfg->redact, &shown, buf_str(&line), line.len) == KP_OK &&
		    buf_append_str(&shown, "\n") == KP_OK)
			report_write(rep, buf_str(&shown), shown.len);
		buf_free(&line);
		buf_free(&shown);
	}
	rep->latest[o->check - rep->cfg->checks] = *o;
	if (!o->pushed)
		rep->push_failures++;
	if (rep->write_each && reporter_write_metrics(rep, &err) != 0 &&
	    strcmp(err.msg, rep->write_err.msg) != 0) {
		log_err("%s", err.msg);
		rep->write_err = err;
	}
}

int reporter_write_metrics(struct reporter *rep, struct kp_err *err)
{
	struct buf text, shown;
	struct timespec now;
	int rc;

	if (rep->cfg->metrics_file == NULL)
		return 0;
	clock_gettime(CLOCK_REALTIME, &now);
	buf_init(&text, 16 * 1024 * 1024);
	if (metrics_render(&text, rep->latest, rep->cfg->n_checks, rep->push_failures,
			   (double)now.tv_sec + (double)now.tv_nsec / 1e9) != KP_OK) {
		buf_free(&text);
		return kp_err_nomem(err);
	}
	buf_init(&shown, 32 * 1024 * 1024);
	if (redact_append(rep->cfg->redact, &shown, buf_str(&text), text.len) != KP_OK) {
		buf_free(&text);
		buf_free(&shown);
		return kp_err_nomem(err);
	}
	rc = metrics_write_file(rep->cfg->metrics_file, buf_str(&shown), shown.len, err);
	buf_free(&text);
	buf_free(&shown);
	return rc;
}
