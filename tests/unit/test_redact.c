/* SPDX-License-Identifier: MIT */
/* test_redact.c: the one redaction step: secrets out of outgoing text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "redact.h"

struct redact_case {
	const char *in;
	const char *want;
};

static const struct redact_case cases[] = {
	{ "no secret here", "no secret here" },
	{ "Bearer sk-abcdef", "Bearer ***" },
	{ "sk-abcdefsk-abcdef", "***" },             /* adjacent: one mask */
	{ "x abcdXYZW y", "x *** y" },                /* overlapping secrets merge */
	{ "tok-123 and tok-123.", "*** and ***." },
	{ "abc", "abc" },                              /* "abc" is too short to mask */
	{ "", "" },
};

static void test_table(void **state)
{
	struct redactor *r = redactor_new();
	size_t i;

	(void)state;
	assert_non_null(r);
	assert_int_equal(redactor_add(r, "sk-abcdef", 9), 0);
	assert_int_equal(redactor_add(r, "abcdX", 5), 0);
	assert_int_equal(redactor_add(r, "dXYZW", 5), 0);
	assert_int_equal(redactor_add(r, "tok-123", 7), 0);
	assert_int_equal(redactor_add(r, "tok-123", 7), 0); /* held once */
	assert_int_equal(redactor_add(r, "abc", 3), 0);     /* ignored */
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf out;
		char fixed[64];

		buf_init(&out, 1024);
		assert_int_equal(redact_append(r, &out, cases[i].in,
					       strlen(cases[i].in)), KP_OK);
		assert_string_equal(buf_str(&out), cases[i].want);
		buf_free(&out);
		strcpy(fixed, cases[i].in);
		redact_in_place(r, fixed, sizeof(fixed));
		assert_string_equal(fixed, cases[i].want);
	}
	assert_true(redact_found(r, "a tok-123", 9));
	assert_false(redact_found(r, "a tok-12", 8));
	redactor_free(r);
}

static void test_null_and_run(void **state)
{
	struct redactor *r = redactor_new();
	struct buf out;
	char run[4096];

	(void)state;
	buf_init(&out, 64);
	assert_int_equal(redact_append(NULL, &out, "sk-abcdef", 9), KP_OK);
	assert_string_equal(buf_str(&out), "sk-abcdef");
	buf_free(&out);
	/* A secret that overlaps itself: a run of it is one mask. */
	assert_int_equal(redactor_add(r, "aaaa", 4), 0);
	memset(run, 'a', sizeof(run) - 1);
	run[sizeof(run) - 1] = '\0';
	buf_init(&out, 1 << 20);
	assert_int_equal(redact_append(r, &out, run, strlen(run)), KP_OK);
	assert_string_equal(buf_str(&out), "***");
	buf_free(&out);
	redactor_free(r);
	redactor_free(NULL);
}

/* Secrets that begin, end or lie inside one another, and touch. */
static const struct {
	const char *text;
	size_t len;
} related[] = {
	{ "abcd", 4 }, { "abcdef", 6 }, { "cdef", 4 }, { "bcde", 4 },
	{ "xyzzy", 5 }, { "zzyq", 4 },      /* one ends inside the other */
	{ "2345", 4 }, { "7890", 4 }, { "1234567890ab", 12 },
	{ "wxyz", 4 }, { "aaaa", 4 },
	{ "\xff\xff\x00\xff", 4 }, { "\x00\x01\x02\x03", 4 },
	{ "\xfe\xff\xff\xff", 4 },
};

static const struct {
	const char *in;
	size_t len; /* 0: strlen */
	const char *want;
	size_t want_len;
} related_cases[] = {
	{ "abcdef", 0, "***", 0 },
	{ "abcde", 0, "***", 0 },
	{ "abc-def bcd cdefg", 0, "abc-def bcd ***g", 0 },
	{ "1abcd2", 0, "1***2", 0 },
	{ "xyzzyq", 0, "***", 0 },
	{ "xyzzy zzyq", 0, "*** ***", 0 },
	{ "x1234567890abx", 0, "x***x", 0 },        /* reaches back over two */
	{ "x1234567890ax", 0, "x1***6***ax", 0 },   /* the long one is not there */
	{ "wxyzwxyz", 0, "***", 0 },                 /* adjacent */
	{ "wxyz.wxyz", 0, "***.***", 0 },
	{ "wxywxyz", 0, "wxy***", 0 },               /* a false start */
	{ "aaa", 0, "aaa", 0 },
	{ "aaaaaaaaa", 0, "***", 0 },                /* a run of one overlapping */
	{ "baaaab aaa aaaaa", 0, "b***b aaa ***", 0 },
	{ "a\xff\xff\x00\xff" "b", 6, "a***b", 0 },
	{ "\xfe\xff\xff\xff\xff\x00\xff!", 8, "***!", 0 },
	{ "\xff\xff\x00\x01\x02\x03", 6, "\xff\xff***", 0 },
	{ "\xff\xff\x00\xfe", 4, "\xff\xff\x00\xfe", 4 },
	{ "\x00\x01\x02", 3, "\x00\x01\x02", 3 },
};

static void test_related_secrets(void **state)
{
	struct redactor *r = redactor_new();
	size_t i;

	(void)state;
	assert_non_null(r);
	for (i = 0; i < sizeof(related) / sizeof(related[0]); i++)
		assert_int_equal(redactor_add(r, related[i].text,
					      related[i].len), 0);
	for (i = 0; i < sizeof(related_cases) / sizeof(related_cases[0]); i++) {
		const char *in = related_cases[i].in;
		const char *want = related_cases[i].want;
		size_t len = related_cases[i].len, want_len = related_cases[i].want_len;
		struct buf out;

		if (len == 0)
			len = strlen(in);
		if (want_len == 0)
			want_len = strlen(want);
		buf_init(&out, 1024);
		assert_int_equal(redact_append(r, &out, in, len), KP_OK);
		if (out.len != want_len ||
		    memcmp(buf_str(&out), want, want_len) != 0)
			fail_msg("case %zu: got \"%s\"", i, buf_str(&out));
		assert_int_equal(redact_found(r, in, len), strcmp(in, want) != 0 ||
				 want_len != len);
		buf_free(&out);
	}
	redactor_free(r);
}

/* Secrets added after a match are found too; one added twice is one. */
static void test_add_after_match(void **state)
{
	struct redactor *r = redactor_new();
	char text[64];
	int i;

	(void)state;
	assert_non_null(r);
	for (i = 0; i < 1000; i++)
		assert_int_equal(redactor_add(r, "same-key", 8), 0);
	strcpy(text, "same-key then other-key");
	redact_in_place(r, text, sizeof(text));
	assert_string_equal(text, "*** then other-key");
	assert_int_equal(redactor_add(r, "other-key", 9), 0);
	strcpy(text, "same-key then other-key");
	redact_in_place(r, text, sizeof(text));
	assert_string_equal(text, "*** then ***");
	/* The cut backs off to a character boundary. */
	strcpy(text, "ab same-key \xc3\xa9\xc3\xa9");
	redact_in_place(r, text, 9);
	assert_string_equal(text, "ab *** ");
	redactor_free(r);
}

/* A deterministic generator, so that a failure can be replayed. */
static uint64_t rng = 0x5eedf00d1234abcdull;

static uint32_t rnd(uint32_t below)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)((rng >> 11) % below);
}

struct secret_set {
	char (*text)[48];
	size_t *len, n;
};

/* The reference: every byte under an occurrence of one of the first
 * known secrets, by brute force. */
static void reference(const struct secret_set *set, size_t known,
		      const char *text, size_t len, struct buf *out)
{
	unsigned char *masked = calloc(len + 1, 1);
	size_t i, k;

	assert_non_null(masked);
	for (k = 0; k < known; k++)
		for (i = 0; set->len[k] >= REDACT_MIN_LEN &&
			    i + set->len[k] <= len; i++)
			if (memcmp(text + i, set->text[k], set->len[k]) == 0)
				memset(masked + i, 1, set->len[k]);
	for (i = 0; i < len; i++) {
		if (!masked[i]) {
			assert_int_equal(buf_append(out, text + i, 1), KP_OK);
			continue;
		}
		assert_int_equal(buf_append_str(out, REDACT_MASK), KP_OK);
		while (i + 1 < len && masked[i + 1])
			i++;
	}
	free(masked);
}

/* A text of random bytes, whole secrets and pieces of them. */
static size_t random_text(const struct secret_set *set, const char *alphabet,
			  uint32_t letters, char *text, size_t cap)
{
	size_t len = 0;

	while (len + 48 < cap && rnd(12) != 0) {
		size_t k = rnd((uint32_t)set->n), from = 0, n = set->len[k], i;

		switch (rnd(3)) {
		case 0:
			for (i = rnd(6) + 1; i > 0; i--)
				text[len++] = alphabet[rnd(letters)];
			continue;
		case 1: /* a piece: a prefix, a suffix or a middle */
			from = rnd((uint32_t)n);
			n = rnd((uint32_t)(n - from)) + 1;
			break;
		default:
			break;
		}
		memcpy(text + len, set->text[k] + from, n);
		len += n;
	}
	return len;
}

/* Secrets random or made of an earlier one: its prefix, suffix or middle,
 * or it with more bytes before or after. */
static void random_secrets(struct secret_set *set, size_t n,
			   const char *alphabet, uint32_t letters,
			   uint32_t max_len)
{
	size_t k, i;

	for (k = 0; k < n; k++) {
		char *t = set->text[k];
		uint32_t len = REDACT_MIN_LEN + rnd(max_len - REDACT_MIN_LEN + 1);

		if (rnd(20) == 0) /* too short to be one: ignored */
			len = 1 + rnd(REDACT_MIN_LEN - 1);
		for (i = 0; i < len; i++)
			t[i] = alphabet[rnd(letters)];
		if (k > 0 && len >= REDACT_MIN_LEN && rnd(2) == 0) {
			size_t o = rnd((uint32_t)k), olen = set->len[o];
			uint32_t cut = rnd((uint32_t)olen) + 1; /* 1..olen */

			switch (olen < REDACT_MIN_LEN ? 9 : rnd(4)) {
			case 0: /* prefix of it, or with a tail */
				memcpy(t, set->text[o], olen < len ? olen : len);
				break;
			case 1: /* suffix of it */
				len = (uint32_t)olen;
				if (olen - cut >= REDACT_MIN_LEN)
					len = (uint32_t)(olen - cut);
				memcpy(t, set->text[o] + olen - len, len);
				break;
			case 2: /* ends with its head: overlaps it */
				if (cut < len)
					memcpy(t + len - cut, set->text[o], cut);
				break;
			case 3: /* a copy */
				memcpy(t, set->text[o], olen);
				len = (uint32_t)olen;
				break;
			default: /* not from a short one */
				break;
			}
		}
		set->len[k] = len;
	}
	set->n = n;
}

/* Random texts from every secret of set, against the reference that
 * knows the first known ones, the ones r holds. */
static void check_texts(const struct redactor *r, const struct secret_set *set,
			size_t known, const char *alphabet, uint32_t letters,
			size_t round)
{
	char text[400];
	size_t t;

	for (t = 0; t < 60; t++) {
		size_t len = random_text(set, alphabet, letters, text,
					 sizeof(text));
		struct buf want, got;

		buf_init(&want, 4096);
		buf_init(&got, 4096);
		reference(set, known, text, len, &want);
		assert_int_equal(redact_append(r, &got, text, len), KP_OK);
		if (got.len != want.len ||
		    memcmp(buf_str(&got), buf_str(&want), got.len) != 0)
			fail_msg("round %zu, %zu secrets, text %zu (%zu bytes)",
				 round, known, t, len);
		assert_int_equal(redact_found(r, text, len),
				 want.len != len ||
					 memcmp(buf_str(&want), text, len) != 0);
		buf_free(&want);
		buf_free(&got);
	}
}

/*
 * Against the brute-force reference, on random secrets (thousands, some
 * made of others) and random texts full of them and their pieces; half the
 * secrets come after the first matches. Small alphabets make overlaps
 * common; the last round uses every byte value.
 */
static void test_against_reference(void **state)
{
	static const struct {
		uint32_t letters, max_len;
		size_t secrets;
	} rounds[] = {
		{ 2, 6, 3 }, { 2, 9, 12 }, { 3, 8, 40 }, { 4, 12, 300 },
		{ 26, 40, 3000 }, { 256, 16, 2000 },
	};
	char alphabet[256];
	struct secret_set set;
	size_t round, k;

	(void)state;
	alphabet[0] = 'a';
	alphabet[1] = 'b';
	alphabet[2] = '\xff';
	alphabet[3] = '\0';
	for (k = 4; k < 30; k++)
		alphabet[k] = (char)('c' + k - 4);
	for (k = 30; k < 256; k++)
		alphabet[k] = (char)k;
	set.text = calloc(3000, sizeof(*set.text));
	set.len = calloc(3000, sizeof(*set.len));
	assert_non_null(set.text);
	assert_non_null(set.len);
	for (round = 0; round < sizeof(rounds) / sizeof(rounds[0]); round++) {
		struct redactor *r = redactor_new();
		size_t n = rounds[round].secrets;

		assert_non_null(r);
		random_secrets(&set, n, alphabet, rounds[round].letters,
			       rounds[round].max_len);
		for (k = 0; k < n; k++) {
			assert_int_equal(redactor_add(r, set.text[k], set.len[k]), 0);
			if (k + 1 == (n + 1) / 2 || k + 1 == n)
				check_texts(r, &set, k + 1, alphabet,
					    rounds[round].letters, round);
		}
		redactor_free(r);
	}
	free(set.text);
	free(set.len);
}

/*
 * The worst shape for the old per-secret scan: a secret that is a run of
 * one character, over a run of it twice as long, cost len x its length
 * (1 MiB x 512 KiB: minutes). In a child limited to 10 s of CPU.
 */
static void test_long_run_is_linear(void **state)
{
	size_t len = 1 << 20, secret = len / 2;
	char *text = malloc(len + 2);
	int status;
	pid_t pid;

	(void)state;
	assert_non_null(text);
	memset(text, 'a', len);
	text[len] = 'b';
	text[len + 1] = '\0';
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit cpu = { 10, 10 };
		struct redactor *r = redactor_new();
		struct buf out;
		int ok;

		setrlimit(RLIMIT_CPU, &cpu);
		buf_init(&out, 4 * len);
		ok = r != NULL && redactor_add(r, "aaaa", 4) == 0 &&
		     redactor_add(r, text, secret) == 0 &&
		     redactor_add(r, text + 1, secret) == 0 && /* the same once more */
		     redact_append(r, &out, text, len + 1) == KP_OK &&
		     strcmp(buf_str(&out), "***b") == 0;
		buf_free(&out);
		redactor_free(r);
		_exit(ok ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("%s", WIFSIGNALED(status) ? "killed (CPU limit)"
						   : "wrong mask");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_null_and_run),
		cmocka_unit_test(test_related_secrets),
		cmocka_unit_test(test_add_after_match),
		cmocka_unit_test(test_against_reference),
		cmocka_unit_test(test_long_run_is_linear),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
