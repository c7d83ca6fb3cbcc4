/*
 * test_arrayspec.c - job array specs and index arithmetic (arrayspec.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arrayspec.h"
#include "testlib.h"

static const struct {
	const char *in;
	long max;
	const char *name, *fmt;
	size_t nr;
	long limit, count;
} good[] = {
	{ "plain", 1000, "plain", "", 0, 0, 0 },
	{ "", 1000, "", "", 0, 0, 0 },
	{ "a%b", 1000, "a%b", "", 0, 0, 0 },
	{ "name[1-100]", 1000, "name", "1-100", 1, 0, 100 },
	{ "name[1-100:2]", 1000, "name", "1-100:2", 1, 0, 50 },
	{ "name[1,3,5-9]", 1000, "name", "1,3,5-9", 3, 0, 7 },
	{ "name[1-100]%10", 1000, "name", "1-100", 1, 10, 100 },
	{ "Snakemake_rule_x:a=1___(uuid)[7]", 1000,
	    "Snakemake_rule_x:a=1___(uuid)", "7", 1, 0, 1 },
	{ "x[1-1000000]%50", 1000000, "x", "1-1000000", 1, 50, 1000000 },
	{ "x[2147483646]", 2147483646, "x", "2147483646", 1, 0, 1 },
	{ "x[1-10:3]", 0, "x", "1-10:3", 1, 0, 4 },
	{ "x[5-5]", 10, "x", "5", 1, 0, 1 },
	{ "x[1-9:2,2-10:2]", 10, "x", "1-9:2,2-10:2", 2, 0, 10 },
	{ "x[1-100:3,2-100:3,3-100:3]", 100, "x", "1-100:3,2-100:3,3-100:3", 3, 0, 100 },
	{ "x[10-20,1-9]", 100, "x", "10-20,1-9", 2, 0, 20 },
	{ "x[1-10:4,3-11:4]", 100, "x", "1-10:4,3-11:4", 2, 0, 6 },
	{ "[1-3]", 10, "", "1-3", 1, 0, 3 },
};

static void
test_good(void **state)
{
	struct arrayspec a;
	char err[128], *f;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (arrayspec_parse(good[i].in, good[i].max, &a, err, sizeof(err)) != 0)
			fail_msg("'%s': %s", good[i].in, err);
		assert_string_equal(a.name, good[i].name);
		assert_int_equal(a.nr, good[i].nr);
		assert_int_equal(a.limit, good[i].limit);
		assert_int_equal(a.count, good[i].count);
		f = arrayspec_format(&a);
		assert_string_equal(f, good[i].fmt);
		free(f);
		arrayspec_free(&a);
	}
}

static const struct {
	const char *in;
	long max;
	const char *err;
} bad[] = {
	{ "x[1-x]", 1000, "bad array index list '1-x'" },
	{ "x[]", 1000, "bad array index list ''" },
	{ "x[0]", 1000, "bad array index list '0': indices start at 1" },
	{ "x[-1]", 1000, "bad array index list '-1'" },
	{ "x[1-1001]", 1000, "Job array index too large" },
	{ "x[1001]", 1000, "Job array index too large" },
	{ "x[99999999999999999999]", 0, "Job array index too large" },
	{ "x[10-1]", 1000, "bad array index list '10-1': range 10-1 ends before it starts" },
	{ "x[1-10:0]", 1000, "bad array index list '1-10:0': step must be at least 1" },
	{ "x[1,,2]", 1000, "bad array index list '1,,2'" },
	{ "x[1,]", 1000, "bad array index list '1,'" },
	{ "x[ 1]", 1000, "bad array index list ' 1'" },
	{ "x[1:2]", 1000, "bad array index list '1:2'" },
	{ "x[1-5,3]", 1000, "bad array index list '1-5,3': index 3 appears twice" },
	{ "x[1-9:2,3-11:4]", 1000, "bad array index list '1-9:2,3-11:4': index 3 appears twice" },
	{ "x[2-20:6,5-50:5]", 1000, "bad array index list '2-20:6,5-50:5': index 20 appears twice" },
	{ "x[7,7]", 1000, "bad array index list '7,7': index 7 appears twice" },
	{ "x[1-3", 1000, "bad job array specification 'x[1-3': no ']'" },
	{ "x1-3]", 1000, "bad job array specification 'x1-3]'" },
	{ "x[1-3]%", 1000, "bad job array slot limit in 'x[1-3]%'" },
	{ "x[1-3]%0", 1000, "bad job array slot limit in 'x[1-3]%0'" },
	{ "x[1-3]%5x", 1000, "bad job array slot limit in 'x[1-3]%5x'" },
	{ "x[1-3]y", 1000, "bad job array slot limit in 'x[1-3]y'" },
	{ "x[1-" TL_LONG_MAX ",1-2]", 0,
	    "bad array index list '1-" TL_LONG_MAX ",1-2': index 1 appears twice" },
};

static void
test_bad(void **state)
{
	struct arrayspec a;
	char err[160];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (arrayspec_parse(bad[i].in, bad[i].max, &a, err, sizeof(err)) != -1)
			fail_msg("'%s' was accepted", bad[i].in);
		assert_string_equal(err, bad[i].err);
	}
}

static void
test_lookup(void **state)
{
	struct arrayspec a;
	long end, step;

	assert_int_equal(arrayspec_parse_list("1-10:3,20,30-32", 100, &a, NULL, 0), 0);
	assert_int_equal(a.count, 8);
	/* 1 4 7 10 20 30 31 32 */
	assert_int_equal(arrayspec_at(&a, 0), 1);
	assert_int_equal(arrayspec_at(&a, 3), 10);
	assert_int_equal(arrayspec_at(&a, 4), 20);
	assert_int_equal(arrayspec_at(&a, 7), 32);
	assert_int_equal(arrayspec_at(&a, 8), -1);
	assert_int_equal(arrayspec_at(&a, -1), -1);
	assert_int_equal(arrayspec_pos(&a, 7), 2);
	assert_int_equal(arrayspec_pos(&a, 31), 6);
	assert_int_equal(arrayspec_pos(&a, 5), -1);
	assert_int_equal(arrayspec_pos(&a, 11), -1);
	assert_true(arrayspec_has(&a, 20));
	assert_false(arrayspec_has(&a, 21));
	assert_false(arrayspec_has(&a, 0));
	assert_int_equal(arrayspec_range_of(&a, 4, &end, &step), 0);
	assert_int_equal(end, 10);
	assert_int_equal(step, 3);
	assert_int_equal(arrayspec_range_of(&a, 20, &end, &step), 0);
	assert_int_equal(end, 20);
	assert_int_equal(step, 1);
	assert_int_equal(arrayspec_range_of(&a, 5, &end, &step), -1);
	arrayspec_free(&a);
	arrayspec_free(&a);	/* safe twice */
}

/* A million elements stay one range; position arithmetic is exact. */
static void
test_large(void **state)
{
	struct arrayspec a;
	long i;

	assert_int_equal(arrayspec_parse("big[1-1000000]%50", 1000000, &a, NULL, 0), 0);
	assert_int_equal(a.nr, 1);
	assert_int_equal(a.count, 1000000);
	for (i = 0; i < a.count; i += 99991)
		assert_int_equal(arrayspec_pos(&a, arrayspec_at(&a, i)), i);
	assert_int_equal(arrayspec_at(&a, 999999), 1000000);
	arrayspec_free(&a);
	assert_int_equal(arrayspec_parse_list("1-" TL_LONG_MAX, 0, &a, NULL, 0), 0);
	assert_int_equal(a.count, LONG_MAX);
	assert_int_equal(arrayspec_at(&a, LONG_MAX - 1), LONG_MAX);
	arrayspec_free(&a);
}

/* The duplicate check agrees with enumeration on many small pairs. */
static void
test_overlap_brute(void **state)
{
	struct arrayspec a;
	char list[64];
	long r[4], s1, s2, x;
	int i, dup, rc;

	srand(7);
	for (i = 0; i < 20000; i++) {
		r[0] = 1 + rand() % 60;
		r[1] = r[0] + rand() % 60;
		r[2] = 1 + rand() % 60;
		r[3] = r[2] + rand() % 60;
		s1 = 1 + rand() % 9;
		s2 = 1 + rand() % 9;
		dup = 0;
		for (x = r[0]; x <= r[1] && !dup; x += s1) {
			long y;
			for (y = r[2]; y <= r[3]; y += s2)
				if (x == y)
					dup = 1;
		}
		snprintf(list, sizeof(list), "%ld-%ld:%ld,%ld-%ld:%ld", r[0], r[1], s1,
		    r[2], r[3], s2);
		rc = arrayspec_parse_list(list, 0, &a, NULL, 0);
		if ((rc == -1) != dup)
			fail_msg("'%s': parse %d, duplicate %d", list, rc, dup);
		if (rc == 0)
			arrayspec_free(&a);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_overlap_brute),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
