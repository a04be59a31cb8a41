/* SPDX-License-Identifier: MIT */
/*
 * config_check.c: the judging settings of a check: the JSON query and its
 * comparison (models tier and generic checks), models.require, and the
 * body rules of generic checks (keyword, regex, upside_down).
 */
#include "config_impl.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define DEFAULT_EXPECTED "true"

/* A boolean member of blk into *out (unchanged when absent). */
static void load_bool(struct loader *ld, const config_setting_t *blk,
		      const char *name, bool *out)
{
	const config_setting_t *m = config_setting_get_member(blk, name);

	if (m == NULL)
		return;
	if (config_setting_type(m) != CONFIG_TYPE_BOOL) {
		cfg_error(ld, m, "expected true or false, got %s",
			  cfg_type_name(config_setting_type(m)));
		return;
	}
	*out = config_setting_get_bool(m) != 0;
}

static void compile_query(struct loader *ld, struct check *c,
			  const config_setting_t *blk,
			  const config_setting_t *m, const char *expr)
{
	struct jsonata_err jerr;

	memset(&jerr, 0, sizeof(jerr));
	c->query = jsonata_compile(expr, &jerr);
	if (c->query != NULL)
		return;
	if (strcmp(jerr.code, "K0003") == 0)
		cfg_nomem(ld);
	/* K0001 messages name the construct and its column already. */
	else if (jerr.position > 0 && strcmp(jerr.code, "K0001") != 0)
		cfg_error_in(ld, m ? m : blk, m ? NULL : "query",
			     "%s at column %d: %s", jerr.code, jerr.position,
			     jerr.msg);
	else
		cfg_error_in(ld, m ? m : blk, m ? NULL : "query", "%s: %s",
			     jerr.code, jerr.msg);
}

void cfg_query(struct loader *ld, struct check *c, const config_setting_t *blk,
	       const char *default_query)
{
	const config_setting_t *m, *op;
	const char *v;

	v = cfg_string(ld, blk, "query", CFG_NONEMPTY, &m);
	if (v != NULL || (m == NULL && default_query != NULL))
		compile_query(ld, c, blk, m, v ? v : default_query);
	cfg_string_dup(ld, blk, "expected", 0, DEFAULT_EXPECTED, &c->expected,
		       NULL);
	c->op = JSONATA_OP_EQ;
	v = cfg_string(ld, blk, "operator", 0, &op);
	if (v != NULL && !jsonata_op_parse(v, &c->op))
		cfg_error(ld, op, "unknown operator \"%s\" (expected ==, !=, <, "
				  "<=, >, >= or contains)",
			  v);
	c->compare = COMPARE_KUMA2;
	v = cfg_string(ld, blk, "compare", 0, &m);
	if (v != NULL && strcmp(v, "kuma1") == 0)
		c->compare = COMPARE_KUMA1;
	else if (v != NULL && strcmp(v, "kuma2") != 0)
		cfg_error(ld, m, "expected \"kuma2\" or \"kuma1\", got \"%s\"",
			  v);
	/* Kuma 1.23 knows only String(result) === expected. */
	if (c->compare == COMPARE_KUMA1 && c->op != JSONATA_OP_EQ)
		cfg_error(ld, op, "operator \"%s\" needs compare = \"kuma2\" "
				  "(kuma1 compares with == only)",
			  jsonata_op_name(c->op));
	if (default_query == NULL && config_setting_get_member(blk, "query") ==
					     NULL) {
		static const char *const needs[] = {"expected", "operator",
						    "compare"};
		size_t i;

		for (i = 0; i < 3; i++)
			if ((m = config_setting_get_member(blk, needs[i])) != NULL)
				cfg_error(ld, m, "%s needs a query", needs[i]);
	}
}

void cfg_require(struct loader *ld, struct check *c,
		 const config_setting_t *blk)
{
	const config_setting_t *s = config_setting_get_member(blk, "require");
	int i, n;

	if (s == NULL)
		return;
	if (!config_setting_is_array(s) && !config_setting_is_list(s)) {
		cfg_error(ld, s, "expected an array of model ids [ \"...\", ... "
				 "], got %s",
			  cfg_type_name(config_setting_type(s)));
		return;
	}
	n = config_setting_length(s);
	if (n == 0) {
		cfg_error(ld, s, "must name at least one model id");
		return;
	}
	c->require = cfg_zalloc((size_t)n, sizeof(*c->require));
	if (c->require == NULL) {
		cfg_nomem(ld);
		return;
	}
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *v;

		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			cfg_error(ld, e, "expected a string, got %s",
				  cfg_type_name(config_setting_type(e)));
			continue;
		}
		v = config_setting_get_string(e);
		if (*v == '\0' || cfg_has_ctl(v)) {
			cfg_error(ld, e, "a model id must be non-empty, without "
					 "control characters");
			continue;
		}
		if ((c->require[c->n_require] = kp_strdup(v)) == NULL) {
			cfg_nomem(ld);
			return;
		}
		c->n_require++;
	}
}

static void load_regex(struct loader *ld, struct check *c,
		       const config_setting_t *blk)
{
	const config_setting_t *m;
	const char *v = cfg_string(ld, blk, "regex", CFG_NONEMPTY, &m);
	char why[256];
	regex_t *re;
	int rc;

	if (v == NULL)
		return;
	re = malloc(sizeof(*re));
	if (re == NULL) {
		cfg_nomem(ld);
		return;
	}
	/* REG_NOSUB: only whether it matches counts. */
	rc = regcomp(re, v, REG_EXTENDED | REG_NOSUB);
	if (rc == 0) {
		c->regex = re;
		if ((c->regex_src = kp_strdup(v)) == NULL)
			cfg_nomem(ld);
		return;
	}
	if (rc == REG_ESPACE) {
		cfg_nomem(ld);
	} else {
		regerror(rc, re, why, sizeof(why));
		cfg_error(ld, m, "invalid regular expression: %s", why);
	}
	free(re);
}

void cfg_body_rules(struct loader *ld, struct check *c,
		    const config_setting_t *blk)
{
	const config_setting_t *m;
	const char *v = cfg_string(ld, blk, "keyword", CFG_NONEMPTY, NULL);

	if (v != NULL && (c->keyword = kp_strdup(v)) == NULL)
		cfg_nomem(ld);
	load_bool(ld, blk, "invert_keyword", &c->invert_keyword);
	if (c->invert_keyword && c->keyword == NULL &&
	    (m = config_setting_get_member(blk, "keyword")) == NULL)
		cfg_error(ld, config_setting_get_member(blk, "invert_keyword"),
			  "invert_keyword needs a keyword");
	load_regex(ld, c, blk);
	load_bool(ld, blk, "invert_regex", &c->invert_regex);
	if (c->invert_regex && config_setting_get_member(blk, "regex") == NULL)
		cfg_error(ld, config_setting_get_member(blk, "invert_regex"),
			  "invert_regex needs a regex");
	load_bool(ld, blk, "upside_down", &c->upside_down);
	cfg_query(ld, c, blk, NULL);
}
