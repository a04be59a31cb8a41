/* SPDX-License-Identifier: MIT */
/* err.c: formatting of struct kp_err. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int kp_err_set(struct kp_err *err, enum kp_status status, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	err->status = status;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int kp_err_prefix(struct kp_err *err, const char *fmt, ...)
{
	char prefix[sizeof(err->msg)];
	size_t prefix_len, old_len, room;
	va_list ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	prefix_len = strlen(prefix);
	if (prefix_len + 3 > sizeof(err->msg))
		prefix_len = sizeof(err->msg) - 3;
	/* Shift the old text right, cutting its end, then write "prefix: ". */
	room = sizeof(err->msg) - 1 - prefix_len - 2;
	old_len = strlen(err->msg);
	if (old_len > room)
		old_len = room;
	memmove(err->msg + prefix_len + 2, err->msg, old_len);
	err->msg[prefix_len + 2 + old_len] = '\0';
	memcpy(err->msg, prefix, prefix_len);
	err->msg[prefix_len] = ':';
	err->msg[prefix_len + 1] = ' ';
	return -1;
}

int kp_err_nomem(struct kp_err *err)
{
	return kp_err_set(err, KP_ENOMEM, "out of memory");
}
