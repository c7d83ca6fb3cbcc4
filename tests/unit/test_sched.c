/*
 * test_sched.c - the scheduling pass (sched.c) on a real master struct
 * with synthetic hosts: a pass cut into slices keeps the reservations made
 * earlier in its walk, and a job submitted meanwhile to a higher-priority
 * queue does not wait for the walk to end; the walk's order built in
 * slices is the order of one sort; REQUEUE_EXIT_VALUES decisions
 * (requeue.c) and their replay; fairshare usage from run time and group
 * accounts (fairshare.c). Jobs change through job_apply
 * and job_event as in the daemon; the commit and pass events are made
 * active but the loop never runs them, and agents are socketpairs nobody
 * reads.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
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
#include "testlib.h"
#include "util.h"

#define LSBDIR "lsbatch/demo/configdir/"

struct tmaster {
	struct master m;
	char dir[64];
	int fds[8];
	int nfds;
};


static void
tm_never(evutil_socket_t fd, short what, void *arg)
{
	fail_msg("the test's event loop never runs");
}

/* A master with queues low (10, REQUEUE_EXIT_VALUES = 3 EXCLUDE(20)),
 * high (50) and fair (20, one account of 2 shares for alice and bob of
 * group grp, 1 share for carol), no hosts yet; in dir (made, "" for a new one) with its store
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
	tl_put(t->dir, "lsf.conf", "LSF_CLUSTER_NAME=demo\n");
	tl_put(t->dir, LSBDIR "lsb.queues", "Begin Queue\nQUEUE_NAME = low\nPRIORITY = 10\n"
	    "REQUEUE_EXIT_VALUES = 3 EXCLUDE(20)\n"
	    "End Queue\nBegin Queue\nQUEUE_NAME = high\nPRIORITY = 50\nEnd Queue\n"
	    "Begin Queue\nQUEUE_NAME = fair\nPRIORITY = 20\n"
	    "FAIRSHARE = USER_SHARES[[grp, 2] [carol, 1]]\nEnd Queue\n");
	tl_put(t->dir, LSBDIR "lsb.users", "Begin UserGroup\nGROUP_NAME GROUP_MEMBER\n"
	    "grp (alice bob)\nEnd UserGroup\n");
	if ((m->conf = conf_load(t->dir, 1, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	master_init(m);
	assert_non_null(m->base = event_base_new());
	m->commit_ev = event_new(m->base, -1, 0, tm_never, NULL);
	m->sched_ev = event_new(m->base, -1, 0, tm_never, NULL);
	state = xasprintf("%s/state", t->dir);
	assert_int_equal(mkdir_p(state, 0755), 0);
	if ((m->store = store_open(state, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	free(state);
	if (job_replay(m, err, sizeof(err)) < 0)
		fail_msg("%s", err);
}

/* badmin reconfig as reconfig.c does it: queue low now above high. */
static void
tm_reconfig(struct tmaster *t)
{
	struct conf *old = t->m.conf;
	char err[512];

	tl_put(t->dir, LSBDIR "lsb.queues", "Begin Queue\nQUEUE_NAME = low\nPRIORITY = 60\n"
	    "End Queue\nBegin Queue\nQUEUE_NAME = high\nPRIORITY = 50\nEnd Queue\n");
	if ((t->m.conf = conf_load(t->dir, 1, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	conf_free(old);
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
	conn_set_authed(h->conn);	/* as if it had proved the key */
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

/* Submits a job of user to queue with bsub options opts (JSON text). */
static long
tm_submit_as(struct tmaster *t, const char *user, const char *queue,
    const char *opts)
{
	json_error_t je;
	json_t *o = json_loads(opts, 0, &je), *data;
	long id = t->m.next_id;

	assert_non_null(o);
	data = json_pack("{s:s, s:s, s:s, s:i, s:o}", "name", "j", "user", user, "queue",
	    queue, "nslots", 1, "opts", o);
	tm_apply(t, id, "submit", data);
	return id;
}

static long
tm_submit(struct tmaster *t, const char *queue, const char *opts)
{
	return tm_submit_as(t, "u", queue, opts);
}

/* A job of user in queue, running on host. */
static long
tm_running(struct tmaster *t, const char *user, const char *queue, const char *host)
{
	long id = tm_submit_as(t, user, queue, "{}");

	tm_apply(t, id, "start", json_pack("{s:[s]}", "hosts", host));
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
	event_del(m->commit_ev);
	event_del(m->sched_ev);
	event_base_loop(m->base, EVLOOP_NONBLOCK);	/* frees the conns */
	store_commit(m->store);
	acct_close(m);	/* as main.c: lsb.acct's pending lines */
	store_close(m->store);
	job_free_all(m);
	sched_free(m);
	host_free_all(m);
	admin_free(m);
	event_free(m->commit_ev);
	event_free(m->sched_ev);
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

/* Dispatch order as sched.c's walk sorts it: queue priority, queue,
 * btop/bbot order, id (no -sp here); order_first is the queue of higher
 * priority. */
static const struct job *order_jobs[1000];
static const char *order_first;

static int
order_cmp(const void *a, const void *b)
{
	const struct job *x = *(const struct job *const *)a;
	const struct job *y = *(const struct job *const *)b;
	int px = strcmp(x->queue, order_first) == 0;
	int py = strcmp(y->queue, order_first) == 0;

	if (px != py)
		return py - px;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * The walk's order built in the smallest slices (one job collected, one
 * run sorted or one pair merged, one job tried per pass) is the order of
 * one sort: with slots for the high jobs and five more, exactly those and
 * the first five low ones (by btop order, then id) start, including a
 * high job submitted while the order was being collected. 700 jobs make
 * three runs of 256 to merge.
 */
static void
sliced_order(bool reconfig)
{
	struct tmaster t;
	struct master *m = &t.m;
	size_t n = 0, nhigh = 0, i;
	int passes = 0;
	long id;

	tm_init(&t);
	order_first = reconfig ? "low" : "high";
	for (i = 0; i < 700; i++) {
		id = tm_submit(&t, i * 7 % 3 == 0 ? "high" : "low", "{}");
		order_jobs[n] = job_find(m, id);
		if (i % 97 == 5)	/* as btop did */
			job_find(m, id)->order = -(long)i;
		nhigh += strcmp(order_jobs[n++]->queue, order_first) == 0;
	}
	sched_state(m)->slice_us = 1;
	for (i = 0; i < 10; i++, passes++)
		sched_pass(m);		/* no host yet: the order is being built */
	assert_non_null(m->sched->items);
	if (reconfig)
		tm_reconfig(&t);
	id = tm_submit(&t, order_first, "{}");
	order_jobs[n++] = job_find(m, id);
	nhigh++;
	tm_host(&t, "h", (int)nhigh + 5);
	while (m->sched->items != NULL && passes < 100000) {
		sched_pass(m);
		passes++;
	}
	assert_null(m->sched->items);
	/* many slices; how many depends on this machine's speed (a slice ends
	 * at its first clock check past 1 us, and collecting a job whose
	 * requirements were parsed already can take less) */
	assert_true(passes > 20);
	qsort(order_jobs, n, sizeof(order_jobs[0]), order_cmp);
	for (i = 0; i < n; i++)
		if (tm_state(&t, order_jobs[i]->id) != (i < nhigh + 5 ? JS_RUN : JS_PEND))
			fail_msg("job %ld (%s, %zu in order) is %s", order_jobs[i]->id,
			    order_jobs[i]->queue, i, i < nhigh + 5 ? "pending" : "running");
	tm_free(&t);
}

static void
test_sliced_order(void **state)
{
	sliced_order(false);
}

/* badmin reconfig while the order is being built (queue low now above
 * high): the half-built order is dropped and built again from the new
 * priorities and requirements. */
static void
test_sliced_order_reconfig(void **state)
{
	sliced_order(true);
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

static bool
near(double v, double want, double slack)
{
	return v >= want - slack && v <= want + slack;
}

/*
 * Usage is what jobs ran: a job that ran 1000 s counts 1000 slot-seconds
 * however long the master went without a pass, split between the ticks
 * that saw it running and its end; afterwards it only decays.
 */
static void
test_fairshare_usage(void **state)
{
	struct tmaster t;
	struct fairshare *f;
	long now = (long)now_real(), a;
	double left;

	tm_init(&t);
	tm_host(&t, "small", 4);
	f = sched_state(&t.m)->fs;
	fairshare_free(f);
	t.m.sched->fs = f = fairshare_new(now - 2000);	/* the master's start */
	a = tm_running(&t, "alice", "fair", "small");
	job_elem(job_find(&t.m, a), 0)->start_time = now - 1000;
	fairshare_tick(&t.m, now - 500);
	assert_true(near(fairshare_usage(f, "fair", "alice"), 500, 1));
	assert_true(near(fairshare_usage(f, "fair", "@grp"), 500, 1));
	sched_pass(&t.m);	/* nothing pending: no charge, no ageing */
	assert_true(near(fairshare_usage(f, "fair", "alice"), 500, 1));
	tm_apply(&t, a, "finish", json_pack("{s:s, s:i}", "state", "DONE", "exit_code", 0));
	assert_true(near(fairshare_usage(f, "fair", "alice"), 1000, 5));
	fairshare_tick(&t.m, now + 3600);	/* an hour and more later */
	left = 1000 * pow(0.5, 4100.0 / (5 * 3600));
	assert_true(near(fairshare_usage(f, "fair", "alice"), left, 10));
	assert_true(near(fairshare_usage(f, "fair", "@grp"), left, 10));
	assert_true(fairshare_usage(f, "fair", "bob") == 0);
	tm_free(&t);
}

/*
 * [grp,2]: alice and bob share two shares. With alice holding two slots,
 * the group's priority is 2 / 3 and carol's 1 / 1, so carol goes before
 * bob (who alone would have had 2 / 1); then within the group bob, who
 * runs nothing, goes before alice's earlier job.
 */
static void
test_fairshare_group(void **state)
{
	struct tmaster t;
	long alice3, bob, carol;

	tm_init(&t);
	tm_host(&t, "small", 3);
	tm_running(&t, "alice", "fair", "small");
	tm_running(&t, "alice", "fair", "small");
	alice3 = tm_submit_as(&t, "alice", "fair", "{}");
	bob = tm_submit_as(&t, "bob", "fair", "{}");
	carol = tm_submit_as(&t, "carol", "fair", "{}");
	sched_pass(&t.m);
	assert_int_equal(tm_state(&t, carol), JS_RUN);
	assert_int_equal(tm_state(&t, bob), JS_PEND);
	assert_int_equal(tm_state(&t, alice3), JS_PEND);
	tm_apply(&t, carol, "kill", json_pack("{s:b}", "forget", 1));
	sched_pass(&t.m);
	assert_int_equal(tm_state(&t, bob), JS_RUN);
	assert_int_equal(tm_state(&t, alice3), JS_PEND);
	tm_free(&t);
}

/* ---- per-state element counters (job_nstate) ---- */

static const int count_states[] = { JS_PEND, JS_PSUSP, JS_RUN, JS_SSUSP, JS_USUSP,
	JS_EXIT, JS_DONE };

/* job_nstate agrees with a walk over every index, state by state. */
static void
tm_check_counts(struct job *j, const char *step)
{
	long want[sizeof(count_states) / sizeof(count_states[0])] = { 0 }, pos, sum = 0;
	size_t k;

	for (pos = 0; pos < j->count; pos++) {
		int st = job_elem_state(j, job_is_array(j) ? arrayspec_at(&j->arr, pos) : 0,
		    NULL);
		for (k = 0; k < sizeof(count_states) / sizeof(count_states[0]); k++)
			want[k] += st == count_states[k];
	}
	for (k = 0; k < sizeof(count_states) / sizeof(count_states[0]); k++) {
		if (job_nstate(j, count_states[k]) != want[k])
			fail_msg("%s: %s counted %ld, walk finds %ld", step,
			    jobstate_name(count_states[k]), job_nstate(j, count_states[k]),
			    want[k]);
		sum += want[k];
	}
	assert_int_equal(sum, j->count);
	assert_int_equal(job_nstate(j, JS_FINISHED), j->ndone + j->nexit);
	assert_int_equal(job_nstate(j, JS_PENDING), job_pending_count(j));
}

/* One element event, as the daemon records it. */
static void
tm_elem(struct tmaster *t, long id, long idx, const char *type, json_t *data)
{
	if (job_event(&t->m, id, idx, type, data) < 0)
		fail_msg("%s of %ld[%ld] refused", type, id, idx);
	tm_check_counts(job_find(&t->m, id), type);
}

/*
 * Every kind of state change an element goes through keeps the counters
 * true: start, finish DONE and EXIT, stop and resume of an element and of
 * the whole array (held unstarted elements), kill of single indices and of
 * the rest, brequeue, a REQUEUE_EXIT_VALUES requeue, bmod, and replay.
 */
static void
test_counts(void **state)
{
	struct tmaster t, r;
	json_t *data;
	long id, plain;

	tm_init(&t);
	tm_host(&t, "big", 100);
	id = t.m.next_id;
	data = json_pack("{s:s, s:s, s:s, s:i, s:s}", "name", "a", "user", "u",
	    "queue", "low", "nslots", 1, "array", "1-1000:3");
	tm_apply(&t, id, "submit", data);
	tm_check_counts(job_find(&t.m, id), "submit");
	for (long i = 1; i <= 10; i += 3)
		tm_elem(&t, id, i, "start", json_pack("{s:[s]}", "hosts", "big"));
	tm_elem(&t, id, 1, "finish", json_pack("{s:s}", "state", "DONE"));
	tm_elem(&t, id, 4, "finish", json_pack("{s:s, s:i}", "state", "EXIT",
	    "exit_code", 2));
	tm_elem(&t, id, 7, "stop", json_pack("{s:s}", "by", "u"));	/* USUSP */
	tm_elem(&t, id, 7, "resume", json_pack("{s:s}", "by", "u"));
	tm_elem(&t, id, 31, "stop", json_pack("{s:s}", "by", "u"));	/* PSUSP */
	tm_elem(&t, id, -1, "stop", json_pack("{s:s}", "by", "u"));	/* held */
	tm_elem(&t, id, -1, "mod", json_pack("{s:{s:s}}", "set", "name", "b"));
	tm_elem(&t, id, 40, "kill", json_pack("{s:s}", "reason", "TERM_OWNER"));
	tm_elem(&t, id, -1, "resume", json_pack("{s:s}", "by", "u"));
	tm_elem(&t, id, 43, "kill", json_pack("{s:s}", "reason", "TERM_OWNER"));
	tm_elem(&t, id, 1, "requeue_user", json_pack("{s:b}", "hold", 1));
	tm_elem(&t, id, 4, "requeue_user", json_pack("{s:b}", "hold", 0));
	tm_elem(&t, id, 10, "requeue", json_pack("{}"));	/* REQUEUE_EXIT_VALUES */
	tm_elem(&t, id, 10, "start", json_pack("{s:[s]}", "hosts", "big"));
	tm_elem(&t, id, -1, "kill", json_pack("{s:s}", "reason", "TERM_OWNER"));
	plain = tm_running(&t, "u", "low", "big");
	tm_check_counts(job_find(&t.m, plain), "plain start");
	tm_close(&t, true);

	tm_open(&r, t.dir);	/* replay: the same counts from the events */
	tm_check_counts(job_find(&r.m, id), "replay");
	tm_check_counts(job_find(&r.m, plain), "replay plain");
	assert_int_equal(job_nstate(job_find(&r.m, id), JS_RUN), 2);	/* 7, 10 */
	assert_int_equal(job_nstate(job_find(&r.m, id), JS_EXIT), 334 - 2);	/* the rest */
	tm_free(&r);
}

/* With every id below MAX_JOBID taken, a submit is refused, not a hang. */
static void
test_no_free_id(void **state)
{
	struct tmaster t;
	struct reqctx rq = { .user = "u", .from_host = "h", .uid = 1000, .gid = 1000 };
	const char *queue;
	char err[256];
	int i;

	tm_init(&t);
	t.m.conf->max_jobid = 3;
	for (i = 1; i <= 3; i++) {
		json_t *job = json_pack("{s:s, s:s}", "cmd", "true", "queue", "low");
		assert_int_equal(control_submit_job(&t.m, &rq, job, &queue, err,
		    sizeof(err)), i);
		json_decref(job);
	}
	json_t *job = json_pack("{s:s, s:s}", "cmd", "true", "queue", "low");
	assert_int_equal(control_submit_job(&t.m, &rq, job, &queue, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No free job ID"));
	json_decref(job);
	tm_free(&t);
}

/* ---- the kept snapshot (snapshot.c) ---- */

static void
snap_same_run(const struct place_run *a, const struct place_run *b,
    const char *host, const char *step)
{
	if (a->end != b->end || a->slots != b->slots || a->mem != b->mem ||
	    a->excl != b->excl || strcmp(a->user, b->user) != 0 ||
	    strcmp(a->queue, b->queue) != 0)
		fail_msg("%s: %s: kept run (end %ld, %d slots, %llu KB) differs from "
		    "fresh (end %ld, %d slots, %llu KB)", step, host, a->end, a->slots,
		    (unsigned long long)a->mem, b->end, b->slots,
		    (unsigned long long)b->mem);
}

static void
snap_same_host(const struct place_host *a, const struct place_host *b,
    const char *step)
{
	if (strcmp(a->name, b->name) != 0 || a->h != b->h || a->usable != b->usable ||
	    a->maxslots != b->maxslots || a->used != b->used || a->ncpus != b->ncpus ||
	    a->jlu != b->jlu || a->mem_total != b->mem_total || a->mem_rsv != b->mem_rsv ||
	    a->excl != b->excl || a->rsv_slots != b->rsv_slots ||
	    a->rsv_mem != b->rsv_mem || a->rsv_until != b->rsv_until ||
	    a->rsv_job != b->rsv_job || a->nruns != b->nruns)
		fail_msg("%s: host %s: kept used %d mem_rsv %llu usable %d excl %d runs "
		    "%zu, fresh used %d mem_rsv %llu usable %d excl %d runs %zu", step,
		    b->name, a->used, (unsigned long long)a->mem_rsv, a->usable, a->excl,
		    a->nruns, b->used, (unsigned long long)b->mem_rsv, b->usable, b->excl,
		    b->nruns);
	for (int k = 0; k < SEL_NIDX; k++)
		if (a->sel.num[k] != b->sel.num[k])
			fail_msg("%s: host %s: index %d kept %g fresh %g", step, b->name, k,
			    a->sel.num[k], b->sel.num[k]);
	assert_ptr_equal(a->sel.type, b->sel.type);
	assert_ptr_equal(a->sel.model, b->sel.model);
	for (size_t k = 0; k < a->nruns; k++)
		snap_same_run(&a->runs[k], &b->runs[k], b->name, step);
}

static const char *snap_users[] = { "alice", "bob", "carol" };
static const char *snap_queues[] = { "low", "high" };

/* The kept snapshot at now equals one built afresh: hosts, runs in
 * order, the hosts' excl, and the limit tallies. */
static void
snap_check(struct master *m, long now, const char *step)
{
	struct limits *kl, *fl = limits_new();
	struct place_host *kept, *fresh;
	size_t kn, fn;
	char hidx[32];

	kept = snapshot_sync(m, now, &kl, &kn);
	limits_configure(fl, m->conf);
	fresh = snapshot_build(m, now, fl, &fn);
	assert_int_equal(kn, fn);
	for (size_t i = 0; i < kn; i++)
		snap_same_host(&kept[i], &fresh[i], step);
	for (size_t q = 0; q < nitems(snap_queues); q++) {
		assert_int_equal(limits_count(kl, "Q", snap_queues[q], NULL),
		    limits_count(fl, "Q", snap_queues[q], NULL));
		for (size_t u = 0; u < nitems(snap_users); u++)
			assert_int_equal(limits_count(kl, "QU", snap_queues[q], snap_users[u]),
			    limits_count(fl, "QU", snap_queues[q], snap_users[u]));
		for (size_t i = 0; i < kn; i++) {
			snprintf(hidx, sizeof(hidx), "%zu", i);
			if (limits_count(kl, "QH", snap_queues[q], hidx) !=
			    limits_count(fl, "QH", snap_queues[q], hidx))
				fail_msg("%s: HJOB tally of %s on %s: kept %ld fresh %ld", step,
				    snap_queues[q], kept[i].name,
				    limits_count(kl, "QH", snap_queues[q], hidx),
				    limits_count(fl, "QH", snap_queues[q], hidx));
		}
	}
	snapshot_free(fresh, fn);
	limits_free(fl);
}

/* Queue limits, so that the tallies count (limits_configure). */
static void
snap_limits(struct tmaster *t)
{
	struct conf *old = t->m.conf;
	char err[512];

	tl_put(t->dir, LSBDIR "lsb.queues", "Begin Queue\nQUEUE_NAME = low\nPRIORITY = 10\n"
	    "QJOB_LIMIT = 100000\nUJOB_LIMIT = 100000\nHJOB_LIMIT = 1000\n"
	    "REQUEUE_EXIT_VALUES = 3 EXCLUDE(20)\nEnd Queue\n"
	    "Begin Queue\nQUEUE_NAME = high\nPRIORITY = 50\nHJOB_LIMIT = 1000\n"
	    "End Queue\n");
	if ((t->m.conf = conf_load(t->dir, 1, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	conf_free(old);
	snapshot_hosts_changed(&t->m);
}

static const char *snap_opts[] = {
	"{}",
	"{\"W\":\"10\"}",
	"{\"R\":\"rusage[mem=100:duration=30]\"}",
	"{\"R\":\"rusage[mem=200]\",\"W\":\"5\"}",
	"{\"x\":true}",
	"{\"n\":\"2\"}",
};

/* A job of a random user, queue and shape started on one or two hosts at
 * when (as the daemon applies a start; a pass would have placed it). */
static long
snap_start(struct tmaster *t, const char *h1, const char *h2, long when)
{
	const char *opts = snap_opts[random() % nitems(snap_opts)];
	long id = tm_submit_as(t, snap_users[random() % nitems(snap_users)],
	    snap_queues[random() % nitems(snap_queues)], opts);
	json_t *hosts = json_pack("[s]", h1), *data;
	char err[256];

	if (h2 != NULL)
		json_array_append_new(hosts, json_string(h2));
	if (strstr(opts, "\"n\"") != NULL)
		json_array_append_new(hosts, json_string(h2 ? h2 : h1));
	data = json_pack("{s:o}", "hosts", hosts);
	if (job_apply(&t->m, id, 0, "start", when, data, err, sizeof(err)) < 0)
		fail_msg("start of %ld: %s", id, err);
	json_decref(data);
	return id;
}

/* A pass's placement as place.c commits it, then its start event (or
 * none, when the start was refused). */
static void
snap_place(struct tmaster *t, struct host *h, long now, bool start)
{
	struct master *m = &t->m;
	struct limits *lim;
	struct place_host *v;
	size_t n, i;
	int idx = 0, slots = 1;
	struct place_result r = { .n = 1, .idx = &idx, .slots = &slots, .total = 1 };

	v = snapshot_sync(m, now, &lim, &n);
	for (i = 0; i < n && v[i].h != h; i++)
		;
	idx = (int)i;
	v[i].used++;
	v[i].sel.num[SEL_SLOTS]--;
	limits_add(lim, m->conf->sched, "low", "bob", idx, 1);
	snapshot_placed(m, "low", "bob", &r);
	if (start) {
		long id = tm_submit_as(t, "bob", "low", "{}");
		tm_apply(t, id, "start", json_pack("{s:[s]}", "hosts", h->name));
	}
}

/*
 * The snapshot kept between passes equals one built afresh after a random
 * sequence of starts (one and two hosts, run limits, timed and untimed
 * memory bookings, -x), placements by a pass with and without their start
 * event, finishes, requeues, hosts closed, lost and back, load changes,
 * a new host, a reconfig, and time passing over bookings' ends.
 */
static void
test_kept_snapshot(void **state)
{
	struct tmaster t;
	struct master *m = &t.m;
	struct host *hosts[8];
	long running[4096], now = (long)now_real(), when;
	size_t nrun = 0;
	char step[64], name[32];

	srandom(11);
	tm_init(&t);
	snap_limits(&t);
	for (int i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "h%d", i);
		tm_host(&t, name, 4 + 4 * (i % 3));
		hosts[i] = host_get(m, name);
	}
	snap_check(m, now, "first");
	for (int op = 0; op < 3000; op++) {
		struct host *h = hosts[random() % 6], *h2 = hosts[random() % 6];
		int what = (int)(random() % 12);
		snprintf(step, sizeof(step), "op %d (%d)", op, what);
		now += random() % 4;
		when = now - random() % 40;
		if (what <= 3 && nrun < nitems(running))
			running[nrun++] = snap_start(&t, h->name, what == 3 ? h2->name : NULL,
			    when);
		else if (what <= 5 && nrun > 0) {
			size_t k = (size_t)random() % nrun;
			tm_apply(&t, running[k], what == 4 ? "finish" : "requeue", what == 4 ?
			    json_pack("{s:s}", "state", "DONE") : json_pack("{}"));
			running[k] = running[--nrun];
		} else if (what == 6) {
			snap_place(&t, h, now, random() % 4 != 0);
		} else if (what == 7) {
			h->adm_closed = !h->adm_closed;
			snapshot_host_changed(m, h);
		} else if (what == 8) {
			h->load[0] = (double)(random() % 100) / 10;
			h->mem_free = random() % (1024 * 1024);
			snapshot_host_changed(m, h);
		} else if (what == 9) {
			h->status = h->status == HOST_OK ? HOST_UNAVAIL : HOST_OK;
			snapshot_host_changed(m, h);
		}
		if (op == 1500) {
			tm_host(&t, "h6", 8);	/* a new host */
			hosts[6] = host_get(m, "h6");
			snap_limits(&t);	/* and a reconfig */
		}
		if (what >= 10 || random() % 3 == 0)
			snap_check(m, now, step);
	}
	snap_check(m, now + 3600, "an hour later");
	tm_free(&t);
}

/*
 * A fairshare queue reached when the slice is nearly out of time: the
 * walk resumes with the rest of that queue in the next slice. It used to
 * skip the rest until the next walk, so that with a queue ahead filling
 * every slice one fairshare job started per walk (sched_bench at 10,000
 * hosts left 7,000 startable jobs pending).
 */
static void
test_fairshare_cut_short(void **state)
{
	struct tmaster t;
	struct master *m = &t.m;
	const char *users[] = { "alice", "bob", "carol" };
	long fair[6];
	int passes = 0;

	tm_init(&t);
	tm_host(&t, "h", 20);
	for (int i = 0; i < 10; i++)	/* queue high, ahead of fair: never fit */
		tm_submit(&t, "high", "{\"R\":\"select[ncpus>=64]\"}");
	for (int i = 0; i < 6; i++)
		fair[i] = tm_submit_as(&t, users[i % 3], "fair", "{}");
	sched_state(m)->slice_us = 1;	/* a job or two a slice */
	do
		sched_pass(m);
	while (m->sched->items != NULL && ++passes < 1000);
	assert_null(m->sched->items);	/* one whole walk */
	assert_true(passes > 2);	/* in several slices */
	for (int i = 0; i < 6; i++)
		if (tm_state(&t, fair[i]) != JS_RUN)
			fail_msg("fairshare job %ld is pending after a whole walk (%s)",
			    fair[i], job_find(m, fair[i])->pend_reason);
	tm_free(&t);
}

/*
 * Slots that free are used again by the next walk, on the snapshot kept
 * since the fill (churn: the cluster full, jobs ending and starting).
 */
static void
test_kept_snapshot_churn(void **state)
{
	struct tmaster t;
	struct master *m = &t.m;
	long id[40];
	int running;

	tm_init(&t);
	tm_host(&t, "a", 4);
	tm_host(&t, "b", 4);
	for (int i = 0; i < 40; i++)
		id[i] = tm_submit(&t, "low", "{}");
	for (int round = 0; round < 4; round++) {
		for (int p = 0; p < 100 && (p == 0 || m->sched->items != NULL); p++)
			sched_pass(m);
		running = 0;
		for (int i = 0; i < 40; i++)
			if (tm_state(&t, id[i]) == JS_RUN)
				running++;
		if (running != 8)
			fail_msg("round %d: %d running on 8 slots", round, running);
		for (int i = 0, n = 0; i < 40 && n < 3; i++)	/* three end */
			if (tm_state(&t, id[i]) == JS_RUN) {
				tm_apply(&t, id[i], "finish", json_pack("{s:s}", "state", "DONE"));
				n++;
			}
	}
	tm_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slices_keep_reservations),
		cmocka_unit_test(test_sliced_order),
		cmocka_unit_test(test_sliced_order_reconfig),
		cmocka_unit_test(test_requeue_exit),
		cmocka_unit_test(test_fairshare_usage),
		cmocka_unit_test(test_fairshare_group),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_no_free_id),
		cmocka_unit_test(test_kept_snapshot),
		cmocka_unit_test(test_fairshare_cut_short),
		cmocka_unit_test(test_kept_snapshot_churn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
