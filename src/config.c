/*
 * config.c: config_load and config_free. Reads the file (bounded), lets
 * libconfig parse it, then validates it all, collecting every error with
 * its FILE:LINE and setting path before failing (OpenBSD ntpd's "errors").
 */
#include "config_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#define LINE_MAX_BYTES 1024 /* of one reported line */

const char *tier_name(enum tier tier)
{
	static const char *const names[TIER_COUNT] = {"health", "models",
						      "chat", "http"};

	return (unsigned)tier < TIER_COUNT ? names[tier] : "?";
}

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
{
	char file[512], path[256], msg[LINE_MAX_BYTES], raw[2048];
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
	char line[LINE_MAX_BYTES];

	kp_sanitize_into(line, sizeof(line), raw, strlen(raw));
	ld->errors++;
	if (ld->report != NULL)
		ld->report(ld->ctx, line);
}

void cfg_error(struct loader *ld, const config_setting_t *s, const char *fmt,
	       ...)
{
	char line[LINE_MAX_BYTES];
	unsigned lineno;
	va_list ap;

	va_start(ap, fmt);
	format_line(ld, s, NULL, fmt, ap, line, sizeof(line), &lineno);
	va_end(ap);
	record(ld, rank_of(ld, s), lineno, line);
}

void cfg_error_in(struct loader *ld, const config_setting_t *block,
		  const char *member, const char *fmt, ...)
{
	char line[LINE_MAX_BYTES];
	unsigned lineno;
	va_list ap;

	va_start(ap, fmt);
	format_line(ld, block, member, fmt, ap, line, sizeof(line), &lineno);
	va_end(ap);
	record(ld, rank_of(ld, block), lineno, line);
}

void cfg_warn(struct loader *ld, const config_setting_t *s, const char *fmt,
	      ...)
{
	char line[LINE_MAX_BYTES];
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
static void flush_errors(struct loader *ld)
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

char *cfg_path(const struct loader *ld, const char *path)
{
	size_t dl, pl;
	char *full;

	if (path[0] == '/' || strcmp(ld->dir, ".") == 0)
		return kp_strdup(path);
	dl = strlen(ld->dir);
	pl = strlen(path);
	full = malloc(dl + pl + 2);
	if (full == NULL)
		return NULL;
	memcpy(full, ld->dir, dl);
	full[dl] = '/';
	memcpy(full + dl + 1, path, pl + 1);
	return full;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return kp_strdup(".");
	if (slash == path)
		return kp_strdup("/");
	return kp_strndup(path, (size_t)(slash - path));
}

int cfg_read_file(const char *path, char **text, size_t *len, int *mode,
		  struct kp_err *err)
{
	struct stat st;
	size_t cap = 4096, used = 0;
	char *data = NULL, *grown;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kp_err_set(err, KP_EOS, "cannot open %s: %s", path,
				  strerror(errno));
	if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
		kp_err_set(err, KP_EOS, "cannot read %s: %s", path,
			   S_ISDIR(st.st_mode) ? strerror(EISDIR)
					       : strerror(errno));
		goto fail;
	}
	if (mode != NULL)
		*mode = (int)st.st_mode;
	data = malloc(cap);
	if (data == NULL)
		goto nomem;
	for (;;) {
		if (used > CFG_FILE_MAX) {
			kp_err_set(err, KP_EINVAL, "%s: larger than %d bytes",
				   path, CFG_FILE_MAX);
			goto fail;
		}
		if (used + 1 == cap) {
			grown = malloc(cap * 2);
			if (grown == NULL)
				goto nomem;
			memcpy(grown, data, used);
			free(data);
			data = grown;
			cap *= 2;
		}
		n = read(fd, data + used, cap - 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			kp_err_set(err, KP_EOS, "cannot read %s: %s", path,
				   strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	data[used] = '\0';
	*text = data;
	*len = used;
	return 0;
nomem:
	kp_err_nomem(err);
fail:
	free(data);
	close(fd);
	return -1;
}

/* The included files, for the integer check (libconfig read them already). */
static int scan_includes(struct loader *ld)
{
	struct kp_err err;
	unsigned i;

	for (i = 0; i < ld->lc->num_filenames; i++) {
		const char *name = ld->lc->filenames[i];
		char *full = cfg_path(ld, name), *text = NULL;
		size_t len;
		int rc;

		if (full == NULL)
			return -1;
		rc = cfg_read_file(full, &text, &len, NULL, &err);
		free(full);
		if (rc != 0) {
			if (err.status == KP_ENOMEM)
				return -1;
			continue; /* it was readable a moment ago */
		}
		rc = cfg_scan_overflows(ld, name, text, len);
		free(text);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* An integer libconfig truncated, in a setting nobody read as a number. */
static void report_unused_overflows(struct loader *ld)
{
	char file[512], line[LINE_MAX_BYTES];
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

static void syntax_error(struct loader *ld, config_t *lc)
{
	char file[512], raw[2048];
	const char *efile = config_error_file(lc), *text = config_error_text(lc);
	const char *shown = ld->path;

	if (efile != NULL) {
		if (efile[0] == '/' || strcmp(ld->dir, ".") == 0)
			shown = efile;
		else {
			snprintf(file, sizeof(file), "%s/%s", ld->dir, efile);
			shown = file;
		}
	}
	if (text == NULL)
		text = "syntax error";
	snprintf(raw, sizeof(raw), "%s:%d: %s%s", shown,
		 config_error_line(lc),
		 strcmp(text, "syntax error") == 0 ? "" : "syntax error: ",
		 text);
	cfg_report_now(ld, raw);
}

static void check_free(struct check *c)
{
	size_t i;

	free(c->name);
	free(c->push_url);
	net_opts_free(&c->net);
	jsonata_free(c->query);
	free(c->expected);
	free(c->model);
	free(c->prompt);
	free(c->expect);
	free(c->url);
	free(c->method);
	for (i = 0; i < c->n_headers; i++) {
		free(c->headers[i].name);
		free(c->headers[i].value);
	}
	free(c->headers);
	free(c->body);
	free(c->keyword);
}

void config_free(struct config *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	free(cfg->path);
	free(cfg->kuma_url);
	net_opts_free(&cfg->kuma_net);
	for (i = 0; i < cfg->n_targets; i++) {
		free(cfg->targets[i].name);
		free(cfg->targets[i].url);
		if (cfg->targets[i].api_key != NULL) {
			/* A secret: do not leave it in freed memory. */
			memset(cfg->targets[i].api_key, 0,
			       strlen(cfg->targets[i].api_key));
			free(cfg->targets[i].api_key);
		}
	}
	free(cfg->targets);
	for (i = 0; i < cfg->n_checks; i++)
		check_free(&cfg->checks[i]);
	free(cfg->checks);
	free(cfg->lock_file);
	free(cfg->metrics_file);
	free(cfg->log);
	free(cfg);
}

struct config *config_load(const char *path, config_report_fn report,
			   config_report_fn warn, void *ctx, struct kp_err *err)
{
	struct loader ld;
	config_t lc;
	struct config *cfg = NULL;
	struct kp_err rerr;
	char *text = NULL, line[LINE_MAX_BYTES];
	size_t len;
	bool lc_live = false;

	memset(&ld, 0, sizeof(ld));
	ld.path = path;
	ld.report = report;
	ld.warn = warn;
	ld.ctx = ctx;
	ld.dir = dir_of(path);
	if (ld.dir == NULL) {
		kp_err_nomem(err);
		return NULL;
	}
	if (cfg_read_file(path, &text, &len, &ld.main_mode, &rerr) != 0) {
		if (rerr.status != KP_EINVAL) {
			kp_err_set(err, rerr.status, "%s", rerr.msg);
			free(ld.dir);
			return NULL;
		}
		snprintf(line, sizeof(line), "%s:1: larger than %d bytes", path,
			 CFG_FILE_MAX);
		cfg_report_now(&ld, line);
		goto invalid;
	}
	if (memchr(text, '\0', len) != NULL) {
		unsigned lineno = 1;
		const char *p;

		for (p = text; *p != '\0'; p++)
			lineno += *p == '\n';
		snprintf(line, sizeof(line), "%s:%u: syntax error: NUL byte",
			 path, lineno);
		cfg_report_now(&ld, line);
		goto invalid;
	}
	if (cfg_check_includes(&ld, path, text, len, 0) != 0)
		goto nomem;
	if (ld.errors > 0)
		goto invalid;
	config_init(&lc);
	lc_live = true;
	ld.lc = &lc;
	config_set_include_dir(&lc, ld.dir);
	if (!config_read_string(&lc, text)) {
		syntax_error(&ld, &lc);
		goto invalid;
	}
	if (cfg_scan_overflows(&ld, NULL, text, len) != 0 ||
	    scan_includes(&ld) != 0)
		goto nomem;
	free(text);
	text = NULL;

	cfg = cfg_build(&ld, config_root_setting(&lc));
	if (cfg == NULL)
		cfg_nomem(&ld);
	if (!ld.nomem)
		report_unused_overflows(&ld);
	flush_errors(&ld);
	if (ld.nomem)
		goto nomem;
	if (ld.errors > 0)
		goto invalid;
	config_destroy(&lc);
	free(ld.dir);
	free(ld.overflows);
	return cfg;

nomem:
	kp_err_nomem(err);
	goto out;
invalid:
	kp_err_set(err, KP_EINVAL, "%s: %d error%s", path, ld.errors,
		   ld.errors == 1 ? "" : "s");
out:
	flush_errors(&ld);
	config_free(cfg);
	if (lc_live)
		config_destroy(&lc);
	free(text);
	free(ld.dir);
	free(ld.overflows);
	return NULL;
}
