/* SPDX-License-Identifier: MIT */
/*
 * config_sane.c: load-time checks for what a run would otherwise find out
 * too late (issue 10, "caught at -n"): push URLs libcurl accepts, one
 * monitor per check, directories that exist.
 */
#include "config_impl.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "http_url.h"
#include "util.h"

/*
 * A push URL libcurl accepts (a bare token's kuma.url is checked on its
 * own), and not the monitor of an earlier check: two checks pushing to
 * one monitor would overwrite each other's verdicts.
 */
bool cfg_push_unique(struct loader *ld, const struct config *cfg,
			    const config_setting_t *m, const char *url)
{
	char why[128];
	size_t prev = 0;
	int added;

	if (!http_url_ok(url, why, sizeof(why))) {
		if (strcmp(why, "out of memory") == 0)
			cfg_nomem(ld);
		else
			cfg_error(ld, m, "invalid push URL: libcurl rejects it: %s",
				  why);
		return false;
	}
	/* The check being loaded is the last one; the set holds those before. */
	added = strset_put(&ld->push_urls, url, cfg->n_checks - 1, &prev);

	if (added < 0) {
		cfg_nomem(ld);
		return false;
	}
	if (added == 0) {
		const struct check *o = &cfg->checks[prev];

		cfg_error(ld, m, "the same push monitor as check \"%s\" "
				 "(line %d): each check needs its own",
			  o->name ? o->name : "?", o->line);
		return false;
	}
	return true;
}

/* Whether the directory that would hold file exists (true on OOM). */
bool cfg_dir_exists(struct loader *ld, const char *file)
{
	const char *slash = strrchr(file, '/');
	struct stat st;
	char *dir;
	bool ok;

	if (slash == NULL)
		return true; /* the working directory */
	dir = slash == file ? kp_strdup("/") : kp_strndup(file, (size_t)(slash - file));
	if (dir == NULL) {
		cfg_nomem(ld);
		return true;
	}
	ok = stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
	free(dir);
	return ok;
}
