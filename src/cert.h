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

/*
 * A reused connection reports no chain (libcurl reads it at the
 * handshake), so the last chain seen per origin ("https://host:port") is
 * kept and lent to transfers that reused its connection. Use the API only.
 */
struct cert_memo {
	struct cert_seen *items;
	size_t n, cap;
};

/*
 * For a transfer to url that succeeded: with seen > 0 (its own chain),
 * records it and returns it; with seen 0 over https, returns the origin's
 * last chain end (0 if none). OOM only loses the memo entry.
 */
int64_t cert_memo_note(struct cert_memo *memo, const char *url, int64_t seen);
void cert_memo_free(struct cert_memo *memo);

#endif
