/* SPDX-License-Identifier: MIT */
/* util.h: small helpers with no better home: strings, clock, sanitising. */
#ifndef KP_UTIL_H
#define KP_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "utf8.h"

/*
 * Allocation helpers built on malloc (not libc's strdup), so that the
 * test-only allocation-failure hook (-Wl,--wrap=malloc) sees every byte we
 * allocate. Return NULL on failure; NULL input gives NULL.
 */
char *kp_strdup(const char *s);
char *kp_strndup(const char *s, size_t n);

/* Monotonic clock in milliseconds, for deadlines and pings. */
uint64_t kp_now_ms(void);

/*
 * Copies at most max_bytes of src into a new string with control characters
 * (C0, DEL) replaced by a space, runs of whitespace collapsed and ill-formed
 * UTF-8 replaced by U+FFFD, cutting at a character boundary: the result is
 * always valid UTF-8. For text from outside (bodies, curl errors, Latin-1
 * error pages) before it reaches a log line or a push msg. NULL on OOM.
 */
char *kp_sanitize(const char *src, size_t src_len, size_t max_bytes);

/* Same, into a caller buffer of size dst_size (always NUL-terminated). */
void kp_sanitize_into(char *dst, size_t dst_size, const char *src, size_t src_len);

/* kp_sanitize_into, then cut to at most max_chars characters (code points). */
void kp_sanitize_chars(char *dst, size_t dst_size, const char *src,
		       size_t max_chars);

/* ASCII case-insensitive substring search; NULL when absent. */
const char *kp_strcasestr(const char *haystack, const char *needle);

/* Whole-string strict parses; false on junk, overflow or an empty string. */
bool kp_parse_long(const char *s, long *out);
bool kp_parse_double(const char *s, double *out);

#endif
