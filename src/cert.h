/* SPDX-License-Identifier: MIT */
/*
 * cert.h: certificate dates (libcurl certinfo's text -> Unix time) and the
 * tls_expiry_warn verdict. Pure functions, no I/O.
 */
#ifndef KP_CERT_H
#define KP_CERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Reads a certinfo date, "Dec  6 09:58:00 2026 GMT" (OpenSSL) or
 * "2026-12-06 09:58:00 GMT" (curl's ASN.1 code), into Unix seconds.
 * False when text is neither.
 */
bool cert_parse_time(const char *text, int64_t *out);

/* "2026-12-06T09:58:00Z" into out (at least 21 bytes). */
void cert_iso8601(int64_t t, char *out, size_t size);

/*
 * Whether a certificate ending at not_after is inside the window of
 * warn_days at now: true with out "certificate expires in 5 days
 * (2026-12-06)". False when not_after is unknown (<= 0), warn_days is 0,
 * or the end is further off.
 */
bool cert_expiry_msg(int64_t not_after, int64_t now, int warn_days,
		     char *out, size_t size);

#endif
