/* SPDX-License-Identifier: MIT */
/*
 * bench_query.c: in-process throughput of what the models tier does with a
 * body: json_parse (tokenize + validate) and jsonata evaluation.
 * usage: bench_query FILE EXPR [ITERATIONS]; prints one line:
 *   bytes=N iterations=N seconds=S mb_per_s=X result=JSON
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "json.h"
#include "jsonata.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* CPU time: other load does not count */
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *data = NULL;
	long size;

	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (size = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0 || (data = malloc((size_t)size + 1)) == NULL ||
	    fread(data, 1, (size_t)size, fp) != (size_t)size) {
		perror(path);
		exit(66);
	}
	fclose(fp);
	*len = (size_t)size;
	return data;
}

int main(int argc, char **argv)
{
	struct jsonata_err jerr = { "", 0, "" };
	struct jsonata_prog *prog;
	struct buf out;
	size_t len;
	long iterations = argc > 3 ? atol(argv[3]) : 200;
	char *text;
	double start, elapsed;

	if (argc < 3 || iterations < 1) {
		fprintf(stderr, "usage: bench_query FILE EXPR [ITERATIONS]\n");
		return 64;
	}
	text = slurp(argv[1], &len);
	prog = jsonata_compile(argv[2], &jerr);
	if (prog == NULL) {
		fprintf(stderr, "%s: %s %s\n", argv[2], jerr.code, jerr.msg);
		return 65;
	}
	buf_init(&out, 1 << 20);
	start = now_s();
	for (long i = 0; i < iterations; i++) {
		struct json_doc *doc = NULL;
		struct kp_err err = { KP_OK, "" };

		buf_reset(&out);
		if (json_parse(text, len, &doc, &err) != 0) {
			fprintf(stderr, "%s: %s\n", argv[1], err.msg);
			return 65;
		}
		if (jsonata_eval_to_json(prog, doc, &out, &jerr) != 0) {
			fprintf(stderr, "ERROR %s %s\n", jerr.code, jerr.msg);
			return 65;
		}
		json_free(doc);
	}
	elapsed = now_s() - start;
	printf("bytes=%zu iterations=%ld seconds=%.4f mb_per_s=%.1f result=%s\n", len,
	       iterations, elapsed, (double)len * (double)iterations / elapsed / 1e6,
	       buf_str(&out));
	buf_free(&out);
	jsonata_free(prog);
	free(text);
	return 0;
}
