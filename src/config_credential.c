/* SPDX-License-Identifier: MIT */
/*
 * config_credential.c: where the secrets of the configuration come from.
 * One rule for each secret setting NAME (api_key, push): NAME, NAME_file or
 * NAME_env, at most one; secret files as systemd credentials; and a
 * warning, once per file, when a file holding a secret is readable by
 * group or others. (config_secrets.c collects them for redaction.)
 */
#include "config_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/*
 * The units load this directory whole (LoadCredential=kuma-push:DIR): each
 * file NAME in it becomes the credential kuma-push_NAME, readable by the
 * unit's dynamic user where the original, mode 0600 root, is not.
 */
#define SECRET_DIR "/etc/kuma-push/"
#define CREDENTIAL_PREFIX "kuma-push_"

void cfg_wipe_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s)); /* a memset before free is optimised away */
	free(s);
}

void cfg_warn_secret(struct loader *ld, const config_setting_t *s,
		     const char *what)
{
	const char *file = config_setting_source_file(s);
	int rank = cfg_file_rank(ld, file), mode = ld->main_mode;
	char shown[512];
	struct stat st;
	char *full;

	/* msmtp's CONF_EINSECURE, as a warning: once per file. */
	if (rank < 64 && (ld->warned_files & (1UL << rank)))
		return;
	if (rank < 64)
		ld->warned_files |= 1UL << rank;
	if (file != NULL) {
		full = cfg_path(ld, file);
		if (full == NULL) {
			cfg_nomem(ld);
			return;
		}
		mode = stat(full, &st) == 0 ? (int)st.st_mode : 0;
		free(full);
	}
	if (mode & (S_IRGRP | S_IROTH))
		cfg_warn(ld, s, "%s holds %s and is readable by group or "
				"others (chmod 600 it)",
			 cfg_file_of(ld, s, shown, sizeof(shown)), what);
}

char *cfg_secret_path(const struct loader *ld, const char *path,
		      bool *credential)
{
	const char *creds = getenv("CREDENTIALS_DIRECTORY");
	const char *name;
	char *full = cfg_path(ld, path), *cred;
	size_t n;

	*credential = false;
	if (full == NULL || creds == NULL || creds[0] != '/' ||
	    strncmp(full, SECRET_DIR, strlen(SECRET_DIR)) != 0)
		return full;
	name = full + strlen(SECRET_DIR);
	if (*name == '\0' || strchr(name, '/') != NULL)
		return full;
	n = strlen(creds) + 1 + strlen(CREDENTIAL_PREFIX) + strlen(name) + 1;
	cred = malloc(n);
	if (cred == NULL) {
		free(full);
		return NULL;
	}
	snprintf(cred, n, "%s/%s%s", creds, CREDENTIAL_PREFIX, name);
	if (access(cred, F_OK) != 0) {
		free(cred);
		return full;
	}
	free(full);
	*credential = true;
	return cred;
}

/* The contents of a NAME_file; reported and NULL when unreadable. */
static char *secret_file(struct loader *ld, const config_setting_t *s,
			 const char *v)
{
	struct kp_err err;
	char *full, *text = NULL;
	size_t len = 0;
	int mode = 0;
	bool credential;

	if (*v == '\0') {
		cfg_error(ld, s, "must not be empty");
		return NULL;
	}
	full = cfg_secret_path(ld, v, &credential);
	if (full == NULL) {
		cfg_nomem(ld);
		return NULL;
	}
	if (cfg_read_file(full, &text, &len, &mode, &err) != 0) {
		if (err.status == KP_ENOMEM)
			cfg_nomem(ld);
		else if (getenv("CREDENTIALS_DIRECTORY") != NULL)
			cfg_error(ld, s, "%s (under systemd, a secret file "
					 "must lie in " SECRET_DIR
					 ", which the unit passes as "
					 "credentials)",
				  err.msg);
		else
			cfg_error(ld, s, "%s", err.msg);
		free(full);
		return NULL;
	}
	if (memchr(text, '\0', len) != NULL) {
		cfg_error(ld, s, "%s contains a NUL byte", full);
		explicit_bzero(text, len);
		free(text);
		free(full);
		return NULL;
	}
	if (mode & (S_IRGRP | S_IROTH))
		cfg_warn(ld, s, "%s is readable by group or others (chmod 600 "
				"it)",
			 full);
	free(full);
	return text;
}

char *cfg_secret_get(struct loader *ld, const config_setting_t *blk,
		     const char *name, const char *what, int flags,
		     const config_setting_t **where)
{
	char names[3][32];
	const config_setting_t *m, *found = NULL;
	const char *v, *env;
	char *out;
	int i, which = -1;

	snprintf(names[0], sizeof(names[0]), "%s", name);
	snprintf(names[1], sizeof(names[1]), "%s_file", name);
	snprintf(names[2], sizeof(names[2]), "%s_env", name);
	*where = NULL;
	for (i = 0; i < 3; i++) {
		m = config_setting_get_member(blk, names[i]);
		if (m == NULL)
			continue;
		if (found != NULL) {
			cfg_error(ld, m, "only one of %s, %s and %s may be set",
				  names[0], names[1], names[2]);
			*where = m;
			return NULL;
		}
		found = m;
		which = i;
	}
	if (found == NULL)
		return NULL;
	*where = found;
	v = cfg_string(ld, blk, names[which], which == 0 ? flags : 0, NULL);
	if (v == NULL)
		return NULL;
	switch (which) {
	case 0:
		cfg_warn_secret(ld, found, what);
		out = kp_strdup(v);
		break;
	case 1:
		return secret_file(ld, found, v);
	default:
		env = *v ? getenv(v) : NULL;
		if (env == NULL || *env == '\0') {
			cfg_error(ld, found, "environment variable \"%s\" is "
					     "not set or empty",
				  v);
			return NULL;
		}
		out = kp_strdup(env);
		break;
	}
	if (out == NULL)
		cfg_nomem(ld);
	return out;
}
