/* SPDX-License-Identifier: MIT */
/*
 * config_report.c: how config problems reach people: FILE:LINE: path: what,
 * collected and reported in file order; typed numbers with range checks.
 */
#include "config_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void cfg_nomem(struct loader *ld)
{
	ld->nomem = true;
}

int cfg_file_rank(const struct loader *ld, const char *file)
{
	unsigned i;

	if (file == NULL || ld->lc == NULL)
		return 0;
	for (i = 0; i < ld->lc->num_filenames; i++)
		if (strcmp(ld->lc->filenames[i], file) == 0)
			return (int)i + 1;
	return (int)ld->lc->num_filenames + 1;
}

const char *cfg_file_of(const struct loader *ld, const config_setting_t *s,
			char *buf, size_t size)
{
	const char *file = s ? config_setting_source_file(s) : NULL;

	if (file == NULL)
		return ld->path;
	if (file[0] == '/' || strcmp(ld->dir, ".") == 0)
		return file;
	snprintf(buf, size, "%s/%s", ld->dir, file);
	return buf;
}

/* "targets.[0].models.query", as libconfig names paths. */
static void setting_path(const config_setting_t *s, char *buf, size_t size)
{
	const config_setting_t *chain[32];
	size_t depth = 0, used = 0;

	buf[0] = '\0';
	for (; s != NULL && !config_setting_is_root(s);
	     s = config_setting_parent(s))
		if (depth < sizeof(chain) / sizeof(chain[0]))
			chain[depth++] = s;
	while (depth > 0 && used < size) {
		const config_setting_t *c = chain[--depth];
		int n;

		if (config_setting_name(c) != NULL)
			n = snprintf(buf + used, size - used, "%s%s",
				     used ? "." : "", config_setting_name(c));
		else
			n = snprintf(buf + used, size - used, "%s[%d]",
				     used ? "." : "", config_setting_index(c));
		if (n < 0)
			return;
		used += (size_t)n;
	}
}

static void format_line(const struct loader *ld, const config_setting_t *s,
			const char *member, const char *fmt, va_list ap,
			char *line, size_t size, unsigned *lineno)
	KP_PRINTF(4, 0);

static void format_line(const struct loader *ld, const config_setting_t *s,
			const char *member, const char *fmt, va_list ap,
			char *line, size_t size, unsigned *lineno)
{
	char file[512], path[256], msg[CFG_LINE_MAX], raw[2048];
	size_t plen;

	*lineno = s ? config_setting_source_line(s) : 1;
	if (*lineno == 0)
		*lineno = 1; /* the root: the file as a whole */
	setting_path(s, path, sizeof(path));
	if (member != NULL) {
		plen = strlen(path);
		snprintf(path + plen, sizeof(path) - plen, "%s%s",
			 plen ? "." : "", member);
	}
	vsnprintf(msg, sizeof(msg), fmt, ap);
	snprintf(raw, sizeof(raw), "%s:%u: %s%s%s",
		 cfg_file_of(ld, s, file, sizeof(file)), *lineno, path,
		 path[0] ? ": " : "", msg);
	/* Values echoed from the file may hold escapes like "\n". */
	kp_sanitize_into(line, size, raw, strlen(raw));
}

static void record(struct loader *ld, int file_rank, unsigned lineno,
		   const char *line)
{
	struct cfg_msg *m;

	ld->errors++;
	if (ld->n_msgs == ld->cap_msgs) {
		size_t cap = ld->cap_msgs ? ld->cap_msgs * 2 : 16;
		struct cfg_msg *grown = malloc(cap * sizeof(*grown));

		if (grown == NULL) {
			cfg_nomem(ld);
			return;
		}
		if (ld->n_msgs > 0)
			memcpy(grown, ld->msgs, ld->n_msgs * sizeof(*grown));
		free(ld->msgs);
		ld->msgs = grown;
		ld->cap_msgs = cap;
	}
	m = &ld->msgs[ld->n_msgs];
	m->text = kp_sanitize(line, strlen(line), strlen(line));
	if (m->text == NULL) {
		cfg_nomem(ld);
		return;
	}
	m->file_rank = file_rank;
	m->line = lineno;
	m->seq = ld->n_msgs++;
}

static int rank_of(const struct loader *ld, const config_setting_t *s)
{
	return cfg_file_rank(ld, s ? config_setting_source_file(s) : NULL);
}

void cfg_report_now(struct loader *ld, const char *raw)
{
	char line[CFG_LINE_MAX];

	kp_sanitize_into(line, sizeof(line), raw, strlen(raw));
	ld->errors++;
	if (ld->report != NULL)
		ld->report(ld->ctx, line);
}

/* An error about setting s, or about its member when member is non-NULL. */
static void error_v(struct loader *ld, const config_setting_t *s,
		    const char *member, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

static void error_v(struct loader *ld, const config_setting_t *s,
		    const char *member, const char *fmt, va_list ap)
{
	char line[CFG_LINE_MAX];
	unsigned lineno;

	format_line(ld, s, member, fmt, ap, line, sizeof(line), &lineno);
	record(ld, rank_of(ld, s), lineno, line);
}

void cfg_error(struct loader *ld, const config_setting_t *s, const char *fmt,
	       ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_v(ld, s, NULL, fmt, ap);
	va_end(ap);
}

void cfg_error_in(struct loader *ld, const config_setting_t *block,
		  const char *member, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_v(ld, block, member, fmt, ap);
	va_end(ap);
}

void cfg_warn(struct loader *ld, const config_setting_t *s, const char *fmt,
	      ...)
{
	char line[CFG_LINE_MAX];
	unsigned lineno;
	va_list ap;

	va_start(ap, fmt);
	format_line(ld, s, NULL, fmt, ap, line, sizeof(line), &lineno);
	va_end(ap);
	if (ld->warn != NULL)
		ld->warn(ld->ctx, line);
}

static int msg_cmp(const void *a, const void *b)
{
	const struct cfg_msg *x = a, *y = b;

	if (x->file_rank != y->file_rank)
		return x->file_rank < y->file_rank ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Errors in file order, whatever order the checks ran in. */
void cfg_flush_errors(struct loader *ld)
{
	size_t i;

	if (ld->n_msgs > 1)
		qsort(ld->msgs, ld->n_msgs, sizeof(*ld->msgs), msg_cmp);
	for (i = 0; i < ld->n_msgs; i++) {
		if (ld->report != NULL && !ld->nomem)
			ld->report(ld->ctx, ld->msgs[i].text);
		free(ld->msgs[i].text);
	}
	free(ld->msgs);
	ld->msgs = NULL;
	ld->n_msgs = ld->cap_msgs = 0;
}

const char *cfg_type_name(int type)
{
	switch (type) {
	case CONFIG_TYPE_GROUP:
		return "a group";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "an integer";
	case CONFIG_TYPE_FLOAT:
		return "a number";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "a boolean";
	case CONFIG_TYPE_ARRAY:
		return "an array";
	case CONFIG_TYPE_LIST:
		return "a list";
	default:
		return "nothing";
	}
}

static struct cfg_overflow *overflow_at(struct loader *ld,
					const config_setting_t *s)
{
	const char *file = config_setting_source_file(s);
	size_t i;

	for (i = 0; i < ld->n_overflows; i++) {
		struct cfg_overflow *o = &ld->overflows[i];

		if (o->used || o->line != config_setting_source_line(s))
			continue;
		if ((o->file == NULL && file == NULL) ||
		    (o->file != NULL && file != NULL &&
		     strcmp(o->file, file) == 0))
			return o;
	}
	return NULL;
}

bool cfg_number_in(struct loader *ld, const config_setting_t *s,
		   bool want_int, double min, bool min_open, double max,
		   const char *unit, double *out)
{
	char range[96];
	struct cfg_overflow *o;
	int type = config_setting_type(s);
	double v;

	if (min_open)
		snprintf(range, sizeof(range), "must be > %.15g and <= %.15g%s",
			 min, max, unit);
	else
		snprintf(range, sizeof(range), "must be %.15g to %.15g%s", min,
			 max, unit);
	switch (type) {
	case CONFIG_TYPE_INT:
		o = overflow_at(ld, s);
		if (o != NULL) {
			o->used = true;
			cfg_error(ld, s, "%s is out of range (%s)", o->text,
				  range);
			return false;
		}
		v = config_setting_get_int(s);
		break;
	case CONFIG_TYPE_INT64:
		v = (double)config_setting_get_int64(s);
		break;
	case CONFIG_TYPE_FLOAT:
		v = config_setting_get_float(s);
		if (want_int) {
			cfg_error(ld, s, "expected an integer, got %.15g", v);
			return false;
		}
		break;
	default:
		cfg_error(ld, s, "expected %s, got %s",
			  want_int ? "an integer" : "a number",
			  cfg_type_name(type));
		return false;
	}
	if (!(min_open ? v > min : v >= min) || !(v <= max)) {
		cfg_error(ld, s, "%.15g is out of range (%s)", v, range);
		return false;
	}
	*out = v;
	return true;
}

/* An integer libconfig truncated, in a setting nobody read as a number. */
void cfg_report_overflows(struct loader *ld)
{
	char file[512], line[CFG_LINE_MAX];
	size_t i;

	for (i = 0; i < ld->n_overflows; i++) {
		struct cfg_overflow *o = &ld->overflows[i];
		const char *shown = ld->path;

		if (o->used)
			continue;
		if (o->file != NULL) {
			if (o->file[0] == '/' || strcmp(ld->dir, ".") == 0)
				shown = o->file;
			else {
				snprintf(file, sizeof(file), "%s/%s", ld->dir,
					 o->file);
				shown = file;
			}
		}
		snprintf(line, sizeof(line), "%s:%u: %s: integer out of range",
			 shown, o->line, o->text);
		record(ld, cfg_file_rank(ld, o->file), o->line, line);
	}
}
