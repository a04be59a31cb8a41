/* SPDX-License-Identifier: MIT */
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
#define JN_MAX_EVAL_DEPTH 3000           /* nested evaluations (lambda recursion) */
#define JN_MAX_RANGE 10000000            /* jsonata's D2014 limit on [a..b] */

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
/*
 * Grows the last allocation p (of size bytes) by more bytes where it lies,
 * when the block has room: an array that grows at the top moves no data
 * and leaves no old copy behind. False: allocate and copy instead.
 */
bool arena_extend(struct arena *a, void *p, size_t size, size_t more);
/*
 * Doubles an array of len items of elem bytes (8 at least): in place when
 * arena_extend can, else a copy. The array (moved or not), with *cap
 * updated; NULL, with nothing changed, when the arena is out of room.
 */
void *arena_grow_array(struct arena *a, void *items, size_t len, size_t *cap,
		       size_t elem);
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
	JN_COND,   /* "c ? a : b"; kids[0..2] (kids[2] may be absent) */
	JN_BIND,   /* "$v := e"; str = name, kids[0] = e */
	JN_LAMBDA, /* "function($a, $b) { body }"; kids = params (JN_VAR), callee = body */
	JN_APPLY,  /* "a ~> f"; kids[0], kids[1] */
	JN_REGEX,  /* "/.../flags"; regex */
	JN_VARREF, /* "$name" as a value (not "$" or "$$") */
	JN_OBJECT, /* "{ k: v, ... }"; kids = k0, v0, k1, v1, ... (also a node's group) */
	/* Only in the parser's raw tree, gone after jsonata's post-parse pass: */
	JN_DOT,    /* "a . b"; kids[0], kids[1] */
	JN_PRED,   /* "a [ p ]"; kids[0], kids[1] */
	JN_VAR,    /* "$name"; str (callee only) */
	JN_END,    /* end of input where an operand was needed (S0207) */
	JN_GROUPBY, /* "a { ... }"; kids[0] = a, kids[1] = JN_OBJECT (becomes a's group) */
	JN_OUTSIDE /* parsed like jsonata does, but outside the subset (K0001) */
};

enum jn_op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_IN, OP_AND, OP_OR,
	     OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_CONCAT, OP_RANGE };

/* Built-in functions: indexes into the table of jsonata_builtin.c. */
enum jn_fn {
	FN_NONE = 0, /* not a built-in: T1005/T1006 at run time */
	FN_SUM, FN_COUNT, FN_MAX, FN_MIN, FN_AVERAGE, FN_STRING, FN_SUBSTRING,
	FN_SUBSTRING_BEFORE, FN_SUBSTRING_AFTER, FN_LOWERCASE, FN_UPPERCASE,
	FN_LENGTH, FN_TRIM, FN_PAD, FN_MATCH, FN_CONTAINS, FN_REPLACE, FN_SPLIT,
	FN_JOIN, FN_NUMBER, FN_FLOOR, FN_CEIL, FN_ROUND, FN_ABS, FN_SQRT,
	FN_POWER, FN_BOOLEAN, FN_NOT, FN_MAP, FN_ZIP, FN_FILTER, FN_SINGLE,
	FN_REDUCE, FN_SIFT, FN_KEYS, FN_LOOKUP, FN_APPEND, FN_EXISTS, FN_SPREAD,
	FN_MERGE, FN_REVERSE, FN_EACH, FN_TYPE, FN_SORT, FN_DISTINCT,
	FN_TOMILLIS, FN_FROMMILLIS, FN_NOW, FN_MILLIS,
	FN_COUNT_ALL
};

struct jn_builtin {
	const char *name;
	const char *signature; /* jsonata's, e.g. "<s-nn?:s>" */
	int arity;             /* the JavaScript implementation's length */
};
extern const struct jn_builtin JN_BUILTINS[FN_COUNT_ALL];
/* The built-in named name (without "$"), FN_NONE if none. */
int jn_builtin_find(const char *name, size_t len);

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
	struct jn *callee;  /* JN_CALL: the procedure expression; JN_LAMBDA: body */
	const char *fname;  /* JN_CALL: name for messages ("count") */
	bool cons;          /* an array constructor that is a first or last path step */
	struct jn *group;   /* group-by "a{...}": a JN_OBJECT applied to the node's result */
	struct jn_regex *regex; /* JN_REGEX */
};

/* jsonata_regex.c: a compiled regular expression literal. */
struct jn_regex;
struct ev;
int jn_regex_compile(const char *src, size_t len, const char *flags,
		     struct jn_regex **out, char *why, size_t why_size);
void jn_regex_free(struct jn_regex *re);
void jn_regex_link(struct jn_regex *re, struct jn_regex **list);
struct jn_regex *jn_regex_next(const struct jn_regex *re);
/*
 * The first match at or after UTF-16-free byte offset from in s[0..len):
 * 1 found (m[0] = whole match, m[1..ngroups] groups as byte offsets, -1
 * for a group that did not take part), 0 none, -1 error (K0002 etc.).
 */
struct jn_match {
	long so, eo;
};
int jn_regex_ngroups(const struct jn_regex *re);
/* What POSIX matches exactly as JavaScript does: the matched text, the groups. */
#define JN_RE_EXTENT 1
#define JN_RE_GROUPS 2
int jn_regex_exact(const struct jn_regex *re);
const char *jn_regex_source(const struct jn_regex *re);
/* Once per subject text: K0001 where JavaScript would see UTF-16 halves. */
int jn_regex_check_text(struct ev *e, const struct jn_regex *re, const char *s,
			size_t len);
/* *cur (NULL at first, in the evaluation's arena) remembers the alternatives' matches for one text. */
struct jn_re_cursor;
int jn_regex_exec(struct ev *e, const struct jn_regex *re, struct jn_re_cursor **cur,
		  const char *s, size_t len, size_t from, struct jn_match *m);

struct jsonata_prog {
	char *source;
	struct arena arena; /* every node and string */
	struct jn *root;
	struct jn_regex *regexes; /* compiled literals, freed with the program */
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
	struct jn_regex **regexes; /* the program's list of compiled literals */
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

enum jv_kind { JV_UNDEF = 0, JV_NULL, JV_FALSE, JV_TRUE, JV_NUM, JV_STR, JV_ARR, JV_OBJ,
	       JV_FUNC };

#define JVF_SEQ 0x01    /* a sequence (the evaluator built it) */
#define JVF_OUTER 0x02  /* jsonata's outer wrapper of an array document */
#define JVF_RAW 0x04    /* string bytes are raw JSON that needs json_decode */
#define JVF_CONS 0x08   /* an array built by a path step's constructor: not flattened */

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
		struct jobj *obj; /* built objects (node == -1) */
		struct jfn *fn;   /* JV_FUNC */
	} u;
};

/* Object members as JavaScript sees them: distinct keys, V8 key order. */
struct jmember {
	const char *key;
	size_t key_len;
	uint32_t sig; /* length and end bytes, for quick comparison */
	int value;    /* node (document objects), or -1 */
	struct jv val; /* the value (filled by jv_members_of) */
};

/* A built object ($merge, $spread, $sift): distinct keys in insertion order. */
struct jobj {
	size_t len, cap;
	struct jmember *m;
};

/* Variables: one frame per block or lambda call, bindings newest first. */
struct jbind {
	struct jbind *next;
	const char *name;
	size_t len;
	struct jv v;
};
struct jenv {
	const struct jenv *parent;
	struct jbind *head;
};

/* A function value: a built-in, a lambda with its closure, or a regex. */
struct jfn {
	int builtin;               /* enum jn_fn; FN_NONE for the others */
	const struct jn *lambda;   /* JN_LAMBDA */
	const struct jenv *env;    /* the lambda's closure */
	struct jv input;           /* the context where the lambda was made */
	const struct jn_regex *regex;
};

struct ev {
	const struct json_doc *doc;
	struct arena arena;
	struct jv input; /* the context: the document, or its outer wrapper */
	struct jv root;  /* "$$" */
	unsigned long steps; /* bounded by JN_MAX_STEPS (K0002) */
	struct jsonata_err *err;
	const struct jenv *env; /* the current frame (saved and restored around calls) */
	unsigned long binds;    /* bindings made: a predicate's temporaries stay */
	int depth;              /* nested ev_eval calls */
	double now_ms;          /* $now() and $millis(): fixed per evaluation */
	/* The evaluator's entry, for the path walker below it. */
	int (*eval)(struct ev *e, const struct jn *n, const struct jv *in, struct jv *out);
	/* Applies a function value (set by the evaluator; used by the higher-order functions). */
	int (*apply)(struct ev *e, const struct jv *fn, const struct jv *args,
		     int nargs, const struct jv *ctx, struct jv *out);
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

int jv_members(struct ev *e, int object, struct jmember **out, size_t *n);
int jv_lookup_key(struct ev *e, int object, const char *key, size_t len);

/* ---- built values (jsonata_obj.c) ---- */

/* Members (with val filled) of a document or built object. */
int jv_members_of(struct ev *e, const struct jv *obj, struct jmember **out,
		  size_t *n);
size_t jv_obj_size(const struct ev *e, const struct jv *obj); /* keys as written */
/* obj[key]: JV_UNDEF when absent; -1 on OOM. */
int jv_obj_get(struct ev *e, const struct jv *obj, const char *key, size_t len,
	       struct jv *out);
struct jobj *jobj_new(struct ev *e);
/* obj[key] = v (a new key goes last, an old one keeps its place). */
int jobj_set(struct ev *e, struct jobj *o, const char *key, size_t len,
	     const struct jv *v);
struct jv jv_obj(struct jobj *o);
struct jv jv_strn(const char *p, size_t len); /* borrows p */
/* A string value of a copy of p[0..len) in the arena. */
int jv_str_copy(struct ev *e, const char *p, size_t len, struct jv *out);
struct jv jv_func(struct jfn *fn);
/* A new function value for built-in fn. */
int jv_builtin(struct ev *e, int fn, struct jv *out);

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
/* $string(v): strings as they are, other values as JSON (undefined stays). */
int jv_string_of(struct ev *e, int pos, const struct jv *v, struct jv *out);
/* JSON.stringify of a string (quotes and escapes). */
enum kp_status jn_write_json_string(struct buf *out, const char *s, size_t len);

/* ---- operators on values (jsonata_ops.c) ---- */

int ev_tick(struct ev *e); /* one evaluation step; K0002 past JN_MAX_STEPS */
/* l op r for the operators other than and/or; pos for errors. */
int op_binary(struct ev *e, int op, int pos, const struct jv *l,
	      const struct jv *r, struct jv *out);
int op_negate(struct ev *e, int pos, const struct jv *v, struct jv *out);
/* JavaScript ===: scalars by value, containers and functions by identity. */
bool jv_strict_equal(struct ev *e, const struct jv *a, const struct jv *b);
/* fn.append(a, b): the sequence rules of jsonata's $append. */
int jv_append(struct ev *e, const struct jv *a, const struct jv *b, struct jv *out);

/* ---- built-in functions (jsonata_sig.c, jsonata_fn_*.c, jsonata_builtin.c) ---- */

/* The signature symbol of v: s n b l a o f m. */
char jv_symbol(const struct jv *v);
/* jsonata's signature.validate: args -> valid (room for 8). -1 with T0410/T0411/T0412. */
int sig_validate(struct ev *e, int fn, int pos, const struct jv *args, int nargs,
		 const struct jv *ctx, struct jv *valid, int *nvalid);
/* Validates and applies built-in fn. */
int fn_invoke(struct ev *e, int fn, int pos, const struct jv *args, int nargs,
	      const struct jv *ctx, struct jv *out);
/* The arity a higher-order function sees (JavaScript's Function#length). */
int jv_func_arity(const struct jv *fn);
/* Each group's implementation: a[] are validated arguments (see JN_BUILTINS). */
int fn_apply_num(struct ev *e, int fn, int pos, const struct jv *a, int n, struct jv *out);
int fn_apply_str(struct ev *e, int fn, int pos, const struct jv *a, int n, struct jv *out);
int fn_apply_arr(struct ev *e, int fn, int pos, const struct jv *a, int n, struct jv *out);
int fn_apply_hof(struct ev *e, int fn, int pos, const struct jv *a, int n, struct jv *out);
int fn_apply_regex(struct ev *e, int fn, int pos, const struct jv *a, int n, struct jv *out);
int fn_apply_time(struct ev *e, int fn, int pos, const struct jv *a, int n, struct jv *out);
/* jsonata's boolean() as a value (undefined stays undefined). */
int fn_boolean_of(struct ev *e, const struct jv *v, struct jv *out);

/* ---- evaluation (jsonata_path.c, jsonata_eval.c) ---- */

int ev_eval(struct ev *e, const struct jn *n, const struct jv *in, struct jv *out);
int ev_path(struct ev *e, const struct jn *n, const struct jv *in, struct jv *out);
int ev_lookup(struct ev *e, const struct jv *v, const struct jn *name, struct jv *out);
int ev_wildcard(struct ev *e, const struct jv *in, struct jv *out);
int ev_filter(struct ev *e, const struct jn *pred, const struct jv *v, struct jv *out);
int ev_seq_of(struct ev *e, const struct jv *v, struct jv *out);
/* jsonata's evaluateGroupExpression: the object constructor obj over in (jsonata_group.c). */
int ev_group(struct ev *e, const struct jn *obj, const struct jv *in, struct jv *out);
int ev_begin(struct ev *e, const struct json_doc *doc, struct jsonata_err *err);
void ev_end(struct ev *e);
int ev_run(struct ev *e, const struct jsonata_prog *prog, struct jv *out);
double ev_clock_ms(void); /* the wall clock, milliseconds since 1970 (jsonata_time.c) */

/* $number(v) (jsonata_num.c). */
int jn_number(struct ev *e, int pos, const struct jv *v, struct jv *out);

/*
 * A value for an error message: JSON.stringify(v), cut at 512 bytes.
 * Returns -1 with K0003 in e->err when memory ran out (never a shorter text).
 */
int jv_describe(struct ev *e, const struct jv *v, char *out, size_t size);

#endif
