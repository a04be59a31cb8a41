/* SPDX-License-Identifier: MIT */
/*
 * jsonata_run.c: the library's entry for one evaluation: run a compiled
 * program on a document and print the result as jsonata-eval.js does.
 * It sits on top of the evaluator and the formatter, which know nothing
 * of each other.
 */
#include "jsonata_int.h"

int jsonata_eval_to_json(const struct jsonata_prog *prog,
			 const struct json_doc *doc, struct buf *out,
			 struct jsonata_err *err)
{
	struct ev e;
	struct jv v;
	int rc = -1;
	enum kp_status st;

	if (ev_begin(&e, doc, err) != 0 || ev_run(&e, prog, &v) != 0)
		goto out;
	if (v.kind == JV_UNDEF) {
		st = buf_append(out, "undefined", 9);
		rc = st == KP_OK ? 0 : jn_error(err, "K0003", 0, "out of memory");
		goto out;
	}
	rc = jv_stringify(&e, &v, false, out);
out:
	ev_end(&e);
	return rc;
}
