/*
 * jsonata_int.h: internals shared by the jsonata_*.c files: the arena, the
 * syntax tree, the value model and the evaluation context. Not for other
 * modules: they use jsonata.h.
 */
#ifndef KP_JSONATA_INT_H
#define KP_JSONATA_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "json.h"
#include "jsonata.h"

/* Bounds. */
#define JN_MAX_PARSE_DEPTH 200           /* nesting of the expression */
#define JN_MAX_STEPS 100000000UL         /* evaluation steps per run (~1 s) */
#define JN_MAX_ARENA (512u * 1024 * 1024) /* bytes of temporaries per run */

/* ---- arena (jsonata_arena.c) ---- */

struct arena_blk;
struct arena {
	struct arena_blk *first, *cur;
	size_t total;  /* bytes of blocks allocated */
	size_t limit;  /* total may not pass this */
	bool over;     /* the last failure was the limit, not malloc */
};
struct arena_mark {
	struct arena_blk *blk;
	size_t used;
};

void arena_init(struct arena *a, size_t limit);
void *arena_alloc(struct arena *a, size_t size);
struct arena_mark arena_mark(const struct arena *a);
void arena_release(struct arena *a, struct arena_mark m);
void arena_free(struct arena *a);

/* ---- syntax tree (jsonata_parse.c, jsonata_ast.c) ---- */

enum jn_type {
	JN_PATH,   /* kids = steps */
	JN_NAME,   /* field lookup; str */
	JN_WILD,   /* "*" */
	JN_CTX,    /* "$" */
	JN_ROOT,   /* "$$" */
	JN_STR,    /* literal; str (UTF-8, lone surrogates as WTF-8) */
	JN_NUM,    /* literal; num */
	JN_TRUE,
	JN_FALSE,
	JN_NULL,
	JN_BLOCK,  /* "( e )"; kids[0] */
	JN_ARRAY,  /* "[ e, ... ]"; kids = items */
	JN_NEG,    /* unary minus; kids[0] */
	JN_BIN,    /* op; kids[0], kids[1] */
	JN_CALL,   /* fn; kids = args; callee */
	/* Only in the parser's raw tree, gone after jsonata's post-parse pass: */
	JN_DOT,    /* "a . b"; kids[0], kids[1] */
	JN_PRED,   /* "a [ p ]"; kids[0], kids[1] */
	JN_VAR,    /* "$name"; str (callee only) */
	JN_END,    /* end of input where an operand was needed (S0207) */
	JN_OUTSIDE /* parsed like jsonata does, but outside the subset (K0001) */
};

enum jn_op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_IN, OP_AND, OP_OR };

enum jn_fn {
	FN_NONE = 0, /* not a built-in: T1005/T1006 at run time */
	FN_COUNT, FN_EXISTS, FN_LENGTH, FN_NOT, FN_BOOLEAN, FN_CONTAINS,
	FN_STRING, FN_SUM, FN_NUMBER
};

struct jn {
	enum jn_type type;
	int op;            /* enum jn_op, or enum jn_fn for JN_CALL */
	int pos;           /* jsonata's error position (end of token) */
	size_t start;      /* byte offset where the construct starts */
	int height;        /* of the raw tree below (bounds every recursion) */
	double num;
	const char *str;   /* names and string literals */
	size_t len;
	struct jn **kids;
	int nkids;
	struct jn **preds;  /* predicates applied inside evaluate() */
	int npreds;
	struct jn **stages; /* predicates of a path step, after normalising */
	int nstages;
	struct jn *callee;  /* JN_CALL: the procedure expression */
	const char *fname;  /* JN_CALL: name for messages ("count") */
};

struct jsonata_prog {
	char *source;
	struct arena arena; /* every node and string */
	struct jn *root;
};

/* Lexer (jsonata_lex.c). */
enum tk { TK_END, TK_NAME, TK_VAR, TK_STR, TK_NUM, TK_VALUE, TK_OP, TK_REGEX };

struct token {
	enum tk kind;
	const char *id;   /* TK_OP: the operator text ("=", "and", "("); TK_VALUE: "true"/"false"/"null" */
	char *str;        /* TK_NAME/TK_VAR/TK_STR value (arena) */
	size_t len;
	double num;
	size_t start;     /* byte offset of the token */
	int pos;          /* jsonata position: UTF-16 offset just after it */
};

struct lexer {
	const char *src;
	size_t len;
	size_t at;            /* byte offset */
	struct arena *arena;
	struct jsonata_err *err;
	/*
	 * The first construct outside the subset. jsonata's own syntax errors
	 * take precedence, so K0001 is reported only after a complete parse.
	 */
	const char *outside_what;
	size_t outside_at;
};

/* Records a construct outside the subset (the leftmost one is reported). */
void lex_outside(struct lexer *lx, size_t byte_off, const char *what);

struct parser {
	struct lexer lx;
	struct token node; /* jsonata's "node": the current token */
	struct arena *arena;
	struct jsonata_err *err;
	int depth;
};

/* jsonata_parse.c: the Pratt parser; jsonata_ast.c: its post-parse pass. */
int parse_expr(struct parser *p, int rbp, struct jn **out);
int parse_advance(struct parser *p, const char *id, bool prefix_mode);
int parse_syntax_tail(struct parser *p); /* S0201 unless at the end */
int ast_process(struct parser *p, struct jn *n, struct jn **out);
int ast_subset(struct parser *p, struct jn *n);
struct jn *parse_node(struct parser *p, enum jn_type type, int pos);
int parse_push(struct parser *p, struct jn ***list, int *n, struct jn *kid);
int parse_oom(struct parser *p);

/* Reads the next token; prefix_mode: an operator may follow (no regex). */
int lex_next(struct lexer *lx, bool prefix_mode, struct token *tok);
int lex_pos(const char *src, size_t byte_off); /* UTF-16 offset */
int lex_column(const char *src, size_t byte_off); /* 1-based column */

/* One of jsonata's built-in function names ("max", "count")? */
bool jn_is_jsonata_function(const char *name);

/* Sets err; returns -1. */
int jn_error(struct jsonata_err *err, const char *code, int pos,
	     const char *fmt, ...) KP_PRINTF(4, 5);

/* ---- values (jsonata_value.c) ---- */

enum jv_kind { JV_UNDEF = 0, JV_NULL, JV_FALSE, JV_TRUE, JV_NUM, JV_STR, JV_ARR, JV_OBJ };

#define JVF_SEQ 0x01    /* a sequence (the evaluator built it) */
#define JVF_OUTER 0x02  /* jsonata's outer wrapper of an array document */
#define JVF_RAW 0x04    /* string bytes are raw JSON that needs json_decode */

struct jarr {
	size_t len, cap;
	struct jv *items;
};

struct jv {
	unsigned char kind;  /* enum jv_kind */
	unsigned char flags; /* JVF_* */
	int node;            /* document node, or -1 */
	union {
		double num;
		struct {
			const char *p;
			size_t len;
		} s;
		struct jarr *arr; /* built arrays (node == -1) */
	} u;
};

struct ev {
	const struct json_doc *doc;
	struct arena arena;
	struct jv input; /* the context: the document, or its outer wrapper */
	struct jv root;  /* "$$" */
	unsigned long steps; /* bounded by JN_MAX_STEPS (K0002) */
	struct jsonata_err *err;
};

extern const struct jv JV_UNDEFINED;

int ev_oom(struct ev *e);
struct jv jv_num(double n);
struct jv jv_bool(bool b);
struct jv jv_node(const struct ev *e, int node);
bool jv_is_seq(const struct jv *v);
size_t jv_len(const struct ev *e, const struct jv *v);

/* Iterates the members of an array value (built or from the document). */
struct jv_it {
	const struct jv *arr;
	size_t i;
	int node;
};
void jv_it_init(const struct ev *e, struct jv_it *it, const struct jv *arr);
bool jv_it_next(const struct ev *e, struct jv_it *it, struct jv *out);
bool jv_at(const struct ev *e, const struct jv *arr, size_t i, struct jv *out);

/* Array builders in the arena. */
struct jarr *jarr_new(struct ev *e, size_t cap);
int jarr_push(struct ev *e, struct jarr *a, const struct jv *v);
int jarr_splice(struct ev *e, struct jarr *a, const struct jv *arr);
struct jv jv_arr(struct jarr *a, unsigned char flags);

/* A string value's decoded bytes (WTF-8); -1 on OOM. */
int jv_str(struct ev *e, const struct jv *v, const char **p, size_t *len);

/* Object members as JavaScript sees them: distinct keys, V8 key order. */
struct jmember {
	const char *key;
	size_t key_len;
	uint32_t sig; /* length and end bytes, for quick comparison */
	int value;    /* node */
};
int jv_members(struct ev *e, int object, struct jmember **out, size_t *n);
int jv_lookup_key(struct ev *e, int object, const char *key, size_t len);

/* jsonata semantics. */
int jv_numeric(struct ev *e, const struct jv *v, bool *is_num); /* isNumeric (D1001) */
int jv_boolean(struct ev *e, const struct jv *v, int *out); /* -1 err; *out 0/1, 2 undefined */
int jv_deep_equal(struct ev *e, const struct jv *a, const struct jv *b, bool *eq);
int jv_str_cmp(struct ev *e, const struct jv *a, const struct jv *b, int *cmp);

/* ---- output (jsonata_fmt.c) ---- */

/* JavaScript Number#toString into out (at least 32 bytes); returns length. */
size_t jn_fmt_number(double n, char *out);
/* JSON.stringify of v; round15: $string's rounding of non-integers. */
int jv_stringify(struct ev *e, const struct jv *v, bool round15, struct buf *out);
/* JSON.stringify of a string (quotes and escapes). */
enum kp_status jn_write_json_string(struct buf *out, const char *s, size_t len);

/* ---- evaluation (jsonata_eval.c, jsonata_ops.c, jsonata_func.c) ---- */

int ev_eval(struct ev *e, const struct jn *n, const struct jv *in, struct jv *out);
int ev_tick(struct ev *e); /* one evaluation step; K0002 past JN_MAX_STEPS */
int ev_binary(struct ev *e, const struct jn *n, const struct jv *in, struct jv *out);
int ev_negate(struct ev *e, const struct jn *n, const struct jv *in, struct jv *out);
int ev_call(struct ev *e, const struct jn *n, const struct jv *in, struct jv *out);
int ev_begin(struct ev *e, const struct json_doc *doc, struct jsonata_err *err);
void ev_end(struct ev *e);
int ev_run(struct ev *e, const struct jsonata_prog *prog, struct jv *out);

/* $number(v) (jsonata_num.c). */
int jn_number(struct ev *e, const struct jn *n, const struct jv *v, struct jv *out);

/*
 * A value for an error message: JSON.stringify(v), cut at 512 bytes.
 * Returns -1 with K0003 in e->err when memory ran out (never a shorter text).
 */
int jv_describe(struct ev *e, const struct jv *v, char *out, size_t size);

#endif
