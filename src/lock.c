/* SPDX-License-Identifier: MIT */
/* lock.c: a cron run must not pile up behind a slow one. */
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

void lock_default_path(char *path, size_t size, const char *const *run_dirs)
{
	/* OpenWrt and older systems have /var/run but no /run. */
	static const char *const builtin[] = {"/run", "/var/run", NULL};
	const char *runtime = getenv("XDG_RUNTIME_DIR");
	struct stat st;
	size_t i;

	if (run_dirs == NULL)
		run_dirs = builtin;
	if (geteuid() == 0) {
		for (i = 0; run_dirs[i] != NULL; i++) {
			if (stat(run_dirs[i], &st) == 0 && S_ISDIR(st.st_mode)) {
				snprintf(path, size, "%s/kuma-push.lock",
					 run_dirs[i]);
				return;
			}
		}
	} else if (runtime != NULL && runtime[0] == '/') {
		snprintf(path, size, "%s/kuma-push.lock", runtime);
		return;
	}
	snprintf(path, size, "/tmp/kuma-push-%ld.lock", (long)geteuid());
}

/* The pid the holder wrote, or 0 when unknown. */
static long holder_pid(int fd)
{
	char text[32];
	ssize_t n = pread(fd, text, sizeof(text) - 1, 0);

	if (n <= 0)
		return 0;
	text[n] = '\0';
	return strtol(text, NULL, 10);
}

int lock_acquire(const char *path, struct kp_err *err)
{
	char fallback[4096], pid_text[32];
	int fd, n;
	long holder;

	if (path == NULL) {
		lock_default_path(fallback, sizeof(fallback), NULL);
		path = fallback;
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return kp_err_set(err, KP_EOS, "cannot open lock file %s: %s", path,
				  strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int saved = errno;

		holder = saved == EWOULDBLOCK ? holder_pid(fd) : 0;
		close(fd);
		if (saved != EWOULDBLOCK)
			return kp_err_set(err, KP_EOS, "cannot lock %s: %s", path,
					  strerror(saved));
		kp_err_set(err, KP_EINVAL,
			   "another kuma-push run (pid %ld) holds %s; exiting", holder,
			   path);
		return -2;
	}
	n = snprintf(pid_text, sizeof(pid_text), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, pid_text, (size_t)n, 0) != n) {
		/* The lock holds without the pid; only the message loses it. */
	}
	return fd;
}

void lock_release(int fd)
{
	if (fd >= 0)
		close(fd);
}
