/*
 * jobcmd.c - the job control ops of the command table: stop, resume,
 * requeue (bstop, bresume, brequeue; the same job selection as kill, see
 * control_select), modify (bmod), switch (bswitch), move (btop/bbot) and
 * depwait (bwait -w). Each checks the request, records its event (applied
 * by jobctl.c, so a replay after a crash rebuilds it) and only then orders
 * agents; signals and replies leave after the commit.
 */
#include <stdlib.h>
#include <string.h>

#include "jobstate.h"
#include "log.h"
#include "master.h"
#include "proto.h"
#include "util.h"

#define JOBCMD_STARTED (JS_RUN | JS_SSUSP | JS_USUSP | JS_UNKWN)

static char *
jobcmd_label(const struct job *j, long idx)
{
	return idx < 0 ? xasprintf("%ld", j->id) : xasprintf("%ld[%ld]", j->id, idx);
}

/* Whether an element of j (idx -1: any) is in a state of mask. */
static bool
jobcmd_has_state(struct job *j, long idx, int mask)
{
	size_t i;

	if (idx >= 0 || !job_is_array(j))
		return (job_elem_state(j, idx < 0 ? 0 : idx, NULL) & mask) != 0;
	if (!j->pend_killed && j->next_pos < j->arr.count &&
	    (mask & (j->pend_held ? JS_PSUSP : JS_PEND)))
		return true;
	for (i = 0; i < j->ehash_size; i++) {
		struct elem *e;
		for (e = j->ehash[i]; e != NULL; e = e->hnext)
			if (e->state & mask)
				return true;
	}
	return false;
}

/* Sends sig to the elements of j (idx -1: all) that are in state. */
static void
jobcmd_signal(struct master *m, struct job *j, long idx, int state, const char *sig,
    bool kill)
{
	size_t i;

	for (i = 0; i < j->ehash_size; i++) {
		struct elem *e;
		for (e = j->ehash[i]; e != NULL; e = e->hnext)
			if ((idx < 0 || e->idx == idx) && (e->state & state))
				agent_send_signal(m, e, sig, kill);
	}
}

/* The common refusals; NULL when rq may act on j now. */
static char *
jobcmd_refusal(struct reqctx *rq, struct job *j, long idx, const char *label)
{
	if (!control_may_act(rq, j))
		return xasprintf("Job <%s>: User permission denied", label);
	if (idx < 0 ? job_finished(j) :
	    (job_elem_state(j, idx, NULL) & JS_FINISHED) != 0)
		return xasprintf("Job <%s>: Job has already finished", label);
	return NULL;
}

/* ---- stop, resume ---- */

static bool
jobcmd_hold_unit(struct master *m, struct reqctx *rq, struct job *j, long idx,
    bool stop, char **msg)
{
	char *label = jobcmd_label(j, idx);
	bool ok = false;

	if ((*msg = jobcmd_refusal(rq, j, idx, label)) != NULL)
		;
	else if (!stop && !jobcmd_has_state(j, idx, JS_PSUSP | JS_USUSP))
		*msg = xasprintf("Job <%s>: Job is not suspended", label);
	else if (job_event(m, j->id, idx, stop ? "stop" : "resume",
	    json_pack("{s:s}", "by", rq->user)) < 0)
		*msg = xasprintf("Job <%s>: could not be recorded", label);
	else {
		jobcmd_signal(m, j, idx, stop ? JS_USUSP : JS_RUN, stop ? "STOP" : "CONT",
		    false);
		*msg = xasprintf("Job <%s> is being %s", label, stop ? "stopped" : "resumed");
		ok = true;
	}
	free(label);
	return ok;
}

bool
jobcmd_stop_unit(struct master *m, struct reqctx *rq, struct job *j, long idx,
    void *arg, char **msg)
{
	return jobcmd_hold_unit(m, rq, j, idx, true, msg);
}

bool
jobcmd_resume_unit(struct master *m, struct reqctx *rq, struct job *j, long idx,
    void *arg, char **msg)
{
	return jobcmd_hold_unit(m, rq, j, idx, false, msg);
}

void
jobcmd_stop(struct master *m, struct reqctx *rq, json_t *args)
{
	control_reply(m, rq, true, json_pack("{s:o}", "results",
	    control_select(m, rq, args, jobcmd_stop_unit, NULL)), NULL, NULL);
}

void
jobcmd_resume(struct master *m, struct reqctx *rq, json_t *args)
{
	control_reply(m, rq, true, json_pack("{s:o}", "results",
	    control_select(m, rq, args, jobcmd_resume_unit, NULL)), NULL, NULL);
}

/* ---- requeue ---- */

struct jobcmd_requeue {
	int mask;		/* states to requeue: -d DONE, -e EXIT, -r started */
	bool hold;		/* -H: back to PSUSP */
	const char *user;
	long n;
};

static void
jobcmd_requeue_elem(struct master *m, struct job *j, struct elem *e,
    struct jobcmd_requeue *x)
{
	bool started = (e->state & JOBCMD_STARTED) != 0;

	if (!(e->state & x->mask) || e->requeue)
		return;
	if (started)
		agent_send_signal(m, e, "KILL", true);
	if (job_event(m, j->id, e->idx, "requeue_user", json_pack("{s:b, s:s}",
	    "hold", x->hold, "by", x->user)) == 0)
		x->n++;
}

static bool
jobcmd_requeue_unit(struct master *m, struct reqctx *rq, struct job *j, long idx,
    void *arg, char **msg)
{
	struct jobcmd_requeue *x = arg;
	char *label = jobcmd_label(j, idx);
	size_t i;

	x->n = 0;
	if (!control_may_act(rq, j)) {
		*msg = xasprintf("Job <%s>: User permission denied", label);
		free(label);
		return false;
	}
	if (idx >= 0 || !job_is_array(j))
		jobcmd_requeue_elem(m, j, job_elem_get(j, idx < 0 ? 0 : idx), x);
	else
		for (i = 0; i < j->ehash_size; i++) {
			struct elem *e, *next;
			for (e = j->ehash[i]; e != NULL; e = next) {
				next = e->hnext;
				jobcmd_requeue_elem(m, j, e, x);
			}
		}
	if (x->n > 0)
		*msg = xasprintf("Job <%s> is being requeued", label);
	else if (!jobcmd_has_state(j, idx, JOBCMD_STARTED | JS_FINISHED))
		*msg = xasprintf("Job <%s>: Job has not started yet", label);
	else if (jobcmd_has_state(j, idx, JS_FINISHED) && !(x->mask & JS_FINISHED))
		*msg = xasprintf("Job <%s>: Job has already finished", label);
	else
		*msg = xasprintf("Job <%s>: No job in a state to requeue", label);
	free(label);
	return x->n > 0;
}

void
jobcmd_requeue(struct master *m, struct reqctx *rq, json_t *args)
{
	struct jobcmd_requeue x = { 0, json_is_true(json_object_get(args, "hold")),
	    rq->user, 0 };

	if (json_is_true(json_object_get(args, "req_done")))
		x.mask |= JS_DONE;
	if (json_is_true(json_object_get(args, "req_exit")))
		x.mask |= JS_EXIT;
	if (json_is_true(json_object_get(args, "req_run")))
		x.mask |= JOBCMD_STARTED;
	if (x.mask == 0 || json_is_true(json_object_get(args, "req_all")))
		x.mask = JOBCMD_STARTED | JS_FINISHED;
	control_reply(m, rq, true, json_pack("{s:o}", "results",
	    control_select(m, rq, args, jobcmd_requeue_unit, &x)), NULL, NULL);
}

/* ---- switch ---- */

static bool
jobcmd_switch_unit(struct master *m, struct reqctx *rq, struct job *j, long idx,
    void *arg, char **msg)
{
	const char *queue = arg;
	char *label = jobcmd_label(j, idx);
	bool ok = false;

	if ((*msg = jobcmd_refusal(rq, j, idx, label)) != NULL)
		;
	else if (idx >= 0)
		*msg = xasprintf("Job <%s>: an array element cannot change queue alone",
		    label);
	else if (job_event(m, j->id, -1, "switch", json_pack("{s:s, s:s}", "queue",
	    queue, "by", rq->user)) < 0)
		*msg = xasprintf("Job <%s>: could not be recorded", label);
	else {
		*msg = xasprintf("Job <%s> is switched to queue <%s>", label, queue);
		ok = true;
	}
	free(label);
	return ok;
}

void
jobcmd_switch(struct master *m, struct reqctx *rq, json_t *args)
{
	const char *queue = proto_str(args, "dest");

	if (queue == NULL || conf_queue(m->conf, queue) == NULL)
		return control_reply(m, rq, false, NULL, "rejected", "%s: No such queue",
		    queue ? queue : "");
	control_reply(m, rq, true, json_pack("{s:o}", "results",
	    control_select(m, rq, args, jobcmd_switch_unit, (void *)queue)), NULL, NULL);
}

/* ---- depwait (bwait) ---- */

static dep_value
jobcmd_depwait_eval(struct master *m, struct reqctx *rq)
{
	struct job tmp = { .id = 0, .user = rq->user, .dep = rq->wait_dep };

	return sched_dep_eval(m, &tmp);
}

static void
jobcmd_depwait_answer(struct master *m, struct reqctx *rq, dep_value v)
{
	control_reply(m, rq, true, json_pack("{s:s}", "result",
	    v == DEP_TRUE ? "satisfied" : "never"), NULL, NULL);
}

bool
jobcmd_depwait_poll(struct master *m, struct reqctx *rq)
{
	dep_value v = jobcmd_depwait_eval(m, rq);

	if (v == DEP_FALSE)
		return false;
	TAILQ_REMOVE(&m->waiters, rq, entry);
	jobcmd_depwait_answer(m, rq, v);
	return true;
}

void
jobcmd_depwait(struct master *m, struct reqctx *rq, json_t *args)
{
	const char *cond = proto_str(args, "cond");
	struct job tmp = { .user = rq->user };
	char err[512];
	dep_value v;

	if (cond == NULL || (tmp.dep = dep_parse(cond, err, sizeof(err))) == NULL)
		return control_reply(m, rq, false, NULL, "rejected",
		    "Wait condition syntax error");
	if (sched_dep_check(m, &tmp, rq->user, err, sizeof(err)) < 0) {
		dep_free(tmp.dep);
		return control_reply(m, rq, false, NULL, "rejected", "%s", err);
	}
	rq->wait_dep = tmp.dep;
	if ((v = jobcmd_depwait_eval(m, rq)) != DEP_FALSE)
		return jobcmd_depwait_answer(m, rq, v);
	TAILQ_INSERT_TAIL(&m->waiters, rq, entry);
}
