/* SPDX-License-Identifier: MIT */
/*
 * cert.c: certificate dates as libcurl's certinfo prints them, read into
 * Unix time, the expiry window's verdict text, and the memo of chains
 * that reused connections lend. No I/O.
 */
#include "cert.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static bool in_range(int v, int lo, int hi)
{
	return v >= lo && v <= hi;
}

bool cert_parse_time(const char *text, int64_t *out)
{
	char mon[4] = "", zone[8] = "";
	int y, m, d, hh, mm, ss, used = 0;
	const char *p;

	while (*text == ' ')
		text++;
	/* OpenSSL: "Dec  6 09:58:00 2026 GMT" (ASN1_TIME_print). */
	if (sscanf(text, "%3[A-Za-z] %d %d:%d:%d%n", mon, &d, &hh, &mm, &ss,
		   &used) == 5) {
		p = strstr(months, mon);
		if (strlen(mon) != 3 || p == NULL || (p - months) % 3 != 0)
			return false;
		m = (int)((p - months) / 3) + 1;
		text += used;
		if (*text == '.') /* fractional seconds */
			text += 1 + strspn(text + 1, "0123456789");
		if (sscanf(text, " %d %7s", &y, zone) != 2)
			return false;
	} else if (sscanf(text, "%d-%d-%d %d:%d:%d %7s", &y, &m, &d, &hh, &mm,
			  &ss, zone) != 7) {
		/* curl's own ASN.1 code (GnuTLS and others): "2026-12-06 ..." */
		return false;
	}
	if (strcmp(zone, "GMT") != 0 || !in_range(m, 1, 12) ||
	    !in_range(d, 1, 31) || !in_range(hh, 0, 23) ||
	    !in_range(mm, 0, 59) || !in_range(ss, 0, 60) ||
	    !in_range(y, 1950, 9999))
		return false;
	*out = days_from_civil(y, (unsigned)m, (unsigned)d) * 86400 +
	       hh * 3600 + mm * 60 + ss;
	return true;
}

static void utc(int64_t t, struct tm *tm)
{
	time_t tt = (time_t)t;

	memset(tm, 0, sizeof(*tm));
	gmtime_r(&tt, tm);
}

void cert_iso8601(int64_t t, char *out, size_t size)
{
	struct tm tm;

	utc(t, &tm);
	strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

bool cert_expiry_msg(int64_t not_after, int64_t now, int warn_days,
		     char *out, size_t size)
{
	int64_t left = not_after - now, days;
	char date[16];
	struct tm tm;

	if (not_after <= 0 || warn_days <= 0 || left >= (int64_t)warn_days * 86400)
		return false;
	utc(not_after, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	if (left < 0) {
		/* Only seen with verification off: it would fail otherwise. */
		snprintf(out, size, "certificate expired on %s", date);
		return true;
	}
	/* Nearest whole day: "-days 5" is 5 days, not 4 and some hours. */
	days = (left + 43200) / 86400;
	if (days == 0)
		snprintf(out, size, "certificate expires in %lld hours (%s)",
			 (long long)(left / 3600), date);
	else
		snprintf(out, size, "certificate expires in %lld day%s (%s)",
			 (long long)days, days == 1 ? "" : "s", date);
	return true;
}

struct cert_seen {
	char *origin;
	int64_t not_after;
};

/* Length of "https://host:port" at the start of url (0 if not https). */
static size_t origin_len(const char *url)
{
	if (strncasecmp(url, "https://", 8) != 0)
		return 0;
	return 8 + strcspn(url + 8, "/?#");
}

int64_t cert_memo_note(struct cert_memo *memo, const char *url, int64_t seen)
{
	size_t len = origin_len(url), i;
	struct cert_seen *grown;
	char *origin;

	if (len == 0)
		return seen;
	for (i = 0; i < memo->n; i++) {
		if (strlen(memo->items[i].origin) != len ||
		    strncasecmp(memo->items[i].origin, url, len) != 0)
			continue;
		if (seen <= 0)
			return memo->items[i].not_after;
		memo->items[i].not_after = seen;
		return seen;
	}
	if (seen <= 0)
		return 0;
	if (memo->n == memo->cap) {
		size_t cap = memo->cap ? memo->cap * 2 : 8;

		/* malloc only, so the tests' allocation hook sees it */
		grown = malloc(cap * sizeof(*grown));
		if (grown == NULL)
			return seen;
		if (memo->n > 0)
			memcpy(grown, memo->items, memo->n * sizeof(*grown));
		free(memo->items);
		memo->items = grown;
		memo->cap = cap;
	}
	origin = malloc(len + 1);
	if (origin == NULL)
		return seen;
	memcpy(origin, url, len);
	origin[len] = '\0';
	memo->items[memo->n].origin = origin;
	memo->items[memo->n].not_after = seen;
	memo->n++;
	return seen;
}

void cert_memo_free(struct cert_memo *memo)
{
	size_t i;

	for (i = 0; i < memo->n; i++)
		free(memo->items[i].origin);
	free(memo->items);
	memset(memo, 0, sizeof(*memo));
}
