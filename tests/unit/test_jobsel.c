/*
 * test_jobsel.c - the master's "missing elements" labels (jobsel.c): runs
 * of a selection that an array lacks, found from the array's own indices,
 * so that a selection as wide as the index limit answers at once (it
 * walked all two billion indices before; found by fuzz_mjobsel).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "../../daemons/master/master.h"
#include "../../daemons/master/jobsel.h"
#include "arrayspec.h"

/* The labels for selection sel of job 6 holding the indices has, joined
 * by spaces. */
static char *
missing(const char *has, const char *sel)
{
	struct job j;
	struct arrayspec s;
	json_t *labels, *l;
	char *out = NULL;
	size_t len = 0, i;
	FILE *fp = open_memstream(&out, &len);

	memset(&j, 0, sizeof(j));
	j.id = 6;
	assert_int_equal(arrayspec_parse_list(has, 2147483646L, &j.arr, NULL, 0), 0);
	assert_int_equal(arrayspec_parse_list(sel, 2147483646L, &s, NULL, 0), 0);
	labels = jobsel_missing_elems(&j, &s);
	json_array_foreach(labels, i, l)
		fprintf(fp, "%s%s", i ? " " : "", json_string_value(l));
	fclose(fp);
	json_decref(labels);
	arrayspec_free(&s);
	arrayspec_free(&j.arr);
	return out;
}

static void
test_runs(void **state)
{
	char *s;

	(void)state;
	s = missing("1-10,20-30:2", "1-5,25");
	assert_string_equal(s, "6[25]");
	free(s);
	s = missing("1-10,20-30:2", "8-22");
	assert_string_equal(s, "6[11-19] 6[21]");
	free(s);
	s = missing("2-30:2", "1-13:3");	/* 4 and 10 split the runs */
	assert_string_equal(s, "6[1] 6[7] 6[13]");
	free(s);
	s = missing("3-9:3", "1-12");
	assert_string_equal(s, "6[1-2] 6[4-5] 6[7-8] 6[10-12]");
	free(s);
	s = missing("5", "5");
	assert_string_equal(s, "");
	free(s);
}

static void
test_wide_selection(void **state)
{
	clock_t t0 = clock();
	char *s;

	(void)state;
	s = missing("1-10,20-30:2", "1-2147483646");
	assert_string_equal(s, "6[11-19] 6[21] 6[23] 6[25] 6[27] 6[29] 6[31-2147483646]");
	free(s);
	/* index by index this took minutes; from the job's indices, nothing */
	assert_true(clock() - t0 < 5 * CLOCKS_PER_SEC);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runs),
		cmocka_unit_test(test_wide_selection),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
