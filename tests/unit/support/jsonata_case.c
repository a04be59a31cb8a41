/* SPDX-License-Identifier: MIT */
/* jsonata_case.c: see jsonata_case.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "jsonata.h"
#include "jsonata_case.h"

void jsonata_case_run(const struct jsonata_case *c, char *got, size_t size)
{
	struct jsonata_err err = { "", 0, "" };
	struct kp_err kerr = { KP_OK, "" };
	struct jsonata_prog *prog = jsonata_compile(c->expr, &err);
	struct json_doc *doc = NULL;
	struct buf out;

	if (prog == NULL) {
		snprintf(got, size, "ERROR %s", err.code);
		return;
	}
	assert_int_equal(json_parse(c->doc, strlen(c->doc), &doc, &kerr), 0);
	buf_init(&out, 1 << 20);
	if (jsonata_eval_to_json(prog, doc, &out, &err) != 0)
		snprintf(got, size, "ERROR %s", err.code);
	else
		snprintf(got, size, "%s", buf_str(&out));
	buf_free(&out);
	json_free(doc);
	jsonata_free(prog);
}

void jsonata_cases_check(const struct jsonata_case *cases, size_t n)
{
	char got[512];

	for (size_t i = 0; i < n; i++) {
		jsonata_case_run(&cases[i], got, sizeof(got));
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("%s on %s\n  got  %s\n  want %s", cases[i].expr,
				 cases[i].doc, got, cases[i].want);
	}
}
