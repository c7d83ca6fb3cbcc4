/*
 * test_watch.c - the event stream's ring (watchring.c) and its resume
 * rules, and the watch module's delivery (watch.c) through a fake sink:
 * a resume from an id gets exactly the events after it; an id older than
 * the ring holds, or one never issued, is a gap; an id of an earlier run
 * is a restart; a subscriber whose peer does not read is sent no more
 * than its backlog allows, and one the ring overran is ended with the id
 * to resume from; host events wait behind uncommitted job events.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../daemons/master/master.h"
#include "../../daemons/master/watch.h"
#include "../../daemons/master/watchring.h"
#include "util.h"

static void
push(struct wring *r, uint64_t id)
{
	wring_push(r, id, (long)id, "u", xasprintf("{\"id\":%lu}", (unsigned long)id));
}

static void
test_ring_resume(void **state)
{
	struct wring r;
	size_t from;
	uint64_t id;

	(void)state;
	wring_init(&r, 4);
	/* nothing issued yet: since == last is "all, nothing to send" */
	assert_int_equal(wring_since(&r, 100, 100, &from), WRING_ALL);
	assert_int_equal(from, 0);
	for (id = 101; id <= 106; id++)	/* 6 into 4: 101 and 102 dropped */
		push(&r, id);
	assert_int_equal(r.n, 4);
	assert_int_equal(wring_at(&r, 0)->id, 103);
	assert_int_equal(wring_at(&r, 3)->id, 106);
	assert_int_equal(wring_since(&r, 102, 106, &from), WRING_ALL);
	assert_int_equal(from, 0);
	assert_int_equal(wring_since(&r, 104, 106, &from), WRING_ALL);
	assert_int_equal(wring_at(&r, from)->id, 105);
	assert_int_equal(wring_since(&r, 106, 106, &from), WRING_ALL);
	assert_int_equal(from, 4);
	/* 102 is gone: someone who saw up to 101 missed it */
	assert_int_equal(wring_since(&r, 101, 106, &from), WRING_GAP);
	/* an id from the future (another master) */
	assert_int_equal(wring_since(&r, 107, 106, &from), WRING_GAP);
	wring_free(&r);
}

/* A sink that records what it got; its peer "reads" when told. */
struct fake {
	char got[8192];
	size_t backlog;
	int nsent, ended;
	uint64_t end_last;
};

static size_t
fake_backlog(void *arg)
{
	return ((struct fake *)arg)->backlog;
}

static void
fake_send(void *arg, uint64_t id, const char *text)
{
	struct fake *f = arg;
	size_t n = strlen(f->got);

	snprintf(f->got + n, sizeof(f->got) - n, "%lu ", (unsigned long)id);
	f->nsent++;
	(void)text;
}

static void
fake_end(void *arg, uint64_t last, const char *why)
{
	struct fake *f = arg;

	f->ended++;
	f->end_last = last;
	(void)why;
}

static const struct watch_sink fake_sink = { fake_backlog, fake_send, fake_end };

/* Flips h's state so the watch module publishes a host event. */
static void
flip(struct master *m, struct host *h)
{
	h->status = h->status == HOST_OK ? HOST_UNAVAIL : HOST_OK;
	watch_host(m, h);
}

static struct watch_sub *
sub(struct master *m, struct fake *f, bool has, uint64_t since,
    enum watch_start *st)
{
	struct watch_filter flt = { 0 };

	memset(f, 0, sizeof(*f));
	return watch_subscribe(m, &flt, has, since, &fake_sink, f, st);
}

static void
test_watch_delivery(void **state)
{
	struct master m;
	struct host *h;
	struct fake a, b, c, d;
	struct watch_filter jobs = { 0 };
	enum watch_start st;
	char want[64];
	uint64_t base;
	int i;

	(void)state;
	memset(&m, 0, sizeof(m));
	master_init(&m);
	watch_init(&m);
	h = host_get(&m, "h1");
	base = watch_last_id(&m);
	flip(&m, h);	/* base+1 */
	flip(&m, h);	/* base+2 */
	watch_host(&m, h);	/* no change: no event */
	assert_int_equal(watch_last_id(&m), base + 2);

	sub(&m, &a, true, base + 1, &st);	/* resume after base+1 */
	assert_int_equal(st, WATCH_ALL);
	sub(&m, &b, false, 0, &st);		/* from now on */
	sub(&m, &c, true, base - 5, &st);	/* an earlier run's id */
	assert_int_equal(st, WATCH_RESTART);
	memset(&d, 0, sizeof(d));
	jobs.jobs = xcalloc(1, sizeof(long));
	jobs.jobs[0] = 7;
	jobs.njobs = 1;
	watch_subscribe(&m, &jobs, true, base, &fake_sink, &d, &st);
	watch_hosts_tick(&m);	/* checks hosts, then flushes */
	snprintf(want, sizeof(want), "%lu ", (unsigned long)(base + 2));
	assert_string_equal(a.got, want);
	assert_string_equal(b.got, "");
	snprintf(want, sizeof(want), "%lu %lu ", (unsigned long)(base + 1),
	    (unsigned long)(base + 2));
	assert_string_equal(c.got, want);
	assert_int_equal(d.nsent, 0);	/* host events are not job 7's */

	/* b's peer stops reading: it is sent nothing more, a goes on */
	b.backlog = 1u << 30;
	flip(&m, h);
	flip(&m, h);
	watch_hosts_tick(&m);
	assert_int_equal(b.nsent, 0);
	assert_int_equal(a.nsent, 3);
	assert_int_equal(b.ended, 0);	/* still within the ring: it waits */
	/* the ring laps b: b is ended with where it was */
	for (i = 1; i <= 9000; i++) {
		flip(&m, h);
		if (i % 1000 == 0) {	/* a loop turn: a is served */
			a.got[0] = '\0';
			watch_hosts_tick(&m);
		}
	}
	assert_int_equal(b.ended, 1);
	assert_int_equal(b.end_last, base + 2);
	assert_int_equal(a.nsent, 3 + 9000);	/* a read all along */
	assert_int_equal(watch_nsubs(&m), 3);
	/* a resume from before what the ring holds is a gap */
	sub(&m, &b, true, base + 3, &st);
	assert_int_equal(st, WATCH_GAP);
	watch_free(&m);
	host_free_all(&m);
	job_free_all(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring_resume),
		cmocka_unit_test(test_watch_delivery),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
