/*
 * requeue.c - jobs that go back to PEND by policy, not by a command: one
 * that exits with a code its queue lists in REQUEUE_EXIT_VALUES, and a
 * rerunnable one (bsub -r, queue RERUNNABLE = yes, not bsub -rn) whose
 * host has been unreachable for longer than the agent link timeout. Both
 * are "requeue" events, applied by job.c live and at replay alike; this
 * file only decides, from the configuration of the moment, and records
 * the decision in the event (head-of-queue order, excluded host), so that
 * replay under another configuration comes to the same state.
 */
#include <stdio.h>
#include <string.h>

#include "flow.h"
#include "jobstate.h"
#include "log.h"
#include "master.h"
#include "sched.h"
#include "util.h"

#define REQUEUE_STARTED (JS_RUN | JS_SSUSP | JS_USUSP | JS_UNKWN)

/* The order that puts j ahead of every other pending job of its queue. */
static long
requeue_head_order(struct master *m, const struct job *j)
{
	long order = j->order;
	struct job *k;

	TAILQ_FOREACH(k, &m->pending, pend_entry)
		if (k != j && strcmp(k->queue, j->queue) == 0 && k->order <= order)
			order = k->order - 1;
	return order;
}

/*
 * MAX_JOB_REQUEUE (the queue's, else lsb.params'): an element that has
 * already been requeued that often by exit value ends EXIT instead of
 * looping. Its earlier runs are its attempts before this one (job.c), so
 * a rerun after a lost host counts too; the count survives replay.
 */
static bool
requeue_capped(struct master *m, const struct schedconf_queue *sq,
    const struct elem *e)
{
	int max = sq->max_requeue >= 0 ? sq->max_requeue :
	    m->conf->sched->max_job_requeue;

	if (max < 0 || e->attempt <= max)
		return false;
	log_info("job %ld[%ld] exited with a requeue value after %d requeues: "
	    "MAX_JOB_REQUEUE (%d) reached, the job ends", e->job->id, e->idx,
	    e->attempt - 1, max);
	return true;
}

bool
requeue_on_exit(struct master *m, struct elem *e, const json_t *msg)
{
	const struct schedconf_queue *sq = schedconf_queue_of(m->conf, e->job->queue);
	const char *st = json_string_value(json_object_get(msg, "state"));
	json_int_t code = json_integer_value(json_object_get(msg, "exit_code"));
	char reason[128];
	json_t *data;
	int mark;

	/* signal deaths, limits (a reason) and killed or brequeue'd jobs end */
	if (sq == NULL || e->kill_reason != NULL || e->requeue != 0 || e->host == NULL ||
	    st == NULL || strcmp(st, "EXIT") != 0 ||
	    json_integer_value(json_object_get(msg, "signal")) != 0 ||
	    json_object_get(msg, "reason") != NULL || code < 0 || code > 255 ||
	    (mark = sq->requeue_exit[code]) == 0 || requeue_capped(m, sq, e))
		return flow_retry(m, e, msg);	/* a workflow step's retries */
	snprintf(reason, sizeof(reason), "exit code %d is in REQUEUE_EXIT_VALUES%s",
	    (int)code, mark == SCHEDCONF_REQUEUE_EXCLUDE ? " EXCLUDE()" : "");
	data = json_pack("{s:s, s:I, s:I}", "reason", reason, "exit_code", code,
	    "order", (json_int_t)requeue_head_order(m, e->job));
	if (mark == SCHEDCONF_REQUEUE_EXCLUDE)
		json_object_set_new(data, "exclude", json_string(e->host->name));
	log_info("job %ld[%ld] exited with %d on %s: requeued to the head of queue %s%s",
	    e->job->id, e->idx, (int)code, e->host->name, e->job->queue,
	    mark == SCHEDCONF_REQUEUE_EXCLUDE ? ", not to run there again" : "");
	return job_event(m, e->job->id, e->idx, "requeue", data) == 0;
}

static void
requeue_host(struct master *m, struct host *h, unsigned long away)
{
	struct elem *e, *next;
	char reason[160];

	for (e = TAILQ_FIRST(&h->running); e != NULL; e = next) {
		next = TAILQ_NEXT(e, host_entry);
		if (e->kill_reason != NULL || !(e->state & REQUEUE_STARTED) ||
		    !jobreq_of(m, e->job)->rerunnable)
			continue;
		snprintf(reason, sizeof(reason), "rerun: host %s unreachable for %lus",
		    h->name, away);
		log_warnx("job %ld[%ld]: %s; requeued", e->job->id, e->idx, reason);
		job_event(m, e->job->id, e->idx, "requeue", json_pack("{s:s}", "reason",
		    reason));
	}
}

void
requeue_lost_hosts(struct master *m)
{
	uint64_t now = now_mono_ms();
	uint64_t grace = (uint64_t)agent_link_timeout(m->conf) * 1000;
	struct host *h;

	TAILQ_FOREACH(h, &m->hosts, entry)
		if (h->status == HOST_UNAVAIL && h->lost_ms > 0 && now - h->lost_ms >= grace &&
		    !TAILQ_EMPTY(&h->running))
			requeue_host(m, h, (unsigned long)((now - h->lost_ms) / 1000));
}
