/* SPDX-License-Identifier: MIT */
/*
 * test_config.c: config_load on the sample files of tests/config: cascaded
 * values of good files, the exact FILE:LINE: path lines of broken ones,
 * every error of a file, no secret in any message, the example config.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "config_capture.h"

#define CONF_DIR KP_SOURCE_DIR "/tests/config/"

/* The allocation hook, when this program is linked with it (test_oom*). */
void alloc_hook_fail_at(unsigned long n) __attribute__((weak));
_Bool alloc_hook_failed(void) __attribute__((weak));
void alloc_hook_reset(void) __attribute__((weak));

static struct capture cap;

static struct config *load(const char *path, struct kp_err *err)
{
	memset(&cap, 0, sizeof(cap));
	memset(err, 0, sizeof(*err));
	return config_load(path, capture_error, capture_warning, &cap, err);
}

static void setup_env(void)
{
	setenv("KP_TEST_CONFIG_KEY", "sk-env-key-0001", 1);
	unsetenv("KP_TEST_CONFIG_UNSET");
}

/* ---- good files ---------------------------------------------------- */

/* status as "A-B, C", as a list of strings, as a list of integers, absent. */
static void test_status_lists(void **state)
{
	static const int want[][5] = {
		/* n, lo0, hi0, lo1, hi1 */
		{ 2, 200, 299, 301, 301 },
		{ 2, 200, 204, 401, 401 },
		{ 2, 204, 204, 304, 304 },
		{ 1, 200, 299, 0, 0 },
	};
	struct kp_err err;
	struct config *cfg;
	size_t i;

	(void)state;
	cfg = load(CONF_DIR "good_status_list.conf", &err);
	assert_non_null(cfg);
	assert_int_equal(cap.n_errors, 0);
	assert_int_equal(cfg->n_checks, 4);
	for (i = 0; i < 4; i++) {
		const struct check *c = &cfg->checks[i];

		assert_int_equal(c->n_status, want[i][0]);
		assert_int_equal(c->status[0].lo, want[i][1]);
		assert_int_equal(c->status[0].hi, want[i][2]);
		if (want[i][0] > 1) {
			assert_int_equal(c->status[1].lo, want[i][3]);
			assert_int_equal(c->status[1].hi, want[i][4]);
		}
	}
	config_free(cfg);
}

static void test_good_full(void **state)
{
	struct kp_err err;
	struct config *cfg;
	const struct check *c;
	int i;

	(void)state;
	setup_env();
	cfg = load(CONF_DIR "good_full.conf", &err);
	for (i = 0; i < cap.n_errors && i < CAPTURE_LINES; i++)
		print_message("unexpected: %s\n", cap.errors[i]);
	assert_non_null(cfg);
	assert_int_equal(cap.n_errors, 0);

	assert_string_equal(cfg->path, CONF_DIR "good_full.conf");
	assert_string_equal(cfg->kuma_url, "http://127.0.0.1:3001");
	/* kuma: built-in -> defaults -> kuma block */
	assert_true(cfg->kuma_net.timeout_s == 20);
	assert_int_equal(cfg->kuma_net.retries, 3);
	assert_true(cfg->kuma_net.connect_timeout_s == 5);
	assert_true(cfg->kuma_net.interval_s == 120);
	assert_true(cfg->kuma_net.jitter_s == 12);
	assert_int_equal(cfg->kuma_net.n_resolve, 1);

	assert_int_equal(cfg->n_targets, 2);
	assert_string_equal(cfg->targets[0].name, "webui");
	assert_string_equal(cfg->targets[0].url, "http://127.0.0.1:8080");
	assert_string_equal(cfg->targets[0].api_key, "sk-env-key-0001");
	assert_int_equal(cfg->targets[0].line, 16);
	assert_string_equal(cfg->targets[1].name, "second");
	assert_string_equal(cfg->targets[1].url,
			    "https://webui.example.net:8443/owui");
	/* api_key_file: relative to the config, whitespace trimmed */
	assert_string_equal(cfg->targets[1].api_key, "sk-file-key-0123456789");

	assert_int_equal(cfg->n_checks, 7);
	c = &cfg->checks[0];
	assert_string_equal(c->name, "webui/health");
	assert_int_equal(c->tier, TIER_HEALTH);
	assert_int_equal(c->target, 0);
	assert_int_equal(c->line, 21);
	assert_string_equal(c->push_url,
			    "http://127.0.0.1:3001/api/push/TOKENHEALTH0001");
	assert_true(c->net.timeout_s == 10);
	assert_int_equal(c->net.retries, 1);
	assert_true(c->net.retry_delay_s == 2);
	assert_int_equal(c->net.max_body_bytes, 1048576); /* from the target */
	assert_true(c->net.interval_s == 120);
	assert_true(c->net.jitter_s == 12); /* 10 % of the interval */
	assert_int_equal(c->net.n_resolve, 1);
	assert_string_equal(c->net.resolve[0],
			    "webui.example.net:8080:127.0.0.1");
	assert_null(c->net.resolve[1]);

	c = &cfg->checks[1];
	assert_string_equal(c->name, "webui/models");
	assert_int_equal(c->tier, TIER_MODELS);
	assert_string_equal(c->push_url,
			    "http://127.0.0.1:3001/api/push/TOKENMODELS0002");
	assert_non_null(c->query);
	assert_string_equal(c->expected, "false");
	assert_int_equal(c->op, JSONATA_OP_NE);

	c = &cfg->checks[2];
	assert_string_equal(c->name, "webui/chat");
	assert_int_equal(c->tier, TIER_CHAT);
	assert_true(c->net.timeout_s == 60);
	assert_true(c->net.jitter_s == 0);
	assert_int_equal(c->net.ip_version, IP_V4);
	assert_string_equal(c->model, "llama3.1");
	assert_string_equal(c->prompt, "Respond with the word HEALTHY");
	assert_string_equal(c->expect, "HEALTHY");

	c = &cfg->checks[3];
	assert_string_equal(c->name, "second/health");
	assert_int_equal(c->target, 1);
	assert_true(c->net.timeout_s == 15);
	assert_true(c->net.interval_s == 30.5);
	assert_true(c->net.jitter_s > 3.049 && c->net.jitter_s < 3.051);
	assert_true(c->net.insecure);
	assert_true(c->net.tls_verify);

	c = &cfg->checks[4];
	assert_string_equal(c->name, "second/chat");
	assert_string_equal(c->prompt, "Say OK");
	assert_string_equal(c->expect, "ok");

	c = &cfg->checks[5];
	assert_string_equal(c->name, "ollama");
	assert_int_equal(c->tier, TIER_HTTP);
	assert_int_equal(c->target, -1);
	assert_string_equal(c->url, "http://127.0.0.1:11434/api/tags");
	assert_string_equal(c->method, "GET");
	assert_int_equal(c->n_headers, 2);
	assert_string_equal(c->headers[0].name, "Accept");
	assert_string_equal(c->headers[0].value, "application/json");
	assert_string_equal(c->headers[1].name, "X-Trace");
	assert_string_equal(c->headers[1].value, "on");
	assert_int_equal(c->n_status, 1);
	assert_int_equal(c->status[0].lo, 200);
	assert_int_equal(c->status[0].hi, 204);
	assert_string_equal(c->keyword, "models");
	assert_true(c->net.follow_redirects);
	assert_int_equal(c->net.ip_version, IP_V6);
	assert_null(c->body);

	c = &cfg->checks[6];
	assert_string_equal(c->name, "post");
	assert_string_equal(c->url, "http://127.0.0.1:9/x?y=1");
	assert_string_equal(c->method, "POST");
	assert_string_equal(c->body, "{}");
	assert_int_equal(c->n_status, 1);
	assert_int_equal(c->status[0].lo, 201);
	assert_int_equal(c->status[0].hi, 201);
	assert_null(c->keyword);
	assert_string_equal(c->net.proxy, ""); /* "": no proxy at all */

	assert_true(cfg->run_timeout_s == 90);
	assert_string_equal(cfg->lock_file, "/tmp/kuma-push-test.lock");
	assert_string_equal(cfg->metrics_file, CONF_DIR "metrics.prom");
	assert_string_equal(cfg->log, "syslog");
	assert_int_equal(cfg->max_parallel, 4);

	/* insecure = true warns where it is set */
	for (i = 0; i < cap.n_warnings; i++)
		if (strstr(cap.warnings[i],
			   "good_full.conf:42: targets.[1].health.insecure: "
			   "TLS certificate verification is off"))
			break;
	assert_true(i < cap.n_warnings);
	config_free(cfg);
}

static void test_good_minimal_defaults(void **state)
{
	struct kp_err err;
	struct config *cfg;
	const struct net_opts *n;

	(void)state;
	cfg = load(CONF_DIR "good_minimal.conf", &err);
	assert_non_null(cfg);
	assert_int_equal(cap.n_errors, 0);
	/* Its push token is a secret: a checkout with umask 022 warns. */
	{
		struct stat st;

		assert_int_equal(stat(CONF_DIR "good_minimal.conf", &st), 0);
		assert_int_equal(cap.n_warnings,
				 (st.st_mode & (S_IRGRP | S_IROTH)) ? 1 : 0);
		if (cap.n_warnings == 1)
			assert_non_null(strstr(cap.warnings[0],
					       "holds a push token and is "
					       "readable by group or others"));
	}
	assert_null(cfg->kuma_url);
	assert_int_equal(cfg->n_checks, 1);
	assert_string_equal(cfg->checks[0].push_url,
			    "https://status.example.net/api/push/TOKENMINI0001");
	assert_null(cfg->targets[0].api_key);
	n = &cfg->checks[0].net;
	assert_true(n->timeout_s == 10);
	assert_true(n->connect_timeout_s == 5);
	assert_int_equal(n->retries, 1);
	assert_true(n->retry_delay_s == 2);
	assert_int_equal(n->max_body_bytes, 8388608);
	assert_true(n->tls_verify);
	assert_false(n->insecure);
	assert_null(n->ca_file);
	assert_null(n->proxy);
	assert_int_equal(n->ip_version, IP_ANY);
	assert_null(n->resolve);
	assert_false(n->follow_redirects);
	assert_true(n->interval_s == 60);
	assert_true(n->jitter_s == 6);
	assert_true(cfg->kuma_net.timeout_s == 10);
	assert_true(cfg->run_timeout_s == 0);
	assert_null(cfg->lock_file);
	assert_null(cfg->metrics_file);
	assert_string_equal(cfg->log, "stderr");
	assert_int_equal(cfg->max_parallel, 16);
	config_free(cfg);
}

/* ---- broken files: exact lines ------------------------------------ */

/*
 * Each line is what follows "<path>:"; a line ending in '*' is a prefix
 * (the jsonata message is jsonata's).
 */
struct broken_case {
	const char *file;
	const char *lines[16];
};

static const struct broken_case broken_cases[] = {
	{"bad_syntax.conf", {"3: syntax error"}},
	{"bad_unknown_key.conf",
	 {"6: targets.[0].health.timout: unknown setting \"timout\" (allowed "
	  "here: push, push_file, push_env, timeout, connect_timeout, retries, retry_delay, "
	  "max_body, tls_verify, insecure, ca_file, ca_path, client_cert, "
	  "client_key, proxy, ip_version, resolve, follow_redirects, "
	  "interval, jitter, max_latency, tls_expiry_warn)"}},
	{"bad_wrong_type.conf",
	 {"2: defaults.timeout: expected a number, got a string"}},
	{"bad_range.conf",
	 {"7: targets.[0].chat.timeout: 0 is out of range (must be 0.001 to "
	  "3600 s)"}},
	{"bad_overflow.conf",
	 {"3: defaults.max_body: 4294968320 is out of range (must be 1024 to "
	  "1073741824 bytes)"}},
	{"bad_missing_push.conf",
	 {"6: targets.[0].health.push: missing required setting (the push "
	  "token or URL of this check's Kuma monitor)"}},
	{"bad_missing_name.conf",
	 {"3: targets.[0].name: missing required setting"}},
	{"bad_duplicate_target.conf",
	 {"4: targets.[1].name: duplicate target name \"a\" (also at line "
	  "3)"}},
	{"bad_url.conf",
	 {"3: targets.[0].url: expected an http:// or https:// URL"}},
	/* Issue 10: what libcurl would refuse at every run, refused at -n. */
	{"bad_curl_url.conf",
	 {"3: targets.[0].url: libcurl rejects this URL: port number out of "
	  "range (1-65535) or not a number",
	  "6: checks.[0].url: libcurl rejects this URL: bad host name",
	  "7: checks.[1].push: invalid push URL: libcurl rejects it: port "
	  "number out of range (1-65535) or not a number"}},
	{"bad_same_push.conf",
	 {"8: checks.[0].push: the same push monitor as check \"a/health\" "
	  "(line 4): each check needs its own"}},
	{"bad_lock_dir.conf",
	 {"2: lock_file: directory of /nonexistent-kuma-push-dir/kuma-push.lock "
	  "does not exist"}},
	{"bad_nan.conf",
	 {"2: timeout: nan and inf are not numbers here: give a finite number"}},
	{"bad_bare_token.conf",
	 {"5: targets.[0].health.push: push is a bare token but kuma.url is "
	  "not set (set kuma.url or use the full push URL)"}},
	{"bad_query.conf", {"9: targets.[0].models.query: *"}},
	{"bad_operator.conf",
	 {"7: targets.[0].models.operator: unknown operator \"=~\" (expected "
	  "==, !=, <, <=, >, >= or contains)"}},
	{"bad_no_api_key.conf",
	 {"6: targets.[0].models: needs an API key: set api_key, "
	  "api_key_file or api_key_env in the target"}},
	{"bad_two_keys.conf",
	 {"7: targets.[0].api_key_env: only one of api_key, api_key_file and "
	  "api_key_env may be set"}},
	{"bad_key_env.conf",
	 {"6: targets.[0].api_key_env: environment variable "
	  "\"KP_TEST_CONFIG_UNSET\" is not set or empty"}},
	{"bad_key_file.conf",
	 {"6: targets.[0].api_key_file: cannot open " CONF_DIR
	  "no-such.key: No such file or directory"}},
	{"bad_chat_model.conf",
	 {"7: targets.[0].chat.model: missing required setting"}},
	{"bad_chat_match.conf",
	 {"8: targets.[0].chat.match: unknown match \"substring\" (expected "
	  "word, exact or contains)"}},
	{"bad_chat_echo.conf",
	 {"8: targets.[0].chat.prompt: expect \"HEALTHY\" contains the whole "
	  "prompt, so an answer could not be told from an echo"}},
	{"bad_status.conf",
	 {"3: checks.[0].status: out of range (N or N-M with 100 <= N <= M "
	  "<= 599)"}},
	{"bad_status_list.conf",
	 {"3: checks.[0].status: expected \"N\" or \"N-M\" separated by commas "
	  "(like \"200-299,301\"), got \"200-299,,301\"",
	  "5: checks.[1].status.[1]: out of range (N or N-M with 100 <= N <= M "
	  "<= 599)",
	  "6: checks.[2].status: an empty list accepts no status",
	  "7: checks.[3].status: expected \"N\", \"N-M\" or a list of them, got "
	  "a number"}},
	{"bad_header.conf",
	 {"7: checks.[0].headers.[0]: expected \"Name: value\" with a header "
	  "name of letters, digits or -_.!#$%&'*+^`|~"}},
	{"bad_resolve.conf",
	 {"3: defaults.resolve.[1]: expected \"host:port:addr\" (port "
	  "1..65535, addr an IPv4 or IPv6 address), got "
	  "\"webui.example.net:99999:127.0.0.1\""}},
	{"bad_ip_version.conf",
	 {"3: targets.[0].ip_version: expected \"any\", \"4\" or \"6\", got "
	  "\"5\""}},
	{"bad_insecure_defaults.conf",
	 {"2: defaults.insecure: insecure is a per-check opt-out: set it in a "
	  "tier block, a check or kuma"}},
	{"bad_log.conf",
	 {"3: log: expected \"stderr\" or \"syslog\", got \"journal\""}},
	{"bad_max_parallel.conf",
	 {"3: max_parallel: 5000 is out of range (must be 1 to 4096)"}},
	{"bad_duplicate_check.conf",
	 {"4: checks.[0].name: duplicate check name \"a/health\" (also at "
	  "line 2)"}},
	{"bad_tier_type.conf",
	 {"3: targets.[0].health: expected a group { ... }, got a string"}},
	{"bad_empty.conf",
	 {"1: nothing to check: no tier block in any target and no checks"}},
	{"bad_push_url.conf", {"5: targets.[0].health.push: invalid push URL: *"}},
	{"bad_api_key_chars.conf",
	 {"6: targets.[0].api_key: the API key contains whitespace or control "
	  "characters"}},
	{"bad_multi.conf",
	 {"2: kuma.colour: unknown setting \"colour\" (allowed here: url, "
	  "timeout, connect_timeout, retries, retry_delay, max_body, "
	  "tls_verify, insecure, ca_file, ca_path, client_cert, client_key, "
	  "proxy, ip_version, resolve, follow_redirects, interval, jitter, "
	  "max_latency, tls_expiry_warn)",
	  "4: defaults.timeout: -1 is out of range (must be 0.001 to 3600 "
	  "s)",
	  "5: defaults.retries: expected an integer, got 2.5",
	  "13: targets.[0].models.operator: unknown operator \"~\" (expected "
	  "==, !=, <, <=, >, >= or contains)",
	  "14: targets.[0].chat.timeout: expected a number, got a string",
	  "14: targets.[0].chat.push: missing required setting (the push "
	  "token or URL of this check's Kuma monitor)",
	  "17: targets.[1].name: duplicate target name \"webui\" (also at "
	  "line 8)",
	  "18: targets.[1].url: expected an http:// or https:// URL",
	  "23: checks.[0].name: missing required setting",
	  "23: checks.[0].status: expected \"N\" or \"N-M\" separated by "
	  "commas (like \"200-299,301\"), got \"abc\"",
	  "25: max_parallel: 0 is out of range (must be 1 to 4096)",
	  "26: bogus: unknown setting \"bogus\" (allowed here: kuma, "
	  "defaults, targets, checks, run_timeout, lock_file, metrics_file, "
	  "log, max_parallel)"}},
};

static bool line_matches(const char *got, const char *path, const char *want)
{
	size_t plen = strlen(path), wlen = strlen(want);

	if (strncmp(got, path, plen) != 0 || got[plen] != ':')
		return false;
	got += plen + 1;
	if (wlen > 0 && want[wlen - 1] == '*')
		return strncmp(got, want, wlen - 1) == 0 && strlen(got) > wlen;
	return strcmp(got, want) == 0;
}

/* A metrics directory may appear later (node_exporter): only a warning. */
/* chat as a list: one check per block, named by model when several. */
static void test_chat_list(void **state)
{
	static const struct {
		const char *name, *model;
		enum chat_match match;
		bool by_model;
		double timeout_s;
	} want[] = {
		{"a/chat/llama3.1", "llama3.1", CHAT_MATCH_WORD, true, 10},
		{"a/chat/qwen2.5:7b", "qwen2.5:7b", CHAT_MATCH_EXACT, true, 90},
		{"b/chat", "gemma3", CHAT_MATCH_CONTAINS, false, 10},
	};
	struct kp_err err;
	struct config *cfg;
	size_t i;

	(void)state;
	cfg = load(CONF_DIR "good_chat_list.conf", &err);
	assert_non_null(cfg);
	assert_int_equal(cfg->n_checks, 4);
	assert_string_equal(cfg->checks[0].name, "a/health");
	for (i = 0; i < 3; i++) {
		const struct check *c = &cfg->checks[i + 1];

		assert_string_equal(c->name, want[i].name);
		assert_int_equal(c->tier, TIER_CHAT);
		assert_string_equal(c->model, want[i].model);
		assert_int_equal(c->match, want[i].match);
		assert_int_equal(c->by_model, want[i].by_model);
		assert_true(c->net.timeout_s == want[i].timeout_s);
		assert_string_equal(c->expect, "HEALTHY");
	}
	assert_int_equal(cfg->checks[1].target, 0);
	assert_int_equal(cfg->checks[3].target, 1);
	config_free(cfg);
}

static void test_metrics_dir_warning(void **state)
{
	struct kp_err err;
	struct config *cfg;
	int i;

	(void)state;
	cfg = load(CONF_DIR "warn_metrics_dir.conf", &err);
	assert_non_null(cfg);
	for (i = 0; i < cap.n_warnings; i++)
		if (strstr(cap.warnings[i], "warn_metrics_dir.conf:2: metrics_file: "
			   "directory of /nonexistent-kuma-push-dir/kuma-push.prom "
			   "does not exist") != NULL)
			break;
	assert_true(i < cap.n_warnings);
	config_free(cfg);
}

static void test_broken(void **state)
{
	size_t i;
	int j, n;

	(void)state;
	setup_env();
	for (i = 0; i < sizeof(broken_cases) / sizeof(broken_cases[0]); i++) {
		const struct broken_case *bc = &broken_cases[i];
		char path[512], summary[600];
		struct kp_err err;
		struct config *cfg;

		snprintf(path, sizeof(path), CONF_DIR "%s", bc->file);
		cfg = load(path, &err);
		for (n = 0; bc->lines[n] != NULL; n++)
			;
		if (cfg != NULL || cap.n_errors != n)
			print_message("%s: %d lines, want %d\n", bc->file,
				      cap.n_errors, n);
		for (j = 0; j < cap.n_errors && j < CAPTURE_LINES; j++)
			if (j >= n || !line_matches(cap.errors[j], path,
						    bc->lines[j]))
				print_message("%s: got  %s\n", bc->file,
					      cap.errors[j]);
		assert_null(cfg);
		assert_int_equal(err.status, KP_EINVAL);
		assert_int_equal(cap.n_errors, n);
		for (j = 0; j < n; j++)
			assert_true(line_matches(cap.errors[j], path,
						 bc->lines[j]));
		snprintf(summary, sizeof(summary), "%s: %d error%s", path, n,
			 n == 1 ? "" : "s");
		assert_string_equal(err.msg, summary);
	}
}

/* ---- secrets -------------------------------------------------------- */

static const char *const secrets[] = {
	"TOKENSECRET01", "TOKENSECRET02", "TOKENA01",	  "TOKENMULTI0",
	"TOKENHEALTH",	 "TOKENMODELS",	  "TOKENCHAT",	  "TOKENMINI",
	"sk-secret",	 "with-space",	  "sk-header",	  "sk-multi",
	"sk-env-key",	 "sk-file-key",	  "sk-range",	  "sk-query",
	"sk-op-",	 "sk-two",	  "sk-chat",	  "sk-0000",
	"EXAMPLE-TOKEN", NULL};

static void assert_no_secret(const char *file, const char *line)
{
	size_t i;

	for (i = 0; secrets[i] != NULL; i++) {
		if (strstr(line, secrets[i]) != NULL) {
			print_message("%s leaks %s: %s\n", file, secrets[i],
				      line);
			fail();
		}
	}
}

static void test_no_secret_in_messages(void **state)
{
	static const char *const extra[] = {"good_full.conf",
					    "good_minimal.conf"};
	size_t i;
	int j;

	(void)state;
	setup_env();
	for (i = 0; i < sizeof(broken_cases) / sizeof(broken_cases[0]) + 2;
	     i++) {
		const char *file = i < sizeof(broken_cases) /
					       sizeof(broken_cases[0])
					   ? broken_cases[i].file
					   : extra[i - sizeof(broken_cases) /
							       sizeof(broken_cases[0])];
		char path[512];
		struct kp_err err;

		snprintf(path, sizeof(path), CONF_DIR "%s", file);
		config_free(load(path, &err));
		for (j = 0; j < cap.n_errors && j < CAPTURE_LINES; j++)
			assert_no_secret(file, cap.errors[j]);
		for (j = 0; j < cap.n_warnings && j < CAPTURE_LINES; j++)
			assert_no_secret(file, cap.warnings[j]);
		assert_no_secret(file, err.msg);
	}
}

/* ---- the example, missing files, NULL --------------------------------- */

static void test_example_loads(void **state)
{
	struct kp_err err;
	struct config *cfg;
	int j;

	(void)state;
	cfg = load(KP_SOURCE_DIR "/etc/kuma-push.conf.example", &err);
	for (j = 0; j < cap.n_errors && j < CAPTURE_LINES; j++)
		print_message("example: %s\n", cap.errors[j]);
	assert_non_null(cfg);
	assert_int_equal(cap.n_errors, 0);
	for (j = 0; j < cap.n_warnings && j < CAPTURE_LINES; j++)
		assert_no_secret("example", cap.warnings[j]);
	assert_true(cfg->n_checks >= 4);
	config_free(cfg);
}

static void test_missing_file(void **state)
{
	struct kp_err err;

	(void)state;
	assert_null(load(CONF_DIR "no-such.conf", &err));
	assert_int_equal(err.status, KP_EOS);
	assert_string_equal(err.msg, "cannot open " CONF_DIR
				     "no-such.conf: No such file or directory (start "
				     "from the example, which lists every setting: "
				     KP_EXAMPLE_CONFIG ")");
	assert_int_equal(cap.n_errors, 0);
	assert_null(load(CONF_DIR, &err));
	assert_int_equal(err.status, KP_EOS);
	assert_non_null(strstr(err.msg, "Is a directory"));
}

static void test_null_callbacks(void **state)
{
	struct kp_err err = {KP_OK, ""};

	(void)state;
	config_free(NULL);
	assert_null(config_load(CONF_DIR "bad_multi.conf", NULL, NULL, NULL,
				&err));
	assert_int_equal(err.status, KP_EINVAL);
	assert_null(config_load(CONF_DIR "bad_multi.conf", NULL, NULL, NULL,
				NULL));
}

/* ---- generated files ------------------------------------------------ */

static char tmpdir[64];

static void write_file(const char *name, const char *text, mode_t mode)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static void remove_file(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	unlink(path);
}

#define HEAD                                                                   \
	"kuma = { url = \"http://127.0.0.1:3001\"; };\n"                       \
	"targets = ( { name = \"a\"; url = \"http://127.0.0.1:8080\";\n"

struct gen_case {
	const char *text;
	const char *want; /* after "<path>:"; NULL: loads */
};

static const struct gen_case gen_cases[] = {
	/* numbers: ints and floats for seconds; libconfig's truncation */
	{HEAD "timeout = 10; connect_timeout = 2.5;\n"
	      "health = { push = \"T1\"; }; } );\n",
	 NULL},
	{HEAD "timeout = 4294967306;\nhealth = { push = \"T1\"; }; } );\n",
	 "3: targets.[0].timeout: 4294967306 is out of range (must be 0.001 "
	 "to 3600 s)"},
	{HEAD "retries = 0x100000000;\nhealth = { push = \"T1\"; }; } );\n",
	 "3: targets.[0].retries: 0x100000000 is out of range (must be 0 to "
	 "10)"},
	{HEAD "max_body = 2147483648L;\nhealth = { push = \"T1\"; }; } );\n",
	 "3: targets.[0].max_body: 2147483648 is out of range (must be 1024 "
	 "to 1073741824 bytes)"},
	{HEAD "max_body = 65536L; # 99999999999 in a comment\n"
	      "health = { push = \"T1 99999999999\"; }; } );\n",
	 "4: targets.[0].health.push: invalid push URL: *"},
	{HEAD "retries = true;\nhealth = { push = \"T1\"; }; } );\n",
	 "3: targets.[0].retries: expected an integer, got a boolean"},
	{HEAD "tls_verify = 1;\nhealth = { push = \"T1\"; }; } );\n",
	 "3: targets.[0].tls_verify: expected true or false, got an integer"},
	{HEAD "interval = 0.05;\nhealth = { push = \"T1\"; }; } );\n",
	 "3: targets.[0].interval: 0.05 is out of range (must be 0.1 to 86400 "
	 "s)"},
	{HEAD "ca_file = \"no-such-ca.pem\";\nhealth = { push = \"T1\"; }; } "
	      ");\n",
	 "3: targets.[0].ca_file: cannot read *"},
	{HEAD "resolve = [ \"h:443:[::1]\", \"h:80:127.0.0.1,::1\" ];\n"
	      "health = { push = \"T1\"; }; } );\n",
	 NULL},
	{HEAD "health = { push = \"T1\"; }; } );\ntargets2 = 1;\n",
	 "4: targets2: unknown setting \"targets2\" (allowed here: kuma, "
	 "defaults, targets, checks, run_timeout, lock_file, metrics_file, "
	 "log, max_parallel)"},
	/* an error inside an included file names that file */
	{HEAD "health = { push = \"T1\"; }; } );\n@include \"inc.conf\"\n",
	 NULL},
	{"targets = ( { name = \"a\"; url = \"http://127.0.0.1:8080/\";\n"
	 "health = { push = \"http://127.0.0.1:3001/api/push/T1/\"; }; } );\n"
	 "kuma = { url = \"http://127.0.0.1:3001\" ; retries = 11; };\n",
	 "3: kuma.retries: 11 is out of range (must be 0 to 10)"},
	{"targets = ( { name = \"a/b\"; url = \"http://127.0.0.1:8080/\";\n"
	 "health = { push = \"http://127.0.0.1:3001/api/push/T1\"; }; } );\n",
	 "1: targets.[0].name: name must not contain '/' or control "
	 "characters"},
	{"targets = { name = \"a\"; };\n",
	 "1: targets: expected a list ( { ... }, ... ), got a group"},
	{"kuma = { url = \"http://127.0.0.1:3001?x\"; };\n"
	 "checks = ( { name = \"c\"; url = \"http://x\"; push = \"T\"; } );\n",
	 "1: kuma.url: base URL must not have a query or fragment"},
};

static void test_generated(void **state)
{
	size_t i;
	char path[128];

	(void)state;
	write_file("inc.conf", "max_parallel = 4;\n", 0600);
	snprintf(path, sizeof(path), "%s/gen.conf", tmpdir);
	for (i = 0; i < sizeof(gen_cases) / sizeof(gen_cases[0]); i++) {
		const struct gen_case *g = &gen_cases[i];
		struct kp_err err;
		struct config *cfg;
		int j;

		write_file("gen.conf", g->text, 0600);
		cfg = load(path, &err);
		for (j = 0; j < cap.n_errors && j < CAPTURE_LINES; j++)
			if (g->want == NULL ||
			    !line_matches(cap.errors[j], path, g->want))
				print_message("case %zu: got %s\n", i,
					      cap.errors[j]);
		if (g->want == NULL) {
			assert_non_null(cfg);
			assert_int_equal(cap.n_errors, 0);
		} else {
			assert_null(cfg);
			assert_int_equal(cap.n_errors, 1);
			assert_true(line_matches(cap.errors[0], path, g->want));
		}
		config_free(cfg);
	}
	remove_file("gen.conf");
	remove_file("inc.conf");
}

static void test_include_error(void **state)
{
	char path[128], want[256];
	struct kp_err err;

	(void)state;
	write_file("inc2.conf", "log = \"stdout\";\n", 0600);
	write_file("main.conf",
		   HEAD "health = { push = \"T1\"; }; } );\n"
			"@include \"inc2.conf\"\n",
		   0600);
	snprintf(path, sizeof(path), "%s/main.conf", tmpdir);
	assert_null(load(path, &err));
	assert_int_equal(cap.n_errors, 1);
	snprintf(want, sizeof(want),
		 "%s/inc2.conf:1: log: expected \"stderr\" or \"syslog\", got "
		 "\"stdout\"",
		 tmpdir);
	assert_string_equal(cap.errors[0], want);
	remove_file("inc2.conf");
	remove_file("main.conf");
}

/* libconfig would block on a FIFO and read any size: we refuse first. */
static void test_include_not_regular(void **state)
{
	char path[128], want[256], *big;
	struct kp_err err;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/fifo", tmpdir);
	assert_int_equal(mkfifo(path, 0600), 0);
	write_file("main.conf",
		   HEAD "health = { push = \"T1\"; }; } );\n"
			"  @include \"fifo\"\n",
		   0600);
	snprintf(path, sizeof(path), "%s/main.conf", tmpdir);
	assert_null(load(path, &err));
	assert_int_equal(err.status, KP_EINVAL);
	assert_int_equal(cap.n_errors, 1);
	snprintf(want, sizeof(want), "%s:4: @include \"fifo\": not a regular "
		 "file", path);
	assert_string_equal(cap.errors[0], want);
	remove_file("fifo");

	/* "" names the directory itself: libconfig's scanner would exit() */
	write_file("main.conf", HEAD "@include \"\"\n", 0600);
	assert_null(load(path, &err));
	assert_int_equal(cap.n_errors, 1);
	snprintf(want, sizeof(want), "%s:3: @include \"\": not a regular file",
		 path);
	assert_string_equal(cap.errors[0], want);

	/* a file that includes itself: bounded, not exponential */
	write_file("main.conf",
		   "@include \"main.conf\"\n@include \"main.conf\"\n"
		   "@include \"main.conf\"\n@include \"main.conf\"\n",
		   0600);
	assert_null(load(path, &err));
	assert_int_equal(cap.n_errors, 1);
	assert_non_null(strstr(cap.errors[0],
			       "@include \"main.conf\": more than 64 "
			       "@include directives in all"));

	big = malloc(1024 * 1024 + 2);
	assert_non_null(big);
	memset(big, '#', 1024 * 1024 + 1);
	big[1024 * 1024 + 1] = '\0';
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(big, f);
	fclose(f);
	free(big);
	assert_null(load(path, &err));
	assert_int_equal(err.status, KP_EINVAL);
	assert_int_equal(cap.n_errors, 1);
	snprintf(want, sizeof(want), "%s:1: larger than 1048576 bytes", path);
	assert_string_equal(cap.errors[0], want);
	remove_file("main.conf");
}

/* Warn once per file holding a secret that group or others can read. */
static void test_key_permissions(void **state)
{
	char path[128];
	struct kp_err err;
	struct config *cfg;

	(void)state;
	write_file("k.key", "\n  sk-secret-file  \n\n", 0600);
	write_file("key.conf",
		   HEAD "api_key_file = \"k.key\";\n"
			"models = { push = \"T1\"; }; },\n"
			"{ name = \"b\"; url = \"http://127.0.0.1:8081\";\n"
			"api_key = \"sk-secret-inline\";\n"
			"chat = { push = \"T2\"; model = \"m\"; }; } );\n",
		   0600);
	snprintf(path, sizeof(path), "%s/key.conf", tmpdir);
	cfg = load(path, &err);
	assert_non_null(cfg);
	assert_int_equal(cap.n_warnings, 0);
	assert_string_equal(cfg->targets[0].api_key, "sk-secret-file");
	assert_string_equal(cfg->targets[1].api_key, "sk-secret-inline");
	config_free(cfg);

	assert_int_equal(chmod(path, 0644), 0);
	snprintf(path, sizeof(path), "%s/k.key", tmpdir);
	assert_int_equal(chmod(path, 0640), 0);
	snprintf(path, sizeof(path), "%s/key.conf", tmpdir);
	cfg = load(path, &err);
	assert_non_null(cfg);
	assert_int_equal(cap.n_warnings, 2);
	assert_non_null(strstr(cap.warnings[0], "targets.[0].api_key_file: "));
	assert_non_null(strstr(cap.warnings[0], "/k.key is readable by group"));
	/* The file's first secret in file order names the warning. */
	assert_non_null(strstr(cap.warnings[1], "targets.[0].models.push: "));
	assert_non_null(strstr(cap.warnings[1],
			       "/key.conf holds a push token and is readable"));
	assert_null(strstr(cap.warnings[0], "sk-secret"));
	assert_null(strstr(cap.warnings[1], "sk-secret"));
	config_free(cfg);

	write_file("k.key", " \n", 0600);
	cfg = load(path, &err);
	assert_null(cfg);
	assert_int_equal(cap.n_errors, 1);
	assert_non_null(strstr(cap.errors[0],
			       ":3: targets.[0].api_key_file: the API key is "
			       "empty"));
	remove_file("k.key");
	remove_file("key.conf");
}

/* Every allocation failure gives KP_ENOMEM and no leak (needs the hook). */
static void test_oom(void **state)
{
	static const char *const files[] = {"good_full.conf", "bad_multi.conf",
					    "good_minimal.conf"};
	size_t f;
	unsigned long n;

	(void)state;
	if (alloc_hook_fail_at == NULL || alloc_hook_failed == NULL) {
		print_message("allocation hook not linked: skipped\n");
		skip();
	}
	setup_env();
	for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		char path[512];

		snprintf(path, sizeof(path), CONF_DIR "%s", files[f]);
		for (n = 1; n < 100000; n++) {
			struct kp_err err;
			struct config *cfg;

			alloc_hook_fail_at(n);
			cfg = load(path, &err);
			if (!alloc_hook_failed()) {
				alloc_hook_reset();
				config_free(cfg);
				print_message("%s: %lu allocations failed "
					      "in turn\n",
					      files[f], n - 1);
				break; /* every allocation was tried */
			}
			alloc_hook_reset();
			if (cfg != NULL || err.status != KP_ENOMEM)
				print_message("%s: allocation %lu: status %d\n",
					      files[f], n, err.status);
			assert_null(cfg);
			assert_int_equal(err.status, KP_ENOMEM);
		}
	}
}

static int make_tmpdir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/kp-test-config-XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int remove_tmpdir(void **state)
{
	(void)state;
	return rmdir(tmpdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_full),
		cmocka_unit_test(test_good_minimal_defaults),
		cmocka_unit_test(test_status_lists),
		cmocka_unit_test(test_broken),
		cmocka_unit_test(test_chat_list),
		cmocka_unit_test(test_metrics_dir_warning),
		cmocka_unit_test(test_no_secret_in_messages),
		cmocka_unit_test(test_example_loads),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_null_callbacks),
		cmocka_unit_test(test_generated),
		cmocka_unit_test(test_include_error),
		cmocka_unit_test(test_include_not_regular),
		cmocka_unit_test(test_key_permissions),
		cmocka_unit_test(test_oom),
	};

	return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
