/*
 * test_acctrec.c - lsb.acct JOB_FINISH records (acctrec.c): a record
 * written and read back keeps its values (quotes, line breaks, hosts), the
 * fields stand where LSF's lsb.acct(5) puts them, and lines that are not
 * whole JOB_FINISH records are refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "acctrec.h"

static void
test_round_trip(void **state)
{
	char *hosts[] = { "node1", "node1", "node2" };
	struct acctrec r = { .event_time = 1700000100, .job_id = 42, .uid = 1000,
	    .nproc = 3, .submit_time = 1700000000, .start_time = 1700000050,
	    .user = "alice", .queue = "normal", .command = "echo \"hi\"\nls",
	    .job_name = "arr[2]", .exec_hosts = hosts, .nexec = 3,
	    .status = ACCTREC_EXIT, .utime = 1.5, .stime = 0, .maxrss = 2048,
	    .exit_status = 3 << 8, .idx = 2, .max_rmem = 2048, .run_time = 50,
	    .project = "p1" };
	struct acctrec back;
	char err[128], *line = acctrec_format(&r);

	(void)state;
	assert_non_null(strstr(line, "\"JOB_FINISH\" \"10.1\" 1700000100 42 1000 0 3 "
	    "1700000000 0 0 1700000050 \"alice\" \"normal\" "));
	assert_non_null(strstr(line, " 3 \"node1\" \"node1\" \"node2\" 32 1.00 \"arr[2]\" "
	    "\"echo \"\"hi\"\" ls\" 1.500000 "));
	assert_ptr_equal(strchr(line, '\n'), line + strlen(line) - 1);	/* one line */
	assert_int_equal(acctrec_parse(line, &back, err, sizeof(err)), 0);
	assert_int_equal(back.job_id, 42);
	assert_int_equal(back.status, ACCTREC_EXIT);
	assert_int_equal(back.exit_status >> 8, 3);
	assert_int_equal(back.idx, 2);
	assert_int_equal(back.run_time, 50);
	assert_int_equal(back.nexec, 3);
	assert_string_equal(back.exec_hosts[2], "node2");
	assert_string_equal(back.command, "echo \"hi\" ls");
	assert_string_equal(back.project, "p1");
	assert_string_equal(back.cwd, "");
	acctrec_free(&back);
	free(line);
}

static void
test_bad(void **state)
{
	static const char *const bad[] = {
		"", "\"JOB_NEW\" \"10.1\" 1", "\"JOB_FINISH\" \"10.1\" 1700000100 42",
	};
	struct acctrec r;
	char err[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(acctrec_parse(bad[i], &r, err, sizeof(err)), -1);
	assert_string_equal(acctrec_field_name(0), "Event type");
	assert_string_equal(acctrec_field_name(acctrec_nfields() - 1), "subcwd");
	assert_null(acctrec_field_name(acctrec_nfields()));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
