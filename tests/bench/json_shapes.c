/* SPDX-License-Identifier: MIT */
/*
 * json_shapes.c: the JSON core's cost per byte on the worst shapes a
 * hostile server can send (issue 10, "Stall"), at two sizes. Each shape is
 * built in memory, parsed with json_parse and walked through the json.h
 * API as the evaluator reads it (every member, key, string and number);
 * CPU time is the median of several runs. The cost per byte must not grow
 * with the size: the 8 MiB/1 MiB ratio is printed for each shape.
 *
 *   json_shapes [--quick] [--strict] [--runs N] [SHAPE...]
 *
 * --quick: 128 KiB and 1 MiB, 3 runs (a smoke run for ctest). Exit 1 when
 * a shape does not parse as expected; with --strict also when a ratio is
 * above 2.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"

struct out {
	char *p;
	size_t len, cap;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (n == 0) /* an empty head or tail: nothing to copy, maybe no buffer yet */
		return;
	if (o->len + n > o->cap) {
		o->cap = (o->len + n) * 2;
		if ((o->p = realloc(o->p, o->cap)) == NULL) {
			perror("json_shapes");
			exit(71);
		}
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void repeat(struct out *o, const char *s, size_t times)
{
	for (size_t i = 0; i < times; i++)
		puts_(o, s);
}

/* head, then unit until the text holds size bytes, then tail. */
static void fill(struct out *o, size_t size, const char *head, const char *unit,
		 const char *tail)
{
	puts_(o, head);
	while (o->len < size)
		puts_(o, unit);
	puts_(o, tail);
}

/* Each builder writes one JSON text of at least `size` bytes. */
typedef void (*build_fn)(struct out *o, size_t size);

/* Chains 512 deep (the limit), one after another: every ']' closes a level. */
static void deep_arrays(struct out *o, size_t size)
{
	puts_(o, "[");
	for (bool first = true; o->len < size; first = false) {
		if (!first)
			puts_(o, ",");
		repeat(o, "[", JSON_MAX_DEPTH - 1);
		repeat(o, "]", JSON_MAX_DEPTH - 1);
	}
	puts_(o, "]");
}

static void deep_objects(struct out *o, size_t size)
{
	puts_(o, "[");
	for (bool first = true; o->len < size; first = false) {
		if (!first)
			puts_(o, ",");
		repeat(o, "{\"a\":", JSON_MAX_DEPTH - 1);
		puts_(o, "1");
		repeat(o, "}", JSON_MAX_DEPTH - 1);
	}
	puts_(o, "]");
}

/* Issue 10's case: nothing but '[' (refused at the 513th). */
static void too_deep(struct out *o, size_t size)
{
	fill(o, size, "", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", "");
}

static void deep_then_wide(struct out *o, size_t size)
{
	repeat(o, "[", JSON_MAX_DEPTH - 1);
	fill(o, size, "0", ",0", "");
	repeat(o, "]", JSON_MAX_DEPTH - 1);
}

static void wide_array(struct out *o, size_t size)
{
	fill(o, size, "[0", ",0", "]");
}

static void many_keys(struct out *o, size_t size)
{
	char key[32];

	puts_(o, "{");
	for (unsigned long i = 0; o->len < size; i++) {
		snprintf(key, sizeof(key), "%s\"k%lu\":0", i ? "," : "", i);
		puts_(o, key);
	}
	puts_(o, "}");
}

static void same_key(struct out *o, size_t size)
{
	fill(o, size, "{\"a\":0", ",\"a\":0", "}");
}

static void long_string(struct out *o, size_t size)
{
	fill(o, size, "[\"", "abcdefghijklmnopqrstuvwxyz012345", "\"]");
}

static void long_escaped_string(struct out *o, size_t size)
{
	fill(o, size, "[\"", "\\u00e9\\n\\\"\xc3\xa9\xe2\x82\xac\\ud83d\\ude00",
	     "\"]");
}

static void many_strings(struct out *o, size_t size)
{
	fill(o, size, "[\"a\"", ",\"a\"", "]");
}

static void many_numbers(struct out *o, size_t size)
{
	fill(o, size, "[1.5e-7", ",-12345678901234567890.25e+3,0.1,7", "]");
}

static void models(struct out *o, size_t size)
{
	puts_(o, "{\"data\":[");
	for (unsigned long i = 0; o->len < size; i++) {
		char item[512];

		snprintf(item, sizeof(item),
			 "%s{\"id\":\"llama3.%lu:8b\",\"name\":\"llama3.%lu:8b\",\"object\":\"model\","
			 "\"owned_by\":\"ollama\",\"created\":17228800%02lu,\"ollama\":{\"size\":4920753328,"
			 "\"details\":{\"format\":\"gguf\",\"family\":\"llama\"}},\"tags\":[{\"name\":\"fast\"}],"
			 "\"actions\":[]}", i ? "," : "", i, i, i % 100);
		puts_(o, item);
	}
	puts_(o, "]}");
}

static const struct shape {
	const char *name;
	build_fn build;
	bool valid; /* false: must be refused (at a bound, not at the end) */
} SHAPES[] = {
	{ "deep-arrays", deep_arrays, true },
	{ "deep-objects", deep_objects, true },
	{ "too-deep", too_deep, false },
	{ "deep-then-wide", deep_then_wide, true },
	{ "wide-array", wide_array, true },
	{ "many-keys", many_keys, true },
	{ "same-key", same_key, true },
	{ "long-string", long_string, true },
	{ "long-escapes", long_escaped_string, true },
	{ "many-strings", many_strings, true },
	{ "many-numbers", many_numbers, true },
	{ "models", models, true },
};

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* What the evaluator does per node: type, members, keys, values. */
static double walk(const struct json_doc *doc, int node)
{
	double sum = 0, d;
	char *s;

	switch (json_type(doc, node)) {
	case JSON_OBJECT:
		sum += (double)json_count(doc, node);
		for (int k = json_first(doc, node); k >= 0; k = json_next(doc, k)) {
			size_t len;
			bool plain;

			json_str_raw(doc, k, &len, &plain);
			sum += (double)len + walk(doc, k + 1);
		}
		break;
	case JSON_ARRAY:
		for (int m = json_first(doc, node); m >= 0; m = json_next(doc, m))
			sum += walk(doc, m);
		break;
	case JSON_STRING:
		if ((s = json_string(doc, node)) != NULL)
			sum += (double)strlen(s);
		free(s);
		break;
	case JSON_NUMBER:
		if (json_number(doc, node, &d))
			sum += d;
		break;
	default:
		sum += 1;
	}
	return sum;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median CPU seconds of parse + walk; -1 when the outcome is not `valid`. */
static double measure(const struct out *o, bool valid, int runs, char *msg, size_t msg_len)
{
	double *t = calloc((size_t)runs, sizeof(*t)), median;
	volatile double sink = 0;

	for (int r = 0; r < runs; r++) {
		struct json_doc *doc = NULL;
		struct kp_err err = { KP_OK, "" };
		double start = cpu_now();
		int rc = json_parse(o->p, o->len, &doc, &err);

		if (rc == 0)
			sink += walk(doc, 0);
		json_free(doc);
		t[r] = cpu_now() - start;
		snprintf(msg, msg_len, "%s", rc == 0 ? "ok" : err.msg);
		if ((rc == 0) != valid) {
			free(t);
			return -1;
		}
	}
	(void)sink;
	qsort(t, (size_t)runs, sizeof(*t), cmp_double);
	median = t[runs / 2];
	free(t);
	return median;
}

int main(int argc, char **argv)
{
	bool quick = false, strict = false;
	int runs = 5, failed = 0, first_shape = argc;
	size_t small = (size_t)1 << 20, big = (size_t)8 << 20;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0)
			quick = true;
		else if (strcmp(argv[i], "--strict") == 0)
			strict = true;
		else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (argv[i][0] != '-' && first_shape == argc)
			first_shape = i;
		else if (argv[i][0] == '-') {
			fprintf(stderr, "usage: json_shapes [--quick] [--strict] [--runs N] [SHAPE...]\n");
			return 64;
		}
	}
	if (quick) {
		small = (size_t)128 << 10;
		big = (size_t)1 << 20;
		runs = 3;
	}
	if (runs < 1)
		runs = 1;
	printf("%-15s %12s %12s %7s  %s\n", "shape", quick ? "ns/B 128KiB" : "ns/B 1MiB",
	       quick ? "ns/B 1MiB" : "ns/B 8MiB", "ratio", "outcome");
	for (size_t s = 0; s < sizeof(SHAPES) / sizeof(SHAPES[0]); s++) {
		const struct shape *sh = &SHAPES[s];
		struct out a = { NULL, 0, 0 }, b = { NULL, 0, 0 };
		char msg[256];
		double ta, tb, pa, pb, ratio;
		bool wanted = first_shape == argc;

		for (int i = first_shape; i < argc; i++)
			wanted |= strcmp(argv[i], sh->name) == 0;
		if (!wanted)
			continue;
		sh->build(&a, small);
		sh->build(&b, big);
		ta = measure(&a, sh->valid, runs, msg, sizeof(msg));
		tb = measure(&b, sh->valid, runs, msg, sizeof(msg));
		if (ta < 0 || tb < 0) {
			printf("%-15s %12s %12s %7s  UNEXPECTED: %s\n", sh->name, "-", "-", "-", msg);
			failed = 1;
		} else {
			pa = ta * 1e9 / (double)a.len;
			pb = tb * 1e9 / (double)b.len;
			ratio = pa > 0 ? pb / pa : 1;
			printf("%-15s %12.2f %12.2f %6.2fx  %s\n", sh->name, pa, pb, ratio, msg);
			if (strict && ratio > 2)
				failed = 1;
		}
		free(a.p);
		free(b.p);
	}
	return failed;
}
