/*
 * test_attempt.c - the attempt number of a dispatch (its fencing token,
 * job.c): each start counts one, the start event records it, and a
 * replay restores it, whether the stored start names it (this version),
 * does not (an older database: counted on) or names an adopted copy's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "jobstate.h"
#include "../../daemons/master/envtab.h"
#include "../../daemons/master/master.h"

struct fixture {
	char dir[64];
	struct store *s;
	struct master m;
};

/* What job_event does, without the loop: apply, then record. */
static void
live(struct fixture *f, long id, const char *type, json_t *data)
{
	char err[256];

	assert_int_equal(job_apply(&f->m, id, 0, type, 10, data, err, sizeof(err)), 0);
	assert_int_equal(jobspec_store_envs(&f->m), 0);
	assert_int_equal(store_append(f->s, id, 0, type, 10, data), 0);
	json_decref(data);
}

/* An event as an older master stored it, not applied now. */
static void
stored(struct fixture *f, const char *type, json_t *data)
{
	assert_int_equal(store_append(f->s, 1, 0, type, 10, data), 0);
	json_decref(data);
}

static json_t *
start_on(const char *host)
{
	return json_pack("{s:[s]}", "hosts", host);
}

static json_t *
requeue_why(void)
{
	return json_pack("{s:s}", "reason", "rerun: host lost");
}

static void
fixture_open(struct fixture *f)
{
	char err[256];

	snprintf(f->dir, sizeof(f->dir), "/tmp/pumice-attempt-test.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	assert_non_null(f->s = store_open(f->dir, err, sizeof(err)));
	memset(&f->m, 0, sizeof(f->m));
	master_init(&f->m);
	f->m.store = f->s;
	live(f, 1, "submit", json_pack("{s:s, s:s, s:s, s:s}", "name", "a", "cmd", "a",
	    "user", "u", "queue", "q"));
}

/* Commits, forgets the jobs and replays them: the element of job 1. */
static struct elem *
restart(struct fixture *f)
{
	char err[256];
	struct job *j;

	assert_int_equal(store_commit(f->s), 0);
	job_free_all(&f->m);
	host_free_all(&f->m);
	memset(&f->m, 0, sizeof(f->m));
	master_init(&f->m);
	f->m.store = f->s;
	assert_int_equal(job_replay(&f->m, err, sizeof(err)), 0);
	assert_non_null(j = job_find(&f->m, 1));
	return job_elem(j, 0);
}

static void
fixture_close(struct fixture *f)
{
	char cmd[128];

	job_free_all(&f->m);
	host_free_all(&f->m);
	store_close(f->s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
}

static void
test_starts_count_and_replay(void **state)
{
	struct fixture f;
	struct elem *e;

	fixture_open(&f);
	live(&f, 1, "start", start_on("node1"));
	assert_int_equal(job_elem(job_find(&f.m, 1), 0)->attempt, 1);
	live(&f, 1, "requeue", requeue_why());
	live(&f, 1, "start", start_on("node2"));
	e = job_elem(job_find(&f.m, 1), 0);
	assert_int_equal(e->attempt, 2);
	e = restart(&f);
	assert_int_equal(e->attempt, 2);
	assert_int_equal(e->state, JS_RUN);
	assert_string_equal(e->host->name, "node2");
	/* and the next dispatch after the replay goes on from there */
	live(&f, 1, "requeue", requeue_why());
	live(&f, 1, "start", start_on("node1"));
	assert_int_equal(job_elem(job_find(&f.m, 1), 0)->attempt, 3);
	assert_int_equal(restart(&f)->attempt, 3);
	fixture_close(&f);
}

/* Starts stored by an older master carry no attempt: counted on replay. */
static void
test_old_starts_are_counted(void **state)
{
	struct fixture f;

	fixture_open(&f);
	stored(&f, "start", start_on("node1"));
	stored(&f, "requeue", requeue_why());
	stored(&f, "start", start_on("node2"));
	assert_int_equal(restart(&f)->attempt, 2);
	fixture_close(&f);
}

/* A copy adopted at registration keeps the attempt its agent holds. */
static void
test_adopted_attempt(void **state)
{
	struct fixture f;

	fixture_open(&f);
	live(&f, 1, "start", start_on("node1"));
	live(&f, 1, "requeue", requeue_why());
	live(&f, 1, "start", json_pack("{s:[s], s:i}", "hosts", "node1", "attempt", 1));
	assert_int_equal(job_elem(job_find(&f.m, 1), 0)->attempt, 1);
	assert_int_equal(restart(&f)->attempt, 1);
	fixture_close(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_starts_count_and_replay),
		cmocka_unit_test(test_old_starts_are_counted),
		cmocka_unit_test(test_adopted_attempt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
