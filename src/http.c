/* SPDX-License-Identifier: MIT */
/*
 * http.c: one transfer on libcurl: every option (each setopt checked),
 * bodies capped in our write callback, redirects followed here and not by
 * libcurl (so configured headers never leave their origin), and one clean
 * line for each way a transfer fails. http_engine.c runs many at once.
 */
#include "http.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "cert.h"
#include "http_impl.h"
#include "util.h"

#define HTTP_MAX_REDIRECTS 5L

int http_global_init(struct kp_err *err)
{
	CURLcode result = curl_global_init(CURL_GLOBAL_DEFAULT);

	if (result != CURLE_OK)
		return kp_err_set(err, KP_EINTERNAL, "curl_global_init: %s",
				  curl_easy_strerror(result));
	return 0;
}

void http_global_cleanup(void)
{
	curl_global_cleanup();
}

const char *http_version(void)
{
	return curl_version();
}

char *http_escape(const char *s, size_t len)
{
	char *escaped, *copy;

	if (len > (size_t)INT32_MAX)
		return NULL;
	/* 7.82+ ignores the handle argument, so NULL is fine on 7.88. */
	escaped = curl_easy_escape(NULL, s, (int)len);
	if (escaped == NULL)
		return NULL;
	copy = kp_strdup(escaped);
	curl_free(escaped);
	return copy;
}

/* Header lines hold the API key and configured header values: our own
 * copies, wiped before they are freed (explicit_bzero is not elided). */
static void slist_wipe_free(struct curl_slist *list)
{
	struct curl_slist *e;

	for (e = list; e != NULL; e = e->next)
		if (e->data != NULL)
			explicit_bzero(e->data, strlen(e->data));
	curl_slist_free_all(list);
}

void job_free(struct http_job *job)
{
	if (job == NULL)
		return;
	if (job->easy != NULL && job->pool != NULL &&
	    job->pool->n < job->pool->cap) {
		curl_easy_reset(job->easy);
		job->pool->easy[job->pool->n++] = job->easy;
	} else if (job->easy != NULL) {
		curl_easy_cleanup(job->easy);
	}
	slist_wipe_free(job->headers);
	slist_wipe_free(job->own);
	curl_slist_free_all(job->resolve);
	free(job->hop_url);
	buf_free(&job->resp.body);
	free(job);
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
	struct http_job *job = userdata;
	size_t n = size * nmemb; /* libcurl guarantees size == 1 */

	/* A body of announced size within max_body gets its whole buffer at
	 * once: growing by doubling would copy it, two copies at a time. The
	 * size is a hint (a compressed length, a lie): appends still decide. */
	if (job->resp.body.len == 0) {
		curl_off_t announced = -1;

		if (curl_easy_getinfo(job->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T,
				      &announced) == CURLE_OK && announced > 0 &&
		    announced <= job->req->net->max_body_bytes)
			(void)buf_reserve(&job->resp.body, (size_t)announced);
	}
	/* libcurl < 8.4 ignores MAXFILESIZE mid-transfer: cap here. */
	job->capture = buf_append(&job->resp.body, data, n);
	return job->capture == KP_OK ? n : 0;
}

/* Appends "Name: value" lines; NULL on OOM. */
static struct curl_slist *slist_add(struct curl_slist *list, const char *line,
				    bool *oom)
{
	struct curl_slist *grown = curl_slist_append(list, line);

	if (grown == NULL)
		*oom = true;
	return grown != NULL ? grown : list;
}

#define SETOPT(opt, val)                                                     \
	do {                                                                 \
		CURLcode setopt_result = curl_easy_setopt(easy, opt, val);   \
		if (setopt_result != CURLE_OK)                               \
			return kp_err_set(err, KP_EINTERNAL, "%s: %s", #opt, \
					  curl_easy_strerror(setopt_result)); \
	} while (0)

static int job_setopt_tls(struct http_job *job, struct kp_err *err)
{
	CURL *easy = job->easy;
	const struct net_opts *net = job->req->net;
	bool verify = net->tls_verify && !net->insecure;

	SETOPT(CURLOPT_CERTINFO, 1L); /* tls_expiry_warn reads the chain */
	SETOPT(CURLOPT_SSL_VERIFYPEER, verify ? 1L : 0L);
	SETOPT(CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L);
	if (net->ca_file != NULL)
		SETOPT(CURLOPT_CAINFO, net->ca_file);
	if (net->ca_path != NULL)
		SETOPT(CURLOPT_CAPATH, net->ca_path);
	if (net->client_cert != NULL)
		SETOPT(CURLOPT_SSLCERT, net->client_cert);
	if (net->client_key != NULL)
		SETOPT(CURLOPT_SSLKEY, net->client_key);
	return 0;
}

static int job_setopt_net(struct http_job *job, uint64_t deadline_ms,
			  struct kp_err *err)
{
	CURL *easy = job->easy;
	const struct net_opts *net = job->req->net;
	uint64_t now = kp_now_ms();
	long timeout_ms = (long)(net->timeout_s * 1000.0);
	long ip = net->ip_version == IP_V4 ? CURL_IPRESOLVE_V4
		  : net->ip_version == IP_V6 ? CURL_IPRESOLVE_V6
					     : CURL_IPRESOLVE_WHATEVER;
	bool oom = false;
	size_t i;

	/* Never run past the run's deadline, whatever the check allows. */
	if (job->req->deadline_ms != 0 && job->req->deadline_ms < deadline_ms)
		deadline_ms = job->req->deadline_ms;
	if (deadline_ms <= now)
		timeout_ms = 1;
	else if ((uint64_t)timeout_ms > deadline_ms - now)
		timeout_ms = (long)(deadline_ms - now);
	if (timeout_ms < 1)
		timeout_ms = 1;
	job->ends_ms = now + (uint64_t)timeout_ms;
	SETOPT(CURLOPT_TIMEOUT_MS, timeout_ms);
	SETOPT(CURLOPT_CONNECTTIMEOUT_MS, (long)(net->connect_timeout_s * 1000.0));
	SETOPT(CURLOPT_IPRESOLVE, ip);
	if (net->proxy != NULL)
		SETOPT(CURLOPT_PROXY, net->proxy);
	for (i = 0; i < net->n_resolve; i++)
		job->resolve = slist_add(job->resolve, net->resolve[i], &oom);
	if (oom)
		return kp_err_nomem(err);
	if (job->resolve != NULL)
		SETOPT(CURLOPT_RESOLVE, job->resolve);
	/* follow_redirects is ours (job_next_hop), not libcurl's: libcurl
	 * would take every configured header but two to another host. */
	return job_setopt_tls(job, err);
}

static int job_setopt(struct http_job *job, uint64_t deadline_ms,
		      struct kp_err *err)
{
	const struct http_request *req = job->req;
	CURL *easy = job->easy;
	bool oom = false;
	size_t i;

	SETOPT(CURLOPT_URL, req->url);
	SETOPT(CURLOPT_PROTOCOLS_STR, "http,https");
	SETOPT(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	SETOPT(CURLOPT_NOSIGNAL, 1L);
	SETOPT(CURLOPT_ERRORBUFFER, job->errbuf);
	SETOPT(CURLOPT_PRIVATE, (void *)job);
	SETOPT(CURLOPT_WRITEFUNCTION, on_body);
	SETOPT(CURLOPT_WRITEDATA, (void *)job);
	SETOPT(CURLOPT_USERAGENT, "kuma-push/" KP_VERSION);
	if (strcmp(req->method, "GET") != 0)
		SETOPT(CURLOPT_CUSTOMREQUEST, req->method);
	if (req->body != NULL) {
		SETOPT(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
		SETOPT(CURLOPT_POSTFIELDS, req->body);
		/* No "Expect: 100-continue" round trip for our small bodies. */
		job->headers = slist_add(job->headers, "Expect:", &oom);
		job->own = slist_add(job->own, "Expect:", &oom);
	}
	for (i = 0; i < req->n_headers; i++)
		job->headers = slist_add(job->headers, req->headers[i], &oom);
	if (oom)
		return kp_err_nomem(err);
	if (job->headers != NULL)
		SETOPT(CURLOPT_HTTPHEADER, job->headers);
	return job_setopt_net(job, deadline_ms, err);
}

void job_fail(struct http_job *job, enum http_failure failure,
		     const char *msg)
{
	job->resp.failure = failure;
	kp_sanitize_into(job->resp.error, sizeof(job->resp.error), msg,
			 strlen(msg));
	job->done(job->ctx, &job->resp);
	job_free(job);
}

int job_setup(struct http_job *job, uint64_t deadline_ms, struct kp_err *err)
{
	if (job->pool != NULL && job->pool->n > 0)
		job->easy = job->pool->easy[--job->pool->n];
	else
		job->easy = curl_easy_init();
	if (job->easy == NULL)
		return kp_err_set(err, KP_ENOMEM, "out of memory (curl_easy_init)");
	return job_setopt(job, deadline_ms, err);
}

static double info_ms(CURL *easy, CURLINFO info)
{
	curl_off_t us = 0;

	if (curl_easy_getinfo(easy, info, &us) != CURLE_OK)
		return 0;
	return (double)us / 1000.0;
}

/* The earliest "Expire date" of the chain libcurl saw, or 0. */
static int64_t chain_not_after(CURL *easy)
{
	struct curl_certinfo *info = NULL;
	const struct curl_slist *e;
	int64_t t, earliest = 0;
	int i;

	if (curl_easy_getinfo(easy, CURLINFO_CERTINFO, &info) != CURLE_OK ||
	    info == NULL)
		return 0;
	for (i = 0; i < info->num_of_certs; i++)
		for (e = info->certinfo[i]; e != NULL; e = e->next)
			if (strncmp(e->data, "Expire date:", 12) == 0 &&
			    cert_parse_time(e->data + 12, &t) &&
			    (earliest == 0 || t < earliest))
				earliest = t;
	return earliest;
}

static void job_collect_info(struct http_job *job)
{
	CURL *easy = job->easy;
	struct http_response *resp = &job->resp;
	const char *type = NULL;
	size_t i;

	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &resp->status);
	/* A redirect we did not follow: its target is the news to report. */
	resp->location[0] = '\0';
	if (resp->status >= 300 && resp->status < 400 &&
	    curl_easy_getinfo(easy, CURLINFO_REDIRECT_URL, &type) == CURLE_OK &&
	    type != NULL)
		snprintf(resp->location, sizeof(resp->location), "%s", type);
	type = NULL;
	if (curl_easy_getinfo(easy, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK &&
	    type != NULL) {
		for (i = 0; type[i] != '\0' && type[i] != ';' &&
			    i + 1 < sizeof(resp->content_type);
		     i++)
			resp->content_type[i] = (char)tolower((unsigned char)type[i]);
		while (i > 0 && resp->content_type[i - 1] == ' ')
			i--;
		resp->content_type[i] = '\0';
	}
	resp->timings.dns_ms = info_ms(easy, CURLINFO_NAMELOOKUP_TIME_T);
	resp->timings.connect_ms = info_ms(easy, CURLINFO_CONNECT_TIME_T);
	resp->timings.tls_ms = info_ms(easy, CURLINFO_APPCONNECT_TIME_T);
	resp->timings.first_byte_ms = info_ms(easy, CURLINFO_STARTTRANSFER_TIME_T);
	resp->timings.total_ms = info_ms(easy, CURLINFO_TOTAL_TIME_T);
	resp->cert_not_after = chain_not_after(easy);
	/* After redirects, each phase counts from the first request. */
	resp->timings.dns_ms += job->hops_ms;
	resp->timings.connect_ms += job->hops_ms;
	if (resp->timings.tls_ms > 0)
		resp->timings.tls_ms += job->hops_ms;
	resp->timings.first_byte_ms += job->hops_ms;
	resp->timings.total_ms += job->hops_ms;
	/* A reused connection reports connect 0 after a non-zero lookup:
	 * keep the phases cumulative, as they are everywhere else. */
	if (resp->timings.connect_ms < resp->timings.dns_ms)
		resp->timings.connect_ms = resp->timings.dns_ms;
	if (resp->timings.tls_ms > 0 && resp->timings.tls_ms < resp->timings.connect_ms)
		resp->timings.tls_ms = resp->timings.connect_ms;
}

/* Whether the request went out, so what failed came from the server. */
static bool job_sent_request(struct http_job *job)
{
	long sent = 0;

	return curl_easy_getinfo(job->easy, CURLINFO_REQUEST_SIZE, &sent) ==
		       CURLE_OK &&
	       sent > 0;
}

/* The person-readable reason for a failed transfer. */
static void job_describe(struct http_job *job, CURLcode result)
{
	struct http_response *resp = &job->resp;
	const struct net_opts *net = job->req->net;
	const char *detail = job->errbuf[0] ? job->errbuf : curl_easy_strerror(result);
	long os_errno = 0;
	char *host = NULL;
	char msg[512];

	curl_easy_getinfo(job->easy, CURLINFO_OS_ERRNO, &os_errno);
	switch (result) {
	case CURLE_WRITE_ERROR:
		if (job->capture == KP_ELIMIT) {
			resp->failure = HTTP_FAIL_TOOBIG;
			snprintf(msg, sizeof(msg),
				 "response larger than %ld bytes (max_body)",
				 net->max_body_bytes);
		} else if (job->capture == KP_ENOMEM) {
			resp->failure = HTTP_FAIL_NOMEM;
			snprintf(msg, sizeof(msg), "out of memory reading the response");
		} else {
			resp->failure = HTTP_FAIL_OTHER;
			snprintf(msg, sizeof(msg), "%s", detail);
		}
		break;
	case CURLE_OPERATION_TIMEDOUT:
		resp->failure = HTTP_FAIL_TIMEOUT;
		/* libcurl's words tell which limit fired: "Connection timed
		 * out" (TCP) and "SSL connection timeout" (the handshake, which
		 * connect_timeout covers too) against "Operation timed out". */
		if (strstr(detail, "onnect") != NULL)
			snprintf(msg, sizeof(msg), "connect timeout after %g s",
				 net->connect_timeout_s);
		else
			snprintf(msg, sizeof(msg), "timeout after %g s", net->timeout_s);
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		resp->failure = HTTP_FAIL_RESOLVE;
		curl_easy_getinfo(job->easy, CURLINFO_EFFECTIVE_URL, &host);
		snprintf(msg, sizeof(msg), "cannot resolve host (%s)", detail);
		break;
	case CURLE_COULDNT_CONNECT:
		resp->failure = os_errno == ECONNREFUSED ? HTTP_FAIL_REFUSED
							 : HTTP_FAIL_OTHER;
		if (os_errno == ECONNREFUSED)
			snprintf(msg, sizeof(msg), "connection refused");
		else
			snprintf(msg, sizeof(msg), "cannot connect: %s", detail);
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
		resp->failure = HTTP_FAIL_TLS;
		snprintf(msg, sizeof(msg), "TLS: %s", detail);
		break;
	case CURLE_RECV_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_SEND_ERROR:
		resp->failure = HTTP_FAIL_OTHER;
		if (os_errno == ECONNRESET)
			snprintf(msg, sizeof(msg), "connection reset by peer");
		else
			snprintf(msg, sizeof(msg), "transfer failed: %s", detail);
		break;
	case CURLE_GOT_NOTHING:
		resp->failure = HTTP_FAIL_OTHER;
		snprintf(msg, sizeof(msg), "empty reply from server");
		break;
	case CURLE_OUT_OF_MEMORY:
#if LIBCURL_VERSION_NUM >= 0x080600
	case CURLE_TOO_LARGE:
#endif
		/* libcurl < 8.6 says "out of memory" when a server's header
		 * line or headers pass its 100 KiB cap: the server's doing,
		 * so this check's down, never our fatal HTTP_FAIL_NOMEM. */
		resp->failure = HTTP_FAIL_TOOBIG;
		if (job_sent_request(job))
			snprintf(msg, sizeof(msg), "response headers too large");
		else
			snprintf(msg, sizeof(msg), "libcurl: %s", detail);
		break;
	default:
		resp->failure = HTTP_FAIL_OTHER;
		snprintf(msg, sizeof(msg), "%s", detail);
		break;
	}
	kp_sanitize_into(resp->error, sizeof(resp->error), msg, strlen(msg));
}

static bool same_origin_part(CURLU *a, CURLU *b, CURLUPart part)
{
	char *x = NULL, *y = NULL;
	bool same;

	if (curl_url_get(a, part, &x, CURLU_DEFAULT_PORT) != CURLUE_OK ||
	    curl_url_get(b, part, &y, CURLU_DEFAULT_PORT) != CURLUE_OK)
		same = false;
	else
		same = strcasecmp(x, y) == 0;
	curl_free(x);
	curl_free(y);
	return same;
}

/* Same scheme, host and port (RFC 6454's origin); false when unsure. */
static bool same_origin(const char *url, const char *other)
{
	CURLU *a = curl_url(), *b = curl_url();
	bool same = a != NULL && b != NULL &&
		    curl_url_set(a, CURLUPART_URL, url, 0) == CURLUE_OK &&
		    curl_url_set(b, CURLUPART_URL, other, 0) == CURLUE_OK &&
		    same_origin_part(a, b, CURLUPART_SCHEME) &&
		    same_origin_part(a, b, CURLUPART_HOST) &&
		    same_origin_part(a, b, CURLUPART_PORT);

	curl_url_cleanup(a);
	curl_url_cleanup(b);
	return same;
}

static void hop_fail(struct http_job *job, const char *msg)
{
	snprintf(job->hop_error, sizeof(job->hop_error), "%s", msg);
}

/* Points the handle at the next hop; false with hop_error set if not. */
static bool hop_setopt(struct http_job *job, long status)
{
	CURL *easy = job->easy;
	const struct http_request *req = job->req;
	uint64_t now = kp_now_ms();
	long left_ms = job->ends_ms > now ? (long)(job->ends_ms - now) : 1;
	bool to_get = (status == 303 && strcmp(req->method, "HEAD") != 0) ||
		      ((status == 301 || status == 302) &&
		       strcmp(req->method, "POST") == 0);
	/* Configured headers (the API key among them) stay with the
	 * configured origin; a hop elsewhere gets only our own. */
	struct curl_slist *headers = same_origin(req->url, job->hop_url)
					     ? job->headers : job->own;

	if (curl_easy_setopt(easy, CURLOPT_URL, job->hop_url) != CURLE_OK ||
	    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers) != CURLE_OK ||
	    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, left_ms) != CURLE_OK ||
	    (to_get && (curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L) != CURLE_OK ||
			curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST,
					 (char *)NULL) != CURLE_OK))) {
		hop_fail(job, "cannot follow the redirect");
		return false;
	}
	return true;
}

bool job_next_hop(struct http_job *job, CURLcode result)
{
	CURL *easy = job->easy;
	char *location = NULL;
	long status = 0;

	if (result != CURLE_OK || !job->req->net->follow_redirects)
		return false;
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	if (status != 301 && status != 302 && status != 303 && status != 307 &&
	    status != 308)
		return false;
	if (curl_easy_getinfo(easy, CURLINFO_REDIRECT_URL, &location) != CURLE_OK ||
	    location == NULL)
		return false; /* no usable Location: judge the 3xx itself */
	if (job->redirects >= HTTP_MAX_REDIRECTS) {
		snprintf(job->hop_error, sizeof(job->hop_error),
			 "too many redirects (more than %ld)", HTTP_MAX_REDIRECTS);
		return false;
	}
	free(job->hop_url);
	job->hop_url = kp_strdup(location); /* location dies at the next setopt */
	if (job->hop_url == NULL) {
		job->hop_nomem = true;
		hop_fail(job, "out of memory following a redirect");
		return false;
	}
	job->redirects++;
	job->hops_ms += info_ms(easy, CURLINFO_TOTAL_TIME_T);
	buf_reset(&job->resp.body);
	job->capture = KP_OK;
	job->errbuf[0] = '\0';
	return hop_setopt(job, status);
}

void job_complete(struct http_job *job, CURLcode result)
{
	job_collect_info(job);
	if (job->hop_error[0] != '\0') {
		job->resp.status = 0;
		job->resp.failure = job->hop_nomem ? HTTP_FAIL_NOMEM : HTTP_FAIL_OTHER;
		kp_sanitize_into(job->resp.error, sizeof(job->resp.error),
				 job->hop_error, strlen(job->hop_error));
	} else if (result != CURLE_OK) {
		job->resp.status = result == CURLE_WRITE_ERROR ? job->resp.status : 0;
		job_describe(job, result);
	}
	job->done(job->ctx, &job->resp);
	job_free(job);
}
