/* SPDX-License-Identifier: MIT */
/*
 * ev.h: which of many sockets are ready. One backend per build, chosen by
 * CMake: ev_epoll.c (Linux, and musl on OpenWrt), where a wait costs what
 * is ready; ev_poll.c (any POSIX system, or -DKP_POLL=ON), where it costs
 * what is watched.
 */
#ifndef KP_EV_H
#define KP_EV_H

#include "err.h"

#define EV_READ 1
#define EV_WRITE 2
#define EV_ERROR 4 /* reported only: the socket failed or hung up */

struct ev;

/* Called once per ready socket from ev_wait; may call ev_set. */
typedef void (*ev_ready_fn)(void *ctx, int fd, int events);

struct ev *ev_new(struct kp_err *err);
void ev_free(struct ev *ev);

/* Watches fd for events (EV_READ | EV_WRITE); 0 stops watching it. */
int ev_set(struct ev *ev, int fd, int events, struct kp_err *err);

/* Sockets one ev_wait hands over at most; as many means more may be ready. */
#define EV_BATCH 256

/*
 * Waits at most timeout_ms for a watched socket to be ready, then calls fn
 * for each. A signal ends the wait early. Returns how many were ready, or
 * -1 with err.
 */
int ev_wait(struct ev *ev, int timeout_ms, ev_ready_fn fn, void *ctx,
	    struct kp_err *err);

/* "epoll" or "poll", for the debug log. */
const char *ev_backend(void);

#endif
