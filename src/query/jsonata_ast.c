/* SPDX-License-Identifier: MIT */
/*
 * jsonata_ast.c: jsonata's post-parse pass (processAST: paths, predicates
 * and stages, S0207, S0213), the subset check (K0001) and the compile entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonata_int.h"
#include "util.h"

static int outside_at(struct parser *p, size_t byte_off, const char *what)
{
	int col = lex_column(p->lx.src, byte_off);

	return jn_error(p->err, "K0001", col,
			"%s at column %d is outside the kuma-push JSONata subset",
			what, col);
}


static int wrap_path(struct parser *p, struct jn *step, struct jn **out)
{
	struct jn *path = parse_node(p, JN_PATH, step->pos);

	if (path == NULL || parse_push(p, &path->kids, &path->nkids, step) != 0)
		return parse_oom(p);
	path->start = step->start;
	*out = path;
	return 0;
}

static int literal_step_error(struct parser *p, const struct jn *step)
{
	char value[40];

	if (step->type == JN_NUM)
		jn_fmt_number(step->num, value);
	else
		snprintf(value, sizeof(value), "%s", step->type == JN_TRUE ? "true" :
			 step->type == JN_FALSE ? "false" : "null");
	return jn_error(p->err, "S0213", step->pos,
			"The literal value %s cannot be used as a step within a path expression",
			value);
}

static int process_dot(struct parser *p, struct jn *n, struct jn **out)
{
	struct jn *lstep, *rest, *path = NULL;

	if (ast_process(p, n->kids[0], &lstep) != 0)
		return -1;
	if (lstep->type == JN_PATH)
		path = lstep;
	else if (wrap_path(p, lstep, &path) != 0)
		return -1;
	if (ast_process(p, n->kids[1], &rest) != 0)
		return -1;
	if (rest->type == JN_PATH) {
		for (int i = 0; i < rest->nkids; i++)
			if (parse_push(p, &path->kids, &path->nkids, rest->kids[i]) != 0)
				return -1;
	} else {
		rest->stages = rest->preds;
		rest->nstages = rest->npreds;
		rest->preds = NULL;
		rest->npreds = 0;
		if (parse_push(p, &path->kids, &path->nkids, rest) != 0)
			return -1;
	}
	/* jsonata's consarray: these two steps keep their arrays whole. */
	if (path->kids[0]->type == JN_ARRAY)
		path->kids[0]->cons = true;
	if (path->kids[path->nkids - 1]->type == JN_ARRAY)
		path->kids[path->nkids - 1]->cons = true;
	for (int i = 0; i < path->nkids; i++) {
		struct jn *step = path->kids[i];

		if (step->type == JN_NUM || step->type == JN_TRUE ||
		    step->type == JN_FALSE || step->type == JN_NULL)
			return literal_step_error(p, step);
		if (step->type == JN_STR)
			step->type = JN_NAME;
	}
	*out = path;
	return 0;
}

static int process_pred(struct parser *p, struct jn *n, struct jn **out)
{
	struct jn *result, *step, *pred;

	if (ast_process(p, n->kids[0], &result) != 0)
		return -1;
	step = result;
	if (result->type == JN_PATH)
		step = result->kids[result->nkids - 1];
	if (ast_process(p, n->kids[1], &pred) != 0)
		return -1;
	if (result->type == JN_PATH) {
		if (parse_push(p, &step->stages, &step->nstages, pred) != 0)
			return -1;
	} else if (parse_push(p, &step->preds, &step->npreds, pred) != 0) {
		return -1;
	}
	*out = result;
	return 0;
}

static int process_kids(struct parser *p, struct jn *n)
{
	for (int i = 0; i < n->nkids; i++)
		if (ast_process(p, n->kids[i], &n->kids[i]) != 0)
			return -1;
	return 0;
}

int ast_process(struct parser *p, struct jn *n, struct jn **out)
{
	*out = n;
	switch (n->type) {
	case JN_DOT:
		return process_dot(p, n, out);
	case JN_PRED:
		return process_pred(p, n, out);
	case JN_NAME:
		return wrap_path(p, n, out);
	case JN_NEG:
		if (process_kids(p, n) != 0)
			return -1;
		if (n->kids[0]->type == JN_NUM) {
			*out = n->kids[0];
			(*out)->num = -(*out)->num;
		}
		return 0;
	case JN_CALL:
		if (process_kids(p, n) != 0)
			return -1;
		return ast_process(p, n->callee, &n->callee);
	case JN_END:
		return jn_error(p->err, "S0207", n->pos, "Unexpected end of expression");
	case JN_GROUPBY: /* jsonata's processAST: the group goes onto the step (or path) */
		if (ast_process(p, n->kids[0], out) != 0)
			return -1;
		if ((*out)->group != NULL)
			return jn_error(p->err, "S0210", n->pos,
					"Each step can only have one grouping expression");
		(*out)->group = n->kids[1];
		return process_kids(p, n->kids[1]);
	case JN_LAMBDA:
		return ast_process(p, n->callee, &n->callee);
	case JN_BLOCK:
		if (process_kids(p, n) != 0)
			return -1;
		for (int i = 0; i < n->nkids; i++) {
			const struct jn *k = n->kids[i];

			if (k->cons || (k->type == JN_PATH && k->kids[0]->cons))
				n->cons = true;
		}
		return 0;
	default:
		return process_kids(p, n);
	}
}

/* ---- the subset (K0001) ---- */

static const char *const JSONATA_FUNCTIONS[] = {
	"sum", "count", "max", "min", "average", "string", "substring",
	"substringBefore", "substringAfter", "lowercase", "uppercase", "length",
	"trim", "pad", "match", "contains", "replace", "split", "join",
	"formatNumber", "formatBase", "formatInteger", "parseInteger", "number",
	"floor", "ceil", "round", "abs", "sqrt", "power", "random", "boolean",
	"not", "map", "zip", "filter", "single", "reduce", "sift", "keys",
	"lookup", "append", "exists", "spread", "merge", "reverse", "each",
	"error", "assert", "type", "sort", "shuffle", "distinct",
	"encodeUrlComponent", "encodeUrl", "decodeUrlComponent", "decodeUrl",
	"eval", "toMillis", "fromMillis", "clone", "now", "millis",
	"base64encode", "base64decode"
};

bool jn_is_jsonata_function(const char *name)
{
	for (size_t i = 0; i < sizeof(JSONATA_FUNCTIONS) / sizeof(JSONATA_FUNCTIONS[0]); i++)
		if (!strcmp(JSONATA_FUNCTIONS[i], name))
			return true;
	return false;
}


static int check_list(struct parser *p, struct jn **list, int n)
{
	for (int i = 0; i < n; i++)
		if (ast_subset(p, list[i]) != 0)
			return -1;
	return 0;
}

/* A "$name" that jsonata binds to a built-in kuma-push lacks: K0001 naming it. */
static int check_builtin_name(struct parser *p, const struct jn *v)
{
	char what[120];

	if (jn_builtin_find(v->str, v->len) != FN_NONE || !jn_is_jsonata_function(v->str))
		return 0;
	snprintf(what, sizeof(what), "the function $%.60s", v->str);
	return outside_at(p, v->start, what);
}

static int check_call(struct parser *p, struct jn *n)
{
	struct jn *c = n->callee;

	if (c->type == JN_VAR && c->len > 0 && strcmp(c->str, "$") != 0) {
		n->fname = c->str;
		n->op = jn_builtin_find(c->str, c->len);
		if (n->op == FN_STRING && n->nkids == 2)
			return outside_at(p, n->start,
					  "$string with a second argument");
	} else if (c->type == JN_PATH && c->nkids == 1 && c->kids[0]->type == JN_NAME &&
		   c->kids[0]->nstages == 0) {
		n->fname = c->kids[0]->str;
	} else {
		n->fname = "";
	}
	if (ast_subset(p, c) != 0)
		return -1;
	return check_list(p, n->kids, n->nkids);
}

static int check_regex(struct parser *p, struct jn *n)
{
	char why[120], what[200];
	char flags[3] = "";
	int f = (int)n->num;

	snprintf(flags, sizeof(flags), "%s%s", (f & 1) ? "i" : "", (f & 2) ? "m" : "");
	if (jn_regex_compile(n->str, n->len, flags, &n->regex, why, sizeof(why)) != 0) {
		if (n->regex == NULL && why[0] == '\0')
			return parse_oom(p);
		snprintf(what, sizeof(what), "the regular expression %s", why);
		return outside_at(p, n->start, what);
	}
	jn_regex_link(n->regex, p->lx.regexes);
	return 0;
}

/* The first regular expression literal in the tree n, or NULL. */
static const struct jn *find_regex(const struct jn *n)
{
	const struct jn *r = NULL;

	if (n == NULL)
		return NULL;
	if (n->type == JN_REGEX)
		return n;
	for (int i = 0; r == NULL && i < n->nkids; i++)
		r = find_regex(n->kids[i]);
	for (int i = 0; r == NULL && i < n->npreds; i++)
		r = find_regex(n->preds[i]);
	for (int i = 0; r == NULL && i < n->nstages; i++)
		r = find_regex(n->stages[i]);
	if (r == NULL)
		r = find_regex(n->group);
	return r != NULL ? r : find_regex(n->callee);
}

int ast_subset(struct parser *p, struct jn *n)
{
	const struct jn *re;

	if (check_list(p, n->preds, n->npreds) != 0 ||
	    (n->group != NULL && ast_subset(p, n->group) != 0))
		return -1;
	switch (n->type) {
	case JN_PATH:
		for (int i = 0; i < n->nkids; i++)
			if (ast_subset(p, n->kids[i]) != 0 ||
			    check_list(p, n->kids[i]->stages, n->kids[i]->nstages) != 0)
				return -1;
		return 0;
	case JN_CALL:
		return check_call(p, n);
	case JN_LAMBDA:
		return ast_subset(p, n->callee);
	case JN_REGEX:
		return check_regex(p, n);
	case JN_COND:
		/* jsonata 2.1.1 copies the left side of ?: and ?? through JSON, which turns a regex into {} */
		if (n->op != 0 && (re = find_regex(n->kids[0])) != NULL)
			return outside_at(p, re->start,
					  "a regular expression on the left of \"?:\" or \"??\" (jsonata 2.1.1 copies it broken)");
		return check_list(p, n->kids, n->nkids);
	case JN_VAR:
		if (n->len == 0) {
			n->type = JN_CTX;
			return 0;
		}
		if (!strcmp(n->str, "$")) {
			n->type = JN_ROOT;
			return 0;
		}
		n->type = JN_VARREF;
		return check_builtin_name(p, n);
	default:
		return check_list(p, n->kids, n->nkids);
	}
}

struct jsonata_prog *jsonata_compile(const char *expr, struct jsonata_err *err)
{
	struct jsonata_prog *prog = calloc(1, sizeof(*prog));
	struct parser p;
	struct jn *tree = NULL;

	if (prog == NULL) {
		jn_error(err, "K0003", 0, "out of memory");
		return NULL;
	}
	arena_init(&prog->arena, 64u * 1024 * 1024);
	prog->source = kp_strdup(expr);
	if (prog->source == NULL) {
		jn_error(err, "K0003", 0, "out of memory");
		goto fail;
	}
	memset(&p, 0, sizeof(p));
	p.lx.src = prog->source;
	p.lx.len = strlen(prog->source);
	p.lx.arena = &prog->arena;
	p.lx.err = err;
	p.lx.regexes = &prog->regexes;
	p.arena = &prog->arena;
	p.err = err;
	if (parse_advance(&p, NULL, false) != 0 || parse_expr(&p, 0, &tree) != 0 ||
	    parse_syntax_tail(&p) != 0 || ast_process(&p, tree, &tree) != 0)
		goto fail;
	if (p.lx.outside_what != NULL) {
		outside_at(&p, p.lx.outside_at, p.lx.outside_what);
		goto fail;
	}
	if (ast_subset(&p, tree) != 0)
		goto fail;
	prog->root = tree;
	return prog;
fail:
	jsonata_free(prog);
	return NULL;
}

void jsonata_free(struct jsonata_prog *prog)
{
	if (prog == NULL)
		return;
	while (prog->regexes != NULL) {
		struct jn_regex *next = jn_regex_next(prog->regexes);

		jn_regex_free(prog->regexes);
		prog->regexes = next;
	}
	arena_free(&prog->arena);
	free(prog->source);
	free(prog);
}

const char *jsonata_source(const struct jsonata_prog *prog)
{
	return prog->source;
}
