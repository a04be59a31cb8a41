/* SPDX-License-Identifier: MIT */
/*
 * jsonata.h: the query engine's one public header: compile an expression
 * (jsonata_compile), evaluate it (jsonata_eval_to_json), judge the result
 * as Uptime Kuma does (jsonata_kuma_check, jsonata_kuma1_check), free it
 * (jsonata_free). The subset (src/query/SUBSET.md) is evaluated on
 * validated JSON documents exactly as jsonata-js 2.1.1 does. Everything
 * else in src/query is internal (jsonata_int.h), layered bottom-up:
 * err, arena < lex < parse < ast (compile); value < obj < truth < fmt <
 * num < ops < sig < fn_* < builtin < path < eval < run, kuma (evaluate).
 */
#ifndef KP_JSONATA_H
#define KP_JSONATA_H

#include <stdbool.h>

#include "buf.h"
#include "err.h"
#include "json.h"

/*
 * A jsonata failure: code is jsonata's ("S0202", "T2010", "D3030") or ours
 * ("K0001": outside the subset; "K0002": an evaluation limit was hit;
 * "K0003": out of memory). position is a 1-based column in the
 * expression, 0 when unknown. msg does not repeat the code; a K0001 msg
 * names the construct and its column ("... at column 9 is outside ...").
 */
struct jsonata_err {
	char code[8];
	int position;
	char msg[200];
};

struct jsonata_prog; /* opaque, immutable once compiled; safe to share */

/* Compiles expr. Returns NULL and fills err on failure (or OOM: K0003). */
struct jsonata_prog *jsonata_compile(const char *expr, struct jsonata_err *err);
void jsonata_free(struct jsonata_prog *prog);

/* The expression text the program was compiled from. */
const char *jsonata_source(const struct jsonata_prog *prog);

/*
 * Evaluates prog on doc and appends the result to out as one line of text
 * without newline: compact JSON as JSON.stringify prints it, or the word
 * "undefined". Returns 0, or -1 with err filled.
 */
int jsonata_eval_to_json(const struct jsonata_prog *prog,
			 const struct json_doc *doc, struct buf *out,
			 struct jsonata_err *err);

/* Uptime Kuma's json-query conditions. */
enum jsonata_op {
	JSONATA_OP_EQ = 0, /* "==" */
	JSONATA_OP_NE,     /* "!=" */
	JSONATA_OP_LT,     /* "<" */
	JSONATA_OP_LE,     /* "<=" */
	JSONATA_OP_GT,     /* ">" */
	JSONATA_OP_GE,     /* ">=" */
	JSONATA_OP_CONTAINS /* "contains" */
};

/* Parses "==", "!=", "<", "<=", ">", ">=", "contains". False if unknown. */
bool jsonata_op_parse(const char *text, enum jsonata_op *op);
const char *jsonata_op_name(enum jsonata_op op);

/*
 * Mirrors Kuma's evaluateJsonQuery: evaluates prog on doc, converts the
 * result with JavaScript's toString() and compares it to expected by op.
 * Returns 0 with *pass set; *pass false fills reason->msg with why, in
 * Kuma's words ("JSON query does not pass (comparing false == true)",
 * "JSON query returned the array [...], but a primitive value is required").
 * value (may be NULL) receives the toString() text of the result, truncated.
 * Returns -1 only on OOM (reason->status KP_ENOMEM); evaluation errors are
 * a failed check: *pass false and reason->msg "Error evaluating JSON query:
 * <message>".
 */
int jsonata_kuma_check(const struct jsonata_prog *prog,
		       const struct json_doc *doc, const char *expected,
		       enum jsonata_op op, bool *pass, char *value,
		       size_t value_size, struct kp_err *reason);

/*
 * Uptime Kuma 1.23's rule: String(result) === expected, no operator. An
 * array joins its members with commas, an object is "[object Object]",
 * undefined and null fail ("JSON query result is undefined"); nothing
 * else is refused. Returns and fills *pass, value and reason as
 * jsonata_kuma_check does ("JSON query does not pass (comparing a,b ===
 * true)"); -1 only on OOM.
 */
int jsonata_kuma1_check(const struct jsonata_prog *prog,
			const struct json_doc *doc, const char *expected,
			bool *pass, char *value, size_t value_size,
			struct kp_err *reason);

#endif
