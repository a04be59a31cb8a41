/* SPDX-License-Identifier: MIT */
/*
 * config.h: the validated, immutable configuration (libconfig file -> our
 * structs; only config.c includes <libconfig.h>). Strings are owned by the
 * config and live until config_free.
 */
#ifndef KP_CONFIG_H
#define KP_CONFIG_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include "chat_match.h"
#include "err.h"
#include "jsonata.h"
#include "redact.h"

enum tier { TIER_HEALTH = 0, TIER_MODELS, TIER_CHAT, TIER_HTTP, TIER_COUNT };

/* "health", "models", "chat", "http". */
const char *tier_name(enum tier tier);

enum ip_version { IP_ANY = 0, IP_V4, IP_V6 };

/* How a JSON query's result meets expected: Uptime Kuma 2.x or 1.23. */
enum query_compare { COMPARE_KUMA2 = 0, COMPARE_KUMA1 };

/*
 * Network settings: `defaults` block, overridable in a target, then in a
 * tier block (or a generic check); the kuma block takes the same keys.
 */
struct net_opts {
	double timeout_s;          /* whole transfer; default 10 (kuma: 10) */
	double connect_timeout_s;  /* default 5 */
	int retries;               /* extra attempts after a failure; default 1 */
	double retry_delay_s;      /* before the first retry, doubled after; default 2 */
	long max_body_bytes;       /* response cap; default 8 MiB */
	bool tls_verify;           /* default true */
	bool insecure;             /* explicit opt-out of verification; default false;
				      only in a tier block, a check or kuma */
	char *ca_file;             /* NULL: system store */
	char *ca_path;
	char *client_cert;
	char *client_key;
	char *proxy;               /* NULL: libcurl's environment (http_proxy...);
				      "": no proxy at all */
	enum ip_version ip_version; /* "any" | "4" | "6" */
	char **resolve;            /* "host:port:addr" entries, NULL-terminated or NULL */
	size_t n_resolve;
	bool follow_redirects;     /* default false; at most 5 */
	double interval_s;         /* loop mode: default 60 */
	double jitter_s;           /* loop mode: default 10 % of interval; always
				      >= 0 after config_load (derived there) */
	double max_latency_s;      /* an up check slower than this is down; 0: none */
	int tls_expiry_warn_days;  /* a certificate closer to its end is down
				      (a push: a warning); default 14, 0: off */
};

/* An Open WebUI instance. */
struct target {
	char *name;
	char *url;      /* base URL without trailing slash */
	char *api_key;  /* secret: NULL when none is configured */
	int line;       /* config line of the target's block */
};

struct header {
	char *name;
	char *value;
};

#define CHECK_STATUS_RANGES 16 /* "200-299,301,..." of a generic check */

/*
 * One thing to check and push: a tier of a target, or a generic check.
 * A new field must be compared in run_reload.c (check_same) too, or a
 * SIGHUP reload would keep the old value.
 */
struct check {
	char *name;          /* "webui/models", or the generic check's name */
	enum tier tier;
	int target;          /* index into config.targets; -1 for TIER_HTTP */
	char *push_url;      /* .../api/push/TOKEN: no query, no trailing slash */
	struct net_opts net;
	int line;            /* config line of the tier block */
	bool url_is_api;     /* the target's url ends in /api: hint in "not JSON" */

	/* The JSON query: TIER_MODELS (default "$count(data[*])>0") and
	 * TIER_HTTP (NULL: none). */
	struct jsonata_prog *query;  /* compiled at load */
	char *expected;              /* default "true" */
	enum jsonata_op op;          /* default "==" */
	enum query_compare compare;  /* default kuma2 */

	/* TIER_MODELS */
	char **require;              /* ids that must be in data[].id */
	size_t n_require;

	/* TIER_CHAT */
	char *model;                 /* required */
	char *prompt;                /* default "Respond with the word HEALTHY" */
	char *expect;                /* default "HEALTHY" */
	enum chat_match match;       /* default CHAT_MATCH_WORD */
	bool by_model;               /* one of several chat blocks of its
					target: named "TARGET/chat/MODEL" */

	/* TIER_HTTP */
	char *url;                   /* full URL */
	char *method;                /* default "GET" */
	struct header *headers;
	size_t n_headers;
	char *body;                  /* NULL: none */
	struct status_range { int lo, hi; } status[CHECK_STATUS_RANGES];
	size_t n_status;             /* accepted statuses; default 200-299 */
	char *keyword;               /* NULL: not checked */
	bool invert_keyword;         /* down when the keyword is present */
	regex_t *regex;              /* POSIX ERE, compiled at load; NULL: none */
	char *regex_src;             /* its text, for messages */
	bool invert_regex;           /* down when it matches */
	bool upside_down;            /* the verdict is inverted */

	/* The config's redactor (borrowed): masks secrets in its messages. */
	const struct redactor *redact;
};

/* max_parallel's ceiling: one descriptor and about 25 KiB per transfer. */
#define KP_MAX_PARALLEL 4096

struct config {
	char *path;
	char *kuma_url;             /* NULL when every push is a full URL */
	struct net_opts kuma_net;   /* push transfers: defaults + kuma block */
	struct target *targets;
	size_t n_targets;
	struct check *checks;       /* in file order: per target health, models, chat; then generic */
	size_t n_checks;
	double run_timeout_s;       /* 0: derived (largest check timeout + push time) */
	char *lock_file;            /* NULL: /run/kuma-push.lock or fallback */
	char *metrics_file;         /* NULL: none */
	char *log;                  /* "stderr" (default) or "syslog" */
	int max_parallel;           /* concurrent transfers; default 16 */
	/* Every secret above (keys, tokens, header values, URL passwords):
	 * all text that leaves kuma-push passes through it. */
	struct redactor *redact;
};

/*
 * Loads and validates path. Reports every problem of the file, one line
 * each ("FILE:LINE: path.to.setting: what", in file order; paths as
 * libconfig names them: "targets.[0].models.query", "kuma.url"; no key or
 * token is ever quoted), through report(ctx, line)
 * (which may be NULL), then fails with err->status KP_EINVAL and a summary
 * ("FILE: 3 errors"). KP_ENOMEM / KP_EOS for memory or an unreadable file.
 * Warnings (a secret in a file readable by others, TLS verification turned
 * off, a target without tier blocks) go through warn(ctx, line).
 * Returns NULL on failure.
 */
typedef void (*config_report_fn)(void *ctx, const char *line);
/*
 * Relative paths in the file (api_key_file, ca_file, @include...) are
 * taken relative to the file's directory.
 */
struct config *config_load(const char *path, config_report_fn report,
			   config_report_fn warn, void *ctx, struct kp_err *err);
void config_free(struct config *cfg);

/*
 * --only: keeps the checks whose name matches one of patterns (shell
 * globs joined by commas, fnmatch without flags: "*" matches "/" too) and
 * frees the rest. A pattern that matches no check, or an empty one, fails
 * with err (KP_EINVAL, "--only: no check matches \"x\"") and leaves cfg
 * as it was. Returns 0 or -1.
 */
int config_select(struct config *cfg, const char *patterns, struct kp_err *err);

#endif
