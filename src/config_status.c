/* SPDX-License-Identifier: MIT */
/*
 * config_status.c: a generic check's accepted statuses: "200", "200-299",
 * "200-299,301", an integer, or a list of those ([ "200-299", "401" ]).
 */
#include "config_impl.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

/* One "N" or "N-M" of text[0..len), spaces around it allowed; false if malformed. */
static bool parse_range(const char *text, size_t len, long *lo, long *hi)
{
	char part[16], *dash;

	while (len > 0 && isspace((unsigned char)*text)) {
		text++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)text[len - 1]))
		len--;
	if (len == 0 || len >= sizeof(part))
		return false;
	memcpy(part, text, len);
	part[len] = '\0';
	dash = strchr(part, '-');
	if (dash == NULL)
		return isdigit((unsigned char)part[0]) && kp_parse_long(part, lo) &&
		       (*hi = *lo, true);
	*dash = '\0';
	return isdigit((unsigned char)part[0]) &&
	       isdigit((unsigned char)dash[1]) && kp_parse_long(part, lo) &&
	       kp_parse_long(dash + 1, hi);
}

/* Appends lo-hi to c; false after reporting a bad range. */
static bool add_range(struct loader *ld, struct check *c,
		      const config_setting_t *s, long lo, long hi)
{
	if (lo < 100 || hi > 599 || lo > hi) {
		cfg_error(ld, s, "out of range (N or N-M with 100 <= N <= M <= 599)");
		return false;
	}
	if (c->n_status == CHECK_STATUS_RANGES) {
		cfg_error(ld, s, "more than %d status ranges", CHECK_STATUS_RANGES);
		return false;
	}
	c->status[c->n_status].lo = (int)lo;
	c->status[c->n_status].hi = (int)hi;
	c->n_status++;
	return true;
}

/* A string of comma-separated ranges, or an integer. */
static bool load_one(struct loader *ld, struct check *c,
		     const config_setting_t *s)
{
	const char *v, *end;
	long lo, hi;

	if (config_setting_type(s) == CONFIG_TYPE_INT) {
		lo = config_setting_get_int(s);
		return add_range(ld, c, s, lo, lo);
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		cfg_error(ld, s, "expected \"N\", \"N-M\" or a list of them, got %s",
			  cfg_type_name(config_setting_type(s)));
		return false;
	}
	for (v = config_setting_get_string(s);; v = end + 1) {
		end = strchr(v, ',');
		if (end == NULL)
			end = v + strlen(v);
		if (!parse_range(v, (size_t)(end - v), &lo, &hi)) {
			cfg_error(ld, s, "expected \"N\" or \"N-M\" separated by commas "
					 "(like \"200-299,301\"), got \"%s\"",
				  config_setting_get_string(s));
			return false;
		}
		if (!add_range(ld, c, s, lo, hi))
			return false;
		if (*end == '\0')
			return true;
	}
}

void cfg_status(struct loader *ld, struct check *c, const config_setting_t *s)
{
	int i, n;

	c->n_status = 0;
	if (s != NULL && (config_setting_is_array(s) || config_setting_is_list(s))) {
		n = config_setting_length(s);
		if (n == 0)
			cfg_error(ld, s, "an empty list accepts no status");
		for (i = 0; i < n; i++)
			if (!load_one(ld, c, config_setting_get_elem(s, (unsigned)i)))
				break;
	} else if (s != NULL) {
		load_one(ld, c, s);
	}
	if (c->n_status == 0) {
		c->status[0].lo = 200;
		c->status[0].hi = 299;
		c->n_status = 1;
	}
}
