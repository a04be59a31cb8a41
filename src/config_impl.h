/* SPDX-License-Identifier: MIT */
/*
 * config_impl.h: what the config_*.c files share (the loader state, error
 * reporting, the network-settings cascade). Private to config*.c, the only
 * files that include <libconfig.h>.
 */
#ifndef KP_CONFIG_IMPL_H
#define KP_CONFIG_IMPL_H

#include <libconfig.h>
#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "strset.h"

struct net_layer;

#define CFG_FILE_MAX (1024 * 1024) /* bytes of a config or include file */
#define CFG_LINE_MAX 1024          /* bytes of one reported line */
#define CFG_INCLUDES_MAX 64        /* @include directives in all */

/* An integer literal libconfig 1.5 silently truncated (it has no check). */
struct cfg_overflow {
	const char *file; /* NULL: the main file, else as in @include */
	unsigned line;
	char text[32];    /* the literal, cut */
	bool used;        /* reported against a setting already */
};

/* One collected error line; they are reported sorted by file and line. */
struct cfg_msg {
	int file_rank;    /* 0: main file, n: n-th included file */
	unsigned line;
	size_t seq;
	char *text;
};

struct loader {
	const char *path;          /* the file as given */
	char *dir;                 /* its directory: relative paths, @include */
	config_report_fn report, warn;
	void *ctx;
	config_t *lc;
	int errors;
	bool nomem;
	struct cfg_msg *msgs;
	size_t n_msgs, cap_msgs;
	struct cfg_overflow *overflows;
	size_t n_overflows, cap_overflows;
	unsigned long warned_files; /* bit per file rank: secret-readable warning */
	bool kuma_url_bad;          /* reported already: quiet about bare tokens */
	unsigned n_includes;        /* @include directives checked */
	int main_mode;              /* st_mode of the main file */
	/* Names and monitors seen so far, for duplicates in linear time. */
	struct strset target_names, check_names, push_urls;
};

/* Reporting ("FILE:LINE: path: what"); a NULL setting means line 1, no path. */
void cfg_error(struct loader *ld, const config_setting_t *s, const char *fmt,
	       ...) KP_PRINTF(3, 4);
/* The same for a missing member of block: block's line, "block.member" path. */
void cfg_error_in(struct loader *ld, const config_setting_t *block,
		  const char *member, const char *fmt, ...) KP_PRINTF(4, 5);
/* Reports the collected errors sorted by file and line, then frees them. */
void cfg_flush_errors(struct loader *ld);
/* Records integer literals no setting claimed (see config_scan.c). */
void cfg_report_overflows(struct loader *ld);
/* Reports a whole line (sanitised) at once, unsorted: fatal file errors. */
void cfg_report_now(struct loader *ld, const char *raw);
void cfg_warn(struct loader *ld, const config_setting_t *s, const char *fmt,
	      ...) KP_PRINTF(3, 4);
/* File as people should see it, into buf. Returns buf. */
const char *cfg_file_of(const struct loader *ld, const config_setting_t *s,
			char *buf, size_t size);
int cfg_file_rank(const struct loader *ld, const char *file);

/* "a string", "an integer", ... for wrong-type messages. */
const char *cfg_type_name(int type);

/*
 * Numeric value of an int/int64/float setting into *out; reports wrong types
 * (want_int: floats too) and literals libconfig truncated. Returns false
 * after reporting.
 */
bool cfg_number(struct loader *ld, const config_setting_t *s, bool want_int,
		double *out);
/* Same with a range check, min_open: value must be > min. */
bool cfg_number_in(struct loader *ld, const config_setting_t *s,
		   bool want_int, double min, bool min_open, double max,
		   const char *unit, double *out);

/* Path relative to the config file's directory, malloc'd (NULL on OOM). */
char *cfg_path(const struct loader *ld, const char *path);

/* Records an out-of-memory condition; the load fails with KP_ENOMEM. */
void cfg_nomem(struct loader *ld);

/*
 * Reads at most CFG_FILE_MAX bytes of path into a new NUL-terminated
 * string; mode (may be NULL) receives st_mode. Never blocks: anything but
 * a regular file is refused. KP_EOS, KP_EINVAL (not a regular file),
 * KP_ELIMIT (too large) or KP_ENOMEM in err; a failed read wipes what it
 * had read (the file may hold a key).
 */
int cfg_read_file(const char *path, char **text, size_t *len, int *mode,
		  struct kp_err *err);

/* config_build.c: the whole tree into a config; NULL only on OOM. */
struct config *cfg_build(struct loader *ld, const config_setting_t *root);

/* Helpers shared by config_build.c and config_target.c. */
enum net_allow { NET_NONE, NET_BLOCK, NET_CHECK };
bool cfg_is_group(struct loader *ld, const config_setting_t *s);
/* Reports members of blk not in own (NULL-terminated) nor net settings. */
void cfg_keys(struct loader *ld, const config_setting_t *blk,
	      const char *const *own, enum net_allow net,
	      struct net_layer *layer);
#define CFG_REQUIRED 1
#define CFG_NONEMPTY 2
/*
 * A string member of blk, borrowed from libconfig: NULL when absent (an
 * error if CFG_REQUIRED) or invalid (reported). *where (may be NULL)
 * receives the setting or NULL.
 */
const char *cfg_string(struct loader *ld, const config_setting_t *blk,
		       const char *name, int flags,
		       const config_setting_t **where);
/*
 * cfg_string's value copied to *out, or dflt's when the member is absent;
 * *out is left alone when the member is invalid (reported).
 */
void cfg_string_dup(struct loader *ld, const config_setting_t *blk,
		    const char *name, int flags, const char *dflt, char **out,
		    const config_setting_t **where);
/* An http(s) URL; base: no query, trailing slashes cut. NULL if reported. */
char *cfg_url(struct loader *ld, const config_setting_t *s, const char *v,
	      bool base);
/* The push member of blk resolved to a base push URL; NULL if reported. */
char *cfg_push(struct loader *ld, const struct config *cfg,
	       const config_setting_t *blk);
bool cfg_has_ctl(const char *s);
/* Zeroed array of n elements (malloc only). NULL on OOM or overflow. */
void *cfg_zalloc(size_t n, size_t size);

/* config_sane.c. False (reported) if url is no push URL for this check. */
bool cfg_push_unique(struct loader *ld, const struct config *cfg,
		     const config_setting_t *m, const char *url);
/* Whether the directory that would hold file exists (true on OOM). */
bool cfg_dir_exists(struct loader *ld, const char *file);

/* config_secrets.c: cfg->redact from every secret of cfg. -1 on OOM. */
int cfg_secrets(struct config *cfg);
/* config_credential.c: where secrets come from (inline, file, env). */
/* Zeroes a NUL-terminated secret, then frees it; NULL is a no-op. */
void cfg_wipe_free(char *s);
/*
 * Warns, once per file, when the file holding setting s (which holds
 * what: "an API key", "a push token", "a header value") is readable by
 * group or others.
 */
void cfg_warn_secret(struct loader *ld, const config_setting_t *s,
		     const char *what);
/*
 * The file to read the secret file path from (malloc'd; NULL on OOM):
 * path made absolute, or, when $CREDENTIALS_DIRECTORY is set (systemd) and
 * path names a file directly in /etc/kuma-push/, the credential
 * $CREDENTIALS_DIRECTORY/kuma-push_NAME if it exists (*credential true).
 */
char *cfg_secret_path(const struct loader *ld, const char *path,
		      bool *credential);
/*
 * The secret set by exactly one of NAME, NAME_file (the file's contents,
 * untrimmed) or NAME_env (the variable's value) in blk, malloc'd: free it
 * with cfg_wipe_free. flags (CFG_NONEMPTY) apply to the inline value.
 * *where receives the member that is set, or NULL when none is. NULL when
 * none is set, or after reporting a problem (or OOM) with *where set.
 */
char *cfg_secret_get(struct loader *ld, const config_setting_t *blk,
		     const char *name, const char *what, int flags,
		     const config_setting_t **where);
/* config_status.c: a generic check's status setting (default 200-299). */
void cfg_status(struct loader *ld, struct check *c, const config_setting_t *s);

/* config_target.c: one target and its tier blocks into checks. */
/* How many checks (tier blocks) the target block blk can make, at most. */
size_t cfg_target_slots(const config_setting_t *blk);
void cfg_target(struct loader *ld, struct config *cfg, size_t idx,
		const config_setting_t *blk, const struct net_layer *defaults);

/*
 * config_check.c: how a check judges. cfg_query: query (default_query when
 * absent; NULL: none), expected, operator, compare. cfg_require:
 * models.require. cfg_body_rules: a generic check's keyword, regex,
 * their inversions, upside_down and its query.
 */
void cfg_query(struct loader *ld, struct check *c, const config_setting_t *blk,
	       const char *default_query);
void cfg_require(struct loader *ld, struct check *c,
		 const config_setting_t *blk);
void cfg_body_rules(struct loader *ld, struct check *c,
		    const config_setting_t *blk);

/* config_scan.c: finds the integer literals libconfig truncates. */
int cfg_scan_overflows(struct loader *ld, const char *file, const char *text,
		       size_t len);
/*
 * Reports @include directives naming anything but a regular file of at
 * most CFG_FILE_MAX bytes (in file, recursively). -1 on OOM.
 */
int cfg_check_includes(struct loader *ld, const char *file, const char *text,
		       size_t len, int depth);

/* config_net.c: the network settings and their cascade. */
enum net_key {
	NK_TIMEOUT = 0,
	NK_CONNECT_TIMEOUT,
	NK_RETRIES,
	NK_RETRY_DELAY,
	NK_MAX_BODY,
	NK_TLS_VERIFY,
	NK_INSECURE,
	NK_CA_FILE,
	NK_CA_PATH,
	NK_CLIENT_CERT,
	NK_CLIENT_KEY,
	NK_PROXY,
	NK_IP_VERSION,
	NK_RESOLVE,
	NK_FOLLOW_REDIRECTS,
	NK_INTERVAL,
	NK_JITTER,
	NK_MAX_LATENCY,
	NK_TLS_EXPIRY_WARN,
	NK_COUNT
};

/* One level of the cascade: the valid settings it holds (borrowed). */
struct net_layer {
	const config_setting_t *set[NK_COUNT];
};

/* Index of a network setting name, or -1. */
int net_key_find(const char *name);
/* "timeout, connect_timeout, ..." */
const char *net_key_list(void);
/*
 * Validates one network setting s (named like key) into layer; per_check:
 * s sits in a tier block, a generic check or kuma, where insecure is allowed.
 */
void net_setting_parse(struct loader *ld, const config_setting_t *s, int key,
		       struct net_layer *layer, bool per_check);
/*
 * Built-in defaults, then each layer in order, into out (strings owned by
 * out; free with net_opts_free). Jitter left unset becomes 10 % of the
 * interval. Returns 0, or -1 on OOM (out is then safe to free).
 */
int net_compose(struct loader *ld, struct net_opts *out,
		const struct net_layer *const *layers, size_t n_layers);
void net_opts_free(struct net_opts *net);

#endif
