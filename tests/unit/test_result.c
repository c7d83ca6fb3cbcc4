/*
 * test_result.c - the outcome record's parser, its kept text and paths
 * into it (common/result.c), and bjobs' -filter/-sort/-n over records
 * (cli/jobsort.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../cli/cli.h"
#include "result.h"

static const struct {
	const char *in;
	const char *text;	/* result_text of the object; NULL: refused */
	const char *err;	/* the start of the reason */
} parse_cases[] = {
	{ "{}", "{}", NULL },
	{ "{\"loss\": 0.25, \"acc\": 0.93}", "{\"loss\":0.25,\"acc\":0.93}", NULL },
	{ " {\"a\" : [1, 2, {\"b\": null}]}\n", "{\"a\":[1,2,{\"b\":null}]}", NULL },
	{ "{\"x\": 0.30000000000000004}", "{\"x\":0.30000000000000004}", NULL },
	{ "{\"big\": 12345678901234567}", "{\"big\":12345678901234567}", NULL },
	{ "{\"s\": \"caf\\u00e9\"}", "{\"s\":\"caf\xc3\xa9\"}", NULL },
	{ "", NULL, "invalid JSON: " },
	{ "{bad", NULL, "invalid JSON: " },
	{ "{\"a\": 1} trailing", NULL, "invalid JSON: " },
	{ "[1, 2]", NULL, "invalid result: a JSON object" },
	{ "42", NULL, "invalid result: a JSON object" },
	{ "\"text\"", NULL, "invalid result: a JSON object" },
};

static void
test_parse(void **state)
{
	char err[256], *text;
	json_t *v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		err[0] = '\0';
		v = result_parse(parse_cases[i].in, strlen(parse_cases[i].in), err,
		    sizeof(err));
		if (parse_cases[i].text == NULL) {
			if (v != NULL)
				fail_msg("'%s' accepted", parse_cases[i].in);
			if (strncmp(err, parse_cases[i].err, strlen(parse_cases[i].err)) != 0)
				fail_msg("'%s': '%s'", parse_cases[i].in, err);
			continue;
		}
		if (v == NULL)
			fail_msg("'%s': %s", parse_cases[i].in, err);
		text = result_text(v);
		assert_string_equal(text, parse_cases[i].text);
		free(text);
		json_decref(v);
	}
}

/* The limit is on the text as written: 64 KB passes, one byte more not. */
static void
test_limit(void **state)
{
	size_t n = RESULT_MAX;
	char *buf = malloc(n + 2), err[256];
	json_t *v;

	(void)state;
	memset(buf, ' ', n + 1);
	memcpy(buf, "{\"pad\": 1}", 10);
	v = result_parse(buf, n, err, sizeof(err));
	assert_non_null(v);
	json_decref(v);
	assert_null(result_parse(buf, n + 1, err, sizeof(err)));
	assert_string_equal(err, "result of 65537 bytes is over the limit of 65536 bytes");
	free(buf);
}

static const struct {
	const char *path;
	const char *text;	/* NULL: no value */
} path_cases[] = {
	{ "loss", "0.25" },
	{ "name", "run 7" },
	{ "m.acc", "0.9" },
	{ "m.hist.1", "3" },
	{ "m.hist.9", NULL },
	{ "m.hist.x", NULL },
	{ "m.hist", "[2,3]" },
	{ "m", "{\"acc\":0.9,\"hist\":[2,3]}" },
	{ "loss.x", NULL },
	{ "none", NULL },
	{ "", "{\"loss\":0.25,\"name\":\"run 7\",\"m\":{\"acc\":0.9,\"hist\":[2,3]},"
	    "\"ok\":true}" },
	{ "ok", "true" },
};

static void
test_path(void **state)
{
	json_t *obj = json_loads("{\"loss\": 0.25, \"name\": \"run 7\", \"m\": "
	    "{\"acc\": 0.9, \"hist\": [2, 3]}, \"ok\": true}", 0, NULL);
	char *t;
	double d;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(path_cases) / sizeof(path_cases[0]); i++) {
		t = result_value_text(result_path(obj, path_cases[i].path));
		if (path_cases[i].text == NULL) {
			if (t != NULL)
				fail_msg("'%s': '%s'", path_cases[i].path, t);
			continue;
		}
		if (t == NULL)
			fail_msg("'%s': no value", path_cases[i].path);
		assert_string_equal(t, path_cases[i].text);
		free(t);
	}
	assert_int_equal(result_number(result_path(obj, "m.acc"), &d), 0);
	assert_true(d > 0.89 && d < 0.91);
	assert_int_equal(result_number(result_path(obj, "name"), &d), -1);
	json_decref(obj);
}

/* Records of an array's elements, as the master sends them to bjobs. */
static json_t *
sort_records(void)
{
	return json_loads("["
	    "{\"id\":42,\"idx\":1,\"result\":{\"accuracy\":0.5}},"
	    "{\"id\":42,\"idx\":2,\"result\":{\"accuracy\":0.91}},"
	    "{\"id\":42,\"idx\":3},"
	    "{\"id\":42,\"idx\":4,\"result\":{\"accuracy\":0.95}},"
	    "{\"id\":42,\"idx\":5,\"result\":{\"accuracy\":0.7}},"
	    "{\"id\":42,\"idx\":6,\"result\":{\"accuracy\":10}}"
	    "]", 0, NULL);
}

/* The idx of each record, "4 2 ..." */
static void
sort_expect(const json_t *jobs, const char *want)
{
	char got[256] = "";
	const json_t *r;
	size_t i, n = 0;

	json_array_foreach(jobs, i, r)
		n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%lld", i ? " " : "",
		    (long long)json_integer_value(json_object_get(r, "idx")));
	assert_string_equal(got, want);
}

static const struct {
	const char *sort, *filter, *n;
	const char *want;
} sort_cases[] = {
	/* numbers as numbers (10 above 0.95); no value last either way */
	{ "-result.accuracy", NULL, "3", "6 4 2" },
	{ "result.accuracy", NULL, NULL, "1 5 2 4 6 3" },
	{ "-result.accuracy", NULL, NULL, "6 4 2 5 1 3" },
	{ NULL, "result.accuracy>=0.9", NULL, "2 4 6" },
	{ NULL, "result.accuracy > 0.6 && result.accuracy<1", NULL, "2 4 5" },
	{ NULL, "result.accuracy==0.5", NULL, "1" },
	{ NULL, "result.accuracy!=0.5", NULL, "2 3 4 5 6" },
	{ "-jobindex", "result.accuracy<1", "2", "5 4" },
	{ NULL, NULL, "0", "" },
};

static void
test_sort(void **state)
{
	struct jobsort *s;
	char err[256];
	json_t *jobs;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(sort_cases) / sizeof(sort_cases[0]); i++) {
		jobs = sort_records();
		if (jobsort_new(sort_cases[i].sort, sort_cases[i].filter, sort_cases[i].n,
		    &s, err, sizeof(err)) < 0)
			fail_msg("case %zu: %s", i, err);
		jobsort_filter(s, jobs);
		jobsort_finish(s, jobs);
		sort_expect(jobs, sort_cases[i].want);
		jobsort_free(s);
		json_decref(jobs);
	}
}

static const struct {
	const char *sort, *filter, *n, *err;
} sort_bad[] = {
	{ "nosuchfield", NULL, NULL, "Output field <nosuchfield> is not a valid field name" },
	{ NULL, "result.accuracy", NULL, "-filter: <result.accuracy> is not FIELD OP VALUE" },
	{ NULL, NULL, "many", "-n: <many> is not a number of jobs" },
	{ NULL, NULL, "-1", "-n: <-1> is not a number of jobs" },
};

static void
test_sort_bad(void **state)
{
	struct jobsort *s;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(sort_bad) / sizeof(sort_bad[0]); i++) {
		assert_int_equal(jobsort_new(sort_bad[i].sort, sort_bad[i].filter,
		    sort_bad[i].n, &s, err, sizeof(err)), -1);
		if (strncmp(err, sort_bad[i].err, strlen(sort_bad[i].err)) != 0)
			fail_msg("case %zu: '%s'", i, err);
	}
}

/* -o "jobid result result.m.x result_error": text, and -json's values. */
static void
test_cols(void **state)
{
	json_t *jobs = json_loads("["
	    "{\"id\":7,\"idx\":0,\"result\":{\"m\":{\"x\":0.5},\"s\":\"a b\"}},"
	    "{\"id\":8,\"idx\":0,\"result_error\":\"invalid JSON: x\"}]", 0, NULL);
	char err[256], *text = NULL;
	size_t len = 0;
	struct jobfmt_cols *c = jobfmt_cols_parse("jobid result result.m.x result_error",
	    err, sizeof(err));
	FILE *fp;

	(void)state;
	assert_non_null(c);
	fp = open_memstream(&text, &len);
	jobfmt_cols_print(fp, c, jobs, false);
	fclose(fp);
	assert_string_equal(text,
	    "JOBID RESULT RESULT.m.x RESULT_ERROR\n"
	    "7 {\"m\":{\"x\":0.5},\"s\":\"a b\"} 0.5 -\n"
	    "8 - - invalid JSON: x\n");
	free(text);
	fp = open_memstream(&text, &len);
	jobfmt_cols_json(fp, c, jobs, NULL);
	fclose(fp);
	assert_string_equal(text,
	    "{\n  \"COMMAND\":\"bjobs\",\n  \"JOBS\":2,\n  \"RECORDS\":[\n"
	    "    {\n      \"JOBID\":\"7\",\n"
	    "      \"RESULT\":{\"m\":{\"x\":0.5},\"s\":\"a b\"},\n"
	    "      \"RESULT.m.x\":0.5,\n      \"RESULT_ERROR\":\"\"\n    },\n"
	    "    {\n      \"JOBID\":\"8\",\n      \"RESULT\":null,\n"
	    "      \"RESULT.m.x\":null,\n"
	    "      \"RESULT_ERROR\":\"invalid JSON: x\"\n    }\n  ]\n}\n");
	free(text);
	jobfmt_cols_free(c);
	json_decref(jobs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_sort_bad),
		cmocka_unit_test(test_cols),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
