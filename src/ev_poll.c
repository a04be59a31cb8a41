/* SPDX-License-Identifier: MIT */
/*
 * ev_poll.c: the portable ev backend, poll(2). The watched set is a dense
 * array (a slot index per descriptor, removal moves the last entry into
 * the hole), so set changes are O(1) and a wait is O(watched).
 */
#include "ev.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

struct ev {
	struct pollfd *fds;  /* dense: the watched sockets */
	size_t n_fds, cap_fds;
	int *slot;           /* per fd: index in fds, or -1 */
	size_t n_slot;
	struct pollfd *ready; /* a copy: callbacks may change fds */
	size_t cap_ready;
};

const char *ev_backend(void)
{
	return "poll";
}

struct ev *ev_new(struct kp_err *err)
{
	struct ev *ev = calloc(1, sizeof(*ev));

	if (ev == NULL)
		kp_err_nomem(err);
	return ev;
}

void ev_free(struct ev *ev)
{
	if (ev == NULL)
		return;
	free(ev->fds);
	free(ev->slot);
	free(ev->ready);
	free(ev);
}

static int slot_grow(struct ev *ev, int fd, struct kp_err *err)
{
	size_t want = ev->n_slot ? ev->n_slot : 64, i;
	int *grown;

	while (want <= (size_t)fd)
		want *= 2;
	grown = realloc(ev->slot, want * sizeof(*grown));
	if (grown == NULL)
		return kp_err_nomem(err);
	for (i = ev->n_slot; i < want; i++)
		grown[i] = -1;
	ev->slot = grown;
	ev->n_slot = want;
	return 0;
}

static int fds_grow(struct ev *ev, struct kp_err *err)
{
	size_t want = ev->cap_fds ? ev->cap_fds * 2 : 64;
	struct pollfd *grown = realloc(ev->fds, want * sizeof(*grown));

	if (grown == NULL)
		return kp_err_nomem(err);
	ev->fds = grown;
	ev->cap_fds = want;
	return 0;
}

int ev_set(struct ev *ev, int fd, int events, struct kp_err *err)
{
	short mask = (short)(((events & EV_READ) ? POLLIN : 0) |
			     ((events & EV_WRITE) ? POLLOUT : 0));
	int at;

	if (fd < 0)
		return kp_err_set(err, KP_EINTERNAL, "ev_set: bad descriptor %d", fd);
	if ((size_t)fd >= ev->n_slot && slot_grow(ev, fd, err) != 0)
		return -1;
	at = ev->slot[fd];
	if (events == 0) {
		if (at >= 0) {
			ev->fds[at] = ev->fds[--ev->n_fds];
			ev->slot[ev->fds[at].fd] = at;
			ev->slot[fd] = -1;
		}
		return 0;
	}
	if (at < 0) {
		if (ev->n_fds == ev->cap_fds && fds_grow(ev, err) != 0)
			return -1;
		at = (int)ev->n_fds++;
		ev->slot[fd] = at;
		ev->fds[at].fd = fd;
	}
	ev->fds[at].events = mask;
	ev->fds[at].revents = 0;
	return 0;
}

int ev_wait(struct ev *ev, int timeout_ms, ev_ready_fn fn, void *ctx,
	    struct kp_err *err)
{
	size_t i, n_ready = 0;
	int n;

	if (ev->cap_ready < ev->n_fds) {
		struct pollfd *grown = realloc(ev->ready, ev->cap_fds * sizeof(*grown));

		if (grown == NULL)
			return kp_err_nomem(err);
		ev->ready = grown;
		ev->cap_ready = ev->cap_fds;
	}
	n = poll(ev->fds, (nfds_t)ev->n_fds, timeout_ms);
	if (n < 0) {
		if (errno == EINTR)
			return 0;
		return kp_err_set(err, KP_EOS, "poll: %s", strerror(errno));
	}
	for (i = 0; n > 0 && i < ev->n_fds; i++)
		if (ev->fds[i].revents != 0)
			ev->ready[n_ready++] = ev->fds[i];
	for (i = 0; i < n_ready; i++) {
		short got = ev->ready[i].revents;

		fn(ctx, ev->ready[i].fd,
		   ((got & POLLIN) ? EV_READ : 0) | ((got & POLLOUT) ? EV_WRITE : 0) |
			   ((got & (POLLERR | POLLHUP | POLLNVAL)) ? EV_ERROR : 0));
	}
	return (int)n_ready;
}
