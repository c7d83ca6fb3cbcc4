/*
 * job.c - the job table and the events of a job's life: submit, start,
 * finish, kill, requeue (which REQUEUE_EXIT_VALUES and reruns use too;
 * requeue.c decides) and purge; the job control events stop, resume, mod,
 * ... live in jobctl.c. Each is a row of event.c's table, applied through
 * job_apply both live (job_event: apply, then append to the store) and at
 * start-up replay. Side effects (messages to agents, replies) are
 * the callers' business and never happen here.
 *
 * An array is one record: its elements get a struct elem only when they
 * start or are acted on one by one; the others are PEND (or EXIT once the
 * whole array was killed) by position. Counters nrun/ndone/nexit cover all
 * indices, so pending = count - nrun - ndone - nexit.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "consum.h"
#include "envtab.h"
#include "jobstate.h"
#include "log.h"
#include "flow.h"
#include "master.h"
#include "proto.h"
#include "sched.h"
#include "util.h"

static size_t
hash_long(long v, size_t size)
{
	return ((unsigned long)v * 2654435761UL) & (size - 1);
}

/* Job ids are given in sequence: the id itself spreads them evenly, and
 * jobs submitted together (a replay: all of them) share cache lines. */
static size_t
hash_id(long id, size_t size)
{
	return (unsigned long)id & (size - 1);
}

struct job *
job_find(struct master *m, long id)
{
	struct job *j;

	if (m->jhash_size == 0)
		return NULL;
	for (j = m->jhash[hash_id(id, m->jhash_size)]; j != NULL; j = j->hnext)
		if (j->id == id)
			return j;
	return NULL;
}

/* m->byid stays in id order: ids grow, so a new job goes last, or after
 * its predecessor id (after a wrap), else is sought from the tail. */
static void
job_byid_insert(struct master *m, struct job *j)
{
	struct job *k = TAILQ_LAST(&m->byid, job_list);

	if (k != NULL && k->id > j->id)
		k = job_find(m, j->id - 1);
	if (k == NULL)
		TAILQ_FOREACH_REVERSE(k, &m->byid, job_list, id_entry)
			if (k->id < j->id)
				break;
	if (k == NULL)
		TAILQ_INSERT_HEAD(&m->byid, j, id_entry);
	else
		TAILQ_INSERT_AFTER(&m->byid, k, j, id_entry);
}

void
job_table_resize(struct master *m, size_t n)
{
	size_t i, h, nsize = 1024;
	struct job **nh;

	while (nsize < n)
		nsize *= 2;
	if (nsize == m->jhash_size)
		return;
	nh = xcalloc(nsize, sizeof(*nh));
	for (i = 0; i < m->jhash_size; i++) {
		struct job *k, *next;
		for (k = m->jhash[i]; k != NULL; k = next) {
			next = k->hnext;
			h = hash_id(k->id, nsize);
			k->hnext = nh[h];
			nh[h] = k;
		}
	}
	free(m->jhash);
	m->jhash = nh;
	m->jhash_size = nsize;
}

static void
job_hash_insert(struct master *m, struct job *j)
{
	size_t h;

	if (m->njobs + 1 > m->jhash_size)
		job_table_resize(m, m->jhash_size * 2);
	h = hash_id(j->id, m->jhash_size);
	j->hnext = m->jhash[h];
	m->jhash[h] = j;
	m->njobs++;
	job_byid_insert(m, j);
}

static void
job_hash_remove(struct master *m, struct job *j)
{
	struct job **pp = &m->jhash[hash_id(j->id, m->jhash_size)];

	for (; *pp != NULL; pp = &(*pp)->hnext)
		if (*pp == j) {
			*pp = j->hnext;
			m->njobs--;
			TAILQ_REMOVE(&m->byid, j, id_entry);
			return;
		}
}

bool
job_is_array(const struct job *j)
{
	return j->arr.nr > 0;
}

struct elem *
job_elem(struct job *j, long idx)
{
	struct elem *e;

	if (j->ehash_size == 0)
		return NULL;
	for (e = j->ehash[hash_long(idx, j->ehash_size)]; e != NULL; e = e->hnext)
		if (e->idx == idx)
			return e;
	return NULL;
}

/* A plain job's one bucket is its ehash1, not a block of its own. */
static void
job_ehash_free(struct job *j)
{
	if (j->ehash != &j->ehash1)
		free(j->ehash);
	j->ehash = NULL;
}

static void
job_elem_rehash(struct job *j)
{
	/* a plain job has one element: one bucket */
	size_t nsize = j->ehash_size ? j->ehash_size * 4 : job_is_array(j) ? 4 : 1;
	size_t i, h;
	struct elem **nh = nsize > 1 ? xcalloc(nsize, sizeof(*nh)) : &j->ehash1;

	for (i = 0; i < j->ehash_size; i++) {
		struct elem *e, *next;
		for (e = j->ehash[i]; e != NULL; e = next) {
			next = e->hnext;
			h = hash_long(e->idx, nsize);
			e->hnext = nh[h];
			nh[h] = e;
		}
	}
	job_ehash_free(j);
	j->ehash = nh;
	j->ehash_size = nsize;
}

/* The counter of a stored state: its bit's position (JS_PEND .. JS_DONE). */
static int
job_state_slot(int state)
{
	int slot = __builtin_ctz((unsigned)state);

	if (state == 0 || slot >= JOB_NSTATE)
		fatalx("element state %#x has no counter", state);
	return slot;
}

/* The state of an array element that has no record: by position. */
static int
job_unstarted_state(const struct job *j)
{
	return j->pend_killed ? JS_EXIT : j->pend_held ? JS_PSUSP : JS_PEND;
}

void
elem_set_state(struct elem *e, int state)
{
	struct job *j = e->job;

	j->nstate[job_state_slot(e->state)]--;
	j->nstate[job_state_slot(state)]++;
	e->state = state;
}

long
job_nstate(const struct job *j, int mask)
{
	long n = 0;
	int slot;

	for (slot = 0; slot < JOB_NSTATE; slot++)
		if (mask & (1 << slot))
			n += j->nstate[slot];
	if (mask & job_unstarted_state(j))
		n += j->count - (long)j->nelem;
	return n;
}

/* The block of a job's first element: it follows the job's own (job_new),
 * one allocation a plain job less. Elements are freed only with their job. */
static struct elem *
job_first_elem(struct job *j)
{
	return (struct elem *)(j + 1);
}

struct elem *
job_elem_get(struct job *j, long idx)
{
	struct elem *e = job_elem(j, idx);
	size_t h;

	if (e != NULL)
		return e;
	if (j->nelem + 1 > j->ehash_size)
		job_elem_rehash(j);
	e = j->nelem == 0 ? job_first_elem(j) : xcalloc(1, sizeof(*e));
	e->job = j;
	e->idx = idx;
	e->state = job_unstarted_state(j);
	j->nstate[job_state_slot(e->state)]++;
	e->nslots = j->nslots;
	h = hash_long(idx, j->ehash_size);
	e->hnext = j->ehash[h];
	j->ehash[h] = e;
	j->nelem++;
	return e;
}

int
job_elem_state(struct job *j, long idx, const char **reason)
{
	struct elem *e = job_elem(j, idx);

	if (reason)
		*reason = e ? e->reason : (j->pend_killed ? j->pend_kill_reason : NULL);
	if (e != NULL)
		return e->state;
	return job_unstarted_state(j);
}

long
job_pending_count(const struct job *j)
{
	return j->count - j->nrun - j->ndone - j->nexit;
}

bool
job_finished(const struct job *j)
{
	return j->ndone + j->nexit == j->count;
}

char *
job_display_name(const struct job *j, long idx)
{
	if (job_is_array(j))
		return xasprintf("%s[%ld]", j->name, idx);
	return xstrdup(j->name);
}

void
job_pending_link(struct master *m, struct job *j)
{
	struct job *k;

	if (j->on_pending || job_pending_count(j) == 0)
		return;
	if (j->begin_time > 0 && j->begin_time > (long)now_real()) {	/* -b: jobtime.c links it then */
		j->pend_reason = JOBTIME_BEGIN_REASON;
		return;
	}
	TAILQ_FOREACH_REVERSE(k, &m->pending, job_list, pend_entry)
		if (k->id < j->id)
			break;
	if (k == NULL)
		TAILQ_INSERT_HEAD(&m->pending, j, pend_entry);
	else
		TAILQ_INSERT_AFTER(&m->pending, k, j, pend_entry);
	j->on_pending = true;
}

void
job_pending_unlink(struct master *m, struct job *j)
{
	if (!j->on_pending || job_pending_count(j) > 0)
		return;
	TAILQ_REMOVE(&m->pending, j, pend_entry);
	j->on_pending = false;
}

static void job_free(struct job *j);

/* The fields a submit's head gives (array and dependency parsed). */
static int
job_from_head(struct master *m, struct job *j, const struct jobspec_head *h,
    char *err, size_t errlen)
{
	if (h->name == NULL || h->user == NULL || h->queue == NULL)
		return errf(err, errlen, "submit event lacks name, user or queue");
	if (h->array != NULL && arrayspec_parse_list(h->array, 2147483646L, &j->arr,
	    err, errlen) < 0)
		return -1;
	if (h->dep != NULL && (j->dep = dep_parse(h->dep, err, errlen)) == NULL)
		return -1;
	j->arr.limit = h->limit;
	j->name = jobslab_strdup(h->name);
	j->user = jobspec_str(m, h->user);
	j->queue = jobspec_str(m, h->queue);
	j->from_host = jobspec_str(m, h->from_host ? h->from_host : "-");
	j->uid = h->uid;
	j->gid = h->gid;
	j->nslots = h->nslots < 1 ? 1 : (int)h->nslots;
	j->begin_time = h->begin_time;
	j->term_time = h->term_time;
	return 0;
}

/* Reads the submit's head only (jobspec.c): the rest stays in the job's
 * spec text, live and at replay alike. */
int
job_apply_submit(struct master *m, struct job *none, const struct jevent *ev,
    char *err, size_t errlen)
{
	struct jobspec_head h;
	struct job *j;

	if (job_find(m, ev->id) != NULL)
		return errf(err, errlen, "job %ld exists", ev->id);
	/* with room for its first element (job_first_elem) */
	j = jobslab_alloc(sizeof(*j) + sizeof(struct elem));
	j->id = ev->id;
	if (jobspec_submit(m, j, ev, &h) < 0) {
		errf(err, errlen, "submit event cannot be read");
		goto fail;
	}
	if (job_from_head(m, j, &h, err, errlen) < 0)
		goto fail;
	jobspec_head_free(&h);
	j->submit_time = ev->when;
	j->order = j->id;
	j->count = job_is_array(j) ? j->arr.count : 1;
	if (!job_is_array(j))
		job_elem_get(j, 0);
	j->pend_reason = "New job is waiting for scheduling";
	job_hash_insert(m, j);
	job_pending_link(m, j);
	jobtime_watch(m, j);
	if (j->id >= m->next_id)
		m->next_id = j->id + 1;
	return 0;
fail:
	jobspec_head_free(&h);
	job_free(j);
	return -1;
}

void
elem_release_host(struct master *m, struct elem *e)
{
	if (e->host == NULL)
		return;
	fairshare_released(m, e);	/* usage up to now (not at replay) */
	consum_released(m, e);
	snapshot_elem_released(m, e);
	e->host->used -= e->nslots;
	TAILQ_REMOVE(&e->host->running, e, host_entry);
	e->host = NULL;
}

void
elem_free_hosts(struct elem *e)
{
	int i;

	for (i = 0; e->hosts != NULL && i < e->nslots; i++)
		free(e->hosts[i]);
	free(e->hosts);
	e->hosts = NULL;
}

/*
 * The dispatch's attempt number, its fencing token (agentlink.c): kept in
 * the start event, so replay restores it; a start recorded without one (an
 * older database) counts on from the element's previous attempt.
 */
static int
job_start_attempt(const struct elem *e, json_t *data)
{
	json_int_t a = json_integer_value(json_object_get(data, "attempt"));

	if (a > 0 && a < INT_MAX)
		return (int)a;
	json_object_set_new(data, "attempt", json_integer(e->attempt + 1));
	return e->attempt + 1;
}

int
job_apply_start(struct master *m, struct job *j, const struct jevent *ev, char *err,
    size_t errlen)
{
	long idx = ev->idx, when = ev->when;
	json_t *data = ev->data;
	json_t *hosts = json_object_get(data, "hosts");
	struct elem *e;
	size_t i;

	if (!json_is_array(hosts) || json_array_size(hosts) == 0)
		return errf(err, errlen, "start event without hosts");
	e = job_elem_get(j, idx);
	if (e->state != JS_PEND)
		return errf(err, errlen, "element %ld is not pending", idx);
	elem_free_hosts(e);
	e->nslots = (int)json_array_size(hosts);
	e->hosts = xcalloc(e->nslots, sizeof(char *));
	for (i = 0; i < json_array_size(hosts); i++)
		e->hosts[i] = xstrdup(json_string_value(json_array_get(hosts, i)) ?
		    json_string_value(json_array_get(hosts, i)) : "?");
	elem_set_state(e, JS_RUN);
	e->start_time = when;
	e->attempt = job_start_attempt(e, data);
	jobresult_clear(e);	/* an earlier run's outcome is not this one's */
	e->host = host_get(m, e->hosts[0]);
	e->host->used += e->nslots;
	TAILQ_INSERT_TAIL(&e->host->running, e, host_entry);
	consum_started(m, e, data);
	snapshot_elem_started(m, e);
	j->nrun++;
	if (job_is_array(j)) {
		long pos = arrayspec_pos(&j->arr, idx);
		if (pos >= j->next_pos)
			j->next_pos = pos + 1;
	}
	job_pending_unlink(m, j);
	return 0;
}

void
elem_end(struct job *j, struct elem *e, int state, long when, const char *reason)
{
	if (e->state & (JS_RUN | JS_SSUSP | JS_USUSP | JS_UNKWN))
		j->nrun--;
	elem_set_state(e, state);
	e->finish_time = when;
	free(e->reason);
	e->reason = reason ? xstrdup(reason) : NULL;
	if (state == JS_DONE)
		j->ndone++;
	else
		j->nexit++;
}

int
job_apply_finish(struct master *m, struct job *j, const struct jevent *ev, char *err,
    size_t errlen)
{
	long idx = ev->idx, when = ev->when;
	json_t *data = ev->data;
	struct elem *e = job_elem(j, idx);
	const char *st = proto_str(data, "state"), *reason = proto_str(data, "reason");
	int state = st && strcmp(st, "DONE") == 0 ? JS_DONE : JS_EXIT;

	if (e == NULL || !(e->state & (JS_RUN | JS_SSUSP | JS_USUSP | JS_UNKWN)))
		return errf(err, errlen, "element %ld is not running", idx);
	e->exit_code = (int)json_integer_value(json_object_get(data, "exit_code"));
	e->signal = (int)json_integer_value(json_object_get(data, "signal"));
	e->cpu = json_number_value(json_object_get(data, "cpu"));
	e->maxrss = (long)json_integer_value(json_object_get(data, "maxrss"));
	elem_set_cwd(e, proto_str(data, "cwd"));	/* -cwd unusable: ran in /tmp */
	jobresult_finish(e, data);
	if (e->requeue && e->kill_reason == NULL)
		return jobctl_requeue_ended(m, j, e);	/* brequeue: back to PEND */
	if (e->kill_reason != NULL) {
		state = e->kill_done ? JS_DONE : JS_EXIT;	/* bkill -d */
		reason = e->kill_done ? NULL : e->kill_reason;
		if (e->kill_done)
			e->exit_code = 0;
	}
	elem_release_host(m, e);
	elem_end(j, e, state, when, reason);
	return 0;
}

static void
job_kill_pending_all(struct job *j, long when, const char *reason)
{
	long pend = job_pending_count(j);
	size_t i;

	/* Records in PEND (requeued elements) end one by one. */
	for (i = 0; i < j->ehash_size; i++) {
		struct elem *e;
		for (e = j->ehash[i]; e != NULL; e = e->hnext)
			if (e->state & JS_PENDING) {
				elem_end(j, e, JS_EXIT, when, reason);
				pend--;
			}
	}
	if (job_is_array(j) && pend > 0) {
		j->pend_killed = true;
		free(j->pend_kill_reason);
		j->pend_kill_reason = xstrdup(reason);
		j->pend_kill_time = when;
		j->nexit += pend;
	}
}

static void
job_kill_running(struct job *j, long idx, const char *reason)
{
	size_t i;

	for (i = 0; i < j->ehash_size; i++) {
		struct elem *e;
		for (e = j->ehash[i]; e != NULL; e = e->hnext)
			if ((idx < 0 || e->idx == idx) &&
			    (e->state & (JS_RUN | JS_SSUSP | JS_USUSP | JS_UNKWN)) &&
			    e->kill_reason == NULL)
				e->kill_reason = xstrdup(reason);
	}
}

int
job_apply_kill(struct master *m, struct job *j, const struct jevent *ev, char *err,
    size_t errlen)
{
	long idx = ev->idx, when = ev->when;
	json_t *data = ev->data;
	const char *reason = proto_str(data, "reason");

	if (reason == NULL)
		reason = "TERM_OWNER: job killed by owner";
	if (idx < 0) {
		job_kill_pending_all(j, when, reason);
		job_kill_running(j, -1, reason);
	} else {
		struct elem *e;
		if (job_is_array(j) && !arrayspec_has(&j->arr, idx))
			return errf(err, errlen, "no element %ld", idx);
		e = job_elem_get(j, idx);
		if (e->state & JS_PENDING)
			elem_end(j, e, JS_EXIT, when, reason);
		else
			job_kill_running(j, idx, reason);
	}
	jobctl_kill_flags(m, j, idx, when, data);	/* -d, -r */
	job_pending_unlink(m, j);
	return 0;
}

/* What a requeue for REQUEUE_EXIT_VALUES carries (requeue.c): the order
 * that puts the job at the head of its queue and, for EXCLUDE(), the host
 * it must not run on again (kept in the spec, so requirements see it). */
static void
job_requeue_policy(struct job *j, json_t *data)
{
	json_t *order = json_object_get(data, "order"), *spec, *a, *v;
	const char *x = proto_str(data, "exclude");
	size_t i;

	if (json_is_integer(order))
		j->order = (long)json_integer_value(order);
	if (x == NULL)
		return;
	spec = jobspec_tree(j);
	json_array_foreach(json_object_get(spec, "xhosts"), i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), x) == 0) {
			json_decref(spec);
			return;
		}
	if (!json_is_array(a = json_object_get(spec, "xhosts")))
		json_object_set_new(spec, "xhosts", a = json_array());
	json_array_append_new(a, json_string(x));
	jobspec_replace(j, spec);
	json_decref(spec);
	jobreq_free(j->req);	/* derived again, with the exclusion */
	j->req = NULL;
}

int
job_apply_requeue(struct master *m, struct job *j, const struct jevent *ev,
    char *err, size_t errlen)
{
	long idx = ev->idx;
	json_t *data = ev->data;
	struct elem *e = job_elem(j, idx);
	bool had_req = j->req != NULL;

	if (e == NULL || !(e->state & (JS_RUN | JS_SSUSP | JS_USUSP | JS_UNKWN)))
		return errf(err, errlen, "element %ld is not running", idx);
	job_requeue_policy(j, data);
	if (had_req && j->req == NULL)	/* EXCLUDE(): derived again */
		snapshot_job_changed(m, j);
	elem_release_host(m, e);
	elem_free_hosts(e);
	elem_set_state(e, e->requeue ? e->requeue : JS_PEND);
	e->requeue = 0;
	e->start_time = 0;
	j->nrun--;
	if (e->kill_reason != NULL) {
		/* killed while it was being (re)started: it ends here */
		elem_end(j, e, JS_EXIT, e->finish_time, e->kill_reason);
		return 0;
	}
	job_pending_link(m, j);
	return 0;
}

static void job_hash_remove(struct master *m, struct job *j);

/* CLEAN_PERIOD is over: the job leaves memory; its events stay on disk. */
int
job_apply_purge(struct master *m, struct job *j, const struct jevent *ev,
    char *err, size_t errlen)
{
	if (!job_finished(j))
		return errf(err, errlen, "job %ld has not finished", j->id);
	job_hash_remove(m, j);
	job_free(j);
	return 0;
}

const char *
job_project(struct master *m, const json_t *spec)
{
	const char *p = json_string_value(json_object_get(json_object_get(spec,
	    "opts"), "P"));
	size_t i;

	if (p == NULL)
		p = json_string_value(json_object_get(spec, "default_project"));

	for (i = 0; p == NULL && i < m->conf->params.nsec; i++)
		p = cfg_section_get(&m->conf->params.sec[i], "DEFAULT_PROJECT");
	return p != NULL && *p != '\0' ? p : "default";
}

static void
job_free(struct job *j)
{
	size_t i;

	for (i = 0; i < j->ehash_size; i++) {
		struct elem *e, *next;
		for (e = j->ehash[i]; e != NULL; e = next) {
			next = e->hnext;
			elem_free_hosts(e);
			json_decref(e->alloc);
			free(e->reason);
			free(e->kill_reason);
			elem_extra_free(e);
			if (e != job_first_elem(j))
				free(e);
		}
	}
	job_ehash_free(j);
	arrayspec_free(&j->arr);
	dep_free(j->dep);
	jobspec_free(j);
	jobslab_free_str(j->name);
	free(j->pend_kill_reason);
	free(j->pend_detail);
	jobreq_free(j->req);
	jobslab_free(j, sizeof(*j) + sizeof(struct elem));
}

void
master_init(struct master *m)
{
	TAILQ_INIT(&m->conns);
	TAILQ_INIT(&m->dirty);
	TAILQ_INIT(&m->hosts);
	TAILQ_INIT(&m->pending);
	TAILQ_INIT(&m->byid);
	TAILQ_INIT(&m->waiters);
	TAILQ_INIT(&m->peeks);
	m->next_id = 1;
}

void
job_free_all(struct master *m)
{
	size_t i;

	for (i = 0; i < m->jhash_size; i++) {
		struct job *j, *next;
		for (j = m->jhash[i]; j != NULL; j = next) {
			next = j->hnext;
			job_free(j);
		}
	}
	free(m->jhash);
	m->jhash = NULL;
	m->jhash_size = m->njobs = 0;
	TAILQ_INIT(&m->byid);
	free(m->timed);
	m->timed = NULL;
	m->ntimed = m->timed_cap = 0;
	jobspec_view_free(m);
	envtab_free(m->envs);
	m->envs = NULL;
}

static long
job_last_finish(const struct job *j)
{
	long last = j->pend_killed ? j->pend_kill_time : 0;
	size_t i;

	for (i = 0; i < j->ehash_size; i++) {
		const struct elem *e;
		for (e = j->ehash[i]; e != NULL; e = e->hnext)
			if (e->finish_time > last)
				last = e->finish_time;
	}
	return last;
}

/*
 * Forgets finished jobs older than CLEAN_PERIOD from memory: a purge event
 * keeps their events on disk for PUMICE_HISTORY_DAYS (0: deleted now).
 */
void
job_purge_old(struct master *m, long now)
{
	size_t i;

	for (i = 0; i < m->jhash_size; i++) {
		struct job *j, *next;
		for (j = m->jhash[i]; j != NULL; j = next) {
			next = j->hnext;
			if (!job_finished(j) ||
			    now - job_last_finish(j) < m->conf->clean_period)
				continue;
			log_info("job %ld: finished more than %lds ago, forgotten",
			    j->id, m->conf->clean_period);
			if (m->conf->history_days > 0) {
				job_event(m, j->id, 0, "purge", json_pack("{s:s}",
				    "user", j->user));
				continue;
			}
			store_delete_job(m->store, j->id);
			loop_want_commit(m);
			job_hash_remove(m, j);
			job_free(j);
		}
	}
	flow_forget_gone(m);	/* workflows whose every step went */
	history_expire(m, now);
}
