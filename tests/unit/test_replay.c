/*
 * test_replay.c - a restart rebuilds the same job table: events of every
 * type are applied as live (job_apply, then recorded), the records of
 * every job and element are taken, and a fresh master that replays the
 * store (job_replay: the reader thread of replayq.c) must give the same
 * records, the same administration state and the same next id. Jobs
 * purged before the restart stay out of memory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../daemons/master/master.h"
#include "../../daemons/master/envtab.h"
#include "testlib.h"
#include "util.h"

struct trep {
	struct master m;
	char dir[64];
	struct conf *conf;
};

static void
tr_master(struct trep *t)
{
	char err[512];

	memset(&t->m, 0, sizeof(t->m));
	master_init(&t->m);
	t->m.conf = t->conf;
	if ((t->m.store = store_open(t->dir, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
}

static void
tr_master_free(struct trep *t)
{
	job_free_all(&t->m);
	host_free_all(&t->m);
	envtab_free(t->m.envs);
	json_decref(t->m.qadmin);
	store_close(t->m.store);
}

/* As job_event does, without the loop: applied, then recorded. */
static void
tr_event(struct trep *t, long id, long idx, const char *type, json_t *data)
{
	char err[256];

	if (job_apply(&t->m, id, idx, type, 1000 + id, data, err, sizeof(err)) < 0)
		fail_msg("%s of %ld[%ld]: %s", type, id, idx, err);
	assert_int_equal(jobspec_store_envs(&t->m), 0);
	assert_int_equal(store_append(t->m.store, id, idx, type, 1000 + id, data), 0);
	json_decref(data);
}

static void
tr_submit(struct trep *t, long id, const char *array)
{
	json_t *d = json_pack("{s:s, s:s, s:s, s:i, s:s, s:{s:s}}", "name", "j",
	    "user", "u", "queue", "normal", "nslots", 1, "cmd", "true", "env",
	    "HOME", "/h");

	if (array != NULL)
		json_object_set_new(d, "array", json_string(array));
	tr_event(t, id, 0, "submit", d);
}

/* Every job's and element's record, the queues' and hosts' state. */
static char *
tr_table(struct trep *t)
{
	json_t *all = json_array();
	struct job *j;
	struct host *h;
	long i;
	char *text;

	TAILQ_FOREACH(h, &t->m.hosts, entry)
		h->status = HOST_OK;	/* no agent: else every job is UNKWN */
	TAILQ_FOREACH(j, &t->m.byid, id_entry)
		for (i = job_is_array(j) ? 1 : 0; i <= (job_is_array(j) ? 10 : 0); i++)
			json_array_append_new(all, job_record(&t->m, j, i));
	TAILQ_FOREACH(h, &t->m.hosts, entry)
		json_array_append_new(all, json_pack("{s:s, s:b, s:s?, s:i}", "host",
		    h->name, "closed", h->adm_closed, "comment", h->adm_comment,
		    "used", h->used));
	json_array_append_new(all, json_pack("{s:O?, s:I, s:I}", "qadmin",
	    t->m.qadmin, "next_id", (json_int_t)t->m.next_id, "njobs",
	    (json_int_t)t->m.njobs));
	text = json_dumps(all, JSON_SORT_KEYS | JSON_INDENT(1));
	json_decref(all);
	return text;
}

static void
test_replay_gives_the_same_table(void **state)
{
	struct trep t;
	char err[512], *before, *after, *cmd;

	strcpy(t.dir, "/tmp/test_replay.XXXXXX");
	assert_non_null(mkdtemp(t.dir));
	tl_put(t.dir, "lsf.conf", "LSF_CLUSTER_NAME=demo\n");
	if ((t.conf = conf_load(t.dir, 1, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	tr_master(&t);
	tr_submit(&t, 1, NULL);
	tr_submit(&t, 2, "1-10");
	tr_submit(&t, 3, NULL);
	tr_submit(&t, 4, NULL);
	tr_submit(&t, 5, NULL);
	tr_event(&t, 2, 3, "start", json_pack("{s:[s]}", "hosts", "h1"));
	tr_event(&t, 2, 4, "start", json_pack("{s:[s,s]}", "hosts", "h1", "h2"));
	tr_event(&t, 2, 4, "finish", json_pack("{s:s, s:i, s:f, s:i, s:{s:f}}",
	    "state", "DONE", "exit_code", 0, "cpu", 1.5, "maxrss", 2048, "result",
	    "loss", 0.25));
	tr_event(&t, 2, 3, "result", json_pack("{s:{s:s}, s:s}", "result", "by",
	    "bresult", "from", "u"));
	tr_event(&t, 2, 5, "kill", json_object());
	tr_event(&t, 2, 6, "stop", json_pack("{s:s}", "by", "u"));
	tr_event(&t, 2, 7, "stop", json_pack("{s:s}", "by", "u"));
	tr_event(&t, 2, 7, "resume", json_object());
	tr_event(&t, 2, 8, "start", json_pack("{s:[s]}", "hosts", "h1"));
	tr_event(&t, 2, 8, "requeue", json_pack("{s:I}", "order", (json_int_t)-5));
	tr_event(&t, 2, 9, "start", json_pack("{s:[s]}", "hosts", "h2"));
	tr_event(&t, 2, 9, "requeue_user", json_pack("{s:b}", "hold", 1));
	tr_event(&t, 1, -1, "mod", json_pack("{s:{s:s}}", "set", "name", "renamed"));
	tr_event(&t, 3, -1, "move", json_pack("{s:I}", "order", (json_int_t)-1));
	tr_event(&t, 4, 0, "start", json_pack("{s:[s]}", "hosts", "h2"));
	tr_event(&t, 4, 0, "finish", json_pack("{s:s, s:i, s:s}", "state", "EXIT",
	    "exit_code", 3, "result_error", "invalid JSON: x"));
	tr_event(&t, 5, -1, "kill", json_pack("{s:s}", "reason", "gone"));
	tr_event(&t, 5, -1, "purge", json_pack("{s:s}", "user", "u"));
	tr_event(&t, 0, -1, "hclose", json_pack("{s:s, s:s}", "host", "h1",
	    "comment", "maintenance"));
	tr_event(&t, 0, -1, "qclose", json_pack("{s:s}", "queue", "normal"));
	assert_int_equal(store_commit(t.m.store), 0);
	assert_null(job_find(&t.m, 5));
	before = tr_table(&t);
	tr_master_free(&t);

	tr_master(&t);
	assert_int_equal(job_replay(&t.m, err, sizeof(err)), 0);
	assert_int_equal(t.m.replayed, 25 - 3);	/* job 5's three are history */
	assert_null(job_find(&t.m, 5));
	after = tr_table(&t);
	assert_string_equal(before, after);
	assert_non_null(strstr(after, "renamed"));
	assert_non_null(strstr(after, "maintenance"));
	/* outcome records: from a finish, from bresult, a refused file */
	assert_non_null(strstr(after, "\"loss\": 0.25"));
	assert_non_null(strstr(after, "\"by\": \"bresult\""));
	assert_non_null(strstr(after, "\"result_error\": \"invalid JSON: x\""));
	{	/* what a reduce step over array 2 is given */
		char *all = job_results_json(job_find(&t.m, 2));
		assert_string_equal(all, "[null,null,{\"by\":\"bresult\"},{\"loss\":0.25},"
		    "null,null,null,null,null,null]");
		free(all);
		all = job_results_json(job_find(&t.m, 4));
		assert_string_equal(all, "[null]");
		free(all);
	}
	tr_master_free(&t);
	free(before);
	free(after);
	conf_free(t.conf);
	cmd = xasprintf("rm -rf %s", t.dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_gives_the_same_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
