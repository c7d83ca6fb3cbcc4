/*
 * test_replayq.c - the reader thread of start-up replay (replayq.c):
 * events are applied in the order they were read, each prepared on the
 * reader thread and applied on the caller's; the reader runs at most
 * REPLAYQ_NBATCH batches ahead; a failing read stops it after the events
 * before it were applied; no event at all applies nothing; without a
 * thread, the same holds a batch at a time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <cmocka.h>

#include "../../daemons/master/replayq.h"

struct src {
	long n, fail_at;	/* events; next fails at fail_at (-1 never) */
	long read;		/* by the reader (atomic) */
	long applied;		/* by the caller */
	long max_ahead;		/* read - applied at worst */
	pthread_t caller;
	bool prep_elsewhere, prep_here;
};

static int
src_next(void *arg, struct replay_ev *ev)
{
	struct src *s = arg;
	long i = __atomic_load_n(&s->read, __ATOMIC_ACQUIRE);

	if (i == s->fail_at)
		return -1;
	if (i == s->n)
		return 0;
	ev->id = i;
	ev->idx = i % 3 - 1;
	ev->when = 1000 + i;
	snprintf(ev->type, sizeof(ev->type), "%s", i % 2 ? "start" : "submit");
	ev->text = malloc(32);
	snprintf(ev->text, 32, "{\"n\":%ld}", i);
	__atomic_store_n(&s->read, i + 1, __ATOMIC_RELEASE);
	return 1;
}

static struct src *prep_src;	/* prep has no argument: one test at a time */

static void
src_prep(struct replay_ev *ev)
{
	if (pthread_equal(pthread_self(), prep_src->caller))
		prep_src->prep_here = true;
	else
		prep_src->prep_elsewhere = true;
	ev->data = json_loads(ev->text, 0, NULL);
	ev->kind = ev->type;
}

static void
src_apply(void *arg, struct replay_ev *ev)
{
	struct src *s = arg;
	long ahead = __atomic_load_n(&s->read, __ATOMIC_ACQUIRE) - s->applied;

	assert_true(pthread_equal(pthread_self(), s->caller));
	assert_int_equal(ev->id, s->applied);
	assert_int_equal(ev->idx, s->applied % 3 - 1);
	assert_int_equal(ev->when, 1000 + s->applied);
	assert_string_equal(ev->type, s->applied % 2 ? "start" : "submit");
	assert_ptr_equal(ev->kind, ev->type);
	assert_int_equal(json_integer_value(json_object_get(ev->data, "n")), s->applied);
	if (s->applied % 7 == 0) {	/* apply takes the text, as a submit does */
		free(ev->text);
		ev->text = NULL;
	}
	if (ahead > s->max_ahead)
		s->max_ahead = ahead;
	s->applied++;
}

static int
run_as(struct src *s, bool threaded)
{
	s->caller = pthread_self();
	prep_src = s;
	return replayq_run(src_next, s, src_prep, src_apply, s, threaded);
}

static int
run(struct src *s)
{
	return run_as(s, true);
}

static void
test_order_and_bound(void **state)
{
	struct src s = { .n = 100000, .fail_at = -1 };

	assert_int_equal(run(&s), 0);
	assert_int_equal(s.applied, s.n);
	assert_true(s.prep_elsewhere);
	assert_false(s.prep_here);
	/* a batch being filled, REPLAYQ_NBATCH filled, one being applied */
	assert_true(s.max_ahead <= (REPLAYQ_NBATCH + 1) * REPLAYQ_BATCH);
	assert_true(s.max_ahead >= 1);
}

static void
test_failure_stops(void **state)
{
	struct src s = { .n = 10000, .fail_at = 1000 };

	assert_int_equal(run(&s), -1);
	assert_int_equal(s.applied, 1000);
}

static void
test_nothing(void **state)
{
	struct src s = { .n = 0, .fail_at = -1 };

	assert_int_equal(run(&s), 0);
	assert_int_equal(s.applied, 0);
}

/* A number of events that fills the last batch exactly. */
static void
test_whole_batches(void **state)
{
	struct src s = { .n = REPLAYQ_BATCH * REPLAYQ_NBATCH * 3, .fail_at = -1 };

	assert_int_equal(run(&s), 0);
	assert_int_equal(s.applied, s.n);
}

/* Without a thread: the same order, a batch at a time. */
static void
test_inline(void **state)
{
	struct src s = { .n = 3000, .fail_at = -1 };

	assert_int_equal(run_as(&s, false), 0);
	assert_int_equal(s.applied, s.n);
	assert_true(s.prep_here);
	assert_false(s.prep_elsewhere);
	assert_true(s.max_ahead <= REPLAYQ_BATCH);
	s = (struct src){ .n = 3000, .fail_at = 700 };
	assert_int_equal(run_as(&s, false), -1);
	assert_int_equal(s.applied, 700);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_bound),
		cmocka_unit_test(test_failure_stops),
		cmocka_unit_test(test_nothing),
		cmocka_unit_test(test_whole_batches),
		cmocka_unit_test(test_inline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
