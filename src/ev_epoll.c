/* SPDX-License-Identifier: MIT */
/*
 * ev_epoll.c: the ev backend for Linux. The kernel keeps the interest
 * list, so a wait returns only the sockets that are ready; we keep one
 * byte per descriptor to know whether to add, modify or delete.
 */
#include "ev.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

struct ev {
	int epfd;
	unsigned char *watched; /* events per fd, 0 = not in the set */
	size_t n_watched;
	struct epoll_event ready[EV_BATCH];
};

const char *ev_backend(void)
{
	return "epoll";
}

struct ev *ev_new(struct kp_err *err)
{
	struct ev *ev = calloc(1, sizeof(*ev));

	if (ev == NULL) {
		kp_err_nomem(err);
		return NULL;
	}
	ev->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (ev->epfd < 0) {
		kp_err_set(err, errno == ENOMEM ? KP_ENOMEM : KP_EOS,
			   "epoll_create1: %s", strerror(errno));
		free(ev);
		return NULL;
	}
	return ev;
}

void ev_free(struct ev *ev)
{
	if (ev == NULL)
		return;
	close(ev->epfd);
	free(ev->watched);
	free(ev);
}

static int ev_grow(struct ev *ev, int fd, struct kp_err *err)
{
	size_t want = ev->n_watched ? ev->n_watched : 64;
	unsigned char *grown;

	while (want <= (size_t)fd)
		want *= 2;
	grown = realloc(ev->watched, want);
	if (grown == NULL)
		return kp_err_nomem(err);
	memset(grown + ev->n_watched, 0, want - ev->n_watched);
	ev->watched = grown;
	ev->n_watched = want;
	return 0;
}

int ev_set(struct ev *ev, int fd, int events, struct kp_err *err)
{
	struct epoll_event e;
	int op, rc;

	if (fd < 0)
		return kp_err_set(err, KP_EINTERNAL, "ev_set: bad descriptor %d", fd);
	if ((size_t)fd >= ev->n_watched && ev_grow(ev, fd, err) != 0)
		return -1;
	memset(&e, 0, sizeof(e));
	e.data.fd = fd;
	e.events = ((events & EV_READ) ? EPOLLIN : 0u) |
		   ((events & EV_WRITE) ? EPOLLOUT : 0u);
	if (events == 0) {
		/* The socket may be closed already: the kernel dropped it. */
		if (ev->watched[fd] != 0)
			epoll_ctl(ev->epfd, EPOLL_CTL_DEL, fd, &e);
		ev->watched[fd] = 0;
		return 0;
	}
	op = ev->watched[fd] != 0 ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
	rc = epoll_ctl(ev->epfd, op, fd, &e);
	/* A descriptor closed and reused behind our back, either way. */
	if (rc != 0 && op == EPOLL_CTL_MOD && errno == ENOENT)
		rc = epoll_ctl(ev->epfd, EPOLL_CTL_ADD, fd, &e);
	else if (rc != 0 && op == EPOLL_CTL_ADD && errno == EEXIST)
		rc = epoll_ctl(ev->epfd, EPOLL_CTL_MOD, fd, &e);
	if (rc != 0)
		return kp_err_set(err, errno == ENOMEM ? KP_ENOMEM : KP_EOS,
				  "epoll_ctl(%d): %s", fd, strerror(errno));
	ev->watched[fd] = (unsigned char)events;
	return 0;
}

int ev_wait(struct ev *ev, int timeout_ms, ev_ready_fn fn, void *ctx,
	    struct kp_err *err)
{
	int n = epoll_wait(ev->epfd, ev->ready, EV_BATCH, timeout_ms), i;

	if (n < 0) {
		if (errno == EINTR)
			return 0;
		return kp_err_set(err, KP_EOS, "epoll_wait: %s", strerror(errno));
	}
	for (i = 0; i < n; i++) {
		uint32_t got = ev->ready[i].events;
		int events = ((got & EPOLLIN) ? EV_READ : 0) |
			     ((got & EPOLLOUT) ? EV_WRITE : 0) |
			     ((got & (EPOLLERR | EPOLLHUP)) ? EV_ERROR : 0);

		fn(ctx, ev->ready[i].data.fd, events);
	}
	return n;
}
