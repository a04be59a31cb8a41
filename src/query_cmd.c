/* SPDX-License-Identifier: MIT */
/*
 * query_cmd.c: "kuma-push query [--kuma1] [--expected V [--operator OP]]
 * EXPR [FILE]": evaluates one expression on one document, or with
 * --expected prints the verdict Uptime Kuma would give ("UP value" or
 * "DOWN reason", exit 0 or 1): 2.x's comparison by operator, or with
 * --kuma1 the 1.23 rule (String(result) === expected).
 */
#include "query_cmd.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "json.h"
#include "jsonata.h"

#define QUERY_MAX_INPUT (64u * 1024 * 1024) /* bytes of JSON we read */
#define QUERY_MAX_OUTPUT (256u * 1024 * 1024)

enum {
	EX_OK = 0,
	EX_USAGE = 64,
	EX_DATAERR = 65,
	EX_NOINPUT = 66,
	EX_OSERR = 71
};

static void usage(void)
{
	fputs("usage: kuma-push query [--kuma1] [--expected VALUE [--operator OP]] [--] EXPR [FILE]\n"
	      "  OP: == (default), !=, <, <=, >, >=, contains (not with --kuma1)\n", stderr);
}

/* Reads all of fp into b; returns 0, or the exit status with a message printed. */
static int read_all(FILE *fp, const char *name, struct buf *b)
{
	char chunk[65536];
	size_t n;
	struct stat file;

	/* A file's size is known: one allocation, never a copy while growing
	 * (a size over the limit is left to the reads, which say so). */
	if (fstat(fileno(fp), &file) == 0 && S_ISREG(file.st_mode) && file.st_size > 0 &&
	    (uintmax_t)file.st_size <= QUERY_MAX_INPUT)
		(void)buf_reserve(b, (size_t)file.st_size);

	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		enum kp_status st = buf_append(b, chunk, n);

		if (st == KP_ENOMEM) {
			fprintf(stderr, "kuma-push: query: out of memory\n");
			return EX_OSERR;
		}
		if (st != KP_OK) {
			fprintf(stderr, "kuma-push: query: %s: larger than %u MiB\n",
				name, QUERY_MAX_INPUT / (1024 * 1024));
			return EX_DATAERR;
		}
	}
	if (ferror(fp)) {
		fprintf(stderr, "kuma-push: query: %s: %s\n", name, strerror(errno));
		return EX_NOINPUT;
	}
	return EX_OK;
}

static int load_input(const char *path, struct buf *b)
{
	FILE *fp;
	int rc;

	if (path == NULL || strcmp(path, "-") == 0)
		return read_all(stdin, "stdin", b);
	fp = fopen(path, "rb");
	if (fp == NULL) {
		fprintf(stderr, "kuma-push: query: %s: %s\n", path, strerror(errno));
		return EX_NOINPUT;
	}
	rc = read_all(fp, path, b);
	fclose(fp);
	return rc;
}

static int print_error(const struct jsonata_err *jerr)
{
	printf("ERROR %s %s\n", jerr->code, jerr->msg);
	return strcmp(jerr->code, "K0003") == 0 ? EX_OSERR : EX_DATAERR;
}

struct verdict_opts {
	const char *expected; /* NULL: print the result */
	bool kuma1;
	enum jsonata_op op;
};

/* Kuma's verdict: "UP value" (exit 0) or "DOWN reason" (exit 1). */
static int verdict(const struct jsonata_prog *prog, const struct json_doc *doc,
		   const struct verdict_opts *o)
{
	struct kp_err reason = { KP_OK, "" };
	char value[512] = "";
	bool pass = false;
	int rc;

	if (o->kuma1)
		rc = jsonata_kuma1_check(prog, doc, o->expected, &pass, value, sizeof(value), &reason);
	else
		rc = jsonata_kuma_check(prog, doc, o->expected, o->op, &pass, value, sizeof(value),
					&reason);
	if (rc != 0) {
		fprintf(stderr, "kuma-push: query: out of memory\n");
		return EX_OSERR;
	}
	if (pass) {
		printf("UP %s\n", value);
		return EX_OK;
	}
	printf("DOWN %s\n", reason.msg);
	return 1;
}

static int evaluate(const char *expr, const struct buf *input,
		    const struct verdict_opts *o)
{
	struct jsonata_err jerr = { "", 0, "" };
	struct jsonata_prog *prog;
	struct json_doc *doc = NULL;
	struct kp_err err = { KP_OK, "" };
	struct buf out;
	int rc;

	prog = jsonata_compile(expr, &jerr);
	if (prog == NULL)
		return print_error(&jerr);
	if (json_parse(buf_str(input), input->len, &doc, &err) != 0) {
		jsonata_free(prog);
		if (err.status == KP_ENOMEM) {
			fprintf(stderr, "kuma-push: query: out of memory\n");
			return EX_OSERR;
		}
		printf("ERROR J0001 %s\n", err.msg);
		return EX_DATAERR;
	}
	if (o->expected != NULL) {
		rc = verdict(prog, doc, o);
		json_free(doc);
		jsonata_free(prog);
		return rc;
	}
	buf_init(&out, QUERY_MAX_OUTPUT);
	if (jsonata_eval_to_json(prog, doc, &out, &jerr) != 0) {
		rc = print_error(&jerr);
	} else {
		fwrite(buf_str(&out), 1, out.len, stdout);
		fputc('\n', stdout);
		rc = EX_OK;
	}
	buf_free(&out);
	json_free(doc);
	jsonata_free(prog);
	return rc;
}

int query_main(int argc, char **argv)
{
	const char *expr, *path = NULL, *op = NULL;
	struct verdict_opts o = { NULL, false, JSONATA_OP_EQ };
	struct buf input;
	int i = 1, rc;

	for (; i < argc; i++) {
		if (strcmp(argv[i], "--kuma1") == 0) {
			o.kuma1 = true;
		} else if ((strcmp(argv[i], "--expected") == 0 ||
			    strcmp(argv[i], "--operator") == 0) && i + 1 < argc) {
			*(argv[i][2] == 'e' ? &o.expected : &op) = argv[i + 1];
			i++;
		} else {
			break;
		}
	}
	if ((op != NULL && (o.kuma1 || !jsonata_op_parse(op, &o.op))) ||
	    ((o.kuma1 || op != NULL) && o.expected == NULL)) {
		if (op != NULL && !o.kuma1 && o.expected != NULL)
			fprintf(stderr, "kuma-push: query: unknown operator \"%s\"\n", op);
		usage();
		return EX_USAGE;
	}
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (argc - i < 1 || argc - i > 2) {
		usage();
		return EX_USAGE;
	}
	expr = argv[i];
	if (argc - i == 2)
		path = argv[i + 1];
	buf_init(&input, QUERY_MAX_INPUT);
	rc = load_input(path, &input);
	if (rc == EX_OK)
		rc = evaluate(expr, &input, &o);
	buf_free(&input);
	if (fflush(stdout) != 0 && rc == EX_OK)
		rc = EX_OSERR;
	return rc;
}
