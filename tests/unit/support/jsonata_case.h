/* SPDX-License-Identifier: MIT */
/*
 * jsonata_case.h: the table-driven JSONata tests' one runner: an
 * expression on a document, its answer as the output line the CLI prints,
 * or "ERROR CODE" when it fails to compile or to evaluate.
 */
#ifndef KP_JSONATA_CASE_H
#define KP_JSONATA_CASE_H

#include <stddef.h>

struct jsonata_case {
	const char *doc, *expr, *want; /* want: output line, or "ERROR CODE" */
};

/* Evaluates c->expr on c->doc (which must parse) and writes the answer to got. */
void jsonata_case_run(const struct jsonata_case *c, char *got, size_t size);

/* Runs every case and fails the test on the first answer that is not c->want. */
void jsonata_cases_check(const struct jsonata_case *cases, size_t n);

#endif
