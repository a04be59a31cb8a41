/* SPDX-License-Identifier: MIT */
/*
 * fuzz_query.c: JSON parsing and JSONata evaluation, with both the
 * expression and the document fuzzed. Input: EXPR, then a NUL or a
 * newline (the first of either), then DOC (which may hold newlines).
 * Invariants: errors carry a code and a message; a result is one line;
 * Kuma's check passes with "== true" exactly when the result is true or
 * "true"; evaluating twice gives the same text.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "buf.h"
#include "json.h"
#include "jsonata.h"

#define OUT_MAX (4 * 1024 * 1024) /* bytes of a printed result */

static void check_jerr(const struct jsonata_err *jerr)
{
	FUZZ_CHECK(memchr(jerr->code, '\0', sizeof(jerr->code)) != NULL);
	FUZZ_CHECK(strlen(jerr->code) == 5);
	FUZZ_CHECK(memchr(jerr->msg, '\0', sizeof(jerr->msg)) != NULL);
	FUZZ_CHECK(jerr->msg[0] != '\0');
	FUZZ_CHECK(jerr->position >= 0);
	/* Resource failures cannot happen here: no limits are this small. */
	FUZZ_CHECK(strcmp(jerr->code, "K0003") != 0);
}

static void check_reason(const struct kp_err *reason, size_t value_size,
			 const char *value)
{
	FUZZ_CHECK(memchr(reason->msg, '\0', sizeof(reason->msg)) != NULL);
	FUZZ_CHECK(reason->msg[0] != '\0');
	FUZZ_CHECK(memchr(value, '\0', value_size) != NULL);
}

/*
 * Whether two evaluations must give the same text: not when the clock is
 * read ($now, $millis), since a millisecond may pass between them.
 */
static bool deterministic(const char *expr)
{
	return strstr(expr, "now") == NULL && strstr(expr, "millis") == NULL;
}

static void evaluate(const struct jsonata_prog *prog,
		     const struct json_doc *doc, uint8_t selector)
{
	struct jsonata_err jerr;
	struct kp_err reason = { KP_OK, "" };
	struct buf out, again;
	char value[64];
	bool pass = false, is_true;
	int rc;

	buf_init(&out, OUT_MAX);
	buf_init(&again, OUT_MAX);
	memset(&jerr, 0, sizeof(jerr));
	rc = jsonata_eval_to_json(prog, doc, &out, &jerr);
	if (rc != 0) {
		check_jerr(&jerr);
	} else {
		FUZZ_CHECK(out.len > 0);
		FUZZ_CHECK(strlen(buf_str(&out)) == out.len);
		FUZZ_CHECK(memchr(buf_str(&out), '\n', out.len) == NULL);
		FUZZ_CHECK(jsonata_eval_to_json(prog, doc, &again, &jerr) == 0);
		FUZZ_CHECK(!deterministic(jsonata_source(prog)) ||
			   (again.len == out.len &&
			    memcmp(buf_str(&again), buf_str(&out), out.len) == 0));
	}

	/* The models tier's default: "$query == true". */
	/* value may stay unwritten; if written, it must end inside. */
	memset(value, 'x', sizeof(value));
	value[0] = '\0';
	rc = jsonata_kuma_check(prog, doc, "true", JSONATA_OP_EQ, &pass, value,
				sizeof(value), &reason);
	FUZZ_CHECK(rc == 0);
	FUZZ_CHECK(memchr(value, '\0', sizeof(value)) != NULL);
	is_true = strcmp(buf_str(&out), "true") == 0 ||
		  strcmp(buf_str(&out), "\"true\"") == 0;
	FUZZ_CHECK(pass == is_true);
	if (!pass)
		check_reason(&reason, sizeof(value), value);

	/* Every other condition, against a value the input picks. */
	reason.status = KP_OK;
	reason.msg[0] = '\0';
	rc = jsonata_kuma_check(prog, doc, selector & 0x80 ? "1" : "llama",
				(enum jsonata_op)(selector % 7), &pass, value,
				sizeof(value), &reason);
	FUZZ_CHECK(rc == 0);
	if (!pass)
		check_reason(&reason, sizeof(value), value);
	buf_free(&out);
	buf_free(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jsonata_err jerr;
	struct kp_err err = { KP_OK, "" };
	struct jsonata_prog *prog;
	struct json_doc *doc = NULL;
	size_t split = 0, doc_len;
	char *expr, *text;

	while (split < size && data[split] != '\0' && data[split] != '\n')
		split++;
	expr = malloc(split + 1);
	FUZZ_CHECK(expr != NULL);
	memcpy(expr, data, split);
	expr[split] = '\0';
	/* An exact-size copy, so ASan sees any read past the document. */
	doc_len = split < size ? size - split - 1 : 0;
	text = malloc(doc_len > 0 ? doc_len : 1);
	FUZZ_CHECK(text != NULL);
	if (doc_len > 0)
		memcpy(text, data + split + 1, doc_len);

	memset(&jerr, 0, sizeof(jerr));
	prog = jsonata_compile(expr, &jerr);
	if (prog == NULL)
		check_jerr(&jerr);
	else
		FUZZ_CHECK(strcmp(jsonata_source(prog), expr) == 0);

	if (json_parse(text, doc_len, &doc, &err) != 0) {
		FUZZ_CHECK(err.status == KP_EINVAL || err.status == KP_ELIMIT);
		if (err.status == KP_EINVAL)
			FUZZ_CHECK(strncmp(err.msg, "invalid JSON at byte ", 21) == 0);
		doc = NULL;
	} else {
		FUZZ_CHECK(doc != NULL);
		FUZZ_CHECK(json_type(doc, 0) != JSON_NONE);
	}

	if (prog != NULL && doc != NULL)
		evaluate(prog, doc, (uint8_t)(size > 0 ? data[size - 1] : 0));
	json_free(doc);
	jsonata_free(prog);
	free(text);
	free(expr);
	return 0;
}
