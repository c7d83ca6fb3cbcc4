/*
 * test_jobslab.c - the slabs of jobs' blocks (jobslab.c): blocks are
 * zeroed, do not overlap while live, a freed block of a size is the next
 * one of that size handed out (and not one of another size), strings
 * keep their text, and blocks over the largest size still work (malloc's).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../daemons/master/master.h"

#define NBLK 1000

static bool
zeroed(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

static void
test_no_overlap(void **state)
{
	static unsigned char *b[NBLK];
	static size_t sz[NBLK];
	size_t i;

	(void)state;
	for (i = 0; i < NBLK; i++) {
		sz[i] = 1 + (i * 37) % 700;
		b[i] = jobslab_alloc(sz[i]);
		assert_non_null(b[i]);
		assert_true(((uintptr_t)b[i] & 7) == 0);	/* longs, pointers */
		assert_true(zeroed(b[i], sz[i]));
		memset(b[i], (int)(i & 0xff) | 1, sz[i]);
	}
	for (i = 0; i < NBLK; i++) {	/* no block wrote over another */
		size_t k;
		for (k = 0; k < sz[i]; k++)
			assert_int_equal(b[i][k], (i & 0xff) | 1);
	}
	for (i = 0; i < NBLK; i++)
		jobslab_free(b[i], sz[i]);
}

#ifndef __SANITIZE_ADDRESS__	/* malloc's under ASan: no free lists */
static void
test_reuse_by_size(void **state)
{
	void *a = jobslab_alloc(496), *b = jobslab_alloc(72), *c;

	(void)state;
	memset(a, 0x55, 496);
	jobslab_free(a, 496);
	jobslab_free(b, 72);
	c = jobslab_alloc(72);
	assert_ptr_equal(c, b);		/* its size's list, not the other's */
	assert_ptr_equal(jobslab_alloc(493), a);	/* same 8-byte step */
	assert_true(zeroed(a, 496));	/* zeroed again */
	jobslab_free(a, 496);
	jobslab_free(c, 72);
}
#endif

static void
test_strings_and_big(void **state)
{
	char *s = jobslab_strdup("{\"cmd\":\"true\"}"), *big;
	size_t n = 100000;

	(void)state;
	assert_string_equal(s, "{\"cmd\":\"true\"}");
	jobslab_free_str(s);
	jobslab_free_str(NULL);
	assert_null(jobslab_strdup(NULL));
	big = jobslab_alloc(n);	/* over the largest size */
	assert_true(zeroed((unsigned char *)big, n));
	memset(big, 'x', n);
	jobslab_free(big, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_overlap),
#ifndef __SANITIZE_ADDRESS__
		cmocka_unit_test(test_reuse_by_size),
#endif
		cmocka_unit_test(test_strings_and_big),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
