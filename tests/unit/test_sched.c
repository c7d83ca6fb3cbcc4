/*
 * test_sched.c - the scheduling pass (sched.c) on a real master struct
 * with synthetic hosts: a pass cut into slices keeps the reservations made
 * earlier in its walk, and a job submitted meanwhile to a higher-priority
 * queue does not wait for the walk to end; REQUEUE_EXIT_VALUES decisions
 * (requeue.c) and their replay. Jobs change through job_apply
 * and job_event as in the daemon; the master is "replaying" so nothing
 * touches the event loop, and agents are socketpairs nobody reads.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>
#include <event2/event.h>

#include "../../daemons/master/master.h"
#include "../../daemons/master/sched.h"
#include "jobstate.h"
#include "util.h"

#define LSBDIR "lsbatch/demo/configdir/"

struct tmaster {
	struct master m;
	char dir[64];
	int fds[8];
	int nfds;
};

static void
put(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name), *d = xstrdup(path);
	FILE *fp;

	*strrchr(d, '/') = '\0';
	assert_int_equal(mkdir_p(d, 0755), 0);
	assert_non_null(fp = fopen(path, "w"));
	fputs(text, fp);
	fclose(fp);
	free(path);
	free(d);
}

/* A master with queues low (10, REQUEUE_EXIT_VALUES = 3 EXCLUDE(20)) and
 * high (50), no hosts yet; in dir (made, "" for a new one) with its store
 * state/, replayed when it holds events. */
static void
tm_open(struct tmaster *t, const char *dir)
{
	struct master *m = &t->m;
	char err[512], *state;

	memset(t, 0, sizeof(*t));
	strcpy(t->dir, *dir ? dir : "/tmp/test_sched.XXXXXX");
	if (*dir == '\0')
		assert_non_null(mkdtemp(t->dir));
	put(t->dir, "lsf.conf", "LSF_CLUSTER_NAME=demo\n");
	put(t->dir, LSBDIR "lsb.queues", "Begin Queue\nQUEUE_NAME = low\nPRIORITY = 10\n"
	    "REQUEUE_EXIT_VALUES = 3 EXCLUDE(20)\n"
	    "End Queue\nBegin Queue\nQUEUE_NAME = high\nPRIORITY = 50\nEnd Queue\n");
	if ((m->conf = conf_load(t->dir, 1, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	TAILQ_INIT(&m->conns);
	TAILQ_INIT(&m->dirty);
	TAILQ_INIT(&m->hosts);
	TAILQ_INIT(&m->pending);
	TAILQ_INIT(&m->waiters);
	TAILQ_INIT(&m->peeks);
	m->next_id = 1;
	m->replaying = true;	/* loop_want_* stay away from the event loop */
	assert_non_null(m->base = event_base_new());
	state = xasprintf("%s/state", t->dir);
	assert_int_equal(mkdir_p(state, 0755), 0);
	if ((m->store = store_open(state, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	free(state);
	if (store_replay(m->store, m, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	m->replaying = true;
}

static void
tm_init(struct tmaster *t)
{
	tm_open(t, "");
}

/* A registered host with slots slots. */
static void
tm_host(struct tmaster *t, const char *name, int slots)
{
	struct host *h = host_get(&t->m, name);
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	t->fds[t->nfds++] = sv[1];
	h->conn = conn_new(&t->m, sv[0], CONN_AGENT, -1, -1);
	conn_set_host(h->conn, h);
	h->status = HOST_OK;
	h->ncpus = h->maxslots = slots;
	h->mem_total = h->mem_free = 1024 * 1024;
}

/* Records and applies an event, as the daemon does. */
static void
tm_apply(struct tmaster *t, long id, const char *type, json_t *data)
{
	if (job_event(&t->m, id, 0, type, data) < 0)
		fail_msg("%s of job %ld refused", type, id);
}

/* Submits a job to queue with bsub options opts (JSON text); its id. */
static long
tm_submit(struct tmaster *t, const char *queue, const char *opts)
{
	json_error_t je;
	json_t *o = json_loads(opts, 0, &je), *data;
	long id = t->m.next_id;

	assert_non_null(o);
	data = json_pack("{s:s, s:s, s:s, s:i, s:o}", "name", "j", "user", "u", "queue",
	    queue, "nslots", 1, "opts", o);
	tm_apply(t, id, "submit", data);
	return id;
}

static int
tm_state(struct tmaster *t, long id)
{
	return job_elem_state(job_find(&t->m, id), 0, NULL);
}

/* Stops the master; its directory stays when keep. */
static void
tm_close(struct tmaster *t, bool keep)
{
	struct master *m = &t->m;
	char *cmd = xasprintf("rm -rf '%s'", t->dir);

	conn_free_all(m);
	event_base_loop(m->base, EVLOOP_NONBLOCK);
	store_commit(m->store);
	store_close(m->store);
	job_free_all(m);
	sched_free(m);
	host_free_all(m);
	admin_free(m);
	event_base_free(m->base);
	conf_free(m->conf);
	for (int i = 0; i < t->nfds; i++)
		close(t->fds[i]);
	if (!keep)
		assert_int_equal(system(cmd), 0);
	free(cmd);
}

static void
tm_free(struct tmaster *t)
{
	tm_close(t, false);
}

/*
 * small (2 slots, one busy) and wide (2100 slots). Job 2 needs both of
 * small's slots and reserves the free one; 2000 jobs for wide fill the
 * first slice; then a 1-slot job for small must not take the held slot in
 * a later slice, and a job submitted to queue high after the first slice
 * starts before the walk ends.
 */
static void
test_slices_keep_reservations(void **state)
{
	struct tmaster t;
	struct master *m = &t.m;
	long big, filler, thief, urgent;
	int passes = 0;

	tm_init(&t);
	tm_host(&t, "small", 2);
	tm_host(&t, "wide", 2100);
	filler = tm_submit(&t, "low", "{\"m\":\"small\"}");
	tm_apply(&t, filler, "start", json_pack("{s:[s]}", "hosts", "small"));
	big = tm_submit(&t, "low", "{\"n\":\"2\",\"R\":\"span[hosts=1]\",\"m\":\"small\"}");
	for (int i = 0; i < 2000; i++)
		tm_submit(&t, "low", "{\"m\":\"wide\"}");
	thief = tm_submit(&t, "low", "{\"m\":\"small\"}");
	tm_submit(&t, "low", "{\"m\":\"wide\"}");

	sched_pass(m);
	passes++;
	assert_non_null(m->sched->items);	/* cut short: 2000 starts at most */
	assert_int_equal(tm_state(&t, thief), JS_PEND);
	urgent = tm_submit(&t, "high", "{\"m\":\"wide\"}");
	while (m->sched->items != NULL && passes < 1000) {
		sched_pass(m);
		passes++;
	}
	assert_null(m->sched->items);
	assert_true(passes >= 2);
	/* the urgent job is not in the walk's items: it started in a resumed
	 * slice, not after the walk */
	assert_int_equal(tm_state(&t, urgent), JS_RUN);
	assert_int_equal(tm_state(&t, big), JS_PEND);
	assert_int_equal(tm_state(&t, thief), JS_PEND);
	assert_non_null(job_find(m, thief)->pend_detail);
	if (strstr(job_find(m, thief)->pend_detail, "held for job") == NULL)
		fail_msg("thief: %s", job_find(m, thief)->pend_detail);
	tm_free(&t);
}

/* What the agent reports, and whether the queue low requeues it. */
static const struct {
	const char *msg;	/* the "finished" message's fields */
	bool requeued, exclude;
} exits[] = {
	{ "{\"state\":\"EXIT\",\"exit_code\":3,\"signal\":0}", true, false },
	{ "{\"state\":\"EXIT\",\"exit_code\":20,\"signal\":0}", true, true },
	{ "{\"state\":\"EXIT\",\"exit_code\":4,\"signal\":0}", false, false },
	{ "{\"state\":\"EXIT\",\"exit_code\":3,\"signal\":9}", false, false },
	{ "{\"state\":\"EXIT\",\"exit_code\":3,\"signal\":0,"
	    "\"reason\":\"TERM_RUNLIMIT: job killed after reaching LSF run time limit\"}",
	    false, false },
	{ "{\"state\":\"DONE\",\"exit_code\":0,\"signal\":0}", false, false },
};

/*
 * REQUEUE_EXIT_VALUES: listed plain exits go back to PEND at the head of
 * the queue (EXCLUDE: never to that host again); signals, limits and other
 * codes end the job. A second master replaying the store comes to the
 * same jobs, orders and exclusions.
 */
static void
test_requeue_exit(void **state)
{
	struct tmaster t, r;
	long ids[sizeof(exits) / sizeof(exits[0])], waiting;
	json_error_t je;
	size_t i;

	tm_init(&t);
	tm_host(&t, "small", 2);
	waiting = tm_submit(&t, "low", "{\"m\":\"nosuch\"}");	/* pends */
	for (i = 0; i < sizeof(exits) / sizeof(exits[0]); i++) {
		json_t *msg = json_loads(exits[i].msg, 0, &je);
		struct job *j;
		struct elem *e;

		assert_non_null(msg);
		ids[i] = tm_submit(&t, "low", "{}");
		tm_apply(&t, ids[i], "start", json_pack("{s:[s]}", "hosts", "small"));
		j = job_find(&t.m, ids[i]);
		e = job_elem(j, 0);
		if (requeue_on_exit(&t.m, e, msg) != exits[i].requeued)
			fail_msg("%s: requeued is %d", exits[i].msg, !exits[i].requeued);
		json_decref(msg);
		if (!exits[i].requeued) {
			assert_int_equal(e->state, JS_RUN);
			tm_apply(&t, ids[i], "kill", json_pack("{s:b}", "forget", 1));
			continue;
		}
		assert_int_equal(e->state, JS_PEND);
		assert_true(j->order < job_find(&t.m, waiting)->order);
		assert_int_equal(jobreq_of(&t.m, j)->xhosts != NULL, exits[i].exclude);
		tm_apply(&t, ids[i], "kill", json_pack("{}"));
	}
	tm_close(&t, true);

	tm_open(&r, t.dir);
	for (i = 0; i < sizeof(exits) / sizeof(exits[0]); i++) {
		struct job *j = job_find(&r.m, ids[i]);
		assert_non_null(j);
		assert_int_equal(j->order < job_find(&r.m, waiting)->order, exits[i].requeued);
		if (exits[i].exclude) {
			assert_non_null(jobreq_of(&r.m, j)->xhosts);
			assert_string_equal(jobreq_of(&r.m, j)->xhosts[0], "small");
		} else
			assert_null(jobreq_of(&r.m, j)->xhosts);
	}
	tm_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slices_keep_reservations),
		cmocka_unit_test(test_requeue_exit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
