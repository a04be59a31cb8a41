/* SPDX-License-Identifier: MIT */
/*
 * utf8.h: the one UTF-8 codec of kuma-push: encoding (JSON and JSONata
 * string escapes), validation with U+FFFD repair, and cutting on character
 * boundaries (messages, labels, log lines).
 */
#ifndef KP_UTF8_H
#define KP_UTF8_H

#include <stdbool.h>
#include <stddef.h>

#define KP_UTF8_REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD, 3 bytes */

/*
 * Writes code point cp (at most U+10FFFF; surrogates are written as
 * generalized UTF-8, which JavaScript strings need) as 1 to 4 bytes at out.
 * Returns the byte count.
 */
size_t kp_utf8_put(char *out, unsigned cp);

/*
 * The well-formed UTF-8 sequence at s[0..n) (n >= 1): its length 1-4, or 0
 * when it is not one (overlong, surrogate, above U+10FFFF, truncated); then
 * *skip is the length of the ill-formed part (at least 1) to replace with
 * one U+FFFD, as Unicode's "maximal subpart" practice does.
 */
size_t kp_utf8_seq(const char *s, size_t n, size_t *skip);

/* Whether s[0..n) is well-formed UTF-8. */
bool kp_utf8_valid(const char *s, size_t n);

/*
 * Cuts the well-formed string s in place after max_chars code points.
 * Returns true when something was cut.
 */
bool kp_utf8_cut(char *s, size_t max_chars);

/* Code points in the well-formed string s[0..n). */
size_t kp_utf8_count(const char *s, size_t n);

#endif
