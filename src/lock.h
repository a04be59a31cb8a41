/* lock.h: one run at a time (flock on lock_file). */
#ifndef KP_LOCK_H
#define KP_LOCK_H

#include "err.h"

/*
 * Takes an exclusive, non-blocking lock on path (NULL: /run/kuma-push.lock
 * as root, else $XDG_RUNTIME_DIR/kuma-push.lock or /tmp/kuma-push-UID.lock)
 * and writes our pid into it. Returns the open fd (keep it until exit),
 * -1 with err on failure, or -2 with err->msg naming the holder when
 * another run holds it.
 */
int lock_acquire(const char *path, struct kp_err *err);
void lock_release(int fd);

#endif
