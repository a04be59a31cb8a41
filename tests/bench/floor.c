/* SPDX-License-Identifier: MIT */
/* floor.c: the least a libcurl agent can do for one 3-tier cycle: the same 3
 * requests and 3 pushes on ONE easy handle, no config, no JSON, no checks.
 * usage: floor OWUI_URL KUMA_URL API_KEY MODEL TOK_HEALTH TOK_MODELS TOK_CHAT */
#include <curl/curl.h>
#include <stdio.h>

static size_t sink(char *p, size_t s, size_t n, void *u) { (void)p; (void)u; return s * n; }

int main(int argc, char **argv)
{
	char url[1024], auth[256], body[512];
	struct curl_slist *hdr = NULL, *post;
	CURL *h;
	int i, rc = 0;

	if (argc != 8)
		return fprintf(stderr, "usage: floor OWUI KUMA KEY MODEL TOKH TOKM TOKC\n"), 64;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	h = curl_easy_init();
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", argv[3]);
	hdr = curl_slist_append(hdr, auth);
	post = curl_slist_append(curl_slist_append(NULL, auth), "Content-Type: application/json");
	snprintf(url, sizeof url, "%s/health", argv[1]);
	curl_easy_setopt(h, CURLOPT_URL, url);
	rc |= curl_easy_perform(h);
	snprintf(url, sizeof url, "%s/api/models?refresh=true", argv[1]);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	rc |= curl_easy_perform(h);
	snprintf(url, sizeof url, "%s/api/chat/completions", argv[1]);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, post);
	snprintf(body, sizeof body, "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":"
		 "\"Respond with the word HEALTHY\"}],\"temperature\":0,\"stream\":false}", argv[4]);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	rc |= curl_easy_perform(h);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	for (i = 5; i < 8; i++) {
		snprintf(url, sizeof url, "%s/api/push/%s?status=up&msg=OK&ping=1", argv[2], argv[i]);
		curl_easy_setopt(h, CURLOPT_URL, url);
		rc |= curl_easy_perform(h);
	}
	curl_slist_free_all(hdr);
	curl_slist_free_all(post);
	curl_easy_cleanup(h);
	curl_global_cleanup();
	return rc != 0;
}
