/*
 * jobctl.c - the job control events, applied through job_apply (live and
 * at start-up replay) like every other change of a job:
 *
 *   stop {by}              RUN -> USUSP, PEND -> PSUSP; idx -1 is the whole
 *                          job (an array's unstarted elements become held
 *                          through pend_held, without a record each)
 *   resume {by}            USUSP -> RUN, PSUSP -> PEND
 *   requeue_user {hold}    a finished element goes back to PEND (PSUSP with
 *                          hold); a running one is marked and goes back
 *                          when its end is reported (jobctl_requeue_ended)
 *   mod {set, unset, opts} bmod: changes the submit spec of the job
 *   switch {queue}         bswitch
 *   move {order}           btop/bbot: the job's place among pending jobs
 *
 * and the bkill -d (record DONE) and -r (end now) flags of a kill event.
 * Nothing here talks to agents or clients: jobcmd.c does, after the event.
 */
#include <stdlib.h>
#include <string.h>

#include "envtab.h"
#include "jobstate.h"
#include "log.h"
#include "master.h"
#include "util.h"

#define JOBCTL_STARTED (JS_RUN | JS_SSUSP | JS_USUSP | JS_UNKWN)

static void
jobctl_stop_elem(struct elem *e)
{
	if (e->state == JS_PEND)
		elem_set_state(e, JS_PSUSP);
	else if (e->state == JS_RUN)
		elem_set_state(e, JS_USUSP);
}

static void
jobctl_resume_elem(struct elem *e)
{
	if (e->state == JS_PSUSP)
		elem_set_state(e, JS_PEND);
	else if (e->state == JS_USUSP)
		elem_set_state(e, JS_RUN);
}

static void
jobctl_each_elem(struct job *j, long idx, void (*fn)(struct elem *))
{
	size_t i;

	for (i = 0; i < j->ehash_size; i++) {
		struct elem *e;
		for (e = j->ehash[i]; e != NULL; e = e->hnext)
			if (idx < 0 || e->idx == idx)
				fn(e);
	}
}

static bool
jobctl_has_idx(struct job *j, long idx)
{
	return job_is_array(j) ? arrayspec_has(&j->arr, idx) : idx == 0;
}

static int
jobctl_hold(struct job *j, long idx, bool stop, char *err, size_t errlen)
{
	void (*fn)(struct elem *) = stop ? jobctl_stop_elem : jobctl_resume_elem;

	if (idx < 0) {
		jobctl_each_elem(j, -1, fn);
		if (job_is_array(j) && !j->pend_killed)
			j->pend_held = stop;
		return 0;
	}
	if (!jobctl_has_idx(j, idx))
		return errf(err, errlen, "no element %ld", idx);
	fn(job_elem_get(j, idx));
	return 0;
}

/* Clears what a run left on an element that goes back to the queue. */
static void
jobctl_elem_reset(struct job *j, struct elem *e, int state)
{
	elem_free_hosts(e);
	free(e->reason);
	free(e->kill_reason);
	elem_extra_free(e);	/* cwd, result: the next run's */
	e->reason = e->kill_reason = NULL;
	e->kill_done = false;
	e->requeue = 0;
	elem_set_state(e, state);
	e->start_time = e->finish_time = 0;
	e->exit_code = e->signal = 0;
	e->cpu = 0;
	e->maxrss = 0;
	e->mem = 0;
	e->usage_time = 0;
	e->nslots = j->nslots;
}

int
jobctl_requeue_ended(struct master *m, struct job *j, struct elem *e)
{
	elem_release_host(m, e);
	j->nrun--;
	jobctl_elem_reset(j, e, e->requeue);
	job_pending_link(m, j);
	return 0;
}

int
jobctl_apply_requeue(struct master *m, struct job *j, const struct jevent *ev,
    char *err, size_t errlen)
{
	long idx = ev->idx;
	json_t *data = ev->data;
	int to = json_is_true(json_object_get(data, "hold")) ? JS_PSUSP : JS_PEND;
	struct elem *e;

	if (idx < 0 || !jobctl_has_idx(j, idx))
		return errf(err, errlen, "requeue needs an element");
	e = job_elem_get(j, idx);
	if (e->state & JOBCTL_STARTED) {
		e->requeue = to;	/* its end, when reported, requeues it */
		return 0;
	}
	if (!(e->state & JS_FINISHED))
		return errf(err, errlen, "element %ld has not started", idx);
	if (e->state == JS_DONE)
		j->ndone--;
	else
		j->nexit--;
	jobctl_elem_reset(j, e, to);
	job_pending_link(m, j);
	return 0;
}

void
jobctl_kill_flags(struct master *m, struct job *j, long idx, long when,
    json_t *data)
{
	bool done = json_is_true(json_object_get(data, "done"));
	bool forget = json_is_true(json_object_get(data, "forget"));
	size_t i;

	if (!done && !forget)
		return;
	for (i = 0; i < j->ehash_size; i++) {
		struct elem *e;
		for (e = j->ehash[i]; e != NULL; e = e->hnext) {
			if ((idx >= 0 && e->idx != idx) || !(e->state & JOBCTL_STARTED) ||
			    e->kill_reason == NULL)
				continue;
			if (!forget) {
				e->kill_done = true;
				continue;
			}
			/* bkill -r: the end the host reports later is ignored */
			elem_release_host(m, e);
			elem_end(j, e, JS_EXIT, when, e->kill_reason);
		}
	}
}

/* The struct fields that mirror the spec, after a bmod. */
static int
jobctl_refresh(struct master *m, struct job *j, json_t *spec, char *err,
    size_t errlen)
{
	const char *name = json_string_value(json_object_get(spec, "name"));
	const char *queue = json_string_value(json_object_get(spec, "queue"));
	const char *dep = json_string_value(json_object_get(spec, "dep"));
	struct dep_node *d = NULL;

	if (name == NULL || queue == NULL)
		return errf(err, errlen, "mod would leave no name or queue");
	if (dep != NULL && (d = dep_parse(dep, err, errlen)) == NULL)
		return -1;
	dep_free(j->dep);
	j->dep = d;
	jobslab_free_str(j->name);
	j->name = jobslab_strdup(name);
	j->queue = jobspec_str(m, queue);
	snapshot_job_changed(m, j);
	jobreq_free(j->req);	/* -R, -gpu, -n, -M...: derived again */
	j->req = NULL;
	j->nslots = (int)json_integer_value(json_object_get(spec, "nslots"));
	if (j->nslots < 1)
		j->nslots = 1;
	j->arr.limit = (long)json_integer_value(json_object_get(spec, "limit"));
	if (j->begin_time != (long)json_integer_value(json_object_get(spec, "begin_time")) ||
	    j->term_time != (long)json_integer_value(json_object_get(spec, "term_time"))) {
		j->begin_time = (long)json_integer_value(json_object_get(spec, "begin_time"));
		j->term_time = (long)json_integer_value(json_object_get(spec, "term_time"));
		jobtime_changed(m, j);
	}
	return 0;
}

static void
jobctl_merge_opts(json_t *spec, json_t *opts)
{
	json_t *cur = json_object_get(spec, "opts"), *v;
	const char *k;

	if (!json_is_object(opts))
		return;
	if (!json_is_object(cur)) {
		cur = json_object();
		json_object_set_new(spec, "opts", cur);
	}
	json_object_foreach(opts, k, v) {
		if (json_is_null(v))
			json_object_del(cur, k);
		else
			json_object_set(cur, k, v);
	}
}

int
jobctl_apply_mod(struct master *m, struct job *j, const struct jevent *ev, char *err,
    size_t errlen)
{
	json_t *data = ev->data;
	json_t *spec = jobspec_tree(j), *set = json_object_get(data, "set"), *v;
	size_t i;

	if (json_is_object(set))
		json_object_update(spec, set);
	json_array_foreach(json_object_get(data, "unset"), i, v)
		if (json_string_value(v) != NULL)
			json_object_del(spec, json_string_value(v));
	jobctl_merge_opts(spec, json_object_get(data, "opts"));
	if (jobctl_refresh(m, j, spec, err, errlen) < 0) {
		json_decref(spec);
		return -1;
	}
	jobspec_replace(j, spec);
	json_decref(spec);
	return 0;
}

int
jobctl_apply_switch(struct master *m, struct job *j, const struct jevent *ev,
    char *err, size_t errlen)
{
	json_t *data = ev->data;
	const char *q = json_string_value(json_object_get(data, "queue"));
	json_t *spec;

	if (q == NULL)
		return errf(err, errlen, "switch without a queue");
	j->queue = jobspec_str(m, q);
	snapshot_job_changed(m, j);	/* its running elements count there now */
	spec = jobspec_tree(j);
	json_object_set_new(spec, "queue", json_string(q));
	jobspec_replace(j, spec);
	json_decref(spec);
	return 0;
}

int
jobctl_apply_stop(struct master *m, struct job *j, const struct jevent *ev,
    char *err, size_t errlen)
{
	return jobctl_hold(j, ev->idx, true, err, errlen);
}

int
jobctl_apply_resume(struct master *m, struct job *j, const struct jevent *ev,
    char *err, size_t errlen)
{
	return jobctl_hold(j, ev->idx, false, err, errlen);
}

int
jobctl_apply_move(struct master *m, struct job *j, const struct jevent *ev,
    char *err, size_t errlen)
{
	json_t *order = json_object_get(ev->data, "order");

	if (!json_is_integer(order))
		return errf(err, errlen, "move without an order");
	j->order = (long)json_integer_value(order);
	return 0;
}
