/* SPDX-License-Identifier: MIT */
/* err.h: the error record every module fills instead of printing. */
#ifndef KP_ERR_H
#define KP_ERR_H

#define KP_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))

/* Why an operation failed; callers branch on it, people read msg. */
enum kp_status {
	KP_OK = 0,
	KP_EINVAL,  /* bad input: config, expression, document, argument */
	KP_ENOMEM,  /* allocation failed (exit 71 at the top) */
	KP_EOS,     /* the OS refused: open, read, fork (exit 71) */
	KP_ELIMIT,  /* a configured bound was reached (body cap, steps) */
	KP_EINTERNAL /* a bug or a library misbehaving (exit 70) */
};

/*
 * Filled by the failing function; needs no allocation, so it works under
 * OOM. Any function taking a struct kp_err * accepts NULL.
 */
struct kp_err {
	enum kp_status status;
	char msg[256];
};

/* Sets status and msg (truncated to fit). Returns -1 for `return kp_err_set(...)`. */
int kp_err_set(struct kp_err *err, enum kp_status status, const char *fmt, ...)
	KP_PRINTF(3, 4);

/* Prefixes msg with context: "what: " + old msg. Returns -1. */
int kp_err_prefix(struct kp_err *err, const char *fmt, ...) KP_PRINTF(2, 3);

/* Shorthand for the out-of-memory case. Returns -1. */
int kp_err_nomem(struct kp_err *err);

#endif
