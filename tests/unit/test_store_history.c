/*
 * test_store_history.c - the sqlite history of store.c: a purge event
 * lists a job in history (by user), its events stay readable, expiry
 * deletes them once the history period is over, a reused id forgets
 * the older job's history, and an environment goes from the envs table
 * once no event names it (and the master holds it no more).
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

static struct store *
open_tmp(char *dir, size_t len)
{
	char err[256];
	struct store *s;

	snprintf(dir, len, "/tmp/pumice-store-test.XXXXXX");
	assert_non_null(mkdtemp(dir));
	s = store_open(dir, err, sizeof(err));
	assert_non_null(s);
	return s;
}

static void
close_tmp(struct store *s, const char *dir)
{
	char path[512];

	store_close(s);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

static void
add(struct store *s, long id, const char *type, long when, const char *user)
{
	json_t *d = json_pack("{s:s, s:s, s:s}", "user", user, "name", "x",
	    "queue", "normal");

	assert_int_equal(store_append(s, id, 0, type, when, d), 0);
	json_decref(d);
}

static void
test_purge_lists_and_expiry_deletes(void **state)
{
	char dir[64];
	struct store *s = open_tmp(dir, sizeof(dir));
	json_t *v;

	add(s, 5, "submit", 100, "alice");
	add(s, 5, "purge", 200, "alice");
	add(s, 6, "submit", 110, "bob");
	add(s, 6, "purge", 300, "bob");
	add(s, 7, "submit", 120, "alice");	/* still in memory */
	assert_int_equal(store_commit(s), 0);
	assert_true(store_in_history(s, 5));
	assert_false(store_in_history(s, 7));
	v = store_history_jobs(s, "alice", 0);
	assert_int_equal(json_array_size(v), 1);
	assert_int_equal(json_integer_value(json_array_get(v, 0)), 5);
	json_decref(v);
	v = store_history_jobs(s, NULL, 1);	/* newest purge only */
	assert_int_equal(json_array_size(v), 1);
	assert_int_equal(json_integer_value(json_array_get(v, 0)), 6);
	json_decref(v);
	v = store_job_events(s, 5);
	assert_int_equal(json_array_size(v), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(v, 1),
	    "type")), "purge");
	json_decref(v);
	assert_int_equal(store_expire(s, 150), 0);
	assert_int_equal(store_expire(s, 250), 1);	/* job 5 only */
	assert_int_equal(store_commit(s), 0);
	assert_false(store_in_history(s, 5));
	assert_true(store_in_history(s, 6));
	v = store_job_events(s, 5);
	assert_int_equal(json_array_size(v), 0);
	json_decref(v);
	v = store_job_events(s, 7);
	assert_int_equal(json_array_size(v), 1);
	json_decref(v);
	close_tmp(s, dir);
}

static void
test_reused_id_forgets_old_history(void **state)
{
	char dir[64];
	struct store *s = open_tmp(dir, sizeof(dir));
	json_t *v;

	add(s, 3, "submit", 100, "alice");
	add(s, 3, "purge", 200, "alice");
	add(s, 9, "submit", 210, "alice");
	assert_int_equal(store_forget_reused(s, 10), 0);	/* new id: nothing */
	assert_true(store_in_history(s, 3));
	assert_int_equal(store_forget_reused(s, 3), 0);	/* wrapped around */
	assert_int_equal(store_commit(s), 0);
	assert_false(store_in_history(s, 3));
	v = store_job_events(s, 3);
	assert_int_equal(json_array_size(v), 0);
	json_decref(v);
	close_tmp(s, dir);
}

/* Environment ids: 32 hex digits, as envtab.c makes them. */
#define ENV_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define ENV_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define ENV_C "cccccccccccccccccccccccccccccccc"
#define ENV_D "dddddddddddddddddddddddddddddddd"

static void
add_env(struct store *s, long id, long when, const char *env)
{
	json_t *d = json_pack("{s:s, s:s, s:s, s:s}", "name", "x", "user", "alice",
	    "queue", "normal", "env_id", env);

	assert_int_equal(store_append(s, id, 0, "submit", when, d), 0);
	json_decref(d);
}

/* The master holds ENV_A (a job in memory) and ENV_D (not yet named). */
static bool
live_a_d(void *arg, const char *id)
{
	(*(int *)arg)++;
	return strcmp(id, ENV_A) == 0 || strcmp(id, ENV_D) == 0;
}

static bool
live_none(void *arg, const char *id)
{
	return false;
}

static bool
has_env(struct store *s, const char *id)
{
	char *text = store_env_text(s, id);
	bool found = text != NULL;

	free(text);
	return found;
}

static void
test_unnamed_envs_are_deleted(void **state)
{
	char dir[64];
	struct store *s = open_tmp(dir, sizeof(dir));
	int calls = 0;

	assert_int_equal(store_put_env(s, ENV_A, "{\"A\":\"1\"}"), 0);
	assert_int_equal(store_put_env(s, ENV_B, "{\"B\":\"1\"}"), 0);
	assert_int_equal(store_put_env(s, ENV_C, "{\"C\":\"1\"}"), 0);
	assert_int_equal(store_put_env(s, ENV_D, "{\"D\":\"1\"}"), 0);
	add_env(s, 1, 100, ENV_A);		/* in memory */
	add_env(s, 2, 100, ENV_B);
	add(s, 2, "purge", 300, "alice");	/* in history until 300 + period */
	add_env(s, 3, 100, ENV_C);
	add(s, 3, "purge", 200, "alice");
	assert_int_equal(store_commit(s), 0);
	/* no event deleted yet: nothing is even looked at */
	assert_int_equal(store_envs_collect(s, live_a_d, &calls), 0);
	assert_int_equal(calls, 0);
	assert_int_equal(store_expire(s, 250), 1);	/* job 3 goes */
	assert_int_equal(store_envs_collect(s, live_a_d, &calls), 1);
	assert_int_equal(store_commit(s), 0);
	assert_true(calls > 0);
	assert_false(has_env(s, ENV_C));	/* named by no event any more */
	assert_true(has_env(s, ENV_B));		/* job 2, in history, names it */
	assert_true(has_env(s, ENV_A));		/* held in memory */
	assert_true(has_env(s, ENV_D));		/* held, named by nothing yet */
	assert_int_equal(store_envs_collect(s, live_a_d, &calls), 0);
	assert_int_equal(store_expire(s, 350), 1);	/* job 2 goes */
	assert_int_equal(store_envs_collect(s, live_a_d, &calls), 1);
	assert_int_equal(store_commit(s), 0);
	assert_false(has_env(s, ENV_B));
	assert_true(has_env(s, ENV_A));
	/* a job deleted at once (no history period), then the master holds
	 * nothing: its environment goes, and the one nothing ever named */
	assert_int_equal(store_delete_job(s, 1), 0);
	assert_int_equal(store_envs_collect(s, live_none, NULL), 2);
	assert_int_equal(store_commit(s), 0);
	assert_false(has_env(s, ENV_A));
	assert_false(has_env(s, ENV_D));
	close_tmp(s, dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_purge_lists_and_expiry_deletes),
		cmocka_unit_test(test_reused_id_forgets_old_history),
		cmocka_unit_test(test_unnamed_envs_are_deleted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
