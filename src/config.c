/* SPDX-License-Identifier: MIT */
/*
 * config.c: config_load and config_free. Reads the file (bounded), lets
 * libconfig parse it, then validates it all, collecting every error with
 * its FILE:LINE and setting path before failing (OpenBSD ntpd's "errors").
 */
#include "config_impl.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

const char *tier_name(enum tier tier)
{
	static const char *const names[TIER_COUNT] = {"health", "models",
						      "chat", "http"};

	return (unsigned)tier < TIER_COUNT ? names[tier] : "?";
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

	/* O_NONBLOCK: opening a FIFO must not wait for a writer (-n on a
	 * FIFO would hang); the check below then refuses it. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return kp_err_set(err, KP_EOS, "cannot open %s: %s", path,
				  strerror(errno));
	if (fstat(fd, &st) != 0) {
		kp_err_set(err, KP_EOS, "cannot read %s: %s", path,
			   strerror(errno));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		kp_err_set(err, KP_EOS, "cannot read %s: %s", path,
			   strerror(EISDIR));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		kp_err_set(err, KP_EINVAL, "%s: not a regular file", path);
		goto fail;
	}
	if (mode != NULL)
		*mode = (int)st.st_mode;
	data = malloc(cap);
	if (data == NULL)
		goto nomem;
	for (;;) {
		if (used > CFG_FILE_MAX) {
			kp_err_set(err, KP_ELIMIT, "%s: larger than %d bytes",
				   path, CFG_FILE_MAX);
			goto fail;
		}
		if (used + 1 == cap) {
			grown = malloc(cap * 2);
			if (grown == NULL)
				goto nomem;
			memcpy(grown, data, used);
			/* It may hold a key (api_key_file): wipe every copy. */
			explicit_bzero(data, used);
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
	if (data != NULL)
		explicit_bzero(data, used);
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

/*
 * libconfig has no nan or inf: "timeout = nan;" is a bare "syntax error".
 * If line lineno of text sets a name to one, that name, else NULL.
 */
static const char *non_finite(const char *text, int lineno, char *name,
			      size_t size)
{
	static const char *const words[] = { "nan", "inf", "infinity", NULL };
	const char *p = text, *eq, *v;
	size_t n, i;
	int line = 1;

	while (line < lineno && (p = strchr(p, '\n')) != NULL) {
		p++;
		line++;
	}
	if (p == NULL)
		return NULL;
	for (;;) { /* each "name = value" or "name: value" on the line */
		eq = p + strcspn(p, "=:\n");
		if (*eq != '=' && *eq != ':')
			return NULL;
		v = eq + 1 + strspn(eq + 1, " \t");
		if (*v == '+' || *v == '-')
			v++;
		for (i = 0; words[i] != NULL; i++) {
			n = strlen(words[i]);
			if (strncasecmp(v, words[i], n) == 0 &&
			    strchr(";,)] \t\r\n", v[n]) != NULL && v[n] != '\0')
				break;
		}
		if (words[i] != NULL)
			break;
		p = eq + 1;
	}
	while (eq > p && (eq[-1] == ' ' || eq[-1] == '\t'))
		eq--;
	for (v = eq; v > p && (isalnum((unsigned char)v[-1]) || v[-1] == '_' ||
			       v[-1] == '-');)
		v--;
	n = (size_t)(eq - v) < size - 1 ? (size_t)(eq - v) : size - 1;
	memcpy(name, v, n);
	name[n] = '\0';
	return name;
}

static void syntax_error(struct loader *ld, config_t *lc, const char *main_text)
{
	char file[512], raw[2048], name[64];
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
	if (efile == NULL && strcmp(text, "syntax error") == 0 &&
	    non_finite(main_text, config_error_line(lc), name, sizeof(name)) != NULL) {
		snprintf(raw, sizeof(raw), "%s:%d: %s: nan and inf are not numbers "
			 "here: give a finite number", shown, config_error_line(lc),
			 name);
		cfg_report_now(ld, raw);
		return;
	}
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
	for (i = 0; i < c->n_require; i++)
		free(c->require[i]);
	free(c->require);
	if (c->regex != NULL)
		regfree(c->regex);
	free(c->regex);
	free(c->regex_src);
}

/* One pattern of a comma-separated list into buf; false if too long. */
static bool next_pattern(const char **list, char *buf, size_t size)
{
	size_t n = strcspn(*list, ",");
	bool fits = n < size;

	if (!fits)
		n = size - 1;
	memcpy(buf, *list, n);
	buf[n] = '\0';
	*list += strcspn(*list, ",");
	if (**list == ',')
		(*list)++;
	return fits;
}

int config_select(struct config *cfg, const char *patterns, struct kp_err *err)
{
	const char *p = patterns;
	char pat[256];
	size_t i, kept = 0;

	/* Every pattern must name something: a typo must not run nothing. */
	do {
		if (!next_pattern(&p, pat, sizeof(pat)))
			return kp_err_set(err, KP_EINVAL, "--only: pattern longer than %zu bytes",
					  sizeof(pat) - 1);
		if (pat[0] == '\0')
			return kp_err_set(err, KP_EINVAL, "--only: empty pattern in \"%s\"",
					  patterns);
		for (i = 0; i < cfg->n_checks; i++)
			if (cfg->checks[i].name != NULL &&
			    fnmatch(pat, cfg->checks[i].name, 0) == 0)
				break;
		if (i == cfg->n_checks)
			return kp_err_set(err, KP_EINVAL, "--only: no check matches \"%s\"",
					  pat);
	} while (*p != '\0');
	for (i = 0; i < cfg->n_checks; i++) {
		bool match = false;

		for (p = patterns; !match && *p != '\0';) {
			next_pattern(&p, pat, sizeof(pat));
			match = cfg->checks[i].name != NULL &&
				fnmatch(pat, cfg->checks[i].name, 0) == 0;
		}
		if (!match) {
			check_free(&cfg->checks[i]);
			continue;
		}
		if (kept != i)
			cfg->checks[kept] = cfg->checks[i];
		kept++;
	}
	cfg->n_checks = kept;
	return 0;
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
			/* A secret: do not leave it in freed memory
			 * (explicit_bzero: a memset before free is elided). */
			explicit_bzero(cfg->targets[i].api_key,
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
	redactor_free(cfg->redact);
	free(cfg);
}

/*
 * libconfig 1.5 joins every @include name to its include directory, which
 * would break absolute names. It reads them as given instead, from the
 * main file's directory as the working directory (restored at once): a
 * relative name is relative to that directory, an absolute one works.
 * If the working directory cannot be kept, absolute names fail as before.
 * 1: read; 0: a syntax error (in lc); -1: the working directory is lost.
 */
static int read_in_dir(config_t *lc, const char *dir, const char *text)
{
	int here = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ok;

	if (here < 0 || chdir(dir) != 0) {
		if (here >= 0)
			close(here);
		config_set_include_dir(lc, dir);
		return config_read_string(lc, text) == CONFIG_TRUE;
	}
	ok = config_read_string(lc, text) == CONFIG_TRUE;
	/* An open directory cannot vanish under us: this does not fail in
	 * practice, but running on in the wrong directory would be worse. */
	if (fchdir(here) != 0)
		ok = -1;
	close(here);
	return ok;
}

/*
 * What a newcomer should do about a configuration that cannot be opened:
 * a missing one is made from the example, and one that only root may read
 * wants root (or the systemd unit), not a chmod that would expose its keys.
 */
static const char *open_hint(const char *path)
{
	if (access(path, F_OK) != 0 && errno == ENOENT)
		return " (start from the example, which lists every setting: "
		       KP_EXAMPLE_CONFIG ")";
	if (geteuid() != 0 && access(path, R_OK) != 0 && errno == EACCES)
		return " (you may not read it: run kuma-push as root, or from "
		       "its systemd unit)";
	return "";
}

/* What the loader owns (the sets do not own their keys: free them first). */
static void loader_fini(struct loader *ld)
{
	strset_free(&ld->target_names);
	strset_free(&ld->check_names);
	strset_free(&ld->push_urls);
	free(ld->dir);
	free(ld->overflows);
}

struct config *config_load(const char *path, config_report_fn report,
			   config_report_fn warn, void *ctx, struct kp_err *err)
{
	struct loader ld;
	config_t lc;
	struct config *cfg = NULL;
	struct kp_err rerr;
	char *text = NULL, line[CFG_LINE_MAX];
	size_t len;
	bool lc_live = false;
	int rc;

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
		if (rerr.status == KP_EINVAL) { /* "FILE: not a regular file" */
			cfg_report_now(&ld, rerr.msg);
			goto invalid;
		}
		if (rerr.status != KP_ELIMIT) {
			kp_err_set(err, rerr.status, "%s%s", rerr.msg, open_hint(path));
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
	rc = read_in_dir(&lc, ld.dir, text);
	if (rc < 0) {
		kp_err_set(err, KP_EOS, "cannot return to the working directory "
					"after reading %s: %s", path, strerror(errno));
		goto out;
	}
	if (rc == 0) {
		syntax_error(&ld, &lc, text);
		goto invalid;
	}
	if (cfg_scan_overflows(&ld, NULL, text, len) != 0 ||
	    scan_includes(&ld) != 0)
		goto nomem;
	free(text);
	text = NULL;

	cfg = cfg_build(&ld, config_root_setting(&lc));
	if (cfg == NULL || cfg_secrets(cfg) != 0)
		cfg_nomem(&ld);
	if (!ld.nomem)
		cfg_report_overflows(&ld);
	cfg_flush_errors(&ld);
	if (ld.nomem)
		goto nomem;
	if (ld.errors > 0)
		goto invalid;
	config_destroy(&lc);
	loader_fini(&ld);
	return cfg;

nomem:
	kp_err_nomem(err);
	goto out;
invalid:
	kp_err_set(err, KP_EINVAL, "%s: %d error%s", path, ld.errors,
		   ld.errors == 1 ? "" : "s");
out:
	cfg_flush_errors(&ld);
	config_free(cfg);
	if (lc_live)
		config_destroy(&lc);
	free(text);
	loader_fini(&ld);
	return NULL;
}
