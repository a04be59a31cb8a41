/* SPDX-License-Identifier: MIT */
/*
 * test_oom.c: allocation failure in the config loader and the evaluator.
 * Each case is run once to count its allocations, then once per N with
 * the N-th failing (support/alloc_hook.c, curl's "torture" in small):
 * every run must end in a clean out-of-memory error or in the very result
 * of the undisturbed run, never crash and never leak. A failure names N.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "alloc_hook.h"
#include "buf.h"
#include "config.h"
#include "json.h"
#include "jsonata.h"

/*
 * Under ASan, the allocator's live byte count shows a leak at the N that
 * made it (LSan at exit then prints where); elsewhere valgrind does.
 */
size_t __sanitizer_get_current_allocated_bytes(void) __attribute__((weak));
void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

static const char *current_case = "";
static unsigned long current_n;

/* ASan calls this before it dies: say which run crashed. */
static void say_where(void)
{
	fprintf(stderr, "test_oom: crashed in %s with allocation %lu failing\n",
		current_case, current_n);
}

static size_t live_bytes(void)
{
	return __sanitizer_get_current_allocated_bytes != NULL
		       ? __sanitizer_get_current_allocated_bytes()
		       : 0;
}

/* Problems of one case, reported together so that one run shows them all. */
struct tally {
	unsigned long runs, problems;
	char step[64]; /* the failing allocation within its step, or "" */
};

static void problem(struct tally *t, unsigned long n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void problem(struct tally *t, unsigned long n, const char *fmt, ...)
{
	va_list ap;

	t->problems++;
	if (t->problems > 20)
		return; /* enough to go on */
	fprintf(stderr, "test_oom: %s: allocation %lu%s%s%s failing: ",
		current_case, n, t->step[0] ? " (" : "", t->step,
		t->step[0] ? ")" : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ---- config loader ---------------------------------------------------- */

static char scratch[256];

static void on_line(void *ctx, const char *line)
{
	(void)line;
	(*(unsigned long *)ctx)++;
}

static int scratch_setup(void **state)
{
	(void)state;
	snprintf(scratch, sizeof(scratch), "%s/kp-test-oom.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(scratch) != NULL ? 0 : -1;
}

/* The files the tests write, all in the scratch directory; full.conf
 * names the certificate files, which only have to be readable. */
static const char *const cert_files[] = { "ca.pem", "c.pem", "c.key" };
static const char *const scratch_files[] = {
	"full.conf", "api.key", "errors.conf", "ca.pem", "c.pem", "c.key",
};

static int scratch_teardown(void **state)
{
	char path[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(scratch_files) / sizeof(scratch_files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", scratch, scratch_files[i]);
		unlink(path);
	}
	rmdir(scratch);
	return 0;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, 0600), 0);
}

/*
 * valid: the file loads, so every failing run must give KP_ENOMEM and no
 * error line. Otherwise it fails with KP_EINVAL and some lines; under a
 * failing allocation it must still fail, with KP_ENOMEM, and may have
 * reported some of those lines first, never more.
 */
static void torture_config(const char *name, const char *path, bool valid)
{
	struct tally t = { 0, 0, "" };
	struct kp_err err;
	struct config *cfg;
	unsigned long total, n, counted, lines = 0, want_lines;
	size_t before;

	current_case = name;
	/* Warm up once, then count an undisturbed run. */
	cfg = config_load(path, NULL, NULL, NULL, &err);
	config_free(cfg);
	alloc_hook_fail_at(0);
	cfg = config_load(path, on_line, NULL, &lines, &err);
	total = alloc_hook_count();
	alloc_hook_reset();
	if (valid && cfg == NULL)
		fail_msg("%s: does not load: %s", name, err.msg);
	if (!valid && (cfg != NULL || err.status != KP_EINVAL || lines == 0))
		fail_msg("%s: expected errors, got status %d, %lu lines", name,
			 (int)err.status, lines);
	want_lines = lines;
	config_free(cfg);
	assert_true(total > 0);

	for (n = 1; n <= total; n++) {
		bool failed;

		lines = 0;
		memset(&err, 0, sizeof(err));
		before = live_bytes();
		current_n = n;
		alloc_hook_fail_at(n);
		cfg = config_load(path, on_line, NULL, &lines, &err);
		failed = alloc_hook_failed();
		counted = alloc_hook_count();
		alloc_hook_reset();
		t.runs++;
		if (!failed)
			problem(&t, n, "the allocation never happened (%lu counted)",
				counted);
		else if (cfg != NULL)
			problem(&t, n, "config_load succeeded");
		else if (err.status != KP_ENOMEM)
			problem(&t, n, "status %d, not KP_ENOMEM: %s",
				(int)err.status, err.msg);
		if (valid && lines > 0)
			problem(&t, n, "%lu error line(s) reported for a valid file",
				lines);
		if (!valid && lines > want_lines)
			problem(&t, n, "%lu error lines reported, the file has %lu",
				lines, want_lines);
		config_free(cfg);
		if (live_bytes() != before)
			problem(&t, n, "leaked %zu bytes", live_bytes() - before);
	}
	print_message("%s: %lu allocations, %lu failing runs, %lu problems\n",
		      name, total, t.runs, t.problems);
	current_case = "";
	assert_int_equal(t.problems, 0);
}

static void test_config_example(void **state)
{
	(void)state;
	torture_config("etc/kuma-push.conf.example",
		       KP_SOURCE_DIR "/etc/kuma-push.conf.example", true);
}

/* Every tier of two targets (all three key sources), generic checks,
 * every network setting at every level. */
static const char full_conf[] =
	"kuma = { url = \"https://status.example.net/\"; timeout = 5;\n"
	"  retries = 3; retry_delay = 1.5; ca_file = \"ca.pem\"; };\n"
	"defaults = { timeout = 10; connect_timeout = 3; max_body = 1048576;\n"
	"  tls_verify = true; ip_version = \"any\"; follow_redirects = false;\n"
	"  interval = 60; jitter = 5; proxy = \"http://proxy.lan:3128\";\n"
	"  ca_path = \"/etc/ssl/certs\"; client_cert = \"c.pem\";\n"
	"  client_key = \"c.key\"; };\n"
	"targets = (\n"
	"  { name = \"gpu-box\"; url = \"http://10.0.0.5:8080/\";\n"
	"    api_key = \"sk-0123456789abcdef\"; timeout = 20;\n"
	"    resolve = [ \"gpu-box.lan:8080:10.0.0.5\", \"x:80:::1\" ];\n"
	"    health = { push = \"TOKEN_HEALTH_1\"; };\n"
	"    models = { push = \"TOKEN_MODELS_1\";\n"
	"      query = \"data[owned_by = 'ollama' and $contains(id, 'llama')].id\";\n"
	"      expected = \"llama\"; operator = \"contains\"; };\n"
	"    chat = { push = \"https://status.example.net/api/push/TOKEN_CHAT_1?status=up&msg=OK&ping=\";\n"
	"      model = \"llama3.2:3b\"; prompt = \"Say HEALTHY\"; expect = \"HEALTHY\";\n"
	"      timeout = 60; ip_version = \"4\"; }; },\n"
	"  { name = \"cloud\"; url = \"https://chat.example.org\";\n"
	"    api_key_file = \"api.key\"; ip_version = \"6\";\n"
	"    models = { push_file = \"models.token\"; }; },\n"
	"  { name = \"env\"; url = \"https://env.example.org\";\n"
	"    api_key_env = \"KP_TEST_OOM_KEY\";\n"
	"    health = { push = \"TOKEN_HEALTH_3\"; insecure = true; };\n"
	"    chat = { push_env = \"KP_TEST_OOM_PUSH\"; model = \"gpt-4o\"; }; }\n"
	");\n"
	"checks = (\n"
	"  { name = \"searx\"; url = \"http://127.0.0.1:8888/healthz?x=1\";\n"
	"    method = \"head\"; headers = ( \"X-Probe: kuma-push\", \"Accept: */*\" );\n"
	"    push = \"TOKEN_SEARX\"; status = \"200-399\"; keyword = \"ok\";\n"
	"    resolve = [ \"searx:8888:127.0.0.1\" ]; },\n"
	"  { name = \"webhook\"; url = \"https://hooks.example.com/ping\";\n"
	"    method = \"POST\"; body = \"{\\\"ping\\\":true}\"; push = \"TOKEN_HOOK\";\n"
	"    status = 204; }\n"
	");\n"
	"run_timeout = 120.0; max_parallel = 8; log = \"syslog\";\n"
	"lock_file = \"kuma-push.lock\"; metrics_file = \"metrics.prom\";\n";

static void test_config_full(void **state)
{
	char conf[512], path[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cert_files) / sizeof(cert_files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", scratch, cert_files[i]);
		write_file(path, "-----BEGIN CERTIFICATE-----\n");
	}
	snprintf(path, sizeof(path), "%s/api.key", scratch);
	write_file(path, "  sk-from-a-file\n");
	snprintf(path, sizeof(path), "%s/models.token", scratch);
	write_file(path, "TOKEN_MODELS_2\n");
	snprintf(conf, sizeof(conf), "%s/full.conf", scratch);
	write_file(conf, full_conf);
	assert_int_equal(setenv("KP_TEST_OOM_KEY", "sk-from-the-env", 1), 0);
	assert_int_equal(setenv("KP_TEST_OOM_PUSH", "TOKEN_CHAT_3", 1), 0);
	torture_config("full.conf", conf, true);
}

/* Errors everywhere (no syntax error: libconfig must parse it): the error
 * lines are collected, sorted and reported, all of which allocates. */
static const char errors_conf[] =
	"kuma = { url = \"ftp://kuma\"; colour = \"blue\"; };\n"
	"defaults = { timeout = -1; ip_version = \"5\"; ca_file = \"nope.pem\"; };\n"
	"retries_typo = 1;\n"
	"targets = (\n"
	"  { name = \"a/b\"; url = \"not a url\"; models = { push = \"bad token\";\n"
	"    query = \"$count(data[*]\"; operator = \"=~\"; }; },\n"
	"  { name = \"dup\"; url = \"http://x\"; chat = { }; },\n"
	"  { name = \"dup\"; url = \"http://x\"; api_key = \"k\";\n"
	"    api_key_file = \"/nonexistent\"; health = 5; },\n"
	"  { name = \"q\"; url = \"http://q\"; api_key = \"k\";\n"
	"    models = { push = \"T\"; query = \"a & b\"; }; }\n"
	");\n"
	"checks = ( { name = \"h\"; url = \"http://h\"; method = \"BREW\";\n"
	"  headers = ( \"no colon\", 7 ); status = \"600-100\"; push = \"\"; },\n"
	"  { name = \"h\"; url = \"http://h\"; push = \"https://k/x/T\"; } );\n"
	"max_parallel = 0; log = \"file\"; run_timeout = 99999999999;\n";

static void test_config_errors(void **state)
{
	char conf[512];

	(void)state;
	snprintf(conf, sizeof(conf), "%s/errors.conf", scratch);
	write_file(conf, errors_conf);
	torture_config("errors.conf", conf, false);
}

/* ---- evaluator --------------------------------------------------------- */

static const char models_doc[] =
	"{\"data\":[{\"id\":\"llama3.2:3b\",\"name\":\"llama3.2:3b\","
	"\"owned_by\":\"ollama\",\"created\":0,\"info\":{\"size\":2019393189,"
	"\"meta\":{\"capabilities\":{\"vision\":false}}},\"tags\":[]},"
	"{\"id\":\"gpt-4o\",\"name\":\"GPT-4o \\u00e9\\ud83d\\ude00\",\"owned_by\":"
	"\"openai\",\"created\":1715367049,\"info\":{\"size\":1.5e3,\"meta\":"
	"{\"capabilities\":{\"vision\":true}}},\"tags\":[{\"name\":\"x\"}]},"
	"{\"id\":\"arena-model\",\"name\":\"Arena \\\"Model\\\"\",\"owned_by\":"
	"\"arena\",\"info\":null,\"nested\":[[1,[2,[3]]],{\"a\":{\"b\":[true]}}]}]}";
static const char detail_doc[] = "{\"detail\":\"Not authenticated\"}";
static const char bad_doc[] = "{\"data\":[{\"id\":\"x\"},]}";
static const char array_doc[] = "[1, 2.5, -3e2, \"four\", null, [true, false], {}]";

struct eval_case {
	const char *expr;
	const char *doc;
	const char *expected;
	enum jsonata_op op;
};

static const struct eval_case eval_cases[] = {
	{ "$count(data[*])>0", models_doc, "true", JSONATA_OP_EQ },
	{ "data[id = \"llama3.2:3b\"].name", models_doc, "llama", JSONATA_OP_CONTAINS },
	{ "data[owned_by = 'openai' and $contains(id, 'gpt')].id", models_doc, "gpt-4o", JSONATA_OP_EQ },
	{ "data.id", models_doc, "x", JSONATA_OP_EQ },
	{ "data[info.meta.capabilities.vision = true].name", models_doc, "GPT", JSONATA_OP_CONTAINS },
	{ "$string(data[1])", models_doc, "gpt", JSONATA_OP_CONTAINS },
	{ "$sum(data.info.size) > 1000", models_doc, "true", JSONATA_OP_EQ },
	{ "\"gpt-4o\" in data.id", models_doc, "true", JSONATA_OP_EQ },
	{ "data[2].nested", models_doc, "1", JSONATA_OP_GE },
	{ "$length(data[1].name) >= 3 or $exists(detail)", models_doc, "true", JSONATA_OP_NE },
	{ "$number(data[1].info.size) < -data[0].created", models_doc, "0", JSONATA_OP_LT },
	{ "$boolean(data[0].tags) = $not(data[1].tags)", models_doc, "true", JSONATA_OP_EQ },
	{ "detail", detail_doc, "Not authenticated", JSONATA_OP_EQ },
	{ "$count(data[*])>0", detail_doc, "true", JSONATA_OP_EQ },
	{ "$[3] & 'x'", array_doc, "true", JSONATA_OP_EQ },            /* K0001 */
	{ "$count(data[*]", models_doc, "true", JSONATA_OP_EQ },       /* S0203 */
	{ "$number('abc')", models_doc, "1", JSONATA_OP_GT },          /* D3030 */
	{ "$[5][0]", array_doc, "true", JSONATA_OP_EQ },
	{ "$$", array_doc, "four", JSONATA_OP_CONTAINS },
	{ "data.id", bad_doc, "x", JSONATA_OP_EQ },                    /* bad JSON */
	/* NULL: the big document (sequences and strings that grow) */
	{ "$count(data[*])>0", NULL, "true", JSONATA_OP_EQ },
	{ "data[owned_by = 'ollama'].id", NULL, "m-1", JSONATA_OP_CONTAINS },
	{ "$sum(data.info.size) >= 1", NULL, "true", JSONATA_OP_EQ },
	{ "$string(data[[1,2,3] in info.size].name)", NULL, "x", JSONATA_OP_CONTAINS },
};

#define BIG_MODELS 300

/* {"data":[{"id":"m-0","name":"Model 0 \u00e9",...}, ...]}: ~40 KB. */
static char *big_doc_make(void)
{
	struct buf b;
	int i;

	buf_init(&b, 1 << 20);
	assert_int_equal(buf_append_str(&b, "{\"data\":["), KP_OK);
	for (i = 0; i < BIG_MODELS; i++)
		assert_int_equal(buf_printf(&b,
			"%s{\"id\":\"m-%d\",\"name\":\"Model %d \\u00e9\","
			"\"owned_by\":\"%s\",\"info\":{\"size\":%d.5,"
			"\"tags\":[\"t%d\",null,true]}}",
			i ? "," : "", i, i, i % 3 ? "ollama" : "openai", i, i % 7),
			KP_OK);
	assert_int_equal(buf_append_str(&b, "]}"), KP_OK);
	return buf_steal(&b);
}

/* What one pass over a case produced. */
struct outcome {
	bool compiled;
	char compile_code[8];
	bool parsed;
	enum kp_status parse_status;
	int eval_rc;
	char eval_code[8];
	struct buf out;
	int kuma_rc;
	bool pass;
	char value[64];
	struct kp_err reason;
	int kuma1_rc;          /* Kuma 1.23's rule on the same result */
	bool pass1;
	struct kp_err reason1;
	/* allocation count when each step ended (which step the failure hit) */
	unsigned long after_compile, after_parse, after_eval, after_kuma,
		after_kuma1;
};

static char *big_doc;

static void run_case(const struct eval_case *c, struct outcome *o)
{
	const char *text = c->doc != NULL ? c->doc : big_doc;
	struct jsonata_err jerr;
	struct jsonata_prog *prog;
	struct json_doc *doc = NULL;
	struct kp_err perr = { KP_OK, "" };

	memset(o, 0, sizeof(*o));
	buf_init(&o->out, 1 << 20);
	memset(&jerr, 0, sizeof(jerr));
	prog = jsonata_compile(c->expr, &jerr);
	o->after_compile = alloc_hook_count();
	o->compiled = prog != NULL;
	memcpy(o->compile_code, jerr.code, sizeof(o->compile_code));
	o->parsed = json_parse(text, strlen(text), &doc, &perr) == 0;
	o->after_parse = alloc_hook_count();
	o->parse_status = o->parsed ? KP_OK : perr.status;
	if (!o->parsed)
		doc = NULL;
	o->eval_rc = o->kuma_rc = o->kuma1_rc = 1; /* not run */
	if (prog != NULL && doc != NULL) {
		memset(&jerr, 0, sizeof(jerr));
		o->eval_rc = jsonata_eval_to_json(prog, doc, &o->out, &jerr);
		memcpy(o->eval_code, jerr.code, sizeof(o->eval_code));
		o->after_eval = alloc_hook_count();
		o->kuma_rc = jsonata_kuma_check(prog, doc, c->expected, c->op,
						&o->pass, o->value,
						sizeof(o->value), &o->reason);
		o->after_kuma = alloc_hook_count();
		o->kuma1_rc = jsonata_kuma1_check(prog, doc, c->expected, &o->pass1,
						  NULL, 0, &o->reason1);
		o->after_kuma1 = alloc_hook_count();
	}
	json_free(doc);
	jsonata_free(prog);
}

/* Is the failing allocation n inside (from, to]? */
static bool hit(unsigned long n, unsigned long from, unsigned long to)
{
	return n > from && n <= to;
}

static void compare(struct tally *t, unsigned long n, const struct outcome *ok,
		    const struct outcome *o)
{
	bool in_compile = hit(n, 0, o->after_compile);
	bool in_parse = hit(n, o->after_compile, o->after_parse);
	bool in_eval = o->eval_rc != 1 && hit(n, o->after_parse, o->after_eval);
	bool in_kuma = o->kuma_rc != 1 && hit(n, o->after_eval, o->after_kuma);
	bool in_kuma1 = o->kuma1_rc != 1 && hit(n, o->after_kuma, o->after_kuma1);

	/* Name the failing allocation within its step, too. */
	if (in_compile)
		snprintf(t->step, sizeof(t->step), "jsonata_compile's %lu", n);
	else if (in_parse)
		snprintf(t->step, sizeof(t->step), "json_parse's %lu",
			 n - o->after_compile);
	else if (in_eval)
		snprintf(t->step, sizeof(t->step), "jsonata_eval_to_json's %lu",
			 n - o->after_parse);
	else if (in_kuma)
		snprintf(t->step, sizeof(t->step), "jsonata_kuma_check's %lu",
			 n - o->after_eval);
	if (o->compiled != ok->compiled) {
		if (!in_compile || o->compiled || strcmp(o->compile_code, "K0003") != 0)
			problem(t, n, "jsonata_compile: %s, code \"%s\" (expected %s)",
				o->compiled ? "compiled" : "failed", o->compile_code,
				ok->compiled ? "success or K0003" : ok->compile_code);
		return;
	}
	if (!o->compiled && strcmp(o->compile_code, ok->compile_code) != 0 &&
	    !(in_compile && strcmp(o->compile_code, "K0003") == 0))
		problem(t, n, "jsonata_compile: code %s, expected %s or K0003",
			o->compile_code, ok->compile_code);
	if (o->parsed != ok->parsed || o->parse_status != ok->parse_status) {
		if (!in_parse || o->parsed || o->parse_status != KP_ENOMEM)
			problem(t, n, "json_parse: status %d, expected %d%s",
				(int)o->parse_status, (int)ok->parse_status,
				in_parse ? " or KP_ENOMEM" : "");
		return;
	}
	if (o->eval_rc == 1)
		return;
	if (o->eval_rc != ok->eval_rc || strcmp(o->eval_code, ok->eval_code) != 0 ||
	    strcmp(buf_str(&o->out), buf_str(&ok->out)) != 0) {
		if (!in_eval || o->eval_rc != -1 || strcmp(o->eval_code, "K0003") != 0)
			problem(t, n, "jsonata_eval_to_json: rc %d code \"%s\" \"%.60s\", "
				"expected rc %d code \"%s\" \"%.60s\"%s",
				o->eval_rc, o->eval_code, buf_str(&o->out),
				ok->eval_rc, ok->eval_code, buf_str(&ok->out),
				in_eval ? " or K0003" : "");
	}
	if (o->kuma_rc != ok->kuma_rc || o->pass != ok->pass ||
	    strcmp(o->reason.msg, ok->reason.msg) != 0) {
		if (!in_kuma || o->kuma_rc != -1 || o->reason.status != KP_ENOMEM)
			problem(t, n, "jsonata_kuma_check: rc %d pass %d status %d "
				"\"%.80s\", expected rc %d pass %d \"%.80s\"%s",
				o->kuma_rc, o->pass, (int)o->reason.status,
				o->reason.msg, ok->kuma_rc, ok->pass, ok->reason.msg,
				in_kuma ? " or KP_ENOMEM" : "");
	}
	if ((o->kuma1_rc != ok->kuma1_rc || o->pass1 != ok->pass1 ||
	     strcmp(o->reason1.msg, ok->reason1.msg) != 0) &&
	    (!in_kuma1 || o->kuma1_rc != -1 || o->reason1.status != KP_ENOMEM))
		problem(t, n, "jsonata_kuma1_check: rc %d pass %d status %d "
			"\"%.80s\", expected rc %d pass %d \"%.80s\"%s",
			o->kuma1_rc, o->pass1, (int)o->reason1.status,
			o->reason1.msg, ok->kuma1_rc, ok->pass1, ok->reason1.msg,
			in_kuma1 ? " or KP_ENOMEM" : "");
}

static void test_evaluator(void **state)
{
	char name[128];
	size_t i;
	unsigned long grand = 0, problems = 0;

	(void)state;
	big_doc = big_doc_make();
	for (i = 0; i < sizeof(eval_cases) / sizeof(eval_cases[0]); i++) {
		const struct eval_case *c = &eval_cases[i];
		struct tally t = { 0, 0, "" };
		struct outcome ok, o;
		unsigned long total, n;
		size_t before;

		snprintf(name, sizeof(name), "eval case %zu (%s)", i, c->expr);
		current_case = name;
		run_case(c, &ok); /* warm up */
		buf_free(&ok.out);
		alloc_hook_fail_at(0);
		run_case(c, &ok);
		total = alloc_hook_count();
		alloc_hook_reset();
		for (n = 1; n <= total; n++) {
			before = live_bytes();
			current_n = n;
			alloc_hook_fail_at(n);
			run_case(c, &o);
			if (!alloc_hook_failed())
				problem(&t, n, "the allocation never happened");
			alloc_hook_reset();
			t.runs++;
			t.step[0] = '\0';
			compare(&t, n, &ok, &o);
			buf_free(&o.out);
			if (live_bytes() != before)
				problem(&t, n, "leaked %zu bytes", live_bytes() - before);
		}
		buf_free(&ok.out);
		grand += total;
		problems += t.problems;
		if (t.problems > 0)
			print_message("%s: %lu allocations, %lu problems\n", name,
				      total, t.problems);
	}
	free(big_doc);
	big_doc = NULL;
	current_case = "";
	print_message("evaluator: %zu cases, %lu allocations failed in turn, "
		      "%lu problems\n",
		      sizeof(eval_cases) / sizeof(eval_cases[0]), grand, problems);
	assert_int_equal(problems, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_example),
		cmocka_unit_test(test_config_full),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_evaluator),
	};

	if (__sanitizer_set_death_callback != NULL)
		__sanitizer_set_death_callback(say_where);
	return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
