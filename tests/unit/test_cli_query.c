/*
 * test_cli_query.c - golden output of the query formats on canned JSON:
 * bjobs -l (wrapping, the words Toil greps), -UF, -A, the new -o fields
 * and -json, bhist's state times and -l, bacct -l and its SUMMARY. Times
 * are UTC (TZ is set before anything is formatted).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "../../cli/cli.h"
#include "../../cli/query.h"

#define T0 1795315210L		/* Sun Nov 22 02:40:10 2026 UTC */

static char *
mem_text(void (*fn)(FILE *, void *), void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	fn(fp, arg);
	fclose(fp);
	return buf;
}

static json_t *
rec_done(void)
{
	return json_pack("{s:i, s:i, s:s, s:s, s:s, s:s, s:s, s:[s], s:I, s:I, s:I,"
	    " s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:f, s:i, s:s, s:{s:s, s:[s,s], s:s,"
	    " s:b, s:s}}",
	    "id", 12, "idx", 0, "name", "toil_job_1", "user", "root", "stat", "DONE",
	    "queue", "normal", "from_host", "front", "exec_hosts", "node1",
	    "submit_time", (json_int_t)T0, "start_time", (json_int_t)(T0 + 1),
	    "finish_time", (json_int_t)(T0 + 5), "exit_code", 0, "exit_reason", "",
	    "pend_reason", "", "cmd", "echo a very long command line that goes on "
	    "and on past the eightieth column", "subcwd", "/data/t1",
	    "exec_cwd", "/data/t1", "project", "proj1", "cpu", 0.25,
	    "maxrss", 5452595, "dep", "",
	    "opts", "o", "out.%J", "R", "select[mem>1024MB]", "rusage[mem=1024MB]",
	    "M", "1024MB", "x", 1, "zz", "new");
}

static json_t *
rec_exit(void)
{
	return json_pack("{s:i, s:i, s:s, s:s, s:s, s:s, s:s, s:[s], s:I, s:I, s:I,"
	    " s:i, s:s, s:s, s:s, s:s, s:f, s:i}",
	    "id", 13, "idx", 0, "name", "bad", "user", "root", "stat", "EXIT",
	    "queue", "normal", "from_host", "front", "exec_hosts", "node2",
	    "submit_time", (json_int_t)T0, "start_time", (json_int_t)(T0 + 2),
	    "finish_time", (json_int_t)(T0 + 3), "exit_code", 3,
	    "exit_reason", "TERM_OWNER: job killed by owner", "pend_reason", "",
	    "cmd", "exit 3", "subcwd", "/d", "cpu", 0.0, "maxrss", 0);
}

static json_t *
rec_pend(void)
{
	return json_pack("{s:i, s:i, s:s, s:s, s:s, s:s, s:s, s:[], s:I, s:i,"
	    " s:i, s:s, s:s, s:s, s:s, s:s}",
	    "id", 14, "idx", 0, "name", "wait", "user", "root", "stat", "PEND",
	    "queue", "normal", "from_host", "front", "exec_hosts",
	    "submit_time", (json_int_t)T0, "start_time", 0, "finish_time", 0,
	    "exit_reason", "", "pend_reason", "Job dependency condition not satisfied",
	    "cmd", "true", "subcwd", "/d", "project", "default");
}

static void
run_long(FILE *fp, void *arg)
{
	joblong_print(fp, arg, false);
}

static void
run_long_uf(FILE *fp, void *arg)
{
	joblong_print(fp, arg, true);
}

/* Deletes "\n" + 21 spaces, as Toil does. */
static char *
unwrap(const char *s)
{
	char *out = strdup(s), *p = out;
	const char *pad = "\n                     ";

	while (*s) {
		if (strncmp(s, pad, strlen(pad)) == 0) {
			s += strlen(pad);
			continue;
		}
		*p++ = *s++;
	}
	*p = '\0';
	return out;
}

static void
test_long_words(void **state)
{
	json_t *jobs = json_pack("[o, o, o]", rec_done(), rec_exit(), rec_pend());
	char *out = mem_text(run_long, jobs), *flat = unwrap(out), *line;

	assert_non_null(strstr(flat, "\nJob <12>, Job Name <toil_job_1>, User <root>, "
	    "Project <proj1>, Status <DONE>, Queue <normal>, Command <echo a very long "
	    "command line that goes on and on past the eightieth column>\n"));
	assert_non_null(strstr(flat, "Sun Nov 22 02:40:10: Submitted from host <front>, "
	    "CWD </data/t1>, Output File <out.%J>, Requested Resources "
	    "<select[mem>1024MB] rusage[mem=1024MB]>, Exclusive Execution, "
	    "Option -zz <new>;\n"));
	assert_non_null(strstr(flat, "Sun Nov 22 02:40:11: Started on <node1>, "
	    "Execution Home <"));
	assert_non_null(strstr(flat, "Sun Nov 22 02:40:15: Done successfully. The CPU "
	    "time used is 0.2 seconds.\n"));
	assert_non_null(strstr(flat, " MAX MEM: 5.2 Gbytes;"));
	assert_non_null(strstr(flat, "\n MEMLIMIT\n 1024MB\n"));
	assert_non_null(strstr(flat, "Status <EXIT>"));
	assert_non_null(strstr(flat, "Exited with exit code 3. The CPU time used is "
	    "0.0 seconds.\n"));
	assert_non_null(strstr(flat, "Completed <exit>; TERM_OWNER: job killed by owner."));
	assert_non_null(strstr(flat, "Status <PEND>"));
	assert_non_null(strstr(flat, "\n PENDING REASONS:\n Job dependency condition "
	    "not satisfied;\n"));
	/* every physical line fits in 80 columns; continuations are indented */
	for (line = strtok(out, "\n"); line != NULL; line = strtok(NULL, "\n"))
		assert_true(strlen(line) <= 80);
	free(out);
	free(flat);
	json_decref(jobs);
}

static void
test_long_wrap_exact(void **state)
{
	char buf[256];
	FILE *fp;
	char *text = NULL;
	size_t len = 0;
	int i;

	for (i = 0; i < 150; i++)
		buf[i] = (char)('a' + i % 26);
	buf[150] = '\0';
	fp = open_memstream(&text, &len);
	joblong_line(fp, buf, false);
	fclose(fp);
	/* 80 + 59 + 11 characters, the last two lines after 21 spaces */
	assert_int_equal(len, 81 + 21 + 60 + 21 + 12);
	assert_memory_equal(text + 81, "                     ", 21);
	assert_memory_equal(text + 102, buf + 80, 59);
	free(text);
}

static void
test_long_uf(void **state)
{
	json_t *jobs = json_pack("[o]", rec_done());
	char *out = mem_text(run_long_uf, jobs);

	assert_non_null(strstr(out, "Command <echo a very long command line that goes "
	    "on and on past the eightieth column>\n"));
	assert_null(strstr(out, "\n                     "));
	free(out);
	json_decref(jobs);
}

static void
run_array(FILE *fp, void *arg)
{
	jobarray_print(fp, arg, false, false);
}

static void
test_array_summary(void **state)
{
	json_t *jobs = json_array();
	const char *stats[] = { "DONE", "RUN", "PEND", "PEND", "EXIT" };
	char *out;
	int i;

	json_array_append_new(jobs, rec_pend());	/* not an array: no row */
	for (i = 0; i < 5; i++)
		json_array_append_new(jobs, json_pack("{s:i, s:i, s:s, s:s, s:s, s:s}",
		    "id", 20, "idx", i + 1, "name", "arr", "array", "1-5", "user",
		    "alice", "stat", stats[i]));
	out = mem_text(run_array, jobs);
	assert_string_equal(out,
	    "JOBID    ARRAY_SPEC  OWNER   NJOBS PEND DONE  RUN EXIT SSUSP USUSP PSUSP\n"
	    "20       arr[1-5]    alice       5    2    1    1    1     0     0     0\n");
	free(out);
	json_decref(jobs);
}

struct cols_arg {
	const char *spec;
	json_t *jobs;
	bool json;
};

static void
run_cols(FILE *fp, void *arg)
{
	struct cols_arg *a = arg;
	char err[256];
	struct jobfmt_cols *c = jobfmt_cols_parse(a->spec, err, sizeof(err));

	assert_non_null(c);
	if (a->json)
		jobfmt_cols_json(fp, c, a->jobs, NULL);
	else
		jobfmt_cols_print(fp, c, a->jobs, true);
	jobfmt_cols_free(c);
}

static void
test_cols_fields(void **state)
{
	static const struct {
		const char *spec, *want;
	} rows[] = {
		{ "jobid stat finish_time", "12 DONE Nov 22 02:40 L\n" },
		{ "max_mem", "5.2 Gbytes\n" },
		{ "run_time", "4 second(s)\n" },
		{ "proj_name", "proj1\n" },
		{ "exec_cwd", "/data/t1\n" },
		{ "effective_resreq", "select[mem>1024MB] rusage[mem=1024MB]\n" },
		{ "time_left swap pids", "- - -\n" },
		{ "first_host nexec_host", "node1 1\n" },
		{ "exit_code", "-\n" },
	};
	json_t *jobs = json_pack("[o]", rec_done());
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct cols_arg a = { rows[i].spec, jobs, false };
		char *out = mem_text(run_cols, &a);
		assert_string_equal(out, rows[i].want);
		free(out);
	}
	json_decref(jobs);
}

static void
test_cols_json_toil(void **state)
{
	json_t *jobs = json_pack("[o, o]", rec_done(), rec_exit());
	struct cols_arg a = { "jobid user exit_code stat exit_reason pend_reason",
	    jobs, true };
	char *out = mem_text(run_cols, &a);
	json_t *doc = json_loads(out, 0, NULL), *r;

	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "COMMAND")), "bjobs");
	r = json_array_get(json_object_get(doc, "RECORDS"), 0);
	assert_string_equal(json_string_value(json_object_get(r, "JOBID")), "12");
	assert_string_equal(json_string_value(json_object_get(r, "EXIT_CODE")), "");
	assert_string_equal(json_string_value(json_object_get(r, "STAT")), "DONE");
	r = json_array_get(json_object_get(doc, "RECORDS"), 1);
	assert_string_equal(json_string_value(json_object_get(r, "EXIT_CODE")), "3");
	assert_string_equal(json_string_value(json_object_get(r, "EXIT_REASON")),
	    "TERM_OWNER: job killed by owner");
	json_decref(doc);
	free(out);
	json_decref(jobs);
}

static void
test_cols_json_empty(void **state)
{
	json_t *jobs = json_array();
	struct cols_arg a = { "jobid stat", jobs, true };
	char *out = mem_text(run_cols, &a);

	assert_string_equal(out, "{\n  \"COMMAND\":\"bjobs\",\n  \"JOBS\":0,\n"
	    "  \"RECORDS\":[\n  ]\n}\n");
	free(out);
	json_decref(jobs);
}

/* rec_done asking -n 2,4 with a 10 minute run limit. */
static json_t *
rec_slots(void)
{
	json_t *r = rec_done(), *opts = json_object_get(r, "opts");

	json_object_set_new(r, "nslots", json_integer(2));
	json_object_set_new(opts, "n", json_string("2,4"));
	json_object_set_new(opts, "W", json_string("10"));
	return r;
}

struct cols_case {
	const char *spec;
	bool hms, header;
	json_t *jobs;
};

static void
run_cols_case(FILE *fp, void *arg)
{
	struct cols_case *a = arg;
	char err[256];
	struct jobfmt_cols *c = jobfmt_cols_parse(a->spec, err, sizeof(err));

	assert_non_null(c);
	jobfmt_cols_hms(c, a->hms);
	jobfmt_cols_print(fp, c, a->jobs, !a->header);
	jobfmt_cols_free(c);
}

/* nreq_slot, ":unit", -hms, and widths that never cut a job id. */
static void
test_cols_units_hms(void **state)
{
	static const struct {
		const char *spec;
		bool hms, header;
		const char *want;
	} rows[] = {
		{ "nreq_slot slots", false, true, "NREQ_SLOT SLOTS\n2,4 2\n3 3\n" },
		{ "max_mem::MB", false, false, "5324.80M\n-\n" },
		{ "max_mem::g memlimit::GB", false, false, "5.20G 1.00G\n- -\n" },
		{ "max_mem:12:TB max_mem:-12:kb mem::G", false, false,
		    "0.01T         5452595.00K -\n-                       - -\n" },
		{ "memlimit stat:4:KB", false, false, "1024MB DONE\n- EXIT\n" },
		{ "run_time cpu_used runtimelimit", true, false,
		    "00:00:04 00:00:01 00:10:00\n00:00:01 00:00:00 -\n" },
		{ "run_time cpu_used runtimelimit", false, false,
		    "4 second(s) 0.2 second(s) 10\n1 second(s) 0.0 second(s) -\n" },
		{ "jobid:1 stat", false, true, "JO STAT\n12 DONE\n13 EXIT\n" },
		{ "id:-1 stat:2", false, false, "12 DO\n13 EX\n" },
	};
	json_t *jobs = json_pack("[o, o]", rec_slots(), rec_exit());
	size_t i;

	json_object_set_new(json_array_get(jobs, 1), "nslots", json_integer(3));
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct cols_case a = { rows[i].spec, rows[i].hms, rows[i].header, jobs };
		char *out = mem_text(run_cols_case, &a);
		assert_string_equal(out, rows[i].want);
		free(out);
	}
	json_decref(jobs);
}

static void
test_cols_bad_unit(void **state)
{
	char err[256];

	assert_null(jobfmt_cols_parse("max_mem:10:XB", err, sizeof(err)));
	assert_string_equal(err, "Bad unit <XB> for output field <max_mem>");
	assert_null(jobfmt_cols_parse("max_mem:10:", err, sizeof(err)));
}

/* Two names of one field: one JSON key, the first asked. */
static void
test_cols_json_unique(void **state)
{
	json_t *jobs = json_pack("[o]", rec_slots());
	struct cols_arg a = { "jobid id stat JOBID nreq_slot slots", jobs, true };
	char *out = mem_text(run_cols, &a);

	assert_string_equal(out, "{\n  \"COMMAND\":\"bjobs\",\n  \"JOBS\":1,\n"
	    "  \"RECORDS\":[\n    {\n      \"JOBID\":\"12\",\n      \"STAT\":\"DONE\",\n"
	    "      \"NREQ_SLOT\":\"2,4\",\n      \"SLOTS\":\"2\"\n    }\n  ]\n}\n");
	free(out);
	json_decref(jobs);
}

static void
run_cols_all(FILE *fp, void *arg)
{
	struct jobfmt_cols *c = jobfmt_cols_all();

	jobfmt_cols_json(fp, c, arg, NULL);
	jobfmt_cols_free(c);
}

/* bjobs -json -l: every field of the -o table, once each. */
static void
test_cols_json_all(void **state)
{
	json_t *jobs = json_pack("[o]", rec_done());
	char *out = mem_text(run_cols_all, jobs);
	json_t *doc = json_loads(out, 0, NULL), *r;
	char err[256];

	assert_non_null(doc);
	r = json_array_get(json_object_get(doc, "RECORDS"), 0);
	assert_int_equal(json_object_size(r), 51);	/* RESULT, RESULT_ERROR too */
	assert_string_equal(json_string_value(json_object_get(r, "JOBID")), "12");
	assert_string_equal(json_string_value(json_object_get(r, "COMMAND")),
	    "echo a very long command line that goes on and on past the eightieth column");
	assert_string_equal(json_string_value(json_object_get(r, "MAX_MEM")), "5.2 Gbytes");
	assert_string_equal(json_string_value(json_object_get(r, "EXIT_CODE")), "");
	/* each key is a field -o accepts */
	{
		const char *key;
		json_t *v;
		json_object_foreach(r, key, v) {
			struct jobfmt_cols *c = jobfmt_cols_parse(key, err, sizeof(err));
			assert_non_null(c);
			jobfmt_cols_free(c);
		}
	}
	json_decref(doc);
	free(out);
	json_decref(jobs);
}

static void
run_array_json(FILE *fp, void *arg)
{
	json_t *records = jobarray_records(arg, false);

	jobfmt_json_records(fp, records, NULL);
	json_decref(records);
}

/* bjobs -json -A: the summary's columns as records. */
static void
test_array_json(void **state)
{
	json_t *jobs = json_array();
	const char *stats[] = { "DONE", "RUN", "PEND" };
	char *out;
	int i;

	json_array_append_new(jobs, rec_pend());	/* not an array: no record */
	for (i = 0; i < 3; i++)
		json_array_append_new(jobs, json_pack("{s:i, s:i, s:s, s:s, s:s, s:s}",
		    "id", 20, "idx", i + 1, "name", "arr", "array", "1-3", "user",
		    "alice", "stat", stats[i]));
	out = mem_text(run_array_json, jobs);
	assert_string_equal(out, "{\n  \"COMMAND\":\"bjobs\",\n  \"JOBS\":1,\n"
	    "  \"RECORDS\":[\n    {\n      \"JOBID\":\"20\",\n"
	    "      \"ARRAY_SPEC\":\"arr[1-3]\",\n      \"OWNER\":\"alice\",\n"
	    "      \"NJOBS\":\"3\",\n      \"PEND\":\"1\",\n      \"DONE\":\"1\",\n"
	    "      \"RUN\":\"1\",\n      \"EXIT\":\"0\",\n      \"SSUSP\":\"0\",\n"
	    "      \"USUSP\":\"0\",\n      \"PSUSP\":\"0\"\n    }\n  ]\n}\n");
	free(out);
	json_decref(jobs);
}

/* A history reply: job 12 (DONE) with its events, job 13 killed pending. */
static json_t *
hist_reply(void)
{
	json_t *r12 = rec_done(), *r13 = rec_exit();

	json_object_set_new(r13, "start_time", json_integer(0));
	json_object_set_new(r13, "exit_code", json_integer(0));
	return json_pack("[{s:i, s:[o], s:[{s:i, s:s, s:I, s:{s:s, s:s, s:s, s:{s:s}}},"
	    " {s:i, s:s, s:I, s:{s:[s]}}, {s:i, s:s, s:I, s:{s:s, s:i, s:f}}]},"
	    " {s:i, s:[o], s:[{s:i, s:s, s:I, s:{s:s, s:s, s:s}},"
	    " {s:i, s:s, s:I, s:{s:s, s:s}}]}]",
	    "id", 12, "records", r12, "events",
	    "idx", 0, "type", "submit", "time", (json_int_t)T0, "data", "from_host",
	    "front", "queue", "normal", "subcwd", "/data/t1", "opts", "P", "proj1",
	    "idx", 0, "type", "start", "time", (json_int_t)(T0 + 1), "data", "hosts",
	    "node1",
	    "idx", 0, "type", "finish", "time", (json_int_t)(T0 + 5), "data", "state",
	    "DONE", "exit_code", 0, "cpu", 0.25,
	    "id", 13, "records", r13, "events",
	    "idx", 0, "type", "submit", "time", (json_int_t)T0, "data", "from_host",
	    "front", "queue", "normal", "subcwd", "/d",
	    "idx", -1, "type", "kill", "time", (json_int_t)(T0 + 3), "data", "reason",
	    "TERM_OWNER: job killed by owner", "by", "root");
}

static void
run_hsum(FILE *fp, void *arg)
{
	histfmt_summary(fp, arg, T0 + 100);
}

static void
run_hlong(FILE *fp, void *arg)
{
	histfmt_long(fp, arg, false, T0 + 100);
}

static void
run_acct(FILE *fp, void *arg)
{
	histfmt_acct(fp, arg, true, false, "all");
}

static void
test_bhist_summary(void **state)
{
	json_t *jobs = hist_reply();
	char *out = mem_text(run_hsum, jobs);

	assert_string_equal(out,
	    "Summary of time in seconds spent in various states:\n"
	    "JOBID   USER    JOB_NAME  PEND    PSUSP   RUN     USUSP   SSUSP   UNKWN   TOTAL\n"
	    "12      root    *il_job_1 1       0       4       0       0       0       5\n"
	    "13      root    bad       3       0       0       0       0       0       3\n");
	free(out);
	json_decref(jobs);
}

static void
test_bhist_long(void **state)
{
	json_t *jobs = hist_reply();
	char *out = mem_text(run_hlong, jobs), *flat = unwrap(out);

	assert_non_null(strstr(flat, "Job <12>, Job Name <toil_job_1>, User <root>, "
	    "Project <proj1>, Command <"));
	assert_non_null(strstr(flat, "Sun Nov 22 02:40:10: Submitted from host <front>, "
	    "to Queue <normal>, CWD </data/t1>;\n"));
	assert_non_null(strstr(flat, "Sun Nov 22 02:40:11: Dispatched 1 Task(s) on "
	    "Host(s) <node1>;\n"));
	assert_non_null(strstr(flat, "Done successfully. The CPU time used is 0.2 "
	    "seconds;\n"));
	assert_non_null(strstr(flat, "Sun Nov 22 02:40:15: Completed <done>.\n"));
	assert_non_null(strstr(flat, "Signal <KILL> requested by user or administrator "
	    "<root>;\n"));
	assert_non_null(strstr(flat, "Completed <exit>; TERM_OWNER: job killed by "
	    "owner.\n"));
	assert_non_null(strstr(flat, "  PEND     PSUSP    RUN      USUSP    SSUSP    "
	    "UNKWN    TOTAL\n  1        0        4        0        0        0        5\n"));
	free(out);
	free(flat);
	json_decref(jobs);
}

static void
test_bacct_long(void **state)
{
	json_t *jobs = hist_reply();
	char *out = mem_text(run_acct, jobs);

	assert_non_null(strstr(out, "Status <DONE>"));
	assert_non_null(strstr(out, "Completed <done>."));
	assert_non_null(strstr(out, "Completed <exit>; TERM_OWNER: job killed by owner."));
	assert_non_null(strstr(out, "     CPU_T     WAIT     TURNAROUND   STATUS     "
	    "HOG_FACTOR    MEM    SWAP\n      0.25        1              5     done"
	    "         0.0500   5.2G       -\n"));
	assert_non_null(strstr(out, " Total number of done jobs:       1      Total "
	    "number of exited jobs:     1\n"));
	assert_non_null(strstr(out, " Average turnaround time:         4 (seconds/job)\n"));
	assert_int_equal(histfmt_nfinished(jobs), 2);
	free(out);
	json_decref(jobs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_long_words),
		cmocka_unit_test(test_long_wrap_exact),
		cmocka_unit_test(test_long_uf),
		cmocka_unit_test(test_array_summary),
		cmocka_unit_test(test_cols_fields),
		cmocka_unit_test(test_cols_json_toil),
		cmocka_unit_test(test_cols_json_empty),
		cmocka_unit_test(test_cols_units_hms),
		cmocka_unit_test(test_cols_bad_unit),
		cmocka_unit_test(test_cols_json_unique),
		cmocka_unit_test(test_cols_json_all),
		cmocka_unit_test(test_array_json),
		cmocka_unit_test(test_bhist_summary),
		cmocka_unit_test(test_bhist_long),
		cmocka_unit_test(test_bacct_long),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
