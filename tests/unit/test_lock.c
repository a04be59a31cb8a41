/* SPDX-License-Identifier: MIT */
/* test_lock.c: the built-in lock path where there is no /run; one holder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lock.h"

static void test_default_path_run_dirs(void **state)
{
	char dir[] = "/tmp/kp-lock-XXXXXX", path[4096], want[4096];
	const char *const with_run[] = {dir, "/nonexistent-kp", NULL};
	const char *const var_run_only[] = {"/nonexistent-kp", dir, NULL};
	const char *const none[] = {"/nonexistent-kp", "/nonexistent-kp2", NULL};

	(void)state;
	assert_non_null(mkdtemp(dir));
	if (geteuid() != 0) {
		/* Not root: the run dirs do not matter. */
		unsetenv("XDG_RUNTIME_DIR");
		lock_default_path(path, sizeof(path), with_run);
		snprintf(want, sizeof(want), "/tmp/kuma-push-%ld.lock",
			 (long)geteuid());
		assert_string_equal(path, want);
		setenv("XDG_RUNTIME_DIR", dir, 1);
		lock_default_path(path, sizeof(path), none);
		snprintf(want, sizeof(want), "%s/kuma-push.lock", dir);
		assert_string_equal(path, want);
		rmdir(dir);
		return;
	}
	snprintf(want, sizeof(want), "%s/kuma-push.lock", dir);
	lock_default_path(path, sizeof(path), with_run);
	assert_string_equal(path, want);
	/* No /run (OpenWrt): the next directory that exists. */
	lock_default_path(path, sizeof(path), var_run_only);
	assert_string_equal(path, want);
	/* Neither: /tmp, which every system has. */
	lock_default_path(path, sizeof(path), none);
	assert_string_equal(path, "/tmp/kuma-push-0.lock");
	/* A file is not a directory. */
	{
		const char *const file_first[] = {"/etc/hostname", dir, NULL};

		if (access("/etc/hostname", F_OK) == 0) {
			lock_default_path(path, sizeof(path), file_first);
			assert_string_equal(path, want);
		}
	}
	rmdir(dir);
}

static void test_second_holder_refused(void **state)
{
	char dir[] = "/tmp/kp-lock-XXXXXX", path[4096];
	struct kp_err err;
	int fd, again;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/kuma-push.lock", dir);
	fd = lock_acquire(path, &err);
	assert_true(fd >= 0);
	again = lock_acquire(path, &err);
	assert_int_equal(again, -2);
	assert_non_null(strstr(err.msg, "another kuma-push run"));
	lock_release(fd);
	fd = lock_acquire(path, &err);
	assert_true(fd >= 0);
	lock_release(fd);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_path_run_dirs),
		cmocka_unit_test(test_second_holder_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
