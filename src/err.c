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
	char old[sizeof(err->msg)];
	va_list ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old);
	return -1;
}

int kp_err_nomem(struct kp_err *err)
{
	return kp_err_set(err, KP_ENOMEM, "out of memory");
}
