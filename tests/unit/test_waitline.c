/*
 * test_waitline.c - the pieces of bsub -K's and bwait's status line that
 * take input (waitline.c, waitstat.c): the elapsed time, the cut to the
 * terminal's width (UTF-8 sequences one column), and the job ids a bwait
 * condition names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../cli/waitline.h"

static void
test_elapsed(void **state)
{
	static const struct { uint64_t ms; const char *want; } t[] = {
		{ 0, "0:00" }, { 999, "0:00" }, { 12000, "0:12" },
		{ 61500, "1:01" }, { 3599000, "59:59" }, { 3600000, "1:00:00" },
		{ 90061000, "25:01:01" },
	};
	char buf[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		waitline_elapsed(t[i].ms, buf, sizeof(buf));
		assert_string_equal(buf, t[i].want);
	}
}

static void
test_fit(void **state)
{
	static const struct { const char *in; size_t cols; const char *want; } t[] = {
		{ "abcdef", 10, "abcdef" }, { "abcdef", 6, "abcdef" },
		{ "abcdef", 3, "abc" }, { "", 3, "" },
		/* the em dash is three bytes, one column */
		{ "0:12 \xe2\x80\x94 PEND", 7, "0:12 \xe2\x80\x94 " },
		{ "0:12 \xe2\x80\x94 PEND", 6, "0:12 \xe2\x80\x94" },
		{ "0:12 \xe2\x80\x94 PEND", 5, "0:12 " },
	};
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		strcpy(buf, t[i].in);
		waitline_fit(buf, t[i].cols);
		assert_string_equal(buf, t[i].want);
	}
}

static void
test_cond_ids(void **state)
{
	static const struct { const char *cond; const char *want; } t[] = {
		{ "done(123)", "[{\"id\": 123}]" },
		{ "done(123) && ended( 456 )", "[{\"id\": 123}, {\"id\": 456}]" },
		{ "numdone(125, >= 10)", "[{\"id\": 125}]" },
		{ "exit(124, !=0) || started(7[2])", "[{\"id\": 124}, {\"id\": 7}]" },
		{ "!(done(9))", "[{\"id\": 9}]" },
		/* names, globs and broken text name no id */
		{ "done(\"123\")", NULL }, { "ended(step1)", NULL },
		{ "done(123abc)", NULL }, { "done(123", NULL }, { "done(0)", NULL },
		{ "", NULL },
	};
	json_t *ids;
	char *s;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ids = waitstat_cond_ids(t[i].cond);
		if (t[i].want == NULL) {
			assert_null(ids);
			continue;
		}
		assert_non_null(ids);
		s = json_dumps(ids, 0);
		assert_string_equal(s, t[i].want);
		free(s);
		json_decref(ids);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elapsed),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_cond_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
