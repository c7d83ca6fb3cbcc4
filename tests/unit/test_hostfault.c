/*
 * test_hostfault.c - the closed_Fault back-off (hostfault.c) on a clock the
 * test drives: the first period, doubling at each refusal after reopening,
 * the cap, a burst of refusals counted once, reset by a start that
 * succeeded, and the refusal table that decides which side a cause is on
 * (refuse.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "../../daemons/master/hostfault.h"
#include "refuse.h"

#define T0 ((uint64_t)5000000)	/* any monotonic start */

/* Refused at now, then waits out the period: returns the period (ms). */
static uint64_t
refuse_and_wait(struct hostfault *f, uint64_t *now)
{
	uint64_t p;

	assert_true(hostfault_refused(f, *now, "spool full"));
	assert_true(f->closed);
	p = f->until - *now;
	assert_false(hostfault_expire(f, *now + p - 1));	/* not a ms early */
	assert_true(f->closed);
	*now += p;
	assert_true(hostfault_expire(f, *now));
	assert_false(f->closed);
	assert_false(hostfault_expire(f, *now));	/* reopens once */
	return p;
}

static void
test_doubling_and_cap(void **state)
{
	static const uint64_t want[] = { 1000, 2000, 4000, 8000, 16000, 32000,
	    60000, 60000, 60000 };
	struct hostfault f = { 0 };
	uint64_t now = T0;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_int_equal(refuse_and_wait(&f, &now), want[i]);
	assert_int_equal(f.refused, 9);
	assert_string_equal(f.cause, "spool full");
	hostfault_clear(&f);
}

/* The runs sent before the host closed are refused together: one close,
 * one period, however many refusals. */
static void
test_burst_counts_once(void **state)
{
	struct hostfault f = { 0 };
	int i;

	(void)state;
	assert_true(hostfault_refused(&f, T0, "a"));
	for (i = 0; i < 7; i++)
		assert_false(hostfault_refused(&f, T0 + 10 + (uint64_t)i, "b"));
	assert_int_equal(f.period, HOSTFAULT_FIRST_MS);
	assert_int_equal(f.until, T0 + HOSTFAULT_FIRST_MS);
	assert_int_equal(f.refused, 8);
	assert_string_equal(f.cause, "b");	/* the latest word */
	hostfault_clear(&f);
}

static void
test_reset_by_start(void **state)
{
	struct hostfault f = { 0 };
	uint64_t now = T0;

	(void)state;
	refuse_and_wait(&f, &now);
	refuse_and_wait(&f, &now);
	assert_int_equal(f.period, 2000);
	assert_true(hostfault_started(&f));	/* reopened, the back-off ends */
	assert_false(hostfault_started(&f));	/* nothing left to forget */
	assert_int_equal(f.period, 0);
	assert_null(f.cause);
	assert_int_equal(refuse_and_wait(&f, &now), HOSTFAULT_FIRST_MS);
	/* a start that succeeds while closed (a run sent before) opens it */
	assert_true(hostfault_refused(&f, now, "x"));
	assert_true(hostfault_started(&f));
	assert_false(f.closed);
	assert_int_equal(f.refused, 0);
	assert_int_equal(refuse_and_wait(&f, &now), HOSTFAULT_FIRST_MS);
	hostfault_clear(&f);
}

/* Expiry is exact: at until, not before, and a late tick still opens. */
static void
test_expire_late_tick(void **state)
{
	struct hostfault f = { 0 };

	(void)state;
	assert_false(hostfault_expire(&f, T0));	/* never closed */
	hostfault_refused(&f, T0, "x");
	assert_true(hostfault_expire(&f, T0 + 3 * HOSTFAULT_FIRST_MS));
	hostfault_refused(&f, T0 + 3 * HOSTFAULT_FIRST_MS, "x");
	assert_int_equal(f.period, 2 * HOSTFAULT_FIRST_MS);
	hostfault_clear(&f);
	assert_false(f.closed);
	assert_int_equal(f.period, 0);
}

static void
test_refuse_table(void **state)
{
	static const struct {
		const char *name;
		int cause;
		enum refuse_side side;
	} tab[] = {
		{ "spec", REFUSE_SPEC, REFUSE_JOB },
		{ "user", REFUSE_USER, REFUSE_JOB },
		{ "spool", REFUSE_SPOOL, REFUSE_HOST },
		{ "shepherd", REFUSE_SHEPHERD, REFUSE_HOST },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		assert_int_equal(refuse_parse(tab[i].name), tab[i].cause);
		assert_string_equal(refuse_name((enum refuse_cause)tab[i].cause), tab[i].name);
		assert_int_equal(refuse_side((enum refuse_cause)tab[i].cause), tab[i].side);
		assert_non_null(refuse_text((enum refuse_cause)tab[i].cause));
	}
	assert_int_equal(i, REFUSE_NCAUSES);	/* every cause has a row here */
	assert_int_equal(refuse_parse(NULL), -1);	/* an agent that names none */
	assert_int_equal(refuse_parse("disk"), -1);
	assert_int_equal(refuse_parse("Spool"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doubling_and_cap),
		cmocka_unit_test(test_burst_counts_once),
		cmocka_unit_test(test_reset_by_start),
		cmocka_unit_test(test_expire_late_tick),
		cmocka_unit_test(test_refuse_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
