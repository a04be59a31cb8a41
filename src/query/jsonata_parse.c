/* SPDX-License-Identifier: MIT */
/*
 * jsonata_parse.c: jsonata 2.1.1's Pratt parser: one token of lookahead and
 * the same binding powers, so that a broken expression gets jsonata's own
 * S02xx error. Constructs outside the subset are parsed the same way and
 * recorded; K0001 is reported once the whole expression has parsed.
 */
#include <stdio.h>
#include <string.h>

#include "jsonata_int.h"

int parse_oom(struct parser *p)
{
	return jn_error(p->err, "K0003", 0, "out of memory");
}

struct jn *parse_node(struct parser *p, enum jn_type type, int pos)
{
	struct jn *n = arena_alloc(p->arena, sizeof(*n));

	if (n == NULL)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->pos = pos;
	return n;
}

/* Appends kid to a list held in the arena (copying on growth). */
int parse_push(struct parser *p, struct jn ***list, int *n, struct jn *kid)
{
	if ((*n & (*n - 1)) == 0) { /* 0, 1, 2, 4, 8...: grow */
		size_t cap = *n == 0 ? 2 : (size_t)*n * 2;
		struct jn **grown = arena_alloc(p->arena, cap * sizeof(*grown));

		if (grown == NULL)
			return parse_oom(p);
		if (*n > 0)
			memcpy(grown, *list, (size_t)*n * sizeof(*grown));
		*list = grown;
	}
	(*list)[(*n)++] = kid;
	return 0;
}

static bool is_op(const struct token *t, const char *id)
{
	return t->kind == TK_OP && strcmp(t->id, id) == 0;
}

/* JSON.stringify of a token's value, for messages. */
static void tok_json(const struct token *t, char *out, size_t size)
{
	char num[40];

	switch (t->kind) {
	case TK_OP:
	case TK_VALUE:
		snprintf(out, size, t->kind == TK_OP ? "\"%s\"" : "%s", t->id);
		return;
	case TK_NUM:
		jn_fmt_number(t->num, num);
		snprintf(out, size, "%s", num);
		return;
	case TK_END:
		snprintf(out, size, "(end)");
		return;
	case TK_REGEX:
		snprintf(out, size, "{}");
		return;
	default:
		snprintf(out, size, "\"%.*s\"", (int)(t->len > 60 ? 60 : t->len), t->str);
		return;
	}
}

/* Left binding power of the current token (symbols without one: 0). */
static int lbp(const struct token *t)
{
	static const struct {
		const char *id;
		int bp;
	} table[] = {
		{ ".", 75 }, { "[", 80 }, { "{", 70 }, { "(", 80 }, { "@", 80 },
		{ "#", 80 }, { "?", 20 }, { "+", 50 }, { "-", 50 }, { "*", 60 },
		{ "/", 60 }, { "%", 60 }, { "=", 40 }, { "<", 40 }, { ">", 40 },
		{ "^", 40 }, { ":=", 10 }, { "!=", 40 }, { "<=", 40 }, { ">=", 40 },
		{ "~>", 40 }, { "?:", 40 }, { "??", 40 }, { "and", 30 }, { "or", 25 },
		{ "in", 40 }, { "&", 50 }
	};

	if (t->kind != TK_OP)
		return 0;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].id, t->id) == 0)
			return table[i].bp;
	return 0;
}

/* jsonata's advance(id, infix): check the current token, read the next. */
int parse_advance(struct parser *p, const char *id, bool prefix_mode)
{
	char got[80];

	if (id != NULL && !is_op(&p->node, id)) {
		if (p->node.kind == TK_END)
			return jn_error(p->err, "S0203", p->node.pos,
					"Expected \"%s\" before end of expression", id);
		tok_json(&p->node, got, sizeof(got));
		return jn_error(p->err, "S0202", p->node.pos,
				"Expected \"%s\", got %s", id, got);
	}
	if (lex_next(&p->lx, prefix_mode, &p->node) != 0)
		return -1;
	if (p->node.kind == TK_END)
		p->node.pos = lex_pos(p->lx.src, p->lx.len);
	if (p->node.kind == TK_OP && (is_op(&p->node, "!") || is_op(&p->node, "~")))
		return jn_error(p->err, "S0204", p->node.pos,
				"Unknown operator: \"%s\"", p->node.id);
	return 0;
}

int parse_syntax_tail(struct parser *p)
{
	char tok[80];

	if (p->node.kind == TK_END)
		return 0;
	tok_json(&p->node, tok, sizeof(tok));
	return jn_error(p->err, "S0201", p->node.pos, "Syntax error: %s", tok);
}

/* A node for a construct outside the subset, with its operands as kids. */
static struct jn *outside_node(struct parser *p, const struct token *t,
			       const char *what)
{
	lex_outside(&p->lx, t->start, what);
	return parse_node(p, JN_OUTSIDE, t->pos);
}

static int expr_into(struct parser *p, int rbp, struct jn *n)
{
	struct jn *e;

	if (parse_expr(p, rbp, &e) != 0)
		return -1;
	return parse_push(p, &n->kids, &n->nkids, e);
}

/* "( e1; e2 )": jsonata's block, a new frame for its variables. */
static int nud_block(struct parser *p, const struct token *t, struct jn **out)
{
	struct jn *n = parse_node(p, JN_BLOCK, t->pos);

	if (n == NULL)
		return parse_oom(p);
	n->start = t->start;
	while (!is_op(&p->node, ")")) {
		if (expr_into(p, 0, n) != 0)
			return -1;
		if (!is_op(&p->node, ";"))
			break;
		if (parse_advance(p, ";", false) != 0)
			return -1;
	}
	if (parse_advance(p, ")", true) != 0)
		return -1;
	*out = n;
	return 0;
}

static int nud_array(struct parser *p, const struct token *t, struct jn **out)
{
	struct jn *n = parse_node(p, JN_ARRAY, t->pos);

	if (n == NULL)
		return parse_oom(p);
	n->start = t->start;
	if (!is_op(&p->node, "]")) {
		for (;;) {
			if (expr_into(p, 0, n) != 0)
				return -1;
			if (is_op(&p->node, "..")) {
				struct jn *range = parse_node(p, JN_BIN, p->node.pos);
				struct jn *from = n->kids[--n->nkids];

				if (range == NULL)
					return parse_oom(p);
				range->op = OP_RANGE;
				range->start = from->start;
				if (parse_push(p, &range->kids, &range->nkids, from) != 0 ||
				    parse_advance(p, "..", false) != 0 || expr_into(p, 0, range) != 0 ||
				    parse_push(p, &n->kids, &n->nkids, range) != 0)
					return -1;
			}
			if (!is_op(&p->node, ","))
				break;
			if (parse_advance(p, ",", false) != 0)
				return -1;
		}
	}
	if (parse_advance(p, "]", true) != 0)
		return -1;
	*out = n;
	return 0;
}

/* "{ k: v, ... }", both as a constructor and as group-by. */
static int object_body(struct parser *p, struct jn *n)
{
	if (!is_op(&p->node, "}")) {
		for (;;) {
			if (expr_into(p, 0, n) != 0 || parse_advance(p, ":", false) != 0 ||
			    expr_into(p, 0, n) != 0)
				return -1;
			if (!is_op(&p->node, ","))
				break;
			if (parse_advance(p, ",", false) != 0)
				return -1;
		}
	}
	return parse_advance(p, "}", true);
}

static int nud_transform(struct parser *p, struct jn *n)
{
	if (expr_into(p, 0, n) != 0 || parse_advance(p, "|", false) != 0 ||
	    expr_into(p, 0, n) != 0)
		return -1;
	if (is_op(&p->node, ",") &&
	    (parse_advance(p, ",", false) != 0 || expr_into(p, 0, n) != 0))
		return -1;
	return parse_advance(p, "|", false);
}

static int nud_op(struct parser *p, const struct token *t, struct jn **out)
{
	const char *id = t->id;
	struct jn *n = NULL;
	char sym[80];

	if (!strcmp(id, "and") || !strcmp(id, "or") || !strcmp(id, "in")) {
		if ((n = parse_node(p, JN_NAME, t->pos)) != NULL) {
			n->str = id;
			n->len = strlen(id);
		}
	} else if (!strcmp(id, "-")) {
		if ((n = parse_node(p, JN_NEG, t->pos)) != NULL && expr_into(p, 70, n) != 0)
			return -1;
	} else if (!strcmp(id, "*")) {
		n = parse_node(p, JN_WILD, t->pos);
	} else if (!strcmp(id, "(")) {
		return nud_block(p, t, out);
	} else if (!strcmp(id, "[")) {
		return nud_array(p, t, out);
	} else if (!strcmp(id, "**")) {
		n = outside_node(p, t, "the descendant wildcard \"**\"");
	} else if (!strcmp(id, "%")) {
		n = outside_node(p, t, "the parent operator \"%\"");
	} else if (!strcmp(id, "{")) {
		if ((n = parse_node(p, JN_OBJECT, t->pos)) != NULL && object_body(p, n) != 0)
			return -1;
	} else if (!strcmp(id, "|")) {
		if ((n = outside_node(p, t, "a transform \"|...|\"")) != NULL &&
		    nud_transform(p, n) != 0)
			return -1;
	} else {
		tok_json(t, sym, sizeof(sym));
		return jn_error(p->err, "S0211", t->pos,
				"The symbol %s cannot be used as a unary operator", sym);
	}
	if (n == NULL)
		return parse_oom(p);
	n->start = t->start;
	*out = n;
	return 0;
}

static int nud(struct parser *p, const struct token *t, struct jn **out)
{
	struct jn *n;

	switch (t->kind) {
	case TK_OP:
		return nud_op(p, t, out);
	case TK_REGEX:
		n = parse_node(p, JN_REGEX, t->pos);
		break;
	case TK_END:
		n = parse_node(p, JN_END, t->pos);
		break;
	case TK_NAME:
		n = parse_node(p, JN_NAME, t->pos);
		break;
	case TK_VAR:
		n = parse_node(p, JN_VAR, t->pos);
		break;
	case TK_STR:
		n = parse_node(p, JN_STR, t->pos);
		break;
	case TK_NUM:
		n = parse_node(p, JN_NUM, t->pos);
		break;
	default: /* TK_VALUE */
		n = parse_node(p, !strcmp(t->id, "true") ? JN_TRUE :
				 !strcmp(t->id, "false") ? JN_FALSE : JN_NULL, t->pos);
		break;
	}
	if (n == NULL)
		return parse_oom(p);
	n->str = t->str;
	n->len = t->len;
	n->num = t->num;
	n->start = t->start;
	*out = n;
	return 0;
}

/* "function($x) { body }": the parameters are the call's arguments. */
static int lambda_body(struct parser *p, struct jn *n)
{
	for (int i = 0; i < n->nkids; i++)
		if (n->kids[i]->type != JN_VAR)
			return jn_error(p->err, "S0208", n->kids[i]->pos,
					"Parameter %d of function definition must be a variable name (start with $)",
					i + 1);
	if (is_op(&p->node, "<"))
		return jn_error(p->err, "K0001", lex_column(p->lx.src, p->node.start),
				"a function signature at column %d is outside the kuma-push JSONata subset",
				lex_column(p->lx.src, p->node.start));
	n->type = JN_LAMBDA;
	if (parse_advance(p, "{", false) != 0 || parse_expr(p, 0, &n->callee) != 0)
		return -1;
	return parse_advance(p, "}", false);
}

static int led_call(struct parser *p, const struct token *t, struct jn *left,
		    struct jn **out)
{
	struct jn *n = parse_node(p, JN_CALL, t->pos);

	if (n == NULL)
		return parse_oom(p);
	n->callee = left;
	n->start = left->start;
	if (!is_op(&p->node, ")")) {
		for (;;) {
			if (is_op(&p->node, "?")) {
				lex_outside(&p->lx, p->node.start, "partial application \"?\"");
				n->type = JN_OUTSIDE;
				if (parse_advance(p, "?", false) != 0)
					return -1;
			} else if (expr_into(p, 0, n) != 0) {
				return -1;
			}
			if (!is_op(&p->node, ","))
				break;
			if (parse_advance(p, ",", false) != 0)
				return -1;
		}
	}
	if (parse_advance(p, ")", true) != 0)
		return -1;
	if (left->type == JN_NAME && (!strcmp(left->str, "function") ||
				      !strcmp(left->str, "\xce\xbb")) &&
	    lambda_body(p, n) != 0)
		return -1;
	*out = n;
	return 0;
}

static const struct {
	const char *id;
	int op;
} BINARY_OPS[] = {
	{ "=", OP_EQ }, { "!=", OP_NE }, { "<", OP_LT }, { "<=", OP_LE },
	{ ">", OP_GT }, { ">=", OP_GE }, { "in", OP_IN }, { "and", OP_AND },
	{ "or", OP_OR }, { "+", OP_ADD }, { "-", OP_SUB }, { "*", OP_MUL },
	{ "/", OP_DIV }, { "%", OP_MOD }, { "&", OP_CONCAT }
};

static const char *outside_infix(const char *id)
{
	static const struct {
		const char *id, *what;
	} table[] = {
		{ "@", "a focus variable binding \"@\"" },
		{ "#", "an index variable binding \"#\"" },
		{ "^", "order-by \"^(...)\"" }
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (!strcmp(table[i].id, id))
			return table[i].what;
	return NULL;
}

/* The operand syntax of the operators outside the subset. */
static int led_outside(struct parser *p, const struct token *t, struct jn *left,
		       struct jn *n)
{
	const char *id = t->id;

	if (parse_push(p, &n->kids, &n->nkids, left) != 0)
		return -1;
	if (!strcmp(id, "^")) {
		if (parse_advance(p, "(", false) != 0)
			return -1;
		for (;;) {
			if ((is_op(&p->node, "<") || is_op(&p->node, ">")) &&
			    parse_advance(p, p->node.id, false) != 0)
				return -1;
			if (expr_into(p, 0, n) != 0)
				return -1;
			if (!is_op(&p->node, ","))
				break;
			if (parse_advance(p, ",", false) != 0)
				return -1;
		}
		return parse_advance(p, ")", false);
	}
	if (expr_into(p, lbp(t), n) != 0)
		return -1;
	if ((!strcmp(id, "@") || !strcmp(id, "#")) && n->kids[1]->type != JN_VAR)
		return jn_error(p->err, "S0214", n->kids[1]->pos,
				"The right side of %s must be a variable name (start with $)", id);
	return 0;
}

/* "c ? a : b", "a ?: b", "a ?? b" (conditions), "$v := e", "a ~> f". */
static int led_new(struct parser *p, const struct token *t, struct jn *left,
		   struct jn **out)
{
	const char *id = t->id;
	bool bind = !strcmp(id, ":=");
	struct jn *n = parse_node(p, bind ? JN_BIND : !strcmp(id, "~>") ? JN_APPLY :
				  JN_COND, t->pos);

	if (n == NULL)
		return parse_oom(p);
	n->start = left->start;
	*out = n;
	if (bind) {
		if (left->type != JN_VAR)
			return jn_error(p->err, "S0212", left->pos,
					"The left side of := must be a variable name (start with $)");
		n->str = left->str;
		n->len = left->len;
		return expr_into(p, 9, n);
	}
	if (parse_push(p, &n->kids, &n->nkids, left) != 0)
		return -1;
	if (n->type == JN_APPLY)
		return expr_into(p, lbp(t), n);
	n->op = !strcmp(id, "?") ? 0 : !strcmp(id, "?:") ? 1 : 2; /* ?, elvis, ?? */
	if (expr_into(p, 0, n) != 0)
		return -1;
	if (n->op == 0 && is_op(&p->node, ":") &&
	    (parse_advance(p, ":", false) != 0 || expr_into(p, 0, n) != 0))
		return -1;
	return 0;
}

static int led(struct parser *p, const struct token *t, struct jn *left,
	       struct jn **out)
{
	const char *id = t->id, *what;
	struct jn *n;

	if (!strcmp(id, "("))
		return led_call(p, t, left, out);
	if (!strcmp(id, "?") || !strcmp(id, "?:") || !strcmp(id, "??") ||
	    !strcmp(id, ":=") || !strcmp(id, "~>"))
		return led_new(p, t, left, out);
	if ((what = outside_infix(id)) != NULL) {
		if ((n = outside_node(p, t, what)) == NULL)
			return parse_oom(p);
		*out = n;
		return led_outside(p, t, left, n);
	}
	if (!strcmp(id, "{")) { /* group-by: the object constructor becomes left's group */
		struct jn *obj = parse_node(p, JN_OBJECT, t->pos);

		if ((n = parse_node(p, JN_GROUPBY, t->pos)) == NULL || obj == NULL ||
		    parse_push(p, &n->kids, &n->nkids, left) != 0 ||
		    parse_push(p, &n->kids, &n->nkids, obj) != 0)
			return parse_oom(p);
		n->start = left->start;
		obj->start = t->start;
		*out = n;
		return object_body(p, obj);
	}
	if (!strcmp(id, "[") && is_op(&p->node, "]")) {
		lex_outside(&p->lx, t->start, "the keep-array operator \"[]\"");
		*out = left;
		return parse_advance(p, "]", false);
	}
	n = parse_node(p, !strcmp(id, "[") ? JN_PRED : !strcmp(id, ".") ? JN_DOT : JN_BIN,
		       t->pos);
	if (n == NULL || parse_push(p, &n->kids, &n->nkids, left) != 0)
		return parse_oom(p);
	n->start = left->start;
	for (size_t i = 0; i < sizeof(BINARY_OPS) / sizeof(BINARY_OPS[0]); i++)
		if (!strcmp(BINARY_OPS[i].id, id))
			n->op = BINARY_OPS[i].op;
	if (expr_into(p, n->type == JN_PRED ? 0 : lbp(t), n) != 0)
		return -1;
	if (n->type == JN_PRED && parse_advance(p, "]", true) != 0)
		return -1;
	*out = n;
	return 0;
}

/*
 * Every later pass and the evaluator recurse over the tree, so its height
 * is bounded, not only the parser's own recursion: "a=a=a=..." and
 * "a.b.c..." build deep trees in a loop.
 */
static int set_height(struct parser *p, struct jn *n)
{
	int h = n->callee != NULL ? n->callee->height : 0;

	for (int i = 0; i < n->nkids; i++)
		if (n->kids[i]->height > h)
			h = n->kids[i]->height;
	n->height = h + 1;
	if (n->height > JN_MAX_PARSE_DEPTH)
		return jn_error(p->err, "K0002", n->pos,
				"expression nested deeper than %d levels", JN_MAX_PARSE_DEPTH);
	return 0;
}

/* Pratt's expression(rbp). */
int parse_expr(struct parser *p, int rbp, struct jn **out)
{
	struct token t;
	struct jn *left = NULL;
	int rc = -1;

	if (++p->depth > JN_MAX_PARSE_DEPTH) {
		jn_error(p->err, "K0002", p->node.pos,
			 "expression nested deeper than %d levels", JN_MAX_PARSE_DEPTH);
		goto out;
	}
	t = p->node;
	if (parse_advance(p, NULL, true) != 0 || nud(p, &t, &left) != 0 ||
	    set_height(p, left) != 0)
		goto out;
	while (rbp < lbp(&p->node)) {
		t = p->node;
		if (parse_advance(p, NULL, false) != 0 || led(p, &t, left, &left) != 0 ||
		    set_height(p, left) != 0)
			goto out;
	}
	*out = left;
	rc = 0;
out:
	p->depth--;
	return rc;
}
