/* SPDX-License-Identifier: MIT */
/* lock.h: one run at a time (flock on lock_file). */
#ifndef KP_LOCK_H
#define KP_LOCK_H

#include <stddef.h>

#include "err.h"

/*
 * The lock path used when lock_file is not set: as root the first of
 * run_dirs (NULL: "/run", then "/var/run") that is a directory, else
 * $XDG_RUNTIME_DIR when not root, else /tmp/kuma-push-UID.lock.
 */
void lock_default_path(char *path, size_t size, const char *const *run_dirs);

/*
 * Takes an exclusive, non-blocking lock on path (NULL: lock_default_path)
 * and writes our pid into it. Returns the open fd (keep it until exit),
 * -1 with err on failure, or -2 with err->msg naming the holder when
 * another run holds it.
 */
int lock_acquire(const char *path, struct kp_err *err);
void lock_release(int fd);

#endif
