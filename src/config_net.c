/* SPDX-License-Identifier: MIT */
/*
 * config_net.c: the network settings shared by defaults, targets, tier
 * blocks, generic checks and kuma: one table of names, types, ranges and
 * built-in defaults, validation of each setting, and the cascade.
 */
#include "config_impl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

enum net_kind {
	NET_SECONDS, /* int or float */
	NET_INT,     /* int only */
	NET_BOOL,
	NET_STRING,  /* any non-empty string ("" allowed for proxy) */
	NET_PATH,    /* a file or directory read at run time */
	NET_IPVER,
	NET_RESOLVE
};

struct net_key_def {
	const char *name;
	enum net_kind kind;
	double min;
	bool min_open; /* value must be > min, not >= */
	double max;
	const char *unit;
	double def;    /* built-in default of numbers and bools */
	size_t off;    /* in struct net_opts */
};

#define OFF(f) offsetof(struct net_opts, f)

/* The one defaults table; config.h documents the same values. */
static const struct net_key_def net_keys[NK_COUNT] = {
	/* at least 1 ms: libcurl reads a 0 ms timeout as "none" */
	[NK_TIMEOUT] = {"timeout", NET_SECONDS, 0.001, false, 3600, " s", 10,
			OFF(timeout_s)},
	[NK_CONNECT_TIMEOUT] = {"connect_timeout", NET_SECONDS, 0.001, false,
				3600,
				" s", 5, OFF(connect_timeout_s)},
	[NK_RETRIES] = {"retries", NET_INT, 0, false, 10, "", 1, OFF(retries)},
	[NK_RETRY_DELAY] = {"retry_delay", NET_SECONDS, 0, false, 3600, " s", 2,
			    OFF(retry_delay_s)},
	[NK_MAX_BODY] = {"max_body", NET_INT, 1024, false, 1073741824.0,
			 " bytes", 8388608, OFF(max_body_bytes)},
	[NK_TLS_VERIFY] = {"tls_verify", NET_BOOL, 0, false, 0, "", 1,
			   OFF(tls_verify)},
	[NK_INSECURE] = {"insecure", NET_BOOL, 0, false, 0, "", 0,
			 OFF(insecure)},
	[NK_CA_FILE] = {"ca_file", NET_PATH, 0, false, 0, "", 0, OFF(ca_file)},
	[NK_CA_PATH] = {"ca_path", NET_PATH, 0, false, 0, "", 0, OFF(ca_path)},
	[NK_CLIENT_CERT] = {"client_cert", NET_PATH, 0, false, 0, "", 0,
			    OFF(client_cert)},
	[NK_CLIENT_KEY] = {"client_key", NET_PATH, 0, false, 0, "", 0,
			   OFF(client_key)},
	[NK_PROXY] = {"proxy", NET_STRING, 0, false, 0, "", 0, OFF(proxy)},
	[NK_IP_VERSION] = {"ip_version", NET_IPVER, 0, false, 0, "", IP_ANY,
			   OFF(ip_version)},
	[NK_RESOLVE] = {"resolve", NET_RESOLVE, 0, false, 0, "", 0,
			OFF(resolve)},
	[NK_FOLLOW_REDIRECTS] = {"follow_redirects", NET_BOOL, 0, false, 0, "",
				 0, OFF(follow_redirects)},
	/* 0.1 s, not 1: fast loops are how loop mode is tested */
	[NK_INTERVAL] = {"interval", NET_SECONDS, 0.1, false, 86400, " s", 60,
			 OFF(interval_s)},
	/* -1: not set at any level, derived from the interval in net_compose */
	[NK_JITTER] = {"jitter", NET_SECONDS, 0, false, 86400, " s", -1,
		       OFF(jitter_s)},
	/* 0, the default, is "none"; a set value must be above it */
	[NK_MAX_LATENCY] = {"max_latency", NET_SECONDS, 0, true, 3600, " s", 0,
			    OFF(max_latency_s)},
	[NK_TLS_EXPIRY_WARN] = {"tls_expiry_warn", NET_INT, 0, false, 3650,
				" days", 14, OFF(tls_expiry_warn_days)},
};

int net_key_find(const char *name)
{
	int i;

	for (i = 0; i < NK_COUNT; i++)
		if (strcmp(net_keys[i].name, name) == 0)
			return i;
	return -1;
}

const char *net_key_list(void)
{
	return "timeout, connect_timeout, retries, retry_delay, max_body, "
	       "tls_verify, insecure, ca_file, ca_path, client_cert, "
	       "client_key, proxy, ip_version, resolve, follow_redirects, "
	       "interval, jitter, max_latency, tls_expiry_warn";
}

static bool port_ok(const char *s, size_t n)
{
	unsigned long port = 0;
	size_t i;

	if (n == 0 || n > 5)
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		port = port * 10 + (unsigned long)(s[i] - '0');
	}
	return port >= 1 && port <= 65535;
}

static bool addr_ok(const char *s, size_t n)
{
	char tmp[INET6_ADDRSTRLEN + 2];
	unsigned char bin[sizeof(struct in6_addr)];

	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(tmp))
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	return inet_pton(AF_INET, tmp, bin) == 1 ||
	       inet_pton(AF_INET6, tmp, bin) == 1;
}

/*
 * libcurl's CURLOPT_RESOLVE entry "host:port:addr[,addr...]": host without
 * ':', a port 1..65535, then IPv4 or (bracketed or bare) IPv6 addresses.
 */
static bool resolve_entry_ok(const char *e)
{
	const char *c1 = strchr(e, ':'), *c2, *a, *comma;

	if (c1 == NULL || c1 == e)
		return false;
	c2 = strchr(c1 + 1, ':');
	if (c2 == NULL || !port_ok(c1 + 1, (size_t)(c2 - c1 - 1)))
		return false;
	for (a = c2 + 1;; a = comma + 1) {
		comma = strchr(a, ',');
		if (!addr_ok(a, comma ? (size_t)(comma - a) : strlen(a)))
			return false;
		if (comma == NULL)
			return true;
	}
}

static bool path_parse(struct loader *ld, const config_setting_t *s,
		       const char *v, bool dir)
{
	char *full;
	bool ok = true, credential;

	if (*v == '\0' || cfg_has_ctl(v)) {
		cfg_error(ld, s, "expected a %s path, got %s",
			  dir ? "directory" : "file",
			  *v ? "control characters" : "an empty string");
		return false;
	}
	/* Under systemd, a client key in /etc/kuma-push/ is a credential. */
	full = cfg_secret_path(ld, v, &credential);
	if (full == NULL) {
		cfg_nomem(ld);
		return false;
	}
	/* A typo found now beats a TLS error on every run. */
	if (access(full, dir ? (R_OK | X_OK) : R_OK) != 0) {
		cfg_error(ld, s, "cannot read %s: %s", full, strerror(errno));
		ok = false;
	}
	free(full);
	return ok;
}

static bool resolve_parse(struct loader *ld, const config_setting_t *s)
{
	int i, n;
	bool ok = true;

	if (!config_setting_is_array(s) && !config_setting_is_list(s)) {
		cfg_error(ld, s,
			  "expected an array of \"host:port:addr\" strings, "
			  "got %s",
			  cfg_type_name(config_setting_type(s)));
		return false;
	}
	n = config_setting_length(s);
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);

		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			cfg_error(ld, e, "expected a string, got %s",
				  cfg_type_name(config_setting_type(e)));
			ok = false;
		} else if (!resolve_entry_ok(config_setting_get_string(e))) {
			cfg_error(ld, e,
				  "expected \"host:port:addr\" (port 1..65535, "
				  "addr an IPv4 or IPv6 address), got \"%s\"",
				  config_setting_get_string(e));
			ok = false;
		}
	}
	return ok;
}

static bool ipver_parse(struct loader *ld, const config_setting_t *s,
			enum ip_version *out)
{
	const char *v;

	if (config_setting_type(s) == CONFIG_TYPE_INT) {
		int n = config_setting_get_int(s);

		if (n == 4 || n == 6) {
			*out = n == 4 ? IP_V4 : IP_V6;
			return true;
		}
		cfg_error(ld, s, "expected \"any\", \"4\" or \"6\", got %d", n);
		return false;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		cfg_error(ld, s, "expected \"any\", \"4\" or \"6\", got %s",
			  cfg_type_name(config_setting_type(s)));
		return false;
	}
	v = config_setting_get_string(s);
	if (strcmp(v, "any") == 0)
		*out = IP_ANY;
	else if (strcmp(v, "4") == 0)
		*out = IP_V4;
	else if (strcmp(v, "6") == 0)
		*out = IP_V6;
	else {
		cfg_error(ld, s, "expected \"any\", \"4\" or \"6\", got \"%s\"",
			  v);
		return false;
	}
	return true;
}

void net_setting_parse(struct loader *ld, const config_setting_t *s, int key,
		       struct net_layer *layer, bool per_check)
{
	const struct net_key_def *d = &net_keys[key];
	int type = config_setting_type(s);
	enum ip_version ipv;
	double num;
	bool ok = false;

	switch (d->kind) {
	case NET_SECONDS:
	case NET_INT:
		ok = cfg_number_in(ld, s, d->kind == NET_INT, d->min,
				   d->min_open, d->max, d->unit, &num);
		break;
	case NET_BOOL:
		if (type != CONFIG_TYPE_BOOL) {
			cfg_error(ld, s, "expected true or false, got %s",
				  cfg_type_name(type));
			break;
		}
		ok = true;
		if (key == NK_INSECURE && !per_check) {
			cfg_error(ld, s,
				  "insecure is a per-check opt-out: set it in "
				  "a tier block, a check or kuma");
			ok = false;
		} else if ((key == NK_INSECURE && config_setting_get_bool(s)) ||
			   (key == NK_TLS_VERIFY &&
			    !config_setting_get_bool(s))) {
			cfg_warn(ld, s, "TLS certificate verification is off");
		}
		break;
	case NET_STRING:
	case NET_PATH:
		if (type != CONFIG_TYPE_STRING) {
			cfg_error(ld, s, "expected a string, got %s",
				  cfg_type_name(type));
			break;
		}
		if (d->kind == NET_PATH)
			ok = path_parse(ld, s, config_setting_get_string(s),
					key == NK_CA_PATH);
		else if (cfg_has_ctl(config_setting_get_string(s)))
			cfg_error(ld, s, "contains control characters");
		else
			ok = true; /* proxy = "" turns the proxy off */
		break;
	case NET_IPVER:
		ok = ipver_parse(ld, s, &ipv);
		break;
	case NET_RESOLVE:
		ok = resolve_parse(ld, s);
		break;
	}
	if (ok)
		layer->set[key] = s;
}

static int set_string(struct loader *ld, char **dst, const char *v, bool path)
{
	bool credential;
	char *copy = path ? cfg_secret_path(ld, v, &credential) : kp_strdup(v);

	if (copy == NULL)
		return -1;
	free(*dst);
	*dst = copy;
	return 0;
}

static int set_resolve(struct net_opts *out, const config_setting_t *s)
{
	size_t i, n = (size_t)config_setting_length(s);
	char **list;

	/* Allocated with malloc only, so the allocation hook sees it. */
	list = malloc((n + 1) * sizeof(*list));
	if (list == NULL)
		return -1;
	for (i = 0; i <= n; i++)
		list[i] = NULL;
	for (i = 0; i < n; i++) {
		list[i] = kp_strdup(config_setting_get_string(
			config_setting_get_elem(s, (unsigned)i)));
		if (list[i] == NULL)
			break;
	}
	if (i < n) {
		while (i > 0)
			free(list[--i]);
		free(list);
		return -1;
	}
	for (i = 0; i < out->n_resolve; i++)
		free(out->resolve[i]);
	free(out->resolve);
	out->resolve = list;
	out->n_resolve = n;
	return 0;
}

static double setting_number(const config_setting_t *s)
{
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
		return config_setting_get_int(s);
	case CONFIG_TYPE_INT64:
		return (double)config_setting_get_int64(s);
	default:
		return config_setting_get_float(s);
	}
}

static void net_defaults(struct net_opts *out)
{
	memset(out, 0, sizeof(*out));
	out->timeout_s = net_keys[NK_TIMEOUT].def;
	out->connect_timeout_s = net_keys[NK_CONNECT_TIMEOUT].def;
	out->retries = (int)net_keys[NK_RETRIES].def;
	out->retry_delay_s = net_keys[NK_RETRY_DELAY].def;
	out->max_body_bytes = (long)net_keys[NK_MAX_BODY].def;
	out->tls_verify = net_keys[NK_TLS_VERIFY].def != 0;
	out->insecure = net_keys[NK_INSECURE].def != 0;
	out->ip_version = (enum ip_version)net_keys[NK_IP_VERSION].def;
	out->follow_redirects = net_keys[NK_FOLLOW_REDIRECTS].def != 0;
	out->interval_s = net_keys[NK_INTERVAL].def;
	out->jitter_s = net_keys[NK_JITTER].def;
	out->max_latency_s = net_keys[NK_MAX_LATENCY].def;
	out->tls_expiry_warn_days = (int)net_keys[NK_TLS_EXPIRY_WARN].def;
}

static int net_apply(struct loader *ld, struct net_opts *out, int key,
		     const config_setting_t *s)
{
	const struct net_key_def *d = &net_keys[key];
	char *field = (char *)out + d->off;
	enum ip_version ipv = IP_ANY;

	switch (d->kind) {
	case NET_SECONDS:
		*(double *)(void *)field = setting_number(s);
		return 0;
	case NET_INT:
		if (key == NK_MAX_BODY)
			out->max_body_bytes = (long)setting_number(s);
		else
			*(int *)(void *)field = (int)setting_number(s);
		return 0;
	case NET_BOOL:
		*(bool *)(void *)field = config_setting_get_bool(s) != 0;
		return 0;
	case NET_STRING:
	case NET_PATH:
		return set_string(ld, (char **)(void *)field,
				  config_setting_get_string(s),
				  d->kind == NET_PATH);
	case NET_IPVER:
		if (config_setting_type(s) == CONFIG_TYPE_INT)
			ipv = config_setting_get_int(s) == 4 ? IP_V4 : IP_V6;
		else if (strcmp(config_setting_get_string(s), "4") == 0)
			ipv = IP_V4;
		else if (strcmp(config_setting_get_string(s), "6") == 0)
			ipv = IP_V6;
		out->ip_version = ipv;
		return 0;
	case NET_RESOLVE:
		return set_resolve(out, s);
	}
	return 0;
}

int net_compose(struct loader *ld, struct net_opts *out,
		const struct net_layer *const *layers, size_t n_layers)
{
	size_t i;
	int k;

	net_defaults(out);
	for (i = 0; i < n_layers; i++) {
		if (layers[i] == NULL)
			continue;
		for (k = 0; k < NK_COUNT; k++) {
			if (layers[i]->set[k] == NULL)
				continue;
			if (net_apply(ld, out, k, layers[i]->set[k]) != 0)
				return -1;
		}
	}
	if (out->jitter_s < 0)
		out->jitter_s = out->interval_s / 10;
	return 0;
}

void net_opts_free(struct net_opts *net)
{
	size_t i;

	free(net->ca_file);
	free(net->ca_path);
	free(net->client_cert);
	free(net->client_key);
	free(net->proxy);
	for (i = 0; i < net->n_resolve; i++)
		free(net->resolve[i]);
	free(net->resolve);
	memset(net, 0, sizeof(*net));
}
