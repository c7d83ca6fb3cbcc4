/*
 * test_jobspec.c - the one builder and parser of the spooled JOBSPEC
 * (daemons/spool/jobspec.c): what the agent adds comes back through the
 * parser the shepherd uses, a job's own -o wins over PUMICE_OUTPUT_DIR,
 * and a wrong type is an error, not a default.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../daemons/spool/jobspec.h"
#include "../../daemons/spool/spool.h"

static json_t *
master_spec(void)
{
	return json_pack("{s:I, s:I, s:s, s:i, s:i, s:s, s:I, s:i, s:[s,s]}", "id", (json_int_t)7,
	    "idx", (json_int_t)3, "user", "alice", "uid", 1000, "gid", 1000, "cmd", "true",
	    "submit_time", (json_int_t)1700000000, "nslots", 2, "hosts", "n1", "n1");
}

static void
test_build_parse(void **state)
{
	int slots[] = { 0, 1 }, cpus[] = { 4, 5 };
	struct jobspec_local l = { .exec_host = "n1", .runlimit_grace = 10,
		.preexec_retry = 5, .mem_watch = 1, .nslots = 2, .ncpus = 2,
		.slots = slots, .cpus = cpus, .nfs_timeout = 9,
		.out_default = "/data/%J.%I.out" };
	json_t *m = master_spec(), *s = jobspec_build(m, &l);
	struct jobspec js;
	char err[256];

	(void)state;
	assert_int_equal(jobspec_parse(s, &js, err, sizeof(err)), 0);
	assert_string_equal(js.exec_host, "n1");
	assert_int_equal(js.runlimit_grace, 10);
	assert_int_equal(js.preexec_retry, 5);
	assert_int_equal(js.mem_watch, 1);
	assert_int_equal(json_array_size(js.slots), 2);
	assert_int_equal(json_integer_value(json_array_get(js.cpus, 1)), 5);
	assert_int_equal(js.nfs_timeout, 9);
	assert_int_equal(js.nfs_spool_max, 0);	/* not set: the shepherd's default */
	assert_int_equal(js.submit_time, 1700000000);
	assert_string_equal(js.out, "/data/%J.%I.out");
	assert_null(json_object_get(m, "exec_host"));	/* the master's spec is not changed */
	json_decref(s);

	json_object_set_new(m, "out", json_string("mine.out"));
	s = jobspec_build(m, &l);
	assert_int_equal(jobspec_parse(s, &js, err, sizeof(err)), 0);
	assert_string_equal(js.out, "mine.out");
	json_decref(s);
	json_decref(m);
}

/* bsub -I and kin: the mode and the pty's first size; none by default. */
static void
test_interactive(void **state)
{
	static const struct { const char *text; int mode; long long rows, cols; } cases[] = {
		{ "{}", JOBSPEC_IO_NONE, 0, 0 },
		{ "{\"interactive\":\"pipe\"}", JOBSPEC_IO_PIPE, 0, 0 },
		{ "{\"interactive\":\"pty\",\"tty\":{\"rows\":33,\"cols\":77}}",
		  JOBSPEC_IO_PTY, 33, 77 },
		{ "{\"interactive\":\"pty\"}", JOBSPEC_IO_PTY, 0, 0 },
	};
	struct jobspec js;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *m = master_spec(), *extra = json_loads(cases[i].text, 0, NULL);

		json_object_update(m, extra);
		assert_int_equal(jobspec_parse(m, &js, err, sizeof(err)), 0);
		assert_int_equal(js.interactive, cases[i].mode);
		assert_int_equal(js.tty_rows, cases[i].rows);
		assert_int_equal(js.tty_cols, cases[i].cols);
		json_decref(extra);
		json_decref(m);
	}
}

static void
test_bad_types(void **state)
{
	static const char *bad[] = {
		"{\"id\":1,\"uid\":0,\"gid\":0,\"user\":\"u\",\"cmd\":\"c\",\"slots\":3}",
		"{\"id\":1,\"uid\":0,\"gid\":0,\"user\":\"u\",\"cmd\":\"c\",\"pumice\":[]}",
		"{\"id\":1,\"uid\":0,\"gid\":0,\"user\":\"u\",\"cmd\":\"c\",\"pumice\":{\"nfs_timeout\":\"3\"}}",
		"{\"id\":1,\"uid\":0,\"gid\":0,\"user\":\"u\",\"cmd\":\"c\",\"submit_time\":\"x\"}",
		"{\"id\":1,\"uid\":0,\"gid\":0,\"user\":\"u\",\"cmd\":\"c\",\"interactive\":\"ssh\"}",
		"{\"id\":1,\"uid\":0,\"gid\":0,\"user\":\"u\",\"cmd\":\"c\",\"interactive\":true}",
		"{\"id\":1,\"uid\":0,\"gid\":0,\"user\":\"u\",\"cmd\":\"c\",\"tty\":[24,80]}",
		"{\"id\":1,\"uid\":0,\"gid\":0,\"user\":\"u\",\"cmd\":\"c\",\"tty\":{\"rows\":\"24\"}}",
	};
	struct jobspec js;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *j = json_loads(bad[i], 0, NULL);

		assert_non_null(j);
		assert_int_equal(jobspec_parse(j, &js, err, sizeof(err)), -1);
		json_decref(j);
	}
}

static void
test_load(void **state)
{
	char path[] = "/tmp/test_jobspec.XXXXXX", err[256];
	struct jobspec js;
	json_t *j;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "{\"id\":5,\"uid\":1,\"gid\":1,\"user\":\"u\",\"cmd\":\"c\","
	    "\"attempt\":2}", 57), 57);
	close(fd);
	j = jobspec_load(path, &js, err, sizeof(err));
	assert_non_null(j);
	assert_int_equal(js.attempt, 2);
	assert_string_equal(js.user, "u");	/* borrowed from j */
	json_decref(j);
	unlink(path);
	assert_null(jobspec_load(path, &js, err, sizeof(err)));
	assert_non_null(strstr(err, path));
}

/* A blaunch task's spec and spool key: its number and the job's token
 * come through; a task key is no job key and back. */
static void
test_task(void **state)
{
	struct jobspec_local l = { .exec_host = "n2" };
	json_t *m = master_spec(), *s;
	struct jobspec js;
	long long id, idx, tid;
	char err[256], key[SPOOL_KEY_MAX];

	(void)state;
	json_object_set_new(m, "task", json_integer(3));
	json_object_set_new(m, "token", json_string("abc"));
	s = jobspec_build(m, &l);
	assert_int_equal(jobspec_parse(s, &js, err, sizeof(err)), 0);
	assert_int_equal(js.task, 3);
	assert_string_equal(js.token, "abc");
	json_object_set_new(s, "task", json_string("3"));
	assert_int_equal(jobspec_parse(s, &js, err, sizeof(err)), -1);
	spool_task_key(7, 0, 12, key);
	assert_string_equal(key, "7.0.12");
	assert_int_equal(spool_task_key_parse(key, &id, &idx, &tid), 0);
	assert_true(id == 7 && idx == 0 && tid == 12);
	assert_int_equal(spool_key_parse(key, &id, &idx), -1);
	assert_int_equal(spool_task_key_parse("7.0", &id, &idx, &tid), -1);
	assert_int_equal(spool_task_key_parse("7.0.0", &id, &idx, &tid), -1);
	assert_int_equal(spool_task_key_parse("7.0.x", &id, &idx, &tid), -1);
	assert_int_equal(spool_task_key_parse("7.0.1x", &id, &idx, &tid), -1);
	json_decref(s);
	json_decref(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_parse),
		cmocka_unit_test(test_bad_types),
		cmocka_unit_test(test_interactive),
		cmocka_unit_test(test_task),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
