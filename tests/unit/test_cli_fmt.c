/*
 * test_cli_fmt.c - the CLI's pure parts: bjobs table and -o/-json output
 * from canned JOBRECs, bhosts/bqueues rows, job id selectors, bsub option
 * merging with #BSUB lines, bjobs flag clusters, bkill signal names and
 * bsub -env.
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
#include "testlib.h"

/* Runs fn into a memory stream and returns the text (malloc'd). */
static char *
capture_table(const json_t *jobs, const struct jobfmt *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	jobfmt_table(fp, jobs, f);
	fclose(fp);
	return buf;
}

static json_t *
canned_jobs(long t)
{
	return json_pack("[{s:I, s:i, s:s, s:s, s:s, s:s, s:s, s:[s,s], s:I, s:s},"
	    "{s:i, s:i, s:s, s:s, s:s, s:s, s:s, s:[], s:I, s:s}]",
	    "id", (json_int_t)123456789, "idx", 0, "name", "Snakemake_rule_x:a=1___(uuid)",
	    "user", "alice", "stat", "RUN", "queue", "normal", "from_host", "front",
	    "exec_hosts", "n1", "n2", "submit_time", (json_int_t)t, "pend_reason", "",
	    "id", 7, "idx", 4, "name", "arr", "user", "bob", "stat", "PEND",
	    "queue", "short", "from_host", "front", "exec_hosts",
	    "submit_time", (json_int_t)t, "pend_reason", "New job is waiting for scheduling");
}

static long
fixed_time(char *tbuf, size_t len)
{
	struct tm tm = { .tm_year = 126, .tm_mon = 0, .tm_mday = 5, .tm_hour = 9,
	    .tm_min = 3, .tm_isdst = -1 };
	long t = (long)mktime(&tm);

	jobfmt_time(t, tbuf, len);
	return t;
}

static void
test_time(void **state)
{
	char buf[32];

	fixed_time(buf, sizeof(buf));
	assert_string_equal(buf, "Jan  5 09:03");
	jobfmt_time(0, buf, sizeof(buf));
	assert_string_equal(buf, "");
}

static void
test_name(void **state)
{
	json_t *a = json_pack("{s:s, s:i}", "name", "arr", "idx", 4);
	json_t *b = json_pack("{s:s, s:i}", "name", "arr[4]", "idx", 4);
	json_t *c = json_pack("{s:s, s:i}", "name", "plain", "idx", 0);
	char *s;

	s = jobfmt_name(a);
	assert_string_equal(s, "arr[4]");
	free(s);
	s = jobfmt_name(b);
	assert_string_equal(s, "arr[4]");
	free(s);
	s = jobfmt_name(c);
	assert_string_equal(s, "plain");
	free(s);
	json_decref(a);
	json_decref(b);
	json_decref(c);
}

static void
test_table_narrow(void **state)
{
	struct jobfmt f = { false, false, true, false };
	char tb[32], *out, *want;
	long t = fixed_time(tb, sizeof(tb));
	json_t *jobs = canned_jobs(t);

	out = capture_table(jobs, &f);
	want = "JOBID   USER    STAT  QUEUE      FROM_HOST   EXEC_HOST   JOB_NAME   SUBMIT_TIME\n"
	    "123456789 alice   RUN   normal     front       n1          *___(uuid) Jan  5 09:03\n"
	    "                                             n2\n"
	    "7       bob     PEND  short      front                   arr[4]     Jan  5 09:03\n"
	    " New job is waiting for scheduling;\n";
	assert_string_equal(out, want);
	free(out);
	json_decref(jobs);
}

static void
test_table_wide(void **state)
{
	struct jobfmt f = { true, true, false, false };
	char tb[32], *out;
	long t = fixed_time(tb, sizeof(tb));
	json_t *jobs = canned_jobs(t);

	out = capture_table(jobs, &f);
	assert_string_equal(out,
	    "123456789 alice   RUN   normal     front       n1:n2       "
	    "Snakemake_rule_x:a=1___(uuid) Jan  5 09:03\n"
	    "7       bob     PEND  short      front                   arr[4]     Jan  5 09:03\n");
	free(out);
	json_decref(jobs);
}

static void
test_cols(void **state)
{
	char err[256], *buf = NULL;
	size_t len = 0;
	struct jobfmt_cols *c;
	json_t *jobs = json_pack("[{s:i, s:s, s:i, s:s}, {s:i, s:s, s:i, s:s}]",
	    "id", 5, "stat", "DONE", "exit_code", 0, "exit_reason", "",
	    "id", 6, "stat", "EXIT", "exit_code", 2, "exit_reason", "TERM_OWNER: x/y");
	json_t *missing = json_pack("[s]", "Job <9> is not found");
	FILE *fp;

	assert_null(jobfmt_cols_parse("jobid bogus", err, sizeof(err)));
	assert_string_equal(err, "Output field <bogus> is not a valid field name");
	/* found by fuzz_jobcols: a width past int wrapped (UBSan) */
	assert_null(jobfmt_cols_parse("jobid:99999999999", err, sizeof(err)));
	assert_string_equal(err, "Bad width for output field <jobid>");
	assert_null(jobfmt_cols_parse("name:4097", err, sizeof(err)));
	c = jobfmt_cols_parse("name:4096", err, sizeof(err));
	assert_non_null(c);
	jobfmt_cols_free(c);
	c = jobfmt_cols_parse("ID stat exit_code delimiter='|'", err, sizeof(err));
	assert_non_null(c);
	fp = open_memstream(&buf, &len);
	jobfmt_cols_print(fp, c, jobs, false);
	fclose(fp);
	assert_string_equal(buf, "JOBID|STAT|EXIT_CODE\n5|DONE|-\n6|EXIT|2\n");
	free(buf);
	jobfmt_cols_free(c);
	c = jobfmt_cols_parse("jobid exit_code exit_reason", err, sizeof(err));
	fp = open_memstream(&buf, &len);
	jobfmt_cols_json(fp, c, jobs, missing);
	fclose(fp);
	assert_string_equal(buf, "{\n  \"COMMAND\":\"bjobs\",\n  \"JOBS\":3,\n"
	    "  \"RECORDS\":[\n    {\n      \"JOBID\":\"5\",\n      \"EXIT_CODE\":\"\",\n"
	    "      \"EXIT_REASON\":\"\"\n    },\n    {\n      \"JOBID\":\"6\",\n"
	    "      \"EXIT_CODE\":\"2\",\n      \"EXIT_REASON\":\"TERM_OWNER: x/y\"\n"
	    "    },\n    {\n      \"ERROR\":\"Job <9> is not found\"\n    }\n  ]\n}\n");
	free(buf);
	jobfmt_cols_free(c);
	json_decref(jobs);
	json_decref(missing);
}

static void
test_hosts_queues(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	json_t *h = json_pack("[{s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:i}]", "name",
	    "hostA", "status", "closed_Full", "max", 8, "njobs", 2, "run", 2,
	    "ssusp", 0, "ususp", 0, "rsv", 0);
	json_t *q = json_pack("[{s:s, s:i, s:s, s:i, s:i, s:i, s:i, s:i}]", "name",
	    "normal", "priority", 30, "status", "Open:Active", "max", -1,
	    "njobs", 0, "pend", 0, "run", 0, "susp", 0);
	FILE *fp = open_memstream(&buf, &len);

	bhosts_print(fp, h, false);
	bhosts_print(fp, h, true);
	bqueues_print(fp, q, false);
	fclose(fp);
	assert_string_equal(buf,
	    "HOST_NAME          STATUS       JL/U    MAX  NJOBS    RUN  SSUSP  USUSP    RSV\n"
	    "hostA              closed          -      8      2      2      0      0      0\n"
	    "HOST_NAME          STATUS       JL/U    MAX  NJOBS    RUN  SSUSP  USUSP    RSV\n"
	    "hostA              closed_Full     -      8      2      2      0      0      0\n"
	    "QUEUE_NAME     PRIO      STATUS      MAX  JL/U JL/P JL/H NJOBS  PEND  RUN  SUSP\n"
	    "normal          30  Open:Active       -    -    -    -     0     0     0     0\n");
	free(buf);
	json_decref(h);
	json_decref(q);
}

static void
test_jobsel(void **state)
{
	static const struct { const char *in, *want; } t[] = {
		{ "123", "{\"id\":123}" },
		{ "123[4]", "{\"id\":123,\"idx\":\"4\"}" },
		{ "123[1-5,7]", "{\"id\":123,\"idx\":\"1-5,7\"}" },
		{ "0", NULL }, { "abc", NULL }, { "12[", NULL }, { "12[]", NULL },
		{ "12[x]", NULL }, { "12[4]x", NULL }, { "-1", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		json_t *j = jobsel_parse(t[i].in);
		char *s;

		if (t[i].want == NULL) {
			assert_null(j);
			continue;
		}
		assert_non_null(j);
		s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
		assert_string_equal(s, t[i].want);
		free(s);
		json_decref(j);
	}
}

static void
test_bsubopt_merge(void **state)
{
	char *cmd[] = { "-q", "long", "-oo", "o.txt", "-n4", "-R", "a", "-K",
	    "sleep", "-n", "1", NULL };
	char *dir[] = { "-q", "short", "-o", "x", "-e", "e.txt", "-R", "b",
	    "-J", "nm", "-n", "8", NULL };
	struct bsub_opts o;
	char err[256], *s;
	json_t *j;

	memset(&o, 0, sizeof(o));
	assert_int_equal(bsubopt_parse(&o, 11, cmd, 1, err, sizeof(err)), 0);
	assert_int_equal(o.cmd_argc, 3);
	assert_string_equal(o.cmd_argv[0], "sleep");
	assert_int_equal(bsubopt_parse(&o, 12, dir, 0, err, sizeof(err)), 0);
	assert_int_equal(bsubopt_check(&o, err, sizeof(err)), 0);
	j = bsubopt_json(&o);
	s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(s, "{\"J\":\"nm\",\"K\":true,\"R\":[\"a\"],\"e\":\"e.txt\","
	    "\"n\":\"4\",\"oo\":\"o.txt\",\"q\":\"long\"}");
	free(s);
	json_decref(j);
	bsubopt_free(&o);
}

static void
test_bsubopt_errors(void **state)
{
	static const struct { const char *a, *b, *err; } t[] = {
		{ "-Z", NULL, "illegal option -- Z" },
		{ "-n", "0", "0: Bad argument for option -n" },
		{ "-n", "4,2", "4,2: Bad argument for option -n" },
		{ "-w", "done(1", "Dependency condition syntax error" },
		{ "-b", "12", "12: Bad time specification for option -b" },
		{ "-M", "lots", "lots: Bad argument for option -M" },
		{ "-q", NULL, "option requires an argument -- q" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *argv[] = { (char *)t[i].a, (char *)t[i].b, "true", NULL };
		struct bsub_opts o;
		char err[256] = "";
		int rc;

		memset(&o, 0, sizeof(o));
		rc = bsubopt_parse(&o, t[i].b ? 3 : 1, argv, 1, err, sizeof(err));
		if (rc == 0)
			rc = bsubopt_check(&o, err, sizeof(err));
		assert_int_equal(rc, -1);
		assert_string_equal(err, t[i].err);
		bsubopt_free(&o);
	}
}

static void
test_bjobs_flags(void **state)
{
	char *argv[] = { "bjobs", "-noheader", "-o", "jobid stat", "-aJ", "*uuid*",
	    "-pw", "-uall", "123[4]", NULL };
	struct bjobs_args a;
	json_t *req;
	char *s;

	assert_int_equal(bjobs_parse(&a, 9, argv), 0);
	assert_true(a.a && a.p && a.w && a.noheader);
	assert_string_equal(a.name, "*uuid*");
	assert_string_equal(a.user, "all");
	assert_int_equal(a.nids, 1);
	req = bjobs_request(&a);
	s = json_dumps(req, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(s, "{\"ids\":[{\"id\":123,\"idx\":\"4\"}],\"name\":\"*uuid*\","
	    "\"states\":[\"PSUSP\",\"PEND\"],\"user\":\"all\"}");
	free(s);
	json_decref(req);
}

/* Which -o list bjobs uses: -o, -W, $LSB_BJOBS_FORMAT, -json's default. */
static void
test_bjobs_format_env(void **state)
{
	static const struct {
		const char *env;
		const char *argv[4];
		const char *fmt;	/* NULL: no -o list */
		bool hms;
	} t[] = {
		{ NULL, { "bjobs", NULL }, NULL, false },
		{ "jobid stat", { "bjobs", NULL }, "jobid stat", false },
		{ "jobid stat", { "bjobs", "-json", NULL }, "jobid stat", false },
		{ "jobid stat", { "bjobs", "-o", "user", NULL }, "user", false },
		{ "jobid stat", { "bjobs", "-l", NULL }, NULL, false },
		{ "jobid stat", { "bjobs", "-A", NULL }, NULL, false },
		{ "jobid stat", { "bjobs", "-json", "-l", NULL }, NULL, false },
		{ "", { "bjobs", "-o", "run_time", "-hms" }, "run_time", true },
		{ "", { "bjobs", "-json", "-A", NULL }, NULL, false },
	};
	struct bjobs_args a;
	char *argv[4];
	size_t i;
	int argc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (t[i].env != NULL)
			setenv("LSB_BJOBS_FORMAT", t[i].env, 1);
		else
			unsetenv("LSB_BJOBS_FORMAT");
		for (argc = 0; argc < 4 && t[i].argv[argc] != NULL; argc++)
			argv[argc] = (char *)t[i].argv[argc];
		assert_int_equal(bjobs_parse(&a, argc, argv), 0);
		if (t[i].fmt == NULL)
			assert_null(a.fmt);
		else
			assert_string_equal(a.fmt, t[i].fmt);
		assert_int_equal(a.hms, t[i].hms);
	}
	unsetenv("LSB_BJOBS_FORMAT");
	setenv("LSB_HMS_TIME_FORMAT", "y", 1);
	argv[0] = "bjobs";
	assert_int_equal(bjobs_parse(&a, 1, argv), 0);
	assert_true(a.hms);
	unsetenv("LSB_HMS_TIME_FORMAT");
}


/*
 * The socket comes from lsf.conf even when lsf.shared is broken; a broken
 * lsf.conf is a configuration error (file:line), not an unreachable cluster.
 */
static void
test_client_conf(void **state)
{
	char dir[] = "/tmp/test_cli_conf.XXXXXX", text[512], err[512], *sock;
	struct client c;

	assert_non_null(mkdtemp(dir));
	snprintf(text, sizeof(text), "LSF_CONFDIR=%s\nPUMICE_SOCKET=%s/none.sock\n",
	    dir, dir);
	tl_put(dir, "lsf.conf", text);
	tl_put(dir, "lsf.shared", "Begin Cluster\nClusterName\nc\nEnd Cluster\n"
	    "bogus line\n");
	setenv("LSF_ENVDIR", dir, 1);
	unsetenv("PUMICE_SOCKET");
	setenv("PUMICE_CONNECT_TIMEOUT", "0", 1);
	assert_non_null(sock = client_socket_path(err, sizeof(err)));
	snprintf(text, sizeof(text), "%s/none.sock", dir);
	assert_string_equal(sock, text);
	free(sock);
	assert_int_equal(client_open(&c, err, sizeof(err)), CLIENT_UNREACHABLE);
	assert_false(client_config_error());
	client_close(&c);
	tl_put(dir, "lsf.conf", "LSF_CONFDIR='unterminated\n");
	assert_null(client_socket_path(err, sizeof(err)));
	assert_non_null(strstr(err, "lsf.conf:1: "));
	assert_int_equal(client_open(&c, err, sizeof(err)), CLIENT_UNREACHABLE);
	assert_true(client_config_error());
	client_close(&c);
	snprintf(text, sizeof(text), "rm -rf '%s'", dir);
	assert_int_equal(system(text), 0);
	unsetenv("LSF_ENVDIR");
	unsetenv("PUMICE_CONNECT_TIMEOUT");
}

/* The retry note's time left: never less than what is left. */
static void
test_client_left(void **state)
{
	static const struct { uint64_t ms; const char *want; } t[] = {
		{ 450, "0.5 s" }, { 400, "0.4 s" }, { 1, "0.1 s" }, { 0, "0.0 s" },
		{ 9901, "10.0 s" }, { 7450, "7.5 s" }, { 10000, "10 s" },
		{ 27001, "28 s" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		client_left(t[i].ms, buf, sizeof(buf));
		assert_string_equal(buf, t[i].want);
	}
}

static void
test_bkill(void **state)
{
	char *argv[] = { "bkill", "-s", "9", "0", "12[3]", NULL };
	json_t *req;
	char *s;

	assert_string_equal(bkill_signame("SIGTERM"), "TERM");
	assert_string_equal(bkill_signame("stop"), "STOP");
	assert_string_equal(bkill_signame("9"), "KILL");
	assert_null(bkill_signame("BOGUS"));
	req = bkill_request(5, argv);
	s = json_dumps(req, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(s, "{\"all\":true,\"ids\":[{\"id\":12,\"idx\":\"3\"}],\"sig\":\"KILL\"}");
	free(s);
	json_decref(req);
}

static void
test_env(void **state)
{
	char *env[] = { "A=1", "B=2", "LSB_JOBID=5", "LSB_SUB_HOST=h", NULL };
	char err[128];
	json_t *j;
	char *s;

	j = bsubenv_build(NULL, env, err, sizeof(err));
	s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(s, "{\"A\":\"1\",\"B\":\"2\"}");
	free(s);
	json_decref(j);
	j = bsubenv_build("all, ~A, C=3", env, err, sizeof(err));
	s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(s, "{\"B\":\"2\",\"C\":\"3\"}");
	free(s);
	json_decref(j);
	j = bsubenv_build("B", env, err, sizeof(err));
	s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(s, "{\"B\":\"2\"}");
	free(s);
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_table_narrow),
		cmocka_unit_test(test_table_wide),
		cmocka_unit_test(test_cols),
		cmocka_unit_test(test_hosts_queues),
		cmocka_unit_test(test_jobsel),
		cmocka_unit_test(test_bsubopt_merge),
		cmocka_unit_test(test_bsubopt_errors),
		cmocka_unit_test(test_bjobs_flags),
		cmocka_unit_test(test_bjobs_format_env),
		cmocka_unit_test(test_client_conf),
		cmocka_unit_test(test_client_left),
		cmocka_unit_test(test_bkill),
		cmocka_unit_test(test_env),
	};

	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
