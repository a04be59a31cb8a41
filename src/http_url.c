/* SPDX-License-Identifier: MIT */
/*
 * http_url.c: libcurl's URL API (curl_url, 7.62) as a load-time check.
 * The second file to include <curl/curl.h>, beside http.c: it only parses,
 * it never transfers.
 */
#include "http_url.h"

#include <stdio.h>
#include <strings.h>

#include <curl/curl.h>

/* curl_url_strerror is 7.80; these are the codes a config URL can get. */
static const char *why_not(CURLUcode rc)
{
	switch (rc) {
	case CURLUE_BAD_PORT_NUMBER:
		return "port number out of range (1-65535) or not a number";
	case CURLUE_MALFORMED_INPUT:
		return "malformed URL";
	case CURLUE_UNSUPPORTED_SCHEME:
		return "unsupported scheme";
	case CURLUE_NO_HOST:
		return "URL has no host";
	case CURLUE_OUT_OF_MEMORY:
		return "out of memory";
	default:
		break;
	}
#if CURL_AT_LEAST_VERSION(7, 81, 0)
	if (rc == CURLUE_BAD_HOSTNAME || rc == CURLUE_BAD_IPV6)
		return "bad host name";
	if (rc == CURLUE_BAD_LOGIN || rc == CURLUE_BAD_USER ||
	    rc == CURLUE_BAD_PASSWORD)
		return "bad user name or password";
#endif
	return "libcurl cannot parse it";
}

bool http_url_ok(const char *url, char *why, size_t why_size)
{
	CURLU *h = curl_url();
	CURLUcode rc;
	char *scheme = NULL;
	bool ok = false;

	if (h == NULL) {
		snprintf(why, why_size, "out of memory");
		return false;
	}
	rc = curl_url_set(h, CURLUPART_URL, url, 0);
	if (rc == CURLUE_OK)
		rc = curl_url_get(h, CURLUPART_SCHEME, &scheme, 0);
	if (rc != CURLUE_OK)
		snprintf(why, why_size, "%s", why_not(rc));
	else if (strcasecmp(scheme, "http") != 0 && strcasecmp(scheme, "https") != 0)
		snprintf(why, why_size, "expected an http:// or https:// URL");
	else
		ok = true;
	curl_free(scheme);
	curl_url_cleanup(h);
	return ok;
}
