/* SPDX-License-Identifier: MIT */
/*
 * json.h: validated JSON documents on compact tokens (jsmn finds them; its
 * only user is json_parse.c). A document borrows the text it was parsed
 * from: keep the text alive and unchanged until json_free.
 */
#ifndef KP_JSON_H
#define KP_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

enum json_type {
	JSON_NONE = 0, /* "no such node" (an absent key, an index out of range) */
	JSON_OBJECT,
	JSON_ARRAY,
	JSON_STRING,
	JSON_NUMBER,
	JSON_TRUE,
	JSON_FALSE,
	JSON_NULL
};

#define JSON_MAX_DEPTH 512         /* nesting levels */
#define JSON_MAX_TOKENS 16000000   /* jsmn offsets are int; bounds memory */

struct json_doc; /* opaque */

/*
 * Tokenizes text[0..len) with jsmn and validates it in the same pass
 * (RFC 8259: pairs, primitives, commas, strings' escapes and UTF-8 flags,
 * one top value, depth), in time and memory linear in len for every shape.
 * On failure returns -1 with err->status KP_EINVAL and err->msg exactly
 * "invalid JSON at byte N" (N zero-based), or KP_ELIMIT ("JSON nested
 * deeper than 512 levels", found at the 513th open bracket; too many
 * tokens; a string over 128 MiB), or KP_ENOMEM.
 */
int json_parse(const char *text, size_t len, struct json_doc **out,
	       struct kp_err *err);
void json_free(struct json_doc *doc);

/* Nodes are token indexes; the root is 0. -1 means "none" everywhere. */
enum json_type json_type(const struct json_doc *doc, int node);

/* Members of an array, or values of an object. */
size_t json_count(const struct json_doc *doc, int node);

/* Object member by key (compared after unescaping; the last duplicate wins). */
int json_get(const struct json_doc *doc, int object, const char *key);

/*
 * The value node of the object's member named key[0..len) (UTF-8; keys
 * with escapes compared decoded, a lone surrogate as its 3-byte form when
 * lone_as_wtf8, else U+FFFD), the last duplicate winning, in one walk over
 * the keys: -1 when absent or not an object, -2 when out of memory.
 */
int json_lookup(const struct json_doc *doc, int object, const char *key, size_t len,
		bool lone_as_wtf8);

/* Array member by index. */
int json_at(const struct json_doc *doc, int array, size_t index);

/*
 * A string node's value, unescaped to UTF-8 (\uXXXX and surrogate pairs
 * decoded; a lone surrogate becomes U+FFFD). Returns a malloc'd string the
 * caller frees, or NULL when the node is not a string or on OOM.
 */
char *json_string(const struct json_doc *doc, int node);

/* A number node's value as JSON.parse gives it. False if not a number. */
bool json_number(const struct json_doc *doc, int node, double *out);

/*
 * True when every number of the document is finite as a double (none has
 * an exponent or hundreds of digits): a reader that must reject infinite
 * numbers may then skip looking.
 */
bool json_finite(const struct json_doc *doc);

/*
 * Fast traversal for the evaluator, O(1) per step. json_size: members of an
 * array or keys of an object as written (duplicates included). json_first:
 * the first member of an array or first key of an object (-1 when empty);
 * json_next: the following member or key of the same container (-1 after
 * the last). The value of an object key k is node k + 1.
 */
size_t json_size(const struct json_doc *doc, int node);
int json_first(const struct json_doc *doc, int node);
int json_next(const struct json_doc *doc, int node);

/*
 * A string node's bytes between the quotes, as written. *plain is true when
 * they are already the value (no escapes, valid UTF-8); otherwise decode
 * them with json_decode. NULL when the node is not a string.
 */
const char *json_str_raw(const struct json_doc *doc, int node, size_t *len,
			 bool *plain);

/*
 * Decodes len raw bytes of a validated JSON string into out (room for
 * len * 3 bytes) and returns the decoded length. Invalid UTF-8 becomes
 * U+FFFD as a WHATWG decoder does; a lone surrogate escape becomes U+FFFD,
 * or with lone_as_wtf8 its 3-byte generalized UTF-8 form (so that it can
 * be kept as JavaScript keeps it).
 */
size_t json_decode(const char *raw, size_t len, char *out, bool lone_as_wtf8);

/*
 * The value of a JSON number text p[0..len) as JSON.parse gives it (an IEEE
 * double, correctly rounded, whatever LC_NUMERIC says). The text must match
 * the JSON number grammar.
 */
double json_parse_number(const char *p, size_t len);

/*
 * One call for a node's type and text: a string's bytes between the quotes
 * (*plain as for json_str_raw), a number's or literal's text; NULL and 0
 * for a container. JSON_NONE and NULL for a bad node.
 */
enum json_type json_token(const struct json_doc *doc, int node, const char **text,
			  size_t *len, bool *plain);

#endif
