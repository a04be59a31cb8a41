/* SPDX-License-Identifier: MIT */
/*
 * http_url.h: URLs checked with libcurl's own parser (the URL API), at
 * config load, so that -n rejects exactly what a run would.
 */
#ifndef KP_HTTP_URL_H
#define KP_HTTP_URL_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Whether libcurl accepts url as an http(s) URL to request. If not, why
 * receives a short reason ("port number out of range", "bad host name");
 * false with "out of memory" when libcurl could not allocate.
 */
bool http_url_ok(const char *url, char *why, size_t why_size);

#endif
