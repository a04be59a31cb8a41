/* SPDX-License-Identifier: MIT */
/*
 * test_config_secret.c: push_file and push_env beside push, the warning for
 * a readable file holding any secret (API key, push token, header value),
 * and secret files read as systemd credentials.
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

static struct capture cap;
static char tmpdir[64];
static char conf[128];

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f;

	unlink(path);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

/* Writes the config (mode given) and loads it. */
static struct config *load(const char *text, mode_t mode)
{
	struct kp_err err;

	write_file(conf, text, mode);
	memset(&cap, 0, sizeof(cap));
	return config_load(conf, capture_error, capture_warning, &cap, &err);
}

static void assert_line(const char *got, int line, const char *rest)
{
	char want[1024];

	snprintf(want, sizeof(want), "%s:%d: %s", conf, line, rest);
	if (strstr(got, want) == NULL)
		fail_msg("got  %s\nwant %s...", got, want);
}

static void assert_no_secret(void)
{
	int i;

	for (i = 0; i < cap.n_errors && i < CAPTURE_LINES; i++)
		assert_null(strstr(cap.errors[i], "SECRET"));
	for (i = 0; i < cap.n_warnings && i < CAPTURE_LINES; i++)
		assert_null(strstr(cap.warnings[i], "SECRET"));
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/kp-secret-XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(conf, sizeof(conf), "%s/kp.conf", tmpdir);
	unsetenv("CREDENTIALS_DIRECTORY");
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

#define HEAD                                                                   \
	"kuma = { url = \"http://127.0.0.1:3001\"; };\n"                       \
	"targets = ( { name = \"w\"; url = \"http://127.0.0.1:8080\";\n"

static void test_push_file_and_env(void **state)
{
	char path[256], text[1024];
	struct config *cfg;

	(void)state;
	snprintf(path, sizeof(path), "%s/health.token", tmpdir);
	write_file(path, "\n  SECRET-TOKEN-A \n", 0600);
	setenv("KP_TEST_PUSH", " SECRET-TOKEN-B\n", 1);
	snprintf(text, sizeof(text),
		 HEAD "health = { push_file = \"health.token\"; }; } );\n"
		      "checks = ( { name = \"c\"; url = \"http://127.0.0.1:1/\";\n"
		      "push_env = \"KP_TEST_PUSH\"; } );\n");
	cfg = load(text, 0644);
	assert_non_null(cfg);
	assert_int_equal(cap.n_errors, 0);
	/* Neither the config nor the 0600 token file holds a readable secret. */
	assert_int_equal(cap.n_warnings, 0);
	assert_int_equal(cfg->n_checks, 2);
	assert_string_equal(cfg->checks[0].push_url,
			    "http://127.0.0.1:3001/api/push/SECRET-TOKEN-A");
	assert_string_equal(cfg->checks[1].push_url,
			    "http://127.0.0.1:3001/api/push/SECRET-TOKEN-B");
	config_free(cfg);

	/* A token file others can read: warned about, by name. */
	assert_int_equal(chmod(path, 0644), 0);
	cfg = load(text, 0600);
	assert_non_null(cfg);
	assert_int_equal(cap.n_warnings, 1);
	assert_line(cap.warnings[0], 3, "targets.[0].health.push_file: ");
	assert_non_null(strstr(cap.warnings[0],
			       "/health.token is readable by group or others"));
	assert_no_secret();
	config_free(cfg);
	unsetenv("KP_TEST_PUSH");
}

static void test_push_file_errors(void **state)
{
	struct config *cfg;

	(void)state;
	setenv("KP_TEST_EMPTY", "", 1);
	cfg = load(HEAD "health = { push_file = \"missing.token\"; };\n"
			"models = { push_env = \"KP_TEST_UNSET_VARIABLE\"; };\n"
			"chat = { push = \"SECRET\"; push_env = \"X\"; model = \"m\"; };\n"
			"api_key = \"SECRET-KEY\"; } );\n"
			"checks = ( { name = \"c\"; url = \"http://127.0.0.1:1/\";\n"
			"push_env = \"KP_TEST_EMPTY\"; },\n"
			"{ name = \"d\"; url = \"http://127.0.0.1:1/\";\n"
			"push_file = \"\"; } );\n",
		  0600);
	assert_null(cfg);
	assert_int_equal(cap.n_errors, 5);
	assert_line(cap.errors[0], 3,
		    "targets.[0].health.push_file: cannot open ");
	assert_non_null(strstr(cap.errors[0], "/missing.token: No such file"));
	assert_line(cap.errors[1], 4,
		    "targets.[0].models.push_env: environment variable "
		    "\"KP_TEST_UNSET_VARIABLE\" is not set or empty");
	assert_line(cap.errors[2], 5,
		    "targets.[0].chat.push_env: only one of push, push_file "
		    "and push_env may be set");
	assert_line(cap.errors[3], 8,
		    "checks.[0].push_env: environment variable "
		    "\"KP_TEST_EMPTY\" is not set or empty");
	assert_line(cap.errors[4], 10, "checks.[1].push_file: must not be empty");
	assert_no_secret();
	unsetenv("KP_TEST_EMPTY");

	/* A token file of white space only. */
	{
		char path[256];

		snprintf(path, sizeof(path), "%s/blank.token", tmpdir);
		write_file(path, " \n", 0600);
		cfg = load(HEAD "health = { push_file = \"blank.token\"; }; } );\n",
			   0600);
		assert_null(cfg);
		assert_int_equal(cap.n_errors, 1);
		assert_line(cap.errors[0], 3,
			    "targets.[0].health.push_file: the push token is "
			    "empty");
	}
}

/* Today's silence: a 0644 file with tokens and an Authorization header. */
static void test_readable_config_warns(void **state)
{
	struct config *cfg;
	char path[256], text[1024];

	(void)state;
	cfg = load("kuma = { url = \"http://127.0.0.1:3001\"; };\n"
		   "checks = ( { name = \"c\"; url = \"http://127.0.0.1:1/\";\n"
		   "headers = [ \"Authorization: Bearer SECRET\" ];\n"
		   "push = \"SECRET-TOKEN\"; } );\n",
		   0644);
	assert_non_null(cfg);
	assert_int_equal(cap.n_warnings, 1);
	assert_line(cap.warnings[0], 3, "checks.[0].headers.[0]: ");
	assert_non_null(strstr(cap.warnings[0],
			       "kp.conf holds a header value and is readable "
			       "by group or others (chmod 600 it)"));
	assert_no_secret();
	config_free(cfg);

	/* The token alone is enough; group-readable counts too. */
	cfg = load(HEAD "health = { push = \"SECRET-TOKEN\"; }; } );\n", 0640);
	assert_non_null(cfg);
	assert_int_equal(cap.n_warnings, 1);
	assert_line(cap.warnings[0], 3, "targets.[0].health.push: ");
	assert_non_null(strstr(cap.warnings[0], "holds a push token"));
	config_free(cfg);

	/* 0600: silent. */
	cfg = load(HEAD "health = { push = \"SECRET-TOKEN\"; }; } );\n", 0600);
	assert_non_null(cfg);
	assert_int_equal(cap.n_warnings, 0);
	config_free(cfg);

	/* Every secret in files of their own: a readable config is fine. */
	snprintf(path, sizeof(path), "%s/t.token", tmpdir);
	write_file(path, "SECRET-TOKEN\n", 0600);
	snprintf(text, sizeof(text),
		 HEAD "health = { push_file = \"%s\"; }; } );\n", path);
	cfg = load(text, 0644);
	assert_non_null(cfg);
	assert_int_equal(cap.n_warnings, 0);
	config_free(cfg);
}

/*
 * Under systemd ($CREDENTIALS_DIRECTORY), a secret file directly in
 * /etc/kuma-push/ is read from the credential kuma-push_NAME.
 */
static void test_credentials(void **state)
{
	char creds[128], path[256];
	struct config *cfg;
	const char *text =
		HEAD "api_key_file = \"/etc/kuma-push/kp-test-webui.key\";\n"
		     "health = { push_file = \"/etc/kuma-push/kp-test-h.token\";\n"
		     "client_key = \"/etc/kuma-push/kp-test-client.key\"; };\n"
		     "models = { push = \"T\"; }; } );\n";

	(void)state;
	snprintf(creds, sizeof(creds), "%s/creds", tmpdir);
	assert_int_equal(mkdir(creds, 0700), 0);
	snprintf(path, sizeof(path), "%s/kuma-push_kp-test-webui.key", creds);
	write_file(path, "sk-SECRET-from-credential\n", 0400);
	snprintf(path, sizeof(path), "%s/kuma-push_kp-test-h.token", creds);
	write_file(path, "SECRET-TOKEN-C\n", 0400);
	snprintf(path, sizeof(path), "%s/kuma-push_kp-test-client.key", creds);
	write_file(path, "-----BEGIN PRIVATE KEY-----\n", 0400);

	/* Without systemd the paths are read as they are: absent here. */
	cfg = load(text, 0600);
	assert_null(cfg);
	assert_int_equal(cap.n_errors, 3);
	assert_line(cap.errors[0], 3,
		    "targets.[0].api_key_file: cannot open "
		    "/etc/kuma-push/kp-test-webui.key: ");
	assert_null(strstr(cap.errors[0], "systemd"));

	setenv("CREDENTIALS_DIRECTORY", creds, 1);
	cfg = load(text, 0600);
	assert_non_null(cfg);
	assert_int_equal(cap.n_errors, 0);
	assert_int_equal(cap.n_warnings, 0);
	assert_string_equal(cfg->targets[0].api_key, "sk-SECRET-from-credential");
	assert_string_equal(cfg->checks[0].push_url,
			    "http://127.0.0.1:3001/api/push/SECRET-TOKEN-C");
	/* libcurl is handed the copy of the TLS client key. */
	assert_string_equal(cfg->checks[0].net.client_key, path);
	config_free(cfg);

	/* A file outside /etc/kuma-push/ is no credential: the error says where. */
	cfg = load(HEAD "api_key_file = \"/etc/kp-test-elsewhere/webui.key\";\n"
			"models = { push = \"T\"; }; } );\n",
		   0600);
	assert_null(cfg);
	assert_int_equal(cap.n_errors, 1);
	assert_line(cap.errors[0], 3, "targets.[0].api_key_file: cannot open ");
	assert_non_null(strstr(cap.errors[0], "under systemd, a secret file "
					      "must lie in /etc/kuma-push/"));
	unsetenv("CREDENTIALS_DIRECTORY");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_push_file_and_env),
		cmocka_unit_test(test_push_file_errors),
		cmocka_unit_test(test_readable_config_warns),
		cmocka_unit_test(test_credentials),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
