/*
 * flow.c - workflows (bflow): the table of flows and what the master does
 * for them as their jobs change. A flow is recorded once, by a "flow"
 * event (job 0) written in the same transaction as the submit events of
 * its steps (flowsub.c); flow_apply rebuilds it from that event, live and
 * at start-up replay alike. Each step is an ordinary job whose -w
 * dependency (done() of its predecessors, or ended() with "continue")
 * was written into its submit event, so the scheduler needs nothing of
 * flows to start a step: an array member is one done(ARRAY) condition,
 * answered from the array's per-state counters.
 *
 * What flows add, as side effects of recorded events (never at replay,
 * where the events they recorded are replayed instead):
 *   - flow_job_changed: a step that failed makes the steps that wait on it
 *     impossible (DEP_NEVER); they are killed at once, with a reason that
 *     names the failed step, instead of pending forever;
 *   - flow_retry: a step that exited with retries left is requeued
 *     ("requeue" event), so its dependants keep waiting.
 * Invariant: every step's job id maps to its step (byjob) while the flow
 * is in memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "jobstate.h"
#include "log.h"
#include "master.h"
#include "proto.h"
#include "strmap.h"
#include "util.h"

struct flows {
	struct flow_list list;	/* by id */
	struct strmap byjob;	/* "job id" -> struct flow_step (p) */
	long next_id;
};

static struct flows *
flows_of(struct master *m)
{
	if (m->flows == NULL) {
		m->flows = xcalloc(1, sizeof(*m->flows));
		TAILQ_INIT(&m->flows->list);
		m->flows->next_id = 1;
	}
	return m->flows;
}

long
flow_next_id(struct master *m)
{
	return flows_of(m)->next_id;
}

struct flow *
flow_find(struct master *m, long id)
{
	struct flow *f;

	TAILQ_FOREACH(f, &flows_of(m)->list, entry)
		if (f->id == id)
			return f;
	return NULL;
}

struct flow_list *
flow_list(struct master *m)
{
	return &flows_of(m)->list;
}

/*
 * The step whose job is jobid. A step's job was submitted in the loop turn
 * that recorded its flow, so a job under a reused id (its step's job was
 * purged, and MAX_JOBID wrapped) is told apart by its submit time.
 */
struct flow_step *
flow_step_of(struct master *m, long jobid)
{
	struct flow_step *s;
	struct strmap_ent *e;
	struct job *j;
	char key[32];

	if (m->flows == NULL || m->flows->byjob.count == 0)
		return NULL;
	snprintf(key, sizeof(key), "%ld", jobid);
	if ((e = strmap_get(&m->flows->byjob, key, 0)) == NULL)
		return NULL;
	s = e->p;
	if ((j = job_find(m, jobid)) == NULL ||
	    labs(j->submit_time - s->flow->submit_time) > 1)
		return NULL;
	return s;
}

struct job *
flow_step_job(struct master *m, long jobid)
{
	return flow_step_of(m, jobid) != NULL ? job_find(m, jobid) : NULL;
}

/* Collects the step nodes of tree (objects with "job") in tree order. */
static void
flow_collect(json_t *node, json_t *steps)
{
	static const char *const kids[] = { "chain", "group", "chord" };
	json_t *child;
	size_t i, k;

	if (json_object_get(node, "job") != NULL) {
		json_array_append(steps, node);
		return;
	}
	for (k = 0; k < nitems(kids); k++)
		json_array_foreach(json_object_get(node, kids[k]), i, child)
			flow_collect(child, steps);
	if (json_object_get(node, "then") != NULL)
		flow_collect(json_object_get(node, "then"), steps);
}

static struct flow_step *
flow_step_by_job(struct flow *f, long job)
{
	size_t i;

	for (i = 0; i < f->nsteps; i++)
		if (f->steps[i].job == job)
			return &f->steps[i];
	return NULL;
}

/* Each step's dependants: the steps whose "after" names it. */
static void
flow_link(struct flow *f)
{
	struct flow_step *s, *p;
	json_t *v;
	size_t i, k;

	for (i = 0; i < f->nsteps; i++) {
		s = &f->steps[i];
		json_array_foreach(json_object_get(s->node, "after"), k, v) {
			if ((p = flow_step_by_job(f, (long)json_integer_value(v))) == NULL)
				continue;
			p->next = xrealloc(p->next, (p->nnext + 1) * sizeof(*p->next));
			p->next[p->nnext++] = s;
		}
	}
}

static void
flow_free(struct flow *f)
{
	size_t i;

	for (i = 0; i < f->nsteps; i++)
		free(f->steps[i].next);
	free(f->steps);
	free(f->name);
	free(f->user);
	free(f->cause);
	json_decref(f->tree);
	free(f);
}

/* The "flow" event: {fid, name, user, continue, tree}; steps in the tree
 * are {name, job, after: [job ids], retry}. */
int
flow_apply(struct master *m, struct job *none, const struct jevent *ev,
    char *err, size_t errlen)
{
	struct flows *fl = flows_of(m);
	json_t *data = ev->data, *steps, *node;
	long fid = (long)json_integer_value(json_object_get(data, "fid"));
	struct flow *f;
	char key[32];
	size_t i;

	if (fid <= 0 || !json_is_object(json_object_get(data, "tree")))
		return errf(err, errlen, "flow event without fid or tree");
	if (flow_find(m, fid) != NULL)
		return errf(err, errlen, "workflow %ld exists", fid);
	f = xcalloc(1, sizeof(*f));
	f->id = fid;
	f->name = xstrdup(proto_str(data, "name") ? proto_str(data, "name") : "");
	f->user = xstrdup(proto_str(data, "user") ? proto_str(data, "user") : "");
	f->cont = json_is_true(json_object_get(data, "continue"));
	f->submit_time = ev->when;
	f->tree = json_incref(json_object_get(data, "tree"));
	steps = json_array();
	flow_collect(f->tree, steps);
	f->nsteps = json_array_size(steps);
	f->steps = xcalloc(f->nsteps + 1, sizeof(*f->steps));
	json_array_foreach(steps, i, node) {
		f->steps[i].flow = f;
		f->steps[i].node = node;	/* held by f->tree */
		f->steps[i].job = (long)json_integer_value(json_object_get(node, "job"));
		f->steps[i].name = proto_str(node, "name") ? proto_str(node, "name") : "";
		f->steps[i].retry = (int)json_integer_value(json_object_get(node, "retry"));
		snprintf(key, sizeof(key), "%ld", f->steps[i].job);
		strmap_get(&fl->byjob, key, 1)->p = &f->steps[i];
	}
	json_decref(steps);
	flow_link(f);
	TAILQ_INSERT_TAIL(&fl->list, f, entry);
	if (fid >= fl->next_id)
		fl->next_id = fid + 1;
	return 0;
}

/* Kills a pending dependant that can no longer run; cause names the
 * failed step. */
static void
flow_kill_dependant(struct master *m, struct flow_step *s, const char *cause)
{
	char reason[512];

	snprintf(reason, sizeof(reason), "TERM_FLOW: step %s of workflow <%ld> "
	    "failed", cause, s->flow->id);
	log_info("workflow %ld: job %ld (step %s) killed: step %s failed",
	    s->flow->id, s->job, s->name, cause);
	s->flow_killed = true;
	job_event(m, s->job, -1, "kill", json_pack("{s:s, s:s}", "reason", reason,
	    "by", s->flow->user));
}

void
flow_job_changed(struct master *m, struct job *j)
{
	struct flow_step *s = j ? flow_step_of(m, j->id) : NULL, *d;
	struct job *dj;
	const char *cause;
	size_t i;

	if (s == NULL || s->flow->killing || j->nexit == 0)
		return;
	cause = s->flow_killed && s->flow->cause ? s->flow->cause : s->name;
	if (s->flow->cause == NULL && !s->flow_killed)
		s->flow->cause = xstrdup(s->name);
	for (i = 0; i < s->nnext; i++) {
		d = s->next[i];
		if (d->flow_killed || (dj = flow_step_job(m, d->job)) == NULL ||
		    job_pending_count(dj) == 0 || dj->nrun > 0 ||
		    sched_dep_eval(m, dj) != DEP_NEVER)
			continue;
		flow_kill_dependant(m, d, cause);	/* which calls us again */
	}
}

bool
flow_retry(struct master *m, struct elem *e, const json_t *msg)
{
	struct flow_step *s = flow_step_of(m, e->job->id);
	const char *st = json_string_value(json_object_get(msg, "state"));
	char reason[160];

	if (s == NULL || s->retry <= 0 || e->attempt > s->retry ||
	    e->kill_reason != NULL || e->requeue != 0 || st == NULL ||
	    strcmp(st, "EXIT") != 0)
		return false;
	snprintf(reason, sizeof(reason), "workflow <%ld> step %s: retry %d of %d "
	    "(exit code %lld)", s->flow->id, s->name, e->attempt, s->retry,
	    (long long)json_integer_value(json_object_get(msg, "exit_code")));
	log_info("job %ld[%ld]: %s", e->job->id, e->idx, reason);
	return job_event(m, e->job->id, e->idx, "requeue", json_pack("{s:s}",
	    "reason", reason)) == 0;
}

/* The items of the JSON array text arr onto f, a comma first unless they
 * are the first items (*any). */
static void
flow_input_items(FILE *f, const char *arr, bool *any)
{
	size_t n = strlen(arr);

	if (n <= 2)	/* "[]" */
		return;
	if (*any)
		fputc(',', f);
	fwrite(arr + 1, 1, n - 2, f);
	*any = true;
}

char *
flow_input(struct master *m, struct job *j)
{
	struct flow_step *s = flow_step_of(m, j->id);
	json_t *after = s ? json_object_get(s->node, "after") : NULL, *v;
	struct job *p;
	const char *r;
	char *items, *text = NULL;
	size_t i, len = 0;
	bool any = false;
	FILE *f;

	if (json_array_size(after) == 0)
		return NULL;
	p = flow_step_job(m, (long)json_integer_value(json_array_get(after, 0)));
	if (json_array_size(after) == 1 && p != NULL && !job_is_array(p))
		return xstrdup((r = job_result(p, 0)) != NULL ? r : "null");
	if ((f = open_memstream(&text, &len)) == NULL)
		fatal("open_memstream");
	fputc('[', f);
	json_array_foreach(after, i, v) {
		p = flow_step_job(m, (long)json_integer_value(v));
		items = p != NULL ? job_results_json(p) : xstrdup("[null]");
		flow_input_items(f, items, &any);
		free(items);
	}
	fputc(']', f);
	if (fclose(f) != 0)
		fatal("open_memstream");
	if (len > FLOW_INPUT_MAX) {
		log_warnx("job %ld: the results of the steps it waits on are %zu bytes, "
		    "over %u: no PUMICE_FLOW_INPUT", j->id, len, FLOW_INPUT_MAX);
		free(text);
		return NULL;
	}
	return text;
}

static bool
flow_any_step_here(struct master *m, struct flow *f)
{
	size_t i;

	for (i = 0; i < f->nsteps; i++)
		if (flow_step_job(m, f->steps[i].job) != NULL)
			return true;
	return false;
}

void
flow_forget_gone(struct master *m)
{
	struct flow *f, *next;
	char key[32];
	size_t i;

	if (m->flows == NULL)
		return;
	for (f = TAILQ_FIRST(&m->flows->list); f != NULL; f = next) {
		next = TAILQ_NEXT(f, entry);
		if (flow_any_step_here(m, f))
			continue;
		log_info("workflow %ld: every step's job was purged, forgotten", f->id);
		for (i = 0; i < f->nsteps; i++) {
			snprintf(key, sizeof(key), "%ld", f->steps[i].job);
			strmap_del(&m->flows->byjob, key);
		}
		TAILQ_REMOVE(&m->flows->list, f, entry);
		store_delete_flow(m->store, f->id);
		loop_want_commit(m);
		flow_free(f);
	}
}

void
flow_free_all(struct master *m)
{
	struct flow *f;

	if (m->flows == NULL)
		return;
	while ((f = TAILQ_FIRST(&m->flows->list)) != NULL) {
		TAILQ_REMOVE(&m->flows->list, f, entry);
		flow_free(f);
	}
	strmap_clear(&m->flows->byjob);
	free(m->flows);
	m->flows = NULL;
}
